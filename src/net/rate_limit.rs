//! A per-source-address rate limiter for UDP replies: the amplification guard.
//!
//! A UDP server that answers a small (even empty) datagram with a larger reply can be used to
//! flood a third party whose address an attacker forges as the source. Limiting replies per
//! source address bounds what any one victim can receive from us.
//!
//! Each tracked source costs one `Instant` (the GCRA "theoretical arrival time"): a source may
//! send `rate` replies back to back, then one every `1/rate` seconds. A source whose time has
//! passed is at full allowance again, so forgetting it changes nothing; that is how the table
//! stays small. When more than `max_sources` addresses are active within one second (a spoofed
//! flood), the ones that don't fit share a single overflow allowance of `rate` per second, so
//! memory stays bounded and the guard still holds.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// How many source addresses are tracked individually by default: 40 bytes each in a hash
/// table of at most 32768 slots, about 1.3 MB.
pub const DEFAULT_MAX_SOURCES: usize = 16 * 1024;

/// How often a full table may be swept of sources that are back at full allowance.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// Replies per second per source address; see the module docs.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    tolerance: Duration,
    max_sources: usize,
    sources: HashMap<IpAddr, Instant>,
    overflow: Option<Instant>,
    last_sweep: Option<Instant>,
    dropped: u64,
}

impl RateLimiter {
    /// Allows `per_second` replies per second to each source address (at least 1), tracking
    /// at most `max_sources` addresses individually.
    pub fn new(per_second: u32, max_sources: usize) -> RateLimiter {
        let interval = Duration::from_secs(1) / per_second.max(1);
        RateLimiter {
            interval,
            tolerance: Duration::from_secs(1).saturating_sub(interval),
            max_sources: max_sources.max(1),
            sources: HashMap::new(),
            overflow: None,
            last_sweep: None,
            dropped: 0,
        }
    }

    /// Whether a reply to `source` may be sent at `now`; a refusal is counted in
    /// [`RateLimiter::dropped`].
    pub fn allow(&mut self, source: IpAddr, now: Instant) -> bool {
        // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; count them as IPv4.
        let source = source.to_canonical();
        let allowed = if let Some(arrival) = self.sources.get_mut(&source) {
            Self::conform(arrival, now, self.interval, self.tolerance)
        } else if self.has_room(now) {
            let mut arrival = now;
            let allowed = Self::conform(&mut arrival, now, self.interval, self.tolerance);
            self.sources.insert(source, arrival);
            allowed
        } else {
            let arrival = self.overflow.get_or_insert(now);
            Self::conform(arrival, now, self.interval, self.tolerance)
        };
        if !allowed {
            self.dropped += 1;
        }
        allowed
    }

    /// How many replies have been refused so far.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// How many source addresses are tracked right now.
    pub fn tracked(&self) -> usize {
        self.sources.len()
    }

    /// The GCRA test: conforming if the source's theoretical arrival time is no further ahead
    /// of `now` than the burst tolerance; a conforming reply pushes it on by one interval.
    fn conform(
        arrival: &mut Instant,
        now: Instant,
        interval: Duration,
        tolerance: Duration,
    ) -> bool {
        if *arrival > now + tolerance {
            return false;
        }
        *arrival = (*arrival).max(now) + interval;
        true
    }

    /// Whether a new source can be tracked, sweeping the table (at most once per
    /// [`SWEEP_INTERVAL`]) of sources that are back at full allowance when it is full.
    fn has_room(&mut self, now: Instant) -> bool {
        if self.sources.len() < self.max_sources {
            return true;
        }
        if self
            .last_sweep
            .is_some_and(|at| now.saturating_duration_since(at) < SWEEP_INTERVAL)
        {
            return false;
        }
        self.last_sweep = Some(now);
        self.sources.retain(|_, arrival| *arrival > now);
        self.sources.len() < self.max_sources
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(n: u32) -> IpAddr {
        IpAddr::from(n.to_be_bytes())
    }

    #[test]
    fn allows_a_burst_of_rate_then_one_per_interval() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(5, 10);
        let allowed = (0..20).filter(|_| limiter.allow(ip(1), start)).count();
        assert_eq!(allowed, 5);
        assert_eq!(limiter.dropped(), 15);
        // 200 ms later one more is due, not two.
        let later = start + Duration::from_millis(200);
        assert!(limiter.allow(ip(1), later));
        assert!(!limiter.allow(ip(1), later));
        // After a quiet second the full burst is back.
        let much_later = start + Duration::from_secs(3);
        assert_eq!(
            (0..20).filter(|_| limiter.allow(ip(1), much_later)).count(),
            5
        );
    }

    #[test]
    fn sources_are_limited_separately_and_mapped_ipv4_counts_as_ipv4() {
        let now = Instant::now();
        let mut limiter = RateLimiter::new(1, 10);
        assert!(limiter.allow(ip(1), now));
        assert!(limiter.allow(ip(2), now));
        assert!(!limiter.allow(ip(1), now));
        let mapped: IpAddr = "::ffff:0.0.0.1".parse().unwrap();
        assert!(!limiter.allow(mapped, now));
        assert_eq!(limiter.tracked(), 2);
    }

    #[test]
    fn a_full_table_sweeps_idle_sources_and_overflow_shares_one_allowance() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(2, 3);
        for n in 0..3 {
            assert!(limiter.allow(ip(n), start));
        }
        // The table is full of active sources: newcomers share the overflow allowance of 2.
        let overflowed = (10..20).filter(|&n| limiter.allow(ip(n), start)).count();
        assert_eq!(overflowed, 2);
        assert_eq!(limiter.tracked(), 3);
        // A second later the old sources are back at full allowance and make room.
        let later = start + Duration::from_secs(2);
        assert!(limiter.allow(ip(42), later));
        assert_eq!(limiter.tracked(), 1);
    }

    proptest! {
        /// However datagrams arrive, a source never gets more than rate * (1 + seconds) replies
        /// from each of the two allowances it can draw on (the overflow one while the table is
        /// full, then its own once a sweep makes room), and the table never outgrows its bound.
        #[test]
        fn never_exceeds_the_rate_or_the_table_bound(
            rate in 1u32..50,
            arrivals in prop::collection::vec((0u32..8, 0u64..3_000), 1..400),
        ) {
            let start = Instant::now();
            let mut limiter = RateLimiter::new(rate, 4);
            let mut arrivals = arrivals;
            arrivals.sort_by_key(|&(_, ms)| ms);
            let mut allowed = std::collections::HashMap::<u32, u64>::new();
            for &(source, ms) in &arrivals {
                if limiter.allow(ip(source), start + Duration::from_millis(ms)) {
                    *allowed.entry(source).or_default() += 1;
                }
                prop_assert!(limiter.tracked() <= 4);
            }
            let span = arrivals.last().unwrap().1 as f64 / 1000.0;
            let bound = 2 * ((f64::from(rate) * (1.0 + span)).ceil() as u64 + 1);
            for (source, count) in allowed {
                prop_assert!(count <= bound, "source {} got {} > {}", source, count, bound);
            }
            // The first datagram of all is always answered.
            prop_assert!(limiter.dropped() < arrivals.len() as u64);
        }
    }
}

//! The time service for the shared server core: a [`Service`] whose TCP sessions send one
//! reply and finish, and whose datagrams are each answered with one reply, subject to the
//! per-source rate limit.
//!
//! TCP follows RFC 867/868: the reply goes out as soon as the connection is accepted and our
//! side is shut down; whatever the client sends is never read as a request. The stream core
//! then reads and discards until the client closes (or a short linger passes), because closing
//! a socket with unread input makes the kernel answer with RST, which can destroy the reply
//! before the client has read it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use jiff::Timestamp;

use crate::net::datagram::Packet;
use crate::net::rate_limit::{DEFAULT_MAX_SOURCES, RateLimiter};
use crate::net::server::Service;
use crate::net::stream::{Session, SessionOutput, Step};

use super::reply::{Format, Replies, Zone};

/// What `serve-time` answers, in which zone, and how often per source.
#[derive(Debug, Clone)]
pub struct TimeConfig {
    pub format: Format,
    pub zone: Zone,
    /// Replies per second per UDP source address; 0 disables the limit.
    pub rate_limit: u32,
}

/// Answers every connection and datagram with the time. Each event-loop thread gets a clone;
/// the clones share one rate limiter, so `--threads` does not multiply a source's allowance.
#[derive(Clone)]
pub struct TimeService {
    replies: Replies,
    limiter: Option<Arc<Mutex<RateLimiter>>>,
}

impl TimeService {
    /// A service answering as `config` says.
    pub fn new(config: TimeConfig) -> TimeService {
        let limiter = (config.rate_limit > 0).then(|| {
            Arc::new(Mutex::new(RateLimiter::new(
                config.rate_limit,
                DEFAULT_MAX_SOURCES,
            )))
        });
        TimeService {
            replies: Replies::new(config.format, config.zone),
            limiter,
        }
    }

    /// Datagrams refused by the rate limit so far (over all threads).
    pub fn rate_limited(&self) -> u64 {
        self.limiter.as_ref().map_or(0, |limiter| {
            limiter
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .dropped()
        })
    }

    fn may_answer(&self, packet: &Packet<'_>, now: Instant) -> bool {
        let Some(limiter) = &self.limiter else {
            return true;
        };
        // A thread that panicked mid-update leaves valid (if slightly off) counters.
        let mut limiter = limiter.lock().unwrap_or_else(PoisonError::into_inner);
        limiter.allow(packet.from().ip(), now)
    }
}

impl Service for TimeService {
    type Session = TimeSession;

    fn open(&mut self, _peer: &str) -> TimeSession {
        TimeSession {
            reply: self.replies.now().to_vec(),
        }
    }

    fn datagram(&mut self, packet: &Packet<'_>) {
        // One monotonic reading serves the limiter and the reply cache.
        let now = Instant::now();
        if self.may_answer(packet, now) {
            packet.reply(self.replies.at(now, Timestamp::now));
        } else {
            tracing::trace!("rate limit: no reply to {}", packet.from());
            packet.count_dropped();
        }
    }

    fn summary_note(&self) -> Option<String> {
        self.limiter
            .as_ref()
            .map(|_| format!("{} rate-limited", self.rate_limited()))
    }
}

/// One TCP connection: the reply, sent on accept, and nothing else.
pub struct TimeSession {
    reply: Vec<u8>,
}

impl Session for TimeSession {
    fn start(&mut self, out: &mut SessionOutput<'_>) -> Step {
        out.send(&self.reply);
        Step::Finish
    }

    fn received(&mut self, _data: &[u8], _out: &mut SessionOutput<'_>) -> Step {
        // Not a request: the reply is already on its way.
        Step::Finish
    }
}

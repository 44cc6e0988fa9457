//! What a server counts and how it reports it: per-loop counters ([`Stats`]), their sum
//! ([`Totals`]), the summary line printed at exit, the `--stats-interval` rate lines
//! ([`RateLogger`]), and [`WarnLimiter`], which keeps a flood of refusals or failed
//! handshakes down to one warning a second.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use mio::event::Event;

use crate::reactor::{Action, Context, Handler};

/// Counters of one event loop; the summary and the rate lines add up all loops'.
#[derive(Debug, Default)]
pub struct Stats {
    /// Stream connections served: past the limits, the access list and any handshake.
    pub connections: AtomicU64,
    /// Stream connections closed unserved: over `--max-conns` or refused by `--allow/--deny`.
    pub refused: AtomicU64,
    pub bytes_in: AtomicU64,
    pub bytes_out: AtomicU64,
    pub datagrams_in: AtomicU64,
    pub datagrams_out: AtomicU64,
    /// Datagrams not answered: low source port, access list, a full socket buffer, a
    /// service's choice.
    pub datagrams_dropped: AtomicU64,
    /// Failed or timed-out HMAC handshakes.
    pub auth_failures: AtomicU64,
    /// Failed or timed-out TLS handshakes.
    pub tls_failures: AtomicU64,
    /// Handshakes dropped to make room under `--max-handshakes`.
    pub handshakes_dropped: AtomicU64,
}

impl Stats {
    /// Adds one to `counter`.
    pub fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// A plain copy of [`Stats`] at one moment.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub connections: u64,
    pub refused: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub datagrams_in: u64,
    pub datagrams_out: u64,
    pub datagrams_dropped: u64,
    pub auth_failures: u64,
    pub tls_failures: u64,
    pub handshakes_dropped: u64,
}

impl Totals {
    /// The sum of these loops' counters.
    pub fn of<'a>(loops: impl IntoIterator<Item = &'a Stats>) -> Totals {
        let mut t = Totals::default();
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        for s in loops {
            t.connections += get(&s.connections);
            t.refused += get(&s.refused);
            t.bytes_in += get(&s.bytes_in);
            t.bytes_out += get(&s.bytes_out);
            t.datagrams_in += get(&s.datagrams_in);
            t.datagrams_out += get(&s.datagrams_out);
            t.datagrams_dropped += get(&s.datagrams_dropped);
            t.auth_failures += get(&s.auth_failures);
            t.tls_failures += get(&s.tls_failures);
            t.handshakes_dropped += get(&s.handshakes_dropped);
        }
        t
    }

    /// The counters part of the summary line, naming only what this server can do: its
    /// connections if it has stream listeners, its datagrams if it has UDP ones, its
    /// handshakes if it has HMAC authentication or TLS.
    pub fn summary(&self, style: &SummaryStyle) -> String {
        let mut parts = Vec::new();
        if style.streams {
            parts.push(format!(
                "{} served, plus {} refused",
                counted(self.connections, "connection"),
                self.refused
            ));
        }
        parts.push(format!(
            "{} in, {} out",
            counted(self.bytes_in, "byte"),
            counted(self.bytes_out, "byte")
        ));
        if style.datagrams {
            parts.push(format!(
                "{} in, {} out, {} dropped",
                counted(self.datagrams_in, "datagram"),
                self.datagrams_out,
                self.datagrams_dropped
            ));
        }
        if style.auth {
            parts.push(counted(self.auth_failures, "auth failure"));
        }
        if style.tls {
            parts.push(counted(self.tls_failures, "TLS handshake failure"));
        }
        if style.auth || style.tls {
            parts.push(format!(
                "{} dropped",
                counted(self.handshakes_dropped, "handshake")
            ));
        }
        parts.join(", ")
    }
}

/// `1 connection`, `2 connections`.
fn counted(n: u64, noun: &str) -> String {
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} {noun}{plural}")
}

/// How the summary line is written, chosen by the subcommand.
#[derive(Debug, Clone, Copy, Default)]
pub struct SummaryStyle {
    /// One JSON object instead of a text line (with `--log-format json`, so that a log
    /// collector reading stderr sees only JSON).
    pub json: bool,
    /// The server has an HMAC handshake: name its failures.
    pub auth: bool,
    /// The server has TLS listeners: name their failures.
    pub tls: bool,
    /// The server has TCP, TLS or Unix listeners: name its connections.
    pub streams: bool,
    /// The server has UDP listeners: name its datagrams.
    pub datagrams: bool,
}

/// Prints the summary on stderr: one plain line, or one JSON object. A stderr that cannot be
/// written (closed, a full disk) loses the line; it never turns a clean shutdown into a panic.
pub fn print_summary(
    name: &str,
    style: &SummaryStyle,
    totals: &Totals,
    note: Option<String>,
    elapsed: Duration,
) {
    let seconds = elapsed.as_secs_f64();
    if style.json {
        let mut line = serde_json::json!({ "summary": name, "seconds": seconds });
        if let (Some(fields), serde_json::Value::Object(counters)) =
            (line.as_object_mut(), serde_json::json!(totals))
        {
            fields.extend(counters);
            if let Some(note) = note {
                fields.insert("note".to_owned(), note.into());
            }
        }
        let _ = writeln!(io::stderr(), "{line}");
    } else {
        // The duration first: at the end it would read as part of the last count.
        let note = note.map(|n| format!(", {n}")).unwrap_or_default();
        let summary = totals.summary(style);
        let _ = writeln!(io::stderr(), "{name}: in {seconds:.1}s, {summary}{note}");
    }
}

/// At most one warning of a kind per period: counts what it holds back and reports the count
/// with the next warning it lets through.
#[derive(Debug, Default)]
pub struct WarnLimiter {
    state: Mutex<(Option<Instant>, u64)>,
}

impl WarnLimiter {
    /// One warning per this period.
    pub const PERIOD: Duration = Duration::from_secs(1);

    /// Notes one event at `now`; returns how many events (this one included) the warning to
    /// write now stands for, or `None` when the warning is held back.
    pub fn note(&self, now: Instant) -> Option<u64> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (last, held) = &mut *state;
        *held += 1;
        if last.is_some_and(|at| now.saturating_duration_since(at) < Self::PERIOD) {
            return None;
        }
        *last = Some(now);
        Some(std::mem::take(held))
    }
}

/// Logs connection, byte and datagram rates every `--stats-interval`.
pub struct RateLogger {
    every: Duration,
    loops: Vec<Arc<Stats>>,
    open: Arc<AtomicUsize>,
    last: Totals,
    last_at: Instant,
}

impl RateLogger {
    /// Logs the rates of these loops' counters, and the connections open (`open`).
    pub fn new(every: Duration, loops: Vec<Arc<Stats>>, open: Arc<AtomicUsize>) -> RateLogger {
        RateLogger {
            every,
            loops,
            open,
            last: Totals::default(),
            last_at: Instant::now(),
        }
    }
}

impl Handler for RateLogger {
    fn started(&mut self, cx: &mut Context<'_>) -> Action {
        self.last_at = cx.now();
        cx.set_timer_after(self.every);
        Action::Continue
    }

    fn ready(&mut self, _event: &Event, _cx: &mut Context<'_>) -> Action {
        Action::Continue
    }

    fn timeout(&mut self, cx: &mut Context<'_>) -> Action {
        let now = Totals::of(self.loops.iter().map(|s| &**s));
        let secs = cx
            .now()
            .duration_since(self.last_at)
            .as_secs_f64()
            .max(1e-9);
        let rate = |a: u64, b: u64| (a.saturating_sub(b)) as f64 / secs;
        let open = self.open.load(Ordering::Relaxed);
        tracing::info!(
            open,
            "{open} open; {:.1} conn/s, {:.0} B/s in, {:.0} B/s out, {:.1} datagrams/s in, {:.1} out",
            rate(now.connections, self.last.connections),
            rate(now.bytes_in, self.last.bytes_in),
            rate(now.bytes_out, self.last.bytes_out),
            rate(now.datagrams_in, self.last.datagrams_in),
            rate(now.datagrams_out, self.last.datagrams_out),
        );
        self.last = now;
        self.last_at = cx.now();
        cx.set_timer_after(self.every);
        Action::Continue
    }

    fn shutdown(&mut self, _cx: &mut Context<'_>) -> Action {
        Action::Close
    }

    fn keeps_loop_alive(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals() -> Totals {
        Totals {
            connections: 3,
            refused: 1,
            bytes_in: 10,
            bytes_out: 9,
            datagrams_in: 2,
            datagrams_out: 1,
            datagrams_dropped: 1,
            auth_failures: 1,
            tls_failures: 2,
            handshakes_dropped: 0,
        }
    }

    #[test]
    fn the_summary_names_what_the_server_can_do() {
        let plain = SummaryStyle {
            streams: true,
            datagrams: true,
            ..SummaryStyle::default()
        };
        assert_eq!(
            totals().summary(&plain),
            "3 connections served, plus 1 refused, 10 bytes in, 9 bytes out, 2 datagrams in, \
             1 out, 1 dropped"
        );
        let auth = SummaryStyle {
            auth: true,
            ..plain
        };
        assert!(
            totals()
                .summary(&auth)
                .ends_with("1 dropped, 1 auth failure, 0 handshakes dropped")
        );
        let tls_only = SummaryStyle {
            tls: true,
            streams: true,
            ..SummaryStyle::default()
        };
        assert_eq!(
            totals().summary(&tls_only),
            "3 connections served, plus 1 refused, 10 bytes in, 9 bytes out, \
             2 TLS handshake failures, 0 handshakes dropped"
        );
        let udp_only = SummaryStyle {
            datagrams: true,
            ..SummaryStyle::default()
        };
        assert_eq!(
            totals().summary(&udp_only),
            "10 bytes in, 9 bytes out, 2 datagrams in, 1 out, 1 dropped"
        );
        let one = Totals {
            connections: 1,
            bytes_in: 1,
            ..Totals::default()
        };
        assert!(
            one.summary(&plain)
                .starts_with("1 connection served, plus 0 refused, 1 byte in, 0 bytes out")
        );
    }

    #[test]
    fn warnings_are_limited_to_one_a_period_and_count_what_was_held_back() {
        let limiter = WarnLimiter::default();
        let t0 = Instant::now();
        assert_eq!(limiter.note(t0), Some(1));
        assert_eq!(limiter.note(t0 + Duration::from_millis(10)), None);
        assert_eq!(limiter.note(t0 + Duration::from_millis(500)), None);
        assert_eq!(limiter.note(t0 + Duration::from_millis(1000)), Some(3));
        assert_eq!(limiter.note(t0 + Duration::from_millis(2500)), Some(1));
    }
}

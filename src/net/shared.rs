//! What the handlers of one event loop share ([`ServerShared`]): the loop's counters and
//! limited warnings, and the limits and counts that all loops of a server share (connections
//! served, handshake slots, connection numbers, the access list). Connections, listeners and
//! datagram sockets hold it; none of them needs the server that made it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use super::access::AccessList;
use super::handshake::HandshakeSlots;
use super::server::ServerSettings;
use super::stats::{Stats, WarnLimiter};

/// Warnings that are limited to one a second per loop.
#[derive(Debug, Default)]
pub struct Warnings {
    /// Over `--max-conns`.
    pub refused: WarnLimiter,
    /// Refused by `--allow/--deny`.
    pub denied: WarnLimiter,
    /// Failed HMAC handshakes.
    pub auth: WarnLimiter,
    /// Refused TLS client certificates.
    pub tls: WarnLimiter,
    /// Handshakes dropped under `--max-handshakes`.
    pub evicted: WarnLimiter,
}

/// What one event loop's handlers share: its counters, and the limits and counts shared by
/// all loops.
#[derive(Debug)]
pub struct ServerShared {
    pub stats: Arc<Stats>,
    /// Stream connections served now (past any handshake), over all loops.
    pub established: Arc<AtomicUsize>,
    /// Connections in a handshake now, over all loops.
    pub handshakes: Arc<HandshakeSlots>,
    next_id: Arc<AtomicU64>,
    pub access: Arc<AccessList>,
    pub max_conns: usize,
    pub max_buffer: usize,
    pub idle_timeout: Option<Duration>,
    pub nodelay: bool,
    pub keepalive: Option<Duration>,
    pub allow_low_ports: bool,
    pub tls_handshake_timeout: Duration,
    pub warnings: Warnings,
}

impl ServerShared {
    /// What the first (or only) loop of a server with these settings shares.
    pub fn for_settings(settings: &ServerSettings) -> ServerShared {
        ServerShared {
            stats: Arc::default(),
            established: Arc::default(),
            handshakes: Arc::new(HandshakeSlots::new(settings.max_handshakes)),
            next_id: Arc::default(),
            access: Arc::new(settings.access.clone()),
            max_conns: settings.max_conns,
            max_buffer: settings.max_buffer.max(1),
            idle_timeout: settings.idle_timeout,
            nodelay: settings.nodelay,
            keepalive: settings.keepalive,
            allow_low_ports: settings.allow_low_ports,
            tls_handshake_timeout: settings.tls_handshake_timeout,
            warnings: Warnings::default(),
        }
    }

    /// For another loop of the same server: its own counters and warnings, the same limits
    /// and the same connection counts.
    pub fn sibling(&self) -> ServerShared {
        ServerShared {
            stats: Arc::default(),
            established: Arc::clone(&self.established),
            handshakes: Arc::clone(&self.handshakes),
            next_id: Arc::clone(&self.next_id),
            access: Arc::clone(&self.access),
            warnings: Warnings::default(),
            ..*self
        }
    }

    /// A fresh connection number for log lines (unique over all loops, growing, so older
    /// handshakes have smaller numbers).
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }
}

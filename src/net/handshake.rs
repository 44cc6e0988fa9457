//! `--max-handshakes`: connections still in a handshake (TLS, the HMAC challenge) do not count
//! against `--max-conns`; they hold one of these slots instead, shared by all loops. When every
//! slot is taken, the oldest handshake in progress is dropped to make room, so a crowd of idle
//! sockets that never finish a handshake cannot lock real clients out, and a real client's
//! handshake only has to be quicker than the flood's rate to get through.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use crate::reactor::Notifier;

/// The handshakes in progress over all loops, oldest first (connection ids grow).
pub struct HandshakeSlots {
    max: usize,
    waiting: Mutex<BTreeMap<u64, Notifier>>,
}

impl std::fmt::Debug for HandshakeSlots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HandshakeSlots({} of {})", self.in_progress(), self.max)
    }
}

impl HandshakeSlots {
    /// Room for `max` handshakes at once (at least one).
    pub fn new(max: usize) -> HandshakeSlots {
        HandshakeSlots {
            max: max.max(1),
            waiting: Mutex::new(BTreeMap::new()),
        }
    }

    /// The limit.
    pub fn max(&self) -> usize {
        self.max
    }

    /// Takes a slot for connection `id`, whose handler `notifier` wakes. When all are taken,
    /// the oldest handshake's slot is given to this one and its handler is notified (it then
    /// closes itself); returns whether that happened.
    pub fn take(&self, id: u64, notifier: Notifier) -> bool {
        let mut waiting = self.lock();
        let evicted = if waiting.len() >= self.max {
            waiting.pop_first()
        } else {
            None
        };
        waiting.insert(id, notifier);
        drop(waiting);
        match evicted {
            Some((old, notifier)) => {
                if let Err(e) = notifier.notify() {
                    tracing::debug!("cannot drop handshake of conn {old}: {e}");
                }
                true
            }
            None => false,
        }
    }

    /// Gives back connection `id`'s slot (its handshake is over, or it was closed). Returns
    /// false if it no longer held one (it was dropped to make room).
    pub fn release(&self, id: u64) -> bool {
        self.lock().remove(&id).is_some()
    }

    /// Handshakes in progress now.
    pub fn in_progress(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Notifier>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

//! SIGINT/SIGTERM as events in the loop: the first one begins a graceful shutdown of this loop
//! and of any other loops (threads) it was given; a second one ends everything at once.

use std::io;

use mio::Interest;
use mio::event::{Event, Source};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook_mio::v1_0::Signals;

use crate::reactor::{Action, Context, Handler, StopHandle};

/// A handler that turns SIGINT and SIGTERM into a graceful shutdown.
pub struct ShutdownOnSignal {
    signals: Signals,
    others: Vec<StopHandle>,
    received: usize,
}

impl ShutdownOnSignal {
    /// Catches SIGINT and SIGTERM; `others` are the loops on other threads to stop as well.
    pub fn new(others: Vec<StopHandle>) -> io::Result<ShutdownOnSignal> {
        Ok(ShutdownOnSignal {
            signals: Signals::new([SIGINT, SIGTERM])?,
            others,
            received: 0,
        })
    }
}

impl Handler for ShutdownOnSignal {
    fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
        Some((&mut self.signals, Interest::READABLE))
    }

    fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
        for signal in self.signals.pending() {
            self.received += 1;
            let stop_other: fn(&StopHandle) -> io::Result<()> = if self.received > 1 {
                tracing::warn!("signal {signal} again: stopping without draining");
                cx.stop_now();
                StopHandle::request_stop_now
            } else {
                tracing::info!("signal {signal}: shutting down");
                cx.begin_shutdown();
                StopHandle::request_stop
            };
            for other in &self.others {
                if let Err(e) = stop_other(other) {
                    tracing::warn!("cannot wake a worker loop: {e}");
                }
            }
        }
        Action::Continue
    }

    fn shutdown(&mut self, _cx: &mut Context<'_>) -> Action {
        // Stay registered so that a second signal can cut the drain short.
        Action::Continue
    }

    fn keeps_loop_alive(&self) -> bool {
        false
    }
}

//! Signals as events in the loop: the first SIGINT/SIGTERM begins a graceful shutdown of this
//! loop and of any other loops (threads) it was given; a second one ends everything at once.
//! SIGHUP, when the server has something to reload (TLS certificates), calls the reload; it is
//! left alone otherwise, so a hangup still ends a server started from a terminal.

use std::io;

use mio::Interest;
use mio::event::{Event, Source};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook_mio::v1_0::Signals;

use crate::reactor::{Action, Context, Handler, StopHandle};

/// A handler that turns SIGINT and SIGTERM into a graceful shutdown, and SIGHUP into a reload.
pub struct ShutdownOnSignal {
    signals: Signals,
    others: Vec<StopHandle>,
    reload: Option<Box<dyn FnMut()>>,
    received: usize,
}

impl ShutdownOnSignal {
    /// Catches SIGINT and SIGTERM (and SIGHUP when there is a `reload`); `others` are the
    /// loops on other threads to stop as well.
    pub fn new(
        others: Vec<StopHandle>,
        reload: Option<Box<dyn FnMut()>>,
    ) -> io::Result<ShutdownOnSignal> {
        let signals = if reload.is_some() {
            Signals::new([SIGINT, SIGTERM, SIGHUP])?
        } else {
            Signals::new([SIGINT, SIGTERM])?
        };
        Ok(ShutdownOnSignal {
            signals,
            others,
            reload,
            received: 0,
        })
    }
}

impl Handler for ShutdownOnSignal {
    fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
        Some((&mut self.signals, Interest::READABLE))
    }

    fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
        let pending: Vec<i32> = self.signals.pending().collect();
        for signal in pending {
            if signal == SIGHUP {
                if let Some(reload) = &mut self.reload {
                    reload();
                }
                continue;
            }
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

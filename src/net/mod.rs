//! The network half of the shared core, on the reactor in [`crate::reactor`]: listeners built
//! with socket2 and the `listening <proto> <addr>` announce lines ([`listen`]), and shutdown on
//! SIGINT/SIGTERM ([`signals`]). On top of those: a buffered stream connection with backpressure
//! and half-close ([`stream`]), a whole multi-threaded server with stats and a summary
//! ([`server`]), its shared command-line flags ([`args`]) and the HMAC challenge-response
//! handshake ([`auth`]).
//!
//! Nothing here knows about echo or time: a server subcommand implements [`server::Service`]
//! (a [`stream::Session`] per connection, an answer per datagram) and calls
//! [`server::run_server`].

pub mod args;
pub mod auth;
pub mod listen;
pub mod rate_limit;
pub mod server;
pub mod signals;
pub mod stream;

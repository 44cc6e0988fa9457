//! The network half of the shared core, on the reactor in [`crate::reactor`]: listener
//! addresses, binding and the `listening <proto> <addr>` lines ([`listen`]), socket activation
//! ([`activation`]), accepting stream connections ([`accept`]) and datagrams ([`datagram`]),
//! a buffered stream connection with backpressure and half-close ([`stream`]), TLS as a
//! stream layer ([`tls`]), the HMAC challenge-response handshake ([`auth`]), the limits and
//! access rules ([`handshake`], [`access`]), what a loop's handlers share ([`shared`]),
//! counting and the summary ([`stats`]), signals ([`signals`]), dropping privileges
//! ([`privileges`]), the whole multi-threaded server ([`server`]) and its shared command-line
//! flags ([`args`]).
//!
//! Nothing here knows about echo or time: a server subcommand implements [`server::Service`]
//! (a [`stream::Session`] per connection, an answer per datagram) and calls
//! [`server::run_server`].

pub mod accept;
pub mod access;
pub mod activation;
pub mod args;
pub mod auth;
pub mod datagram;
pub mod handshake;
pub mod listen;
pub mod privileges;
pub mod rate_limit;
pub mod server;
pub mod shared;
pub mod signals;
pub mod stats;
pub mod stream;
pub mod tls;

//! The shared event-loop core: a small reactor over `mio::Poll` ([`reactor`]), listeners built
//! with socket2 and the `listening <proto> <addr>` announce lines ([`listen`]), and shutdown on
//! SIGINT/SIGTERM ([`signals`]).
//!
//! Nothing here knows about echo or time: subcommands implement [`reactor::Handler`] for their
//! listeners, connections, datagram sockets and pipes, and register them with a
//! [`reactor::Reactor`].

pub mod listen;
pub mod rate_limit;
pub mod reactor;
pub mod signals;

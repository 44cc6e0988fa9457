//! The daytime (RFC 867) and time (RFC 868) protocols behind `tackle serve-time`: what a reply
//! says ([`reply`]) and the service that sends it over UDP and TCP ([`server`]).
//!
//! The recipe's `UDPTimeServer` answers every datagram with `time.ctime()`; here the reply
//! format and time zone are chosen once at start-up, and the service plugs into the shared
//! server core in [`crate::net`], alone (`run_server`) or beside other services (echo, say)
//! in one loop (`add_socket`).

pub mod reply;
pub mod server;

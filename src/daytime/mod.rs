//! The daytime (RFC 867) and time (RFC 868) protocols behind `tackle serve-time`: what a reply
//! says ([`reply`]) and the event-loop handlers that send it over UDP and TCP ([`server`]).
//!
//! The recipe's `UDPTimeServer` answers every datagram with `time.ctime()`; here the reply
//! format and time zone are chosen once at start-up and the handlers plug into the shared
//! reactor in [`crate::net`], next to any other handler kind (echo, say) in the same loop.

pub mod reply;
pub mod server;

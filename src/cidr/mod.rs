//! IPv4/IPv6 address arithmetic for `tackle cidr-expand`, after Python's `ipaddress`:
//! parsing entries ([`parse`]), ranges and networks ([`addr`]), exact counts past 2^128
//! ([`count`]), set operations ([`set`]), a constant-memory shuffle ([`shuffle`]), fast
//! formatting ([`format`]) behind one buffered writer ([`output`]), and the modes that tie
//! them together ([`job`]) over entries read from arguments and stdin ([`input`]).

pub mod addr;
pub mod count;
pub mod format;
pub mod input;
pub mod job;
pub mod output;
pub mod parse;
pub mod set;
pub mod shuffle;

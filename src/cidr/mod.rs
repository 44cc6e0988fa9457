//! IPv4/IPv6 address arithmetic for `tackle cidr-expand`, after Python's `ipaddress`:
//! parsing entries ([`parse`], nmap-style targets in [`target`]), ranges and networks
//! ([`addr`]), exact counts past 2^128 ([`count`]), set operations ([`set`]), a
//! constant-memory shuffle ([`shuffle`]), subnet splits ([`split`]), address types and the
//! IANA registries ([`special`], shown by [`info`]), fast formatting ([`format`]) behind one
//! buffered writer ([`output`]), and the modes that tie them together ([`job`]) over
//! entries read from arguments and stdin ([`input`]) or found in free text ([`scan`],
//! [`extract`]); `--match` ([`matcher`]) selects lines of text like grepcidr.

pub mod addr;
pub mod count;
pub mod extract;
pub mod format;
pub mod info;
pub mod input;
pub mod job;
pub mod matcher;
pub mod output;
pub mod parse;
pub mod scan;
pub mod set;
pub mod shuffle;
pub mod special;
pub mod split;
pub mod target;

//! Mail for `tackle sendmail`: addresses, composing messages from flags, reading complete
//! messages (`-t`, the classic sendmail interface), the msmtp-style config file, passwords
//! and tokens, the SMTP conversation (tackle's own, over rustls) with every failure mapped to
//! a sysexits.h status that names the stage, and the msmtp-style log line.

pub mod address;
pub mod compose;
pub mod config;
pub mod header;
pub mod host;
pub mod log;
pub mod mime;
pub mod password;
pub mod raw;
pub mod smtp;
pub mod sysexits;

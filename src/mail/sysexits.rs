//! The sysexits.h statuses sendmail exits with, as msmtp and the classic `sendmail` do, so
//! cron jobs and scripts can tell "try again later" from "fix the message" from "fix the
//! configuration".

/// Bad flags or arguments.
pub const USAGE: i32 = 64;
/// A bad address, header or message.
pub const DATA_ERR: i32 = 65;
/// An unreadable body, attachment, password or CA file.
pub const NO_INPUT: i32 = 66;
/// The server's host name does not resolve.
pub const NO_HOST: i32 = 68;
/// The server refused the connection, went away or timed out.
pub const UNAVAILABLE: i32 = 69;
/// A bug or an impossible situation in tackle itself.
pub const SOFTWARE: i32 = 70;
/// The server answered 4xx: try again later.
pub const TEMP_FAIL: i32 = 75;
/// The server's answer made no sense at this stage of the conversation.
pub const PROTOCOL: i32 = 76;
/// Authentication failed, TLS failed, or sending credentials would have been unsafe.
pub const NO_PERM: i32 = 77;

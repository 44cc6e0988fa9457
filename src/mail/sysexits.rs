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
/// The server does not accept mail (a 5xx greeting or EHLO refusal).
pub const UNAVAILABLE: i32 = 69;
/// A bug or an impossible situation in tackle itself.
pub const SOFTWARE: i32 = 70;
/// Output could not be written (stdout on a full disk or a failing device).
pub const IO_ERR: i32 = 74;
/// Try again later: the server answered 4xx, could not be reached, or timed out.
pub const TEMP_FAIL: i32 = 75;
/// The server's answer made no sense at this stage of the conversation.
pub const PROTOCOL: i32 = 76;
/// Authentication failed, TLS failed, or sending credentials would have been unsafe.
pub const NO_PERM: i32 = 77;
/// The config file is malformed, names an unknown account, or holds a password others can
/// read.
pub const CONFIG: i32 = 78;

/// The sysexits.h name of a status, as msmtp writes it in its log (`EX_TEMPFAIL`).
pub fn name(status: i32) -> &'static str {
    match status {
        0 => "EX_OK",
        USAGE => "EX_USAGE",
        DATA_ERR => "EX_DATAERR",
        NO_INPUT => "EX_NOINPUT",
        NO_HOST => "EX_NOHOST",
        UNAVAILABLE => "EX_UNAVAILABLE",
        SOFTWARE => "EX_SOFTWARE",
        IO_ERR => "EX_IOERR",
        TEMP_FAIL => "EX_TEMPFAIL",
        PROTOCOL => "EX_PROTOCOL",
        NO_PERM => "EX_NOPERM",
        CONFIG => "EX_CONFIG",
        _ => "EX_SOFTWARE",
    }
}

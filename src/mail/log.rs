//! One line per message, in msmtp's key=value style, for `logfile FILE` / `--logfile FILE`
//! and `syslog on`:
//!
//! `Nov 21 22:44:21 host=mx.example.org tls=on auth=on user=me from=me@example.org
//! recipients=a@example.org,b@example.org mailsize=1234 smtpstatus=250 smtpmsg='250 OK'
//! exitcode=EX_OK`
//!
//! A failure adds `errormsg='...'`. The password never appears.

use std::ffi::CString;
use std::io::Write;
use std::path::Path;

use super::smtp::Transcript;
use super::sysexits;

/// What one submission did.
pub struct Entry<'a> {
    pub host: &'a str,
    pub user: Option<&'a str>,
    pub from: &'a str,
    pub recipients: Vec<String>,
    pub mailsize: usize,
    pub transcript: &'a Transcript,
    pub status: i32,
    pub error: Option<String>,
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

/// Single quotes around a value, with any quote inside escaped, on one line.
fn quoted(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("'{}'", flat.replace('\'', "\\'"))
}

impl Entry<'_> {
    /// The line without the date (syslog adds its own).
    pub fn line(&self) -> String {
        let mut line = format!(
            "host={} tls={} auth={}",
            self.host,
            on_off(self.transcript.tls),
            on_off(self.transcript.auth)
        );
        if let Some(user) = self.user {
            line.push_str(&format!(" user={user}"));
        }
        line.push_str(&format!(
            " from={} recipients={} mailsize={}",
            self.from,
            self.recipients.join(","),
            self.mailsize
        ));
        if let Some(reply) = &self.transcript.last_reply {
            line.push_str(&format!(
                " smtpstatus={} smtpmsg={}",
                reply.code,
                quoted(&reply.text())
            ));
        }
        if let Some(error) = &self.error {
            line.push_str(&format!(" errormsg={}", quoted(error)));
        }
        line.push_str(&format!(" exitcode={}", sysexits::name(self.status)));
        line
    }
}

/// Appends the entry to `path`, with the date in front as msmtp writes it.
pub fn append(path: &Path, entry: &Entry<'_>) -> std::io::Result<()> {
    let date = jiff::Zoned::now().strftime("%b %d %H:%M:%S").to_string();
    let line = format!("{date} {}\n", entry.line());
    // `-` is standard output, as in msmtp.
    if path == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(line.as_bytes())?;
        return stdout.flush();
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(line.as_bytes())
}

/// Sends the entry to syslog with `facility` (LOG_INFO on success, LOG_ERR otherwise), as
/// `tackle-sendmail`.
pub fn syslog(facility: libc::c_int, entry: &Entry<'_>) {
    let Ok(line) = CString::new(entry.line()) else {
        return;
    };
    let priority = if entry.status == 0 {
        libc::LOG_INFO
    } else {
        libc::LOG_ERR
    };
    // The identity must outlive every syslog call: openlog keeps the pointer.
    static IDENT: &std::ffi::CStr = c"tackle-sendmail";
    // SAFETY: IDENT is a static C string; "%s" with one C string argument matches.
    unsafe {
        libc::openlog(IDENT.as_ptr(), libc::LOG_PID, facility);
        libc::syslog(priority | facility, c"%s".as_ptr(), line.as_ptr());
        libc::closelog();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::smtp::reply::Reply;

    #[test]
    fn lines_follow_msmtp() {
        let transcript = Transcript {
            tls: true,
            auth: true,
            last_reply: Some(Reply {
                code: 250,
                lines: vec!["2.0.0 OK: it's queued".into()],
            }),
        };
        let entry = Entry {
            host: "mx.example.org",
            user: Some("ann"),
            from: "ann@example.org",
            recipients: vec!["a@example.org".into(), "b@example.org".into()],
            mailsize: 321,
            transcript: &transcript,
            status: 0,
            error: None,
        };
        assert_eq!(
            entry.line(),
            "host=mx.example.org tls=on auth=on user=ann from=ann@example.org recipients=a@example.org,b@example.org mailsize=321 smtpstatus=250 smtpmsg='250 2.0.0 OK: it\\'s queued' exitcode=EX_OK"
        );
    }
}

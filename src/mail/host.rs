//! Who this host and its user are to a mail server: the fully-qualified name for EHLO,
//! Message-ID and bare local names (RFC 5321 §4.1.1.1), falling back to an address literal
//! when it has none, and the login name that becomes a sender when nothing else names one.

use std::ffi::{CStr, CString};
use std::net::IpAddr;
use std::sync::OnceLock;

/// This host's fully-qualified name: `gethostname()` when it already has a dot, else the
/// canonical name the resolver gives for it (`/etc/hosts` or DNS, as Postfix and sendmail
/// do). `None` when neither is fully qualified. Looked up once per run: the message's
/// domain and the EHLO name both ask, and the resolver may have to wait for DNS.
pub fn fqdn() -> Option<String> {
    static FQDN: OnceLock<Option<String>> = OnceLock::new();
    FQDN.get_or_init(|| {
        let name = hostname()?;
        if is_qualified(&name) {
            return Some(name);
        }
        canonical_name(&name).filter(|n| is_qualified(n))
    })
    .clone()
}

/// The name to use when nothing better is known: the FQDN, else the address literal of
/// `local` (the address of our end of the connection), else `[127.0.0.1]`.
pub fn identity(local: Option<IpAddr>) -> String {
    fqdn().unwrap_or_else(|| literal(local.unwrap_or(IpAddr::from([127, 0, 0, 1]))))
}

/// `[192.0.2.1]` or `[IPv6:2001:db8::1]` (RFC 5321 §4.1.3).
pub fn literal(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("[{v4}]"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("[{v4}]"),
            None => format!("[IPv6:{v6}]"),
        },
    }
}

fn is_qualified(name: &str) -> bool {
    name.contains('.')
        && !name.ends_with('.')
        && name != "localhost.localdomain"
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// The host's name as `gethostname()` gives it (qualified or not).
pub fn hostname() -> Option<String> {
    let mut buffer = [0u8; 256];
    // SAFETY: the buffer is writable for its length; gethostname NUL-terminates within it
    // when the name fits, and we force a NUL at the end in case it does not.
    let rc = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len() - 1) };
    if rc != 0 {
        return None;
    }
    let name = CStr::from_bytes_until_nul(&buffer).ok()?.to_str().ok()?;
    (!name.is_empty()).then(|| name.to_owned())
}

/// The canonical name the resolver gives for `name`, if any.
pub fn canonical_name(name: &str) -> Option<String> {
    let host = CString::new(name).ok()?;
    // SAFETY: a zeroed addrinfo is a valid hints value (all fields 0 / null).
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_flags = libc::AI_CANONNAME;
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut result: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: host is NUL-terminated, hints is initialised, result receives a list we free.
    let rc = unsafe { libc::getaddrinfo(host.as_ptr(), std::ptr::null(), &hints, &mut result) };
    if rc != 0 || result.is_null() {
        return None;
    }
    // SAFETY: result is a valid list from getaddrinfo; ai_canonname is null or a C string.
    unsafe {
        let canon = (*result).ai_canonname;
        let name = (!canon.is_null()).then(|| CStr::from_ptr(canon).to_string_lossy().into_owned());
        libc::freeaddrinfo(result);
        name
    }
}

/// The name of the user running tackle: the password database's name for the effective
/// uid, else `$LOGNAME`, else `$USER`, else `nobody`.
pub fn login_name() -> String {
    // SAFETY: getpwuid returns null or a pointer to a static record, read at once; tackle is
    // single-threaded here.
    let from_passwd = unsafe {
        let record = libc::getpwuid(libc::geteuid());
        if record.is_null() || (*record).pw_name.is_null() {
            None
        } else {
            Some(
                CStr::from_ptr((*record).pw_name)
                    .to_string_lossy()
                    .into_owned(),
            )
        }
    };
    from_passwd
        .or_else(|| std::env::var("LOGNAME").ok())
        .or_else(|| std::env::var("USER").ok())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "nobody".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_follow_rfc_5321() {
        assert_eq!(literal("192.0.2.1".parse().unwrap()), "[192.0.2.1]");
        assert_eq!(
            literal("2001:db8::1".parse().unwrap()),
            "[IPv6:2001:db8::1]"
        );
        assert_eq!(literal("::ffff:192.0.2.1".parse().unwrap()), "[192.0.2.1]");
    }

    #[test]
    fn the_identity_is_a_name_with_a_dot_or_a_literal() {
        let id = identity(None);
        assert!(id.contains('.') || id.starts_with('['), "{id}");
    }
}

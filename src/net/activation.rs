//! systemd socket activation (`sd_listen_fds`): when `LISTEN_PID` names this process,
//! `LISTEN_FDS` sockets starting at descriptor 3 are already bound for us, and the server
//! serves them instead of binding its own. `LISTEN_FDNAMES` (systemd's `FileDescriptorName=`)
//! may name a TCP socket `tls` (or `tls-...`) to serve it with TLS.
//!
//! The variables are removed once read, as `sd_listen_fds(1)` does, so that nothing this
//! process starts later mistakes them for its own.

use std::os::fd::{BorrowedFd, RawFd};

use anyhow::bail;
use socket2::{Domain, SockRef, Type};

use super::listen::{Inherited, ListenSpec, Proto};

/// The first inherited descriptor (`SD_LISTEN_FDS_START`).
const FIRST_FD: RawFd = 3;

/// The sockets passed to this process, if any.
pub fn inherited_listeners() -> anyhow::Result<Option<Vec<ListenSpec>>> {
    let Some(pid) = std::env::var_os("LISTEN_PID") else {
        return Ok(None);
    };
    if pid.to_str().and_then(|p| p.parse::<u32>().ok()) != Some(std::process::id()) {
        // Meant for another process (a parent that forgot to unset it).
        return Ok(None);
    }
    let count = std::env::var("LISTEN_FDS").unwrap_or_default();
    let names = std::env::var("LISTEN_FDNAMES").unwrap_or_default();
    forget_variables();
    let count: RawFd = match count.parse() {
        Ok(n) if (1..=1024).contains(&n) => n,
        _ => bail!("LISTEN_FDS={count:?} is not a number of sockets (1-1024)"),
    };
    let names: Vec<&str> = names.split(':').collect();
    let mut specs = Vec::new();
    for index in 0..count {
        let fd = FIRST_FD + index;
        let name = names
            .get(index as usize)
            .filter(|n| !n.is_empty())
            .map(|n| (*n).to_owned());
        let proto = kind_of(fd, name.as_deref())?;
        specs.push(ListenSpec::Inherited(Inherited { fd, proto, name }));
    }
    Ok(Some(specs))
}

fn forget_variables() {
    for var in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] {
        // SAFETY: servers read this before any other thread starts.
        unsafe { std::env::remove_var(var) };
    }
}

/// What kind of listener descriptor `fd` is.
fn kind_of(fd: RawFd, name: Option<&str>) -> anyhow::Result<Proto> {
    // SAFETY: LISTEN_FDS says descriptors 3..3+N are ours and open; we only borrow it here.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    let socket = SockRef::from(&borrowed);
    let not_a_listener = |why: &str| {
        anyhow::anyhow!(
            "inherited descriptor {fd} (LISTEN_FDS): {why}; expected a listening TCP or Unix \
             stream socket, or a UDP socket"
        )
    };
    let kind = socket
        .r#type()
        .map_err(|e| not_a_listener(&format!("not a socket ({e})")))?;
    let domain = socket
        .domain()
        .map_err(|e| not_a_listener(&e.to_string()))?;
    let listening = socket.is_listener().unwrap_or(false);
    let tls = name.is_some_and(|n| n == "tls" || n.starts_with("tls-"));
    let inet = domain == Domain::IPV4 || domain == Domain::IPV6;
    Ok(match (kind, inet, listening) {
        (Type::STREAM, true, true) if tls => Proto::Tls,
        (Type::STREAM, true, true) => Proto::Tcp,
        (Type::DGRAM, true, _) => Proto::Udp,
        (Type::STREAM, false, true) if domain == Domain::UNIX => Proto::Unix,
        (Type::STREAM, _, false) => {
            return Err(not_a_listener("a stream socket that is not listening"));
        }
        _ => return Err(not_a_listener("an unsupported kind of socket")),
    })
}

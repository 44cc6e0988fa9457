//! Listener addresses and sockets: parsing `PORT`, `HOST:PORT`, `[V6]:PORT` and names;
//! building TCP, UDP and Unix listeners with socket2 (SO_REUSEADDR, dual-stack `[::]` unless
//! IPv6-only, SO_REUSEPORT for multi-threaded servers, a chosen backlog); and the
//! `listening <proto> <addr>` lines that scripts and tests wait for.

use std::fmt::Display;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

/// How listening sockets are set up.
#[derive(Debug, Clone, Copy)]
pub struct ListenOptions {
    /// The accept queue length.
    pub backlog: i32,
    /// For `[::]`: accept only IPv6 (otherwise the socket is dual-stack).
    pub ipv6_only: bool,
    /// SO_REUSEPORT, so several threads can each own a socket on the same port.
    pub reuse_port: bool,
}

impl Default for ListenOptions {
    fn default() -> ListenOptions {
        ListenOptions {
            backlog: 1024,
            ipv6_only: false,
            reuse_port: false,
        }
    }
}

/// Parses a listener address: `PORT` (on 127.0.0.1), `HOST:PORT`, `[V6]:PORT`, or a name that
/// resolves (`localhost:7000`; the first address the resolver gives is used).
pub fn parse_listen_addr(text: &str) -> Result<SocketAddr, String> {
    let hint = "expected PORT, HOST:PORT or [IPV6]:PORT";
    if text.is_empty() {
        return Err(format!("empty address; {hint}"));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let port = text
            .parse::<u16>()
            .map_err(|_| format!("port {text} is out of range (0-65535)"))?;
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(format!("invalid address {text:?}: no port; {hint}"));
    };
    if port.parse::<u16>().is_err() {
        return Err(format!(
            "invalid address {text:?}: bad port {port:?}; {hint}"
        ));
    }
    if host.is_empty() || host.contains(':') || host.contains('%') {
        return Err(format!("invalid address {text:?}; {hint}"));
    }
    match text.to_socket_addrs() {
        Ok(mut addrs) => addrs
            .next()
            .ok_or_else(|| format!("{host:?} resolves to no address")),
        Err(e) => Err(format!("cannot resolve {host:?}: {e}")),
    }
}

/// A TCP listener, non-blocking, ready for mio.
pub fn bind_tcp(addr: SocketAddr, options: &ListenOptions) -> io::Result<mio::net::TcpListener> {
    let socket = inet_socket(addr, Type::STREAM, Protocol::TCP, options)?;
    socket.bind(&addr.into())?;
    socket.listen(options.backlog)?;
    Ok(mio::net::TcpListener::from_std(socket.into()))
}

/// A UDP socket, non-blocking, ready for mio.
pub fn bind_udp(addr: SocketAddr, options: &ListenOptions) -> io::Result<mio::net::UdpSocket> {
    let socket = inet_socket(addr, Type::DGRAM, Protocol::UDP, options)?;
    socket.bind(&addr.into())?;
    Ok(mio::net::UdpSocket::from_std(socket.into()))
}

fn inet_socket(
    addr: SocketAddr,
    kind: Type,
    protocol: Protocol,
    options: &ListenOptions,
) -> io::Result<Socket> {
    let socket = Socket::new(Domain::for_address(addr), kind, Some(protocol))?;
    socket.set_reuse_address(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(options.ipv6_only)?;
    }
    if options.reuse_port {
        socket.set_reuse_port(true)?;
    }
    socket.set_nonblocking(true)?;
    Ok(socket)
}

/// A Unix stream listener at `path`, and the guard that removes the socket file when dropped.
///
/// A stale socket file (nothing accepts on it) is replaced; a live one, or a path that is not
/// a socket, is an error.
pub fn bind_unix(
    path: &Path,
    options: &ListenOptions,
) -> io::Result<(mio::net::UnixListener, SocketFile)> {
    remove_stale_socket(path)?;
    let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
    socket.set_nonblocking(true)?;
    socket.bind(&SockAddr::unix(path)?)?;
    let guard = SocketFile(path.to_path_buf());
    socket.listen(options.backlog)?;
    let listener = std::os::unix::net::UnixListener::from(std::os::fd::OwnedFd::from(socket));
    Ok((mio::net::UnixListener::from_std(listener), guard))
}

fn remove_stale_socket(path: &Path) -> io::Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if !meta.file_type().is_socket() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the path exists and is not a socket; remove it or choose another path",
        ));
    }
    match std::os::unix::net::UnixStream::connect(path) {
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AddrInUse,
            "another server is listening on this socket",
        )),
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            tracing::info!("replacing stale socket file {}", path.display());
            std::fs::remove_file(path)
        }
        Err(e) => Err(e),
    }
}

/// Removes a Unix socket file when the listener that created it is done.
#[derive(Debug)]
pub struct SocketFile(PathBuf);

impl SocketFile {
    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.0)
            && e.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!("cannot remove socket file {}: {e}", self.0.display());
        }
    }
}

/// Prints `listening <proto> <addr>` on stdout and flushes it: the line scripts and tests wait
/// for. Nothing else a server does goes to stdout.
pub fn announce(proto: &str, addr: impl Display) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "listening {proto} {addr}")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_bare_port_is_loopback() {
        assert_eq!(
            parse_listen_addr("5566"),
            Ok("127.0.0.1:5566".parse().unwrap())
        );
        assert_eq!(parse_listen_addr("0"), Ok("127.0.0.1:0".parse().unwrap()));
    }

    #[test]
    fn literal_addresses_parse() {
        assert_eq!(
            parse_listen_addr("0.0.0.0:7"),
            Ok("0.0.0.0:7".parse().unwrap())
        );
        assert_eq!(parse_listen_addr("[::1]:7"), Ok("[::1]:7".parse().unwrap()));
    }

    #[test]
    fn localhost_resolves() {
        let addr = parse_listen_addr("localhost:7000").unwrap();
        assert!(addr.ip().is_loopback());
        assert_eq!(addr.port(), 7000);
    }

    #[test]
    fn bad_addresses_say_what_is_expected() {
        for bad in [
            "",
            "70000",
            "host",
            "1.2.3.4:",
            "1.2.3.4:x",
            "::1:80",
            "[::1]",
            ":80",
        ] {
            let err = parse_listen_addr(bad).unwrap_err();
            assert!(!err.is_empty(), "{bad:?}");
        }
    }

    #[test]
    fn dual_stack_listener_accepts_ipv4() {
        let listener = bind_tcp("[::]:0".parse().unwrap(), &ListenOptions::default()).unwrap();
        let port = listener.local_addr().unwrap().port();
        std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    }

    #[test]
    fn stale_unix_socket_is_replaced_and_live_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sock");
        let stale = std::os::unix::net::UnixListener::bind(&path).unwrap();
        drop(stale);
        let (live, guard) = bind_unix(&path, &ListenOptions::default()).unwrap();
        let err = bind_unix(&path, &ListenOptions::default()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        drop(live);
        drop(guard);
        assert!(!path.exists());
        std::fs::write(&path, "not a socket").unwrap();
        let err = bind_unix(&path, &ListenOptions::default()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "[0-9a-z:.\\[\\]%-]{0,24}") {
            // Names are not resolved here: only strings without letters that could be names.
            if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
                let _ = parse_listen_addr(&text);
            }
        }
    }
}

//! Listener addresses and sockets: parsing `PORT`, `HOST:PORT`, `[V6]:PORT`, names and Unix
//! paths (`@name` for Linux's abstract namespace); binding every listener a server asks for, in
//! order, with socket2 (SO_REUSEADDR for TCP only, dual-stack `[::]` unless IPv6-only,
//! SO_REUSEPORT siblings for `--threads`, a chosen backlog, a Unix socket file's mode); and the
//! `listening <proto> <addr>` lines that scripts and tests wait for.
//!
//! Names are resolved when the server starts, not while the flags are parsed: a name that does
//! not resolve is a runtime failure (exit 1) like any other network failure.

use std::fmt::{self, Display};
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
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
    /// The mode of a Unix socket file (`--unix-mode`); by default what the umask leaves.
    pub unix_mode: Option<u32>,
}

impl Default for ListenOptions {
    fn default() -> ListenOptions {
        ListenOptions {
            backlog: 1024,
            ipv6_only: false,
            reuse_port: false,
            unix_mode: None,
        }
    }
}

/// An address to listen on, as given: an address, or a name resolved when the server starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddr {
    Addr(SocketAddr),
    Name { host: String, port: u16 },
}

impl ListenAddr {
    /// The address to bind: the first one the resolver gives for a name.
    pub fn resolve(&self) -> io::Result<SocketAddr> {
        Ok(self.resolve_all()?[0])
    }

    /// Every address, in the resolver's order (a client tries them in turn); never empty.
    pub fn resolve_all(&self) -> io::Result<Vec<SocketAddr>> {
        match self {
            ListenAddr::Addr(addr) => Ok(vec![*addr]),
            ListenAddr::Name { host, port } => {
                let addrs: Vec<SocketAddr> = (host.as_str(), *port)
                    .to_socket_addrs()
                    .map_err(|e| {
                        let text = e.to_string();
                        // std's prefix adds nothing to the resolver's own sentence.
                        let cause = text
                            .strip_prefix("failed to lookup address information: ")
                            .unwrap_or(&text);
                        io::Error::new(e.kind(), format!("cannot resolve {host:?}: {cause}"))
                    })?
                    .collect();
                if addrs.is_empty() {
                    return Err(io::Error::new(
                        io::ErrorKind::NotFound,
                        format!("{host:?} resolves to no address"),
                    ));
                }
                Ok(addrs)
            }
        }
    }
}

impl Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddr::Addr(addr) => write!(f, "{addr}"),
            ListenAddr::Name { host, port } => write!(f, "{host}:{port}"),
        }
    }
}

impl From<SocketAddr> for ListenAddr {
    fn from(addr: SocketAddr) -> ListenAddr {
        ListenAddr::Addr(addr)
    }
}

/// Parses a listener address: `PORT` (on 127.0.0.1), `HOST:PORT`, `[V6]:PORT`, or
/// `NAME:PORT` (resolved when the server starts; the first address wins).
pub fn parse_listen_addr(text: &str) -> Result<ListenAddr, String> {
    let hint = "expected PORT, HOST:PORT or [IPV6]:PORT";
    if text.is_empty() {
        return Err(format!("empty address; {hint}"));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let port = text
            .parse::<u16>()
            .map_err(|_| format!("port {text} is out of range (0-65535)"))?;
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port).into());
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr.into());
    }
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(format!("invalid address {text:?}: no port; {hint}"));
    };
    let Ok(port) = port.parse::<u16>() else {
        return Err(format!(
            "invalid address {text:?}: bad port {port:?}; {hint}"
        ));
    };
    let name_chars = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_';
    if host.is_empty() || !host.bytes().all(name_chars) {
        return Err(format!("invalid address {text:?}; {hint}"));
    }
    Ok(ListenAddr::Name {
        host: host.to_owned(),
        port,
    })
}

/// Where a Unix listener lives: a socket file, or a name in Linux's abstract namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnixAddr {
    Path(PathBuf),
    /// `@name`: no file; the name goes away with the socket.
    Abstract(Vec<u8>),
}

impl Display for UnixAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnixAddr::Path(path) => write!(f, "{}", path.display()),
            UnixAddr::Abstract(name) => write!(f, "@{}", String::from_utf8_lossy(name)),
        }
    }
}

impl UnixAddr {
    /// The socket address to bind or connect to (an abstract name starts with a NUL byte).
    pub fn sock_addr(&self) -> io::Result<SockAddr> {
        match self {
            UnixAddr::Path(path) => SockAddr::unix(path),
            UnixAddr::Abstract(name) => {
                let mut bytes = vec![0u8];
                bytes.extend_from_slice(name);
                SockAddr::unix(Path::new(std::ffi::OsStr::from_bytes(&bytes)))
            }
        }
    }
}

/// Parses `--unix PATH` or `--unix @NAME` (abstract, as socat's ABSTRACT-LISTEN).
pub fn parse_unix_addr(text: &str) -> Result<UnixAddr, String> {
    match text.strip_prefix('@') {
        Some("") => Err("an abstract socket needs a name after @".to_owned()),
        Some(name) if name.len() > 107 => Err(format!(
            "abstract name {name:?} is too long (at most 107 bytes)"
        )),
        Some(name) => Ok(UnixAddr::Abstract(name.as_bytes().to_vec())),
        None if text.is_empty() => Err("empty path".to_owned()),
        None if text.len() > 107 => Err(format!(
            "path {text:?} is too long for a Unix socket (at most 107 bytes)"
        )),
        None => Ok(UnixAddr::Path(PathBuf::from(text))),
    }
}

/// Parses `--unix-mode`: octal permission bits such as `660` or `0600`.
pub fn parse_unix_mode(text: &str) -> Result<u32, String> {
    let digits = text.strip_prefix("0o").unwrap_or(text);
    match u32::from_str_radix(digits, 8) {
        Ok(mode) if !digits.is_empty() && mode <= 0o777 => Ok(mode),
        _ => Err(format!(
            "{text:?} is not a file mode; give octal permission bits such as 660"
        )),
    }
}

/// What kind of listener a socket is, as announced: `listening <proto> <addr>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    /// TCP with TLS on top.
    Tls,
    Udp,
    Unix,
}

impl Proto {
    /// The word in the `listening` line and in log lines.
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Tls => "tls",
            Proto::Udp => "udp",
            Proto::Unix => "unix",
        }
    }
}

/// A socket handed over by systemd (or any socket-activation launcher) on descriptor `fd`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inherited {
    pub fd: RawFd,
    pub proto: Proto,
    /// Its name from `LISTEN_FDNAMES`, if any.
    pub name: Option<String>,
}

/// One listener to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenSpec {
    Tcp(ListenAddr),
    Tls(ListenAddr),
    Udp(ListenAddr),
    Unix(UnixAddr),
    /// Already bound, inherited through socket activation.
    Inherited(Inherited),
}

impl ListenSpec {
    /// The flag that asked for it, for error messages: `--tcp 127.0.0.1:80`.
    pub fn flag(&self) -> String {
        match self {
            ListenSpec::Tcp(addr) => format!("--tcp {addr}"),
            ListenSpec::Tls(addr) => format!("--tls {addr}"),
            ListenSpec::Udp(addr) => format!("--udp {addr}"),
            ListenSpec::Unix(addr) => format!("--unix {addr}"),
            ListenSpec::Inherited(inherited) => format!(
                "inherited socket {} ({})",
                inherited.fd,
                inherited.proto.name()
            ),
        }
    }

    /// What kind of listener it is.
    pub fn proto(&self) -> Proto {
        match self {
            ListenSpec::Tcp(_) => Proto::Tcp,
            ListenSpec::Tls(_) => Proto::Tls,
            ListenSpec::Udp(_) => Proto::Udp,
            ListenSpec::Unix(_) => Proto::Unix,
            ListenSpec::Inherited(inherited) => inherited.proto,
        }
    }
}

/// A listening socket bound and ready for a loop.
pub enum Bound {
    Tcp(mio::net::TcpListener),
    Tls(mio::net::TcpListener),
    Udp(mio::net::UdpSocket),
    Unix(mio::net::UnixListener, UnixName),
}

impl Bound {
    /// What it is and where, for the `listening` line, with port 0 resolved.
    pub fn announcement(&self) -> (Proto, String) {
        let local =
            |addr: io::Result<SocketAddr>| addr.map_or_else(|e| e.to_string(), |a| a.to_string());
        match self {
            Bound::Tcp(l) => (Proto::Tcp, local(l.local_addr())),
            Bound::Tls(l) => (Proto::Tls, local(l.local_addr())),
            Bound::Udp(s) => (Proto::Udp, local(s.local_addr())),
            Bound::Unix(_, name) => (Proto::Unix, name.to_string()),
        }
    }

    /// A second handle on the same socket, for another loop (inherited sockets only: the
    /// kernel wakes every loop, one of them accepts).
    fn try_clone(&self) -> io::Result<Bound> {
        let dup = |fd: BorrowedFd<'_>| fd.try_clone_to_owned();
        Ok(match self {
            Bound::Tcp(l) => Bound::Tcp(tcp_listener_from(dup(l.as_fd())?)),
            Bound::Tls(l) => Bound::Tls(tcp_listener_from(dup(l.as_fd())?)),
            Bound::Udp(s) => Bound::Udp(mio::net::UdpSocket::from_std(dup(s.as_fd())?.into())),
            Bound::Unix(..) => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "Unix listeners stay on the first loop",
                ));
            }
        })
    }
}

fn tcp_listener_from(fd: OwnedFd) -> mio::net::TcpListener {
    mio::net::TcpListener::from_std(fd.into())
}

/// A Unix listener's name in log lines, and for a socket file it created, the guard that
/// removes the file when the listener is done.
#[derive(Debug)]
pub enum UnixName {
    File(SocketFile),
    Abstract(Vec<u8>),
    /// Inherited: the launcher owns the file.
    Inherited(String),
}

impl Display for UnixName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnixName::File(file) => write!(f, "{}", file.path().display()),
            UnixName::Abstract(name) => write!(f, "@{}", String::from_utf8_lossy(name)),
            UnixName::Inherited(name) => f.write_str(name),
        }
    }
}

/// Binds every listener in order for the first loop, and for each other loop (`threads - 1`)
/// a sibling of every TCP, TLS and UDP listener on the same port (Unix listeners stay on the
/// first loop).
///
/// With more than one thread the siblings share the port through SO_REUSEPORT, which would
/// also let an unrelated second server join the group and take part of the traffic: so the
/// port is first proven free by a socket bound without SO_REUSEPORT, which is then closed
/// and replaced by the group.
pub fn bind_all(
    specs: &[ListenSpec],
    options: &ListenOptions,
    threads: usize,
) -> anyhow::Result<(Vec<Bound>, Vec<Vec<Bound>>)> {
    let threads = threads.max(1);
    let mut main = Vec::new();
    let mut workers: Vec<Vec<Bound>> = (1..threads).map(|_| Vec::new()).collect();
    for spec in specs {
        let context = || format!("{}: cannot listen", spec.flag());
        let group = bind_group(spec, options, threads)
            .map_err(|e| explain_bind_error(spec, e))
            .with_context(context)?;
        let mut group = group.into_iter();
        if let Some(first) = group.next() {
            main.push(first);
        }
        for (worker, bound) in workers.iter_mut().zip(group) {
            worker.push(bound);
        }
    }
    Ok((main, workers))
}

/// Binds one listener for one loop, with the hint a user needs for the usual failures.
pub fn bind_one(spec: &ListenSpec, options: &ListenOptions) -> io::Result<Bound> {
    bind_group(spec, options, 1)
        .map_err(|e| explain_bind_error(spec, e))?
        .into_iter()
        .next()
        .ok_or_else(|| io::Error::other("nothing was bound"))
}

/// The sockets for one listener: the first loop's, then (TCP, TLS, UDP) one per other loop.
fn bind_group(
    spec: &ListenSpec,
    options: &ListenOptions,
    threads: usize,
) -> io::Result<Vec<Bound>> {
    match spec {
        ListenSpec::Tcp(addr) | ListenSpec::Tls(addr) | ListenSpec::Udp(addr) => {
            let addr = addr.resolve()?;
            let kind = spec.proto();
            if threads == 1 {
                return Ok(vec![bind_inet(kind, addr, options)?]);
            }
            let free = prove_port_free(kind, addr, options)?;
            let shared = ListenOptions {
                reuse_port: true,
                ..*options
            };
            (0..threads)
                .map(|_| bind_inet(kind, free, &shared))
                .collect()
        }
        ListenSpec::Unix(addr) => {
            let (listener, name) = bind_unix(addr, options)?;
            Ok(vec![Bound::Unix(listener, name)])
        }
        ListenSpec::Inherited(inherited) => {
            let first = adopt(inherited)?;
            let mut group = Vec::with_capacity(threads);
            for _ in 1..threads {
                match first.try_clone() {
                    Ok(clone) => group.push(clone),
                    Err(e) if e.kind() == io::ErrorKind::Unsupported => break,
                    Err(e) => return Err(e),
                }
            }
            group.insert(0, first);
            Ok(group)
        }
    }
}

/// Binds `addr` without SO_REUSEPORT and closes it again: fails if anyone holds the port
/// (including a SO_REUSEPORT group of another server). Returns the address with port 0
/// resolved to the free port found.
fn prove_port_free(
    kind: Proto,
    addr: SocketAddr,
    options: &ListenOptions,
) -> io::Result<SocketAddr> {
    let probe = ListenOptions {
        reuse_port: false,
        ..*options
    };
    let (socket_type, protocol) = socket_kind(kind);
    let socket = inet_socket(addr, socket_type, protocol, &probe)?;
    socket.bind(&addr.into())?;
    socket
        .local_addr()?
        .as_socket()
        .ok_or_else(|| io::Error::other("the probe socket has no inet address"))
}

fn socket_kind(kind: Proto) -> (Type, Protocol) {
    match kind {
        Proto::Udp => (Type::DGRAM, Protocol::UDP),
        _ => (Type::STREAM, Protocol::TCP),
    }
}

fn bind_inet(kind: Proto, addr: SocketAddr, options: &ListenOptions) -> io::Result<Bound> {
    Ok(match kind {
        Proto::Udp => Bound::Udp(bind_udp(addr, options)?),
        Proto::Tls => Bound::Tls(bind_tcp(addr, options)?),
        _ => Bound::Tcp(bind_tcp(addr, options)?),
    })
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
    // TCP: rebind at once over connections still in TIME_WAIT. Never for UDP, where
    // SO_REUSEADDR lets a second server bind the same port and steal its datagrams.
    if kind == Type::STREAM {
        socket.set_reuse_address(true)?;
    }
    if addr.is_ipv6() {
        socket.set_only_v6(options.ipv6_only)?;
    }
    if options.reuse_port {
        socket.set_reuse_port(true)?;
    }
    socket.set_nonblocking(true)?;
    Ok(socket)
}

/// A Unix stream listener, and its name (for a socket file, the guard that removes the file
/// when dropped).
///
/// A stale socket file (nothing accepts on it) is replaced; a live one, or a path that is not
/// a socket, is an error. With `--unix-mode` the file is created with exactly that mode.
pub fn bind_unix(
    addr: &UnixAddr,
    options: &ListenOptions,
) -> io::Result<(mio::net::UnixListener, UnixName)> {
    let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
    socket.set_nonblocking(true)?;
    let name = match addr {
        UnixAddr::Abstract(name) => {
            socket.bind(&addr.sock_addr()?)?;
            UnixName::Abstract(name.clone())
        }
        UnixAddr::Path(path) => {
            remove_stale_socket(path)?;
            bind_with_mode(&socket, path, options.unix_mode)?;
            UnixName::File(SocketFile::record(path)?)
        }
    };
    socket.listen(options.backlog)?;
    let listener = std::os::unix::net::UnixListener::from(OwnedFd::from(socket));
    Ok((mio::net::UnixListener::from_std(listener), name))
}

/// Binds so that the socket file is created with `mode` (bind(2) creates it with
/// `0o777 & !umask`): the umask is set for the call. Servers bind before any other thread
/// starts, so no other file creation sees the changed umask.
fn bind_with_mode(socket: &Socket, path: &Path, mode: Option<u32>) -> io::Result<()> {
    let address = SockAddr::unix(path)?;
    let Some(mode) = mode else {
        return socket.bind(&address);
    };
    // SAFETY: umask only swaps the process's file-creation mask.
    let old = unsafe { libc::umask(!mode & 0o777) };
    let result = socket.bind(&address);
    // SAFETY: as above, restoring the mask.
    unsafe { libc::umask(old) };
    result
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

/// Removes a Unix socket file when the listener that created it is done, but only if the
/// path still names that very file and it is still a socket: if someone removed it and another
/// server bound the same path since, that server's socket stays. The file is known by device,
/// inode and modification time recorded after bind (file systems reuse a freed inode number at
/// once; a new file also gets a new time, which chown and chmod leave alone).
#[derive(Debug)]
pub struct SocketFile {
    path: PathBuf,
    identity: (u64, u64, i64, i64),
}

fn identity(meta: &std::fs::Metadata) -> (u64, u64, i64, i64) {
    (meta.dev(), meta.ino(), meta.mtime(), meta.mtime_nsec())
}

impl SocketFile {
    /// Records the identity of the socket file just created at `path`.
    pub fn record(path: &Path) -> io::Result<SocketFile> {
        let meta = std::fs::symlink_metadata(path)?;
        Ok(SocketFile {
            path: path.to_path_buf(),
            identity: identity(&meta),
        })
    }

    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn is_still_ours(&self) -> io::Result<bool> {
        let meta = std::fs::symlink_metadata(&self.path)?;
        Ok(meta.file_type().is_socket() && identity(&meta) == self.identity)
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        match self.is_still_ours() {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(
                    "not removing {}: it was replaced by another file since this server bound it",
                    self.path.display()
                );
                return;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return,
            Err(e) => {
                tracing::warn!("cannot check socket file {}: {e}", self.path.display());
                return;
            }
        }
        if let Err(e) = std::fs::remove_file(&self.path)
            && e.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!("cannot remove socket file {}: {e}", self.path.display());
        }
    }
}

/// Takes ownership of an inherited descriptor as a listener of its kind.
fn adopt(inherited: &Inherited) -> io::Result<Bound> {
    // SAFETY: the launcher passed this descriptor to us (LISTEN_FDS); nothing else in this
    // process owns it, and it is adopted exactly once.
    let fd = unsafe { OwnedFd::from_raw_fd(inherited.fd) };
    let socket = Socket::from(fd);
    socket.set_nonblocking(true)?;
    socket.set_cloexec(true)?;
    Ok(match inherited.proto {
        Proto::Tcp => Bound::Tcp(tcp_listener_from(socket.into())),
        Proto::Tls => Bound::Tls(tcp_listener_from(socket.into())),
        Proto::Udp => Bound::Udp(mio::net::UdpSocket::from_std(socket.into())),
        Proto::Unix => {
            let name = socket
                .local_addr()
                .ok()
                .and_then(|a| {
                    a.as_pathname()
                        .map(|p| p.display().to_string())
                        .or_else(|| {
                            a.as_abstract_namespace()
                                .map(|n| format!("@{}", String::from_utf8_lossy(n)))
                        })
                })
                .unwrap_or_else(|| format!("inherited socket {}", inherited.fd));
            let listener = std::os::unix::net::UnixListener::from(OwnedFd::from(socket));
            Bound::Unix(
                mio::net::UnixListener::from_std(listener),
                UnixName::Inherited(name),
            )
        }
    })
}

/// Adds the hint a user needs for the usual bind failures.
pub fn explain_bind_error(spec: &ListenSpec, e: io::Error) -> io::Error {
    let port = match spec {
        ListenSpec::Tcp(ListenAddr::Addr(a))
        | ListenSpec::Tls(ListenAddr::Addr(a))
        | ListenSpec::Udp(ListenAddr::Addr(a)) => a.port(),
        ListenSpec::Tcp(ListenAddr::Name { port, .. })
        | ListenSpec::Tls(ListenAddr::Name { port, .. })
        | ListenSpec::Udp(ListenAddr::Name { port, .. }) => *port,
        _ => return e,
    };
    match e.kind() {
        io::ErrorKind::PermissionDenied if port < 1024 => io::Error::new(
            e.kind(),
            format!("{e}; ports below 1024 need root or CAP_NET_BIND_SERVICE"),
        ),
        io::ErrorKind::AddrInUse => io::Error::new(
            e.kind(),
            format!("{e}; another program uses port {port} (port 0 picks a free one)"),
        ),
        _ => e,
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

    fn addr(text: &str) -> ListenAddr {
        ListenAddr::Addr(text.parse().unwrap())
    }

    #[test]
    fn a_bare_port_is_loopback() {
        assert_eq!(parse_listen_addr("5566"), Ok(addr("127.0.0.1:5566")));
        assert_eq!(parse_listen_addr("0"), Ok(addr("127.0.0.1:0")));
    }

    #[test]
    fn literal_addresses_parse() {
        assert_eq!(parse_listen_addr("0.0.0.0:7"), Ok(addr("0.0.0.0:7")));
        assert_eq!(parse_listen_addr("[::1]:7"), Ok(addr("[::1]:7")));
    }

    #[test]
    fn names_are_kept_for_start_and_localhost_resolves_then() {
        let name = parse_listen_addr("localhost:7000").unwrap();
        assert_eq!(
            name,
            ListenAddr::Name {
                host: "localhost".into(),
                port: 7000
            }
        );
        let resolved = name.resolve().unwrap();
        assert!(resolved.ip().is_loopback());
        assert_eq!(resolved.port(), 7000);
        let err = parse_listen_addr("nonexistent.invalid:7000")
            .unwrap()
            .resolve()
            .unwrap_err();
        assert!(err.to_string().contains("nonexistent.invalid"), "{err}");
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
            "a b:80",
            "fe80::1%eth0:80",
        ] {
            let err = parse_listen_addr(bad).unwrap_err();
            assert!(!err.is_empty(), "{bad:?}");
        }
    }

    #[test]
    fn unix_paths_and_abstract_names_parse() {
        assert_eq!(
            parse_unix_addr("/tmp/s"),
            Ok(UnixAddr::Path("/tmp/s".into()))
        );
        assert_eq!(
            parse_unix_addr("@echo"),
            Ok(UnixAddr::Abstract(b"echo".to_vec()))
        );
        assert!(parse_unix_addr("@").is_err());
        assert!(parse_unix_addr("").is_err());
        assert!(parse_unix_addr(&"x".repeat(200)).is_err());
    }

    #[test]
    fn unix_modes_are_octal_permission_bits() {
        assert_eq!(parse_unix_mode("660"), Ok(0o660));
        assert_eq!(parse_unix_mode("0600"), Ok(0o600));
        assert_eq!(parse_unix_mode("0o777"), Ok(0o777));
        for bad in ["", "8", "1000", "rw", "-1", "0o"] {
            assert!(parse_unix_mode(bad).is_err(), "{bad}");
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
        let unix = UnixAddr::Path(path.clone());
        let stale = std::os::unix::net::UnixListener::bind(&path).unwrap();
        drop(stale);
        let (live, guard) = bind_unix(&unix, &ListenOptions::default()).unwrap();
        let err = bind_unix(&unix, &ListenOptions::default()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        drop(live);
        drop(guard);
        assert!(!path.exists());
        std::fs::write(&path, "not a socket").unwrap();
        let err = bind_unix(&unix, &ListenOptions::default()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    }

    #[test]
    fn a_replaced_socket_file_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sock");
        let (listener, guard) =
            bind_unix(&UnixAddr::Path(path.clone()), &ListenOptions::default()).unwrap();
        std::fs::remove_file(&path).unwrap();
        let UnixName::File(file) = &guard else {
            unreachable!("a path makes a socket file")
        };
        wait_for_a_new_timestamp(dir.path(), file);
        let other = std::os::unix::net::UnixListener::bind(&path).unwrap();
        drop(guard);
        drop(listener);
        assert!(path.exists(), "another server's socket was removed");
        drop(other);
    }

    /// Waits until a file made now gets another modification time than `file` had (file
    /// times tick coarsely): as it is for a server binding the path later.
    fn wait_for_a_new_timestamp(dir: &Path, file: &SocketFile) {
        let probe = dir.join("probe");
        loop {
            std::fs::write(&probe, b"").unwrap();
            let meta = std::fs::metadata(&probe).unwrap();
            if (meta.mtime(), meta.mtime_nsec()) != (file.identity.2, file.identity.3) {
                return;
            }
        }
    }

    #[test]
    fn udp_ports_are_not_shared() {
        let first = bind_udp("127.0.0.1:0".parse().unwrap(), &ListenOptions::default()).unwrap();
        let taken = first.local_addr().unwrap();
        let err = bind_udp(taken, &ListenOptions::default()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    }

    #[test]
    fn a_port_group_of_another_server_is_not_joined() {
        let any: ListenAddr = addr("127.0.0.1:0");
        let (theirs, workers) =
            bind_all(&[ListenSpec::Tcp(any)], &ListenOptions::default(), 2).unwrap();
        assert_eq!(workers.len(), 1);
        let port = match &theirs[0] {
            Bound::Tcp(l) => l.local_addr().unwrap(),
            _ => unreachable!(),
        };
        let err = bind_all(
            &[ListenSpec::Tcp(port.into())],
            &ListenOptions::default(),
            2,
        )
        .err()
        .expect("a second group on the same port");
        assert!(
            format!("{err:#}").contains("Address already in use"),
            "{err:#}"
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "[0-9a-z:.\\[\\]%@/-]{0,24}") {
            let _ = parse_listen_addr(&text);
            let _ = parse_unix_addr(&text);
            let _ = parse_unix_mode(&text);
        }
    }
}

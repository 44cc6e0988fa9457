//! Opening `connect`'s socket: a TCP connection to the first of the target's addresses that
//! answers (each attempt within what is left of `--timeout`, from `--source` if given), a Unix
//! stream connection, or a UDP socket. The sockets come back non-blocking, ready for mio.
//!
//! Errors read `ADDR: cannot connect: Connection refused`: the target as typed, what failed,
//! and the system's words without the `(os error N)` tail.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::target::{Family, InetTarget};
use crate::duration::format_duration;
use crate::exit;
use crate::net::listen::UnixAddr;

/// The system's words for an error, without std's ` (os error N)` tail.
pub fn plain(e: &io::Error) -> String {
    exit::system_words(e)
}

/// The time left until `deadline`, or the `--timeout` error naming `what` was being done.
fn time_left(deadline: Instant, timeout: Duration, what: &str) -> anyhow::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(exit::failure(
            exit::FAILURE,
            format!(
                "{what}: no answer within {} (--timeout)",
                format_duration(timeout)
            ),
        ));
    }
    Ok(left)
}

/// Connects to `target` over TCP; returns the stream and the address it reached.
pub fn tcp(
    target: &InetTarget,
    family: Family,
    source: Option<SocketAddr>,
    timeout: Duration,
) -> anyhow::Result<(mio::net::TcpStream, SocketAddr)> {
    let deadline = Instant::now() + timeout;
    let candidates = target
        .candidates(family)
        .map_err(|e| exit::failure(exit::FAILURE, format!("{target}: {e}")))?;
    let mut failures = Vec::new();
    for (tried, addr) in candidates.iter().enumerate() {
        let left = time_left(deadline, timeout, &format!("{target}: cannot connect"))?;
        let untried = candidates.len() - tried;
        let budget = attempt_budget(left, untried);
        match connect_tcp(*addr, source, budget) {
            Ok(stream) => return Ok((stream, *addr)),
            Err(Attempt::Bind(e)) => {
                let source = source.map(|s| s.to_string()).unwrap_or_default();
                return Err(exit::failure(
                    exit::FAILURE,
                    format!("--source {source}: cannot bind: {}", plain(&e)),
                ));
            }
            // Silence from one address of several: the next gets its share of the time.
            Err(Attempt::Connect(e)) if e.kind() == io::ErrorKind::TimedOut && untried > 1 => {
                let why = format!("no answer within {}", format_duration(budget));
                failures.push((*addr, io::Error::new(io::ErrorKind::TimedOut, why)));
            }
            Err(Attempt::Connect(e)) if e.kind() == io::ErrorKind::TimedOut => {
                return Err(exit::failure(
                    exit::FAILURE,
                    format!(
                        "{target}: cannot connect: no answer within {} (--timeout)",
                        format_duration(timeout)
                    ),
                ));
            }
            Err(Attempt::Connect(e)) => failures.push((*addr, e)),
        }
    }
    Err(exit::failure(
        exit::FAILURE,
        connect_failure(&target.to_string(), target.is_name(), &failures),
    ))
}

/// How long one connection attempt may take: an even share of the time left among the
/// addresses not yet tried, but at least 2 s (or all that is left), so that a first address
/// that never answers leaves time for the others, as Go's dialer shares its deadline.
fn attempt_budget(left: Duration, untried: usize) -> Duration {
    const SANE_MINIMUM: Duration = Duration::from_secs(2);
    let share = left / u32::try_from(untried.max(1)).unwrap_or(u32::MAX);
    share.max(SANE_MINIMUM).min(left)
}

/// `ADDR: cannot connect: WHY`, naming each address tried when a name gave several.
fn connect_failure(target: &str, by_name: bool, failures: &[(SocketAddr, io::Error)]) -> String {
    match failures {
        [(addr, e)] if !by_name || addr.to_string() == target => {
            format!("{target}: cannot connect: {}", plain(e))
        }
        _ => {
            let each: Vec<String> = failures
                .iter()
                .map(|(addr, e)| format!("{addr}: {}", plain(e)))
                .collect();
            format!("{target}: cannot connect: {}", each.join("; "))
        }
    }
}

/// Why one attempt failed.
enum Attempt {
    Bind(io::Error),
    Connect(io::Error),
}

fn connect_tcp(
    addr: SocketAddr,
    source: Option<SocketAddr>,
    timeout: Duration,
) -> Result<mio::net::TcpStream, Attempt> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .map_err(Attempt::Connect)?;
    if let Some(source) = source {
        bind_source(&socket, source).map_err(Attempt::Bind)?;
    }
    socket
        .connect_timeout(&addr.into(), timeout)
        .map_err(Attempt::Connect)?;
    // Whatever stdin gives is sent at once: interactive lines should not wait for Nagle.
    socket.set_tcp_nodelay(true).map_err(Attempt::Connect)?;
    socket.set_nonblocking(true).map_err(Attempt::Connect)?;
    Ok(mio::net::TcpStream::from_std(socket.into()))
}

/// Binds our end to `--source` (a fixed port may still be in TIME_WAIT from a previous run:
/// SO_REUSEADDR lets it be used again, as nc does).
fn bind_source(socket: &Socket, source: SocketAddr) -> io::Result<()> {
    if source.port() != 0 {
        socket.set_reuse_address(true)?;
    }
    socket.bind(&source.into())
}

/// Connects to a Unix stream socket (a path, or `@NAME` in the abstract namespace).
pub fn unix(addr: &UnixAddr, timeout: Duration) -> anyhow::Result<mio::net::UnixStream> {
    let failed = |e: io::Error| {
        let why = if e.kind() == io::ErrorKind::TimedOut {
            format!("no answer within {} (--timeout)", format_duration(timeout))
        } else {
            plain(&e)
        };
        exit::failure(exit::FAILURE, format!("{addr}: cannot connect: {why}"))
    };
    let socket = Socket::new(Domain::UNIX, Type::STREAM, None).map_err(failed)?;
    let address: SockAddr = addr.sock_addr().map_err(failed)?;
    socket.connect_timeout(&address, timeout).map_err(failed)?;
    socket.set_nonblocking(true).map_err(failed)?;
    Ok(mio::net::UnixStream::from_std(socket.into()))
}

/// A UDP socket for `target`: connected to its first address (so only its replies come in,
/// and a port nobody listens on is reported), or with `broadcast` unconnected, SO_BROADCAST
/// set, sending to the address and hearing from anyone.
pub fn udp(
    target: &InetTarget,
    family: Family,
    source: Option<SocketAddr>,
    broadcast: bool,
) -> anyhow::Result<(mio::net::UdpSocket, SocketAddr)> {
    let fail = |what: String| exit::failure(exit::FAILURE, what);
    let addr = target
        .candidates(family)
        .map_err(|e| fail(format!("{target}: {e}")))?[0];
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
        .map_err(|e| fail(format!("{target}: cannot open a UDP socket: {}", plain(&e))))?;
    match source {
        Some(source) => bind_source(&socket, source)
            .map_err(|e| fail(format!("--source {source}: cannot bind: {}", plain(&e))))?,
        None => {
            let any = match addr {
                SocketAddr::V4(_) => SocketAddr::from(([0, 0, 0, 0], 0)),
                SocketAddr::V6(_) => SocketAddr::from(([0u16; 8], 0)),
            };
            socket
                .bind(&any.into())
                .map_err(|e| fail(format!("{target}: cannot bind: {}", plain(&e))))?;
        }
    }
    if broadcast {
        socket
            .set_broadcast(true)
            .map_err(|e| fail(format!("{target}: cannot set SO_BROADCAST: {}", plain(&e))))?;
    } else {
        socket.connect(&addr.into()).map_err(|e| {
            let hint = if e.raw_os_error() == Some(libc::EACCES) {
                " (a broadcast address needs --broadcast)"
            } else {
                ""
            };
            fail(format!("{target}: cannot connect: {}{hint}", plain(&e)))
        })?;
    }
    socket
        .set_nonblocking(true)
        .map_err(|e| fail(format!("{target}: {}", plain(&e))))?;
    Ok((mio::net::UdpSocket::from_std(socket.into()), addr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_error_tails_are_dropped() {
        let e = io::Error::from_raw_os_error(libc::ECONNREFUSED);
        assert_eq!(plain(&e), "Connection refused");
        assert_eq!(plain(&io::Error::other("x (y)")), "x (y)");
    }

    #[test]
    fn failures_name_each_address_tried_for_a_name() {
        let refused = || io::Error::from_raw_os_error(libc::ECONNREFUSED);
        let one = [("127.0.0.1:7".parse().unwrap(), refused())];
        assert_eq!(
            connect_failure("127.0.0.1:7", false, &one),
            "127.0.0.1:7: cannot connect: Connection refused"
        );
        let two = [
            ("[::1]:7".parse().unwrap(), refused()),
            ("127.0.0.1:7".parse().unwrap(), refused()),
        ];
        assert_eq!(
            connect_failure("localhost:7", true, &two),
            "localhost:7: cannot connect: [::1]:7: Connection refused; 127.0.0.1:7: Connection refused"
        );
    }

    #[test]
    fn each_address_gets_a_share_of_the_time_left() {
        let secs = Duration::from_secs;
        // One address: all of it.
        assert_eq!(attempt_budget(secs(30), 1), secs(30));
        // Two: half each, the last then takes what is left.
        assert_eq!(attempt_budget(secs(30), 2), secs(15));
        // Many: never less than 2 s, never more than is left.
        assert_eq!(attempt_budget(secs(30), 100), secs(2));
        assert_eq!(
            attempt_budget(Duration::from_millis(500), 3),
            Duration::from_millis(500)
        );
        assert_eq!(attempt_budget(Duration::ZERO, 0), Duration::ZERO);
    }
}

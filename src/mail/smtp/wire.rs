//! The SMTP connection itself: a blocking TCP socket, optionally under rustls, with our own
//! read buffer, so that every byte the server sends is accounted for. That is what makes the
//! STARTTLS step safe (RFC 3207 §4.2): after the `220` to STARTTLS the buffer must be empty
//! and nothing more may be waiting on the socket; anything there was sent in plain text by
//! someone who wants it read as if it came over TLS, and the session stops.
//!
//! Every read and write is bounded by a deadline that the caller sets per exchange.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::{ClientConfig, ClientConnection, StreamOwned};
use rustls_pki_types::ServerName;

use super::reply::{Reply, ReplyParser};

/// Why the conversation could not go on.
#[derive(Debug)]
pub enum WireError {
    /// Nothing arrived (or could be sent) before the deadline.
    Timeout,
    /// The server closed the connection.
    Closed,
    /// The network failed (reset, unreachable, ...).
    Io(io::Error),
    /// The TLS layer failed (handshake, certificate, bad record).
    Tls(rustls::Error),
    /// The server's bytes are not an SMTP reply.
    Garbled(String),
    /// Bytes arrived after the `220` to STARTTLS and before the TLS handshake.
    Injected(usize),
}

impl From<io::Error> for WireError {
    fn from(err: io::Error) -> WireError {
        if let Some(tls) = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<rustls::Error>())
        {
            return WireError::Tls(tls.clone());
        }
        match err.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => WireError::Timeout,
            io::ErrorKind::UnexpectedEof => WireError::Closed,
            _ => WireError::Io(err),
        }
    }
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(tls) => &tls.sock,
        }
    }
}

/// One SMTP connection.
pub struct Wire {
    stream: Stream,
    /// Bytes received and not yet parsed into a reply.
    buffer: Vec<u8>,
}

/// The time left until `deadline`, or a timeout when there is none.
fn remaining(deadline: Instant) -> Result<Duration, WireError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(WireError::Timeout)
    } else {
        Ok(left)
    }
}

impl Wire {
    /// Connects to the first of `addrs` that answers, each attempt bounded by `timeout`.
    pub fn connect(
        addrs: &[SocketAddr],
        timeout: Duration,
    ) -> Result<Wire, (SocketAddr, io::Error)> {
        let mut last = None;
        for addr in addrs {
            match TcpStream::connect_timeout(addr, timeout) {
                Ok(tcp) => {
                    // Commands are whole lines written at once; Nagle would only delay them.
                    let _ = tcp.set_nodelay(true);
                    return Ok(Wire {
                        stream: Stream::Plain(tcp),
                        buffer: Vec::new(),
                    });
                }
                Err(err) => last = Some((*addr, err)),
            }
        }
        Err(last.unwrap_or_else(|| {
            (
                SocketAddr::from(([0, 0, 0, 0], 0)),
                io::Error::new(io::ErrorKind::NotFound, "no address to connect to"),
            )
        }))
    }

    /// Our end of the connection.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.stream.tcp().local_addr().ok()
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.stream.tcp().peer_addr().ok()
    }

    /// Whether the connection is under TLS.
    pub fn is_encrypted(&self) -> bool {
        matches!(self.stream, Stream::Tls(_))
    }

    /// A description of the TLS session (`TLSv1.3, TLS13_AES_256_GCM_SHA384`).
    pub fn tls_description(&self) -> Option<String> {
        let Stream::Tls(tls) = &self.stream else {
            return None;
        };
        Some(crate::tls::client::session_summary(&tls.conn))
    }

    /// Writes `bytes` whole, each write bounded by `timeout`.
    pub fn write_all(&mut self, bytes: &[u8], timeout: Duration) -> Result<(), WireError> {
        self.stream.tcp().set_write_timeout(Some(timeout))?;
        match &mut self.stream {
            Stream::Plain(tcp) => tcp.write_all(bytes)?,
            Stream::Tls(tls) => {
                tls.write_all(bytes)?;
                tls.flush()?;
            }
        }
        Ok(())
    }

    /// Reads one complete reply, giving up at `deadline`.
    pub fn read_reply(&mut self, deadline: Instant) -> Result<Reply, WireError> {
        let mut parser = ReplyParser::default();
        loop {
            while let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                if let Some(reply) = parser.line(&line).map_err(WireError::Garbled)? {
                    return Ok(reply);
                }
            }
            if self.buffer.len() > super::reply::MAX_LINE {
                return Err(WireError::Garbled(format!(
                    "a reply line longer than {} bytes",
                    super::reply::MAX_LINE
                )));
            }
            self.fill(deadline)?;
        }
    }

    fn fill(&mut self, deadline: Instant) -> Result<(), WireError> {
        self.stream
            .tcp()
            .set_read_timeout(Some(remaining(deadline)?))?;
        let mut chunk = [0u8; 4096];
        let n = match &mut self.stream {
            Stream::Plain(tcp) => tcp.read(&mut chunk),
            Stream::Tls(tls) => tls.read(&mut chunk),
        };
        match n {
            Ok(0) => Err(WireError::Closed),
            Ok(n) => {
                self.buffer.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// Starts TLS on this connection: from the first byte (implicit TLS) or after the `220`
    /// to STARTTLS (`after_starttls`). Refuses when any byte is already waiting in plain
    /// text; after STARTTLS, also when the server's first bytes after our ClientHello are not
    /// a TLS record (plain text sent after the 220 that simply arrived later).
    pub fn start_tls(
        self,
        config: Arc<ClientConfig>,
        host: &str,
        deadline: Instant,
        after_starttls: bool,
    ) -> Result<Wire, WireError> {
        let Stream::Plain(mut tcp) = self.stream else {
            return Err(WireError::Garbled("TLS requested twice".into()));
        };
        let waiting = self.buffer.len() + pending_bytes(&tcp)?;
        if waiting > 0 {
            return Err(WireError::Injected(waiting));
        }
        let name = ServerName::try_from(host.to_owned()).map_err(|_| {
            WireError::Tls(rustls::Error::General(format!(
                "{host:?} is not a host name"
            )))
        })?;
        let mut conn = ClientConnection::new(config, name).map_err(WireError::Tls)?;
        if after_starttls {
            tcp.set_write_timeout(Some(remaining(deadline)?))?;
            while conn.wants_write() {
                conn.write_tls(&mut tcp)?;
            }
            first_bytes_are_tls(&tcp, deadline)?;
        }
        while conn.is_handshaking() {
            tcp.set_read_timeout(Some(remaining(deadline)?))?;
            tcp.set_write_timeout(Some(remaining(deadline)?))?;
            match conn.complete_io(&mut tcp) {
                Ok((0, 0)) if conn.is_handshaking() && !conn.wants_write() => {
                    return Err(WireError::Closed);
                }
                Ok(_) => {}
                Err(err) => return Err(err.into()),
            }
        }
        Ok(Wire {
            stream: Stream::Tls(Box::new(StreamOwned::new(conn, tcp))),
            buffer: Vec::new(),
        })
    }
}

/// Waits for the server's first bytes after our ClientHello and checks, without reading
/// them, that they start a TLS record (content type 20 to 24: handshake, alert, ...). SMTP
/// text there (`250 ...`) is plain text injected after the `220` to STARTTLS.
fn first_bytes_are_tls(tcp: &TcpStream, deadline: Instant) -> Result<(), WireError> {
    tcp.set_read_timeout(Some(remaining(deadline)?))?;
    let mut probe = [0u8; 512];
    loop {
        match tcp.peek(&mut probe) {
            Ok(0) => return Err(WireError::Closed),
            Ok(_) if (20..=24).contains(&probe[0]) => return Ok(()),
            Ok(n) => return Err(WireError::Injected(n)),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err.into()),
        }
    }
}

/// How many bytes are waiting on the socket right now (without reading them).
fn pending_bytes(tcp: &TcpStream) -> Result<usize, WireError> {
    tcp.set_nonblocking(true)?;
    let mut probe = [0u8; 512];
    let peeked = tcp.peek(&mut probe);
    tcp.set_nonblocking(false)?;
    match peeked {
        Ok(n) => Ok(n),
        Err(err) if err.kind() == io::ErrorKind::WouldBlock => Ok(0),
        Err(err) => Err(err.into()),
    }
}

//! A load generator for echo servers (used by `bench/echo`, not part of `tackle`).
//!
//! Modes:
//! - ping-pong (default): `--conns N` connections each send a `--size`-byte message, wait for
//!   all of it to come back, and repeat for `--secs` seconds. Prints one line:
//!   `conns N size S secs T requests R rps X p50_us A p99_us B`.
//! - `--idle N`: opens N connections, prints `ready N`, holds them for `--secs`, exits.
//! - `--hog BYTES`: one connection that sends up to BYTES and never reads; prints
//!   `stalled after X bytes` once no write has made progress for a second (or `sent X bytes`),
//!   then holds the connection for `--secs`.
//!
//! - `--handshakes`: like ping-pong, but each connection is new: connect, one echo, close, and
//!   again (with `--tls`, a full handshake each time: no resumption).
//!
//! `--tls` speaks TLS through tackle's own TLS layer (`tackle::net::tls::TlsStream` over a
//! rustls `ClientConnection`), with a client that does not verify the server's certificate,
//! so that what is measured is the server's cost.
//!
//! One thread, one mio loop: the generator's own overhead stays small and predictable on the
//! 2-core benchmark machine.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use std::sync::Arc;

use clap::Parser;
use mio::event::Source;
use mio::net::TcpStream as MioStream;
use mio::{Events, Interest, Poll, Token};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};
use tackle::net::tls::TlsStream;

#[derive(Debug, Parser)]
#[command(about = "Echo-server load generator for bench/echo")]
struct Args {
    /// The server's TCP address
    addr: SocketAddr,
    /// Connections ping-ponging at once
    #[arg(long, default_value_t = 1)]
    conns: usize,
    /// Message size in bytes
    #[arg(long, default_value_t = 64)]
    size: usize,
    /// How long to run (or to hold idle/hog connections)
    #[arg(long, default_value_t = 3.0)]
    secs: f64,
    /// Only open this many idle connections and hold them
    #[arg(long)]
    idle: Option<usize>,
    /// Only send this many bytes on one connection without ever reading
    #[arg(long)]
    hog: Option<u64>,
    /// Speak TLS (the server's certificate is not verified)
    #[arg(long)]
    tls: bool,
    /// A new connection for every echo
    #[arg(long)]
    handshakes: bool,
}

fn main() -> io::Result<()> {
    let args = Args::parse();
    raise_fd_limit();
    let hold = Duration::from_secs_f64(args.secs);
    let tls = args.tls.then(insecure_client);
    if let Some(n) = args.idle {
        return idle(args.addr, n, hold, tls.as_ref());
    }
    if let Some(bytes) = args.hog {
        return hog(args.addr, bytes, hold);
    }
    ping_pong(&args)
}

fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer to an rlimit.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

fn idle(
    addr: SocketAddr,
    n: usize,
    hold: Duration,
    tls: Option<&Arc<ClientConfig>>,
) -> io::Result<()> {
    if let Some(config) = tls {
        // Each connection completes its handshake and one echo, then stays open, idle.
        let mut conns = Vec::with_capacity(n);
        for _ in 0..n {
            let mut stream = rustls::StreamOwned::new(
                ClientConnection::new(Arc::clone(config), server_name())
                    .map_err(io::Error::other)?,
                TcpStream::connect(addr)?,
            );
            stream.write_all(b"x")?;
            let mut b = [0u8; 1];
            stream.read_exact(&mut b)?;
            conns.push(stream);
        }
        println!("ready {n}");
        io::stdout().flush()?;
        std::thread::sleep(hold);
        return Ok(());
    }
    let mut conns = Vec::with_capacity(n);
    for _ in 0..n {
        conns.push(TcpStream::connect(addr)?);
    }
    // One round trip on the last connection proves the server has accepted them all
    // (it accepts in order).
    if let Some(last) = conns.last_mut() {
        last.write_all(b"x")?;
        let mut b = [0u8; 1];
        last.read_exact(&mut b)?;
    }
    println!("ready {n}");
    io::stdout().flush()?;
    std::thread::sleep(hold);
    Ok(())
}

fn hog(addr: SocketAddr, bytes: u64, hold: Duration) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_write_timeout(Some(Duration::from_secs(1)))?;
    let chunk = vec![0x55u8; 64 * 1024];
    let mut sent = 0u64;
    let mut stalled = false;
    while sent < bytes {
        let n = chunk.len().min((bytes - sent) as usize);
        match stream.write(&chunk[..n]) {
            Ok(n) => sent += n as u64,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                stalled = true;
                break;
            }
            Err(e) => return Err(e),
        }
    }
    if stalled {
        println!("stalled after {sent} bytes");
    } else {
        println!("sent {sent} bytes");
    }
    io::stdout().flush()?;
    std::thread::sleep(hold);
    Ok(())
}

/// A client that accepts any certificate: the load generator measures the server.
#[derive(Debug)]
struct AcceptAnything(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnything {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn insecure_client() -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .expect("default versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnything(provider)))
        .with_no_client_auth();
    config.resumption = rustls::client::Resumption::disabled();
    Arc::new(config)
}

fn server_name() -> ServerName<'static> {
    ServerName::try_from("localhost").expect("a valid name")
}

/// A plain or TLS connection, as the ping-pong loop sees it.
trait Wire: Read + Write + Source {}
impl<T: Read + Write + Source> Wire for T {}

struct Conn {
    stream: Box<dyn Wire>,
    written: usize,
    read: usize,
    started: Instant,
}

fn open(
    args: &Args,
    tls: Option<&Arc<ClientConfig>>,
    poll: &Poll,
    token: Token,
) -> io::Result<Conn> {
    let std_stream = TcpStream::connect(args.addr)?;
    std_stream.set_nodelay(true)?;
    std_stream.set_nonblocking(true)?;
    let stream = MioStream::from_std(std_stream);
    let mut stream: Box<dyn Wire> = match tls {
        None => Box::new(stream),
        Some(config) => Box::new(TlsStream::new(
            stream,
            ClientConnection::new(Arc::clone(config), server_name()).map_err(io::Error::other)?,
        )),
    };
    poll.registry()
        .register(&mut stream, token, Interest::READABLE | Interest::WRITABLE)?;
    Ok(Conn {
        stream,
        written: 0,
        read: 0,
        started: Instant::now(),
    })
}

fn ping_pong(args: &Args) -> io::Result<()> {
    let mut poll = Poll::new()?;
    let tls = args.tls.then(insecure_client);
    let mut conns = Vec::with_capacity(args.conns);
    for i in 0..args.conns {
        conns.push(open(args, tls.as_ref(), &poll, Token(i))?);
    }
    let message = vec![b'e'; args.size];
    let mut sink = vec![0u8; 64 * 1024];
    let mut latencies: Vec<u32> = Vec::with_capacity(1 << 20);
    let mut events = Events::with_capacity(1024);
    let begin = Instant::now();
    let end = begin + Duration::from_secs_f64(args.secs);
    for conn in &mut conns {
        conn.started = Instant::now();
        pump(conn, &message, &mut sink, &mut latencies)?;
    }
    loop {
        let now = Instant::now();
        if now >= end {
            break;
        }
        poll.poll(&mut events, Some(end - now))?;
        for event in events.iter() {
            let i = event.token().0;
            let done = latencies.len();
            pump(&mut conns[i], &message, &mut sink, &mut latencies)?;
            if args.handshakes && latencies.len() > done {
                // One echo per connection: close it and start the next.
                let mut old =
                    std::mem::replace(&mut conns[i], open(args, tls.as_ref(), &poll, Token(i))?);
                poll.registry().deregister(&mut old.stream)?;
                drop(old);
                let conn = &mut conns[i];
                conn.started = Instant::now();
                pump(conn, &message, &mut sink, &mut latencies)?;
            }
        }
    }
    let secs = begin.elapsed().as_secs_f64();
    let requests = latencies.len();
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies
            .get(((requests as f64 * p) as usize).min(requests.saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    println!(
        "conns {} size {} secs {:.2} requests {} rps {:.0} p50_us {} p99_us {}",
        args.conns,
        args.size,
        secs,
        requests,
        requests as f64 / secs,
        pct(0.50),
        pct(0.99)
    );
    Ok(())
}

/// Writes the message, reads the echo, records the latency and starts over, until the
/// socket would block.
fn pump(
    conn: &mut Conn,
    message: &[u8],
    sink: &mut [u8],
    latencies: &mut Vec<u32>,
) -> io::Result<()> {
    // Records a TLS layer could not write yet go out first.
    match conn.stream.flush() {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        Err(e) => return Err(e),
    }
    loop {
        if conn.written < message.len() {
            match conn.stream.write(&message[conn.written..]) {
                Ok(n) => conn.written += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        let want = (message.len() - conn.read).min(sink.len());
        match conn.stream.read(&mut sink[..want]) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "server closed",
                ));
            }
            Ok(n) => {
                conn.read += n;
                if conn.read == message.len() {
                    let micros = conn.started.elapsed().as_micros();
                    latencies.push(u32::try_from(micros).unwrap_or(u32::MAX));
                    conn.read = 0;
                    conn.written = 0;
                    conn.started = Instant::now();
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

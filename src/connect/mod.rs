//! `tackle connect`: the client end of the recipes, nc-style, on the servers' reactor.
//!
//! - [`target`]: ADDR, `--source`, `--ipv4`/`--ipv6`, and resolving names;
//! - [`dial`]: opening the TCP, Unix or UDP socket;
//! - [`stdio`]: tackle's stdin (read by a thread, handed to the loop) and stdout;
//! - [`splice`]: the zero-copy paths a plain relay takes when stdin and stdout allow;
//! - [`stream`]: the stream handler (TLS handshake, HMAC answer, relay, `--zero`, `--time`);
//! - [`datagram`]: the UDP handler (lines out, replies in, broadcast);
//! - [`time`]: reading a time server's reply back into a time.
//!
//! [`run`] takes a validated [`ConnectConfig`] (made by `cmd::connect` from the flags), opens
//! the socket, runs one handler on a [`Reactor`] and turns its outcome into output and an exit
//! status.

pub mod datagram;
pub mod dial;
pub mod splice;
pub mod stdio;
pub mod stream;
pub mod target;
pub mod time;

use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rustls::ClientConnection;
use rustls_pki_types::ServerName;

use self::datagram::{DatagramClient, DatagramEnd, DatagramJob, DatagramSettings};
use self::stream::{Ended, Job, StreamClient, StreamSettings, TlsCheck};
use self::target::{Family, InetTarget};
use crate::daytime::reply::{Format, Zone};
use crate::exit;
use crate::net::auth::AuthKey;
use crate::net::listen::UnixAddr;
use crate::net::stream::StreamSocket;
use crate::net::tls::TlsStream;
use crate::reactor::{Handler, Reactor};
use crate::tls::client::{TrustSettings, client_config};

/// Where to connect.
#[derive(Debug, Clone)]
pub enum Endpoint {
    /// TCP (or UDP with [`ConnectConfig::udp`]) to a host and port.
    Inet(InetTarget),
    /// A Unix stream socket.
    Unix(UnixAddr),
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Inet(target) => target.fmt(f),
            Endpoint::Unix(addr) => addr.fmt(f),
        }
    }
}

/// What the run is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// stdin to the peer, the peer to stdout (stream), or datagrams (UDP).
    Relay,
    /// `--zero`: connect, report, close.
    Zero,
    /// `--time`: ask a time server.
    Time,
}

/// TLS as asked for: the trust rules and the name the certificate must carry.
#[derive(Debug, Clone)]
pub struct TlsOptions {
    pub trust: TrustSettings,
    /// `--sni`, else the target's host (an address is checked against the certificate's IP
    /// addresses and sends no SNI).
    pub server_name: ServerName<'static>,
    /// The same name as the user wrote it, for messages.
    pub shown: String,
}

/// A validated `connect` command line.
#[derive(Debug)]
pub struct ConnectConfig {
    pub endpoint: Endpoint,
    pub udp: bool,
    pub mode: Mode,
    pub tls: Option<TlsOptions>,
    pub auth: Option<AuthKey>,
    /// Send our end of stream at stdin's end (nc `-N`); `--no-shutdown` clears it.
    pub shutdown_at_eof: bool,
    /// Stream: give up after this much silence. UDP: listen this long after the last send.
    pub wait: Option<Duration>,
    /// Bounds connecting and the handshakes.
    pub timeout: Duration,
    pub source: Option<SocketAddr>,
    pub family: Family,
    pub whole_stdin: bool,
    pub hex: bool,
    pub broadcast: bool,
    pub show_peer: bool,
    /// `--time`: the reply's format (`None`: recognise it).
    pub time_format: Option<Format>,
    /// `--time`: write the time in UTC rather than the local zone.
    pub utc: bool,
    /// `--time`: print JSON.
    pub json: bool,
}

/// How long UDP listens after the last send unless `--wait` says otherwise.
pub const DEFAULT_UDP_WAIT: Duration = Duration::from_secs(1);

/// Runs `tackle connect`.
pub fn run(config: ConnectConfig) -> anyhow::Result<()> {
    stdio::ensure_standard_descriptors();
    if config.udp {
        run_datagram(&config)
    } else {
        run_stream(&config)
    }
}

/// Runs one handler to its end and takes the result it left.
fn run_handler<T>(
    handler: Box<dyn Handler>,
    outcome: &Rc<std::cell::RefCell<Option<anyhow::Result<T>>>>,
) -> anyhow::Result<T> {
    let mut reactor = Reactor::new().map_err(|e| loop_failure(&e))?;
    reactor.add(handler).map_err(|e| loop_failure(&e))?;
    reactor.run().map_err(|e| loop_failure(&e))?;
    outcome.borrow_mut().take().unwrap_or_else(|| {
        Err(exit::failure(
            exit::FAILURE,
            "the connection ended without a result",
        ))
    })
}

fn loop_failure(e: &std::io::Error) -> anyhow::Error {
    exit::failure(
        exit::FAILURE,
        format!("cannot run the event loop: {}", dial::plain(e)),
    )
}

fn run_stream(config: &ConnectConfig) -> anyhow::Result<()> {
    let asked = (Timestamp::now(), Instant::now());
    let tls = match &config.tls {
        Some(options) => Some((prepare_tls(options)?, options)),
        None => None,
    };
    let connection = match &tls {
        Some((trust, options)) => Some(
            ClientConnection::new(Arc::clone(&trust.config), options.server_name.clone())
                .map_err(|e| exit::failure(exit::FAILURE, format!("TLS: {e}")))?,
        ),
        None => None,
    };
    let plain = connection.is_none();
    let (stream, reached, fd) = match &config.endpoint {
        Endpoint::Inet(target) => {
            let (stream, addr) = dial::tcp(target, config.family, config.source, config.timeout)?;
            let fd = stream.as_raw_fd();
            (layered(stream, connection), Some(addr), fd)
        }
        Endpoint::Unix(addr) => {
            let stream = dial::unix(addr, config.timeout)?;
            let fd = stream.as_raw_fd();
            (layered(stream, connection), None, fd)
        }
    };
    // The descriptor stays the socket's for the whole run (the handler owns the stream).
    let plain_fd = plain.then_some(fd);
    let name = config.endpoint.to_string();
    log_connected(&name, reached);
    let check = tls.map(|(trust, options)| TlsCheck {
        trust,
        server: options.shown.clone(),
    });
    let job = match config.mode {
        Mode::Relay => Job::Relay {
            shutdown_at_eof: config.shutdown_at_eof,
        },
        Mode::Zero => Job::Probe,
        Mode::Time => Job::Collect {
            line_ends_it: config.time_format != Some(Format::Rfc868),
        },
    };
    let settings = StreamSettings {
        name: name.clone(),
        job,
        auth: config.auth.clone(),
        tls: check,
        timeout: config.timeout,
        wait: config.wait,
        plain_fd,
    };
    let outcome = Rc::default();
    let client = StreamClient::new(stream, settings, Rc::clone(&outcome));
    match run_handler(Box::new(client), &outcome)? {
        Ended::Relayed { .. } => Ok(()),
        Ended::Established => {
            print_line(&format!("connected to {}\n", shown_reached(&name, reached)))
        }
        Ended::Collected { reply, first_byte } => {
            report_time(config, &name, &reply, asked, first_byte)
        }
    }
}

/// The socket, under TLS when a client connection is given.
fn layered<S: StreamSocket>(socket: S, tls: Option<ClientConnection>) -> Box<dyn StreamSocket> {
    match tls {
        Some(connection) => Box::new(TlsStream::new(socket, connection)),
        None => Box::new(socket),
    }
}

/// The trust rules as a client configuration.
fn prepare_tls(options: &TlsOptions) -> anyhow::Result<crate::tls::client::ClientTrust> {
    let trust = client_config(&options.trust).map_err(|e| exit::failure(exit::FAILURE, e))?;
    if options.trust.insecure {
        tracing::warn!(
            "--tls-insecure: not verifying the certificate of {}; anyone on the path can read \
             and change what is sent",
            options.shown
        );
    }
    Ok(trust)
}

fn log_connected(name: &str, reached: Option<SocketAddr>) {
    tracing::info!("connected to {}", shown_reached(name, reached));
}

/// `localhost:7000 (127.0.0.1:7000)`, or just the address when that is what was typed.
fn shown_reached(name: &str, reached: Option<SocketAddr>) -> String {
    match reached {
        Some(addr) if addr.to_string() != name => format!("{name} ({addr})"),
        _ => name.to_owned(),
    }
}

/// Writes one line to stdout; a reader that has gone is not an error (exit.rs treats the
/// broken pipe as a quiet end).
fn print_line(text: &str) -> anyhow::Result<()> {
    stdio::write_stdout(text.as_bytes())
        .map_err(|e| anyhow::Error::new(e).context("cannot write to stdout"))
}

fn run_datagram(config: &ConnectConfig) -> anyhow::Result<()> {
    let Endpoint::Inet(target) = &config.endpoint else {
        return Err(exit::usage("--udp needs ADDR, not --unix"));
    };
    let asked = (Timestamp::now(), Instant::now());
    let (socket, peer) = dial::udp(target, config.family, config.source, config.broadcast)?;
    let name = target.to_string();
    log_connected(&name, Some(peer));
    let settings = DatagramSettings {
        name: name.clone(),
        peer,
        broadcast: config.broadcast,
        job: if config.mode == Mode::Time {
            DatagramJob::Ask
        } else {
            DatagramJob::Relay {
                whole_stdin: config.whole_stdin,
            }
        },
        hex: config.hex,
        show_peer: config.show_peer,
        wait: config.wait.unwrap_or(DEFAULT_UDP_WAIT),
    };
    let outcome = Rc::default();
    let client = DatagramClient::new(socket, settings, Rc::clone(&outcome));
    match run_handler(Box::new(client), &outcome)? {
        DatagramEnd::Relayed { sent, replies } => {
            tracing::info!(peer = %name, sent, replies, "done");
            Ok(())
        }
        DatagramEnd::Answered { reply, at } => report_time(config, &name, &reply, asked, at),
    }
}

/// Decodes a time reply and prints the time and its offset from the local clock.
fn report_time(
    config: &ConnectConfig,
    name: &str,
    reply: &[u8],
    (asked_wall, asked): (Timestamp, Instant),
    answered: Instant,
) -> anyhow::Result<()> {
    let zone = if config.utc { Zone::Utc } else { Zone::local() };
    let since = answered.saturating_duration_since(asked);
    let answered_wall = asked_wall.checked_add(since).unwrap_or(asked_wall);
    let reading = time::decode(reply, config.time_format, &zone, answered_wall)
        .map_err(|why| exit::failure(exit::FAILURE, format!("{name}: {why}")))?;
    let report = time::Report::new(&reading, asked_wall, answered_wall, &zone);
    let text = if config.json {
        report.json(name)
    } else {
        report.line()
    };
    print_line(&text)
}

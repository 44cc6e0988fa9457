//! `tackle serve-echo`: TCP, UDP and Unix-socket echo servers in one event loop.
//!
//! The recipes' echo servers (blocking, threaded, select, selectors, socketserver, Unix
//! domain, HMAC-authenticated, SSL mixin) done once: this file turns the flags into
//! validated [`ServerSettings`] and an echo [`Service`]; `net::server` does the rest.

use std::path::PathBuf;
use std::time::Duration;

use crate::exit;
use crate::logging::LogFormat;
use crate::net::args::{AllListeners, ServerArgs, parse_positive_duration};
use crate::net::auth::{AuthConfig, AuthKey, Authenticated};
use crate::net::datagram::Packet;
use crate::net::listen::Proto;
use crate::net::server::{ServerSettings, Service, run_server};
use crate::net::stats::SummaryStyle;
use crate::net::stream::{Session, SessionOutput, Step};
use crate::secret::FilePolicy;
use crate::size::parse_memory_size;

/// The port used when no listener flag is given.
pub const DEFAULT_PORT: u16 = 5566;

const ECHO: &str = "Echo";
const AUTH: &str = "Authentication (TCP and Unix listeners)";

const EXAMPLES: &str = "\
Examples:
  tackle serve-echo                      # TCP and UDP on 127.0.0.1:5566
  tackle serve-echo --tcp 0 --udp '[::1]:7007' --unix /tmp/echo.sock
  printf hi | nc -N 127.0.0.1 5566       # talk to it: prints hi
  TACKLE_KEY=s3cret tackle serve-echo --tcp 7000 --auth-key-env TACKLE_KEY
  tackle serve-echo --tls 0 --tls-cert cert.pem --tls-key key.pem
  openssl s_client -connect 127.0.0.1:PORT -quiet   # talk to it over TLS";

/// TCP, TLS, UDP and Unix-socket echo servers in one event loop.
///
/// Every byte a TCP, TLS or Unix client sends comes back, in order, until it closes; each UDP
/// datagram goes back to its sender unchanged. One `listening <proto> <addr>` line per
/// listener is printed on stdout at start, in the order given; logs go to stderr. SIGINT or
/// SIGTERM stops accepting, flushes what is owed for up to --drain, removes Unix socket files,
/// prints a summary on stderr and exits 0.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub listen: AllListeners,

    #[command(flatten)]
    pub server: ServerArgs,

    /// Close connections idle for DUR (e.g. 30s, 5m; default: never)
    #[arg(long, value_name = "DUR", value_parser = parse_positive_duration, help_heading = ECHO)]
    pub idle_timeout: Option<Duration>,

    /// Stop reading from a client whose unsent echo passes SIZE (e.g. 256K, 1M)
    #[arg(long, value_name = "SIZE", default_value = "256K", value_parser = parse_buffer_size,
          help_heading = ECHO)]
    pub max_buffer: usize,

    /// Leave Nagle's algorithm on (TCP_NODELAY is set by default)
    #[arg(long, help_heading = ECHO)]
    pub no_nodelay: bool,

    /// Require the HMAC-SHA256 challenge-response handshake, with the key read from FILE
    #[arg(long, value_name = "FILE", conflicts_with = "auth_key_env",
          value_hint = clap::ValueHint::FilePath, help_heading = AUTH)]
    pub auth_key_file: Option<PathBuf>,

    /// Require the HMAC-SHA256 challenge-response handshake, with the key in environment
    /// variable VAR
    #[arg(long, value_name = "VAR", help_heading = AUTH)]
    pub auth_key_env: Option<String>,

    /// How long a client has to answer the challenge
    #[arg(long, value_name = "DUR", default_value = "5s", value_parser = parse_positive_duration,
          help_heading = AUTH)]
    pub auth_timeout: Duration,

    /// Use a key file that group or others can read (refused by default)
    #[arg(long, help_heading = AUTH)]
    pub allow_readable_secrets: bool,
}

fn parse_buffer_size(text: &str) -> Result<usize, String> {
    let size = parse_memory_size(text)?;
    if size < 1024 {
        return Err(format!("{text:?} is too small; use at least 1K"));
    }
    Ok(size)
}

/// Runs `tackle serve-echo`; its summary line is JSON when the logs are.
pub fn run(args: Args, log_format: LogFormat) -> anyhow::Result<()> {
    let listeners = args.listen.resolve(DEFAULT_PORT)?;
    let wants_auth = args.auth_key_file.is_some() || args.auth_key_env.is_some();
    if wants_auth && let Some(udp) = listeners.iter().find(|l| l.proto() == Proto::Udp) {
        return Err(exit::usage(format!(
            "{}: UDP cannot be authenticated (a datagram has no connection to hold a \
             challenge); use --tcp, --tls or --unix with --auth-key-file/--auth-key-env",
            udp.flag()
        )));
    }
    let mut settings = args.server.settings(listeners)?;
    let auth = auth_config(&args)?;
    settings.listen.unix_mode = args.listen.unix_mode;
    let settings = ServerSettings {
        idle_timeout: args.idle_timeout,
        nodelay: !args.no_nodelay,
        max_buffer: args.max_buffer,
        name: "serve-echo",
        summary: SummaryStyle {
            json: log_format == LogFormat::Json,
            auth: auth.is_some(),
            ..SummaryStyle::default()
        },
        ..settings
    };
    run_server(settings, Echo { auth })
}

/// Reads the HMAC key named by --auth-key-file or --auth-key-env, if any.
fn auth_config(args: &Args) -> anyhow::Result<Option<AuthConfig>> {
    let policy = FilePolicy::allowing_readable(args.allow_readable_secrets);
    let key = AuthKey::from_flags(
        args.auth_key_file.as_deref(),
        args.auth_key_env.as_deref(),
        policy,
    )?;
    Ok(key.map(|key| AuthConfig::new(key, args.auth_timeout)))
}

/// The echo service: optional authentication in front of a byte-for-byte echo.
#[derive(Debug, Clone)]
struct Echo {
    auth: Option<AuthConfig>,
}

/// An echo connection, behind the handshake when a key is set.
enum EchoSession {
    Open(EchoBytes),
    Authenticated(Authenticated<EchoBytes>),
}

/// Sends back whatever arrives.
struct EchoBytes;

impl Session for EchoBytes {
    fn received(&mut self, data: &[u8], out: &mut SessionOutput<'_>) -> Step {
        out.send(data);
        Step::Continue
    }
}

impl Session for EchoSession {
    fn start(&mut self, out: &mut SessionOutput<'_>) -> Step {
        match self {
            EchoSession::Open(s) => s.start(out),
            EchoSession::Authenticated(s) => s.start(out),
        }
    }

    fn received(&mut self, data: &[u8], out: &mut SessionOutput<'_>) -> Step {
        match self {
            EchoSession::Open(s) => s.received(data, out),
            EchoSession::Authenticated(s) => s.received(data, out),
        }
    }

    fn peer_closed(&mut self, out: &mut SessionOutput<'_>) -> Step {
        match self {
            EchoSession::Open(s) => s.peer_closed(out),
            EchoSession::Authenticated(s) => s.peer_closed(out),
        }
    }

    fn deadline(&mut self, out: &mut SessionOutput<'_>) -> Step {
        match self {
            EchoSession::Open(s) => s.deadline(out),
            EchoSession::Authenticated(s) => s.deadline(out),
        }
    }

    fn is_handshaking(&self) -> bool {
        match self {
            EchoSession::Open(s) => s.is_handshaking(),
            EchoSession::Authenticated(s) => s.is_handshaking(),
        }
    }
}

impl Service for Echo {
    type Session = EchoSession;

    fn open(&mut self, _peer: &str) -> EchoSession {
        match &self.auth {
            Some(auth) => EchoSession::Authenticated(Authenticated::new(auth.clone(), EchoBytes)),
            None => EchoSession::Open(EchoBytes),
        }
    }

    fn datagram(&mut self, packet: &Packet<'_>) {
        packet.reply(packet.data());
    }
}

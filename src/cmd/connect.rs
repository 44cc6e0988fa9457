//! `tackle connect`: an nc-style client that also speaks the recipes' HMAC handshake and TLS.
//!
//! This file owns the flags and turns them into a validated [`ConnectConfig`]; `connect/`
//! opens the socket and runs it on the reactor.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::connect::target::{Family, InetTarget, parse_source};
use crate::connect::{ConnectConfig, Endpoint, Mode, TlsOptions};
use crate::daytime::reply::Format;
use crate::exit;
use crate::net::args::parse_positive_duration;
use crate::net::auth::AuthKey;
use crate::net::listen::{UnixAddr, parse_unix_addr};
use crate::secret::{FilePolicy, refuse_exposed};
use crate::tls::args::ClientTlsArgs;
use rustls_pki_types::ServerName;

const TRANSPORT: &str = "Connection";
const TLS: &str = "TLS";
const AUTH: &str = "Authentication (the recipes' HMAC-SHA256 challenge)";
const UDP: &str = "UDP";
const TIME: &str = "Time (--time)";

const EXAMPLES: &str = "\
Examples:
  printf hi | tackle connect 127.0.0.1:5566       # prints hi (serve-echo's default port)
  tackle connect localhost 7000 < request.txt      # nc style: HOST PORT
  TACKLE_KEY=s3cret tackle connect --auth-key-env TACKLE_KEY 127.0.0.1:7000
  tackle connect --tls --ca-file ca.pem example.org:7443
  tackle connect --unix /tmp/echo.sock
  echo ping | tackle connect --udp 127.0.0.1:5566  # one datagram per line, replies printed
  echo hi | tackle connect --udp --broadcast --show-peer 255.255.255.255:5566
  tackle connect --time 127.0.0.1:5567             # 2026-11-21T22:44:21+08:00 offset +0.012s
  tackle connect --zero --timeout 2s example.org:22 && echo open

Stream (TCP, Unix, TLS): stdin goes to the server and the server's bytes to stdout, both ways at
once. At stdin's end our side sends its end of stream (nc -N; --no-shutdown keeps it open) and
tackle exits 0 when the server closes. Exit 1 on any failure (refused, reset, TLS, a refused
key), 2 on bad flags.";

/// Connect to a server: stdin to it, what it sends to stdout (nc-style), over TCP, TLS, UDP
/// or a Unix socket, answering serve-echo's HMAC challenge when given the key.
///
/// The client end of the recipes, on the same event loop as the servers. Logs go to stderr;
/// stdout carries only what the server sent (or the --zero and --time reports).
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Where to connect: HOST:PORT, [IPV6]:PORT, NAME:PORT or PORT (on 127.0.0.1); or a host
    /// followed by PORT, as nc takes them
    #[arg(value_name = "ADDR", required_unless_present = "unix")]
    pub addr: Option<String>,

    /// The port, when ADDR is a host alone (nc style: `tackle connect example.org 80`)
    #[arg(value_name = "PORT", requires = "addr")]
    pub port: Option<String>,

    /// Connect to the Unix stream socket at PATH (or @NAME, Linux's abstract namespace)
    /// instead of ADDR
    #[arg(long, value_name = "PATH", value_parser = parse_unix_addr,
          value_hint = clap::ValueHint::FilePath, help_heading = TRANSPORT,
          conflicts_with_all = ["addr", "udp", "source", "ipv4", "ipv6"])]
    pub unix: Option<UnixAddr>,

    /// Use UDP: each line of stdin is a datagram, replies are printed one per line
    #[arg(long, help_heading = TRANSPORT)]
    pub udp: bool,

    /// Speak TLS (the server's certificate is checked against the system's CAs and --ca-file)
    #[arg(long, conflicts_with = "udp", help_heading = TRANSPORT)]
    pub tls: bool,

    /// Use only IPv4 addresses of a name
    #[arg(short = '4', long, conflicts_with = "ipv6", help_heading = TRANSPORT)]
    pub ipv4: bool,

    /// Use only IPv6 addresses of a name
    #[arg(short = '6', long, help_heading = TRANSPORT)]
    pub ipv6: bool,

    /// Bind our end to this address: IP, IP:PORT, [IPV6] or [IPV6]:PORT
    #[arg(long, value_name = "ADDR", value_parser = parse_source, help_heading = TRANSPORT)]
    pub source: Option<SocketAddr>,

    /// Give up connecting, and on the TLS and HMAC handshakes, after DUR
    #[arg(long, value_name = "DUR", default_value = "30s",
          value_parser = parse_positive_duration, help_heading = TRANSPORT)]
    pub timeout: Duration,

    /// Stream: end after DUR with nothing sent or received [default: never]. UDP: how long to
    /// listen for replies after the last send [default: 1s]
    #[arg(long, value_name = "DUR", value_parser = parse_positive_duration,
          help_heading = TRANSPORT)]
    pub wait: Option<Duration>,

    /// Keep our side of the stream open at stdin's end (by default it is shut down, as nc -N
    /// does); the run then ends when the server closes, or after --wait
    #[arg(long, conflicts_with = "udp", help_heading = TRANSPORT)]
    pub no_shutdown: bool,

    /// Connect (and complete the TLS and HMAC handshakes), print `connected to ADDR`, close;
    /// nothing is sent (nc -z)
    #[arg(short = 'z', long, conflicts_with_all = ["udp", "time", "no_shutdown", "wait"],
          help_heading = TRANSPORT)]
    pub zero: bool,

    /// The name sent as SNI and checked against the certificate [default: the host of ADDR;
    /// localhost with --unix]
    #[arg(long, value_name = "NAME", requires = "tls", help_heading = TLS)]
    pub sni: Option<String>,

    #[command(flatten, next_help_heading = TLS)]
    pub trust: ClientTlsArgs,

    /// Answer the server's challenge with the key read from FILE (its bytes exactly; the file
    /// must be owner-only)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["auth_key_env", "udp"],
          value_hint = clap::ValueHint::FilePath, help_heading = AUTH)]
    pub auth_key_file: Option<PathBuf>,

    /// Answer the server's challenge with the key in environment variable VAR (removed from
    /// tackle's environment once read)
    #[arg(long, value_name = "VAR", conflicts_with = "udp", help_heading = AUTH)]
    pub auth_key_env: Option<String>,

    /// Use a key file (--auth-key-file, --tls-key) that group or others can read (refused
    /// by default)
    #[arg(long, help_heading = AUTH)]
    pub allow_readable_secrets: bool,

    /// Send all of stdin as one datagram (default: one per line)
    #[arg(long, requires = "udp", help_heading = UDP)]
    pub datagram_stdin: bool,

    /// Print each reply as hex digits on a line of its own
    #[arg(long, requires = "udp", help_heading = UDP)]
    pub hex: bool,

    /// Allow sending to a broadcast address (SO_BROADCAST: 255.255.255.255 or a subnet's);
    /// replies from every host are printed
    #[arg(long, requires = "udp", help_heading = UDP)]
    pub broadcast: bool,

    /// Print `from ADDR: ` before each reply
    #[arg(long, requires = "udp", help_heading = UDP)]
    pub show_peer: bool,

    /// Ask a time server (serve-time, or any RFC 868 or 867 server) and print its time in RFC
    /// 3339 with its offset from the local clock
    #[arg(long, conflicts_with_all = ["no_shutdown", "datagram_stdin", "hex", "broadcast",
          "show_peer"], help_heading = TIME)]
    pub time: bool,

    /// The format the server answers in [default: recognised from the reply: 4 bytes are
    /// rfc868, text is tried in each text format]
    #[arg(long, value_enum, value_name = "FORMAT", requires = "time", help_heading = TIME)]
    pub format: Option<Format>,

    /// Write the time in UTC (default: the local zone, from TZ); ctime replies are read in
    /// UTC too
    #[arg(long, requires = "time", help_heading = TIME)]
    pub utc: bool,

    /// Print one JSON object: server, time, unix, offset_seconds, round_trip_seconds, format
    #[arg(long, requires = "time", help_heading = TIME)]
    pub json: bool,
}

/// Runs `tackle connect`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let config = config(args)?;
    crate::connect::run(config)
}

/// Checks the flags together and reads the key; usage errors before anything else.
fn config(args: Args) -> anyhow::Result<ConnectConfig> {
    let endpoint = endpoint(&args)?;
    let family = Family::chosen(args.ipv4, args.ipv6, args.source.as_ref()).map_err(exit::usage)?;
    if args.trust.any_given() && !args.tls {
        return Err(exit::usage(
            "--ca-file, --tls-fingerprint, --tls-insecure and --tls-cert need --tls",
        ));
    }
    let tls = if args.tls {
        let (server_name, shown) = server_name(&args, &endpoint)?;
        Some(TlsOptions {
            trust: args.trust.trust_settings(),
            server_name,
            shown,
        })
    } else {
        None
    };
    let mode = match (args.zero, args.time) {
        (true, _) => Mode::Zero,
        (_, true) => Mode::Time,
        _ => Mode::Relay,
    };
    let wait = match mode {
        // A time server closes after its reply (a text one may end at its newline instead);
        // one that does neither is given --timeout.
        Mode::Time if !args.udp => Some(args.wait.unwrap_or(args.timeout)),
        _ => args.wait,
    };
    let policy = FilePolicy::allowing_readable(args.allow_readable_secrets);
    // A client certificate's key is a secret like the HMAC key, under the same rule (as in
    // sendmail).
    if let Some(key) = &args.trust.tls_key {
        refuse_exposed(key, policy)
            .map_err(|e| exit::failure(exit::FAILURE, format!("--tls-key {e}")))?;
    }
    let auth = AuthKey::from_flags(
        args.auth_key_file.as_deref(),
        args.auth_key_env.as_deref(),
        policy,
    )?;
    Ok(ConnectConfig {
        endpoint,
        udp: args.udp,
        mode,
        tls,
        auth,
        shutdown_at_eof: !args.no_shutdown,
        wait,
        timeout: args.timeout,
        source: args.source,
        family,
        whole_stdin: args.datagram_stdin,
        hex: args.hex,
        broadcast: args.broadcast,
        show_peer: args.show_peer,
        time_format: args.format,
        utc: args.utc,
        json: args.json,
    })
}

fn endpoint(args: &Args) -> anyhow::Result<Endpoint> {
    match (&args.unix, &args.addr) {
        (Some(path), _) => Ok(Endpoint::Unix(path.clone())),
        (None, Some(addr)) => InetTarget::parse(addr, args.port.as_deref())
            .map(Endpoint::Inet)
            .map_err(exit::usage),
        (None, None) => Err(exit::usage("give ADDR (HOST:PORT) or --unix PATH")),
    }
}

/// The name the server's certificate must carry, and as the user wrote it: `--sni`, else
/// ADDR's host (`localhost` over a Unix socket), refused at once when no certificate could
/// carry it.
fn server_name(args: &Args, endpoint: &Endpoint) -> anyhow::Result<(ServerName<'static>, String)> {
    if let Some(sni) = &args.sni {
        return match ServerName::try_from(sni.clone()) {
            Ok(name) => Ok((name, sni.clone())),
            Err(_) => Err(exit::usage(format!(
                "--sni {sni:?}: not a host name or IP address a certificate can be checked against"
            ))),
        };
    }
    let host = match endpoint {
        Endpoint::Inet(target) => target.host(),
        Endpoint::Unix(_) => "localhost".to_owned(),
    };
    match ServerName::try_from(host.clone()) {
        Ok(name) => Ok((name, host)),
        Err(_) => Err(exit::usage(format!(
            "{host:?} is not a host name or address a certificate can be checked against; give \
             one with --sni"
        ))),
    }
}

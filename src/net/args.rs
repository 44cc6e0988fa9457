//! The command-line flags every tackle server shares, for a subcommand to `#[command(flatten)]`:
//! the listeners (`--tcp`, `--udp`, and `--unix` where a server offers it) kept in the order the
//! user typed them, and the server tuning flags (`--backlog`, `--threads`, `--drain`, ...).
//!
//! clap's derive collects each repeatable flag into its own `Vec`, which loses the order between
//! `--tcp` and `--udp`. The listener flags therefore implement `clap::Args` by hand and merge
//! the values by their position on the command line (`ArgMatches::indices_of`), so the
//! `listening` lines come out in the order given.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, FromArgMatches};

use super::access::{AccessList, parse_access_entry};
use super::listen::{
    ListenAddr, ListenOptions, ListenSpec, Proto, UnixAddr, parse_listen_addr, parse_unix_addr,
    parse_unix_mode,
};
use super::server::ServerSettings;
use super::tls::TlsFiles;
use crate::cidr::parse::Entry;
use crate::duration::parse_duration;
use crate::exit;

/// The listener flags, in command-line order. `UNIX` says whether `--unix PATH` (and
/// `--unix-mode`) is offered: use [`InetListeners`] (TCP, TLS and UDP) or [`AllListeners`]
/// (those and Unix stream).
#[derive(Debug, Clone, Default)]
pub struct ListenerArgs<const UNIX: bool> {
    /// Every listener flag given, in the order given; empty means "use the defaults".
    pub listeners: Vec<ListenSpec>,
    /// `--unix-mode`: the socket files' mode.
    pub unix_mode: Option<u32>,
}

/// `--tcp ADDR`, `--tls ADDR` and `--udp ADDR`.
pub type InetListeners = ListenerArgs<false>;
/// `--tcp ADDR`, `--tls ADDR`, `--udp ADDR` and `--unix PATH`.
pub type AllListeners = ListenerArgs<true>;

const LISTENERS: &str = "Listeners";

const ADDR_FORMS: &str = "ADDR is PORT (on 127.0.0.1), HOST:PORT, [IPV6]:PORT or NAME:PORT (resolved at \
     start; the first address wins); port 0 picks a free port";

impl<const UNIX: bool> ListenerArgs<UNIX> {
    /// The listeners to serve: sockets passed by systemd socket activation when there are
    /// any (then no listener flag may be given), else the flags, else TCP and UDP on
    /// 127.0.0.1:`port` (a server binds loopback unless told otherwise).
    pub fn resolve(&self, port: u16) -> anyhow::Result<Vec<ListenSpec>> {
        if let Some(inherited) = super::activation::inherited_listeners()? {
            if let Some(flag) = self.listeners.first() {
                return Err(exit::usage(format!(
                    "{}: the listeners come from socket activation (LISTEN_FDS); give no \
                     listener flags with it",
                    flag.flag()
                )));
            }
            return Ok(inherited);
        }
        Ok(self.or_loopback(port))
    }

    /// The listeners given, or TCP and UDP on 127.0.0.1:`port` when none was.
    pub fn or_loopback(&self, port: u16) -> Vec<ListenSpec> {
        if self.listeners.is_empty() {
            let addr = ListenAddr::Addr(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
            vec![ListenSpec::Tcp(addr.clone()), ListenSpec::Udp(addr)]
        } else {
            self.listeners.clone()
        }
    }
}

fn inet_flag(id: &'static str, what: &'static str) -> Arg {
    Arg::new(id)
        .long(id)
        .help_heading(LISTENERS)
        .value_name("ADDR")
        .action(ArgAction::Append)
        .value_parser(parse_listen_addr)
        .help(format!("{what} on ADDR (repeatable)"))
        .long_help(format!(
            "{what} on ADDR (repeatable, any mix with the other listener flags). {ADDR_FORMS}."
        ))
}

impl<const UNIX: bool> clap::Args for ListenerArgs<UNIX> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let cmd = cmd
            .arg(inet_flag("tcp", "Listen for TCP connections"))
            .arg(inet_flag("udp", "Listen for UDP datagrams"))
            .arg(
                inet_flag(
                    "tls",
                    "Listen for TLS connections (needs --tls-cert and --tls-key)",
                )
                .long_help(format!(
                    "Listen for TLS connections on ADDR (repeatable, any mix with the other \
                         listener flags), announced as `listening tls ADDR`; needs --tls-cert \
                         and --tls-key. {ADDR_FORMS}."
                )),
            );
        if !UNIX {
            return cmd;
        }
        cmd.arg(
            Arg::new("unix")
                .long("unix")
                .help_heading(LISTENERS)
                .value_name("PATH")
                .action(ArgAction::Append)
                .value_parser(parse_unix_addr)
                .value_hint(clap::ValueHint::FilePath)
                .help("Listen for Unix stream connections on a socket file at PATH, or @NAME (repeatable)")
                .long_help(
                    "Listen for Unix stream connections on a socket file at PATH (repeatable). \
                     A stale socket file (nothing listening) is replaced; a live one or a file \
                     that is not a socket is an error. The file is removed on exit (unless it \
                     was replaced meanwhile). @NAME is a Linux abstract socket: no file.",
                ),
        )
        .arg(
            Arg::new("unix_mode")
                .long("unix-mode")
                .help_heading(LISTENERS)
                .value_name("MODE")
                .value_parser(parse_unix_mode)
                .help("Create Unix socket files with this mode (octal, e.g. 660)"),
        )
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl<const UNIX: bool> FromArgMatches for ListenerArgs<UNIX> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut indexed: Vec<(usize, ListenSpec)> = Vec::new();
        collect(matches, "tcp", &mut indexed, |a: &ListenAddr| {
            ListenSpec::Tcp(a.clone())
        });
        collect(matches, "udp", &mut indexed, |a: &ListenAddr| {
            ListenSpec::Udp(a.clone())
        });
        collect(matches, "tls", &mut indexed, |a: &ListenAddr| {
            ListenSpec::Tls(a.clone())
        });
        let mut unix_mode = None;
        if UNIX {
            collect(matches, "unix", &mut indexed, |p: &UnixAddr| {
                ListenSpec::Unix(p.clone())
            });
            unix_mode = matches
                .try_get_one::<u32>("unix_mode")
                .ok()
                .flatten()
                .copied();
        }
        indexed.sort_by_key(|(index, _)| *index);
        Ok(ListenerArgs {
            listeners: indexed.into_iter().map(|(_, spec)| spec).collect(),
            unix_mode,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// Appends every value of flag `id` with its command-line index.
fn collect<T: Clone + Send + Sync + 'static>(
    matches: &ArgMatches,
    id: &str,
    into: &mut Vec<(usize, ListenSpec)>,
    make: impl Fn(&T) -> ListenSpec,
) {
    let (Ok(Some(values)), Some(indices)) = (matches.try_get_many::<T>(id), matches.indices_of(id))
    else {
        return;
    };
    into.extend(
        indices
            .zip(values)
            .map(|(index, value)| (index, make(value))),
    );
}

/// Server tuning flags shared by every tackle server.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Server")]
pub struct ServerArgs {
    /// Length of each TCP/Unix listener's accept queue
    #[arg(long, value_name = "N", default_value_t = 1024,
          value_parser = clap::value_parser!(i32).range(1..=65535))]
    pub backlog: i32,

    /// Make `[::]` listeners IPv6-only (by default they also accept IPv4)
    #[arg(long)]
    pub ipv6_only: bool,

    /// Run N event loops, sharing the TCP/UDP ports through SO_REUSEPORT
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: u16,

    /// On SIGINT/SIGTERM, keep flushing pending output for up to DUR before exiting
    #[arg(long, value_name = "DUR", default_value = "2s", value_parser = parse_duration)]
    pub drain: Duration,

    /// Most connections served at once; beyond it new ones are closed at once
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_conns: u64,

    /// Most connections in a TLS or HMAC handshake at once (not counted in --max-conns);
    /// beyond it the oldest handshake in progress is dropped
    #[arg(long, value_name = "N", default_value_t = 256,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_handshakes: u64,

    /// Log connection, byte and datagram rates every DUR (at info level, so with -v)
    #[arg(long, value_name = "DUR", value_parser = parse_positive_duration)]
    pub stats_interval: Option<Duration>,

    /// Answer UDP datagrams from source ports below 1024 (ignored by default, like xinetd, to
    /// prevent loops with other UDP services; port 0 is always ignored)
    #[arg(long)]
    pub allow_low_ports: bool,

    /// Serve only peers in CIDR (network, address or range; repeatable)
    #[arg(long, value_name = "CIDR", value_parser = parse_access_entry, help_heading = "Access")]
    pub allow: Vec<Entry>,

    /// Refuse peers in CIDR (repeatable; wins over --allow)
    #[arg(long, value_name = "CIDR", value_parser = parse_access_entry, help_heading = "Access")]
    pub deny: Vec<Entry>,

    /// Turn on TCP keepalive: probe a connection after DUR of silence, so dead peers free
    /// their slot
    #[arg(long, value_name = "DUR", value_parser = parse_positive_duration)]
    pub keepalive: Option<Duration>,

    /// After binding the listeners, run as user NAME (and its groups)
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,

    /// The TLS certificate chain (PEM, leaf first) for --tls listeners
    #[arg(long, value_name = "PEM", help_heading = "TLS",
          value_hint = clap::ValueHint::FilePath)]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert
    #[arg(long, value_name = "PEM", help_heading = "TLS",
          value_hint = clap::ValueHint::FilePath)]
    pub tls_key: Option<PathBuf>,

    /// Require TLS clients to present a certificate signed by a CA in this PEM file
    #[arg(long, value_name = "PEM", help_heading = "TLS",
          value_hint = clap::ValueHint::FilePath)]
    pub tls_client_ca: Option<PathBuf>,

    /// How long a TLS handshake may take
    #[arg(long, value_name = "DUR", default_value = "10s", value_parser = parse_positive_duration,
          help_heading = "TLS")]
    pub tls_handshake_timeout: Duration,
}

impl ServerArgs {
    /// The socket options these flags ask for. SO_REUSEPORT is left off: the server turns it
    /// on itself when it runs more than one thread.
    pub fn listen_options(&self) -> ListenOptions {
        ListenOptions {
            backlog: self.backlog,
            ipv6_only: self.ipv6_only,
            reuse_port: false,
            unix_mode: None,
        }
    }

    /// Server settings with these flags and these listeners, the other settings at their
    /// defaults (the caller adjusts idle timeout, buffer limit and so on). The TLS flags must
    /// match the listeners: a usage error otherwise.
    pub fn settings(&self, listeners: Vec<ListenSpec>) -> anyhow::Result<ServerSettings> {
        let tls = self.tls_files(&listeners)?;
        Ok(ServerSettings {
            listeners,
            listen: self.listen_options(),
            threads: usize::from(self.threads),
            drain: self.drain,
            max_conns: usize::try_from(self.max_conns).unwrap_or(usize::MAX),
            max_handshakes: usize::try_from(self.max_handshakes).unwrap_or(usize::MAX),
            stats_interval: self.stats_interval,
            allow_low_ports: self.allow_low_ports,
            keepalive: self.keepalive,
            access: AccessList::new(self.allow.clone(), self.deny.clone()),
            tls,
            tls_handshake_timeout: self.tls_handshake_timeout,
            user: self.user.clone(),
            ..ServerSettings::default()
        })
    }

    fn tls_files(&self, listeners: &[ListenSpec]) -> anyhow::Result<Option<TlsFiles>> {
        let tls_listener = listeners.iter().find(|l| l.proto() == Proto::Tls);
        match (tls_listener, &self.tls_cert, &self.tls_key) {
            (Some(_), Some(cert), Some(key)) => Ok(Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
                client_ca: self.tls_client_ca.clone(),
            })),
            (Some(listener), _, _) => Err(exit::usage(format!(
                "{}: a TLS listener needs --tls-cert and --tls-key",
                listener.flag()
            ))),
            (None, None, None) if self.tls_client_ca.is_none() => Ok(None),
            (None, ..) => Err(exit::usage(
                "--tls-cert, --tls-key and --tls-client-ca are for --tls listeners; there is none",
            )),
        }
    }
}

/// A duration that must not be zero (a zero interval would spin).
pub fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    let duration = parse_duration(text)?;
    if duration.is_zero() {
        return Err(format!(
            "{text:?} is zero; give a positive duration such as 10s"
        ));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use proptest::prelude::*;

    fn at(text: &str) -> ListenAddr {
        ListenAddr::Addr(text.parse().unwrap())
    }

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        listen: AllListeners,
        #[command(flatten)]
        server: ServerArgs,
    }

    #[derive(Debug, Parser)]
    struct InetCli {
        #[command(flatten)]
        listen: InetListeners,
    }

    #[test]
    fn listeners_keep_the_order_given() {
        let cli = Cli::try_parse_from([
            "t",
            "--udp",
            "9",
            "--unix",
            "/tmp/a",
            "--tcp",
            "[::1]:0",
            "--udp",
            "1.2.3.4:5",
            "--tcp",
            "7",
        ])
        .unwrap();
        assert_eq!(
            cli.listen.listeners,
            vec![
                ListenSpec::Udp(at("127.0.0.1:9")),
                ListenSpec::Unix(UnixAddr::Path("/tmp/a".into())),
                ListenSpec::Tcp(at("[::1]:0")),
                ListenSpec::Udp(at("1.2.3.4:5")),
                ListenSpec::Tcp(at("127.0.0.1:7")),
            ]
        );
        assert_eq!(cli.server.threads, 1);
        assert_eq!(cli.server.drain, Duration::from_secs(2));
    }

    #[test]
    fn no_listener_flag_means_the_defaults() {
        let cli = Cli::try_parse_from(["t"]).unwrap();
        let addr = at("127.0.0.1:1");
        assert_eq!(
            cli.listen.or_loopback(1),
            vec![ListenSpec::Tcp(addr.clone()), ListenSpec::Udp(addr)]
        );
    }

    #[test]
    fn tls_flags_must_match_the_listeners() {
        let cli = Cli::try_parse_from(["t", "--tls", "0"]).unwrap();
        let err = cli
            .server
            .settings(cli.listen.listeners.clone())
            .unwrap_err();
        assert!(
            err.to_string().contains("needs --tls-cert and --tls-key"),
            "{err}"
        );
        let cli = Cli::try_parse_from(["t", "--tcp", "0", "--tls-cert", "c.pem"]).unwrap();
        let err = cli
            .server
            .settings(cli.listen.listeners.clone())
            .unwrap_err();
        assert!(err.to_string().contains("there is none"), "{err}");
        let cli =
            Cli::try_parse_from(["t", "--tls", "0", "--tls-cert", "c", "--tls-key", "k"]).unwrap();
        let settings = cli.server.settings(cli.listen.listeners.clone()).unwrap();
        assert_eq!(settings.tls.map(|t| t.cert), Some(PathBuf::from("c")));
    }

    #[test]
    fn inet_listeners_have_no_unix_flag() {
        assert!(InetCli::try_parse_from(["t", "--unix", "/tmp/x"]).is_err());
        let cli = InetCli::try_parse_from(["t", "--udp", "0", "--tcp", "0"]).unwrap();
        assert!(matches!(cli.listen.listeners[0], ListenSpec::Udp(_)));
    }

    #[test]
    fn bad_values_are_usage_errors_naming_the_flag() {
        for args in [
            vec!["t", "--tcp", "nope"],
            vec!["t", "--udp", "70000"],
            vec!["t", "--threads", "0"],
            vec!["t", "--drain", "soon"],
            vec!["t", "--stats-interval", "0s"],
            vec!["t", "--allow", "10.0.0.0/33"],
            vec!["t", "--unix-mode", "999"],
            vec!["t", "--max-handshakes", "0"],
        ] {
            let err = Cli::try_parse_from(&args).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
            assert!(err.to_string().contains(args[1]), "{args:?}: {err}");
        }
    }

    proptest! {
        #[test]
        fn listeners_come_out_in_the_order_given(
            flags in proptest::collection::vec((0u8..4, any::<u16>()), 0..12),
        ) {
            let mut argv = vec!["t".to_owned()];
            let mut expected = Vec::new();
            for (kind, port) in &flags {
                let addr = at(&format!("127.0.0.1:{port}"));
                let (flag, value, spec) = match kind {
                    0 => ("--tcp", port.to_string(), ListenSpec::Tcp(addr)),
                    1 => ("--udp", port.to_string(), ListenSpec::Udp(addr)),
                    2 => ("--tls", port.to_string(), ListenSpec::Tls(addr)),
                    _ => {
                        let path = format!("/tmp/s{port}.sock");
                        ("--unix", path.clone(), ListenSpec::Unix(UnixAddr::Path(path.into())))
                    }
                };
                argv.push(flag.to_owned());
                argv.push(value);
                expected.push(spec);
            }
            let cli = Cli::try_parse_from(&argv).unwrap();
            prop_assert_eq!(cli.listen.listeners, expected);
        }
    }
}

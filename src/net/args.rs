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

use super::listen::{ListenOptions, parse_listen_addr};
use super::server::ServerConfig;
use crate::duration::parse_duration;

/// One listener asked for on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenSpec {
    Tcp(SocketAddr),
    Udp(SocketAddr),
    Unix(PathBuf),
}

impl ListenSpec {
    /// The flag that asked for it, for error messages: `--tcp 127.0.0.1:80`.
    pub fn flag(&self) -> String {
        match self {
            ListenSpec::Tcp(addr) => format!("--tcp {addr}"),
            ListenSpec::Udp(addr) => format!("--udp {addr}"),
            ListenSpec::Unix(path) => format!("--unix {}", path.display()),
        }
    }
}

/// The listener flags, in command-line order. `UNIX` says whether `--unix PATH` is offered:
/// use [`InetListeners`] (TCP and UDP) or [`AllListeners`] (TCP, UDP and Unix stream).
#[derive(Debug, Clone, Default)]
pub struct ListenerArgs<const UNIX: bool> {
    /// Every listener flag given, in the order given; empty means "use the defaults".
    pub listeners: Vec<ListenSpec>,
}

/// `--tcp ADDR` and `--udp ADDR`.
pub type InetListeners = ListenerArgs<false>;
/// `--tcp ADDR`, `--udp ADDR` and `--unix PATH`.
pub type AllListeners = ListenerArgs<true>;

const LISTENERS: &str = "Listeners";

const ADDR_FORMS: &str =
    "ADDR is PORT (on 127.0.0.1), HOST:PORT, [IPV6]:PORT or NAME:PORT; port 0 picks a free port";

impl<const UNIX: bool> ListenerArgs<UNIX> {
    /// The listeners given, or TCP and UDP on 127.0.0.1:`port` when none was (a server binds
    /// loopback unless told otherwise).
    pub fn or_loopback(&self, port: u16) -> Vec<ListenSpec> {
        if self.listeners.is_empty() {
            let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
            vec![ListenSpec::Tcp(addr), ListenSpec::Udp(addr)]
        } else {
            self.listeners.clone()
        }
    }
}

impl<const UNIX: bool> clap::Args for ListenerArgs<UNIX> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let cmd = cmd
            .arg(
                Arg::new("tcp")
                    .long("tcp")
                    .help_heading(LISTENERS)
                    .value_name("ADDR")
                    .action(ArgAction::Append)
                    .value_parser(parse_listen_addr)
                    .help("Listen for TCP connections on ADDR (repeatable)")
                    .long_help(format!(
                        "Listen for TCP connections on ADDR (repeatable, any mix with the other \
                         listener flags). {ADDR_FORMS}."
                    )),
            )
            .arg(
                Arg::new("udp")
                    .long("udp")
                    .help_heading(LISTENERS)
                    .value_name("ADDR")
                    .action(ArgAction::Append)
                    .value_parser(parse_listen_addr)
                    .help("Listen for UDP datagrams on ADDR (repeatable)")
                    .long_help(format!(
                        "Listen for UDP datagrams on ADDR (repeatable, any mix with the other \
                         listener flags). {ADDR_FORMS}."
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
                .value_parser(clap::value_parser!(PathBuf))
                .value_hint(clap::ValueHint::FilePath)
                .help("Listen for Unix stream connections on a socket file at PATH (repeatable)")
                .long_help(
                    "Listen for Unix stream connections on a socket file at PATH (repeatable). \
                     A stale socket file (nothing listening) is replaced; a live one or a file \
                     that is not a socket is an error. The file is removed on exit.",
                ),
        )
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl<const UNIX: bool> FromArgMatches for ListenerArgs<UNIX> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut indexed: Vec<(usize, ListenSpec)> = Vec::new();
        collect(matches, "tcp", &mut indexed, |a: &SocketAddr| {
            ListenSpec::Tcp(*a)
        });
        collect(matches, "udp", &mut indexed, |a: &SocketAddr| {
            ListenSpec::Udp(*a)
        });
        if UNIX {
            collect(matches, "unix", &mut indexed, |p: &PathBuf| {
                ListenSpec::Unix(p.clone())
            });
        }
        indexed.sort_by_key(|(index, _)| *index);
        Ok(ListenerArgs {
            listeners: indexed.into_iter().map(|(_, spec)| spec).collect(),
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

    /// Most connections open at once; beyond it new ones are accepted and closed at once
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_conns: u64,

    /// Log connection, byte and datagram rates every DUR (at info level, so with -v)
    #[arg(long, value_name = "DUR", value_parser = parse_positive_duration)]
    pub stats_interval: Option<Duration>,

    /// Answer UDP datagrams from source ports below 1024 (ignored by default, like xinetd, to
    /// prevent loops with other UDP services; port 0 is always ignored)
    #[arg(long)]
    pub allow_low_ports: bool,
}

impl ServerArgs {
    /// The socket options these flags ask for. SO_REUSEPORT is left off: the server turns it
    /// on itself when it runs more than one thread.
    pub fn listen_options(&self) -> ListenOptions {
        ListenOptions {
            backlog: self.backlog,
            ipv6_only: self.ipv6_only,
            reuse_port: false,
        }
    }

    /// A server configuration with these flags, these listeners and the other settings at
    /// their defaults (the caller adjusts idle timeout, buffer limit and so on).
    pub fn config(&self, listeners: Vec<ListenSpec>) -> ServerConfig {
        ServerConfig {
            listeners,
            listen: self.listen_options(),
            threads: usize::from(self.threads),
            drain: self.drain,
            max_conns: usize::try_from(self.max_conns).unwrap_or(usize::MAX),
            stats_interval: self.stats_interval,
            allow_low_ports: self.allow_low_ports,
            ..ServerConfig::default()
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
                ListenSpec::Udp("127.0.0.1:9".parse().unwrap()),
                ListenSpec::Unix("/tmp/a".into()),
                ListenSpec::Tcp("[::1]:0".parse().unwrap()),
                ListenSpec::Udp("1.2.3.4:5".parse().unwrap()),
                ListenSpec::Tcp("127.0.0.1:7".parse().unwrap()),
            ]
        );
        assert_eq!(cli.server.threads, 1);
        assert_eq!(cli.server.drain, Duration::from_secs(2));
    }

    #[test]
    fn no_listener_flag_means_the_defaults() {
        let cli = Cli::try_parse_from(["t"]).unwrap();
        let addr = "127.0.0.1:1".parse().unwrap();
        assert_eq!(
            cli.listen.or_loopback(1),
            vec![ListenSpec::Tcp(addr), ListenSpec::Udp(addr)]
        );
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
        ] {
            let err = Cli::try_parse_from(&args).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
            assert!(err.to_string().contains(args[1]), "{args:?}: {err}");
        }
    }

    proptest! {
        #[test]
        fn listeners_come_out_in_the_order_given(
            flags in proptest::collection::vec((0u8..3, any::<u16>()), 0..12),
        ) {
            let mut argv = vec!["t".to_owned()];
            let mut expected = Vec::new();
            for (kind, port) in &flags {
                let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
                let (flag, value, spec) = match kind {
                    0 => ("--tcp", port.to_string(), ListenSpec::Tcp(addr)),
                    1 => ("--udp", port.to_string(), ListenSpec::Udp(addr)),
                    _ => {
                        let path = format!("/tmp/s{port}.sock");
                        ("--unix", path.clone(), ListenSpec::Unix(path.into()))
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

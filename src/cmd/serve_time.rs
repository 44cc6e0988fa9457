//! `tackle serve-time`: daytime (RFC 867) and time (RFC 868) servers over UDP, TCP and TLS,
//! the recipe's `UDPTimeServer` grown up: the flags become a [`TimeConfig`] and the shared
//! server core in `net::server` runs a [`TimeService`].

use crate::daytime::reply::{Format, Zone};
use crate::daytime::server::{TimeConfig, TimeService};
use crate::logging::LogFormat;
use crate::net::args::{InetListeners, ServerArgs};
use crate::net::server::run_server;
use crate::net::stats::SummaryStyle;

/// The port with no listener flag: one above serve-echo's 5566.
pub const DEFAULT_PORT: u16 = 5567;

/// The help heading of the flags that are serve-time's own.
const TIME: &str = "Time";

const EXAMPLES: &str = "\
Examples:
  tackle serve-time                      # TCP and UDP on 127.0.0.1:5567
  tackle serve-time --udp 0 --format rfc3339 --utc
  tackle serve-time --tcp 0.0.0.0:37 --udp 0.0.0.0:37 --format rfc868 --user nobody  # as root
  tackle serve-time --tls 0 --tls-cert cert.pem --tls-key key.pem
  echo | nc -u -w1 127.0.0.1 5567        # ask for the time over UDP

TCP: the reply is sent as soon as a connection is accepted (over TLS: once the handshake is
done), then the server closes it; what the client sends is ignored. UDP: every datagram (an
empty one too) gets one reply, as long as its source stays within --rate-limit. Text replies
end in CRLF; rfc868 replies are 4 bytes.";

/// Daytime (RFC 867) and time (RFC 868) servers over UDP, TCP and TLS.
///
/// With no listener flag: TCP and UDP on 127.0.0.1:5567. Prints one `listening <proto> <addr>`
/// line per listener on stdout, in the order given; SIGINT/SIGTERM stop it with a summary on
/// stderr.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    listen: InetListeners,

    /// What a reply says (text formats end in CRLF)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Ctime,
          help_heading = TIME)]
    format: Format,

    /// Write calendar fields in UTC (default: local time, from TZ or the system's zone)
    #[arg(long, help_heading = TIME)]
    utc: bool,

    /// Most UDP replies per second to one source address; beyond it datagrams are dropped and
    /// counted (0: no limit). Guards against reflection attacks with forged source addresses
    #[arg(long, value_name = "N", default_value_t = 100, help_heading = TIME)]
    rate_limit: u32,

    #[command(flatten)]
    server: ServerArgs,
}

/// Runs `tackle serve-time`; its summary line is JSON when the logs are.
pub fn run(args: Args, log_format: LogFormat) -> anyhow::Result<()> {
    let listeners = args.listen.resolve(DEFAULT_PORT)?;
    let mut settings = args.server.settings(listeners)?;
    settings.name = "serve-time";
    settings.summary = SummaryStyle {
        json: log_format == LogFormat::Json,
        ..SummaryStyle::default()
    };
    // Counts since the epoch have no zone: don't look one up (or warn about a bad TZ) for them.
    let zone = if args.utc || !args.format.uses_calendar() {
        Zone::Utc
    } else {
        Zone::local()
    };
    let service = TimeService::new(TimeConfig {
        format: args.format,
        zone,
        rate_limit: args.rate_limit,
    });
    run_server(settings, service)
}

//! `tackle serve-time`: Daytime (RFC 867) and time (RFC 868) servers over UDP and TCP.
//!
//! Not implemented yet: this module holds the command-line surface until its issue lands.

const EXAMPLES: &str = "\
Examples:
  tackle serve-time                      # TCP and UDP on 127.0.0.1:5567
  tackle serve-time --udp 0 --format rfc3339 --utc
  nc -u -w1 127.0.0.1 5567 </dev/null     # ask for the time";

/// Daytime (RFC 867) and time (RFC 868) servers over UDP and TCP.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {}

/// Runs `tackle serve-time`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    Err(crate::exit::usage("not implemented yet"))
}

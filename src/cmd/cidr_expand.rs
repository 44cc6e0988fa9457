//! `tackle cidr-expand`: Expand, count, aggregate, split and exclude IPv4/IPv6 networks.
//!
//! Not implemented yet: this module holds the command-line surface until its issue lands.

const EXAMPLES: &str = "\
Examples:
  tackle cidr-expand 123.45.67.64/27
  tackle cidr-expand --count 2001:db8::/64
  tackle cidr-expand --aggregate < networks.txt";

/// Expand, count, aggregate, split and exclude IPv4/IPv6 networks.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {}

/// Runs `tackle cidr-expand`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    Err(crate::exit::usage("not implemented yet"))
}

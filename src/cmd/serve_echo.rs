//! `tackle serve-echo`: TCP, UDP and Unix-socket echo servers in one event loop.
//!
//! Not implemented yet: this module holds the command-line surface until its issue lands.

const EXAMPLES: &str = "\
Examples:
  tackle serve-echo                      # TCP and UDP on 127.0.0.1:5566
  tackle serve-echo --tcp 0 --unix /tmp/echo.sock
  printf hi | nc -N 127.0.0.1 5566       # talk to it";

/// TCP, UDP and Unix-socket echo servers in one event loop.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {}

/// Runs `tackle serve-echo`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    Err(crate::exit::usage("not implemented yet"))
}

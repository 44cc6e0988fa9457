//! `tackle run-cmd`: Run a command with timeout, input, capture and a checked exit.
//!
//! Not implemented yet: this module holds the command-line surface until its issue lands.

const EXAMPLES: &str = "\
Examples:
  tackle run-cmd --timeout 10s -- make test
  tackle run-cmd --json -- ls -l /
  tackle run-cmd --shell 'du -sh {}' --arg '/dev/null; ls' ";

/// Run a command with timeout, input, capture and a checked exit.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {}

/// Runs `tackle run-cmd`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    Err(crate::exit::usage("not implemented yet"))
}

//! `tackle sendmail`: Compose and send mail over SMTP, STARTTLS or implicit TLS.
//!
//! Not implemented yet: this module holds the command-line surface until its issue lands.

const EXAMPLES: &str = "\
Examples:
  tackle sendmail --from me@example.org --to you@example.org --subject hi --body hello --dry-run
  tackle sendmail --server smtp.example.org --user me --password-file ~/.smtp-pass --to you@example.org < body.txt
  tackle sendmail -t < message.eml";

/// Compose and send mail over SMTP, STARTTLS or implicit TLS.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {}

/// Runs `tackle sendmail`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    Err(crate::exit::usage("not implemented yet"))
}

//! `tackle csv-convert`: Convert CSV in any dialect to CSV, TSV, JSON and JSON Lines and back.
//!
//! Not implemented yet: this module holds the command-line surface until its issue lands.

const EXAMPLES: &str = "\
Examples:
  tackle csv-convert data.csv --to jsonl
  tackle csv-convert - --from json --to csv < rows.json
  tackle csv-convert in.csv -o out.tsv --quoting all";

/// Convert CSV in any dialect to CSV, TSV, JSON and JSON Lines and back.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {}

/// Runs `tackle csv-convert`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    Err(crate::exit::usage("not implemented yet"))
}

//! The command line: global flags and the subcommand enum. Each subcommand's flags live in
//! its own module under `cmd/`; this file only stitches them together.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cmd;

const EXIT_STATUS_HELP: &str = "\
Exit status:
  0    success
  1    runtime failure (I/O, network, bad input data)
  2    usage error (bad flags or arguments; sendmail uses 64 and run-cmd 125 instead)
  Subcommands may define more: sendmail uses sysexits.h codes (64-78), run-cmd mirrors its
  child (124 timeout, 125 tackle failed, 126 not executable, 127 not found, 128+N signal N).

Environment:
  TACKLE_LOG   a log filter such as `debug` or `tackle::net=trace,info`; overrides -v/-q";

/// One binary for socket servers, CIDR expansion, CSV conversion, mail and subprocesses.
#[derive(Debug, Parser)]
#[command(
    name = "tackle",
    version,
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true,
    after_help = EXIT_STATUS_HELP,
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand accepts.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Log more: -v info, -vv debug, -vvv trace (logs go to stderr)
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Log errors only
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Log line format on stderr
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `time - [LEVEL] [thread] (module:line) message`
    Text,
    /// One JSON object per line
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// TCP, UDP and Unix-socket echo servers in one event loop
    ServeEcho(cmd::serve_echo::Args),
    /// Daytime (RFC 867) and time (RFC 868) servers over UDP and TCP
    ServeTime(cmd::serve_time::Args),
    /// Expand, count, aggregate, split and exclude IPv4/IPv6 networks
    CidrExpand(cmd::cidr_expand::Args),
    /// Convert CSV in any dialect to CSV, TSV, JSON and JSON Lines and back
    CsvConvert(cmd::csv_convert::Args),
    /// Compose and send mail over SMTP, STARTTLS or implicit TLS
    Sendmail(cmd::sendmail::Args),
    /// Run a command with timeout, input, capture and a checked exit
    RunCmd(cmd::run_cmd::Args),
    /// Write shell completions and man pages into DIR (for maintainers)
    #[command(hide = true)]
    Generate(crate::generate::Args),
}

impl Command {
    /// The subcommand's name as typed on the command line, used to prefix error messages.
    pub fn name(&self) -> &'static str {
        match self {
            Command::ServeEcho(_) => "serve-echo",
            Command::ServeTime(_) => "serve-time",
            Command::CidrExpand(_) => "cidr-expand",
            Command::CsvConvert(_) => "csv-convert",
            Command::Sendmail(_) => "sendmail",
            Command::RunCmd(_) => "run-cmd",
            Command::Generate(_) => "generate",
        }
    }

    /// Runs the chosen subcommand.
    pub fn run(self) -> anyhow::Result<()> {
        match self {
            Command::ServeEcho(args) => cmd::serve_echo::run(args),
            Command::ServeTime(args) => cmd::serve_time::run(args),
            Command::CidrExpand(args) => cmd::cidr_expand::run(args),
            Command::CsvConvert(args) => cmd::csv_convert::run(args),
            Command::Sendmail(args) => cmd::sendmail::run(args),
            Command::RunCmd(args) => cmd::run_cmd::run(args),
            Command::Generate(args) => crate::generate::run(args),
        }
    }
}

/// The exit status for a usage error in subcommand `name`: sendmail follows sysexits.h (64,
/// as msmtp does) and run-cmd follows coreutils `timeout` (125: the wrapper itself failed);
/// everything else uses 2.
pub fn usage_status(name: Option<&str>) -> i32 {
    match name {
        Some("sendmail") => 64,
        Some("run-cmd") => 125,
        _ => crate::exit::USAGE,
    }
}

/// The subcommand named in a command line that failed to parse, found by a lenient re-parse.
pub fn subcommand_named_in(args: &[std::ffi::OsString]) -> Option<&'static str> {
    let matches = command()
        .ignore_errors(true)
        .try_get_matches_from(args)
        .ok()?;
    let name = matches.subcommand_name()?;
    ["sendmail", "run-cmd"]
        .into_iter()
        .find(|known| *known == name)
}

/// The clap definition as a `clap::Command`, for generating completions and man pages.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

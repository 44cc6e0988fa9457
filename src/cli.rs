//! The command line: global flags and the subcommand enum. Each subcommand's flags live in
//! its own module under `cmd/`; this file only stitches them together.

use std::ffi::OsString;

use clap::{Args, Parser, Subcommand};

use crate::cmd;
use crate::exit;
use crate::logging::{self, LogFormat};

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

impl GlobalArgs {
    /// The logging settings these flags ask for.
    pub fn log_settings(&self) -> logging::Settings {
        logging::Settings {
            verbose: self.verbose,
            quiet: self.quiet,
            format: self.log_format,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// TCP, UDP and Unix-socket echo servers in one event loop
    ServeEcho(cmd::serve_echo::Args),
    /// Daytime (RFC 867) and time (RFC 868) servers over UDP and TCP
    ServeTime(cmd::serve_time::Args),
    /// Expand, count, aggregate, split and exclude IPv4/IPv6 networks
    CidrExpand(Box<cmd::cidr_expand::Args>),
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
            Command::CidrExpand(args) => cmd::cidr_expand::run(*args),
            Command::CsvConvert(args) => cmd::csv_convert::run(args),
            Command::Sendmail(args) => cmd::sendmail::run(args),
            Command::RunCmd(args) => cmd::run_cmd::run(args),
            Command::Generate(args) => crate::generate::run(args),
        }
    }
}

/// The exit status for a usage error in this command line: sendmail follows sysexits.h (64,
/// as msmtp does) and run-cmd follows coreutils `timeout` (125: the wrapper itself failed);
/// everything else uses 2. The subcommand is found by a lenient re-parse.
pub fn usage_status_of(args: &[OsString]) -> i32 {
    let matches = command().ignore_errors(true).try_get_matches_from(args);
    match matches.as_ref().ok().and_then(|m| m.subcommand_name()) {
        Some("sendmail") => crate::mail::sysexits::USAGE,
        Some("run-cmd") => crate::process::spawn::TACKLE_FAILED,
        _ => exit::USAGE,
    }
}

/// Parses the command line as [`Cli`] does. `tackle run-cmd ...` is first tried against
/// run-cmd's flags alone, without building the other subcommands' (about a quarter of a
/// millisecond, a tenth of what running `true` under run-cmd costs); whatever that parser
/// refuses (help, version, every error) goes to the whole [`Cli`], so messages stay the same.
pub fn parse(args: &[OsString]) -> Result<Cli, clap::Error> {
    if args.get(1).is_some_and(|a| a == "run-cmd") {
        let run_cmd_args = args[..1].iter().chain(&args[2..]);
        if let Ok(line) = RunCmdLine::try_parse_from(run_cmd_args) {
            return Ok(Cli {
                global: line.global,
                command: Command::RunCmd(line.args),
            });
        }
    }
    Cli::try_parse_from(args)
}

/// `tackle run-cmd`'s flags, as [`parse`] tries them first.
#[derive(Debug, Parser)]
#[command(name = "tackle run-cmd")]
struct RunCmdLine {
    #[command(flatten)]
    global: GlobalArgs,

    #[command(flatten)]
    args: cmd::run_cmd::Args,
}

/// Prints a clap parse outcome (help, version or a usage error) and exits: 0 for help and
/// version, otherwise the usage status of the subcommand that was being parsed (see
/// [`usage_status_of`]). A closed stdout while printing help is not worth reporting.
pub fn exit_on_parse_error(err: clap::Error, args: &[OsString]) -> ! {
    let _ = err.print();
    let status = match err.exit_code() {
        exit::USAGE => usage_status_of(args),
        other => other,
    };
    std::process::exit(status);
}

/// The clap definition as a `clap::Command`, for generating completions and man pages.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Pieces of a `run-cmd` command line: every flag, good and bad values, global flags,
    /// the `--` separator and words that look like flags after it.
    fn token() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "--",
            "true",
            "echo",
            "-n",
            "--shell",
            "echo {}",
            "--arg",
            "a b",
            "--timeout",
            "1s",
            "0",
            "-1",
            "--signal",
            "KILL",
            "NOPE",
            "--kill-after",
            "2s",
            "--preserve-status",
            "--input",
            "text",
            "--input-file",
            "/dev/null",
            "--no-stdin",
            "--json",
            "--binary",
            "--max-output",
            "1K",
            "--quiet-unless-failed",
            "--merge-stderr",
            "--check",
            "--cwd",
            "/",
            "--env",
            "K=V",
            "--clear-env",
            "--retries",
            "2",
            "--retry-delay",
            "--retry-on",
            "3",
            "-v",
            "-vv",
            "-q",
            "--log-format",
            "json",
            "--help",
            "--version",
            "-x",
            "--unknown",
            "run-cmd",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// `parse` takes a short cut for run-cmd; it must accept exactly what the whole
        /// command line accepts, with the same values.
        #[test]
        fn the_run_cmd_short_cut_agrees_with_the_whole_parser(
            tokens in proptest::collection::vec(token(), 0..8),
        ) {
            let args: Vec<OsString> = ["tackle", "run-cmd"]
                .into_iter()
                .chain(tokens)
                .map(OsString::from)
                .collect();
            let short = parse(&args).map(|cli| format!("{cli:?}"));
            let whole = Cli::try_parse_from(&args).map(|cli| format!("{cli:?}"));
            prop_assert_eq!(
                short.map_err(|e| e.to_string()),
                whole.map_err(|e| e.to_string())
            );
        }
    }
}

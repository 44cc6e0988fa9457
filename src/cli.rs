//! The command line: global flags and the subcommand enum. Each subcommand's flags live in
//! its own module under `cmd/`; this file only stitches them together.

use std::ffi::OsString;
use std::io::Write;

use clap::{ArgAction, Args, Parser, Subcommand};

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

/// The heading under which every help page lists the flags all subcommands share, last.
const GLOBAL_OPTIONS: &str = "Global options";

/// One binary for socket servers, CIDR expansion, CSV conversion, mail and subprocesses.
#[derive(Debug, Parser)]
#[command(
    name = "tackle",
    version,
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true,
    disable_help_flag = true,
    disable_version_flag = true,
    after_help = EXIT_STATUS_HELP,
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand accepts. Each help page lists them under one heading, after the
/// subcommand's own flags; `--help` and `--version` are declared here (clap's built-in ones
/// would stay under "Options", first) so that they join them.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = GLOBAL_OPTIONS)]
pub struct GlobalArgs {
    /// Log more: -v info, -vv debug, -vvv trace (logs go to stderr)
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Log errors only
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Log line format on stderr
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    #[arg(short, long, action = ArgAction::Help, global = true,
          help = "Print help (see more with '--help')",
          long_help = "Print help (see a summary with '-h')")]
    help: Option<bool>,

    /// Print version
    #[arg(short = 'V', long, action = ArgAction::Version, global = true)]
    version: Option<bool>,
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
    /// Connect to a server (nc-style) over TCP, TLS, UDP or Unix, with the HMAC handshake
    Connect(Box<cmd::connect::Args>),
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
            Command::Connect(_) => "connect",
            Command::Generate(_) => "generate",
        }
    }

    /// Runs the chosen subcommand; `log_format` is the one logging was set up with (a
    /// server's summary line takes the same format).
    pub fn run(self, log_format: LogFormat) -> anyhow::Result<()> {
        match self {
            Command::ServeEcho(args) => cmd::serve_echo::run(args, log_format),
            Command::ServeTime(args) => cmd::serve_time::run(args, log_format),
            Command::CidrExpand(args) => cmd::cidr_expand::run(*args),
            Command::CsvConvert(args) => cmd::csv_convert::run(args),
            Command::Sendmail(args) => cmd::sendmail::run(args),
            Command::RunCmd(args) => cmd::run_cmd::run(args),
            Command::Connect(args) => cmd::connect::run(*args),
            Command::Generate(args) => crate::generate::run(args),
        }
    }
}

/// The exit status for a usage error in this command line: sendmail follows sysexits.h (64,
/// as msmtp does) and run-cmd follows coreutils `timeout` (125: the wrapper itself failed);
/// everything else uses 2.
pub fn usage_status_of(args: &[OsString]) -> i32 {
    usage_status(subcommand_of(args).as_deref())
}

fn usage_status(subcommand: Option<&str>) -> i32 {
    match subcommand {
        Some("sendmail") => crate::mail::sysexits::USAGE,
        Some("run-cmd") => crate::process::spawn::TACKLE_FAILED,
        _ => exit::USAGE,
    }
}

/// The subcommand this command line names, found by a lenient re-parse (so also when the
/// line does not parse).
fn subcommand_of(args: &[OsString]) -> Option<String> {
    let matches = command().ignore_errors(true).try_get_matches_from(args);
    matches.ok()?.subcommand_name().map(str::to_owned)
}

/// The command line as tackle parses it: invoked under the name `sendmail` (a symlink
/// `/usr/sbin/sendmail -> tackle`, busybox style), tackle behaves as `tackle sendmail`, so
/// `sendmail -t -i` becomes `tackle sendmail -t -i`. Any other name leaves `args` as they are.
pub fn with_personality(mut args: Vec<OsString>) -> Vec<OsString> {
    let invoked_as = args
        .first()
        .and_then(|arg0| std::path::Path::new(arg0).file_name())
        .map(|name| name.to_owned());
    if invoked_as.is_some_and(|name| name == "sendmail") {
        args.insert(1, OsString::from("sendmail"));
    }
    args
}

/// Parses the command line as [`Cli`] does. `tackle run-cmd ...` and `tackle connect ...`
/// are first tried against that subcommand's flags alone, without building the other
/// subcommands' (about a quarter of a millisecond, a tenth of what running `true` under
/// run-cmd costs, and as much of connect's start-up); whatever that parser refuses (help,
/// version, every error) goes to the whole [`Cli`], so messages stay the same.
pub fn parse(args: &[OsString]) -> Result<Cli, clap::Error> {
    let alone = match args.get(1).and_then(|a| a.to_str()) {
        Some("run-cmd") => parse_alone(args, Command::RunCmd),
        Some("connect") => parse_alone(args, |a| Command::Connect(Box::new(a))),
        _ => None,
    };
    alone.map_or_else(|| Cli::try_parse_from(args), Ok)
}

/// `tackle SUBCOMMAND ARGS...` parsed against that subcommand's flags `A` alone (and the
/// global ones), made into `command`; `None` for anything that parser refuses.
fn parse_alone<A: Args>(args: &[OsString], command: impl FnOnce(A) -> Command) -> Option<Cli> {
    let line = SubcommandLine::<A>::try_parse_from(args[..1].iter().chain(&args[2..])).ok()?;
    Some(Cli {
        global: line.global,
        command: command(line.args),
    })
}

/// One subcommand's flags and the global ones, as [`parse`] tries them first.
#[derive(Debug, Parser)]
#[command(
    name = "tackle",
    version,
    disable_help_flag = true,
    disable_version_flag = true
)]
struct SubcommandLine<A: Args> {
    #[command(flatten)]
    global: GlobalArgs,

    #[command(flatten)]
    args: A,
}

/// Prints a clap parse outcome and exits. Help and version go to stdout with status 0 (a
/// closed stdout is not worth reporting; a full disk is, status 1). A usage error is printed in the shape of every other
/// error, `tackle: <subcommand>: <what>`, followed by the subcommand's usage and where to read
/// more (see [`usage_error_text`]), and exits with the subcommand's usage status (see
/// [`usage_status_of`]). `tackle` alone prints its whole help on stderr, as a usage error.
pub fn exit_on_parse_error(err: clap::Error, args: &[OsString]) -> ! {
    use clap::error::ErrorKind;
    let status = match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => match err.print() {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                let _ = writeln!(
                    std::io::stderr(),
                    "tackle: cannot write to stdout: {}",
                    exit::system_words(&e)
                );
                exit::FAILURE
            }
            _ => exit::SUCCESS,
        },
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            usage_status_of(args)
        }
        _ => {
            let subcommand = subcommand_of(args);
            let text = usage_error_text(subcommand.as_deref(), &err);
            let _ = std::io::stderr().write_all(text.as_bytes());
            usage_status(subcommand.as_deref())
        }
    };
    std::process::exit(status);
}

/// A clap parse error as tackle prints it:
///
/// ```text
/// tackle: cidr-expand: unexpected argument '--host' found; a similar argument exists: '--hosts'
/// Usage: tackle cidr-expand [OPTIONS] [ENTRY]...
/// Try 'tackle cidr-expand --help' for more information.
/// ```
///
/// The first line is clap's message with its tips, on one line; the usage is the
/// subcommand's whole usage (clap's error shows only the flags already given).
pub fn usage_error_text(subcommand: Option<&str>, err: &clap::Error) -> String {
    let message = one_line_message(&err.render().to_string());
    let (prefix, help) = match subcommand {
        Some(name) => (format!("tackle: {name}: "), format!("tackle {name} --help")),
        None => ("tackle: ".to_owned(), "tackle --help".to_owned()),
    };
    let usage = usage_of(subcommand);
    format!(
        "{prefix}{message}\n{}\nTry '{help}' for more information.\n",
        usage.trim_end()
    )
}

/// Clap's rendered error (`error: MESSAGE`, indented continuation lines, a blank line,
/// `tip: ...` lines, the usage, a pointer to `--help`) reduced to its message and tips on one
/// line. A message that ends in a colon introduces a list (the missing arguments), which is
/// joined with commas.
fn one_line_message(rendered: &str) -> String {
    let mut lines = rendered.lines();
    let first = lines.next().unwrap_or_default();
    let mut message = first.strip_prefix("error: ").unwrap_or(first).to_owned();
    let introduces_list = message.ends_with(':');
    let continuations = lines.by_ref().take_while(|line| !line.trim().is_empty());
    for (index, line) in continuations.enumerate() {
        let separator = if introduces_list && index > 0 {
            ", "
        } else {
            " "
        };
        message.push_str(separator);
        message.push_str(line.trim());
    }
    for tip in lines.filter_map(|line| line.trim().strip_prefix("tip: ")) {
        message.push_str("; ");
        message.push_str(tip);
    }
    message
}

/// `Usage: tackle <subcommand> ...` (or tackle's own usage), as the help page shows it.
fn usage_of(subcommand: Option<&str>) -> String {
    let mut top = command();
    top.build();
    match subcommand.and_then(|name| top.find_subcommand_mut(name)) {
        Some(sub) => sub.render_usage().to_string(),
        None => top.render_usage().to_string(),
    }
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
            "--retry-jitter",
            "--deadline",
            "--foreground",
            "--tee",
            "--timestamps",
            "--fail-on-stderr",
            "--rlimit",
            "nofile=8",
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

    #[test]
    fn clap_errors_become_one_line_with_their_tips() {
        let rendered = "error: the following required arguments were not provided:\n  \
                        --from <ADDR>\n  --to <ADDR>\n\n  tip: try this\n  tip: or that\n\n\
                        Usage: tackle sendmail [OPTIONS]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line_message(rendered),
            "the following required arguments were not provided: --from <ADDR>, --to <ADDR>; \
             try this; or that"
        );
        let rendered =
            "error: invalid value 'xml' for '--to <TO>'\n  [possible values: csv, tsv]\n";
        assert_eq!(
            one_line_message(rendered),
            "invalid value 'xml' for '--to <TO>' [possible values: csv, tsv]"
        );
    }

    #[test]
    fn a_parse_error_names_the_subcommand_its_usage_and_its_help() {
        let args: Vec<OsString> = ["tackle", "cidr-expand", "--limit", "x"]
            .into_iter()
            .map(OsString::from)
            .collect();
        let err = parse(&args).expect_err("a bad --limit");
        assert_eq!(
            usage_error_text(subcommand_of(&args).as_deref(), &err),
            "tackle: cidr-expand: invalid value 'x' for '--limit <N>': invalid digit found in \
             string\nUsage: tackle cidr-expand [OPTIONS] [ENTRY]...\n\
             Try 'tackle cidr-expand --help' for more information.\n"
        );
        assert_eq!(usage_status_of(&args), exit::USAGE);
    }

    /// Whether `parse` and the whole parser agree on `tackle SUBCOMMAND TOKENS...`.
    fn short_cut_agrees(subcommand: &str, tokens: Vec<&str>) -> Result<(), TestCaseError> {
        let args: Vec<OsString> = ["tackle", subcommand]
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
        Ok(())
    }

    /// Pieces of a `connect` command line: its flags, good and bad values, positionals.
    fn connect_token() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "127.0.0.1:7",
            "localhost",
            "7",
            "0",
            "[::1]:7",
            "--udp",
            "--tls",
            "--unix",
            "/tmp/x.sock",
            "-4",
            "-6",
            "--source",
            "10.0.0.1",
            "--timeout",
            "--wait",
            "1s",
            "soon",
            "--no-shutdown",
            "-z",
            "--zero",
            "--sni",
            "--ca-file",
            "--tls-fingerprint",
            "--tls-insecure",
            "--tls-cert",
            "--tls-key",
            "--auth-key-file",
            "--auth-key-env",
            "KEY",
            "--allow-readable-secrets",
            "--datagram-stdin",
            "--hex",
            "--broadcast",
            "--show-peer",
            "--time",
            "--format",
            "rfc868",
            "xml",
            "--utc",
            "--json",
            "-v",
            "-q",
            "--log-format",
            "json",
            "--help",
            "--version",
            "--",
            "--unknown",
            "connect",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// `parse` takes a short cut for run-cmd and connect; it must accept exactly what
        /// the whole command line accepts, with the same values.
        #[test]
        fn the_run_cmd_short_cut_agrees_with_the_whole_parser(
            tokens in proptest::collection::vec(token(), 0..8),
        ) {
            short_cut_agrees("run-cmd", tokens)?;
        }

        #[test]
        fn the_connect_short_cut_agrees_with_the_whole_parser(
            tokens in proptest::collection::vec(connect_token(), 0..8),
        ) {
            short_cut_agrees("connect", tokens)?;
        }
    }
}

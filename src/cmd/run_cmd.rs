//! `tackle run-cmd`: run a command with a timeout, input, capture and a checked exit; the
//! recipe's `subprocess.call`/`check_call`/`check_output`, coreutils `timeout` and moreutils
//! `chronic` in one. This file turns the flags into a [`process::Config`]; the work is done in
//! [`crate::process`].

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use crate::duration::parse_duration;
use crate::exit;
use crate::process::rlimit::{Limit, parse_rlimits};
use crate::process::signal::parse_signal;
use crate::process::spawn::TACKLE_FAILED;
use crate::process::{self, Config, Input, OutputMode, Retry, template};
use crate::size::parse_memory_size;

const EXAMPLES: &str = "\
Examples:
  tackle run-cmd --timeout 10s -- make test
  tackle run-cmd --json --input 'when in the course of fooman events' -- sed -e s/foo/bar/
  tackle run-cmd --quiet-unless-failed --retries 3 --check -- ./backup.sh
  tackle run-cmd --shell 'du -sh \"{}\"' --arg '/dev/null; ls -l /tmp'

Exit status (as coreutils timeout):
  N        the command's own exit status (1 under --fail-on-stderr if it wrote to stderr)
  124      the command timed out or reached --deadline (unless --preserve-status)
  125      tackle run-cmd itself failed (unknown flag, bad --timeout, --cwd, --env, template)
  126      the command was found but could not be run
  127      the command was not found
  128+N    the command was killed by signal N: tackle dies of the same signal";

/// Run a command with timeout, input, capture and a checked exit.
///
/// The argv runs directly, without a shell, in its own process group (at an interactive
/// prompt, that group gets the terminal). Output and stdin are inherited unless a flag says
/// otherwise. SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to tackle are passed on to the command
/// and start the --kill-after clock; SIGUSR1, SIGUSR2 and SIGWINCH are passed on; SIGALRM is a
/// timeout. When the command is killed by a signal, tackle dies of the same signal.
#[derive(Debug, clap::Args)]
#[command(
    after_help = EXAMPLES,
    override_usage = "tackle run-cmd [OPTIONS] -- PROGRAM [ARGS]...\n       \
                      tackle run-cmd [OPTIONS] --shell TEMPLATE [--arg VALUE]..."
)]
pub struct Args {
    // Boxed: the flags are many, and the subcommand enum holds every subcommand's Args inline.
    #[command(flatten)]
    options: Box<Options>,

    /// The program and its arguments
    #[arg(
        value_name = "PROGRAM",
        trailing_var_arg = true,
        required_unless_present = "shell"
    )]
    command: Vec<OsString>,
}

/// Every flag of `run-cmd`.
#[derive(Debug, clap::Args)]
struct Options {
    /// Run `/bin/sh -c TEMPLATE`; `{}` (next) or `{1}`, `{2}` (numbered) in it stand for the
    /// --arg values, passed to the shell as data ("$1", "$2"), safe in any quoting; `{{}}` is a
    /// literal `{}`
    #[arg(
        long,
        value_name = "TEMPLATE",
        conflicts_with = "command",
        allow_hyphen_values = true
    )]
    shell: Option<OsString>,

    /// A value for the --shell template (repeatable); never read as shell code
    #[arg(
        long = "arg",
        value_name = "VALUE",
        requires = "shell",
        allow_hyphen_values = true
    )]
    args: Vec<OsString>,

    /// Stop the command after this long (e.g. 30s, 1m30s, 1.5, 1e3, inf; 0 means never): send
    /// --signal to its process group
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    timeout: Option<Duration>,

    /// The signal sent on timeout: a name (TERM, INT, KILL, RTMIN+2, ...) or a number; 0 (or
    /// EXIT) sends none and leaves the end to --kill-after
    #[arg(long, value_name = "SIG", default_value = "TERM", value_parser = parse_signal)]
    signal: libc::c_int,

    /// After the timeout signal (or a signal passed on), wait this long, then SIGKILL the
    /// command; 0 never kills
    #[arg(long, value_name = "DUR", default_value = "5s", value_parser = parse_duration)]
    kill_after: Duration,

    /// The total time for all attempts and the waits between them: past it, the attempt
    /// running is stopped as by --timeout and no retry follows
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    deadline: Option<Duration>,

    /// Run the command in tackle's process group, as `timeout --foreground`: it may read the
    /// terminal and gets its signals; a timeout signals only the command, not its children
    #[arg(long)]
    foreground: bool,

    /// Exit with the command's status even when it timed out, instead of 124
    #[arg(long)]
    preserve_status: bool,

    /// Write TEXT to the command's stdin (concurrently with reading its output), then close it
    /// (the kernel limits one argument to 128 KiB: use --input-file beyond)
    #[arg(long, value_name = "TEXT", group = "stdin", allow_hyphen_values = true)]
    input: Option<OsString>,

    /// Give FILE to the command as its stdin (reopened for each retry)
    #[arg(long, value_name = "FILE", group = "stdin", allow_hyphen_values = true)]
    input_file: Option<PathBuf>,

    /// Give the command /dev/null as its stdin
    #[arg(long, group = "stdin")]
    no_stdin: bool,

    /// Capture stdout and stderr and print one JSON report when the command ends
    #[arg(long, conflicts_with = "quiet_unless_failed")]
    json: bool,

    /// With --json: base64-encode a stream that is not valid UTF-8
    #[arg(long, requires = "json")]
    binary: bool,

    /// Bytes of each stream kept in memory (e.g. 64M, 1G): --json drops and notes the rest,
    /// --quiet-unless-failed spills the rest to a temporary file
    #[arg(long, value_name = "BYTES", default_value = "64M", value_parser = parse_memory_size)]
    max_output: usize,

    /// Hold stdout and stderr and print them only if the command fails or times out
    #[arg(long)]
    quiet_unless_failed: bool,

    /// Send the command's stderr into its stdout, in the order written (in every mode)
    #[arg(long)]
    merge_stderr: bool,

    /// Also copy everything the command writes (stdout and stderr, as it arrives) to FILE,
    /// whether it is shown, held or captured; all attempts go in
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    tee: Option<PathBuf>,

    /// Start each line of the command's output with the time since the start, `[   1.234s] `
    #[arg(long)]
    timestamps: bool,

    /// Count output on stderr as a failure (status 1 when the command exited 0), like
    /// `chronic -e`
    #[arg(long, conflicts_with = "merge_stderr")]
    fail_on_stderr: bool,

    /// On failure, print why: `CMD: exited with status N`, `killed by SIG...` or `timed out`
    /// (with the last 10 lines of stderr under --json)
    #[arg(long)]
    check: bool,

    /// Run the command in DIR
    #[arg(long, value_name = "DIR", allow_hyphen_values = true)]
    cwd: Option<PathBuf>,

    /// Set an environment variable for the command (repeatable)
    #[arg(long, value_name = "K=V", allow_hyphen_values = true)]
    env: Vec<OsString>,

    /// Start the command with an empty environment (plus any --env)
    #[arg(long)]
    clear_env: bool,

    /// Resource limits for the command (repeatable): cpu=SECS, as=SIZE, nofile=N, core=0,
    /// also data, fsize, memlock, nproc, stack; SOFT:HARD or unlimited
    #[arg(long, value_name = "NAME=VALUE,...", value_parser = parse_rlimits)]
    rlimit: Vec<Vec<Limit>>,

    /// Run the command again, up to N more times, while it fails
    #[arg(long, value_name = "N", default_value_t = 0)]
    retries: u32,

    /// Wait this long before the first retry; the wait doubles after each retry
    #[arg(long, value_name = "DUR", default_value = "1s", value_parser = parse_duration)]
    retry_delay: Duration,

    /// The longest wait between retries
    #[arg(long, value_name = "DUR", default_value = "1m", value_parser = parse_duration)]
    retry_max_delay: Duration,

    /// Wait a random time between half and all of each retry delay, so that many clients
    /// retrying at once spread out
    #[arg(long, requires = "retries")]
    retry_jitter: bool,

    /// Retry only when the exit status is CODE (repeatable; 124 means a timeout)
    #[arg(long, value_name = "CODE", requires = "retries")]
    retry_on: Vec<i32>,
}

/// Runs `tackle run-cmd`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let config = config_from(args).map_err(|message| exit::failure(TACKLE_FAILED, message))?;
    process::run(&config)
}

/// Validates the flags clap cannot check on its own. Failures are tackle's own (status 125).
fn config_from(Args { options, command }: Args) -> Result<Config, String> {
    let args = *options;
    let (argv, display) = match &args.shell {
        Some(template) => {
            let argv = template::shell_argv(template, &args.args)?;
            let display = template::display_argv(&argv);
            (argv, display)
        }
        None => {
            let display = template::display_argv(&command);
            (command, display)
        }
    };
    let env = args
        .env
        .iter()
        .map(split_env)
        .collect::<Result<Vec<_>, _>>()?;
    let input = if let Some(text) = args.input {
        Input::Bytes(Rc::from(text.into_encoded_bytes()))
    } else if let Some(path) = args.input_file {
        if path.as_os_str() == "-" {
            Input::Inherit
        } else {
            Input::File(path)
        }
    } else if args.no_stdin {
        Input::Null
    } else {
        Input::Inherit
    };
    let output = if args.json {
        OutputMode::Json {
            binary: args.binary,
        }
    } else if args.quiet_unless_failed {
        OutputMode::QuietUnlessFailed
    } else {
        OutputMode::Inherit
    };
    // As with coreutils `timeout`, 0 means none; anything positive is a limit.
    let nonzero = |d: Duration| (!d.is_zero()).then_some(d);
    Ok(Config {
        argv,
        display,
        cwd: args.cwd,
        env,
        clear_env: args.clear_env,
        input,
        output,
        merge_stderr: args.merge_stderr,
        max_output: args.max_output,
        timeout: args.timeout.and_then(nonzero),
        signal: args.signal,
        kill_after: nonzero(args.kill_after),
        deadline: args.deadline.and_then(nonzero),
        check: args.check,
        preserve_status: args.preserve_status,
        foreground: args.foreground,
        tee: args.tee,
        timestamps: args.timestamps,
        fail_on_stderr: args.fail_on_stderr,
        rlimits: args.rlimit.into_iter().flatten().collect(),
        retry: Retry {
            retries: args.retries,
            delay: args.retry_delay,
            max_delay: args.retry_max_delay,
            jitter: args.retry_jitter,
            on: args.retry_on,
        },
    })
}

/// `K=V` into its two halves; the name must be non-empty.
fn split_env(pair: &OsString) -> Result<(OsString, OsString), String> {
    let bytes = pair.as_bytes();
    match bytes.iter().position(|&b| b == b'=') {
        Some(eq) if eq > 0 => Ok((
            OsStr::from_bytes(&bytes[..eq]).to_owned(),
            OsStr::from_bytes(&bytes[eq + 1..]).to_owned(),
        )),
        _ => Err(format!(
            "--env {:?}: expected NAME=VALUE",
            pair.to_string_lossy()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn env_pairs_split_at_the_first_equals_sign() {
        let split = |s: &str| split_env(&OsString::from(s));
        assert_eq!(split("A=b=c"), Ok(("A".into(), "b=c".into())));
        assert_eq!(split("EMPTY="), Ok(("EMPTY".into(), "".into())));
        assert!(split("=value").is_err());
        assert!(split("NOEQUALS").is_err());
    }

    proptest! {
        #[test]
        fn env_pairs_round_trip(key in "[^=\u{0}]{1,10}", value in "[^\u{0}]{0,10}") {
            let pair = OsString::from(format!("{key}={value}"));
            prop_assert_eq!(split_env(&pair), Ok((key.into(), value.into())));
        }
    }
}

//! Running a command the way `tackle run-cmd` does: the recipe's `subprocess.call`,
//! `check_call`, `check_output` and `Popen.communicate`, with coreutils `timeout`'s process-group
//! timeout and exit statuses, and moreutils `chronic`'s quiet-unless-failed.
//!
//! [`run`] takes a validated [`Config`], runs the command (again, under `--retries`) with
//! [`supervise::run_once`] on the shared reactor, and turns the last run into output and an exit
//! status ([`report`]). Inherited stdout/stderr (the default) cost nothing: the child gets our
//! file descriptors and the reactor only waits for the exit, the timeout and signals.

pub mod capture;
pub mod json_string;
pub mod report;
pub mod signal;
pub mod spawn;
pub mod supervise;
pub mod template;

use std::cell::RefCell;
use std::ffi::OsString;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use signal_hook_mio::v1_0::Signals;

/// Where the child's stdin comes from.
#[derive(Debug, Clone)]
pub enum Input {
    /// tackle's own stdin.
    Inherit,
    /// `/dev/null` (`--no-stdin`).
    Null,
    /// These bytes, written through a pipe while the output is read (`--input`).
    Bytes(Rc<[u8]>),
    /// This file, opened afresh for each attempt and given to the child as is (`--input-file`).
    File(PathBuf),
}

/// What happens to the child's stdout and stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The child writes straight to tackle's stdout and stderr.
    Inherit,
    /// Captured and printed as one JSON report; `binary` base64-encodes non-UTF-8 streams.
    Json { binary: bool },
    /// Captured and printed only if the command fails (`chronic`).
    QuietUnlessFailed,
}

/// When to run the command again.
#[derive(Debug, Clone)]
pub struct Retry {
    /// How many more runs after the first, at most.
    pub retries: u32,
    /// The wait before the first retry; it doubles after each.
    pub delay: Duration,
    /// The longest wait between two runs.
    pub max_delay: Duration,
    /// Retry only on these exit statuses (as tackle would report them, so 124 is a timeout);
    /// empty means on any failure.
    pub on: Vec<i32>,
}

/// Everything `run-cmd` needs, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// The program and its arguments (for `--shell`, `/bin/sh -c COMMAND`).
    pub argv: Vec<OsString>,
    /// The command as shown in messages.
    pub display: String,
    pub cwd: Option<PathBuf>,
    pub env: Vec<(OsString, OsString)>,
    pub clear_env: bool,
    pub input: Input,
    pub output: Output,
    pub merge_stderr: bool,
    /// Bytes of each stream kept in memory.
    pub max_output: usize,
    pub timeout: Option<Duration>,
    pub signal: libc::c_int,
    pub kill_after: Duration,
    pub check: bool,
    pub preserve_status: bool,
    pub retry: Retry,
}

/// Runs the command as configured and returns how tackle should exit: `Ok` for status 0,
/// otherwise an error carrying the status ([`crate::exit::Silent`], or [`crate::exit::Failure`] with the
/// `--check` message). tackle's own failures carry status 125.
pub fn run(config: &Config) -> anyhow::Result<()> {
    run_attempts(config).map_err(report::as_tackle_failure)
}

fn run_attempts(config: &Config) -> anyhow::Result<()> {
    // Caught before the first child starts and kept until the last one ends, so that no
    // SIGINT/SIGTERM can kill tackle and leave a child behind.
    let signals = Signals::new(supervise::FORWARDED).context("cannot catch signals")?;
    let signals = Rc::new(RefCell::new(signals));
    let started = Instant::now();
    let mut delay = config.retry.delay;
    let mut attempts = 1;
    loop {
        let mut attempt = supervise::run_once(config, &signals)?;
        let mut status = report::exit_status(&attempt, config.preserve_status);
        let retry = status != 0
            && attempts <= config.retry.retries
            && attempt.interrupted.is_none()
            && (config.retry.on.is_empty() || config.retry.on.contains(&status));
        if retry {
            tracing::info!(
                "attempt {attempts} ended with status {status}; retrying in {}",
                report::format_duration(delay)
            );
            match supervise::wait_between_attempts(delay, &signals)? {
                None => {
                    attempts += 1;
                    delay = (delay * 2).min(config.retry.max_delay.max(config.retry.delay));
                    continue;
                }
                Some(signal) => {
                    tracing::info!("{}: no more attempts", signal::signal_name(signal));
                    attempt.interrupted = Some(signal);
                    status = 128 + signal;
                }
            }
        }
        tracing::debug!("{attempts} attempt(s) in {:?}", started.elapsed());
        return report::finish(config, attempt, attempts, status);
    }
}

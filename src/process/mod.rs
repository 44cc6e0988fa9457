//! Running a command the way `tackle run-cmd` does: the recipe's `subprocess.call`,
//! `check_call`, `check_output` and `Popen.communicate`, with coreutils `timeout`'s process-group
//! timeout and exit statuses, and moreutils `chronic`'s quiet-unless-failed.
//!
//! [`run`] takes a validated [`Config`], runs the command (again, under `--retries`) with
//! [`supervise::run_once`] on the shared reactor, and turns the last run into output and an exit
//! status ([`report`]). Inherited stdout/stderr (the default) cost nothing: the child gets our
//! file descriptors and the reactor only waits for the exit, the timeout and signals. When the
//! command was killed by a signal, tackle dies of the same signal ([`disposition::die_of`]).

pub mod capture;
pub mod disposition;
pub mod group;
pub mod json_string;
pub mod pipes;
pub mod report;
pub mod rlimit;
pub mod signal;
pub mod spawn;
pub mod supervise;
pub mod template;
pub mod terminal;

use std::cell::RefCell;
use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use supervise::{Attempt, RunShared, deadline_after};

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

/// What becomes of the child's stdout and stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// Shown as the command writes them (straight to tackle's stdout and stderr, unless
    /// `--tee`, `--timestamps` or `--fail-on-stderr` pass them through tackle).
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
    /// Each wait is drawn at random between half and all of it.
    pub jitter: bool,
    /// Retry only on these exit statuses (as tackle would report them, so 124 is a timeout);
    /// empty means on any failure.
    pub on: Vec<i32>,
}

/// Everything `run-cmd` needs, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// The program and its arguments (for `--shell`, `/bin/sh -c SCRIPT sh VALUE...`).
    pub argv: Vec<OsString>,
    /// The command as shown in messages, quoted so it can be pasted back into a shell.
    pub display: String,
    pub cwd: Option<PathBuf>,
    pub env: Vec<(OsString, OsString)>,
    pub clear_env: bool,
    pub input: Input,
    pub output: OutputMode,
    pub merge_stderr: bool,
    /// Bytes of each stream kept in memory.
    pub max_output: usize,
    pub timeout: Option<Duration>,
    /// The signal sent on timeout (0 sends nothing and leaves the end to `--kill-after`).
    pub signal: libc::c_int,
    /// `None` with `--kill-after 0`: never SIGKILL.
    pub kill_after: Option<Duration>,
    /// The total time for all attempts and the waits between them.
    pub deadline: Option<Duration>,
    pub check: bool,
    pub preserve_status: bool,
    /// Run in tackle's process group and signal only the command's own process.
    pub foreground: bool,
    pub tee: Option<PathBuf>,
    pub timestamps: bool,
    pub fail_on_stderr: bool,
    pub rlimits: Vec<rlimit::Limit>,
    pub retry: Retry,
}

/// Runs the command as configured and returns how tackle should exit: `Ok` for status 0,
/// otherwise an error carrying the status ([`crate::exit::Silent`], or [`crate::exit::Failure`]
/// with the `--check` message). tackle's own failures carry status 125. When the command was
/// killed by a signal (not by a timeout), tackle dies of it instead of returning.
pub fn run(config: &Config) -> anyhow::Result<()> {
    let (result, killed_by) = match run_attempts(config) {
        Ok(ended) => ended,
        Err(e) => (Err(report::as_tackle_failure(e)), None),
    };
    if let Some(signal) = killed_by {
        let result = report::print_before_dying(result);
        disposition::die_of(signal);
        return result;
    }
    result
}

/// How a run ended: the result to return, and the signal to die of, if any.
type Ended = (anyhow::Result<()>, Option<libc::c_int>);

fn run_attempts(config: &Config) -> anyhow::Result<Ended> {
    for limit in &config.rlimits {
        limit
            .check()
            .map_err(|message| crate::exit::failure(spawn::TACKLE_FAILED, message))?;
    }
    let signals = disposition::catch_for_run()?;
    group::become_subreaper();
    let tee = config
        .tee
        .as_ref()
        .map(|path| {
            std::fs::File::create(path)
                .with_context(|| format!("cannot create the --tee file {}", path.display()))
        })
        .transpose()?;
    let started = Instant::now();
    let run = RunShared {
        signals: Rc::new(RefCell::new(signals)),
        terminal: if config.foreground {
            None
        } else {
            terminal::Terminal::controlling().map(Rc::new)
        },
        tee: tee.map(|file| Rc::new(RefCell::new(Some(file)))),
        started,
    };
    let deadline = config
        .deadline
        .and_then(|limit| deadline_after(started, limit));
    let mut delay = config.retry.delay;
    let mut attempts = 1;
    loop {
        let (timeout, by_deadline) = attempt_timeout(config.timeout, deadline);
        let mut attempt = match supervise::run_once(config, &run, timeout) {
            Ok(attempt) => attempt,
            Err(e) => {
                if let OutputMode::Json { .. } = config.output {
                    report::write_start_failure(config, attempts, &e);
                }
                return Err(e);
            }
        };
        let deadline_reached = attempt.timed_out && by_deadline;
        let mut status = report::exit_status(&attempt, config);
        let mut interrupted_while_waiting = None;
        let wait = next_wait(delay, config.retry.jitter);
        if should_retry(config, &attempt, status, attempts)
            && deadline
                .is_none_or(|at| deadline_after(Instant::now(), wait).is_some_and(|end| end < at))
        {
            tracing::info!(
                "attempt {attempts} ended with status {status}; retrying in {}",
                crate::duration::format_duration(wait)
            );
            match supervise::wait_between_attempts(wait, &run.signals)? {
                None => {
                    attempts = attempts.saturating_add(1);
                    delay = delay
                        .saturating_mul(2)
                        .min(config.retry.max_delay.max(config.retry.delay));
                    continue;
                }
                Some(signal) => {
                    tracing::info!("{}: no more attempts", signal::signal_name(signal));
                    attempt.interrupted = Some(signal);
                    status = 128 + signal;
                    interrupted_while_waiting = Some(signal);
                }
            }
        }
        tracing::debug!("{attempts} attempt(s) in {:?}", started.elapsed());
        // Like coreutils `timeout`: die of the signal that killed the command, unless it was
        // our own timeout's; or of the one that ended the wait for a retry.
        let killed_by = interrupted_while_waiting
            .or_else(|| attempt.status.signal().filter(|_| !attempt.timed_out));
        let ending = report::Ending {
            attempts,
            status,
            deadline_reached,
        };
        return Ok((report::finish(config, attempt, &ending), killed_by));
    }
}

/// This attempt's time limit: `--timeout`, or less when the `--deadline` comes first (and
/// whether it does).
fn attempt_timeout(
    timeout: Option<Duration>,
    deadline: Option<Instant>,
) -> (Option<Duration>, bool) {
    let Some(deadline) = deadline else {
        return (timeout, false);
    };
    let left = deadline.saturating_duration_since(Instant::now());
    match timeout {
        Some(timeout) if timeout <= left => (Some(timeout), false),
        // A deadline already passed still gives the attempt a moment, never "no limit".
        _ => (Some(left.max(Duration::from_nanos(1))), true),
    }
}

/// Whether the attempt's outcome calls for another.
fn should_retry(config: &Config, attempt: &Attempt, status: i32, attempts: u32) -> bool {
    let retry_on = &config.retry.on;
    // Ctrl-C or Ctrl-\ at a prompt reaches the command's group directly (it has the
    // terminal): dying of them ends the retries, as if tackle had received them.
    let interrupted_at_terminal =
        matches!(attempt.status.signal(), Some(libc::SIGINT | libc::SIGQUIT));
    status != 0
        && attempts <= config.retry.retries
        && attempt.interrupted.is_none()
        && !interrupted_at_terminal
        && (retry_on.is_empty()
            || retry_on.contains(&status)
            // A timeout is 124 to --retry-on even when --preserve-status reports otherwise.
            || (attempt.timed_out && retry_on.contains(&report::TIMED_OUT)))
}

/// The wait before the next attempt: `delay`, or with `--retry-jitter` a random share of it
/// between half and all.
fn next_wait(delay: Duration, jitter: bool) -> Duration {
    if !jitter {
        return delay;
    }
    let random = getrandom::u64().unwrap_or(u64::MAX / 2);
    let share = 0.5 + 0.5 * (random as f64 / u64::MAX as f64);
    Duration::try_from_secs_f64(delay.as_secs_f64() * share).unwrap_or(delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_between_half_and_all_of_the_delay() {
        let delay = Duration::from_secs(10);
        for _ in 0..100 {
            let wait = next_wait(delay, true);
            assert!(wait >= delay / 2 && wait <= delay, "{wait:?}");
        }
        assert_eq!(next_wait(delay, false), delay);
    }

    #[test]
    fn the_deadline_shortens_the_timeout() {
        let soon = Instant::now() + Duration::from_secs(5);
        let (limit, by_deadline) = attempt_timeout(Some(Duration::from_secs(60)), Some(soon));
        assert!(by_deadline && limit.unwrap() <= Duration::from_secs(5));
        let (limit, by_deadline) = attempt_timeout(Some(Duration::from_secs(1)), Some(soon));
        assert_eq!((limit, by_deadline), (Some(Duration::from_secs(1)), false));
        assert_eq!(attempt_timeout(None, None), (None, false));
        let past = Instant::now();
        let (limit, _) = attempt_timeout(None, Some(past));
        assert!(limit.is_some_and(|l| !l.is_zero()));
    }
}

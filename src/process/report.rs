//! Turning the last run into what tackle prints and the status it exits with.
//!
//! Exit statuses follow coreutils `timeout`: the child's own status; 128+N when a signal N
//! killed it; 124 when it timed out (unless `--preserve-status`); 125 when tackle itself
//! failed; 126 and 127 when the command could not be run or found (see [`super::spawn`]).

use std::io::{self, BufWriter, Write};
use std::os::fd::AsFd;
use std::os::unix::process::ExitStatusExt;

use serde::Serialize;

use super::capture::Capture;
use super::json_string;
use super::signal::signal_name;
use super::spawn::TACKLE_FAILED;
use super::supervise::Attempt;
use super::{Config, OutputMode};
use crate::duration::format_duration;
use crate::exit;

/// The status for a timeout, as coreutils `timeout` uses it.
pub const TIMED_OUT: i32 = 124;

/// How many lines of stderr a `--check` failure quotes.
const CHECK_LINES: usize = 10;

/// The status for a command that exited 0 but wrote to stderr under `--fail-on-stderr`.
pub const WROTE_TO_STDERR: i32 = 1;

/// The status tackle exits with for this run.
pub fn exit_status(attempt: &Attempt, config: &Config) -> i32 {
    if attempt.timed_out && !config.preserve_status {
        return TIMED_OUT;
    }
    match (attempt.status.code(), attempt.status.signal()) {
        (Some(0), _) if config.fail_on_stderr && attempt.stderr_written => WROTE_TO_STDERR,
        (Some(code), _) => code,
        (None, Some(signal)) => 128 + signal,
        (None, None) => TACKLE_FAILED,
    }
}

/// Makes any error that does not already carry an exit status one of tackle's own (125).
pub fn as_tackle_failure(err: anyhow::Error) -> anyhow::Error {
    let has_status = err.chain().any(|cause| {
        cause.downcast_ref::<exit::Failure>().is_some()
            || cause.downcast_ref::<exit::Silent>().is_some()
    });
    if has_status {
        err
    } else {
        exit::failure(TACKLE_FAILED, format!("{err:#}"))
    }
}

/// How the run ended, besides the last attempt itself.
#[derive(Debug, Clone, Copy)]
pub struct Ending {
    pub attempts: u32,
    pub status: i32,
    /// The last attempt was stopped by `--deadline` rather than `--timeout`.
    pub deadline_reached: bool,
}

/// Prints what the mode calls for and returns the exit status as a result. What tackle could
/// not print never takes the command's failure away: it is said on stderr and the status
/// stays; only a successful run whose `--json` report was lost ends 125 (tackle failed).
pub fn finish(config: &Config, mut attempt: Attempt, ending: &Ending) -> anyhow::Result<()> {
    let status = ending.status;
    let unwritten = print_output(config, &mut attempt, ending);
    if status == 0 {
        return match unwritten.is_empty() {
            true => Ok(()),
            false => Err(exit::failure(TACKLE_FAILED, unwritten.join("; "))),
        };
    }
    for what in &unwritten {
        // Nowhere left to say it when stderr is what failed; the status still goes out.
        let _ = writeln!(
            io::stderr(),
            "tackle: run-cmd: {what}; the exit status is still {status}"
        );
    }
    if config.check {
        Err(exit::failure(
            status,
            check_message(config, &attempt, ending),
        ))
    } else {
        Err(exit::Silent(status).into())
    }
}

/// Prints the `--json` report, or the held output of a failed `--quiet-unless-failed` run;
/// returns what could not be written. A reader that went away is not among them (see
/// [`ignore_closed_pipe`]), and one stream that fails does not keep the other from its replay.
fn print_output(config: &Config, attempt: &mut Attempt, ending: &Ending) -> Vec<String> {
    let mut unwritten = Vec::new();
    let mut check = |what: &str, result: io::Result<()>| {
        if let Err(e) = ignore_closed_pipe(result) {
            unwritten.push(format!(
                "could not write {what}: {}",
                exit::system_words(&e)
            ));
        }
    };
    match config.output {
        OutputMode::Inherit => {}
        OutputMode::Json { binary } => {
            let report = Report::new(config, attempt, ending, binary);
            check("the --json report", write_json(&report));
        }
        OutputMode::QuietUnlessFailed if ending.status != 0 => {
            if let Some(out) = &mut attempt.stdout {
                let result = out.replay(&mut exit::Stdout(io::stdout().lock()));
                check("the command's held stdout", result);
            }
            if let Some(err) = &mut attempt.stderr {
                let result = err.replay(&mut io::stderr().lock());
                check("the command's held stderr", result);
            }
            note_what_was_dropped(attempt);
        }
        OutputMode::QuietUnlessFailed => {}
    }
    unwritten
}

/// After replaying held output: says so when spilling failed and some of it was dropped.
fn note_what_was_dropped(attempt: &Attempt) {
    let streams = [("stdout", &attempt.stdout), ("stderr", &attempt.stderr)];
    for (name, capture) in streams {
        let Some(capture) = capture else { continue };
        if let (Some(e), dropped) = (capture.error(), capture.dropped())
            && dropped > 0
        {
            let _ = writeln!(
                io::stderr(),
                "tackle: run-cmd: could not spill the command's {name} to a temporary file \
                 ({e}); held what fit in memory and dropped the last {dropped} of {} bytes",
                capture.total()
            );
        }
    }
}

/// Before tackle dies of a signal: prints the `--check` message itself (nothing runs after the
/// signal) and flushes, returning what to report should the signal not kill.
pub fn print_before_dying(result: anyhow::Result<()>) -> anyhow::Result<()> {
    let result = match result {
        Err(err) => {
            let status = exit::status_carried_by(&err);
            match status {
                Some(status) => {
                    // Nowhere to say it if stderr is gone: the signal still has to be raised.
                    let _ = writeln!(io::stderr(), "tackle: run-cmd: {}", exit::in_words(&err));
                    Err(exit::Silent(status).into())
                }
                None => Err(err),
            }
        }
        ok => ok,
    };
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    result
}

/// Under `--json`, when the command could not be started: a report with the status and the
/// `error`, so a script reading stdout learns what happened (the message also goes to stderr).
pub fn write_start_failure(config: &Config, attempts: u32, err: &anyhow::Error) {
    let status = exit::status_carried_by(err).unwrap_or(TACKLE_FAILED);
    let (argv, argv_encoding) = argv_strings(config);
    let report = serde_json::json!({
        "argv": argv,
        "argv_encoding": argv_encoding,
        "status": status,
        "exit_code": null,
        "signal": null,
        "timed_out": false,
        "duration_ms": 0,
        "attempts": attempts,
        "error": format!("{err:#}"),
        "stdout": null,
        "stderr": null,
    });
    let _ = writeln!(io::stdout().lock(), "{report}");
}

/// The argv as JSON strings, and `utf-8` or `utf-8-lossy` when a word was not UTF-8.
fn argv_strings(config: &Config) -> (Vec<String>, &'static str) {
    let lossy = config.argv.iter().any(|word| word.to_str().is_none());
    let argv = config
        .argv
        .iter()
        .map(|word| word.to_string_lossy().into_owned())
        .collect();
    (argv, if lossy { "utf-8-lossy" } else { "utf-8" })
}

/// The reader of our output going away does not change what the command did: its status
/// still stands.
fn ignore_closed_pipe(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn write_json(report: &Report<'_>) -> io::Result<()> {
    // Straight to the file descriptor: the standard library's stdout is line-buffered and
    // would search every megabyte written for a newline.
    let stdout = std::fs::File::from(io::stdout().as_fd().try_clone_to_owned()?);
    let mut out = BufWriter::with_capacity(256 * 1024, exit::Stdout(stdout));
    let mut head = serde_json::to_vec(report)?;
    // `{...}` without its closing brace, then the streams.
    head.pop();
    out.write_all(&head)?;
    out.write_all(b",\"stdout\":")?;
    report.stdout.write(&mut out)?;
    out.write_all(b",\"stderr\":")?;
    match &report.stderr {
        Some(stream) => stream.write(&mut out)?,
        None => out.write_all(b"null")?,
    }
    out.write_all(b"}\n")?;
    out.flush()
}

/// `make test: exited with status 2`, `...: killed by SIGSEGV`, `...: timed out after 10s`,
/// followed by the last lines of stderr when they were captured and not shown. The command
/// comes first, quoted so that it can be pasted back into a shell.
fn check_message(config: &Config, attempt: &Attempt, ending: &Ending) -> String {
    let what = if attempt.timed_out && ending.deadline_reached {
        let limit = config.deadline.map_or_else(String::new, format_duration);
        format!("stopped at the --deadline of {limit}")
    } else if attempt.timed_out {
        let limit = config.timeout.map_or_else(String::new, format_duration);
        format!("timed out after {limit}")
    } else if ending.status == WROTE_TO_STDERR && attempt.status.code() == Some(0) {
        "exited with status 0 but wrote to stderr (--fail-on-stderr)".to_owned()
    } else if let Some(code) = attempt.status.code() {
        format!("exited with status {code}")
    } else if let Some(signal) = attempt.status.signal() {
        let core = if attempt.status.core_dumped() {
            " (core dumped)"
        } else {
            ""
        };
        format!("killed by {}{core}", signal_name(signal))
    } else {
        format!("ended with {}", attempt.status)
    };
    let mut message = format!("{}: {what}", config.display);
    if let Some(signal) = attempt.interrupted {
        message.push_str(&format!(" (tackle received {})", signal_name(signal)));
    }
    // Under --json the streams went into the report, not to the terminal: quote them here.
    let shown_stderr = match config.output {
        OutputMode::Json { .. } => attempt.stderr.as_ref().or(attempt.stdout.as_ref()),
        _ => None,
    };
    let lines = shown_stderr
        .map(|c| c.last_lines(CHECK_LINES))
        .unwrap_or_default();
    if !lines.is_empty() {
        let stream = if attempt.stderr.is_some() {
            "stderr"
        } else {
            "output"
        };
        message.push_str(&format!("\nlast {} line(s) of {stream}:", lines.len()));
        for line in lines {
            message.push_str("\n    ");
            message.push_str(&line);
        }
    }
    message
}

/// The `--json` report.
#[derive(Serialize)]
struct Report<'a> {
    argv: Vec<String>,
    argv_encoding: &'static str,
    status: i32,
    exit_code: Option<i32>,
    signal: Option<String>,
    timed_out: bool,
    duration_ms: u64,
    attempts: u32,
    stdout_bytes: u64,
    stdout_truncated: bool,
    stdout_encoding: &'static str,
    stderr_bytes: Option<u64>,
    stderr_truncated: Option<bool>,
    stderr_encoding: Option<&'static str>,
    // Written after the fields above by [`write_json`], with a fast escaper.
    #[serde(skip)]
    stdout: Stream<'a>,
    #[serde(skip)]
    stderr: Option<Stream<'a>>,
}

impl<'a> Report<'a> {
    fn new(config: &Config, attempt: &'a Attempt, ending: &Ending, binary: bool) -> Report<'a> {
        let stdout = attempt.stdout.as_ref().map(|c| Stream::new(c, binary));
        let stderr = attempt.stderr.as_ref().map(|c| Stream::new(c, binary));
        let (argv, argv_encoding) = argv_strings(config);
        Report {
            argv,
            argv_encoding,
            status: ending.status,
            exit_code: attempt.status.code(),
            signal: attempt.status.signal().map(signal_name),
            timed_out: attempt.timed_out,
            duration_ms: u64::try_from(attempt.duration.as_millis()).unwrap_or(u64::MAX),
            attempts: ending.attempts,
            stdout_bytes: attempt.stdout.as_ref().map_or(0, Capture::total),
            stdout_truncated: attempt.stdout.as_ref().is_some_and(Capture::truncated),
            stdout_encoding: stdout.as_ref().map_or("utf-8", Stream::encoding),
            stderr_bytes: attempt.stderr.as_ref().map(Capture::total),
            stderr_truncated: attempt.stderr.as_ref().map(Capture::truncated),
            stderr_encoding: stderr.as_ref().map(Stream::encoding),
            stdout: stdout.unwrap_or(Stream::EMPTY),
            stderr,
        }
    }
}

/// A captured stream as a JSON string: UTF-8 as is; otherwise base64 (`--binary`) or
/// lossily decoded.
struct Stream<'a> {
    bytes: &'a [u8],
    utf8: bool,
    binary: bool,
}

impl<'a> Stream<'a> {
    const EMPTY: Stream<'static> = Stream {
        bytes: b"",
        utf8: true,
        binary: false,
    };

    fn new(capture: &'a Capture, binary: bool) -> Stream<'a> {
        match capture.kept_text() {
            Some(bytes) => Stream {
                bytes,
                utf8: true,
                binary,
            },
            None => Stream {
                bytes: capture.kept(),
                utf8: false,
                binary,
            },
        }
    }

    fn encoding(&self) -> &'static str {
        match (self.utf8, self.binary) {
            (true, _) => "utf-8",
            (false, true) => "base64",
            (false, false) => "utf-8-lossy",
        }
    }
}

impl Stream<'_> {
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.utf8 {
            json_string::write_text(out, self.bytes)
        } else if self.binary {
            json_string::write_base64(out, self.bytes)
        } else {
            json_string::write_text(out, String::from_utf8_lossy(self.bytes).as_bytes())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_durations_briefly() {
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(format_duration(Duration::from_secs(10)), "10s");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(format_duration(Duration::from_millis(2050)), "2.05s");
    }
}

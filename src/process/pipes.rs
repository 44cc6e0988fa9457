//! The child's stdin, stdout and stderr: what each is connected to, and the handlers that move
//! bytes through the pipes tackle holds.
//!
//! - [`OutputReader`] drains a stdout/stderr pipe: into a [`Capture`] (`--json`,
//!   `--quiet-unless-failed`), on to tackle's own stdout/stderr (when the output passes
//!   through tackle: `--tee`, `--timestamps`, `--fail-on-stderr`), into the `--tee` file, each
//!   line prefixed with the time since the start under `--timestamps`.
//! - [`InputWriter`] writes `--input` into the child's stdin as the pipe has room, so a child
//!   that writes a lot before reading never deadlocks against us.
//!
//! Without those flags the child gets tackle's own descriptors and no byte passes through us.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::Instant;

use anyhow::Context as _;
use mio::Interest;
use mio::event::{Event, Source};
use mio::unix::pipe::{Receiver, Sender};

use super::Input;
use super::capture::{Capture, read_into};
use super::supervise::RunStateRef;
use crate::reactor::{Action, Context, Handler};

/// How big a capture pipe is made (Linux allows 1 MiB to anyone by default): fewer, larger
/// reads and fewer switches between the writer and us than with the 64 KiB default.
const CAPTURE_PIPE_SIZE: libc::c_int = 1 << 20;

/// Sets the child's stdin; returns the bytes to write when that is our job.
pub fn wire_stdin(command: &mut Command, input: &Input) -> anyhow::Result<Option<Rc<[u8]>>> {
    match input {
        Input::Inherit => {
            command.stdin(Stdio::inherit());
            Ok(None)
        }
        Input::Null => {
            command.stdin(Stdio::null());
            Ok(None)
        }
        Input::Bytes(bytes) => {
            command.stdin(Stdio::piped());
            Ok(Some(Rc::clone(bytes)))
        }
        Input::File(path) => {
            // The file itself becomes stdin: no copying, and the child may even seek in it.
            // Opened afresh for every attempt, so a retry reads it from the start.
            let file = File::open(path)
                .with_context(|| format!("cannot open --input-file {}", path.display()))?;
            let is_dir = file.metadata().is_ok_and(|m| m.is_dir());
            if is_dir {
                anyhow::bail!("--input-file {} is a directory", path.display());
            }
            command.stdin(file);
            Ok(None)
        }
    }
}

/// The read ends tackle keeps of the child's output, once wired.
pub struct OutputPipes {
    /// The pipe of stdout (of both streams under `--merge-stderr`), if tackle reads it.
    pub stdout: Option<OwnedFd>,
    /// The pipe of stderr, if tackle reads it separately.
    pub stderr: Option<OwnedFd>,
}

/// Connects the child's stdout and stderr: to tackle's own (nothing in between) unless
/// `read_stdout`/`read_stderr` ask for a pipe. Under `merge` both streams share one
/// descriptor, so the order is the order of the writes.
pub fn wire_output(
    command: &mut Command,
    merge: bool,
    read_stdout: bool,
    read_stderr: bool,
) -> anyhow::Result<OutputPipes> {
    if merge {
        if !(read_stdout || read_stderr) {
            // Our own stdout, twice: zero overhead.
            let stdout = io::stdout()
                .as_fd()
                .try_clone_to_owned()
                .context("cannot dup stdout")?;
            command.stdout(Stdio::inherit()).stderr(stdout);
            return Ok(OutputPipes {
                stdout: None,
                stderr: None,
            });
        }
        let (reader, writer) = io::pipe().context("cannot create a pipe")?;
        let second = writer.try_clone().context("cannot dup a pipe")?;
        command.stdout(writer).stderr(second);
        return Ok(OutputPipes {
            stdout: Some(reader.into()),
            stderr: None,
        });
    }
    let stdout = pipe_or_inherit(command, read_stdout, Command::stdout)?;
    let stderr = pipe_or_inherit(command, read_stderr, Command::stderr)?;
    Ok(OutputPipes { stdout, stderr })
}

fn pipe_or_inherit(
    command: &mut Command,
    read: bool,
    set: fn(&mut Command, Stdio) -> &mut Command,
) -> anyhow::Result<Option<OwnedFd>> {
    if !read {
        set(command, Stdio::inherit());
        return Ok(None);
    }
    let (reader, writer) = io::pipe().context("cannot create a pipe")?;
    set(command, Stdio::from(writer));
    Ok(Some(reader.into()))
}

pub fn receiver(pipe: OwnedFd) -> anyhow::Result<Receiver> {
    // SAFETY: fcntl(2) on a pipe we own; failure (a lower system limit) only costs speed.
    if unsafe { libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, CAPTURE_PIPE_SIZE) } < 0 {
        tracing::debug!(
            "cannot enlarge a capture pipe: {}",
            io::Error::last_os_error()
        );
    }
    let receiver = Receiver::from(pipe);
    receiver
        .set_nonblocking(true)
        .context("cannot make a pipe non-blocking")?;
    Ok(receiver)
}

pub fn sender(pipe: impl Into<OwnedFd>) -> anyhow::Result<Sender> {
    let sender = Sender::from(pipe.into());
    sender
        .set_nonblocking(true)
        .context("cannot make a pipe non-blocking")?;
    Ok(sender)
}

/// Prefixes each line with the time since the run started (`--timestamps`).
#[derive(Debug, Clone, Copy)]
pub struct Stamper {
    started: Instant,
    at_line_start: bool,
}

impl Stamper {
    pub fn new(started: Instant) -> Stamper {
        Stamper {
            started,
            at_line_start: true,
        }
    }

    /// Appends `bytes` to `out`, a stamp before the first byte of every line.
    pub fn stamp(&mut self, bytes: &[u8], now: Instant, out: &mut Vec<u8>) {
        let stamp = format_stamp(now.saturating_duration_since(self.started));
        for line in bytes.split_inclusive(|&b| b == b'\n') {
            if self.at_line_start {
                out.extend_from_slice(stamp.as_bytes());
            }
            out.extend_from_slice(line);
            self.at_line_start = line.ends_with(b"\n");
        }
    }
}

/// `[   1.234s] `: seconds since the start, to the millisecond, aligned for most runs.
fn format_stamp(elapsed: std::time::Duration) -> String {
    format!("[{:>8.3}s] ", elapsed.as_secs_f64())
}

/// Where the bytes read from one output pipe go.
pub struct Sinks {
    /// Kept for the report or for replay.
    pub capture: Option<Rc<RefCell<Capture>>>,
    /// Passed on to tackle's own stdout (1) or stderr (2).
    pub echo: Option<RawFd>,
    /// The `--tee` file, shared by both streams.
    pub tee: Option<Rc<RefCell<Option<File>>>>,
    /// `--timestamps`.
    pub stamper: Option<Stamper>,
    /// This is the command's stderr (for `--fail-on-stderr`).
    pub is_stderr: bool,
}

/// Drains one output pipe into its sinks.
pub struct OutputReader {
    pipe: Receiver,
    sinks: Sinks,
    state: RunStateRef,
    stamped: Vec<u8>,
}

impl OutputReader {
    pub fn new(pipe: Receiver, sinks: Sinks, state: &RunStateRef) -> OutputReader {
        OutputReader {
            pipe,
            sinks,
            state: Rc::clone(state),
            stamped: Vec::new(),
        }
    }

    fn at_end(&mut self, cx: &mut Context<'_>) -> Action {
        let mut state = self.state.borrow_mut();
        state.open_pipes -= 1;
        if state.open_pipes == 0 && state.settled {
            cx.stop_now();
        }
        Action::Close
    }

    /// Captures only: read straight into the capture's memory, no copy.
    fn only_captures(&self) -> bool {
        self.sinks.echo.is_none() && self.sinks.tee.is_none() && self.sinks.stamper.is_none()
    }

    /// Reads once; `Ok(0)` at the end.
    fn read_once(&mut self, cx: &mut Context<'_>) -> io::Result<usize> {
        if let (true, Some(capture)) = (self.only_captures(), &self.sinks.capture) {
            let n = capture.borrow_mut().read_from(&self.pipe, cx.buffer())?;
            if n > 0 && self.sinks.is_stderr {
                self.state.borrow_mut().stderr_written = true;
            }
            return Ok(n);
        }
        let now = cx.now();
        let buffer = cx.buffer();
        let n = read_into(&self.pipe, buffer)?;
        if n == 0 {
            return Ok(0);
        }
        if self.sinks.is_stderr {
            self.state.borrow_mut().stderr_written = true;
        }
        let bytes: &[u8] = match &mut self.sinks.stamper {
            Some(stamper) => {
                self.stamped.clear();
                stamper.stamp(&buffer[..n], now, &mut self.stamped);
                &self.stamped
            }
            None => &buffer[..n],
        };
        if let Some(capture) = &self.sinks.capture {
            capture.borrow_mut().push(bytes);
        }
        if let Some(tee) = &self.sinks.tee {
            let mut tee = tee.borrow_mut();
            if let Some(Err(e)) = tee.as_mut().map(|file| file.write_all(bytes)) {
                tracing::warn!("cannot write the --tee file, no longer copying to it: {e}");
                *tee = None;
            }
        }
        if let Some(fd) = self.sinks.echo
            && let Err(e) = write_to_fd(fd, bytes)
        {
            if e.kind() == io::ErrorKind::BrokenPipe {
                // Our reader has gone: close this pipe too, so the command meets a closed
                // pipe as it would have without tackle in between.
                return Err(e);
            }
            tracing::warn!("cannot pass on the command's output: {e}");
            self.sinks.echo = None;
        }
        Ok(n)
    }
}

impl Handler for OutputReader {
    fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
        Some((&mut self.pipe, Interest::READABLE))
    }

    fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
        loop {
            match self.read_once(cx) {
                Ok(0) => return self.at_end(cx),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Action::Continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return self.at_end(cx),
                Err(e) => {
                    tracing::warn!("cannot read the command's output: {e}");
                    return self.at_end(cx);
                }
            }
        }
    }
}

/// Writes all of `bytes` to one of tackle's own descriptors (blocking, as the command's own
/// write would have).
fn write_to_fd(fd: RawFd, bytes: &[u8]) -> io::Result<()> {
    // SAFETY: `fd` is tackle's stdout or stderr, open for the whole run; ManuallyDrop keeps
    // this temporary File from closing it.
    let mut out = ManuallyDrop::new(unsafe { File::from_raw_fd(fd) });
    out.write_all(bytes)
}

/// Writes `--input` into the child's stdin, then closes it so the child sees its end.
pub struct InputWriter {
    pipe: Sender,
    input: Rc<[u8]>,
    written: usize,
}

impl InputWriter {
    pub fn new(pipe: Sender, input: Rc<[u8]>) -> InputWriter {
        InputWriter {
            pipe,
            input,
            written: 0,
        }
    }

    fn write_some(&mut self) -> Action {
        loop {
            let rest = &self.input[self.written..];
            if rest.is_empty() {
                return Action::Close;
            }
            match self.pipe.write(rest) {
                Ok(n) => self.written += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Action::Continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                    // The command stopped reading; what it did not take is not an error.
                    tracing::debug!(
                        "the command closed its stdin after {} of {} input bytes",
                        self.written,
                        self.input.len()
                    );
                    return Action::Close;
                }
                Err(e) => {
                    tracing::warn!("cannot write the command's input: {e}");
                    return Action::Close;
                }
            }
        }
    }
}

impl Handler for InputWriter {
    fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
        Some((&mut self.pipe, Interest::WRITABLE))
    }

    fn started(&mut self, _cx: &mut Context<'_>) -> Action {
        self.write_some()
    }

    fn ready(&mut self, _event: &Event, _cx: &mut Context<'_>) -> Action {
        self.write_some()
    }

    fn keeps_loop_alive(&self) -> bool {
        // The child's exit ends the run, whether or not it read all its input.
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn stamps_every_line_once_across_reads() {
        let started = Instant::now();
        let mut stamper = Stamper::new(started);
        let mut out = Vec::new();
        let later = started + Duration::from_millis(1500);
        stamper.stamp(b"one\ntw", later, &mut out);
        stamper.stamp(b"o\n\nthree", later, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "[   1.500s] one\n[   1.500s] two\n[   1.500s] \n[   1.500s] three"
        );
    }
}

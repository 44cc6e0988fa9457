//! One run of the child, supervised on the shared reactor (`crate::reactor`).
//!
//! Handlers:
//! - [`ChildExit`] learns of the child's exit from a pidfd (readable when it exits; or, on
//!   kernels without pidfds, from a waiter thread whose [`Notifier`] wakes it),
//!   owns the timeout (its one timer) and escalates: `--signal` to the child's process group,
//!   `--kill-after` later SIGKILL to the group.
//! - [`OutputReader`] drains a stdout/stderr pipe into a [`Capture`] (only when capturing).
//! - [`InputWriter`] writes `--input` into the child's stdin as the pipe has room, so a child
//!   that writes a lot before reading never deadlocks against us.
//! - [`SignalForwarder`] passes SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to tackle on to the
//!   child's process group.
//!
//! When is a run over? When the child has exited, and
//! - after a timeout: the group is empty (polled with `killpg(pgid, 0)`, then `/proc` to tell
//!   zombies that nobody reaps from the living); past `--kill-after`
//!   it is SIGKILLed and we wait (up to [`KILL_WAIT`]) for it to be gone, so nothing we
//!   signalled outlives us;
//! - and, when capturing, every output pipe is at its end, or [`PIPE_GRACE`] has passed since:
//!   a process the command left running in the background (or one that escaped the group with
//!   `setsid`) may hold the pipes open for ever, which is where Python's `communicate()` hangs.
//!   We stop reading and close our ends instead; such a process gets SIGPIPE if it writes on.
//!
//! Without a timeout, processes the command left in the background are not ours to kill (as
//! with coreutils `timeout`); with one, the whole group is made to stop.

use std::cell::RefCell;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::process::{Child, ExitStatus, Stdio};
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use mio::event::{Event, Source};
use mio::unix::SourceFd;
use mio::unix::pipe::{Receiver, Sender};
use mio::{Interest, Registry, Token};
use signal_hook_mio::v1_0::Signals;

use super::capture::{Capture, Overflow, Reads};
use super::{Config, Input, Output, spawn};
use crate::process::signal::signal_name;
use crate::reactor::{Action, Context, Handler, Notifier, Reactor};

/// How long to keep reading pipes that are still open after the command has exited.
pub const PIPE_GRACE: Duration = Duration::from_millis(500);

/// How often to look whether a timed-out group is empty once its leader has exited.
const REAP_POLL: Duration = Duration::from_millis(20);

/// How long to wait, after SIGKILL, for the group to be gone before reporting anyway (a
/// process stuck in uninterruptible sleep must not hang us).
const KILL_WAIT: Duration = Duration::from_secs(1);

/// The signals tackle passes on to the child's group, as coreutils `timeout` does.
pub const FORWARDED: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

/// Signals caught for the whole run (all attempts and the delays between them), so that one
/// arriving between two attempts is not lost.
pub type SharedSignals = Rc<RefCell<Signals>>;

/// What one run of the child came to.
#[derive(Debug)]
pub struct Attempt {
    pub status: ExitStatus,
    pub timed_out: bool,
    pub interrupted: Option<libc::c_int>,
    pub duration: Duration,
    /// Captured stdout (with stderr in it under `--merge-stderr`); `None` when inherited.
    pub stdout: Option<Capture>,
    /// Captured stderr; `None` when inherited or merged into stdout.
    pub stderr: Option<Capture>,
}

/// The state the handlers of one run share (they all live on the loop's one thread).
#[derive(Default)]
struct Shared {
    status: Option<io::Result<ExitStatus>>,
    exited_at: Option<Instant>,
    timed_out: bool,
    interrupted: Option<libc::c_int>,
    open_pipes: usize,
    settled: bool,
}

type SharedRef = Rc<RefCell<Shared>>;

/// Runs the child once under `config` and waits for the run to be over (see the module docs).
pub fn run_once(config: &Config, signals: &SharedSignals) -> anyhow::Result<Attempt> {
    let mut command = spawn::command(config);
    let input = wire_stdin(&mut command, &config.input)?;
    let capturing = config.output != Output::Inherit;
    let merged = wire_output(&mut command, config.merge_stderr, capturing)?;
    let started = Instant::now();
    let mut child = spawn::spawn(&mut command, &config.argv[0])?;
    // The Command holds our copies of a merged pipe's write end; until they are closed the
    // pipe never reaches its end.
    drop(command);
    let pgid = i32::try_from(child.id()).context("process id out of range")?;
    tracing::debug!(
        "started {:?} as pid {pgid} in its own process group",
        config.argv
    );

    let shared = SharedRef::default();
    let attached = attach(&mut child, merged, input, config, &shared);
    let (readers, writer, stdout, stderr) = match attached {
        Ok(attached) => attached,
        Err(e) => {
            signal_group(pgid, libc::SIGKILL);
            drop(child.wait());
            return Err(e);
        }
    };
    let result = supervise(child, pgid, config, signals, &shared, readers, writer);
    if let Err(e) = &result {
        // Whatever went wrong, leave nothing running behind us.
        tracing::warn!("supervising the command failed ({e}); killing its process group");
        signal_group(pgid, libc::SIGKILL);
    }
    result?;
    let shared = shared.take();
    let status = shared
        .status
        .context("the command's exit status was never collected")?
        .context("cannot wait for the command")?;
    let take = |capture: Option<Rc<RefCell<Capture>>>| {
        capture.map(|c| c.replace(Capture::new(0, Overflow::Drop, Reads::default())))
    };
    Ok(Attempt {
        status,
        timed_out: shared.timed_out,
        interrupted: shared.interrupted,
        duration: shared.exited_at.unwrap_or_else(Instant::now) - started,
        stdout: take(stdout),
        stderr: take(stderr),
    })
}

type Captured = Option<Rc<RefCell<Capture>>>;

/// Makes handlers of the child's pipes: readers for captured output (one for a merged pipe),
/// a writer for `--input`; and the captures the readers fill.
fn attach(
    child: &mut Child,
    merged: Option<OwnedFd>,
    input: Option<Rc<[u8]>>,
    config: &Config,
    shared: &SharedRef,
) -> anyhow::Result<(Vec<OutputReader>, Option<InputWriter>, Captured, Captured)> {
    let overflow = match config.output {
        Output::QuietUnlessFailed => Overflow::Spill,
        _ => Overflow::Drop,
    };
    // Only `--json` reads the text, and only its `--check` message the last lines, of stderr or
    // of the merged output (see `report::check_message`).
    let json = matches!(config.output, Output::Json { .. });
    let new_capture = |quoted: bool| {
        let reads = Reads {
            text: json,
            tail: json && config.check && quoted,
        };
        let capture = Capture::new(config.max_output, overflow, reads);
        Rc::new(RefCell::new(capture))
    };
    let mut readers = Vec::new();
    let (stdout, stderr) = if let Some(pipe) = merged {
        let capture = new_capture(true);
        readers.push(OutputReader::new(receiver(pipe)?, &capture, shared));
        (Some(capture), None)
    } else if config.output != Output::Inherit {
        let (out, err) = (new_capture(false), new_capture(true));
        if let Some(pipe) = child.stdout.take() {
            readers.push(OutputReader::new(receiver(pipe)?, &out, shared));
        }
        if let Some(pipe) = child.stderr.take() {
            readers.push(OutputReader::new(receiver(pipe)?, &err, shared));
        }
        (Some(out), Some(err))
    } else {
        (None, None)
    };
    let writer = match (child.stdin.take(), input) {
        (Some(pipe), Some(bytes)) => Some(InputWriter::new(sender(pipe)?, bytes)),
        _ => None,
    };
    Ok((readers, writer, stdout, stderr))
}

#[allow(clippy::too_many_arguments)]
fn supervise(
    child: Child,
    pgid: i32,
    config: &Config,
    signals: &SharedSignals,
    shared: &SharedRef,
    readers: Vec<OutputReader>,
    writer: Option<InputWriter>,
) -> anyhow::Result<()> {
    let mut reactor = Reactor::new().context("cannot create the event loop")?;
    shared.borrow_mut().open_pipes = readers.len();
    reactor.add(Box::new(SignalForwarder {
        signals: Rc::clone(signals),
        target: Some(pgid),
        shared: Rc::clone(shared),
    }))?;
    for reader in readers {
        reactor.add(Box::new(reader))?;
    }
    if let Some(writer) = writer {
        reactor.add(Box::new(writer))?;
    }
    reactor.add(Box::new(ChildExit {
        pidfd: open_pidfd(pgid),
        child: Some(child),
        pgid,
        slot: Arc::default(),
        timeout: config.timeout,
        signal: config.signal,
        kill_after: config.kill_after,
        stage: Stage::Running,
        shared: Rc::clone(shared),
    }))?;
    reactor.run().context("the event loop failed")?;
    Ok(())
}

/// Waits `delay` before the next attempt; a forwarded signal cuts the wait short and is
/// returned.
pub fn wait_between_attempts(
    delay: Duration,
    signals: &SharedSignals,
) -> anyhow::Result<Option<libc::c_int>> {
    let shared = SharedRef::default();
    let mut reactor = Reactor::new().context("cannot create the event loop")?;
    reactor.add(Box::new(SignalForwarder {
        signals: Rc::clone(signals),
        target: None,
        shared: Rc::clone(&shared),
    }))?;
    reactor.add(Box::new(Delay(delay)))?;
    reactor.run().context("the event loop failed")?;
    let interrupted = shared.borrow().interrupted;
    Ok(interrupted)
}

/// Sets the child's stdin; returns the bytes to write when that is our job.
fn wire_stdin(
    command: &mut std::process::Command,
    input: &Input,
) -> anyhow::Result<Option<Rc<[u8]>>> {
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
            let file = std::fs::File::open(path)
                .with_context(|| format!("cannot open --input-file {}", path.display()))?;
            command.stdin(file);
            Ok(None)
        }
    }
}

/// Sets the child's stdout and stderr. Returns the read end of the one pipe both write to
/// when capturing with `--merge-stderr`: sharing one pipe keeps the order the kernel saw.
fn wire_output(
    command: &mut std::process::Command,
    merge: bool,
    capturing: bool,
) -> anyhow::Result<Option<OwnedFd>> {
    match (capturing, merge) {
        (false, false) => {
            command.stdout(Stdio::inherit()).stderr(Stdio::inherit());
            Ok(None)
        }
        (false, true) => {
            // Our own stdout, twice: zero overhead, and the order is the order of the writes.
            let stdout = io::stdout()
                .as_fd()
                .try_clone_to_owned()
                .context("cannot dup stdout")?;
            command.stdout(Stdio::inherit()).stderr(stdout);
            Ok(None)
        }
        (true, false) => {
            command.stdout(Stdio::piped()).stderr(Stdio::piped());
            Ok(None)
        }
        (true, true) => {
            let (reader, writer) = io::pipe().context("cannot create a pipe")?;
            let second = writer.try_clone().context("cannot dup a pipe")?;
            command.stdout(writer).stderr(second);
            Ok(Some(reader.into()))
        }
    }
}

/// How big a capture pipe is made (Linux allows 1 MiB to anyone by default): fewer, larger
/// reads and fewer switches between the writer and us than with the 64 KiB default.
const CAPTURE_PIPE_SIZE: libc::c_int = 1 << 20;

fn receiver(pipe: impl Into<OwnedFd>) -> anyhow::Result<Receiver> {
    let pipe = pipe.into();
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

fn sender(pipe: impl Into<OwnedFd>) -> anyhow::Result<Sender> {
    let sender = Sender::from(pipe.into());
    sender
        .set_nonblocking(true)
        .context("cannot make a pipe non-blocking")?;
    Ok(sender)
}

/// Sends `signal` to every process in group `pgid`; a group that is already gone is fine.
/// Like coreutils `timeout`, follows it with SIGCONT, so that a stopped process (one that
/// tried to read the terminal from its background group, say) acts on it instead of sleeping
/// through it.
fn signal_group(pgid: i32, signal: libc::c_int) {
    send_to_group(pgid, signal);
    if signal != libc::SIGKILL && signal != libc::SIGCONT {
        send_to_group(pgid, libc::SIGCONT);
    }
}

fn send_to_group(pgid: i32, signal: libc::c_int) {
    // SAFETY: killpg(2) with a process group we created and a valid signal number.
    if unsafe { libc::killpg(pgid, signal) } != 0 {
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::ESRCH) {
            tracing::warn!(
                "cannot send {} to process group {pgid}: {err}",
                signal_name(signal)
            );
        }
    }
}

/// Whether any live process is left in group `pgid`. Zombies do not count: a killed
/// grandchild reparented to an init that does not reap would otherwise look alive for ever.
fn group_alive(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence and permission.
    if unsafe { libc::killpg(pgid, 0) } != 0 {
        return false;
    }
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return true;
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .any(|pid| live_member(pid, pgid))
}

/// Whether `/proc/PID/stat` says the process is in group `pgid` and not a zombie.
fn live_member(pid: u32, pgid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "pid (comm) state ppid pgrp ...": comm may hold anything, so split after its last ')'.
    let Some(after_comm) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return false;
    };
    let mut fields = after_comm.split_whitespace();
    let state = fields.next();
    let group = fields.nth(1).and_then(|g| g.parse::<i32>().ok());
    group == Some(pgid) && !matches!(state, Some("Z" | "X"))
}

/// Where the child's life stands, as seen by [`ChildExit`].
#[derive(Debug, Clone, Copy)]
enum Stage {
    /// Running; the timer (if any) is the timeout.
    Running,
    /// Timed out and sent `--signal`; the timer is the SIGKILL deadline.
    Terminating { kill_at: Instant },
    /// SIGKILL sent to the group; waiting for the exit.
    Killed,
    /// Exited after a timeout while others in its group live on; polling until they are gone
    /// or the SIGKILL deadline.
    Reaping { kill_at: Instant },
    /// Exited, and the group has been SIGKILLed: polling until it is gone, at most until
    /// `give_up_at`, so that nothing is left running when we report.
    Vanishing { give_up_at: Instant },
    /// Over, apart from pipes still open; the timer is the end of [`PIPE_GRACE`].
    Draining,
}

type ExitSlot = Arc<Mutex<Option<io::Result<ExitStatus>>>>;

/// A descriptor that becomes readable when process `pid` exits (Linux 5.3 and later); `None`
/// where the kernel has no `pidfd_open`.
fn open_pidfd(pid: i32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open(2) with our own child's pid and no flags; it returns a new
    // descriptor, which nothing else owns, or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    let fd = i32::try_from(fd).ok().filter(|&fd| fd >= 0)?;
    // SAFETY: `fd` was just opened for us and is owned by nothing else.
    Some(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The child's exit and the timeout. The exit arrives as readiness of a pidfd, or, on a
/// kernel without pidfds, from a waiter thread through a [`Notifier`].
struct ChildExit {
    pidfd: Option<OwnedFd>,
    child: Option<Child>,
    pgid: i32,
    slot: ExitSlot,
    timeout: Option<Duration>,
    signal: libc::c_int,
    kill_after: Duration,
    stage: Stage,
    shared: SharedRef,
}

impl ChildExit {
    fn time_out(&mut self, cx: &mut Context<'_>) {
        tracing::info!(
            "timed out: sending {} to process group {}",
            signal_name(self.signal),
            self.pgid
        );
        self.shared.borrow_mut().timed_out = true;
        signal_group(self.pgid, self.signal);
        if self.signal == libc::SIGKILL {
            self.stage = Stage::Killed;
        } else {
            let kill_at = cx.now() + self.kill_after;
            cx.set_timer(kill_at);
            self.stage = Stage::Terminating { kill_at };
        }
    }

    fn kill_group(&mut self) {
        tracing::info!(
            "still running after --kill-after: sending SIGKILL to process group {}",
            self.pgid
        );
        signal_group(self.pgid, libc::SIGKILL);
    }

    /// After a timeout and the leader's exit: wait for the rest of the group, within limits.
    fn reap(&mut self, cx: &mut Context<'_>, kill_at: Instant) {
        if !group_alive(self.pgid) {
            self.settle(cx);
        } else if cx.now() >= kill_at {
            self.kill_group();
            self.vanish(cx, cx.now() + KILL_WAIT);
        } else {
            self.stage = Stage::Reaping { kill_at };
            cx.set_timer((cx.now() + REAP_POLL).min(kill_at));
        }
    }

    /// After SIGKILL: wait for the group to be gone, within `give_up_at`.
    fn vanish(&mut self, cx: &mut Context<'_>, give_up_at: Instant) {
        if !group_alive(self.pgid) || cx.now() >= give_up_at {
            self.settle(cx);
        } else {
            self.stage = Stage::Vanishing { give_up_at };
            cx.set_timer((cx.now() + REAP_POLL).min(give_up_at));
        }
    }

    /// The outcome is known: end now, or once the pipes are drained (within the grace).
    fn settle(&mut self, cx: &mut Context<'_>) {
        let mut shared = self.shared.borrow_mut();
        shared.settled = true;
        if shared.open_pipes == 0 {
            cx.stop_now();
        } else {
            self.stage = Stage::Draining;
            cx.set_timer_after(PIPE_GRACE);
        }
    }

    fn start_waiter(&mut self, child: Child, notifier: Notifier) -> io::Result<()> {
        let slot = Arc::clone(&self.slot);
        let mut child = child;
        std::thread::Builder::new()
            .name("run-cmd-wait".to_owned())
            .spawn(move || {
                let status = child.wait();
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(status);
                if let Err(e) = notifier.notify() {
                    tracing::debug!("cannot wake the event loop: {e}");
                }
            })
            .map(drop)
    }
}

impl Handler for ChildExit {
    fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        match &self.pidfd {
            Some(fd) => {
                registry.register(&mut SourceFd(&fd.as_raw_fd()), token, Interest::READABLE)
            }
            None => Ok(()),
        }
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        match &self.pidfd {
            Some(fd) => registry.deregister(&mut SourceFd(&fd.as_raw_fd())),
            None => Ok(()),
        }
    }

    fn started(&mut self, cx: &mut Context<'_>) -> Action {
        if self.pidfd.is_none()
            && let Some(child) = self.child.take()
            && let Err(e) = self.start_waiter(child, cx.notifier())
        {
            // Without a waiter we cannot learn of the exit: stop the child and report.
            signal_group(self.pgid, libc::SIGKILL);
            self.shared.borrow_mut().status = Some(Err(e));
            cx.stop_now();
            return Action::Continue;
        }
        if let Some(timeout) = self.timeout {
            cx.set_timer_after(timeout);
        }
        Action::Continue
    }

    fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
        // The pidfd is readable: the child has exited and can be reaped without blocking.
        let Some(child) = &mut self.child else {
            return Action::Continue;
        };
        match child.try_wait() {
            Ok(Some(status)) => {
                self.child = None;
                self.exited(Ok(status), cx);
            }
            Ok(None) => {}
            Err(e) => {
                self.child = None;
                self.exited(Err(e), cx);
            }
        }
        Action::Continue
    }

    fn timeout(&mut self, cx: &mut Context<'_>) -> Action {
        match self.stage {
            Stage::Running => self.time_out(cx),
            Stage::Terminating { .. } => {
                self.kill_group();
                self.stage = Stage::Killed;
            }
            Stage::Reaping { kill_at } => self.reap(cx, kill_at),
            Stage::Vanishing { give_up_at } => self.vanish(cx, give_up_at),
            Stage::Draining => {
                tracing::debug!(
                    "output pipes still open {PIPE_GRACE:?} after the command ended: \
                     something it left running holds them; not reading further"
                );
                cx.stop_now();
            }
            Stage::Killed => {}
        }
        Action::Continue
    }

    fn notified(&mut self, cx: &mut Context<'_>) -> Action {
        let status = self
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(status) = status {
            self.exited(status, cx);
        }
        Action::Continue
    }
}

impl ChildExit {
    /// The child has exited (or could not be waited for).
    fn exited(&mut self, status: io::Result<ExitStatus>, cx: &mut Context<'_>) {
        tracing::debug!("process {} ended: {status:?}", self.pgid);
        {
            let mut shared = self.shared.borrow_mut();
            shared.status = Some(status);
            shared.exited_at = Some(Instant::now());
        }
        cx.clear_timer();
        match self.stage {
            Stage::Terminating { kill_at } => self.reap(cx, kill_at),
            Stage::Killed => self.vanish(cx, Instant::now() + KILL_WAIT),
            _ => self.settle(cx),
        }
    }
}

/// Drains one output pipe into its capture.
struct OutputReader {
    pipe: Receiver,
    capture: Rc<RefCell<Capture>>,
    shared: SharedRef,
}

impl OutputReader {
    fn new(pipe: Receiver, capture: &Rc<RefCell<Capture>>, shared: &SharedRef) -> OutputReader {
        OutputReader {
            pipe,
            capture: Rc::clone(capture),
            shared: Rc::clone(shared),
        }
    }

    fn at_end(&mut self, cx: &mut Context<'_>) -> Action {
        let mut shared = self.shared.borrow_mut();
        shared.open_pipes -= 1;
        if shared.open_pipes == 0 && shared.settled {
            cx.stop_now();
        }
        Action::Close
    }
}

impl Handler for OutputReader {
    fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
        Some((&mut self.pipe, Interest::READABLE))
    }

    fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
        loop {
            let read = self.capture.borrow_mut().read_from(&self.pipe, cx.buffer());
            match read {
                Ok(0) => return self.at_end(cx),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Action::Continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    tracing::warn!("cannot read the command's output: {e}");
                    return self.at_end(cx);
                }
            }
        }
    }
}

/// Writes `--input` into the child's stdin, then closes it so the child sees its end.
struct InputWriter {
    pipe: Sender,
    input: Rc<[u8]>,
    written: usize,
}

impl InputWriter {
    fn new(pipe: Sender, input: Rc<[u8]>) -> InputWriter {
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

/// Passes signals sent to tackle on to the child's group (or, between attempts, ends the
/// wait).
struct SignalForwarder {
    signals: SharedSignals,
    target: Option<i32>,
    shared: SharedRef,
}

impl Handler for SignalForwarder {
    fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        registry.register(&mut *self.signals.borrow_mut(), token, Interest::READABLE)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        registry.deregister(&mut *self.signals.borrow_mut())
    }

    fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
        let pending: Vec<libc::c_int> = self.signals.borrow_mut().pending().collect();
        for signal in pending {
            self.shared.borrow_mut().interrupted = Some(signal);
            match self.target {
                Some(pgid) => {
                    tracing::info!(
                        "{}: passing it on to process group {pgid}",
                        signal_name(signal)
                    );
                    signal_group(pgid, signal);
                }
                None => cx.stop_now(),
            }
        }
        Action::Continue
    }

    fn keeps_loop_alive(&self) -> bool {
        false
    }
}

/// A timer that keeps the loop alive until it fires.
struct Delay(Duration);

impl Handler for Delay {
    fn register(&mut self, _registry: &Registry, _token: Token) -> io::Result<()> {
        Ok(())
    }

    fn deregister(&mut self, _registry: &Registry) -> io::Result<()> {
        Ok(())
    }

    fn started(&mut self, cx: &mut Context<'_>) -> Action {
        cx.set_timer_after(self.0);
        Action::Continue
    }

    fn ready(&mut self, _event: &Event, _cx: &mut Context<'_>) -> Action {
        Action::Continue
    }

    fn timeout(&mut self, _cx: &mut Context<'_>) -> Action {
        Action::Close
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::{CommandExt, ExitStatusExt};

    /// Runs `sh -c script` under a bare [`ChildExit`], with or without a pidfd.
    fn watch(script: &str, use_pidfd: bool, timeout: Option<Duration>) -> Shared {
        let child = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .process_group(0)
            .spawn()
            .unwrap();
        let pgid = child.id() as i32;
        let shared = SharedRef::default();
        let mut reactor = Reactor::new().unwrap();
        reactor
            .add(Box::new(ChildExit {
                pidfd: if use_pidfd { open_pidfd(pgid) } else { None },
                child: Some(child),
                pgid,
                slot: Arc::default(),
                timeout,
                signal: libc::SIGTERM,
                kill_after: Duration::from_secs(5),
                stage: Stage::Running,
                shared: Rc::clone(&shared),
            }))
            .unwrap();
        reactor.run().unwrap();
        shared.take()
    }

    #[test]
    fn the_exit_arrives_with_and_without_a_pidfd() {
        for use_pidfd in [true, false] {
            let shared = watch("exit 7", use_pidfd, None);
            let status = shared.status.unwrap().unwrap();
            assert_eq!(status.code(), Some(7), "pidfd: {use_pidfd}");
            assert!(shared.settled && !shared.timed_out);
        }
    }

    #[test]
    fn a_timeout_signals_the_group_without_a_pidfd_too() {
        for use_pidfd in [true, false] {
            let shared = watch("sleep 100", use_pidfd, Some(Duration::from_millis(50)));
            let status = shared.status.unwrap().unwrap();
            assert_eq!(status.signal(), Some(libc::SIGTERM), "pidfd: {use_pidfd}");
            assert!(shared.timed_out);
        }
    }
}

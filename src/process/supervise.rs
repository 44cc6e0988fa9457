//! One run of the child, supervised on the shared reactor (`crate::reactor`).
//!
//! Handlers:
//! - [`Supervisor`] learns of the child's exit from a pidfd (readable when it exits; or, on
//!   kernels without pidfds, from a waiter thread whose [`Notifier`] wakes it), of the signals
//!   sent to tackle (on the same token), and owns the timeout (its one timer). It escalates:
//!   `--signal` to the command, `--kill-after` later SIGKILL. A terminating signal sent to
//!   tackle is passed on and starts the same `--kill-after` clock; SIGALRM is a timeout. At a
//!   prompt it lends the terminal to a command stopped for touching it, and stops and
//!   continues with the command on Ctrl-Z ([`super::terminal`]).
//! - [`OutputReader`] and [`InputWriter`] move bytes through the pipes ([`super::pipes`]).
//!
//! When is a run over? When the child has exited, and
//! - after a timeout or a terminating signal: nothing of the command is left alive (its group,
//!   and every descendant of tackle, which is a child subreaper, so `setsid` escapees count);
//!   past `--kill-after` they are SIGKILLed and we wait (up to [`KILL_WAIT`]) for them to be
//!   gone, so nothing we signalled outlives us;
//! - and, when reading its output, every output pipe is at its end, or [`PIPE_GRACE`] has
//!   passed since: a process the command left running in the background may hold the pipes
//!   open for ever, which is where Python's `communicate()` hangs. We stop reading and close our
//!   ends instead; such a process gets SIGPIPE if it writes on.
//!
//! Without a timeout, processes the command left in the background are not ours to kill (as
//! with coreutils `timeout`); with one, the whole tree is made to stop. Under `--foreground`
//! only the command's own process is signalled, as with coreutils `timeout --foreground`.

use std::cell::RefCell;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ExitStatus};
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use mio::event::Event;
use mio::unix::SourceFd;
use mio::{Interest, Registry, Token};
use signal_hook_mio::v1_0::Signals;

use super::capture::{Capture, Overflow, Reads};
use super::disposition::{Meaning, meaning};
use super::group::{self, Target};
use super::pipes::{self, InputWriter, OutputReader, Sinks, Stamper};
use super::signal::signal_name;
use super::terminal::{self, Terminal};
use super::{Config, OutputMode, spawn};
use crate::reactor::{Action, Context, Handler, Notifier, Reactor};

/// How long to keep reading pipes that are still open after the command has exited.
pub const PIPE_GRACE: Duration = Duration::from_millis(500);

/// How often to look whether a stopped tree is gone once the command itself has exited.
const REAP_POLL: Duration = Duration::from_millis(20);

/// How long to wait, after SIGKILL, for the tree to be gone before reporting anyway (a
/// process stuck in uninterruptible sleep must not hang us).
const KILL_WAIT: Duration = Duration::from_secs(1);

/// Signals caught for the whole run (all attempts and the delays between them), so that one
/// arriving between two attempts is not lost.
pub type SharedSignals = Rc<RefCell<Signals>>;

/// What every attempt of a run shares.
pub struct RunShared {
    pub signals: SharedSignals,
    /// The terminal tackle lends to the command, when it is at an interactive prompt.
    pub terminal: Option<Rc<Terminal>>,
    /// The `--tee` file (`None` inside once writing it failed).
    pub tee: Option<Rc<RefCell<Option<File>>>>,
    /// When the first attempt started (`--timestamps` count from here).
    pub started: Instant,
}

/// What one run of the child came to.
#[derive(Debug)]
pub struct Attempt {
    pub status: ExitStatus,
    pub timed_out: bool,
    /// The terminating signal tackle received and passed on, if any.
    pub interrupted: Option<libc::c_int>,
    pub duration: Duration,
    /// Whether the command wrote anything to stderr (known when stderr was read).
    pub stderr_written: bool,
    /// Captured stdout (with stderr in it under `--merge-stderr`); `None` when not captured.
    pub stdout: Option<Capture>,
    /// Captured stderr; `None` when not captured or merged into stdout.
    pub stderr: Option<Capture>,
}

/// The state the handlers of one run share (they all live on the loop's one thread).
#[derive(Default)]
pub struct RunState {
    status: Option<io::Result<ExitStatus>>,
    exited_at: Option<Instant>,
    timed_out: bool,
    interrupted: Option<libc::c_int>,
    pub open_pipes: usize,
    pub settled: bool,
    pub stderr_written: bool,
    /// The command's group has been given the terminal.
    lent: bool,
}

pub type RunStateRef = Rc<RefCell<RunState>>;

/// `now + after`, or `None` when that is beyond what an `Instant` can hold (never, in effect).
pub fn deadline_after(now: Instant, after: Duration) -> Option<Instant> {
    now.checked_add(after)
}

/// Runs the child once under `config` with this `timeout` and waits for the run to be over
/// (see the module docs).
pub fn run_once(
    config: &Config,
    run: &RunShared,
    timeout: Option<Duration>,
) -> anyhow::Result<Attempt> {
    check_cwd(config)?;
    let terminal = run.terminal.as_ref();
    let mut command = spawn::command(config);
    let input = pipes::wire_stdin(&mut command, &config.input)?;
    let (read_stdout, read_stderr) = streams_read(config);
    let wired = pipes::wire_output(&mut command, config.merge_stderr, read_stdout, read_stderr)?;
    let started = Instant::now();
    let mut child = spawn::spawn(&mut command, &config.argv[0])?;
    // The Command holds our copies of the pipes' write ends; until they are closed the pipes
    // never reach their end.
    drop(command);
    let pid = libc::pid_t::try_from(child.id()).context("process id out of range")?;
    let target = if config.foreground {
        Target::Process(pid)
    } else {
        Target::Group(pid)
    };
    tracing::debug!("started {:?} as pid {pid} ({target:?})", config.argv);

    let state = RunStateRef::default();
    let attached = attach(&mut child, wired, input, config, run, &state);
    let (readers, writer, stdout, stderr) = match attached {
        Ok(attached) => attached,
        Err(e) => {
            target.send(libc::SIGKILL);
            drop(child.wait());
            return Err(e);
        }
    };
    let supervisor = Supervisor {
        pidfd: group::open_pidfd(pid),
        child: Some(child),
        pid,
        target,
        slot: Arc::default(),
        timeout,
        signal: config.signal,
        kill_after: config.kill_after,
        stage: Stage::Running,
        state: Rc::clone(&state),
        signals: Rc::clone(&run.signals),
        terminal: terminal.map(Rc::clone),
        waiting_for_terminal: false,
        display: config.display.clone(),
    };
    let result = supervise(supervisor, &state, readers, writer);
    let lent = state.borrow().lent;
    if let Some(terminal) = terminal.filter(|_| lent) {
        terminal.take_back_from(pid);
    }
    if let Err(e) = &result {
        // Whatever went wrong, leave nothing running behind us.
        tracing::warn!("supervising the command failed ({e}); killing it");
        target.send(libc::SIGKILL);
    }
    result?;
    let state = state.take();
    let status = state
        .status
        .context("the command's exit status was never collected")?
        .context("cannot wait for the command")?;
    if let (Some(terminal), true, Some(_)) = (terminal, state.lent, status.signal()) {
        terminal.restore_settings();
    }
    let take = |capture: Option<Rc<RefCell<Capture>>>| {
        capture.map(|c| c.replace(Capture::new(0, Overflow::Drop, Reads::default())))
    };
    Ok(Attempt {
        status,
        timed_out: state.timed_out,
        interrupted: state.interrupted,
        duration: state
            .exited_at
            .unwrap_or_else(Instant::now)
            .saturating_duration_since(started),
        stderr_written: state.stderr_written,
        stdout: take(stdout),
        stderr: take(stderr),
    })
}

/// A `--cwd` that exists but cannot be entered is tackle's failure (125), not the command's.
fn check_cwd(config: &Config) -> anyhow::Result<()> {
    let Some(dir) = &config.cwd else {
        return Ok(());
    };
    if !dir.is_dir() {
        anyhow::bail!("--cwd {}: no such directory", dir.display());
    }
    let path = std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(dir.as_os_str()))
        .context("--cwd contains a NUL byte")?;
    // SAFETY: faccessat(2) with a NUL-terminated path; AT_EACCESS checks as the effective ids,
    // which the child will have.
    let rc =
        unsafe { libc::faccessat(libc::AT_FDCWD, path.as_ptr(), libc::X_OK, libc::AT_EACCESS) };
    if rc != 0 {
        anyhow::bail!(
            "--cwd {}: cannot enter: {}",
            dir.display(),
            io::Error::last_os_error()
        );
    }
    Ok(())
}

/// Which of the child's output streams tackle reads through a pipe: those it captures, copies
/// to `--tee`, stamps with `--timestamps`, or watches for `--fail-on-stderr`.
fn streams_read(config: &Config) -> (bool, bool) {
    let through_us =
        config.output != OutputMode::Inherit || config.tee.is_some() || config.timestamps;
    (through_us, through_us || config.fail_on_stderr)
}

type Captured = Option<Rc<RefCell<Capture>>>;

/// Makes handlers of the child's pipes: readers for its output (one for a merged pipe), a
/// writer for `--input`; and the captures the readers fill.
fn attach(
    child: &mut Child,
    wired: pipes::OutputPipes,
    input: Option<Rc<[u8]>>,
    config: &Config,
    run: &RunShared,
    state: &RunStateRef,
) -> anyhow::Result<(Vec<OutputReader>, Option<InputWriter>, Captured, Captured)> {
    let overflow = match config.output {
        OutputMode::QuietUnlessFailed => Overflow::Spill,
        _ => Overflow::Drop,
    };
    // Only `--json` reads the text, and only its `--check` message the last lines, of stderr or
    // of the merged output (see `report::check_message`).
    let json = matches!(config.output, OutputMode::Json { .. });
    let capturing = config.output != OutputMode::Inherit;
    let new_capture = |quoted: bool| {
        capturing.then(|| {
            let reads = Reads {
                text: json,
                tail: json && config.check && quoted,
            };
            Rc::new(RefCell::new(Capture::new(
                config.max_output,
                overflow,
                reads,
            )))
        })
    };
    let sinks = |capture: &Captured, echo: libc::c_int, is_stderr: bool| Sinks {
        capture: capture.clone(),
        echo: (!capturing).then_some(echo),
        tee: run.tee.clone(),
        stamper: config.timestamps.then(|| Stamper::new(run.started)),
        is_stderr,
    };
    let mut readers = Vec::new();
    let merged = config.merge_stderr;
    let stdout = new_capture(merged);
    let stderr = if merged { None } else { new_capture(true) };
    if let Some(pipe) = wired.stdout {
        let sinks = sinks(&stdout, libc::STDOUT_FILENO, false);
        readers.push(OutputReader::new(pipes::receiver(pipe)?, sinks, state));
    }
    if let Some(pipe) = wired.stderr {
        let sinks = sinks(&stderr, libc::STDERR_FILENO, true);
        readers.push(OutputReader::new(pipes::receiver(pipe)?, sinks, state));
    }
    let writer = match (child.stdin.take(), input) {
        (Some(pipe), Some(bytes)) => Some(InputWriter::new(pipes::sender(pipe)?, bytes)),
        _ => None,
    };
    Ok((readers, writer, stdout, stderr))
}

fn supervise(
    supervisor: Supervisor,
    state: &RunStateRef,
    readers: Vec<OutputReader>,
    writer: Option<InputWriter>,
) -> anyhow::Result<()> {
    let mut reactor = Reactor::new().context("cannot create the event loop")?;
    state.borrow_mut().open_pipes = readers.len();
    for reader in readers {
        reactor.add(Box::new(reader))?;
    }
    if let Some(writer) = writer {
        reactor.add(Box::new(writer))?;
    }
    reactor.add(Box::new(supervisor))?;
    reactor.run().context("the event loop failed")?;
    Ok(())
}

/// Waits `delay` before the next attempt; a terminating signal (or SIGALRM) cuts the wait
/// short and is returned.
pub fn wait_between_attempts(
    delay: Duration,
    signals: &SharedSignals,
) -> anyhow::Result<Option<libc::c_int>> {
    let interrupted = Rc::new(RefCell::new(None));
    let mut reactor = Reactor::new().context("cannot create the event loop")?;
    reactor.add(Box::new(RetryWait {
        signals: Rc::clone(signals),
        delay,
        interrupted: Rc::clone(&interrupted),
    }))?;
    reactor.run().context("the event loop failed")?;
    let interrupted = *interrupted.borrow();
    Ok(interrupted)
}

/// Where the child's life stands, as seen by [`Supervisor`].
#[derive(Debug, Clone, Copy)]
enum Stage {
    /// Running; the timer (if any) is the timeout.
    Running,
    /// Sent `--signal` (timeout) or a terminating signal; the timer is the SIGKILL deadline
    /// (none with `--kill-after 0`).
    Terminating { kill_at: Option<Instant> },
    /// SIGKILL sent; waiting for the exit.
    Killed,
    /// Exited after a termination while others of the command live on; polling until they
    /// are gone or the SIGKILL deadline.
    Reaping { kill_at: Instant },
    /// Exited, and the rest has been SIGKILLed: polling until it is gone, at most until
    /// `give_up_at`, so that nothing is left running when we report.
    Vanishing { give_up_at: Instant },
    /// Over, apart from pipes still open; the timer is the end of [`PIPE_GRACE`].
    Draining,
}

type ExitSlot = Arc<Mutex<Option<io::Result<ExitStatus>>>>;

/// The child's exit, the signals sent to tackle, and the timeout.
struct Supervisor {
    pidfd: Option<OwnedFd>,
    child: Option<Child>,
    pid: libc::pid_t,
    target: Target,
    slot: ExitSlot,
    timeout: Option<Duration>,
    signal: libc::c_int,
    kill_after: Option<Duration>,
    stage: Stage,
    state: RunStateRef,
    signals: SharedSignals,
    terminal: Option<Rc<Terminal>>,
    /// The command is stopped for touching the terminal while the shell has it; it is
    /// continued when tackle gets the terminal (`fg`).
    waiting_for_terminal: bool,
    /// The command as shown in `-v` lines.
    display: String,
}

impl Supervisor {
    /// Whether the whole tree is ours to stop (not under `--foreground`).
    fn whole_tree(&self) -> bool {
        matches!(self.target, Target::Group(_))
    }

    /// The processes of the command outside its group (escapees that are still alive).
    fn escapees(&self) -> Vec<libc::pid_t> {
        match self.target {
            Target::Group(pgid) => group::live_processes(self.target)
                .into_iter()
                .filter(|&pid| !group::in_group(pid, pgid))
                .collect(),
            Target::Process(_) => Vec::new(),
        }
    }

    /// Sends a signal meant to end the command to all of it.
    fn terminate(&self, signal: libc::c_int) {
        tracing::info!(
            "sending signal {} to the command ({}): {}",
            short_name(signal),
            self.whom(),
            self.display
        );
        self.target.terminate(signal);
        group::signal_each(&self.escapees(), signal);
    }

    fn whom(&self) -> String {
        match self.target {
            Target::Group(pgid) => format!("process group {pgid}"),
            Target::Process(pid) => format!("process {pid}"),
        }
    }

    /// Starts the `--kill-after` clock (or, for SIGKILL, waits for the end).
    fn start_kill_clock(&mut self, signal: libc::c_int, cx: &mut Context<'_>) {
        if signal == libc::SIGKILL {
            self.stage = Stage::Killed;
            return;
        }
        let kill_at = self
            .kill_after
            .and_then(|after| deadline_after(cx.now(), after));
        match kill_at {
            Some(at) => cx.set_timer(at),
            None => cx.clear_timer(),
        }
        self.stage = Stage::Terminating { kill_at };
    }

    fn time_out(&mut self, cx: &mut Context<'_>) {
        self.state.borrow_mut().timed_out = true;
        tracing::info!("timed out");
        self.terminate(self.signal);
        self.start_kill_clock(self.signal, cx);
    }

    fn kill_all(&mut self) {
        tracing::info!(
            "still running after --kill-after: sending signal KILL to the command ({}): {}",
            self.whom(),
            self.display
        );
        self.target.send(libc::SIGKILL);
        if self.whole_tree() {
            group::signal_each(&group::live_processes(self.target), libc::SIGKILL);
        }
    }

    /// Whether anything of the command is still alive (its process excepted, which has
    /// exited when this is asked).
    fn rest_alive(&self) -> bool {
        group::reap_orphans(self.pid);
        self.whole_tree() && !group::live_processes(self.target).is_empty()
    }

    /// After a termination and the command's exit: wait for the rest, within limits.
    fn reap(&mut self, cx: &mut Context<'_>, kill_at: Option<Instant>) {
        let Some(kill_at) = kill_at.filter(|_| self.rest_alive()) else {
            // All gone; or, with `--kill-after 0`, not ours to kill (as coreutils `timeout`).
            self.settle(cx);
            return;
        };
        if cx.now() >= kill_at {
            self.kill_all();
            self.vanish(cx, cx.now() + KILL_WAIT);
        } else {
            self.stage = Stage::Reaping { kill_at };
            cx.set_timer((cx.now() + REAP_POLL).min(kill_at));
        }
    }

    /// After SIGKILL: wait for the rest to be gone, within `give_up_at`.
    fn vanish(&mut self, cx: &mut Context<'_>, give_up_at: Instant) {
        if !self.rest_alive() || cx.now() >= give_up_at {
            self.settle(cx);
        } else {
            self.stage = Stage::Vanishing { give_up_at };
            cx.set_timer((cx.now() + REAP_POLL).min(give_up_at));
        }
    }

    /// The outcome is known: end now, or once the pipes are drained (within the grace).
    fn settle(&mut self, cx: &mut Context<'_>) {
        let mut state = self.state.borrow_mut();
        state.settled = true;
        if state.open_pipes == 0 {
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

    /// A signal sent to tackle.
    fn received(&mut self, signal: libc::c_int, cx: &mut Context<'_>) {
        let exited = self.state.borrow().status.is_some();
        match meaning(signal) {
            Meaning::Child => self.child_changed(),
            Meaning::Stop => self.stop_with_the_command(),
            Meaning::Continued => {
                if let Some(terminal) = self.terminal.clone().filter(|_| self.waiting_for_terminal)
                {
                    self.resumed(&terminal);
                }
            }
            Meaning::Terminate if exited => {
                // Too late to pass on, not too late to end the retries.
                self.state.borrow_mut().interrupted = Some(signal);
            }
            _ if exited => {}
            Meaning::Terminate => {
                self.state.borrow_mut().interrupted = Some(signal);
                tracing::info!("received {}", signal_name(signal));
                self.terminate(signal);
                if matches!(self.stage, Stage::Running) {
                    self.start_kill_clock(signal, cx);
                }
            }
            Meaning::Timeout => {
                tracing::info!("received SIGALRM: a timeout");
                if matches!(self.stage, Stage::Running) {
                    self.time_out(cx);
                }
            }
            Meaning::PassOn => {
                tracing::info!(
                    "passing {} on to the command ({})",
                    signal_name(signal),
                    self.whom()
                );
                self.target.send(signal);
            }
        }
    }

    /// SIGCHLD: reap orphans, and see whether the command was stopped: for touching the
    /// terminal it does not have (lend it if it is ours, or else stop as a job waiting for
    /// the terminal), or while it has it (stop with it, as a job).
    fn child_changed(&mut self) {
        group::reap_orphans(self.pid);
        let Some(terminal) = self.terminal.clone() else {
            return;
        };
        let Some(stop) = group::stopped_by(self.pid) else {
            return;
        };
        tracing::debug!("the command was stopped by {}", signal_name(stop));
        let wants_terminal = matches!(stop, libc::SIGTTIN | libc::SIGTTOU);
        if wants_terminal && terminal.is_ours() {
            self.lend(&terminal);
        } else if wants_terminal || self.state.borrow().lent {
            // The job stops: Ctrl-Z (or a stop signal) while the command has the terminal,
            // or the command touched the terminal while tackle is in the background (after
            // `bg`, or started with `&`), where the shell has it and keeps it.
            terminal.take_back_from(self.pid);
            self.state.borrow_mut().lent = false;
            self.waiting_for_terminal = wants_terminal;
            terminal::stop_self(stop);
            self.resumed(&terminal);
        }
    }

    /// Makes the command's group the terminal's foreground group and continues it.
    fn lend(&mut self, terminal: &Terminal) {
        tracing::debug!("lending the terminal to the command");
        terminal.hand_to(self.pid);
        self.state.borrow_mut().lent = true;
        self.waiting_for_terminal = false;
        self.target.send(libc::SIGCONT);
    }

    /// tackle was continued after stopping as a job. With `fg` the terminal is ours and goes
    /// to the command; with `bg` the shell keeps it: the command is continued, unless it is
    /// waiting for the terminal (it would only stop again; it gets the terminal on `fg`,
    /// which sends tackle SIGCONT).
    fn resumed(&mut self, terminal: &Terminal) {
        if terminal.is_ours() {
            self.lend(terminal);
        } else if !self.waiting_for_terminal {
            self.target.send(libc::SIGCONT);
        }
    }

    /// SIGTSTP reached tackle (Ctrl-Z while tackle has the terminal, or `kill -TSTP`): stop
    /// the command, stop with it, and continue it when tackle is continued.
    fn stop_with_the_command(&mut self) {
        tracing::info!("received SIGTSTP: stopping the command ({})", self.whom());
        self.target.send(libc::SIGTSTP);
        if self.state.borrow().lent {
            // The command's stop (SIGCHLD) stops tackle in turn; see child_changed.
            return;
        }
        terminal::stop_self(libc::SIGTSTP);
        self.target.send(libc::SIGCONT);
    }

    /// The child has exited (or could not be waited for).
    fn exited(&mut self, status: io::Result<ExitStatus>, cx: &mut Context<'_>) {
        tracing::debug!("process {} ended: {status:?}", self.pid);
        {
            let mut state = self.state.borrow_mut();
            state.status = Some(status);
            state.exited_at = Some(Instant::now());
        }
        cx.clear_timer();
        match self.stage {
            Stage::Terminating { kill_at } => self.reap(cx, kill_at),
            Stage::Killed => self.vanish(cx, Instant::now() + KILL_WAIT),
            _ => self.settle(cx),
        }
    }

    fn check_exit(&mut self, cx: &mut Context<'_>) {
        let Some(child) = &mut self.child else {
            return;
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
    }
}

/// `TERM` for SIGTERM, as coreutils `timeout --verbose` names signals.
fn short_name(signal: libc::c_int) -> String {
    let name = signal_name(signal);
    name.strip_prefix("SIG").unwrap_or(&name).to_owned()
}

impl Handler for Supervisor {
    fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        registry.register(&mut *self.signals.borrow_mut(), token, Interest::READABLE)?;
        match &self.pidfd {
            Some(fd) => {
                registry.register(&mut SourceFd(&fd.as_raw_fd()), token, Interest::READABLE)
            }
            None => Ok(()),
        }
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        registry.deregister(&mut *self.signals.borrow_mut())?;
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
            self.target.send(libc::SIGKILL);
            self.state.borrow_mut().status = Some(Err(e));
            cx.stop_now();
            return Action::Continue;
        }
        if let Some(at) = self
            .timeout
            .and_then(|timeout| deadline_after(cx.now(), timeout))
        {
            cx.set_timer(at);
        }
        // A signal that arrived before this attempt's loop existed is waiting in the pipe.
        self.ready_now(cx);
        Action::Continue
    }

    fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
        self.ready_now(cx);
        Action::Continue
    }

    fn timeout(&mut self, cx: &mut Context<'_>) -> Action {
        match self.stage {
            Stage::Running => self.time_out(cx),
            Stage::Terminating { .. } => {
                self.kill_all();
                self.stage = Stage::Killed;
            }
            Stage::Reaping { kill_at } => self.reap(cx, Some(kill_at)),
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

impl Supervisor {
    /// Handles whatever is pending: signals first (so a signal and the exit it caused are
    /// seen in order), then the exit.
    fn ready_now(&mut self, cx: &mut Context<'_>) {
        let pending: Vec<libc::c_int> = self.signals.borrow_mut().pending().collect();
        for signal in pending {
            self.received(signal, cx);
        }
        self.check_exit(cx);
    }
}

/// The wait between two attempts: a timer, cut short by a terminating signal.
struct RetryWait {
    signals: SharedSignals,
    delay: Duration,
    interrupted: Rc<RefCell<Option<libc::c_int>>>,
}

impl RetryWait {
    fn drain_signals(&mut self, cx: &mut Context<'_>) {
        let pending: Vec<libc::c_int> = self.signals.borrow_mut().pending().collect();
        for signal in pending {
            match meaning(signal) {
                Meaning::Terminate | Meaning::Timeout => {
                    *self.interrupted.borrow_mut() = Some(signal);
                    cx.stop_now();
                }
                // Orphans of the last attempt may still end while we wait.
                Meaning::Child => group::reap_orphans(0),
                // Ctrl-Z between attempts: nothing runs but tackle, which stops as a job.
                Meaning::Stop => terminal::stop_self(libc::SIGTSTP),
                Meaning::PassOn | Meaning::Continued => {}
            }
        }
    }
}

impl Handler for RetryWait {
    fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        registry.register(&mut *self.signals.borrow_mut(), token, Interest::READABLE)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        registry.deregister(&mut *self.signals.borrow_mut())
    }

    fn started(&mut self, cx: &mut Context<'_>) -> Action {
        match deadline_after(cx.now(), self.delay) {
            Some(at) => cx.set_timer(at),
            None => cx.clear_timer(),
        }
        self.drain_signals(cx);
        Action::Continue
    }

    fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
        self.drain_signals(cx);
        Action::Continue
    }

    fn timeout(&mut self, _cx: &mut Context<'_>) -> Action {
        Action::Close
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;

    /// Runs `sh -c script` under a bare [`Supervisor`], with or without a pidfd.
    fn watch(script: &str, use_pidfd: bool, timeout: Option<Duration>) -> RunState {
        let child = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .process_group(0)
            .spawn()
            .unwrap();
        let pid = child.id() as i32;
        let state = RunStateRef::default();
        let signals = Signals::new([libc::SIGUSR2]).unwrap();
        let mut reactor = Reactor::new().unwrap();
        reactor
            .add(Box::new(Supervisor {
                pidfd: if use_pidfd {
                    group::open_pidfd(pid)
                } else {
                    None
                },
                child: Some(child),
                pid,
                target: Target::Group(pid),
                slot: Arc::default(),
                timeout,
                signal: libc::SIGTERM,
                kill_after: Some(Duration::from_secs(5)),
                stage: Stage::Running,
                state: Rc::clone(&state),
                signals: Rc::new(RefCell::new(signals)),
                terminal: None,
                waiting_for_terminal: false,
                display: script.to_owned(),
            }))
            .unwrap();
        reactor.run().unwrap();
        state.take()
    }

    #[test]
    fn the_exit_arrives_with_and_without_a_pidfd() {
        for use_pidfd in [true, false] {
            let state = watch("exit 7", use_pidfd, None);
            let status = state.status.unwrap().unwrap();
            assert_eq!(status.code(), Some(7), "pidfd: {use_pidfd}");
            assert!(state.settled && !state.timed_out);
        }
    }

    #[test]
    fn a_timeout_signals_the_group_without_a_pidfd_too() {
        for use_pidfd in [true, false] {
            let state = watch("sleep 100", use_pidfd, Some(Duration::from_millis(50)));
            let status = state.status.unwrap().unwrap();
            assert_eq!(status.signal(), Some(libc::SIGTERM), "pidfd: {use_pidfd}");
            assert!(state.timed_out);
        }
    }
}

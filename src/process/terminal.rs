//! At an interactive prompt: lending the terminal to the command, as a job-control shell does.
//!
//! The command runs in its own process group (so a timeout reaches everything it started). A
//! background group that reads the terminal (or changes its settings) is stopped by SIGTTIN
//! (SIGTTOU). So when tackle is in the foreground of its controlling terminal (one of stdin,
//! stdout, stderr is that terminal) and the command is stopped for touching it, tackle makes
//! the command's group the foreground group (`tcsetpgrp`), continues it, and takes the
//! terminal back at the end. The terminal is lent only then, on demand: a command that never
//! touches the terminal leaves it with tackle's group, so Ctrl-C still reaches a script that
//! runs tackle (and aborts it, as it would without tackle), and the other commands of a
//! pipeline (`tackle run-cmd -- make | less`) keep it.
//!
//! While the command has the terminal, Ctrl-Z stops the command's group: tackle takes the
//! terminal back and stops itself with the same signal, so the shell sees a stopped job; `fg`
//! continues tackle, which lends the terminal again and continues the command. (While tackle
//! has it, Ctrl-Z reaches tackle, which passes SIGTSTP on and stops with the command.) When
//! tackle is in the background (`bg`, or started with `&`), the shell keeps the terminal: a
//! command that touches it stays stopped and tackle stops with the same signal, so the shell
//! shows the job stopped for tty input; `fg` continues tackle, which lends the terminal then.
//! If the
//! command had the terminal and was killed by a signal, the terminal's settings are restored
//! (as bash does), so a timed-out full-screen program does not leave the terminal in raw mode.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// The controlling terminal, while tackle lends it to the command.
pub struct Terminal {
    /// A private descriptor for the terminal (close-on-exec).
    fd: OwnedFd,
    /// tackle's own process group, which has the terminal when tackle is in the foreground.
    own_group: libc::pid_t,
    /// The terminal's settings when we found it.
    saved: Option<libc::termios>,
}

impl Terminal {
    /// The controlling terminal on stdin, stdout or stderr, if tackle's session has it:
    /// tackle is in its foreground process group, or in the background of the same session
    /// (started with `&` at a prompt, where `fg` may give it the terminal later).
    pub fn controlling() -> Option<Terminal> {
        // SAFETY: getpgrp(2) and getsid(2) on ourselves cannot fail.
        let (own_group, own_session) = unsafe { (libc::getpgrp(), libc::getsid(0)) };
        let fd = [0, 1, 2].into_iter().find(|&fd| {
            // SAFETY: tcgetsid(3) on one of our standard descriptors; ENOTTY when it is not a
            // terminal, or not our controlling one.
            unsafe { libc::tcgetsid(fd) == own_session }
        })?;
        // SAFETY: fcntl(2) duplicates a descriptor we have; the new one is ours alone.
        let private = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
        if private < 0 {
            return None;
        }
        // SAFETY: `private` was just created for us.
        let fd = unsafe { OwnedFd::from_raw_fd(private) };
        // SAFETY: a zeroed termios is a valid out-parameter for tcgetattr(3).
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: tcgetattr(3) fills `saved` from the terminal.
        let saved = (unsafe { libc::tcgetattr(fd.as_raw_fd(), &mut saved) } == 0).then_some(saved);
        Some(Terminal {
            fd,
            own_group,
            saved,
        })
    }

    /// Makes `group` the terminal's foreground process group.
    pub fn hand_to(&self, group: libc::pid_t) {
        if let Err(e) = set_foreground(self.fd.as_raw_fd(), group) {
            tracing::debug!("cannot give the terminal to process group {group}: {e}");
        }
    }

    fn foreground_group(&self) -> libc::pid_t {
        // SAFETY: tcgetpgrp(3) on our private terminal descriptor.
        unsafe { libc::tcgetpgrp(self.fd.as_raw_fd()) }
    }

    /// After the command had the terminal: takes it back if the command's group still has it,
    /// or whatever group it gave it to is gone; never from a live group that is not the
    /// command's (after `bg`, the shell has it).
    pub fn take_back_from(&self, group: libc::pid_t) {
        let holder = self.foreground_group();
        // SAFETY: signal 0 to a process group only checks that it exists.
        let holder_gone = holder > 0 && unsafe { libc::killpg(holder, 0) } != 0;
        if holder == group || holder_gone {
            self.take_back();
        }
    }

    /// Makes tackle's group the foreground group again.
    pub fn take_back(&self) {
        if let Err(e) = set_foreground(self.fd.as_raw_fd(), self.own_group) {
            tracing::debug!("cannot take the terminal back: {e}");
        }
    }

    /// Whether tackle's group is the terminal's foreground group (after `fg`, not after `bg`).
    pub fn is_ours(&self) -> bool {
        self.foreground_group() == self.own_group
    }

    /// Puts back the settings the terminal had when tackle started (SIGTTOU blocked, should
    /// tackle not be in the foreground).
    pub fn restore_settings(&self) {
        if let Some(saved) = &self.saved {
            // SAFETY: tcsetattr(3) with settings read from this terminal.
            without_sigttou(|| unsafe {
                libc::tcsetattr(self.fd.as_raw_fd(), libc::TCSADRAIN, saved)
            });
        }
    }
}

/// `tcsetpgrp` with SIGTTOU blocked: a process in a background group may then change the
/// foreground group instead of being stopped for trying.
fn set_foreground(fd: RawFd, group: libc::pid_t) -> io::Result<()> {
    // SAFETY: tcsetpgrp(3) on a terminal descriptor.
    let rc = without_sigttou(|| unsafe { libc::tcsetpgrp(fd, group) });
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Runs `call` with SIGTTOU blocked.
fn without_sigttou(call: impl FnOnce() -> libc::c_int) -> libc::c_int {
    // SAFETY: sigset_t is plain data; sigemptyset/sigaddset initialise it.
    let mut block: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above, and the previous mask goes into `old`.
    let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: signal-mask calls on valid sets.
    unsafe {
        libc::sigemptyset(&mut block);
        libc::sigaddset(&mut block, libc::SIGTTOU);
        libc::pthread_sigmask(libc::SIG_BLOCK, &block, &mut old);
    }
    let rc = call();
    // SAFETY: puts back the mask saved above.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut()) };
    rc
}

/// Stops tackle with `signal` (as the command was stopped), the way a job stops: the shell
/// sees it and takes the terminal. Returns once tackle is continued (`fg` or `bg`). In an
/// orphaned process group the kernel discards the stop and this returns at once.
pub fn stop_self(signal: libc::c_int) {
    // SIGSTOP cannot be discarded in an orphaned group, where nobody could continue us.
    let signal = if signal == libc::SIGSTOP {
        libc::SIGTSTP
    } else {
        signal
    };
    // SAFETY: zeroed sigaction structs are valid; the signal's action is set to the default
    // (stop) for the raise, and whatever it was (tackle catches SIGTSTP) is put back after.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        let mut saved: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, &default, &mut saved);
        libc::raise(signal);
        libc::sigaction(signal, &saved, std::ptr::null_mut());
    }
}

//! What tackle does with signals: which it catches for the run and what each means, the state
//! it starts from whatever it inherited, and how it dies of the signal that killed the command.
//!
//! Inherited state that would break a run is reset at start: an ignored SIGCHLD (children would
//! be reaped by the kernel and never waited for: "No child processes"), and blocked signals
//! (the forwarded ones would never arrive). A forwarded signal that was *ignored* when tackle
//! started stays ignored, for tackle and for the command: that is how `nohup` and a
//! non-interactive shell's background jobs (`cmd &`, which ignore SIGINT and SIGQUIT) ask for
//! them to be ignored.

use anyhow::Context as _;
use signal_hook_mio::v1_0::Signals;

/// What a signal sent to tackle means for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Stop the command: passed on to its group (then SIGCONT), starts the `--kill-after`
    /// clock, and ends the retries.
    Terminate,
    /// A timeout, as if `--timeout` had expired (SIGALRM, as coreutils `timeout` reads it).
    Timeout,
    /// Passed on to the command's group and nothing more (SIGUSR1, SIGUSR2, SIGWINCH).
    PassOn,
    /// A child stopped or exited (SIGCHLD).
    Child,
    /// Ctrl-Z while tackle has the terminal (SIGTSTP): stop the command, then stop with it.
    Stop,
    /// tackle was continued (SIGCONT, from `fg` or `bg`): a command waiting for the terminal
    /// may get it now.
    Continued,
}

/// The signals tackle catches for the run, and what each means.
const CAUGHT: [(libc::c_int, Meaning); 11] = [
    (libc::SIGINT, Meaning::Terminate),
    (libc::SIGTERM, Meaning::Terminate),
    (libc::SIGHUP, Meaning::Terminate),
    (libc::SIGQUIT, Meaning::Terminate),
    (libc::SIGALRM, Meaning::Timeout),
    (libc::SIGUSR1, Meaning::PassOn),
    (libc::SIGUSR2, Meaning::PassOn),
    (libc::SIGWINCH, Meaning::PassOn),
    (libc::SIGCHLD, Meaning::Child),
    (libc::SIGTSTP, Meaning::Stop),
    (libc::SIGCONT, Meaning::Continued),
];

/// What `signal` means (anything not caught is treated as [`Meaning::PassOn`]).
pub fn meaning(signal: libc::c_int) -> Meaning {
    CAUGHT
        .iter()
        .find(|(caught, _)| *caught == signal)
        .map_or(Meaning::PassOn, |&(_, meaning)| meaning)
}

/// Sets tackle's signal state for a run and starts catching: called once, before the first
/// child starts, and kept until the last one ends, so that no signal can kill tackle and leave
/// a child behind.
pub fn catch_for_run() -> anyhow::Result<Signals> {
    unblock_all();
    let caught: Vec<libc::c_int> = CAUGHT
        .iter()
        .map(|&(signal, _)| signal)
        .filter(|&signal| signal == libc::SIGCHLD || !ignored(signal))
        .collect();
    // Catching SIGCHLD also undoes an inherited SIG_IGN, which would have the kernel reap our
    // children before we could wait for them.
    Signals::new(&caught).context("cannot catch signals")
}

/// Whether `signal`'s disposition is SIG_IGN.
fn ignored(signal: libc::c_int) -> bool {
    // SAFETY: a zeroed sigaction is a valid out-parameter; a null new action only reads.
    let mut current: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let rc = unsafe { libc::sigaction(signal, std::ptr::null(), &mut current) };
    rc == 0 && current.sa_sigaction == libc::SIG_IGN
}

fn unblock_all() {
    // SAFETY: an empty set, then the thread's mask set to it.
    unsafe {
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::pthread_sigmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
    }
}

/// Dies of `signal`, as the command did, so that a shell sees it (bash ends a loop only when
/// the job died of SIGINT), like coreutils `timeout`. Core dumps are turned off first: the
/// command dumped its own core if there was one to dump. Returns if the signal does not kill
/// by default (SIGCHLD, SIGWINCH, ...), and the caller exits with 128+N instead.
pub fn die_of(signal: libc::c_int) {
    crate::secret::forbid_core_dumps();
    // SAFETY: default disposition, the signal unblocked, then raised on this thread; every
    // call takes a valid signal number.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, signal);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(signal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_caught_signal_has_one_meaning() {
        assert_eq!(meaning(libc::SIGTERM), Meaning::Terminate);
        assert_eq!(meaning(libc::SIGALRM), Meaning::Timeout);
        assert_eq!(meaning(libc::SIGWINCH), Meaning::PassOn);
        assert_eq!(meaning(libc::SIGCHLD), Meaning::Child);
        assert_eq!(meaning(libc::SIGTSTP), Meaning::Stop);
        assert_eq!(meaning(libc::SIGCONT), Meaning::Continued);
    }
}

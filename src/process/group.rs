//! The command's processes as a whole: its process group, every descendant of tackle (which is
//! a child subreaper, so processes that left the group with `setsid` and whose parents died
//! become its children), and the kernel calls that reach them. Most of run-cmd's `unsafe` is
//! here, each call with the reason it is sound.

use std::collections::HashMap;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};

use super::signal::signal_name;

/// Whom a signal for "the command" reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The command's own process group, created for it (the default).
    Group(libc::pid_t),
    /// Only the command's process, which shares tackle's group (`--foreground`).
    Process(libc::pid_t),
}

impl Target {
    /// The command's process id (also its group id for [`Target::Group`]).
    pub fn pid(self) -> libc::pid_t {
        match self {
            Target::Group(pid) | Target::Process(pid) => pid,
        }
    }

    /// Sends `signal` (0 sends nothing, as `kill -0`). Gone already is fine.
    pub fn send(self, signal: libc::c_int) {
        let (rc, what) = match self {
            // SAFETY: killpg(2) with the group we created for the command.
            Target::Group(pgid) => (unsafe { libc::killpg(pgid, signal) }, "process group"),
            // SAFETY: kill(2) with our own child's pid, which we have not reaped yet.
            Target::Process(pid) => (unsafe { libc::kill(pid, signal) }, "process"),
        };
        if rc != 0 {
            let err = io::Error::last_os_error();
            if err.raw_os_error() != Some(libc::ESRCH) {
                tracing::warn!(
                    "cannot send {} to {what} {}: {err}",
                    signal_name(signal),
                    self.pid()
                );
            }
        }
    }

    /// Sends a signal meant to end the command, followed (like coreutils `timeout`) by
    /// SIGCONT, so that a stopped process acts on it instead of sleeping through it.
    pub fn terminate(self, signal: libc::c_int) {
        self.send(signal);
        if signal != libc::SIGKILL && signal != libc::SIGCONT && signal != 0 {
            self.send(libc::SIGCONT);
        }
    }
}

/// Makes tackle the reaper of orphaned descendants (`PR_SET_CHILD_SUBREAPER`): a process the
/// command started and then left (`setsid`, double fork) becomes tackle's child instead of
/// init's, so it can be found, stopped and reaped.
pub fn become_subreaper() {
    // SAFETY: prctl(2) with PR_SET_CHILD_SUBREAPER only sets a flag of this process.
    if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) } != 0 {
        tracing::debug!(
            "cannot become a child subreaper: {}",
            io::Error::last_os_error()
        );
    }
}

/// A descriptor that becomes readable when process `pid` exits (Linux 5.3 and later); `None`
/// where the kernel has no `pidfd_open`.
pub fn open_pidfd(pid: libc::pid_t) -> Option<OwnedFd> {
    // SAFETY: pidfd_open(2) with our own child's pid and no flags; it returns a new
    // descriptor, which nothing else owns, or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    let fd = i32::try_from(fd).ok().filter(|&fd| fd >= 0)?;
    // SAFETY: `fd` was just opened for us and is owned by nothing else.
    Some(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The signal that stopped `pid`, if it stopped since we last asked (`WSTOPPED` only: an exit
/// stays for the standard library's `Child` to reap).
pub fn stopped_by(pid: libc::pid_t) -> Option<libc::c_int> {
    // SAFETY: a zeroed siginfo_t is a valid out-parameter for waitid(2).
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: waitid(2) on our own child, without blocking and without reaping an exit.
    let rc = unsafe {
        libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WSTOPPED | libc::WNOHANG,
        )
    };
    // SAFETY: si_pid and si_status are filled in for a CLD_STOPPED report.
    let (reported, status) = unsafe { (info.si_pid(), info.si_status()) };
    (rc == 0 && reported == pid && info.si_code == libc::CLD_STOPPED).then_some(status)
}

/// Reaps children that have exited, other than `main` (the command itself, which its `Child`
/// reaps): orphans that were reparented to tackle as subreaper.
pub fn reap_orphans(main: libc::pid_t) {
    while let Some(Some(pid)) = peek_exited_child() {
        if pid == main {
            return;
        }
        // SAFETY: waitpid(2) reaps that one orphan, which has exited.
        unsafe { libc::waitpid(pid, std::ptr::null_mut(), libc::WNOHANG) };
    }
}

/// A child that has exited, without reaping it: `None` when tackle has no children at all,
/// `Some(None)` when none has exited.
fn peek_exited_child() -> Option<Option<libc::pid_t>> {
    // SAFETY: a zeroed siginfo_t is a valid out-parameter for waitid(2).
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: waitid(2) peeks (WNOWAIT) at any exited child without blocking; ECHILD means
    // there are no children.
    let rc = unsafe {
        libc::waitid(
            libc::P_ALL,
            0,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    // SAFETY: si_pid is filled in (or left zero) by a successful waitid.
    let pid = unsafe { info.si_pid() };
    (rc == 0).then_some((pid != 0).then_some(pid))
}

/// One line of `/proc/PID/stat`, the fields we use.
#[derive(Debug, Clone, Copy)]
struct ProcessInfo {
    pid: libc::pid_t,
    parent: libc::pid_t,
    group: libc::pid_t,
    alive: bool,
}

fn read_stat(pid: libc::pid_t) -> Option<ProcessInfo> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid pgrp ...": comm may hold anything, so split after its last ')'.
    let after_comm = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_comm.split_whitespace();
    let state = fields.next()?;
    let parent = fields.next()?.parse().ok()?;
    let group = fields.next()?.parse().ok()?;
    Some(ProcessInfo {
        pid,
        parent,
        group,
        alive: !matches!(state, "Z" | "X"),
    })
}

fn all_processes() -> Vec<ProcessInfo> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter_map(read_stat)
        .collect()
}

/// The live processes that belong to the command: members of its group and every descendant
/// of tackle (wherever it went with `setsid`). Zombies do not count: a killed grandchild
/// reparented to an init that does not reap would otherwise look alive for ever.
pub fn live_processes(target: Target) -> Vec<libc::pid_t> {
    let group = match target {
        Target::Group(pgid) => Some(pgid),
        Target::Process(_) => None,
    };
    if let Some(pgid) = group {
        // SAFETY: signal 0 only checks whether the group exists.
        let group_exists = unsafe { libc::killpg(pgid, 0) } == 0;
        if !group_exists && peek_exited_child().is_none() {
            return Vec::new();
        }
    }
    let all = all_processes();
    let mut children: HashMap<libc::pid_t, Vec<usize>> = HashMap::new();
    for (i, process) in all.iter().enumerate() {
        children.entry(process.parent).or_default().push(i);
    }
    let mut found: Vec<libc::pid_t> = all
        .iter()
        .filter(|p| p.alive && Some(p.group) == group)
        .map(|p| p.pid)
        .collect();
    // SAFETY: getpid(2) cannot fail.
    let mut queue = vec![unsafe { libc::getpid() }];
    while let Some(parent) = queue.pop() {
        for &i in children.get(&parent).map(Vec::as_slice).unwrap_or_default() {
            let process = all[i];
            queue.push(process.pid);
            if process.alive && !found.contains(&process.pid) {
                found.push(process.pid);
            }
        }
    }
    found
}

/// Sends `signal` to every process in `pids` (those that left the command's group).
pub fn signal_each(pids: &[libc::pid_t], signal: libc::c_int) {
    for &pid in pids {
        Target::Process(pid).terminate(signal);
    }
}

/// Whether process `pid` is in process group `pgid`.
pub fn in_group(pid: libc::pid_t, pgid: libc::pid_t) -> bool {
    read_stat(pid).is_some_and(|p| p.group == pgid)
}

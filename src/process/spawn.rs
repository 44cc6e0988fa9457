//! Starting the child: the argv runs directly (no shell unless `--shell` built one), in its own
//! process group so that a timeout or a forwarded signal reaches everything it started (in
//! tackle's group under `--foreground`), and a failure to start maps to coreutils `timeout`'s
//! statuses: 127 when the program does not exist, 126 when it exists but cannot be run, 125
//! for anything else.
//!
//! Between fork and exec the child:
//! - asks for SIGKILL when tackle dies (`PR_SET_PDEATHSIG`), so that a tackle killed with
//!   SIGKILL (as Python's `subprocess.run(timeout=)` does) does not leave the command running;
//! - resets SIGTTIN and SIGTTOU to their defaults, as coreutils `timeout` does;
//! - applies the `--rlimit` limits.
//!
//! A program without `#!` that the kernel will not run (ENOEXEC) is run by `/bin/sh`, as
//! `execvp`, `env` and coreutils `timeout` do: the standard library execs with `execvp` on
//! this path.

use std::ffi::OsStr;
use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};

use super::Config;
use super::rlimit::Limit;
use crate::exit;

/// The command is found but cannot be invoked.
pub const NOT_EXECUTABLE: i32 = 126;
/// The command cannot be found.
pub const NOT_FOUND: i32 = 127;
/// tackle itself failed.
pub const TACKLE_FAILED: i32 = 125;

/// The child's command line, working directory, environment, process group and what it does
/// before exec; stdin, stdout and stderr are wired by the caller.
pub fn command(config: &Config) -> Command {
    let mut command = Command::new(&config.argv[0]);
    command.args(&config.argv[1..]);
    if !config.foreground {
        command.process_group(0);
    }
    if let Some(dir) = &config.cwd {
        command.current_dir(dir);
    }
    if config.clear_env {
        command.env_clear();
    }
    for (key, value) in &config.env {
        command.env(key, value);
    }
    // SAFETY: getpid(2) cannot fail.
    let parent = unsafe { libc::getpid() };
    let limits = config.rlimits.clone();
    // SAFETY: the closure runs in the child between fork and exec and makes only
    // async-signal-safe calls (prctl, getppid, _exit, signal, setrlimit); it allocates
    // nothing.
    unsafe {
        command.pre_exec(move || prepare_child(parent, &limits));
    }
    command
}

/// The child's side of the start: see the module docs.
fn prepare_child(parent: libc::pid_t, limits: &[Limit]) -> io::Result<()> {
    // SAFETY: all calls below are async-signal-safe and take valid arguments.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
        // tackle died before the line above: the death signal will never come.
        if libc::getppid() != parent {
            libc::_exit(TACKLE_FAILED);
        }
        libc::signal(libc::SIGTTIN, libc::SIG_DFL);
        libc::signal(libc::SIGTTOU, libc::SIG_DFL);
    }
    for limit in limits {
        limit.apply()?;
    }
    Ok(())
}

/// Spawns `command`, turning a failure into an error with the right exit status.
pub fn spawn(command: &mut Command, program: &OsStr) -> anyhow::Result<Child> {
    command.spawn().map_err(|e| start_failure(&e, program))
}

fn start_failure(err: &io::Error, program: &OsStr) -> anyhow::Error {
    let program = super::template::quote_word(std::os::unix::ffi::OsStrExt::as_bytes(program));
    match err.raw_os_error() {
        Some(libc::ENOENT) => exit::failure(NOT_FOUND, format!("command not found: {program}")),
        Some(
            libc::EACCES
            | libc::EPERM
            | libc::ENOEXEC
            | libc::EISDIR
            | libc::ETXTBSY
            | libc::ELOOP
            | libc::ENAMETOOLONG
            | libc::ENOTDIR
            | libc::E2BIG
            | libc::ELIBBAD,
        ) => exit::failure(NOT_EXECUTABLE, format!("cannot run {program}: {err}")),
        _ => exit::failure(TACKLE_FAILED, format!("cannot start {program}: {err}")),
    }
}

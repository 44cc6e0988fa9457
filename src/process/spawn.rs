//! Starting the child: the argv runs directly (no shell unless `--shell` built one), in its own
//! process group so that a timeout or a forwarded signal reaches everything it started, and a
//! failure to start maps to coreutils `timeout`'s statuses: 127 when the program does not
//! exist, 126 when it exists but cannot be run, 125 for anything else.

use std::ffi::OsStr;
use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};

use super::Config;
use crate::exit;

/// The command is found but cannot be invoked.
pub const NOT_EXECUTABLE: i32 = 126;
/// The command cannot be found.
pub const NOT_FOUND: i32 = 127;
/// tackle itself failed.
pub const TACKLE_FAILED: i32 = 125;

/// The child's command line, working directory, environment and process group; stdin,
/// stdout and stderr are wired by the caller.
pub fn command(config: &Config) -> Command {
    let mut command = Command::new(&config.argv[0]);
    command.args(&config.argv[1..]).process_group(0);
    if let Some(dir) = &config.cwd {
        command.current_dir(dir);
    }
    if config.clear_env {
        command.env_clear();
    }
    for (key, value) in &config.env {
        command.env(key, value);
    }
    command
}

/// Spawns `command`, turning a failure into an error with the right exit status.
pub fn spawn(command: &mut Command, program: &OsStr) -> anyhow::Result<Child> {
    command.spawn().map_err(|e| start_failure(&e, program))
}

fn start_failure(err: &io::Error, program: &OsStr) -> anyhow::Error {
    let program = program.to_string_lossy();
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

//! Exit statuses and error reporting.
//!
//! Subcommands return `anyhow::Result<()>`. Errors are printed once here as
//! `tackle: <subcommand>: <message>: <cause>`; a [`Failure`] anywhere in the chain picks the
//! exit status, a [`Silent`] exits without printing, and a broken pipe on our output ends
//! the program quietly with status 0 (the reader of `| head` has what it wanted).

use std::fmt::Display;
use std::io;

/// The command succeeded.
pub const SUCCESS: i32 = 0;
/// A runtime failure: I/O, network, bad input data.
pub const FAILURE: i32 = 1;
/// A usage error: bad flags or arguments.
pub const USAGE: i32 = 2;

/// An error that carries its own exit status.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub status: i32,
    pub message: String,
}

/// Exit with this status without printing anything: the subcommand has already said what
/// happened (or, like run-cmd mirroring its child, has nothing to add).
#[derive(Debug, thiserror::Error)]
#[error("exit status {0}")]
pub struct Silent(pub i32);

/// A usage error (exit status 2) with this message.
pub fn usage(message: impl Display) -> anyhow::Error {
    failure(USAGE, message)
}

/// An error with this exit status and message.
pub fn failure(status: i32, message: impl Display) -> anyhow::Error {
    Failure {
        status,
        message: message.to_string(),
    }
    .into()
}

/// True when the error comes from writing to a pipe whose reader has gone away.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Reports the outcome of subcommand `name` on stderr and returns the exit status.
pub fn status_of(name: &str, result: anyhow::Result<()>) -> i32 {
    let Err(err) = result else {
        return SUCCESS;
    };
    if let Some(Silent(status)) = err.chain().find_map(|c| c.downcast_ref::<Silent>()) {
        return *status;
    }
    if is_broken_pipe(&err) {
        return SUCCESS;
    }
    eprintln!("tackle: {name}: {err:#}");
    err.chain()
        .find_map(|c| c.downcast_ref::<Failure>())
        .map_or(FAILURE, |f| f.status)
}

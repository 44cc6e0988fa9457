//! Exit statuses and error reporting.
//!
//! Subcommands return `anyhow::Result<()>`. Errors are printed once here as
//! `tackle: <subcommand>: <message>: <cause>`; a [`Failure`] anywhere in the chain picks the
//! exit status, a [`Silent`] exits without printing, and a broken pipe on our output ends
//! the program quietly with status 0 (the reader of `| head` has what it wanted). A panic,
//! always a bug, is reported in one line by [`panic_report`] (the binary installs the hook).

use std::fmt::Display;
use std::io::{self, Write};

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

/// Standard output (or any writer standing for it) whose write errors say where they
/// happened, `cannot write to stdout: No space left on device`, keeping the
/// error's kind, so that a closed pipe is still a quiet exit.
pub struct Stdout<W>(pub W);

impl<W: Write> Write for Stdout<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(on_stdout)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf).map_err(on_stdout)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(on_stdout)
    }
}

fn on_stdout(e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!("cannot write to stdout: {}", system_words(&e)),
    )
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
    // A stderr that cannot be written (closed, full) must not turn the error into a panic.
    let _ = writeln!(io::stderr(), "tackle: {name}: {}", in_words(&err));
    status_carried_by(&err).unwrap_or(FAILURE)
}

/// The exit status a [`Failure`] somewhere in the error's chain asks for.
pub fn status_carried_by(err: &anyhow::Error) -> Option<i32> {
    err.chain()
        .find_map(|c| c.downcast_ref::<Failure>())
        .map(|f| f.status)
}

/// An error and its causes as `{:#}` writes them (`outer: cause: cause`), each system error in
/// [`system_words`]. Only the system errors themselves are touched: text tackle quotes (a
/// command's stderr, a server's reply) stays as it came.
pub fn in_words(err: &anyhow::Error) -> String {
    err.chain()
        .map(|cause| match cause.downcast_ref::<io::Error>() {
            Some(e) => system_words(e),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join(": ")
}

/// A system error in the system's own words, as coreutils print them, without std's
/// ` (os error N)`: the number is noise to a user.
pub fn system_words(e: &io::Error) -> String {
    without_os_error_codes(&e.to_string())
}

/// The text without std's ` (os error N)` after each system error it holds.
fn without_os_error_codes(text: &str) -> String {
    const MARK: &str = " (os error ";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        let after = &rest[at + MARK.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let is_code = digits > 0 && after[digits..].starts_with(')');
        let cut = if is_code { at } else { at + MARK.len() };
        out.push_str(&rest[..cut]);
        if !is_code {
            // Not a code after all: keep the mark as it was.
            rest = after;
            continue;
        }
        rest = &after[digits + 1..];
    }
    out.push_str(rest);
    out
}

/// Where a panic should be reported: the package's repository when Cargo.toml names one.
const REPORT_TO: &str = env!("CARGO_PKG_REPOSITORY");

/// What the panic hook prints: one line saying that tackle has a bug, what the panic said
/// and where, and where to report it; then the backtrace, only when one was captured (that
/// is, under `RUST_BACKTRACE`, as [`std::backtrace::Backtrace::capture`] decides).
pub fn panic_report(
    subcommand: Option<&str>,
    message: &str,
    location: Option<&str>,
    backtrace: &std::backtrace::Backtrace,
) -> String {
    let prefix = match subcommand {
        Some(name) => format!("tackle: {name}: "),
        None => "tackle: ".to_owned(),
    };
    let at = location.map(|l| format!(" at {l}")).unwrap_or_default();
    let report_to = if REPORT_TO.is_empty() {
        "to the tackle maintainers".to_owned()
    } else {
        format!("at {REPORT_TO}/issues")
    };
    let version = env!("CARGO_PKG_VERSION");
    let mut report = format!(
        "{prefix}internal error{at}: {message}. This is a bug in tackle {version}; \
         please report it {report_to}, with the command that caused it"
    );
    if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
        report.push_str(&format!("\nbacktrace:\n{backtrace}"));
    } else {
        report.push_str(" (RUST_BACKTRACE=1 adds a backtrace)");
    }
    report.push('\n');
    report
}

/// The text a panic was raised with (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "(no message)"
    }
}

#[cfg(test)]
mod tests {
    use std::backtrace::Backtrace;

    use super::*;

    #[test]
    fn stdout_errors_say_stdout_and_keep_their_kind() {
        struct Failing(io::ErrorKind);
        impl Write for Failing {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(self.0.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Err(self.0.into())
            }
        }
        let err = Stdout(Failing(io::ErrorKind::StorageFull))
            .write_all(b"x")
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        assert!(
            err.to_string().starts_with("cannot write to stdout: "),
            "{err}"
        );
        let closed = Stdout(Failing(io::ErrorKind::BrokenPipe))
            .flush()
            .unwrap_err();
        assert!(is_broken_pipe(&closed.into()));
    }

    #[test]
    fn os_error_codes_are_dropped_and_nothing_else() {
        assert_eq!(
            without_os_error_codes(
                "a.csv: cannot read: No such file or directory (os error 2); \
                 b: Permission denied (os error 13)"
            ),
            "a.csv: cannot read: No such file or directory; b: Permission denied"
        );
        for kept in [
            "x (os error )",
            "x (os error 2",
            "x (os error two)",
            "",
            "(os error 2",
        ] {
            assert_eq!(without_os_error_codes(kept), kept);
        }
    }

    proptest::proptest! {
        #[test]
        fn dropping_os_error_codes_never_panics_and_only_shortens(text in ".{0,80}") {
            let noisy = format!("{text} (os error 5){text}");
            let out = without_os_error_codes(&noisy);
            proptest::prop_assert!(out.len() < noisy.len());
            proptest::prop_assert!(without_os_error_codes(&text).len() <= text.len());
        }
    }

    #[test]
    fn a_panic_is_one_line_naming_the_bug_and_where_to_report_it() {
        let report = panic_report(
            Some("run-cmd"),
            "attempt to add with overflow",
            Some("src/process/run.rs:12:5"),
            &Backtrace::disabled(),
        );
        assert_eq!(report.lines().count(), 1, "{report}");
        assert!(
            report.starts_with(
                "tackle: run-cmd: internal error at src/process/run.rs:12:5: \
                 attempt to add with overflow. This is a bug in tackle "
            ),
            "{report}"
        );
        assert!(report.contains("please report it "), "{report}");
        assert!(
            report.ends_with("(RUST_BACKTRACE=1 adds a backtrace)\n"),
            "{report}"
        );
        assert!(!report.contains("panicked"), "{report}");
    }

    #[test]
    fn a_panic_before_the_subcommand_is_known_names_tackle_alone() {
        let report = panic_report(None, "boom", None, &Backtrace::disabled());
        assert!(
            report.starts_with("tackle: internal error: boom. "),
            "{report}"
        );
    }

    #[test]
    fn a_captured_backtrace_follows_the_line() {
        let report = panic_report(None, "boom", None, &Backtrace::force_capture());
        let mut lines = report.lines();
        assert!(lines.next().is_some_and(|l| l.contains("bug in tackle")));
        assert_eq!(lines.next(), Some("backtrace:"));
        assert!(lines.next().is_some(), "no frames: {report}");
        assert!(!report.contains("RUST_BACKTRACE=1 adds"), "{report}");
    }

    #[test]
    fn panic_payloads_of_both_string_kinds_are_read() {
        let owned: Box<dyn std::any::Any + Send> = Box::new(String::from("owned"));
        let literal: Box<dyn std::any::Any + Send> = Box::new("literal");
        let other: Box<dyn std::any::Any + Send> = Box::new(42);
        assert_eq!(panic_message(owned.as_ref()), "owned");
        assert_eq!(panic_message(literal.as_ref()), "literal");
        assert_eq!(panic_message(other.as_ref()), "(no message)");
    }
}

//! Logging to stderr, modelled on the recipes' format
//! `%(asctime)s - [%(levelname)s] [%(threadName)s] (%(module)s:%(lineno)d) %(message)s`.
//!
//! `-v`/`-q` pick the level; `TACKLE_LOG` (an `EnvFilter` directive such as `debug` or
//! `tackle::net=trace`) overrides them. `--log-format json` writes one JSON object per line.
//!
//! Lines are written to stderr as they come, except while a server's event loop runs
//! ([`write_without_blocking`]): then they go through a bounded queue that a thread of its own
//! writes out, so a stuck stderr (`-v 2>&1 | less`, paused) never stalls the loop. When the
//! queue is full, lines are dropped and counted, and a warning says how many once stderr moves
//! again.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use tracing::{Event, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `time - [LEVEL] [thread] (module:line) message`
    Text,
    /// One JSON object per line
    Json,
}

/// What the command line asked of logging: the level (`-v` count or `-q`) and the format.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub verbose: u8,
    pub quiet: bool,
    pub format: LogFormat,
}

/// The environment variable that overrides the level chosen by `-v`/`-q`.
pub const FILTER_ENV: &str = "TACKLE_LOG";

/// Installs the global logger. Safe to call once per process.
pub fn init(settings: Settings) {
    let asked = std::env::var(FILTER_ENV).ok();
    let filter = EnvFilter::new(directives(settings, asked.as_deref()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| StderrLine)
        .with_ansi(false);
    let installed = match settings.format {
        LogFormat::Text => builder.event_format(RecipeFormat).try_init(),
        LogFormat::Json => builder
            .json()
            .with_thread_names(true)
            .with_file(true)
            .with_line_number(true)
            .try_init(),
    };
    // A second init (only possible in tests that call into the library) keeps the first.
    drop(installed);
}

/// How many bytes of log lines may wait for a stuck stderr before lines are dropped.
const QUEUE_BYTES: usize = 256 * 1024;

/// Whether lines go through the queue.
static QUEUED: AtomicBool = AtomicBool::new(false);
static QUEUE: OnceLock<LogQueue> = OnceLock::new();

#[derive(Default)]
struct LogQueue {
    state: Mutex<QueueState>,
    /// Signals the writer thread that lines are waiting.
    waiting: Condvar,
    /// Signals [`flush`] that the queue is empty.
    empty: Condvar,
}

#[derive(Default)]
struct QueueState {
    lines: VecDeque<Vec<u8>>,
    bytes: usize,
    dropped: u64,
    writing: bool,
}

impl LogQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn push(&self, line: &[u8]) {
        let mut state = self.lock();
        if state.bytes + line.len() > QUEUE_BYTES {
            state.dropped += 1;
            return;
        }
        state.bytes += line.len();
        state.lines.push_back(line.to_vec());
        drop(state);
        self.waiting.notify_one();
    }

    /// The writer thread: blocks on stderr so that nobody else has to.
    fn write_out(&self) {
        loop {
            let mut state = self.lock();
            while state.lines.is_empty() {
                state = self
                    .waiting
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            let lines = std::mem::take(&mut state.lines);
            state.bytes = 0;
            state.writing = true;
            drop(state);
            let mut stderr = io::stderr().lock();
            for line in &lines {
                let _ = stderr.write_all(line);
            }
            drop(stderr);
            let mut state = self.lock();
            state.writing = false;
            let dropped = std::mem::take(&mut state.dropped);
            let empty = state.lines.is_empty();
            drop(state);
            if dropped > 0 {
                tracing::warn!(
                    dropped,
                    "{dropped} log line(s) dropped: stderr was not being read"
                );
            }
            if empty {
                self.empty.notify_all();
            }
        }
    }
}

/// From now on, log lines never block the caller (see the module docs). For servers, once
/// their listeners are set up; [`flush`] before writing anything else to stderr.
///
/// The writer thread starts with the first line: a quiet server stays single-threaded, and
/// glibc's system call wrappers are measurably cheaper in a single-threaded process.
pub fn write_without_blocking() {
    QUEUE.get_or_init(LogQueue::default);
    QUEUED.store(true, Ordering::SeqCst);
}

/// Starts the writer thread once; false if it cannot be started (lines then go directly).
fn writer_started(queue: &'static LogQueue) -> bool {
    static STARTED: OnceLock<bool> = OnceLock::new();
    *STARTED.get_or_init(|| {
        std::thread::Builder::new()
            .name("log-writer".to_owned())
            .spawn(move || queue.write_out())
            .is_ok()
    })
}

/// Waits (up to a few seconds) until queued lines are written, and writes directly again.
pub fn flush() {
    QUEUED.store(false, Ordering::SeqCst);
    let Some(queue) = QUEUE.get() else {
        return;
    };
    let mut state = queue.lock();
    while !state.lines.is_empty() || state.writing {
        let (next, timeout) = queue
            .empty
            .wait_timeout(state, Duration::from_secs(5))
            .unwrap_or_else(PoisonError::into_inner);
        state = next;
        if timeout.timed_out() {
            return;
        }
    }
}

/// One formatted log line on its way to stderr (the formatter writes a line in one call).
///
/// A line that stderr cannot take (closed, a full disk) is lost, never an error: told of one,
/// tracing-subscriber would report it with `eprintln!`, which panics on that same stderr.
struct StderrLine;

impl Write for StderrLine {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match QUEUE.get() {
            Some(queue) if QUEUED.load(Ordering::Relaxed) && writer_started(queue) => {
                queue.push(buf);
            }
            _ => {
                let _ = io::stderr().write_all(buf);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// rustls logs through the `log` crate, at warn level too, in Rust's debug text (`Received a
/// ApplicationData message while expecting [Handshake]`, `TLS alert warning received:
/// AlertMessagePayload { .. UnrecognizedName }`): words for its developers, about failures
/// tackle explains in its own error or log line. So it is held at errors only, whatever
/// `-v`/`-q` or a general `TACKLE_LOG` level say, unless `TACKLE_LOG` names it.
const RUSTLS_ERRORS_ONLY: &str = "rustls=error";

/// The filter: `TACKLE_LOG` when it parses, else the level `-v`/`-q` chose; rustls held at
/// errors unless `TACKLE_LOG` has a directive for it.
fn directives(settings: Settings, asked: Option<&str>) -> String {
    let base = match asked {
        Some(asked) if EnvFilter::builder().parse(asked).is_ok() => asked.trim(),
        _ => default_level(settings),
    };
    match (base.split(',').any(names_rustls), base.is_empty()) {
        (true, _) => base.to_owned(),
        (false, true) => RUSTLS_ERRORS_ONLY.to_owned(),
        (false, false) => format!("{base},{RUSTLS_ERRORS_ONLY}"),
    }
}

/// Whether a filter directive (`target[span{field}]=level`, or a bare level) is about
/// rustls or one of its modules.
fn names_rustls(directive: &str) -> bool {
    let target = directive
        .trim()
        .split(['[', '='])
        .next()
        .unwrap_or_default();
    target == "rustls" || target.starts_with("rustls::")
}

fn default_level(settings: Settings) -> &'static str {
    if settings.quiet {
        return "error";
    }
    match settings.verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    }
}

/// `2026-11-21 22:44:21,123 - [INFO] [main] (tackle::net::reactor:42) message`
struct RecipeFormat;

impl<S, N> FormatEvent<S, N> for RecipeFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        // A line rustls wrote through the `log` crate names its own module and line, not
        // the `log` shim's (`log:0`).
        let normalized = event.normalized_metadata();
        let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());
        let now = jiff::Zoned::now();
        let thread = std::thread::current();
        write!(
            writer,
            "{} - [{}] [{}] ({}:{}) ",
            now.strftime("%Y-%m-%d %H:%M:%S,%3f"),
            meta.level(),
            thread.name().unwrap_or("unnamed"),
            meta.module_path().unwrap_or_else(|| meta.target()),
            meta.line().unwrap_or(0),
        )?;
        ctx.format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(verbose: u8, quiet: bool) -> Settings {
        Settings {
            verbose,
            quiet,
            format: LogFormat::Text,
        }
    }

    #[test]
    fn rustls_is_held_at_errors_unless_tackle_log_names_it() {
        assert_eq!(directives(settings(0, false), None), "warn,rustls=error");
        assert_eq!(directives(settings(3, false), None), "trace,rustls=error");
        assert_eq!(directives(settings(0, true), None), "error,rustls=error");
        assert_eq!(
            directives(settings(0, false), Some("debug")),
            "debug,rustls=error"
        );
        assert_eq!(
            directives(settings(0, false), Some("tackle::net=trace,info")),
            "tackle::net=trace,info,rustls=error"
        );
        for named in ["info,rustls=debug", "rustls::check=warn", "rustls[x]=trace"] {
            assert_eq!(directives(settings(0, false), Some(named)), named);
        }
        // Other crates whose names start alike are not rustls.
        assert_eq!(
            directives(settings(0, false), Some("rustls_native_certs=debug")),
            "rustls_native_certs=debug,rustls=error"
        );
        // A filter that does not parse falls back to -v/-q, as before.
        assert_eq!(
            directives(settings(1, false), Some("no such=level=x")),
            "info,rustls=error"
        );
    }
}

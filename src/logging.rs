//! Logging to stderr, modelled on the recipes' format
//! `%(asctime)s - [%(levelname)s] [%(threadName)s] (%(module)s:%(lineno)d) %(message)s`.
//!
//! `-v`/`-q` pick the level; `TACKLE_LOG` (an `EnvFilter` directive such as `debug` or
//! `tackle::net=trace`) overrides them. `--log-format json` writes one JSON object per line.

use std::fmt;
use std::io;
use std::sync::OnceLock;

use tracing::{Event, Subscriber};
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

static FORMAT: OnceLock<LogFormat> = OnceLock::new();

/// Whether logs are JSON lines, so that other stderr output (a server's summary) can match.
pub fn is_json() -> bool {
    FORMAT.get() == Some(&LogFormat::Json)
}

/// Installs the global logger. Safe to call once per process.
pub fn init(settings: Settings) {
    let _ = FORMAT.set(settings.format);
    let filter = EnvFilter::try_from_env(FILTER_ENV)
        .unwrap_or_else(|_| EnvFilter::new(default_level(settings)));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr);
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
        let meta = event.metadata();
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

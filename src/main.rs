//! The `tackle` binary: parse the command line, set up logging, run one subcommand and turn
//! its result into an exit status. Everything else lives in the library crate.

use std::io::Write;

fn main() {
    report_panics_as_bugs(None);
    let args = tackle::cli::with_personality(std::env::args_os().collect());
    let cli = match tackle::cli::parse(&args) {
        Ok(cli) => cli,
        Err(err) => tackle::cli::exit_on_parse_error(err, &args),
    };
    tackle::logging::init(cli.global.log_settings());
    let name = cli.command.name();
    report_panics_as_bugs(Some(name));
    #[cfg(debug_assertions)]
    panic_when_a_test_asks();
    let result = cli.command.run(cli.global.log_format);
    std::process::exit(tackle::exit::status_of(name, result));
}

/// Replaces Rust's panic message (`thread 'main' panicked at ...` and a note about
/// `RUST_BACKTRACE`) with one line saying that this is a bug in tackle and where to report
/// it; the backtrace follows only under `RUST_BACKTRACE`. The exit status stays 101.
fn report_panics_as_bugs(subcommand: Option<&'static str>) {
    std::panic::set_hook(Box::new(move |info| {
        let location = info.location().map(ToString::to_string);
        let report = tackle::exit::panic_report(
            subcommand,
            tackle::exit::panic_message(info.payload()),
            location.as_deref(),
            &std::backtrace::Backtrace::capture(),
        );
        // Nowhere left to say it if stderr itself is gone.
        let _ = std::io::stderr().write_all(report.as_bytes());
    }));
}

/// Debug builds only: `TACKLE_TEST_PANIC=1` panics once the subcommand is known, so the tests
/// can check through the real binary what a user sees when tackle has a bug (no release build
/// reads this variable).
#[cfg(debug_assertions)]
fn panic_when_a_test_asks() {
    if std::env::var_os("TACKLE_TEST_PANIC").is_some_and(|v| v == "1") {
        panic!("panic asked for by TACKLE_TEST_PANIC");
    }
}

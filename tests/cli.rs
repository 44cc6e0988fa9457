//! The command-line surface shared by every subcommand: help, version, usage errors,
//! logging flags, generated completions and man pages, and quiet exits on a closed pipe.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{repo_root, tackle};

const SUBCOMMANDS: [&str; 7] = [
    "serve-echo",
    "serve-time",
    "cidr-expand",
    "csv-convert",
    "sendmail",
    "run-cmd",
    "connect",
];

#[test]
fn help_lists_every_subcommand_with_a_description() {
    let out = tackle(["--help"]).run();
    out.success().stderr_empty();
    for sub in SUBCOMMANDS {
        let line = out
            .stdout_str()
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{sub} ")))
            .unwrap_or_else(|| out.fail(&format!("no line for {sub}")));
        assert!(
            line.split_whitespace().count() > 2,
            "{sub} has no description: {line:?}"
        );
    }
    out.stdout_contains("Exit status:");
}

#[test]
fn every_subcommand_help_shows_examples() {
    for sub in SUBCOMMANDS {
        let out = tackle([sub, "--help"]).run();
        out.success()
            .stdout_contains("Examples:")
            .stdout_contains(&format!("tackle {sub}"));
        let via_help = tackle(["help", sub]).run();
        via_help.success();
        assert_eq!(via_help.stdout, out.stdout, "`tackle help {sub}` differs");
    }
}

#[test]
fn version_prints_the_package_version() {
    tackle(["--version"])
        .run()
        .success()
        .stdout_is(&format!("tackle {}\n", env!("CARGO_PKG_VERSION")));
}

/// The usage status each subcommand documents: sendmail follows sysexits.h, run-cmd
/// coreutils `timeout`, the rest 2.
fn usage_status(sub: &str) -> i32 {
    match sub {
        "sendmail" => 64,
        "run-cmd" => 125,
        _ => 2,
    }
}

/// For each subcommand, a flag that takes a value and a value it refuses.
const BAD_VALUES: [(&str, &str, &str); 7] = [
    ("serve-echo", "--threads", "0"),
    ("serve-time", "--format", "xml"),
    ("cidr-expand", "--limit", "many"),
    ("csv-convert", "--to", "xml"),
    ("sendmail", "--port", "99999"),
    ("run-cmd", "--timeout", "forever"),
    ("connect", "--wait", "soon"),
];

/// Asserts the one shape of a usage error the parser catches: `tackle: <sub>: <message>` on
/// one line (mentioning `needle`), the subcommand's usage, a pointer to its help; nothing on
/// stdout, no clap-style `error:` block, no blank line.
fn assert_usage_error_shape(out: &common::Outcome, sub: &str, needle: &str) {
    out.code(usage_status(sub));
    assert!(out.stdout.is_empty(), "usage error on stdout:\n{out}");
    let lines: Vec<&str> = out.stderr_str().lines().collect();
    let first = lines.first().copied().unwrap_or_default();
    if !first.starts_with(&format!("tackle: {sub}: ")) || !first.contains(needle) {
        out.fail(&format!(
            "first line is not `tackle: {sub}: ...{needle}...`"
        ));
    }
    if !lines
        .get(1)
        .is_some_and(|l| l.starts_with(&format!("Usage: tackle {sub} ")))
    {
        out.fail("second line is not the usage");
    }
    if lines.last() != Some(&format!("Try 'tackle {sub} --help' for more information.").as_str()) {
        out.fail("last line is not the pointer to --help");
    }
    if lines
        .iter()
        .any(|l| l.trim().is_empty() || l.starts_with("error:"))
    {
        out.fail("clap's own error layout leaked through");
    }
}

#[test]
fn an_unknown_flag_is_a_usage_error_in_tackles_shape() {
    for sub in SUBCOMMANDS {
        let out = tackle([sub, "--no-such-flag"]).run();
        assert_usage_error_shape(&out, sub, "unexpected argument '--no-such-flag'");
        let out = tackle(["-q", "--log-format", "json", sub, "--no-such-flag"]).run();
        assert_usage_error_shape(&out, sub, "'--no-such-flag'");
    }
}

#[test]
fn a_missing_value_is_a_usage_error_in_tackles_shape() {
    for (sub, flag, _) in BAD_VALUES {
        let out = tackle([sub, flag]).run();
        assert_usage_error_shape(&out, sub, &format!("a value is required for '{flag} "));
    }
}

#[test]
fn a_bad_value_is_a_usage_error_in_tackles_shape() {
    for (sub, flag, value) in BAD_VALUES {
        let out = tackle([sub, flag, value]).run();
        assert_usage_error_shape(&out, sub, &format!("invalid value '{value}' for '{flag} "));
    }
}

#[test]
fn a_usage_error_keeps_clap_tips_on_its_one_line() {
    let out = tackle(["cidr-expand", "--host", "10.0.0.0/30"]).run();
    assert_usage_error_shape(
        &out,
        "cidr-expand",
        "'--host' found; a similar argument exists: '--hosts'",
    );
    let out = tackle(["run-cmd"]).run();
    assert_usage_error_shape(
        &out,
        "run-cmd",
        "required arguments were not provided: <PROGRAM>",
    );
}

#[test]
fn an_unknown_subcommand_is_a_usage_error_in_tackles_shape() {
    let out = tackle(["frobnicate"]).run();
    out.code(2);
    assert_eq!(
        out.stderr_str(),
        "tackle: unrecognized subcommand 'frobnicate'\n\
         Usage: tackle [OPTIONS] <COMMAND>\n\
         Try 'tackle --help' for more information.\n",
        "{out}"
    );
}

#[test]
fn an_unwritable_stderr_does_not_turn_an_error_into_a_panic() {
    for args in [
        vec!["cidr-expand", "10.0.0.0/33"],
        vec!["cidr-expand", "--bogus"],
    ] {
        let out = Command::new(common::bin())
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(dev_full())
            .status()
            .expect("run tackle");
        assert!(
            matches!(out.code(), Some(1 | 2)),
            "{args:?} with stderr on /dev/full: {out:?}"
        );
    }
}

#[test]
fn every_help_page_lists_the_global_options_last_under_one_heading() {
    let globals = [
        "--verbose",
        "--quiet",
        "--log-format",
        "--help",
        "--version",
    ];
    let pages = SUBCOMMANDS
        .iter()
        .flat_map(|sub| [vec![*sub, "--help"], vec![*sub, "-h"]])
        .chain([vec!["--help"], vec!["-h"]]);
    for args in pages {
        let out = tackle(&args).run();
        out.success();
        let sections = help_sections(out.stdout_str());
        let with_flags: Vec<&str> = sections
            .iter()
            .filter(|(_, flags)| !flags.is_empty())
            .map(|(heading, _)| heading.as_str())
            .collect();
        if with_flags.last() != Some(&"Global options:")
            || with_flags
                .iter()
                .filter(|h| **h == "Global options:")
                .count()
                != 1
        {
            out.fail(&format!("flag sections in order {with_flags:?}"));
        }
        for (heading, flags) in &sections {
            for flag in globals {
                let listed = flags.iter().any(|f| f == flag);
                if listed != (heading == "Global options:") {
                    out.fail(&format!("{flag} listed={listed} under {heading}"));
                }
            }
        }
    }
}

/// A help page's sections up to its closing text (from `Examples:` or `Exit status:` on): each
/// heading (an unindented line ending in `:`) with the long flags its lines define (lines
/// indented at most 6 spaces that start with `-`).
fn help_sections(text: &str) -> Vec<(String, Vec<String>)> {
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        if line == "Examples:" || line == "Exit status:" {
            break;
        } else if indent == 0 && line.ends_with(':') {
            sections.push((line.to_owned(), Vec::new()));
        } else if (1..=6).contains(&indent) && line.trim_start().starts_with('-') {
            let Some(start) = line.find("--") else {
                continue;
            };
            let name: String = line[start..]
                .chars()
                .take_while(|c| *c == '-' || c.is_ascii_alphanumeric())
                .collect();
            if let Some((_, flags)) = sections.last_mut() {
                flags.push(name);
            }
        }
    }
    sections
}

#[test]
fn no_arguments_prints_help_and_fails_as_usage() {
    tackle(Vec::<&str>::new())
        .run()
        .code(2)
        .stderr_contains("Usage: tackle");
}

#[test]
fn closed_stdout_ends_help_quietly() {
    for args in [
        vec!["--help"],
        vec!["cidr-expand", "--help"],
        vec!["--version"],
    ] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = output_with_stdout(&args, Stdio::from(writer));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert!(out.stderr.is_empty(), "{args:?} printed: {out:?}");
    }
}

#[test]
fn help_that_cannot_be_written_is_an_error() {
    for args in [vec!["--help"], vec!["run-cmd", "--help"], vec!["--version"]] {
        let out = output_with_stdout(&args, Stdio::from(dev_full()));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with("tackle: cannot write to stdout: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

/// Output a full disk refuses is a runtime failure that says it was stdout, in every
/// subcommand that writes there, with the subcommand's status for it: 1; sendmail's EX_IOERR;
/// run-cmd's command's own status, or 125 when the command succeeded but its report is lost.
/// A closed pipe stays a quiet success.
#[test]
fn output_that_cannot_be_written_says_stdout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("data.csv");
    std::fs::write(&csv, "a,b\n1,2\n").expect("write data.csv");
    let csv = csv.to_str().expect("UTF-8 temp path");
    let mail = [
        "--dry-run",
        "--from",
        "a@example.org",
        "--to",
        "b@example.org",
    ];
    for (args, status) in [
        (vec!["cidr-expand", "10.0.0.0/30"], 1),
        (vec!["csv-convert", csv, "--to", "jsonl"], 1),
        (vec!["run-cmd", "--json", "--", "true"], 125),
        (
            vec![
                "run-cmd",
                "--quiet-unless-failed",
                "--",
                "sh",
                "-c",
                "echo x; exit 3",
            ],
            3,
        ),
        ([&["sendmail"][..], &mail, &["--body", "x"]].concat(), 74),
    ] {
        let out = output_with_stdout(&args, Stdio::from(dev_full()));
        assert_eq!(out.status.code(), Some(status), "{args:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with(&format!("tackle: {}: ", args[0]))
                && stderr.contains("cannot write to stdout: No space left on device"),
            "{args:?}: {stderr}"
        );

        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = output_with_stdout(&args, Stdio::from(writer));
        assert!(
            matches!(out.status.code(), Some(0 | 3)),
            "{args:?} on a closed pipe: {out:?}"
        );
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("stdout"),
            "{args:?}: {out:?}"
        );
    }
}

/// Log lines, a server's summary and run-cmd's `--check` message lost to a stderr that cannot
/// take them (a full disk): the run ends as it would have, never in a panic (status 101).
#[test]
fn what_an_unwritable_stderr_loses_changes_no_outcome() {
    for (args, code) in [
        (vec!["-vvv", "cidr-expand", "10.0.0.0/30"], 0),
        (
            vec!["-vvv", "--log-format", "json", "cidr-expand", "10.0.0.0/30"],
            0,
        ),
        (vec!["-vvv", "run-cmd", "--", "true"], 0),
        (
            vec!["-vvv", "run-cmd", "--timeout", "10ms", "--", "sleep", "5"],
            124,
        ),
    ] {
        let status = with_stderr_on_dev_full(&args).status().expect("run tackle");
        assert_eq!(status.code(), Some(code), "{args:?}: {status:?}");
    }
    // --check says why before dying of the command's signal; unsaid, it still dies of it.
    let args = ["run-cmd", "--check", "--", "sh", "-c", "kill -TERM $$"];
    let status = with_stderr_on_dev_full(&args).status().expect("run tackle");
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    // A server that logs a connection, then ends on SIGTERM with its summary.
    for args in [
        &["-v", "serve-echo", "--tcp", "0"][..],
        &["-v", "--log-format", "json", "serve-time", "--tcp", "0"],
    ] {
        let mut child = with_stderr_on_dev_full(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn tackle");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the listening line");
        let addr = line
            .trim_end()
            .strip_prefix("listening tcp ")
            .unwrap_or_else(|| panic!("{args:?}: {line:?}"));
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream.write_all(b"x").expect("send");
        stream
            .shutdown(std::net::Shutdown::Write)
            .expect("half-close");
        let _ = stream.read_to_end(&mut Vec::new());
        // SAFETY: kill(2) on our own child with a valid signal.
        assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
        let status = child.wait().expect("wait for the server");
        assert_eq!(status.code(), Some(0), "{args:?}: {status:?}");
    }
}

/// tackle with stdin and stdout on /dev/null and stderr on /dev/full.
fn with_stderr_on_dev_full(args: &[&str]) -> Command {
    let mut cmd = Command::new(common::bin());
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(dev_full());
    cmd
}

/// Runs tackle with stdout going where the test says and stderr captured.
fn output_with_stdout(args: &[&str], stdout: Stdio) -> std::process::Output {
    Command::new(common::bin())
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("run tackle")
}

/// `/dev/full`, where every write fails with ENOSPC.
fn dev_full() -> std::fs::File {
    std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full")
}

#[test]
fn verbose_logs_go_to_stderr_in_the_recipe_format() {
    let out = tackle(["-v", "generate", "gen"]).run();
    out.success();
    assert!(out.stdout.is_empty(), "logs leaked to stdout:\n{out}");
    let line = out.stderr_str().lines().next().unwrap_or_default();
    // 2026-11-21 22:44:21,123 - [INFO] [main] (tackle::generate:27) wrote gen/...
    let (time, rest) = line
        .split_once(" - ")
        .unwrap_or_else(|| out.fail("no time"));
    assert_eq!(time.len(), "2026-11-21 22:44:21,123".len(), "{line}");
    assert!(
        rest.starts_with("[INFO] [main] (tackle::generate:"),
        "{line}"
    );
    assert!(rest.contains(") wrote gen/"), "{line}");
}

#[test]
fn quiet_and_default_levels_hide_info_logs() {
    tackle(["generate", "gen"]).run().success().stderr_empty();
    tackle(["-q", "generate", "gen"])
        .run()
        .success()
        .stderr_empty();
}

#[test]
fn tackle_log_overrides_the_level() {
    tackle(["generate", "gen"])
        .env("TACKLE_LOG", "info")
        .run()
        .success()
        .stderr_contains("[INFO]");
}

#[test]
fn json_logs_are_one_object_per_line() {
    let out = tackle(["-v", "--log-format", "json", "generate", "gen"]).run();
    out.success();
    let lines: Vec<_> = out.stderr_str().lines().collect();
    assert!(!lines.is_empty(), "no logs:\n{out}");
    for line in lines {
        let value: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| out.fail(&format!("not JSON ({e}): {line}")));
        assert_eq!(value["level"], "INFO", "{line}");
        assert!(value["timestamp"].is_string(), "{line}");
        assert!(value["threadName"].is_string(), "{line}");
        assert!(value["line_number"].is_number(), "{line}");
    }
}

#[test]
fn checked_in_completions_and_man_pages_are_current() {
    let out = tackle(["generate", "gen"]).run();
    out.success();
    let generated = out.dir.path().join("gen");
    let root = repo_root();
    let regenerate = "regenerate them with `cargo run -- generate .` and commit the result";
    for dir in ["completions", "man"] {
        let fresh = listing(&generated.join(dir));
        let checked_in = listing(&root.join(dir));
        assert_eq!(
            fresh, checked_in,
            "{dir}/ holds a different set of files than the CLI generates: {regenerate}"
        );
        for name in fresh {
            let want = std::fs::read(generated.join(dir).join(&name)).expect("read generated");
            let have = std::fs::read(root.join(dir).join(&name)).unwrap_or_default();
            assert!(want == have, "{dir}/{name} is stale: {regenerate}");
        }
    }
}

#[test]
fn man_page_documents_exit_statuses() {
    let page = std::fs::read_to_string(repo_root().join("man/tackle.1")).expect("man/tackle.1");
    assert!(
        page.contains("Exit status"),
        "man/tackle.1 lacks exit statuses"
    );
    for sub in SUBCOMMANDS {
        let path = repo_root().join(format!("man/tackle-{sub}.1"));
        assert!(path.exists(), "missing {}", path.display());
    }
}

#[test]
fn every_man_page_the_top_page_names_exists() {
    let page = std::fs::read_to_string(repo_root().join("man/tackle.1")).expect("man/tackle.1");
    // roff escapes the dashes: tackle\-run\-cmd(1)
    let plain = page.replace("\\-", "-");
    let named: Vec<&str> = plain
        .match_indices("(1)")
        .filter_map(|(end, _)| plain[..end].rsplit(char::is_whitespace).next())
        .filter(|name| name.starts_with("tackle-"))
        .collect();
    assert_eq!(named.len(), SUBCOMMANDS.len(), "{named:?}");
    for name in named {
        let path = repo_root().join(format!("man/{name}.1"));
        assert!(
            path.exists(),
            "man/tackle.1 names {name}(1), which does not exist"
        );
    }
}

fn listing(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| {
                    e.expect("dir entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A bug in tackle reaches the user as one line saying so, not Rust's `thread 'main'
/// panicked at` block; the backtrace comes only when asked for. (Debug builds panic on
/// request through `TACKLE_TEST_PANIC=1`, read nowhere in a release build.)
#[test]
fn a_panic_is_reported_as_a_bug_in_one_line_with_the_backtrace_on_request() {
    let out = tackle(["cidr-expand", "10.0.0.0/30"])
        .env("TACKLE_TEST_PANIC", "1")
        .run();
    out.code(101);
    let stderr = out.stderr_str();
    assert_eq!(stderr.lines().count(), 1, "{out}");
    assert!(
        stderr.starts_with("tackle: cidr-expand: internal error at src/main.rs:"),
        "{out}"
    );
    assert!(
        stderr.contains(": panic asked for by TACKLE_TEST_PANIC. This is a bug in tackle "),
        "{out}"
    );
    assert!(
        stderr.ends_with("with the command that caused it (RUST_BACKTRACE=1 adds a backtrace)\n"),
        "{out}"
    );
    assert!(!stderr.contains("panicked"), "{out}");
    assert!(out.stdout.is_empty(), "{out}");

    let traced = tackle(["cidr-expand", "10.0.0.0/30"])
        .env("TACKLE_TEST_PANIC", "1")
        .env("RUST_BACKTRACE", "1")
        .run();
    traced.code(101);
    let stderr = traced.stderr_str();
    let mut lines = stderr.lines();
    assert!(
        lines
            .next()
            .is_some_and(|l| l.contains("This is a bug in tackle")),
        "{traced}"
    );
    assert_eq!(lines.next(), Some("backtrace:"), "{traced}");
    assert!(stderr.contains("panic_when_a_test_asks"), "{traced}");
    assert!(!stderr.contains("panicked"), "{traced}");
}

/// System errors read as the system's words, as coreutils print them, without std's
/// ` (os error N)` after them.
#[test]
fn system_errors_carry_no_os_error_numbers() {
    let out = tackle(["csv-convert", "missing.csv"]).run();
    out.code(1);
    assert_eq!(
        out.stderr_str(),
        "tackle: csv-convert: cannot open missing.csv: No such file or directory\n"
    );
    let out = tackle(["connect", "--auth-key-file", "missing.key", "127.0.0.1:1"]).run();
    out.code(1);
    assert!(
        out.stderr_str()
            .ends_with("missing.key: cannot read: No such file or directory\n"),
        "{out}"
    );
    let out = tackle([
        "sendmail",
        "--dry-run",
        "--from=a@example.org",
        "--to=b@example.org",
        "--attach=missing.txt",
    ])
    .run();
    assert_eq!(
        out.stderr_str(),
        "tackle: sendmail: --attach missing.txt: cannot read: No such file or directory\n",
        "{out}"
    );
}

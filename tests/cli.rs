//! The command-line surface shared by every subcommand: help, version, usage errors,
//! logging flags, generated completions and man pages, and quiet exits on a closed pipe.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{repo_root, tackle};

const SUBCOMMANDS: [&str; 6] = [
    "serve-echo",
    "serve-time",
    "cidr-expand",
    "csv-convert",
    "sendmail",
    "run-cmd",
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

#[test]
fn unknown_subcommand_is_a_usage_error() {
    tackle(["frobnicate"])
        .run()
        .code(2)
        .stderr_contains("unrecognized subcommand 'frobnicate'");
}

#[test]
fn unknown_flag_is_a_usage_error_with_the_subcommands_usage_status() {
    for sub in SUBCOMMANDS {
        let status = match sub {
            "sendmail" => 64,
            "run-cmd" => 125,
            _ => 2,
        };
        tackle([sub, "--no-such-flag"])
            .run()
            .code(status)
            .stderr_contains("--no-such-flag");
        tackle(["-q", "--log-format", "json", sub, "--no-such-flag"])
            .run()
            .code(status);
    }
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
        let out = Command::new(common::bin())
            .args(&args)
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .output()
            .expect("run tackle");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert!(out.stderr.is_empty(), "{args:?} printed: {out:?}");
    }
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

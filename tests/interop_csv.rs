//! Interoperability stage for `tackle csv-convert` (built with `--features interop`, run by
//! `.ci/run` after `cargo test`): the public CSV conformance suites (csv-spectrum and
//! csv-test-data, read from `$TACKLE_CONFORMANCE` or `../shared/conformance`, never copied
//! into the project), and live differential runs against the `python3` on PATH (its `csv`
//! module and codecs) on random inputs. `cargo test` covers the same behaviours without them
//! through the generated vectors in `csv_data/vectors.rs`.

mod common;

use std::path::PathBuf;

use common::{repo_root, tackle};
use serde_json::{Value, json};

/// The public CSV suites: `$TACKLE_CONFORMANCE` when set (`.ci/run` sets it for a clone
/// made away from `../shared`), else `../shared/conformance` beside the repository. Missing
/// suites fail the tests that need them, naming where they were looked for.
fn conformance() -> PathBuf {
    let dir = std::env::var_os("TACKLE_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/conformance"));
    assert!(
        dir.is_dir(),
        "the CSV conformance suites are not at {}; set TACKLE_CONFORMANCE to the shared \
         conformance directory",
        dir.display()
    );
    dir
}

fn parse_json(out: &common::Outcome) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| out.fail(&format!("stdout is not JSON: {e}")))
}

/// `csv-convert FILE FLAGS... --to json`, which must succeed: its output, parsed.
fn to_json(file: &str, flags: &[&str]) -> Value {
    let mut args = vec!["csv-convert", file];
    args.extend_from_slice(flags);
    args.extend(["--to", "json"]);
    let out = tackle(&args).run();
    out.success();
    parse_json(&out)
}

fn names_in(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(conformance().join(dir))
        .unwrap_or_else(|e| panic!("read {dir}: {e}"))
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter_map(|n| n.strip_suffix(".csv").map(str::to_owned))
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------- conformance suites

#[test]
fn csv_spectrum_reads_as_its_expected_json() {
    let names = names_in("csv-spectrum/csvs");
    assert!(names.len() >= 10, "csv-spectrum looks empty: {names:?}");
    for name in names {
        let csv = conformance().join(format!("csv-spectrum/csvs/{name}.csv"));
        let expected: Value = serde_json::from_slice(
            &std::fs::read(conformance().join(format!("csv-spectrum/json/{name}.json")))
                .expect("expected json"),
        )
        .expect("expected json parses");
        let out = tackle([
            "csv-convert".as_ref(),
            csv.as_os_str(),
            "--to".as_ref(),
            "json".as_ref(),
        ])
        .run();
        out.success();
        assert_eq!(parse_json(&out), expected, "{name}");
    }
}

/// csv-test-data files whose expected JSON encodes a blank line as `[""]`; Python's
/// `csv.reader` gives `[]` for a blank line (and `DictReader` skips it), and so do we.
const BLANK_LINE_FILES: [&str; 2] = ["empty-one-column", "all-empty"];

#[test]
fn csv_test_data_valid_files_read_as_their_expected_json() {
    let names = names_in("csv-test-data/csv");
    let mut checked = 0;
    for name in names {
        if name.starts_with("bad-") || BLANK_LINE_FILES.contains(&name.as_str()) {
            continue;
        }
        let csv = conformance().join(format!("csv-test-data/csv/{name}.csv"));
        let expected: Value = serde_json::from_slice(
            &std::fs::read(conformance().join(format!("csv-test-data/json/{name}.json")))
                .expect("expected json"),
        )
        .expect("expected json parses");
        let mut args = vec![
            "csv-convert".to_owned(),
            csv.to_string_lossy().into_owned(),
            "--to".into(),
            "json".into(),
        ];
        if !name.starts_with("header-") {
            args.push("--no-header".into());
        }
        let out = tackle(&args).run();
        out.success();
        assert_eq!(parse_json(&out), expected, "{name}");
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} files checked");
}

#[test]
fn blank_lines_read_as_python_does_not_as_the_suite_expects() {
    let file = |name: &str| {
        conformance()
            .join(format!("csv-test-data/csv/{name}.csv"))
            .to_string_lossy()
            .into_owned()
    };
    // `foo\n\n`: csv.reader gives [['foo'], []].
    assert_eq!(
        to_json(&file("empty-one-column"), &["--no-header"]),
        json!([["foo"], []])
    );
    // DictReader skips the blank line: a header and no rows.
    assert_eq!(to_json(&file("empty-one-column"), &[]), json!([]));
    // `\n\n`: csv.reader gives [[], []].
    assert_eq!(
        to_json(&file("all-empty"), &["--no-header"]),
        json!([[], []])
    );
    // And CSV to CSV keeps blank lines as blank lines.
    tackle(["csv-convert", "--no-header"])
        .stdin("foo\n\nbar\n")
        .run()
        .success()
        .stdout_is("foo\n\nbar\n");
}

fn bad(name: &str) -> String {
    conformance()
        .join(format!("csv-test-data/csv/bad-{name}.csv"))
        .to_string_lossy()
        .into_owned()
}

#[test]
fn bad_quotes_fail_under_strict_and_read_leniently_without() {
    for name in ["missing-quote", "quotes-with-unescaped-quote"] {
        tackle(["csv-convert", &bad(name), "--strict", "--to", "json"])
            .run()
            .code(1)
            .stderr_contains("tackle: csv-convert: record 2 (line 2")
            .stderr_contains("--strict");
    }
    // Python: [['foo','bar','baz'], ['1', 'I forgot to close this one,3']] (quote never closes).
    assert_eq!(
        to_json(&bad("missing-quote"), &["--no-header", "--flexible"]),
        json!([["foo", "bar", "baz"], ["1", "I forgot to close this one,3"]])
    );
    assert_eq!(
        to_json(&bad("quotes-with-unescaped-quote"), &[]),
        json!([{"foo": "1", "bar": "Hey, I missed  it\"", "baz": "3"}])
    );
}

#[test]
fn an_unescaped_quote_inside_an_unquoted_field_is_literal_even_under_strict() {
    assert_eq!(
        to_json(&bad("unescaped-quote"), &["--strict"]),
        json!([{"foo": "1", "bar": "This \"quotes\" must be escaped", "baz": "3"}])
    );
}

#[test]
fn ragged_rows_fail_by_default_and_pass_with_flexible() {
    tackle(["csv-convert", &bad("header-less-fields"), "--to", "json"])
        .run()
        .code(1)
        .stderr_contains("record 2 (line 2) has 2 fields, but the header has 3")
        .stderr_contains("--flexible");
    tackle(["csv-convert", &bad("header-more-fields")])
        .run()
        .code(1)
        .stderr_contains("record 2 (line 2) has 4 fields, but the header has 3");
    assert_eq!(
        to_json(&bad("header-less-fields"), &["--flexible"]),
        json!([{"foo": "1", "bar": "2", "baz": ""}])
    );
    assert_eq!(
        to_json(&bad("header-more-fields"), &["--flexible"]),
        json!([{"foo": "1", "bar": "2", "baz": "3", "_extra": ["4"]}])
    );
    tackle(["csv-convert", &bad("header-more-fields"), "--flexible"])
        .run()
        .success()
        .stdout_is("foo,bar,baz\n1,2,3,4\n");
    tackle([
        "csv-convert",
        &bad("header-less-fields"),
        "--flexible",
        "--restval",
        "?",
        "--restkey",
        "more",
        "--to",
        "jsonl",
    ])
    .run()
    .success()
    .stdout_is("{\"foo\":\"1\",\"bar\":\"2\",\"baz\":\"?\"}\n");
}

#[test]
fn schema_files_are_not_errors() {
    tackle(["csv-convert", &bad("header-no-header"), "--to", "json"])
        .run()
        .success()
        .stdout_is("[]\n");
    tackle(["csv-convert", &bad("header-no-header")])
        .run()
        .success()
        .stdout_is("");
    assert_eq!(to_json(&bad("header-wrong-header"), &[]), json!([]));
}

// ---------------------------------------------------------------- live differential runs

/// Runs `tests/csv_data/differential/SCRIPT.py SEED COUNT` against the binary under test and
/// asserts it found no difference from Python.
fn differential(script: &str, seed: u32, count: u32) {
    let path = repo_root().join(format!("tests/csv_data/differential/{script}.py"));
    let out = std::process::Command::new("python3")
        .arg(&path)
        .args([seed.to_string(), count.to_string()])
        .current_dir(repo_root())
        .env("TACKLE", common::bin())
        .output()
        .expect("run python3 (the interop stage needs it on PATH)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success()
            && stdout
                .lines()
                .last()
                .is_some_and(|l| l.starts_with("fails 0")),
        "{script}.py found differences from Python:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_reader_agrees_with_python_on_random_input() {
    differential("reader", 17, 400);
}

#[test]
fn the_writer_agrees_with_python_on_random_rows() {
    differential("writer", 17, 300);
}

#[test]
fn csv_to_csv_agrees_with_python_on_random_dialects() {
    differential("csv2csv", 17, 300);
}

#[test]
fn the_sniffer_agrees_with_python_on_random_samples() {
    differential("sniff", 17, 200);
}

#[test]
fn encodings_agree_with_python_both_ways() {
    differential("encodings", 17, 400);
}

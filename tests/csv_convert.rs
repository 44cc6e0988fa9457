//! `tackle csv-convert` through the real binary: byte vectors from CPython 3.11's `csv` module
//! and codecs (the reader, `DictReader`, the sniffer, the writer in every quoting / escapechar /
//! doublequote combination, and every encoding in and out), JSON in and out, column types,
//! nesting, round trips, every error path, atomic `-o` and what it refuses. The public CSV
//! suites are read by the interop stage (`interop_csv.rs`); what they check is in the vectors.

mod common;

use std::path::PathBuf;

use common::tackle;
use serde_json::{Value, json};

fn parse_json(out: &common::Outcome) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| out.fail(&format!("stdout is not JSON: {e}")))
}

/// `csv-convert - FLAGS... --to json` on `input`, which must succeed: its output, parsed.
fn stdin_to_json(input: &str, flags: &[&str]) -> Value {
    let mut args = vec!["csv-convert"];
    args.extend_from_slice(flags);
    args.extend(["--to", "json"]);
    let out = tackle(&args).stdin(input).run();
    out.success();
    parse_json(&out)
}

// ---------------------------------------------------------------- what the public suites check

#[test]
fn ragged_rows_fail_by_default_and_pass_with_flexible() {
    tackle(["csv-convert", "--to", "json"])
        .stdin("foo,bar,baz\n1,2")
        .run()
        .code(1)
        .stderr_contains("record 2 (line 2) has 2 fields, but the header has 3")
        .stderr_contains("--flexible");
    tackle(["csv-convert"])
        .stdin("foo,bar,baz\n1,2,3,4")
        .run()
        .code(1)
        .stderr_contains("record 2 (line 2) has 4 fields, but the header has 3");
    tackle(["csv-convert", "--no-header"])
        .stdin("a,b\n\nc\n")
        .run()
        .code(1)
        .stderr_contains("record 3 (line 3) has 1 field, but the first record has 2");
    tackle(["csv-convert", "--flexible"])
        .stdin("foo,bar,baz\n1,2,3,4")
        .run()
        .success()
        .stdout_is("foo,bar,baz\n1,2,3,4\n");
}

#[test]
fn bad_quotes_name_the_record_under_strict() {
    for input in [
        "foo,bar,baz\n1,\"never closed,3",
        "foo,bar,baz\n1,\"stray \" quote\",3",
    ] {
        tackle(["csv-convert", "--strict", "--flexible", "--to", "json"])
            .stdin(input)
            .run()
            .code(1)
            .stderr_contains("tackle: csv-convert: record 2 (line 2")
            .stderr_contains("--strict");
    }
}

#[test]
fn an_empty_input_or_a_bare_header_is_not_an_error() {
    assert_eq!(stdin_to_json("", &[]), json!([]));
    tackle(["csv-convert"])
        .stdin("")
        .run()
        .success()
        .stdout_is("");
    // A header that is not the one expected is no concern of a converter.
    assert_eq!(stdin_to_json("qux,quux,quuz", &[]), json!([]));
}

#[test]
fn blank_lines_read_as_python_does() {
    // csv.reader gives [] for a blank line (the csv-test-data suite expects [""]: we follow
    // Python); DictReader skips it.
    assert_eq!(
        stdin_to_json("foo\n\n", &["--no-header"]),
        json!([["foo"], []])
    );
    assert_eq!(stdin_to_json("foo\n\n", &[]), json!([]));
    assert_eq!(stdin_to_json("\n\n", &["--no-header"]), json!([[], []]));
    // And CSV to CSV keeps blank lines as blank lines.
    tackle(["csv-convert", "--no-header"])
        .stdin("foo\n\nbar\n")
        .run()
        .success()
        .stdout_is("foo\n\nbar\n");
}

// ---------------------------------------------------------------- Python byte vectors

include!("csv_data/vectors.rs");

/// Runs `csv-convert BASE... FLAGS... --to json` on each vector's input: Python's rows, or an
/// error naming a record where Python raised `csv.Error`.
fn check_row_vectors(vectors: &[(&str, &[&str], Option<&str>)], base: &[&str]) {
    for (input, flags, expected) in vectors {
        let mut args = vec!["csv-convert"];
        args.extend_from_slice(base);
        args.extend_from_slice(flags);
        args.extend(["--to", "json"]);
        let out = tackle(&args).stdin(*input).run();
        match expected {
            Some(rows) => {
                out.success();
                let want: Value = serde_json::from_str(rows).expect("vector parses");
                assert_eq!(parse_json(&out), want, "input {input:?} flags {flags:?}");
            }
            None => {
                out.code(1);
                assert!(
                    out.stderr_str().starts_with("tackle: csv-convert: record "),
                    "input {input:?} flags {flags:?}:\n{out}"
                );
            }
        }
    }
}

#[test]
fn the_reader_matches_python_csv_reader() {
    check_row_vectors(READER_VECTORS, &["--no-header", "--flexible"]);
}

#[test]
fn the_writer_matches_python_csv_writer_in_every_mode() {
    for (quoting, escapechar, doublequote, expected) in WRITER_VECTORS {
        let mut args = vec!["csv-convert", "--from", "jsonl", "--quoting", quoting];
        if let Some(esc) = escapechar {
            args.extend(["--out-escapechar", esc]);
        }
        if !doublequote {
            args.push("--out-no-doublequote");
        }
        let out = tackle(&args).stdin(WRITER_INPUT).run();
        let label =
            format!("quoting {quoting}, escapechar {escapechar:?}, doublequote {doublequote}");
        match expected {
            Some(bytes) => {
                out.success();
                assert_eq!(out.stdout_str(), *bytes, "{label}");
            }
            None => {
                out.code(1).stderr_contains("no --out-escapechar is set");
            }
        }
    }
}

#[test]
fn dict_reader_rows_match_python() {
    check_row_vectors(DICT_VECTORS, &[]);
}

#[test]
fn the_sniffer_reads_samples_as_python_csv_sniffer_does() {
    for (sample, expected) in SNIFF_VECTORS {
        let out = tackle(["csv-convert", "--sniff", "--flexible", "--to", "json"])
            .stdin(*sample)
            .run();
        match expected {
            Some(rows) => {
                out.success();
                let want: Value = serde_json::from_str(rows).expect("vector parses");
                assert_eq!(parse_json(&out), want, "sample {sample:?}");
            }
            None => {
                out.code(1).stderr_contains("--sniff could not");
            }
        }
    }
}

#[test]
fn output_encodings_write_what_python_writes() {
    for (input, flags, expected) in ENCODE_VECTORS {
        let mut args = vec!["csv-convert"];
        args.extend_from_slice(flags);
        let out = tackle(&args).stdin(*input).run();
        match expected {
            Some(bytes) => {
                out.success();
                assert_eq!(
                    out.stdout.as_slice(),
                    *bytes,
                    "flags {flags:?}: got {:?}",
                    String::from_utf8_lossy(&out.stdout)
                );
            }
            None => {
                out.code(1)
                    .stderr_contains("cannot be written in")
                    .stderr_contains("use --lossy");
            }
        }
    }
}

#[test]
fn input_encodings_read_as_python_decodes_them() {
    for (bytes, encoding, expected, offset, lossy) in DECODE_VECTORS {
        let args = [
            "csv-convert",
            "--encoding",
            encoding,
            "--no-header",
            "--flexible",
            "--to",
            "json",
        ];
        let out = tackle(args).stdin(bytes.to_vec()).run();
        let label = format!(
            "--encoding {encoding} on {:?}",
            String::from_utf8_lossy(bytes)
        );
        match expected {
            Some(rows) => {
                out.success();
                let want: Value = serde_json::from_str(rows).expect("vector parses");
                assert_eq!(parse_json(&out), want, "{label}");
            }
            None => {
                out.code(1)
                    .stderr_contains("invalid ")
                    .stderr_contains(&format!("at byte offset {offset}; use --lossy"));
            }
        }
        let out = tackle(args.iter().chain(&["--lossy"]))
            .stdin(bytes.to_vec())
            .run();
        out.success();
        let want: Value = serde_json::from_str(lossy).expect("vector parses");
        assert_eq!(parse_json(&out), want, "{label} --lossy");
    }
}

#[test]
fn quoting_none_names_the_field_it_cannot_escape() {
    tackle(["csv-convert", "--out-quoting", "none"])
        .stdin("a,b\n1,\"x,y\"\n")
        .run()
        .code(1)
        .stderr_contains(
            "record 2, field 2 (\"b\"): need to escape ',', but no --out-escapechar is set",
        );
}

#[test]
fn dialect_presets_and_line_terminators_are_pythons() {
    // csv.writer(f) (excel): CRLF; unix_dialect: LF and every field quoted.
    tackle(["csv-convert", "--out-dialect", "excel"])
        .stdin("a,b\n1,x y\n")
        .run()
        .success()
        .stdout_is("a,b\r\n1,x y\r\n");
    tackle(["csv-convert", "--out-dialect", "unix"])
        .stdin("a,b\n1,2\n")
        .run()
        .success()
        .stdout_is("\"a\",\"b\"\n\"1\",\"2\"\n");
    tackle([
        "csv-convert",
        "--out-dialect",
        "excel-tab",
        "--line-terminator",
        "lf",
    ])
    .stdin("a,b\n1,x\ty\n")
    .run()
    .success()
    .stdout_is("a\tb\n1\t\"x\ty\"\n");
    tackle(["csv-convert", "--dialect", "excel-tab"])
        .stdin("a\tb\n1,2\t3\n")
        .run()
        .success()
        .stdout_is("a,b\n\"1,2\",3\n");
}

#[test]
fn a_record_of_one_empty_field_is_written_quoted() {
    // Python: writer.writerow(['']) writes "" so that it does not read back as [].
    tackle(["csv-convert", "--no-header"])
        .stdin("\"\"\nx\n")
        .run()
        .success()
        .stdout_is("\"\"\nx\n");
    tackle([
        "csv-convert",
        "--from",
        "jsonl",
        "--quoting",
        "none",
        "--out-escapechar",
        "\\",
    ])
    .stdin("{\"a\":\"\"}\n")
    .run()
    .code(1)
    .stderr_contains("a single empty field must be quoted");
}

#[test]
fn carriage_returns_are_always_quoted_unlike_python_3_11_with_lf() {
    // 3.11 writes `a\rb` bare under lineterminator='\n', which reads back as two records.
    tackle(["csv-convert", "--from", "jsonl", "--to", "csv"])
        .stdin("{\"x\":\"a\\rb\"}\n")
        .run()
        .success()
        .stdout_is("x\n\"a\rb\"\n");
}

// ---------------------------------------------------------------- reading details

#[test]
fn line_endings_bom_and_quoted_newlines() {
    let out = tackle(["csv-convert", "--to", "json"])
        .stdin("\u{feff}h1,h2\r\n\"multi\r\nline\",2\rlone,cr\n")
        .run();
    out.success();
    assert_eq!(
        parse_json(&out),
        json!([{"h1": "multi\r\nline", "h2": "2"}, {"h1": "lone", "h2": "cr"}])
    );
}

#[test]
fn comments_are_skipped_when_asked() {
    tackle(["csv-convert", "--comment", "#"])
        .stdin("# generated\na,b\n#x,y\n1,2\n")
        .run()
        .success()
        .stdout_is("a,b\n1,2\n");
}

#[test]
fn delimiter_quotechar_and_skipinitialspace_flags() {
    tackle([
        "csv-convert",
        "-d",
        ";",
        "--quotechar",
        "'",
        "--skipinitialspace",
    ])
    .stdin("a; b\n'x;y';  z\n")
    .run()
    .success()
    .stdout_is("a,b\nx;y,z\n");
    tackle(["csv-convert", "-d", "tab", "--to", "tsv"])
        .stdin("a\tb\n1\t2\n")
        .run()
        .success()
        .stdout_is("a\tb\n1\t2\n");
}

#[test]
fn quoting_none_reads_quotes_as_text_and_escapes_outside_them() {
    let out = tackle([
        "csv-convert",
        "--no-header",
        "--quoting",
        "none",
        "--escapechar",
        "\\",
        "--to",
        "json",
    ])
    .stdin("\"a\",b\\,c\n")
    .run();
    out.success();
    assert_eq!(parse_json(&out), json!([["\"a\"", "b,c"]]));
}

#[test]
fn quoting_nonnumeric_reads_unquoted_fields_as_numbers() {
    let out = tackle(["csv-convert", "--quoting", "nonnumeric", "--to", "jsonl"])
        .stdin("\"a\",\"b\",\"c\",\"d\"\n1,\"1\",2.50,+3\n 1_000 ,\"x\",.5,\"\"\n")
        .run();
    out.success().stdout_is(
        "{\"a\":1,\"b\":\"1\",\"c\":2.50,\"d\":3.0}\n{\"a\":1000.0,\"b\":\"x\",\"c\":0.5,\"d\":\"\"}\n",
    );
    // Nonnumeric in and out keeps numbers unquoted, strings quoted, text as written.
    tackle(["csv-convert", "--quoting", "nonnumeric"])
        .stdin("\"a\",\"b\"\n1.0,\"x\"\n")
        .run()
        .success()
        .stdout_is("\"a\",\"b\"\n1.0,\"x\"\n");
    tackle([
        "csv-convert",
        "--quoting",
        "nonnumeric",
        "--out-quoting",
        "minimal",
    ])
    .stdin("\"a\",\"b\"\n1.0,\"x\"\n")
    .run()
    .success()
    .stdout_is("a,b\n1.0,x\n");
}

#[test]
fn a_non_numeric_unquoted_field_under_nonnumeric_is_an_error_with_its_position() {
    tackle(["csv-convert", "--quoting", "nonnumeric"])
        .stdin("\"a\",\"b\"\n1,2\n3,abc\n")
        .run()
        .code(1)
        .stderr_contains("record 3 (line 3), field 2: unquoted field \"abc\" is not a number");
    // Named like every other csv error: record, line, field (and its name).
    tackle(["csv-convert", "--quoting", "nonnumeric", "--to", "json"])
        .stdin("\"a\",\"b\"\n1,2\n\"x\",nan\n")
        .run()
        .code(1)
        .stderr_contains(
            "tackle: csv-convert: record 3 (line 3), field 2 (\"b\"): \"nan\" is not a finite \
             number, and JSON has no NaN or Infinity",
        );
}

#[test]
fn unquoted_header_names_under_nonnumeric_are_refused_in_every_format() {
    for to in ["csv", "tsv", "json", "jsonl"] {
        tackle(["csv-convert", "--quoting", "nonnumeric", "--to", to])
            .stdin("1,\"b\"\n2,\"x\"\n")
            .run()
            .code(1)
            .stderr_contains(
                "record 1 (line 1), field 1: the header name \"1\" is not quoted; with \
                 --quoting nonnumeric",
            );
    }
    // Quoted names that look like numbers are names.
    tackle(["csv-convert", "--quoting", "nonnumeric", "--to", "jsonl"])
        .stdin("\"1\",\"b\"\n2,\"x\"\n")
        .run()
        .success()
        .stdout_is("{\"1\":2,\"b\":\"x\"}\n");
}

#[test]
fn sniffing_counts_non_ascii_digits_as_numbers_as_python_does() {
    // Full-width and Arabic-Indic digits are numbers to Python's complex(): the first row,
    // of letters, is then a header.
    for digits in ["１,２\n３,４\n", "١,٢\n٣,٤\n"] {
        let out = tackle(["csv-convert", "--sniff", "--to", "json"])
            .stdin(format!("a,b\n{digits}"))
            .run();
        out.success();
        let rows = parse_json(&out);
        assert!(rows[0].is_object(), "no header found in {digits:?}: {rows}");
    }
    tackle(["csv-convert", "--quoting", "nonnumeric", "--to", "jsonl"])
        .stdin("\"a\"\n１２\n")
        .run()
        .success()
        .stdout_is("{\"a\":12.0}\n");
}

#[test]
fn invalid_utf8_names_record_line_and_byte_unless_lossy() {
    tackle(["csv-convert", "--to", "json"])
        .stdin(b"a,b\n1,2\n\"x\ny\",ok\xff\n".to_vec())
        .run()
        .code(1)
        .stderr_contains(
            "invalid UTF-8 in record 3 (line 4) at byte offset 16; name the input's encoding \
             with --encoding, or use --lossy",
        );
    // A sequence cut short by the end of input.
    tackle(["csv-convert"])
        .stdin(b"a\n\xe2\x82".to_vec())
        .run()
        .code(1)
        .stderr_contains("at byte offset 2;");
    let out = tackle(["csv-convert", "--lossy", "--to", "json"])
        .stdin(b"a,b\n1,\xff2\n".to_vec())
        .run();
    out.success();
    assert_eq!(parse_json(&out), json!([{"a": "1", "b": "\u{fffd}2"}]));
}

#[test]
fn sniff_finds_delimiter_quotechar_and_header() {
    let out = tackle(["-v", "csv-convert", "--sniff", "--to", "json"])
        .stdin("name;age\n'Smith; J';42\nDoe;37\nRoe;29\n")
        .run();
    out.success()
        .stderr_contains("sniffed delimiter ';', quotechar '\\'', skipinitialspace false, doublequote false, header yes");
    assert_eq!(
        parse_json(&out),
        json!([{"name": "Smith; J", "age": "42"}, {"name": "Doe", "age": "37"}, {"name": "Roe", "age": "29"}])
    );
    let out = tackle(["csv-convert", "--sniff", "--to", "json"])
        .stdin("1|2|3\n4|5|6\n7|8|9\n")
        .run();
    out.success();
    assert_eq!(
        parse_json(&out),
        json!([["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]])
    );
    // Python's Sniffer cannot place a delimiter here either.
    tackle(["csv-convert", "--sniff"])
        .stdin("a\nbb\nccc\n")
        .run()
        .code(1)
        .stderr_contains("could not determine the delimiter");
}

// ---------------------------------------------------------------- JSON out

#[test]
fn json_values_are_strings_unless_types_are_inferred() {
    let input = "id,zip,score,ok,empty,big,sci\n1,0050,2.5,true,,1e400,-1.5E3\n";
    let out = tackle(["csv-convert", "--to", "json"]).stdin(input).run();
    out.success();
    assert_eq!(
        parse_json(&out)[0],
        json!({"id": "1", "zip": "0050", "score": "2.5", "ok": "true", "empty": "", "big": "1e400", "sci": "-1.5E3"})
    );
    let out = tackle(["csv-convert", "--to", "jsonl", "--infer-types"])
        .stdin(input)
        .run();
    out.success().stdout_is(
        "{\"id\":1,\"zip\":\"0050\",\"score\":2.5,\"ok\":true,\"empty\":null,\"big\":\"1e400\",\"sci\":-1.5E3}\n",
    );
    tackle(["csv-convert", "--to", "jsonl", "--infer-types"])
        .stdin("a,b,c,d\n+1,NaN,-0,99999999999999999999\n")
        .run()
        .success()
        .stdout_is("{\"a\":\"+1\",\"b\":\"NaN\",\"c\":\"-0\",\"d\":\"99999999999999999999\"}\n");
}

#[test]
fn json_strings_escape_controls_and_keep_unicode() {
    tackle(["csv-convert", "--to", "jsonl"])
        .stdin("k\n\"tab\there \"\"q\"\" back\\ \u{1}é😀\"\n")
        .run()
        .success()
        .stdout_is("{\"k\":\"tab\\there \\\"q\\\" back\\\\ \\u0001é😀\"}\n");
}

#[test]
fn duplicate_headers_fail_unless_deduped() {
    tackle(["csv-convert", "--to", "json"])
        .stdin("a,b,a\n1,2,3\n")
        .run()
        .code(1)
        .stderr_contains("duplicate column name \"a\" (columns 1 and 3); use --dedupe-headers");
    tackle(["csv-convert", "--to", "jsonl", "--dedupe-headers"])
        .stdin("a,a_2,a,a\n1,2,3,4\n")
        .run()
        .success()
        .stdout_is("{\"a\":\"1\",\"a_2\":\"2\",\"a_3\":\"3\",\"a_4\":\"4\"}\n");
    // CSV output does not need unique names.
    tackle(["csv-convert"])
        .stdin("a,a\n1,2\n")
        .run()
        .success()
        .stdout_is("a,a\n1,2\n");
}

#[test]
fn columns_select_and_reorder_csv() {
    tackle(["csv-convert", "--columns", "c,a"])
        .stdin("a,b,c\n1,2,3\n")
        .run()
        .success()
        .stdout_is("c,a\n3,1\n");
    tackle(["csv-convert", "--sort-columns", "--to", "jsonl"])
        .stdin("b,c,a\n1,2,3\n")
        .run()
        .success()
        .stdout_is("{\"a\":\"3\",\"b\":\"1\",\"c\":\"2\"}\n");
    tackle(["csv-convert", "--no-header", "--columns", "2,1"])
        .stdin("x,y\n")
        .run()
        .success()
        .stdout_is("y,x\n");
    tackle(["csv-convert", "--columns", "nope"])
        .stdin("a,b\n1,2\n")
        .run()
        .code(1)
        .stderr_contains("no column named \"nope\"; the header has a, b");
    tackle(["csv-convert", "--no-header", "--columns", "a"])
        .stdin("x\n")
        .run()
        .code(1)
        .stderr_contains("1-based column numbers");
}

// ---------------------------------------------------------------- JSON in

#[test]
fn json_arrays_and_lines_become_csv() {
    let array = r#"[ {"name": "Ann", "age": 31, "tags": ["a", {"k": "v\n"}], "ok": true, "x": null},
                     {"age": 1.50, "name": "Bob \"B\"", "ok": false, "x": {}, "tags": []} ]"#;
    tackle(["csv-convert", "--from", "json"])
        .stdin(array)
        .run()
        .success()
        .stdout_is(
            "name,age,tags,ok,x\nAnn,31,\"[\"\"a\"\",{\"\"k\"\":\"\"v\\n\"\"}]\",true,\n\"Bob \"\"B\"\"\",1.50,[],false,{}\n",
        );
    tackle(["csv-convert", "-", "--from", "jsonl", "--to", "tsv"])
        .stdin("{\"a\":\"x\\ty\",\"b\":\"\\u00e9\\ud83d\\ude00\"}\n\n{\"b\":2,\"a\":1}\n")
        .run()
        .success()
        .stdout_is("a\tb\n\"x\ty\"\té😀\n1\t2\n");
    tackle(["csv-convert", "--from", "json"])
        .stdin(" [ ] ")
        .run()
        .success()
        .stdout_is("");
}

#[test]
fn objects_after_the_first_convert_alike_whatever_their_shape() {
    // The first object fixes the columns; later ones holding exactly them in order take a
    // faster path than the rest. Both must give the same CSV.
    let input = concat!(
        "{\"a\":1,\"b\":\"x\"}\n",
        "{\"b\":\"y\",\"a\":2}\n",
        "{\"a\":\"q\\\"\\n\",\"b\":null}\n",
        "{\"a\":true}\n",
        "{ \"a\" : -1.5e3 , \"b\" : \"\\u00e9,\" }  \n",
        "{\"a\":[1,{\"k\":\"v\"}],\"b\":\"Z\u{fc}rich\"}\n",
    );
    tackle(["csv-convert", "--from", "jsonl"])
        .stdin(input)
        .run()
        .success()
        .stdout_is(
            "a,b\n1,x\n2,y\n\"q\"\"\n\",\ntrue,\n-1.5e3,\"\u{e9},\"\n\"[1,{\"\"k\"\":\"\"v\"\"}]\",Z\u{fc}rich\n",
        );
    tackle(["csv-convert", "--from", "jsonl", "--quoting", "nonnumeric"])
        .stdin(input)
        .run()
        .success()
        .stdout_is(
            "\"a\",\"b\"\n1,\"x\"\n2,\"y\"\n\"q\"\"\n\",\"\"\ntrue,\"\"\n-1.5e3,\"\u{e9},\"\n\"[1,{\"\"k\"\":\"\"v\"\"}]\",\"Z\u{fc}rich\"\n",
        );
}

#[test]
fn errors_after_the_first_object_name_their_line() {
    let pretty_array =
        "[\n {\n  \"a\": 1,\n  \"b\": 2\n },\n {\n  \"a\": 3,\n  \"b\": 4\n },\n 5\n]";
    let cases: &[(&str, &str, &str)] = &[
        (
            "jsonl",
            "{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":\"y\"}\n{\"a\":01,\"b\":\"z\"}\n",
            "line 3: \"01\" is not a valid number",
        ),
        (
            "jsonl",
            "{\"a\":1,\"b\":2}\n{\"a\":1,\"b\":2} {\"a\":3}\n",
            "line 2: expected a new line after the object",
        ),
        (
            "jsonl",
            "{\"a\":1,\"b\":2}\n{\"a\":1,\"b\":2}\n\n{\"a\":1,\"b\":2,\"c\":3}\n",
            "line 4: key \"c\" is not one of the columns",
        ),
        ("json", pretty_array, "line 10: element 3 is not an object"),
    ];
    each_fails_with(cases);
    let mut bad_utf8 = b"{\"a\":1,\"b\":2}\n{\"a\":1,\"b\":\"".to_vec();
    bad_utf8.extend_from_slice(b"\xff\"}\n");
    tackle(["csv-convert", "--from", "jsonl"])
        .stdin(bad_utf8)
        .run()
        .code(1)
        .stderr_contains("record 2 (line 2): invalid UTF-8 at byte offset 26; name the input's encoding with --encoding, or use --lossy");
}

#[test]
fn invalid_utf8_in_json_names_record_line_and_byte() {
    // A cp1252 file read as UTF-8: the offset is the byte's own, after escapes, after a UTF-8
    // BOM, and past the first read buffer.
    let long = "x".repeat(200_000);
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "json",
            b"[{\"a\":\"caf\xe9\"}]".to_vec(),
            "record 1 (line 1): invalid UTF-8 at byte offset 10;",
        ),
        (
            "json",
            b"[{\"a\":\"ok\"},\n {\"a\":\"\\n\\u00e9\xe9\"}]".to_vec(),
            "record 2 (line 2): invalid UTF-8 at byte offset 28;",
        ),
        (
            "jsonl",
            b"\xef\xbb\xbf{\"\xe9\":1}\n".to_vec(),
            "record 1 (line 1): invalid UTF-8 at byte offset 5;",
        ),
        (
            "jsonl",
            [b"{\"a\":\"", long.as_bytes(), b"\xe9\"}\n"].concat(),
            "record 1 (line 1): invalid UTF-8 at byte offset 200006;",
        ),
    ];
    for (format, input, message) in cases {
        tackle(["csv-convert", "--from", format, "--to", "csv"])
            .stdin(input)
            .run()
            .code(1)
            .stderr_contains(message);
    }
}

#[test]
fn json_to_json_keeps_types() {
    tackle(["csv-convert", "--from", "jsonl", "--to", "jsonl"])
        .stdin("{\"a\":1.50,\"b\":null,\"c\":[1, 2],\"d\":true,\"e\":\"s\"}\n")
        .run()
        .success()
        .stdout_is("{\"a\":1.50,\"b\":null,\"c\":[1,2],\"d\":true,\"e\":\"s\"}\n");
}

#[test]
fn unknown_keys_fail_with_key_and_line_unless_unioned_or_ignored() {
    let input = "{\"a\":1,\"b\":2}\n{\"a\":3}\n{\"c\":4,\"a\":5}\n";
    tackle(["csv-convert", "--from", "jsonl"])
        .stdin(input)
        .run()
        .code(1)
        .stderr_contains(
            "line 3: key \"c\" is not one of the columns (a, b); use --union-keys to add it or --ignore-extra to drop it",
        );
    tackle([
        "csv-convert",
        "--from",
        "jsonl",
        "--ignore-extra",
        "--restval",
        "NA",
    ])
    .stdin(input)
    .run()
    .success()
    .stdout_is("a,b\n1,2\n3,NA\n5,NA\n");
    tackle(["csv-convert", "--from", "jsonl", "--union-keys"])
        .stdin(input)
        .run()
        .success()
        .stdout_is("a,b,c\n1,2,\n3,,\n5,,4\n");
    let out = tackle([
        "csv-convert",
        "in.jsonl",
        "--union-keys",
        "--sort-columns",
        "-o",
        "out.csv",
    ])
    .file("in.jsonl", "{\"z\":1}\n{\"b\":2}\n")
    .run();
    out.success().stdout_is("");
    assert_eq!(
        std::fs::read_to_string(out.dir.path().join("out.csv")).expect("out.csv"),
        "b,z\n,1\n2,\n"
    );
    tackle(["csv-convert", "--from", "jsonl", "--columns", "b,a"])
        .stdin(input)
        .run()
        .code(1)
        .stderr_contains("key \"c\" is not one of the columns (b, a)");
}

/// Runs `csv-convert --from FORMAT` on each `(format, input, message)` and expects status 1
/// with the message on stderr.
fn each_fails_with(cases: &[(&str, &str, &str)]) {
    for (format, input, message) in cases {
        tackle(["csv-convert", "--from", format])
            .stdin(*input)
            .run()
            .code(1)
            .stderr_contains(message);
    }
}

#[test]
fn bad_json_is_an_error_with_its_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "json",
            "{\"a\":1}",
            "expected '[' starting an array, found '{'",
        ),
        (
            "json",
            "[{\"a\":1},\n 2]",
            "line 2: element 2 is not an object",
        ),
        (
            "json",
            "[{\"a\":1}\n\n{\"a\":2}]",
            "line 3: expected ',' or ']' after an array element",
        ),
        (
            "json",
            "[{\"a\":1}] x",
            "expected the end of input after the array",
        ),
        (
            "jsonl",
            "{\"a\":1} {\"a\":2}\n",
            "expected a new line after the object",
        ),
        ("jsonl", "{\"a\":01}\n", "\"01\" is not a valid number"),
        (
            "jsonl",
            "{\"a\":\"x\n",
            "control character 0x0a in a string must be escaped",
        ),
        ("jsonl", "{\"a\":\"\\ud800\"}\n", "lone UTF-16 surrogate"),
        ("jsonl", "{\"a\":tru}\n", "expected true, false or null"),
        ("jsonl", "{\"a\" 1}\n", "expected ':' after an object key"),
        ("jsonl", "{\"a\":\"x", "unterminated string"),
    ];
    each_fails_with(cases);
    let deep = "[".repeat(200) + &"]".repeat(200);
    tackle(["csv-convert", "--from", "jsonl"])
        .stdin(format!("{{\"a\":{deep}}}\n"))
        .run()
        .code(1)
        .stderr_contains("nested deeper than 128 levels");
}

// ---------------------------------------------------------------- round trips, files, pipes

#[test]
fn csv_to_json_to_csv_round_trips() {
    let original = "id,text,note\n1,\"a, b\",\"multi\nline\"\n2,\"quote \"\"q\"\"\",\n3,é, lead\n";
    let json = tackle(["csv-convert", "--to", "json"])
        .stdin(original)
        .run();
    json.success();
    tackle(["csv-convert", "--from", "json"])
        .stdin(json.stdout.clone())
        .run()
        .success()
        .stdout_is(original);
    let jsonl = tackle(["csv-convert", "--to", "jsonl", "--infer-types"])
        .stdin(original)
        .run();
    jsonl.success();
    tackle(["csv-convert", "--from", "jsonl"])
        .stdin(jsonl.stdout.clone())
        .run()
        .success()
        .stdout_is(original);
}

#[test]
fn formats_follow_file_extensions() {
    let out = tackle(["csv-convert", "in.tsv", "-o", "out.jsonl"])
        .file("in.tsv", "a\tb\n1\t2\n")
        .run();
    out.success();
    assert_eq!(
        std::fs::read_to_string(out.dir.path().join("out.jsonl")).expect("out"),
        "{\"a\":\"1\",\"b\":\"2\"}\n"
    );
    let out = tackle(["csv-convert", "rows.ndjson", "-o", "rows.json"])
        .file("rows.ndjson", "{\"a\":1}\n")
        .run();
    out.success();
    assert_eq!(
        std::fs::read_to_string(out.dir.path().join("rows.json")).expect("out"),
        "[\n{\"a\":1}\n]\n"
    );
}

#[test]
fn a_failure_midway_leaves_the_old_output_intact() {
    let mut input = String::from("a,b\n");
    for i in 0..50_000 {
        input.push_str(&format!("{i},row {i}\n"));
    }
    input.push_str("ragged\n");
    let out = tackle(["csv-convert", "in.csv", "-o", "out.json"])
        .file("in.csv", &input)
        .file("out.json", "old contents\n")
        .run();
    out.code(1)
        .stderr_contains("record 50002 (line 50002) has 1 field");
    assert_eq!(
        std::fs::read_to_string(out.dir.path().join("out.json")).expect("out.json"),
        "old contents\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(out.dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn output_replaces_the_file_on_success_keeping_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let run = tackle(["csv-convert", "in.csv", "-o", "out.csv", "--quoting", "all"])
        .file("in.csv", "a\n1\n")
        .file("out.csv", "old\n");
    let path = run.dir().join("out.csv");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let out = run.run();
    out.success().stdout_is("");
    assert_eq!(
        std::fs::read_to_string(&path).expect("out"),
        "\"a\"\n\"1\"\n"
    );
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn output_to_a_fifo_or_device_is_written_in_place_not_replaced() {
    use std::io::Read;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let run =
        tackle(["csv-convert", "in.csv", "-o", "pipe", "--to", "jsonl"]).file("in.csv", "a\n1\n");
    let fifo = run.dir().join("pipe");
    let c_path = std::ffi::CString::new(fifo.to_str().expect("utf-8 path")).expect("path");
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    // A non-blocking reader lets tackle's open for writing succeed at once; the small output
    // then sits in the pipe until we read it after tackle has exited.
    let mut reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .expect("open fifo for reading");
    let out = run.run();
    out.success().stdout_is("");
    let mut got = String::new();
    reader.read_to_string(&mut got).expect("read fifo");
    assert_eq!(got, "{\"a\":\"1\"}\n");
    let kind = std::fs::symlink_metadata(&fifo).expect("meta").file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by a {kind:?}");
}

#[test]
fn output_through_a_symlink_replaces_the_file_it_names() {
    let run = tackle([
        "csv-convert",
        "in.csv",
        "-o",
        "link.csv",
        "--quoting",
        "all",
    ])
    .file("in.csv", "a\n1\n")
    .file("real.csv", "old\n");
    std::os::unix::fs::symlink("real.csv", run.dir().join("link.csv")).expect("symlink");
    let dir = run.dir().to_owned();
    let out = run.run();
    out.success();
    assert!(
        std::fs::symlink_metadata(dir.join("link.csv"))
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("real.csv")).expect("real"),
        "\"a\"\n\"1\"\n"
    );
}

#[test]
fn missing_input_and_unwritable_output_are_errors() {
    tackle(["csv-convert", "nope.csv"])
        .run()
        .code(1)
        .stderr_contains("tackle: csv-convert: cannot open nope.csv: No such file or directory");
    tackle(["csv-convert", "-o", "no/such/dir/out.csv"])
        .stdin("a\n")
        .run()
        .code(1)
        .stderr_contains("cannot create a temporary file in no/such/dir");
}

/// Each `csv-convert FLAGS...` (with `file` written beside it) fails with status 2 and says
/// `message`.
fn each_is_a_usage_error(cases: &[(&[&str], &str)], file: Option<(&str, &str)>) {
    for (flags, message) in cases {
        let mut args = vec!["csv-convert"];
        args.extend_from_slice(flags);
        let mut run = tackle(&args).stdin("a\n");
        if let Some((name, contents)) = file {
            run = run.file(name, contents);
        }
        run.run().code(2).stderr_contains(message);
    }
}

#[test]
fn usage_errors_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["-d", "ab"], "expected one character"),
        (&["-d", "é"], "is not ASCII"),
        (&["-d", "\""], "the delimiter and the quotechar must differ"),
        (&["--out-delimiter", "\n"], "cannot be CR or LF"),
        (
            &["--from", "json", "--sniff"],
            "--sniff applies to CSV input only",
        ),
        (&["--union-keys"], "--union-keys applies to JSON input only"),
        (
            &["--infer-types"],
            "--infer-types applies to JSON output only",
        ),
        (&["--quoting", "sometimes"], "invalid value 'sometimes'"),
        (&["--columns", "a,,b"], "empty column name"),
        (
            &["--columns", "a", "--union-keys", "--from", "json"],
            "cannot be used with",
        ),
    ];
    each_is_a_usage_error(cases, None);
}

#[test]
fn closed_stdout_ends_quietly() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut input = String::from("a,b\n");
    for i in 0..200_000 {
        input.push_str(&format!("{i},{i}\n"));
    }
    for to in ["csv", "jsonl"] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let mut child = Command::new(common::bin())
            .args(["csv-convert", "--to", to])
            .stdin(Stdio::piped())
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut stdin = child.stdin.take().expect("stdin");
        let data = input.clone();
        let feeder = std::thread::spawn(move || drop(stdin.write_all(data.as_bytes())));
        let out = child.wait_with_output().expect("wait");
        feeder.join().expect("feeder");
        assert_eq!(out.status.code(), Some(0), "{to}: {out:?}");
        assert!(out.stderr.is_empty(), "{to}: {out:?}");
    }
}

// ---------------------------------------------------------------- progress bar

/// Runs `run` with its stderr on a new pseudo-terminal, as in an interactive shell; returns
/// its exit status and everything it wrote there, after calling `check` on its directory.
fn with_terminal_stderr(
    run: common::Run,
    check: impl FnOnce(&std::path::Path),
) -> (std::process::ExitStatus, String) {
    use std::io::Read;

    let (mut leader, follower) = common::open_pty();
    let mut spawned = run.spawn_with(std::process::Stdio::null(), follower.into());
    // The follower's last copy closes when the child exits; the leader then reads EIO.
    let mut seen = Vec::new();
    let _ = leader.read_to_end(&mut seen);
    let status = spawned.child.wait().expect("wait for tackle");
    check(spawned.dir.path());
    (status, String::from_utf8_lossy(&seen).into_owned())
}

#[test]
fn a_big_file_shows_a_progress_bar_on_a_terminal_only() {
    // 65 MiB, over the 64 MiB threshold: one long field converts quickly even unoptimised
    // (once --max-record allows a record that big).
    // (With TERM unset the terminal counts as dumb and gets no bar, as in indicatif.)
    let big = [b"a\n".as_slice(), &vec![b'x'; 65 << 20], b"\n"].concat();
    let convert = |extra: &[&str]| {
        let args = [
            "csv-convert",
            "big.csv",
            "--to",
            "tsv",
            "-o",
            "big.tsv",
            "--max-record",
            "0",
        ];
        let run = tackle(args.iter().chain(extra))
            .env("TERM", "xterm")
            .file("big.csv", &big);
        let (status, terminal) = with_terminal_stderr(run, |dir| {
            let written = std::fs::metadata(dir.join("big.tsv"))
                .expect("output")
                .len();
            assert_eq!(written, big.len() as u64);
        });
        assert!(status.success(), "{status}: {terminal}");
        terminal
    };
    let shown = convert(&[]);
    assert!(
        shown.contains("MiB") && shown.contains("ETA"),
        "no bar: {shown:?}"
    );
    assert_eq!(convert(&["-q"]), "", "-q turns the bar off");

    // Piped stderr, or a small file: no bar.
    tackle([
        "csv-convert",
        "big.csv",
        "--to",
        "tsv",
        "-o",
        "big.tsv",
        "--max-record",
        "0",
    ])
    .file("big.csv", &big)
    .run()
    .success()
    .stderr_empty();
    let run = tackle(["csv-convert", "small.csv", "-o", "small.out"])
        .env("TERM", "xterm")
        .file("small.csv", "a\nb\n");
    let (status, terminal) = with_terminal_stderr(run, |dir| {
        assert!(dir.join("small.out").exists());
    });
    assert!(status.success());
    assert_eq!(terminal, "");
}

// ---------------------------------------------------------------- -o against another user

/// A `csv-convert - -o OUT` run fed by the test: started with the header written, so the
/// test can act on the directory while the temporary file exists, then finish or signal it.
struct HeldRun {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
}

impl HeldRun {
    fn start(dir: &std::path::Path, args: &[&str], umask: Option<libc::mode_t>) -> HeldRun {
        use std::io::Write;
        use std::os::unix::process::CommandExt;
        let mut cmd = std::process::Command::new(common::bin());
        cmd.args(["csv-convert", "-"])
            .args(args)
            .current_dir(dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        // Else a test run that ignores SIGINT would wait forever in the interrupt test.
        common::with_default_signals(&mut cmd);
        if let Some(mask) = umask {
            // SAFETY: umask is async-signal-safe and cannot fail.
            unsafe {
                cmd.pre_exec(move || {
                    libc::umask(mask);
                    Ok(())
                });
            }
        }
        let mut child = cmd.spawn().expect("spawn tackle");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"a,b\n1,2\n").expect("write header");
        HeldRun {
            child,
            stdin: Some(stdin),
        }
    }

    /// Writes the rest of the input, closes it and waits.
    fn finish(mut self) -> std::process::Output {
        use std::io::Write;
        let mut stdin = self.stdin.take().expect("stdin");
        stdin.write_all(b"3,4\n").expect("write rest");
        drop(stdin);
        self.child.wait_with_output().expect("wait")
    }
}

/// The temporary files csv-convert has in `dir`.
fn temp_files(dir: &std::path::Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".tackle-"))
        })
        .collect()
}

/// Waits (generously: the machine may be loaded) for the run's temporary file to appear.
fn wait_for_temp(dir: &std::path::Path) -> PathBuf {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        if let Some(temp) = temp_files(dir).pop() {
            return temp;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no temporary file appeared in {}",
            dir.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o7777
}

fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Gives `path` (not what it links to) to another uid (see [`can_give_files_away`]).
fn lchown(path: &std::path::Path, uid: u32) {
    std::os::unix::fs::lchown(path, Some(uid), None).expect("lchown");
}

const OTHER_UID: u32 = 4242;

/// Whether this run of the tests may give a file to another uid (it runs as root, as CI does,
/// or has CAP_CHOWN). Only then can a test create "a file, link or FIFO of another user" in
/// a directory of its own: an unprivileged user has a single uid (a user namespace maps only
/// that one), so those parts of the tests run where that is possible and the rest runs for
/// everyone.
fn can_give_files_away(dir: &std::path::Path) -> bool {
    let probe = dir.join(".chown-probe");
    std::os::unix::fs::symlink("nowhere", &probe).expect("probe symlink");
    let given = std::os::unix::fs::lchown(&probe, Some(OTHER_UID), None);
    std::fs::remove_file(&probe).expect("remove probe");
    match given {
        Ok(()) => true,
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => false,
        Err(e) => panic!("lchown: {e}"),
    }
}

#[test]
fn the_mode_is_set_on_the_descriptor_so_a_swapped_in_symlink_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let victim = dir.path().join("victim-bashrc");
    std::fs::write(&victim, "secret\n").expect("victim");
    chmod(&victim, 0o600);
    let target = dir.path().join("out.csv");
    std::fs::write(&target, "old\n").expect("target");
    chmod(&target, 0o666);
    let run = HeldRun::start(dir.path(), &["-o", "out.csv"], None);
    // The attack: replace the temporary file with a link to the victim's file.
    let temp = wait_for_temp(dir.path());
    std::fs::remove_file(&temp).expect("remove temp");
    std::os::unix::fs::symlink(&victim, &temp).expect("plant symlink");
    let out = run.finish();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("was replaced by something else"),
        "{out:?}"
    );
    assert_eq!(mode_of(&victim), 0o600, "the victim's file was chmod-ed");
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "secret\n"
    );
    assert_eq!(std::fs::read_to_string(&target).expect("target"), "old\n");
    assert!(
        !std::fs::symlink_metadata(&target)
            .expect("target")
            .file_type()
            .is_symlink()
    );
}

#[test]
fn new_files_follow_the_umask_and_only_owned_files_keep_their_mode() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |umask: libc::mode_t| {
        let out = HeldRun::start(dir.path(), &["-o", "out.csv"], Some(umask)).finish();
        assert!(out.status.success(), "{out:?}");
    };
    let out = dir.path().join("out.csv");
    run(0o077);
    assert_eq!(
        mode_of(&out),
        0o600,
        "(umask 077; tackle ... -o new) as > gives"
    );
    std::fs::remove_file(&out).expect("rm");
    run(0o022);
    assert_eq!(mode_of(&out), 0o644);
    // An existing file of the user's keeps its permission bits, never setuid/setgid/sticky.
    chmod(&out, 0o6751);
    run(0o077);
    assert_eq!(mode_of(&out), 0o751);
    // Someone else's file: the new file is the user's, with the umask's mode, not theirs.
    if can_give_files_away(dir.path()) {
        chmod(&out, 0o666);
        lchown(&out, OTHER_UID);
        run(0o027);
        assert_eq!(mode_of(&out), 0o640);
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid cannot fail.
        let me = unsafe { libc::geteuid() };
        assert_eq!(std::fs::metadata(&out).expect("meta").uid(), me);
    }
}

#[test]
fn a_read_only_file_is_not_replaced_directly_or_through_a_symlink() {
    let run = tackle(["csv-convert", "in.csv", "-o", "link.csv"])
        .file("in.csv", "a\n1\n")
        .file("readonly.csv", "keep\n");
    let dir = run.dir().to_owned();
    chmod(&dir.join("readonly.csv"), 0o444);
    std::os::unix::fs::symlink("readonly.csv", dir.join("link.csv")).expect("symlink");
    let out = run.run();
    out.code(1)
        .stderr_contains("refusing to replace")
        .stderr_contains("readonly.csv: it is not writable by you (mode 444)");
    assert_eq!(
        std::fs::read_to_string(out.dir.path().join("readonly.csv")).expect("kept"),
        "keep\n"
    );
    assert!(temp_files(out.dir.path()).is_empty());

    let run = tackle(["csv-convert", "in.csv", "-o", "readonly.csv"])
        .file("in.csv", "a\n1\n")
        .file("readonly.csv", "keep\n");
    chmod(&run.dir().join("readonly.csv"), 0o444);
    let out = run.run();
    out.code(1).stderr_contains("is not writable by you");
    assert_eq!(
        std::fs::read_to_string(out.dir.path().join("readonly.csv")).expect("kept"),
        "keep\n"
    );
}

#[test]
fn a_symlink_owned_by_neither_the_user_nor_the_directory_owner_is_refused() {
    let run = tackle(["csv-convert", "in.csv", "-o", "report.csv"])
        .file("in.csv", "a\n1\n")
        .file("victim.csv", "keep\n");
    let dir = run.dir().to_owned();
    // Only where a second uid can own the link (see can_give_files_away); links a user may
    // make are followed (output_through_a_symlink_replaces_the_file_it_names).
    if !can_give_files_away(&dir) {
        return;
    }
    std::os::unix::fs::symlink("victim.csv", dir.join("report.csv")).expect("symlink");
    lchown(&dir.join("report.csv"), OTHER_UID);
    let out = run.run();
    out.code(1)
        .stderr_contains("refusing to follow the symbolic link report.csv")
        .stderr_contains(&format!("uid {OTHER_UID}"))
        .stderr_contains("protected_symlinks");
    assert_eq!(
        std::fs::read_to_string(out.dir.path().join("victim.csv")).expect("kept"),
        "keep\n"
    );

    // The same link in a directory that user owns is theirs to make: it is followed.
    let run = tackle(["csv-convert", "in.csv", "-o", "shared/report.csv"]).file("in.csv", "a\n1\n");
    let shared = run.dir().join("shared");
    std::fs::create_dir(&shared).expect("mkdir");
    std::fs::write(shared.join("data.csv"), "old\n").expect("data");
    std::os::unix::fs::symlink("data.csv", shared.join("report.csv")).expect("symlink");
    lchown(&shared.join("report.csv"), OTHER_UID);
    lchown(&shared, OTHER_UID);
    let out = run.run();
    out.success();
    assert_eq!(
        std::fs::read_to_string(out.dir.path().join("shared/data.csv")).expect("data"),
        "a\n1\n"
    );
}

#[test]
fn a_fifo_of_another_user_is_refused_without_blocking() {
    let run = tackle(["csv-convert", "in.csv", "-o", "pipe"]).file("in.csv", "a\n1\n");
    let fifo = run.dir().join("pipe");
    let c_path = std::ffi::CString::new(fifo.to_str().expect("utf-8 path")).expect("path");
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o666) }, 0, "mkfifo");
    // Only where a second uid can own the FIFO (see can_give_files_away).
    if !can_give_files_away(run.dir()) {
        return;
    }
    lchown(&fifo, OTHER_UID);
    // No reader: opening it for writing would block forever. The check comes first.
    run.run()
        .code(1)
        .stderr_contains("refusing to write to the FIFO pipe: it belongs to uid 4242");
}

#[test]
fn an_interrupted_run_leaves_no_temporary_file_and_dies_of_the_signal() {
    use std::os::unix::process::ExitStatusExt;
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("out.csv"), "old\n").expect("old");
        let mut run = HeldRun::start(dir.path(), &["-o", "out.csv"], None);
        wait_for_temp(dir.path());
        // SAFETY: kill(2) on our own child.
        assert_eq!(unsafe { libc::kill(run.child.id() as i32, signal) }, 0);
        let status = run.child.wait().expect("wait");
        drop(run.stdin.take());
        assert_eq!(status.signal(), Some(signal), "signal {signal}: {status}");
        assert!(
            temp_files(dir.path()).is_empty(),
            "signal {signal} left {:?}",
            temp_files(dir.path())
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out.csv")).expect("old"),
            "old\n"
        );
    }
}

// ---------------------------------------------------------------- encodings

#[test]
fn a_bom_wins_over_the_named_encoding_and_auto_finds_utf16() {
    // A UTF-16 BOM needs no --encoding; a UTF-8 one wins over cp1252.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("a\né\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    tackle(["csv-convert", "--to", "jsonl"])
        .stdin(utf16)
        .run()
        .success()
        .stdout_is("{\"a\":\"é\"}\n");
    tackle(["csv-convert", "--encoding", "cp1252", "--to", "jsonl"])
        .stdin("\u{feff}a\né\n")
        .run()
        .success()
        .stdout_is("{\"a\":\"é\"}\n");
    // A second U+FEFF after a UTF-16 BOM is text, as behind a UTF-8 one.
    let twice: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain("\u{feff}a\n1\n".encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    tackle(["csv-convert", "--to", "jsonl"])
        .stdin(twice)
        .run()
        .success()
        .stdout_is("{\"\u{feff}a\":\"1\"}\n");
    let be: Vec<u8> = "x,y\n1,2\n"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    tackle(["-v", "csv-convert", "--encoding", "auto", "--to", "jsonl"])
        .stdin(be)
        .run()
        .success()
        .stdout_is("{\"x\":\"1\",\"y\":\"2\"}\n")
        .stderr_contains("input encoding: UTF-16BE");
}

#[test]
fn json_input_is_decoded_too() {
    let utf16: Vec<u8> = "[{\"a\": \"é\"}]"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    tackle(["csv-convert", "--from", "json", "--encoding", "utf-16le"])
        .stdin(utf16)
        .run()
        .success()
        .stdout_is("a\né\n");
    tackle(["csv-convert", "--from", "jsonl", "--encoding", "ascii"])
        .stdin(b"{\"a\": 1}\n{\"a\": \"caf\xe9\"}\n".to_vec())
        .run()
        .code(1)
        .stderr_contains("JSON input, record 2 (line 2): invalid ASCII at byte offset 19");
}

#[test]
fn an_unmappable_character_names_its_record_and_field() {
    let mut input = String::from("id,name\n");
    for i in 0..20_000 {
        input.push_str(&format!("{i},plain\n"));
    }
    input.push_str("20000,→\n");
    tackle(["csv-convert", "--out-encoding", "latin-1", "-o", "out.csv"])
        .stdin(input)
        .run()
        .code(1)
        .stderr_contains(
            "record 20002, field 2 (\"name\"): '→' (U+2192) cannot be written in latin-1; use \
             --lossy to write it as &#8594;",
        );
}

#[test]
fn encoding_flags_are_checked_before_anything_is_read() {
    let cases: &[(&[&str], &str)] = &[
        (&["--encoding", "klingon"], "unknown encoding \"klingon\""),
        (&["--out-encoding", "utf-32"], "unknown encoding \"utf-32\""),
        (
            &["--bom", "--out-encoding", "cp1252"],
            "--bom needs a Unicode output encoding",
        ),
        (
            &["--to", "json", "--out-encoding", "latin-1"],
            "--out-encoding applies to CSV output only",
        ),
        (
            &["--to", "jsonl", "--bom"],
            "--bom applies to CSV output only",
        ),
    ];
    each_is_a_usage_error(cases, None);
}

// ---------------------------------------------------------------- column types

#[test]
fn column_types_give_one_type_per_column() {
    let input = "id,zip,amount,ok,note,empty\n1,02134,1.5,true,x,\n2,90210,2,false,,\n";
    // Cell by cell, one column holds a string and a number...
    tackle(["csv-convert", "--to", "jsonl", "--infer-types"])
        .stdin(input)
        .run()
        .success()
        .stdout_contains("\"zip\":90210");
    // ...column by column it is all strings; empty is null everywhere.
    let out = tackle([
        "csv-convert",
        "in.csv",
        "--to",
        "jsonl",
        "--types",
        "column",
        "--schema",
        "rows.schema.json",
    ])
    .file("in.csv", input)
    .run();
    out.success().stdout_is(
        "{\"id\":1,\"zip\":\"02134\",\"amount\":1.5,\"ok\":true,\"note\":\"x\",\"empty\":null}\n\
         {\"id\":2,\"zip\":\"90210\",\"amount\":2,\"ok\":false,\"note\":null,\"empty\":null}\n",
    );
    let schema: Value = serde_json::from_slice(
        &std::fs::read(out.dir.path().join("rows.schema.json")).expect("schema written"),
    )
    .expect("schema is JSON");
    assert_eq!(
        schema["properties"],
        json!({
            "id": {"type": "integer"},
            "zip": {"type": "string"},
            "amount": {"type": "number"},
            "ok": {"type": "boolean"},
            "note": {"type": ["string", "null"]},
            "empty": {"type": "null"},
        })
    );
    // The schema lists the columns in their order.
    let text = std::fs::read_to_string(out.dir.path().join("rows.schema.json")).expect("schema");
    let order: Vec<usize> = ["\"id\"", "\"zip\"", "\"amount\"", "\"ok\"", "\"note\""]
        .iter()
        .map(|k| text.find(k).expect("key"))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn column_types_read_stdin_twice_and_json_input_too() {
    tackle(["csv-convert", "--to", "jsonl", "--types", "column"])
        .stdin("a,b\n1,x\n2.5,y\n")
        .run()
        .success()
        .stdout_is("{\"a\":1,\"b\":\"x\"}\n{\"a\":2.5,\"b\":\"y\"}\n");
    // JSON values keep their kind unless the column needs a wider type: then text.
    tackle([
        "csv-convert",
        "--from",
        "jsonl",
        "--to",
        "jsonl",
        "--types",
        "column",
    ])
    .stdin("{\"a\":1,\"b\":true,\"c\":[1]}\n{\"a\":\"x\",\"b\":null,\"c\":[]}\n")
    .run()
    .success()
    .stdout_is("{\"a\":\"1\",\"b\":true,\"c\":[1]}\n{\"a\":\"x\",\"b\":null,\"c\":[]}\n");
    tackle(["csv-convert", "--to", "json", "--types", "column"])
        .stdin("")
        .run()
        .success()
        .stdout_is("[]\n");
}

#[test]
fn a_schema_forces_types_and_names_what_does_not_fit() {
    let schema =
        r#"{"properties": {"id": {"type": "integer"}, "zip": {"type": ["string", "null"]}}}"#;
    tackle(["csv-convert", "-", "--to", "jsonl", "--schema", "s.json"])
        .file("s.json", schema)
        .stdin("id,zip,other\n1,02134,5\n2,,6\n")
        .run()
        .success()
        .stdout_is(
            "{\"id\":1,\"zip\":\"02134\",\"other\":\"5\"}\n{\"id\":2,\"zip\":null,\"other\":\"6\"}\n",
        );
    tackle(["csv-convert", "-", "--to", "jsonl", "--schema", "s.json"])
        .file("s.json", schema)
        .stdin("id,zip\n1,x\n2.5,y\n")
        .run()
        .code(1)
        .stderr_contains(
            "record 3 (line 3), field 1 (\"id\"): \"2.5\" is not of type integer, which --schema \
             gives this column",
        );
    let cases: &[(&[&str], &str)] = &[
        (
            &["--to", "json", "--types", "cell", "--schema", "s.json"],
            "--types cell has no schema",
        ),
        (
            &["--types", "column"],
            "--types applies to JSON output only",
        ),
        (
            &["--to", "json", "--no-header", "--schema", "s.json"],
            "describes rows as objects",
        ),
    ];
    each_is_a_usage_error(cases, Some(("s.json", schema)));
}

// ---------------------------------------------------------------- nesting

#[test]
fn flatten_makes_dotted_columns_and_unflatten_undoes_it() {
    let nested = "{\"a\":{\"b\":1,\"c\":[1,2]},\"d\":\"x\",\"e\":{}}\n{\"a\":{\"b\":2,\"c\":[3]},\"d\":\"y\",\"e\":{}}\n";
    tackle(["csv-convert", "--from", "jsonl", "--flatten"])
        .stdin(nested)
        .run()
        .success()
        .stdout_is("a.b,a.c,d,e\n1,\"[1,2]\",x,{}\n2,[3],y,{}\n");
    tackle([
        "csv-convert",
        "--from",
        "jsonl",
        "--flatten",
        "--flatten-arrays",
        "--union-keys",
        "--flatten-sep",
        "/",
    ])
    .stdin(nested)
    .run()
    .success()
    .stdout_is("a/b,a/c/0,a/c/1,d,e\n1,1,2,x,{}\n2,3,,y,{}\n");
    tackle([
        "csv-convert",
        "--to",
        "jsonl",
        "--unflatten",
        "--infer-types",
    ])
    .stdin("a.b,a.c.0,a.c.1,d\n1,2,3,x\n")
    .run()
    .success()
    .stdout_is("{\"a\":{\"b\":1,\"c\":{\"0\":2,\"1\":3}},\"d\":\"x\"}\n");
    tackle([
        "csv-convert",
        "--to",
        "jsonl",
        "--unflatten",
        "--flatten-arrays",
    ])
    .stdin("a.b,a.c.0,a.c.1\n1,2,3\n")
    .run()
    .success()
    .stdout_is("{\"a\":{\"b\":\"1\",\"c\":[\"2\",\"3\"]}}\n");
    tackle(["csv-convert", "--to", "jsonl", "--unflatten"])
        .stdin("a,a.b\n1,2\n")
        .run()
        .code(1)
        .stderr_contains("--unflatten: column \"a.b\" would go inside \"a\"");
}

#[test]
fn json_arrays_are_rows_without_a_header_both_ways() {
    tackle(["csv-convert", "--from", "json", "--no-header"])
        .stdin("[[1,\"a,b\"],[2,null],[]]")
        .run()
        .success()
        .stdout_is("1,\"a,b\"\n2,\n\n");
    // --no-header --to jsonl output converts back, byte for byte.
    let csv = "x,\"y\nz\"\n\n1,2\n";
    let out = tackle(["csv-convert", "--no-header", "--to", "jsonl"])
        .stdin(csv)
        .run();
    out.success();
    tackle(["csv-convert", "--from", "jsonl", "--no-header"])
        .stdin(out.stdout.clone())
        .run()
        .success()
        .stdout_is(csv);
    tackle(["csv-convert", "--from", "jsonl", "--no-header"])
        .stdin("[1,2]\n[3]\n")
        .run()
        .code(1)
        .stderr_contains("record 2 (line 2) has 1 field, but the first record has 2");
    tackle([
        "csv-convert",
        "--from",
        "jsonl",
        "--no-header",
        "--flexible",
    ])
    .stdin("[1,2]\n[3]\n")
    .run()
    .success()
    .stdout_is("1,2\n3\n");
    tackle(["csv-convert", "--from", "jsonl", "--no-header"])
        .stdin("[1]\n{\"a\":1}\n")
        .run()
        .code(1)
        .stderr_contains("element 2 is not an array (--no-header reads arrays)");
    tackle([
        "csv-convert",
        "--from",
        "jsonl",
        "--no-header",
        "--columns",
        "2,1",
    ])
    .stdin("[1,2]\n")
    .run()
    .success()
    .stdout_is("2,1\n");
}

// ---------------------------------------------------------------- bounds and small bugs

#[test]
fn union_keys_on_an_empty_input_write_nothing() {
    for input in ["", "[]", " \n"] {
        tackle(["csv-convert", "--from", "json", "--union-keys"])
            .stdin(if input == " \n" { "[ ]\n" } else { input })
            .run()
            .success()
            .stdout_is("");
    }
    tackle(["csv-convert", "--from", "jsonl", "--union-keys"])
        .stdin("")
        .run()
        .success()
        .stdout_is("");
}

#[test]
fn a_record_over_max_record_is_an_error_naming_it() {
    let big = "x".repeat(3000);
    tackle(["csv-convert", "--max-record", "1K"])
        .stdin(format!("a,b\n1,2\n3,{big}\n"))
        .run()
        .code(1)
        .stderr_contains("record 3 (line 3) is larger than --max-record 1K");
    tackle(["csv-convert", "--max-record", "1K", "--to", "jsonl"])
        .stdin(format!("a,b\n1,\"{big}\n\"\n"))
        .run()
        .code(1)
        .stderr_contains("record 2 (line 2) is larger than --max-record 1K");
    // Many empty fields cost memory too.
    tackle(["csv-convert", "--max-record", "1K", "--no-header"])
        .stdin(",".repeat(2000))
        .run()
        .code(1)
        .stderr_contains("record 1 (line 1) is larger");
    tackle(["csv-convert", "--from", "jsonl", "--max-record", "1K"])
        .stdin(format!("{{\"a\":1}}\n{{\"a\":\"{big}\"}}\n"))
        .run()
        .code(1)
        .stderr_contains("record 2 (line 2) is larger than --max-record 1K");
    tackle(["csv-convert", "--from", "jsonl", "--max-record", "1K"])
        .stdin(format!("{{\"a\":[\"{big}\"]}}\n"))
        .run()
        .code(1)
        .stderr_contains("record 1 (line 1) is larger than --max-record 1K");
    tackle(["csv-convert", "--max-record", "0"])
        .stdin(format!("a\n{big}\n"))
        .run()
        .success();
}

#[test]
fn an_endless_record_fails_without_reading_on() {
    use std::io::Write;
    // 64 MiB is the default bound: an endless field ends in an error, not in memory use.
    let mut child = std::process::Command::new(common::bin())
        .args(["csv-convert", "--max-record", "4M"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        let chunk = vec![b'x'; 1 << 20];
        let mut sent = 0usize;
        stdin.write_all(b"a\n").expect("header");
        while stdin.write_all(&chunk).is_ok() {
            sent += chunk.len();
            if sent > 512 << 20 {
                break;
            }
        }
        sent
    });
    let out = child.wait_with_output().expect("wait");
    let sent = feeder.join().expect("feeder");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("record 2 (line 2) is larger than --max-record 4M"),
        "{out:?}"
    );
    assert!(sent < 64 << 20, "tackle read {sent} bytes of one record");
}

#[test]
fn objects_over_max_keys_are_an_error_naming_them() {
    let wide: Vec<String> = (0..50).map(|i| format!("\"k{i}\":{i}")).collect();
    let wide = format!("{{{}}}", wide.join(","));
    tackle(["csv-convert", "--from", "jsonl", "--max-keys", "10"])
        .stdin(format!("{{\"a\":1}}\n{wide}\n"))
        .run()
        .code(1)
        .stderr_contains("line 2: key \"k0\" is not one of the columns");
    tackle(["csv-convert", "--from", "jsonl", "--max-keys", "10"])
        .stdin(format!("{wide}\n{{\"a\":1}}\n"))
        .run()
        .code(1)
        .stderr_contains("record 1 (line 1) has more than --max-keys 10 keys");
    tackle([
        "csv-convert",
        "--from",
        "jsonl",
        "--max-keys",
        "10",
        "--union-keys",
    ])
    .stdin(format!("{wide}\n"))
    .run()
    .code(1)
    .stderr_contains("more than --max-keys 10");
    tackle([
        "csv-convert",
        "--from",
        "jsonl",
        "--max-keys",
        "10",
        "--flatten",
    ])
    .stdin("{\"a\":{\"b\":{\"c\":[1,2,3,4,5,6,7,8,9,10,11]}}}\n")
    .run()
    .success();
    tackle([
        "csv-convert",
        "--from",
        "jsonl",
        "--max-keys",
        "10",
        "--flatten",
        "--flatten-arrays",
    ])
    .stdin("{\"a\":{\"b\":{\"c\":[1,2,3,4,5,6,7,8,9,10,11]}}}\n")
    .run()
    .code(1)
    .stderr_contains("record 1 (line 1) has more than --max-keys 10 keys");
}

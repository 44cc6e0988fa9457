//! bench/csv-crate.rs: the measurement behind the "Dependencies" decision in README.md. Reads
//! CPython's `csv.reader` vectors (tests/csv_data/vectors.rs) with the `csv` crate, counting
//! where it disagrees with Python, and times it converting the bench file to TSV (the job
//! `tackle csv-convert --to tsv` does). Built and run by `bash bench/csv-crate`, which makes a
//! throwaway Cargo project around it; not part of tackle.

#![allow(dead_code)] // the vectors file holds more tables than this program reads

use std::io::Write;
use std::time::Instant;

include!(concat!(env!("TACKLE_ROOT"), "/tests/csv_data/vectors.rs"));

/// `csv.reader` through the `csv` crate, configured as close to the flags as it allows; `None`
/// when it has no equivalent (skipinitialspace, strict) or fails.
fn read(input: &str, flags: &[&str]) -> Option<Vec<Vec<String>>> {
    let mut builder = csv::ReaderBuilder::new();
    builder.has_headers(false).flexible(true);
    let mut i = 0;
    while i < flags.len() {
        match flags[i] {
            "--escapechar" => {
                builder.escape(Some(flags[i + 1].as_bytes()[0]));
                i += 1;
            }
            "--no-doublequote" => {
                builder.double_quote(false);
            }
            "--quoting" => {
                builder.quoting(flags[i + 1] != "none");
                i += 1;
            }
            // No equivalent: Python's skipinitialspace and strict.
            _ => return None,
        }
        i += 1;
    }
    let mut rows = Vec::new();
    for record in builder.from_reader(input.as_bytes()).records() {
        let record = record.ok()?;
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Some(rows)
}

fn main() {
    let mut agree = 0;
    let mut differ = Vec::new();
    let mut unsupported = 0;
    for (input, flags, expected) in READER_VECTORS {
        let Some(want) = expected else { continue };
        let want: Vec<Vec<String>> = serde_json::from_str(want).expect("vector");
        // Python gives [] for a blank line; the crate skips blank lines altogether.
        match read(input, flags) {
            None => unsupported += 1,
            Some(got) if got == want => agree += 1,
            Some(got) => differ.push(format!("{input:?} {flags:?}: python {want:?}, csv crate {got:?}")),
        }
    }
    println!(
        "csv.reader vectors: {agree} agree, {} differ, {unsupported} need a flag the crate lacks",
        differ.len()
    );
    for line in differ.iter().take(12) {
        println!("  {line}");
    }

    if let Some(path) = std::env::args().nth(1) {
        let started = Instant::now();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&path)
            .expect("open");
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b'\t')
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(std::io::BufWriter::new(std::io::sink()));
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).expect("read") {
            writer.write_byte_record(&record).expect("write");
        }
        writer.flush().expect("flush");
        println!(
            "csv crate CSV->TSV of {path}: {:.0} ms wall",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
}

//! The conversion pipeline: open the input, read rows from CSV or JSON, pick and order the
//! columns, and write CSV, TSV, JSON or JSON Lines, one row at a time.
//!
//! Most conversions are one pass. `--union-keys` first reads every key of a JSON input, and
//! `--types column` first reads every value to infer each column's type (a [`Pass::Infer`]
//! through the very same reading code, so both passes check the input alike); stdin is kept
//! in a temporary file for the passes after the first ([`source`]).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use super::csv_read::CsvReader;
use super::csv_write::CsvWriter;
use super::dialect::{Quoting, ReadDialect, WriteDialect};
use super::encoding::{Charset, InputEncoding, Named};
use super::json_escape::json_specials;
use super::json_read::{Flatten, JsonReader};
use super::json_write::FieldError;
use super::output::Destination;
use super::row::{Kind, Row};
use super::sniff;
use super::types::{ColumnType, Forced, to_schema};

mod json_table;
mod sink;
mod source;

use json_table::{JsonTable, ObjectWriter, union_of_keys};
use sink::Sink;
use source::Source;

/// The formats `csv-convert` reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values (any dialect)
    Csv,
    /// Tab-separated values (Python's excel-tab dialect)
    Tsv,
    /// One JSON array of objects (of arrays with --no-header)
    Json,
    /// JSON Lines: one object a line (one array with --no-header)
    Jsonl,
}

impl Format {
    /// The format a file name implies, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// CSV or TSV, read and written by the CSV reader and writer.
    pub fn is_csv(self) -> bool {
        matches!(self, Format::Csv | Format::Tsv)
    }
}

/// How JSON output types its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typing {
    /// Every value is a string (or what its JSON input was).
    Strings,
    /// `--infer-types` / `--types cell`: each value typed alone.
    Cell,
    /// `--types column`: each column one type, found by a first pass; optionally written
    /// as a JSON Schema.
    Column { schema_out: Option<PathBuf> },
    /// `--schema FILE`: each column the type the schema gives it.
    Schema(Forced),
}

/// Everything a conversion needs, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub input: PathBuf,
    pub from: Format,
    pub to: Format,
    pub read: ReadDialect,
    pub write: WriteDialect,
    /// The first CSV record is a header (`DictReader`); false gives arrays (`csv.reader`).
    pub header: bool,
    pub lossy: bool,
    pub flexible: bool,
    pub sniff: bool,
    pub columns: Option<Vec<String>>,
    pub union_keys: bool,
    pub ignore_extra: bool,
    pub restval: String,
    pub restkey: String,
    pub sort_columns: bool,
    pub typing: Typing,
    pub dedupe_headers: bool,
    pub progress: bool,
    pub encoding: InputEncoding,
    /// CSV output in this encoding (`None`: UTF-8).
    pub out_encoding: Option<Named>,
    /// CSV output starts with a byte order mark.
    pub bom: bool,
    /// JSON input: nested objects become dotted columns.
    pub flatten: Option<Flatten>,
    /// JSON output: dotted columns become nested objects (separator, arrays too).
    pub unflatten: Option<(String, bool)>,
    /// The most memory one record may take, and the most keys one JSON object may have.
    pub max_record: usize,
    pub max_keys: usize,
}

/// What one pass over the input does, and what the inference pass found.
#[derive(Debug, Clone)]
pub enum Pass {
    /// Converts into the output, with these column types (from `--types column`).
    Convert { types: Option<Vec<ColumnType>> },
    /// Reads the values only, to infer each column's type.
    Infer,
    /// What [`Pass::Infer`] found: the output's column names (none for arrays), and each
    /// column's type and whether it had empty values.
    Inferred {
        names: Option<Vec<String>>,
        types: Vec<ColumnType>,
        nullable: Vec<bool>,
    },
}

/// Converts `config.input` into `out`.
pub fn convert(config: &Config, out: &mut dyn Write) -> Result<()> {
    let column_pass = matches!(config.typing, Typing::Column { .. });
    let union_pass = !config.from.is_csv() && config.union_keys && config.columns.is_none();
    let passes = 1 + usize::from(column_pass) + usize::from(union_pass);
    let source = Source::new(
        &config.input,
        passes,
        config.encoding,
        config.lossy,
        config.progress,
    )?;
    let mut plan = Plan::default();
    if union_pass {
        let (src, _) = source.open()?;
        plan.columns = Some(union_of_keys(config, src)?);
    }
    let mut types = None;
    if column_pass {
        let mut pass = Pass::Infer;
        run_pass(config, &source, &mut plan, &mut io::sink(), &mut pass)?;
        if let Pass::Inferred {
            names,
            types: found,
            nullable,
        } = pass
        {
            if let Typing::Column {
                schema_out: Some(path),
            } = &config.typing
            {
                write_schema(path, names.as_deref(), &found, &nullable)?;
            }
            types = Some(found);
        }
    }
    run_pass(
        config,
        &source,
        &mut plan,
        out,
        &mut Pass::Convert { types },
    )
}

/// What the first passes decided for the later ones.
#[derive(Debug, Default)]
struct Plan {
    /// `--union-keys`: the columns of a JSON input.
    columns: Option<Vec<String>>,
    /// `--sniff`: the dialect and header found on the first pass.
    sniffed: Option<(ReadDialect, bool)>,
}

fn run_pass(
    config: &Config,
    source: &Source,
    plan: &mut Plan,
    out: &mut dyn Write,
    pass: &mut Pass,
) -> Result<()> {
    let (src, charset) = source.open()?;
    if config.from.is_csv() {
        csv_to_any(config, src, charset, plan, out, pass)
    } else if config.header {
        json_to_any(config, src, plan.columns.clone(), out, pass)
    } else {
        json_arrays_to_any(config, src, out, pass)
    }
}

/// Writes the inferred types as a JSON Schema, replacing the file only when whole.
fn write_schema(
    path: &Path,
    names: Option<&[String]>,
    types: &[ColumnType],
    nullable: &[bool],
) -> Result<()> {
    let mut file = Destination::open(path)?;
    file.writer()
        .write_all(to_schema(names, types, nullable).as_bytes())?;
    file.commit()
        .with_context(|| format!("cannot write the schema {}", path.display()))
}

fn csv_to_any(
    config: &Config,
    mut src: Box<dyn Read>,
    charset: Charset,
    plan: &mut Plan,
    out: &mut dyn Write,
    pass: &mut Pass,
) -> Result<()> {
    let (dialect, has_header) = match &plan.sniffed {
        Some(found) => found.clone(),
        None if config.sniff => {
            let (sample, rest) = sniff::take_sample(src)?;
            src = rest;
            let found = sniffed_dialect(config, &sample)?;
            plan.sniffed = Some(found.clone());
            found
        }
        None => (config.read.clone(), config.header),
    };
    let mut reader = CsvReader::new(src, dialect.clone(), false);
    if charset != Charset::Utf8 {
        reader.keep_bom();
    }
    reader.limit_record(config.max_record);
    if config.to.is_csv() {
        reader.watch_for(&CsvWriter::new(config.write.clone()).specials());
    } else {
        reader.watch_for(&json_specials());
    }
    let mut row = Row::new();
    let header = if has_header {
        if !reader.read_record(&mut row)? {
            return empty_output(config, out, pass);
        }
        if dialect.quoting == Quoting::Nonnumeric {
            refuse_unquoted_names(&row, &reader)?;
        }
        Some(row.to_strings())
    } else {
        None
    };
    let projection = csv_projection(config, header.as_deref())?;
    let out_header = header.as_ref().map(|names| match &projection {
        Some(p) => p.iter().map(|&i| names[i].clone()).collect(),
        None => names.clone(),
    });
    let mut sink = Sink::open(config, out_header.as_deref(), out, pass)?;
    let mut rows = Rows {
        projection,
        width: header.as_ref().map(Vec::len),
        flexible: config.flexible,
        has_header,
        restval: config.restval.as_bytes(),
    };
    // Every column to CSV or JSON Lines: plain records skip the rows altogether.
    let transcode = match rows.projection {
        None => sink.transcode_plan(&dialect, config),
        Some(_) => None,
    };
    loop {
        if let Some(plan) = &transcode {
            let want = if config.flexible { None } else { rows.width };
            if (want.is_some() || config.flexible)
                && sink.transcode_record(out, &mut reader, plan, want)?
            {
                continue;
            }
        }
        if !reader.read_record(&mut row)? {
            break;
        }
        let at = reader.position();
        rows.write(&mut sink, out, &row, (at.record, at.line))?;
    }
    sink.finish(out, pass)
}

/// Sniffs the dialect and header from `sample`, as `--sniff` asks, and says what it found.
fn sniffed_dialect(config: &Config, sample: &[u8]) -> Result<(ReadDialect, bool)> {
    let found = sniff::sniff(sample, &config.read)?;
    tracing::info!(
        "sniffed delimiter {:?}, quotechar {:?}, skipinitialspace {}, doublequote {}, header {}",
        char::from(found.delimiter),
        char::from(found.quotechar),
        found.skipinitialspace,
        found.doublequote,
        if found.has_header { "yes" } else { "no" }
    );
    let mut dialect = config.read.clone();
    dialect.delimiter = found.delimiter;
    dialect.quotechar = found.quotechar;
    dialect.doublequote = found.doublequote;
    dialect.skipinitialspace = found.skipinitialspace;
    Ok((dialect, config.header && found.has_header))
}

/// Under `--quoting nonnumeric` an unquoted field reads as a number, which cannot name a
/// column (`DictReader` would key the row by a float): the header's names must be quoted.
fn refuse_unquoted_names<R: Read>(header: &Row, reader: &CsvReader<R>) -> Result<()> {
    match (0..header.len()).find(|&i| header.kind(i) == Kind::Number) {
        None => Ok(()),
        Some(i) => {
            let at = reader.position();
            bail!(
                "record {} (line {}), field {}: the header name {:?} is not quoted; with \
                 --quoting nonnumeric an unquoted field is a number, so header names must be \
                 quoted",
                at.record,
                at.line,
                i + 1,
                String::from_utf8_lossy(header.field(i))
            )
        }
    }
}

/// Rows that have been read (from CSV, or JSON arrays): checked against the first one's
/// width and written whole or projected.
struct Rows<'a> {
    projection: Option<Vec<usize>>,
    width: Option<usize>,
    flexible: bool,
    has_header: bool,
    restval: &'a [u8],
}

impl Rows<'_> {
    /// Writes `row`, read as record `at.0` starting on line `at.1`.
    fn write(
        &mut self,
        sink: &mut Sink,
        out: &mut dyn Write,
        row: &Row,
        at: (u64, u64),
    ) -> Result<()> {
        if row.is_empty() {
            // A blank line: DictReader skips it, csv.reader gives [].
            if !self.has_header {
                sink.write_clean(out, std::iter::empty())?;
            }
            return Ok(());
        }
        let expected = *self.width.get_or_insert(row.len());
        if row.len() != expected && !self.flexible {
            bail!(
                "record {} (line {}) has {} field{}, but {} {}; use --flexible to accept ragged rows",
                at.0,
                at.1,
                row.len(),
                if row.len() == 1 { "" } else { "s" },
                if self.has_header {
                    "the header has"
                } else {
                    "the first record has"
                },
                expected
            );
        }
        let written = match &self.projection {
            Some(p) => sink.write_clean(out, p.iter().map(|&i| cell(row, i, self.restval))),
            None => sink.write_row(out, row, expected, self.restval),
        };
        written.map_err(|e| locate(e, at, sink))
    }
}

/// Names where a value that could not be written came from.
fn locate(err: anyhow::Error, at: (u64, u64), sink: &Sink) -> anyhow::Error {
    match err.downcast_ref::<FieldError>() {
        Some(FieldError { field, message }) => {
            let name = sink
                .column_name(*field)
                .map(|n| format!(" ({n:?})"))
                .unwrap_or_default();
            anyhow!(
                "record {} (line {}), field {}{name}: {message}",
                at.0,
                at.1,
                field + 1
            )
        }
        None => err,
    }
}

/// Field `i` of `row` with its kind and clean flag, or `restval` past its end.
fn cell<'a>(row: &'a Row, i: usize, restval: &'a [u8]) -> (&'a [u8], Kind, bool) {
    if i < row.len() {
        (row.field(i), row.kind(i), row.is_clean(i))
    } else {
        (restval, Kind::Text, false)
    }
}

/// Which input columns to write, in order: `--columns`, `--sort-columns`, or all.
fn csv_projection(config: &Config, header: Option<&[String]>) -> Result<Option<Vec<usize>>> {
    let mut projection = match (&config.columns, header) {
        (None, _) => None,
        (Some(columns), Some(names)) => Some(
            columns
                .iter()
                .map(|c| {
                    names.iter().position(|n| n == c).with_context(|| {
                        format!("no column named {c:?}; the header has {}", names.join(", "))
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        ),
        (Some(columns), None) => Some(
            columns
                .iter()
                .map(|c| match c.parse::<usize>() {
                    Ok(n) if n >= 1 => Ok(n - 1),
                    _ => {
                        bail!("with --no-header, --columns takes 1-based column numbers, not {c:?}")
                    }
                })
                .collect::<Result<Vec<_>>>()?,
        ),
    };
    if config.sort_columns
        && let Some(names) = header
    {
        let mut order = projection.unwrap_or_else(|| (0..names.len()).collect());
        order.sort_by(|&a, &b| names[a].cmp(&names[b]));
        projection = Some(order);
    }
    Ok(projection)
}

/// An input with no rows: `[]` for JSON, the `--columns` header (if any) for CSV.
fn empty_output(config: &Config, out: &mut dyn Write, pass: &mut Pass) -> Result<()> {
    let header = match (&config.columns, config.header) {
        (Some(columns), true) => Some(sorted(columns.clone(), config)),
        _ => None,
    };
    let mut sink = Sink::open(config, header.as_deref(), out, pass)?;
    sink.finish(out, pass)
}

fn sorted(mut names: Vec<String>, config: &Config) -> Vec<String> {
    if config.sort_columns {
        names.sort();
    }
    names
}

/// The JSON reader for `src`, set up as the config asks.
fn json_reader(config: &Config, src: Box<dyn Read>) -> JsonReader<Box<dyn Read>> {
    let mut reader = JsonReader::new(src, config.from == Format::Jsonl);
    reader.limit_elements(config.max_record, config.max_keys);
    if let Some(rule) = &config.flatten {
        reader.flatten(rule.clone());
    }
    reader.watch_for(&if config.to.is_csv() {
        CsvWriter::new(config.write.clone()).specials()
    } else {
        json_specials()
    });
    reader
}

fn json_to_any(
    config: &Config,
    src: Box<dyn Read>,
    union: Option<Vec<String>>,
    out: &mut dyn Write,
    pass: &mut Pass,
) -> Result<()> {
    let columns = config.columns.clone().or(union);
    let mut table = JsonTable::new(columns.clone(), config.ignore_extra);
    let mut reader = json_reader(config, src);
    let mut output = match &columns {
        Some(columns) if !columns.is_empty() => {
            Some(ObjectWriter::open(config, columns, out, pass)?)
        }
        _ => None,
    };
    let restval = config.restval.as_bytes();
    loop {
        // Once the columns are known, objects holding exactly them in order are written
        // straight from the read buffer; the rest go through the table.
        if let Some(ObjectWriter {
            sink,
            order,
            plain: Some(keys),
        }) = &mut output
        {
            match reader.next_plain_object(keys)? {
                super::json_read::Plain::End => break,
                super::json_read::Plain::Object => {
                    let at = (reader.elements(), reader.object_line());
                    let fields = order.iter().map(|&i| reader.plain_field(i));
                    sink.write_clean(out, fields)
                        .map_err(|e| locate(e, at, sink))?;
                    continue;
                }
                super::json_read::Plain::Other => {}
            }
        }
        if !table.next_row(&mut reader)? {
            break;
        }
        let at = (reader.elements(), reader.object_line());
        let ObjectWriter { sink, order, .. } = match &mut output {
            Some(output) => output,
            None => output.insert(ObjectWriter::open(config, &table.columns, out, pass)?),
        };
        let fields = order.iter().map(|&i| table.field(i, restval));
        sink.write_clean(out, fields)
            .map_err(|e| locate(e, at, sink))?;
    }
    match &mut output {
        Some(output) => output.sink.finish(out, pass),
        None => empty_output(config, out, pass),
    }
}

/// JSON arrays (`--no-header`): each element an array of values, written as a row without a
/// header, so that `--no-header --to json` output converts back.
fn json_arrays_to_any(
    config: &Config,
    src: Box<dyn Read>,
    out: &mut dyn Write,
    pass: &mut Pass,
) -> Result<()> {
    let mut reader = json_reader(config, src);
    let mut sink = Sink::open(config, None, out, pass)?;
    let mut rows = Rows {
        projection: csv_projection(config, None)?,
        width: None,
        flexible: config.flexible,
        has_header: false,
        restval: config.restval.as_bytes(),
    };
    let mut row = Row::new();
    loop {
        row.clear();
        let more = reader.next_array(&mut |_, value, kind, clean| {
            row.extend_pending(value);
            row.finish_field_clean(kind, clean);
            Ok(())
        })?;
        if !more {
            break;
        }
        let at = (reader.elements(), reader.object_line());
        rows.write(&mut sink, out, &row, at)?;
    }
    sink.finish(out, pass)
}

/// JSON object keys from header names: duplicates are an error, or renamed `a_2`, `a_3`.
fn json_keys(names: &[String], dedupe: bool) -> Result<Vec<String>> {
    let mut used: HashMap<&str, usize> = HashMap::new();
    let mut keys = Vec::with_capacity(names.len());
    let all: std::collections::HashSet<&str> = names.iter().map(String::as_str).collect();
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(&first) = used.get(name.as_str()) {
            if !dedupe {
                bail!(
                    "duplicate column name {name:?} (columns {} and {}); use --dedupe-headers \
                     to rename repeats to {name}_2, {name}_3, ...",
                    first + 1,
                    i + 1
                );
            }
            let mut n = 2;
            let renamed = loop {
                let candidate = format!("{name}_{n}");
                if !all.contains(candidate.as_str()) && !taken.contains(&candidate) {
                    break candidate;
                }
                n += 1;
            };
            taken.insert(renamed.clone());
            keys.push(renamed);
        } else {
            used.insert(name, i);
            taken.insert(name.clone());
            keys.push(name.clone());
        }
    }
    Ok(keys)
}

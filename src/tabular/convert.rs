//! The conversion pipeline: open the input, read rows from CSV or JSON, pick and order the
//! columns, and write CSV, TSV, JSON or JSON Lines, one row at a time.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::csv_read::{CsvReader, Transcode};
use super::csv_write::CsvWriter;
use super::dialect::{ReadDialect, WriteDialect};
use super::json_read::{JsonReader, Plain, PlainKey};
use super::json_write::JsonWriter;
use super::row::{Kind, Row};
use super::sniff;

/// The formats `csv-convert` reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values (any dialect)
    Csv,
    /// Tab-separated values (Python's excel-tab dialect)
    Tsv,
    /// One JSON array of objects (arrays with --no-header)
    Json,
    /// JSON Lines: one object a line
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
    pub infer_types: bool,
    pub dedupe_headers: bool,
    pub progress: bool,
}

/// Converts `config.input` into `out`.
pub fn convert(config: &Config, out: &mut dyn Write) -> Result<()> {
    let src = open_input(&config.input, config.progress)?;
    if config.from.is_csv() {
        csv_to_any(config, src, out)
    } else {
        json_to_any(config, src, out)
    }
}

fn open_input(path: &Path, progress: bool) -> Result<Box<dyn Read>> {
    if path == Path::new("-") {
        return Ok(Box::new(io::stdin().lock()));
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok(super::progress::wrap(Box::new(file), size, progress))
}

fn csv_to_any(config: &Config, mut src: Box<dyn Read>, out: &mut dyn Write) -> Result<()> {
    let mut dialect = config.read.clone();
    let mut has_header = config.header;
    if config.sniff {
        let (sample, rest) = sniff::take_sample(src)?;
        let found = sniff::sniff(&sample, &dialect)?;
        tracing::info!(
            "sniffed delimiter {:?}, quotechar {:?}, skipinitialspace {}, doublequote {}, header {}",
            char::from(found.delimiter),
            char::from(found.quotechar),
            found.skipinitialspace,
            found.doublequote,
            if found.has_header { "yes" } else { "no" }
        );
        dialect.delimiter = found.delimiter;
        dialect.quotechar = found.quotechar;
        dialect.doublequote = found.doublequote;
        dialect.skipinitialspace = found.skipinitialspace;
        has_header = has_header && found.has_header;
        src = rest;
    }
    let read_dialect = dialect.clone();
    let mut reader = CsvReader::new(src, dialect, config.lossy);
    if config.to.is_csv() {
        reader.watch_for(&CsvWriter::new(config.write.clone()).specials());
    } else {
        reader.watch_for(&super::json_escape::json_specials());
    }
    let mut row = Row::new();
    let header = if has_header {
        if !reader.read_record(&mut row)? {
            return empty_output(config, out);
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
    let mut sink = Sink::open(config, out_header.as_deref(), out)?;
    let mut width = header.as_ref().map(Vec::len);
    let restval = config.restval.as_bytes();
    // Every column to CSV or JSON Lines: plain records skip the rows altogether.
    let transcode = match projection {
        None => sink.transcode_plan(&read_dialect, config),
        Some(_) => None,
    };
    loop {
        if let Some(plan) = &transcode {
            let want = if config.flexible { None } else { width };
            if (want.is_some() || config.flexible)
                && sink.transcode_record(out, &mut reader, plan, want)?
            {
                continue;
            }
        }
        if !reader.read_record(&mut row)? {
            break;
        }
        if row.is_empty() {
            // A blank line: DictReader skips it, csv.reader gives [].
            if !has_header {
                sink.write_clean(out, std::iter::empty())?;
            }
            continue;
        }
        let expected = *width.get_or_insert(row.len());
        if row.len() != expected && !config.flexible {
            let pos = reader.position();
            bail!(
                "record {} (line {}) has {} field{}, but {} {}; use --flexible to accept ragged rows",
                pos.record,
                pos.line,
                row.len(),
                if row.len() == 1 { "" } else { "s" },
                if has_header {
                    "the header has"
                } else {
                    "the first record has"
                },
                expected
            );
        }
        match &projection {
            Some(p) => sink.write_clean(out, p.iter().map(|&i| cell(&row, i, restval)))?,
            None => sink.write_row(out, &row, expected, restval)?,
        }
    }
    sink.finish(out)
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
fn empty_output(config: &Config, out: &mut dyn Write) -> Result<()> {
    let header = config.columns.as_ref().map(|c| sorted(c.clone(), config));
    let mut sink = Sink::open(config, header.as_deref(), out)?;
    sink.finish(out)
}

fn sorted(mut names: Vec<String>, config: &Config) -> Vec<String> {
    if config.sort_columns {
        names.sort();
    }
    names
}

fn json_to_any(config: &Config, src: Box<dyn Read>, out: &mut dyn Write) -> Result<()> {
    let lines = config.from == Format::Jsonl;
    let (columns, src) = match (&config.columns, config.union_keys) {
        (Some(columns), _) => (Some(columns.clone()), src),
        (None, true) => {
            let (columns, src) = union_of_keys(&config.input, src, lines)?;
            (Some(columns), src)
        }
        (None, false) => (None, src),
    };
    let mut table = JsonTable::new(columns.clone(), config.ignore_extra);
    let mut reader = JsonReader::new(src, lines);
    reader.watch_for(&if config.to.is_csv() {
        CsvWriter::new(config.write.clone()).specials()
    } else {
        super::json_escape::json_specials()
    });
    let mut output = match &columns {
        Some(columns) => Some(ObjectWriter::open(config, columns, out)?),
        None => None,
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
                Plain::End => break,
                Plain::Object => {
                    sink.write_clean(out, order.iter().map(|&i| reader.plain_field(i)))?;
                    continue;
                }
                Plain::Other => {}
            }
        }
        if !table.next_row(&mut reader)? {
            break;
        }
        let ObjectWriter { sink, order, .. } = match &mut output {
            Some(output) => output,
            None => output.insert(ObjectWriter::open(config, &table.columns, out)?),
        };
        sink.write_clean(out, order.iter().map(|&i| table.field(i, restval)))?;
    }
    match &mut output {
        Some(output) => output.sink.finish(out),
        None => empty_output(config, out),
    }
}

/// Where JSON objects go once their columns are known.
struct ObjectWriter {
    sink: Sink,
    /// The columns in output order (sorted with `--sort-columns`).
    order: Vec<usize>,
    /// The columns as [`JsonReader::next_plain_object`] matches keys, or `None` when one of
    /// them cannot be matched that way.
    plain: Option<Vec<PlainKey>>,
}

impl ObjectWriter {
    /// Writes the header for `columns` and gets ready for rows.
    fn open(config: &Config, columns: &[String], out: &mut dyn Write) -> Result<ObjectWriter> {
        let order = column_order(columns, config.sort_columns);
        let names: Vec<String> = order.iter().map(|&i| columns[i].clone()).collect();
        let plain = if columns.is_empty() {
            None
        } else {
            columns.iter().map(|c| PlainKey::new(c)).collect()
        };
        Ok(ObjectWriter {
            sink: Sink::open(config, Some(&names), out)?,
            order,
            plain,
        })
    }
}

fn column_order(columns: &[String], sort: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..columns.len()).collect();
    if sort {
        order.sort_by(|&a, &b| columns[a].cmp(&columns[b]));
    }
    order
}

/// First pass of `--union-keys`: every key of every object, in first-seen order. Stdin is
/// spilled to an anonymous temporary file on the way, so the second pass can read it again.
fn union_of_keys(
    input: &Path,
    src: Box<dyn Read>,
    lines: bool,
) -> Result<(Vec<String>, Box<dyn Read>)> {
    let mut keys = KeysInOrder::default();
    if input == Path::new("-") {
        let spill = tempfile::tempfile().context("cannot create a temporary file for stdin")?;
        let mut tee = Tee {
            src,
            copy: BufWriter::with_capacity(256 * 1024, spill),
        };
        {
            keys.collect(&mut JsonReader::new(&mut tee, lines))?;
        }
        // Whatever the parser did not need (trailing whitespace) still belongs to the copy.
        io::copy(&mut tee.src, &mut tee.copy).context("cannot read the input")?;
        let mut spill = tee
            .copy
            .into_inner()
            .map_err(|e| e.into_error())
            .context("cannot write the temporary copy of stdin")?;
        spill.rewind()?;
        Ok((keys.columns, Box::new(spill)))
    } else {
        keys.collect(&mut JsonReader::new(src, lines))?;
        let again =
            File::open(input).with_context(|| format!("cannot open {}", input.display()))?;
        Ok((keys.columns, Box::new(again)))
    }
}

/// Every key seen, in first-seen order.
#[derive(Default)]
struct KeysInOrder {
    columns: Vec<String>,
    seen: std::collections::HashSet<Vec<u8>>,
}

impl KeysInOrder {
    fn collect<R: Read>(&mut self, reader: &mut JsonReader<R>) -> Result<()> {
        while reader.next_object(&mut |key, _, _, _| {
            if !self.seen.contains(key) {
                self.seen.insert(key.to_vec());
                self.columns.push(String::from_utf8_lossy(key).into_owned());
            }
            Ok(())
        })? {}
        Ok(())
    }
}

/// Copies everything read from `src` into `copy`.
struct Tee<W: Write> {
    src: Box<dyn Read>,
    copy: W,
}

impl<W: Write> Read for Tee<W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.src.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

/// Turns JSON objects into rows of fixed columns.
struct JsonTable {
    columns: Vec<String>,
    index: HashMap<Vec<u8>, usize>,
    /// Columns are fixed: given, unioned, or taken from the first object.
    fixed: bool,
    ignore_extra: bool,
    /// The last object's value for each column.
    cells: Vec<Cell>,
}

/// One column's value in the last object read.
struct Cell {
    value: Vec<u8>,
    kind: Kind,
    clean: bool,
    /// The object had this key.
    seen: bool,
}

impl Cell {
    fn empty() -> Cell {
        Cell {
            value: Vec::new(),
            kind: Kind::Text,
            clean: false,
            seen: false,
        }
    }
}

impl JsonTable {
    fn new(columns: Option<Vec<String>>, ignore_extra: bool) -> JsonTable {
        let fixed = columns.is_some();
        let columns = columns.unwrap_or_default();
        let index = columns
            .iter()
            .enumerate()
            .rev()
            .map(|(i, c)| (c.as_bytes().to_vec(), i))
            .collect();
        let cells = columns.iter().map(|_| Cell::empty()).collect();
        JsonTable {
            columns,
            index,
            fixed,
            ignore_extra,
            cells,
        }
    }

    /// Field `i` of the last row read, `restval` when its object lacked the key: written
    /// straight from the value buffers, with no copy into a [`Row`] between.
    fn field<'a>(&'a self, i: usize, restval: &'a [u8]) -> (&'a [u8], Kind, bool) {
        let cell = &self.cells[i];
        if cell.seen {
            (&cell.value, cell.kind, cell.clean)
        } else {
            (restval, Kind::Text, false)
        }
    }

    /// Reads the next object into the value buffers; false at the end of input.
    fn next_row<R: Read>(&mut self, reader: &mut JsonReader<R>) -> Result<bool> {
        for cell in &mut self.cells {
            cell.seen = false;
        }
        let JsonTable {
            columns,
            index,
            fixed,
            ignore_extra,
            cells,
        } = self;
        // Where the next key probably is: objects usually list their keys in column order,
        // and one comparison is cheaper than hashing.
        let mut guess = 0;
        let got = reader.next_object(&mut |key, value, kind, clean| {
            let hit = columns
                .get(guess)
                .filter(|c| c.as_bytes() == key)
                .map(|_| guess);
            let i = match hit.or_else(|| index.get(key).copied()) {
                Some(i) => i,
                None if !*fixed => {
                    let i = columns.len();
                    columns.push(String::from_utf8_lossy(key).into_owned());
                    index.insert(key.to_vec(), i);
                    cells.push(Cell::empty());
                    i
                }
                None if *ignore_extra => return Ok(()),
                None => bail!(
                    "key {:?} is not one of the columns ({}); use --union-keys to add it \
                     or --ignore-extra to drop it",
                    String::from_utf8_lossy(key),
                    columns.join(", ")
                ),
            };
            let cell = &mut cells[i];
            cell.value.clear();
            cell.value.extend_from_slice(value);
            cell.kind = kind;
            cell.clean = clean;
            cell.seen = true;
            guess = i + 1;
            Ok(())
        })?;
        if !got {
            return Ok(false);
        }
        self.fixed = true;
        Ok(true)
    }
}

/// Output is gathered here and handed on in blocks this big: one dynamic write per block
/// instead of one per quote and delimiter.
const BLOCK: usize = 128 * 1024;

/// The output side: a CSV or JSON writer and its block buffer.
struct Sink {
    kind: SinkKind,
    buf: Vec<u8>,
}

enum SinkKind {
    Csv {
        writer: Box<CsvWriter>,
        names: Vec<String>,
    },
    Json {
        writer: Box<JsonWriter>,
        keyed: bool,
        restkey: Vec<u8>,
    },
}

impl Sink {
    fn open(config: &Config, header: Option<&[String]>, out: &mut dyn Write) -> Result<Sink> {
        if config.to.is_csv() {
            let mut writer = Box::new(CsvWriter::new(config.write.clone()));
            let mut buf = Vec::with_capacity(BLOCK + 4096);
            if let Some(names) = header {
                writer.write_record(
                    &mut buf,
                    names.iter().map(|n| (n.as_bytes(), Kind::Text)),
                    &|_| None,
                )?;
            }
            out.write_all(&buf)?;
            buf.clear();
            return Ok(Sink {
                kind: SinkKind::Csv {
                    writer,
                    names: header.map(<[String]>::to_vec).unwrap_or_default(),
                },
                buf,
            });
        }
        let keys = header
            .map(|names| json_keys(names, config.dedupe_headers))
            .transpose()?;
        Ok(Sink {
            kind: SinkKind::Json {
                writer: Box::new(JsonWriter::new(
                    config.to == Format::Jsonl,
                    config.infer_types,
                    keys.as_deref(),
                )),
                keyed: keys.is_some(),
                restkey: config.restkey.as_bytes().to_vec(),
            },
            buf: Vec::with_capacity(BLOCK + 4096),
        })
    }

    /// Writes fields with clean flags from a reader watching for this sink's specials.
    fn write_clean<'a>(
        &mut self,
        out: &mut dyn Write,
        fields: impl Iterator<Item = (&'a [u8], Kind, bool)>,
    ) -> Result<()> {
        match &mut self.kind {
            SinkKind::Csv { writer, names } => {
                writer.write_record_clean(&mut self.buf, fields, &|i| names.get(i).cloned())?
            }
            SinkKind::Json {
                writer, restkey, ..
            } => writer.write_row_clean(&mut self.buf, fields, restkey)?,
        }
        self.flush_if_full(out)
    }

    /// Writes a row as it was read, keeping the reader's clean flags. CSV gets it as it is;
    /// JSON objects are padded with `restval` to `width` fields.
    fn write_row(
        &mut self,
        out: &mut dyn Write,
        row: &Row,
        width: usize,
        restval: &[u8],
    ) -> Result<()> {
        match &mut self.kind {
            SinkKind::Csv { writer, names } => {
                writer.write_row(&mut self.buf, row, &|i| names.get(i).cloned())?
            }
            SinkKind::Json {
                writer,
                restkey,
                keyed,
            } => {
                let width = if *keyed {
                    row.len().max(width)
                } else {
                    row.len()
                };
                let fields = (0..width).map(|i| cell(row, i, restval));
                writer.write_row_clean(&mut self.buf, fields, restkey)?
            }
        }
        self.flush_if_full(out)
    }

    /// The plan for converting plain records straight into this sink, if it has one.
    fn transcode_plan(&self, read: &ReadDialect, config: &Config) -> Option<Transcode> {
        match &self.kind {
            SinkKind::Csv { .. } => Transcode::new(read, &config.write, config.lossy),
            SinkKind::Json { writer, .. } => {
                Transcode::jsonl(read, writer.plain_jsonl_keys()?, config.lossy)
            }
        }
    }

    /// Converts the reader's next record straight into the sink when it is plain (see
    /// [`Transcode`]); false when the record needs reading into a row.
    fn transcode_record<R: Read>(
        &mut self,
        out: &mut dyn Write,
        reader: &mut CsvReader<R>,
        plan: &Transcode,
        width: Option<usize>,
    ) -> Result<bool> {
        if !reader.transcode_record(plan, &mut self.buf, width) {
            return Ok(false);
        }
        self.flush_if_full(out)?;
        Ok(true)
    }

    /// Hands the buffer on once it holds a block.
    fn flush_if_full(&mut self, out: &mut dyn Write) -> Result<()> {
        if self.buf.len() >= BLOCK {
            out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<()> {
        if let SinkKind::Json { writer, .. } = &mut self.kind {
            writer.finish(&mut self.buf)?;
        }
        out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
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

//! The output side of a pass: a CSV or JSON writer and the block buffer it writes into, or,
//! on the first pass of `--types column`, the inference that only looks at the values.
//!
//! Output is gathered in blocks and handed on one block at a time (one dynamic write per
//! block instead of one per quote and delimiter); CSV blocks are encoded on the way under
//! `--out-encoding`/`--bom`. Blocks always end at a record's end, so a character the output
//! encoding cannot hold is found again by reading the block back as CSV.

use std::io::{Read, Write};

use anyhow::{Result, anyhow};

use super::super::csv_read::{CsvReader, Transcode};
use super::super::csv_write::CsvWriter;
use super::super::dialect::{ReadDialect, WriteDialect};
use super::super::encoding::encode::{EncodeError, Encoder};
use super::super::encoding::{Charset, Named};
use super::super::json_write::{JsonWriter, Nesting};
use super::super::row::{Kind, Row};
use super::super::types::Inference;
use super::{Config, Format, Pass, Typing, cell, json_keys};

/// Output is handed on in blocks this big.
const BLOCK: usize = 128 * 1024;

/// Where rows go.
pub struct Sink {
    kind: SinkKind,
    buf: Vec<u8>,
    /// The output encoding, unless it is plain UTF-8.
    encoder: Option<Encoder>,
    /// Records put into `buf` since the start, and those already handed on.
    records: u64,
    flushed: u64,
    /// The output's column names (its header, or the JSON keys), for messages.
    names: Vec<String>,
}

enum SinkKind {
    Csv {
        writer: Box<CsvWriter>,
    },
    Json {
        writer: Box<JsonWriter>,
        keyed: bool,
        restkey: Vec<u8>,
    },
    /// The first pass of `--types column`: nothing is written.
    Infer {
        inference: Inference,
        /// Values past this many columns are a ragged row's extras, which take no type.
        width: Option<usize>,
    },
}

impl Sink {
    /// Opens the output of `pass` for rows with these column names (`None`: no header), and
    /// writes the CSV header.
    pub fn open(
        config: &Config,
        header: Option<&[String]>,
        out: &mut dyn Write,
        pass: &Pass,
    ) -> Result<Sink> {
        let names = header.map(<[String]>::to_vec).unwrap_or_default();
        if matches!(pass, Pass::Infer) {
            return Ok(Sink::new(
                SinkKind::Infer {
                    inference: Inference::default(),
                    width: header.map(<[String]>::len),
                },
                None,
                names,
            ));
        }
        if config.to.is_csv() {
            let named = config.out_encoding.unwrap_or(Named {
                charset: Charset::Utf8,
                bom: false,
            });
            let encoder =
                Some(Encoder::new(named, config.bom, config.lossy)).filter(|e| !e.is_identity());
            let mut sink = Sink::new(
                SinkKind::Csv {
                    writer: Box::new(CsvWriter::new(config.write.clone())),
                },
                encoder,
                names,
            );
            // A header of no columns (an empty input) writes nothing, not a blank line.
            if let (Some(names), SinkKind::Csv { writer }) = (header, &mut sink.kind)
                && !names.is_empty()
            {
                writer.write_record(
                    &mut sink.buf,
                    names.iter().map(|n| (n.as_bytes(), Kind::Text)),
                    &|_| None,
                )?;
                sink.records += 1;
            }
            sink.emit(out)?;
            return Ok(sink);
        }
        let keys = header
            .map(|names| json_keys(names, config.dedupe_headers))
            .transpose()?;
        let mut writer = JsonWriter::new(
            config.to == Format::Jsonl,
            config.typing == Typing::Cell,
            keys.as_deref(),
        );
        match (&config.typing, pass) {
            (Typing::Schema(schema), _) => writer.set_types(schema.for_columns(header), true),
            (_, Pass::Convert { types: Some(types) }) => writer.set_types(types.clone(), false),
            _ => {}
        }
        if let (Some((separator, arrays)), Some(keys)) = (&config.unflatten, &keys) {
            writer.set_nesting(Nesting::new(keys, separator, *arrays)?);
        }
        Ok(Sink::new(
            SinkKind::Json {
                writer: Box::new(writer),
                keyed: keys.is_some(),
                restkey: config.restkey.as_bytes().to_vec(),
            },
            None,
            names,
        ))
    }

    fn new(kind: SinkKind, encoder: Option<Encoder>, names: Vec<String>) -> Sink {
        Sink {
            kind,
            buf: Vec::with_capacity(BLOCK + 4096),
            encoder,
            records: 0,
            flushed: 0,
            names,
        }
    }

    /// The name of output column `i`, for messages.
    pub fn column_name(&self, i: usize) -> Option<&str> {
        self.names.get(i).map(String::as_str)
    }

    /// Writes fields with clean flags from a reader watching for this sink's specials.
    pub fn write_clean<'a>(
        &mut self,
        out: &mut dyn Write,
        fields: impl Iterator<Item = (&'a [u8], Kind, bool)>,
    ) -> Result<()> {
        let Sink {
            kind, buf, names, ..
        } = self;
        match kind {
            SinkKind::Csv { writer } => {
                writer.write_record_clean(buf, fields, &|i| names.get(i).cloned())?
            }
            SinkKind::Json {
                writer, restkey, ..
            } => writer.write_row_clean(buf, fields, restkey)?,
            SinkKind::Infer { inference, width } => {
                for (i, (bytes, kind, _)) in fields.enumerate() {
                    if width.is_none_or(|w| i < w) {
                        inference.observe(i, bytes, kind);
                    }
                }
            }
        }
        self.records += 1;
        self.flush_if_full(out)
    }

    /// Writes a row as it was read, keeping the reader's clean flags. CSV gets it as it is;
    /// JSON objects are padded with `restval` to `width` fields.
    pub fn write_row(
        &mut self,
        out: &mut dyn Write,
        row: &Row,
        width: usize,
        restval: &[u8],
    ) -> Result<()> {
        let keyed = match &mut self.kind {
            SinkKind::Csv { writer } => {
                let names = &self.names;
                writer.write_row(&mut self.buf, row, &|i| names.get(i).cloned())?;
                self.records += 1;
                return self.flush_if_full(out);
            }
            SinkKind::Json { keyed, .. } => *keyed,
            SinkKind::Infer { width: w, .. } => w.is_some(),
        };
        let width = if keyed {
            row.len().max(width)
        } else {
            row.len()
        };
        self.write_clean(out, (0..width).map(|i| cell(row, i, restval)))
    }

    /// The plan for converting plain records straight into this sink, if it has one.
    pub fn transcode_plan(&self, read: &ReadDialect, config: &Config) -> Option<Transcode> {
        match &self.kind {
            SinkKind::Csv { .. } => Transcode::new(read, &config.write, false),
            SinkKind::Json { writer, .. } => {
                Transcode::jsonl(read, writer.plain_jsonl_keys()?, false)
            }
            SinkKind::Infer { .. } => None,
        }
    }

    /// Converts the reader's next record straight into the sink when it is plain (see
    /// [`Transcode`]); false when the record needs reading into a row.
    pub fn transcode_record<R: Read>(
        &mut self,
        out: &mut dyn Write,
        reader: &mut CsvReader<R>,
        plan: &Transcode,
        width: Option<usize>,
    ) -> Result<bool> {
        if !reader.transcode_record(plan, &mut self.buf, width) {
            return Ok(false);
        }
        self.records += 1;
        self.flush_if_full(out)?;
        Ok(true)
    }

    /// Hands the buffer on once it holds a block.
    #[inline]
    fn flush_if_full(&mut self, out: &mut dyn Write) -> Result<()> {
        if self.buf.len() >= BLOCK {
            self.emit(out)?;
        }
        Ok(())
    }

    /// Hands the buffer on, encoded.
    fn emit(&mut self, out: &mut dyn Write) -> Result<()> {
        match &mut self.encoder {
            None => out.write_all(&self.buf)?,
            Some(encoder) => match encoder.write(&self.buf, out) {
                Ok(()) => {}
                Err(EncodeError::Io(e)) => return Err(e.into()),
                Err(EncodeError::Unmappable {
                    offset,
                    ch,
                    encoding,
                }) => return Err(self.unmappable(offset, ch, encoding)),
            },
        }
        self.buf.clear();
        self.flushed = self.records;
        Ok(())
    }

    /// The error for `ch` at `offset` of the block: which record and field it is in, found
    /// by reading the block back in the output's dialect.
    fn unmappable(&self, offset: usize, ch: char, encoding: &str) -> anyhow::Error {
        let (record, field) = match &self.kind {
            SinkKind::Csv { writer } => locate(&self.buf, offset, ch, writer.dialect()),
            _ => (0, 0),
        };
        let name = self
            .column_name(field)
            .map(|n| format!(" ({n:?})"))
            .unwrap_or_default();
        anyhow!(
            "record {}, field {}{name}: {ch:?} (U+{:04X}) cannot be written in {encoding}; use \
             --lossy to write it as &#{};",
            self.flushed + record,
            field + 1,
            u32::from(ch),
            u32::from(ch)
        )
    }

    /// Ends the output. After the first pass of `--types column`, leaves the types found in
    /// `pass`.
    pub fn finish(&mut self, out: &mut dyn Write, pass: &mut Pass) -> Result<()> {
        match &mut self.kind {
            SinkKind::Json { writer, .. } => writer.finish(&mut self.buf)?,
            SinkKind::Infer { inference, width } => {
                let (types, nullable) = std::mem::take(inference).finish(width.unwrap_or(0));
                *pass = Pass::Inferred {
                    names: width.map(|_| self.names.clone()),
                    types,
                    nullable,
                };
                return Ok(());
            }
            SinkKind::Csv { .. } => {}
        }
        self.emit(out)?;
        if let Some(encoder) = &mut self.encoder
            && let Err(EncodeError::Io(e)) = encoder.finish(out)
        {
            return Err(e.into());
        }
        Ok(())
    }
}

/// The 1-based record (within `block`) and 0-based field holding `ch` at byte `offset`.
fn locate(block: &[u8], offset: usize, ch: char, dialect: &WriteDialect) -> (u64, usize) {
    let mut reader = CsvReader::new(block, dialect.read_back(), true);
    reader.keep_bom();
    let mut row = Row::new();
    let mut wanted = [0u8; 4];
    let wanted = ch.encode_utf8(&mut wanted).as_bytes();
    let mut record = 0;
    while let Ok(true) = reader.read_record(&mut row) {
        record += 1;
        if reader.position().byte as usize > offset {
            let field = (0..row.len())
                .find(|&i| row.field(i).windows(wanted.len()).any(|w| w == wanted))
                .unwrap_or(0);
            return (record, field);
        }
    }
    (record.max(1), 0)
}

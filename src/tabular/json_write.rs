//! JSON and JSON Lines output: rows as objects keyed by the header (`DictReader`), or as
//! arrays without one (`csv.reader`). Compact, UTF-8, one row per line in both formats.
//!
//! Values are strings unless types are asked for: `--infer-types` types each value alone,
//! `--types column` gives each column one type ([`ColumnType`]). `--unflatten` nests the
//! columns by their dotted names ([`unflatten`]).

use std::fmt;

use anyhow::Result;

use super::json_escape::write_string;
use super::number::{Inferred, infer, json_number_text};
use super::row::Kind;
use super::types::{ColumnType, fits};

mod unflatten;
pub use unflatten::Nesting;

/// Writes rows as a JSON array (`json`) or one value a line (`jsonl`).
pub struct JsonWriter {
    lines: bool,
    infer_types: bool,
    /// `"name":` for each column, escaped once.
    keys: Option<Vec<Vec<u8>>>,
    /// One type per column (`--types column` or `--schema`).
    types: Option<Vec<ColumnType>>,
    /// The types came from `--schema`: a value that does not fit is an error, not a string.
    forced: bool,
    nesting: Option<Nesting>,
    rows: u64,
}

/// A value that cannot be written: field `field` (0-based) of the row being written. The
/// caller knows where the row came from and says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: usize,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field {}: {}", self.field + 1, self.message)
    }
}

impl std::error::Error for FieldError {}

impl JsonWriter {
    /// A writer of objects keyed by `header` (or arrays when `None`).
    pub fn new(lines: bool, infer_types: bool, header: Option<&[String]>) -> JsonWriter {
        let keys = header.map(|names| names.iter().map(|name| object_key(name)).collect());
        JsonWriter {
            lines,
            infer_types,
            keys,
            types: None,
            forced: false,
            nesting: None,
            rows: 0,
        }
    }

    /// Gives each column one type; `forced` types (from `--schema`) refuse a value that does
    /// not fit instead of widening.
    pub fn set_types(&mut self, types: Vec<ColumnType>, forced: bool) {
        self.types = Some(types);
        self.forced = forced;
    }

    /// Nests the keyed columns by their names (`--unflatten`).
    pub fn set_nesting(&mut self, nesting: Nesting) {
        self.nesting = Some(nesting);
    }

    /// Writes one row; fields beyond the header (ragged rows under `--flexible`) go into an
    /// array under `extra_key`, as `DictReader`'s `restkey`. Each field comes with its clean
    /// flag from a reader watching for [`json_specials`](super::json_escape::json_specials):
    /// clean text needs no escaping and is copied without a scan.
    pub fn write_row_clean<'a>(
        &mut self,
        out: &mut Vec<u8>,
        fields: impl IntoIterator<Item = (&'a [u8], Kind, bool)>,
        extra_key: &[u8],
    ) -> Result<()> {
        self.rows += 1;
        if !self.lines {
            out.extend_from_slice(if self.rows == 1 { b"[\n" } else { b",\n" });
        }
        if let Some(nesting) = &self.nesting {
            let cells: Vec<_> = fields.into_iter().collect();
            nesting.write(out, &mut |out, column| match cells.get(column) {
                Some(&(bytes, kind, clean)) => self.write_value(out, column, bytes, kind, clean),
                None => {
                    out.extend_from_slice(b"null");
                    Ok(())
                }
            })?;
            // Anything past the columns is a ragged row's extra.
            let extras = cells.get(nesting.columns()..).unwrap_or_default();
            self.write_extras(out, extras, extra_key, nesting.columns() > 0)?;
            out.push(b'}');
        } else {
            match &self.keys {
                Some(keys) => {
                    out.push(b'{');
                    let mut fields = fields.into_iter().enumerate();
                    for (i, key) in keys.iter().enumerate() {
                        let Some((_, (bytes, kind, clean))) = fields.next() else {
                            break;
                        };
                        if i > 0 {
                            out.push(b',');
                        }
                        out.extend_from_slice(key);
                        self.write_value(out, i, bytes, kind, clean)?;
                    }
                    let extras: Vec<_> = fields.map(|(_, f)| f).collect();
                    self.write_extras(out, &extras, extra_key, !keys.is_empty())?;
                    out.push(b'}');
                }
                None => {
                    out.push(b'[');
                    for (i, (bytes, kind, clean)) in fields.into_iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        self.write_value(out, i, bytes, kind, clean)?;
                    }
                    out.push(b']');
                }
            }
        }
        if self.lines {
            out.push(b'\n');
        }
        Ok(())
    }

    /// The fields of a long row past the header, as an array under `extra_key`.
    fn write_extras(
        &self,
        out: &mut Vec<u8>,
        extras: &[(&[u8], Kind, bool)],
        extra_key: &[u8],
        after_others: bool,
    ) -> Result<()> {
        if extras.is_empty() {
            return Ok(());
        }
        if after_others {
            out.push(b',');
        }
        write_string(out, extra_key);
        out.extend_from_slice(b":[");
        for (i, &(bytes, kind, clean)) in extras.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            // Extras belong to no column: they follow the per-value rules.
            self.write_untyped(out, usize::MAX, bytes, kind, clean)?;
        }
        out.push(b']');
        Ok(())
    }

    /// The escaped `"name":` keys when every row is one plain line (JSON Lines objects
    /// without types or nesting), for [`Transcode::jsonl`](super::csv_read::Transcode::jsonl).
    pub fn plain_jsonl_keys(&self) -> Option<&[Vec<u8>]> {
        if !self.lines || self.infer_types || self.types.is_some() || self.nesting.is_some() {
            return None;
        }
        self.keys.as_deref()
    }

    /// Writes the end of the output.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<()> {
        if !self.lines {
            out.extend_from_slice(if self.rows == 0 { b"[]\n" } else { b"\n]\n" });
        }
        Ok(())
    }

    #[inline]
    fn write_value(
        &self,
        out: &mut Vec<u8>,
        column: usize,
        bytes: &[u8],
        kind: Kind,
        clean: bool,
    ) -> Result<()> {
        match self.types.as_ref().and_then(|t| t.get(column)) {
            Some(&column_type) => self.write_typed(out, column, column_type, bytes, kind, clean),
            None => self.write_untyped(out, column, bytes, kind, clean),
        }
    }

    /// A value on its own: text stays text unless `--infer-types`.
    #[inline]
    fn write_untyped(
        &self,
        out: &mut Vec<u8>,
        column: usize,
        bytes: &[u8],
        kind: Kind,
        clean: bool,
    ) -> Result<()> {
        match kind {
            Kind::Text if self.infer_types => match infer(bytes) {
                Inferred::Number | Inferred::Bool => out.extend_from_slice(bytes),
                Inferred::Null => out.extend_from_slice(b"null"),
                Inferred::Text => write_text(out, bytes, clean),
            },
            Kind::Text => write_text(out, bytes, clean),
            Kind::Number => write_number(out, column, bytes)?,
            Kind::Bool | Kind::Nested => out.extend_from_slice(bytes),
            Kind::Null => out.extend_from_slice(b"null"),
        }
        Ok(())
    }

    /// A value in a column of one type: empty is null, a string column holds everything as
    /// text, the others hold their own kind (checked when the type was forced).
    fn write_typed(
        &self,
        out: &mut Vec<u8>,
        column: usize,
        column_type: ColumnType,
        bytes: &[u8],
        kind: Kind,
        clean: bool,
    ) -> Result<()> {
        if kind == Kind::Null || (kind == Kind::Text && bytes.is_empty()) {
            out.extend_from_slice(b"null");
            return Ok(());
        }
        if self.forced && !fits(bytes, kind, column_type) {
            return Err(FieldError {
                field: column,
                message: format!(
                    "{:?} is not of type {}, which --schema gives this column",
                    String::from_utf8_lossy(bytes),
                    column_type.schema_name()
                ),
            }
            .into());
        }
        match (column_type, kind) {
            (ColumnType::String, Kind::Text) => write_text(out, bytes, clean),
            (ColumnType::String, _) => write_string(out, bytes),
            (_, Kind::Number) => write_number(out, column, bytes)?,
            _ => out.extend_from_slice(bytes),
        }
        Ok(())
    }
}

/// `"name":`, escaped.
pub(crate) fn object_key(name: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(name.len() + 3);
    write_string(&mut key, name.as_bytes());
    key.push(b':');
    key
}

#[inline]
fn write_text(out: &mut Vec<u8>, bytes: &[u8], clean: bool) {
    if clean {
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
    } else {
        write_string(out, bytes);
    }
}

/// A number read as one (a JSON number, or an unquoted field under `--quoting nonnumeric`).
fn write_number(out: &mut Vec<u8>, column: usize, bytes: &[u8]) -> Result<()> {
    match json_number_text(bytes) {
        Some(text) => {
            out.extend_from_slice(&text);
            Ok(())
        }
        None => Err(FieldError {
            field: column,
            message: format!(
                "{:?} is not a finite number, and JSON has no NaN or Infinity",
                String::from_utf8_lossy(bytes)
            ),
        }
        .into()),
    }
}

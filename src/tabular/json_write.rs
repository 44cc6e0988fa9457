//! JSON and JSON Lines output: rows as objects keyed by the header (`DictReader`), or as
//! arrays without one (`csv.reader`). Compact, UTF-8, one row per line in both formats.

use std::io::Write;

use anyhow::{Result, bail};

use super::number::{Inferred, infer, json_number_text};
use super::row::Kind;

/// Writes rows as a JSON array (`json`) or one value a line (`jsonl`).
pub struct JsonWriter {
    lines: bool,
    infer_types: bool,
    /// `"name":` for each column, escaped once.
    keys: Option<Vec<Vec<u8>>>,
    rows: u64,
}

impl JsonWriter {
    /// A writer of objects keyed by `header` (or arrays when `None`).
    pub fn new(lines: bool, infer_types: bool, header: Option<&[String]>) -> JsonWriter {
        let keys = header.map(|names| {
            names
                .iter()
                .map(|name| {
                    let mut key = Vec::with_capacity(name.len() + 3);
                    write_string(&mut key, name.as_bytes()).expect("writing to a Vec");
                    key.push(b':');
                    key
                })
                .collect()
        });
        JsonWriter {
            lines,
            infer_types,
            keys,
            rows: 0,
        }
    }

    /// Writes one row; fields beyond the header (ragged rows under `--flexible`) go into an
    /// array under `extra_key`, as `DictReader`'s `restkey`.
    pub fn write_row<'a, W: Write>(
        &mut self,
        out: &mut W,
        fields: impl IntoIterator<Item = (&'a [u8], Kind)>,
        extra_key: &[u8],
    ) -> Result<()> {
        self.rows += 1;
        if !self.lines {
            out.write_all(if self.rows == 1 { b"[\n" } else { b",\n" })?;
        }
        match &self.keys {
            Some(keys) => {
                out.write_all(b"{")?;
                let mut extra = false;
                for (i, (bytes, kind)) in fields.into_iter().enumerate() {
                    if i > 0 && i <= keys.len() {
                        out.write_all(b",")?;
                    }
                    if let Some(key) = keys.get(i) {
                        out.write_all(key)?;
                    } else if i == keys.len() {
                        write_string(out, extra_key)?;
                        out.write_all(b":[")?;
                    } else {
                        out.write_all(b",")?;
                    }
                    self.write_value(out, bytes, kind)?;
                    extra = i >= keys.len();
                }
                out.write_all(if extra { b"]}" } else { b"}" })?;
            }
            None => {
                out.write_all(b"[")?;
                for (i, (bytes, kind)) in fields.into_iter().enumerate() {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    self.write_value(out, bytes, kind)?;
                }
                out.write_all(b"]")?;
            }
        }
        if self.lines {
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Writes the end of the output.
    pub fn finish<W: Write>(&mut self, out: &mut W) -> Result<()> {
        if !self.lines {
            out.write_all(if self.rows == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        Ok(())
    }

    fn write_value<W: Write>(&self, out: &mut W, bytes: &[u8], kind: Kind) -> Result<()> {
        match kind {
            Kind::Text if self.infer_types => match infer(bytes) {
                Inferred::Number | Inferred::Bool => out.write_all(bytes)?,
                Inferred::Null => out.write_all(b"null")?,
                Inferred::Text => write_string(out, bytes)?,
            },
            Kind::Text => write_string(out, bytes)?,
            Kind::Number => match json_number_text(bytes) {
                Some(text) => out.write_all(&text)?,
                None => bail!(
                    "row {}: {:?} is not a finite number, and JSON has no NaN or Infinity",
                    self.rows,
                    String::from_utf8_lossy(bytes)
                ),
            },
            Kind::Bool | Kind::Nested => out.write_all(bytes)?,
            Kind::Null => out.write_all(b"null")?,
        }
        Ok(())
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes `bytes` (UTF-8) as a JSON string: quotes, backslashes and control characters
/// escaped, everything else verbatim.
pub fn write_string<W: Write + ?Sized>(out: &mut W, bytes: &[u8]) -> std::io::Result<()> {
    out.write_all(b"\"")?;
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.write_all(&bytes[start..i])?;
        match b {
            b'"' => out.write_all(b"\\\"")?,
            b'\\' => out.write_all(b"\\\\")?,
            b'\n' => out.write_all(b"\\n")?,
            b'\r' => out.write_all(b"\\r")?,
            b'\t' => out.write_all(b"\\t")?,
            0x08 => out.write_all(b"\\b")?,
            0x0c => out.write_all(b"\\f")?,
            _ => out.write_all(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ])?,
        }
        start = i + 1;
    }
    out.write_all(&bytes[start..])?;
    out.write_all(b"\"")
}

//! JSON and JSON Lines output: rows as objects keyed by the header (`DictReader`), or as
//! arrays without one (`csv.reader`). Compact, UTF-8, one row per line in both formats.

use anyhow::{Result, bail};

use super::json_escape::write_string;
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
                    write_string(&mut key, name.as_bytes());
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
    /// array under `extra_key`, as `DictReader`'s `restkey`. Each field comes with its clean
    /// flag from a reader watching for [`json_specials`](super::json_escape::json_specials): clean text needs no escaping and is
    /// copied without a scan.
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
        match &self.keys {
            Some(keys) => {
                out.extend_from_slice(b"{");
                let mut extra = false;
                for (i, (bytes, kind, clean)) in fields.into_iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(b",");
                    }
                    if let Some(key) = keys.get(i) {
                        out.extend_from_slice(key);
                    } else if i == keys.len() {
                        write_string(out, extra_key);
                        out.extend_from_slice(b":[");
                    }
                    self.write_value(out, bytes, kind, clean)?;
                    extra = i >= keys.len();
                }
                out.extend_from_slice(if extra { b"]}" } else { b"}" });
            }
            None => {
                out.extend_from_slice(b"[");
                for (i, (bytes, kind, clean)) in fields.into_iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(b",");
                    }
                    self.write_value(out, bytes, kind, clean)?;
                }
                out.extend_from_slice(b"]");
            }
        }
        if self.lines {
            out.extend_from_slice(b"\n");
        }
        Ok(())
    }

    /// The escaped `"name":` keys when every row is one plain line (JSON Lines objects
    /// without type inference), for [`Transcode::jsonl`](super::csv_read::Transcode::jsonl).
    pub fn plain_jsonl_keys(&self) -> Option<&[Vec<u8>]> {
        if !self.lines || self.infer_types {
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
    fn write_value(&self, out: &mut Vec<u8>, bytes: &[u8], kind: Kind, clean: bool) -> Result<()> {
        match kind {
            Kind::Text if self.infer_types => match infer(bytes) {
                Inferred::Number | Inferred::Bool => out.extend_from_slice(bytes),
                Inferred::Null => out.extend_from_slice(b"null"),
                Inferred::Text => self.write_text(out, bytes, clean),
            },
            Kind::Text => self.write_text(out, bytes, clean),
            Kind::Number => match json_number_text(bytes) {
                Some(text) => out.extend_from_slice(&text),
                None => bail!(
                    "row {}: {:?} is not a finite number, and JSON has no NaN or Infinity",
                    self.rows,
                    String::from_utf8_lossy(bytes)
                ),
            },
            Kind::Bool | Kind::Nested => out.extend_from_slice(bytes),
            Kind::Null => out.extend_from_slice(b"null"),
        }
        Ok(())
    }

    #[inline]
    fn write_text(&self, out: &mut Vec<u8>, bytes: &[u8], clean: bool) {
        if clean {
            out.push(b'"');
            out.extend_from_slice(bytes);
            out.push(b'"');
        } else {
            write_string(out, bytes);
        }
    }
}

//! JSON and JSON Lines output: rows as objects keyed by the header (`DictReader`), or as
//! arrays without one (`csv.reader`). Compact, UTF-8, one row per line in both formats.

use anyhow::{Result, bail};

use super::number::{Inferred, infer, json_number_text};
use super::row::{Kind, RunScanner};

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
    /// flag from a reader watching for [`json_specials`]: clean text needs no escaping and is
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

/// The bytes a JSON string escapes, for [`CsvReader::watch_for`](super::csv_read::CsvReader::watch_for).
pub fn json_specials() -> Vec<u8> {
    (0..=255u8)
        .filter(|&b| NEEDS_ESCAPE[usize::from(b)])
        .collect()
}

/// Writes `bytes` (UTF-8) as a JSON string: quotes, backslashes and control characters
/// escaped, everything else verbatim.
#[inline]
pub fn write_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    escape_into(out, bytes);
    out.push(b'"');
}

/// Appends `bytes` (UTF-8, or a piece of it) with JSON escapes, without the quotes.
#[inline]
pub fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut i = 0;
    while i < bytes.len() {
        let run = STRING_SCANNER.run_length(&bytes[i..]);
        out.extend_from_slice(&bytes[i..i + run]);
        i += run;
        let Some(&b) = bytes.get(i) else { break };
        push_escaped(out, b);
        i += 1;
    }
}

/// The scanner for the bytes [`write_string`] escapes, made once for every caller.
pub static STRING_SCANNER: RunScanner = RunScanner::new(&NEEDS_ESCAPE);

/// Writes one byte of a JSON string, escaped if [`json_specials`] holds it.
#[inline]
pub fn push_escaped(out: &mut Vec<u8>, b: u8) {
    let (sequence, len) = &ESCAPE_SEQUENCES[usize::from(b)];
    if *len == 0 {
        out.push(b);
    } else {
        out.extend_from_slice(&sequence[..usize::from(*len)]);
    }
}

/// What each byte becomes in a JSON string, serde_json's escapes: the escape padded to eight
/// bytes (so a SIMD writer can store it whole) and its length, 0 for a byte that goes out as
/// it is.
pub(crate) static ESCAPE_SEQUENCES: [([u8; 8], u8); 256] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut table = [([0u8; 8], 0u8); 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = (
            [b'\\', b'u', b'0', b'0', HEX[b >> 4], HEX[b & 0xf], 0, 0],
            6,
        );
        b += 1;
    }
    let short = [
        (b'"', b'"'),
        (b'\\', b'\\'),
        (b'\n', b'n'),
        (b'\r', b'r'),
        (b'\t', b't'),
        (0x08, b'b'),
        (0x0c, b'f'),
    ];
    let mut k = 0;
    while k < short.len() {
        let (byte, letter) = short[k];
        table[byte as usize] = ([b'\\', letter, 0, 0, 0, 0, 0, 0], 2);
        k += 1;
    }
    table
};

/// Bytes a JSON string cannot hold as they are: quote, backslash, control characters.
pub(super) static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = ESCAPE_SEQUENCES[b].1 != 0;
        b += 1;
    }
    table
};

//! A CSV writer byte-identical to CPython's `csv.writer` (`join_append` in `_csv.c`) for the
//! same dialect, with one deliberate difference: a field holding `\r` or `\n` is always quoted
//! (escaped under `none`), as Python 3.12+ does, while 3.11 leaves them bare when the line
//! terminator does not contain them, which its own reader then splits into two records.

use anyhow::{Result, bail};

use super::dialect::{Quoting, WriteDialect};
use super::row::{Kind, Row, run_length};

/// Writes records in one dialect.
pub struct CsvWriter {
    dialect: WriteDialect,
    special: [bool; 256],
    records: u64,
}

impl CsvWriter {
    /// A writer for `dialect`.
    pub fn new(dialect: WriteDialect) -> CsvWriter {
        let mut special = [false; 256];
        special[usize::from(b'\r')] = true;
        special[usize::from(b'\n')] = true;
        special[usize::from(dialect.delimiter)] = true;
        special[usize::from(dialect.quotechar)] = true;
        if let Some(esc) = dialect.escapechar {
            special[usize::from(esc)] = true;
        }
        CsvWriter {
            dialect,
            special,
            records: 0,
        }
    }

    /// The dialect this writer writes.
    pub fn dialect(&self) -> &WriteDialect {
        &self.dialect
    }

    /// The bytes this writer treats specially, for [`CsvReader::watch_for`](super::csv_read::CsvReader::watch_for).
    pub fn specials(&self) -> Vec<u8> {
        (0..=255u8)
            .filter(|&b| self.special[usize::from(b)])
            .collect()
    }

    /// Writes one record (`writer.writerow`). `names` labels fields in error messages.
    pub fn write_record<'a>(
        &mut self,
        out: &mut Vec<u8>,
        fields: impl IntoIterator<Item = (&'a [u8], Kind)>,
        names: &dyn Fn(usize) -> Option<String>,
    ) -> Result<()> {
        self.write_record_clean(out, fields.into_iter().map(|(b, k)| (b, k, false)), names)
    }

    /// Writes a whole row read by a reader watching for [`CsvWriter::specials`], skipping
    /// the scan of fields it found clean.
    pub fn write_row(
        &mut self,
        out: &mut Vec<u8>,
        row: &Row,
        names: &dyn Fn(usize) -> Option<String>,
    ) -> Result<()> {
        self.write_record_clean(
            out,
            (0..row.len()).map(|i| (row.field(i), row.kind(i), row.is_clean(i))),
            names,
        )
    }

    /// Writes one record whose fields carry clean flags from a reader watching for
    /// [`CsvWriter::specials`].
    pub fn write_record_clean<'a>(
        &mut self,
        out: &mut Vec<u8>,
        fields: impl Iterator<Item = (&'a [u8], Kind, bool)>,
        names: &dyn Fn(usize) -> Option<String>,
    ) -> Result<()> {
        self.records += 1;
        let mut count = 0usize;
        let mut only_empty = true;
        for (i, (bytes, kind, clean)) in fields.enumerate() {
            if i > 0 {
                out.push(self.dialect.delimiter);
            }
            let quoted = self.starts_quoted(kind);
            let first = if clean {
                bytes.len()
            } else {
                run_length(bytes, &self.special)
            };
            if first < bytes.len() {
                self.write_special_field(out, bytes, first, quoted, i, names)?;
            } else if quoted {
                out.push(self.dialect.quotechar);
                out.extend_from_slice(bytes);
                out.push(self.dialect.quotechar);
            } else {
                out.extend_from_slice(bytes);
            }
            only_empty = !quoted && bytes.is_empty();
            count += 1;
        }
        if count == 1 && only_empty {
            // Python: a record of one empty field must be quoted, or it reads back as [].
            if self.dialect.quoting == Quoting::None {
                bail!(
                    "record {}: a record of a single empty field must be quoted, \
                     and --quoting none cannot quote it",
                    self.records
                );
            }
            let q = self.dialect.quotechar;
            out.extend_from_slice(&[q, q]);
        }
        out.extend_from_slice(if self.dialect.crlf { b"\r\n" } else { b"\n" });
        Ok(())
    }

    fn starts_quoted(&self, kind: Kind) -> bool {
        match self.dialect.quoting {
            Quoting::All => true,
            // PyNumber_Check: numbers and bools are numbers; None and str are not.
            Quoting::Nonnumeric => !matches!(kind, Kind::Number | Kind::Bool),
            Quoting::Minimal | Quoting::None => false,
        }
    }

    /// Writes a field holding a special byte at `first`.
    #[inline(never)]
    fn write_special_field(
        &self,
        out: &mut Vec<u8>,
        bytes: &[u8],
        first: usize,
        mut quoted: bool,
        index: usize,
        names: &dyn Fn(usize) -> Option<String>,
    ) -> Result<()> {
        let d = &self.dialect;
        // The slow way, as join_append does. Whether the field ends up quoted is only known
        // at its end, so an opening quote is written speculatively and taken back if not.
        let start = out.len();
        out.push(d.quotechar);
        out.extend_from_slice(&bytes[..first]);
        for &c in &bytes[first..] {
            if self.special[usize::from(c)] {
                let mut escape = false;
                if d.quoting == Quoting::None {
                    escape = true;
                } else {
                    if c == d.quotechar {
                        if d.doublequote {
                            out.push(d.quotechar);
                        } else {
                            escape = true;
                        }
                    } else if Some(c) == d.escapechar {
                        escape = true;
                    }
                    if !escape {
                        quoted = true;
                    }
                }
                if escape {
                    let Some(esc) = d.escapechar else {
                        out.truncate(start);
                        bail!(
                            "record {}, field {}{}: need to escape {:?}, but no \
                             --out-escapechar is set",
                            self.records,
                            index + 1,
                            names(index)
                                .map(|n| format!(" ({n:?})"))
                                .unwrap_or_default(),
                            char::from(c)
                        );
                    };
                    out.push(esc);
                }
            }
            out.push(c);
        }
        if quoted {
            out.push(d.quotechar);
        } else {
            out.remove(start);
        }
        Ok(())
    }
}

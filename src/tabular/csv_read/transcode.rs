//! CSV to CSV (or TSV) or JSON Lines without building rows: for the common dialects (no
//! escapechar, doubled quotes, no comments, no `skipinitialspace` on input; minimal or always
//! quoting without an escapechar on output; JSON Lines objects without type inference) a
//! record is rewritten straight from the read buffer into the output buffer, copying fields
//! that need no quoting or escaping as they are.
//!
//! Only plain records take this path: every field unquoted without a quotechar in it, or
//! quoted and closed right before a delimiter or the line end; lines ending in `\n` or
//! `\r\n`; no `\r` inside quotes; the whole record already in the buffer; the expected field
//! count. Anything else (blank lines, a lone `\r`, text after a closing quote, a record cut by
//! a refill, a ragged row, a record of one empty field) is left untouched for the exact state
//! machine, so this path only has to be right for records where Python's rules are simple.

use super::super::dialect::{Quoting, ReadDialect, WriteDialect};
use super::super::json_escape::{json_specials, push_escaped, write_string};
use super::super::row::{FIELD_MEMORY, RunScanner};
use super::{CsvReader, State};

/// A conversion plan for one pair of dialects, built once.
#[derive(Debug, Clone)]
pub struct Transcode {
    in_delim: u8,
    in_quote: u8,
    target: Target,
    /// The bytes that make a field need quoting (CSV) or escaping (JSON).
    out_special: [bool; 256],
    /// Stops at the input's delimiter, quotechar and line breaks and the writer's specials.
    unquoted: RunScanner,
    /// Stops at the input's quotechar and line breaks and the writer's specials.
    quoted: RunScanner,
}

/// What records become.
#[derive(Debug, Clone)]
enum Target {
    Csv {
        delimiter: u8,
        quotechar: u8,
        /// Every field is quoted (`all`; `nonnumeric` too, as every CSV field is text here).
        always: bool,
        crlf: bool,
    },
    /// JSON Lines objects with these escaped `"name":` keys, in order.
    Jsonl { keys: Vec<Vec<u8>> },
}

/// What [`Transcode::record`] found.
struct Done {
    used: usize,
    lines: u64,
    fields: usize,
}

impl Transcode {
    /// The plan for reading `read` and writing `write`, or `None` when either dialect (or
    /// `--lossy`) needs the general path.
    pub fn new(read: &ReadDialect, write: &WriteDialect, lossy: bool) -> Option<Transcode> {
        let plain_write =
            write.escapechar.is_none() && write.doublequote && write.quoting != Quoting::None;
        if !plain_write {
            return None;
        }
        let target = Target::Csv {
            delimiter: write.delimiter,
            quotechar: write.quotechar,
            always: write.quoting != Quoting::Minimal,
            crlf: write.crlf,
        };
        Transcode::with_target(
            read,
            lossy,
            target,
            &[b'\r', b'\n', write.delimiter, write.quotechar],
        )
    }

    /// The plan for reading `read` and writing JSON Lines objects with `keys` (as
    /// [`JsonWriter::plain_jsonl_keys`](super::super::json_write::JsonWriter::plain_jsonl_keys)
    /// gives them), or `None` when the dialect (or `--lossy`) needs the general path.
    pub fn jsonl(read: &ReadDialect, keys: &[Vec<u8>], lossy: bool) -> Option<Transcode> {
        let target = Target::Jsonl {
            keys: keys.to_vec(),
        };
        Transcode::with_target(read, lossy, target, &json_specials())
    }

    fn with_target(
        read: &ReadDialect,
        lossy: bool,
        target: Target,
        out_specials: &[u8],
    ) -> Option<Transcode> {
        let plain_read = read.escapechar.is_none()
            && read.doublequote
            && !read.skipinitialspace
            && read.comment.is_none()
            && matches!(read.quoting, Quoting::Minimal | Quoting::All)
            && !lossy;
        if !plain_read || read.delimiter == read.quotechar {
            return None;
        }
        let mut out_special = [false; 256];
        for &b in out_specials {
            out_special[usize::from(b)] = true;
        }
        let mut quoted = out_special;
        quoted[usize::from(read.quotechar)] = true;
        quoted[usize::from(b'\r')] = true;
        quoted[usize::from(b'\n')] = true;
        let mut unquoted = quoted;
        unquoted[usize::from(read.delimiter)] = true;
        Some(Transcode {
            in_delim: read.delimiter,
            in_quote: read.quotechar,
            target,
            out_special,
            unquoted: RunScanner::new(&unquoted),
            quoted: RunScanner::new(&quoted),
        })
    }

    /// Every field is quoted whatever it holds.
    #[inline(always)]
    fn always(&self) -> bool {
        matches!(self.target, Target::Csv { always: true, .. })
    }

    /// Rewrites the plain record at the start of `bytes` into `out`; `None` (with `out`
    /// possibly extended, for the caller to truncate) when it is not plain or not whole.
    #[inline]
    fn record(&self, bytes: &[u8], out: &mut Vec<u8>, width: Option<usize>) -> Option<Done> {
        let start = out.len();
        if matches!(bytes.first(), None | Some(b'\n' | b'\r')) {
            return None;
        }
        let mut i = 0;
        let mut fields = 0usize;
        let mut lines = 0u64;
        if let Target::Jsonl { .. } = self.target {
            out.push(b'{');
        }
        loop {
            match &self.target {
                Target::Csv { delimiter, .. } => {
                    if fields > 0 {
                        out.push(*delimiter);
                    }
                }
                Target::Jsonl { keys, .. } => {
                    if fields > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(keys.get(fields)?);
                }
            }
            fields += 1;
            if *bytes.get(i)? == self.in_quote {
                i = self.quoted_field(bytes, i + 1, out, &mut lines)?;
            } else {
                i = self.unquoted_field(bytes, i, out)?;
            }
            let end = bytes[i];
            if end == self.in_delim {
                i += 1;
                continue;
            }
            if end == b'\r' {
                if bytes.get(i + 1) != Some(&b'\n') {
                    return None;
                }
                i += 1;
            }
            i += 1;
            lines += 1;
            break;
        }
        if width.is_some_and(|w| w != fields) {
            return None;
        }
        match &self.target {
            // A record of one empty field: the writer's special case.
            Target::Csv { .. } if fields == 1 && out.len() == start => return None,
            Target::Csv { crlf, .. } => out.extend_from_slice(if *crlf { b"\r\n" } else { b"\n" }),
            Target::Jsonl { keys, .. } if fields != keys.len() => return None,
            Target::Jsonl { .. } => out.extend_from_slice(b"}\n"),
        }
        Some(Done {
            used: i,
            lines,
            fields,
        })
    }

    /// An unquoted field from `i`; returns where it ends (at a delimiter or line break).
    #[inline(always)]
    fn unquoted_field(&self, bytes: &[u8], i: usize, out: &mut Vec<u8>) -> Option<usize> {
        let mut j = i;
        let mut needs = self.always();
        loop {
            j += self.unquoted.run_length(&bytes[j..]);
            let b = *bytes.get(j)?;
            if b == self.in_delim || b == b'\n' || b == b'\r' {
                break;
            }
            if b == self.in_quote {
                return None;
            }
            needs = true;
            j += 1;
        }
        self.write_plain(out, &bytes[i..j], needs);
        Some(j)
    }

    /// A quoted field whose body starts at `body`; returns where it ends (just past the
    /// closing quote, at a delimiter or line break).
    #[inline(always)]
    fn quoted_field(
        &self,
        bytes: &[u8],
        body: usize,
        out: &mut Vec<u8>,
        lines: &mut u64,
    ) -> Option<usize> {
        let mut j = body;
        let mut needs = self.always();
        let mut pairs = false;
        loop {
            j += self.quoted.run_length(&bytes[j..]);
            let b = *bytes.get(j)?;
            if b == self.in_quote {
                if bytes.get(j + 1) == Some(&self.in_quote) {
                    pairs = true;
                    needs |= self.out_special[usize::from(b)];
                    j += 2;
                    continue;
                }
                break;
            }
            match b {
                b'\r' => return None,
                b'\n' => *lines += 1,
                _ => {}
            }
            needs = true;
            j += 1;
        }
        let after = *bytes.get(j + 1)?;
        if after != self.in_delim && after != b'\n' && after != b'\r' {
            return None;
        }
        let content = &bytes[body..j];
        if !pairs {
            self.write_plain(out, content, needs);
        } else if needs
            && matches!(self.target, Target::Csv { quotechar, .. } if quotechar == self.in_quote)
        {
            // Doubled quotes stay doubled.
            out.push(self.in_quote);
            out.extend_from_slice(content);
            out.push(self.in_quote);
        } else {
            self.write_unpaired(out, content, needs);
        }
        Some(j + 1)
    }

    /// Writes field text holding no input quotechar, quoted (CSV) or escaped (JSON) when
    /// `needs`.
    #[inline(always)]
    fn write_plain(&self, out: &mut Vec<u8>, text: &[u8], needs: bool) {
        let quote = match &self.target {
            Target::Csv { quotechar, .. } => *quotechar,
            Target::Jsonl { .. } => {
                if needs {
                    write_string(out, text);
                } else {
                    out.push(b'"');
                    out.extend_from_slice(text);
                    out.push(b'"');
                }
                return;
            }
        };
        if !needs {
            out.extend_from_slice(text);
            return;
        }
        out.push(quote);
        // The text holds no input quotechar, so only another output quotechar needs doubling.
        if quote != self.in_quote && text.contains(&quote) {
            for &b in text {
                if b == quote {
                    out.push(b);
                }
                out.push(b);
            }
        } else {
            out.extend_from_slice(text);
        }
        out.push(quote);
    }

    /// Writes quoted-field text with its doubled input quotes made single, then the output
    /// quotechar doubled, quoted when `needs` (CSV), or escaped as a JSON string.
    #[cold]
    fn write_unpaired(&self, out: &mut Vec<u8>, text: &[u8], needs: bool) {
        let quote = match self.target {
            Target::Csv { quotechar, .. } => quotechar,
            Target::Jsonl { .. } => b'"',
        };
        let json = matches!(self.target, Target::Jsonl { .. });
        if needs || json {
            out.push(quote);
        }
        let mut k = 0;
        while k < text.len() {
            let b = text[k];
            if b == self.in_quote {
                k += 1;
            }
            if json {
                push_escaped(out, b);
            } else {
                if needs && b == quote {
                    out.push(b);
                }
                out.push(b);
            }
            k += 1;
        }
        if needs || json {
            out.push(quote);
        }
    }
}

impl<R: std::io::Read> CsvReader<R> {
    /// Converts the next record straight into `out` when it is plain (see the module docs)
    /// and, unless `width` is `None`, has `width` fields; true when it did. False leaves the
    /// reader and `out` as they were, for [`CsvReader::read_record`] to take the record.
    pub fn transcode_record(
        &mut self,
        plan: &Transcode,
        out: &mut Vec<u8>,
        width: Option<usize>,
    ) -> bool {
        if self.state != State::StartRecord || self.line_has_bytes {
            return false;
        }
        let limit = self.limit();
        let start = out.len();
        match plan.record(&self.buf[self.pos..limit], out, width) {
            // Its input bytes bound its fields' bytes: one that may be too big is left for
            // the exact path to measure and refuse.
            Some(done) if done.used + done.fields * FIELD_MEMORY <= self.max_record => {
                self.pos += done.used;
                self.record_line = self.lines + 1;
                self.lines += done.lines;
                self.records += 1;
                true
            }
            _ => {
                out.truncate(start);
                false
            }
        }
    }
}

//! A CSV reader with the exact semantics of CPython's `csv.reader` (3.11 `Modules/_csv.c`)
//! over a file opened with `newline=''`, working on bytes.
//!
//! Python feeds its state machine one line at a time (a line ends after `\n`, `\r\n` or a lone
//! `\r`) followed by an end-of-line event; this reader emulates those events on a byte stream,
//! so quirks such as a lone `\r` inside a quoted field, an escaped newline or an unterminated
//! quote at the end of input come out as Python's. Runs of ordinary bytes are copied in one
//! slice (the fast path); only delimiters, quotes, escapes and line breaks go through the
//! state machine. Input is validated as UTF-8 as it is read, so an error names the exact byte.

use std::io::{self, Read};

use anyhow::{Result, bail};

use super::dialect::{Quoting, ReadDialect};
use super::encoding::decode;
use super::limits::{self, NO_LIMIT};
use super::number::parse_python_float;
use super::row::{Kind, Row, RunScanner};

mod transcode;
pub use transcode::Transcode;

const BUF_SIZE: usize = 256 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The states of `_csv.c`'s reader, plus `Comment` for `--comment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    StartRecord,
    StartField,
    EscapedChar,
    InField,
    InQuotedField,
    EscapeInQuotedField,
    QuoteInQuotedField,
    EatCrnl,
    AfterEscapedCrnl,
    Comment,
}

/// Where the reader is, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based number of the record being read (counting blank-line records).
    pub record: u64,
    /// 1-based line on which that record starts.
    pub line: u64,
    /// Byte offset of the reader in the input.
    pub byte: u64,
}

/// Reads records from a byte stream, one [`Row`] at a time.
pub struct CsvReader<R> {
    src: R,
    dialect: ReadDialect,
    lossy: bool,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    /// Input offset of `buf[0]`.
    base: u64,
    started: bool,
    eof: bool,
    state: State,
    numeric: bool,
    /// Lines consumed so far (Python's `line_num`).
    lines: u64,
    record_line: u64,
    records: u64,
    line_has_bytes: bool,
    skipped_comment: bool,
    /// Bytes at the end of `buf` that start a UTF-8 sequence the next read completes.
    utf8_tail: usize,
    /// Input offset of the first invalid UTF-8 byte seen but not yet reached.
    bad_utf8_at: Option<u64>,
    scan_unquoted: RunScanner,
    scan_quoted: RunScanner,
    /// The reader's own specials; [`CsvReader::watch_for`] adds the writer's to the scans.
    own_unquoted: [bool; 256],
    own_quoted: [bool; 256],
    /// Bytes that, at the start of a field, simply begin an unquoted field.
    plain_start: [bool; 256],
    /// Bytes the CSV writer will have to look at (see [`CsvReader::watch_for`]).
    watched: [bool; 256],
    /// The field being built holds a watched byte.
    dirty: bool,
    /// [`CsvReader::watch_for`] was called: clean flags mean something.
    watching: bool,
    /// A quotechar in a quoted field ends the quoted part (quoting is on and the quotechar
    /// is not also the escapechar, which Python checks first).
    quote_closes: bool,
    /// A UTF-8 BOM at the start is dropped (not when the input was decoded from another
    /// encoding, whose own BOM is gone already).
    strip_bom: bool,
    /// The most memory one record may take ([`Row::memory`]).
    max_record: usize,
}

impl<R: Read> CsvReader<R> {
    /// A reader of `src` in `dialect`; `lossy` replaces invalid UTF-8 with U+FFFD instead of
    /// failing.
    pub fn new(src: R, dialect: ReadDialect, lossy: bool) -> CsvReader<R> {
        CsvReader::with_buffer_size(src, dialect, lossy, BUF_SIZE)
    }

    /// As [`CsvReader::new`] with a read buffer of `size` bytes (at least 4), so tests can
    /// put every buffer boundary through its paces.
    pub fn with_buffer_size(
        src: R,
        dialect: ReadDialect,
        lossy: bool,
        size: usize,
    ) -> CsvReader<R> {
        let mut special_unquoted = [false; 256];
        let mut special_quoted = [false; 256];
        for table in [&mut special_unquoted, &mut special_quoted] {
            table[usize::from(b'\r')] = true;
            table[usize::from(b'\n')] = true;
            if let Some(esc) = dialect.escapechar {
                table[usize::from(esc)] = true;
            }
        }
        special_unquoted[usize::from(dialect.delimiter)] = true;
        if dialect.quoting != Quoting::None {
            special_quoted[usize::from(dialect.quotechar)] = true;
        }
        let quote_closes =
            dialect.quoting != Quoting::None && dialect.escapechar != Some(dialect.quotechar);
        let mut plain_start = [true; 256];
        for b in [b'\r', b'\n', dialect.delimiter, dialect.quotechar] {
            plain_start[usize::from(b)] = false;
        }
        if let Some(esc) = dialect.escapechar {
            plain_start[usize::from(esc)] = false;
        }
        if dialect.skipinitialspace {
            plain_start[usize::from(b' ')] = false;
        }

        CsvReader {
            src,
            dialect,
            lossy,
            buf: vec![0; size.max(4)].into_boxed_slice(),
            pos: 0,
            end: 0,
            base: 0,
            started: false,
            eof: false,
            state: State::StartRecord,
            numeric: false,
            lines: 0,
            record_line: 1,
            records: 0,
            line_has_bytes: false,
            skipped_comment: false,
            utf8_tail: 0,
            bad_utf8_at: None,
            scan_unquoted: RunScanner::new(&special_unquoted),
            scan_quoted: RunScanner::new(&special_quoted),
            own_unquoted: special_unquoted,
            own_quoted: special_quoted,
            plain_start,
            watched: [true; 256],
            dirty: false,
            watching: false,
            quote_closes,
            strip_bom: true,
            max_record: NO_LIMIT,
        }
    }

    /// Keeps a leading U+FEFF as text: the input was decoded and its BOM is gone already.
    pub fn keep_bom(&mut self) {
        self.strip_bom = false;
    }

    /// Fails on a record that takes more than `bytes` of memory (`--max-record`).
    pub fn limit_record(&mut self, bytes: usize) {
        self.max_record = bytes;
    }

    /// Fails when `row`, record number `record`, takes more than `--max-record`.
    #[inline]
    fn check_size(&self, row: &Row, record: u64) -> Result<()> {
        if row.memory() > self.max_record {
            return Err(limits::record_too_big(
                record,
                self.record_line,
                self.max_record,
            ));
        }
        Ok(())
    }

    /// Marks fields that hold none of `bytes` as clean ([`Row::is_clean`]), so a CSV writer
    /// whose specials these are can copy them without a second scan. The scans stop at these
    /// bytes too, note them and go on.
    pub fn watch_for(&mut self, bytes: &[u8]) {
        self.watched = [false; 256];
        self.watching = true;
        let mut unquoted = self.own_unquoted;
        let mut quoted = self.own_quoted;
        for &b in bytes {
            self.watched[usize::from(b)] = true;
            unquoted[usize::from(b)] = true;
            quoted[usize::from(b)] = true;
        }
        self.scan_unquoted = RunScanner::new(&unquoted);
        self.scan_quoted = RunScanner::new(&quoted);
        // EOL inside escapes turns into a newline the writer must see.
        self.watched[usize::from(b'\n')] = true;
    }

    /// True when `b` stopped a scan only because the writer watches it.
    #[inline]
    fn watched_only(&self, b: u8, table_of_state: &[bool; 256]) -> bool {
        self.watched[usize::from(b)] && !table_of_state[usize::from(b)]
    }

    /// Where the last record returned started, for messages about it.
    pub fn position(&self) -> Position {
        Position {
            record: self.records,
            line: self.record_line,
            byte: self.base + self.pos as u64,
        }
    }

    /// Reads the next record into `row`; false at the end of input. A blank line is a record
    /// with no fields, as `csv.reader` gives `[]`.
    pub fn read_record(&mut self, row: &mut Row) -> Result<bool> {
        row.clear();
        self.record_line = self.lines + 1;
        loop {
            let mut limit = self.limit();
            // A read may bring only part of a sequence: read until a byte can be parsed.
            while self.pos == limit {
                if self.invalid_utf8_is_next() {
                    return Err(self.utf8_error());
                }
                self.check_size(row, self.records + 1)?;
                if !self.fill()? {
                    return self.finish_at_eof(row);
                }
                limit = self.limit();
            }
            // Fast paths for the common transitions; everything else goes through `process`,
            // which is the state machine exactly as `_csv.c` has it.
            match self.state {
                State::InField => {
                    // Unquoted field after unquoted field without leaving this loop.
                    let mut next_field = false;
                    loop {
                        let run = self.scan_unquoted.run_length(&self.buf[self.pos..limit]);
                        row.extend_pending(&self.buf[self.pos..self.pos + run]);
                        self.pos += run;
                        self.line_has_bytes |= run > 0;
                        if self.pos < limit
                            && self.watched_only(self.buf[self.pos], &self.own_unquoted)
                        {
                            self.dirty = true;
                            row.push_pending(self.buf[self.pos]);
                            self.pos += 1;
                            continue;
                        }
                        if self.pos + 1 < limit && self.buf[self.pos] == self.dialect.delimiter {
                            self.pos += 1;
                            self.save_field(row)?;
                            if self.plain_start[usize::from(self.buf[self.pos])] {
                                self.numeric = self.dialect.quoting == Quoting::Nonnumeric;
                                continue;
                            }
                            self.state = State::StartField;
                            next_field = true;
                        }
                        break;
                    }
                    if next_field {
                        continue;
                    }
                }
                State::StartField if self.plain_start[usize::from(self.buf[self.pos])] => {
                    self.numeric = self.dialect.quoting == Quoting::Nonnumeric;
                    self.state = State::InField;
                    continue;
                }
                State::StartField
                    if self.buf[self.pos] == self.dialect.quotechar
                        && self.dialect.quoting != Quoting::None =>
                {
                    self.pos += 1;
                    self.line_has_bytes = true;
                    self.state = State::InQuotedField;
                    continue;
                }
                State::InQuotedField => {
                    let mut closed = false;
                    loop {
                        let run = self.scan_quoted.run_length(&self.buf[self.pos..limit]);
                        row.extend_pending(&self.buf[self.pos..self.pos + run]);
                        self.pos += run;
                        self.line_has_bytes |= run > 0;
                        if self.pos >= limit {
                            break;
                        }
                        let b = self.buf[self.pos];
                        if self.watched_only(b, &self.own_quoted) {
                            self.dirty = true;
                            row.push_pending(b);
                            self.pos += 1;
                            continue;
                        }
                        if self.quote_closes && b == self.dialect.quotechar {
                            self.pos += 1;
                            self.line_has_bytes = true;
                            self.state = if self.dialect.doublequote {
                                State::QuoteInQuotedField
                            } else {
                                State::InField
                            };
                            closed = true;
                        }
                        break;
                    }
                    if closed {
                        continue;
                    }
                }
                State::QuoteInQuotedField if self.buf[self.pos] == self.dialect.delimiter => {
                    self.pos += 1;
                    self.line_has_bytes = true;
                    self.save_field(row)?;
                    self.state = State::StartField;
                    continue;
                }
                _ => {}
            }
            if self.pos == limit {
                continue;
            }
            let c = self.buf[self.pos];
            self.pos += 1;
            self.line_has_bytes = true;
            self.process(Some(c), row)?;
            if c != b'\n' && c != b'\r' {
                continue;
            }
            if c == b'\r' && self.next_byte_is_lf()? {
                self.pos += 1;
                self.process(Some(b'\n'), row)?;
            }
            if self.end_line(row)? {
                self.check_size(row, self.records)?;
                return Ok(true);
            }
        }
    }

    /// Sends Python's end-of-line event; true when that completed a record.
    fn end_line(&mut self, row: &mut Row) -> Result<bool> {
        self.line_has_bytes = false;
        self.process(None, row)?;
        self.lines += 1;
        if self.state != State::StartRecord {
            return Ok(false);
        }
        if self.skipped_comment {
            self.skipped_comment = false;
            row.clear();
            self.record_line = self.lines + 1;
            return Ok(false);
        }
        self.records += 1;
        Ok(true)
    }

    /// What `Reader_iternext` does when the lines run out.
    fn finish_at_eof(&mut self, row: &mut Row) -> Result<bool> {
        if self.line_has_bytes && self.end_line(row)? {
            return Ok(true);
        }
        if self.state == State::StartRecord {
            return Ok(false);
        }
        let pending = !row.pending().is_empty() || self.state == State::InQuotedField;
        let state = std::mem::replace(&mut self.state, State::StartRecord);
        if !pending {
            // Python drops a partial record here; nothing reaches this but keep its rule.
            row.clear();
            return Ok(false);
        }
        if self.dialect.strict {
            bail!(
                "record {} (line {}): unexpected end of data{} (--strict)",
                self.records + 1,
                self.record_line,
                if state == State::InQuotedField {
                    ": a quoted field is not closed"
                } else {
                    ""
                }
            );
        }
        self.save_field(row)?;
        self.records += 1;
        self.check_size(row, self.records)?;
        Ok(true)
    }

    fn next_byte_is_lf(&mut self) -> Result<bool> {
        if self.pos >= self.end && !self.fill()? {
            return Ok(false);
        }
        Ok(self.buf[self.pos] == b'\n')
    }

    /// The end of the bytes the parser may consume: the first invalid UTF-8 byte in the
    /// buffer, else the end of what is known to be valid (a sequence the buffer cuts short
    /// waits for the next read, so that the parser meets a byte only once its validity is
    /// known and a record fails the same way whatever the buffer size).
    fn limit(&self) -> usize {
        match self.bad_utf8_at {
            Some(at) if at < self.base + self.end as u64 => {
                usize::try_from(at.saturating_sub(self.base)).unwrap_or(self.end)
            }
            _ => self.end - self.utf8_tail,
        }
    }

    /// Whether the parser stands at the first invalid UTF-8 byte.
    fn invalid_utf8_is_next(&self) -> bool {
        self.bad_utf8_at == Some(self.base + self.pos as u64)
    }

    fn utf8_error(&self) -> anyhow::Error {
        anyhow::anyhow!(
            "invalid UTF-8 in record {} (line {}) at byte offset {}; name the input's encoding \
             with --encoding, or use --lossy to replace it",
            self.records + 1,
            self.lines + 1,
            self.bad_utf8_at.unwrap_or(self.base + self.pos as u64)
        )
    }

    /// Refills the buffer; false at the end of input.
    fn fill(&mut self) -> Result<bool> {
        if self.eof {
            return Ok(false);
        }
        // The start of a sequence cut short stays, unread by the parser, before the new bytes.
        let keep = self.utf8_tail;
        self.buf.copy_within(self.end - keep..self.end, 0);
        self.base += (self.end - keep) as u64;
        self.pos = 0;
        self.end = keep;
        let want = if self.started { keep + 1 } else { BOM.len() };
        while self.end < want {
            match self.src.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.read_error(e)),
            }
        }
        if !self.started {
            self.started = true;
            if self.strip_bom && self.buf[..self.end].starts_with(BOM) {
                self.pos = BOM.len();
                if self.pos == self.end && !self.eof {
                    // The first read gave the BOM alone.
                    return self.fill();
                }
            }
        }
        self.check_utf8();
        Ok(self.pos < self.end)
    }

    /// A failed read: bytes invalid in the input's encoding are named like invalid UTF-8.
    fn read_error(&self, e: io::Error) -> anyhow::Error {
        match decode::malformed(&e) {
            Some(bad) => anyhow::anyhow!(
                "invalid {} in record {} (line {}) at byte offset {}; use --lossy to replace it",
                bad.encoding,
                self.records + 1,
                self.lines + 1,
                bad.offset
            ),
            None => anyhow::Error::new(e).context("cannot read the input"),
        }
    }

    fn check_utf8(&mut self) {
        self.utf8_tail = 0;
        if self.lossy || self.bad_utf8_at.is_some() {
            return;
        }
        if let Err(e) = std::str::from_utf8(&self.buf[..self.end]) {
            let at = e.valid_up_to();
            if e.error_len().is_some() || self.eof {
                self.bad_utf8_at = Some(self.base + at as u64);
            } else {
                self.utf8_tail = self.end - at;
            }
        }
    }

    /// One step of `parse_process_char`; `None` is Python's end-of-line event.
    /// Adds one byte to the field being built, noting whether the writer must look at it.
    #[inline]
    fn push(&mut self, row: &mut Row, byte: u8) {
        self.dirty |= self.watched[usize::from(byte)];
        row.push_pending(byte);
    }

    fn process(&mut self, c: Option<u8>, row: &mut Row) -> Result<()> {
        match self.state {
            State::StartRecord => match c {
                None => {}
                Some(b'\n' | b'\r') => self.state = State::EatCrnl,
                Some(ch) if Some(ch) == self.dialect.comment => self.state = State::Comment,
                _ => {
                    self.state = State::StartField;
                    self.start_field(c, row)?;
                }
            },
            State::StartField => self.start_field(c, row)?,
            State::EscapedChar => match c {
                Some(ch @ (b'\n' | b'\r')) => {
                    self.push(row, ch);
                    self.state = State::AfterEscapedCrnl;
                }
                _ => {
                    self.push(row, c.unwrap_or(b'\n'));
                    self.state = State::InField;
                }
            },
            State::AfterEscapedCrnl => {
                if c.is_some() {
                    self.in_field(c, row)?;
                }
            }
            State::InField => self.in_field(c, row)?,
            State::InQuotedField => match c {
                None => {}
                Some(ch) if Some(ch) == self.dialect.escapechar => {
                    self.state = State::EscapeInQuotedField
                }
                Some(ch)
                    if ch == self.dialect.quotechar && self.dialect.quoting != Quoting::None =>
                {
                    self.state = if self.dialect.doublequote {
                        State::QuoteInQuotedField
                    } else {
                        State::InField
                    };
                }
                Some(ch) => self.push(row, ch),
            },
            State::EscapeInQuotedField => {
                self.push(row, c.unwrap_or(b'\n'));
                self.state = State::InQuotedField;
            }
            State::QuoteInQuotedField => match c {
                Some(ch)
                    if ch == self.dialect.quotechar && self.dialect.quoting != Quoting::None =>
                {
                    self.push(row, ch);
                    self.state = State::InQuotedField;
                }
                Some(ch) if ch == self.dialect.delimiter => {
                    self.save_field(row)?;
                    self.state = State::StartField;
                }
                None | Some(b'\n' | b'\r') => {
                    self.save_field(row)?;
                    self.state = if c.is_none() {
                        State::StartRecord
                    } else {
                        State::EatCrnl
                    };
                }
                Some(ch) if !self.dialect.strict => {
                    self.push(row, ch);
                    self.state = State::InField;
                }
                Some(_) => bail!(
                    "record {} (line {}, byte offset {}): {:?} expected after {:?} (--strict)",
                    self.records + 1,
                    self.lines + 1,
                    self.base + self.pos as u64 - 1,
                    char::from(self.dialect.delimiter),
                    char::from(self.dialect.quotechar),
                ),
            },
            State::EatCrnl => match c {
                Some(b'\n' | b'\r') => {}
                None => self.state = State::StartRecord,
                Some(_) => bail!(
                    "record {} (line {}): new-line character seen in unquoted field",
                    self.records + 1,
                    self.lines + 1
                ),
            },
            State::Comment => {
                if c.is_none() {
                    self.state = State::StartRecord;
                    self.skipped_comment = true;
                }
            }
        }
        Ok(())
    }

    fn start_field(&mut self, c: Option<u8>, row: &mut Row) -> Result<()> {
        let d = &self.dialect;
        match c {
            None | Some(b'\n' | b'\r') => {
                self.save_field(row)?;
                self.state = if c.is_none() {
                    State::StartRecord
                } else {
                    State::EatCrnl
                };
            }
            Some(ch) if ch == d.quotechar && d.quoting != Quoting::None => {
                self.state = State::InQuotedField
            }
            Some(ch) if Some(ch) == d.escapechar => self.state = State::EscapedChar,
            Some(b' ') if d.skipinitialspace => {}
            Some(ch) if ch == d.delimiter => self.save_field(row)?,
            Some(ch) => {
                if d.quoting == Quoting::Nonnumeric {
                    self.numeric = true;
                }
                self.push(row, ch);
                self.state = State::InField;
            }
        }
        Ok(())
    }

    fn in_field(&mut self, c: Option<u8>, row: &mut Row) -> Result<()> {
        match c {
            None | Some(b'\n' | b'\r') => {
                self.save_field(row)?;
                self.state = if c.is_none() {
                    State::StartRecord
                } else {
                    State::EatCrnl
                };
            }
            Some(ch) if Some(ch) == self.dialect.escapechar => self.state = State::EscapedChar,
            Some(ch) if ch == self.dialect.delimiter => {
                self.save_field(row)?;
                self.state = State::StartField;
            }
            Some(ch) => self.push(row, ch),
        }
        Ok(())
    }

    #[inline]
    fn save_field(&mut self, row: &mut Row) -> Result<()> {
        if !self.lossy && !self.numeric {
            row.finish_field_clean(
                Kind::Text,
                self.watching && !std::mem::take(&mut self.dirty),
            );
            return Ok(());
        }
        self.save_special_field(row)
    }

    /// `save_field` under `--lossy` or for a nonnumeric field.
    #[cold]
    fn save_special_field(&mut self, row: &mut Row) -> Result<()> {
        if self.lossy
            && let Err(_) = std::str::from_utf8(row.pending())
        {
            let fixed = String::from_utf8_lossy(row.pending()).into_owned();
            row.replace_pending(fixed.as_bytes());
        }
        let kind = if std::mem::take(&mut self.numeric) {
            if parse_python_float(row.pending()).is_none() {
                bail!(
                    "record {} (line {}), field {}: unquoted field {:?} is not a number \
                     (--quoting nonnumeric reads unquoted fields as numbers)",
                    self.records + 1,
                    self.lines + 1,
                    row.len() + 1,
                    String::from_utf8_lossy(row.pending())
                );
            }
            Kind::Number
        } else {
            Kind::Text
        };
        row.finish_field_clean(kind, self.watching && !std::mem::take(&mut self.dirty));
        Ok(())
    }
}

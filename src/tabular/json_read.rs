//! A streaming reader of JSON objects (or arrays, for `--no-header`): the elements of one
//! top-level array (`json`) or one a line (`jsonl`), parsed one at a time from a byte stream,
//! so a 2 GB array is converted in constant memory. Scalars come out as their text (numbers
//! verbatim, so `1.50` stays `1.50`); nested arrays and objects as compact JSON text, or, under
//! `--flatten`, as members of their own with dotted keys (`{"a":{"b":1}}` gives `a.b`).
//!
//! One element may take at most `--max-record` bytes and `--max-keys` members, so that no
//! input (one 300 MB string, one object of three million keys) can take unbounded memory.

use std::io::{self, Read};

use anyhow::{Result, anyhow, bail};

// The bytes that end a run of string contents (closing quote, escape, control bytes) are
// exactly the bytes a JSON writer must escape.
use super::encoding::decode;
use super::json_escape::{NEEDS_ESCAPE as STRING_SPECIAL, write_string};
use super::limits::{self, NO_LIMIT};
use super::row::{Kind, RunScanner};

mod plain;
use plain::Span;
pub use plain::{Plain, PlainKey};

const BUF_SIZE: usize = 256 * 1024;
/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;

/// Receives each member of an object: its key, its value's text, and the value's kind.
/// The last argument says the value is text known to hold none of the bytes given to
/// [`JsonReader::watch_for`].
pub type OnField<'a> = dyn FnMut(&[u8], &[u8], Kind, bool) -> Result<()> + 'a;

/// Reads objects from a JSON array or a JSON Lines stream.
pub struct JsonReader<R> {
    src: R,
    lines_mode: bool,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    eof: bool,
    line: u64,
    object_line: u64,
    objects: u64,
    started: bool,
    filled: bool,
    done: bool,
    key: Vec<u8>,
    value: Vec<u8>,
    scanner: RunScanner,
    /// Bytes a writer would have to look at; clean flags mean something once set.
    watched: Option<[bool; 256]>,
    /// The string being read holds a watched byte or an escape.
    dirty: bool,
    /// Positioned at an element's start, its separator already consumed.
    at_element: bool,
    /// The values of the last plain object, and the unescaped strings some of them point at.
    spans: Vec<Span>,
    scratch: Vec<u8>,
    /// The buffer up to here is known to be valid UTF-8 (a character cut by the buffer's
    /// end is not counted).
    valid_to: usize,
    /// `--flatten`: nested objects (and arrays) become members with dotted keys.
    flatten: Option<Flatten>,
    /// `--max-record` and `--max-keys`, and what the element being read has used of them.
    max_record: usize,
    max_keys: usize,
    element_bytes: usize,
    element_keys: usize,
    /// Between the start and the end of an element.
    inside: bool,
    /// The input's offset of the buffer's first byte.
    base: u64,
}

/// How `--flatten` names the members of nested objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flatten {
    /// Between a parent's key and a child's (`--flatten-sep`, default `.`).
    pub separator: Vec<u8>,
    /// Arrays become members too, keyed by index (`a.0`, `a.1`), instead of JSON text.
    pub arrays: bool,
}

impl<R: Read> JsonReader<R> {
    /// A reader of `src`: JSON Lines when `lines_mode`, else one JSON array of objects.
    pub fn new(src: R, lines_mode: bool) -> JsonReader<R> {
        JsonReader::with_buffer_size(src, lines_mode, BUF_SIZE)
    }

    /// As [`JsonReader::new`] with a read buffer of `size` bytes (at least 4), for tests.
    pub fn with_buffer_size(src: R, lines_mode: bool, size: usize) -> JsonReader<R> {
        JsonReader {
            src,
            lines_mode,
            buf: vec![0; size.max(4)].into_boxed_slice(),
            pos: 0,
            end: 0,
            eof: false,
            line: 1,
            object_line: 1,
            objects: 0,
            started: false,
            filled: false,
            done: false,
            key: Vec::new(),
            value: Vec::new(),
            scanner: RunScanner::new(&STRING_SPECIAL),
            watched: None,
            dirty: false,
            at_element: false,
            spans: Vec::new(),
            scratch: Vec::new(),
            valid_to: 0,
            flatten: None,
            max_record: NO_LIMIT,
            max_keys: NO_LIMIT,
            element_bytes: 0,
            element_keys: 0,
            inside: false,
            base: 0,
        }
    }

    /// Turns nested objects into members with dotted keys (`--flatten`).
    pub fn flatten(&mut self, rule: Flatten) {
        self.flatten = Some(rule);
    }

    /// Fails on an element of more than `bytes` (its keys and values) or `keys` members.
    pub fn limit_elements(&mut self, bytes: usize, keys: usize) {
        self.max_record = bytes;
        self.max_keys = keys;
    }

    /// How many elements have been started.
    pub fn elements(&self) -> u64 {
        self.objects
    }

    /// Marks text values that hold none of `bytes` (and no escape) as clean, so a writer
    /// whose specials these are can copy them without a second scan.
    pub fn watch_for(&mut self, bytes: &[u8]) {
        let mut watched = [false; 256];
        let mut table = STRING_SPECIAL;
        for &b in bytes {
            watched[usize::from(b)] = true;
            table[usize::from(b)] = true;
        }
        self.watched = Some(watched);
        self.scanner = RunScanner::new(&table);
    }

    /// The line on which the last object read started.
    pub fn object_line(&self) -> u64 {
        self.object_line
    }

    /// Reads the next object, calling `on_field(key, value, kind)` for each member in order
    /// (each leaf, under `--flatten`); false at the end of input. An error from `on_field` is
    /// reported with the object's line.
    pub fn next_object(&mut self, on_field: &mut OnField<'_>) -> Result<bool> {
        if !self.start_element(b'{', "an object")? {
            return Ok(false);
        }
        self.key.clear();
        self.members(on_field, 0, false)?;
        self.end_element()?;
        Ok(true)
    }

    /// Reads the next array (`--no-header` rows), calling `on_field` for each value in order
    /// with an empty key; false at the end of input.
    pub fn next_array(&mut self, on_field: &mut OnField<'_>) -> Result<bool> {
        if !self.start_element(b'[', "an array (--no-header reads arrays)")? {
            return Ok(false);
        }
        self.key.clear();
        self.skip_ws()?;
        if self.peek()? == Some(b']') {
            self.bump();
        } else {
            loop {
                self.skip_ws()?;
                self.scalar_member(on_field)?;
                self.skip_ws()?;
                match self.peek()? {
                    Some(b',') => self.bump(),
                    Some(b']') => {
                        self.bump();
                        break;
                    }
                    _ => return Err(self.unexpected("',' or ']' in an array")),
                }
            }
        }
        self.end_element()?;
        Ok(true)
    }

    /// Moves to the next element and consumes its opening bracket; false at the end.
    fn start_element(&mut self, open: u8, what: &str) -> Result<bool> {
        if !self.reach_element()? {
            return Ok(false);
        }
        self.at_element = false;
        self.inside = true;
        self.object_line = self.line;
        self.objects += 1;
        self.element_bytes = 0;
        self.element_keys = 0;
        if self.peek()? != Some(open) {
            bail!(
                "JSON input, line {}: element {} is not {what}",
                self.line,
                self.objects
            );
        }
        self.bump();
        Ok(true)
    }

    fn end_element(&mut self) -> Result<()> {
        self.inside = false;
        self.after_element()
    }

    /// The members of an object whose `{` is consumed, their keys appended to the path in
    /// `self.key` (after a separator when `nested`); false when it had none.
    fn members(&mut self, on_field: &mut OnField<'_>, depth: usize, nested: bool) -> Result<bool> {
        let prefix = self.key.len();
        self.skip_ws()?;
        if self.peek()? == Some(b'}') {
            self.bump();
            return Ok(false);
        }
        loop {
            self.skip_ws()?;
            if self.peek()? != Some(b'"') {
                return Err(self.unexpected("a string key"));
            }
            self.bump();
            let mut key = std::mem::take(&mut self.key);
            key.truncate(prefix);
            if nested && let Some(rule) = &self.flatten {
                key.extend_from_slice(&rule.separator);
            }
            let read = self.string_into(&mut key);
            self.key = key;
            read?;
            self.skip_ws()?;
            self.expect(b':', "':' after an object key")?;
            self.skip_ws()?;
            self.member(on_field, depth)?;
            self.key.truncate(prefix);
            self.skip_ws()?;
            match self.peek()? {
                Some(b',') => self.bump(),
                Some(b'}') => {
                    self.bump();
                    return Ok(true);
                }
                _ => return Err(self.unexpected("',' or '}' in an object")),
            }
        }
    }

    /// The value of the member whose key is `self.key`: flattened when it is an object (or
    /// an array under `--flatten-arrays`) and `--flatten` is on, else handed on whole. An
    /// empty object or array stays `{}` or `[]`, so that nothing disappears.
    fn member(&mut self, on_field: &mut OnField<'_>, depth: usize) -> Result<()> {
        let Some(arrays) = self.flatten.as_ref().map(|rule| rule.arrays) else {
            return self.scalar_member(on_field);
        };
        let open = self.peek()?;
        let nests = open == Some(b'{') || (arrays && open == Some(b'['));
        if !nests {
            return self.scalar_member(on_field);
        }
        if depth + 1 >= MAX_DEPTH {
            bail!(
                "JSON input, line {}: nested deeper than {MAX_DEPTH} levels",
                self.line
            );
        }
        self.bump();
        let any = if open == Some(b'{') {
            self.members(on_field, depth + 1, true)?
        } else {
            self.flat_elements(on_field, depth + 1)?
        };
        if !any {
            let empty: &[u8] = if open == Some(b'{') { b"{}" } else { b"[]" };
            self.emit(on_field, empty, Kind::Nested, false)?;
        }
        Ok(())
    }

    /// The elements of an array whose `[` is consumed, under `--flatten-arrays`: keyed by
    /// their index; false when it had none.
    fn flat_elements(&mut self, on_field: &mut OnField<'_>, depth: usize) -> Result<bool> {
        let prefix = self.key.len();
        self.skip_ws()?;
        if self.peek()? == Some(b']') {
            self.bump();
            return Ok(false);
        }
        let mut index = 0usize;
        loop {
            self.key.truncate(prefix);
            if let Some(rule) = &self.flatten {
                self.key.extend_from_slice(&rule.separator);
            }
            self.key.extend_from_slice(index.to_string().as_bytes());
            self.skip_ws()?;
            self.member(on_field, depth)?;
            index += 1;
            self.skip_ws()?;
            match self.peek()? {
                Some(b',') => self.bump(),
                Some(b']') => {
                    self.key.truncate(prefix);
                    self.bump();
                    return Ok(true);
                }
                _ => return Err(self.unexpected("',' or ']' in an array")),
            }
        }
    }

    /// Reads one value whole (nested ones as compact JSON) and hands it on.
    fn scalar_member(&mut self, on_field: &mut OnField<'_>) -> Result<()> {
        let mut value = std::mem::take(&mut self.value);
        value.clear();
        self.dirty = false;
        let kind = self.value_into(&mut value);
        let outcome = kind.and_then(|kind| {
            let clean = kind == Kind::Text && self.watched.is_some() && !self.dirty;
            self.emit(on_field, &value, kind, clean)
        });
        self.value = value;
        outcome
    }

    /// Hands one member to `on_field`, counting it against the element's limits.
    fn emit(
        &mut self,
        on_field: &mut OnField<'_>,
        value: &[u8],
        kind: Kind,
        clean: bool,
    ) -> Result<()> {
        self.element_keys += 1;
        if self.element_keys > self.max_keys {
            return Err(limits::too_many_keys(
                self.objects,
                self.object_line,
                self.max_keys,
            ));
        }
        self.element_bytes += self.key.len() + value.len();
        if self.element_bytes > self.max_record {
            return Err(self.element_too_big());
        }
        on_field(&self.key, value, kind, clean)
            .map_err(|e| anyhow!("line {}: {e:#}", self.object_line))
    }

    fn element_too_big(&self) -> anyhow::Error {
        limits::record_too_big(self.objects, self.object_line, self.max_record)
    }

    /// Moves to the start of the next element unless already there; false at the end.
    fn reach_element(&mut self) -> Result<bool> {
        if self.at_element {
            return Ok(true);
        }
        if self.done || !self.before_next_element()? {
            self.done = true;
            return Ok(false);
        }
        self.at_element = true;
        Ok(true)
    }

    /// Skips to the next element; false when there is none.
    fn before_next_element(&mut self) -> Result<bool> {
        self.skip_ws()?;
        if self.lines_mode {
            return Ok(self.peek()?.is_some());
        }
        if !self.started {
            self.started = true;
            match self.peek()? {
                // An empty input holds no rows, as an empty CSV file does.
                None => return Ok(false),
                Some(b'[') => {}
                Some(_) => return Err(self.unexpected("'[' starting an array")),
            }
            self.bump();
            self.skip_ws()?;
            if self.peek()? == Some(b']') {
                self.bump();
                return self.end_of_input();
            }
            return Ok(true);
        }
        match self.peek()? {
            Some(b',') => {
                self.bump();
                self.skip_ws()?;
                Ok(true)
            }
            Some(b']') => {
                self.bump();
                self.end_of_input()
            }
            _ => Err(self.unexpected("',' or ']' after an array element")),
        }
    }

    fn end_of_input(&mut self) -> Result<bool> {
        self.skip_ws()?;
        if self.peek()?.is_some() {
            return Err(self.unexpected("the end of input after the array"));
        }
        Ok(false)
    }

    /// In JSON Lines, an object must end its line.
    fn after_element(&mut self) -> Result<()> {
        if !self.lines_mode {
            return Ok(());
        }
        while let Some(b' ' | b'\t' | b'\r') = self.peek()? {
            self.bump();
        }
        match self.peek()? {
            None | Some(b'\n') => Ok(()),
            _ => Err(self.unexpected("a new line after the object (JSON Lines)")),
        }
    }

    /// Reads any value into `out`: string contents unescaped, other scalars verbatim,
    /// arrays and objects as compact JSON.
    fn value_into(&mut self, out: &mut Vec<u8>) -> Result<Kind> {
        match self.peek()? {
            Some(b'"') => {
                self.bump();
                self.string_into(out)?;
                Ok(Kind::Text)
            }
            Some(b'{' | b'[') => {
                self.compact_into(out, 0)?;
                Ok(Kind::Nested)
            }
            Some(b't') => self.literal(b"true", out).map(|()| Kind::Bool),
            Some(b'f') => self.literal(b"false", out).map(|()| Kind::Bool),
            Some(b'n') => {
                self.literal(b"null", &mut Vec::new())?;
                Ok(Kind::Null)
            }
            Some(b'-' | b'0'..=b'9') => {
                self.number_into(out)?;
                Ok(Kind::Number)
            }
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    fn compact_into(&mut self, out: &mut Vec<u8>, depth: usize) -> Result<()> {
        if depth >= MAX_DEPTH {
            bail!(
                "JSON input, line {}: nested deeper than {MAX_DEPTH} levels",
                self.line
            );
        }
        let (open, close) = match self.peek()? {
            Some(b'{') => (b'{', b'}'),
            _ => (b'[', b']'),
        };
        self.bump();
        out.push(open);
        self.skip_ws()?;
        if self.peek()? == Some(close) {
            self.bump();
            out.push(close);
            return Ok(());
        }
        loop {
            self.skip_ws()?;
            if open == b'{' {
                if self.peek()? != Some(b'"') {
                    return Err(self.unexpected("a string key"));
                }
                self.compact_value(out, depth)?;
                self.skip_ws()?;
                self.expect(b':', "':' after an object key")?;
                out.push(b':');
                self.skip_ws()?;
            }
            self.compact_value(out, depth)?;
            if self.element_bytes + out.len() > self.max_record {
                return Err(self.element_too_big());
            }
            self.skip_ws()?;
            match self.peek()? {
                Some(b',') => {
                    self.bump();
                    out.push(b',');
                }
                Some(c) if c == close => {
                    self.bump();
                    out.push(close);
                    return Ok(());
                }
                _ => return Err(self.unexpected("',' or a closing bracket")),
            }
        }
    }

    fn compact_value(&mut self, out: &mut Vec<u8>, depth: usize) -> Result<()> {
        match self.peek()? {
            Some(b'{' | b'[') => self.compact_into(out, depth + 1),
            Some(b'"') => {
                self.bump();
                let mut text = Vec::new();
                self.string_into(&mut text)?;
                write_string(out, &text);
                Ok(())
            }
            Some(b'n') => self.literal(b"null", out),
            _ => self.value_into(out).map(drop),
        }
    }

    fn literal(&mut self, word: &[u8], out: &mut Vec<u8>) -> Result<()> {
        for &expected in word {
            if self.peek()? != Some(expected) {
                return Err(self.unexpected("true, false or null"));
            }
            self.bump();
        }
        out.extend_from_slice(word);
        Ok(())
    }

    fn number_into(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let start = out.len();
        while let Some(c) = self.peek()?.filter(|&c| is_number_byte(c)) {
            out.push(c);
            self.bump();
        }
        if !super::number::is_json_number(&out[start..]) {
            bail!(
                "JSON input, line {}: {:?} is not a valid number",
                self.line,
                String::from_utf8_lossy(&out[start..])
            );
        }
        Ok(())
    }

    /// Reads a string's contents after its opening quote, unescaping into `out`.
    fn string_into(&mut self, out: &mut Vec<u8>) -> Result<()> {
        // The text between escapes is checked for UTF-8 as a stretch (an escape is ASCII and
        // writes valid UTF-8), so an invalid byte is found at its offset in the input.
        let mut stretch = out.len();
        let mut stretch_at = self.offset();
        loop {
            if self.pos >= self.end && !self.fill()? {
                bail!("JSON input, line {}: unterminated string", self.line);
            }
            let run_start = self.pos;
            let i = run_start + self.scanner.run_length(&self.buf[run_start..self.end]);
            out.extend_from_slice(&self.buf[run_start..i]);
            self.pos = i;
            if i == self.end {
                if self.element_bytes + out.len() > self.max_record {
                    return Err(self.element_too_big());
                }
                continue;
            }
            let b = self.buf[i];
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    self.check_utf8(&out[stretch..], stretch_at)?;
                    self.dirty = true;
                    self.escape_into(out)?;
                    stretch = out.len();
                    stretch_at = self.offset();
                }
                _ if !STRING_SPECIAL[usize::from(b)] => {
                    // Stopped only because a writer watches this byte.
                    self.dirty = true;
                    out.push(b);
                }
                _ => bail!(
                    "JSON input, line {}: control character {:#04x} in a string must be escaped",
                    self.line,
                    b
                ),
            }
        }
        self.check_utf8(&out[stretch..], stretch_at)
    }

    /// Checks that `text`, read from the input at byte offset `at` as it is, is UTF-8.
    fn check_utf8(&self, text: &[u8], at: u64) -> Result<()> {
        // Most strings are ASCII, which is cheaper to see than to validate.
        if text.is_ascii() {
            return Ok(());
        }
        match std::str::from_utf8(text) {
            Ok(_) => Ok(()),
            Err(e) => bail!(
                "JSON input, record {} (line {}): invalid UTF-8 at byte offset {}; name the \
                 input's encoding with --encoding, or use --lossy to replace it",
                self.objects + u64::from(!self.inside),
                self.line,
                at + e.valid_up_to() as u64
            ),
        }
    }

    /// The offset in the input of the next byte to read.
    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn escape_into(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let Some(c) = self.peek()? else {
            bail!("JSON input, line {}: unterminated string", self.line);
        };
        self.bump();
        if let Some(byte) = one_byte_escape(c) {
            out.push(byte);
            return Ok(());
        }
        match c {
            b'u' => {
                let unit = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&unit) {
                    if self.peek()? != Some(b'\\') {
                        return Err(self.lone_surrogate());
                    }
                    self.bump();
                    if self.peek()? != Some(b'u') {
                        return Err(self.lone_surrogate());
                    }
                    self.bump();
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.lone_surrogate());
                    }
                    0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    unit
                };
                let ch = char::from_u32(code).ok_or_else(|| self.lone_surrogate())?;
                let mut utf8 = [0; 4];
                out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
                Ok(())
            }
            _ => Err(self.unexpected("a valid escape after '\\'")),
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = self
                .peek()?
                .and_then(|c| char::from(c).to_digit(16))
                .ok_or_else(|| self.unexpected("four hex digits after \\u"))?;
            self.bump();
            value = value * 16 + digit;
        }
        Ok(value)
    }

    fn lone_surrogate(&self) -> anyhow::Error {
        anyhow!(
            "JSON input, line {}: a \\u escape is a lone UTF-16 surrogate, which UTF-8 cannot hold",
            self.line
        )
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<()> {
        if self.peek()? != Some(byte) {
            return Err(self.unexpected(what));
        }
        self.bump();
        Ok(())
    }

    fn unexpected(&self, what: &str) -> anyhow::Error {
        let found = match self.buf.get(self.pos) {
            Some(&c) if self.pos < self.end => {
                if c.is_ascii_graphic() {
                    format!("{:?}", char::from(c))
                } else {
                    format!("byte {c:#04x}")
                }
            }
            _ => "the end of input".to_owned(),
        };
        anyhow!(
            "JSON input, line {}: expected {what}, found {found}",
            self.line
        )
    }

    #[inline(always)]
    fn skip_ws(&mut self) -> Result<()> {
        loop {
            self.pos = skip_space(&self.buf[..self.end], self.pos, &mut self.line);
            if self.pos < self.end || !self.fill()? {
                return Ok(());
            }
        }
    }

    #[inline]
    fn peek(&mut self) -> Result<Option<u8>> {
        if let Some(&b) = self.buf[..self.end].get(self.pos) {
            return Ok(Some(b));
        }
        if !self.fill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// Consumes the byte `peek` returned (never a newline outside `skip_ws`).
    #[inline]
    fn bump(&mut self) {
        self.pos += 1;
    }

    /// A failed read: bytes invalid in the input's encoding are named with the record, the
    /// line and the byte offset.
    fn read_error(&self, e: io::Error) -> anyhow::Error {
        match decode::malformed(&e) {
            Some(bad) => anyhow!(
                "JSON input, record {} (line {}): invalid {} at byte offset {}; use --lossy to \
                 replace it",
                self.objects + u64::from(!self.inside),
                self.line,
                bad.encoding,
                bad.offset
            ),
            None => anyhow::Error::new(e).context("cannot read the input"),
        }
    }

    #[inline(never)]
    fn fill(&mut self) -> Result<bool> {
        while !self.eof {
            self.base += self.end as u64;
            self.pos = 0;
            self.end = 0;
            match self.src.read(&mut self.buf) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.end = n;
                    self.valid_to = match std::str::from_utf8(&self.buf[..n]) {
                        Ok(_) => n,
                        Err(e) => e.valid_up_to(),
                    };
                    if !std::mem::replace(&mut self.filled, true)
                        && self.buf[..n].starts_with(b"\xEF\xBB\xBF")
                    {
                        // A UTF-8 BOM before the first value is tolerated, as in CSV.
                        self.pos = 3;
                    }
                    if self.pos < self.end {
                        return Ok(true);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.read_error(e)),
            }
        }
        Ok(false)
    }
}

/// Skips JSON whitespace from `p`, counting newlines.
#[inline(always)]
fn skip_space(buf: &[u8], mut p: usize, lines: &mut u64) -> usize {
    while let Some(&c @ (b' ' | b'\t' | b'\r' | b'\n')) = buf.get(p) {
        *lines += u64::from(c == b'\n');
        p += 1;
    }
    p
}

/// The byte a one-character escape (`\n`, `\"`, ...) stands for; `None` for `\u` and for
/// anything that is not an escape.
#[inline]
fn one_byte_escape(c: u8) -> Option<u8> {
    Some(match c {
        b'"' | b'\\' | b'/' => c,
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        _ => return None,
    })
}

/// Bytes a JSON number is made of (which ones, in which order, is checked afterwards).
#[inline(always)]
fn is_number_byte(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A member's key, value and kind.
    type Member = (String, String, Kind);

    /// Every member of every element through `next_object` (or `next_array`), or the
    /// error's text.
    fn read(
        input: &str,
        lines: bool,
        setup: impl FnOnce(&mut JsonReader<&[u8]>),
        arrays: bool,
    ) -> Result<Vec<Vec<Member>>, String> {
        let mut reader = JsonReader::with_buffer_size(input.as_bytes(), lines, 7);
        setup(&mut reader);
        let mut rows = Vec::new();
        loop {
            let mut row = Vec::new();
            let mut on_field = |k: &[u8], v: &[u8], kind: Kind, _: bool| {
                row.push((
                    String::from_utf8_lossy(k).into_owned(),
                    String::from_utf8_lossy(v).into_owned(),
                    kind,
                ));
                Ok(())
            };
            let more = if arrays {
                reader.next_array(&mut on_field)
            } else {
                reader.next_object(&mut on_field)
            }
            .map_err(|e| format!("{e:#}"))?;
            if !more {
                return Ok(rows);
            }
            rows.push(row);
        }
    }

    fn member(k: &str, v: &str, kind: Kind) -> Member {
        (k.to_owned(), v.to_owned(), kind)
    }

    #[test]
    fn values_keep_their_text_and_nested_ones_are_compact() {
        let rows = read(
            r#"[ {"a": 1.50, "b": "x\ny", "c": [1, {"d" : null}], "e": true, "f": null} ]"#,
            false,
            |_| {},
            false,
        )
        .unwrap();
        assert_eq!(
            rows,
            vec![vec![
                member("a", "1.50", Kind::Number),
                member("b", "x\ny", Kind::Text),
                member("c", r#"[1,{"d":null}]"#, Kind::Nested),
                member("e", "true", Kind::Bool),
                member("f", "", Kind::Null),
            ]]
        );
        assert_eq!(
            read("", false, |_| {}, false).unwrap(),
            Vec::<Vec<_>>::new()
        );
        assert_eq!(read(" [ ] ", false, |_| {}, false).unwrap().len(), 0);
    }

    #[test]
    fn flattening_names_leaves_by_their_path() {
        let flat = |arrays| {
            move |r: &mut JsonReader<&[u8]>| {
                r.flatten(Flatten {
                    separator: b"/".to_vec(),
                    arrays,
                })
            }
        };
        let input = "{\"a\":{\"b\":1,\"c\":{}},\"d\":[2,{\"e\":3}],\"\":{\"f\":4}}\n";
        assert_eq!(
            read(input, true, flat(false), false).unwrap(),
            vec![vec![
                member("a/b", "1", Kind::Number),
                member("a/c", "{}", Kind::Nested),
                member("d", r#"[2,{"e":3}]"#, Kind::Nested),
                member("/f", "4", Kind::Number),
            ]]
        );
        assert_eq!(
            read(input, true, flat(true), false).unwrap(),
            vec![vec![
                member("a/b", "1", Kind::Number),
                member("a/c", "{}", Kind::Nested),
                member("d/0", "2", Kind::Number),
                member("d/1/e", "3", Kind::Number),
                member("/f", "4", Kind::Number),
            ]]
        );
    }

    #[test]
    fn arrays_are_rows_of_values() {
        assert_eq!(
            read("[1,\"a\",[2]]\n[]\n", true, |_| {}, true).unwrap(),
            vec![
                vec![
                    member("", "1", Kind::Number),
                    member("", "a", Kind::Text),
                    member("", "[2]", Kind::Nested),
                ],
                vec![],
            ]
        );
        let err = read("[1]\n{\"a\":1}\n", true, |_| {}, true).unwrap_err();
        assert!(err.contains("element 2 is not an array"), "{err}");
    }

    #[test]
    fn elements_over_the_limits_are_refused_with_their_record() {
        let limit = |bytes, keys| move |r: &mut JsonReader<&[u8]>| r.limit_elements(bytes, keys);
        let long = format!("{{\"a\":\"{}\"}}\n", "x".repeat(100));
        let err = read(&format!("{{\"a\":1}}\n{long}"), true, limit(50, 10), false).unwrap_err();
        assert!(
            err.contains("record 2 (line 2) is larger than --max-record 50"),
            "{err}"
        );
        let err = read("{\"a\":1,\"b\":2,\"c\":3}\n", true, limit(1000, 2), false).unwrap_err();
        assert!(
            err.contains("record 1 (line 1) has more than --max-keys 2"),
            "{err}"
        );
        assert!(read("{\"a\":1,\"b\":2}\n", true, limit(1000, 2), false).is_ok());
    }

    #[test]
    fn malformed_bytes_from_a_decoder_name_record_line_and_offset() {
        use crate::tabular::encoding::{Charset, decode::Decoding};
        let input = b"{\"a\":1}\n{\"a\":\"caf\xe9\"}\n";
        let mut reader = JsonReader::new(Decoding::new(&input[..], Charset::Ascii, false, 0), true);
        assert!(reader.next_object(&mut |_, _, _, _| Ok(())).unwrap());
        let err = reader.next_object(&mut |_, _, _, _| Ok(())).unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            "JSON input, record 2 (line 2): invalid ASCII at byte offset 17; use --lossy to \
             replace it"
        );
    }
}

//! The zero-copy path of the JSON reader: once the columns are known, an object whose keys
//! are exactly the columns in order and whose values are scalars is read straight from the
//! read buffer, each key matched in place against the column expected next and each value a
//! span of the buffer (or of a scratch buffer when a string had escapes). Anything else,
//! errors included, is left untouched for [`JsonReader::next_object`], which reads it the
//! slow way from the same position; a property test checks both give the same values.

use std::io::Read;

use anyhow::Result;

use super::super::row::{Kind, RunScanner};
use super::{JsonReader, STRING_SPECIAL, is_number_byte, one_byte_escape, skip_space};

/// What [`JsonReader::next_plain_object`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plain {
    /// No more objects.
    End,
    /// A plain object, read: its fields are [`JsonReader::plain_field`].
    Object,
    /// An object that is not plain (or not whole in the buffer), left for
    /// [`JsonReader::next_object`].
    Other,
}

/// A key as [`JsonReader::next_plain_object`] expects it: its text and closing quote, and
/// their first eight bytes as a word, so most keys are matched by one comparison.
#[derive(Debug, Clone)]
pub struct PlainKey {
    text: Vec<u8>,
    head: u64,
    mask: u64,
}

impl PlainKey {
    /// The key for column `name`, or `None` when the name would need escaping in JSON (and
    /// could be spelt more than one way).
    pub fn new(name: &str) -> Option<PlainKey> {
        if name.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
            return None;
        }
        let text = [name.as_bytes(), b"\""].concat();
        let n = text.len().min(8);
        let mut head = [0; 8];
        head[..n].copy_from_slice(&text[..n]);
        Some(PlainKey {
            head: u64::from_le_bytes(head),
            mask: u64::MAX >> (8 * (8 - n)),
            text,
        })
    }

    /// Whether `bytes` start with this key.
    #[inline(always)]
    fn starts(&self, bytes: &[u8]) -> bool {
        match bytes.first_chunk::<8>() {
            Some(word) => {
                u64::from_le_bytes(*word) & self.mask == self.head
                    && (self.text.len() <= 8 || bytes[8..].starts_with(&self.text[8..]))
            }
            None => bytes.starts_with(&self.text),
        }
    }
}

/// Where one value of a plain object lies.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    start: usize,
    end: usize,
    /// In the scratch buffer (a string that had escapes) rather than the read buffer.
    unescaped: bool,
    kind: Kind,
    clean: bool,
}

impl Span {
    /// A value lying in the read buffer as it is.
    fn in_buffer(start: usize, end: usize, kind: Kind, clean: bool) -> Span {
        Span {
            start,
            end,
            unescaped: false,
            kind,
            clean,
        }
    }
}

impl<R: Read> JsonReader<R> {
    /// Reads the next object without copying anything when it is plain: its keys are
    /// `keys` exactly, in that order; its
    /// values are strings, numbers, `true`, `false` or `null`; its strings have no `\u`
    /// escape; and all of it is already in the read buffer. Anything else, errors included,
    /// is left untouched for [`JsonReader::next_object`], which reads it the slow way.
    /// Needs [`JsonReader::watch_for`] first (the clean flags depend on it); without it
    /// every object is `Other`.
    pub fn next_plain_object(&mut self, keys: &[PlainKey]) -> Result<Plain> {
        if !self.reach_element()? {
            return Ok(Plain::End);
        }
        let Some((pos, lines)) = self.plain_object(keys) else {
            return Ok(Plain::Other);
        };
        self.at_element = false;
        self.pos = pos;
        self.objects += 1;
        self.object_line = self.line;
        self.line += lines;
        Ok(Plain::Object)
    }

    /// Value `i` of the last plain object: its text, its kind, and whether it is clean (see
    /// [`OnField`]).
    pub fn plain_field(&self, i: usize) -> (&[u8], Kind, bool) {
        let s = self.spans[i];
        let bytes = if s.unescaped {
            &self.scratch[s.start..s.end]
        } else {
            &self.buf[s.start..s.end]
        };
        (bytes, s.kind, s.clean)
    }

    /// Parses a plain object at `pos` within the buffer, filling the spans; the position
    /// after it and the newlines inside it, or `None` when it is not plain.
    fn plain_object(&mut self, keys: &[PlainKey]) -> Option<(usize, u64)> {
        let watched = self.watched.as_ref()?;
        let buf = &self.buf[..self.end];
        let (spans, scratch) = (&mut self.spans, &mut self.scratch);
        spans.clear();
        scratch.clear();
        let mut lines = 0;
        let mut p = self.pos;
        if buf.get(p) != Some(&b'{') || keys.is_empty() {
            return None;
        }
        p += 1;
        for (i, key) in keys.iter().enumerate() {
            p = skip_space(buf, p, &mut lines);
            if buf.get(p) != Some(&b'"') || !key.starts(&buf[p + 1..]) {
                return None;
            }
            p = skip_space(buf, p + 1 + key.text.len(), &mut lines);
            if buf.get(p) != Some(&b':') {
                return None;
            }
            p = skip_space(buf, p + 1, &mut lines);
            let (span, next) = match *buf.get(p)? {
                b'"' => plain_string(buf, p + 1, &self.scanner, watched, scratch)?,
                b't' => plain_literal(buf, p, b"true", Kind::Bool)?,
                b'f' => plain_literal(buf, p, b"false", Kind::Bool)?,
                b'n' => plain_literal(buf, p, b"null", Kind::Null)?,
                b'-' | b'0'..=b'9' => plain_number(buf, p)?,
                _ => return None,
            };
            spans.push(span);
            p = skip_space(buf, next, &mut lines);
            let closer = if i + 1 == keys.len() { b'}' } else { b',' };
            if buf.get(p) != Some(&closer) {
                return None;
            }
            p += 1;
        }
        // Escapes and the object's own syntax are ASCII, so the strings are valid UTF-8 when
        // the object's bytes are, which is usually known from the check made on filling.
        if p > self.valid_to && std::str::from_utf8(&buf[self.pos..p]).is_err() {
            return None;
        }
        if self.lines_mode {
            while let Some(b' ' | b'\t' | b'\r') = buf.get(p) {
                p += 1;
            }
            match buf.get(p) {
                Some(b'\n') => {}
                None if self.eof => {}
                _ => return None,
            }
        }
        // One that may be too big is left for the slow way to measure and refuse.
        if p - self.pos > self.max_record {
            return None;
        }
        Some((p, lines))
    }
}

/// A string value starting after its opening quote at `s`, whole in `buf`: its span (in
/// `scratch` when it had escapes) and the position after its closing quote.
#[inline(always)]
fn plain_string(
    buf: &[u8],
    s: usize,
    scanner: &RunScanner,
    watched: &[bool; 256],
    scratch: &mut Vec<u8>,
) -> Option<(Span, usize)> {
    let mut q = s;
    let mut clean = true;
    loop {
        q += scanner.run_length(&buf[q..]);
        match *buf.get(q)? {
            b'"' => break,
            b'\\' => return plain_escaped_string(buf, s, q, scanner, scratch),
            b if watched[usize::from(b)] && !STRING_SPECIAL[usize::from(b)] => {
                clean = false;
                q += 1;
            }
            _ => return None,
        }
    }
    Some((Span::in_buffer(s, q, Kind::Text, clean), q + 1))
}

/// The rest of [`plain_string`] once an escape turns up at `q`: the string is unescaped
/// into `scratch`.
#[cold]
fn plain_escaped_string(
    buf: &[u8],
    s: usize,
    mut q: usize,
    scanner: &RunScanner,
    scratch: &mut Vec<u8>,
) -> Option<(Span, usize)> {
    let start = scratch.len();
    scratch.extend_from_slice(&buf[s..q]);
    loop {
        match *buf.get(q)? {
            b'"' => break,
            b'\\' => {
                // `\u` (or a bad escape) is left to the slow path.
                scratch.push(one_byte_escape(*buf.get(q + 1)?)?);
                q += 2;
            }
            b if !STRING_SPECIAL[usize::from(b)] => {
                scratch.push(b);
                q += 1;
            }
            _ => return None,
        }
        let run = scanner.run_length(&buf[q..]);
        scratch.extend_from_slice(&buf[q..q + run]);
        q += run;
    }
    let span = Span {
        start,
        end: scratch.len(),
        unescaped: true,
        kind: Kind::Text,
        clean: false,
    };
    Some((span, q + 1))
}

/// `true`, `false` or `null` at `p`; `null`'s text is empty.
#[inline(always)]
fn plain_literal(buf: &[u8], p: usize, word: &[u8], kind: Kind) -> Option<(Span, usize)> {
    if !buf[p..].starts_with(word) {
        return None;
    }
    let end = if kind == Kind::Null {
        p
    } else {
        p + word.len()
    };
    Some((Span::in_buffer(p, end, kind, false), p + word.len()))
}

/// A number at `p`, ended within `buf`.
#[inline(always)]
fn plain_number(buf: &[u8], p: usize) -> Option<(Span, usize)> {
    let len = buf[p..].iter().position(|&c| !is_number_byte(c))?;
    if !super::super::number::is_json_number(&buf[p..p + len]) {
        return None;
    }
    Some((Span::in_buffer(p, p + len, Kind::Number, false), p + len))
}

#[cfg(test)]
mod tests {
    use super::super::JsonReader;
    use super::*;

    /// A value's text, kind and clean flag.
    type Value = (String, Kind, bool);

    /// Reads `input` with the columns `keys`, plain objects first: for each object, whether
    /// it was plain and its values.
    fn read(input: &str, keys: &[&str]) -> Vec<(Plain, Vec<Value>)> {
        let keys: Vec<PlainKey> = keys.iter().map(|k| PlainKey::new(k).unwrap()).collect();
        let mut reader = JsonReader::new(input.as_bytes(), true);
        reader.watch_for(b",");
        let mut out = Vec::new();
        loop {
            match reader.next_plain_object(&keys).unwrap() {
                Plain::End => return out,
                Plain::Object => {
                    let values = (0..keys.len())
                        .map(|i| {
                            let (v, kind, clean) = reader.plain_field(i);
                            (String::from_utf8_lossy(v).into_owned(), kind, clean)
                        })
                        .collect();
                    out.push((Plain::Object, values));
                }
                Plain::Other => {
                    let mut values = Vec::new();
                    reader
                        .next_object(&mut |_, v, kind, clean| {
                            values.push((String::from_utf8_lossy(v).into_owned(), kind, clean));
                            Ok(())
                        })
                        .unwrap();
                    out.push((Plain::Other, values));
                }
            }
        }
    }

    #[test]
    fn objects_with_exactly_the_columns_are_read_in_place() {
        let got = read(
            "{\"a\": \"x\", \"b\": 2}\n{\"a\":\"y,z\",\"b\":null}\n{\"a\":\"t\\n\",\"b\":true}\n",
            &["a", "b"],
        );
        assert_eq!(
            got,
            vec![
                (
                    Plain::Object,
                    vec![
                        ("x".into(), Kind::Text, true),
                        ("2".into(), Kind::Number, false)
                    ]
                ),
                (
                    Plain::Object,
                    vec![
                        ("y,z".into(), Kind::Text, false),
                        ("".into(), Kind::Null, false)
                    ]
                ),
                (
                    Plain::Object,
                    vec![
                        ("t\n".into(), Kind::Text, false),
                        ("true".into(), Kind::Bool, false)
                    ]
                ),
            ]
        );
    }

    #[test]
    fn anything_else_is_left_for_the_slow_way() {
        for other in [
            "{\"b\":1,\"a\":2}\n",
            "{\"a\":1}\n",
            "{\"a\":1,\"b\":[2]}\n",
            "{\"a\":\"\\u00e9\",\"b\":1}\n",
            "{\"a\":1,\"b\":2,\"c\":3}\n",
        ] {
            assert_eq!(read(other, &["a", "b"])[0].0, Plain::Other, "{other}");
        }
    }

    #[test]
    fn keys_match_whole_and_by_their_first_eight_bytes() {
        let key = PlainKey::new("abcdefghij").unwrap();
        assert!(key.starts(b"abcdefghij\":1"));
        assert!(!key.starts(b"abcdefghik\":1"));
        assert!(!key.starts(b"abcdefgh\":1"));
        assert!(PlainKey::new("a\"b").is_none());
        assert!(PlainKey::new("tab\there").is_none());
    }
}

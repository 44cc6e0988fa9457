//! The single write path of `cidr-expand`: one large buffer in front of stdout, records
//! separated by a delimiter (or laid out as JSON Lines or a JSON array), an optional
//! `--limit` on the number of records, and fast loops that write runs of consecutive
//! addresses with fixed-size copies from a per-block template instead of formatting each
//! address from scratch.

use std::io::{self, Write};

use super::addr::{Family, Network, Range};
use super::format::{
    MAX_ADDRESS_LEN, OCTETS, Style, is_v4_mapped, put_address, put_dec, put_hex16, put_v6,
};

/// Flush once this much is buffered.
const FLUSH_AT: usize = 256 * 1024;
/// Room after `FLUSH_AT` for one block of the fast loops (256 records of at most
/// `HEAD + TAIL` bytes) plus one record of any kind.
const SLACK: usize = 256 * (V6_HEAD + TAIL) + 1024;
/// Template sizes of the fast loops: the constant head of a record (delimiter, opening
/// quote, all but the last octet or group) and its variable tail.
const V4_HEAD: usize = 32;
const V6_HEAD: usize = 64;
const TAIL: usize = 8;
/// A delimiter longer than this takes the per-record path.
const MAX_FAST_SEPARATOR: usize = 16;

/// How records are laid out.
#[derive(Debug, Clone)]
pub struct Layout {
    open: Vec<u8>,
    separator: Vec<u8>,
    close: Vec<u8>,
    empty: Vec<u8>,
    quoted: bool,
}

impl Layout {
    /// Records separated by `delimiter`, the output ended by a newline (`\n` gives one
    /// record per line).
    pub fn delimited(delimiter: &[u8]) -> Layout {
        Layout {
            open: Vec::new(),
            separator: delimiter.to_vec(),
            close: b"\n".to_vec(),
            empty: Vec::new(),
            quoted: false,
        }
    }

    /// One JSON value per line.
    pub fn json_lines() -> Layout {
        Layout {
            quoted: true,
            ..Layout::delimited(b"\n")
        }
    }

    /// One JSON array, one element per line.
    pub fn json_array() -> Layout {
        Layout {
            open: b"[\n  ".to_vec(),
            separator: b",\n  ".to_vec(),
            close: b"\n]\n".to_vec(),
            empty: b"[]\n".to_vec(),
            quoted: true,
        }
    }
}

/// A buffered record writer over `W`.
pub struct Output<W: Write> {
    sink: W,
    buf: Box<[u8]>,
    pos: usize,
    layout: Layout,
    style: Style,
    started: bool,
    remaining: Option<u128>,
    /// The last IPv4 octet / IPv6 group of a record with its closing quote, built on first
    /// use by the fast loops.
    v4_tails: Option<Box<[Tail]>>,
    v6_tails: Option<Box<[Tail]>>,
}

/// The variable end of a record in the fast loops: bytes and length.
type Tail = ([u8; TAIL], u8);

/// The tails of every value below `count`, written by `put` and followed by `closing`.
fn tail_table(
    count: usize,
    closing: &[u8],
    put: impl Fn(usize, &mut [u8]) -> usize,
) -> Box<[Tail]> {
    (0..count)
        .map(|value| {
            let mut tail = [0u8; TAIL];
            let n = put(value, &mut tail);
            tail[n..n + closing.len()].copy_from_slice(closing);
            (tail, (n + closing.len()) as u8)
        })
        .collect()
}

/// Writes one record per value of `values` at `pos`: `head` (fixed-size copy of `N`
/// bytes, `head_len` of them kept) then the value's tail. Returns the new position.
#[inline]
fn fill_run<const N: usize>(
    buf: &mut [u8],
    mut pos: usize,
    head: &[u8],
    head_len: usize,
    tails: &[Tail],
    values: std::ops::RangeInclusive<u16>,
) -> usize {
    let head: &[u8; N] = head[..N].try_into().expect("head template is N bytes");
    for value in values {
        buf[pos..pos + N].copy_from_slice(head);
        pos += head_len;
        let (tail, tail_len) = &tails[usize::from(value)];
        buf[pos..pos + TAIL].copy_from_slice(tail);
        pos += usize::from(*tail_len);
    }
    pos
}

impl<W: Write> Output<W> {
    /// Writes to `sink` in `layout`, addresses in `style`, at most `limit` records.
    pub fn new(sink: W, layout: Layout, style: Style, limit: Option<u128>) -> Output<W> {
        Output {
            sink,
            buf: vec![0u8; FLUSH_AT + SLACK].into_boxed_slice(),
            pos: 0,
            layout,
            style,
            started: false,
            remaining: limit,
            v4_tails: None,
            v6_tails: None,
        }
    }

    /// False once `--limit` records have been written.
    pub fn wants_more(&self) -> bool {
        self.remaining != Some(0)
    }

    /// Writes raw bytes outside the record layout.
    pub fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.pos + bytes.len() > self.buf.len() {
            self.flush()?;
            if bytes.len() > self.buf.len() {
                return self.sink.write_all(bytes);
            }
        }
        self.buf[self.pos..self.pos + bytes.len()].copy_from_slice(bytes);
        self.pos += bytes.len();
        Ok(())
    }

    /// Starts a record: writes the opening or the separator. False when the limit is spent.
    fn begin_record(&mut self) -> io::Result<bool> {
        match &mut self.remaining {
            Some(0) => return Ok(false),
            Some(n) => *n -= 1,
            None => {}
        }
        let lead = if self.started {
            std::mem::take(&mut self.layout.separator)
        } else {
            std::mem::take(&mut self.layout.open)
        };
        let result = self.put(&lead);
        if self.started {
            self.layout.separator = lead;
        } else {
            self.layout.open = lead;
        }
        self.started = true;
        result.map(|()| true)
    }

    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.pos >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sink.write_all(&self.buf[..self.pos])?;
        self.pos = 0;
        Ok(())
    }

    /// A record that is already a JSON value or plain text, written as is.
    pub fn raw_record(&mut self, text: &[u8]) -> io::Result<bool> {
        if !self.begin_record()? {
            return Ok(false);
        }
        self.put(text)?;
        self.maybe_flush()?;
        Ok(true)
    }

    /// One address as a record (a JSON string when quoted, except `--format dec`).
    pub fn address(&mut self, family: Family, addr: u128) -> io::Result<bool> {
        if !self.begin_record()? {
            return Ok(false);
        }
        let quote = self.quote();
        let mut text = [0u8; MAX_ADDRESS_LEN + 2];
        let mut len = 0;
        if quote {
            text[0] = b'"';
            len = 1;
        }
        len += put_address(family, addr, self.style, &mut text[len..]);
        if quote {
            text[len] = b'"';
            len += 1;
        }
        self.put(&text[..len])?;
        self.maybe_flush()?;
        Ok(true)
    }

    /// One network `addr/prefix` as a record.
    pub fn network(&mut self, net: Network) -> io::Result<bool> {
        if !self.begin_record()? {
            return Ok(false);
        }
        let mut text = [0u8; MAX_ADDRESS_LEN + 8];
        let mut len = 0;
        if self.layout.quoted {
            text[0] = b'"';
            len = 1;
        }
        len += put_address(net.family, net.addr, Style::Text, &mut text[len..]);
        text[len] = b'/';
        len += 1;
        len += put_dec(u128::from(net.prefix), &mut text[len..]);
        if self.layout.quoted {
            text[len] = b'"';
            len += 1;
        }
        self.put(&text[..len])?;
        self.maybe_flush()?;
        Ok(true)
    }

    fn quote(&self) -> bool {
        self.layout.quoted && self.style != Style::Dec
    }

    /// Every address of `range` as a record, in order. False once the limit is spent.
    pub fn addresses(&mut self, range: Range) -> io::Result<bool> {
        let mut last = range.last;
        if let Some(remaining) = self.remaining {
            if remaining == 0 {
                return Ok(false);
            }
            if range.span_minus_one() >= remaining {
                last = range.first + (remaining - 1);
            }
        }
        // The first record goes the general way: it may carry the opening, not a separator.
        if !self.address(range.family, range.first)? || last == range.first {
            return Ok(self.wants_more());
        }
        let rest = Range {
            first: range.first + 1,
            last,
            ..range
        };
        if let Some(remaining) = &mut self.remaining {
            *remaining -= rest.span_minus_one() + 1;
        }
        let fast = self.style == Style::Text && self.layout.separator.len() <= MAX_FAST_SEPARATOR;
        match (rest.family, fast) {
            (Family::V4, true) => self.v4_run(rest.first as u32, rest.last as u32)?,
            (Family::V6, true) => self.v6_run(rest.first, rest.last)?,
            _ => self.each_address(rest)?,
        }
        Ok(self.wants_more())
    }

    /// Writes the records of `range` one by one; the limit is already accounted for.
    fn each_address(&mut self, range: Range) -> io::Result<()> {
        let saved = self.remaining.take();
        let mut cur = range.first;
        loop {
            self.address(range.family, cur)?;
            if cur == range.last {
                break;
            }
            cur += 1;
        }
        self.remaining = saved;
        Ok(())
    }

    /// The constant start of every record after the first: separator and opening quote.
    fn record_lead(&self, out: &mut [u8]) -> usize {
        let sep = &self.layout.separator;
        out[..sep.len()].copy_from_slice(sep);
        let mut len = sep.len();
        if self.quote() {
            out[len] = b'"';
            len += 1;
        }
        len
    }

    /// Consecutive IPv4 addresses, 256 at a time: `a.b.c.` is fixed per block and only the
    /// last octet (with the closing quote) is looked up.
    fn v4_run(&mut self, first: u32, last: u32) -> io::Result<()> {
        let closing: &[u8] = if self.quote() { b"\"" } else { b"" };
        let tails = self.v4_tails.take().unwrap_or_else(|| {
            tail_table(256, closing, |value, out| {
                let octet = &OCTETS[value];
                out[..4].copy_from_slice(&octet.digits);
                usize::from(octet.len)
            })
        });
        let mut head = [0u8; V4_HEAD];
        let lead = self.record_lead(&mut head);
        let mut cur = first;
        loop {
            let block_last = last.min(cur | 0xff);
            let mut head_len = lead;
            for byte in &cur.to_be_bytes()[..3] {
                let octet = &OCTETS[usize::from(*byte)];
                head[head_len..head_len + 4].copy_from_slice(&octet.digits);
                head_len += usize::from(octet.len);
                head[head_len] = b'.';
                head_len += 1;
            }
            let lows = (cur & 0xff) as u16..=(block_last & 0xff) as u16;
            let (buf, pos) = (&mut self.buf[..], self.pos);
            let pos = if head_len <= V4_HEAD / 2 {
                fill_run::<{ V4_HEAD / 2 }>(buf, pos, &head, head_len, &tails, lows)
            } else {
                fill_run::<V4_HEAD>(buf, pos, &head, head_len, &tails, lows)
            };
            self.pos = pos;
            self.maybe_flush()?;
            if block_last == last {
                self.v4_tails = Some(tails);
                return Ok(());
            }
            cur = block_last + 1;
        }
    }

    /// Consecutive IPv6 addresses, 65536 at a time: with a non-zero last group, the text of
    /// the first seven groups (and where `::` goes) cannot change within a block, so it is
    /// formatted once. Addresses whose last group is zero, and IPv4-mapped blocks, are
    /// formatted in full.
    fn v6_run(&mut self, first: u128, last: u128) -> io::Result<()> {
        let mut head = [0u8; V6_HEAD];
        let lead = self.record_lead(&mut head);
        let closing: &[u8] = if self.quote() { b"\"" } else { b"" };
        let tails = self.v6_tails.take().unwrap_or_else(|| {
            tail_table(1 << 16, closing, |value, out| put_hex16(value as u16, out))
        });
        let mut cur = first;
        loop {
            let block_last = last.min(cur | 0xffff);
            if is_v4_mapped(cur) {
                self.each_address(Range {
                    family: Family::V6,
                    first: cur,
                    last: block_last,
                })?;
            } else {
                let text_len = put_v6((cur & !0xffff) | 1, &mut head[lead..]);
                let head_len = lead + text_len - 1; // drop the `1`
                let mut low = cur as u16;
                let last_low = block_last as u16;
                loop {
                    let chunk_last = last_low.min(low | 0xff);
                    if low == 0 {
                        let zero = cur & !0xffff;
                        self.each_address(Range {
                            family: Family::V6,
                            first: zero,
                            last: zero,
                        })?;
                        low = 1;
                    }
                    if low <= chunk_last {
                        let mut pos = self.pos;
                        let buf = &mut self.buf[..];
                        let groups = low..=chunk_last;
                        // A fixed-size copy is one or two vector moves; most heads fit in
                        // the shorter one.
                        pos = if head_len <= V6_HEAD / 2 {
                            fill_run::<{ V6_HEAD / 2 }>(buf, pos, &head, head_len, &tails, groups)
                        } else {
                            fill_run::<V6_HEAD>(buf, pos, &head, head_len, &tails, groups)
                        };
                        self.pos = pos;
                        self.maybe_flush()?;
                    }
                    if chunk_last == last_low {
                        break;
                    }
                    low = chunk_last + 1;
                }
            }
            if block_last == last {
                self.v6_tails = Some(tails);
                return Ok(());
            }
            cur = block_last + 1;
        }
    }

    /// Ends the output (closing bracket or final newline) and flushes it.
    pub fn finish(mut self) -> io::Result<()> {
        let end = if self.started {
            std::mem::take(&mut self.layout.close)
        } else {
            std::mem::take(&mut self.layout.empty)
        };
        self.put(&end)?;
        self.flush()?;
        self.sink.flush()
    }

    /// Flushes what is buffered, so output written before an error is not lost. Lines are
    /// ended; a JSON array is left open, so it cannot pass for a complete answer.
    pub fn flush_partial(&mut self) -> io::Result<()> {
        if self.started && self.layout.empty.is_empty() {
            let close = std::mem::take(&mut self.layout.close);
            self.put(&close)?;
        }
        self.flush()?;
        self.sink.flush()
    }
}

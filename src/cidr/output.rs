//! The single write path of `cidr-expand`: one large buffer in front of stdout, records
//! separated by a delimiter (or laid out as JSON Lines or a JSON array), an optional
//! `--limit` on the number of records, and fast loops that write runs of consecutive
//! addresses with fixed-size copies from a per-block template instead of formatting each
//! address from scratch.

use std::io::{self, Write};

use super::addr::{Family, Network, Range};
use super::format::{
    MAX_ADDRESS_LEN, OCTETS, Style, is_v4_mapped, put_address, put_dec, put_hex16, put_v6,
    put_v6_groups,
};

/// Flush once this much is buffered.
const FLUSH_AT: usize = 256 * 1024;
/// Template sizes of the fast loops: the constant head of a record (separator, opening
/// quote, all but the last octet or group), copied whole, and its variable tail.
const V4_HEAD: usize = 32;
const V6_HEAD: usize = 64;
const TAIL: usize = 8;
/// How many records a fast loop writes between checks for a flush.
const CHUNK: usize = 256;
/// Room after `FLUSH_AT` for one chunk of the fast loops.
const SLACK: usize = CHUNK * (V6_HEAD + TAIL);
/// A separator longer than this takes the per-record path (it must fit the templates).
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
    /// record per line), or with `terminated` every record, the last too, ended by it.
    pub fn delimited(delimiter: &[u8], terminated: bool) -> Layout {
        Layout {
            open: Vec::new(),
            separator: delimiter.to_vec(),
            close: if terminated {
                delimiter.to_vec()
            } else {
                b"\n".to_vec()
            },
            empty: Vec::new(),
            quoted: false,
        }
    }

    /// One JSON value per line.
    pub fn json_lines() -> Layout {
        Layout {
            quoted: true,
            ..Layout::delimited(b"\n", true)
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

    fn is_array(&self) -> bool {
        !self.empty.is_empty()
    }
}

/// `text` as a JSON string, quoted and escaped: the input and names in `--json` records.
pub fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// Bytes on their way to the sink: a fixed buffer written with plain slice copies.
struct Buffer<W: Write> {
    sink: W,
    bytes: Box<[u8]>,
    pos: usize,
}

impl<W: Write> Buffer<W> {
    fn put(&mut self, data: &[u8]) -> io::Result<()> {
        if self.pos + data.len() > self.bytes.len() {
            self.flush()?;
            if data.len() > self.bytes.len() {
                return self.sink.write_all(data);
            }
        }
        self.bytes[self.pos..self.pos + data.len()].copy_from_slice(data);
        self.pos += data.len();
        Ok(())
    }

    /// Flushes once `FLUSH_AT` is reached; afterwards at least `SLACK` bytes are free.
    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.pos >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sink.write_all(&self.bytes[..self.pos])?;
        self.pos = 0;
        Ok(())
    }
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

/// Writes one record per value of `values` at `pos`: `head` (a fixed-size copy of `N`
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

/// A record writer over `W`.
pub struct Output<W: Write> {
    buf: Buffer<W>,
    layout: Layout,
    style: Style,
    started: bool,
    remaining: Option<u128>,
    /// The last IPv4 octet / IPv6 group with its closing quote, built on first use.
    v4_tails: Option<Box<[Tail]>>,
    v6_tails: Option<Box<[Tail]>>,
}

impl<W: Write> Output<W> {
    /// Writes to `sink` in `layout`, addresses in `style`, at most `limit` records.
    pub fn new(sink: W, layout: Layout, style: Style, limit: Option<u128>) -> Output<W> {
        Output {
            buf: Buffer {
                sink,
                bytes: vec![0u8; FLUSH_AT + SLACK].into_boxed_slice(),
                pos: 0,
            },
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

    /// Counts `n` more records against the limit; false (and nothing counted) when they
    /// would go past it.
    fn take(&mut self, n: u128) -> bool {
        match &mut self.remaining {
            Some(left) if *left < n => false,
            Some(left) => {
                *left -= n;
                true
            }
            None => true,
        }
    }

    /// Writes what goes before a record: the opening before the first, else the separator.
    fn lead(&mut self) -> io::Result<()> {
        let lead = if self.started {
            &self.layout.separator
        } else {
            &self.layout.open
        };
        self.started = true;
        self.buf.put(lead)
    }

    /// Addresses are JSON strings in JSON output, except as decimal integers.
    fn quoted(&self) -> bool {
        self.layout.quoted && self.style != Style::Dec
    }

    /// A record that is already a JSON value or plain text, written as is.
    pub fn raw_record(&mut self, text: &[u8]) -> io::Result<bool> {
        if !self.take(1) {
            return Ok(false);
        }
        self.lead()?;
        self.buf.put(text)?;
        self.buf.maybe_flush()?;
        Ok(true)
    }

    /// One address as a record.
    pub fn address(&mut self, family: Family, addr: u128) -> io::Result<bool> {
        if !self.take(1) {
            return Ok(false);
        }
        self.address_record(family, addr)?;
        Ok(true)
    }

    /// Writes one address record (the limit already counted).
    fn address_record(&mut self, family: Family, addr: u128) -> io::Result<()> {
        self.lead()?;
        let quote = self.quoted();
        // Formatting may scribble past the text's end, so the closing quote goes in last.
        let mut text = [b'"'; MAX_ADDRESS_LEN + 2];
        let start = usize::from(quote);
        let end = start + put_address(family, addr, self.style, &mut text[start..]);
        text[end] = b'"';
        self.buf.put(&text[..end + usize::from(quote)])?;
        self.buf.maybe_flush()
    }

    /// One run of addresses as a `first-last` record.
    pub fn range(&mut self, range: Range) -> io::Result<bool> {
        if !self.take(1) {
            return Ok(false);
        }
        self.lead()?;
        let quote = self.layout.quoted;
        let mut text = [b'"'; 2 * MAX_ADDRESS_LEN + 4];
        let mut end = usize::from(quote);
        end += put_address(range.family, range.first, Style::Text, &mut text[end..]);
        text[end] = b'-';
        end += 1;
        end += put_address(range.family, range.last, Style::Text, &mut text[end..]);
        text[end] = b'"';
        self.buf.put(&text[..end + usize::from(quote)])?;
        self.buf.maybe_flush()?;
        Ok(true)
    }

    /// Every address of `range`, or in `--format range` the run as one record.
    pub fn run(&mut self, range: Range) -> io::Result<bool> {
        if self.style == Style::Range {
            self.range(range)?;
            Ok(self.wants_more())
        } else {
            self.addresses(range)
        }
    }

    /// One network `addr/prefix` as a record (`first-last` in `--format range`, Python's
    /// `exploded` in `--format exploded`).
    pub fn network(&mut self, net: Network) -> io::Result<bool> {
        if self.style == Style::Range {
            return self.range(net.range());
        }
        if !self.take(1) {
            return Ok(false);
        }
        self.lead()?;
        let quote = self.layout.quoted;
        let mut text = [b'"'; MAX_ADDRESS_LEN + 8];
        let mut end = usize::from(quote);
        end += match (self.style, net.family) {
            (Style::Exploded, Family::V6) => put_v6_groups(net.addr, false, &mut text[end..]),
            _ => put_address(net.family, net.addr, Style::Text, &mut text[end..]),
        };
        text[end] = b'/';
        end += 1;
        end += put_dec(u128::from(net.prefix), &mut text[end..]);
        text[end] = b'"';
        self.buf.put(&text[..end + usize::from(quote)])?;
        self.buf.maybe_flush()?;
        Ok(true)
    }

    /// Every address of `range` as a record, in order. False once the limit is spent.
    pub fn addresses(&mut self, range: Range) -> io::Result<bool> {
        let last = match self.remaining {
            Some(0) => return Ok(false),
            Some(left) if range.span_minus_one() >= left => range.first + (left - 1),
            _ => range.last,
        };
        let run = Range { last, ..range };
        // Counted whole: span + 1 fits, since a limit below 2^128 cut the run.
        if let Some(left) = &mut self.remaining {
            *left -= run.span_minus_one() + 1;
        }
        // The first record goes the general way, since it may carry the opening rather
        // than the separator the fast loops' templates start with.
        self.address_record(run.family, run.first)?;
        if run.first < run.last {
            let rest = Range {
                first: run.first + 1,
                ..run
            };
            let fast =
                self.style == Style::Text && self.layout.separator.len() <= MAX_FAST_SEPARATOR;
            match (rest.family, fast) {
                (Family::V4, true) => self.v4_run(rest.first as u32, rest.last as u32)?,
                (Family::V6, true) => self.v6_run(rest.first, rest.last)?,
                _ => self.each_address(rest)?,
            }
        }
        Ok(self.wants_more())
    }

    /// Writes the records of `range` one by one (the limit already counted).
    fn each_address(&mut self, range: Range) -> io::Result<()> {
        let mut cur = range.first;
        loop {
            self.address_record(range.family, cur)?;
            if cur == range.last {
                return Ok(());
            }
            cur += 1;
        }
    }

    /// The constant start of every record after the first: separator and opening quote.
    fn template_lead(&self, out: &mut [u8]) -> usize {
        let sep = &self.layout.separator;
        out[..sep.len()].copy_from_slice(sep);
        if self.quoted() {
            out[sep.len()] = b'"';
            sep.len() + 1
        } else {
            sep.len()
        }
    }

    fn closing(&self) -> &'static [u8] {
        if self.quoted() { b"\"" } else { b"" }
    }

    /// Consecutive IPv4 addresses (not the first record), 256 at a time: `a.b.c.` is fixed
    /// per block and only the last octet (with the closing quote) is looked up.
    fn v4_run(&mut self, first: u32, last: u32) -> io::Result<()> {
        let closing = self.closing();
        let tails = self.v4_tails.take().unwrap_or_else(|| {
            tail_table(256, closing, |value, out| {
                let octet = &OCTETS[value];
                out[..4].copy_from_slice(&octet.digits);
                usize::from(octet.len)
            })
        });
        let mut head = [0u8; V4_HEAD];
        let lead = self.template_lead(&mut head);
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
            let buf = &mut self.buf;
            buf.maybe_flush()?; // leaves SLACK bytes for this block
            buf.pos = if head_len <= V4_HEAD / 2 {
                fill_run::<{ V4_HEAD / 2 }>(&mut buf.bytes, buf.pos, &head, head_len, &tails, lows)
            } else {
                fill_run::<V4_HEAD>(&mut buf.bytes, buf.pos, &head, head_len, &tails, lows)
            };
            if block_last == last {
                self.v4_tails = Some(tails);
                return Ok(());
            }
            cur = block_last + 1;
        }
    }

    /// Consecutive IPv6 addresses (not the first record), 65536 at a time: with a non-zero
    /// last group, the text of the first seven groups (and where `::` goes) cannot change
    /// within a block, so it is formatted once. An address whose last group is zero, and
    /// IPv4-mapped blocks, are formatted in full.
    fn v6_run(&mut self, first: u128, last: u128) -> io::Result<()> {
        let closing = self.closing();
        let tails = self.v6_tails.take().unwrap_or_else(|| {
            tail_table(1 << 16, closing, |value, out| put_hex16(value as u16, out))
        });
        let mut head = [0u8; V6_HEAD];
        let lead = self.template_lead(&mut head);
        let mut cur = first;
        loop {
            let block = cur & !0xffff;
            let block_last = last.min(block | 0xffff);
            if is_v4_mapped(block) {
                self.each_address(Range {
                    family: Family::V6,
                    first: cur,
                    last: block_last,
                })?;
            } else {
                if cur == block {
                    self.address_record(Family::V6, block)?;
                }
                if block_last > block {
                    // `block | 1` ends in `1`; everything before it is the head.
                    let head_len = lead + put_v6(block | 1, &mut head[lead..]) - 1;
                    self.v6_block(&head, head_len, &tails, cur.max(block + 1), block_last)?;
                }
            }
            if block_last == last {
                self.v6_tails = Some(tails);
                return Ok(());
            }
            cur = block_last + 1;
        }
    }

    /// The records `first..=last` of one 65536-address block whose last group is never 0.
    fn v6_block(
        &mut self,
        head: &[u8; V6_HEAD],
        head_len: usize,
        tails: &[Tail],
        first: u128,
        last: u128,
    ) -> io::Result<()> {
        let (mut low, last_low) = (first as u16, last as u16);
        loop {
            let chunk_last = last_low.min(low | (CHUNK as u16 - 1));
            let groups = low..=chunk_last;
            let buf = &mut self.buf;
            buf.maybe_flush()?; // leaves SLACK bytes for this chunk
            // Most heads fit the shorter copy.
            buf.pos = if head_len <= V6_HEAD / 2 {
                fill_run::<{ V6_HEAD / 2 }>(&mut buf.bytes, buf.pos, head, head_len, tails, groups)
            } else {
                fill_run::<V6_HEAD>(&mut buf.bytes, buf.pos, head, head_len, tails, groups)
            };
            if chunk_last == last_low {
                return Ok(());
            }
            low = chunk_last + 1;
        }
    }

    /// Ends the output (closing bracket or final newline) and flushes it.
    pub fn finish(mut self) -> io::Result<()> {
        let end = if self.started {
            &self.layout.close
        } else {
            &self.layout.empty
        };
        self.buf.put(end)?;
        self.buf.flush()?;
        self.buf.sink.flush()
    }

    /// Flushes what is buffered, so output written before an error is not lost. Lines are
    /// ended; a JSON array is left open, so it cannot pass for a complete answer.
    pub fn flush_partial(&mut self) -> io::Result<()> {
        if self.started && !self.layout.is_array() {
            self.buf.put(&self.layout.close)?;
        }
        self.buf.flush()?;
        self.buf.sink.flush()
    }
}

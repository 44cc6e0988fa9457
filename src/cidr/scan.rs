//! Finding IPv4 and IPv6 addresses (and `address/prefix` CIDRs) in free text: log lines,
//! HTML, JSON, configuration files. Used by `--extract` and `--match`.
//!
//! A candidate is a maximal run of address characters (hex digits, `.`, `:`), found from
//! its dots and colons with `memchr`, so the bytes between candidates cost almost nothing.
//! A candidate is an address only when all of it is one:
//! - IPv4 is exactly four decimal octets (0-255, no leading zeros, as Python and glibc's
//!   `inet_pton` read them): `1.2.3.4.5`, `1.2.3` and `01.2.3.4` are not addresses, nor is
//!   any part of them;
//! - IPv6 is what Python's `ip_address` reads (with `::`, or eight groups, or six and a
//!   dotted quad) and holds a decimal digit; timestamps (`13:55:36`), MAC addresses, EUI-64s
//!   and Fibre Channel WWNs written as eight two-digit groups (`21:00:00:24:ff:4c:5e:12`),
//!   `std::mem` paths and words of hex letters (`dead:beef`, `A::f`, `Dad::Bad`) are not;
//! - it must not be glued to a word: a letter or `_` right before or after (`v1.2.3.4`,
//!   `1.2.3.4x`) makes it part of something else;
//! - around it, a sentence's final `.`, an ellipsis (`...`) on either side, a leading `.`
//!   not glued to a word, a `:port` after an IPv4 address, a `key:` before an address
//!   (`src:1.2.3.4`, `addr:fe80::1`), a `:` after an IPv6 address (`fe80::1: refused`) and
//!   brackets (`[2001:db8::1]:443`) are punctuation, not part of the address;
//! - `/N` right after it (N a prefix length of the family, then no word character; a
//!   sentence's final `.` may follow) makes it a CIDR.

use std::net::Ipv6Addr;

use super::addr::Family;

/// Byte classes.
const HEX: u8 = 1;
const DOT: u8 = 2;
const COLON: u8 = 4;
const WORD: u8 = 8;
const DIGIT: u8 = 16;

static CLASS: [u8; 256] = class_table();

const fn class_table() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_digit() {
            HEX | DIGIT
        } else if matches!(c, b'a'..=b'f' | b'A'..=b'F') {
            HEX
        } else if c == b'.' {
            DOT
        } else if c == b':' {
            COLON
        } else if c.is_ascii_alphabetic() || c == b'_' {
            WORD
        } else {
            0
        };
        b += 1;
    }
    table
}

/// A letter, digit or `_`: glued to one, a candidate is part of a longer word.
fn is_word_char(b: u8) -> bool {
    CLASS[usize::from(b)] & (WORD | HEX) != 0
}

/// An address found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub family: Family,
    pub addr: u128,
    /// The prefix length written after it (`10.0.0.0/8`), if any.
    pub prefix: Option<u8>,
    /// Where the address text starts and ends (the prefix not included).
    pub start: usize,
    pub end: usize,
}

/// What [`BlockScan`] finds in a block of whole lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Hit(Hit),
    /// The line ends (at this `\n`).
    LineEnd(usize),
}

/// The hits and line ends of a block of lines, in order, from one `memchr3` pass over the
/// whole block (much cheaper than a search per line). [`BlockScan::skip_line`] ignores the
/// rest of the current line.
pub struct BlockScan<'a> {
    text: &'a [u8],
    /// Where the next search starts: after the last candidate or line end.
    done: usize,
    skipping: bool,
}

impl<'a> BlockScan<'a> {
    pub fn new(text: &'a [u8]) -> BlockScan<'a> {
        BlockScan {
            text,
            done: 0,
            skipping: false,
        }
    }

    /// Ignores the hits of the current line.
    pub fn skip_line(&mut self) {
        self.skipping = true;
    }

    /// The next line end, or dot or colon, at or after `done`.
    fn next_mark(&self) -> Option<usize> {
        let rest = &self.text[self.done..];
        let found = if self.skipping {
            memchr::memchr(b'\n', rest)
        } else {
            memchr::memchr3(b'\n', b'.', b':', rest)
        };
        found.map(|i| self.done + i)
    }
}

impl Iterator for BlockScan<'_> {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        let text = self.text;
        loop {
            let at = self.next_mark()?;
            if text[at] == b'\n' {
                self.skipping = false;
                self.done = at + 1;
                return Some(Event::LineEnd(at));
            }
            let (start, end, shape) = candidate_bounds(text, at);
            self.done = resume_after(text, end);
            if !shape.could_be_an_address() {
                continue;
            }
            if let Some(hit) = candidate(text, start, end, shape.colons > 0) {
                return Some(Event::Hit(hit));
            }
        }
    }
}

/// The dots and colons of a candidate, counted while finding its end.
#[derive(Clone, Copy, Default)]
struct Shape {
    dots: u32,
    colons: u32,
    /// Holds `::`.
    double: bool,
}

impl Shape {
    /// IPv4 needs three dots; IPv6 `::`, seven colons, or six and a dotted quad (one more
    /// colon for a `key:` or a trailing `:`). Rules out version numbers, file names and
    /// timestamps before any parsing.
    fn could_be_an_address(&self) -> bool {
        self.dots >= 3
            || self.double
            || (7..=8).contains(&self.colons)
            || ((6..=7).contains(&self.colons) && self.dots > 0)
    }
}

/// The run of address characters around `at`, the first dot or colon of its run (the
/// bytes before it are hex digits), and the run's shape. An ellipsis (two dots or more)
/// ends the run: it is never inside an address.
fn candidate_bounds(text: &[u8], at: usize) -> (usize, usize, Shape) {
    let mut start = at;
    while start > 0 && CLASS[usize::from(text[start - 1])] & HEX != 0 {
        start -= 1;
    }
    let mut shape = Shape::default();
    let mut prev = 0u8;
    let mut end = at;
    while end < text.len() {
        let b = text[end];
        let class = CLASS[usize::from(b)];
        if class & (HEX | DOT | COLON) == 0 {
            break;
        }
        if class & DOT != 0 {
            if text.get(end + 1) == Some(&b'.') {
                break;
            }
            shape.dots += 1;
        } else if class & COLON != 0 {
            shape.colons += 1;
            shape.double |= prev == b':';
        }
        prev = b;
        end += 1;
    }
    (start, end, shape)
}

/// Where the search for the next candidate goes on after one ending at `end`: past an
/// ellipsis that ended it, so the next run starts after the dots.
fn resume_after(text: &[u8], end: usize) -> usize {
    let dots = text[end..].iter().take_while(|b| **b == b'.').count();
    if dots >= 2 { end + dots } else { end }
}

/// The hits in `text`, in order.
pub fn hits(text: &[u8]) -> Hits<'_> {
    Hits { text, from: 0 }
}

/// The iterator returned by [`hits`].
pub struct Hits<'a> {
    text: &'a [u8],
    from: usize,
}

impl Iterator for Hits<'_> {
    type Item = Hit;

    fn next(&mut self) -> Option<Hit> {
        let text = self.text;
        loop {
            let at = self.from + memchr::memchr2(b'.', b':', &text[self.from..])?;
            let (start, end, shape) = candidate_bounds(text, at);
            self.from = resume_after(text, end);
            if !shape.could_be_an_address() {
                continue;
            }
            if let Some(hit) = candidate(text, start, end, shape.colons > 0) {
                return Some(hit);
            }
        }
    }
}

/// The address the candidate `text[start..end]` is, if it is one.
fn candidate(text: &[u8], start: usize, end: usize, has_colon: bool) -> Option<Hit> {
    let glued_left = start > 0 && is_word_char(text[start - 1]);
    let glued_right = end < text.len() && is_word_char(text[end]);
    // A sentence's final dots are punctuation (unless a word goes on: a dotted name), and so
    // is one leading dot not glued to a word (`x.1.2.3.4` is a dotted name).
    let mut stop = end;
    while stop > start && text[stop - 1] == b'.' {
        stop -= 1;
    }
    let start = if !glued_left && stop > start && text[start] == b'.' {
        start + 1
    } else {
        start
    };
    if has_colon {
        if !glued_left
            && !glued_right
            && let Some(hit) = ipv6_candidate(text, start, stop)
        {
            return Some(hit);
        }
        if let Some(hit) = ipv6_in_punctuation(text, start, stop, glued_left, glued_right) {
            return Some(hit);
        }
        return ipv4_with_colons(text, start, stop, glued_left, glued_right);
    }
    if glued_left || glued_right {
        return None;
    }
    ipv4_at(text, start, stop)
}

/// An IPv6 candidate.
fn ipv6_candidate(text: &[u8], start: usize, stop: usize) -> Option<Hit> {
    let token = &text[start..stop];
    if !could_be_ipv6(token) {
        return None;
    }
    let addr = std::str::from_utf8(token).ok()?.parse::<Ipv6Addr>().ok()?;
    Some(with_prefix(text, Family::V6, addr.to_bits(), start, stop))
}

/// A cheap test that rules out timestamps and MAC addresses before parsing: `::` with
/// at most 7 colons, or exactly 7 colons, or 6 and a dotted quad; and some decimal digit, so
/// that words of hex letters (`dead:beef`, `Dad::Bad`, C++'s `A::f`) are not addresses.
fn could_be_ipv6(token: &[u8]) -> bool {
    if token.len() > 45 || !token.iter().any(u8::is_ascii_digit) || is_eight_two_digit_groups(token)
    {
        return false;
    }
    let colons = token.iter().filter(|b| **b == b':').count();
    let double = token.windows(2).any(|w| w == b"::");
    let dotted = token.contains(&b'.');
    (double && colons <= 8) || colons == 7 || (colons == 6 && dotted)
}

/// `21:00:00:24:ff:4c:5e:12`: how EUI-64s and Fibre Channel WWNs are written (like a MAC
/// address with two more groups); an IPv6 address is never written so.
fn is_eight_two_digit_groups(token: &[u8]) -> bool {
    token.len() == 23
        && token.iter().enumerate().all(|(i, b)| {
            if i % 3 == 2 {
                *b == b':'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// The length of the `key:` that starts a candidate glued to a word on its left (`src:`
/// has `c:` in the candidate), when that part is hex letters only (a digit makes it part of
/// a longer token, as in `x2001:db8::1`) and a single colon ends it.
fn glued_key_len(token: &[u8]) -> Option<usize> {
    let colon = token.iter().position(|b| *b == b':')?;
    let key = &token[..colon];
    (key.iter().all(u8::is_ascii_alphabetic) && token.get(colon + 1) != Some(&b':'))
        .then_some(colon + 1)
}

/// `src:2001:db8::1`, `ip:fe80::1` and `fe80::1: refused` (a log's "address: message") as
/// an IPv6 address in punctuation: the key before the first colon and one trailing colon
/// are not part of it.
fn ipv6_in_punctuation(
    text: &[u8],
    start: usize,
    stop: usize,
    glued_left: bool,
    glued_right: bool,
) -> Option<Hit> {
    let token = &text[start..stop];
    if glued_right {
        return None;
    }
    let skip = match token {
        [b':', b':', ..] if glued_left => return None,
        [b':', b':', ..] => 0,
        [b':', ..] => 1,
        _ if glued_left => glued_key_len(token)?,
        _ => 0,
    };
    let trailing = usize::from(token.ends_with(b":") && !token.ends_with(b"::"));
    if (skip == 0 && trailing == 0) || skip + trailing >= token.len() {
        return None;
    }
    ipv6_candidate(text, start + skip, stop - trailing)
}

/// `key:1.2.3.4`, `1.2.3.4:8080` and `:1.2.3.4:` as an IPv4 address in punctuation.
fn ipv4_with_colons(
    text: &[u8],
    start: usize,
    end: usize,
    glued_left: bool,
    glued_right: bool,
) -> Option<Hit> {
    let token = &text[start..end];
    let (skip, rest) = match token {
        [b':', b':', ..] => return None,
        [b':', rest @ ..] => (1, rest),
        _ if glued_left => {
            let key = glued_key_len(token)?;
            (key, &token[key..])
        }
        _ => (0, token),
    };
    let v4_len = rest.iter().position(|b| *b == b':').unwrap_or(rest.len());
    let port = &rest[v4_len..];
    let port_ok = match port {
        [] => !glued_right,
        [b':'] => true,
        [b':', digits @ ..] => {
            digits.len() <= 5 && digits.iter().all(u8::is_ascii_digit) && !glued_right
        }
        _ => false,
    };
    if !port_ok {
        return None;
    }
    let hit = ipv4_at(text, start + skip, start + skip + v4_len)?;
    // A port, not a prefix, follows; and no prefix after a trailing colon.
    Some(Hit {
        prefix: None,
        ..hit
    })
}

/// `text[start..stop]` as exactly four decimal octets, then an optional prefix.
fn ipv4_at(text: &[u8], start: usize, stop: usize) -> Option<Hit> {
    let token = &text[start..stop];
    if token.len() < 7 || token.len() > 15 {
        return None;
    }
    let value = dotted_quad(token)?;
    Some(with_prefix(
        text,
        Family::V4,
        u128::from(value),
        start,
        stop,
    ))
}

/// Exactly four parts of 1-3 digits, no leading zero, each at most 255.
fn dotted_quad(token: &[u8]) -> Option<u32> {
    let digit = |at: usize| {
        token
            .get(at)
            .map(|b| b.wrapping_sub(b'0'))
            .filter(|d| *d < 10)
            .map(u32::from)
    };
    let (mut at, mut value) = (0, 0u32);
    for part in 0..4 {
        if part > 0 {
            if token.get(at) != Some(&b'.') {
                return None;
            }
            at += 1;
        }
        let mut octet = digit(at)?;
        at += 1;
        if let Some(second) = digit(at) {
            if octet == 0 {
                return None;
            }
            octet = octet * 10 + second;
            at += 1;
            if let Some(third) = digit(at) {
                octet = octet * 10 + third;
                at += 1;
            }
        }
        if octet > 255 {
            return None;
        }
        value = (value << 8) | octet;
    }
    (at == token.len()).then_some(value)
}

/// The hit at `text[start..end]`, with the `/N` after it if there is a valid one.
fn with_prefix(text: &[u8], family: Family, addr: u128, start: usize, end: usize) -> Hit {
    Hit {
        family,
        addr,
        prefix: prefix_after(text, end, family),
        start,
        end,
    }
}

/// `/N` at `at`: one to three digits, at most the family's bits, ending the word.
fn prefix_after(text: &[u8], at: usize, family: Family) -> Option<u8> {
    if text.get(at) != Some(&b'/') {
        return None;
    }
    let digits = text[at + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let after = at + 1 + digits;
    // A sentence's final dots may follow (`10.0.0.0/8.`), a dotted word may not (`/8.1`).
    let dots = text[after..].iter().take_while(|b| **b == b'.').count();
    if digits == 0 || digits > 3 || text.get(after + dots).is_some_and(|b| is_word_char(*b)) {
        return None;
    }
    let value: u32 = text[at + 1..after]
        .iter()
        .fold(0, |n, d| n * 10 + u32::from(d - b'0'));
    (value <= u32::from(family.bits())).then_some(value as u8)
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use proptest::prelude::*;

    use super::*;

    fn found(text: &str) -> Vec<String> {
        hits(text.as_bytes())
            .map(|h| {
                let addr = &text[h.start..h.end];
                match h.prefix {
                    Some(p) => format!("{addr}/{p}"),
                    None => addr.to_owned(),
                }
            })
            .collect()
    }

    #[test]
    fn finds_addresses_in_logs_html_and_json() {
        assert_eq!(
            found(r#"203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326"#),
            ["203.0.113.9"]
        );
        assert_eq!(found(r#"<a href="http://192.0.2.1/x">"#), ["192.0.2.1"]);
        assert_eq!(
            found(r#"{"ip":"2001:db8::1","net":"10.0.0.0/8"}"#),
            ["2001:db8::1", "10.0.0.0/8"]
        );
        assert_eq!(
            found("[2001:db8::1]:443 and 1.2.3.4:8080."),
            ["2001:db8::1", "1.2.3.4"]
        );
        assert_eq!(
            found("client:10.1.2.3, ::ffff:1.2.3.4."),
            ["10.1.2.3", "::ffff:1.2.3.4"]
        );
        assert_eq!(found("end of sentence 10.0.0.1."), ["10.0.0.1"]);
        assert_eq!(found("fe80::1/64 ::1"), ["fe80::1/64", "::1"]);
    }

    #[test]
    fn punctuation_around_addresses_is_not_part_of_them() {
        // A CIDR at the end of a sentence keeps its prefix.
        assert_eq!(
            found("nets 10.0.0.0/24. and 2001:db8::/32.."),
            ["10.0.0.0/24", "2001:db8::/32"]
        );
        // `key:` before an address, whatever letter ends the key.
        assert_eq!(
            found("src:1.2.3.4 id:5.6.7.8 addr:fe80::1 ip:2001:db8::2"),
            ["1.2.3.4", "5.6.7.8", "fe80::1", "2001:db8::2"]
        );
        // A colon after an IPv6 address, as in "<address>: <message>".
        assert_eq!(found("2001:db8::1: connection refused"), ["2001:db8::1"]);
        // Ellipses on either side, and a leading dot standing alone.
        assert_eq!(
            found("connecting...10.0.0.1...done (.10.0.0.2) 1.2.3.4...5.6.7.8"),
            ["10.0.0.1", "10.0.0.2", "1.2.3.4", "5.6.7.8"]
        );
    }

    #[test]
    fn no_false_hits() {
        for text in [
            "version 1.2.3.4.5",
            "v1.2.3.4 and 1.2.3.4a and 1.2.3.4.example",
            "at 13:55:36 on 2024-01-02T10:20:30.123Z",
            "mac 00:1a:2b:3c:4d:5e",
            "std::mem::swap Foo::bar",
            "dead:beef cafe::babe a::b A::f Dad::Bad add:: Foo::1",
            "wwn 21:00:00:24:ff:4c:5e:12 eui 00:0d:6f:00:0a:90:6d:8b",
            "x2001:db8::1",
            "01.2.3.4 and 1.2.3.256 and 1.2.3",
            "x.1.2.3.4",
            "10.0.0.1_old",
        ] {
            assert_eq!(found(text), Vec::<String>::new(), "{text}");
        }
        // A prefix that is not one stays out of the hit.
        assert_eq!(
            found("1.2.3.4/33 1.2.3.4/24x 1.2.3.4/8.1"),
            ["1.2.3.4", "1.2.3.4", "1.2.3.4"]
        );
    }

    fn separator() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            " ", ", ", "\t", "\"", "'", "(", ")", "[", "]", "<", ">", "=", " - ", "|",
        ])
        .prop_map(str::to_owned)
    }

    proptest! {
        // Any address between separators is found, exactly, with its prefix.
        #[test]
        fn finds_every_separated_address(
            items in prop::collection::vec((any::<bool>(), any::<u32>(), any::<u128>(), prop::option::of(0u8..=32)), 1..6),
            seps in prop::collection::vec(separator(), 7),
        ) {
            let mut text = seps[0].clone();
            let mut want = Vec::new();
            for (i, (v6, a4, a6, prefix)) in items.iter().enumerate() {
                let addr = if *v6 { IpAddr::from(std::net::Ipv6Addr::from_bits(*a6)) } else { IpAddr::from(Ipv4Addr::from_bits(*a4)) };
                // The two IPv6 forms the scanner leaves out on purpose (see the module doc).
                let shown = addr.to_string();
                prop_assume!(shown.bytes().any(|b| b.is_ascii_digit()));
                prop_assume!(!is_eight_two_digit_groups(shown.as_bytes()));
                let item = match prefix {
                    Some(p) => format!("{addr}/{p}"),
                    None => addr.to_string(),
                };
                text.push_str(&item);
                text.push_str(&seps[(i + 1) % seps.len()]);
                want.push(item);
            }
            prop_assert_eq!(found(&text), want);
        }

        // Dotted runs of other lengths, and numbers glued to words, never hit.
        #[test]
        fn dotted_runs_other_than_four_never_hit(parts in prop::collection::vec(0u16..300, 5..9), word in "[g-zG-Z_]{1,3}") {
            let run: Vec<String> = parts.iter().map(u16::to_string).collect();
            let run = run.join(".");
            let glued4 = format!("{word}{}", run.split('.').take(4).collect::<Vec<_>>().join("."));
            prop_assert_eq!(found(&format!("x {run} y")), Vec::<String>::new());
            prop_assert_eq!(found(&glued4), Vec::<String>::new());
        }

        #[test]
        fn block_scan_agrees_with_hits_per_line(lines in prop::collection::vec("[0-9a-f:./ x\\[\\]]{0,30}", 0..6), skip in any::<bool>()) {
            let block = lines.iter().map(|l| format!("{l}\n")).collect::<String>();
            let mut want = Vec::new();
            let mut offset = 0;
            for line in &lines {
                let found: Vec<Event> = hits(line.as_bytes()).map(|h| Event::Hit(Hit { start: h.start + offset, end: h.end + offset, ..h })).collect();
                want.extend(if skip { found.into_iter().take(1).collect::<Vec<_>>() } else { found });
                offset += line.len();
                want.push(Event::LineEnd(offset));
                offset += 1;
            }
            let mut scan = BlockScan::new(block.as_bytes());
            let mut got = Vec::new();
            while let Some(event) = scan.next() {
                if skip && matches!(event, Event::Hit(_)) {
                    scan.skip_line();
                }
                got.push(event);
            }
            prop_assert_eq!(got, want);
        }

        // Words of hex letters joined by colons (`dead:beef`, `Dad::Bad`) are never
        // addresses, nor are eight two-digit groups (EUI-64, WWN).
        #[test]
        fn hex_words_and_eui64s_never_hit(words in prop::collection::vec("[a-fA-F]{1,4}", 2..8), double in any::<bool>(), eui in any::<[u8; 8]>()) {
            let joined = words.join(if double { "::" } else { ":" });
            prop_assert_eq!(found(&format!("x {joined} y")), Vec::<String>::new());
            let eui: Vec<String> = eui.iter().map(|b| format!("{b:02x}")).collect();
            prop_assert_eq!(found(&format!("wwn {} y", eui.join(":"))), Vec::<String>::new());
        }

        #[test]
        fn scanner_never_panics_and_hits_parse(text in "[0-9a-fA-F:./ g_x\\[\\]]{0,80}") {
            for hit in hits(text.as_bytes()) {
                let addr = &text[hit.start..hit.end];
                prop_assert!(addr.parse::<IpAddr>().is_ok(), "{}", addr);
            }
        }
    }
}

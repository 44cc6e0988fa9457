//! nmap-style IPv4 targets: each octet a number, a range (`1-5`, `-5`, `5-`), a wildcard
//! (`*` or `-`) or a comma list of those (`10.0-3.1.1,3`), as `nmap -sL` reads them. The set
//! is held as one 256-bit map per octet, so any pattern costs 128 bytes, and its addresses
//! come out in ascending order as runs of consecutive addresses (nmap sorts and
//! de-duplicates each octet the same way).

use super::addr::{Family, Range};

/// A set of octet values as a 256-bit map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OctetSet([u64; 4]);

impl OctetSet {
    const EMPTY: OctetSet = OctetSet([0; 4]);

    fn insert_range(&mut self, first: u8, last: u8) {
        for value in first..=last {
            self.0[usize::from(value / 64)] |= 1 << (value % 64);
        }
    }

    fn contains(&self, value: u8) -> bool {
        self.0[usize::from(value / 64)] & (1 << (value % 64)) != 0
    }

    /// The smallest member at or above `from`.
    fn next_from(&self, from: u16) -> Option<u8> {
        (from..256).map(|v| v as u8).find(|v| self.contains(*v))
    }

    /// The end of the run of members that starts at `from` (a member).
    fn run_end(&self, from: u8) -> u8 {
        let mut last = from;
        while last < 255 && self.contains(last + 1) {
            last += 1;
        }
        last
    }

    fn len(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    fn is_full(&self) -> bool {
        self.0 == [u64::MAX; 4]
    }

    /// `*`, or the runs as `a` / `a-b` joined by commas.
    fn text(&self) -> String {
        if self.is_full() {
            return "*".to_owned();
        }
        let mut parts = Vec::new();
        let mut from = 0u16;
        while let Some(first) = self.next_from(from) {
            let last = self.run_end(first);
            parts.push(if first == last {
                first.to_string()
            } else {
                format!("{first}-{last}")
            });
            from = u16::from(last) + 1;
        }
        parts.join(",")
    }
}

/// An nmap-style IPv4 target: the product of four octet sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pattern {
    octets: [OctetSet; 4],
}

/// Why a pattern was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError(pub String);

impl Pattern {
    /// Parses `a.b.c.d` where each part is an octet spec; `None` when the text is not
    /// shaped like a pattern at all (not four dot-separated parts of digits, `-`, `*`, `,`).
    pub fn parse(text: &str) -> Option<Result<Pattern, PatternError>> {
        let parts: Vec<&str> = text.split('.').collect();
        let shaped = parts.len() == 4
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'*' | b','))
            });
        if !shaped {
            return None;
        }
        let mut octets = [OctetSet::EMPTY; 4];
        for (set, part) in octets.iter_mut().zip(&parts) {
            if let Err(why) = parse_octet_spec(part, set) {
                return Some(Err(why));
            }
        }
        Some(Ok(Pattern { octets }))
    }

    /// The number of addresses (at most 2^32).
    pub fn count(&self) -> u128 {
        self.octets.iter().map(|o| u128::from(o.len())).product()
    }

    /// The lowest and highest address.
    pub fn hull(&self) -> Range {
        let low = self.octets.map(|o| o.next_from(0).unwrap_or(0));
        let high = self
            .octets
            .map(|o| (0..=255u8).rev().find(|v| o.contains(*v)).unwrap_or(0));
        Range {
            family: Family::V4,
            first: u128::from(u32::from_be_bytes(low)),
            last: u128::from(u32::from_be_bytes(high)),
        }
    }

    /// The pattern as one range, if its addresses are consecutive.
    pub fn as_range(&self) -> Option<Range> {
        let mut ranges = self.ranges();
        let first = ranges.next()?;
        ranges.next().is_none().then_some(first)
    }

    /// Whether `addr` (an IPv4 address) is in the pattern.
    pub fn contains(&self, addr: u32) -> bool {
        self.octets
            .iter()
            .zip(addr.to_be_bytes())
            .all(|(set, octet)| set.contains(octet))
    }

    /// The addresses as maximal runs, ascending.
    pub fn ranges(&self) -> PatternRanges {
        PatternRanges {
            pattern: *self,
            head: self.first_head(),
            low: 0,
        }
    }

    /// Canonical text: each octet `*` or its runs (`10.0-3.1.1,3`).
    pub fn text(&self) -> String {
        let parts: Vec<String> = self.octets.iter().map(OctetSet::text).collect();
        parts.join(".")
    }

    /// The first three octets of the lowest address, as `a.b.c` packed in 24 bits.
    fn first_head(&self) -> Option<u32> {
        self.head_at_or_after([0, 0, 0])
    }

    /// The head after `head` (24 bits), in lexicographic order.
    fn head_after(&self, head: u32) -> Option<u32> {
        let [_, a, b, c] = head.to_be_bytes();
        self.head_at_or_after([u16::from(a), u16::from(b), u16::from(c) + 1])
    }

    /// The first head (a, b, c) in the pattern at or after `start`, in lexicographic order.
    fn head_at_or_after(&self, start: [u16; 3]) -> Option<u32> {
        let [o0, o1, o2, _] = &self.octets;
        let mut a = o0.next_from(start[0])?;
        let (mut from_b, mut from_c) = (start[1], start[2]);
        loop {
            if let Some(b) = o1.next_from(from_b) {
                let mut b = b;
                loop {
                    if let Some(c) = o2.next_from(from_c) {
                        return Some(u32::from_be_bytes([0, a, b, c]));
                    }
                    from_c = 0;
                    match o1.next_from(u16::from(b) + 1) {
                        Some(next) => b = next,
                        None => break,
                    }
                }
            }
            from_b = 0;
            from_c = 0;
            a = o0.next_from(u16::from(a) + 1)?;
        }
    }
}

/// One octet spec (`*`, `-`, `5`, `1-5`, `-5`, `5-`, or a comma list) into `set`.
fn parse_octet_spec(spec: &str, set: &mut OctetSet) -> Result<(), PatternError> {
    for item in spec.split(',') {
        let (first, last) = match item {
            "*" | "-" => (0, 255),
            _ => match item.split_once('-') {
                Some((a, b)) => (
                    if a.is_empty() { 0 } else { octet(a)? },
                    if b.is_empty() { 255 } else { octet(b)? },
                ),
                None => {
                    let v = octet(item)?;
                    (v, v)
                }
            },
        };
        if last < first {
            return Err(PatternError(format!(
                "octet range {item} ends before it starts"
            )));
        }
        set.insert_range(first, last);
    }
    Ok(())
}

/// A decimal octet as Python reads one: 1-3 digits, no leading zero, at most 255.
fn octet(text: &str) -> Result<u8, PatternError> {
    let ok = !text.is_empty()
        && text.len() <= 3
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    match text.parse::<u8>() {
        Ok(v) if ok => Ok(v),
        _ => Err(PatternError(format!(
            "{text:?} is not an octet (0-255, no leading zeros)"
        ))),
    }
}

/// The iterator returned by [`Pattern::ranges`]: runs of the last octet under each head
/// `a.b.c`, joined when one run ends at `.255` and the next head starts at `.0`.
pub struct PatternRanges {
    pattern: Pattern,
    head: Option<u32>,
    low: u16,
}

impl PatternRanges {
    /// The next run under the current head or a later one, not yet joined.
    fn next_run(&mut self) -> Option<(u32, u32)> {
        loop {
            let head = self.head?;
            let lows = &self.pattern.octets[3];
            if let Some(first) = lows.next_from(self.low) {
                let last = lows.run_end(first);
                self.low = u16::from(last) + 1;
                return Some((
                    (head << 8) | u32::from(first),
                    (head << 8) | u32::from(last),
                ));
            }
            self.head = self.pattern.head_after(head);
            self.low = 0;
        }
    }
}

impl Iterator for PatternRanges {
    type Item = Range;

    fn next(&mut self) -> Option<Range> {
        let (first, mut last) = self.next_run()?;
        // Join runs across heads while they touch (`10.0.0-1.*` is one range): a run that
        // reaches .255 used up its head, and the next head may start at .0 right after it.
        while last & 0xff == 0xff && self.pattern.octets[3].contains(0) {
            let head = last >> 8;
            let next = self.pattern.head_after(head);
            if next != Some(head + 1) {
                break;
            }
            self.head = next;
            self.low = 0;
            match self.next_run() {
                Some((_, run_last)) => last = run_last,
                None => break,
            }
        }
        Some(Range {
            family: Family::V4,
            first: u128::from(first),
            last: u128::from(last),
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn ranges(text: &str) -> Vec<(u32, u32)> {
        Pattern::parse(text)
            .expect("shaped")
            .expect("valid")
            .ranges()
            .map(|r| (r.first as u32, r.last as u32))
            .collect()
    }

    fn v4(a: [u8; 4]) -> u32 {
        u32::from_be_bytes(a)
    }

    #[test]
    fn nmap_forms() {
        assert_eq!(
            ranges("10.0.0.1-5"),
            [(v4([10, 0, 0, 1]), v4([10, 0, 0, 5]))]
        );
        assert_eq!(
            ranges("10.0.0.*"),
            [(v4([10, 0, 0, 0]), v4([10, 0, 0, 255]))]
        );
        assert_eq!(
            ranges("10.0.0-1.*"),
            [(v4([10, 0, 0, 0]), v4([10, 0, 1, 255]))]
        );
        assert_eq!(
            ranges("10.0-1.1.1,3"),
            [
                (v4([10, 0, 1, 1]), v4([10, 0, 1, 1])),
                (v4([10, 0, 1, 3]), v4([10, 0, 1, 3])),
                (v4([10, 1, 1, 1]), v4([10, 1, 1, 1])),
                (v4([10, 1, 1, 3]), v4([10, 1, 1, 3])),
            ]
        );
        assert_eq!(ranges("1.2.3.-2"), [(v4([1, 2, 3, 0]), v4([1, 2, 3, 2]))]);
        assert_eq!(
            ranges("1.2.3.254-"),
            [(v4([1, 2, 3, 254]), v4([1, 2, 3, 255]))]
        );
        assert_eq!(ranges("*.*.*.*"), [(0, u32::MAX)]);
        assert_eq!(
            Pattern::parse("10.0-3.1.3,1").unwrap().unwrap().text(),
            "10.0-3.1.1,3"
        );
    }

    #[test]
    fn bad_octets_are_named() {
        assert!(Pattern::parse("10.0.0").is_none());
        assert!(Pattern::parse("10.0.0.x").is_none());
        assert!(Pattern::parse("10.0.0.256").unwrap().is_err());
        assert!(Pattern::parse("10.0.0.5-1").unwrap().is_err());
        assert!(Pattern::parse("10.0.0.01").unwrap().is_err());
        assert!(Pattern::parse("10.0.0.1,,2").unwrap().is_err());
    }

    fn octet_spec() -> impl Strategy<Value = String> {
        let item = prop_oneof![
            Just("*".to_owned()),
            (0u8..=255).prop_map(|v| v.to_string()),
            (0u8..=255, 0u8..=255).prop_map(|(a, b)| format!("{}-{}", a.min(b), a.max(b))),
        ];
        prop::collection::vec(item, 1..3).prop_map(|items| items.join(","))
    }

    /// Octet specs for the first two octets stay small so a pattern has few heads.
    fn small_spec() -> impl Strategy<Value = String> {
        (0u8..=252, 0u8..3).prop_map(|(a, span)| {
            if span == 0 {
                a.to_string()
            } else {
                format!("{a}-{}", a + span)
            }
        })
    }

    proptest! {
        #[test]
        fn ranges_are_exactly_the_members(specs in (small_spec(), small_spec(), octet_spec(), octet_spec()).prop_map(|(a, b, c, d)| [a, b, c, d]), probes in prop::collection::vec(any::<u32>(), 20)) {
            let text = specs.join(".");
            let pattern = Pattern::parse(&text).unwrap().unwrap();
            let ranges: Vec<Range> = pattern.ranges().collect();
            // Sorted, disjoint, never touching, and as many addresses as the product.
            for pair in ranges.windows(2) {
                prop_assert!(pair[0].last + 1 < pair[1].first);
            }
            let total: u128 = ranges.iter().map(|r| r.last - r.first + 1).sum();
            prop_assert_eq!(total, pattern.count());
            for probe in probes {
                let inside = ranges.iter().any(|r| (r.first..=r.last).contains(&u128::from(probe)));
                prop_assert_eq!(inside, pattern.contains(probe));
            }
            // The canonical text reads back as the same set.
            prop_assert_eq!(Pattern::parse(&pattern.text()).unwrap().unwrap(), pattern);
        }

        #[test]
        fn parser_never_panics(text in "[0-9*,.-]{0,24}") {
            let _ = Pattern::parse(&text);
        }
    }
}

//! Sets of addresses as sorted, disjoint ranges: merging overlapping inputs (Python's
//! `collapse_addresses`) and taking excluded ranges away (`address_exclude`, kept sorted).
//! Memory grows with the number of inputs, never with the number of addresses.

use super::addr::Range;

/// Sorts `ranges` and merges those that overlap or touch, IPv4 before IPv6, in place.
pub fn merge(mut ranges: Vec<Range>) -> Vec<Range> {
    ranges.sort_unstable();
    let mut kept = 0;
    for i in 0..ranges.len() {
        let range = ranges[i];
        if kept > 0 && touch(&ranges[kept - 1], &range) {
            let prev = &mut ranges[kept - 1];
            prev.last = prev.last.max(range.last);
        } else {
            ranges[kept] = range;
            kept += 1;
        }
    }
    ranges.truncate(kept);
    ranges
}

/// True when `a` and `b` overlap or are adjacent, so their union is one range.
fn touch(a: &Range, b: &Range) -> bool {
    a.family == b.family
        && a.first <= b.last.saturating_add(1)
        && b.first <= a.last.saturating_add(1)
}

/// A union of ranges built one at a time, kept compact as it grows: a range that touches
/// the previous one is folded into it (so sorted input, such as an expansion, costs one
/// entry per run), and the whole set is merged again whenever it has doubled. Memory stays
/// within a small multiple of the number of disjoint ranges in the union.
#[derive(Debug, Default)]
pub struct Union {
    ranges: Vec<Range>,
    merged_len: usize,
}

impl Union {
    /// Adds `range` to the union.
    pub fn add(&mut self, range: Range) {
        match self.ranges.last_mut() {
            Some(last) if touch(last, &range) => {
                last.first = last.first.min(range.first);
                last.last = last.last.max(range.last);
            }
            _ => self.ranges.push(range),
        }
        if self.ranges.len() >= 2 * self.merged_len.max(1024) {
            self.ranges = merge(std::mem::take(&mut self.ranges));
            self.merged_len = self.ranges.len();
        }
    }

    /// The union as sorted, disjoint, non-adjacent ranges.
    pub fn into_sorted(self) -> Vec<Range> {
        merge(self.ranges)
    }

    /// The union as addresses to leave out.
    pub fn into_exclusions(self) -> Exclusions {
        Exclusions {
            ranges: self.into_sorted(),
        }
    }
}

/// Addresses to leave out, as sorted disjoint ranges.
#[derive(Debug, Clone, Default)]
pub struct Exclusions {
    ranges: Vec<Range>,
}

impl Exclusions {
    /// The union of these ranges (see also [`Union::into_exclusions`]).
    pub fn new(ranges: Vec<Range>) -> Exclusions {
        Exclusions {
            ranges: merge(ranges),
        }
    }

    /// What is left of `range` once the exclusions are taken away, lowest first.
    pub fn remove_from(&self, range: Range) -> Remainder<'_> {
        let start = self
            .ranges
            .partition_point(|e| (e.family, e.last) < (range.family, range.first));
        Remainder {
            rest: Some(range),
            exclusions: &self.ranges[start..],
        }
    }
}

/// The iterator returned by [`Exclusions::remove_from`].
pub struct Remainder<'a> {
    rest: Option<Range>,
    exclusions: &'a [Range],
}

impl Iterator for Remainder<'_> {
    type Item = Range;

    fn next(&mut self) -> Option<Range> {
        loop {
            let rest = self.rest?;
            let Some((cut, later)) = self.exclusions.split_first() else {
                self.rest = None;
                return Some(rest);
            };
            if cut.family != rest.family || cut.first > rest.last {
                self.rest = None;
                return Some(rest);
            }
            self.exclusions = later;
            // `cut` overlaps `rest` (the exclusions before it ended before `rest.first`).
            self.rest = (cut.last < rest.last).then(|| Range {
                first: cut.last + 1,
                ..rest
            });
            if cut.first > rest.first {
                return Some(Range {
                    last: cut.first - 1,
                    ..rest
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::addr::Family;
    use super::*;

    fn r(first: u128, last: u128) -> Range {
        Range {
            family: Family::V4,
            first,
            last,
        }
    }

    #[test]
    fn merge_joins_overlapping_and_adjacent_ranges() {
        let merged = merge(vec![r(10, 20), r(0, 4), r(5, 6), r(15, 30), r(40, 41)]);
        assert_eq!(merged, vec![r(0, 6), r(10, 30), r(40, 41)]);
    }

    #[test]
    fn union_stays_compact_on_sorted_and_shuffled_input() {
        let mut sorted = Union::default();
        for i in 0..100_000 {
            sorted.add(r(i, i));
        }
        assert_eq!(sorted.ranges.len(), 1);
        assert_eq!(sorted.into_sorted(), vec![r(0, 99_999)]);
        // Every other address, in a scrambled order: 5000 disjoint ranges in the end.
        let mut scrambled = Union::default();
        for i in 0..10_000u128 {
            let x = (i * 7919) % 10_000;
            if x % 2 == 0 {
                scrambled.add(r(x, x));
            }
            assert!(scrambled.ranges.len() <= 2 * 5_000 + 1);
        }
        let got = scrambled.into_sorted();
        assert_eq!(got.len(), 5_000);
        assert_eq!(got[1], r(2, 2));
    }

    #[test]
    fn families_never_merge() {
        let v6 = Range {
            family: Family::V6,
            first: 0,
            last: 5,
        };
        assert_eq!(merge(vec![v6, r(0, 5)]), vec![r(0, 5), v6]);
    }

    #[test]
    fn remove_cuts_holes() {
        let ex = Exclusions::new(vec![r(0, 2), r(5, 6), r(9, 9), r(20, 30)]);
        let left: Vec<_> = ex.remove_from(r(1, 12)).collect();
        assert_eq!(left, vec![r(3, 4), r(7, 8), r(10, 12)]);
        assert_eq!(ex.remove_from(r(21, 29)).count(), 0);
        assert_eq!(
            ex.remove_from(r(31, 40)).collect::<Vec<_>>(),
            vec![r(31, 40)]
        );
    }
}

//! `--match` (grepcidr): print the lines of text that hold an address inside one of the
//! given networks, or with `--invert` the others; `--only-matching` prints the addresses,
//! `--count-matches` the number of selected lines.
//!
//! The networks become a sorted table of disjoint ranges per family, so memory follows the
//! number of networks and a lookup is one binary search, O(log n).

use std::io::{self, Write};

use super::addr::{Family, Range};
use super::extract::each_text_source;
use super::input::{Policy, Source};
use super::scan::{BlockScan, Event};
use super::set::merge;

/// Sorted, disjoint, non-touching ranges of each family. IPv4 lookups start from a
/// 65,536-entry index by the top 16 bits (256 KiB, built only when there are IPv4 ranges):
/// most /16 blocks are wholly inside or outside the networks and need no search at all.
#[derive(Debug, Clone, Default)]
pub struct RangeTable {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
    v4_index: Vec<u32>,
}

/// In `v4_index`: the /16 is wholly inside a range, or touches none.
const ALL: u32 = 1 << 31;
const NONE: u32 = 1 << 30;

impl RangeTable {
    /// The table of the union of `ranges`.
    pub fn new(ranges: Vec<Range>) -> RangeTable {
        let mut table = RangeTable::default();
        for range in merge(ranges) {
            match range.family {
                Family::V4 => table.v4.push((range.first as u32, range.last as u32)),
                Family::V6 => table.v6.push((range.first, range.last)),
            }
        }
        if !table.v4.is_empty() {
            table.v4_index = (0..=u16::MAX).map(|top| table.index_entry(top)).collect();
        }
        table
    }

    /// The first range that ends in or after the /16 `top`, with the ALL or NONE flag.
    fn index_entry(&self, top: u16) -> u32 {
        let (low, high) = (u32::from(top) << 16, (u32::from(top) << 16) | 0xffff);
        let i = self.v4.partition_point(|(_, last)| *last < low);
        match self.v4.get(i) {
            None => NONE,
            Some((first, _)) if *first > high => NONE,
            Some((first, last)) if *first <= low && *last >= high => ALL,
            Some(_) => i as u32,
        }
    }

    /// Whether `addr` lies in one of the ranges.
    pub fn contains(&self, family: Family, addr: u128) -> bool {
        match family {
            Family::V4 => {
                let addr = addr as u32;
                match self.v4_index.get((addr >> 16) as usize) {
                    Some(&ALL) => true,
                    Some(&NONE) | None => false,
                    Some(&i) => in_sorted(&self.v4[i as usize..], addr),
                }
            }
            Family::V6 => in_sorted(&self.v6, addr),
        }
    }
}

fn in_sorted<T: Ord + Copy>(ranges: &[(T, T)], addr: T) -> bool {
    let after = ranges.partition_point(|(first, _)| *first <= addr);
    after > 0 && addr <= ranges[after - 1].1
}

/// A `--match` run.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub table: RangeTable,
    pub invert: bool,
    pub only_matching: bool,
    pub count_matches: bool,
    pub policy: Policy,
}

impl Matcher {
    /// Runs over `sources`, writing to `sink`; exit status 1 (no message) when no line was
    /// selected, as grep and grepcidr do.
    pub fn run(
        &self,
        sources: &[Source],
        accept: &dyn Fn(Family, u128) -> bool,
        sink: impl Write,
    ) -> anyhow::Result<()> {
        let mut out = io::BufWriter::with_capacity(256 * 1024, sink);
        let mut selected: u64 = 0;
        each_text_source(sources, &self.policy, |_, block, _| {
            selected += self.one_block(block, accept, &mut out)?;
            Ok(true)
        })?;
        if self.count_matches {
            writeln!(out, "{selected}")?;
        }
        out.flush()?;
        if selected == 0 {
            return Err(crate::exit::Silent(1).into());
        }
        Ok(())
    }

    /// Handles a block of whole lines; returns how many were selected.
    fn one_block(
        &self,
        block: &[u8],
        accept: &dyn Fn(Family, u128) -> bool,
        out: &mut impl Write,
    ) -> io::Result<u64> {
        let inside = |family, addr| self.table.contains(family, addr) && accept(family, addr);
        let print_hits = self.only_matching && !self.invert && !self.count_matches;
        let print_lines = !self.only_matching && !self.count_matches;
        let (mut selected, mut line_start, mut matched) = (0, 0, false);
        let mut scan = BlockScan::new(block);
        while let Some(event) = scan.next() {
            match event {
                Event::Hit(hit) => {
                    if !inside(hit.family, hit.addr) {
                        continue;
                    }
                    matched = true;
                    if print_hits {
                        out.write_all(&block[hit.start..hit.end])?;
                        out.write_all(b"\n")?;
                    } else {
                        // One matching address decides the line.
                        scan.skip_line();
                    }
                }
                Event::LineEnd(end) => {
                    if matched != self.invert {
                        selected += 1;
                        if print_lines {
                            out.write_all(&block[line_start..=end])?;
                        }
                    }
                    line_start = end + 1;
                    matched = false;
                }
            }
        }
        Ok(selected)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn table_agrees_with_a_linear_scan(
            ranges in prop::collection::vec((0u32..200_000, prop_oneof![0u32..300, 0u32..150_000]), 0..40),
            probes in prop::collection::vec(prop_oneof![0u32..6000, 0u32..300_000], 50),
        ) {
            let ranges: Vec<Range> = ranges.iter().map(|(first, len)| Range {
                family: Family::V4,
                first: u128::from(*first),
                last: u128::from(first + len),
            }).collect();
            let table = RangeTable::new(ranges.clone());
            for probe in probes {
                let want = ranges.iter().any(|r| r.first <= u128::from(probe) && u128::from(probe) <= r.last);
                prop_assert_eq!(table.contains(Family::V4, u128::from(probe)), want);
                prop_assert!(!table.contains(Family::V6, u128::from(probe)));
            }
        }
    }
}

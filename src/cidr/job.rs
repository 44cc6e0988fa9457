//! The modes of `cidr-expand` over a stream of entries: expand (optionally `--unique`,
//! `--shuffle` or `--step`), `--count`, `--aggregate`, `--split`, `--index`, `--info`,
//! `--sort` and `--contains`. Expand, count, split, index, info and contains handle each
//! entry as it is read; aggregate, unique, shuffle and the union counts first build the
//! union of the entries (memory grows with the number of disjoint ranges in it, never with
//! the number of addresses); sort holds the entries. Nothing ever holds an expansion.
//! Entries come from arguments and lines, or with `--extract` from addresses found in text,
//! and `--filter` keeps those of the chosen address types.

use std::io::Write;

use super::addr::{Family, Network, Range, summarize};
use super::count::Count;
use super::extract::each_extracted;
use super::format::Style;
use super::info::info_record;
use super::input::{Policy, Problem, Source};
use super::output::{Layout, Output, json_string};
use super::parse::Entry;
use super::set::{Exclusions, Union};
use super::shuffle::Permutation;
use super::special::Predicate;
use super::split::{Split, each_split};

/// What to do with the entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every address of each entry, in input order.
    Expand,
    /// Every address of the union of the entries, sorted, each once.
    Unique,
    /// Every address of the union of the entries, each once, in an order chosen by `seed`.
    Shuffle { seed: u64 },
    /// The number of addresses per entry (or of their union), then the total.
    Count(Counting),
    /// The fewest networks covering all entries.
    Aggregate,
    /// The subnets of each entry.
    Split(Split),
    /// One address of each entry.
    Index(Index),
    /// ipcalc-style facts about each entry.
    Info,
    /// The entries sorted, not merged.
    Sort,
    /// The entries that contain this address.
    Contains(Family, u128),
}

/// What `--count` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counting {
    /// Per entry, per network of the union (`--aggregate`), or the union's size alone
    /// (`--unique`).
    pub of: CountOf,
    /// Only the total (`--total`).
    pub total_only: bool,
}

/// See [`Counting`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountOf {
    Entries,
    Aggregate,
    Unique,
}

/// A `--filter`: a predicate, or its negation (`!private`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filter {
    pub predicate: Predicate,
    pub negated: bool,
}

impl Filter {
    /// Whether `entry` passes: a single address is judged as an address, anything larger
    /// by its first and last addresses, as a Python network.
    pub fn passes(&self, entry: &Entry) -> bool {
        self.predicate.holds(entry.hull()) != self.negated
    }
}

/// Where entries come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Entries as written, in arguments and lines.
    Entries,
    /// Addresses and CIDRs found in text (`--extract`).
    Extract,
}

/// A position in a network, counted from the end when negative (`net[-1]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Index {
    pub from_end: bool,
    pub magnitude: u128,
}

impl std::fmt::Display for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.from_end { "-" } else { "" };
        write!(f, "{sign}{}", self.magnitude)
    }
}

/// A validated `cidr-expand` run.
#[derive(Debug, Clone)]
pub struct Job {
    pub mode: Mode,
    /// Python's `hosts()` instead of every address of a network.
    pub hosts: bool,
    pub policy: Policy,
    pub exclusions: Exclusions,
    /// At most this many records.
    pub limit: Option<u128>,
    pub style: Style,
    pub json: bool,
    /// Between records of plain output.
    pub delimiter: Vec<u8>,
    /// Whether the delimiter also ends the last record.
    pub terminated: bool,
    /// Every N-th address in expand mode (prips -i).
    pub step: Option<u128>,
    pub filters: Vec<Filter>,
    pub input: Input,
}

impl Job {
    /// Runs the job over `sources`, writing to `sink`.
    pub fn run(&self, sources: &[Source], sink: impl Write) -> anyhow::Result<()> {
        let mut out = Output::new(sink, self.layout(), self.style, self.limit);
        let result = self.run_into(sources, &mut out);
        match result {
            Ok(()) => Ok(out.finish()?),
            Err(err) => {
                // Deliver what was produced before the bad entry; its error is what matters.
                let _ = out.flush_partial();
                Err(err)
            }
        }
    }

    fn layout(&self) -> Layout {
        let lists_addresses = matches!(
            self.mode,
            Mode::Expand | Mode::Unique | Mode::Shuffle { .. } | Mode::Index(_)
        );
        let one_value = matches!(
            self.mode,
            Mode::Count(Counting {
                of: CountOf::Unique,
                ..
            }) | Mode::Count(Counting {
                total_only: true,
                ..
            })
        );
        match (self.json, self.mode) {
            (true, _) if lists_addresses || one_value => Layout::json_lines(),
            (true, _) => Layout::json_array(),
            (false, Mode::Count(_)) => Layout::delimited(b"\n", true),
            (false, Mode::Info) => Layout::delimited(b"\n\n", false),
            (false, _) => Layout::delimited(&self.delimiter, self.terminated),
        }
    }

    fn run_into<W: Write>(&self, sources: &[Source], out: &mut Output<W>) -> anyhow::Result<()> {
        match self.mode {
            Mode::Expand => self.expand(sources, out),
            Mode::Unique => self.unique(sources, out),
            Mode::Shuffle { seed } => self.shuffle(sources, seed, out),
            Mode::Count(counting) => self.count(sources, counting, out),
            Mode::Aggregate => self.aggregate(sources, out),
            Mode::Split(split) => self.split(sources, split, out),
            Mode::Index(index) => self.index(sources, index, out),
            Mode::Info => self.info(sources, out),
            Mode::Sort => self.sort(sources, out),
            Mode::Contains(family, addr) => self.contains(sources, family, addr, out),
        }
    }

    /// Hands each entry of `sources` that passes the filters to `visit`.
    fn each_entry(
        &self,
        sources: &[Source],
        mut visit: impl FnMut(&Entry) -> Result<bool, Problem>,
    ) -> anyhow::Result<()> {
        let mut filtered = |entry: &Entry| {
            if self.filters.iter().all(|f| f.passes(entry)) {
                visit(entry)
            } else {
                Ok(true)
            }
        };
        match self.input {
            Input::Entries => self.policy.each_entry(sources, filtered),
            Input::Extract => each_extracted(sources, &self.policy, &mut filtered),
        }
    }

    /// The addresses each entry leaves once the exclusions are taken away.
    fn pieces<'a>(&'a self, entry: &Entry) -> impl Iterator<Item = Range> + 'a {
        entry
            .ranges(self.hosts)
            .flat_map(|range| self.exclusions.remove_from(range))
    }

    fn expand<W: Write>(&self, sources: &[Source], out: &mut Output<W>) -> anyhow::Result<()> {
        self.each_entry(sources, |entry| {
            let start = entry.ranges(self.hosts).next().map_or(0, |r| r.first);
            for piece in self.pieces(entry) {
                let more = match self.step {
                    Some(step) => {
                        each_step(piece, start, step, |family, addr| out.address(family, addr))?
                    }
                    None => out.run(piece)?,
                };
                if !more {
                    return Ok(false);
                }
            }
            Ok(true)
        })
    }

    fn unique<W: Write>(&self, sources: &[Source], out: &mut Output<W>) -> anyhow::Result<()> {
        for piece in self.union(sources)? {
            if !out.run(piece)? {
                break;
            }
        }
        Ok(())
    }

    fn count<W: Write>(
        &self,
        sources: &[Source],
        counting: Counting,
        out: &mut Output<W>,
    ) -> anyhow::Result<()> {
        let mut total = Count::ZERO;
        let mut record = |out: &mut Output<W>, name: String, count: Count| {
            total = total.plus(count);
            if counting.total_only || counting.of == CountOf::Unique {
                return Ok(true);
            }
            out.raw_record(self.count_record(&name, count).as_bytes())
        };
        match counting.of {
            CountOf::Entries => self.each_entry(sources, |entry| {
                let count = self
                    .pieces(entry)
                    .fold(Count::ZERO, |sum, piece| sum.plus(piece.count()));
                Ok(record(out, entry.canonical(), count)?)
            })?,
            CountOf::Aggregate | CountOf::Unique => {
                for piece in self.union(sources)? {
                    for net in summarize(piece) {
                        record(out, super::parse::network_text(net), net.range().count())?;
                    }
                }
            }
        }
        let total = match (
            self.json,
            counting.total_only || counting.of == CountOf::Unique,
        ) {
            (_, true) => total.to_string(),
            (true, false) => format!("{{\"total\":{total}}}"),
            (false, false) => format!("total {total}"),
        };
        out.raw_record(total.as_bytes())?;
        Ok(())
    }

    fn aggregate<W: Write>(&self, sources: &[Source], out: &mut Output<W>) -> anyhow::Result<()> {
        for piece in self.union(sources)? {
            for net in summarize(piece) {
                if !out.network(net)? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn split<W: Write>(
        &self,
        sources: &[Source],
        split: Split,
        out: &mut Output<W>,
    ) -> anyhow::Result<()> {
        self.each_entry(sources, |entry| {
            let net = single_network(entry, "cannot be split")?;
            each_split(net, split, |sub| Ok(out.network(sub)?))
        })
    }

    fn index<W: Write>(
        &self,
        sources: &[Source],
        index: Index,
        out: &mut Output<W>,
    ) -> anyhow::Result<()> {
        self.each_entry(sources, |entry| {
            let total = entry
                .ranges(self.hosts)
                .fold(Count::ZERO, |sum, r| sum.plus(r.count()));
            let family = entry.family();
            let addr = pick(entry.ranges(self.hosts), index, total).ok_or_else(|| {
                Problem::Invalid(format!(
                    "index {index} is out of range for {total} addresses"
                ))
            })?;
            Ok(out.address(family, addr)?)
        })
    }

    fn info<W: Write>(&self, sources: &[Source], out: &mut Output<W>) -> anyhow::Result<()> {
        self.each_entry(sources, |entry| {
            let net = single_network(entry, "has no netmask")?;
            let address = match entry {
                Entry::Network { address, .. } => *address,
                _ => net.addr,
            };
            Ok(out.raw_record(info_record(net, address, self.json).as_bytes())?)
        })
    }

    /// The entries sorted by family, first and last address; duplicates kept.
    fn sort<W: Write>(&self, sources: &[Source], out: &mut Output<W>) -> anyhow::Result<()> {
        let mut entries = Vec::new();
        self.each_entry(sources, |entry| {
            entries.push(*entry);
            Ok(true)
        })?;
        entries.sort_by_key(|entry| {
            let hull = entry.hull();
            (hull.family, hull.first, std::cmp::Reverse(hull.last))
        });
        for entry in &entries {
            if !self.entry_record(entry, out)? {
                break;
            }
        }
        Ok(())
    }

    /// The entries holding `addr`; exit status 1 (and no message) when there are none.
    fn contains<W: Write>(
        &self,
        sources: &[Source],
        family: Family,
        addr: u128,
        out: &mut Output<W>,
    ) -> anyhow::Result<()> {
        let mut found = false;
        self.each_entry(sources, |entry| {
            if !entry.contains(family, addr) {
                return Ok(true);
            }
            found = true;
            Ok(self.entry_record(entry, out)?)
        })?;
        if found {
            Ok(())
        } else {
            Err(crate::exit::Silent(1).into())
        }
    }

    /// One entry as a record: a network in the chosen style, anything else canonical.
    fn entry_record<W: Write>(&self, entry: &Entry, out: &mut Output<W>) -> std::io::Result<bool> {
        match entry {
            Entry::Network { net, .. } => out.network(*net),
            Entry::Range(range) if self.style == Style::Range => out.range(*range),
            _ if self.json => out.raw_record(json_string(&entry.canonical()).as_bytes()),
            _ => out.raw_record(entry.canonical().as_bytes()),
        }
    }

    fn count_record(&self, input: &str, count: Count) -> String {
        if self.json {
            format!("{{\"input\":{},\"count\":{count}}}", json_string(input))
        } else {
            format!("{input} {count}")
        }
    }

    /// The union of all entries minus the exclusions, as sorted disjoint ranges.
    fn union(&self, sources: &[Source]) -> anyhow::Result<Vec<Range>> {
        let mut union = Union::default();
        self.each_entry(sources, |entry| {
            entry.ranges(self.hosts).for_each(|range| union.add(range));
            Ok(true)
        })?;
        Ok(union
            .into_sorted()
            .into_iter()
            .flat_map(|range| self.exclusions.remove_from(range))
            .collect())
    }

    /// Every address of the union, each once, in a keyed pseudo-random order: a permutation
    /// of the index space `0..total`, each index mapped back to its range.
    fn shuffle<W: Write>(
        &self,
        sources: &[Source],
        seed: u64,
        out: &mut Output<W>,
    ) -> anyhow::Result<()> {
        let pieces = self.union(sources)?;
        let total = pieces
            .iter()
            .fold(Count::ZERO, |sum, piece| sum.plus(piece.count()));
        if total > Count::span(0, u128::MAX) {
            anyhow::bail!("--shuffle handles at most 2^128 addresses in all, not {total}");
        }
        let Some(last_piece) = pieces.last() else {
            return Ok(());
        };
        // Where each piece starts in the index space; no sum overflows since total <= 2^128.
        let mut starts = Vec::with_capacity(pieces.len());
        let mut start = 0u128;
        for piece in &pieces {
            starts.push(start);
            if piece != last_piece {
                start += piece.span_minus_one() + 1;
            }
        }
        let max_index = start + last_piece.span_minus_one();
        let permutation = Permutation::new(max_index, seed);
        let mut i: u128 = 0;
        loop {
            let index = permutation.at(i);
            let k = starts.partition_point(|start| *start <= index) - 1;
            let piece = pieces[k];
            if !out.address(piece.family, piece.first + (index - starts[k]))? {
                return Ok(());
            }
            if i == max_index {
                return Ok(());
            }
            i += 1;
        }
    }
}

/// The entry as one network, or an error saying what a range that is not one `cannot`.
fn single_network(entry: &Entry, cannot: &str) -> Result<Network, Problem> {
    entry.network().ok_or_else(|| {
        Problem::Invalid(format!(
            "a range that is not a single network {cannot}; --aggregate turns it into networks"
        ))
    })
}

/// The address at `index` of `ranges` (ascending, `total` addresses in all).
fn pick(ranges: impl Iterator<Item = Range>, index: Index, total: Count) -> Option<u128> {
    let total = total.to_u128();
    // A position counted from the start; past 2^128 - 1 only -N can still land.
    let mut offset = match (index.from_end, total) {
        (false, _) => index.magnitude,
        (true, Some(total)) if index.magnitude >= 1 && index.magnitude <= total => {
            total - index.magnitude
        }
        (true, None) if index.magnitude >= 1 => {
            // Exactly 2^128 addresses: position 2^128 - m.
            (u128::MAX - index.magnitude) + 1
        }
        _ => return None,
    };
    for range in ranges {
        let span = range.span_minus_one();
        if offset <= span {
            return Some(range.first + offset);
        }
        offset -= span + 1;
    }
    None
}

/// Calls `visit` with every address of `piece` that is `start` plus a multiple of `step`,
/// until it returns false.
fn each_step(
    piece: Range,
    start: u128,
    step: u128,
    mut visit: impl FnMut(Family, u128) -> std::io::Result<bool>,
) -> std::io::Result<bool> {
    let behind = (piece.first - start.min(piece.first)) % step;
    let Some(mut addr) = piece
        .first
        .checked_add(if behind == 0 { 0 } else { step - behind })
    else {
        return Ok(true);
    };
    while addr <= piece.last {
        if !visit(piece.family, addr)? {
            return Ok(false);
        }
        match addr.checked_add(step) {
            Some(next) => addr = next,
            None => break,
        }
    }
    Ok(true)
}

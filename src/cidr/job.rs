//! The modes of `cidr-expand` over a stream of entries: expand (optionally `--unique` or
//! `--shuffle`), `--count`, `--aggregate`, `--split`, `--index` and `--info`. Expand, count,
//! split, index and info handle each entry as it is read; aggregate, unique and shuffle
//! first build the union of the entries (memory grows with the number of disjoint ranges
//! in it, never with the number of addresses). Nothing ever holds an expansion.

use std::io::Write;

use super::addr::{Network, Range, summarize};
use super::count::Count;
use super::format::{Style, address_text};
use super::input::{Policy, Problem, Source};
use super::output::{Layout, Output};
use super::parse::{Entry, network_text};
use super::set::{Exclusions, Union};
use super::shuffle::Permutation;

/// What to do with the entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every address of each entry, in input order.
    Expand,
    /// Every address of the union of the entries, sorted, each once.
    Unique,
    /// Every address of the union of the entries, each once, in an order chosen by `seed`.
    Shuffle { seed: u64 },
    /// The number of addresses per entry, then the total.
    Count,
    /// The fewest networks covering all entries.
    Aggregate,
    /// The subnets of each entry.
    Split(Split),
    /// One address of each entry.
    Index(Index),
    /// ipcalc-style facts about each entry.
    Info,
}

/// How `--split` cuts a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Into subnets of this prefix length.
    Prefix(u8),
    /// Into 2^N subnets.
    Parts { extra_bits: u8 },
}

/// A position in a network, counted from the end when negative (`net[-1]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Index {
    pub from_end: bool,
    pub magnitude: u128,
}

impl Index {
    /// The address at this position of `range`, if there is one.
    pub fn pick(&self, range: Range) -> Option<u128> {
        let span = range.span_minus_one();
        match (self.from_end, self.magnitude) {
            (false, i) if i <= span => Some(range.first + i),
            (true, m) if m >= 1 && m - 1 <= span => Some(range.last - (m - 1)),
            _ => None,
        }
    }
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
        match (self.json, self.mode) {
            (true, _) if lists_addresses => Layout::json_lines(),
            (true, _) => Layout::json_array(),
            (false, Mode::Count) => Layout::delimited(b"\n"),
            (false, Mode::Info) => Layout::delimited(b"\n\n"),
            (false, _) => Layout::delimited(&self.delimiter),
        }
    }

    fn run_into<W: Write>(&self, sources: &[Source], out: &mut Output<W>) -> anyhow::Result<()> {
        match self.mode {
            Mode::Expand => self.expand(sources, out),
            Mode::Unique => self.unique(sources, out),
            Mode::Shuffle { seed } => self.shuffle(sources, seed, out),
            Mode::Count => self.count(sources, out),
            Mode::Aggregate => self.aggregate(sources, out),
            Mode::Split(split) => self.split(sources, split, out),
            Mode::Index(index) => self.index(sources, index, out),
            Mode::Info => self.info(sources, out),
        }
    }

    /// The addresses each entry leaves once the exclusions are taken away.
    fn pieces(&self, entry: &Entry) -> impl Iterator<Item = Range> + '_ {
        self.exclusions.remove_from(entry.addresses(self.hosts))
    }

    fn expand<W: Write>(&self, sources: &[Source], out: &mut Output<W>) -> anyhow::Result<()> {
        self.policy.each_entry(sources, |entry| {
            for piece in self.pieces(entry) {
                if !out.addresses(piece)? {
                    return Ok(false);
                }
            }
            Ok(true)
        })
    }

    fn unique<W: Write>(&self, sources: &[Source], out: &mut Output<W>) -> anyhow::Result<()> {
        for piece in self.union(sources)? {
            if !out.addresses(piece)? {
                break;
            }
        }
        Ok(())
    }

    fn count<W: Write>(&self, sources: &[Source], out: &mut Output<W>) -> anyhow::Result<()> {
        let mut total = Count::ZERO;
        self.policy.each_entry(sources, |entry| {
            let count = self
                .pieces(entry)
                .fold(Count::ZERO, |sum, piece| sum.plus(piece.count()));
            total = total.plus(count);
            out.raw_record(self.count_record(&entry.canonical(), count).as_bytes())?;
            Ok(true)
        })?;
        let total = if self.json {
            format!("{{\"total\":{total}}}")
        } else {
            format!("total {total}")
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
        self.policy.each_entry(sources, |entry| {
            let (net, prefix) = split_plan(entry, split)?;
            Ok(each_subnet(net, prefix, |sub| out.network(sub))?)
        })
    }

    fn index<W: Write>(
        &self,
        sources: &[Source],
        index: Index,
        out: &mut Output<W>,
    ) -> anyhow::Result<()> {
        self.policy.each_entry(sources, |entry| {
            let range = entry.addresses(self.hosts);
            let addr = index.pick(range).ok_or_else(|| {
                Problem::Invalid(format!(
                    "index {index} is out of range for {} addresses",
                    range.count()
                ))
            })?;
            Ok(out.address(range.family, addr)?)
        })
    }

    fn info<W: Write>(&self, sources: &[Source], out: &mut Output<W>) -> anyhow::Result<()> {
        self.policy.each_entry(sources, |entry| {
            let net = single_network(entry, "has no netmask")?;
            let address = match entry {
                Entry::Network { address, .. } => *address,
                Entry::Range(range) => range.first,
            };
            Ok(out.raw_record(info_record(net, address, self.json).as_bytes())?)
        })
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
        self.policy.each_entry(sources, |entry| {
            union.add(entry.addresses(self.hosts));
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

/// The network to split and the new prefix length, or why the entry cannot be split.
fn split_plan(entry: &Entry, split: Split) -> Result<(Network, u8), Problem> {
    let net = single_network(entry, "cannot be split")?;
    let bits = net.family.bits();
    let prefix = match split {
        Split::Prefix(prefix) => u32::from(prefix),
        Split::Parts { extra_bits } => u32::from(net.prefix) + u32::from(extra_bits),
    };
    if prefix > u32::from(bits) {
        return Err(Problem::Invalid(format!(
            "cannot split into /{prefix}: {} allows at most /{bits}",
            net.family.name()
        )));
    }
    if prefix < u32::from(net.prefix) {
        return Err(Problem::Invalid(format!(
            "cannot split a /{} into /{prefix}s: the new prefix must be /{} or longer",
            net.prefix, net.prefix
        )));
    }
    Ok((net, prefix as u8))
}

/// Calls `visit` with each /`prefix` subnet of `net`, in order, until it returns false.
fn each_subnet(
    net: Network,
    prefix: u8,
    mut visit: impl FnMut(Network) -> std::io::Result<bool>,
) -> std::io::Result<bool> {
    let mut sub = Network { prefix, ..net };
    let last = net.last();
    loop {
        if !visit(sub)? {
            return Ok(false);
        }
        let sub_last = sub.last();
        if sub_last >= last {
            return Ok(true);
        }
        sub.addr = sub_last + 1;
    }
}

/// The `--info` record of a network: ipcalc-style text, or a JSON object.
fn info_record(net: Network, address: u128, json: bool) -> String {
    let hosts = net.hosts();
    let text = |addr| address_text(net.family, addr);
    let fields = [
        ("network", network_text(net)),
        ("address", text(address)),
        ("netmask", text(net.netmask())),
        ("hostmask", text(net.hostmask())),
        ("broadcast", text(net.last())),
        ("first_host", text(hosts.first)),
        ("last_host", text(hosts.last)),
    ];
    let numbers = [
        ("prefix", net.prefix.to_string()),
        ("num_addresses", net.range().count().to_string()),
        ("num_hosts", hosts.count().to_string()),
        ("version", net.family.version().to_string()),
    ];
    if json {
        let parts: Vec<String> = fields
            .iter()
            .map(|(key, value)| format!("\"{key}\":{}", json_string(value)))
            .chain(
                numbers
                    .iter()
                    .map(|(key, value)| format!("\"{key}\":{value}")),
            )
            .collect();
        format!("{{{}}}", parts.join(","))
    } else {
        let lines: Vec<String> = fields
            .iter()
            .chain(numbers.iter())
            .map(|(key, value)| format!("{:<14} {value}", format!("{key}:")))
            .collect();
        lines.join("\n")
    }
}

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

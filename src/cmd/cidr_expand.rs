//! `tackle cidr-expand`: expand, count, aggregate, split and exclude IPv4/IPv6 networks,
//! after Python's `ipaddress` (`ip_network`, `hosts()`, `ip_interface(...).network`,
//! `collapse_addresses`, `address_exclude`, `subnets`). This file owns the flags and turns
//! them into a [`Job`]; the work happens in `crate::cidr`.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use anyhow::Context;
use clap::ArgGroup;

use crate::cidr::format::Style;
use crate::cidr::input::{Origin, Policy, Problem, sources};
use crate::cidr::job::{Index, Job, Mode, Split};
use crate::cidr::parse::parse_entry;
use crate::cidr::set::{Exclusions, Union};
use crate::exit;

const EXAMPLES: &str = "\
Entries: a network (10.0.0.0/24, 2001:db8::/120, 10.0.0.0/255.255.255.0), an address
(a /32 or /128), an address with host bits set (123.45.67.73/27 means its network unless
--strict), or a range (10.0.0.5-10.0.0.20). With no ENTRY, or where one is `-`, entries are
read from stdin, one per line; blank lines and # comments are skipped.

Examples:
  tackle cidr-expand 123.45.67.64/27
  tackle cidr-expand --count 2001:db8::/64
  tackle cidr-expand --aggregate < networks.txt
  tackle cidr-expand --exclude 10.0.0.64/26 --aggregate 10.0.0.0/24
  tackle cidr-expand --shuffle --seed 7 --limit 5 10.0.0.0/8";

/// Expand, count, aggregate, split and exclude IPv4/IPv6 networks.
///
/// Prints every address of each entry, one per line, in input order, streaming: memory
/// stays constant whatever the size (`tackle cidr-expand ::/0 | head` is fine). The mode
/// flags replace that with one other job; exit status 1 names a bad entry and where it was.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
#[command(group(
    ArgGroup::new("mode")
        .args(["count", "aggregate", "split", "split_count", "index", "info", "unique", "shuffle"])
        .multiple(false)
))]
pub struct Args {
    /// Networks, addresses or ranges; `-` reads them from stdin (the default)
    #[arg(value_name = "ENTRY")]
    pub entries: Vec<String>,

    /// Only usable hosts, as Python's hosts(): IPv4 drops the network and broadcast
    /// addresses (except /31, /32), IPv6 the Subnet-Router anycast (except /127, /128);
    /// ranges are kept whole
    #[arg(long, conflicts_with_all = ["split", "split_count", "info"])]
    pub hosts: bool,

    /// Print the number of addresses of each entry, then a total line
    #[arg(long)]
    pub count: bool,

    /// Print the fewest networks covering all entries, sorted, IPv4 first
    #[arg(long)]
    pub aggregate: bool,

    /// Leave out this network, address or range (repeatable)
    #[arg(long, value_name = "ENTRY", conflicts_with_all = ["split", "split_count", "index", "info"])]
    pub exclude: Vec<String>,

    /// Leave out the entries listed in FILE, one per line
    #[arg(long, value_name = "FILE", conflicts_with_all = ["split", "split_count", "index", "info"])]
    pub exclude_file: Option<PathBuf>,

    /// Print the subnets of each network with this prefix length (/26 or 26)
    #[arg(long, value_name = "PREFIX", value_parser = parse_split_prefix)]
    pub split: Option<u8>,

    /// Split each network into N equal subnets (N a power of two)
    #[arg(long, value_name = "N", value_parser = parse_split_count)]
    pub split_count: Option<u8>,

    /// Print the I-th address of each entry; negative counts from the end (-1 is the last)
    #[arg(long, value_name = "I", allow_negative_numbers = true, value_parser = parse_index)]
    pub index: Option<Index>,

    /// Describe each network: netmask, hostmask, broadcast, first and last host, sizes
    #[arg(long)]
    pub info: bool,

    /// Print each address once, sorted, however the entries overlap
    #[arg(long)]
    pub unique: bool,

    /// Print each address once in random order, without holding them in memory
    #[arg(long)]
    pub shuffle: bool,

    /// Seed for --shuffle, for a repeatable order (default: random, logged with -v)
    #[arg(long, value_name = "N", requires = "shuffle")]
    pub seed: Option<u64>,

    /// Stop after N lines
    #[arg(long, value_name = "N", conflicts_with_all = ["count", "info"])]
    pub limit: Option<u128>,

    /// JSON: an array for --count/--info/--aggregate/--split, JSON Lines otherwise
    #[arg(long)]
    pub json: bool,

    /// How addresses are written
    #[arg(
        long,
        value_enum,
        default_value_t = Style::Text,
        conflicts_with_all = ["count", "aggregate", "split", "split_count", "info"]
    )]
    pub format: Style,

    /// Separate output records with STR instead of a newline (\t, \n, \0 and \\ are
    /// understood); the output ends with one newline
    #[arg(
        long,
        value_name = "STR",
        allow_hyphen_values = true,
        conflicts_with_all = ["json", "count", "info"]
    )]
    pub delimiter: Option<String>,

    /// Reject networks with host bits set (123.45.67.73/27), as ip_network does
    #[arg(long)]
    pub strict: bool,

    /// Warn about bad entries and go on, instead of failing
    #[arg(long)]
    pub skip_invalid: bool,
}

/// Runs `tackle cidr-expand`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let job = job_of(&args)?;
    let sources = sources(&args.entries);
    job.run(&sources, std::io::stdout().lock())
}

/// Validates the flags into a job.
fn job_of(args: &Args) -> anyhow::Result<Job> {
    let policy = Policy {
        strict: args.strict,
        skip_invalid: args.skip_invalid,
    };
    Ok(Job {
        mode: mode_of(args)?,
        hosts: args.hosts,
        policy,
        exclusions: exclusions_of(args, policy)?,
        limit: args.limit,
        style: args.format,
        json: args.json,
        delimiter: unescape(args.delimiter.as_deref().unwrap_or("\n")),
    })
}

fn mode_of(args: &Args) -> anyhow::Result<Mode> {
    Ok(if args.count {
        Mode::Count
    } else if args.aggregate {
        Mode::Aggregate
    } else if let Some(prefix) = args.split {
        Mode::Split(Split::Prefix(prefix))
    } else if let Some(extra_bits) = args.split_count {
        Mode::Split(Split::Parts { extra_bits })
    } else if let Some(index) = args.index {
        Mode::Index(index)
    } else if args.info {
        Mode::Info
    } else if args.unique {
        Mode::Unique
    } else if args.shuffle {
        let seed = match args.seed {
            Some(seed) => seed,
            None => getrandom::u64().context("choosing a random seed for --shuffle")?,
        };
        tracing::info!("--shuffle seed {seed}");
        Mode::Shuffle { seed }
    } else {
        Mode::Expand
    })
}

/// The union of `--exclude` values (bad ones are usage errors) and `--exclude-file` lines
/// (bad ones are bad input, like any entry).
fn exclusions_of(args: &Args, policy: Policy) -> anyhow::Result<Exclusions> {
    let mut union = Union::default();
    for (i, text) in args.exclude.iter().enumerate() {
        let entry = parse_entry(text, policy.strict)
            .map_err(|why| exit::usage(format!("{text}: {why} ({})", Origin::Exclude(i + 1))))?;
        union.add(entry.range());
    }
    if let Some(path) = &args.exclude_file {
        let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        policy.each_line(
            BufReader::new(file),
            |n| Origin::File(path.clone(), n),
            &mut |entry| -> Result<bool, Problem> {
                union.add(entry.range());
                Ok(true)
            },
        )?;
    }
    Ok(union.into_exclusions())
}

/// `\t`, `\n`, `\0` and `\\` in a delimiter; anything else is taken literally.
fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b't') => out.push(b'\t'),
            Some(b'n') => out.push(b'\n'),
            Some(b'0') => out.push(0),
            Some(b'\\') => out.push(b'\\'),
            Some(other) => out.extend_from_slice(&[b'\\', other]),
            None => out.push(b'\\'),
        }
    }
    out
}

fn parse_split_prefix(text: &str) -> Result<u8, String> {
    let digits = text.strip_prefix('/').unwrap_or(text);
    match digits.parse::<u8>() {
        Ok(prefix) if prefix <= 128 && !digits.starts_with('+') => Ok(prefix),
        _ => Err("expected a prefix length from /0 to /128, such as /26".to_owned()),
    }
}

fn parse_split_count(text: &str) -> Result<u8, String> {
    match text.parse::<u128>() {
        Ok(n) if n.is_power_of_two() && !text.starts_with('+') => Ok(n.trailing_zeros() as u8),
        _ => Err("expected a power of two such as 2, 4 or 256".to_owned()),
    }
}

fn parse_index(text: &str) -> Result<Index, String> {
    let (from_end, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    match digits.parse::<u128>() {
        Ok(magnitude) if !digits.starts_with('+') && (magnitude > 0 || !from_end) => Ok(Index {
            from_end,
            magnitude,
        }),
        _ => Err("expected an integer such as 0, 5 or -1".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn delimiter_escapes() {
        assert_eq!(unescape(r"\t"), b"\t");
        assert_eq!(unescape(r"a\nb\0\\"), b"a\nb\0\\");
        assert_eq!(unescape(r"\x\"), br"\x\");
        assert_eq!(unescape(", "), b", ");
    }

    #[test]
    fn split_and_index_flags() {
        assert_eq!(parse_split_prefix("/26"), Ok(26));
        assert_eq!(parse_split_prefix("128"), Ok(128));
        assert!(parse_split_prefix("/129").is_err());
        assert!(parse_split_prefix("+5").is_err());
        assert_eq!(parse_split_count("1"), Ok(0));
        assert_eq!(parse_split_count("256"), Ok(8));
        assert!(parse_split_count("0").is_err());
        assert!(parse_split_count("6").is_err());
        assert!(parse_index("-0").is_err());
        assert!(parse_index("+1").is_err());
        assert!(parse_index("--1").is_err());
    }

    proptest! {
        #[test]
        fn index_round_trips(magnitude: u128, from_end: bool) {
            prop_assume!(magnitude > 0 || !from_end);
            let index = Index { from_end, magnitude };
            prop_assert_eq!(parse_index(&index.to_string()), Ok(index));
        }

        #[test]
        fn flag_parsers_never_panic(text in "\\PC{0,12}") {
            let _ = (parse_index(&text), parse_split_prefix(&text), parse_split_count(&text));
            let _ = unescape(&text);
        }
    }
}

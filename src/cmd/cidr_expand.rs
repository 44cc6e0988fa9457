//! `tackle cidr-expand`: expand, count, aggregate, split and exclude IPv4/IPv6 networks,
//! after Python's `ipaddress` (`ip_network`, `hosts()`, `ip_interface(...).network`,
//! `collapse_addresses`, `address_exclude`, `subnets`), plus what prips, ipcalc, nmap -sL,
//! grepcidr and mapcidr do: address types, nmap targets, `--match`, `--extract`. This file
//! owns the flags and turns them into a [`Job`] or a [`Matcher`]; the work happens in
//! `crate::cidr`.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use clap::ArgGroup;

use crate::cidr::format::Style;
use crate::cidr::input::{Origin, Policy, Problem, Source, open, sources};
use crate::cidr::job::{CountOf, Counting, Filter, Index, Input, Job, Mode};
use crate::cidr::matcher::{Matcher, RangeTable};
use crate::cidr::parse::{Entry, parse_address};
use crate::cidr::set::{Exclusions, Union};
use crate::cidr::special::Predicate;
use crate::cidr::split::Split;
use crate::exit;

const EXAMPLES: &str = "\
Entries: a network (10.0.0.0/24, 2001:db8::/120, 10.0.0.0/255.255.255.0), an address
(a /32 or /128), an address with host bits set (123.45.67.73/27 means its network unless
--strict), a range (10.0.0.5-10.0.0.20), an nmap target (10.0.0.1-5, 10.0-3.1.1,3,
10.0.0.*) or an IPv6 range on the last group (2001:db8::1-ff). With no ENTRY, or where one
is `-`, entries are read from stdin; a line may hold several, separated by spaces or
commas; blank lines and # comments are skipped. With --match or --extract, ENTRY names
files of text to read instead (default stdin).

Examples:
  tackle cidr-expand 123.45.67.64/27
  tackle cidr-expand --count 2001:db8::/64
  tackle cidr-expand --aggregate < networks.txt
  tackle cidr-expand --exclude 10.0.0.64/26 --aggregate 10.0.0.0/24
  tackle cidr-expand --shuffle --seed 7 --limit 5 10.0.0.0/8
  tackle cidr-expand --info --filter private 10.0.0.0/8 8.8.8.0/24
  tackle cidr-expand --match 10.0.0.0/8 --match 192.168.0.0/16 access.log
  tackle cidr-expand --extract --aggregate < access.log
  tackle cidr-expand --split-count 3 10.0.0.0/24
  tackle cidr-expand --delimiter '\\0' 10.0.0.0/30 | xargs -0 -n1 echo";

/// Expand, count, aggregate, split, match and extract IPv4/IPv6 networks.
///
/// Prints every address of each entry, one per line, in input order, streaming: memory
/// stays constant whatever the size (`tackle cidr-expand ::/0 | head` is fine). The mode
/// flags replace that with one other job; exit status 1 names a bad entry and where it was.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
#[command(group(
    ArgGroup::new("mode")
        .args(["aggregate", "split", "split_count", "split_hosts", "index", "info", "unique", "shuffle", "sort", "contains"])
        .multiple(false)
))]
#[command(group(
    ArgGroup::new("matching").args(["matches", "match_file"]).multiple(true)
))]
pub struct Args {
    /// Networks, addresses, ranges or targets; `-` reads them from stdin (the default).
    /// With --match or --extract: files of text (`-` or none: stdin)
    #[arg(value_name = "ENTRY")]
    pub entries: Vec<String>,

    /// Only usable hosts, as Python's hosts(): IPv4 drops the network and broadcast
    /// addresses (except /31, /32), IPv6 the Subnet-Router anycast (except /127, /128);
    /// ranges are kept whole
    #[arg(long, conflicts_with_all = ["split", "split_count", "split_hosts", "info"])]
    pub hosts: bool,

    /// Print the number of addresses of each entry, then a total line; with --unique the
    /// number of distinct addresses, with --aggregate each network of the union
    #[arg(long, conflicts_with_all = ["split", "split_count", "split_hosts", "index", "info", "shuffle", "sort", "contains"])]
    pub count: bool,

    /// Print only the total count (implies --count)
    #[arg(long, conflicts_with_all = ["split", "split_count", "split_hosts", "index", "info", "shuffle", "sort", "contains"])]
    pub total: bool,

    /// Print the fewest networks covering all entries, sorted, IPv4 first
    #[arg(long)]
    pub aggregate: bool,

    /// Leave out this network, address or range (repeatable)
    #[arg(long, value_name = "ENTRY", conflicts_with_all = ["split", "split_count", "split_hosts", "index", "info", "sort", "contains"])]
    pub exclude: Vec<String>,

    /// Leave out the entries listed in FILE (`-` for stdin), one or more per line
    #[arg(long, value_name = "FILE", conflicts_with_all = ["split", "split_count", "split_hosts", "index", "info", "sort", "contains"])]
    pub exclude_file: Option<PathBuf>,

    /// Print the subnets of each network with this prefix length (/26 or 26)
    #[arg(long, value_name = "PREFIX", value_parser = parse_split_prefix)]
    pub split: Option<u8>,

    /// Split each network into N blocks that tile it, largest first (equal when N is a
    /// power of two; 3 parts of a /24 are a /25 and two /26s)
    #[arg(long, value_name = "N", value_parser = parse_positive)]
    pub split_count: Option<u128>,

    /// Split each network into the smallest equal subnets with N usable hosts each
    #[arg(long, value_name = "N", value_parser = parse_positive)]
    pub split_hosts: Option<u128>,

    /// Print the I-th address of each entry; negative counts from the end (-1 is the last)
    #[arg(long, value_name = "I", allow_negative_numbers = true, value_parser = parse_index)]
    pub index: Option<Index>,

    /// Describe each network: masks, broadcast, hosts, sizes, Python's forms and address
    /// types, and the IANA address space
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

    /// Print the entries sorted (IPv4 first, by first address, larger first), not merged
    #[arg(long)]
    pub sort: bool,

    /// Print the entries that contain ADDR; exit status 1 when none does
    #[arg(long, value_name = "ADDR")]
    pub contains: Option<String>,

    /// Keep only entries of this type: private, global, multicast, loopback, link-local,
    /// reserved, unspecified, site-local, ipv4-mapped, 6to4, teredo; `!TYPE` negates
    /// (repeatable: all must hold)
    #[arg(long, value_name = "TYPE", value_parser = parse_filter, allow_hyphen_values = true)]
    pub filter: Vec<Filter>,

    /// Print the lines of text (files or stdin) holding an address inside NET, as grepcidr
    /// (repeatable); exit status 1 when no line matches
    #[arg(long = "match", value_name = "NET", conflicts_with_all = ["mode", "count", "extract", "exclude", "exclude_file", "json", "limit", "hosts", "step"])]
    pub matches: Vec<String>,

    /// Networks for --match from FILE (`-` for stdin), one or more per line
    #[arg(long, value_name = "FILE", conflicts_with_all = ["mode", "count", "extract", "exclude", "exclude_file", "json", "limit", "hosts", "step"])]
    pub match_file: Option<PathBuf>,

    /// With --match: print the lines holding no such address
    #[arg(long, requires = "matching")]
    pub invert: bool,

    /// With --match: print only the matching addresses, one per line
    #[arg(long, requires = "matching", conflicts_with = "invert")]
    pub only_matching: bool,

    /// With --match: print only the number of selected lines
    #[arg(long, requires = "matching")]
    pub count_matches: bool,

    /// Take the entries from every address and CIDR found in text (logs, HTML, JSON) in
    /// the files or stdin
    #[arg(long)]
    pub extract: bool,

    /// Stop after N lines
    #[arg(long, value_name = "N", conflicts_with_all = ["count", "info"])]
    pub limit: Option<u128>,

    /// Print every N-th address of each entry (prips -i)
    #[arg(long, value_name = "N", value_parser = parse_positive, conflicts_with_all = ["mode", "count"])]
    pub step: Option<u128>,

    /// JSON: an array for --count/--info/--aggregate/--split/--sort, JSON Lines otherwise
    #[arg(long)]
    pub json: bool,

    /// How addresses are written; exploded and range also apply to networks
    #[arg(long, value_enum, default_value_t = Style::Text)]
    pub format: Style,

    /// Separate output records with STR instead of a newline (\t, \n, \0 and \\ are
    /// understood); the output ends with one newline, or with STR after every record when
    /// STR is \0 or with --terminator
    #[arg(
        long,
        value_name = "STR",
        allow_hyphen_values = true,
        conflicts_with_all = ["json", "count", "info"]
    )]
    pub delimiter: Option<String>,

    /// End every record, the last too, with the --delimiter
    #[arg(long, requires = "delimiter")]
    pub terminator: bool,

    /// Reject networks with host bits set (123.45.67.73/27), as ip_network does
    #[arg(long)]
    pub strict: bool,

    /// Warn about bad entries and go on, instead of failing
    #[arg(long)]
    pub skip_invalid: bool,
}

/// Runs `tackle cidr-expand`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let policy = Policy {
        strict: args.strict,
        skip_invalid: args.skip_invalid,
    };
    let text_input = !args.matches.is_empty() || args.match_file.is_some() || args.extract;
    let sources = if text_input {
        text_sources(&args.entries)
    } else {
        sources(&args.entries)
    };
    check_stdin_once(&args, &sources)?;
    if !args.matches.is_empty() || args.match_file.is_some() {
        let matcher = matcher_of(&args, policy)?;
        let filters = args.filter.clone();
        let accept = move |family, addr| {
            let one = Entry::Network {
                net: crate::cidr::addr::Network::containing(family, addr, family.bits()),
                address: addr,
            };
            filters.iter().all(|f| f.passes(&one))
        };
        return matcher.run(&sources, &accept, exit::Stdout(std::io::stdout().lock()));
    }
    let job = job_of(&args, policy)?;
    job.run(&sources, exit::Stdout(std::io::stdout().lock()))
}

/// Files of text for --match and --extract: stdin when there are none, or for `-`.
fn text_sources(args: &[String]) -> Vec<Source> {
    if args.is_empty() {
        return vec![Source::Stdin];
    }
    args.iter()
        .map(|arg| match arg.as_str() {
            "-" => Source::Stdin,
            _ => Source::File(PathBuf::from(arg)),
        })
        .collect()
}

/// stdin can feed the entries, `--exclude-file -` or `--match-file -`, not two of them.
fn check_stdin_once(args: &Args, sources: &[Source]) -> anyhow::Result<()> {
    let dash = |path: &Option<PathBuf>| path.as_deref() == Some(Path::new("-"));
    let readers = usize::from(sources.contains(&Source::Stdin))
        + usize::from(dash(&args.exclude_file))
        + usize::from(dash(&args.match_file));
    if readers > 1 {
        return Err(exit::usage(
            "stdin can be read only once: give the entries (or text) as arguments when \
             --exclude-file or --match-file is -",
        ));
    }
    Ok(())
}

/// Validates the flags into a job.
fn job_of(args: &Args, policy: Policy) -> anyhow::Result<Job> {
    let mode = mode_of(args)?;
    check_format(args.format, mode)?;
    let delimiter = unescape(args.delimiter.as_deref().unwrap_or("\n"));
    Ok(Job {
        mode,
        hosts: args.hosts,
        policy,
        exclusions: exclusions_of(args, policy)?,
        limit: args.limit,
        style: args.format,
        json: args.json,
        terminated: args.terminator || delimiter == b"\0",
        delimiter,
        step: args.step,
        filters: args.filter.clone(),
        input: if args.extract {
            Input::Extract
        } else {
            Input::Entries
        },
    })
}

fn mode_of(args: &Args) -> anyhow::Result<Mode> {
    Ok(if args.count || args.total {
        let of = if args.unique {
            CountOf::Unique
        } else if args.aggregate {
            CountOf::Aggregate
        } else {
            CountOf::Entries
        };
        Mode::Count(Counting {
            of,
            total_only: args.total,
        })
    } else if args.aggregate {
        Mode::Aggregate
    } else if let Some(prefix) = args.split {
        Mode::Split(Split::Prefix(prefix))
    } else if let Some(n) = args.split_count {
        Mode::Split(Split::Parts(n))
    } else if let Some(n) = args.split_hosts {
        Mode::Split(Split::Hosts(n))
    } else if let Some(index) = args.index {
        Mode::Index(index)
    } else if args.info {
        Mode::Info
    } else if args.unique {
        Mode::Unique
    } else if args.shuffle {
        let seed = match args.seed {
            Some(seed) => seed,
            None => getrandom::u64()
                .map_err(|err| anyhow::anyhow!("choosing a random seed for --shuffle: {err}"))?,
        };
        tracing::info!("--shuffle seed {seed}");
        Mode::Shuffle { seed }
    } else if args.sort {
        Mode::Sort
    } else if let Some(text) = &args.contains {
        let (family, addr) = parse_address(text.trim())
            .map_err(|why| exit::usage(format!("--contains {text}: {why}")))?;
        Mode::Contains(family, addr)
    } else {
        Mode::Expand
    })
}

/// Which `--format` styles a mode can print.
fn check_format(style: Style, mode: Mode) -> anyhow::Result<()> {
    let prints_networks = matches!(
        mode,
        Mode::Aggregate | Mode::Split(_) | Mode::Sort | Mode::Contains(..)
    );
    let ok = match (mode, style) {
        (_, Style::Text) => true,
        (Mode::Count(_) | Mode::Info, _) => false,
        (_, Style::Exploded) => true,
        (Mode::Shuffle { .. } | Mode::Index(_), Style::Range) => false,
        (_, Style::Range) => true,
        _ => !prints_networks,
    };
    if ok {
        return Ok(());
    }
    let name = clap::ValueEnum::to_possible_value(&style)
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default();
    Err(exit::usage(format!(
        "--format {name} does not apply to this mode (networks take text, exploded or \
         range; addresses any but range in --shuffle and --index; --count and --info only text)"
    )))
}

/// The union of `--exclude` values (bad ones are usage errors) and `--exclude-file` lines
/// (bad ones are bad input, like any entry).
fn exclusions_of(args: &Args, policy: Policy) -> anyhow::Result<Exclusions> {
    let mut union = Union::default();
    flag_entries(&args.exclude, Origin::Exclude, policy, &mut |entry| {
        entry.ranges(false).for_each(|range| union.add(range));
    })?;
    if let Some(path) = &args.exclude_file {
        read_entry_file(path, policy, &mut |entry| {
            entry.ranges(false).for_each(|range| union.add(range));
        })?;
    }
    Ok(union.into_exclusions())
}

/// The entries of repeated flag values such as `--exclude`; a bad one is a usage error.
fn flag_entries(
    values: &[String],
    origin: fn(usize) -> Origin,
    policy: Policy,
    add: &mut impl FnMut(&Entry),
) -> anyhow::Result<()> {
    let strict = Policy {
        skip_invalid: false,
        ..policy
    };
    for (i, text) in values.iter().enumerate() {
        strict
            .each_in_text(text, &origin(i + 1), &mut |entry: &Entry| {
                add(entry);
                Ok(true)
            })
            .map_err(exit::usage)?;
    }
    Ok(())
}

/// Reads the entries of `path` (`-` is stdin).
fn read_entry_file(
    path: &Path,
    policy: Policy,
    add: &mut impl FnMut(&Entry),
) -> anyhow::Result<()> {
    let mut visit = |entry: &Entry| -> Result<bool, Problem> {
        add(entry);
        Ok(true)
    };
    if path == Path::new("-") {
        policy.each_line(std::io::stdin().lock(), Origin::Stdin, &mut visit)?;
    } else {
        let file = BufReader::new(open(path)?);
        policy.each_line(file, |n| Origin::File(path.to_owned(), n), &mut visit)?;
    }
    Ok(())
}

/// The `--match` networks as a range table.
fn matcher_of(args: &Args, policy: Policy) -> anyhow::Result<Matcher> {
    let mut ranges = Vec::new();
    flag_entries(&args.matches, Origin::Match, policy, &mut |entry| {
        ranges.extend(entry.ranges(false));
    })?;
    if let Some(path) = &args.match_file {
        read_entry_file(path, policy, &mut |entry| {
            ranges.extend(entry.ranges(false))
        })?;
    }
    Ok(Matcher {
        table: RangeTable::new(ranges),
        invert: args.invert,
        only_matching: args.only_matching,
        count_matches: args.count_matches,
        policy,
    })
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

/// A count of at least 1 (`--split-count`, `--split-hosts`, `--step`).
fn parse_positive(text: &str) -> Result<u128, String> {
    match text.parse::<u128>() {
        Ok(n) if n > 0 && !text.starts_with('+') => Ok(n),
        _ => Err("expected a whole number of at least 1".to_owned()),
    }
}

/// `private`, `link-local`, `!global`, ...
fn parse_filter(text: &str) -> Result<Filter, String> {
    let (negated, name) = match text.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let predicate = <Predicate as clap::ValueEnum>::from_str(name, true).map_err(|_| {
        "expected one of private, global, multicast, loopback, link-local, reserved, \
         unspecified, site-local, ipv4-mapped, 6to4, teredo (or !TYPE)"
            .to_owned()
    })?;
    Ok(Filter { predicate, negated })
}

/// An index; `-0` is 0, as Python's `net[-0]` is `net[0]`.
fn parse_index(text: &str) -> Result<Index, String> {
    let (from_end, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    match digits.parse::<u128>() {
        Ok(magnitude) if !digits.starts_with('+') => Ok(Index {
            from_end: from_end && magnitude > 0,
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
        assert_eq!(parse_positive("1"), Ok(1));
        assert_eq!(parse_positive("6"), Ok(6));
        assert!(parse_positive("0").is_err());
        assert_eq!(
            parse_index("-0"),
            Ok(Index {
                from_end: false,
                magnitude: 0
            })
        );
        assert_eq!(
            parse_filter("!link-local"),
            Ok(Filter {
                predicate: Predicate::LinkLocal,
                negated: true
            })
        );
        assert!(parse_filter("privat").is_err());
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
            let _ = (parse_index(&text), parse_split_prefix(&text), parse_positive(&text), parse_filter(&text));
            let _ = unescape(&text);
        }
    }
}

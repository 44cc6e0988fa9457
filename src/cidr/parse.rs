//! Parsing input entries. One line (or argument) may hold several entries separated by
//! spaces or commas, and a `#` starts a comment ([`entry_texts`]). One entry is a CIDR
//! network (`10.0.0.0/24`, `2001:db8::/120`, or with a dotted IPv4 netmask or hostmask as
//! Python accepts), a bare address, an address with host bits set (normalised to its
//! network like `ip_interface(...).network`, or rejected under `--strict` like
//! `ip_network`), a range `first-last` of one family, an nmap-style IPv4 target
//! (`10.0.0.1-5`, `10.0-3.1.1,3`, `10.0.0.*`), or an IPv6 range on the last group
//! (`2001:db8::1-ff`).

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr};

use super::addr::{Family, Network, Range};
use super::format::address_text;
use super::target::{Pattern, PatternRanges};

/// One parsed input entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A network as written (`address` keeps any host bits the user typed).
    Network { net: Network, address: u128 },
    /// An explicit `first-last` range, or a target whose addresses are consecutive.
    Range(Range),
    /// An nmap-style target whose addresses are not consecutive.
    Pattern(Pattern),
}

impl Entry {
    /// The network the entry is, if it is exactly one (a range may happen to be one).
    pub fn network(&self) -> Option<Network> {
        match self {
            Entry::Network { net, .. } => Some(*net),
            Entry::Range(range) => range.as_network(),
            Entry::Pattern(_) => None,
        }
    }

    /// The addresses to work on, as ascending disjoint ranges: with `hosts`, a network's
    /// `hosts()`; a range or target as written, since it has no network or broadcast
    /// address to drop.
    pub fn ranges(&self, hosts: bool) -> EntryRanges {
        match self {
            Entry::Network { net, .. } if hosts => EntryRanges::One(Some(net.hosts())),
            Entry::Network { net, .. } => EntryRanges::One(Some(net.range())),
            Entry::Range(range) => EntryRanges::One(Some(*range)),
            Entry::Pattern(pattern) => EntryRanges::Pattern(pattern.ranges()),
        }
    }

    /// The lowest and highest address the entry covers.
    pub fn hull(&self) -> Range {
        match self {
            Entry::Network { net, .. } => net.range(),
            Entry::Range(range) => *range,
            Entry::Pattern(pattern) => pattern.hull(),
        }
    }

    /// The address family.
    pub fn family(&self) -> Family {
        self.hull().family
    }

    /// Whether the entry covers `addr` of `family`.
    pub fn contains(&self, family: Family, addr: u128) -> bool {
        match self {
            Entry::Pattern(pattern) => family == Family::V4 && pattern.contains(addr as u32),
            _ => {
                let hull = self.hull();
                hull.family == family && hull.first <= addr && addr <= hull.last
            }
        }
    }

    /// The entry in canonical form: `10.0.0.0/24`, `10.0.0.5-10.0.0.20`, `10.0-3.1.1,3`.
    pub fn canonical(&self) -> String {
        match self {
            Entry::Network { net, .. } => network_text(*net),
            Entry::Range(r) => range_text(*r),
            Entry::Pattern(pattern) => pattern.text(),
        }
    }
}

/// The iterator returned by [`Entry::ranges`].
pub enum EntryRanges {
    One(Option<Range>),
    Pattern(PatternRanges),
}

impl Iterator for EntryRanges {
    type Item = Range;

    fn next(&mut self) -> Option<Range> {
        match self {
            EntryRanges::One(range) => range.take(),
            EntryRanges::Pattern(ranges) => ranges.next(),
        }
    }
}

/// `first-last` in canonical form.
pub fn range_text(r: Range) -> String {
    format!(
        "{}-{}",
        address_text(r.family, r.first),
        address_text(r.family, r.last)
    )
}

/// The entry texts of one line or argument: the text before any `#`, cut at whitespace and
/// commas. A range written with spaces (`10.0.0.5 - 10.0.0.20`) stays one entry, and a
/// comma followed by something that cannot start an address (`10.0.0.1,3`, `10.0,1.0.1`)
/// continues an nmap octet list rather than starting a new entry.
pub fn entry_texts(line: &str) -> Vec<Cow<'_, str>> {
    let text = line.split('#').next().unwrap_or("");
    let mut words: Vec<Cow<'_, str>> = Vec::new();
    let mut glue_next = false;
    for word in text.split_whitespace() {
        match words.last_mut() {
            Some(last) if glue_next || word.starts_with('-') => last.to_mut().push_str(word),
            _ => words.push(Cow::Borrowed(word)),
        }
        glue_next = word.ends_with('-');
    }
    let mut entries = Vec::new();
    for word in words {
        if !word.contains(',') {
            entries.push(word);
            continue;
        }
        let mut current: Option<String> = None;
        for piece in word.split(',') {
            if piece.is_empty() {
                entries.extend(current.take().map(Cow::Owned));
                continue;
            }
            match &mut current {
                Some(cur) if !starts_an_address(piece) => {
                    cur.push(',');
                    cur.push_str(piece);
                }
                _ => {
                    if let Some(done) = current.take() {
                        entries.push(Cow::Owned(done));
                    }
                    current = Some(piece.to_owned());
                }
            }
        }
        entries.extend(current.map(Cow::Owned));
    }
    entries.retain(|entry| !entry.is_empty());
    entries
}

/// A comma piece that holds a whole address's worth of dots or any colon starts a new entry.
fn starts_an_address(piece: &str) -> bool {
    piece.contains(':') || piece.bytes().filter(|b| *b == b'.').count() >= 3
}

/// `addr/prefix` in canonical form.
pub fn network_text(net: Network) -> String {
    format!("{}/{}", address_text(net.family, net.addr), net.prefix)
}

/// Why an entry was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty entry")]
    Empty,
    #[error("not an IPv4 or IPv6 address")]
    NotAnAddress,
    #[error(
        "not an address, network, range or target (forms: 10.0.0.1, 10.0.0.0/24, \
         10.0.0.0/255.255.255.0, 10.0.0.5-10.0.0.20, 10.0.0.1-5, 10.0-3.1.1,3, 10.0.0.*, \
         2001:db8::/64, 2001:db8::1-ff)"
    )]
    NoForm,
    #[error("{0}")]
    BadTarget(String),
    #[error("zone ids (%...) are not supported")]
    ZoneId,
    #[error("ports are not supported; give an address or network")]
    Port,
    #[error("prefix length /{0} is not a number")]
    BadPrefix(String),
    #[error("prefix length /{prefix} is out of range for {family} (0-{max})", family = .family.name(), max = .family.bits())]
    PrefixOutOfRange { prefix: String, family: Family },
    #[error("{0} is not a valid netmask or hostmask")]
    BadMask(String),
    #[error("has host bits set (the network is {0}); drop --strict to accept it")]
    HostBitsSet(String),
    #[error("a range must not mix IPv4 and IPv6")]
    MixedFamilies,
    #[error("range ends before it starts")]
    Backwards,
}

/// Parses one entry; `strict` rejects host bits set in a network.
pub fn parse_entry(text: &str, strict: bool) -> Result<Entry, ParseError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    if text.contains('%') {
        return Err(ParseError::ZoneId);
    }
    if let Some((first, last)) = text.split_once('-')
        && !first.contains('/')
    {
        return parse_range(first.trim(), last.trim(), text);
    }
    if text.contains(['*', ',']) {
        return parse_pattern(text);
    }
    match text.split_once('/') {
        Some((addr, prefix)) => parse_network(addr.trim(), prefix.trim(), strict),
        None => {
            let (family, addr) = parse_address(text).map_err(no_form)?;
            Ok(Entry::Network {
                net: Network::containing(family, addr, family.bits()),
                address: addr,
            })
        }
    }
}

/// "Not an address" becomes the list of forms an entry may take.
fn no_form(err: ParseError) -> ParseError {
    match err {
        ParseError::NotAnAddress => ParseError::NoForm,
        other => other,
    }
}

/// An nmap-style target; a consecutive one is a plain range.
fn parse_pattern(text: &str) -> Result<Entry, ParseError> {
    match Pattern::parse(text) {
        None => Err(ParseError::NoForm),
        Some(Err(why)) => Err(ParseError::BadTarget(why.0)),
        Some(Ok(pattern)) => Ok(match pattern.as_range() {
            Some(range) => Entry::Range(range),
            None => Entry::Pattern(pattern),
        }),
    }
}

/// `first-last` with two addresses, `2001:db8::1-ff` (a range on the last IPv6 group), or
/// an nmap-style IPv4 target with octet ranges.
fn parse_range(first: &str, last: &str, text: &str) -> Result<Entry, ParseError> {
    let (family, first) = match parse_address(first) {
        Ok(parsed) => parsed,
        Err(ParseError::NotAnAddress) => return parse_pattern(text),
        Err(other) => return Err(other),
    };
    let (last_family, last) = match parse_address(last) {
        Ok(parsed) => parsed,
        Err(ParseError::NotAnAddress) if family == Family::V6 => {
            (Family::V6, last_group_range_end(first, last)?)
        }
        Err(ParseError::NotAnAddress) => return parse_pattern(text),
        Err(other) => return Err(other),
    };
    if family != last_family {
        return Err(ParseError::MixedFamilies);
    }
    if last < first {
        return Err(ParseError::Backwards);
    }
    Ok(Entry::Range(Range {
        family,
        first,
        last,
    }))
}

/// The end of `2001:db8::1-ff`: the first address with its last group replaced.
fn last_group_range_end(first: u128, group: &str) -> Result<u128, ParseError> {
    let valid = (1..=4).contains(&group.len()) && group.bytes().all(|b| b.is_ascii_hexdigit());
    match u16::from_str_radix(group, 16) {
        Ok(value) if valid => Ok((first & !0xffff) | u128::from(value)),
        _ => Err(ParseError::NoForm),
    }
}

fn parse_network(addr: &str, prefix: &str, strict: bool) -> Result<Entry, ParseError> {
    let (family, address) = parse_address(addr).map_err(no_form)?;
    let prefix = parse_prefix(family, prefix)?;
    let net = Network::containing(family, address, prefix);
    if strict && net.addr != address {
        return Err(ParseError::HostBitsSet(network_text(net)));
    }
    Ok(Entry::Network { net, address })
}

/// A prefix length (`24`), or for IPv4 a dotted netmask (`255.255.255.0`) or hostmask
/// (`0.0.0.255`), as Python's `ip_network` accepts.
fn parse_prefix(family: Family, text: &str) -> Result<u8, ParseError> {
    if family == Family::V4 && text.contains('.') {
        let mask = text
            .parse::<Ipv4Addr>()
            .map_err(|_| ParseError::BadMask(text.to_owned()))?
            .to_bits();
        return if mask.leading_ones() + mask.trailing_zeros() == 32 {
            Ok(mask.leading_ones() as u8)
        } else if mask.leading_zeros() + mask.trailing_ones() == 32 {
            Ok(mask.leading_zeros() as u8)
        } else {
            Err(ParseError::BadMask(text.to_owned()))
        };
    }
    // Python's rule: ASCII digits only, any number of leading zeros (`/0024` is /24).
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::BadPrefix(text.to_owned()));
    }
    let digits = text.trim_start_matches('0');
    let value = if digits.is_empty() {
        Some(0)
    } else {
        digits.parse::<u8>().ok()
    };
    match value {
        Some(prefix) if prefix <= family.bits() => Ok(prefix),
        _ => Err(ParseError::PrefixOutOfRange {
            prefix: text.to_owned(),
            family,
        }),
    }
}

/// A bare IPv4 or IPv6 address (IPv4-mapped IPv6 such as `::ffff:1.2.3.4` is IPv6).
pub fn parse_address(text: &str) -> Result<(Family, u128), ParseError> {
    if text.starts_with('[') {
        return Err(ParseError::Port);
    }
    match text.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => Ok((Family::V4, u128::from(v4.to_bits()))),
        Ok(IpAddr::V6(v6)) => Ok((Family::V6, v6.to_bits())),
        Err(_) => Err(if looks_like_ipv4_with_port(text) {
            ParseError::Port
        } else {
            ParseError::NotAnAddress
        }),
    }
}

/// `10.0.0.1:80`: an IPv4 address, a colon and a port number.
fn looks_like_ipv4_with_port(text: &str) -> bool {
    text.rsplit_once(':')
        .is_some_and(|(host, port)| host.parse::<Ipv4Addr>().is_ok() && port.parse::<u16>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        parse_entry(text, false)
            .map(|e| e.canonical())
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn accepts_every_documented_form() {
        assert_eq!(canonical("123.45.67.64/27"), "123.45.67.64/27");
        assert_eq!(canonical(" 123.45.67.73/27 "), "123.45.67.64/27");
        assert_eq!(canonical("10.1.2.3"), "10.1.2.3/32");
        assert_eq!(canonical("2001:DB8::/120"), "2001:db8::/120");
        assert_eq!(canonical("10.0.0.0/255.255.255.0"), "10.0.0.0/24");
        assert_eq!(canonical("10.0.0.0/0.0.0.255"), "10.0.0.0/24");
        assert_eq!(canonical("10.0.0.5 - 10.0.0.20"), "10.0.0.5-10.0.0.20");
        assert_eq!(canonical("::ffff:1.2.3.4/128"), "::ffff:1.2.3.4/128");
        assert_eq!(canonical("fe80::1-fe80::ff"), "fe80::1-fe80::ff");
    }

    #[test]
    fn rejects_bad_entries_with_reasons() {
        let why = |text: &str, strict| parse_entry(text, strict).unwrap_err().to_string();
        assert_eq!(why("", false), "empty entry");
        assert!(
            why("10.0.0.256", false)
                .starts_with("not an address, network, range or target (forms: 10.0.0.1,")
        );
        assert!(why("010.0.0.1", false).starts_with("not an address"));
        assert!(why("x.y", false).contains("10.0.0.1-5, 10.0-3.1.1,3, 10.0.0.*"));
        assert_eq!(
            why("fe80::1%eth0", false),
            "zone ids (%...) are not supported"
        );
        assert!(why("10.0.0.1:80", false).starts_with("ports"));
        assert!(why("[::1]:80", false).starts_with("ports"));
        assert_eq!(
            why("10.0.0.0/33", false),
            "prefix length /33 is out of range for IPv4 (0-32)"
        );
        assert_eq!(why("10.0.0.0/x", false), "prefix length /x is not a number");
        assert_eq!(
            why("10.0.0.0/-1", false),
            "prefix length /-1 is not a number"
        );
        assert_eq!(
            why("10.0.0.0/255.0.255.0", false),
            "255.0.255.0 is not a valid netmask or hostmask"
        );
        assert!(
            why("123.45.67.73/27", true).contains("host bits set (the network is 123.45.67.64/27)")
        );
        assert_eq!(
            why("10.0.0.1-::1", false),
            "a range must not mix IPv4 and IPv6"
        );
        assert_eq!(
            why("10.0.0.9-10.0.0.1", false),
            "range ends before it starts"
        );
    }
}

//! Parsing one input entry: a CIDR network (`10.0.0.0/24`, `2001:db8::/120`, or with a
//! dotted IPv4 netmask or hostmask as Python accepts), a bare address, an address with host
//! bits set (normalised to its network like `ip_interface(...).network`, or rejected under
//! `--strict` like `ip_network`), or a range `first-last` of one family.

use std::net::{IpAddr, Ipv4Addr};

use super::addr::{Family, Network, Range};
use super::format::address_text;

/// One parsed input entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A network as written (`address` keeps any host bits the user typed).
    Network { net: Network, address: u128 },
    /// An explicit `first-last` range.
    Range(Range),
}

impl Entry {
    /// Every address the entry covers.
    pub fn range(&self) -> Range {
        match self {
            Entry::Network { net, .. } => net.range(),
            Entry::Range(range) => *range,
        }
    }

    /// The network the entry is, if it is exactly one (a range may happen to be one).
    pub fn network(&self) -> Option<Network> {
        match self {
            Entry::Network { net, .. } => Some(*net),
            Entry::Range(range) => range.as_network(),
        }
    }

    /// The addresses to work on: with `hosts`, a network's `hosts()`; a range as written,
    /// since it has no network or broadcast address to drop.
    pub fn addresses(&self, hosts: bool) -> Range {
        match self {
            Entry::Network { net, .. } if hosts => net.hosts(),
            _ => self.range(),
        }
    }

    /// The entry in canonical form: `10.0.0.0/24`, `10.0.0.5-10.0.0.20`.
    pub fn canonical(&self) -> String {
        match self {
            Entry::Network { net, .. } => network_text(*net),
            Entry::Range(r) => format!(
                "{}-{}",
                address_text(r.family, r.first),
                address_text(r.family, r.last)
            ),
        }
    }
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
        return parse_range(first.trim(), last.trim());
    }
    match text.split_once('/') {
        Some((addr, prefix)) => parse_network(addr.trim(), prefix.trim(), strict),
        None => {
            let (family, addr) = parse_address(text)?;
            Ok(Entry::Network {
                net: Network::containing(family, addr, family.bits()),
                address: addr,
            })
        }
    }
}

fn parse_range(first: &str, last: &str) -> Result<Entry, ParseError> {
    let (family, first) = parse_address(first)?;
    let (last_family, last) = parse_address(last)?;
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

fn parse_network(addr: &str, prefix: &str, strict: bool) -> Result<Entry, ParseError> {
    let (family, address) = parse_address(addr)?;
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
    if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::BadPrefix(text.to_owned()));
    }
    match text.parse::<u8>() {
        Ok(prefix) if prefix <= family.bits() => Ok(prefix),
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
        assert_eq!(why("10.0.0.256", false), "not an IPv4 or IPv6 address");
        assert_eq!(why("010.0.0.1", false), "not an IPv4 or IPv6 address");
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

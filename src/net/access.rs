//! `--allow CIDR` / `--deny CIDR`: which peers a server talks to (ncat's `--allow/--deny`,
//! xinetd's `only_from`), checked when a connection is accepted and for every datagram, before
//! anything is read, echoed or answered.
//!
//! A peer is refused when it is in any `--deny` entry, or when `--allow` entries exist and it
//! is in none of them. Entries are anything `cidr-expand` reads as one entry: a network
//! (`10.0.0.0/8`, `2001:db8::/32`), a bare address, a range (`10.0.0.5-10.0.0.9`) or an
//! nmap-style target (`10.0.0-3.1,5`).
//! IPv4 peers of a dual-stack `[::]` listener (`::ffff:a.b.c.d`) are matched as IPv4.

use std::net::IpAddr;

use crate::cidr::addr::Family;
use crate::cidr::parse::{Entry, parse_entry};

/// The parsed `--allow` and `--deny` entries.
#[derive(Debug, Clone, Default)]
pub struct AccessList {
    allow: Vec<Entry>,
    deny: Vec<Entry>,
}

/// Parses one `--allow`/`--deny` value.
pub fn parse_access_entry(text: &str) -> Result<Entry, String> {
    parse_entry(text, false).map_err(|e| format!("{text:?}: {e}"))
}

impl AccessList {
    /// A list allowing `allow` (everyone when empty) minus `deny`.
    pub fn new(allow: Vec<Entry>, deny: Vec<Entry>) -> AccessList {
        AccessList { allow, deny }
    }

    /// Whether the list lets everyone in (no check needed).
    #[inline]
    pub fn is_open(&self) -> bool {
        self.allow.is_empty() && self.deny.is_empty()
    }

    /// Whether `peer` may talk to this server.
    #[inline]
    pub fn permits(&self, peer: IpAddr) -> bool {
        self.is_open() || self.lets_in(peer)
    }

    fn lets_in(&self, peer: IpAddr) -> bool {
        let (family, bits) = match peer.to_canonical() {
            IpAddr::V4(v4) => (Family::V4, u128::from(v4.to_bits())),
            IpAddr::V6(v6) => (Family::V6, v6.to_bits()),
        };
        let covers = |entry: &Entry| entry.contains(family, bits);
        if self.deny.iter().any(covers) {
            return false;
        }
        self.allow.is_empty() || self.allow.iter().any(covers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn list(allow: &[&str], deny: &[&str]) -> AccessList {
        let parse = |v: &[&str]| v.iter().map(|t| parse_access_entry(t).unwrap()).collect();
        AccessList::new(parse(allow), parse(deny))
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_empty_list_permits_everyone() {
        assert!(list(&[], &[]).permits(ip("203.0.113.9")));
    }

    #[test]
    fn allow_limits_and_deny_wins() {
        let l = list(&["10.0.0.0/8", "2001:db8::/32"], &["10.1.0.0/16"]);
        assert!(l.permits(ip("10.2.3.4")));
        assert!(!l.permits(ip("10.1.3.4")));
        assert!(!l.permits(ip("192.0.2.1")));
        assert!(l.permits(ip("2001:db8::1")));
        assert!(!l.permits(ip("2001:db9::1")));
        // A dual-stack listener's view of an IPv4 peer.
        assert!(l.permits(ip("::ffff:10.2.3.4")));
        assert!(!l.permits(ip("::ffff:10.1.3.4")));
    }

    #[test]
    fn deny_alone_refuses_only_what_it_names() {
        let l = list(&[], &["127.0.0.1", "192.0.2.10-192.0.2.20"]);
        assert!(!l.permits(ip("127.0.0.1")));
        assert!(l.permits(ip("127.0.0.2")));
        assert!(!l.permits(ip("192.0.2.15")));
        assert!(l.permits(ip("192.0.2.21")));
    }

    #[test]
    fn nmap_style_targets_are_entries_too() {
        let l = list(&["10.0.0-3.1,5"], &[]);
        assert!(l.permits(ip("10.0.2.5")));
        assert!(!l.permits(ip("10.0.2.6")));
    }

    #[test]
    fn bad_entries_are_refused_with_the_reason() {
        for bad in ["", "10.0.0.0/33", "nonsense", "10.0.0.1:80"] {
            assert!(parse_access_entry(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn a_network_permits_exactly_its_addresses(a in any::<u32>(), prefix in 0u8..=32, probe in any::<u32>()) {
            let net = format!("{}/{prefix}", std::net::Ipv4Addr::from(a));
            let l = list(&[&net], &[]);
            let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
            let inside = probe & mask == a & mask;
            prop_assert_eq!(l.permits(IpAddr::V4(probe.into())), inside);
            let d = list(&[], &[&net]);
            prop_assert_eq!(d.permits(IpAddr::V4(probe.into())), !inside);
        }

        #[test]
        fn parsing_never_panics(text in "[0-9a-f:./-]{0,40}") {
            let _ = parse_access_entry(&text);
        }
    }
}

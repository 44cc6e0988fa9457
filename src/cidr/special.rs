//! Address types: Python 3.13's `ipaddress` predicates (`is_private`, `is_global`, ... with
//! the CVE-2024-4032 corrections and IPv4-mapped addresses judged by their IPv4 address)
//! and the IANA special-purpose address registries (RFC 6890 and its updates), for
//! `--info` and `--filter`.
//!
//! An address is judged as `ip_address(...)`; a network or range as `ip_network(...)`:
//! the network's first and last addresses each pass the address test, except `is_private`
//! and `is_global`, which ask whether both ends lie in one block of Python's lists.

use super::addr::{Family, Range};

/// A block `addr/prefix` of one family, as a const-friendly pair.
#[derive(Clone, Copy, Debug)]
struct Block {
    addr: u128,
    prefix: u8,
}

impl Block {
    fn contains(&self, family: Family, addr: u128) -> bool {
        let host_bits = u32::from(family.bits() - self.prefix);
        let mask = if host_bits >= 128 {
            0
        } else {
            !((1u128 << host_bits) - 1)
        };
        addr & mask == self.addr & mask
    }
}

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> Block {
    Block {
        addr: u32::from_be_bytes([a, b, c, d]) as u128,
        prefix,
    }
}

const fn v6(high: u64, prefix: u8) -> Block {
    Block {
        addr: (high as u128) << 64,
        prefix,
    }
}

const fn v6_full(addr: u128, prefix: u8) -> Block {
    Block { addr, prefix }
}

// Python 3.13 `_IPv4Constants` / `_IPv6Constants`.
const V4_PRIVATE: &[Block] = &[
    v4(0, 0, 0, 0, 8),
    v4(10, 0, 0, 0, 8),
    v4(127, 0, 0, 0, 8),
    v4(169, 254, 0, 0, 16),
    v4(172, 16, 0, 0, 12),
    v4(192, 0, 0, 0, 24),
    v4(192, 0, 0, 170, 31),
    v4(192, 0, 2, 0, 24),
    v4(192, 168, 0, 0, 16),
    v4(198, 18, 0, 0, 15),
    v4(198, 51, 100, 0, 24),
    v4(203, 0, 113, 0, 24),
    v4(240, 0, 0, 0, 4),
    v4(255, 255, 255, 255, 32),
];
const V4_PRIVATE_EXCEPTIONS: &[Block] = &[v4(192, 0, 0, 9, 32), v4(192, 0, 0, 10, 32)];
const V4_SHARED: Block = v4(100, 64, 0, 0, 10);
const V4_MULTICAST: Block = v4(224, 0, 0, 0, 4);
const V4_LOOPBACK: Block = v4(127, 0, 0, 0, 8);
const V4_LINK_LOCAL: Block = v4(169, 254, 0, 0, 16);
const V4_RESERVED: Block = v4(240, 0, 0, 0, 4);

const V6_PRIVATE: &[Block] = &[
    v6_full(1, 128),
    v6_full(0, 128),
    v6_full(0xffff_0000_0000, 96),
    v6(0x0064_ff9b_0001_0000, 48),
    v6(0x0100_0000_0000_0000, 64),
    v6(0x2001_0000_0000_0000, 23),
    v6(0x2001_0db8_0000_0000, 32),
    v6(0x2002_0000_0000_0000, 16),
    v6(0x3fff_0000_0000_0000, 20),
    v6(0xfc00_0000_0000_0000, 7),
    v6(0xfe80_0000_0000_0000, 10),
];
const V6_PRIVATE_EXCEPTIONS: &[Block] = &[
    v6_full((0x2001_0001u128 << 96) | 1, 128),
    v6_full((0x2001_0001u128 << 96) | 2, 128),
    v6(0x2001_0003_0000_0000, 32),
    v6(0x2001_0004_0112_0000, 48),
    v6(0x2001_0020_0000_0000, 28),
    v6(0x2001_0030_0000_0000, 28),
];
const V6_MULTICAST: Block = v6(0xff00_0000_0000_0000, 8);
const V6_LINK_LOCAL: Block = v6(0xfe80_0000_0000_0000, 10);
const V6_SITE_LOCAL: Block = v6(0xfec0_0000_0000_0000, 10);
const V6_RESERVED: &[Block] = &[
    v6(0x0000_0000_0000_0000, 8),
    v6(0x0100_0000_0000_0000, 8),
    v6(0x0200_0000_0000_0000, 7),
    v6(0x0400_0000_0000_0000, 6),
    v6(0x0800_0000_0000_0000, 5),
    v6(0x1000_0000_0000_0000, 4),
    v6(0x4000_0000_0000_0000, 3),
    v6(0x6000_0000_0000_0000, 3),
    v6(0x8000_0000_0000_0000, 3),
    v6(0xa000_0000_0000_0000, 3),
    v6(0xc000_0000_0000_0000, 3),
    v6(0xe000_0000_0000_0000, 4),
    v6(0xf000_0000_0000_0000, 5),
    v6(0xf800_0000_0000_0000, 6),
    v6(0xfe00_0000_0000_0000, 9),
];

/// The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) stands for.
pub fn ipv4_mapped(addr: u128) -> Option<u32> {
    (addr >> 32 == 0xffff).then_some(addr as u32)
}

/// The IPv4 address inside a 6to4 address (`2002:aabb:ccdd::/48`).
pub fn sixtofour(addr: u128) -> Option<u32> {
    (addr >> 112 == 0x2002).then_some((addr >> 80) as u32)
}

/// The (server, client) IPv4 addresses of a Teredo address (`2001::/32`).
pub fn teredo(addr: u128) -> Option<(u32, u32)> {
    (addr >> 96 == 0x2001_0000).then_some(((addr >> 64) as u32, !(addr as u32)))
}

/// The predicates `--info` prints and `--filter` tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Predicate {
    Private,
    Global,
    Multicast,
    Loopback,
    LinkLocal,
    Reserved,
    Unspecified,
    SiteLocal,
    /// An IPv4-mapped IPv6 address (`::ffff:0:0/96`)
    Ipv4Mapped,
    /// A 6to4 address (`2002::/16`)
    #[value(name = "6to4")]
    SixToFour,
    /// A Teredo address (`2001::/32`)
    Teredo,
}

impl Predicate {
    /// Every predicate, in `--info` order.
    pub const ALL: [Predicate; 11] = [
        Predicate::Private,
        Predicate::Global,
        Predicate::Multicast,
        Predicate::Loopback,
        Predicate::LinkLocal,
        Predicate::Reserved,
        Predicate::Unspecified,
        Predicate::SiteLocal,
        Predicate::Ipv4Mapped,
        Predicate::SixToFour,
        Predicate::Teredo,
    ];

    /// Python's attribute name (`is_private`), for `--info`.
    pub fn key(self) -> &'static str {
        match self {
            Predicate::Private => "is_private",
            Predicate::Global => "is_global",
            Predicate::Multicast => "is_multicast",
            Predicate::Loopback => "is_loopback",
            Predicate::LinkLocal => "is_link_local",
            Predicate::Reserved => "is_reserved",
            Predicate::Unspecified => "is_unspecified",
            Predicate::SiteLocal => "is_site_local",
            Predicate::Ipv4Mapped => "is_ipv4_mapped",
            Predicate::SixToFour => "is_6to4",
            Predicate::Teredo => "is_teredo",
        }
    }

    /// Whether `range` (one address, or a network's or range's ends) has the property.
    pub fn holds(self, range: Range) -> bool {
        let Range {
            family,
            first,
            last,
        } = range;
        let both = |test: fn(Family, u128) -> bool| test(family, first) && test(family, last);
        match self {
            Predicate::Private if first == last => address_is_private(family, first),
            Predicate::Global if first == last => address_is_global(family, first),
            Predicate::Private => network_is_private(range),
            Predicate::Global => network_is_global(range),
            Predicate::Multicast => both(is_multicast),
            Predicate::Loopback => both(is_loopback),
            Predicate::LinkLocal => both(is_link_local),
            Predicate::Reserved => both(is_reserved),
            Predicate::Unspecified => both(is_unspecified),
            Predicate::SiteLocal => {
                family == Family::V6 && both(|_, a| V6_SITE_LOCAL.contains(Family::V6, a))
            }
            Predicate::Ipv4Mapped => family == Family::V6 && both(|_, a| ipv4_mapped(a).is_some()),
            Predicate::SixToFour => family == Family::V6 && both(|_, a| sixtofour(a).is_some()),
            Predicate::Teredo => family == Family::V6 && both(|_, a| teredo(a).is_some()),
        }
    }
}

/// Runs an address test on the IPv4 address an IPv4-mapped IPv6 address stands for, as
/// Python 3.13 does, or on the address itself.
fn judged(family: Family, addr: u128) -> (Family, u128) {
    match (family, ipv4_mapped(addr)) {
        (Family::V6, Some(v4)) => (Family::V4, u128::from(v4)),
        _ => (family, addr),
    }
}

fn in_any(blocks: &[Block], family: Family, addr: u128) -> bool {
    blocks.iter().any(|b| b.contains(family, addr))
}

fn private_lists(family: Family) -> (&'static [Block], &'static [Block]) {
    match family {
        Family::V4 => (V4_PRIVATE, V4_PRIVATE_EXCEPTIONS),
        Family::V6 => (V6_PRIVATE, V6_PRIVATE_EXCEPTIONS),
    }
}

fn address_is_private(family: Family, addr: u128) -> bool {
    let (family, addr) = judged(family, addr);
    let (private, exceptions) = private_lists(family);
    in_any(private, family, addr) && !in_any(exceptions, family, addr)
}

fn address_is_global(family: Family, addr: u128) -> bool {
    let (family, addr) = judged(family, addr);
    let shared = family == Family::V4 && V4_SHARED.contains(family, addr);
    !shared && !address_is_private(family, addr)
}

/// `_BaseNetwork.is_private`: both ends in one listed block, neither in an exception.
fn network_is_private(range: Range) -> bool {
    let Range {
        family,
        first,
        last,
    } = range;
    let (private, exceptions) = private_lists(family);
    private
        .iter()
        .any(|b| b.contains(family, first) && b.contains(family, last))
        && !exceptions
            .iter()
            .any(|b| b.contains(family, first) || b.contains(family, last))
}

/// `IPv4Network.is_global` also refuses the shared address space; IPv6's is `not private`.
fn network_is_global(range: Range) -> bool {
    let shared = range.family == Family::V4
        && V4_SHARED.contains(Family::V4, range.first)
        && V4_SHARED.contains(Family::V4, range.last);
    !shared && !network_is_private(range)
}

fn is_multicast(family: Family, addr: u128) -> bool {
    match judged(family, addr) {
        (Family::V4, a) => V4_MULTICAST.contains(Family::V4, a),
        (Family::V6, a) => V6_MULTICAST.contains(Family::V6, a),
    }
}

fn is_loopback(family: Family, addr: u128) -> bool {
    match judged(family, addr) {
        (Family::V4, a) => V4_LOOPBACK.contains(Family::V4, a),
        (Family::V6, a) => a == 1,
    }
}

fn is_link_local(family: Family, addr: u128) -> bool {
    match judged(family, addr) {
        (Family::V4, a) => V4_LINK_LOCAL.contains(Family::V4, a),
        (Family::V6, a) => V6_LINK_LOCAL.contains(Family::V6, a),
    }
}

fn is_reserved(family: Family, addr: u128) -> bool {
    match judged(family, addr) {
        (Family::V4, a) => V4_RESERVED.contains(Family::V4, a),
        (Family::V6, a) => in_any(V6_RESERVED, Family::V6, a),
    }
}

fn is_unspecified(family: Family, addr: u128) -> bool {
    judged(family, addr).1 == 0
}

/// One entry of the IANA special-purpose address registries.
struct Registered {
    block: Block,
    name: &'static str,
}

const fn reg(block: Block, name: &'static str) -> Registered {
    Registered { block, name }
}

/// The IPv4 Special-Purpose Address Registry, plus multicast (its own registry). Names as
/// the registry prints them (checked against it as updated 2025-10-09), except that
/// "Private-Use" and "Unique-Local" are written as the issue and ipcalc write them, without
/// the hyphen, and the quotes around "This network" are dropped.
const V4_REGISTRY: &[Registered] = &[
    reg(v4(0, 0, 0, 0, 8), "This network"),
    reg(v4(0, 0, 0, 0, 32), "This host on this network"),
    reg(v4(10, 0, 0, 0, 8), "Private Use"),
    reg(v4(100, 64, 0, 0, 10), "Shared Address Space"),
    reg(v4(127, 0, 0, 0, 8), "Loopback"),
    reg(v4(169, 254, 0, 0, 16), "Link Local"),
    reg(v4(172, 16, 0, 0, 12), "Private Use"),
    reg(v4(192, 0, 0, 0, 24), "IETF Protocol Assignments"),
    reg(v4(192, 0, 0, 0, 29), "IPv4 Service Continuity Prefix"),
    reg(v4(192, 0, 0, 8, 32), "IPv4 dummy address"),
    reg(v4(192, 0, 0, 9, 32), "Port Control Protocol Anycast"),
    reg(
        v4(192, 0, 0, 10, 32),
        "Traversal Using Relays around NAT Anycast",
    ),
    // One record of the registry holds both addresses.
    reg(v4(192, 0, 0, 170, 31), "NAT64/DNS64 Discovery"),
    reg(v4(192, 0, 2, 0, 24), "Documentation (TEST-NET-1)"),
    reg(v4(192, 31, 196, 0, 24), "AS112-v4"),
    reg(v4(192, 52, 193, 0, 24), "AMT"),
    reg(v4(192, 88, 99, 0, 24), "Deprecated (6to4 Relay Anycast)"),
    reg(v4(192, 88, 99, 2, 32), "6a44-relay anycast address"),
    reg(v4(192, 168, 0, 0, 16), "Private Use"),
    reg(v4(192, 175, 48, 0, 24), "Direct Delegation AS112 Service"),
    reg(v4(198, 18, 0, 0, 15), "Benchmarking"),
    reg(v4(198, 51, 100, 0, 24), "Documentation (TEST-NET-2)"),
    reg(v4(203, 0, 113, 0, 24), "Documentation (TEST-NET-3)"),
    reg(v4(224, 0, 0, 0, 4), "Multicast"),
    reg(v4(240, 0, 0, 0, 4), "Reserved"),
    reg(v4(255, 255, 255, 255, 32), "Limited Broadcast"),
];

/// The IPv6 Special-Purpose Address Registry, plus the address-space blocks ipcalc names.
const V6_REGISTRY: &[Registered] = &[
    reg(v6_full(0, 128), "Unspecified Address"),
    reg(v6_full(1, 128), "Loopback Address"),
    reg(v6_full(0xffff_0000_0000, 96), "IPv4-mapped Address"),
    // The registry abbreviates both names so.
    reg(
        v6_full(0x0064_ff9b_0000_0000_0000_0000_0000_0000, 96),
        "IPv4-IPv6 Translat.",
    ),
    reg(v6(0x0064_ff9b_0001_0000, 48), "IPv4-IPv6 Translat."),
    reg(v6(0x0100_0000_0000_0000, 64), "Discard-Only Address Block"),
    reg(v6(0x0100_0000_0000_0001, 64), "Dummy IPv6 Prefix"),
    reg(v6(0x2001_0000_0000_0000, 23), "IETF Protocol Assignments"),
    reg(v6(0x2001_0000_0000_0000, 32), "TEREDO"),
    reg(
        v6_full((0x2001_0001u128 << 96) | 1, 128),
        "Port Control Protocol Anycast",
    ),
    reg(
        v6_full((0x2001_0001u128 << 96) | 2, 128),
        "Traversal Using Relays around NAT Anycast",
    ),
    reg(
        v6_full((0x2001_0001u128 << 96) | 3, 128),
        "DNS-SD Service Registration Protocol Anycast",
    ),
    reg(v6(0x2001_0002_0000_0000, 48), "Benchmarking"),
    reg(v6(0x2001_0003_0000_0000, 32), "AMT"),
    reg(v6(0x2001_0004_0112_0000, 48), "AS112-v6"),
    reg(
        v6(0x2001_0010_0000_0000, 28),
        "Deprecated (previously ORCHID)",
    ),
    reg(v6(0x2001_0020_0000_0000, 28), "ORCHIDv2"),
    reg(
        v6(0x2001_0030_0000_0000, 28),
        "Drone Remote ID Protocol Entity Tags (DETs) Prefix",
    ),
    reg(v6(0x2001_0db8_0000_0000, 32), "Documentation"),
    reg(v6(0x2002_0000_0000_0000, 16), "6to4"),
    reg(
        v6(0x2620_004f_8000_0000, 48),
        "Direct Delegation AS112 Service",
    ),
    reg(v6(0x3fff_0000_0000_0000, 20), "Documentation"),
    reg(v6(0x5f00_0000_0000_0000, 16), "Segment Routing (SRv6) SIDs"),
    reg(v6(0xfc00_0000_0000_0000, 7), "Unique Local"),
    reg(v6(0xfe80_0000_0000_0000, 10), "Link-Local Unicast"),
    reg(
        v6(0xfec0_0000_0000_0000, 10),
        "Site-Local Unicast (deprecated)",
    ),
    reg(v6(0xff00_0000_0000_0000, 8), "Multicast"),
];

/// The ipcalc-style address space of `range`: the name of the most specific registered
/// block holding all of it; "Internet" (IPv4) or "Global Unicast" (IPv6 `2000::/3`) for
/// ordinary addresses, "Reserved by IETF" for other unregistered IPv6 space, and "Mixed"
/// for a range that straddles a registered block's edge.
pub fn address_space(range: Range) -> &'static str {
    let registry = match range.family {
        Family::V4 => V4_REGISTRY,
        Family::V6 => V6_REGISTRY,
    };
    let family = range.family;
    let holding = registry
        .iter()
        .filter(|r| r.block.contains(family, range.first) && r.block.contains(family, range.last))
        .max_by_key(|r| r.block.prefix);
    if let Some(found) = holding {
        return found.name;
    }
    let overlaps = registry.iter().any(|r| {
        let host_bits = u32::from(family.bits() - r.block.prefix);
        let size_minus_one = if host_bits >= 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        let first = r.block.addr & !size_minus_one;
        first <= range.last && range.first <= first | size_minus_one
    });
    let global_unicast = v6(0x2000_0000_0000_0000, 3);
    match family {
        _ if overlaps => "Mixed",
        Family::V4 => "Internet",
        Family::V6
            if global_unicast.contains(family, range.first)
                && global_unicast.contains(family, range.last) =>
        {
            "Global Unicast"
        }
        Family::V6 => "Reserved by IETF",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(family: Family, text: &str) -> Range {
        let addr = match text.parse::<std::net::IpAddr>().expect("test address") {
            std::net::IpAddr::V4(a) => u128::from(a.to_bits()),
            std::net::IpAddr::V6(a) => a.to_bits(),
        };
        Range {
            family,
            first: addr,
            last: addr,
        }
    }

    #[test]
    fn cve_2024_4032_corrections() {
        // 3.11 called these private; 3.13 does not.
        for text in ["192.0.0.9", "192.0.0.10"] {
            assert!(!Predicate::Private.holds(one(Family::V4, text)), "{text}");
            assert!(Predicate::Global.holds(one(Family::V4, text)), "{text}");
        }
        assert!(!Predicate::Private.holds(one(Family::V6, "2001:20::1")));
        // Shared address space is neither.
        let cgnat = one(Family::V4, "100.64.1.1");
        assert!(!Predicate::Private.holds(cgnat) && !Predicate::Global.holds(cgnat));
        // IPv4-mapped addresses are judged by their IPv4 address.
        assert!(!Predicate::Private.holds(one(Family::V6, "::ffff:8.8.8.8")));
        assert!(Predicate::Loopback.holds(one(Family::V6, "::ffff:127.0.0.1")));
        assert!(Predicate::Private.holds(one(Family::V6, "3fff::1")));
    }

    #[test]
    fn address_spaces_follow_the_registries() {
        let space = |family, text| address_space(one(family, text));
        assert_eq!(space(Family::V4, "10.1.2.3"), "Private Use");
        assert_eq!(space(Family::V4, "100.64.0.1"), "Shared Address Space");
        assert_eq!(space(Family::V4, "192.0.2.7"), "Documentation (TEST-NET-1)");
        assert_eq!(
            space(Family::V4, "192.0.0.9"),
            "Port Control Protocol Anycast"
        );
        assert_eq!(space(Family::V4, "8.8.8.8"), "Internet");
        assert_eq!(space(Family::V6, "fd00::1"), "Unique Local");
        assert_eq!(space(Family::V6, "2001:db8::1"), "Documentation");
        assert_eq!(space(Family::V6, "2606:4700::1"), "Global Unicast");
        assert_eq!(space(Family::V6, "::2"), "Reserved by IETF");
        let straddle = Range {
            family: Family::V4,
            first: u128::from(u32::from_be_bytes([9, 255, 255, 255])),
            last: u128::from(u32::from_be_bytes([10, 0, 0, 1])),
        };
        assert_eq!(address_space(straddle), "Mixed");
    }

    /// Names the IANA registries print (as updated 2025-10-09), where they were misremembered.
    #[test]
    fn registry_names_are_the_registries_own() {
        let space = |family, text| address_space(one(family, text));
        assert_eq!(space(Family::V6, "64:ff9b::1.2.3.4"), "IPv4-IPv6 Translat.");
        assert_eq!(space(Family::V6, "64:ff9b:1::1"), "IPv4-IPv6 Translat.");
        assert_eq!(
            space(Family::V6, "2001:30::1"),
            "Drone Remote ID Protocol Entity Tags (DETs) Prefix"
        );
        let nat64_discovery = Range {
            family: Family::V4,
            first: u128::from(u32::from_be_bytes([192, 0, 0, 170])),
            last: u128::from(u32::from_be_bytes([192, 0, 0, 171])),
        };
        assert_eq!(address_space(nat64_discovery), "NAT64/DNS64 Discovery");
    }
}

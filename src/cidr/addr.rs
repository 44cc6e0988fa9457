//! Address families, inclusive address ranges and CIDR networks, with every address held as
//! a `u128` so IPv4 and IPv6 share one arithmetic. The family says how many bits count.

use super::count::Count;

/// IPv4 or IPv6. IPv4 sorts first, as `--aggregate` prints it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    /// Address width in bits: 32 or 128.
    pub fn bits(self) -> u8 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }

    /// The highest address of the family.
    pub fn max(self) -> u128 {
        match self {
            Family::V4 => u128::from(u32::MAX),
            Family::V6 => u128::MAX,
        }
    }

    /// 4 or 6, as Python's `version`.
    pub fn version(self) -> u8 {
        match self {
            Family::V4 => 4,
            Family::V6 => 6,
        }
    }

    /// "IPv4" or "IPv6", for messages.
    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

/// The mask of the low `host_bits` bits (all 128 bits when `host_bits` is 128).
pub fn low_bits(host_bits: u8) -> u128 {
    if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    }
}

/// An inclusive, non-empty range of addresses of one family: `first <= last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Range {
    pub family: Family,
    pub first: u128,
    pub last: u128,
}

impl Range {
    /// How many addresses the range holds.
    pub fn count(&self) -> Count {
        Count::span(self.first, self.last)
    }

    /// How many addresses minus one; always fits in a `u128`.
    pub fn span_minus_one(&self) -> u128 {
        self.last - self.first
    }

    /// The network this range is exactly, if it is one.
    pub fn as_network(&self) -> Option<Network> {
        let mut networks = summarize(*self);
        let first = networks.next()?;
        networks.next().is_none().then_some(first)
    }
}

/// A CIDR network: an address with its host bits clear, and a prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Network {
    pub family: Family,
    pub addr: u128,
    pub prefix: u8,
}

impl Network {
    /// The network of `addr/prefix`, host bits cleared (Python's `ip_interface(...).network`).
    pub fn containing(family: Family, addr: u128, prefix: u8) -> Network {
        let net = Network {
            family,
            addr,
            prefix,
        };
        Network {
            addr: addr & net.netmask(),
            ..net
        }
    }

    /// The number of host bits.
    pub fn host_bits(&self) -> u8 {
        self.family.bits() - self.prefix
    }

    /// The host bits as a mask (`0.0.0.255` for a /24).
    pub fn hostmask(&self) -> u128 {
        low_bits(self.host_bits())
    }

    /// The network bits as a mask (`255.255.255.0` for a /24).
    pub fn netmask(&self) -> u128 {
        self.family.max() ^ self.hostmask()
    }

    /// The last address (`broadcast_address` in Python).
    pub fn last(&self) -> u128 {
        self.addr | self.hostmask()
    }

    /// Every address of the network.
    pub fn range(&self) -> Range {
        Range {
            family: self.family,
            first: self.addr,
            last: self.last(),
        }
    }

    /// The addresses Python's `hosts()` yields: IPv4 drops the network and broadcast
    /// addresses except in a /31 or /32; IPv6 drops only the Subnet-Router anycast address
    /// (the first) except in a /127 or /128.
    pub fn hosts(&self) -> Range {
        let all = self.range();
        match (self.family, self.host_bits()) {
            (_, 0) | (_, 1) => all,
            (Family::V4, _) => Range {
                first: all.first + 1,
                last: all.last - 1,
                ..all
            },
            (Family::V6, _) => Range {
                first: all.first + 1,
                ..all
            },
        }
    }
}

/// The fewest networks that cover `range` exactly, lowest first (Python's
/// `summarize_address_range`).
pub fn summarize(range: Range) -> Summary {
    Summary {
        family: range.family,
        next: Some(range.first),
        last: range.last,
    }
}

/// The iterator returned by [`summarize`].
pub struct Summary {
    family: Family,
    next: Option<u128>,
    last: u128,
}

impl Iterator for Summary {
    type Item = Network;

    fn next(&mut self) -> Option<Network> {
        let cur = self.next?;
        let bits = self.family.bits();
        // The largest block aligned at `cur`...
        let aligned = if cur == 0 {
            bits
        } else {
            (cur.trailing_zeros() as u8).min(bits)
        };
        // ...that does not run past `last`.
        let remaining_minus_one = self.last - cur;
        let fits = if remaining_minus_one == u128::MAX {
            128
        } else {
            (127 - (remaining_minus_one + 1).leading_zeros()) as u8
        };
        let host_bits = aligned.min(fits);
        let block_last = cur + low_bits(host_bits);
        self.next = if block_last >= self.last {
            None
        } else {
            Some(block_last + 1)
        };
        Some(Network {
            family: self.family,
            addr: cur,
            prefix: bits - host_bits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(a: [u8; 4]) -> u128 {
        u128::from(u32::from_be_bytes(a))
    }

    #[test]
    fn summarize_splits_a_range_like_python() {
        // list(summarize_address_range(10.0.0.5, 10.0.0.20))
        let range = Range {
            family: Family::V4,
            first: v4([10, 0, 0, 5]),
            last: v4([10, 0, 0, 20]),
        };
        let got: Vec<_> = summarize(range)
            .map(|n| (n.addr - v4([10, 0, 0, 0]), n.prefix))
            .collect();
        assert_eq!(got, vec![(5, 32), (6, 31), (8, 29), (16, 30), (20, 32)]);
    }

    #[test]
    fn whole_spaces_are_one_network() {
        for family in [Family::V4, Family::V6] {
            let all = Range {
                family,
                first: 0,
                last: family.max(),
            };
            let net = all.as_network().expect("one network");
            assert_eq!((net.addr, net.prefix), (0, 0));
        }
    }

    #[test]
    fn hosts_follow_python_edge_cases() {
        let net = |family, prefix| Network::containing(family, 0, prefix);
        let span = |r: Range| (r.first, r.last);
        assert_eq!(span(net(Family::V4, 32).hosts()), (0, 0));
        assert_eq!(span(net(Family::V4, 31).hosts()), (0, 1));
        assert_eq!(span(net(Family::V4, 30).hosts()), (1, 2));
        assert_eq!(
            span(net(Family::V4, 0).hosts()),
            (1, u128::from(u32::MAX) - 1)
        );
        assert_eq!(span(net(Family::V6, 128).hosts()), (0, 0));
        assert_eq!(span(net(Family::V6, 127).hosts()), (0, 1));
        assert_eq!(span(net(Family::V6, 126).hosts()), (1, 3));
        assert_eq!(span(net(Family::V6, 0).hosts()), (1, u128::MAX));
    }
}

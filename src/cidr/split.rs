//! Cutting a network into subnets: `--split PREFIX` (Python's `subnets(new_prefix=...)`),
//! `--split-count N` for any N (ipcalc and mapcidr's VLSM: N blocks, largest first, that
//! tile the network; equal ones when N is a power of two) and `--split-hosts N` (the
//! smallest equal subnets with N usable hosts each, as Python's `hosts()` counts them).
//! Subnets are produced one at a time, never held.

use super::addr::{Family, Network};
use super::input::Problem;

/// How a network is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Into subnets of this prefix length.
    Prefix(u8),
    /// Into this many blocks (at least 1).
    Parts(u128),
    /// Into the smallest equal subnets with this many usable hosts each (at least 1).
    Hosts(u128),
}

/// Calls `visit` with each subnet of `net` under `split`, in address order, until it
/// returns false; an impossible split is an error for this entry.
pub fn each_split(
    net: Network,
    split: Split,
    mut visit: impl FnMut(Network) -> Result<bool, Problem>,
) -> Result<bool, Problem> {
    let host_bits = net.host_bits();
    match split {
        Split::Prefix(prefix) => {
            check_prefix(net, u32::from(prefix))?;
            each_subnet(net, net, prefix, u128::MAX, &mut visit).map(|(more, _)| more)
        }
        Split::Parts(n) => {
            if host_bits < 128 && n > 1u128 << host_bits {
                return Err(Problem::Invalid(format!(
                    "cannot split a /{} into {n} parts: it has only {} addresses",
                    net.prefix,
                    1u128 << host_bits
                )));
            }
            // 2^k equal blocks, the last r of them halved: 2^k - r big ones, then 2r.
            let k = 127 - n.leading_zeros();
            let r = n - (1u128 << k);
            let big = (1u128 << k) - r;
            let big_prefix = net.prefix + k as u8;
            let (more, next) = each_subnet(net, net, big_prefix, big, &mut visit)?;
            match next {
                Some(addr) if more && r > 0 => {
                    let rest = Network { addr, ..net };
                    each_subnet(net, rest, big_prefix + 1, 2 * r, &mut visit).map(|(m, _)| m)
                }
                _ => Ok(more),
            }
        }
        Split::Hosts(n) => {
            let Some(bits) = (0..=net.family.bits()).find(|hb| usable_hosts(net.family, *hb) >= n)
            else {
                return Err(too_few_hosts(net, n));
            };
            if bits > host_bits {
                return Err(too_few_hosts(net, n));
            }
            let prefix = net.family.bits() - bits;
            each_subnet(net, net, prefix, u128::MAX, &mut visit).map(|(more, _)| more)
        }
    }
}

fn too_few_hosts(net: Network, n: u128) -> Problem {
    Problem::Invalid(format!(
        "a /{} holds at most {} usable hosts, not {n}",
        net.prefix,
        usable_hosts(net.family, net.host_bits())
    ))
}

/// How many addresses `hosts()` yields in a block of `host_bits`: all in a /31 or /32
/// (/127, /128), else all but the network and broadcast (IPv4) or the Subnet-Router
/// anycast (IPv6). Saturates at `u128::MAX`.
fn usable_hosts(family: Family, host_bits: u8) -> u128 {
    let all = if host_bits >= 128 {
        u128::MAX
    } else {
        1u128 << host_bits
    };
    match (family, host_bits) {
        (_, 0 | 1) => all,
        (Family::V4, _) => all - 2,
        (Family::V6, 128) => u128::MAX,
        (Family::V6, _) => all - 1,
    }
}

fn check_prefix(net: Network, prefix: u32) -> Result<(), Problem> {
    let bits = net.family.bits();
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
    Ok(())
}

/// Visits up to `count` subnets of length `prefix` from `from.addr`, staying inside
/// `within`. Returns whether to go on, and the address after the last subnet visited.
fn each_subnet(
    within: Network,
    from: Network,
    prefix: u8,
    count: u128,
    visit: &mut impl FnMut(Network) -> Result<bool, Problem>,
) -> Result<(bool, Option<u128>), Problem> {
    let mut sub = Network {
        prefix,
        addr: from.addr,
        family: within.family,
    };
    let last = within.last();
    let mut left = count;
    while left > 0 {
        if !visit(sub)? {
            return Ok((false, None));
        }
        left -= 1;
        let sub_last = sub.last();
        if sub_last >= last {
            return Ok((true, None));
        }
        sub.addr = sub_last + 1;
    }
    Ok((true, Some(sub.addr)))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn cut(net: Network, split: Split) -> Result<Vec<Network>, String> {
        let mut subs = Vec::new();
        each_split(net, split, |sub| {
            subs.push(sub);
            Ok(true)
        })
        .map_err(|p| match p {
            Problem::Invalid(why) => why,
            Problem::Fatal(err) => err.to_string(),
        })?;
        Ok(subs)
    }

    fn v4_24() -> Network {
        Network {
            family: Family::V4,
            addr: 0x0a00_0000,
            prefix: 24,
        }
    }

    #[test]
    fn vlsm_is_largest_first() {
        let prefixes: Vec<u8> = cut(v4_24(), Split::Parts(3))
            .unwrap()
            .iter()
            .map(|n| n.prefix)
            .collect();
        assert_eq!(prefixes, [25, 26, 26]);
        let prefixes: Vec<u8> = cut(v4_24(), Split::Parts(5))
            .unwrap()
            .iter()
            .map(|n| n.prefix)
            .collect();
        assert_eq!(prefixes, [26, 26, 26, 27, 27]);
        assert_eq!(cut(v4_24(), Split::Parts(1)).unwrap(), [v4_24()]);
        assert!(
            cut(v4_24(), Split::Parts(257))
                .unwrap_err()
                .contains("only 256 addresses")
        );
    }

    #[test]
    fn hosts_pick_the_smallest_subnet() {
        let prefixes = |n| cut(v4_24(), Split::Hosts(n)).map(|v| (v[0].prefix, v.len()));
        assert_eq!(prefixes(1), Ok((32, 256)));
        assert_eq!(prefixes(2), Ok((31, 128)));
        assert_eq!(prefixes(3), Ok((29, 32)));
        assert_eq!(prefixes(62), Ok((26, 4)));
        assert_eq!(prefixes(63), Ok((25, 2)));
        assert_eq!(prefixes(254), Ok((24, 1)));
        assert!(
            prefixes(255)
                .unwrap_err()
                .contains("at most 254 usable hosts")
        );
    }

    proptest! {
        #[test]
        fn parts_tile_the_network(prefix in 16u8..=32, n in 1u128..600) {
            let net = Network { family: Family::V4, addr: 0, prefix };
            match cut(net, Split::Parts(n)) {
                Ok(subs) => {
                    prop_assert_eq!(subs.len() as u128, n);
                    prop_assert_eq!(subs[0].addr, 0);
                    for pair in subs.windows(2) {
                        prop_assert_eq!(pair[0].last() + 1, pair[1].addr);
                        prop_assert!(pair[0].prefix <= pair[1].prefix);
                    }
                    prop_assert_eq!(subs[subs.len() - 1].last(), net.last());
                }
                Err(_) => prop_assert!(n > 1u128 << net.host_bits()),
            }
        }
    }
}

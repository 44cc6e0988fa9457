//! Address counts that do not fit in a `u128`.
//!
//! One IPv6 `/0` already holds 2^128 addresses, one more than `u128::MAX`, and `--count`
//! totals over many inputs grow past that. A 256-bit unsigned integer covers any total this
//! tool can meet (2^128 addresses per input times far fewer than 2^127 inputs), so counts
//! stay exact without pulling in a big-integer crate for one addition and one printout.

use std::fmt;

/// An unsigned 256-bit integer: four 64-bit limbs, most significant first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Count {
    // Most significant first, so the derived ordering compares numbers correctly.
    limbs: [u64; 4],
}

impl Count {
    /// Zero.
    pub const ZERO: Count = Count { limbs: [0; 4] };

    /// The number `value`.
    pub fn from_u128(value: u128) -> Count {
        Count {
            limbs: [0, 0, (value >> 64) as u64, value as u64],
        }
    }

    /// The number of addresses from `first` to `last` inclusive (`last - first + 1`).
    pub fn span(first: u128, last: u128) -> Count {
        debug_assert!(first <= last);
        Count::from_u128(last - first).plus(Count::from_u128(1))
    }

    /// `self + other`; saturates at 2^256 - 1, which no real input reaches.
    pub fn plus(self, other: Count) -> Count {
        let mut limbs = [0u64; 4];
        let mut carry = false;
        for i in (0..4).rev() {
            let (sum, c1) = self.limbs[i].overflowing_add(other.limbs[i]);
            let (sum, c2) = sum.overflowing_add(u64::from(carry));
            limbs[i] = sum;
            carry = c1 || c2;
        }
        if carry {
            Count {
                limbs: [u64::MAX; 4],
            }
        } else {
            Count { limbs }
        }
    }

    /// The value if it fits in a `u128`.
    pub fn to_u128(self) -> Option<u128> {
        if self.limbs[0] == 0 && self.limbs[1] == 0 {
            Some((u128::from(self.limbs[2]) << 64) | u128::from(self.limbs[3]))
        } else {
            None
        }
    }

    fn is_zero(&self) -> bool {
        self.limbs == [0; 4]
    }

    /// Divides in place by `divisor` and returns the remainder.
    fn div_rem(&mut self, divisor: u64) -> u64 {
        let mut rem: u128 = 0;
        for limb in self.limbs.iter_mut() {
            let cur = (rem << 64) | u128::from(*limb);
            *limb = (cur / u128::from(divisor)) as u64;
            rem = cur % u128::from(divisor);
        }
        rem as u64
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(small) = self.to_u128() {
            return write!(f, "{small}");
        }
        // Peel off 19 decimal digits at a time (10^19 is the largest power of ten in a u64).
        const CHUNK: u64 = 10_000_000_000_000_000_000;
        let mut rest = *self;
        let mut chunks = Vec::new();
        while !rest.is_zero() {
            chunks.push(rest.div_rem(CHUNK));
        }
        let mut text = String::new();
        for (i, chunk) in chunks.iter().rev().enumerate() {
            if i == 0 {
                text.push_str(&chunk.to_string());
            } else {
                text.push_str(&format!("{chunk:019}"));
            }
        }
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_ipv6_space_is_two_to_the_128() {
        let all = Count::span(0, u128::MAX);
        assert_eq!(all.to_string(), "340282366920938463463374607431768211456");
        assert_eq!(all.to_u128(), None);
        assert_eq!(
            all.plus(all).to_string(),
            "680564733841876926926749214863536422912"
        );
    }

    #[test]
    fn small_counts_print_plainly() {
        assert_eq!(Count::ZERO.to_string(), "0");
        assert_eq!(Count::span(5, 5).to_string(), "1");
        assert_eq!(Count::span(0, 255).to_string(), "256");
    }

    #[test]
    fn carries_cross_every_limb() {
        let big = Count::from_u128(u128::MAX);
        let sum = big.plus(big).plus(big).plus(Count::from_u128(3));
        // 3 * (2^128 - 1) + 3 = 3 * 2^128
        assert_eq!(sum.to_string(), "1020847100762815390390123822295304634368");
        assert!(sum > big);
    }
}

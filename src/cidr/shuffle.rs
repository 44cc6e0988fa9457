//! A random permutation of `0..n` for any `n` up to 2^128, in constant memory: a keyed
//! Feistel network over the smallest even number of bits that holds `n - 1`, with
//! cycle-walking (apply it again until the value falls below `n`). A Feistel network is a
//! bijection whatever its round function, and walking a cycle of a bijection stays inside
//! `0..n`, so `at(0), at(1), ...` visits every index exactly once without remembering any.
//! The domain is less than 4n, so a walk takes under four steps on average.
//!
//! This is for an unpredictable-looking order (sampling, spreading probes), not a
//! cryptographic permutation.

const ROUNDS: usize = 6;

/// A permutation of `0..=max`.
#[derive(Debug, Clone)]
pub struct Permutation {
    max: u128,
    half_bits: u32,
    half_mask: u64,
    keys: [u64; ROUNDS],
}

impl Permutation {
    /// A permutation of `0..=max`, chosen by `seed`.
    pub fn new(max: u128, seed: u64) -> Permutation {
        let bits = (128 - max.leading_zeros()).max(2);
        let half_bits = bits.div_ceil(2);
        let half_mask = if half_bits == 64 {
            u64::MAX
        } else {
            (1u64 << half_bits) - 1
        };
        let mut state = seed;
        let keys = std::array::from_fn(|_| splitmix64(&mut state));
        Permutation {
            max,
            half_bits,
            half_mask,
            keys,
        }
    }

    /// Where index `i` (at most `max`) goes.
    pub fn at(&self, i: u128) -> u128 {
        debug_assert!(i <= self.max);
        let mut x = self.encrypt(i);
        while x > self.max {
            x = self.encrypt(x);
        }
        x
    }

    fn encrypt(&self, x: u128) -> u128 {
        let mut left = (x >> self.half_bits) as u64;
        let mut right = x as u64 & self.half_mask;
        for key in self.keys {
            let mixed = mix64(right ^ key) & self.half_mask;
            (left, right) = (right, left ^ mixed);
        }
        (u128::from(left) << self.half_bits) | u128::from(right)
    }
}

/// The splitmix64 generator, to spread one seed into round keys.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    mix64(*state)
}

/// A 64-bit finaliser with good avalanche (from splitmix64 / MurmurHash3).
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn every_index_appears_exactly_once(max in 0u128..3000, seed: u64) {
            let perm = Permutation::new(max, seed);
            let mut seen = vec![false; max as usize + 1];
            for i in 0..=max {
                let j = perm.at(i) as usize;
                prop_assert!(!seen[j], "{} twice", j);
                seen[j] = true;
            }
        }
    }

    #[test]
    fn seeds_change_the_order_and_the_full_space_works() {
        let a: Vec<_> = (0..20).map(|i| Permutation::new(999, 1).at(i)).collect();
        let b: Vec<_> = (0..20).map(|i| Permutation::new(999, 2).at(i)).collect();
        assert_ne!(a, b);
        assert_ne!(a, (0..20).collect::<Vec<_>>());
        let full = Permutation::new(u128::MAX, 7);
        assert_ne!(full.at(0), full.at(1));
    }
}

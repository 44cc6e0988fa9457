//! Hand-written address formatting. Expansion prints millions of lines a second, so
//! addresses are written straight into byte buffers with lookup tables, never through
//! `Display` or `write!`. Text output follows Python's `ipaddress`: dotted-quad IPv4, and
//! RFC 5952 IPv6 (lowercase, leading zeros dropped, the longest run of two or more zero
//! groups shortened to `::`, the leftmost on a tie), except that IPv4-mapped addresses print
//! as `::ffff:1.2.3.4` (RFC 5952 section 5; Python 3.13 and Rust do the same, Python 3.11
//! prints `::ffff:102:304`).

use super::addr::Family;

/// How an address is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Style {
    /// Dotted quad / RFC 5952 text
    Text,
    /// The address as a decimal integer (prips -f dec)
    Dec,
    /// The address as a lowercase hexadecimal integer, no padding (prips -f hex)
    Hex,
    /// 32 or 128 binary digits (Python's format(addr, "b"))
    Bin,
    /// IPv6 with every group in four digits (Python's exploded); IPv4 as text
    Exploded,
    /// The reverse DNS name: 4.3.2.1.in-addr.arpa, nibbles under ip6.arpa
    Reverse,
    /// A network or run of addresses as first-last (for iptables and ipset)
    Range,
}

impl Style {
    /// Styles that only change how one address is written.
    pub fn is_per_address(self) -> bool {
        !matches!(self, Style::Range)
    }
}

/// Room for the longest address in any style (128 binary digits), and the few bytes past
/// the end that table copies may write.
pub const MAX_ADDRESS_LEN: usize = 136;

/// One IPv4 octet as text: up to three digits and their count.
#[derive(Clone, Copy)]
pub struct Octet {
    pub digits: [u8; 4],
    pub len: u8,
}

/// Decimal text of every octet value.
pub static OCTETS: [Octet; 256] = octet_table();

const fn octet_table() -> [Octet; 256] {
    let mut table = [Octet {
        digits: [0; 4],
        len: 0,
    }; 256];
    let mut n = 0;
    while n < 256 {
        let (h, t, o) = ((n / 100) as u8, (n / 10 % 10) as u8, (n % 10) as u8);
        table[n] = if n >= 100 {
            Octet {
                digits: [b'0' + h, b'0' + t, b'0' + o, 0],
                len: 3,
            }
        } else if n >= 10 {
            Octet {
                digits: [b'0' + t, b'0' + o, 0, 0],
                len: 2,
            }
        } else {
            Octet {
                digits: [b'0' + o, 0, 0, 0],
                len: 1,
            }
        };
        n += 1;
    }
    table
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes `value` as lowercase hex without leading zeros; returns the length (1 to 4).
#[inline]
pub fn put_hex16(value: u16, out: &mut [u8]) -> usize {
    let len = (4 - (value.leading_zeros() as usize) / 4).max(1);
    for (i, slot) in out[..len].iter_mut().enumerate() {
        *slot = HEX[usize::from((value >> (4 * (len - 1 - i))) & 0xf)];
    }
    len
}

/// Writes dotted-quad `a.b.c.d`; returns the length.
#[inline]
pub fn put_v4(addr: u32, out: &mut [u8]) -> usize {
    let mut pos = 0;
    for (i, byte) in addr.to_be_bytes().into_iter().enumerate() {
        if i > 0 {
            out[pos] = b'.';
            pos += 1;
        }
        let octet = &OCTETS[usize::from(byte)];
        out[pos..pos + 4].copy_from_slice(&octet.digits);
        pos += usize::from(octet.len);
    }
    pos
}

/// True for `::ffff:a.b.c.d`.
pub fn is_v4_mapped(addr: u128) -> bool {
    addr >> 32 == 0xffff
}

/// Writes an IPv6 address in RFC 5952 form; returns the length.
pub fn put_v6(addr: u128, out: &mut [u8]) -> usize {
    if is_v4_mapped(addr) {
        out[..7].copy_from_slice(b"::ffff:");
        return 7 + put_v4(addr as u32, &mut out[7..]);
    }
    let groups: [u16; 8] = std::array::from_fn(|i| (addr >> (112 - 16 * i)) as u16);
    let (zero_start, zero_len) = longest_zero_run(&groups);
    let mut pos = 0;
    let mut i = 0;
    while i < 8 {
        if zero_len > 1 && i == zero_start {
            out[pos..pos + 2].copy_from_slice(b"::");
            pos += 2;
            i += zero_len;
            continue;
        }
        if i > 0 && !(zero_len > 1 && i == zero_start + zero_len) {
            out[pos] = b':';
            pos += 1;
        }
        pos += put_hex16(groups[i], &mut out[pos..]);
        i += 1;
    }
    pos
}

/// The leftmost longest run of zero groups: (start, length).
fn longest_zero_run(groups: &[u16; 8]) -> (usize, usize) {
    let (mut best_start, mut best_len) = (0, 0);
    let mut i = 0;
    while i < 8 {
        if groups[i] == 0 {
            let start = i;
            while i < 8 && groups[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                (best_start, best_len) = (start, i - start);
            }
        } else {
            i += 1;
        }
    }
    (best_start, best_len)
}

/// Writes `value` in decimal; returns the length.
pub fn put_dec(mut value: u128, out: &mut [u8]) -> usize {
    let mut digits = [0u8; 40];
    let mut n = 0;
    loop {
        digits[n] = b'0' + (value % 10) as u8;
        n += 1;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    for (slot, digit) in out[..n].iter_mut().zip(digits[..n].iter().rev()) {
        *slot = *digit;
    }
    n
}

/// Writes `value` in lowercase hex without leading zeros; returns the length.
pub fn put_hex(value: u128, out: &mut [u8]) -> usize {
    let len = (32 - (value.leading_zeros() as usize) / 4).max(1);
    for (i, slot) in out[..len].iter_mut().enumerate() {
        *slot = HEX[((value >> (4 * (len - 1 - i))) & 0xf) as usize];
    }
    len
}

/// Writes an address of `family` in `style`; returns the length (at most 39). `out` must
/// hold [`MAX_ADDRESS_LEN`] bytes: table copies may write a few bytes past the end.
pub fn put_address(family: Family, addr: u128, style: Style, out: &mut [u8]) -> usize {
    match (style, family) {
        (Style::Text | Style::Range, Family::V4) => put_v4(addr as u32, out),
        (Style::Text | Style::Range, Family::V6) => put_v6(addr, out),
        (Style::Dec, _) => put_dec(addr, out),
        (Style::Hex, _) => put_hex(addr, out),
        (Style::Bin, _) => put_bin(addr, family.bits(), out),
        (Style::Exploded, Family::V4) => put_v4(addr as u32, out),
        (Style::Exploded, Family::V6) => put_v6_exploded(addr, out),
        (Style::Reverse, Family::V4) => put_v4_reverse(addr as u32, out),
        (Style::Reverse, Family::V6) => put_v6_reverse(addr, out),
    }
}

/// `bits` binary digits, most significant first.
fn put_bin(addr: u128, bits: u8, out: &mut [u8]) -> usize {
    let bits = usize::from(bits);
    for (i, slot) in out[..bits].iter_mut().enumerate() {
        *slot = b'0' + ((addr >> (bits - 1 - i)) & 1) as u8;
    }
    bits
}

/// Eight four-digit groups; an IPv4-mapped address ends in its dotted quad, as Python
/// 3.13's `IPv6Address.exploded`.
fn put_v6_exploded(addr: u128, out: &mut [u8]) -> usize {
    put_v6_groups(addr, is_v4_mapped(addr), out)
}

/// Eight four-digit groups, or six and the dotted quad when `dotted_tail`. A network's
/// exploded form (`IPv6Network.exploded`) is always eight groups.
pub fn put_v6_groups(addr: u128, dotted_tail: bool, out: &mut [u8]) -> usize {
    let mapped = dotted_tail;
    let groups = if mapped { 6 } else { 8 };
    let mut pos = 0;
    for i in 0..groups {
        if i > 0 {
            out[pos] = b':';
            pos += 1;
        }
        let group = (addr >> (112 - 16 * i)) as u16;
        for shift in [12, 8, 4, 0] {
            out[pos] = HEX[usize::from((group >> shift) & 0xf)];
            pos += 1;
        }
    }
    if mapped {
        out[pos] = b':';
        pos += 1;
        pos += put_v4(addr as u32, &mut out[pos..]);
    }
    pos
}

/// `d.c.b.a.in-addr.arpa`.
fn put_v4_reverse(addr: u32, out: &mut [u8]) -> usize {
    let len = put_v4(addr.swap_bytes(), out);
    out[len..len + 13].copy_from_slice(b".in-addr.arpa");
    len + 13
}

/// The 32 nibbles, lowest first, then `ip6.arpa`.
fn put_v6_reverse(addr: u128, out: &mut [u8]) -> usize {
    for i in 0..32 {
        out[2 * i] = HEX[((addr >> (4 * i)) & 0xf) as usize];
        out[2 * i + 1] = b'.';
    }
    out[64..72].copy_from_slice(b"ip6.arpa");
    72
}

/// An address as text, for messages and the slower output paths.
pub fn address_text(family: Family, addr: u128) -> String {
    address_text_in(family, addr, Style::Text)
}

/// An address in `style`.
pub fn address_text_in(family: Family, addr: u128, style: Style) -> String {
    let mut buf = [0u8; MAX_ADDRESS_LEN];
    let len = put_address(family, addr, style, &mut buf);
    String::from_utf8_lossy(&buf[..len]).into_owned()
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use proptest::prelude::*;

    use super::*;

    fn v6(text: &str) -> String {
        address_text(
            Family::V6,
            text.parse::<Ipv6Addr>().expect("test address").to_bits(),
        )
    }

    #[test]
    fn ipv6_compression_matches_python() {
        assert_eq!(v6("::"), "::");
        assert_eq!(v6("::1"), "::1");
        assert_eq!(v6("1::"), "1::");
        assert_eq!(v6("1:0:0:1:0:0:0:1"), "1:0:0:1::1");
        assert_eq!(v6("1:0:0:1:1:0:0:1"), "1::1:1:0:0:1");
        assert_eq!(v6("1:0:1:1:1:1:1:1"), "1:0:1:1:1:1:1:1");
        assert_eq!(
            v6("12:3456:78:90ab:cd:ef01:23:30"),
            "12:3456:78:90ab:cd:ef01:23:30"
        );
        assert_eq!(v6("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(v6("2001:DB8::00FF"), "2001:db8::ff");
    }

    #[test]
    fn integers_print_like_prips() {
        let text = |style, addr| address_text_in(Family::V6, addr, style);
        assert_eq!(text(Style::Dec, 0x0a00_0000), "167772160");
        assert_eq!(text(Style::Hex, 0x0a00_0000), "a000000");
        assert_eq!(text(Style::Hex, 0), "0");
        assert_eq!(text(Style::Dec, u128::MAX), u128::MAX.to_string());
    }

    #[test]
    fn python_forms() {
        let v4 = u128::from(u32::from_be_bytes([127, 0, 0, 1]));
        assert_eq!(
            address_text_in(Family::V4, v4, Style::Reverse),
            "1.0.0.127.in-addr.arpa"
        );
        assert_eq!(
            address_text_in(Family::V4, v4, Style::Bin),
            "01111111000000000000000000000001"
        );
        let addr = "2001:db8::1"
            .parse::<Ipv6Addr>()
            .expect("test address")
            .to_bits();
        assert_eq!(
            address_text_in(Family::V6, addr, Style::Reverse),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
        assert_eq!(
            address_text_in(Family::V6, addr, Style::Exploded),
            "2001:0db8:0000:0000:0000:0000:0000:0001"
        );
        let mapped = "::ffff:1.2.3.4"
            .parse::<Ipv6Addr>()
            .expect("test address")
            .to_bits();
        assert_eq!(
            address_text_in(Family::V6, mapped, Style::Exploded),
            "0000:0000:0000:0000:0000:ffff:1.2.3.4"
        );
        assert_eq!(address_text_in(Family::V6, mapped, Style::Bin).len(), 128);
    }

    proptest! {
        #[test]
        fn ipv4_text_matches_std(addr: u32) {
            prop_assert_eq!(address_text(Family::V4, u128::from(addr)), Ipv4Addr::from_bits(addr).to_string());
        }

        // Rust's std also writes RFC 5952 with mapped addresses in dotted form.
        #[test]
        fn ipv6_text_matches_std(groups in proptest::array::uniform8(prop_oneof![Just(0u16), Just(1u16), any::<u16>()])) {
            let addr = Ipv6Addr::from(groups);
            prop_assert_eq!(address_text(Family::V6, addr.to_bits()), addr.to_string());
        }
    }
}

//! Writing a large captured stream as a JSON string, fast.
//!
//! serde_json escapes byte by byte and hands the writer one small piece per escape; for the
//! hundreds of megabytes `--json` may hold, that dominated the whole run. Here the next byte
//! that needs an escape is found sixteen bytes at a time (SSE2 on x86-64; eight at a time in a
//! `u64` elsewhere and for the last few bytes), the runs between escapes are copied whole into
//! a chunk buffer, and the buffer is written out once it is large. The escapes are the ones
//! serde_json writes, so the output is what `serde_json::to_string` would give (the property
//! tests check exactly that).

use std::io::{self, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// How much output is gathered before it is written.
const CHUNK: usize = 1 << 20;

/// Writes `text` (valid UTF-8) as a quoted, escaped JSON string. Bytes, not `&str`, so that
/// a caller that has validated them once need not do it again.
pub fn write_text(out: &mut dyn Write, text: &[u8]) -> io::Result<()> {
    let mut buffer = Vec::with_capacity(CHUNK + CHUNK / 4);
    buffer.push(b'"');
    for piece in text.chunks(CHUNK) {
        escape_into(&mut buffer, piece);
        out.write_all(&buffer)?;
        buffer.clear();
    }
    buffer.push(b'"');
    out.write_all(&buffer)
}

/// Writes `bytes` base64-encoded as a JSON string (base64 needs no escaping).
pub fn write_base64(out: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    // A multiple of 3 input bytes encodes without padding, so the pieces join up.
    const PIECE: usize = 3 * (CHUNK / 4);
    let mut buffer = vec![0; CHUNK];
    out.write_all(b"\"")?;
    for piece in bytes.chunks(PIECE) {
        let n = STANDARD
            .encode_slice(piece, &mut buffer)
            .map_err(io::Error::other)?;
        out.write_all(&buffer[..n])?;
    }
    out.write_all(b"\"")
}

/// Appends `bytes` with JSON escapes (the bytes are part of valid UTF-8; multi-byte
/// characters pass through unchanged, so a chunk may split one).
fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut run_start = 0;
    let mut i = 0;
    loop {
        i = next_escape(bytes, i);
        let Some((&byte, letter)) = bytes.get(i).and_then(|b| Some((b, escape_of(*b)?))) else {
            break;
        };
        out.extend_from_slice(&bytes[run_start..i]);
        write_escape(out, byte, letter);
        i += 1;
        run_start = i;
    }
    out.extend_from_slice(&bytes[run_start..]);
}

/// The index of the first byte at or after `from` that needs escaping, or `bytes.len()`.
fn next_escape(bytes: &[u8], from: usize) -> usize {
    let mut i = simd_next_escape(bytes, from);
    while let Some(Ok(word)) = bytes.get(i..i + 8).map(<[u8; 8]>::try_from) {
        let mask = escape_mask(u64::from_le_bytes(word));
        if mask != 0 {
            // The lowest flagged byte is always a real one (false flags only appear above a
            // real one), and little-endian puts the first byte lowest.
            return i + (mask.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && escape_of(bytes[i]).is_none() {
        i += 1;
    }
    i
}

/// Sixteen bytes at a time with SSE2 (always there on x86-64): the index of the first byte to
/// escape, or where fewer than sixteen bytes are left.
#[cfg(target_arch = "x86_64")]
fn simd_next_escape(bytes: &[u8], i: usize) -> usize {
    // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
    unsafe { sse2_next_escape(bytes, i) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn sse2_next_escape(bytes: &[u8], mut i: usize) -> usize {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    let quote = _mm_set1_epi8(b'"' as i8);
    let backslash = _mm_set1_epi8(b'\\' as i8);
    let last_control = _mm_set1_epi8(0x1f);
    while let Some(block) = bytes.get(i..i + 16) {
        // SAFETY: `block` is 16 readable bytes, and this load has no alignment requirement.
        let v = unsafe { _mm_loadu_si128(block.as_ptr().cast()) };
        // v <= 0x1f (unsigned) exactly when min(v, 0x1f) == v.
        let control = _mm_cmpeq_epi8(_mm_min_epu8(v, last_control), v);
        let special = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
        let mask = _mm_movemask_epi8(_mm_or_si128(control, special)) as u32;
        if mask != 0 {
            return i + mask.trailing_zeros() as usize;
        }
        i += 16;
    }
    i
}

#[cfg(not(target_arch = "x86_64"))]
fn simd_next_escape(_bytes: &[u8], i: usize) -> usize {
    i
}

/// The high bit of each byte of `word` that may be a control character, `"` or `\`: zero
/// when none is, and the lowest set bit marks the first that is.
fn escape_mask(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    below_space | quote | backslash
}

/// For each byte, the letter after the backslash that escapes it (`u` for `\u00XX`), or 0
/// when it needs no escape. A table, because newlines (one every line) make this hot.
const ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table
};

/// The escape letter for `byte`, or `None` when it goes out as it is.
fn escape_of(byte: u8) -> Option<u8> {
    Some(ESCAPES[usize::from(byte)]).filter(|&letter| letter != 0)
}

/// Appends the escape for `byte`, whose escape letter is `letter`.
fn write_escape(out: &mut Vec<u8>, byte: u8, letter: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    if letter == b'u' {
        out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 0xf)],
        ]);
    } else {
        out.extend_from_slice(&[b'\\', letter]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text_json(text: &str) -> String {
        let mut out = Vec::new();
        write_text(&mut out, text.as_bytes()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_like_serde_json() {
        for text in [
            "",
            "plain",
            "a\"b\\c\nd\re\tf\u{8}\u{c}\u{0}\u{1f}\u{7f}",
            "héllo wörld ✓",
        ] {
            assert_eq!(text_json(text), serde_json::to_string(text).unwrap());
        }
    }

    #[test]
    fn base64_pieces_join_up() {
        let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        write_base64(&mut out, &bytes).unwrap();
        assert_eq!(out, format!("\"{}\"", STANDARD.encode(&bytes)).into_bytes());
    }

    proptest! {
        #[test]
        fn is_exactly_serde_json(text in "\\PC*|[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(text_json(&text), serde_json::to_string(&text).unwrap());
        }

        #[test]
        fn long_texts_are_exactly_serde_json(text in "[a-z \"\\\\\n\t\u{1}\u{7f}é✓]{0,300}") {
            prop_assert_eq!(text_json(&text), serde_json::to_string(&text).unwrap());
        }

        #[test]
        fn word_check_finds_the_first_byte_to_escape(word in any::<[u8; 8]>()) {
            let first = word.iter().position(|&b| escape_of(b).is_some());
            let mask = escape_mask(u64::from_le_bytes(word));
            let found = (mask != 0).then(|| (mask.trailing_zeros() / 8) as usize);
            prop_assert_eq!(found, first);
        }
    }
}

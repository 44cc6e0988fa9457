//! Writing a large captured stream as a JSON string, fast.
//!
//! serde_json escapes byte by byte and hands the writer one small piece per escape; for the
//! hundreds of megabytes `--json` may hold, that dominated the whole run. Here the text goes
//! sixteen bytes at a time (SSE2 on x86-64): each block is stored into the output whole and
//! then checked, so a block with nothing to escape costs one load, one store and one compare,
//! and a run between escapes needs no separate copy. The last few bytes, and all of them on
//! other machines, go through `csv-convert`'s JSON string writer
//! ([`escape_into`], eight bytes at a time in a `u64`), whose escape table this shares. The
//! escapes are the ones serde_json writes, so the output is what `serde_json::to_string` would
//! give (the property tests check exactly that).

use std::io::{self, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::tabular::json_escape::{ESCAPE_SEQUENCES, escape_into};

/// How much input is escaped before the output is written.
const PIECE: usize = 1 << 20;

/// The most output one input byte becomes (`\u00XX`).
const WORST: usize = 6;

/// Room past the worst case for the whole-block stores, which may run ahead of the output.
const SLACK: usize = 16;

/// Writes `text` (valid UTF-8) as a quoted, escaped JSON string. Bytes, not `&str`, so that
/// a caller that has validated them once need not do it again.
pub fn write_text(out: &mut dyn Write, text: &[u8]) -> io::Result<()> {
    // Address space for the worst case; only the pages the output reaches are touched.
    let mut buffer = Vec::with_capacity(WORST * PIECE.min(text.len()) + SLACK + 2);
    buffer.push(b'"');
    for piece in text.chunks(PIECE) {
        escape_piece(&mut buffer, piece);
        out.write_all(&buffer)?;
        buffer.clear();
    }
    buffer.push(b'"');
    out.write_all(&buffer)
}

/// Writes `bytes` base64-encoded as a JSON string (base64 needs no escaping).
pub fn write_base64(out: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    // A multiple of 3 input bytes encodes without padding, so the pieces join up.
    const ENCODED: usize = 1 << 20;
    const PIECE: usize = 3 * (ENCODED / 4);
    let mut buffer = vec![0; ENCODED];
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
/// characters pass through unchanged, so a piece may split one).
#[cfg(target_arch = "x86_64")]
fn escape_piece(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(WORST * bytes.len() + SLACK);
    let start = out.len();
    // SAFETY: SSE2 is part of the x86-64 baseline; the reserve above leaves room for the
    // worst case plus the slack `sse2_escape` needs; it returns how much it initialised.
    let (read, written) = unsafe { sse2_escape(bytes, out.as_mut_ptr().add(start)) };
    // SAFETY: `sse2_escape` wrote the first `written` bytes past `start`.
    unsafe { out.set_len(start + written) };
    escape_into(out, &bytes[read..]);
}

#[cfg(not(target_arch = "x86_64"))]
fn escape_piece(out: &mut Vec<u8>, bytes: &[u8]) {
    escape_into(out, bytes);
}

/// Escapes whole sixteen-byte blocks of `bytes` into `dst`, stopping when fewer than sixteen
/// are left; returns how many bytes it read and how many it wrote.
///
/// # Safety
/// `dst` must have room for `WORST * bytes.len() + SLACK` bytes: every byte read becomes at
/// most [`WORST`] written, and a store may write up to sixteen bytes (an escape eight) past
/// the output so far.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
unsafe fn sse2_escape(bytes: &[u8], dst: *mut u8) -> (usize, usize) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_storeu_si128,
    };
    let quote = _mm_set1_epi8(b'"' as i8);
    let backslash = _mm_set1_epi8(b'\\' as i8);
    let last_control = _mm_set1_epi8(0x1f);
    let (mut i, mut o) = (0, 0);
    while i + 16 <= bytes.len() {
        // SAFETY: bytes[i..i + 16] is readable; `dst + o` has sixteen bytes of room (see
        // above); neither load nor store needs alignment.
        let v = unsafe { _mm_loadu_si128(bytes.as_ptr().add(i).cast::<__m128i>()) };
        unsafe { _mm_storeu_si128(dst.add(o).cast::<__m128i>(), v) };
        // v <= 0x1f (unsigned) exactly when min(v, 0x1f) == v.
        let control = _mm_cmpeq_epi8(_mm_min_epu8(v, last_control), v);
        let special = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
        let mask = _mm_movemask_epi8(_mm_or_si128(control, special)) as u32;
        if mask == 0 {
            i += 16;
            o += 16;
            continue;
        }
        // The bytes before the first escape are already in place; the escape overwrites the
        // rest of the stored block, and the next block starts just after the escaped byte.
        let clean = mask.trailing_zeros() as usize;
        i += clean;
        o += clean;
        let (sequence, len) = ESCAPE_SEQUENCES[usize::from(bytes[i])];
        // SAFETY: eight bytes of room at `dst + o` (see above).
        unsafe { std::ptr::copy_nonoverlapping(sequence.as_ptr(), dst.add(o), 8) };
        i += 1;
        o += usize::from(len);
    }
    (i, o)
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

    #[test]
    fn pieces_join_up_even_through_a_character() {
        // A three-byte character across the first piece boundary, escapes on both sides of
        // it, and long runs with nothing to escape.
        let mut text = "a".repeat(PIECE - 2);
        text.push('✓');
        text.push_str("\n\"\\\u{1}");
        text.push_str(&"plain text, no escapes ".repeat(100_000));
        text.push_str("\t\u{7f}é");
        assert_eq!(text_json(&text), serde_json::to_string(&text).unwrap());
    }

    proptest! {
        #[test]
        fn random_bytes_as_text_are_exactly_serde_json(bytes in prop::collection::vec(any::<u8>(), 0..700)) {
            let text = String::from_utf8_lossy(&bytes);
            prop_assert_eq!(text_json(&text), serde_json::to_string(&text).unwrap());
        }

        #[test]
        fn escapes_anywhere_in_a_block_are_exactly_serde_json(
            len in 0usize..80,
            escapes in prop::collection::vec((0usize..80, prop::sample::select(vec!['\n', '"', '\\', '\u{0}', '\u{1f}', '\t', 'é', '✓'])), 0..6),
        ) {
            let mut chars: Vec<char> = "abcdefghij".chars().cycle().take(len).collect();
            for (at, c) in escapes {
                if at < chars.len() {
                    chars[at] = c;
                }
            }
            let text: String = chars.into_iter().collect();
            prop_assert_eq!(text_json(&text), serde_json::to_string(&text).unwrap());
        }

        #[test]
        fn is_exactly_serde_json(text in "\\PC*|[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(text_json(&text), serde_json::to_string(&text).unwrap());
        }

        #[test]
        fn long_texts_are_exactly_serde_json(text in "[a-z \"\\\\\n\t\u{1}\u{7f}é✓]{0,300}") {
            prop_assert_eq!(text_json(&text), serde_json::to_string(&text).unwrap());
        }
    }
}

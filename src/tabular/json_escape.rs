//! How JSON strings are escaped, shared by everything that reads or writes them: the JSON
//! writer, the JSON reader (whose string scan stops exactly at the bytes escaped here), the
//! CSV-to-JSON-Lines transcoder and run-cmd's `--json` capture. The escapes are serde_json's,
//! so output is what `serde_json::to_string` would give.

use super::row::RunScanner;

/// The bytes a JSON string escapes, for [`CsvReader::watch_for`](super::csv_read::CsvReader::watch_for).
pub fn json_specials() -> Vec<u8> {
    (0..=255u8)
        .filter(|&b| NEEDS_ESCAPE[usize::from(b)])
        .collect()
}

/// Writes `bytes` (UTF-8) as a JSON string: quotes, backslashes and control characters
/// escaped, everything else verbatim.
#[inline]
pub fn write_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    escape_into(out, bytes);
    out.push(b'"');
}

/// Appends `bytes` (UTF-8, or a piece of it) with JSON escapes, without the quotes.
#[inline]
pub fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut i = 0;
    while i < bytes.len() {
        let run = STRING_SCANNER.run_length(&bytes[i..]);
        out.extend_from_slice(&bytes[i..i + run]);
        i += run;
        let Some(&b) = bytes.get(i) else { break };
        push_escaped(out, b);
        i += 1;
    }
}

/// The scanner for the bytes [`write_string`] escapes, made once for every caller.
pub static STRING_SCANNER: RunScanner = RunScanner::new(&NEEDS_ESCAPE);

/// Writes one byte of a JSON string, escaped if [`json_specials`] holds it.
#[inline]
pub fn push_escaped(out: &mut Vec<u8>, b: u8) {
    let (sequence, len) = &ESCAPE_SEQUENCES[usize::from(b)];
    if *len == 0 {
        out.push(b);
    } else {
        out.extend_from_slice(&sequence[..usize::from(*len)]);
    }
}

/// What each byte becomes in a JSON string, serde_json's escapes: the escape padded to eight
/// bytes (so a SIMD writer can store it whole) and its length, 0 for a byte that goes out as
/// it is.
pub(crate) static ESCAPE_SEQUENCES: [([u8; 8], u8); 256] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut table = [([0u8; 8], 0u8); 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = (
            [b'\\', b'u', b'0', b'0', HEX[b >> 4], HEX[b & 0xf], 0, 0],
            6,
        );
        b += 1;
    }
    let short = [
        (b'"', b'"'),
        (b'\\', b'\\'),
        (b'\n', b'n'),
        (b'\r', b'r'),
        (b'\t', b't'),
        (0x08, b'b'),
        (0x0c, b'f'),
    ];
    let mut k = 0;
    while k < short.len() {
        let (byte, letter) = short[k];
        table[byte as usize] = ([b'\\', letter, 0, 0, 0, 0, 0, 0], 2);
        k += 1;
    }
    table
};

/// Bytes a JSON string cannot hold as they are: quote, backslash, control characters.
pub static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = ESCAPE_SEQUENCES[b].1 != 0;
        b += 1;
    }
    table
};

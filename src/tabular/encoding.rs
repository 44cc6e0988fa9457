//! Character encodings for `--encoding` (input) and `--out-encoding` (CSV output): names, the
//! byte order mark rule and UTF-16 sniffing. The readers and writers work in UTF-8 only;
//! [`decode`] turns any other input into UTF-8 as a stream, [`encode`] turns CSV output back.
//!
//! Names are WHATWG labels (the `encoding_rs` crate, as in Firefox) with Python's codec names
//! accepted too. Where the two disagree Python wins, since Python is the reference this tool
//! follows: `latin-1` (and `iso-8859-1`, `latin1`, `l1`, ...) is ISO-8859-1 proper, every byte
//! U+0000-U+00FF, where WHATWG makes those labels windows-1252; `ascii` is 7-bit; `utf-16` is
//! little-endian and, on output, starts with a BOM; `utf-8-sig` is UTF-8 with a BOM.

use std::io::{self, Read};

use anyhow::{Context, Result};
use encoding_rs::Encoding;

pub mod decode;
pub mod encode;

/// A character set this tool can read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// UTF-8, read natively (validated by the readers themselves).
    Utf8,
    /// UTF-16, either byte order (decoded by `encoding_rs`, encoded here).
    Utf16 { big_endian: bool },
    /// Python's `latin-1`: byte n is U+00nn.
    Latin1,
    /// Python's `ascii`: 7-bit only.
    Ascii,
    /// Any other WHATWG encoding.
    Whatwg(&'static Encoding),
}

impl Charset {
    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::Utf16 { big_endian: false } => "UTF-16LE",
            Charset::Utf16 { big_endian: true } => "UTF-16BE",
            Charset::Latin1 => "latin-1",
            Charset::Ascii => "ASCII",
            Charset::Whatwg(encoding) => encoding.name(),
        }
    }

    fn is_unicode(self) -> bool {
        matches!(self, Charset::Utf8 | Charset::Utf16 { .. })
    }
}

/// An encoding as named on the command line: the character set, and whether the name
/// implies a byte order mark on output (Python's `utf-8-sig` and `utf-16`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    pub charset: Charset,
    pub bom: bool,
}

/// What `--encoding` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputEncoding {
    /// A BOM, else UTF-16 recognised by its NUL bytes, else UTF-8.
    Auto,
    Named(Charset),
}

impl Default for InputEncoding {
    fn default() -> InputEncoding {
        InputEncoding::Named(Charset::Utf8)
    }
}

/// Parses `--encoding`: `auto` or an encoding name.
pub fn parse_input_encoding(name: &str) -> Result<InputEncoding, String> {
    if name.eq_ignore_ascii_case("auto") {
        return Ok(InputEncoding::Auto);
    }
    lookup(name).map(|named| InputEncoding::Named(named.charset))
}

/// Parses `--out-encoding`.
pub fn parse_output_encoding(name: &str) -> Result<Named, String> {
    lookup(name)
}

/// Checks that a BOM can be written in `charset` (`--bom`).
pub fn check_bom(charset: Charset) -> Result<(), String> {
    if charset.is_unicode() {
        Ok(())
    } else {
        Err(format!(
            "--bom needs a Unicode output encoding (utf-8, utf-16le or utf-16be), not {}",
            charset.name()
        ))
    }
}

/// Python codec names (after Python's own normalisation: lowercase, `-` and spaces as `_`)
/// whose meaning differs from the WHATWG label of the same spelling, or that WHATWG lacks.
const PYTHON_NAMES: &[(&[&str], Named)] = &[
    (
        &[
            "utf_8",
            "utf8",
            "u8",
            "utf",
            "cp65001",
            "utf8_ucs2",
            "utf8_ucs4",
        ],
        Named {
            charset: Charset::Utf8,
            bom: false,
        },
    ),
    (
        &["utf_8_sig", "utf8_sig"],
        Named {
            charset: Charset::Utf8,
            bom: true,
        },
    ),
    (
        &["utf_16", "utf16", "u16"],
        Named {
            charset: Charset::Utf16 { big_endian: false },
            bom: true,
        },
    ),
    (
        &["utf_16_le", "utf_16le", "utf16le", "unicodelittleunmarked"],
        Named {
            charset: Charset::Utf16 { big_endian: false },
            bom: false,
        },
    ),
    (
        &["utf_16_be", "utf_16be", "utf16be", "unicodebigunmarked"],
        Named {
            charset: Charset::Utf16 { big_endian: true },
            bom: false,
        },
    ),
    (
        &[
            "latin_1",
            "latin1",
            "latin",
            "l1",
            "iso8859_1",
            "iso_8859_1",
            "iso8859",
            "8859",
            "cp819",
            "ibm819",
            "iso_8859_1_1987",
            "iso_ir_100",
            "csisolatin1",
        ],
        Named {
            charset: Charset::Latin1,
            bom: false,
        },
    ),
    (
        &[
            "ascii",
            "us_ascii",
            "646",
            "ansi_x3.4_1968",
            "ansi_x3_4_1968",
            "ansi_x3.4_1986",
            "cp367",
            "csascii",
            "ibm367",
            "iso646_us",
            "iso_646.irv_1991",
            "iso_ir_6",
            "us",
        ],
        Named {
            charset: Charset::Ascii,
            bom: false,
        },
    ),
    (
        &["cp932", "ms932", "mskanji", "ms_kanji"],
        whatwg(encoding_rs::SHIFT_JIS),
    ),
    (&["cp936", "ms936"], whatwg(encoding_rs::GBK)),
    (&["cp949", "ms949", "uhc"], whatwg(encoding_rs::EUC_KR)),
    (&["cp950", "ms950"], whatwg(encoding_rs::BIG5)),
    (
        &["mac_roman", "macroman", "macintosh"],
        whatwg(encoding_rs::MACINTOSH),
    ),
    (
        &["mac_cyrillic", "maccyrillic"],
        whatwg(encoding_rs::X_MAC_CYRILLIC),
    ),
];

const fn whatwg(encoding: &'static Encoding) -> Named {
    Named {
        charset: Charset::Whatwg(encoding),
        bom: false,
    }
}

/// Resolves an encoding name: Python's meaning first where it differs, then the WHATWG label
/// (as given, then with Python's `_` read as `-`).
pub fn lookup(name: &str) -> Result<Named, String> {
    let python = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    if let Some((_, named)) = PYTHON_NAMES
        .iter()
        .find(|(names, _)| names.contains(&python.as_str()))
    {
        return Ok(*named);
    }
    let encoding = Encoding::for_label(name.trim().as_bytes())
        .or_else(|| Encoding::for_label(python.replace('_', "-").as_bytes()))
        .ok_or_else(|| {
            format!(
                "unknown encoding {name:?}; use a WHATWG label or a Python codec name such as \
                 utf-8, utf-8-sig, utf-16, utf-16le, latin-1, cp1252, iso-8859-15, shift_jis, \
                 gb18030"
            )
        })?;
    Ok(match encoding {
        e if e == encoding_rs::UTF_8 => Named {
            charset: Charset::Utf8,
            bom: false,
        },
        e if e == encoding_rs::UTF_16LE => Named {
            charset: Charset::Utf16 { big_endian: false },
            bom: false,
        },
        e if e == encoding_rs::UTF_16BE => Named {
            charset: Charset::Utf16 { big_endian: true },
            bom: false,
        },
        e if e == encoding_rs::REPLACEMENT => {
            return Err(format!(
                "{name:?} names an encoding that browsers refuse to decode (WHATWG's \
                 \"replacement\"); it is not supported"
            ));
        }
        e => whatwg(e),
    })
}

/// How many bytes `--encoding auto` looks at to recognise UTF-16 without a BOM.
const SNIFF_BYTES: usize = 4096;

/// The input as UTF-8: the encoding chosen by a BOM (which always wins, as with Python's
/// `utf-8-sig` and `utf-16`), else by `--encoding`. Native UTF-8 is returned as it is, BOM
/// included, for the reader's own BOM rule; anything else is decoded as a stream, its BOM
/// already consumed. Also returns the character set chosen.
pub fn open_decoded(
    src: Box<dyn Read>,
    wanted: InputEncoding,
    lossy: bool,
) -> Result<(Box<dyn Read>, Charset)> {
    let peek_len = match wanted {
        InputEncoding::Auto => SNIFF_BYTES,
        InputEncoding::Named(_) => 3,
    };
    let mut src = src;
    let mut head = Vec::with_capacity(peek_len);
    (&mut src)
        .take(peek_len as u64)
        .read_to_end(&mut head)
        .context("cannot read the input")?;
    let (charset, bom_len) = match head.as_slice() {
        [0xEF, 0xBB, 0xBF, ..] => (Charset::Utf8, 0),
        [0xFF, 0xFE, ..] => (Charset::Utf16 { big_endian: false }, 2),
        [0xFE, 0xFF, ..] => (Charset::Utf16 { big_endian: true }, 2),
        _ => match wanted {
            InputEncoding::Named(charset) => (charset, 0),
            InputEncoding::Auto => (sniff_utf16(&head).unwrap_or(Charset::Utf8), 0),
        },
    };
    let offset = bom_len as u64;
    head.drain(..bom_len);
    let rest: Box<dyn Read> = Box::new(io::Cursor::new(head).chain(src));
    if charset == Charset::Utf8 && !lossy {
        return Ok((rest, charset));
    }
    Ok((
        Box::new(decode::Decoding::new(rest, charset, lossy, offset)),
        charset,
    ))
}

/// UTF-16 without a BOM, recognised as `--encoding auto` does: in mostly-ASCII UTF-16 text
/// every other byte is NUL. At least a quarter of the code units must have their high byte
/// NUL on one side, and the other side (almost) none.
fn sniff_utf16(head: &[u8]) -> Option<Charset> {
    let units = head.len() / 2;
    if units < 2 {
        return None;
    }
    let (mut even, mut odd) = (0, 0);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let enough = units.div_ceil(4);
    if odd >= enough && even * 16 <= odd {
        Some(Charset::Utf16 { big_endian: false })
    } else if even >= enough && odd * 16 <= even {
        Some(Charset::Utf16 { big_endian: true })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_names_win_where_whatwg_disagrees() {
        assert_eq!(lookup("latin-1").unwrap().charset, Charset::Latin1);
        assert_eq!(lookup("ISO-8859-1").unwrap().charset, Charset::Latin1);
        assert_eq!(lookup("ascii").unwrap().charset, Charset::Ascii);
        assert_eq!(
            lookup("utf_16").unwrap(),
            Named {
                charset: Charset::Utf16 { big_endian: false },
                bom: true
            }
        );
        assert_eq!(
            lookup("utf-8-sig").unwrap(),
            Named {
                charset: Charset::Utf8,
                bom: true
            }
        );
        assert_eq!(
            lookup("cp1252").unwrap().charset,
            Charset::Whatwg(encoding_rs::WINDOWS_1252)
        );
        assert_eq!(
            lookup("windows-1252").unwrap().charset,
            Charset::Whatwg(encoding_rs::WINDOWS_1252)
        );
        assert_eq!(
            lookup("iso8859_15").unwrap().charset,
            Charset::Whatwg(encoding_rs::ISO_8859_15)
        );
        assert_eq!(
            lookup("Shift_JIS").unwrap().charset,
            Charset::Whatwg(encoding_rs::SHIFT_JIS)
        );
        assert_eq!(
            lookup("gb18030").unwrap().charset,
            Charset::Whatwg(encoding_rs::GB18030)
        );
        assert_eq!(
            lookup("utf-16be").unwrap().charset,
            Charset::Utf16 { big_endian: true }
        );
        assert!(lookup("klingon").is_err());
        assert!(lookup("iso-2022-kr").is_err());
    }

    #[test]
    fn utf16_is_sniffed_from_its_nul_bytes() {
        let le: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(sniff_utf16(&le), Some(Charset::Utf16 { big_endian: false }));
        assert_eq!(sniff_utf16(&be), Some(Charset::Utf16 { big_endian: true }));
        assert_eq!(sniff_utf16(b"a,b\n1,2\n"), None);
        assert_eq!(sniff_utf16(b"a\0"), None);
    }
}

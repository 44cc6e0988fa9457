//! CSV output in another encoding (`--out-encoding`, `--bom`): the writer's UTF-8 blocks are
//! encoded as they are handed on, so the bytes are what Python writes with
//! `open(path, "w", encoding=NAME, newline="")` and `csv.writer`.
//!
//! A character the encoding cannot hold stops the output with [`EncodeError::Unmappable`],
//! which the caller turns into an error naming the record and field; under `--lossy` it is
//! written as a numeric character reference (`&#8364;`, Python's `xmlcharrefreplace`), which
//! loses nothing.

use std::io::{self, Write};

use encoding_rs::{CoderResult, EncoderResult};

use super::{Charset, Named};

/// Encoded output is handed on in pieces about this big.
const PIECE: usize = 64 * 1024;

/// Why a block could not be written.
#[derive(Debug)]
pub enum EncodeError {
    Io(io::Error),
    /// `ch`, at byte `offset` of the block, has no representation in `encoding`.
    Unmappable {
        offset: usize,
        ch: char,
        encoding: &'static str,
    },
}

impl From<io::Error> for EncodeError {
    fn from(e: io::Error) -> EncodeError {
        EncodeError::Io(e)
    }
}

enum Codec {
    Utf8,
    Utf16 { big_endian: bool },
    Latin1,
    Ascii,
    Rs(encoding_rs::Encoder),
}

/// Encodes UTF-8 text into the output encoding.
pub struct Encoder {
    codec: Codec,
    name: &'static str,
    /// The byte order mark still to be written before the first byte of output.
    bom: &'static [u8],
    lossy: bool,
    scratch: Vec<u8>,
}

impl Encoder {
    /// An encoder for `named`, starting with a BOM when `bom` or the name implies one.
    pub fn new(named: Named, bom: bool, lossy: bool) -> Encoder {
        let with_bom = bom || named.bom;
        let (codec, mark): (Codec, &'static [u8]) = match named.charset {
            Charset::Utf8 => (Codec::Utf8, b"\xEF\xBB\xBF"),
            Charset::Utf16 { big_endian } => (
                Codec::Utf16 { big_endian },
                if big_endian { b"\xFE\xFF" } else { b"\xFF\xFE" },
            ),
            Charset::Latin1 => (Codec::Latin1, b""),
            Charset::Ascii => (Codec::Ascii, b""),
            Charset::Whatwg(encoding) => (Codec::Rs(encoding.new_encoder()), b""),
        };
        Encoder {
            codec,
            name: named.charset.name(),
            bom: if with_bom { mark } else { b"" },
            lossy,
            scratch: Vec::with_capacity(PIECE + 64),
        }
    }

    /// True when output passes through unchanged (UTF-8 with no BOM to add).
    pub fn is_identity(&self) -> bool {
        matches!(self.codec, Codec::Utf8) && self.bom.is_empty()
    }

    /// Writes `text` (UTF-8, whole characters) encoded.
    pub fn write(&mut self, text: &[u8], out: &mut dyn Write) -> Result<(), EncodeError> {
        if text.is_empty() {
            return Ok(());
        }
        if !self.bom.is_empty() {
            out.write_all(std::mem::take(&mut self.bom))?;
        }
        let text =
            std::str::from_utf8(text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let Encoder {
            codec,
            name,
            lossy,
            scratch,
            ..
        } = self;
        scratch.clear();
        match codec {
            Codec::Utf8 => out.write_all(text.as_bytes())?,
            Codec::Utf16 { big_endian } => {
                for unit in text.encode_utf16() {
                    scratch.extend_from_slice(&if *big_endian {
                        unit.to_be_bytes()
                    } else {
                        unit.to_le_bytes()
                    });
                    if scratch.len() >= PIECE {
                        out.write_all(scratch)?;
                        scratch.clear();
                    }
                }
            }
            Codec::Latin1 | Codec::Ascii => {
                let limit = if matches!(codec, Codec::Latin1) {
                    0x100
                } else {
                    0x80
                };
                for (offset, ch) in text.char_indices() {
                    let code = u32::from(ch);
                    if code < limit {
                        scratch.push(code as u8);
                    } else if *lossy {
                        scratch.extend_from_slice(format!("&#{code};").as_bytes());
                    } else {
                        out.write_all(scratch)?;
                        return Err(EncodeError::Unmappable {
                            offset,
                            ch,
                            encoding: name,
                        });
                    }
                    if scratch.len() >= PIECE {
                        out.write_all(scratch)?;
                        scratch.clear();
                    }
                }
            }
            Codec::Rs(encoder) => encode_whatwg(encoder, text, *lossy, scratch, out, name)?,
        }
        out.write_all(scratch)?;
        scratch.clear();
        Ok(())
    }

    /// Ends the output: a stateful encoding (ISO-2022-JP) returns to ASCII.
    pub fn finish(&mut self, out: &mut dyn Write) -> Result<(), EncodeError> {
        if let Codec::Rs(encoder) = &mut self.codec {
            let mut tail = [0u8; 16];
            let (_, _, written, _) = encoder.encode_from_utf8("", &mut tail, true);
            out.write_all(&tail[..written])?;
        }
        Ok(())
    }
}

fn encode_whatwg(
    encoder: &mut encoding_rs::Encoder,
    text: &str,
    lossy: bool,
    scratch: &mut Vec<u8>,
    out: &mut dyn Write,
    name: &'static str,
) -> Result<(), EncodeError> {
    let mut read = 0;
    scratch.resize(PIECE, 0);
    loop {
        let rest = &text[read..];
        let (done, n, written) = if lossy {
            let (result, n, written, _) = encoder.encode_from_utf8(rest, scratch, false);
            (result == CoderResult::InputEmpty, n, written)
        } else {
            let (result, n, written) =
                encoder.encode_from_utf8_without_replacement(rest, scratch, false);
            if let EncoderResult::Unmappable(ch) = result {
                out.write_all(&scratch[..written])?;
                scratch.clear();
                return Err(EncodeError::Unmappable {
                    offset: read + n - ch.len_utf8(),
                    ch,
                    encoding: name,
                });
            }
            (result == EncoderResult::InputEmpty, n, written)
        };
        out.write_all(&scratch[..written])?;
        read += n;
        if done {
            scratch.clear();
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(name: &str, bom: bool, lossy: bool, text: &str) -> Result<Vec<u8>, EncodeError> {
        let named = super::super::lookup(name).unwrap();
        let mut encoder = Encoder::new(named, bom, lossy);
        let mut out = Vec::new();
        encoder.write(text.as_bytes(), &mut out)?;
        encoder.finish(&mut out)?;
        Ok(out)
    }

    #[test]
    fn encodes_as_python_does() {
        assert_eq!(encode("cp1252", false, false, "é€").unwrap(), b"\xe9\x80");
        assert_eq!(
            encode("latin-1", false, false, "é\u{80}").unwrap(),
            b"\xe9\x80"
        );
        assert_eq!(
            encode("utf-16le", false, false, "aé").unwrap(),
            b"a\0\xe9\0"
        );
        assert_eq!(encode("utf-16", false, false, "a").unwrap(), b"\xff\xfea\0");
        assert_eq!(
            encode("utf-16be", true, false, "a").unwrap(),
            b"\xfe\xff\0a"
        );
        assert_eq!(
            encode("utf-8-sig", false, false, "a").unwrap(),
            b"\xef\xbb\xbfa"
        );
        assert_eq!(encode("utf-8", false, false, "").unwrap(), b"");
    }

    #[test]
    fn unmappable_characters_fail_or_become_references() {
        match encode("latin-1", false, false, "ab€") {
            Err(EncodeError::Unmappable { offset, ch, .. }) => {
                assert_eq!((offset, ch), (2, '€'))
            }
            other => panic!("{other:?}"),
        }
        match encode("cp1252", false, false, "aé→") {
            Err(EncodeError::Unmappable { offset, ch, .. }) => {
                assert_eq!((offset, ch), (3, '→'))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(encode("latin-1", false, true, "a€").unwrap(), b"a&#8364;");
        assert_eq!(encode("cp1252", false, true, "a→").unwrap(), b"a&#8594;");
        assert_eq!(encode("ascii", false, true, "é").unwrap(), b"&#233;");
    }
}

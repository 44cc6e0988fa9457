//! Input in any encoding as a stream of UTF-8, in constant memory: a [`Read`] adapter the CSV
//! and JSON readers read from as if the file were UTF-8.
//!
//! Bytes that are invalid in the encoding are U+FFFD under `--lossy`; otherwise everything
//! before them is handed on and the next read fails with [`Malformed`], which the readers
//! turn into an error naming the record, the line and the byte offset in the original input.

use std::fmt;
use std::io::{self, Read};

use encoding_rs::{CoderResult, DecoderResult};

use super::Charset;

/// Raw input read at a time.
const RAW: usize = 128 * 1024;

/// Below this much room, output is decoded into a staging buffer first: the decoders need
/// space for a whole character (and U+FFFD) at a time.
const MIN_ROOM: usize = 16;

/// Bytes that are not valid in the input's encoding, at this offset of the original input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub offset: u64,
    pub encoding: &'static str,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} at byte offset {}",
            self.encoding, self.offset
        )
    }
}

impl std::error::Error for Malformed {}

/// The [`Malformed`] inside an I/O error from a [`Decoding`] reader, if that is what it is.
pub fn malformed(err: &io::Error) -> Option<&Malformed> {
    err.get_ref()?.downcast_ref::<Malformed>()
}

enum Codec {
    Rs(encoding_rs::Decoder),
    Latin1,
    Ascii,
}

/// Reads `src` in some encoding and yields UTF-8.
pub struct Decoding<R> {
    src: R,
    codec: Codec,
    name: &'static str,
    lossy: bool,
    raw: Box<[u8]>,
    pos: usize,
    end: usize,
    eof: bool,
    /// Original input bytes handed to the decoder so far (plus a consumed BOM).
    consumed: u64,
    /// Decoded bytes not yet handed on (only when the caller's buffer was tiny).
    staged: Vec<u8>,
    staged_pos: usize,
    /// An error to report once everything before it has been handed on.
    failed: Option<Malformed>,
    finished: bool,
}

impl<R: Read> Decoding<R> {
    /// A decoder of `src` in `charset`; `offset` is how many bytes of the input came before
    /// `src` (a BOM already consumed), for error offsets.
    pub fn new(src: R, charset: Charset, lossy: bool, offset: u64) -> Decoding<R> {
        let codec = match charset {
            Charset::Utf8 => Codec::Rs(encoding_rs::UTF_8.new_decoder_without_bom_handling()),
            Charset::Utf16 { big_endian: false } => {
                Codec::Rs(encoding_rs::UTF_16LE.new_decoder_without_bom_handling())
            }
            Charset::Utf16 { big_endian: true } => {
                Codec::Rs(encoding_rs::UTF_16BE.new_decoder_without_bom_handling())
            }
            Charset::Whatwg(encoding) => Codec::Rs(encoding.new_decoder_without_bom_handling()),
            Charset::Latin1 => Codec::Latin1,
            Charset::Ascii => Codec::Ascii,
        };
        Decoding {
            src,
            codec,
            name: charset.name(),
            lossy,
            raw: vec![0; RAW].into_boxed_slice(),
            pos: 0,
            end: 0,
            eof: false,
            consumed: offset,
            staged: Vec::new(),
            staged_pos: 0,
            failed: None,
            finished: false,
        }
    }

    /// Refills the raw buffer once it is used up; false at the end of input.
    fn refill(&mut self) -> io::Result<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        loop {
            match self.src.read(&mut self.raw) {
                Ok(0) => {
                    self.eof = true;
                    self.pos = 0;
                    self.end = 0;
                    return Ok(false);
                }
                Ok(n) => {
                    self.pos = 0;
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Decodes as much as fits into `dst` (at least [`MIN_ROOM`] bytes); 0 at the end.
    fn decode_into(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        let mut written = 0;
        while written == 0 {
            if self.failed.is_some() || self.finished {
                break;
            }
            let more = self.refill()?;
            let last = !more;
            let src = &self.raw[self.pos..self.end];
            let (read, n) = match &mut self.codec {
                Codec::Rs(decoder) if self.lossy => {
                    let (result, read, n, _) = decoder.decode_to_utf8(src, dst, last);
                    self.finished = last && result == CoderResult::InputEmpty;
                    (read, n)
                }
                Codec::Rs(decoder) => {
                    let (result, read, n) =
                        decoder.decode_to_utf8_without_replacement(src, dst, last);
                    match result {
                        DecoderResult::Malformed(bad, after) => {
                            let at = self.consumed + read as u64;
                            self.failed = Some(Malformed {
                                offset: at - u64::from(after) - u64::from(bad),
                                encoding: self.name,
                            });
                        }
                        DecoderResult::InputEmpty => self.finished = last,
                        DecoderResult::OutputFull => {}
                    }
                    (read, n)
                }
                Codec::Latin1 => {
                    let (read, n) = latin1_to_utf8(src, dst);
                    self.finished = last;
                    (read, n)
                }
                Codec::Ascii => {
                    let (read, n, bad) = ascii_to_utf8(src, dst, self.lossy);
                    if bad {
                        self.failed = Some(Malformed {
                            offset: self.consumed + read as u64,
                            encoding: self.name,
                        });
                    }
                    self.finished = last;
                    (read, n)
                }
            };
            self.pos += read;
            self.consumed += read as u64;
            written = n;
        }
        Ok(written)
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.staged_pos < self.staged.len() {
            let n = (self.staged.len() - self.staged_pos).min(buf.len());
            buf[..n].copy_from_slice(&self.staged[self.staged_pos..self.staged_pos + n]);
            self.staged_pos += n;
            return Ok(n);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let n = if buf.len() >= MIN_ROOM {
            self.decode_into(buf)?
        } else {
            let mut staged = std::mem::take(&mut self.staged);
            staged.resize(RAW, 0);
            let got = self.decode_into(&mut staged);
            staged.truncate(*got.as_ref().unwrap_or(&0));
            self.staged = staged;
            self.staged_pos = 0;
            if got? > 0 {
                return self.read(buf);
            }
            0
        };
        if n == 0
            && let Some(err) = self.failed.take()
        {
            self.finished = true;
            return Err(io::Error::new(io::ErrorKind::InvalidData, err));
        }
        Ok(n)
    }
}

/// Latin-1 to UTF-8: bytes below 0x80 as they are, the rest as two bytes each. Returns the
/// bytes read and written.
fn latin1_to_utf8(src: &[u8], dst: &mut [u8]) -> (usize, usize) {
    let (mut i, mut o) = (0, 0);
    while i < src.len() && o + 2 <= dst.len() {
        let ascii = src[i..]
            .iter()
            .take(dst.len() - o)
            .position(|&b| b >= 0x80)
            .unwrap_or_else(|| (src.len() - i).min(dst.len() - o));
        dst[o..o + ascii].copy_from_slice(&src[i..i + ascii]);
        i += ascii;
        o += ascii;
        if i < src.len() && src[i] >= 0x80 && o + 2 <= dst.len() {
            dst[o] = 0xC0 | (src[i] >> 6);
            dst[o + 1] = 0x80 | (src[i] & 0x3F);
            i += 1;
            o += 2;
        }
    }
    (i, o)
}

/// ASCII to UTF-8: bytes of 0x80 and above are U+FFFD when `lossy`, else the decoding stops
/// there (the third value says so). Returns the bytes read and written.
fn ascii_to_utf8(src: &[u8], dst: &mut [u8], lossy: bool) -> (usize, usize, bool) {
    let (mut i, mut o) = (0, 0);
    while i < src.len() && o + 3 <= dst.len() {
        let b = src[i];
        if b < 0x80 {
            dst[o] = b;
            o += 1;
        } else if lossy {
            dst[o..o + 3].copy_from_slice("\u{FFFD}".as_bytes());
            o += 3;
        } else {
            return (i, o, true);
        }
        i += 1;
    }
    (i, o, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(
        input: &[u8],
        charset: Charset,
        lossy: bool,
        chunk: usize,
    ) -> io::Result<Vec<u8>> {
        let mut reader = Decoding::new(input, charset, lossy, 0);
        let mut out = Vec::new();
        let mut buf = vec![0; chunk];
        loop {
            let n = reader.read(&mut buf)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn every_decoder_gives_utf8_whatever_the_buffer_size() {
        let cases: [(&[u8], Charset, &str); 5] = [
            (
                b"caf\xe9 \x80",
                Charset::Whatwg(encoding_rs::WINDOWS_1252),
                "café €",
            ),
            (b"caf\xe9 \x80", Charset::Latin1, "café \u{80}"),
            (b"a\0\xe9\0", Charset::Utf16 { big_endian: false }, "aé"),
            (b"\0a\0\xe9", Charset::Utf16 { big_endian: true }, "aé"),
            (b"plain", Charset::Ascii, "plain"),
        ];
        for (input, charset, want) in cases {
            for chunk in [1, 3, 16, 4096] {
                let got = decode_all(input, charset, false, chunk).unwrap();
                assert_eq!(String::from_utf8(got).unwrap(), want, "{charset:?} {chunk}");
            }
        }
    }

    #[test]
    fn invalid_bytes_fail_after_everything_before_them_or_become_fffd() {
        let input = b"ab\x81\x20cd";
        let sjis = Charset::Whatwg(encoding_rs::SHIFT_JIS);
        let mut reader = Decoding::new(&input[..], sjis, false, 10);
        let mut buf = [0; 64];
        assert_eq!(reader.read(&mut buf).unwrap(), 2);
        let err = reader.read(&mut buf).unwrap_err();
        assert_eq!(
            malformed(&err),
            Some(&Malformed {
                offset: 12,
                encoding: "Shift_JIS"
            })
        );
        let got = decode_all(input, sjis, true, 64).unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), "ab\u{FFFD} cd");

        let err = decode_all(b"ok\xffno", Charset::Ascii, false, 64).unwrap_err();
        assert_eq!(malformed(&err).unwrap().offset, 2);
        let odd = decode_all(b"a\0b", Charset::Utf16 { big_endian: false }, false, 64);
        assert_eq!(malformed(&odd.unwrap_err()).unwrap().offset, 2);
    }
}

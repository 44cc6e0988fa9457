//! MIME bodies: leaf parts (text, binary, attached messages) and multiparts, written out with
//! the transfer encoding each needs.
//!
//! Text goes as 7bit when it is ASCII, as 8bit when it is not and the server offers 8BITMIME,
//! and as quoted-printable otherwise (or when a line is over 998 octets). Binary attachments
//! are always base64. An attached message (`message/rfc822`) is never encoded (RFC 2046
//! §5.2.1): 7bit or 8bit as its bytes are.

use base64::Engine as _;

use super::header;

/// How a body is written: which transfer encodings the server lets us use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Only 7-bit data (the server does not offer 8BITMIME).
    SevenBit,
    /// 8-bit text lines are fine (8BITMIME).
    EightBit,
}

/// What a leaf part holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// UTF-8 text, line endings already CRLF.
    Text(String),
    /// Bytes sent as base64.
    Binary(Vec<u8>),
    /// A complete message (`message/rfc822`), line endings already CRLF.
    Message(Vec<u8>),
}

/// One leaf part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    /// `type/subtype`.
    pub media_type: String,
    /// Content-Type parameters such as `charset=utf-8`.
    pub params: Vec<(String, String)>,
    /// `Some(name)`: an attachment with this file name.
    pub filename: Option<String>,
    pub content: Content,
}

/// A body: one leaf or a multipart of parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Leaf(Leaf),
    Multi {
        /// `mixed` or `alternative`.
        subtype: &'static str,
        parts: Vec<Part>,
    },
}

/// Turns any mix of CRLF, bare LF and bare CR into CRLF (RFC 5321 §2.3.8).
pub fn crlf(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 32);
    let mut bytes = text.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        match b {
            b'\r' => {
                if bytes.peek() == Some(&b'\n') {
                    bytes.next();
                }
                out.extend_from_slice(b"\r\n");
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            _ => out.push(b),
        }
    }
    out
}

/// Whether every line (CRLF-separated) is at most 998 octets.
pub fn lines_fit(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'\n').all(|line| line.len() <= 999)
}

impl Leaf {
    /// A text part; `text` may have any line endings.
    pub fn text(media_type: &str, text: &str) -> Leaf {
        let normalised = crlf(text.as_bytes());
        // crlf() only inserts ASCII, so the text is still UTF-8.
        let text = String::from_utf8(normalised).unwrap_or_default();
        Leaf {
            media_type: media_type.to_owned(),
            params: vec![("charset".into(), "utf-8".into())],
            filename: None,
            content: Content::Text(text),
        }
    }

    fn transfer_encoding(&self, transport: Transport) -> &'static str {
        match &self.content {
            Content::Binary(_) => "base64",
            Content::Message(bytes) if bytes.is_ascii() => "7bit",
            Content::Message(_) => "8bit",
            Content::Text(text) if !lines_fit(text.as_bytes()) => "quoted-printable",
            Content::Text(text) if text.is_ascii() => "7bit",
            Content::Text(_) if transport == Transport::EightBit => "8bit",
            Content::Text(_) => "quoted-printable",
        }
    }

    fn write_headers(&self, out: &mut Vec<u8>, transport: Transport) -> &'static str {
        let mut words = vec![format!("{};", self.media_type)];
        for (name, value) in &self.params {
            words.extend(header::parameter(name, value).into_iter().map(|p| p + ";"));
        }
        strip_last_semicolon(&mut words);
        out.extend_from_slice(header::fold("Content-Type", &words).as_bytes());
        let encoding = self.transfer_encoding(transport);
        out.extend_from_slice(format!("Content-Transfer-Encoding: {encoding}\r\n").as_bytes());
        if let Some(name) = &self.filename {
            let mut words = vec!["attachment;".to_owned()];
            words.extend(
                header::parameter("filename", name)
                    .into_iter()
                    .map(|p| p + ";"),
            );
            strip_last_semicolon(&mut words);
            out.extend_from_slice(header::fold("Content-Disposition", &words).as_bytes());
        }
        encoding
    }

    fn write_body(&self, out: &mut Vec<u8>, encoding: &str) {
        match (&self.content, encoding) {
            (Content::Binary(bytes), _) => base64_lines(bytes, out),
            (Content::Message(bytes), _) => out.extend_from_slice(bytes),
            (Content::Text(text), "quoted-printable") => quoted_printable(text.as_bytes(), out),
            (Content::Text(text), _) => out.extend_from_slice(text.as_bytes()),
        }
    }
}

fn strip_last_semicolon(words: &mut [String]) {
    if let Some(last) = words.last_mut().filter(|w| w.ends_with(';')) {
        last.pop();
    }
}

impl Part {
    /// Writes this part's MIME headers, an empty line and its body.
    pub fn write(&self, out: &mut Vec<u8>, transport: Transport) {
        match self {
            Part::Leaf(leaf) => {
                let encoding = leaf.write_headers(out, transport);
                out.extend_from_slice(b"\r\n");
                leaf.write_body(out, encoding);
            }
            Part::Multi { subtype, parts } => {
                let boundary = new_boundary();
                let words = [
                    format!("multipart/{subtype};"),
                    format!("boundary=\"{boundary}\""),
                ];
                out.extend_from_slice(header::fold("Content-Type", &words).as_bytes());
                out.extend_from_slice(b"\r\n");
                for part in parts {
                    out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
                    part.write(out, transport);
                    // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
            }
        }
    }

    /// Whether writing for 7-bit and for 8BITMIME servers gives different bytes.
    pub fn has_8bit_text(&self) -> bool {
        match self {
            Part::Leaf(leaf) => {
                leaf.transfer_encoding(Transport::EightBit) == "8bit"
                    && matches!(leaf.content, Content::Text(_))
            }
            Part::Multi { parts, .. } => parts.iter().any(Part::has_8bit_text),
        }
    }
}

/// A boundary that cannot occur in base64 or quoted-printable output (`=_` starts it) and is
/// random, so it does not occur in 7bit/8bit text either.
fn new_boundary() -> String {
    let mut random = [0u8; 12];
    // On the rare failure the boundary is still one that encoded parts never contain.
    let _ = getrandom::fill(&mut random);
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("=_tackle_{hex}")
}

/// Base64 in lines of 76 characters.
fn base64_lines(bytes: &[u8], out: &mut Vec<u8>) {
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    for line in encoded.as_bytes().chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
}

/// Quoted-printable (RFC 2045 §6.7) of CRLF text: hard line breaks stay CRLF, lines are at
/// most 76 characters with soft breaks, trailing space or tab is encoded.
pub fn quoted_printable(text: &[u8], out: &mut Vec<u8>) {
    let mut lines = text.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let last = lines.peek().is_none();
        let line = if last {
            line
        } else {
            line.strip_suffix(b"\r").unwrap_or(line)
        };
        let mut width = 0;
        for (i, &b) in line.iter().enumerate() {
            let at_end = i + 1 == line.len();
            let literal =
                (b'!'..=b'~').contains(&b) && b != b'=' || (b == b' ' || b == b'\t') && !at_end;
            let piece_len = if literal { 1 } else { 3 };
            // Room for a trailing "=" soft break.
            if width + piece_len > 75 {
                out.extend_from_slice(b"=\r\n");
                width = 0;
            }
            if literal {
                out.push(b);
            } else {
                out.extend_from_slice(format!("={b:02X}").as_bytes());
            }
            width += piece_len;
        }
        if !last {
            out.extend_from_slice(b"\r\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A quoted-printable decoder, as a receiving client runs it.
    fn decode_qp(encoded: &[u8]) -> Vec<u8> {
        let text = std::str::from_utf8(encoded).unwrap();
        let mut out = Vec::new();
        let mut lines = text.split("\r\n").peekable();
        while let Some(line) = lines.next() {
            let (line, soft) = match line.strip_suffix('=') {
                Some(l) => (l, true),
                None => (line, false),
            };
            let bytes = line.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'=' {
                    out.push(u8::from_str_radix(&line[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            if !soft && lines.peek().is_some() {
                out.extend_from_slice(b"\r\n");
            }
        }
        out
    }

    #[test]
    fn bare_cr_and_lf_become_crlf() {
        assert_eq!(crlf(b"a\nb\rc\r\nd\r"), b"a\r\nb\r\nc\r\nd\r\n");
    }

    #[test]
    fn text_picks_its_transfer_encoding_from_the_server() {
        let ascii = Leaf::text("text/plain", "hello\n");
        assert_eq!(ascii.transfer_encoding(Transport::SevenBit), "7bit");
        let utf8 = Leaf::text("text/plain", "Grüße\n");
        assert_eq!(utf8.transfer_encoding(Transport::EightBit), "8bit");
        assert_eq!(
            utf8.transfer_encoding(Transport::SevenBit),
            "quoted-printable"
        );
        let long = Leaf::text("text/plain", &"x".repeat(1200));
        assert_eq!(
            long.transfer_encoding(Transport::EightBit),
            "quoted-printable"
        );
        let eml = Leaf {
            media_type: "message/rfc822".into(),
            params: vec![],
            filename: Some("m.eml".into()),
            content: Content::Message(b"Subject: x\r\n\r\nhi\r\n".to_vec()),
        };
        assert_eq!(eml.transfer_encoding(Transport::SevenBit), "7bit");
    }

    #[test]
    fn quoted_printable_encodes_the_awkward_bytes() {
        let mut out = Vec::new();
        quoted_printable("a=b \r\ncafé\t\r\n".as_bytes(), &mut out);
        assert_eq!(out, b"a=3Db=20\r\ncaf=C3=A9=09\r\n");
    }

    proptest! {
        #[test]
        fn quoted_printable_round_trips_with_short_lines(text in proptest::collection::vec(any::<u8>(), 0..400)) {
            let text = crlf(&text);
            let mut out = Vec::new();
            quoted_printable(&text, &mut out);
            for line in out.split(|&b| b == b'\n') {
                prop_assert!(line.len() <= 77, "{:?}", String::from_utf8_lossy(line));
            }
            prop_assert!(out.is_ascii());
            prop_assert_eq!(decode_qp(&out), text);
        }

        #[test]
        fn crlf_leaves_no_bare_line_ending(text in proptest::collection::vec(any::<u8>(), 0..200)) {
            let out = crlf(&text);
            let without = String::from_utf8_lossy(&out).replace("\r\n", "");
            prop_assert!(!without.contains('\r') && !without.contains('\n'));
        }
    }
}

//! A received message parsed back by an independent MIME parser (the mail-parser crate), so
//! tests assert on what a mail client would see, never on string matching alone.

use mail_parser::{HeaderForm, MessageParser, MimeHeaders, PartType};

/// One leaf part as a client sees it.
#[derive(Debug, Clone)]
pub struct Part {
    pub content_type: String,
    pub charset: Option<String>,
    pub filename: Option<String>,
    pub transfer_encoding: Option<String>,
    /// Decoded bytes (text parts: their text as UTF-8).
    pub payload: Vec<u8>,
}

impl Part {
    /// The text, with the wire's CRLF turned back into LF.
    pub fn text(&self) -> String {
        String::from_utf8(self.payload.clone())
            .expect("UTF-8 part")
            .replace("\r\n", "\n")
    }
}

/// A parsed message: its decoded headers and leaf parts.
#[derive(Debug)]
pub struct Parsed {
    pub headers: Vec<(String, String)>,
    pub content_type: String,
    pub parts: Vec<Part>,
}

impl Parsed {
    pub fn of(raw: &[u8]) -> Parsed {
        let message = MessageParser::default()
            .parse(raw)
            .unwrap_or_else(|| panic!("not a message:\n{}", String::from_utf8_lossy(raw)));
        let mut seen: Vec<String> = Vec::new();
        let headers = message
            .headers()
            .iter()
            .map(|h| {
                let name = h.name().to_owned();
                let index = seen
                    .iter()
                    .filter(|n| n.eq_ignore_ascii_case(&name))
                    .count();
                seen.push(name.clone());
                let value = match h.value() {
                    mail_parser::HeaderValue::Address(address) => address
                        .iter()
                        .map(|a| match (a.name(), a.address()) {
                            (Some(n), Some(e)) => format!("{n} <{e}>"),
                            (None, Some(e)) => e.to_owned(),
                            (Some(n), None) => n.to_owned(),
                            (None, None) => String::new(),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    mail_parser::HeaderValue::TextList(list) => list.join(", "),
                    // Any other field: decoded as unstructured text (RFC 2047 words and all).
                    _ => match message
                        .header_as(name.as_str(), HeaderForm::Text)
                        .get(index)
                    {
                        Some(mail_parser::HeaderValue::Text(t)) => t.to_string(),
                        Some(mail_parser::HeaderValue::TextList(list)) => list.join(", "),
                        _ => String::new(),
                    },
                };
                (name, value)
            })
            .collect();
        let content_type = type_of(message.root_part().content_type());
        let mut parts = Vec::new();
        for part in &message.parts {
            let payload = match &part.body {
                PartType::Text(t) | PartType::Html(t) => t.as_bytes().to_vec(),
                PartType::Binary(b) | PartType::InlineBinary(b) => b.to_vec(),
                PartType::Message(m) => m.raw_message().to_vec(),
                PartType::Multipart(_) => continue,
            };
            parts.push(Part {
                content_type: type_of(part.content_type()),
                charset: part
                    .content_type()
                    .and_then(|c| c.attribute("charset"))
                    .map(str::to_owned),
                filename: part.attachment_name().map(str::to_owned),
                transfer_encoding: part.content_transfer_encoding().map(str::to_owned),
                payload,
            });
        }
        Parsed {
            headers,
            content_type,
            parts,
        }
    }

    /// Every value of header `name`, case-insensitively.
    pub fn headers(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The one value of header `name`.
    pub fn header(&self, name: &str) -> String {
        let values = self.headers(name);
        assert_eq!(
            values.len(),
            1,
            "expected one {name} header in {:?}",
            self.headers
        );
        values[0].clone()
    }
}

fn type_of(content_type: Option<&mail_parser::ContentType>) -> String {
    match content_type {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        },
        None => "text/plain".to_owned(),
    }
}

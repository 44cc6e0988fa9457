//! Building a message from flags: headers (Date, Message-ID, From, To, Cc, Reply-To, Subject
//! and the user's own), a text and/or HTML body and attachments, as the exact CRLF bytes to
//! send and the envelope to send them to. [`super::header`] writes the fields,
//! [`super::mime`] the body.

use super::address::{Address, Mailbox, reject_line_breaks};
use super::header;
use super::mime::{self, Content, Leaf, Part, Transport};
use super::sysexits;
use crate::exit;

/// Who the message goes to on the wire, as opposed to what its headers say (Bcc is only here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// MAIL FROM; `None` is the null sender `<>`.
    pub from: Option<Address>,
    /// RCPT TO, once each, in the order given.
    pub to: Vec<Address>,
}

impl Envelope {
    /// Builds an envelope, dropping repeated recipients (a recipient listed in To and Bcc
    /// gets one copy).
    pub fn new(from: Option<Address>, recipients: impl IntoIterator<Item = Address>) -> Self {
        let mut to: Vec<Address> = Vec::new();
        for address in recipients {
            if !to.contains(&address) {
                to.push(address);
            }
        }
        Envelope { from, to }
    }

    /// The sender as it goes into `MAIL FROM:<...>` (empty for the null sender).
    pub fn sender(&self) -> String {
        self.from
            .as_ref()
            .map(Address::to_string)
            .unwrap_or_default()
    }

    /// The envelope as `--dry-run` prints it on stderr.
    pub fn describe(&self) -> String {
        let to: Vec<String> = self.to.iter().map(|a| format!("<{a}>")).collect();
        format!(
            "envelope from: <{}>\nenvelope to: {}\n",
            self.sender(),
            to.join(", ")
        )
    }
}

/// A message ready to send: its envelope and its bytes (CRLF line endings), in the form for
/// a server without 8BITMIME and, when it differs, the form for one with it.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub envelope: Envelope,
    pub seven_bit: Vec<u8>,
    pub eight_bit: Option<Vec<u8>>,
}

impl Outgoing {
    /// A message that goes out as it is, whatever the server offers (`-t`, stdin).
    pub fn fixed(envelope: Envelope, bytes: Vec<u8>) -> Outgoing {
        Outgoing {
            envelope,
            seven_bit: bytes,
            eight_bit: None,
        }
    }

    /// The bytes to send to a server that does (or does not) offer 8BITMIME.
    pub fn bytes_for(&self, eight_bit_mime: bool) -> &[u8] {
        match (&self.eight_bit, eight_bit_mime) {
            (Some(bytes), true) => bytes,
            _ => &self.seven_bit,
        }
    }
}

/// One file to attach, already read.
#[derive(Debug, Clone)]
pub struct AttachmentFile {
    /// The name the recipient sees (non-ASCII is written per RFC 2231).
    pub filename: String,
    /// `type/subtype`, already validated.
    pub media_type: String,
    pub data: Vec<u8>,
}

/// Everything a composed message is made of, validated field by field.
#[derive(Debug, Clone)]
pub struct Composition {
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// Envelope only: never written into a header.
    pub bcc: Vec<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    pub subject: Option<String>,
    /// Extra headers from `--header`, validated with [`parse_header`].
    pub headers: Vec<(String, String)>,
    pub text: Option<String>,
    pub html: Option<String>,
    pub attachments: Vec<AttachmentFile>,
    /// The domain of the Message-ID (this host's name).
    pub domain: String,
}

/// Headers tackle writes itself; `--header` may not set them, so a message never carries two
/// conflicting copies (and Bcc never reaches a header at all).
const MANAGED_HEADERS: [&str; 13] = [
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "sender",
];

/// Reads `Name: value` from `--header`. The name must be printable ASCII without a colon or
/// space (RFC 5322 field name); neither part may hold CR, LF or NUL (exit 65). Headers that
/// have their own flag or that tackle writes itself are a usage error (exit 64).
pub fn parse_header(text: &str) -> anyhow::Result<(String, String)> {
    reject_line_breaks("--header", text)?;
    let Some((name, value)) = text.split_once(':') else {
        return Err(exit::failure(
            sysexits::DATA_ERR,
            format!("--header {text:?}: expected 'Name: value'"),
        ));
    };
    let valid_name = !name.is_empty()
        && name.len() <= 76
        && name.bytes().all(|b| (33..=126).contains(&b) && b != b':');
    if !valid_name {
        return Err(exit::failure(
            sysexits::DATA_ERR,
            format!("--header {text:?}: {name:?} is not a valid header name"),
        ));
    }
    if MANAGED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(exit::failure(
            sysexits::USAGE,
            format!(
                "--header {name}: tackle writes this header itself; use its own flag (--from, --to, --subject, ...)"
            ),
        ));
    }
    Ok((name.to_owned(), value.trim().to_owned()))
}

/// Splits `--attach FILE[:TYPE]`: a spec naming an existing file (`exists`) is a path even
/// when it holds a colon; otherwise text after the last colon is a type when it has a slash.
pub fn split_attach_spec(spec: &str, exists: bool) -> (&str, Option<&str>) {
    match spec.rsplit_once(':') {
        Some((path, kind)) if !exists && !path.is_empty() && kind.contains('/') => {
            (path, Some(kind))
        }
        _ => (spec, None),
    }
}

/// Whether `text` is a plausible `type/subtype` (RFC 2045 tokens).
pub fn is_media_type(text: &str) -> bool {
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b))
    };
    text.split_once('/')
        .is_some_and(|(kind, sub)| token(kind) && token(sub))
}

/// `Date:` now, in local time with its offset (RFC 5322 §3.3).
pub fn date_field() -> String {
    let now = jiff::Zoned::now();
    format!("Date: {}\r\n", now.strftime("%a, %d %b %Y %H:%M:%S %z"))
}

/// `Message-ID: <time.random@domain>`.
pub fn message_id_field(domain: &str) -> String {
    let mut random = [0u8; 10];
    // A failure leaves zeros; the time still makes the ID unique enough to be useful.
    let _ = getrandom::fill(&mut random);
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let seconds = jiff::Timestamp::now().as_second();
    format!("Message-ID: <{seconds}.{hex}@{domain}>\r\n")
}

impl Composition {
    /// The envelope: From's address, then every To, Cc and Bcc address once.
    pub fn envelope(&self) -> Envelope {
        let recipients = self
            .to
            .iter()
            .chain(&self.cc)
            .chain(&self.bcc)
            .map(|m| m.address.clone());
        Envelope::new(Some(self.from.address.clone()), recipients)
    }

    /// Builds the message: headers, then the body as `text/plain`, `text/html`,
    /// `multipart/alternative` (both), wrapped in `multipart/mixed` when there are
    /// attachments. Date and Message-ID are always set.
    pub fn build(&self) -> anyhow::Result<Outgoing> {
        if let Some(subject) = &self.subject {
            reject_line_breaks("--subject", subject)?;
        }
        let mut head = String::new();
        head.push_str(&date_field());
        head.push_str(&message_id_field(&self.domain));
        head.push_str(&header::addresses("From", std::slice::from_ref(&self.from)));
        for (name, list) in [
            ("To", &self.to),
            ("Cc", &self.cc),
            ("Reply-To", &self.reply_to),
        ] {
            if !list.is_empty() {
                head.push_str(&header::addresses(name, list));
            }
        }
        if let Some(subject) = &self.subject {
            head.push_str(&header::unstructured("Subject", subject));
        }
        for (name, value) in &self.headers {
            head.push_str(&header::unstructured(name, value));
        }
        head.push_str("MIME-Version: 1.0\r\n");
        let body = self.body()?;
        let render = |transport| {
            let mut bytes = head.clone().into_bytes();
            body.write(&mut bytes, transport);
            end_the_last_line(&mut bytes);
            bytes
        };
        Ok(Outgoing {
            envelope: self.envelope(),
            seven_bit: render(Transport::SevenBit),
            eight_bit: body.has_8bit_text().then(|| render(Transport::EightBit)),
        })
    }

    fn body(&self) -> anyhow::Result<Part> {
        let text = self.text.as_ref().map(|t| Leaf::text("text/plain", t));
        let html = self.html.as_ref().map(|h| Leaf::text("text/html", h));
        let content = match (text, html) {
            (Some(text), Some(html)) => Some(Part::Multi {
                subtype: "alternative",
                parts: vec![Part::Leaf(text), Part::Leaf(html)],
            }),
            (Some(leaf), None) | (None, Some(leaf)) => Some(Part::Leaf(leaf)),
            (None, None) => None,
        };
        if self.attachments.is_empty() {
            return Ok(content.unwrap_or_else(|| Part::Leaf(Leaf::text("text/plain", ""))));
        }
        let mut parts: Vec<Part> = content.into_iter().collect();
        for file in &self.attachments {
            parts.push(Part::Leaf(attachment(file)?));
        }
        Ok(Part::Multi {
            subtype: "mixed",
            parts,
        })
    }
}

/// Ends a message whose text body did not end its last line with the CRLF the server gets
/// anyway (before the `.` line, RFC 5321 §4.1.1.4), so these are the exact bytes sent:
/// `--dry-run` prints them, SIZE and the log line count them.
fn end_the_last_line(message: &mut Vec<u8>) {
    if !message.ends_with(b"\r\n") {
        message.extend_from_slice(b"\r\n");
    }
}

/// An attachment: base64, except an attached message (`message/rfc822`), which is sent as
/// it is (RFC 2046 §5.2.1). Text attachments say their charset.
fn attachment(file: &AttachmentFile) -> anyhow::Result<Leaf> {
    let media_type = file.media_type.to_ascii_lowercase();
    let mut params = Vec::new();
    let content = if media_type == "message/rfc822" {
        let bytes = mime::crlf(&file.data);
        if !mime::lines_fit(&bytes) {
            return Err(exit::failure(
                sysexits::DATA_ERR,
                format!(
                    "--attach {}: a line of this message is longer than 998 octets, which no mail message may have; attach it as application/octet-stream",
                    file.filename
                ),
            ));
        }
        Content::Message(bytes)
    } else {
        if media_type.starts_with("text/") {
            let charset = if file.data.is_ascii() {
                "us-ascii"
            } else if std::str::from_utf8(&file.data).is_ok() {
                "utf-8"
            } else {
                // RFC 1428: 8-bit text in a charset nobody told us.
                "unknown-8bit"
            };
            params.push(("charset".to_owned(), charset.to_owned()));
        }
        Content::Binary(file.data.clone())
    };
    Ok(Leaf {
        media_type: file.media_type.clone(),
        params,
        filename: Some(file.filename.clone()),
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::address::parse_mailbox;
    use proptest::prelude::*;

    fn mailbox(text: &str) -> Mailbox {
        parse_mailbox("test", text).unwrap()
    }

    fn status(err: &anyhow::Error) -> i32 {
        err.downcast_ref::<exit::Failure>().unwrap().status
    }

    fn composition() -> Composition {
        Composition {
            from: mailbox("me@example.org"),
            to: vec![mailbox("a@example.org")],
            cc: vec![],
            bcc: vec![],
            reply_to: vec![],
            subject: None,
            headers: vec![],
            text: Some("hi".into()),
            html: None,
            attachments: vec![],
            domain: "host.example.org".into(),
        }
    }

    #[test]
    fn headers_are_validated() {
        assert_eq!(
            parse_header("X-Mailer: tackle").unwrap(),
            ("X-Mailer".to_owned(), "tackle".to_owned())
        );
        assert_eq!(
            status(&parse_header("X-Evil: a\r\nBcc: x@y.org").unwrap_err()),
            65
        );
        assert_eq!(status(&parse_header("X-Evil: a\nb").unwrap_err()), 65);
        assert_eq!(status(&parse_header("No colon").unwrap_err()), 65);
        assert_eq!(status(&parse_header("Bad Name: v").unwrap_err()), 65);
        assert_eq!(status(&parse_header(": v").unwrap_err()), 65);
        assert_eq!(status(&parse_header("bcc: x@y.org").unwrap_err()), 64);
    }

    #[test]
    fn bcc_is_in_the_envelope_only() {
        let composition = Composition {
            bcc: vec![mailbox("secret@example.org"), mailbox("a@example.org")],
            ..composition()
        };
        let out = composition.build().unwrap();
        let text = String::from_utf8(out.seven_bit).unwrap();
        assert!(!text.contains("secret"), "{text}");
        assert!(!text.to_ascii_lowercase().contains("bcc:"), "{text}");
        let to: Vec<String> = out.envelope.to.iter().map(|a| a.to_string()).collect();
        assert_eq!(to, ["a@example.org", "secret@example.org"]);
    }

    #[test]
    fn a_utf8_body_is_8bit_only_for_8bitmime_servers() {
        let out = Composition {
            text: Some("Grüße\n".into()),
            ..composition()
        }
        .build()
        .unwrap();
        assert!(out.seven_bit.is_ascii());
        let eight = String::from_utf8(out.eight_bit.unwrap()).unwrap();
        assert!(
            eight.contains("Content-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n"),
            "{eight}"
        );
        let ascii = composition().build().unwrap();
        assert!(ascii.eight_bit.is_none());
    }

    #[test]
    fn attach_specs_split_at_the_last_colon_only_for_types() {
        assert_eq!(split_attach_spec("a.pdf", false), ("a.pdf", None));
        assert_eq!(
            split_attach_spec("a.csv:text/csv", false),
            ("a.csv", Some("text/csv"))
        );
        assert_eq!(
            split_attach_spec("c:/x:text/csv", false),
            ("c:/x", Some("text/csv"))
        );
        assert_eq!(
            split_attach_spec("12:30 notes.txt", false),
            ("12:30 notes.txt", None)
        );
        assert_eq!(split_attach_spec("a:text/csv", true), ("a:text/csv", None));
    }

    #[test]
    fn media_types_are_checked() {
        assert!(is_media_type("text/csv"));
        assert!(is_media_type("application/vnd.ms-excel"));
        assert!(!is_media_type("text"));
        assert!(!is_media_type("text/"));
        assert!(!is_media_type("a b/c"));
    }

    proptest! {
        #[test]
        fn attach_spec_round_trips(path in "[^\\x00]{1,20}", kind in "[a-z]{1,8}/[a-z0-9.+-]{1,12}") {
            let spec = format!("{path}:{kind}");
            prop_assert_eq!(split_attach_spec(&spec, false), (path.as_str(), Some(kind.as_str())));
            prop_assert_eq!(split_attach_spec(&spec, true), (spec.as_str(), None));
            if !path.rsplit_once(':').is_some_and(|(p, k)| !p.is_empty() && k.contains('/')) {
                prop_assert_eq!(split_attach_spec(&path, false), (path.as_str(), None));
            }
        }

        #[test]
        fn parse_header_never_panics(text in ".{0,80}") {
            let _ = parse_header(&text);
        }

        #[test]
        fn no_header_value_ever_breaks_a_line(subject in "\\PC{0,1200}", value in "\\PC{0,100}") {
            let composition = Composition {
                subject: Some(subject),
                headers: vec![("X-Test".into(), value)],
                ..composition()
            };
            let out = composition.build().unwrap();
            let text = String::from_utf8(out.seven_bit).unwrap();
            let head = text.split("\r\n\r\n").next().unwrap();
            for line in head.split("\r\n") {
                let is_field = line.split_once(':').is_some_and(|(n, _)| !n.is_empty() && !n.contains(' '));
                prop_assert!(is_field || line.starts_with(' ') || line.starts_with('\t'), "{line:?}");
                prop_assert!(!line.contains('\r') && !line.contains('\n'));
                prop_assert!(line.len() <= 998);
            }
        }
    }
}

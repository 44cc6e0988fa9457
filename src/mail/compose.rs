//! Building a message from flags: headers (From, To, Cc, Reply-To, Subject, Date, Message-ID
//! and the user's own), a text and/or HTML body and attachments, as the exact CRLF bytes to
//! send and the envelope to send them to. lettre does the RFC 2047/2231 encoding and the MIME
//! structure; this module decides the structure and validates what lettre would let through.

use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};

use super::address::reject_line_breaks;
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

    /// The envelope as `--dry-run` prints it on stderr.
    pub fn describe(&self) -> String {
        let from = self
            .from
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let to: Vec<String> = self.to.iter().map(|a| format!("<{a}>")).collect();
        format!("envelope from: <{from}>\nenvelope to: {}\n", to.join(", "))
    }
}

/// A message ready to send: its exact bytes (CRLF line endings) and its envelope.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub envelope: Envelope,
    pub bytes: Vec<u8>,
}

/// One file to attach, already read.
#[derive(Debug, Clone)]
pub struct AttachmentFile {
    /// The name the recipient sees (non-ASCII is fine: lettre writes RFC 2231).
    pub filename: String,
    pub content_type: ContentType,
    pub data: Vec<u8>,
}

/// Everything a composed message is made of, validated field by field.
#[derive(Debug, Clone, Default)]
pub struct Composition {
    pub from: Option<Mailbox>,
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

impl Composition {
    /// The envelope: From's address, then every To, Cc and Bcc address once.
    pub fn envelope(&self) -> Envelope {
        let recipients = self
            .to
            .iter()
            .chain(&self.cc)
            .chain(&self.bcc)
            .map(|m| m.email.clone());
        Envelope::new(self.from.as_ref().map(|m| m.email.clone()), recipients)
    }

    /// Builds the message: headers, then the body as `text/plain`, `text/html`,
    /// `multipart/alternative` (both), wrapped in `multipart/mixed` when there are
    /// attachments. Date and Message-ID are always set.
    pub fn build(&self) -> anyhow::Result<Outgoing> {
        let from = self
            .from
            .clone()
            .ok_or_else(|| exit::failure(sysexits::USAGE, "no sender: give --from ADDRESS"))?;
        if let Some(subject) = &self.subject {
            reject_line_breaks("--subject", subject)?;
        }
        let mut builder = Message::builder().from(from).date_now().message_id(None);
        for mailbox in &self.to {
            builder = builder.to(mailbox.clone());
        }
        for mailbox in &self.cc {
            builder = builder.cc(mailbox.clone());
        }
        for mailbox in &self.reply_to {
            builder = builder.reply_to(mailbox.clone());
        }
        if let Some(subject) = &self.subject {
            builder = builder.subject(subject.clone());
        }
        for (name, value) in &self.headers {
            let name = HeaderName::new_from_ascii(name.clone()).map_err(|_| {
                exit::failure(
                    sysexits::DATA_ERR,
                    format!("--header: {name:?} is not a valid header name"),
                )
            })?;
            builder = builder.raw_header(HeaderValue::new(name, value.clone()));
        }
        let envelope = self.envelope();
        let lettre_envelope =
            lettre::address::Envelope::new(envelope.from.clone(), envelope.to.clone())
                .map_err(|e| exit::failure(sysexits::USAGE, format!("no recipients: {e}")))?;
        builder = builder.envelope(lettre_envelope);
        let body = self.body_part();
        let single = matches!(body, Body2::Single(_));
        let message = match body {
            Body2::Single(part) => builder.singlepart(part),
            Body2::Multi(part) => builder.multipart(part),
        }
        .map_err(|e| exit::failure(sysexits::DATA_ERR, format!("cannot build the message: {e}")))?;
        let mut bytes = message.formatted();
        // lettre always writes CRLF after a part's body, which inside a multipart belongs to
        // the boundary line; at the top level it would add an empty line to a body that
        // already ends with a line break.
        if single && bytes.ends_with(b"\r\n\r\n") {
            bytes.truncate(bytes.len() - 2);
        }
        Ok(Outgoing { envelope, bytes })
    }

    fn body_part(&self) -> Body2 {
        let text = self.text.as_ref().map(|t| SinglePart::plain(t.clone()));
        let html = self.html.as_ref().map(|h| SinglePart::html(h.clone()));
        let content = match (text, html) {
            (Some(text), Some(html)) => Some(Body2::Multi(
                MultiPart::alternative().singlepart(text).singlepart(html),
            )),
            (Some(text), None) => Some(Body2::Single(text)),
            (None, Some(html)) => Some(Body2::Single(html)),
            (None, None) => None,
        };
        if self.attachments.is_empty() {
            return content.unwrap_or_else(|| Body2::Single(SinglePart::plain(String::new())));
        }
        let mut mixed = MultiPart::mixed().build();
        match content {
            Some(Body2::Single(part)) => mixed = mixed.singlepart(part),
            Some(Body2::Multi(part)) => mixed = mixed.multipart(part),
            None => {}
        }
        for file in &self.attachments {
            mixed = mixed.singlepart(attachment_part(file));
        }
        Body2::Multi(mixed)
    }
}

/// The body is either one part or a multipart tree.
enum Body2 {
    Single(SinglePart),
    Multi(MultiPart),
}

/// An attachment part, always base64 so its bytes survive any relay unchanged.
fn attachment_part(file: &AttachmentFile) -> SinglePart {
    let body = Body::new_with_encoding(file.data.clone(), ContentTransferEncoding::Base64)
        .unwrap_or_else(Body::new);
    Attachment::new(file.filename.clone()).body(body, file.content_type.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mailbox(text: &str) -> Mailbox {
        text.parse().unwrap()
    }

    fn status(err: &anyhow::Error) -> i32 {
        err.downcast_ref::<exit::Failure>().unwrap().status
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
            from: Some(mailbox("me@example.org")),
            to: vec![mailbox("a@example.org")],
            bcc: vec![mailbox("secret@example.org"), mailbox("a@example.org")],
            text: Some("hi".into()),
            ..Composition::default()
        };
        let out = composition.build().unwrap();
        let text = String::from_utf8(out.bytes).unwrap();
        assert!(!text.contains("secret"), "{text}");
        assert!(!text.to_ascii_lowercase().contains("bcc:"), "{text}");
        assert_eq!(
            out.envelope.to,
            vec![
                "a@example.org".parse::<Address>().unwrap(),
                "secret@example.org".parse().unwrap()
            ]
        );
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

    proptest! {
        #[test]
        fn attach_spec_round_trips(path in "[^\\x00]{1,20}", kind in "[a-z]{1,8}/[a-z0-9.+-]{1,12}") {
            let spec = format!("{path}:{kind}");
            prop_assert_eq!(split_attach_spec(&spec, false), (path.as_str(), Some(kind.as_str())));
            prop_assert_eq!(split_attach_spec(&spec, true), (spec.as_str(), None));
            // Without a type the whole spec is the path, whatever colons it has.
            if !path.rsplit_once(':').is_some_and(|(p, k)| !p.is_empty() && k.contains('/')) {
                prop_assert_eq!(split_attach_spec(&path, false), (path.as_str(), None));
            }
        }

        #[test]
        fn parse_header_never_panics(text in ".{0,80}") {
            let _ = parse_header(&text);
        }

        #[test]
        fn no_header_value_ever_breaks_a_line(subject in "\\PC{0,100}", value in "\\PC{0,100}") {
            let composition = Composition {
                from: Some(mailbox("me@example.org")),
                to: vec![mailbox("a@example.org")],
                subject: Some(subject),
                headers: vec![("X-Test".into(), value)],
                text: Some("body".into()),
                ..Composition::default()
            };
            let out = composition.build().unwrap();
            let text = String::from_utf8(out.bytes).unwrap();
            let head = text.split("\r\n\r\n").next().unwrap();
            for line in head.split("\r\n") {
                // Every header line is a field or a folded continuation, never a new field
                // smuggled in through a value.
                let is_field = line.split_once(':').is_some_and(|(n, _)| !n.is_empty() && !n.contains(' '));
                prop_assert!(is_field || line.starts_with(' ') || line.starts_with('\t'), "{line:?}");
                prop_assert!(!line.contains('\r') && !line.contains('\n'));
            }
        }
    }
}

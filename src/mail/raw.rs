//! A complete RFC 5322 message read from stdin, as the classic `sendmail` interface passes
//! it (`sendmail -t`, `sendmail rcpt...`). Its header is kept as written, except that Bcc
//! fields are removed and Date, Message-ID (and From, when asked) are added when missing;
//! line endings become CRLF. The header is checked line by line so a malformed message is
//! refused (exit 65) rather than sent half-understood, and no line may pass 998 octets.
//!
//! Lenient where real MTAs are: a leading mbox `From ` line is dropped and the obsolete
//! `Name : value` syntax (RFC 5322 §4.5) is read.

use super::address::{Bare, Mailbox, parse_lists_with, parse_mailbox_with, split_list};
use super::compose::{date_field, message_id_field};
use super::header;
use super::mime::crlf;
use super::sysexits;
use crate::exit;

/// Longest line a message may have, without its CRLF (RFC 5322 §2.1.1).
const MAX_LINE: usize = 998;

/// One header field as it appeared: its name and its lines (the first one and any folded
/// continuations), without line endings.
struct Field {
    name: String,
    lines: Vec<Vec<u8>>,
}

impl Field {
    /// The unfolded value, for reading addresses (non-UTF-8 bytes become U+FFFD).
    fn value(&self) -> String {
        let mut value = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            let part = if i == 0 {
                let colon = line.iter().position(|&b| b == b':').unwrap_or(0);
                &line[colon + 1..]
            } else {
                &line[..]
            };
            value.extend_from_slice(part);
        }
        String::from_utf8_lossy(&value).trim().to_owned()
    }

    fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// What to do about the From header (msmtp's `set_from_header`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FromHeader {
    /// Add one when the message has none.
    #[default]
    Auto,
    /// Replace whatever the message has.
    Always,
    /// Never add one.
    Never,
}

/// A complete message, parsed far enough to send it.
pub struct ReadMessage {
    fields: Vec<Field>,
    /// The body with CRLF line endings.
    body: Vec<u8>,
    /// Every mailbox in To, Cc and Bcc, in that order.
    pub header_recipients: Vec<Mailbox>,
    /// The first mailbox of Sender, else of From.
    pub header_sender: Option<Mailbox>,
    /// The first mailbox of From (what msmtp's `%F` stands for).
    pub header_from: Option<Mailbox>,
}

/// Reads a complete message. Bare local names in its address fields are qualified with
/// `domain`.
pub fn read_message(input: &[u8], domain: &str) -> anyhow::Result<ReadMessage> {
    let input = crlf(input);
    let mut lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    for line in &mut lines {
        *line = line.strip_suffix(b"\r").unwrap_or(line);
    }
    // crlf() ends the last line with CRLF, which leaves one empty item after the split.
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if lines.first().is_some_and(|l| l.starts_with(b"From ")) {
        lines.remove(0);
    }
    for (number, line) in lines.iter().enumerate() {
        if line.len() > MAX_LINE {
            return Err(exit::failure(
                sysexits::DATA_ERR,
                format!(
                    "line {} of the message is {} octets long; no line of a mail message may pass 998 (RFC 5322); send such data as an attachment",
                    number + 1,
                    line.len()
                ),
            ));
        }
    }
    let header_end = lines.iter().position(|l| l.is_empty());
    let (header_lines, body_lines) = match header_end {
        Some(end) => (&lines[..end], &lines[end + 1..]),
        None => (&lines[..], &[][..]),
    };
    let fields = parse_fields(header_lines)?;
    if fields.is_empty() {
        return Err(exit::failure(
            sysexits::DATA_ERR,
            "the message on stdin has no header fields (sendmail reads a complete message: headers, an empty line, the body)",
        ));
    }

    let bare = Bare::QualifyWith(domain);
    let mut header_recipients = Vec::new();
    for field in fields
        .iter()
        .filter(|f| f.is("to") || f.is("cc") || f.is("bcc"))
    {
        let what = format!("the message's {} header", field.name);
        header_recipients.extend(parse_lists_with(&what, &[field.value()], bare)?);
    }
    let header_from = first_mailbox(&fields, "from", bare)?;
    let header_sender = first_mailbox(&fields, "sender", bare)?.or(header_from.clone());

    let mut body = Vec::with_capacity(input.len());
    for line in body_lines {
        body.extend_from_slice(line);
        body.extend_from_slice(b"\r\n");
    }
    Ok(ReadMessage {
        fields,
        body,
        header_recipients,
        header_sender,
        header_from,
    })
}

impl ReadMessage {
    /// Whether the message has a From header.
    pub fn has_from(&self) -> bool {
        self.fields.iter().any(|f| f.is("from"))
    }

    /// The bytes to send: Date and Message-ID added when missing (the ID's domain is
    /// `domain`), Bcc removed, From written from `from` as `policy` says.
    pub fn into_bytes(self, from: &Mailbox, policy: FromHeader, domain: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.body.len() + 1024);
        let has = |name: &str| self.fields.iter().any(|f| f.is(name));
        if !has("date") {
            bytes.extend_from_slice(date_field().as_bytes());
        }
        if !has("message-id") {
            bytes.extend_from_slice(message_id_field(domain).as_bytes());
        }
        let write_from = match policy {
            FromHeader::Auto => !self.has_from(),
            FromHeader::Always => true,
            FromHeader::Never => false,
        };
        if write_from {
            bytes.extend_from_slice(
                header::addresses("From", std::slice::from_ref(from)).as_bytes(),
            );
        }
        let dropped = |f: &Field| f.is("bcc") || (write_from && f.is("from"));
        for field in self.fields.iter().filter(|f| !dropped(f)) {
            for line in &field.lines {
                bytes.extend_from_slice(line);
                bytes.extend_from_slice(b"\r\n");
            }
        }
        bytes.extend_from_slice(b"\r\n");
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

fn parse_fields(lines: &[&[u8]]) -> anyhow::Result<Vec<Field>> {
    let mut fields: Vec<Field> = Vec::new();
    for (number, line) in lines.iter().enumerate() {
        let bad = |why: &str| {
            exit::failure(
                sysexits::DATA_ERR,
                format!(
                    "line {} of the message header {why}: {:?}",
                    number + 1,
                    String::from_utf8_lossy(line)
                ),
            )
        };
        if line.contains(&0) {
            return Err(bad("holds a NUL byte"));
        }
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            match fields.last_mut() {
                Some(field) => field.lines.push(line.to_vec()),
                None => return Err(bad("is a continuation with no field before it")),
            }
            continue;
        }
        let colon = line.iter().position(|&b| b == b':');
        // RFC 5322 §4.5: obsolete syntax allows white space between the name and the colon.
        let name = colon
            .map(|c| line[..c].trim_ascii_end())
            .unwrap_or_default();
        let valid = !name.is_empty() && name.iter().all(|b| (33..=126).contains(b));
        if !valid {
            return Err(bad("is not a `Name: value` field"));
        }
        fields.push(Field {
            name: String::from_utf8_lossy(name).into_owned(),
            lines: vec![line.to_vec()],
        });
    }
    Ok(fields)
}

fn first_mailbox(fields: &[Field], name: &str, bare: Bare<'_>) -> anyhow::Result<Option<Mailbox>> {
    let Some(field) = fields.iter().find(|f| f.is(name)) else {
        return Ok(None);
    };
    let what = format!("the message's {} header", field.name);
    split_list(&field.value())
        .first()
        .map(|item| parse_mailbox_with(&what, item, bare))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::address::parse_mailbox;
    use proptest::prelude::*;

    const MESSAGE: &str = "From: Me <me@example.org>\n\
To: a@example.org, \"Doe, B\" <b@example.org>\n\
Cc: c@example.org\n\
Bcc: hidden@example.org,\n  other@example.org\n\
Subject: hi\n\
\n\
body line\n\
.leading dot\n";

    fn me() -> Mailbox {
        parse_mailbox("test", "me@example.org").unwrap()
    }

    fn emails(mailboxes: &[Mailbox]) -> Vec<String> {
        mailboxes.iter().map(|m| m.address.to_string()).collect()
    }

    #[test]
    fn takes_recipients_and_removes_bcc() {
        let read = read_message(MESSAGE.as_bytes(), "h.org").unwrap();
        assert_eq!(
            emails(&read.header_recipients),
            [
                "a@example.org",
                "b@example.org",
                "c@example.org",
                "hidden@example.org",
                "other@example.org"
            ]
        );
        let text = String::from_utf8(read.into_bytes(&me(), FromHeader::Auto, "h.org")).unwrap();
        assert!(
            !text.contains("hidden") && !text.contains("other@"),
            "{text}"
        );
        assert!(text.starts_with("Date: "), "{text}");
        assert!(text.contains("\r\nMessage-ID: <"), "{text}");
        assert!(
            text.ends_with("Subject: hi\r\n\r\nbody line\r\n.leading dot\r\n"),
            "{text:?}"
        );
    }

    #[test]
    fn keeps_existing_date_and_id() {
        let input = "Date: Sat, 21 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@y>\r\nFrom: a@x.org\r\nTo: b@y.org\r\n\r\nhi";
        let read = read_message(input.as_bytes(), "h.org").unwrap();
        assert_eq!(
            read.into_bytes(&me(), FromHeader::Auto, "h.org"),
            format!("{input}\r\n").as_bytes()
        );
    }

    #[test]
    fn is_lenient_where_mtas_are() {
        let input = "From someone@example.org Sat Nov 21 10:00:00 2026\nSubject : old style\nTo: root\n\nhi\rthere\n";
        let read = read_message(input.as_bytes(), "host.example.org").unwrap();
        assert_eq!(emails(&read.header_recipients), ["root@host.example.org"]);
        assert!(!read.has_from());
        let text = String::from_utf8(read.into_bytes(&me(), FromHeader::Auto, "h.org")).unwrap();
        assert!(!text.contains("From someone"), "{text}");
        assert!(text.contains("From: me@example.org\r\n"), "{text}");
        assert!(text.contains("Subject : old style\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nhi\r\nthere\r\n"), "{text:?}");
    }

    #[test]
    fn refuses_malformed_headers_and_long_lines() {
        let long_body = format!("To: a@x.org\n\n{}\n", "x".repeat(999));
        for bad in [
            " continuation first\nTo: a@x.org\n\nbody",
            "To: a@x.org\nnot a field\n\nbody",
            "To: a@x.org\nBad Name: v\n\nbody",
            "To: not an address\n\nbody",
            "",
            long_body.as_str(),
        ] {
            let Err(err) = read_message(bad.as_bytes(), "h.org") else {
                panic!("accepted {bad:?}");
            };
            let status = err.downcast_ref::<exit::Failure>().unwrap().status;
            assert_eq!(status, sysexits::DATA_ERR, "{bad:?}: {err}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(input in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(read) = read_message(&input, "h.org") {
                let _ = read.into_bytes(&me(), FromHeader::Auto, "h.org");
            }
        }

        #[test]
        fn bcc_never_survives(name in "(?i)bcc", value in "[a-z]{1,8}@hidden[a-z]{0,8}\\.org", crlf in any::<bool>()) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let input = format!("From: a@x.org{nl}{name}: {value}{nl}To: t@x.org{nl}{nl}body{nl}");
            let read = read_message(input.as_bytes(), "h.org").unwrap();
            prop_assert!(read.header_recipients.iter().any(|m| m.address.to_string() == value));
            let text = String::from_utf8(read.into_bytes(&me(), FromHeader::Auto, "h.org")).unwrap();
            prop_assert!(!text.contains(&value));
        }

        #[test]
        fn output_lines_end_in_crlf_and_fit(body in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let mut input = b"To: a@x.org\n\n".to_vec();
            input.extend_from_slice(&body);
            if let Ok(read) = read_message(&input, "h.org") {
                let bytes = read.into_bytes(&me(), FromHeader::Auto, "h.org");
                let text = String::from_utf8_lossy(&bytes).replace("\r\n", "");
                prop_assert!(!text.contains('\r') && !text.contains('\n'));
                prop_assert!(bytes.split(|&b| b == b'\n').all(|l| l.len() <= 999));
            }
        }
    }
}

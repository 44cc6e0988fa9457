//! `sendmail -t`: a complete RFC 5322 message read from stdin. Recipients come from its To,
//! Cc and Bcc fields; Bcc fields are removed before sending; Date and Message-ID are added
//! when missing; line endings become CRLF. The header is checked line by line so a malformed
//! message is refused (exit 65) rather than sent half-understood. Everything else is sent
//! byte for byte as given.

use lettre::Message;
use lettre::message::Mailbox;

use super::address::{parse_lists, parse_mailbox, split_list};
use super::compose::{Envelope, Outgoing};
use super::sysexits;
use crate::exit;

/// One header field as it appeared: its name and its lines (the first one and any folded
/// continuations), without line endings.
struct Field<'a> {
    name: String,
    lines: Vec<&'a [u8]>,
}

impl Field<'_> {
    /// The unfolded value, for reading addresses (non-UTF-8 bytes become U+FFFD).
    fn value(&self) -> String {
        let mut value = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            let part = if i == 0 {
                &line[self.name.len() + 1..]
            } else {
                line
            };
            value.extend_from_slice(part);
        }
        String::from_utf8_lossy(&value).trim().to_owned()
    }

    fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// What `-t` found in a message.
#[derive(Debug)]
pub struct ReadMessage {
    /// The bytes to send: Bcc removed, Date and Message-ID ensured, CRLF line endings.
    pub bytes: Vec<u8>,
    /// Every mailbox in To, Cc and Bcc, in that order.
    pub recipients: Vec<Mailbox>,
    /// The first mailbox of Sender, else of From.
    pub sender: Option<Mailbox>,
}

/// Reads a complete message, takes its recipients and prepares it for sending.
pub fn read_message(input: &[u8]) -> anyhow::Result<ReadMessage> {
    let lines = split_lines(input);
    let header_end = lines.iter().position(|l| l.is_empty());
    let (header_lines, body_lines) = match header_end {
        Some(end) => (&lines[..end], &lines[end + 1..]),
        None => (&lines[..], &[][..]),
    };
    let fields = parse_fields(header_lines)?;
    if fields.is_empty() {
        return Err(exit::failure(
            sysexits::DATA_ERR,
            "-t: the message on stdin has no header fields",
        ));
    }

    let mut recipients = Vec::new();
    for field in fields
        .iter()
        .filter(|f| f.is("to") || f.is("cc") || f.is("bcc"))
    {
        let what = format!("-t: {} header", field.name);
        recipients.extend(parse_lists(&what, &[field.value()])?);
    }
    let sender = first_mailbox(&fields, "sender")?.or(first_mailbox(&fields, "from")?);

    let mut bytes = Vec::with_capacity(input.len() + 200);
    let has = |name: &str| fields.iter().any(|f| f.is(name));
    let (has_date, has_id) = (has("date"), has("message-id"));
    if !has_date || !has_id {
        bytes.extend_from_slice(missing_date_and_id(!has_date, !has_id)?.as_bytes());
    }
    for field in fields.iter().filter(|f| !f.is("bcc")) {
        for line in &field.lines {
            bytes.extend_from_slice(line);
            bytes.extend_from_slice(b"\r\n");
        }
    }
    bytes.extend_from_slice(b"\r\n");
    for (i, line) in body_lines.iter().enumerate() {
        let last = i + 1 == body_lines.len();
        bytes.extend_from_slice(line);
        // The split leaves one empty item after a final newline; don't double it.
        if !(last && line.is_empty()) {
            bytes.extend_from_slice(b"\r\n");
        }
    }
    Ok(ReadMessage {
        bytes,
        recipients,
        sender,
    })
}

impl ReadMessage {
    /// The message and its envelope: MAIL FROM is `from` (from `--from`) or the message's own
    /// sender; RCPT TO is every recipient of the message plus `extra_bcc`.
    pub fn into_outgoing(
        self,
        from: Option<Mailbox>,
        extra_bcc: Vec<Mailbox>,
    ) -> anyhow::Result<Outgoing> {
        let from = from.or(self.sender).ok_or_else(|| {
            exit::failure(
                sysexits::DATA_ERR,
                "-t: the message has no From header; add one or give --from",
            )
        })?;
        let envelope = Envelope::new(
            Some(from.email),
            self.recipients
                .into_iter()
                .chain(extra_bcc)
                .map(|m| m.email),
        );
        Ok(Outgoing {
            envelope,
            bytes: self.bytes,
        })
    }
}

/// Splits at LF, dropping a CR before it: CRLF and bare LF input both become lines.
fn split_lines(input: &[u8]) -> Vec<&[u8]> {
    input
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .collect()
}

fn parse_fields<'a>(lines: &[&'a [u8]]) -> anyhow::Result<Vec<Field<'a>>> {
    let mut fields: Vec<Field<'a>> = Vec::new();
    for (number, line) in lines.iter().enumerate() {
        let bad = |why: &str| {
            exit::failure(
                sysexits::DATA_ERR,
                format!(
                    "-t: line {} of the message header {why}: {:?}",
                    number + 1,
                    String::from_utf8_lossy(line)
                ),
            )
        };
        if line.contains(&b'\r') || line.contains(&0) {
            return Err(bad("holds a bare carriage return or NUL"));
        }
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            match fields.last_mut() {
                Some(field) => field.lines.push(line),
                None => return Err(bad("is a continuation with no field before it")),
            }
            continue;
        }
        let colon = line.iter().position(|&b| b == b':');
        let name = colon.map(|c| &line[..c]).unwrap_or_default();
        let valid = !name.is_empty() && name.iter().all(|b| (33..=126).contains(b));
        if !valid {
            return Err(bad("is not a `Name: value` field"));
        }
        fields.push(Field {
            name: String::from_utf8_lossy(name).into_owned(),
            lines: vec![line],
        });
    }
    Ok(fields)
}

fn first_mailbox(fields: &[Field<'_>], name: &str) -> anyhow::Result<Option<Mailbox>> {
    let Some(field) = fields.iter().find(|f| f.is(name)) else {
        return Ok(None);
    };
    let what = format!("-t: {} header", field.name);
    split_list(&field.value())
        .first()
        .map(|item| parse_mailbox(&what, item))
        .transpose()
}

/// `Date:` and/or `Message-ID:` lines generated exactly as for composed messages.
fn missing_date_and_id(date: bool, id: bool) -> anyhow::Result<String> {
    let internal = |e: &dyn std::fmt::Display| {
        exit::failure(
            sysexits::SOFTWARE,
            format!("-t: cannot generate Date/Message-ID: {e}"),
        )
    };
    let placeholder = lettre::Address::new("nobody", "localhost").map_err(|e| internal(&e))?;
    let nobody = Mailbox::new(None, placeholder);
    let generated = Message::builder()
        .from(nobody.clone())
        .to(nobody)
        .date_now()
        .message_id(None)
        .body(String::new())
        .map_err(|e| internal(&e))?;
    let mut out = String::new();
    for (wanted, name) in [(date, "Date"), (id, "Message-ID")] {
        if let Some(value) = wanted.then(|| generated.headers().get_raw(name)).flatten() {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MESSAGE: &str = "From: Me <me@example.org>\n\
To: a@example.org, \"Doe, B\" <b@example.org>\n\
Cc: c@example.org\n\
Bcc: hidden@example.org,\n  other@example.org\n\
Subject: hi\n\
\n\
body line\n\
.leading dot\n";

    #[test]
    fn takes_recipients_and_removes_bcc() {
        let read = read_message(MESSAGE.as_bytes()).unwrap();
        let emails: Vec<String> = read
            .recipients
            .iter()
            .map(|m| m.email.to_string())
            .collect();
        assert_eq!(
            emails,
            [
                "a@example.org",
                "b@example.org",
                "c@example.org",
                "hidden@example.org",
                "other@example.org"
            ]
        );
        let text = String::from_utf8(read.bytes).unwrap();
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
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "bare LF left: {text:?}"
        );
    }

    #[test]
    fn keeps_existing_date_and_id() {
        let input = "Date: Sat, 21 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@y>\r\nFrom: a@x.org\r\nTo: b@y.org\r\n\r\nhi";
        let read = read_message(input.as_bytes()).unwrap();
        assert_eq!(read.bytes, format!("{input}\r\n").as_bytes());
    }

    #[test]
    fn refuses_malformed_headers() {
        for bad in [
            " continuation first\nTo: a@x.org\n\nbody",
            "To: a@x.org\nnot a field\n\nbody",
            "To: a@x.org\nBad Name: v\n\nbody",
            "To: a@x.org\r\rCc: b@y.org\n\nbody",
            "To: not an address\n\nbody",
            "",
        ] {
            let err = read_message(bad.as_bytes()).unwrap_err();
            let status = err.downcast_ref::<exit::Failure>().unwrap().status;
            assert_eq!(status, sysexits::DATA_ERR, "{bad:?}: {err}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(input in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = read_message(&input);
        }

        #[test]
        fn bcc_never_survives(name in "(?i)bcc", value in "[a-z]{1,8}@hidden[a-z]{0,8}\\.org", crlf in any::<bool>()) {
            // The domain keeps the Bcc address from ever equalling From or To (both @x.org).
            let nl = if crlf { "\r\n" } else { "\n" };
            let input = format!("From: a@x.org{nl}{name}: {value}{nl}To: t@x.org{nl}{nl}body{nl}");
            let read = read_message(input.as_bytes()).unwrap();
            let text = String::from_utf8(read.bytes).unwrap();
            prop_assert!(!text.contains(&value));
            prop_assert!(read.recipients.iter().any(|m| m.email.to_string() == value));
        }
    }
}

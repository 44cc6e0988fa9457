//! Writing header fields: RFC 2047 encoded words for non-ASCII text, quoted strings for ASCII
//! display names with specials (`"Doe, Jane" <jane@example.org>`), RFC 2231 parameters for
//! file names, and folding so that no line is longer than 998 octets (RFC 5322 §2.1.1) and
//! lines stay near 78 where a space allows it.
//!
//! Folding only ever turns an existing space into CRLF + space, so unfolding gives back
//! exactly the value that was written. A word too long to fit on any line is RFC 2047-encoded
//! first, in pieces that fit.

use base64::Engine as _;

use super::address::Mailbox;

/// Where a line should end when a space allows it (RFC 5322 §2.1.1 "SHOULD").
const SOFT_LIMIT: usize = 78;
/// A word longer than this cannot be left as it is: with the field name it could pass 998.
const LONGEST_PLAIN_WORD: usize = 900;
/// Bytes of text per encoded word, so that `=?utf-8?b?...?=` stays within 75 characters.
const ENCODED_WORD_BYTES: usize = 45;

/// `Name: value` for unstructured text (Subject, `--header` values), encoded when it holds
/// non-ASCII or a word too long for a line, folded, ending in CRLF.
pub fn unstructured(name: &str, value: &str) -> String {
    let needs_encoding =
        !value.is_ascii() || value.split(' ').any(|word| word.len() > LONGEST_PLAIN_WORD);
    if needs_encoding {
        fold(name, &encoded_words(value))
    } else {
        fold_text(name, value)
    }
}

/// `Name: a, B <b@x>, ...` for an address list, folded between and inside mailboxes.
pub fn addresses(name: &str, mailboxes: &[Mailbox]) -> String {
    let mut words: Vec<String> = Vec::new();
    for (i, mailbox) in mailboxes.iter().enumerate() {
        let last = i + 1 == mailboxes.len();
        if let Some(display) = &mailbox.name {
            words.extend(phrase(display));
        }
        let address = if mailbox.name.is_some() {
            format!("<{}>", mailbox.address)
        } else {
            mailbox.address.to_string()
        };
        words.push(if last { address } else { format!("{address},") });
    }
    fold(name, &words)
}

/// A display name as header words: atoms as they are, other ASCII as one quoted string,
/// non-ASCII (or a word too long for a line) as encoded words.
fn phrase(name: &str) -> Vec<String> {
    if !name.is_ascii() || name.split(' ').any(|w| w.len() > LONGEST_PLAIN_WORD) {
        return encoded_words(name);
    }
    let atoms_only = !name.is_empty()
        && !name.starts_with(' ')
        && !name.ends_with(' ')
        && !name.contains("  ")
        && name
            .chars()
            .all(|c| c == ' ' || c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c));
    if atoms_only {
        return name.split(' ').map(str::to_owned).collect();
    }
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push('"');
    for c in name.chars() {
        if c == '"' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    // Spaces inside a quoted string are folding white space too (RFC 5322 §3.2.4).
    quoted.split(' ').map(str::to_owned).collect()
}

/// `text` as RFC 2047 B-encoded words of UTF-8, each within 75 characters, split only
/// between characters.
pub fn encoded_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + ENCODED_WORD_BYTES).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let chunk = &text.as_bytes()[start..end];
        let encoded = base64::engine::general_purpose::STANDARD.encode(chunk);
        words.push(format!("=?utf-8?b?{encoded}?="));
        start = end;
    }
    if words.is_empty() {
        words.push(String::new());
    }
    words
}

/// Folds plain text at its own spaces.
fn fold_text(name: &str, value: &str) -> String {
    let words: Vec<String> = value.split(' ').map(str::to_owned).collect();
    fold(name, &words)
}

/// `Name: w1 w2 ...` with CRLF + space between words wherever a line would pass 78.
pub fn fold(name: &str, words: &[String]) -> String {
    let mut out = format!("{name}:");
    let mut line_len = out.len();
    for word in words {
        if line_len + 1 + word.len() > SOFT_LIMIT && line_len > name.len() + 1 && !word.is_empty() {
            out.push_str("\r\n");
            line_len = 0;
        }
        out.push(' ');
        out.push_str(word);
        line_len += 1 + word.len();
    }
    out.push_str("\r\n");
    out
}

/// A MIME parameter: `name="value"` for short ASCII values, RFC 2231 `name*0*=utf-8''...`
/// continuations otherwise (non-ASCII file names, or ones too long for a line).
pub fn parameter(name: &str, value: &str) -> Vec<String> {
    let plain = value.len() <= 60 && value.bytes().all(|b| (b' '..=b'~').contains(&b));
    if plain {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        return vec![format!("{name}=\"{escaped}\"")];
    }
    let mut encoded = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    let mut pieces = Vec::new();
    let mut rest = encoded.as_str();
    let mut index = 0;
    while !rest.is_empty() || index == 0 {
        let mut take = rest.len().min(50);
        // Never split a %XX escape.
        while take < rest.len() && rest[..take].rfind('%').is_some_and(|p| p + 3 > take) {
            take -= 1;
        }
        let prefix = if index == 0 { "utf-8''" } else { "" };
        pieces.push(format!("{name}*{index}*={prefix}{}", &rest[..take]));
        rest = &rest[take..];
        index += 1;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::address::parse_mailbox;
    use proptest::prelude::*;

    fn unfold(field: &str) -> String {
        field.trim_end_matches("\r\n").replace("\r\n ", " ")
    }

    fn decode_words(value: &str) -> String {
        value
            .split(' ')
            .map(|w| {
                let inner = w
                    .strip_prefix("=?utf-8?b?")
                    .unwrap()
                    .strip_suffix("?=")
                    .unwrap();
                base64::engine::general_purpose::STANDARD
                    .decode(inner)
                    .unwrap()
            })
            .flat_map(|b| b.into_iter())
            .collect::<Vec<u8>>()
            .into_iter()
            .map(char::from)
            .collect()
    }

    #[test]
    fn ascii_display_names_with_specials_are_quoted_not_encoded() {
        let mailboxes = [
            parse_mailbox("--to", r#""Doe, Jane" <jane@example.org>"#).unwrap(),
            parse_mailbox("--to", "Ann Lee <ann@example.org>").unwrap(),
            parse_mailbox("--to", r#""say \"hi\"" <q@example.org>"#).unwrap(),
        ];
        assert_eq!(
            addresses("To", &mailboxes),
            "To: \"Doe, Jane\" <jane@example.org>, Ann Lee <ann@example.org>, \"say \\\"hi\\\"\"\r\n <q@example.org>\r\n"
        );
    }

    #[test]
    fn non_ascii_is_encoded_and_long_text_folded() {
        let field = unstructured("Subject", "Grüße");
        assert_eq!(field, "Subject: =?utf-8?b?R3LDvMOfZQ==?=\r\n");
        let long = "word ".repeat(40);
        let field = unstructured("Subject", long.trim_end());
        assert!(field.lines().all(|l| l.len() <= 78), "{field}");
        assert_eq!(unfold(&field), format!("Subject: {}", long.trim_end()));
    }

    #[test]
    fn a_word_longer_than_a_line_is_encoded_in_pieces() {
        let word = "x".repeat(3000);
        let field = unstructured("X-Long", &word);
        assert!(field.split("\r\n").all(|l| l.len() <= 998), "{field}");
        let value = unfold(&field);
        let value = value.strip_prefix("X-Long: ").unwrap();
        assert_eq!(decode_words(value), word);
    }

    #[test]
    fn file_names_use_rfc_2231_when_needed() {
        assert_eq!(parameter("filename", "a b.txt"), ["filename=\"a b.txt\""]);
        assert_eq!(
            parameter("filename", "résumé.pdf"),
            ["filename*0*=utf-8''r%C3%A9sum%C3%A9.pdf"]
        );
        let long = parameter("filename", &"é".repeat(40));
        assert!(
            long.len() > 1 && long.iter().all(|p| p.len() < 78),
            "{long:?}"
        );
        assert!(long[1].starts_with("filename*1*=%"), "{long:?}");
    }

    proptest! {
        #[test]
        fn no_line_ever_passes_998_and_unfolding_is_lossless(value in "[ -~]{0,3000}") {
            let field = unstructured("Subject", &value);
            for line in field.split_terminator("\r\n") {
                prop_assert!(line.len() <= 998);
            }
            let unfolded = unfold(&field);
            if value.split(' ').all(|w| w.len() <= LONGEST_PLAIN_WORD) {
                prop_assert_eq!(unfolded, format!("Subject: {value}"));
            }
        }

        #[test]
        fn encoded_words_stay_short_and_decode_back(text in "\\PC{0,200}") {
            let words = encoded_words(&text);
            for word in &words {
                prop_assert!(word.len() <= 75);
            }
            let bytes: Vec<u8> = words.iter().filter(|w| !w.is_empty()).flat_map(|w| {
                let inner = &w[10..w.len() - 2];
                base64::engine::general_purpose::STANDARD.decode(inner).unwrap()
            }).collect();
            prop_assert_eq!(String::from_utf8(bytes).unwrap(), text);
        }
    }
}

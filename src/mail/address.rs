//! Addresses as users type them (`--to 'Ann <ann@example.org>, bob@example.org'`) and as
//! messages carry them (`To: "Doe, Jane" <jane@example.org>, team: a@x, b@y;`): splitting
//! address lists, parsing mailboxes, and refusing line breaks that would inject headers.

use lettre::message::Mailbox;

use super::sysexits;
use crate::exit;

/// Fails with exit status 65 when `value` holds a CR, LF or NUL: such a value would end the
/// header it is written into and start another one.
pub fn reject_line_breaks(what: &str, value: &str) -> anyhow::Result<()> {
    if let Some(c) = value.chars().find(|c| matches!(c, '\r' | '\n' | '\0')) {
        return Err(exit::failure(
            sysexits::DATA_ERR,
            format!(
                "{what} contains a {} character: {value:?}; refusing to write it into a header",
                match c {
                    '\r' => "carriage return",
                    '\n' => "line feed",
                    _ => "NUL",
                }
            ),
        ));
    }
    Ok(())
}

/// Splits an address list at the commas between addresses, keeping commas inside quoted
/// display names, angle brackets and comments. Groups (`team: a@x, b@y;`) contribute their
/// members; an empty group such as `undisclosed-recipients:;` contributes nothing. Empty
/// items are dropped.
pub fn split_list(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut angle = false;
    for (c, part) in parts(text) {
        match c {
            _ if part != Part::Plain => current.push(c),
            '<' => {
                angle = true;
                current.push(c);
            }
            '>' => {
                angle = false;
                current.push(c);
            }
            // A group's display name ends at its colon: drop the name, keep the members.
            ':' if !angle => current.clear(),
            ',' | ';' if !angle => push_item(&mut items, &mut current),
            _ => current.push(c),
        }
    }
    push_item(&mut items, &mut current);
    items
}

fn push_item(items: &mut Vec<String>, current: &mut String) {
    let item = current.trim();
    if !item.is_empty() {
        items.push(item.to_owned());
    }
    current.clear();
}

/// Parses one mailbox: `ann@example.org`, `<ann@example.org>`, `Ann <ann@example.org>` or
/// `"Doe, Ann" <ann@example.org>`. Comments are dropped. Exit status 65 when it is not one.
pub fn parse_mailbox(what: &str, text: &str) -> anyhow::Result<Mailbox> {
    reject_line_breaks(what, text)?;
    let cleaned = strip_comments(text);
    let cleaned = cleaned.trim();
    let bad = || {
        exit::failure(
            sysexits::DATA_ERR,
            format!("{what}: {text:?} is not a valid mail address"),
        )
    };
    let mailbox: Mailbox = cleaned.parse().map_err(|_| bad())?;
    // lettre's parser stops at the first complete mailbox and ignores what follows; insist
    // that the text ends where the address does.
    let address = mailbox.email.to_string();
    let ends_properly = cleaned.ends_with('>') || cleaned.ends_with(&address);
    if !ends_properly {
        return Err(bad());
    }
    Ok(mailbox)
}

/// Parses every mailbox in each of these address lists (repeated flags, comma lists).
pub fn parse_lists(what: &str, lists: &[String]) -> anyhow::Result<Vec<Mailbox>> {
    let mut mailboxes = Vec::new();
    for list in lists {
        reject_line_breaks(what, list)?;
        for item in split_list(list) {
            mailboxes.push(parse_mailbox(what, &item)?);
        }
    }
    Ok(mailboxes)
}

/// Removes `(comments)` outside quoted strings; they carry nothing an envelope needs.
fn strip_comments(text: &str) -> String {
    parts(text)
        .filter(|&(_, part)| part != Part::Comment)
        .map(|(c, _)| c)
        .collect()
}

/// Where a character of an address stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Plain,
    /// In a `"quoted string"`, quotes included.
    Quoted,
    /// In a `(comment)`, which may nest, parentheses included.
    Comment,
}

/// Each character of `text` with where it stands. Inside quotes and comments a backslash
/// escapes the next character.
fn parts(text: &str) -> impl Iterator<Item = (char, Part)> + '_ {
    let mut in_quotes = false;
    let mut escaped = false;
    let mut depth = 0usize;
    text.chars().map(move |c| {
        let part = if depth > 0 {
            Part::Comment
        } else if in_quotes {
            Part::Quoted
        } else {
            Part::Plain
        };
        if escaped {
            escaped = false;
            return (c, part);
        }
        match c {
            '\\' if part != Part::Plain => escaped = true,
            '"' if depth == 0 => {
                in_quotes = !in_quotes;
                return (c, Part::Quoted);
            }
            '(' if !in_quotes => {
                depth += 1;
                return (c, Part::Comment);
            }
            ')' if depth > 0 => depth -= 1,
            _ => {}
        }
        (c, part)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_lists_keeping_quoted_commas() {
        assert_eq!(
            split_list(r#""Doe, Jane" <jane@x.org>, bob@y.org,, (a, comment) carl@z.org"#),
            vec![
                r#""Doe, Jane" <jane@x.org>"#,
                "bob@y.org",
                "(a, comment) carl@z.org"
            ]
        );
    }

    #[test]
    fn groups_contribute_their_members() {
        assert_eq!(
            split_list("team: a@x.org, b@y.org;, c@z.org"),
            vec!["a@x.org", "b@y.org", "c@z.org"]
        );
        assert!(split_list("undisclosed-recipients:;").is_empty());
    }

    #[test]
    fn parses_the_usual_mailbox_forms() {
        for (text, email, name) in [
            ("ann@example.org", "ann@example.org", None),
            ("<ann@example.org>", "ann@example.org", None),
            (
                "Ann Lee <ann@example.org>",
                "ann@example.org",
                Some("Ann Lee"),
            ),
            (
                r#""Lee, Ann" <ann@example.org>"#,
                "ann@example.org",
                Some("Lee, Ann"),
            ),
            ("ann@example.org (Ann)", "ann@example.org", None),
        ] {
            let mailbox = parse_mailbox("--to", text).unwrap();
            assert_eq!(mailbox.email.to_string(), email, "{text}");
            assert_eq!(mailbox.name.as_deref(), name, "{text}");
        }
    }

    #[test]
    fn rejects_non_addresses_and_line_breaks() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.org",
            "ann@example.org junk",
            "ann@example.org\r\nBcc: eve@evil.org",
            "Ann\n <ann@example.org>",
            "ann@example.org\0",
        ] {
            let err = parse_mailbox("--to", bad).unwrap_err();
            let failure = err.downcast_ref::<exit::Failure>().unwrap();
            assert_eq!(failure.status, sysexits::DATA_ERR, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,60}") {
            let _ = split_list(&text);
            let _ = parse_mailbox("--to", &text);
        }

        #[test]
        fn line_breaks_are_always_rejected(
            before in "[a-z]{1,8}@[a-z]{1,8}\\.org",
            brk in "[\r\n]",
            after in "[ -~]{0,20}",
        ) {
            let text = format!("{before}{brk}{after}");
            prop_assert!(parse_lists("--to", &[text]).is_err());
        }

        #[test]
        fn plain_lists_round_trip(addrs in proptest::collection::vec("[a-z0-9]{1,10}@[a-z]{1,10}\\.(org|com)", 1..6)) {
            let joined = addrs.join(", ");
            let parsed = parse_lists("--to", &[joined]).unwrap();
            let emails: Vec<String> = parsed.iter().map(|m| m.email.to_string()).collect();
            prop_assert_eq!(emails, addrs);
        }
    }
}

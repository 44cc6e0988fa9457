//! Addresses as users type them (`--to 'Ann <ann@example.org>, bob@example.org'`) and as
//! messages carry them (`To: "Doe, Jane" <jane@example.org>, team: a@x, b@y;`): splitting
//! address lists, parsing mailboxes (quoted local parts and address literals included), and
//! refusing line breaks that would inject headers.
//!
//! The classic sendmail interface also passes bare local names (`sendmail root`, `-f root`);
//! those are accepted only where a caller supplies the domain to qualify them with.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::sysexits;
use crate::exit;

/// An addr-spec: `local@domain`, where the local part is a dot-atom or a quoted string
/// (`"john doe"@example.org`) and the domain a host name or an address literal
/// (`x@[127.0.0.1]`, `x@[IPv6:::1]`). Kept exactly as written, so what goes into `RCPT TO`
/// is what the user gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    local: String,
    domain: String,
}

impl Address {
    /// Parses an addr-spec (no display name, no angle brackets).
    pub fn parse(text: &str) -> Result<Address, String> {
        let at = local_part_end(text).ok_or("the part before @ is not a valid local part")?;
        let (local, rest) = text.split_at(at);
        let domain = rest
            .strip_prefix('@')
            .ok_or("it has no @domain (a mail address is local@domain)")?;
        if local.len() > 64 {
            return Err("the part before @ is longer than 64 octets".into());
        }
        check_domain(domain)?;
        Ok(Address {
            local: local.to_owned(),
            domain: domain.to_owned(),
        })
    }

    /// `local@domain` from a bare local name such as `root` (a dot-atom) and a domain.
    pub fn qualified(local: &str, domain: &str) -> Result<Address, String> {
        Address::parse(&format!("{local}@{domain}"))
    }

    /// The domain (host name or `[literal]`).
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// Whether the address is plain ASCII (else the server must offer SMTPUTF8).
    pub fn is_ascii(&self) -> bool {
        self.local.is_ascii() && self.domain.is_ascii()
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local, self.domain)
    }
}

/// A mailbox: an address with an optional display name (unquoted, as the user sees it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: Address,
}

/// RFC 5322 atext, plus any non-ASCII character (RFC 6532).
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
}

/// Where the local part of `text` ends (the byte index of the `@` after it), when it is a
/// valid dot-atom or quoted string.
fn local_part_end(text: &str) -> Option<usize> {
    if let Some(rest) = text.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => return Some(i + 2),
                c if c.is_control() => return None,
                _ => {}
            }
        }
        return None;
    }
    let end = text.find('@').unwrap_or(text.len());
    let local = &text[..end];
    let valid = !local.is_empty()
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(is_atext));
    valid.then_some(end)
}

fn check_domain(domain: &str) -> Result<(), String> {
    if let Some(literal) = domain.strip_prefix('[') {
        let inner = literal
            .strip_suffix(']')
            .ok_or("the address literal after @ has no closing ]")?;
        let valid = match inner.strip_prefix("IPv6:") {
            Some(v6) => v6.parse::<Ipv6Addr>().is_ok(),
            None => inner.parse::<Ipv4Addr>().is_ok(),
        };
        return if valid {
            Ok(())
        } else {
            Err(format!(
                "[{inner}] is not an address literal ([192.0.2.1] or [IPv6:2001:db8::1])"
            ))
        };
    }
    let valid = !domain.is_empty()
        && domain.len() <= 255
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
        });
    if valid {
        Ok(())
    } else {
        Err(format!("{domain:?} is not a valid domain"))
    }
}

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
            // A group's display name ends at its colon: drop the name, keep the members. An
            // address literal's colons (`[IPv6:::1]`) are not group colons.
            ':' if !angle && !current.contains('[') => current.clear(),
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

/// How to treat an address without `@domain`.
#[derive(Debug, Clone, Copy)]
pub enum Bare<'a> {
    /// Refuse it (addresses given with --to, --from and the like).
    Refuse,
    /// Qualify it with this domain, as sendmail does with `sendmail root`.
    QualifyWith(&'a str),
}

/// Parses one mailbox: `ann@example.org`, `<ann@example.org>`, `Ann <ann@example.org>` or
/// `"Doe, Ann" <ann@example.org>`. Comments are dropped. Exit status 65 when it is not one.
pub fn parse_mailbox(what: &str, text: &str) -> anyhow::Result<Mailbox> {
    parse_mailbox_with(what, text, Bare::Refuse)
}

/// [`parse_mailbox`], with bare local names handled as `bare` says.
pub fn parse_mailbox_with(what: &str, text: &str, bare: Bare<'_>) -> anyhow::Result<Mailbox> {
    reject_line_breaks(what, text)?;
    let cleaned = strip_comments(text);
    let cleaned = cleaned.trim();
    let bad = |why: &str| {
        exit::failure(
            sysexits::DATA_ERR,
            format!("{what}: {text:?} is not a valid mail address: {why}"),
        )
    };
    let (name, spec) = match angle_address(cleaned) {
        Some(Ok(parts)) => parts,
        Some(Err(why)) => return Err(bad(why)),
        None => (None, cleaned),
    };
    let address = match (Address::parse(spec), bare) {
        (Ok(address), _) => address,
        (Err(_), Bare::QualifyWith(domain)) if !spec.contains('@') && !spec.is_empty() => {
            Address::qualified(spec, domain).map_err(|why| bad(&why))?
        }
        (Err(why), _) => return Err(bad(&why)),
    };
    Ok(Mailbox { name, address })
}

/// Splits `Name <addr>` into the unquoted name and the address; `None` when there are no
/// angle brackets.
fn angle_address(text: &str) -> Option<Result<(Option<String>, &str), &'static str>> {
    let open = parts(text)
        .scan(0, |at, (c, part)| {
            let here = *at;
            *at += c.len_utf8();
            Some((here, c, part))
        })
        .find(|&(_, c, part)| c == '<' && part == Part::Plain)
        .map(|(at, _, _)| at)?;
    let Some(close) = text[open..].find('>').map(|i| open + i) else {
        return Some(Err("no closing >"));
    };
    if !text[close + 1..].trim().is_empty() {
        return Some(Err("text follows the closing >"));
    }
    let name = unquote(text[..open].trim());
    let name = (!name.is_empty()).then_some(name);
    Some(Ok((name, text[open + 1..close].trim())))
}

/// A display name as written, with quoted strings unquoted and escapes resolved.
fn unquote(phrase: &str) -> String {
    let mut out = String::new();
    let mut escaped = false;
    for (c, part) in parts(phrase) {
        match (c, part) {
            _ if escaped => {
                escaped = false;
                out.push(c);
            }
            ('\\', Part::Quoted) => escaped = true,
            ('"', _) => {}
            _ => out.push(c),
        }
    }
    out
}

/// Parses every mailbox in each of these address lists (repeated flags, comma lists).
pub fn parse_lists(what: &str, lists: &[String]) -> anyhow::Result<Vec<Mailbox>> {
    parse_lists_with(what, lists, Bare::Refuse)
}

/// [`parse_lists`], with bare local names handled as `bare` says.
pub fn parse_lists_with(
    what: &str,
    lists: &[String],
    bare: Bare<'_>,
) -> anyhow::Result<Vec<Mailbox>> {
    let mut mailboxes = Vec::new();
    for list in lists {
        reject_line_breaks(what, list)?;
        for item in split_list(list) {
            mailboxes.push(parse_mailbox_with(what, &item, bare)?);
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
        assert_eq!(
            split_list("x@[IPv6:::1], y@z.org"),
            ["x@[IPv6:::1]", "y@z.org"]
        );
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
            (
                r#""john doe"@example.org"#,
                r#""john doe"@example.org"#,
                None,
            ),
            (r#""a\"b"@example.org"#, r#""a\"b"@example.org"#, None),
            ("x@[127.0.0.1]", "x@[127.0.0.1]", None),
            (
                "X <x@[IPv6:2001:db8::1]>",
                "x@[IPv6:2001:db8::1]",
                Some("X"),
            ),
            ("zoë@exämple.org", "zoë@exämple.org", None),
        ] {
            let mailbox = parse_mailbox("--to", text).unwrap();
            assert_eq!(mailbox.address.to_string(), email, "{text}");
            assert_eq!(mailbox.name.as_deref(), name, "{text}");
        }
    }

    #[test]
    fn bare_names_are_qualified_only_when_asked() {
        assert!(parse_mailbox("--to", "root").is_err());
        let qualified = parse_mailbox_with("-f", "root", Bare::QualifyWith("host.example.org"));
        assert_eq!(
            qualified.unwrap().address.to_string(),
            "root@host.example.org"
        );
        let commented = parse_mailbox_with(
            "From",
            "root (Cron Daemon)",
            Bare::QualifyWith("[127.0.0.1]"),
        );
        assert_eq!(commented.unwrap().address.to_string(), "root@[127.0.0.1]");
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
            "a..b@example.org",
            "x@[300.1.1.1]",
            "x@[IPv6:nope]",
            "x@-bad.org",
            "Ann <ann@example.org> trailing",
            "\"unterminated@example.org",
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
            let _ = parse_mailbox_with("--to", &text, Bare::QualifyWith("h.org"));
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
            let emails: Vec<String> = parsed.iter().map(|m| m.address.to_string()).collect();
            prop_assert_eq!(emails, addrs);
        }

        #[test]
        fn quoted_local_parts_round_trip(local in "[ -!#-\\[\\]-~]{1,20}", domain in "[a-z]{1,10}\\.org") {
            let text = format!("\"{local}\"@{domain}");
            let parsed = parse_mailbox("--to", &text).unwrap();
            prop_assert_eq!(parsed.address.to_string(), text);
        }
    }
}

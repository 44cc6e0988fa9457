//! SMTP replies (RFC 5321 §4.2): `250-first line`, ..., `250 last line`, read line by line,
//! and the extensions an EHLO reply announces.

use std::fmt;

/// Longest reply line tackle reads (RFC 5321 allows 512; servers write longer ones).
pub const MAX_LINE: usize = 8192;
/// Most lines one reply may have.
const MAX_LINES: usize = 1000;

/// One complete reply: its code and the text of each line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl Reply {
    /// 2, 3, 4 or 5.
    pub fn class(&self) -> u16 {
        self.code / 100
    }

    /// The whole reply on one line, as errors quote it: `550 5.1.1 no such user`.
    pub fn text(&self) -> String {
        let text = self
            .lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if text.is_empty() {
            self.code.to_string()
        } else {
            format!("{} {text}", self.code)
        }
    }

    /// The reply as it was on the wire, one `< ` line each, for `-v`.
    pub fn log_lines(&self) -> Vec<String> {
        let last = self.lines.len().saturating_sub(1);
        self.lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let sep = if i == last { ' ' } else { '-' };
                format!("< {}{sep}{line}", self.code)
            })
            .collect()
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// Collects reply lines until the last one.
#[derive(Debug, Default)]
pub struct ReplyParser {
    code: Option<u16>,
    lines: Vec<String>,
}

impl ReplyParser {
    /// Takes one line (with its line ending); returns the reply once it is complete.
    pub fn line(&mut self, raw: &[u8]) -> Result<Option<Reply>, String> {
        let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let text = String::from_utf8_lossy(raw);
        let shown = || {
            let mut s: String = text.chars().take(80).collect();
            if text.chars().count() > 80 {
                s.push_str("...");
            }
            s
        };
        let digits = raw.get(..3).filter(|d| d.iter().all(u8::is_ascii_digit));
        let code: u16 = match digits {
            Some(d) if (b'2'..=b'5').contains(&d[0]) => {
                u16::from(d[0] - b'0') * 100 + u16::from(d[1] - b'0') * 10 + u16::from(d[2] - b'0')
            }
            _ => return Err(format!("{:?} is not an SMTP reply line", shown())),
        };
        if self.code.is_some_and(|c| c != code) {
            return Err(format!(
                "{:?} changes the reply code in the middle of a reply",
                shown()
            ));
        }
        self.code = Some(code);
        let (last, rest) = match raw.get(3) {
            None => (true, ""),
            Some(b' ') => (true, &text[4..]),
            Some(b'-') => (false, &text[4..]),
            Some(_) => return Err(format!("{:?} is not an SMTP reply line", shown())),
        };
        self.lines.push(rest.to_owned());
        if last {
            self.code = None;
            return Ok(Some(Reply {
                code,
                lines: std::mem::take(&mut self.lines),
            }));
        }
        if self.lines.len() >= MAX_LINES {
            return Err(format!("a reply of more than {MAX_LINES} lines"));
        }
        Ok(None)
    }
}

/// What the server announced in its EHLO reply.
#[derive(Debug, Clone, Default)]
pub struct Extensions {
    /// Each line after the first: its keyword (upper case) and parameters.
    entries: Vec<(String, Vec<String>)>,
}

impl Extensions {
    /// The extensions in an EHLO reply (its first line is the greeting).
    pub fn from_ehlo(reply: &Reply) -> Extensions {
        let entries = reply
            .lines
            .iter()
            .skip(1)
            .filter_map(|line| {
                // `AUTH=PLAIN LOGIN` is an old spelling of `AUTH PLAIN LOGIN`.
                let line = line.replacen('=', " ", 1);
                let mut words = line.split_whitespace();
                let keyword = words.next()?.to_ascii_uppercase();
                Some((keyword, words.map(str::to_owned).collect()))
            })
            .collect();
        Extensions { entries }
    }

    /// Whether the server offers this extension.
    pub fn has(&self, keyword: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == keyword)
    }

    /// The AUTH mechanisms offered, upper case.
    pub fn auth_mechanisms(&self) -> Vec<String> {
        let mut mechanisms: Vec<String> = Vec::new();
        for (_, params) in self.entries.iter().filter(|(k, _)| k == "AUTH") {
            for mechanism in params {
                let upper = mechanism.to_ascii_uppercase();
                if !mechanisms.contains(&upper) {
                    mechanisms.push(upper);
                }
            }
        }
        mechanisms
    }

    /// The largest message the server takes (SIZE), when it says; 0 means no limit.
    pub fn size_limit(&self) -> Option<u64> {
        self.entries
            .iter()
            .find(|(k, _)| k == "SIZE")
            .map(|(_, params)| params.first().and_then(|p| p.parse().ok()).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(text: &str) -> Result<Vec<Reply>, String> {
        let mut parser = ReplyParser::default();
        let mut replies = Vec::new();
        for line in text.split_inclusive('\n') {
            if let Some(reply) = parser.line(line.as_bytes())? {
                replies.push(reply);
            }
        }
        Ok(replies)
    }

    #[test]
    fn reads_single_and_multi_line_replies() {
        let replies = parse("220 mx ESMTP\r\n250-mx\r\n250-SIZE 1000\r\n250-AUTH=PLAIN login\r\n250 8BITMIME\r\n354\r\n").unwrap();
        assert_eq!(replies.len(), 3);
        assert_eq!(replies[0].text(), "220 mx ESMTP");
        let ehlo = Extensions::from_ehlo(&replies[1]);
        assert!(ehlo.has("8BITMIME"));
        assert_eq!(ehlo.size_limit(), Some(1000));
        assert_eq!(ehlo.auth_mechanisms(), ["PLAIN", "LOGIN"]);
        assert_eq!(
            replies[1].log_lines(),
            [
                "< 250-mx",
                "< 250-SIZE 1000",
                "< 250-AUTH=PLAIN login",
                "< 250 8BITMIME"
            ]
        );
        assert_eq!(replies[2].text(), "354");
    }

    #[test]
    fn refuses_what_is_not_a_reply() {
        assert!(parse("hello\r\n").is_err());
        assert!(parse("250-a\r\n550 b\r\n").is_err());
        assert!(parse("250xa\r\n").is_err());
        assert!(parse("199 x\r\n").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(lines in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..20), 0..6)) {
            let mut parser = ReplyParser::default();
            for line in lines {
                let _ = parser.line(&line);
            }
        }

        #[test]
        fn round_trips(code in 200u16..600, lines in proptest::collection::vec("[ -~]{0,30}", 1..5)) {
            let mut wire = String::new();
            for (i, line) in lines.iter().enumerate() {
                let sep = if i + 1 == lines.len() { ' ' } else { '-' };
                wire.push_str(&format!("{code}{sep}{line}\r\n"));
            }
            let replies = parse(&wire).unwrap();
            prop_assert_eq!(replies.len(), 1);
            prop_assert_eq!(replies[0].code, code);
            prop_assert_eq!(&replies[0].lines, &lines);
        }
    }
}

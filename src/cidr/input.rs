//! Where entries come from: positional arguments, stdin lines (when there are no arguments
//! or one is `-`) and `--exclude-file` / `--match-file` lines. A line or argument may hold
//! several entries (see [`entry_texts`]); blank lines and `#` comments are skipped, and a
//! UTF-8 byte order mark at the start of a file is ignored. Every entry carries its origin,
//! so an error can say `(argument 2)` or `(stdin line 17)`. Input is read one line at a
//! time, never whole.

use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::PathBuf;

use anyhow::Context;

use super::parse::{Entry, entry_texts, parse_entry};

/// The longest input line accepted (not counting its line ending), so one runaway line
/// cannot exhaust memory.
pub const MAX_LINE: usize = 64 * 1024;

/// The UTF-8 byte order mark some editors put at the start of a file.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Where an entry was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The N-th positional argument (1-based).
    Argument(usize),
    /// The N-th `--exclude` value.
    Exclude(usize),
    /// The N-th `--match` value.
    Match(usize),
    /// Line N of stdin.
    Stdin(usize),
    /// Line N of a file.
    File(PathBuf, usize),
    /// Found by `--extract` in stdin or a file.
    Extracted(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Argument(n) => write!(f, "argument {n}"),
            Origin::Exclude(n) => write!(f, "--exclude {n}"),
            Origin::Match(n) => write!(f, "--match {n}"),
            Origin::Stdin(n) => write!(f, "stdin line {n}"),
            Origin::File(path, n) => write!(f, "{} line {n}", path.display()),
            Origin::Extracted(place) => write!(f, "extracted from {place}"),
        }
    }
}

/// One place to read entries from, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A positional argument and its position.
    Argument(String, usize),
    /// stdin, line by line.
    Stdin,
    /// A file named on the command line (`--match` and `--extract` read text from files).
    File(PathBuf),
}

/// The sources for these positional arguments: stdin when there are none, and wherever
/// one is `-`.
pub fn sources(args: &[String]) -> Vec<Source> {
    if args.is_empty() {
        return vec![Source::Stdin];
    }
    args.iter()
        .enumerate()
        .map(|(i, arg)| match arg.as_str() {
            "-" => Source::Stdin,
            _ => Source::Argument(arg.clone(), i + 1),
        })
        .collect()
}

/// Why an entry could not be used, or why reading stopped.
#[derive(Debug)]
pub enum Problem {
    /// The entry is bad for this job (skipped with a warning under `--skip-invalid`).
    Invalid(String),
    /// Anything else, such as a write error; always ends the run.
    Fatal(anyhow::Error),
}

impl From<io::Error> for Problem {
    fn from(err: io::Error) -> Problem {
        Problem::Fatal(err.into())
    }
}

/// How entries are parsed and what happens to bad ones.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Reject networks with host bits set.
    pub strict: bool,
    /// Warn about bad entries and go on, instead of failing.
    pub skip_invalid: bool,
}

impl Policy {
    /// Parses each entry of `sources` and hands it to `visit` until `visit` returns false.
    pub fn each_entry(
        &self,
        sources: &[Source],
        mut visit: impl FnMut(&Entry) -> Result<bool, Problem>,
    ) -> anyhow::Result<()> {
        for source in sources {
            let go_on = match source {
                Source::Argument(text, n) => {
                    self.each_in_text(text, &Origin::Argument(*n), &mut visit)?
                }
                Source::Stdin => {
                    let stdin = io::stdin().lock();
                    self.each_line(stdin, Origin::Stdin, &mut visit)?
                }
                Source::File(path) => {
                    let file = open(path)?;
                    self.each_line(
                        io::BufReader::new(file),
                        |n| Origin::File(path.clone(), n),
                        &mut visit,
                    )?
                }
            };
            if !go_on {
                break;
            }
        }
        Ok(())
    }

    /// Parses each entry line of `reader`; `origin` names line N.
    pub fn each_line(
        &self,
        mut reader: impl BufRead,
        origin: impl Fn(usize) -> Origin,
        visit: &mut impl FnMut(&Entry) -> Result<bool, Problem>,
    ) -> anyhow::Result<bool> {
        let mut line = Vec::new();
        let mut number = 0;
        loop {
            line.clear();
            // Room for the longest line plus its line ending.
            let read = Read::take(&mut reader, MAX_LINE as u64 + 2)
                .read_until(b'\n', &mut line)
                .with_context(|| format!("reading {}", origin(number + 1)))?;
            if read == 0 {
                return Ok(true);
            }
            number += 1;
            let here = origin(number);
            let ended = line.last() == Some(&b'\n');
            let mut content: &[u8] = &line;
            if number == 1 {
                content = content.strip_prefix(BOM).unwrap_or(content);
            }
            content = content.strip_suffix(b"\n").unwrap_or(content);
            content = content.strip_suffix(b"\r").unwrap_or(content);
            if content.len() > MAX_LINE || (!ended && line.len() > MAX_LINE + 1) {
                let start = String::from_utf8_lossy(&content[..content.len().min(40)]).into_owned();
                skip_rest_of_line(&mut reader, ended).with_context(|| format!("reading {here}"))?;
                self.reject(
                    &format!("{}...", start.trim()),
                    &format!("line longer than {MAX_LINE} bytes"),
                    &here,
                )?;
                continue;
            }
            let Ok(text) = std::str::from_utf8(content) else {
                self.reject(&String::from_utf8_lossy(content), "not valid UTF-8", &here)?;
                continue;
            };
            for entry in entry_texts(text) {
                if !self.one_entry(&entry, &here, visit)? {
                    return Ok(false);
                }
            }
        }
    }

    /// Parses the entries of one argument or `--exclude` value.
    pub fn each_in_text(
        &self,
        text: &str,
        origin: &Origin,
        visit: &mut impl FnMut(&Entry) -> Result<bool, Problem>,
    ) -> anyhow::Result<bool> {
        let texts = entry_texts(text);
        if texts.is_empty() {
            self.reject(text, "empty entry", origin)?;
        }
        for entry in texts {
            if !self.one_entry(&entry, origin, visit)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Parses one entry text and hands it to `visit`.
    pub fn one_entry(
        &self,
        text: &str,
        origin: &Origin,
        visit: &mut impl FnMut(&Entry) -> Result<bool, Problem>,
    ) -> anyhow::Result<bool> {
        let entry = match parse_entry(text, self.strict) {
            Ok(entry) => entry,
            Err(why) => {
                self.reject(text, &why.to_string(), origin)?;
                return Ok(true);
            }
        };
        match visit(&entry) {
            Ok(go_on) => Ok(go_on),
            Err(Problem::Invalid(why)) => {
                self.reject(text, &why, origin)?;
                Ok(true)
            }
            Err(Problem::Fatal(err)) => Err(err),
        }
    }

    pub fn reject(&self, text: &str, why: &str, origin: &Origin) -> anyhow::Result<()> {
        let text = shown(text);
        if self.skip_invalid {
            tracing::warn!("skipped {text}: {why} ({origin})");
            Ok(())
        } else {
            Err(anyhow::anyhow!("{text}: {why} ({origin})"))
        }
    }
}

/// The longest entry an error message repeats whole; longer ones are cut (a bad 64 KiB line
/// need not come back on stderr).
const SHOWN_CHARS: usize = 100;

/// An entry as an error message shows it: trimmed, `""` when empty, control characters
/// escaped (a line of input must not move the cursor or recolour the terminal), cut after
/// [`SHOWN_CHARS`] characters with `...`.
fn shown(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return "\"\"".to_owned();
    }
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == SHOWN_CHARS {
            out.push_str("...");
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Opens a file named on the command line.
pub fn open(path: &std::path::Path) -> anyhow::Result<std::fs::File> {
    std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))
}

/// Reads and drops the rest of an over-long line, so the next line is read whole.
fn skip_rest_of_line(reader: &mut impl BufRead, ended: bool) -> io::Result<()> {
    if ended {
        return Ok(());
    }
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|b| *b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

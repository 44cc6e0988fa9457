//! `--sniff`: guess the delimiter, quotechar and header presence from a sample of the input,
//! porting the heuristics of Python's `csv.Sniffer` (`_guess_quote_and_delimiter`,
//! `_guess_delimiter` and `has_header`).

use std::io::{Cursor, Read};

use anyhow::{Result, bail};

use super::csv_read::CsvReader;
use super::dialect::ReadDialect;
use super::number::parse_python_float;
use super::row::Row;

/// How much of the input the sniffer looks at.
pub const SAMPLE_SIZE: usize = 64 * 1024;
/// The quoted-field search is quadratic in the worst case, so it sees less.
const QUOTE_SAMPLE_SIZE: usize = 16 * 1024;
/// `csv.Sniffer.preferred`.
const PREFERRED: [u8; 5] = [b',', b'\t', b';', b' ', b':'];

/// What the sniffer found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    pub delimiter: u8,
    pub quotechar: u8,
    pub doublequote: bool,
    pub skipinitialspace: bool,
    pub has_header: bool,
}

/// Reads the sample and returns it with a reader that yields the whole input again.
pub fn take_sample(mut src: Box<dyn Read>) -> Result<(Vec<u8>, Box<dyn Read>)> {
    let mut sample = Vec::with_capacity(SAMPLE_SIZE);
    (&mut src)
        .take(SAMPLE_SIZE as u64)
        .read_to_end(&mut sample)?;
    let replay = Cursor::new(sample.clone()).chain(src);
    Ok((sample, Box::new(replay)))
}

/// Sniffs `sample`; `base` supplies what the sniffer does not decide.
pub fn sniff(sample: &[u8], base: &ReadDialect) -> Result<Sniffed> {
    let sample = complete_lines(sample);
    let (quotechar, doublequote, mut delimiter, mut skipinitialspace) =
        guess_quote_and_delimiter(&sample[..sample.len().min(QUOTE_SAMPLE_SIZE)]);
    if delimiter.is_none() {
        (delimiter, skipinitialspace) = guess_delimiter(sample);
    }
    let Some(delimiter) = delimiter else {
        bail!("--sniff could not determine the delimiter; give it with -d");
    };
    if Some(delimiter) == quotechar || delimiter == b'\r' {
        bail!(
            "--sniff could not determine the delimiter (it guessed {:?}, which cannot be); \
             give it with -d",
            char::from(delimiter)
        );
    }
    let mut found = Sniffed {
        delimiter,
        quotechar: quotechar.unwrap_or(b'"'),
        doublequote,
        skipinitialspace,
        has_header: false,
    };
    let dialect = ReadDialect {
        delimiter,
        quotechar: found.quotechar,
        doublequote,
        skipinitialspace,
        ..base.clone()
    };
    found.has_header = dialect.validate().is_ok() && has_header(sample, dialect);
    Ok(found)
}

/// The sample without a trailing partial line (unless it is all one line).
fn complete_lines(sample: &[u8]) -> &[u8] {
    if sample.len() < SAMPLE_SIZE {
        return sample;
    }
    match sample.iter().rposition(|&b| b == b'\n') {
        Some(i) => &sample[..=i],
        None => sample,
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Can this byte be the `delim` group of Python's patterns (`[^\w\n"']`)?
fn delim_candidate(b: u8) -> bool {
    !is_word(b) && b != b'\n' && b != b'"' && b != b'\''
}

/// The four patterns `_guess_quote_and_delimiter` tries in turn (DOTALL, MULTILINE):
/// 1. `(?P<delim>[^\w\n"'])(?P<space> ?)(?P<quote>["']).*?(?P=quote)(?P=delim)`
/// 2. `(?:^|\n)(?P<quote>["']).*?(?P=quote)(?P<delim>[^\w\n"'])(?P<space> ?)`
/// 3. `(?P<delim>[^\w\n"'])(?P<space> ?)(?P<quote>["']).*?(?P=quote)(?:$|\n)`
/// 4. `(?:^|\n)(?P<quote>["']).*?(?P=quote)(?:$|\n)`
///
/// Each match is (quote, delim, space); matches are found left to right without overlap.
fn find_quoted(data: &[u8], pattern: u8) -> Vec<(u8, Option<u8>, bool)> {
    let delim_first = pattern == 1 || pattern == 3;
    let mut found = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let (quote_at, delim, space) = if delim_first {
            if !delim_candidate(data[i]) {
                i += 1;
                continue;
            }
            let space = data.get(i + 1) == Some(&b' ');
            (i + 1 + usize::from(space), Some(data[i]), space)
        } else {
            // `^` matches at 0 and after a newline; `\n` consumes the newline itself.
            let at_line_start = i == 0 || data[i - 1] == b'\n';
            if data[i] == b'\n' {
                (i + 1, None, false)
            } else if at_line_start {
                (i, None, false)
            } else {
                i += 1;
                continue;
            }
        };
        let Some(&quote) = data.get(quote_at).filter(|q| **q == b'"' || **q == b'\'') else {
            i += 1;
            continue;
        };
        let close = (quote_at + 1..data.len()).find(|&k| {
            data[k] == quote
                && match pattern {
                    1 => data.get(k + 1) == delim.as_ref(),
                    2 => data.get(k + 1).is_some_and(|&b| delim_candidate(b)),
                    _ => data.get(k + 1).is_none_or(|&b| b == b'\n'),
                }
        });
        let Some(k) = close else {
            i += 1;
            continue;
        };
        match pattern {
            1 => {
                found.push((quote, delim, space));
                i = k + 2;
            }
            2 => {
                let space = data.get(k + 2) == Some(&b' ');
                found.push((quote, Some(data[k + 1]), space));
                i = k + 2 + usize::from(space);
            }
            3 => {
                found.push((quote, delim, space));
                i = k + 1 + usize::from(k + 1 < data.len());
            }
            _ => {
                found.push((quote, None, false));
                i = k + 1 + usize::from(k + 1 < data.len());
            }
        }
    }
    found
}

/// `_guess_quote_and_delimiter`: (quotechar, doublequote, delimiter, skipinitialspace).
fn guess_quote_and_delimiter(data: &[u8]) -> (Option<u8>, bool, Option<u8>, bool) {
    let Some(matches) = (1..=4)
        .map(|pattern| find_quoted(data, pattern))
        .find(|m| !m.is_empty())
    else {
        return (None, false, None, false);
    };
    let mut quotes: Vec<(u8, usize)> = Vec::new();
    let mut delims: Vec<(u8, usize)> = Vec::new();
    let mut spaces = 0;
    for &(quote, delim, space) in &matches {
        vote(&mut quotes, quote);
        if let Some(d) = delim {
            vote(&mut delims, d);
        }
        if space {
            spaces += 1;
        }
    }
    let quotechar = first_max(&quotes);
    let Some(delim) = first_max(&delims) else {
        // Python then builds `dq_regexp` with an empty delimiter, which matches any line
        // holding three quotechars.
        let doublequote = quotechar.is_some_and(|q| {
            data.split(|&b| b == b'\n')
                .any(|line| line.iter().filter(|&&b| b == q).count() >= 3)
        });
        return (quotechar, doublequote, None, false);
    };
    let count = delims.iter().find(|(d, _)| *d == delim).map_or(0, |d| d.1);
    let doublequote = quotechar.is_some_and(|q| has_doubled_quote(data, delim, q));
    (quotechar, doublequote, Some(delim), count == spaces)
}

/// Python's `dq_regexp`, `((delim)|^)\W*quote[^delim\n]*quote[^delim\n]*quote\W*((delim)|$)`:
/// three quotes in one field, the first reached from a delimiter or line start through
/// non-word characters only, and the last likewise reaching a delimiter or line end.
fn has_doubled_quote(data: &[u8], delim: u8, quote: u8) -> bool {
    let opens = |a: usize| {
        let mut p = a;
        loop {
            if p == 0 {
                return true;
            }
            let b = data[p - 1];
            if b == delim || b == b'\n' {
                return true;
            }
            if is_word(b) {
                return false;
            }
            p -= 1;
        }
    };
    let closes = |c: usize| {
        let mut p = c + 1;
        loop {
            let Some(&b) = data.get(p) else { return true };
            if b == delim || b == b'\n' {
                return true;
            }
            if is_word(b) {
                return false;
            }
            p += 1;
        }
    };
    data.split(|&b| b == delim || b == b'\n')
        .scan(0usize, |offset, field| {
            let start = *offset;
            *offset += field.len() + 1;
            Some((start, field))
        })
        .any(|(start, field)| {
            let quotes: Vec<usize> = field
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == quote)
                .map(|(i, _)| start + i)
                .collect();
            quotes.len() >= 3
                && quotes.iter().position(|&a| opens(a)).is_some_and(|first| {
                    quotes.len() - first >= 3 && quotes[first + 2..].iter().any(|&c| closes(c))
                })
        })
}

fn vote(tally: &mut Vec<(u8, usize)>, key: u8) {
    match tally.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += 1,
        None => tally.push((key, 1)),
    }
}

/// Python's `max(d, key=d.get)`: the first key with the highest count.
fn first_max(tally: &[(u8, usize)]) -> Option<u8> {
    let mut best: Option<(u8, usize)> = None;
    for &(k, n) in tally {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((k, n));
        }
    }
    best.map(|(k, _)| k)
}

/// `_guess_delimiter`: the 7-bit character whose count per line is most consistent.
fn guess_delimiter(sample: &[u8]) -> (Option<u8>, bool) {
    let lines: Vec<&[u8]> = sample
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return (None, false);
    }
    let chunk = lines.len().min(10);
    // Per character: (frequency in a line, number of lines) in first-seen order.
    let mut freq: Vec<Vec<(usize, usize)>> = vec![Vec::new(); 127];
    let mut delims: Vec<(u8, (usize, isize))> = Vec::new();
    let mut start = 0;
    let mut iteration = 0;
    while start < lines.len() {
        iteration += 1;
        for line in &lines[start..(start + chunk).min(lines.len())] {
            let mut counts = [0usize; 127];
            for &b in *line {
                if b < 127 {
                    counts[usize::from(b)] += 1;
                }
            }
            for (c, table) in freq.iter_mut().enumerate() {
                match table.iter_mut().find(|(f, _)| *f == counts[c]) {
                    Some((_, n)) => *n += 1,
                    None => table.push((counts[c], 1)),
                }
            }
        }
        let mut modes: Vec<(u8, (usize, isize))> = Vec::new();
        for (c, table) in freq.iter().enumerate() {
            if table.len() == 1 && table[0].0 == 0 {
                continue;
            }
            let mut best = 0;
            for (k, entry) in table.iter().enumerate() {
                if entry.1 > table[best].1 {
                    best = k;
                }
            }
            let others: usize = table
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != best)
                .map(|(_, e)| e.1)
                .sum();
            let mode = (table[best].0, table[best].1 as isize - others as isize);
            modes.push((c as u8, mode));
        }
        let total = (chunk * iteration).min(lines.len()) as f64;
        let mut consistency = 1.0;
        while delims.is_empty() && consistency >= 0.9 {
            for &(c, (f, n)) in &modes {
                if f > 0 && n > 0 && (n as f64 / total) >= consistency {
                    delims.push((c, (f, n)));
                }
            }
            consistency -= 0.01;
        }
        if delims.len() == 1 {
            let d = delims[0].0;
            return (Some(d), skips_space(lines[0], d));
        }
        start += chunk;
    }
    if delims.is_empty() {
        return (None, false);
    }
    for d in PREFERRED {
        if delims.iter().any(|(c, _)| *c == d) {
            return (Some(d), skips_space(lines[0], d));
        }
    }
    let d = delims
        .iter()
        .max_by_key(|(c, v)| (*v, *c))
        .map(|(c, _)| *c)
        .unwrap_or(b',');
    (Some(d), skips_space(lines[0], d))
}

fn skips_space(line: &[u8], delim: u8) -> bool {
    let all = line.iter().filter(|&&b| b == delim).count();
    let spaced = line.windows(2).filter(|w| w == &[delim, b' ']).count();
    all == spaced
}

/// The column type `has_header` assigns a value: numeric, or the length of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnType {
    Numeric,
    Length(usize),
}

fn column_type(text: &[u8]) -> ColumnType {
    if looks_complex(text) {
        ColumnType::Numeric
    } else {
        ColumnType::Length(String::from_utf8_lossy(text).chars().count())
    }
}

/// Roughly Python's `complex(text)` succeeding: a float, or a float with a `j` suffix.
fn looks_complex(text: &[u8]) -> bool {
    let trimmed = text.trim_ascii();
    let unparen = trimmed
        .strip_prefix(b"(")
        .and_then(|t| t.strip_suffix(b")"))
        .unwrap_or(trimmed);
    parse_python_float(unparen).is_some()
        || unparen
            .strip_suffix(b"j")
            .or_else(|| unparen.strip_suffix(b"J"))
            .is_some_and(|t| t.is_empty() || parse_python_float(t).is_some())
}

/// `has_header`: columns whose type is consistent below the first row vote on whether the
/// first row differs from them.
fn has_header(sample: &[u8], dialect: ReadDialect) -> bool {
    let mut reader = CsvReader::new(sample, dialect, true);
    let mut row = Row::new();
    let Ok(true) = reader.read_record(&mut row) else {
        return false;
    };
    let header: Vec<Vec<u8>> = row.fields().map(|(f, _)| f.to_vec()).collect();
    let mut types: Vec<Option<Option<ColumnType>>> = vec![Some(None); header.len()];
    let mut checked = 0;
    while let Ok(true) = reader.read_record(&mut row) {
        if checked > 20 {
            break;
        }
        checked += 1;
        if row.len() != header.len() {
            continue;
        }
        for (col, slot) in types.iter_mut().enumerate() {
            let Some(current) = slot else { continue };
            let this = column_type(row.field(col));
            match current {
                None => *current = Some(this),
                Some(t) if *t == this => {}
                Some(_) => *slot = None,
            }
        }
    }
    let mut votes = 0i64;
    for (col, slot) in types.iter().enumerate() {
        match slot {
            Some(Some(ColumnType::Length(n))) => {
                let len = String::from_utf8_lossy(&header[col]).chars().count();
                votes += if len != *n { 1 } else { -1 };
            }
            Some(Some(ColumnType::Numeric)) => {
                votes += if looks_complex(&header[col]) { -1 } else { 1 };
            }
            // Python calls None(header[col]), a TypeError, which counts as a header vote.
            Some(None) => votes += 1,
            None => {}
        }
    }
    votes > 0
}

//! Python `csv` dialects: the reader's and the writer's parameters and the named presets
//! (`excel`, `excel-tab`, `unix`) exactly as `csv.py` defines them.

/// Python's four quoting modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Quoting {
    /// Quote only fields holding the delimiter, quotechar, escapechar or a newline
    Minimal,
    /// Quote every field
    All,
    /// Quote every non-numeric field; reading, unquoted fields are numbers
    Nonnumeric,
    /// Never quote; escape specials with the escapechar; reading, quotes are ordinary
    None,
}

/// The named dialects of Python's `csv` module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// `csv.excel`: comma, double quotes, CRLF, minimal quoting
    Excel,
    /// `csv.excel_tab`: as excel with a tab delimiter
    ExcelTab,
    /// `csv.unix_dialect`: as excel with LF and every field quoted
    Unix,
}

/// How a CSV reader splits bytes into fields (`csv.reader` keyword arguments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDialect {
    pub delimiter: u8,
    pub quotechar: u8,
    pub escapechar: Option<u8>,
    pub doublequote: bool,
    pub skipinitialspace: bool,
    pub strict: bool,
    pub quoting: Quoting,
    /// Not in Python: a line starting with this byte is skipped.
    pub comment: Option<u8>,
}

impl Default for ReadDialect {
    fn default() -> ReadDialect {
        ReadDialect::preset(Preset::Excel)
    }
}

impl ReadDialect {
    /// A preset as Python defines it.
    pub fn preset(preset: Preset) -> ReadDialect {
        ReadDialect {
            delimiter: if preset == Preset::ExcelTab {
                b'\t'
            } else {
                b','
            },
            quotechar: b'"',
            escapechar: None,
            doublequote: true,
            skipinitialspace: false,
            strict: false,
            quoting: if preset == Preset::Unix {
                Quoting::All
            } else {
                Quoting::Minimal
            },
            comment: None,
        }
    }

    /// Rejects combinations Python rejects, and ours (one byte each, all distinct).
    pub fn validate(&self) -> Result<(), String> {
        if self.delimiter == self.quotechar {
            return Err("the delimiter and the quotechar must differ".into());
        }
        if self.escapechar == Some(self.delimiter) {
            return Err("the delimiter and the escapechar must differ".into());
        }
        if is_line_break(self.delimiter) || is_line_break(self.quotechar) {
            return Err("the delimiter and the quotechar cannot be CR or LF".into());
        }
        if self.escapechar.is_some_and(is_line_break) {
            return Err("the escapechar cannot be CR or LF".into());
        }
        Ok(())
    }
}

/// How a CSV writer joins fields (`csv.writer` keyword arguments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteDialect {
    pub delimiter: u8,
    pub quotechar: u8,
    pub escapechar: Option<u8>,
    pub doublequote: bool,
    pub quoting: Quoting,
    pub crlf: bool,
}

impl Default for WriteDialect {
    /// Python's `excel` dialect with an LF line terminator: this tool's default output.
    fn default() -> WriteDialect {
        WriteDialect {
            crlf: false,
            ..WriteDialect::preset(Preset::Excel)
        }
    }
}

impl WriteDialect {
    /// A preset as Python defines it (excel and excel-tab end lines with CRLF).
    pub fn preset(preset: Preset) -> WriteDialect {
        let read = ReadDialect::preset(preset);
        WriteDialect {
            delimiter: read.delimiter,
            quotechar: read.quotechar,
            escapechar: None,
            doublequote: true,
            quoting: read.quoting,
            crlf: preset != Preset::Unix,
        }
    }

    /// The reading dialect that reads this dialect's output back as the fields written:
    /// `all` and `nonnumeric` only quote more fields, so they read back as plain `minimal`.
    pub fn read_back(&self) -> ReadDialect {
        ReadDialect {
            delimiter: self.delimiter,
            quotechar: self.quotechar,
            escapechar: self.escapechar,
            doublequote: self.doublequote,
            skipinitialspace: false,
            strict: false,
            quoting: if self.quoting == Quoting::None {
                Quoting::None
            } else {
                Quoting::Minimal
            },
            comment: None,
        }
    }

    /// Rejects combinations Python rejects.
    pub fn validate(&self) -> Result<(), String> {
        if self.delimiter == self.quotechar {
            return Err("the output delimiter and quotechar must differ".into());
        }
        if self.escapechar == Some(self.delimiter) {
            return Err("the output delimiter and escapechar must differ".into());
        }
        if is_line_break(self.delimiter) || is_line_break(self.quotechar) {
            return Err("the output delimiter and quotechar cannot be CR or LF".into());
        }
        if self.escapechar.is_some_and(is_line_break) {
            return Err("the output escapechar cannot be CR or LF".into());
        }
        // Without doublequote or an escapechar Python accepts the dialect and fails on the
        // first quotechar it meets; so does the writer.
        Ok(())
    }
}

fn is_line_break(byte: u8) -> bool {
    byte == b'\r' || byte == b'\n'
}

/// Parses a one-character dialect argument: one ASCII character, or `\t`, `tab`, `\\`.
pub fn parse_char(text: &str) -> Result<u8, String> {
    match text {
        "\\t" | "tab" => return Ok(b'\t'),
        "\\\\" => return Ok(b'\\'),
        _ => {}
    }
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii() => Ok(c as u8),
        (Some(_), None) => Err(format!(
            "{text:?} is not ASCII; only one ASCII character works here"
        )),
        _ => Err(format!(
            "expected one character (or \\t / tab), got {text:?}"
        )),
    }
}

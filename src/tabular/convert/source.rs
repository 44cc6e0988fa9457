//! The input, opened once per pass: a file is opened again for each pass; stdin, when the
//! conversion needs more than one pass (`--union-keys`, `--types column`), is first copied to
//! an anonymous temporary file (removed by the system when closed, whatever happens). Each
//! pass sees the input decoded to UTF-8 ([`encoding::open_decoded`]).

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::super::encoding::{self, Charset, InputEncoding};
use super::super::progress;

/// Where the input is read from.
pub struct Source {
    path: PathBuf,
    /// Stdin, kept for more than one pass.
    spill: Option<File>,
    encoding: InputEncoding,
    lossy: bool,
    progress: bool,
    /// The encoding chosen on the first pass, logged once.
    logged: std::cell::Cell<bool>,
}

impl Source {
    /// The input at `path` (`-` for stdin), read `passes` times.
    pub fn new(
        path: &Path,
        passes: usize,
        encoding: InputEncoding,
        lossy: bool,
        progress: bool,
    ) -> Result<Source> {
        let spill = if path == Path::new("-") && passes > 1 {
            let mut spill =
                tempfile::tempfile().context("cannot create a temporary file for stdin")?;
            io::copy(&mut io::stdin().lock(), &mut spill).context("cannot read the input")?;
            Some(spill)
        } else {
            None
        };
        Ok(Source {
            path: path.to_owned(),
            spill,
            encoding,
            lossy,
            progress,
            logged: std::cell::Cell::new(false),
        })
    }

    /// The input from its start, as UTF-8, and the encoding it was decoded from.
    pub fn open(&self) -> Result<(Box<dyn Read>, Charset)> {
        let raw: Box<dyn Read> = if let Some(spill) = &self.spill {
            let mut again = spill.try_clone().context("cannot reread stdin")?;
            again.rewind().context("cannot reread stdin")?;
            Box::new(again)
        } else if self.path == Path::new("-") {
            Box::new(io::stdin().lock())
        } else {
            let file = File::open(&self.path)
                .with_context(|| format!("cannot open {}", self.path.display()))?;
            let size = file.metadata().map(|m| m.len()).unwrap_or(0);
            progress::wrap(Box::new(file), size, self.progress)
        };
        let (decoded, charset) = encoding::open_decoded(raw, self.encoding, self.lossy)?;
        if !self.logged.replace(true) {
            tracing::info!("input encoding: {}", charset.name());
        }
        Ok((decoded, charset))
    }
}

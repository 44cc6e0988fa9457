//! Where converted output goes: stdout, or a file written atomically (a temporary file in the
//! same directory, renamed into place only when the whole conversion succeeded), so a failure
//! never leaves a partial or truncated output file behind.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

/// An output being written.
pub enum Output {
    /// Buffered, locked stdout.
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// A temporary file next to `path`, persisted by [`Output::commit`].
    File {
        file: BufWriter<NamedTempFile>,
        path: PathBuf,
    },
}

impl Output {
    /// Opens stdout for `-`, else a temporary file beside `path`.
    pub fn open(path: &Path) -> Result<Output> {
        if path == Path::new("-") {
            return Ok(Output::Stdout(BufWriter::with_capacity(
                256 * 1024,
                io::stdout().lock(),
            )));
        }
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".tackle-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
        Ok(Output::File {
            file: BufWriter::with_capacity(256 * 1024, temp),
            path: path.to_owned(),
        })
    }

    /// The writer to send output to.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(out) => out,
            Output::File { file, .. } => file,
        }
    }

    /// Flushes, and for a file renames it into place with the old file's permissions (or
    /// 0644 for a new one).
    pub fn commit(self) -> Result<()> {
        match self {
            Output::Stdout(mut out) => out.flush().map_err(Into::into),
            Output::File { file, path } => {
                let temp = file
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                let mode = fs::metadata(&path)
                    .map(|m| m.permissions())
                    .unwrap_or_else(|_| default_permissions());
                fs::set_permissions(temp.path(), mode)
                    .with_context(|| format!("cannot set permissions for {}", path.display()))?;
                temp.as_file()
                    .sync_all()
                    .with_context(|| format!("cannot write {}", path.display()))?;
                temp.persist(&path)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot replace {}", path.display()))?;
                Ok(())
            }
        }
    }
}

fn default_permissions() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o644)
}

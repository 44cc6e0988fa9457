//! Where converted output goes: stdout, or a file written atomically (a temporary file in the
//! same directory, renamed into place only when the whole conversion succeeded), so a failure
//! never leaves a partial or truncated output file behind.
//!
//! Only regular files can be replaced that way: `-o /dev/null`, a FIFO or a terminal is written
//! in place (renaming over a device would replace the device with a file), and a symbolic link
//! is followed so the file it names is replaced, not the link.

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
    /// Something that is not a regular file (a device, a FIFO), written in place.
    Special {
        file: BufWriter<fs::File>,
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
        let metadata = fs::metadata(path).ok();
        if metadata.as_ref().is_some_and(|m| !m.is_file()) {
            let file = fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            return Ok(Output::Special {
                file: BufWriter::with_capacity(256 * 1024, file),
                path: path.to_owned(),
            });
        }
        // Replace the file a symbolic link names, keeping the link.
        let resolved;
        let path = match metadata {
            Some(_) if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => {
                resolved = fs::canonicalize(path)
                    .with_context(|| format!("cannot resolve {}", path.display()))?;
                resolved.as_path()
            }
            _ => path,
        };
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
            Output::Special { file, .. } => file,
        }
    }

    /// Flushes, and for a file renames it into place with the old file's permissions (or
    /// 0644 for a new one).
    pub fn commit(self) -> Result<()> {
        match self {
            Output::Stdout(mut out) => out.flush().map_err(Into::into),
            Output::Special { mut file, path } => file
                .flush()
                .with_context(|| format!("cannot write {}", path.display())),
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

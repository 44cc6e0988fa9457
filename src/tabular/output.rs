//! Where converted output goes: stdout, or a file replaced atomically (a temporary file in the
//! same directory, renamed into place only when the whole conversion succeeded), so a failure
//! or an interrupt never leaves a partial or truncated output file behind.
//!
//! The file is handled the way the shell's `>` would be trusted to, in a directory another
//! user may also write to:
//! - the directory is opened once; the temporary file is created in it with `O_EXCL`, its
//!   mode set on the open descriptor (`fchmod`) and renamed with `renameat` against that same
//!   descriptor, so no path is resolved twice and no swapped-in symlink is ever followed;
//! - a new file gets `0o666 & !umask`; an existing file's mode is kept only when the user owns
//!   it, and only its permission bits (`0o777`: no setuid/setgid copied onto a CSV);
//! - a file that is not writable by the user is refused, as `>` refuses it (root included:
//!   a file no one may write stays as it is);
//! - a symbolic link is followed (the file it names is replaced, the link stays) only when it
//!   is owned by the user or by the directory's owner, the kernel's `protected_symlinks` rule;
//! - something that is not a regular file (`/dev/null`, a FIFO) is written in place, opened
//!   with `O_CREAT` and without truncation; a FIFO owned by another user is refused;
//! - SIGINT, SIGTERM and SIGHUP remove the temporary file, then end the process with the
//!   signal's own status ([`interrupt`]).

use std::ffi::{CString, OsStr};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

mod interrupt;

/// Output is handed to the file in blocks this big.
const BUFFER: usize = 256 * 1024;

/// Symbolic links followed before giving up, as the kernel's `ELOOP` limit.
const MAX_LINKS: usize = 40;

/// An output being written.
pub enum Destination {
    /// Buffered, locked stdout.
    Stdout(BufWriter<crate::exit::Stdout<io::StdoutLock<'static>>>),
    /// A temporary file that replaces `target` on [`Destination::commit`].
    Replace {
        file: BufWriter<File>,
        temp: TempFile,
        target: PathBuf,
    },
    /// Something that is not a regular file (a device, a FIFO), written in place.
    InPlace {
        file: BufWriter<File>,
        path: PathBuf,
    },
}

impl Destination {
    /// Opens stdout for `-`, else a temporary file beside the file `path` names.
    pub fn open(path: &Path) -> Result<Destination> {
        if path == Path::new("-") {
            return Ok(Destination::Stdout(BufWriter::with_capacity(
                BUFFER,
                crate::exit::Stdout(io::stdout().lock()),
            )));
        }
        let target = follow_links(path)?;
        match fs::metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                bail!("cannot write {}: it is a directory", path.display())
            }
            Ok(meta) if !meta.is_file() => open_in_place(&target, &meta),
            Ok(meta) => {
                refuse_unwritable(&target, &meta)?;
                open_replacement(&target)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => open_replacement(&target),
            Err(e) => Err(e).with_context(|| format!("cannot open {}", path.display())),
        }
    }

    /// The writer to send output to.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Destination::Stdout(out) => out,
            Destination::Replace { file, .. } => file,
            Destination::InPlace { file, .. } => file,
        }
    }

    /// Flushes, and for a file gives it its mode and renames it into place.
    pub fn commit(self) -> Result<()> {
        match self {
            Destination::Stdout(mut out) => out.flush().map_err(Into::into),
            Destination::InPlace { mut file, path } => file
                .flush()
                .with_context(|| format!("cannot write {}", path.display())),
            Destination::Replace { file, temp, target } => {
                let file = file
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("cannot write {}", target.display()))?;
                temp.replace(file, &target)
            }
        }
    }
}

/// A temporary file in an open directory: removed when dropped unless it replaced its target.
pub struct TempFile {
    dir: OwnedFd,
    name: CString,
    /// The name of the file it replaces, in the same directory.
    target_name: CString,
    registration: interrupt::Registration,
    renamed: bool,
}

impl TempFile {
    /// Gives `file` (this temporary file) its mode, syncs it and renames it over the target.
    fn replace(mut self, file: File, target: &Path) -> Result<()> {
        let mode = self.mode_for_target();
        // SAFETY: fchmod on a descriptor we own.
        if unsafe { libc::fchmod(file.as_raw_fd(), mode) } != 0 {
            return Err(io::Error::last_os_error())
                .with_context(|| format!("cannot set the permissions of {}", target.display()));
        }
        file.sync_all()
            .with_context(|| format!("cannot write {}", target.display()))?;
        if !self.still_names(&file) {
            bail!(
                "cannot replace {}: the temporary file {} was replaced by something else \
                 while it was being written (is another user writing to that directory?)",
                target.display(),
                self.name.to_string_lossy()
            );
        }
        // SAFETY: both names are NUL-terminated and relative to the directory we hold open.
        let rc = unsafe {
            libc::renameat(
                self.dir.as_raw_fd(),
                self.name.as_ptr(),
                self.dir.as_raw_fd(),
                self.target_name.as_ptr(),
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error())
                .with_context(|| format!("cannot replace {}", target.display()));
        }
        self.renamed = true;
        self.registration.release();
        // The rename is only durable once the directory is; a failure here changes nothing
        // the user could act on.
        // SAFETY: fsync on a descriptor we own.
        unsafe { libc::fsync(self.dir.as_raw_fd()) };
        Ok(())
    }

    /// Whether the temporary name still names `file` itself (not a file or link swapped in
    /// by someone else who can write to the directory), so that the rename moves our data.
    fn still_names(&self, file: &File) -> bool {
        let Ok(ours) = file.metadata() else {
            return false;
        };
        self.entry(&self.name)
            .is_some_and(|stat| stat.st_dev == ours.dev() && stat.st_ino == ours.ino())
    }

    /// The existing target's permission bits when the user owns it, else what a new file
    /// gets from the umask.
    fn mode_for_target(&self) -> libc::mode_t {
        match self.entry(&self.target_name) {
            Some(stat) if stat.st_mode & libc::S_IFMT == libc::S_IFREG && stat.st_uid == euid() => {
                stat.st_mode & 0o777
            }
            _ => 0o666 & !umask(),
        }
    }

    /// What `name` in the directory is itself (a link is not followed), if it exists.
    fn entry(&self, name: &CString) -> Option<libc::stat> {
        // SAFETY: a zeroed stat is a valid out-parameter; fstatat fills it and reads a
        // NUL-terminated name relative to the directory we hold open.
        let mut stat: libc::stat = unsafe { std::mem::zeroed() };
        let rc = unsafe {
            libc::fstatat(
                self.dir.as_raw_fd(),
                name.as_ptr(),
                &mut stat,
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        (rc == 0).then_some(stat)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.renamed {
            // Removed before it is taken off the signal list, so no moment is left where a
            // signal would leave it behind.
            // SAFETY: a NUL-terminated name relative to the directory we hold open.
            unsafe { libc::unlinkat(self.dir.as_raw_fd(), self.name.as_ptr(), 0) };
            self.registration.release();
        }
    }
}

/// Resolves symbolic links at `path` one at a time, checking each against the
/// `protected_symlinks` rule; the path of the file finally named (which may not exist yet).
fn follow_links(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_owned();
    for _ in 0..MAX_LINKS {
        let meta = match fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
        };
        if !meta.file_type().is_symlink() {
            return Ok(current);
        }
        let dir = parent_of(&current);
        let dir_owner = fs::metadata(dir)
            .with_context(|| format!("cannot open the directory {}", dir.display()))?
            .uid();
        let me = euid();
        if meta.uid() != me && meta.uid() != dir_owner {
            bail!(
                "refusing to follow the symbolic link {}: it belongs to uid {}, neither you \
                 nor the owner of its directory (the kernel's protected_symlinks rule)",
                current.display(),
                meta.uid()
            );
        }
        let link = fs::read_link(&current)
            .with_context(|| format!("cannot read the symbolic link {}", current.display()))?;
        current = dir.join(link);
    }
    bail!(
        "cannot open {}: too many levels of symbolic links",
        path.display()
    )
}

/// The directory a path's last component is in (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Refuses to replace a file the user may not write, as the shell's `>` would. Root may
/// write anything, so for root a file with no write bit at all counts as read-only.
fn refuse_unwritable(target: &Path, meta: &fs::Metadata) -> Result<()> {
    let writable = if euid() == 0 {
        meta.mode() & 0o222 != 0
    } else {
        let c_path = c_path(target)?;
        // SAFETY: a NUL-terminated path; faccessat only reads it.
        let rc = unsafe {
            libc::faccessat(
                libc::AT_FDCWD,
                c_path.as_ptr(),
                libc::W_OK,
                libc::AT_EACCESS,
            )
        };
        rc == 0
    };
    if !writable {
        bail!(
            "refusing to replace {}: it is not writable by you (mode {:o}), as the shell's > \
             would refuse",
            target.display(),
            meta.mode() & 0o7777
        );
    }
    Ok(())
}

/// Opens the directory `target` is in and a new temporary file there.
fn open_replacement(target: &Path) -> Result<Destination> {
    let dir_path = parent_of(target);
    let Some(name) = target.file_name() else {
        bail!("cannot write {}: it names no file", target.display());
    };
    let target_name = c_string(name)?;
    let context = || format!("cannot create a temporary file in {}", dir_path.display());
    let dir = open_directory(dir_path).with_context(context)?;
    let (file, name, registration) = interrupt::with_signals_blocked(|| {
        let (file, name) = create_temp(&dir)?;
        let registration = interrupt::register(dir.as_raw_fd(), &name);
        Ok::<_, io::Error>((file, name, registration))
    })
    .with_context(context)?;
    Ok(Destination::Replace {
        file: BufWriter::with_capacity(BUFFER, file),
        temp: TempFile {
            dir,
            name,
            target_name,
            registration,
            renamed: false,
        },
        target: target.to_owned(),
    })
}

fn open_directory(path: &Path) -> io::Result<OwnedFd> {
    let c_path = c_string(path.as_os_str())?;
    // SAFETY: a NUL-terminated path; the descriptor returned is ours.
    let fd = unsafe {
        libc::open(
            c_path.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Creates `.tackle-XXXXXXXXXX.tmp` in `dir` with `O_EXCL`, readable by the user only until
/// it gets its final mode.
fn create_temp(dir: &OwnedFd) -> io::Result<(File, CString)> {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..64 {
        let mut random = [0u8; 10];
        getrandom::fill(&mut random).map_err(io::Error::other)?;
        let mut name = b".tackle-".to_vec();
        name.extend(
            random
                .iter()
                .map(|&b| ALPHABET[usize::from(b) % ALPHABET.len()]),
        );
        name.extend_from_slice(b".tmp");
        let name = CString::new(name).map_err(io::Error::other)?;
        // SAFETY: a NUL-terminated name relative to a directory descriptor we own.
        let fd = unsafe {
            libc::openat(
                dir.as_raw_fd(),
                name.as_ptr(),
                libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW | libc::O_CLOEXEC,
                0o600 as libc::c_uint,
            )
        };
        if fd >= 0 {
            // SAFETY: a fresh descriptor owned by nobody else.
            return Ok((unsafe { File::from_raw_fd(fd) }, name));
        }
        last = io::Error::last_os_error();
        if last.kind() != io::ErrorKind::AlreadyExists {
            break;
        }
    }
    Err(last)
}

/// Opens something that is not a regular file for writing in place: with `O_CREAT` (so the
/// kernel's `protected_fifos` applies) and without truncation; a FIFO must be the user's.
fn open_in_place(path: &Path, meta: &fs::Metadata) -> Result<Destination> {
    refuse_foreign_fifo(path, meta)?;
    let c_path = c_string(path.as_os_str())?;
    // SAFETY: a NUL-terminated path; the descriptor returned is ours.
    let fd = unsafe {
        libc::open(
            c_path.as_ptr(),
            libc::O_WRONLY | libc::O_CREAT | libc::O_NOCTTY | libc::O_CLOEXEC,
            0o666 as libc::c_uint,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error())
            .with_context(|| format!("cannot open {}", path.display()));
    }
    // SAFETY: a fresh descriptor owned by nobody else.
    let file = unsafe { File::from_raw_fd(fd) };
    // What was opened is what counts: the path may have changed since it was looked at.
    let opened = file
        .metadata()
        .with_context(|| format!("cannot open {}", path.display()))?;
    refuse_foreign_fifo(path, &opened)?;
    if opened.is_file() {
        bail!(
            "cannot write {}: it was replaced by a regular file while being opened",
            path.display()
        );
    }
    Ok(Destination::InPlace {
        file: BufWriter::with_capacity(BUFFER, file),
        path: path.to_owned(),
    })
}

fn refuse_foreign_fifo(path: &Path, meta: &fs::Metadata) -> Result<()> {
    if meta.file_type().is_fifo() && meta.uid() != euid() {
        bail!(
            "refusing to write to the FIFO {}: it belongs to uid {}, not to you",
            path.display(),
            meta.uid()
        );
    }
    Ok(())
}

/// The process's umask, read without changing it (`/proc/self/status`), else by setting and
/// restoring it (csv-convert creates no files from another thread meanwhile).
fn umask() -> libc::mode_t {
    let from_proc = fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find_map(|l| l.strip_prefix("Umask:"))?;
            libc::mode_t::from_str_radix(line.trim(), 8).ok()
        });
    from_proc.unwrap_or_else(|| {
        // SAFETY: umask cannot fail; the old mask is put back at once.
        unsafe {
            let old = libc::umask(0o022);
            libc::umask(old);
            old
        }
    })
}

fn euid() -> u32 {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() }
}

fn c_string(text: &OsStr) -> io::Result<CString> {
    CString::new(text.as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a path holds a NUL byte"))
}

fn c_path(path: &Path) -> Result<CString> {
    c_string(path.as_os_str()).with_context(|| format!("cannot open {}", path.display()))
}

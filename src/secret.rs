//! Secrets (SMTP passwords, OAuth2 tokens, HMAC keys) as tackle holds them: read from a file
//! only the user can read, or taken out of an environment variable, kept in memory that is
//! wiped when dropped, and kept out of core dumps once loaded. Never from a flag.
//!
//! Which exit status a refusal gets is the caller's choice (sendmail's 66, a server's 1):
//! errors here are [`SecretError`]s that say what was wrong and how to fix it.

use std::ffi::OsStr;
use std::fmt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

/// Secret bytes, wiped from memory when dropped. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Takes ownership of `bytes`; they are wiped when the secret is dropped.
    pub fn new(bytes: Vec<u8>) -> Secret {
        Secret(Zeroizing::new(bytes))
    }

    /// The secret bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// How many bytes the secret holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty (an empty password or key is refused by its users).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first line, without its line ending: what a password file or command holds.
    pub fn first_line(&self) -> Secret {
        let line = self.0.split(|&b| b == b'\n').next().unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Secret::new(line.to_vec())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<secret, {} bytes>", self.0.len())
    }
}

/// Whether a secret file that group or others can read is used anyway
/// (`--allow-readable-secrets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FilePolicy {
    /// Refuse a file that is not the user's own or that group or others can read (msmtp's rule).
    #[default]
    OwnerOnly,
    /// Use it anyway.
    AllowReadable,
}

impl FilePolicy {
    /// The policy `--allow-readable-secrets` (given or not) asks for.
    pub fn allowing_readable(allow: bool) -> FilePolicy {
        if allow {
            FilePolicy::AllowReadable
        } else {
            FilePolicy::OwnerOnly
        }
    }
}

/// Why a secret could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The file could not be read.
    #[error("{}: cannot read: {}", path.display(), crate::exit::system_words(source))]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Group or others can read the file, or it belongs to someone else.
    #[error("{}: {why}; {fix} (or pass --allow-readable-secrets)", path.display())]
    Exposed {
        path: PathBuf,
        why: String,
        fix: String,
    },
    /// The variable is not set.
    #[error("the environment variable {0} is not set")]
    Unset(String),
}

/// Reads the whole file at `path` as a secret, refusing (under [`FilePolicy::OwnerOnly`]) a
/// file that another user owns or that group or others may read or write.
pub fn read_file(path: &Path, policy: FilePolicy) -> Result<Secret, SecretError> {
    let unreadable = |source| SecretError::Unreadable {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    // Checked on the open descriptor, so the file read is the file checked.
    let meta = file.metadata().map_err(unreadable)?;
    if policy == FilePolicy::OwnerOnly {
        check_private(path, &meta)?;
    }
    read_wiped(&mut &file, meta.len().min(1 << 20) as usize).map_err(unreadable)
}

/// A growing buffer for secret bytes that leaves no copy behind: when it must grow, the
/// bytes move to a bigger buffer and the old one is wiped (a `Vec` growing by itself frees
/// its old buffer without wiping it).
pub struct WipedBuffer(Zeroizing<Vec<u8>>);

impl WipedBuffer {
    /// An empty buffer with room for `capacity` bytes before it first grows.
    pub fn with_capacity(capacity: usize) -> WipedBuffer {
        WipedBuffer(Zeroizing::new(Vec::with_capacity(capacity.max(64))))
    }

    /// Appends `bytes`.
    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        let needed = self.0.len() + bytes.len();
        if needed > self.0.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity(needed.max(self.0.capacity() * 2)));
            bigger.extend_from_slice(&self.0);
            // The old buffer is wiped as it is dropped here.
            self.0 = bigger;
        }
        self.0.extend_from_slice(bytes);
    }

    /// The bytes as a [`Secret`].
    pub fn into_secret(self) -> Secret {
        Secret(self.0)
    }
}

/// Reads `reader` to its end into wiped memory (a password file, a command's output);
/// `capacity` is a first guess at the size.
pub fn read_wiped(reader: &mut impl std::io::Read, capacity: usize) -> std::io::Result<Secret> {
    let mut buffer = WipedBuffer::with_capacity(capacity);
    let mut chunk = Zeroizing::new([0u8; 4096]);
    loop {
        match reader.read(&mut chunk[..]) {
            Ok(0) => return Ok(buffer.into_secret()),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Refuses, under [`FilePolicy::OwnerOnly`], a secret file that another user owns or that
/// group or others may read, without reading it: for secrets a library loads itself (a TLS
/// client's private key). A file that cannot be looked at passes: its loader says why.
pub fn refuse_exposed(path: &Path, policy: FilePolicy) -> Result<(), SecretError> {
    if policy == FilePolicy::AllowReadable {
        return Ok(());
    }
    match std::fs::metadata(path) {
        Ok(meta) => check_private(path, &meta),
        Err(_) => Ok(()),
    }
}

fn check_private(path: &Path, meta: &std::fs::Metadata) -> Result<(), SecretError> {
    let exposed = |why: String, fix: String| SecretError::Exposed {
        path: path.to_owned(),
        why,
        fix,
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        // chmod cannot fix this one: the file is someone else's.
        return Err(exposed(
            format!("belongs to uid {}, not to you (uid {me})", meta.uid()),
            "use a file of your own".to_owned(),
        ));
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(exposed(
            format!("mode {mode:04o} lets group or others read it"),
            format!("fix it with `chmod 600 {}`", path.display()),
        ));
    }
    Ok(())
}

/// Takes the value of `var` as a secret, wipes it from the environment block and removes the
/// variable from tackle's own environment, so that commands tackle runs later and
/// `/proc/<pid>/environ` readers after this point do not see it.
pub fn take_env(var: &str) -> Result<Secret, SecretError> {
    let value = std::env::var_os(var).ok_or_else(|| SecretError::Unset(var.to_owned()))?;
    let secret = Secret(Zeroizing::new(value.into_encoded_bytes()));
    wipe_env_value(var);
    remove_env(OsStr::new(var));
    Ok(secret)
}

/// Overwrites the value of `var` where the environment block holds it: removing the
/// variable only unlinks it from `environ`, and the kernel shows `/proc/<pid>/environ` from
/// the block the process started with, so the value would stay readable there (by root, or
/// by the user before the process is made non-dumpable) and in memory.
fn wipe_env_value(var: &str) {
    use zeroize::Zeroize;
    unsafe extern "C" {
        static mut environ: *mut *mut libc::c_char;
    }
    let name = var.as_bytes();
    // SAFETY: tackle reads secrets while it is still single-threaded (see remove_env), so
    // nothing changes the environment meanwhile; `environ` is the C library's
    // NULL-terminated array of NUL-terminated, writable "NAME=value" strings.
    unsafe {
        let mut entry = environ;
        while !entry.is_null() && !(*entry).is_null() {
            let text = std::ffi::CStr::from_ptr(*entry).to_bytes();
            if text.len() > name.len() && text.starts_with(name) && text[name.len()] == b'=' {
                let value = (*entry).add(name.len() + 1).cast::<u8>();
                std::slice::from_raw_parts_mut(value, text.len() - name.len() - 1).zeroize();
            }
            entry = entry.add(1);
        }
    }
}

fn remove_env(var: &OsStr) {
    // SAFETY: tackle reads secrets while it is still single-threaded (before any server,
    // worker or capture thread starts), so nothing reads the environment concurrently.
    unsafe { std::env::remove_var(var) };
}

/// Keeps this process out of core dumps (and out of `ptrace` by other processes of the same
/// user) from now on: called once a secret is in memory.
pub fn forbid_core_dumps() {
    // SAFETY: PR_SET_DUMPABLE with 0 only clears a flag of this process.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn file_with_mode(dir: &Path, contents: &[u8], mode: u32) -> PathBuf {
        let path = dir.join("secret");
        std::fs::write(&path, contents).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        path
    }

    #[test]
    fn an_owner_only_file_is_read_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = file_with_mode(dir.path(), b"s3cret\nsecond", 0o600);
        let secret = read_file(&path, FilePolicy::OwnerOnly).expect("read");
        assert_eq!(secret.expose(), b"s3cret\nsecond");
        assert_eq!(secret.first_line().expose(), b"s3cret");
        assert_eq!(format!("{secret:?}"), "<secret, 13 bytes>");
    }

    #[test]
    fn a_group_or_world_readable_file_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().expect("tempdir");
        for mode in [0o640, 0o604, 0o660, 0o644] {
            let path = file_with_mode(dir.path(), b"k", mode);
            let err = read_file(&path, FilePolicy::OwnerOnly).expect_err("exposed");
            let text = err.to_string();
            assert!(text.contains(&format!("{mode:04o}")), "{text}");
            assert!(text.contains("chmod 600"), "{text}");
            read_file(&path, FilePolicy::AllowReadable).expect("allowed");
        }
    }

    #[test]
    fn a_wiped_buffer_grows_and_keeps_every_byte() {
        let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        let secret = read_wiped(&mut &data[..], 10).expect("read");
        assert_eq!(secret.expose(), &data[..]);
        let mut buffer = WipedBuffer::with_capacity(1);
        for chunk in data.chunks(7) {
            buffer.extend_from_slice(chunk);
        }
        assert_eq!(buffer.into_secret().expose(), &data[..]);
    }

    #[test]
    fn first_line_drops_the_line_ending_and_the_rest() {
        let line = |b: &[u8]| Secret::new(b.to_vec()).first_line().expose().to_vec();
        assert_eq!(line(b"s3cret\n"), b"s3cret");
        assert_eq!(line(b"s3cret\r\nsecond"), b"s3cret");
        assert_eq!(line(b"no newline"), b"no newline");
        assert_eq!(line(b""), b"");
    }
}

//! Zero-copy paths for a plain (not TLS) stream relay: the kernel moves the bytes between
//! stdin, the socket and stdout, and they never enter tackle's memory.
//!
//! - stdin is a pipe: `splice(2)` from it to the socket with `SPLICE_F_NONBLOCK`, which makes
//!   the pipe side non-blocking for that call only (the descriptor, shared with whoever
//!   writes the pipe, keeps its flags); stdin is then registered with the loop beside the
//!   socket;
//! - stdin is a regular file: `sendfile(2)` to the socket (reading a file does not block);
//! - stdout is a pipe: `splice(2)` from the socket straight into it, blocking when the pipe is
//!   full as a write would;
//! - stdout is a regular file or `/dev/null`: through a staging pipe of our own.
//!
//! Anything else (a terminal, a socket, TLS, or a kernel that refuses with `EINVAL`) takes the
//! copying path of `stdio`.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// The most one call moves.
pub const SPLICE_LEN: usize = 1 << 20;

/// What stdin is, for the relay's choice of path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Pipe,
    File,
    /// `/dev/null` (or a closed stdin, which tackle replaces with it): empty, nothing to read.
    Null,
    /// A terminal, a socket, a device: read by the `stdio` thread.
    Other,
}

/// What stdout is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Pipe,
    /// A regular file or `/dev/null`: spliced through a staging pipe.
    Sink,
    /// A terminal, a socket, a descriptor made non-blocking by someone else: written.
    Other,
}

/// The descriptor's fstat(2), if it is open.
pub(super) fn stat(fd: RawFd) -> Option<libc::stat> {
    // SAFETY: fstat(2) fills the zeroed buffer for an open descriptor, or fails.
    unsafe {
        let mut stat: libc::stat = std::mem::zeroed();
        (libc::fstat(fd, &mut stat) == 0).then_some(stat)
    }
}

/// Whether the descriptor's status flags (F_GETFL) include `flag`.
fn has_status_flag(fd: RawFd, flag: libc::c_int) -> bool {
    // SAFETY: F_GETFL only reads the descriptor's status flags.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    flags >= 0 && flags & flag != 0
}

/// `/dev/null`'s device number.
fn dev_null() -> libc::dev_t {
    libc::makedev(1, 3)
}

/// What stdin is.
pub fn input() -> Input {
    let Some(stat) = stat(libc::STDIN_FILENO) else {
        return Input::Other;
    };
    match stat.st_mode & libc::S_IFMT {
        libc::S_IFIFO => Input::Pipe,
        libc::S_IFREG => Input::File,
        libc::S_IFCHR if stat.st_rdev == dev_null() => Input::Null,
        _ => Input::Other,
    }
}

/// What stdout is.
pub fn output() -> Output {
    let fd = libc::STDOUT_FILENO;
    let Some(stat) = stat(fd) else {
        return Output::Other;
    };
    // A non-blocking stdout would make a full pipe look like an empty socket.
    if has_status_flag(fd, libc::O_NONBLOCK) {
        return Output::Other;
    }
    match stat.st_mode & libc::S_IFMT {
        libc::S_IFIFO => Output::Pipe,
        // splice(2) refuses a file opened for appending (`>> log`): written instead.
        libc::S_IFREG if has_status_flag(fd, libc::O_APPEND) => Output::Other,
        libc::S_IFREG => Output::Sink,
        libc::S_IFCHR if stat.st_rdev == dev_null() => Output::Sink,
        _ => Output::Other,
    }
}

/// One `splice(2)` call: at most `len` bytes from `from` to `to`.
pub fn splice(from: RawFd, to: RawFd, len: usize, flags: libc::c_uint) -> io::Result<usize> {
    retrying(|| {
        // SAFETY: splice(2) between two open descriptors, with no offsets.
        unsafe {
            libc::splice(
                from,
                std::ptr::null_mut(),
                to,
                std::ptr::null_mut(),
                len,
                flags | libc::SPLICE_F_MOVE,
            )
        }
    })
}

/// One `sendfile(2)` call: at most `len` bytes of the file `from`, at its offset, to `to`.
pub fn sendfile(from: RawFd, to: RawFd, len: usize) -> io::Result<usize> {
    // SAFETY: sendfile(2) between two open descriptors, using and moving `from`'s offset.
    retrying(|| unsafe { libc::sendfile(to, from, std::ptr::null_mut(), len) })
}

/// A system call's byte count, called again when a signal interrupted it.
fn retrying(mut call: impl FnMut() -> isize) -> io::Result<usize> {
    loop {
        if let Ok(n) = usize::try_from(call()) {
            return Ok(n);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// A pipe of our own between the socket and a stdout that is not a pipe.
#[derive(Debug)]
pub struct StagingPipe {
    read: OwnedFd,
    write: OwnedFd,
}

impl StagingPipe {
    /// A new pipe, made as large as Linux allows anyone ([`SPLICE_LEN`]).
    pub fn new() -> io::Result<StagingPipe> {
        let (read, write) = io::pipe()?;
        // SAFETY: F_SETPIPE_SZ on our own pipe; a refusal only costs speed.
        unsafe {
            libc::fcntl(
                write.as_raw_fd(),
                libc::F_SETPIPE_SZ,
                SPLICE_LEN as libc::c_int,
            )
        };
        Ok(StagingPipe {
            read: read.into(),
            write: write.into(),
        })
    }

    /// Moves what `socket` has (at most one pipeful) through the pipe to `out`; `Ok(0)` at
    /// the socket's end of stream, `WouldBlock` when it has nothing.
    pub fn pass(&self, socket: RawFd, out: RawFd) -> io::Result<usize> {
        // The pipe is empty here, so the socket side decides: it never waits for room.
        let n = splice(
            socket,
            self.write.as_raw_fd(),
            SPLICE_LEN,
            libc::SPLICE_F_NONBLOCK,
        )?;
        let mut left = n;
        while left > 0 {
            match splice(self.read.as_raw_fd(), out, left, 0) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(moved) => left -= moved,
                // The bytes are in our pipe already: a refusal must not lose them.
                Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
                    self.copy_out(out, left)?;
                    left = 0;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    /// Reads `left` bytes still in the pipe and writes them to `out` (blocking).
    fn copy_out(&self, out: RawFd, mut left: usize) -> io::Result<()> {
        let mut buffer = vec![0u8; left.min(1 << 16)];
        while left > 0 {
            let want = left.min(buffer.len());
            // SAFETY: read(2) into our buffer, at most its length.
            let got = retrying(|| unsafe {
                libc::read(self.read.as_raw_fd(), buffer.as_mut_ptr().cast(), want)
            })?;
            if got == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let mut chunk = &buffer[..got];
            while !chunk.is_empty() {
                // SAFETY: write(2) from our buffer, at most its length.
                let wrote =
                    retrying(|| unsafe { libc::write(out, chunk.as_ptr().cast(), chunk.len()) })?;
                if wrote == 0 {
                    return Err(io::ErrorKind::WriteZero.into());
                }
                chunk = &chunk[wrote..];
            }
            left -= got;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn a_staging_pipe_passes_a_socket_s_bytes_to_a_file() {
        let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        b.set_nonblocking(true).unwrap();
        let staging = StagingPipe::new().unwrap();
        let mut file = tempfile::tempfile().unwrap();
        let err = staging.pass(b.as_raw_fd(), file.as_raw_fd()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        a.write_all(b"hello").unwrap();
        assert_eq!(staging.pass(b.as_raw_fd(), file.as_raw_fd()).unwrap(), 5);
        drop(a);
        assert_eq!(staging.pass(b.as_raw_fd(), file.as_raw_fd()).unwrap(), 0);
        let mut text = String::new();
        std::io::Seek::rewind(&mut file).unwrap();
        file.read_to_string(&mut text).unwrap();
        assert_eq!(text, "hello");
    }

    #[test]
    fn bytes_already_staged_are_copied_when_the_file_refuses_splice() {
        // A file opened for appending refuses splice(2) (EINVAL) after the socket's bytes are
        // in the pipe: they are written instead, not lost.
        let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        b.set_nonblocking(true).unwrap();
        let staging = StagingPipe::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        std::fs::write(&path, b"old ").unwrap();
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        a.write_all(b"appended").unwrap();
        assert_eq!(staging.pass(b.as_raw_fd(), file.as_raw_fd()).unwrap(), 8);
        assert_eq!(std::fs::read(&path).unwrap(), b"old appended");
    }
}

//! tackle's own stdin and stdout as `connect` uses them beside the reactor.
//!
//! stdin may be a pipe, a terminal, a socket, a regular file or `/dev/null`. epoll refuses
//! regular files and most devices, and making an inherited descriptor non-blocking would
//! change it for every process sharing it (the shell's terminal, the other end of a pipeline).
//! So stdin is read by a thread of its own with plain blocking reads ([`StdinFeed`]): the
//! thread hands each chunk over by a bounded channel (no copy: the buffer itself moves, and
//! comes back for reuse once sent) and wakes the loop through a [`Notifier`] only when the
//! loop is waiting for input. Reading ahead is bounded by the channel's depth.
//!
//! stdout is written with blocking writes ([`write_stdout`]): a terminal, a file or `/dev/null`
//! take bytes at once, and a pipe that is full makes the loop wait, which is the backpressure
//! wanted (nothing more is read from the socket until the reader catches up). A reader that
//! has gone (`| head -c 10`) shows as `BrokenPipe`, which ends the run quietly.
//!
//! Both cope with a descriptor someone else made non-blocking (they wait with `poll(2)` on
//! `EAGAIN`), and [`ensure_standard_descriptors`] keeps a closed 0, 1 or 2 from being reused by
//! a socket, which would then be read as stdin or written as stdout.

use std::io;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

use crate::reactor::Notifier;

/// How much one read of stdin asks for.
pub const CHUNK: usize = 128 * 1024;

/// How many chunks may wait between the reader thread and the loop.
const DEPTH: usize = 4;

/// What the reader thread hands over.
#[derive(Debug)]
pub enum Piece {
    /// Bytes read (never empty).
    Data(Vec<u8>),
    /// stdin is at its end.
    End,
    /// stdin could not be read.
    Failed(io::Error),
}

/// stdin, read ahead by a thread; see the module docs.
pub struct StdinFeed {
    pieces: Receiver<Piece>,
    spare: SyncSender<Vec<u8>>,
    waiting: Arc<AtomicBool>,
}

impl StdinFeed {
    /// Starts reading stdin on a new thread; `wake` is used when a piece arrives while the loop
    /// waits for one.
    pub fn start(wake: Notifier) -> io::Result<StdinFeed> {
        let (piece_tx, pieces) = sync_channel(DEPTH);
        // One more than can be in flight, so giving a buffer back never blocks.
        let (spare, spare_rx) = sync_channel(DEPTH + 3);
        let waiting = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&waiting);
        std::thread::Builder::new()
            .name("stdin".into())
            .spawn(move || read_stdin(&piece_tx, &spare_rx, &flag, &wake))?;
        Ok(StdinFeed {
            pieces,
            spare,
            waiting,
        })
    }

    /// The next piece, or `None` when none is ready yet (the loop is then notified when one is).
    pub fn ready_piece(&mut self) -> Option<Piece> {
        match self.pieces.try_recv() {
            Ok(piece) => return Some(piece),
            Err(TryRecvError::Disconnected) => return Some(Piece::End),
            Err(TryRecvError::Empty) => {}
        }
        // Say we wait, then look again: a piece sent between the two looks is either seen
        // now or followed by a notification (the thread checks the flag after sending).
        self.waiting.store(true, Ordering::SeqCst);
        match self.pieces.try_recv() {
            Ok(piece) => {
                self.waiting.store(false, Ordering::SeqCst);
                Some(piece)
            }
            Err(TryRecvError::Disconnected) => Some(Piece::End),
            Err(TryRecvError::Empty) => None,
        }
    }

    /// Gives a buffer back for the thread to read into again.
    pub fn recycle(&self, mut buffer: Vec<u8>) {
        buffer.clear();
        let _ = self.spare.try_send(buffer);
    }
}

/// The reader thread: read, hand over, notify if the loop waits; until the end or an error.
fn read_stdin(
    pieces: &SyncSender<Piece>,
    spare: &Receiver<Vec<u8>>,
    waiting: &AtomicBool,
    wake: &Notifier,
) {
    loop {
        let mut buffer = spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        let piece = match read_fd(libc::STDIN_FILENO, &mut buffer) {
            Ok(0) => Piece::End,
            Ok(_) => Piece::Data(buffer),
            Err(e) => Piece::Failed(e),
        };
        let last = !matches!(piece, Piece::Data(_));
        if pieces.send(piece).is_err() {
            return; // The loop has ended.
        }
        if waiting.swap(false, Ordering::SeqCst) {
            // A loop that has ended cannot be woken; nothing to do about it.
            let _ = wake.notify();
        }
        if last {
            return;
        }
    }
}

/// One blocking read into the spare capacity of `buffer` (at least [`CHUNK`]); retried on
/// EINTR, and waited for with poll(2) if the descriptor turns out to be non-blocking.
fn read_fd(fd: RawFd, buffer: &mut Vec<u8>) -> io::Result<usize> {
    buffer.clear();
    buffer.reserve(CHUNK);
    let room = buffer.spare_capacity_mut();
    loop {
        // SAFETY: read(2) writes at most `room.len()` bytes into the vector's spare capacity.
        let n = unsafe { libc::read(fd, room.as_mut_ptr().cast(), room.len()) };
        if let Ok(n) = usize::try_from(n) {
            // SAFETY: read(2) initialised the first `n` bytes of the spare capacity.
            unsafe { buffer.set_len(n) };
            return Ok(n);
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::Interrupted => {}
            io::ErrorKind::WouldBlock => wait_for(fd, libc::POLLIN)?,
            _ => return Err(e),
        }
    }
}

/// Blocks until `fd` is ready for `events` (or has hung up: the next call says so).
fn wait_for(fd: RawFd, events: libc::c_short) -> io::Result<()> {
    let mut poll = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    loop {
        // SAFETY: poll(2) on one descriptor we are using.
        if unsafe { libc::poll(&mut poll, 1, -1) } >= 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Writes all of `bytes` to tackle's stdout with blocking writes; see the module docs.
pub fn write_stdout(mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        // SAFETY: write(2) reads at most `bytes.len()` bytes from `bytes`.
        let n = unsafe { libc::write(libc::STDOUT_FILENO, bytes.as_ptr().cast(), bytes.len()) };
        match usize::try_from(n) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(_) => {
                let e = io::Error::last_os_error();
                match e.kind() {
                    io::ErrorKind::Interrupted => {}
                    io::ErrorKind::WouldBlock => wait_for(libc::STDOUT_FILENO, libc::POLLOUT)?,
                    _ => return Err(e),
                }
            }
        }
    }
    Ok(())
}

/// How big stdin's and stdout's pipes are made, when they are pipes (Linux lets anyone have
/// 1 MiB): fewer, larger reads and writes, and fewer switches between tackle and the program
/// at the other end.
const PIPE_SIZE: libc::c_int = 1 << 20;

/// Enlarges stdin's and stdout's pipes (if they are pipes) to [`PIPE_SIZE`]. A pipe keeps its
/// meaning whatever its size; a system limit that refuses only costs speed.
pub fn enlarge_pipes() {
    for fd in [libc::STDIN_FILENO, libc::STDOUT_FILENO] {
        let is_pipe = super::splice::stat(fd)
            .is_some_and(|stat| stat.st_mode & libc::S_IFMT == libc::S_IFIFO);
        // SAFETY: F_GETPIPE_SZ and F_SETPIPE_SZ on a pipe only.
        if is_pipe && unsafe { libc::fcntl(fd, libc::F_GETPIPE_SZ) } < PIPE_SIZE {
            // SAFETY: as above.
            unsafe { libc::fcntl(fd, libc::F_SETPIPE_SZ, PIPE_SIZE) };
        }
    }
}

/// Opens `/dev/null` on any of descriptors 0, 1 and 2 that is closed, so that no socket
/// opened later takes its number (a socket on descriptor 1 would receive what is meant for
/// stdout). A closed stdin then reads as empty, a closed stdout discards.
pub fn ensure_standard_descriptors() {
    for fd in 0..3 {
        // SAFETY: F_GETFD only asks whether the descriptor is open.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1 {
            continue;
        }
        // SAFETY: open(2) returns the lowest free descriptor: `fd`, as the lower ones are open.
        let opened = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
        if opened != fd && opened >= 0 {
            // Not the number wanted (cannot happen as the loop goes up); do not leak it.
            // SAFETY: closing the descriptor just opened.
            unsafe { libc::close(opened) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fill_the_spare_capacity_and_report_the_end() {
        let (reader, mut writer) = std::io::pipe().unwrap();
        std::io::Write::write_all(&mut writer, b"hello").unwrap();
        drop(writer);
        let fd = std::os::fd::AsRawFd::as_raw_fd(&reader);
        let mut buffer = Vec::new();
        assert_eq!(read_fd(fd, &mut buffer).unwrap(), 5);
        assert_eq!(buffer, b"hello");
        assert!(buffer.capacity() >= CHUNK);
        assert_eq!(read_fd(fd, &mut buffer).unwrap(), 0);
        assert!(buffer.is_empty());
    }
}

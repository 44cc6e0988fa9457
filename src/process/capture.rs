//! Where captured output goes: memory up to a cap, then either dropped (`--json`, which notes
//! the truncation) or spilled to an unnamed temporary file (`--quiet-unless-failed`, which must
//! be able to print everything if the command fails). When the temporary file cannot be made
//! or written (no writable `TMPDIR`, a full disk), what did not fit goes on being held in
//! memory, up to [`HELD_IN_MEMORY`] times the cap; only past that are bytes dropped, counted,
//! and reported. What was held is never lost. Only what the report will read is tracked
//! besides ([`Reads`]): whether the kept bytes are UTF-8 (for `--json`), and a small tail of the
//! most recent bytes, so `--check` can quote the last lines of stderr even past the cap.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::os::fd::AsRawFd;

/// The most one read straight into the kept memory asks for (the capture pipes hold 1 MiB).
const DIRECT_READ: usize = 1 << 20;

/// How far ahead of the kept bytes memory is faulted in at once.
const POPULATE_AHEAD: usize = 4 << 20;

/// When spilling fails, how many times the memory cap a held stream may take in memory.
pub const HELD_IN_MEMORY: usize = 16;

/// How many of the most recent bytes are kept for [`Capture::last_lines`].
const TAIL_BYTES: usize = 8 * 1024;

/// What happens to bytes past the memory cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// Count them, keep nothing.
    Drop,
    /// Append them to a temporary file.
    Spill,
}

/// What will be asked of a capture besides its bytes; anything else is not tracked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reads {
    /// [`Capture::kept_text`]: scan the kept bytes for UTF-8 as they arrive.
    pub text: bool,
    /// [`Capture::last_lines`]: keep a copy of the most recent bytes.
    pub tail: bool,
}

/// One captured stream.
#[derive(Debug)]
pub struct Capture {
    memory: Vec<u8>,
    cap: usize,
    overflow: Overflow,
    spill: Option<File>,
    /// Bytes written to the spill file.
    spilled: u64,
    /// Held in memory after spilling failed, to be replayed after the spill file.
    held: Vec<u8>,
    /// Bytes dropped because spilling failed and [`HELD_IN_MEMORY`] was reached.
    dropped: u64,
    total: u64,
    populated: usize,
    /// How much of `memory` is known to be UTF-8, and whether all of it may still be (false
    /// from the start when the text is not asked for, which skips the scan).
    utf8_checked: usize,
    utf8_so_far: bool,
    /// `None` when the tail is not asked for.
    tail: Option<Vec<u8>>,
    error: Option<io::Error>,
}

impl Capture {
    /// Keeps up to `cap` bytes in memory; past it, does what `overflow` says.
    pub fn new(cap: usize, overflow: Overflow, reads: Reads) -> Capture {
        Capture {
            memory: Vec::new(),
            cap,
            overflow,
            spill: None,
            spilled: 0,
            held: Vec::new(),
            dropped: 0,
            total: 0,
            populated: 0,
            utf8_checked: 0,
            utf8_so_far: reads.text,
            tail: reads.tail.then(Vec::new),
            error: None,
        }
    }

    /// Takes in bytes as they arrive. A failure to spill is remembered (see [`Capture::error`]);
    /// later bytes are held in memory instead (see the module docs).
    pub fn push(&mut self, bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if let Some(tail) = &mut self.tail {
            remember_tail(tail, bytes);
        }
        let room = self.cap.saturating_sub(self.memory.len());
        let (kept, rest) = bytes.split_at(room.min(bytes.len()));
        self.populate_ahead(kept.len());
        self.memory.extend_from_slice(kept);
        self.check_utf8();
        if rest.is_empty() || self.overflow == Overflow::Drop {
            return;
        }
        let unspilled = if self.error.is_some() {
            rest
        } else {
            let (written, result) = self.spill(rest);
            if let Err(e) = result {
                self.error = Some(e);
            }
            &rest[written..]
        };
        self.hold(unspilled);
    }

    /// Keeps what could not be spilled in memory, within [`HELD_IN_MEMORY`] times the cap.
    fn hold(&mut self, bytes: &[u8]) {
        let limit = self.cap.saturating_mul(HELD_IN_MEMORY);
        let room = limit.saturating_sub(self.memory.len() + self.held.len());
        let (kept, dropped) = bytes.split_at(room.min(bytes.len()));
        self.held.extend_from_slice(kept);
        self.dropped += dropped.len() as u64;
    }

    /// Makes room for `incoming` more bytes (`populated` never passes the capacity) and faults
    /// in the pages they will land on, a few megabytes at a time, with one
    /// `madvise(MADV_POPULATE_WRITE)` instead of one page fault per 4 KiB (about a tenth of a
    /// large capture's time). Never more than [`POPULATE_AHEAD`] past what is kept, so the
    /// resident size stays the kept output plus a little.
    fn populate_ahead(&mut self, incoming: usize) {
        let needed = self.memory.len() + incoming;
        if needed <= self.populated {
            return;
        }
        self.memory.reserve(incoming);
        if self.memory.capacity() < POPULATE_AHEAD {
            return;
        }
        const PAGE: usize = 4096;
        let base = self.memory.as_ptr() as usize;
        let from = (base + self.memory.len()).next_multiple_of(PAGE);
        let to = (base + (needed + POPULATE_AHEAD).min(self.memory.capacity())) / PAGE * PAGE;
        if to > from {
            // SAFETY: madvise(2) on whole pages inside this Vec's allocation; populating
            // changes nothing we can see (the pages are zero-filled, as on a fault).
            unsafe {
                libc::madvise(
                    from as *mut libc::c_void,
                    to - from,
                    libc::MADV_POPULATE_WRITE,
                )
            };
        }
        self.populated = to.saturating_sub(base).max(needed);
    }

    /// Appends to the spill file; returns how much was written before any failure.
    fn spill(&mut self, bytes: &[u8]) -> (usize, io::Result<()>) {
        let file = match &mut self.spill {
            Some(file) => file,
            None => match tempfile::tempfile() {
                Ok(file) => self.spill.insert(file),
                Err(e) => return (0, Err(e)),
            },
        };
        let (written, result) = write_counting(file, bytes);
        self.spilled += written as u64;
        (written, result)
    }

    /// Reads once from `fd` (non-blocking), straight into the kept memory while there is room
    /// under the cap (no copy through the loop's buffer), through `scratch` past it. Returns
    /// what `read(2)` returned: 0 at the end, `WouldBlock` when nothing is waiting.
    pub fn read_from(&mut self, fd: &impl AsRawFd, scratch: &mut [u8]) -> io::Result<usize> {
        let room = self.cap.saturating_sub(self.memory.len());
        if room == 0 {
            let n = read_into(fd, scratch)?;
            self.push(&scratch[..n]);
            return Ok(n);
        }
        let want = room.min(DIRECT_READ);
        self.populate_ahead(want);
        let start = self.memory.len();
        let spare = &mut self.memory.spare_capacity_mut()[..want];
        // SAFETY: read(2) writes at most `want` bytes into this reserved, unused capacity.
        let n = unsafe { libc::read(fd.as_raw_fd(), spare.as_mut_ptr().cast(), want) };
        let n = usize::try_from(n).map_err(|_| io::Error::last_os_error())?;
        // SAFETY: the kernel has initialised the first `n` (<= `want`) bytes of the capacity.
        unsafe { self.memory.set_len(start + n) };
        self.total += n as u64;
        if let Some(tail) = &mut self.tail {
            remember_tail(tail, &self.memory[start..]);
        }
        self.check_utf8();
        Ok(n)
    }
    /// Extends the UTF-8 check over the bytes just kept, while they are still in the cache.
    /// A character split across two reads waits for the next one.
    fn check_utf8(&mut self) {
        if !self.utf8_so_far {
            return;
        }
        match std::str::from_utf8(&self.memory[self.utf8_checked..]) {
            Ok(_) => self.utf8_checked = self.memory.len(),
            Err(e) if e.error_len().is_none() => self.utf8_checked += e.valid_up_to(),
            Err(_) => self.utf8_so_far = false,
        }
    }

    /// The kept bytes as text, if they are UTF-8 (always `None` unless [`Reads::text`]). When
    /// the stream was cut at the cap, a character split by the cut is left off: that alone does
    /// not make the stream binary.
    pub fn kept_text(&self) -> Option<&[u8]> {
        let whole = self.utf8_checked == self.memory.len();
        match (self.utf8_so_far, whole) {
            (true, true) => Some(&self.memory),
            (true, false) if self.truncated() => Some(&self.memory[..self.utf8_checked]),
            _ => None,
        }
    }

    /// Every byte the stream produced, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Whether bytes were dropped past the cap.
    pub fn truncated(&self) -> bool {
        self.overflow == Overflow::Drop && self.total > self.memory.len() as u64
    }

    /// The bytes kept in memory.
    pub fn kept(&self) -> &[u8] {
        &self.memory
    }

    /// Why spilling failed, if it did.
    pub fn error(&self) -> Option<&io::Error> {
        self.error.as_ref()
    }

    /// Bytes dropped because spilling failed and the memory limit was reached.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Writes everything kept (memory, the spill file, then what was held after spilling
    /// failed) to `out`.
    pub fn replay(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.memory)?;
        if let Some(file) = &mut self.spill {
            file.rewind()?;
            io::copy(&mut Read::take(file, self.spilled), out)?;
        }
        out.write_all(&self.held)?;
        out.flush()
    }

    /// The last `n` lines (lossily decoded), from the most recent bytes of the stream (always
    /// none unless [`Reads::tail`]).
    pub fn last_lines(&self, n: usize) -> Vec<String> {
        let tail = self.tail.as_deref().unwrap_or_default();
        let text = String::from_utf8_lossy(tail);
        let text = text.strip_suffix('\n').unwrap_or(&text);
        if text.is_empty() {
            return Vec::new();
        }
        let lines: Vec<&str> = text.split('\n').collect();
        // The oldest line may have been cut by the tail's start unless we hold the whole stream.
        let whole = self.total as usize == tail.len();
        let complete = if whole {
            &lines[..]
        } else {
            &lines[1.min(lines.len())..]
        };
        complete[complete.len().saturating_sub(n)..]
            .iter()
            .map(|line| line.strip_suffix('\r').unwrap_or(line).to_owned())
            .collect()
    }
}

/// Keeps the last [`TAIL_BYTES`] (or up to twice that) of a stream in `tail`.
fn remember_tail(tail: &mut Vec<u8>, bytes: &[u8]) {
    if bytes.len() >= TAIL_BYTES {
        tail.clear();
        tail.extend_from_slice(&bytes[bytes.len() - TAIL_BYTES..]);
        return;
    }
    tail.extend_from_slice(bytes);
    if tail.len() > 2 * TAIL_BYTES {
        tail.drain(..tail.len() - TAIL_BYTES);
    }
}

/// Writes `bytes` to `out`; returns how many were written before any failure.
fn write_counting(out: &mut impl Write, bytes: &[u8]) -> (usize, io::Result<()>) {
    let mut written = 0;
    while written < bytes.len() {
        match out.write(&bytes[written..]) {
            Ok(0) => return (written, Err(io::ErrorKind::WriteZero.into())),
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (written, Err(e)),
        }
    }
    (written, Ok(()))
}

/// One `read(2)` into `buffer`.
pub fn read_into(fd: &impl AsRawFd, buffer: &mut [u8]) -> io::Result<usize> {
    // SAFETY: read(2) writes at most `buffer.len()` bytes into `buffer`.
    let n = unsafe { libc::read(fd.as_raw_fd(), buffer.as_mut_ptr().cast(), buffer.len()) };
    usize::try_from(n).map_err(|_| io::Error::last_os_error())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TEXT_AND_TAIL: Reads = Reads {
        text: true,
        tail: true,
    };

    #[test]
    fn drops_past_the_cap_but_counts_everything() {
        let mut capture = Capture::new(4, Overflow::Drop, TEXT_AND_TAIL);
        capture.push(b"abc");
        capture.push(b"defg");
        assert_eq!(capture.kept(), b"abcd");
        assert_eq!(capture.total(), 7);
        assert!(capture.truncated());
    }

    #[test]
    fn spills_past_the_cap_and_replays_everything_in_order() {
        let mut capture = Capture::new(3, Overflow::Spill, Reads::default());
        for chunk in [&b"ab"[..], b"cdef", b"g"] {
            capture.push(chunk);
        }
        assert!(!capture.truncated());
        let mut out = Vec::new();
        capture.replay(&mut out).unwrap();
        assert_eq!(out, b"abcdefg");
    }

    #[test]
    fn last_lines_come_from_the_end_of_the_stream() {
        let mut capture = Capture::new(2, Overflow::Drop, TEXT_AND_TAIL);
        capture.push(b"one\ntwo\r\nthree\n");
        assert_eq!(capture.last_lines(2), ["two", "three"]);
        assert_eq!(capture.last_lines(10), ["one", "two", "three"]);
        let mut big = Capture::new(0, Overflow::Drop, TEXT_AND_TAIL);
        for i in 0..5000 {
            big.push(format!("line {i}\n").as_bytes());
        }
        assert_eq!(big.last_lines(2), ["line 4998", "line 4999"]);
        assert!(
            Capture::new(1, Overflow::Drop, TEXT_AND_TAIL)
                .last_lines(10)
                .is_empty()
        );
    }

    #[test]
    fn knows_whether_it_holds_text() {
        let mut split = Capture::new(100, Overflow::Drop, TEXT_AND_TAIL);
        for chunk in ["hé".as_bytes(), &[0xe2, 0x9c], &[0x93], b"ok"] {
            split.push(chunk);
        }
        assert_eq!(split.kept_text(), Some("hé✓ok".as_bytes()));
        let mut binary = Capture::new(100, Overflow::Drop, TEXT_AND_TAIL);
        binary.push(b"ok\xff");
        assert_eq!(binary.kept_text(), None);
        let mut unfinished = Capture::new(100, Overflow::Drop, TEXT_AND_TAIL);
        unfinished.push(&[b'a', 0xe2, 0x9c]);
        assert_eq!(unfinished.kept_text(), None);
        let mut cut = Capture::new(3, Overflow::Drop, TEXT_AND_TAIL);
        cut.push("a✓".as_bytes());
        assert!(cut.truncated());
        assert_eq!(cut.kept_text(), Some(&b"a"[..]));
    }

    #[test]
    fn reads_from_a_pipe_past_the_cap() {
        for overflow in [Overflow::Drop, Overflow::Spill] {
            let (reader, mut writer) = std::io::pipe().unwrap();
            let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
            let sent = data.clone();
            let feeder = std::thread::spawn(move || writer.write_all(&sent).unwrap());
            let mut capture = Capture::new(100_000, overflow, TEXT_AND_TAIL);
            let mut scratch = vec![0; 4096];
            while capture.read_from(&reader, &mut scratch).unwrap() > 0 {}
            feeder.join().unwrap();
            assert_eq!(capture.total(), 300_000);
            assert_eq!(capture.kept(), &data[..100_000]);
            assert_eq!(capture.truncated(), overflow == Overflow::Drop);
            let mut out = Vec::new();
            capture.replay(&mut out).unwrap();
            let expected = if overflow == Overflow::Spill {
                &data[..]
            } else {
                &data[..100_000]
            };
            assert_eq!(out, expected);
        }
    }

    #[test]
    fn a_failing_spill_is_held_in_memory_up_to_the_limit() {
        let mut capture = Capture::new(4, Overflow::Spill, Reads::default());
        // /dev/full fails every write with ENOSPC, like a full TMPDIR.
        capture.spill = Some(
            File::options()
                .read(true)
                .write(true)
                .open("/dev/full")
                .unwrap(),
        );
        let data: Vec<u8> = (0..100u8).collect();
        capture.push(&data[..50]);
        assert!(capture.error().is_some());
        assert_eq!(capture.dropped(), 0);
        capture.push(&data[50..]);
        // 16 times the 4-byte cap is held in all; the rest is counted as dropped.
        assert_eq!(capture.dropped(), 100 - 4 * HELD_IN_MEMORY as u64);
        let mut out = Vec::new();
        capture.replay(&mut out).unwrap();
        assert_eq!(out, &data[..4 * HELD_IN_MEMORY]);
    }

    proptest! {
        #[test]
        fn spilled_replay_is_the_input(chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..100), 0..20), cap in 0usize..300) {
            let mut capture = Capture::new(cap, Overflow::Spill, Reads::default());
            for chunk in &chunks {
                capture.push(chunk);
            }
            let mut out = Vec::new();
            capture.replay(&mut out).unwrap();
            prop_assert_eq!(out, chunks.concat());
        }

        #[test]
        fn kept_text_agrees_with_from_utf8(chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..8), 0..8)) {
            let mut capture = Capture::new(1000, Overflow::Drop, TEXT_AND_TAIL);
            for chunk in &chunks {
                capture.push(chunk);
            }
            let all = chunks.concat();
            prop_assert_eq!(capture.kept_text(), std::str::from_utf8(&all).ok().map(str::as_bytes));
        }

        #[test]
        fn last_lines_never_panics(chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..9000), 0..4), n in 0usize..12) {
            let mut capture = Capture::new(10, Overflow::Drop, TEXT_AND_TAIL);
            for chunk in &chunks {
                capture.push(chunk);
            }
            prop_assert!(capture.last_lines(n).len() <= n);
        }
    }
}

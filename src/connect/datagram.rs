//! `connect --udp` as one reactor handler: stdin becomes datagrams, replies are printed as they
//! come.
//!
//! Each line of stdin, with its newline (what `nc -u` sends when lines are typed), is one
//! datagram; with `--datagram-stdin` all of stdin is one. Each reply is printed on a line of
//! its own (a newline is added unless it ends in one), as hex with `--hex`, after
//! `from ADDR: ` with `--show-peer`. The run ends `--wait` after stdin's end and the last send.
//!
//! Normally the socket is connected to the target: the kernel then passes on only the
//! target's replies, and a port nobody listens on comes back as "connection refused" (an ICMP
//! port unreachable). With `--broadcast` it is not connected (answers come from every host
//! that hears), and SO_BROADCAST lets it send to a broadcast address.
//!
//! `--time` over UDP sends one empty datagram (RFC 868 and 867: any datagram asks) and keeps
//! the first reply.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use mio::Interest;
use mio::event::{Event, Source};

use super::dial::plain;
use super::splice::Input;
use super::stdio::{Piece, StdinFeed, write_stdout};
use crate::duration::format_duration;
use crate::exit;
use crate::reactor::{Action, Context, Handler};

/// The largest UDP payload over IPv4 (65535 less the IP and UDP headers).
const MAX_DATAGRAM_V4: usize = 65_507;
/// The largest UDP payload over IPv6 (without jumbograms).
const MAX_DATAGRAM_V6: usize = 65_527;

/// At most this many datagrams wait to be sent before stdin is read further.
const QUEUE_LIMIT: usize = 64;

/// What the UDP client does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatagramJob {
    /// Lines (or all) of stdin out, replies to stdout.
    Relay { whole_stdin: bool },
    /// `--time`: one empty datagram out, the first reply kept.
    Ask,
}

/// How the UDP client runs.
#[derive(Debug, Clone)]
pub struct DatagramSettings {
    /// The target as typed, for messages.
    pub name: String,
    /// Where datagrams go.
    pub peer: SocketAddr,
    /// Unconnected, sending with `send_to` (`--broadcast`).
    pub broadcast: bool,
    pub job: DatagramJob,
    pub hex: bool,
    pub show_peer: bool,
    /// How long to listen after the last send.
    pub wait: Duration,
}

/// How a UDP run ended well.
#[derive(Debug)]
pub enum DatagramEnd {
    /// Stdin sent, the wait over (or stdout's reader gone).
    Relayed { sent: u64, replies: u64 },
    /// `--time`: the first reply and when it came.
    Answered { reply: Vec<u8>, at: Instant },
}

/// Where the handler leaves its result.
pub type DatagramOutcome = Rc<RefCell<Option<anyhow::Result<DatagramEnd>>>>;

/// The UDP client; see the module docs.
pub struct DatagramClient {
    socket: mio::net::UdpSocket,
    settings: DatagramSettings,
    outcome: DatagramOutcome,
    feed: Option<StdinFeed>,
    /// The line (or all of stdin) read so far and not yet sent.
    pending: Vec<u8>,
    /// The stdin line `pending` is, for messages.
    line_number: u64,
    queue: VecDeque<Vec<u8>>,
    stdin_done: bool,
    sent: u64,
    replies: u64,
    end_at: Option<Instant>,
    output: Vec<u8>,
}

impl DatagramClient {
    /// A client on the bound (and, unless broadcasting, connected) `socket`.
    pub fn new(
        socket: mio::net::UdpSocket,
        settings: DatagramSettings,
        outcome: DatagramOutcome,
    ) -> DatagramClient {
        DatagramClient {
            socket,
            settings,
            outcome,
            feed: None,
            pending: Vec::new(),
            line_number: 1,
            queue: VecDeque::new(),
            stdin_done: false,
            sent: 0,
            replies: 0,
            end_at: None,
            output: Vec::new(),
        }
    }

    fn fail(&self, what: impl std::fmt::Display) -> anyhow::Error {
        exit::failure(exit::FAILURE, format!("{}: {what}", self.settings.name))
    }

    fn finish(&mut self, result: anyhow::Result<DatagramEnd>) -> Action {
        *self.outcome.borrow_mut() = Some(result);
        Action::Close
    }

    fn relayed(&self) -> DatagramEnd {
        DatagramEnd::Relayed {
            sent: self.sent,
            replies: self.replies,
        }
    }

    fn max_datagram(&self) -> usize {
        if self.settings.peer.is_ipv4() {
            MAX_DATAGRAM_V4
        } else {
            MAX_DATAGRAM_V6
        }
    }

    /// Reads every datagram waiting; `Some` when the run is over.
    fn receive(&mut self, cx: &mut Context<'_>) -> anyhow::Result<Option<DatagramEnd>> {
        let buffer = cx.buffer();
        loop {
            let (n, from) = match self.socket.recv_from(buffer) {
                Ok(got) => got,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.send_error(&e)),
            };
            self.replies += 1;
            if self.settings.job == DatagramJob::Ask {
                return Ok(Some(DatagramEnd::Answered {
                    reply: buffer[..n].to_vec(),
                    at: Instant::now(),
                }));
            }
            self.format_reply(from, &buffer[..n]);
            match write_stdout(&self.output) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                    return Ok(Some(self.relayed()));
                }
                Err(e) => {
                    return Err(exit::failure(
                        exit::FAILURE,
                        format!("cannot write to stdout: {}", plain(&e)),
                    ));
                }
            }
        }
    }

    /// One reply as a line of output, in `self.output`.
    fn format_reply(&mut self, from: SocketAddr, data: &[u8]) {
        self.output.clear();
        if self.settings.show_peer {
            // Writing into a Vec cannot fail.
            let _ = write!(self.output, "from {from}: ");
        }
        if self.settings.hex {
            for byte in data {
                let _ = write!(self.output, "{byte:02x}");
            }
            self.output.push(b'\n');
        } else {
            self.output.extend_from_slice(data);
            if !data.ends_with(b"\n") {
                self.output.push(b'\n');
            }
        }
    }

    /// Takes what stdin has ready and cuts it into datagrams, until the queue is full.
    fn take_stdin(&mut self) -> anyhow::Result<()> {
        while !self.stdin_done && self.queue.len() < QUEUE_LIMIT {
            let Some(feed) = self.feed.as_mut() else {
                return Ok(());
            };
            match feed.ready_piece() {
                None => return Ok(()),
                Some(Piece::Data(bytes)) => {
                    self.cut(&bytes)?;
                    if let Some(feed) = &self.feed {
                        feed.recycle(bytes);
                    }
                }
                Some(Piece::End) => {
                    self.stdin_done = true;
                    let whole = self.settings.job == (DatagramJob::Relay { whole_stdin: true });
                    // A last line without a newline is still a line; all of stdin is one
                    // datagram even when empty.
                    if whole || !self.pending.is_empty() {
                        self.queue.push_back(std::mem::take(&mut self.pending));
                    }
                }
                Some(Piece::Failed(e)) => {
                    return Err(exit::failure(
                        exit::FAILURE,
                        format!("cannot read stdin: {}", plain(&e)),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Adds `bytes` to the pending line, queueing each line completed.
    fn cut(&mut self, mut bytes: &[u8]) -> anyhow::Result<()> {
        let whole = self.settings.job == (DatagramJob::Relay { whole_stdin: true });
        while !bytes.is_empty() {
            let (piece, line_ends) = match memchr::memchr(b'\n', bytes) {
                Some(at) if !whole => (&bytes[..=at], true),
                _ => (bytes, false),
            };
            if self.pending.len() + piece.len() > self.max_datagram() {
                let what = if whole {
                    "stdin".to_owned()
                } else {
                    format!("stdin line {}", self.line_number)
                };
                return Err(exit::failure(
                    exit::FAILURE,
                    format!(
                        "{what} is longer than the largest UDP datagram ({} bytes)",
                        self.max_datagram()
                    ),
                ));
            }
            self.pending.extend_from_slice(piece);
            bytes = &bytes[piece.len()..];
            if line_ends {
                self.queue.push_back(std::mem::take(&mut self.pending));
                self.line_number += 1;
            }
        }
        Ok(())
    }

    /// Sends what is queued until the socket would block.
    fn send_queued(&mut self, now: Instant) -> anyhow::Result<()> {
        while let Some(datagram) = self.queue.front() {
            let result = if self.settings.broadcast {
                self.socket.send_to(datagram, self.settings.peer)
            } else {
                self.socket.send(datagram)
            };
            match result {
                Ok(_) => {
                    self.queue.pop_front();
                    self.sent += 1;
                    if self.stdin_done || self.settings.job == DatagramJob::Ask {
                        self.end_at = Some(now + self.settings.wait);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.send_error(&e)),
            }
        }
        Ok(())
    }

    /// What a failed send or receive means, in words.
    fn send_error(&self, e: &io::Error) -> anyhow::Error {
        match e.raw_os_error() {
            Some(libc::ECONNREFUSED) => self.fail(
                "nothing is listening on that UDP port (the host answered \"port unreachable\")",
            ),
            Some(libc::EACCES) if !self.settings.broadcast => self
                .fail("sending refused (Permission denied); a broadcast address needs --broadcast"),
            Some(libc::EMSGSIZE) => self.fail(format_args!(
                "a datagram is too large to send: {}",
                plain(e)
            )),
            _ => self.fail(format_args!("cannot send or receive: {}", plain(e))),
        }
    }

    /// One round: replies in, stdin out; then whether the run is over.
    fn step(&mut self, cx: &mut Context<'_>) -> anyhow::Result<Option<DatagramEnd>> {
        loop {
            // Replies are read between batches: stdin that never pauses (`yes | ...`) must
            // not keep them waiting until the socket's buffer overflows, unprinted.
            if let Some(end) = self.receive(cx)? {
                return Ok(Some(end));
            }
            self.take_stdin()?;
            let before = self.queue.len();
            self.send_queued(cx.now())?;
            // Stop when the socket blocks or stdin has nothing more ready.
            if self.queue.len() == before || self.queue.len() >= QUEUE_LIMIT || self.stdin_done {
                break;
            }
        }
        if self.stdin_done && self.queue.is_empty() && self.end_at.is_none() {
            // Nothing was sent after stdin's end (it ended on a line already sent).
            self.end_at = Some(cx.now() + self.settings.wait);
        }
        Ok(None)
    }

    fn settle(
        &mut self,
        step: anyhow::Result<Option<DatagramEnd>>,
        cx: &mut Context<'_>,
    ) -> Action {
        match step {
            Ok(None) => {
                if let Some(at) = self.end_at {
                    cx.set_timer(at);
                }
                Action::Continue
            }
            Ok(Some(end)) => self.finish(Ok(end)),
            Err(e) => self.finish(Err(e)),
        }
    }
}

impl Handler for DatagramClient {
    fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
        Some((&mut self.socket, Interest::READABLE | Interest::WRITABLE))
    }

    fn started(&mut self, cx: &mut Context<'_>) -> Action {
        match self.settings.job {
            DatagramJob::Ask => {
                self.stdin_done = true;
                self.queue.push_back(Vec::new());
            }
            DatagramJob::Relay { whole_stdin } if super::splice::input() == Input::Null => {
                // Nothing will come: all of stdin is one empty datagram, or there are no lines.
                self.stdin_done = true;
                if whole_stdin {
                    self.queue.push_back(Vec::new());
                }
            }
            DatagramJob::Relay { .. } => match StdinFeed::start(cx.notifier()) {
                Ok(feed) => self.feed = Some(feed),
                Err(e) => {
                    return self.finish(Err(self.fail(format_args!("cannot read stdin: {e}"))));
                }
            },
        }
        let step = self.step(cx);
        self.settle(step, cx)
    }

    fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
        let step = self.step(cx);
        self.settle(step, cx)
    }

    fn notified(&mut self, cx: &mut Context<'_>) -> Action {
        let step = self.step(cx);
        self.settle(step, cx)
    }

    fn timeout(&mut self, cx: &mut Context<'_>) -> Action {
        if self.end_at.is_some_and(|at| cx.now() >= at) {
            if self.settings.job == DatagramJob::Ask {
                let wait = format_duration(self.settings.wait);
                return self.finish(Err(
                    self.fail(format_args!("no reply within {wait} (--wait)"))
                ));
            }
            return self.finish(Ok(self.relayed()));
        }
        let step = self.step(cx);
        self.settle(step, cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(whole_stdin: bool) -> DatagramClient {
        let socket = mio::net::UdpSocket::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let settings = DatagramSettings {
            name: "test".into(),
            peer: "127.0.0.1:9".parse().unwrap(),
            broadcast: false,
            job: DatagramJob::Relay { whole_stdin },
            hex: false,
            show_peer: false,
            wait: Duration::from_secs(1),
        };
        DatagramClient::new(socket, settings, Rc::default())
    }

    #[test]
    fn lines_keep_their_newline_across_reads() {
        let mut c = client(false);
        c.cut(b"one\ntw").unwrap();
        c.cut(b"o\n\nthree").unwrap();
        let queued: Vec<&[u8]> = c.queue.iter().map(Vec::as_slice).collect();
        assert_eq!(queued, [&b"one\n"[..], b"two\n", b"\n"]);
        assert_eq!(c.pending, b"three");
        assert_eq!(c.line_number, 4);
    }

    #[test]
    fn a_line_longer_than_a_datagram_is_refused_naming_it() {
        let mut c = client(false);
        c.cut(b"ok\n").unwrap();
        let err = c.cut(&vec![b'x'; MAX_DATAGRAM_V4 + 1]).unwrap_err();
        assert!(err.to_string().contains("stdin line 2"), "{err}");
        let mut whole = client(true);
        whole.cut(b"a\nb\n").unwrap();
        assert!(whole.queue.is_empty());
        assert_eq!(whole.pending, b"a\nb\n");
    }

    #[test]
    fn replies_print_one_per_line() {
        let mut c = client(false);
        let from = "127.0.0.1:7".parse().unwrap();
        c.format_reply(from, b"ping\n");
        assert_eq!(c.output, b"ping\n");
        c.format_reply(from, b"Sat Nov 21 22:44:21 2026\r\n");
        assert_eq!(c.output, b"Sat Nov 21 22:44:21 2026\r\n");
        c.format_reply(from, b"");
        assert_eq!(c.output, b"\n");
        c.settings.hex = true;
        c.settings.show_peer = true;
        c.format_reply(from, &[0, 0xff, b'\n']);
        assert_eq!(c.output, b"from 127.0.0.1:7: 00ff0a\n");
    }
}

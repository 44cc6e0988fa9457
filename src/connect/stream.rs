//! `connect` over a stream socket (TCP, Unix, either under TLS) as one reactor handler: the
//! servers' mirror.
//!
//! The handler drives, in order: the TLS handshake (the shared layer of `net::tls`, so over
//! the same loop with no extra thread), the HMAC challenge (32 bytes in, HMAC-SHA256 out,
//! with `net::auth`'s key), then its job:
//! - **relay**: stdin ([`StdinFeed`]) to the socket and the socket to stdout, both ways at
//!   once; at stdin's end our write side is shut down (unless `--no-shutdown`), and the run
//!   ends when the peer closes, when stdout's reader goes away, or after `--wait` of silence;
//! - **probe** (`--zero`): report that the connection (and handshakes) succeeded, and close;
//! - **collect** (`--time`): keep what the server sends until it closes.
//!
//! **Was the key accepted?** The recipe's protocol has no answer to the answer: a server that
//! refuses a key closes the connection at once, with nothing sent. So after answering, the
//! handler watches for that: the first byte from the server settles it (accepted); the
//! connection ending (end of stream, reset, broken pipe) before any byte, while our write side
//! is still open, is reported as `authentication refused`. For that to hold, our write side is
//! not shut down at stdin's end until the server has had time to refuse: a settling time of
//! four round trips of the challenge (at least 250 ms) after the answer, unless a byte has
//! arrived by then. Only a run that sends nothing more than the answer waits for it.

use std::cell::RefCell;
use std::io::{self, Read};
use std::os::fd::RawFd;
use std::rc::Rc;
use std::time::{Duration, Instant};

use mio::event::{Event, Source};
use mio::unix::SourceFd;
use mio::{Interest, Registry};

use super::dial::plain;
use super::splice::{self, SPLICE_LEN, StagingPipe};
use super::stdio::{Piece, StdinFeed, write_stdout};
use crate::duration::format_duration;
use crate::exit;
use crate::net::auth::{AuthKey, CHALLENGE_LEN};
use crate::net::stream::{StreamSocket, write_until_blocked};
use crate::reactor::{Action, Context, Handler};
use crate::tls::client::{ClientTrust, explain};

/// The least time the server is given to refuse an answer before our write side is shut down.
const MIN_SETTLE: Duration = Duration::from_millis(250);

/// How much of a reply `--time` keeps: any time format fits many times over.
pub const COLLECT_LIMIT: usize = 4096;

/// Whether a time server's reply holds a whole line of text: a newline after the first four
/// bytes (an RFC 868 reply is four bytes and may hold a 0x0A of its own; every text format is
/// longer).
fn holds_a_line_of_text(reply: &[u8]) -> bool {
    reply.iter().skip(4).any(|&b| b == b'\n')
}

/// What the connection is for, once established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// stdin to the socket, the socket to stdout; `shutdown_at_eof` sends our end of stream
    /// when stdin ends (nc's `-N`).
    Relay { shutdown_at_eof: bool },
    /// `--zero`: succeed once established, and close.
    Probe,
    /// `--time`: keep what the server sends until it closes or, when `line_ends_it`, until a
    /// whole line of text has come (a server that keeps the connection open has said all it
    /// will say by then).
    Collect { line_ends_it: bool },
}

/// How to explain a failed TLS handshake: the trust rules in use and the name checked.
#[derive(Clone)]
pub struct TlsCheck {
    pub trust: ClientTrust,
    /// The name the certificate must carry (SNI), as shown in messages.
    pub server: String,
}

/// Everything the handler needs besides its socket.
pub struct StreamSettings {
    /// The target as typed, for messages.
    pub name: String,
    pub job: Job,
    pub auth: Option<AuthKey>,
    pub tls: Option<TlsCheck>,
    /// Bounds the TLS handshake and the challenge (`--timeout`).
    pub timeout: Duration,
    /// Ends a relay silent for this long (`--wait`).
    pub wait: Option<Duration>,
    /// The socket's descriptor when no TLS is on top: a relay may then splice (see
    /// [`super::splice`]).
    pub plain_fd: Option<RawFd>,
}

/// How a run ended well.
#[derive(Debug)]
pub enum Ended {
    /// The relay is over (peer closed, stdout's reader gone, or idle).
    Relayed { sent: u64, received: u64 },
    /// `--zero`: established (and, with a key, not refused).
    Established,
    /// `--time`: everything the server sent, and when its first byte came.
    Collected { reply: Vec<u8>, first_byte: Instant },
}

/// Where the handler leaves its result for the caller of the loop.
pub type Outcome = Rc<RefCell<Option<anyhow::Result<Ended>>>>;

/// What is known about the server's verdict on our HMAC answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// No key, or the answer is not sent yet.
    None,
    /// Answered at this time; a refusal would show before `until`.
    Pending { until: Instant },
    /// A byte came after the answer, or our write side was shut down after the settling time.
    Settled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Tls,
    Challenge,
    Open,
}

/// Where a relay's outgoing bytes come from.
enum Upstream {
    /// Nothing to send (not a relay).
    Nothing,
    /// Chunks read by the `stdio` thread.
    Thread(StdinFeed),
    /// stdin is a pipe, spliced to the socket (stdin is registered with the loop too).
    Pipe,
    /// stdin is a regular file, sent with sendfile(2).
    File,
}

/// Where the server's bytes go in a relay.
enum Downstream {
    /// Read into the loop's buffer and written to stdout (also `--zero` and `--time`).
    Copy,
    /// Spliced into stdout, a pipe.
    Pipe,
    /// Spliced through a pipe of our own into stdout, a file or `/dev/null`.
    Staged(StagingPipe),
}

/// Bytes being written to the socket: the answer, or a chunk of stdin (given back to the
/// reader thread once sent).
struct Outgoing {
    bytes: Vec<u8>,
    at: usize,
    from_stdin: bool,
}

/// The stream client; see the module docs.
pub struct StreamClient {
    stream: Box<dyn StreamSocket>,
    settings: StreamSettings,
    outcome: Outcome,
    phase: Phase,
    challenge: [u8; CHALLENGE_LEN],
    challenge_len: usize,
    verdict: Verdict,
    upstream: Upstream,
    downstream: Downstream,
    /// stdin is registered with the loop (a spliced pipe).
    stdin_registered: bool,
    up: Option<Outgoing>,
    stdin_done: bool,
    write_shut: bool,
    collected: Vec<u8>,
    first_byte: Option<Instant>,
    transport_ready: Instant,
    setup_deadline: Option<Instant>,
    last_activity: Instant,
    armed: Option<Instant>,
    sent: u64,
    received: u64,
    /// The last event said the peer closed (or an error): a short read does not mean the
    /// socket is empty then, as the end of stream still waits behind the data.
    peer_hung_up: bool,
}

/// What one step of I/O leads to.
enum Flow {
    Continue,
    End(Ended),
}

impl StreamClient {
    /// A client over the connected, non-blocking `stream`; its result goes to `outcome`.
    pub fn new(
        stream: Box<dyn StreamSocket>,
        settings: StreamSettings,
        outcome: Outcome,
    ) -> StreamClient {
        let now = Instant::now();
        StreamClient {
            stream,
            settings,
            outcome,
            phase: Phase::Tls,
            challenge: [0; CHALLENGE_LEN],
            challenge_len: 0,
            verdict: Verdict::None,
            upstream: Upstream::Nothing,
            downstream: Downstream::Copy,
            stdin_registered: false,
            up: None,
            stdin_done: false,
            write_shut: false,
            collected: Vec::new(),
            first_byte: None,
            transport_ready: now,
            setup_deadline: None,
            last_activity: now,
            armed: None,
            sent: 0,
            received: 0,
            peer_hung_up: false,
        }
    }

    fn fail(&self, what: impl std::fmt::Display) -> anyhow::Error {
        exit::failure(exit::FAILURE, format!("{}: {what}", self.settings.name))
    }

    /// Records the result and leaves the loop.
    fn finish(&mut self, result: anyhow::Result<Ended>) -> Action {
        if let Ok(Ended::Relayed { sent, received }) = &result {
            tracing::info!(
                peer = %self.settings.name,
                bytes_out = sent,
                bytes_in = received,
                "connection closed"
            );
        }
        *self.outcome.borrow_mut() = Some(result);
        Action::Close
    }

    /// Applies the result of a step: go on waiting, or finish.
    fn settle(&mut self, step: anyhow::Result<Flow>, cx: &mut Context<'_>) -> Action {
        match step {
            Ok(Flow::Continue) => {
                self.arm_timer(cx);
                Action::Continue
            }
            Ok(Flow::End(ended)) => self.finish(Ok(ended)),
            Err(e) => self.finish(Err(e)),
        }
    }

    // --- setting up -------------------------------------------------------------------------

    fn continue_tls(&mut self, cx: &mut Context<'_>) -> anyhow::Result<Flow> {
        match self.stream.handshake() {
            Ok(false) => Ok(Flow::Continue),
            Ok(true) => {
                if let Some(summary) = self.stream.tls_summary() {
                    tracing::info!(peer = %self.settings.name, "TLS established: {summary}");
                }
                self.transport_ready(cx)
            }
            Err(e) => Err(self.tls_failure(&e)),
        }
    }

    /// A failed handshake in the words sendmail uses: what went wrong and what to do.
    fn tls_failure(&self, e: &io::Error) -> anyhow::Error {
        let rustls_error = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>());
        let why = match (rustls_error, &self.settings.tls) {
            (Some(tls), Some(check)) => explain(tls, &check.server, &check.trust),
            (Some(tls), None) => tls.to_string(),
            (None, _) if e.kind() == io::ErrorKind::UnexpectedEof => {
                "the server closed the connection during the TLS handshake (is this a TLS port?)"
                    .to_owned()
            }
            (None, _) => plain(e),
        };
        exit::failure(
            exit::FAILURE,
            format!("TLS: handshake with {} failed: {why}", self.settings.name),
        )
    }

    /// The transport is ready: wait for the challenge, or start the job.
    fn transport_ready(&mut self, cx: &mut Context<'_>) -> anyhow::Result<Flow> {
        self.transport_ready = cx.now();
        if self.settings.auth.is_some() {
            self.phase = Phase::Challenge;
            return self.read_challenge(cx);
        }
        self.open(cx)
    }

    /// Reads the 32-byte challenge (no more: what follows is the session's); once complete,
    /// queues the answer and opens the session.
    fn read_challenge(&mut self, cx: &mut Context<'_>) -> anyhow::Result<Flow> {
        while self.challenge_len < CHALLENGE_LEN {
            match self.stream.read(&mut self.challenge[self.challenge_len..]) {
                Ok(0) => {
                    return Err(self.fail(
                        "the server closed the connection before sending an authentication \
                         challenge (is it a serve-echo with --auth-key-file or --auth-key-env?)",
                    ));
                }
                Ok(n) => self.challenge_len += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Flow::Continue),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(self.fail(format_args!(
                        "connection lost before the authentication challenge: {}",
                        plain(&e)
                    )));
                }
            }
        }
        let Some(key) = &self.settings.auth else {
            return self.open(cx);
        };
        let now = cx.now();
        let round_trip = now.saturating_duration_since(self.transport_ready);
        self.up = Some(Outgoing {
            bytes: key.answer(&self.challenge).to_vec(),
            at: 0,
            from_stdin: false,
        });
        self.verdict = Verdict::Pending {
            until: now + MIN_SETTLE.max(round_trip.saturating_mul(4)),
        };
        tracing::debug!(peer = %self.settings.name, "answered the authentication challenge");
        self.open(cx)
    }

    /// Starts the job.
    fn open(&mut self, cx: &mut Context<'_>) -> anyhow::Result<Flow> {
        self.phase = Phase::Open;
        self.setup_deadline = None;
        self.last_activity = cx.now();
        match self.settings.job {
            Job::Relay { .. } => self.choose_paths(cx)?,
            Job::Probe if self.verdict == Verdict::None => {
                self.write_out(cx)?;
                return Ok(Flow::End(Ended::Established));
            }
            Job::Probe | Job::Collect { .. } => {}
        }
        self.exchange(cx)
    }

    /// Picks how stdin and stdout are moved: spliced when the socket is plain and they are
    /// pipes or files, else copied (stdin by its thread).
    fn choose_paths(&mut self, cx: &mut Context<'_>) -> anyhow::Result<()> {
        super::stdio::enlarge_pipes();
        let input = splice::input();
        if input == splice::Input::Null {
            // Nothing will ever come: no thread, no registration.
            self.stdin_done = true;
        }
        if self.settings.plain_fd.is_some() {
            self.downstream = match splice::output() {
                splice::Output::Pipe => Downstream::Pipe,
                splice::Output::Sink => match StagingPipe::new() {
                    Ok(staging) => Downstream::Staged(staging),
                    Err(_) => Downstream::Copy,
                },
                splice::Output::Other => Downstream::Copy,
            };
            match input {
                splice::Input::Pipe if self.register_stdin(cx.registry(), cx.token()) => {
                    self.upstream = Upstream::Pipe;
                }
                splice::Input::File => self.upstream = Upstream::File,
                _ => {}
            }
        }
        if matches!(self.upstream, Upstream::Nothing) && !self.stdin_done {
            self.start_stdin_thread(cx)?;
        }
        tracing::debug!(
            peer = %self.settings.name,
            "relay: stdin {}, stdout {}",
            match self.upstream {
                Upstream::Pipe => "spliced",
                Upstream::File => "sent with sendfile",
                Upstream::Thread(_) => "read by a thread",
                Upstream::Nothing => "empty",
            },
            match self.downstream {
                Downstream::Copy => "written",
                _ => "spliced",
            }
        );
        Ok(())
    }

    fn start_stdin_thread(&mut self, cx: &mut Context<'_>) -> anyhow::Result<()> {
        self.unregister_stdin(cx.registry());
        let feed = StdinFeed::start(cx.notifier())
            .map_err(|e| self.fail(format_args!("cannot read stdin: {e}")))?;
        self.upstream = Upstream::Thread(feed);
        Ok(())
    }

    /// Registers stdin (a pipe) with the loop under this handler's token; false if refused.
    fn register_stdin(&mut self, registry: &Registry, token: mio::Token) -> bool {
        let fd = libc::STDIN_FILENO;
        self.stdin_registered = registry
            .register(&mut SourceFd(&fd), token, Interest::READABLE)
            .is_ok();
        self.stdin_registered
    }

    fn unregister_stdin(&mut self, registry: &Registry) {
        if std::mem::take(&mut self.stdin_registered) {
            let _ = registry.deregister(&mut SourceFd(&libc::STDIN_FILENO));
        }
    }

    // --- the open connection ----------------------------------------------------------------

    /// Moves what can be moved both ways, then sees whether the run is over.
    fn exchange(&mut self, cx: &mut Context<'_>) -> anyhow::Result<Flow> {
        if let Flow::End(ended) = self.read_in(cx)? {
            return Ok(Flow::End(ended));
        }
        self.write_out(cx)?;
        self.shut_down_if_done(cx.now())?;
        Ok(Flow::Continue)
    }

    /// Takes everything the socket has, passing it on.
    fn read_in(&mut self, cx: &mut Context<'_>) -> anyhow::Result<Flow> {
        match (&self.downstream, self.settings.plain_fd) {
            (Downstream::Copy, _) | (_, None) => self.read_and_copy(cx),
            (_, Some(fd)) => self.splice_in(fd, cx),
        }
    }

    /// Splices until the socket is empty; falls back to copying if the kernel refuses.
    fn splice_in(&mut self, socket: RawFd, cx: &mut Context<'_>) -> anyhow::Result<Flow> {
        let out = libc::STDOUT_FILENO;
        loop {
            let moved = match &self.downstream {
                Downstream::Staged(staging) => staging.pass(socket, out),
                _ => splice::splice(socket, out, SPLICE_LEN, 0),
            };
            match moved {
                Ok(0) => return self.peer_closed(),
                Ok(n) => self.count_in(n, cx.now()),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Flow::Continue),
                // The reader of our output has what it wanted (`| head`): a quiet end.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                    return Ok(Flow::End(self.relayed()));
                }
                Err(e) if is_unsupported(&e) => {
                    tracing::debug!("splice refused ({e}): copying the server's bytes instead");
                    self.downstream = Downstream::Copy;
                    return self.read_and_copy(cx);
                }
                Err(e) if is_connection_error(&e) => return Err(self.connection_lost(&e)),
                Err(e) => {
                    return Err(exit::failure(
                        exit::FAILURE,
                        format!("cannot write to stdout: {}", plain(&e)),
                    ));
                }
            }
        }
    }

    /// Counts bytes received: activity, and a verdict on our answer.
    fn count_in(&mut self, n: usize, now: Instant) {
        self.received += n as u64;
        self.last_activity = now;
        self.first_byte.get_or_insert(now);
        if matches!(self.verdict, Verdict::Pending { .. }) {
            self.verdict = Verdict::Settled;
        }
    }

    /// Reads until the socket is empty, passing the bytes on.
    fn read_and_copy(&mut self, cx: &mut Context<'_>) -> anyhow::Result<Flow> {
        let now = cx.now();
        let buffer = cx.buffer();
        let len = buffer.len();
        loop {
            let n = match self.stream.read(buffer) {
                Ok(0) => return self.peer_closed(),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Flow::Continue),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.connection_lost(&e)),
            };
            self.count_in(n, now);
            if let Flow::End(ended) = self.deliver(&buffer[..n])? {
                return Ok(Flow::End(ended));
            }
            if !self.peer_hung_up && self.stream.drained_by(n, len) {
                return Ok(Flow::Continue);
            }
        }
    }

    /// Passes bytes from the server on, as the job says.
    fn deliver(&mut self, bytes: &[u8]) -> anyhow::Result<Flow> {
        match self.settings.job {
            Job::Relay { .. } => match write_stdout(bytes) {
                Ok(()) => Ok(Flow::Continue),
                // The reader of our output has what it wanted (`| head`): a quiet end.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Flow::End(self.relayed())),
                Err(e) => Err(exit::failure(
                    exit::FAILURE,
                    format!("cannot write to stdout: {}", plain(&e)),
                )),
            },
            Job::Collect { .. } if self.collected.len() + bytes.len() > COLLECT_LIMIT => Err(self
                .fail(format_args!(
                    "the reply is longer than {COLLECT_LIMIT} bytes; is this a time server?"
                ))),
            Job::Collect { line_ends_it } => {
                self.collected.extend_from_slice(bytes);
                if line_ends_it && holds_a_line_of_text(&self.collected) {
                    return self.peer_closed();
                }
                Ok(Flow::Continue)
            }
            // A byte after the answer: the key was accepted.
            Job::Probe => Ok(Flow::End(Ended::Established)),
        }
    }

    fn relayed(&self) -> Ended {
        Ended::Relayed {
            sent: self.sent,
            received: self.received,
        }
    }

    /// The server ended its side of the stream.
    fn peer_closed(&mut self) -> anyhow::Result<Flow> {
        if self.refusal_possible() {
            return Err(self.refused());
        }
        Ok(Flow::End(match self.settings.job {
            Job::Relay { .. } => self.relayed(),
            Job::Probe => Ended::Established,
            Job::Collect { .. } => Ended::Collected {
                reply: std::mem::take(&mut self.collected),
                first_byte: self.first_byte.unwrap_or_else(Instant::now),
            },
        }))
    }

    /// Whether the connection ending now means the server refused our answer.
    fn refusal_possible(&self) -> bool {
        matches!(self.verdict, Verdict::Pending { .. }) && !self.write_shut
    }

    fn refused(&self) -> anyhow::Error {
        self.fail(
            "authentication refused: the server closed the connection after our answer to its \
             challenge (is the key the server's?)",
        )
    }

    /// A reset, a broken pipe or a TLS error on the open connection.
    fn connection_lost(&self, e: &io::Error) -> anyhow::Error {
        let gone = matches!(
            e.kind(),
            io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
        );
        if gone && self.refusal_possible() {
            return self.refused();
        }
        let tls = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>());
        match tls {
            // In TLS 1.3 the server checks our certificate after our side of the handshake
            // is done: its refusal arrives as the first record, and means the same.
            Some(_) => self.tls_failure(e),
            None => self.fail(format_args!("connection lost: {}", plain(e))),
        }
    }

    /// Writes what is queued (the answer, a chunk of stdin), then what stdin has next, until
    /// the socket blocks or stdin has nothing ready.
    fn write_out(&mut self, cx: &mut Context<'_>) -> anyhow::Result<()> {
        while self.send_queued()? && !self.stdin_done {
            let more = match &mut self.upstream {
                Upstream::Nothing => false,
                Upstream::Thread(feed) => match feed.ready_piece() {
                    None => false,
                    Some(Piece::Data(bytes)) => {
                        self.up = Some(Outgoing {
                            bytes,
                            at: 0,
                            from_stdin: true,
                        });
                        true
                    }
                    Some(Piece::End) => {
                        self.stdin_done = true;
                        false
                    }
                    Some(Piece::Failed(e)) => {
                        return Err(exit::failure(
                            exit::FAILURE,
                            format!("cannot read stdin: {}", plain(&e)),
                        ));
                    }
                },
                Upstream::Pipe | Upstream::File => self.splice_out(cx)?,
            };
            if !more {
                break;
            }
        }
        if self.stream.has_pending_output() {
            self.stream
                .flush_pending()
                .map_err(|e| self.connection_lost(&e))?;
        }
        Ok(())
    }

    /// Writes what is queued; true once it is all sent.
    fn send_queued(&mut self) -> anyhow::Result<bool> {
        let Some(out) = &mut self.up else {
            return Ok(true);
        };
        let (n, result) = write_until_blocked(&mut self.stream, &out.bytes[out.at..]);
        out.at += n;
        if out.from_stdin {
            self.sent += n as u64;
        }
        if n > 0 {
            self.last_activity = Instant::now();
        }
        if let Err(e) = result {
            return Err(self.connection_lost(&e));
        }
        if out.at < out.bytes.len() {
            return Ok(false);
        }
        if let (Some(done), Upstream::Thread(feed)) = (self.up.take(), &self.upstream)
            && done.from_stdin
        {
            feed.recycle(done.bytes);
        }
        Ok(true)
    }

    /// Moves stdin to the socket in the kernel until one of them blocks; true if it moved
    /// something (and may move more). Falls back to the thread if the kernel refuses.
    fn splice_out(&mut self, cx: &mut Context<'_>) -> anyhow::Result<bool> {
        let Some(socket) = self.settings.plain_fd else {
            return Ok(false);
        };
        let stdin = libc::STDIN_FILENO;
        let moved = match self.upstream {
            Upstream::File => splice::sendfile(stdin, socket, SPLICE_LEN),
            _ => splice::splice(stdin, socket, SPLICE_LEN, libc::SPLICE_F_NONBLOCK),
        };
        match moved {
            Ok(0) => {
                self.stdin_done = true;
                self.unregister_stdin(cx.registry());
                Ok(false)
            }
            Ok(n) => {
                self.sent += n as u64;
                self.last_activity = cx.now();
                Ok(true)
            }
            // The pipe is empty or the socket full: either one's next event brings us back.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(false),
            Err(e) if is_unsupported(&e) => {
                tracing::debug!("splice refused ({e}): reading stdin with a thread instead");
                self.start_stdin_thread(cx)?;
                Ok(true)
            }
            Err(e) if is_connection_error(&e) => Err(self.connection_lost(&e)),
            Err(e) => Err(exit::failure(
                exit::FAILURE,
                format!("cannot read stdin: {}", plain(&e)),
            )),
        }
    }

    /// At stdin's end, once everything is sent: our end of stream, unless `--no-shutdown` or
    /// the server may still refuse our answer.
    fn shut_down_if_done(&mut self, now: Instant) -> anyhow::Result<()> {
        let Job::Relay {
            shutdown_at_eof: true,
        } = self.settings.job
        else {
            return Ok(());
        };
        if self.write_shut || !self.stdin_done || self.up.is_some() {
            return Ok(());
        }
        if let Verdict::Pending { until } = self.verdict {
            if now < until {
                return Ok(());
            }
            self.verdict = Verdict::Settled;
        }
        self.write_shut = true;
        tracing::debug!(peer = %self.settings.name, "stdin ended: shutting down our write side");
        match self.stream.shutdown_write() {
            Ok(()) => Ok(()),
            // The peer is gone already; reading will say how.
            Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => Ok(()),
            Err(e) => Err(self.connection_lost(&e)),
        }
    }

    // --- timers -----------------------------------------------------------------------------

    fn idle_deadline(&self) -> Option<Instant> {
        let wait = self.settings.wait?;
        (self.phase == Phase::Open).then(|| self.last_activity + wait)
    }

    /// When the server's chance to refuse our answer is over, if something waits for that:
    /// a probe's success, or a relay's end of stream.
    fn settle_deadline(&self) -> Option<Instant> {
        let Verdict::Pending { until } = self.verdict else {
            return None;
        };
        let waits = match self.settings.job {
            Job::Probe => true,
            Job::Relay { shutdown_at_eof } => {
                shutdown_at_eof && self.stdin_done && self.up.is_none() && !self.write_shut
            }
            Job::Collect { .. } => false,
        };
        waits.then_some(until)
    }

    /// Keeps the reactor's timer at or before the next deadline (the idle one moves with
    /// every byte, so a timer that fires early is simply set again).
    fn arm_timer(&mut self, cx: &mut Context<'_>) {
        let next = [
            self.setup_deadline,
            self.settle_deadline(),
            self.idle_deadline(),
        ]
        .into_iter()
        .flatten()
        .min();
        if let Some(next) = next
            && self.armed.is_none_or(|armed| next < armed)
        {
            cx.set_timer(next);
            self.armed = Some(next);
        }
    }

    fn on_timer(&mut self, cx: &mut Context<'_>) -> anyhow::Result<Flow> {
        let now = cx.now();
        if self.setup_deadline.is_some_and(|at| now >= at) {
            let what = match self.phase {
                Phase::Tls => "TLS handshake not complete",
                _ => "no authentication challenge",
            };
            return Err(self.fail(format_args!(
                "{what} within {} (--timeout)",
                format_duration(self.settings.timeout)
            )));
        }
        if self.settle_deadline().is_some_and(|at| now >= at) {
            if self.settings.job == Job::Probe {
                // The server had its chance to refuse and kept the connection: accepted.
                return Ok(Flow::End(Ended::Established));
            }
            self.shut_down_if_done(now)?;
        }
        if let (Some(at), Some(wait)) = (self.idle_deadline(), self.settings.wait)
            && now >= at
        {
            if matches!(self.settings.job, Job::Collect { .. }) {
                // A time server closes after its reply; one that goes quiet has said it all.
                if self.collected.is_empty() {
                    return Err(
                        self.fail(format_args!("no reply within {}", format_duration(wait)))
                    );
                }
                return self.peer_closed();
            }
            tracing::info!(
                peer = %self.settings.name,
                "nothing sent or received for {}: closing (--wait)",
                format_duration(wait)
            );
            return Ok(Flow::End(self.relayed()));
        }
        Ok(Flow::Continue)
    }

    /// Whatever the phase, takes the next step after an event.
    fn step(&mut self, cx: &mut Context<'_>) -> anyhow::Result<Flow> {
        match self.phase {
            Phase::Tls => self.continue_tls(cx),
            Phase::Challenge => self.read_challenge(cx),
            Phase::Open => self.exchange(cx),
        }
    }
}

impl Handler for StreamClient {
    fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
        // Edge-triggered: WRITABLE only fires when a full socket buffer drains, so it can stay.
        Some((&mut self.stream, Interest::READABLE | Interest::WRITABLE))
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        self.unregister_stdin(registry);
        registry.deregister(&mut self.stream)
    }

    fn started(&mut self, cx: &mut Context<'_>) -> Action {
        self.setup_deadline = Some(cx.now() + self.settings.timeout);
        let step = if self.stream.is_handshaking() {
            self.phase = Phase::Tls;
            self.continue_tls(cx)
        } else {
            self.transport_ready(cx)
        };
        self.settle(step, cx)
    }

    fn ready(&mut self, event: &Event, cx: &mut Context<'_>) -> Action {
        self.peer_hung_up = event.is_read_closed() || event.is_error();
        let step = self.step(cx);
        self.settle(step, cx)
    }

    fn notified(&mut self, cx: &mut Context<'_>) -> Action {
        // stdin has a chunk (or its end) for us: only the sending side has work.
        let step = self
            .write_out(cx)
            .and_then(|()| self.shut_down_if_done(cx.now()))
            .map(|()| Flow::Continue);
        self.settle(step, cx)
    }

    fn timeout(&mut self, cx: &mut Context<'_>) -> Action {
        self.armed = None;
        let step = match self.on_timer(cx) {
            Ok(Flow::Continue) if self.phase == Phase::Open => self.exchange(cx),
            other => other,
        };
        self.settle(step, cx)
    }
}

/// The kernel cannot splice between these descriptors.
fn is_unsupported(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP | libc::EBADF)
    )
}

/// The error is the connection's, not stdin's or stdout's.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(
            libc::ECONNRESET
                | libc::ECONNABORTED
                | libc::ETIMEDOUT
                | libc::ENOTCONN
                | libc::EHOSTUNREACH
                | libc::ENETUNREACH
                | libc::EPIPE
        )
    )
}

#[cfg(test)]
mod tests {
    use super::holds_a_line_of_text;

    #[test]
    fn a_text_reply_ends_at_its_newline_and_a_binary_one_never_does() {
        assert!(holds_a_line_of_text(b"Fri Nov 27 22:44:21 2026\r\n"));
        assert!(holds_a_line_of_text(b"1764283461\n"));
        assert!(!holds_a_line_of_text(b"Fri Nov 27 22:44"));
        // RFC 868 counters holding 0x0A: four bytes are never a line.
        assert!(!holds_a_line_of_text(&[0x0a, 0xec, 0x0a, 0x0a]));
        assert!(!holds_a_line_of_text(b"\n\n\n\n"));
        assert!(!holds_a_line_of_text(b""));
    }
}

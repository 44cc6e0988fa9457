//! A buffered stream connection (TCP or Unix) as a reactor handler: read into the loop's shared
//! buffer, hand the bytes to a [`Session`] (echo, time, auth), write what it answers straight
//! to the socket, and queue only what the socket will not take yet.
//!
//! WRITABLE interest is on only while output is queued. Above the high-water mark the
//! connection stops reading until the queue drains below half of it, so a client that sends
//! forever and never reads costs bounded memory. A peer that shuts down its write side gets
//! everything it is owed, then our write side is shut down and the connection closes.
//! A per-connection error (ECONNRESET, EPIPE) closes that connection only.

use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use mio::event::{Event, Source};
use mio::{Interest, Registry, Token};

use super::server::{Shared, Stats};
use crate::reactor::{Action, Context, Handler};

/// How long a connection that is done sending waits for the peer's end of stream before it
/// closes anyway. Closing with unread input makes the kernel send RST, which can destroy the
/// reply still in flight, so a finished connection reads and discards until the peer closes.
const LINGER: Duration = Duration::from_secs(2);

/// A queue is shrunk back to nothing when it empties and has grown beyond this, so idle
/// connections hold no buffer.
const KEEP_CAPACITY: usize = 16 * 1024;

/// A connected stream socket mio can poll.
pub trait StreamSocket: Read + Write + Source + 'static {
    /// Shuts down our write side (sends FIN).
    fn shutdown_write(&self) -> io::Result<()>;
}

impl StreamSocket for mio::net::TcpStream {
    fn shutdown_write(&self) -> io::Result<()> {
        self.shutdown(Shutdown::Write)
    }
}

impl StreamSocket for mio::net::UnixStream {
    fn shutdown_write(&self) -> io::Result<()> {
        self.shutdown(Shutdown::Write)
    }
}

/// What a session wants after handling an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Keep reading and answering.
    Continue,
    /// Stop reading; send everything queued, shut down our write side, then close.
    Finish,
    /// Close now, dropping anything queued (a failed handshake).
    Close,
}

/// The protocol spoken on one stream connection (echo, time, an auth handshake). Sessions
/// write through an [`Output`]; they never touch the socket themselves.
pub trait Session: 'static {
    /// The connection was just accepted: send a greeting or a challenge, set a deadline.
    fn start(&mut self, _out: &mut Output<'_>) -> Step {
        Step::Continue
    }

    /// Bytes arrived from the peer.
    fn received(&mut self, data: &[u8], out: &mut Output<'_>) -> Step;

    /// The peer shut down its write side. By default: finish sending, then close.
    fn peer_closed(&mut self, _out: &mut Output<'_>) -> Step {
        Step::Finish
    }

    /// The deadline set with [`Output::set_deadline`] passed. By default: close.
    fn deadline(&mut self, _out: &mut Output<'_>) -> Step {
        Step::Close
    }
}

/// A session's way to send bytes and set its deadline.
pub struct Output<'a> {
    stream: &'a mut dyn Write,
    queue: &'a mut OutQueue,
    deadline: &'a mut Option<Instant>,
    written: &'a mut u64,
    error: &'a mut Option<io::Error>,
    now: Instant,
    peer: &'a str,
    stats: &'a Stats,
}

impl Output<'_> {
    /// Sends `bytes`: straight to the socket when nothing is queued, otherwise (or for what
    /// the socket does not take) into the connection's queue, in order.
    pub fn send(&mut self, mut bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        if self.queue.is_empty() {
            let (n, result) = write_until_blocked(self.stream, bytes);
            *self.written += n as u64;
            if let Err(e) = result {
                *self.error = Some(e);
                return;
            }
            bytes = &bytes[n..];
        }
        self.queue.push(bytes);
    }

    /// Bytes queued and not yet sent.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Sets (or with `None` clears) the session's deadline; [`Session::deadline`] is called
    /// when it passes.
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        *self.deadline = deadline;
    }

    /// The time the loop woke up for this event.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The peer's address, for log lines.
    pub fn peer(&self) -> &str {
        self.peer
    }

    /// The loop's counters (e.g. to count a failed handshake).
    pub fn stats(&self) -> &Stats {
        self.stats
    }
}

/// Output not yet taken by the socket: a byte vector consumed from the front.
#[derive(Default)]
struct OutQueue {
    bytes: Vec<u8>,
    start: usize,
}

impl OutQueue {
    fn len(&self) -> usize {
        self.bytes.len() - self.start
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn push(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if self.start > 0 && self.start >= self.bytes.len() / 2 {
            self.bytes.drain(..self.start);
            self.start = 0;
        }
        self.bytes.extend_from_slice(bytes);
    }

    /// Writes as much as the socket takes; returns the bytes written.
    fn flush(&mut self, stream: &mut dyn Write) -> io::Result<u64> {
        let (written, result) = write_until_blocked(stream, &self.bytes[self.start..]);
        self.start += written;
        result?;
        if self.is_empty() {
            self.start = 0;
            self.bytes.clear();
            if self.bytes.capacity() > KEEP_CAPACITY {
                self.bytes = Vec::new();
            }
        }
        Ok(written as u64)
    }
}

/// Writes `bytes` until they are all taken, the socket would block or takes nothing more, or
/// an error. Returns how many bytes were written (before the error too) and the error.
#[inline]
fn write_until_blocked(stream: &mut dyn Write, bytes: &[u8]) -> (usize, io::Result<()>) {
    let mut written = 0;
    while written < bytes.len() {
        match stream.write(&bytes[written..]) {
            Ok(0) => break,
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => return (written, Err(e)),
        }
    }
    (written, Ok(()))
}

/// What reading and discarding found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Discarded {
    /// End of stream (or an error): nothing more will come.
    PeerClosed,
    /// Nothing was waiting.
    Nothing,
    /// Some input was thrown away; the peer is still sending.
    Some,
}

/// Where a connection is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Reading and answering.
    Open,
    /// Sending what is queued; then our write side is shut down.
    Finishing,
    /// Our write side is shut down; reading and discarding until the peer closes.
    Lingering,
}

/// One accepted stream connection driving a [`Session`].
pub struct Connection<S: StreamSocket, P: Session> {
    stream: S,
    session: P,
    peer: String,
    id: u64,
    shared: Arc<Shared>,
    queue: OutQueue,
    phase: Phase,
    paused: bool,
    peer_done: bool,
    writable_interest: bool,
    bytes_in: u64,
    bytes_out: u64,
    last_activity: Instant,
    deadline: Option<Instant>,
    linger_until: Option<Instant>,
    armed: Option<Instant>,
    error: Option<io::Error>,
}

impl<S: StreamSocket, P: Session> Connection<S, P> {
    /// A connection for an accepted `stream` from `peer`. `shared` holds the limits and
    /// counters; the connection counts itself as open until it is dropped.
    pub fn new(stream: S, session: P, peer: String, id: u64, shared: Arc<Shared>) -> Self {
        shared.open.fetch_add(1, Ordering::Relaxed);
        Connection {
            stream,
            session,
            peer,
            id,
            shared,
            queue: OutQueue::default(),
            phase: Phase::Open,
            paused: false,
            peer_done: false,
            writable_interest: false,
            bytes_in: 0,
            bytes_out: 0,
            last_activity: Instant::now(),
            deadline: None,
            linger_until: None,
            armed: None,
            error: None,
        }
    }

    /// Runs one session callback with an [`Output`] over this connection, then applies the
    /// step it returns.
    fn with_session(
        &mut self,
        now: Instant,
        f: impl FnOnce(&mut P, &mut Output<'_>) -> Step,
    ) -> Step {
        let before = self.bytes_out;
        let mut out = Output {
            stream: &mut self.stream,
            queue: &mut self.queue,
            deadline: &mut self.deadline,
            written: &mut self.bytes_out,
            error: &mut self.error,
            now,
            peer: &self.peer,
            stats: &self.shared.stats,
        };
        let step = f(&mut self.session, &mut out);
        self.count_out(self.bytes_out - before, now);
        step
    }

    fn count_out(&mut self, n: u64, now: Instant) {
        if n > 0 {
            self.shared.stats.bytes_out.fetch_add(n, Ordering::Relaxed);
            self.last_activity = now;
        }
    }

    /// Reads until the socket is empty, the queue is over the high-water mark, or the session
    /// stops. Returns the step to apply.
    fn read_available(&mut self, cx: &mut Context<'_>, short_read_drains: bool) -> Step {
        let now = cx.now();
        let high_water = self.shared.max_buffer;
        loop {
            if self.queue.len() >= high_water {
                self.paused = true;
                return Step::Continue;
            }
            let buffer = cx.buffer();
            match self.stream.read(buffer) {
                Ok(0) => {
                    self.peer_done = true;
                    return self.with_session(now, |s, out| s.peer_closed(out));
                }
                Ok(n) => {
                    self.bytes_in += n as u64;
                    self.shared
                        .stats
                        .bytes_in
                        .fetch_add(n as u64, Ordering::Relaxed);
                    self.last_activity = now;
                    // A short read emptied the socket: data or a FIN arriving later raises a
                    // new edge, so the read that would only say WouldBlock is skipped (as
                    // nginx does). Not when the event already reported the peer's FIN: that
                    // edge is spent, so read on to the end of stream.
                    let drained = short_read_drains && n < buffer.len();
                    let data = &buffer[..n];
                    let step = self.with_session(now, |s, out| s.received(data, out));
                    if step != Step::Continue || self.error.is_some() || drained {
                        return step;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Step::Continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.error = Some(e);
                    return Step::Close;
                }
            }
        }
    }

    /// Reads and discards what has arrived (after our write side is shut down).
    fn discard_available(&mut self, cx: &mut Context<'_>) -> Discarded {
        let mut any = false;
        loop {
            match self.stream.read(cx.buffer()) {
                Ok(0) => return Discarded::PeerClosed,
                Ok(_) => any = true,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    return if any {
                        Discarded::Some
                    } else {
                        Discarded::Nothing
                    };
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Discarded::PeerClosed,
            }
        }
    }

    /// Our write side is shut down: wait for the peer's end of stream, reading and discarding,
    /// unless the loop is shutting down and the peer is quiet (then closing sends a clean FIN).
    fn linger(&mut self, cx: &mut Context<'_>) -> Action {
        match self.discard_available(cx) {
            Discarded::PeerClosed => Action::Close,
            Discarded::Nothing if cx.is_shutting_down() => Action::Close,
            _ => Action::Continue,
        }
    }

    /// Applies a session's step and everything that follows from the connection's state:
    /// flushing, resuming reads, half-closing, interest and timer changes.
    fn advance(&mut self, mut step: Step, cx: &mut Context<'_>) -> Action {
        loop {
            if self.error.is_some() {
                return Action::Close;
            }
            match step {
                Step::Close => return Action::Close,
                Step::Finish if self.phase == Phase::Open => self.phase = Phase::Finishing,
                _ => {}
            }
            if !self.queue.is_empty() {
                match self.queue.flush(&mut self.stream) {
                    Ok(n) => self.count_out(n, cx.now()),
                    Err(e) => {
                        self.error = Some(e);
                        return Action::Close;
                    }
                }
            }
            // A paused reader resumes once the queue is below half the high-water mark; the
            // socket will not signal again for data already waiting, so read it now.
            if self.paused
                && self.phase == Phase::Open
                && self.queue.len() < self.shared.max_buffer / 2
            {
                self.paused = false;
                step = self.read_available(cx, false);
                continue;
            }
            break;
        }
        if self.phase == Phase::Finishing && self.queue.is_empty() {
            if let Err(e) = self.stream.shutdown_write() {
                self.error = Some(e);
                return Action::Close;
            }
            if self.peer_done {
                return Action::Close;
            }
            self.phase = Phase::Lingering;
            self.linger_until = Some(cx.now() + LINGER);
            if self.linger(cx) == Action::Close {
                return Action::Close;
            }
        }
        if let Err(e) = self.update_interest(cx.registry(), cx.token()) {
            self.error = Some(e);
            return Action::Close;
        }
        self.arm_timer(cx);
        Action::Continue
    }

    fn update_interest(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        let want_writable = !self.queue.is_empty();
        if want_writable == self.writable_interest {
            return Ok(());
        }
        self.writable_interest = want_writable;
        let interest = if want_writable {
            Interest::READABLE | Interest::WRITABLE
        } else {
            Interest::READABLE
        };
        registry.reregister(&mut self.stream, token, interest)
    }

    /// The earliest of the session deadline, the idle deadline and the linger deadline.
    fn next_deadline(&self) -> Option<Instant> {
        let idle = self.shared.idle_timeout.map(|t| self.last_activity + t);
        [self.deadline, idle, self.linger_until]
            .into_iter()
            .flatten()
            .min()
    }

    /// Keeps the reactor timer at or before the next deadline. The idle deadline moves with
    /// every read, so the timer is not moved on each one: when it fires early it is re-armed.
    fn arm_timer(&mut self, cx: &mut Context<'_>) {
        let Some(next) = self.next_deadline() else {
            return;
        };
        if self.armed.is_none_or(|armed| next < armed) {
            cx.set_timer(next);
            self.armed = Some(next);
        }
    }

    fn log_close(&self) {
        match &self.error {
            Some(e) => tracing::info!(
                "conn {} {} closed: {e} (in {} bytes, out {} bytes)",
                self.id,
                self.peer,
                self.bytes_in,
                self.bytes_out
            ),
            None => tracing::info!(
                "conn {} {} closed (in {} bytes, out {} bytes)",
                self.id,
                self.peer,
                self.bytes_in,
                self.bytes_out
            ),
        }
    }
}

impl<S: StreamSocket, P: Session> Handler for Connection<S, P> {
    fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
        Some((&mut self.stream, Interest::READABLE))
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        self.log_close();
        registry.deregister(&mut self.stream)
    }

    fn started(&mut self, cx: &mut Context<'_>) -> Action {
        tracing::info!("conn {} {} opened", self.id, self.peer);
        self.last_activity = cx.now();
        let step = self.with_session(cx.now(), |s, out| s.start(out));
        self.advance(step, cx)
    }

    fn ready(&mut self, event: &Event, cx: &mut Context<'_>) -> Action {
        if self.phase == Phase::Lingering {
            return self.linger(cx);
        }
        let readable = event.is_readable() || event.is_read_closed() || event.is_error();
        let step = if readable && self.phase == Phase::Open && !self.paused {
            self.read_available(cx, !event.is_read_closed() && !event.is_error())
        } else {
            Step::Continue
        };
        self.advance(step, cx)
    }

    fn timeout(&mut self, cx: &mut Context<'_>) -> Action {
        self.armed = None;
        let now = cx.now();
        if self.linger_until.is_some_and(|at| now >= at) {
            return Action::Close;
        }
        if self.deadline.is_some_and(|at| now >= at) {
            self.deadline = None;
            let step = self.with_session(now, |s, out| s.deadline(out));
            return self.advance(step, cx);
        }
        if let Some(idle) = self.shared.idle_timeout
            && now >= self.last_activity + idle
        {
            tracing::info!("conn {} {} idle for {idle:?}: closing", self.id, self.peer);
            return Action::Close;
        }
        self.arm_timer(cx);
        Action::Continue
    }

    fn shutdown(&mut self, cx: &mut Context<'_>) -> Action {
        // Stop taking input; what is already owed is still sent within the drain period. A
        // peer still sending is waited for (within the drain period too): closing on unread
        // input sends a RST, which can destroy the echo it has not read yet.
        if self.phase == Phase::Lingering {
            return self.linger(cx);
        }
        if self.phase == Phase::Open {
            self.phase = Phase::Finishing;
        }
        self.advance(Step::Continue, cx)
    }
}

impl<S: StreamSocket, P: Session> Drop for Connection<S, P> {
    fn drop(&mut self) {
        self.shared.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// An [`Output`] over a plain byte vector, for testing sessions without sockets.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct TestOutput {
    pub sent: Vec<u8>,
    pub deadline: Option<Instant>,
    pub stats: Stats,
    queue: OutQueue,
    count: u64,
    error: Option<io::Error>,
}

#[cfg(test)]
impl TestOutput {
    /// Runs `f` with an [`Output`] that appends to `self.sent`.
    pub fn with<R>(&mut self, f: impl FnOnce(&mut Output<'_>) -> R) -> R {
        let mut out = Output {
            stream: &mut self.sent,
            queue: &mut self.queue,
            deadline: &mut self.deadline,
            written: &mut self.count,
            error: &mut self.error,
            now: Instant::now(),
            peer: "test",
            stats: &self.stats,
        };
        f(&mut out)
    }
}

//! A buffered stream connection (TCP or Unix) as a reactor handler: read into the loop's shared
//! buffer, hand the bytes to a [`Session`] (echo, time, auth), write what it answers straight
//! to the socket, and queue only what the socket will not take yet.
//!
//! WRITABLE interest is on only while output is queued. Above the high-water mark the
//! connection stops reading until the queue drains below half of it, so a client that sends
//! forever and never reads costs bounded memory. A peer that shuts down its write side gets
//! everything it is owed, then our write side is shut down and the connection closes.
//! A per-connection error (ECONNRESET, EPIPE) closes that connection only.
//!
//! Admission: a connection that needs a handshake first (TLS, or a session such as the HMAC
//! challenge) holds a `--max-handshakes` slot until the handshake is complete, and only then
//! counts against `--max-conns`; others count from the start. A graceful shutdown finishes
//! what is owed, shuts down the write side, and reads and discards until the peer closes or
//! the drain period ends, so a client still sending gets a clean end of stream, not a reset.

use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use mio::event::{Event, Source};
use mio::{Interest, Registry, Token};

use super::shared::ServerShared;
use super::stats::Stats;
use super::tls::{HandshakeFailure, handshake_failure};
use crate::reactor::{Action, Context, Handler};

/// How long a connection that is done sending waits for the peer's end of stream before it
/// closes anyway. Closing with unread input makes the kernel send RST, which can destroy the
/// reply still in flight, so a finished connection reads and discards until the peer closes.
const LINGER: Duration = Duration::from_secs(2);

/// A queue is shrunk back to nothing when it empties and has grown beyond this, so idle
/// connections hold no buffer.
const KEEP_CAPACITY: usize = 16 * 1024;

/// A connected stream socket mio can poll: plain TCP or Unix, or TLS on top of either
/// ([`super::tls::TlsStream`]). The defaults describe a plain socket.
pub trait StreamSocket: Read + Write + Source + 'static {
    /// Shuts down our write side (TLS: close_notify, then FIN once it is out).
    fn shutdown_write(&mut self) -> io::Result<()>;

    /// Whether a read that returned `n` bytes into a buffer of `len` left the socket empty
    /// (so the next read would only say `WouldBlock`).
    #[inline]
    fn drained_by(&self, n: usize, len: usize) -> bool {
        n < len
    }

    /// Whether a transport handshake (TLS) must complete before the session starts.
    fn is_handshaking(&self) -> bool {
        false
    }

    /// Drives the transport handshake on; `Ok(true)` once it is complete.
    fn handshake(&mut self) -> io::Result<bool> {
        Ok(true)
    }

    /// Whether the layer holds output of its own not yet written to the socket.
    #[inline]
    fn has_pending_output(&self) -> bool {
        false
    }

    /// Writes the layer's own pending output until the socket blocks.
    fn flush_pending(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Who the peer proved to be (a TLS client certificate's subject), for log lines.
    fn peer_identity(&self) -> Option<String> {
        None
    }

    /// The TLS version and cipher suite in use, for log lines; `None` for a plain socket.
    fn tls_summary(&self) -> Option<String> {
        None
    }
}

impl StreamSocket for mio::net::TcpStream {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.shutdown(Shutdown::Write)
    }
}

impl StreamSocket for mio::net::UnixStream {
    fn shutdown_write(&mut self) -> io::Result<()> {
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
/// write through a [`SessionOutput`]; they never touch the socket themselves.
pub trait Session: 'static {
    /// The connection is ready (accepted, and past any TLS handshake): send a greeting or a
    /// challenge, set a deadline.
    fn start(&mut self, _out: &mut SessionOutput<'_>) -> Step {
        Step::Continue
    }

    /// Bytes arrived from the peer.
    fn received(&mut self, data: &[u8], out: &mut SessionOutput<'_>) -> Step;

    /// The peer shut down its write side. By default: finish sending, then close.
    fn peer_closed(&mut self, _out: &mut SessionOutput<'_>) -> Step {
        Step::Finish
    }

    /// The deadline set with [`SessionOutput::set_deadline`] passed. By default: close.
    fn deadline(&mut self, _out: &mut SessionOutput<'_>) -> Step {
        Step::Close
    }

    /// Whether the session starts with a handshake of its own (the HMAC challenge): the
    /// connection then holds a `--max-handshakes` slot until the session calls
    /// [`SessionOutput::handshake_complete`].
    fn is_handshaking(&self) -> bool {
        false
    }
}

/// ` (N in the last second)` when a limited warning stands for more than one event.
fn in_the_last_second(n: u64) -> String {
    if n > 1 {
        format!(" ({n} in the last second)")
    } else {
        String::new()
    }
}

/// Where a connection stands with the server's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// Not yet admitted.
    New,
    /// Holding a `--max-handshakes` slot.
    Handshake,
    /// Counted against `--max-conns` (and in the summary's connections).
    Established,
    /// Turned away: over `--max-conns`, or its handshake was dropped or failed.
    Refused,
}

impl Gate {
    /// Lets the connection count against `--max-conns`, or refuses it when the limit is
    /// reached (counted, with a warning at most once a second).
    fn admit(&mut self, shared: &ServerShared, id: u64, peer: &str, now: Instant) -> bool {
        match *self {
            Gate::Established => return true,
            Gate::Refused => return false,
            Gate::Handshake => {
                shared.handshakes.release(id);
            }
            Gate::New => {}
        }
        if shared.established.load(Ordering::Relaxed) >= shared.max_conns {
            *self = Gate::Refused;
            Stats::count(&shared.stats.refused);
            if let Some(n) = shared.warnings.refused.note(now) {
                tracing::warn!(
                    peer = %peer,
                    refused = n,
                    "{n} connection(s) refused: --max-conns {} reached",
                    shared.max_conns
                );
            }
            return false;
        }
        *self = Gate::Established;
        shared.established.fetch_add(1, Ordering::Relaxed);
        Stats::count(&shared.stats.connections);
        true
    }

    /// Leaves a handshake unserved (it failed or timed out): its slot is given back at once.
    fn refuse(&mut self, shared: &ServerShared, id: u64) {
        if *self == Gate::Handshake {
            shared.handshakes.release(id);
        }
        *self = Gate::Refused;
    }
}

/// A session's way to send bytes, set its deadline and report on its handshake.
pub struct SessionOutput<'a> {
    stream: &'a mut dyn Write,
    queue: &'a mut OutQueue,
    deadline: &'a mut Option<Instant>,
    written: &'a mut u64,
    error: &'a mut Option<io::Error>,
    gate: &'a mut Gate,
    now: Instant,
    peer: &'a str,
    id: u64,
    shared: &'a ServerShared,
}

impl SessionOutput<'_> {
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

    /// The loop's counters.
    pub fn stats(&self) -> &Stats {
        &self.shared.stats
    }

    /// The session's handshake succeeded: the connection leaves its `--max-handshakes` slot
    /// and counts against `--max-conns`. Returns false if that limit is reached (the session
    /// should then close).
    pub fn handshake_complete(&mut self) -> bool {
        self.gate.admit(self.shared, self.id, self.peer, self.now)
    }

    /// Counts a failed HMAC handshake and warns about it (at most one warning a second,
    /// saying how many failed meanwhile).
    pub fn report_auth_failure(&mut self, why: &str) {
        Stats::count(&self.shared.stats.auth_failures);
        self.gate.refuse(self.shared, self.id);
        if let Some(n) = self.shared.warnings.auth.note(self.now) {
            let peer = self.peer;
            tracing::warn!(peer = %peer, failures = n, "authentication failed: {why}{}", in_the_last_second(n));
        }
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
pub fn write_until_blocked(stream: &mut dyn Write, bytes: &[u8]) -> (usize, io::Result<()>) {
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
    /// Nothing, or some input thrown away: the peer has not closed yet.
    NotYet,
}

/// Where a connection is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The transport's handshake (TLS) is under way; the session has not started.
    Handshake,
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
    shared: Arc<ServerShared>,
    queue: OutQueue,
    phase: Phase,
    gate: Gate,
    paused: bool,
    peer_done: bool,
    write_shut: bool,
    writable_interest: bool,
    logged_open: bool,
    bytes_in: u64,
    bytes_out: u64,
    opened_at: Instant,
    last_activity: Instant,
    deadline: Option<Instant>,
    handshake_until: Option<Instant>,
    linger_until: Option<Instant>,
    armed: Option<Instant>,
    error: Option<io::Error>,
}

impl<S: StreamSocket, P: Session> Connection<S, P> {
    /// A connection for an accepted `stream` from `peer`. `shared` holds the limits and
    /// counters; the connection is admitted (or refused) when it starts.
    pub fn new(stream: S, session: P, peer: String, id: u64, shared: Arc<ServerShared>) -> Self {
        let now = Instant::now();
        Connection {
            stream,
            session,
            peer,
            id,
            shared,
            queue: OutQueue::default(),
            phase: Phase::Open,
            gate: Gate::New,
            paused: false,
            peer_done: false,
            write_shut: false,
            writable_interest: false,
            logged_open: false,
            bytes_in: 0,
            bytes_out: 0,
            opened_at: now,
            last_activity: now,
            deadline: None,
            handshake_until: None,
            linger_until: None,
            armed: None,
            error: None,
        }
    }

    /// Runs one session callback with a [`SessionOutput`] over this connection, and returns
    /// the step it asks for.
    fn with_session(
        &mut self,
        now: Instant,
        f: impl FnOnce(&mut P, &mut SessionOutput<'_>) -> Step,
    ) -> Step {
        let before = self.bytes_out;
        let mut out = SessionOutput {
            stream: &mut self.stream,
            queue: &mut self.queue,
            deadline: &mut self.deadline,
            written: &mut self.bytes_out,
            error: &mut self.error,
            gate: &mut self.gate,
            now,
            peer: &self.peer,
            id: self.id,
            shared: &self.shared,
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
                    let drained = short_read_drains && self.stream.drained_by(n, buffer.len());
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
        loop {
            match self.stream.read(cx.buffer()) {
                Ok(0) => return Discarded::PeerClosed,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Discarded::NotYet,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Discarded::PeerClosed,
            }
        }
    }

    /// Our write side is shut down: wait for the peer's end of stream, reading and
    /// discarding (closing on unread input would send a RST and can destroy what the peer
    /// has not read yet).
    fn linger(&mut self, cx: &mut Context<'_>) -> Action {
        match self.discard_available(cx) {
            Discarded::PeerClosed => Action::Close,
            Discarded::NotYet => self.keep_waiting(cx),
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
            if self.stream.has_pending_output()
                && let Err(e) = self.stream.flush_pending()
            {
                self.error = Some(e);
                return Action::Close;
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
            if !self.write_shut {
                self.write_shut = true;
                match self.stream.shutdown_write() {
                    Ok(()) => {}
                    // The peer is gone already (it reset): nothing left to tell it.
                    Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => return Action::Close,
                    Err(e) => {
                        self.error = Some(e);
                        return Action::Close;
                    }
                }
            }
            if !self.stream.has_pending_output() {
                if self.peer_done {
                    return Action::Close;
                }
                self.phase = Phase::Lingering;
                // While shutting down the drain period is the limit (the loop ends then).
                self.linger_until = (!cx.is_shutting_down()).then(|| cx.now() + LINGER);
                return self.linger(cx);
            }
        }
        self.keep_waiting(cx)
    }

    /// Updates interest and the timer for what the connection now waits for.
    fn keep_waiting(&mut self, cx: &mut Context<'_>) -> Action {
        if let Err(e) = self.update_interest(cx.registry(), cx.token()) {
            self.error = Some(e);
            return Action::Close;
        }
        self.arm_timer(cx);
        Action::Continue
    }

    fn update_interest(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        let want_writable = !self.queue.is_empty() || self.stream.has_pending_output();
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

    /// The earliest of the session, handshake, idle and linger deadlines.
    fn next_deadline(&self) -> Option<Instant> {
        // The common case, checked first: an echo connection with no deadline at all.
        if self.deadline.is_none()
            && self.handshake_until.is_none()
            && self.linger_until.is_none()
            && self.shared.idle_timeout.is_none()
        {
            return None;
        }
        let idle = self
            .shared
            .idle_timeout
            .and_then(|t| self.last_activity.checked_add(t));
        [self.deadline, self.handshake_until, idle, self.linger_until]
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

    /// Admits the connection, or takes a handshake slot when a handshake comes first;
    /// returns false if it is refused.
    fn enter(&mut self, cx: &mut Context<'_>) -> bool {
        if self.stream.is_handshaking() || self.session.is_handshaking() {
            self.gate = Gate::Handshake;
            self.shared.handshakes.take(self.id, cx.notifier());
            true
        } else {
            self.gate.admit(&self.shared, self.id, &self.peer, cx.now())
        }
    }

    /// Drives the TLS handshake; once complete, starts the session.
    fn continue_handshake(&mut self, cx: &mut Context<'_>) -> Action {
        match self.stream.handshake() {
            Ok(false) => self.keep_waiting(cx),
            Ok(true) => {
                self.handshake_until = None;
                self.phase = Phase::Open;
                match self.stream.peer_identity() {
                    Some(subject) => tracing::info!(
                        conn = self.id,
                        peer = %self.peer,
                        client = %subject,
                        "TLS established with a client certificate"
                    ),
                    None => tracing::debug!(conn = self.id, peer = %self.peer, "TLS established"),
                }
                let now = cx.now();
                if !self.session.is_handshaking()
                    && !self.gate.admit(&self.shared, self.id, &self.peer, now)
                {
                    return Action::Close;
                }
                let step = match self.with_session(now, |s, out| s.start(out)) {
                    // Records that came with the handshake's end may already hold plaintext,
                    // and their edge is spent: read them now.
                    Step::Continue => self.read_available(cx, false),
                    step => step,
                };
                self.advance(step, cx)
            }
            Err(e) => {
                self.tls_failed(&e, cx.now());
                self.error = Some(e);
                Action::Close
            }
        }
    }

    fn tls_failed(&mut self, e: &io::Error, now: Instant) {
        Stats::count(&self.shared.stats.tls_failures);
        self.gate.refuse(&self.shared, self.id);
        let (id, peer) = (self.id, self.peer.as_str());
        match handshake_failure(e) {
            HandshakeFailure::ClientCertificate => {
                if let Some(n) = self.shared.warnings.tls.note(now) {
                    tracing::warn!(
                        conn = id,
                        peer = %peer,
                        failures = n,
                        "TLS client certificate refused: {e}{}",
                        in_the_last_second(n)
                    );
                }
            }
            HandshakeFailure::NotTls => tracing::debug!(
                conn = id,
                peer = %peer,
                "TLS handshake failed: {e} (a client speaking plaintext?)"
            ),
            HandshakeFailure::Other => {
                tracing::debug!(conn = id, peer = %peer, "TLS handshake failed: {e}")
            }
        }
    }

    fn log_close(&self) {
        if !self.logged_open {
            return;
        }
        let seconds = self.opened_at.elapsed().as_secs_f64();
        let (conn, peer, bytes_in, bytes_out) =
            (self.id, self.peer.as_str(), self.bytes_in, self.bytes_out);
        match &self.error {
            Some(e) => tracing::info!(
                conn,
                peer = %peer,
                bytes_in,
                bytes_out,
                seconds,
                error = %e,
                "connection closed"
            ),
            None => tracing::info!(
                conn,
                peer = %peer,
                bytes_in,
                bytes_out,
                seconds,
                "connection closed"
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
        let now = cx.now();
        self.opened_at = now;
        self.last_activity = now;
        if !self.enter(cx) {
            return Action::Close;
        }
        self.logged_open = true;
        tracing::info!(conn = self.id, peer = %self.peer, "connection opened");
        if self.stream.is_handshaking() {
            self.phase = Phase::Handshake;
            self.handshake_until = now.checked_add(self.shared.tls_handshake_timeout);
            return self.continue_handshake(cx);
        }
        let step = self.with_session(now, |s, out| s.start(out));
        self.advance(step, cx)
    }

    fn ready(&mut self, event: &Event, cx: &mut Context<'_>) -> Action {
        match self.phase {
            Phase::Handshake => return self.continue_handshake(cx),
            Phase::Lingering => return self.linger(cx),
            Phase::Open | Phase::Finishing => {}
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
        if self.handshake_until.is_some_and(|at| now >= at) {
            let e = io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "TLS handshake not complete within {:?}",
                    self.shared.tls_handshake_timeout
                ),
            );
            self.tls_failed(&e, now);
            self.error = Some(e);
            return Action::Close;
        }
        if self.deadline.is_some_and(|at| now >= at) {
            self.deadline = None;
            let step = self.with_session(now, |s, out| s.deadline(out));
            return self.advance(step, cx);
        }
        if let Some(idle) = self.shared.idle_timeout
            && self
                .last_activity
                .checked_add(idle)
                .is_some_and(|at| now >= at)
        {
            tracing::info!(conn = self.id, peer = %self.peer, "idle for {idle:?}: closing");
            return Action::Close;
        }
        self.arm_timer(cx);
        Action::Continue
    }

    fn notified(&mut self, _cx: &mut Context<'_>) -> Action {
        // The only notification: our handshake slot was given to a newer connection.
        if self.gate != Gate::Handshake {
            return Action::Continue;
        }
        self.gate = Gate::Refused;
        Stats::count(&self.shared.stats.handshakes_dropped);
        if let Some(n) = self.shared.warnings.evicted.note(Instant::now()) {
            tracing::warn!(
                conn = self.id,
                peer = %self.peer,
                dropped = n,
                "{n} handshake(s) dropped: --max-handshakes {} in progress",
                self.shared.handshakes.max()
            );
        }
        Action::Close
    }

    fn shutdown(&mut self, cx: &mut Context<'_>) -> Action {
        // Nothing is owed to a connection still in a handshake.
        if self.gate == Gate::Handshake || self.phase == Phase::Handshake {
            return Action::Close;
        }
        // Stop taking input; what is already owed is still sent within the drain period, then
        // our write side is shut down and input is read and discarded until the peer closes
        // (within the drain period too): closing on unread input sends a RST, which can
        // destroy the echo the peer has not read yet.
        self.linger_until = None;
        match self.phase {
            Phase::Lingering => self.linger(cx),
            _ => {
                if self.phase == Phase::Open {
                    self.phase = Phase::Finishing;
                }
                self.advance(Step::Continue, cx)
            }
        }
    }
}

impl<S: StreamSocket, P: Session> Drop for Connection<S, P> {
    fn drop(&mut self) {
        match self.gate {
            Gate::Established => {
                self.shared.established.fetch_sub(1, Ordering::Relaxed);
            }
            Gate::Handshake => {
                self.shared.handshakes.release(self.id);
            }
            Gate::New | Gate::Refused => {}
        }
    }
}

/// A [`SessionOutput`] over a plain byte vector, for testing sessions without sockets.
#[cfg(test)]
pub(crate) struct TestOutput {
    pub sent: Vec<u8>,
    pub deadline: Option<Instant>,
    pub shared: ServerShared,
    queue: OutQueue,
    count: u64,
    gate: Gate,
    error: Option<io::Error>,
}

#[cfg(test)]
impl Default for TestOutput {
    fn default() -> TestOutput {
        let settings = super::server::ServerSettings::default();
        TestOutput {
            sent: Vec::new(),
            deadline: None,
            shared: ServerShared::for_settings(&settings),
            queue: OutQueue::default(),
            count: 0,
            gate: Gate::Handshake,
            error: None,
        }
    }
}

#[cfg(test)]
impl TestOutput {
    /// Runs `f` with a [`SessionOutput`] that appends to `self.sent`.
    pub fn with<R>(&mut self, f: impl FnOnce(&mut SessionOutput<'_>) -> R) -> R {
        let mut out = SessionOutput {
            stream: &mut self.sent,
            queue: &mut self.queue,
            deadline: &mut self.deadline,
            written: &mut self.count,
            error: &mut self.error,
            gate: &mut self.gate,
            now: Instant::now(),
            peer: "test",
            id: 1,
            shared: &self.shared,
        };
        f(&mut out)
    }

    /// The loop's counters.
    pub fn stats(&self) -> &Stats {
        &self.shared.stats
    }
}

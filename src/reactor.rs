//! A small, readable reactor over `mio::Poll`, after mio's `examples/tcp_server.rs` and the
//! recipes' `EventHandler`/`event_loop`.
//!
//! Every registered thing (listener, connection, datagram socket, pipe, signal source) is a
//! [`Handler`] in a slab, addressed by its `Token`. On a readiness event the handler does its
//! own I/O (draining until `WouldBlock`, since mio is edge-triggered) and answers with an
//! [`Action`]. Through its [`Context`] it can borrow the loop's one shared read buffer, spawn new
//! handlers (accepted connections), set its single timer (idle timeouts, auth deadlines, retry
//! delays), get a [`Notifier`] that worker threads use to wake it, and ask the loop to shut down.
//!
//! Shutdown is graceful: every handler's [`Handler::shutdown`] is called once (listeners close,
//! connections finish sending what they owe), and the loop returns when no handler that keeps it
//! alive is left or when the drain period has passed.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use mio::event::{Event, Source};
use mio::{Events, Interest, Poll, Registry, Token, Waker};
use slab::Slab;

/// The size of the loop's shared read buffer: one per loop, never one per connection.
pub const READ_BUFFER_SIZE: usize = 64 * 1024;

/// Reserved for the loop's own `Waker`; handler tokens are slab keys and never reach it.
const WAKER_TOKEN: Token = Token(usize::MAX);

/// What a handler wants after handling an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Keep me registered.
    Continue,
    /// Deregister and drop me.
    Close,
}

/// Something registered with the reactor.
pub trait Handler {
    /// The source this handler waits on and the readiness it wants from it; `None` (the
    /// default) for a handler that only has a timer. The default [`Handler::register`] and
    /// [`Handler::deregister`] use it.
    fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
        None
    }

    /// Registers the handler's source(s) with `registry` under `token`.
    fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        match self.source() {
            Some((source, interest)) => registry.register(source, token, interest),
            None => Ok(()),
        }
    }

    /// Deregisters the handler's source(s); called once, just before the handler is dropped.
    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        match self.source() {
            Some((source, _)) => registry.deregister(source),
            None => Ok(()),
        }
    }

    /// Called once right after registration, with a context: set a first timer, send a
    /// greeting, or take a notifier.
    fn started(&mut self, _cx: &mut Context<'_>) -> Action {
        Action::Continue
    }

    /// Handles a readiness event for this handler's token.
    fn ready(&mut self, event: &Event, cx: &mut Context<'_>) -> Action;

    /// The timer set with [`Context::set_timer`] has expired.
    fn timeout(&mut self, _cx: &mut Context<'_>) -> Action {
        Action::Continue
    }

    /// A [`Notifier`] taken from this handler's context was used (from any thread).
    fn notified(&mut self, _cx: &mut Context<'_>) -> Action {
        Action::Continue
    }

    /// The loop is shutting down. Listeners close; a connection may return `Continue` to
    /// finish writing what it owes, then close itself, within the drain period.
    fn shutdown(&mut self, _cx: &mut Context<'_>) -> Action {
        Action::Close
    }

    /// Whether this handler keeps the loop running. Helpers such as a signal source return
    /// false, so the loop ends when only they are left.
    fn keeps_loop_alive(&self) -> bool {
        true
    }
}

/// The loop's services, lent to a handler while it handles one event.
pub struct Context<'a> {
    token: Token,
    serial: u64,
    registry: &'a Registry,
    buffer: &'a mut Vec<u8>,
    spawned: &'a mut Vec<Box<dyn Handler>>,
    timer: &'a mut Option<Instant>,
    control: &'a mut LoopControl,
    wakeups: &'a Arc<Wakeups>,
    now: Instant,
}

impl Context<'_> {
    /// This handler's token.
    pub fn token(&self) -> Token {
        self.token
    }

    /// The registry, to change this handler's interest (`reregister`).
    pub fn registry(&self) -> &Registry {
        self.registry
    }

    /// The loop's shared read buffer ([`READ_BUFFER_SIZE`] bytes). Its contents do not survive
    /// past the current call.
    pub fn buffer(&mut self) -> &mut [u8] {
        // Made on first use: a loop that never reads (run-cmd with inherited output) does not
        // pay for faulting it in.
        if self.buffer.is_empty() {
            self.buffer.resize(READ_BUFFER_SIZE, 0);
        }
        self.buffer
    }

    /// The time the loop woke up for this round of events.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Adds a new handler (an accepted connection, say) once this call returns.
    pub fn spawn(&mut self, handler: Box<dyn Handler>) {
        self.spawned.push(handler);
    }

    /// Sets this handler's one timer, replacing any earlier one.
    pub fn set_timer(&mut self, deadline: Instant) {
        *self.timer = Some(deadline);
    }

    /// Sets this handler's timer to fire `after` from now.
    pub fn set_timer_after(&mut self, after: Duration) {
        let deadline = self.now + after;
        self.set_timer(deadline);
    }

    /// Cancels this handler's timer.
    pub fn clear_timer(&mut self) {
        *self.timer = None;
    }

    /// A handle that wakes this handler ([`Handler::notified`]) from any thread.
    pub fn notifier(&self) -> Notifier {
        Notifier {
            wakeups: Arc::clone(self.wakeups),
            target: (self.token.0, self.serial),
        }
    }

    /// Begins a graceful shutdown of this loop.
    pub fn begin_shutdown(&mut self) {
        self.control.shutdown_requested = true;
    }

    /// Whether a shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.control.shutting_down
    }

    /// Ends the loop at once, without waiting for handlers to drain.
    pub fn stop_now(&mut self) {
        self.control.stop_now = true;
    }
}

/// Wakes one handler from any thread (the recipes' worker pool posting results back).
#[derive(Clone)]
pub struct Notifier {
    wakeups: Arc<Wakeups>,
    target: (usize, u64),
}

impl Notifier {
    /// Queues a [`Handler::notified`] call for the handler and wakes its loop.
    pub fn notify(&self) -> io::Result<()> {
        self.wakeups.lock_queue().push(self.target);
        self.wakeups.waker.wake()
    }
}

/// Asks a loop (possibly on another thread) to shut down gracefully.
#[derive(Clone)]
pub struct StopHandle {
    wakeups: Arc<Wakeups>,
}

impl StopHandle {
    /// Requests a graceful shutdown and wakes the loop.
    pub fn request_stop(&self) -> io::Result<()> {
        self.wakeups.stop.store(true, Ordering::SeqCst);
        self.wakeups.waker.wake()
    }

    /// Ends the loop at once, without draining (a second SIGINT/SIGTERM), and wakes it.
    pub fn request_stop_now(&self) -> io::Result<()> {
        self.wakeups.stop_now.store(true, Ordering::SeqCst);
        self.wakeups.waker.wake()
    }
}

/// What other threads use to reach the loop.
struct Wakeups {
    waker: Waker,
    queue: Mutex<Vec<(usize, u64)>>,
    stop: AtomicBool,
    stop_now: AtomicBool,
}

impl Wakeups {
    fn lock_queue(&self) -> std::sync::MutexGuard<'_, Vec<(usize, u64)>> {
        // A thread that panicked while pushing leaves a valid Vec; keep going.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Default)]
struct LoopControl {
    shutdown_requested: bool,
    shutting_down: bool,
    stop_now: bool,
}

struct Entry {
    handler: Box<dyn Handler>,
    serial: u64,
    timer: Option<Instant>,
    keeps_alive: bool,
}

/// The event loop.
pub struct Reactor {
    poll: Poll,
    entries: Slab<Entry>,
    timers: BinaryHeap<Reverse<(Instant, usize, u64)>>,
    buffer: Vec<u8>,
    spawned: Vec<Box<dyn Handler>>,
    wakeups: Arc<Wakeups>,
    control: LoopControl,
    next_serial: u64,
    alive: usize,
    drain: Duration,
    drain_deadline: Option<Instant>,
}

impl Reactor {
    /// A new loop with nothing registered.
    pub fn new() -> io::Result<Reactor> {
        let poll = Poll::new()?;
        let waker = Waker::new(poll.registry(), WAKER_TOKEN)?;
        Ok(Reactor {
            poll,
            entries: Slab::new(),
            timers: BinaryHeap::new(),
            buffer: Vec::new(),
            spawned: Vec::new(),
            wakeups: Arc::new(Wakeups {
                waker,
                queue: Mutex::new(Vec::new()),
                stop: AtomicBool::new(false),
                stop_now: AtomicBool::new(false),
            }),
            control: LoopControl::default(),
            next_serial: 0,
            alive: 0,
            drain: Duration::from_secs(2),
            drain_deadline: None,
        })
    }

    /// How long a graceful shutdown waits for handlers to finish (default 2 s).
    pub fn set_drain(&mut self, drain: Duration) {
        self.drain = drain;
    }

    /// A handle to stop this loop from another thread or a signal handler.
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle {
            wakeups: Arc::clone(&self.wakeups),
        }
    }

    /// Registers a handler, calls its [`Handler::started`], and returns its token.
    pub fn add(&mut self, handler: Box<dyn Handler>) -> io::Result<Token> {
        let token = self.insert(handler)?;
        self.dispatch(token.0, Instant::now(), |h, cx| h.started(cx));
        Ok(token)
    }

    /// Runs until no handler keeps the loop alive, or a shutdown has drained (or timed out).
    pub fn run(&mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(1024);
        while self.alive > 0 && !self.control.stop_now {
            if self.drain_deadline.is_some_and(|d| Instant::now() >= d) {
                tracing::debug!("drain period over with {} handler(s) left", self.alive);
                break;
            }
            match self.poll.poll(&mut events, self.poll_timeout()) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            let now = Instant::now();
            for event in events.iter() {
                if event.token() == WAKER_TOKEN {
                    self.deliver_wakeups(now);
                } else {
                    self.dispatch(event.token().0, now, |h, cx| h.ready(event, cx));
                }
            }
            self.fire_due_timers(Instant::now());
            if self.control.shutdown_requested && !self.control.shutting_down {
                self.shut_down(Instant::now());
            }
        }
        self.close_all();
        Ok(())
    }

    fn poll_timeout(&self) -> Option<Duration> {
        let next_timer = self.timers.peek().map(|Reverse((at, _, _))| *at);
        let next = match (next_timer, self.drain_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        next.map(|at| at.saturating_duration_since(Instant::now()))
    }

    fn insert(&mut self, mut handler: Box<dyn Handler>) -> io::Result<Token> {
        let slot = self.entries.vacant_entry();
        let token = Token(slot.key());
        handler.register(self.poll.registry(), token)?;
        let keeps_alive = handler.keeps_loop_alive();
        self.next_serial += 1;
        slot.insert(Entry {
            handler,
            serial: self.next_serial,
            timer: None,
            keeps_alive,
        });
        if keeps_alive {
            self.alive += 1;
        }
        Ok(token)
    }

    fn remove(&mut self, key: usize) {
        if let Some(mut entry) = self.entries.try_remove(key) {
            if let Err(e) = entry.handler.deregister(self.poll.registry()) {
                tracing::debug!("deregister token {key}: {e}");
            }
            if entry.keeps_alive {
                self.alive -= 1;
            }
        }
    }

    /// Calls `f` on handler `key` with a context, then applies what it asked for.
    fn dispatch<F>(&mut self, key: usize, now: Instant, f: F)
    where
        F: FnOnce(&mut dyn Handler, &mut Context<'_>) -> Action,
    {
        let Some(entry) = self.entries.get_mut(key) else {
            return;
        };
        let timer_before = entry.timer;
        let mut cx = Context {
            token: Token(key),
            serial: entry.serial,
            registry: self.poll.registry(),
            buffer: &mut self.buffer,
            spawned: &mut self.spawned,
            timer: &mut entry.timer,
            control: &mut self.control,
            wakeups: &self.wakeups,
            now,
        };
        let action = f(entry.handler.as_mut(), &mut cx);
        if let (Some(at), true) = (entry.timer, entry.timer != timer_before) {
            self.timers.push(Reverse((at, key, entry.serial)));
        }
        if action == Action::Close {
            self.remove(key);
        }
        self.add_spawned(now);
    }

    fn add_spawned(&mut self, now: Instant) {
        while let Some(handler) = self.spawned.pop() {
            match self.insert(handler) {
                Ok(token) => {
                    self.dispatch(token.0, now, |h, cx| h.started(cx));
                    if self.control.shutting_down {
                        self.dispatch(token.0, now, |h, cx| h.shutdown(cx));
                    }
                }
                Err(e) => tracing::warn!("cannot register a new handler: {e}"),
            }
        }
    }

    fn fire_due_timers(&mut self, now: Instant) {
        while let Some(&Reverse((at, key, serial))) = self.timers.peek() {
            if at > now {
                break;
            }
            self.timers.pop();
            let Some(entry) = self.entries.get_mut(key) else {
                continue;
            };
            // A stale heap item: the handler moved or cleared its timer, or the slot was reused.
            if entry.serial != serial || entry.timer != Some(at) {
                continue;
            }
            entry.timer = None;
            self.dispatch(key, now, |h, cx| h.timeout(cx));
        }
    }

    fn deliver_wakeups(&mut self, now: Instant) {
        let targets = std::mem::take(&mut *self.wakeups.lock_queue());
        for (key, serial) in targets {
            if self.entries.get(key).is_some_and(|e| e.serial == serial) {
                self.dispatch(key, now, |h, cx| h.notified(cx));
            }
        }
        if self.wakeups.stop.swap(false, Ordering::SeqCst) {
            self.control.shutdown_requested = true;
        }
        if self.wakeups.stop_now.swap(false, Ordering::SeqCst) {
            self.control.stop_now = true;
        }
    }

    fn shut_down(&mut self, now: Instant) {
        self.control.shutting_down = true;
        self.drain_deadline = Some(now + self.drain);
        let keys: Vec<usize> = self.entries.iter().map(|(key, _)| key).collect();
        for key in keys {
            self.dispatch(key, now, |h, cx| h.shutdown(cx));
        }
    }

    fn close_all(&mut self) {
        let keys: Vec<usize> = self.entries.iter().map(|(key, _)| key).collect();
        for key in keys {
            self.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::sync::atomic::AtomicUsize;

    use mio::Interest;
    use mio::unix::pipe;

    /// Reads a pipe to its end, counting bytes; counts timer and notifier calls too.
    struct PipeReader {
        pipe: pipe::Receiver,
        bytes: Arc<AtomicUsize>,
        ticks: usize,
        notifier_out: Option<std::sync::mpsc::Sender<Notifier>>,
    }

    impl PipeReader {
        /// A reader of `pipe` that counts into `bytes` and, if asked, hands out its notifier.
        fn boxed(
            pipe: pipe::Receiver,
            bytes: Arc<AtomicUsize>,
            notifier_out: Option<std::sync::mpsc::Sender<Notifier>>,
        ) -> Box<PipeReader> {
            Box::new(PipeReader {
                pipe,
                bytes,
                ticks: 0,
                notifier_out,
            })
        }
    }

    impl Handler for PipeReader {
        fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
            Some((&mut self.pipe, Interest::READABLE))
        }
        fn started(&mut self, cx: &mut Context<'_>) -> Action {
            cx.set_timer_after(Duration::from_millis(1));
            if let Some(out) = self.notifier_out.take() {
                out.send(cx.notifier()).unwrap();
            }
            Action::Continue
        }
        fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
            loop {
                match self.pipe.read(cx.buffer()) {
                    Ok(0) => return Action::Close,
                    Ok(n) => {
                        self.bytes.fetch_add(n, Ordering::SeqCst);
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Action::Continue,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => return Action::Close,
                }
            }
        }
        fn timeout(&mut self, cx: &mut Context<'_>) -> Action {
            self.ticks += 1;
            if self.ticks < 3 {
                cx.set_timer_after(Duration::from_millis(1));
            }
            Action::Continue
        }
        fn notified(&mut self, cx: &mut Context<'_>) -> Action {
            cx.begin_shutdown();
            Action::Continue
        }
        fn shutdown(&mut self, _cx: &mut Context<'_>) -> Action {
            Action::Continue
        }
    }

    #[test]
    fn drains_a_pipe_to_its_end_and_stops_when_nothing_is_left() {
        let (mut sender, receiver) = pipe::new().unwrap();
        let bytes = Arc::new(AtomicUsize::new(0));
        let mut reactor = Reactor::new().unwrap();
        reactor
            .add(PipeReader::boxed(receiver, Arc::clone(&bytes), None))
            .unwrap();
        let writer = std::thread::spawn(move || {
            sender.set_nonblocking(false).unwrap();
            for _ in 0..100 {
                sender.write_all(&[7; 10_000]).unwrap();
            }
        });
        reactor.run().unwrap();
        writer.join().unwrap();
        assert_eq!(bytes.load(Ordering::SeqCst), 1_000_000);
    }

    /// A loop with this drain period reading a pipe that stays open as long as the returned
    /// sender lives; the reader hands out its notifier on `notifier_out` if given.
    fn loop_reading_an_open_pipe(
        drain: Duration,
        notifier_out: Option<std::sync::mpsc::Sender<Notifier>>,
    ) -> (Reactor, pipe::Sender) {
        let (sender, receiver) = pipe::new().unwrap();
        let mut reactor = Reactor::new().unwrap();
        reactor.set_drain(drain);
        let bytes = Arc::new(AtomicUsize::new(0));
        reactor
            .add(PipeReader::boxed(receiver, bytes, notifier_out))
            .unwrap();
        (reactor, sender)
    }

    #[test]
    fn a_notifier_from_another_thread_reaches_its_handler() {
        let (tx, rx) = std::sync::mpsc::channel();
        let (mut reactor, _sender) = loop_reading_an_open_pipe(Duration::from_millis(20), Some(tx));
        let notifier = rx.recv().unwrap();
        std::thread::spawn(move || notifier.notify().unwrap());
        // The handler begins a shutdown when notified, keeps going during the drain, and the
        // loop ends at the drain deadline even though the pipe never closes.
        let started = Instant::now();
        reactor.run().unwrap();
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn stop_now_cuts_a_long_drain_short() {
        let (mut reactor, _sender) = loop_reading_an_open_pipe(Duration::from_secs(3600), None);
        let stop = reactor.stop_handle();
        std::thread::spawn(move || {
            // The reader keeps going through the drain; only stop_now ends the loop.
            stop.request_stop().unwrap();
            stop.request_stop_now().unwrap();
        });
        let started = Instant::now();
        reactor.run().unwrap();
        assert!(started.elapsed() < Duration::from_secs(60));
    }

    #[test]
    fn a_stop_handle_shuts_the_loop_down() {
        let (mut reactor, _sender) = loop_reading_an_open_pipe(Duration::ZERO, None);
        let stop = reactor.stop_handle();
        std::thread::spawn(move || stop.request_stop().unwrap());
        reactor.run().unwrap();
    }
}

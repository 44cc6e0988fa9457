//! A complete server on the reactor, for any protocol: bind the listeners in the order given,
//! announce them, run one event loop per `--threads` (sharing ports through SO_REUSEPORT),
//! accept connections (with `--max-conns` and EMFILE handling), answer datagrams (with the
//! low-port loop guard), shut down gracefully on SIGINT/SIGTERM and print a summary.
//!
//! A subcommand supplies a [`Service`]: what to do with each accepted stream connection (a
//! [`Session`]) and with each datagram (a [`Packet`]). serve-echo echoes; serve-time answers
//! with the time:
//!
//! ```no_run
//! use tackle::net::args::ListenSpec;
//! use tackle::net::server::{Packet, ServerConfig, Service, run_server};
//! use tackle::net::stream::{Output, Session, Step};
//!
//! #[derive(Clone)]
//! struct Daytime;
//!
//! struct Reply;
//!
//! impl Session for Reply {
//!     fn start(&mut self, out: &mut Output<'_>) -> Step {
//!         out.send(b"Sat Nov 21 22:44:21 2026\r\n");
//!         Step::Finish // send it, shut down our side, close
//!     }
//!     fn received(&mut self, _data: &[u8], _out: &mut Output<'_>) -> Step {
//!         Step::Continue // input is ignored
//!     }
//! }
//!
//! impl Service for Daytime {
//!     type Session = Reply;
//!     fn open(&mut self, _peer: &str) -> Reply {
//!         Reply
//!     }
//!     fn datagram(&mut self, packet: &Packet<'_>) {
//!         packet.reply(b"Sat Nov 21 22:44:21 2026\r\n");
//!     }
//! }
//!
//! let config = ServerConfig {
//!     listeners: vec![ListenSpec::Udp("127.0.0.1:5567".parse()?)],
//!     name: "serve-time",
//!     ..ServerConfig::default()
//! };
//! run_server(config, Daytime)?;
//! # Ok::<(), anyhow::Error>(())
//! ```

use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use mio::event::{Event, Source};
use mio::{Interest, Registry, Token};

use super::args::ListenSpec;
use super::listen::{ListenOptions, SocketFile, announce, bind_tcp, bind_udp, bind_unix};
use super::signals::ShutdownOnSignal;
use super::stream::{Connection, Session, StreamSocket};
use crate::reactor::{Action, Context, Handler, Reactor, StopHandle};

/// How long accepting pauses after the process ran out of file descriptors.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);
/// At most one "refused: too many connections" warning per this period.
const REFUSAL_WARNING_PERIOD: Duration = Duration::from_secs(1);

/// What a server does with its connections and datagrams. Each event-loop thread gets its own
/// clone, shared by all the listeners of that thread.
pub trait Service: Clone + Send + 'static {
    /// The per-connection protocol.
    type Session: Session;

    /// A stream connection was accepted from `peer` (an address, or `unix:PATH`).
    fn open(&mut self, peer: &str) -> Self::Session;

    /// A datagram arrived (already past the low-port guard). Answer with [`Packet::reply`],
    /// or not at all.
    fn datagram(&mut self, packet: &Packet<'_>);

    /// Counters of the service's own, appended to the summary line at exit (serve-time's
    /// `N rate-limited`, say).
    fn summary_note(&self) -> Option<String> {
        None
    }
}

/// Everything a server needs to run.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The listeners, in the order they are announced.
    pub listeners: Vec<ListenSpec>,
    pub listen: ListenOptions,
    /// Event loops to run (1 = the main thread only).
    pub threads: usize,
    /// How long a graceful shutdown keeps flushing.
    pub drain: Duration,
    /// Most stream connections open at once, over all threads.
    pub max_conns: usize,
    /// Log rates this often.
    pub stats_interval: Option<Duration>,
    /// Answer datagrams from source ports below 1024.
    pub allow_low_ports: bool,
    /// Close stream connections idle this long.
    pub idle_timeout: Option<Duration>,
    /// TCP_NODELAY on accepted TCP connections.
    pub nodelay: bool,
    /// The high-water mark of a connection's output queue; reading stops above it.
    pub max_buffer: usize,
    /// The subcommand's name, for the summary line.
    pub name: &'static str,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            listeners: Vec::new(),
            listen: ListenOptions::default(),
            threads: 1,
            drain: Duration::from_secs(2),
            max_conns: 10_000,
            stats_interval: None,
            allow_low_ports: false,
            idle_timeout: None,
            nodelay: true,
            max_buffer: 256 * 1024,
            name: "server",
        }
    }
}

/// Counters of one event loop; the summary and the rate lines add up all loops'.
#[derive(Debug, Default)]
pub struct Stats {
    /// Stream connections accepted and served.
    pub connections: AtomicU64,
    /// Stream connections accepted and closed at once (over `--max-conns`).
    pub refused: AtomicU64,
    pub bytes_in: AtomicU64,
    pub bytes_out: AtomicU64,
    pub datagrams_in: AtomicU64,
    pub datagrams_out: AtomicU64,
    /// Datagrams not answered: low source port, a full socket buffer, a service's choice.
    pub datagrams_dropped: AtomicU64,
    /// Failed or timed-out authentication handshakes.
    pub auth_failures: AtomicU64,
}

/// A plain copy of [`Stats`] at one moment.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub connections: u64,
    pub refused: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub datagrams_in: u64,
    pub datagrams_out: u64,
    pub datagrams_dropped: u64,
    pub auth_failures: u64,
}

impl Totals {
    /// The sum of these loops' counters.
    pub fn of<'a>(loops: impl IntoIterator<Item = &'a Arc<Shared>>) -> Totals {
        let mut t = Totals::default();
        for shared in loops {
            let s = &shared.stats;
            let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
            t.connections += get(&s.connections);
            t.refused += get(&s.refused);
            t.bytes_in += get(&s.bytes_in);
            t.bytes_out += get(&s.bytes_out);
            t.datagrams_in += get(&s.datagrams_in);
            t.datagrams_out += get(&s.datagrams_out);
            t.datagrams_dropped += get(&s.datagrams_dropped);
            t.auth_failures += get(&s.auth_failures);
        }
        t
    }

    /// The one-line summary printed on stderr at exit.
    pub fn summary(&self) -> String {
        format!(
            "{} connections ({} refused), {} bytes in, {} bytes out, {} datagrams in, {} out, \
             {} dropped, {} auth failures",
            self.connections,
            self.refused,
            self.bytes_in,
            self.bytes_out,
            self.datagrams_in,
            self.datagrams_out,
            self.datagrams_dropped,
            self.auth_failures
        )
    }
}

/// What one event loop's handlers share: its counters, and the limits and connection count
/// shared by all loops.
#[derive(Debug)]
pub struct Shared {
    pub stats: Stats,
    /// Stream connections open now, over all loops.
    pub open: Arc<AtomicUsize>,
    next_id: Arc<AtomicU64>,
    pub max_conns: usize,
    pub max_buffer: usize,
    pub idle_timeout: Option<Duration>,
    pub nodelay: bool,
    pub allow_low_ports: bool,
}

impl Shared {
    /// What the first (or only) loop of a server with this configuration shares.
    pub fn new(config: &ServerConfig) -> Arc<Shared> {
        Arc::new(Shared {
            stats: Stats::default(),
            open: Arc::new(AtomicUsize::new(0)),
            next_id: Arc::new(AtomicU64::new(0)),
            max_conns: config.max_conns,
            max_buffer: config.max_buffer.max(1),
            idle_timeout: config.idle_timeout,
            nodelay: config.nodelay,
            allow_low_ports: config.allow_low_ports,
        })
    }

    /// For another loop of the same server: its own counters, the same limits and the same
    /// connection count.
    pub fn sibling(&self) -> Arc<Shared> {
        Arc::new(Shared {
            stats: Stats::default(),
            open: Arc::clone(&self.open),
            next_id: Arc::clone(&self.next_id),
            ..*self
        })
    }

    /// A fresh connection number for log lines (unique over all loops).
    fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// A listening socket bound and ready for a loop.
pub enum Bound {
    Tcp(mio::net::TcpListener),
    Udp(mio::net::UdpSocket),
    Unix(mio::net::UnixListener, SocketFile),
}

/// Binds every listener, announces them, runs the loops until a signal has shut them down,
/// and prints the summary on stderr.
pub fn run_server<S: Service>(config: ServerConfig, service: S) -> anyhow::Result<()> {
    let threads = config.threads.max(1);
    raise_fd_limit();
    let (main_sockets, worker_sockets) = bind_all(&config, threads)?;
    let announced = announce_lines(&main_sockets, &config.listeners);

    let first = Shared::new(&config);
    let new_shared = || first.sibling();

    let mut all_shared = vec![Arc::clone(&first)];
    let mut workers = Vec::new();
    let mut stops = Vec::new();
    for (index, sockets) in worker_sockets.into_iter().enumerate() {
        let shared = new_shared();
        all_shared.push(Arc::clone(&shared));
        let (worker, stop) = spawn_worker(index + 1, sockets, service.clone(), shared, &config)?;
        workers.push(worker);
        stops.push(stop);
    }

    let mut reactor = Reactor::new().context("cannot create the event loop")?;
    reactor.set_drain(config.drain);
    reactor
        .add(Box::new(
            ShutdownOnSignal::new(stops.clone()).context("cannot catch SIGINT/SIGTERM")?,
        ))
        .context("cannot watch for signals")?;
    let service = Rc::new(RefCell::new(service));
    add_sockets(&mut reactor, main_sockets, &service, &all_shared[0])
        .context("cannot register the listeners")?;
    if let Some(every) = config.stats_interval {
        reactor
            .add(Box::new(RateLogger::new(every, all_shared.clone())))
            .context("cannot start the rate logger")?;
    }

    let started = Instant::now();
    // Announce only now: the signal handler is in place, so a script that reads the line and
    // sends SIGTERM gets a graceful shutdown, never the default action.
    for (proto, addr) in &announced {
        if let Err(e) = announce(proto, addr) {
            for stop in &stops {
                let _ = stop.request_stop_now();
            }
            return Err(e).context("cannot write the listening line to stdout");
        }
    }

    let result = reactor.run();
    for stop in &stops {
        // Normally the signal handler already asked; this covers a loop that ended otherwise.
        let _ = stop.request_stop();
    }
    for worker in workers {
        match worker.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!("an event loop failed: {e}"),
            Err(_) => tracing::error!("an event loop panicked"),
        }
    }
    result.context("the event loop failed")?;
    let totals = Totals::of(&all_shared);
    let note = service.borrow().summary_note();
    // The summary is not a log line, but -q (errors only) silences it too.
    if tracing::enabled!(tracing::Level::WARN) {
        print_summary(config.name, &totals, note, started.elapsed());
    }
    Ok(())
}

/// Prints the summary on stderr: one plain line, or one JSON object under `--log-format json`
/// so that a log collector reading stderr gets only JSON.
fn print_summary(name: &str, totals: &Totals, note: Option<String>, elapsed: Duration) {
    let seconds = elapsed.as_secs_f64();
    if crate::logging::is_json() {
        let mut line = serde_json::json!({ "summary": name, "seconds": seconds });
        if let (Some(fields), serde_json::Value::Object(counters)) =
            (line.as_object_mut(), serde_json::json!(totals))
        {
            fields.extend(counters);
            if let Some(note) = note {
                fields.insert("note".to_owned(), note.into());
            }
        }
        eprintln!("{line}");
    } else {
        let note = note.map(|n| format!(", {n}")).unwrap_or_default();
        eprintln!("{name}: {}{note} in {seconds:.1}s", totals.summary());
    }
}

/// Raises the soft limit on open files to the hard limit, as servers need one descriptor per
/// connection and the usual soft limit (1024) is far below `--max-conns`.
fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer to an rlimit we own.
    let raised = unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0
            && limit.rlim_cur < limit.rlim_max
            && {
                limit.rlim_cur = limit.rlim_max;
                libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0
            }
    };
    if raised {
        tracing::debug!("open-file limit raised to {}", limit.rlim_max);
    }
}

/// Binds the main loop's listeners in order, then each worker's (TCP and UDP only, on the
/// addresses the main loop got, so port 0 is resolved once).
fn bind_all(
    config: &ServerConfig,
    threads: usize,
) -> anyhow::Result<(Vec<Bound>, Vec<Vec<Bound>>)> {
    let mut options = config.listen;
    options.reuse_port = options.reuse_port || threads > 1;
    let mut main = Vec::new();
    for spec in &config.listeners {
        main.push(bind_one(spec, &options).with_context(|| cannot_listen(spec))?);
    }
    let mut workers = Vec::new();
    for _ in 1..threads {
        let mut sockets = Vec::new();
        for (spec, bound) in config.listeners.iter().zip(&main) {
            let resolved = match bound {
                Bound::Tcp(l) => ListenSpec::Tcp(l.local_addr()?),
                Bound::Udp(s) => ListenSpec::Udp(s.local_addr()?),
                Bound::Unix(..) => continue,
            };
            sockets.push(bind_one(&resolved, &options).with_context(|| cannot_listen(spec))?);
        }
        workers.push(sockets);
    }
    Ok((main, workers))
}

fn cannot_listen(spec: &ListenSpec) -> String {
    format!("{}: cannot listen", spec.flag())
}

/// Binds one listener (with a hint in the error for the usual failures).
pub fn bind_one(spec: &ListenSpec, options: &ListenOptions) -> io::Result<Bound> {
    let result = match spec {
        ListenSpec::Tcp(addr) => bind_tcp(*addr, options).map(Bound::Tcp),
        ListenSpec::Udp(addr) => bind_udp(*addr, options).map(Bound::Udp),
        ListenSpec::Unix(path) => bind_unix(path, options).map(|(l, f)| Bound::Unix(l, f)),
    };
    result.map_err(|e| explain_bind_error(spec, e))
}

/// Adds the hint a user needs for the usual bind failures.
fn explain_bind_error(spec: &ListenSpec, e: io::Error) -> io::Error {
    let port = match spec {
        ListenSpec::Tcp(a) | ListenSpec::Udp(a) => a.port(),
        ListenSpec::Unix(_) => return e,
    };
    match e.kind() {
        io::ErrorKind::PermissionDenied if port < 1024 => io::Error::new(
            e.kind(),
            format!("{e}; ports below 1024 need root or CAP_NET_BIND_SERVICE"),
        ),
        io::ErrorKind::AddrInUse => io::Error::new(
            e.kind(),
            format!("{e}; another program uses port {port} (port 0 picks a free one)"),
        ),
        _ => e,
    }
}

/// The `listening` lines for the bound sockets, with port 0 resolved.
fn announce_lines(sockets: &[Bound], specs: &[ListenSpec]) -> Vec<(&'static str, String)> {
    sockets
        .iter()
        .zip(specs)
        .map(|(bound, spec)| match bound {
            Bound::Tcp(l) => ("tcp", local_or_spec(l.local_addr(), spec)),
            Bound::Udp(s) => ("udp", local_or_spec(s.local_addr(), spec)),
            Bound::Unix(_, file) => ("unix", file.path().display().to_string()),
        })
        .collect()
}

fn local_or_spec(local: io::Result<SocketAddr>, spec: &ListenSpec) -> String {
    match (local, spec) {
        (Ok(addr), _) => addr.to_string(),
        (Err(_), ListenSpec::Tcp(a) | ListenSpec::Udp(a)) => a.to_string(),
        (Err(_), ListenSpec::Unix(p)) => p.display().to_string(),
    }
}

type Worker = std::thread::JoinHandle<io::Result<()>>;

/// Starts an event loop on its own thread with these sockets; returns it and its stop handle
/// once its listeners are registered.
fn spawn_worker<S: Service>(
    index: usize,
    sockets: Vec<Bound>,
    service: S,
    shared: Arc<Shared>,
    config: &ServerConfig,
) -> anyhow::Result<(Worker, StopHandle)> {
    let drain = config.drain;
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(format!("loop-{index}"))
        .spawn(move || -> io::Result<()> {
            let setup = || -> io::Result<Reactor> {
                let mut reactor = Reactor::new()?;
                reactor.set_drain(drain);
                add_sockets(
                    &mut reactor,
                    sockets,
                    &Rc::new(RefCell::new(service)),
                    &shared,
                )?;
                Ok(reactor)
            };
            match setup() {
                Ok(mut reactor) => {
                    let _ = tx.send(Ok(reactor.stop_handle()));
                    reactor.run()
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                    Ok(())
                }
            }
        })
        .context("cannot start an event-loop thread")?;
    let stop = rx
        .recv()
        .context("an event-loop thread ended before it started")?
        .context("cannot start an event-loop thread")?;
    Ok((worker, stop))
}

fn add_sockets<S: Service>(
    reactor: &mut Reactor,
    sockets: Vec<Bound>,
    service: &Rc<RefCell<S>>,
    shared: &Arc<Shared>,
) -> io::Result<()> {
    for bound in sockets {
        add_socket(reactor, bound, service, shared)?;
    }
    Ok(())
}

/// Registers one bound socket with a loop, served by `service`: the building block for a
/// loop that mixes services (the recipes' `event_loop([UDPTimeServer(..), UDPEchoServer(..)])`).
/// [`run_server`] does this for every listener of a single service.
pub fn add_socket<S: Service>(
    reactor: &mut Reactor,
    bound: Bound,
    service: &Rc<RefCell<S>>,
    shared: &Arc<Shared>,
) -> io::Result<Token> {
    let handler: Box<dyn Handler> = match bound {
        Bound::Tcp(listener) => Box::new(StreamListener::new(
            TcpAcceptor(listener),
            Rc::clone(service),
            Arc::clone(shared),
        )),
        Bound::Unix(listener, file) => Box::new(StreamListener::new(
            UnixAcceptor { listener, file },
            Rc::clone(service),
            Arc::clone(shared),
        )),
        Bound::Udp(socket) => Box::new(Datagrams {
            socket,
            service: Rc::clone(service),
            shared: Arc::clone(shared),
        }),
    };
    reactor.add(handler)
}

/// A listening stream socket: TCP or Unix.
trait Acceptor: Source + 'static {
    type Stream: StreamSocket;
    /// Accepts one connection; returns it with the peer's name for log lines.
    fn accept_one(&self, shared: &Shared) -> io::Result<(Self::Stream, String)>;
    /// What this listener is, for log lines.
    fn describe(&self) -> String;
}

struct TcpAcceptor(mio::net::TcpListener);

impl Acceptor for TcpAcceptor {
    type Stream = mio::net::TcpStream;

    fn accept_one(&self, shared: &Shared) -> io::Result<(Self::Stream, String)> {
        let (stream, peer) = self.0.accept()?;
        if shared.nodelay
            && let Err(e) = stream.set_nodelay(true)
        {
            tracing::debug!("TCP_NODELAY on {peer}: {e}");
        }
        Ok((stream, peer.to_string()))
    }

    fn describe(&self) -> String {
        self.0
            .local_addr()
            .map_or_else(|_| "tcp".to_owned(), |a| format!("tcp {a}"))
    }
}

impl Source for TcpAcceptor {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        self.0.register(r, t, i)
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        self.0.reregister(r, t, i)
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        self.0.deregister(r)
    }
}

struct UnixAcceptor {
    listener: mio::net::UnixListener,
    /// Names the listener in log lines, and removes the socket file when the listener is
    /// dropped (at shutdown).
    file: SocketFile,
}

impl Acceptor for UnixAcceptor {
    type Stream = mio::net::UnixStream;

    fn accept_one(&self, _shared: &Shared) -> io::Result<(Self::Stream, String)> {
        let (stream, _) = self.listener.accept()?;
        Ok((stream, format!("unix:{}", self.file.path().display())))
    }

    fn describe(&self) -> String {
        format!("unix {}", self.file.path().display())
    }
}

impl Source for UnixAcceptor {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        self.listener.register(r, t, i)
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        self.listener.reregister(r, t, i)
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        self.listener.deregister(r)
    }
}

/// Accepts connections and spawns a [`Connection`] for each.
struct StreamListener<A: Acceptor, S: Service> {
    acceptor: A,
    service: Rc<RefCell<S>>,
    shared: Arc<Shared>,
    /// Out of file descriptors: accepting resumes on the timer.
    paused: bool,
    last_refusal_warning: Option<Instant>,
    refusals_unreported: u64,
}

impl<A: Acceptor, S: Service> StreamListener<A, S> {
    fn new(acceptor: A, service: Rc<RefCell<S>>, shared: Arc<Shared>) -> Self {
        StreamListener {
            acceptor,
            service,
            shared,
            paused: false,
            last_refusal_warning: None,
            refusals_unreported: 0,
        }
    }

    /// Accepts until the queue is empty (edge-triggered readiness).
    fn accept_all(&mut self, cx: &mut Context<'_>) -> Action {
        loop {
            match self.acceptor.accept_one(&self.shared) {
                Ok((stream, peer)) => {
                    if self.paused {
                        tracing::info!("{}: accepting again", self.acceptor.describe());
                        self.paused = false;
                    }
                    self.take(stream, peer, cx);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Action::Continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_connection_gone(&e) => {}
                Err(e) if is_out_of_resources(&e) => {
                    if !self.paused {
                        tracing::warn!(
                            "{}: cannot accept: {e}; pausing accepts, retrying every {ACCEPT_RETRY:?}",
                            self.acceptor.describe()
                        );
                        self.paused = true;
                    }
                    cx.set_timer_after(ACCEPT_RETRY);
                    return Action::Continue;
                }
                Err(e) => {
                    tracing::warn!("{}: accept failed: {e}", self.acceptor.describe());
                    cx.set_timer_after(ACCEPT_RETRY);
                    return Action::Continue;
                }
            }
        }
    }

    fn take(&mut self, stream: A::Stream, peer: String, cx: &mut Context<'_>) {
        if self.shared.open.load(Ordering::Relaxed) >= self.shared.max_conns {
            self.shared.stats.refused.fetch_add(1, Ordering::Relaxed);
            self.warn_refusal(&peer, cx.now());
            drop(stream);
            return;
        }
        self.shared
            .stats
            .connections
            .fetch_add(1, Ordering::Relaxed);
        let session = self.service.borrow_mut().open(&peer);
        let id = self.shared.next_id();
        cx.spawn(Box::new(Connection::new(
            stream,
            session,
            peer,
            id,
            Arc::clone(&self.shared),
        )));
    }

    fn warn_refusal(&mut self, peer: &str, now: Instant) {
        self.refusals_unreported += 1;
        if self
            .last_refusal_warning
            .is_some_and(|at| now.duration_since(at) < REFUSAL_WARNING_PERIOD)
        {
            return;
        }
        tracing::warn!(
            "{}: {} connection(s) refused, the latest from {peer}: --max-conns {} reached",
            self.acceptor.describe(),
            self.refusals_unreported,
            self.shared.max_conns
        );
        self.refusals_unreported = 0;
        self.last_refusal_warning = Some(now);
    }
}

fn is_connection_gone(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::ECONNABORTED | libc::EPROTO | libc::EPERM)
    )
}

fn is_out_of_resources(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
}

impl<A: Acceptor, S: Service> Handler for StreamListener<A, S> {
    fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
        Some((&mut self.acceptor, Interest::READABLE))
    }

    fn started(&mut self, cx: &mut Context<'_>) -> Action {
        // Connections may already be waiting (other threads' listeners start first).
        self.accept_all(cx)
    }

    fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
        if self.paused {
            return Action::Continue;
        }
        self.accept_all(cx)
    }

    fn timeout(&mut self, cx: &mut Context<'_>) -> Action {
        self.accept_all(cx)
    }
}

/// A UDP socket whose datagrams go to the service.
struct Datagrams<S: Service> {
    socket: mio::net::UdpSocket,
    service: Rc<RefCell<S>>,
    shared: Arc<Shared>,
}

/// One datagram, for [`Service::datagram`].
pub struct Packet<'a> {
    socket: &'a mio::net::UdpSocket,
    data: &'a [u8],
    from: SocketAddr,
    stats: &'a Stats,
}

impl Packet<'_> {
    /// The datagram's payload.
    pub fn data(&self) -> &[u8] {
        self.data
    }

    /// Its sender.
    pub fn from(&self) -> SocketAddr {
        self.from
    }

    /// Sends `bytes` back to the sender as one datagram. A full socket buffer drops it, as UDP
    /// may; returns whether it was sent.
    pub fn reply(&self, bytes: &[u8]) -> bool {
        loop {
            match self.socket.send_to(bytes, self.from) {
                Ok(_) => {
                    self.stats.datagrams_out.fetch_add(1, Ordering::Relaxed);
                    self.stats
                        .bytes_out
                        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                    return true;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    tracing::debug!("reply to {} dropped: {e}", self.from);
                    self.count_dropped();
                    return false;
                }
            }
        }
    }

    /// Counts this datagram as dropped (not answered on purpose, e.g. a rate limit).
    pub fn count_dropped(&self) {
        self.stats.datagrams_dropped.fetch_add(1, Ordering::Relaxed);
    }
}

/// Like xinetd: a datagram from port 0 cannot be answered, and one from a low port is likely
/// another UDP service (echo, chargen, daytime) that would answer back forever.
fn is_loop_risk(from: SocketAddr, allow_low_ports: bool) -> bool {
    from.port() == 0 || (from.port() < 1024 && !allow_low_ports)
}

impl<S: Service> Handler for Datagrams<S> {
    fn source(&mut self) -> Option<(&mut dyn Source, Interest)> {
        Some((&mut self.socket, Interest::READABLE))
    }

    fn ready(&mut self, _event: &Event, cx: &mut Context<'_>) -> Action {
        loop {
            let buffer = cx.buffer();
            match self.socket.recv_from(buffer) {
                Ok((n, from)) => {
                    let stats = &self.shared.stats;
                    stats.datagrams_in.fetch_add(1, Ordering::Relaxed);
                    stats.bytes_in.fetch_add(n as u64, Ordering::Relaxed);
                    if is_loop_risk(from, self.shared.allow_low_ports) {
                        tracing::debug!("ignoring a datagram from {from}: source port below 1024");
                        stats.datagrams_dropped.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    let packet = Packet {
                        socket: &self.socket,
                        data: &buffer[..n],
                        from,
                        stats,
                    };
                    self.service.borrow_mut().datagram(&packet);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Action::Continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // An ICMP error reported on the socket: it concerns one peer, not us.
                    tracing::debug!("udp receive: {e}");
                }
            }
        }
    }
}

/// Logs connection, byte and datagram rates every `--stats-interval`.
struct RateLogger {
    every: Duration,
    loops: Vec<Arc<Shared>>,
    last: Totals,
    last_at: Instant,
}

impl RateLogger {
    fn new(every: Duration, loops: Vec<Arc<Shared>>) -> RateLogger {
        RateLogger {
            every,
            loops,
            last: Totals::default(),
            last_at: Instant::now(),
        }
    }
}

impl Handler for RateLogger {
    fn started(&mut self, cx: &mut Context<'_>) -> Action {
        self.last_at = cx.now();
        cx.set_timer_after(self.every);
        Action::Continue
    }

    fn ready(&mut self, _event: &Event, _cx: &mut Context<'_>) -> Action {
        Action::Continue
    }

    fn timeout(&mut self, cx: &mut Context<'_>) -> Action {
        let now = Totals::of(&self.loops);
        let secs = cx
            .now()
            .duration_since(self.last_at)
            .as_secs_f64()
            .max(1e-9);
        let rate = |a: u64, b: u64| (a.saturating_sub(b)) as f64 / secs;
        let open = self
            .loops
            .first()
            .map_or(0, |s| s.open.load(Ordering::Relaxed));
        tracing::info!(
            "{open} open; {:.1} conn/s, {:.0} B/s in, {:.0} B/s out, {:.1} datagrams/s in, {:.1} out",
            rate(now.connections, self.last.connections),
            rate(now.bytes_in, self.last.bytes_in),
            rate(now.bytes_out, self.last.bytes_out),
            rate(now.datagrams_in, self.last.datagrams_in),
            rate(now.datagrams_out, self.last.datagrams_out),
        );
        self.last = now;
        self.last_at = cx.now();
        cx.set_timer_after(self.every);
        Action::Continue
    }

    fn shutdown(&mut self, _cx: &mut Context<'_>) -> Action {
        Action::Close
    }

    fn keeps_loop_alive(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::stream::{Output, Step};

    #[test]
    fn low_source_ports_are_ignored_unless_allowed_and_port_zero_always() {
        let from = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
        assert!(is_loop_risk(from(0), false));
        assert!(is_loop_risk(from(0), true));
        assert!(is_loop_risk(from(7), false));
        assert!(is_loop_risk(from(1023), false));
        assert!(!is_loop_risk(from(7), true));
        assert!(!is_loop_risk(from(1024), false));
        assert!(!is_loop_risk(from(40000), false));
    }

    #[test]
    fn bind_errors_carry_a_hint() {
        let spec = ListenSpec::Tcp("127.0.0.1:80".parse().unwrap());
        let e = explain_bind_error(&spec, io::Error::from(io::ErrorKind::PermissionDenied));
        assert!(e.to_string().contains("CAP_NET_BIND_SERVICE"), "{e}");
        let e = explain_bind_error(&spec, io::Error::from(io::ErrorKind::AddrInUse));
        assert!(e.to_string().contains("port 80"), "{e}");
    }

    /// Answers every datagram with a fixed text, like the recipes' UDP time server.
    #[derive(Clone)]
    struct Fixed(&'static [u8]);

    impl Service for Fixed {
        type Session = Greeting;
        fn open(&mut self, _peer: &str) -> Greeting {
            Greeting(self.0)
        }
        fn datagram(&mut self, packet: &Packet<'_>) {
            packet.reply(self.0);
        }
    }

    /// Sends a greeting and finishes.
    struct Greeting(&'static [u8]);

    impl Session for Greeting {
        fn start(&mut self, out: &mut Output<'_>) -> Step {
            out.send(self.0);
            Step::Finish
        }
        fn received(&mut self, _data: &[u8], _out: &mut Output<'_>) -> Step {
            Step::Continue
        }
    }

    /// Sends back what it gets.
    #[derive(Clone)]
    struct Mirror;

    impl Service for Mirror {
        type Session = Greeting;
        fn open(&mut self, _peer: &str) -> Greeting {
            Greeting(b"")
        }
        fn datagram(&mut self, packet: &Packet<'_>) {
            packet.reply(packet.data());
        }
    }

    #[test]
    fn one_loop_can_mix_services() {
        let config = ServerConfig::default();
        let shared = Shared::new(&config);
        let options = ListenOptions::default();
        let bind = |spec| bind_one(&spec, &options).unwrap();
        let udp = |bound: &Bound| match bound {
            Bound::Udp(s) => s.local_addr().unwrap(),
            _ => unreachable!(),
        };
        let any = "127.0.0.1:0".parse().unwrap();
        let (time, echo, greeter) = (
            bind(ListenSpec::Udp(any)),
            bind(ListenSpec::Udp(any)),
            bind(ListenSpec::Tcp(any)),
        );
        let (time_addr, echo_addr) = (udp(&time), udp(&echo));
        let greeter_addr = match &greeter {
            Bound::Tcp(l) => l.local_addr().unwrap(),
            _ => unreachable!(),
        };
        let mut reactor = Reactor::new().unwrap();
        reactor.set_drain(Duration::ZERO);
        let fixed = Rc::new(RefCell::new(Fixed(b"Sat Nov 21 22:44:21 2026\r\n")));
        add_socket(&mut reactor, time, &fixed, &shared).unwrap();
        add_socket(&mut reactor, greeter, &fixed, &shared).unwrap();
        add_socket(&mut reactor, echo, &Rc::new(RefCell::new(Mirror)), &shared).unwrap();
        let stop = reactor.stop_handle();
        let client = std::thread::spawn(move || {
            let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            socket
                .set_read_timeout(Some(Duration::from_secs(20)))
                .unwrap();
            let mut buf = [0; 64];
            socket.send_to(b"", time_addr).unwrap();
            let n = socket.recv(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"Sat Nov 21 22:44:21 2026\r\n");
            socket.send_to(b"echo", echo_addr).unwrap();
            let n = socket.recv(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"echo");
            let mut tcp = std::net::TcpStream::connect(greeter_addr).unwrap();
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut tcp, &mut text).unwrap();
            assert_eq!(text, b"Sat Nov 21 22:44:21 2026\r\n");
            stop.request_stop().unwrap();
        });
        reactor.run().unwrap();
        client.join().unwrap();
        let totals = Totals::of([&shared]);
        assert_eq!((totals.datagrams_in, totals.datagrams_out), (2, 2));
        assert_eq!(totals.connections, 1);
    }

    #[test]
    fn the_summary_names_every_counter() {
        let totals = Totals {
            connections: 3,
            refused: 1,
            bytes_in: 10,
            bytes_out: 9,
            datagrams_in: 2,
            datagrams_out: 1,
            datagrams_dropped: 1,
            auth_failures: 1,
        };
        assert_eq!(
            totals.summary(),
            "3 connections (1 refused), 10 bytes in, 9 bytes out, 2 datagrams in, 1 out, \
             1 dropped, 1 auth failures"
        );
    }
}

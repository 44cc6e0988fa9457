//! A complete server on the reactor, for any protocol: bind the listeners in the order given
//! (or take them from socket activation), drop privileges, announce them, run one event loop
//! per `--threads`, shut down gracefully on SIGINT/SIGTERM (reloading TLS certificates on
//! SIGHUP) and print a summary. Accepting lives in [`super::accept`], datagrams in
//! [`super::datagram`], counting in [`super::stats`].
//!
//! A subcommand supplies a [`Service`]: what to do with each accepted stream connection (a
//! [`Session`]) and with each datagram (a [`Packet`]). serve-echo echoes; serve-time answers
//! with the time:
//!
//! ```no_run
//! use tackle::net::listen::ListenSpec;
//! use tackle::net::datagram::Packet;
//! use tackle::net::server::{ServerSettings, Service, run_server};
//! use tackle::net::stream::{Session, SessionOutput, Step};
//!
//! #[derive(Clone)]
//! struct Daytime;
//!
//! struct Reply;
//!
//! impl Session for Reply {
//!     fn start(&mut self, out: &mut SessionOutput<'_>) -> Step {
//!         out.send(b"Sat Nov 21 22:44:21 2026\r\n");
//!         Step::Finish // send it, shut down our side, close
//!     }
//!     fn received(&mut self, _data: &[u8], _out: &mut SessionOutput<'_>) -> Step {
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
//! let settings = ServerSettings {
//!     listeners: vec![ListenSpec::Udp("127.0.0.1:5567".parse::<std::net::SocketAddr>()?.into())],
//!     name: "serve-time",
//!     ..ServerSettings::default()
//! };
//! run_server(settings, Daytime)?;
//! # Ok::<(), anyhow::Error>(())
//! ```

use std::cell::RefCell;
use std::io;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use mio::Token;

use super::accept::{StreamListener, TcpAcceptor, UnixAcceptor};
use super::access::AccessList;
use super::datagram::{Datagrams, Packet};
use super::listen::{Bound, ListenOptions, ListenSpec, Proto, UnixName, announce, bind_all};
use super::shared::ServerShared;
use super::signals::ShutdownOnSignal;
use super::stats::{RateLogger, SummaryStyle, Totals, print_summary};
use super::stream::Session;
use super::tls::{ServerTls, TlsFiles};
use crate::reactor::{Reactor, StopHandle};

/// What a server does with its connections and datagrams. Each event-loop thread gets its own
/// clone, shared by all the listeners of that thread.
pub trait Service: Clone + Send + 'static {
    /// The per-connection protocol.
    type Session: Session;

    /// A stream connection was accepted from `peer` (an address, or `unix:PATH`).
    fn open(&mut self, peer: &str) -> Self::Session;

    /// A datagram arrived (already past the access list and the low-port guard). Answer with
    /// [`Packet::reply`], or not at all.
    fn datagram(&mut self, packet: &Packet<'_>);

    /// Counters of the service's own, appended to the summary line at exit (serve-time's
    /// `N rate-limited`, say).
    fn summary_note(&self) -> Option<String> {
        None
    }
}

/// Everything a server needs to run.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// The listeners, in the order they are announced.
    pub listeners: Vec<ListenSpec>,
    pub listen: ListenOptions,
    /// Event loops to run (1 = the main thread only).
    pub threads: usize,
    /// How long a graceful shutdown keeps flushing.
    pub drain: Duration,
    /// Most stream connections served at once, over all threads.
    pub max_conns: usize,
    /// Most connections in a handshake (TLS, HMAC) at once, over all threads.
    pub max_handshakes: usize,
    /// Log rates this often.
    pub stats_interval: Option<Duration>,
    /// Answer datagrams from source ports below 1024.
    pub allow_low_ports: bool,
    /// Close stream connections idle this long.
    pub idle_timeout: Option<Duration>,
    /// TCP_NODELAY on accepted TCP connections.
    pub nodelay: bool,
    /// TCP keepalive on accepted TCP connections: probes after this much silence.
    pub keepalive: Option<Duration>,
    /// The high-water mark of a connection's output queue; reading stops above it.
    pub max_buffer: usize,
    /// Which peers may connect or send datagrams.
    pub access: AccessList,
    /// Certificate and key for TLS listeners.
    pub tls: Option<TlsFiles>,
    /// How long a TLS handshake may take.
    pub tls_handshake_timeout: Duration,
    /// Switch to this user (and its groups) once the listeners are bound.
    pub user: Option<String>,
    /// The subcommand's name, for the summary line.
    pub name: &'static str,
    /// How the summary line looks.
    pub summary: SummaryStyle,
}

impl Default for ServerSettings {
    fn default() -> ServerSettings {
        ServerSettings {
            listeners: Vec::new(),
            listen: ListenOptions::default(),
            threads: 1,
            drain: Duration::from_secs(2),
            max_conns: 10_000,
            max_handshakes: 256,
            stats_interval: None,
            allow_low_ports: false,
            idle_timeout: None,
            nodelay: true,
            keepalive: None,
            max_buffer: 256 * 1024,
            access: AccessList::default(),
            tls: None,
            tls_handshake_timeout: Duration::from_secs(10),
            user: None,
            name: "server",
            summary: SummaryStyle::default(),
        }
    }
}

/// Binds every listener, announces them, runs the loops until a signal has shut them down,
/// and prints the summary on stderr.
pub fn run_server<S: Service>(mut settings: ServerSettings, service: S) -> anyhow::Result<()> {
    let threads = settings.threads.max(1);
    raise_fd_limit();
    let has_tls = settings.listeners.iter().any(|l| l.proto() == Proto::Tls);
    settings.summary.tls |= has_tls;
    // Loaded before anything is bound: a bad file leaves nothing behind.
    let tls = match (&settings.tls, has_tls) {
        (Some(files), true) => Some(Arc::new(ServerTls::load(files)?)),
        (None, true) => anyhow::bail!("a TLS listener needs --tls-cert and --tls-key"),
        (_, false) => None,
    };
    let (main_sockets, worker_sockets) = bind_all(&settings.listeners, &settings.listen, threads)?;
    if let Some(user) = &settings.user {
        super::privileges::become_user(user, &socket_files(&main_sockets))
            .with_context(|| format!("--user {user}"))?;
    }
    let announced: Vec<(Proto, String)> = main_sockets.iter().map(Bound::announcement).collect();
    settings.summary.datagrams = announced.iter().any(|(proto, _)| *proto == Proto::Udp);
    settings.summary.streams = announced.iter().any(|(proto, _)| *proto != Proto::Udp);

    let first = Arc::new(ServerShared::for_settings(&settings));
    let mut all_stats = vec![Arc::clone(&first.stats)];
    let mut workers = Vec::new();
    let mut stops = Vec::new();
    for (index, sockets) in worker_sockets.into_iter().enumerate() {
        let shared = Arc::new(first.sibling());
        all_stats.push(Arc::clone(&shared.stats));
        let (worker, stop) = spawn_worker(
            index + 1,
            sockets,
            service.clone(),
            shared,
            tls.clone(),
            settings.drain,
        )?;
        workers.push(worker);
        stops.push(stop);
    }

    let mut reactor = Reactor::new().context("cannot create the event loop")?;
    reactor.set_drain(settings.drain);
    let reload = tls.clone().map(|tls| {
        Box::new(move || match tls.reload() {
            Ok(()) => tracing::info!("SIGHUP: certificate and key reloaded"),
            Err(e) => tracing::warn!("SIGHUP: keeping the certificate in use: {e:#}"),
        }) as Box<dyn FnMut()>
    });
    reactor
        .add(Box::new(
            ShutdownOnSignal::new(stops.clone(), reload).context("cannot catch signals")?,
        ))
        .context("cannot watch for signals")?;
    let service = Rc::new(RefCell::new(service));
    for bound in main_sockets {
        add_socket(&mut reactor, bound, &service, &first, tls.as_ref())
            .context("cannot register the listeners")?;
    }
    if let Some(every) = settings.stats_interval {
        reactor
            .add(Box::new(RateLogger::new(
                every,
                all_stats.clone(),
                Arc::clone(&first.established),
            )))
            .context("cannot start the rate logger")?;
    }

    let started = Instant::now();
    // Announce only now: the signal handler is in place, so a script that reads the line and
    // sends SIGTERM gets a graceful shutdown, never the default action.
    for (proto, addr) in &announced {
        if let Err(e) = announce(proto.name(), addr) {
            for stop in &stops {
                let _ = stop.request_stop_now();
            }
            return Err(e).context("cannot write the listening line to stdout");
        }
    }

    crate::logging::write_without_blocking();
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
    crate::logging::flush();
    result.context("the event loop failed")?;
    let totals = Totals::of(all_stats.iter().map(|s| &**s));
    let note = service.borrow().summary_note();
    // The summary is not a log line, but -q (errors only) silences it too.
    if tracing::enabled!(tracing::Level::WARN) {
        print_summary(
            settings.name,
            &settings.summary,
            &totals,
            note,
            started.elapsed(),
        );
    }
    Ok(())
}

/// The socket files among the bound listeners (to hand over with `--user`).
fn socket_files(sockets: &[Bound]) -> Vec<&Path> {
    sockets
        .iter()
        .filter_map(|bound| match bound {
            Bound::Unix(_, UnixName::File(file)) => Some(file.path()),
            _ => None,
        })
        .collect()
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

type Worker = std::thread::JoinHandle<io::Result<()>>;

/// Starts an event loop on its own thread with these sockets; returns it and its stop handle
/// once its listeners are registered.
fn spawn_worker<S: Service>(
    index: usize,
    sockets: Vec<Bound>,
    service: S,
    shared: Arc<ServerShared>,
    tls: Option<Arc<ServerTls>>,
    drain: Duration,
) -> anyhow::Result<(Worker, StopHandle)> {
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(format!("loop-{index}"))
        .spawn(move || -> io::Result<()> {
            let setup = || -> io::Result<Reactor> {
                let mut reactor = Reactor::new()?;
                reactor.set_drain(drain);
                let service = Rc::new(RefCell::new(service));
                for bound in sockets {
                    add_socket(&mut reactor, bound, &service, &shared, tls.as_ref())?;
                }
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

/// Registers one bound socket with a loop, served by `service` (TLS listeners with `tls`):
/// the building block for a loop that mixes services (the recipes'
/// `event_loop([UDPTimeServer(..), UDPEchoServer(..)])`). [`run_server`] does this for every
/// listener of a single service.
pub fn add_socket<S: Service>(
    reactor: &mut Reactor,
    bound: Bound,
    service: &Rc<RefCell<S>>,
    shared: &Arc<ServerShared>,
    tls: Option<&Arc<ServerTls>>,
) -> io::Result<Token> {
    let service = Rc::clone(service);
    let shared = Arc::clone(shared);
    let handler: Box<dyn crate::reactor::Handler> = match bound {
        Bound::Tcp(listener) => Box::new(StreamListener::new(
            TcpAcceptor(listener),
            service,
            shared,
            None,
        )),
        Bound::Tls(listener) => {
            let tls = tls.cloned().ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a TLS listener needs a certificate",
                )
            })?;
            Box::new(StreamListener::new(
                TcpAcceptor(listener),
                service,
                shared,
                Some(tls),
            ))
        }
        Bound::Unix(listener, name) => Box::new(StreamListener::new(
            UnixAcceptor { listener, name },
            service,
            shared,
            None,
        )),
        Bound::Udp(socket) => Box::new(Datagrams::new(socket, service, shared)),
    };
    reactor.add(handler)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::listen::bind_one;
    use crate::net::stream::{SessionOutput, Step};

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
        fn start(&mut self, out: &mut SessionOutput<'_>) -> Step {
            out.send(self.0);
            Step::Finish
        }
        fn received(&mut self, _data: &[u8], _out: &mut SessionOutput<'_>) -> Step {
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
        let shared = Arc::new(ServerShared::for_settings(&ServerSettings::default()));
        let options = ListenOptions::default();
        let bind = |spec| bind_one(&spec, &options).unwrap();
        let local = |bound: &Bound| {
            bound
                .announcement()
                .1
                .parse::<std::net::SocketAddr>()
                .unwrap()
        };
        let any: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        let (time, echo, greeter) = (
            bind(ListenSpec::Udp(any.into())),
            bind(ListenSpec::Udp(any.into())),
            bind(ListenSpec::Tcp(any.into())),
        );
        let (time_addr, echo_addr, greeter_addr) = (local(&time), local(&echo), local(&greeter));
        let mut reactor = Reactor::new().unwrap();
        reactor.set_drain(Duration::ZERO);
        let fixed = Rc::new(RefCell::new(Fixed(b"Sat Nov 21 22:44:21 2026\r\n")));
        add_socket(&mut reactor, time, &fixed, &shared, None).unwrap();
        add_socket(&mut reactor, greeter, &fixed, &shared, None).unwrap();
        add_socket(
            &mut reactor,
            echo,
            &Rc::new(RefCell::new(Mirror)),
            &shared,
            None,
        )
        .unwrap();
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
        let totals = Totals::of([&*shared.stats]);
        assert_eq!((totals.datagrams_in, totals.datagrams_out), (2, 2));
        assert_eq!(totals.connections, 1);
    }
}

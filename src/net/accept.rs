//! Accepting stream connections (TCP, TLS, Unix): the access list, TCP options, running out of
//! file descriptors, and a [`Connection`] for each one let in.

use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use mio::event::{Event, Source};
use mio::{Interest, Registry, Token};

use super::listen::UnixName;
use super::server::Service;
use super::shared::ServerShared;
use super::stats::Stats;
use super::stream::{Connection, StreamSocket};
use super::tls::ServerTls;
use crate::reactor::{Action, Context, Handler};

/// How long accepting pauses after the process ran out of file descriptors.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// A listening stream socket: TCP or Unix.
pub trait Acceptor: Source + 'static {
    type Stream: StreamSocket;
    /// Accepts one connection; returns it with the peer's address (none for Unix) and name.
    fn accept_one(&self) -> io::Result<(Self::Stream, Option<SocketAddr>, String)>;
    /// Sets the TCP options the server wants on an accepted connection.
    fn configure(&self, _stream: &Self::Stream, _shared: &ServerShared) {}
    /// What this listener is, for log lines.
    fn describe(&self) -> String;
}

/// A TCP listener.
pub struct TcpAcceptor(pub mio::net::TcpListener);

impl Acceptor for TcpAcceptor {
    type Stream = mio::net::TcpStream;

    fn accept_one(&self) -> io::Result<(Self::Stream, Option<SocketAddr>, String)> {
        let (stream, peer) = self.0.accept()?;
        Ok((stream, Some(peer), peer.to_string()))
    }

    fn configure(&self, stream: &Self::Stream, shared: &ServerShared) {
        if shared.nodelay
            && let Err(e) = stream.set_nodelay(true)
        {
            tracing::debug!("TCP_NODELAY: {e}");
        }
        if let Some(idle) = shared.keepalive
            && let Err(e) = socket2::SockRef::from(stream).set_tcp_keepalive(&keepalive(idle))
        {
            tracing::debug!("TCP keepalive: {e}");
        }
    }

    fn describe(&self) -> String {
        self.0
            .local_addr()
            .map_or_else(|_| "tcp".to_owned(), |a| format!("tcp {a}"))
    }
}

/// `--keepalive DUR`: probes start after DUR of silence, then every DUR/3 (at least 1 s);
/// three unanswered probes end the connection, so a dead peer is noticed within about 2 DUR.
pub fn keepalive(idle: Duration) -> socket2::TcpKeepalive {
    let idle = idle.max(Duration::from_secs(1));
    socket2::TcpKeepalive::new()
        .with_time(idle)
        .with_interval((idle / 3).max(Duration::from_secs(1)))
        .with_retries(3)
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

/// A Unix listener.
pub struct UnixAcceptor {
    pub listener: mio::net::UnixListener,
    /// Names the listener in log lines, and for a socket file we created removes it when the
    /// listener is dropped (at shutdown).
    pub name: UnixName,
}

impl Acceptor for UnixAcceptor {
    type Stream = mio::net::UnixStream;

    fn accept_one(&self) -> io::Result<(Self::Stream, Option<SocketAddr>, String)> {
        let (stream, _) = self.listener.accept()?;
        Ok((stream, None, format!("unix:{}", self.name)))
    }

    fn describe(&self) -> String {
        format!("unix {}", self.name)
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

/// Accepts connections and spawns a [`Connection`] for each (over TLS when `tls` is set).
pub struct StreamListener<A: Acceptor, S: Service> {
    acceptor: A,
    service: Rc<RefCell<S>>,
    shared: Arc<ServerShared>,
    tls: Option<Arc<ServerTls>>,
    /// Out of file descriptors: accepting resumes on the timer.
    paused: bool,
}

impl<A: Acceptor, S: Service> StreamListener<A, S> {
    /// A listener serving `service`, plain or (with `tls`) over TLS.
    pub fn new(
        acceptor: A,
        service: Rc<RefCell<S>>,
        shared: Arc<ServerShared>,
        tls: Option<Arc<ServerTls>>,
    ) -> Self {
        StreamListener {
            acceptor,
            service,
            shared,
            tls,
            paused: false,
        }
    }

    /// Accepts until the queue is empty (edge-triggered readiness).
    fn accept_all(&mut self, cx: &mut Context<'_>) -> Action {
        loop {
            match self.acceptor.accept_one() {
                Ok((stream, address, peer)) => {
                    if self.paused {
                        tracing::info!("{}: accepting again", self.acceptor.describe());
                        self.paused = false;
                    }
                    self.take(stream, address, peer, cx);
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

    fn take(
        &mut self,
        stream: A::Stream,
        address: Option<SocketAddr>,
        peer: String,
        cx: &mut Context<'_>,
    ) {
        if let Some(address) = address
            && !self.shared.access.permits(address.ip())
        {
            Stats::count(&self.shared.stats.refused);
            if let Some(n) = self.shared.warnings.denied.note(cx.now()) {
                tracing::info!(peer = %peer, refused = n, "{n} connection(s) refused by --allow/--deny");
            }
            return;
        }
        self.acceptor.configure(&stream, &self.shared);
        let session = self.service.borrow_mut().open(&peer);
        let id = self.shared.next_id();
        let shared = Arc::clone(&self.shared);
        match &self.tls {
            None => cx.spawn(Box::new(Connection::new(stream, session, peer, id, shared))),
            Some(tls) => match tls.accept(stream) {
                Ok(stream) => {
                    cx.spawn(Box::new(Connection::new(stream, session, peer, id, shared)))
                }
                Err(e) => tracing::warn!(peer = %peer, "cannot start TLS: {e}"),
            },
        }
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

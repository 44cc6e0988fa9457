//! UDP listeners: each datagram goes to the service, after the access list and the loop guard.

use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use mio::Interest;
use mio::event::{Event, Source};

use super::server::Service;
use super::shared::ServerShared;
use super::stats::Stats;
use crate::reactor::{Action, Context, Handler};

/// A UDP socket whose datagrams go to the service.
pub struct Datagrams<S: Service> {
    socket: mio::net::UdpSocket,
    service: Rc<RefCell<S>>,
    shared: Arc<ServerShared>,
}

impl<S: Service> Datagrams<S> {
    /// Serves the datagrams arriving on `socket` with `service`.
    pub fn new(
        socket: mio::net::UdpSocket,
        service: Rc<RefCell<S>>,
        shared: Arc<ServerShared>,
    ) -> Self {
        Datagrams {
            socket,
            service,
            shared,
        }
    }

    /// Whether a datagram from `from` is passed on (the access list and the loop guard).
    fn accepts(&self, from: SocketAddr) -> bool {
        if !self.shared.access.permits(from.ip()) {
            tracing::debug!(peer = %from, "ignoring a datagram: refused by --allow/--deny");
            return false;
        }
        match loop_risk(from, self.shared.allow_low_ports) {
            Some(why) => {
                tracing::debug!(peer = %from, "ignoring a datagram: {why}");
                false
            }
            None => true,
        }
    }
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
                    Stats::count(&self.stats.datagrams_out);
                    self.stats
                        .bytes_out
                        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                    return true;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    tracing::debug!(peer = %self.from, "reply dropped: {e}");
                    self.count_dropped();
                    return false;
                }
            }
        }
    }

    /// Counts this datagram as dropped (not answered on purpose, e.g. a rate limit).
    pub fn count_dropped(&self) {
        Stats::count(&self.stats.datagrams_dropped);
    }
}

/// Like xinetd: a datagram from port 0 cannot be answered, and one from a low port is likely
/// another UDP service (echo, chargen, daytime) that would answer back forever. Says why a
/// datagram is ignored, or `None`.
pub fn loop_risk(from: SocketAddr, allow_low_ports: bool) -> Option<&'static str> {
    match from.port() {
        0 => Some("source port 0 (a reply could not be delivered)"),
        port if port < 1024 && !allow_low_ports => {
            Some("source port below 1024 (another UDP service? --allow-low-ports answers it)")
        }
        _ => None,
    }
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
                    Stats::count(&stats.datagrams_in);
                    stats.bytes_in.fetch_add(n as u64, Ordering::Relaxed);
                    if !self.accepts(from) {
                        Stats::count(&stats.datagrams_dropped);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low_source_ports_are_ignored_unless_allowed_and_port_zero_always() {
        let from = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
        assert!(loop_risk(from(0), false).is_some_and(|why| why.contains("port 0")));
        assert!(loop_risk(from(0), true).is_some());
        assert!(loop_risk(from(7), false).is_some_and(|why| why.contains("below 1024")));
        assert!(loop_risk(from(1023), false).is_some());
        assert!(loop_risk(from(7), true).is_none());
        assert!(loop_risk(from(1024), false).is_none());
        assert!(loop_risk(from(40000), false).is_none());
    }
}

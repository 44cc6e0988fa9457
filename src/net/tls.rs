//! TLS as a stream layer on the reactor: [`TlsStream`] wraps a non-blocking socket and a rustls
//! connection, and is itself a [`StreamSocket`], so any session (echo, time, the HMAC
//! handshake) runs over it unchanged, on the same edge-triggered loop, with no extra thread.
//!
//! The layer is generic over rustls's two sides ([`TlsSide`]): servers use
//! `ServerConnection` (from [`ServerTls`]: certificate, key, optional client CA, reloaded on
//! SIGHUP); a client such as `connect` wraps a `ClientConnection` the same way.
//!
//! How it maps onto the loop:
//! - the handshake is driven by [`StreamSocket::handshake`] until it completes; the connection
//!   starts its session only then, so a greeting (serve-time's reply) goes out encrypted;
//! - reading returns plaintext; each call reads the socket at most once, and a short socket
//!   read tells the connection the socket is empty, as for plain TCP;
//! - writing hands plaintext to rustls (whose own buffer is kept small, so `--max-buffer`
//!   counts plaintext queued by the connection) and writes records until the socket blocks;
//!   records still pending keep WRITABLE interest on ([`StreamSocket::has_pending_output`]);
//! - shutting down the write side sends close_notify, then FIN once it is out.

use std::io::{self, Read, Write};
use std::ops::DerefMut;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::Context as _;
use mio::event::Source;
use mio::{Interest, Registry, Token};
use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use rustls::{ConnectionCommon, RootCertStore, ServerConfig, ServerConnection};

use super::stream::StreamSocket;
use crate::tls::pem::{load_certificates, load_private_key};

/// How much encrypted output rustls may hold per connection beyond what the socket took:
/// two full records. The connection's own queue (plaintext) is what `--max-buffer` bounds.
const RECORD_BUFFER: usize = 2 * 16 * 1024 + 1024;

/// One side of a rustls connection: `ServerConnection` or `ClientConnection`.
pub trait TlsSide: DerefMut<Target = ConnectionCommon<Self::Data>> + 'static {
    type Data;
}

impl TlsSide for ServerConnection {
    type Data = rustls::server::ServerConnectionData;
}

impl TlsSide for rustls::ClientConnection {
    type Data = rustls::client::ClientConnectionData;
}

/// A socket with TLS on top; see the module docs.
pub struct TlsStream<S, C> {
    socket: S,
    tls: C,
    /// The last socket read took less than rustls offered: the socket was empty then.
    socket_drained: bool,
    /// close_notify is queued; FIN follows once every record is out.
    closing: bool,
    fin_sent: bool,
    /// The peer closed the TCP connection without close_notify.
    unclean_eof: bool,
}

impl<S: StreamSocket, C: TlsSide> TlsStream<S, C> {
    /// Wraps `socket` (connected, non-blocking) in the TLS connection `tls`.
    pub fn new(socket: S, mut tls: C) -> TlsStream<S, C> {
        tls.set_buffer_limit(Some(RECORD_BUFFER));
        TlsStream {
            socket,
            tls,
            socket_drained: false,
            closing: false,
            fin_sent: false,
            unclean_eof: false,
        }
    }

    /// The rustls connection (e.g. for the peer's certificates).
    pub fn tls(&self) -> &C {
        &self.tls
    }

    /// Whether the peer ended the TCP connection without a close_notify alert.
    pub fn ended_without_close_notify(&self) -> bool {
        self.unclean_eof
    }

    /// Writes queued records until the socket blocks; then, if closing, sends FIN.
    fn flush_records(&mut self) -> io::Result<()> {
        while self.tls.wants_write() {
            match self.tls.write_tls(&mut self.socket) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if self.closing && !self.fin_sent {
            self.fin_sent = true;
            match self.socket.shutdown_write() {
                // The peer is gone already: nothing left to tell it.
                Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => {}
                result => result?,
            }
        }
        Ok(())
    }

    /// Reads the socket once into rustls and processes what came. `WouldBlock` when the
    /// socket had nothing.
    fn receive(&mut self) -> io::Result<usize> {
        let mut probe = ShortReadProbe {
            inner: &mut self.socket,
            short: false,
        };
        let n = self.tls.read_tls(&mut probe)?;
        self.socket_drained = probe.short;
        self.process()?;
        Ok(n)
    }

    fn process(&mut self) -> io::Result<()> {
        if let Err(e) = self.tls.process_new_packets() {
            // Send the alert rustls queued, if the socket takes it.
            let _ = self.flush_records();
            return Err(io::Error::new(io::ErrorKind::InvalidData, e));
        }
        if self.tls.wants_write() {
            self.flush_records()?;
        }
        Ok(())
    }
}

/// Notes whether a read returned less than the buffer offered.
struct ShortReadProbe<'a, S> {
    inner: &'a mut S,
    short: bool,
}

impl<S: Read> Read for ShortReadProbe<'_, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.short = n < buf.len();
        Ok(n)
    }
}

impl<S: StreamSocket, C: TlsSide> Read for TlsStream<S, C> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.tls.reader().read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    self.unclean_eof = true;
                    return Ok(0);
                }
                Err(e) => return Err(e),
            }
            self.receive()?;
        }
    }
}

impl<S: StreamSocket, C: TlsSide> Write for TlsStream<S, C> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.flush_records()?;
        let n = self.tls.writer().write(bytes)?;
        self.flush_records()?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flush_records()
    }
}

impl<S: StreamSocket, C: TlsSide> Source for TlsStream<S, C> {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        self.socket.register(r, t, i)
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        self.socket.reregister(r, t, i)
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        self.socket.deregister(r)
    }
}

impl<S: StreamSocket, C: TlsSide> StreamSocket for TlsStream<S, C> {
    fn shutdown_write(&mut self) -> io::Result<()> {
        if !self.closing {
            self.closing = true;
            self.tls.send_close_notify();
        }
        self.flush_records()
    }

    fn drained_by(&self, n: usize, len: usize) -> bool {
        // Plaintext fills the buffer while rustls has any, so a short read emptied rustls; the
        // socket is empty if the read rustls made from it was short too.
        n < len && self.socket_drained
    }

    fn is_handshaking(&self) -> bool {
        self.tls.is_handshaking()
    }

    fn handshake(&mut self) -> io::Result<bool> {
        loop {
            self.flush_records()?;
            if !self.tls.is_handshaking() {
                return Ok(true);
            }
            match self.tls.read_tls(&mut self.socket) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the peer closed the connection during the TLS handshake",
                    ));
                }
                Ok(_) => self.process()?,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn has_pending_output(&self) -> bool {
        self.tls.wants_write() || (self.closing && !self.fin_sent)
    }

    fn flush_pending(&mut self) -> io::Result<()> {
        self.flush_records()
    }

    fn tls_summary(&self) -> Option<String> {
        Some(crate::tls::client::session_summary(&self.tls))
    }

    fn peer_identity(&self) -> Option<String> {
        let certificate = self.tls.peer_certificates()?.first()?;
        Some(
            crate::tls::subject::subject_of(certificate)
                .unwrap_or_else(|| "(unreadable subject)".to_owned()),
        )
    }
}

/// Why a TLS connection failed, for the log line and the counters.
pub fn handshake_failure(e: &io::Error) -> HandshakeFailure {
    let tls = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match tls {
        Some(rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented) => {
            HandshakeFailure::ClientCertificate
        }
        Some(rustls::Error::InvalidMessage(_)) => HandshakeFailure::NotTls,
        _ => HandshakeFailure::Other,
    }
}

/// See [`handshake_failure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeFailure {
    /// The client's certificate was missing or refused (`--tls-client-ca`).
    ClientCertificate,
    /// The bytes were not TLS at all: a plaintext client on a TLS port, most likely.
    NotTls,
    Other,
}

/// The files a TLS listener is configured from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first (`--tls-cert`).
    pub cert: PathBuf,
    /// Its private key (`--tls-key`).
    pub key: PathBuf,
    /// With `--tls-client-ca`: clients must present a certificate this CA signed.
    pub client_ca: Option<PathBuf>,
}

/// A server's TLS configuration, shared by all loops; the certificate and key can be
/// reloaded while the server runs (new connections use the new pair).
#[derive(Debug)]
pub struct ServerTls {
    files: TlsFiles,
    config: Arc<ServerConfig>,
    current: Arc<ReloadableCert>,
}

impl ServerTls {
    /// Loads the certificate, key and client CA; errors name the file and the problem.
    pub fn load(files: &TlsFiles) -> anyhow::Result<ServerTls> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let certified = certified_key(files, &provider)?;
        let current = Arc::new(ReloadableCert(RwLock::new(Arc::new(certified))));
        let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .context("the TLS library refused its default protocol versions")?;
        let builder = match &files.client_ca {
            None => builder.with_no_client_auth(),
            Some(path) => {
                let roots = client_roots(path)?;
                let verifier = WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    Arc::clone(&provider),
                )
                .build()
                .with_context(|| format!("--tls-client-ca {}: unusable", path.display()))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let config =
            builder.with_cert_resolver(Arc::clone(&current) as Arc<dyn ResolvesServerCert>);
        Ok(ServerTls {
            files: files.clone(),
            config: Arc::new(config),
            current,
        })
    }

    /// Reads the certificate and key files again and uses them for new connections. On an
    /// error the pair in use stays.
    pub fn reload(&self) -> anyhow::Result<()> {
        let provider = Arc::clone(self.config.crypto_provider());
        let certified = certified_key(&self.files, &provider)?;
        *self
            .current
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(certified);
        Ok(())
    }

    /// The server side of a new TLS connection.
    pub fn accept<S: StreamSocket>(
        &self,
        socket: S,
    ) -> Result<TlsStream<S, ServerConnection>, rustls::Error> {
        Ok(TlsStream::new(
            socket,
            ServerConnection::new(Arc::clone(&self.config))?,
        ))
    }
}

/// Serves whichever certificate and key were loaded last.
#[derive(Debug)]
struct ReloadableCert(RwLock<Arc<CertifiedKey>>);

impl ResolvesServerCert for ReloadableCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(
            &self
                .0
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        ))
    }
}

fn certified_key(
    files: &TlsFiles,
    provider: &Arc<rustls::crypto::CryptoProvider>,
) -> anyhow::Result<CertifiedKey> {
    let chain = load_certificates(&files.cert).context("--tls-cert")?;
    let key = load_private_key(&files.key).context("--tls-key")?;
    CertifiedKey::from_der(chain, key, provider).map_err(|e| {
        anyhow::anyhow!(
            "--tls-cert {} and --tls-key {}: {}",
            files.cert.display(),
            files.key.display(),
            describe_key_error(&e)
        )
    })
}

fn describe_key_error(e: &rustls::Error) -> String {
    match e {
        rustls::Error::InconsistentKeys(_) => {
            "the private key does not belong to the certificate".to_owned()
        }
        other => other.to_string(),
    }
}

fn client_roots(path: &Path) -> anyhow::Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    for cert in load_certificates(path).context("--tls-client-ca")? {
        roots.add(cert).with_context(|| {
            format!(
                "--tls-client-ca {}: not a usable CA certificate",
                path.display()
            )
        })?;
    }
    Ok(roots)
}

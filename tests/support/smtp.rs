//! A small but real ESMTP server for the first-stage sendmail tests, on std threads, started
//! inside the test process: EHLO with 8BITMIME, DSN, SIZE, SMTPUTF8, STARTTLS and implicit
//! TLS (rustls, certificates from rcgen), AUTH PLAIN/LOGIN/XOAUTH2/OAUTHBEARER, refusals
//! and scripted replies for the error paths, and a record of every command and message.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// How the server protects connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tls {
    #[default]
    None,
    Starttls,
    Implicit,
}

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Options {
    pub tls: Tls,
    /// `(user, secret)`: the password for PLAIN/LOGIN, the token for XOAUTH2/OAUTHBEARER.
    pub auth: Option<(String, String)>,
    /// Mechanisms announced after AUTH.
    pub mechanisms: Vec<&'static str>,
    /// Offer AUTH before TLS too.
    pub auth_without_tls: bool,
    pub eight_bit_mime: bool,
    pub dsn: bool,
    pub smtputf8: bool,
    pub size: Option<u64>,
    /// RCPT answered 550.
    pub refuse: Vec<String>,
    /// RCPT answered 450.
    pub tempfail: Vec<String>,
    /// The reply to the final dot (default `250 2.0.0 OK: queued as N`).
    pub data_reply: Option<String>,
    /// Written right after `220` to STARTTLS, in the same segment, before the handshake.
    pub inject_after_starttls: Option<Vec<u8>>,
    /// The server's certificate is a self-signed CA (`CA:TRUE`), like `openssl req -x509`.
    pub self_signed_ca_cert: bool,
    /// The server's certificate carries a critical extension nobody knows.
    pub unknown_critical_extension: bool,
    /// Ask for a client certificate signed by the test CA.
    pub require_client_cert: bool,
    /// Answer EHLO with 502 (a server from before ESMTP).
    pub no_ehlo: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            tls: Tls::None,
            auth: None,
            mechanisms: vec!["PLAIN", "LOGIN"],
            auth_without_tls: false,
            eight_bit_mime: true,
            dsn: true,
            smtputf8: true,
            size: Some(10_000_000),
            refuse: vec![],
            tempfail: vec![],
            data_reply: None,
            inject_after_starttls: None,
            self_signed_ca_cert: false,
            unknown_critical_extension: false,
            require_client_cert: false,
            no_ehlo: false,
        }
    }
}

/// A message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub helo: String,
    pub mail_from: String,
    pub mail_params: Vec<String>,
    pub rcpts: Vec<String>,
    pub rcpt_params: Vec<Vec<String>>,
    pub data: Vec<u8>,
    pub login: Option<String>,
    pub mechanism: Option<String>,
    pub encrypted: bool,
}

#[derive(Default)]
struct State {
    messages: Vec<Received>,
    /// Every command line of every session, in order (sessions separated by `<connect>`).
    commands: Vec<String>,
}

/// Certificate files made for one server.
pub struct Certs {
    /// The CA that signed the server's certificate (or the self-signed certificate itself).
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
    /// A client certificate and key signed by the CA.
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// The server certificate's DER bytes.
    pub server_der: Vec<u8>,
}

/// A running server; it stops accepting when dropped (threads end with their sockets).
pub struct SmtpServer {
    pub port: u16,
    pub certs: Option<Certs>,
    state: Arc<Mutex<State>>,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start(options: Options) -> SmtpServer {
        let dir = tempfile::tempdir().expect("server temp dir");
        let needs_tls = options.tls != Tls::None;
        let certs = needs_tls.then(|| {
            make_certs(
                dir.path(),
                options.self_signed_ca_cert,
                options.unknown_critical_extension,
            )
        });
        let tls_config = certs
            .as_ref()
            .map(|c| server_config(c, options.require_client_cert));
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind SMTP server");
        let port = listener.local_addr().expect("local addr").port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            let mut count = 0;
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                count += 1;
                let (options, state, tls) = (options.clone(), shared.clone(), tls_config.clone());
                std::thread::spawn(move || {
                    let _ = Session::run(stream, options, state, tls, count);
                });
            }
        });
        SmtpServer {
            port,
            certs,
            state,
            _dir: dir,
        }
    }

    pub fn plain() -> SmtpServer {
        SmtpServer::start(Options::default())
    }

    pub fn with_tls(tls: Tls) -> SmtpServer {
        SmtpServer::start(Options {
            tls,
            ..Options::default()
        })
    }

    /// Every message received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.state.lock().expect("state").messages.clone()
    }

    /// The one message received; fails when there is not exactly one.
    pub fn only_message(&self) -> Received {
        let all = self.received();
        assert_eq!(all.len(), 1, "expected exactly one message, got {all:?}");
        all.into_iter().next().expect("one message")
    }

    /// Every command line the server has read.
    pub fn commands(&self) -> Vec<String> {
        self.state.lock().expect("state").commands.clone()
    }

    /// `--server 127.0.0.1 --port N --tls MODE --timeout 20s`, plus `--ca-file` for TLS.
    pub fn flags(&self, tls: &str) -> Vec<String> {
        let mut flags: Vec<String> = ["--server", "127.0.0.1", "--port"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        flags.extend([self.port.to_string(), "--tls".into(), tls.into()]);
        flags.extend(["--timeout".into(), "20s".into()]);
        if let (Some(certs), true) = (&self.certs, tls != "none") {
            flags.push("--ca-file".into());
            flags.push(certs.ca.display().to_string());
        }
        flags
    }
}

/// The bytes of one connection, plain or under TLS.
enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.write_all(bytes),
            Stream::Tls(s) => {
                s.write_all(bytes)?;
                s.flush()
            }
        }
    }
}

struct Session {
    stream: Option<Stream>,
    buffer: Vec<u8>,
    options: Options,
    state: Arc<Mutex<State>>,
    tls: Option<Arc<ServerConfig>>,
    encrypted: bool,
    helo: String,
    login: Option<(String, String)>,
    number: usize,
}

fn b64(text: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn unb64(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .unwrap_or_default()
}

impl Session {
    fn run(
        tcp: TcpStream,
        options: Options,
        state: Arc<Mutex<State>>,
        tls: Option<Arc<ServerConfig>>,
        number: usize,
    ) -> io::Result<()> {
        tcp.set_read_timeout(Some(Duration::from_secs(60)))?;
        tcp.set_nodelay(true)?;
        state
            .lock()
            .expect("state")
            .commands
            .push("<connect>".into());
        let mut session = Session {
            stream: Some(Stream::Plain(tcp)),
            buffer: Vec::new(),
            options,
            state,
            tls,
            encrypted: false,
            helo: String::new(),
            login: None,
            number,
        };
        if session.options.tls == Tls::Implicit {
            session.upgrade()?;
        }
        session.reply("220 tackle-test.example.org ESMTP ready")?;
        session.dialogue()
    }

    fn stream(&mut self) -> &mut Stream {
        self.stream.as_mut().expect("stream")
    }

    fn upgrade(&mut self) -> io::Result<()> {
        let Some(Stream::Plain(tcp)) = self.stream.take() else {
            return Err(io::Error::other("already TLS"));
        };
        let config = self
            .tls
            .clone()
            .ok_or_else(|| io::Error::other("no TLS config"))?;
        let conn = ServerConnection::new(config).map_err(io::Error::other)?;
        let mut tls = StreamOwned::new(conn, tcp);
        while tls.conn.is_handshaking() {
            tls.conn.complete_io(&mut tls.sock)?;
        }
        self.stream = Some(Stream::Tls(Box::new(tls)));
        self.buffer.clear();
        self.encrypted = true;
        Ok(())
    }

    fn reply(&mut self, text: &str) -> io::Result<()> {
        let wire = format!("{}\r\n", text.replace('\n', "\r\n"));
        self.stream().write_all(wire.as_bytes())
    }

    fn read_line(&mut self) -> io::Result<Option<String>> {
        loop {
            if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                let text = String::from_utf8_lossy(&line);
                return Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()));
            }
            let mut chunk = [0u8; 8192];
            let n = self.stream().read(&mut chunk)?;
            if n == 0 {
                return Ok(None);
            }
            self.buffer.extend_from_slice(&chunk[..n]);
        }
    }

    /// The message after DATA, up to the `.` line, dot-unstuffed, CRLF kept.
    fn read_data(&mut self) -> io::Result<Vec<u8>> {
        let mut data = Vec::new();
        loop {
            while let Some(end) = self.buffer.windows(2).position(|w| w == b"\r\n") {
                let line: Vec<u8> = self.buffer.drain(..end + 2).collect();
                if line == b".\r\n" {
                    return Ok(data);
                }
                let line = line.strip_prefix(b".").unwrap_or(&line);
                data.extend_from_slice(line);
            }
            let mut chunk = [0u8; 65536];
            let n = self.stream().read(&mut chunk)?;
            if n == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "EOF in DATA"));
            }
            self.buffer.extend_from_slice(&chunk[..n]);
        }
    }

    fn ehlo_reply(&self) -> String {
        let o = &self.options;
        let mut lines = vec!["250-tackle-test.example.org greets you".to_owned()];
        if o.eight_bit_mime {
            lines.push("250-8BITMIME".into());
        }
        if o.dsn {
            lines.push("250-DSN".into());
        }
        if o.smtputf8 {
            lines.push("250-SMTPUTF8".into());
        }
        if let Some(size) = o.size {
            lines.push(format!("250-SIZE {size}"));
        }
        if o.tls == Tls::Starttls && !self.encrypted {
            lines.push("250-STARTTLS".into());
        }
        if o.auth.is_some() && (self.encrypted || o.auth_without_tls) {
            lines.push(format!("250-AUTH {}", o.mechanisms.join(" ")));
        }
        lines.push("250 HELP".into());
        lines.join("\n")
    }

    fn dialogue(&mut self) -> io::Result<()> {
        let mut mail_from: Option<(String, Vec<String>)> = None;
        let mut rcpts: Vec<(String, Vec<String>)> = Vec::new();
        while let Some(line) = self.read_line()? {
            self.state
                .lock()
                .expect("state")
                .commands
                .push(line.clone());
            let upper = line.to_ascii_uppercase();
            let verb = upper.split(' ').next().unwrap_or_default().to_owned();
            match verb.as_str() {
                "EHLO" if self.options.no_ehlo => self.reply("502 5.5.1 EHLO not implemented")?,
                "EHLO" => {
                    self.helo = line[5..].trim().to_owned();
                    let reply = self.ehlo_reply();
                    self.reply(&reply)?;
                }
                "HELO" => {
                    self.helo = line[5..].trim().to_owned();
                    self.reply("250 tackle-test.example.org")?;
                }
                "STARTTLS" if self.options.tls == Tls::Starttls && !self.encrypted => {
                    let mut ready = b"220 2.0.0 Ready to start TLS\r\n".to_vec();
                    if let Some(injected) = &self.options.inject_after_starttls {
                        ready.extend_from_slice(injected);
                    }
                    self.stream().write_all(&ready)?;
                    self.upgrade()?;
                }
                "AUTH" => self.auth(&line)?,
                "MAIL" => {
                    let (address, params) = envelope_address(&line, "MAIL FROM:");
                    mail_from = Some((address, params));
                    rcpts.clear();
                    self.reply("250 2.1.0 OK")?;
                }
                "RCPT" => {
                    let (address, params) = envelope_address(&line, "RCPT TO:");
                    let lower = address.to_ascii_lowercase();
                    if self
                        .options
                        .refuse
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(&lower))
                    {
                        self.reply(&format!(
                            "550 5.1.1 <{address}>: Recipient address rejected: no such user"
                        ))?;
                    } else if self
                        .options
                        .tempfail
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(&lower))
                    {
                        self.reply(&format!(
                            "450 4.2.1 <{address}>: Mailbox busy, try again later"
                        ))?;
                    } else if mail_from.is_none() {
                        self.reply("503 5.5.1 MAIL first")?;
                    } else {
                        rcpts.push((address, params));
                        self.reply("250 2.1.5 OK")?;
                    }
                }
                "DATA" if rcpts.is_empty() => self.reply("503 5.5.1 RCPT first")?,
                "DATA" => {
                    self.reply("354 End data with <CR><LF>.<CR><LF>")?;
                    let data = self.read_data()?;
                    let (from, params) = mail_from.take().unwrap_or_default();
                    let reply = match &self.options.data_reply {
                        Some(reply) => reply.clone(),
                        None => {
                            let mut state = self.state.lock().expect("state");
                            state.messages.push(Received {
                                helo: self.helo.clone(),
                                mail_from: from,
                                mail_params: params,
                                rcpts: rcpts.iter().map(|(a, _)| a.clone()).collect(),
                                rcpt_params: rcpts.iter().map(|(_, p)| p.clone()).collect(),
                                data,
                                login: self.login.as_ref().map(|(u, _)| u.clone()),
                                mechanism: self.login.as_ref().map(|(_, m)| m.clone()),
                                encrypted: self.encrypted,
                            });
                            format!("250 2.0.0 OK: queued as {:04}", state.messages.len())
                        }
                    };
                    rcpts.clear();
                    self.reply(&reply)?;
                }
                "RSET" => {
                    mail_from = None;
                    rcpts.clear();
                    self.reply("250 2.0.0 OK")?;
                }
                "NOOP" => self.reply("250 2.0.0 OK")?,
                "QUIT" => {
                    self.reply("221 2.0.0 Bye")?;
                    return Ok(());
                }
                _ => self.reply("500 5.5.2 Error: command not recognized")?,
            }
        }
        let _ = self.number;
        Ok(())
    }

    fn auth(&mut self, line: &str) -> io::Result<()> {
        let words: Vec<&str> = line.split(' ').collect();
        let mechanism = words
            .get(1)
            .map(|m| m.to_ascii_uppercase())
            .unwrap_or_default();
        let Some((user, secret)) = self.options.auth.clone() else {
            return self.reply("503 5.5.1 AUTH not available");
        };
        if !self.encrypted && !self.options.auth_without_tls {
            return self
                .reply("538 5.7.11 Encryption required for requested authentication mechanism");
        }
        let initial = words.get(2).map(|s| s.to_string());
        let ok = match mechanism.as_str() {
            "PLAIN" => {
                let response = match initial {
                    Some(r) => r,
                    None => {
                        self.reply("334 ")?;
                        self.read_line()?.unwrap_or_default()
                    }
                };
                let decoded = unb64(&response);
                let parts: Vec<&[u8]> = decoded.split(|&b| b == 0).collect();
                parts.len() == 3 && parts[1] == user.as_bytes() && parts[2] == secret.as_bytes()
            }
            "LOGIN" => {
                self.reply(&format!("334 {}", b64(b"Username:")))?;
                let given_user = unb64(&self.read_line()?.unwrap_or_default());
                self.reply(&format!("334 {}", b64(b"Password:")))?;
                let given = unb64(&self.read_line()?.unwrap_or_default());
                given_user == user.as_bytes() && given == secret.as_bytes()
            }
            "XOAUTH2" | "OAUTHBEARER" => {
                let decoded =
                    String::from_utf8_lossy(&unb64(&initial.unwrap_or_default())).into_owned();
                let expected_user = if mechanism == "XOAUTH2" {
                    format!("user={user}\x01")
                } else {
                    format!("n,a={user},")
                };
                let good = decoded.starts_with(&expected_user)
                    && decoded.contains(&format!("\x01auth=Bearer {secret}\x01\x01"));
                if !good {
                    let error = b64(br#"{"status":"401","schemes":"bearer","scope":"https://mail.example.org/"}"#);
                    self.reply(&format!("334 {error}"))?;
                    let _ack = self.read_line()?;
                }
                good
            }
            _ => return self.reply("504 5.5.4 Unrecognized authentication type"),
        };
        if ok {
            self.login = Some((user, mechanism));
            self.reply("235 2.7.0 Authentication successful")
        } else {
            self.reply("535 5.7.8 Error: authentication failed: bad credentials")
        }
    }
}

/// `MAIL FROM:<a@b> BODY=8BITMIME` -> (`a@b`, [`BODY=8BITMIME`]).
fn envelope_address(line: &str, prefix: &str) -> (String, Vec<String>) {
    let rest = &line[prefix.len().min(line.len())..];
    let rest = rest.trim_start();
    let (address, params) = match rest.strip_prefix('<').and_then(|r| r.split_once('>')) {
        Some((address, params)) => (address.to_owned(), params),
        None => (rest.split(' ').next().unwrap_or_default().to_owned(), ""),
    };
    let params = params.split_whitespace().map(str::to_owned).collect();
    (address, params)
}

/// A CA, a server certificate it signed for localhost and 127.0.0.1 (or, with
/// `self_signed_ca_cert`, a self-signed CA:TRUE one; with `unknown_critical_extension`, one
/// that carries a critical extension no verifier knows), and a client certificate, as files
/// in `dir`.
pub fn make_certs(
    dir: &Path,
    self_signed_ca_cert: bool,
    unknown_critical_extension: bool,
) -> Certs {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "tackle test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
        .expect("CA certificate");
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let key = KeyPair::generate().expect("server key");
    let (cert_pem, cert_der, ca_pem) = if self_signed_ca_cert {
        // What `openssl req -x509 -subj /CN=localhost -addext subjectAltName=...` makes:
        // self-signed, CA:TRUE, used as the server's own certificate.
        let mut params = CertificateParams::new(names).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).expect("self-signed certificate");
        (cert.pem(), cert.der().to_vec(), cert.pem())
    } else {
        let mut params = CertificateParams::new(names).expect("server params");
        if unknown_critical_extension {
            // An OID under 1.3.6.1.4.1 (private enterprises) that nobody implements; the value
            // is DER NULL.
            let mut extension =
                rcgen::CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 99999, 1], vec![5, 0]);
            extension.set_criticality(true);
            params.custom_extensions.push(extension);
        }
        let cert = params.signed_by(&key, &ca).expect("server certificate");
        (cert.pem(), cert.der().to_vec(), ca.pem())
    };
    let client_key = KeyPair::generate().expect("client key");
    let mut client_params = CertificateParams::new(Vec::<String>::new()).expect("client params");
    client_params
        .distinguished_name
        .push(DnType::CommonName, "tackle test client");
    let client = client_params
        .signed_by(&client_key, &ca)
        .expect("client certificate");
    let certs = Certs {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
        client_cert: dir.join("client.pem"),
        client_key: dir.join("client.key"),
        server_der: cert_der,
    };
    std::fs::write(&certs.ca, ca_pem).expect("write CA");
    std::fs::write(&certs.cert, cert_pem).expect("write cert");
    std::fs::write(&certs.key, key.serialize_pem()).expect("write key");
    std::fs::write(&certs.client_cert, client.pem()).expect("write client cert");
    std::fs::write(&certs.client_key, client_key.serialize_pem()).expect("write client key");
    // The CA file doubles as the trust anchor for client certificates.
    std::fs::write(dir.join("client-ca.pem"), ca.pem()).expect("write client CA");
    certs
}

fn server_config(certs: &Certs, require_client_cert: bool) -> Arc<ServerConfig> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&certs.cert)
        .expect("read cert")
        .collect::<Result<_, _>>()
        .expect("parse cert");
    let key = PrivateKeyDer::from_pem_file(&certs.key).expect("read key");
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("versions");
    let builder = if require_client_cert {
        let client_ca = certs.ca.with_file_name("client-ca.pem");
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(&client_ca).expect("read client CA") {
            roots.add(cert.expect("client CA")).expect("add client CA");
        }
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .expect("client verifier");
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    // Not with_single_cert: it refuses a certificate with an unknown critical extension,
    // which a server must be able to present for the client's refusal to be tested.
    let signing_key = rustls::crypto::ring::default_provider()
        .key_provider
        .load_private_key(key)
        .expect("server key");
    let certified = rustls::sign::CertifiedKey::new(chain, signing_key);
    Arc::new(builder.with_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(certified))))
}

/// A one-connection server whose side of the dialogue is `script` (for the error paths no
/// well-behaved server takes). Returns the port and the thread, which ends with the script.
pub fn scripted<F>(script: F) -> (u16, std::thread::JoinHandle<()>)
where
    F: FnOnce(TcpStream) + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handle = std::thread::spawn(move || {
        if let Ok((conn, _)) = listener.accept() {
            let _ = conn.set_read_timeout(Some(Duration::from_secs(60)));
            script(conn);
        }
    });
    (port, handle)
}

/// Reads one CRLF line from a scripted connection (byte by byte, so nothing is over-read).
pub fn read_line(conn: &mut TcpStream) -> Option<String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match conn.read(&mut byte) {
            Ok(1) => {
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    return Some(String::from_utf8_lossy(&line).into_owned());
                }
            }
            _ => return (!line.is_empty()).then(|| String::from_utf8_lossy(&line).into_owned()),
        }
    }
}

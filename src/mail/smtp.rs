//! The SMTP conversation, one stage at a time (connect, TLS, AUTH, MAIL, RCPT, DATA), on
//! lettre's blocking `SmtpConnection` over rustls. Driving the stages ourselves instead of
//! `SmtpTransport::send` lets every failure name its stage and quote the server's reply,
//! lets a message go to the recipients the server accepted when it refuses others, and lets
//! `-v` log the conversation with the AUTH exchange redacted (lettre's own tracing would log
//! the credentials).

use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use tracing::{info, warn};

use super::compose::Outgoing;
use super::sysexits;
use crate::exit;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain text, STARTTLS never attempted.
    None,
    /// STARTTLS when the server offers it, plain text otherwise.
    Opportunistic,
    /// STARTTLS required: fail (77) when the server does not offer it.
    Starttls,
    /// TLS from the first byte (SMTPS, port 465).
    Implicit,
}

impl TlsMode {
    /// The port this mode uses unless told otherwise: 465, 587 or 25.
    pub fn default_port(self) -> u16 {
        match self {
            TlsMode::Implicit => 465,
            TlsMode::Starttls => 587,
            TlsMode::None | TlsMode::Opportunistic => 25,
        }
    }
}

/// Login details for AUTH.
#[derive(Clone)]
pub struct Login {
    pub user: String,
    pub password: String,
    /// The mechanisms we may use, in order of preference; the first the server offers wins.
    pub mechanisms: Vec<Mechanism>,
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("mechanisms", &self.mechanisms)
            .finish()
    }
}

/// Where and how to send.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// PEM certificates trusted in addition to the platform's roots.
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Skip certificate verification (warned about on every use).
    pub insecure: bool,
    pub timeout: Duration,
    pub helo: Option<String>,
    pub login: Option<Login>,
    pub allow_plaintext_auth: bool,
}

/// The stages of a submission, named in every error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Connect,
    Tls,
    Auth,
    Mail,
    Rcpt,
    Data,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Connect => "connect",
            Stage::Tls => "TLS",
            Stage::Auth => "AUTH",
            Stage::Mail => "MAIL",
            Stage::Rcpt => "RCPT",
            Stage::Data => "DATA",
        })
    }
}

/// Sends one message. Ok means the server accepted it for every envelope recipient; a
/// partial refusal is an error (65 or 75) that says who got it and who did not.
pub fn send(config: &ServerConfig, outgoing: &Outgoing) -> anyhow::Result<()> {
    if config.insecure {
        warn!(
            "--tls-insecure: not verifying the certificate of {}; anyone on the path can read the message and the password",
            config.host
        );
    }
    // Loading the platform's roots costs milliseconds, so only when TLS is certain: now for
    // implicit TLS, after the server offers STARTTLS otherwise.
    let implicit = if config.tls == TlsMode::Implicit {
        Some(tls_parameters(config)?)
    } else {
        None
    };
    let addrs = resolve(&config.host, config.port)?;
    let client_id = config
        .helo
        .clone()
        .map_or_else(ClientId::default, ClientId::Domain);

    info!(
        "connecting to {}:{} ({:?} TLS)",
        config.host, config.port, config.tls
    );
    let mut conn = SmtpConnection::connect(
        &addrs[..],
        Some(config.timeout),
        &client_id,
        implicit.as_ref(),
        None,
    )
    .map_err(|e| {
        let stage = if e.is_tls() {
            Stage::Tls
        } else {
            Stage::Connect
        };
        fail(
            stage,
            &format!("{}:{}", config.host, config.port),
            &e,
            config,
        )
    })?;
    info!("< {}", conn.server_info());

    let result = converse(&mut conn, config, &client_id, outgoing);
    // After a timeout, a dropped connection or a garbled reply, QUIT could only wait for
    // another --timeout; otherwise say goodbye properly.
    let connection_is_sane = match &result {
        Ok(()) => true,
        Err(err) => !err
            .chain()
            .filter_map(|c| c.downcast_ref::<exit::Failure>())
            .any(|f| [sysexits::UNAVAILABLE, sysexits::PROTOCOL].contains(&f.status)),
    };
    if connection_is_sane && !conn.has_broken() {
        info!("> QUIT");
        let _ = conn.quit();
    }
    result
}

fn converse(
    conn: &mut SmtpConnection,
    config: &ServerConfig,
    client_id: &ClientId,
    outgoing: &Outgoing,
) -> anyhow::Result<()> {
    start_tls_if_wanted(conn, config, client_id)?;
    if let Some(login) = &config.login {
        authenticate(conn, config, login)?;
    }
    let (accepted, refused) = open_envelope(conn, config, outgoing)?;
    transfer(conn, config, &outgoing.bytes)?;
    if refused.is_empty() {
        return Ok(());
    }
    Err(exit::failure(
        refusal_status(&refused),
        format!(
            "RCPT: sent to {}; the server refused {}",
            accepted.join(", "),
            describe_refusals(&refused)
        ),
    ))
}

fn start_tls_if_wanted(
    conn: &mut SmtpConnection,
    config: &ServerConfig,
    client_id: &ClientId,
) -> anyhow::Result<()> {
    if config.tls == TlsMode::None || conn.is_encrypted() {
        return Ok(());
    }
    if !conn.can_starttls() {
        if config.tls == TlsMode::Starttls {
            return Err(exit::failure(
                sysexits::NO_PERM,
                format!(
                    "TLS: {} does not offer STARTTLS ({}); use --tls implicit for port 465, or --tls opportunistic to allow plain text",
                    config.host,
                    conn.server_info()
                ),
            ));
        }
        info!("server does not offer STARTTLS; continuing in plain text");
        return Ok(());
    }
    let tls = tls_parameters(config)?;
    info!("> STARTTLS");
    conn.starttls(&tls, client_id)
        .map_err(|e| fail(Stage::Tls, "STARTTLS", &e, config))?;
    info!("TLS established; < {}", conn.server_info());
    Ok(())
}

fn authenticate(
    conn: &mut SmtpConnection,
    config: &ServerConfig,
    login: &Login,
) -> anyhow::Result<()> {
    if !conn.is_encrypted() && !config.allow_plaintext_auth {
        return Err(exit::failure(
            sysexits::NO_PERM,
            format!(
                "AUTH: refusing to send the password for {} over an unencrypted connection (the server did not offer STARTTLS); use --tls starttls or implicit, or --allow-plaintext-auth",
                login.user
            ),
        ));
    }
    let Some(mechanism) = conn.server_info().get_auth_mechanism(&login.mechanisms) else {
        return Err(exit::failure(
            sysexits::NO_PERM,
            format!(
                "AUTH: the server offers no mechanism tackle may use ({}) for {}: {}",
                mechanism_names(&login.mechanisms),
                login.user,
                conn.server_info()
            ),
        ));
    };
    info!(
        "> AUTH {mechanism} <credentials for {} redacted>",
        login.user
    );
    let credentials = Credentials::new(login.user.clone(), login.password.clone());
    let response = conn
        .auth(&[mechanism], &credentials)
        .map_err(|e| fail(Stage::Auth, &format!("login as {}", login.user), &e, config))?;
    log_reply(&response);
    Ok(())
}

/// A recipient the server refused, with its reply.
struct Refusal {
    address: String,
    transient: bool,
    reply: String,
}

/// MAIL FROM, then RCPT TO for each recipient. Returns who was accepted and who refused;
/// fails when nobody was accepted.
fn open_envelope(
    conn: &mut SmtpConnection,
    config: &ServerConfig,
    outgoing: &Outgoing,
) -> anyhow::Result<(Vec<String>, Vec<Refusal>)> {
    let envelope = &outgoing.envelope;
    let mut parameters = Vec::new();
    let info = conn.server_info();
    if !outgoing.bytes.is_ascii() && info.supports_feature(Extension::EightBitMime) {
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    let non_ascii = envelope
        .from
        .iter()
        .chain(&envelope.to)
        .any(|a| !a.to_string().is_ascii());
    if non_ascii {
        if !info.supports_feature(Extension::SmtpUtfEight) {
            return Err(exit::failure(
                sysexits::DATA_ERR,
                "MAIL: the envelope has non-ASCII addresses but the server does not offer SMTPUTF8",
            ));
        }
        parameters.push(MailParameter::SmtpUtfEight);
    }
    let mail = Mail::new(envelope.from.clone(), parameters);
    info!("> {}", mail.to_string().trim_end());
    let reply = conn
        .command(mail)
        .map_err(|e| fail(Stage::Mail, &sender_name(outgoing), &e, config))?;
    log_reply(&reply);

    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    for address in &envelope.to {
        let rcpt = Rcpt::new(address.clone(), vec![]);
        info!("> {}", rcpt.to_string().trim_end());
        match conn.command(rcpt) {
            Ok(reply) => {
                log_reply(&reply);
                accepted.push(format!("<{address}>"));
            }
            Err(e) if e.status().is_some() => {
                let reply = server_reply(&e);
                info!("< {reply}");
                refused.push(Refusal {
                    address: format!("<{address}>"),
                    transient: e.is_transient(),
                    reply,
                });
            }
            Err(e) => return Err(fail(Stage::Rcpt, &format!("<{address}>"), &e, config)),
        }
    }
    if accepted.is_empty() {
        return Err(exit::failure(
            refusal_status(&refused),
            format!(
                "RCPT: the server refused every recipient: {}",
                describe_refusals(&refused)
            ),
        ));
    }
    Ok((accepted, refused))
}

fn transfer(conn: &mut SmtpConnection, config: &ServerConfig, bytes: &[u8]) -> anyhow::Result<()> {
    info!("> DATA");
    let reply = conn
        .command(Data)
        .map_err(|e| fail(Stage::Data, "DATA", &e, config))?;
    log_reply(&reply);
    info!("> <message, {} bytes>", bytes.len());
    let reply = match std::str::from_utf8(bytes) {
        // One write for the message and its terminator: lettre's `message` writes them
        // separately, and Nagle's algorithm then holds the terminator until the server's
        // delayed ACK, adding ~40 ms to every message on loopback.
        Ok(text) => conn.command(DataPayload::new(text)),
        // Raw 8-bit (`-t` with a non-UTF-8 body): lettre's own path.
        Err(_) => conn.message(bytes.strip_suffix(b"\r\n").unwrap_or(bytes)),
    }
    .map_err(|e| fail(Stage::Data, "the message", &e, config))?;
    log_reply(&reply);
    Ok(())
}

/// The message as sent after DATA: dot-stuffed (RFC 5321 4.5.2), its last line ended, then
/// the `.` line. Messages reaching here have CRLF line endings throughout.
struct DataPayload(String);

impl DataPayload {
    fn new(message: &str) -> DataPayload {
        let mut out = String::with_capacity(message.len() + message.len() / 50 + 8);
        let mut at_line_start = true;
        for c in message.chars() {
            if at_line_start && c == '.' {
                out.push('.');
            }
            out.push(c);
            at_line_start = c == '\n';
        }
        if !out.is_empty() && !out.ends_with("\r\n") {
            out.push_str("\r\n");
        }
        out.push_str(".\r\n");
        DataPayload(out)
    }
}

impl fmt::Display for DataPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// 65 when any refusal is permanent (retrying cannot help), else 75.
fn refusal_status(refused: &[Refusal]) -> i32 {
    if refused.iter().all(|r| r.transient) {
        sysexits::TEMP_FAIL
    } else {
        sysexits::DATA_ERR
    }
}

fn describe_refusals(refused: &[Refusal]) -> String {
    refused
        .iter()
        .map(|r| format!("{} ({})", r.address, r.reply))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sender_name(outgoing: &Outgoing) -> String {
    format!(
        "<{}>",
        outgoing
            .envelope
            .from
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_default()
    )
}

fn mechanism_names(mechanisms: &[Mechanism]) -> String {
    mechanisms
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn log_reply(response: &Response) {
    info!(
        "< {} {}",
        response.code(),
        response.message().collect::<Vec<_>>().join(" / ")
    );
}

/// The server's reply inside a lettre error: `550 5.1.1 no such user`.
fn server_reply(err: &SmtpError) -> String {
    let text = std::error::Error::source(err)
        .map(|s| s.to_string())
        .unwrap_or_default();
    match err.status() {
        Some(code) => format!("{code} {text}").trim_end().to_owned(),
        None => text,
    }
}

/// The first `io::Error` behind a lettre error, if any.
fn io_cause(err: &SmtpError) -> Option<&io::Error> {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            return Some(io);
        }
        source = cause.source();
    }
    None
}

/// Turns a lettre error at `stage` into an exit status and a message naming the stage and
/// quoting the server's reply.
fn fail(stage: Stage, subject: &str, err: &SmtpError, config: &ServerConfig) -> anyhow::Error {
    if err.status().is_some() {
        let reply = server_reply(err);
        let status = if err.is_transient() {
            sysexits::TEMP_FAIL
        } else {
            match stage {
                Stage::Connect => sysexits::UNAVAILABLE,
                Stage::Tls | Stage::Auth => sysexits::NO_PERM,
                Stage::Mail | Stage::Rcpt | Stage::Data => sysexits::DATA_ERR,
            }
        };
        let what = match stage {
            Stage::Connect => format!("{subject} answered"),
            Stage::Tls => "the server refused STARTTLS".to_owned(),
            Stage::Auth => format!("the server refused the {subject}"),
            Stage::Mail => format!("the server refused the sender {subject}"),
            Stage::Rcpt => format!("the server refused {subject}"),
            Stage::Data => format!("the server refused {subject}"),
        };
        return exit::failure(status, format!("{stage}: {what}: {reply}"));
    }
    let io = io_cause(err);
    if let Some(io) = io {
        let timed_out = matches!(
            io.kind(),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
        );
        if timed_out {
            return exit::failure(
                sysexits::UNAVAILABLE,
                format!(
                    "{stage}: {subject}: no answer within {:?} (--timeout)",
                    config.timeout
                ),
            );
        }
    }
    // rustls reports a bad certificate or handshake as io::ErrorKind::InvalidData.
    let tls_failed = err.is_tls()
        || stage == Stage::Tls
        || io.is_some_and(|io| io.kind() == io::ErrorKind::InvalidData);
    if tls_failed {
        let detail = io.map_or_else(|| err.to_string(), |io| io.to_string());
        return exit::failure(
            sysexits::NO_PERM,
            format!(
                "TLS: handshake with {}:{} failed: {detail}",
                config.host, config.port
            ),
        );
    }
    if let Some(io) = io {
        return exit::failure(sysexits::UNAVAILABLE, format!("{stage}: {subject}: {io}"));
    }
    if err.is_response() {
        // lettre's wording for end-of-stream before a complete reply.
        let what = if err.to_string().ends_with("incomplete response") {
            "the server closed the connection without answering".to_owned()
        } else {
            format!("unexpected answer from the server: {err}")
        };
        return exit::failure(sysexits::PROTOCOL, format!("{stage}: {subject}: {what}"));
    }
    if err.is_client() && stage == Stage::Auth {
        return exit::failure(sysexits::NO_PERM, format!("{stage}: {subject}: {err}"));
    }
    exit::failure(sysexits::SOFTWARE, format!("{stage}: {subject}: {err}"))
}

/// Resolves the server name: exit 68 when it does not resolve.
fn resolve(host: &str, port: u16) -> anyhow::Result<Vec<SocketAddr>> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| {
            exit::failure(
                sysexits::NO_HOST,
                format!("connect: cannot resolve {host}: {e}"),
            )
        })?
        .collect();
    if addrs.is_empty() {
        return Err(exit::failure(
            sysexits::NO_HOST,
            format!("connect: {host} has no address"),
        ));
    }
    Ok(addrs)
}

/// TLS settings for `--tls` other than none: the platform's roots plus `--ca-file`, or no
/// verification at all with `--tls-insecure`.
fn tls_parameters(config: &ServerConfig) -> anyhow::Result<TlsParameters> {
    let mut builder = TlsParameters::builder(config.host.clone());
    if let Some(pem) = &config.extra_ca_pem {
        let certificate = Certificate::from_pem(pem).map_err(|e| {
            exit::failure(
                sysexits::USAGE,
                format!("--ca-file: not a PEM certificate: {e}"),
            )
        })?;
        builder = builder.add_root_certificate(certificate);
    }
    if config.insecure {
        builder = builder
            .dangerous_accept_invalid_certs(true)
            .dangerous_accept_invalid_hostnames(true);
    }
    let parameters = builder
        .build_rustls()
        .map_err(|e| exit::failure(sysexits::NO_PERM, format!("TLS: cannot set up TLS: {e}")))?;
    Ok(parameters)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn data_payload_stuffs_dots_and_terminates() {
        assert_eq!(
            DataPayload::new(".a\r\nb\r\n.\r\n").0,
            "..a\r\nb\r\n..\r\n.\r\n"
        );
        assert_eq!(DataPayload::new("no newline").0, "no newline\r\n.\r\n");
        assert_eq!(DataPayload::new("").0, ".\r\n");
    }

    proptest! {
        #[test]
        fn data_payload_unstuffs_to_the_message(lines in proptest::collection::vec("[.a-z ]{0,6}", 0..8)) {
            let message: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
            let payload = DataPayload::new(&message).0;
            // What a server does: split lines until ".", drop one leading dot from each.
            let mut received = String::new();
            let mut ended = false;
            for line in payload.split_terminator("\r\n") {
                if line == "." {
                    ended = true;
                    break;
                }
                received.push_str(line.strip_prefix('.').unwrap_or(line));
                received.push_str("\r\n");
            }
            prop_assert!(ended);
            prop_assert_eq!(received, message);
        }
    }
}

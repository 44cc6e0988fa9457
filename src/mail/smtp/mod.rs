//! The SMTP conversation, one stage at a time (connect, greeting, EHLO, STARTTLS, AUTH,
//! MAIL, RCPT, DATA, QUIT), driven by tackle itself over [`wire::Wire`]. Every failure names
//! its stage, quotes the server's reply and picks a sysexits.h status that a retry wrapper
//! can act on: 75 whenever trying again later can help, 65 when the message or an address
//! must change, 77 for TLS and authentication, 76 when the server makes no sense.
//!
//! Recipients are all or nothing: when the server refuses one, tackle sends RSET and
//! delivers to nobody, so a retry never duplicates (unless `--partial`).

pub mod auth;
pub mod reply;
pub mod wire;

use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use tracing::{info, warn};

use self::auth::Mechanism;
use self::reply::{Extensions, Reply};
use self::wire::{Wire, WireError};
use super::compose::Outgoing;
use super::sysexits;
use crate::duration::format_duration;
use crate::exit;
use crate::secret::Secret;
use crate::tls::client::{ClientTrust, TrustSettings, client_config, explain};

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TlsMode {
    /// Plain text only, STARTTLS never tried
    None,
    /// STARTTLS when the server offers it, else plain text
    Opportunistic,
    /// STARTTLS required
    Starttls,
    /// TLS from the first byte (SMTPS)
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

/// Login details for AUTH (`Debug` shows the secret as [`Secret`] does: its length only).
#[derive(Debug)]
pub struct Login {
    pub user: String,
    /// The password or OAuth2 token.
    pub secret: Secret,
    /// The mechanism asked for; `None`: PLAIN if offered, else LOGIN.
    pub mechanism: Option<Mechanism>,
}

/// Delivery status notification requests (RFC 3461), sent when the server offers DSN.
#[derive(Debug, Clone, Default)]
pub struct Dsn {
    /// `NEVER` or a comma list of `SUCCESS`, `FAILURE`, `DELAY`.
    pub notify: Option<String>,
    /// `FULL` or `HDRS`.
    pub ret: Option<String>,
}

/// Where and how to submit: one SMTP account, from flags and the config file.
#[derive(Debug)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub trust: TrustSettings,
    /// Bound on connecting and on each exchange.
    pub timeout: Duration,
    /// Bound on the reply to the final dot.
    pub data_timeout: Duration,
    /// The EHLO name; `None`: this host's FQDN or an address literal.
    pub helo: Option<String>,
    pub login: Option<Login>,
    pub allow_plaintext_auth: bool,
    pub dsn: Dsn,
    /// Deliver to the recipients the server accepts even when it refuses others.
    pub partial: bool,
}

impl SmtpSettings {
    /// `host:port` as messages show it, with an IPv6 address in brackets (`[::1]:25`).
    fn target(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// What happened, for the log file: whether TLS and AUTH were used and the last reply.
#[derive(Debug, Clone, Default)]
pub struct Transcript {
    pub tls: bool,
    pub auth: bool,
    pub last_reply: Option<Reply>,
}

/// The stages of a submission, named in every error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Connect,
    Greeting,
    Ehlo,
    Tls,
    Auth,
    Mail,
    Rcpt,
    Data,
    /// After the final dot.
    Delivery,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Connect => "connect",
            Stage::Greeting => "greeting",
            Stage::Ehlo => "EHLO",
            Stage::Tls => "TLS",
            Stage::Auth => "AUTH",
            Stage::Mail => "MAIL",
            Stage::Rcpt => "RCPT",
            Stage::Data | Stage::Delivery => "DATA",
        })
    }
}

/// Sends one message. Ok means the server accepted it for every envelope recipient (or,
/// with `partial`, for some, which is still reported as an error naming who was refused).
pub fn send(
    settings: &SmtpSettings,
    outgoing: &Outgoing,
    transcript: &mut Transcript,
) -> anyhow::Result<()> {
    let trust = match settings.tls {
        TlsMode::None => None,
        _ => Some(
            client_config(&settings.trust)
                .map_err(|e| exit::failure(sysexits::NO_INPUT, e.to_string()))?,
        ),
    };
    if settings.trust.insecure && trust.is_some() {
        warn!(
            "--tls-insecure: not verifying the certificate of {}; anyone on the path can read the message and the password",
            settings.host
        );
    }
    let addrs = resolve(&settings.host, settings.port)?;
    let mut session = Session::open(settings, &addrs, trust.as_ref(), transcript)?;
    let result = session.converse(outgoing);
    match &result {
        Err(err) if !session.can_quit(err) => {}
        _ => session.quit(),
    }
    *transcript = session.transcript;
    result
}

/// Resolves the server name: exit 68 when it does not resolve (75 when the resolver says
/// to try again).
fn resolve(host: &str, port: u16) -> anyhow::Result<Vec<SocketAddr>> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| {
            let text = e.to_string();
            let status = if text.contains("Temporary failure") {
                sysexits::TEMP_FAIL
            } else {
                sysexits::NO_HOST
            };
            let cause = text
                .strip_prefix("failed to lookup address information: ")
                .unwrap_or(&text)
                .to_owned();
            exit::failure(status, format!("connect: cannot resolve {host}: {cause}"))
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

/// A recipient the server refused, with its reply.
struct Refusal {
    address: String,
    reply: Reply,
}

struct Session<'a> {
    settings: &'a SmtpSettings,
    trust: Option<&'a ClientTrust>,
    /// `None` only while STARTTLS replaces the connection.
    wire: Option<Wire>,
    extensions: Extensions,
    ehlo_name: String,
    transcript: Transcript,
    /// With `--partial`: who was accepted and who refused, reported after the delivery.
    partial_refusals: Option<(Vec<String>, Vec<Refusal>)>,
    /// Set once the connection failed: no QUIT after that.
    broken: bool,
}

/// An error with the status a failure at `stage` with this reply deserves.
fn refused(stage: Stage, what: &str, reply: &Reply) -> anyhow::Error {
    let status = match (reply.class(), stage) {
        (4, _) => sysexits::TEMP_FAIL,
        (5, Stage::Greeting | Stage::Ehlo) => sysexits::UNAVAILABLE,
        (5, Stage::Tls | Stage::Auth) => sysexits::NO_PERM,
        (5, _) => sysexits::DATA_ERR,
        _ => sysexits::PROTOCOL,
    };
    exit::failure(status, format!("{stage}: {what}: {}", reply.text()))
}

impl<'a> Session<'a> {
    fn open(
        settings: &'a SmtpSettings,
        addrs: &[SocketAddr],
        trust: Option<&'a ClientTrust>,
        transcript: &Transcript,
    ) -> anyhow::Result<Session<'a>> {
        let target = settings.target();
        let wire = Wire::connect(addrs, settings.timeout).map_err(|(addr, err)| {
            let why = match err.kind() {
                std::io::ErrorKind::TimedOut => {
                    format!(
                        "no answer within {} (--timeout)",
                        format_duration(settings.timeout)
                    )
                }
                std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
                _ => lower_first(&err.to_string()),
            };
            let shown = if addr.ip().is_unspecified() {
                target.clone()
            } else {
                addr.to_string()
            };
            let name = if shown == target {
                target.clone()
            } else {
                format!("{target} ({shown})")
            };
            exit::failure(sysexits::TEMP_FAIL, format!("connect: {name}: {why}"))
        })?;
        info!(
            "connected to {target}{}",
            wire.peer_addr()
                .filter(|a| a.to_string() != target)
                .map(|a| format!(" ({a})"))
                .unwrap_or_default()
        );
        let ehlo_name = settings
            .helo
            .clone()
            .unwrap_or_else(|| super::host::identity(wire.local_addr().map(|a| a.ip())));
        let mut session = Session {
            settings,
            trust,
            wire: Some(wire),
            extensions: Extensions::default(),
            ehlo_name,
            transcript: transcript.clone(),
            partial_refusals: None,
            broken: false,
        };
        if settings.tls == TlsMode::Implicit {
            session.start_tls(Stage::Connect)?;
        }
        let greeting = session.read(Stage::Greeting, &target, settings.timeout)?;
        if greeting.code != 220 {
            return Err(refused(
                Stage::Greeting,
                &format!("{target} does not accept mail"),
                &greeting,
            ));
        }
        Ok(session)
    }

    fn wire(&mut self) -> &mut Wire {
        // Always Some outside start_tls, which puts it back or fails the session.
        self.wire.as_mut().expect("connection present")
    }

    fn converse(&mut self, outgoing: &Outgoing) -> anyhow::Result<()> {
        self.ehlo()?;
        self.start_tls_if_wanted()?;
        if self.settings.login.is_some() {
            self.authenticate()?;
        }
        let bytes = self.open_envelope(outgoing)?;
        self.transfer(bytes)
    }

    /// Whether saying QUIT makes sense after `err`: not after a timeout, a closed or broken
    /// connection, or nonsense from the server.
    fn can_quit(&self, err: &anyhow::Error) -> bool {
        let status = exit::status_carried_by(err);
        self.wire.is_some() && !self.broken && status != Some(sysexits::PROTOCOL)
    }

    fn quit(&mut self) {
        info!("> QUIT");
        let timeout = self.settings.timeout;
        let Some(wire) = self.wire.as_mut() else {
            return;
        };
        if wire.write_all(b"QUIT\r\n", timeout).is_err() {
            return;
        }
        if let Ok(reply) = wire.read_reply(Instant::now() + timeout) {
            log_reply(&reply);
        }
    }

    /// Sends one command line, logging `shown` in its place.
    fn command(&mut self, stage: Stage, line: &str, shown: &str) -> anyhow::Result<()> {
        info!("> {shown}");
        let timeout = self.settings.timeout;
        let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(line.len() + 2));
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
        let result = self.wire().write_all(&bytes, timeout);
        result.map_err(|e| self.wire_failure(stage, shown, e, timeout))
    }

    /// Reads one reply, waiting up to `wait`.
    fn read(&mut self, stage: Stage, what: &str, wait: Duration) -> anyhow::Result<Reply> {
        let deadline = Instant::now() + wait;
        let result = self.wire().read_reply(deadline);
        let reply = result.map_err(|e| self.wire_failure(stage, what, e, wait))?;
        log_reply(&reply);
        self.transcript.last_reply = Some(reply.clone());
        Ok(reply)
    }

    /// Sends a command and reads its reply.
    fn exchange(&mut self, stage: Stage, line: &str) -> anyhow::Result<Reply> {
        self.command(stage, line, line)?;
        self.read(
            stage,
            &format!("the reply to {}", verb(line)),
            self.settings.timeout,
        )
    }

    fn ehlo(&mut self) -> anyhow::Result<()> {
        let line = format!("EHLO {}", self.ehlo_name);
        let reply = self.exchange(Stage::Ehlo, &line)?;
        if reply.code == 250 {
            self.extensions = Extensions::from_ehlo(&reply);
            return Ok(());
        }
        if reply.class() != 5 {
            return Err(refused(Stage::Ehlo, "the server refused EHLO", &reply));
        }
        // An SMTP server from before ESMTP (RFC 5321 §3.2): HELO, and no extensions.
        let line = format!("HELO {}", self.ehlo_name);
        let reply = self.exchange(Stage::Ehlo, &line)?;
        if reply.code != 250 {
            return Err(refused(
                Stage::Ehlo,
                "the server refused EHLO and HELO",
                &reply,
            ));
        }
        self.extensions = Extensions::default();
        Ok(())
    }

    fn start_tls_if_wanted(&mut self) -> anyhow::Result<()> {
        let mode = self.settings.tls;
        if matches!(mode, TlsMode::None | TlsMode::Implicit) {
            return Ok(());
        }
        if !self.extensions.has("STARTTLS") {
            if mode == TlsMode::Starttls {
                return Err(exit::failure(
                    sysexits::NO_PERM,
                    format!(
                        "TLS: {} does not offer STARTTLS; use --tls implicit for port 465, or --tls opportunistic to allow plain text",
                        self.settings.host
                    ),
                ));
            }
            info!(
                "the server does not offer STARTTLS; going on in plain text (--tls opportunistic)"
            );
            return Ok(());
        }
        let reply = self.exchange(Stage::Tls, "STARTTLS")?;
        if reply.code != 220 {
            return Err(refused(Stage::Tls, "the server refused STARTTLS", &reply));
        }
        self.start_tls(Stage::Tls)?;
        // RFC 3207 §4.2: forget everything learnt before TLS and ask again.
        self.ehlo()
    }

    fn start_tls(&mut self, stage: Stage) -> anyhow::Result<()> {
        let Some(trust) = self.trust else {
            return Err(exit::failure(sysexits::SOFTWARE, "TLS: no TLS settings"));
        };
        let wire = self.wire.take().expect("connection present");
        let deadline = Instant::now() + self.settings.timeout;
        let after_starttls = stage == Stage::Tls;
        match wire.start_tls(
            trust.config.clone(),
            &self.settings.host,
            deadline,
            after_starttls,
        ) {
            Ok(wire) => {
                info!(
                    "TLS established with {} ({})",
                    self.settings.host,
                    wire.tls_description().unwrap_or_default()
                );
                self.wire = Some(wire);
                self.transcript.tls = true;
                Ok(())
            }
            Err(err) => {
                Err(self.wire_failure(stage, "the TLS handshake", err, self.settings.timeout))
            }
        }
    }

    fn authenticate(&mut self) -> anyhow::Result<()> {
        let settings = self.settings;
        let Some(login) = &settings.login else {
            return Ok(());
        };
        let encrypted = self.wire.as_ref().is_some_and(Wire::is_encrypted);
        if !encrypted && !settings.allow_plaintext_auth {
            return Err(exit::failure(
                sysexits::NO_PERM,
                format!(
                    "AUTH: refusing to send the {} for {} over an unencrypted connection (the server did not offer STARTTLS); use --tls starttls or implicit, or --allow-plaintext-auth",
                    login.mechanism.unwrap_or(Mechanism::Plain).secret_name(),
                    login.user
                ),
            ));
        }
        let offered = self.extensions.auth_mechanisms();
        let mechanism = choose_mechanism(login.mechanism, &offered).map_err(|why| {
            exit::failure(
                sysexits::NO_PERM,
                format!("AUTH: cannot log in as {}: {why}", login.user),
            )
        })?;
        let first = auth::initial(
            mechanism,
            &login.user,
            &login.secret,
            &settings.host,
            settings.port,
        );
        self.command(Stage::Auth, &first.line, &first.shown)?;
        let what = format!("the reply to AUTH {}", mechanism.name());
        let mut challenges = 0;
        loop {
            let reply = self.read(Stage::Auth, &what, settings.timeout)?;
            match reply.code {
                235 => {
                    self.transcript.auth = true;
                    return Ok(());
                }
                334 => {
                    let Some(step) =
                        auth::answer(mechanism, challenges, &login.user, &login.secret)
                    else {
                        return Err(refused(
                            Stage::Auth,
                            "the server keeps asking during AUTH",
                            &reply,
                        ));
                    };
                    challenges += 1;
                    self.command(Stage::Auth, &step.line, &step.shown)?;
                }
                _ => {
                    return Err(refused(
                        Stage::Auth,
                        &format!(
                            "the server refused the login as {} ({})",
                            login.user,
                            mechanism.name()
                        ),
                        &reply,
                    ));
                }
            }
        }
    }

    /// MAIL FROM, then RCPT TO for each recipient; RSET and fail when any is refused (unless
    /// partial). Returns the bytes to send, picked for what the server offers.
    fn open_envelope<'o>(&mut self, outgoing: &'o Outgoing) -> anyhow::Result<&'o [u8]> {
        let settings = self.settings;
        let envelope = &outgoing.envelope;
        let ext = &self.extensions;
        let eight_bit_mime = ext.has("8BITMIME");
        let bytes = outgoing.bytes_for(eight_bit_mime);
        let mut mail = format!("MAIL FROM:<{}>", envelope.sender());
        if !bytes.is_ascii() {
            if eight_bit_mime {
                mail.push_str(" BODY=8BITMIME");
            } else {
                warn!(
                    "the message holds 8-bit data and the server does not offer 8BITMIME; sending it as it is"
                );
            }
        }
        let non_ascii = envelope
            .from
            .iter()
            .chain(&envelope.to)
            .any(|a| !a.is_ascii());
        if non_ascii {
            if !ext.has("SMTPUTF8") {
                return Err(exit::failure(
                    sysexits::DATA_ERR,
                    "MAIL: the envelope has non-ASCII addresses but the server does not offer SMTPUTF8",
                ));
            }
            mail.push_str(" SMTPUTF8");
        }
        if let Some(limit) = ext.size_limit() {
            let size = bytes.len() as u64;
            if limit > 0 && size > limit {
                return Err(exit::failure(
                    sysexits::DATA_ERR,
                    format!(
                        "MAIL: the message is {size} bytes and the server takes at most {limit} (its SIZE)"
                    ),
                ));
            }
            mail.push_str(&format!(" SIZE={size}"));
        }
        let dsn = &settings.dsn;
        let wants_dsn = dsn.notify.is_some() || dsn.ret.is_some();
        let use_dsn = wants_dsn && ext.has("DSN");
        if wants_dsn && !use_dsn {
            info!("the server does not offer DSN; -N and -R are not sent");
        }
        if let (true, Some(ret)) = (use_dsn, &dsn.ret) {
            mail.push_str(&format!(" RET={ret}"));
        }
        let reply = self.exchange(Stage::Mail, &mail)?;
        if reply.class() != 2 {
            return Err(refused(
                Stage::Mail,
                &format!("the server refused the sender <{}>", envelope.sender()),
                &reply,
            ));
        }

        let mut accepted = Vec::new();
        let mut refusals = Vec::new();
        for address in &envelope.to {
            let mut rcpt = format!("RCPT TO:<{address}>");
            if let (true, Some(notify)) = (use_dsn, &dsn.notify) {
                rcpt.push_str(&format!(" NOTIFY={notify}"));
            }
            let reply = self.exchange(Stage::Rcpt, &rcpt)?;
            match reply.class() {
                2 => accepted.push(format!("<{address}>")),
                4 | 5 => refusals.push(Refusal {
                    address: format!("<{address}>"),
                    reply,
                }),
                _ => {
                    return Err(refused(
                        Stage::Rcpt,
                        &format!("the server's answer for <{address}>"),
                        &reply,
                    ));
                }
            }
        }
        if refusals.is_empty() {
            return Ok(bytes);
        }
        let status = refusal_status(&refusals);
        if accepted.is_empty() || !settings.partial {
            self.reset();
            let what = if accepted.is_empty() {
                "the server refused every recipient".to_owned()
            } else {
                "the server refused a recipient".to_owned()
            };
            let tail = if accepted.is_empty() {
                String::new()
            } else {
                "; nothing was sent to anyone (all recipients or none: a retry cannot duplicate; --partial sends to the accepted ones)".to_owned()
            };
            return Err(exit::failure(
                status,
                format!("RCPT: {what}: {}{tail}", describe_refusals(&refusals)),
            ));
        }
        self.partial_refusals = Some((accepted, refusals));
        Ok(bytes)
    }

    /// RSET after refused recipients, so the server forgets the transaction.
    fn reset(&mut self) {
        // The refusal, not RSET's 250, is the reply the log should show.
        let refusal = self.transcript.last_reply.clone();
        if self.exchange(Stage::Rcpt, "RSET").is_err() {
            warn!("the server did not answer RSET");
        }
        self.transcript.last_reply = refusal;
    }

    fn transfer(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        let reply = self.exchange(Stage::Data, "DATA")?;
        if reply.code != 354 {
            return Err(refused(Stage::Data, "the server refused DATA", &reply));
        }
        info!("> <message, {} bytes>", bytes.len());
        let payload = dot_stuffed(bytes);
        let timeout = self.settings.timeout;
        let written = self.wire().write_all(&payload, timeout);
        written.map_err(|e| self.wire_failure(Stage::Data, "sending the message", e, timeout))?;
        let reply = self.read(
            Stage::Delivery,
            "the reply to the message",
            self.settings.data_timeout,
        )?;
        if reply.class() != 2 {
            return Err(refused(
                Stage::Data,
                "the server refused the message",
                &reply,
            ));
        }
        match self.partial_refusals.take() {
            None => Ok(()),
            Some((accepted, refusals)) => Err(exit::failure(
                refusal_status(&refusals),
                format!(
                    "RCPT: sent to {}; the server refused {}",
                    accepted.join(", "),
                    describe_refusals(&refusals)
                ),
            )),
        }
    }

    /// Turns a failure of the connection at `stage` into an exit status and a sentence.
    fn wire_failure(
        &mut self,
        stage: Stage,
        what: &str,
        err: WireError,
        waited: Duration,
    ) -> anyhow::Error {
        let host = &self.settings.host;
        let label = if matches!(err, WireError::Tls(_)) {
            Stage::Tls.to_string()
        } else {
            stage.to_string()
        };
        let (status, text) = match err {
            WireError::Timeout if stage == Stage::Delivery => (
                sysexits::TEMP_FAIL,
                format!(
                    "no reply to the message within {} (--data-timeout); the server may or may not have delivered it",
                    format_duration(waited)
                ),
            ),
            WireError::Timeout => (
                sysexits::TEMP_FAIL,
                format!(
                    "{what}: no answer within {} (--timeout)",
                    format_duration(waited)
                ),
            ),
            // RFC 5321 §3.8: a connection lost before the reply is as if the server had said
            // 451, so a retry wrapper tries again later.
            WireError::Closed if stage == Stage::Delivery => (
                sysexits::TEMP_FAIL,
                format!(
                    "{what}: the server closed the connection without answering; it may or may not have delivered the message"
                ),
            ),
            WireError::Closed => (
                sysexits::TEMP_FAIL,
                format!("{what}: the server closed the connection without answering"),
            ),
            WireError::Io(io) => (
                sysexits::TEMP_FAIL,
                format!("{what}: {}", lower_first(&io.to_string())),
            ),
            WireError::Garbled(why) => (
                sysexits::PROTOCOL,
                format!("{what}: the server's answer is not SMTP: {why}"),
            ),
            WireError::Injected(n) => (
                sysexits::PROTOCOL,
                format!(
                    "{host} sent {n} more byte(s) in plain text after its 220 reply to STARTTLS, where only the TLS handshake may come; that is a STARTTLS response injection (RFC 3207 §4.2) by the server or someone on the path; nothing was sent"
                ),
            ),
            WireError::Tls(tls) => {
                let explained = match self.trust {
                    Some(trust) => explain(&tls, host, trust),
                    None => tls.to_string(),
                };
                (
                    sysexits::NO_PERM,
                    format!(
                        "handshake with {} failed: {explained}",
                        self.settings.target()
                    ),
                )
            }
        };
        self.broken = true;
        exit::failure(status, format!("{label}: {text}"))
    }
}

/// PLAIN if offered, else LOGIN; or the mechanism asked for, if offered.
fn choose_mechanism(asked: Option<Mechanism>, offered: &[String]) -> Result<Mechanism, String> {
    if offered.is_empty() {
        return Err(
            "the server offers no AUTH mechanism (does it want AUTH at all on this port?)".into(),
        );
    }
    let offers = |m: Mechanism| offered.iter().any(|o| o == m.name());
    let list = offered.join(", ");
    match asked {
        Some(m) if offers(m) => Ok(m),
        Some(m) => Err(format!("the server offers {list}, not {}", m.name())),
        None => [Mechanism::Plain, Mechanism::Login]
            .into_iter()
            .find(|&m| offers(m))
            .ok_or_else(|| format!("the server offers {list}; pick one with --auth (tackle speaks plain, login, xoauth2, oauthbearer)")),
    }
}

/// 65 when any refusal is permanent (retrying cannot help), else 75.
fn refusal_status(refused: &[Refusal]) -> i32 {
    if refused.iter().all(|r| r.reply.class() == 4) {
        sysexits::TEMP_FAIL
    } else {
        sysexits::DATA_ERR
    }
}

fn describe_refusals(refused: &[Refusal]) -> String {
    refused
        .iter()
        .map(|r| format!("{} ({})", r.address, r.reply.text()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn log_reply(reply: &Reply) {
    for line in reply.log_lines() {
        info!("{line}");
    }
}

/// The command word of a line: `MAIL` for `MAIL FROM:<a>`.
fn verb(line: &str) -> &str {
    line.split([' ', ':']).next().unwrap_or(line)
}

/// `Connection reset by peer (os error 104)` reads better mid-sentence as
/// `connection reset by peer (os error 104)`.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The message as sent after DATA: dot-stuffed (RFC 5321 §4.5.2), its last line ended, then
/// the `.` line, in one buffer so it goes out in as few segments as possible.
fn dot_stuffed(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + message.len() / 50 + 8);
    let mut at_line_start = true;
    for &b in message {
        if at_line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        at_line_start = b == b'\n';
    }
    if !out.is_empty() && !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dot_stuffing_stuffs_dots_and_terminates() {
        assert_eq!(dot_stuffed(b".a\r\nb\r\n.\r\n"), b"..a\r\nb\r\n..\r\n.\r\n");
        assert_eq!(dot_stuffed(b"no newline"), b"no newline\r\n.\r\n");
        assert_eq!(dot_stuffed(b""), b".\r\n");
    }

    #[test]
    fn mechanisms_are_chosen_from_what_is_offered() {
        let offered = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            choose_mechanism(None, &offered(&["LOGIN", "PLAIN"])),
            Ok(Mechanism::Plain)
        );
        assert_eq!(
            choose_mechanism(None, &offered(&["LOGIN"])),
            Ok(Mechanism::Login)
        );
        assert!(choose_mechanism(None, &offered(&["XOAUTH2"])).is_err());
        assert!(choose_mechanism(None, &[]).is_err());
        assert_eq!(
            choose_mechanism(Some(Mechanism::Xoauth2), &offered(&["XOAUTH2", "PLAIN"])),
            Ok(Mechanism::Xoauth2)
        );
        let err = choose_mechanism(Some(Mechanism::Login), &offered(&["PLAIN"])).unwrap_err();
        assert_eq!(err, "the server offers PLAIN, not LOGIN");
    }

    proptest! {
        #[test]
        fn dot_stuffing_unstuffs_to_the_message(lines in proptest::collection::vec("[.a-z ]{0,6}", 0..8)) {
            let message: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
            let payload = String::from_utf8(dot_stuffed(message.as_bytes())).unwrap();
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

//! `tackle sendmail`: compose a message from flags (or read a complete one with `-t`) and
//! send it over SMTP, STARTTLS or implicit TLS, with AUTH, HTML and attachments. This file
//! turns the flags into a validated composition and server configuration; `crate::mail` does
//! the composing and the SMTP conversation. Exit statuses follow sysexits.h (see the README).

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ValueEnum;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Mechanism;

use crate::exit;
use crate::mail::address::{parse_lists, parse_mailbox};
use crate::mail::compose::{
    AttachmentFile, Composition, Outgoing, parse_header, split_attach_spec,
};
use crate::mail::raw::read_message;
use crate::mail::secret::{DEFAULT_PASSWORD_ENV, PasswordSource, password};
use crate::mail::smtp::{Login, ServerConfig, TlsMode, send};
use crate::mail::sysexits;

const EXAMPLES: &str = "\
Examples:
  tackle sendmail --from me@example.org --to you@example.org --subject hi --body hello --dry-run
  tackle sendmail --server smtp.example.org --user me --password-file ~/.smtp-pass \\
      --from me@example.org --to you@example.org --subject report --attach report.pdf < body.txt
  tackle sendmail -t --server smtp.example.org < message.eml

Exit status (sysexits.h, like msmtp):
  0 sent; 64 usage; 65 bad address, header or message; 66 unreadable body, attachment or
  password source; 68 unknown host; 69 connection refused or timed out; 70 internal error;
  75 temporary failure (4xx); 76 protocol error; 77 authentication or TLS failure.
  Malformed flags (unknown flag, bad --port/--tls/--timeout value) are usage errors too (64).";

/// Compose and send mail over SMTP, STARTTLS or implicit TLS.
///
/// The body comes from --body, --body-file or stdin (when stdin is not a terminal). Passwords
/// never go on the command line: they come from --password-file, --password-env (default
/// TACKLE_SMTP_PASSWORD), --password-cmd or a no-echo prompt.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub message: Box<MessageArgs>,

    #[command(flatten)]
    pub sending: Box<SendArgs>,
}

/// What to send. (Boxed in [`Args`] so the subcommand enum stays small.)
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Message")]
pub struct MessageArgs {
    /// Sender address (From header and envelope sender)
    #[arg(long, value_name = "ADDR")]
    pub from: Option<String>,

    /// Recipient (repeatable; comma lists accepted)
    #[arg(long, value_name = "ADDR")]
    pub to: Vec<String>,

    /// Copy recipient (repeatable; comma lists accepted)
    #[arg(long, value_name = "ADDR")]
    pub cc: Vec<String>,

    /// Blind copy recipient: envelope only, never in a header (repeatable)
    #[arg(long, value_name = "ADDR")]
    pub bcc: Vec<String>,

    /// Reply-To address (repeatable)
    #[arg(long, value_name = "ADDR")]
    pub reply_to: Vec<String>,

    /// Subject (non-ASCII is encoded per RFC 2047)
    #[arg(long, value_name = "TEXT")]
    pub subject: Option<String>,

    /// Extra header 'Name: value' (repeatable; CR/LF refused)
    #[arg(long, value_name = "NAME: VALUE")]
    pub header: Vec<String>,

    /// Plain-text body
    #[arg(long, value_name = "TEXT")]
    pub body: Option<String>,

    /// Plain-text body from FILE (- for stdin)
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,

    /// HTML body (with a text body the message is multipart/alternative)
    #[arg(long, value_name = "HTML")]
    pub html: Option<String>,

    /// HTML body from FILE (- for stdin)
    #[arg(long, value_name = "FILE")]
    pub html_file: Option<PathBuf>,

    /// Attach FILE, MIME type from its extension or given as FILE:TYPE (repeatable)
    #[arg(long, value_name = "FILE[:TYPE]")]
    pub attach: Vec<String>,

    /// Read a complete message from stdin; recipients from its To, Cc and Bcc (Bcc removed)
    #[arg(short = 't', long)]
    pub read_recipients: bool,

    /// Print the exact message (CRLF) on stdout and the envelope on stderr; send nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Where and how to send it.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Sending")]
pub struct SendArgs {
    /// SMTP server host name or address
    #[arg(long, value_name = "HOST", default_value = "localhost")]
    pub server: String,

    /// Server port [default: 465 for implicit, 587 for starttls, else 25]
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,

    /// Connection security [default: starttls with --user, else opportunistic]
    #[arg(long, value_enum, value_name = "MODE")]
    pub tls: Option<TlsArg>,

    /// Also trust the CA certificates in this PEM file
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,

    /// Do not verify the server's certificate (warns on every use)
    #[arg(long)]
    pub tls_insecure: bool,

    /// Log in as NAME (AUTH)
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,

    /// Read the password from the first line of FILE
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Read the password from environment variable VAR [default: TACKLE_SMTP_PASSWORD]
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,

    /// Run CMD with sh -c and use the first line it prints as the password
    #[arg(long, value_name = "CMD")]
    pub password_cmd: Option<String>,

    /// AUTH mechanism [default: the first of plain, login the server offers]
    #[arg(long, value_enum, value_name = "MECHANISM")]
    pub auth: Option<AuthArg>,

    /// Allow sending the password over an unencrypted connection
    #[arg(long)]
    pub allow_plaintext_auth: bool,

    /// Bound on connecting and on each SMTP exchange
    #[arg(long, value_name = "DUR", default_value = "30s", value_parser = crate::duration::parse_duration)]
    pub timeout: Duration,

    /// Name to greet the server with in EHLO [default: this host's name]
    #[arg(long, value_name = "NAME")]
    pub helo: Option<String>,
}

/// `--tls` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TlsArg {
    /// Plain text only
    None,
    /// STARTTLS when offered, else plain text
    Opportunistic,
    /// STARTTLS required
    Starttls,
    /// TLS from the first byte (SMTPS)
    Implicit,
}

/// `--auth` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthArg {
    Plain,
    Login,
}

/// Runs `tackle sendmail`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (m, s) = (&*args.message, &*args.sending);
    check_combinations(m, s)?;
    let outgoing = if m.read_recipients {
        read_whole_message(m)?
    } else {
        compose(m)?.build()?
    };
    if outgoing.envelope.to.is_empty() {
        return Err(usage("no recipients: give --to, --cc or --bcc"));
    }
    if m.dry_run {
        return print_dry_run(&outgoing);
    }
    let config = server_config(s)?;
    send(&config, &outgoing)?;
    tracing::info!(
        "sent {} bytes to {} recipient(s)",
        outgoing.bytes.len(),
        outgoing.envelope.to.len()
    );
    Ok(())
}

fn usage(message: impl std::fmt::Display) -> anyhow::Error {
    exit::failure(sysexits::USAGE, message)
}

/// Flag combinations that make no sense are usage errors (64), checked before anything is
/// read or sent.
fn check_combinations(m: &MessageArgs, s: &SendArgs) -> anyhow::Result<()> {
    if m.read_recipients {
        let composing = [
            ("--to", !m.to.is_empty()),
            ("--cc", !m.cc.is_empty()),
            ("--reply-to", !m.reply_to.is_empty()),
            ("--subject", m.subject.is_some()),
            ("--header", !m.header.is_empty()),
            ("--body", m.body.is_some()),
            ("--body-file", m.body_file.is_some()),
            ("--html", m.html.is_some()),
            ("--html-file", m.html_file.is_some()),
            ("--attach", !m.attach.is_empty()),
        ];
        if let Some((flag, _)) = composing.iter().find(|(_, given)| *given) {
            return Err(usage(format!(
                "-t reads the whole message from stdin; {flag} cannot be combined with it (--from and --bcc can)"
            )));
        }
    }
    if m.body.is_some() && m.body_file.is_some() {
        return Err(usage("give --body or --body-file, not both"));
    }
    if m.html.is_some() && m.html_file.is_some() {
        return Err(usage("give --html or --html-file, not both"));
    }
    let stdin = Path::new("-");
    if m.body_file.as_deref() == Some(stdin) && m.html_file.as_deref() == Some(stdin) {
        return Err(usage(
            "--body-file - and --html-file - cannot both read stdin",
        ));
    }
    let sources = [
        s.password_file.is_some(),
        s.password_env.is_some(),
        s.password_cmd.is_some(),
    ];
    if sources.iter().filter(|&&given| given).count() > 1 {
        return Err(usage(
            "give one of --password-file, --password-env and --password-cmd",
        ));
    }
    if s.user.is_none() {
        let needs_user = [
            ("--password-file", s.password_file.is_some()),
            ("--password-env", s.password_env.is_some()),
            ("--password-cmd", s.password_cmd.is_some()),
            ("--auth", s.auth.is_some()),
        ];
        if let Some((flag, _)) = needs_user.iter().find(|(_, given)| *given) {
            return Err(usage(format!("{flag} needs --user")));
        }
    }
    if s.tls == Some(TlsArg::None) {
        if s.user.is_some() && !s.allow_plaintext_auth {
            return Err(usage(
                "--tls none with --user would send the password in plain text; use --tls starttls or implicit, or add --allow-plaintext-auth",
            ));
        }
        if s.ca_file.is_some() || s.tls_insecure {
            return Err(usage(
                "--ca-file and --tls-insecure need a --tls mode other than none",
            ));
        }
    }
    if let Some(helo) = &s.helo {
        let valid = !helo.is_empty() && helo.bytes().all(|b| b.is_ascii_graphic());
        if !valid {
            return Err(usage(format!("--helo {helo:?}: expected a host name")));
        }
    }
    Ok(())
}

/// The message for `-t`: stdin as given, recipients from its header plus --bcc.
fn read_whole_message(m: &MessageArgs) -> anyhow::Result<Outgoing> {
    let input = read_input(Path::new("-"), "-t")?;
    let message = read_message(&input)?;
    let from = m
        .from
        .as_deref()
        .map(|f| parse_mailbox("--from", f))
        .transpose()?;
    let extra_bcc = parse_lists("--bcc", &m.bcc)?;
    message.into_outgoing(from, extra_bcc)
}

fn compose(m: &MessageArgs) -> anyhow::Result<Composition> {
    let from = m
        .from
        .as_deref()
        .ok_or_else(|| usage("no sender: give --from ADDRESS"))
        .and_then(|f| parse_mailbox("--from", f))?;
    let mut headers: Vec<(String, String)> = Vec::new();
    for text in &m.header {
        let (name, value) = parse_header(text)?;
        if headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return Err(usage(format!("--header {name} is given twice")));
        }
        headers.push((name, value));
    }
    let html = match (&m.html, &m.html_file) {
        (Some(html), _) => Some(html.clone()),
        (None, Some(path)) => Some(read_text(path, "--html-file")?),
        (None, None) => None,
    };
    let text = match (&m.body, &m.body_file) {
        (Some(body), _) => Some(body.clone()),
        (None, Some(path)) => Some(read_text(path, "--body-file")?),
        // stdin is the body only when nothing else is: `--html-file x.html < body.txt` would
        // otherwise silently turn an HTML mail into multipart/alternative.
        (None, None) if html.is_none() && !std::io::stdin().is_terminal() => {
            Some(read_text(Path::new("-"), "stdin")?)
        }
        (None, None) => None,
    };
    let mut attachments = Vec::new();
    for spec in &m.attach {
        attachments.push(read_attachment(spec)?);
    }
    if text.is_none() && html.is_none() && attachments.is_empty() {
        return Err(usage(
            "no body: give --body, --body-file, --html, --html-file or --attach, or pipe the body on stdin",
        ));
    }
    Ok(Composition {
        from: Some(from),
        to: parse_lists("--to", &m.to)?,
        cc: parse_lists("--cc", &m.cc)?,
        bcc: parse_lists("--bcc", &m.bcc)?,
        reply_to: parse_lists("--reply-to", &m.reply_to)?,
        subject: m.subject.clone(),
        headers,
        text,
        html,
        attachments,
    })
}

/// Reads FILE (or stdin for `-`) whole: exit 66 when it cannot be read.
fn read_input(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    let result = if path == Path::new("-") {
        let mut buffer = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buffer)
            .map(|_| buffer)
    } else {
        std::fs::read(path)
    };
    result.map_err(|e| {
        exit::failure(
            sysexits::NO_INPUT,
            format!("{what} {}: cannot read: {e}", path.display()),
        )
    })
}

/// A text body must be UTF-8 (it is labelled charset=utf-8): exit 65 otherwise.
fn read_text(path: &Path, what: &str) -> anyhow::Result<String> {
    String::from_utf8(read_input(path, what)?).map_err(|_| {
        exit::failure(
            sysexits::DATA_ERR,
            format!(
                "{what} {}: not UTF-8 text; send it with --attach instead",
                path.display()
            ),
        )
    })
}

/// `FILE` or `FILE:TYPE`. A path that exists as given wins, so names with colons still work.
fn read_attachment(spec: &str) -> anyhow::Result<AttachmentFile> {
    let (path, explicit_type) = split_attach_spec(spec, Path::new(spec).exists());
    let path = Path::new(path);
    let content_type = match explicit_type {
        Some(kind) => ContentType::parse(kind)
            .map_err(|_| usage(format!("--attach {spec}: {kind:?} is not a MIME type")))?,
        None => {
            let guess = mime_guess::from_path(path).first_or_octet_stream();
            ContentType::parse(guess.as_ref()).map_err(|e| {
                exit::failure(
                    sysexits::SOFTWARE,
                    format!("--attach {spec}: guessed type {guess}: {e}"),
                )
            })?
        }
    };
    let data = std::fs::read(path).map_err(|e| {
        exit::failure(
            sysexits::NO_INPUT,
            format!("--attach {}: cannot read: {e}", path.display()),
        )
    })?;
    let filename = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| usage(format!("--attach {spec}: not a file name")))?;
    Ok(AttachmentFile {
        filename,
        content_type,
        data,
    })
}

fn print_dry_run(outgoing: &Outgoing) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&outgoing.bytes)?;
    stdout.flush()?;
    std::io::stderr().write_all(outgoing.envelope.describe().as_bytes())?;
    Ok(())
}

fn server_config(s: &SendArgs) -> anyhow::Result<ServerConfig> {
    let tls = match s.tls {
        Some(TlsArg::None) => TlsMode::None,
        Some(TlsArg::Opportunistic) => TlsMode::Opportunistic,
        Some(TlsArg::Starttls) => TlsMode::Starttls,
        Some(TlsArg::Implicit) => TlsMode::Implicit,
        None if s.user.is_some() => TlsMode::Starttls,
        None => TlsMode::Opportunistic,
    };
    let extra_ca_pem = match &s.ca_file {
        Some(path) => {
            let pem = read_input(path, "--ca-file")?;
            if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
                return Err(usage(format!(
                    "--ca-file {}: holds no PEM certificate",
                    path.display()
                )));
            }
            Some(pem)
        }
        None => None,
    };
    let login = match &s.user {
        Some(user) => {
            crate::mail::address::reject_line_breaks("--user", user)?;
            let source = if let Some(path) = &s.password_file {
                PasswordSource::File(path.clone())
            } else if let Some(command) = &s.password_cmd {
                PasswordSource::Command(command.clone())
            } else {
                PasswordSource::Env {
                    var: s
                        .password_env
                        .clone()
                        .unwrap_or_else(|| DEFAULT_PASSWORD_ENV.to_owned()),
                    explicit: s.password_env.is_some(),
                }
            };
            Some(Login {
                user: user.clone(),
                password: password(&source, user, &s.server)?,
                mechanisms: match s.auth {
                    Some(AuthArg::Plain) => vec![Mechanism::Plain],
                    Some(AuthArg::Login) => vec![Mechanism::Login],
                    None => vec![Mechanism::Plain, Mechanism::Login],
                },
            })
        }
        None => None,
    };
    Ok(ServerConfig {
        host: s.server.clone(),
        port: s.port.unwrap_or_else(|| tls.default_port()),
        tls,
        extra_ca_pem,
        insecure: s.tls_insecure,
        timeout: s.timeout,
        helo: s.helo.clone(),
        login,
        allow_plaintext_auth: s.allow_plaintext_auth,
    })
}

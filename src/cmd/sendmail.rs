//! `tackle sendmail`: compose a message from flags, or take a complete one on stdin the way
//! `/usr/sbin/sendmail` does (`-t`, recipients as arguments, `-f`, `-F`, `-oi`, ...), and send
//! it over SMTP, STARTTLS or implicit TLS, with AUTH, accounts from an msmtp-style config
//! file, certificate pinning and an msmtp-style log. This file turns flags and the config
//! file into a validated message and [`SmtpSettings`]; `crate::mail` does the rest. Exit
//! statuses follow sysexits.h (see the README).

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::exit;
use crate::mail::address::{
    Bare, Mailbox, parse_lists, parse_lists_with, parse_mailbox, parse_mailbox_with,
};
use crate::mail::compose::{
    AttachmentFile, Composition, Envelope, Outgoing, is_media_type, parse_header, split_attach_spec,
};
use crate::mail::config::{self, Account, AuthSetting, Config, Syslog, TrustFile};
use crate::mail::log;
use crate::mail::password::{self, DEFAULT_PASSWORD_ENV, PasswordSource};
use crate::mail::raw::{FromHeader, read_message};
use crate::mail::smtp::auth::Mechanism;
use crate::mail::smtp::{Dsn, Login, SmtpSettings, TlsMode, Transcript, send};
use crate::mail::{host, sysexits};
use crate::secret::FilePolicy;
use crate::tls::args::ClientTlsArgs;
use crate::tls::client::TrustSettings;
use crate::tls::pem;

const EXAMPLES: &str = "\
Examples:
  tackle sendmail --from me@example.org --to you@example.org --subject hi --body hello --dry-run
  tackle sendmail --server smtp.example.org --user me --password-file ~/.smtp-pass \\
      --from me@example.org --to you@example.org --subject report --attach report.pdf < body.txt
  tackle sendmail -t < message.eml                  # recipients from To, Cc, Bcc
  sendmail -i -- ops@example.org < message.eml      # installed as sendmail (see the README)
  tackle sendmail -a work --from-account -t < message.eml   # account from ~/.msmtprc

Exit status (sysexits.h, like msmtp):
  0 sent; 64 usage; 65 bad address, header or message, or a 5xx refusal; 66 unreadable
  body, attachment, certificate or password source; 68 unknown host; 69 the server does not
  accept mail; 70 internal error; 75 try again later (4xx, unreachable, timeout); 76
  protocol error; 77 authentication or TLS failure; 78 bad config file.";

/// Compose and send mail over SMTP, STARTTLS or implicit TLS; a drop-in for sendmail and msmtp.
///
/// With --to/--cc/--bcc the message is composed from flags and the body comes from --body,
/// --body-file or stdin. With -t or recipients as arguments, stdin is a complete message, as
/// /usr/sbin/sendmail reads it. Passwords never go on the command line: they come from
/// --password-file, --password-env (default TACKLE_SMTP_PASSWORD), --password-cmd, the
/// config file or a no-echo prompt.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub message: Box<MessageArgs>,

    #[command(flatten)]
    pub classic: Box<ClassicArgs>,

    #[command(flatten)]
    pub sending: Box<SendArgs>,
}

/// What to send. (Boxed in [`Args`] so the subcommand enum stays small.)
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Message")]
#[command(group = clap::ArgGroup::new("compose").multiple(true).args([
    "to", "cc", "reply_to", "subject", "header", "body", "body_file", "html", "html_file", "attach",
]))]
pub struct MessageArgs {
    /// Sender: the From header when composing, the envelope sender of a complete message
    /// (-f/-r; `<>` is the null sender)
    #[arg(long, short = 'f', short_alias = 'r', value_name = "ADDR")]
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
    #[arg(long, value_name = "TEXT", conflicts_with = "body_file")]
    pub body: Option<String>,

    /// Plain-text body from FILE (- for stdin)
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,

    /// HTML body (with a text body the message is multipart/alternative)
    #[arg(long, value_name = "HTML", conflicts_with = "html_file")]
    pub html: Option<String>,

    /// HTML body from FILE (- for stdin)
    #[arg(long, value_name = "FILE")]
    pub html_file: Option<PathBuf>,

    /// Attach FILE, MIME type from its extension or given as FILE:TYPE (repeatable)
    #[arg(long, value_name = "FILE[:TYPE]")]
    pub attach: Vec<String>,

    /// Print the exact message (CRLF) on stdout and the envelope on stderr; send nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// The classic `/usr/sbin/sendmail` command line.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Classic sendmail interface")]
pub struct ClassicArgs {
    /// Envelope recipients; stdin is then a complete message (headers and body)
    #[arg(value_name = "RECIPIENT", conflicts_with = "compose")]
    pub recipients: Vec<String>,

    /// Read a complete message from stdin; recipients from its To, Cc and Bcc (Bcc removed),
    /// plus any given as arguments
    #[arg(short = 't', long, conflicts_with = "compose")]
    pub read_recipients: bool,

    /// Full name for the From header tackle adds when the message has none
    #[arg(short = 'F', long, value_name = "NAME", conflicts_with = "compose")]
    pub full_name: Option<String>,

    /// Accepted: a line holding only "." never ends the input (tackle reads to the end)
    #[arg(short = 'i')]
    pub ignore_dots: bool,

    /// Accepted sendmail option: -oi, -oem, -oee, -odi, -odb, -om (no-ops, see the README);
    /// -A, -G, -L, -m, -n and -O are accepted and ignored too, as in msmtp
    #[arg(short = 'o', value_name = "OPTION", action = clap::ArgAction::Append)]
    pub option: Vec<String>,

    /// Accepted body type: -B8BITMIME or -B7BIT (tackle looks at the bytes itself)
    #[arg(short = 'B', value_name = "TYPE", value_parser = ["8BITMIME", "7BIT"], ignore_case = true)]
    pub body_type: Option<String>,

    /// Accepted mode: -bm (deliver mail; tackle has no queue, so no other mode)
    #[arg(short = 'b', value_name = "MODE", value_parser = ["m"])]
    pub mode: Option<String>,

    /// Accepted and ignored, as msmtp does: -A MODE, -G, -L TAG, -m, -n, -O OPTION=VALUE
    #[arg(short = 'A', value_name = "MODE", hide = true)]
    pub submission_mode: Option<String>,

    #[arg(short = 'G', hide = true)]
    pub gateway: bool,

    #[arg(short = 'L', value_name = "TAG", hide = true)]
    pub syslog_tag: Option<String>,

    #[arg(short = 'm', hide = true)]
    pub me_too: bool,

    #[arg(short = 'n', hide = true)]
    pub no_aliases: bool,

    #[arg(short = 'O', value_name = "OPTION=VALUE", action = clap::ArgAction::Append, hide = true)]
    pub long_option: Vec<String>,

    /// DSN: when to notify the sender (never, or success,failure,delay), if the server offers DSN
    #[arg(short = 'N', long, value_name = "NOTIFY", value_parser = config::check_notify)]
    pub dsn_notify: Option<String>,

    /// DSN: what a bounce returns (full or hdrs), if the server offers DSN
    #[arg(short = 'R', long, value_name = "RET", value_parser = config::check_return)]
    pub dsn_return: Option<String>,

    /// Deliver to the recipients the server accepts even when it refuses others
    #[arg(long)]
    pub partial: bool,
}

/// Where and how to send it.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Sending")]
#[command(group = clap::ArgGroup::new("password_source").args(["password_file", "password_env", "password_cmd"]))]
pub struct SendArgs {
    /// SMTP server host name or address [default: the account's host, else localhost]
    #[arg(long, visible_alias = "host", value_name = "HOST")]
    pub server: Option<String>,

    /// Server port [default: 465 for implicit, 587 for starttls, else 25]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,

    /// Connection security [default: starttls when logging in, else opportunistic]
    #[arg(long, value_enum, value_name = "MODE")]
    pub tls: Option<TlsMode>,

    #[command(flatten)]
    pub trust: ClientTlsArgs,

    /// Log in as NAME (AUTH)
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,

    /// Read the password or token from the first line of FILE (owner-only)
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Read the password or token from environment variable VAR [default: TACKLE_SMTP_PASSWORD]
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,

    /// Run CMD with sh -c and use the first line it prints (an OAuth2 token helper works)
    #[arg(long, value_name = "CMD")]
    pub password_cmd: Option<String>,

    /// AUTH mechanism [default: plain if offered, else login]
    #[arg(long, value_enum, value_name = "MECHANISM")]
    pub auth: Option<Mechanism>,

    /// Allow sending the password over an unencrypted connection
    #[arg(long)]
    pub allow_plaintext_auth: bool,

    /// Use a password file, --tls-key or config file that group or others can read
    #[arg(long)]
    pub allow_readable_secrets: bool,

    /// Bound on connecting and on each SMTP exchange [default: 30s]
    #[arg(long, value_name = "DUR", value_parser = crate::duration::parse_duration)]
    pub timeout: Option<Duration>,

    /// Bound on the server's reply to the end of the message (RFC 5321 §4.5.3.2.6)
    #[arg(long, value_name = "DUR", default_value = "10m", value_parser = crate::duration::parse_duration)]
    pub data_timeout: Duration,

    /// Name to greet the server with in EHLO [default: this host's fully-qualified name]
    #[arg(long, value_name = "NAME", value_parser = parse_helo)]
    pub helo: Option<String>,

    /// Config file in msmtp's syntax [default: the first of ~/.config/tackle/sendmail.conf,
    /// ~/.msmtprc, /etc/tackle/sendmail.conf, /etc/msmtprc]
    #[arg(long, short = 'C', value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Use this account of the config file [default: the account named default]
    #[arg(
        long,
        short = 'a',
        value_name = "NAME",
        conflicts_with = "from_account"
    )]
    pub account: Option<String>,

    /// Use the account whose `from` is the envelope sender (msmtp's --read-envelope-from)
    #[arg(long, visible_alias = "read-envelope-from")]
    pub from_account: bool,

    /// Append one line per message to FILE (msmtp's log format; -X FILE as in msmtp)
    #[arg(long, short = 'X', value_name = "FILE")]
    pub logfile: Option<PathBuf>,
}

fn parse_helo(text: &str) -> Result<String, String> {
    let valid = !text.is_empty() && text.len() <= 255 && text.bytes().all(|b| b.is_ascii_graphic());
    if valid {
        Ok(text.to_owned())
    } else {
        Err("expected a host name or an address literal such as [192.0.2.1]".into())
    }
}

/// `-o` options sendmail callers pass; none changes what tackle does (see the README).
const QUIET_OPTIONS: [&str; 12] = [
    "i", "em", "ee", "ep", "eq", "ew", "di", "db", "dq", "m", "q", "b",
];

/// Runs `tackle sendmail`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (m, c, s) = (&*args.message, &*args.classic, &*args.sending);
    check_stdin_is_read_once(m)?;
    for option in &c.option {
        if !QUIET_OPTIONS.contains(&option.as_str()) {
            tracing::warn!("-o{option}: sendmail option ignored");
        }
    }
    let config = load_config(s)?;
    let mut account = base_account(config.as_ref(), s)?;
    let domain = s
        .helo
        .clone()
        .or_else(|| account.as_ref().and_then(|(_, a)| a.domain.clone()))
        .unwrap_or_else(|| host::identity(None));
    let whole_message = c.read_recipients || !c.recipients.is_empty();
    let outgoing = if whole_message {
        let (outgoing, chosen) =
            read_whole_message(m, c, s, config.as_ref(), account.as_ref(), &domain)?;
        if chosen.is_some() {
            account = chosen;
        }
        outgoing
    } else {
        let (composition, chosen) = compose(m, s, config.as_ref(), account.as_ref(), &domain)?;
        if chosen.is_some() {
            account = chosen;
        }
        composition.build()?
    };
    if outgoing.envelope.to.is_empty() {
        return Err(usage(
            "no recipients: give --to, --cc or --bcc, recipients as arguments, or -t with To, Cc or Bcc in the message",
        ));
    }
    match (&config, &account) {
        (Some(config), Some((name, _))) if name == DEFAULTS_SECTION => tracing::info!(
            "using the defaults section of {} (it has no account named default)",
            config.path.display()
        ),
        (Some(config), Some((name, _))) => {
            tracing::info!("using account {name} of {}", config.path.display())
        }
        _ => {}
    }
    let account = account.map(|(_, a)| a).unwrap_or_default();
    let user = login_user(s, &account)?;
    if m.dry_run {
        return print_dry_run(&outgoing);
    }
    let owner_only = config.as_ref().is_some_and(|c| c.owner_only);
    let config_path = config.as_ref().map(|c| c.path.clone());
    let settings = smtp_settings(s, c, &account, user, owner_only, config_path.as_deref())?;
    let mut transcript = Transcript::default();
    let result = send(&settings, &outgoing, &mut transcript);
    record(s, &account, &settings, &outgoing, &transcript, &result);
    result?;
    tracing::info!(
        "sent {} bytes to {} recipient(s)",
        outgoing.seven_bit.len(),
        outgoing.envelope.to.len()
    );
    Ok(())
}

fn usage(message: impl std::fmt::Display) -> anyhow::Error {
    exit::failure(sysexits::USAGE, message)
}

/// `--body-file -` and `--html-file -` cannot both have stdin.
fn check_stdin_is_read_once(m: &MessageArgs) -> anyhow::Result<()> {
    let stdin = Path::new("-");
    if m.body_file.as_deref() == Some(stdin) && m.html_file.as_deref() == Some(stdin) {
        return Err(usage(
            "--body-file - and --html-file - cannot both read stdin",
        ));
    }
    Ok(())
}

/// The config file, when one was named or one of the usual places has one.
fn load_config(s: &SendArgs) -> anyhow::Result<Option<Config>> {
    let Some(path) = config::locate(s.config.as_deref()) else {
        tracing::debug!("no config file (looked at {})", config::candidates_listed());
        return Ok(None);
    };
    tracing::info!("reading the config file {}", path.display());
    config::load(&path).map(Some)
}

/// The account `-a` names, else the `default` account (unless `--from-account` will pick
/// one from the sender).
fn base_account(
    config: Option<&Config>,
    s: &SendArgs,
) -> anyhow::Result<Option<(String, Account)>> {
    match (config, &s.account) {
        (Some(config), Some(name)) => Ok(Some((name.clone(), config.account(name)?))),
        (None, Some(name)) => Err(exit::failure(
            sysexits::CONFIG,
            format!(
                "-a {name}: no config file (looked at {}; or give --config FILE)",
                config::candidates_listed()
            ),
        )),
        (Some(config), None) if !s.from_account => Ok(Some(match config.default_account()? {
            Some(account) => ("default".to_owned(), account),
            None => (DEFAULTS_SECTION.to_owned(), config.defaults()?),
        })),
        _ => Ok(None),
    }
}

/// What [`base_account`] calls the `defaults` section when the file has no `default` account.
const DEFAULTS_SECTION: &str = "defaults";

/// The account whose `from` is `sender` (`--from-account`).
fn account_for(config: Option<&Config>, sender: &str) -> anyhow::Result<(String, Account)> {
    let Some(config) = config else {
        return Err(exit::failure(
            sysexits::CONFIG,
            "--from-account: no config file to pick an account from",
        ));
    };
    config.account_for_sender(sender)?.ok_or_else(|| {
        exit::failure(
            sysexits::CONFIG,
            format!(
                "--from-account: no account in {} has `from {sender}`",
                config.path.display()
            ),
        )
    })
}

/// The message read from stdin (`-t` or recipients as arguments), its envelope, and the
/// account `--from-account` picked.
fn read_whole_message(
    m: &MessageArgs,
    c: &ClassicArgs,
    s: &SendArgs,
    config: Option<&Config>,
    account: Option<&(String, Account)>,
    domain: &str,
) -> anyhow::Result<(Outgoing, Option<(String, Account)>)> {
    let input = read_input(Path::new("-"), "the message on stdin")?;
    let message = read_message(&input, domain)?;
    let bare = Bare::QualifyWith(domain);
    let flag_sender = match m.from.as_deref().map(str::trim) {
        Some("<>") | Some("") => Some(None),
        Some(text) => Some(Some(parse_mailbox_with("-f", text, bare)?)),
        None => None,
    };
    let header_from = message.header_from.as_ref().map(|m| m.address.to_string());
    let account_from = account
        .and_then(|(_, a)| a.from.as_deref())
        .filter(|from| !config::is_pattern(from))
        .map(|from| account_sender(from, header_from.as_deref(), bare))
        .transpose()?;
    let allow_override = account
        .and_then(|(_, a)| a.allow_from_override)
        .unwrap_or(true);
    let flag_sender = match (flag_sender, &account_from) {
        (Some(_), Some(_)) if !allow_override => {
            tracing::info!("-f ignored: the account says allow_from_override off");
            None
        }
        (sender, _) => sender,
    };
    let sender: Option<Mailbox> = match flag_sender {
        Some(sender) => sender,
        None => Some(
            match account_from.clone().or(message.header_sender.clone()) {
                Some(mailbox) => mailbox,
                None => user_mailbox(domain)?,
            },
        ),
    };
    let mut chosen = None;
    if s.from_account {
        let address = sender
            .as_ref()
            .map(|m| m.address.to_string())
            .unwrap_or_default();
        chosen = Some(account_for(config, &address)?);
    }
    let mut recipients = parse_lists_with("a recipient argument", &c.recipients, bare)?;
    if c.read_recipients {
        recipients.extend(message.header_recipients.iter().cloned());
    }
    recipients.extend(parse_lists("--bcc", &m.bcc)?);
    let policy = chosen
        .as_ref()
        .or(account)
        .and_then(|(_, a)| a.set_from_header)
        .unwrap_or(FromHeader::Auto);
    let full_name = c.full_name.clone().or_else(|| {
        chosen
            .as_ref()
            .or(account)
            .and_then(|(_, a)| a.from_full_name.clone())
    });
    let from_header = Mailbox {
        name: full_name.filter(|n| !n.trim().is_empty()),
        address: match &sender {
            Some(mailbox) => mailbox.address.clone(),
            None => user_mailbox(domain)?.address,
        },
    };
    if let Some(name) = &from_header.name {
        crate::mail::address::reject_line_breaks("-F", name)?;
    }
    let envelope = Envelope::new(
        sender.map(|m| m.address),
        recipients.into_iter().map(|m| m.address),
    );
    let bytes = message.into_bytes(&from_header, policy, domain);
    Ok((Outgoing::fixed(envelope, bytes), chosen))
}

/// The account's `from` as a sender, with msmtp's `%F` (the address of the message's From
/// header) filled in: exit 78 when `%F` has no From header to come from.
fn account_sender(
    from: &str,
    header_from: Option<&str>,
    bare: Bare<'_>,
) -> anyhow::Result<Mailbox> {
    let from = config::substitute("from", from, header_from)?;
    if from.contains("%F") {
        return Err(exit::failure(
            sysexits::CONFIG,
            format!(
                "the config file's `from {from}`: %F stands for the address in the message's From header, and there is none"
            ),
        ));
    }
    parse_mailbox_with("the config file's from", &from, bare)
}

/// `login@domain`: the sender when nothing names one, as sendmail does.
fn user_mailbox(domain: &str) -> anyhow::Result<Mailbox> {
    let name = host::login_name();
    parse_mailbox_with("this user's login name", &name, Bare::QualifyWith(domain))
}

fn compose(
    m: &MessageArgs,
    s: &SendArgs,
    config: Option<&Config>,
    account: Option<&(String, Account)>,
    domain: &str,
) -> anyhow::Result<(Composition, Option<(String, Account)>)> {
    let from = match (&m.from, account.map(|(_, a)| a)) {
        (Some(text), _) => parse_mailbox("--from", text)?,
        (
            None,
            Some(Account {
                from: Some(text), ..
            }),
        ) if !config::is_pattern(text) => {
            let mut mailbox = account_sender(text, None, Bare::Refuse)?;
            if mailbox.name.is_none() {
                mailbox.name = account.and_then(|(_, a)| a.from_full_name.clone());
            }
            mailbox
        }
        _ => {
            return Err(usage(
                "no sender: give --from ADDRESS (or `from` in the config file)",
            ));
        }
    };
    let chosen = if s.from_account {
        Some(account_for(config, &from.address.to_string())?)
    } else {
        None
    };
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
            Some(read_text(Path::new("-"), "the body on stdin")?)
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
    let composition = Composition {
        from,
        to: parse_lists("--to", &m.to)?,
        cc: parse_lists("--cc", &m.cc)?,
        bcc: parse_lists("--bcc", &m.bcc)?,
        reply_to: parse_lists("--reply-to", &m.reply_to)?,
        subject: m.subject.clone(),
        headers,
        text,
        html,
        attachments,
        domain: domain.to_owned(),
    };
    Ok((composition, chosen))
}

/// Reads FILE (or stdin for `-`) whole: exit 66 when it cannot be read. `what` names it in
/// the error ("--body-file", "the message on stdin").
fn read_input(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    let from_stdin = path == Path::new("-");
    let result = if from_stdin {
        let mut buffer = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buffer)
            .map(|_| buffer)
    } else {
        std::fs::read(path)
    };
    result.map_err(|e| {
        let name = input_name(path, what);
        exit::failure(
            sysexits::NO_INPUT,
            format!("{name}: cannot read: {}", exit::system_words(&e)),
        )
    })
}

/// How an error names an input: `what` alone for stdin, else `what FILE`.
fn input_name(path: &Path, what: &str) -> String {
    if path == Path::new("-") {
        what.to_owned()
    } else {
        format!("{what} {}", path.display())
    }
}

/// A text body must be UTF-8 (it is labelled charset=utf-8): exit 65 otherwise.
fn read_text(path: &Path, what: &str) -> anyhow::Result<String> {
    String::from_utf8(read_input(path, what)?).map_err(|_| {
        let name = input_name(path, what);
        exit::failure(
            sysexits::DATA_ERR,
            format!("{name} is not UTF-8 text; send it with --attach instead"),
        )
    })
}

/// `FILE` or `FILE:TYPE`. A path that exists as given wins, so names with colons still work.
fn read_attachment(spec: &str) -> anyhow::Result<AttachmentFile> {
    let (path, explicit_type) = split_attach_spec(spec, Path::new(spec).exists());
    let path = Path::new(path);
    let media_type = match explicit_type {
        Some(kind) if is_media_type(kind) => kind.to_owned(),
        Some(kind) => {
            return Err(usage(format!(
                "--attach {spec}: {kind:?} is not a MIME type"
            )));
        }
        None => mime_guess::from_path(path)
            .first_or_octet_stream()
            .essence_str()
            .to_owned(),
    };
    let data = std::fs::read(path).map_err(|e| {
        exit::failure(
            sysexits::NO_INPUT,
            format!(
                "--attach {}: cannot read: {}",
                path.display(),
                exit::system_words(&e)
            ),
        )
    })?;
    let filename = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| usage(format!("--attach {spec}: not a file name")))?;
    Ok(AttachmentFile {
        filename,
        media_type,
        data,
    })
}

/// The message as a server offering 8BITMIME would get it, and the envelope on stderr.
fn print_dry_run(outgoing: &Outgoing) -> anyhow::Result<()> {
    let mut stdout = crate::exit::Stdout(std::io::stdout().lock());
    stdout
        .write_all(outgoing.bytes_for(true))
        .and_then(|()| stdout.flush())
        .map_err(output_failure)?;
    std::io::stderr()
        .write_all(outgoing.envelope.describe().as_bytes())
        .map_err(|e| {
            output_failure(std::io::Error::new(
                e.kind(),
                format!("cannot write to stderr: {}", exit::system_words(&e)),
            ))
        })?;
    Ok(())
}

/// Output that cannot be written is EX_IOERR, as sysexits.h has it for any I/O error, so a
/// caller reading sysexits is never handed tackle's generic 1; a reader that went away
/// (`| head`) stays the quiet exit 0 every subcommand gives.
fn output_failure(e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        e.into()
    } else {
        exit::failure(sysexits::IO_ERR, e)
    }
}

/// The SMTP settings: flags first, then the account, then tackle's defaults; `user` is
/// what [`login_user`] found.
fn smtp_settings(
    s: &SendArgs,
    c: &ClassicArgs,
    account: &Account,
    user: Option<String>,
    config_owner_only: bool,
    config_path: Option<&Path>,
) -> anyhow::Result<SmtpSettings> {
    let host = s
        .server
        .clone()
        .or_else(|| account.host.clone())
        .unwrap_or_else(|| "localhost".to_owned());
    let tls = match (s.tls, account.tls, account.tls_starttls) {
        (Some(mode), _, _) => mode,
        (None, Some(true), Some(false)) => TlsMode::Implicit,
        (None, Some(true), _) => TlsMode::Starttls,
        (None, Some(false), _) => TlsMode::None,
        (None, None, _) if user.is_some() => TlsMode::Starttls,
        (None, None, _) => TlsMode::Opportunistic,
    };
    let trust = trust_settings(s, account, config_path)?;
    if tls == TlsMode::None {
        if user.is_some() && !s.allow_plaintext_auth {
            return Err(usage(
                "--tls none with a login would send the password in plain text; use --tls starttls or implicit, or add --allow-plaintext-auth",
            ));
        }
        if s.trust.any_given() {
            return Err(usage(
                "--ca-file, --tls-fingerprint, --tls-insecure and --tls-cert need a --tls mode other than none",
            ));
        }
    }
    let login = match user {
        Some(user) => {
            crate::mail::address::reject_line_breaks("--user", &user)?;
            let mechanism = s.auth.or(match account.auth {
                Some(AuthSetting::Mechanism(m)) => Some(m),
                _ => None,
            });
            let what = mechanism.unwrap_or(Mechanism::Plain).secret_name();
            let source = password_source(s, account, config_owner_only, config_path)?;
            let secret = password::obtain(&source, what, &user, &host)?;
            Some(Login {
                user,
                secret,
                mechanism,
            })
        }
        None => None,
    };
    Ok(SmtpSettings {
        port: s
            .port
            .or(account.port)
            .unwrap_or_else(|| tls.default_port()),
        host,
        tls,
        trust,
        timeout: s
            .timeout
            .or(account.timeout)
            .unwrap_or(Duration::from_secs(30)),
        data_timeout: s.data_timeout,
        helo: s.helo.clone().or_else(|| account.domain.clone()),
        login,
        allow_plaintext_auth: s.allow_plaintext_auth,
        dsn: Dsn {
            notify: c.dsn_notify.clone().or_else(|| account.dsn_notify.clone()),
            ret: c.dsn_return.clone().or_else(|| account.dsn_return.clone()),
        },
        partial: c.partial,
    })
}

fn trust_settings(
    s: &SendArgs,
    account: &Account,
    config_path: Option<&Path>,
) -> anyhow::Result<TrustSettings> {
    let flags = &s.trust;
    let mut trust = flags.trust_settings();
    // Files the config file names are checked here, so that an error names its key and not
    // the flag that would otherwise have named the file.
    let in_config = |key: &str, e: anyhow::Error| {
        let file = config_path
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        exit::failure(sysexits::NO_INPUT, format!("{key} in {file}: {e:#}"))
    };
    // The account says which certificates to trust only when no flag does.
    if !flags.chooses_trust() {
        if let Some(TrustFile::File(path)) = &account.tls_trust_file {
            pem::load_certificates(path).map_err(|e| in_config("tls_trust_file", e))?;
            trust.ca_file = Some(path.clone());
            trust.no_system_roots = true;
        }
        trust.fingerprint = account.tls_fingerprint;
        trust.insecure = account.tls_certcheck == Some(false);
    }
    // clap takes --tls-cert only with --tls-key: no pair from the flags means neither was given.
    if trust.client_cert.is_none() {
        trust.client_cert = match (&account.tls_cert_file, &account.tls_key_file) {
            (Some(cert), Some(key)) => {
                pem::load_certificates(cert).map_err(|e| in_config("tls_cert_file", e))?;
                check_key_is_private(key, "tls_key_file", s)?;
                pem::load_private_key(key).map_err(|e| in_config("tls_key_file", e))?;
                Some((cert.clone(), key.clone()))
            }
            (None, None) => None,
            _ => {
                return Err(exit::failure(
                    sysexits::CONFIG,
                    "the config file needs both tls_cert_file and tls_key_file",
                ));
            }
        };
    }
    if let Some(key) = &flags.tls_key {
        check_key_is_private(key, "--tls-key", s)?;
    }
    Ok(trust)
}

/// A client certificate's private key is a secret like a password: refused (66, with the
/// `chmod 600` fix) when group or others may read it, unless `--allow-readable-secrets`.
fn check_key_is_private(key: &Path, what: &str, s: &SendArgs) -> anyhow::Result<()> {
    let policy = FilePolicy::allowing_readable(s.allow_readable_secrets);
    crate::secret::refuse_exposed(key, policy)
        .map_err(|e| exit::failure(sysexits::NO_INPUT, format!("{what} {e}")))
}

/// The user to log in as: `--user`, else the account's `user` when it says `auth on` (or a
/// mechanism). Password and mechanism flags without a user are a usage error.
fn login_user(s: &SendArgs, account: &Account) -> anyhow::Result<Option<String>> {
    let user = s.user.clone().or_else(|| match account.auth {
        Some(AuthSetting::Off) | None => None,
        Some(_) => account.user.clone(),
    });
    if account.auth.is_some_and(|a| a != AuthSetting::Off) && user.is_none() {
        return Err(exit::failure(
            sysexits::CONFIG,
            "the config file says `auth on` but names no `user`",
        ));
    }
    let login_flags = [
        ("--password-file", s.password_file.is_some()),
        ("--password-env", s.password_env.is_some()),
        ("--password-cmd", s.password_cmd.is_some()),
        ("--auth", s.auth.is_some()),
    ];
    if let (None, Some((flag, _))) = (&user, login_flags.iter().find(|(_, given)| *given)) {
        return Err(usage(format!(
            "{flag} needs a user name: give --user (or `user` and `auth on` in the config file)"
        )));
    }
    Ok(user)
}

/// Where the secret comes from: a flag, else the account's `passwordeval` or `password`
/// (only from an owner-only file), else the default variable or the prompt.
fn password_source(
    s: &SendArgs,
    account: &Account,
    config_owner_only: bool,
    config_path: Option<&Path>,
) -> anyhow::Result<PasswordSource> {
    let policy = FilePolicy::allowing_readable(s.allow_readable_secrets);
    if let Some(path) = &s.password_file {
        return Ok(PasswordSource::File(path.clone(), policy));
    }
    if let Some(command) = &s.password_cmd {
        return Ok(PasswordSource::Command(command.clone()));
    }
    if let Some(var) = &s.password_env {
        return Ok(PasswordSource::Env {
            var: var.clone(),
            explicit: true,
        });
    }
    if let Some(command) = &account.passwordeval {
        return Ok(PasswordSource::Command(command.clone()));
    }
    if let Some(password) = &account.password {
        if !config_owner_only && !s.allow_readable_secrets {
            let path = config_path
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            return Err(exit::failure(
                sysexits::CONFIG,
                format!(
                    "{path} holds a password but group or others may read it (or it is not yours); fix it with `chmod 600 {path}`, use passwordeval instead, or pass --allow-readable-secrets"
                ),
            ));
        }
        return Ok(PasswordSource::Config(password.clone()));
    }
    Ok(PasswordSource::Env {
        var: DEFAULT_PASSWORD_ENV.to_owned(),
        explicit: false,
    })
}

/// Writes the log line to `--logfile`/`logfile` and syslog, as the account asks.
fn record(
    s: &SendArgs,
    account: &Account,
    settings: &SmtpSettings,
    outgoing: &Outgoing,
    transcript: &Transcript,
    result: &anyhow::Result<()>,
) {
    let logfile = s.logfile.clone().or_else(|| account.logfile.clone());
    let syslog = account.syslog.unwrap_or(Syslog::Off);
    if logfile.is_none() && syslog == Syslog::Off {
        return;
    }
    let (status, error) = match result {
        Ok(()) => (0, None),
        Err(err) => (
            exit::status_carried_by(err).unwrap_or(sysexits::SOFTWARE),
            Some(format!("{err:#}")),
        ),
    };
    let entry = log::Entry {
        host: &settings.host,
        user: settings.login.as_ref().map(|l| l.user.as_str()),
        from: &outgoing.envelope.sender(),
        recipients: outgoing.envelope.to.iter().map(|a| a.to_string()).collect(),
        mailsize: outgoing.seven_bit.len(),
        transcript,
        status,
        error,
    };
    if let Some(path) = &logfile
        && let Err(e) = log::append(path, &entry)
    {
        tracing::warn!("cannot write the log file {}: {e}", path.display());
    }
    if let Syslog::Facility(facility) = syslog {
        log::syslog(facility, &entry);
    }
}

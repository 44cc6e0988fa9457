//! Accounts in a config file, in msmtp's syntax, so an existing `~/.msmtprc` works
//! unchanged: `defaults`, `account NAME [: PARENT[, PARENT...]]`, `account default : NAME`
//! and the keys below, one per line, `#` comments, values optionally in double quotes.
//!
//! As in msmtp, `defaults` applies to the accounts defined after it, and an account with
//! parents starts from the defaults and then takes every setting its parents made. A
//! `password` line is only honoured when the file is readable by its owner alone.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::host;
use super::raw::FromHeader;
use super::smtp::auth::Mechanism;
use super::sysexits;
use crate::exit;
use crate::secret::{self, Secret};
use crate::tls::client::Fingerprint;

/// `auth` in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthSetting {
    Off,
    /// On, with the mechanism chosen from what the server offers.
    On,
    Mechanism(Mechanism),
}

/// `tls_trust_file`: the system's roots or a PEM file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustFile {
    System,
    File(PathBuf),
}

/// `syslog`: off, or on with a facility (LOG_MAIL unless named).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syslog {
    Off,
    Facility(libc::c_int),
}

/// One account's settings; `None` where the file says nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub from: Option<String>,
    pub user: Option<String>,
    pub auth: Option<AuthSetting>,
    pub password: Option<Secret>,
    pub passwordeval: Option<String>,
    pub tls: Option<bool>,
    pub tls_starttls: Option<bool>,
    pub tls_trust_file: Option<TrustFile>,
    pub tls_fingerprint: Option<Fingerprint>,
    pub tls_certcheck: Option<bool>,
    pub tls_cert_file: Option<PathBuf>,
    pub tls_key_file: Option<PathBuf>,
    pub domain: Option<String>,
    pub timeout: Option<Duration>,
    pub logfile: Option<PathBuf>,
    pub syslog: Option<Syslog>,
    pub dsn_notify: Option<String>,
    pub dsn_return: Option<String>,
    pub set_from_header: Option<FromHeader>,
    pub allow_from_override: Option<bool>,
    pub from_full_name: Option<String>,
}

macro_rules! inherit {
    ($to:expr, $from:expr, $($field:ident),*) => {
        $( if $from.$field.is_some() { $to.$field = $from.$field.clone(); } )*
    };
}

impl Account {
    /// Takes every setting `parent` made.
    fn inherit(&mut self, parent: &Account) {
        inherit!(
            self,
            parent,
            host,
            port,
            from,
            user,
            auth,
            password,
            passwordeval,
            tls,
            tls_starttls,
            tls_trust_file,
            tls_fingerprint,
            tls_certcheck,
            tls_cert_file,
            tls_key_file,
            domain,
            timeout,
            logfile,
            syslog,
            dsn_notify,
            dsn_return,
            set_from_header,
            allow_from_override,
            from_full_name
        );
    }
}

/// A parsed config file.
#[derive(Debug, Clone)]
pub struct Config {
    pub path: PathBuf,
    /// The settings of the last `defaults` section (what applies without an account).
    pub defaults: Account,
    /// Accounts in the order they were defined.
    pub accounts: Vec<(String, Account)>,
    /// Whether the file is the user's own and nobody else may read it.
    pub owner_only: bool,
}

/// A config error: exit 78 (EX_CONFIG), naming file and line.
fn config_error(path: &Path, line: usize, message: impl std::fmt::Display) -> anyhow::Error {
    exit::failure(
        sysexits::CONFIG,
        format!("{}, line {line}: {message}", path.display()),
    )
}

/// The config file to read: `explicit` (`--config`), else the first that exists of
/// `$XDG_CONFIG_HOME/tackle/sendmail.conf` (default `~/.config/...`), `~/.msmtprc`,
/// `/etc/tackle/sendmail.conf`, `/etc/msmtprc`.
pub fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_owned());
    }
    candidates().into_iter().find(|p| p.exists())
}

/// Where tackle looks for a config file, in order.
pub fn candidates() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let mut list = Vec::new();
    if let Some(xdg) = xdg {
        list.push(xdg.join("tackle/sendmail.conf"));
    }
    if let Some(home) = &home {
        list.push(home.join(".msmtprc"));
    }
    list.push(PathBuf::from("/etc/tackle/sendmail.conf"));
    list.push(PathBuf::from("/etc/msmtprc"));
    list
}

/// [`candidates`] as a comma list, for messages that say where tackle looked.
pub fn candidates_listed() -> String {
    candidates()
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads and parses the file at `path`.
pub fn load(path: &Path) -> anyhow::Result<Config> {
    use std::os::unix::fs::MetadataExt;
    let cannot_read = |e: std::io::Error| {
        exit::failure(
            sysexits::CONFIG,
            format!(
                "{}: cannot read: {}",
                path.display(),
                exit::system_words(&e)
            ),
        )
    };
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let meta = file.metadata().map_err(cannot_read)?;
    // The file may hold a password: keep tackle out of core dumps, and its text in memory
    // that is wiped.
    secret::forbid_core_dumps();
    let bytes =
        secret::read_wiped(&mut &file, meta.len().min(1 << 20) as usize).map_err(cannot_read)?;
    let text = std::str::from_utf8(bytes.expose()).map_err(|e| {
        exit::failure(
            sysexits::CONFIG,
            format!(
                "{}: not UTF-8 text (byte {} is not)",
                path.display(),
                e.valid_up_to() + 1
            ),
        )
    })?;
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    let owner_only = meta.uid() == me && meta.mode() & 0o077 == 0;
    let mut config = parse(path, text)?;
    config.owner_only = owner_only;
    Ok(config)
}

/// Parses config text (the file's name is for messages).
pub fn parse(path: &Path, text: &str) -> anyhow::Result<Config> {
    let mut defaults = Account::default();
    let mut accounts: Vec<(String, Account)> = Vec::new();
    // Which section the following lines set: the defaults, or the last account.
    let mut in_account = false;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, rest) = match line.find(char::is_whitespace) {
            Some(at) => (&line[..at], line[at..].trim()),
            None => (line, ""),
        };
        let value = unquote(rest);
        match key {
            "defaults" => in_account = false,
            "account" => {
                let account = new_account(value, &defaults, &accounts)
                    .map_err(|why| config_error(path, number, why))?;
                accounts.push(account);
                in_account = true;
            }
            _ => {
                let target = match (in_account, accounts.last_mut()) {
                    (true, Some((_, account))) => account,
                    _ => &mut defaults,
                };
                set(target, key, value).map_err(|why| config_error(path, number, why))?;
            }
        }
    }
    Ok(Config {
        path: path.to_owned(),
        defaults,
        accounts,
        owner_only: false,
    })
}

/// `NAME [: PARENT[, PARENT...]]`: a new account from the defaults and its parents.
fn new_account(
    value: &str,
    defaults: &Account,
    accounts: &[(String, Account)],
) -> Result<(String, Account), String> {
    let (name, parents) = match value.split_once(':') {
        Some((name, parents)) => (name.trim(), Some(parents)),
        None => (value.trim(), None),
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(format!("`account {value}`: expected an account name"));
    }
    if accounts.iter().any(|(n, _)| n == name) {
        return Err(format!("account {name} is defined twice"));
    }
    let mut account = defaults.clone();
    for parent in parents.into_iter().flat_map(|p| p.split(',')) {
        let parent = parent.trim();
        let Some((_, settings)) = accounts.iter().find(|(n, _)| n == parent) else {
            return Err(format!(
                "account {name} inherits from {parent:?}, which is not defined above it"
            ));
        };
        account.inherit(settings);
    }
    Ok((name.to_owned(), account))
}

/// A value as msmtp reads it: the rest of the line, without the double quotes that enclose
/// it, if they do. Nothing inside is an escape (`password "a\\b"` is `a\b`), and a quote
/// that is not closed is part of the value.
fn unquote(rest: &str) -> &str {
    match rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner,
        None => rest,
    }
}

/// `on`/`off` (an empty value means on, as in msmtp).
fn on_off(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "" | "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("{key} takes on or off, not {value:?}")),
    }
}

/// `~/x` means `$HOME/x`, as in msmtp.
fn expand_home(value: &str) -> PathBuf {
    match (value.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(value),
    }
}

fn optional(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

fn set(account: &mut Account, key: &str, value: &str) -> Result<(), String> {
    match key {
        "host" => account.host = Some(required(key, value)?),
        "port" => {
            let port: u16 = value
                .parse()
                .ok()
                .filter(|&p| p != 0)
                .ok_or_else(|| format!("port takes a number from 1 to 65535, not {value:?}"))?;
            account.port = Some(port);
        }
        "from" => account.from = optional(value),
        "user" => account.user = optional(value),
        "auth" => {
            account.auth = Some(match value {
                "" | "on" => AuthSetting::On,
                "off" => AuthSetting::Off,
                other => {
                    let mechanism = <Mechanism as clap::ValueEnum>::from_str(other, true).map_err(|_| {
                        format!("auth takes on, off, plain, login, xoauth2 or oauthbearer, not {other:?}")
                    })?;
                    AuthSetting::Mechanism(mechanism)
                }
            })
        }
        "password" => {
            account.password = (!value.is_empty()).then(|| Secret::new(value.as_bytes().to_vec()))
        }
        "passwordeval" => account.passwordeval = optional(value),
        "tls" => account.tls = Some(on_off(key, value)?),
        "tls_starttls" => account.tls_starttls = Some(on_off(key, value)?),
        "tls_trust_file" => {
            account.tls_trust_file = match value {
                "" => None,
                "system" => Some(TrustFile::System),
                path => Some(TrustFile::File(expand_home(path))),
            }
        }
        "tls_fingerprint" => {
            account.tls_fingerprint = match value {
                "" => None,
                text => Some(
                    text.parse()
                        .map_err(|e: String| format!("tls_fingerprint: {e}"))?,
                ),
            }
        }
        "tls_certcheck" => account.tls_certcheck = Some(on_off(key, value)?),
        "tls_cert_file" => account.tls_cert_file = optional(value).map(|v| expand_home(&v)),
        "tls_key_file" => account.tls_key_file = optional(value).map(|v| expand_home(&v)),
        "domain" => account.domain = optional(value),
        "timeout" => {
            account.timeout = match value {
                "off" | "" => None,
                seconds => Some(Duration::from_secs(
                    seconds
                        .parse::<u64>()
                        .ok()
                        .filter(|&s| s > 0)
                        .ok_or_else(|| {
                            format!("timeout takes off or a number of seconds, not {seconds:?}")
                        })?,
                )),
            }
        }
        "logfile" => account.logfile = optional(value).map(|v| expand_home(&v)),
        "syslog" => {
            account.syslog = Some(match value {
                "" | "on" => Syslog::Facility(libc::LOG_MAIL),
                "off" => Syslog::Off,
                facility => Syslog::Facility(facility_named(facility)?),
            })
        }
        "dsn_notify" => {
            account.dsn_notify = optional(value).map(|v| check_notify(&v)).transpose()?
        }
        "dsn_return" => {
            account.dsn_return = optional(value).map(|v| check_return(&v)).transpose()?
        }
        "set_from_header" => {
            account.set_from_header = Some(match value {
                "auto" => FromHeader::Auto,
                "" | "on" => FromHeader::Always,
                "off" => FromHeader::Never,
                other => {
                    return Err(format!(
                        "set_from_header takes auto, on or off, not {other:?}"
                    ));
                }
            })
        }
        "allow_from_override" => account.allow_from_override = Some(on_off(key, value)?),
        "from_full_name" => account.from_full_name = optional(value),
        "auto_from" => {
            tracing::warn!(
                "the config key auto_from is ignored (msmtp dropped it too); set `from` instead"
            );
        }
        // msmtp's older names.
        "tls_nostarttls" => account.tls_starttls = Some(!on_off(key, value)?),
        "tls_nocertcheck" => account.tls_certcheck = Some(!on_off(key, value)?),
        other if WHAT_TACKLE_DOES.iter().any(|(k, _)| *k == other) => {
            what_tackle_does(other, value)?
        }
        other => {
            return Err(format!(
                "unknown key {other:?} (tackle reads host, port, from, user, auth, password, passwordeval, tls, tls_starttls, tls_trust_file, tls_fingerprint, tls_certcheck, tls_cert_file, tls_key_file, domain, timeout, logfile, syslog, dsn_notify, dsn_return, set_from_header, allow_from_override, from_full_name)"
            ));
        }
    }
    Ok(())
}

/// msmtp keys whose only value tackle takes is the one that says what it always does: a
/// file that says so works unchanged; any other value is an error, never silently ignored.
const WHAT_TACKLE_DOES: [(&str, &str); 7] = [
    ("protocol", "smtp"),
    ("remove_bcc_headers", "on"),
    ("keepbcc", "off"),
    ("set_date_header", "auto"),
    ("set_msgid_header", "auto"),
    ("add_missing_date_header", "on"),
    ("add_missing_from_header", "on"),
];

fn what_tackle_does(key: &str, value: &str) -> Result<(), String> {
    let Some((_, only)) = WHAT_TACKLE_DOES.iter().find(|(k, _)| *k == key) else {
        return Err(format!("unknown key {key:?}"));
    };
    // An empty value means on, as everywhere in msmtp's file.
    let value = if value.is_empty() { "on" } else { value };
    if value == *only {
        return Ok(());
    }
    Err(format!(
        "{key} {value}: tackle only does what `{key} {only}` says (see the README's msmtp notes)"
    ))
}

fn required(key: &str, value: &str) -> Result<String, String> {
    optional(value).ok_or_else(|| format!("{key} needs a value"))
}

fn facility_named(name: &str) -> Result<libc::c_int, String> {
    let facility = match name {
        "LOG_MAIL" => libc::LOG_MAIL,
        "LOG_USER" => libc::LOG_USER,
        "LOG_LOCAL0" => libc::LOG_LOCAL0,
        "LOG_LOCAL1" => libc::LOG_LOCAL1,
        "LOG_LOCAL2" => libc::LOG_LOCAL2,
        "LOG_LOCAL3" => libc::LOG_LOCAL3,
        "LOG_LOCAL4" => libc::LOG_LOCAL4,
        "LOG_LOCAL5" => libc::LOG_LOCAL5,
        "LOG_LOCAL6" => libc::LOG_LOCAL6,
        "LOG_LOCAL7" => libc::LOG_LOCAL7,
        other => {
            return Err(format!(
                "syslog takes on, off, LOG_MAIL, LOG_USER or LOG_LOCAL0..LOG_LOCAL7, not {other:?}"
            ));
        }
    };
    Ok(facility)
}

/// A DSN NOTIFY value (RFC 3461 §4.1): `never` alone, or a comma list of success, failure,
/// delay. Returned upper case, as it goes on the wire.
pub fn check_notify(value: &str) -> Result<String, String> {
    let upper = value.to_ascii_uppercase();
    let words: Vec<&str> = upper.split(',').map(str::trim).collect();
    let valid = if words == ["NEVER"] {
        true
    } else {
        !words.is_empty()
            && words
                .iter()
                .all(|w| ["SUCCESS", "FAILURE", "DELAY"].contains(w))
    };
    if valid {
        Ok(words.join(","))
    } else {
        Err(format!(
            "{value:?} is not a DSN notify value (never, or a comma list of success, failure, delay)"
        ))
    }
}

/// A DSN RET value (RFC 3461 §4.3): `full` or `hdrs`, returned upper case.
pub fn check_return(value: &str) -> Result<String, String> {
    match value.to_ascii_lowercase().as_str() {
        "full" => Ok("FULL".into()),
        "hdrs" | "headers" => Ok("HDRS".into()),
        _ => Err(format!(
            "{value:?} is not a DSN return value (full or hdrs)"
        )),
    }
}

/// msmtp's substitutions in `from` and `domain` (its `expand_from` and `expand_domain`):
/// `%H` this host's name, `%C` its canonical name, `%M` the first line of `/etc/mailname`,
/// and in `from` also `%U` the user's login name and `%F` the address in the message's From
/// header. Without `from_header`, `%F` stays as it is, for the caller to fill in once the
/// message is read. Any other `%` is kept. Exit 78 when `%M` has no file to come from.
pub fn substitute(key: &str, value: &str, from_header: Option<&str>) -> anyhow::Result<String> {
    substitute_with(key, value, from_header, Path::new("/etc/mailname"))
}

fn substitute_with(
    key: &str,
    value: &str,
    from_header: Option<&str>,
    mailname: &Path,
) -> anyhow::Result<String> {
    let in_from = key == "from";
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let replacement = match after.as_bytes().first() {
            Some(b'U') if in_from => Some(host::login_name()),
            Some(b'H') => Some(host_name()),
            Some(b'C') => {
                let name = host_name();
                Some(host::canonical_name(&name).unwrap_or(name))
            }
            Some(b'M') => Some(first_line_of(mailname).map_err(|why| {
                exit::failure(
                    sysexits::CONFIG,
                    format!(
                        "`{key} {value}`: %M stands for {}, which {why}",
                        mailname.display()
                    ),
                )
            })?),
            Some(b'F') if in_from => from_header.map(str::to_owned),
            _ => None,
        };
        match replacement {
            // The byte after `%` is ASCII, so the rest starts right after it.
            Some(text) => {
                out.push_str(&text);
                rest = &after[1..];
            }
            None => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// `%H`: the host's name as it calls itself.
fn host_name() -> String {
    host::hostname().unwrap_or_else(|| "localhost".to_owned())
}

/// The first line of `path` (`/etc/mailname`), or why there is none.
fn first_line_of(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot be read: {}", exit::system_words(&e)))?;
    let line = text.lines().next().unwrap_or_default().trim();
    if line.is_empty() {
        return Err("is empty".into());
    }
    Ok(line.to_owned())
}

/// Whether an account's `from` is a wildcard pattern (msmtp: it holds `?`, `*` or `[`),
/// which `--from-account` matches senders against; such a `from` is never itself a sender.
/// An address literal (`x@[192.0.2.1]`) is an address, not a pattern.
pub fn is_pattern(from: &str) -> bool {
    let without_literal = match from.rsplit_once("@[") {
        Some((local, _)) if from.ends_with(']') => local,
        _ => from,
    };
    without_literal.contains(['?', '*', '['])
}

/// Whether the sender `address` is the account's `from`: a wildcard pattern matched as
/// fnmatch(3) does, else the same address ignoring case; `user+detail@domain` also matches
/// `user@domain` (subaddressing), as in msmtp.
fn sender_matches(from: &str, address: &str) -> bool {
    let matches = |candidate: &str| {
        if is_pattern(from) {
            glob_matches(from, candidate)
        } else {
            from.eq_ignore_ascii_case(candidate)
        }
    };
    if matches(address) {
        return true;
    }
    match (address.split_once('+'), address.rsplit_once('@')) {
        (Some((user, _)), Some((_, domain))) if !from.contains('+') && !user.contains('@') => {
            matches(&format!("{user}@{domain}"))
        }
        _ => false,
    }
}

/// fnmatch(3) without flags: the shell's wildcards, as msmtp matches them.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let (Ok(pattern), Ok(text)) = (
        std::ffi::CString::new(pattern),
        std::ffi::CString::new(text),
    ) else {
        return false;
    };
    // SAFETY: both are NUL-terminated strings that live across the call.
    unsafe { libc::fnmatch(pattern.as_ptr(), text.as_ptr(), 0) == 0 }
}

impl Config {
    /// The account called `name`, with its file's line numbers long gone: exit 78 when
    /// there is none.
    pub fn account(&self, name: &str) -> anyhow::Result<Account> {
        let account = self
            .accounts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, a)| a.clone())
            .ok_or_else(|| {
                let known: Vec<&str> = self.accounts.iter().map(|(n, _)| n.as_str()).collect();
                exit::failure(
                    sysexits::CONFIG,
                    format!(
                        "{}: no account {name:?} (it defines {})",
                        self.path.display(),
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ),
                )
            })?;
        account.substituted()
    }

    /// The `default` account, if the file has one.
    pub fn default_account(&self) -> anyhow::Result<Option<Account>> {
        if self.accounts.iter().any(|(n, _)| n == "default") {
            self.account("default").map(Some)
        } else {
            Ok(None)
        }
    }

    /// The settings of the `defaults` section, for when no account is used.
    pub fn defaults(&self) -> anyhow::Result<Account> {
        self.defaults.clone().substituted()
    }

    /// The first account whose `from` is the sender `address`, as msmtp's
    /// `--read-envelope-from` picks one: the same address ignoring case, or a wildcard
    /// pattern that matches it, or `user@domain` for `user+detail@domain`.
    pub fn account_for_sender(&self, address: &str) -> anyhow::Result<Option<(String, Account)>> {
        for (name, account) in &self.accounts {
            let account = account.clone().substituted()?;
            if account
                .from
                .as_deref()
                .is_some_and(|from| sender_matches(from.trim(), address))
            {
                return Ok(Some((name.clone(), account)));
            }
        }
        Ok(None)
    }
}

impl Account {
    /// The account with msmtp's `%` substitutions made in `domain` and `from` (all but `%F`,
    /// which needs the message).
    fn substituted(mut self) -> anyhow::Result<Account> {
        if let Some(domain) = &self.domain {
            self.domain = Some(substitute("domain", domain, None)?);
        }
        if let Some(from) = &self.from {
            self.from = Some(substitute("from", from, None)?);
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(text: &str) -> Config {
        parse(Path::new("test.conf"), text).unwrap()
    }

    fn error(text: &str) -> String {
        let err = parse(Path::new("test.conf"), text).unwrap_err();
        assert_eq!(
            err.downcast_ref::<exit::Failure>().unwrap().status,
            sysexits::CONFIG
        );
        err.to_string()
    }

    const MSMTPRC: &str = r#"
# Example for a user configuration file ~/.msmtprc
defaults
auth           on
tls            on
tls_trust_file /etc/ssl/certs/ca-certificates.crt
logfile        ~/.msmtp.log

# Gmail
account        gmail
host           smtp.gmail.com
port           587
from           username@gmail.com
user           username
passwordeval   "pass show gmail"

account        work : gmail
host           mail.work.example
from           me@work.example
auth           login

# Set a default account
account default : gmail
"#;

    #[test]
    fn reads_an_msmtprc_with_inheritance_and_a_default() {
        let config = parsed(MSMTPRC);
        let gmail = config.account("gmail").unwrap();
        assert_eq!(gmail.host.as_deref(), Some("smtp.gmail.com"));
        assert_eq!(gmail.auth, Some(AuthSetting::On));
        assert_eq!(gmail.tls, Some(true));
        assert_eq!(gmail.passwordeval.as_deref(), Some("pass show gmail"));
        let work = config.account("work").unwrap();
        assert_eq!(work.host.as_deref(), Some("mail.work.example"));
        assert_eq!(work.port, Some(587));
        assert_eq!(work.user.as_deref(), Some("username"));
        assert_eq!(work.auth, Some(AuthSetting::Mechanism(Mechanism::Login)));
        assert_eq!(config.default_account().unwrap(), Some(gmail));
        let (name, _) = config
            .account_for_sender("ME@work.example")
            .unwrap()
            .unwrap();
        assert_eq!(name, "work");
        assert!(config.account_for_sender("nobody@x.org").unwrap().is_none());
    }

    #[test]
    fn defaults_apply_to_accounts_defined_after_them() {
        let config = parsed("account a\nhost a.org\ndefaults\nport 2525\naccount b\nhost b.org\n");
        assert_eq!(config.account("a").unwrap().port, None);
        assert_eq!(config.account("b").unwrap().port, Some(2525));
    }

    #[test]
    fn errors_name_the_line() {
        assert!(
            error("host x\nfrobnicate on\n")
                .contains("test.conf, line 2: unknown key \"frobnicate\"")
        );
        assert!(error("account a : nope\n").contains("line 1: account a inherits from \"nope\""));
        assert!(error("port 99999\n").contains("line 1: port takes"));
        assert!(error("tls maybe\n").contains("tls takes on or off"));
        assert!(error("account a\naccount a\n").contains("defined twice"));
        let config = parsed("account a\n");
        let err = config.account("b").unwrap_err().to_string();
        assert!(err.contains("no account \"b\" (it defines a)"), "{err}");
    }

    #[test]
    fn values_may_be_quoted_and_auto_from_is_ignored() {
        let config = parsed(
            "account a\npassword \"p w\\\"x\"\nauto_from on\ndsn_notify success,failure\npasswordeval \"printf 'x\\n'\"\nfrom \"half@x.org\n",
        );
        let a = config.account("a").unwrap();
        assert_eq!(
            a.password.as_ref().map(Secret::expose),
            Some(&br#"p w\"x"#[..])
        );
        // As msmtp: no escapes inside quotes, and an unclosed quote is part of the value.
        assert_eq!(a.passwordeval.as_deref(), Some(r"printf 'x\n'"));
        assert_eq!(a.from.as_deref(), Some("\"half@x.org"));
        assert_eq!(a.dsn_notify.as_deref(), Some("SUCCESS,FAILURE"));
    }

    #[test]
    fn from_and_domain_take_msmtps_substitutions() {
        let dir = tempfile::tempdir().unwrap();
        let mailname = dir.path().join("mailname");
        std::fs::write(&mailname, "mail.example.org\nignored\n").unwrap();
        let sub = |key: &str, value: &str, header: Option<&str>| {
            substitute_with(key, value, header, &mailname).unwrap()
        };
        let host = host_name();
        assert_eq!(
            sub("from", "%U@x.org", None),
            format!("{}@x.org", host::login_name())
        );
        assert_eq!(sub("from", "me@%H", None), format!("me@{host}"));
        assert_eq!(sub("domain", "%M", None), "mail.example.org");
        assert_eq!(sub("from", "%F", Some("a@b.org")), "a@b.org");
        // %F waits for the message; %U and %F mean nothing in `domain`; other % stay.
        assert_eq!(sub("from", "%F", None), "%F");
        assert_eq!(sub("domain", "%U.%F", Some("a@b.org")), "%U.%F");
        assert_eq!(sub("from", "100%x@y.org%", None), "100%x@y.org%");
        assert!(!sub("domain", "%C", None).contains('%'));
        let missing = dir.path().join("none");
        let err = substitute_with("from", "me@%M", None, &missing).unwrap_err();
        assert_eq!(
            err.downcast_ref::<exit::Failure>().unwrap().status,
            sysexits::CONFIG
        );
        assert!(
            err.to_string().contains("`from me@%M`: %M stands for"),
            "{err}"
        );
        std::fs::write(&mailname, "\n").unwrap();
        let err = substitute_with("domain", "%M", None, &mailname).unwrap_err();
        assert!(err.to_string().ends_with("which is empty"), "{err}");
    }

    #[test]
    fn senders_match_addresses_patterns_and_subaddresses() {
        assert!(sender_matches("Me@Example.org", "me@example.org"));
        assert!(sender_matches("*@lists.example.org", "x@lists.example.org"));
        assert!(!sender_matches("*@lists.example.org", "x@example.org"));
        assert!(sender_matches("me@example.org", "me+news@example.org"));
        assert!(!sender_matches("me+a@example.org", "me+news@example.org"));
        assert!(sender_matches("user?@[ab].org", "user1@a.org"));
        assert!(is_pattern("*@x.org") && is_pattern("a[bc]@x.org"));
        assert!(!is_pattern("x@[192.0.2.1]") && !is_pattern("me@example.org"));
        assert!(sender_matches("x@[192.0.2.1]", "x@[192.0.2.1]"));
    }

    #[test]
    fn keys_that_say_what_tackle_does_are_read_and_old_names_too() {
        let config = parsed(
            "protocol smtp\nremove_bcc_headers on\nkeepbcc off\nset_date_header auto\n\
set_msgid_header auto\nadd_missing_date_header\nadd_missing_from_header on\n\
account a\ntls_nostarttls\ntls_nocertcheck off\n",
        );
        let a = config.account("a").unwrap();
        assert_eq!((a.tls_starttls, a.tls_certcheck), (Some(false), Some(true)));
        assert!(
            error("protocol lmtp\n")
                .contains("line 1: protocol lmtp: tackle only does what `protocol smtp` says")
        );
        assert!(error("keepbcc on\n").contains("keepbcc on: tackle only does"));
        assert!(error("set_date_header off\n").contains("set_date_header off"));
    }

    #[test]
    fn from_full_name_is_read_and_inherited() {
        let config = parsed("defaults\nfrom_full_name Cron Daemon\naccount a\nfrom a@x.org\n");
        assert_eq!(
            config.account("a").unwrap().from_full_name.as_deref(),
            Some("Cron Daemon")
        );
    }

    proptest! {
        #[test]
        fn never_panics(text in "[ -~\n\t]{0,300}") {
            let _ = parse(Path::new("x"), &text);
        }

        #[test]
        fn substitution_never_panics_and_keeps_text_without_percent(
            value in "\\PC{0,60}", header in proptest::option::of("[a-z@.]{0,20}")
        ) {
            let dir = tempfile::tempdir().unwrap();
            let out = substitute_with("from", &value, header.as_deref(), &dir.path().join("none"));
            if !value.contains('%') {
                prop_assert_eq!(out.unwrap(), value);
            }
        }

        #[test]
        fn matching_never_panics(from in "\\PC{0,30}", address in "\\PC{0,30}") {
            let _ = sender_matches(&from, &address);
        }
    }
}

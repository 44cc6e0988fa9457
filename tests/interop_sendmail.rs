//! Interop stage: `tackle sendmail` against SMTP servers it did not choose. aiosmtpd
//! (tests/support/smtp_server.py, started per test on a free loopback port, with STARTTLS or
//! implicit TLS on certificates generated here and AUTH when asked), with received messages
//! parsed back by Python's email package (tests/support/mime_dump.py), which also reports MIME
//! defects; and exim, a real MTA, speaking SMTP on its stdin and stdout (`exim -bs`) behind a
//! loopback listener, delivering to an mbox file. Built only with `--features interop`.

mod common;
mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use base64::Engine;
use common::{repo_root, tackle};
use serde_json::Value;
use support::command::{ann_to_you, args, me_to_you};
use support::smtp::Certs;
use tempfile::TempDir;

// --- the SMTP server ----------------------------------------------------------------------

/// How to start the test server.
#[derive(Default)]
struct ServerOptions<'a> {
    /// "none", "starttls" or "implicit".
    tls: &'a str,
    /// `USER:PASSWORD` accepted by AUTH.
    auth: Option<&'a str>,
    auth_without_tls: bool,
    refuse: Vec<&'a str>,
    tempfail: Vec<&'a str>,
}

/// A running aiosmtpd server; killed when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: TempDir,
    certs: Option<Certs>,
}

impl SmtpServer {
    fn start(options: ServerOptions<'_>) -> SmtpServer {
        let dir = tempfile::tempdir().expect("server temp dir");
        let maildir = dir.path().join("mail");
        std::fs::create_dir(&maildir).expect("maildir");
        let tls = if options.tls.is_empty() {
            "none"
        } else {
            options.tls
        };
        let mut cmd = Command::new("python3");
        cmd.arg(repo_root().join("tests/support/smtp_server.py"))
            .arg("--maildir")
            .arg(&maildir)
            .args(["--tls", tls]);
        let certs = (tls != "none").then(|| make_certs(dir.path()));
        if let Some(certs) = &certs {
            cmd.arg("--cert")
                .arg(&certs.cert)
                .arg("--key")
                .arg(&certs.key);
        }
        if let Some(auth) = options.auth {
            cmd.args(["--auth", auth]);
        }
        if options.auth_without_tls {
            cmd.arg("--auth-without-tls");
        }
        for address in options.refuse {
            cmd.args(["--refuse", address]);
        }
        for address in options.tempfail {
            cmd.args(["--tempfail", address]);
        }
        let log = std::fs::File::create(dir.path().join("server.log")).expect("server log");
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start python3 tests/support/smtp_server.py (is aiosmtpd installed?)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("server stdout"))
            .read_line(&mut line)
            .expect("read the server's ready line");
        let port = line
            .trim()
            .strip_prefix("listening smtp 127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                let log =
                    std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
                panic!("SMTP server did not start: {line:?}\n{log}")
            });
        SmtpServer {
            child,
            port,
            dir,
            certs,
        }
    }

    fn plain() -> SmtpServer {
        SmtpServer::start(ServerOptions::default())
    }

    /// A server speaking TLS (`starttls` or `implicit`) with a certificate from a private CA.
    fn with_tls(tls: &str) -> SmtpServer {
        SmtpServer::start(ServerOptions {
            tls,
            ..ServerOptions::default()
        })
    }

    /// `--server 127.0.0.1 --port N` plus the TLS mode and, for TLS servers, `--ca-file`.
    fn flags(&self, tls: &str) -> Vec<String> {
        let mut flags = vec![
            "--server".to_owned(),
            "127.0.0.1".to_owned(),
            "--port".to_owned(),
            self.port.to_string(),
            "--tls".to_owned(),
            tls.to_owned(),
            "--timeout".to_owned(),
            "10s".to_owned(),
        ];
        if let (Some(certs), true) = (&self.certs, tls != "none") {
            flags.push("--ca-file".to_owned());
            flags.push(certs.ca.display().to_string());
        }
        flags
    }

    /// Every message received so far, in order.
    fn received(&self) -> Vec<Received> {
        let maildir = self.dir.path().join("mail");
        let mut metas: Vec<PathBuf> = std::fs::read_dir(&maildir)
            .expect("read maildir")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        metas.sort();
        metas
            .into_iter()
            .map(|meta| Received {
                meta: serde_json::from_slice(&std::fs::read(&meta).expect("read meta"))
                    .expect("meta JSON"),
                raw: std::fs::read(meta.with_extension("eml")).expect("read eml"),
            })
            .collect()
    }

    /// The one message received; fails when there is not exactly one.
    fn only_message(&self) -> Received {
        let mut all = self.received();
        assert_eq!(all.len(), 1, "expected exactly one message");
        all.remove(0)
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Received {
    meta: Value,
    raw: Vec<u8>,
}

impl Received {
    fn recipients(&self) -> Vec<String> {
        strings(&self.meta["rcpt_tos"])
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_owned())
        .collect()
}

fn make_certs(dir: &Path) -> Certs {
    support::smtp::make_certs(dir, false, false)
}

// --- parsing what arrived ------------------------------------------------------------------

/// A message as Python's email package sees it.
struct Parsed(Value);

impl Parsed {
    fn of(raw: &[u8]) -> Parsed {
        let mut child = Command::new("python3")
            .arg(repo_root().join("tests/support/mime_dump.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run mime_dump.py");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(raw)
            .expect("feed mime_dump.py");
        let output = child.wait_with_output().expect("mime_dump.py output");
        assert!(output.status.success(), "mime_dump.py failed");
        let parsed = Parsed(serde_json::from_slice(&output.stdout).expect("mime_dump JSON"));
        assert_eq!(
            parsed.0["defects"],
            serde_json::json!([]),
            "the MIME parser found defects in:\n{}",
            String::from_utf8_lossy(raw)
        );
        parsed
    }

    /// Every value of header `name` (decoded), case-insensitively.
    fn headers(&self, name: &str) -> Vec<String> {
        self.0["headers"]
            .as_array()
            .expect("headers")
            .iter()
            .filter(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .map(|h| h[1].as_str().expect("value").to_owned())
            .collect()
    }

    fn header(&self, name: &str) -> String {
        let values = self.headers(name);
        assert_eq!(
            values.len(),
            1,
            "expected one {name} header in {:?}",
            self.0
        );
        values[0].clone()
    }

    fn content_type(&self) -> &str {
        self.0["content_type"].as_str().expect("content type")
    }

    fn parts(&self) -> Vec<Part> {
        self.0["parts"]
            .as_array()
            .expect("parts")
            .iter()
            .map(|p| Part {
                content_type: p["content_type"].as_str().expect("type").to_owned(),
                filename: p["filename"].as_str().map(str::to_owned),
                transfer_encoding: p["transfer_encoding"].as_str().map(str::to_owned),
                payload: base64::engine::general_purpose::STANDARD
                    .decode(p["payload_b64"].as_str().expect("payload"))
                    .expect("payload base64"),
            })
            .collect()
    }
}

#[derive(Debug)]
struct Part {
    content_type: String,
    filename: Option<String>,
    transfer_encoding: Option<String>,
    payload: Vec<u8>,
}

/// The text of a text part, with the CRLF line endings of the wire turned back into LF.
fn text(part: &Part) -> String {
    String::from_utf8(part.payload.clone())
        .expect("UTF-8 part")
        .replace("\r\n", "\n")
}

// --- plain sending --------------------------------------------------------------------------

#[test]
fn sends_a_plain_message_with_date_and_message_id() {
    let server = SmtpServer::plain();
    let out = tackle(args(
        &server.flags("none"),
        &[
            "--from",
            "Me <me@example.org>",
            "--to",
            "you@example.org",
            "--subject",
            "hello there",
            "--body",
            "first line\nsecond line\n",
            "--helo",
            "client.example.org",
        ],
    ))
    .run();
    out.success().stderr_empty();
    let message = server.only_message();
    assert_eq!(message.meta["mail_from"], "me@example.org");
    assert_eq!(message.recipients(), ["you@example.org"]);
    assert_eq!(message.meta["helo"], "client.example.org");
    let parsed = Parsed::of(&message.raw);
    assert_eq!(parsed.header("From"), "Me <me@example.org>");
    assert_eq!(parsed.header("To"), "you@example.org");
    assert_eq!(parsed.header("Subject"), "hello there");
    assert!(
        parsed.header("Date").contains(" 20"),
        "{}",
        parsed.header("Date")
    );
    let id = parsed.header("Message-ID");
    assert!(
        id.starts_with('<') && id.ends_with('>') && id.contains('@'),
        "{id}"
    );
    let parts = parsed.parts();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].content_type, "text/plain");
    assert_eq!(text(&parts[0]), "first line\nsecond line\n");
}

#[test]
fn reads_the_body_from_stdin_and_dot_stuffs_it() {
    let server = SmtpServer::plain();
    let body = "a line\n.\n..two dots\n.leading dot\n";
    tackle(me_to_you(&server.flags("none"), &[]))
        .stdin(body)
        .run()
        .success();
    let parts = Parsed::of(&server.only_message().raw).parts();
    assert_eq!(text(&parts[0]), body);
}

#[test]
fn non_ascii_subject_and_names_are_encoded_and_decode_back() {
    let server = SmtpServer::plain();
    tackle(args(
        &server.flags("none"),
        &[
            "--from",
            "Zoë Ünal <zoe@example.org>",
            "--to",
            "\"Doe, Jane\" <jane@example.org>",
            "--subject",
            "Grüße aus Köln 🎉",
            "--header",
            "X-Note: naïve",
            "--body",
            "Größe: 3 m²",
        ],
    ))
    .run()
    .success();
    let message = server.only_message();
    let head_end = message
        .raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    assert!(
        message.raw[..head_end].is_ascii(),
        "headers should be 7-bit"
    );
    // aiosmtpd offers 8BITMIME, so the UTF-8 body goes as 8bit.
    assert_eq!(message.meta["mail_options"][0], "BODY=8BITMIME");
    let parsed = Parsed::of(&message.raw);
    assert_eq!(parsed.header("Subject"), "Grüße aus Köln 🎉");
    assert_eq!(parsed.header("From"), "Zoë Ünal <zoe@example.org>");
    assert_eq!(parsed.header("To"), "\"Doe, Jane\" <jane@example.org>");
    assert_eq!(parsed.header("X-Note"), "naïve");
    // 8bit text goes on the wire as it is; SMTP ends its last line.
    assert_eq!(text(&parsed.parts()[0]), "Größe: 3 m²\n");
}

#[test]
fn several_recipients_get_it_and_bcc_never_shows_in_headers() {
    let server = SmtpServer::plain();
    tackle(args(
        &server.flags("none"),
        &[
            "--from",
            "me@example.org",
            "--to",
            "a@example.org, B <b@example.org>",
            "--to",
            "c@example.org",
            "--cc",
            "d@example.org",
            "--bcc",
            "hidden@example.org",
            "--bcc",
            "a@example.org",
            "--reply-to",
            "replies@example.org",
            "--body",
            "hi",
        ],
    ))
    .run()
    .success();
    let message = server.only_message();
    assert_eq!(
        message.recipients(),
        [
            "a@example.org",
            "b@example.org",
            "c@example.org",
            "d@example.org",
            "hidden@example.org"
        ]
    );
    let raw = String::from_utf8_lossy(&message.raw).to_ascii_lowercase();
    assert!(!raw.contains("hidden"), "Bcc leaked:\n{raw}");
    let parsed = Parsed::of(&message.raw);
    assert!(parsed.headers("Bcc").is_empty());
    assert_eq!(
        parsed.header("To"),
        "a@example.org, B <b@example.org>, c@example.org"
    );
    assert_eq!(parsed.header("Cc"), "d@example.org");
    assert_eq!(parsed.header("Reply-To"), "replies@example.org");
}

// --- HTML and attachments -------------------------------------------------------------------

#[test]
fn text_and_html_make_multipart_alternative() {
    let server = SmtpServer::plain();
    let html = "<html><body><h1>Hi</h1><p>caf\u{e9}</p></body></html>\n";
    tackle(me_to_you(
        &server.flags("none"),
        &["--body", "Hi, café\n", "--html-file", "mail.html"],
    ))
    .file("mail.html", html)
    .run()
    .success();
    let parsed = Parsed::of(&server.only_message().raw);
    assert_eq!(parsed.content_type(), "multipart/alternative");
    let parts = parsed.parts();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].content_type, "text/plain");
    assert_eq!(text(&parts[0]), "Hi, café\n");
    assert_eq!(parts[1].content_type, "text/html");
    assert_eq!(text(&parts[1]), html);
}

#[test]
fn html_alone_is_text_html() {
    let server = SmtpServer::plain();
    tackle(me_to_you(
        &server.flags("none"),
        &["--html", "<p>only html</p>"],
    ))
    .stdin("this stdin is not the body when --html is given")
    .run()
    .success();
    let parsed = Parsed::of(&server.only_message().raw);
    assert_eq!(parsed.content_type(), "text/html");
    assert_eq!(text(&parsed.parts()[0]), "<p>only html</p>\n");
}

#[test]
fn attachments_arrive_byte_for_byte_in_base64_with_rfc2231_names() {
    let server = SmtpServer::plain();
    let binary: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 256) as u8).collect();
    let csv = "name,city\r\nZoë,Köln\nlone\rcr\n".as_bytes().to_vec();
    let out = tackle(me_to_you(
        &server.flags("none"),
        &[
            "--body",
            "see attached",
            "--html",
            "<p>see attached</p>",
            "--attach",
            "résumé überlang name.bin",
            "--attach",
            "data.csv:application/x-custom",
            "--attach",
            "photo.png",
        ],
    ))
    .file("résumé überlang name.bin", &binary)
    .file("data.csv", &csv)
    .file("photo.png", b"\x89PNG\r\n\x1a\nnot really")
    .run();
    out.success();
    let raw = server.only_message().raw;
    assert!(
        String::from_utf8_lossy(&raw).contains("filename*0*=utf-8''r%C3%A9sum%C3%A9%20"),
        "non-ASCII file name not RFC 2231 encoded"
    );
    let parsed = Parsed::of(&raw);
    assert_eq!(parsed.content_type(), "multipart/mixed");
    let parts = parsed.parts();
    let types: Vec<&str> = parts.iter().map(|p| p.content_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "text/plain",
            "text/html",
            "application/octet-stream",
            "application/x-custom",
            "image/png"
        ]
    );
    let files = &parts[2..];
    assert_eq!(
        files[0].filename.as_deref(),
        Some("résumé überlang name.bin")
    );
    assert_eq!(files[0].payload, binary);
    assert_eq!(files[1].filename.as_deref(), Some("data.csv"));
    assert_eq!(files[1].payload, csv);
    assert_eq!(files[2].filename.as_deref(), Some("photo.png"));
    assert_eq!(files[2].payload, b"\x89PNG\r\n\x1a\nnot really");
    for file in files {
        assert_eq!(
            file.transfer_encoding.as_deref(),
            Some("base64"),
            "{file:?}"
        );
    }
}

// --- -t ---------------------------------------------------------------------------------------

#[test]
fn read_recipients_takes_to_cc_bcc_and_removes_bcc() {
    let server = SmtpServer::plain();
    let message = "From: Script <cron@example.org>\n\
To: ops@example.org, \"Doe, J\" <j@example.org>\n\
Cc: audit@example.org\n\
Bcc: secret@example.org,\n\tarchive@example.org\n\
Subject: nightly report\n\
X-Job: backup\n\
\n\
all good\n.\nend\n";
    tackle(args(
        &server.flags("none"),
        &["-t", "--bcc", "extra@example.org"],
    ))
    .stdin(message)
    .run()
    .success();
    let received = server.only_message();
    assert_eq!(received.meta["mail_from"], "cron@example.org");
    assert_eq!(
        received.recipients(),
        [
            "ops@example.org",
            "j@example.org",
            "audit@example.org",
            "secret@example.org",
            "archive@example.org",
            "extra@example.org"
        ]
    );
    let raw = String::from_utf8_lossy(&received.raw);
    assert!(!raw.contains("secret") && !raw.contains("archive"), "{raw}");
    let parsed = Parsed::of(&received.raw);
    assert!(parsed.headers("Bcc").is_empty());
    assert_eq!(parsed.header("X-Job"), "backup");
    assert_eq!(parsed.header("Subject"), "nightly report");
    assert_eq!(parsed.headers("Date").len(), 1);
    assert_eq!(parsed.headers("Message-ID").len(), 1);
    assert_eq!(text(&parsed.parts()[0]), "all good\n.\nend\n");
}

// --- TLS --------------------------------------------------------------------------------------

#[test]
fn starttls_with_a_private_ca() {
    let server = SmtpServer::with_tls("starttls");
    tackle(me_to_you(
        &server.flags("starttls"),
        &["--body", "over TLS"],
    ))
    .run()
    .success()
    .stderr_empty();
    assert_eq!(server.only_message().meta["encrypted"], true);
}

#[test]
fn opportunistic_tls_upgrades_when_offered() {
    let server = SmtpServer::with_tls("starttls");
    tackle(me_to_you(&server.flags("opportunistic"), &["--body", "x"]))
        .run()
        .success();
    assert_eq!(server.only_message().meta["encrypted"], true);
}

#[test]
fn implicit_tls_with_a_private_ca() {
    let server = SmtpServer::with_tls("implicit");
    tackle(me_to_you(&server.flags("implicit"), &["--body", "SMTPS"]))
        .run()
        .success();
    assert_eq!(server.only_message().meta["encrypted"], true);
}

#[test]
fn an_untrusted_certificate_fails_with_77_unless_insecure_which_warns() {
    let server = SmtpServer::with_tls("starttls");
    let port = server.port.to_string();
    let flags = [
        "--server",
        "127.0.0.1",
        "--port",
        &port,
        "--tls",
        "starttls",
    ];
    let base = me_to_you(&flags, &["--body", "x"]);
    tackle(base.clone())
        .run()
        .code(77)
        .stderr_contains("TLS: handshake with 127.0.0.1")
        .stderr_contains("is not signed by a CA tackle trusts")
        .stderr_contains("--tls-fingerprint ");
    assert!(server.received().is_empty());
    let mut insecure = base;
    insecure.push("--tls-insecure".into());
    tackle(insecure)
        .run()
        .success()
        .stderr_contains("--tls-insecure: not verifying the certificate");
    assert_eq!(server.only_message().meta["encrypted"], true);
}

#[test]
fn required_starttls_fails_with_77_when_not_offered() {
    let server = SmtpServer::plain();
    tackle(me_to_you(&server.flags("starttls"), &["--body", "x"]))
        .run()
        .code(77)
        .stderr_contains("TLS: 127.0.0.1 does not offer STARTTLS");
    assert!(server.received().is_empty());
}

// --- AUTH -------------------------------------------------------------------------------------

fn auth_server() -> SmtpServer {
    SmtpServer::start(ServerOptions {
        tls: "starttls",
        auth: Some("ann:s3cret pass"),
        ..ServerOptions::default()
    })
}

fn auth_args(server: &SmtpServer, more: &[&str]) -> Vec<String> {
    ann_to_you(&server.flags("starttls"), more)
}

#[test]
fn auth_with_the_password_from_the_default_environment_variable() {
    let server = auth_server();
    let out = tackle(auth_args(&server, &["--user", "ann", "-v"]))
        .env("TACKLE_SMTP_PASSWORD", "s3cret pass")
        .run();
    out.success()
        .stderr_contains("> STARTTLS")
        .stderr_contains("> AUTH PLAIN <credentials for ann redacted>")
        .stderr_contains("< 235")
        .stderr_contains("> MAIL FROM:<ann@example.org>")
        .stderr_contains("> RCPT TO:<you@example.org>")
        .stderr_contains("< 250 2.0.0 OK: queued as 0001");
    let plain = base64::engine::general_purpose::STANDARD.encode("\0ann\0s3cret pass");
    assert!(
        !out.stderr_str().contains("s3cret"),
        "password logged:\n{out}"
    );
    assert!(
        !out.stderr_str().contains(&plain),
        "AUTH PLAIN logged:\n{out}"
    );
    assert!(out.stdout.is_empty());
    let message = server.only_message();
    assert_eq!(message.meta["login"], "ann");
    assert_eq!(message.meta["encrypted"], true);
}

#[test]
fn auth_login_with_a_password_file_and_a_password_command() {
    let server = auth_server();
    let run = tackle(auth_args(
        &server,
        &["--user", "ann", "--auth", "login", "--password-file", "pw"],
    ))
    .file("pw", "s3cret pass\nsecond line ignored\n");
    std::fs::set_permissions(
        run.dir().join("pw"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("chmod");
    run.run().success();
    tackle(auth_args(
        &server,
        &["--user", "ann", "--password-cmd", "printf 's3cret pass\\n'"],
    ))
    .run()
    .success();
    tackle(auth_args(
        &server,
        &["--user", "ann", "--password-env", "MY_PW"],
    ))
    .env("MY_PW", "s3cret pass")
    .run()
    .success();
    let logins: Vec<Value> = server
        .received()
        .iter()
        .map(|m| m.meta["login"].clone())
        .collect();
    assert_eq!(logins, ["ann", "ann", "ann"]);
}

#[test]
fn a_wrong_password_exits_77_naming_auth_and_quoting_the_server() {
    let server = auth_server();
    tackle(auth_args(&server, &["--user", "ann"]))
        .env("TACKLE_SMTP_PASSWORD", "wrong")
        .run()
        .code(77)
        .stderr_contains("AUTH: the server refused the login as ann (PLAIN): 535");
    assert!(server.received().is_empty());
}

#[test]
fn plaintext_auth_is_refused_without_the_flag() {
    let server = SmtpServer::start(ServerOptions {
        auth: Some("ann:pw"),
        auth_without_tls: true,
        ..ServerOptions::default()
    });
    let base = ann_to_you(&server.flags("opportunistic"), &["--user", "ann"]);
    tackle(base.clone())
        .env("TACKLE_SMTP_PASSWORD", "pw")
        .run()
        .code(77)
        .stderr_contains(
            "AUTH: refusing to send the password for ann over an unencrypted connection",
        );
    assert!(server.received().is_empty());

    let mut none = ann_to_you(&server.flags("none"), &["--user", "ann"]);
    tackle(none.clone())
        .env("TACKLE_SMTP_PASSWORD", "pw")
        .run()
        .code(64)
        .stderr_contains("--allow-plaintext-auth");
    assert!(server.received().is_empty());

    none.push("--allow-plaintext-auth".into());
    tackle(none)
        .env("TACKLE_SMTP_PASSWORD", "pw")
        .run()
        .success();
    assert_eq!(server.only_message().meta["login"], "ann");
}

// --- refusals and failures --------------------------------------------------------------------

#[test]
fn a_refused_recipient_means_nobody_gets_it_unless_partial() {
    let server = SmtpServer::start(ServerOptions {
        refuse: vec!["nobody@example.org"],
        ..ServerOptions::default()
    });
    tackle(args(
        &server.flags("none"),
        &[
            "--from",
            "me@example.org",
            "--to",
            "you@example.org, nobody@example.org",
            "--body",
            "x",
        ],
    ))
    .run()
    .code(65)
    .stderr_contains("RCPT: the server refused a recipient: <nobody@example.org> (550 5.1.1 <nobody@example.org>: Recipient address rejected: no such user); nothing was sent to anyone");
    assert!(server.received().is_empty());
    tackle(args(
        &server.flags("none"),
        &[
            "--from",
            "me@example.org",
            "--to",
            "you@example.org, nobody@example.org",
            "--body",
            "x",
            "--partial",
        ],
    ))
    .run()
    .code(65)
    .stderr_contains(
        "RCPT: sent to <you@example.org>; the server refused <nobody@example.org> (550",
    );
    assert_eq!(server.only_message().recipients(), ["you@example.org"]);
}

#[test]
fn all_recipients_refused_sends_nothing_with_65_or_75() {
    let server = SmtpServer::start(ServerOptions {
        refuse: vec!["nobody@example.org"],
        tempfail: vec!["busy@example.org"],
        ..ServerOptions::default()
    });
    let send_to = |to: &str| {
        tackle(args(
            &server.flags("none"),
            &["--from", "me@example.org", "--to", to, "--body", "x"],
        ))
        .run()
    };
    send_to("nobody@example.org")
        .code(65)
        .stderr_contains("RCPT: the server refused every recipient: <nobody@example.org> (550");
    send_to("busy@example.org")
        .code(75)
        .stderr_contains("<busy@example.org> (450 4.2.1");
    send_to("busy@example.org, nobody@example.org").code(65);
    assert!(server.received().is_empty());
}

// --- dry run and usage ------------------------------------------------------------------------

#[test]
fn dry_run_prints_the_exact_message_and_the_envelope_without_connecting() {
    let out = tackle([
        "sendmail",
        "--dry-run",
        "--server",
        "127.0.0.1",
        "--port",
        "1",
        "--from",
        "Me <me@example.org>",
        "--to",
        "you@example.org",
        "--bcc",
        "hidden@example.org",
        "--subject",
        "Prüfung",
        "--body",
        "line one\nline two\n",
        "--html",
        "<b>bold</b>",
        "--attach",
        "notes.txt",
    ])
    .file("notes.txt", "some notes\n")
    .run();
    out.success();
    assert_eq!(
        out.stderr_str(),
        "envelope from: <me@example.org>\nenvelope to: <you@example.org>, <hidden@example.org>\n"
    );
    let message = &out.stdout;
    let without_crlf = String::from_utf8_lossy(message).replace("\r\n", "");
    assert!(
        !without_crlf.contains('\n') && !without_crlf.contains('\r'),
        "bare line endings in:\n{}",
        String::from_utf8_lossy(message)
    );
    assert!(!String::from_utf8_lossy(message).contains("hidden"));
    let parsed = Parsed::of(message);
    assert_eq!(parsed.content_type(), "multipart/mixed");
    assert_eq!(parsed.header("Subject"), "Prüfung");
    assert_eq!(parsed.header("MIME-Version"), "1.0");
    let parts = parsed.parts();
    assert_eq!(text(&parts[0]), "line one\nline two\n");
    assert_eq!(text(&parts[1]), "<b>bold</b>");
    assert_eq!(parts[2].filename.as_deref(), Some("notes.txt"));
    assert_eq!(parts[2].payload, b"some notes\n");
}

// --- exim, a real MTA ---------------------------------------------------------------------------

/// Exim 4 with a config of its own, speaking SMTP on its stdin and stdout (`exim4 -bs`, one
/// process per connection, the way inetd runs it) behind a loopback listener: no daemon, no
/// port 25, nothing installed into the system's spool. Messages are queued (`queue_only`) in
/// a spool directory of the test's, read back with `exim4 -Mvc`. STARTTLS (GnuTLS) with a
/// certificate from the test CA, AUTH PLAIN and LOGIN, and `nobody` refused at RCPT.
///
/// Exim only accepts a `-C` config owned by root (or its own user): CI runs as root.
struct Exim {
    dir: TempDir,
    port: u16,
    certs: Certs,
}

/// A message exim queued: its envelope and the message as exim stored it.
struct Queued {
    sender: String,
    recipients: Vec<String>,
    raw: Vec<u8>,
}

impl Exim {
    fn start() -> Exim {
        let dir = tempfile::tempdir().expect("exim dir");
        // Exim writes its log and spool as its own user (Debian-exim), not as root.
        let mode = |path: &Path, mode: u32| {
            std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(mode))
                .expect("chmod")
        };
        mode(dir.path(), 0o755);
        for sub in ["spool", "log"] {
            std::fs::create_dir(dir.path().join(sub)).expect("exim dirs");
            mode(&dir.path().join(sub), 0o777);
        }
        let certs = make_certs(dir.path());
        let root = dir.path().display();
        let config = format!(
            "primary_hostname = mx.tackle-test.example.org
spool_directory = {root}/spool
log_file_path = {root}/log/%slog
queue_only = true
tls_advertise_hosts = *
tls_certificate = {cert}
tls_privatekey = {key}
acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  deny    local_parts = nobody
          message = 5.1.1 no such user here
  accept
begin routers
everyone:
  driver = accept
  transport = nowhere
begin transports
nowhere:
  driver = appendfile
  file = /dev/null
begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_condition = ${{if and {{{{eq{{$auth2}}{{ann}}}}{{eq{{$auth3}}{{s3cret pass}}}}}}}}
  server_set_id = $auth2
login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = ${{if and {{{{eq{{$auth1}}{{ann}}}}{{eq{{$auth2}}{{s3cret pass}}}}}}}}
  server_set_id = $auth1
",
            cert = certs.cert.display(),
            key = certs.key.display(),
        );
        let conf = dir.path().join("exim.conf");
        std::fs::write(&conf, config).expect("write exim.conf");
        std::fs::set_permissions(&conf, std::os::unix::fs::PermissionsExt::from_mode(0o644))
            .expect("chmod exim.conf");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let log = dir.path().join("log/stderr");
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (conf, log) = (conf.clone(), log.clone());
                std::thread::spawn(move || bridge(conn, &conf, &log));
            }
        });
        Exim { dir, port, certs }
    }

    fn exim(&self) -> Command {
        let mut command = Command::new("exim4");
        command.arg("-C").arg(self.dir.path().join("exim.conf"));
        command
    }

    /// Every queued message.
    fn queued(&self) -> Vec<Queued> {
        let input = self.dir.path().join("spool/input");
        let mut ids: Vec<String> = std::fs::read_dir(&input)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter_map(|e| {
                        e.file_name()
                            .to_str()?
                            .strip_suffix("-H")
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids.into_iter()
            .map(|id| {
                let header =
                    std::fs::read_to_string(input.join(format!("{id}-H"))).expect("-H file");
                let lines: Vec<&str> = header.lines().collect();
                let sender = lines[2]
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned();
                let xx = lines.iter().position(|l| *l == "XX").expect("XX line");
                let count: usize = lines[xx + 1].parse().expect("recipient count");
                let recipients = lines[xx + 2..xx + 2 + count]
                    .iter()
                    .map(|r| r.to_string())
                    .collect();
                let output = self
                    .exim()
                    .arg("-Mvc")
                    .arg(&id)
                    .output()
                    .expect("exim4 -Mvc");
                assert!(output.status.success(), "exim4 -Mvc {id} failed");
                // -Mvc prints LF line endings; the message went in with CRLF.
                let raw = String::from_utf8_lossy(&output.stdout)
                    .replace('\n', "\r\n")
                    .into_bytes();
                Queued {
                    sender,
                    recipients,
                    raw,
                }
            })
            .collect()
    }

    fn flags(&self, tls: &str) -> Vec<String> {
        let mut flags: Vec<String> = ["--server", "127.0.0.1", "--port"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        flags.push(self.port.to_string());
        flags.extend([
            "--tls".to_owned(),
            tls.to_owned(),
            "--timeout".to_owned(),
            "20s".to_owned(),
        ]);
        flags.extend(["--ca-file".to_owned(), self.certs.ca.display().to_string()]);
        flags
    }
}

/// One SMTP connection handed to `exim4 -bs` as its stdin and stdout, as inetd does.
fn bridge(conn: std::net::TcpStream, conf: &Path, log: &Path) {
    let stderr = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("exim stderr log");
    let input = conn.try_clone().expect("clone the connection");
    let status = Command::new("exim4")
        .arg("-C")
        .arg(conf)
        .arg("-bs")
        .stdin(Stdio::from(std::os::fd::OwnedFd::from(input)))
        .stdout(Stdio::from(std::os::fd::OwnedFd::from(conn)))
        .stderr(Stdio::from(stderr))
        .status();
    status.expect("run exim4 -bs (is exim4-daemon-light installed?)");
}

#[test]
fn exim_takes_a_composed_message_over_starttls_with_auth() {
    let exim = Exim::start();
    let mut all = args(
        &exim.flags("starttls"),
        &[
            "--user",
            "ann",
            "--from",
            "Ann Lee <ann@example.org>",
            "--to",
            "\"Doe, Jane\" <jane@example.org>",
            "--subject",
            "Grüße",
            "--body",
            "Größe: 3 m²\n",
            "--attach",
            "notes.txt",
            "-v",
        ],
    );
    all.push("--helo".into());
    all.push("client.example.org".into());
    let out = tackle(all)
        .env("TACKLE_SMTP_PASSWORD", "s3cret pass")
        .file("notes.txt", "some notes\n")
        .run();
    out.success()
        .stderr_contains("ESMTP Exim")
        .stderr_contains("TLS established")
        .stderr_contains("< 235 Authentication succeeded");
    let queued = exim.queued();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].sender, "ann@example.org");
    assert_eq!(queued[0].recipients, ["jane@example.org"]);
    let parsed = Parsed::of(&queued[0].raw);
    assert!(
        parsed.header("Received").contains("authenticated_id")
            || parsed.header("Received").contains("esmtpsa"),
        "{}",
        parsed.header("Received")
    );
    assert_eq!(parsed.header("Subject"), "Grüße");
    assert_eq!(parsed.header("To"), "\"Doe, Jane\" <jane@example.org>");
    let parts = parsed.parts();
    assert_eq!(text(&parts[0]), "Größe: 3 m²\n");
    assert_eq!(parts[1].filename.as_deref(), Some("notes.txt"));
    assert_eq!(parts[1].payload, b"some notes\n");
}

#[test]
fn exim_takes_the_classic_interface_and_all_or_nothing_recipients() {
    let exim = Exim::start();
    let message =
        "From: Cron <cron@example.org>\nTo: ops@example.org\nSubject: nightly\n\nall good\n";
    tackle(args(
        &exim.flags("starttls"),
        &["-i", "-oem", "--", "ops@example.org", "audit@example.org"],
    ))
    .stdin(message)
    .run()
    .success();
    tackle(args(
        &exim.flags("starttls"),
        &["-t", "--bcc", "nobody@example.org"],
    ))
    .stdin(message)
    .run()
    .code(65)
    .stderr_contains(
        "<nobody@example.org> (550 5.1.1 no such user here); nothing was sent to anyone",
    );
    let queued = exim.queued();
    assert_eq!(queued.len(), 1, "the refused run queued something");
    assert_eq!(queued[0].sender, "cron@example.org");
    assert_eq!(
        queued[0].recipients,
        ["ops@example.org", "audit@example.org"]
    );
    let parsed = Parsed::of(&queued[0].raw);
    assert_eq!(parsed.header("Subject"), "nightly");
    assert_eq!(text(&parsed.parts()[0]), "all good\n");
}

// --- syslog -------------------------------------------------------------------------------------

/// `syslog on` sends msmtp's log line to syslog. tackle runs in a mount namespace of its own
/// (root only, as CI is) where /dev/log is the test's datagram socket, so the line libc's
/// syslog() writes is read here instead of reaching the system's log.
#[test]
fn syslog_on_sends_the_log_line_with_facility_mail() {
    use std::ffi::CString;
    use std::os::unix::net::UnixDatagram;
    use std::os::unix::process::CommandExt;
    let server = support::smtp::SmtpServer::plain();
    let dir = tempfile::tempdir().expect("dir");
    let socket_path = dir.path().join("log");
    let log = UnixDatagram::bind(&socket_path).expect("bind the log socket");
    log.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .expect("timeout");
    let conf = dir.path().join(".msmtprc");
    std::fs::write(
        &conf,
        format!(
            "account default\nhost 127.0.0.1\nport {}\ntls off\nsyslog on\n",
            server.port
        ),
    )
    .expect("config");
    std::fs::set_permissions(&conf, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .expect("chmod");
    let source = CString::new(socket_path.as_os_str().as_encoded_bytes()).expect("path");
    let mut command = Command::new(common::bin());
    command
        .args(["sendmail", "-t"])
        .env_clear()
        .env("HOME", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: only async-signal-safe system calls between fork and exec; the strings were
    // made before the fork.
    unsafe {
        command.pre_exec(move || {
            let fail = || Err(std::io::Error::last_os_error());
            if libc::unshare(libc::CLONE_NEWNS) != 0 {
                return fail();
            }
            let none = c"none".as_ptr();
            let root = c"/".as_ptr();
            if libc::mount(
                none,
                root,
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ) != 0
            {
                return fail();
            }
            if libc::mount(
                none,
                c"/dev".as_ptr(),
                c"tmpfs".as_ptr(),
                0,
                std::ptr::null(),
            ) != 0
            {
                return fail();
            }
            let fd = libc::open(c"/dev/log".as_ptr(), libc::O_CREAT | libc::O_WRONLY, 0o666);
            if fd < 0 {
                return fail();
            }
            libc::close(fd);
            if libc::mount(
                source.as_ptr(),
                c"/dev/log".as_ptr(),
                std::ptr::null(),
                libc::MS_BIND,
                std::ptr::null(),
            ) != 0
            {
                return fail();
            }
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .expect("run tackle in a mount namespace (needs root)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"From: ann@example.org\nTo: bob@example.org\nSubject: s\n\nx\n")
        .expect("message");
    let output = child.wait_with_output().expect("wait");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut datagram = [0u8; 4096];
    let n = log.recv(&mut datagram).expect("a syslog datagram");
    let line = String::from_utf8_lossy(&datagram[..n]).into_owned();
    // <PRI>: LOG_MAIL (2 << 3) | LOG_INFO (6) = 22.
    assert!(line.starts_with("<22>"), "{line}");
    assert!(line.contains("tackle-sendmail["), "{line}");
    assert!(
        line.contains("host=127.0.0.1 tls=off auth=off from=ann@example.org recipients=bob@example.org mailsize="),
        "{line}"
    );
    assert!(line.contains("exitcode=EX_OK"), "{line}");
    assert_eq!(server.received().len(), 1);
}

//! `tackle sendmail` against a real SMTP server: aiosmtpd (tests/support/smtp_server.py),
//! started per test on a free loopback port, with STARTTLS or implicit TLS on certificates
//! generated here (rcgen) and AUTH when asked. Received messages are parsed back with Python's
//! email package (tests/support/mime_dump.py), never by string matching alone.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use common::{repo_root, tackle};
use serde_json::Value;
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

/// A private CA and a server certificate it signed for localhost and 127.0.0.1.
struct Certs {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
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
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "tackle test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
        .expect("CA certificate");
    let key = KeyPair::generate().expect("server key");
    let cert = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("server params")
        .signed_by(&key, &ca)
        .expect("server certificate");
    let certs = Certs {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    };
    std::fs::write(&certs.ca, ca.pem()).expect("write CA");
    std::fs::write(&certs.cert, cert.pem()).expect("write cert");
    std::fs::write(&certs.key, key.serialize_pem()).expect("write key");
    certs
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

/// `sendmail`, then `base` (where and how to connect), then `more`.
fn args(base: &[impl AsRef<str>], more: &[&str]) -> Vec<String> {
    let mut all = vec!["sendmail".to_owned()];
    all.extend(base.iter().map(|s| s.as_ref().to_owned()));
    all.extend(more.iter().map(|s| s.to_string()));
    all
}

/// The command line most tests send: `sendmail`, `base`, `--from me@example.org --to
/// you@example.org`, then `more`.
fn me_to_you(base: &[impl AsRef<str>], more: &[&str]) -> Vec<String> {
    let mut all = args(
        base,
        &["--from", "me@example.org", "--to", "you@example.org"],
    );
    all.extend(more.iter().map(|s| s.to_string()));
    all
}

/// `me_to_you` through 127.0.0.1:`port`, for a peer that is not the aiosmtpd test server.
fn me_to_you_at(port: u16, more: &[&str]) -> Vec<String> {
    me_to_you(
        &["--server", "127.0.0.1", "--port", &port.to_string()],
        more,
    )
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
    assert!(parsed.header("Date").contains(" +0000"));
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
    assert!(message.raw.is_ascii(), "headers and body should be 7-bit");
    let parsed = Parsed::of(&message.raw);
    assert_eq!(parsed.header("Subject"), "Grüße aus Köln 🎉");
    assert_eq!(parsed.header("From"), "Zoë Ünal <zoe@example.org>");
    assert_eq!(parsed.header("To"), "\"Doe, Jane\" <jane@example.org>");
    assert_eq!(parsed.header("X-Note"), "naïve");
    assert_eq!(text(&parsed.parts()[0]), "Größe: 3 m²");
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

#[test]
fn unreadable_body_or_attachment_exits_66_and_sends_nothing() {
    let server = SmtpServer::plain();
    tackle(me_to_you(
        &server.flags("none"),
        &["--body", "x", "--attach", "nope.pdf"],
    ))
    .run()
    .code(66)
    .stderr_contains("--attach nope.pdf");
    tackle(me_to_you(
        &server.flags("none"),
        &["--body-file", "missing.txt"],
    ))
    .run()
    .code(66)
    .stderr_contains("missing.txt");
    assert!(server.received().is_empty());
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

#[test]
fn read_recipients_refuses_a_malformed_message_and_composing_flags() {
    tackle(["sendmail", "-t", "--dry-run"])
        .stdin("To: a@example.org\nthis is not a header\n\nbody\n")
        .run()
        .code(65)
        .stderr_contains("line 2 of the message header");
    tackle(["sendmail", "-t", "--dry-run"])
        .stdin("Subject: no recipients\nFrom: a@example.org\n\nbody\n")
        .run()
        .code(64)
        .stderr_contains("no recipients");
    tackle(["sendmail", "-t", "--subject", "x", "--dry-run"])
        .stdin("To: a@example.org\n\nbody\n")
        .run()
        .code(64)
        .stderr_contains("--subject cannot be combined");
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
    let base = me_to_you_at(server.port, &["--tls", "starttls", "--body", "x"]);
    tackle(base.clone())
        .run()
        .code(77)
        .stderr_contains("TLS: handshake with 127.0.0.1");
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
fn an_unreadable_or_empty_ca_file_is_refused_before_connecting() {
    let send_with_ca = |ca: &str| {
        tackle(me_to_you_at(
            1,
            &["--tls", "starttls", "--ca-file", ca, "--body", "x"],
        ))
        .file("not-a-cert.pem", "hello\n")
        .run()
    };
    send_with_ca("missing.pem")
        .code(66)
        .stderr_contains("--ca-file missing.pem");
    send_with_ca("not-a-cert.pem")
        .code(64)
        .stderr_contains("holds no PEM certificate");
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

/// `sendmail`, `base`, a message from ann@example.org to you@example.org, then `more`.
fn ann_to_you(base: &[String], more: &[&str]) -> Vec<String> {
    let mut all = args(
        base,
        &[
            "--from",
            "ann@example.org",
            "--to",
            "you@example.org",
            "--body",
            "x",
        ],
    );
    all.extend(more.iter().map(|s| s.to_string()));
    all
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
    tackle(auth_args(
        &server,
        &["--user", "ann", "--auth", "login", "--password-file", "pw"],
    ))
    .file("pw", "s3cret pass\nsecond line ignored\n")
    .run()
    .success();
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
        .stderr_contains("AUTH: the server refused the login as ann: 535");
    assert!(server.received().is_empty());
}

#[test]
fn missing_password_sources_are_usage_or_input_errors() {
    let server = auth_server();
    tackle(auth_args(&server, &["--user", "ann"]))
        .run()
        .code(64)
        .stderr_contains("no password for ann");
    tackle(auth_args(
        &server,
        &["--user", "ann", "--password-env", "UNSET_VAR"],
    ))
    .run()
    .code(64)
    .stderr_contains("UNSET_VAR");
    tackle(auth_args(
        &server,
        &["--user", "ann", "--password-file", "nope"],
    ))
    .run()
    .code(66)
    .stderr_contains("--password-file nope");
    tackle(auth_args(
        &server,
        &["--user", "ann", "--password-cmd", "exit 1"],
    ))
    .run()
    .code(66)
    .stderr_contains("--password-cmd");
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

#[test]
fn prompts_for_the_password_without_echo_on_a_terminal() {
    let server = auth_server();
    let (mut master, slave) = common::open_pty();
    let run = tackle(auth_args(&server, &["--user", "ann"]));
    let mut spawned = run.spawn_with(Stdio::from(slave), Stdio::piped());
    let mut stderr = spawned.child.stderr.take().expect("stderr");
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&seen).contains("Password for ann at 127.0.0.1: ") {
        let n = stderr.read(&mut byte).expect("read prompt");
        assert!(
            n > 0,
            "no prompt; stderr: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.push(byte[0]);
    }
    master
        .write_all(b"s3cret pass\n")
        .expect("type the password");
    let status = spawned.child.wait().expect("wait");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).expect("stderr");
    assert!(status.success(), "status {status}; stderr: {rest}");
    assert_eq!(server.only_message().meta["login"], "ann");
    // Nothing was echoed back to the terminal.
    set_nonblocking(&master);
    let mut echoed = Vec::new();
    let _ = master.read_to_end(&mut echoed);
    assert!(
        !String::from_utf8_lossy(&echoed).contains("s3cret"),
        "password echoed: {echoed:?}"
    );
}

fn set_nonblocking(file: &std::fs::File) {
    use std::os::fd::AsRawFd;
    // SAFETY: fcntl on a descriptor we own.
    unsafe {
        let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
        libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
}

// --- refusals and failures --------------------------------------------------------------------

#[test]
fn a_refused_recipient_is_reported_and_the_others_still_get_it() {
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
    .stderr_contains("RCPT: sent to <you@example.org>; the server refused <nobody@example.org> (550 5.1.1 <nobody@example.org>: Recipient address rejected: no such user)");
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

#[test]
fn a_server_that_is_down_exits_69_quickly() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let started = Instant::now();
    tackle(me_to_you_at(port, &["--timeout", "20s", "--body", "x"]))
        .run()
        .code(69)
        .stderr_contains(&format!("connect: 127.0.0.1:{port}"));
    // Refused at once: no waiting for the 20 s timeout.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_server_that_never_answers_exits_69_within_the_timeout() {
    // Accepts TCP connections (the kernel completes the handshake) but never greets.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let started = Instant::now();
    tackle(me_to_you_at(port, &["--timeout", "1s", "--body", "x"]))
        .run()
        .code(69)
        .stderr_contains("no answer within 1s");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(8),
        "{elapsed:?}"
    );
    drop(listener);
}

#[test]
fn an_unknown_host_exits_68() {
    tackle(me_to_you(
        &["--server", "no-such-host.invalid"],
        &["--body", "x"],
    ))
    .run()
    .code(68)
    .stderr_contains("connect: cannot resolve no-such-host.invalid");
}

#[test]
fn header_injection_is_rejected_with_65_and_nothing_is_sent() {
    let server = SmtpServer::plain();
    let attempts: [&[&str]; 7] = [
        &[
            "--to",
            "you@example.org",
            "--subject",
            "hi\r\nBcc: evil@example.org",
        ],
        &[
            "--to",
            "you@example.org",
            "--subject",
            "hi\nBcc: evil@example.org",
        ],
        &["--to", "you@example.org\r\nBcc: evil@example.org"],
        &[
            "--to",
            "you@example.org",
            "--cc",
            "Eve\n <evil@example.org>",
        ],
        &[
            "--to",
            "you@example.org",
            "--header",
            "X-Tag: a\r\nBcc: evil@example.org",
        ],
        &[
            "--to",
            "you@example.org",
            "--header",
            "X-Tag\nBcc: evil@example.org",
        ],
        &[
            "--to",
            "you@example.org",
            "--reply-to",
            "r@example.org\rBcc: evil@example.org",
        ],
    ];
    for attempt in attempts {
        let mut all = args(
            &server.flags("none"),
            &["--from", "me@example.org", "--body", "x"],
        );
        all.extend(attempt.iter().map(|s| s.to_string()));
        tackle(all)
            .run()
            .code(65)
            .stderr_contains("refusing to write it into a header");
    }
    let mut from = args(
        &server.flags("none"),
        &["--to", "you@example.org", "--body", "x"],
    );
    from.extend([
        "--from".into(),
        "me@example.org\nBcc: evil@example.org".into(),
    ]);
    tackle(from).run().code(65);
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

#[test]
fn usage_errors_exit_64() {
    for (flags, message) in [
        (vec!["--to", "a@example.org", "--body", "x"], "no sender"),
        (
            vec!["--from", "a@example.org", "--body", "x"],
            "no recipients",
        ),
        (
            vec![
                "--from",
                "a@x.org",
                "--to",
                "b@x.org",
                "--body",
                "x",
                "--body-file",
                "f",
            ],
            "not both",
        ),
        (
            vec![
                "--from",
                "a@x.org",
                "--to",
                "b@x.org",
                "--body",
                "x",
                "--password-file",
                "f",
            ],
            "--password-file needs --user",
        ),
        (
            vec![
                "--from",
                "a@x.org",
                "--to",
                "b@x.org",
                "--body",
                "x",
                "--header",
                "Subject: x",
            ],
            "tackle writes this header itself",
        ),
        (
            vec![
                "--from",
                "a@x.org",
                "--to",
                "b@x.org",
                "--body",
                "x",
                "--helo",
                "two words",
            ],
            "--helo",
        ),
    ] {
        let mut all = vec!["sendmail", "--dry-run"];
        all.extend(flags);
        tackle(all).run().code(64).stderr_contains(message);
    }
}

#[test]
fn malformed_flag_values_are_usage_errors_64() {
    tackle(["sendmail", "--tls", "sometimes", "--dry-run"])
        .run()
        .code(64)
        .stderr_contains("--tls");
    tackle(["sendmail", "--port", "99999", "--dry-run"])
        .run()
        .code(64)
        .stderr_contains("--port");
    tackle(["-v", "sendmail", "--no-such-flag"])
        .run()
        .code(64)
        .stderr_contains("--no-such-flag");
}

#[test]
fn a_server_that_hangs_up_mid_dialogue_is_a_protocol_error_76() {
    // Not an SMTP server: greets, reads EHLO, hangs up. aiosmtpd never misbehaves like this.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let peer = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("accept");
        conn.write_all(b"220 rude.example.org ESMTP\r\n")
            .expect("greet");
        let mut ehlo = [0u8; 256];
        let _ = conn.read(&mut ehlo);
    });
    tackle(me_to_you_at(port, &["--body", "x"]))
        .run()
        .code(76)
        .stderr_contains("connect: 127.0.0.1:")
        .stderr_contains("the server closed the connection without answering");
    peer.join().expect("peer thread");
}

#[test]
fn a_server_that_stalls_after_the_data_exits_69_naming_data_within_the_timeout() {
    // Scripted peer: a well-behaved dialogue up to the end of the message, then silence.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let peer = std::thread::spawn(move || {
        let (conn, _) = listener.accept().expect("accept");
        let mut writer = conn.try_clone().expect("clone");
        let mut reader = BufReader::new(conn);
        writer
            .write_all(b"220 slow.example.org ESMTP\r\n")
            .expect("greet");
        let mut in_data = false;
        let mut line = String::new();
        while reader.read_line(&mut line).expect("read") > 0 {
            let reply: &[u8] = match line.as_str() {
                // Swallow the message and its final "." line; never answer.
                _ if in_data => b"",
                l if l.starts_with("EHLO") => b"250 slow.example.org\r\n",
                l if l.starts_with("DATA") => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                _ => b"250 ok\r\n",
            };
            writer.write_all(reply).expect("reply");
            line.clear();
        }
    });
    let started = Instant::now();
    tackle(me_to_you_at(port, &["--timeout", "1s", "--body", "x"]))
        .run()
        .code(69)
        .stderr_contains("DATA: the message: no answer within 1s");
    // One timeout, not a second one spent waiting for an answer to QUIT.
    assert!(started.elapsed() < Duration::from_secs(2) + Duration::from_millis(900));
    peer.join().expect("peer thread");
}

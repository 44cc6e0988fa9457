//! `tackle sendmail` against a real SMTP server started inside the test process
//! (tests/support/smtp.rs: ESMTP, 8BITMIME, DSN, SIZE, STARTTLS, implicit TLS, AUTH), with
//! received messages parsed back by an independent MIME parser (mail-parser). Nothing here
//! needs more than the Rust toolchain; tests/interop_sendmail.rs adds aiosmtpd and exim.

mod common;
mod support;

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::{bin, tackle};
use support::command::{ann_to_you, args, me_to_you};
use support::parsed::Parsed;
use support::smtp::{Options, SmtpServer, Tls, read_line, scripted};

/// `--server 127.0.0.1 --port PORT --tls TLS` (no CA: the system's roots).
fn at(port: u16, tls: &str) -> Vec<String> {
    [
        "--server",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--tls",
        tls,
    ]
    .map(String::from)
    .to_vec()
}

/// `me_to_you` through 127.0.0.1:`port` in plain text.
fn me_to_you_at(port: u16, more: &[&str]) -> Vec<String> {
    me_to_you(&at(port, "none"), more)
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn raw_text(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).into_owned()
}

// --- composing and sending ------------------------------------------------------------------

#[test]
fn sends_a_plain_message_with_date_message_id_and_a_qualified_ehlo() {
    let server = SmtpServer::plain();
    tackle(args(
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
        ],
    ))
    .run()
    .success()
    .stderr_empty();
    let message = server.only_message();
    assert_eq!(message.mail_from, "me@example.org");
    assert_eq!(message.rcpts, ["you@example.org"]);
    // RFC 5321 §4.1.1.1: a fully-qualified name, else an address literal.
    assert!(
        message.helo.contains('.') && !message.helo.ends_with('.') || message.helo == "[127.0.0.1]",
        "{}",
        message.helo
    );
    let parsed = Parsed::of(&message.data);
    assert_eq!(parsed.header("From"), "Me <me@example.org>");
    assert_eq!(parsed.header("To"), "you@example.org");
    assert_eq!(parsed.header("Subject"), "hello there");
    assert_eq!(parsed.headers("Date").len(), 1);
    let id = parsed.header("Message-ID");
    assert!(id.contains('@'), "{id}");
    assert_eq!(parsed.parts.len(), 1);
    assert_eq!(parsed.parts[0].content_type, "text/plain");
    assert_eq!(parsed.parts[0].text(), "first line\nsecond line\n");
}

#[test]
fn the_helo_flag_names_us() {
    let server = SmtpServer::plain();
    tackle(me_to_you(
        &server.flags("none"),
        &["--body", "x", "--helo", "client.example.org"],
    ))
    .run()
    .success();
    assert_eq!(server.only_message().helo, "client.example.org");
}

#[test]
fn reads_the_body_from_stdin_dot_stuffs_it_and_ends_bare_cr_and_lf_as_crlf() {
    let server = SmtpServer::plain();
    let body = "a line\n.\n..two dots\n.leading dot\nbare\rcr\r\nend\n";
    tackle(me_to_you(&server.flags("none"), &[]))
        .stdin(body)
        .run()
        .success();
    let message = server.only_message();
    let without_crlf = raw_text(&message.data).replace("\r\n", "");
    assert!(
        !without_crlf.contains('\r') && !without_crlf.contains('\n'),
        "{:?}",
        message.data
    );
    let parsed = Parsed::of(&message.data);
    assert_eq!(
        parsed.parts[0].text(),
        "a line\n.\n..two dots\n.leading dot\nbare\ncr\nend\n"
    );
}

#[test]
fn names_are_quoted_or_encoded_and_decode_back() {
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
            "plain ascii",
        ],
    ))
    .run()
    .success();
    let message = server.only_message();
    let raw = raw_text(&message.data);
    assert!(message.data.is_ascii(), "headers should be 7-bit:\n{raw}");
    // An ASCII name with a comma is a quoted string, not an encoded word.
    assert!(
        raw.contains("\r\nTo: \"Doe, Jane\" <jane@example.org>\r\n"),
        "{raw}"
    );
    let parsed = Parsed::of(&message.data);
    assert_eq!(parsed.header("Subject"), "Grüße aus Köln 🎉");
    assert_eq!(parsed.header("From"), "Zoë Ünal <zoe@example.org>");
    assert_eq!(parsed.header("To"), "Doe, Jane <jane@example.org>");
    assert_eq!(parsed.header("X-Note"), "naïve");
}

#[test]
fn a_utf8_body_goes_8bit_to_an_8bitmime_server_and_quoted_printable_otherwise() {
    let eight = SmtpServer::plain();
    tackle(me_to_you(
        &eight.flags("none"),
        &["--body", "Größe: 3 m²\n"],
    ))
    .run()
    .success();
    let message = eight.only_message();
    assert!(
        message.mail_params.contains(&"BODY=8BITMIME".to_owned()),
        "{message:?}"
    );
    let parsed = Parsed::of(&message.data);
    assert_eq!(parsed.parts[0].transfer_encoding.as_deref(), Some("8bit"));
    assert_eq!(parsed.parts[0].text(), "Größe: 3 m²\n");

    let seven = SmtpServer::start(Options {
        eight_bit_mime: false,
        ..Options::default()
    });
    tackle(me_to_you(
        &seven.flags("none"),
        &["--body", "Größe: 3 m²\n"],
    ))
    .run()
    .success();
    let message = seven.only_message();
    assert!(message.data.is_ascii());
    assert!(
        !message.mail_params.iter().any(|p| p.starts_with("BODY")),
        "{message:?}"
    );
    let parsed = Parsed::of(&message.data);
    assert_eq!(
        parsed.parts[0].transfer_encoding.as_deref(),
        Some("quoted-printable")
    );
    assert_eq!(parsed.parts[0].text(), "Größe: 3 m²\n");
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
        message.rcpts,
        [
            "a@example.org",
            "b@example.org",
            "c@example.org",
            "d@example.org",
            "hidden@example.org"
        ]
    );
    assert!(
        !raw_text(&message.data)
            .to_ascii_lowercase()
            .contains("hidden")
    );
    let parsed = Parsed::of(&message.data);
    assert!(parsed.headers("Bcc").is_empty());
    assert_eq!(
        parsed.header("To"),
        "a@example.org, B <b@example.org>, c@example.org"
    );
    assert_eq!(parsed.header("Cc"), "d@example.org");
    assert_eq!(parsed.header("Reply-To"), "replies@example.org");
}

#[test]
fn long_headers_are_folded_and_long_words_encoded_within_998_octets() {
    let server = SmtpServer::plain();
    let long_subject = format!("{} end", "word ".repeat(300));
    let long_word = "x".repeat(2000);
    tackle(me_to_you(
        &server.flags("none"),
        &[
            "--subject",
            long_subject.trim_end(),
            "--header",
            &format!("X-Long: {long_word}"),
            "--body",
            "x",
        ],
    ))
    .run()
    .success();
    let message = server.only_message();
    for line in message.data.split(|&b| b == b'\n') {
        assert!(line.len() <= 999, "a line of {} octets", line.len());
    }
    let parsed = Parsed::of(&message.data);
    assert_eq!(parsed.header("Subject"), long_subject.trim_end());
    assert_eq!(parsed.header("X-Long").replace(' ', ""), long_word);
}

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
    let parsed = Parsed::of(&server.only_message().data);
    assert_eq!(parsed.content_type, "multipart/alternative");
    assert_eq!(parsed.parts.len(), 2);
    assert_eq!(parsed.parts[0].content_type, "text/plain");
    assert_eq!(parsed.parts[0].text(), "Hi, café\n");
    assert_eq!(parsed.parts[1].content_type, "text/html");
    assert_eq!(parsed.parts[1].text(), html);
}

#[test]
fn attachments_arrive_byte_for_byte_with_charsets_names_and_eml_unencoded() {
    let server = SmtpServer::plain();
    let binary: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 256) as u8).collect();
    let csv = "name,city\r\nZoë,Köln\n".as_bytes().to_vec();
    let eml = "From: a@example.org\nTo: b@example.org\nSubject: forwarded\n\nGrüße\n";
    tackle(me_to_you(
        &server.flags("none"),
        &[
            "--body",
            "see attached",
            "--attach",
            "résumé überlang name.bin",
            "--attach",
            "data.csv:text/csv",
            "--attach",
            "old.eml",
        ],
    ))
    .file("résumé überlang name.bin", &binary)
    .file("data.csv", &csv)
    .file("old.eml", eml)
    .run()
    .success();
    let message = server.only_message();
    let raw = raw_text(&message.data);
    assert!(
        raw.contains("filename*0*=utf-8''r%C3%A9sum%C3%A9%20"),
        "{raw}"
    );
    assert!(
        raw.contains("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit"),
        "{raw}"
    );
    let parsed = Parsed::of(&message.data);
    assert_eq!(parsed.content_type, "multipart/mixed");
    let parts = &parsed.parts;
    assert_eq!(parts[0].text(), "see attached");
    assert_eq!(
        parts[1].filename.as_deref(),
        Some("résumé überlang name.bin")
    );
    assert_eq!(parts[1].content_type, "application/octet-stream");
    assert_eq!(parts[1].payload, binary);
    assert_eq!(parts[1].transfer_encoding.as_deref(), Some("base64"));
    assert_eq!(parts[2].content_type, "text/csv");
    assert_eq!(parts[2].charset.as_deref(), Some("utf-8"));
    assert_eq!(parts[2].payload, csv);
    assert_eq!(parts[3].content_type, "message/rfc822");
    assert!(
        raw.contains("\r\n\r\nGrüße\r\n"),
        "the attached message is not sent as it is"
    );
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
    .stderr_contains("--attach nope.pdf: cannot read");
    tackle(me_to_you(
        &server.flags("none"),
        &["--body-file", "missing.txt"],
    ))
    .run()
    .code(66)
    .stderr_contains("--body-file missing.txt: cannot read");
    tackle(me_to_you(&server.flags("none"), &[]))
        .stdin(vec![0xff, 0xfe, b'x'])
        .run()
        .code(65)
        .stderr_contains("tackle: sendmail: the body on stdin is not UTF-8 text");
    assert!(server.received().is_empty());
}

// --- the classic sendmail interface ---------------------------------------------------------

/// A temp dir holding `sendmail -> tackle` and a config file pointing at `server`.
struct Installed {
    dir: tempfile::TempDir,
}

impl Installed {
    fn new(server: &SmtpServer) -> Installed {
        let dir = tempfile::tempdir().expect("temp dir");
        std::os::unix::fs::symlink(bin(), dir.path().join("sendmail")).expect("symlink");
        let conf = format!(
            "# as an msmtprc would say it\naccount default\nhost 127.0.0.1\nport {}\ntls off\ndomain test.example.org\n",
            server.port
        );
        let path = dir.path().join(".msmtprc");
        std::fs::write(&path, conf).expect("write config");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        Installed { dir }
    }

    /// Runs `sendmail ARGS` (through the symlink) with `message` on stdin.
    fn run(&self, command_line: &[&str], message: &str) -> std::process::Output {
        let mut child = Command::new(self.dir.path().join("sendmail"))
            .args(command_line)
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run sendmail");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(message.as_bytes())
            .expect("write message");
        let output = child.wait_with_output().expect("wait");
        assert!(
            output.status.success(),
            "sendmail {command_line:?} failed: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }
}

#[test]
fn debian_cron_calls_sendmail_and_it_works() {
    let server = SmtpServer::plain();
    let installed = Installed::new(&server);
    let message = "From: root (Cron Daemon)\nTo: root\nSubject: Cron <root@host> echo hi\n\
MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\
X-Cron-Env: <SHELL=/bin/sh>\n\nhi from cron\n";
    installed.run(
        &["-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root"],
        message,
    );
    let received = server.only_message();
    assert_eq!(received.mail_from, "root@test.example.org");
    assert_eq!(received.rcpts, ["root@test.example.org"]);
    let parsed = Parsed::of(&received.data);
    assert_eq!(parsed.header("Subject"), "Cron <root@host> echo hi");
    assert_eq!(parsed.headers("Date").len(), 1);
    assert_eq!(parsed.headers("Message-ID").len(), 1);
    assert_eq!(parsed.parts[0].text(), "hi from cron\n");
}

#[test]
fn cronie_calls_sendmail_and_gets_a_from_header_with_its_full_name() {
    let server = SmtpServer::plain();
    let installed = Installed::new(&server);
    let message =
        "To: root\nSubject: Cron <root@host> true\nAuto-Submitted: auto-generated\n\nout\n";
    installed.run(
        &[
            "-FCronDaemon",
            "-i",
            "-odi",
            "-oem",
            "-oi",
            "-t",
            "-f",
            "root",
        ],
        message,
    );
    let received = server.only_message();
    assert_eq!(received.mail_from, "root@test.example.org");
    assert_eq!(received.rcpts, ["root@test.example.org"]);
    let parsed = Parsed::of(&received.data);
    assert_eq!(parsed.header("From"), "CronDaemon <root@test.example.org>");
    assert_eq!(parsed.header("Auto-Submitted"), "auto-generated");
}

#[test]
fn php_mail_calls_sendmail() {
    let server = SmtpServer::plain();
    let installed = Installed::new(&server);
    let message = "To: customer@example.org\nSubject: Your order\nX-PHP-Originating-Script: 1000:order.php\n\
Content-type: text/plain; charset=UTF-8\n\nThanks for your order.\n";
    installed.run(&["-t", "-i"], message);
    let received = server.only_message();
    assert_eq!(received.rcpts, ["customer@example.org"]);
    assert!(
        received.mail_from.ends_with("@test.example.org"),
        "{}",
        received.mail_from
    );
    let parsed = Parsed::of(&received.data);
    assert_eq!(parsed.header("From"), received.mail_from);
    assert_eq!(parsed.header("Subject"), "Your order");
}

#[test]
fn mutt_calls_sendmail_with_recipients_after_the_double_dash() {
    let server = SmtpServer::plain();
    let installed = Installed::new(&server);
    let message = "Date: Sat, 21 Nov 2026 10:00:00 +0100\nFrom: Ann <ann@example.org>\nTo: bob@example.org\n\
Cc: carl@example.org\nBcc: secret@example.org\nSubject: lunch?\nMessage-ID: <m1@example.org>\n\nnoon?\n";
    installed.run(
        &["-oem", "-oi", "--", "bob@example.org", "secret@example.org"],
        message,
    );
    let received = server.only_message();
    assert_eq!(received.rcpts, ["bob@example.org", "secret@example.org"]);
    assert_eq!(received.mail_from, "ann@example.org");
    assert!(!raw_text(&received.data).contains("secret"), "Bcc kept");
    let parsed = Parsed::of(&received.data);
    assert_eq!(parsed.header("Message-ID"), "<m1@example.org>");
    assert_eq!(parsed.header("Cc"), "carl@example.org");
}

#[test]
fn git_send_email_calls_sendmail_with_several_recipients() {
    let server = SmtpServer::plain();
    let installed = Installed::new(&server);
    let message = "From: Dev <dev@example.org>\nTo: list@example.org\nCc: maintainer@example.org\n\
Subject: [PATCH] fix it\nDate: Sat, 21 Nov 2026 10:00:00 +0000\nMessage-Id: <20261121.1@example.org>\n\
X-Mailer: git-send-email 2.47.0\n\n---\n file | 1 +\n";
    installed.run(
        &["-i", "list@example.org", "maintainer@example.org"],
        message,
    );
    let received = server.only_message();
    assert_eq!(
        received.rcpts,
        ["list@example.org", "maintainer@example.org"]
    );
    let parsed = Parsed::of(&received.data);
    assert_eq!(parsed.header("Subject"), "[PATCH] fix it");
    assert_eq!(parsed.parts[0].text(), "---\n file | 1 +\n");
}

#[test]
fn mailx_calls_sendmail() {
    let server = SmtpServer::plain();
    let installed = Installed::new(&server);
    installed.run(
        &["-i", "--", "ops@example.org"],
        "To: ops@example.org\nSubject: disk\n\n90% full\n",
    );
    let received = server.only_message();
    assert_eq!(received.rcpts, ["ops@example.org"]);
    assert_eq!(Parsed::of(&received.data).parts[0].text(), "90% full\n");
}

#[test]
fn the_options_msmtp_accepts_and_ignores_are_accepted_and_x_names_the_log() {
    let server = SmtpServer::plain();
    let installed = Installed::new(&server);
    installed.run(
        &[
            "-Am",
            "-G",
            "-L",
            "cron",
            "-m",
            "-n",
            "-ODeliveryMode=b",
            "-X",
            "sent.log",
            "-i",
            "ops@example.org",
        ],
        "Subject: quiet flags\n\nbody\n",
    );
    assert_eq!(server.only_message().rcpts, ["ops@example.org"]);
    let log = std::fs::read_to_string(installed.dir.path().join("sent.log")).expect("-X log");
    assert!(log.contains("recipients=ops@example.org"), "{log}");
    // `-` is standard output, as in msmtp.
    let out = installed.run(&["-X", "-", "-i", "ops@example.org"], "Subject: x\n\nx\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.ends_with("smtpmsg='250 2.0.0 OK: queued as 0002' exitcode=EX_OK\n"),
        "{stdout}"
    );
    assert!(!installed.dir.path().join("-").exists());
}

#[test]
fn the_classic_flags_parse_as_tackle_sendmail_too() {
    let server = SmtpServer::plain();
    let port = server.port.to_string();
    tackle([
        "sendmail",
        "--server",
        "127.0.0.1",
        "--port",
        &port,
        "--tls",
        "none",
        "--helo",
        "test.example.org",
        "-FCronDaemon",
        "-i",
        "-odi",
        "-oem",
        "-oi",
        "-B8BITMIME",
        "-bm",
        "-t",
        "-f",
        "root",
        "--",
        "extra@example.org",
    ])
    .stdin("To: root\nSubject : obsolete syntax\n\nbody\n")
    .run()
    .success();
    let received = server.only_message();
    assert_eq!(received.mail_from, "root@test.example.org");
    // -t with arguments: the arguments are added to the header's recipients.
    assert_eq!(
        received.rcpts,
        ["extra@example.org", "root@test.example.org"]
    );
    assert!(raw_text(&received.data).contains("Subject : obsolete syntax\r\n"));
}

#[test]
fn null_sender_mbox_lines_quoted_local_parts_and_address_literals() {
    let server = SmtpServer::plain();
    let port = server.port.to_string();
    tackle([
        "sendmail", "--server", "127.0.0.1", "--port", &port, "--tls", "none",
        "-f", "<>", "\"john doe\"@example.org", "x@[127.0.0.1]",
    ])
    .stdin("From MAILER-DAEMON Sat Nov 21 10:00:00 2026\nFrom: bounce@example.org\nSubject: bounce\n\nreturned\n")
    .run()
    .success();
    let received = server.only_message();
    assert_eq!(received.mail_from, "");
    assert_eq!(
        received.rcpts,
        ["\"john doe\"@example.org", "x@[127.0.0.1]"]
    );
    let raw = raw_text(&received.data);
    assert!(!raw.contains("MAILER-DAEMON"), "{raw}");
    assert_eq!(Parsed::of(&received.data).header("Subject"), "bounce");
}

#[test]
fn dsn_requests_are_sent_when_the_server_offers_dsn() {
    let server = SmtpServer::plain();
    tackle(me_to_you(
        &server.flags("none"),
        &["--body", "x", "-N", "success,failure", "-R", "hdrs"],
    ))
    .run()
    .success();
    let received = server.only_message();
    assert!(
        received.mail_params.contains(&"RET=HDRS".to_owned()),
        "{received:?}"
    );
    assert_eq!(
        received.rcpt_params,
        [vec!["NOTIFY=SUCCESS,FAILURE".to_owned()]]
    );

    let no_dsn = SmtpServer::start(Options {
        dsn: false,
        ..Options::default()
    });
    tackle(me_to_you(
        &no_dsn.flags("none"),
        &["--body", "x", "-N", "never"],
    ))
    .run()
    .success();
    let received = no_dsn.only_message();
    assert!(received.rcpt_params[0].is_empty(), "{received:?}");
    tackle(["sendmail", "-N", "sometimes", "--dry-run"])
        .run()
        .code(64)
        .stderr_contains("\"sometimes\" is not a DSN notify value");
}

#[test]
fn a_line_over_998_octets_is_refused_before_connecting() {
    // Nothing listens there: reaching the network would be exit 75, not 65.
    let port = closed_port().to_string();
    let message = format!(
        "To: a@example.org\nFrom: b@example.org\n\n{}\n",
        "x".repeat(999)
    );
    tackle(["sendmail", "--server", "127.0.0.1", "--port", &port, "-t"])
        .stdin(message)
        .run()
        .code(65)
        .stderr_contains("line 4 of the message is 999 octets long");
}

// --- TLS -------------------------------------------------------------------------------------

#[test]
fn starttls_opportunistic_and_implicit_tls_with_a_private_ca() {
    let server = SmtpServer::with_tls(Tls::Starttls);
    for mode in ["starttls", "opportunistic"] {
        tackle(me_to_you(&server.flags(mode), &["--body", "over TLS"]))
            .run()
            .success()
            .stderr_empty();
    }
    assert!(server.received().iter().all(|m| m.encrypted));
    assert_eq!(server.received().len(), 2);
    let implicit = SmtpServer::with_tls(Tls::Implicit);
    tackle(me_to_you(&implicit.flags("implicit"), &["--body", "SMTPS"]))
        .run()
        .success();
    assert!(implicit.only_message().encrypted);
}

#[test]
fn an_untrusted_certificate_fails_77_saying_what_to_do_and_insecure_warns() {
    let server = SmtpServer::with_tls(Tls::Starttls);
    let base = at(server.port, "starttls");
    let out = tackle(me_to_you(&base, &["--body", "x"])).run();
    let fingerprint = fingerprint_of(&server.certs.as_ref().expect("certs").server_der);
    out.code(77)
        .stderr_contains("TLS: handshake with 127.0.0.1:")
        .stderr_contains("is not signed by a CA tackle trusts")
        .stderr_contains("--ca-file")
        .stderr_contains(&format!("--tls-fingerprint {fingerprint}"));
    assert!(
        !out.stderr_str().contains("Other(") && !out.stderr_str().contains("InvalidCertificate")
    );
    assert!(server.received().is_empty());
    tackle(me_to_you(&base, &["--body", "x", "--tls-insecure"]))
        .run()
        .success()
        .stderr_contains("--tls-insecure: not verifying the certificate");
    assert!(server.only_message().encrypted);
}

#[test]
fn certificate_errors_are_sentences_never_rust_values() {
    // A certificate webpki refuses for a reason rustls prints as a Debug value
    // (`UnhandledCriticalExtension`), and a client key that does not fit its certificate
    // (`KeyMismatch`).
    let server = SmtpServer::start(Options {
        tls: Tls::Starttls,
        unknown_critical_extension: true,
        ..Options::default()
    });
    let certs = server.certs.as_ref().expect("certs");
    let refused = tackle(me_to_you(&server.flags("starttls"), &["--body", "x"])).run();
    refused
        .code(77)
        .stderr_contains("has a critical extension tackle does not understand")
        .stderr_contains(&format!(
            "--tls-fingerprint {}",
            fingerprint_of(&certs.server_der)
        ));
    let client_cert = certs.client_cert.display().to_string();
    std::fs::set_permissions(&certs.key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let wrong_key = certs.key.display().to_string();
    let mismatched = tackle(me_to_you(
        &server.flags("starttls"),
        &[
            "--body",
            "x",
            "--tls-cert",
            &client_cert,
            "--tls-key",
            &wrong_key,
        ],
    ))
    .run();
    mismatched.code(66).stderr_contains(
        "--tls-cert and --tls-key do not go together: the private key is not the key of the certificate",
    );
    for stderr in [refused.stderr_str(), mismatched.stderr_str()] {
        for rust in ["Unhandled", "KeyMismatch", "Context {", "Other(", "Error"] {
            assert!(!stderr.contains(rust), "{rust} in {stderr}");
        }
    }
    assert!(server.received().is_empty());
}

fn fingerprint_of(der: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[test]
fn a_self_signed_ca_certificate_in_ca_file_is_trusted_exactly() {
    let server = SmtpServer::start(Options {
        tls: Tls::Implicit,
        self_signed_ca_cert: true,
        ..Options::default()
    });
    // The ca-file holds exactly the CA:TRUE certificate the server presents.
    tackle(me_to_you(&server.flags("implicit"), &["--body", "x"]))
        .run()
        .success()
        .stderr_empty();
    assert!(server.only_message().encrypted);
}

#[test]
fn a_fingerprint_pins_exactly_one_certificate() {
    let server = SmtpServer::with_tls(Tls::Implicit);
    let port = server.port.to_string();
    let right = fingerprint_of(&server.certs.as_ref().expect("certs").server_der);
    let base = |fp: &str| {
        let flags: Vec<String> = [
            "--server",
            "127.0.0.1",
            "--port",
            &port,
            "--tls",
            "implicit",
            "--tls-fingerprint",
            fp,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        me_to_you(&flags, &["--body", "x"])
    };
    tackle(base(&right)).run().success();
    assert_eq!(server.received().len(), 1);
    let wrong = fingerprint_of(b"another certificate");
    tackle(base(&wrong))
        .run()
        .code(77)
        .stderr_contains(&format!(
            "has the SHA-256 fingerprint {right}, not the one given with --tls-fingerprint"
        ));
    tackle(base("AB:CD"))
        .run()
        .code(64)
        .stderr_contains("--tls-fingerprint");
    assert_eq!(server.received().len(), 1);
}

#[test]
fn a_client_certificate_is_presented_when_the_server_asks() {
    let server = SmtpServer::start(Options {
        tls: Tls::Implicit,
        require_client_cert: true,
        ..Options::default()
    });
    let certs = server.certs.as_ref().expect("certs");
    let (cert, key) = (
        certs.client_cert.display().to_string(),
        certs.client_key.display().to_string(),
    );
    let with_key = |more: &[&str]| {
        let mut all = vec!["--body", "x", "--tls-cert", &cert, "--tls-key", &key];
        all.extend(more);
        tackle(me_to_you(&server.flags("implicit"), &all)).run()
    };
    // The private key is a secret: a key others may read is refused, as a password file is.
    let chmod = |mode| {
        std::fs::set_permissions(&certs.client_key, std::fs::Permissions::from_mode(mode))
            .expect("chmod")
    };
    chmod(0o644);
    with_key(&[])
        .code(66)
        .stderr_contains(&format!(
            "--tls-key {key}: mode 0644 lets group or others read it"
        ))
        .stderr_contains(&format!("chmod 600 {key}"));
    assert!(server.received().is_empty());
    with_key(&["--allow-readable-secrets"]).success();
    chmod(0o600);
    with_key(&[]).success();
    assert_eq!(server.received().len(), 2);
    tackle(me_to_you(&server.flags("implicit"), &["--body", "x"]))
        .run()
        .code(77)
        .stderr_contains("TLS: ");
    tackle(me_to_you(
        &server.flags("implicit"),
        &["--body", "x", "--tls-cert", &cert],
    ))
    .run()
    .code(64)
    .stderr_contains("--tls-key");
}

#[test]
fn required_starttls_fails_77_when_not_offered() {
    let server = SmtpServer::plain();
    tackle(me_to_you(&server.flags("starttls"), &["--body", "x"]))
        .run()
        .code(77)
        .stderr_contains("TLS: 127.0.0.1 does not offer STARTTLS");
    assert!(server.received().is_empty());
}

#[test]
fn starttls_response_injection_is_a_protocol_error_and_nothing_is_sent() {
    // RFC 3207 §4.2: plaintext lines sent with the 220 must never be read as coming over TLS.
    let server = SmtpServer::start(Options {
        tls: Tls::Starttls,
        data_reply: Some("554 5.7.1 rejected".into()),
        inject_after_starttls: Some(b"250-injected\r\n250 AUTH PLAIN\r\n".to_vec()),
        ..Options::default()
    });
    tackle(me_to_you(&server.flags("starttls"), &["--body", "x"]))
        .run()
        .code(76)
        .stderr_contains("sent 30 more byte(s) in plain text after its 220 reply to STARTTLS")
        .stderr_contains("STARTTLS response injection")
        .stderr_contains("nothing was sent");
    // Not a command after STARTTLS: no EHLO, no AUTH, no MAIL.
    let commands = server.commands();
    assert_eq!(
        commands.last().map(String::as_str),
        Some("STARTTLS"),
        "{commands:?}"
    );
    assert!(server.received().is_empty());
}

#[test]
fn plain_text_that_arrives_after_the_client_hello_is_an_injection_too() {
    // The same lines, held back until the ClientHello is out, so they cannot be waiting
    // when the handshake starts: they arrive where the server's TLS records should be.
    let (port, peer) = scripted(|mut conn| {
        conn.write_all(b"220 mitm.example.org ESMTP\r\n")
            .expect("greet");
        read_line(&mut conn).expect("EHLO");
        conn.write_all(b"250-mitm.example.org\r\n250 STARTTLS\r\n")
            .expect("EHLO reply");
        assert_eq!(read_line(&mut conn).as_deref(), Some("STARTTLS\r\n"));
        conn.write_all(b"220 Ready\r\n").expect("220");
        let mut hello = [0u8; 5];
        conn.read_exact(&mut hello).expect("ClientHello");
        assert_eq!(hello[0], 22, "not a TLS handshake record");
        conn.write_all(b"250-injected\r\n250 AUTH PLAIN\r\n")
            .expect("inject");
        // Whatever tackle does next must not be a command: it closes the connection.
        let mut rest = Vec::new();
        let _ = conn.read_to_end(&mut rest);
        assert!(
            !rest.windows(4).any(|w| w == b"MAIL" || w == b"EHLO"),
            "{rest:?}"
        );
    });
    tackle(me_to_you(&at(port, "starttls"), &["--body", "x"]))
        .run()
        .code(76)
        .stderr_contains("plain text after its 220 reply to STARTTLS")
        .stderr_contains("STARTTLS response injection")
        .stderr_contains("nothing was sent");
    peer.join().expect("peer");
}

// --- AUTH --------------------------------------------------------------------------------------

fn auth_server() -> SmtpServer {
    SmtpServer::start(Options {
        tls: Tls::Starttls,
        auth: Some(("ann".into(), "s3cret pass".into())),
        ..Options::default()
    })
}

fn auth_args(server: &SmtpServer, more: &[&str]) -> Vec<String> {
    ann_to_you(&server.flags("starttls"), more)
}

#[test]
fn verbose_logs_the_whole_dialogue_in_tackles_words_with_auth_redacted() {
    let server = auth_server();
    let out = tackle(auth_args(&server, &["--user", "ann", "-v"]))
        .env("TACKLE_SMTP_PASSWORD", "s3cret pass")
        .run();
    out.success()
        .stderr_contains("connected to 127.0.0.1:")
        .stderr_contains("< 220 tackle-test.example.org ESMTP ready")
        .stderr_contains("> EHLO ")
        .stderr_contains("< 250-STARTTLS")
        .stderr_contains("> STARTTLS")
        .stderr_contains("TLS established with 127.0.0.1")
        .stderr_contains("> AUTH PLAIN <credentials for ann redacted>")
        .stderr_contains("< 235 2.7.0 Authentication successful")
        .stderr_contains("> MAIL FROM:<ann@example.org>")
        .stderr_contains("> RCPT TO:<you@example.org>")
        .stderr_contains("> DATA")
        .stderr_contains("< 250 2.0.0 OK: queued as 0001")
        .stderr_contains("> QUIT")
        .stderr_contains("< 221 2.0.0 Bye");
    let plain = base64::engine::general_purpose::STANDARD.encode("\0ann\0s3cret pass");
    let stderr = out.stderr_str();
    assert!(
        !stderr.contains("s3cret") && !stderr.contains(&plain),
        "secret logged:\n{out}"
    );
    for internal in ["Some(", "Response", "Extension", "Error {", "Tag"] {
        assert!(!stderr.contains(internal), "{internal} in:\n{stderr}");
    }
    let message = server.only_message();
    assert_eq!(message.login.as_deref(), Some("ann"));
    assert!(message.encrypted);
}

#[test]
fn auth_login_with_a_password_file_a_command_and_a_named_variable() {
    let server = auth_server();
    let run = tackle(auth_args(
        &server,
        &["--user", "ann", "--auth", "login", "--password-file", "pw"],
    ))
    .file("pw", "s3cret pass\nsecond line ignored\n");
    std::fs::set_permissions(run.dir().join("pw"), std::fs::Permissions::from_mode(0o600))
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
    let mechanisms: Vec<Option<String>> = server
        .received()
        .iter()
        .map(|m| m.mechanism.clone())
        .collect();
    assert_eq!(
        mechanisms,
        [
            Some("LOGIN".into()),
            Some("PLAIN".into()),
            Some("PLAIN".into())
        ]
    );
}

#[test]
fn a_password_from_the_environment_leaves_no_trace_and_tackle_cannot_be_dumped() {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::process::CommandExt;
    const SECRET: &str = "s3cret-from-the-environment";
    let (connected, has_connected) = std::sync::mpsc::channel();
    let (looked, has_looked) = std::sync::mpsc::channel::<()>();
    // The password is taken before tackle connects; the peer holds the connection until
    // the test has looked at tackle's /proc entry.
    let (port, peer) = scripted(move |conn| {
        connected.send(()).expect("tell the test");
        let _ = has_looked.recv();
        drop(conn);
    });
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut command = Command::new(bin());
    command
        .arg("sendmail")
        .args(at(port, "none"))
        .args(["--allow-plaintext-auth", "--user", "ann"])
        .args([
            "--from",
            "me@example.org",
            "--to",
            "you@example.org",
            "--body",
            "x",
        ])
        .current_dir("/")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent")
        .env("TACKLE_SMTP_PASSWORD", SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // Root owns the files in /proc/PID of a process that may not be dumped. So that this
    // says something when the test runs as root, tackle then runs as nobody.
    // SAFETY: setgroups/setgid/setuid between fork and exec are async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            if root
                && (libc::setgroups(0, std::ptr::null()) != 0
                    || libc::setgid(65534) != 0
                    || libc::setuid(65534) != 0)
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().expect("spawn tackle");
    has_connected
        .recv_timeout(Duration::from_secs(60))
        .expect("tackle connects");
    let proc_environ = format!("/proc/{}/environ", child.id());
    let owner = std::fs::metadata(&proc_environ).expect("proc entry").uid();
    let environ = std::fs::read(&proc_environ);
    looked.send(()).expect("let the peer go");
    child.wait().expect("wait for tackle");
    peer.join().expect("peer");
    assert_eq!(
        owner, 0,
        "tackle can be dumped: {proc_environ} belongs to uid {owner}"
    );
    match environ {
        // Root reads it anyway: the variable's value is gone from what tackle started with.
        Ok(environ) => {
            assert!(
                root,
                "another process of the user read tackle's environment"
            );
            let text = String::from_utf8_lossy(&environ);
            assert!(text.contains("HOME=/nonexistent"), "{text:?}");
            assert!(!text.contains(SECRET), "the password is still in {text:?}");
        }
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied, "{e}"),
    }
}

#[test]
fn a_password_file_others_can_read_is_refused_unless_allowed() {
    let server = auth_server();
    let make = |extra: &[&str]| {
        let mut more = vec!["--user", "ann", "--password-file", "pw"];
        more.extend_from_slice(extra);
        let run = tackle(auth_args(&server, &more)).file("pw", "s3cret pass\n");
        std::fs::set_permissions(run.dir().join("pw"), std::fs::Permissions::from_mode(0o644))
            .expect("chmod");
        run
    };
    make(&[])
        .run()
        .code(66)
        .stderr_contains("mode 0644 lets group or others read it")
        .stderr_contains("chmod 600");
    assert!(server.received().is_empty());
    make(&["--allow-readable-secrets"]).run().success();
    assert_eq!(server.received().len(), 1);
}

#[test]
fn xoauth2_and_oauthbearer_take_the_token_from_a_helper_command() {
    let server = SmtpServer::start(Options {
        tls: Tls::Implicit,
        auth: Some(("ann@example.org".into(), "ya29.token".into())),
        mechanisms: vec!["XOAUTH2", "OAUTHBEARER", "PLAIN"],
        ..Options::default()
    });
    for mechanism in ["xoauth2", "oauthbearer"] {
        tackle(ann_to_you(
            &server.flags("implicit"),
            &[
                "--user",
                "ann@example.org",
                "--auth",
                mechanism,
                "--password-cmd",
                "echo ya29.token",
            ],
        ))
        .run()
        .success();
    }
    let mechanisms: Vec<Option<String>> = server
        .received()
        .iter()
        .map(|m| m.mechanism.clone())
        .collect();
    assert_eq!(
        mechanisms,
        [Some("XOAUTH2".into()), Some("OAUTHBEARER".into())]
    );
    tackle(ann_to_you(
        &server.flags("implicit"),
        &[
            "--user",
            "ann@example.org",
            "--auth",
            "xoauth2",
            "--password-cmd",
            "echo expired",
        ],
    ))
    .run()
    .code(77)
    .stderr_contains("AUTH: the server refused the login as ann@example.org (XOAUTH2): 535");
    assert_eq!(server.received().len(), 2);
}

#[test]
fn a_wrong_password_exits_77_quoting_the_server() {
    let server = auth_server();
    tackle(auth_args(&server, &["--user", "ann"]))
        .env("TACKLE_SMTP_PASSWORD", "wrong")
        .run()
        .code(77)
        .stderr_contains("AUTH: the server refused the login as ann (PLAIN): 535 5.7.8 Error: authentication failed");
    assert!(server.received().is_empty());
}

#[test]
fn missing_or_empty_secrets_are_refused_before_connecting() {
    let base = at(closed_port(), "starttls");
    tackle(ann_to_you(&base, &["--user", "ann"]))
        .without_terminal()
        .run()
        .code(64)
        .stderr_contains("no password for ann")
        .stderr_contains("there is no terminal to ask on");
    tackle(ann_to_you(
        &base,
        &["--user", "ann", "--password-env", "UNSET_VAR"],
    ))
    .run()
    .code(64)
    .stderr_contains("UNSET_VAR");
    tackle(ann_to_you(
        &base,
        &["--user", "ann", "--password-env", "EMPTY"],
    ))
    .env("EMPTY", "")
    .run()
    .code(64)
    .stderr_contains("the environment variable EMPTY is empty");
    tackle(ann_to_you(
        &base,
        &["--user", "ann", "--password-file", "nope"],
    ))
    .run()
    .code(66)
    .stderr_contains("--password-file nope: cannot read");
    tackle(ann_to_you(
        &base,
        &["--user", "ann", "--password-cmd", "exit 1"],
    ))
    .run()
    .code(66)
    .stderr_contains("--password-cmd \"exit 1\" exited with status 1");
    tackle(ann_to_you(
        &base,
        &[
            "--user",
            "ann",
            "--auth",
            "xoauth2",
            "--password-cmd",
            "true",
        ],
    ))
    .run()
    .code(66)
    .stderr_contains("printed nothing; no token to send");
}

#[test]
fn plaintext_auth_is_refused_without_the_flag() {
    let server = SmtpServer::start(Options {
        auth: Some(("ann".into(), "pw".into())),
        auth_without_tls: true,
        ..Options::default()
    });
    tackle(ann_to_you(
        &server.flags("opportunistic"),
        &["--user", "ann"],
    ))
    .env("TACKLE_SMTP_PASSWORD", "pw")
    .run()
    .code(77)
    .stderr_contains("AUTH: refusing to send the password for ann over an unencrypted connection");
    tackle(ann_to_you(&server.flags("none"), &["--user", "ann"]))
        .env("TACKLE_SMTP_PASSWORD", "pw")
        .run()
        .code(64)
        .stderr_contains("--allow-plaintext-auth");
    assert!(server.received().is_empty());
    tackle(ann_to_you(
        &server.flags("none"),
        &["--user", "ann", "--allow-plaintext-auth"],
    ))
    .env("TACKLE_SMTP_PASSWORD", "pw")
    .run()
    .success();
    assert_eq!(server.only_message().login.as_deref(), Some("ann"));
}

// --- the password prompt ----------------------------------------------------------------------

/// tackle with the pty's follower side as stdin and controlling terminal, so that ^C and ^Z
/// typed on the leader side reach it as signals.
fn spawn_on_pty(args: &[String]) -> (std::fs::File, std::process::Child, tempfile::TempDir) {
    spawn_on_pty_with(args, None)
}

/// tackle in a session of its own whose controlling terminal is a pty (returned), with stderr
/// on it, and stdin on it too unless `message` is given: then stdin is a pipe that carries it.
fn spawn_on_pty_with(
    args: &[String],
    message: Option<&str>,
) -> (std::fs::File, std::process::Child, tempfile::TempDir) {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let (master, slave) = common::open_pty();
    let dir = tempfile::tempdir().expect("dir");
    let slave_fd = slave.as_raw_fd();
    let mut command = Command::new(bin());
    command
        .args(args)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .stdin(match message {
            Some(_) => Stdio::piped(),
            None => Stdio::from(slave.try_clone().expect("clone pty")),
        })
        .stdout(Stdio::null())
        .stderr(Stdio::from(slave));
    // SAFETY: setsid and ioctl are async-signal-safe; the descriptor is open in the child.
    unsafe {
        command.pre_exec(move || {
            libc::setsid();
            libc::ioctl(slave_fd, libc::TIOCSCTTY, 0);
            Ok(())
        });
    }
    let mut child = command.spawn().expect("spawn tackle on a pty");
    if let (Some(message), Some(mut stdin)) = (message, child.stdin.take()) {
        stdin
            .write_all(message.as_bytes())
            .expect("write the message");
    }
    (master, child, dir)
}

fn wait_for_output(master: &mut std::fs::File, needle: &str) -> String {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        let n = master.read(&mut byte).expect("read the terminal");
        assert!(
            n > 0,
            "no {needle:?}; terminal: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.push(byte[0]);
    }
    String::from_utf8_lossy(&seen).into_owned()
}

fn echo_is_on(master: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: tcgetattr on the pty leader we own, into a zeroed termios.
    unsafe {
        let mut term: libc::termios = std::mem::zeroed();
        assert_eq!(libc::tcgetattr(master.as_raw_fd(), &mut term), 0);
        term.c_lflag & libc::ECHO != 0
    }
}

fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn prompts_for_the_password_without_echo_on_a_terminal() {
    let server = auth_server();
    let (mut master, mut child, _dir) = spawn_on_pty(&auth_args(&server, &["--user", "ann"]));
    wait_for_output(&mut master, "Password for ann at 127.0.0.1: ");
    assert!(!echo_is_on(&master));
    master
        .write_all(b"s3cret pass\n")
        .expect("type the password");
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status}");
    assert!(echo_is_on(&master), "echo not restored");
    assert_eq!(server.only_message().login.as_deref(), Some("ann"));
}

#[test]
fn with_the_message_on_stdin_the_prompt_is_on_the_controlling_terminal() {
    // `sendmail -t < message` from a shell: msmtp asks on /dev/tty (getpass), so does tackle.
    let server = auth_server();
    let command = args(&server.flags("starttls"), &["--user", "ann", "-t"]);
    let (mut master, mut child, _dir) = spawn_on_pty_with(
        &command,
        Some("From: ann@example.org\nTo: you@example.org\nSubject: asked\n\nbody\n"),
    );
    wait_for_output(&mut master, "Password for ann at 127.0.0.1: ");
    assert!(!echo_is_on(&master));
    master
        .write_all(b"s3cret pass\n")
        .expect("type the password");
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status}");
    assert!(echo_is_on(&master), "echo not restored");
    let message = server.only_message();
    assert_eq!(message.login.as_deref(), Some("ann"));
    assert_eq!(Parsed::of(&message.data).header("Subject"), "asked");
    // A signal at that prompt gives that terminal its echo back too.
    let (mut master, mut child, _dir) =
        spawn_on_pty_with(&command, Some("To: you@example.org\n\nx\n"));
    wait_for_output(&mut master, "Password for ann");
    assert!(!echo_is_on(&master));
    // SAFETY: kill(2) on our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let status = child.wait().expect("wait");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(libc::SIGTERM)
    );
    assert!(echo_is_on(&master), "echo still off after SIGTERM");
    // Without any terminal (cron), there is nobody to ask: 64 before connecting.
    tackle(args(&server.flags("starttls"), &["--user", "ann", "-t"]))
        .stdin("To: you@example.org\n\nx\n")
        .without_terminal()
        .run()
        .code(64)
        .stderr_contains("there is no terminal to ask on");
    assert_eq!(server.received().len(), 1);
}

#[test]
fn a_signal_at_the_prompt_gives_the_terminal_its_echo_back() {
    use std::os::unix::process::ExitStatusExt;
    let server = auth_server();
    for (signal, typed) in [
        (libc::SIGINT, Some(b"\x03")),
        (libc::SIGQUIT, Some(b"\x1c")),
        (libc::SIGTERM, None),
        (libc::SIGHUP, None),
    ] {
        let (mut master, mut child, _dir) = spawn_on_pty(&auth_args(&server, &["--user", "ann"]));
        wait_for_output(&mut master, "Password for ann");
        assert!(!echo_is_on(&master));
        match typed {
            Some(keys) => master.write_all(keys).expect("type"),
            // SAFETY: kill(2) on our own child.
            None => assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0),
        }
        let status = child.wait().expect("wait");
        assert_eq!(status.signal(), Some(signal), "{status}");
        assert!(echo_is_on(&master), "echo still off after signal {signal}");
    }
    assert!(server.received().is_empty());
}

/// tackle as a foreground job on a pty, the way a shell runs it: a session leader (standing
/// in for the shell) puts tackle in a process group of its own and waits for it. Unlike a
/// session leader's own group, that group is not orphaned, so ^Z really stops it. Returns the
/// terminal, the stand-in shell and tackle's pid.
fn spawn_job_on_pty(
    args: &[String],
) -> (std::fs::File, std::process::Child, i32, tempfile::TempDir) {
    use std::os::unix::process::CommandExt;
    let (master, slave) = common::open_pty();
    let dir = tempfile::tempdir().expect("dir");
    let mut command = Command::new(bin());
    command
        .args(args)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .stdin(Stdio::from(slave.try_clone().expect("clone pty")))
        .stdout(Stdio::null())
        .stderr(Stdio::from(slave));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY, 0);
            let pid = libc::fork();
            if pid < 0 {
                return Err(std::io::Error::last_os_error());
            }
            if pid > 0 {
                // The stand-in shell: tackle becomes the foreground job; mirror its end.
                libc::setpgid(pid, pid);
                libc::tcsetpgrp(0, pid);
                // Let go of every other descriptor, among them the pipe on which spawn()
                // waits for the exec that this process never makes.
                libc::syscall(libc::SYS_close_range, 3, u32::MAX, 0);
                let mut status = 0;
                while libc::waitpid(pid, &mut status, 0) != pid {}
                if libc::WIFEXITED(status) {
                    libc::_exit(libc::WEXITSTATUS(status));
                }
                libc::_exit(128 + libc::WTERMSIG(status));
            }
            libc::setpgid(0, 0);
            while libc::tcgetpgrp(0) != libc::getpid() {
                libc::sched_yield();
            }
            Ok(())
        });
    }
    let shell = command.spawn().expect("spawn tackle as a job");
    let shell_pid = shell.id();
    let mut tackle_pid = 0;
    wait_until("tackle to start", || {
        let children =
            std::fs::read_to_string(format!("/proc/{shell_pid}/task/{shell_pid}/children"))
                .unwrap_or_default();
        tackle_pid = children
            .split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        tackle_pid != 0
    });
    (master, shell, tackle_pid, dir)
}

#[test]
fn ctrl_z_at_the_prompt_restores_echo_and_fg_turns_it_off_again() {
    let server = auth_server();
    let (mut master, mut shell, pid, _dir) =
        spawn_job_on_pty(&auth_args(&server, &["--user", "ann"]));
    wait_for_output(&mut master, "Password for ann");
    assert!(!echo_is_on(&master));
    master.write_all(b"\x1a").expect("type ^Z");
    wait_until("tackle to stop", || process_state(pid) == Some('T'));
    assert!(echo_is_on(&master), "echo off while stopped");
    // SAFETY: kill(2) on our own grandchild: what `fg` does.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGCONT) }, 0);
    wait_until("echo off again", || !echo_is_on(&master));
    master
        .write_all(b"s3cret pass\n")
        .expect("type the password");
    let status = shell.wait().expect("wait");
    assert!(status.success(), "{status}");
    assert!(echo_is_on(&master));
    assert_eq!(server.received().len(), 1);
}

fn process_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(") ")?.1.chars().next()
}

// --- refusals and failures ------------------------------------------------------------------

#[test]
fn a_refused_recipient_means_nobody_gets_it_unless_partial() {
    let server = SmtpServer::start(Options {
        refuse: vec!["nobody@example.org".into()],
        ..Options::default()
    });
    let to_both = |more: &[&str]| {
        let mut all = args(
            &server.flags("none"),
            &[
                "--from",
                "me@example.org",
                "--to",
                "you@example.org, nobody@example.org",
                "--body",
                "x",
            ],
        );
        all.extend(more.iter().map(|s| s.to_string()));
        all
    };
    tackle(to_both(&[]))
        .run()
        .code(65)
        .stderr_contains("RCPT: the server refused a recipient: <nobody@example.org> (550 5.1.1 <nobody@example.org>: Recipient address rejected: no such user); nothing was sent to anyone");
    assert!(server.received().is_empty());
    let commands = server.commands();
    let rset = commands
        .iter()
        .position(|c| c == "RSET")
        .expect("RSET sent");
    assert_eq!(commands[rset + 1], "QUIT", "{commands:?}");
    assert!(!commands.iter().any(|c| c == "DATA"));
    tackle(to_both(&["--partial"]))
        .run()
        .code(65)
        .stderr_contains(
            "RCPT: sent to <you@example.org>; the server refused <nobody@example.org> (550",
        );
    assert_eq!(server.only_message().rcpts, ["you@example.org"]);
}

#[test]
fn all_recipients_refused_sends_nothing_with_65_or_75() {
    let server = SmtpServer::start(Options {
        refuse: vec!["nobody@example.org".into()],
        tempfail: vec!["busy@example.org".into()],
        ..Options::default()
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
fn a_rejected_message_exits_65_quoting_the_reply() {
    let server = SmtpServer::start(Options {
        data_reply: Some("554 5.7.1 Message rejected as spam".into()),
        ..Options::default()
    });
    tackle(me_to_you(&server.flags("none"), &["--body", "x"]))
        .run()
        .code(65)
        .stderr_contains("tackle: sendmail: DATA: the server refused the message: 554 5.7.1 Message rejected as spam");
}

#[test]
fn a_message_over_the_servers_size_is_refused_before_mail() {
    let server = SmtpServer::start(Options {
        size: Some(100),
        ..Options::default()
    });
    tackle(me_to_you(
        &server.flags("none"),
        &["--body", &"x".repeat(200)],
    ))
    .run()
    .code(65)
    .stderr_contains("and the server takes at most 100 (its SIZE)");
    assert!(!server.commands().iter().any(|c| c.starts_with("MAIL")));
}

#[test]
fn a_server_without_ehlo_gets_helo() {
    let server = SmtpServer::start(Options {
        no_ehlo: true,
        ..Options::default()
    });
    tackle(me_to_you(
        &server.flags("none"),
        &["--body", "x", "--helo", "old.example.org"],
    ))
    .run()
    .success();
    assert_eq!(server.only_message().helo, "old.example.org");
}

#[test]
fn a_server_that_is_down_exits_75_at_once() {
    let port = closed_port();
    let started = Instant::now();
    tackle(me_to_you_at(port, &["--timeout", "20s", "--body", "x"]))
        .run()
        .code(75)
        .stderr_contains(&format!("connect: 127.0.0.1:{port}: connection refused"));
    assert!(started.elapsed() < Duration::from_secs(10));
    // An IPv6 address is shown as [::1]:PORT, once (refused, or unavailable where the host
    // has no IPv6: a temporary failure either way).
    let base = [
        "--server",
        "::1",
        "--port",
        &port.to_string(),
        "--tls",
        "none",
    ]
    .map(String::from);
    let out = tackle(me_to_you(&base, &["--body", "x"])).run();
    out.code(75)
        .stderr_contains(&format!("connect: [::1]:{port}: "));
    assert!(!out.stderr_str().contains("::1:"), "{}", out.stderr_str());
}

#[test]
fn a_server_that_never_greets_exits_75_after_one_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let started = Instant::now();
    tackle(me_to_you_at(port, &["--timeout", "1s", "--body", "x"]))
        .run()
        .code(75)
        .stderr_contains(&format!(
            "greeting: 127.0.0.1:{port}: no answer within 1s (--timeout)"
        ));
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(8),
        "{elapsed:?}"
    );
    drop(listener);
}

#[test]
fn greetings_that_refuse_exit_69_or_75() {
    for (greeting, status) in [
        ("554 5.3.2 no mail here\r\n", 69),
        ("421 4.3.2 too busy\r\n", 75),
    ] {
        let (port, out) = against_a_peer_that_says(greeting.as_bytes());
        out.code(status).stderr_contains(&format!(
            "greeting: 127.0.0.1:{port} does not accept mail: {}",
            greeting.trim_end()
        ));
    }
}

/// Sends a message in plain text to a peer that writes `says`, reads one line and hangs up.
/// Returns the peer's port and what tackle did.
fn against_a_peer_that_says(says: &'static [u8]) -> (u16, common::Outcome) {
    let (port, peer) = scripted(move |mut conn| {
        let _ = conn.write_all(says);
        let _ = read_line(&mut conn);
    });
    let out = tackle(me_to_you_at(port, &["--body", "x"])).run();
    peer.join().expect("peer");
    (port, out)
}

#[test]
fn a_server_that_hangs_up_mid_dialogue_is_a_temporary_failure_75() {
    // RFC 5321 §3.8: a lost connection counts as a 451, so retry wrappers try again.
    let (_, out) = against_a_peer_that_says(b"220 rude.example.org ESMTP\r\n");
    out.code(75).stderr_contains(
        "EHLO: the reply to EHLO: the server closed the connection without answering",
    );
    let (port, peer) = behaves_until_the_data(AfterTheData::HangUp);
    tackle(me_to_you_at(port, &["--body", "x"]))
        .run()
        .code(75)
        .stderr_contains("the server closed the connection without answering; it may or may not have delivered the message");
    peer.join().expect("peer");
}

#[test]
fn garbage_instead_of_a_reply_is_a_protocol_error_76() {
    let (_, out) = against_a_peer_that_says(b"HTTP/1.1 400 Bad Request\r\n\r\n");
    out.code(76).stderr_contains(
        "the server's answer is not SMTP: \"HTTP/1.1 400 Bad Request\" is not an SMTP reply line",
    );
}

/// What a scripted peer does once the message has ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AfterTheData {
    /// Holds the connection open without answering until tackle goes away.
    Stall,
    /// Closes the connection without answering.
    HangUp,
}

/// A peer that behaves up to the end of the message, then does `after`.
fn behaves_until_the_data(after: AfterTheData) -> (u16, std::thread::JoinHandle<()>) {
    scripted(move |mut conn| {
        conn.write_all(b"220 slow.example.org ESMTP\r\n")
            .expect("greet");
        let mut in_data = false;
        while let Some(line) = read_line(&mut conn) {
            let reply: &[u8] = match line.as_str() {
                ".\r\n" if in_data => {
                    if after == AfterTheData::Stall {
                        let _ = read_line(&mut conn);
                    }
                    return;
                }
                _ if in_data => b"",
                l if l.starts_with("EHLO") => b"250 slow.example.org\r\n",
                l if l.starts_with("DATA") => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                _ => b"250 ok\r\n",
            };
            conn.write_all(reply).expect("reply");
        }
    })
}

#[test]
fn the_reply_to_the_message_waits_for_the_data_timeout_not_the_timeout() {
    let (port, peer) = behaves_until_the_data(AfterTheData::Stall);
    let started = Instant::now();
    tackle(me_to_you_at(port, &["--timeout", "1s", "--data-timeout", "3s", "--body", "x"]))
        .run()
        .code(75)
        .stderr_contains("DATA: no reply to the message within 3s (--data-timeout); the server may or may not have delivered it");
    let elapsed = started.elapsed();
    // One data timeout, no second wait for a reply to QUIT.
    assert!(
        elapsed >= Duration::from_secs(3)
            && elapsed < Duration::from_secs(5) + Duration::from_millis(500),
        "{elapsed:?}"
    );
    peer.join().expect("peer");
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
    let attempts: [&[&str]; 6] = [
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
    tackle([
        "sendmail",
        "-F",
        "Eve\nBcc: evil@example.org",
        "-t",
        "--dry-run",
    ])
    .stdin("To: a@example.org\n\nx\n")
    .run()
    .code(65);
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
    let without_crlf = raw_text(&out.stdout).replace("\r\n", "");
    assert!(!without_crlf.contains('\n') && !without_crlf.contains('\r'));
    assert!(!raw_text(&out.stdout).contains("hidden"));
    let parsed = Parsed::of(&out.stdout);
    assert_eq!(parsed.content_type, "multipart/mixed");
    assert_eq!(parsed.header("Subject"), "Prüfung");
    assert_eq!(parsed.parts[0].text(), "line one\nline two\n");
    assert_eq!(parsed.parts[1].text(), "<b>bold</b>");
    assert_eq!(parsed.parts[2].filename.as_deref(), Some("notes.txt"));
    assert_eq!(parsed.parts[2].payload, b"some notes\n");
}

/// The message without its Date and Message-ID lines, the only ones that differ between two
/// runs of a message without MIME boundaries.
fn without_date_and_id(message: &[u8]) -> String {
    raw_text(message)
        .split_inclusive("\r\n")
        .filter(|line| !line.starts_with("Date: ") && !line.starts_with("Message-ID: "))
        .collect()
}

#[test]
fn dry_run_prints_the_bytes_the_server_gets_ending_in_crlf() {
    // A body whose last line has no line ending, as `--body hello` (the README's example)
    // gives, in 7bit and in the 8bit form --dry-run prints; the 7bit-only server gets
    // quoted-printable, which --dry-run does not show, so it is left out.
    for body in ["hello", "héllo", "", "two\nlines"] {
        let server = SmtpServer::plain();
        let flags = ["--subject", "hi", "--body", body];
        let sent = tackle(me_to_you_at(server.port, &flags)).run();
        sent.success();
        let dry = tackle(me_to_you(&["--dry-run".to_owned()], &flags)).run();
        dry.success();
        assert!(
            dry.stdout.ends_with(b"\r\n"),
            "--body {body:?}: {:?}",
            raw_text(&dry.stdout)
        );
        assert_eq!(
            without_date_and_id(&dry.stdout),
            without_date_and_id(&server.only_message().data),
            "--body {body:?}"
        );
        // On a terminal, stdout and stderr share lines: the envelope starts a line of its own.
        assert!(dry.stderr_str().starts_with("envelope from: "));
    }
}

#[test]
fn dry_run_output_that_cannot_be_written_is_ex_ioerr_and_a_closed_pipe_is_quiet() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Far bigger than a pipe's buffer, so tackle is still writing when its reader goes away.
    std::fs::write(dir.path().join("big.bin"), vec![0x5a; 4 << 20]).expect("attachment");
    let dry_run = |stdout: Stdio| {
        Command::new(bin())
            .args(["sendmail", "--dry-run", "--from", "me@example.org"])
            .args(["--to", "you@example.org", "--attach", "big.bin"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn tackle")
    };
    let dev_full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let full = dry_run(dev_full.into()).wait_with_output().expect("wait");
    let stderr = raw_text(&full.stderr);
    assert_eq!(full.status.code(), Some(74), "{stderr}");
    assert_eq!(
        stderr,
        "tackle: sendmail: cannot write to stdout: No space left on device\n"
    );

    let mut head = dry_run(Stdio::piped());
    let mut first = [0u8; 1];
    let mut stdout = head.stdout.take().expect("stdout");
    stdout.read_exact(&mut first).expect("first byte");
    drop(stdout);
    let closed = head.wait_with_output().expect("wait");
    assert_eq!(closed.status.code(), Some(0), "{closed:?}");
    assert!(closed.stderr.is_empty(), "{}", raw_text(&closed.stderr));
}

#[test]
fn usage_errors_exit_64() {
    let to_b = ["--from", "a@x.org", "--to", "b@x.org"];
    let cases: [(&[&str], &str); 11] = [
        (&["--to", "a@example.org", "--body", "x"], "no sender"),
        (&["--from", "a@example.org", "--body", "x"], "no recipients"),
        (&["--body", "x", "--body-file", "f"], "cannot be used with"),
        (
            &["--body", "x", "--password-file", "f"],
            "--password-file needs a user name",
        ),
        (
            &["--password-file", "f", "--password-env", "X", "--user", "u"],
            "cannot be used with",
        ),
        (
            &["--body", "x", "--header", "Subject: x"],
            "tackle writes this header itself",
        ),
        (&["--helo", "two words"], "--helo"),
        (&["--port", "0"], "--port"),
        (&["--subject", "x", "-t"], "cannot be used with"),
        (&["-bp"], "-b"),
        (&["--tls", "sometimes"], "--tls"),
    ];
    for (i, (flags, message)) in cases.into_iter().enumerate() {
        let mut all = vec!["sendmail", "--dry-run"];
        if i > 1 {
            all.extend(to_b);
        }
        all.extend(flags);
        tackle(all).run().code(64).stderr_contains(message);
    }
    tackle(["-v", "sendmail", "--no-such-flag"])
        .run()
        .code(64)
        .stderr_contains("--no-such-flag");
}

// --- the config file --------------------------------------------------------------------------

/// Writes `text` as `name` in `dir` with `mode`.
fn write_config(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("config dir");
    }
    std::fs::write(&path, text).expect("write config");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    path
}

const MESSAGE: &str = "From: ann@example.org\nTo: bob@example.org\nSubject: hi\n\nbody\n";

#[test]
fn accounts_inherit_defaults_and_parents_and_default_is_used() {
    let server = auth_server();
    let certs = server.certs.as_ref().expect("certs");
    let conf = format!(
        "defaults\ntls on\ntls_trust_file {}\nport {}\n\naccount base\nhost 127.0.0.1\nauth on\nuser ann\npassword \"s3cret pass\"\n\naccount other : base\nfrom other@example.org\nuser nobody\n\naccount default : base\nfrom ann@example.org\n",
        certs.ca.display(),
        server.port
    );
    let run = tackle(["-v", "sendmail", "-t"]).stdin(MESSAGE);
    write_config(run.dir(), ".msmtprc", &conf, 0o600);
    run.run()
        .success()
        .stderr_contains(".msmtprc")
        .stderr_contains("using account default of");
    let message = server.only_message();
    assert_eq!(message.login.as_deref(), Some("ann"));
    assert!(message.encrypted);
    let run = tackle(["sendmail", "-a", "other", "-t"]).stdin(MESSAGE);
    write_config(run.dir(), ".msmtprc", &conf, 0o600);
    run.run()
        .code(77)
        .stderr_contains("AUTH: the server refused the login as nobody");
}

#[test]
fn from_account_picks_the_account_by_the_envelope_sender() {
    let right = SmtpServer::plain();
    let wrong = SmtpServer::plain();
    let conf = format!(
        "account default\nhost 127.0.0.1\nport {}\ntls off\nfrom someone@example.org\n\naccount ann\nhost 127.0.0.1\nport {}\ntls off\nfrom ann@example.org\n",
        wrong.port, right.port
    );
    let run = tackle(["sendmail", "--from-account", "-t", "-f", "ann@example.org"]).stdin(MESSAGE);
    write_config(run.dir(), ".config/tackle/sendmail.conf", &conf, 0o600);
    run.run().success();
    assert_eq!(right.only_message().mail_from, "ann@example.org");
    assert!(wrong.received().is_empty());
    let run = tackle([
        "sendmail",
        "--read-envelope-from",
        "-t",
        "-f",
        "zed@example.org",
    ])
    .stdin(MESSAGE);
    write_config(run.dir(), ".config/tackle/sendmail.conf", &conf, 0o600);
    run.run()
        .code(78)
        .stderr_contains("no account in")
        .stderr_contains("has `from zed@example.org`");
}

/// The login name and host name tackle sees, as msmtp's `%U` and `%H` stand for them.
fn login_and_host_names() -> (String, String) {
    // SAFETY: getpwuid returns null or a static record that is read at once; gethostname
    // writes at most the buffer's length.
    unsafe {
        let record = libc::getpwuid(libc::geteuid());
        assert!(!record.is_null(), "this uid has no password entry");
        let login = std::ffi::CStr::from_ptr((*record).pw_name)
            .to_string_lossy()
            .into_owned();
        let mut buffer = [0u8; 256];
        assert_eq!(
            libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len() - 1),
            0
        );
        let host = std::ffi::CStr::from_bytes_until_nul(&buffer)
            .expect("host name")
            .to_string_lossy()
            .into_owned();
        (login, host)
    }
}

#[test]
fn a_user_msmtprc_in_the_style_of_msmtps_example_works_unchanged() {
    // Laid out as msmtp's documented user example: defaults with STARTTLS on the
    // submission port, an account with passwordeval, a second address inheriting it, and
    // `account default : NAME`. Only the server, port and CA are this test's.
    let server = auth_server();
    let certs = server.certs.as_ref().expect("certs");
    let conf = format!(
        "# Defaults for every account below: submission port, always TLS via STARTTLS.\n\
defaults\nport {port}\ntls on\ntls_starttls on\ntls_trust_file {ca}\nlogfile ~/.msmtp.log\n\n\
# A freemail account\naccount freemail\n# the SMTP server\nhost 127.0.0.1\n\
from ann_smith@freemail.example\nauth on\nuser ann\n\
# the password comes from a command, as with gpg\npasswordeval cat ~/.msmtp-password\n\n\
# a second address at the same service\naccount freemail2 : freemail\nfrom annie@freemail.example\n\n\
account default : freemail\n",
        port = server.port,
        ca = certs.ca.display()
    );
    for (flags, sender) in [
        (&[][..], "ann_smith@freemail.example"),
        (&["-a", "freemail2"][..], "annie@freemail.example"),
    ] {
        let mut command = vec!["sendmail", "-i"];
        command.extend(flags);
        command.push("bob@example.org");
        let run = tackle(command).stdin("Subject: hi\n\nbody\n");
        write_config(run.dir(), ".msmtprc", &conf, 0o600);
        write_config(run.dir(), ".msmtp-password", "s3cret pass\n", 0o600);
        let out = run.run();
        out.success();
        let log = std::fs::read_to_string(out.dir.path().join(".msmtp.log")).expect("log file");
        assert!(
            log.contains(&format!("from={sender} recipients=bob@example.org")),
            "{log}"
        );
    }
    let received = server.received();
    let senders: Vec<&str> = received.iter().map(|m| m.mail_from.as_str()).collect();
    assert_eq!(
        senders,
        ["ann_smith@freemail.example", "annie@freemail.example"]
    );
    assert!(
        received
            .iter()
            .all(|m| m.encrypted && m.login.as_deref() == Some("ann"))
    );
}

#[test]
fn a_system_msmtprc_with_percent_u_forces_the_sender_over_implicit_tls() {
    // Laid out as msmtp's documented system example: SMTPS on 465 (tls_starttls off), a
    // sender built from the login name, -f not allowed to override it, From always set.
    let server = SmtpServer::with_tls(Tls::Implicit);
    let certs = server.certs.as_ref().expect("certs");
    let conf = format!(
        "# system wide: one default account\naccount default\nhost 127.0.0.1\nport {}\ntls on\n\
tls_starttls off\ntls_trust_file {}\nfrom %U@oursite.example\nallow_from_override off\n\
set_from_header on\n",
        server.port,
        certs.ca.display()
    );
    let run = tackle([
        "sendmail",
        "-f",
        "boss@elsewhere.example",
        "-i",
        "bob@example.org",
    ])
    .stdin("From: Boss <boss@elsewhere.example>\nSubject: hi\n\nbody\n");
    write_config(run.dir(), ".msmtprc", &conf, 0o644);
    run.run().success();
    let (login, _) = login_and_host_names();
    let message = server.only_message();
    assert!(message.encrypted);
    assert_eq!(message.mail_from, format!("{login}@oursite.example"));
    assert_eq!(
        Parsed::of(&message.data).header("From"),
        format!("{login}@oursite.example")
    );
}

#[test]
fn accounts_match_senders_by_pattern_and_subaddress_and_percent_f_takes_the_from_header() {
    let lists = SmtpServer::plain();
    let personal = SmtpServer::plain();
    let conf = format!(
        "defaults\nhost 127.0.0.1\ntls off\ndomain %H.example\n\n\
account lists\nport {lists}\nfrom *@lists.example.org\nfrom_full_name List Robot\n\n\
account me\nport {personal}\nfrom me@example.org\n\n\
account relay\nport {lists}\nfrom %F\n",
        lists = lists.port,
        personal = personal.port
    );
    let send = |command: &[&str], message: &str| {
        let run = tackle(command).stdin(message.to_owned());
        write_config(run.dir(), ".msmtprc", &conf, 0o600);
        run.run()
    };
    let (_, host) = login_and_host_names();
    let to_bob = "To: bob@example.org\nSubject: hi\n\nbody\n";
    send(
        &["sendmail", "--from-account", "-t"],
        &format!("From: digest@lists.example.org\n{to_bob}"),
    )
    .success();
    let message = lists.only_message();
    assert_eq!(message.mail_from, "digest@lists.example.org");
    assert_eq!(message.helo, format!("{host}.example"));
    send(
        &[
            "sendmail",
            "--read-envelope-from",
            "-f",
            "me+news@example.org",
            "-t",
        ],
        to_bob,
    )
    .success();
    assert_eq!(personal.only_message().mail_from, "me+news@example.org");
    // A pattern is never a sender: the login name is, with the account's full name.
    send(&["sendmail", "-a", "lists", "-t"], to_bob).success();
    let message = &lists.received()[1];
    assert!(
        message.mail_from.ends_with(&format!("@{host}.example")),
        "{}",
        message.mail_from
    );
    assert_eq!(
        Parsed::of(&message.data).header("From"),
        format!("List Robot <{}>", message.mail_from)
    );
    send(
        &["sendmail", "-a", "relay", "-t"],
        &format!("From: Zed <zed@z.example>\n{to_bob}"),
    )
    .success();
    assert_eq!(lists.received()[2].mail_from, "zed@z.example");
    send(&["sendmail", "-a", "relay", "-t"], to_bob)
        .code(78)
        .stderr_contains(
            "`from %F`: %F stands for the address in the message's From header, and there is none",
        );
    assert_eq!(lists.received().len(), 3);
}

#[test]
fn an_office365_style_account_logs_in_with_xoauth2_from_a_token_helper() {
    // As msmtprc files for Microsoft 365 say it: auth xoauth2 and a token helper.
    let server = SmtpServer::start(Options {
        tls: Tls::Starttls,
        auth: Some(("ann@example.org".into(), "eyJ0eXAi.token".into())),
        mechanisms: vec!["LOGIN", "XOAUTH2"],
        ..Options::default()
    });
    let certs = server.certs.as_ref().expect("certs");
    let conf = format!(
        "defaults\nauth on\ntls on\nlogfile ~/.msmtp.log\n\n# work\naccount work\nhost 127.0.0.1\n\
port {}\ntls on\ntls_starttls on\ntls_trust_file {}\ntls_certcheck on\nuser ann@example.org\n\
auth xoauth2\npasswordeval \"echo eyJ0eXAi.token\"\nfrom ann@example.org\n\n\
account default : work\n",
        server.port,
        certs.ca.display()
    );
    let run = tackle(["sendmail", "-t"]).stdin(MESSAGE);
    write_config(run.dir(), ".msmtprc", &conf, 0o600);
    run.run().success();
    let message = server.only_message();
    assert_eq!(message.mechanism.as_deref(), Some("XOAUTH2"));
    assert_eq!(message.login.as_deref(), Some("ann@example.org"));
}

#[test]
fn files_the_config_names_are_checked_and_errors_name_its_keys() {
    let server = SmtpServer::with_tls(Tls::Starttls);
    let certs = server.certs.as_ref().expect("certs");
    let base = format!(
        "account default\nhost 127.0.0.1\nport {}\ntls on\n",
        server.port
    );
    // A Fedora path on a Debian machine.
    let run = tackle(["sendmail", "-t"]).stdin(MESSAGE);
    let conf = format!("{base}tls_trust_file /nonexistent/ca-bundle.crt\n");
    write_config(run.dir(), ".msmtprc", &conf, 0o600);
    run.run()
        .code(66)
        .stderr_contains("tls_trust_file in ")
        .stderr_contains(".msmtprc: /nonexistent/ca-bundle.crt: cannot read");
    // A client key others may read, named by the config file.
    let run = tackle(["sendmail", "-t"]).stdin(MESSAGE);
    let key = run.dir().join("client.key");
    std::fs::copy(&certs.client_key, &key).expect("copy key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let conf = format!(
        "{base}tls_trust_file {}\ntls_cert_file {}\ntls_key_file {}\n",
        certs.ca.display(),
        certs.client_cert.display(),
        key.display()
    );
    write_config(run.dir(), ".msmtprc", &conf, 0o600);
    run.run()
        .code(66)
        .stderr_contains("tls_key_file ")
        .stderr_contains("mode 0644 lets group or others read it");
    assert!(server.received().is_empty());
}

#[test]
fn without_a_default_account_the_defaults_section_applies_whole() {
    let server = SmtpServer::plain();
    let conf = format!(
        "defaults\nhost 127.0.0.1\nport {}\ntls off\nfrom robot@example.org\ndomain robot.example.org\n\n\
account elsewhere\nhost nowhere.invalid\n",
        server.port
    );
    let run = tackle(["-v", "sendmail", "-t"]).stdin("To: bob@example.org\n\nbody\n");
    write_config(run.dir(), ".msmtprc", &conf, 0o600);
    run.run()
        .success()
        .stderr_contains("using the defaults section of");
    let message = server.only_message();
    assert_eq!(message.mail_from, "robot@example.org");
    assert_eq!(message.helo, "robot.example.org");
}

#[test]
fn the_tackle_config_wins_over_msmtprc_and_config_names_a_file() {
    let server = SmtpServer::plain();
    let good = format!(
        "account default\nhost 127.0.0.1\nport {}\ntls off\n",
        server.port
    );
    let run = tackle(["sendmail", "-t"]).stdin(MESSAGE);
    write_config(run.dir(), ".config/tackle/sendmail.conf", &good, 0o600);
    write_config(run.dir(), ".msmtprc", "this is not read\n", 0o600);
    run.run().success();
    let run = tackle(["sendmail", "--config", "mine.conf", "-t"]).stdin(MESSAGE);
    write_config(run.dir(), "mine.conf", &good, 0o600);
    write_config(run.dir(), ".msmtprc", "this is not read either\n", 0o600);
    run.run().success();
    assert_eq!(server.received().len(), 2);
}

#[test]
fn config_errors_exit_78_naming_file_and_line() {
    let run = tackle(["sendmail", "-t", "--dry-run"]).stdin(MESSAGE);
    write_config(
        run.dir(),
        ".msmtprc",
        "account default\nhost x\ntls_frobnicate on\n",
        0o600,
    );
    run.run()
        .code(78)
        .stderr_contains(".msmtprc, line 3: unknown key \"tls_frobnicate\"");
    let run = tackle(["sendmail", "-a", "missing", "-t", "--dry-run"]).stdin(MESSAGE);
    write_config(run.dir(), ".msmtprc", "account one\nhost x\n", 0o600);
    run.run()
        .code(78)
        .stderr_contains("no account \"missing\" (it defines one)");
}

#[test]
fn a_password_in_a_config_file_others_can_read_is_refused() {
    let server = auth_server();
    let certs = server.certs.as_ref().expect("certs");
    let conf = format!(
        "account default\nhost 127.0.0.1\nport {}\ntls on\ntls_trust_file {}\nauth on\nuser ann\npassword s3cret pass\n",
        server.port,
        certs.ca.display()
    );
    let run = tackle(["sendmail", "-t"]).stdin(MESSAGE);
    write_config(run.dir(), ".msmtprc", &conf, 0o644);
    run.run()
        .code(78)
        .stderr_contains("holds a password but group or others may read it")
        .stderr_contains("chmod 600");
    assert!(server.received().is_empty());
    let run = tackle(["sendmail", "-t"]).stdin(MESSAGE);
    write_config(
        run.dir(),
        ".msmtprc",
        &conf.replace("password s3cret pass", "passwordeval \"echo s3cret pass\""),
        0o644,
    );
    run.run().success();
    assert_eq!(server.received().len(), 1);
}

#[test]
fn the_log_file_gets_one_msmtp_style_line_per_message() {
    let server = SmtpServer::start(Options {
        refuse: vec!["nobody@example.org".into()],
        ..Options::default()
    });
    let conf = format!(
        "account default\nhost 127.0.0.1\nport {}\ntls off\nlogfile ~/mail.log\nsyslog off\n",
        server.port
    );
    let run = tackle(["sendmail", "-t"]).stdin(MESSAGE);
    write_config(run.dir(), ".msmtprc", &conf, 0o600);
    let out = run.run();
    out.success();
    let log = std::fs::read_to_string(out.dir.path().join("mail.log")).expect("log file");
    assert!(
        log.contains("host=127.0.0.1 tls=off auth=off from=ann@example.org recipients=bob@example.org mailsize="),
        "{log}"
    );
    assert!(
        log.contains("smtpstatus=250 smtpmsg='250 2.0.0 OK: queued as 0001' exitcode=EX_OK"),
        "{log}"
    );
    let run = tackle(["sendmail", "-t", "--logfile", "other.log"])
        .stdin("To: nobody@example.org\nFrom: a@example.org\n\nx\n");
    write_config(run.dir(), ".msmtprc", &conf, 0o600);
    let out = run.run();
    out.code(65);
    let log = std::fs::read_to_string(out.dir.path().join("other.log")).expect("log file");
    assert!(log.contains("smtpstatus=550 smtpmsg='550 5.1.1 <nobody@example.org>: Recipient address rejected: no such user'"), "{log}");
    assert!(
        log.contains("errormsg='RCPT: the server refused every recipient"),
        "{log}"
    );
    assert!(log.ends_with("exitcode=EX_DATAERR\n"), "{log}");
}

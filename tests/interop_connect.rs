//! `tackle connect` against peers it did not write: socat (a TCP and a Unix echo, and an
//! OpenSSL server that requires a client certificate, with a certificate made by `openssl req
//! -x509` and pinned by the fingerprint `openssl x509` prints), and Python servers written the
//! recipes' way (`tests/support/connect_peers.py`: the cookbook's HMAC echo, RFC 868 and
//! daytime time servers, a UDP echo reached by broadcast, an `ssl` echo requiring a client
//! certificate).
//!
//! Needs python3, socat and openssl on PATH (`.ci/run` installs socat and openssl); built only
//! with `--features interop`.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Outcome, repo_root, tackle};

const PATIENCE: Duration = Duration::from_secs(30);

/// A peer server and the addresses it announced, killed when dropped.
struct Peer {
    child: Child,
    listeners: Vec<String>,
    dir: tempfile::TempDir,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Peer {
    fn addr(&self, i: usize) -> &str {
        &self.listeners[i]
    }

    fn port(&self, i: usize) -> &str {
        self.addr(i).rsplit(':').next().expect("a port")
    }
}

/// Starts `tests/support/connect_peers.py ARGS` in `dir` and waits for its `listening` lines.
fn python(dir: tempfile::TempDir, args: &[&str], listeners: usize) -> Peer {
    let script = repo_root().join("tests/support/connect_peers.py");
    let mut child = Command::new("python3")
        .arg(script)
        .args(args)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run python3");
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let mut announced = Vec::new();
    while announced.len() < listeners {
        let line = lines
            .next()
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("python peer {args:?} ended before listening"));
        let addr = line.rsplit(' ').next().unwrap_or_default().to_owned();
        announced.push(addr);
    }
    Peer {
        child,
        listeners: announced,
        dir,
    }
}

/// Starts `socat -d -d ADDRESS PIPE` (an echo) in `dir` and waits for its `listening on` log
/// line; returns the peer with the port it chose (for a Unix socket, the line only says it is
/// ready).
fn socat_echo(dir: tempfile::TempDir, address: &str) -> Peer {
    let mut child = Command::new("socat")
        .args(["-d", "-d", address, "PIPE"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run socat");
    let mut stderr = BufReader::new(child.stderr.take().expect("piped stderr"));
    let deadline = Instant::now() + PATIENCE;
    let listening = loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap_or(0) == 0 || Instant::now() > deadline {
            panic!("socat {address} ended before listening");
        }
        if let Some(at) = line.find("listening on ") {
            break line[at..].trim_end().to_owned();
        }
    };
    // socat keeps logging; drain it so it never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = stderr.read_to_end(&mut sink);
    });
    let addr = listening.rsplit(' ').next().unwrap_or_default().to_owned();
    Peer {
        child,
        listeners: vec![addr],
        dir,
    }
}

/// The SHA-256 fingerprint `openssl x509 -noout -fingerprint -sha256` prints for cert.pem.
fn openssl_fingerprint(dir: &Path) -> String {
    let out = Command::new("openssl")
        .args([
            "x509",
            "-noout",
            "-fingerprint",
            "-sha256",
            "-in",
            "cert.pem",
        ])
        .current_dir(dir)
        .output()
        .expect("run openssl x509");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.trim()
        .rsplit('=')
        .next()
        .expect("a fingerprint")
        .to_owned()
}

/// A test CA with a server and a client certificate: ca.pem, server.pem, server-key.pem,
/// client.pem, client-key.pem in `dir`.
fn test_ca(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    common::pki::TestCa::new("interop CA").write_files(dir, "tackle connect");
    // A client's key is a secret: tackle refuses one that others can read.
    let key = dir.join("client-key.pem");
    std::fs::set_permissions(key, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn path_in(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().expect("UTF-8 path").to_owned()
}

// --- socat -----------------------------------------------------------------------------------

#[test]
fn socat_tcp_and_unix_echoes() {
    let peer = socat_echo(
        tempfile::tempdir().unwrap(),
        "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork",
    );
    tackle(["connect", peer.addr(0)])
        .stdin("through socat\n")
        .run()
        .success()
        .stdout_is("through socat\n");

    let dir = tempfile::tempdir().unwrap();
    let socket: PathBuf = dir.path().join("echo.sock");
    let address = format!("UNIX-LISTEN:{}", socket.display());
    let _peer = socat_echo(dir, &address);
    tackle(["connect", "--unix", socket.to_str().unwrap()])
        .stdin("unix via socat")
        .run()
        .success()
        .stdout_is("unix via socat");
}

#[test]
fn socat_openssl_with_a_client_certificate_and_an_openssl_made_certificate() {
    let dir = tempfile::tempdir().unwrap();
    common::pki::openssl_self_signed(dir.path());
    test_ca(dir.path());
    let fingerprint = openssl_fingerprint(dir.path());
    let cert = path_in(dir.path(), "cert.pem");
    let key = path_in(dir.path(), "key.pem");
    let ca = path_in(dir.path(), "ca.pem");
    let client = path_in(dir.path(), "client.pem");
    let client_key = path_in(dir.path(), "client-key.pem");
    let address = format!(
        "OPENSSL-LISTEN:0,bind=127.0.0.1,reuseaddr,fork,cert={cert},key={key},cafile={ca},verify=1"
    );
    let peer = socat_echo(dir, &address);
    // The exact `openssl req -x509` certificate (CA:TRUE) in --ca-file is trusted.
    tackle([
        "connect",
        "--tls",
        peer.addr(0),
        "--ca-file",
        &cert,
        "--tls-cert",
        &client,
        "--tls-key",
        &client_key,
    ])
    .stdin("openssl peer\n")
    .run()
    .success()
    .stdout_is("openssl peer\n");
    // So is exactly the certificate with the fingerprint openssl prints.
    tackle([
        "connect",
        "--tls",
        peer.addr(0),
        "--tls-fingerprint",
        &fingerprint,
        "--tls-cert",
        &client,
        "--tls-key",
        &client_key,
    ])
    .stdin("pinned")
    .run()
    .success()
    .stdout_is("pinned");
    // Without a client certificate the server refuses, and tackle says what to give.
    let out = tackle(["connect", "--tls", peer.addr(0), "--ca-file", &cert])
        .stdin("x")
        .run();
    out.code(1).stderr_contains("TLS: handshake with");
    let text = out.stderr_str();
    assert!(
        text.contains("client certificate") || text.contains("--tls-cert"),
        "{out}"
    );
}

// --- Python, the recipes' way ----------------------------------------------------------------

#[test]
fn the_cookbooks_authenticated_echo_server_takes_the_right_key_and_refuses_a_wrong_one() {
    let peer = python(tempfile::tempdir().unwrap(), &["hmac-echo", "peekaboo"], 1);
    tackle(["connect", peer.addr(0), "--auth-key-env", "KEY"])
        .env("KEY", "peekaboo")
        .stdin("Hello World")
        .run()
        .success()
        .stdout_is("Hello World");
    for input in ["Hello World", ""] {
        tackle(["connect", peer.addr(0), "--auth-key-env", "KEY"])
            .env("KEY", "peekab00")
            .stdin(input)
            .run()
            .code(1)
            .stderr_contains("authentication refused");
    }
}

/// The offset `tackle connect --time --json` reports.
fn offset(out: &Outcome) -> f64 {
    out.success();
    let json: serde_json::Value =
        serde_json::from_str(out.stdout_str()).unwrap_or_else(|_| out.fail("not JSON"));
    json["offset_seconds"]
        .as_f64()
        .unwrap_or_else(|| out.fail("no offset_seconds"))
}

#[test]
fn an_rfc868_server_a_thousand_seconds_ahead_reads_so_over_tcp_and_udp() {
    let peer = python(tempfile::tempdir().unwrap(), &["time", "1000"], 2);
    let tcp = tackle(["connect", "--time", "--json", peer.addr(0)]).run();
    let udp = tackle(["connect", "--time", "--json", "--udp", peer.addr(1)]).run();
    for out in [tcp, udp] {
        let offset = offset(&out);
        assert!((offset - 1000.0).abs() <= 1.5, "{out}");
        out.stdout_contains("\"format\":\"rfc868\"");
    }
}

#[test]
fn a_daytime_server_writing_time_ctime_is_read_back() {
    let peer = python(tempfile::tempdir().unwrap(), &["daytime"], 1);
    let out = tackle(["connect", "--time", "--json", peer.addr(0)]).run();
    assert!(offset(&out).abs() <= 1.5, "{out}");
    out.stdout_contains("\"format\":\"ctime\"");
}

#[test]
fn a_broadcast_reaches_a_python_udp_server_on_loopback() {
    let peer = python(tempfile::tempdir().unwrap(), &["udp-echo"], 1);
    let target = format!("127.255.255.255:{}", peer.port(0));
    tackle(["connect", "--udp", "--broadcast", "--show-peer", &target])
        .stdin("who is there\n")
        .run()
        .success()
        .stdout_is(&format!("from 127.0.0.1:{}: who is there\n", peer.port(0)));
}

#[test]
fn pythons_ssl_server_requiring_a_client_certificate() {
    let dir = tempfile::tempdir().unwrap();
    test_ca(dir.path());
    let (ca, client, client_key) = (
        path_in(dir.path(), "ca.pem"),
        path_in(dir.path(), "client.pem"),
        path_in(dir.path(), "client-key.pem"),
    );
    let peer = python(
        dir,
        &["tls-echo", "server.pem", "server-key.pem", "ca.pem"],
        1,
    );
    let by_name = format!("localhost:{}", peer.port(0));
    tackle([
        "connect",
        "--tls",
        &by_name,
        "--ca-file",
        &ca,
        "--tls-cert",
        &client,
        "--tls-key",
        &client_key,
    ])
    .stdin("python ssl\n")
    .run()
    .success()
    .stdout_is("python ssl\n");
    assert!(peer.dir.path().join("ca.pem").exists());
}

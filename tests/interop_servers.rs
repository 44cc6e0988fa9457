//! serve-echo and serve-time over TLS against clients tackle did not choose: Python's `ssl`
//! module (with and without a client certificate), `openssl s_client` and `ncat --ssl`, with a
//! certificate made by `openssl req -x509` and one signed by a test CA made with rcgen.
//!
//! Also socket activation by systemd's own launcher, `systemd-socket-activate`.
//!
//! Needs python3, openssl, ncat and systemd-socket-activate on PATH (`.ci/run` installs
//! them); built only with `--features interop`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Run, Server, tackle};

const PATIENCE: Duration = Duration::from_secs(30);

/// A self-signed certificate for localhost, made by `openssl req -x509`, as cert.pem and
/// key.pem in the run's directory.
fn with_openssl_certificate(run: Run) -> Run {
    common::pki::openssl_self_signed(run.dir());
    run
}

/// A test CA (rcgen) signing the server's certificate (server.pem, server-key.pem) and a
/// client's (client.pem, client-key.pem), with the CA as ca.pem.
fn with_test_ca(run: Run) -> Run {
    common::pki::TestCa::new("interop CA").write_files(run.dir(), "python client");
    run
}

/// serve-echo on a TLS port with an `openssl req -x509` certificate, and its directory.
fn tls_echo_with_openssl_certificate() -> (Server, std::path::PathBuf) {
    let run = tackle([
        "serve-echo",
        "--tls",
        "0",
        "--tls-cert",
        "cert.pem",
        "--tls-key",
        "key.pem",
    ]);
    let run = with_openssl_certificate(run);
    let dir = run.dir().to_path_buf();
    (run.serve(1), dir)
}

fn port_of(server: &Server) -> String {
    server.addr(0).rsplit(':').next().expect("port").to_owned()
}

/// Runs a Python snippet with `sys.argv[1:]` = `args` in `dir`; returns (success, stdout,
/// stderr).
fn python(dir: &Path, code: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(code)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run python3");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const PYTHON_ECHO: &str = r#"
import socket, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
if len(sys.argv) > 3:
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        s.sendall(b"hello from python ssl\n")
        got = b""
        while len(got) < 22:
            chunk = s.recv(100)
            if not chunk:
                break
            got += chunk
        print(got.decode().strip())
        print(s.version())
"#;

fn stop(server: Server) -> String {
    server.signal(libc::SIGTERM);
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
    stderr
}

#[test]
fn python_ssl_echoes_with_an_openssl_made_certificate() {
    let (server, dir) = tls_echo_with_openssl_certificate();
    let (ok, out, err) = python(&dir, PYTHON_ECHO, &[&port_of(&server), "cert.pem"]);
    assert!(ok, "python failed:\n{err}");
    assert!(out.starts_with("hello from python ssl\n"), "{out}");
    assert!(out.contains("TLSv1.3"), "{out}");
    stop(server);
}

#[test]
fn python_ssl_with_and_without_a_client_certificate_from_a_test_ca() {
    let run = tackle([
        "-v",
        "serve-echo",
        "--tls",
        "0",
        "--tls-cert",
        "server.pem",
        "--tls-key",
        "server-key.pem",
        "--tls-client-ca",
        "ca.pem",
    ]);
    let run = with_test_ca(run);
    let dir = run.dir().to_path_buf();
    let server = run.serve(1);
    let port = port_of(&server);
    let (ok, out, err) = python(
        &dir,
        PYTHON_ECHO,
        &[&port, "ca.pem", "client.pem", "client-key.pem"],
    );
    assert!(ok, "python with a client certificate failed:\n{err}");
    assert!(out.starts_with("hello from python ssl\n"), "{out}");
    let (ok, out, _) = python(&dir, PYTHON_ECHO, &[&port, "ca.pem"]);
    assert!(
        !ok || !out.contains("hello from python ssl"),
        "served without a client certificate: {out}"
    );
    let stderr = stop(server);
    assert!(stderr.contains("CN=python client"), "{stderr}");
    assert!(stderr.contains("1 TLS handshake failure,"), "{stderr}");
}

/// Starts `program args`, writes `input`, reads stdout until it holds `expect`, kills it.
fn talk(program: &str, args: &[&str], dir: &Path, input: &[u8], expect: &str) -> String {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).expect("write to the client");
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    let expect_owned = expect.to_owned();
    std::thread::spawn(move || {
        let mut seen = String::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            seen.push_str(&line);
            seen.push('\n');
            if seen.contains(&expect_owned) {
                break;
            }
        }
        let _ = tx.send(seen);
    });
    let seen = rx.recv_timeout(PATIENCE).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    drop(stdin);
    seen
}

#[test]
fn openssl_s_client_verifies_and_echoes() {
    let (server, dir) = tls_echo_with_openssl_certificate();
    let target = format!("127.0.0.1:{}", port_of(&server));
    let seen = talk(
        "openssl",
        &[
            "s_client",
            "-connect",
            &target,
            "-quiet",
            "-verify_return_error",
            "-CAfile",
            "cert.pem",
            "-verify_hostname",
            "localhost",
        ],
        &dir,
        b"hello from s_client\n",
        "hello from s_client",
    );
    assert!(seen.contains("hello from s_client"), "{seen:?}");
    stop(server);
}

#[test]
fn ncat_ssl_echoes() {
    let (server, dir) = tls_echo_with_openssl_certificate();
    let seen = talk(
        "ncat",
        &[
            "--ssl",
            "--ssl-verify",
            "--ssl-trustfile",
            "cert.pem",
            "localhost",
            &port_of(&server),
        ],
        &dir,
        b"hello from ncat\n",
        "hello from ncat",
    );
    assert!(seen.contains("hello from ncat"), "{seen:?}");
    stop(server);
}

#[test]
fn serve_time_over_tls_to_s_client_and_python() {
    let run = tackle([
        "serve-time",
        "--tls",
        "0",
        "--tls-cert",
        "cert.pem",
        "--tls-key",
        "key.pem",
        "--format",
        "unix",
    ]);
    let run = with_openssl_certificate(run);
    let dir = run.dir().to_path_buf();
    let server = run.serve(1);
    let port = port_of(&server);
    // The server sends the time and closes with close_notify: s_client ends on its own.
    let target = format!("127.0.0.1:{port}");
    let since = Instant::now();
    let mut child = Command::new("openssl")
        .args([
            "s_client", "-connect", &target, "-quiet", "-CAfile", "cert.pem",
        ])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run openssl");
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read");
    let _ = child.wait();
    assert!(since.elapsed() < PATIENCE);
    let seconds: i64 = out.trim().parse().unwrap_or_else(|_| panic!("{out:?}"));
    let now = jiff::Timestamp::now().as_second();
    assert!((seconds - now).abs() <= 5, "{seconds} vs {now}");

    let code = r#"
import socket, ssl, sys
ctx = ssl.create_default_context(cafile="cert.pem")
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        data = b""
        while True:
            chunk = s.recv(100)  # b"" only after the server's close_notify
            if not chunk:
                break
            data += chunk
        print(data.decode().strip())
"#;
    let (ok, out, err) = python(&dir, code, &[&port]);
    assert!(ok, "{err}");
    let seconds: i64 = out.trim().parse().unwrap_or_else(|_| panic!("{out:?}"));
    assert!((seconds - now).abs() <= 5);
    stop(server);
}

/// systemd-socket-activate (systemd's own test launcher) running tackle: `launcher_args`
/// are its options and listeners, then tackle and `tackle_args`. It binds the listeners,
/// waits for the first client and then execs tackle in its own process, which serves the
/// sockets it inherited. Returns the process and a channel of its stderr lines (the
/// launcher's, then tackle's).
fn socket_activate(
    launcher_args: &[String],
    tackle_args: &[&str],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new("systemd-socket-activate")
        .args(launcher_args)
        .arg(common::bin())
        .args(tackle_args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run systemd-socket-activate");
    let stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Waits until the launcher says it listens on all `n` sockets; false if it failed to (a
/// port taken meanwhile).
fn launcher_listens(lines: &std::sync::mpsc::Receiver<String>, n: usize) -> bool {
    let mut listening = 0;
    while listening < n {
        match lines.recv_timeout(PATIENCE) {
            Ok(line) if line.starts_with("Listening on") => listening += 1,
            Ok(line) if line.starts_with("Failed") => return false,
            Ok(_) => {}
            Err(e) => panic!("systemd-socket-activate said nothing more: {e}"),
        }
    }
    true
}

/// A port free a moment ago (systemd-socket-activate cannot bind port 0 and say which it
/// got); the caller tries again with another when it was taken meanwhile.
fn free_port(udp: bool) -> u16 {
    if udp {
        std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("UDP port")
            .port()
    } else {
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("TCP port")
            .port()
    }
}

/// Starts systemd-socket-activate on a fresh port (and any other listeners in `extra`),
/// trying another port if one was taken between choosing and binding it.
fn socket_activate_on_a_free_port(
    udp: bool,
    extra: &[String],
    tackle_args: &[&str],
) -> (u16, std::process::Child, std::sync::mpsc::Receiver<String>) {
    for _ in 0..10 {
        let port = free_port(udp);
        let mut args: Vec<String> = if udp {
            vec!["--datagram".into()]
        } else {
            vec![]
        };
        args.extend(["-l".to_owned(), format!("127.0.0.1:{port}")]);
        args.extend(extra.iter().cloned());
        let (mut child, lines) = socket_activate(&args, tackle_args);
        if launcher_listens(&lines, 1 + extra.len() / 2) {
            return (port, child, lines);
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("no free port for systemd-socket-activate in ten tries");
}

fn stop_activated(mut child: std::process::Child) {
    // SAFETY: kill with our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "tackle did not exit cleanly");
}

/// The real launcher (besides tests/serve_echo.rs's emulation of it): a TCP and a Unix
/// socket handed over, announced with their addresses, served, and the socket file left to
/// the launcher that made it.
#[test]
fn systemd_socket_activate_hands_tcp_and_unix_sockets_to_serve_echo() {
    use std::os::unix::net::UnixStream;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("echo.sock");
    let extra = ["-l".to_owned(), path.display().to_string()];
    let (port, mut child, lines) = socket_activate_on_a_free_port(false, &extra, &["serve-echo"]);
    // The first client starts tackle.
    let mut tcp = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut announced = String::new();
    for _ in 0..2 {
        stdout.read_line(&mut announced).expect("read");
    }
    assert_eq!(
        announced,
        format!(
            "listening tcp 127.0.0.1:{port}\nlistening unix {}\n",
            path.display()
        )
    );
    tcp.write_all(b"over tcp").expect("write");
    let mut got = [0; 8];
    tcp.read_exact(&mut got).expect("echo");
    assert_eq!(&got, b"over tcp");
    let mut unix = UnixStream::connect(&path).expect("connect unix");
    unix.write_all(b"over unix").expect("write");
    let mut got = [0; 9];
    unix.read_exact(&mut got).expect("echo");
    assert_eq!(&got, b"over unix");
    drop((tcp, unix));
    stop_activated(child);
    assert!(path.exists(), "tackle removed the launcher's socket file");
    // The channel ends when the pipe does: every line tackle wrote is in.
    let log: Vec<String> = lines.iter().collect();
    assert!(
        log.iter().any(|l| l.contains("2 connections served")),
        "{log:?}"
    );
}

/// A UDP socket handed over with `--datagram`: the datagram that woke the launcher up is
/// answered by the tackle it started.
#[test]
fn systemd_socket_activate_hands_a_udp_socket_to_serve_time() {
    let (port, child, _lines) =
        socket_activate_on_a_free_port(true, &[], &["serve-time", "--format", "unix"]);
    let client = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    client.set_read_timeout(Some(PATIENCE)).expect("timeout");
    client.send_to(b"", ("127.0.0.1", port)).expect("send");
    let mut reply = [0; 64];
    let (n, from) = client.recv_from(&mut reply).expect("a reply");
    assert_eq!(from.port(), port);
    let seconds: i64 = std::str::from_utf8(&reply[..n])
        .expect("text")
        .trim()
        .parse()
        .expect("a number");
    assert!((seconds - jiff::Timestamp::now().as_second()).abs() <= 5);
    stop_activated(child);
}

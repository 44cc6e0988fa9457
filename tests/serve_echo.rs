//! `tackle serve-echo` through the real binary and real sockets: every server binds port 0 and
//! is reached through the address on its `listening` line; nothing waits on a sleep.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, UdpSocket};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use common::{Run, Server, tackle};

/// Long enough for a loaded machine, short enough that a hang fails the test.
const PATIENCE: Duration = Duration::from_secs(20);

fn addr_of(server: &Server, i: usize) -> SocketAddr {
    server
        .addr(i)
        .parse()
        .unwrap_or_else(|e| panic!("bad announced address {:?}: {e}", server.addr(i)))
}

fn connect(server: &Server, i: usize) -> TcpStream {
    let stream = TcpStream::connect(addr_of(server, i)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    stream
}

fn read_exactly(stream: &mut impl Read, n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    stream.read_exact(&mut buf).expect("read echo");
    buf
}

/// Reads until the server closes; returns what came.
fn read_to_end(stream: &mut impl Read) -> Vec<u8> {
    let mut all = Vec::new();
    stream
        .read_to_end(&mut all)
        .expect("read until the server closes");
    all
}

/// Sends SIGTERM, waits, and returns stderr after checking the exit status is 0.
fn stop(server: Server) -> String {
    server.signal(libc::SIGTERM);
    let (status, stderr) = server.wait();
    assert_eq!(
        status.code(),
        Some(0),
        "exit status {status}; stderr:\n{stderr}"
    );
    stderr
}

fn ping(stream: &mut (impl Read + Write), message: &[u8]) {
    stream.write_all(message).expect("send");
    assert_eq!(read_exactly(stream, message.len()), message);
}

#[test]
fn tcp_over_ipv4_echoes_and_half_close_ends_the_connection() {
    let server = tackle(["serve-echo", "--tcp", "0"]).serve(1);
    assert_eq!(server.listeners[0].0, "tcp");
    assert!(
        server.addr(0).starts_with("127.0.0.1:"),
        "{}",
        server.addr(0)
    );
    let mut stream = connect(&server, 0);
    ping(&mut stream, b"hello\n");
    // Half-close: what is still owed arrives, then the server closes its side.
    stream.write_all(b"hi").unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_end(&mut stream), b"hi");
    let stderr = stop(server);
    assert!(
        stderr.contains("1 connections served, plus 0 refused, 8 bytes in, 8 bytes out"),
        "{stderr}"
    );
}

#[test]
fn tcp_over_ipv6_echoes() {
    let server = tackle(["serve-echo", "--tcp", "[::1]:0"]).serve(1);
    assert!(server.addr(0).starts_with("[::1]:"), "{}", server.addr(0));
    let mut stream = connect(&server, 0);
    ping(&mut stream, "ünïcödé and \0 bytes".as_bytes());
    stop(server);
}

#[test]
fn dual_stack_listener_takes_ipv4_unless_ipv6_only() {
    let server = tackle(["serve-echo", "--tcp", "[::]:0"]).serve(1);
    let port = addr_of(&server, 0).port();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    ping(&mut stream, b"v4 via v6");
    stop(server);

    let server = tackle(["serve-echo", "--ipv6-only", "--tcp", "[::]:0"]).serve(1);
    let port = addr_of(&server, 0).port();
    let err = TcpStream::connect(("127.0.0.1", port)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    let mut stream = TcpStream::connect(("::1", port)).unwrap();
    ping(&mut stream, b"v6 only");
    stop(server);
}

#[test]
fn udp_echoes_datagrams_up_to_65507_bytes_unchanged() {
    let server = tackle(["serve-echo", "--udp", "0", "--udp", "[::1]:0"]).serve(2);
    for i in 0..2 {
        let to = addr_of(&server, i);
        let bind = if to.is_ipv4() {
            "127.0.0.1:0"
        } else {
            "[::1]:0"
        };
        let socket = UdpSocket::bind(bind).unwrap();
        socket.set_read_timeout(Some(PATIENCE)).unwrap();
        for size in [0usize, 1, 1500, 65507] {
            let message: Vec<u8> = (0..size).map(|n| (n % 251) as u8).collect();
            socket.send_to(&message, to).unwrap();
            let mut buf = vec![0; 70_000];
            let (n, from) = socket.recv_from(&mut buf).expect("echoed datagram");
            assert_eq!(from, to);
            assert_eq!(n, size, "datagram of {size} bytes came back as {n}");
            assert_eq!(&buf[..n], &message[..]);
        }
    }
    let stderr = stop(server);
    assert!(
        stderr.contains("8 datagrams in, 8 out, 0 dropped"),
        "{stderr}"
    );
}

#[test]
fn unix_socket_echoes_and_sigterm_removes_the_file() {
    let run = tackle(["serve-echo", "--unix", "echo.sock"]);
    let path = run.dir().join("echo.sock");
    let server = run.serve(1);
    assert_eq!(
        server.listeners[0],
        ("unix".to_owned(), "echo.sock".to_owned())
    );
    let mut stream = UnixStream::connect(&path).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    ping(&mut stream, b"over a unix socket");
    stream.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_end(&mut stream), b"");
    assert!(path.exists());
    let stderr = stop(server);
    assert!(!path.exists(), "socket file left behind");
    assert!(stderr.contains("serve-echo: 1 connections"), "{stderr}");
}

#[test]
fn a_stale_unix_socket_is_replaced_and_a_live_one_refused() {
    let run = tackle(["serve-echo", "--unix", "echo.sock"]);
    let path = run.dir().join("echo.sock");
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let server = run.serve(1);
    let mut stream = UnixStream::connect(&path).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    ping(&mut stream, b"replaced");

    let path_text = path.to_str().expect("UTF-8 temp path");
    tackle(["serve-echo", "--unix", path_text])
        .run()
        .code(1)
        .stderr_contains(&format!("--unix {path_text}: cannot listen"))
        .stderr_contains("another server is listening");
    assert!(path.exists(), "the live server's socket was removed");
    stop(server);
}

#[test]
fn many_listeners_are_announced_in_the_order_given_and_all_echo() {
    let server = tackle([
        "serve-echo",
        "--udp",
        "0",
        "--tcp",
        "0",
        "--unix",
        "a.sock",
        "--tcp",
        "[::1]:0",
        "--udp",
        "[::1]:0",
        "--unix",
        "b.sock",
        "--tcp",
        "localhost:0",
    ])
    .serve(7);
    let protos: Vec<&str> = server.listeners.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(protos, ["udp", "tcp", "unix", "tcp", "udp", "unix", "tcp"]);
    let dir = server.spawned.dir.path().to_owned();
    for (i, (proto, addr)) in server.listeners.iter().enumerate() {
        let message = format!("listener {i}");
        match proto.as_str() {
            "tcp" => ping(&mut connect(&server, i), message.as_bytes()),
            "unix" => {
                let mut s = UnixStream::connect(dir.join(addr)).unwrap();
                s.set_read_timeout(Some(PATIENCE)).unwrap();
                ping(&mut s, message.as_bytes());
            }
            _ => {
                let to = addr_of(&server, i);
                let bind = if to.is_ipv4() {
                    "127.0.0.1:0"
                } else {
                    "[::1]:0"
                };
                let socket = UdpSocket::bind(bind).unwrap();
                socket.set_read_timeout(Some(PATIENCE)).unwrap();
                socket.send_to(message.as_bytes(), to).unwrap();
                let mut buf = [0; 64];
                let n = socket.recv(&mut buf).unwrap();
                assert_eq!(&buf[..n], message.as_bytes());
            }
        }
    }
    stop(server);
    assert!(!dir.join("a.sock").exists() && !dir.join("b.sock").exists());
}

#[test]
fn ten_megabytes_round_trip_intact() {
    let server = tackle(["serve-echo", "--tcp", "0"]).serve(1);
    let stream = connect(&server, 0);
    let data: Vec<u8> = (0..10 * 1024 * 1024u32)
        .map(|n| (n.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let mut writer = stream.try_clone().unwrap();
    let sent = data.clone();
    let sender = std::thread::spawn(move || {
        writer.write_all(&sent).unwrap();
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut reader = stream;
    let back = read_to_end(&mut reader);
    sender.join().unwrap();
    assert_eq!(back.len(), data.len());
    assert!(back == data, "the echo differs from what was sent");
    stop(server);
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/<pid>/status")
}

#[test]
fn a_client_that_never_reads_costs_bounded_memory_and_others_are_still_served() {
    let server = tackle(["serve-echo", "--tcp", "0", "--max-buffer", "64K"]).serve(1);
    let pid = server.spawned.child.id();
    ping(&mut connect(&server, 0), &[1; 100_000]);
    let before = rss_kib(pid);

    // The hog sends and never reads; its writes block once the server stops reading from it.
    let mut hog = connect(&server, 0);
    hog.set_write_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let chunk = vec![7u8; 64 * 1024];
    let limit = 256 * 1024 * 1024;
    let mut sent = 0usize;
    while sent < limit {
        match hog.write(&chunk) {
            Ok(n) => sent += n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
            Err(e) => panic!("hog write: {e}"),
        }
    }
    assert!(
        sent < limit,
        "the server kept reading {sent} bytes it could not send"
    );
    let grown = rss_kib(pid).saturating_sub(before);
    assert!(
        grown < 4 * 1024,
        "RSS grew by {grown} KiB for a hog that sent {sent} bytes"
    );

    // Everyone else is still served while the hog is stuck.
    for _ in 0..3 {
        ping(&mut connect(&server, 0), b"still here");
    }
    drop(hog);
    stop(server);
}

#[test]
fn max_conns_closes_connections_beyond_the_limit() {
    let server = tackle(["serve-echo", "--tcp", "0", "--max-conns", "2"]).serve(1);
    let mut first = connect(&server, 0);
    let mut second = connect(&server, 0);
    ping(&mut first, b"one");
    ping(&mut second, b"two");
    let mut third = connect(&server, 0);
    // Accepted and closed at once: end of stream (or a reset), never an echo.
    let _ = third.write_all(b"three");
    let mut buf = [0; 8];
    match third.read(&mut buf) {
        Ok(0) => {}
        Ok(n) => panic!("got {n} bytes past --max-conns"),
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
    }
    ping(&mut first, b"one still works");
    let stderr = stop(server);
    assert!(stderr.contains("--max-conns 2 reached"), "{stderr}");
    assert!(
        stderr.contains("2 connections served, plus 1 refused"),
        "{stderr}"
    );
}

#[test]
fn idle_connections_are_closed_after_the_idle_timeout() {
    let server = tackle(["serve-echo", "--tcp", "0", "--idle-timeout", "300ms"]).serve(1);
    let mut stream = connect(&server, 0);
    ping(&mut stream, b"wake");
    let quiet_since = Instant::now();
    assert_eq!(read_to_end(&mut stream), b"");
    let idle = quiet_since.elapsed();
    assert!(
        idle >= Duration::from_millis(250),
        "closed after only {idle:?}"
    );
    stop(server);
}

mod auth {
    use super::*;
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    const KEY: &[u8] = b"peekaboo";

    fn digest(key: &[u8], challenge: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(challenge);
        mac.finalize().into_bytes().to_vec()
    }

    /// Writes the key file as a careful user would: only its owner may read it.
    pub(super) fn with_key(run: Run, key: &[u8]) -> Run {
        use std::os::unix::fs::PermissionsExt;
        let path = run.dir().join("key");
        std::fs::write(&path, key).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        run
    }

    fn server(extra: &[&str]) -> Server {
        let mut args = vec!["serve-echo", "--tcp", "0", "--auth-key-file", "key"];
        args.extend_from_slice(extra);
        with_key(tackle(args), KEY).serve(1)
    }

    #[test]
    fn the_right_digest_opens_the_echo() {
        let server = server(&[]);
        let mut stream = connect(&server, 0);
        let challenge = read_exactly(&mut stream, 32);
        // The answer and the first message in one write: both are handled.
        let mut answer = digest(KEY, &challenge);
        answer.extend_from_slice(b"first");
        stream.write_all(&answer).unwrap();
        assert_eq!(read_exactly(&mut stream, 5), b"first");
        ping(&mut stream, b"authenticated echo");
        let stderr = stop(server);
        assert!(stderr.contains("0 auth failures"), "{stderr}");
    }

    #[test]
    fn the_key_may_come_from_the_environment_and_unix_is_covered_too() {
        let run = tackle([
            "serve-echo",
            "--unix",
            "s.sock",
            "--auth-key-env",
            "ECHO_KEY",
        ])
        .env("ECHO_KEY", "from env");
        let path = run.dir().join("s.sock");
        let server = run.serve(1);
        let mut stream = UnixStream::connect(&path).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let challenge = read_exactly(&mut stream, 32);
        stream.write_all(&digest(b"from env", &challenge)).unwrap();
        ping(&mut stream, b"over unix");
        stop(server);
    }

    #[test]
    fn a_wrong_digest_is_closed_with_nothing_echoed() {
        let server = server(&["-v"]);
        let mut stream = connect(&server, 0);
        let challenge = read_exactly(&mut stream, 32);
        let mut wrong = digest(b"not the key", &challenge);
        wrong.extend_from_slice(b"echo me?");
        stream.write_all(&wrong).unwrap();
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        assert!(rest.is_empty(), "got {rest:?} after a wrong digest");
        let stderr = stop(server);
        assert!(stderr.contains("[WARN]"), "{stderr}");
        assert!(stderr.contains("authentication failed"), "{stderr}");
        assert!(stderr.contains("peer=127.0.0.1:"), "{stderr}");
        assert!(stderr.contains("wrong digest"), "{stderr}");
        assert!(stderr.contains("1 auth failures"), "{stderr}");
    }

    #[test]
    fn silence_times_out() {
        let server = server(&["--auth-timeout", "300ms"]);
        let mut stream = connect(&server, 0);
        read_exactly(&mut stream, 32);
        let since = Instant::now();
        assert_eq!(read_to_end(&mut stream), b"");
        assert!(since.elapsed() >= Duration::from_millis(250));
        let stderr = stop(server);
        assert!(stderr.contains("no answer within 300ms"), "{stderr}");
        assert!(stderr.contains("1 auth failures"), "{stderr}");
    }

    #[test]
    fn udp_with_a_key_is_refused() {
        with_key(
            tackle(["serve-echo", "--udp", "0", "--auth-key-file", "key"]),
            KEY,
        )
        .run()
        .code(2)
        .stderr_contains("--udp 127.0.0.1:0")
        .stderr_contains("UDP cannot be authenticated");
        // The default listeners include UDP too.
        tackle(["serve-echo", "--auth-key-env", "K"])
            .env("K", "k")
            .run()
            .code(2)
            .stderr_contains("UDP cannot be authenticated");
    }

    #[test]
    fn missing_or_empty_keys_are_errors() {
        tackle(["serve-echo", "--tcp", "0", "--auth-key-file", "nope"])
            .run()
            .code(1)
            .stderr_contains("--auth-key-file nope: cannot read the key");
        with_key(
            tackle(["serve-echo", "--tcp", "0", "--auth-key-file", "key"]),
            b"",
        )
        .run()
        .code(2)
        .stderr_contains("--auth-key-file key: the key is empty");
        tackle(["serve-echo", "--tcp", "0", "--auth-key-env", "K"])
            .run()
            .code(2)
            .stderr_contains("--auth-key-env K: the variable is not set");
        tackle(["serve-echo", "--tcp", "0", "--auth-key-env", "K"])
            .env("K", "")
            .run()
            .code(2)
            .stderr_contains("--auth-key-env K: the key is empty");
    }
}

#[test]
fn verbose_logs_each_connection_with_its_byte_counts() {
    let server = tackle(["-v", "serve-echo", "--tcp", "0"]).serve(1);
    let mut stream = connect(&server, 0);
    let local = stream.local_addr().unwrap();
    ping(&mut stream, b"12345");
    stream.shutdown(Shutdown::Write).unwrap();
    read_to_end(&mut stream);
    let stderr = stop(server);
    assert!(
        stderr.contains(&format!("connection opened conn=1 peer={local}")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "connection closed conn=1 peer={local} bytes_in=5 bytes_out=5 seconds="
        )),
        "{stderr}"
    );
}

#[test]
fn several_threads_share_the_ports() {
    let server = tackle(["serve-echo", "--threads", "3", "--tcp", "0", "--udp", "0"]).serve(2);
    let clients: Vec<TcpStream> = (0..12).map(|_| connect(&server, 0)).collect();
    for (i, mut c) in clients.into_iter().enumerate() {
        ping(&mut c, format!("client {i}").as_bytes());
    }
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    socket.send_to(b"dgram", addr_of(&server, 1)).unwrap();
    let mut buf = [0; 16];
    assert_eq!(socket.recv(&mut buf).unwrap(), 5);
    let stderr = stop(server);
    assert!(stderr.contains("12 connections"), "{stderr}");
}

#[test]
fn sigterm_flushes_and_summarises_with_connections_open() {
    let server = tackle(["serve-echo", "--tcp", "0", "--drain", "5s"]).serve(1);
    let mut stream = connect(&server, 0);
    ping(&mut stream, b"before");
    server.signal(libc::SIGTERM);
    // The server shuts down its side; the client sees the end of stream.
    assert_eq!(read_to_end(&mut stream), b"");
    drop(stream);
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr
            .contains("serve-echo: 1 connections served, plus 0 refused, 6 bytes in, 6 bytes out"),
        "{stderr}"
    );
}

#[test]
fn json_logs_make_the_summary_json_too() {
    let server = tackle(["-v", "--log-format", "json", "serve-echo", "--tcp", "0"]).serve(1);
    let mut stream = connect(&server, 0);
    ping(&mut stream, b"abc");
    drop(stream);
    server.signal(libc::SIGTERM);
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let summary = lines
        .iter()
        .find(|l| l["summary"] == "serve-echo")
        .unwrap_or_else(|| panic!("no summary object in:\n{stderr}"));
    assert_eq!(summary["connections"], 1, "{stderr}");
    assert_eq!(summary["bytes_in"], 3, "{stderr}");
    assert_eq!(summary["bytes_out"], 3, "{stderr}");
}

#[test]
fn bad_addresses_and_values_are_usage_errors_naming_the_flag() {
    for (args, needle) in [
        (vec!["--tcp", "nope"], "--tcp"),
        (vec!["--udp", "1.2.3.4:99999"], "--udp"),
        (vec!["--tcp", "::1:80"], "--tcp"),
        (vec!["--threads", "0"], "--threads"),
        (vec!["--idle-timeout", "forever"], "--idle-timeout"),
        (vec!["--max-buffer", "12"], "--max-buffer"),
        (vec!["--max-conns", "0"], "--max-conns"),
        (vec!["--drain=-1s"], "--drain"),
    ] {
        let mut full = vec!["serve-echo"];
        full.extend(&args);
        tackle(full).run().code(2).stderr_contains(needle);
    }
}

#[test]
fn a_port_in_use_is_a_runtime_error_and_leaves_nothing_behind() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = tackle(["serve-echo", "--unix", "first.sock", "--tcp", &port]).run();
    out.code(1)
        .stdout_is("")
        .stderr_contains(&format!(
            "tackle: serve-echo: --tcp 127.0.0.1:{port}: cannot listen"
        ))
        .stderr_contains("in use");
    assert!(
        !out.dir.path().join("first.sock").exists(),
        "socket file left behind"
    );
}

#[test]
fn a_unix_path_that_is_not_a_socket_is_refused() {
    tackle(["serve-echo", "--unix", "plain.txt"])
        .file("plain.txt", "data")
        .run()
        .code(1)
        .stderr_contains("--unix plain.txt: cannot listen")
        .stderr_contains("not a socket");
}

#[test]
fn half_close_right_after_data_always_gets_the_echo_and_the_end() {
    // Data and FIN often arrive in one readiness event; the server must still see the FIN.
    let server = tackle(["serve-echo", "--tcp", "0", "--unix", "s.sock"]).serve(2);
    let path = server.spawned.dir.path().join("s.sock");
    for i in 0..200 {
        let message = format!("message {i}");
        let mut tcp = connect(&server, 0);
        tcp.write_all(message.as_bytes()).unwrap();
        tcp.shutdown(Shutdown::Write).unwrap();
        assert_eq!(read_to_end(&mut tcp), message.as_bytes());
        let mut unix = UnixStream::connect(&path).unwrap();
        unix.set_read_timeout(Some(PATIENCE)).unwrap();
        unix.write_all(message.as_bytes()).unwrap();
        unix.shutdown(Shutdown::Write).unwrap();
        assert_eq!(read_to_end(&mut unix), message.as_bytes());
    }
    stop(server);
}

#[test]
fn running_out_of_file_descriptors_pauses_accepting_and_resumes_when_they_free_up() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("stderr.log");
    // A shell lowers the open-file limit (soft and hard) before it becomes the server.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 24 && exec \"$0\" \"$@\"")
        .arg(common::bin())
        .args(["serve-echo", "--tcp", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line
        .trim_end()
        .strip_prefix("listening tcp ")
        .unwrap_or_else(|| panic!("unexpected line {line:?}"))
        .parse()
        .unwrap();
    let open = |_| {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        s
    };
    // More connections than descriptors: the kernel completes them all, the server cannot
    // accept the last ones yet.
    let mut early: Vec<TcpStream> = (0..8).map(open).collect();
    for s in &mut early {
        ping(s, b"early");
    }
    let mut late: Vec<TcpStream> = (0..24).map(open).collect();
    ping(&mut early[0], b"existing connections are still served");
    drop(early);
    drop(late.drain(..20));
    // Descriptors were freed: the waiting connections are accepted on the retry timer.
    for s in &mut late {
        ping(s, b"late but served");
    }
    drop(late);

    // SAFETY: kill(2) on our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let status = child.wait().unwrap();
    let stderr = std::fs::read_to_string(&log).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("cannot accept"), "{stderr}");
    assert!(stderr.contains("pausing accepts"), "{stderr}");
}

#[test]
fn stats_interval_logs_rates() {
    let server = tackle([
        "-v",
        "serve-echo",
        "--tcp",
        "0",
        "--stats-interval",
        "100ms",
    ])
    .serve(1);
    let mut stream = connect(&server, 0);
    ping(&mut stream, b"counted");
    // The rate line is the readiness signal here: poll the log for it, with a deadline.
    let deadline = Instant::now() + PATIENCE;
    while !server.stderr().contains("conn/s") {
        assert!(
            Instant::now() < deadline,
            "no rate line:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let stderr = stop(server);
    assert!(
        stderr.contains("1 open;") || stderr.contains("0 open;"),
        "{stderr}"
    );
}

#[test]
fn a_low_port_without_privileges_is_a_runtime_error_with_a_hint() {
    use std::process::Command;
    // As root (CI containers), drop to nobody first so that the bind really is refused.
    // SAFETY: geteuid has no preconditions.
    let mut cmd = if unsafe { libc::geteuid() } == 0 {
        let mut c = Command::new("setpriv");
        c.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
            .arg(common::bin());
        c
    } else {
        Command::new(common::bin())
    };
    let out = cmd
        .args(["serve-echo", "--tcp", "127.0.0.1:1"])
        .output()
        .expect("run tackle");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("--tcp 127.0.0.1:1: cannot listen: Permission denied"),
        "{stderr}"
    );
    assert!(stderr.contains("CAP_NET_BIND_SERVICE"), "{stderr}");
}

#[test]
fn quiet_silences_the_summary() {
    let server = tackle(["-q", "serve-echo", "--tcp", "0"]).serve(1);
    ping(&mut connect(&server, 0), b"shh");
    let stderr = stop(server);
    assert_eq!(stderr, "");
}

#[test]
fn sigterm_flushes_pending_echo_before_closing() {
    let server = tackle(["serve-echo", "--tcp", "0", "--max-buffer", "64K"]).serve(1);
    let mut stream = connect(&server, 0);
    // Fill the server's queue for this client without reading anything back.
    stream
        .set_write_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let sent: Vec<u8> = (0..8 * 1024 * 1024u32).map(|n| (n % 253) as u8).collect();
    let mut offset = 0;
    while offset < sent.len() {
        match stream.write(&sent[offset..]) {
            Ok(n) => offset += n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
            Err(e) => panic!("write: {e}"),
        }
    }
    server.signal(libc::SIGTERM);
    // Everything the server took is echoed, then the stream ends cleanly (FIN, not RST).
    let back = read_to_end(&mut stream);
    assert!(!back.is_empty());
    assert!(back.len() <= offset);
    assert!(
        back == sent[..back.len()],
        "the echo is not a prefix of what was sent"
    );
    // The server waits (within --drain) for a peer that was still sending to close.
    drop(stream);
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
}

#[test]
fn the_drain_period_bounds_shutdown_when_a_client_never_reads() {
    let server = tackle(["serve-echo", "--tcp", "0", "--drain", "300ms"]).serve(1);
    let mut hog = connect(&server, 0);
    hog.set_write_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let chunk = vec![9u8; 64 * 1024];
    while hog.write(&chunk).is_ok() {}
    let since = Instant::now();
    server.signal(libc::SIGTERM);
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        since.elapsed() < PATIENCE,
        "shutdown took {:?}",
        since.elapsed()
    );
    assert!(stderr.contains("serve-echo: 1 connections"), "{stderr}");
    drop(hog);
}

#[test]
fn a_second_signal_ends_the_drain_at_once() {
    let server = tackle(["-v", "serve-echo", "--tcp", "0", "--drain", "10m"]).serve(1);
    let mut hog = connect(&server, 0);
    hog.set_write_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let chunk = vec![9u8; 64 * 1024];
    while hog.write(&chunk).is_ok() {}
    server.signal(libc::SIGTERM);
    // The first signal's log line says the drain has begun; only then is a second one distinct.
    let deadline = Instant::now() + PATIENCE;
    while !server.stderr().contains("shutting down") {
        assert!(
            Instant::now() < deadline,
            "no shutdown line:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server.signal(libc::SIGTERM);
    let since = Instant::now();
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(since.elapsed() < PATIENCE, "took {:?}", since.elapsed());
    assert!(stderr.contains("stopping without draining"), "{stderr}");
    drop(hog);
}

/// A UDP socket on a free loopback port below 1024. Sending from such a port needs root or
/// CAP_NET_BIND_SERVICE, which the CI machine (root) has.
fn low_port_socket() -> UdpSocket {
    for port in (600..1024).rev() {
        match UdpSocket::bind(("127.0.0.1", port)) {
            Ok(socket) => return socket,
            Err(e) if e.kind() == ErrorKind::AddrInUse => continue,
            Err(e) => panic!(
                "cannot bind UDP 127.0.0.1:{port} ({e}); this test sends from a port below \
                 1024 and needs root or CAP_NET_BIND_SERVICE"
            ),
        }
    }
    panic!("no free UDP port below 1024 on 127.0.0.1");
}

#[test]
fn udp_from_a_low_source_port_is_ignored_unless_allowed() {
    for allowed in [false, true] {
        let mut args = vec!["serve-echo", "--udp", "0"];
        if allowed {
            args.push("--allow-low-ports");
        }
        let server = tackle(args).serve(1);
        let low = low_port_socket();
        let high = UdpSocket::bind("127.0.0.1:0").unwrap();
        high.set_read_timeout(Some(PATIENCE)).unwrap();
        low.send_to(b"from low", addr_of(&server, 0)).unwrap();
        high.send_to(b"from high", addr_of(&server, 0)).unwrap();
        // The server reads its socket in arrival order, so once the later datagram has been
        // answered, any answer to the earlier one is already in the low socket's buffer.
        let mut buf = [0u8; 64];
        let (n, _) = high.recv_from(&mut buf).expect("echo to the high port");
        assert_eq!(&buf[..n], b"from high");
        low.set_nonblocking(true).unwrap();
        let low_reply = low.recv_from(&mut buf).map(|(n, _)| buf[..n].to_vec());
        let stderr = stop(server);
        if allowed {
            assert_eq!(low_reply.expect("echo to the low port"), b"from low");
            assert!(
                stderr.contains("2 datagrams in, 2 out, 0 dropped"),
                "{stderr}"
            );
        } else {
            let err = low_reply.expect_err("a low port got an echo");
            assert_eq!(err.kind(), ErrorKind::WouldBlock);
            assert!(
                stderr.contains("2 datagrams in, 1 out, 1 dropped"),
                "{stderr}"
            );
        }
    }
}

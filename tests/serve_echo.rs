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

/// Like [`stop`], but the server (and so its temp dir) stays, to look at its files afterwards.
fn stop_in_place(server: &mut Server) -> String {
    server.signal(libc::SIGTERM);
    let status = server.spawned.child.wait().expect("wait for server");
    let stderr = server.stderr();
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
        stderr.contains("1 connection served, plus 0 refused, 8 bytes in, 8 bytes out"),
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
    let mut server = server;
    let stderr = stop_in_place(&mut server);
    assert!(!path.exists(), "socket file left behind");
    assert!(stderr.contains("s, 1 connection served"), "{stderr}");
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

    /// Removing the variable only unlinks it; the value itself is wiped from the environment
    /// block, which `/proc/<pid>/environ` shows (to root, as CI runs; a non-root reader is
    /// refused outright once the process is non-dumpable).
    #[test]
    fn an_environment_key_is_wiped_from_proc_environ() {
        let value = "a-key-that-must-not-stay-in-environ";
        let server = tackle(["serve-echo", "--tcp", "0", "--auth-key-env", "ECHO_KEY"])
            .env("ECHO_KEY", value)
            .serve(1);
        let environ = format!("/proc/{}/environ", server.spawned.child.id());
        match std::fs::read(&environ) {
            Ok(block) => {
                assert!(
                    !block.windows(value.len()).any(|w| w == value.as_bytes()),
                    "the key is still in {environ}"
                );
            }
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied, "{e}"),
        }
        // The key still works.
        let mut stream = connect(&server, 0);
        let challenge = read_exactly(&mut stream, 32);
        stream
            .write_all(&digest(value.as_bytes(), &challenge))
            .unwrap();
        ping(&mut stream, b"still keyed");
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
        assert!(stderr.contains("1 auth failure,"), "{stderr}");
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
        assert!(stderr.contains("1 auth failure,"), "{stderr}");
    }

    /// A failed handshake gives its --max-handshakes slot back at once: left behind, it would
    /// count as in progress and push out an older handshake that is still going.
    #[test]
    fn a_failed_handshake_gives_its_slot_back() {
        let server = server(&["--max-handshakes", "2"]);
        let mut slow = connect(&server, 0);
        let challenge = read_exactly(&mut slow, 32);
        let mut wrong = connect(&server, 0);
        let other = read_exactly(&mut wrong, 32);
        wrong.write_all(&digest(b"not the key", &other)).unwrap();
        assert_eq!(read_to_end(&mut wrong), b"");
        let mut third = connect(&server, 0);
        read_exactly(&mut third, 32);
        slow.write_all(&digest(KEY, &challenge)).unwrap();
        ping(&mut slow, b"still in its handshake");
        drop((slow, third));
        let stderr = stop(server);
        assert!(stderr.contains("1 connection served"), "{stderr}");
        assert!(stderr.contains(" 0 handshakes dropped"), "{stderr}");
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
    fn a_key_file_group_or_others_can_read_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let run = tackle(["serve-echo", "--tcp", "0", "--auth-key-file", "key"]);
        let run = with_key(run, KEY);
        std::fs::set_permissions(
            run.dir().join("key"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        run.run()
            .code(1)
            .stderr_contains("lets group or others read it")
            .stderr_contains("chmod 600 key");
        let run = tackle([
            "serve-echo",
            "--tcp",
            "0",
            "--auth-key-file",
            "key",
            "--allow-readable-secrets",
        ]);
        let run = with_key(run, KEY);
        std::fs::set_permissions(
            run.dir().join("key"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        let server = run.serve(1);
        let mut stream = connect(&server, 0);
        let challenge = read_exactly(&mut stream, 32);
        stream.write_all(&digest(KEY, &challenge)).unwrap();
        ping(&mut stream, b"allowed");
        stop(server);
    }

    /// A key file of someone else's is refused with a fix that fixes it (chmod cannot).
    #[test]
    fn a_key_file_of_another_user_is_refused_without_a_chmod_hint() {
        use std::os::unix::fs::PermissionsExt;
        let run = with_key(
            tackle(["serve-echo", "--tcp", "0", "--auth-key-file", "key"]),
            KEY,
        );
        let key = run.dir().join("key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        // SAFETY: geteuid has no preconditions.
        let out = if unsafe { libc::geteuid() } == 0 {
            std::os::unix::fs::chown(&key, Some(65534), None).unwrap();
            run.run()
        } else {
            // Not root: a file root owns is another user's.
            tackle(["serve-echo", "--tcp", "0", "--auth-key-file", "/etc/passwd"]).run()
        };
        out.code(1)
            .stderr_contains("not to you")
            .stderr_contains("use a file of your own");
        assert!(!out.stderr_str().contains("chmod"), "{}", out.stderr_str());
    }

    #[test]
    fn short_keys_are_refused_and_weak_ones_warned_about_once() {
        with_key(
            tackle(["serve-echo", "--tcp", "0", "--auth-key-file", "key"]),
            b"abc",
        )
        .run()
        .code(2)
        .stderr_contains("the key is 3 byte(s); use at least 4");
        // The recipes' key is 8 bytes: it works, with one warning.
        let server = server(&[]);
        let stderr = stop(server);
        assert_eq!(
            stderr.matches("the key is only 8 bytes").count(),
            1,
            "{stderr}"
        );
    }

    #[test]
    fn auth_failure_warnings_are_limited_to_one_a_second() {
        let server = server(&[]);
        for _ in 0..20 {
            let mut stream = connect(&server, 0);
            let challenge = read_exactly(&mut stream, 32);
            let _ = stream.write_all(&digest(b"wrong key", &challenge));
            let _ = stream.read_to_end(&mut Vec::new());
        }
        let stderr = stop(server);
        let warnings = stderr.matches("authentication failed").count();
        assert!(
            (1..=5).contains(&warnings),
            "{warnings} warnings:\n{stderr}"
        );
        assert!(stderr.contains("20 auth failures"), "{stderr}");
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
    // The whole line: the duration first (at the end it read as part of the last count),
    // singulars for one, and only what a plain TCP server can do (no datagrams, no
    // handshakes).
    let summary = stderr
        .lines()
        .find(|l| l.starts_with("serve-echo: in "))
        .unwrap_or_else(|| panic!("no summary line in:\n{stderr}"));
    let (seconds, counts) = summary["serve-echo: in ".len()..]
        .split_once("s, ")
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(seconds.parse::<f64>().is_ok(), "{summary}");
    assert_eq!(
        counts,
        "1 connection served, plus 0 refused, 6 bytes in, 6 bytes out"
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
    assert!(stderr.contains("s, 1 connection served"), "{stderr}");
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

#[test]
fn udp_from_a_low_source_port_is_ignored_unless_allowed() {
    common::low_ports::run_where_low_ports_bind(
        "udp_from_a_low_source_port_is_ignored_unless_allowed",
        low_source_ports_are_ignored_unless_allowed,
    );
}

fn low_source_ports_are_ignored_unless_allowed() {
    for allowed in [false, true] {
        let mut args = vec!["serve-echo", "--udp", "0"];
        if allowed {
            args.push("--allow-low-ports");
        }
        let server = tackle(args).serve(1);
        let low = common::low_ports::udp_socket_on_a_low_port().expect("a UDP port below 1024");
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

/// Bug: SIGTERM reset a client that was still sending. Now the server sends what it owes,
/// shuts down its write side and reads and discards until the client closes: the client sees
/// a clean end of stream and the echo it got is exactly what the server counted.
#[test]
fn sigterm_gives_a_client_still_sending_a_clean_end_not_a_reset() {
    let server = tackle(["serve-echo", "--tcp", "0", "--drain", "10s"]).serve(1);
    let stream = connect(&server, 0);
    let mut writer = stream.try_clone().unwrap();
    let mut reader = stream;
    let sender = std::thread::spawn(move || {
        let chunk: Vec<u8> = (0..8192u32).map(|n| (n % 251) as u8).collect();
        let mut sent = 0u64;
        // Keeps sending until the server's end of stream makes the reader stop us.
        while writer.write_all(&chunk).is_ok() {
            sent += chunk.len() as u64;
            std::thread::sleep(Duration::from_millis(5));
            if sent > 200 * 1024 * 1024 {
                break;
            }
        }
        sent
    });
    // Let some echo flow, then signal while the client is mid-stream.
    let first = read_exactly(&mut reader, 64 * 1024);
    server.signal(libc::SIGTERM);
    let mut rest = Vec::new();
    match reader.read_to_end(&mut rest) {
        Ok(_) => {}
        Err(e) => panic!("the client got {e} instead of a clean end of stream"),
    }
    reader.shutdown(Shutdown::Both).unwrap();
    let echoed = (first.len() + rest.len()) as u64;
    sender.join().unwrap();
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("bytes out {echoed}"))
            || stderr.contains(&format!("{echoed} bytes out")),
        "the client read {echoed} bytes:\n{stderr}"
    );
}

/// Bug: a second server could take a UDP port already in use (SO_REUSEADDR).
#[test]
fn a_udp_port_in_use_is_a_runtime_error() {
    let server = tackle(["serve-echo", "--udp", "0"]).serve(1);
    let addr = server.addr(0).to_owned();
    tackle(["serve-time", "--udp", &addr])
        .run()
        .code(1)
        .stderr_contains(&format!("--udp {addr}: cannot listen"))
        .stderr_contains("in use");
    // The first server still gets its datagrams.
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    socket.send_to(b"still mine", &addr).unwrap();
    let mut buf = [0; 32];
    assert_eq!(socket.recv(&mut buf).unwrap(), 10);
    stop(server);
}

/// Bug: with --threads 2 a second server could join the first one's SO_REUSEPORT group.
#[test]
fn threads_do_not_join_another_servers_port_group() {
    let server = tackle(["serve-echo", "--threads", "2", "--tcp", "0", "--udp", "0"]).serve(2);
    for (flag, addr) in [("--tcp", server.addr(0)), ("--udp", server.addr(1))] {
        for threads in ["2", "1"] {
            tackle(["serve-echo", "--threads", threads, flag, addr])
                .run()
                .code(1)
                .stderr_contains(&format!("{flag} {addr}: cannot listen"))
                .stderr_contains("in use");
        }
    }
    stop(server);
}

#[test]
fn a_name_that_does_not_resolve_is_a_runtime_error() {
    tackle(["serve-echo", "--tcp", "nonexistent.invalid:7000"])
        .run()
        .code(1)
        .stderr_contains("--tcp nonexistent.invalid:7000: cannot listen")
        .stderr_contains("cannot resolve");
}

#[test]
fn allow_and_deny_refuse_tcp_and_udp_peers_before_any_echo() {
    // 127.0.0.1 is denied; [::1] is allowed.
    let server = tackle([
        "serve-echo",
        "--tcp",
        "0",
        "--udp",
        "0",
        "--tcp",
        "[::1]:0",
        "--allow",
        "::1",
        "--allow",
        "10.0.0.0/8",
        "--deny",
        "127.0.0.0/8",
    ])
    .serve(3);
    let mut refused = connect(&server, 0);
    let _ = refused.write_all(b"let me in");
    let mut buf = [0; 16];
    match refused.read(&mut buf) {
        Ok(0) => {}
        Ok(n) => panic!("a denied peer got {n} bytes"),
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
    }
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    socket.send_to(b"denied", addr_of(&server, 1)).unwrap();
    assert!(
        socket.recv(&mut buf).is_err(),
        "a denied datagram was answered"
    );
    let mut allowed = connect(&server, 2);
    ping(&mut allowed, b"v6 is allowed");
    drop(allowed);
    let stderr = stop(server);
    assert!(
        stderr.contains("1 connection served, plus 1 refused"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 datagram in, 0 out, 1 dropped"),
        "{stderr}"
    );
}

#[test]
fn bad_access_entries_are_usage_errors() {
    tackle(["serve-echo", "--tcp", "0", "--allow", "10.0.0.0/40"])
        .run()
        .code(2)
        .stderr_contains("--allow");
    tackle(["serve-echo", "--tcp", "0", "--deny", "example.org"])
        .run()
        .code(2)
        .stderr_contains("--deny");
}

/// The keepalive timer of the server's side of a connection, from /proc/net/tcp: the
/// `timer_active` field is 2 while a keepalive timer runs.
fn keepalive_timer(server_port: u16, client_port: u16) -> Option<(u32, f64)> {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    let hex = |p: u16| format!("{p:04X}");
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let local_port = fields[1].rsplit(':').next()?;
        let remote_port = fields[2].rsplit(':').next()?;
        if local_port != hex(server_port) || remote_port != hex(client_port) {
            return None;
        }
        let (kind, jiffies) = fields[5].split_once(':')?;
        let kind = u32::from_str_radix(kind, 16).ok()?;
        let ticks = u64::from_str_radix(jiffies, 16).ok()?;
        Some((kind, ticks as f64 / 100.0))
    })
}

#[test]
fn keepalive_arms_a_timer_on_accepted_connections() {
    let server = tackle(["serve-echo", "--tcp", "0", "--keepalive", "7s"]).serve(1);
    let mut stream = connect(&server, 0);
    ping(&mut stream, b"alive");
    let (server_port, client_port) = (
        addr_of(&server, 0).port(),
        stream.local_addr().unwrap().port(),
    );
    let (kind, _) =
        keepalive_timer(server_port, client_port).expect("the connection in /proc/net/tcp");
    assert_eq!(kind, 2, "no keepalive timer on the server's side");
    stop(server);

    let server = tackle(["serve-echo", "--tcp", "0"]).serve(1);
    let mut stream = connect(&server, 0);
    ping(&mut stream, b"no keepalive");
    let ports = (
        addr_of(&server, 0).port(),
        stream.local_addr().unwrap().port(),
    );
    let (kind, _) = keepalive_timer(ports.0, ports.1).expect("the connection");
    assert_eq!(kind, 0, "a keepalive timer without --keepalive");
    stop(server);
}

#[test]
fn abstract_unix_sockets_have_no_file_and_unix_mode_sets_the_files_mode() {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::fs::PermissionsExt;
    let name = format!("tackle-test-{}", std::process::id());
    let run = tackle([
        "serve-echo",
        "--unix",
        &format!("@{name}"),
        "--unix",
        "moded.sock",
        "--unix-mode",
        "620",
    ]);
    let moded = run.dir().join("moded.sock");
    let mut server = run.serve(2);
    assert_eq!(server.listeners[0], ("unix".into(), format!("@{name}")));
    let address = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let mut stream = UnixStream::connect_addr(&address).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    ping(&mut stream, b"abstract");
    let mode = std::fs::metadata(&moded).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o620);
    drop(stream);
    stop_in_place(&mut server);
    assert!(!moded.exists());
}

/// The Unix socket file is removed at exit only if it is still the one the server made.
#[test]
fn a_socket_file_replaced_meanwhile_is_not_removed_at_exit() {
    let run = tackle(["serve-echo", "--unix", "s.sock"]);
    let path = run.dir().join("s.sock");
    let server = run.serve(1);
    let made = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::fs::remove_file(&path).unwrap();
    // Another server binds the path later: a later file time (they tick coarsely).
    let probe = path.with_extension("probe");
    while {
        std::fs::write(&probe, b"").unwrap();
        std::fs::metadata(&probe).unwrap().modified().unwrap() == made
    } {}
    let other = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let mut server = server;
    let stderr = stop_in_place(&mut server);
    assert!(
        path.exists(),
        "the other server's socket was removed:\n{stderr}"
    );
    assert!(stderr.contains("not removing"), "{stderr}");
    drop(other);
}

#[test]
fn user_drops_privileges_after_binding_and_hands_over_the_socket_file() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let run = tackle([
        "serve-echo",
        "--tcp",
        "0",
        "--unix",
        "s.sock",
        "--user",
        "nobody",
    ]);
    let dir = run.dir().to_path_buf();
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        // Without root the switch is refused, before anything is announced. (The target is
        // root: `--user nobody` run by nobody itself would be no switch at all.)
        drop(run);
        tackle(["serve-echo", "--tcp", "0", "--user", "root"])
            .run()
            .code(1)
            .stderr_contains("--user root: cannot switch to this user");
        let out = tackle(["serve-echo", "--unix", "s.sock", "--user", "root"]).run();
        out.code(1)
            .stderr_contains("--user root: cannot hand s.sock to root");
        assert!(!out.dir.path().join("s.sock").exists(), "{out}");
        return;
    }
    // nobody must be able to reach and later remove the file.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let mut server = run.serve(2);
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.spawned.child.id())).unwrap();
    let uid_line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    assert!(uid_line.contains("65534"), "{uid_line}");
    let socket = dir.join("s.sock");
    assert_eq!(std::fs::metadata(&socket).unwrap().uid(), 65534);
    let mut stream = UnixStream::connect(&socket).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    ping(&mut stream, b"served by nobody");
    drop(stream);
    let stderr = stop_in_place(&mut server);
    assert!(
        !socket.exists(),
        "nobody could not remove its socket file:\n{stderr}"
    );
    tackle(["serve-echo", "--tcp", "0", "--user", "no-such-user-tackle"])
        .run()
        .code(1)
        .stderr_contains("--user no-such-user-tackle: no such user");
}

/// Starts tackle as systemd-socket-activate does: the sockets on descriptors 3, 4, ..., and
/// LISTEN_PID naming the process itself (set by a shell that then execs tackle).
fn socket_activated(
    sockets: &[std::os::fd::OwnedFd],
    names: &str,
    args: &[&str],
) -> common::Spawned {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let raw: Vec<i32> = sockets.iter().map(|s| s.as_raw_fd()).collect();
    let dir = tempfile::tempdir().unwrap();
    let log = std::fs::File::create(dir.path().join(common::SERVER_LOG)).unwrap();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "LISTEN_PID=$$ LISTEN_FDS={} LISTEN_FDNAMES={names} exec \"$0\" \"$@\"",
            raw.len()
        ))
        .arg(common::bin())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log));
    // SAFETY: between fork and exec only dup2 and fcntl, which are async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            // Move the sockets out of the way first, then into 3, 4, ...
            let high: Vec<i32> = raw
                .iter()
                .map(|&fd| libc::fcntl(fd, libc::F_DUPFD, 100))
                .collect();
            for (i, fd) in high.into_iter().enumerate() {
                if fd < 0 || libc::dup2(fd, 3 + i as i32) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    common::Spawned {
        child,
        stdout,
        dir,
        description: format!("socket-activated tackle {}", args.join(" ")),
    }
}

#[test]
fn socket_activation_serves_the_inherited_tcp_udp_and_unix_sockets() {
    use std::io::BufRead;
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let unix_path = dir.path().join("activated.sock");
    let unix = std::os::unix::net::UnixListener::bind(&unix_path).unwrap();
    let (tcp_addr, udp_addr) = (tcp.local_addr().unwrap(), udp.local_addr().unwrap());
    let sockets = vec![
        std::os::fd::OwnedFd::from(tcp),
        std::os::fd::OwnedFd::from(udp),
        std::os::fd::OwnedFd::from(unix),
    ];
    let mut spawned = socket_activated(&sockets, "web:dgram:local", &["serve-echo"]);
    drop(sockets);
    let mut lines = Vec::new();
    for _ in 0..3 {
        let mut line = String::new();
        spawned.stdout.read_line(&mut line).unwrap();
        lines.push(line.trim_end().to_owned());
    }
    assert_eq!(
        lines,
        [
            format!("listening tcp {tcp_addr}"),
            format!("listening udp {udp_addr}"),
            format!("listening unix {}", unix_path.display()),
        ],
        "{}",
        spawned.stderr_log()
    );
    let mut stream = TcpStream::connect(tcp_addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    ping(&mut stream, b"inherited tcp");
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    socket.send_to(b"inherited udp", udp_addr).unwrap();
    let mut buf = [0; 32];
    assert_eq!(socket.recv(&mut buf).unwrap(), 13);
    let mut unix = UnixStream::connect(&unix_path).unwrap();
    unix.set_read_timeout(Some(PATIENCE)).unwrap();
    ping(&mut unix, b"inherited unix");
    drop((stream, unix));
    // SAFETY: kill with our child's pid.
    unsafe { libc::kill(spawned.child.id() as i32, libc::SIGTERM) };
    let status = spawned.child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{}", spawned.stderr_log());
    // The launcher owns the inherited socket file.
    assert!(unix_path.exists());
}

#[test]
fn socket_activation_with_listener_flags_is_a_usage_error() {
    use std::io::Read as _;
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let sockets = vec![std::os::fd::OwnedFd::from(tcp)];
    let mut spawned = socket_activated(&sockets, "", &["serve-echo", "--tcp", "0"]);
    let status = spawned.child.wait().unwrap();
    let mut out = String::new();
    spawned.stdout.read_to_string(&mut out).unwrap();
    assert_eq!(status.code(), Some(2));
    assert!(
        spawned
            .stderr_log()
            .contains("the listeners come from socket activation"),
        "{}",
        spawned.stderr_log()
    );
}

/// The event loop never blocks on stderr: with stderr a pipe nobody reads, a -v server still
/// serves thousands of connections, and says afterwards how many log lines it dropped.
#[test]
fn a_stuck_stderr_never_stalls_the_server() {
    use std::process::Stdio;
    let (reader, writer) = std::io::pipe().unwrap();
    let mut spawned =
        tackle(["-v", "serve-echo", "--tcp", "0"]).spawn_with(Stdio::null(), Stdio::from(writer));
    let mut line = String::new();
    std::io::BufRead::read_line(&mut spawned.stdout, &mut line).unwrap();
    let addr = line.trim_end().rsplit(' ').next().unwrap().to_owned();
    // Two log lines of about 150 bytes per connection: far more than the 64 KiB pipe and the
    // 256 KiB queue behind it.
    for i in 0..3000 {
        let mut stream = TcpStream::connect(&addr).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        ping(&mut stream, format!("{i}").as_bytes());
    }
    // SAFETY: kill with our child's pid.
    unsafe { libc::kill(spawned.child.id() as i32, libc::SIGTERM) };
    let mut stderr = String::new();
    let mut reader = reader;
    reader.read_to_string(&mut stderr).unwrap();
    let status = spawned.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(
        stderr.contains("log line(s) dropped: stderr was not being read"),
        "{}",
        &stderr[stderr.len().saturating_sub(2000)..]
    );
    assert!(
        stderr.contains("3000 connections served"),
        "{}",
        &stderr[stderr.len().saturating_sub(2000)..]
    );
}

#[test]
fn json_logs_put_peer_bytes_and_durations_in_fields() {
    let server = tackle(["-v", "--log-format", "json", "serve-echo", "--tcp", "0"]).serve(1);
    let mut stream = connect(&server, 0);
    let local = stream.local_addr().unwrap().to_string();
    ping(&mut stream, b"abcd");
    drop(stream);
    let stderr = stop(server);
    let closed = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|l| l["fields"]["message"] == "connection closed")
        .unwrap_or_else(|| panic!("no close line in:\n{stderr}"));
    let fields = &closed["fields"];
    assert_eq!(fields["peer"], local.as_str(), "{closed}");
    assert_eq!(fields["bytes_in"], 4, "{closed}");
    assert_eq!(fields["bytes_out"], 4, "{closed}");
    assert!(fields["seconds"].as_f64().is_some(), "{closed}");
}

/// TLS listeners, against a rustls client and certificates made by rcgen: a test CA signs the
/// server's certificate and the clients'.
mod tls {
    use super::*;
    use std::sync::Arc;

    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
    use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

    pub(crate) struct Pki {
        ca: CertifiedIssuer<'static, KeyPair>,
        pub ca_pem: String,
        ca_der: CertificateDer<'static>,
        pub server_cert_pem: String,
        pub server_key_pem: String,
        client: (CertificateDer<'static>, Vec<u8>),
    }

    fn leaf(
        names: &[&str],
        common_name: &str,
        issuer: &CertifiedIssuer<'_, KeyPair>,
    ) -> (String, CertificateDer<'static>, KeyPair) {
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "tackle tests");
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, issuer).unwrap();
        (cert.pem(), cert.der().clone(), key)
    }

    pub(crate) fn pki(server_name: &str) -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "tackle test CA");
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let (server_cert_pem, _, server_key) = leaf(&["localhost", "127.0.0.1"], server_name, &ca);
        let (_, client_der, client_key) = leaf(&["client"], "client one", &ca);
        Pki {
            ca_pem: ca.pem(),
            ca_der: ca.der().clone(),
            server_cert_pem,
            server_key_pem: server_key.serialize_pem(),
            client: (client_der, client_key.serialize_der()),
            ca,
        }
    }

    impl Pki {
        /// Another server certificate and key from the same CA, named `name`.
        pub(crate) fn another_server(&self, name: &str) -> (String, String) {
            let (pem, _, key) = leaf(&["localhost"], name, &self.ca);
            (pem, key.serialize_pem())
        }
    }

    /// Writes ca.pem, cert.pem and key.pem into the run's directory.
    pub(crate) fn with_pki(run: Run, pki: &Pki) -> Run {
        run.file("ca.pem", &pki.ca_pem)
            .file("cert.pem", &pki.server_cert_pem)
            .file("key.pem", &pki.server_key_pem)
    }

    pub(crate) fn client_config(pki: &Pki, with_certificate: bool) -> Arc<ClientConfig> {
        let mut roots = RootCertStore::empty();
        roots.add(pki.ca_der.clone()).unwrap();
        let builder =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots);
        let mut config = if with_certificate {
            let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.client.1.clone()));
            builder
                .with_client_auth_cert(vec![pki.client.0.clone()], key)
                .unwrap()
        } else {
            builder.with_no_client_auth()
        };
        // Every connection makes a full handshake (a resumed one shows no certificate).
        config.resumption = rustls::client::Resumption::disabled();
        Arc::new(config)
    }

    pub(crate) type Tls = StreamOwned<ClientConnection, TcpStream>;

    pub(crate) fn connect_tls(addr: &str, config: &Arc<ClientConfig>) -> Tls {
        let tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(PATIENCE)).unwrap();
        tcp.set_write_timeout(Some(PATIENCE)).unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        let conn = ClientConnection::new(Arc::clone(config), name).unwrap();
        StreamOwned::new(conn, tcp)
    }

    /// Sends close_notify (our half-close), then reads until the server's close_notify: an
    /// unclean end (no close_notify) is an error here.
    pub(crate) fn close_and_read_rest(tls: &mut Tls) -> Vec<u8> {
        tls.conn.send_close_notify();
        tls.flush().unwrap();
        let mut rest = Vec::new();
        tls.read_to_end(&mut rest)
            .expect("a clean end with the server's close_notify");
        rest
    }

    /// `serve-echo --tls 0` with the PKI's certificate and key, and `extra` flags.
    fn tls_run(pki: &Pki, extra: &[&str]) -> Run {
        let mut args = vec![
            "serve-echo",
            "--tls",
            "0",
            "--tls-cert",
            "cert.pem",
            "--tls-key",
            "key.pem",
        ];
        args.extend_from_slice(extra);
        with_pki(tackle(args), pki)
    }

    fn tls_server(pki: &Pki, extra: &[&str]) -> Server {
        tls_run(pki, extra).serve(1)
    }

    #[test]
    fn tls_echoes_and_closes_with_close_notify() {
        let pki = pki("localhost");
        let server = tls_server(&pki, &[]);
        assert_eq!(server.listeners[0].0, "tls");
        let mut tls = connect_tls(server.addr(0), &client_config(&pki, false));
        ping(&mut tls, b"over TLS\n");
        let big: Vec<u8> = (0..300_000u32).map(|n| (n % 241) as u8).collect();
        tls.write_all(&big).unwrap();
        assert_eq!(read_exactly(&mut tls, big.len()), big);
        tls.write_all(b"owed").unwrap();
        assert_eq!(close_and_read_rest(&mut tls), b"owed");
        let stderr = stop(server);
        assert!(
            stderr.contains("1 connection served, plus 0 refused"),
            "{stderr}"
        );
        assert!(stderr.contains("0 TLS handshake failures"), "{stderr}");
    }

    /// --max-buffer counts plaintext over TLS too: a client that sends and never reads stalls
    /// with the server's memory bounded, and others are still served.
    #[test]
    fn a_tls_client_that_never_reads_costs_bounded_memory() {
        let pki = pki("localhost");
        let server = tls_server(&pki, &["--max-buffer", "64K"]);
        let pid = server.spawned.child.id();
        let config = client_config(&pki, false);
        ping(&mut connect_tls(server.addr(0), &config), &[1; 100_000]);
        let before = super::rss_kib(pid);
        let mut hog = connect_tls(server.addr(0), &config);
        hog.sock
            .set_write_timeout(Some(Duration::from_millis(500)))
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
        assert!(sent < limit, "the server kept reading {sent} bytes");
        let grown = super::rss_kib(pid).saturating_sub(before);
        assert!(
            grown < 4 * 1024,
            "RSS grew by {grown} KiB for a hog that sent {sent} bytes"
        );
        ping(&mut connect_tls(server.addr(0), &config), b"still here");
        drop(hog);
        stop(server);
    }

    #[test]
    fn sigterm_closes_tls_connections_with_close_notify() {
        let pki = pki("localhost");
        let server = tls_server(&pki, &[]);
        let mut tls = connect_tls(server.addr(0), &client_config(&pki, false));
        ping(&mut tls, b"before the signal");
        server.signal(libc::SIGTERM);
        let mut rest = Vec::new();
        tls.read_to_end(&mut rest)
            .expect("close_notify, then the end of stream");
        assert!(rest.is_empty());
        drop(tls);
        let (status, stderr) = server.wait();
        assert_eq!(status.code(), Some(0), "{stderr}");
    }

    #[test]
    fn hmac_authentication_runs_inside_tls() {
        let pki = pki("localhost");
        let run = tls_run(&pki, &["--auth-key-file", "key"]);
        let server = super::auth::with_key(run, b"peekaboo").serve(1);
        let mut tls = connect_tls(server.addr(0), &client_config(&pki, false));
        let challenge = read_exactly(&mut tls, 32);
        tls.write_all(&tackle::net::auth::answer(b"peekaboo", &challenge))
            .unwrap();
        ping(&mut tls, b"authenticated over TLS");
        stop(server);
    }

    #[test]
    fn client_certificates_are_required_with_a_client_ca_and_their_subject_logged() {
        let pki = pki("localhost");
        let server = tls_server(&pki, &["-v", "--tls-client-ca", "ca.pem"]);
        let mut tls = connect_tls(server.addr(0), &client_config(&pki, true));
        ping(&mut tls, b"with a certificate");
        drop(tls);
        let mut anonymous = connect_tls(server.addr(0), &client_config(&pki, false));
        // TLS 1.3: the refusal arrives with the first read.
        let _ = anonymous.write_all(b"no certificate");
        let mut buf = [0; 16];
        assert!(
            !matches!(anonymous.read(&mut buf), Ok(n) if n > 0),
            "served without a certificate"
        );
        let stderr = stop(server);
        assert!(
            stderr.contains("TLS established with a client certificate")
                && stderr.contains("client=CN=client one, O=tackle tests"),
            "{stderr}"
        );
        assert!(
            stderr.contains("TLS client certificate refused"),
            "{stderr}"
        );
        assert!(stderr.contains("1 TLS handshake failure,"), "{stderr}");
    }

    #[test]
    fn a_plaintext_client_on_a_tls_port_is_closed_with_one_debug_line() {
        let pki = pki("localhost");
        let server = tls_server(&pki, &["-vv"]);
        let mut plain = connect(&server, 0);
        plain.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        let mut rest = Vec::new();
        let _ = plain.read_to_end(&mut rest);
        assert!(!rest.starts_with(b"GET"), "plaintext was echoed");
        // The server is fine afterwards.
        let mut tls = connect_tls(server.addr(0), &client_config(&pki, false));
        ping(&mut tls, b"still serving");
        drop(tls);
        let stderr = stop(server);
        assert_eq!(
            stderr.matches("a client speaking plaintext?").count(),
            1,
            "{stderr}"
        );
    }

    /// rustls logs warnings in Rust's debug text (`Received a ApplicationData message while
    /// expecting [Handshake]`): tackle holds them back, at every -v level and under a general
    /// TACKLE_LOG level (its own line says what happened), unless TACKLE_LOG names rustls.
    #[test]
    fn rustls_own_warnings_stay_out_of_the_log_unless_tackle_log_names_rustls() {
        // A record of application data where the ClientHello should be.
        let early_data = [0x17, 0x03, 0x03, 0x00, 0x01, 0x00];
        let pki = pki("localhost");
        let cases: [(&[&str], Option<&str>, bool); 5] = [
            (&[], None, false),
            (&["-vvv"], None, false),
            (&[], Some("trace"), false),
            (&["-q"], Some("warn,rustls=warn"), true),
            (&[], Some("rustls::check=warn"), true),
        ];
        for (flags, filter, shown) in cases {
            let mut run = tls_run(&pki, flags);
            if let Some(filter) = filter {
                run = run.env("TACKLE_LOG", filter);
            }
            let server = run.serve(1);
            let mut client = connect(&server, 0);
            client.write_all(&early_data).unwrap();
            read_to_end(&mut client);
            let stderr = stop(server);
            let case = format!("{flags:?} TACKLE_LOG={filter:?}");
            assert_eq!(
                stderr.contains("while expecting [Handshake]"),
                shown,
                "{case}: {stderr}"
            );
            if shown {
                // Named by rustls' own module and line, not by the `log` shim's (`log:0`).
                assert!(stderr.contains("(rustls::check:"), "{case}: {stderr}");
            }
            if flags == ["-vvv"] {
                // tackle's own words for it stay.
                assert!(
                    stderr.contains("TLS handshake failed: "),
                    "{case}: {stderr}"
                );
            }
        }
    }

    #[test]
    fn a_silent_client_is_dropped_after_the_handshake_timeout() {
        let pki = pki("localhost");
        let server = tls_server(&pki, &["--tls-handshake-timeout", "300ms"]);
        let mut silent = connect(&server, 0);
        let since = Instant::now();
        assert_eq!(read_to_end(&mut silent), b"");
        assert!(since.elapsed() >= Duration::from_millis(250));
        let stderr = stop(server);
        assert!(stderr.contains("1 TLS handshake failure,"), "{stderr}");
        assert!(stderr.contains("0 connections served"), "{stderr}");
    }

    /// Handshakes in progress do not count against --max-conns; beyond --max-handshakes the
    /// oldest is dropped, so idle sockets cannot lock real clients out.
    #[test]
    fn idle_handshakes_neither_use_connection_slots_nor_lock_clients_out() {
        let pki = pki("localhost");
        let server = tls_server(
            &pki,
            &[
                "-v",
                "--max-conns",
                "1",
                "--max-handshakes",
                "2",
                "--tls-handshake-timeout",
                "10m",
            ],
        );
        // Three sockets that never start their handshake: more than --max-conns, and more
        // than --max-handshakes.
        let idle: Vec<TcpStream> = (0..3).map(|_| connect(&server, 0)).collect();
        wait_for_log(&server, "connection opened", 3);
        let mut tls = connect_tls(server.addr(0), &client_config(&pki, false));
        ping(&mut tls, b"served despite the idle crowd");
        drop((tls, idle));
        let stderr = stop(server);
        assert!(stderr.contains("1 connection served"), "{stderr}");
        assert!(!stderr.contains(" 0 handshakes dropped"), "{stderr}");
        assert!(
            stderr.contains("--max-handshakes 2 in progress"),
            "{stderr}"
        );
    }

    #[test]
    fn idle_hmac_handshakes_do_not_lock_out_a_real_client() {
        let run = tackle([
            "serve-echo",
            "--tcp",
            "0",
            "--auth-key-file",
            "key",
            "--max-conns",
            "1",
            "--max-handshakes",
            "2",
        ]);
        let server = super::auth::with_key(run, b"peekaboo").serve(1);
        let idle: Vec<TcpStream> = (0..3).map(|_| connect(&server, 0)).collect();
        let mut real = connect(&server, 0);
        let challenge = read_exactly(&mut real, 32);
        real.write_all(&tackle::net::auth::answer(b"peekaboo", &challenge))
            .unwrap();
        ping(&mut real, b"in");
        drop((idle, real));
        let stderr = stop(server);
        assert!(stderr.contains("1 connection served"), "{stderr}");
    }

    #[test]
    fn bad_certificate_files_are_runtime_errors_naming_the_file_and_leave_nothing_behind() {
        let pki = pki("localhost");
        let other = super::tls::pki("other");
        let run = tackle([
            "serve-echo",
            "--unix",
            "first.sock",
            "--tls",
            "0",
            "--tls-cert",
            "cert.pem",
            "--tls-key",
            "other-key.pem",
        ]);
        let out = with_pki(run, &pki)
            .file("other-key.pem", &other.server_key_pem)
            .run();
        out.code(1)
            .stderr_contains("--tls-cert cert.pem and --tls-key other-key.pem")
            .stderr_contains("does not belong to the certificate");
        assert!(!out.dir.path().join("first.sock").exists());
        tackle([
            "serve-echo",
            "--tls",
            "0",
            "--tls-cert",
            "missing.pem",
            "--tls-key",
            "key.pem",
        ])
        .run()
        .code(1)
        .stderr_contains("missing.pem: cannot read");
        let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0w\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let run = tackle([
            "serve-echo",
            "--tls",
            "0",
            "--tls-cert",
            "cert.pem",
            "--tls-key",
            "locked.pem",
        ]);
        with_pki(run, &pki)
            .file("locked.pem", encrypted)
            .run()
            .code(1)
            .stderr_contains("locked.pem: the private key is encrypted with a passphrase")
            .stderr_contains("openssl pkey -in locked.pem");
        tackle(["serve-echo", "--tls", "0"])
            .run()
            .code(2)
            .stderr_contains("needs --tls-cert and --tls-key");
    }

    fn server_certificate_name(tls: &Tls) -> String {
        let der = &tls.conn.peer_certificates().unwrap()[0];
        tackle::tls::subject::subject_of(der).unwrap()
    }

    #[test]
    fn sighup_reloads_the_certificate_and_a_bad_file_keeps_the_old_one() {
        let first = pki("first");
        let server = tls_server(&first, &["-v"]);
        let dir = server.spawned.dir.path().to_path_buf();
        let config = client_config(&first, false);
        let mut tls = connect_tls(server.addr(0), &config);
        ping(&mut tls, b"1");
        assert!(server_certificate_name(&tls).contains("CN=first"));

        // The same CA signs the new pair, so the same client trusts both.
        let second_pem = first.another_server("second");
        std::fs::write(dir.join("cert.pem"), &second_pem.0).unwrap();
        std::fs::write(dir.join("key.pem"), &second_pem.1).unwrap();
        server.signal(libc::SIGHUP);
        wait_for_log(&server, "certificate and key reloaded", 1);
        let mut tls2 = connect_tls(server.addr(0), &config);
        ping(&mut tls2, b"2");
        assert!(server_certificate_name(&tls2).contains("CN=second"));
        // The connection made before the reload goes on.
        ping(&mut tls, b"still 1");

        std::fs::write(dir.join("key.pem"), "not a key").unwrap();
        server.signal(libc::SIGHUP);
        wait_for_log(&server, "keeping the certificate in use", 1);
        let mut tls3 = connect_tls(server.addr(0), &config);
        ping(&mut tls3, b"3");
        assert!(server_certificate_name(&tls3).contains("CN=second"));
        drop((tls, tls2, tls3));
        stop(server);
    }

    #[test]
    fn deny_refuses_tls_peers_before_the_handshake() {
        let pki = pki("localhost");
        let server = tls_server(&pki, &["-vv", "--deny", "127.0.0.1"]);
        let mut tls = connect_tls(server.addr(0), &client_config(&pki, false));
        let _ = tls.write_all(b"denied");
        let mut buf = [0; 8];
        assert!(
            !matches!(tls.read(&mut buf), Ok(n) if n > 0),
            "a denied peer was served"
        );
        drop(tls);
        let stderr = stop(server);
        assert!(stderr.contains("refused by --allow/--deny"), "{stderr}");
        assert!(stderr.contains("0 TLS handshake failures"), "{stderr}");
        assert!(
            stderr.contains("0 connections served, plus 1 refused"),
            "{stderr}"
        );
    }

    /// A socket named `tls` in LISTEN_FDNAMES is served with TLS.
    #[test]
    fn a_socket_activated_listener_named_tls_speaks_tls() {
        use std::io::BufRead;
        let pki = pki("localhost");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cert.pem"), &pki.server_cert_pem).unwrap();
        std::fs::write(dir.path().join("key.pem"), &pki.server_key_pem).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let sockets = vec![std::os::fd::OwnedFd::from(listener)];
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        let mut spawned = super::socket_activated(
            &sockets,
            "tls",
            &[
                "serve-echo",
                "--tls-cert",
                cert.to_str().unwrap(),
                "--tls-key",
                key.to_str().unwrap(),
            ],
        );
        drop(sockets);
        let mut line = String::new();
        spawned.stdout.read_line(&mut line).unwrap();
        assert_eq!(
            line.trim_end(),
            format!("listening tls {addr}"),
            "{}",
            spawned.stderr_log()
        );
        let mut tls = connect_tls(&addr.to_string(), &client_config(&pki, false));
        ping(&mut tls, b"activated TLS");
        drop(tls);
        // SAFETY: kill with our child's pid.
        unsafe { libc::kill(spawned.child.id() as i32, libc::SIGTERM) };
        let status = spawned.child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{}", spawned.stderr_log());
    }

    #[test]
    fn several_threads_share_a_tls_port() {
        let pki = pki("localhost");
        let server = tls_server(&pki, &["--threads", "2"]);
        let config = client_config(&pki, false);
        let clients: Vec<Tls> = (0..8)
            .map(|_| connect_tls(server.addr(0), &config))
            .collect();
        for (i, mut tls) in clients.into_iter().enumerate() {
            ping(&mut tls, format!("client {i}").as_bytes());
        }
        let stderr = stop(server);
        assert!(stderr.contains("8 connections served"), "{stderr}");
    }

    /// Waits until the server's log holds `needle` `times` times.
    fn wait_for_log(server: &Server, needle: &str, times: usize) {
        let since = Instant::now();
        while server.stderr().matches(needle).count() < times {
            assert!(
                since.elapsed() < PATIENCE,
                "no {needle:?} in:\n{}",
                server.stderr()
            );
            std::thread::yield_now();
        }
    }
}

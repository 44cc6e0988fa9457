//! `tackle connect` against tackle's own servers, through the real binary and real sockets:
//! echo over TCP, Unix and TLS (with a client certificate), the HMAC handshake with the right
//! and a wrong key, UDP lines and broadcast on loopback, the time server, `--zero`, and the
//! errors. Every server binds port 0 and is reached through its `listening` line.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::{Outcome, Run, Server, tackle};
use sha2::{Digest, Sha256};

/// Long enough for a loaded machine, short enough that a hang fails the test.
const PATIENCE: Duration = Duration::from_secs(60);

fn echo_server(extra: &[&str]) -> Server {
    let mut args = vec!["serve-echo", "--tcp", "0"];
    args.extend_from_slice(extra);
    tackle(args).serve(1)
}

/// `tackle connect ARGS...`.
fn connect<const N: usize>(args: [&str; N]) -> Run {
    tackle(std::iter::once("connect").chain(args))
}

/// A port nothing listens on (bound, then closed again).
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Writes `contents` as the file `name` in the run's directory, with this mode.
fn with_key(run: Run, name: &str, contents: &[u8], mode: u32) -> Run {
    let path = run.dir().join(name);
    std::fs::write(&path, contents).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    run
}

/// `tackle connect SERVER --auth-key-file key EXTRA...`, with `key` holding `contents` in the
/// run's directory with this mode.
fn with_key_file(server: &Server, contents: &str, mode: u32, extra: &[&str]) -> Run {
    let mut args = vec!["connect", server.addr(0), "--auth-key-file", "key"];
    args.extend_from_slice(extra);
    with_key(tackle(args), "key", contents.as_bytes(), mode)
}

/// A `tackle connect` process with the given stdin and stdout, stderr captured.
fn spawn_connect(args: &[&str], stdin: Stdio, stdout: Stdio) -> Child {
    Command::new(common::bin())
        .arg("connect")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(stdin)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tackle connect")
}

/// The peak resident memory of a running process, in KiB (`VmHWM`), if it still runs.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Waits for `child`, at most [`PATIENCE`]; returns its status, its peak RSS in KiB (the last
/// high-water mark read while it ran: wait4's figure would count the test process, whose
/// memory the child shares until it execs) and its stderr.
fn finish(mut child: Child) -> (ExitStatus, u64, String) {
    let mut stderr = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + PATIENCE;
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_rss_kib(child.id()) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().expect("wait for tackle connect") {
            break status;
        }
        assert!(Instant::now() < deadline, "tackle connect hung");
        std::thread::sleep(Duration::from_millis(2));
    };
    (status, peak, reader.join().unwrap())
}

/// Waits until the server's log shows `needle` (its log lines are written by a thread of
/// their own, so they may come a little after the connection).
fn wait_for_log(server: &Server, needle: &str) {
    let deadline = Instant::now() + PATIENCE;
    while !server.stderr().contains(needle) {
        assert!(
            Instant::now() < deadline,
            "the log never showed {needle:?}:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

// --- echo over TCP ---------------------------------------------------------------------------

#[test]
fn stdin_goes_to_the_server_and_its_echo_to_stdout() {
    let server = echo_server(&[]);
    connect([server.addr(0)])
        .stdin("hello\nworld\n")
        .run()
        .success()
        .stdout_is("hello\nworld\n")
        .stderr_empty();
}

#[test]
fn host_and_port_may_be_given_apart_as_nc_takes_them() {
    let server = echo_server(&[]);
    let port = server.addr(0).rsplit(':').next().unwrap().to_owned();
    connect(["127.0.0.1", &port])
        .stdin("nc style")
        .run()
        .success()
        .stdout_is("nc style");
    connect(["localhost", &port, "-4"])
        .stdin("by name")
        .run()
        .success()
        .stdout_is("by name");
}

#[test]
fn ipv6_addresses_in_brackets_or_apart() {
    let server = tackle(["serve-echo", "--tcp", "[::1]:0", "--udp", "[::1]:0"]).serve(2);
    let tcp = server.addr(0);
    assert!(tcp.starts_with("[::1]:"), "{tcp}");
    let port = tcp.rsplit(':').next().unwrap().to_owned();
    connect([tcp])
        .stdin("over v6")
        .run()
        .success()
        .stdout_is("over v6")
        .stderr_empty();
    connect(["::1", &port, "-6"])
        .stdin("v6 nc style")
        .run()
        .success()
        .stdout_is("v6 nc style");
    connect(["--udp", server.addr(1), "--show-peer"])
        .stdin("dgram v6\n")
        .run()
        .success()
        .stdout_is(&format!("from {}: dgram v6\n", server.addr(1)));
}

#[test]
fn wait_counts_silence_not_the_whole_run() {
    // Activity every 100 ms keeps a `--wait 400ms` connection open well past 400 ms; once
    // nothing moves, it ends (status 0) though stdin is still open.
    let server = echo_server(&[]);
    let started = Instant::now();
    let mut child = spawn_connect(
        &[server.addr(0), "--wait", "400ms"],
        Stdio::piped(),
        Stdio::piped(),
    );
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    for i in 0..8u8 {
        stdin.write_all(&[b'a' + i]).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, _, stderr) = finish(child);
    assert!(status.success(), "{status}: {stderr}");
    assert!(started.elapsed() >= Duration::from_millis(1000));
    let mut echoed = String::new();
    stdout.read_to_string(&mut echoed).unwrap();
    assert_eq!(echoed, "abcdefgh");
    drop(stdin);
}

#[test]
fn empty_stdin_ends_at_once_with_nothing_out() {
    let server = echo_server(&[]);
    connect([server.addr(0)])
        .run()
        .success()
        .stdout_is("")
        .stderr_empty();
}

/// stdin and stdout as pipes, a file and /dev/null: each path (spliced, sent, staged, copied)
/// carries the bytes unchanged.
#[test]
fn stdout_appended_to_a_file_keeps_every_byte() {
    // `tackle connect ... >> log`: Linux refuses splice(2) into a file opened for appending;
    // the first chunk must not be lost on the way to the copying path.
    let server = echo_server(&[]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.bin");
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 13 % 251) as u8).collect();
    std::fs::write(&input, &data).unwrap();
    let log = dir.path().join("log");
    std::fs::write(&log, b"before\n").unwrap();
    let appending = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let child = spawn_connect(
        &[server.addr(0)],
        Stdio::from(std::fs::File::open(&input).unwrap()),
        Stdio::from(appending),
    );
    let (status, _, stderr) = finish(child);
    assert!(status.success(), "{status}: {stderr}");
    let written = std::fs::read(&log).unwrap();
    assert_eq!(written.len(), 7 + data.len(), "bytes lost or added");
    assert!(
        written[..7] == *b"before\n" && written[7..] == data[..],
        "the echo differs"
    );
}

#[test]
fn files_pipes_and_dev_null_all_carry_the_bytes() {
    let server = echo_server(&[]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.bin");
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&input, &data).unwrap();
    // stdin a file, stdout a file.
    let output = dir.path().join("out.bin");
    let child = spawn_connect(
        &[server.addr(0)],
        Stdio::from(std::fs::File::open(&input).unwrap()),
        Stdio::from(std::fs::File::create(&output).unwrap()),
    );
    let (status, _, stderr) = finish(child);
    assert!(status.success(), "{status}: {stderr}");
    assert!(
        std::fs::read(&output).unwrap() == data,
        "file to file differs"
    );
    // stdin a file, stdout /dev/null.
    let child = spawn_connect(
        &[server.addr(0)],
        Stdio::from(std::fs::File::open(&input).unwrap()),
        Stdio::null(),
    );
    let (status, _, stderr) = finish(child);
    assert!(status.success(), "{status}: {stderr}");
    // stdin a pipe, stdout a pipe (the harness).
    let out = connect([server.addr(0)]).stdin(data.clone()).run();
    out.success();
    assert!(out.stdout == data, "pipe to pipe differs");
}

/// A stream of pseudo-random bytes as long as anyone wants, cheap to make and to check even
/// in a debug build: block `i` is one fixed random mebibyte rotated by a different amount, so
/// any lost, repeated, reordered or changed byte shows, and every comparison is a `memcmp`.
struct Pattern {
    block: Vec<u8>,
}

impl Pattern {
    const BLOCK: usize = 1 << 20;

    fn new() -> Pattern {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let block = (0..Self::BLOCK)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        Pattern { block }
    }

    /// Block `i` as two slices.
    fn block(&self, i: u64) -> (&[u8], &[u8]) {
        let turn = (i as usize).wrapping_mul(7919) % Self::BLOCK;
        (&self.block[turn..], &self.block[..turn])
    }

    /// The longest run of the stream starting at byte `pos` that is one slice.
    fn at(&self, pos: u64) -> &[u8] {
        let (first, second) = self.block(pos / Self::BLOCK as u64);
        let within = (pos % Self::BLOCK as u64) as usize;
        if within < first.len() {
            &first[within..]
        } else {
            &second[within - first.len()..]
        }
    }

    /// Writes the first `total` bytes (a whole number of blocks) to `out`.
    fn write(&self, out: &mut impl Write, total: u64) -> std::io::Result<()> {
        for i in 0..total / Self::BLOCK as u64 {
            let (first, second) = self.block(i);
            out.write_all(first)?;
            out.write_all(second)?;
        }
        Ok(())
    }

    /// Reads `input` to its end; returns how many bytes matched the stream before the first
    /// difference (or the end).
    fn check(&self, input: &mut impl Read) -> u64 {
        let mut pos = 0u64;
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = match input.read(&mut buffer) {
                Ok(0) | Err(_) => return pos,
                Ok(n) => n,
            };
            let mut got = &buffer[..n];
            while !got.is_empty() {
                let expected = self.at(pos);
                let len = expected.len().min(got.len());
                if got[..len] != expected[..len] {
                    let first_bad = got.iter().zip(expected).take_while(|(a, b)| a == b).count();
                    return pos + first_bad as u64;
                }
                pos += len as u64;
                got = &got[len..];
            }
        }
    }
}

/// Sends `total` bytes of the [`Pattern`] through `tackle connect ARGS` (stdin and stdout
/// pipes) and returns (bytes back intact, peak RSS in KiB, status, stderr).
fn stream_through(
    args: &[&str],
    env: &[(&str, &str)],
    total: u64,
) -> (u64, u64, ExitStatus, String) {
    let mut command = Command::new(common::bin());
    command
        .arg("connect")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("spawn tackle connect");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let pattern = std::sync::Arc::new(Pattern::new());
    let source = std::sync::Arc::clone(&pattern);
    let writer = std::thread::spawn(move || source.write(&mut stdin, total));
    let reader = std::thread::spawn(move || pattern.check(&mut stdout));
    let (status, rss, stderr) = finish(child);
    writer.join().unwrap().expect("write stdin");
    (reader.join().unwrap(), rss, status, stderr)
}

/// The figure: 1 GiB through serve-echo, compared byte for byte, in under 16 MiB of
/// peak RSS (the bytes are spliced: they never enter tackle's memory, so even the debug build
/// stays under the bound, and the run takes seconds).
#[test]
fn a_gigabyte_round_trips_intact_in_bounded_memory() {
    let server = echo_server(&[]);
    let total = 1 << 30;
    let (intact, rss, status, stderr) = stream_through(&[server.addr(0)], &[], total);
    assert!(status.success(), "{status}: {stderr}");
    assert_eq!(intact, total, "the echo differs from byte {intact} on");
    assert!(rss < 16 * 1024, "peak RSS {rss} KiB");
}

#[test]
fn a_closed_stdout_ends_the_run_quietly_with_status_zero() {
    let server = echo_server(&[]);
    // stdin from /dev/zero (read by the thread) and from an endless pipe (spliced).
    for endless_pipe in [false, true] {
        let stdin = if endless_pipe {
            Stdio::piped()
        } else {
            Stdio::from(std::fs::File::open("/dev/zero").unwrap())
        };
        let mut child = spawn_connect(&[server.addr(0)], stdin, Stdio::piped());
        if let Some(mut pipe) = child.stdin.take() {
            std::thread::spawn(move || while pipe.write_all(&[0u8; 65536]).is_ok() {});
        }
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 10];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout); // `| head -c 10`
        let (status, _, stderr) = finish(child);
        assert_eq!(status.code(), Some(0), "pipe={endless_pipe}: {stderr}");
        assert!(stderr.is_empty(), "pipe={endless_pipe}: {stderr}");
    }
}

#[test]
fn the_server_closing_first_ends_the_run() {
    // serve-time sends its reply and closes; stdin never ends.
    let server = tackle(["serve-time", "--tcp", "0", "--format", "unix"]).serve(1);
    let mut child = spawn_connect(&[server.addr(0)], Stdio::piped(), Stdio::piped());
    let _stdin = child.stdin.take();
    let mut stdout = child.stdout.take().unwrap();
    let (status, _, stderr) = finish(child);
    assert!(status.success(), "{status}: {stderr}");
    let mut text = String::new();
    stdout.read_to_string(&mut text).unwrap();
    assert!(text.trim().parse::<u64>().is_ok(), "{text:?}");
}

#[test]
fn a_terminal_session_types_lines_and_ends_with_ctrl_d() {
    let server = echo_server(&[]);
    // With the terminal's own echo off, the line shows only if tackle passes the echo on.
    let mut pty = common::Pty::bash(&format!(
        "stty -echo; echo ready; \"$TACKLE\" connect {}; echo \"status=$?\"",
        server.addr(0)
    ));
    pty.expect("ready");
    pty.send("ping over a terminal\n");
    pty.expect("ping over a terminal");
    pty.send("\x04");
    pty.expect("status=0");
}

#[test]
fn closed_standard_descriptors_are_never_taken_by_the_socket() {
    use std::os::unix::process::CommandExt;
    let server = echo_server(&[]);
    for fd in [0, 1] {
        let mut command = Command::new(common::bin());
        command
            .args(["connect", server.addr(0)])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // SAFETY: close(2) between fork and exec only closes the child's own descriptor.
        unsafe {
            command.pre_exec(move || {
                libc::close(fd);
                Ok(())
            });
        }
        let mut child = command.spawn().unwrap();
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(b"hello");
        }
        let (status, _, stderr) = finish(child);
        // A closed stdin reads as empty, a closed stdout discards: either way a clean end.
        assert!(status.success(), "fd {fd}: {status}: {stderr}");
    }
}

#[test]
fn no_shutdown_keeps_our_side_open_until_wait_passes() {
    let server = echo_server(&[]);
    let started = Instant::now();
    connect([server.addr(0), "--no-shutdown", "--wait", "300ms"])
        .stdin("still here")
        .run()
        .success()
        .stdout_is("still here");
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn source_binds_our_end() {
    let server = echo_server(&["-v"]);
    connect([server.addr(0), "--source", "127.0.0.2"])
        .stdin("from .2")
        .run()
        .success()
        .stdout_is("from .2");
    wait_for_log(&server, "peer=127.0.0.2:");
}

#[test]
fn verbose_logs_the_connection_on_stderr_only() {
    let server = echo_server(&[]);
    let out = connect([server.addr(0), "-v"]).stdin("x").run();
    out.success()
        .stdout_is("x")
        .stderr_contains("connected to 127.0.0.1:")
        .stderr_contains("connection closed");
}

// --- errors ----------------------------------------------------------------------------------

#[test]
fn a_refused_connection_is_exit_1_in_plain_words() {
    let port = closed_port();
    let addr = format!("127.0.0.1:{port}");
    let out = connect([addr.as_str()]).run();
    out.code(1).stdout_is("");
    assert_eq!(
        out.stderr_str(),
        format!("tackle: connect: {addr}: cannot connect: Connection refused\n")
    );
}

#[test]
fn a_name_that_does_not_resolve_is_exit_1() {
    connect(["no-such-host.invalid:7000"])
        .run()
        .code(1)
        .stderr_contains("tackle: connect: no-such-host.invalid:7000: cannot resolve");
}

#[test]
fn a_family_the_target_lacks_is_exit_1() {
    connect(["127.0.0.1:7", "--ipv6"])
        .run()
        .code(1)
        .stderr_contains("has no IPv6 address");
}

#[test]
fn bad_flags_are_usage_errors() {
    for (args, needle) in [
        (vec![], "ADDR"),
        (vec!["127.0.0.1:0"], "port 0"),
        (vec!["nonsense"], "invalid address"),
        (vec!["localhost", "http"], "invalid port"),
        (vec!["127.0.0.1:7", "--ca-file", "ca.pem"], "need --tls"),
        (vec!["127.0.0.1:7", "--udp", "--tls"], "--tls"),
        (vec!["127.0.0.1:7", "--hex"], "--udp"),
        (vec!["127.0.0.1:7", "--zero", "--time"], "--zero"),
        (vec!["127.0.0.1:7", "--unix", "x.sock"], "--unix"),
        (vec!["127.0.0.1:7", "--wait", "0"], "--wait"),
        (vec!["127.0.0.1:7", "-4", "--source", "::1"], "--source"),
        (
            vec!["127.0.0.1:7", "--tls", "--sni", "bad_name!"],
            "--sni \"bad_name!\": not a host name or IP address",
        ),
        (
            vec!["127.0.0.1:7", "--auth-key-env", "UNSET_KEY_VAR"],
            "not set",
        ),
    ] {
        let out = tackle(std::iter::once("connect").chain(args.iter().copied())).run();
        out.code(2).stderr_contains("tackle: connect: ");
        out.stderr_contains(needle);
    }
}

#[test]
fn zero_reports_an_open_port_and_a_closed_one() {
    let server = echo_server(&[]);
    connect(["--zero", server.addr(0)])
        .run()
        .success()
        .stdout_is(&format!("connected to {}\n", server.addr(0)));
    let closed = format!("127.0.0.1:{}", closed_port());
    connect(["-z", "--timeout", "2s", closed.as_str()])
        .run()
        .code(1)
        .stdout_is("")
        .stderr_contains("cannot connect: Connection refused");
}

// --- the HMAC handshake ----------------------------------------------------------------------

mod auth {
    use super::*;

    const KEY: &str = "correct horse battery";

    fn server() -> Server {
        tackle(["serve-echo", "--tcp", "0", "--auth-key-env", "ECHO_KEY"])
            .env("ECHO_KEY", KEY)
            .serve(1)
    }

    #[test]
    fn the_right_key_from_the_environment_opens_the_echo() {
        let server = server();
        connect([server.addr(0), "--auth-key-env", "MY_KEY"])
            .env("MY_KEY", KEY)
            .stdin("authenticated\n")
            .run()
            .success()
            .stdout_is("authenticated\n")
            .stderr_empty();
    }

    #[test]
    fn the_right_key_from_a_file_with_nothing_to_send_ends_cleanly() {
        let server = server();
        with_key_file(&server, KEY, 0o600, &[])
            .run()
            .success()
            .stdout_is("")
            .stderr_empty();
    }

    #[test]
    fn a_wrong_key_is_authentication_refused_with_or_without_input() {
        let server = server();
        for input in ["some input", ""] {
            let out = connect([server.addr(0), "--auth-key-env", "MY_KEY"])
                .env("MY_KEY", "not the key")
                .stdin(input)
                .run();
            out.code(1).stdout_is("").stderr_contains(&format!(
                "tackle: connect: {}: authentication refused",
                server.addr(0)
            ));
        }
    }

    #[test]
    fn zero_checks_the_key_too() {
        let server = server();
        connect(["-z", server.addr(0), "--auth-key-env", "K"])
            .env("K", KEY)
            .run()
            .success()
            .stdout_contains("connected to");
        connect(["-z", server.addr(0), "--auth-key-env", "K"])
            .env("K", "wrong key!")
            .run()
            .code(1)
            .stderr_contains("authentication refused");
    }

    #[test]
    fn a_server_without_a_challenge_is_said_so() {
        let server = echo_server(&[]);
        connect([server.addr(0), "--auth-key-env", "K", "--timeout", "1s"])
            .env("K", KEY)
            .stdin("x")
            .run()
            .code(1)
            .stderr_contains("no authentication challenge within 1s");
    }

    #[test]
    fn a_key_file_others_can_read_is_refused_unless_allowed() {
        let server = server();
        with_key_file(&server, KEY, 0o644, &[])
            .stdin("x")
            .run()
            .code(1)
            .stderr_contains("chmod 600");
        with_key_file(&server, KEY, 0o644, &["--allow-readable-secrets"])
            .stdin("x")
            .run()
            .success()
            .stdout_is("x");
    }

    #[test]
    fn keys_under_four_bytes_are_usage_errors() {
        connect(["127.0.0.1:7", "--auth-key-env", "K"])
            .env("K", "abc")
            .run()
            .code(2)
            .stderr_contains("at least 4");
    }
}

// --- Unix sockets ----------------------------------------------------------------------------

#[test]
fn unix_sockets_by_path_and_abstract_name() {
    let run = tackle([
        "serve-echo",
        "--unix",
        "echo.sock",
        "--unix",
        "@tackle-connect-test",
    ]);
    let path = run.dir().join("echo.sock");
    let server = run.serve(2);
    connect(["--unix", path.to_str().unwrap()])
        .stdin("over a file")
        .run()
        .success()
        .stdout_is("over a file");
    connect(["--unix", "@tackle-connect-test"])
        .stdin("abstract")
        .run()
        .success()
        .stdout_is("abstract");
    drop(server);
    connect(["--unix", "/nonexistent/echo.sock"])
        .run()
        .code(1)
        .stderr_contains("/nonexistent/echo.sock: cannot connect: No such file or directory");
}

// --- UDP -------------------------------------------------------------------------------------

#[test]
fn udp_sends_each_line_and_prints_each_reply() {
    let server = tackle(["serve-echo", "--udp", "0"]).serve(1);
    connect(["--udp", server.addr(0)])
        .stdin("one\ntwo\nthree")
        .run()
        .success()
        .stdout_is("one\ntwo\nthree\n");
    connect(["--udp", server.addr(0), "--datagram-stdin", "--hex"])
        .stdin("a\nb")
        .run()
        .success()
        .stdout_is("610a62\n");
    connect(["--udp", server.addr(0), "--show-peer", "--wait", "200ms"])
        .stdin("hi\n")
        .run()
        .success()
        .stdout_is(&format!("from {}: hi\n", server.addr(0)));
}

#[test]
fn udp_replies_are_printed_while_stdin_never_pauses() {
    // `yes | tackle connect --udp ... | head -c 10`: replies must come out while lines keep
    // coming, and the reader going away ends the run quietly.
    let server = tackle(["serve-echo", "--udp", "0"]).serve(1);
    let mut child = spawn_connect(&["--udp", server.addr(0)], Stdio::piped(), Stdio::piped());
    let mut pipe = child.stdin.take().unwrap();
    std::thread::spawn(move || while pipe.write_all(&b"y\n".repeat(32768)).is_ok() {});
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut first = [0u8; 10];
        let read = stdout.read_exact(&mut first).map(|()| first);
        let _ = tx.send(read.map_err(|e| e.to_string()));
        // `stdout` is dropped here: the reader goes away.
    });
    let first = rx.recv_timeout(PATIENCE);
    if first.is_err() {
        let _ = child.kill();
    }
    let first = first.expect("no reply printed while stdin kept coming");
    assert_eq!(&first.unwrap(), b"y\ny\ny\ny\ny\n");
    let (status, _, stderr) = finish(child);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn udp_replies_after_the_last_send_are_printed_within_wait() {
    // A peer that answers each datagram twice, 300 ms late: both answers come after stdin's
    // end and the last send, and are printed while --wait lasts.
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = peer.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 64];
        while let Ok((n, from)) = peer.recv_from(&mut buffer) {
            std::thread::sleep(Duration::from_millis(300));
            let _ = peer.send_to(&[b"late ", &buffer[..n]].concat(), from);
            let _ = peer.send_to(&[b"later ", &buffer[..n]].concat(), from);
        }
    });
    connect(["--udp", addr.as_str(), "--wait", "5s"])
        .stdin("q\n")
        .run()
        .success()
        .stdout_is("late q\nlater q\n");
}

#[test]
fn udp_to_a_port_nobody_listens_on_is_exit_1() {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap().to_string();
    drop(socket);
    connect(["--udp", addr.as_str()])
        .stdin("anyone?\n")
        .run()
        .code(1)
        .stderr_contains("nothing is listening on that UDP port");
}

#[test]
fn broadcast_on_loopback_needs_the_flag_and_shows_who_answered() {
    let server = tackle(["serve-echo", "--udp", "0.0.0.0:0"]).serve(1);
    let port = server.addr(0).rsplit(':').next().unwrap().to_owned();
    let target = format!("127.255.255.255:{port}");
    connect(["--udp", target.as_str()])
        .stdin("ping\n")
        .run()
        .code(1)
        .stderr_contains("needs --broadcast");
    connect(["--udp", "--broadcast", "--show-peer", target.as_str()])
        .stdin("ping\n")
        .run()
        .success()
        .stdout_is(&format!("from 127.0.0.1:{port}: ping\n"));
}

// --- TLS -------------------------------------------------------------------------------------

mod tls {
    use super::*;
    use common::pki::{Pair, TestCa, self_signed_ca_certificate};

    /// A test CA, a server certificate for localhost and 127.0.0.1, and a client certificate.
    struct Pki {
        ca: String,
        server: Pair,
        client: Pair,
        /// A self-signed CA:TRUE certificate for localhost, as `openssl req -x509` makes them.
        self_signed: Pair,
    }

    fn pki() -> Pki {
        let ca = TestCa::new("connect test CA");
        Pki {
            ca: ca.pem(),
            server: ca.leaf(&["localhost", "127.0.0.1"], "localhost"),
            client: ca.leaf(&["client"], "connect client"),
            self_signed: self_signed_ca_certificate(),
        }
    }

    fn server(cert: &Pair, client_ca: Option<&str>) -> Server {
        let mut args = vec![
            "serve-echo",
            "--tls",
            "0",
            "--tls-cert",
            "cert.pem",
            "--tls-key",
            "key.pem",
        ];
        if client_ca.is_some() {
            args.extend(["--tls-client-ca", "client-ca.pem"]);
        }
        tackle(args)
            .file("cert.pem", &cert.0)
            .file("key.pem", &cert.1)
            .file("client-ca.pem", client_ca.unwrap_or_default())
            .serve(1)
    }

    fn fingerprint(pem: &str) -> String {
        let der = rustls_pki_types::CertificateDer::from_pem_slice(pem.as_bytes()).unwrap();
        let digest = Sha256::digest(der.as_ref());
        digest
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    use rustls_pki_types::pem::PemObject;

    #[test]
    fn a_client_certificate_opens_a_server_that_requires_one() {
        let pki = pki();
        let server = server(&pki.server, Some(&pki.ca));
        let port = server.addr(0).rsplit(':').next().unwrap().to_owned();
        let by_name = format!("localhost:{port}");
        let with_certificate = || {
            connect([
                "--tls",
                by_name.as_str(),
                "--ca-file",
                "ca.pem",
                "--tls-cert",
                "c.pem",
                "--tls-key",
                "k.pem",
            ])
            .file("ca.pem", &pki.ca)
            .file("c.pem", &pki.client.0)
        };
        // The key is a secret: a copy others can read is refused, as sendmail refuses it.
        with_key(with_certificate(), "k.pem", pki.client.1.as_bytes(), 0o644)
            .stdin("x")
            .run()
            .code(1)
            .stderr_contains("--tls-key")
            .stderr_contains("chmod 600");
        with_key(with_certificate(), "k.pem", pki.client.1.as_bytes(), 0o600)
            .stdin("over TLS\n")
            .run()
            .success()
            .stdout_is("over TLS\n")
            .stderr_empty();
        connect(["--tls", by_name.as_str(), "--ca-file", "ca.pem"])
            .file("ca.pem", &pki.ca)
            .stdin("no certificate")
            .run()
            .code(1)
            .stderr_contains("tackle: connect: TLS: handshake with ")
            .stderr_contains("requires a client certificate");
    }

    #[test]
    fn the_certificate_is_checked_with_sendmails_rules_and_words() {
        let pki = pki();
        let server = server(&pki.server, None);
        let addr = server.addr(0);
        // Not signed by anyone we trust: the fix, with the fingerprint to pin.
        let out = connect(["--tls", addr]).stdin("x").run();
        out.code(1)
            .stderr_contains("is not signed by a CA tackle trusts")
            .stderr_contains(&fingerprint(&pki.server.0));
        // The address is in the certificate; a name that is not fails, --sni fixes it.
        connect(["--tls", addr, "--ca-file", "ca.pem"])
            .file("ca.pem", &pki.ca)
            .stdin("by address")
            .run()
            .success()
            .stdout_is("by address");
        connect(["--tls", addr, "--ca-file", "ca.pem", "--sni", "example.org"])
            .file("ca.pem", &pki.ca)
            .run()
            .code(1)
            .stderr_contains("not for example.org");
        // Pinned: exactly that certificate, no CA needed.
        let pin = fingerprint(&pki.server.0);
        connect(["--tls", addr, "--tls-fingerprint", pin.as_str()])
            .stdin("pinned")
            .run()
            .success()
            .stdout_is("pinned");
        // Insecure: works, and says so.
        connect(["--tls", addr, "--tls-insecure"])
            .stdin("insecure")
            .run()
            .success()
            .stdout_is("insecure")
            .stderr_contains("--tls-insecure: not verifying the certificate of 127.0.0.1");
    }

    #[test]
    fn an_exact_self_signed_ca_certificate_in_ca_file_is_trusted() {
        let pki = pki();
        let server = server(&pki.self_signed, None);
        connect(["--tls", server.addr(0), "--ca-file", "self.pem"])
            .file("self.pem", &pki.self_signed.0)
            .stdin("self-signed")
            .run()
            .success()
            .stdout_is("self-signed");
    }

    #[test]
    fn tls_to_a_plain_port_is_said_so() {
        // An echo port sends our ClientHello back; a time port sends plain text.
        let server = echo_server(&[]);
        connect(["--tls", server.addr(0), "--tls-insecure", "--timeout", "5s"])
            .stdin("x")
            .run()
            .code(1)
            .stderr_contains("TLS: handshake with")
            .stderr_contains("sent back our own TLS greeting")
            .stderr_contains("plain-text port");
        let time = tackle(["serve-time", "--tcp", "0"]).serve(1);
        connect(["--tls", time.addr(0), "--tls-insecure", "--timeout", "5s"])
            .run()
            .code(1)
            .stderr_contains("did not answer in TLS (is this a plain-text port?");
    }

    /// The downgrade attempt: a server that speaks plain text at once (as a man in the middle
    /// stripping TLS would). Nothing of stdin may leave in plain, and nothing the server says
    /// in plain may reach stdout; the run fails.
    #[test]
    fn nothing_moves_in_plain_before_the_handshake() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let peer = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            socket
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let _ = socket.write_all(b"PLAIN HELLO\r\n");
            let mut got = Vec::new();
            let mut buffer = [0u8; 4096];
            while let Ok(n) = socket.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buffer[..n]);
            }
            got
        });
        // Even with verification off (the weakest TLS tackle speaks).
        connect(["--tls", addr.as_str(), "--tls-insecure", "--timeout", "5s"])
            .stdin("SECRET PAYLOAD\n")
            .run()
            .code(1)
            .stdout_is("")
            .stderr_contains("TLS: handshake with");
        let got = peer.join().unwrap();
        assert!(!got.is_empty(), "no ClientHello was sent");
        assert_eq!(got[0], 0x16, "the first byte is not a TLS handshake record");
        assert!(
            !got.windows(6).any(|w| w == b"SECRET"),
            "stdin leaked in plain: {:?}",
            String::from_utf8_lossy(&got)
        );
    }

    /// The copying path (TLS, stdin read by its thread) with the HMAC handshake inside: 32 MiB
    /// come back intact, and memory does not grow with the amount (compared with a run that
    /// moves one block: the debug build alone is most of the 16 MiB).
    #[test]
    fn tls_carries_the_hmac_handshake_and_bulk_data_in_bounded_memory() {
        let pki = pki();
        let server = tackle([
            "serve-echo",
            "--tls",
            "0",
            "--tls-cert",
            "cert.pem",
            "--tls-key",
            "key.pem",
            "--auth-key-env",
            "K",
        ])
        .env("K", "tls and hmac")
        .file("cert.pem", &pki.server.0)
        .file("key.pem", &pki.server.1)
        .serve(1);
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, &pki.ca).unwrap();
        let args = [
            "--tls",
            server.addr(0),
            "--ca-file",
            ca.to_str().unwrap(),
            "--auth-key-env",
            "KEY",
        ];
        let env = [("KEY", "tls and hmac")];
        let block = Pattern::BLOCK as u64;
        let (intact, small, status, stderr) = stream_through(&args, &env, block);
        assert!(status.success() && intact == block, "{status}: {stderr}");
        let total = 32 << 20;
        let (intact, large, status, stderr) = stream_through(&args, &env, total);
        assert!(status.success(), "{status}: {stderr}");
        assert_eq!(intact, total, "the echo differs from byte {intact} on");
        assert!(
            large < small + 4 * 1024,
            "peak RSS {large} KiB after {small} KiB for one block"
        );
    }
}

// --- time ------------------------------------------------------------------------------------

mod time {
    use super::*;

    /// The offset in `2026-11-21T22:44:21+08:00 offset +0.012s`.
    fn offset_of(out: &Outcome) -> f64 {
        let text = out.stdout_str();
        let (time, offset) = text
            .trim_end()
            .split_once(" offset ")
            .unwrap_or_else(|| out.fail("no offset"));
        assert!(time.parse::<jiff::Timestamp>().is_ok(), "{time:?}");
        offset
            .strip_suffix('s')
            .and_then(|o| o.parse().ok())
            .unwrap_or_else(|| out.fail("bad offset"))
    }

    #[test]
    fn rfc868_over_tcp_and_udp_reads_back_as_the_local_clock() {
        let server = tackle([
            "serve-time",
            "--tcp",
            "0",
            "--udp",
            "0",
            "--format",
            "rfc868",
        ])
        .serve(2);
        for args in [
            vec!["--time", server.addr(0)],
            vec!["--time", "--udp", server.addr(1)],
        ] {
            let out = tackle(std::iter::once("connect").chain(args)).run();
            out.success();
            let offset = offset_of(&out);
            // Same machine, same clock: within the reply's one-second resolution.
            assert!(offset.abs() <= 1.5, "{}", out.stdout_str());
        }
    }

    #[test]
    fn text_formats_are_recognised_and_json_is_offered() {
        for format in ["ctime", "rfc3339", "rfc2822", "unix", "unix-ms"] {
            let server = tackle(["serve-time", "--tcp", "0", "--format", format]).serve(1);
            let out = connect(["--time", server.addr(0), "--utc", "--json"]).run();
            out.success();
            let json: serde_json::Value = serde_json::from_str(out.stdout_str()).unwrap();
            assert_eq!(json["format"], format, "{}", out.stdout_str());
            let offset = json["offset_seconds"].as_f64().unwrap();
            assert!(offset.abs() <= 1.5, "{format}: {}", out.stdout_str());
            assert!(json["time"].as_str().unwrap().ends_with('Z'));
        }
    }

    #[test]
    fn time_over_tls() {
        let pki = common::pki::self_signed_ca_certificate();
        let server = tackle([
            "serve-time",
            "--tls",
            "0",
            "--tls-cert",
            "cert.pem",
            "--tls-key",
            "key.pem",
            "--format",
            "rfc3339",
        ])
        .file("cert.pem", &pki.0)
        .file("key.pem", &pki.1)
        .serve(1);
        let out = connect(["--time", "--tls", server.addr(0), "--ca-file", "ca.pem"])
            .file("ca.pem", &pki.0)
            .run();
        out.success();
        assert!(offset_of(&out).abs() <= 1.5, "{}", out.stdout_str());
    }

    /// RFC 867 and 868 servers close after the reply; one that keeps the connection open
    /// has still said all it will once a line has come, so tackle does not wait for
    /// `--timeout` (30 s) to read it.
    #[test]
    fn a_text_reply_from_a_server_that_never_closes_is_read_at_its_newline() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let now = jiff::Timestamp::now().as_second();
            stream.write_all(format!("{now}\r\n").as_bytes()).unwrap();
            // Held open until tackle goes away.
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest);
        });
        let started = Instant::now();
        let out = connect(["--time", addr.as_str(), "--json"]).run();
        out.success();
        assert!(started.elapsed() < Duration::from_secs(10), "{out}");
        let json: serde_json::Value = serde_json::from_str(out.stdout_str()).unwrap();
        assert_eq!(json["format"], "unix", "{out}");
        assert!(
            json["offset_seconds"].as_f64().unwrap().abs() <= 1.5,
            "{out}"
        );
        server.join().unwrap();
    }

    #[test]
    fn a_format_that_does_not_match_is_exit_1() {
        let server = tackle(["serve-time", "--tcp", "0", "--format", "ctime"]).serve(1);
        connect(["--time", server.addr(0), "--format", "rfc868"])
            .run()
            .code(1)
            .stderr_contains("an RFC 868 reply is 4 bytes");
    }

    #[test]
    fn no_reply_over_udp_is_exit_1_after_wait() {
        // An echo server answers, but nothing answers on a port nobody bound: the wait ends.
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = socket.local_addr().unwrap().to_string();
        connect(["--time", "--udp", addr.as_str(), "--wait", "300ms"])
            .run()
            .code(1)
            .stderr_contains("no reply within 300ms");
    }
}

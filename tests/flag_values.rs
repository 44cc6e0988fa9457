//! No flag value makes tackle panic. Every value-taking flag of every subcommand (found in the
//! real clap definition, so a flag added later is covered without touching this file) is fed
//! extreme values (huge, negative and non-finite numbers, 1e19 s, empty, Unicode, very long,
//! invalid UTF-8) and random ones, through the real binary, in a run that ends quickly:
//! cidr-expand on a /30, csv-convert on a two-line file, sendmail `--dry-run`, run-cmd
//! `-- true`, connect to a port nothing listens on; the servers once at parse time (a bad flag after the value stops them there) and
//! once for real (started, sent one connection, stopped with SIGTERM while it is open).
//!
//! Each run must end by itself, with neither status 101 (a panic) nor a signal, and with no
//! `panicked` or backtrace note on stderr; a run that fails says so as
//! `tackle: <subcommand>: ...`.

mod common;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::os::unix::ffi::OsStringExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use proptest::prelude::*;

/// How long any one run may take before it counts as a hang (the machine may be loaded).
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// A flag that takes a value (or a positional argument, `long` empty), as clap defines it.
#[derive(Debug, Clone)]
struct ValueFlag {
    subcommand: String,
    long: String,
    value_name: String,
}

impl ValueFlag {
    /// The words that pass `value` to this flag. `--flag=value` keeps a value that starts
    /// with `-` a value; a positional comes after `--` for the same reason.
    fn words(&self, value: &OsString) -> Vec<OsString> {
        if self.long.is_empty() {
            return vec!["--".into(), value.clone()];
        }
        let mut word = OsString::from(format!("--{}=", self.long));
        word.push(value);
        vec![word]
    }

    /// A value this flag executes as a shell command.
    fn runs_its_value(&self) -> bool {
        matches!(self.value_name.as_str(), "CMD" | "TEMPLATE" | "COMMAND")
    }

    /// A value this flag creates or replaces a file at.
    fn writes_its_value(&self) -> bool {
        matches!(self.long.as_str(), "output" | "unix")
    }
}

/// Every value-taking flag of every visible subcommand, global flags included, and the
/// positional arguments that are data (not run-cmd's program).
fn value_flags() -> Vec<ValueFlag> {
    let mut top = tackle::cli::command();
    top.build();
    let mut flags = Vec::new();
    for sub in top
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        assert!(
            how_to_run(sub.get_name()).is_some(),
            "subcommand {} has no entry in how_to_run: say how to run it so that it ends at once",
            sub.get_name()
        );
        for arg in sub.get_arguments() {
            let takes_values = arg.get_num_args().is_some_and(|n| n.takes_values());
            if !takes_values || (arg.is_positional() && sub.get_name() == "run-cmd") {
                continue;
            }
            let value_name = arg
                .get_value_names()
                .and_then(|names| names.first())
                .map(|name| name.to_string())
                .unwrap_or_default();
            flags.push(ValueFlag {
                subcommand: sub.get_name().to_owned(),
                long: arg.get_long().unwrap_or_default().to_owned(),
                value_name,
            });
        }
    }
    flags
}

/// How a subcommand's run ends quickly whatever the value under test.
#[derive(Debug, Clone, Copy)]
enum Ending {
    /// It finishes on its own: these words follow the value.
    Finishes(&'static [&'static str]),
    /// A server: run at parse time, or for real and stopped by SIGTERM.
    Serves,
}

fn how_to_run(subcommand: &str) -> Option<Ending> {
    Some(match subcommand {
        "cidr-expand" => Ending::Finishes(&["10.0.0.0/30"]),
        "csv-convert" => Ending::Finishes(&["in.csv"]),
        "sendmail" => {
            Ending::Finishes(&["--dry-run", "--from=a@example.org", "--to=b@example.org"])
        }
        "run-cmd" => Ending::Finishes(&["--", "true"]),
        // A port nothing listens on: refused at once, whatever else the flags ask.
        "connect" => Ending::Finishes(&["--timeout=5s", "127.0.0.1:1"]),
        "serve-echo" | "serve-time" => Ending::Serves,
        _ => return None,
    })
}

/// Words a flag needs beside it to be used at all (`--seed` only means something with
/// `--shuffle`), replacing the subcommand's usual ending where they carry their own.
fn companions(flag: &ValueFlag) -> Option<&'static [&'static str]> {
    Some(match (flag.subcommand.as_str(), flag.long.as_str()) {
        ("cidr-expand", "seed") => &["--shuffle", "10.0.0.0/30"],
        ("run-cmd", "shell") => &[],
        ("run-cmd", "arg") => &["--shell=true {}"],
        ("run-cmd", "retry-on") => &["--retries=1", "--", "true"],
        // The signal and the SIGKILL deadline are used only once a timeout expires.
        ("run-cmd", "signal" | "kill-after") => {
            &["--timeout=0.01s", "--kill-after=0.1s", "--", "sleep", "1"]
        }
        ("run-cmd", "timeout") => &["--kill-after=0.1s", "--", "true"],
        // The address itself is the value under test (see `command_line`).
        ("connect", "") => &["--timeout=5s"],
        _ => return None,
    })
}

/// The command line for one flag and value; `None` when the value is not one to try here
/// (an absolute path where tackle would write, a word a shell would act on).
fn command_line(flag: &ValueFlag, value: &OsString, at_parse_time: bool) -> Option<Vec<OsString>> {
    if flag.writes_its_value() && value.as_encoded_bytes().starts_with(b"/") {
        return None;
    }
    let value = if flag.runs_its_value() {
        harmless_command(value)
    } else {
        value.clone()
    };
    let mut words: Vec<OsString> = vec![flag.subcommand.clone().into()];
    let ending: Vec<&str> = match (companions(flag), how_to_run(&flag.subcommand)?) {
        (Some(words), _) => words.to_vec(),
        (None, Ending::Finishes(words)) => words
            .iter()
            .copied()
            .filter(|w| !w.starts_with(&format!("--{}=", flag.long)))
            .collect(),
        (None, Ending::Serves) if at_parse_time => {
            vec!["--tcp=0", "--no-such-flag-stops-the-parse"]
        }
        (None, Ending::Serves) => vec!["--tcp=0"],
    };
    // A positional value comes after `--`, so the ending's flags go before it.
    if flag.long.is_empty() {
        words.extend(ending.into_iter().map(OsString::from));
        words.extend(flag.words(&value));
    } else {
        words.extend(flag.words(&value));
        words.extend(ending.into_iter().map(OsString::from));
    }
    Some(words)
}

/// A shell command that does nothing whatever the value: `true` with the value's letters,
/// digits and braces as its arguments.
fn harmless_command(value: &OsString) -> OsString {
    let kept: String = value
        .to_string_lossy()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " {}_.,=+-".contains(*c))
        .collect();
    format!("true {kept}").into()
}

/// Values that break naive parsers, tried on every flag: numbers past every integer type,
/// durations past `Instant`'s range, non-finite and negative numbers, empty, Unicode digits,
/// control characters, very long words, invalid UTF-8.
#[rustfmt::skip]
fn extreme_values() -> Vec<OsString> {
    let texts = [
        "", "0", "-1", "1e19s", "99999999999999999999d", "18446744073709551616",
        "-9223372036854775809", "340282366920938463463374607431768211456", "4294967296", "65536",
        "nan", "-inf", "1ns", "17E", "/129", "-", "=", "١٠s", "a\nb",
    ];
    let mut values: Vec<OsString> = texts.iter().map(OsString::from).collect();
    values.push(OsString::from("9".repeat(10_000)));
    values.push(OsString::from("a".repeat(100_000)));
    values.push(OsString::from_vec(vec![0xff, 0xfe, b'1']));
    values
}

/// More values of the same sort, for the random runs.
#[rustfmt::skip]
fn more_extreme_values() -> Vec<OsString> {
    let texts = [
        "10000000000000000000s", "1e309", "--help", "🦀", "\u{feff}1s", "/", " ", "-0", "+0",
        "1", "+1", "00", "0x10", "1.5", ".5", "-.5", "1e3", "1e19", "-1e19s", "1e308", "1e-400",
        "18446744073709551615", "65535", "1.8e19s", "584542046091y", "NaN", "inf", "infinity",
        "0.000000001s", "0.0000000001", "100y", "36500d", "2147483648s", "1h1m1s1ms", "1s1s",
        "9999999999999999999999999999999m", "64M", "1K", "1KiB", "16E", "1Y",
        "18446744073709551615B", "1.5G", "-1K", "0B", "/0", "/32", "/128", "/-1", "/255", "/256",
        "--", "-h", "%", "٣", "Ⅷ", "é", "\u{202e}", "1\u{a0}s", "ｓ", "a\tb", "\r", "\u{7f}",
        "\\", "\\t", "\\x00", "\"", "'", "/dev/null", "/nonexistent/x",
    ];
    let mut values: Vec<OsString> = texts.iter().map(OsString::from).collect();
    values.push(OsString::from(format!("{}s", "1".repeat(5_000))));
    values
}

/// Values aimed at one kind of flag, chosen by its value name.
#[rustfmt::skip]
fn values_for_kind(value_name: &str) -> Vec<OsString> {
    let texts: &[&str] = match value_name {
        "ADDR" => &[
            "[::1]:0", "[::1]", "localhost:0", "[", ":0", "127.0.0.1:65536", "[fe80::1%lo]:0",
            "nonexistent.invalid:7000", "a@b", "\"x, y\" <a@b>", "a@b, c@d", "@",
            "\u{e9}@\u{e9}.example", "a@[127.0.0.1]",
        ],
        "SIG" => &[
            "KILL", "SIGKILL", "sigterm", "STOP", "CONT", "64", "65", "-9", "RTMIN", "RTMAX+1",
            "SIGRTMIN+100", "SIGZERO", "2147483648",
        ],
        "TEMPLATE" | "VALUE" => &["{}", "{1}", "{{}}", "{0}", "{18446744073709551616}", "{", "}"],
        "K=V" => &["K=V", "=V", "K=", "=", "K=V=W"],
        "FILE[:TYPE]" => &["in.csv:", "in.csv:text/plain", "in.csv:/", ":"],
        "NAME: VALUE" => &["X-A: b", "X-A:", ": b", "X-A b", "Subject: again"],
        _ => &[],
    };
    texts.iter().map(OsString::from).collect()
}

/// What one run did.
struct Ran {
    line: String,
    status: Option<ExitStatus>,
    stderr: String,
    /// For a server: whether it announced a listener (and was then poked and stopped).
    listened: bool,
}

impl Ran {
    /// Asserts the no-panic property and the shape of a failure.
    fn check(&self) -> Result<(), TestCaseError> {
        let Some(status) = self.status else {
            return Err(TestCaseError::fail(format!(
                "hung for {RUN_LIMIT:?}: {}\nstderr:\n{}",
                self.line, self.stderr
            )));
        };
        let code = status.code();
        let panicked = code == Some(101)
            || code.is_none()
            || self.stderr.contains("panicked")
            || self.stderr.contains("bug in tackle")
            || self.stderr.contains("RUST_BACKTRACE");
        if panicked {
            return Err(TestCaseError::fail(format!(
                "{}\nstatus: {status}\nstderr:\n{}",
                self.line, self.stderr
            )));
        }
        let says_why = self.stderr.lines().any(|l| l.starts_with("tackle: "));
        if matches!(code, Some(1 | 2 | 64..=78 | 125)) && !says_why {
            return Err(TestCaseError::fail(format!(
                "failed without a `tackle: ...` line: {}\nstatus: {status}\nstderr:\n{}",
                self.line, self.stderr
            )));
        }
        Ok(())
    }
}

/// Runs tackle with these words in a fresh directory holding `in.csv`, with stdin empty and a
/// clean environment, as the harness in `common` does, but never waiting longer than
/// [`RUN_LIMIT`].
fn run_to_end(words: &[OsString]) -> Ran {
    let (dir, mut child) = spawn(words);
    let stderr = drain_in_background(child.stderr.take().expect("piped stderr"));
    let stdout = drain_in_background(child.stdout.take().expect("piped stdout"));
    let status = wait_at_most(&mut child, RUN_LIMIT);
    drop(stdout.recv());
    let stderr = stderr.recv().unwrap_or_default();
    drop(dir);
    Ran {
        line: describe(words),
        status,
        stderr,
        listened: false,
    }
}

/// Starts a server with these words, waits for its first `listening` line (or its exit),
/// opens one connection (or sends one datagram), sends SIGTERM while the connection is still
/// open, closes it and waits for the server to end.
fn run_server(words: &[OsString]) -> Ran {
    let (dir, mut child) = spawn(words);
    let stderr = drain_in_background(child.stderr.take().expect("piped stderr"));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let (line_tx, line_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while stdout.read(&mut byte).is_ok_and(|n| n == 1) {
            if byte[0] == b'\n' {
                let _ = line_tx.send(String::from_utf8_lossy(&seen).into_owned());
                seen.clear();
            } else {
                seen.push(byte[0]);
            }
        }
    });
    let mut client = None;
    let mut listened = false;
    if let Ok(line) = line_rx.recv_timeout(RUN_LIMIT) {
        listened = line.starts_with("listening ");
        client = poke(&line);
    }
    // SAFETY: kill(2) on our own child, which nothing has reaped yet (only this function
    // waits for it), so the pid is still its own even if it has exited.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    drop(client);
    let status = wait_at_most(&mut child, RUN_LIMIT);
    let stderr = stderr.recv().unwrap_or_default();
    drop(dir);
    Ran {
        line: describe(words),
        status,
        stderr,
        listened,
    }
}

/// Talks to a listener announced as `listening <proto> <addr>`; returns an open connection.
fn poke(line: &str) -> Option<TcpStream> {
    let mut words = line.split(' ');
    let (Some("listening"), Some(proto), Some(addr)) = (words.next(), words.next(), words.next())
    else {
        return None;
    };
    match proto {
        "tcp" => {
            let mut stream = TcpStream::connect(addr).ok()?;
            stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
            let _ = stream.write_all(b"x");
            let _ = stream.read(&mut [0u8; 64]);
            Some(stream)
        }
        "udp" => {
            let socket = UdpSocket::bind("127.0.0.1:0").ok()?;
            let _ = socket.send_to(b"x", addr);
            None
        }
        _ => None,
    }
}

fn spawn(words: &[OsString]) -> (tempfile::TempDir, Child) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("in.csv"), "a,b\n1,2\n").expect("write in.csv");
    let child = Command::new(common::bin())
        .args(words)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tackle");
    (dir, child)
}

/// Reads a pipe to its end on a thread; the text arrives on the channel (at most 64 KiB of
/// it is kept: a run may write much more to stdout).
fn drain_in_background(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n @ 1..) = pipe.read(&mut buf) {
            if kept.len() < 65536 {
                kept.extend_from_slice(&buf[..n]);
            }
        }
        let _ = tx.send(String::from_utf8_lossy(&kept).into_owned());
    });
    rx
}

/// Waits for the child; after `limit`, kills it and returns `None`.
fn wait_at_most(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn describe(words: &[OsString]) -> String {
    let shown: Vec<String> = words
        .iter()
        .map(|w| {
            let text = w.to_string_lossy();
            if text.len() > 80 {
                let start: String = text.chars().take(60).collect();
                format!("{start:?}...({} bytes)", w.len())
            } else {
                format!("{text:?}")
            }
        })
        .collect();
    format!("tackle {}", shown.join(" "))
}

/// Every flag with every extreme value and the values meant for its kind, at parse time for
/// the servers; collects every failure before failing, so one run shows them all.
fn sweep(subcommands: &[&str]) {
    let mut failures = Vec::new();
    let mut runs = 0;
    for flag in value_flags()
        .into_iter()
        .filter(|f| subcommands.contains(&f.subcommand.as_str()))
    {
        for value in extreme_values()
            .into_iter()
            .chain(values_for_kind(&flag.value_name))
        {
            let Some(words) = command_line(&flag, &value, true) else {
                continue;
            };
            runs += 1;
            if let Err(failure) = run_to_end(&words).check() {
                failures.push(failure.to_string());
            }
        }
    }
    assert!(runs > 0, "no flags found for {subcommands:?}");
    assert!(
        failures.is_empty(),
        "{} of {runs} runs failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn cidr_expand_takes_any_flag_value_without_panicking() {
    sweep(&["cidr-expand"]);
}

#[test]
fn csv_convert_takes_any_flag_value_without_panicking() {
    sweep(&["csv-convert"]);
}

#[test]
fn sendmail_takes_any_flag_value_without_panicking() {
    sweep(&["sendmail"]);
}

#[test]
fn run_cmd_takes_any_flag_value_without_panicking() {
    sweep(&["run-cmd"]);
}

#[test]
fn connect_takes_any_flag_value_without_panicking() {
    sweep(&["connect"]);
}

#[test]
fn the_servers_parse_any_flag_value_without_panicking() {
    sweep(&["serve-echo", "serve-time"]);
}

/// The durations the servers use once running (idle timeouts, the drain deadline, auth
/// timeouts, statistics intervals), at their extremes, in a real run stopped by SIGTERM.
#[test]
fn the_servers_run_and_stop_with_extreme_durations() {
    let durations = [
        "0",
        "1ns",
        "1e19s",
        "10000000000000000000s",
        "18446744073709551615s",
        "100y",
        "36500d",
        "1.8e19s",
        "99999999999999999999d",
    ];
    let mut failures = Vec::new();
    let flags: Vec<ValueFlag> = value_flags()
        .into_iter()
        .filter(|f| f.subcommand.starts_with("serve-") && f.value_name == "DUR")
        .collect();
    assert!(flags.len() >= 4, "the servers' duration flags: {flags:?}");
    for flag in &flags {
        for value in durations {
            let words = command_line(flag, &value.into(), false).expect("a command line");
            let ran = run_server(&words);
            if let Err(failure) = ran.check() {
                failures.push(failure.to_string());
            }
            // Each value either runs (the point of this test) or is refused as a usage error
            // (`0` where a duration must be positive).
            let refused = ran.status.and_then(|s| s.code()) == Some(2);
            if !ran.listened && !refused {
                failures.push(format!(
                    "neither ran nor refused: {}\n{}",
                    ran.line, ran.stderr
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A value as a user might type it by mistake, or as a fuzzer would: one of the extremes, a
/// number-like word with a unit, or any printable text (with `/` taken out, so that a path
/// never leaves the run's own directory).
fn any_value() -> impl Strategy<Value = OsString> {
    let mut known = extreme_values();
    known.extend(more_extreme_values());
    for kind in [
        "ADDR",
        "SIG",
        "TEMPLATE",
        "K=V",
        "FILE[:TYPE]",
        "NAME: VALUE",
    ] {
        known.extend(values_for_kind(kind));
    }
    prop_oneof![
        prop::sample::select(known),
        "[-+]?[0-9]{0,25}(\\.[0-9]{0,12})?(e[-+]?[0-9]{1,4})?(ns|us|ms|s|m|h|d|y|K|M|G|T|E|KiB|B)?"
            .prop_map(OsString::from),
        "\\PC{0,40}".prop_map(|s| OsString::from(s.replace('/', ""))),
    ]
}

fn any_flag() -> impl Strategy<Value = ValueFlag> {
    prop::sample::select(value_flags())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random values for random flags, every subcommand run to its end (servers at parse
    /// time).
    #[test]
    fn any_value_for_any_flag_never_panics(flag in any_flag(), value in any_value()) {
        if let Some(words) = command_line(&flag, &value, true) {
            run_to_end(&words).check()?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random values for the servers' flags in real runs: started, one connection, SIGTERM.
    #[test]
    fn servers_run_and_stop_with_any_flag_value(
        flag in prop::sample::select(
            value_flags().into_iter().filter(|f| f.subcommand.starts_with("serve-")).collect::<Vec<_>>()
        ),
        value in any_value(),
    ) {
        if let Some(words) = command_line(&flag, &value, false) {
            run_server(&words).check()?;
        }
    }
}

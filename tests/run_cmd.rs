//! `tackle run-cmd` through the real binary: exit statuses of every kind, timeouts that take
//! the whole process tree down, capture without deadlocks, the modes, retries and signals.

mod common;

use std::io::{BufRead, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Outcome, Pty, tackle};
use serde_json::Value;

fn json_of(out: &Outcome) -> Value {
    serde_json::from_str(out.stdout_str())
        .unwrap_or_else(|e| out.fail(&format!("stdout is not one JSON report: {e}")))
}

/// Whether process `pid` is gone (or only a zombie waiting for init to reap it).
fn process_gone(pid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence.
    if unsafe { libc::kill(pid, 0) } != 0 {
        return true;
    }
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = stat
        .rsplit(") ")
        .next()
        .and_then(|rest| rest.chars().next());
    stat.is_empty() || state == Some('Z') || state == Some('X')
}

/// Every process in group `pgid` is gone (zombies aside).
fn group_gone(pgid: i32) -> bool {
    std::fs::read_dir("/proc")
        .expect("read /proc")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .all(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let fields: Vec<&str> = stat.rsplit(") ").next().unwrap_or("").split(' ').collect();
            // fields: state ppid pgrp ...
            !(fields.len() > 2 && fields[2].parse() == Ok(pgid) && fields[0] != "Z")
        })
}

fn read_line(reader: &mut impl BufRead) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).expect("read a line");
    line
}

// --- exit statuses ---------------------------------------------------------------------------

#[test]
fn exits_with_the_commands_own_status_and_says_nothing() {
    tackle(["run-cmd", "--", "true"])
        .run()
        .success()
        .stderr_empty();
    tackle(["run-cmd", "--", "sh", "-c", "exit 3"])
        .run()
        .code(3)
        .stderr_empty();
    // No `--` needed when the program comes first.
    tackle(["run-cmd", "sh", "-c", "exit 42"]).run().code(42);
}

/// Asserts that the run ended with tackle itself killed by `signal`.
fn died_of(out: &Outcome, signal: i32) {
    if out.status.signal() != Some(signal) {
        out.fail(&format!("expected tackle to die of signal {signal}"));
    }
}

#[test]
fn a_command_killed_by_a_signal_kills_tackle_with_it() {
    // As coreutils timeout: a shell sees the signal (and ends a loop on SIGINT).
    let out = tackle(["run-cmd", "--", "sh", "-c", "kill -USR1 $$"]).run();
    died_of(&out, libc::SIGUSR1);
    out.stderr_empty();
    let out = tackle(["run-cmd", "--check", "--", "sh", "-c", "kill -SEGV $$"]).run();
    died_of(&out, libc::SIGSEGV);
    // The command is quoted so it can be pasted back into a shell.
    out.stderr_contains("tackle: run-cmd: sh -c 'kill -SEGV $$': killed by SIGSEGV");
    assert!(!out.status.core_dumped(), "tackle dumped its own core");
    // The report still records the signal and 128+N.
    let out = tackle([
        "run-cmd",
        "--json",
        "--",
        "sh",
        "-c",
        "echo hi; kill -TERM $$",
    ])
    .run();
    died_of(&out, libc::SIGTERM);
    let report = json_of(&out);
    assert_eq!(report["status"], 128 + libc::SIGTERM);
    assert_eq!(report["signal"], "SIGTERM");
    assert_eq!(report["exit_code"], Value::Null);
    assert_eq!(report["stdout"], "hi\n");
}

#[test]
fn a_timeout_gives_124_unless_the_status_is_preserved() {
    tackle(["run-cmd", "--timeout", "200ms", "--", "sleep", "100"])
        .run()
        .code(124)
        .stderr_empty();
    // As with coreutils timeout, 0 means no limit.
    tackle(["run-cmd", "--timeout", "0", "--", "sleep", "0.3"])
        .run()
        .success();
    tackle([
        "run-cmd",
        "--timeout",
        "200ms",
        "--preserve-status",
        "--",
        "sleep",
        "100",
    ])
    .run()
    .code(128 + libc::SIGTERM);
    tackle([
        "run-cmd",
        "--timeout",
        "200ms",
        "--signal",
        "INT",
        "--check",
        "--",
        "sleep",
        "100",
    ])
    .run()
    .code(124)
    .stderr_contains("tackle: run-cmd: sleep 100: timed out after 200ms");
}

#[test]
fn a_missing_command_gives_127() {
    tackle(["run-cmd", "--", "no-such-command-anywhere", "x"])
        .run()
        .code(127)
        .stderr_contains("tackle: run-cmd: command not found: no-such-command-anywhere");
    tackle(["run-cmd", "--", "./missing.sh"])
        .run()
        .code(127)
        .stderr_contains("command not found: ./missing.sh");
}

#[test]
fn a_command_that_cannot_be_run_gives_126() {
    let run = tackle(["run-cmd", "--", "./script.sh"]).file("script.sh", "#!/bin/sh\necho hi\n");
    run.run()
        .code(126)
        .stderr_contains("tackle: run-cmd: cannot run ./script.sh: Permission denied");
    tackle(["run-cmd", "--", "/"]).run().code(126);
}

#[test]
fn tackles_own_failures_give_125() {
    tackle(["run-cmd", "--cwd", "no/such/dir", "--", "true"])
        .run()
        .code(125)
        .stderr_contains("tackle: run-cmd: --cwd no/such/dir: no such directory");
    tackle(["run-cmd", "--env", "NOEQUALS", "--", "true"])
        .run()
        .code(125)
        .stderr_contains("--env \"NOEQUALS\": expected NAME=VALUE");
    tackle(["run-cmd", "--input-file", "missing.txt", "--", "cat"])
        .run()
        .code(125)
        .stderr_contains("cannot open --input-file missing.txt");
    tackle(["run-cmd", "--shell", "echo {} {}", "--arg", "one"])
        .run()
        .code(125)
        .stderr_contains("template's {} has no value");
    tackle(["run-cmd", "--shell", "echo", "--arg", "unused"])
        .run()
        .code(125)
        .stderr_contains("--arg value 1 is not used by the --shell template");
}

#[test]
fn command_line_errors_are_tackles_own_failures_125() {
    tackle(["run-cmd", "--timeout", "soon", "--", "true"])
        .run()
        .code(125)
        .stderr_contains("invalid duration");
    tackle(["run-cmd", "--signal", "NOPE", "--", "true"])
        .run()
        .code(125)
        .stderr_contains("unknown signal");
    tackle(["run-cmd"]).run().code(125);
    tackle(["run-cmd", "--json", "--quiet-unless-failed", "--", "true"])
        .run()
        .code(125);
}

// --- timeouts take the whole tree down -------------------------------------------------------

/// Runs `script` (which prints the pids to watch on its first line) under a 1 s timeout with
/// a 1 s kill-after; returns the exit status, the time taken and the pids.
fn time_out_tree(script: &str) -> (Option<i32>, Duration, Vec<i32>) {
    let mut spawned = tackle([
        "run-cmd",
        "--timeout",
        "1s",
        "--kill-after",
        "1s",
        "--",
        "sh",
        "-c",
        script,
    ])
    .spawn_with(Stdio::null(), Stdio::null());
    let started = Instant::now();
    let pids: Vec<i32> = read_line(&mut spawned.stdout)
        .split_whitespace()
        .map(|p| p.parse().expect("a pid"))
        .collect();
    let status = spawned.child.wait().expect("wait for tackle");
    (status.code(), started.elapsed(), pids)
}

#[test]
fn a_timeout_kills_the_whole_process_tree() {
    let (code, took, pids) = time_out_tree("sleep 100 & echo $! $$; sleep 100");
    assert_eq!(code, Some(124));
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(pids.len(), 2);
    for pid in &pids {
        assert!(process_gone(*pid), "process {pid} survived the timeout");
    }
    assert!(
        group_gone(pids[1]),
        "something is left in group {}",
        pids[1]
    );
}

#[test]
fn a_tree_that_ignores_the_signal_is_killed_after_kill_after() {
    let (code, took, pids) = time_out_tree("trap '' TERM; sleep 100 & echo $! $$; sleep 100");
    assert_eq!(code, Some(124));
    assert!(
        took >= Duration::from_secs(2),
        "SIGKILL came early: {took:?}"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
    for pid in &pids {
        assert!(process_gone(*pid), "process {pid} survived SIGKILL");
    }
    assert!(
        group_gone(pids[1]),
        "something is left in group {}",
        pids[1]
    );
}

#[test]
fn a_leader_that_exits_on_timeout_does_not_leave_stubborn_children() {
    // The shell dies of SIGTERM at once; its child ignores it and must still be killed.
    let (code, took, pids) =
        time_out_tree("(trap '' TERM; exec sleep 100) & echo $! $$; sleep 100");
    assert_eq!(code, Some(124));
    assert!(took < Duration::from_secs(3), "took {took:?}");
    for pid in &pids {
        assert!(process_gone(*pid), "process {pid} survived");
    }
}

#[test]
fn capture_does_not_hang_on_pipes_held_by_background_processes() {
    let started = Instant::now();
    let out = tackle(["run-cmd", "--json", "--", "sh", "-c", "sleep 30 & echo $!"]).run();
    out.success();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "waited for the background sleep"
    );
    let report = json_of(&out);
    let pid: i32 = report["stdout"].as_str().unwrap().trim().parse().unwrap();
    // SAFETY: the test's own leftover sleep.
    unsafe { libc::kill(pid, libc::SIGKILL) };
}

#[test]
fn a_timed_out_capture_ends_even_with_a_pipe_holder_outside_the_group() {
    // setsid puts the holder out of reach of the group signal; we still stop reading.
    let started = Instant::now();
    let out = tackle([
        "run-cmd",
        "--json",
        "--timeout",
        "300ms",
        "--",
        "sh",
        "-c",
        "setsid sleep 30 & echo $!; sleep 100",
    ])
    .run();
    out.code(124);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "hung on the pipe"
    );
    let report = json_of(&out);
    assert_eq!(report["timed_out"], true);
    if let Ok(pid) = report["stdout"].as_str().unwrap().trim().parse::<i32>() {
        // SAFETY: the test's own leftover sleep.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
}

// --- input and output ------------------------------------------------------------------------

const BIG: usize = 20_000_000;

#[test]
fn twenty_megabytes_each_way_at_once_completes() {
    let input: Vec<u8> = (0..BIG).map(|i| b"abcdefghij\n"[i % 11]).collect();
    let run = tackle([
        "run-cmd",
        "--json",
        "--input-file",
        "in.txt",
        "--",
        "sh",
        "-c",
        "exec 3<&0; cat <&3 & yes err | head -c 20000000 >&2; yes out | head -c 20000000; wait",
    ])
    .file("in.txt", &input);
    let out = run.run();
    out.success();
    let report = json_of(&out);
    assert_eq!(report["stdout_bytes"], 2 * BIG as u64);
    assert_eq!(report["stderr_bytes"], BIG as u64);
    let stdout = report["stdout"].as_str().unwrap();
    assert_eq!(stdout.len(), 2 * BIG);
    // cat's writes and yes's share the pipe and may interleave anywhere (writes over 4 KiB
    // are not atomic), so count bytes rather than lines.
    let count = |haystack: &[u8], byte: u8| haystack.iter().filter(|&&b| b == byte).count();
    assert_eq!(count(stdout.as_bytes(), b'a'), count(&input, b'a'));
    assert_eq!(count(stdout.as_bytes(), b'o'), BIG / 4);
    assert!(report["stderr"].as_str().unwrap().starts_with("err\nerr\n"));
}

#[test]
fn input_is_written_while_output_is_read() {
    // The command writes 20 MB to each stream before it reads a byte: writing all the input
    // first (or reading one stream to its end first) would deadlock.
    let input = "x".repeat(120_000);
    let out = tackle([
        "run-cmd",
        "--json",
        "--input",
        &input,
        "--",
        "sh",
        "-c",
        "yes | head -c 20000000 >&2; yes | head -c 20000000; wc -c",
    ])
    .run();
    out.success();
    let report = json_of(&out);
    assert_eq!(report["stderr_bytes"], BIG as u64);
    assert!(
        report["stdout"].as_str().unwrap().ends_with("y\n120000\n"),
        "the input did not arrive whole"
    );
}

#[test]
fn input_text_reaches_the_command_like_check_output() {
    tackle([
        "run-cmd",
        "--input",
        "when in the course of fooman events\n",
        "--",
        "sed",
        "-e",
        "s/foo/bar/",
    ])
    .run()
    .success()
    .stdout_is("when in the course of barman events\n");
}

#[test]
fn stdin_is_inherited_unless_told_otherwise() {
    tackle(["run-cmd", "--", "cat"])
        .stdin("from tackle's stdin")
        .run()
        .success()
        .stdout_is("from tackle's stdin");
    tackle(["run-cmd", "--no-stdin", "--", "cat"])
        .stdin("not for the command")
        .run()
        .success()
        .stdout_is("");
}

#[test]
fn a_command_that_ignores_its_input_is_fine() {
    let input = "z".repeat(100_000);
    tackle(["run-cmd", "--input", &input, "--", "true"])
        .run()
        .success()
        .stderr_empty();
}

const INTERLEAVED: &str = "echo 1; echo 2 >&2; echo 3; echo 4 >&2; echo 5";

#[test]
fn merge_stderr_keeps_the_order_in_every_mode() {
    tackle(["run-cmd", "--merge-stderr", "--", "sh", "-c", INTERLEAVED])
        .run()
        .success()
        .stdout_is("1\n2\n3\n4\n5\n")
        .stderr_empty();
    let out = tackle([
        "run-cmd",
        "--merge-stderr",
        "--json",
        "--",
        "sh",
        "-c",
        INTERLEAVED,
    ])
    .run();
    out.success();
    let report = json_of(&out);
    assert_eq!(report["stdout"], "1\n2\n3\n4\n5\n");
    assert_eq!(report["stderr"], Value::Null);
    let script = format!("{INTERLEAVED}; exit 1");
    tackle([
        "run-cmd",
        "--merge-stderr",
        "--quiet-unless-failed",
        "--",
        "sh",
        "-c",
        &script,
    ])
    .run()
    .code(1)
    .stdout_is("1\n2\n3\n4\n5\n")
    .stderr_empty();
}

#[test]
fn quiet_unless_failed_is_silent_on_success_and_complete_on_failure() {
    let script = "echo out; echo err >&2; yes | head -c 300000; exit $0";
    tackle([
        "run-cmd",
        "--quiet-unless-failed",
        "--max-output",
        "1K",
        "--",
        "sh",
        "-c",
        script,
        "0",
    ])
    .run()
    .success()
    .stdout_is("")
    .stderr_empty();
    let out = tackle([
        "run-cmd",
        "--quiet-unless-failed",
        "--max-output",
        "1K",
        "--",
        "sh",
        "-c",
        script,
        "5",
    ])
    .run();
    out.code(5).stderr_contains("err\n");
    // Past the 1 KiB memory cap the output went to a temporary file, and all of it came back.
    assert_eq!(out.stdout.len(), 4 + 300_000, "{out}");
    assert!(out.stdout_str().starts_with("out\ny\ny\n"));
    tackle([
        "run-cmd",
        "--quiet-unless-failed",
        "--timeout",
        "300ms",
        "--",
        "sh",
        "-c",
        "echo started; sleep 100",
    ])
    .run()
    .code(124)
    .stdout_is("started\n");
}

// --- the shell template ----------------------------------------------------------------------

#[test]
fn the_injection_example_creates_nothing() {
    let out = tackle([
        "run-cmd",
        "--shell",
        "du -sh {}",
        "--arg",
        "/dev/null; touch pwned",
    ])
    .run();
    out.code(1).stderr_contains("/dev/null; touch pwned");
    assert!(!out.dir.path().join("pwned").exists(), "the injection ran");
    assert_eq!(std::fs::read_dir(out.dir.path()).unwrap().count(), 0);
}

#[test]
fn template_values_reach_the_command_verbatim() {
    let nasty = "it's $(touch x) `touch y` \"q\" *; \\ {}";
    tackle([
        "run-cmd",
        "--shell",
        "printf '%s|%s|%s' {2} {1} {2}",
        "--arg",
        nasty,
        "--arg",
        "two words",
    ])
    .run()
    .success()
    .stdout_is(&format!("two words|{nasty}|two words"));
}

// --- the JSON report -------------------------------------------------------------------------

#[test]
fn the_json_report_has_every_field() {
    let out = tackle([
        "run-cmd",
        "--json",
        "--",
        "sh",
        "-c",
        "printf 'héllo'; echo oops >&2; exit 3",
    ])
    .run();
    out.code(3).stderr_empty();
    let report = json_of(&out);
    assert_eq!(
        report["argv"],
        serde_json::json!(["sh", "-c", "printf 'héllo'; echo oops >&2; exit 3"])
    );
    assert_eq!(report["status"], 3);
    assert_eq!(report["exit_code"], 3);
    assert_eq!(report["signal"], Value::Null);
    assert_eq!(report["timed_out"], false);
    assert!(report["duration_ms"].as_u64().is_some());
    assert_eq!(report["attempts"], 1);
    assert_eq!(report["stdout"], "héllo");
    assert_eq!(report["stderr"], "oops\n");
    assert_eq!(report["stdout_bytes"], 6);
    assert_eq!(report["stdout_truncated"], false);
    assert_eq!(report["stdout_encoding"], "utf-8");

    let out = tackle([
        "run-cmd",
        "--json",
        "--timeout",
        "200ms",
        "--",
        "sleep",
        "100",
    ])
    .run();
    out.code(124);
    let report = json_of(&out);
    assert_eq!(report["timed_out"], true);
    assert_eq!(report["exit_code"], Value::Null);
    assert_eq!(report["signal"], "SIGTERM");
    assert_eq!(report["status"], 124);
    let took = report["duration_ms"].as_u64().unwrap();
    assert!((200..2000).contains(&took), "duration_ms {took}");
}

#[test]
fn binary_output_is_base64_with_binary_and_lossy_without() {
    let script = r"printf '\377\376ok'";
    let out = tackle(["run-cmd", "--json", "--binary", "--", "sh", "-c", script]).run();
    out.success();
    let report = json_of(&out);
    assert_eq!(report["stdout"], "//5vaw==");
    assert_eq!(report["stdout_encoding"], "base64");
    assert_eq!(report["stderr_encoding"], "utf-8");
    let out = tackle(["run-cmd", "--json", "--", "sh", "-c", script]).run();
    let report = json_of(&out);
    assert_eq!(report["stdout"], "\u{fffd}\u{fffd}ok");
    assert_eq!(report["stdout_encoding"], "utf-8-lossy");
}

#[test]
fn max_output_truncates_and_says_so() {
    let out = tackle([
        "run-cmd",
        "--json",
        "--max-output",
        "1K",
        "--",
        "sh",
        "-c",
        "yes | head -c 5000",
    ])
    .run();
    out.success();
    let report = json_of(&out);
    assert_eq!(report["stdout"].as_str().unwrap().len(), 1024);
    assert_eq!(report["stdout_bytes"], 5000);
    assert_eq!(report["stdout_truncated"], true);
    assert_eq!(report["stderr_truncated"], false);
}

#[test]
fn check_quotes_the_last_ten_lines_of_captured_stderr() {
    let out = tackle([
        "run-cmd",
        "--json",
        "--check",
        "--",
        "sh",
        "-c",
        "for i in $(seq 1 15); do echo line $i >&2; done; exit 2",
    ])
    .run();
    out.code(2)
        .stderr_contains(": exited with status 2\nlast 10 line(s) of stderr:\n    line 6\n")
        .stderr_contains("    line 15");
    assert!(!out.stderr_str().contains("line 5\n"), "{out}");
    // Without --check a failure is as silent as subprocess.call.
    tackle(["run-cmd", "--", "sh", "-c", "exit 2"])
        .run()
        .code(2)
        .stderr_empty();
    tackle(["run-cmd", "--check", "--", "sh", "-c", "exit 2"])
        .run()
        .code(2)
        .stderr_contains("tackle: run-cmd: sh -c 'exit 2': exited with status 2");
}

/// tackle's own system errors read without std's `(os error N)`, but what it quotes (the
/// command line, the command's stderr) stays exactly as it came.
#[test]
fn check_quotes_the_commands_stderr_as_it_came() {
    let out = tackle([
        "run-cmd",
        "--json",
        "--check",
        "--",
        "sh",
        "-c",
        "echo 'Error: gone (os error 2)' >&2; exit 3",
    ])
    .run();
    out.code(3)
        .stderr_contains(r"(os error 2)'\'' >&2; exit 3': exited with status 3")
        .stderr_contains("\n    Error: gone (os error 2)\n");
}

// --- the environment -------------------------------------------------------------------------

#[test]
fn cwd_env_and_clear_env_shape_the_commands_world() {
    let run = tackle([
        "run-cmd",
        "--cwd",
        "sub",
        "--env",
        "FOO=bar=baz",
        "--",
        "sh",
        "-c",
        "basename \"$PWD\"; echo $FOO; echo ${HOME:+home}",
    ]);
    std::fs::create_dir(run.dir().join("sub")).unwrap();
    run.run().success().stdout_is("sub\nbar=baz\nhome\n");
    tackle([
        "run-cmd",
        "--clear-env",
        "--env",
        "ONLY=this",
        "--",
        "/usr/bin/env",
    ])
    .run()
    .success()
    .stdout_is("ONLY=this\n");
}

// --- retries ---------------------------------------------------------------------------------

#[test]
fn retries_run_again_and_the_report_counts_attempts() {
    let out = tackle([
        "run-cmd",
        "--json",
        "--retries",
        "2",
        "--retry-delay",
        "10ms",
        "--",
        "sh",
        "-c",
        "echo run >> runs; exit 7",
    ])
    .run();
    out.code(7);
    assert_eq!(json_of(&out)["attempts"], 3);
    assert_eq!(
        std::fs::read_to_string(out.dir.path().join("runs")).unwrap(),
        "run\n".repeat(3)
    );

    // Succeeds on the second run: stop there.
    let out = tackle([
        "run-cmd",
        "--json",
        "--retries",
        "5",
        "--retry-delay",
        "10ms",
        "--",
        "sh",
        "-c",
        "echo run >> runs; [ $(wc -l < runs) -ge 2 ]",
    ])
    .run();
    out.success();
    assert_eq!(json_of(&out)["attempts"], 2);

    // --retry-on limits which statuses are retried.
    let out = tackle([
        "run-cmd",
        "--json",
        "--retries",
        "3",
        "--retry-delay",
        "10ms",
        "--retry-on",
        "4",
        "--",
        "sh",
        "-c",
        "exit 3",
    ])
    .run();
    out.code(3);
    assert_eq!(json_of(&out)["attempts"], 1);
    let out = tackle([
        "run-cmd",
        "--json",
        "--retries",
        "1",
        "--retry-delay",
        "10ms",
        "--retry-on",
        "124",
        "--timeout",
        "100ms",
        "--",
        "sleep",
        "100",
    ])
    .run();
    out.code(124);
    assert_eq!(json_of(&out)["attempts"], 2);
}

// --- signals sent to tackle ------------------------------------------------------------------

#[test]
fn sigterm_to_tackle_reaches_the_command() {
    let mut spawned = tackle([
        "run-cmd",
        "--",
        "sh",
        "-c",
        "trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 0.05; done",
    ])
    .spawn_with(Stdio::null(), Stdio::null());
    assert_eq!(read_line(&mut spawned.stdout), "ready\n");
    // SAFETY: kill(2) on the tackle we started.
    assert_eq!(
        unsafe { libc::kill(spawned.child.id() as i32, libc::SIGTERM) },
        0
    );
    assert_eq!(read_line(&mut spawned.stdout), "got TERM\n");
    let status = spawned.child.wait().expect("wait for tackle");
    assert_eq!(
        status.code(),
        Some(0),
        "the command handled TERM and exited 0"
    );
}

#[test]
fn sigint_to_tackle_stops_the_command_and_tackle_dies_of_it() {
    let mut spawned = tackle(["run-cmd", "--", "sh", "-c", "echo ready; exec sleep 100"])
        .spawn_with(Stdio::null(), Stdio::null());
    assert_eq!(read_line(&mut spawned.stdout), "ready\n");
    // SAFETY: kill(2) on the tackle we started.
    assert_eq!(
        unsafe { libc::kill(spawned.child.id() as i32, libc::SIGINT) },
        0
    );
    let status = spawned.child.wait().expect("wait for tackle");
    assert_eq!(status.signal(), Some(libc::SIGINT));
    let mut rest = String::new();
    spawned.stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "");
}

#[test]
fn a_stopped_command_still_gets_the_forwarded_signal() {
    // A stopped process does not act on a trapped SIGTERM until continued: we send SIGCONT
    // after it. (A default-action SIGTERM kills even a stopped process.)
    let mut spawned = tackle([
        "run-cmd",
        "--timeout",
        "20s",
        "--",
        "sh",
        "-c",
        "trap 'echo got TERM; exit 0' TERM; echo $$; kill -STOP $$; sleep 100",
    ])
    .spawn_with(Stdio::null(), Stdio::null());
    let shell: i32 = read_line(&mut spawned.stdout)
        .trim()
        .parse()
        .expect("a pid");
    let deadline = Instant::now() + Duration::from_secs(10);
    while process_state(shell) != Some('T') {
        assert!(Instant::now() < deadline, "the shell never stopped");
        std::thread::yield_now();
    }
    // SAFETY: kill(2) on the tackle we started.
    assert_eq!(
        unsafe { libc::kill(spawned.child.id() as i32, libc::SIGTERM) },
        0
    );
    assert_eq!(read_line(&mut spawned.stdout), "got TERM\n");
    let status = spawned.child.wait().expect("wait for tackle");
    assert_eq!(status.code(), Some(0));
}

/// The state letter in `/proc/PID/stat` (R, S, T, Z, ...).
fn process_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(") ").next()?.chars().next()
}

#[test]
fn a_command_that_dies_of_sigint_is_not_retried() {
    // At a prompt Ctrl-C reaches the command, not tackle: that must end the retries too.
    let out = tackle([
        "run-cmd",
        "--retries",
        "3",
        "--retry-delay",
        "1ms",
        "--",
        "sh",
        "-c",
        "echo run >> runs; kill -INT $$",
    ])
    .run();
    died_of(&out, libc::SIGINT);
    assert_eq!(
        std::fs::read_to_string(out.dir.path().join("runs")).unwrap(),
        "run\n"
    );
}

#[test]
fn a_signal_between_attempts_ends_the_retries() {
    let mut spawned = tackle([
        "run-cmd",
        "--retries",
        "5",
        "--retry-delay",
        "30s",
        "--",
        "sh",
        "-c",
        "echo $$; exit 1",
    ])
    .spawn_with(Stdio::null(), Stdio::null());
    let first: i32 = read_line(&mut spawned.stdout)
        .trim()
        .parse()
        .expect("a pid");
    // Once the first attempt has been reaped, tackle is waiting out the retry delay.
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::path::Path::new(&format!("/proc/{first}")).exists() {
        assert!(Instant::now() < deadline, "the first attempt never ended");
        std::thread::yield_now();
    }
    let started = Instant::now();
    // SAFETY: kill(2) on the tackle we started.
    assert_eq!(
        unsafe { libc::kill(spawned.child.id() as i32, libc::SIGTERM) },
        0
    );
    let status = spawned.child.wait().expect("wait for tackle");
    // Interrupted itself, tackle dies of the signal (so its parent knows why it ended).
    assert_eq!(status.signal(), Some(libc::SIGTERM));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "waited out the delay"
    );
    let mut rest = String::new();
    spawned.stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "another attempt ran");
}

// --- at an interactive prompt (in a pseudo-terminal) -----------------------------------------

/// Runs a command that reads a line from the terminal under `tackle run-cmd FLAGS`, at a
/// prompt, types the line and checks it arrived.
fn type_a_line_to_a_command(flags: &str) {
    let mut pty = Pty::bash(&format!(
        r#""$TACKLE" run-cmd {flags} -- sh -c 'echo ready; read line; echo "got:$line"'; echo "status:$?""#
    ));
    pty.expect("ready");
    pty.send("hello\n");
    pty.expect("got:hello");
    pty.expect("status:0");
    assert!(pty.wait().success(), "{}", pty.transcript());
}

#[test]
fn a_command_reads_the_terminal_at_a_prompt() {
    // Without tcsetpgrp the command's background group would be stopped by SIGTTIN.
    type_a_line_to_a_command("--timeout 20");
}

#[test]
fn ctrl_c_ends_a_shell_loop() {
    // `set -m`: job control, as at an interactive prompt. bash ends the loop only when the
    // job died of SIGINT.
    let mut pty = Pty::bash(
        r#"set -m; for i in 1 2 3; do "$TACKLE" run-cmd -- sh -c 'echo "tick:$0"; exec sleep 30' $i; done; echo after-loop"#,
    );
    pty.expect("tick:1");
    pty.send("\x03");
    pty.wait();
    let transcript = pty.transcript();
    assert!(
        !transcript.contains("tick:2"),
        "the loop went on:\n{transcript}"
    );
}

#[test]
fn ctrl_z_stops_the_command_and_tackle_and_fg_continues_both() {
    let mut pty = Pty::bash(
        r#"set -m; "$TACKLE" run-cmd --timeout 60 -- sh -c 'echo ready; read line; echo "got:$line"'; echo "stopped:$?"; fg; echo "done:$?""#,
    );
    pty.expect("ready");
    pty.send("\x1a");
    // 148 = 128 + SIGTSTP: the shell saw a stopped job.
    pty.expect(&format!("stopped:{}", 128 + libc::SIGTSTP));
    // After `fg`, the command has the terminal again and reads from it.
    pty.expect("run-cmd");
    pty.send("hello\n");
    pty.expect("got:hello");
    pty.expect("done:0");
    assert!(pty.wait().success(), "{}", pty.transcript());
}

#[test]
fn bg_leaves_the_terminal_to_the_shell_until_fg() {
    // After Ctrl-Z and `bg`, the command reads the terminal from the background: the job
    // stops for tty input as any job does, and the shell keeps the terminal (it reads a line
    // itself) until `fg` gives it to the command. (The wait for the stop runs no job of its
    // own: a job would have bash take the terminal back, hiding a theft.)
    let mut pty = Pty::bash(
        r#"set -m; "$TACKLE" run-cmd --timeout 60 -- sh -c 'echo ready; read line; echo "got:$line"'; echo "stopped:$?"; bg; until [[ "$(jobs -l)" == *'tty input'* ]]; do :; done; echo shell-reading; read -r mine; echo "shell-read:$mine"; fg; echo "done:$?""#,
    );
    pty.expect("ready");
    pty.send("\x1a");
    pty.expect(&format!("stopped:{}", 128 + libc::SIGTSTP));
    pty.expect("shell-reading");
    pty.send("for-the-shell\n");
    pty.expect("shell-read:for-the-shell");
    pty.send("for-the-command\n");
    pty.expect("got:for-the-command");
    pty.expect("done:0");
    assert!(pty.wait().success(), "{}", pty.transcript());
}

#[test]
fn a_command_started_in_the_background_gets_the_terminal_on_fg() {
    // `tackle run-cmd -- cmd &` at a prompt, then `fg`: the job stops for tty input, and
    // `fg` lends the terminal to the command (GNU timeout's command stays stopped).
    let mut pty = Pty::bash(
        r#"set -m; "$TACKLE" run-cmd --timeout 60 -- sh -c 'read line; echo "got:$line"' & until [[ "$(jobs -l)" == *'tty input'* ]]; do :; done; echo waiting-for-fg; fg; echo "done:$?""#,
    );
    pty.expect("waiting-for-fg");
    pty.send("typed\n");
    pty.expect("got:typed");
    pty.expect("done:0");
    assert!(pty.wait().success(), "{}", pty.transcript());
}

#[test]
fn ctrl_c_aborts_a_script_that_runs_tackle() {
    // No job control: the script shares tackle's group. The command never touches the
    // terminal, so tackle keeps it and Ctrl-C reaches the script too, which ends (bash waits
    // for tackle, which dies of SIGINT after its command).
    let mut pty =
        Pty::bash(r#""$TACKLE" run-cmd -- sh -c 'echo tick; exec sleep 30'; echo after-tackle"#);
    pty.expect("tick");
    pty.send("\x03");
    let status = pty.wait();
    assert_eq!(status.signal(), Some(libc::SIGINT), "{}", pty.transcript());
    assert!(
        !pty.transcript().contains("after-tackle"),
        "{}",
        pty.transcript()
    );
}

#[test]
fn ctrl_z_stops_a_command_that_never_touched_the_terminal() {
    // The issue's complaint: Ctrl-Z stopped only tackle while the command kept printing.
    let mut pty = Pty::bash(
        r#"set -m; "$TACKLE" run-cmd --timeout 60 -- sh -c 'echo ready; i=0; while [ $i -lt 20 ]; do i=$((i+1)); echo tick; sleep 0.1; done; echo finished'; echo "stopped:$?"; sleep 1; echo still-stopped; fg; echo "done:$?""#,
    );
    pty.expect("ready");
    pty.send("\x1a");
    pty.expect(&format!("stopped:{}", 128 + libc::SIGTSTP));
    pty.expect("still-stopped");
    let transcript = pty.transcript();
    let while_stopped = transcript
        .split(&format!("stopped:{}", 128 + libc::SIGTSTP))
        .nth(1)
        .unwrap_or_default()
        .split("still-stopped")
        .next()
        .unwrap_or_default();
    assert!(
        !while_stopped.contains("tick"),
        "the command ran on:\n{transcript}"
    );
    pty.expect("finished");
    pty.expect("done:0");
    assert!(pty.wait().success(), "{}", pty.transcript());
}

#[test]
fn the_rest_of_a_pipeline_keeps_the_terminal() {
    // `tackle run-cmd -- make | less`: the pager, in tackle's job, reads the terminal.
    let mut pty = Pty::bash(
        r#"set -m; "$TACKLE" run-cmd -- sh -c 'echo from-command' | sh -c 'cat; read line </dev/tty; echo "pager-read:$line"'"#,
    );
    pty.expect("from-command");
    pty.send("key\n");
    pty.expect("pager-read:key");
    assert!(pty.wait().success(), "{}", pty.transcript());
}

#[test]
fn a_timeout_in_the_foreground_gives_the_terminal_back() {
    // No job control: bash shares tackle's group, so it can read the terminal afterwards only
    // if tackle took it back from the command's group.
    let mut pty = Pty::bash(
        r#"before=$(stty -g); "$TACKLE" run-cmd --timeout 1 -- sh -c 'stty raw -echo; echo ready; read line; echo never'; echo "status:$?"; [ "$(stty -g)" = "$before" ] && echo settings-restored; read -r again; echo "bash-read:$again""#,
    );
    pty.expect("ready");
    pty.expect("status:124");
    pty.expect("settings-restored");
    pty.send("after\n");
    pty.expect("bash-read:after");
    assert!(pty.wait().success(), "{}", pty.transcript());
    assert!(!pty.transcript().contains("never"));
}

#[test]
fn foreground_runs_the_command_in_tackles_group_as_gnu_timeout() {
    type_a_line_to_a_command("--foreground --timeout 20");
    // A timeout signals the command only: its children live on, as with timeout --foreground.
    let (code, _, pids) = {
        let mut spawned = tackle([
            "run-cmd",
            "--foreground",
            "--timeout",
            "300ms",
            "--",
            "sh",
            "-c",
            "sleep 30 & echo $!; exec sleep 30",
        ])
        .spawn_with(Stdio::null(), Stdio::null());
        let pid: i32 = read_line(&mut spawned.stdout).trim().parse().unwrap();
        let status = spawned.child.wait().unwrap();
        (status.code(), (), vec![pid])
    };
    assert_eq!(code, Some(124));
    assert!(!process_gone(pids[0]), "the command's child was signalled");
    // SAFETY: the test's own leftover sleep.
    unsafe { libc::kill(pids[0], libc::SIGKILL) };
}

// --- signals ---------------------------------------------------------------------------------

fn signal_tackle(spawned: &common::Spawned, signal: i32) {
    // SAFETY: kill(2) on the tackle we started.
    assert_eq!(unsafe { libc::kill(spawned.child.id() as i32, signal) }, 0);
}

#[test]
fn a_passed_on_term_escalates_after_kill_after() {
    let mut spawned = tackle([
        "run-cmd",
        "--timeout",
        "60",
        "--kill-after",
        "500ms",
        "--",
        "sh",
        "-c",
        "trap '' TERM; echo ready; while :; do sleep 0.1; done",
    ])
    .spawn_with(Stdio::null(), Stdio::null());
    assert_eq!(read_line(&mut spawned.stdout), "ready\n");
    let started = Instant::now();
    signal_tackle(&spawned, libc::SIGTERM);
    let status = spawned.child.wait().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "never escalated"
    );
    assert_eq!(status.signal(), Some(libc::SIGKILL), "{status:?}");
}

#[test]
fn sigalrm_counts_as_a_timeout() {
    let mut spawned = tackle(["run-cmd", "--", "sh", "-c", "echo ready; exec sleep 30"])
        .spawn_with(Stdio::null(), Stdio::null());
    assert_eq!(read_line(&mut spawned.stdout), "ready\n");
    signal_tackle(&spawned, libc::SIGALRM);
    assert_eq!(spawned.child.wait().unwrap().code(), Some(124));
}

#[test]
fn usr1_usr2_and_winch_are_passed_on() {
    let mut spawned = tackle([
        "run-cmd",
        "--",
        "sh",
        "-c",
        "trap 'echo USR1' USR1; trap 'echo USR2' USR2; trap 'echo WINCH; exit 0' WINCH; \
         echo ready; while :; do sleep 0.05; done",
    ])
    .spawn_with(Stdio::null(), Stdio::null());
    assert_eq!(read_line(&mut spawned.stdout), "ready\n");
    for (signal, name) in [
        (libc::SIGUSR1, "USR1\n"),
        (libc::SIGUSR2, "USR2\n"),
        (libc::SIGWINCH, "WINCH\n"),
    ] {
        signal_tackle(&spawned, signal);
        assert_eq!(read_line(&mut spawned.stdout), name);
    }
    assert_eq!(spawned.child.wait().unwrap().code(), Some(0));
}

#[test]
fn a_sigkilled_tackle_takes_its_command_with_it() {
    // Python's subprocess.run(timeout=) SIGKILLs tackle; PR_SET_PDEATHSIG kills the command.
    let mut spawned = tackle(["run-cmd", "--", "sh", "-c", "echo $$; exec sleep 60"])
        .spawn_with(Stdio::null(), Stdio::null());
    let pid: i32 = read_line(&mut spawned.stdout).trim().parse().unwrap();
    signal_tackle(&spawned, libc::SIGKILL);
    spawned.child.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !process_gone(pid) {
        assert!(Instant::now() < deadline, "the command outlived tackle");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_timeout_also_stops_processes_that_left_the_group() {
    // The setsid escapee is found (tackle is a child subreaper) and stopped with the rest.
    let (code, took, pids) = time_out_tree("setsid sleep 100 & sleep 0.2; echo $! $$; sleep 100");
    assert_eq!(code, Some(124));
    assert!(took < Duration::from_secs(4), "took {took:?}");
    for pid in &pids {
        assert!(process_gone(*pid), "process {pid} survived the timeout");
    }
}

/// Runs tackle with `how` applied to its signal state before exec.
fn tackle_with_signals(args: &[&str], how: fn()) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut command = std::process::Command::new(common::bin());
    command.args(args).stdin(Stdio::null());
    // SAFETY: signal(2)/sigprocmask(2) between fork and exec are async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            how();
            Ok(())
        });
    }
    command.output().unwrap()
}

#[test]
fn an_ignored_sigchld_or_blocked_signals_at_start_change_nothing() {
    // GNU's timeout.sh test: with SIGCHLD ignored the kernel reaps children itself.
    let out = tackle_with_signals(&["run-cmd", "--", "sh", "-c", "exit 3"], || unsafe {
        libc::signal(libc::SIGCHLD, libc::SIG_IGN);
    });
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let out = tackle_with_signals(
        &["run-cmd", "--timeout", "200ms", "--", "sleep", "10"],
        || unsafe {
            let mut all: libc::sigset_t = std::mem::zeroed();
            libc::sigfillset(&mut all);
            libc::sigprocmask(libc::SIG_BLOCK, &all, std::ptr::null_mut());
        },
    );
    assert_eq!(out.status.code(), Some(124), "{out:?}");
}

#[test]
fn a_signal_ignored_at_start_stays_ignored_for_the_command() {
    // nohup's contract: SIGHUP ignored by tackle's parent is ignored by the command too.
    let out = tackle_with_signals(
        &["run-cmd", "--", "sh", "-c", "kill -HUP $$; echo survived"],
        || unsafe {
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
        },
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, b"survived\n");
}

// --- the shell template: injection ------------------------------------------------------------

#[test]
fn quoted_placeholders_are_safe_too() {
    // The issue's two attacks: the find/xargs habit of quoting the placeholder.
    let out = tackle([
        "run-cmd",
        "--shell",
        r#"printf %s "{}" > out"#,
        "--arg",
        "$(touch PWNED)",
    ])
    .run();
    out.success();
    assert!(!out.dir.path().join("PWNED").exists(), "the injection ran");
    assert_eq!(
        std::fs::read(out.dir.path().join("out")).unwrap(),
        b"$(touch PWNED)"
    );
    let out = tackle([
        "run-cmd",
        "--shell",
        "printf %s '{}' > out",
        "--arg",
        "x';touch PWNED2;'y",
    ])
    .run();
    out.success();
    assert!(!out.dir.path().join("PWNED2").exists(), "the injection ran");
    assert_eq!(
        std::fs::read(out.dir.path().join("out")).unwrap(),
        b"x';touch PWNED2;'y"
    );
}

#[test]
fn placeholders_where_the_shell_would_read_them_again_are_refused() {
    for (template, place) in [
        ("echo $(printf %s {})", "inside $(...)"),
        ("echo `printf %s {}`", "inside backquotes"),
        ("echo ${x:-{}}", "inside ${...}"),
        ("cat <<EOF\n{}\nEOF", "inside a here-document"),
    ] {
        tackle(["run-cmd", "--shell", template, "--arg", "v"])
            .run()
            .code(125)
            .stderr_contains(place)
            .stderr_contains("assign it first");
    }
}

#[test]
fn values_and_templates_need_not_be_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let value = std::ffi::OsStr::from_bytes(b"caf\xe9 \xff");
    let template = std::ffi::OsStr::from_bytes(b"printf '%s|\xfe' {}");
    let out = tackle([
        std::ffi::OsStr::new("run-cmd"),
        std::ffi::OsStr::new("--json"),
        std::ffi::OsStr::new("--binary"),
        std::ffi::OsStr::new("--shell"),
        template,
        std::ffi::OsStr::new("--arg"),
        value,
    ])
    .run();
    out.success();
    let report = json_of(&out);
    assert_eq!(report["argv_encoding"], "utf-8-lossy");
    assert_eq!(report["stdout_encoding"], "base64");
    use base64::Engine as _;
    let stdout = base64::engine::general_purpose::STANDARD
        .decode(report["stdout"].as_str().unwrap())
        .unwrap();
    assert_eq!(stdout, b"caf\xe9 \xff|\xfe");
}

mod injection_fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Bytes a shell might read as syntax, and any other byte but NUL.
    fn hostile_value() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            4 => prop::sample::select(b"'\"$`\\\n;&|(){}*?[]#~ !<>=%\t-".to_vec()),
            1 => 1u8..=255,
        ];
        let word = prop_oneof![
            Just(b"$(touch CANARY)".to_vec()),
            Just(b"`touch CANARY`".to_vec()),
            Just(b"';touch CANARY;'".to_vec()),
            Just(b"\";touch CANARY;\"".to_vec()),
            Just(b"${x:=$(touch CANARY)}".to_vec()),
        ];
        prop::collection::vec(
            prop_oneof![3 => byte.prop_map(|b| vec![b]), 1 => word],
            0..12,
        )
        .prop_map(|pieces| pieces.concat())
    }

    proptest! {
        // 600 runs of 6 values, each in all three contexts, alone and inside a word: 3,600
        // values per context.
        #![proptest_config(ProptestConfig { cases: 600, failure_persistence: None, ..ProptestConfig::default() })]

        /// Through the real binary: each value arrives byte-exact in every quoting context
        /// (bare, "...", '...', as a word and inside one), and nothing else runs (no CANARY
        /// file ever appears).
        #[test]
        fn every_value_arrives_exactly_and_nothing_runs(values in prop::collection::vec(hostile_value(), 6)) {
            use std::os::unix::ffi::OsStrExt;
            let mut args: Vec<std::ffi::OsString> = vec!["run-cmd".into(), "--shell".into()];
            let mut template = String::from("printf '%s\\0'");
            for n in 1..=values.len() {
                // A word of its own, then inside a word (the context starts mid-word).
                template.push_str(&format!(" {{{n}}} \"{{{n}}}\" '{{{n}}}'"));
                template.push_str(&format!(" x{{{n}}}y \"x{{{n}}}y\" 'x{{{n}}}y'"));
            }
            template.push_str(" > out");
            args.push(template.into());
            for value in &values {
                args.push("--arg".into());
                args.push(std::ffi::OsStr::from_bytes(value).to_owned());
            }
            let out = tackle(&args).run();
            prop_assert!(out.status.success(), "{}", out);
            prop_assert!(!out.dir.path().join("CANARY").exists(), "a value ran: {}", out);
            let written = std::fs::read(out.dir.path().join("out")).unwrap();
            let mut expected = Vec::new();
            for value in &values {
                for _ in 0..3 {
                    expected.extend_from_slice(value);
                    expected.push(0);
                }
                for _ in 0..3 {
                    expected.push(b'x');
                    expected.extend_from_slice(value);
                    expected.extend_from_slice(b"y\0");
                }
            }
            prop_assert_eq!(written, expected);
        }
    }
}

// --- robustness ------------------------------------------------------------------------------

#[test]
fn held_output_survives_an_unwritable_tmpdir() {
    let script = "echo err >&2; yes | head -c 10000; exit 5";
    let out = tackle([
        "run-cmd",
        "--quiet-unless-failed",
        "--max-output",
        "1K",
        "--",
        "sh",
        "-c",
        script,
    ])
    .env("TMPDIR", "/nonexistent/tmp")
    .run();
    // 10000 bytes fit in 16 x 1 KiB of memory: nothing lost, and the child's status stands.
    out.code(5).stderr_contains("err\n");
    assert_eq!(out.stdout.len(), 10000, "{out}");
    let out = tackle([
        "run-cmd",
        "--quiet-unless-failed",
        "--max-output",
        "1K",
        "--",
        "sh",
        "-c",
        "yes | head -c 30000; exit 5",
    ])
    .env("TMPDIR", "/nonexistent/tmp")
    .run();
    out.code(5)
        .stderr_contains("dropped the last 13616 of 30000 bytes");
    assert_eq!(out.stdout.len(), 16 * 1024, "{out}");
}

/// `tackle run-cmd ARGS` with stdout and stderr where the test says (stdin on /dev/null, a
/// clean environment), run to the end.
fn run_cmd_to(args: &[&str], stdout: Stdio, stderr: Stdio) -> std::process::Output {
    let mut cmd = std::process::Command::new(common::bin());
    common::with_default_signals(&mut cmd)
        .arg("run-cmd")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .expect("run tackle")
}

/// `/dev/full`, where every write fails with ENOSPC.
fn dev_full() -> Stdio {
    std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full")
        .into()
}

#[test]
fn output_tackle_cannot_write_never_replaces_the_commands_status() {
    let failing = ["--", "sh", "-c", "echo out; echo err >&2; exit 3"];
    let quiet = [&["--quiet-unless-failed"][..], &failing].concat();
    // Held stdout cannot be replayed: said on stderr, after the held stderr, status kept.
    let out = run_cmd_to(&quiet, dev_full(), Stdio::piped());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(
        stderr,
        "err\ntackle: run-cmd: could not write the command's held stdout: cannot write to \
         stdout: No space left on device; the exit status is still 3\n"
    );
    // Held stderr cannot be replayed: stdout still is, status kept.
    let out = run_cmd_to(&quiet, Stdio::piped(), dev_full());
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert_eq!(out.stdout, b"out\n");
    // With --check the --check message follows.
    let checked = [&["--quiet-unless-failed", "--check"][..], &failing].concat();
    let out = run_cmd_to(&checked, dev_full(), Stdio::piped());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("the exit status is still 3\n"), "{stderr}");
    assert!(stderr.ends_with("exited with status 3\n"), "{stderr}");
    // The --json report of a failed command: its status; of a successful one: 125, tackle's
    // own failure, since the report that was the point of the run is lost.
    let json = [&["--json"][..], &failing].concat();
    let out = run_cmd_to(&json, dev_full(), Stdio::piped());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("could not write the --json report: cannot write to stdout: "),
        "{stderr}"
    );
    let out = run_cmd_to(&["--json", "--", "true"], dev_full(), Stdio::piped());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(125), "{stderr}");
    assert!(
        stderr.starts_with("tackle: run-cmd: could not write the --json report: "),
        "{stderr}"
    );
}

#[test]
fn held_output_whose_reader_goes_away_keeps_the_status_quietly() {
    let mut cmd = std::process::Command::new(common::bin());
    // Far more than a pipe holds, so the replay is still writing when the reader leaves.
    let script = "yes | head -c 4000000; exit 4";
    let mut child = common::with_default_signals(&mut cmd)
        .args(["run-cmd", "--quiet-unless-failed", "--", "sh", "-c", script])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tackle");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).expect("first byte");
    drop(stdout);
    let out = child.wait_with_output().expect("wait for tackle");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn values_that_start_with_a_dash_are_values() {
    tackle([
        "run-cmd",
        "--shell",
        "printf '%s,' {} {}",
        "--arg",
        "-n",
        "--arg",
        "-1",
    ])
    .run()
    .success()
    .stdout_is("-n,-1,");
    tackle(["run-cmd", "--input", "-x", "--", "cat"])
        .run()
        .success()
        .stdout_is("-x");
}

#[test]
fn a_script_without_a_shebang_runs_with_sh() {
    let run = tackle(["run-cmd", "--", "./script", "one"]).file("script", "echo \"sh ran $1\"\n");
    std::fs::set_permissions(
        run.dir().join("script"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    run.run().success().stdout_is("sh ran one\n");
}

#[test]
fn durations_are_read_as_gnu_timeout_reads_them() {
    tackle(["run-cmd", "--timeout", "0.2", "--", "sleep", "10"])
        .run()
        .code(124);
    tackle(["run-cmd", "--timeout", "2e-1", "--", "sleep", "10"])
        .run()
        .code(124);
    // A tiny positive timeout is a timeout, never "none".
    tackle(["run-cmd", "--timeout", "1e-9", "--", "sleep", "10"])
        .run()
        .code(124);
    tackle(["run-cmd", "--timeout", "inf", "--", "true"])
        .run()
        .success();
    // Huge values are capped, never a panic (issue 15).
    for flag in [
        "--timeout",
        "--kill-after",
        "--retry-delay",
        "--retry-max-delay",
        "--deadline",
    ] {
        let out = tackle([
            "run-cmd",
            flag,
            "10000000000000000000s",
            "--retries",
            "1",
            "--",
            "true",
        ])
        .run();
        out.success();
    }
    let out = tackle([
        "run-cmd",
        "--retries",
        "1",
        "--retry-delay",
        "1e19s",
        "--timeout",
        "1e19",
        "--",
        "sh",
        "-c",
        "exit 3",
    ])
    .spawn_with(Stdio::null(), Stdio::null());
    // The first attempt fails, then tackle waits (a century); a signal ends the wait.
    std::thread::sleep(Duration::from_millis(300));
    let mut out = out;
    signal_tackle(&out, libc::SIGTERM);
    let status = out.child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
}

#[test]
fn kill_after_zero_never_kills() {
    let started = Instant::now();
    let out = tackle([
        "run-cmd",
        "--json",
        "--timeout",
        "200ms",
        "--kill-after",
        "0",
        "--",
        "sh",
        "-c",
        "trap '' TERM; sleep 1; echo outlived",
    ])
    .run();
    out.code(124);
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(json_of(&out)["stdout"], "outlived\n");
}

#[test]
fn signal_zero_and_real_time_signals() {
    // 0 (EXIT) sends nothing: the command runs on until --kill-after, and it is a timeout.
    let out = tackle([
        "run-cmd",
        "--json",
        "--timeout",
        "200ms",
        "--signal",
        "EXIT",
        "--kill-after",
        "300ms",
        "--",
        "sleep",
        "10",
    ])
    .run();
    out.code(124);
    assert_eq!(json_of(&out)["signal"], "SIGKILL");
    let out = tackle([
        "run-cmd",
        "--json",
        "--timeout",
        "200ms",
        "--signal",
        "RTMIN+1",
        "--",
        "sleep",
        "10",
    ])
    .run();
    out.code(124);
    assert_eq!(json_of(&out)["signal"], "SIGRTMIN+1");
}

#[test]
fn the_json_report_comes_also_when_the_command_cannot_start() {
    for (args, status, error) in [
        (
            vec!["--", "no-such-command-anywhere"],
            127,
            "command not found",
        ),
        (vec!["--", "/"], 126, "cannot run /"),
        (
            vec!["--cwd", "missing", "--", "true"],
            125,
            "--cwd missing: no such directory",
        ),
        (
            vec!["--input-file", ".", "--", "cat"],
            125,
            "is a directory",
        ),
    ] {
        let mut all = vec!["run-cmd", "--json"];
        all.extend(args);
        let out = tackle(&all).run();
        out.code(status).stderr_contains(error);
        let report = json_of(&out);
        assert_eq!(report["status"], status, "{out}");
        assert!(report["error"].as_str().unwrap().contains(error), "{out}");
        assert_eq!(report["exit_code"], Value::Null);
    }
}

#[test]
fn retry_on_124_works_with_preserve_status() {
    let out = tackle([
        "run-cmd",
        "--json",
        "--retries",
        "1",
        "--retry-delay",
        "10ms",
        "--retry-on",
        "124",
        "--preserve-status",
        "--timeout",
        "100ms",
        "--",
        "sleep",
        "10",
    ])
    .run();
    out.code(128 + libc::SIGTERM);
    assert_eq!(json_of(&out)["attempts"], 2);
}

#[test]
fn a_cwd_that_cannot_be_entered_is_tackles_failure() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    // Root enters any directory, so the test drops to nobody when it runs as root.
    let base = tempfile::Builder::new()
        .prefix("tackle-cwd")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(base.path(), PermissionsExt::from_mode(0o755)).unwrap();
    let locked = base.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, PermissionsExt::from_mode(0o000)).unwrap();
    let mut command = std::process::Command::new(common::bin());
    command
        .args(["run-cmd", "--cwd", "locked", "--", "true"])
        .current_dir(base.path())
        .stdin(Stdio::null());
    // SAFETY: getuid/setgid/setuid between fork and exec are async-signal-safe.
    unsafe {
        command.pre_exec(|| {
            if libc::getuid() == 0 && (libc::setgid(65534) != 0 || libc::setuid(65534) != 0) {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = command.output().unwrap();
    std::fs::set_permissions(&locked, PermissionsExt::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(125), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--cwd locked: cannot enter"),
        "{out:?}"
    );
}

// --- beyond: tee, timestamps, fail-on-stderr, rlimit, deadline, jitter, -v -------------------

#[test]
fn tee_keeps_a_copy_while_the_output_is_shown() {
    let out = tackle([
        "run-cmd",
        "--tee",
        "log",
        "--",
        "sh",
        "-c",
        "echo out; echo err >&2",
    ])
    .run();
    out.success().stdout_is("out\n");
    assert_eq!(out.stderr_str(), "err\n");
    let log = std::fs::read_to_string(out.dir.path().join("log")).unwrap();
    assert!(
        log.contains("out\n") && log.contains("err\n") && log.len() == 8,
        "{log:?}"
    );
    // Captured too, and every attempt goes in.
    let out = tackle([
        "run-cmd",
        "--json",
        "--tee",
        "log",
        "--retries",
        "1",
        "--retry-delay",
        "1ms",
        "--",
        "sh",
        "-c",
        "echo try; exit 1",
    ])
    .run();
    out.code(1);
    assert_eq!(json_of(&out)["stdout"], "try\n");
    assert_eq!(
        std::fs::read_to_string(out.dir.path().join("log")).unwrap(),
        "try\ntry\n"
    );
}

#[test]
fn timestamps_prefix_every_line() {
    let out = tackle([
        "run-cmd",
        "--timestamps",
        "--",
        "sh",
        "-c",
        "echo one; printf 'two\\nthr'; sleep 0.2; echo ee",
    ])
    .run();
    out.success();
    let lines: Vec<&str> = out.stdout_str().lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    for (line, text) in lines.iter().zip(["one", "two", "three"]) {
        assert!(
            line.starts_with('[') && line.ends_with(&format!("s] {text}")),
            "{out}"
        );
    }
}

#[test]
fn fail_on_stderr_counts_stderr_as_a_failure() {
    tackle([
        "run-cmd",
        "--fail-on-stderr",
        "--check",
        "--",
        "sh",
        "-c",
        "echo warn >&2",
    ])
    .run()
    .code(1)
    .stderr_contains("warn\n")
    .stderr_contains("wrote to stderr (--fail-on-stderr)");
    tackle(["run-cmd", "--fail-on-stderr", "--", "sh", "-c", "echo fine"])
        .run()
        .success()
        .stdout_is("fine\n");
    // chronic -e: held output is shown because stderr was written.
    tackle([
        "run-cmd",
        "--quiet-unless-failed",
        "--fail-on-stderr",
        "--",
        "sh",
        "-c",
        "echo out; echo warn >&2",
    ])
    .run()
    .code(1)
    .stdout_is("out\n")
    .stderr_contains("warn\n");
}

#[test]
fn rlimits_apply_to_the_command_alone() {
    tackle([
        "run-cmd",
        "--rlimit",
        "nofile=64,core=0",
        "--rlimit",
        "cpu=100:200",
        "--",
        "sh",
        "-c",
        "ulimit -n; ulimit -c; ulimit -t; ulimit -H -t",
    ])
    .run()
    .success()
    .stdout_is("64\n0\n100\n200\n");
    tackle(["run-cmd", "--rlimit", "bogus=1", "--", "true"])
        .run()
        .code(125)
        .stderr_contains("unknown resource");
    // Past its soft CPU limit the command dies of SIGXCPU, and so does tackle.
    let out = tackle([
        "run-cmd",
        "--rlimit",
        "cpu=1:5",
        "--",
        "sh",
        "-c",
        "while :; do :; done",
    ])
    .run();
    died_of(&out, libc::SIGXCPU);
}

#[test]
fn the_deadline_bounds_all_attempts() {
    let started = Instant::now();
    let out = tackle([
        "run-cmd",
        "--json",
        "--check",
        "--deadline",
        "1s",
        "--retries",
        "100",
        "--retry-delay",
        "100ms",
        "--retry-jitter",
        "--",
        "sh",
        "-c",
        "sleep 0.3; exit 1",
    ])
    .run();
    let took = started.elapsed();
    // 100 retries would take over 40 s; the deadline ends them after about one.
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let report = json_of(&out);
    let attempts = report["attempts"].as_u64().unwrap();
    assert!((1..=4).contains(&attempts), "{out}");
    // Stopped by the deadline during an attempt (124), or the last attempt's own status.
    let status = out.status.code().unwrap();
    assert!(status == 1 || status == 124, "{out}");
    if status == 124 {
        out.stderr_contains("stopped at the --deadline of 1s");
    }
}

#[test]
fn verbose_says_when_a_signal_is_sent() {
    tackle(["run-cmd", "-v", "--timeout", "200ms", "--", "sleep", "10"])
        .run()
        .code(124)
        .stderr_contains("sending signal TERM to the command (process group ")
        .stderr_contains("): sleep 10");
}

mod flag_values {
    use super::*;
    use proptest::prelude::*;

    fn extreme_value() -> impl Strategy<Value = String> {
        prop_oneof![
            "[^\u{0}]{0,12}",
            "[0-9]{1,30}(\\.[0-9]{0,6})?([eE][+-]?[0-9]{1,5})?(ms|s|m|h|d|K|M|G|T)?",
            prop::sample::select(vec![
                "1e19s",
                "1e308",
                "inf",
                "-1",
                "0",
                "18446744073709551616",
                "RTMAX+1",
                "RTMIN+30",
                "SIG0",
                "EXIT",
                "cpu=1e19",
                "as=99999999999T",
                "nofile=18446744073709551615",
                "99999999999999999999",
                "1e-400",
            ])
            .prop_map(str::to_owned),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 150, failure_persistence: None, ..ProptestConfig::default() })]

        /// No value of any flag makes tackle panic (exit 101): it is accepted, or refused
        /// with 125. A tiny `--timeout` or `--deadline` (`3976E-12`) is a timeout: 124 too.
        #[test]
        fn no_flag_value_panics(
            flag in prop::sample::select(vec![
                "--timeout", "--kill-after", "--deadline", "--retry-delay", "--retry-max-delay",
                "--signal", "--max-output", "--retries", "--retry-on", "--rlimit",
            ]),
            value in extreme_value(),
        ) {
            let out = tackle(["run-cmd", flag, &value, "--retries", "0", "--", "true"]).run();
            let code = out.status.code();
            let may_time_out = matches!(flag, "--timeout" | "--deadline");
            prop_assert!(
                matches!(code, Some(0 | 125)) || (may_time_out && code == Some(124)),
                "{}",
                out
            );
        }
    }
}

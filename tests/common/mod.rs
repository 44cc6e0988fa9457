//! The integration-test harness: runs the real `tackle` binary in a fresh temporary directory
//! with a clean environment, and on any failed expectation prints the command, its status,
//! stdout and stderr.
//!
//! Each test file does `mod common;` and uses what it needs, so some helpers go unused in
//! some test binaries.
#![allow(dead_code)]

pub mod pki;

use std::ffi::OsStr;
use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};

use tempfile::TempDir;

pub mod low_ports;

/// The path of the binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tackle"))
}

/// The repository root, for checked-in files and `../shared`.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Makes `cmd` start with the signals tests send at their default actions. tackle keeps a
/// signal that was ignored when it started ignored (that is how `nohup` and shells ask for
/// it), and a test run can inherit ignored ones: a script's background job (`cargo test &`)
/// ignores SIGINT and SIGQUIT, `nohup cargo test` SIGHUP. (std already resets SIGPIPE and the
/// signal mask.)
pub fn with_default_signals(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: signal(2) is async-signal-safe, and SIG_DFL for these signals cannot fail.
    unsafe {
        cmd.pre_exec(|| {
            for signal in [libc::SIGHUP, libc::SIGINT, libc::SIGQUIT, libc::SIGTERM] {
                libc::signal(signal, libc::SIG_DFL);
            }
            Ok(())
        })
    }
}

/// Starts building a `tackle` invocation with these arguments.
pub fn tackle<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Run::new(args)
}

/// A `tackle` invocation being built: its own temp dir, a clean environment.
pub struct Run {
    cmd: Command,
    dir: TempDir,
    stdin: Option<Vec<u8>>,
    description: String,
}

impl Run {
    fn new<I, S>(args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let dir = tempfile::tempdir().expect("create test temp dir");
        let mut cmd = Command::new(bin());
        let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        with_default_signals(&mut cmd)
            .args(&args)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path());
        let description = std::iter::once("tackle".to_owned())
            .chain(args.iter().map(|a| shell_quote(&a.to_string_lossy())))
            .collect::<Vec<_>>()
            .join(" ");
        Run {
            cmd,
            dir,
            stdin: None,
            description,
        }
    }

    /// The test's own temporary directory (also the command's working directory).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Sets an environment variable for the command.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Run {
        self.cmd.env(key, value);
        self
    }

    /// Feeds these bytes to the command's stdin (otherwise stdin is /dev/null).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Run {
        self.stdin = Some(input.into());
        self
    }

    /// Runs the command in a session of its own, without a controlling terminal (as under
    /// cron), so that it cannot reach the terminal the tests were started from (sendmail's
    /// password prompt falls back to /dev/tty).
    pub fn without_terminal(mut self) -> Run {
        use std::os::unix::process::CommandExt;
        // SAFETY: setsid is async-signal-safe.
        unsafe {
            self.cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
        self
    }

    /// Writes a file into the test's temp dir and returns its path.
    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Run {
        std::fs::write(self.dir.path().join(name), contents).expect("write test file");
        self
    }

    /// Runs to completion and returns what happened.
    pub fn run(mut self) -> Outcome {
        self.cmd
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("spawn tackle");
        let writer = child.stdin.take().map(|mut pipe| {
            let input = self.stdin.take().unwrap_or_default();
            // A command that exits without reading its input is not a test failure.
            std::thread::spawn(move || drop(pipe.write_all(&input)))
        });
        let output = child.wait_with_output().expect("wait for tackle");
        if let Some(writer) = writer {
            writer.join().expect("stdin writer thread");
        }
        Outcome {
            description: self.description,
            status: output.status,
            stdout: output.stdout,
            stderr: output.stderr,
            dir: self.dir,
        }
    }

    /// Spawns the command with stdout piped and stdin/stderr as given by the caller, for
    /// servers and other long-running processes. The temp dir lives as long as the child.
    pub fn spawn_with(mut self, stdin: Stdio, stderr: Stdio) -> Spawned {
        self.cmd.stdin(stdin).stdout(Stdio::piped()).stderr(stderr);
        let mut child = self.cmd.spawn().expect("spawn tackle");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Spawned {
            child,
            stdout,
            dir: self.dir,
            description: self.description,
        }
    }

    /// Starts a server and waits for its `listening <proto> <addr>` lines, one per listener.
    /// Its stderr goes to a file in the temp dir, so a chatty server never blocks on a full pipe.
    pub fn serve(self, listeners: usize) -> Server {
        let log = std::fs::File::create(self.dir.path().join(SERVER_LOG)).expect("create log");
        let mut spawned = self.spawn_with(Stdio::null(), Stdio::from(log));
        let mut announced = Vec::new();
        while announced.len() < listeners {
            let mut line = String::new();
            let n = spawned
                .stdout
                .read_line(&mut line)
                .expect("read announce line");
            if n == 0 {
                let status = spawned.child.wait().expect("wait for server");
                let stderr = spawned.stderr_log();
                panic!(
                    "server exited before announcing its listeners\ncommand: {}\nstatus: {status}\nstderr:\n{stderr}",
                    spawned.description
                );
            }
            let mut words = line.trim_end().splitn(3, ' ');
            match (words.next(), words.next(), words.next()) {
                (Some("listening"), Some(proto), Some(addr)) => {
                    announced.push((proto.to_owned(), addr.to_owned()))
                }
                _ => panic!("unexpected stdout line from server: {line:?}"),
            }
        }
        Server {
            spawned,
            listeners: announced,
        }
    }
}

/// A finished run.
pub struct Outcome {
    pub description: String,
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub dir: TempDir,
}

impl Outcome {
    /// Stdout as UTF-8 text.
    pub fn stdout_str(&self) -> &str {
        std::str::from_utf8(&self.stdout).unwrap_or_else(|_| self.fail("stdout is not UTF-8"))
    }

    /// Stderr as UTF-8 text.
    pub fn stderr_str(&self) -> &str {
        std::str::from_utf8(&self.stderr).unwrap_or_else(|_| self.fail("stderr is not UTF-8"))
    }

    /// Asserts exit status 0.
    pub fn success(&self) -> &Outcome {
        self.code(0)
    }

    /// Asserts this exit status.
    pub fn code(&self, expected: i32) -> &Outcome {
        if self.status.code() != Some(expected) {
            self.fail(&format!("expected exit status {expected}"));
        }
        self
    }

    /// Asserts that stdout contains this text.
    pub fn stdout_contains(&self, needle: &str) -> &Outcome {
        if !self.stdout_str().contains(needle) {
            self.fail(&format!("expected stdout to contain {needle:?}"));
        }
        self
    }

    /// Asserts that stderr contains this text.
    pub fn stderr_contains(&self, needle: &str) -> &Outcome {
        if !self.stderr_str().contains(needle) {
            self.fail(&format!("expected stderr to contain {needle:?}"));
        }
        self
    }

    /// Asserts stdout is exactly this.
    pub fn stdout_is(&self, expected: &str) -> &Outcome {
        if self.stdout_str() != expected {
            self.fail(&format!("expected stdout to be exactly {expected:?}"));
        }
        self
    }

    /// Asserts stderr is empty.
    pub fn stderr_empty(&self) -> &Outcome {
        if !self.stderr.is_empty() {
            self.fail("expected empty stderr");
        }
        self
    }

    /// Fails the test with this message and everything known about the run.
    pub fn fail(&self, message: &str) -> ! {
        panic!("{message}\n{self}")
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "command: {}", self.description)?;
        writeln!(f, "status: {}", self.status)?;
        writeln!(f, "stdout:\n{}", String::from_utf8_lossy(&self.stdout))?;
        write!(f, "stderr:\n{}", String::from_utf8_lossy(&self.stderr))
    }
}

/// A running child with its stdout available line by line.
pub struct Spawned {
    pub child: Child,
    pub stdout: BufReader<ChildStdout>,
    pub dir: TempDir,
    pub description: String,
}

/// The file in a server's temp dir that receives its stderr.
pub const SERVER_LOG: &str = "server-stderr.log";

impl Spawned {
    /// The contents of the stderr log file (empty when stderr went elsewhere).
    pub fn stderr_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(SERVER_LOG)).unwrap_or_default()
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running server and the listeners it announced, in order.
pub struct Server {
    pub spawned: Spawned,
    pub listeners: Vec<(String, String)>,
}

impl Server {
    /// The address of the `i`-th announced listener.
    pub fn addr(&self, i: usize) -> &str {
        &self.listeners[i].1
    }

    /// Sends a signal to the server (e.g. `libc::SIGTERM`).
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) with a pid we own and a valid signal number.
        let rc = unsafe { libc::kill(self.spawned.child.id() as i32, signal) };
        assert_eq!(rc, 0, "kill({}, {signal})", self.spawned.child.id());
    }

    /// Waits for the server to exit; returns its status and everything it wrote to stderr.
    pub fn wait(mut self) -> (ExitStatus, String) {
        let status = self.spawned.child.wait().expect("wait for server");
        (status, self.spawned.stderr_log())
    }

    /// What the server has written to stderr so far.
    pub fn stderr(&self) -> String {
        self.spawned.stderr_log()
    }
}

fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,@%+".contains(&b));
    if plain {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// A new pseudo-terminal: the leader (master) side to read and write as the terminal, and
/// the follower (slave) side to hand to a child as its stdin or stderr.
pub fn open_pty() -> (std::fs::File, std::os::fd::OwnedFd) {
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two new file descriptors that we then own.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: both descriptors are fresh and owned by nobody else.
    unsafe {
        (
            std::fs::File::from_raw_fd(master),
            std::os::fd::OwnedFd::from_raw_fd(slave),
        )
    }
}

/// A program running as the leader of a new session whose controlling terminal is a new
/// pseudo-terminal, as a shell at an interactive prompt runs: the test types into the
/// terminal and reads what the program writes to it. Self-contained: `libc` calls only.
pub struct Pty {
    master: std::fs::File,
    pub child: Child,
    transcript: Vec<u8>,
}

impl Pty {
    /// Starts `bash -c script` on a new terminal, with `$TACKLE` naming the binary under test.
    pub fn bash(script: &str) -> Pty {
        use std::os::unix::process::CommandExt;
        let (master, slave) = open_pty();
        let mut command = Command::new("bash");
        with_default_signals(&mut command)
            .arg("-c")
            .arg(script)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TACKLE", bin())
            .stdin(Stdio::from(slave.try_clone().expect("dup pty")))
            .stdout(Stdio::from(slave.try_clone().expect("dup pty")))
            .stderr(Stdio::from(slave));
        // SAFETY: setsid(2) and ioctl(TIOCSCTTY) between fork and exec are async-signal-safe:
        // the child becomes a session leader and takes its stdin terminal as its controlling
        // terminal (whose foreground group is then its own).
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("spawn bash on a pty");
        Pty {
            master,
            child,
            transcript: Vec::new(),
        }
    }

    /// Types `bytes` (`"\x03"` is Ctrl-C, `"\x1a"` Ctrl-Z).
    pub fn send(&mut self, bytes: &str) {
        self.master
            .write_all(bytes.as_bytes())
            .expect("write to the pty");
    }

    /// Reads what arrives within `timeout`; false when nothing more will (the terminal hung up).
    fn read_for(&mut self, timeout: std::time::Duration) -> bool {
        use std::io::Read;
        use std::os::fd::AsRawFd;
        let mut poll = libc::pollfd {
            fd: self.master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let millis = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: poll(2) on one valid descriptor.
        if unsafe { libc::poll(&mut poll, 1, millis) } <= 0 {
            return true;
        }
        let mut buffer = [0u8; 4096];
        match self.master.read(&mut buffer) {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.transcript.extend_from_slice(&buffer[..n]);
                true
            }
        }
    }

    /// Waits until the terminal shows `needle`; fails with the transcript after 20 s.
    pub fn expect(&mut self, needle: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !self.transcript().contains(needle) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() || !self.read_for(left.min(std::time::Duration::from_millis(200))) {
                if self.transcript().contains(needle) {
                    return;
                }
                panic!(
                    "the terminal never showed {needle:?}; it showed:\n{}",
                    self.transcript()
                );
            }
        }
    }

    /// Waits (reading the terminal meanwhile) for the program to end, at most 20 s.
    pub fn wait(&mut self) -> ExitStatus {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for bash") {
                while self.read_for(std::time::Duration::from_millis(50)) {}
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the program on the terminal never ended; it showed:\n{}",
                self.transcript()
            );
            self.read_for(std::time::Duration::from_millis(50));
        }
    }

    /// Everything the terminal has shown so far.
    pub fn transcript(&self) -> String {
        String::from_utf8_lossy(&self.transcript).into_owned()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the session we started: its leader's group, then the leader.
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGKILL) };
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

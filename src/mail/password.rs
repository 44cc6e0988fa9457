//! The SMTP password or OAuth2 token: from a file only its owner can read, an environment
//! variable (removed from tackle's environment once read), a command (msmtp's
//! `passwordeval`), or a no-echo prompt on the terminal (stdin, or the controlling terminal
//! when stdin carries the message). Never from a flag, so it never shows in `ps` or shell
//! history. An empty secret is refused before connecting.
//!
//! While the prompt is up, a signal that stops or ends tackle (Ctrl-C, SIGTERM, SIGHUP,
//! SIGQUIT, Ctrl-Z) first gives the terminal its echo back; after `fg`, echo goes off again.

use std::io::{self, IsTerminal, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};

use zeroize::Zeroizing;

use super::sysexits;
use crate::exit;
use crate::secret::{self, FilePolicy, Secret, SecretError, WipedBuffer};

/// The variable read when no source is named.
pub const DEFAULT_PASSWORD_ENV: &str = "TACKLE_SMTP_PASSWORD";

/// Where the secret comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// The first line of this file, refused when others may read it (unless allowed).
    File(PathBuf, FilePolicy),
    /// This environment variable; `explicit` when named with `--password-env` (then it must
    /// be set), otherwise the default, which falls back to the prompt when unset.
    Env { var: String, explicit: bool },
    /// The first line this shell command prints.
    Command(String),
    /// The `password` line of the config file (already checked to be owner-only).
    Config(Secret),
}

/// Gets the secret (`what`: "password" or "token") for `user` at `host` from `source`.
pub fn obtain(
    source: &PasswordSource,
    what: &str,
    user: &str,
    host: &str,
) -> anyhow::Result<Secret> {
    // Before any of it is in memory (a typed half, a variable, a command's output): keep
    // tackle out of core dumps, even if a signal ends it at the prompt.
    secret::forbid_core_dumps();
    let secret = match source {
        PasswordSource::File(path, policy) => {
            let whole = secret::read_file(path, *policy)
                .map_err(|e| exit::failure(sysexits::NO_INPUT, format!("--password-file {e}")))?;
            let line = whole.first_line();
            if line.is_empty() {
                return Err(exit::failure(
                    sysexits::NO_INPUT,
                    format!(
                        "--password-file {}: the first line is empty; no {what} to send",
                        path.display()
                    ),
                ));
            }
            line
        }
        PasswordSource::Env { var, explicit } => match secret::take_env(var) {
            Ok(value) if value.is_empty() => {
                return Err(exit::failure(
                    sysexits::USAGE,
                    format!("the environment variable {var} is empty; no {what} to send"),
                ));
            }
            Ok(value) => value.first_line(),
            Err(SecretError::Unset(_)) if !explicit => prompt_if_terminal(what, user, host)?,
            Err(e) => {
                return Err(exit::failure(
                    sysexits::USAGE,
                    format!("--password-env {var}: {e}"),
                ));
            }
        },
        PasswordSource::Command(command) => {
            let line = run_password_command(command)?;
            if line.is_empty() {
                return Err(exit::failure(
                    sysexits::NO_INPUT,
                    format!("--password-cmd {command:?} printed nothing; no {what} to send"),
                ));
            }
            line
        }
        PasswordSource::Config(password) => password.clone(),
    };
    if secret.is_empty() {
        return Err(exit::failure(
            sysexits::USAGE,
            format!("the {what} for {user} is empty"),
        ));
    }
    Ok(secret)
}

fn run_password_command(command: &str) -> anyhow::Result<Secret> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| {
            exit::failure(
                sysexits::NO_INPUT,
                format!("--password-cmd: cannot run sh: {}", exit::system_words(&e)),
            )
        })?;
    let output = match child.stdout.take() {
        Some(mut stdout) => secret::read_wiped(&mut stdout, 4096).map_err(|e| {
            exit::failure(
                sysexits::NO_INPUT,
                format!(
                    "--password-cmd: cannot read its output: {}",
                    exit::system_words(&e)
                ),
            )
        })?,
        None => Secret::new(Vec::new()),
    };
    let status = child
        .wait()
        .map_err(|e| exit::failure(sysexits::NO_INPUT, format!("--password-cmd: {e}")))?;
    if !status.success() {
        let how = match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was killed by a signal".to_owned(),
        };
        return Err(exit::failure(
            sysexits::NO_INPUT,
            format!("--password-cmd {command:?} {how}"),
        ));
    }
    Ok(output.first_line())
}

/// Asks on the terminal: stdin when it is one, else the controlling terminal (`/dev/tty`, as
/// getpass(3) and so msmtp do), so `sendmail -t < message` can still ask. Without either
/// (cron, a pipeline without a terminal) there is nobody to ask.
fn prompt_if_terminal(what: &str, user: &str, host: &str) -> anyhow::Result<Secret> {
    let terminal = if io::stdin().is_terminal() {
        Terminal::Stdin
    } else {
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open("/dev/tty")
        {
            Ok(tty) => Terminal::Controlling(tty),
            Err(_) => {
                return Err(exit::failure(
                    sysexits::USAGE,
                    format!(
                        "no {what} for {user}: use --password-file FILE, --password-env VAR, --password-cmd CMD or set {DEFAULT_PASSWORD_ENV} (there is no terminal to ask on)"
                    ),
                ));
            }
        }
    };
    let prompt = format!("{} for {user} at {host}: ", capitalised(what));
    prompt_without_echo(terminal, &prompt).map_err(|e| {
        exit::failure(
            sysexits::NO_INPUT,
            format!(
                "cannot read the {what} from the terminal: {}",
                exit::system_words(&e)
            ),
        )
    })
}

/// Where the prompt asks.
enum Terminal {
    /// stdin is the terminal; the prompt goes to stderr.
    Stdin,
    /// stdin is the message: the controlling terminal, for the prompt and the answer.
    Controlling(std::fs::File),
}

impl Terminal {
    fn fd(&self) -> libc::c_int {
        match self {
            Terminal::Stdin => 0,
            Terminal::Controlling(tty) => tty.as_raw_fd(),
        }
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The terminal's settings as they were, and with echo off: what the signal handlers switch
/// between. Set once, before the handlers are installed.
static TERMINAL: OnceLock<(libc::termios, libc::termios)> = OnceLock::new();

/// The descriptor of the terminal the prompt is on, for the signal handlers.
static TERMINAL_FD: AtomicI32 = AtomicI32::new(0);

/// The signals that end tackle; each restores the terminal, then is raised again.
const ENDING: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

extern "C" fn restore_and_reraise(signal: libc::c_int) {
    if let Some((original, _)) = TERMINAL.get() {
        let fd = TERMINAL_FD.load(Ordering::Relaxed);
        // SAFETY: tcsetattr is async-signal-safe; the termios is a valid, immutable static.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, original) };
    }
    // SA_RESETHAND has put back the default action and SA_NODEFER lets it through at once.
    // SAFETY: raise is async-signal-safe.
    unsafe { libc::raise(signal) };
}

extern "C" fn restore_and_stop(_signal: libc::c_int) {
    let Some((original, silent)) = TERMINAL.get() else {
        return;
    };
    let fd = TERMINAL_FD.load(Ordering::Relaxed);
    // SAFETY: every call here is async-signal-safe; the termios values are immutable statics.
    unsafe {
        libc::tcsetattr(fd, libc::TCSANOW, original);
        set_handler(libc::SIGTSTP, libc::SIG_DFL, 0);
        libc::raise(libc::SIGTSTP);
        // Continued (fg): echo off again, and be ready for the next Ctrl-Z.
        set_handler(
            libc::SIGTSTP,
            restore_and_stop as extern "C" fn(libc::c_int) as usize,
            libc::SA_NODEFER | libc::SA_RESTART,
        );
        libc::tcsetattr(fd, libc::TCSANOW, silent);
    }
}

/// Installs `handler` for `signal`, returning the previous action.
///
/// # Safety
/// `handler` must be SIG_DFL, SIG_IGN or an async-signal-safe `extern "C" fn(c_int)`.
unsafe fn set_handler(signal: libc::c_int, handler: usize, flags: libc::c_int) -> libc::sigaction {
    // SAFETY: zeroed sigaction structs are valid; sigaction only reads `action`.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler;
        action.sa_flags = flags;
        libc::sigemptyset(&mut action.sa_mask);
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, &action, &mut old);
        old
    }
}

/// Puts the terminal and the signal actions back as they were, even when reading fails.
struct Restorer {
    fd: libc::c_int,
    original: libc::termios,
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

impl Drop for Restorer {
    fn drop(&mut self) {
        // SAFETY: fd is the terminal the termios came from, still open; the saved actions
        // came from sigaction itself.
        unsafe {
            libc::tcsetattr(self.fd, libc::TCSANOW, &self.original);
            for (signal, action) in &self.previous {
                libc::sigaction(*signal, action, std::ptr::null_mut());
            }
        }
    }
}

fn prompt_without_echo(terminal: Terminal, prompt: &str) -> io::Result<Secret> {
    let fd = terminal.fd();
    // SAFETY: a zeroed termios is a valid out-parameter for tcgetattr.
    let mut original: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: fd is open; tcgetattr only writes into `original`.
    if unsafe { libc::tcgetattr(fd, &mut original) } != 0 {
        return Err(io::Error::last_os_error());
    }
    TERMINAL_FD.store(fd, Ordering::Relaxed);
    let mut silent = original;
    silent.c_lflag &= !libc::ECHO;
    silent.c_lflag |= libc::ECHONL;
    // A second prompt in one process (there is none today) keeps the first settings, which
    // are the terminal's own.
    let _ = TERMINAL.set((original, silent));
    let mut previous = Vec::new();
    // SAFETY: the handlers only call async-signal-safe functions.
    unsafe {
        for signal in ENDING {
            let flags = libc::SA_RESETHAND | libc::SA_NODEFER;
            previous.push((
                signal,
                set_handler(
                    signal,
                    restore_and_reraise as extern "C" fn(libc::c_int) as usize,
                    flags,
                ),
            ));
        }
        let flags = libc::SA_NODEFER | libc::SA_RESTART;
        previous.push((
            libc::SIGTSTP,
            set_handler(
                libc::SIGTSTP,
                restore_and_stop as extern "C" fn(libc::c_int) as usize,
                flags,
            ),
        ));
    }
    let restore = Restorer {
        fd,
        original,
        previous,
    };
    // SAFETY: fd is a terminal and `silent` is derived from its own settings.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &silent) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // ECHONL echoes the newline that ends the password, so the next output starts on a
    // line of its own.
    let line = match &terminal {
        Terminal::Stdin => {
            let mut stderr = io::stderr().lock();
            stderr.write_all(prompt.as_bytes())?;
            stderr.flush()?;
            read_line(&mut io::stdin().lock())
        }
        Terminal::Controlling(tty) => {
            (&mut &*tty).write_all(prompt.as_bytes())?;
            read_line(&mut &*tty)
        }
    };
    drop(restore);
    line
}

/// Reads up to a newline byte by byte, so nothing after it is taken from the terminal and
/// the line never sits in a buffer that is not wiped.
fn read_line(input: &mut impl Read) -> io::Result<Secret> {
    let mut line = WipedBuffer::with_capacity(256);
    let mut byte = Zeroizing::new([0u8; 1]);
    loop {
        match input.read(&mut byte[..]) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) => line.extend_from_slice(&byte[..]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(line.into_secret().first_line())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_command_output_is_used() {
        let source = PasswordSource::Command("printf 'from-cmd\\nignored'".into());
        let secret = obtain(&source, "password", "u", "h").unwrap();
        assert_eq!(secret.expose(), b"from-cmd");
        let failing = PasswordSource::Command("exit 3".into());
        let err = obtain(&failing, "password", "u", "h").unwrap_err();
        assert_eq!(err.downcast_ref::<exit::Failure>().unwrap().status, 66);
        assert!(err.to_string().contains("exited with status 3"), "{err}");
        let empty = PasswordSource::Command("true".into());
        let err = obtain(&empty, "token", "u", "h").unwrap_err();
        assert_eq!(err.downcast_ref::<exit::Failure>().unwrap().status, 66);
        assert!(
            err.to_string().contains("printed nothing; no token"),
            "{err}"
        );
    }

    #[test]
    fn lines_are_read_up_to_the_newline() {
        let mut input: &[u8] = b"pw word\r\nrest";
        assert_eq!(read_line(&mut input).unwrap().expose(), b"pw word");
        assert_eq!(input, b"rest");
    }
}

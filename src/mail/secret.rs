//! The SMTP password: from a file, an environment variable or a command (msmtp's
//! passwordeval), or typed at a no-echo prompt when stdin is a terminal. Never from a flag,
//! so it never shows in `ps` or shell history.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::sysexits;
use crate::exit;

/// The variable read when no source is named.
pub const DEFAULT_PASSWORD_ENV: &str = "TACKLE_SMTP_PASSWORD";

/// Where the password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// The first line of this file.
    File(PathBuf),
    /// This environment variable; `explicit` when named with `--password-env` (then it must
    /// be set), otherwise the default, which falls back to the prompt when unset.
    Env { var: String, explicit: bool },
    /// The first line this shell command prints.
    Command(String),
}

/// Gets the password for `user` at `host` from `source`.
pub fn password(source: &PasswordSource, user: &str, host: &str) -> anyhow::Result<String> {
    match source {
        PasswordSource::File(path) => {
            let text = std::fs::read(path).map_err(|e| {
                exit::failure(
                    sysexits::NO_INPUT,
                    format!("--password-file {}: {e}", path.display()),
                )
            })?;
            Ok(first_line(&text))
        }
        PasswordSource::Env { var, explicit } => match std::env::var_os(var) {
            Some(value) => Ok(first_line(value.as_encoded_bytes())),
            None if *explicit => Err(exit::failure(
                sysexits::USAGE,
                format!("--password-env {var}: the variable is not set"),
            )),
            None => prompt_if_terminal(user, host),
        },
        PasswordSource::Command(command) => run_password_command(command),
    }
}

/// The first line, without its line ending: what a password file or command holds.
fn first_line(bytes: &[u8]) -> String {
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    String::from_utf8_lossy(line).into_owned()
}

fn run_password_command(command: &str) -> anyhow::Result<String> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| {
            exit::failure(
                sysexits::NO_INPUT,
                format!("--password-cmd: cannot run sh: {e}"),
            )
        })?;
    if !output.status.success() {
        return Err(exit::failure(
            sysexits::NO_INPUT,
            format!("--password-cmd {command:?} failed ({})", output.status),
        ));
    }
    Ok(first_line(&output.stdout))
}

fn prompt_if_terminal(user: &str, host: &str) -> anyhow::Result<String> {
    if !io::stdin().is_terminal() {
        return Err(exit::failure(
            sysexits::USAGE,
            format!(
                "no password for {user}: use --password-file FILE, --password-env VAR, --password-cmd CMD or set {DEFAULT_PASSWORD_ENV} (stdin is not a terminal, so tackle cannot ask)"
            ),
        ));
    }
    prompt_without_echo(&format!("Password for {user} at {host}: ")).map_err(|e| {
        exit::failure(
            sysexits::NO_INPUT,
            format!("cannot read the password from the terminal: {e}"),
        )
    })
}

/// Turns terminal echo back on when dropped, even when reading fails.
struct EchoRestorer(libc::termios);

impl Drop for EchoRestorer {
    fn drop(&mut self) {
        // SAFETY: fd 0 is a terminal (checked by the caller) and the termios came from it.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &self.0) };
    }
}

fn prompt_without_echo(prompt: &str) -> io::Result<String> {
    // SAFETY: a zeroed termios is a valid out-parameter for tcgetattr.
    let mut term: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: fd 0 is open; tcgetattr only writes into `term`.
    if unsafe { libc::tcgetattr(0, &mut term) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let restore = EchoRestorer(term);
    term.c_lflag &= !libc::ECHO;
    // SAFETY: fd 0 is a terminal and `term` is a valid termios derived from its own.
    if unsafe { libc::tcsetattr(0, libc::TCSANOW, &term) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let mut stderr = io::stderr().lock();
    stderr.write_all(prompt.as_bytes())?;
    stderr.flush()?;
    let mut line = String::new();
    let read = io::stdin().lock().read_line(&mut line);
    drop(restore);
    stderr.write_all(b"\n")?;
    read?;
    Ok(first_line(line.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_drops_the_line_ending_and_the_rest() {
        assert_eq!(first_line(b"s3cret\n"), "s3cret");
        assert_eq!(first_line(b"s3cret\r\nsecond"), "s3cret");
        assert_eq!(first_line(b"no newline"), "no newline");
        assert_eq!(first_line(b""), "");
    }

    #[test]
    fn password_command_output_is_used() {
        let source = PasswordSource::Command("printf 'from-cmd\\nignored'".into());
        assert_eq!(password(&source, "u", "h").unwrap(), "from-cmd");
        let failing = PasswordSource::Command("exit 3".into());
        let err = password(&failing, "u", "h").unwrap_err();
        assert_eq!(err.downcast_ref::<exit::Failure>().unwrap().status, 66);
    }
}

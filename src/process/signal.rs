//! Signal names and numbers for `--signal` and for reporting how a child died.
//!
//! `--signal` takes a name with or without the `SIG` prefix, in any case (`TERM`, `sigint`,
//! `KILL`), or a number (`15`), as coreutils `timeout -s` does.

/// The signals we know by name, as `(name without SIG, number)`.
const NAMES: &[(&str, libc::c_int)] = &[
    ("HUP", libc::SIGHUP),
    ("INT", libc::SIGINT),
    ("QUIT", libc::SIGQUIT),
    ("ILL", libc::SIGILL),
    ("TRAP", libc::SIGTRAP),
    ("ABRT", libc::SIGABRT),
    ("IOT", libc::SIGIOT),
    ("BUS", libc::SIGBUS),
    ("FPE", libc::SIGFPE),
    ("KILL", libc::SIGKILL),
    ("USR1", libc::SIGUSR1),
    ("SEGV", libc::SIGSEGV),
    ("USR2", libc::SIGUSR2),
    ("PIPE", libc::SIGPIPE),
    ("ALRM", libc::SIGALRM),
    ("TERM", libc::SIGTERM),
    ("CHLD", libc::SIGCHLD),
    ("CONT", libc::SIGCONT),
    ("STOP", libc::SIGSTOP),
    ("TSTP", libc::SIGTSTP),
    ("TTIN", libc::SIGTTIN),
    ("TTOU", libc::SIGTTOU),
    ("URG", libc::SIGURG),
    ("XCPU", libc::SIGXCPU),
    ("XFSZ", libc::SIGXFSZ),
    ("VTALRM", libc::SIGVTALRM),
    ("PROF", libc::SIGPROF),
    ("WINCH", libc::SIGWINCH),
    ("IO", libc::SIGIO),
    ("SYS", libc::SIGSYS),
];

/// The highest signal number the kernel accepts (Linux: SIGRTMAX is 64).
const MAX_SIGNAL: libc::c_int = 64;

/// Parses `TERM`, `SIGTERM`, `term` or `15` into a signal number.
pub fn parse_signal(text: &str) -> Result<libc::c_int, String> {
    let trimmed = text.trim();
    if let Ok(number) = trimmed.parse::<libc::c_int>() {
        return if (1..=MAX_SIGNAL).contains(&number) {
            Ok(number)
        } else {
            Err(format!(
                "signal number {number} is out of range 1-{MAX_SIGNAL}"
            ))
        };
    }
    let upper = trimmed.to_ascii_uppercase();
    let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
    NAMES
        .iter()
        .find(|(name, _)| *name == bare)
        .map(|&(_, number)| number)
        .ok_or_else(|| {
            format!("unknown signal {text:?}; use a name such as TERM, INT, KILL or a number")
        })
}

/// `SIGTERM` for 15; `SIG35` for a signal without a classic name.
pub fn signal_name(number: libc::c_int) -> String {
    NAMES
        .iter()
        .find(|&&(name, n)| n == number && name != "IOT")
        .map_or_else(|| format!("SIG{number}"), |(name, _)| format!("SIG{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_names_and_numbers() {
        assert_eq!(parse_signal("TERM"), Ok(libc::SIGTERM));
        assert_eq!(parse_signal("SIGTERM"), Ok(libc::SIGTERM));
        assert_eq!(parse_signal("sigint"), Ok(libc::SIGINT));
        assert_eq!(parse_signal("kill"), Ok(libc::SIGKILL));
        assert_eq!(parse_signal("9"), Ok(9));
        assert_eq!(parse_signal("34"), Ok(34));
    }

    #[test]
    fn rejects_unknown_signals() {
        for bad in ["", "SIG", "TERMINATE", "0", "65", "-9", "1.5"] {
            assert!(parse_signal(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn names_round_trip() {
        for &(name, number) in NAMES {
            assert_eq!(parse_signal(&signal_name(number)), Ok(number), "{name}");
        }
        assert_eq!(signal_name(libc::SIGABRT), "SIGABRT");
        assert_eq!(signal_name(40), "SIG40");
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,12}") {
            let _ = parse_signal(&text);
        }
    }
}

//! Signal names and numbers for `--signal` and for reporting how a child died.
//!
//! `--signal` takes a name with or without the `SIG` prefix, in any case (`TERM`, `sigint`,
//! `KILL`), a real-time signal as `RTMIN`, `RTMIN+N`, `RTMAX-N` or `RTMAX`, or a number
//! (`15`), as coreutils `timeout -s` does; `0` or `EXIT` is the null signal (GNU's name for
//! it), which checks that the process exists and sends nothing.

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

/// The lowest and highest real-time signals available to programs (glibc keeps the first
/// kernel ones for itself, so SIGRTMIN is 34 on Linux with glibc).
fn rt_range() -> (libc::c_int, libc::c_int) {
    (libc::SIGRTMIN(), libc::SIGRTMAX())
}

/// Parses `TERM`, `SIGTERM`, `term`, `RTMIN+2`, `15` or `0`/`EXIT` into a signal number.
pub fn parse_signal(text: &str) -> Result<libc::c_int, String> {
    let trimmed = text.trim();
    let (_, max) = rt_range();
    let upper = trimmed.to_ascii_uppercase();
    let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
    if let Ok(number) = bare.parse::<libc::c_int>() {
        return if (0..=max).contains(&number) {
            Ok(number)
        } else {
            Err(format!("signal number {number} is out of range 0-{max}"))
        };
    }
    if bare == "EXIT" {
        return Ok(0);
    }
    if let Some(number) = real_time(bare) {
        return number;
    }
    NAMES
        .iter()
        .find(|(name, _)| *name == bare)
        .map(|&(_, number)| number)
        .ok_or_else(|| {
            format!(
                "unknown signal {text:?}; use a name such as TERM, INT, KILL, RTMIN+1 or a number"
            )
        })
}

/// `RTMIN`, `RTMIN+N`, `RTMAX-N`, `RTMAX`; `None` when `bare` is none of these.
fn real_time(bare: &str) -> Option<Result<libc::c_int, String>> {
    let (min, max) = rt_range();
    let (base, offset) = if let Some(rest) = bare.strip_prefix("RTMIN") {
        (min, parse_offset(rest, '+')?)
    } else if let Some(rest) = bare.strip_prefix("RTMAX") {
        (max, parse_offset(rest, '-').map(|o| o.map(|n| -n))?)
    } else {
        return None;
    };
    Some(offset.and_then(|offset| {
        base.checked_add(offset)
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                format!("{bare} is outside the real-time signals RTMIN-RTMAX ({min}-{max})")
            })
    }))
}

/// The `+N` (or `-N`) after `RTMIN` (`RTMAX`); empty is 0. `None` when `rest` is not one.
fn parse_offset(rest: &str, sign: char) -> Option<Result<libc::c_int, String>> {
    if rest.is_empty() {
        return Some(Ok(0));
    }
    let digits = rest.strip_prefix(sign)?;
    Some(
        digits
            .parse::<libc::c_int>()
            .map_err(|_| format!("bad real-time signal offset {rest:?}")),
    )
}

/// `SIGTERM` for 15, `SIGRTMIN+2` for a real-time signal, `SIG0` for the null signal.
pub fn signal_name(number: libc::c_int) -> String {
    let (min, max) = rt_range();
    if let Some(&(name, _)) = NAMES
        .iter()
        .find(|&&(name, n)| n == number && name != "IOT")
    {
        return format!("SIG{name}");
    }
    match number {
        n if n == max => "SIGRTMAX".to_owned(),
        n if n == min => "SIGRTMIN".to_owned(),
        n if n > min && n < max => format!("SIGRTMIN+{}", n - min),
        n => format!("SIG{n}"),
    }
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
        assert_eq!(parse_signal("0"), Ok(0));
        assert_eq!(parse_signal("EXIT"), Ok(0));
        assert_eq!(parse_signal("RTMIN"), Ok(libc::SIGRTMIN()));
        assert_eq!(parse_signal("SIGRTMIN+2"), Ok(libc::SIGRTMIN() + 2));
        assert_eq!(parse_signal("rtmax-1"), Ok(libc::SIGRTMAX() - 1));
        assert_eq!(parse_signal("RTMAX"), Ok(libc::SIGRTMAX()));
    }

    #[test]
    fn rejects_unknown_signals() {
        for bad in [
            "",
            "SIG",
            "TERMINATE",
            "65",
            "-9",
            "1.5",
            "RTMIN-1",
            "RTMAX+1",
            "RTMIN+99",
            "RTMIN2",
            "RTMIN+x",
        ] {
            assert!(parse_signal(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn names_round_trip() {
        for &(name, number) in NAMES {
            assert_eq!(parse_signal(&signal_name(number)), Ok(number), "{name}");
        }
        assert_eq!(signal_name(libc::SIGABRT), "SIGABRT");
        assert_eq!(signal_name(libc::SIGRTMIN() + 6), "SIGRTMIN+6");
        for number in 0..=libc::SIGRTMAX() {
            assert_eq!(parse_signal(&signal_name(number)), Ok(number));
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,12}") {
            let _ = parse_signal(&text);
        }
    }
}

//! `--rlimit cpu=SECS,as=SIZE,nofile=N,core=0`: resource limits for the command alone, as
//! `prlimit` and the shell's `ulimit` set them, applied in the child before exec.
//!
//! A value sets both the soft and the hard limit (so the command cannot raise it again);
//! `SOFT:HARD` sets them apart; `unlimited` (or `inf`) lifts one. Sizes take the suffixes of
//! every size flag (`512M`, `1G`); `cpu` takes seconds or a duration (`90`, `1m30s`), rounded
//! up to whole seconds.

use std::io;

use crate::duration::parse_duration;
use crate::size::parse_size;

/// One limit to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    resource: Resource,
    soft: libc::rlim_t,
    hard: libc::rlim_t,
}

type Resource = libc::__rlimit_resource_t;

/// How a resource's value is written.
#[derive(Debug, Clone, Copy)]
enum Unit {
    Bytes,
    Seconds,
    Count,
}

/// The resources `--rlimit` knows: `(name, resource, unit)`.
const RESOURCES: &[(&str, Resource, Unit)] = &[
    ("as", libc::RLIMIT_AS, Unit::Bytes),
    ("core", libc::RLIMIT_CORE, Unit::Bytes),
    ("cpu", libc::RLIMIT_CPU, Unit::Seconds),
    ("data", libc::RLIMIT_DATA, Unit::Bytes),
    ("fsize", libc::RLIMIT_FSIZE, Unit::Bytes),
    ("memlock", libc::RLIMIT_MEMLOCK, Unit::Bytes),
    ("nofile", libc::RLIMIT_NOFILE, Unit::Count),
    ("nproc", libc::RLIMIT_NPROC, Unit::Count),
    ("stack", libc::RLIMIT_STACK, Unit::Bytes),
];

/// Parses one `--rlimit` value: `NAME=VALUE` pairs separated by commas.
pub fn parse_rlimits(text: &str) -> Result<Vec<Limit>, String> {
    text.split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(parse_pair)
        .collect()
}

fn parse_pair(pair: &str) -> Result<Limit, String> {
    let names = || {
        RESOURCES
            .iter()
            .map(|(name, _, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (name, value) = pair.split_once('=').ok_or_else(|| {
        format!(
            "{pair:?}: expected NAME=VALUE, with NAME one of {}",
            names()
        )
    })?;
    let name = name.trim().to_ascii_lowercase();
    let &(_, resource, unit) = RESOURCES
        .iter()
        .find(|(known, _, _)| *known == name)
        .ok_or_else(|| format!("unknown resource {name:?}; use one of {}", names()))?;
    let (soft, hard) = match value.split_once(':') {
        Some((soft, hard)) => (parse_value(soft, unit)?, parse_value(hard, unit)?),
        None => {
            let both = parse_value(value, unit)?;
            (both, both)
        }
    };
    if soft > hard {
        return Err(format!(
            "{name}: the soft limit is above the hard limit in {value:?}"
        ));
    }
    Ok(Limit {
        resource,
        soft,
        hard,
    })
}

fn parse_value(text: &str, unit: Unit) -> Result<libc::rlim_t, String> {
    let text = text.trim();
    if ["unlimited", "inf", "infinity"]
        .iter()
        .any(|word| text.eq_ignore_ascii_case(word))
    {
        return Ok(libc::RLIM_INFINITY);
    }
    let value = match unit {
        Unit::Bytes => parse_size(text)?,
        Unit::Count => text
            .parse::<u64>()
            .map_err(|_| format!("{text:?} is not a whole number"))?,
        Unit::Seconds => {
            let duration = parse_duration(text)?;
            duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
        }
    };
    Ok(value.min(libc::RLIM_INFINITY - 1))
}

impl Limit {
    /// Sets this limit on the calling process. Async-signal-safe (called between fork and
    /// exec).
    pub fn apply(&self) -> io::Result<()> {
        let limit = libc::rlimit {
            rlim_cur: self.soft,
            rlim_max: self.hard,
        };
        // SAFETY: setrlimit(2) with a valid resource and limit.
        if unsafe { libc::setrlimit(self.resource, &limit) } == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    /// Checks, before starting anything, that this process could set the limit: raising a
    /// hard limit needs privilege (`CAP_SYS_RESOURCE`).
    pub fn check(&self) -> Result<(), String> {
        let mut current = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit(2) fills `current`.
        if unsafe { libc::getrlimit(self.resource, &mut current) } != 0 {
            return Ok(());
        }
        // SAFETY: geteuid(2) cannot fail.
        let privileged = unsafe { libc::geteuid() } == 0;
        let name = RESOURCES
            .iter()
            .find(|(_, resource, _)| *resource == self.resource)
            .map_or("?", |(name, _, _)| name);
        if self.hard > current.rlim_max && !privileged {
            return Err(format!(
                "--rlimit {name}: cannot raise the hard limit above {}",
                current.rlim_max
            ));
        }
        // Even root cannot allow more open files than the kernel's fs.nr_open.
        if self.resource == libc::RLIMIT_NOFILE
            && let Some(most) = std::fs::read_to_string("/proc/sys/fs/nr_open")
                .ok()
                .and_then(|text| text.trim().parse::<libc::rlim_t>().ok())
            && self.hard > most
        {
            return Err(format!(
                "--rlimit nofile: the kernel allows at most {most} (fs.nr_open)"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_names_sizes_seconds_and_pairs() {
        let limits = parse_rlimits("cpu=1m30s,as=512M,nofile=64,core=0").unwrap();
        assert_eq!(limits.len(), 4);
        assert_eq!((limits[0].soft, limits[0].hard), (90, 90));
        assert_eq!(limits[1].hard, 512 << 20);
        assert_eq!(limits[2].soft, 64);
        assert_eq!(limits[3].hard, 0);
        let limit = parse_rlimits("nofile=32:unlimited").unwrap()[0];
        assert_eq!((limit.soft, limit.hard), (32, libc::RLIM_INFINITY));
        assert_eq!(parse_rlimits("cpu=0.5").unwrap()[0].soft, 1);
    }

    #[test]
    fn rejects_what_it_cannot_set() {
        for bad in [
            "cpu",
            "bogus=1",
            "nofile=x",
            "nofile=-1",
            "as=12Q",
            "nofile=9:8",
            "=1",
        ] {
            assert!(parse_rlimits(bad).is_err(), "{bad:?} was accepted");
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,30}") {
            let _ = parse_rlimits(&text);
        }
    }
}

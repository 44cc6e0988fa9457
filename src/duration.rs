//! Human durations for flags such as `--timeout 30s`, `--idle-timeout 5m`, `--drain 250ms`.
//!
//! Accepted: a number (integer or decimal) followed by `ms`, `s`, `m`, `h` or `d`; a bare
//! number means seconds, as coreutils `timeout` reads it. Several parts may be joined
//! (`1m30s`). Used as a clap `value_parser` so a bad value is a usage error naming the flag.

use std::time::Duration;

/// Parses a duration such as `30s`, `1.5s`, `250ms`, `5m`, `1h`, `1m30s` or `10`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration; expected e.g. 30s, 250ms, 5m".to_owned());
    }
    let mut total = 0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_len);
        let value: f64 = number
            .parse()
            .map_err(|_| format!("invalid duration {text:?}; expected e.g. 30s, 250ms, 5m"))?;
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let seconds = match unit {
            "" if next.is_empty() && rest.len() == text.len() => 1.0,
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            _ => {
                return Err(format!(
                    "invalid duration {text:?}: unknown unit {unit:?}; use ms, s, m, h or d"
                ));
            }
        };
        total += value * seconds;
        rest = next;
    }
    Duration::try_from_secs_f64(total).map_err(|_| format!("duration {text:?} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_the_usual_forms() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn rejects_garbage_with_a_hint() {
        for bad in ["", "s", "10x", "-1s", "1..2s", "1m30", "abc", "1e400s"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} was accepted");
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,20}") {
            let _ = parse_duration(&text);
        }

        #[test]
        fn millis_round_trip(ms in 0u64..10_000_000) {
            prop_assert_eq!(parse_duration(&format!("{ms}ms")), Ok(Duration::from_millis(ms)));
        }
    }
}

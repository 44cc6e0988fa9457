//! Human durations for flags such as `--timeout 30s`, `--idle-timeout 5m`, `--drain 250ms`.
//!
//! Accepted: a number followed by `ms`, `s`, `m`, `h` or `d`; a bare number means seconds, as
//! coreutils `timeout` reads it. Numbers are written as GNU `timeout` takes them: integers,
//! decimals and exponents (`1.5`, `1e3`, `2.34e+5d`), or `inf`/`infinity`. Several parts may be
//! joined (`1m30s`). Used as a clap `value_parser` so a bad value is a usage error naming the
//! flag.
//!
//! Every duration is capped at [`MAX`] (100 years, which every user treats as "no deadline"),
//! so adding one to an `Instant` never overflows; a positive value too small to represent
//! becomes one nanosecond, never zero (zero often means "none").

use std::time::Duration;

/// The longest duration any flag takes: 100 years. Longer values, and `inf`, mean this.
pub const MAX: Duration = Duration::from_secs(100 * 365 * 86_400);

const HINT: &str = "expected e.g. 30s, 250ms, 5m, 1.5, 1e3 or inf";

/// Parses a duration such as `30s`, `1.5s`, `250ms`, `5m`, `1h`, `1m30s`, `10`, `1e3` or `inf`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("empty duration; {HINT}"));
    }
    let mut total = 0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let (value, after) = split_number(rest).ok_or_else(|| invalid(text))?;
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
    Ok(clamp(total))
}

/// `250ms`, `10s`, `1.5s`.
pub fn format_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis < 1000 {
        format!("{millis}ms")
    } else if millis.is_multiple_of(1000) {
        format!("{}s", millis / 1000)
    } else {
        let text = format!("{}.{:03}", millis / 1000, millis % 1000);
        format!("{}s", text.trim_end_matches('0'))
    }
}

/// The leading number of `text` (digits, `.`, an exponent, or `inf`/`infinity`) and the rest.
fn split_number(text: &str) -> Option<(f64, &str)> {
    for word in ["infinity", "inf"] {
        if text
            .get(..word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
        {
            return Some((f64::INFINITY, &text[word.len()..]));
        }
    }
    let bytes = text.as_bytes();
    let mut end = bytes
        .iter()
        .position(|b| !(b.is_ascii_digit() || *b == b'.'))
        .unwrap_or(bytes.len());
    // An exponent: `e`, an optional sign, then at least one digit (so `1e` stays unit-less
    // garbage rather than swallowing a unit).
    if end > 0 && matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut exp = end + 1;
        if matches!(bytes.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        let digits = bytes[exp..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > 0 {
            end = exp + digits;
        }
    }
    let number = &text[..end];
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    Some((value, &text[end..]))
}

/// `seconds` as a duration no longer than [`MAX`], and never zero when positive.
fn clamp(seconds: f64) -> Duration {
    if seconds.is_nan() || seconds <= 0.0 {
        return Duration::ZERO;
    }
    if seconds >= MAX.as_secs_f64() {
        return MAX;
    }
    Duration::from_secs_f64(seconds).max(Duration::from_nanos(1))
}

fn invalid(text: &str) -> String {
    format!("invalid duration {text:?}; {HINT}")
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
    fn reads_what_gnu_timeout_reads() {
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1e3"), Ok(Duration::from_secs(1000)));
        assert_eq!(parse_duration("1E3s"), Ok(Duration::from_secs(1000)));
        assert_eq!(
            parse_duration("2.34e+5d"),
            Ok(Duration::from_secs(20_217_600_000).min(MAX))
        );
        assert_eq!(parse_duration("5e-1"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration(".5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("inf"), Ok(MAX));
        assert_eq!(parse_duration("Infinity"), Ok(MAX));
        assert_eq!(parse_duration("infs"), Ok(MAX));
    }

    #[test]
    fn huge_values_are_capped_and_tiny_ones_stay_positive() {
        assert_eq!(parse_duration("10000000000000000000s"), Ok(MAX));
        assert_eq!(parse_duration("1e400"), Ok(MAX));
        assert_eq!(parse_duration("1e-20"), Ok(Duration::from_nanos(1)));
        assert_eq!(parse_duration("0.0000000001s"), Ok(Duration::from_nanos(1)));
        assert_eq!(parse_duration("0e5"), Ok(Duration::ZERO));
    }

    #[test]
    fn rejects_garbage_with_a_hint() {
        for bad in [
            "", "s", "10x", "-1s", "1..2s", "1m30", "abc", "1e", "e3", "nan", "+1", "1e+",
        ] {
            let err = parse_duration(bad).expect_err(bad);
            assert!(
                err.contains("expected") || err.contains("unit"),
                "{bad:?}: {err}"
            );
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_never_exceeds_the_cap(text in ".{0,24}") {
            if let Ok(d) = parse_duration(&text) {
                prop_assert!(d <= MAX);
            }
        }

        #[test]
        fn any_number_with_any_unit_is_within_the_cap(
            number in "[0-9]{1,30}(\\.[0-9]{0,10})?([eE][+-]?[0-9]{1,4})?",
            unit in prop::sample::select(vec!["", "ms", "s", "m", "h", "d"]),
        ) {
            let d = parse_duration(&format!("{number}{unit}")).expect("valid");
            prop_assert!(d <= MAX);
        }

        #[test]
        fn millis_round_trip(ms in 0u64..10_000_000) {
            prop_assert_eq!(parse_duration(&format!("{ms}ms")), Ok(Duration::from_millis(ms)));
        }
    }
}

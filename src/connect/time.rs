//! `connect --time`: a time server's reply read back into a time, and its offset from the
//! local clock. The formats are serve-time's (`daytime::reply`): RFC 868's four bytes (seconds
//! since 1900, a 32-bit counter placed in the era nearest the local clock, so replies after its
//! 2036 wrap read right), and RFC 867 daytime text in ctime, RFC 3339, RFC 2822, Unix seconds or
//! milliseconds. Without `--format` the reply's shape decides: four bytes are RFC 868, text is
//! tried in each text format.
//!
//! The offset is the server's time minus the local clock at the middle of the exchange (the
//! server wrote its reply somewhere between our request and the reply's arrival). A reply in
//! whole seconds says only which second it was, so it stands for the middle of that second.

use std::time::Duration;

use jiff::civil::DateTime;
use jiff::{SignedDuration, Timestamp};

use crate::daytime::reply::{Format, RFC868_EPOCH_OFFSET, Zone, write_reply};

/// A decoded reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// The server's time (the start of its second for whole-second formats).
    pub time: Timestamp,
    /// The format it was read as.
    pub format: Format,
}

impl Reading {
    /// The server's time as an estimate: the middle of its second when the reply only names
    /// the second.
    fn estimate(&self) -> Timestamp {
        let half_second = SignedDuration::from_millis(500);
        match self.format {
            Format::UnixMs => self.time,
            Format::Rfc3339 | Format::Rfc2822 if self.time.subsec_nanosecond() != 0 => self.time,
            _ => self.time.saturating_add(half_second).unwrap_or(self.time),
        }
    }
}

/// Reads `reply` as `format` (or, with `None`, as whatever it looks like). Calendar text
/// without a zone (ctime) is read in `zone`; an RFC 868 counter is placed in the era nearest
/// `near`.
pub fn decode(
    reply: &[u8],
    format: Option<Format>,
    zone: &Zone,
    near: Timestamp,
) -> Result<Reading, String> {
    let format = match format {
        Some(format) => format,
        None if reply.len() == 4 => Format::Rfc868,
        None => return decode_any_text(reply, zone),
    };
    if format == Format::Rfc868 {
        let bytes: [u8; 4] = reply.try_into().map_err(|_| {
            format!(
                "an RFC 868 reply is 4 bytes, this one is {}{}",
                reply.len(),
                if reply.is_empty() { " (none came)" } else { "" }
            )
        })?;
        let time = Timestamp::from_second(rfc868_unix(u32::from_be_bytes(bytes), near.as_second()))
            .map_err(|e| format!("the RFC 868 reply is out of range: {e}"))?;
        return Ok(Reading { time, format });
    }
    let text = reply_text(reply)?;
    let time = parse_text(text, format, zone)
        .ok_or_else(|| format!("the reply {text:?} is not a {} time", format_name(format)))?;
    Ok(Reading { time, format })
}

/// The Unix time an RFC 868 counter stands for, in the 2^32-second era nearest `near`.
fn rfc868_unix(counter: u32, near: i64) -> i64 {
    let period = 1i64 << 32;
    let era0 = i64::from(counter) - RFC868_EPOCH_OFFSET;
    let eras = (near - era0 + period / 2).div_euclid(period);
    era0 + eras * period
}

fn reply_text(reply: &[u8]) -> Result<&str, String> {
    let text = std::str::from_utf8(reply)
        .map_err(|_| format!("the reply is not text ({} bytes)", reply.len()))?;
    let text = text.trim();
    if text.is_empty() {
        return Err("the reply is empty".to_owned());
    }
    Ok(text)
}

fn decode_any_text(reply: &[u8], zone: &Zone) -> Result<Reading, String> {
    let text = reply_text(reply)?;
    let order = [
        Format::Rfc3339,
        Format::Rfc2822,
        Format::Ctime,
        Format::UnixMs,
        Format::Unix,
    ];
    order
        .into_iter()
        .find_map(|format| parse_text(text, format, zone).map(|time| Reading { time, format }))
        .ok_or_else(|| {
            format!(
                "cannot read a time in the reply {text:?} (ctime, RFC 3339, RFC 2822, Unix \
                 seconds or milliseconds, or RFC 868's 4 bytes); give --format if the server \
                 uses one of them"
            )
        })
}

fn parse_text(text: &str, format: Format, zone: &Zone) -> Option<Timestamp> {
    match format {
        Format::Rfc3339 => text.parse::<Timestamp>().ok(),
        Format::Rfc2822 => jiff::fmt::rfc2822::parse(text)
            .ok()
            .map(|zoned| zoned.timestamp()),
        Format::Ctime => {
            // `Sat Nov  1 02:03:04 2026`: the day is padded with a space.
            let words: Vec<&str> = text.split_ascii_whitespace().collect();
            let civil = DateTime::strptime("%a %b %d %H:%M:%S %Y", words.join(" ")).ok()?;
            civil
                .to_zoned(zone.time_zone())
                .ok()
                .map(|zoned| zoned.timestamp())
        }
        Format::Unix if is_integer(text) && text.len() <= 12 => {
            Timestamp::from_second(text.parse().ok()?).ok()
        }
        // Milliseconds since 1970 have had 13 digits since 2001.
        Format::UnixMs if is_integer(text) && text.len() >= 13 => {
            Timestamp::from_millisecond(text.parse().ok()?).ok()
        }
        Format::Unix | Format::UnixMs | Format::Rfc868 => None,
    }
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The format's name as `--format` spells it.
pub fn format_name(format: Format) -> String {
    clap::ValueEnum::to_possible_value(&format).map_or_else(
        || format!("{format:?}"),
        |value| value.get_name().to_owned(),
    )
}

/// What `--time` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The server's time in RFC 3339, in `zone`.
    pub time: String,
    pub unix: i64,
    /// Server minus local clock, in seconds (positive: the server is ahead).
    pub offset: f64,
    /// From our request to the first byte of the reply.
    pub round_trip: Duration,
    pub format: Format,
}

impl Report {
    /// The report for `reading`, asked for at local time `asked` and answered at `answered`.
    pub fn new(reading: &Reading, asked: Timestamp, answered: Timestamp, zone: &Zone) -> Report {
        let round_trip = answered.duration_since(asked);
        let middle = asked.saturating_add(round_trip / 2).unwrap_or(asked);
        let offset = reading.estimate().duration_since(middle).as_secs_f64();
        let mut text = Vec::new();
        write_reply(Format::Rfc3339, zone, reading.time, &mut text);
        Report {
            time: String::from_utf8_lossy(&text).trim_end().to_owned(),
            unix: reading.time.as_second(),
            offset,
            round_trip: round_trip.unsigned_abs(),
            format: reading.format,
        }
    }

    /// `2026-11-21T22:44:21+08:00 offset +0.412s`.
    pub fn line(&self) -> String {
        format!("{} offset {:+.3}s\n", self.time, self.offset)
    }

    /// One JSON object, for `--json`.
    pub fn json(&self, server: &str) -> String {
        let value = serde_json::json!({
            "server": server,
            "time": self.time,
            "unix": self.unix,
            "offset_seconds": (self.offset * 1000.0).round() / 1000.0,
            "round_trip_seconds": (self.round_trip.as_secs_f64() * 1e6).round() / 1e6,
            "format": format_name(self.format),
        });
        format!("{value}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;
    use proptest::prelude::*;

    fn at(unix: i64) -> Timestamp {
        Timestamp::from_second(unix).unwrap()
    }

    fn shanghai() -> Zone {
        Zone::Local(TimeZone::get("Asia/Shanghai").unwrap())
    }

    /// What serve-time writes for `unix` in `format`.
    fn served(format: Format, zone: &Zone, unix: i64) -> Vec<u8> {
        let mut out = Vec::new();
        write_reply(format, zone, at(unix), &mut out);
        out
    }

    #[test]
    fn reads_back_every_format_serve_time_writes() {
        let unix = 1_795_272_261;
        for zone in [Zone::Utc, shanghai()] {
            for format in [
                Format::Ctime,
                Format::Rfc3339,
                Format::Rfc2822,
                Format::Unix,
                Format::Rfc868,
            ] {
                let reply = served(format, &zone, unix);
                for asked in [Some(format), None] {
                    let reading = decode(&reply, asked, &zone, at(unix)).unwrap();
                    assert_eq!(reading.time, at(unix), "{format:?} {asked:?}");
                    assert_eq!(reading.format, format);
                }
            }
            let ms = served(Format::UnixMs, &zone, unix);
            assert_eq!(
                decode(&ms, None, &zone, at(unix)).unwrap().format,
                Format::UnixMs
            );
        }
    }

    #[test]
    fn ctime_days_padded_with_a_space_read_back() {
        // python3 -c 'import time; print(repr(time.ctime(1e9)))' with TZ=UTC
        let reading = decode(b"Sun Sep  9 01:46:40 2001\r\n", None, &Zone::Utc, at(0)).unwrap();
        assert_eq!(reading.time, at(1_000_000_000));
    }

    #[test]
    fn rfc868_counters_land_in_the_era_nearest_the_local_clock() {
        // 2036-02-07T06:28:16Z is where the counter wraps to 0.
        let wrap = 2_085_978_496;
        assert_eq!(rfc868_unix(0, wrap), wrap);
        assert_eq!(rfc868_unix(10, wrap - 5), wrap + 10);
        assert_eq!(rfc868_unix(u32::MAX, wrap + 5), wrap - 1);
        assert_eq!(rfc868_unix(2_208_988_800, 0), 0);
    }

    #[test]
    fn mismatches_and_junk_are_refused_with_the_reason() {
        let err = decode(b"abc", Some(Format::Rfc868), &Zone::Utc, at(0)).unwrap_err();
        assert!(err.contains("4 bytes"), "{err}");
        let err = decode(b"hello there", None, &Zone::Utc, at(0)).unwrap_err();
        assert!(err.contains("--format"), "{err}");
        let err = decode(b"12345", Some(Format::Rfc3339), &Zone::Utc, at(0)).unwrap_err();
        assert!(err.contains("rfc3339"), "{err}");
        assert!(decode(b"", None, &Zone::Utc, at(0)).is_err());
    }

    #[test]
    fn the_offset_takes_the_middle_of_the_exchange_and_of_the_second() {
        let reading = Reading {
            time: at(100),
            format: Format::Rfc868,
        };
        let report = Report::new(&reading, at(99), at(101), &Zone::Utc);
        // Server 100.5 (middle of its second), local middle 100.
        assert!((report.offset - 0.5).abs() < 1e-9, "{}", report.offset);
        assert_eq!(report.line(), "1970-01-01T00:01:40Z offset +0.500s\n");
        let json: serde_json::Value = serde_json::from_str(&report.json("h:37")).unwrap();
        assert_eq!(json["unix"], 100);
        assert_eq!(json["format"], "rfc868");
    }

    proptest! {
        #[test]
        fn decoding_never_panics(reply in proptest::collection::vec(any::<u8>(), 0..64), near in any::<i32>()) {
            let _ = decode(&reply, None, &Zone::Utc, at(i64::from(near)));
            let _ = decode(&reply, Some(Format::Rfc868), &Zone::Utc, at(i64::from(near)));
        }

        #[test]
        fn rfc868_round_trips_near_the_clock(unix in -2_208_988_800i64..4_000_000_000, drift in -1_000_000i64..1_000_000) {
            let counter = crate::daytime::reply::rfc868_seconds(unix);
            prop_assert_eq!(rfc868_unix(counter, unix + drift), unix);
        }
    }
}

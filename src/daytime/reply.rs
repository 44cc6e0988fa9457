//! What a time server says: the reply formats and the zone they are written in.
//!
//! Text formats follow RFC 867 (daytime: "any ASCII string", we end each with `\r\n`); `rfc868`
//! is RFC 868's binary time: four bytes, big-endian, seconds since 1900-01-01T00:00:00Z.
//!
//! A server answers many requests within one second with the same text, so [`Replies`] keeps
//! the last reply and only formats again when the clock has moved on.

use std::io::Write;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Seconds from 1900-01-01T00:00:00Z (RFC 868's epoch) to 1970-01-01T00:00:00Z.
pub const RFC868_EPOCH_OFFSET: i64 = 2_208_988_800;

/// How a reply is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Python's time.ctime(): `Sat Nov 21 22:44:21 2026` (day padded with a space)
    Ctime,
    /// RFC 3339: `2026-11-21T22:44:21+08:00`, or `...Z` with --utc
    Rfc3339,
    /// RFC 2822 (mail Date:): `Sat, 21 Nov 2026 22:44:21 +0800`
    Rfc2822,
    /// Seconds since 1970-01-01T00:00:00Z: `1795272261`
    Unix,
    /// Milliseconds since 1970-01-01T00:00:00Z: `1795272261123`
    UnixMs,
    /// RFC 868: 4 bytes, big-endian seconds since 1900-01-01T00:00:00Z, no line end. The
    /// RFC's 32-bit counter wraps on 2036-02-07T06:28:16Z and starts again at 0
    Rfc868,
}

impl Format {
    /// Whether replies in this format show calendar fields, so that the zone matters.
    pub fn uses_calendar(self) -> bool {
        matches!(self, Format::Ctime | Format::Rfc3339 | Format::Rfc2822)
    }

    /// Whether replies in this format change only once per second (so one can be reused
    /// for every request within that second).
    fn changes_every_second(self) -> bool {
        self != Format::UnixMs
    }
}

/// The zone a reply's calendar fields are written in.
#[derive(Debug, Clone)]
pub enum Zone {
    /// Coordinated Universal Time (`--utc`).
    Utc,
    /// A real time zone: from `TZ` or the system's configuration.
    Local(TimeZone),
}

impl Zone {
    /// The local zone: `TZ` if set (an IANA name, a TZif path or a POSIX rule), otherwise the
    /// system's (`/etc/localtime`). An unusable `TZ` falls back to UTC with a warning, as the C
    /// library does, rather than refusing to serve.
    pub fn local() -> Zone {
        match TimeZone::try_system() {
            Ok(tz) => Zone::Local(tz),
            Err(e) => {
                tracing::warn!("cannot determine the local time zone ({e}); using UTC");
                Zone::Utc
            }
        }
    }

    pub fn time_zone(&self) -> TimeZone {
        match self {
            Zone::Utc => TimeZone::UTC,
            Zone::Local(tz) => tz.clone(),
        }
    }
}

/// RFC 868's 32-bit seconds counter for a Unix time, wrapped modulo 2^32.
pub fn rfc868_seconds(unix_seconds: i64) -> u32 {
    // rem_euclid keeps the result in 0..2^32 for any i64, so the cast loses nothing.
    (unix_seconds + RFC868_EPOCH_OFFSET).rem_euclid(1 << 32) as u32
}

/// Writes the reply for instant `now` into `out` (which is cleared first).
pub fn write_reply(format: Format, zone: &Zone, now: Timestamp, out: &mut Vec<u8>) {
    out.clear();
    // Writing into a Vec cannot fail, and every timestamp jiff can hold can be printed in
    // these layouts, so the results below are ignored rather than unwrapped.
    match format {
        Format::Ctime => {
            let zoned = now.to_zoned(zone.time_zone());
            let _ = write!(out, "{}\r\n", zoned.strftime("%a %b %e %H:%M:%S %Y"));
        }
        Format::Rfc3339 => {
            let _ = match zone {
                Zone::Utc => write!(out, "{}\r\n", now.strftime("%Y-%m-%dT%H:%M:%SZ")),
                Zone::Local(tz) => {
                    let zoned = now.to_zoned(tz.clone());
                    write!(out, "{}\r\n", zoned.strftime("%Y-%m-%dT%H:%M:%S%:z"))
                }
            };
        }
        Format::Rfc2822 => {
            let zoned = now.to_zoned(zone.time_zone());
            let _ = write!(out, "{}\r\n", zoned.strftime("%a, %d %b %Y %H:%M:%S %z"));
        }
        Format::Unix => {
            let _ = write!(out, "{}\r\n", now.as_second());
        }
        Format::UnixMs => {
            let _ = write!(out, "{}\r\n", now.as_millisecond());
        }
        Format::Rfc868 => out.extend_from_slice(&rfc868_seconds(now.as_second()).to_be_bytes()),
    }
}

/// Replies for one format and zone, formatted at most once per clock tick (a second, or a
/// millisecond for `unix-ms`).
///
/// Reading the wall clock costs about as much as the rest of a reply, so it is read only when
/// the tick may have changed: after formatting, the reply is kept until the monotonic clock
/// passes the end of the wall clock's current tick. The caller's monotonic reading is shared
/// with the rate limiter, so a cached reply costs no clock read of its own. If the system
/// clock is stepped, replies lag the step by at most one tick.
#[derive(Debug, Clone)]
pub struct Replies {
    format: Format,
    zone: Zone,
    valid_until: Option<Instant>,
    text: Vec<u8>,
}

impl Replies {
    /// Replies in `format`, with calendar fields in `zone`.
    pub fn new(format: Format, zone: Zone) -> Replies {
        Replies {
            format,
            zone,
            valid_until: None,
            text: Vec::with_capacity(64),
        }
    }

    /// The reply for the current time.
    pub fn now(&mut self) -> &[u8] {
        self.at(Instant::now(), Timestamp::now)
    }

    /// The reply at monotonic time `now`; `wall_clock` is read only if the cached reply's tick
    /// may have ended.
    pub fn at(&mut self, now: Instant, wall_clock: impl FnOnce() -> Timestamp) -> &[u8] {
        if self.valid_until.is_some_and(|until| now < until) {
            return &self.text;
        }
        let wall = wall_clock();
        write_reply(self.format, &self.zone, wall, &mut self.text);
        let tick_nanos: i128 = if self.format.changes_every_second() {
            1_000_000_000
        } else {
            1_000_000
        };
        // `now` was read before `wall`, so `now + left` ends no later than the tick does.
        let left = tick_nanos - wall.as_nanosecond().rem_euclid(tick_nanos);
        self.valid_until = Some(now + Duration::from_nanos(left as u64));
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(format: Format, zone: &Zone, unix: i64) -> String {
        let mut out = Vec::new();
        write_reply(
            format,
            zone,
            Timestamp::from_second(unix).unwrap(),
            &mut out,
        );
        String::from_utf8(out).unwrap()
    }

    fn shanghai() -> Zone {
        Zone::Local(TimeZone::get("Asia/Shanghai").unwrap())
    }

    #[test]
    fn ctime_matches_python_including_the_space_padded_day() {
        // python3 -c 'import time; print(repr(time.ctime(1e9)))' with TZ=UTC
        assert_eq!(
            text(Format::Ctime, &Zone::Utc, 1_000_000_000),
            "Sun Sep  9 01:46:40 2001\r\n"
        );
        // TZ=Asia/Shanghai python3 -c 'import time; print(time.ctime(1795272261))'
        assert_eq!(
            text(Format::Ctime, &shanghai(), 1_795_272_261),
            "Sat Nov 21 22:44:21 2026\r\n"
        );
    }

    #[test]
    fn text_formats_in_utc_and_in_a_zone() {
        let t = 1_795_272_261;
        assert_eq!(
            text(Format::Rfc3339, &Zone::Utc, t),
            "2026-11-21T14:44:21Z\r\n"
        );
        assert_eq!(
            text(Format::Rfc3339, &shanghai(), t),
            "2026-11-21T22:44:21+08:00\r\n"
        );
        assert_eq!(
            text(Format::Rfc2822, &Zone::Utc, t),
            "Sat, 21 Nov 2026 14:44:21 +0000\r\n"
        );
        assert_eq!(
            text(Format::Rfc2822, &shanghai(), t),
            "Sat, 21 Nov 2026 22:44:21 +0800\r\n"
        );
        assert_eq!(text(Format::Unix, &shanghai(), t), "1795272261\r\n");
    }

    #[test]
    fn unix_ms_keeps_the_milliseconds() {
        let mut out = Vec::new();
        let now = Timestamp::from_millisecond(1_795_272_261_123).unwrap();
        write_reply(Format::UnixMs, &Zone::Utc, now, &mut out);
        assert_eq!(out, b"1795272261123\r\n");
    }

    #[test]
    fn rfc868_counts_from_1900_and_wraps_after_2036() {
        assert_eq!(rfc868_seconds(0), 2_208_988_800);
        assert_eq!(rfc868_seconds(-RFC868_EPOCH_OFFSET), 0);
        // 2036-02-07T06:28:15Z is the last second before the wrap.
        let wrap = (1i64 << 32) - RFC868_EPOCH_OFFSET;
        assert_eq!(rfc868_seconds(wrap - 1), u32::MAX);
        assert_eq!(rfc868_seconds(wrap), 0);
        assert_eq!(rfc868_seconds(wrap + 5), 5);
        let mut out = Vec::new();
        write_reply(
            Format::Rfc868,
            &Zone::Utc,
            Timestamp::from_second(0).unwrap(),
            &mut out,
        );
        assert_eq!(out, 2_208_988_800u32.to_be_bytes());
    }

    #[test]
    fn replies_are_reused_within_a_tick_without_reading_the_wall_clock() {
        let start = Instant::now();
        let ms = |n: u64| start + Duration::from_millis(n);
        let wall = |ms: i64| move || Timestamp::from_millisecond(ms).unwrap();
        let unread = || -> Timestamp { panic!("the wall clock was read within the tick") };

        let mut replies = Replies::new(Format::Unix, Zone::Utc);
        assert_eq!(replies.at(ms(0), wall(1_250)), b"1\r\n");
        // The second ends 750 ms later: until then the cached reply is used.
        assert_eq!(replies.at(ms(749), unread), b"1\r\n");
        assert_eq!(replies.at(ms(750), wall(2_000)), b"2\r\n");

        let mut millis = Replies::new(Format::UnixMs, Zone::Utc);
        assert_eq!(millis.at(ms(0), wall(1_000)), b"1000\r\n");
        assert_eq!(millis.at(ms(1), wall(1_001)), b"1001\r\n");
    }

    #[test]
    fn replies_now_follows_the_system_clock() {
        let mut replies = Replies::new(Format::Unix, Zone::Utc);
        let text = String::from_utf8(replies.now().to_vec()).unwrap();
        let seconds: i64 = text.trim_end().parse().unwrap();
        assert!(
            (seconds - Timestamp::now().as_second()).abs() <= 1,
            "{text:?}"
        );
    }

    proptest! {
        /// Every text format parses back to the instant it was written for (to the second).
        #[test]
        fn text_formats_parse_back(
            unix in 0i64..=253_402_000_000,
            utc in any::<bool>(),
        ) {
            let zone = if utc { Zone::Utc } else { shanghai() };
            let tz = zone.time_zone();
            let want = Timestamp::from_second(unix).unwrap();

            let ctime = text(Format::Ctime, &zone, unix);
            prop_assert!(ctime.ends_with("\r\n"));
            let civil = jiff::fmt::strtime::parse("%a %b %e %H:%M:%S %Y", ctime.trim_end())
                .and_then(|tm| tm.to_datetime())
                .unwrap();
            prop_assert_eq!(civil.to_zoned(tz.clone()).unwrap().timestamp(), want);

            let rfc3339: Timestamp = text(Format::Rfc3339, &zone, unix).trim_end().parse().unwrap();
            prop_assert_eq!(rfc3339, want);

            let rfc2822 = jiff::fmt::rfc2822::parse(text(Format::Rfc2822, &zone, unix).trim_end())
                .unwrap();
            prop_assert_eq!(rfc2822.timestamp(), want);

            let seconds: i64 = text(Format::Unix, &zone, unix).trim_end().parse().unwrap();
            prop_assert_eq!(seconds, unix);
        }

        #[test]
        fn rfc868_agrees_with_the_epoch_offset_modulo_2_to_the_32(unix in any::<i32>()) {
            let unix = i64::from(unix);
            let back = i64::from(rfc868_seconds(unix)) - RFC868_EPOCH_OFFSET;
            prop_assert_eq!((back - unix).rem_euclid(1 << 32), 0);
        }
    }
}

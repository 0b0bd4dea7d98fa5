//! Instants, and RFC 3339 text read and written by hand: a few lines, where a general date-time
//! parser would cost kilobytes of WebAssembly and accept more than RFC 3339 allows.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The last second of year 9999, the end of the range RFC 3339 can write.
const MAX_SECOND: i64 = 253_402_300_799;

/// An instant: seconds since 1970-01-01T00:00:00Z (POSIX time, no leap seconds) and nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

impl Timestamp {
    /// The instant `seconds` (+ `nanos`) after the epoch, within years 0000 … 9999.
    pub fn new(seconds: i64, nanos: u32) -> Option<Timestamp> {
        let first = -62_167_219_200; // 0000-01-01T00:00:00Z
        (nanos < 1_000_000_000 && (first..=MAX_SECOND).contains(&seconds)).then_some(Timestamp { seconds, nanos })
    }

    /// Whole seconds since the epoch (rounded down).
    pub fn as_second(self) -> i64 {
        self.seconds
    }

    /// Nanoseconds past [`Timestamp::as_second`], 0 … 999,999,999.
    pub fn subsec_nanosecond(self) -> u32 {
        self.nanos
    }

    /// The instant `seconds` later, if it is within range.
    pub fn plus_seconds(self, seconds: i64) -> Option<Timestamp> {
        Timestamp::new(self.seconds.checked_add(seconds)?, self.nanos)
    }
}

/// An instant as read from RFC 3339 text, with the UTC offset it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instant {
    /// The instant.
    pub timestamp: Timestamp,
    /// The offset of the text it was read from, in seconds east of UTC.
    pub offset: i32,
}

impl Instant {
    /// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (RFC 3339 §5.6; `t` and `z` allowed, no
    /// leap second). `None` for anything else.
    pub fn parse(text: &str) -> Option<Instant> {
        let b = text.as_bytes();
        let digits = |at: usize, len: usize| -> Option<i64> {
            let part = b.get(at..at + len)?;
            part.iter().try_fold(0i64, |n, &d| d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0')))
        };
        let byte = |at: usize| b.get(at).copied();
        let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
        let (hour, minute, second) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
        let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
        if separators.iter().any(|&(at, sep)| byte(at) != Some(sep)) || !matches!(byte(10), Some(b'T' | b't')) {
            return None;
        }
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let mut at = 19;
        let mut nanos: u32 = 0;
        if byte(at) == Some(b'.') {
            at += 1;
            let start = at;
            while byte(at).is_some_and(|d| d.is_ascii_digit()) {
                if at - start < 9 {
                    nanos = nanos * 10 + u32::from(byte(at).unwrap_or(b'0') - b'0');
                }
                at += 1;
            }
            let written = at - start;
            if written == 0 {
                return None;
            }
            for _ in written..9 {
                nanos *= 10;
            }
        }
        let offset = match (byte(at), b.len()) {
            (Some(b'Z' | b'z'), len) if len == at + 1 => 0,
            (Some(sign @ (b'+' | b'-')), len) if len == at + 6 && byte(at + 3) == Some(b':') => {
                let (h, m) = (digits(at + 1, 2)?, digits(at + 4, 2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let minutes = h * 60 + m;
                if sign == b'-' {
                    -minutes * 60
                } else {
                    minutes * 60
                }
            }
            _ => return None,
        };
        let local = days_from_civil(year, month, day) * DAY + hour * 3600 + minute * 60 + second;
        let timestamp = Timestamp::new(local - offset, nanos)?;
        Some(Instant { timestamp, offset: i32::try_from(offset).ok()? })
    }

    /// The instant written back in its own offset (fraction digits trimmed).
    pub fn to_rfc3339(self) -> String {
        format_rfc3339(self.timestamp, self.offset)
    }
}

/// `timestamp` as RFC 3339 in the given offset (`Z` for UTC, or when the offset is not whole minutes).
pub fn format_rfc3339(timestamp: Timestamp, offset: i32) -> String {
    let offset = if offset % 60 == 0 { i64::from(offset) } else { 0 };
    let (seconds, nanos) = (timestamp.as_second(), timestamp.subsec_nanosecond());
    let local = seconds + offset;
    let (year, month, day) = civil_from_days(local.div_euclid(DAY));
    let in_day = local.rem_euclid(DAY);
    let mut out =
        format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}", in_day / 3600, in_day / 60 % 60, in_day % 60);
    if nanos != 0 {
        let fraction = format!("{nanos:09}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
    if offset == 0 {
        out.push('Z');
    } else {
        let minutes = offset.abs() / 60;
        out.push_str(&format!("{}{:02}:{:02}", if offset < 0 { '-' } else { '+' }, minutes / 60, minutes % 60));
    }
    out
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a count of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The weekday of a count of days since 1970-01-01: 0 for Monday … 6 for Sunday.
pub fn weekday(days: i64) -> u8 {
    // 1970-01-01 was a Thursday (3).
    (days + 3).rem_euclid(7) as u8
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_instants_are_read_in_their_offset_and_written_back() {
        let at = Instant::parse("2026-03-29T02:30:00+01:00").unwrap();
        assert_eq!(at.timestamp.as_second(), 1_774_747_800);
        assert_eq!(at.to_rfc3339(), "2026-03-29T02:30:00+01:00");
        let z = Instant::parse("1969-12-31t23:59:59.25z").unwrap();
        assert_eq!(z.to_rfc3339(), "1969-12-31T23:59:59.25Z");
        assert_eq!(Instant::parse("2026-11-26T08:00:00.123456789-05:00").unwrap().offset, -18_000);
    }

    #[test]
    fn text_that_is_not_rfc3339_is_refused() {
        for bad in [
            "2026-02-29T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00Z",
            "2026-01-01 00:00:00Z",
            "2026-01-01T00:00:60Z",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00+0100",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00Z ",
            "２026-01-01T00:00:00Z",
        ] {
            assert_eq!(Instant::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn civil_dates_round_trip_through_day_counts() {
        for days in -800_000..800_000 {
            if days % 997 != 0 {
                continue;
            }
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(weekday(days_from_civil(2026, 11, 30)), 0);
    }
}

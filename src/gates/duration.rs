//! ISO 8601 durations of elapsed time (`PT30M`, `PT24H`, `P2D`, `P1W`), for `minSoak`.
//!
//! A soak time is elapsed time, so a day is 24 hours and a week 7 days whatever the clocks do;
//! years and months, whose length varies, are refused. The normalised form counts hours,
//! minutes and seconds (`P1D` → `PT24H`), so two policies that mean the same soak time have
//! the same fingerprint.

/// The longest soak time accepted: 100 years, far inside the range of instants.
const MAX_SECONDS: u64 = 100 * 366 * 86_400;

/// Reads an ISO 8601 duration as a number of seconds; `Err` says what is wrong.
pub fn parse_duration(text: &str) -> Result<u64, &'static str> {
    let rest = text.strip_prefix('P').ok_or("a duration starts with P")?;
    if rest.is_empty() {
        return Err("a duration names at least one amount, e.g. PT30M");
    }
    let mut seconds: u64 = 0;
    let mut in_time = false;
    let mut number: Option<u64> = None;
    // Units in the order they must appear, each at most once.
    let mut last_unit = 0;
    let mut units_in_time = 0;
    for c in rest.chars() {
        if let Some(digit) = c.to_digit(10) {
            let n = number.unwrap_or(0).checked_mul(10).and_then(|n| n.checked_add(u64::from(digit)));
            number = Some(n.ok_or("the duration is too long")?);
            continue;
        }
        let (rank, unit_seconds) = match (c, in_time) {
            ('T', false) if number.is_none() => {
                in_time = true;
                last_unit = 4;
                continue;
            }
            ('Y', false) | ('M', false) => {
                return Err("years and months have no fixed length; give days instead, e.g. P30D")
            }
            ('W', false) => (1, 7 * 86_400),
            ('D', false) => (3, 86_400),
            ('H', true) => (5, 3_600),
            ('M', true) => (6, 60),
            ('S', true) => (7, 1),
            ('.' | ',', _) => return Err("fractions are not supported; give a smaller unit, e.g. PT90M"),
            _ => return Err("a duration holds amounts with the units W, D, then T and H, M, S"),
        };
        let amount = number.take().ok_or("every unit needs an amount before it")?;
        if rank <= last_unit {
            return Err("units appear once each, in the order W, D, T, H, M, S");
        }
        last_unit = rank;
        if in_time {
            units_in_time += 1;
        }
        seconds =
            amount.checked_mul(unit_seconds).and_then(|s| s.checked_add(seconds)).ok_or("the duration is too long")?;
    }
    if number.is_some() {
        return Err("the last amount has no unit");
    }
    if in_time && units_in_time == 0 {
        return Err("a T must be followed by hours, minutes or seconds");
    }
    if seconds > MAX_SECONDS {
        return Err("the duration is longer than 100 years");
    }
    Ok(seconds)
}

/// The normalised form of a number of seconds: `PT24H`, `PT1H30M`, `PT0S`.
pub fn format_duration(seconds: u64) -> String {
    let (hours, minutes, secs) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut out = String::from("PT");
    if hours > 0 {
        out.push_str(&format!("{hours}H"));
    }
    if minutes > 0 {
        out.push_str(&format!("{minutes}M"));
    }
    if secs > 0 || seconds == 0 {
        out.push_str(&format!("{secs}S"));
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn durations_of_elapsed_time_are_read_and_normalised() {
        for (text, seconds, normal) in [
            ("PT30M", 1800, "PT30M"),
            ("PT24H", 86_400, "PT24H"),
            ("P1D", 86_400, "PT24H"),
            ("P2DT1H", 176_400, "PT49H"),
            ("P1W", 604_800, "PT168H"),
            ("PT90S", 90, "PT1M30S"),
            ("PT0S", 0, "PT0S"),
        ] {
            assert_eq!(parse_duration(text), Ok(seconds), "{text}");
            assert_eq!(format_duration(seconds), normal);
        }
    }

    #[test]
    fn malformed_durations_say_what_is_wrong() {
        for bad in [
            "",
            "P",
            "PT",
            "24H",
            "P1M",
            "P1Y",
            "PT1.5H",
            "PT1H1H",
            "PT1M1H",
            "P1",
            "P1DT",
            "pt1h",
            "PT-1H",
            "P99999999999999999999D",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}

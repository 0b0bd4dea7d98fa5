//! The time side of the gates, from text: RFC 3339 instants and ISO 8601 durations read back what
//! they write; promotion windows (JSON text, as in a policy) never panic, and their next allowed
//! instant is open and not before the instant it was asked from.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::gates::instant::Timestamp;
use promotion_rules::gates::{format_duration, parse_duration, Instant, Windows};
use promotion_rules_fuzz::{check_error, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(instant) = Instant::parse(text) {
        assert_eq!(Instant::parse(&instant.to_rfc3339()), Some(instant), "an instant reads back");
    }
    if let Ok(seconds) = parse_duration(text) {
        assert_eq!(parse_duration(&format_duration(seconds)), Ok(seconds), "a duration reads back");
    }
    let Some(value) = parse(text) else { return };
    match Windows::from_value(value, "/windows") {
        Err(error) => check_error(&error),
        Ok(windows) => {
            // A few instants from the input's bytes, 1900 … 2100.
            for chunk in data.chunks(8).take(4) {
                let mut bytes = [0u8; 8];
                bytes.iter_mut().zip(chunk).for_each(|(b, c)| *b = *c);
                let seconds = (u64::from_le_bytes(bytes) % 6_311_433_600) as i64 - 2_208_988_800;
                let Some(now) = Timestamp::new(seconds, 0) else { continue };
                if let Some(next) = windows.next_allowed(now) {
                    assert!(next >= now, "nextAllowedAt before now");
                    assert!(windows.state(next).open, "nextAllowedAt is closed");
                    assert_eq!(windows.state(now).open, next == now, "open now but a later nextAllowedAt");
                }
            }
        }
    }
});

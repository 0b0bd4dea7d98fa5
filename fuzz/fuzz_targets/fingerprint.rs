//! parse, then fingerprint: the canonical JSON reads back to the same fingerprint, and the reader
//! agrees with serde_json wherever both accept the text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::fingerprint::canonical_json;
use promotion_rules::fingerprint::is_fingerprint;
use promotion_rules::{api, fingerprint, json};
use promotion_rules_fuzz::{check_error, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The text as a string value, hashed without being parsed.
    let string = promotion_rules::Value::String(text.to_owned());
    assert_eq!(promotion_rules::fingerprint::fingerprint_str(text), fingerprint(&string));
    let ours = parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text).ok().map(promotion_rules::Value::from);
    match (&ours, &theirs) {
        (Some(ours), Some(theirs)) => assert_eq!(fingerprint(ours), fingerprint(theirs), "the readers disagree"),
        (None, Some(_)) => {
            // Refused where serde_json accepts: only a duplicate key, an infinite number or depth.
            let error = json::parse(text).err();
            let message = error.map(|e| e.message).unwrap_or_default();
            assert!(
                message.contains("twice") || message.contains("Infinity") || message.contains("deeper"),
                "refused valid JSON: {message}"
            );
        }
        _ => {}
    }
    let Some(value) = ours else { return };
    match api::fingerprint(text) {
        Ok(print) => {
            assert!(is_fingerprint(&print), "not a fingerprint: {print}");
            assert_eq!(print, fingerprint(&value));
            let canonical = canonical_json(&value);
            match json::parse(&canonical) {
                Ok(again) => {
                    assert_eq!(fingerprint(&again), print, "canonical JSON changes the fingerprint");
                    assert_eq!(canonical_json(&again), canonical, "canonical JSON is not a fixed point");
                }
                Err(error) => panic!("canonical JSON does not read back: {error}\n{canonical}"),
            }
        }
        Err(error) => check_error(&error),
    }
});

//! filterContent from JSON text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules_fuzz::{check_error, check_filtered, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if parse(text).is_none() {
        return;
    }
    match api::filter_content(text) {
        Ok(filtered) => check_filtered(&filtered),
        Err(error) => check_error(&error),
    }
});

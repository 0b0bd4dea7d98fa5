//! filterContent from JSON text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::{api, Limits};
use promotion_rules_fuzz::{check_error, check_filtered, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(workspace) = parse(text) else { return };
    match api::filter_content(workspace, &Limits::DEFAULT) {
        Ok(filtered) => check_filtered(&filtered),
        Err(error) => check_error(&error),
    }
});

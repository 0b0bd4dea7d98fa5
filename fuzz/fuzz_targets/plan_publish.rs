//! planPublish from JSON text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules_fuzz::{check_error, check_publish, default_rules, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let rules = default_rules();
    // The entry the WebAssembly layer calls, on the same text.
    match api::plan_publish(rules, text) {
        Ok(answer) => {
            let Some(request) = parse(text) else { panic!("answered a request the reader refuses") };
            check_publish(rules, &request, &answer)
        }
        Err(error) => check_error(&error),
    }
});

//! checkEdit from JSON text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules_fuzz::{check_edit, check_error, default_rules, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let rules = default_rules();
    // The entry the WebAssembly layer calls, on the same text.
    match api::check_edit(rules, text) {
        Ok(answer) => {
            let Some(request) = parse(text) else { panic!("answered a request the reader refuses") };
            check_edit(&request, &answer)
        }
        Err(error) => check_error(&error),
    }
});

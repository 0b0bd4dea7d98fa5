//! checkEdit from JSON text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules_fuzz::{check_edit, check_error, default_rules, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(request) = parse(text) else { return };
    let rules = default_rules();
    match rules.check_edit_value(request.clone()) {
        Ok(check) => check_edit(rules, &request, &check),
        Err(error) => check_error(&error),
    }
});

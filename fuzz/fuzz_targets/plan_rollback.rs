//! planRollback from JSON text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules_fuzz::{check_error, check_rollback, default_rules, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(request) = parse(text) else { return };
    let rules = default_rules();
    match api::plan_rollback(rules, text) {
        Ok(plan) => check_rollback(rules, &request, &plan),
        Err(error) => check_error(&error),
    }
});

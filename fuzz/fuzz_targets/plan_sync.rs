//! planSync from JSON text: never a panic; a plan keeps every invariant (fuzz/src/lib.rs); the
//! answer as JSON text (the WebAssembly build's way, copying unchanged kinds from their canonical
//! text) is the plan written as JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules_fuzz::{check_error, check_sync, default_rules, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(request) = parse(text) else { return };
    let rules = default_rules();
    match rules.plan_sync_value(request.clone()) {
        Ok(plan) => {
            check_sync(rules, &request, &plan);
            let answer = rules.plan_sync_json_answer(text).ok();
            assert_eq!(answer, Some(promotion_rules::write::to_json(&plan)), "the text answer differs");
        }
        Err(error) => check_error(&error),
    }
});

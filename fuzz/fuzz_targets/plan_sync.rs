//! planSync from JSON text: never a panic; a plan keeps every invariant (fuzz/src/lib.rs); the
//! answer as JSON text (the WebAssembly build's way, copying unchanged kinds from their canonical
//! text) is the plan written as JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules::write::to_json;
use promotion_rules_fuzz::{check_error, check_sync, default_rules, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let rules = default_rules();
    // The entry the WebAssembly layer calls, on the same text.
    match api::plan_sync(rules, text) {
        Ok(answer) => {
            let Some(request) = parse(text) else { panic!("answered a request the reader refuses") };
            let Ok(plan) = rules.plan_sync_value(request.clone()) else { panic!("the typed API refuses it") };
            // The one-pass answer is what the general writer writes of the plan.
            assert_eq!(answer, to_json(&plan), "the answer text differs from the plan");
            check_sync(rules, &request, &plan)
        }
        Err(error) => check_error(&error),
    }
});

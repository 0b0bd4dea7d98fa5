//! planSync on generated policies and requests (fuzz/src/gen.rs): past the reader, into the rules.
#![no_main]
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules::write::to_json;
use promotion_rules_fuzz::{check_error, check_sync, gen, parse};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(rules), Ok(request)) = (gen::rules(&mut u), gen::sync_request(&mut u)) else { return };
    // Through JSON text, as the WebAssembly layer does.
    let Some(request) = parse(&request.to_string()) else { panic!("generated JSON does not read") };
    match api::plan_sync(&rules, &request.to_string()) {
        Ok(answer) => {
            let Ok(plan) = rules.plan_sync_value(request.clone()) else { panic!("the typed API refuses it") };
            assert_eq!(answer, to_json(&plan), "the answer text differs from the plan");
            check_sync(&rules, &request, &plan)
        }
        Err(error) => check_error(&error),
    }
});

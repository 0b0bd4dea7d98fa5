//! planPublish on generated policies and requests.
#![no_main]
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules_fuzz::{check_error, check_publish, gen, parse};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(rules), Ok(request)) = (gen::rules(&mut u), gen::publish_request(&mut u)) else { return };
    let Some(request) = parse(&request.to_string()) else { panic!("generated JSON does not read") };
    match api::plan_publish(&rules, &request.to_string()) {
        Ok(plan) => check_publish(&rules, &request, &plan),
        Err(error) => check_error(&error),
    }
});

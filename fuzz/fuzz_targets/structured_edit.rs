//! checkEdit on generated policies and requests (after = before with a few edits).
#![no_main]
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules_fuzz::{check_edit, check_error, gen, parse};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(rules), Ok(request)) = (gen::rules(&mut u), gen::edit_request(&mut u)) else { return };
    let Some(request) = parse(&request.to_string()) else { panic!("generated JSON does not read") };
    match api::check_edit(&rules, &request.to_string()) {
        Ok(check) => check_edit(&request, &check),
        Err(error) => check_error(&error),
    }
});

//! verifyAuditChain from JSON text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules_fuzz::{check_audit_chain, check_error, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(records) = parse(text) else { return };
    match api::verify_audit_chain(text) {
        Ok(verdict) => check_audit_chain(&records, &verdict),
        Err(error) => check_error(&error),
    }
});

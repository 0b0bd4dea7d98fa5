//! `new PromotionRules(policy)` (`api::rules`): a valid policy normalises idempotently; an invalid one is
//! INVALID_POLICY (or LIMIT_EXCEEDED), never INVALID_INPUT.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::{api, ErrorCode};
use promotion_rules_fuzz::{check_error, check_policy};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match api::rules(Some(text)) {
        Ok(rules) => check_policy(&rules),
        Err(error) => {
            check_error(&error);
            assert_ne!(error.code, ErrorCode::InvalidInput, "a bad policy must be INVALID_POLICY: {error}");
        }
    }
});

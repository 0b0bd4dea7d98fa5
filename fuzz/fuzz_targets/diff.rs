//! diffWorkspaces(before, after): `before NUL after`; the patch turns before into after.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules_fuzz::{arguments, check_changes, check_error, parse, serializes};

fuzz_target!(|data: &[u8]| {
    let Some(args) = arguments(data, 2) else { return };
    let [before, after] = args.as_slice() else { return };
    let (Some(before), Some(after)) = (parse(before), parse(after)) else { return };
    match api::diff_workspaces(&before.to_string(), &after.to_string()) {
        Ok(changes) => {
            check_changes(&changes, &before, &after);
            serializes(&changes);
        }
        Err(error) => check_error(&error),
    }
});

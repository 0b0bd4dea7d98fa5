//! diffWorkspaces on generated workspaces: the patch turns before into after.
#![no_main]
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules_fuzz::{check_changes, check_error, gen, serializes};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(before) = gen::workspace(&mut u) else { return };
    let after = if u.ratio(3, 4).unwrap_or(true) { gen::mutate(&mut u, &before) } else { gen::workspace(&mut u) };
    let Ok(after) = after else { return };
    match api::diff_workspaces(&before.to_string(), &after.to_string()) {
        Ok(changes) => {
            check_changes(&changes, &before, &after);
            assert_eq!(changes.patch.is_empty(), before == after, "an empty patch between different workspaces");
            serializes(&changes);
        }
        Err(error) => check_error(&error),
    }
});

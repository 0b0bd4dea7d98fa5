//! Shared helpers of the native scenario tests: the sample workspaces of `tests/fixtures/samples`, the people
//! of their story, requests built with `serde_json::json!`, and short ways to read answers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use promotion_rules::Value;
use promotion_rules::{json, Decision, Error, ErrorCode, Issue, PromotionRules, PublishPlan, SyncPlan};

/// The five environments, in order.
pub const CHAIN: [&str; 5] = ["dev", "test", "uat", "staging", "production"];

/// The six promoted kinds.
pub const PROMOTED: [&str; 6] = ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"];

/// The six environment-local kinds.
pub const LOCAL: [&str; 6] = ["conversations", "analytics", "evaluators", "guardrails", "issues", "secrets"];

/// The sample workspace of an environment (`tests/fixtures/samples/<env>.json`), read with the crate's reader.
pub fn sample(env: &str) -> Value {
    let path = format!("{}/tests/fixtures/samples/{env}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    json::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An actor with one role.
pub fn actor(id: &str, role: &str) -> Value {
    json!({ "id": id, "roles": [role] })
}

/// The people of the sample story with their default-policy role.
pub fn dana() -> Value {
    actor("dana", "developer")
}
pub fn quinn() -> Value {
    actor("quinn", "qa")
}
pub fn bea() -> Value {
    actor("bea", "business")
}
pub fn omar() -> Value {
    actor("omar", "devops")
}
pub fn ada() -> Value {
    actor("ada", "admin")
}

/// The person who syncs out of `env` under the default policy.
pub fn owner_of(env: &str) -> Value {
    match env {
        "dev" => dana(),
        "test" => quinn(),
        "uat" => bea(),
        "staging" => omar(),
        _ => ada(),
    }
}

/// The engine with the default policy.
pub fn rules() -> PromotionRules {
    PromotionRules::default()
}

/// The engine with a policy given as JSON (must be valid).
pub fn rules_with(policy: Value) -> PromotionRules {
    promotion_rules::PromotionRules::from_policy_value(policy).unwrap()
}

/// A sync plan for a request that must be valid input.
pub fn plan_sync(rules: &PromotionRules, request: Value) -> SyncPlan {
    rules.plan_sync_value(request).unwrap()
}

/// A publish plan for a request that must be valid input.
pub fn plan_publish(rules: &PromotionRules, request: Value) -> PublishPlan {
    rules.plan_publish_value(request).unwrap()
}

/// `(code, path)` of issues, in order.
pub fn issues(list: &[Issue]) -> Vec<(&'static str, String)> {
    list.iter().map(|issue| (issue.code.as_str(), issue.path.clone().unwrap_or_default())).collect()
}

/// The codes of issues, in order.
pub fn codes(list: &[Issue]) -> Vec<&'static str> {
    list.iter().map(|issue| issue.code.as_str()).collect()
}

/// `(code, path)` of the violations.
pub fn violations(decision: &Decision) -> Vec<(&'static str, String)> {
    issues(&decision.violations)
}

/// `(code, path)` of the warnings.
pub fn warnings(decision: &Decision) -> Vec<(&'static str, String)> {
    issues(&decision.warnings)
}

/// The paths of the issues with a code.
pub fn paths_of(list: &[Issue], code: &str) -> Vec<String> {
    list.iter()
        .filter(|issue| issue.code.as_str() == code)
        .map(|issue| issue.path.clone().unwrap_or_default())
        .collect()
}

/// The one issue with a code.
pub fn only<'a>(list: &'a [Issue], code: &str) -> &'a Issue {
    let found: Vec<&Issue> = list.iter().filter(|issue| issue.code.as_str() == code).collect();
    assert_eq!(found.len(), 1, "expected exactly one {code} in {list:?}");
    found[0]
}

/// The code and path of an error that a call must have returned.
pub fn bad<T: std::fmt::Debug>(result: Result<T, Error>) -> (ErrorCode, String) {
    let error = result.expect_err("expected bad input");
    assert!(!error.message.is_empty());
    (error.code, error.path)
}

/// The index of an item in a workspace (`name` for variables, `id` otherwise).
pub fn index_of(workspace: &Value, kind: &str, id: &str) -> usize {
    let key = if kind == "variables" || kind == "secrets" { "name" } else { "id" };
    workspace[kind]
        .as_array()
        .unwrap_or_else(|| panic!("{kind} is not an array"))
        .iter()
        .position(|item| item[key] == id)
        .unwrap_or_else(|| panic!("no {kind}/{id}"))
}

/// An item of a workspace.
pub fn item<'a>(workspace: &'a Value, kind: &str, id: &str) -> &'a Value {
    &workspace[kind][index_of(workspace, kind, id)]
}

/// An item of a workspace, to change it.
pub fn item_mut<'a>(workspace: &'a mut Value, kind: &str, id: &str) -> &'a mut Value {
    let i = index_of(workspace, kind, id);
    &mut workspace[kind][i]
}

/// The target after a sync: the payload's six promoted kinds, the target's local kinds as they were.
pub fn after_sync(target: &Value, payload: &Value) -> Value {
    let mut next = target.clone();
    for kind in PROMOTED {
        next[kind] = payload[kind].clone();
    }
    next
}

/// The plan as the JSON a JS caller would receive.
pub fn answer<T: promotion_rules::write::WriteJson + ?Sized>(plan: &T) -> Value {
    promotion_rules::json::parse(&promotion_rules::write::to_json(&plan)).unwrap()
}

/// `wanted` proptest cases, or fewer when `PROPTEST_CASES` caps them (`make check`, the fast loop).
pub fn cases(wanted: u32) -> u32 {
    let cap = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(u32::MAX);
    wanted.min(cap)
}

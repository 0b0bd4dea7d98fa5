#![cfg(not(target_arch = "wasm32"))]
//! Selective sync (SPEC §5): promote only what is ready, with what it depends on.
//!
//! User story: Dana has finished the billing agent in dev, but the support agent there is half
//! done. She promotes only the billing agent to test; the refund workflow and the CRM integration
//! it needs come along (and the answer says why), everything else in test stays as it is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::ErrorCode;
use promotion_rules::{json, Value};

fn dev() -> Value {
    json!({
        "agents": [
            { "id": "billing", "version": 2, "uses": [{ "kind": "workflows", "id": "refund" }, { "kind": "variables", "id": "CRM_URL" }] },
            { "id": "support", "version": 2, "draft": true }
        ],
        "workflows": [
            { "id": "refund", "version": 2, "uses": [{ "kind": "integrations", "id": "crm" }] },
            { "id": "onboarding", "version": 1, "uses": [{ "kind": "secrets", "id": "ONBOARDING_KEY" }] }
        ],
        "integrations": [{ "id": "crm", "version": 2 }],
        "variables": [
            { "name": "CRM_URL", "type": "url", "defaultValue": "https://crm.dev.example", "description": "CRM v2" },
            { "name": "REGION", "type": "string", "defaultValue": "eu" }
        ],
        "conversations": [{}, {}]
    })
}

fn test_env() -> Value {
    json!({
        "agents": [
            { "id": "support", "version": 1 },
            { "id": "billing", "version": 1, "uses": [{ "kind": "workflows", "id": "refund" }] },
            { "id": "legacy", "version": 1 }
        ],
        "workflows": [
            { "id": "refund", "version": 1, "uses": [{ "kind": "integrations", "id": "crm" }] },
            { "id": "onboarding", "version": 1, "uses": [{ "kind": "secrets", "id": "ONBOARDING_KEY" }] }
        ],
        "integrations": [{ "id": "crm", "version": 1 }],
        "variables": [{ "name": "CRM_URL", "type": "url", "defaultValue": "https://crm.test.example" }],
        "secrets": []
    })
}

fn request(select: Value) -> Value {
    json!({ "actor": dana(), "from": "dev", "to": "test", "source": dev(), "target": test_env(), "select": select })
}

fn ids(payload: &Value, kind: &str) -> Vec<(String, i64)> {
    let key = if kind == "variables" { "name" } else { "id" };
    payload[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| (item[key].as_str().unwrap().to_owned(), item["version"].as_i64().unwrap_or(0)))
        .collect()
}

#[test]
fn a_selected_item_brings_what_it_uses_transitively_and_says_why() {
    let plan = plan_sync(&rules(), request(json!(["agents/billing"])));
    assert!(plan.decision.allowed, "{:?}", plan.decision.violations);
    let selection = plan.selection.as_ref().unwrap();
    assert_eq!(selection.requested, ["agents/billing"]);
    let pulled: Vec<(&str, &str)> = selection.pulled_in.iter().map(|p| (p.item.as_str(), p.because.as_str())).collect();
    assert_eq!(
        pulled,
        [
            ("workflows/refund", "agents/billing"),
            ("variables/CRM_URL", "agents/billing"),
            ("integrations/crm", "workflows/refund")
        ]
    );
    // Source order first (billing v2, support as test has it), then test's other items.
    assert_eq!(ids(&plan.payload, "agents"), [("billing".into(), 2), ("support".into(), 1), ("legacy".into(), 1)]);
    assert_eq!(ids(&plan.payload, "workflows"), [("refund".into(), 2), ("onboarding".into(), 1)]);
    assert_eq!(ids(&plan.payload, "integrations"), [("crm".into(), 2)]);
    // The variable's structure travels, test keeps its default; REGION is not selected.
    assert_eq!(
        plan.payload["variables"],
        json!([{ "name": "CRM_URL", "type": "url", "defaultValue": "https://crm.test.example", "description": "CRM v2" }])
    );
    assert_eq!(plan.excluded["conversations"], 2);
    assert_eq!(
        answer(&plan.manifest),
        answer(&promotion_rules::Manifest::of_value(plan.payload.clone(), &Default::default()).unwrap())
    );
}

#[test]
fn an_unchanged_dependency_is_not_pulled_in_but_what_it_uses_is() {
    let mut source = dev();
    // billing now uses crm only through an unchanged workflow.
    source["workflows"][0]["version"] = json!(1);
    let mut request = request(json!(["agents/billing"]));
    request["source"] = source;
    let plan = plan_sync(&rules(), request);
    let pulled: Vec<&str> = plan.selection.as_ref().unwrap().pulled_in.iter().map(|p| p.item.as_str()).collect();
    assert_eq!(pulled, ["variables/CRM_URL", "integrations/crm"]);
}

#[test]
fn under_closure_refuse_each_missing_dependency_is_a_violation_at_its_reference() {
    let mut request = request(json!(["agents/billing"]));
    request["closure"] = json!("refuse");
    let plan = plan_sync(&rules(), request);
    assert!(!plan.decision.allowed);
    assert_eq!(
        violations(&plan.decision),
        [
            ("DEPENDENCY_NOT_SELECTED", "/source/agents/0/uses/0".to_owned()),
            ("DEPENDENCY_NOT_SELECTED", "/source/agents/0/uses/1".to_owned()),
            ("DEPENDENCY_NOT_SELECTED", "/source/workflows/0/uses/0".to_owned()),
        ]
    );
    assert!(plan.selection.as_ref().unwrap().pulled_in.is_empty());
    assert_eq!(ids(&plan.payload, "workflows"), [("refund".into(), 1), ("onboarding".into(), 1)]);
    assert!(plan.audit.codes.iter().any(|c| c.as_str() == "DEPENDENCY_NOT_SELECTED"));
    // Selecting the dependencies too makes it clean.
    let mut complete =
        self::request(json!(["agents/billing", "workflows/refund", "variables/CRM_URL", "integrations/crm"]));
    complete["closure"] = json!("refuse");
    assert!(plan_sync(&rules(), complete).decision.allowed);
}

#[test]
fn selecting_an_item_the_source_no_longer_has_removes_it_and_takes_its_users_along() {
    let mut target = test_env();
    target["agents"][0]["uses"] = json!([{ "kind": "agents", "id": "legacy" }]);
    let mut request = request(json!(["agents/legacy"]));
    request["target"] = target;
    let plan = plan_sync(&rules(), request);
    assert!(plan.decision.allowed, "{:?}", plan.decision.violations);
    // support (test's copy uses legacy) comes in dev's version, which does not.
    assert_eq!(ids(&plan.payload, "agents"), [("billing".into(), 1), ("support".into(), 2)]);
    let pulled = &plan.selection.as_ref().unwrap().pulled_in;
    assert_eq!((pulled[0].item.as_str(), pulled[0].because.as_str()), ("agents/support", "agents/legacy"));
    assert_eq!(plan.changes.kinds["agents"].removed, ["legacy"]);
}

#[test]
fn the_rules_point_into_the_request_where_each_payload_item_came_from() {
    // onboarding stays as test has it (index 1 of the target): its missing secret is reported there.
    let plan = plan_sync(&rules(), request(json!(["agents/support"])));
    assert_eq!(paths_of(&plan.decision.warnings, "MISSING_SECRET"), ["/target/workflows/1/uses/0"]);
    // A selected item is reported where the source holds it.
    let mut source = dev();
    source["agents"][1]["apiKey"] = json!("plain-text-key");
    let mut request = request(json!(["agents/support"]));
    request["source"] = source;
    let plan = plan_sync(&rules(), request);
    assert_eq!(paths_of(&plan.decision.violations, "INLINE_SECRET"), ["/source/agents/1/apiKey"]);
}

#[test]
fn drift_applies_to_the_selected_items_only() {
    let rules = rules();
    let first = plan_sync(
        &rules,
        json!({ "actor": dana(), "from": "dev", "to": "test", "source": test_env(), "target": test_env() }),
    );
    let base = answer(&first.manifest);
    let mut target = test_env();
    target["agents"][2]["version"] = json!(7); // legacy edited in place in test
    target["agents"][0]["version"] = json!(9); // support too
    let mut request = request(json!(["agents/support"]));
    request["target"] = target;
    request["base"] = base;
    let plan = plan_sync(&rules, request);
    assert_eq!(violations(&plan.decision), [("CONFLICT", "/target/agents/0".to_owned())]);
    assert_eq!(ids(&plan.payload, "agents")[2], ("legacy".into(), 7), "the unselected in-place edit stays");
}

#[test]
fn a_selection_of_nothing_changes_no_item_and_orders_them_as_the_source_does() {
    let plan = plan_sync(&rules(), request(json!([])));
    let summary = &plan.changes.summary;
    assert_eq!((summary.added, summary.modified, summary.removed), (0, 0, 0));
    assert_eq!(ids(&plan.payload, "agents"), [("billing".into(), 1), ("support".into(), 1), ("legacy".into(), 1)]);
}

#[test]
fn a_bad_selection_is_bad_input_at_its_path() {
    let rules = rules();
    assert_eq!(
        bad(rules.plan_sync_value(request(json!(["agents/ghost"])))),
        (ErrorCode::InvalidInput, "/select/0".into())
    );
    assert_eq!(
        bad(rules.plan_sync_value(request(json!(["agents/billing", "secrets/X"])))),
        (ErrorCode::InvalidInput, "/select/1".into())
    );
    assert_eq!(
        bad(rules.plan_sync_value(request(json!("agents/billing")))),
        (ErrorCode::InvalidInput, "/select".into())
    );
    let mut closure = request(json!(["agents/billing"]));
    closure["closure"] = json!("everything");
    assert_eq!(bad(rules.plan_sync_value(closure)), (ErrorCode::InvalidInput, "/closure".into()));
    let mut alone = json!({ "actor": dana(), "from": "dev", "to": "test", "source": dev(), "closure": "pull" });
    assert_eq!(bad(rules.plan_sync_value(alone.clone())), (ErrorCode::InvalidInput, "/closure".into()));
    alone.as_object_mut().unwrap().remove("closure");
    assert!(rules.plan_sync_value(alone).unwrap().selection.is_none());
}

#[test]
fn every_other_rule_still_applies_to_a_selective_plan() {
    let mut request = request(json!(["agents/billing"]));
    request["actor"] = quinn();
    let plan = plan_sync(&rules(), request);
    assert_eq!(violations(&plan.decision), [("FORBIDDEN", "/actor".to_owned())]);
}

#![cfg(not(target_arch = "wasm32"))]
//! References: `uses` entries and variable `usage` must resolve after the sync.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::{json, Value};

fn sync_dev_to_test(source: Value, target: Value) -> promotion_rules::SyncPlan {
    plan_sync(&rules(), json!({ "actor": dana(), "from": "dev", "to": "test", "source": source, "target": target }))
}

#[test]
fn a_reference_to_content_that_does_not_travel_is_a_dangling_violation() {
    let mut source = sample("dev");
    let i = index_of(&source, "agents", "retention-agent");
    let uses = source["agents"][i]["uses"].as_array_mut().unwrap();
    let first = uses.len();
    uses.push(json!({ "kind": "workflows", "id": "wf-winback" }));
    uses.push(json!({ "kind": "knowledgeBase", "id": "kb-legacy-dsl-plans" }));
    uses.push(json!({ "kind": "variables", "id": "RETENTION_BUDGET" }));
    // test still holds kb-legacy-dsl-plans, but the sync removes it: the target does not count.
    let plan = sync_dev_to_test(source, sample("test"));
    assert!(!plan.decision.allowed);
    let expected: Vec<(&str, String)> =
        (first..first + 3).map(|j| ("DANGLING_REFERENCE", format!("/source/agents/{i}/uses/{j}"))).collect();
    assert_eq!(violations(&plan.decision), expected);
    assert!(plan.decision.violations[0].message.contains("workflows/wf-winback"));
}

#[test]
fn removing_a_used_item_in_dev_dangles_every_user() {
    let mut source = sample("dev");
    let k = index_of(&source, "workflows", "wf-create-ticket");
    source["workflows"].as_array_mut().unwrap().remove(k);
    let plan = sync_dev_to_test(source.clone(), sample("test"));
    assert!(!plan.decision.allowed);
    let dangling = paths_of(&plan.decision.violations, "DANGLING_REFERENCE");
    let users: Vec<&str> = source["agents"]
        .as_array()
        .unwrap()
        .iter()
        .chain(source["workflows"].as_array().unwrap())
        .filter(|item| {
            item["uses"]
                .as_array()
                .is_some_and(|u| u.contains(&json!({ "kind": "workflows", "id": "wf-create-ticket" })))
        })
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert!(!users.is_empty());
    assert_eq!(dangling.len(), users.len(), "{dangling:?} vs {users:?}");
    // A variable usage naming the removed workflow is only a warning.
    let usage = paths_of(&plan.decision.warnings, "DANGLING_REFERENCE");
    assert!(usage.iter().all(|p| p.starts_with("/source/variables/") && p.contains("/usage/")), "{usage:?}");
    assert_eq!(usage.len(), 2, "SURVEY_ENABLED and BUSINESS_HOURS list wf-create-ticket: {usage:?}");
}

#[test]
fn a_missing_guardrail_or_evaluator_in_the_target_is_a_dangling_warning() {
    let mut target = sample("test");
    target["guardrails"] = json!([{ "id": "profanity-filter" }, { "id": "discount-cap" }]);
    target["evaluators"] = json!("not a list");
    let source = json!({
        "agents": [{ "id": "a", "uses": [
            { "kind": "guardrails", "id": "pii-filter" },
            { "kind": "guardrails", "id": "discount-cap" },
            { "kind": "evaluators", "id": "eval-tone" }
        ] }]
    });
    let plan = sync_dev_to_test(source, target);
    assert!(plan.decision.allowed);
    assert_eq!(
        warnings(&plan.decision),
        vec![
            ("DANGLING_REFERENCE", "/source/agents/0/uses/0".to_owned()),
            ("DANGLING_REFERENCE", "/source/agents/0/uses/2".to_owned()),
        ]
    );
}

#[test]
fn a_secret_the_target_does_not_hold_is_a_missing_secret_warning() {
    let source = json!({ "integrations": [{ "id": "crm", "auth": "Bearer {{secrets.CRM_API_KEY}}", "uses": [
        { "kind": "secrets", "id": "CRM_API_KEY" },
        { "kind": "secrets", "id": "QA_ONLY_KEY" }
    ] }] });
    let plan = sync_dev_to_test(source.clone(), json!({ "secrets": [{ "name": "CRM_API_KEY" }] }));
    assert!(plan.decision.allowed);
    assert_eq!(warnings(&plan.decision), vec![("MISSING_SECRET", "/source/integrations/0/uses/1".to_owned())]);
    // Secrets are looked up in the target, never in the source.
    let plan = sync_dev_to_test(
        json!({ "secrets": [{ "name": "QA_ONLY_KEY" }], "integrations": source["integrations"] }),
        json!({}),
    );
    assert_eq!(paths_of(&plan.decision.warnings, "MISSING_SECRET").len(), 2);
}

#[test]
fn the_missing_signing_secret_of_test_is_gone_once_test_holds_it() {
    let mut target = sample("test");
    target["secrets"].as_array_mut().unwrap().push(json!({ "name": "TICKETING_SIGNING_SECRET" }));
    let plan = sync_dev_to_test(sample("dev"), target);
    assert!(!codes(&plan.decision.warnings).contains(&"MISSING_SECRET"));
}

#[test]
fn a_variable_usage_naming_no_travelling_workflow_is_a_dangling_warning() {
    let source = json!({
        "workflows": [{ "id": "wf-a" }],
        "variables": [{ "name": "V", "type": "string", "usage": ["wf-a", "wf-gone"] }]
    });
    let plan = sync_dev_to_test(source, json!({ "workflows": [{ "id": "wf-gone" }] }));
    assert!(plan.decision.allowed);
    assert_eq!(warnings(&plan.decision), vec![("DANGLING_REFERENCE", "/source/variables/0/usage/1".to_owned())]);
}

#[test]
fn references_within_the_payload_resolve_whatever_their_kind() {
    let source = json!({
        "agents": [{ "id": "a", "uses": [
            { "kind": "workflows", "id": "w" }, { "kind": "knowledgeBase", "id": "k" }, { "kind": "integrations", "id": "i" },
            { "kind": "channels", "id": "c" }, { "kind": "variables", "id": "V" }, { "kind": "agents", "id": "a" }
        ] }],
        "workflows": [{ "id": "w" }], "knowledgeBase": [{ "id": "k" }], "integrations": [{ "id": "i" }],
        "channels": [{ "id": "c" }], "variables": [{ "name": "V", "type": "json" }]
    });
    let plan = sync_dev_to_test(source, json!({}));
    assert!(plan.decision.allowed);
    assert!(plan.decision.warnings.is_empty(), "{:?}", plan.decision.warnings);
}

#![cfg(not(target_arch = "wasm32"))]
//! Regressions found by the hostile-input work (issue 7): fuzzing, property tests, JS limits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use common::*;
use promotion_rules::rules::secrets::scan;
use promotion_rules::write::to_json;
use promotion_rules::PromotionRules;
use promotion_rules::{json, Value};

const REDACTED: &str = "[redacted: inline secret]";

/// Credential-shaped strings used as identifiers: item ids, variable names, reference ids, a
/// variable's usage entry. A blocked plan redacts them in the payload; before the fix the
/// manifest keys, `defaultsKept`, `changes` ids and issue messages still carried them.
#[test]
fn a_credential_used_as_an_identifier_never_comes_back_in_a_blocked_plan() {
    let key = format!("sk-{}", "a".repeat(24));
    let other = format!("sk-{}", "b".repeat(24));
    let aws = "AKIAABCDEFGHIJKLMNOP";
    let workspace = |tone: &str| {
        json!({
            "agents": [
                { "id": key, "tone": tone, "uses": [{ "kind": "secrets", "id": aws }, { "kind": "agents", "id": other }] },
                { "id": other, "tone": tone }
            ],
            "workflows": [{ "id": "w", "uses": [{ "kind": "agents", "id": key }, { "kind": "knowledgeBase", "id": aws }] }],
            "variables": [
                { "name": key, "type": "string", "defaultValue": tone, "usage": ["w", other] },
                { "name": "MAX", "type": "number", "defaultValue": 3, "usage": [aws] }
            ]
        })
    };
    let source = workspace("friendly");
    let mut target = workspace("formal");
    target["variables"][1]["type"] = json!("string"); // a reset warning names the variable
    target["variables"][1]["defaultValue"] = json!("3");
    let rules = PromotionRules::default();
    let base = rules
        .plan_sync_value(json!({ "actor": dana(), "from": "dev", "to": "test", "source": target }))
        .unwrap()
        .manifest;
    let base = answer(&base);
    let plan = rules
        .plan_sync_value(json!({
            "actor": dana(), "from": "dev", "to": "test", "source": source, "target": target, "base": base
        }))
        .unwrap();
    assert!(!plan.decision.allowed);
    let flagged: BTreeSet<&str> = plan
        .decision
        .violations
        .iter()
        .filter(|v| v.code.as_str() == "INLINE_SECRET")
        .filter_map(|v| v.path.as_deref())
        .collect();
    for path in ["/source/agents/0/id", "/source/agents/1/id", "/source/agents/0/uses/0/id", "/source/variables/0/name"]
    {
        assert!(flagged.contains(path), "{path} is reported: {flagged:?}");
    }
    let answer = to_json(&plan);
    for secret in [key.as_str(), other.as_str(), aws] {
        assert!(!answer.contains(secret), "the answer carries {secret}:\n{answer}");
    }
    // The payload holds no flagged value but the redaction mark.
    let mut found = Vec::new();
    scan(&plan.payload, "", &mut found);
    for secret in found {
        assert_eq!(plan.payload.pointer(&secret.path), Some(&Value::String(REDACTED.into())), "{}", secret.path);
    }
    // The manifest names the payload's items, as the payload names them.
    let manifest = promotion_rules::json::parse(&promotion_rules::write::to_json(&plan.manifest)).unwrap();
    let ids: BTreeSet<&str> =
        plan.payload["agents"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    let listed: BTreeSet<&str> = manifest["agents"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(ids, listed);
}

/// The same request with `inlineSecrets: "warn"`: the values travel (as the policy says), as warnings.
#[test]
fn a_credential_used_as_an_identifier_travels_with_a_warning_under_warn() {
    let key = format!("sk-{}", "c".repeat(24));
    let rules =
        PromotionRules::from_policy_json(r#"{"roles":{"developer":{"dev":["sync"]}},"inlineSecrets":"warn"}"#).unwrap();
    let plan = rules
        .plan_sync_value(
            json!({ "actor": dana(), "from": "dev", "to": "test", "source": { "agents": [{ "id": key }] } }),
        )
        .unwrap();
    assert!(plan.decision.allowed);
    assert_eq!(plan.decision.warnings[0].code.as_str(), "INLINE_SECRET");
    assert_eq!(plan.payload["agents"][0]["id"], json!(key));
    assert!(plan.manifest.get(promotion_rules::Kind::Agents, &key).is_some());
}

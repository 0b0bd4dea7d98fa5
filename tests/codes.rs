#![cfg(not(target_arch = "wasm32"))]
//! The stable codes: every violation and warning code of the spec is reachable, written the same
//! way in Rust and in JSON, and the error codes are the three of the spec.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use common::*;
use promotion_rules::{api, Decision, ErrorCode, IssueCode};
use promotion_rules::{json, Value};

const SPEC_CODES: [&str; 19] = [
    "NOT_NEXT_ENVIRONMENT",
    "NO_NEXT_ENVIRONMENT",
    "FORBIDDEN",
    "INLINE_SECRET",
    "DANGLING_REFERENCE",
    "MISSING_SECRET",
    "WOULD_REVERT_HOTFIX",
    "CONFLICT",
    "NO_BASE_MANIFEST",
    "SELF_PROMOTION",
    "READ_ONLY_ENVIRONMENT",
    "VARIABLE_STRUCTURE_LOCKED",
    "INVALID_VARIABLE_VALUE",
    "VARIABLE_DEFAULT_RESET",
    "UNKNOWN_CONTENT_KIND",
    "UNDECLARED_HOTFIX",
    "NOTHING_TO_HOTFIX",
    "UNUSED_ACKNOWLEDGEMENT",
    "DEPENDENCY_NOT_SELECTED",
];

/// The codes of the gates (SPEC §4), reached in tests/gates.rs and in the corpus.
const GATE_CODES: [&str; 8] = [
    "APPROVALS_MISSING",
    "APPROVAL_REJECTED",
    "STALE_APPROVAL",
    "INELIGIBLE_APPROVER",
    "SELF_APPROVAL",
    "SOAK_NOT_MET",
    "OUTSIDE_PROMOTION_WINDOW",
    "WINDOW_BYPASSED",
];

#[test]
fn every_code_is_written_the_same_in_rust_and_in_json() {
    let names: Vec<&str> = IssueCode::ALL.iter().map(|code| code.as_str()).collect();
    assert_eq!(names, [SPEC_CODES.as_slice(), GATE_CODES.as_slice()].concat());
    for code in IssueCode::ALL {
        assert_eq!(
            promotion_rules::json::parse(&promotion_rules::write::to_json(&code)).unwrap(),
            json!(code.as_str())
        );
        assert_eq!(code.to_string(), code.as_str());
    }
    for (code, name) in [
        (ErrorCode::InvalidInput, "INVALID_INPUT"),
        (ErrorCode::InvalidPolicy, "INVALID_POLICY"),
        (ErrorCode::LimitExceeded, "LIMIT_EXCEEDED"),
    ] {
        assert_eq!((code.as_str(), code.to_string()), (name, name.to_owned()));
    }
}

/// The synced production of the samples and its base manifest.
fn production_and_base() -> (Value, Value) {
    let plan = plan_sync(
        &rules(),
        json!({ "actor": omar(), "from": "staging", "to": "production", "source": sample("staging"), "target": sample("production") }),
    );
    (after_sync(&sample("production"), &plan.payload), answer(&plan.manifest))
}

#[test]
fn every_code_of_the_spec_is_reachable_from_the_seed_workflow() {
    let (production, base) = production_and_base();
    let mut hotfixed = production.clone();
    item_mut(&mut hotfixed, "agents", "billing-agent")["tone"] = json!("calm");
    let mut staging_changed = sample("staging");
    item_mut(&mut staging_changed, "agents", "billing-agent")["tone"] = json!("chatty");
    let mut secret_source = sample("dev");
    item_mut(&mut secret_source, "integrations", "crm-api")["apiKey"] = json!("AKIAIOSFODNN7EXAMPLE");
    let mut dangling_source = sample("dev");
    item_mut(&mut dangling_source, "agents", "triage-agent")["uses"] = json!([{ "kind": "agents", "id": "ghost" }]);
    let mut separated = api::default_policy();
    separated["noSelfPromotion"] = json!(["uat"]);
    let mut test_after = sample("test");
    item_mut(&mut test_after, "agents", "billing-agent")["tone"] = json!("warm");
    let mut locked = sample("test");
    item_mut(&mut locked, "variables", "CRM_URL")["usage"] = json!([]);
    let mut invalid = sample("test");
    item_mut(&mut invalid, "variables", "CRM_URL")["defaultValue"] = json!("not a url");

    // An item of dev whose `uses` names an item that test lacks or holds in another version.
    let selected_with_dependency = {
        let (dev, test) = (sample("dev"), sample("test"));
        let manifest = |w: &Value| {
            answer(&promotion_rules::Manifest::of_value(w.clone(), &promotion_rules::Limits::DEFAULT).unwrap())
        };
        let (dev_prints, test_prints) = (manifest(&dev), manifest(&test));
        let mut found = None;
        for kind in PROMOTED {
            let key = if kind == "variables" { "name" } else { "id" };
            for item in dev[kind].as_array().into_iter().flatten() {
                let needs = item["uses"].as_array().into_iter().flatten().any(|r| {
                    let (k, id) = (r["kind"].as_str().unwrap(), r["id"].as_str().unwrap());
                    PROMOTED.contains(&k)
                        && dev_prints[k].get(id).is_some()
                        && dev_prints[k].get(id) != test_prints[k].get(id)
                });
                if needs && found.is_none() {
                    found = Some(format!("{kind}/{}", item[key].as_str().unwrap()));
                }
            }
        }
        found.expect("the samples hold an item whose dependency changed between dev and test")
    };
    let sync = |request: Value| plan_sync(&rules(), request).decision;
    let edit = |env: &str, who: Value, before: Value, after: Value| {
        rules()
            .check_edit_value(json!({ "actor": who, "environment": env, "before": before, "after": after }))
            .unwrap()
            .decision
    };
    let publish = |request: Value| plan_publish(&rules(), request).decision;
    let decisions: Vec<(&str, Decision)> = vec![
        ("NOT_NEXT_ENVIRONMENT", sync(json!({ "actor": dana(), "from": "dev", "to": "uat", "source": {} }))),
        ("NO_NEXT_ENVIRONMENT", sync(json!({ "actor": ada(), "from": "production", "to": "production", "source": {} }))),
        ("FORBIDDEN", sync(json!({ "actor": bea(), "from": "dev", "to": "test", "source": {} }))),
        ("INLINE_SECRET", sync(json!({ "actor": dana(), "from": "dev", "to": "test", "source": secret_source }))),
        ("DANGLING_REFERENCE", sync(json!({ "actor": dana(), "from": "dev", "to": "test", "source": dangling_source }))),
        ("MISSING_SECRET", sync(json!({ "actor": dana(), "from": "dev", "to": "test", "source": sample("dev"), "target": sample("test") }))),
        ("WOULD_REVERT_HOTFIX", sync(json!({ "actor": omar(), "from": "staging", "to": "production", "source": sample("staging"), "target": hotfixed, "base": base }))),
        ("CONFLICT", sync(json!({ "actor": omar(), "from": "staging", "to": "production", "source": staging_changed, "target": hotfixed, "base": base }))),
        ("NO_BASE_MANIFEST", sync(json!({ "actor": omar(), "from": "staging", "to": "production", "source": sample("staging") }))),
        ("SELF_PROMOTION", plan_sync(&rules_with(separated), json!({ "actor": quinn(), "from": "test", "to": "uat", "source": sample("test"), "target": sample("uat") })).decision),
        ("READ_ONLY_ENVIRONMENT", edit("test", quinn(), sample("test"), test_after)),
        ("VARIABLE_STRUCTURE_LOCKED", edit("test", quinn(), sample("test"), locked)),
        ("INVALID_VARIABLE_VALUE", edit("test", quinn(), sample("test"), invalid)),
        ("VARIABLE_DEFAULT_RESET", sync(json!({ "actor": dana(), "from": "dev", "to": "test", "source": sample("dev"), "target": sample("test") }))),
        ("UNKNOWN_CONTENT_KIND", sync(json!({ "actor": dana(), "from": "dev", "to": "test", "source": sample("dev") }))),
        ("UNDECLARED_HOTFIX", publish(json!({ "actor": ada(), "workspace": hotfixed, "base": base }))),
        ("NOTHING_TO_HOTFIX", publish(json!({ "actor": ada(), "workspace": production, "base": base, "hotfix": { "reason": "x" } }))),
        ("UNUSED_ACKNOWLEDGEMENT", sync(json!({ "actor": omar(), "from": "staging", "to": "production", "source": sample("staging"), "target": production, "base": base, "acknowledge": ["agents/billing-agent"] }))),
        ("DEPENDENCY_NOT_SELECTED", sync(json!({ "actor": dana(), "from": "dev", "to": "test", "source": sample("dev"), "target": sample("test"), "select": [selected_with_dependency], "closure": "refuse" }))),
    ];
    let mut reached = BTreeSet::new();
    for (code, decision) in &decisions {
        let found = codes(&decision.violations).into_iter().chain(codes(&decision.warnings)).collect::<Vec<_>>();
        assert!(found.contains(code), "{code} not in {found:?}");
        reached.insert(*code);
    }
    assert_eq!(reached, SPEC_CODES.iter().copied().collect::<BTreeSet<_>>());
}

#[test]
fn the_same_code_is_a_violation_or_a_warning_as_the_spec_says() {
    let (production, base) = production_and_base();
    let mut hotfixed = production;
    item_mut(&mut hotfixed, "agents", "billing-agent")["tone"] = json!("calm");
    let request = json!({ "actor": omar(), "from": "staging", "to": "production", "source": sample("staging"), "target": hotfixed, "base": base });
    let refused = plan_sync(&rules(), request.clone()).decision;
    assert_eq!(codes(&refused.violations), vec!["WOULD_REVERT_HOTFIX"]);
    let mut acknowledged = request;
    acknowledged["acknowledge"] = json!(["agents/billing-agent"]);
    let accepted = plan_sync(&rules(), acknowledged).decision;
    assert!(accepted.violations.is_empty());
    assert_eq!(codes(&accepted.warnings), vec!["WOULD_REVERT_HOTFIX"]);
}

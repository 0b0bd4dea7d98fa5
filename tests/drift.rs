#![cfg(not(target_arch = "wasm32"))]
//! The three-way drift check of a sync: base manifest, target copy, source copy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::{fingerprint, Kind};
use promotion_rules::{json, Value};

/// Release 1, synced staging → production: the live workspace and the manifest of that sync.
fn release_one() -> (Value, Value, Value) {
    let release = json!({
        "agents": [{ "id": "bot", "tone": "formal", "updatedBy": "dana" }, { "id": "helper", "tone": "patient" }],
        "variables": [{ "name": "LIMIT", "type": "number", "defaultValue": 10, "usage": [] }]
    });
    let live = json!({ "conversations": [{ "id": "c1" }], "variables": [{ "name": "LIMIT", "type": "number", "defaultValue": 99 }] });
    let first = plan_sync(
        &rules(),
        json!({ "actor": omar(), "from": "staging", "to": "production", "source": release, "target": live }),
    );
    assert!(first.decision.allowed);
    let production = after_sync(&live, &first.payload);
    (release, production, answer(&first.manifest))
}

fn sync_into_production(source: &Value, target: &Value, base: &Value, acknowledge: Value) -> promotion_rules::SyncPlan {
    plan_sync(
        &rules(),
        json!({ "actor": omar(), "from": "staging", "to": "production", "source": source, "target": target, "base": base, "acknowledge": acknowledge }),
    )
}

fn with_tone(workspace: &Value, id: &str, tone: &str) -> Value {
    let mut changed = workspace.clone();
    item_mut(&mut changed, "agents", id)["tone"] = json!(tone);
    changed
}

#[test]
fn the_manifest_fingerprints_each_item_and_variables_by_structure() {
    let (release, production, base) = release_one();
    assert_eq!(base["agents"]["bot"], fingerprint(&release["agents"][0]));
    // The kept default (99) is not part of the variable's fingerprint.
    assert_eq!(base["variables"]["LIMIT"], fingerprint(&json!({ "name": "LIMIT", "type": "number", "usage": [] })));
    assert_eq!(item(&production, "variables", "LIMIT")["defaultValue"], 99);
    assert_eq!(base["workflows"], json!({}));
    assert_eq!(base.as_object().unwrap().len(), 6);
}

#[test]
fn a_sync_that_would_undo_a_production_hotfix_is_refused() {
    let (release, production, base) = release_one();
    let hotfixed = with_tone(&production, "bot", "calm");
    let plan = sync_into_production(&release, &hotfixed, &base, json!([]));
    assert!(!plan.decision.allowed);
    assert_eq!(violations(&plan.decision), vec![("WOULD_REVERT_HOTFIX", "/target/agents/0".to_owned())]);
    assert!(plan.decision.violations[0].message.contains("agents/bot"));
}

#[test]
fn acknowledging_a_revert_turns_it_into_a_warning() {
    let (release, production, base) = release_one();
    let hotfixed = with_tone(&production, "bot", "calm");
    let plan = sync_into_production(&release, &hotfixed, &base, json!(["agents/bot"]));
    assert!(plan.decision.allowed);
    assert_eq!(warnings(&plan.decision), vec![("WOULD_REVERT_HOTFIX", "/target/agents/0".to_owned())]);
    assert_eq!(item(&plan.payload, "agents", "bot")["tone"], "formal");
}

#[test]
fn a_hotfix_recreated_upstream_syncs_cleanly() {
    let (_, production, base) = release_one();
    let hotfixed = with_tone(&production, "bot", "calm");
    let recreated = json!({ "agents": hotfixed["agents"], "variables": [{ "name": "LIMIT", "type": "number", "defaultValue": 10, "usage": [] }] });
    let plan = sync_into_production(&recreated, &hotfixed, &base, json!([]));
    assert!(plan.decision.allowed);
    assert!(plan.decision.warnings.is_empty(), "{:?}", plan.decision.warnings);
    assert_eq!(plan.changes.summary.modified, 0);
}

#[test]
fn a_different_change_upstream_is_a_conflict() {
    let (release, production, base) = release_one();
    let hotfixed = with_tone(&production, "bot", "calm");
    let upstream = with_tone(&release, "bot", "cheerful");
    let plan = sync_into_production(&upstream, &hotfixed, &base, json!([]));
    assert!(!plan.decision.allowed);
    assert_eq!(violations(&plan.decision), vec![("CONFLICT", "/target/agents/0".to_owned())]);
    let acknowledged = sync_into_production(&upstream, &hotfixed, &base, json!(["agents/bot"]));
    assert!(acknowledged.decision.allowed);
    assert_eq!(warnings(&acknowledged.decision), vec![("CONFLICT", "/target/agents/0".to_owned())]);
}

#[test]
fn an_acknowledgement_that_matches_no_drift_is_reported() {
    let (release, production, base) = release_one();
    let hotfixed = with_tone(&production, "bot", "calm");
    let plan = sync_into_production(&release, &hotfixed, &base, json!(["agents/helper", "agents/bot"]));
    assert!(plan.decision.allowed);
    assert_eq!(
        warnings(&plan.decision),
        vec![
            ("WOULD_REVERT_HOTFIX", "/target/agents/0".to_owned()),
            ("UNUSED_ACKNOWLEDGEMENT", "/acknowledge/0".to_owned())
        ]
    );
}

#[test]
fn an_acknowledgement_without_a_base_acknowledges_nothing() {
    let (release, production, _) = release_one();
    let plan = plan_sync(
        &rules(),
        json!({ "actor": omar(), "from": "staging", "to": "production", "source": release, "target": production, "acknowledge": ["agents/bot"] }),
    );
    assert!(plan.decision.allowed);
    assert_eq!(
        warnings(&plan.decision),
        vec![("NO_BASE_MANIFEST", "/base".to_owned()), ("UNUSED_ACKNOWLEDGEMENT", "/acknowledge/0".to_owned())]
    );
}

#[test]
fn an_item_added_in_place_counts_as_changed_in_place() {
    let (release, mut production, base) = release_one();
    production["agents"].as_array_mut().unwrap().push(json!({ "id": "hotfix-bot" }));
    let plan = sync_into_production(&release, &production, &base, json!([]));
    assert_eq!(violations(&plan.decision), vec![("WOULD_REVERT_HOTFIX", "/target/agents/2".to_owned())]);
    assert!(plan.decision.violations[0].message.contains("added"));
    // Carried upstream as it is: fine. Carried differently: a conflict.
    let mut same = release.clone();
    same["agents"].as_array_mut().unwrap().push(json!({ "id": "hotfix-bot" }));
    assert!(sync_into_production(&same, &production, &base, json!([])).decision.allowed);
    let mut other = release.clone();
    other["agents"].as_array_mut().unwrap().push(json!({ "id": "hotfix-bot", "tone": "dry" }));
    let plan = sync_into_production(&other, &production, &base, json!([]));
    assert_eq!(violations(&plan.decision), vec![("CONFLICT", "/target/agents/2".to_owned())]);
}

#[test]
fn an_item_deleted_in_place_counts_as_changed_in_place() {
    let (release, mut production, base) = release_one();
    production["agents"].as_array_mut().unwrap().remove(1);
    let plan = sync_into_production(&release, &production, &base, json!([]));
    assert_eq!(violations(&plan.decision), vec![("WOULD_REVERT_HOTFIX", "/base/agents/helper".to_owned())]);
    assert!(plan.decision.violations[0].message.contains("deleted"));
    let mut deleted_upstream = release.clone();
    deleted_upstream["agents"].as_array_mut().unwrap().remove(1);
    let plan = sync_into_production(&deleted_upstream, &production, &base, json!([]));
    assert!(plan.decision.allowed, "{:?}", plan.decision);
}

#[test]
fn a_changed_variable_default_is_no_drift_but_a_changed_structure_is() {
    let (release, mut production, base) = release_one();
    item_mut(&mut production, "variables", "LIMIT")["defaultValue"] = json!(5);
    let plan = sync_into_production(&release, &production, &base, json!([]));
    assert!(plan.decision.allowed);
    assert_eq!(item(&plan.payload, "variables", "LIMIT")["defaultValue"], 5);
    item_mut(&mut production, "variables", "LIMIT")["description"] = json!("changed in place");
    let plan = sync_into_production(&release, &production, &base, json!([]));
    assert_eq!(violations(&plan.decision), vec![("WOULD_REVERT_HOTFIX", "/target/variables/0".to_owned())]);
    let plan = sync_into_production(&release, &production, &base, json!(["variables/LIMIT"]));
    assert!(plan.decision.allowed);
}

#[test]
fn the_drift_check_applies_to_every_target() {
    // dev → test with base: an edit made in test around the sync flow.
    let first = plan_sync(
        &rules(),
        json!({ "actor": dana(), "from": "dev", "to": "test", "source": sample("dev"), "target": sample("test") }),
    );
    let mut test = after_sync(&sample("test"), &first.payload);
    let i = index_of(&test, "knowledgeBase", "kb-router-troubleshooting");
    test["knowledgeBase"][i]["body"] = json!("edited in test");
    let plan = plan_sync(
        &rules(),
        json!({ "actor": dana(), "from": "dev", "to": "test", "source": sample("dev"), "target": test, "base": answer(&first.manifest) }),
    );
    assert!(!plan.decision.allowed);
    assert_eq!(violations(&plan.decision), vec![("WOULD_REVERT_HOTFIX", format!("/target/knowledgeBase/{i}"))]);
    assert!(plan.decision.violations[0].message.contains("test"));
    assert!(!codes(&plan.decision.warnings).contains(&"NO_BASE_MANIFEST"));
}

#[test]
fn without_a_base_no_drift_can_be_seen() {
    let (release, production, _) = release_one();
    let hotfixed = with_tone(&production, "bot", "calm");
    let plan = plan_sync(
        &rules(),
        json!({ "actor": omar(), "from": "staging", "to": "production", "source": release, "target": hotfixed }),
    );
    assert!(plan.decision.allowed);
    assert_eq!(warnings(&plan.decision), vec![("NO_BASE_MANIFEST", "/base".to_owned())]);
}

#[test]
fn the_manifest_of_a_sync_is_the_base_of_the_next_one() {
    let (release, production, base) = release_one();
    let again = sync_into_production(&release, &production, &base, json!([]));
    assert!(again.decision.allowed);
    assert!(again.decision.warnings.is_empty());
    assert_eq!(answer(&again.manifest), base);
    assert_eq!(again.changes.summary.modified + again.changes.summary.added + again.changes.summary.removed, 0);
    assert_eq!(again.manifest.get(Kind::Agents, "bot"), base["agents"]["bot"].as_str());
}

#![cfg(not(target_arch = "wasm32"))]
//! Corners that a second, independent implementation of the spec found, each checked as a class:
//! - an optional member the spec gives a default (a variable's `usage`) means the same absent
//!   and defaulted, in manifests, drift, publish and edit checks;
//! - every decision reads the content as sent: redacting a blocked inline secret changes only
//!   what the answer shows;
//! - every patch the API answers applies to the document exactly as it was given.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::diff::apply_patch;
use promotion_rules::{diff_workspaces, Decision, Limits, PromotionRules};
use promotion_rules::{json, Map, Value};
use proptest::prelude::*;
use proptest::test_runner::Config;

const CONTENT: [&str; 5] = ["agents", "workflows", "knowledgeBase", "integrations", "channels"];
const IDS: [&str; 4] = ["a", "b", "c", "x/y"];
const NAMES: [&str; 3] = ["A", "B", "C"];
/// A credential-shaped string (the spec's `sk-…` token).
const KEY: &str = "sk-abcdefghijklmnopqrstuvwx";

fn config(cases: u32) -> Config {
    Config { cases: common::cases(cases), failure_persistence: None, ..Config::default() }
}

// ---- the examples of the report ------------------------------------------------------------------

#[test]
fn a_variable_stored_without_usage_is_the_variable_synced_with_an_empty_usage() {
    let rules = rules();
    let synced = plan_sync(
        &rules,
        json!({ "actor": omar(), "from": "staging", "to": "production",
                "source": { "variables": [{ "name": "V", "type": "string", "usage": [] }] } }),
    );
    let stored = json!({ "variables": [{ "name": "V", "type": "string" }] });
    assert_eq!(promotion_rules::Manifest::of_value(stored.clone(), &Limits::DEFAULT).unwrap(), synced.manifest);

    let again = plan_sync(
        &rules,
        json!({ "actor": omar(), "from": "staging", "to": "production",
                "source": { "variables": [{ "name": "V", "type": "string", "usage": [] }] },
                "target": stored, "base": answer(&synced.manifest) }),
    );
    assert_eq!(violations(&again.decision), vec![]);
    assert!(again.decision.allowed);

    let publish =
        plan_publish(&rules, json!({ "actor": ada(), "workspace": stored, "base": answer(&synced.manifest) }));
    assert_eq!((violations(&publish.decision), answer(&publish)["mode"].clone()), (vec![], json!("goLive")));
}

#[test]
fn usage_absent_and_usage_empty_are_the_same_structure_in_an_edit_check_outside_dev() {
    let edit = rules()
        .check_edit_value(json!({ "actor": omar(), "environment": "staging",
            "before": { "variables": [{ "name": "V", "type": "string", "defaultValue": "a" }] },
            "after": { "variables": [{ "name": "V", "type": "string", "usage": [], "defaultValue": "a" }] } }))
        .unwrap();
    assert_eq!(violations(&edit.decision), vec![]);
    // A real structure change is still locked.
    let edit = rules()
        .check_edit_value(json!({ "actor": omar(), "environment": "staging",
            "before": { "variables": [{ "name": "V", "type": "string" }] },
            "after": { "variables": [{ "name": "V", "type": "string", "usage": ["w"] }] } }))
        .unwrap();
    assert_eq!(codes(&edit.decision.violations), vec!["VARIABLE_STRUCTURE_LOCKED"]);
}

/// A sync into production whose target deleted an item in place, the item holding an inline secret.
fn deleted_in_place(mode: &str) -> promotion_rules::SyncPlan {
    let source = json!({ "agents": [{ "id": "bot", "token": KEY }] });
    let rules = rules_with(json!({ "inlineSecrets": mode, "roles": { "devops": { "staging": ["sync"] } } }));
    let base = promotion_rules::Manifest::of_value(source.clone(), &Limits::DEFAULT).unwrap();
    plan_sync(
        &rules,
        json!({ "actor": omar(), "from": "staging", "to": "production", "source": source,
                "target": {}, "base": answer(&base) }),
    )
}

#[test]
fn an_in_place_deletion_of_an_item_holding_a_blocked_secret_would_be_reverted_not_conflicted() {
    let blocked = deleted_in_place("block");
    let warned = deleted_in_place("warn");
    assert_eq!(codes(&blocked.decision.violations), vec!["INLINE_SECRET", "WOULD_REVERT_HOTFIX"]);
    assert_eq!(codes(&warned.decision.violations), vec!["WOULD_REVERT_HOTFIX"]);
    // The answer still never shows the secret.
    assert!(!promotion_rules::write::to_json(&blocked).contains(KEY));
    assert_eq!(blocked.fingerprint, promotion_rules::fingerprint(&blocked.payload));
}

#[test]
fn an_item_identical_on_both_sides_is_not_promoted_by_anyone_even_when_its_secret_is_redacted() {
    let item = json!({ "id": "bot", "token": KEY, "updatedBy": "quinn" });
    let rules = rules_with(json!({ "noSelfPromotion": ["uat"], "inlineSecrets": "block",
                                   "roles": { "qa": { "test": ["sync"] } } }));
    let plan = plan_sync(
        &rules,
        json!({ "actor": quinn(), "from": "test", "to": "uat",
                "source": { "agents": [item] }, "target": { "agents": [item] } }),
    );
    assert_eq!(codes(&plan.decision.violations), vec!["INLINE_SECRET"]);
}

#[test]
fn check_edit_patches_apply_to_the_before_that_was_sent() {
    for (before, after) in [
        (json!({}), json!({ "channels": [{ "id": "c" }] })),
        (json!({ "channels": [{ "id": "c" }] }), json!({})),
        (json!({ "channels": [] }), json!({})),
        (json!({ "notes": 1 }), json!({ "agents": [] })),
    ] {
        let edit = rules()
            .check_edit_value(json!({ "actor": dana(), "environment": "dev", "before": before, "after": after }))
            .unwrap();
        let mut document = before.clone();
        apply_patch(&mut document, &edit.changes.patch).unwrap();
        assert_eq!(document, after, "{before} → {after}");
        assert_eq!(answer(&edit.changes), answer(&diff_workspaces(&before, &after)));
    }
}

// ---- generated requests ----------------------------------------------------------------------------

/// An item: an id, maybe an inline secret (as content, or as the id itself), an author, `uses`.
fn item() -> impl Strategy<Value = Value> {
    let id = prop_oneof![4 => prop::sample::select(&IDS[..]).prop_map(str::to_owned), 1 => Just(KEY.to_owned())];
    let uses = prop::collection::vec(
        (prop::sample::select(&["agents", "workflows", "variables"][..]), prop::sample::select(&["a", "b", "A"][..])),
        0..2,
    );
    (
        id,
        prop::option::of(prop_oneof![Just(json!(KEY)), Just(json!("{{secrets.K}}")), Just(json!("friendly"))]),
        prop::option::of(prop::sample::select(&["dana", "quinn"][..])),
        prop::option::of(uses),
        prop::option::of(0u8..3),
    )
        .prop_map(|(id, token, author, uses, version)| {
            let mut item = Map::new();
            item.insert("id".into(), json!(id));
            if let Some(token) = token {
                item.insert("token".into(), token);
            }
            if let Some(author) = author {
                item.insert("updatedBy".into(), json!(author));
            }
            if let Some(uses) = uses {
                let uses: Vec<Value> = uses.into_iter().map(|(kind, id)| json!({ "kind": kind, "id": id })).collect();
                item.insert("uses".into(), Value::Array(uses));
            }
            if let Some(version) = version {
                item.insert("v".into(), json!(version));
            }
            Value::Object(item)
        })
}

/// Items with unique ids; absent, empty or not.
fn kind() -> impl Strategy<Value = Option<Value>> {
    prop::option::of(prop::collection::vec(item(), 0..4).prop_map(|items| {
        let mut seen = Vec::new();
        Value::Array(
            items
                .into_iter()
                .filter(|item| {
                    let id = item["id"].clone();
                    let fresh = !seen.contains(&id);
                    seen.push(id);
                    fresh
                })
                .collect(),
        )
    }))
}

/// Variables with unique names: `usage` absent, `[]` or listed; a default maybe; maybe a secret.
fn variables() -> impl Strategy<Value = Option<Value>> {
    let usage = prop_oneof![Just(None), Just(Some(json!([]))), Just(Some(json!(["a"]))), Just(Some(json!(["a", "b"])))];
    let default = prop::option::of(prop_oneof![Just(json!("x")), Just(json!(KEY)), Just(json!(1))]);
    let variable = (prop::sample::select(&NAMES[..]), prop::sample::select(&["string", "json"][..]), usage, default);
    prop::option::of(prop::collection::vec(variable, 0..3).prop_map(|variables| {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for (name, var_type, usage, default) in variables {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let mut variable = json!({ "name": name, "type": var_type });
            if let Some(usage) = usage {
                variable["usage"] = usage;
            }
            if let Some(default) = default {
                variable["defaultValue"] = default;
            }
            out.push(variable);
        }
        Value::Array(out)
    }))
}

/// A workspace: each promoted kind absent, empty or filled; maybe secrets and a local kind.
fn workspace() -> impl Strategy<Value = Value> {
    (prop::collection::vec(kind(), 5), variables(), any::<bool>(), prop::option::of(Just(json!([{ "m": 1 }]))))
        .prop_map(|(content, variables, secrets, conversations)| {
            let mut workspace = Map::new();
            for (name, items) in CONTENT.iter().zip(content) {
                if let Some(items) = items {
                    workspace.insert((*name).to_owned(), items);
                }
            }
            if let Some(variables) = variables {
                workspace.insert("variables".into(), variables);
            }
            if secrets {
                workspace.insert("secrets".into(), json!([{ "name": "K" }]));
            }
            if let Some(conversations) = conversations {
                workspace.insert("conversations".into(), conversations);
            }
            Value::Object(workspace)
        })
}

/// The workspace as a store that drops empty arrays of variables' `usage` gives it back.
fn without_empty_usage(workspace: &Value) -> Value {
    let mut copy = workspace.clone();
    if let Some(variables) = copy.get_mut("variables").and_then(Value::as_array_mut) {
        for variable in variables {
            if variable.get("usage") == Some(&json!([])) {
                variable.as_object_mut().unwrap().remove("usage");
            }
        }
    }
    copy
}

/// `(code, path, is violation)` of every issue, INLINE_SECRET's severity left out, sorted.
fn judged(decision: &Decision) -> Vec<(String, String, bool)> {
    let mut all: Vec<(String, String, bool)> = decision
        .violations
        .iter()
        .map(|issue| (issue, true))
        .chain(decision.warnings.iter().map(|issue| (issue, false)))
        .map(|(issue, violation)| {
            let code = issue.code.as_str();
            (code.to_owned(), issue.path.clone().unwrap_or_default(), violation && code != "INLINE_SECRET")
        })
        .collect();
    all.sort();
    all
}

fn engine(mode: &str) -> PromotionRules {
    rules_with(json!({
        "roles": { "developer": { "dev": ["edit", "sync"] }, "qa": { "test": ["sync"] },
                   "devops": { "staging": ["sync"], "production": ["publish"] },
                   "admin": { "production": ["publish", "hotfix"] } },
        "noSelfPromotion": ["test", "production"],
        "inlineSecrets": mode,
    }))
}

/// A sync request between generated workspaces, with a base from a third one, in one of two hops.
fn sync(source: &Value, target: &Value, previous: &Value, into_production: bool) -> Value {
    let base = promotion_rules::Manifest::of_value(previous.clone(), &Limits::DEFAULT).unwrap();
    let (actor, from, to) = if into_production { (omar(), "staging", "production") } else { (dana(), "dev", "test") };
    json!({ "actor": actor, "from": from, "to": to, "source": source, "target": target, "base": answer(&base),
            "acknowledge": ["agents/a"] })
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn every_patch_the_api_answers_applies_to_the_document_as_given(
        before in workspace(), after in workspace(), previous in workspace(), into_production in any::<bool>(),
    ) {
        let rules = engine("warn");
        let apply = |document: &Value, patch| {
            let mut document = document.clone();
            apply_patch(&mut document, patch).unwrap();
            document
        };
        // diffWorkspaces
        let changes = promotion_rules::diff::checked(&before, &after, &Limits::DEFAULT).unwrap();
        prop_assert_eq!(apply(&before, &changes.patch), after.clone());
        // checkEdit
        let edit = rules
            .check_edit_value(json!({ "actor": dana(), "environment": "dev", "before": before, "after": after }))
            .unwrap();
        prop_assert_eq!(apply(&before, &edit.changes.patch), after.clone());
        // planSync: from filterContent(target).payload to the payload
        let plan = rules.plan_sync_value(sync(&after, &before, &previous, into_production)).unwrap();
        let target_payload = promotion_rules::workspace::filter_content(before.clone(), &Limits::DEFAULT).unwrap().payload;
        prop_assert_eq!(apply(&target_payload, &plan.changes.patch), plan.payload.clone());
        // planPublish: from live to the workspace
        let base = promotion_rules::Manifest::of_value(previous.clone(), &Limits::DEFAULT).unwrap();
        let publish = rules
            .plan_publish_value(json!({ "actor": ada(), "workspace": after, "live": before, "base": answer(&base) }))
            .unwrap();
        prop_assert_eq!(apply(&before, &publish.changes.unwrap().patch), after);
    }

    #[test]
    fn redaction_never_changes_a_decision(
        source in workspace(), target in workspace(), previous in workspace(), into_production in any::<bool>(),
    ) {
        let request = sync(&source, &target, &previous, into_production);
        let blocked = engine("block").plan_sync_value(request.clone()).unwrap();
        let warned = engine("warn").plan_sync_value(request).unwrap();
        prop_assert_eq!(judged(&blocked.decision), judged(&warned.decision));
        let secrets = warned.decision.warnings.iter().filter(|i| i.code.as_str() == "INLINE_SECRET").count();
        prop_assert_eq!(blocked.decision.allowed, warned.decision.allowed && secrets == 0);
        // What the sync would carry never holds the secret (the target's own content may).
        let carried = serde_json::to_string(&(&blocked.payload, answer(&blocked.manifest))).unwrap();
        prop_assert!(!carried.contains(KEY), "{}", carried);
        prop_assert_eq!(&blocked.fingerprint, &promotion_rules::fingerprint(&blocked.payload));
    }

    #[test]
    fn a_store_dropping_empty_usage_arrays_changes_no_manifest_entry_and_no_decision(
        source in workspace(), target in workspace(), previous in workspace(), into_production in any::<bool>(),
    ) {
        let rules = engine("warn");
        let manifest = |workspace: &Value| answer(&promotion_rules::Manifest::of_value(workspace.clone(), &Limits::DEFAULT).unwrap());
        prop_assert_eq!(manifest(&target), manifest(&without_empty_usage(&target)));
        // A sync whose target and base come back from such a store.
        let plan = rules.plan_sync_value(sync(&source, &target, &previous, into_production)).unwrap();
        let stored = rules
            .plan_sync_value(sync(&source, &without_empty_usage(&target), &without_empty_usage(&previous), into_production))
            .unwrap();
        prop_assert_eq!(judged(&plan.decision), judged(&stored.decision));
        prop_assert_eq!(answer(&plan.manifest), answer(&stored.manifest));
        // A publish of the stored workspace against the manifest of the sync that put it there.
        let synced = rules.plan_sync_value(sync(&source, &target, &previous, true)).unwrap();
        let live = after_sync(&target, &synced.payload);
        for workspace in [live.clone(), without_empty_usage(&live)] {
            let publish = rules
                .plan_publish_value(json!({ "actor": ada(), "workspace": workspace, "base": answer(&synced.manifest) }))
                .unwrap();
            prop_assert_eq!(codes(&publish.decision.violations), Vec::<&str>::new());
        }
        // An edit that only drops empty usage arrays changes no structure, wherever it is made.
        for environment in ["staging", "production"] {
            let edit = rules
                .check_edit_value(json!({ "actor": omar(), "environment": environment,
                                          "before": live, "after": without_empty_usage(&live) }))
                .unwrap();
            let locked: Vec<&str> = codes(&edit.decision.violations)
                .into_iter()
                .filter(|code| *code == "VARIABLE_STRUCTURE_LOCKED")
                .collect();
            prop_assert_eq!(locked, Vec::<&str>::new());
        }
    }
}

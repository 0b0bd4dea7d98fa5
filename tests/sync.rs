#![cfg(not(target_arch = "wasm32"))]
//! Sync: order of the chain, permission, the payload, variables, change sets and the answer's shape.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::diff::apply_patch;
use promotion_rules::{api, fingerprint, ErrorCode, Limits};
use promotion_rules::{json, Value};

fn dev_to_test() -> promotion_rules::SyncPlan {
    plan_sync(
        &rules(),
        json!({ "actor": dana(), "from": "dev", "to": "test", "source": sample("dev"), "target": sample("test") }),
    )
}

#[test]
fn dana_syncs_dev_to_test_with_the_three_warnings_of_the_seed() {
    let plan = dev_to_test();
    assert!(plan.decision.allowed);
    assert!(plan.decision.violations.is_empty());
    assert_eq!(
        warnings(&plan.decision),
        vec![
            ("UNKNOWN_CONTENT_KIND", "/source/experiments".to_owned()),
            ("VARIABLE_DEFAULT_RESET", "/source/variables/1/type".to_owned()),
            ("MISSING_SECRET", "/source/integrations/1/uses/1".to_owned()),
        ]
    );
    assert!(only(&plan.decision.warnings, "MISSING_SECRET").message.contains("TICKETING_SIGNING_SECRET"));
    assert!(only(&plan.decision.warnings, "VARIABLE_DEFAULT_RESET").message.contains("MAX_TURNS"));
}

#[test]
fn the_dev_to_test_change_set_lists_what_the_seed_story_says() {
    let plan = dev_to_test();
    let changes = answer(&plan.changes);
    assert_eq!(changes["summary"], json!({ "added": 2, "modified": 4, "removed": 1, "unchanged": 17 }));
    let kinds = &changes["kinds"];
    assert_eq!(kinds["agents"]["modified"][0]["id"], "billing-agent");
    let billing_fields = kinds["agents"]["modified"][0]["fields"].as_array().unwrap();
    assert!(billing_fields.contains(&json!("/tone")));
    assert!(billing_fields.contains(&json!("/instructions")));
    assert_eq!(kinds["workflows"]["added"], json!(["wf-payment-arrangement"]));
    assert_eq!(kinds["knowledgeBase"]["removed"], json!(["kb-legacy-dsl-plans"]));
    assert_eq!(
        kinds["integrations"]["modified"],
        json!([{ "id": "ticketing-webhook", "fields": ["/updatedBy", "/uses/1", "/signing"] }])
    );
    assert_eq!(kinds["channels"], json!({ "added": [], "modified": [], "removed": [], "unchanged": 2 }));
    assert_eq!(kinds["variables"]["added"], json!(["ARRANGEMENT_QUEUE"]));
    assert_eq!(
        kinds["variables"]["modified"],
        json!([{ "id": "CRM_URL", "fields": ["/usage/2"] }, { "id": "MAX_TURNS", "fields": ["/defaultValue", "/type"] }])
    );
    assert_eq!(
        kinds["variables"]["defaultsKept"],
        json!(["CRM_URL", "REFUND_AUTO_APPROVE_LIMIT", "SURVEY_ENABLED", "BUSINESS_HOURS"])
    );
    assert_eq!(kinds["variables"]["defaultsReset"], json!(["MAX_TURNS"]));
    assert_eq!(changes["local"], json!([]));
}

#[test]
fn the_change_set_patch_turns_the_target_payload_into_the_payload() {
    let plan = dev_to_test();
    let mut target = promotion_rules::workspace::filter_content(sample("test"), &Limits::DEFAULT).unwrap().payload;
    assert_ne!(target, plan.payload);
    apply_patch(&mut target, &plan.changes.patch).unwrap();
    assert_eq!(target, plan.payload);
}

#[test]
fn a_sync_that_skips_test_is_refused_as_not_next_environment() {
    let plan = plan_sync(&rules(), json!({ "actor": dana(), "from": "dev", "to": "uat", "source": sample("dev") }));
    assert!(!plan.decision.allowed);
    assert_eq!(violations(&plan.decision), vec![("NOT_NEXT_ENVIRONMENT", "/to".to_owned())]);
    assert!(plan.decision.violations[0].message.contains("test"));
    assert!(!plan.audit.allowed);
    assert_eq!(plan.audit.codes[0].as_str(), "NOT_NEXT_ENVIRONMENT");
}

#[test]
fn a_sync_backwards_or_onto_itself_is_not_to_the_next_environment() {
    for (from, to) in [("staging", "uat"), ("test", "test"), ("uat", "dev"), ("dev", "production")] {
        let plan = plan_sync(
            &rules(),
            json!({ "actor": { "id": "root", "roles": ["developer", "qa", "business", "devops"] }, "from": from, "to": to, "source": {} }),
        );
        assert_eq!(violations(&plan.decision), vec![("NOT_NEXT_ENVIRONMENT", "/to".to_owned())], "{from} → {to}");
    }
}

#[test]
fn nothing_can_be_synced_out_of_production() {
    let plan = plan_sync(
        &rules(),
        json!({ "actor": ada(), "from": "production", "to": "staging", "source": sample("production") }),
    );
    assert!(!plan.decision.allowed);
    let found = violations(&plan.decision);
    assert_eq!(found[0], ("NO_NEXT_ENVIRONMENT", "/from".to_owned()));
    assert!(!codes(&plan.decision.violations).contains(&"NOT_NEXT_ENVIRONMENT"));
    // Nobody holds sync in production, so the refusal also says FORBIDDEN.
    assert_eq!(found[1], ("FORBIDDEN", "/actor".to_owned()));
}

#[test]
fn a_qa_person_may_not_sync_out_of_dev() {
    let plan = plan_sync(
        &rules(),
        json!({ "actor": quinn(), "from": "dev", "to": "test", "source": sample("dev"), "target": sample("test") }),
    );
    assert!(!plan.decision.allowed);
    assert_eq!(violations(&plan.decision), vec![("FORBIDDEN", "/actor".to_owned())]);
    let message = &plan.decision.violations[0].message;
    assert!(message.contains("quinn") && message.contains("developer"), "{message}");
    // A refused plan still shows what the sync would do.
    assert_eq!(plan.payload, dev_to_test().payload);
}

#[test]
fn an_unknown_role_grants_nothing() {
    let plan = plan_sync(
        &rules(),
        json!({ "actor": { "id": "eve", "roles": ["superuser", "Developer"] }, "from": "dev", "to": "test", "source": {} }),
    );
    assert_eq!(violations(&plan.decision), vec![("FORBIDDEN", "/actor".to_owned())]);
    let nobody = plan_sync(
        &rules(),
        json!({ "actor": { "id": "eve", "roles": [] }, "from": "dev", "to": "test", "source": {} }),
    );
    assert_eq!(violations(&nobody.decision), vec![("FORBIDDEN", "/actor".to_owned())]);
}

#[test]
fn an_actor_holds_the_union_of_its_roles() {
    let both = json!({ "id": "sam", "roles": ["developer", "qa"] });
    for (from, to) in [("dev", "test"), ("test", "uat")] {
        let plan = plan_sync(&rules(), json!({ "actor": both, "from": from, "to": to, "source": {} }));
        assert!(plan.decision.allowed, "{from} → {to}: {:?}", plan.decision);
    }
    let plan = plan_sync(&rules(), json!({ "actor": both, "from": "uat", "to": "staging", "source": {} }));
    assert_eq!(codes(&plan.decision.violations), vec!["FORBIDDEN"]);
}

#[test]
fn each_owner_syncs_out_of_their_own_environment() {
    for pair in CHAIN.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        let plan =
            plan_sync(&rules(), json!({ "actor": owner_of(from), "from": from, "to": to, "source": {}, "base": {} }));
        assert!(plan.decision.allowed, "{from} → {to}: {:?}", plan.decision);
        assert_eq!(plan.to.as_str(), to);
    }
}

#[test]
fn environment_names_are_read_case_insensitively_and_written_lowercase() {
    let plan = plan_sync(&rules(), json!({ "actor": dana(), "from": "DEV", "to": "Test", "source": {} }));
    assert!(plan.decision.allowed);
    let answer = answer(&plan);
    assert_eq!((answer["from"].as_str(), answer["to"].as_str()), (Some("dev"), Some("test")));
    assert_eq!((answer["audit"]["from"].as_str(), answer["audit"]["to"].as_str()), (Some("dev"), Some("test")));
}

#[test]
fn a_short_chain_syncs_dev_straight_to_staging() {
    let rules = rules_with(json!({
        "environments": ["dev", "staging", "production"],
        "roles": { "developer": { "dev": ["sync"] }, "devops": { "staging": ["sync"] } }
    }));
    assert_eq!(rules.environment_names(), vec!["dev", "staging", "production"]);
    assert_eq!(api::next_environment(&rules, "dev").unwrap().map(|e| e.as_str()), Some("staging"));
    assert_eq!(api::next_environment(&rules, "PRODUCTION").unwrap(), None);
    let plan = plan_sync(&rules, json!({ "actor": dana(), "from": "dev", "to": "staging", "source": sample("dev") }));
    assert!(plan.decision.allowed, "{:?}", plan.decision);
    let plan =
        plan_sync(&rules, json!({ "actor": omar(), "from": "staging", "to": "production", "source": {}, "base": {} }));
    assert!(plan.decision.allowed, "{:?}", plan.decision);
    // test is outside the chain: bad input, not a violation.
    let (code, path) =
        bad(rules.plan_sync_value(json!({ "actor": dana(), "from": "dev", "to": "test", "source": {} })));
    assert_eq!((code, path.as_str()), (ErrorCode::InvalidInput, "/to"));
    let (code, path) = bad(api::next_environment(&rules, "uat"));
    assert_eq!((code, path.as_str()), (ErrorCode::InvalidInput, ""));
}

#[test]
fn the_payload_always_has_the_six_promoted_keys() {
    let plan = plan_sync(
        &rules(),
        json!({ "actor": dana(), "from": "dev", "to": "test", "source": { "agents": [{ "id": "a" }], "conversations": [{}], "junk": 1 } }),
    );
    let payload = plan.payload.as_object().unwrap();
    let keys: Vec<&str> = payload.keys().map(String::as_str).collect();
    let mut expected = PROMOTED.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(plan.payload["workflows"], json!([]));
    assert_eq!(plan.payload["variables"], json!([]));
    assert_eq!(plan.payload["agents"], json!([{ "id": "a" }]));
}

#[test]
fn local_and_unknown_kinds_stay_behind_and_are_counted() {
    let plan = dev_to_test();
    let expected: Vec<(String, Value)> = [
        ("analytics", 1),
        ("conversations", 2),
        ("evaluators", 3),
        ("experiments", 2),
        ("guardrails", 3),
        ("issues", 2),
        ("secrets", 4),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_owned(), json!(n)))
    .collect();
    assert_eq!(plan.excluded.into_iter().collect::<Vec<_>>(), expected);
    for kind in LOCAL.iter().chain(&["experiments"]) {
        assert!(plan.payload.get(*kind).is_none(), "{kind} travelled");
    }
}

#[test]
fn the_target_keeps_its_local_kinds_out_of_the_change_set() {
    let plan = dev_to_test();
    assert!(plan.changes.local.is_empty());
    assert!(plan.changes.patch.iter().all(|op| PROMOTED.iter().any(|kind| op.path().starts_with(&format!("/{kind}")))));
}

#[test]
fn sync_keeps_target_variable_defaults() {
    let plan = dev_to_test();
    let payload = &plan.payload;
    assert_eq!(item(payload, "variables", "CRM_URL")["defaultValue"], "https://crm.test.northwind.example/api/v2");
    assert_eq!(item(payload, "variables", "REFUND_AUTO_APPROVE_LIMIT")["defaultValue"], 50);
    assert_eq!(item(payload, "variables", "SURVEY_ENABLED")["defaultValue"], true);
    assert_eq!(item(payload, "variables", "BUSINESS_HOURS")["defaultValue"]["weekdays"], "07:00-22:00");
    // The structure comes from the source: CRM_URL is now also used by the new workflow.
    assert_eq!(
        item(payload, "variables", "CRM_URL")["usage"],
        json!(["wf-triage-routing", "wf-billing-dispute", "wf-payment-arrangement"])
    );
}

#[test]
fn sync_keeps_the_absence_of_a_target_default() {
    let plan = plan_sync(
        &rules(),
        json!({
            "actor": dana(), "from": "dev", "to": "test",
            "source": { "variables": [{ "name": "QUEUE", "type": "string", "defaultValue": "dev-queue", "description": "new" }] },
            "target": { "variables": [{ "name": "QUEUE", "type": "string" }] }
        }),
    );
    assert!(plan.decision.allowed);
    assert_eq!(plan.payload["variables"], json!([{ "name": "QUEUE", "type": "string", "description": "new" }]));
    let variables = &plan.changes.kinds["variables"];
    assert_eq!(variables.defaults_kept.as_deref(), Some(&["QUEUE".to_owned()][..]));
    assert_eq!(variables.modified[0].fields, vec!["/description".to_owned()]);
}

#[test]
fn a_new_variable_takes_the_source_default() {
    let plan = dev_to_test();
    assert_eq!(item(&plan.payload, "variables", "ARRANGEMENT_QUEUE")["defaultValue"], "billing-arrangements-dev");
    assert!(!plan.changes.kinds["variables"].defaults_kept.as_ref().unwrap().contains(&"ARRANGEMENT_QUEUE".to_owned()));
}

#[test]
fn a_type_change_resets_the_target_default_and_warns() {
    let plan = dev_to_test();
    let max_turns = item(&plan.payload, "variables", "MAX_TURNS");
    assert_eq!((max_turns["type"].as_str(), max_turns["defaultValue"].as_i64()), (Some("number"), Some(20)));
    let warning = only(&plan.decision.warnings, "VARIABLE_DEFAULT_RESET");
    assert_eq!(warning.path.as_deref(), Some("/source/variables/1/type"));
    assert_eq!(plan.changes.kinds["variables"].defaults_reset, Some(vec!["MAX_TURNS".to_owned()]));
}

#[test]
fn variables_missing_from_the_source_are_removed() {
    let plan = plan_sync(
        &rules(),
        json!({
            "actor": dana(), "from": "dev", "to": "test",
            "source": { "variables": [{ "name": "KEEP", "type": "number", "defaultValue": 1 }] },
            "target": { "variables": [{ "name": "KEEP", "type": "number", "defaultValue": 2 }, { "name": "OLD", "type": "string", "defaultValue": "x" }] }
        }),
    );
    assert_eq!(plan.payload["variables"], json!([{ "name": "KEEP", "type": "number", "defaultValue": 2 }]));
    assert_eq!(plan.changes.kinds["variables"].removed, vec!["OLD".to_owned()]);
    assert_eq!(plan.changes.kinds["variables"].unchanged, 1);
    assert!(plan.manifest.get(promotion_rules::Kind::Variables, "OLD").is_none());
}

#[test]
fn defaults_kept_and_reset_are_empty_lists_when_nothing_merges() {
    let plan = plan_sync(&rules(), json!({ "actor": dana(), "from": "dev", "to": "test", "source": {} }));
    let variables = &answer(&plan.changes)["kinds"]["variables"];
    assert_eq!((&variables["defaultsKept"], &variables["defaultsReset"]), (&json!([]), &json!([])));
    assert!(answer(&plan.changes)["kinds"]["agents"].get("defaultsKept").is_none());
}

#[test]
fn a_default_that_does_not_fit_its_type_blocks_the_sync_where_it_comes_from() {
    let plan = plan_sync(
        &rules(),
        json!({
            "actor": dana(), "from": "dev", "to": "test",
            "source": { "variables": [
                { "name": "NEW_URL", "type": "url", "defaultValue": "crm.example/api" },
                { "name": "LIMIT", "type": "number", "defaultValue": 5 }
            ] },
            "target": { "variables": [{ "name": "LIMIT", "type": "number", "defaultValue": "five" }] }
        }),
    );
    assert!(!plan.decision.allowed);
    assert_eq!(
        violations(&plan.decision),
        vec![
            ("INVALID_VARIABLE_VALUE", "/source/variables/0/defaultValue".to_owned()),
            ("INVALID_VARIABLE_VALUE", "/target/variables/0/defaultValue".to_owned()),
        ]
    );
}

#[test]
fn added_modified_removed_and_unchanged_items_are_told_apart() {
    let plan = plan_sync(
        &rules(),
        json!({
            "actor": dana(), "from": "dev", "to": "test",
            "source": { "agents": [{ "id": "a", "tone": "calm", "behaviour": { "temperature": 0.2 } }, { "id": "b" }, { "id": "c" }] },
            "target": { "agents": [{ "id": "b" }, { "id": "a", "tone": "calm", "behaviour": { "temperature": 0.7 } }, { "id": "d" }] }
        }),
    );
    let agents = &plan.changes.kinds["agents"];
    assert_eq!(agents.added, vec!["c".to_owned()]);
    assert_eq!(agents.removed, vec!["d".to_owned()]);
    assert_eq!(agents.unchanged, 1);
    assert_eq!(
        (agents.modified[0].id.as_str(), agents.modified[0].fields.clone()),
        ("a", vec!["/behaviour/temperature".to_owned()])
    );
    let summary = plan.changes.summary;
    assert_eq!((summary.added, summary.modified, summary.removed, summary.unchanged), (1, 1, 1, 1));
    let mut target = json!({ "agents": [{ "id": "b" }, { "id": "a", "tone": "calm", "behaviour": { "temperature": 0.7 } }, { "id": "d" }],
        "workflows": [], "knowledgeBase": [], "integrations": [], "channels": [], "variables": [] });
    apply_patch(&mut target, &plan.changes.patch).unwrap();
    assert_eq!(target, plan.payload);
}

#[test]
fn the_plan_fingerprints_the_payload_the_source_the_target_and_the_policy() {
    let plan = dev_to_test();
    assert_eq!(plan.fingerprint, fingerprint(&plan.payload));
    assert_eq!(plan.audit.fingerprint, plan.fingerprint);
    let source = promotion_rules::workspace::filter_content(sample("dev"), &Limits::DEFAULT).unwrap().payload;
    let target = promotion_rules::workspace::filter_content(sample("test"), &Limits::DEFAULT).unwrap().payload;
    assert_eq!(plan.source_fingerprint, fingerprint(&source));
    assert_eq!(plan.target_fingerprint, fingerprint(&target));
    assert_ne!(plan.source_fingerprint, plan.fingerprint, "test's variable defaults are kept");
    assert_eq!(plan.policy_fingerprint, rules().policy().fingerprint());
    assert_eq!(plan.policy_fingerprint, fingerprint(&api::default_policy()));
}

#[test]
fn a_sync_without_target_starts_from_an_empty_target() {
    let plan = plan_sync(&rules(), json!({ "actor": dana(), "from": "dev", "to": "test", "source": sample("dev") }));
    let empty = json!({ "agents": [], "workflows": [], "knowledgeBase": [], "integrations": [], "channels": [], "variables": [] });
    assert_eq!(plan.target_fingerprint, fingerprint(&empty));
    assert_eq!(plan.changes.summary.added, 23);
    assert_eq!(plan.changes.summary.unchanged, 0);
    // Every new variable takes the source default.
    assert_eq!(item(&plan.payload, "variables", "CRM_URL")["defaultValue"], "https://crm.dev.northwind.example/api/v2");
    // dev's guardrails and evaluators are not in the (empty) target.
    assert!(codes(&plan.decision.warnings).contains(&"DANGLING_REFERENCE"));
    assert!(codes(&plan.decision.warnings).contains(&"MISSING_SECRET"));
}

#[test]
fn the_sync_audit_names_the_event_actor_environments_and_codes() {
    let plan = dev_to_test();
    let audit = answer(&plan.audit);
    assert_eq!(
        audit,
        json!({
            "event": "workspace.sync", "actor": "dana", "from": "dev", "to": "test", "allowed": true,
            "codes": ["UNKNOWN_CONTENT_KIND", "VARIABLE_DEFAULT_RESET", "MISSING_SECRET"],
            "fingerprint": plan.fingerprint
        })
    );
}

#[test]
fn the_sync_answer_has_the_fields_of_the_spec() {
    let value = answer(&dev_to_test());
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    for key in [
        "allowed",
        "audit",
        "changes",
        "excluded",
        "fingerprint",
        "manifest",
        "payload",
        "policyFingerprint",
        "sourceFingerprint",
        "targetFingerprint",
        "violations",
        "warnings",
    ] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    for key in ["summary", "kinds", "local", "patch"] {
        assert!(value["changes"].get(key).is_some(), "changes.{key}");
    }
    assert!(value["warnings"][0]["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn filter_content_splits_a_workspace_into_payload_excluded_and_warnings() {
    let filtered = promotion_rules::workspace::filter_content(sample("dev"), &Limits::DEFAULT).unwrap();
    assert_eq!(filtered.payload.as_object().unwrap().len(), 6);
    assert_eq!(filtered.excluded["analytics"], 1);
    assert_eq!(filtered.excluded["experiments"], 2);
    assert_eq!(filtered.excluded["secrets"], 4);
    assert_eq!(issues(&filtered.warnings), vec![("UNKNOWN_CONTENT_KIND", "/experiments".to_owned())]);
    let odd = promotion_rules::workspace::filter_content(
        json!({ "notes": "hello", "issues": { "open": 3 }, "evaluators": [] }),
        &Limits::DEFAULT,
    )
    .unwrap();
    let excluded: Vec<(&str, u64)> = odd.excluded.iter().map(|(k, n)| (k.as_str(), n.as_u64().unwrap())).collect();
    assert_eq!(excluded, vec![("evaluators", 0), ("issues", 1), ("notes", 1)]);
    assert_eq!(
        odd.payload,
        json!({ "agents": [], "workflows": [], "knowledgeBase": [], "integrations": [], "channels": [], "variables": [] })
    );
}

#[test]
fn an_unknown_kind_is_reported_even_when_it_looks_like_a_kind() {
    let plan = plan_sync(
        &rules(),
        json!({ "actor": dana(), "from": "dev", "to": "test", "source": { "Agents": [{ "id": "x" }], "knowledge_base": [] } }),
    );
    assert!(plan.decision.allowed);
    assert_eq!(
        warnings(&plan.decision),
        vec![
            ("UNKNOWN_CONTENT_KIND", "/source/Agents".to_owned()),
            ("UNKNOWN_CONTENT_KIND", "/source/knowledge_base".to_owned())
        ]
    );
    assert_eq!(plan.payload["agents"], json!([]));
    assert_eq!((&plan.excluded["Agents"], &plan.excluded["knowledge_base"]), (&json!(1), &json!(0)));
}

#[test]
fn self_promotion_is_refused_only_where_the_policy_separates_duties() {
    let mut policy = api::default_policy();
    policy["noSelfPromotion"] = json!(["UAT"]);
    let separated = rules_with(policy);
    let request =
        json!({ "actor": quinn(), "from": "test", "to": "uat", "source": sample("test"), "target": sample("uat") });
    let plan = plan_sync(&separated, request.clone());
    assert!(!plan.decision.allowed);
    let i = index_of(&sample("test"), "knowledgeBase", "kb-router-troubleshooting");
    assert_eq!(violations(&plan.decision), vec![("SELF_PROMOTION", format!("/source/knowledgeBase/{i}/updatedBy"))]);
    assert!(plan.decision.violations[0].message.contains("quinn"));
    // The default policy does not separate them.
    assert!(plan_sync(&rules(), request).decision.allowed);
}

#[test]
fn self_promotion_ignores_items_the_sync_leaves_unchanged() {
    let mut policy = api::default_policy();
    policy["noSelfPromotion"] = json!(["staging"]);
    let separated = rules_with(policy);
    let plan = plan_sync(
        &separated,
        json!({ "actor": bea(), "from": "uat", "to": "staging", "source": sample("uat"), "target": sample("staging") }),
    );
    let i = index_of(&sample("uat"), "knowledgeBase", "kb-retention-offers");
    // bea also last edited kb-billing-faq and kb-plans-and-pricing, which staging already holds unchanged.
    assert_eq!(violations(&plan.decision), vec![("SELF_PROMOTION", format!("/source/knowledgeBase/{i}/updatedBy"))]);
}

#[test]
fn no_base_manifest_is_a_warning_only_for_a_sync_into_production() {
    let into_production = plan_sync(
        &rules(),
        json!({ "actor": omar(), "from": "staging", "to": "production", "source": sample("staging"), "target": sample("production") }),
    );
    assert!(into_production.decision.allowed);
    assert_eq!(warnings(&into_production.decision), vec![("NO_BASE_MANIFEST", "/base".to_owned())]);
    let into_staging = plan_sync(
        &rules(),
        json!({ "actor": bea(), "from": "uat", "to": "staging", "source": sample("uat"), "target": sample("staging") }),
    );
    assert!(into_staging.decision.warnings.is_empty(), "{:?}", into_staging.decision.warnings);
    let with_base = plan_sync(
        &rules(),
        json!({ "actor": omar(), "from": "staging", "to": "production", "source": sample("staging"), "target": sample("production"),
                "base": into_production_manifest_of(&sample("production")) }),
    );
    assert!(with_base.decision.warnings.is_empty(), "{:?}", with_base.decision.warnings);
}

/// The manifest a sync would have answered for a workspace's promoted content.
fn into_production_manifest_of(workspace: &Value) -> Value {
    let plan = plan_sync(
        &rules(),
        json!({ "actor": omar(), "from": "staging", "to": "production", "source": workspace, "target": workspace }),
    );
    answer(&plan.manifest)
}

#[test]
fn a_sync_plan_is_deterministic() {
    let first = promotion_rules::write::to_json(&dev_to_test());
    let second = promotion_rules::write::to_json(&dev_to_test());
    assert_eq!(first, second);
}

#[test]
fn a_request_read_as_text_skipping_what_a_sync_only_counts_is_answered_the_same() {
    let rules = rules();
    for (from, to) in [("dev", "test"), ("test", "uat"), ("staging", "production")] {
        let request =
            json!({ "actor": owner_of(from), "from": from, "to": to, "source": sample(from), "target": sample(to) });
        let full = rules.plan_sync_value(request.clone()).unwrap();
        let skipping = promotion_rules::api::plan_sync(&rules, &request.to_string()).unwrap();
        assert_eq!(promotion_rules::write::to_json(&full), skipping, "{from} → {to}");
    }
}

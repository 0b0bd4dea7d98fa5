#![cfg(not(target_arch = "wasm32"))]
//! INLINE_SECRET: credential shapes and secret-named keys in promoted content, blocked or warned.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::api;
use promotion_rules::{json, Value};

const REDACTED: &str = "[redacted: inline secret]";

/// dev's `crm-api` integration with one extra member, synced dev → test under `policy`.
fn sync_crm_api_with(member: &str, value: Value, policy: Value) -> (promotion_rules::SyncPlan, usize) {
    let mut source = sample("dev");
    let i = index_of(&source, "integrations", "crm-api");
    source["integrations"][i][member] = value;
    let plan = plan_sync(
        &rules_with(policy),
        json!({ "actor": dana(), "from": "dev", "to": "test", "source": source, "target": sample("test") }),
    );
    (plan, i)
}

fn blocked(member: &str, value: &str) -> (promotion_rules::SyncPlan, usize) {
    sync_crm_api_with(member, json!(value), api::default_policy())
}

#[test]
fn every_credential_shape_is_an_inline_secret_under_any_key() {
    let shapes = [
        ("openai", "key sk-proj0123456789abcdefghijKLMN"),
        ("aws", "AKIAIOSFODNN7EXAMPLE"),
        ("github", "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"),
        ("slack", "xoxb-1234567890-abcdefghij"),
        ("jwt", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ];
    for (member, value) in shapes {
        let (plan, i) = blocked(member, value);
        assert!(!plan.decision.allowed, "{member}");
        assert_eq!(
            violations(&plan.decision),
            vec![("INLINE_SECRET", format!("/source/integrations/{i}/{member}"))],
            "{member}"
        );
        assert_eq!(plan.payload["integrations"][i][member], REDACTED, "{member}");
        assert!(!promotion_rules::write::to_json(&plan).contains(value), "{member} leaked into the answer");
    }
}

#[test]
fn a_non_empty_string_under_a_secret_named_key_is_an_inline_secret() {
    for key in [
        "password",
        "db_password",
        "DB-PASSWORD",
        "x-api-key",
        "apiKey",
        "Authorization",
        "client_secret",
        "privateKey",
        "accessToken",
        "secret",
    ] {
        let (plan, i) = blocked(key, "hunter2");
        assert_eq!(
            violations(&plan.decision),
            vec![("INLINE_SECRET", format!("/source/integrations/{i}/{key}"))],
            "{key}"
        );
        assert_eq!(plan.payload["integrations"][i][key], REDACTED, "{key}");
    }
}

#[test]
fn a_secret_named_key_taints_the_strings_nested_under_it() {
    let (plan, i) = sync_crm_api_with("clientSecret", json!({ "value": "abc", "rotation": 30 }), api::default_policy());
    assert_eq!(
        violations(&plan.decision),
        vec![("INLINE_SECRET", format!("/source/integrations/{i}/clientSecret/value"))]
    );
    assert_eq!(plan.payload["integrations"][i]["clientSecret"], json!({ "value": REDACTED, "rotation": 30 }));
}

#[test]
fn a_secret_reference_empty_strings_and_look_alike_keys_are_fine() {
    for (key, value) in [
        ("authorization", "Bearer {{secrets.CRM_API_KEY}}"),
        ("password", "{{ secrets.CRM_PASSWORD }}"),
        ("password", ""),
        ("tokenizer", "whitespace"),
        ("secretName", "CRM_API_KEY"),
        ("passwordPolicy", "min 12 characters"),
        ("note", "ask-0123456789abcdefghijklmnop is a product code"),
    ] {
        let (plan, i) = blocked(key, value);
        assert!(plan.decision.violations.is_empty(), "{key}: {value}: {:?}", plan.decision.violations);
        assert_eq!(plan.payload["integrations"][i][key], value);
    }
}

#[test]
fn a_reference_does_not_launder_a_real_key() {
    let (plan, i) = blocked("authorization", "{{secrets.CRM}} sk-live0123456789abcdefghijk");
    assert_eq!(violations(&plan.decision), vec![("INLINE_SECRET", format!("/source/integrations/{i}/authorization"))]);
}

#[test]
fn a_token_inside_an_array_of_an_agent_is_found_with_its_pointer() {
    let mut source = sample("dev");
    let i = index_of(&source, "agents", "billing-agent");
    source["agents"][i]["examples"] = json!(["hello", "use key=sk-abcdefghijklmnopqrstuvwx please"]);
    let plan = plan_sync(&rules(), json!({ "actor": dana(), "from": "dev", "to": "test", "source": source }));
    assert_eq!(paths_of(&plan.decision.violations, "INLINE_SECRET"), vec![format!("/source/agents/{i}/examples/1")]);
    assert_eq!(plan.payload["agents"][i]["examples"], json!(["hello", REDACTED]));
}

#[test]
fn under_warn_an_inline_secret_is_a_warning_and_the_value_travels() {
    let mut policy = api::default_policy();
    policy["inlineSecrets"] = json!("warn");
    let (plan, i) = sync_crm_api_with("apiKey", json!("AKIAIOSFODNN7EXAMPLE"), policy);
    assert!(plan.decision.allowed);
    assert!(plan.decision.violations.is_empty());
    assert_eq!(paths_of(&plan.decision.warnings, "INLINE_SECRET"), vec![format!("/source/integrations/{i}/apiKey")]);
    assert_eq!(plan.payload["integrations"][i]["apiKey"], "AKIAIOSFODNN7EXAMPLE");
    assert!(plan.audit.codes.iter().any(|code| code.as_str() == "INLINE_SECRET"));
}

#[test]
fn a_secret_in_a_kept_target_default_points_into_the_target_and_is_redacted() {
    let mut target = sample("test");
    let j = index_of(&target, "variables", "BUSINESS_HOURS");
    target["variables"][j]["defaultValue"]["webhookToken"] = json!("plain-token-value");
    let plan = plan_sync(
        &rules(),
        json!({ "actor": dana(), "from": "dev", "to": "test", "source": sample("dev"), "target": target }),
    );
    assert_eq!(
        violations(&plan.decision),
        vec![("INLINE_SECRET", format!("/target/variables/{j}/defaultValue/webhookToken"))]
    );
    assert_eq!(item(&plan.payload, "variables", "BUSINESS_HOURS")["defaultValue"]["webhookToken"], REDACTED);
}

#[test]
fn a_secret_in_a_new_variable_default_points_into_the_source() {
    let mut source = sample("dev");
    let i = index_of(&source, "variables", "ARRANGEMENT_QUEUE");
    source["variables"][i]["defaultValue"] = json!("xoxp-0123456789-abcdef");
    let plan = plan_sync(
        &rules(),
        json!({ "actor": dana(), "from": "dev", "to": "test", "source": source, "target": sample("test") }),
    );
    assert_eq!(violations(&plan.decision), vec![("INLINE_SECRET", format!("/source/variables/{i}/defaultValue"))]);
}

#[test]
fn local_kinds_are_never_scanned_because_they_never_travel() {
    let mut source = sample("dev");
    source["conversations"] =
        json!([{ "id": "c1", "text": "my password is hunter2", "apiKey": "AKIAIOSFODNN7EXAMPLE" }]);
    source["secrets"] = json!([{ "name": "CRM_API_KEY", "value": "sk-abcdefghijklmnopqrstuvwxyz" }]);
    let plan = plan_sync(
        &rules(),
        json!({ "actor": dana(), "from": "dev", "to": "test", "source": source, "target": sample("test") }),
    );
    assert!(plan.decision.allowed);
    assert!(!codes(&plan.decision.warnings).contains(&"INLINE_SECRET"));
    let text = promotion_rules::write::to_json(&plan);
    assert!(
        !text.contains("hunter2")
            && !text.contains("sk-abcdefghijklmnopqrstuvwxyz")
            && !text.contains("AKIAIOSFODNN7EXAMPLE")
    );
}

#[test]
fn the_samples_hold_no_inline_secret() {
    for pair in CHAIN.windows(2) {
        let plan = plan_sync(
            &rules(),
            json!({ "actor": owner_of(pair[0]), "from": pair[0], "to": pair[1], "source": sample(pair[0]), "target": sample(pair[1]) }),
        );
        assert!(!codes(&plan.decision.violations).contains(&"INLINE_SECRET"), "{pair:?}");
        assert!(!codes(&plan.decision.warnings).contains(&"INLINE_SECRET"), "{pair:?}");
    }
}

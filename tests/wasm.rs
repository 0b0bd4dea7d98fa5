//! The WebAssembly layer, run by `wasm-pack test --node` and, with `WASM_BINDGEN_USE_BROWSER=1`,
//! in headless Chromium: the exports answer plain JS values and throw structured errors.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use js_sys::{Array, Reflect, JSON};
use promotion_rules::wasm::{
    default_policy, diff_workspaces, filter_content, fingerprint, verify_audit_chain, PromotionRules,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

const DEV: &str = include_str!("fixtures/samples/dev.json");
const TEST: &str = include_str!("fixtures/samples/test.json");

fn js(text: &str) -> JsValue {
    JSON::parse(text).unwrap()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

fn text(value: &JsValue) -> String {
    JSON::stringify(value).unwrap().as_string().unwrap()
}

fn sync_request(actor_roles: &str, to: &str) -> String {
    format!(
        r#"{{"actor":{{"id":"dana","roles":{actor_roles}}},"from":"dev","to":"{to}","source":{DEV},"target":{TEST}}}"#
    )
}

#[wasm_bindgen_test]
fn the_default_policy_is_a_plain_object_with_the_five_environments() {
    let policy = default_policy().unwrap();
    assert_eq!(text(&get(&policy, "environments")), r#"["dev","test","uat","staging","production"]"#);
    assert_eq!(text(&get(&get(&get(&policy, "roles"), "admin"), "production")), r#"["publish","hotfix","rollback"]"#);
}

#[wasm_bindgen_test]
fn fingerprints_match_the_native_rfc_8785_hash() {
    assert_eq!(
        fingerprint(js("{}")).unwrap(),
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    );
    assert_eq!(
        fingerprint(js(r#"{"b":1,"a":[1e-7,0.1]}"#)).unwrap(),
        fingerprint(js(r#"{"a":[1e-7,0.1],"b":1}"#)).unwrap()
    );
    // A string argument of fingerprint is a JSON string value, not JSON text.
    assert_ne!(fingerprint(JsValue::from_str("{}")).unwrap(), fingerprint(js("{}")).unwrap());
}

#[wasm_bindgen_test]
fn object_and_json_string_arguments_give_the_same_answer() {
    let from_string = filter_content(JsValue::from_str(DEV)).unwrap();
    let from_object = filter_content(js(DEV)).unwrap();
    assert_eq!(text(&from_string), text(&from_object));
    assert_eq!(get(&get(&from_object, "excluded"), "experiments").as_f64(), Some(2.0));
}

#[wasm_bindgen_test]
fn a_sync_plan_is_allowed_for_the_developer_and_carries_the_payload() {
    let rules = PromotionRules::new(JsValue::UNDEFINED).unwrap();
    let plan = rules.plan_sync(JsValue::from_str(&sync_request(r#"["developer"]"#, "test"))).unwrap();
    assert_eq!(get(&plan, "allowed").as_bool(), Some(true));
    assert!(Array::is_array(&get(&get(&plan, "payload"), "agents")));
    assert!(get(&plan, "fingerprint").as_string().unwrap().starts_with("sha256:"));
}

#[wasm_bindgen_test]
fn a_denial_is_an_answer_not_an_exception() {
    let rules = PromotionRules::new(JsValue::UNDEFINED).unwrap();
    let plan = rules.plan_sync(js(&sync_request(r#"["qa"]"#, "uat"))).unwrap();
    assert_eq!(get(&plan, "allowed").as_bool(), Some(false));
    let codes = text(&get(&get(&plan, "audit"), "codes"));
    assert!(codes.contains("NOT_NEXT_ENVIRONMENT") && codes.contains("FORBIDDEN"), "{codes}");
}

#[wasm_bindgen_test]
fn bad_input_throws_a_promotion_rules_error_with_code_and_path() {
    let rules = PromotionRules::new(JsValue::UNDEFINED).unwrap();
    let error =
        rules.plan_sync(js(r#"{"actor":{"id":"a","roles":[]},"from":"dev","to":"prod","source":{}}"#)).unwrap_err();
    assert_eq!(get(&error, "name").as_string().as_deref(), Some("PromotionRulesError"));
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("INVALID_INPUT"));
    assert_eq!(get(&error, "path").as_string().as_deref(), Some("/to"));
    assert!(error.is_instance_of::<js_sys::Error>());
}

#[wasm_bindgen_test]
fn hostile_js_values_are_invalid_input_with_their_path() {
    let value = js(r#"{"agents":[{"id":"a","score":0}]}"#);
    let item = Reflect::get(&get(&value, "agents"), &JsValue::from_f64(0.0)).unwrap();
    Reflect::set(&item, &JsValue::from_str("score"), &JsValue::from_f64(f64::NAN)).unwrap();
    let error = filter_content(value).unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("INVALID_INPUT"));
    assert_eq!(get(&error, "path").as_string().as_deref(), Some("/agents/0/score"));
}

#[wasm_bindgen_test]
fn an_invalid_policy_is_refused_with_invalid_policy() {
    let error = PromotionRules::new(js(r#"{"roles":{"dev":{"dev":["fly"]}}}"#)).err().unwrap();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("INVALID_POLICY"));
    assert_eq!(get(&error, "path").as_string().as_deref(), Some("/roles/dev/dev/0"));
}

#[wasm_bindgen_test]
fn the_instance_keeps_answering_after_many_errors() {
    let rules = PromotionRules::new(JsValue::UNDEFINED).unwrap();
    for _ in 0..2_000 {
        assert!(rules.plan_sync(JsValue::from_str("{not json")).is_err());
        assert!(rules.authorize(js(r#"{"id":"x","roles":[]}"#), "sync".into(), "moon".into()).is_err());
    }
    let decision =
        rules.authorize(js(r#"{"id":"ada","roles":["admin"]}"#), "hotfix".into(), "PRODUCTION".into()).unwrap();
    assert_eq!(get(&decision, "allowed").as_bool(), Some(true));
    assert!(rules.next_environment("production".into()).unwrap().is_null());
    assert_eq!(rules.next_environment("uat".into()).unwrap().as_string().as_deref(), Some("staging"));
}

#[wasm_bindgen_test]
fn a_change_set_lists_changes_by_kind_with_a_patch() {
    let changes = diff_workspaces(js(TEST), js(DEV)).unwrap();
    assert!(get(&get(&changes, "summary"), "added").as_f64().unwrap() >= 1.0);
    assert!(Array::is_array(&get(&changes, "patch")));
    assert_eq!(text(&get(&get(&get(&changes, "kinds"), "variables"), "defaultsKept")), "[]");
}

#[wasm_bindgen_test]
fn a_selective_sync_a_rollback_and_their_audit_chain_answer_plain_objects() {
    let rules = PromotionRules::new(JsValue::UNDEFINED).unwrap();
    let selective = format!(
        r#"{{"actor":{{"id":"dana","roles":["developer"]}},"from":"dev","to":"test","source":{DEV},"target":{TEST},"select":["agents/billing-agent"]}}"#
    );
    let plan = rules.plan_sync(JsValue::from_str(&selective)).unwrap();
    assert_eq!(text(&get(&get(&plan, "selection"), "requested")), r#"["agents/billing-agent"]"#);
    let first = get(&plan, "audit");
    let previous = fingerprint(first.clone()).unwrap();
    let rollback = format!(
        r#"{{"actor":{{"id":"omar","roles":["devops"]}},"environment":"staging","workspace":{TEST},"version":{DEV},"previousAudit":"{previous}"}}"#
    );
    let rolled = rules.plan_rollback(JsValue::from_str(&rollback)).unwrap();
    assert_eq!(get(&rolled, "mode").as_string().as_deref(), Some("rollback"));
    let second = get(&rolled, "audit");
    assert_eq!(get(&second, "event").as_string().as_deref(), Some("workspace.rollback"));
    assert_eq!(get(&second, "previous").as_string(), Some(previous));
    let log = Array::of2(&first, &second);
    let verdict = verify_audit_chain(log.clone().into()).unwrap();
    assert_eq!(get(&verdict, "valid").as_bool(), Some(true));
    assert_eq!(get(&verdict, "head").as_string(), Some(fingerprint(second.clone()).unwrap()));
    Reflect::set(&first, &JsValue::from_str("actor"), &JsValue::from_str("mallory")).unwrap();
    let broken = verify_audit_chain(log.into()).unwrap();
    assert_eq!(get(&broken, "brokenAt").as_f64(), Some(1.0));
    let error = verify_audit_chain(JsValue::from_str("{}")).unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("INVALID_INPUT"));
}

#![cfg(not(target_arch = "wasm32"))]
//! Edit check: who may change what, where, and which values a variable default may take.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::diff::apply_patch;
use promotion_rules::{fingerprint, EditCheck};
use promotion_rules::{json, Value};

fn check(actor: Value, environment: &str, before: &Value, after: &Value) -> EditCheck {
    rules()
        .check_edit_value(json!({ "actor": actor, "environment": environment, "before": before, "after": after }))
        .unwrap()
}

fn check_hotfix(actor: Value, before: &Value, after: &Value, reason: &str) -> EditCheck {
    rules()
        .check_edit_value(json!({ "actor": actor, "environment": "production", "before": before, "after": after, "hotfix": { "reason": reason } }))
        .unwrap()
}

fn edited(env: &str, kind: &str, id: &str, member: &str, value: Value) -> (Value, Value, usize) {
    let before = sample(env);
    let mut after = before.clone();
    let i = index_of(&after, kind, id);
    after[kind][i][member] = value;
    (before, after, i)
}

#[test]
fn a_developer_edits_promoted_content_in_dev() {
    let (before, after, i) = edited("dev", "agents", "billing-agent", "tone", json!("warm"));
    let answer = check(dana(), "dev", &before, &after);
    assert!(answer.decision.allowed, "{:?}", answer.decision);
    assert!(answer.decision.warnings.is_empty() || codes(&answer.decision.warnings) == vec!["UNKNOWN_CONTENT_KIND"]);
    assert_eq!(answer.changes.kinds["agents"].modified[0].id, "billing-agent");
    assert_eq!(answer.changes.kinds["agents"].modified[0].fields, vec!["/tone".to_owned()]);
    assert_eq!(answer.changes.summary.modified, 1);
    assert_eq!(answer.audit.event, promotion_rules::AuditEvent::Edit);
    assert_eq!(i, 1);
}

#[test]
fn the_edit_audit_records_the_environment_and_the_edited_content() {
    let (before, after, _) = edited("dev", "agents", "billing-agent", "tone", json!("warm"));
    let answer = check(dana(), "dev", &before, &after);
    let audit = promotion_rules::json::parse(&promotion_rules::write::to_json(&answer.audit)).unwrap();
    assert_eq!(
        audit,
        json!({ "event": "workspace.edit", "actor": "dana", "environment": "dev", "allowed": true,
                "codes": ["UNKNOWN_CONTENT_KIND"], "fingerprint": fingerprint(&after) })
    );
}

#[test]
fn the_edit_change_set_patch_turns_before_into_after() {
    let (before, mut after, _) = edited("dev", "workflows", "wf-create-ticket", "steps", json!([]));
    after["knowledgeBase"].as_array_mut().unwrap().remove(0);
    after["conversations"].as_array_mut().unwrap().push(json!({ "id": "new" }));
    let answer = check(dana(), "dev", &before, &after);
    let mut document = before.clone();
    apply_patch(&mut document, &answer.changes.patch).unwrap();
    assert_eq!(document, after);
    assert_eq!(answer.changes.local, vec!["conversations"]);
    assert_eq!(answer.changes.kinds["knowledgeBase"].removed, vec!["kb-billing-faq".to_owned()]);
}

#[test]
fn a_qa_person_may_not_edit_content_in_dev() {
    let (before, after, i) = edited("dev", "agents", "billing-agent", "tone", json!("warm"));
    let answer = check(quinn(), "dev", &before, &after);
    assert!(!answer.decision.allowed);
    assert_eq!(violations(&answer.decision), vec![("FORBIDDEN", format!("/after/agents/{i}"))]);
    assert!(!answer.audit.allowed);
}

#[test]
fn promoted_content_is_read_only_outside_dev() {
    for (env, who) in [("test", quinn()), ("uat", bea()), ("staging", omar()), ("production", omar())] {
        let (before, after, i) = edited(env, "channels", "web-widget", "color", json!("#ff0000"));
        let answer = check(who, env, &before, &after);
        assert!(!answer.decision.allowed, "{env}");
        assert_eq!(
            violations(&answer.decision),
            vec![("READ_ONLY_ENVIRONMENT", format!("/after/channels/{i}"))],
            "{env}"
        );
    }
}

#[test]
fn an_added_or_removed_item_outside_dev_points_where_it_is() {
    let before = sample("test");
    let mut after = before.clone();
    let gone = index_of(&before, "knowledgeBase", "kb-legacy-dsl-plans");
    after["knowledgeBase"].as_array_mut().unwrap().remove(gone);
    after["workflows"].as_array_mut().unwrap().push(json!({ "id": "wf-new" }));
    let answer = check(quinn(), "test", &before, &after);
    assert_eq!(
        violations(&answer.decision),
        vec![
            ("READ_ONLY_ENVIRONMENT", "/after/workflows/3".to_owned()),
            ("READ_ONLY_ENVIRONMENT", format!("/before/knowledgeBase/{gone}")),
        ]
    );
}

#[test]
fn an_admin_may_hotfix_production_content_with_a_reason() {
    let (before, after, _) = edited("production", "agents", "billing-agent", "tone", json!("calm"));
    let answer = check_hotfix(ada(), &before, &after, "Customers complain the assistant sounds cold");
    assert!(answer.decision.allowed, "{:?}", answer.decision);
    assert!(answer.decision.violations.is_empty());
    let without = check(ada(), "production", &before, &after);
    assert_eq!(codes(&without.decision.violations), vec!["READ_ONLY_ENVIRONMENT"]);
    assert!(without.decision.violations[0].message.contains("hotfix"));
}

#[test]
fn a_devops_person_may_not_declare_a_hotfix() {
    let (before, after, _) = edited("production", "agents", "billing-agent", "tone", json!("calm"));
    let answer = check_hotfix(omar(), &before, &after, "urgent");
    assert!(!answer.decision.allowed);
    assert_eq!(violations(&answer.decision), vec![("FORBIDDEN", "/actor".to_owned())]);
    assert!(answer.decision.violations[0].message.contains("admin"));
}

#[test]
fn a_hotfix_exists_only_in_production() {
    let (before, after, i) = edited("staging", "agents", "billing-agent", "tone", json!("calm"));
    let answer = rules()
        .check_edit_value(json!({ "actor": omar(), "environment": "staging", "before": before, "after": after, "hotfix": { "reason": "x" } }))
        .unwrap();
    assert_eq!(
        violations(&answer.decision),
        vec![("READ_ONLY_ENVIRONMENT", "/hotfix".to_owned()), ("READ_ONLY_ENVIRONMENT", format!("/after/agents/{i}"))]
    );
}

#[test]
fn variable_structure_is_locked_outside_dev_even_for_a_hotfix() {
    let (before, after, i) = edited("test", "variables", "SURVEY_ENABLED", "usage", json!(["wf-triage-routing"]));
    let answer = check(quinn(), "test", &before, &after);
    assert_eq!(violations(&answer.decision), vec![("VARIABLE_STRUCTURE_LOCKED", format!("/after/variables/{i}"))]);
    let (before, after, i) = edited("production", "variables", "CRM_URL", "type", json!("string"));
    let answer = check_hotfix(ada(), &before, &after, "CRM moved");
    assert_eq!(violations(&answer.decision), vec![("VARIABLE_STRUCTURE_LOCKED", format!("/after/variables/{i}"))]);
    let mut added = sample("uat");
    added["variables"].as_array_mut().unwrap().push(json!({ "name": "NEW", "type": "string", "defaultValue": "x" }));
    let answer = check(bea(), "uat", &sample("uat"), &added);
    assert_eq!(violations(&answer.decision), vec![("VARIABLE_STRUCTURE_LOCKED", "/after/variables/5".to_owned())]);
}

#[test]
fn a_variable_structure_changes_in_dev_with_edit() {
    let (before, after, i) = edited("dev", "variables", "SURVEY_ENABLED", "description", json!("Ask for feedback"));
    assert!(check(dana(), "dev", &before, &after).decision.allowed);
    let answer = check(quinn(), "dev", &before, &after);
    assert_eq!(violations(&answer.decision), vec![("FORBIDDEN", format!("/after/variables/{i}"))]);
}

#[test]
fn each_owner_edits_variable_defaults_in_their_environment() {
    for (env, who, value) in [
        ("dev", dana(), json!(250)),
        ("test", quinn(), json!(75)),
        ("uat", bea(), json!(40)),
        ("staging", omar(), json!(25)),
        ("production", omar(), json!(20)),
    ] {
        let (before, after, _) = edited(env, "variables", "REFUND_AUTO_APPROVE_LIMIT", "defaultValue", value);
        let answer = check(who, env, &before, &after);
        assert!(answer.decision.allowed, "{env}: {:?}", answer.decision);
        assert_eq!(answer.changes.kinds["variables"].modified[0].fields, vec!["/defaultValue".to_owned()]);
    }
}

#[test]
fn editing_a_default_needs_edit_variable_default_in_that_environment() {
    let (before, after, i) = edited("uat", "variables", "REFUND_AUTO_APPROVE_LIMIT", "defaultValue", json!(35));
    let answer = check(quinn(), "uat", &before, &after);
    assert_eq!(violations(&answer.decision), vec![("FORBIDDEN", format!("/after/variables/{i}/defaultValue"))]);
    let (before, after, i) = edited("production", "variables", "SURVEY_ENABLED", "defaultValue", json!(false));
    let answer = check(ada(), "production", &before, &after);
    assert_eq!(violations(&answer.decision), vec![("FORBIDDEN", format!("/after/variables/{i}/defaultValue"))]);
}

#[test]
fn a_default_value_must_fit_its_type() {
    let cases = [
        ("ARRANGEMENT_QUEUE", json!(5)),
        ("ARRANGEMENT_QUEUE", json!(null)),
        ("REFUND_AUTO_APPROVE_LIMIT", json!("100")),
        ("SURVEY_ENABLED", json!("true")),
        ("SURVEY_ENABLED", json!(1)),
        ("CRM_URL", json!("crm.dev.northwind.example/api")),
        ("CRM_URL", json!("ftp://crm.dev.northwind.example")),
        ("CRM_URL", json!("https://")),
        ("CRM_URL", json!("https://crm dev.example")),
        ("CRM_URL", json!("//crm.dev.northwind.example")),
        ("CRM_URL", json!("javascript:alert(1)")),
        ("CRM_URL", json!({ "url": "https://crm.example" })),
    ];
    for (name, value) in cases {
        let (before, after, i) = edited("dev", "variables", name, "defaultValue", value.clone());
        let answer = check(dana(), "dev", &before, &after);
        assert_eq!(
            violations(&answer.decision),
            vec![("INVALID_VARIABLE_VALUE", format!("/after/variables/{i}/defaultValue"))],
            "{name} = {value}"
        );
    }
}

#[test]
fn values_that_fit_their_type_are_accepted() {
    let cases = [
        ("ARRANGEMENT_QUEUE", json!("")),
        ("REFUND_AUTO_APPROVE_LIMIT", json!(-2.5)),
        ("SURVEY_ENABLED", json!(true)),
        ("CRM_URL", json!("http://localhost:8080/api")),
        ("CRM_URL", json!("HTTPS://CRM.Northwind.example")),
        ("CRM_URL", json!("https://user@crm.example/api?q=1#top")),
        ("BUSINESS_HOURS", json!(null)),
        ("BUSINESS_HOURS", json!([1, "two", { "three": 3 }])),
        ("BUSINESS_HOURS", json!("24/7")),
    ];
    for (name, value) in cases {
        let (before, after, _) = edited("dev", "variables", name, "defaultValue", value.clone());
        let answer = check(dana(), "dev", &before, &after);
        assert!(answer.decision.allowed, "{name} = {value}: {:?}", answer.decision);
    }
}

#[test]
fn a_new_variable_in_dev_must_come_with_a_fitting_default() {
    let before = sample("dev");
    let mut after = before.clone();
    after["variables"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "name": "WEBHOOK", "type": "url", "defaultValue": "not a url" }));
    let answer = check(dana(), "dev", &before, &after);
    assert_eq!(
        violations(&answer.decision),
        vec![("INVALID_VARIABLE_VALUE", "/after/variables/6/defaultValue".to_owned())]
    );
    after["variables"][6]["defaultValue"] = json!("https://hooks.example/in");
    assert!(check(dana(), "dev", &before, &after).decision.allowed);
}

#[test]
fn a_type_change_in_dev_must_leave_a_fitting_default() {
    // MAX_TURNS keeps its default 20 but becomes a url: the default no longer fits.
    let (before, after, i) = edited("dev", "variables", "MAX_TURNS", "type", json!("url"));
    let answer = check(dana(), "dev", &before, &after);
    assert_eq!(
        violations(&answer.decision),
        vec![("INVALID_VARIABLE_VALUE", format!("/after/variables/{i}/defaultValue"))]
    );
    // To json, any default fits.
    let (before, after, _) = edited("dev", "variables", "MAX_TURNS", "type", json!("json"));
    assert!(check(dana(), "dev", &before, &after).decision.allowed);
}

#[test]
fn local_kinds_need_edit_local() {
    let before = sample("test");
    let mut after = before.clone();
    after["issues"][0]["status"] = json!("verified");
    let answer = check(quinn(), "test", &before, &after);
    assert!(answer.decision.allowed);
    assert_eq!(answer.changes.local, vec!["issues"]);
    let before = sample("uat");
    let mut after = before.clone();
    after["issues"][0]["status"] = json!("closed");
    after["guardrails"] = json!([]);
    let answer = check(bea(), "uat", &before, &after);
    assert_eq!(answer.changes.local, vec!["guardrails", "issues"]);
    assert_eq!(
        violations(&answer.decision),
        vec![("FORBIDDEN", "/after/guardrails".to_owned()), ("FORBIDDEN", "/after/issues".to_owned())]
    );
}

#[test]
fn devops_and_developers_keep_their_local_kinds() {
    for (env, who) in [("dev", dana()), ("staging", omar()), ("production", omar())] {
        let before = sample(env);
        let mut after = before.clone();
        after["secrets"].as_array_mut().unwrap().push(json!({ "name": "NEW_SECRET" }));
        let answer = check(who, env, &before, &after);
        assert!(answer.decision.allowed, "{env}: {:?}", answer.decision);
        assert_eq!(answer.changes.local, vec!["secrets"]);
    }
}

#[test]
fn an_unknown_kind_in_an_edit_is_reported_not_refused() {
    let before = sample("staging");
    let mut after = before.clone();
    after["notes"] = json!("remember the load test");
    let answer = check(omar(), "staging", &before, &after);
    assert!(answer.decision.allowed);
    assert_eq!(warnings(&answer.decision), vec![("UNKNOWN_CONTENT_KIND", "/after/notes".to_owned())]);
}

#[test]
fn an_edit_that_changes_nothing_is_allowed_for_anyone() {
    let workspace = sample("uat");
    let answer = check(json!({ "id": "visitor", "roles": [] }), "uat", &workspace, &workspace);
    assert!(answer.decision.allowed);
    assert!(answer.changes.patch.is_empty());
    assert_eq!(answer.changes.summary.unchanged, 4 + 3 + 6 + 2 + 2 + 5);
}

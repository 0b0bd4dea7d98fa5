#![cfg(not(target_arch = "wasm32"))]
//! Publish: go-live, declared hotfixes, undeclared ones, and who may do which.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::{fingerprint, PublishMode};
use promotion_rules::{json, Value};

/// Production right after omar synced staging into it, and the manifest of that sync.
fn synced_production() -> (Value, Value) {
    let plan = plan_sync(
        &rules(),
        json!({ "actor": omar(), "from": "staging", "to": "production", "source": sample("staging"), "target": sample("production") }),
    );
    assert!(plan.decision.allowed);
    (after_sync(&sample("production"), &plan.payload), answer(&plan.manifest))
}

fn publish(
    actor: Value,
    workspace: &Value,
    base: Option<&Value>,
    hotfix: Option<&str>,
) -> promotion_rules::PublishPlan {
    let mut request = json!({ "actor": actor, "workspace": workspace });
    if let Some(base) = base {
        request["base"] = base.clone();
    }
    if let Some(reason) = hotfix {
        request["hotfix"] = json!({ "reason": reason });
    }
    plan_publish(&rules(), request)
}

#[test]
fn publishing_what_was_synced_in_is_a_go_live() {
    let (production, base) = synced_production();
    for who in [ada(), omar()] {
        let plan = publish(who, &production, Some(&base), None);
        assert!(plan.decision.allowed, "{:?}", plan.decision);
        assert!(plan.decision.warnings.is_empty());
        assert_eq!(plan.mode, PublishMode::GoLive);
        assert!(plan.hotfixes.is_empty());
    }
}

#[test]
fn the_publish_answer_fingerprints_the_published_content() {
    let (production, base) = synced_production();
    let plan = publish(ada(), &production, Some(&base), None);
    let promoted =
        promotion_rules::workspace::filter_content(production, &promotion_rules::Limits::DEFAULT).unwrap().payload;
    assert_eq!(plan.fingerprint, fingerprint(&promoted));
    let answer = answer(&plan);
    assert_eq!(answer["mode"], "goLive");
    assert_eq!(
        answer["audit"],
        json!({ "event": "workspace.publish", "actor": "ada", "environment": "production", "allowed": true, "codes": [], "fingerprint": plan.fingerprint })
    );
    assert!(answer.get("changes").is_none(), "no live, no changes");
}

#[test]
fn only_publishers_may_publish() {
    let (production, base) = synced_production();
    for who in [dana(), quinn(), bea(), json!({ "id": "x", "roles": ["publisher"] })] {
        let plan = publish(who, &production, Some(&base), None);
        assert!(!plan.decision.allowed);
        assert_eq!(violations(&plan.decision), vec![("FORBIDDEN", "/actor".to_owned())]);
        assert!(
            plan.decision.violations[0].message.contains("admin, devops"),
            "{}",
            plan.decision.violations[0].message
        );
    }
}

#[test]
fn publishing_in_place_changes_without_a_declaration_is_an_undeclared_hotfix() {
    let (mut production, base) = synced_production();
    let i = index_of(&production, "agents", "tech-support-agent");
    production["agents"][i]["tone"] = json!("calm");
    production["workflows"].as_array_mut().unwrap().remove(0);
    let plan = publish(ada(), &production, Some(&base), None);
    assert!(!plan.decision.allowed);
    assert_eq!(
        violations(&plan.decision),
        vec![
            ("UNDECLARED_HOTFIX", format!("/workspace/agents/{i}")),
            ("UNDECLARED_HOTFIX", "/base/workflows/wf-triage-routing".to_owned()),
        ]
    );
    assert_eq!(plan.mode, PublishMode::GoLive);
}

#[test]
fn a_declared_hotfix_lists_every_item_that_differs() {
    let (mut production, base) = synced_production();
    let i = index_of(&production, "agents", "tech-support-agent");
    production["agents"][i]["tone"] = json!("calm");
    production["channels"].as_array_mut().unwrap().push(json!({ "id": "sms" }));
    let plan = publish(ada(), &production, Some(&base), Some("Router outage: calm every customer down"));
    assert!(plan.decision.allowed, "{:?}", plan.decision);
    assert_eq!(plan.mode, PublishMode::Hotfix);
    assert_eq!(
        answer(&plan.hotfixes),
        json!([
            { "kind": "agents", "id": "tech-support-agent", "fingerprint": fingerprint(&production["agents"][i]), "reason": "Router outage: calm every customer down" },
            { "kind": "channels", "id": "sms", "fingerprint": fingerprint(&json!({ "id": "sms" })), "reason": "Router outage: calm every customer down" }
        ])
    );
    assert_eq!(answer(&plan)["mode"], "hotfix");
}

#[test]
fn a_hotfix_that_deletes_an_item_has_no_fingerprint() {
    let (mut production, base) = synced_production();
    production["knowledgeBase"].as_array_mut().unwrap().retain(|doc| doc["id"] != "kb-legacy-dsl-plans");
    let plan = publish(ada(), &production, Some(&base), Some("the plans are retired today"));
    assert!(plan.decision.allowed);
    assert_eq!(
        answer(&plan.hotfixes),
        json!([{ "kind": "knowledgeBase", "id": "kb-legacy-dsl-plans", "fingerprint": null, "reason": "the plans are retired today" }])
    );
}

#[test]
fn only_an_admin_may_publish_a_hotfix() {
    let (mut production, base) = synced_production();
    item_mut(&mut production, "agents", "billing-agent")["tone"] = json!("calm");
    let plan = publish(omar(), &production, Some(&base), Some("urgent"));
    assert!(!plan.decision.allowed);
    assert_eq!(violations(&plan.decision), vec![("FORBIDDEN", "/actor".to_owned())]);
    assert!(plan.decision.violations[0].message.contains("hotfix"));
}

#[test]
fn a_hotfix_with_nothing_to_fix_is_a_go_live_with_a_warning() {
    let (production, base) = synced_production();
    let plan = publish(ada(), &production, Some(&base), Some("just in case"));
    assert!(plan.decision.allowed);
    assert_eq!(plan.mode, PublishMode::GoLive);
    assert_eq!(warnings(&plan.decision), vec![("NOTHING_TO_HOTFIX", "/hotfix".to_owned())]);
    assert!(plan.hotfixes.is_empty());
}

#[test]
fn a_hotfix_declared_where_nothing_differs_needs_only_the_publish_action() {
    let (production, base) = synced_production();
    let plan = publish(omar(), &production, Some(&base), Some("just in case"));
    assert!(plan.decision.allowed, "{:?}", plan.decision);
    assert_eq!(plan.mode, PublishMode::GoLive);
    assert_eq!(warnings(&plan.decision), vec![("NOTHING_TO_HOTFIX", "/hotfix".to_owned())]);
}

#[test]
fn without_a_base_a_publish_is_a_go_live_with_a_warning() {
    let plan = publish(ada(), &sample("production"), None, None);
    assert!(plan.decision.allowed);
    assert_eq!(plan.mode, PublishMode::GoLive);
    assert_eq!(warnings(&plan.decision), vec![("NO_BASE_MANIFEST", "/base".to_owned())]);
    assert_eq!(plan.audit.codes.iter().map(|c| c.as_str()).collect::<Vec<_>>(), vec!["NO_BASE_MANIFEST"]);
}

#[test]
fn a_variable_default_changed_in_production_is_no_hotfix() {
    let (mut production, base) = synced_production();
    item_mut(&mut production, "variables", "REFUND_AUTO_APPROVE_LIMIT")["defaultValue"] = json!(5);
    let plan = publish(omar(), &production, Some(&base), None);
    assert!(plan.decision.allowed, "{:?}", plan.decision);
    assert_eq!(plan.mode, PublishMode::GoLive);
}

#[test]
fn the_publish_change_set_goes_from_live_to_the_workspace() {
    let (production, base) = synced_production();
    let live = sample("production");
    let plan = plan_publish(&rules(), json!({ "actor": ada(), "workspace": production, "live": live, "base": base }));
    let changes = plan.changes.expect("live was given");
    assert_eq!(changes.kinds["knowledgeBase"].added, vec!["kb-esim-activation".to_owned()]);
    assert_eq!((changes.summary.added, changes.summary.modified, changes.summary.removed), (1, 0, 0));
    assert!(changes.local.is_empty(), "local kinds are not published");
}

#[test]
fn an_unknown_kind_in_production_is_reported_on_publish() {
    let (mut production, base) = synced_production();
    production["featureFlags"] = json!({ "beta": true });
    let plan = publish(ada(), &production, Some(&base), None);
    assert!(plan.decision.allowed);
    assert_eq!(warnings(&plan.decision), vec![("UNKNOWN_CONTENT_KIND", "/workspace/featureFlags".to_owned())]);
}

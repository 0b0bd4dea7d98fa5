#![cfg(not(target_arch = "wasm32"))]
//! Policies: the default table, deny by default, short chains, normalisation and invalid policies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::{api, fingerprint, Action, Actor, Environment, ErrorCode, Policy, PromotionRules};
use promotion_rules::{json, Value};

const ACTIONS: [&str; 7] = ["edit", "editVariableDefault", "editLocal", "sync", "publish", "hotfix", "rollback"];

fn spec_table() -> Value {
    json!({
        "environments": ["dev", "test", "uat", "staging", "production"],
        "roles": {
            "developer": { "dev": ["edit", "editVariableDefault", "editLocal", "sync"] },
            "qa": { "test": ["editVariableDefault", "editLocal", "sync"] },
            "business": { "uat": ["editVariableDefault", "sync"] },
            "devops": {
                "staging": ["editVariableDefault", "editLocal", "sync", "rollback"],
                "production": ["editVariableDefault", "editLocal", "publish", "rollback"]
            },
            "admin": { "production": ["publish", "hotfix", "rollback"] }
        },
        "noSelfPromotion": [],
        "inlineSecrets": "block"
    })
}

fn policy_error(policy: Value) -> (ErrorCode, String) {
    bad(promotion_rules::PromotionRules::from_policy_value(policy))
}

#[test]
fn the_default_policy_is_the_table_of_the_spec() {
    assert_eq!(api::default_policy(), spec_table());
    assert_eq!(Policy::default_policy(), Policy::from_value(spec_table()).unwrap());
}

#[test]
fn the_default_policy_grants_exactly_what_the_table_says() {
    let rules = rules();
    let table = spec_table();
    for role in ["developer", "qa", "business", "devops", "admin"] {
        let actor = json!({ "id": role, "roles": [role] });
        for env in CHAIN {
            for action in ACTIONS {
                let granted = table["roles"][role][env].as_array().is_some_and(|a| a.contains(&json!(action)));
                let decision = rules.authorize_value(actor.clone(), action, env).unwrap();
                assert_eq!(decision.allowed, granted, "{role} {action} in {env}");
                if !granted {
                    assert_eq!(violations(&decision), vec![("FORBIDDEN", "/actor".to_owned())]);
                }
            }
        }
    }
}

#[test]
fn an_engine_without_a_policy_uses_the_default_one() {
    let explicit = promotion_rules::PromotionRules::from_policy_value(api::default_policy()).unwrap();
    let implicit = api::rules(None).unwrap();
    let null = promotion_rules::PromotionRules::from_policy_value(Value::Null).unwrap();
    let null_text = api::rules(Some("null")).unwrap();
    assert_eq!(null_text.policy().fingerprint(), null.policy().fingerprint());
    assert_eq!(implicit.policy().fingerprint(), explicit.policy().fingerprint());
    assert_eq!(null.policy().fingerprint(), PromotionRules::default().policy().fingerprint());
    assert_eq!(implicit.environment_names(), CHAIN.to_vec());
}

#[test]
fn deny_by_default_refuses_unknown_roles_and_actors_without_roles() {
    let rules = rules();
    for actor in [json!({ "id": "x", "roles": [] }), json!({ "id": "x", "roles": ["ADMIN", "root", ""] })] {
        for env in CHAIN {
            for action in ACTIONS {
                assert!(!rules.authorize_value(actor.clone(), action, env).unwrap().allowed, "{actor} {action} {env}");
            }
        }
    }
}

#[test]
fn a_refusal_names_the_roles_that_would_grant_the_action() {
    let decision =
        rules().authorize(&Actor::new("dana", ["developer"]), Action::Publish, Environment::Production).unwrap();
    let message = &decision.violations[0].message;
    assert!(message.contains("dana") && message.contains("admin, devops"), "{message}");
    let decision =
        rules().authorize(&Actor::new("dana", ["developer"]), Action::Sync, Environment::Production).unwrap();
    assert!(decision.violations[0].message.contains("no role of the policy"), "{}", decision.violations[0].message);
}

#[test]
fn an_actor_holds_the_union_of_the_grants_of_its_roles() {
    let rules = rules();
    let actor = json!({ "id": "pat", "roles": ["qa", "admin", "unknown"] });
    assert!(rules.authorize_value(actor.clone(), "sync", "test").unwrap().allowed);
    assert!(rules.authorize_value(actor.clone(), "hotfix", "production").unwrap().allowed);
    assert!(!rules.authorize_value(actor.clone(), "sync", "uat").unwrap().allowed);
    assert!(!rules.authorize_value(actor, "editLocal", "production").unwrap().allowed);
}

#[test]
fn authorize_reads_environments_case_insensitively_but_actions_exactly() {
    let rules = rules();
    assert!(rules.authorize_value(dana(), "edit", "DEV").unwrap().allowed);
    assert_eq!(bad(rules.authorize_value(dana(), "EDIT", "dev")), (ErrorCode::InvalidInput, "/action".to_owned()));
    assert_eq!(
        bad(rules.authorize_value(dana(), "edit", "prod")),
        (ErrorCode::InvalidInput, "/environment".to_owned())
    );
    assert_eq!(
        bad(rules.authorize_value(json!({ "id": "dana" }), "edit", "dev")),
        (ErrorCode::InvalidInput, "/actor/roles".to_owned())
    );
}

#[test]
fn a_short_chain_drops_grants_and_separation_for_environments_it_leaves_out() {
    let policy = json!({
        "environments": ["DEV", "Staging", "production"],
        "roles": { "qa": { "test": ["sync"] }, "developer": { "dev": ["sync"] } },
        "noSelfPromotion": ["uat", "staging"]
    });
    let normalised = answer(&Policy::from_value(policy).unwrap());
    assert_eq!(normalised["environments"], json!(["dev", "staging", "production"]));
    // qa's only grant is in test, which the chain leaves out: a role granting nothing is dropped.
    assert_eq!(normalised["roles"], json!({ "developer": { "dev": ["sync"] } }));
    assert_eq!(normalised["noSelfPromotion"], json!(["staging"]));
    let rules = PromotionRules::new(Policy::from_value(normalised).unwrap());
    assert_eq!(
        bad(rules.authorize_value(quinn(), "sync", "test")),
        (ErrorCode::InvalidInput, "/environment".to_owned())
    );
}

#[test]
fn two_spellings_of_one_policy_have_one_fingerprint() {
    let terse = json!({
        "roles": {
            "developer": { "dev": ["sync", "edit"] },
            "admin": { "PRODUCTION": ["hotfix", "publish", "hotfix"] }
        }
    });
    let verbose = json!({
        "environments": ["Dev", "TEST", "uat", "Staging", "production"],
        "roles": {
            "admin": { "production": ["publish", "hotfix"] },
            "developer": { "dev": ["edit", "sync", "edit"], "DEV": ["sync"] }
        },
        "noSelfPromotion": [],
        "inlineSecrets": "block"
    });
    let a = promotion_rules::PromotionRules::from_policy_value(terse).unwrap();
    let b = promotion_rules::PromotionRules::from_policy_value(verbose).unwrap();
    assert_eq!(a.policy().fingerprint(), b.policy().fingerprint());
    assert_eq!(a.policy().policy(), b.policy().policy());
    let plan_a = plan_sync(&a, json!({ "actor": dana(), "from": "dev", "to": "test", "source": {} }));
    let plan_b = plan_sync(&b, json!({ "actor": dana(), "from": "dev", "to": "test", "source": {} }));
    assert_eq!(plan_a.policy_fingerprint, plan_b.policy_fingerprint);
    assert_eq!(plan_a.policy_fingerprint, fingerprint(&answer(a.policy().policy())));
}

#[test]
fn policies_that_mean_different_things_have_different_fingerprints() {
    let base = spec_table();
    let mut warn = base.clone();
    warn["inlineSecrets"] = json!("warn");
    let mut separated = base.clone();
    separated["noSelfPromotion"] = json!(["uat"]);
    let mut more = base.clone();
    more["roles"]["qa"]["test"] = json!(["editVariableDefault", "editLocal", "sync", "edit"]);
    let prints: Vec<String> =
        [base, warn, separated, more].into_iter().map(|p| Policy::from_value(p).unwrap().fingerprint()).collect();
    for (i, a) in prints.iter().enumerate() {
        for b in &prints[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn a_broken_chain_is_an_invalid_policy() {
    let roles = json!({});
    for (environments, path) in [
        (json!(["dev", "test"]), "/environments/1"),
        (json!(["test", "production"]), "/environments/0"),
        (json!(["dev", "uat", "test", "production"]), "/environments/2"),
        (json!(["dev", "dev", "production"]), "/environments/1"),
        (json!([]), "/environments"),
        (json!(["dev", "qa", "production"]), "/environments/1"),
        (json!("dev,production"), "/environments"),
    ] {
        let (code, at) = policy_error(json!({ "environments": environments, "roles": roles }));
        assert_eq!((code, at.as_str()), (ErrorCode::InvalidPolicy, path), "{environments}");
    }
}

#[test]
fn unknown_actions_environments_and_fields_are_invalid_policies() {
    for (policy, path) in [
        (json!({ "roles": { "developer": { "dev": ["deploy"] } } }), "/roles/developer/dev/0"),
        (json!({ "roles": { "developer": { "dev": ["edit", "Sync"] } } }), "/roles/developer/dev/1"),
        (json!({ "roles": { "ops": { "prod": ["publish"] } } }), "/roles/ops/prod"),
        (json!({ "roles": { "ops": { "staging": "sync" } } }), "/roles/ops/staging"),
        (json!({ "roles": {}, "owners": {} }), "/owners"),
        (json!({ "roles": {}, "noSelfPromotion": ["qa"] }), "/noSelfPromotion/0"),
        (json!({ "roles": {}, "inlineSecrets": "allow" }), "/inlineSecrets"),
        (json!(["dev"]), ""),
    ] {
        let (code, at) = policy_error(policy.clone());
        assert_eq!((code, at.as_str()), (ErrorCode::InvalidPolicy, path), "{policy}");
    }
}

#[test]
fn a_policy_without_roles_is_valid_and_denies_everything() {
    let rules =
        promotion_rules::PromotionRules::from_policy_value(json!({ "environments": ["dev", "production"] })).unwrap();
    assert_eq!(rules.policy().policy().roles.len(), 0);
    let decision = rules.authorize_value(json!({ "id": "ada", "roles": ["admin"] }), "publish", "production").unwrap();
    assert!(!decision.allowed);
    let same = promotion_rules::PromotionRules::from_policy_value(
        json!({ "environments": ["dev", "production"], "roles": { "qa": {} } }),
    )
    .unwrap();
    assert_eq!(rules.policy().fingerprint(), same.policy().fingerprint());
}

#[test]
fn production_only_grants_for_environments_the_chain_leaves_out_are_ignored() {
    let policy = json!({ "environments": ["dev", "production"], "roles": { "ops": { "staging": ["publish"], "production": ["publish"] } } });
    let rules = promotion_rules::PromotionRules::from_policy_value(policy).unwrap();
    assert_eq!(answer(rules.policy().policy())["roles"], json!({ "ops": { "production": ["publish"] } }));
}

#[test]
fn publish_and_hotfix_may_be_granted_only_in_production() {
    for (env, action) in [("staging", "publish"), ("dev", "hotfix"), ("uat", "publish")] {
        let (code, at) = policy_error(json!({ "roles": { "ops": { env: ["sync", action] } } }));
        assert_eq!((code, at), (ErrorCode::InvalidPolicy, format!("/roles/ops/{env}/1")));
    }
    assert!(promotion_rules::PromotionRules::from_policy_value(
        json!({ "roles": { "ops": { "production": ["publish", "hotfix"] } } })
    )
    .is_ok());
}

#[test]
fn malformed_policy_text_is_an_invalid_policy() {
    let (code, path) = bad(PromotionRules::from_policy_json(r#"{"roles": {"a": {"dev": ["edit"]}, "a": {}}}"#));
    assert_eq!((code, path.as_str()), (ErrorCode::InvalidPolicy, "/roles/a"));
    let (code, _) = bad(PromotionRules::from_policy_json(r#"{"roles": "#));
    assert_eq!(code, ErrorCode::InvalidPolicy);
    assert!(PromotionRules::from_policy_json(r#"{"roles": {"developer": {"dev": ["edit"]}}}"#).is_ok());
}

#[test]
fn a_custom_policy_can_let_qa_edit_in_test_but_never_outside_the_rules() {
    // Even a grant of edit does not make promoted content editable outside dev.
    let mut policy = spec_table();
    policy["roles"]["qa"]["test"] = json!(["edit", "editVariableDefault", "editLocal", "sync"]);
    let rules = rules_with(policy);
    assert!(rules.authorize_value(quinn(), "edit", "test").unwrap().allowed);
    let before = sample("test");
    let mut after = before.clone();
    item_mut(&mut after, "agents", "billing-agent")["tone"] = json!("warm");
    let answer = rules
        .check_edit_value(json!({ "actor": quinn(), "environment": "test", "before": before, "after": after }))
        .unwrap();
    assert_eq!(codes(&answer.decision.violations), vec!["READ_ONLY_ENVIRONMENT"]);
}

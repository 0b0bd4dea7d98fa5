#![cfg(not(target_arch = "wasm32"))]
//! The seed's workflow end to end: Northwind's release 2 travels dev → test → uat → staging →
//! production with the people who own each environment, goes live, gets hot-fixed in production,
//! and the hotfix is protected until it is recreated in dev and promoted again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use common::*;
use promotion_rules::{fingerprint, PublishMode, SyncPlan};
use promotion_rules::{json, Value};

const HOTFIX_REASON: &str = "Outage in the north: Tech Support must reassure customers first";

/// The five environments as a back end would keep them: each workspace, and the manifest of the
/// last sync into it (its `base`).
struct Deployment {
    workspaces: BTreeMap<&'static str, Value>,
    bases: BTreeMap<&'static str, Value>,
}

impl Deployment {
    fn from_samples() -> Deployment {
        Deployment { workspaces: CHAIN.iter().map(|env| (*env, sample(env))).collect(), bases: BTreeMap::new() }
    }

    fn workspace(&self, env: &str) -> &Value {
        &self.workspaces[env]
    }

    fn workspace_mut(&mut self, env: &str) -> &mut Value {
        self.workspaces.get_mut(env).unwrap()
    }

    /// Plans a sync by the owner of `from`; when allowed, applies it the way a back end would:
    /// the payload replaces the target's promoted content, and the manifest becomes its base.
    fn sync(&mut self, from: &'static str, to: &'static str, acknowledge: Value) -> SyncPlan {
        let mut request = json!({
            "actor": owner_of(from), "from": from, "to": to,
            "source": self.workspaces[from], "target": self.workspaces[to], "acknowledge": acknowledge
        });
        if let Some(base) = self.bases.get(to) {
            request["base"] = base.clone();
        }
        let plan = plan_sync(&rules(), request);
        if plan.decision.allowed {
            let next = after_sync(&self.workspaces[to], &plan.payload);
            self.workspaces.insert(to, next);
            self.bases.insert(to, answer(&plan.manifest));
        }
        plan
    }

    /// Syncs every step of the chain in order, each by the owner of its source.
    fn promote_everywhere(&mut self) -> Vec<SyncPlan> {
        CHAIN.windows(2).map(|pair| self.sync(pair[0], pair[1], json!([]))).collect()
    }

    fn publish(&self, actor: Value, hotfix: Option<&str>) -> promotion_rules::PublishPlan {
        let mut request =
            json!({ "actor": actor, "workspace": self.workspaces["production"], "base": self.bases["production"] });
        if let Some(reason) = hotfix {
            request["hotfix"] = json!({ "reason": reason });
        }
        plan_publish(&rules(), request)
    }

    fn tech_support(&self, env: &str) -> &Value {
        item(self.workspace(env), "agents", "tech-support-agent")
    }
}

/// Release 2 promoted along the whole chain and live in production.
fn release_two_live() -> Deployment {
    let mut deployment = Deployment::from_samples();
    for plan in deployment.promote_everywhere() {
        assert!(plan.decision.allowed, "{} → {}: {:?}", plan.from, plan.to, plan.decision.violations);
    }
    let go_live = deployment.publish(ada(), None);
    assert!(go_live.decision.allowed, "{:?}", go_live.decision);
    deployment
}

/// Release 2 live, then hot-fixed in production by ada: the Tech Support agent's tone changes.
fn hotfixed() -> Deployment {
    let mut deployment = release_two_live();
    let production = deployment.workspace_mut("production");
    item_mut(production, "agents", "tech-support-agent")["tone"] = json!("reassuring");
    let published = deployment.publish(ada(), Some(HOTFIX_REASON));
    assert_eq!(published.mode, PublishMode::Hotfix);
    deployment
}

/// dana makes a change to the Tech Support agent's tone in dev, checked as an edit.
fn edit_tone_in_dev(deployment: &mut Deployment, tone: &str) {
    let before = deployment.workspace("dev").clone();
    let mut after = before.clone();
    item_mut(&mut after, "agents", "tech-support-agent")["tone"] = json!(tone);
    let check = rules()
        .check_edit_value(json!({ "actor": dana(), "environment": "dev", "before": before, "after": after }))
        .unwrap();
    assert!(check.decision.allowed, "{:?}", check.decision);
    assert_eq!(check.changes.kinds["agents"].modified[0].fields, vec!["/tone".to_owned()]);
    deployment.workspaces.insert("dev", after);
}

#[test]
fn the_release_travels_from_dev_to_production_with_the_right_people() {
    let mut deployment = Deployment::from_samples();
    let plans = deployment.promote_everywhere();
    let seen: Vec<(&str, &str, &str, bool, Vec<&str>)> = plans
        .iter()
        .map(|plan| {
            (
                plan.from.as_str(),
                plan.to.as_str(),
                plan.audit.actor.as_str(),
                plan.decision.allowed,
                codes(&plan.decision.warnings),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("dev", "test", "dana", true, vec!["UNKNOWN_CONTENT_KIND", "VARIABLE_DEFAULT_RESET", "MISSING_SECRET"]),
            // MAX_TURNS is a number from now on, and each target still has the old string.
            ("test", "uat", "quinn", true, vec!["VARIABLE_DEFAULT_RESET"]),
            ("uat", "staging", "bea", true, vec!["VARIABLE_DEFAULT_RESET"]),
            ("staging", "production", "omar", true, vec!["VARIABLE_DEFAULT_RESET", "NO_BASE_MANIFEST"]),
        ]
    );
    // Each payload became the next target's promoted content: dev's agents are everywhere now.
    for env in CHAIN {
        assert_eq!(deployment.workspace(env)["agents"], sample("dev")["agents"], "{env}");
        assert_eq!(deployment.workspace(env)["workflows"], sample("dev")["workflows"], "{env}");
        assert!(deployment.workspace(env).get("experiments").is_none() || env == "dev");
    }
    // Each plan's manifest is the base of its target.
    for plan in &plans {
        assert_eq!(deployment.bases[plan.to.as_str()], answer(&plan.manifest));
    }
}

#[test]
fn the_wrong_person_cannot_take_any_step_of_the_chain() {
    let deployment = Deployment::from_samples();
    for pair in CHAIN.windows(2) {
        for person in [dana(), quinn(), bea(), omar(), ada()] {
            let plan = plan_sync(
                &rules(),
                json!({ "actor": person, "from": pair[0], "to": pair[1], "source": deployment.workspace(pair[0]), "target": deployment.workspace(pair[1]) }),
            );
            let owner = person == owner_of(pair[0]);
            assert_eq!(plan.decision.allowed, owner, "{person} {pair:?}");
            assert_eq!(codes(&plan.decision.violations).contains(&"FORBIDDEN"), !owner);
        }
    }
}

#[test]
fn every_environment_keeps_its_own_defaults_and_local_kinds_along_the_chain() {
    let deployment = release_two_live();
    for env in CHAIN {
        let workspace = deployment.workspace(env);
        let original = sample(env);
        let crm = item(workspace, "variables", "CRM_URL")["defaultValue"].clone();
        assert_eq!(crm, item(&original, "variables", "CRM_URL")["defaultValue"], "{env}");
        // MAX_TURNS changed type, so everyone now has dev's number.
        assert_eq!(item(workspace, "variables", "MAX_TURNS")["defaultValue"], 20, "{env}");
        for kind in LOCAL {
            assert_eq!(workspace[kind], original[kind], "{env} {kind}");
        }
    }
    // The new variable arrived with dev's default everywhere it did not exist.
    assert_eq!(
        item(deployment.workspace("production"), "variables", "ARRANGEMENT_QUEUE")["defaultValue"],
        "billing-arrangements-dev"
    );
}

#[test]
fn ada_takes_the_release_live_with_the_manifest_of_the_last_sync() {
    let mut deployment = Deployment::from_samples();
    deployment.promote_everywhere();
    let request = json!({
        "actor": ada(), "workspace": deployment.workspace("production"),
        "live": sample("production"), "base": deployment.bases["production"]
    });
    let go_live = plan_publish(&rules(), request);
    assert!(go_live.decision.allowed);
    assert!(go_live.decision.warnings.is_empty(), "{:?}", go_live.decision.warnings);
    assert_eq!(go_live.mode, PublishMode::GoLive);
    assert!(go_live.hotfixes.is_empty());
    let changes = go_live.changes.unwrap();
    assert_eq!(changes.kinds["agents"].added, vec!["retention-agent".to_owned()]);
    assert_eq!(changes.kinds["knowledgeBase"].removed, vec!["kb-legacy-dsl-plans".to_owned()]);
    assert_eq!(changes.kinds["workflows"].added, vec!["wf-payment-arrangement".to_owned()]);
    let live_payload = promotion_rules::workspace::filter_content(
        deployment.workspace("production").clone(),
        &promotion_rules::Limits::DEFAULT,
    )
    .unwrap()
    .payload;
    assert_eq!(go_live.fingerprint, fingerprint(&live_payload));
}

#[test]
fn a_production_hotfix_is_an_edit_only_an_admin_may_declare() {
    let deployment = release_two_live();
    let before = deployment.workspace("production").clone();
    let mut after = before.clone();
    item_mut(&mut after, "agents", "tech-support-agent")["tone"] = json!("reassuring");
    let edit = |actor: Value, hotfix: Option<&str>| {
        let mut request = json!({ "actor": actor, "environment": "production", "before": before, "after": after });
        if let Some(reason) = hotfix {
            request["hotfix"] = json!({ "reason": reason });
        }
        rules().check_edit_value(request).unwrap()
    };
    let i = index_of(&after, "agents", "tech-support-agent");
    assert_eq!(violations(&edit(ada(), None).decision), vec![("READ_ONLY_ENVIRONMENT", format!("/after/agents/{i}"))]);
    assert_eq!(violations(&edit(omar(), Some(HOTFIX_REASON)).decision), vec![("FORBIDDEN", "/actor".to_owned())]);
    let allowed = edit(ada(), Some(HOTFIX_REASON));
    assert!(allowed.decision.allowed, "{:?}", allowed.decision);
    assert_eq!(allowed.audit.environment.map(|e| e.as_str()), Some("production"));
}

#[test]
fn a_production_hotfix_is_published_by_declaration_and_listed() {
    let deployment = hotfixed();
    let i = index_of(deployment.workspace("production"), "agents", "tech-support-agent");
    let undeclared = deployment.publish(ada(), None);
    assert_eq!(violations(&undeclared.decision), vec![("UNDECLARED_HOTFIX", format!("/workspace/agents/{i}"))]);
    let declared = deployment.publish(ada(), Some(HOTFIX_REASON));
    assert!(declared.decision.allowed);
    assert_eq!(declared.mode, PublishMode::Hotfix);
    assert_eq!(
        answer(&declared.hotfixes),
        json!([{ "kind": "agents", "id": "tech-support-agent", "fingerprint": fingerprint(deployment.tech_support("production")), "reason": HOTFIX_REASON }])
    );
    assert_eq!(declared.audit.codes, vec![]);
}

#[test]
fn a_later_sync_that_does_not_recreate_the_hotfix_would_revert_it() {
    let mut deployment = hotfixed();
    let i = index_of(deployment.workspace("production"), "agents", "tech-support-agent");
    let plan = deployment.sync("staging", "production", json!([]));
    assert!(!plan.decision.allowed);
    assert_eq!(violations(&plan.decision), vec![("WOULD_REVERT_HOTFIX", format!("/target/agents/{i}"))]);
    assert!(plan.decision.violations[0].message.contains("agents/tech-support-agent"));
    // Refused, so production still has its hotfix.
    assert_eq!(deployment.tech_support("production")["tone"], "reassuring");
    // Accepting the revert is possible, on the record.
    let accepted = deployment.sync("staging", "production", json!(["agents/tech-support-agent"]));
    assert!(accepted.decision.allowed);
    assert_eq!(warnings(&accepted.decision), vec![("WOULD_REVERT_HOTFIX", format!("/target/agents/{i}"))]);
    assert_eq!(accepted.audit.codes.iter().map(|c| c.as_str()).collect::<Vec<_>>(), vec!["WOULD_REVERT_HOTFIX"]);
    assert_eq!(deployment.tech_support("production")["tone"], "patient");
}

#[test]
fn recreating_the_hotfix_in_dev_and_promoting_it_again_is_clean() {
    let mut deployment = hotfixed();
    edit_tone_in_dev(&mut deployment, "reassuring");
    let plans = deployment.promote_everywhere();
    for plan in &plans {
        assert!(plan.decision.allowed, "{} → {}: {:?}", plan.from, plan.to, plan.decision.violations);
        assert!(!codes(&plan.decision.warnings).contains(&"WOULD_REVERT_HOTFIX"));
        assert!(!codes(&plan.decision.warnings).contains(&"CONFLICT"));
    }
    let into_production = plans.last().unwrap();
    assert!(into_production.decision.warnings.is_empty(), "{:?}", into_production.decision.warnings);
    // Production already holds that very copy: the sync changes nothing there.
    assert!(into_production.changes.patch.is_empty());
    assert_eq!(into_production.changes.summary.modified, 0);
    // Every other environment got the change by the normal flow.
    let modified: Vec<Vec<String>> = plans[..3]
        .iter()
        .map(|plan| plan.changes.kinds["agents"].modified.iter().map(|m| m.id.clone()).collect())
        .collect();
    assert_eq!(modified, vec![vec!["tech-support-agent".to_owned()]; 3]);
    // And production goes live again without any hotfix left.
    let go_live = deployment.publish(ada(), None);
    assert!(go_live.decision.allowed);
    assert!(go_live.decision.warnings.is_empty());
    assert_eq!(go_live.mode, PublishMode::GoLive);
    let nothing = deployment.publish(ada(), Some(HOTFIX_REASON));
    assert_eq!(warnings(&nothing.decision), vec![("NOTHING_TO_HOTFIX", "/hotfix".to_owned())]);
}

#[test]
fn a_different_change_upstream_conflicts_with_the_hotfix() {
    let mut deployment = hotfixed();
    edit_tone_in_dev(&mut deployment, "cheerful");
    let plans: Vec<SyncPlan> = CHAIN[..4].windows(2).map(|pair| deployment.sync(pair[0], pair[1], json!([]))).collect();
    assert!(plans.iter().all(|plan| plan.decision.allowed));
    let i = index_of(deployment.workspace("production"), "agents", "tech-support-agent");
    let plan = deployment.sync("staging", "production", json!([]));
    assert!(!plan.decision.allowed);
    assert_eq!(violations(&plan.decision), vec![("CONFLICT", format!("/target/agents/{i}"))]);
    let resolved = deployment.sync("staging", "production", json!(["agents/tech-support-agent"]));
    assert!(resolved.decision.allowed);
    assert_eq!(warnings(&resolved.decision), vec![("CONFLICT", format!("/target/agents/{i}"))]);
    assert_eq!(deployment.tech_support("production")["tone"], "cheerful");
}

#[test]
fn the_hotfix_story_end_to_end() {
    // 1. Release 2 goes from dev to production, by dana, quinn, bea and omar, and ada takes it live.
    let mut deployment = Deployment::from_samples();
    let first_round = deployment.promote_everywhere();
    assert!(first_round.iter().all(|plan| plan.decision.allowed));
    let go_live = deployment.publish(ada(), None);
    assert_eq!((go_live.decision.allowed, go_live.mode), (true, PublishMode::GoLive));

    // 2. An outage: ada hot-fixes the Tech Support agent's tone in production and publishes it.
    item_mut(deployment.workspace_mut("production"), "agents", "tech-support-agent")["tone"] = json!("reassuring");
    let hotfix = deployment.publish(ada(), Some(HOTFIX_REASON));
    assert_eq!((hotfix.decision.allowed, hotfix.mode), (true, PublishMode::Hotfix));
    assert_eq!(hotfix.hotfixes.len(), 1);
    assert_eq!((hotfix.hotfixes[0].kind.as_str(), hotfix.hotfixes[0].id.as_str()), ("agents", "tech-support-agent"));

    // 3. A later staging → production sync would revert it: refused.
    let revert = deployment.sync("staging", "production", json!([]));
    assert_eq!(codes(&revert.decision.violations), vec!["WOULD_REVERT_HOTFIX"]);

    // 4. dana recreates the change in dev; it is promoted along the chain; the hotfix item is fine.
    edit_tone_in_dev(&mut deployment, "reassuring");
    let second_round = deployment.promote_everywhere();
    assert!(second_round.iter().all(|plan| plan.decision.allowed));
    assert!(second_round.iter().all(|plan| plan.decision.violations.is_empty()));
    for env in CHAIN {
        assert_eq!(deployment.tech_support(env)["tone"], "reassuring", "{env}");
    }
    let go_live = deployment.publish(ada(), None);
    assert_eq!((go_live.decision.allowed, go_live.mode), (true, PublishMode::GoLive));

    // 5. Later, a different change of the same agent upstream is promoted: production has not
    //    changed in place since, so it simply travels.
    edit_tone_in_dev(&mut deployment, "cheerful");
    let third_round = deployment.promote_everywhere();
    assert!(third_round.iter().all(|plan| plan.decision.allowed
        && plan
            .decision
            .warnings
            .iter()
            .all(|w| w.code.as_str() == "MISSING_SECRET" || w.code.as_str() == "UNKNOWN_CONTENT_KIND")));
    assert_eq!(deployment.tech_support("production")["tone"], "cheerful");
}

// ---- Rollback (SPEC §5) ----------------------------------------------------------------------
// User story: release 3 goes live and misbehaves; omar (devops) rolls production back to the
// release that was live before, sees what the rollback changes, and is warned when it would
// silently drop a hotfix that ada made since the last sync.

impl Deployment {
    /// Plans a rollback of production to `version`; when allowed, applies it as a back end would.
    fn rollback(&mut self, actor: Value, version: &Value, acknowledge: Value) -> promotion_rules::RollbackPlan {
        let request = json!({
            "actor": actor, "environment": "production", "workspace": self.workspaces["production"],
            "version": version, "base": self.bases["production"], "acknowledge": acknowledge
        });
        let plan = rules().plan_rollback_value(request).unwrap();
        if plan.decision.allowed {
            let next = after_sync(&self.workspaces["production"], &plan.payload);
            self.workspaces.insert("production", next);
            self.bases.insert("production", answer(&plan.manifest));
        }
        plan
    }
}

/// v1 published, then v2 (a new tone for the Tech Support agent) promoted and published: the
/// deployment and the v1 snapshot.
fn two_versions_published() -> (Deployment, Value) {
    let mut deployment = release_two_live();
    let v1 = deployment.workspace("production").clone();
    edit_tone_in_dev(&mut deployment, "cheerful");
    assert!(deployment.promote_everywhere().iter().all(|plan| plan.decision.allowed));
    let v2 = deployment.publish(ada(), None);
    assert_eq!((v2.decision.allowed, v2.mode), (true, PublishMode::GoLive));
    assert_eq!(deployment.tech_support("production")["tone"], "cheerful");
    (deployment, v1)
}

#[test]
fn rolling_back_to_the_previous_published_version_restores_it_with_a_preview() {
    let (mut deployment, v1) = two_versions_published();
    let plan = deployment.rollback(omar(), &v1, json!([]));
    assert!(plan.decision.allowed, "{:?}", plan.decision);
    assert!(plan.decision.warnings.is_empty(), "{:?}", plan.decision.warnings);
    assert_eq!(answer(&plan.mode), json!("rollback"));
    assert_eq!(plan.audit.event.as_str(), "workspace.rollback");
    assert_eq!(plan.audit.environment.map(|e| e.as_str()), Some("production"));
    // The preview: exactly the tone of the Tech Support agent goes back.
    let modified = &plan.changes.kinds["agents"].modified;
    assert_eq!(modified.len(), 1);
    assert_eq!((modified[0].id.as_str(), modified[0].fields.clone()), ("tech-support-agent", vec!["/tone".to_owned()]));
    assert_eq!(plan.changes.summary.added + plan.changes.summary.removed, 0);
    assert_eq!(deployment.tech_support("production")["tone"], "patient");
    // Production's own variable defaults stay; its local kinds are untouched.
    let production = deployment.workspace("production");
    for kind in LOCAL {
        assert_eq!(production.get(kind), v1.get(kind), "{kind}");
    }
    assert_eq!(plan.fingerprint, fingerprint(&plan.payload));
    // The manifest of a rollback is the next base: publishing it is a clean go-live.
    let go_live = deployment.publish(ada(), None);
    assert_eq!((go_live.decision.allowed, go_live.mode), (true, PublishMode::GoLive));
    assert!(go_live.decision.warnings.is_empty());
}

#[test]
fn a_rollback_keeps_the_environment_variable_defaults() {
    let (deployment, mut v1) = two_versions_published();
    let name = deployment.workspace("production")["variables"][0]["name"].as_str().unwrap().to_owned();
    v1["variables"][0]["defaultValue"] = json!("https://old.example/from-the-snapshot");
    let request = json!({ "actor": omar(), "environment": "production", "workspace": deployment.workspace("production"),
                          "version": v1, "base": deployment.bases["production"] });
    let plan = rules().plan_rollback_value(request).unwrap();
    let kept = &plan.payload["variables"][0];
    assert_eq!(kept["name"], json!(name));
    assert_eq!(kept.get("defaultValue"), deployment.workspace("production")["variables"][0].get("defaultValue"));
    assert!(plan.changes.kinds["variables"].defaults_kept.as_ref().unwrap().contains(&name));
}

#[test]
fn a_rollback_that_would_drop_a_hotfix_is_warned_and_allowed_once_acknowledged() {
    // publish v1, publish v2, hotfix in production, roll back to v1.
    let (mut deployment, v1) = two_versions_published();
    item_mut(deployment.workspace_mut("production"), "agents", "tech-support-agent")["tone"] = json!("reassuring");
    let hotfix = deployment.publish(ada(), Some(HOTFIX_REASON));
    assert_eq!((hotfix.decision.allowed, hotfix.mode), (true, PublishMode::Hotfix));
    let i = index_of(deployment.workspace("production"), "agents", "tech-support-agent");

    let warned = deployment.rollback(omar(), &v1, json!([]));
    assert!(!warned.decision.allowed);
    assert_eq!(violations(&warned.decision), vec![("WOULD_REVERT_HOTFIX", format!("/workspace/agents/{i}"))]);
    assert!(warned.decision.violations[0].message.contains("agents/tech-support-agent"));
    assert_eq!(deployment.tech_support("production")["tone"], "reassuring", "a refused rollback changes nothing");

    let acknowledged = deployment.rollback(omar(), &v1, json!(["agents/tech-support-agent"]));
    assert!(acknowledged.decision.allowed);
    assert_eq!(warnings(&acknowledged.decision), vec![("WOULD_REVERT_HOTFIX", format!("/workspace/agents/{i}"))]);
    assert_eq!(
        codes(&acknowledged.decision.warnings),
        acknowledged.audit.codes.iter().map(|c| c.as_str()).collect::<Vec<_>>()
    );
    assert_eq!(deployment.tech_support("production")["tone"], "patient");
}

#[test]
fn a_rollback_to_a_version_that_holds_the_hotfix_drops_nothing() {
    let (mut deployment, mut v1) = two_versions_published();
    item_mut(deployment.workspace_mut("production"), "agents", "tech-support-agent")["tone"] = json!("reassuring");
    item_mut(&mut v1, "agents", "tech-support-agent")["tone"] = json!("reassuring");
    let plan = deployment.rollback(omar(), &v1, json!([]));
    assert!(plan.decision.allowed && plan.decision.warnings.is_empty(), "{:?}", plan.decision);
}

#[test]
fn only_devops_and_admins_may_roll_back() {
    let (mut deployment, v1) = two_versions_published();
    for actor in [dana(), quinn(), bea()] {
        let plan = deployment.rollback(actor, &v1, json!([]));
        assert_eq!(violations(&plan.decision), vec![("FORBIDDEN", "/actor".to_owned())]);
    }
    assert!(deployment.rollback(ada(), &v1, json!([])).decision.allowed);
    let rules = rules();
    let omar = promotion_rules::Actor::new("omar", ["devops"]);
    for env in [promotion_rules::Environment::Staging, promotion_rules::Environment::Production] {
        assert!(rules.authorize(&omar, promotion_rules::Action::Rollback, env).unwrap().allowed);
    }
    assert!(rules.authorize_value(dana(), "rollback", "dev").map(|d| !d.allowed).unwrap());
}

#[test]
fn a_rollback_without_base_in_production_is_warned() {
    let (deployment, v1) = two_versions_published();
    let request = json!({ "actor": omar(), "environment": "production", "workspace": deployment.workspace("production"), "version": v1 });
    let plan = rules().plan_rollback_value(request).unwrap();
    assert!(plan.decision.allowed);
    assert_eq!(warnings(&plan.decision), vec![("NO_BASE_MANIFEST", "/base".to_owned())]);
}

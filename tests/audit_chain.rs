#![cfg(not(target_arch = "wasm32"))]
//! The audit chain (SPEC §6): every planning request takes `previousAudit` and answers it as
//! `audit.previous`; `verifyAuditChain` finds the first record whose link does not hold.
//!
//! User story: an auditor (ISO 27001, a regulator) receives the release log of a year and must be
//! able to tell, without trusting the server that kept it, that no record was edited, dropped,
//! reordered or slipped in afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::time::Instant;

use common::*;
use promotion_rules::{api, fingerprint, verify_audit_chain, ErrorCode};
use promotion_rules::{json, Value};

/// A chain of `n` records, each linked to the one before, as a host would store them.
fn chain(n: usize) -> Vec<Value> {
    let mut records: Vec<Value> = Vec::with_capacity(n);
    for i in 0..n {
        let mut record = json!({
            "event": "workspace.sync", "actor": format!("actor-{}", i % 7), "from": "dev", "to": "test",
            "allowed": i % 3 != 0, "codes": if i % 3 == 0 { json!(["FORBIDDEN"]) } else { json!([]) },
            "fingerprint": format!("sha256:{:064x}", i), "at": format!("2026-11-{:02}T10:00:00Z", 1 + i % 28)
        });
        if let Some(before) = records.last() {
            record["previous"] = json!(fingerprint(before));
        }
        records.push(record);
    }
    records
}

fn verify(records: &[Value]) -> promotion_rules::AuditChain {
    verify_audit_chain(&Value::Array(records.to_vec())).unwrap()
}

#[test]
fn a_chain_of_linked_records_is_valid_and_its_head_is_the_fingerprint_of_the_last_record() {
    let records = chain(20);
    let verdict = verify(&records);
    assert!(verdict.valid);
    assert_eq!(verdict.count, 20);
    assert_eq!(verdict.head, Some(fingerprint(&records[19])));
    assert_eq!(verdict.broken_at, None);
}

#[test]
fn an_empty_log_is_valid_with_no_head() {
    let verdict = verify(&[]);
    assert!(verdict.valid);
    assert_eq!((verdict.count, verdict.head.clone(), verdict.broken_at), (0, None, None));
    let written = promotion_rules::write::to_json(&verdict);
    assert_eq!(written, r#"{"valid":true,"count":0,"head":null}"#);
}

#[test]
fn a_changed_record_breaks_the_link_of_the_record_after_it() {
    let mut records = chain(10);
    records[4]["actor"] = json!("mallory");
    let verdict = verify(&records);
    assert!(!verdict.valid);
    assert_eq!(verdict.broken_at, Some(5));
    assert_eq!(verdict.head, Some(fingerprint(&records[9])));
    // A change of the last record is seen by nobody after it, but its fingerprint is the head:
    // a head kept elsewhere no longer matches.
    let mut last_changed = chain(10);
    let head = verify(&last_changed).head;
    last_changed[9]["allowed"] = json!(true);
    assert_ne!(verify(&last_changed).head, head);
}

#[test]
fn a_removed_record_breaks_the_link_where_it_was() {
    let mut records = chain(10);
    records.remove(3);
    assert_eq!(verify(&records).broken_at, Some(3));
    let mut first_removed = chain(10);
    first_removed.remove(0);
    // The new first record still points at the removed one: record 0 must start the chain.
    assert_eq!(verify(&first_removed).broken_at, Some(0));
}

#[test]
fn reordered_records_break_the_link_at_the_first_moved_one() {
    let mut records = chain(10);
    records.swap(6, 7);
    assert_eq!(verify(&records).broken_at, Some(6));
}

#[test]
fn an_inserted_record_breaks_the_link_at_itself_or_after_it() {
    let mut records = chain(10);
    let forged = json!({ "event": "workspace.publish", "actor": "mallory", "allowed": true, "codes": [],
                         "fingerprint": format!("sha256:{}", "f".repeat(64)) });
    records.insert(5, forged.clone());
    assert_eq!(verify(&records).broken_at, Some(5), "an unlinked record breaks at itself");
    // A forger who links the new record to the one before still breaks the record after it.
    let mut records = chain(10);
    let mut linked = forged;
    linked["previous"] = json!(fingerprint(&records[4]));
    records.insert(5, linked);
    assert_eq!(verify(&records).broken_at, Some(6));
}

#[test]
fn record_zero_must_carry_no_previous_so_a_log_cut_at_its_start_is_broken_at_zero() {
    let records = chain(10);
    assert_eq!(verify(&records[5..]).broken_at, Some(0));
    let mut null_previous = chain(3);
    null_previous[0]["previous"] = Value::Null;
    null_previous[1]["previous"] = json!(fingerprint(&null_previous[0]));
    null_previous[2]["previous"] = json!(fingerprint(&null_previous[1]));
    assert!(verify(&null_previous).valid, "previous: null counts as absent on record 0");
}

#[test]
fn a_previous_that_is_no_string_breaks_the_link() {
    let mut records = chain(4);
    records[2]["previous"] = json!(42);
    assert_eq!(verify(&records).broken_at, Some(2));
}

#[test]
fn records_that_are_not_an_array_of_objects_are_bad_input() {
    assert_eq!(bad(api::verify_audit_chain(r#"{ "records": [] }"#)), (ErrorCode::InvalidInput, "".into()));
    assert_eq!(bad(api::verify_audit_chain("[{}, 3]")), (ErrorCode::InvalidInput, "/1".into()));
}

#[test]
fn a_hundred_thousand_records_verify_in_linear_time() {
    fn best_of_three(records: &Value) -> f64 {
        (0..3)
            .map(|_| {
                let started = Instant::now();
                let verdict = verify_audit_chain(records).unwrap();
                assert!(verdict.valid);
                started.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    }
    let small = Value::Array(chain(10_000));
    let large = Value::Array(chain(100_000));
    let (t_small, t_large) = (best_of_three(&small), best_of_three(&large));
    let ratio = t_large / t_small;
    // Ten times the records: linear is about 10; quadratic would be about 100.
    assert!(ratio < 25.0, "100,000 records took {ratio:.1} times as long as 10,000 ({t_large:.3} s vs {t_small:.3} s)");
}

fn sync_request() -> Value {
    json!({ "actor": dana(), "from": "dev", "to": "test", "source": sample("dev"), "target": sample("test") })
}

#[test]
fn every_planning_request_writes_previous_audit_into_its_audit_record() {
    let rules = rules();
    let previous = format!("sha256:{}", "ab".repeat(32));
    let mut request = sync_request();
    request["previousAudit"] = json!(previous);
    assert_eq!(plan_sync(&rules, request).audit.previous.as_deref(), Some(previous.as_str()));
    let publish = json!({ "actor": ada(), "workspace": sample("production"), "previousAudit": previous });
    assert_eq!(plan_publish(&rules, publish).audit.previous.as_deref(), Some(previous.as_str()));
    let edit = json!({ "actor": dana(), "environment": "dev", "before": sample("dev"), "after": sample("dev"),
                       "previousAudit": previous });
    assert_eq!(rules.check_edit_value(edit).unwrap().audit.previous.as_deref(), Some(previous.as_str()));
}

#[test]
fn without_previous_audit_the_record_has_no_previous_member() {
    let plan = plan_sync(&rules(), sync_request());
    assert_eq!(plan.audit.previous, None);
    let written = promotion_rules::write::to_json(&plan.audit);
    assert!(!written.contains("previous"), "{written}");
}

#[test]
fn a_previous_audit_that_is_not_a_fingerprint_is_bad_input_at_its_path() {
    let rules = rules();
    for bad_value in [json!("sha256:abc"), json!(format!("sha256:{}", "A".repeat(64))), json!(7), json!(["x"])] {
        let mut request = sync_request();
        request["previousAudit"] = bad_value;
        assert_eq!(bad(rules.plan_sync_value(request)), (ErrorCode::InvalidInput, "/previousAudit".into()));
    }
    let publish = json!({ "actor": ada(), "workspace": {}, "previousAudit": "nope" });
    assert_eq!(bad(rules.plan_publish_value(publish)), (ErrorCode::InvalidInput, "/previousAudit".into()));
}

#[test]
fn the_audit_records_of_real_plans_chain_and_verify() {
    // The host's loop: plan, store the audit record, send its fingerprint with the next request.
    let rules = rules();
    let mut log: Vec<Value> = Vec::new();
    let mut previous: Option<String> = None;
    let with_previous = |mut request: Value, previous: &Option<String>| {
        if let Some(print) = previous {
            request["previousAudit"] = json!(print);
        }
        request
    };
    for (from, to) in [("dev", "test"), ("test", "uat"), ("uat", "staging")] {
        let request = json!({ "actor": owner_of(from), "from": from, "to": to,
                              "source": sample(from), "target": sample(to) });
        let plan = plan_sync(&rules, with_previous(request, &previous));
        let record = answer(&plan.audit);
        previous = Some(fingerprint(&record));
        log.push(record);
    }
    let publish =
        plan_publish(&rules, with_previous(json!({ "actor": ada(), "workspace": sample("production") }), &previous));
    log.push(answer(&publish.audit));
    let verdict = verify(&log);
    assert!(verdict.valid, "{verdict:?}");
    assert_eq!(verdict.count, 4);
    assert_eq!(verdict.head, Some(fingerprint(&log[3])));
}

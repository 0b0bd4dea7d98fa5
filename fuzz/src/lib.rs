//! Shared code of the fuzz targets: the cheap invariants every answer must satisfy, and the
//! structure-aware generator of requests ([`gen`]).
//!
//! Every invariant failure is a panic, which libFuzzer reports as a crash (like any panic of the
//! library itself). The library must never panic: bad input is an `Err`, a refusal is data.

pub mod gen;

use std::collections::BTreeSet;

use promotion_rules::diff::apply_patch;
use promotion_rules::rules::secrets::{find_credential, scan};
use promotion_rules::write::{to_json, WriteJson};
use promotion_rules::Value;
use promotion_rules::{
    fingerprint, json, AuditChain, ChangeSet, Decision, EditCheck, Environment, Filtered, InlineSecrets, Limits,
    PromotionRules, PublishMode, PublishPlan, RollbackPlan, SyncPlan,
};

/// The six promoted kinds: the only keys a payload may hold.
pub const PROMOTED: [&str; 6] = ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"];

/// What a blocked inline secret is replaced with (`rules::inline::REDACTED`).
pub const REDACTED: &str = "[redacted: inline secret]";

/// The engine of the default policy, compiled once per process.
pub fn default_rules() -> &'static PromotionRules {
    static RULES: std::sync::OnceLock<PromotionRules> = std::sync::OnceLock::new();
    RULES.get_or_init(PromotionRules::default)
}

/// Splits the fuzz input into `n` arguments at NUL bytes (JSON text cannot hold a raw NUL, so
/// the split is unambiguous); the last argument takes the rest. `None` when not UTF-8.
pub fn arguments(data: &[u8], n: usize) -> Option<Vec<&str>> {
    let text = std::str::from_utf8(data).ok()?;
    let mut parts: Vec<&str> = text.splitn(n, '\0').collect();
    while parts.len() < n {
        parts.push("");
    }
    Some(parts)
}

/// Parses an argument as the WebAssembly layer does (JSON text under the default limits).
pub fn parse(text: &str) -> Option<Value> {
    let limits = Limits::DEFAULT;
    match json::parse_with_limits(text, &limits) {
        Ok(value) => Some(value),
        Err(error) => {
            check_error(&error);
            None
        }
    }
}

/// An error must carry a message and a JSON Pointer path.
pub fn check_error(error: &promotion_rules::Error) {
    assert!(!error.message.is_empty(), "an error without a message: {error:?}");
    assert!(error.path.is_empty() || error.path.starts_with('/'), "an error path that is no JSON Pointer: {error:?}");
}

/// An answer is written as JSON text that our own reader and serde_json both read back, to the
/// same value. Returns the answer as read back.
pub fn serializes<T: WriteJson + ?Sized>(answer: &T) -> Value {
    let text = to_json(answer);
    let written = match json::parse(&text) {
        Ok(value) => value,
        Err(error) => panic!("the answer's JSON does not read back: {error}\n{text}"),
    };
    let theirs = match serde_json::from_str::<Value>(&text) {
        Ok(value) => value,
        Err(error) => panic!("serde_json cannot read the answer: {error}\n{text}"),
    };
    assert_eq!(fingerprint(&written), fingerprint(&theirs), "the readers disagree on the answer:\n{text}");
    written
}

/// `allowed` is true exactly when there is no violation; every issue has a code and a message.
pub fn check_decision(decision: &Decision) {
    assert_eq!(decision.allowed, decision.violations.is_empty(), "allowed != violations.is_empty(): {decision:?}");
    for issue in decision.violations.iter().chain(&decision.warnings) {
        assert!(!issue.message.is_empty(), "an issue without a message: {issue:?}");
        if let Some(path) = &issue.path {
            assert!(path.is_empty() || path.starts_with('/'), "an issue path that is no JSON Pointer: {issue:?}");
        }
    }
}

/// A payload holds exactly the six promoted kinds, each an array.
pub fn check_payload(payload: &Value) {
    let Some(map) = payload.as_object() else { panic!("a payload that is not an object: {payload}") };
    let keys: BTreeSet<&str> = map.keys().map(String::as_str).collect();
    assert_eq!(keys, PROMOTED.iter().copied().collect::<BTreeSet<_>>(), "payload keys");
    for (kind, items) in map {
        assert!(items.is_array(), "payload kind {kind} is not an array");
    }
}

/// Under `inlineSecrets: "block"` no flagged value survives in a payload except the redaction mark.
pub fn check_no_inline_secret(payload: &Value, mode: InlineSecrets) {
    if mode != InlineSecrets::Block {
        return;
    }
    let mut found = Vec::new();
    scan(payload, "", &mut found);
    for secret in found {
        let value = payload.pointer(&secret.path);
        assert_eq!(
            value.and_then(Value::as_str),
            Some(REDACTED),
            "an inline secret ({:?}) travels in a blocked payload at {}",
            secret.kind,
            secret.path
        );
    }
}

/// The string values (when `values`) and the keys (when `keys`) of a value.
fn strings<'v>(value: &'v Value, values: bool, keys: bool, out: &mut Vec<&'v str>) {
    match value {
        Value::String(s) if values => out.push(s),
        Value::Array(items) => items.iter().for_each(|item| strings(item, values, keys, out)),
        Value::Object(members) => {
            for (key, member) in members {
                if keys {
                    out.push(key);
                }
                strings(member, values, keys, out);
            }
        }
        _ => {}
    }
}

/// Under `inlineSecrets: "block"`, no credential-shaped string of what could travel (the source's
/// promoted content, the target's variable defaults) appears anywhere in the answer: payload,
/// manifest, change lists, messages. (A string the target also holds may come back as the
/// target's own data, e.g. a removed id: those are skipped.)
pub fn check_no_credential_echoed(
    request: &Value,
    payload: &Value,
    answer: &str,
    mode: InlineSecrets,
    limits: &Limits,
) {
    if mode != InlineSecrets::Block {
        return;
    }
    let Some(source) = request.get("source").cloned() else { return };
    let Ok(filtered) = promotion_rules::workspace::filter_content(source, limits) else { return };
    let target = request.get("target").cloned().unwrap_or(Value::Null);
    let mut travelling = Vec::new();
    strings(&filtered.payload, true, false, &mut travelling);
    if let Some(variables) = target.get("variables").and_then(Value::as_array) {
        for variable in variables {
            if let Some(default) = variable.get("defaultValue") {
                strings(default, true, false, &mut travelling);
            }
        }
    }
    // Keys are never scanned (the spec), and what the request holds elsewhere (the target's own
    // ids, acknowledgements, the base manifest, the actor) may come back: those are skipped.
    let mut rest = request.clone();
    if let Some(map) = rest.as_object_mut() {
        map.remove("source");
    }
    let mut elsewhere = Vec::new();
    strings(&rest, true, true, &mut elsewhere);
    if let Some(source) = request.get("source") {
        strings(source, false, true, &mut elsewhere);
    }
    // And a credential inside a longer string that legitimately travels (`xsk-…` is no token).
    strings(payload, true, true, &mut elsewhere);
    for s in travelling.iter().copied() {
        if find_credential(s).is_some() && !elsewhere.iter().any(|t| t.contains(s)) {
            assert!(
                !answer.contains(s),
                "a credential of the request comes back in the answer: {s}\nrequest: {request}\nanswer: {answer}"
            );
        }
    }
}

/// Counts of a change set agree with its lists; the patch turns `before` into `after`.
pub fn check_changes(changes: &ChangeSet, before: &Value, after: &Value) {
    let counted: usize =
        changes.kinds.values().map(|k| k.added.len() + k.modified.len() + k.removed.len() + k.unchanged).sum();
    let summary = &changes.summary;
    assert_eq!(counted, summary.added + summary.modified + summary.removed + summary.unchanged, "summary counts");
    let mut document = before.clone();
    if let Err(error) = apply_patch(&mut document, &changes.patch) {
        panic!("the patch does not apply to before: {error}");
    }
    // Equal as JSON data (RFC 8785): `1.0` read from text is the integer 1 of a generated value.
    assert_eq!(fingerprint(&document), fingerprint(after), "patch(before) != after");
}

/// The invariants of a sync plan, given the request it answers.
pub fn check_sync(rules: &PromotionRules, request: &Value, plan: &SyncPlan) {
    check_decision(&plan.decision);
    check_payload(&plan.payload);
    check_no_inline_secret(&plan.payload, rules.policy().inline_secrets());
    assert_eq!(plan.fingerprint, fingerprint(&plan.payload), "plan fingerprint");
    assert_eq!(plan.policy_fingerprint, rules.policy().fingerprint(), "policy fingerprint");
    if plan.decision.allowed {
        assert_eq!(rules.policy().chain().next(plan.from), Some(plan.to), "a sync allowed to a non-next environment");
        let actor = request.get("actor").and_then(|a| promotion_rules::Actor::from_value(a.clone(), "/actor").ok());
        let Some(actor) = actor else { panic!("an allowed plan without a readable actor") };
        assert!(granted(rules, &actor, "sync", plan.from), "a sync allowed without the sync grant");
    }
    for key in plan.excluded.keys() {
        assert!(!PROMOTED.contains(&key.as_str()), "a promoted kind counted as excluded: {key}");
    }
    // The manifest names exactly the payload's items.
    let manifest = json::parse(&to_json(&plan.manifest)).unwrap_or(Value::Null);
    for kind in PROMOTED {
        let id_key = if kind == "variables" { "name" } else { "id" };
        let ids: BTreeSet<&str> = plan.payload[kind]
            .as_array()
            .map(|items| items.iter().filter_map(|item| item.get(id_key).and_then(Value::as_str)).collect())
            .unwrap_or_default();
        let listed: BTreeSet<&str> = manifest
            .get(kind)
            .and_then(Value::as_object)
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(ids, listed, "manifest ids of {kind}");
    }
    // changes: filterContent(target).payload → payload.
    let target =
        request.get("target").filter(|t| !t.is_null()).cloned().unwrap_or_else(|| Value::Object(Default::default()));
    match promotion_rules::workspace::filter_content(target, rules.limits()) {
        Ok(filtered) => {
            assert_eq!(plan.target_fingerprint, fingerprint(&filtered.payload), "target fingerprint");
            check_changes(&plan.changes, &filtered.payload, &plan.payload);
        }
        Err(error) => panic!("the target was read by planSync but not by filterContent: {error}"),
    }
    let audit = &plan.audit;
    assert_eq!(audit.allowed, plan.decision.allowed, "audit.allowed");
    assert_eq!(audit.fingerprint, plan.fingerprint, "audit.fingerprint");
    for code in plan.decision.violations.iter().map(|v| v.code) {
        assert!(audit.codes.contains(&code), "audit codes miss {code:?}");
    }
    check_gate(request, plan.gates.as_ref(), &plan.audit, &plan.decision);
    let written = serializes(plan);
    check_no_credential_echoed(
        request,
        &plan.payload,
        &written.to_string(),
        rules.policy().inline_secrets(),
        rules.limits(),
    );
}

/// The invariants of a publish plan.
pub fn check_publish(rules: &PromotionRules, request: &Value, plan: &PublishPlan) {
    check_decision(&plan.decision);
    if plan.decision.allowed {
        let actor = request.get("actor").and_then(|a| promotion_rules::Actor::from_value(a.clone(), "/actor").ok());
        let Some(actor) = actor else { panic!("an allowed plan without a readable actor") };
        assert!(granted(rules, &actor, "publish", Environment::Production), "a publish allowed without publish");
        if plan.mode == PublishMode::Hotfix {
            assert!(granted(rules, &actor, "hotfix", Environment::Production), "a hotfix allowed without hotfix");
        }
    }
    if plan.mode == PublishMode::GoLive {
        assert!(plan.hotfixes.is_empty(), "a go-live that lists hotfixes");
    }
    if let (Some(changes), Some(live), Some(workspace)) = (&plan.changes, request.get("live"), request.get("workspace"))
    {
        // From live to the workspace as given, as diffWorkspaces(live, workspace) answers.
        check_changes(changes, live, workspace);
    }
    assert_eq!(plan.audit.allowed, plan.decision.allowed, "audit.allowed");
    check_gate(request, plan.gates.as_ref(), &plan.audit, &plan.decision);
    serializes(plan);
}

/// The invariants of a rollback plan.
pub fn check_rollback(rules: &PromotionRules, request: &Value, plan: &RollbackPlan) {
    check_decision(&plan.decision);
    check_payload(&plan.payload);
    check_no_inline_secret(&plan.payload, rules.policy().inline_secrets());
    assert_eq!(plan.fingerprint, fingerprint(&plan.payload), "plan fingerprint");
    if plan.decision.allowed {
        let actor = request.get("actor").and_then(|a| promotion_rules::Actor::from_value(a.clone(), "/actor").ok());
        let Some(actor) = actor else { panic!("an allowed plan without a readable actor") };
        assert!(granted(rules, &actor, "rollback", plan.environment), "a rollback allowed without rollback");
    }
    match promotion_rules::Manifest::of_value(plan.payload.clone(), rules.limits()) {
        Ok(manifest) => assert!(manifest == plan.manifest, "the manifest is not the payload's"),
        Err(error) => panic!("the payload is no workspace: {error}"),
    }
    if let Some(workspace) = request.get("workspace") {
        if let Ok(filtered) = promotion_rules::workspace::filter_content(workspace.clone(), rules.limits()) {
            assert_eq!(plan.workspace_fingerprint, fingerprint(&filtered.payload), "workspace fingerprint");
            check_changes(&plan.changes, &filtered.payload, &plan.payload);
        }
    }
    assert_eq!(plan.audit.allowed, plan.decision.allowed, "audit.allowed");
    assert_eq!(plan.audit.fingerprint, plan.fingerprint, "audit.fingerprint");
    serializes(plan);
}

/// The invariants of `verifyAuditChain`, recomputed link by link.
pub fn check_audit_chain(records: &Value, verdict: &AuditChain) {
    let Some(records) = records.as_array() else { panic!("a verdict for records that are no array") };
    assert_eq!(verdict.count, records.len(), "count");
    assert_eq!(verdict.head, records.last().map(fingerprint), "head");
    assert_eq!(verdict.valid, verdict.broken_at.is_none(), "valid iff not broken");
    let link = |i: usize| {
        let previous = records.get(i).and_then(|r| r.get("previous")).filter(|p| !p.is_null());
        let before = i.checked_sub(1).and_then(|j| records.get(j)).map(|r| Value::String(fingerprint(r)));
        previous == before.as_ref()
    };
    let end = verdict.broken_at.unwrap_or(records.len());
    assert!((0..end).all(link), "a link before brokenAt does not hold");
    if let Some(broken) = verdict.broken_at {
        assert!(!link(broken), "brokenAt names a link that holds");
    }
    serializes(verdict);
}

/// The invariants of an edit check.
pub fn check_edit(request: &Value, check: &EditCheck) {
    check_decision(&check.decision);
    // The patch applies to `before` as given.
    if let (Some(before), Some(after)) = (request.get("before"), request.get("after")) {
        check_changes(&check.changes, before, after);
    }
    assert_eq!(check.audit.allowed, check.decision.allowed, "audit.allowed");
    serializes(check);
}

/// The invariants of `filterContent`.
pub fn check_filtered(filtered: &Filtered) {
    check_payload(&filtered.payload);
    for key in filtered.excluded.keys() {
        assert!(!PROMOTED.contains(&key.as_str()), "a promoted kind counted as excluded: {key}");
    }
    serializes(filtered);
}

/// Deny by default, checked against the normalised policy JSON rather than the compiled grants:
/// `roles[role][env]` must list the action for one of the actor's roles.
pub fn granted(rules: &PromotionRules, actor: &promotion_rules::Actor, action: &str, env: Environment) -> bool {
    let policy = rules.policy().policy().to_value();
    actor.roles.iter().any(|role| {
        policy["roles"][role.as_str()][env.as_str()]
            .as_array()
            .is_some_and(|actions| actions.iter().any(|a| a.as_str() == Some(action)))
    })
}

/// A policy read back from its normalised JSON is the same policy (normalisation is idempotent).
pub fn check_policy(rules: &PromotionRules) {
    let normalised = rules.policy().policy().to_value();
    let again = match promotion_rules::PromotionRules::from_policy_value(normalised.clone()) {
        Ok(again) => again,
        Err(error) => panic!("the normalised policy does not read back: {error}\n{normalised}"),
    };
    assert_eq!(again.policy().policy(), rules.policy().policy(), "normalisation is not idempotent");
    assert_eq!(again.policy().fingerprint(), rules.policy().fingerprint(), "policy fingerprint changes");
    serializes(rules.policy().policy());
}

/// The invariants of a gate answer: the quorum arithmetic, the audit's approvers, no counted
/// approval by the acting actor, a closed window refused (or bypassed) with a next allowed time
/// that is not in the past.
pub fn check_gate(
    request: &Value,
    gates: Option<&promotion_rules::GateAnswer>,
    audit: &promotion_rules::Audit,
    decision: &promotion_rules::Decision,
) {
    let codes: Vec<&str> = decision.violations.iter().map(|v| v.code.as_str()).collect();
    let Some(gate) = gates else {
        assert!(audit.approvers.is_none(), "approvers without a gate");
        return;
    };
    match &gate.approvals {
        None => assert!(audit.approvers.is_none(), "approvers without an approval rule"),
        Some(approvals) => {
            assert_eq!(audit.approvers.as_ref(), Some(&approvals.counted), "audit.approvers");
            let counted = u32::try_from(approvals.counted.len()).unwrap_or(u32::MAX);
            assert_eq!(approvals.missing, approvals.required.saturating_sub(counted), "missing");
            assert_eq!(approvals.missing > 0, codes.contains(&"APPROVALS_MISSING"), "APPROVALS_MISSING");
            assert_eq!(!approvals.rejected.is_empty(), codes.contains(&"APPROVAL_REJECTED"), "APPROVAL_REJECTED");
            let acting = request.get("actor").and_then(|a| a.get("id")).and_then(Value::as_str);
            for id in approvals.counted.iter().chain(&approvals.rejected) {
                assert_ne!(Some(id.as_str()), acting, "the acting actor counted as an approver");
            }
        }
    }
    if let Some(soak) = &gate.soak {
        assert_eq!(!soak.met, codes.contains(&"SOAK_NOT_MET"), "SOAK_NOT_MET");
    }
    if let Some(window) = &gate.window {
        assert!(gate.tzdb.is_some(), "a window without tzdb");
        let refused = codes.contains(&"OUTSIDE_PROMOTION_WINDOW");
        assert_eq!(window.open || window.bypassed, !refused, "OUTSIDE_PROMOTION_WINDOW");
        if let (Some(next), Some(now)) = (&window.next_allowed_at, request.get("now").and_then(Value::as_str)) {
            assert!(!window.open, "nextAllowedAt on an open window");
            let (next, now) =
                (promotion_rules::gates::Instant::parse(next), promotion_rules::gates::Instant::parse(now));
            let (Some(next), Some(now)) = (next, now) else { panic!("unreadable instants in a gate answer") };
            assert!(next.timestamp >= now.timestamp, "nextAllowedAt before now");
        }
    }
}

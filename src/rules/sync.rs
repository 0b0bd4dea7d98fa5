//! Sync: promote one environment's content to the next one of the chain.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::diff::{diff_workspaces, ChangeSet};
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::fingerprint::{fingerprint, ObjectPrint};
use crate::input::{into_object, into_string, into_strings, reject_unknown, take_optional, take_required};
use crate::issue::{Decision, Findings, IssueCode};
use crate::json::{check_depth, child, index, Limits};
use crate::manifest::{ItemPrints, Manifest};
use crate::policy::{Action, Actor};
use crate::rules::drift::in_place_changes;
use crate::rules::gates::{Authored, GateAnswer, GateFields, GatedPlan};
use crate::rules::{inline, item_path, references, Audit, AuditEvent, PromotionRules};
use crate::variables::{self, default_value, DefaultOrigin, DEFAULT_VALUE};
use crate::workspace::{IdIndex, Kind, Workspace};

/// `planSync`'s request: who promotes what from where to where.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncRequest {
    /// Who syncs.
    pub actor: Actor,
    /// The source environment.
    pub from: Environment,
    /// The target environment: the next one of the chain.
    pub to: Environment,
    /// The source workspace.
    pub source: Workspace,
    /// The target workspace as it is now (empty when absent).
    pub target: Option<Workspace>,
    /// The manifest the last sync into the target answered.
    pub base: Option<Manifest>,
    /// `kind/id` entries whose drift the actor accepts.
    pub acknowledge: Vec<(Kind, String)>,
    /// Approvals, `now` and `sourceSince`, for the gate of the target.
    pub gate: GateFields,
}

impl SyncRequest {
    /// Reads `{ actor, from, to, source, target?, base?, acknowledge? }`.
    pub fn from_value(value: Value, limits: &Limits) -> Result<SyncRequest> {
        check_depth(&value, limits)?;
        Self::from_parsed(value, limits)
    }

    /// [`SyncRequest::from_value`] for a value read by [`crate::json::parse_with_limits`] under
    /// `limits`, whose depth the reader has checked already.
    pub(crate) fn from_parsed(value: Value, limits: &Limits) -> Result<SyncRequest> {
        let mut map = into_object(value, "", "the sync request")?;
        reject_unknown(
            &map,
            &["actor", "from", "to", "source", "target", "base", "acknowledge", "approvals", "now", "sourceSince"],
            "",
            "A sync request",
        )?;
        let actor = Actor::from_value(take_required(&mut map, "actor", "", "The actor")?, "/actor")?;
        let from = read_environment(take_required(&mut map, "from", "", "The source environment (from)")?, "/from")?;
        let to = read_environment(take_required(&mut map, "to", "", "The target environment (to)")?, "/to")?;
        let source =
            Workspace::from_value(take_required(&mut map, "source", "", "The source workspace")?, "/source", limits)?;
        let target =
            take_optional(&mut map, "target").map(|t| Workspace::from_value(t, "/target", limits)).transpose()?;
        let base = take_optional(&mut map, "base").map(|b| Manifest::from_value(b, "/base")).transpose()?;
        let acknowledge = match take_optional(&mut map, "acknowledge") {
            None => Vec::new(),
            Some(list) => read_acknowledgements(list, "/acknowledge")?,
        };
        let gate = GateFields::take(&mut map)?;
        Ok(SyncRequest { actor, from, to, source, target, base, acknowledge, gate })
    }
}

/// Reads an environment name (chain membership is checked by the engine).
pub(crate) fn read_environment(value: Value, path: &str) -> Result<Environment> {
    let name = into_string(value, path, "an environment name")?;
    Environment::parse(&name).ok_or_else(|| {
        Error::invalid_input(
            path,
            format!("\"{name}\" is not an environment; use one of dev, test, uat, staging, production."),
        )
    })
}

/// Reads `["kind/id", …]`.
pub(crate) fn read_acknowledgements(value: Value, path: &str) -> Result<Vec<(Kind, String)>> {
    into_strings(value, path, "\"kind/id\" entries")?
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let parsed = entry.split_once('/').and_then(|(kind, id)| {
                Kind::parse(kind).filter(|k| k.is_promoted() && !id.is_empty()).map(|k| (k, id.to_owned()))
            });
            parsed.ok_or_else(|| {
                Error::invalid_input(
                    index(path, i),
                    format!("\"{entry}\" is not a \"kind/id\" of a promoted kind, e.g. \"agents/support-bot\"."),
                )
            })
        })
        .collect()
}

/// `planSync`'s answer: the decision, what the target will hold, and what to store for next time.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPlan {
    /// `allowed`, `violations`, `warnings`.
    #[serde(flatten)]
    pub decision: Decision,
    /// The source environment.
    pub from: Environment,
    /// The target environment.
    pub to: Environment,
    /// The promoted content the target must hold after the sync: all six kinds.
    pub payload: Value,
    /// From the target's promoted content to the payload.
    pub changes: ChangeSet,
    /// What stays behind in the source, `{kind: count}`.
    pub excluded: Map<String, Value>,
    /// `{kind: {id: fingerprint}}` of the payload: send it back as `base` next time.
    pub manifest: Manifest,
    /// Fingerprint of the payload.
    pub fingerprint: String,
    /// Fingerprint of the source's promoted content.
    pub source_fingerprint: String,
    /// Fingerprint of the target's promoted content (to detect a stale plan).
    pub target_fingerprint: String,
    /// Fingerprint of the normalised policy.
    pub policy_fingerprint: String,
    /// The gate of the target: what it requires and what is still missing; `null` without one.
    pub gates: Option<GateAnswer>,
    /// The audit record.
    pub audit: Audit,
}

impl PromotionRules {
    /// Plans a sync: every rule of the spec, in order; a refusal is an answer with violations.
    pub fn plan_sync(&self, request: SyncRequest) -> Result<SyncPlan> {
        let SyncRequest { actor, from, to, mut source, target, base, acknowledge, gate } = request;
        self.require_in_chain(from, "/from")?;
        self.require_in_chain(to, "/to")?;
        let target = target.unwrap_or_default();
        let mut findings = Findings::default();

        // 1. Order.
        match self.policy().chain().next(from) {
            None => findings.violation(
                IssueCode::NoNextEnvironment,
                format!("{from} is the last environment of the chain, so there is nothing to sync to; publish it instead."),
                Some("/from".into()),
            ),
            Some(next) if next != to => findings.violation(
                IssueCode::NotNextEnvironment,
                format!("A sync from {from} goes to {next}, the next environment of the chain, not {to}; sync to {next} first."),
                Some("/to".into()),
            ),
            Some(_) => {}
        }
        // 2. Permission.
        self.require(&mut findings, &actor, Action::Sync, from, "/actor");

        // 3. Payload: the allow-list filter and the variable merge.
        findings.warnings.extend(source.unknown_kind_warnings("/source"));
        // The source's promoted content is hashed now, before the merge and the redactions; its
        // first four kinds are also the payload's unless redacted, so that state is kept.
        let (shared_prefix, source_fingerprint) = source_prints(&source);
        let merge = variables::merge(&source, &target, "/source/variables");
        findings.warnings.extend(merge.warnings);
        if let Some(values) = source.values_mut(Kind::Variables) {
            let merged = variables::apply_merge(std::mem::take(values), target.values(Kind::Variables), &merge.origins);
            *values = merged;
        }
        check_defaults(&source, &merge.origins, &mut findings);

        // 4. Inline secrets.
        let redacted = inline::check(
            &mut source,
            "/source",
            Some((&merge.origins, "/target")),
            self.policy().inline_secrets(),
            &mut findings,
        );
        // An inline secret used as an identifier (an id, a name, a reference, a usage entry) is
        // redacted in the payload: the rules read the identifiers again from it, and the answer's
        // messages and id lists never repeat the redacted ones (`scrub`, below).
        let mut secret_ids = Vec::new();
        for kind in Kind::PROMOTED {
            if kind.promoted_index().and_then(|k| redacted.get(k)) == Some(&true) {
                source.reread_identifiers(kind, &mut secret_ids);
            }
        }

        // 5. References.
        references::check(&source, &target, to, "/source", &mut findings);

        // 6. Drift against the base manifest.
        let payload_prints = ItemPrints::of(&source);
        let target_prints = ItemPrints::of_reusing(&target, &source, &payload_prints);
        match &base {
            Some(base) => {
                check_drift(&source, &payload_prints, &target, &target_prints, base, &acknowledge, to, &mut findings)
            }
            None => {
                if to == Environment::Production {
                    findings.warning(
                        IssueCode::NoBaseManifest,
                        "No base manifest was given, so hotfixes made in production cannot be protected; send the manifest of the last sync as base.",
                        Some("/base".into()),
                    );
                }
                // Without a base there is no drift, so no entry can acknowledge anything.
                report_unused_acknowledgements(&acknowledge, &vec![false; acknowledge.len()], &mut findings);
            }
        }

        // 7. Separation of duties.
        // What the sync adds or modifies: whose authors may neither self-promote nor approve.
        let approvals_gated = self.policy().gates().get(to).is_some_and(|gate| gate.approvals.is_some());
        let changed = if self.policy().no_self_promotion(to) || approvals_gated {
            changed_items(&source, &payload_prints, &target, &target_prints)
        } else {
            Vec::new()
        };
        if self.policy().no_self_promotion(to) {
            check_self_promotion(&actor, &source, &changed, to, &mut findings);
        }
        let authors = authors(&source, &changed);

        let manifest = payload_prints.manifest(&source);
        let excluded = source.excluded();
        let target_payload = target.into_payload();
        let payload = source.into_payload();
        let mut changes = diff_workspaces(&target_payload, &payload);
        if let Some(variables) = changes.kinds.get_mut(Kind::Variables.as_str()) {
            variables.defaults_kept = Some(merge.defaults_kept);
            variables.defaults_reset = Some(merge.defaults_reset);
        }
        let prefix_redacted =
            SHARED_PREFIX.iter().any(|kind| kind.promoted_index().and_then(|k| redacted.get(k)) == Some(&true));
        let fingerprint =
            if prefix_redacted { fingerprint(&payload) } else { finish_payload_print(shared_prefix, &payload) };

        // 8. The gate of the target.
        let gated = GatedPlan {
            environment: to,
            fingerprint: &fingerprint,
            actor: &actor,
            authors: &authors,
            soaks: true,
            hotfix: false,
        };
        let gates = self.check_gate(&gated, &gate, &mut findings)?;
        if !secret_ids.is_empty() {
            scrub(&secret_ids, &mut findings, &mut changes);
        }
        let decision = findings.into_decision();
        let audit = Audit {
            event: AuditEvent::Sync,
            actor: actor.id,
            from: Some(from),
            to: Some(to),
            environment: None,
            allowed: decision.allowed,
            codes: decision.codes(),
            fingerprint: fingerprint.clone(),
            approvers: approvers(&gates),
        };
        Ok(SyncPlan {
            decision,
            from,
            to,
            payload,
            changes,
            excluded,
            manifest,
            fingerprint,
            source_fingerprint,
            target_fingerprint: crate::fingerprint::fingerprint(&target_payload),
            policy_fingerprint: self.policy().fingerprint().to_owned(),
            gates,
            audit,
        })
    }
}

/// Replaces identifiers redacted as inline secrets wherever an answer repeats identifiers: the
/// messages, and the id lists of the change set (the target may hold the same ids).
fn scrub(secrets: &[String], findings: &mut Findings, changes: &mut ChangeSet) {
    // By hand rather than with `str::replace`: the pattern searcher costs kilobytes of WebAssembly.
    let clean = |text: &mut String| {
        for secret in secrets.iter().map(String::as_bytes).filter(|s| !s.is_empty()) {
            let bytes = text.as_bytes();
            if !bytes.windows(secret.len()).any(|w| w == secret) {
                continue;
            }
            let mut out = Vec::with_capacity(bytes.len());
            let mut at = 0;
            while let Some(rest) = bytes.get(at..) {
                if rest.is_empty() {
                    break;
                }
                if rest.starts_with(secret) {
                    out.extend_from_slice(inline::REDACTED.as_bytes());
                    at += secret.len();
                } else {
                    out.extend(rest.first());
                    at += 1;
                }
            }
            // A whole UTF-8 sequence is replaced by another: the text stays UTF-8.
            *text = String::from_utf8(out).unwrap_or_default();
        }
    };
    for issue in findings.violations.iter_mut().chain(findings.warnings.iter_mut()) {
        clean(&mut issue.message);
    }
    for kind in Kind::PROMOTED {
        let Some(kind) = changes.kinds.get_mut(kind.as_str()) else { continue };
        let lists =
            [Some(&mut kind.added), Some(&mut kind.removed), kind.defaults_kept.as_mut(), kind.defaults_reset.as_mut()];
        lists.into_iter().flatten().flatten().for_each(clean);
        kind.modified.iter_mut().for_each(|item| clean(&mut item.id));
    }
}

/// The promoted kinds in the canonical (JCS) order of their keys.
const CANONICAL_ORDER: [Kind; 6] =
    [Kind::Agents, Kind::Channels, Kind::Integrations, Kind::KnowledgeBase, Kind::Variables, Kind::Workflows];

/// The kinds a sync never changes but by redaction, first in canonical order: the source's
/// content and the payload's hash them alike.
const SHARED_PREFIX: [Kind; 4] = [Kind::Agents, Kind::Channels, Kind::Integrations, Kind::KnowledgeBase];

/// The members of `members` in [`CANONICAL_ORDER`] from `skip` on, when it holds exactly the six
/// promoted kinds (always so for a payload; otherwise the caller hashes the map itself).
fn canonical_members(members: &Map<String, Value>, skip: usize) -> Option<Vec<(&'static str, &Value)>> {
    if members.len() != CANONICAL_ORDER.len() {
        return None;
    }
    CANONICAL_ORDER.iter().skip(skip).map(|kind| Some((kind.as_str(), members.get(kind.as_str())?))).collect()
}

/// The hash state after the [`SHARED_PREFIX`] kinds of the source (when its payload has the six
/// kinds), and the source's fingerprint (that of `filterContent(source).payload`).
fn source_prints(source: &Workspace) -> (Option<ObjectPrint>, String) {
    let Some(members) = canonical_members(source.payload(), 0) else {
        return (None, fingerprint_payload(source));
    };
    let mut print = ObjectPrint::new();
    let mut prefix = None;
    for (i, (key, value)) in members.into_iter().enumerate() {
        if i == SHARED_PREFIX.len() {
            prefix = Some(print.clone());
        }
        print.member(key, value);
    }
    (prefix, print.finish())
}

/// The payload's fingerprint from the shared prefix: its remaining kinds hashed after it.
fn finish_payload_print(prefix: Option<ObjectPrint>, payload: &Value) -> String {
    let rest = payload.as_object().and_then(|members| canonical_members(members, SHARED_PREFIX.len()));
    match (prefix, rest) {
        (Some(mut print), Some(rest)) => {
            for (key, value) in rest {
                print.member(key, value);
            }
            print.finish()
        }
        _ => fingerprint(payload),
    }
}

/// Fingerprint of a workspace's promoted content, without copying it.
pub(crate) fn fingerprint_payload(workspace: &Workspace) -> String {
    crate::fingerprint::fingerprint_object(workspace.payload())
}

/// Every default value of the payload must fit its type (`INVALID_VARIABLE_VALUE`).
fn check_defaults(payload: &Workspace, origins: &[DefaultOrigin], findings: &mut Findings) {
    let values = payload.values(Kind::Variables);
    for (i, ((item, info), value)) in
        payload.items(Kind::Variables).iter().zip(payload.variables()).zip(values).enumerate()
    {
        let Some(default) = default_value(value) else { continue };
        if info.var_type.fits(default) {
            continue;
        }
        let path = match origins.get(i) {
            Some(DefaultOrigin::Target(j)) => child(&item_path("/target", Kind::Variables, *j), DEFAULT_VALUE),
            _ => child(&item_path("/source", Kind::Variables, i), DEFAULT_VALUE),
        };
        findings.violation(
            IssueCode::InvalidVariableValue,
            format!(
                "The default value of {} is not a {} value; give it a value of that type.",
                item.id,
                info.var_type.as_str()
            ),
            Some(path),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn check_drift(
    payload: &Workspace,
    payload_prints: &ItemPrints,
    target: &Workspace,
    target_prints: &ItemPrints,
    base: &Manifest,
    acknowledge: &[(Kind, String)],
    to: Environment,
    findings: &mut Findings,
) {
    let mut used = vec![false; acknowledge.len()];
    let positions: Vec<IdIndex> = Kind::PROMOTED.iter().map(|&kind| IdIndex::of(payload, kind)).collect();
    for change in in_place_changes(target, target_prints, base) {
        let source_print = change
            .kind
            .promoted_index()
            .and_then(|k| positions.get(k))
            .and_then(|ids| ids.get(change.id))
            .and_then(|i| payload_prints.of_kind(change.kind).get(i))
            .map(String::as_str);
        if source_print == change.now {
            continue; // recreated upstream: the sync carries the very same copy
        }
        let acknowledged = acknowledge.iter().position(|(kind, id)| *kind == change.kind && id == change.id);
        if let Some(slot) = acknowledged.and_then(|i| used.get_mut(i)) {
            *slot = true;
        }
        let label = change.label();
        let (code, message) = if source_print == change.base {
            (
                IssueCode::WouldRevertHotfix,
                format!(
                    "{label} was {} in {to} since the last sync and this sync would undo it; recreate the change in dev and promote it, or acknowledge \"{label}\" to undo it.",
                    change.what()
                ),
            )
        } else {
            (
                IssueCode::Conflict,
                format!(
                    "{label} was {} in {to} since the last sync and changed differently upstream; reconcile both versions in dev, or acknowledge \"{label}\" to overwrite {to}'s copy.",
                    change.what()
                ),
            )
        };
        findings.either(acknowledged.is_some(), code, message, Some(change.path("/target")));
    }
    report_unused_acknowledgements(acknowledge, &used, findings);
}

/// `UNUSED_ACKNOWLEDGEMENT` for every `acknowledge` entry that matched no drift.
fn report_unused_acknowledgements(acknowledge: &[(Kind, String)], used: &[bool], findings: &mut Findings) {
    for (i, ((kind, id), used)) in acknowledge.iter().zip(used).enumerate() {
        if !used {
            findings.warning(
                IssueCode::UnusedAcknowledgement,
                format!("\"{kind}/{id}\" is acknowledged but has no drift to accept; remove it from acknowledge."),
                Some(index("/acknowledge", i)),
            );
        }
    }
}

fn check_self_promotion(
    actor: &Actor,
    payload: &Workspace,
    changed: &[(Kind, usize)],
    to: Environment,
    findings: &mut Findings,
) {
    for &(kind, i) in changed {
        let Some(item) = payload.items(kind).get(i) else { continue };
        if item.updated_by.as_deref() == Some(actor.id.as_str()) {
            findings.violation(
                IssueCode::SelfPromotion,
                format!(
                    "{kind}/{} was last edited by {}, who may not promote their own work into {to}; ask someone else to sync.",
                    item.id, actor.id
                ),
                Some(child(&item_path("/source", kind, i), "updatedBy")),
            );
        }
    }
}

/// The items of `after` that differ from their copy in `before` or that `before` lacks: what
/// a plan adds or modifies, as (kind, index in `after`).
pub(crate) fn changed_items(
    after: &Workspace,
    after_prints: &ItemPrints,
    before: &Workspace,
    before_prints: &ItemPrints,
) -> Vec<(Kind, usize)> {
    let mut changed = Vec::new();
    for kind in Kind::PROMOTED {
        let in_before = IdIndex::of(before, kind);
        let before_prints = before_prints.of_kind(kind);
        for (i, (item, print)) in after.items(kind).iter().zip(after_prints.of_kind(kind)).enumerate() {
            if in_before.get(&item.id).and_then(|j| before_prints.get(j)) != Some(print) {
                changed.push((kind, i));
            }
        }
    }
    changed
}

/// The authors (`updatedBy`) of the given items of a workspace: they may not approve.
pub(crate) fn authors(workspace: &Workspace, items: &[(Kind, usize)]) -> Vec<Authored> {
    items
        .iter()
        .filter_map(|&(kind, i)| {
            let item = workspace.items(kind).get(i)?;
            let by = item.updated_by.clone()?;
            Some(Authored { label: format!("{kind}/{}", item.id), by })
        })
        .collect()
}

/// The counted approvers for the audit record, when the gate requires approvals.
pub(crate) fn approvers(gates: &Option<GateAnswer>) -> Option<Vec<String>> {
    gates.as_ref().and_then(|g| g.approvals.as_ref()).map(|a| a.counted.clone())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_order_is_the_utf16_order_of_the_keys_and_starts_with_the_shared_prefix() {
        let keys: Vec<Vec<u16>> = CANONICAL_ORDER.iter().map(|k| k.as_str().encode_utf16().collect()).collect();
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(&CANONICAL_ORDER[..SHARED_PREFIX.len()], &SHARED_PREFIX);
        let mut all = CANONICAL_ORDER.to_vec();
        all.sort();
        assert_eq!(all, Kind::PROMOTED.to_vec());
    }

    #[test]
    fn a_request_read_as_text_skipping_what_a_sync_only_counts_is_answered_the_same() {
        let sample = |env: &str| {
            std::fs::read_to_string(format!("{}/www/samples/{env}.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
        };
        let rules = PromotionRules::default();
        for (actor, from, to) in [("dana", "dev", "test"), ("quinn", "test", "uat"), ("omar", "staging", "production")]
        {
            let role = match actor {
                "dana" => "developer",
                "quinn" => "qa",
                _ => "devops",
            };
            let text = format!(
                r#"{{"actor":{{"id":"{actor}","roles":["{role}"]}},"from":"{from}","to":"{to}","source":{},"target":{}}}"#,
                sample(from),
                sample(to)
            );
            let full = rules.plan_sync_value(crate::json::parse(&text).unwrap()).unwrap();
            let skipping = rules.plan_sync_json(&text).unwrap();
            assert_eq!(crate::write::to_json(&full), crate::write::to_json(&skipping), "{from} → {to}");
        }
    }

    #[test]
    fn prints_from_the_shared_prefix_are_the_fingerprints_of_the_payloads() {
        let text = std::fs::read_to_string(format!("{}/www/samples/dev.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let source = Workspace::from_value(crate::json::parse(&text).unwrap(), "", &Limits::DEFAULT).unwrap();
        let (prefix, print) = source_prints(&source);
        assert_eq!(print, fingerprint_payload(&source));
        let mut changed = source.payload().clone();
        changed.insert("workflows".into(), Value::Array(Vec::new()));
        changed.insert("variables".into(), Value::Array(vec![Value::Null]));
        let changed = Value::Object(changed);
        assert_eq!(finish_payload_print(prefix, &changed), fingerprint(&changed));
        assert_eq!(finish_payload_print(None, &changed), fingerprint(&changed));
    }
}

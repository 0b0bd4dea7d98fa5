//! Sync: promote one environment's content to the next one of the chain.

use crate::diff::{diff_workspaces_knowing, ChangeSet, Known};
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::fingerprint::{fingerprint, CanonicalText, ObjectPrint};
use crate::input::take_environment;
use crate::input::{into_object, into_string, into_strings, reject_unknown, take_optional};
use crate::issue::{Decision, Findings, IssueCode};
use crate::json::{check_depth, Echo, Echoes};
use crate::limits::Limits;
use crate::manifest::{ItemPrints, Manifest};
use crate::pointer::{child, index};
use crate::policy::{Action, Actor};
use crate::rules::drift::in_place_changes;
use crate::rules::gates::{Authored, GateAnswer, GateFields, GatedPlan};
use crate::rules::merge::{self, DefaultOrigin};
use crate::rules::selection::{self, Closure, Selection};
use crate::rules::{inline, item_path, read_previous_audit, references, Audit, AuditEvent, PromotionRules};
use crate::value::{Map, Value};
use crate::variables::{default_value, DEFAULT_VALUE};
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
    /// The fingerprint of the last audit record, written as `audit.previous`.
    pub previous_audit: Option<String>,
    /// `kind/id` of the items to promote (a selective sync); `None`: every item.
    pub select: Option<Vec<(Kind, String)>>,
    /// What a selective sync does with a dependency left out of `select`.
    pub closure: Closure,
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
        SyncRequest::from_parsed_echoing(value, limits, &Echoes::default())
    }

    /// [`SyncRequest::from_parsed`] for a value read by [`crate::json::parse_echoing`] with
    /// [`ECHO`]: the target's items that repeat the source's are stubs (`echoes`), which the
    /// target workspace keeps as such (see `Workspace::repeats`).
    pub(crate) fn from_parsed_echoing(value: Value, limits: &Limits, echoes: &Echoes) -> Result<SyncRequest> {
        let mut map = into_object(value, "", "the sync request")?;
        reject_unknown(
            &map,
            &[
                "actor",
                "from",
                "to",
                "source",
                "target",
                "base",
                "acknowledge",
                "previousAudit",
                "select",
                "closure",
                "approvals",
                "now",
                "sourceSince",
            ],
            "",
            "A sync request",
        )?;
        let actor = Actor::take(&mut map, "", "The actor")?;
        let from = take_environment(&mut map, "from", "", "The source environment (from)")?;
        let to = take_environment(&mut map, "to", "", "The target environment (to)")?;
        let source = Workspace::take(&mut map, "source", "The source workspace", limits)?;
        let target = Workspace::take_optional(&mut map, "target", limits, Some((&source, echoes)))?;
        let base = Manifest::take_optional(&mut map, "base")?;
        let acknowledge = take_acknowledgements(&mut map)?;
        let previous_audit = read_previous_audit(&mut map)?;
        let select =
            take_optional(&mut map, "select").map(|list| read_acknowledgements(list, "/select")).transpose()?;
        let closure = match take_optional(&mut map, "closure") {
            None => Closure::Pull,
            Some(_) if select.is_none() => {
                return Err(Error::invalid_input(
                    "/closure",
                    "closure applies to a selective sync only; add select, or remove closure.",
                ))
            }
            Some(value) => {
                let name = into_string(value, "/closure", "the closure (\"pull\" or \"refuse\")")?;
                Closure::parse(&name).ok_or_else(|| {
                    Error::invalid_input(
                        "/closure",
                        format!("\"{name}\" is not a closure; use \"pull\" (dependencies come along) or \"refuse\"."),
                    )
                })?
            }
        };
        let gate = GateFields::take(&mut map)?;
        Ok(SyncRequest { actor, from, to, source, target, base, acknowledge, previous_audit, select, closure, gate })
    }
}

/// The [`crate::json::Skip`] of a `planSync` request: of `source`, every kind that is not
/// promoted; of `target`, every kind but the promoted ones and those a sync looks ids up in
/// (secrets, guardrails, evaluators). A sync only counts them, and conversation history is
/// typically most of a workspace.
pub fn counted_in_sync_request(parent: Option<&str>, key: &str) -> bool {
    let kind = Kind::parse(key);
    let promoted = kind.is_some_and(Kind::is_promoted);
    match parent {
        Some("source") => !promoted,
        Some("target") => !promoted && !matches!(kind, Some(Kind::Secrets | Kind::Guardrails | Kind::Evaluators)),
        _ => false,
    }
}

/// The target items of a `planSync` request that the reader reads as stubs (their id alone)
/// where they repeat the source's byte for byte: the items of the promoted kinds but variables
/// (which the sync merges). A target mostly holds what the last sync put there, so most of it is
/// read once.
pub const ECHO: Echo = Echo {
    section: "target",
    of: "source",
    kinds: |key| Kind::parse(key).is_some_and(|kind| kind.is_promoted() && kind != Kind::Variables),
    id: "id",
};

/// Removes and reads the optional `acknowledge` of a request (none when absent).
pub(crate) fn take_acknowledgements(map: &mut Map) -> Result<Vec<(Kind, String)>> {
    take_optional(map, "acknowledge").map_or(Ok(Vec::new()), |list| read_acknowledgements(list, "/acknowledge"))
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
#[derive(Debug, Clone, PartialEq)]
pub struct SyncPlan {
    /// `allowed`, `violations`, `warnings`.
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
    pub excluded: Map,
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
    /// What a selective sync promotes: the requested items and the dependencies pulled in.
    pub selection: Option<Selection>,
}

/// The canonical text of the source's promoted content, which a sync's answer copies for the
/// kinds the payload carries unchanged rather than writing them again.
pub(crate) struct PayloadText {
    source: CanonicalText,
    /// Per promoted kind ([`Kind::PROMOTED`] order): whether the payload holds the source's very
    /// items (neither variables, which are merged, nor a kind redacted).
    unchanged: [bool; 6],
}

impl PayloadText {
    /// The JSON text of the payload's member `key`, when it is the source's canonical text and
    /// that is also its plain JSON text (no object reordered).
    pub(crate) fn kind(&self, key: &str) -> Option<&str> {
        let kind = Kind::parse(key).filter(|kind| *kind != Kind::Variables)?;
        if self.unchanged.get(kind.promoted_index()?) != Some(&true) {
            return None;
        }
        let member = self.source.member(key).filter(|member| member.in_map_order)?;
        Some(self.source.text(member.value.clone()))
    }
}

impl PromotionRules {
    /// Plans a sync: every rule of the spec, in order; a refusal is an answer with violations.
    pub fn plan_sync(&self, request: SyncRequest) -> Result<SyncPlan> {
        let (mut plan, _) = self.plan_sync_with_text(request)?;
        crate::diff::fill_values(&mut plan.changes, &plan.payload);
        Ok(plan)
    }

    /// [`PromotionRules::plan_sync`], and the source's canonical text the payload shares. The
    /// values of the plan's patch are left in its payload (`null` in the patch; see
    /// [`crate::diff::fill_values`]), where the answer's writer takes them.
    ///
    /// The target's items that repeat the source's may be stubs (see `Workspace::repeats`): their
    /// canonical text is the source's, their prints too, and the diff finds them equal by those
    /// prints, reading only their ids. Before a selection or a redaction, which read or change
    /// items, they are filled in.
    pub(crate) fn plan_sync_with_text(&self, request: SyncRequest) -> Result<(SyncPlan, PayloadText)> {
        let SyncRequest {
            actor,
            from,
            to,
            mut source,
            target,
            base,
            acknowledge,
            previous_audit,
            select,
            closure,
            gate,
        } = request;
        self.require_in_chain(from, "/from")?;
        self.require_in_chain(to, "/to")?;
        let mut target = target.unwrap_or_default();
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
        // A selective sync first turns the source into the payload it selects (§5).
        if select.is_some() {
            target.fill_repeats(&source);
        }
        let selected = select.map(|select| selection::apply(&mut source, &target, &select, closure)).transpose()?;
        // The (selected) source's promoted content is written canonically once, now, before the
        // merge and the redactions, and hashed; its first four kinds are also the payload's
        // unless redacted, so that hash state is kept. The item prints are hashed from the same
        // text.
        let source_text = CanonicalText::of_object(source.payload());
        let (shared_prefix, source_fingerprint) = source_prints(&source_text);
        let source_fingerprint = match &selected {
            None => source_fingerprint,
            Some(selected) => selected.source_fingerprint.clone(),
        };
        let merge = merge::merge(&source, &target, "/source/variables");
        findings.warnings.extend(merge.warnings);
        if let Some(values) = source.values_mut(Kind::Variables) {
            let merged = merge::apply_merge(std::mem::take(values), target.values(Kind::Variables), &merge.origins);
            *values = merged;
        }
        check_defaults(&source, &merge.origins, ("/source", "/target"), &mut findings);

        // 4. Inline secrets. Every decision reads the content as sent; only the answer is
        // redacted, after the last decision (below).
        let redactions = inline::check(
            &source,
            "/source",
            Some((&merge.origins, "/target")),
            self.policy().inline_secrets(),
            &mut findings,
        );

        // 5. References.
        references::check(&source, &target, to, "/source", ("this sync", "the source"), &mut findings);

        // 6. Drift against the base manifest.
        // Each item hashed once: the payload's from the source's text (but for variables), the
        // target's reused where its text equals the payload's item of that id. Nothing is
        // redacted yet: the decisions read the content as sent.
        let unredacted = [false; 6];
        let mut payload_prints = ItemPrints::of_text(&source, &source_text, &unredacted);
        let repeats = |key: &str| Kind::parse(key).map_or(&[][..], |kind| target.repeats(kind));
        let target_text = CanonicalText::of_object_repeating(target.payload(), Some((&repeats, &source_text)));
        let target_prints =
            ItemPrints::of_reusing_text(&target, &target_text, &source, &source_text, &payload_prints, &unredacted);
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

        // The answer: blocked inline secrets redacted. One used as an identifier (an id, a name,
        // a reference, a usage entry) is redacted too, and the answer's manifest, messages and
        // id lists never repeat it (`scrub`, below).
        if !redactions.is_empty() {
            target.fill_repeats(&source);
        }
        let redacted = inline::redact(&mut source, &redactions);
        let mut secret_ids = Vec::new();
        for kind in Kind::PROMOTED {
            if kind.promoted_index().and_then(|k| redacted.get(k)) == Some(&true) {
                source.reread_identifiers(kind, &mut secret_ids);
            }
        }
        if redacted.contains(&true) {
            payload_prints = ItemPrints::of(&source);
        }

        let manifest = payload_prints.manifest(&source);
        let excluded = source.excluded();
        let (target_orders, payload_orders) = (target.id_orders(), source.id_orders());
        let target_payload = target.into_payload();
        let payload = source.into_payload();
        // Items whose prints agree are equal: only the others are walked field by field.
        // (Variables are printed by structure, so they are always walked.)
        let known_equal = |kind: &str, old: usize, new: usize| {
            Kind::parse(kind).filter(|kind| *kind != Kind::Variables).is_some_and(|kind| {
                let old = target_prints.of_kind(kind).get(old);
                old.is_some() && old == payload_prints.of_kind(kind).get(new)
            })
        };
        // Each side's ids were sorted when it was read: the diff need not sort them again.
        let orders: [(&[usize], &[usize]); 6] = std::array::from_fn(|k| {
            (target_orders.get(k).map_or(&[][..], Vec::as_slice), payload_orders.get(k).map_or(&[][..], Vec::as_slice))
        });
        let known = Known { equal: &known_equal, orders, values_in_after: true };
        let mut changes = diff_workspaces_knowing(&target_payload, &payload, &known);
        if let Some(variables) = changes.kinds.get_mut(Kind::Variables.as_str()) {
            variables.defaults_kept = Some(merge.defaults_kept);
            variables.defaults_reset = Some(merge.defaults_reset);
        }
        let prefix_redacted =
            SHARED_PREFIX.iter().any(|kind| kind.promoted_index().and_then(|k| redacted.get(k)) == Some(&true));
        let workflows_redacted = Kind::Workflows.promoted_index().and_then(|k| redacted.get(k)) == Some(&true);
        let source_workflows = (!workflows_redacted).then_some(&source_text);
        let fingerprint = if prefix_redacted {
            fingerprint(&payload)
        } else {
            finish_payload_print(shared_prefix, &payload, source_workflows)
        };
        let selection = selected.map(|selected| selected.finish(&mut findings));

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
            previous: previous_audit,
            approvers: approvers(&gates),
        };
        let unchanged = redacted.map(|redacted| !redacted);
        let plan = SyncPlan {
            decision,
            from,
            to,
            payload,
            changes,
            excluded,
            manifest,
            fingerprint,
            source_fingerprint,
            target_fingerprint: target_text.fingerprint(),
            policy_fingerprint: self.policy().fingerprint().to_owned(),
            gates,
            audit,
            selection,
        };
        Ok((plan, PayloadText { source: source_text, unchanged }))
    }
}

/// Replaces identifiers redacted as inline secrets wherever an answer repeats identifiers: the
/// messages, and the id lists of the change set (the target may hold the same ids).
pub(crate) fn scrub(secrets: &[String], findings: &mut Findings, changes: &mut ChangeSet) {
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
fn canonical_members(members: &Map, skip: usize) -> Option<Vec<(&'static str, &Value)>> {
    if members.len() != CANONICAL_ORDER.len() {
        return None;
    }
    CANONICAL_ORDER.iter().skip(skip).map(|kind| Some((kind.as_str(), members.get(kind.as_str())?))).collect()
}

/// The hash state after the [`SHARED_PREFIX`] kinds of the source's canonical text (when its
/// payload has the six kinds), and the source's fingerprint (that of
/// `filterContent(source).payload`).
fn source_prints(source: &CanonicalText) -> (Option<sha2::Sha256>, String) {
    let six = source.members().len() == CANONICAL_ORDER.len()
        && source.members().iter().zip(CANONICAL_ORDER).all(|(member, kind)| member.key == kind.as_str());
    let split = if six { SHARED_PREFIX.len() } else { source.members().len() };
    source.fingerprint_split(split)
}

/// The payload's fingerprint from the shared prefix: its remaining kinds hashed after it, the
/// workflows from the source's canonical text when given (they were not changed since).
fn finish_payload_print(prefix: Option<sha2::Sha256>, payload: &Value, source: Option<&CanonicalText>) -> String {
    let rest = payload.as_object().and_then(|members| canonical_members(members, SHARED_PREFIX.len()));
    match (prefix, rest) {
        (Some(prefix), Some(rest)) => {
            let mut print = ObjectPrint::resume(prefix, false);
            for (key, value) in rest {
                let text = source
                    .filter(|_| key == Kind::Workflows.as_str())
                    .and_then(|source| source.member(key))
                    .filter(|member| value.as_array().map(Vec::len) == Some(member.items.len()));
                match (text, source) {
                    (Some(member), Some(source)) => print.member_text(key, source.text(member.value.clone())),
                    _ => print.member(key, value),
                }
            }
            print.finish()
        }
        _ => fingerprint(payload),
    }
}

/// Every default value of the payload must fit its type (`INVALID_VARIABLE_VALUE`); `prefixes`
/// are the pointers of the payload's origin and of the workspace whose defaults it keeps.
pub(crate) fn check_defaults(
    payload: &Workspace,
    origins: &[DefaultOrigin],
    prefixes: (&str, &str),
    findings: &mut Findings,
) {
    let (source_prefix, target_prefix) = prefixes;
    let values = payload.values(Kind::Variables);
    for (i, ((item, info), value)) in
        payload.items(Kind::Variables).iter().zip(payload.variables()).zip(values).enumerate()
    {
        let Some(default) = default_value(value) else { continue };
        if info.var_type.fits(default) {
            continue;
        }
        let path = match origins.get(i) {
            Some(DefaultOrigin::Target(j)) => child(&item_path(target_prefix, Kind::Variables, *j), DEFAULT_VALUE),
            _ => child(&item_path(source_prefix, Kind::Variables, i), DEFAULT_VALUE),
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
pub(crate) fn report_unused_acknowledgements(acknowledge: &[(Kind, String)], used: &[bool], findings: &mut Findings) {
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
    fn the_text_answer_writes_again_what_it_cannot_copy() {
        // Keys whose UTF-16 order differs from their UTF-8 order (U+FFFF sorts after U+1F600 in
        // UTF-8, before it in UTF-16), a redacted inline secret, merged variables: each kind's
        // text is copied only when it is the plain JSON text of the payload's kind.
        let text = r#"{"actor":{"id":"quinn","roles":["developer"]},"from":"dev","to":"test",
            "source":{
              "agents":[{"id":"a","meta":{"\uffff":1,"\ud83d\ude00":2}}],
              "channels":[{"id":"c","token":"literal-secret-value"}],
              "knowledgeBase":[{"id":"k","content":["x \"quoted\"\n","é"],"n":[1.5,-0,1e15,1E-7]}],
              "variables":[{"name":"V","type":"string","defaultValue":"dev"}],
              "workflows":[{"id":"w","steps":[{"id":"s"}]}]},
            "target":{"variables":[{"name":"V","type":"string","defaultValue":"test"}]}}"#;
        let rules = PromotionRules::default();
        let plan = rules.plan_sync_value(crate::json::parse(text).unwrap()).unwrap();
        assert!(plan.decision.violations.iter().any(|v| v.code == IssueCode::InlineSecret));
        assert_eq!(crate::api::plan_sync(&rules, text).unwrap(), crate::write::to_json(&plan));
    }

    #[test]
    fn prints_from_the_shared_prefix_are_the_fingerprints_of_the_payloads() {
        // Every promoted kind, keys that sort differently in UTF-16 and UTF-8, numbers in several forms.
        let text = r#"{"agents":[{"id":"a","tone":"calm","meta":{"\uffff":1,"\ud83d\ude00":2}}],
            "workflows":[{"id":"w","steps":[{"id":"s","n":[1.5,1e21,-0]}],"uses":[{"kind":"variables","id":"V"}]}],
            "knowledgeBase":[{"id":"k","content":"é \"quoted\"\n"}],"integrations":[{"id":"i","url":"https://x.example"}],
            "channels":[{"id":"c"}],"variables":[{"name":"V","type":"string","defaultValue":"d","usage":["w"]}],
            "conversations":[1,2]}"#;
        let source = Workspace::from_value(crate::json::parse(text).unwrap(), "", &Limits::DEFAULT).unwrap();
        let source_text = CanonicalText::of_object(source.payload());
        let (prefix, print) = source_prints(&source_text);
        assert_eq!(print, Workspace::payload_fingerprint(&source));
        let same = Value::Object(source.payload().clone());
        assert_eq!(finish_payload_print(prefix.clone(), &same, Some(&source_text)), print);
        let mut changed = source.payload().clone();
        changed.insert("variables".into(), Value::Array(vec![Value::Null]));
        let changed_variables = Value::Object(changed.clone());
        assert_eq!(
            finish_payload_print(prefix.clone(), &changed_variables, Some(&source_text)),
            fingerprint(&changed_variables)
        );
        changed.insert("workflows".into(), Value::Array(Vec::new()));
        let changed = Value::Object(changed);
        assert_eq!(finish_payload_print(prefix.clone(), &changed, None), fingerprint(&changed));
        assert_eq!(finish_payload_print(None, &changed, Some(&source_text)), fingerprint(&changed));
    }
}

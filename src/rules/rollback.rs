//! Rollback: restore an earlier version (e.g. a published snapshot) in an environment, with a
//! preview of what changes and without silently dropping what was changed in place since.

use crate::diff::{diff_workspaces, ChangeSet};
use crate::environment::Environment;
use crate::error::Result;
use crate::fingerprint::fingerprint;
use crate::input::take_environment;
use crate::input::{into_object, reject_unknown};
use crate::issue::{Decision, Findings, IssueCode};
use crate::json::check_depth;
use crate::limits::Limits;
use crate::manifest::{ItemPrints, Manifest};
use crate::policy::{Action, Actor};
use crate::rules::drift::in_place_changes;
use crate::rules::gates::{GateAnswer, GateFields, GatedPlan};
use crate::rules::merge;
use crate::rules::sync::{
    approvers, authors, changed_items, check_defaults, report_unused_acknowledgements, scrub, take_acknowledgements,
};
use crate::rules::{inline, read_previous_audit, references, Audit, AuditEvent, PromotionRules};
use crate::value::Value;
use crate::workspace::{IdIndex, Kind, Workspace};

/// `planRollback`'s request.
#[derive(Debug, Clone, PartialEq)]
pub struct RollbackRequest {
    /// Who rolls back.
    pub actor: Actor,
    /// Where.
    pub environment: Environment,
    /// The environment's workspace as it is now.
    pub workspace: Workspace,
    /// The version to restore: a workspace as it was (its promoted content is restored).
    pub version: Workspace,
    /// The manifest of the last sync into the environment: what was changed in place since.
    pub base: Option<Manifest>,
    /// `kind/id` entries of in-place changes the actor accepts to drop.
    pub acknowledge: Vec<(Kind, String)>,
    /// The fingerprint of the last audit record, written as `audit.previous`.
    pub previous_audit: Option<String>,
    /// Approvals and `now`, for the gate of the environment.
    pub gate: GateFields,
}

impl RollbackRequest {
    /// Reads `{ actor, environment, workspace, version, base?, acknowledge?, previousAudit?,
    /// approvals?, now? }`.
    pub fn from_value(value: Value, limits: &Limits) -> Result<RollbackRequest> {
        check_depth(&value, limits)?;
        Self::from_parsed(value, limits)
    }

    /// [`RollbackRequest::from_value`] for a value read by [`crate::json::parse_with_limits`]
    /// under `limits`, whose depth the reader has checked already.
    pub(crate) fn from_parsed(value: Value, limits: &Limits) -> Result<RollbackRequest> {
        let mut map = into_object(value, "", "the rollback request")?;
        reject_unknown(
            &map,
            &[
                "actor",
                "environment",
                "workspace",
                "version",
                "base",
                "acknowledge",
                "previousAudit",
                "approvals",
                "now",
                "sourceSince",
            ],
            "",
            "A rollback request",
        )?;
        let actor = Actor::take(&mut map, "", "The actor")?;
        let environment = take_environment(&mut map, "environment", "", "The environment")?;
        let workspace = Workspace::take(&mut map, "workspace", "The workspace as it is now", limits)?;
        let version = Workspace::take(&mut map, "version", "The version to restore", limits)?;
        let base = Manifest::take_optional(&mut map, "base")?;
        let acknowledge = take_acknowledgements(&mut map)?;
        let previous_audit = read_previous_audit(&mut map)?;
        let gate = GateFields::take(&mut map)?;
        Ok(RollbackRequest { actor, environment, workspace, version, base, acknowledge, previous_audit, gate })
    }
}

/// The mode of a [`RollbackPlan`]: always `"rollback"`, so that a front end that shows publish
/// and rollback plans side by side tells them apart by `mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollbackMode {
    /// An earlier version is restored.
    Rollback,
}

/// `planRollback`'s answer: the decision and what the environment will hold.
#[derive(Debug, Clone, PartialEq)]
pub struct RollbackPlan {
    /// `allowed`, `violations`, `warnings`.
    pub decision: Decision,
    /// `rollback`.
    pub mode: RollbackMode,
    /// The environment rolled back.
    pub environment: Environment,
    /// The promoted content the environment must hold after the rollback: all six kinds.
    pub payload: Value,
    /// From the workspace's promoted content to the payload.
    pub changes: ChangeSet,
    /// `{kind: {id: fingerprint}}` of the payload: the environment's next `base`.
    pub manifest: Manifest,
    /// Fingerprint of the payload.
    pub fingerprint: String,
    /// Fingerprint of the version's promoted content.
    pub version_fingerprint: String,
    /// Fingerprint of the workspace's promoted content now (to detect a stale plan).
    pub workspace_fingerprint: String,
    /// Fingerprint of the normalised policy.
    pub policy_fingerprint: String,
    /// The gate of the environment: what it requires and what is still missing; `null` without one.
    pub gates: Option<GateAnswer>,
    /// The audit record (`workspace.rollback`).
    pub audit: Audit,
}

impl PromotionRules {
    /// Plans a rollback: the version's promoted content with the environment's variable defaults
    /// kept (as a sync keeps them), the rules of a sync's payload (inline secrets, references),
    /// and `WOULD_REVERT_HOTFIX` for what was changed in place since `base` and would be dropped.
    pub fn plan_rollback(&self, request: RollbackRequest) -> Result<RollbackPlan> {
        let RollbackRequest {
            actor,
            environment: env,
            workspace,
            mut version,
            base,
            acknowledge,
            previous_audit,
            gate,
        } = request;
        self.require_in_chain(env, "/environment")?;
        let mut findings = Findings::default();
        self.require(&mut findings, &actor, Action::Rollback, env, "/actor");
        findings.warnings.extend(version.unknown_kind_warnings("/version"));
        let version_fingerprint = version.payload_fingerprint();

        // The payload: the version, with the environment's defaults kept.
        let merge = merge::merge(&version, &workspace, "/version/variables");
        findings.warnings.extend(merge.warnings);
        if let Some(values) = version.values_mut(Kind::Variables) {
            let merged = merge::apply_merge(std::mem::take(values), workspace.values(Kind::Variables), &merge.origins);
            *values = merged;
        }
        check_defaults(&version, &merge.origins, ("/version", "/workspace"), &mut findings);
        // Every decision reads the content as sent; only the answer is redacted (below).
        let redactions = inline::check(
            &version,
            "/version",
            Some((&merge.origins, "/workspace")),
            self.policy().inline_secrets(),
            &mut findings,
        );
        references::check(&version, &workspace, env, "/version", ("this rollback", "the version"), &mut findings);

        // What was changed in place since the last sync and the rollback would drop.
        let mut payload_prints = ItemPrints::of(&version);
        let workspace_prints = ItemPrints::of_reusing(&workspace, &version, &payload_prints);
        // Who wrote what the rollback adds or modifies: they may not approve it.
        let authors = authors(&version, &changed_items(&version, &payload_prints, &workspace, &workspace_prints));
        match &base {
            Some(base) => {
                check_dropped_changes(
                    &version,
                    &payload_prints,
                    &workspace,
                    &workspace_prints,
                    base,
                    &acknowledge,
                    env,
                    &mut findings,
                );
            }
            None => {
                if env == Environment::Production {
                    findings.warning(
                        IssueCode::NoBaseManifest,
                        "No base manifest was given, so hotfixes made in production cannot be protected from the rollback; send the manifest of the last sync as base.",
                        Some("/base".into()),
                    );
                }
                report_unused_acknowledgements(&acknowledge, &vec![false; acknowledge.len()], &mut findings);
            }
        }

        // The answer: blocked inline secrets redacted, and never repeated as identifiers.
        let redacted = inline::redact(&mut version, &redactions);
        let mut secret_ids = Vec::new();
        for kind in Kind::PROMOTED {
            if kind.promoted_index().and_then(|k| redacted.get(k)) == Some(&true) {
                version.reread_identifiers(kind, &mut secret_ids);
            }
        }
        if redacted.contains(&true) {
            payload_prints = ItemPrints::of(&version);
        }

        let manifest = payload_prints.manifest(&version);
        let workspace_payload = workspace.into_payload();
        let payload = version.into_payload();
        let fingerprint = fingerprint(&payload);
        // The environment's gate judges this plan as it judges a sync into `env` (approvals of
        // `fingerprint`, windows); a rollback has no soak.
        let gated = GatedPlan {
            environment: env,
            fingerprint: &fingerprint,
            actor: &actor,
            authors: &authors,
            soaks: false,
            hotfix: false,
        };
        let gates = self.check_gate(&gated, &gate, &mut findings)?;

        let mut changes = diff_workspaces(&workspace_payload, &payload);
        if let Some(variables) = changes.kinds.get_mut(Kind::Variables.as_str()) {
            variables.defaults_kept = Some(merge.defaults_kept);
            variables.defaults_reset = Some(merge.defaults_reset);
        }
        if !secret_ids.is_empty() {
            scrub(&secret_ids, &mut findings, &mut changes);
        }
        let decision = findings.into_decision();
        let audit = Audit {
            event: AuditEvent::Rollback,
            actor: actor.id,
            from: None,
            to: None,
            environment: Some(env),
            allowed: decision.allowed,
            codes: decision.codes(),
            fingerprint: fingerprint.clone(),
            previous: previous_audit,
            approvers: approvers(&gates),
        };
        Ok(RollbackPlan {
            decision,
            mode: RollbackMode::Rollback,
            environment: env,
            payload,
            changes,
            manifest,
            fingerprint,
            version_fingerprint,
            workspace_fingerprint: crate::fingerprint::fingerprint(&workspace_payload),
            policy_fingerprint: self.policy().fingerprint().to_owned(),
            gates,
            audit,
        })
    }
}

/// `WOULD_REVERT_HOTFIX` (or, acknowledged, its warning) for every item changed, added or deleted
/// in place since `base` whose copy in the version differs from the environment's: the rollback
/// would drop that change.
#[allow(clippy::too_many_arguments)]
fn check_dropped_changes(
    payload: &Workspace,
    payload_prints: &ItemPrints,
    workspace: &Workspace,
    workspace_prints: &ItemPrints,
    base: &Manifest,
    acknowledge: &[(Kind, String)],
    env: Environment,
    findings: &mut Findings,
) {
    let mut used = vec![false; acknowledge.len()];
    let positions: Vec<IdIndex> = Kind::PROMOTED.iter().map(|&kind| IdIndex::of(payload, kind)).collect();
    for change in in_place_changes(workspace, workspace_prints, base) {
        let version_print = change
            .kind
            .promoted_index()
            .and_then(|k| positions.get(k))
            .and_then(|ids| ids.get(change.id))
            .and_then(|i| payload_prints.of_kind(change.kind).get(i))
            .map(String::as_str);
        if version_print == change.now {
            continue; // the version holds the very same copy: nothing is dropped
        }
        let acknowledged = acknowledge.iter().position(|(kind, id)| *kind == change.kind && id == change.id);
        if let Some(slot) = acknowledged.and_then(|i| used.get_mut(i)) {
            *slot = true;
        }
        let label = change.label();
        findings.either(
            acknowledged.is_some(),
            IssueCode::WouldRevertHotfix,
            format!(
                "{label} was {} in {env} since the last sync and this rollback would drop that change; recreate it in dev and promote it after the rollback, or acknowledge \"{label}\" to drop it.",
                change.what()
            ),
            Some(change.path("/workspace")),
        );
    }
    report_unused_acknowledgements(acknowledge, &used, findings);
}

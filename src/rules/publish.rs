//! Publish: go live in production, or publish a declared hotfix.

use crate::diff::{diff_workspaces, ChangeSet};
use crate::environment::Environment;
use crate::error::Result;
use crate::input::{into_object, reject_unknown, take_optional};
use crate::issue::{Decision, Findings, IssueCode};
use crate::json::check_depth;
use crate::limits::Limits;
use crate::manifest::{ItemPrints, Manifest};
use crate::policy::{Action, Actor};
use crate::rules::drift::in_place_changes;
use crate::rules::edit::HotfixDeclaration;
use crate::rules::gates::{GateAnswer, GateFields, GatedPlan};
use crate::rules::sync::{approvers, authors, changed_items};
use crate::rules::{read_previous_audit, Audit, AuditEvent, PromotionRules};
use crate::value::Value;
use crate::workspace::{Kind, Workspace};

/// `planPublish`'s request.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishRequest {
    /// Who publishes.
    pub actor: Actor,
    /// The production workspace to publish.
    pub workspace: Workspace,
    /// What is live now, to show the changes.
    pub live: Option<Workspace>,
    /// The manifest the last sync into production answered.
    pub base: Option<Manifest>,
    /// A declared hotfix.
    pub hotfix: Option<HotfixDeclaration>,
    /// The fingerprint of the last audit record, written as `audit.previous`.
    pub previous_audit: Option<String>,
    /// Approvals and `now`, for the gate of production.
    pub gate: GateFields,
}

impl PublishRequest {
    /// Reads `{ actor, workspace, live?, base?, hotfix? }`.
    pub fn from_value(value: Value, limits: &Limits) -> Result<PublishRequest> {
        check_depth(&value, limits)?;
        Self::from_parsed(value, limits)
    }

    /// [`PublishRequest::from_value`] for a value read by [`crate::json::parse_with_limits`] under
    /// `limits`, whose depth the reader has checked already.
    pub(crate) fn from_parsed(value: Value, limits: &Limits) -> Result<PublishRequest> {
        let mut map = into_object(value, "", "the publish request")?;
        reject_unknown(
            &map,
            &["actor", "workspace", "live", "base", "hotfix", "previousAudit", "approvals", "now", "sourceSince"],
            "",
            "A publish request",
        )?;
        let actor = Actor::take(&mut map, "", "The actor")?;
        let workspace = Workspace::take(&mut map, "workspace", "The workspace to publish", limits)?;
        let live = Workspace::take_optional(&mut map, "live", limits, None)?;
        let base = Manifest::take_optional(&mut map, "base")?;
        let hotfix =
            take_optional(&mut map, "hotfix").map(|h| HotfixDeclaration::from_value(h, "/hotfix")).transpose()?;
        let previous_audit = read_previous_audit(&mut map)?;
        let gate = GateFields::take(&mut map)?;
        Ok(PublishRequest { actor, workspace, live, base, hotfix, previous_audit, gate })
    }
}

/// Go-live (production equals what was synced in) or hotfix (declared in-place changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishMode {
    /// What is published is what was synced in.
    GoLive,
    /// Declared in-place changes are published.
    Hotfix,
}

/// An item published by hotfix: it is not propagated and must be recreated in dev.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hotfix {
    /// Its kind.
    pub kind: Kind,
    /// Its id (a variable's name).
    pub id: String,
    /// Its fingerprint as published; `null` when the hotfix deletes it.
    pub fingerprint: Option<String>,
    /// The declared reason.
    pub reason: String,
}

/// `planPublish`'s answer.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishPlan {
    /// `allowed`, `violations`, `warnings`.
    pub decision: Decision,
    /// `goLive` or `hotfix`.
    pub mode: PublishMode,
    /// From `live` to the workspace (the documents as given), when `live` is given.
    pub changes: Option<ChangeSet>,
    /// The items published by hotfix, to recreate in dev.
    pub hotfixes: Vec<Hotfix>,
    /// Fingerprint of the published promoted content.
    pub fingerprint: String,
    /// The gate of production: what it requires and what is still missing; `null` without one.
    pub gates: Option<GateAnswer>,
    /// The audit record.
    pub audit: Audit,
}

impl PromotionRules {
    /// Plans a publish in production.
    pub fn plan_publish(&self, request: PublishRequest) -> Result<PublishPlan> {
        let PublishRequest { actor, workspace, live, base, hotfix, previous_audit, gate } = request;
        let production = self.require_in_chain(Environment::Production, "")?;
        let mut findings = Findings::default();
        self.require(&mut findings, &actor, Action::Publish, production, "/actor");
        findings.warnings.extend(workspace.unknown_kind_warnings("/workspace"));

        let mut mode = PublishMode::GoLive;
        let mut hotfixes = Vec::new();
        match &base {
            None => findings.warning(
                IssueCode::NoBaseManifest,
                "No base manifest was given, so in-place changes cannot be told apart from what was synced in; send the manifest of the last sync into production as base.",
                Some("/base".into()),
            ),
            Some(base) => {
                let prints = ItemPrints::of(&workspace);
                let changes = in_place_changes(&workspace, &prints, base);
                match &hotfix {
                    None => {
                        for change in &changes {
                            let label = change.label();
                            findings.violation(
                                IssueCode::UndeclaredHotfix,
                                format!(
                                    "{label} was {} in production since the last sync; declare a hotfix with a reason, or publish what was synced in.",
                                    change.what()
                                ),
                                Some(change.path("/workspace")),
                            );
                        }
                    }
                    Some(_) if changes.is_empty() => findings.warning(
                        IssueCode::NothingToHotfix,
                        "A hotfix is declared but production equals what was synced in, so this is a go-live; drop the hotfix declaration.",
                        Some("/hotfix".into()),
                    ),
                    Some(declaration) => {
                        // Only a publish that really is a hotfix needs the hotfix action.
                        self.require(&mut findings, &actor, Action::Hotfix, production, "/actor");
                        mode = PublishMode::Hotfix;
                        hotfixes = changes
                            .iter()
                            .map(|change| Hotfix {
                                kind: change.kind,
                                id: change.id.to_owned(),
                                fingerprint: change.now.map(str::to_owned),
                                reason: declaration.reason.clone(),
                            })
                            .collect();
                    }
                }
            }
        }

        let fingerprint = workspace.payload_fingerprint();
        // What the publish adds or modifies: against what is live, else against what was synced
        // in, else (nothing to compare with) every item.
        let approvals_gated = self.policy().gates().get(production).is_some_and(|gate| gate.approvals.is_some());
        let changed: Vec<(Kind, usize)> = match (&live, &base) {
            _ if !approvals_gated => Vec::new(),
            (Some(live), _) => changed_items(&workspace, &ItemPrints::of(&workspace), live, &ItemPrints::of(live)),
            (None, Some(base)) => in_place_changes(&workspace, &ItemPrints::of(&workspace), base)
                .into_iter()
                .filter_map(|change| Some((change.kind, change.index?)))
                .collect(),
            (None, None) => Kind::PROMOTED
                .iter()
                .flat_map(|&kind| (0..workspace.items(kind).len()).map(move |i| (kind, i)))
                .collect(),
        };
        let authors = authors(&workspace, &changed);
        let gated = GatedPlan {
            environment: production,
            fingerprint: &fingerprint,
            actor: &actor,
            authors: &authors,
            soaks: false,
            hotfix: mode == PublishMode::Hotfix,
        };
        let gates = self.check_gate(&gated, &gate, &mut findings)?;
        // Between the documents as given, as `diffWorkspaces(live, workspace)` answers: the patch
        // applies to `live` itself.
        let changes = live.map(|live| diff_workspaces(&live.to_value(), &workspace.to_value()));
        let decision = findings.into_decision();
        let audit = Audit {
            event: AuditEvent::Publish,
            actor: actor.id,
            from: None,
            to: None,
            environment: Some(production),
            allowed: decision.allowed,
            codes: decision.codes(),
            fingerprint: fingerprint.clone(),
            previous: previous_audit,
            approvers: approvers(&gates),
        };
        Ok(PublishPlan { decision, mode, changes, hotfixes, fingerprint, gates, audit })
    }
}

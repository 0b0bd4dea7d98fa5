//! Edit check: may this actor change this environment's workspace from `before` to `after`?

use crate::diff::{diff_workspaces, ChangeSet};
use crate::environment::Environment;
use crate::error::Result;
use crate::fingerprint::fingerprint;
use crate::input::take_environment;
use crate::input::{into_object, into_string, reject_unknown, take_optional};
use crate::issue::{Decision, Findings, IssueCode};
use crate::json::check_depth;
use crate::limits::Limits;
use crate::manifest::item_fingerprint;
use crate::pointer::child;
use crate::policy::{Action, Actor};
use crate::rules::{empty_reason, item_path, read_previous_audit, Audit, AuditEvent, PromotionRules};
use crate::value::Value;
use crate::variables::{default_value, DEFAULT_VALUE};
use crate::workspace::{IdIndex, Kind, Workspace};

/// A hotfix declaration: `{ "reason": "…" }`, the reason non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotfixDeclaration {
    /// Why production must change now.
    pub reason: String,
}

impl HotfixDeclaration {
    /// Reads `{ reason }` at `path`.
    pub fn from_value(value: Value, path: &str) -> Result<HotfixDeclaration> {
        let mut map = into_object(value, path, "the hotfix declaration")?;
        reject_unknown(&map, &["reason"], path, "A hotfix declaration")?;
        let reason_path = child(path, "reason");
        let reason = match take_optional(&mut map, "reason") {
            Some(reason) => into_string(reason, &reason_path, "the hotfix reason")?,
            None => return Err(empty_reason(&reason_path)),
        };
        if reason.trim().is_empty() {
            return Err(empty_reason(&reason_path));
        }
        Ok(HotfixDeclaration { reason })
    }
}

/// `checkEdit`'s request.
#[derive(Debug, Clone, PartialEq)]
pub struct EditRequest {
    /// Who edits.
    pub actor: Actor,
    /// Where.
    pub environment: Environment,
    /// The workspace before the edit.
    pub before: Workspace,
    /// The workspace after the edit.
    pub after: Workspace,
    /// A declared production hotfix.
    pub hotfix: Option<HotfixDeclaration>,
    /// The fingerprint of the last audit record, written as `audit.previous`.
    pub previous_audit: Option<String>,
}

impl EditRequest {
    /// Reads `{ actor, environment, before, after, hotfix? }`.
    pub fn from_value(value: Value, limits: &Limits) -> Result<EditRequest> {
        check_depth(&value, limits)?;
        Self::from_parsed(value, limits)
    }

    /// [`EditRequest::from_value`] for a value read by [`crate::json::parse_with_limits`] under
    /// `limits`, whose depth the reader has checked already.
    pub(crate) fn from_parsed(value: Value, limits: &Limits) -> Result<EditRequest> {
        let mut map = into_object(value, "", "the edit request")?;
        reject_unknown(
            &map,
            &["actor", "environment", "before", "after", "hotfix", "previousAudit"],
            "",
            "An edit request",
        )?;
        let actor = Actor::take(&mut map, "", "The actor")?;
        let environment = take_environment(&mut map, "environment", "", "The environment")?;
        let before = Workspace::take(&mut map, "before", "The workspace before the edit", limits)?;
        let after = Workspace::take(&mut map, "after", "The workspace after the edit", limits)?;
        let hotfix =
            take_optional(&mut map, "hotfix").map(|h| HotfixDeclaration::from_value(h, "/hotfix")).transpose()?;
        let previous_audit = read_previous_audit(&mut map)?;
        Ok(EditRequest { actor, environment, before, after, hotfix, previous_audit })
    }
}

/// `checkEdit`'s answer.
#[derive(Debug, Clone, PartialEq)]
pub struct EditCheck {
    /// `allowed`, `violations`, `warnings`.
    pub decision: Decision,
    /// From `before` to `after`.
    pub changes: ChangeSet,
    /// The audit record.
    pub audit: Audit,
}

impl PromotionRules {
    /// Checks an edit: promoted content changes only in dev (or by a declared hotfix in
    /// production), variable structure only in dev, defaults and local kinds with their actions.
    pub fn check_edit(&self, request: EditRequest) -> Result<EditCheck> {
        let EditRequest { actor, environment: env, before, after, hotfix, previous_audit } = request;
        self.require_in_chain(env, "/environment")?;
        let mut findings = Findings::default();
        findings.warnings.extend(after.unknown_kind_warnings("/after"));
        let after_value = after.to_value();
        let changes = diff_workspaces(&before.to_value(), &after_value);
        let indexes: Vec<(IdIndex, IdIndex)> =
            Kind::PROMOTED.iter().map(|&kind| (IdIndex::of(&before, kind), IdIndex::of(&after, kind))).collect();
        let in_before =
            |kind: Kind, id: &str| kind.promoted_index().and_then(|k| indexes.get(k)).and_then(|i| i.0.get(id));
        let in_after =
            |kind: Kind, id: &str| kind.promoted_index().and_then(|k| indexes.get(k)).and_then(|i| i.1.get(id));
        let path_of = |kind: Kind, id: &str| match in_after(kind, id) {
            Some(i) => item_path("/after", kind, i),
            None => in_before(kind, id).map_or_else(|| format!("/before/{kind}"), |i| item_path("/before", kind, i)),
        };

        if hotfix.is_some() {
            if env != Environment::Production {
                findings.violation(
                    IssueCode::ReadOnlyEnvironment,
                    format!("Hotfixes exist only in production, not in {env}; make the change in dev and promote it."),
                    Some("/hotfix".into()),
                );
            } else {
                self.require(&mut findings, &actor, Action::Hotfix, env, "/actor");
            }
        }

        for kind in Kind::CONTENT {
            let Some(kind_changes) = changes.kinds.get(kind.as_str()) else { continue };
            let changed = kind_changes
                .added
                .iter()
                .chain(kind_changes.modified.iter().map(|m| &m.id))
                .chain(&kind_changes.removed);
            for id in changed {
                let path = path_of(kind, id);
                if env == Environment::Dev {
                    self.require(&mut findings, &actor, Action::Edit, env, &path);
                } else if env != Environment::Production || hotfix.is_none() {
                    findings.violation(
                        IssueCode::ReadOnlyEnvironment,
                        if env == Environment::Production {
                            format!("{kind}/{id} is read-only in production; declare a hotfix with a reason, or change it in dev and promote it.")
                        } else {
                            format!("{kind}/{id} is read-only in {env}; change it in dev and promote it.")
                        },
                        Some(path),
                    );
                }
            }
        }

        if let Some(variable_changes) = changes.kinds.get(Kind::Variables.as_str()) {
            // The structure as the manifests see it: `usage` absent and `[]` are the same.
            let structure_of = |workspace: &Workspace, at: Option<usize>| {
                let value = at.and_then(|i| workspace.values(Kind::Variables).get(i));
                value.map(|value| item_fingerprint(Kind::Variables, value))
            };
            let structural = variable_changes.added.iter().chain(&variable_changes.removed).chain(
                variable_changes
                    .modified
                    .iter()
                    .filter(|m| {
                        structure_of(&before, in_before(Kind::Variables, &m.id))
                            != structure_of(&after, in_after(Kind::Variables, &m.id))
                    })
                    .map(|m| &m.id),
            );
            for name in structural {
                let path = path_of(Kind::Variables, name);
                if env == Environment::Dev {
                    self.require(&mut findings, &actor, Action::Edit, env, &path);
                } else {
                    findings.violation(
                        IssueCode::VariableStructureLocked,
                        format!("The structure of the variable {name} changes only in dev; only its default value may change in {env}."),
                        Some(path),
                    );
                }
            }
            // Every added or modified variable must end with a default that fits its type: a new
            // default, and also an old default under a changed type.
            let added = variable_changes.added.iter().map(|name| (name, false));
            let modified =
                variable_changes.modified.iter().map(|m| (&m.id, m.fields.iter().any(|f| is_default_field(f))));
            for (name, default_changed) in added.chain(modified) {
                let Some(i) = in_after(Kind::Variables, name) else { continue };
                let default_path = child(&item_path("/after", Kind::Variables, i), DEFAULT_VALUE);
                if default_changed {
                    self.require(&mut findings, &actor, Action::EditVariableDefault, env, &default_path);
                }
                let value = after.values(Kind::Variables).get(i).and_then(default_value);
                let info = after.variables().get(i);
                if let (Some(value), Some(info)) = (value, info) {
                    if !info.var_type.fits(value) {
                        findings.violation(
                            IssueCode::InvalidVariableValue,
                            format!(
                                "The default value of {name} is not a {} value; give it a value of that type.",
                                info.var_type.as_str()
                            ),
                            Some(default_path),
                        );
                    }
                }
            }
        }

        for kind in &changes.local {
            self.require(&mut findings, &actor, Action::EditLocal, env, &format!("/after/{kind}"));
        }

        let decision = findings.into_decision();
        let audit = Audit {
            event: AuditEvent::Edit,
            actor: actor.id,
            from: None,
            to: None,
            environment: Some(env),
            allowed: decision.allowed,
            codes: decision.codes(),
            fingerprint: fingerprint(&after_value),
            previous: previous_audit,
            approvers: None,
        };
        Ok(EditCheck { decision, changes, audit })
    }
}

fn is_default_field(pointer: &str) -> bool {
    pointer.strip_prefix("/defaultValue").is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

//! The decisions: one file per rule set, and [`PromotionRules`], the engine that answers them.

pub mod drift;
pub mod edit;
pub mod gates;
pub(crate) mod inline;
pub mod merge;
pub mod publish;
pub mod references;
pub mod rollback;
pub mod secrets;
pub mod selection;
pub mod sync;

use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::input::environment_in;
use crate::issue::{Decision, Findings, IssueCode};
use crate::json::check_depth;
use crate::limits::Limits;
use crate::policy::{Action, Actor, CompiledPolicy, Policy};
use crate::value::Value;

pub use edit::{EditCheck, EditRequest, HotfixDeclaration};
pub use gates::{
    Approval, ApprovalsAnswer, GateAnswer, GateFields, SoakAnswer, UncountedApproval, Verdict, WindowAnswer,
};
pub use publish::{Hotfix, PublishMode, PublishPlan, PublishRequest};
pub use rollback::{RollbackMode, RollbackPlan, RollbackRequest};
pub use selection::{Closure, PulledIn, Selection};
pub use sync::{SyncPlan, SyncRequest};

/// The kind of event an [`Audit`] record describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    /// A sync from one environment to the next.
    Sync,
    /// A publish in production.
    Publish,
    /// An edit in one environment.
    Edit,
    /// A rollback to an earlier version in one environment.
    Rollback,
}

impl AuditEvent {
    /// The name as written in JSON, e.g. `workspace.sync`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEvent::Sync => "workspace.sync",
            AuditEvent::Publish => "workspace.publish",
            AuditEvent::Edit => "workspace.edit",
            AuditEvent::Rollback => "workspace.rollback",
        }
    }
}

/// The record a back end stores with every decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    /// What happened.
    pub event: AuditEvent,
    /// The acting actor's id.
    pub actor: String,
    /// Source environment (sync).
    pub from: Option<Environment>,
    /// Target environment (sync).
    pub to: Option<Environment>,
    /// The environment (edit, publish).
    pub environment: Option<Environment>,
    /// Whether the decision allowed it.
    pub allowed: bool,
    /// The distinct codes of the violations and warnings, violations first.
    pub codes: Vec<IssueCode>,
    /// The payload's (sync), the published content's (publish) or the edited content's (edit).
    pub fingerprint: String,
    /// The fingerprint of the audit record before this one (the request's `previousAudit`):
    /// the link of the tamper-evident chain that [`crate::audit_chain::verify_audit_chain`] checks.
    pub previous: Option<String>,
    /// The approvers counted by the gate of the environment, when it requires approvals.
    pub approvers: Option<Vec<String>>,
}

/// The rules engine: a policy validated and compiled once, answering every decision.
///
/// ```
/// use promotion_rules::{Action, Actor, Environment, PromotionRules};
///
/// let rules = PromotionRules::default();
/// let dana = Actor::new("dana", ["developer"]);
/// let decision = rules.authorize(&dana, Action::Sync, Environment::Dev).unwrap();
/// assert!(decision.allowed);
/// let refused = rules.authorize(&dana, Action::Publish, Environment::Production).unwrap();
/// assert_eq!(refused.violations[0].code.as_str(), "FORBIDDEN");
/// ```
#[derive(Debug, Clone)]
pub struct PromotionRules {
    policy: CompiledPolicy,
    limits: Limits,
}

impl Default for PromotionRules {
    /// The engine with [`Policy::default_policy`].
    fn default() -> Self {
        PromotionRules::new(Policy::default_policy())
    }
}

impl PromotionRules {
    /// Compiles a policy (already validated: a [`Policy`] cannot hold a broken chain).
    pub fn new(policy: Policy) -> PromotionRules {
        PromotionRules { policy: CompiledPolicy::compile(policy), limits: Limits::DEFAULT }
    }

    /// Reads, validates and compiles a policy given as a JSON value (`INVALID_POLICY` on any mistake).
    pub fn from_policy_value(policy: Value) -> Result<PromotionRules> {
        Ok(PromotionRules::new(Policy::from_value(policy)?))
    }

    /// Reads, validates and compiles policy JSON text (`INVALID_POLICY` on any mistake).
    pub fn from_policy_json(text: &str) -> Result<PromotionRules> {
        Ok(PromotionRules::new(Policy::from_json(text)?))
    }

    /// The same engine with other limits.
    pub fn with_limits(mut self, limits: Limits) -> PromotionRules {
        self.limits = limits;
        self
    }

    /// The limits applied to requests.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The compiled policy.
    pub fn policy(&self) -> &CompiledPolicy {
        &self.policy
    }

    /// The chain, in order.
    pub fn environments(&self) -> Vec<Environment> {
        self.policy.chain().to_vec()
    }

    /// The environment after `env` in the chain; bad input when the chain leaves `env` out.
    pub fn next_environment(&self, env: Environment) -> Result<Option<Environment>> {
        self.require_in_chain(env, "")?;
        Ok(self.policy.chain().next(env))
    }

    /// The chain, as names.
    pub fn environment_names(&self) -> Vec<&'static str> {
        self.environments().into_iter().map(Environment::as_str).collect()
    }

    /// [`PromotionRules::authorize`] of JSON values and names, as the JS API takes them; errors
    /// point at `/actor`, `/action` or `/environment`.
    pub fn authorize_value(&self, actor: Value, action: &str, environment: &str) -> Result<Decision> {
        check_depth(&actor, self.limits()).map_err(|e| Error { path: format!("/actor{}", e.path), ..e })?;
        let actor = Actor::from_value(actor, "/actor")?;
        let action = Action::parse(action).ok_or_else(|| {
            Error::invalid_input(
                "/action",
                format!(
                    "\"{action}\" is not an action; use edit, editVariableDefault, editLocal, sync, publish, hotfix or rollback."
                ),
            )
        })?;
        let env = self.environment(environment, "/environment")?;
        self.authorize(&actor, action, env)
    }

    /// [`PromotionRules::check_edit`] of a request given as a JSON value.
    pub fn check_edit_value(&self, request: Value) -> Result<EditCheck> {
        self.check_edit(EditRequest::from_value(request, self.limits())?)
    }

    /// [`PromotionRules::plan_sync`] of a request given as a JSON value.
    pub fn plan_sync_value(&self, request: Value) -> Result<SyncPlan> {
        self.plan_sync(SyncRequest::from_value(request, self.limits())?)
    }

    /// [`PromotionRules::plan_publish`] of a request given as a JSON value.
    pub fn plan_publish_value(&self, request: Value) -> Result<PublishPlan> {
        self.plan_publish(PublishRequest::from_value(request, self.limits())?)
    }

    /// [`PromotionRules::plan_rollback`] of a request given as a JSON value.
    pub fn plan_rollback_value(&self, request: Value) -> Result<RollbackPlan> {
        self.plan_rollback(RollbackRequest::from_value(request, self.limits())?)
    }

    /// Reads an environment name of the chain (`path` names it in errors).
    pub fn environment(&self, name: &str, path: &str) -> Result<Environment> {
        environment_in(self.policy.chain(), name, path)
    }

    pub(crate) fn require_in_chain(&self, env: Environment, path: &str) -> Result<Environment> {
        self.environment(env.as_str(), path)
    }

    /// Whether the actor may take `action` in `env`: `FORBIDDEN` with whom to ask, or allowed.
    pub fn authorize(&self, actor: &Actor, action: Action, env: Environment) -> Result<Decision> {
        let roles: Vec<&str> = actor.roles.iter().map(String::as_str).collect();
        self.authorize_roles(&actor.id, &roles, action, env)
    }

    /// [`PromotionRules::authorize`] of the actor `id` holding `roles`.
    pub(crate) fn authorize_roles(
        &self,
        id: &str,
        roles: &[&str],
        action: Action,
        env: Environment,
    ) -> Result<Decision> {
        self.require_in_chain(env, "/environment")?;
        let mut findings = Findings::default();
        self.require_roles(&mut findings, id, roles, action, env, "/actor");
        Ok(findings.into_decision())
    }

    /// Adds `FORBIDDEN` at `path` unless the actor may take `action` in `env`; returns whether it may.
    pub(crate) fn require(
        &self,
        findings: &mut Findings,
        actor: &Actor,
        action: Action,
        env: Environment,
        path: &str,
    ) -> bool {
        if self.policy.allows(actor, action, env) {
            return true;
        }
        let roles: Vec<&str> = actor.roles.iter().map(String::as_str).collect();
        self.require_roles(findings, &actor.id, &roles, action, env, path)
    }

    /// [`PromotionRules::require`] for the actor `id` holding `roles`.
    fn require_roles(
        &self,
        findings: &mut Findings,
        id: &str,
        roles: &[&str],
        action: Action,
        env: Environment,
        path: &str,
    ) -> bool {
        if self.policy.roles_allow(roles.iter().copied(), action, env) {
            return true;
        }
        findings.violation(IssueCode::Forbidden, self.forbidden_message(id, roles, action, env), Some(path.to_owned()));
        false
    }

    /// `"{id} holds {holds}, which do not grant {action} in {env}; {remedy}."`, written piece by
    /// piece: a refusal is a common answer of `authorize`, and `format!` costs more than the decision.
    fn forbidden_message(&self, id: &str, roles: &[&str], action: Action, env: Environment) -> String {
        fn push_list(message: &mut String, items: impl Iterator<Item = impl AsRef<str>>) {
            for (i, item) in items.enumerate() {
                if i > 0 {
                    message.push_str(", ");
                }
                message.push_str(item.as_ref());
            }
        }
        let mut message = String::with_capacity(160);
        message.push_str(id);
        let grant = match roles {
            [] => {
                message.push_str(" holds no role, so nothing grants ");
                ""
            }
            [role] => {
                message.push_str(" holds the role ");
                message.push_str(role);
                ", which does not grant "
            }
            roles => {
                message.push_str(" holds the roles ");
                push_list(&mut message, roles.iter());
                ", which do not grant "
            }
        };
        for piece in [grant, action.as_str(), " in ", env.as_str(), "; "] {
            message.push_str(piece);
        }
        let granting = self.policy.roles_granting(action, env);
        match granting.as_slice() {
            [] => {
                for piece in ["no role of the policy grants ", action.as_str(), " in ", env.as_str()] {
                    message.push_str(piece);
                }
                message.push_str(", so change the policy if it must be possible");
            }
            [role] => {
                message.push_str("ask someone with the role ");
                message.push_str(role);
            }
            roles => {
                message.push_str("ask someone with one of the roles ");
                push_list(&mut message, roles.iter());
            }
        }
        message.push('.');
        message
    }
}

/// `prefix/kind/index`: the pointer of an item in a request.
pub(crate) fn item_path(prefix: &str, kind: crate::workspace::Kind, index: usize) -> String {
    let mut path = String::with_capacity(prefix.len() + kind.as_str().len() + 8);
    path.push_str(prefix);
    path.push('/');
    path.push_str(kind.as_str());
    crate::pointer::push_index(&mut path, index);
    path
}

/// Reads the optional `previousAudit` of a planning request: the fingerprint of the last audit
/// record of the log, `sha256:<64 lowercase hex digits>`, written as `audit.previous`.
pub(crate) fn read_previous_audit(map: &mut crate::value::Map) -> Result<Option<String>> {
    let Some(value) = crate::input::take_optional(map, "previousAudit") else { return Ok(None) };
    match value {
        crate::value::Value::String(print) if crate::fingerprint::is_fingerprint(&print) => Ok(Some(print)),
        other => Err(Error::invalid_input(
            "/previousAudit",
            format!(
                "Expected previousAudit as a fingerprint \"sha256:<64 lowercase hex digits>\" of the last audit record, found {}; send fingerprint(lastRecord).",
                match &other {
                    crate::value::Value::String(_) => "another string",
                    other => crate::input::type_name(other),
                }
            ),
        )),
    }
}

/// An `INVALID_INPUT` error for a missing hotfix reason, shared by edit and publish.
pub(crate) fn empty_reason(path: &str) -> Error {
    Error::invalid_input(path, "A hotfix needs a reason; say why production must change now.")
}

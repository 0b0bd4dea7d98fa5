//! The JSON-level API: the functions of the JS API, on parsed JSON values.
//!
//! The WebAssembly layer and the golden corpus both call these, so every runtime answers through
//! the very same code. Paths in errors point into the argument (or, for functions with several
//! arguments, start with the argument's name: `/before/agents/0/id`).

use serde_json::Value;

use crate::audit_chain::AuditChain;
use crate::diff::{diff_workspaces, ChangeSet};
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::fingerprint::fingerprint;
use crate::input::{environment_in, into_string};
use crate::issue::Decision;
use crate::json::{check_depth, parse_skipping, Limits, Skip};
use crate::manifest::{ItemPrints, Manifest};
use crate::policy::{Action, Actor, Policy};
use crate::rules::{
    EditCheck, EditRequest, PromotionRules, PublishPlan, PublishRequest, RollbackPlan, RollbackRequest, SyncPlan,
    SyncRequest,
};
use crate::workspace::{Filtered, Workspace};

/// `defaultPolicy()`: the default policy, normalised.
pub fn default_policy() -> Value {
    Policy::default_policy().to_value()
}

/// `fingerprint(value)`: `sha256:<hex>` of the RFC 8785 canonical JSON of any JSON value.
pub fn fingerprint_of(value: &Value, limits: &Limits) -> Result<String> {
    check_depth(value, limits)?;
    Ok(fingerprint(value))
}

/// `filterContent(workspace)`: the promoted payload, what stays behind, and unknown kinds.
pub fn filter_content(workspace: Value, limits: &Limits) -> Result<Filtered> {
    check_depth(&workspace, limits)?;
    filter_parsed(workspace, limits)
}

/// [`filter_content`] of a value read by [`crate::json::parse_with_limits`] under `limits`.
pub(crate) fn filter_parsed(workspace: Value, limits: &Limits) -> Result<Filtered> {
    Ok(Workspace::from_value(workspace, "", limits)?.filter(""))
}

/// `diffWorkspaces(before, after)`: the change set from one workspace to another.
pub fn diff(before: Value, after: Value, limits: &Limits) -> Result<ChangeSet> {
    check_depth(&before, limits).map_err(|e| Error { path: format!("/before{}", e.path), ..e })?;
    check_depth(&after, limits).map_err(|e| Error { path: format!("/after{}", e.path), ..e })?;
    diff_parsed(before, after, limits)
}

/// [`diff`] of values read by [`crate::json::parse_with_limits`] under `limits`.
pub(crate) fn diff_parsed(before: Value, after: Value, limits: &Limits) -> Result<ChangeSet> {
    Workspace::check(&before, "/before", limits)?;
    Workspace::check(&after, "/after", limits)?;
    Ok(diff_workspaces(&before, &after))
}

/// `manifest(workspace)`: `{kind: {id: fingerprint}}` of a workspace's promoted content, as a sync
/// into it would answer (variables by structure) — e.g. to record what an environment holds now.
pub fn manifest(workspace: Value, limits: &Limits) -> Result<Manifest> {
    check_depth(&workspace, limits)?;
    let workspace = Workspace::from_value(workspace, "", limits)?;
    Ok(ItemPrints::of(&workspace).manifest(&workspace))
}

/// `verifyAuditChain(records)`: whether each audit record links to the fingerprint of the one
/// before it, the fingerprint of the last (`head`), and where the chain first breaks.
pub fn verify_audit_chain(records: Value, limits: &Limits) -> Result<AuditChain> {
    check_depth(&records, limits)?;
    crate::audit_chain::verify_audit_chain(&records)
}

/// `new PromotionRules(policy?)`.
pub fn rules(policy: Option<Value>) -> Result<PromotionRules> {
    Ok(PromotionRules::new(match policy {
        None | Some(Value::Null) => Policy::default_policy(),
        Some(policy) => Policy::from_value(policy)?,
    }))
}

impl PromotionRules {
    /// `.environments`, as names.
    pub fn environment_names(&self) -> Vec<&'static str> {
        self.environments().into_iter().map(Environment::as_str).collect()
    }

    /// `.nextEnvironment(name)`.
    pub fn next_environment_of(&self, name: &str) -> Result<Option<Environment>> {
        let env = environment_in(self.policy().chain(), name, "")?;
        Ok(self.policy().chain().next(env))
    }

    /// `.authorize(actor, action, environment)`; errors point at `/actor`, `/action` or `/environment`.
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
        let env = environment_in(self.policy().chain(), environment, "/environment")?;
        self.authorize(&actor, action, env)
    }

    /// `.authorize` for arguments the JS layer has already checked and packed as
    /// `action \0 environment \0 id \0 role \0 …` (an actor `{ id, roles }` with a non-empty id).
    /// `None` when the names do not parse: the caller then takes the general path, whose error
    /// is the one to throw.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn authorize_packed(&self, packed: &str) -> Option<Decision> {
        let mut fields = packed.split('\0');
        let action = Action::parse(fields.next()?)?;
        let env = environment_in(self.policy().chain(), fields.next()?, "").ok()?;
        let id = fields.next().filter(|id| !id.is_empty())?;
        let roles: Vec<&str> = fields.collect();
        self.authorize_roles(id, &roles, action, env).ok()
    }

    /// `.checkEdit(request)`.
    pub fn check_edit_value(&self, request: Value) -> Result<EditCheck> {
        self.check_edit(EditRequest::from_value(request, self.limits())?)
    }

    /// `.planSync(request)`.
    pub fn plan_sync_value(&self, request: Value) -> Result<SyncPlan> {
        self.plan_sync(SyncRequest::from_value(request, self.limits())?)
    }

    /// `.planPublish(request)`.
    pub fn plan_publish_value(&self, request: Value) -> Result<PublishPlan> {
        self.plan_publish(PublishRequest::from_value(request, self.limits())?)
    }

    /// `.planRollback(request)`.
    pub fn plan_rollback_value(&self, request: Value) -> Result<RollbackPlan> {
        self.plan_rollback(RollbackRequest::from_value(request, self.limits())?)
    }

    /// [`PromotionRules::plan_rollback_value`] of a request read under [`PromotionRules::limits`].
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn plan_rollback_parsed(&self, request: Value) -> Result<RollbackPlan> {
        self.plan_rollback(RollbackRequest::from_parsed(request, self.limits())?)
    }

    /// [`PromotionRules::check_edit_value`] of a request read by [`crate::json::parse_with_limits`]
    /// under [`PromotionRules::limits`]: the reader checked its depth already.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn check_edit_parsed(&self, request: Value) -> Result<EditCheck> {
        self.check_edit(EditRequest::from_parsed(request, self.limits())?)
    }

    /// `.planSync(request)` of a request given as JSON text, the fastest way in: the text is read
    /// once, and the kinds a sync only counts (conversation history…) are never built.
    pub fn plan_sync_json(&self, request: &str) -> Result<SyncPlan> {
        self.plan_sync_parsed(parse_skipping(request, self.limits(), Skip::SyncRequest)?)
    }

    /// [`PromotionRules::plan_sync_value`] of a request read under [`PromotionRules::limits`].
    pub(crate) fn plan_sync_parsed(&self, request: Value) -> Result<SyncPlan> {
        self.plan_sync(SyncRequest::from_parsed(request, self.limits())?)
    }

    /// [`PromotionRules::plan_publish_value`] of a request read under [`PromotionRules::limits`].
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn plan_publish_parsed(&self, request: Value) -> Result<PublishPlan> {
        self.plan_publish(PublishRequest::from_parsed(request, self.limits())?)
    }
}

/// A string argument (action or environment name) given as a JSON value.
pub fn string_argument(value: Value, path: &str, what: &str) -> Result<String> {
    into_string(value, path, what)
}

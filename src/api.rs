//! The JSON-level API: one entry per function of the JS API, taking JSON text.
//!
//! The WebAssembly layer (`wasm.rs`), the golden corpus (`tests/corpus.rs`) and the fuzz targets
//! all call these, so every runtime answers through the very same code: the text is read once by
//! the crate's reader (kinds an answer only counts are kept as their shape), then the typed Rust
//! API decides. Error paths point into the argument; for functions of several arguments they
//! start with the argument's name (`/before/agents/0/id`, `/actor/roles/2`).

use crate::audit_chain::AuditChain;
use crate::diff::{self, ChangeSet};
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::input::into_string;
use crate::issue::Decision;
use crate::json::{keep_all, parse_echoing, parse_skipping, parse_with_limits, Skip};
use crate::limits::Limits;
use crate::manifest::Manifest;
use crate::policy::Policy;
use crate::rules::sync::{counted_in_sync_request, ECHO};
use crate::rules::{
    EditCheck, EditRequest, PromotionRules, PublishPlan, PublishRequest, RollbackPlan, RollbackRequest, SyncRequest,
};
use crate::value::Value;
use crate::workspace::{counted_in_workspace, Filtered, Workspace};

/// Reads one argument's text; errors get `prefix` in front of their path.
fn read(text: &str, limits: &Limits, skip: Skip, prefix: &str) -> Result<Value> {
    parse_skipping(text, limits, skip).map_err(|error| Error { path: format!("{prefix}{}", error.path), ..error })
}

/// `defaultPolicy()`: the default policy, normalised.
pub fn default_policy() -> Value {
    Policy::default_policy().to_value()
}

/// `fingerprint(value)`: `sha256:<hex>` of the RFC 8785 canonical JSON of the value `text` holds.
pub fn fingerprint(text: &str) -> Result<String> {
    Ok(crate::fingerprint::fingerprint(&parse_with_limits(text, &Limits::DEFAULT)?))
}

/// `fingerprint(value)` of a string value (not JSON text): hashed as it is, without writing it
/// as JSON text to read it again — a long string is the common case.
pub fn fingerprint_of_string(value: &str) -> String {
    crate::fingerprint::fingerprint_str(value)
}

/// `filterContent(workspace)`: the promoted payload, what stays behind, and unknown kinds.
pub fn filter_content(workspace: &str) -> Result<Filtered> {
    let limits = Limits::DEFAULT;
    let workspace = read(workspace, &limits, counted_in_workspace, "")?;
    Ok(Workspace::from_value(workspace, "", &limits)?.filter(""))
}

/// `diffWorkspaces(before, after)`: the change set from one workspace to another.
pub fn diff_workspaces(before: &str, after: &str) -> Result<ChangeSet> {
    let limits = Limits::DEFAULT;
    let before = read(before, &limits, keep_all, "/before")?;
    let after = read(after, &limits, keep_all, "/after")?;
    diff::checked_read(&before, &after, &limits)
}

/// `manifest(workspace)`: `{kind: {id: fingerprint}}` of a workspace's promoted content.
pub fn manifest(workspace: &str) -> Result<Manifest> {
    let limits = Limits::DEFAULT;
    Manifest::of_read(read(workspace, &limits, counted_in_workspace, "")?, &limits)
}

/// `verifyAuditChain(records)`: whether each audit record links to the fingerprint of the one
/// before it, the fingerprint of the last (`head`), and where the chain first breaks.
pub fn verify_audit_chain(records: &str) -> Result<AuditChain> {
    crate::audit_chain::verify_audit_chain(&read(records, &Limits::DEFAULT, keep_all, "")?)
}

/// `new PromotionRules(policy?)`: `None` is the default policy; every mistake is `INVALID_POLICY`.
pub fn rules(policy: Option<&str>) -> Result<PromotionRules> {
    match policy {
        None => Ok(PromotionRules::default()),
        Some(text) => PromotionRules::from_policy_json(text),
    }
}

/// `.nextEnvironment(name)`.
pub fn next_environment(rules: &PromotionRules, name: &str) -> Result<Option<Environment>> {
    let env = rules.environment(name, "")?;
    rules.next_environment(env)
}

/// `.authorize(actor, action, environment)`: the actor as JSON text, the names as strings;
/// errors point at `/actor`, `/action` or `/environment`.
pub fn authorize(rules: &PromotionRules, actor: &str, action: &str, environment: &str) -> Result<Decision> {
    let actor = read(actor, rules.limits(), keep_all, "/actor")?;
    rules.authorize_value(actor, action, environment)
}

/// A string argument of `.authorize` or `.nextEnvironment` given as another JSON value: the error
/// names what it is (`Expected an action name as a string, found a number.`).
pub fn string_argument(value: &str, path: &str, what: &str) -> Result<String> {
    into_string(read(value, &Limits::DEFAULT, keep_all, path)?, path, what)
}

/// `.checkEdit(request)`.
pub fn check_edit(rules: &PromotionRules, request: &str) -> Result<EditCheck> {
    let request = read(request, rules.limits(), keep_all, "")?;
    rules.check_edit(EditRequest::from_parsed(request, rules.limits())?)
}

/// `.planSync(request)`, answered as JSON text (what [`crate::write::to_json`] writes of the
/// plan): the kinds a sync only counts (conversation history…) are never built, and the
/// payload's kinds that the sync carries unchanged are copied from the canonical text the
/// fingerprints hashed rather than written again.
pub fn plan_sync(rules: &PromotionRules, request: &str) -> Result<String> {
    let (request, echoes) = parse_echoing(request, rules.limits(), counted_in_sync_request, Some(ECHO))?;
    let (plan, text) =
        rules.plan_sync_with_text(SyncRequest::from_parsed_echoing(request, rules.limits(), &echoes)?)?;
    Ok(crate::write::sync_plan_json(&plan, &|key| text.kind(key)))
}

/// `.planPublish(request)`.
pub fn plan_publish(rules: &PromotionRules, request: &str) -> Result<PublishPlan> {
    let request = read(request, rules.limits(), keep_all, "")?;
    rules.plan_publish(PublishRequest::from_parsed(request, rules.limits())?)
}

/// `.planRollback(request)`.
pub fn plan_rollback(rules: &PromotionRules, request: &str) -> Result<RollbackPlan> {
    let request = read(request, rules.limits(), keep_all, "")?;
    rules.plan_rollback(RollbackRequest::from_parsed(request, rules.limits())?)
}

/// The actor of `.authorize` as the JS layer packs it, `action \0 environment \0 id \0 role \0 …`
/// (an actor `{ id, roles }` with a non-empty id, checked in JS): the fast path. `None` when a
/// name does not parse; the caller then takes [`authorize`], whose error is the one to throw.
pub fn authorize_packed(rules: &PromotionRules, packed: &str) -> Option<Decision> {
    let mut fields = packed.split('\0');
    let action = crate::policy::Action::parse(fields.next()?)?;
    let env = rules.environment(fields.next()?, "").ok()?;
    let id = fields.next().filter(|id| !id.is_empty())?;
    let roles: Vec<&str> = fields.collect();
    rules.authorize_roles(id, &roles, action, env).ok()
}

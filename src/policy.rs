//! Roles, actions and the compiled policy that answers `authorize`.
//!
//! Deny by default: an actor holds the union of its roles' grants, and an unknown role grants
//! nothing. A [`Policy`] is validated and normalised once by [`CompiledPolicy::compile`]; the
//! compiled form answers [`CompiledPolicy::allows`] with a hash lookup per role and no allocation.

use std::collections::BTreeMap;
use std::fmt;

use crate::environment::{Chain, ChainError, Environment, EnvironmentSet};
use crate::error::{Error, ErrorCode, Result};
use crate::fingerprint::fingerprint;
use crate::gates::Gates;
use crate::input::{into_object, into_string, into_strings, reject_unknown, take_optional, take_required, type_name};
use crate::pointer::{child, index};
use crate::value::{Map, Value};

/// What an actor may do in an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Change promoted content (agents, workflows, knowledge base, integrations, channels, variable structure).
    Edit,
    /// Change a variable's environment-local default value.
    EditVariableDefault,
    /// Change an environment-local kind (conversations, analytics, evaluators, guardrails, issues, secrets).
    EditLocal,
    /// Promote from this environment to the next one of the chain.
    Sync,
    /// Go live in production.
    Publish,
    /// Publish production content that differs from what was synced in (production only).
    Hotfix,
    /// Restore an earlier version in an environment.
    Rollback,
}

impl Action {
    /// All seven, in the order of the spec.
    pub const ALL: [Action; 7] = [
        Action::Edit,
        Action::EditVariableDefault,
        Action::EditLocal,
        Action::Sync,
        Action::Publish,
        Action::Hotfix,
        Action::Rollback,
    ];

    /// The name as written in JSON, e.g. `editVariableDefault`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::EditVariableDefault => "editVariableDefault",
            Action::EditLocal => "editLocal",
            Action::Sync => "sync",
            Action::Publish => "publish",
            Action::Hotfix => "hotfix",
            Action::Rollback => "rollback",
        }
    }

    /// Reads an action name; names are exact (`editLocal`, not `EDITLOCAL`).
    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|action| action.as_str() == name)
    }

    /// Whether the action exists only in production.
    pub fn production_only(self) -> bool {
        matches!(self, Action::Publish | Action::Hotfix)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the policy does with an inline secret found in promoted content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InlineSecrets {
    /// A violation: the sync is refused and the value is redacted from the payload (the default).
    #[default]
    Block,
    /// A warning: the sync may go on, the value travels.
    Warn,
}

/// Who acts: an id (written in audits, compared with `updatedBy`) and the roles it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The actor's id, e.g. `"dana"`.
    pub id: String,
    /// The roles whose grants the actor holds, e.g. `["developer"]`.
    pub roles: Vec<String>,
}

impl Actor {
    /// An actor with the given id and roles.
    pub fn new(id: impl Into<String>, roles: impl IntoIterator<Item = impl Into<String>>) -> Actor {
        Actor { id: id.into(), roles: roles.into_iter().map(Into::into).collect() }
    }

    /// Reads the required member `actor` of the object at `path`; `what` names it when missing.
    pub(crate) fn take(map: &mut Map, path: &str, what: &str) -> Result<Actor> {
        Actor::from_value(take_required(map, "actor", path, what)?, &child(path, "actor"))
    }

    /// Reads `{ "id": string, "roles": string[] }`; other members (a display name…) are allowed and ignored.
    pub fn from_value(value: Value, path: &str) -> Result<Actor> {
        let mut map = into_object(value, path, "the actor")?;
        let id =
            into_string(take_required(&mut map, "id", path, "The actor's id")?, &child(path, "id"), "the actor's id")?;
        if id.is_empty() {
            return Err(Error::invalid_input(
                child(path, "id"),
                "The actor's id is empty; give the id of the person acting.",
            ));
        }
        let roles = match take_optional(&mut map, "roles") {
            Some(roles) => into_strings(roles, &child(path, "roles"), "role names")?,
            None => {
                return Err(Error::invalid_input(
                    child(path, "roles"),
                    "The actor's roles are missing; give a list, possibly empty.",
                ))
            }
        };
        Ok(Actor { id, roles })
    }
}

/// The default policy of the spec's table, as policy JSON.
pub const DEFAULT_POLICY_JSON: &str = r#"{
  "environments": ["dev", "test", "uat", "staging", "production"],
  "roles": {
    "developer": { "dev": ["edit", "editVariableDefault", "editLocal", "sync"] },
    "qa": { "test": ["editVariableDefault", "editLocal", "sync"] },
    "business": { "uat": ["editVariableDefault", "sync"] },
    "devops": {
      "staging": ["editVariableDefault", "editLocal", "sync", "rollback"],
      "production": ["editVariableDefault", "editLocal", "publish", "rollback"]
    },
    "admin": { "production": ["publish", "hotfix", "rollback"] }
  }
}"#;

/// A policy in its normalised form: lowercase chain, sorted roles and actions, defaults filled in.
///
/// Serialises to the policy JSON of the spec; [`Policy::fingerprint`] hashes this form, so two
/// policies that mean the same thing have the same fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The chain, dev first and production last.
    pub environments: Chain,
    /// Role → its grants; grants in environments outside the chain are dropped.
    pub roles: BTreeMap<String, Grants>,
    /// Environments a sync into which refuses items last edited by the acting actor.
    pub no_self_promotion: EnvironmentSet,
    /// What an inline secret in promoted content is.
    pub inline_secrets: InlineSecrets,
    /// Approval quorums, soak times and promotion windows per environment; absent when empty,
    /// so that a policy without gates normalises (and fingerprints) as before gates existed.
    pub gates: Gates,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::default_policy()
    }
}

impl Policy {
    /// The policy of the spec's table: each environment owned by one role.
    pub fn default_policy() -> Policy {
        // Read from its JSON form: smaller in WebAssembly than building the maps in code; a unit
        // test proves it parses, so the empty fallback (deny everything) is never taken.
        Policy::from_json(DEFAULT_POLICY_JSON).unwrap_or_else(|_| Policy {
            environments: Chain::default(),
            roles: BTreeMap::new(),
            no_self_promotion: EnvironmentSet::default(),
            inline_secrets: InlineSecrets::Block,
            gates: Gates::default(),
        })
    }

    /// Reads and normalises the policy JSON; every mistake is `INVALID_POLICY` with its path.
    /// `null` is no policy given: the default one (as for every optional argument).
    pub fn from_value(value: Value) -> Result<Policy> {
        if value.is_null() {
            return Ok(Policy::default_policy());
        }
        crate::json::check_depth(&value, &crate::limits::Limits::DEFAULT)
            .map_err(|e| e.with_code(ErrorCode::InvalidPolicy))?;
        Policy::read(value).map_err(|e| e.with_code(ErrorCode::InvalidPolicy))
    }

    /// Parses and normalises policy JSON text.
    pub fn from_json(text: &str) -> Result<Policy> {
        Policy::from_value(crate::json::parse(text).map_err(|e| e.with_code(ErrorCode::InvalidPolicy))?)
    }

    fn read(value: Value) -> Result<Policy> {
        let mut map = into_object(value, "", "the policy")?;
        reject_unknown(&map, &["environments", "roles", "noSelfPromotion", "inlineSecrets", "gates"], "", "A policy")?;
        let environments = match take_optional(&mut map, "environments") {
            None => Environment::ALL.to_vec(),
            Some(list) => policy_environments(list, "/environments")?,
        };
        let chain = Chain::new(&environments).map_err(|e| chain_error(e, &environments))?;

        // No roles is a valid policy that denies everything (deny by default).
        let roles_value = take_optional(&mut map, "roles").unwrap_or_else(|| Value::Object(Map::new()));
        let mut roles = BTreeMap::new();
        for (role, grants) in into_object(roles_value, "/roles", "the roles")? {
            let role_path = child("/roles", &role);
            let mut role_grants = Grants::default();
            for (env_name, actions) in into_object(grants, &role_path, "the grants of a role")? {
                let env_path = child(&role_path, &env_name);
                let env = policy_environment(&env_name, &env_path)?;
                for action in read_actions(actions, env, chain, &env_path)? {
                    if chain.contains(env) {
                        role_grants.grant(action, env);
                    }
                }
            }
            // A role that grants nothing means what an absent role means: normalised away.
            if role_grants != Grants::default() {
                roles.insert(role, role_grants);
            }
        }

        let mut no_self_promotion = EnvironmentSet::default();
        if let Some(list) = take_optional(&mut map, "noSelfPromotion") {
            for env in policy_environments(list, "/noSelfPromotion")? {
                if chain.contains(env) {
                    no_self_promotion.insert(env);
                }
            }
        }

        let inline_secrets = match take_optional(&mut map, "inlineSecrets") {
            None => InlineSecrets::Block,
            Some(Value::String(s)) if s == "block" => InlineSecrets::Block,
            Some(Value::String(s)) if s == "warn" => InlineSecrets::Warn,
            Some(other) => {
                return Err(Error::invalid_input(
                    "/inlineSecrets",
                    format!("inlineSecrets must be \"block\" or \"warn\", found {}.", describe(&other)),
                ))
            }
        };
        let gates = match take_optional(&mut map, "gates") {
            None => Gates::default(),
            Some(gates) => Gates::from_value(gates, chain, "/gates")?,
        };
        Ok(Policy { environments: chain, roles, no_self_promotion, inline_secrets, gates })
    }

    /// The policy as JSON, normalised.
    pub fn to_value(&self) -> Value {
        let mut roles = Map::new();
        for (role, grants) in &self.roles {
            roles.insert(role.clone(), grants.to_value());
        }
        let mut policy = Map::new();
        policy.insert("environments".to_owned(), names(self.environments.iter()));
        policy.insert("roles".to_owned(), Value::Object(roles));
        policy.insert("noSelfPromotion".to_owned(), names(self.no_self_promotion.iter()));
        let mode = match self.inline_secrets {
            InlineSecrets::Block => "block",
            InlineSecrets::Warn => "warn",
        };
        policy.insert("inlineSecrets".to_owned(), Value::String(mode.to_owned()));
        if !self.gates.is_empty() {
            policy.insert("gates".to_owned(), self.gates.to_value());
        }
        Value::Object(policy)
    }

    /// `sha256:` fingerprint of the normalised policy.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.to_value())
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        other => type_name(other).to_owned(),
    }
}

fn policy_environment(name: &str, path: &str) -> Result<Environment> {
    Environment::parse(name).ok_or_else(|| {
        Error::invalid_input(
            path,
            format!("\"{name}\" is not an environment; use one of dev, test, uat, staging, production."),
        )
    })
}

fn policy_environments(value: Value, path: &str) -> Result<Vec<Environment>> {
    into_strings(value, path, "environment names")?
        .iter()
        .enumerate()
        .map(|(i, name)| policy_environment(name, &index(path, i)))
        .collect()
}

fn chain_error(error: ChainError, environments: &[Environment]) -> Error {
    let path = match error {
        ChainError::MustStartWithDev => "/environments/0".to_owned(),
        ChainError::MustEndWithProduction => index("/environments", environments.len().saturating_sub(1)),
        ChainError::OutOfOrder(i) => index("/environments", i),
    };
    let path = if environments.is_empty() { "/environments".to_owned() } else { path };
    Error::invalid_input(path, format!("Invalid chain: {error}; list the environments as dev, …, production."))
}

fn names(envs: impl Iterator<Item = Environment>) -> Value {
    Value::Array(envs.map(|env| Value::String(env.as_str().to_owned())).collect())
}

/// The actions a role may take, per environment: one bit per action, one byte per environment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Grants {
    by_environment: [u8; 5],
}

impl Grants {
    /// Grants `action` in `env`.
    pub fn grant(&mut self, action: Action, env: Environment) {
        if let Some(bits) = self.by_environment.get_mut(env.index()) {
            *bits |= action.bit();
        }
    }

    /// Whether `action` is granted in `env`.
    pub fn allows(self, action: Action, env: Environment) -> bool {
        self.by_environment.get(env.index()).is_some_and(|bits| bits & action.bit() != 0)
    }

    /// The actions granted in `env`, in the spec's order.
    pub fn actions(self, env: Environment) -> impl Iterator<Item = Action> {
        Action::ALL.into_iter().filter(move |&action| self.allows(action, env))
    }

    /// `{environment: [actions]}` for the environments with at least one action.
    pub fn to_value(self) -> Value {
        let mut envs = Map::new();
        for env in Environment::ALL {
            let actions: Vec<Value> = self.actions(env).map(|a| Value::String(a.as_str().to_owned())).collect();
            if !actions.is_empty() {
                envs.insert(env.as_str().to_owned(), Value::Array(actions));
            }
        }
        Value::Object(envs)
    }
}

fn read_actions(value: Value, env: Environment, chain: Chain, path: &str) -> Result<Vec<Action>> {
    let names = into_strings(value, path, "action names")?;
    let mut actions = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let action_path = index(path, i);
        let action = Action::parse(name).ok_or_else(|| {
            Error::invalid_input(
                &action_path,
                format!(
                    "\"{name}\" is not an action; use edit, editVariableDefault, editLocal, sync, publish, hotfix or rollback."
                ),
            )
        })?;
        // Grants for an environment the chain leaves out are ignored, whatever they hold.
        if action.production_only() && env != Environment::Production && chain.contains(env) {
            return Err(Error::invalid_input(
                action_path,
                format!("{action} exists only in production; grant it under \"production\"."),
            ));
        }
        actions.push(action);
    }
    Ok(actions)
}

/// A policy compiled for answering: the chain as a bit set, each role's grants as one byte per
/// environment, and the normalised policy's fingerprint computed once.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    policy: Policy,
    chain: Chain,
    fingerprint: String,
}

impl CompiledPolicy {
    /// Compiles a normalised policy.
    pub fn compile(policy: Policy) -> CompiledPolicy {
        let chain = policy.environments;
        let fingerprint = policy.fingerprint();
        CompiledPolicy { policy, chain, fingerprint }
    }

    /// The normalised policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The chain of the policy.
    pub fn chain(&self) -> Chain {
        self.chain
    }

    /// The fingerprint of the normalised policy.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Whether any of the actor's roles grants `action` in `env`. No allocation.
    pub fn allows(&self, actor: &Actor, action: Action, env: Environment) -> bool {
        self.roles_allow(actor.roles.iter().map(String::as_str), action, env)
    }

    /// Whether one of `roles` grants `action` in `env` (and the chain holds `env`).
    pub(crate) fn roles_allow<'r>(
        &self,
        mut roles: impl Iterator<Item = &'r str>,
        action: Action,
        env: Environment,
    ) -> bool {
        self.chain.contains(env) && roles.any(|role| self.role_allows(role, action, env))
    }

    /// The roles of the policy that grant `action` in `env`, sorted (to tell a refused actor whom to ask).
    pub fn roles_granting(&self, action: Action, env: Environment) -> Vec<&str> {
        self.policy
            .roles
            .iter()
            .filter(|(_, grants)| grants.allows(action, env))
            .map(|(role, _)| role.as_str())
            .collect()
    }

    fn role_allows(&self, role: &str, action: Action, env: Environment) -> bool {
        self.policy.roles.get(role).is_some_and(|grants| grants.allows(action, env))
    }

    /// Whether a sync into `env` must refuse the actor's own edits.
    pub fn no_self_promotion(&self, env: Environment) -> bool {
        self.policy.no_self_promotion.contains(env)
    }

    /// The inline-secret mode.
    pub fn inline_secrets(&self) -> InlineSecrets {
        self.policy.inline_secrets
    }

    /// The gates of the policy.
    pub fn gates(&self) -> &Gates {
        &self.policy.gates
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_json_parses_into_the_spec_table() {
        let policy = Policy::from_json(DEFAULT_POLICY_JSON).unwrap();
        assert_eq!(policy, Policy::default_policy());
        assert_eq!(policy.roles.len(), 5);
        let admin = policy.roles["admin"].actions(Environment::Production).collect::<Vec<_>>();
        assert_eq!(admin, [Action::Publish, Action::Hotfix, Action::Rollback]);
    }

    #[test]
    fn the_policy_json_is_what_serde_writes() {
        let policy = Policy::default_policy();
        assert_eq!(policy.to_value(), crate::json::parse(&crate::write::to_json(&policy)).unwrap());
    }
}

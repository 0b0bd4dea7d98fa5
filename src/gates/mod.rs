//! Gates of the policy: approval quorums, soak time and promotion windows per environment.
//!
//! This module reads and normalises the policy's `gates` and knows time: durations, RFC 3339
//! instants and windows in IANA zones. It knows nothing of actors or plans; the rule that
//! judges a plan against its gate is `rules/gates.rs`.
//!
//! ```json
//! "gates": { "production": { "approvals": { "required": 1, "roles": ["admin"] },
//!                            "minSoak": "PT24H",
//!                            "windows": { "timeZone": "Europe/Rome",
//!                                         "allow": [{ "days": ["mon"], "from": "09:00", "to": "17:00" }] },
//!                            "hotfixBypassesWindows": true } }
//! ```

pub mod duration;
pub mod instant;
mod table;
pub mod windows;
pub mod zone;

use crate::environment::{Chain, Environment};
use crate::error::{Error, Result};
use crate::input::{into_object, into_strings, reject_unknown, take_optional, type_name};
use crate::pointer::child;
use crate::value::{Map, Value};

pub use duration::{format_duration, parse_duration};
pub use instant::Instant;
pub use windows::Windows;
pub use zone::{tzdb_version, zone_names, Zone};

/// How many counted approvals, from which roles, a promotion into the environment needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRule {
    /// At least 1.
    pub required: u32,
    /// The roles whose holders may approve, sorted and distinct.
    pub roles: Vec<String>,
}

/// The gate of one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    /// The approval quorum.
    pub approvals: Option<ApprovalRule>,
    /// The least time the source must have held its content before a sync, in seconds.
    pub min_soak: Option<u64>,
    /// When promotions may happen.
    pub windows: Option<Windows>,
    /// Whether a declared hotfix publish passes a closed window (with a warning).
    pub hotfix_bypasses_windows: bool,
}

/// The gates of a policy, one per environment at most.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gates {
    by_environment: [Option<Gate>; 5],
}

impl Gates {
    /// Whether no environment has a gate (the policy then normalises as it did before gates).
    pub fn is_empty(&self) -> bool {
        self.by_environment.iter().all(Option::is_none)
    }

    /// The gate of `env`, if any.
    pub fn get(&self, env: Environment) -> Option<&Gate> {
        self.by_environment.get(env.index()).and_then(Option::as_ref)
    }

    /// Reads the policy's `gates` (`path` = `/gates`); gates of environments the chain leaves
    /// out are checked, then ignored, as grants are.
    pub fn from_value(value: Value, chain: Chain, path: &str) -> Result<Gates> {
        let mut gates = Gates::default();
        for (name, gate) in into_object(value, path, "the gates")? {
            let gate_path = child(path, &name);
            let env = Environment::parse(&name).ok_or_else(|| {
                Error::invalid_input(
                    &gate_path,
                    format!("\"{name}\" is not an environment; use one of dev, test, uat, staging, production."),
                )
            })?;
            let gate = Gate::from_value(gate, &gate_path)?;
            let has_rule = gate.approvals.is_some() || gate.min_soak.is_some() || gate.windows.is_some();
            if let Some(slot) = gates.by_environment.get_mut(env.index()).filter(|_| chain.contains(env) && has_rule) {
                if slot.is_some() {
                    return Err(Error::invalid_input(
                        gate_path,
                        format!("{env} has two gates (names are read case-insensitively); merge them."),
                    ));
                }
                *slot = Some(gate);
            }
        }
        Ok(gates)
    }

    /// `{environment: gate}` in chain order, normalised.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        for env in Environment::ALL {
            if let Some(gate) = self.get(env) {
                map.insert(env.as_str().to_owned(), gate.to_value());
            }
        }
        Value::Object(map)
    }
}

impl Gate {
    fn from_value(value: Value, path: &str) -> Result<Gate> {
        let mut map = into_object(value, path, "a gate")?;
        reject_unknown(&map, &["approvals", "minSoak", "windows", "hotfixBypassesWindows"], path, "A gate")?;
        let approvals =
            take_optional(&mut map, "approvals").map(|a| read_approvals(a, &child(path, "approvals"))).transpose()?;
        let min_soak = match take_optional(&mut map, "minSoak") {
            None => None,
            Some(Value::String(text)) => Some(parse_duration(&text).map_err(|why| {
                Error::invalid_input(
                    child(path, "minSoak"),
                    format!("\"{text}\" is not an ISO 8601 duration of elapsed time: {why}."),
                )
            })?),
            Some(other) => {
                return Err(Error::invalid_input(
                    child(path, "minSoak"),
                    format!("Expected minSoak as an ISO 8601 duration string (PT24H), found {}.", type_name(&other)),
                ))
            }
        };
        let windows =
            take_optional(&mut map, "windows").map(|w| Windows::from_value(w, &child(path, "windows"))).transpose()?;
        let hotfix_bypasses_windows = match take_optional(&mut map, "hotfixBypassesWindows") {
            None => false,
            Some(Value::Bool(b)) => b,
            Some(other) => {
                return Err(Error::invalid_input(
                    child(path, "hotfixBypassesWindows"),
                    format!("Expected hotfixBypassesWindows as true or false, found {}.", type_name(&other)),
                ))
            }
        };
        Ok(Gate { approvals, min_soak, windows, hotfix_bypasses_windows })
    }

    /// The normalised JSON of the gate.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        if let Some(rule) = &self.approvals {
            let mut approvals = Map::new();
            approvals.insert("required".into(), Value::from(rule.required));
            approvals.insert("roles".into(), Value::Array(rule.roles.iter().cloned().map(Value::String).collect()));
            map.insert("approvals".into(), Value::Object(approvals));
        }
        if let Some(seconds) = self.min_soak {
            map.insert("minSoak".into(), Value::String(format_duration(seconds)));
        }
        if let Some(windows) = &self.windows {
            map.insert("windows".into(), windows.to_value());
        }
        map.insert("hotfixBypassesWindows".into(), Value::Bool(self.hotfix_bypasses_windows));
        Value::Object(map)
    }
}

fn read_approvals(value: Value, path: &str) -> Result<ApprovalRule> {
    let mut map = into_object(value, path, "the approvals of a gate")?;
    reject_unknown(&map, &["required", "roles"], path, "The approvals of a gate")?;
    let required_path = child(path, "required");
    let required = match take_optional(&mut map, "required") {
        Some(Value::Number(n)) => n.as_u64().filter(|&n| n >= 1).and_then(|n| u32::try_from(n).ok()),
        _ => None,
    };
    let required = required.ok_or_else(|| {
        Error::invalid_input(
            &required_path,
            "required is the number of approvals needed: a whole number of at least 1.",
        )
    })?;
    let roles_path = child(path, "roles");
    let mut roles = match take_optional(&mut map, "roles") {
        Some(list) => into_strings(list, &roles_path, "role names")?,
        None => Vec::new(),
    };
    if roles.is_empty() || roles.iter().any(String::is_empty) {
        return Err(Error::invalid_input(
            roles_path,
            "An approval rule names the roles whose holders may approve, e.g. [\"business\"].",
        ));
    }
    crate::sorting::sort_in_place_by(&mut roles, |a, b| a < b);
    roles.dedup();
    Ok(ApprovalRule { required, roles })
}

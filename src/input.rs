//! Reading typed fields out of parsed JSON, with the JSON Pointer of every mistake.
//!
//! Requests are read by hand rather than by `#[derive(Deserialize)]` so that each error names the
//! exact value at fault (`/actor/roles/2`), and so that workspaces are moved, never copied.

use crate::environment::{Chain, Environment};
use crate::error::{Error, Result};
use crate::pointer::{child, index};
use crate::value::{Map, Value};

/// The JSON type of a value, for messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The members of an object, or an error naming what was expected.
pub(crate) fn into_object(value: Value, path: &str, what: &str) -> Result<Map> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(Error::invalid_input(path, format!("Expected {what} as an object, found {}.", type_name(&other)))),
    }
}

/// Refuses members other than `allowed`, so that a misspelt field is not silently ignored.
pub(crate) fn reject_unknown(map: &Map, allowed: &[&str], path: &str, what: &str) -> Result<()> {
    match map.keys().find(|key| !allowed.contains(&key.as_str())) {
        None => Ok(()),
        Some(key) => Err(Error::invalid_input(
            child(path, key),
            format!("{what} has no field \"{key}\"; the fields are {}.", allowed.join(", ")),
        )),
    }
}

/// Removes an optional member; `null` counts as absent (a JS `undefined` property arrives as absent).
pub(crate) fn take_optional(map: &mut Map, key: &str) -> Option<Value> {
    match map.remove(key) {
        None | Some(Value::Null) => None,
        Some(value) => Some(value),
    }
}

/// Removes a required member.
pub(crate) fn take_required(map: &mut Map, key: &str, path: &str, what: &str) -> Result<Value> {
    take_optional(map, key).ok_or_else(|| Error::invalid_input(child(path, key), format!("{what} is missing; add it.")))
}

/// A string, or an error naming what was expected.
pub(crate) fn into_string(value: Value, path: &str, what: &str) -> Result<String> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(Error::invalid_input(path, format!("Expected {what} as a string, found {}.", type_name(&other)))),
    }
}

/// An array of strings.
pub(crate) fn into_strings(value: Value, path: &str, what: &str) -> Result<Vec<String>> {
    match value {
        Value::Array(items) => {
            items.into_iter().enumerate().map(|(i, item)| into_string(item, &index(path, i), what)).collect()
        }
        other => Err(Error::invalid_input(path, format!("Expected a list of {what}, found {}.", type_name(&other)))),
    }
}

/// An environment name of the chain: unknown names and names the chain leaves out are bad input.
pub(crate) fn environment_in(chain: Chain, name: &str, path: &str) -> Result<Environment> {
    let env = Environment::parse(name).ok_or_else(|| {
        Error::invalid_input(
            path,
            format!("\"{name}\" is not an environment; use one of dev, test, uat, staging, production."),
        )
    })?;
    if !chain.contains(env) {
        let names: Vec<&str> = chain.iter().map(Environment::as_str).collect();
        return Err(Error::invalid_input(
            path,
            format!("The policy's chain leaves out {env}; use one of {}.", names.join(", ")),
        ));
    }
    Ok(env)
}

/// Reads the environment named by the required member `key` of the object at `path`.
pub(crate) fn take_environment(map: &mut Map, key: &str, path: &str, what: &str) -> Result<Environment> {
    read_environment(take_required(map, key, path, what)?, &child(path, key))
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

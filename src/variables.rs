//! Variables: a structure that travels by sync, and a default value that belongs to each environment.

use crate::error::{Error, Result};
use crate::input::type_name;
use crate::pointer::{child, index};
use crate::value::{Map, Value};

/// The type a variable's default value must fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariableType {
    /// A JSON string.
    String,
    /// A JSON number.
    Number,
    /// A JSON boolean.
    Boolean,
    /// An absolute `http` or `https` URL string.
    Url,
    /// Any JSON value.
    Json,
}

impl VariableType {
    /// The name as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            VariableType::String => "string",
            VariableType::Number => "number",
            VariableType::Boolean => "boolean",
            VariableType::Url => "url",
            VariableType::Json => "json",
        }
    }

    /// Reads a type name (exact, lowercase).
    pub fn parse(name: &str) -> Option<VariableType> {
        [VariableType::String, VariableType::Number, VariableType::Boolean, VariableType::Url, VariableType::Json]
            .into_iter()
            .find(|t| t.as_str() == name)
    }

    /// Whether `value` fits the type.
    pub fn fits(self, value: &Value) -> bool {
        match self {
            VariableType::String => value.is_string(),
            VariableType::Number => value.is_number(),
            VariableType::Boolean => value.is_boolean(),
            VariableType::Url => value.as_str().is_some_and(is_absolute_http_url),
            VariableType::Json => true,
        }
    }
}

/// An absolute `http`/`https` URL with a host and no whitespace.
pub fn is_absolute_http_url(s: &str) -> bool {
    let lower_starts = |prefix: &str| s.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix));
    let rest = if lower_starts("https://") {
        s.get(8..)
    } else if lower_starts("http://") {
        s.get(7..)
    } else {
        None
    };
    let Some(rest) = rest else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    !host.is_empty() && !host.starts_with(':') && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// What the rules read of a variable besides its name: its type and the workflows that use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableInfo {
    /// The declared type.
    pub var_type: VariableType,
    /// The workflow ids of `usage` (default `[]`).
    pub usage: Vec<String>,
}

/// The member of a variable that is environment-local.
pub const DEFAULT_VALUE: &str = "defaultValue";

impl VariableInfo {
    /// Reads `type` and `usage` of a variable object at `path`.
    pub fn read(map: &Map, path: &str) -> Result<VariableInfo> {
        let var_type = match map.get("type") {
            Some(Value::String(t)) => VariableType::parse(t).ok_or_else(|| {
                Error::invalid_input(
                    child(path, "type"),
                    format!("\"{t}\" is not a variable type; use string, number, boolean, url or json."),
                )
            })?,
            _ => {
                return Err(Error::invalid_input(
                    child(path, "type"),
                    "A variable needs a type: string, number, boolean, url or json.",
                ))
            }
        };
        let usage = match map.get("usage") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(ids)) => ids
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    id.as_str().map(str::to_owned).ok_or_else(|| {
                        Error::invalid_input(
                            index(&child(path, "usage"), i),
                            "usage must list workflow ids as strings.",
                        )
                    })
                })
                .collect::<Result<_>>()?,
            Some(other) => {
                return Err(Error::invalid_input(
                    child(path, "usage"),
                    format!("usage must be a list of workflow ids, found {}.", type_name(other)),
                ))
            }
        };
        Ok(VariableInfo { var_type, usage })
    }
}

/// The default value of a variable object, when present (`null` is a present JSON value).
pub fn default_value(variable: &Value) -> Option<&Value> {
    variable.get(DEFAULT_VALUE)
}

/// The member of a variable that lists the workflows using it; absent (or `null`) means `[]`.
pub const USAGE: &str = "usage";

/// The structure of a variable: every member but `defaultValue`, with `usage` as the spec
/// defaults it (`[]` when absent or `null`), so that a store which drops empty arrays holds the
/// same structure.
pub fn structure(variable: &Value) -> Value {
    match variable {
        Value::Object(map) => {
            // Clone and remove rather than filter and collect: a collect into a map sorts (code size).
            let mut structure = map.clone();
            structure.remove(DEFAULT_VALUE);
            if matches!(structure.get(USAGE), None | Some(Value::Null)) {
                structure.insert(USAGE.to_owned(), Value::Array(Vec::new()));
            }
            Value::Object(structure)
        }
        other => other.clone(),
    }
}

/// Whether a variable object holds its structure in the normal form [`structure`] gives, but for
/// its default value: then its members can be hashed as they are.
pub fn has_normal_structure(variable: &Map) -> bool {
    matches!(variable.get(USAGE), Some(Value::Array(_)))
}

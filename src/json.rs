//! Reading JSON text into [`Value`]s under the documented [`Limits`].
//!
//! `serde_json` alone would accept duplicate keys (keeping the last), recurse until its own limit
//! and report positions as line/column. This reader refuses duplicate keys (I-JSON, RFC 7493),
//! stops at [`Limits::max_depth`] before recursing further, refuses integers that a JavaScript
//! number cannot hold exactly, and names the culprit with a JSON Pointer.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::{Error, Result};

/// Largest integer a JavaScript number holds exactly (2^53 − 1).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The limits applied to every argument, before any deep recursion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Nesting of arrays and objects, counted from the argument's root (the root object is 1).
    pub max_depth: usize,
    /// Bytes of JSON text (UTF-8), or total bytes of string content of a JS object.
    pub max_input_bytes: usize,
    /// Items of one workspace, all promoted kinds together (variables included).
    pub max_items: usize,
}

impl Limits {
    /// The documented defaults: depth 128, 256 MiB, one million items per workspace.
    pub const DEFAULT: Limits = Limits { max_depth: 128, max_input_bytes: 256 * 1024 * 1024, max_items: 1_000_000 };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Parses one JSON text under [`Limits::DEFAULT`].
pub fn parse(text: &str) -> Result<Value> {
    parse_with_limits(text, &Limits::DEFAULT)
}

/// Parses one JSON text; errors carry the JSON Pointer of the value being read.
pub fn parse_with_limits(text: &str, limits: &Limits) -> Result<Value> {
    if text.len() > limits.max_input_bytes {
        return Err(Error::limit_exceeded(
            "",
            format!(
                "The input is {} bytes, more than the limit of {} bytes; send less content at once.",
                text.len(),
                limits.max_input_bytes
            ),
        ));
    }
    let state = RefCell::new(ReadState { depth: 0, max_depth: limits.max_depth, error: None, path: Vec::new() });
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    let value = ValueSeed { state: &state }.deserialize(&mut deserializer).and_then(|value| {
        deserializer.end()?;
        Ok(value)
    });
    match value {
        Ok(value) => Ok(value),
        Err(syntax) => {
            let state = state.into_inner();
            let path = pointer_from_reversed(&state.path);
            Err(match state.error {
                Some(Found::Limit(message)) => Error::limit_exceeded(path, message),
                Some(Found::Invalid(message)) => Error::invalid_input(path, message),
                None => {
                    Error::invalid_input(path, format!("The input is not valid JSON ({syntax}); fix the JSON text."))
                }
            })
        }
    }
}

/// Appends one JSON Pointer reference token, escaped (`~` → `~0`, `/` → `~1`).
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// `base` followed by one escaped token.
pub fn child(base: &str, token: &str) -> String {
    let mut pointer = String::with_capacity(base.len() + token.len() + 1);
    pointer.push_str(base);
    push_token(&mut pointer, token);
    pointer
}

/// `base` followed by an array index.
pub fn index(base: &str, index: usize) -> String {
    format!("{base}/{index}")
}

enum Segment {
    Key(String),
    Index(usize),
}

enum Found {
    Limit(String),
    Invalid(String),
}

struct ReadState {
    depth: usize,
    max_depth: usize,
    error: Option<Found>,
    /// Filled only on error, innermost segment first, as the error travels up.
    path: Vec<Segment>,
}

fn pointer_from_reversed(segments: &[Segment]) -> String {
    let mut pointer = String::new();
    for segment in segments.iter().rev() {
        match segment {
            Segment::Key(key) => push_token(&mut pointer, key),
            Segment::Index(i) => {
                pointer.push('/');
                pointer.push_str(&i.to_string());
            }
        }
    }
    pointer
}

#[derive(Clone, Copy)]
struct ValueSeed<'s> {
    state: &'s RefCell<ReadState>,
}

impl ValueSeed<'_> {
    fn fail<E: de::Error>(&self, found: Found) -> E {
        let message = match &found {
            Found::Limit(m) | Found::Invalid(m) => m.clone(),
        };
        self.state.borrow_mut().error = Some(found);
        E::custom(message)
    }

    fn enter<E: de::Error>(&self) -> Result<(), E> {
        let (depth, max) = {
            let mut state = self.state.borrow_mut();
            state.depth += 1;
            (state.depth, state.max_depth)
        };
        if depth > max {
            return Err(self.fail(Found::Limit(format!(
                "The input nests arrays and objects deeper than {max} levels; flatten it."
            ))));
        }
        Ok(())
    }

    fn leave(&self) {
        let mut state = self.state.borrow_mut();
        state.depth = state.depth.saturating_sub(1);
    }

    fn note(&self, segment: Segment) {
        self.state.borrow_mut().path.push(segment);
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        if v.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(self.fail(Found::Invalid(unsafe_integer(v))));
        }
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        if v > MAX_SAFE_INTEGER {
            return Err(self.fail(Found::Invalid(unsafe_integer(v))));
        }
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // Every double of magnitude 2^53 or more is an integer a JS number cannot tell from its
        // neighbours; refusing them all keeps one rule however the number is written (1e21, 10…0).
        if v.abs() > MAX_SAFE_INTEGER as f64 {
            return Err(self.fail(Found::Invalid(unsafe_integer(v))));
        }
        match Number::from_f64(v) {
            Some(n) => Ok(Value::Number(n)),
            None => Err(self.fail(Found::Invalid("The number is not finite; use a finite number.".into()))),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            match seq.next_element_seed(self) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => break,
                Err(e) => {
                    self.note(Segment::Index(items.len()));
                    return Err(e);
                }
            }
        }
        self.leave();
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                let message = format!("The key \"{key}\" appears twice in one object; keep one (I-JSON, RFC 7493).");
                self.note(Segment::Key(key));
                return Err(self.fail(Found::Invalid(message)));
            }
            match map.next_value_seed(self) {
                Ok(value) => {
                    members.insert(key, value);
                }
                Err(e) => {
                    self.note(Segment::Key(key));
                    return Err(e);
                }
            }
        }
        self.leave();
        Ok(Value::Object(members))
    }
}

fn unsafe_integer(v: impl fmt::Display) -> String {
    format!("The number {v} is beyond ±(2^53 − 1), where a JavaScript number is no longer exact; send it as a string.")
}

/// Nesting depth of a value (the root container is 1, a scalar 0), without recursion.
pub fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((value, level)) = stack.pop() {
        match value {
            Value::Array(items) => {
                deepest = deepest.max(level);
                stack.extend(items.iter().map(|item| (item, level + 1)));
            }
            Value::Object(members) => {
                deepest = deepest.max(level);
                stack.extend(members.values().map(|item| (item, level + 1)));
            }
            _ => {}
        }
    }
    deepest
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn duplicate_keys_are_refused_with_their_path() {
        let err = parse(r#"{"a":{"b":1,"b":2}}"#).unwrap_err();
        assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidInput, "/a/b"));
    }

    #[test]
    fn syntax_errors_name_the_value_being_read() {
        let err = parse(r#"{"agents":[{"id":"a"},{"id": tru}]}"#).unwrap_err();
        assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidInput, "/agents/1/id"));
        assert!(err.message.contains("line 1"), "{}", err.message);
    }

    #[test]
    fn nesting_past_the_limit_is_refused_before_recursing() {
        let deep = "[".repeat(1_000_000);
        let err = parse(&deep).unwrap_err();
        assert_eq!(err.code, ErrorCode::LimitExceeded);
        assert_eq!(err.path.split('/').count(), 129);
        let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert_eq!(depth(&parse(&ok).unwrap()), 128);
        let over = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert_eq!(parse(&over).unwrap_err().code, ErrorCode::LimitExceeded);
    }

    #[test]
    fn numbers_beyond_the_exact_range_of_javascript_are_refused() {
        assert!(parse("9007199254740991").is_ok());
        assert!(parse("-9007199254740991").is_ok());
        assert_eq!(parse("[9007199254740993]").unwrap_err().path, "/0");
        assert_eq!(parse("-9007199254740993").unwrap_err().code, ErrorCode::InvalidInput);
        assert!(parse("1e-300").is_ok());
        assert!(parse("9007199254740991.0").is_ok());
        assert_eq!(parse("1e21").unwrap_err().code, ErrorCode::InvalidInput);
        assert_eq!(parse("100000000000000000000").unwrap_err().code, ErrorCode::InvalidInput);
        assert_eq!(parse("1e400").unwrap_err().code, ErrorCode::InvalidInput);
    }

    #[test]
    fn lone_surrogates_and_trailing_text_are_invalid_input() {
        assert_eq!(parse(r#""\ud800""#).unwrap_err().code, ErrorCode::InvalidInput);
        assert_eq!(parse(r#"{} {}"#).unwrap_err().code, ErrorCode::InvalidInput);
        assert_eq!(parse(r#""\ud83d\ude00""#).unwrap(), Value::String("😀".into()));
    }

    #[test]
    fn input_past_the_byte_limit_is_refused_at_the_root() {
        let limits = Limits { max_input_bytes: 4, ..Limits::DEFAULT };
        let err = parse_with_limits("[1,2,3]", &limits).unwrap_err();
        assert_eq!((err.code, err.path.as_str()), (ErrorCode::LimitExceeded, ""));
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(child("/a", "x/y~z"), "/a/x~1y~0z");
        let err = parse(r#"{"a/b":{"c~d":[1,}}"#).unwrap_err();
        assert_eq!(err.path, "/a~1b/c~0d/1");
    }
}

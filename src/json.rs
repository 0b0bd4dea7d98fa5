//! Reading JSON text into [`Value`]s under the documented [`Limits`].
//!
//! A small RFC 8259 reader instead of `serde_json`'s: it refuses duplicate keys (I-JSON, RFC 7493),
//! stops at [`Limits::max_depth`] before recursing further, refuses numbers a JavaScript number
//! cannot hold exactly, names the culprit with a JSON Pointer, and keeps the WebAssembly small.

use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use crate::error::{Error, Result};
use crate::scan::plain_len;

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

/// Parses one JSON text (RFC 8259); errors carry the JSON Pointer of the value being read.
pub fn parse_with_limits(text: &str, limits: &Limits) -> Result<Value> {
    parse_skipping(text, limits, Skip::Nothing)
}

/// Members of a request that an answer only counts, so that the reader need not build them.
///
/// A skipped member is read in full (the same syntax, duplicate-key, number, surrogate and depth
/// errors, with the same paths) but kept only as its shape: an array of `n` items becomes `n`
/// nulls, any other value `null`. That is all a sync or `filterContent` reads of a kind that
/// stays behind (`excluded` counts array items, or 1): conversation history is typically most of
/// a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Build every value.
    Nothing,
    /// A `planSync` request: of `source`, every kind that is not promoted; of `target`, every
    /// kind but the promoted ones and those a sync looks ids up in (secrets, guardrails,
    /// evaluators).
    SyncRequest,
    /// A workspace for `filterContent`: every kind that is not promoted.
    Workspace,
}

/// Where the reader is, for [`Skip`]: the member of the request being read at depth 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Other,
    Source,
    Target,
}

/// Whether a member `key` of the object at `depth` (the root object is 1) is skipped.
fn skipped(skip: Skip, section: Section, depth: usize, key: &str) -> bool {
    use crate::workspace::Kind;
    let promoted = || Kind::parse(key).is_some_and(Kind::is_promoted);
    match (skip, section, depth) {
        (Skip::Workspace, _, 1) | (Skip::SyncRequest, Section::Source, 2) => !promoted(),
        (Skip::SyncRequest, Section::Target, 2) => {
            !promoted() && !matches!(Kind::parse(key), Some(Kind::Secrets | Kind::Guardrails | Kind::Evaluators))
        }
        _ => false,
    }
}

/// [`parse_with_limits`], keeping only the shape of the members that `skip` names.
pub fn parse_skipping(text: &str, limits: &Limits, skip: Skip) -> Result<Value> {
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
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
        max_depth: limits.max_depth,
        path: Vec::new(),
        skip,
        section: Section::Other,
        scratch: String::new(),
    };
    let value = reader.value().and_then(|value| {
        reader.skip_whitespace();
        if reader.at < reader.bytes.len() {
            return Err(reader.syntax("Unexpected text after the JSON value"));
        }
        Ok(value)
    });
    value.map_err(|found| {
        let path = pointer_from_reversed(&reader.path);
        match found {
            Found::Limit(message) => Error::limit_exceeded(path, message),
            Found::Invalid(message) => Error::invalid_input(path, message),
        }
    })
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

/// The value at a JSON Pointer (RFC 6901), for writing; `None` when the path leads nowhere.
///
/// `serde_json`'s own `pointer_mut` unescapes with `str::replace`, which pulls several kilobytes
/// of panic formatting into the WebAssembly build; this walk unescapes token by token.
pub fn pointer_mut<'v>(value: &'v mut Value, pointer: &str) -> Option<&'v mut Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let mut target = value;
    for raw in pointer.strip_prefix('/')?.split('/') {
        let mut token = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            match (c, c == '~') {
                (_, true) => match chars.next() {
                    Some('0') => token.push('~'),
                    Some('1') => token.push('/'),
                    _ => return None,
                },
                (c, false) => token.push(c),
            }
        }
        target = match target {
            Value::Object(members) => members.get_mut(&token)?,
            // RFC 6901 array indexes: digits, no leading zero.
            Value::Array(items) if token == "0" || !token.starts_with('0') => {
                items.get_mut(token.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(target)
}

/// `base` followed by one escaped token.
pub fn child(base: &str, token: &str) -> String {
    let mut pointer = String::with_capacity(base.len() + token.len() + 1);
    pointer.push_str(base);
    push_token(&mut pointer, token);
    pointer
}

/// `base` followed by an array index.
///
/// Without `format!`: every item's path is built as items are read, and the formatting
/// machinery is slow in the size-optimised WebAssembly build.
pub fn index(base: &str, index: usize) -> String {
    let mut pointer = String::with_capacity(base.len() + 8);
    pointer.push_str(base);
    pointer.push('/');
    push_decimal(&mut pointer, index);
    pointer
}

/// Appends the decimal digits of `n`.
pub(crate) fn push_decimal(out: &mut String, n: usize) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

enum Segment {
    Key(String),
    Index(usize),
}

enum Found {
    Limit(String),
    Invalid(String),
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

/// A recursive-descent reader. Recursion is bounded by `max_depth`; on an error, each level adds
/// its path segment while the error travels up, so the success path never tracks the path.
struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    depth: usize,
    max_depth: usize,
    /// Filled only on error, innermost segment first.
    path: Vec<Segment>,
    /// What to keep only the shape of.
    skip: Skip,
    /// The member of the root object being read (for [`Skip::SyncRequest`]).
    section: Section,
    /// Where skipped strings are decoded (and forgotten).
    scratch: String,
}

type Read<T> = std::result::Result<T, Found>;

impl<'t> Reader<'t> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn syntax(&self, what: &str) -> Found {
        let before = self.bytes.get(..self.at).unwrap_or(self.bytes);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Found::Invalid(format!(
            "The input is not valid JSON: {what} at line {line} column {column}; fix the JSON text."
        ))
    }

    fn value(&mut self) -> Read<Value> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(_) => Err(self.syntax("expected a value")),
            None => Err(self.syntax("the text ends where a value was expected")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Read<Value> {
        if self.bytes.get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.syntax("expected a value"))
        }
    }

    fn enter(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(Found::Limit(format!(
                "The input nests arrays and objects deeper than {} levels; flatten it.",
                self.max_depth
            )));
        }
        self.at += 1; // the opening bracket
        Ok(())
    }

    fn array(&mut self) -> Read<Value> {
        self.enter()?;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
        } else {
            loop {
                match self.value() {
                    Ok(item) => items.push(item),
                    Err(found) => {
                        self.path.push(Segment::Index(items.len()));
                        return Err(found);
                    }
                }
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b']') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.syntax("expected ',' or ']' in an array")),
                }
            }
        }
        self.depth -= 1;
        Ok(Value::Array(items))
    }

    fn object(&mut self) -> Read<Value> {
        self.enter()?;
        let mut members = Map::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
        } else {
            loop {
                self.skip_whitespace();
                if self.peek() != Some(b'"') {
                    return Err(self.syntax("expected a member name in double quotes"));
                }
                let key = self.string()?;
                // One search of the map per member: the entry found for the duplicate check
                // is the one filled.
                let slot = match members.entry(key) {
                    Entry::Occupied(taken) => {
                        let key = taken.key().clone();
                        let message =
                            format!("The key \"{key}\" appears twice in one object; keep one (I-JSON, RFC 7493).");
                        self.path.push(Segment::Key(key));
                        return Err(Found::Invalid(message));
                    }
                    Entry::Vacant(slot) => slot,
                };
                self.skip_whitespace();
                if self.peek() != Some(b':') {
                    return Err(self.syntax("expected ':' after a member name"));
                }
                self.at += 1;
                let skip = self.skip != Skip::Nothing && skipped(self.skip, self.section, self.depth, slot.key());
                if self.depth == 1 {
                    self.section = match slot.key().as_str() {
                        "source" => Section::Source,
                        "target" => Section::Target,
                        _ => Section::Other,
                    };
                }
                match if skip { self.shape() } else { self.value() } {
                    Ok(value) => {
                        slot.insert(value);
                    }
                    Err(found) => {
                        self.path.push(Segment::Key(slot.key().clone()));
                        return Err(found);
                    }
                }
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b'}') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.syntax("expected ',' or '}' in an object")),
                }
            }
        }
        self.depth -= 1;
        Ok(Value::Object(members))
    }

    /// A value read in full but kept as its shape (see [`Skip`]).
    fn shape(&mut self) -> Read<Value> {
        self.skip_whitespace();
        if self.peek() == Some(b'[') {
            let items = self.discard_array()?;
            return Ok(Value::Array(vec![Value::Null; items]));
        }
        self.discard()?;
        Ok(Value::Null)
    }

    /// [`Reader::value`] without building the value: the same checks in the same order.
    fn discard(&mut self) -> Read<()> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.discard_object(),
            Some(b'[') => self.discard_array().map(drop),
            Some(b'"') => self.discard_string(),
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            Some(b't') => self.literal("true", Value::Null).map(drop),
            Some(b'f') => self.literal("false", Value::Null).map(drop),
            Some(b'n') => self.literal("null", Value::Null).map(drop),
            Some(_) => Err(self.syntax("expected a value")),
            None => Err(self.syntax("the text ends where a value was expected")),
        }
    }

    /// [`Reader::array`] without building it; answers how many items it holds.
    fn discard_array(&mut self) -> Read<usize> {
        self.enter()?;
        let mut items = 0;
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
        } else {
            loop {
                if let Err(found) = self.discard() {
                    self.path.push(Segment::Index(items));
                    return Err(found);
                }
                items += 1;
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b']') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.syntax("expected ',' or ']' in an array")),
                }
            }
        }
        self.depth -= 1;
        Ok(items)
    }

    /// [`Reader::object`] without building it; keys are still compared, as decoded text.
    fn discard_object(&mut self) -> Read<()> {
        self.enter()?;
        let mut keys: Vec<std::borrow::Cow<'_, str>> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
        } else {
            loop {
                self.skip_whitespace();
                if self.peek() != Some(b'"') {
                    return Err(self.syntax("expected a member name in double quotes"));
                }
                let key = self.key()?;
                if keys.contains(&key) {
                    let message =
                        format!("The key \"{key}\" appears twice in one object; keep one (I-JSON, RFC 7493).");
                    self.path.push(Segment::Key(key.into_owned()));
                    return Err(Found::Invalid(message));
                }
                self.skip_whitespace();
                if self.peek() != Some(b':') {
                    return Err(self.syntax("expected ':' after a member name"));
                }
                self.at += 1;
                if let Err(found) = self.discard() {
                    self.path.push(Segment::Key(key.into_owned()));
                    return Err(found);
                }
                keys.push(key);
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b'}') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.syntax("expected ',' or '}' in an object")),
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// A member name: borrowed from the text when it holds no escape.
    fn key(&mut self) -> Read<std::borrow::Cow<'t, str>> {
        let start = self.at + 1;
        let at = start + plain_len(self.bytes.get(start..).unwrap_or_default());
        if self.bytes.get(at) == Some(&b'"') {
            self.at = at + 1;
            return Ok(std::borrow::Cow::Borrowed(self.text.get(start..at).unwrap_or("")));
        }
        self.string().map(std::borrow::Cow::Owned)
    }

    /// [`Reader::string`] without keeping the text.
    fn discard_string(&mut self) -> Read<()> {
        self.at += 1; // the opening quote
        loop {
            self.at += plain_len(self.bytes.get(self.at..).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.at += 1;
                    let mut scratch = std::mem::take(&mut self.scratch);
                    scratch.clear();
                    let escaped = self.escape(&mut scratch);
                    self.scratch = scratch;
                    escaped?;
                }
                Some(_) => return Err(self.syntax("a control character must be escaped in a string")),
                None => return Err(self.syntax("the text ends inside a string")),
            }
        }
    }

    fn string(&mut self) -> Read<String> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.at;
            // The hottest loop of the reader: eight bytes at a time.
            self.at += plain_len(self.bytes.get(start..).unwrap_or_default());
            // Both ends sit on ASCII bytes (or the end), so they are char boundaries.
            out.push_str(self.text.get(start..self.at).unwrap_or(""));
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.syntax("a control character must be escaped in a string")),
                None => return Err(self.syntax("the text ends inside a string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Read<()> {
        let Some(b) = self.peek() else { return Err(self.syntax("the text ends inside a string")) };
        self.at += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                match unit {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                            return Err(self.syntax("a lone UTF-16 surrogate is not valid Unicode"));
                        }
                        self.at += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.syntax("a lone UTF-16 surrogate is not valid Unicode"));
                        }
                        let code = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                        char::from_u32(code).ok_or_else(|| self.syntax("an invalid \\u escape"))?
                    }
                    0xDC00..=0xDFFF => return Err(self.syntax("a lone UTF-16 surrogate is not valid Unicode")),
                    unit => char::from_u32(u32::from(unit)).ok_or_else(|| self.syntax("an invalid \\u escape"))?,
                }
            }
            _ => return Err(self.syntax("an invalid escape in a string")),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Read<u16> {
        let digits = self.text.get(self.at..self.at + 4).ok_or_else(|| self.syntax("an invalid \\u escape"))?;
        let unit = u16::from_str_radix(digits, 16).map_err(|_| self.syntax("an invalid \\u escape"))?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.syntax("an invalid \\u escape"));
        }
        self.at += 4;
        Ok(unit)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Read<Value> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        let int_digits = self.digits();
        if int_digits == 0 || (int_digits > 1 && self.bytes.get(int_start) == Some(&b'0')) {
            return Err(self.syntax("an invalid number"));
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.at += 1;
            integer = false;
            if self.digits() == 0 {
                return Err(self.syntax("an invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.syntax("an invalid number"));
            }
        }
        let literal = self.text.get(start..self.at).unwrap_or("");
        if integer && int_digits <= 16 {
            if let Ok(n) = literal.parse::<i64>() {
                if n.unsigned_abs() <= MAX_SAFE_INTEGER {
                    return Ok(Value::Number(n.into()));
                }
            }
        }
        // Rust's float parser rounds correctly, as JavaScript's does: the same text, the same double.
        let float = literal.parse::<f64>().map_err(|_| self.syntax("an invalid number"))?;
        if !float.is_finite() || float.abs() > MAX_SAFE_INTEGER as f64 {
            return Err(Found::Invalid(format!(
                "The number {literal} is beyond ±(2^53 − 1), where a JavaScript number is no longer exact; send it as a string."
            )));
        }
        Ok(Number::from_f64(float).map_or(Value::Null, Value::Number))
    }
}

/// Refuses a value nested deeper than [`Limits::max_depth`] (`LIMIT_EXCEEDED` at the first
/// container past the limit), for values that were not read by [`parse_with_limits`].
///
/// Recursion stops one level past the limit, so it is bounded whatever the value.
pub fn check_depth(value: &Value, limits: &Limits) -> Result<()> {
    // First a walk without paths (the common, passing case), then one that names the culprit.
    fn exceeds(value: &Value, level: usize, max: usize) -> bool {
        match value {
            Value::Array(_) | Value::Object(_) if level > max => true,
            Value::Array(items) => items.iter().any(|item| exceeds(item, level + 1, max)),
            Value::Object(members) => members.values().any(|member| exceeds(member, level + 1, max)),
            _ => false,
        }
    }
    fn culprit(value: &Value, level: usize, max: usize, path: &mut String) -> bool {
        let descend = |token: &str, child: &Value, path: &mut String| {
            let len = path.len();
            push_token(path, token);
            let found = culprit(child, level + 1, max, path);
            if !found {
                path.truncate(len);
            }
            found
        };
        match value {
            Value::Array(_) | Value::Object(_) if level > max => true,
            Value::Array(items) => items.iter().enumerate().any(|(i, item)| descend(&i.to_string(), item, path)),
            Value::Object(members) => members.iter().any(|(key, member)| descend(key, member, path)),
            _ => false,
        }
    }
    if !exceeds(value, 1, limits.max_depth) {
        return Ok(());
    }
    let mut path = String::new();
    culprit(value, 1, limits.max_depth, &mut path);
    Err(Error::limit_exceeded(
        path,
        format!("The input nests arrays and objects deeper than {} levels; flatten it.", limits.max_depth),
    ))
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
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use proptest::prelude::*;

    /// JSON text, possibly with duplicate keys, escapes, deep nesting and big numbers; at the
    /// top and second level the keys of a sync request and of workspace kinds.
    fn text(level: u32) -> BoxedStrategy<String> {
        let leaf = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("fals".to_owned()),
            Just("-0.5e3".to_owned()),
            Just("9007199254740993".to_owned()),
            Just("01".to_owned()),
            Just(r#""a\"b\u00e9\ud83d\ude00""#.to_owned()),
            Just(r#""\ud800""#.to_owned()),
            Just(r#""\x""#.to_owned()),
            Just("\"tab\there\"".to_owned()),
            "[a-z ]{0,6}".prop_map(|s| format!("\"{s}\"")),
            any::<i32>().prop_map(|n| n.to_string()),
        ];
        if level == 0 {
            return leaf.boxed();
        }
        let key = prop_oneof![
            Just("source"),
            Just("target"),
            Just("agents"),
            Just("conversations"),
            Just("secrets"),
            Just("analytics"),
            Just("experiments"),
            Just("id"),
            Just("a\\u0062"),
            Just("b"),
        ];
        let inner = text(level - 1);
        prop_oneof![
            leaf,
            prop::collection::vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((key, inner), 0..5).prop_map(|members| {
                let members: Vec<String> = members.into_iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                format!("{{ {} }}", members.join(","))
            }),
        ]
        .boxed()
    }

    /// The value `parse_skipping` should give: the full value with skipped members as shapes.
    fn expected_shape(value: &Value, skip: Skip, section: Section, depth: usize) -> Value {
        match value {
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(key, member)| {
                        let section = if depth == 1 {
                            match key.as_str() {
                                "source" => Section::Source,
                                "target" => Section::Target,
                                _ => Section::Other,
                            }
                        } else {
                            section
                        };
                        let kept = if skipped(skip, section, depth, key) {
                            match member {
                                Value::Array(items) => Value::Array(vec![Value::Null; items.len()]),
                                _ => Value::Null,
                            }
                        } else {
                            expected_shape(member, skip, section, depth + 1)
                        };
                        (key.clone(), kept)
                    })
                    .collect(),
            ),
            Value::Array(items) => {
                Value::Array(items.iter().map(|item| expected_shape(item, skip, section, depth + 1)).collect())
            }
            other => other.clone(),
        }
    }

    #[test]
    fn skipped_kinds_keep_their_shape_and_their_errors() {
        let text = r#"{"source":{"agents":[{"id":"a"}],"conversations":[{"m":[1]},2,"x"],"analytics":{"d":1}},
            "target":{"secrets":[{"name":"S"}],"issues":[1]},"from":"dev"}"#;
        let value = parse_skipping(text, &Limits::DEFAULT, Skip::SyncRequest).unwrap();
        assert_eq!(value["source"]["agents"][0]["id"], "a");
        assert_eq!(value["source"]["conversations"], Value::Array(vec![Value::Null; 3]));
        assert_eq!(value["source"]["analytics"], Value::Null);
        assert_eq!(value["target"]["secrets"][0]["name"], "S");
        assert_eq!(value["target"]["issues"], Value::Array(vec![Value::Null]));
        for bad in [
            r#"{"source":{"conversations":[{"a":1,"\u0061":2}]}}"#,
            r#"{"source":{"conversations":[{"a":[1,}]}]}}"#,
            r#"{"source":{"conversations":["\ud800"]}}"#,
            r#"{"source":{"conversations":[1e400]}}"#,
            r#"{"source":{"conversations":[[[[[[1]]]]]]}}"#,
        ] {
            let limits = Limits { max_depth: 6, ..Limits::DEFAULT };
            let full = parse_with_limits(bad, &limits).unwrap_err();
            let skipping = parse_skipping(bad, &limits, Skip::SyncRequest).unwrap_err();
            assert_eq!((full.code, &full.message, &full.path), (skipping.code, &skipping.message, &skipping.path));
            assert!(full.path.starts_with("/source/conversations/0"), "{bad}: {}", full.path);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn skipping_gives_the_same_errors_and_the_shapes_of_skipped_members(
            text in text(4),
            cut in any::<prop::sample::Index>(),
            truncate in any::<bool>(),
            depth in 2usize..6,
        ) {
            let text = if truncate {
                let mut at = cut.index(text.len() + 1);
                while !text.is_char_boundary(at) { at -= 1; }
                text[..at].to_owned()
            } else {
                text
            };
            let limits = Limits { max_depth: depth, ..Limits::DEFAULT };
            let full = parse_with_limits(&text, &limits);
            for skip in [Skip::SyncRequest, Skip::Workspace] {
                let skipping = parse_skipping(&text, &limits, skip);
                match (&full, &skipping) {
                    (Ok(full), Ok(shaped)) => {
                        prop_assert_eq!(&expected_shape(full, skip, Section::Other, 1), shaped, "{}", text)
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(
                        (a.code, &a.message, &a.path), (b.code, &b.message, &b.path), "{}", text
                    ),
                    _ => prop_assert!(false, "{:?} vs {:?} for {}", full, skipping, text),
                }
            }
        }
    }

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
    fn values_built_in_code_are_held_to_the_same_depth_limit() {
        let mut value = Value::Null;
        for _ in 0..129 {
            value = Value::Array(vec![Value::Bool(true), value]);
        }
        let err = check_depth(&value, &Limits::DEFAULT).unwrap_err();
        assert_eq!(err.code, ErrorCode::LimitExceeded);
        assert_eq!(err.path, "/1".repeat(128));
        let Value::Array(items) = value else { unreachable!() };
        assert!(check_depth(&items[1], &Limits::DEFAULT).is_ok());
    }

    #[test]
    fn pointers_lead_to_the_same_values_as_serde_json_pointers() {
        let mut value = parse(r#"{"a/b":{"c~d":[1,{"e":2}]},"":3}"#).unwrap();
        for pointer in ["", "/a~1b", "/a~1b/c~0d/1/e", "/", "/a~1b/c~0d/7", "/a~2b", "/x", "a", "/a~1b/c~0d/01"] {
            let expected = value.clone().pointer_mut(pointer).map(|v| v.clone());
            assert_eq!(pointer_mut(&mut value, pointer).map(|v| v.clone()), expected, "{pointer}");
        }
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(child("/a", "x/y~z"), "/a/x~1y~0z");
        let err = parse(r#"{"a/b":{"c~d":[1,}}"#).unwrap_err();
        assert_eq!(err.path, "/a~1b/c~0d/1");
    }
}

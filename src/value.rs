//! The crate's JSON value: [`Value`], whose objects are [`Map`]s — their members in one vector,
//! sorted by key.
//!
//! It has the shape and the methods of `serde_json::Value` (and converts to and from it), but an
//! object is one allocation that is walked as a slice: reading, walking and freeing a workspace
//! costs about two thirds of what `serde_json`'s `BTreeMap` objects cost (a one-member object is
//! one small vector rather than a B-tree leaf of ~400 bytes), which is most of a sync's work
//! besides hashing. Members are kept in Rust `str` order, the order `serde_json::Map` iterates
//! in, so every walk visits them as it did before.

use std::fmt;

use crate::pointer::{array_index, tokens};

pub use serde_json::Number;

/// `json!({ "id": "faq" })`: a [`Value`] written as JSON, as `serde_json::json!` writes one (and
/// built by it).
#[macro_export]
macro_rules! json {
    ($($json:tt)+) => {
        $crate::Value::from($crate::value::serde_json::json!($($json)+))
    };
}

#[doc(hidden)]
pub use serde_json;

/// A JSON value. Its objects are [`Map`]s sorted by key, its numbers `serde_json::Number`s.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// A JSON object: its members sorted by key, each key once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Map {
    members: Vec<(String, Value)>,
}

impl Map {
    /// An empty map.
    pub fn new() -> Map {
        Map { members: Vec::new() }
    }

    /// An empty map with room for `capacity` members.
    pub fn with_capacity(capacity: usize) -> Map {
        Map { members: Vec::with_capacity(capacity) }
    }

    /// The members, already sorted by key with each key once (the caller's promise: the reader
    /// and [`Map::from_members`] keep it).
    pub(crate) fn from_sorted(members: Vec<(String, Value)>) -> Map {
        Map { members }
    }

    /// A map of `members` given in any order. When a key appears more than once, the map keeps
    /// its last value (as inserting them one by one would) and the answer's second part is that
    /// key — of the repeats, the one that appears again first.
    pub fn from_members(members: Vec<(String, Value)>) -> (Map, Option<String>) {
        let keys: Vec<&str> = members.iter().map(|(key, _)| key.as_str()).collect();
        let Some((order, first_repeat)) = key_order(&keys) else {
            return (Map { members }, None);
        };
        let repeated = first_repeat.and_then(|index| keys.get(index)).map(|key| (*key).to_owned());
        // Of equal keys, side by side in their first order, only the last is kept.
        let next = order.iter().skip(1).map(Some).chain([None]);
        let kept: Vec<usize> = order
            .iter()
            .zip(next)
            .filter(|(&a, b)| b.is_none_or(|&b| keys.get(a) != keys.get(b)))
            .map(|(&a, _)| a)
            .collect();
        let mut slots: Vec<Option<(String, Value)>> = members.into_iter().map(Some).collect();
        let sorted = kept.into_iter().filter_map(|index| slots.get_mut(index).and_then(Option::take)).collect();
        (Map { members: sorted }, repeated)
    }

    /// Where `key` is, or where it would go (see [`search`]).
    fn search(&self, key: &str) -> Result<usize, usize> {
        search(&self.members, key)
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there is no member.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let index = self.search(key).ok()?;
        self.members.get(index).map(|(_, value)| value)
    }

    /// The value of `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let index = self.search(key).ok()?;
        self.members.get_mut(index).map(|(_, value)| value)
    }

    /// Whether `key` is a member.
    pub fn contains_key(&self, key: &str) -> bool {
        self.search(key).is_ok()
    }

    /// Sets `key` to `value`; the value it replaces, if any. Appending keys in order costs O(1).
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match search_to_add(&self.members, &key) {
            Ok(index) => self.members.get_mut(index).map(|(_, old)| std::mem::replace(old, value)),
            Err(index) => {
                self.members.insert(index, (key, value));
                None
            }
        }
    }

    /// The member `key`, to fill in when it is missing (`map.entry(key).or_insert(value)`).
    pub fn entry(&mut self, key: impl Into<String>) -> Entry<'_> {
        Entry { map: self, key: key.into() }
    }

    /// Takes `key` out; its value, if it was there.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let index = self.search(key).ok()?;
        (index < self.members.len()).then(|| self.members.remove(index).1)
    }

    /// The members in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &Value)> + ExactSizeIterator + Clone {
        self.members.iter().map(|(key, value)| (key, value))
    }

    /// The members in key order, their values to change.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&String, &mut Value)> + ExactSizeIterator {
        self.members.iter_mut().map(|(key, value)| (&*key, value))
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.members.iter().map(|(key, _)| key)
    }

    /// The values, in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator + Clone {
        self.members.iter().map(|(_, value)| value)
    }

    /// The values, in key order, to change.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.members.iter_mut().map(|(_, value)| value)
    }

    /// Keeps the members `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut Value) -> bool) {
        self.members.retain_mut(|(key, value)| keep(key, value));
    }

    /// The members as a slice, in key order.
    pub fn as_slice(&self) -> &[(String, Value)] {
        &self.members
    }
}

/// Where `key` is among `members` sorted by key (`Ok`), or where it would go (`Err`).
fn search(members: &[(String, Value)], key: &str) -> Result<usize, usize> {
    // Most objects are short: a scan from the start beats halving for them.
    if members.len() <= 8 {
        for (index, (name, _)) in members.iter().enumerate() {
            match name.as_str().cmp(key) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => return Ok(index),
                std::cmp::Ordering::Greater => return Err(index),
            }
        }
        return Err(members.len());
    }
    members.binary_search_by(|(name, _)| name.as_str().cmp(key))
}

/// [`search`] for a key about to be added: keys often come in order, so the last member is looked
/// at first, and appending in order costs O(1). The reader keeps short objects sorted with it.
pub(crate) fn search_to_add(members: &[(String, Value)], key: &str) -> Result<usize, usize> {
    match members.last() {
        None => Err(0),
        Some((last, _)) if last.as_str() < key => Err(members.len()),
        Some(_) => search(members, key),
    }
}

/// The positions of `keys` in key order (a stable sort), and the position of the first key that
/// appeared before it, if any; `None` when the keys are strictly increasing already (the order
/// is theirs and no key repeats). O(n log n), and O(n) for keys in order.
pub(crate) fn key_order(keys: &[&str]) -> Option<(Vec<usize>, Option<usize>)> {
    if keys.windows(2).all(|pair| matches!(pair, [a, b] if a < b)) {
        return None;
    }
    let mut order: Vec<usize> = (0..keys.len()).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| keys.get(a) < keys.get(b));
    // Equal keys sit side by side in their first order: each but the first of a run repeats.
    let first_repeat = order
        .windows(2)
        .filter_map(|pair| match *pair {
            [a, b] if keys.get(a) == keys.get(b) => Some(b),
            _ => None,
        })
        .min();
    Some((order, first_repeat))
}

/// A member of a [`Map`] that may be missing (see [`Map::entry`]).
pub struct Entry<'m> {
    map: &'m mut Map,
    key: String,
}

impl<'m> Entry<'m> {
    /// The member's value; `value` first, when it is missing.
    pub fn or_insert(self, value: Value) -> &'m mut Value {
        self.or_insert_with(|| value)
    }

    /// The member's value; `make()` first, when it is missing.
    pub fn or_insert_with(self, make: impl FnOnce() -> Value) -> &'m mut Value {
        let Entry { map, key } = self;
        let index = map.search(&key).unwrap_or_else(|index| {
            map.members.insert(index, (key, make()));
            index
        });
        match map.members.get_mut(index) {
            Some((_, value)) => value,
            None => unreachable_slot(),
        }
    }
}

/// In key order; a repeated key keeps its last value.
impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(members: I) -> Map {
        Map::from_members(members.into_iter().collect()).0
    }
}

impl Extend<(String, Value)> for Map {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, members: I) {
        let mut all = std::mem::take(&mut self.members);
        all.extend(members);
        *self = Map::from_members(all).0;
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.members.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (String, Value)>, fn(&'a (String, Value)) -> (&'a String, &'a Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.members.iter().map(|(key, value)| (key, value))
    }
}

/// `map["key"]`: the member's value, or `null` when there is none (as `serde_json` answers).
impl std::ops::Index<&str> for Map {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

static NULL: Value = Value::Null;

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The map, if this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The map, if this is an object, to change.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The items, if this is an array, to change.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    /// The number as a `u64`, if it is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(Number::as_u64)
    }

    /// The number as an `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// The number as an `f64`, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().and_then(Number::as_f64)
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(number) => Some(number),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// Whether this is a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    /// Whether this is a boolean.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }

    /// A member of an object (`value.get("id")`) or an item of an array (`value.get(0)`).
    pub fn get<I: ValueIndex>(&self, index: I) -> Option<&Value> {
        index.index_into(self)
    }

    /// A member of an object or an item of an array, to change.
    pub fn get_mut<I: ValueIndex>(&mut self, index: I) -> Option<&mut Value> {
        index.index_into_mut(self)
    }

    /// The value, leaving `null` in its place.
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }

    /// The value a JSON Pointer (RFC 6901) leads to; `None` when it leads nowhere.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        let mut target = self;
        for token in tokens(pointer)? {
            target = match target {
                Value::Object(members) => members.get(&token)?,
                Value::Array(items) => items.get(array_index(&token)?)?,
                _ => return None,
            };
        }
        Some(target)
    }

    /// The value a JSON Pointer leads to, to change it; `None` when it leads nowhere.
    pub fn pointer_mut(&mut self, pointer: &str) -> Option<&mut Value> {
        let mut target = self;
        for token in tokens(pointer)? {
            target = match target {
                Value::Object(members) => members.get_mut(&token)?,
                Value::Array(items) => items.get_mut(array_index(&token)?)?,
                _ => return None,
            };
        }
        Some(target)
    }
}

/// What [`Value::get`] takes: a key (`&str`, `String`) or an index (`usize`).
pub trait ValueIndex {
    #[doc(hidden)]
    fn index_into<'v>(&self, value: &'v Value) -> Option<&'v Value>;
    #[doc(hidden)]
    fn index_into_mut<'v>(&self, value: &'v mut Value) -> Option<&'v mut Value>;
}

impl ValueIndex for str {
    fn index_into<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        value.as_object().and_then(|map| map.get(self))
    }
    fn index_into_mut<'v>(&self, value: &'v mut Value) -> Option<&'v mut Value> {
        value.as_object_mut().and_then(|map| map.get_mut(self))
    }
}

impl ValueIndex for String {
    fn index_into<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        self.as_str().index_into(value)
    }
    fn index_into_mut<'v>(&self, value: &'v mut Value) -> Option<&'v mut Value> {
        self.as_str().index_into_mut(value)
    }
}

impl ValueIndex for usize {
    fn index_into<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        value.as_array().and_then(|items| items.get(*self))
    }
    fn index_into_mut<'v>(&self, value: &'v mut Value) -> Option<&'v mut Value> {
        value.as_array_mut().and_then(|items| items.get_mut(*self))
    }
}

impl<T: ValueIndex + ?Sized> ValueIndex for &T {
    fn index_into<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        (**self).index_into(value)
    }
    fn index_into_mut<'v>(&self, value: &'v mut Value) -> Option<&'v mut Value> {
        (**self).index_into_mut(value)
    }
}

/// `value["key"]`, `value[0]`: the member or item, or `null` when there is none (as `serde_json`
/// answers; never a panic).
impl<I: ValueIndex> std::ops::Index<I> for Value {
    type Output = Value;
    fn index(&self, index: I) -> &Value {
        index.index_into(self).unwrap_or(&NULL)
    }
}

/// `value["key"] = …`: the member, added as `null` when it is missing. Unlike `serde_json`, which
/// panics, a value that is not an object becomes an empty one first.
impl std::ops::IndexMut<&str> for Value {
    fn index_mut(&mut self, key: &str) -> &mut Value {
        if !self.is_object() {
            *self = Value::Object(Map::new());
        }
        match self {
            Value::Object(map) => map.entry(key).or_insert(Value::Null),
            other => other,
        }
    }
}

/// `value[3] = …`: the item, the array grown with `null`s up to it if need be. Unlike
/// `serde_json`, which panics, a value that is not an array becomes an empty one first.
impl std::ops::IndexMut<usize> for Value {
    fn index_mut(&mut self, index: usize) -> &mut Value {
        if !self.is_array() {
            *self = Value::Array(Vec::new());
        }
        match self {
            Value::Array(items) => {
                if items.len() <= index {
                    items.resize(index.saturating_add(1), Value::Null);
                }
                match items.get_mut(index) {
                    Some(item) => item,
                    None => unreachable_slot(),
                }
            }
            other => other,
        }
    }
}

/// What `IndexMut` and [`Entry`] answer where their slot was just found or made: never reached,
/// but without a panic.
fn unreachable_slot() -> &'static mut Value {
    Box::leak(Box::new(Value::Null))
}

/// The JSON text, as `serde_json` writes it (answers are written by [`crate::write`]).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&serde_json::to_string(self).map_err(|_| fmt::Error)?)
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Value {
        Value::Bool(flag)
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::String(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::String(text)
    }
}

impl From<Number> for Value {
    fn from(number: Number) -> Value {
        Value::Number(number)
    }
}

impl From<Map> for Value {
    fn from(map: Map) -> Value {
        Value::Object(map)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::Number(Number::from(n))
            }
        }
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                self.as_number() == Some(&Number::from(*other))
            }
        }
    )*};
}
from_integer!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

/// A finite `f64` as a number; `NaN` and the infinities (which JSON has no word for) as `null`
/// (as `serde_json` converts one).
impl From<f64> for Value {
    fn from(float: f64) -> Value {
        Number::from_f64(float).map_or(Value::Null, Value::Number)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

impl PartialEq<f64> for Value {
    fn eq(&self, other: &f64) -> bool {
        self.as_f64() == Some(*other)
    }
}

impl From<serde_json::Value> for Value {
    fn from(value: serde_json::Value) -> Value {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(flag) => Value::Bool(flag),
            serde_json::Value::Number(number) => Value::Number(number),
            serde_json::Value::String(text) => Value::String(text),
            serde_json::Value::Array(items) => Value::Array(items.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

impl From<Value> for serde_json::Value {
    fn from(value: Value) -> serde_json::Value {
        match value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(flag) => serde_json::Value::Bool(flag),
            Value::Number(number) => serde_json::Value::Number(number),
            Value::String(text) => serde_json::Value::String(text),
            Value::Array(items) => serde_json::Value::Array(items.into_iter().map(serde_json::Value::from).collect()),
            Value::Object(map) => {
                serde_json::Value::Object(map.into_iter().map(|(k, v)| (k, serde_json::Value::from(v))).collect())
            }
        }
    }
}

impl PartialEq<serde_json::Value> for Value {
    fn eq(&self, other: &serde_json::Value) -> bool {
        match (self, other) {
            (Value::Null, serde_json::Value::Null) => true,
            (Value::Bool(a), serde_json::Value::Bool(b)) => a == b,
            (Value::Number(a), serde_json::Value::Number(b)) => a == b,
            (Value::String(a), serde_json::Value::String(b)) => a == b,
            (Value::Array(a), serde_json::Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a == b)
            }
            (Value::Object(a), serde_json::Value::Object(b)) => {
                a.len() == b.len() && b.iter().all(|(key, b)| a.get(key).is_some_and(|a| a == b))
            }
            _ => false,
        }
    }
}

impl PartialEq<Value> for serde_json::Value {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(flag) => serializer.serialize_bool(*flag),
            Value::Number(number) => number.serialize(serializer),
            Value::String(text) => serializer.serialize_str(text),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(map) => map.serialize(serializer),
        }
    }
}

impl serde::Serialize for Map {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut out = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            out.serialize_entry(key, value)?;
        }
        out.end()
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        serde_json::Value::deserialize(deserializer).map(Value::from)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

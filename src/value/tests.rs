// `Value`'s indexing answers `null` rather than panicking: these tests index on purpose.
#![allow(clippy::indexing_slicing)]

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::{Map, Value};

/// One change to a map: insert (key, value) or remove a key.
#[derive(Debug, Clone)]
enum Change {
    Insert(String, u8),
    Remove(String),
}

/// JSON values whose text the crate's reader reads back as the very same value: integers of at
/// most 53 bits and doubles with a fraction (the reader holds `2.0` as the integer `2`).
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        (-(1i64 << 53)..(1i64 << 53)).prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("a finite fraction", |f| f.is_finite() && f.fract() != 0.0)
            .prop_map(serde_json::Value::from),
        "[a-z\"\\\\\u{e000}\u{10000}]{0,6}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 64, 40, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            prop::collection::vec(("[a-c\u{e000}\u{10000}]{0,3}", inner), 0..40)
                .prop_map(|members| serde_json::Value::Object(members.into_iter().collect())),
        ]
    })
}

fn change() -> impl Strategy<Value = Change> {
    // Few distinct keys, so that keys repeat; some beyond U+FFFF and U+E000, whose byte order
    // the map keeps.
    let key = prop::sample::select(vec!["", "a", "b", "ab", "id", "z", "\u{e000}", "\u{10000}", "é", "a\u{0}"])
        .prop_map(str::to_owned);
    prop_oneof![
        3 => (key.clone(), any::<u8>()).prop_map(|(k, v)| Change::Insert(k, v)),
        1 => key.prop_map(Change::Remove),
    ]
}

proptest! {
    /// A `Map` answers as a `BTreeMap` (serde_json's map) does after the same changes.
    #[test]
    fn a_map_answers_as_a_btree_map_does(changes in proptest::collection::vec(change(), 0..80)) {
        let mut map = Map::new();
        let mut model = BTreeMap::new();
        for change in changes {
            match change {
                Change::Insert(key, n) => {
                    prop_assert_eq!(map.insert(key.clone(), Value::from(n)), model.insert(key, Value::from(n)));
                }
                Change::Remove(key) => prop_assert_eq!(map.remove(&key), model.remove(&key)),
            }
            prop_assert_eq!(map.len(), model.len());
            prop_assert!(map.iter().eq(model.iter()));
            for key in ["", "a", "id", "\u{10000}", "missing"] {
                prop_assert_eq!(map.get(key), model.get(key));
                prop_assert_eq!(map.contains_key(key), model.contains_key(key));
            }
        }
    }

    /// Members given in any order make the map that inserting them one by one makes; a repeated
    /// key is reported, the one that repeats first.
    #[test]
    fn members_in_any_order_make_the_inserted_map(members in proptest::collection::vec((0u16..300, any::<u8>()), 0..200)) {
        let members: Vec<(String, Value)> = members.into_iter().map(|(k, v)| (format!("k{k}"), Value::from(v))).collect();
        let mut inserted = Map::new();
        let mut first_repeat = None;
        for (key, value) in members.clone() {
            if inserted.insert(key.clone(), value).is_some() && first_repeat.is_none() {
                first_repeat = Some(key);
            }
        }
        let (map, repeated) = Map::from_members(members);
        prop_assert_eq!(&map, &inserted);
        prop_assert_eq!(repeated, first_repeat);
        prop_assert!(map.keys().zip(map.keys().skip(1)).all(|(a, b)| a < b));
    }

    /// The crate's reader makes the value `serde_json` makes, and the two convert into each other.
    #[test]
    fn read_values_are_serde_json_values(value in any_json()) {
        let text = serde_json::to_string(&value).unwrap_or_default();
        let read = crate::json::parse(&text);
        prop_assert!(read.is_ok(), "{text}");
        let read = read.unwrap_or_default();
        prop_assert_eq!(&read, &value);
        prop_assert_eq!(&value, &read);
        prop_assert_eq!(Value::from(value.clone()), read.clone());
        prop_assert_eq!(serde_json::Value::from(read), value);
    }
}

/// A long object read out of order: sorted, and its repeated key found past the members kept in
/// order as they are read.
#[test]
fn a_long_object_out_of_order_is_sorted_and_checked() {
    let keys: Vec<String> = (0..100).rev().map(|i| format!("\"k{i:03}\":{i}")).collect();
    let text = format!("{{{}}}", keys.join(","));
    let value = crate::json::parse(&text).unwrap_or_default();
    let map = value.as_object().cloned().unwrap_or_default();
    assert_eq!(map.len(), 100);
    assert!(map.keys().zip(map.keys().skip(1)).all(|(a, b)| a < b));
    assert_eq!(value["k007"], 7);

    let repeated = format!("{{{},\"k050\":1,\"k020\":2}}", keys.join(","));
    let error = crate::json::parse(&repeated).err().map(|e| (e.code.as_str(), e.path));
    assert_eq!(error, Some(("INVALID_INPUT", "/k050".to_owned())));
}

#[test]
fn indexing_never_panics_and_answers_null() {
    let value = crate::json!({ "a": [1, { "b": "c" }] });
    assert_eq!(value["a"][1]["b"], "c");
    assert!(value["a"][7]["x"].is_null());
    assert!(value["missing"][0].is_null());
    assert_eq!(value.pointer("/a/1/b"), Some(&Value::from("c")));
    assert_eq!(value.to_string(), r#"{"a":[1,{"b":"c"}]}"#);
}

/// The reader that keeps only the shape of a member checks its keys as the full reader does: a
/// long object's repeated key is found after its members are read, the first to repeat.
#[test]
fn a_long_skipped_object_is_checked_for_repeated_keys() {
    let skip_all: crate::json::Skip = |_, _| true;
    let limits = crate::json::ReadLimits::DEFAULT;
    let keys: Vec<String> = (0..100).rev().map(|i| format!("\"k{i:03}\":[{i}]")).collect();
    let fine = format!("{{\"a\":{{{}}}}}", keys.join(","));
    assert!(crate::json::parse_skipping(&fine, limits, skip_all).is_ok());
    for (before, after, expected) in
        [("", ",\"k050\":1,\"k020\":2", "/a/k050"), ("", ",\"k099\":1", "/a/k099"), ("\"k000\":0,", "", "/a/k000")]
    {
        let text = format!("{{\"a\":{{{before}{}{after}}}}}", keys.join(","));
        let error = crate::json::parse_skipping(&text, limits, skip_all).err().map(|e| e.path);
        assert_eq!(error.as_deref(), Some(expected), "{before}{after}");
    }
}

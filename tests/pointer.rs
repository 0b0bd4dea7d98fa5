#![cfg(not(target_arch = "wasm32"))]
//! JSON Pointers (RFC 6901): escaping, unescaping and walking, checked against serde_json's walk.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use promotion_rules::{json, pointer};
use proptest::prelude::*;
use serde_json::Value;

#[test]
fn tokens_escape_tilde_then_slash() {
    assert_eq!(pointer::child("/a", "x/y~z"), "/a/x~1y~0z");
    assert_eq!(pointer::child("", "~1"), "/~01");
    assert_eq!(pointer::index("/list", 12), "/list/12");
    let mut path = String::new();
    pointer::push_token(&mut path, "plain");
    pointer::push_index(&mut path, 0);
    assert_eq!(path, "/plain/0");
}

#[test]
fn index_paths_are_decimal() {
    for n in [0usize, 1, 9, 10, 99, 100, 12345, usize::MAX] {
        assert_eq!(pointer::index("", n), format!("/{n}"));
    }
}

#[test]
fn malformed_pointers_lead_nowhere() {
    for bad in ["a", "/a~2b", "/~", "/a~"] {
        assert_eq!(pointer::tokens(bad), None, "{bad}");
    }
    assert_eq!(pointer::tokens(""), Some(vec![]));
    assert_eq!(pointer::tokens("/"), Some(vec![String::new()]));
    assert_eq!(pointer::array_index("01"), None);
    assert_eq!(pointer::array_index("-"), None);
    assert_eq!(pointer::array_index("10"), Some(10));
}

#[test]
fn pointers_lead_to_the_same_values_as_serde_json_pointers() {
    let mut value = json::parse(r#"{"a/b":{"c~d":[1,{"e":2}]},"":3}"#).unwrap();
    for path in ["", "/a~1b", "/a~1b/c~0d/1/e", "/", "/a~1b/c~0d/7", "/a~2b", "/x", "a", "/a~1b/c~0d/01"] {
        let expected = serde_json::Value::from(value.clone()).pointer_mut(path).map(|v| v.clone());
        let found = value.pointer_mut(path).map(|v| serde_json::Value::from(v.clone()));
        assert_eq!(found, expected, "{path}");
    }
}

proptest! {
    #[test]
    fn a_token_escaped_and_unescaped_is_itself(tokens in prop::collection::vec("\\PC{0,6}|[~/01]{0,6}", 0..5)) {
        let mut path = String::new();
        for token in &tokens {
            pointer::push_token(&mut path, token);
        }
        prop_assert_eq!(pointer::tokens(&path), Some(tokens.clone()));
        // And serde_json finds the same member.
        let mut value = Value::Null;
        for token in tokens.iter().rev() {
            let mut object = serde_json::Map::new();
            object.insert(token.clone(), value);
            value = Value::Object(object);
        }
        prop_assert!(value.pointer(&path).is_some());
        let found = promotion_rules::Value::from(value.clone()).pointer_mut(&path).map(|v| serde_json::Value::from(v.clone()));
        prop_assert_eq!(found, value.pointer(&path).cloned());
    }
}

#![cfg(not(target_arch = "wasm32"))]
//! The JSON reader: the security boundary and the most fuzzed code. Syntax, duplicate keys,
//! numbers, surrogates, depth and byte limits, and the skipping of what a caller only counts.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use common::cases;
use promotion_rules::json::{check_depth, parse, parse_echoing, parse_skipping, parse_with_limits, ReadLimits, Skip};
use promotion_rules::rules::sync::{counted_in_sync_request, ECHO};
use promotion_rules::workspace::counted_in_workspace;
use promotion_rules::ErrorCode;
use promotion_rules::Value;
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
/// `parent` is the key of the root member being walked (when the root is an object).
fn expected_shape(value: &Value, skip: Skip, parent: Option<&str>, depth: usize) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(key, member)| {
                    let asked = match (depth, parent) {
                        (1, _) => skip(None, key),
                        (2, Some(parent)) => skip(Some(parent), key),
                        _ => false,
                    };
                    let kept = if asked {
                        match member {
                            Value::Array(items) => Value::Array(vec![Value::Null; items.len()]),
                            _ => Value::Null,
                        }
                    } else {
                        let parent = if depth == 1 { Some(key.as_str()) } else { parent };
                        expected_shape(member, skip, parent, depth + 1)
                    };
                    (key.clone(), kept)
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| expected_shape(item, skip, parent, depth + 1)).collect())
        }
        other => other.clone(),
    }
}

#[test]
fn skipped_kinds_keep_their_shape_and_their_errors() {
    let text = r#"{"source":{"agents":[{"id":"a"}],"conversations":[{"m":[1]},2,"x"],"analytics":{"d":1}},
        "target":{"secrets":[{"name":"S"}],"issues":[1]},"from":"dev"}"#;
    let value = parse_skipping(text, ReadLimits::DEFAULT, counted_in_sync_request).unwrap();
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
        let limits = ReadLimits { max_depth: 6, ..ReadLimits::DEFAULT };
        let full = parse_with_limits(bad, limits).unwrap_err();
        let skipping = parse_skipping(bad, limits, counted_in_sync_request).unwrap_err();
        assert_eq!((full.code, &full.message, &full.path), (skipping.code, &skipping.message, &skipping.path));
        assert!(full.path.starts_with("/source/conversations/0"), "{bad}: {}", full.path);
    }
}

#[test]
fn target_items_that_repeat_the_source_are_copied_as_the_values_they_read_as() {
    // Agents: one edited, one left out of the source, one added to it; all but those repeat.
    let text = r#"{"source":{"agents":[{"id":"a"},{"id":"b","v":2},{"id":"d"},{"id":"n"}],
        "variables":[{"name":"V"}]},
        "target":{"agents":[{"id":"a"}, {"id":"b","v":1},{"id":"c"},{"id":"d"}],"variables":[{"name":"V"}],
        "channels":[1]}}"#;
    let (mut value, echoes) = parse_echoing(text, ReadLimits::DEFAULT, counted_in_sync_request, Some(ECHO)).unwrap();
    assert_eq!(echoes.of("agents"), [(0, 0), (3, 2)]);
    // A repeated item is read as its id alone; `fill` copies the items the stubs stand for.
    assert_eq!(value["target"]["agents"][3], parse(r#"{"id":"d"}"#).unwrap());
    echoes.fill(&mut value);
    assert_eq!(value, parse_skipping(text, ReadLimits::DEFAULT, counted_in_sync_request).unwrap());
    // Variables are merged, not copied; items that are not objects are read.
    assert!(echoes.of("variables").is_empty() && echoes.of("channels").is_empty());
    // Nothing is copied from a source read after the target, nor between other members.
    let (_, echoes) = parse_echoing(
        r#"{"target":{"agents":[{"id":"a"}]},"source":{"agents":[{"id":"a"}]}}"#,
        ReadLimits::DEFAULT,
        counted_in_sync_request,
        Some(ECHO),
    )
    .unwrap();
    assert!(echoes.of("agents").is_empty());
    // An error after copied items names its own place.
    let bad = r#"{"source":{"agents":[{"id":"a"},{"id":"b"}]},"target":{"agents":[{"id":"a"},{"id":"b"},{"id":01}]}}"#;
    let error = parse_echoing(bad, ReadLimits::DEFAULT, counted_in_sync_request, Some(ECHO)).unwrap_err();
    assert_eq!(error.path, "/target/agents/2/id");
}

/// A sync request whose target's agents are the source's edited by `edits` (kept, left out,
/// replaced, or with another item before them), items joined with `separator`; the target first
/// when `target_first`.
fn repeating_request(items: &[String], others: &[String], edits: &[u8], separator: &str, target_first: bool) -> String {
    let mut target = Vec::new();
    for (i, (item, edit)) in items.iter().zip(edits.iter().cycle()).enumerate() {
        let other = others.get(i % others.len().max(1)).cloned().unwrap_or_else(|| "{}".to_owned());
        match edit {
            1 => {}
            2 => target.push(other),
            3 => target.extend([other, item.clone()]),
            _ => target.push(item.clone()),
        }
    }
    let source = format!(r#""source":{{"agents":[{}],"variables":[{}]}}"#, items.join(separator), items.join(","));
    let target = format!(r#""target":{{"agents":[{}],"variables":[{}]}}"#, target.join(","), target.join(separator));
    if target_first {
        format!("{{{target},{source}}}")
    } else {
        format!("{{{source},{target}}}")
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(2000)))]

    #[test]
    fn echoing_reads_what_reading_reads(
        items in prop::collection::vec(text(2), 0..6),
        others in prop::collection::vec(text(2), 0..3),
        edits in prop::collection::vec(0..4u8, 1..8),
        spaced in any::<bool>(),
        target_first in any::<bool>(),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
        depth in 3usize..7,
    ) {
        let mut text = repeating_request(&items, &others, &edits, if spaced { ", " } else { "," }, target_first);
        if truncate {
            let mut at = cut.index(text.len() + 1);
            while !text.is_char_boundary(at) { at -= 1; }
            text.truncate(at);
        }
        let limits = ReadLimits { max_depth: depth, ..ReadLimits::DEFAULT };
        let read = parse_skipping(&text, limits, counted_in_sync_request);
        let echoed = parse_echoing(&text, limits, counted_in_sync_request, Some(ECHO));
        match (&read, &echoed) {
            (Ok(read), Ok((stubs, echoes))) => {
                prop_assert!(echoes.of("variables").is_empty());
                for &(index, of) in echoes.of("agents") {
                    prop_assert_eq!(&read["target"]["agents"][index], &read["source"]["agents"][of]);
                    let id = &read["source"]["agents"][of]["id"];
                    prop_assert_eq!(stubs["target"]["agents"][index].as_object().map(|stub| stub.len()), Some(1));
                    prop_assert_eq!(&stubs["target"]["agents"][index]["id"], id);
                }
                let mut value = stubs.clone();
                echoes.fill(&mut value);
                prop_assert_eq!(read, &value, "{}", text);
            }
            (Err(a), Err(b)) => prop_assert_eq!((a.code, &a.message, &a.path), (b.code, &b.message, &b.path), "{}", text),
            _ => prop_assert!(false, "{:?} vs {:?} for {}", read, echoed, text),
        }
    }

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
        let limits = ReadLimits { max_depth: depth, ..ReadLimits::DEFAULT };
        let full = parse_with_limits(&text, limits);
        for skip in [counted_in_sync_request as Skip, counted_in_workspace] {
            let skipping = parse_skipping(&text, limits, skip);
            match (&full, &skipping) {
                (Ok(full), Ok(shaped)) => {
                    prop_assert_eq!(&expected_shape(full, skip, None, 1), shaped, "{}", text)
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
    assert!(parse(&ok).is_ok());
    let over = format!("{}{}", "[".repeat(129), "]".repeat(129));
    assert_eq!(parse(&over).unwrap_err().code, ErrorCode::LimitExceeded);
}

#[test]
fn every_finite_number_json_parse_accepts_is_read_as_the_double_it_denotes() {
    for (text, expected) in [
        ("9007199254740991", 9007199254740991.0),
        ("-9007199254740993", -9007199254740992.0),
        ("12345678901234567890", 12345678901234567000.0),
        ("1e21", 1e21),
        ("1.5e300", 1.5e300),
        ("5e-324", 5e-324),
        ("1e-400", 0.0),
        ("100000000000000000000", 1e20),
    ] {
        let value = parse(text).unwrap();
        assert_eq!(value.as_f64(), Some(expected), "{text}");
    }
    for (integral, plain) in
        [("1.0", "1"), ("1e2", "100"), ("-0", "0"), ("-0.0", "0"), ("9007199254740991.0", "9007199254740991")]
    {
        assert_eq!(parse(integral).unwrap(), parse(plain).unwrap(), "{integral}");
    }
    let err = parse("[1e400]").unwrap_err();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidInput, "/0"));
    assert_eq!(parse("-1e400").unwrap_err().code, ErrorCode::InvalidInput);
}

#[test]
fn a_skipped_object_with_many_keys_is_read_in_n_log_n() {
    let keys = |n: usize| {
        let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
        format!(r#"{{"source":{{"analytics":{{{}}}}}}}"#, members.join(","))
    };
    let time = |text: &str| {
        let start = std::time::Instant::now();
        parse_skipping(text, ReadLimits::DEFAULT, counted_in_sync_request).unwrap();
        start.elapsed().as_secs_f64()
    };
    // Interleaved, best of seven: the other tests of this binary run on the same cores. A
    // duplicate check that compares every key with every other costs 10× per byte here.
    let (small, large) = (keys(20_000), keys(200_000));
    let (mut best_small, mut best_large) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..7 {
        best_small = best_small.min(time(&small));
        best_large = best_large.min(time(&large));
    }
    let ratio = (best_large / large.len() as f64) / (best_small / small.len() as f64);
    assert!(ratio < 3.0, "200,000 keys cost {ratio:.1}× per byte what 20,000 keys cost");
}

#[test]
fn lone_surrogates_and_trailing_text_are_invalid_input() {
    assert_eq!(parse(r#""\ud800""#).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(parse(r#"{} {}"#).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(parse(r#""\ud83d\ude00""#).unwrap(), Value::String("😀".into()));
}

#[test]
fn input_past_the_byte_limit_is_refused_at_the_root() {
    let limits = ReadLimits { max_input_bytes: 4, ..ReadLimits::DEFAULT };
    let err = parse_with_limits("[1,2,3]", limits).unwrap_err();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::LimitExceeded, ""));
}

#[test]
fn values_built_in_code_are_held_to_the_same_depth_limit() {
    let mut value = Value::Null;
    for _ in 0..129 {
        value = Value::Array(vec![Value::Bool(true), value]);
    }
    let err = check_depth(&value, ReadLimits::DEFAULT).unwrap_err();
    assert_eq!(err.code, ErrorCode::LimitExceeded);
    assert_eq!(err.path, "/1".repeat(128));
    let Value::Array(items) = value else { unreachable!() };
    assert!(check_depth(&items[1], ReadLimits::DEFAULT).is_ok());
}

#[test]
fn pointer_tokens_are_escaped() {
    let err = parse(r#"{"a/b":{"c~d":[1,}}"#).unwrap_err();
    assert_eq!(err.path, "/a~1b/c~0d/1");
}

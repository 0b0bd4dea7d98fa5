//! The tests of `diff`, kept out of its file so that the file reads as its logic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use super::*;

/// The item kinds and the member that identifies their items.
const ITEM_KINDS: [(&str, &str); 6] = [
    ("agents", "id"),
    ("workflows", "id"),
    ("knowledgeBase", "id"),
    ("integrations", "id"),
    ("channels", "id"),
    ("variables", "name"),
];
const LOCAL_KINDS: [&str; 6] = ["conversations", "analytics", "evaluators", "guardrails", "issues", "secrets"];
const VARIABLES: &str = "variables";

#[test]
fn the_tables_of_these_tests_are_the_kinds_of_the_crate() {
    let promoted: Vec<(&str, &str)> = Kind::PROMOTED.iter().map(|k| (k.as_str(), k.id_key())).collect();
    assert_eq!(promoted, ITEM_KINDS.to_vec());
    assert_eq!(Kind::LOCAL.map(Kind::as_str), LOCAL_KINDS);
}
use crate::json;
use proptest::prelude::*;

fn ops(patch: &[PatchOperation]) -> Value {
    crate::json::parse(&crate::write::to_json(&patch)).unwrap()
}

fn check_patch(before: &Value, after: &Value) -> ChangeSet {
    let changes = diff_workspaces(before, after);
    let mut doc = before.clone();
    apply_patch(&mut doc, &changes.patch).unwrap();
    assert_eq!(&doc, after, "patch: {:#}", ops(&changes.patch));
    changes
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn counts_added_modified_removed_and_unchanged_items_per_kind() {
    let before = json!({
        "agents": [{"id": "a1", "tone": "dry"}, {"id": "a2"}, {"id": "a3"}],
        "workflows": [{"id": "w1", "steps": [1, 2]}],
        "channels": [{"id": "c1"}]
    });
    let after = json!({
        "agents": [{"id": "a1", "tone": "warm"}, {"id": "a4"}, {"id": "a3"}, {"id": "a5"}],
        "workflows": [{"id": "w1", "steps": [1, 2]}],
        "integrations": [{"id": "i1"}]
    });
    let changes = check_patch(&before, &after);
    let agents = &changes.kinds["agents"];
    assert_eq!(agents.added, ids(&["a4", "a5"]));
    assert_eq!(agents.removed, ids(&["a2"]));
    assert_eq!(agents.modified, vec![ModifiedItem { id: "a1".into(), fields: ids(&["/tone"]) }]);
    assert_eq!(agents.unchanged, 1);
    assert_eq!(changes.kinds["workflows"].unchanged, 1);
    assert_eq!(changes.kinds["channels"].removed, ids(&["c1"]));
    assert_eq!(changes.kinds["integrations"].added, ids(&["i1"]));
    assert_eq!(changes.kinds["knowledgeBase"], KindChanges::empty("knowledgeBase"));
    assert_eq!(changes.summary, Summary { added: 3, modified: 1, removed: 2, unchanged: 2 });
    assert_eq!(changes.kinds.len(), 6);
    assert!(changes.local.is_empty());
}

#[test]
fn fields_are_the_deepest_changed_members() {
    let before = json!({"agents": [{
        "id": "a",
        "behaviour": {"temperature": 0.2, "model": "m"},
        "tags": ["x", "y"],
        "old": true
    }]});
    let after = json!({"agents": [{
        "id": "a",
        "behaviour": {"temperature": 0.7, "model": "m"},
        "tags": ["x", "z", "y"],
        "new": {"deep": 1}
    }]});
    let changes = check_patch(&before, &after);
    assert_eq!(changes.kinds["agents"].modified[0].fields, ids(&["/behaviour/temperature", "/old", "/tags/1", "/new"]));
    assert_eq!(
        ops(&changes.patch),
        json!([
            {"op": "replace", "path": "/agents/0/behaviour/temperature", "value": 0.7},
            {"op": "remove", "path": "/agents/0/old"},
            {"op": "add", "path": "/agents/0/tags/1", "value": "z"},
            {"op": "add", "path": "/agents/0/new", "value": {"deep": 1}}
        ])
    );
}

#[test]
fn reordering_items_produces_moves_and_counts_them_as_unchanged() {
    let before = json!({"workflows": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}]});
    let after = json!({"workflows": [{"id": "d"}, {"id": "a"}, {"id": "c"}, {"id": "b"}]});
    let changes = check_patch(&before, &after);
    assert_eq!(
        ops(&changes.patch),
        json!([
            {"op": "move", "from": "/workflows/3", "path": "/workflows/0"},
            {"op": "move", "from": "/workflows/3", "path": "/workflows/2"}
        ])
    );
    let workflows = &changes.kinds["workflows"];
    assert_eq!(workflows.unchanged, 4);
    assert!(workflows.modified.is_empty() && workflows.added.is_empty());
    assert_eq!(changes.summary.unchanged, 4);
}

#[test]
fn a_moved_and_edited_item_is_moved_then_patched_at_its_new_index() {
    let before = json!({"agents": [{"id": "a"}, {"id": "b", "v": 1}]});
    let after = json!({"agents": [{"id": "new"}, {"id": "b", "v": 2}, {"id": "a"}]});
    let changes = check_patch(&before, &after);
    assert_eq!(
        ops(&changes.patch),
        json!([
            {"op": "add", "path": "/agents/0", "value": {"id": "new"}},
            {"op": "move", "from": "/agents/2", "path": "/agents/1"},
            {"op": "replace", "path": "/agents/1/v", "value": 2}
        ])
    );
    assert_eq!(changes.kinds["agents"].modified[0].fields, ids(&["/v"]));
}

#[test]
fn removed_items_are_removed_from_the_highest_index_down() {
    let before = json!({"channels": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}]});
    let after = json!({"channels": [{"id": "b"}, {"id": "d"}]});
    let changes = check_patch(&before, &after);
    assert_eq!(
        ops(&changes.patch),
        json!([
            {"op": "remove", "path": "/channels/2"},
            {"op": "remove", "path": "/channels/0"}
        ])
    );
    assert_eq!(changes.kinds["channels"].removed, ids(&["a", "c"]));
}

#[test]
fn pointer_tokens_escape_tilde_and_slash() {
    let before = json!({"agents": [{"id": "x", "a/b": 1, "c~d": {"e/~f": 1}}], "u/k": 1});
    let after = json!({"agents": [{"id": "x", "a/b": 2, "c~d": {"e/~f": 2}}], "u/k": 2});
    let changes = check_patch(&before, &after);
    assert_eq!(changes.kinds["agents"].modified[0].fields, ids(&["/a~1b", "/c~0d/e~1~0f"]));
    assert_eq!(changes.patch.last().unwrap().path(), "/u~1k");
}

#[test]
fn changed_local_kinds_are_reported_in_order_and_unknown_keys_are_only_patched() {
    let before = json!({
        "secrets": [{"name": "S"}],
        "conversations": [1, 2],
        "analytics": {"views": 1},
        "issues": [],
        "mystery": 1
    });
    let after = json!({
        "secrets": [{"name": "S"}, {"name": "T"}],
        "analytics": {"views": 2},
        "issues": [],
        "guardrails": [],
        "other": true
    });
    let changes = check_patch(&before, &after);
    assert_eq!(changes.local, vec!["conversations", "analytics", "guardrails", "secrets"]);
    assert_eq!(changes.summary, Summary::default());
    let paths: Vec<&str> = changes.patch.iter().map(PatchOperation::path).collect();
    assert!(paths.contains(&"/mystery") && paths.contains(&"/other"));
}

#[test]
fn variables_are_keyed_by_name_with_empty_default_lists() {
    let before = json!({"variables": [
        {"name": "CRM_URL", "type": "url", "defaultValue": "https://a.example"},
        {"name": "OLD", "type": "string"}
    ]});
    let after = json!({"variables": [
        {"name": "CRM_URL", "type": "url", "defaultValue": "https://b.example"},
        {"name": "NEW", "type": "number", "id": "ignored"}
    ]});
    let changes = check_patch(&before, &after);
    let variables = &changes.kinds["variables"];
    assert_eq!(variables.added, ids(&["NEW"]));
    assert_eq!(variables.removed, ids(&["OLD"]));
    assert_eq!(variables.modified[0].id, "CRM_URL");
    assert_eq!(variables.modified[0].fields, ids(&["/defaultValue"]));
    assert_eq!(variables.defaults_kept, Some(vec![]));
    assert_eq!(variables.defaults_reset, Some(vec![]));

    let json = crate::json::parse(&crate::write::to_json(&changes)).unwrap();
    assert_eq!(json["kinds"]["variables"]["defaultsKept"], json!([]));
    assert_eq!(json["kinds"]["variables"]["defaultsReset"], json!([]));
    for (kind, _) in ITEM_KINDS.iter().filter(|(k, _)| *k != VARIABLES) {
        let entry = json["kinds"][kind].as_object().unwrap();
        assert!(!entry.contains_key("defaultsKept") && !entry.contains_key("defaultsReset"));
    }
}

#[test]
fn change_set_json_matches_the_spec_shape() {
    let before = json!({"agents": [{"id": "a", "x": 1}], "issues": 1});
    let after = json!({"agents": [{"id": "a", "x": 2}, {"id": "b"}], "issues": 2});
    let json = crate::json::parse(&crate::write::to_json(&diff_workspaces(&before, &after))).unwrap();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&json), ["kinds", "local", "patch", "summary"]);
    assert_eq!(json["summary"], json!({"added": 1, "modified": 1, "removed": 0, "unchanged": 0}));
    assert_eq!(keys(&json["kinds"]), ["agents", "channels", "integrations", "knowledgeBase", "variables", "workflows"]);
    assert_eq!(
        json["kinds"]["agents"],
        json!({
            "added": ["b"],
            "modified": [{"id": "a", "fields": ["/x"]}],
            "removed": [],
            "unchanged": 0
        })
    );
    assert_eq!(
        json["kinds"]["variables"],
        json!({"added": [], "modified": [], "removed": [], "unchanged": 0,
               "defaultsKept": [], "defaultsReset": []})
    );
    assert_eq!(json["local"], json!(["issues"]));
    assert_eq!(
        json["patch"],
        json!([
            {"op": "replace", "path": "/agents/0/x", "value": 2},
            {"op": "add", "path": "/agents/1", "value": {"id": "b"}},
            {"op": "replace", "path": "/issues", "value": 2}
        ])
    );
}

#[test]
fn a_missing_or_non_array_kind_counts_its_items_as_added_or_removed() {
    let before = json!({"agents": "not an array", "workflows": [{"id": "w"}]});
    let after = json!({"agents": [{"id": "a"}, {"id": "a"}, {"no": "id"}], "workflows": {}});
    let changes = check_patch(&before, &after);
    assert_eq!(changes.kinds["agents"].added, ids(&["a"]));
    assert_eq!(changes.kinds["workflows"].removed, ids(&["w"]));
    assert_eq!(
        ops(&changes.patch),
        json!([
            {"op": "replace", "path": "/agents", "value": after["agents"]},
            {"op": "replace", "path": "/workflows", "value": {}}
        ])
    );
}

#[test]
fn a_kind_with_anonymous_or_duplicate_items_is_diffed_generically() {
    let before = json!({"agents": [{"id": "a"}, 7, {"id": "a", "dup": 1}, {"id": 3}]});
    let after = json!({"agents": [{"id": 3}, {"id": "a"}, {"id": "a", "dup": 2}, null]});
    let changes = check_patch(&before, &after);
    let agents = &changes.kinds["agents"];
    assert_eq!(agents.unchanged, 1);
    assert!(agents.added.is_empty() && agents.removed.is_empty() && agents.modified.is_empty());
    let moves = changes.patch.iter().filter(|op| matches!(op, PatchOperation::Move { .. }));
    assert_eq!(moves.count(), 0);
}

#[test]
fn non_object_documents_are_replaced_at_the_root() {
    let after = json!({"agents": [{"id": "a"}], "issues": []});
    let changes = check_patch(&json!(null), &after);
    assert_eq!(ops(&changes.patch), json!([{"op": "replace", "path": "", "value": after}]));
    assert_eq!(changes.kinds["agents"].added, ids(&["a"]));
    assert_eq!(changes.local, vec!["issues"]);
    let back = check_patch(&after, &json!([1]));
    assert_eq!(back.kinds["agents"].removed, ids(&["a"]));
    let same = check_patch(&json!("x"), &json!("x"));
    assert!(same.patch.is_empty());
}

#[test]
fn generic_arrays_trim_the_common_prefix_and_suffix() {
    let before = json!({"issues": [1, 2, 3, 4, 5]});
    let after = json!({"issues": [1, 9, 5]});
    let changes = check_patch(&before, &after);
    assert_eq!(
        ops(&changes.patch),
        json!([
            {"op": "replace", "path": "/issues/1", "value": 9},
            {"op": "remove", "path": "/issues/3"},
            {"op": "remove", "path": "/issues/2"}
        ])
    );
    let grown = check_patch(&after, &before);
    assert_eq!(
        ops(&grown.patch),
        json!([
            {"op": "replace", "path": "/issues/1", "value": 2},
            {"op": "add", "path": "/issues/2", "value": 3},
            {"op": "add", "path": "/issues/3", "value": 4}
        ])
    );
}

#[test]
fn a_workspace_diffed_against_itself_has_no_changes() {
    let doc = json!({
        "agents": [{"id": "a"}, {"id": "b"}],
        "variables": [{"name": "V"}],
        "issues": [1],
        "zz": {}
    });
    let changes = diff_workspaces(&doc, &doc);
    assert!(changes.patch.is_empty() && changes.local.is_empty());
    assert_eq!(changes.summary, Summary { unchanged: 3, ..Summary::default() });
}

fn apply_json(doc: Value, patch: Value) -> Result<Value, String> {
    let patch: Vec<PatchOperation> = serde_json::from_value(patch.into()).unwrap();
    let mut doc = doc;
    apply_patch(&mut doc, &patch).map(|()| doc)
}

#[test]
fn apply_patch_follows_the_rfc_6902_examples() {
    let cases = [
        (
            json!({"foo": "bar"}),
            json!([{"op": "add", "path": "/baz", "value": "qux"}]),
            json!({"baz": "qux", "foo": "bar"}),
        ),
        (
            json!({"foo": ["bar", "baz"]}),
            json!([{"op": "add", "path": "/foo/1", "value": "qux"}]),
            json!({"foo": ["bar", "qux", "baz"]}),
        ),
        (json!({"baz": "qux", "foo": "bar"}), json!([{"op": "remove", "path": "/baz"}]), json!({"foo": "bar"})),
        (
            json!({"foo": ["bar", "qux", "baz"]}),
            json!([{"op": "remove", "path": "/foo/1"}]),
            json!({"foo": ["bar", "baz"]}),
        ),
        (
            json!({"baz": "qux", "foo": "bar"}),
            json!([{"op": "replace", "path": "/baz", "value": "boo"}]),
            json!({"baz": "boo", "foo": "bar"}),
        ),
        (
            json!({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}),
            json!([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}]),
            json!({"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
        ),
        (
            json!({"foo": ["all", "grass", "cows", "eat"]}),
            json!([{"op": "move", "from": "/foo/1", "path": "/foo/3"}]),
            json!({"foo": ["all", "cows", "eat", "grass"]}),
        ),
        (
            json!({"baz": "qux", "foo": ["a", 2, "c"]}),
            json!([{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2.0}]),
            json!({"baz": "qux", "foo": ["a", 2, "c"]}),
        ),
        (
            json!({"foo": "bar"}),
            json!([{"op": "add", "path": "/child", "value": {"grandchild": {}}}]),
            json!({"foo": "bar", "child": {"grandchild": {}}}),
        ),
        (json!({"/": 9, "~1": 10}), json!([{"op": "test", "path": "/~01", "value": 10}]), json!({"/": 9, "~1": 10})),
        (
            json!({"foo": ["bar"]}),
            json!([{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}]),
            json!({"foo": ["bar", ["abc", "def"]]}),
        ),
        (
            json!({"a": {"b": 1}}),
            json!([{"op": "copy", "from": "/a", "path": "/c"}]),
            json!({"a": {"b": 1}, "c": {"b": 1}}),
        ),
        (json!({"a": 1}), json!([{"op": "replace", "path": "", "value": [1]}]), json!([1])),
    ];
    for (doc, patch, expected) in cases {
        assert_eq!(apply_json(doc, patch.clone()), Ok(expected), "{patch}");
    }
}

#[test]
fn apply_patch_rejects_failing_operations_atomically_without_panicking() {
    let doc = json!({"foo": "bar", "list": [1, 2], "a": {"b": {}}});
    let failing = [
        json!([{"op": "add", "path": "/baz/bat", "value": "qux"}]),
        json!([{"op": "test", "path": "/foo", "value": "baz"}]),
        json!([{"op": "test", "path": "/list/0", "value": "1"}]),
        json!([{"op": "remove", "path": "/missing"}]),
        json!([{"op": "remove", "path": "/list/2"}]),
        json!([{"op": "remove", "path": "/list/-"}]),
        json!([{"op": "remove", "path": "/list/01"}]),
        json!([{"op": "remove", "path": "/list/+1"}]),
        json!([{"op": "remove", "path": "/list/99999999999999999999999"}]),
        json!([{"op": "remove", "path": ""}]),
        json!([{"op": "add", "path": "/list/3", "value": 0}]),
        json!([{"op": "replace", "path": "/nope", "value": 0}]),
        json!([{"op": "replace", "path": "foo", "value": 0}]),
        json!([{"op": "replace", "path": "/foo/x", "value": 0}]),
        json!([{"op": "add", "path": "/foo/~2", "value": 0}]),
        json!([{"op": "move", "from": "/a", "path": "/a/b/c"}]),
        json!([{"op": "copy", "from": "/none", "path": "/x"}]),
        json!([{"op": "add", "path": "/ok", "value": 1}, {"op": "remove", "path": "/missing"}]),
    ];
    for patch in failing {
        let patch: Vec<PatchOperation> = serde_json::from_value(patch.into()).unwrap();
        let mut work = doc.clone();
        let result = apply_patch(&mut work, &patch);
        assert!(result.is_err(), "{patch:?}");
        assert_eq!(work, doc, "the document is left unchanged");
    }
    let message = apply_json(doc.clone(), json!([{"op": "remove", "path": "/missing"}])).unwrap_err();
    assert!(message.contains("operation 0") && message.contains("/missing"), "{message}");
    assert_eq!(apply_json(doc.clone(), json!([{"op": "move", "from": "/a/b", "path": "/a/b"}])), Ok(doc));
}

// ---- properties -------------------------------------------------------

const IDS: [&str; 6] = ["a", "b", "c", "e~", "f/g", "h"];

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "c", "~", "/", "a~1b", "id", "name", ""]).prop_map(str::to_owned)
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-2i64..3).prop_map(Value::from),
        Just(json!(1.5)),
        prop::sample::select(vec!["", "x", "y", "a~b", "c/d"]).prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn fields() -> impl Strategy<Value = Map> {
    prop::collection::btree_map(key(), json_value(), 0..3).prop_map(|m| m.into_iter().collect())
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    Items,
    Absent,
    Other,
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![8 => Just(Shape::Items), 1 => Just(Shape::Absent), 1 => Just(Shape::Other)]
}

/// One kind's value on both sides (None = absent).
fn item_kind_pair(id_key: &'static str) -> impl Strategy<Value = (Option<Value>, Option<Value>)> {
    let entry = (any::<bool>(), any::<bool>(), prop::bool::weighted(0.6), fields(), fields());
    let order = Just((0..IDS.len()).collect::<Vec<_>>()).prop_shuffle();
    let extra = || prop::option::weighted(0.15, (json_value(), any::<bool>(), 0usize..8));
    (
        prop::collection::vec(entry, IDS.len()),
        order.clone(),
        order,
        prop::bool::weighted(0.3),
        (shape(), shape()),
        (extra(), extra()),
        (json_value(), json_value()),
    )
        .prop_map(move |(entries, order_before, order_after, keep_order, shapes, extras, others)| {
            let item = |id: &str, fields: &Map| {
                let mut item = fields.clone();
                item.insert(id_key.to_owned(), Value::from(id));
                Value::Object(item)
            };
            let mut before = Vec::new();
            let mut after = Vec::new();
            for &i in &order_before {
                let (in_before, _, _, fields, _) = &entries[i];
                if *in_before {
                    before.push(item(IDS[i], fields));
                }
            }
            let order_after = if keep_order { &order_before } else { &order_after };
            for &i in order_after {
                let (_, in_after, same, before_fields, after_fields) = &entries[i];
                if *in_after {
                    after.push(item(IDS[i], if *same { before_fields } else { after_fields }));
                }
            }
            // Occasionally an anonymous item or a duplicate id.
            for (items, extra) in [(&mut before, extras.0), (&mut after, extras.1)] {
                if let Some((value, duplicate, at)) = extra {
                    let value = match (duplicate, items.first()) {
                        (true, Some(first)) => first.clone(),
                        _ => value,
                    };
                    items.insert(at.min(items.len()), value);
                }
            }
            let side = |shape: Shape, items: Vec<Value>, other: Value| match shape {
                Shape::Items => Some(Value::Array(items)),
                Shape::Absent => None,
                Shape::Other => Some(other),
            };
            (side(shapes.0, before, others.0), side(shapes.1, after, others.1))
        })
}

fn opaque_pair() -> impl Strategy<Value = (Option<Value>, Option<Value>)> {
    (prop::option::weighted(0.7, json_value()), prop::option::weighted(0.7, json_value()), prop::bool::weighted(0.5))
        .prop_map(|(before, after, same)| {
            let after = if same { before.clone() } else { after };
            (before, after)
        })
}

fn workspaces() -> impl Strategy<Value = (Value, Value)> {
    let items: Vec<_> =
        ITEM_KINDS.iter().map(|(kind, id_key)| item_kind_pair(id_key).prop_map(move |pair| (*kind, pair))).collect();
    let opaque_keys = LOCAL_KINDS.iter().chain(&["zz", "x~y", "a/b"]);
    let opaque: Vec<_> = opaque_keys.map(|key| opaque_pair().prop_map(move |pair| (*key, pair))).collect();
    (items, opaque).prop_map(|(items, opaque)| {
        let mut before = Map::new();
        let mut after = Map::new();
        for (key, (b, a)) in items.into_iter().chain(opaque) {
            if let Some(b) = b {
                before.insert(key.to_owned(), b);
            }
            if let Some(a) = a {
                after.insert(key.to_owned(), a);
            }
        }
        (Value::Object(before), Value::Object(after))
    })
}

/// The first item of each id, in array order.
fn first_ids<'a>(value: Option<&'a Value>, id_key: &str) -> Vec<(&'a str, &'a Value)> {
    let mut seen: Vec<(&str, &Value)> = Vec::new();
    if let Some(Value::Array(items)) = value {
        for item in items {
            if let Some(id) = item.get(id_key).and_then(Value::as_str) {
                if item.is_object() && !seen.iter().any(|(s, _)| *s == id) {
                    seen.push((id, item));
                }
            }
        }
    }
    seen
}

/// Every value an operation carries is the value `after` holds at the operation's path.
fn values_are_where_after_holds_them(patch: &[PatchOperation], after: &Value) -> bool {
    patch.iter().all(|op| match op {
        PatchOperation::Add { path, value } | PatchOperation::Replace { path, value } => {
            after.pointer(path) == Some(value)
        }
        _ => true,
    })
}

proptest! {
    #[test]
    fn applying_the_patch_to_before_always_yields_after_and_self_diffs_are_empty((before, after) in workspaces()) {
        let changes = diff_workspaces(&before, &after);
        let mut doc = before.clone();
        let applied = apply_patch(&mut doc, &changes.patch);
        prop_assert_eq!(applied, Ok(()));
        prop_assert_eq!(&doc, &after);
        prop_assert!(values_are_where_after_holds_them(&changes.patch, &after));
        for same in [&before, &after] {
            let changes = diff_workspaces(same, same);
            prop_assert!(changes.patch.is_empty() && changes.local.is_empty());
            let summary = changes.summary;
            prop_assert_eq!(summary.added + summary.modified + summary.removed, 0);
        }
    }

    #[test]
    fn values_left_in_after_give_the_same_patch_filled_in_or_written((before, after) in workspaces()) {
        let changes = diff_workspaces(&before, &after);
        let known = Known { values_in_after: true, ..Known::NOTHING };
        let mut left = diff_workspaces_knowing(&before, &after, &known);
        let written = crate::write::to_json(&crate::write::ChangesIn { changes: &left, after: &after });
        prop_assert_eq!(written, crate::write::to_json(&changes));
        fill_values(&mut left, &after);
        prop_assert_eq!(left, changes);
    }

    #[test]
    fn item_counts_and_fields_agree_with_an_independent_matching((before, after) in workspaces()) {
        let changes = diff_workspaces(&before, &after);
        prop_assert_eq!(changes.kinds.len(), 6);
        for (kind, id_key) in ITEM_KINDS {
            let old = first_ids(before.get(kind), id_key);
            let new = first_ids(after.get(kind), id_key);
            let found = &changes.kinds[kind];
            let removed: Vec<&str> =
                old.iter().filter(|(id, _)| !new.iter().any(|(n, _)| n == id)).map(|(id, _)| *id).collect();
            let added: Vec<&str> =
                new.iter().filter(|(id, _)| !old.iter().any(|(o, _)| o == id)).map(|(id, _)| *id).collect();
            let both_arrays = before.get(kind).is_some_and(Value::is_array)
                && after.get(kind).is_some_and(Value::is_array);
            let (modified, unchanged): (Vec<_>, Vec<_>) = if both_arrays {
                new.iter()
                    .filter_map(|(id, v)| old.iter().find(|(o, _)| o == id).map(|(_, w)| (*id, *v != *w)))
                    .partition(|(_, differs)| *differs)
            } else {
                // Not both arrays: everything on an array side is added/removed.
                let removed: Vec<&str> = old.iter().map(|(id, _)| *id).collect();
                let added: Vec<&str> = new.iter().map(|(id, _)| *id).collect();
                prop_assert_eq!(&found.removed, &removed);
                prop_assert_eq!(&found.added, &added);
                (Vec::new(), Vec::new())
            };
            if both_arrays {
                prop_assert_eq!(&found.removed, &removed);
                prop_assert_eq!(&found.added, &added);
            }
            let modified_ids: Vec<&str> = modified.iter().map(|(id, _)| *id).collect();
            let found_ids: Vec<&str> = found.modified.iter().map(|m| m.id.as_str()).collect();
            prop_assert_eq!(found_ids, modified_ids);
            prop_assert_eq!(found.unchanged, unchanged.len());
            prop_assert_eq!(found.defaults_kept.is_some(), kind == VARIABLES);
            for item in &found.modified {
                prop_assert!(!item.fields.is_empty());
                for (i, field) in item.fields.iter().enumerate() {
                    prop_assert!(field.starts_with('/'), "{}", field);
                    prop_assert!(!item.fields[..i].contains(field), "duplicate {}", field);
                }
            }
        }
        for kind in &changes.local {
            prop_assert_ne!(before.get(kind), after.get(kind));
        }
        for kind in LOCAL_KINDS {
            if before.get(kind) != after.get(kind) {
                prop_assert!(changes.local.contains(&kind));
            }
        }
    }

    #[test]
    fn a_pure_reordering_is_only_moves(order in Just((0..IDS.len()).collect::<Vec<_>>()).prop_shuffle()) {
        let before = json!({"agents": IDS.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()});
        let after = json!({"agents": order.iter().map(|&i| json!({"id": IDS[i]})).collect::<Vec<_>>()});
        let changes = diff_workspaces(&before, &after);
        let only_moves = changes.patch.iter().all(|op| matches!(op, PatchOperation::Move { .. }));
        prop_assert!(only_moves);
        prop_assert!(changes.patch.len() < IDS.len());
        prop_assert_eq!(changes.summary.unchanged, IDS.len());
        let mut doc = before.clone();
        prop_assert_eq!(apply_patch(&mut doc, &changes.patch), Ok(()));
        prop_assert_eq!(doc, after);
    }

    #[test]
    fn objects_walked_side_by_side_give_the_operations_of_lookups(
        old in prop::collection::btree_map(key(), json_value(), 0..8),
        new in prop::collection::btree_map(key(), json_value(), 0..8),
    ) {
        let (old, new): (Map, Map) = (old.into_iter().collect(), new.into_iter().collect());
        let (old, new) = (&old, &new);
        let mut walked = Ops { list: Vec::new(), values_in_after: false };
        diff_objects(old, new, &mut String::new(), &mut walked);
        let mut looked_up = Ops { list: Vec::new(), values_in_after: false };
        diff_objects_by_lookup(old, new, &mut String::new(), &mut looked_up);
        prop_assert_eq!(walked.list, looked_up.list);
    }

    #[test]
    fn generic_diffs_of_arbitrary_values_apply(before in json_value(), after in json_value()) {
        let mut ops = Ops { list: Vec::new(), values_in_after: false };
        diff_values(&before, &after, &mut String::new(), &mut ops);
        let ops = ops.list;
        let mut doc = before.clone();
        prop_assert_eq!(apply_patch(&mut doc, &ops), Ok(()));
        prop_assert!(values_are_where_after_holds_them(&ops, &after));
        prop_assert_eq!(doc, after);
    }
}

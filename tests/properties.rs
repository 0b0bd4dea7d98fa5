#![cfg(not(target_arch = "wasm32"))]
//! Invariants of the engine, checked on generated workspaces, values and policies (proptest).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use promotion_rules::diff::apply_patch;
use promotion_rules::fingerprint::canonical_json;
use promotion_rules::{diff_workspaces, fingerprint, json, Limits};
use promotion_rules::{Map, Value};
use proptest::prelude::*;
use proptest::test_runner::Config;

const ACTIONS: [&str; 7] = ["edit", "editVariableDefault", "editLocal", "sync", "publish", "hotfix", "rollback"];
const CONTENT: [&str; 5] = ["agents", "workflows", "knowledgeBase", "integrations", "channels"];
const IDS: [&str; 6] = ["a", "b", "c", "d", "e", "x/y~z"];
const VARIABLE_NAMES: [&str; 4] = ["A", "B", "C", "D"];
const UNKNOWN: [&str; 3] = ["experiments", "Agents", "notes"];
const FIELDS: [&str; 7] = ["tone", "instructions", "behaviour", "fallback", "steps", "a~b", "c/d"];
const REFERABLE: [&str; 10] = [
    "agents",
    "workflows",
    "knowledgeBase",
    "integrations",
    "channels",
    "variables",
    "secrets",
    "guardrails",
    "evaluators",
    "workflows",
];

fn config(cases: u32) -> Config {
    Config { cases: common::cases(cases), failure_persistence: None, ..Config::default() }
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-1_000_000i64..1_000_000).prop_map(Value::from),
        (-1.0e9f64..1.0e9).prop_map(|f| json!(f)),
        "[a-z ]{0,6}".prop_map(Value::from),
        "\\PC{0,4}".prop_map(Value::from),
    ]
}

/// Any JSON value of modest size, keys with pointer-special and non-BMP characters included.
fn any_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(prop_oneof!["[a-c~/]{0,3}", "\\PC{0,3}"], inner, 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

fn reference() -> impl Strategy<Value = Value> {
    (prop::sample::select(&REFERABLE[..]), prop::sample::select(&IDS[..]))
        .prop_map(|(kind, id)| json!({ "kind": kind, "id": id }))
}

/// The items of a content kind: unique ids in a shuffled order, opaque fields, maybe `uses`.
fn items() -> impl Strategy<Value = Value> {
    let fields = prop::collection::btree_map(prop::sample::select(&FIELDS[..]), any_json(), 0..3);
    let extras = (fields, prop::option::of(prop::collection::vec(reference(), 0..3)), prop::option::of("[a-z]{3}"));
    prop::collection::btree_map(prop::sample::select(&IDS[..]), extras, 0..5)
        .prop_map(|items| {
            items
                .into_iter()
                .map(|(id, (fields, uses, updated_by))| {
                    let mut item: Map = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                    item.insert("id".into(), json!(id));
                    if let Some(uses) = uses {
                        item.insert("uses".into(), Value::Array(uses));
                    }
                    if let Some(by) = updated_by {
                        item.insert("updatedBy".into(), json!(by));
                    }
                    Value::Object(item)
                })
                .collect::<Vec<_>>()
        })
        .prop_shuffle()
        .prop_map(Value::Array)
}

fn default_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[a-z]{0,5}".prop_map(Value::from),
        (0i64..100).prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        "https://[a-z]{1,5}\\.example/[a-z]{0,3}".prop_map(Value::from),
        any_json(),
    ]
}

fn variables() -> impl Strategy<Value = Value> {
    let types = prop::sample::select(&["string", "number", "boolean", "url", "json"][..]);
    let usage = prop::collection::vec(prop::sample::select(&IDS[..]), 0..3);
    let variable = (types, prop::option::of(default_value()), usage, prop::option::of("[a-z ]{0,8}"));
    prop::collection::btree_map(prop::sample::select(&VARIABLE_NAMES[..]), variable, 0..4)
        .prop_map(|variables| {
            variables
                .into_iter()
                .map(|(name, (var_type, default, usage, description))| {
                    let mut variable = json!({ "name": name, "type": var_type, "usage": usage });
                    if let Some(default) = default {
                        variable["defaultValue"] = default;
                    }
                    if let Some(description) = description {
                        variable["description"] = json!(description);
                    }
                    variable
                })
                .collect::<Vec<_>>()
        })
        .prop_shuffle()
        .prop_map(Value::Array)
}

/// A valid workspace: some content kinds, maybe variables, some local kinds and unknown keys.
fn workspace() -> impl Strategy<Value = Value> {
    let content = prop::collection::vec(prop::option::of(items()), 5);
    let others = prop::collection::btree_map(
        prop::sample::select(
            &[
                "conversations",
                "analytics",
                "evaluators",
                "guardrails",
                "issues",
                "secrets",
                "experiments",
                "Agents",
                "notes",
            ][..],
        ),
        any_json(),
        0..4,
    );
    (content, prop::option::of(variables()), others).prop_map(|(content, variables, others)| {
        let mut workspace = Map::new();
        for (kind, items) in CONTENT.iter().zip(content) {
            if let Some(items) = items {
                workspace.insert((*kind).to_owned(), items);
            }
        }
        if let Some(variables) = variables {
            workspace.insert("variables".into(), variables);
        }
        for (key, value) in others {
            workspace.insert(key.to_owned(), value);
        }
        Value::Object(workspace)
    })
}

/// Any JSON object keyed like a workspace, valid or not (non-arrays, anonymous items, repeated ids).
fn loose_workspace() -> impl Strategy<Value = Value> {
    let keys =
        prop::sample::select(&["agents", "workflows", "variables", "channels", "issues", "secrets", "notes"][..]);
    let value = prop_oneof![
        items(),
        prop::collection::vec(
            prop_oneof![any_json(), Just(json!({ "id": "a" })), Just(json!({ "name": "A", "v": 1 }))],
            0..4
        )
        .prop_map(Value::Array),
        any_json(),
    ];
    prop::collection::btree_map(keys, value, 0..5)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
}

/// xorshift64: the member order of the shuffled text.
fn step(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// JSON text of `value` with every object's members in a shuffled order and random whitespace.
fn shuffled_text(value: &Value, seed: &mut u64, out: &mut String) {
    let space = |n: u64| {
        if n % 3 == 0 {
            " "
        } else if n % 3 == 1 {
            "\n  "
        } else {
            ""
        }
    };
    match value {
        Value::Object(members) => {
            let mut entries: Vec<(&String, &Value)> = members.iter().collect();
            for i in (1..entries.len()).rev() {
                let j = (step(seed) % (i as u64 + 1)) as usize;
                entries.swap(i, j);
            }
            out.push('{');
            for (i, (key, member)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(space(step(seed)));
                out.push_str(&serde_json::to_string(key).unwrap());
                out.push_str(" : ");
                shuffled_text(member, seed, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                shuffled_text(item, seed, out);
            }
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).unwrap()),
    }
}

/// A target that repeats most of the source's items, as a target that the last sync filled
/// does: per item of each promoted kind (and the variables), by `edits`, the item kept, left out,
/// replaced by `other`'s item at its place, or kept after `other`'s item at its place; `other`'s
/// local kinds.
fn sharing_target(source: &Value, other: &Value, edits: &[u8]) -> Value {
    let mut target = other.clone();
    let mut edit = edits.iter().cycle();
    for kind in PROMOTED {
        let (Some(items), Some(map)) = (source.get(kind).and_then(Value::as_array), target.as_object_mut()) else {
            continue;
        };
        // Another item comes in only under an id the source's items do not use: ids stay unique
        // and the plan is an answer, not an error.
        let key = if kind == "variables" { "name" } else { "id" };
        let taken: Vec<&Value> = items.iter().map(|item| &item[key]).collect();
        let others: Vec<Value> = other
            .get(kind)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|item| !taken.contains(&&item[key]))
            .cloned()
            .collect();
        let mut shared = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match (edit.next().copied().unwrap_or(0), others.get(i)) {
                (1, _) => {}
                (2, Some(replacement)) => shared.push(replacement.clone()),
                (3, Some(inserted)) => shared.extend([inserted.clone(), item.clone()]),
                _ => shared.push(item.clone()),
            }
        }
        map.insert(kind.to_owned(), Value::Array(shared));
    }
    target
}

fn sync_request(source: &Value, target: &Value) -> Value {
    json!({ "actor": dana(), "from": "dev", "to": "test", "source": source, "target": target })
}

fn promoted_payload(workspace: &Value) -> Value {
    promotion_rules::workspace::filter_content(workspace.clone(), &Limits::DEFAULT).unwrap().payload
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn the_payload_never_holds_an_excluded_or_unknown_kind(source in workspace(), target in workspace()) {
        let plan = rules().plan_sync_value(sync_request(&source, &target)).unwrap();
        let keys: BTreeSet<&str> = plan.payload.as_object().unwrap().keys().map(String::as_str).collect();
        prop_assert_eq!(keys, PROMOTED.iter().copied().collect::<BTreeSet<_>>());
        let left_behind: BTreeSet<&str> = source.as_object().unwrap().keys().map(String::as_str).filter(|k| !PROMOTED.contains(k)).collect();
        prop_assert_eq!(plan.excluded.keys().map(String::as_str).collect::<BTreeSet<_>>(), left_behind);
        for key in UNKNOWN {
            prop_assert_eq!(source.get(key).is_some(), plan.decision.warnings.iter().any(|w| w.path.as_deref() == Some(&*format!("/source/{key}"))));
        }
    }

    #[test]
    fn the_sync_patch_turns_the_target_payload_into_the_payload(source in workspace(), target in workspace()) {
        let plan = rules().plan_sync_value(sync_request(&source, &target)).unwrap();
        let mut document = promoted_payload(&target);
        apply_patch(&mut document, &plan.changes.patch).unwrap();
        prop_assert_eq!(&document, &plan.payload);
        prop_assert_eq!(plan.fingerprint, fingerprint(&plan.payload));
        prop_assert_eq!(plan.target_fingerprint, fingerprint(&promoted_payload(&target)));
    }

    #[test]
    fn a_sync_hashes_and_diffs_as_the_separate_operations_do(
        source in workspace(),
        other in workspace(),
        same in any::<bool>(),
    ) {
        // The plan hashes each item once and walks only items whose prints differ: its change
        // set, manifest and fingerprints are those of diffWorkspaces, manifest and fingerprint.
        let target = if same { source.clone() } else { other };
        let plan = rules().plan_sync_value(sync_request(&source, &target)).unwrap();
        let mut expected = diff_workspaces(&promoted_payload(&target), &plan.payload);
        let variables = expected.kinds.get_mut("variables").unwrap();
        variables.defaults_kept = plan.changes.kinds["variables"].defaults_kept.clone();
        variables.defaults_reset = plan.changes.kinds["variables"].defaults_reset.clone();
        prop_assert_eq!(&plan.changes, &expected);
        prop_assert_eq!(&plan.manifest, &promotion_rules::Manifest::of_value(plan.payload.clone(), &Limits::DEFAULT).unwrap());
        prop_assert_eq!(&plan.source_fingerprint, &fingerprint(&promoted_payload(&source)));
        prop_assert_eq!(&plan.target_fingerprint, &fingerprint(&promoted_payload(&target)));
        prop_assert_eq!(&plan.fingerprint, &fingerprint(&plan.payload));
    }

    #[test]
    fn a_sync_answered_as_json_text_is_the_plan_written_as_json(
        source in workspace(),
        other in workspace(),
        same in 0..3u8,
        edits in prop::collection::vec(0..4u8, 64),
        select in prop::option::of(prop::collection::vec(any::<bool>(), 64)),
        secret in any::<bool>(),
    ) {
        // The text answer copies the payload's unchanged kinds from their canonical text, and
        // reads the target's items that repeat the source's as stubs (json::Echo), filled in
        // before a selection or a redaction: the same answer, or the same error, as the plan of
        // the values. An inline secret in a repeated item is redacted in the payload only.
        let mut source = source;
        if let Some(first) = source.get_mut("agents").and_then(|agents| agents.get_mut(0)).filter(|_| secret) {
            first["password"] = json!("hunter2");
        }
        let target = match same {
            0 => source.clone(),
            1 => other.clone(),
            _ => sharing_target(&source, &other, &edits),
        };
        let mut request = sync_request(&source, &target);
        if let Some(mask) = select {
            request["select"] = json!(every_item(&source, &target).into_iter().zip(mask).filter(|(_, on)| *on).map(|(l, _)| l).collect::<Vec<_>>());
        }
        let request = request.to_string();
        let answer = promotion_rules::api::plan_sync(&rules(), &request).map_err(|error| format!("{error:?}"));
        let plan = rules().plan_sync_value(json::parse(&request).unwrap());
        prop_assert!(same == 1 || plan.is_ok(), "{:?}", plan.err());
        prop_assert_eq!(answer, plan.map(|plan| promotion_rules::write::to_json(&plan)).map_err(|error| format!("{error:?}")));
    }

    #[test]
    fn applying_a_diff_patch_to_before_yields_after(
        before in prop_oneof![workspace(), loose_workspace()],
        after in prop_oneof![workspace(), loose_workspace()],
    ) {
        let changes = diff_workspaces(&before, &after);
        let mut document = before.clone();
        apply_patch(&mut document, &changes.patch).unwrap();
        prop_assert_eq!(&document, &after);
        let summary = changes.summary;
        let counted: usize = changes.kinds.values().map(|k| k.added.len() + k.modified.len() + k.removed.len() + k.unchanged).sum();
        prop_assert_eq!(counted, summary.added + summary.modified + summary.removed + summary.unchanged);
        prop_assert_eq!(changes.patch.is_empty(), before == after);
    }

    #[test]
    fn a_workspace_diffed_with_itself_changes_nothing(workspace in workspace()) {
        let changes = diff_workspaces(&workspace, &workspace);
        prop_assert!(changes.patch.is_empty());
        prop_assert!(changes.local.is_empty());
        prop_assert_eq!(changes.summary.added + changes.summary.modified + changes.summary.removed, 0);
    }

    #[test]
    fn the_fingerprint_does_not_depend_on_member_order(value in any_json(), seed in 1u64..u64::MAX) {
        let mut text = String::new();
        let mut state = seed;
        shuffled_text(&value, &mut state, &mut text);
        let reparsed = json::parse(&text).unwrap();
        prop_assert_eq!(fingerprint(&reparsed), fingerprint(&value));
    }

    #[test]
    fn a_sync_plan_is_deterministic(source in workspace(), target in workspace()) {
        let first = rules().plan_sync_value(sync_request(&source, &target)).unwrap();
        let second = rules().plan_sync_value(sync_request(&source, &target)).unwrap();
        prop_assert_eq!(promotion_rules::write::to_json(&first), promotion_rules::write::to_json(&second));
    }
}

/// Role → grants, each an environment name (in any case) and its actions.
type Roles = BTreeMap<String, Vec<(String, Vec<&'static str>)>>;

/// A random policy: a chain, roles granting random actions (publish and hotfix only in
/// production), some for environments outside the chain, names in random case.
fn policy() -> impl Strategy<Value = (Vec<&'static str>, Roles)> {
    let chain = prop::sample::subsequence(vec!["test", "uat", "staging"], 0..=3).prop_map(|middle| {
        let mut chain = vec!["dev"];
        chain.extend(middle);
        chain.push("production");
        chain
    });
    let grant = (prop::sample::select(&CHAIN[..]), any::<bool>(), prop::sample::subsequence(ACTIONS.to_vec(), 0..=6))
        .prop_map(|(env, upper, actions)| {
            let actions: Vec<&str> =
                actions.into_iter().filter(|a| env == "production" || !matches!(*a, "publish" | "hotfix")).collect();
            (if upper { env.to_uppercase() } else { env.to_owned() }, actions)
        });
    let roles = prop::collection::btree_map(
        prop::sample::select(&["r0", "r1", "r2", "r3"][..]).prop_map(str::to_owned),
        prop::collection::vec(grant, 0..4),
        0..4,
    );
    (chain, roles)
}

fn policy_json(chain: &[&str], roles: &Roles) -> Value {
    let roles: Map = roles
        .iter()
        .map(|(role, grants)| {
            // Grants for the same environment in two spellings are two members of the role.
            let mut envs = Map::new();
            for (env, actions) in grants {
                let mut entry = envs.remove(env).unwrap_or_else(|| json!([]));
                entry.as_array_mut().unwrap().extend(actions.iter().map(|a| json!(a)));
                envs.insert(env.clone(), entry);
            }
            (role.clone(), Value::Object(envs))
        })
        .collect();
    json!({ "environments": chain, "roles": roles })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn an_action_is_allowed_only_when_one_of_the_actor_roles_grants_it(
        (chain, roles) in policy(),
        held in prop::sample::subsequence(vec!["r0", "r1", "r2", "r3", "ghost"], 0..=5),
    ) {
        let rules = promotion_rules::PromotionRules::from_policy_value(policy_json(&chain, &roles)).unwrap();
        let actor = json!({ "id": "someone", "roles": held });
        for env in CHAIN {
            for action in ACTIONS {
                let result = rules.authorize_value(actor.clone(), action, env);
                if !chain.contains(&env) {
                    prop_assert!(result.is_err(), "{} is outside the chain", env);
                    continue;
                }
                let granted = held.iter().any(|role| {
                    roles.get(*role).is_some_and(|grants| {
                        grants.iter().any(|(e, actions)| e.eq_ignore_ascii_case(env) && actions.contains(&action))
                    })
                });
                let decision = result.unwrap();
                prop_assert_eq!(decision.allowed, granted, "{} {} in {}", held.join(","), action, env);
                prop_assert_eq!(decision.violations.iter().any(|v| v.code.as_str() == "FORBIDDEN"), !granted);
            }
        }
    }

    #[test]
    fn a_sync_is_allowed_only_to_the_next_environment_of_the_chain(
        (chain, _) in policy(),
        from in 0usize..5,
        to in 0usize..5,
    ) {
        let grants: Map = chain.iter().map(|env| ((*env).to_owned(), json!(["sync"]))).collect();
        let rules = promotion_rules::PromotionRules::from_policy_value(json!({ "environments": chain, "roles": { "everyone": grants } })).unwrap();
        let (from, to) = (chain[from % chain.len()], chain[to % chain.len()]);
        let plan = rules
            .plan_sync_value(json!({ "actor": { "id": "e", "roles": ["everyone"] }, "from": from, "to": to, "source": {}, "base": {} }))
            .unwrap();
        let position = chain.iter().position(|env| *env == from).unwrap();
        let next = chain.get(position + 1).copied();
        prop_assert_eq!(plan.decision.allowed, next == Some(to), "{} → {} in {:?}", from, to, chain);
        let expected: Vec<&str> = match next {
            None => vec!["NO_NEXT_ENVIRONMENT"],
            Some(next) if next != to => vec!["NOT_NEXT_ENVIRONMENT"],
            Some(_) => vec![],
        };
        prop_assert_eq!(codes(&plan.decision.violations), expected);
        prop_assert_eq!(
            promotion_rules::api::next_environment(&rules, from).unwrap().map(|e| e.as_str()),
            next
        );
    }
}

// ---- Selective sync (SPEC §5) ----------------------------------------------------------------

/// Every `kind/id` of the promoted kinds that the source or the target holds, in a stable order.
fn every_item(source: &Value, target: &Value) -> Vec<String> {
    let mut labels = BTreeSet::new();
    for workspace in [source, target] {
        for kind in PROMOTED {
            let key = if kind == "variables" { "name" } else { "id" };
            for item in workspace.get(kind).and_then(Value::as_array).into_iter().flatten() {
                labels.insert(format!("{kind}/{}", item[key].as_str().unwrap()));
            }
        }
    }
    labels.into_iter().collect()
}

/// The `uses` references of a payload (promoted kinds only) that name nothing the payload holds,
/// as `(user, reference)` labels.
fn dangling(payload: &Value) -> BTreeSet<(String, String)> {
    let held = every_item(payload, &json!({}));
    let mut found = BTreeSet::new();
    for kind in PROMOTED {
        let key = if kind == "variables" { "name" } else { "id" };
        for item in payload.get(kind).and_then(Value::as_array).into_iter().flatten() {
            for reference in item.get("uses").and_then(Value::as_array).into_iter().flatten() {
                let wanted = format!("{}/{}", reference["kind"].as_str().unwrap(), reference["id"].as_str().unwrap());
                if PROMOTED.contains(&reference["kind"].as_str().unwrap()) && !held.contains(&wanted) {
                    found.insert((format!("{kind}/{}", item[key].as_str().unwrap()), wanted));
                }
            }
        }
    }
    found
}

fn selective_request(source: &Value, target: &Value, select: &[String]) -> Value {
    let mut request = sync_request(source, target);
    request["select"] = json!(select);
    request
}

/// The plan as JSON without its `selection` member.
fn without_selection(plan: &promotion_rules::SyncPlan) -> Value {
    let mut value = answer(plan);
    value.as_object_mut().unwrap().remove("selection");
    value
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn selecting_every_item_is_the_full_sync(source in workspace(), target in workspace(), seed in any::<u64>()) {
        let mut all = every_item(&source, &target);
        // In any order: the payload's order comes from the workspaces, never from the selection.
        let mut state = seed | 1;
        for i in (1..all.len()).rev() {
            all.swap(i, (step(&mut state) % (i as u64 + 1)) as usize);
        }
        let full = rules().plan_sync_value(sync_request(&source, &target)).unwrap();
        let selective = rules().plan_sync_value(selective_request(&source, &target, &all)).unwrap();
        prop_assert_eq!(&selective.payload, &full.payload);
        prop_assert_eq!(&selective.fingerprint, &full.fingerprint);
        prop_assert_eq!(without_selection(&selective), without_selection(&full));
        prop_assert!(selective.selection.unwrap().pulled_in.is_empty());
    }

    #[test]
    fn a_selective_plan_leaves_no_reference_dangling_that_the_full_sync_would_not(
        source in workspace(), target in workspace(), mask in prop::collection::vec(any::<bool>(), 64),
    ) {
        let chosen: Vec<String> = every_item(&source, &target).into_iter().zip(mask).filter(|(_, on)| *on).map(|(l, _)| l).collect();
        let full = rules().plan_sync_value(sync_request(&source, &target)).unwrap();
        let selective = rules().plan_sync_value(selective_request(&source, &target, &chosen)).unwrap();
        let allowed: BTreeSet<_> = dangling(&full.payload).union(&dangling(&promoted_payload(&target))).cloned().collect();
        let new: Vec<_> = dangling(&selective.payload).difference(&allowed).cloned().collect();
        prop_assert!(new.is_empty(), "new dangling references {:?}", new);
        // The plan's manifest is the manifest of its payload: a valid next base.
        prop_assert_eq!(answer(&selective.manifest), answer(&promotion_rules::Manifest::of_value(selective.payload.clone(), &Limits::DEFAULT).unwrap()));
        prop_assert_eq!(&selective.fingerprint, &fingerprint(&selective.payload));
    }

    #[test]
    fn unselected_target_items_are_byte_identical_in_the_payload(
        source in workspace(), target in workspace(), mask in prop::collection::vec(any::<bool>(), 64),
    ) {
        let chosen: Vec<String> = every_item(&source, &target).into_iter().zip(mask).filter(|(_, on)| *on).map(|(l, _)| l).collect();
        let plan = rules().plan_sync_value(selective_request(&source, &target, &chosen)).unwrap();
        let selection = plan.selection.unwrap();
        let moved: BTreeSet<&str> = selection.requested.iter().map(String::as_str)
            .chain(selection.pulled_in.iter().map(|p| p.item.as_str())).collect();
        for kind in PROMOTED {
            let key = if kind == "variables" { "name" } else { "id" };
            for item in target.get(kind).and_then(Value::as_array).into_iter().flatten() {
                let id = item[key].as_str().unwrap();
                if moved.contains(format!("{kind}/{id}").as_str()) {
                    continue;
                }
                let copy = plan.payload[kind].as_array().unwrap().iter().find(|p| p[key] == id);
                prop_assert_eq!(copy.map(canonical_json), Some(canonical_json(item)), "{}/{}", kind, id);
            }
        }
    }
}

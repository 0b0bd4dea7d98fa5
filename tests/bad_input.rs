#![cfg(not(target_arch = "wasm32"))]
//! Bad input: every error has a stable code and the JSON Pointer of the culprit, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::Value;
use promotion_rules::{api, json, ErrorCode, Limits, PromotionRules};

fn sync_error(request: Value) -> (ErrorCode, String) {
    bad(rules().plan_sync_value(request))
}

fn sync_request(source: Value) -> Value {
    json!({ "actor": dana(), "from": "dev", "to": "test", "source": source })
}

fn invalid(path: &str) -> (ErrorCode, String) {
    (ErrorCode::InvalidInput, path.to_owned())
}

#[test]
fn malformed_json_is_invalid_input_at_the_value_being_read() {
    let text = r#"{"actor": {"id": "dana", "roles": ["developer"]}, "from": "dev", "to": "test", "source": {"agents": [{"id": tru}]}}"#;
    assert_eq!(bad(json::parse(text)), invalid("/source/agents/0/id"));
    assert_eq!(bad(json::parse(r#"{"source": {"agents": [}"#)).0, ErrorCode::InvalidInput);
    assert_eq!(bad(json::parse("")).0, ErrorCode::InvalidInput);
    assert_eq!(bad(json::parse(r#"{"a": 1} trailing"#)).0, ErrorCode::InvalidInput);
}

#[test]
fn a_duplicate_key_anywhere_is_invalid_input() {
    let text = r#"{"actor": {"id": "dana", "roles": ["developer"]}, "source": {"agents": [{"id": "a", "tone": "x", "tone": "y"}]}}"#;
    assert_eq!(bad(json::parse(text)), invalid("/source/agents/0/tone"));
    assert_eq!(bad(json::parse(r#"{"from": "dev", "from": "test"}"#)), invalid("/from"));
}

#[test]
fn a_number_that_json_parse_reads_as_infinity_is_invalid_input() {
    assert_eq!(
        bad(json::parse(r#"{"variables": [{"name": "N", "type": "number", "defaultValue": 1e400}]}"#)),
        invalid("/variables/0/defaultValue")
    );
    assert!(json::parse("9007199254740993").is_ok());
    assert!(json::parse("1.7976931348623157e308").is_ok());
}

#[test]
fn wrong_types_in_a_sync_request_point_at_the_value() {
    let cases = [
        (json!("not an object"), ""),
        (json!({ "actor": dana(), "from": "dev", "to": "test" }), "/source"),
        (json!({ "actor": dana(), "from": "dev", "to": "test", "source": [] }), "/source"),
        (json!({ "actor": dana(), "from": "dev", "to": "test", "source": {}, "sorce": {} }), "/sorce"),
        (json!({ "actor": "dana", "from": "dev", "to": "test", "source": {} }), "/actor"),
        (json!({ "actor": { "roles": [] }, "from": "dev", "to": "test", "source": {} }), "/actor/id"),
        (json!({ "actor": { "id": "", "roles": [] }, "from": "dev", "to": "test", "source": {} }), "/actor/id"),
        (
            json!({ "actor": { "id": "dana", "roles": "developer" }, "from": "dev", "to": "test", "source": {} }),
            "/actor/roles",
        ),
        (
            json!({ "actor": { "id": "dana", "roles": ["developer", 7] }, "from": "dev", "to": "test", "source": {} }),
            "/actor/roles/1",
        ),
        (json!({ "actor": dana(), "from": 0, "to": "test", "source": {} }), "/from"),
        (json!({ "actor": dana(), "from": "dev", "source": {} }), "/to"),
        (json!({ "actor": dana(), "from": "dev", "to": "test", "source": {}, "target": "empty" }), "/target"),
        (
            json!({ "actor": dana(), "from": "dev", "to": "test", "source": {}, "acknowledge": "agents/a" }),
            "/acknowledge",
        ),
        (json!({ "actor": dana(), "from": "dev", "to": "test", "source": {}, "base": [] }), "/base"),
    ];
    for (request, path) in cases {
        assert_eq!(sync_error(request.clone()), invalid(path), "{request}");
    }
}

#[test]
fn wrong_types_inside_a_workspace_point_at_the_value() {
    let cases = [
        (json!({ "agents": {} }), "/source/agents"),
        (json!({ "agents": ["triage"] }), "/source/agents/0"),
        (json!({ "agents": [{ "name": "no id" }] }), "/source/agents/0/id"),
        (json!({ "agents": [{ "id": 1 }] }), "/source/agents/0/id"),
        (json!({ "channels": [{ "id": "" }] }), "/source/channels/0/id"),
        (json!({ "agents": [{ "id": "a", "updatedBy": 3 }] }), "/source/agents/0/updatedBy"),
        (json!({ "agents": [{ "id": "a", "uses": "workflows/w" }] }), "/source/agents/0/uses"),
        (json!({ "agents": [{ "id": "a", "uses": ["workflows/w"] }] }), "/source/agents/0/uses/0"),
        (
            json!({ "agents": [{ "id": "a", "uses": [{ "kind": "workflows", "id": 5 }] }] }),
            "/source/agents/0/uses/0/id",
        ),
        (json!({ "variables": [{ "type": "string" }] }), "/source/variables/0/name"),
        (json!({ "variables": [{ "name": "V" }] }), "/source/variables/0/type"),
        (json!({ "variables": [{ "name": "V", "type": "integer" }] }), "/source/variables/0/type"),
        (json!({ "variables": [{ "name": "V", "type": "url", "usage": "wf-a" }] }), "/source/variables/0/usage"),
        (json!({ "variables": [{ "name": "V", "type": "url", "usage": ["wf-a", 2] }] }), "/source/variables/0/usage/1"),
    ];
    for (source, path) in cases {
        assert_eq!(sync_error(sync_request(source.clone())), invalid(path), "{source}");
    }
}

#[test]
fn an_unknown_environment_is_invalid_input() {
    assert_eq!(sync_error(json!({ "actor": dana(), "from": "prod", "to": "test", "source": {} })), invalid("/from"));
    assert_eq!(sync_error(json!({ "actor": dana(), "from": "dev", "to": "qa", "source": {} })), invalid("/to"));
    assert_eq!(sync_error(json!({ "actor": dana(), "from": " dev", "to": "test", "source": {} })), invalid("/from"));
    let (code, path) =
        bad(rules().check_edit_value(json!({ "actor": dana(), "environment": "local", "before": {}, "after": {} })));
    assert_eq!((code, path.as_str()), (ErrorCode::InvalidInput, "/environment"));
    assert_eq!(bad(api::next_environment(&rules(), "preprod")), invalid(""));
}

#[test]
fn an_environment_outside_a_short_chain_is_invalid_input() {
    let rules = rules_with(
        json!({ "environments": ["dev", "staging", "production"], "roles": { "developer": { "dev": ["edit", "sync"] } } }),
    );
    assert_eq!(
        bad(rules.plan_sync_value(json!({ "actor": dana(), "from": "dev", "to": "test", "source": {} }))),
        invalid("/to")
    );
    assert_eq!(
        bad(rules.plan_sync_value(json!({ "actor": quinn(), "from": "uat", "to": "staging", "source": {} }))),
        invalid("/from")
    );
    assert_eq!(
        bad(rules.check_edit_value(json!({ "actor": quinn(), "environment": "TEST", "before": {}, "after": {} }))),
        invalid("/environment")
    );
    assert_eq!(bad(rules.authorize_value(quinn(), "sync", "uat")), invalid("/environment"));
}

#[test]
fn duplicate_ids_are_invalid_input() {
    let source = json!({ "agents": [{ "id": "bot" }, { "id": "helper" }, { "id": "bot" }] });
    assert_eq!(sync_error(sync_request(source)), invalid("/source/agents/2/id"));
    let request = json!({ "actor": dana(), "from": "dev", "to": "test", "source": {},
        "target": { "variables": [{ "name": "V", "type": "string" }, { "name": "V", "type": "number" }] } });
    assert_eq!(sync_error(request), invalid("/target/variables/1/name"));
    // The same id in two kinds is fine.
    let plan = rules()
        .plan_sync_value(sync_request(json!({ "agents": [{ "id": "x" }], "workflows": [{ "id": "x" }] })))
        .unwrap();
    assert!(plan.decision.allowed);
}

#[test]
fn a_uses_kind_that_cannot_be_referenced_is_invalid_input() {
    for kind in ["conversations", "analytics", "issues", "Agents", "experiments"] {
        let source = json!({ "agents": [{ "id": "a", "uses": [{ "kind": "workflows", "id": "w" }, { "kind": kind, "id": "x" }] }] });
        assert_eq!(sync_error(sync_request(source)), invalid("/source/agents/0/uses/1/kind"), "{kind}");
    }
    for kind in ["secrets", "guardrails", "evaluators", "variables", "knowledgeBase"] {
        let source = json!({ "agents": [{ "id": "a", "uses": [{ "kind": kind, "id": "x" }] }] });
        assert!(rules().plan_sync_value(sync_request(source)).is_ok(), "{kind}");
    }
}

#[test]
fn an_acknowledge_entry_must_be_kind_slash_id_of_a_promoted_kind() {
    for (entry, index) in [("bot", 1), ("conversations/c1", 1), ("agents/", 1), ("robots/bot", 1)] {
        let request = json!({ "actor": omar(), "from": "staging", "to": "production", "source": {}, "acknowledge": ["agents/bot", entry] });
        assert_eq!(sync_error(request), invalid(&format!("/acknowledge/{index}")), "{entry}");
    }
    let request = json!({ "actor": omar(), "from": "staging", "to": "production", "source": {}, "acknowledge": [["agents", "bot"]] });
    assert_eq!(sync_error(request), invalid("/acknowledge/0"));
}

#[test]
fn a_base_manifest_must_list_promoted_kinds_and_fingerprints() {
    let base_error = |base: Value| {
        sync_error(json!({ "actor": omar(), "from": "staging", "to": "production", "source": {}, "base": base }))
    };
    assert_eq!(base_error(json!({ "secrets": {} })), invalid("/base/secrets"));
    assert_eq!(base_error(json!({ "agents": { "bot": "md5:abc" } })), invalid("/base/agents/bot"));
    assert_eq!(base_error(json!({ "agents": ["bot"] })), invalid("/base/agents"));
}

#[test]
fn a_hotfix_needs_a_non_empty_reason() {
    let (production, _) = (sample("production"), ());
    for hotfix in [json!({ "reason": "" }), json!({ "reason": "   " }), json!({})] {
        let publish = rules().plan_publish_value(json!({ "actor": ada(), "workspace": production, "hotfix": hotfix }));
        assert_eq!(bad(publish), invalid("/hotfix/reason"), "{hotfix}");
        let edit = rules().check_edit_value(json!({ "actor": ada(), "environment": "production", "before": production, "after": production, "hotfix": hotfix }));
        assert_eq!(bad(edit), invalid("/hotfix/reason"), "{hotfix}");
    }
    let publish =
        rules().plan_publish_value(json!({ "actor": ada(), "workspace": production, "hotfix": { "reason": 1 } }));
    assert_eq!(bad(publish), invalid("/hotfix/reason"));
    let publish = rules().plan_publish_value(json!({ "actor": ada(), "workspace": production, "hotfix": "because" }));
    assert_eq!(bad(publish), invalid("/hotfix"));
    let publish = rules().plan_publish_value(
        json!({ "actor": ada(), "workspace": production, "hotfix": { "reason": "x", "by": "ada" } }),
    );
    assert_eq!(bad(publish), invalid("/hotfix/by"));
}

#[test]
fn edit_and_publish_requests_name_their_missing_or_unknown_members() {
    assert_eq!(
        bad(rules().check_edit_value(json!({ "actor": dana(), "environment": "dev", "after": {} }))),
        invalid("/before")
    );
    assert_eq!(bad(rules().check_edit_value(json!({ "actor": dana(), "environment": "dev", "before": {}, "after": { "agents": [{ "id": "a" }, { "id": "a" }] } }))), invalid("/after/agents/1/id"));
    assert_eq!(
        bad(rules().check_edit_value(json!({ "actor": dana(), "env": "dev", "before": {}, "after": {} }))),
        invalid("/env")
    );
    assert_eq!(bad(rules().plan_publish_value(json!({ "actor": ada() }))), invalid("/workspace"));
    assert_eq!(
        bad(rules().plan_publish_value(json!({ "actor": ada(), "workspace": {}, "live": { "agents": 1 } }))),
        invalid("/live/agents")
    );
    assert_eq!(
        bad(rules().plan_publish_value(json!({ "actor": ada(), "workspace": {}, "environment": "production" }))),
        invalid("/environment")
    );
}

#[test]
fn the_diff_and_filter_functions_refuse_invalid_workspaces() {
    assert_eq!(bad(promotion_rules::workspace::filter_content(json!([]), &Limits::DEFAULT)), invalid(""));
    assert_eq!(
        bad(promotion_rules::workspace::filter_content(
            json!({ "workflows": [{ "id": "w" }, { "id": "w" }] }),
            &Limits::DEFAULT
        )),
        invalid("/workflows/1/id")
    );
    assert_eq!(bad(api::diff_workspaces("{}", r#"{ "agents": "x" }"#)), invalid("/after/agents"));
    assert_eq!(bad(api::diff_workspaces("null", "{}")), invalid("/before"));
    assert_eq!(bad(api::diff_workspaces("{}", "{,}")).1, "/after");
}

/// A sync request as JSON text whose agent nests arrays down to `depth` levels counted from the root.
fn nested_request(depth: usize) -> String {
    // root object (1) → source (2) → agents (3) → agent (4) → deep arrays (5..=depth)
    let arrays = depth - 4;
    format!(
        r#"{{"actor": {{"id": "dana", "roles": ["developer"]}}, "from": "dev", "to": "test", "source": {{"agents": [{{"id": "deep", "deep": {}{}}}]}}}}"#,
        "[".repeat(arrays),
        "]".repeat(arrays)
    )
}

#[test]
fn nesting_of_128_levels_is_accepted_and_129_is_limit_exceeded() {
    let ok = json::parse(&nested_request(128)).unwrap();
    let plan = rules().plan_sync_value(ok).unwrap();
    assert!(plan.decision.allowed);
    let error = json::parse(&nested_request(129)).unwrap_err();
    assert_eq!(error.code, ErrorCode::LimitExceeded);
    let expected = format!("/source/agents/0/deep{}", "/0".repeat(124));
    assert_eq!(error.path, expected);
}

#[test]
fn fingerprint_applies_the_same_depth_limit() {
    let mut value = json!(1);
    for _ in 0..128 {
        value = json!([value]);
    }
    assert!(api::fingerprint(&value.to_string()).is_ok());
    let deeper = json!({ "x": value });
    // The path names the first container past the limit: the 129th level.
    let expected = format!("/x{}", "/0".repeat(127));
    assert_eq!(bad(api::fingerprint(&deeper.to_string())), (ErrorCode::LimitExceeded, expected.clone()));
    // Values built in code are held to the same limit.
    assert_eq!(bad(json::check_depth(&deeper, &Limits::DEFAULT)), (ErrorCode::LimitExceeded, expected));
}

#[test]
fn input_past_the_byte_or_item_limits_is_limit_exceeded() {
    let small = Limits { max_input_bytes: 64, ..Limits::DEFAULT };
    let text = nested_request(10);
    assert!(text.len() > 64);
    assert_eq!(bad(json::parse_with_limits(&text, &small)), (ErrorCode::LimitExceeded, String::new()));
    let few = PromotionRules::default().with_limits(Limits { max_items: 3, ..Limits::DEFAULT });
    let request =
        sync_request(json!({ "agents": [{ "id": "a" }, { "id": "b" }], "workflows": [{ "id": "c" }, { "id": "d" }] }));
    assert_eq!(bad(few.plan_sync_value(request)), (ErrorCode::LimitExceeded, "/source/workflows".to_owned()));
}

#[test]
fn an_error_serialises_with_its_code_message_and_path() {
    let error =
        rules().plan_sync_value(json!({ "actor": dana(), "from": "dev", "to": "mars", "source": {} })).unwrap_err();
    let value = promotion_rules::json::parse(&promotion_rules::write::to_json(&error)).unwrap();
    assert_eq!(value["code"], "INVALID_INPUT");
    assert_eq!(value["path"], "/to");
    assert!(value["message"].as_str().unwrap().contains("mars"));
    assert!(error.to_string().starts_with("INVALID_INPUT"));
}

#![cfg(not(target_arch = "wasm32"))]
//! Fingerprints: RFC 8785 canonical JSON hashed with SHA-256, item manifests, and what changes them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use promotion_rules::fingerprint::canonical_json;
use promotion_rules::{fingerprint, json, Kind, Value};

#[test]
fn the_fingerprint_of_known_values_is_the_sha256_of_their_canonical_text() {
    assert_eq!(fingerprint(&json!({})), "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    assert_eq!(fingerprint(&json!([])), "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945");
    assert_eq!(fingerprint(&json!("a")), "sha256:ac8d8342bbb2362d13f0a559a3621bb407011368895164b628a54f7fc33fc43c");
    assert_eq!(fingerprint(&json!(null)), "sha256:74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b");
}

#[test]
fn canonical_json_follows_the_rfc_8785_example() {
    let value: Value = serde_json::from_str(
        r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#,
    )
    .unwrap();
    assert_eq!(
        canonical_json(&value),
        r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
    );
}

#[test]
fn members_are_sorted_by_utf16_code_units_as_in_javascript() {
    let value = json!({ "\u{e000}": 1, "\u{1F600}": 2, "a": 3 });
    assert_eq!(canonical_json(&value), "{\"a\":3,\"\u{1F600}\":2,\"\u{e000}\":1}");
}

#[test]
fn the_fingerprint_ignores_member_order_whitespace_and_number_spelling() {
    let a = json::parse(r#"{"tone": "calm", "behaviour": {"temperature": 0.5, "maxTurns": 100}}"#).unwrap();
    let b = json::parse("{\n  \"behaviour\": { \"maxTurns\": 1e2, \"temperature\": 5E-1 },\n  \"tone\": \"calm\"\n}")
        .unwrap();
    assert_eq!(fingerprint(&a), fingerprint(&b));
    assert_ne!(fingerprint(&a), fingerprint(&json!({ "tone": "calm" })));
    assert_ne!(fingerprint(&json!([1, 2])), fingerprint(&json!([2, 1])), "array order counts");
}

#[test]
fn a_fingerprint_has_the_sha256_prefix_and_64_hex_digits() {
    let print = fingerprint(&sample("production"));
    let hex = print.strip_prefix("sha256:").unwrap();
    assert_eq!(hex.len(), 64);
    assert!(hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}

#[test]
fn the_manifest_maps_each_kind_and_id_to_the_item_fingerprint() {
    let plan = plan_sync(
        &rules(),
        json!({ "actor": dana(), "from": "dev", "to": "test", "source": sample("dev"), "target": sample("test") }),
    );
    let manifest = answer(&plan.manifest);
    let mut kinds: Vec<&str> = manifest.as_object().unwrap().keys().map(String::as_str).collect();
    kinds.sort_unstable();
    let mut promoted = PROMOTED.to_vec();
    promoted.sort_unstable();
    assert_eq!(kinds, promoted);
    for kind in ["agents", "workflows", "knowledgeBase", "integrations", "channels"] {
        let items = plan.payload[kind].as_array().unwrap();
        assert_eq!(manifest[kind].as_object().unwrap().len(), items.len());
        for item in items {
            assert_eq!(manifest[kind][item["id"].as_str().unwrap()], fingerprint(item), "{kind}");
        }
    }
    let crm = item(&plan.payload, "variables", "CRM_URL");
    let mut structure = crm.clone();
    structure.as_object_mut().unwrap().remove("defaultValue");
    assert_eq!(plan.manifest.get(Kind::Variables, "CRM_URL"), Some(fingerprint(&structure).as_str()));
}

#[test]
fn a_variable_default_changes_the_payload_fingerprint_but_not_the_manifest() {
    let sync =
        |source: Value| plan_sync(&rules(), json!({ "actor": dana(), "from": "dev", "to": "test", "source": source }));
    let source = sample("dev");
    let mut other_default = source.clone();
    item_mut(&mut other_default, "variables", "CRM_URL")["defaultValue"] = json!("https://crm.other.example/api");
    let (a, b) = (sync(source.clone()), sync(other_default));
    assert_ne!(a.fingerprint, b.fingerprint);
    assert_ne!(a.source_fingerprint, b.source_fingerprint);
    assert_eq!(a.manifest, b.manifest);
    let mut other_usage = source;
    item_mut(&mut other_usage, "variables", "CRM_URL")["usage"] = json!(["wf-triage-routing"]);
    let c = sync(other_usage);
    assert_ne!(a.manifest.get(Kind::Variables, "CRM_URL"), c.manifest.get(Kind::Variables, "CRM_URL"));
    assert_eq!(a.manifest.get(Kind::Variables, "MAX_TURNS"), c.manifest.get(Kind::Variables, "MAX_TURNS"));
}

#[test]
fn local_kinds_change_neither_the_payload_nor_the_source_fingerprint() {
    let sync = |source: Value| {
        plan_sync(
            &rules(),
            json!({ "actor": dana(), "from": "dev", "to": "test", "source": source, "target": sample("test") }),
        )
    };
    let mut busy = sample("dev");
    busy["conversations"] = json!([{ "id": "c-new" }]);
    busy["analytics"] = json!(null);
    busy["experiments"] = json!("gone");
    let (a, b) = (sync(sample("dev")), sync(busy));
    assert_eq!(a.fingerprint, b.fingerprint);
    assert_eq!(a.source_fingerprint, b.source_fingerprint);
    assert_eq!(a.manifest, b.manifest);
    assert_ne!(a.excluded, b.excluded);
}

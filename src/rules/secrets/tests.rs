//! The tests of `secrets`, kept out of its file so that the file reads as its logic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use super::*;
use crate::json;
use proptest::prelude::*;

fn findings(value: &Value) -> Vec<(String, SecretKind)> {
    let mut out = Vec::new();
    scan(value, "", &mut out);
    out.into_iter().map(|f| (f.path, f.kind)).collect()
}

fn flagged_under(key: &str, value: Value) -> Vec<(String, SecretKind)> {
    let mut doc = crate::Map::new();
    doc.insert(key.to_owned(), value);
    findings(&Value::Object(doc))
}

fn one(path: &str, kind: SecretKind) -> Vec<(String, SecretKind)> {
    vec![(path.to_owned(), kind)]
}

fn pad(prefix: &str, n: usize, fill: char) -> String {
    let mut s = prefix.to_owned();
    s.extend(std::iter::repeat_n(fill, n));
    s
}

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

// ---- secret-named keys ----

#[test]
fn every_listed_key_form_is_a_secret_key() {
    for key in [
        "password",
        "db_password",
        "DB-PASSWORD",
        "x-api-key",
        "apiKey",
        "api_key",
        "Authorization",
        "client_secret",
        "clientSecret",
        "privateKey",
        "private-key",
        "accessToken",
        "token",
        "secret",
        "SECRET",
        "_token_",
        "p-a-s-s-w-o-r-d",
    ] {
        assert!(is_secret_key(key), "{key}");
    }
}

#[test]
fn keys_that_only_start_with_or_contain_a_secret_word_are_not_secret_keys() {
    for key in
        ["tokenizer", "secretName", "passwordPolicy", "key", "apiKeyId", "", "-_", "oken", "passwor", "authorisation"]
    {
        assert!(!is_secret_key(key), "{key}");
    }
}

#[test]
fn non_ascii_letters_are_not_case_folded_into_a_secret_key() {
    assert!(!is_secret_key("pаssword")); // Cyrillic а
    assert!(!is_secret_key("toKen\u{0301}"));
}

#[test]
fn a_literal_string_under_each_secret_key_form_is_flagged() {
    for key in [
        "password",
        "db_password",
        "DB-PASSWORD",
        "x-api-key",
        "apiKey",
        "Authorization",
        "client_secret",
        "privateKey",
        "accessToken",
    ] {
        let path = format!("/{key}");
        assert_eq!(flagged_under(key, json!("hunter2")), one(&path, SecretKind::SecretNamedKey), "{key}");
    }
}

#[test]
fn a_string_under_tokenizer_or_secret_name_is_not_flagged() {
    assert!(flagged_under("tokenizer", json!("cl100k")).is_empty());
    assert!(flagged_under("secretName", json!("CRM")).is_empty());
}

#[test]
fn an_empty_string_under_a_secret_key_is_not_flagged() {
    assert!(flagged_under("password", json!("")).is_empty());
}

#[test]
fn a_whitespace_only_string_under_a_secret_key_is_flagged() {
    assert_eq!(flagged_under("password", json!(" ")), one("/password", SecretKind::SecretNamedKey));
}

#[test]
fn numbers_bools_and_null_under_a_secret_key_are_not_flagged() {
    assert!(flagged_under("password", json!(1234)).is_empty());
    assert!(flagged_under("token", json!(true)).is_empty());
    assert!(flagged_under("apiKey", json!(null)).is_empty());
    assert!(flagged_under("secret", json!([1, false, null, 2.5])).is_empty());
}

#[test]
fn a_bearer_header_with_a_secret_reference_is_fine() {
    assert!(flagged_under("Authorization", json!("Bearer {{secrets.CRM}}")).is_empty());
}

#[test]
fn a_secret_reference_with_whitespace_inside_the_braces_is_fine() {
    assert!(flagged_under("password", json!("{{ secrets.CRM }}")).is_empty());
    assert!(flagged_under("password", json!("{{\tsecrets.db.main-1\n}}")).is_empty());
}

#[test]
fn a_malformed_secret_reference_does_not_excuse_a_literal() {
    for s in [
        "{{secrets.}}",
        "{{ secrets . CRM }}",
        "{{Secrets.CRM}}",
        "{secrets.CRM}",
        "{{secrets.CRM}",
        "{{secrets.CR M}}",
        "{{secrets.CRM!}}",
        "secrets.CRM",
    ] {
        assert_eq!(flagged_under("token", json!(s)), one("/token", SecretKind::SecretNamedKey), "{s}");
    }
}

#[test]
fn strings_nested_anywhere_under_a_secret_key_count_too() {
    assert_eq!(findings(&json!({"apiKey": ["abc"]})), one("/apiKey/0", SecretKind::SecretNamedKey));
    assert_eq!(
        findings(&json!({"clientSecret": {"value": "x"}})),
        one("/clientSecret/value", SecretKind::SecretNamedKey)
    );
    assert_eq!(findings(&json!({"tokens": {"a": [[{"name": "deep"}]]}})), vec![]);
    assert_eq!(
        findings(&json!({"auth": {"token": {"list": [["deep", ""]]}}})),
        one("/auth/token/list/0/0", SecretKind::SecretNamedKey)
    );
}

#[test]
fn key_names_themselves_are_never_scanned() {
    let key = pad("sk-", 30, 'a');
    assert!(flagged_under(&key, json!("plain")).is_empty());
    assert!(flagged_under(&key, json!({ "password": 1 })).is_empty());
}

#[test]
fn scan_does_not_know_the_key_that_holds_the_value_it_is_given() {
    let mut out = Vec::new();
    scan(&json!("hunter2"), "/password", &mut out);
    assert!(out.is_empty());
}

// ---- credential shapes ----

#[test]
fn an_openai_style_key_is_flagged_at_twenty_chars_but_not_at_nineteen() {
    assert_eq!(find_credential(&pad("sk-", 20, 'a')), Some(SecretKind::OpenAiStyleKey));
    assert_eq!(find_credential(&pad("sk-", 19, 'a')), None);
    assert_eq!(find_credential("sk-proj-AB_cd-0123456789xy"), Some(SecretKind::OpenAiStyleKey));
    assert_eq!(find_credential(&(pad("sk-", 19, 'a') + "!")), None);
}

#[test]
fn an_aws_access_key_id_is_flagged_at_sixteen_chars_but_not_at_fifteen() {
    assert_eq!(find_credential("AKIAIOSFODNN7EXAMPLE"), Some(SecretKind::AwsAccessKey));
    assert_eq!(find_credential("AKIAIOSFODNN7EXAMPL"), None);
    assert_eq!(find_credential("AKIAiosfodnn7example"), None);
    assert_eq!(find_credential("akiaIOSFODNN7EXAMPLE"), None);
}

#[test]
fn a_github_token_is_flagged_at_thirty_chars_but_not_at_twenty_nine() {
    for p in ['p', 'o', 'u', 's', 'r'] {
        let prefix = format!("gh{p}_");
        assert_eq!(find_credential(&pad(&prefix, 30, 'Z')), Some(SecretKind::GitHubToken), "{prefix}");
        assert_eq!(find_credential(&pad(&prefix, 29, 'Z')), None, "{prefix}");
    }
    assert_eq!(find_credential(&pad("ghx_", 40, 'Z')), None);
    assert_eq!(find_credential(&pad("ghp-", 40, 'Z')), None);
    assert_eq!(find_credential(&(pad("ghp_", 29, 'Z') + "_Z")), None);
}

#[test]
fn a_slack_token_is_flagged_at_ten_chars_but_not_at_nine() {
    assert_eq!(find_credential("xoxb-123456789-"), Some(SecretKind::SlackToken));
    assert_eq!(find_credential(&pad("xoxp-", 10, '9')), Some(SecretKind::SlackToken));
    assert_eq!(find_credential(&pad("xoxb-", 9, '9')), None);
    assert_eq!(find_credential(&pad("xoxa-", 20, '9')), None);
    assert_eq!(find_credential(&pad("xoxb_", 20, '9')), None);
}

#[test]
fn a_real_looking_jwt_is_flagged() {
    assert_eq!(find_credential(JWT), Some(SecretKind::Jwt));
    assert_eq!(find_credential(&format!("Authorization: Bearer {JWT}")), Some(SecretKind::Jwt));
    assert_eq!(flagged_under("note", json!(format!("see {JWT} here"))), one("/note", SecretKind::Jwt));
}

#[test]
fn a_jwt_is_flagged_at_ten_chars_per_part_and_a_one_char_signature() {
    assert_eq!(find_credential("eyJhIjoxfQ.eyJhIjoxfQ.x"), Some(SecretKind::Jwt));
    assert_eq!(find_credential("eyJhIjoxf.eyJhIjoxfQ.x"), None);
    assert_eq!(find_credential("eyJhIjoxfQ.eyJhIjoxf.x"), None);
    assert_eq!(find_credential("eyJhIjoxfQ.eyJhIjoxfQ."), None);
    assert_eq!(find_credential("eyJhIjoxfQ.eyJhIjoxfQ"), None);
    assert_eq!(find_credential("eyJhIjoxfQ.abJhIjoxfQ.x"), None);
    assert_eq!(find_credential("eyJhIjoxfQ=.eyJhIjoxfQ.x"), None);
}

#[test]
fn a_jwt_is_found_after_a_failed_candidate_in_a_later_run() {
    // The first candidate's payload is too short; a JWT starts inside it.
    assert_eq!(find_credential("eyJhIjoxfQ.x-eyJhIjoxfQ.eyJhIjoxfQ.s"), Some(SecretKind::Jwt));
    assert_eq!(find_credential("eyJ-eyJ-eyJ.eyJhIjoxfQ.s"), Some(SecretKind::Jwt));
}

#[test]
fn a_token_preceded_by_a_letter_or_digit_is_not_flagged() {
    assert_eq!(find_credential(&pad("ask-", 30, 'a')), None);
    assert_eq!(find_credential(&pad("1sk-", 30, 'a')), None);
    assert_eq!(find_credential("XAKIAIOSFODNN7EXAMPLE"), None);
    assert_eq!(find_credential(&pad("sghp_", 36, 'a')), None);
    assert_eq!(find_credential(&pad("0xoxb-", 12, 'a')), None);
    assert_eq!(find_credential(&format!("a{JWT}")), None);
}

#[test]
fn a_token_preceded_by_punctuation_or_at_the_start_is_flagged() {
    let key = pad("sk-", 24, 'a');
    for s in [
        key.clone(),
        format!("key={key}"),
        format!("({key})"),
        format!("my_{key}"),
        format!("é{key}"),
        format!("line1\n{key}"),
    ] {
        assert_eq!(find_credential(&s), Some(SecretKind::OpenAiStyleKey), "{s}");
    }
}

#[test]
fn a_secret_reference_does_not_launder_a_real_key() {
    let s = format!("{{{{secrets.CRM}}}} {}", pad("sk-", 24, 'a'));
    assert!(holds_secret_reference(&s));
    assert_eq!(flagged_under("Authorization", json!(s)), one("/Authorization", SecretKind::OpenAiStyleKey));
    assert_eq!(flagged_under("note", json!(s)), one("/note", SecretKind::OpenAiStyleKey));
}

#[test]
fn a_credential_under_a_secret_key_is_reported_once_with_its_own_kind() {
    assert_eq!(
        flagged_under("aws_secret", json!("AKIAIOSFODNN7EXAMPLE")),
        one("/aws_secret", SecretKind::AwsAccessKey)
    );
}

#[test]
fn the_leftmost_credential_decides_the_kind() {
    let s = format!("{JWT} AKIAIOSFODNN7EXAMPLE");
    assert_eq!(find_credential(&s), Some(SecretKind::Jwt));
    let s = format!("AKIAIOSFODNN7EXAMPLE {JWT}");
    assert_eq!(find_credential(&s), Some(SecretKind::AwsAccessKey));
}

#[test]
fn every_kind_has_a_description() {
    assert_eq!(SecretKind::AwsAccessKey.describe(), "an AWS access key id");
    for kind in [
        SecretKind::SecretNamedKey,
        SecretKind::OpenAiStyleKey,
        SecretKind::AwsAccessKey,
        SecretKind::GitHubToken,
        SecretKind::SlackToken,
        SecretKind::Jwt,
    ] {
        assert!(!kind.describe().is_empty());
    }
}

// ---- references ----

#[test]
fn secret_references_yields_the_names_in_order() {
    let s = "{{ secrets.CRM }} and {{secrets.db.main}}, {{secrets.}} {{{secrets.x_y-1}}}";
    assert_eq!(secret_references(s).collect::<Vec<_>>(), vec!["CRM", "db.main", "x_y-1"]);
    assert!(holds_secret_reference("Bearer {{secrets.CRM}}"));
    assert!(!holds_secret_reference("Bearer {{ env.CRM }}"));
    assert!(!holds_secret_reference(""));
    assert_eq!(secret_references("é{{secrets.ü}}").count(), 0);
    assert_eq!(secret_references("é{{secrets.a}}ü").collect::<Vec<_>>(), vec!["a"]);
}

// ---- paths ----

#[test]
fn paths_escape_tilde_and_slash() {
    assert_eq!(
        findings(&json!({"a/b": {"c~d": {"password": "x"}}})),
        one("/a~1b/c~0d/password", SecretKind::SecretNamedKey)
    );
    assert_eq!(findings(&json!({"~/": {"token": "x"}})), one("/~0~1/token", SecretKind::SecretNamedKey));
}

#[test]
fn nested_arrays_get_index_paths_in_document_order() {
    let key = pad("sk-", 20, 'a');
    let mut items: Vec<Value> = (0..11).map(|i| json!(i)).collect();
    items[10] = json!([["ok", key.clone()]]);
    items[0] = json!(key.clone());
    let doc = json!({"agents": items, "b": {"password": ["x", 1, "y"]}});
    assert_eq!(
        findings(&doc),
        vec![
            ("/agents/0".to_owned(), SecretKind::OpenAiStyleKey),
            ("/agents/10/0/1".to_owned(), SecretKind::OpenAiStyleKey),
            ("/b/password/0".to_owned(), SecretKind::SecretNamedKey),
            ("/b/password/2".to_owned(), SecretKind::SecretNamedKey),
        ]
    );
}

#[test]
fn scan_prefixes_the_given_path_and_appends_to_existing_findings() {
    let mut out = vec![InlineSecret { path: "/earlier".to_owned(), kind: SecretKind::Jwt }];
    scan(&json!({"token": "x"}), "/source/agents/2", &mut out);
    assert_eq!(out.len(), 2);
    assert_eq!(out[1].path, "/source/agents/2/token");
    let mut out = Vec::new();
    scan(&json!(JWT), "/a~1b", &mut out);
    assert_eq!(out[0].path, "/a~1b");
}

#[test]
fn a_long_adversarial_string_scans_quickly() {
    // Each piece makes a naive matcher quadratic: many candidate starts
    // sharing one long run.
    let s = "eyJ-".repeat(250_000)
        + "."
        + &"eyJ_".repeat(250_000)
        + ".!"
        + &"{{ ".repeat(100_000)
        + &"sk-!".repeat(100_000)
        + &"{{secrets.".repeat(100_000)
        + &"ghp_".repeat(100_000);
    let start = std::time::Instant::now();
    assert_eq!(find_credential(&s), None);
    assert_eq!(flagged_under("token", json!(s)).len(), 1);
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
}

// ---- reference implementations for the properties ----

fn naive_is_secret_key(key: &str) -> bool {
    let k: String = key.chars().filter(|&c| c != '-' && c != '_').map(|c| c.to_ascii_lowercase()).collect();
    ["password", "secret", "token", "apikey", "authorization", "privatekey", "clientsecret"]
        .iter()
        .any(|s| k.ends_with(s))
}

fn run_len(b: &[u8], f: fn(u8) -> bool) -> usize {
    b.iter().take_while(|&&c| f(c)).count()
}

/// Quadratic, obviously-correct matcher at one position.
fn naive_at(b: &[u8]) -> Option<SecretKind> {
    let b64 = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
    if let Some(t) = b.strip_prefix(b"sk-") {
        if t.iter().take_while(|&&c| b64(c)).count() >= 20 {
            return Some(SecretKind::OpenAiStyleKey);
        }
    }
    if let Some(t) = b.strip_prefix(b"AKIA") {
        if t.len() >= 16 && t[..16].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
            return Some(SecretKind::AwsAccessKey);
        }
    }
    for p in [b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_"] {
        if let Some(t) = b.strip_prefix(p) {
            if run_len(t, |c| c.is_ascii_alphanumeric()) >= 30 {
                return Some(SecretKind::GitHubToken);
            }
        }
    }
    for p in [b"xoxb-", b"xoxp-"] {
        if let Some(t) = b.strip_prefix(p) {
            if run_len(t, |c| c.is_ascii_alphanumeric() || c == b'-') >= 10 {
                return Some(SecretKind::SlackToken);
            }
        }
    }
    let b64f: fn(u8) -> bool = |c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
    if b.starts_with(b"eyJ") {
        let h = run_len(b, b64f);
        if h >= 10 && b.get(h) == Some(&b'.') {
            let p = &b[h + 1..];
            let pl = run_len(p, b64f);
            if p.starts_with(b"eyJ") && pl >= 10 && p.get(pl) == Some(&b'.') && p.get(pl + 1).is_some_and(|&c| b64f(c))
            {
                return Some(SecretKind::Jwt);
            }
        }
    }
    None
}

fn naive_find_credential(s: &str) -> Option<SecretKind> {
    let b = s.as_bytes();
    (0..b.len()).filter(|&i| i == 0 || !b[i - 1].is_ascii_alphanumeric()).find_map(|i| naive_at(&b[i..]))
}

fn naive_references(s: &str) -> Vec<String> {
    let mut names = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"{{") {
            let mut j = i + 2;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if b[j..].starts_with(b"secrets.") {
                j += 8;
                let n0 = j;
                while j < b.len() && is_name_byte(b[j]) {
                    j += 1;
                }
                let n1 = j;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if n1 > n0 && b[j..].starts_with(b"}}") {
                    names.push(s[n0..n1].to_owned());
                    i = j + 2;
                    continue;
                }
            }
        }
        i += 1;
    }
    names
}

const TRIGGERS: [&str; 5] = ["sk-", "AKIA", "gh", "xox", "eyJ"];

/// Strings over an alphabet dense in trigger characters.
fn tricky() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::sample::select(vec![
                "sk-", "AKIA", "gh", "ghp_", "ghs_", "ghx_", "xox", "xoxb-", "xoxp-",
                "eyJ", "eyJhIjoxfQ", "eyJhIjoxf", "eyJhIjoxfQ.", "eyJhIjoxfQ.eyJhIjoxfQ.",
                ".", "{{", "}}", "{{ ", " }}", "secrets.", "{{secrets.", "CRM", "é",
                "a", "Z", "0", "-", "_", "=", "!", "(", "0123456789", "ABCDEFGH",
                "abcdefghij", "0123456789ABCDEFGHIJabcdefghi",
            ])
            .prop_map(str::to_owned),
            1 => "[a-zA-Z0-9_.-]{1,40}",
            1 => any::<char>().prop_map(String::from),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

fn json_tree(leaf: BoxedStrategy<String>, key: BoxedStrategy<String>) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        leaf.prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn scan_never_panics_on_arbitrary_strings_and_keys(
        doc in json_tree(
            prop_oneof![any::<String>(), tricky()].boxed(),
            prop_oneof![any::<String>(), tricky(), Just("token".to_owned())].boxed(),
        ),
        path in any::<String>(),
    ) {
        let mut out = Vec::new();
        scan(&doc, &path, &mut out);
        for f in &out {
            prop_assert!(f.path.starts_with(&path));
        }
    }

    #[test]
    fn a_string_without_a_trigger_under_a_non_secret_key_is_never_flagged(
        s in prop_oneof![any::<String>(), tricky()]
            .prop_filter("no trigger prefix", |s| !TRIGGERS.iter().any(|t| s.contains(t))),
        key in prop_oneof![any::<String>(), tricky()]
            .prop_filter("non-secret key", |k| !naive_is_secret_key(k)),
    ) {
        prop_assert_eq!(find_credential(&s), None);
        let doc = json!([s, {"x": s}]);
        prop_assert!(flagged_under(&key, doc).is_empty());
    }

    #[test]
    fn the_scan_finds_every_credential_that_find_credential_finds(s in prop_oneof![any::<String>(), tricky()]) {
        // The scan skips strings whose `-`, `_`, `K` and `J` stand in no token's prefix
        // (`may_hold_credential`): no credential is lost.
        let found: Vec<SecretKind> = flagged_under("note", json!(s)).into_iter().map(|(_, kind)| kind).collect();
        prop_assert_eq!(found, find_credential(&s).into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn find_credential_agrees_with_a_naive_matcher(s in prop_oneof![any::<String>(), tricky()]) {
        prop_assert_eq!(find_credential(&s), naive_find_credential(&s));
    }

    #[test]
    fn is_secret_key_agrees_with_an_allocating_definition(
        k in prop_oneof![
            any::<String>(),
            "[-_a-zA-Z]{0,6}(password|secret|token|apikey|authorization|privatekey|clientsecret|PassWord|API_KEY|Client-Secret)[-_a-z]{0,3}",
        ],
    ) {
        prop_assert_eq!(is_secret_key(&k), naive_is_secret_key(&k));
    }

    #[test]
    fn secret_references_agree_with_a_naive_parser(s in tricky()) {
        let ours: Vec<String> = secret_references(&s).map(str::to_owned).collect();
        prop_assert_eq!(&ours, &naive_references(&s));
        prop_assert_eq!(holds_secret_reference(&s), !ours.is_empty());
    }

    #[test]
    fn a_credential_after_any_non_alphanumeric_char_is_found(
        before in any::<String>(),
        sep in any::<char>().prop_filter("not alnum", |c| !c.is_ascii_alphanumeric()),
        which in 0usize..5,
    ) {
        let token = [
            "sk-abcdefghijklmnopqrstuvwxyz",
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
            "xoxb-0123456789-abc",
            JWT,
        ][which];
        let s = format!("{before}{sep}{token}");
        prop_assert!(find_credential(&s).is_some());
        let under = flagged_under("note", json!(s));
        prop_assert_eq!(under.len(), 1);
    }
}

#[test]
fn prose_with_hyphens_and_capitals_is_not_scanned_but_every_token_prefix_is() {
    use super::may_hold_credential;
    let prose = "A well-known self_service flow: Kelvin asked JSON-LD questions, tell-me-anything, x-ray.";
    assert!(!may_hold_credential(prose.as_bytes()));
    for token in ["sk-", "AKIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xoxb-", "xoxp-", "eyJ"] {
        assert!(may_hold_credential(format!("{prose} {token}").as_bytes()), "{token}");
        assert!(may_hold_credential(format!("{token}{prose}").as_bytes()), "{token}");
    }
}

#[test]
fn no_credential_is_shorter_than_the_shortest_token() {
    use super::{may_hold_credential, SHORTEST_TOKEN};
    // Each shape at its shortest is found, and is at least SHORTEST_TOKEN long; one byte less is
    // not a credential (so the scan may skip shorter strings).
    let shortest = [
        pad("sk-", 20, 'a'),
        pad("AKIA", 16, 'A'),
        pad("ghp_", 30, 'a'),
        pad("xoxb-", 10, 'a'),
        "eyJhbGciOi.eyJzdWIiOi.x".to_owned(),
    ];
    for token in &shortest {
        assert!(find_credential(token).is_some(), "{token}");
        assert!(may_hold_credential(token.as_bytes()), "{token}");
        assert!(token.len() >= SHORTEST_TOKEN, "{token}");
        assert!(find_credential(&token[..token.len() - 1]).is_none(), "{token}");
    }
    assert_eq!(shortest.iter().map(String::len).min(), Some(SHORTEST_TOKEN));
}

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
//! The golden corpus, answered natively: every `tests/corpus/NAME.request.json` must answer exactly
//! `NAME.expected.json` (compared as RFC 8785 canonical JSON, fingerprints included).
//!
//! The same files are answered by Node, Chromium, workerd and Deno in `tests/edge/runtimes.test.mjs`.
//! A change of behaviour updates the expected files with ONE command, never by hand:
//!
//! ```text
//! make corpus-update          # = UPDATE_CORPUS=1 cargo test --test corpus
//! ```
//!
//! A request file is `{ "operation": "planSync" | "planPublish" | "planRollback" | "checkEdit" |
//! "authorize" | "verifyAuditChain",
//! "policy"?: <policy; omitted = the default policy>, "request": <request> }`, or holds
//! `"requestText": "<JSON text>"` instead of `request` (malformed JSON, duplicate keys: text that no
//! JSON file can hold as a value). An expected file is `{ "answer": … }` or
//! `{ "error": { "code", "message", "path" } }`. For `verifyAuditChain`, `request` is the records
//! (the function's one argument) and `policy` is unused.
//!
//! Each operation is answered the way the JS API answers it: through its one JSON-text entry in
//! `promotion_rules::api` (the entry `wasm.rs` calls), the request written as JSON text as the JS
//! layer writes an object, and read by the crate's own reader (skipping what a sync only counts).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use promotion_rules::fingerprint::canonical_json;
use promotion_rules::write::{to_json, WriteJson};
use promotion_rules::{api, Error};
use promotion_rules::{json, Map, Value};
use serde::Deserialize;

/// A corpus has at least this many cases.
const MIN_CASES: usize = 40;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("corpus")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_CORPUS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The names of the cases: `NAME` of every `NAME.request.json`, sorted.
fn case_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|file| file.strip_suffix(".request.json").map(str::to_owned))
        .collect();
    names.sort();
    names
}

fn error_value(error: &Error) -> Value {
    json!({ "error": { "code": error.code.as_str(), "message": error.message, "path": error.path } })
}

/// An answer as `{ "answer": … }` (as the WebAssembly layer writes it) or `{ "error": … }`.
fn answer_value<T: WriteJson>(result: Result<T, Error>) -> Value {
    match result {
        Ok(answer) => json!({ "answer": serde_json::from_str::<Value>(&to_json(&answer)).unwrap() }),
        Err(error) => error_value(&error),
    }
}

/// An argument as the JS layer hands it to `promotion_rules::api`: a string is JSON text, any
/// other value is written as JSON text.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A name argument of `authorize`: a string as it is, any other value as its JSON text.
fn name_argument(request: &Map, key: &str, what: &str) -> Result<String, Error> {
    match request.get(key) {
        Some(Value::String(name)) => Ok(name.clone()),
        other => api::string_argument(&other.unwrap_or(&Value::Null).to_string(), &format!("/{key}"), what),
    }
}

/// The answer of one case, as `{ "answer": … }` or `{ "error": … }`: through the one JSON-text
/// entry of `promotion_rules::api` that the JS function calls.
fn run_case(case: &Value) -> Value {
    let operation = case["operation"].as_str().expect("operation");
    let policy = case.get("policy").map(text);
    let rules = match api::rules(policy.as_deref()) {
        Ok(rules) => rules,
        Err(error) => return error_value(&error),
    };
    let request = match (case.get("request"), case.get("requestText")) {
        (Some(request), None) => request.clone(),
        (None, Some(Value::String(text))) => Value::String(text.clone()),
        _ => panic!("a case holds exactly one of request and requestText (a string)"),
    };
    match operation {
        "planSync" => match api::plan_sync(&rules, &text(&request)) {
            Ok(answer) => json!({ "answer": serde_json::from_str::<Value>(&answer).unwrap() }),
            Err(error) => error_value(&error),
        },
        "planPublish" => answer_value(api::plan_publish(&rules, &text(&request))),
        "checkEdit" => answer_value(api::check_edit(&rules, &text(&request))),
        "planRollback" => answer_value(api::plan_rollback(&rules, &text(&request))),
        "verifyAuditChain" => answer_value(api::verify_audit_chain(&text(&request))),
        "authorize" => {
            let request = request.as_object().expect("an authorize request is { actor, action, environment }");
            let actor = text(request.get("actor").expect("an authorize case names its actor"));
            let action = name_argument(request, "action", "an action name");
            let environment = name_argument(request, "environment", "an environment name");
            answer_value(action.and_then(|action| api::authorize(&rules, &actor, &action, &environment?)))
        }
        other => panic!("unknown operation {other:?}"),
    }
}

/// A corpus file. Not the crate's reader: a case may nest deeper than the limit it tests.
fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = serde_json::Deserializer::from_str(&text);
    reader.disable_recursion_limit();
    let value = Value::deserialize(&mut reader).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader.end().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    value
}

/// The stored form of an expected file: pretty JSON with sorted keys, one final newline.
fn stored(value: &Value) -> String {
    let sorted: Value = serde_json::from_str(&canonical_json(value)).unwrap();
    let mut text = serde_json::to_string_pretty(&sorted).unwrap();
    text.push('\n');
    text
}

#[test]
fn every_case_answers_its_expected_file() {
    let dir = corpus_dir();
    let names = case_names();
    assert!(names.len() >= MIN_CASES, "the corpus holds {} cases, fewer than {MIN_CASES}", names.len());
    let update = updating();
    let mut failures = Vec::new();
    let mut written = 0;
    for name in &names {
        let case = read_json(&dir.join(format!("{name}.request.json")));
        let actual = run_case(&case);
        let expected_path = dir.join(format!("{name}.expected.json"));
        if update {
            let new = stored(&actual);
            if fs::read_to_string(&expected_path).ok().as_deref() != Some(new.as_str()) {
                fs::write(&expected_path, new).unwrap();
                written += 1;
            }
            continue;
        }
        if !expected_path.exists() {
            failures.push(format!("{name}: no {name}.expected.json; run `make corpus-update`"));
            continue;
        }
        let expected = read_json(&expected_path);
        if canonical_json(&actual) != canonical_json(&expected) {
            failures.push(format!(
                "{name}: the answer differs from {name}.expected.json\n  expected: {}\n  actual:   {}",
                truncate(&canonical_json(&expected)),
                truncate(&canonical_json(&actual))
            ));
        }
    }
    // An expected file without its request is a leftover of a removed case.
    let cases: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    for entry in fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(name) = file.strip_suffix(".expected.json") {
            if !cases.contains(name) {
                if update {
                    fs::remove_file(dir.join(&file)).unwrap();
                } else {
                    failures.push(format!("{file}: no {name}.request.json; run `make corpus-update` to remove it"));
                }
            }
        }
    }
    if update {
        eprintln!("corpus: {} cases, {written} expected files (re)written", names.len());
    }
    assert!(failures.is_empty(), "{} of {} corpus cases failed:\n{}", failures.len(), names.len(), failures.join("\n"));
}

fn truncate(text: &str) -> String {
    const MAX: usize = 600;
    match text.char_indices().nth(MAX) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}… ({} bytes)", &text[..at], text.len()),
    }
}

#[test]
fn the_corpus_covers_every_operation_and_every_issue_code() {
    let dir = corpus_dir();
    let mut operations = BTreeSet::new();
    let mut codes = BTreeSet::new();
    for name in case_names() {
        let case = read_json(&dir.join(format!("{name}.request.json")));
        operations.insert(case["operation"].as_str().unwrap().to_owned());
        let answer = run_case(&case);
        if let Some(error) = answer.get("error") {
            codes.insert(error["code"].as_str().unwrap().to_owned());
        }
        for list in ["violations", "warnings"] {
            for issue in answer["answer"][list].as_array().into_iter().flatten() {
                codes.insert(issue["code"].as_str().unwrap().to_owned());
            }
        }
    }
    let all = ["authorize", "checkEdit", "planPublish", "planRollback", "planSync", "verifyAuditChain"];
    assert_eq!(operations, BTreeSet::from(all.map(str::to_owned)));
    let mut wanted: Vec<&str> = promotion_rules::IssueCode::ALL.iter().map(|code| code.as_str()).collect();
    wanted.extend(["INVALID_INPUT", "INVALID_POLICY", "LIMIT_EXCEEDED"]);
    let missing: Vec<&str> = wanted.into_iter().filter(|code| !codes.contains(*code)).collect();
    assert!(missing.is_empty(), "no corpus case answers {missing:?}");
}

//! Native benchmarks of the core (issue 6): where the time of a `planSync` goes.
//!
//! Inputs are the generated workspace pairs of `bench/generate.mjs` (`target/bench/{S,M,T}-*.json`;
//! run `node bench/generate.mjs S M T` first); T is the text-heavy pair of issue 10. Each benchmark is one step of what the WebAssembly
//! export does, so that their sum explains the end-to-end figure:
//!
//! - `serde_parse`: the floor, `serde_json::from_str::<Value>` of the request (issue 10: `plan_sync`
//!   on T within 3× of it); divan drops the value after the clock stops;
//! - `serde_parse_and_drop`: the same with the value dropped on the clock, as `plan_sync` drops
//!   every value it builds;
//! - `parse_request`: the request's JSON text → `promotion_rules::Value` (our reader, `json.rs`);
//! - `parse_skipping`: the same, keeping only the shape of the kinds a sync only counts;
//! - `plan_sync`: the whole export: read the text (skipping), plan, write the answer as JSON text;
//! - `plan_only`: the rules on parsed input (`plan_sync_value`);
//! - `write_answer`: the plan → JSON text (`write.rs`);
//! - `diff`: `diff_workspaces` of the two workspaces;
//! - `fingerprint`: RFC 8785 + SHA-256 of the source workspace.
//!
//! `cargo bench --bench core` (add `-- --sample-count 10` to shorten).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::OnceLock;

use promotion_rules::json::{self, parse};
use promotion_rules::write::to_json;
use promotion_rules::{diff_workspaces, fingerprint, Limits, PromotionRules};

fn main() {
    divan::main();
}

struct Inputs {
    source: String,
    target: String,
    request: String,
}

fn read(size: &str, side: &str) -> String {
    let path = format!("{}/target/bench/{size}-{side}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}; generate the inputs first: node bench/generate.mjs S M T"))
}

fn inputs(size: &str) -> &'static Inputs {
    static S: OnceLock<Inputs> = OnceLock::new();
    static M: OnceLock<Inputs> = OnceLock::new();
    static T: OnceLock<Inputs> = OnceLock::new();
    let cell = match size {
        "S" => &S,
        "M" => &M,
        "T" => &T,
        _ => panic!("unknown size {size}"),
    };
    cell.get_or_init(|| {
        let source = read(size, "source");
        let target = read(size, "target");
        // The base manifest: what a sync of the target into itself answers (no drift).
        let rules = PromotionRules::default();
        let base_request = format!(
            r#"{{"actor":{{"id":"dana","roles":["developer"]}},"from":"dev","to":"test","source":{target},"target":{target}}}"#
        );
        let base = rules.plan_sync_value(parse(&base_request).unwrap()).unwrap().manifest;
        let request = format!(
            r#"{{"actor":{{"id":"dana","roles":["developer"]}},"from":"dev","to":"test","source":{source},"target":{target},"base":{}}}"#,
            to_json(&base)
        );
        Inputs { source, target, request }
    })
}

const SIZES: [&str; 3] = ["S", "M", "T"];

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn serde_parse(bencher: divan::Bencher, size: &str) {
    let inputs = inputs(size);
    bencher
        .counter(divan::counter::BytesCount::new(inputs.request.len()))
        .bench(|| serde_json::from_str::<serde_json::Value>(&inputs.request).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn serde_parse_and_drop(bencher: divan::Bencher, size: &str) {
    let inputs = inputs(size);
    bencher.counter(divan::counter::BytesCount::new(inputs.request.len())).bench(|| {
        drop(serde_json::from_str::<serde_json::Value>(&inputs.request).unwrap());
    });
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn parse_request(bencher: divan::Bencher, size: &str) {
    let inputs = inputs(size);
    bencher.counter(divan::counter::BytesCount::new(inputs.request.len())).bench(|| parse(&inputs.request).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn parse_skipping(bencher: divan::Bencher, size: &str) {
    let inputs = inputs(size);
    bencher.counter(divan::counter::BytesCount::new(inputs.request.len())).bench(|| {
        json::parse_skipping(&inputs.request, &Limits::DEFAULT, promotion_rules::rules::sync::counted_in_sync_request)
            .unwrap()
    });
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn plan_sync(bencher: divan::Bencher, size: &str) {
    let inputs = inputs(size);
    let rules = PromotionRules::default();
    bencher
        .counter(divan::counter::BytesCount::new(inputs.request.len()))
        .bench(|| promotion_rules::api::plan_sync(&rules, &inputs.request).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn plan_only(bencher: divan::Bencher, size: &str) {
    let inputs = inputs(size);
    let rules = PromotionRules::default();
    bencher
        .with_inputs(|| parse(&inputs.request).unwrap())
        .bench_local_values(|request| rules.plan_sync_value(request).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn write_answer(bencher: divan::Bencher, size: &str) {
    let inputs = inputs(size);
    let plan = PromotionRules::default().plan_sync_value(parse(&inputs.request).unwrap()).unwrap();
    bencher.bench(|| to_json(&plan));
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn diff(bencher: divan::Bencher, size: &str) {
    let inputs = inputs(size);
    let (source, target) = (parse(&inputs.source).unwrap(), parse(&inputs.target).unwrap());
    bencher.bench(|| diff_workspaces(&target, &source));
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn fingerprint_source(bencher: divan::Bencher, size: &str) {
    let inputs = inputs(size);
    let source = parse(&inputs.source).unwrap();
    bencher.counter(divan::counter::BytesCount::new(inputs.source.len())).bench(|| fingerprint(&source));
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn drop_request(bencher: divan::Bencher, size: &str) {
    let inputs = inputs(size);
    bencher.with_inputs(|| parse(&inputs.request).unwrap()).bench_local_values(drop);
}

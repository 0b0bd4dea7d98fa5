//! Prints the sync plans of the sample workspaces along the chain, then a publish.
//!
//! `cargo run --example plan` (or `make demo-native`).

use std::process::ExitCode;

use promotion_rules::Value;
use promotion_rules::{json, Actor, Environment, PromotionRules, PublishRequest, SyncRequest, Workspace};

fn sample(env: Environment) -> Result<Value, String> {
    let path = format!("{}/tests/fixtures/samples/{env}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    json::parse(&text).map_err(|e| format!("{path}: {e}"))
}

fn run() -> Result<(), String> {
    let rules = PromotionRules::default();
    let people = [("dana", "developer"), ("quinn", "qa"), ("bea", "business"), ("omar", "devops")];
    let mut last = None;
    for (pair, (id, role)) in Environment::ALL.windows(2).zip(people) {
        let [from, to] = pair else { continue };
        let request = json!({
            "actor": { "id": id, "roles": [role] },
            "from": from.as_str(), "to": to.as_str(),
            "source": sample(*from)?, "target": sample(*to)?,
        });
        let plan = rules
            .plan_sync(SyncRequest::from_value(request, rules.limits()).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        let s = &plan.changes.summary;
        println!(
            "{from} → {to} by {id} ({role}): {}  +{} ~{} -{} ={}  payload {}",
            if plan.decision.allowed { "ALLOWED" } else { "BLOCKED" },
            s.added,
            s.modified,
            s.removed,
            s.unchanged,
            plan.fingerprint
        );
        for issue in plan.decision.violations.iter().chain(&plan.decision.warnings) {
            println!("    {:<22} {}  [{}]", issue.code.as_str(), issue.message, issue.path.as_deref().unwrap_or(""));
        }
        println!("    stays behind: {}", Value::Object(plan.excluded.clone()));
        last = Some((plan.payload, plan.manifest));
    }
    // Production after the last sync: the payload replaces its promoted content, local kinds stay.
    let (payload, manifest) = last.ok_or("no sync was planned")?;
    let mut production = sample(Environment::Production)?;
    if let (Value::Object(live), Value::Object(promoted)) = (&mut production, payload) {
        live.extend(promoted);
    }
    let workspace = Workspace::from_value(production, "/workspace", rules.limits()).map_err(|e| e.to_string())?;
    let publish = rules
        .plan_publish(PublishRequest {
            actor: Actor::new("ada", ["admin"]),
            workspace,
            live: None,
            base: Some(manifest),
            hotfix: None,
            previous_audit: None,
            gate: Default::default(),
        })
        .map_err(|e| e.to_string())?;
    println!(
        "publish production by ada (admin): {} mode {:?}",
        if publish.decision.allowed { "ALLOWED" } else { "BLOCKED" },
        publish.mode
    );
    for issue in publish.decision.violations.iter().chain(&publish.decision.warnings) {
        println!("    {:<22} {}  [{}]", issue.code.as_str(), issue.message, issue.path.as_deref().unwrap_or(""));
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

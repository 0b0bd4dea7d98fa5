//! Structure-aware generation: requests, workspaces, policies and manifests built from the fuzz
//! input with `arbitrary`'s `Unstructured`, so that most inputs get past the reader and exercise
//! the rules (drift, references, secrets, variable merge, self-promotion) rather than the parser.
//!
//! Names come from small pools (so that references resolve, ids collide and manifests match),
//! mixed with a few wrong types and arbitrary strings so that error paths are reached too.

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use promotion_rules::manifest::item_fingerprint;
use promotion_rules::workspace::Kind;
use promotion_rules::{json, Map, Value};

pub const ENVS: [&str; 9] = ["dev", "test", "uat", "staging", "production", "PRODUCTION", "Uat", "moon", ""];
pub const CHAIN: [&str; 5] = ["dev", "test", "uat", "staging", "production"];
pub const ROLES: [&str; 7] = ["developer", "qa", "business", "devops", "admin", "r0", "ghost"];
pub const ACTORS: [&str; 5] = ["dana", "quinn", "ada", "x/y~z", ""];
pub const ACTIONS: [&str; 7] = ["edit", "editVariableDefault", "editLocal", "sync", "publish", "hotfix", "Sync"];
pub const CONTENT: [&str; 5] = ["agents", "workflows", "knowledgeBase", "integrations", "channels"];
pub const LOCAL: [&str; 6] = ["conversations", "analytics", "evaluators", "guardrails", "issues", "secrets"];
pub const UNKNOWN: [&str; 3] = ["experiments", "Agents", "__proto__"];
pub const USES_KINDS: [&str; 12] = [
    "agents",
    "workflows",
    "knowledgeBase",
    "integrations",
    "channels",
    "variables",
    "secrets",
    "guardrails",
    "evaluators",
    "conversations",
    "Workflows",
    "",
];
pub const IDS: [&str; 7] = ["a", "b", "c", "x/y~z", "__proto__", "é😀", ""];
pub const VARIABLE_NAMES: [&str; 5] = ["A", "B", "CRM_URL", "__proto__", ""];
pub const VARIABLE_TYPES: [&str; 7] = ["string", "number", "boolean", "url", "json", "date", "URL"];
pub const KEYS: [&str; 16] = [
    "tone",
    "steps",
    "password",
    "apiKey",
    "client_secret",
    "X-Api-Token",
    "authorization",
    "privateKey",
    "description",
    "nested",
    "id",
    "name",
    "__proto__",
    "constructor",
    "a/b~c",
    "",
];
pub const STRINGS: [&str; 20] = [
    "",
    "friendly",
    "sk-abcdefghijklmnopqrstuvwx",
    "xsk-abcdefghijklmnopqrstuvwx",
    "AKIAABCDEFGHIJKLMNOP",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "xoxb-1234567890abc",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "{{secrets.CRM}}",
    "Bearer {{secrets.CRM}}",
    "{{secrets.}}",
    "https://crm.example.com/x?y=1#z",
    "http://",
    "ftp://example.com",
    "é😀\u{7f}\u{2028}",
    "{{variables.A}}",
    "[redacted: inline secret]",
    "a",
    "b",
    "sha256:0000000000000000000000000000000000000000000000000000000000000000",
];

fn pick<'p>(u: &mut Unstructured<'_>, pool: &[&'p str]) -> Result<&'p str> {
    Ok(*u.choose(pool)?)
}

/// A name from `pool`, now and then an arbitrary short string.
fn name(u: &mut Unstructured<'_>, pool: &[&str]) -> Result<String> {
    if u.ratio(1, 12)? {
        let s: String = u.arbitrary()?;
        Ok(s.chars().take(12).collect())
    } else {
        Ok(pick(u, pool)?.to_owned())
    }
}

fn string(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(Value::String(name(u, &STRINGS)?))
}

fn number(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=6)? {
        0 => json!(u.int_in_range(-3i64..=3)?),
        1 => json!(9_007_199_254_740_991i64),
        2 => json!(-9_007_199_254_740_991i64),
        3 => json!(0.1),
        4 => json!(1e-7),
        5 => json!(f64::from(u.arbitrary::<i32>()?) / 7.0),
        _ => json!(u.arbitrary::<i32>()?),
    })
}

/// Any JSON value, at most `depth` levels of containers.
pub fn value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let top = if depth == 0 { 3 } else { 5 };
    Ok(match u.int_in_range(0..=top)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => number(u)?,
        3 => string(u)?,
        4 => {
            let n = u.int_in_range(0..=3)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(value(u, depth - 1)?);
            }
            Value::Array(items)
        }
        _ => {
            let n = u.int_in_range(0..=3)?;
            let mut map = Map::new();
            for _ in 0..n {
                let key = name(u, &KEYS)?;
                let member = value(u, depth - 1)?;
                map.insert(key, member);
            }
            Value::Object(map)
        }
    })
}

fn reference(u: &mut Unstructured<'_>) -> Result<Value> {
    let kind = pick(u, &USES_KINDS)?;
    let id = if kind == "variables" { name(u, &VARIABLE_NAMES)? } else { name(u, &IDS)? };
    Ok(if u.ratio(1, 20)? { json!({ "kind": kind }) } else { json!({ "kind": kind, "id": id }) })
}

/// A content item: an id (now and then of the wrong type), opaque fields, maybe `uses` and `updatedBy`.
pub fn item(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut map = Map::new();
    for _ in 0..u.int_in_range(0..=3)? {
        let key = name(u, &KEYS)?;
        let member = value(u, 2)?;
        map.insert(key, member);
    }
    let id = if u.ratio(1, 30)? { value(u, 0)? } else { Value::String(name(u, &IDS)?) };
    map.insert("id".into(), id);
    if u.ratio(1, 3)? {
        let mut uses = Vec::new();
        for _ in 0..u.int_in_range(0..=3)? {
            uses.push(reference(u)?);
        }
        map.insert("uses".into(), Value::Array(uses));
    }
    if u.ratio(1, 3)? {
        map.insert("updatedBy".into(), Value::String(name(u, &ACTORS)?));
    }
    Ok(Value::Object(map))
}

fn default_for(u: &mut Unstructured<'_>, kind: &str) -> Result<Value> {
    if u.ratio(1, 6)? {
        return value(u, 1); // any value: often of the wrong type
    }
    Ok(match kind {
        "string" => string(u)?,
        "number" => number(u)?,
        "boolean" => Value::Bool(u.arbitrary()?),
        "url" => Value::String(
            pick(u, &["https://crm.example.com/x", "http://a.b", "https://{{secrets.CRM}}@h/"])?.to_owned(),
        ),
        _ => value(u, 2)?,
    })
}

/// A variable: name, type, maybe a default value and usage.
pub fn variable(u: &mut Unstructured<'_>) -> Result<Value> {
    let kind = pick(u, &VARIABLE_TYPES)?;
    let mut map = Map::new();
    map.insert("name".into(), Value::String(name(u, &VARIABLE_NAMES)?));
    map.insert("type".into(), Value::String(kind.to_owned()));
    if u.ratio(2, 3)? {
        map.insert("defaultValue".into(), default_for(u, kind)?);
    }
    if u.ratio(1, 2)? {
        let mut usage = Vec::new();
        for _ in 0..u.int_in_range(0..=2)? {
            usage.push(Value::String(name(u, &IDS)?));
        }
        map.insert("usage".into(), Value::Array(usage));
    }
    if u.ratio(1, 4)? {
        let key = name(u, &KEYS)?;
        let member = value(u, 1)?;
        map.entry(key).or_insert(member);
    }
    Ok(Value::Object(map))
}

fn list(u: &mut Unstructured<'_>, max: u32, element: fn(&mut Unstructured<'_>) -> Result<Value>) -> Result<Value> {
    let mut items = Vec::new();
    for _ in 0..u.int_in_range(0..=max)? {
        items.push(element(u)?);
    }
    Ok(Value::Array(items))
}

/// A workspace: some promoted kinds, some local kinds, now and then an unknown key or a wrong type.
pub fn workspace(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut map = Map::new();
    for kind in CONTENT {
        if u.ratio(1, 2)? {
            let items = if u.ratio(1, 40)? { value(u, 1)? } else { list(u, 4, item)? };
            map.insert(kind.into(), items);
        }
    }
    if u.ratio(2, 3)? {
        let variables = if u.ratio(1, 40)? { value(u, 1)? } else { list(u, 4, variable)? };
        map.insert("variables".into(), variables);
    }
    for kind in LOCAL {
        if u.ratio(1, 4)? {
            let local = match kind {
                "secrets" => list(u, 3, |u| Ok(json!({ "name": name(u, &VARIABLE_NAMES)? })))?,
                "guardrails" | "evaluators" => list(u, 3, |u| Ok(json!({ "id": name(u, &IDS)? })))?,
                _ => value(u, 2)?,
            };
            map.insert(kind.into(), local);
        }
    }
    if u.ratio(1, 8)? {
        let key = pick(u, &UNKNOWN)?;
        let member = value(u, 1)?;
        map.insert(key.into(), member);
    }
    Ok(Value::Object(map))
}

/// A copy of `workspace` with a few edits: fields changed, items added or removed, defaults,
/// types and `updatedBy` changed — what an edit or an in-place hotfix does.
pub fn mutate(u: &mut Unstructured<'_>, workspace: &Value) -> Result<Value> {
    let mut out = workspace.clone();
    let Some(map) = out.as_object_mut() else { return Ok(out) };
    for _ in 0..u.int_in_range(0..=4)? {
        let kind = pick(u, &["agents", "workflows", "channels", "variables", "secrets", "analytics"])?;
        let entry = map.entry(kind.to_owned()).or_insert_with(|| Value::Array(Vec::new()));
        let Some(items) = entry.as_array_mut() else { continue };
        match u.int_in_range(0..=4)? {
            0 if !items.is_empty() => {
                let i = u.choose_index(items.len())?;
                items.remove(i);
            }
            1 => {
                let new = if kind == "variables" { variable(u)? } else { item(u)? };
                items.push(new);
            }
            _ if !items.is_empty() => {
                let i = u.choose_index(items.len())?;
                if let Some(Value::Object(fields)) = items.get_mut(i) {
                    let key = if kind == "variables" {
                        pick(u, &["defaultValue", "type", "usage", "description"])?.to_owned()
                    } else {
                        pick(u, &["tone", "updatedBy", "password", "steps"])?.to_owned()
                    };
                    let member = match key.as_str() {
                        "updatedBy" => Value::String(name(u, &ACTORS)?),
                        "type" => Value::String(pick(u, &VARIABLE_TYPES)?.to_owned()),
                        _ => value(u, 1)?,
                    };
                    fields.insert(key, member);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A `base` manifest: the real item fingerprints of `workspace` (what the last sync put there),
/// some dropped, some replaced, some extra.
pub fn manifest(u: &mut Unstructured<'_>, workspace: &Value) -> Result<Value> {
    let mut out = Map::new();
    for kind_name in ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"] {
        let Some(kind) = Kind::parse(kind_name) else { continue };
        let id_key = if kind_name == "variables" { "name" } else { "id" };
        let mut prints = Map::new();
        if let Some(items) = workspace.get(kind_name).and_then(Value::as_array) {
            for item in items {
                let Some(id) = item.get(id_key).and_then(Value::as_str) else { continue };
                if u.ratio(1, 8)? {
                    continue;
                }
                let print =
                    if u.ratio(1, 8)? { format!("sha256:{}", "0".repeat(64)) } else { item_fingerprint(kind, item) };
                prints.insert(id.to_owned(), Value::String(print));
            }
        }
        if u.ratio(1, 8)? {
            prints.insert(name(u, &IDS)?, Value::String(format!("sha256:{}", "1".repeat(64))));
        }
        if u.ratio(1, 40)? {
            prints.insert(name(u, &IDS)?, value(u, 0)?);
        }
        if !prints.is_empty() || u.ratio(1, 2)? {
            out.insert(kind_name.to_owned(), Value::Object(prints));
        }
    }
    Ok(Value::Object(out))
}

/// An actor: an id and some roles (now and then a malformed one).
pub fn actor(u: &mut Unstructured<'_>) -> Result<Value> {
    if u.ratio(1, 40)? {
        return value(u, 1);
    }
    let mut roles = Vec::new();
    for _ in 0..u.int_in_range(0..=2)? {
        roles.push(Value::String(name(u, &ROLES)?));
    }
    Ok(json!({ "id": name(u, &ACTORS)?, "roles": roles }))
}

/// A policy: mostly a valid chain and grants; sometimes an invalid one.
pub fn policy(u: &mut Unstructured<'_>) -> Result<Option<Value>> {
    if u.ratio(1, 4)? {
        return Ok(None); // the default policy
    }
    let mut chain = vec![Value::String("dev".into())];
    for env in ["test", "uat", "staging"] {
        if u.arbitrary()? {
            chain.push(Value::String(env.into()));
        }
    }
    chain.push(Value::String(if u.ratio(1, 10)? { "PRODUCTION" } else { "production" }.into()));
    if u.ratio(1, 30)? {
        chain.swap(0, 1);
    }
    let mut roles = Map::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let mut grants = Map::new();
        for _ in 0..u.int_in_range(0..=3)? {
            let env = pick(u, &ENVS)?;
            let mut actions = Vec::new();
            for _ in 0..u.int_in_range(0..=4)? {
                let action = pick(u, &ACTIONS)?;
                // publish and hotfix exist only in production: mostly respect it.
                if matches!(action, "publish" | "hotfix")
                    && !env.eq_ignore_ascii_case("production")
                    && !u.ratio(1, 30)?
                {
                    continue;
                }
                actions.push(Value::String(action.into()));
            }
            grants.insert(env.into(), Value::Array(actions));
        }
        roles.insert(name(u, &ROLES)?, Value::Object(grants));
    }
    let mut policy = Map::new();
    if u.ratio(3, 4)? {
        policy.insert("environments".into(), Value::Array(chain));
    }
    policy.insert("roles".into(), Value::Object(roles));
    if u.arbitrary()? {
        let mut envs = Vec::new();
        for _ in 0..u.int_in_range(0..=2)? {
            envs.push(Value::String(pick(u, &CHAIN)?.into()));
        }
        policy.insert("noSelfPromotion".into(), Value::Array(envs));
    }
    if u.arbitrary()? {
        let mode = pick(u, &["block", "warn", "Block"])?;
        policy.insert("inlineSecrets".into(), Value::String(mode.into()));
    }
    if u.arbitrary()? {
        policy.insert("gates".into(), gates(u)?);
    }
    Ok(Some(Value::Object(policy)))
}

const ZONES: [&str; 6] =
    ["Europe/Rome", "America/New_York", "Australia/Lord_Howe", "UTC", "europe/rome", "Mars/Olympus"];
const DAYS: [&str; 8] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "Sun"];
const INSTANTS: [&str; 8] = [
    "2026-03-29T01:30:00+01:00",
    "2026-10-25T02:30:00+02:00",
    "2026-11-27T10:00:00+01:00",
    "2026-12-21T09:00:00Z",
    "2027-01-07T00:00:00+01:00",
    "2026-10-04T02:15:00+11:00",
    "2026-11-24 09:00",
    "1969-12-31T23:59:59.5-00:30",
];

fn clock(u: &mut Unstructured<'_>) -> Result<Value> {
    let minutes = u.int_in_range(0..=1440u16)?; // 24:00 is a mistake
    Ok(Value::String(format!("{:02}:{:02}", minutes / 60, minutes % 60)))
}

fn weekly(u: &mut Unstructured<'_>, with_reason: bool) -> Result<Value> {
    let mut days = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        days.push(Value::String(pick(u, &DAYS)?.into()));
    }
    let mut window = json!({ "days": days, "from": clock(u)?, "to": clock(u)? });
    if with_reason && u.arbitrary()? {
        window["reason"] = json!("freeze");
    }
    Ok(window)
}

/// `gates` of a policy: mostly valid, sometimes with one of the mistakes the reader refuses.
fn gates(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut gates = Map::new();
    for _ in 0..u.int_in_range(0..=2)? {
        let mut gate = Map::new();
        if u.arbitrary()? {
            let mut roles = Vec::new();
            for _ in 0..u.int_in_range(0..=2)? {
                roles.push(Value::String(name(u, &ROLES)?));
            }
            gate.insert("approvals".into(), json!({ "required": u.int_in_range(0..=3)?, "roles": roles }));
        }
        if u.arbitrary()? {
            let soak = pick(u, &["PT30M", "PT24H", "P2D", "P1W", "P1M", "PT", "PT1.5H"])?;
            gate.insert("minSoak".into(), Value::String(soak.into()));
        }
        if u.arbitrary()? {
            let mut windows = Map::new();
            windows.insert("timeZone".into(), Value::String(pick(u, &ZONES)?.into()));
            if u.arbitrary()? {
                let mut allow = Vec::new();
                for _ in 0..u.int_in_range(0..=2)? {
                    allow.push(weekly(u, false)?);
                }
                windows.insert("allow".into(), Value::Array(allow));
            }
            let mut deny = Vec::new();
            for _ in 0..u.int_in_range(0..=2)? {
                deny.push(if u.arbitrary()? {
                    weekly(u, true)?
                } else {
                    json!({ "from": pick(u, &INSTANTS)?, "to": pick(u, &INSTANTS)?, "reason": "freeze" })
                });
            }
            windows.insert("deny".into(), Value::Array(deny));
            gate.insert("windows".into(), Value::Object(windows));
        }
        if u.arbitrary()? {
            gate.insert("hotfixBypassesWindows".into(), Value::Bool(u.arbitrary()?));
        }
        gates.insert(pick(u, &ENVS)?.into(), Value::Object(gate));
    }
    Ok(Value::Object(gates))
}

/// `approvals`, `now` and `sourceSince` of a request: approvals whose fingerprints are sometimes the
/// plan's (`print`), by people who sometimes are the actor or an author.
fn gate_fields(u: &mut Unstructured<'_>, map: &mut Map, print: Option<String>) -> Result<()> {
    if u.ratio(3, 4)? {
        map.insert("now".into(), Value::String(pick(u, &INSTANTS)?.into()));
    }
    if u.arbitrary()? {
        map.insert("sourceSince".into(), Value::String(pick(u, &INSTANTS)?.into()));
    }
    if u.arbitrary()? {
        let mut approvals = Vec::new();
        for _ in 0..u.int_in_range(0..=4)? {
            let fingerprint = match (&print, u.ratio(2, 3)?) {
                (Some(print), true) => print.clone(),
                _ => format!("sha256:{}", "0".repeat(64)),
            };
            approvals.push(json!({
                "actor": actor(u)?,
                "environment": pick(u, &ENVS)?,
                "fingerprint": fingerprint,
                "decision": pick(u, &["approve", "approve", "reject", "maybe"])?,
            }));
        }
        map.insert("approvals".into(), Value::Array(approvals));
    }
    Ok(())
}

fn acknowledge(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut entries = Vec::new();
    for _ in 0..u.int_in_range(0..=2)? {
        let kind = pick(u, &["agents", "workflows", "variables", "secrets", "agent"])?;
        let id = if kind == "variables" { name(u, &VARIABLE_NAMES)? } else { name(u, &IDS)? };
        entries.push(Value::String(format!("{kind}/{id}")));
    }
    Ok(Value::Array(entries))
}

fn hotfix(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=5)? {
        0 => json!({ "reason": "" }),
        1 => json!({ "reason": " " }),
        2 => json!({}),
        _ => json!({ "reason": "outage" }),
    })
}

/// `{ actor, from, to, source, target?, base?, acknowledge?, select?, closure?, previousAudit? }`.
pub fn sync_request(u: &mut Unstructured<'_>) -> Result<Value> {
    let source = workspace(u)?;
    let mut map = Map::new();
    map.insert("actor".into(), actor(u)?);
    // Mostly an adjacent pair of the full chain, so that the rules past the order check run.
    let from = u.int_in_range(0..=4usize)?;
    let to = if u.ratio(3, 4)? { (from + 1).min(4) } else { u.int_in_range(0..=4usize)? };
    map.insert("from".into(), Value::String(CHAIN.get(from).copied().unwrap_or("dev").into()));
    let to = if u.ratio(1, 30)? { pick(u, &ENVS)? } else { CHAIN.get(to).copied().unwrap_or("test") };
    map.insert("to".into(), Value::String(to.into()));
    let target = if u.ratio(3, 4)? {
        let target = if u.arbitrary()? { mutate(u, &source)? } else { workspace(u)? };
        // Where a base is given, the target is often the base's workspace changed in place.
        if u.arbitrary()? {
            let base = manifest(u, &target)?;
            let changed = mutate(u, &target)?;
            map.insert("base".into(), base);
            Some(changed)
        } else {
            Some(target)
        }
    } else {
        None
    };
    if let Some(target) = target {
        map.insert("target".into(), target);
    }
    if u.ratio(1, 3)? {
        map.insert("acknowledge".into(), acknowledge(u)?);
    }
    // A selective sync (kind/id entries of either side, or of neither: bad input), its closure,
    // and the link of the audit chain.
    if u.ratio(1, 3)? {
        map.insert("select".into(), acknowledge(u)?);
        if u.arbitrary()? {
            map.insert("closure".into(), Value::String(pick(u, &["pull", "refuse", "all"])?.into()));
        }
    }
    if u.ratio(1, 8)? {
        let previous = if u.ratio(7, 8)? { format!("sha256:{}", "a".repeat(64)) } else { "sha256:A".into() };
        map.insert("previousAudit".into(), Value::String(previous));
    }
    // The payload's fingerprint is the source's promoted content, mostly: a good guess at what
    // reviewers approved.
    let print = promotion_rules::workspace::filter_content(source.clone(), &promotion_rules::Limits::DEFAULT)
        .ok()
        .map(|filtered| promotion_rules::fingerprint(&filtered.payload));
    gate_fields(u, &mut map, print)?;
    map.insert("source".into(), source);
    Ok(Value::Object(map))
}

/// `{ actor, workspace, live?, base?, hotfix? }`.
pub fn publish_request(u: &mut Unstructured<'_>) -> Result<Value> {
    let synced = workspace(u)?;
    let mut map = Map::new();
    map.insert("actor".into(), actor(u)?);
    if u.ratio(2, 3)? {
        map.insert("base".into(), manifest(u, &synced)?);
    }
    if u.arbitrary()? {
        map.insert("live".into(), mutate(u, &synced)?);
    }
    if u.arbitrary()? {
        map.insert("hotfix".into(), hotfix(u)?);
    }
    let published = if u.arbitrary()? { mutate(u, &synced)? } else { synced };
    let print = promotion_rules::workspace::filter_content(published.clone(), &promotion_rules::Limits::DEFAULT)
        .ok()
        .map(|filtered| promotion_rules::fingerprint(&filtered.payload));
    gate_fields(u, &mut map, print)?;
    map.insert("workspace".into(), published);
    Ok(Value::Object(map))
}

/// `{ actor, environment, before, after, hotfix? }`.
pub fn edit_request(u: &mut Unstructured<'_>) -> Result<Value> {
    let before = workspace(u)?;
    let after = mutate(u, &before)?;
    let mut map = Map::new();
    map.insert("actor".into(), actor(u)?);
    map.insert("environment".into(), Value::String(pick(u, &ENVS)?.into()));
    if u.ratio(1, 3)? {
        map.insert("hotfix".into(), hotfix(u)?);
    }
    map.insert("before".into(), before);
    map.insert("after".into(), after);
    Ok(Value::Object(map))
}

/// The engine of a generated policy (the default one when the policy is invalid or absent).
pub fn rules(u: &mut Unstructured<'_>) -> Result<promotion_rules::PromotionRules> {
    let policy = policy(u)?;
    Ok(match policy {
        None => promotion_rules::PromotionRules::default(),
        Some(policy) => {
            let text = policy.to_string();
            match promotion_rules::PromotionRules::from_policy_json(&text) {
                Ok(rules) => {
                    crate::check_policy(&rules);
                    rules
                }
                Err(error) => {
                    crate::check_error(&error);
                    promotion_rules::PromotionRules::default()
                }
            }
        }
    })
}

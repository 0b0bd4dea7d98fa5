// Builds the seed corpora of the fuzz targets from the sample workspaces (tests/fixtures/samples/*.json),
// wrapped into valid requests: fuzz/corpus/<target>/seed-*. Run by scripts/fuzz.sh before each
// run (fuzz/corpus is git-ignored; what libFuzzer adds there is kept between runs).
//
// Usage: node fuzz/seed-corpus.mjs [corpus-dir]     (default: fuzz/corpus)
//
// Raw targets read JSON text; arguments of several-argument targets are separated by a NUL byte
// (authorize: action NUL environment NUL actor; diff: before NUL after). Structured targets get
// a few deterministic pseudo-random byte strings (their generator makes any bytes into a request).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = process.argv[2] ?? join(root, "fuzz", "corpus");
const samplesDir = join(root, "tests", "fixtures", "samples");

const CHAIN = ["dev", "test", "uat", "staging", "production"];
const PROMOTED = ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"];
const ACTIONS = ["edit", "editVariableDefault", "editLocal", "sync", "publish", "hotfix", "rollback"];
const owner = { dev: "developer", test: "qa", uat: "business", staging: "devops", production: "admin" };
const people = { developer: "dana", qa: "quinn", business: "bea", devops: "omar", admin: "ada" };
const actorOf = (role) => ({ id: people[role], roles: [role] });

const text = (name) => readFileSync(join(samplesDir, name), "utf8");
const samples = Object.fromEntries(CHAIN.map((env) => [env, JSON.parse(text(`${env}.json`))]));
const policies = readdirSync(samplesDir).filter((n) => n.startsWith("policy-") && n.endsWith(".json")).map(text);

// RFC 8785 canonical JSON (the samples hold only plain strings, integers and short decimals,
// which JSON.stringify writes as JCS does), for real manifests.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)); // UTF-16 order
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
const fingerprint = (value) => "sha256:" + createHash("sha256").update(canonical(value)).digest("hex");

/** `{kind: {id: fingerprint}}` of a workspace's promoted kinds; variables without defaultValue. */
function manifest(workspace) {
  const result = {};
  for (const kind of PROMOTED) {
    result[kind] = {};
    for (const item of workspace[kind] ?? []) {
      if (kind === "variables") {
        const { defaultValue, ...structure } = item;
        result[kind][item.name] = fingerprint(structure);
      } else {
        result[kind][item.id] = fingerprint(item);
      }
    }
  }
  return result;
}

/** A small workspace: the first item of each promoted kind, a secret name, a guardrail. */
function small(workspace) {
  const result = {};
  for (const kind of PROMOTED) if (workspace[kind]?.length) result[kind] = workspace[kind].slice(0, 1);
  if (workspace.secrets) result.secrets = workspace.secrets.slice(0, 1);
  if (workspace.guardrails) result.guardrails = workspace.guardrails.slice(0, 1);
  return result;
}

const corpora = {};
function add(target, data) {
  (corpora[target] ??= []).push(typeof data === "string" ? Buffer.from(data, "utf8") : data);
}
const json = (value) => JSON.stringify(value);

// filterContent, fingerprint: the samples, whole and small, as text (pretty and compact).
for (const env of CHAIN) {
  add("filter_content", text(`${env}.json`));
  add("filter_content", json(small(samples[env])));
  add("fingerprint", json(samples[env]));
  add("fingerprint", json(small(samples[env])));
}
add("filter_content", json({ agents: [{ id: "a", password: "hunter2", uses: [{ kind: "secrets", id: "S" }] }], experiments: 1 }));
for (const value of ['"\\ud83d\\ude00"', "[1.5,1e-7,-0,9007199254740991]", '{"b":1,"a":{"\\u00e9":[true,null]}}', "0.1"]) add("fingerprint", value);

// Policies.
for (const policy of policies) {
  add("policy", policy);
  add("fingerprint", policy);
}
add("policy", json({ environments: ["dev", "UAT", "production"], roles: { r: { uat: ["sync"], PRODUCTION: ["publish", "hotfix"] } }, noSelfPromotion: ["uat"], inlineSecrets: "warn" }));
add("policy", json({ roles: {} }));

// planSync: every step of the chain by its owner, with and without base and acknowledgements.
for (let i = 0; i + 1 < CHAIN.length; i++) {
  const [from, to] = [CHAIN[i], CHAIN[i + 1]];
  const actor = actorOf(owner[from]);
  const [source, target] = [samples[from], samples[to]];
  add("plan_sync", json({ actor, from, to, source, target }));
  add("plan_sync", json({ actor, from, to, source, target, base: manifest(target), acknowledge: ["agents/triage-agent"] }));
  add("plan_sync", json({ actor, from, to, source: small(source), target: small(target), base: manifest(small(source)) }));
}
add("plan_sync", json({ actor: actorOf("qa"), from: "dev", to: "uat", source: small(samples.dev) }));
add("plan_sync", json({ actor: actorOf("developer"), from: "dev", to: "test", source: samples.dev, target: samples.test, select: ["agents/billing-agent"] }));
add("plan_sync", json({ actor: actorOf("developer"), from: "dev", to: "test", source: samples.dev, target: samples.test, select: ["agents/billing-agent", "variables/CRM_URL"], closure: "refuse" }));
add("plan_sync", json({ actor: actorOf("developer"), from: "dev", to: "test", source: { integrations: [{ id: "i", apiKey: "sk-abcdefghijklmnopqrstuvwxyz", token: "{{secrets.T}}" }] } }));

// planPublish: go-live, hotfix, undeclared hotfix.
const production = samples.production;
const hotfixed = structuredClone(production);
hotfixed.agents[0].tone = "reassuring";
add("plan_publish", json({ actor: actorOf("admin"), workspace: production, live: samples.staging, base: manifest(production) }));
add("plan_publish", json({ actor: actorOf("admin"), workspace: hotfixed, base: manifest(production), hotfix: { reason: "outage" } }));
add("plan_publish", json({ actor: actorOf("devops"), workspace: hotfixed, base: manifest(production) }));
add("plan_publish", json({ actor: actorOf("admin"), workspace: small(production) }));

// planRollback: production back to staging's content (a version), with and without a hotfix since.
add("plan_rollback", json({ actor: actorOf("devops"), environment: "production", workspace: production, version: samples.staging, base: manifest(production) }));
add("plan_rollback", json({ actor: actorOf("admin"), environment: "production", workspace: hotfixed, version: small(samples.staging), base: manifest(production), acknowledge: ["agents/" + hotfixed.agents[0].id] }));
add("plan_rollback", json({ actor: actorOf("developer"), environment: "staging", workspace: small(samples.staging), version: small(samples.uat) }));

// verifyAuditChain: chains of records linked by previous, intact and broken.
{
  const log = [];
  for (let i = 0; i < 6; i++) {
    const record = { event: "workspace.sync", actor: `a${i}`, allowed: i % 2 === 0, codes: [], fingerprint: fingerprint({ i }) };
    if (i > 0) record.previous = fingerprint(log[i - 1]);
    log.push(record);
  }
  add("verify_audit_chain", json(log));
  add("verify_audit_chain", json([log[0], log[2], log[1]]));
  add("verify_audit_chain", "[]");
}

// checkEdit: content in dev, defaults and local kinds elsewhere, a production hotfix.
for (const env of CHAIN) {
  const before = samples[env];
  const after = structuredClone(before);
  after.agents[0].tone = "cheerful";
  if (after.variables?.[0]) after.variables[0].defaultValue = after.variables[0].defaultValue ?? "x";
  add("check_edit", json({ actor: actorOf(owner[env]), environment: env, before, after }));
  add("check_edit", json({ actor: actorOf(owner[env]), environment: env, before: small(before), after: small(after), ...(env === "production" ? { hotfix: { reason: "outage" } } : {}) }));
}

// authorize: action NUL environment NUL actor.
for (const role of Object.keys(people)) {
  for (const env of CHAIN) add("authorize", `${ACTIONS[(role.length + env.length) % 6]}\0${env}\0${json(actorOf(role))}`);
}
add("authorize", `hotfix\0PRODUCTION\0${json({ id: "x", roles: ["admin", "ghost"], name: "X" })}`);

// diffWorkspaces: before NUL after, along the chain and small.
for (let i = 0; i + 1 < CHAIN.length; i++) {
  add("diff", `${json(samples[CHAIN[i + 1]])}\0${json(samples[CHAIN[i]])}`);
  add("diff", `${json(small(samples[CHAIN[i + 1]]))}\0${json(small(samples[CHAIN[i]]))}`);
}

// Promotion windows (and, read as plain text, instants and durations).
for (const seed of [
  { timeZone: "Europe/Rome", allow: [{ days: ["mon", "tue", "wed", "thu"], from: "09:00", to: "17:00" }], deny: [{ from: "2026-12-20T00:00:00+01:00", to: "2027-01-07T00:00:00+01:00", reason: "year-end freeze" }] },
  { timeZone: "America/New_York", allow: [{ days: ["sun"], from: "02:30", to: "04:00" }] },
  { timeZone: "Australia/Lord_Howe", allow: [{ days: ["sun"], from: "02:00", to: "02:30" }], deny: [{ days: ["fri"], from: "22:00", to: "02:00" }] },
  { timeZone: "UTC", deny: [{ days: ["sat", "sun"], from: "00:00", to: "00:00" }] },
]) {
  add("windows", JSON.stringify(seed));
}
for (const text of ["2026-03-29T02:30:00+01:00", "1969-12-31t23:59:59.123456789z", "PT24H", "P2DT1H30M", "P1W"]) {
  add("windows", text);
}

// Structured targets: deterministic pseudo-random bytes (xorshift), 32 of 64…1024 bytes each.
let state = 0x9e3779b97f4a7c15n;
function nextByte() {
  state ^= (state << 13n) & 0xffffffffffffffffn;
  state ^= state >> 7n;
  state ^= (state << 17n) & 0xffffffffffffffffn;
  return Number(state & 0xffn);
}
for (const target of ["structured_sync", "structured_publish", "structured_edit", "structured_authorize", "structured_diff"]) {
  for (let i = 0; i < 32; i++) {
    const bytes = Buffer.alloc(64 << (i % 5));
    for (let j = 0; j < bytes.length; j++) bytes[j] = nextByte();
    add(target, bytes);
  }
}

let files = 0;
for (const [target, seeds] of Object.entries(corpora)) {
  const dir = join(out, target);
  mkdirSync(dir, { recursive: true });
  for (const data of seeds) {
    writeFileSync(join(dir, `seed-${createHash("sha1").update(data).digest("hex")}`), data);
    files++;
  }
}
console.log(`seed-corpus: ${files} seeds for ${Object.keys(corpora).length} targets in ${out}`);

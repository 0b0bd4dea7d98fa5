// Deterministic, seeded generator of realistic workspace pairs for the benchmarks (issue 6).
//
//   node bench/generate.mjs [S|M|L|T ...] [--seed N] [--out DIR]    (default: S M L T into target/bench/)
//
// Each size writes `<size>-source.json` (dev) and `<size>-target.json` (test), compact JSON, and
// `<size>-meta.json` (bytes, item counts, the controlled differences). Generated data is never
// committed: target/ is ignored.
//
// What a pair looks like (the shape of tests/fixtures/samples/, scaled up):
// - promoted content ≈ 45 % of a workspace: agents with long instructions and handoff rules,
//   workflows with steps, knowledge base documents, integrations whose headers hold
//   `{{secrets.NAME}}` references, channels, variables (`usage` names workflows);
//   every `uses` reference resolves, no inline secret;
// - environment-local content ≈ 55 %: bulky conversation history (messages), analytics,
//   evaluators, guardrails, issues, secret names — different in each environment;
// - source vs target, a controlled fraction of items: MODIFIED of the shared items edited in dev,
//   ADDED new in dev, REMOVED deleted in dev (still in test); every variable has a local default
//   that differs between the two, and a few variables changed type in dev (default reset).
// The same seed and size give the same bytes on every machine (no Date, no Math.random).
//
// T, the text-heavy profile (issue 10): promoted content ≥ 85 % of the bytes, so that every
// promoted byte is read, hashed and written — the cost a sync of prose-heavy content pays:
// knowledge-base documents of ~1 KB prose, agents with ~2 KB instructions, 2,000 workflows of
// 8 steps, ~9 MB per workspace; environment-local content is a little conversation history.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const SIZES = { S: 100_000, M: 5_000_000, L: 50_000_000, T: 9_000_000 };
/** The text-heavy profile's size; its shape is `TEXT_PROFILE`, not the S/M/L mix. */
export const TEXT_SIZE = "T";
export const FRACTIONS = { modified: 0.05, added: 0.02, removed: 0.01 };
export const DEFAULT_SEED = 20251125;

/** sfc32: a small, fast, well-distributed 32-bit PRNG; `seed` any integer. */
function rng(seed) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
  return r;
}

const WORDS = (
  "account balance bill broadband charge customer device plan signal router payment refund credit " +
  "invoice roaming contract upgrade handset network outage engineer appointment tariff discount loyalty " +
  "cancel transfer number porting sim esim activation coverage speed fibre line fault reset " +
  "verify identity code message agent colleague handoff summary queue priority ticket survey feedback " +
  "direct debit arrangement instalment late fee dispute review team working days hours weekend holiday " +
  "the a to of and for with your our we you please can will should never always when if then"
).split(" ");

function sentence(r, min, max) {
  const n = min + r.int(max - min + 1);
  const words = [];
  for (let i = 0; i < n; i++) words.push(r.pick(WORDS));
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1) + ".";
}

/** Sentences until the text is about `bytes` long. */
function prose(r, bytes) {
  const out = [];
  let length = 0;
  while (length < bytes) {
    const s = sentence(r, 8, 22);
    out.push(s);
    length += s.length + 1;
  }
  return out.join(" ");
}

function paragraph(r, sentences) {
  const out = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(r, 8, 22));
  return out.join(" ");
}

const ACTORS = ["dana", "quinn", "bea", "omar", "lee", "sam"];
const ENV_HOST = { source: "dev", target: "test" };
const pad = (n, w = 5) => String(n).padStart(w, "0");

// ---- promoted content --------------------------------------------------------------------------

function agent(r, i, u) {
  const rules = {};
  for (let k = 0; k < 6; k++) rules[`intent:${r.pick(WORDS)}.${r.pick(WORDS)}.${k}`] = `agent:agent-${pad(r.int(u.agents))}`;
  return {
    id: `agent-${pad(i)}`,
    name: `Assistant ${i} (${r.pick(WORDS)} desk)`,
    instructions: u.text ? prose(r, u.text.instructionBytes) : paragraph(r, 8),
    behaviour: { temperature: Math.round(r.next() * 100) / 100, maxTurns: "{{variables.MAX_TURNS}}", handoffRules: rules },
    fallback: {
      message: sentence(r, 10, 20),
      afterFailedAttempts: 1 + r.int(3),
      action: "handoff",
      workflow: `wf-${pad(r.int(u.stableWorkflows))}`,
    },
    tone: r.pick(["friendly", "formal", "concise", "warm"]),
    locales: ["en-GB", "cy-GB"],
    updatedBy: r.pick(ACTORS),
    uses: [
      { kind: "integrations", id: `int-${pad(r.int(u.integrations))}` },
      { kind: "variables", id: `VAR_${pad(r.int(u.variables))}` },
      { kind: "guardrails", id: `guard-${pad(r.int(4))}` },
    ],
  };
}

function workflow(r, i, u) {
  const steps = [];
  const n = u.text ? u.text.workflowSteps : 4 + r.int(5);
  for (let k = 0; k < n; k++) {
    const type = r.pick(["classify", "integration", "condition", "route", "message"]);
    const step = { id: `step-${k}`, type };
    if (type === "classify") step.labels = [`${r.pick(WORDS)}.*`, `${r.pick(WORDS)}.*`, `${r.pick(WORDS)}.*`];
    if (type === "integration") Object.assign(step, { integration: `int-${pad(r.int(u.integrations))}`, operation: `get${r.pick(WORDS)}` });
    if (type === "condition") Object.assign(step, { if: `now() within {{variables.VAR_${pad(r.int(u.variables))}}}`, then: "handoff=live", else: "handoff=callback" });
    if (type === "route") Object.assign(step, { to: "{{intent}}", maxTurns: "{{variables.MAX_TURNS}}" });
    if (type === "message") step.text = sentence(r, 8, 18);
    steps.push(step);
  }
  return {
    id: `wf-${pad(i)}`,
    name: sentence(r, 3, 5),
    description: sentence(r, 10, 20),
    trigger: { type: "conversation.started", channels: ["web-widget", "whatsapp"] },
    steps,
    updatedBy: r.pick(ACTORS),
    uses: [{ kind: "integrations", id: `int-${pad(r.int(u.integrations))}` }],
  };
}

function document(r, i, u) {
  const content = [];
  if (u?.text) {
    // Two or three paragraphs that add up to the profile's document size.
    const n = 2 + r.int(2);
    for (let k = 0; k < n; k++) content.push(prose(r, u.text.documentBytes / n));
  } else {
    const n = 2 + r.int(4);
    for (let k = 0; k < n; k++) content.push(paragraph(r, 3 + r.int(3)));
  }
  return {
    id: `kb-${pad(i)}`,
    title: sentence(r, 3, 7),
    content,
    tags: [r.pick(WORDS), r.pick(WORDS), r.pick(WORDS)],
    updatedBy: r.pick(ACTORS),
  };
}

function integration(r, i, u) {
  const secret = `SECRET_${pad(i % u.secrets)}`;
  const operations = {};
  for (let k = 0; k < 6; k++) operations[`op${k}${r.pick(WORDS)}`] = `${r.pick(["GET", "POST", "PUT"])} /${r.pick(WORDS)}/{id}/${r.pick(WORDS)}`;
  return {
    id: `int-${pad(i)}`,
    name: `Integration ${i}`,
    type: "rest",
    baseUrl: `{{variables.VAR_${pad(i % u.variables)}}}`,
    headers: { Authorization: `Bearer {{secrets.${secret}}}`, Accept: "application/json", "X-Client-Name": "northwind-assistant" },
    timeoutMs: 1000 + 500 * r.int(8),
    retry: { attempts: 1 + r.int(3), backoffMs: 250 },
    operations,
    updatedBy: r.pick(ACTORS),
    uses: [{ kind: "secrets", id: secret }, { kind: "variables", id: `VAR_${pad(i % u.variables)}` }],
  };
}

function channel(r, i, u) {
  return {
    id: `channel-${pad(i)}`,
    name: `Channel ${i}`,
    type: r.pick(["web", "whatsapp", "sms", "voice"]),
    agent: `agent-${pad(r.int(u.stableAgents))}`,
    appearance: { primaryColor: "#12355B", accentColor: "#00B3A4", position: "bottom-right", launcherLabel: "Ask Nora" },
    greeting: sentence(r, 12, 24),
    suggestedReplies: [sentence(r, 2, 4), sentence(r, 2, 4), sentence(r, 2, 4)],
    updatedBy: r.pick(ACTORS),
    uses: [{ kind: "agents", id: `agent-${pad(r.int(u.stableAgents))}` }],
  };
}

const TYPES = ["url", "number", "string", "boolean", "json"];

function variableDefault(type, i, side) {
  const env = ENV_HOST[side];
  switch (type) {
    case "url": return `https://api${i}.${env}.northwind.example/v2`;
    case "number": return side === "source" ? 20 + (i % 7) : 8 + (i % 5);
    case "string": return `${env}-queue-${i}`;
    case "boolean": return side === "source";
    default: return { env, limit: i % 100, regions: ["uk", "ie"] };
  }
}

function variable(r, i, u, side, typeChanged) {
  let type = TYPES[i % TYPES.length];
  if (typeChanged && side === "source") type = type === "number" ? "string" : "number";
  const usage = [];
  for (let k = 0; k < 1 + r.int(3); k++) usage.push(`wf-${pad(r.int(u.stableWorkflows))}`);
  return { name: `VAR_${pad(i)}`, type, defaultValue: variableDefault(type, i, side), usage, description: sentence(r, 8, 16) };
}

// ---- environment-local content ------------------------------------------------------------------

function conversation(r, i, side, u) {
  const messages = [];
  const n = 6 + r.int(14);
  for (let k = 0; k < n; k++) {
    messages.push({ role: k % 2 ? "assistant" : "customer", text: sentence(r, 6, 30), at: `2025-11-${pad(1 + (i % 28), 2)}T${pad(k % 24, 2)}:00:00Z` });
  }
  return {
    id: `conv-${ENV_HOST[side]}-${pad(i, 7)}`,
    channel: "web-widget",
    customer: `customer-${pad(r.int(100000), 6)}`,
    agents: [`agent-${pad(r.int(u.agents))}`],
    outcome: r.pick(["resolved", "handoff", "abandoned"]),
    satisfaction: r.int(6),
    messages,
  };
}

function local(r, side, u) {
  const conversations = [];
  for (let i = 0; i < u.conversations; i++) conversations.push(conversation(r, i, side, u));
  const daily = [];
  for (let i = 0; i < u.days; i++) {
    daily.push({ date: `day-${pad(i)}`, conversations: r.int(500), containedRate: Math.round(r.next() * 100) / 100, handoffs: r.int(100) });
  }
  const issues = [];
  for (let i = 0; i < u.issues; i++) {
    issues.push({ id: `ISS-${pad(i)}`, title: sentence(r, 6, 14), status: r.pick(["open", "closed"]), severity: r.pick(["low", "medium", "high"]), reportedBy: r.pick(ACTORS) });
  }
  const secrets = [];
  for (let i = 0; i < u.secrets; i++) secrets.push({ name: `SECRET_${pad(i)}` });
  return {
    conversations,
    analytics: { period: "2025-11", source: ENV_HOST[side], daily },
    evaluators: [0, 1, 2].map((i) => ({ id: `eval-${pad(i)}`, type: "llm-judge", sampleRate: 1, rubric: sentence(r, 8, 14) })),
    guardrails: [0, 1, 2, 3].map((i) => ({ id: `guard-${pad(i)}`, name: `Guardrail ${i}`, action: "redact" })),
    issues,
    secrets,
  };
}

// ---- a pair -------------------------------------------------------------------------------------

/** Units of content for a scale factor `k` (≈ 10 KB of workspace per unit). */
function units(k) {
  const n = (f) => Math.max(1, Math.round(k * f));
  const u = {
    agents: n(0.6), workflows: n(1.2), knowledgeBase: n(1.6), integrations: n(0.3), channels: n(0.2),
    variables: n(1), conversations: n(3), days: n(3), issues: n(0.5), secrets: n(0.3),
  };
  // Items below these indexes are never removed, so references to them always resolve.
  u.stableAgents = Math.max(1, Math.floor(u.agents / 2));
  u.stableWorkflows = Math.max(1, Math.floor(u.workflows / 2));
  return u;
}

/** Ids of the shared items that dev modified / removed, and how many it added, per kind. */
function plan(r, count, stable) {
  const modified = new Set(), removed = new Set();
  const nModified = Math.round(count * FRACTIONS.modified);
  const nRemoved = Math.round(count * FRACTIONS.removed);
  while (modified.size < nModified) modified.add(r.int(count));
  while (removed.size < nRemoved && stable < count) {
    const i = stable + r.int(count - stable);
    if (!modified.has(i)) removed.add(i);
  }
  return { modified, removed, added: Math.round(count * FRACTIONS.added) };
}

function edit(r, item, kind) {
  const copy = structuredClone(item);
  copy.updatedBy = "dana";
  switch (kind) {
    case "agents": copy.instructions += " " + sentence(r, 8, 16); copy.tone = "friendly"; break;
    case "workflows": copy.steps.push({ id: `step-new`, type: "message", text: sentence(r, 6, 12) }); break;
    case "knowledgeBase": copy.content[0] = paragraph(r, 2); break;
    case "integrations": copy.timeoutMs += 250; break;
    default: copy.greeting = sentence(r, 10, 20);
  }
  return copy;
}

/**
 * The text-heavy profile's units at scale `k` (k = 1: ~9 MB per workspace): the prose sizes and
 * counts the issue names, little environment-local content.
 */
export const TEXT_PROFILE = { instructionBytes: 2000, documentBytes: 1000, workflowSteps: 8, workflows: 2000 };

function textUnits(k) {
  const n = (f) => Math.max(1, Math.round(k * f));
  const u = {
    agents: n(1000), workflows: Math.max(1, Math.round(k * TEXT_PROFILE.workflows)), knowledgeBase: n(2400),
    integrations: n(150), channels: n(100), variables: n(600), conversations: n(350), days: n(60), issues: n(40), secrets: n(150),
    text: TEXT_PROFILE,
  };
  u.stableAgents = Math.max(1, Math.floor(u.agents / 2));
  u.stableWorkflows = Math.max(1, Math.floor(u.workflows / 2));
  return u;
}

/** One source/target pair at scale `k`; `text` selects the text-heavy profile. */
export function generatePair(k, seed = DEFAULT_SEED, text = false) {
  const u = text ? textUnits(k) : units(k);
  const r = rng(seed);
  const makers = { agents: agent, workflows: workflow, knowledgeBase: document, integrations: integration, channels: channel };
  const stableOf = { agents: u.stableAgents, workflows: u.stableWorkflows, knowledgeBase: 0, integrations: u.integrations, channels: 0 };
  const source = {}, target = {};
  const counts = {};
  for (const [kind, make] of Object.entries(makers)) {
    const count = u[kind];
    const shared = [];
    for (let i = 0; i < count; i++) shared.push(make(r, i, u));
    const p = plan(r, count, stableOf[kind]);
    target[kind] = shared;
    source[kind] = shared.map((item, i) => (p.modified.has(i) ? edit(r, item, kind) : item)).filter((_, i) => !p.removed.has(i));
    for (let i = 0; i < p.added; i++) source[kind].push({ ...make(r, count + i, u), updatedBy: "dana" });
    counts[kind] = { target: count, modified: p.modified.size, removed: p.removed.size, added: p.added };
  }
  // Variables: the same structure except a few that changed type in dev; every default is local.
  const typeChanged = new Set();
  const nChanged = Math.max(1, Math.round(u.variables * 0.01));
  while (typeChanged.size < nChanged) typeChanged.add(r.int(u.variables));
  const vr = rng(seed ^ 0x5bd1e995);
  const usageSeed = () => rng(seed + 7); // the same usage lists on both sides
  source.variables = [];
  target.variables = [];
  {
    const rs = usageSeed(), rt = usageSeed();
    for (let i = 0; i < u.variables; i++) {
      source.variables.push(variable(rs, i, u, "source", typeChanged.has(i)));
      target.variables.push(variable(rt, i, u, "target", false));
    }
    source.variables.push({ ...variable(vr, u.variables, u, "source", false), description: "New in dev." });
  }
  counts.variables = { target: u.variables, typeChanged: typeChanged.size, added: 1 };
  Object.assign(source, local(rng(seed + 1), "source", u));
  Object.assign(target, local(rng(seed + 2), "target", u));
  source.experiments = [{ id: "exp-1", note: "an unknown top-level key: excluded and reported" }];
  const { text: _profile, ...unitCounts } = u;
  return { source, target, counts, units: unitCounts };
}

function promotedBytes(ws) {
  let n = 0;
  for (const kind of ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"]) n += JSON.stringify(ws[kind]).length;
  return n;
}

/** Generates the pair whose source is closest to `bytes`, as JSON text (`text`: the T profile). */
export function generateSize(bytes, seed = DEFAULT_SEED, text = false) {
  // The text profile's scale 1 is its nominal size: 2,000 workflows, as the issue names them.
  const probe = text ? null : JSON.stringify(generatePair(20, seed).source).length;
  const k = text ? 1 : Math.max(1, (20 * bytes) / probe);
  const pair = generatePair(k, seed, text);
  const source = JSON.stringify(pair.source);
  const target = JSON.stringify(pair.target);
  const meta = {
    seed, profile: text ? "text-heavy" : "mixed", scale: k, fractions: FRACTIONS, sourceBytes: Buffer.byteLength(source), targetBytes: Buffer.byteLength(target),
    promotedShare: promotedBytes(pair.source) / source.length, counts: pair.counts, units: pair.units,
  };
  return { source, target, meta };
}

export function writeSize(size, outDir, seed = DEFAULT_SEED) {
  const bytes = SIZES[size];
  if (!bytes) throw new Error(`unknown size ${size}; use S, M, L or T`);
  mkdirSync(outDir, { recursive: true });
  const { source, target, meta } = generateSize(bytes, seed, size === TEXT_SIZE);
  writeFileSync(join(outDir, `${size}-source.json`), source);
  writeFileSync(join(outDir, `${size}-target.json`), target);
  writeFileSync(join(outDir, `${size}-meta.json`), JSON.stringify({ size, ...meta }, null, 2) + "\n");
  return meta;
}

export const DEFAULT_OUT = resolve(dirname(fileURLToPath(import.meta.url)), "../target/bench");

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let seed = DEFAULT_SEED, out = DEFAULT_OUT;
  const sizes = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--seed") seed = Number(args[++i]);
    else if (args[i] === "--out") out = resolve(args[++i]);
    else sizes.push(args[i].toUpperCase());
  }
  for (const size of sizes.length ? sizes : ["S", "M", "L", "T"]) {
    const t = performance.now();
    const meta = writeSize(size, out, seed);
    console.log(`${size}: source ${meta.sourceBytes} B, target ${meta.targetBytes} B, promoted ${(100 * meta.promotedShare).toFixed(0)} % (${(performance.now() - t).toFixed(0)} ms) → ${out}`);
  }
}

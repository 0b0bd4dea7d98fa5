// Benchmarks of the npm package against the peers a user would pick instead (issue 6).
//
//   node bench/run.mjs            S, M, L and T (make bench; builds pkg/ first)
//   node bench/run.mjs --smoke    S only, 2 rounds, < 20 s: checks that every summary key is there
//                                 and that our answers agree with the peers' (part of make test)
//   options: --sizes S,M  --rounds N  --pkg path/to/node.mjs (default pkg/node.mjs, or
//            $PROMOTION_RULES_PKG)  --out DIR (default target/bench)
//
// One Node process runs the module and its peers on the SAME inputs (bench/generate.mjs, seeded),
// interleaved: each round runs every case once, in a freshly shuffled order, after a full GC.
// Each case reports the median and the interquartile range (p25–p75) of its samples; a sample of
// a fast case repeats it until it lasts a few milliseconds and divides.
// Ratios in the summary are time(A) / time(B) of medians: below 1, A is faster.
// authorize: the 210 requests of the default policy (every role, action and environment) cycle;
// after its first call a request is answered from the engine's memo of decisions (js/interop.js),
// as an app asking about the same actor again sees it. "new actor each call" never hits the memo.
// T is the text-heavy pair (bench/generate.mjs): promoted prose ≥ 85 % of the bytes, where every
// byte is read, hashed and written; its ratios are issue 10's targets. "fingerprint (9 MB string)"
// hashes a 9 MB prose string (a string argument is a JSON value to fingerprint).
// Output: a table on stdout and target/bench/summary.json (summary-smoke.json in smoke mode).

import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import os from "node:os";
import v8 from "node:v8";
import vm from "node:vm";
import { writeSize, DEFAULT_SEED } from "./generate.mjs";
import { browserAvailable, browserFingerprint } from "./browser.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const require = createRequire(import.meta.url);

// ---- options ------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const SMOKE = argv.includes("--smoke");
const SIZES = (option("--sizes", SMOKE ? "S" : "S,M,L,T")).split(",").map((s) => s.trim().toUpperCase());
const ROUNDS_OPTION = option("--rounds", null);
const OUT = resolve(option("--out", join(root, "target/bench")));
const PKG = resolve(option("--pkg", process.env.PROMOTION_RULES_PKG || join(root, "pkg/node.mjs")));
const ROUNDS = { S: 15, M: 7, L: 3, T: 7 };
const MIN_SAMPLE_MS = SMOKE ? 2 : 20; // a sample of a fast case repeats it for at least this long
const PEER_BUDGET_MS = 20_000;
const WARM_MS = SMOKE ? 20 : 300; // each case runs this long before it is timed // a peer whose first call takes longer is timed once and not repeated

// A full GC before each sample keeps one case's garbage out of the next one's time.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");

// ---- the module and its peers -------------------------------------------------------------------

if (!existsSync(PKG)) {
  console.error(`bench: ${PKG} is missing; build the package first (make pkg).`);
  process.exit(2);
}
const promotion = await import(pathToFileURL(PKG).href);
const { PromotionRules, diffWorkspaces, filterContent, fingerprint, defaultPolicy } = promotion;
const pkgDir = dirname(PKG);
const wasmPath = join(pkgDir, "web/promotion_rules_bg.wasm");
const webGlue = pathToFileURL(join(pkgDir, "web/promotion_rules.js")).href;

const jsondiffpatch = await import("jsondiffpatch");
const microdiff = (await import("microdiff")).default;
const fastJsonPatch = require("fast-json-patch");
const rfc6902 = require("rfc6902");
const cedar = require("@cedar-policy/cedar-wasm/nodejs");
const cedarWasmPath = join(dirname(require.resolve("@cedar-policy/cedar-wasm/nodejs")), "cedar_wasm_bg.wasm");

// What a user diffing workspaces with jsondiffpatch would configure: items matched by id/name.
const differ = jsondiffpatch.create({ objectHash: (item, index) => item?.id ?? item?.name ?? `$$index:${index}` });

// ---- statistics and the interleaved runner ------------------------------------------------------

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at), hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75), n: sorted.length };
}

function shuffled(list, seed) {
  const out = [...list];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

let sink = 0; // results feed this, so that no call can be optimised away
const keep = (x) => { sink = (sink + (x === undefined ? 0 : 1)) | 0; };

/**
 * Runs `cases` ({ name, fn }) for `rounds` interleaved rounds. Each case is first run once
 * (warm-up, and the calibration of how many calls one sample makes); a case slower than
 * `budget` (peers only) keeps that single time. Returns { name: stats in ms per call }.
 */
function runInterleaved(cases, rounds, seed) {
  const state = cases.map((c) => {
    if (c.skip) return { ...c, iters: 0, samples: [], once: null };
    gc();
    // Warm-up (the JIT, the caches): calls until WARM_MS have passed, the last one timed.
    let first = 0;
    for (const start = performance.now(); ;) {
      const t = performance.now();
      keep(c.fn());
      first = performance.now() - t;
      if (performance.now() - start >= WARM_MS || (c.budget !== undefined && first > c.budget)) break;
    }
    const iters = Math.max(1, Math.ceil(MIN_SAMPLE_MS / Math.max(first, 0.001)));
    return { ...c, iters, samples: [], once: c.budget !== undefined && first > c.budget ? first : null };
  });
  for (let round = 0; round < rounds; round++) {
    for (const c of shuffled(state, seed + round)) {
      if (c.once !== null || c.skip) continue;
      gc();
      const t = performance.now();
      for (let i = 0; i < c.iters; i++) keep(c.fn());
      c.samples.push((performance.now() - t) / c.iters);
    }
  }
  const out = {};
  for (const c of state) {
    if (c.skip) out[c.name] = { median: null, p25: null, p75: null, n: 0, skipped: c.skip };
    else out[c.name] = c.once !== null ? { ...stats([c.once]), once: true } : { ...stats(c.samples), iters: c.iters };
  }
  return out;
}

// ---- inputs -------------------------------------------------------------------------------------

const ACTOR = { id: "dana", roles: ["developer"] };

function inputs(size) {
  const sourcePath = join(OUT, `${size}-source.json`);
  const targetPath = join(OUT, `${size}-target.json`);
  const metaPath = join(OUT, `${size}-meta.json`);
  const fresh = existsSync(metaPath) && JSON.parse(readFileSync(metaPath, "utf8")).seed === DEFAULT_SEED;
  if (!fresh || !existsSync(sourcePath) || !existsSync(targetPath)) writeSize(size, OUT);
  const sourceText = readFileSync(sourcePath, "utf8");
  const targetText = readFileSync(targetPath, "utf8");
  const rules = new PromotionRules();
  // The base manifest: what the last sync into the target answered (here: no drift since).
  const base = rules.planSync(`{"actor":${JSON.stringify(ACTOR)},"from":"dev","to":"test","source":${targetText},"target":${targetText}}`).manifest;
  const requestText = `{"actor":${JSON.stringify(ACTOR)},"from":"dev","to":"test","source":${sourceText},"target":${targetText},"base":${JSON.stringify(base)}}`;
  const source = JSON.parse(sourceText), target = JSON.parse(targetText);
  const request = { actor: ACTOR, from: "dev", to: "test", source, target, base };
  const prose = size === "T" ? proseOf(source, 9_000_000) : null;
  return { size, sourceText, targetText, source, target, requestText, request, rules, prose, bytes: Buffer.byteLength(sourceText) + Buffer.byteLength(targetText) };
}

/** `bytes` of the workspace's prose (knowledge-base paragraphs, agent instructions), one string. */
function proseOf(workspace, bytes) {
  const texts = [...workspace.knowledgeBase.flatMap((d) => d.content), ...workspace.agents.map((a) => a.instructions)];
  const parts = [];
  // The pair holds less prose than that: it repeats, as long documents do.
  for (let length = 0, i = 0; length < bytes; i++) {
    const text = texts[i % texts.length];
    parts.push(text);
    length += text.length + 1;
  }
  return parts.join("\n").slice(0, bytes);
}

// ---- checks: our answers against the peers' ----------------------------------------------------

function check(condition, message) {
  if (!condition) throw new Error(`bench check failed: ${message}`);
}

const canonical = (v) => JSON.stringify(v, (_, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));

/** Our notion of "something changed" agrees with every peer's, both ways; our patch applies. */
function checkAgreement(inp) {
  const peers = peerCases(inp.target, inp.source);
  const same = peerCases(inp.source, structuredClone(inp.source));
  const ours = diffWorkspaces(inp.target, inp.source);
  const oursSame = diffWorkspaces(inp.source, inp.sourceText);
  for (const p of peers) check(changed(p.name, p.fn()) === ours.patch.length > 0, `${p.name} and diffWorkspaces disagree on the pair`);
  for (const p of same) check(!changed(p.name, p.fn()), `${p.name} sees a change between a workspace and its copy`);
  check(oursSame.patch.length === 0 && oursSame.summary.added + oursSame.summary.modified + oursSame.summary.removed === 0, "diffWorkspaces sees a change between a workspace and its copy");
  const patched = fastJsonPatch.applyPatch(structuredClone(inp.target), ours.patch, true, false).newDocument;
  check(canonical(patched) === canonical(inp.source), "our patch, applied by fast-json-patch, does not turn target into source");
  // The sync's view: promoted content only.
  const plan = inp.rules.planSync(inp.requestText);
  const payloadPeers = peerCases(filterContent(inp.target).payload, plan.payload);
  const s = plan.changes.summary;
  for (const p of payloadPeers) check(changed(p.name, p.fn()) === s.added + s.modified + s.removed > 0, `${p.name} and planSync disagree on the payload`);
  const planObject = inp.rules.planSync(inp.request);
  check(canonical(planObject) === canonical(plan), "planSync answers differently for object and JSON-string input");
  return { patchOps: ours.patch.length, summary: ours.summary, planAllowed: plan.allowed, planCodes: plan.violations.concat(plan.warnings).map((i) => i.code) };
}

/** On the text-heavy pair: the plan's fingerprint is its payload's, and both input forms agree. */
function checkText(inp) {
  const plan = inp.rules.planSync(inp.requestText);
  check(fingerprint(plan.payload) === plan.fingerprint, "fingerprint(plan.payload) differs from plan.fingerprint");
  check(fingerprint(filterContent(inp.source).payload) === plan.sourceFingerprint, "plan.sourceFingerprint differs from the source payload's fingerprint");
  check(canonical(inp.rules.planSync(inp.request)) === canonical(plan), "planSync answers differently for object and JSON-string input");
  const diff = diffWorkspaces(inp.targetText, inp.sourceText);
  const s = diff.summary;
  check(s.added + s.modified + s.removed > 0 && differ.diff(inp.target, inp.source) !== undefined, "diffWorkspaces or jsondiffpatch sees no change in the T pair");
  return { patchOps: diff.patch.length, summary: s, planAllowed: plan.allowed, planCodes: plan.violations.concat(plan.warnings).map((i) => i.code) };
}

function changed(name, result) {
  if (name === "jsondiffpatch") return result !== undefined;
  return Array.isArray(result) && result.length > 0;
}

function peerCases(before, after, budget) {
  return [
    { name: "jsondiffpatch", fn: () => differ.diff(before, after), budget },
    { name: "microdiff", fn: () => microdiff(before, after), budget },
    { name: "fast-json-patch", fn: () => fastJsonPatch.compare(before, after), budget },
    { name: "rfc6902", fn: () => rfc6902.createPatch(before, after), budget },
  ];
}

// ---- per size ------------------------------------------------------------------------------------

/**
 * A peer is skipped at a size where its time, extrapolated quadratically from the largest size
 * already measured (array diffs by edit distance are O(n·m)), would exceed the budget.
 */
const peerTimes = {};
function peerSkip(name, bytes) {
  const seen = peerTimes[name];
  if (!seen) return undefined;
  const estimate = seen.ms * (bytes / seen.bytes) ** 2;
  return estimate > PEER_BUDGET_MS ? `estimated ${(estimate / 1000).toFixed(0)} s (${name} grows quadratically here)` : undefined;
}

function sizeCases(inp, withPeers) {
  const { rules } = inp;
  const cases = [
    { name: "JSON.parse", fn: () => { JSON.parse(inp.sourceText); return JSON.parse(inp.targetText); } },
    { name: "planSync (string)", fn: () => rules.planSync(inp.requestText) },
    { name: "planSync (object)", fn: () => rules.planSync(inp.request) },
  ];
  if (withPeers) {
    cases.push(
      { name: "diffWorkspaces (object)", fn: () => diffWorkspaces(inp.target, inp.source) },
      { name: "diffWorkspaces (string)", fn: () => diffWorkspaces(inp.targetText, inp.sourceText) },
      { name: "filterContent (string)", fn: () => filterContent(inp.sourceText) },
      { name: "fingerprint (object)", fn: () => fingerprint(inp.source) },
      ...(inp.prose ? [{ name: "fingerprint (9 MB string)", fn: () => fingerprint(inp.prose) }] : []),
      ...peerCases(inp.target, inp.source, PEER_BUDGET_MS).map((c) => ({ ...c, skip: peerSkip(c.name, inp.bytes) })),
    );
  }
  return cases;
}

// ---- permissions: authorize vs Cedar ---------------------------------------------------------------

const ACTIONS = ["edit", "editVariableDefault", "editLocal", "sync", "publish", "hotfix"];

function cedarPolicies(policy) {
  const lines = [];
  for (const [role, envs] of Object.entries(policy.roles)) {
    for (const [env, actions] of Object.entries(envs)) {
      for (const action of actions) lines.push(`permit(principal in Role::"${role}", action == Action::"${action}", resource == Env::"${env}");`);
    }
  }
  return lines.join("\n");
}

function authorizeBench(rounds) {
  const policy = defaultPolicy();
  const rules = new PromotionRules(policy);
  const text = cedarPolicies(policy);
  const parsed = cedar.preparsePolicySet("promotion-rules", { staticPolicies: text });
  check(parsed.type === "success", `Cedar refused the policy set: ${JSON.stringify(parsed)}`);
  const roles = Object.keys(policy.roles);
  const actors = [...roles.map((r, i) => ({ id: `user-${i}`, roles: [r] })), { id: "multi", roles: ["developer", "qa"] }, { id: "nobody", roles: [] }];
  const calls = [];
  for (const actor of actors) {
    const entities = [
      { uid: { type: "User", id: actor.id }, attrs: {}, parents: actor.roles.map((r) => ({ type: "Role", id: r })) },
      ...actor.roles.map((r) => ({ uid: { type: "Role", id: r }, attrs: {}, parents: [] })),
    ];
    for (const action of ACTIONS) {
      for (const env of policy.environments) {
        calls.push({
          actor, actorText: JSON.stringify(actor), action, env,
          cedar: { principal: { type: "User", id: actor.id }, action: { type: "Action", id: action }, resource: { type: "Env", id: env }, context: {}, preparsedPolicySetId: "promotion-rules", entities },
        });
      }
    }
  }
  let allowed = 0;
  for (const c of calls) {
    // First call (decided by the engine), repeat (answered from the memo), string actor, and an
    // actor with one more member (which takes the general path): the very same answer.
    const first = canonical(rules.authorize(c.actor, c.action, c.env));
    for (const again of [c.actor, c.actor, c.actorText, c.actorText, { ...c.actor, name: "x" }]) {
      check(canonical(rules.authorize(again, c.action, c.env)) === first, `authorize answers differently on a repeat for ${c.actor.id} ${c.action} ${c.env}`);
    }
    const ours = rules.authorize(c.actor, c.action, c.env).allowed;
    const answer = cedar.statefulIsAuthorized(c.cedar);
    check(answer.type === "success", `Cedar failed: ${JSON.stringify(answer)}`);
    check(ours === (answer.response.decision === "allow"), `authorize and Cedar disagree on ${c.actor.id} ${c.action} ${c.env}`);
    if (ours) allowed++;
  }
  const n = calls.length;
  const loop = (f) => () => { let last; for (let i = 0; i < n; i++) last = f(calls[i]); return last; };
  // The same requests from actors never seen before (a new id each call): no decision to reuse.
  const fresh = Array.from({ length: 50 * n }, (_, i) => ({ ...calls[i % n], actor: { id: `fresh-${i}`, roles: calls[i % n].actor.roles } }));
  let next = 0;
  const freshLoop = () => { let last; for (let i = 0; i < n; i++) { const c = fresh[next++ % fresh.length]; last = rules.authorize(c.actor, c.action, c.env); } return last; };
  const results = runInterleaved([
    { name: "authorize (object actor)", fn: loop((c) => rules.authorize(c.actor, c.action, c.env)) },
    { name: "authorize (string actor)", fn: loop((c) => rules.authorize(c.actorText, c.action, c.env)) },
    { name: "authorize (new actor each call)", fn: freshLoop },
    { name: "Cedar statefulIsAuthorized", fn: loop((c) => cedar.statefulIsAuthorized(c.cedar)) },
  ], rounds, 7);
  const perCall = {};
  for (const [name, s] of Object.entries(results)) perCall[name] = { median_ns: (s.median / n) * 1e6, p25_ns: (s.p25 / n) * 1e6, p75_ns: (s.p75 / n) * 1e6 };
  return { calls: n, allowed, agree: true, perCall };
}

// ---- module start and size --------------------------------------------------------------------------

/** `bytes` plus a custom section named `name`: a distinct module, so no compile cache can answer. */
function withCustomSection(bytes, name) {
  const leb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
  const nameBytes = [...Buffer.from(name)];
  const payload = [...leb(nameBytes.length), ...nameBytes];
  return Buffer.concat([bytes, Buffer.from([0, ...leb(payload.length), ...payload])]);
}

async function startBench(count) {
  const bytes = readFileSync(wasmPath);
  const cedarBytes = readFileSync(cedarWasmPath);
  const compile = [], total = [], cedarCompile = [];
  for (let i = 0; i < count; i++) {
    const glue = await import(`${webGlue}?instance=${i}`); // a fresh glue: initSync runs for real
    const unique = withCustomSection(bytes, `bench-${i}`);
    gc();
    const t0 = performance.now();
    const module = new WebAssembly.Module(unique);
    const t1 = performance.now();
    glue.initSync({ module });
    const t2 = performance.now();
    compile.push(t1 - t0);
    total.push(t2 - t0);
    keep(glue.defaultPolicy());
  }
  for (let i = 0; i < Math.min(count, 5); i++) {
    const unique = withCustomSection(cedarBytes, `bench-${i}`);
    gc();
    const t0 = performance.now();
    keep(new WebAssembly.Module(unique));
    cedarCompile.push(performance.now() - t0);
  }
  return {
    wasm_raw_bytes: bytes.length,
    wasm_gzip_bytes: gzipSync(bytes, { level: 9 }).length,
    cedar_wasm_raw_bytes: cedarBytes.length,
    cedar_wasm_gzip_bytes: gzipSync(cedarBytes, { level: 9 }).length,
    compile: stats(compile),
    instantiate: stats(total),
    cedarCompile: stats(cedarCompile),
  };
}

// ---- main ---------------------------------------------------------------------------------------------

const started = performance.now();
mkdirSync(OUT, { recursive: true });
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

console.log(`promotion-rules benchmarks — node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} ×${os.cpus().length}, pkg ${PKG}`);
console.log(`${SMOKE ? "smoke run" : "full run"}: sizes ${SIZES.join(", ")}; medians with p25–p75, interleaved rounds; ratios are time / time; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}\n`);

// The small, fast calls first, on a heap the big inputs have not grown yet.
const auth = authorizeBench(SMOKE ? 2 : 15);
console.log(`authorize: ${auth.calls} requests (${auth.allowed} allowed), every decision equal to Cedar's; a repeated request is answered from the engine's memo of decisions, "new actor each call" never is`);
for (const [name, s] of Object.entries(auth.perCall)) console.log(`  ${pad(name, 28)}${lpad(fmt(s.median_ns / 1000), 11)} µs/call  (p25–p75 ${fmt(s.p25_ns / 1000)}–${fmt(s.p75_ns / 1000)})`);
console.log();

const start = await startBench(SMOKE ? 3 : 30);
console.log(`module start: compile ${fmt(start.compile.median)} ms, compile + instantiate ${fmt(start.instantiate.median)} ms (p25–p75 ${fmt(start.instantiate.p25)}–${fmt(start.instantiate.p75)}); Cedar compile ${fmt(start.cedarCompile.median)} ms`);
console.log(`.wasm: ${start.wasm_raw_bytes} B raw, ${start.wasm_gzip_bytes} B gzip -9; Cedar ${start.cedar_wasm_raw_bytes} B raw, ${start.cedar_wasm_gzip_bytes} B gzip -9\n`);

const sizes = {};
const agreement = {};
let inputsProseBytes = 0;
let chromiumFingerprint = null;
if (!SIZES.includes("S")) {
  // Seed the peers' quadratic estimates with one call each on S, and cross-check the answers.
  const small = inputs("S");
  agreement.S = checkAgreement(small);
  for (const peer of peerCases(small.target, small.source)) {
    const t = performance.now();
    keep(peer.fn());
    peerTimes[peer.name] = { ms: performance.now() - t, bytes: small.bytes };
  }
}
for (const size of SIZES) {
  const inp = inputs(size);
  // The cross-checks (peers both ways, our patch applied) on S: rfc6902 is quadratic beyond it.
  if (size === "S") agreement[size] = checkAgreement(inp);
  if (size === "T") agreement[size] = checkText(inp);
  if (inp.prose) inputsProseBytes = Buffer.byteLength(inp.prose);
  const rounds = Number(ROUNDS_OPTION ?? (SMOKE ? 2 : ROUNDS[size]));
  const results = runInterleaved(sizeCases(inp, size !== "L"), rounds, 1000 + size.charCodeAt(0));
  const floor = results["JSON.parse"].median;
  for (const peer of ["jsondiffpatch", "microdiff", "fast-json-patch", "rfc6902"]) {
    if (results[peer]?.median != null) peerTimes[peer] = { ms: results[peer].median, bytes: inp.bytes };
  }
  sizes[size] = { sourceBytes: Buffer.byteLength(inp.sourceText), targetBytes: Buffer.byteLength(inp.targetText), rounds, cases: {} };
  console.log(`${size}: source ${(sizes[size].sourceBytes / 1e6).toFixed(2)} MB + target ${(sizes[size].targetBytes / 1e6).toFixed(2)} MB, ${rounds} rounds`);
  console.log(`  ${pad("case", 28)}${lpad("median ms", 11)}${lpad("p25–p75 ms", 20)}${lpad("MB/s", 8)}${lpad("× JSON.parse", 14)}`);
  for (const [name, s] of Object.entries(results)) {
    if (s.skipped) {
      sizes[size].cases[name] = { median_ms: null, skipped: s.skipped };
      console.log(`  ${pad(name, 28)}${lpad("skipped", 11)}  ${s.skipped}`);
      continue;
    }
    sizes[size].cases[name] = { median_ms: s.median, p25_ms: s.p25, p75_ms: s.p75, samples: s.n, ...(s.once ? { once: true } : { iters: s.iters }) };
    const spread = s.once ? "(1 call: too slow)" : `${fmt(s.p25)}–${fmt(s.p75)}`;
    console.log(`  ${pad(name, 28)}${lpad(fmt(s.median), 11)}${lpad(spread, 20)}${lpad((inp.bytes / 1e6 / (s.median / 1e3)).toFixed(0), 8)}${lpad((s.median / floor).toFixed(2), 14)}`);
  }
  if (inp.prose) {
    // The same string's fingerprint in headless Chromium (when installed), after Node's cases.
    if (browserAvailable(pkgDir)) {
      chromiumFingerprint = await browserFingerprint(inp.prose, SMOKE ? 3 : 9, pkgDir);
      check(chromiumFingerprint.fingerprint === fingerprint(inp.prose), "Chromium and Node fingerprint the string differently");
      chromiumFingerprint.MBps = inputsProseBytes / 1e6 / (chromiumFingerprint.median_ms / 1e3);
      console.log(`  ${pad("fingerprint (9 MB string), Chromium", 38)}${fmt(chromiumFingerprint.median_ms)} ms, ${chromiumFingerprint.MBps.toFixed(0)} MB/s`);
    } else {
      console.log("  Chromium or pkg/web.js missing: no browser figure");
    }
  }
  console.log();
}

// ---- summary ---------------------------------------------------------------------------------------------

const median = (size, name) => sizes[size]?.cases[name]?.median_ms ?? null;
const ratio = (a, b) => (a === null || b === null ? null : a / b);
const perByte = (size) => (sizes[size] ? ratio(median(size, "planSync (string)"), sizes[size].sourceBytes + sizes[size].targetBytes) : null);
const ratios = {};
for (const size of ["S", "M"]) {
  ratios[`planSync_${size}_ms`] = median(size, "planSync (string)");
  ratios[`planSync_${size}_object_ms`] = median(size, "planSync (object)");
  ratios[`jsonParse_${size}_ms`] = median(size, "JSON.parse");
  ratios[`planSync_${size}_vs_jsonParse`] = ratio(median(size, "planSync (string)"), median(size, "JSON.parse"));
  ratios[`planSync_${size}_object_vs_jsonParse`] = ratio(median(size, "planSync (object)"), median(size, "JSON.parse"));
  for (const peer of ["jsondiffpatch", "microdiff", "fast-json-patch", "rfc6902"]) {
    const key = peer.replace(/-/g, "");
    ratios[`planSync_${size}_vs_${key}`] = ratio(median(size, "planSync (string)"), median(size, peer));
    ratios[`diffWorkspaces_${size}_vs_${key}`] = ratio(median(size, "diffWorkspaces (object)"), median(size, peer));
  }
  ratios[`diffWorkspaces_${size}_vs_jsonParse`] = ratio(median(size, "diffWorkspaces (string)"), median(size, "JSON.parse"));
  ratios[`filterContent_${size}_ms`] = median(size, "filterContent (string)");
  ratios[`fingerprint_${size}_ms`] = median(size, "fingerprint (object)");
}
// The text-heavy pair (issue 10).
ratios.planSync_T_ms = median("T", "planSync (string)");
ratios.planSync_T_object_ms = median("T", "planSync (object)");
ratios.jsonParse_T_ms = median("T", "JSON.parse");
ratios.planSync_T_vs_jsonParse = ratio(median("T", "planSync (string)"), median("T", "JSON.parse"));
ratios.planSync_T_object_vs_jsonParse = ratio(median("T", "planSync (object)"), median("T", "JSON.parse"));
ratios.planSync_T_vs_jsondiffpatch = ratio(median("T", "planSync (string)"), median("T", "jsondiffpatch"));
ratios.diffWorkspaces_T_string_vs_jsondiffpatch = ratio(median("T", "diffWorkspaces (string)"), median("T", "jsondiffpatch"));
ratios.diffWorkspaces_T_vs_jsondiffpatch = ratio(median("T", "diffWorkspaces (object)"), median("T", "jsondiffpatch"));
ratios.fingerprint_T_string_MBps = sizes.T ? inputsProseBytes / 1e6 / (median("T", "fingerprint (9 MB string)") / 1e3) : null;
ratios.fingerprint_T_string_chromium_MBps = chromiumFingerprint?.MBps ?? null;
ratios.planSync_L_ms = median("L", "planSync (string)");
ratios.planSync_L_vs_jsonParse = ratio(median("L", "planSync (string)"), median("L", "JSON.parse"));
ratios.scaling_M_over_S_per_byte = ratio(perByte("M"), perByte("S"));
ratios.scaling_L_over_M_per_byte = ratio(perByte("L"), perByte("M"));
ratios.authorize_ns = auth.perCall["authorize (object actor)"].median_ns;
ratios.authorize_string_actor_ns = auth.perCall["authorize (string actor)"].median_ns;
ratios.authorize_uncached_ns = auth.perCall["authorize (new actor each call)"].median_ns;
ratios.cedar_authorize_ns = auth.perCall["Cedar statefulIsAuthorized"].median_ns;
ratios.authorize_vs_cedar = ratios.authorize_ns / ratios.cedar_authorize_ns;
ratios.authorize_uncached_vs_cedar = ratios.authorize_uncached_ns / ratios.cedar_authorize_ns;
ratios.compile_ms = start.compile.median;
ratios.instantiate_ms = start.instantiate.median;
ratios.cedar_compile_ms = start.cedarCompile.median;
ratios.wasm_raw_bytes = start.wasm_raw_bytes;
ratios.wasm_gzip_bytes = start.wasm_gzip_bytes;
ratios.cedar_wasm_raw_bytes = start.cedar_wasm_raw_bytes;
ratios.cedar_wasm_gzip_bytes = start.cedar_wasm_gzip_bytes;

const target = (value, limit, better = "lower") => ({ value, limit, met: value === null ? null : better === "lower" ? value <= limit : value >= limit });
const targets = {
  planSync_M_vs_jsonParse: target(ratios.planSync_M_vs_jsonParse, 2),
  planSync_M_vs_jsondiffpatch: target(ratios.planSync_M_vs_jsondiffpatch, 1 / 3),
  authorize_ns: target(ratios.authorize_ns, 1000),
  authorize_vs_cedar: target(ratios.authorize_vs_cedar, 1 / 50),
  instantiate_ms: target(ratios.instantiate_ms, 5),
  // The whole package: 110 KB for the data path (issue 10) plus the gates with their time zones and
  // version control, within the project's ceiling of 180 KB (issue 11).
  wasm_gzip_bytes: target(ratios.wasm_gzip_bytes, 180_000),
  scaling_L_over_M_per_byte: target(ratios.scaling_L_over_M_per_byte, 1.3),
  // Issue 10, on the text-heavy pair T.
  planSync_T_vs_jsonParse: target(ratios.planSync_T_vs_jsonParse, 6),
  planSync_T_object_vs_jsonParse: target(ratios.planSync_T_object_vs_jsonParse, 7),
  planSync_T_vs_jsondiffpatch: target(ratios.planSync_T_vs_jsondiffpatch, 1),
  diffWorkspaces_T_string_vs_jsondiffpatch: target(ratios.diffWorkspaces_T_string_vs_jsondiffpatch, 0.5),
  fingerprint_T_string_MBps: target(ratios.fingerprint_T_string_MBps, 150, "higher"),
  fingerprint_T_string_chromium_MBps: target(ratios.fingerprint_T_string_chromium_MBps, 120, "higher"),
  authorize_uncached_ns: target(ratios.authorize_uncached_ns, 2000),
};

const summary = {
  note: "Ratios are time(A) / time(B) of medians (below 1: A is faster). planSync_* without a suffix is the JSON-string input; inputs from bench/generate.mjs.",
  node: process.version, cpu: os.cpus()[0]?.model ?? null, cores: os.cpus().length, loadAverage: os.loadavg(), smoke: SMOKE, seed: DEFAULT_SEED, pkg: PKG,
  ratios, targets, sizes, authorize: auth, start, agreement, chromium: chromiumFingerprint && { ...chromiumFingerprint, fingerprint: undefined },
};
const summaryPath = join(OUT, SMOKE ? "summary-smoke.json" : "summary.json");
writeFileSync(summaryPath, JSON.stringify(summary, null, 2) + "\n");

console.log("targets (issues 6 and 10):");
for (const [name, t] of Object.entries(targets)) {
  const status = t.met === null ? "not measured" : t.met ? "met" : "MISSED";
  console.log(`  ${pad(name, 30)}${lpad(t.value === null ? "—" : Number(t.value.toPrecision(3)), 12)}  limit ${Number(t.limit.toPrecision(3))}  ${status}`);
}
console.log(`\nsummary: ${summaryPath} (${((performance.now() - started) / 1000).toFixed(1)} s)`);

if (SMOKE) {
  // Every key is there; the ones that need a size this run skipped are null, all others are numbers.
  const needsSize = (key) => /_(M|L|T)(_|$)|scaling_/.test(key);
  for (const [key, value] of Object.entries(ratios)) {
    const skipped = needsSize(key) && [..."MLT"].some((s) => !SIZES.includes(s) && new RegExp(`_${s}(_|$)|scaling_.*${s}`).test(key));
    check(skipped ? value === null : Number.isFinite(value), `summary key ${key} is ${value}`);
  }
  for (const key of Object.keys(targets)) check(key in ratios, `target ${key} has no ratio`);
  for (const key of ["planSync_M_vs_jsonParse", "planSync_M_vs_jsondiffpatch", "authorize_ns", "authorize_vs_cedar", "instantiate_ms", "wasm_gzip_bytes", "cedar_wasm_gzip_bytes", "scaling_L_over_M_per_byte", "planSync_S_vs_jsonParse", "planSync_S_vs_jsondiffpatch"]) {
    check(key in ratios, `the summary has no ${key}`);
  }
  console.log("bench smoke: every summary key present, answers agree with the peers and with Cedar");
}
keep(sink);

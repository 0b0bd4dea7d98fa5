// Memory of a long-lived isolate: 100,000 planSync calls on one instance keep the WebAssembly memory
// flat after warm-up, and PromotionRules instances are released by free(), by Symbol.dispose (and
// `using` where the runtime has it) and, when dropped, by the package's FinalizationRegistry.
//
// How to read the WebAssembly memory of the package: the "promotion-rules/web" entry exports
// `initSync`, the wasm-bindgen initialiser; once the module is initialised (importing
// "promotion-rules" in Node does it), `initSync()` returns the instance's exports object at once,
// and `exports.memory.buffer.byteLength` is the size of the linear memory. Both entries share one
// module instance in Node (node.mjs and web.js import the same ./web/promotion_rules.js).
//
// The memory of WebAssembly only grows (pages are never given back), so "flat" means: after a
// warm-up, more calls or more created-and-released instances do not grow it at all.
//
// With HOSTILE_FULL=1 (scripts/test-hostile.mjs): 100,000 calls and 20,000 instances per round;
// otherwise (scripts/test-js.mjs) 10,000 and 5,000, so that the shared runner keeps its time budget.
import assert from "node:assert/strict";
import { test } from "node:test";
import v8 from "node:v8";
import vm from "node:vm";
import { PromotionRules } from "promotion-rules";
import { initSync } from "promotion-rules/web";
import { dana, sample } from "./helpers.mjs";

const FULL = process.env.HOSTILE_FULL === "1";
const CALLS = FULL ? 100_000 : 10_000;
const INSTANCES = FULL ? 20_000 : 5_000;

const wasm = initSync(); // the exports object of the initialised instance
const memory = () => wasm.memory.buffer.byteLength;
const MiB = (bytes) => `${(bytes / 1048576).toFixed(2)} MiB`;

// node --expose-gc gives gc(); without the flag (the shared runner) it is switched on at run time.
const gc = globalThis.gc ?? (v8.setFlagsFromString("--expose-gc"), vm.runInNewContext("gc"));
/** A full collection, then a few turns of the event loop so that finalizers run. */
async function collect() {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A small request of every shape: objects, JSON text, a denial, an inline secret, bad input. */
function requests() {
  const workspace = (tone, url) => ({
    agents: [{ id: "triage", tone, instructions: "Route the customer.", uses: [{ kind: "variables", id: "CRM_URL" }, { kind: "secrets", id: "CRM_TOKEN" }] }],
    workflows: [{ id: "ticket", steps: [{ call: "crm", headers: { authorization: "Bearer {{secrets.CRM_TOKEN}}" } }] }],
    variables: [{ name: "CRM_URL", type: "url", defaultValue: url, usage: ["ticket"] }, { name: "MAX_TURNS", type: "number", defaultValue: 8 }],
    secrets: [{ name: "CRM_TOKEN" }],
    conversations: [{ id: "c1" }],
  });
  const source = workspace("friendly", "https://crm.dev.example");
  const target = workspace("formal", "https://crm.test.example");
  const allowed = { actor: dana(), from: "dev", to: "test", source, target };
  const text = JSON.stringify(allowed);
  const denied = { actor: { id: "quinn", roles: ["qa"] }, from: "dev", to: "uat", source, target, acknowledge: ["agents/nope"] };
  const secret = { actor: dana(), from: "dev", to: "test", source: { integrations: [{ id: "i", apiKey: "sk-abcdefghijklmnopqrstuvwxyz" }] } };
  const bad = { actor: dana(), from: "dev", to: "test", source: { agents: [{ id: "a", n: NaN }] } };
  return { allowed, text, denied, secret, bad };
}

test(`${CALLS.toLocaleString("en")} planSync calls on one instance keep the wasm memory flat after warm-up`, () => {
  const rules = new PromotionRules();
  const { allowed, text, denied, secret, bad } = requests();
  const expected = rules.planSync(allowed);
  const call = (i) => {
    switch (i % 10) {
      case 0:
        return rules.planSync(text);
      case 1:
        return rules.planSync(denied);
      case 2:
        return rules.planSync(secret);
      case 3:
        try {
          rules.planSync(bad);
        } catch (error) {
          assert.equal(error.code, "INVALID_INPUT");
          return null;
        }
        assert.fail("bad input did not throw");
      // eslint-disable-next-line no-fallthrough
      default:
        return rules.planSync(allowed);
    }
  };
  for (let i = 0; i < 2_000; i++) call(i); // warm-up: the allocator reaches its working size
  const afterWarmUp = memory();
  const readings = [];
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    call(i);
    if ((i + 1) % (CALLS / 10) === 0) readings.push(memory());
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`memory: after warm-up ${MiB(afterWarmUp)}; every ${CALLS / 10} calls: ${readings.map(MiB).join(", ")}; ${CALLS} calls in ${seconds.toFixed(1)} s (${((seconds / CALLS) * 1e6).toFixed(0)} µs per call)`);
  assert.deepEqual(readings, readings.map(() => afterWarmUp), "the wasm memory did not grow after warm-up");
  assert.deepStrictEqual(rules.planSync(allowed), expected, "the instance still answers the same");
  rules.free();
});

test("free() and Symbol.dispose release an instance: creating and releasing many keeps the memory flat", () => {
  const policy = JSON.stringify(sample("policy-separation-of-duties"));
  const make = (i) => (i % 2 ? new PromotionRules(policy) : new PromotionRules());
  for (let i = 0; i < 1_000; i++) make(i).free(); // warm-up
  const before = memory();
  for (let i = 0; i < INSTANCES; i++) {
    const rules = make(i);
    assert.equal(rules.nextEnvironment("dev"), "test");
    if (i % 2) rules.free();
    else rules[Symbol.dispose]();
  }
  const afterRelease = memory();
  // The control: the same instances kept alive do take memory (the measure can see them).
  const kept = [];
  for (let i = 0; i < INSTANCES; i++) kept.push(make(i));
  const afterKeep = memory();
  for (const rules of kept) rules.free();
  console.log(`instances: ${INSTANCES} created and freed/disposed: ${MiB(before)} → ${MiB(afterRelease)}; ${INSTANCES} kept alive: → ${MiB(afterKeep)} (${((afterKeep - afterRelease) / INSTANCES).toFixed(0)} B each at most)`);
  assert.equal(afterRelease, before, "released instances give their memory back to the allocator");
  assert.ok(afterKeep > afterRelease, "kept instances are visible in the memory (the control)");
  // Releasing twice, or using a released instance, is harmless or a clean error.
  const once = new PromotionRules();
  once.free();
  once.free();
  once[Symbol.dispose]();
  assert.throws(() => once.planSync(requests().allowed), Error);
});

test("`using` releases an instance at the end of its block, where the runtime supports it", () => {
  let usingSupported = true;
  try {
    new Function("{ using x = null; }");
  } catch {
    usingSupported = false; // Node 20: no `using` declarations (Symbol.dispose is called by hand above)
  }
  if (!usingSupported) {
    assert.equal(typeof PromotionRules.prototype[Symbol.dispose], "function");
    return;
  }
  const run = new Function("PromotionRules", "request", `
    let escaped;
    { using rules = new PromotionRules(); escaped = rules; rules.planSync(request); }
    return escaped;`);
  const escaped = run(PromotionRules, requests().allowed);
  assert.throws(() => escaped.planSync(requests().allowed), Error, "disposed at the end of the block");
});

test("dropped instances are released by the FinalizationRegistry after garbage collection", async () => {
  const { allowed } = requests();
  // Round 0 reaches the allocator's working size; later rounds reuse what the registry freed.
  const round = () => {
    for (let i = 0; i < INSTANCES; i++) {
      const rules = new PromotionRules(); // never freed by hand: dropped at the end of the iteration
      if (i % 1000 === 0) rules.planSync(allowed);
    }
  };
  round();
  await collect();
  const baseline = memory();
  const readings = [];
  for (let r = 0; r < 4; r++) {
    round();
    await collect();
    readings.push(memory());
  }
  // The control: the same rounds with the instances kept alive grow the memory every round.
  const kept = [];
  const grown = [];
  for (let r = 0; r < 2; r++) {
    for (let i = 0; i < INSTANCES; i++) kept.push(new PromotionRules());
    await collect();
    grown.push(memory());
  }
  console.log(`finalization: ${INSTANCES} dropped per round: baseline ${MiB(baseline)}, after each round ${readings.map(MiB).join(", ")}; kept alive instead: ${grown.map(MiB).join(", ")}`);
  for (const rules of kept) rules.free();
  assert.deepEqual(readings, readings.map(() => baseline), "dropped instances are freed: the memory stays flat");
  // (The first kept round may fill what round 0 left free; the second must grow the memory.)
  assert.ok(grown[1] > grown[0] && grown[1] > baseline, "kept instances grow the memory (the control)");
});

// Answers checked by independent JS libraries:
// - the RFC 6902 patches (diffWorkspaces, planSync's changes) applied with fast-json-patch give the
//   "after" document / the payload;
// - fingerprints equal "sha256:" + SHA-256 of canonicalize (RFC 8785) computed in JS, for the
//   samples, payloads, manifests and fast-check generated JSON.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import jsonPatch from "fast-json-patch";
import { PromotionRules, diffWorkspaces, filterContent, fingerprint } from "promotion-rules";
import { CHAIN, PROMOTED, afterSync, jcsFingerprint, ownerOf, sample } from "./helpers.mjs";

const { applyPatch, deepClone, validate } = jsonPatch;
const rules = new PromotionRules();
const SEED = Number(process.env.FC_SEED ?? 20251125);
const runs = (numRuns) => ({ numRuns, seed: SEED, endOnFailure: true });

/** "after" = RFC 6902 patch applied to a deep copy of "before" (which stays untouched). */
function patched(before, patch) {
  assert.equal(validate(patch, deepClone(before)), undefined, "the patch is valid RFC 6902 for its document");
  const copy = deepClone(before);
  const after = applyPatch(copy, patch, true, true).newDocument;
  return after;
}

/** A JSON value as JSON.parse gives it (-0 becomes 0). */
function safe(value) {
  return JSON.parse(JSON.stringify(value));
}
/** fast-json-patch refuses paths through __proto__ and constructor/prototype: rename such keys. */
function patchable(value) {
  if (Array.isArray(value)) return value.map(patchable);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const [key, member] of Object.entries(value)) {
    const name = key === "__proto__" || key === "prototype" ? `${key}!` : key;
    if (!Object.hasOwn(out, name)) out[name] = patchable(member);
  }
  return out;
}
const json = (maxDepth = 3) => fc.jsonValue({ maxDepth, stringUnit: "grapheme" }).map(safe);
const smallJson = json(2).map(patchable);

/** Generated workspaces: unique ids from a small pool (so that two of them overlap), any content. */
const itemArb = fc.record(
  {
    id: fc.constantFrom("a", "b", "c", "d", "e", "x/y", "~0", "ü", "__proto__"),
    tone: fc.constantFrom("formal", "friendly", "patient"),
    body: smallJson,
    steps: fc.array(fc.dictionary(fc.constantFrom("k", "v", "w"), smallJson, { maxKeys: 3 }), { maxLength: 3 }),
  },
  { requiredKeys: ["id"] },
);
const items = fc.uniqueArray(itemArb, { selector: (item) => item.id, maxLength: 5 });
const variableArb = fc.oneof(
  fc.record({ name: fc.constantFrom("A", "B", "C", "D"), type: fc.constant("json"), defaultValue: smallJson, description: fc.string() }, { requiredKeys: ["name", "type"] }),
  fc.record({ name: fc.constantFrom("A", "B", "C", "D"), type: fc.constant("number"), defaultValue: fc.integer() }, { requiredKeys: ["name", "type"] }),
  fc.record({ name: fc.constantFrom("A", "B", "C", "D"), type: fc.constant("string"), defaultValue: fc.string() }, { requiredKeys: ["name", "type"] }),
);
const workspaceArb = fc.record(
  {
    agents: items,
    workflows: items,
    knowledgeBase: items,
    integrations: items,
    channels: items,
    variables: fc.uniqueArray(variableArb, { selector: (v) => v.name, maxLength: 4 }),
    conversations: smallJson,
    analytics: smallJson,
    issues: fc.array(smallJson, { maxLength: 3 }),
    experiments: smallJson,
  },
  { requiredKeys: [] },
).map((workspace) => JSON.parse(JSON.stringify(workspace))); // fast-check makes null-prototype objects: compare plain ones

describe("RFC 6902 patches reproduce the documents (fast-json-patch)", () => {
  test("diffWorkspaces between every pair of samples", () => {
    for (const a of CHAIN) {
      for (const b of CHAIN) {
        const before = sample(a);
        const after = sample(b);
        const { patch } = diffWorkspaces(before, after);
        assert.deepStrictEqual(patched(before, patch), after, `${a} → ${b}`);
        assert.deepStrictEqual(before, sample(a), "the argument is not changed");
      }
    }
  });

  test("diffWorkspaces of generated workspaces", () => {
    fc.assert(
      fc.property(workspaceArb, workspaceArb, (before, after) => {
        const { patch } = diffWorkspaces(before, after);
        assert.deepStrictEqual(patched(before, patch), after);
      }),
      runs(300),
    );
  });

  test("planSync changes: filterContent(target).payload + patch = payload, along the chain", () => {
    const workspaces = Object.fromEntries(CHAIN.map((env) => [env, sample(env)]));
    for (let round = 0; round < 2; round++) {
      for (const [i, from] of CHAIN.slice(0, 4).entries()) {
        const to = CHAIN[i + 1];
        const plan = rules.planSync({ actor: ownerOf(from), from, to, source: workspaces[from], target: workspaces[to] });
        const before = filterContent(workspaces[to]).payload;
        assert.deepStrictEqual(patched(before, plan.changes.patch), plan.payload, `${from} → ${to}`);
        workspaces[to] = afterSync(workspaces[to], plan.payload);
      }
    }
  });

  test("planSync changes of generated workspaces", () => {
    fc.assert(
      fc.property(workspaceArb, fc.option(workspaceArb, { nil: undefined }), (source, target) => {
        const plan = rules.planSync({ actor: ownerOf("dev"), from: "dev", to: "test", source, target });
        const before = filterContent(target ?? {}).payload;
        assert.deepStrictEqual(patched(before, plan.changes.patch), plan.payload);
        assert.equal(plan.fingerprint, jcsFingerprint(plan.payload));
        assert.equal(plan.sourceFingerprint, jcsFingerprint(filterContent(source).payload));
        assert.equal(plan.targetFingerprint, jcsFingerprint(before));
      }),
      runs(200),
    );
  });

  test("checkEdit and planPublish changes", () => {
    const before = sample("production");
    const after = sample("staging");
    const edit = rules.checkEdit({ actor: ownerOf("dev"), environment: "production", before, after });
    assert.deepStrictEqual(patched(before, edit.changes.patch), after);
    // A publish goes from live to the workspace, as given: diffWorkspaces(live, workspace).
    const publish = rules.planPublish({ actor: { id: "ada", roles: ["admin"] }, workspace: after, live: before });
    assert.deepStrictEqual(patched(before, publish.changes.patch), after);
    assert.deepStrictEqual(publish.changes, diffWorkspaces(before, after));
  });
});

describe("fingerprints equal an independent RFC 8785 + SHA-256 in JS", () => {
  test("the samples, their payloads and plans", () => {
    for (const env of CHAIN) {
      const workspace = sample(env);
      assert.equal(fingerprint(workspace), jcsFingerprint(workspace), env);
      const { payload } = filterContent(workspace);
      assert.equal(fingerprint(payload), jcsFingerprint(payload), env);
      for (const kind of PROMOTED) for (const item of payload[kind]) assert.equal(fingerprint(item), jcsFingerprint(item));
    }
  });

  test("manifests: item fingerprints of the payload; variables by structure (without defaultValue)", () => {
    const workspaces = Object.fromEntries(CHAIN.map((env) => [env, sample(env)]));
    for (const [i, from] of CHAIN.slice(0, 4).entries()) {
      const to = CHAIN[i + 1];
      const plan = rules.planSync({ actor: ownerOf(from), from, to, source: workspaces[from], target: workspaces[to] });
      for (const kind of PROMOTED) {
        const expected = {};
        for (const item of plan.payload[kind]) {
          if (kind === "variables") {
            const { defaultValue, ...structure } = item;
            expected[item.name] = jcsFingerprint(structure);
          } else {
            expected[item.id] = jcsFingerprint(item);
          }
        }
        assert.deepStrictEqual(plan.manifest[kind], expected, `${from} → ${to} ${kind}`);
      }
      // Two environments with different defaults have the same variable manifest.
      workspaces[to] = afterSync(workspaces[to], plan.payload);
    }
    const fromTest = rules.planSync({ actor: ownerOf("test"), from: "test", to: "uat", source: workspaces.test, target: workspaces.uat });
    const fromStaging = rules.planSync({ actor: ownerOf("staging"), from: "staging", to: "production", source: workspaces.staging, target: workspaces.production });
    assert.deepStrictEqual(fromTest.manifest.variables, fromStaging.manifest.variables);
    assert.notDeepStrictEqual(fromTest.payload.variables, fromStaging.payload.variables);
  });

  test("generated JSON values", () => {
    fc.assert(
      fc.property(json(4), (value) => {
        assert.equal(fingerprint(value), jcsFingerprint(value));
        assert.equal(fingerprint(value), fingerprint(JSON.parse(JSON.stringify(value))));
      }),
      runs(1000),
    );
  });

  test("generated numbers (ES number serialisation)", () => {
    const number = fc
      .oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, min: -1e-3, max: 1e-3 }),
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(Number),
      );
    fc.assert(
      fc.property(number, (x) => {
        assert.equal(fingerprint(x), jcsFingerprint(x));
        assert.equal(fingerprint([x]), jcsFingerprint([x]));
      }),
      runs(3000),
    );
    for (const x of [1e-7, 1e-6, 0.000001, 123e-20, 5e-324, 2 ** -1074, 0.1 + 0.2, 1 / 3, 9007199254740991, 4.35, 333333333.3333332, 1e15, 1e-5 * 3]) {
      assert.equal(fingerprint(x), jcsFingerprint(x), String(x));
    }
  });

  test("text crosses into WebAssembly whole, whatever its bytes per character", () => {
    // An argument's UTF-8 is written into WebAssembly memory by TextEncoder.encodeInto, first into
    // one byte per UTF-16 unit, then into room for three: each width, short and long, at the edges
    // of that room, as a string value, as an object and as JSON text.
    const pieces = ["a", "\u00e9", "\u20ac", "\u{1F600}", "a\u{1F600}\u20ac\u00e9"];
    for (const piece of pieces) {
      for (const count of [1, 2, 3, 4, 5, 1000, 100_000]) {
        const s = piece.repeat(count);
        const expected = jcsFingerprint(s);
        assert.equal(fingerprint(s), expected, `${JSON.stringify(piece)} × ${count}`);
        assert.equal(fingerprint([s]), jcsFingerprint([s]));
        assert.equal(fingerprint({ [s.slice(0, 64)]: s }), jcsFingerprint({ [s.slice(0, 64)]: s }));
      }
    }
    // A sync whose content is mostly four-byte characters: the same plan from text and objects.
    const source = { agents: Array.from({ length: 200 }, (_, i) => ({ id: `a${i}`, instructions: "\u{1F600}\u20ac".repeat(500) })) };
    const request = { actor: { id: "dana", roles: ["developer"] }, from: "dev", to: "test", source, target: {} };
    const fromObject = rules.planSync(request);
    const fromText = rules.planSync(JSON.stringify(request));
    assert.equal(fromObject.fingerprint, jcsFingerprint(fromObject.payload));
    assert.equal(fromText.fingerprint, fromObject.fingerprint);
    assert.deepEqual(fromObject.payload.agents, source.agents);
  });

  test("generated keys and strings (UTF-16 key order, escapes)", () => {
    const key = fc.string({ unit: "grapheme", maxLength: 4 });
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ unit: "grapheme" }), { maxKeys: 8 }), (object) => {
        assert.equal(fingerprint(object), jcsFingerprint(object));
      }),
      runs(1000),
    );
    // RFC 8785 §3.2.3: keys sort by UTF-16 code units, so "\u{1F600}" (D83D …) sorts before "\uFFFD".
    const object = { "\uFFFD": 1, "\u{1F600}": 2, "\u20AC": 3, "\r": 4, "1": 5, "\u0080": 6, "\u00F6": 7 };
    assert.equal(fingerprint(object), jcsFingerprint(object));
    assert.equal(fingerprint("\u2028\u2029\u001F\u007F</script>"), jcsFingerprint("\u2028\u2029\u001F\u007F</script>"));
  });
});

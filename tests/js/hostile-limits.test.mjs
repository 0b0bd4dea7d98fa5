// The documented limits, from JavaScript: nesting depth 1,000,000 in object form and in JSON-string
// form never overflows a stack (LIMIT_EXCEEDED at the first container past depth 128, the same path
// in both forms, at every entry point); 10 MB strings work (values, keys, secret-named values);
// input past 256 MiB is LIMIT_EXCEEDED (a JSON string's length, an object's total string content,
// an array's claimed length).
//
// The 256 MiB cases allocate about a gigabyte of strings: they run with HOSTILE_FULL=1
// (scripts/test-hostile.mjs), and are skipped by the shared runner (scripts/test-js.mjs).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { PromotionRules, diffWorkspaces, filterContent, fingerprint } from "promotion-rules";
import { ada, dana, jcsFingerprint, throwsPromotionRulesError } from "./helpers.mjs";

const FULL = process.env.HOSTILE_FULL === "1";
const rules = new PromotionRules();
const MAX_DEPTH = 128;
const MiB = 1024 * 1024;
const LIMIT = 256 * MiB;

/** A value nested `levels` deep, built without recursion: arrays, objects, or both in turn. */
function deep(levels, shape) {
  let value = 0;
  for (let i = 0; i < levels; i++) {
    const array = shape === "arrays" || (shape === "mixed" && i % 2 === 0);
    value = array ? [value] : { d: value };
  }
  return value;
}

/** The JSON text of deep(levels, shape), built without recursion (JSON.stringify would overflow). */
function deepText(levels, shape) {
  const opens = [];
  const closes = [];
  const isArray = (i) => shape === "arrays" || (shape === "mixed" && i % 2 === 0);
  for (let i = levels - 1; i >= 0; i--) opens.push(isArray(i) ? "[" : '{"d":');
  for (let i = 0; i < levels; i++) closes.push(isArray(i) ? "]" : "}");
  return opens.join("") + "0" + closes.join("");
}

/**
 * Every entry point with a hole `v` for a deep value: [name, call(v), text(v as text) or null,
 * the prefix naming the argument in paths, the level of the hole inside its argument].
 */
const DEPTH = 1_000_000;
const ENTRY_POINTS = [
  ["filterContent", (v) => filterContent({ analytics: v }), (t) => filterContent(`{"analytics":${t}}`), "", 2],
  ["fingerprint", (v) => fingerprint(v), null, "", 1],
  ["diffWorkspaces before", (v) => diffWorkspaces({ conversations: [v] }, {}), (t) => diffWorkspaces(`{"conversations":[${t}]}`, "{}"), "/before", 3],
  ["diffWorkspaces after", (v) => diffWorkspaces({}, { issues: v }), (t) => diffWorkspaces("{}", `{"issues":${t}}`), "/after", 2],
  ["planSync source", (v) => rules.planSync({ actor: dana(), from: "dev", to: "test", source: { agents: [{ id: "a", v }] } }), (t) => rules.planSync(`{"actor":{"id":"dana","roles":["developer"]},"from":"dev","to":"test","source":{"agents":[{"id":"a","v":${t}}]}}`), "", 5],
  ["planSync base", (v) => rules.planSync({ actor: dana(), from: "dev", to: "test", source: {}, base: v }), (t) => rules.planSync(`{"actor":{"id":"dana","roles":["developer"]},"from":"dev","to":"test","source":{},"base":${t}}`), "", 2],
  ["checkEdit after", (v) => rules.checkEdit({ actor: dana(), environment: "dev", before: {}, after: { variables: [{ name: "J", type: "json", defaultValue: v }] } }), (t) => rules.checkEdit(`{"actor":{"id":"dana","roles":["developer"]},"environment":"dev","before":{},"after":{"variables":[{"name":"J","type":"json","defaultValue":${t}}]}}`), "", 5],
  ["planPublish workspace", (v) => rules.planPublish({ actor: ada(), workspace: { channels: [{ id: "c", v }] } }), (t) => rules.planPublish(`{"actor":{"id":"ada","roles":["admin"]},"workspace":{"channels":[{"id":"c","v":${t}}]}}`), "", 5],
  ["authorize actor", (v) => rules.authorize({ id: "x", roles: [], v }, "sync", "dev"), (t) => rules.authorize(`{"id":"x","roles":[],"v":${t}}`, "sync", "dev"), "/actor", 2],
  ["new PromotionRules", (v) => new PromotionRules({ roles: v }), (t) => new PromotionRules(`{"roles":${t}}`), "", 2],
];

/** LIMIT_EXCEEDED at the first container past depth 128 of its argument. */
function assertTooDeep(error, prefix, holeLevel, name) {
  assert.equal(error.code, "LIMIT_EXCEEDED", `${name}: ${error.message}`);
  assert.ok(error.path.startsWith(prefix), `${name}: ${error.path.slice(0, 60)}`);
  const segments = error.path.slice(prefix.length).split("/").length - 1;
  assert.equal(segments, MAX_DEPTH, `${name}: the path names the container at depth ${MAX_DEPTH + 1}`);
  assert.ok(holeLevel <= MAX_DEPTH);
  assert.match(error.message, /deeper than 128/);
}

describe("depth 1,000,000 never overflows a stack: LIMIT_EXCEEDED with a path", () => {
  for (const shape of ["arrays", "objects", "mixed"]) {
    test(`${shape}, object form and JSON-string form, at every entry point`, () => {
      const value = deep(DEPTH, shape);
      const text = deepText(DEPTH, shape);
      assert.equal(text.length > 2 * DEPTH, true);
      for (const [name, call, callText, prefix, level] of ENTRY_POINTS) {
        const fromObject = throwsPromotionRulesError(() => call(value), "LIMIT_EXCEEDED");
        assertTooDeep(fromObject, prefix, level, `${name} (object)`);
        if (callText) {
          const fromText = throwsPromotionRulesError(() => callText(text), "LIMIT_EXCEEDED");
          assertTooDeep(fromText, prefix, level, `${name} (text)`);
          assert.equal(fromText.path, fromObject.path, `${name}: the same path in both forms`);
        }
      }
      // The module still answers afterwards (no trap left it broken).
      assert.equal(rules.authorize(dana(), "sync", "dev").allowed, true);
    });
  }

  test("exactly at the limit: depth 128 passes in both forms, 129 does not", () => {
    // fingerprint: the value is the root (level 1).
    assert.equal(fingerprint(deep(128, "mixed")), jcsFingerprint(JSON.parse(deepText(128, "mixed"))));
    throwsPromotionRulesError(() => fingerprint(deep(129, "mixed")), "LIMIT_EXCEEDED");
    // planSync: the hole is at level 5 (request, source, agents, item, v).
    const ok = deep(MAX_DEPTH - 4, "arrays");
    assert.equal(ENTRY_POINTS[4][1](ok).allowed, true);
    assert.equal(ENTRY_POINTS[4][2](deepText(MAX_DEPTH - 4, "arrays")).allowed, true);
    throwsPromotionRulesError(() => ENTRY_POINTS[4][1](deep(MAX_DEPTH - 3, "arrays")), "LIMIT_EXCEEDED");
    throwsPromotionRulesError(() => ENTRY_POINTS[4][2](deepText(MAX_DEPTH - 3, "arrays")), "LIMIT_EXCEEDED");
  });

  test("a deep cycle is a depth error or a cycle error, never a stack overflow", () => {
    const a = [];
    let cursor = a;
    for (let i = 0; i < 10_000; i++) cursor = cursor[0] = [];
    cursor[0] = a;
    throwsPromotionRulesError(() => fingerprint(a), "LIMIT_EXCEEDED");
    const short = {};
    short.self = { back: short };
    throwsPromotionRulesError(() => fingerprint(short), "INVALID_INPUT", "/self/back");
  });
});

describe("10 MB strings work", () => {
  const TEN_MB = 10 * 1000 * 1000;
  const big = "Northwind ".repeat(TEN_MB / 10);

  test("a 10 MB instruction travels in a sync, object form and JSON-string form", () => {
    const source = { agents: [{ id: "a", instructions: big }], analytics: { note: big } };
    const request = { actor: dana(), from: "dev", to: "test", source, target: { agents: [{ id: "a", instructions: "old" }] } };
    const plan = rules.planSync(request);
    assert.equal(plan.allowed, true, JSON.stringify(plan.violations));
    assert.equal(plan.payload.agents[0].instructions.length, TEN_MB);
    assert.equal(plan.payload.agents[0].instructions, big);
    assert.deepEqual(plan.excluded, { analytics: 1 });
    assert.deepEqual(plan.changes.patch, [{ op: "replace", path: "/agents/0/instructions", value: big }]);
    assert.equal(plan.fingerprint, jcsFingerprint(plan.payload));
    const fromText = rules.planSync(JSON.stringify(request));
    assert.equal(fromText.fingerprint, plan.fingerprint);
    assert.deepStrictEqual(fromText.manifest, plan.manifest);
  });

  test("a 10 MB string value, a 10 MB key, non-ASCII: fingerprints agree with SHA-256 of RFC 8785", () => {
    const wide = "é😀".repeat(TEN_MB / 3); // 10 MB of UTF-16, more in UTF-8
    assert.equal(fingerprint(big), "sha256:" + createHash("sha256").update(JSON.stringify(big)).digest("hex"));
    assert.equal(fingerprint({ [big]: 1 }), jcsFingerprint({ [big]: 1 }));
    assert.equal(fingerprint([wide]), jcsFingerprint([wide]));
    const filtered = filterContent({ analytics: { [big]: wide } });
    assert.deepEqual(filtered.excluded, { analytics: 1 });
    assert.equal(filterContent(JSON.stringify({ agents: [{ id: "a", wide }] })).payload.agents[0].wide, wide);
  });

  test("a 10 MB inline secret is found and redacted (never sent back)", () => {
    const plan = rules.planSync({ actor: dana(), from: "dev", to: "test", source: { integrations: [{ id: "crm", password: big, header: `Bearer sk-${"a".repeat(TEN_MB)}` }] } });
    assert.equal(plan.allowed, false);
    assert.deepEqual(plan.violations.map((v) => `${v.code} ${v.path}`).sort(), [
      "INLINE_SECRET /source/integrations/0/header",
      "INLINE_SECRET /source/integrations/0/password",
    ]);
    const item = plan.payload.integrations[0];
    assert.ok(item.password.length < 100 && item.header.length < 100, "the values are redacted");
    assert.ok(!JSON.stringify(plan).includes("aaaaaaaaaaaaaaaaaaaa"), "no trace of the secret in the answer");
  });
});

describe("the input limit: 256 MiB", () => {
  test("an array's length counts: a sparse array claiming more items than the limit is refused at once", () => {
    const claimed = [];
    claimed.length = LIMIT + 1;
    throwsPromotionRulesError(() => filterContent({ analytics: claimed }), "LIMIT_EXCEEDED", "/analytics");
    throwsPromotionRulesError(() => fingerprint({ a: [claimed] }), "LIMIT_EXCEEDED", "/a/0");
    // Below the limit a sparse array is a hole at its first missing index.
    const holey = [];
    holey.length = 1000;
    throwsPromotionRulesError(() => filterContent({ analytics: holey }), "INVALID_INPUT", "/analytics/0");
  });

  test("JSON text longer than 256 MiB", { skip: !FULL && "HOSTILE_FULL=1 (scripts/test-hostile.mjs)" }, () => {
    const text = `"${"x".repeat(LIMIT - 1)}"`; // 256 MiB + 1 characters
    assert.equal(text.length, LIMIT + 1);
    throwsPromotionRulesError(() => filterContent(text), "LIMIT_EXCEEDED", "");
    throwsPromotionRulesError(() => rules.planSync(text), "LIMIT_EXCEEDED", "");
    throwsPromotionRulesError(() => rules.authorize(text, "sync", "dev"), "LIMIT_EXCEEDED", "/actor");
    throwsPromotionRulesError(() => diffWorkspaces("{}", text), "LIMIT_EXCEEDED", "/after");
    throwsPromotionRulesError(() => new PromotionRules(text), "LIMIT_EXCEEDED", "");
  });

  test("an object whose string content passes 256 MiB: refused at the string that passes it", { skip: !FULL && "HOSTILE_FULL=1 (scripts/test-hostile.mjs)" }, () => {
    const one = "y".repeat(LIMIT + 1);
    throwsPromotionRulesError(() => filterContent({ analytics: { big: one } }), "LIMIT_EXCEEDED", "/analytics/big");
    throwsPromotionRulesError(() => fingerprint(one), "LIMIT_EXCEEDED", "");
    // Several strings (the same one three times): the third passes the limit.
    const third = "z".repeat(100 * MiB);
    throwsPromotionRulesError(() => rules.planSync({ actor: dana(), from: "dev", to: "test", source: { conversations: [third, third, third] } }), "LIMIT_EXCEEDED", "/source/conversations/2");
    // The module still answers afterwards.
    assert.equal(filterContent({ agents: [{ id: "a" }] }).payload.agents.length, 1);
  });
});

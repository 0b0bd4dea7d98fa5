// Corners found by a second implementation, checked as classes on generated workspaces
// (fast-check, 1,000 runs each):
// - every patch the API answers (diffWorkspaces, checkEdit, planSync, planPublish) applies with
//   fast-json-patch to the document exactly as it was given;
// - redaction never changes a decision (inlineSecrets "block" and "warn" give the same codes);
// - a store that drops a variable's empty `usage` array changes no manifest entry and no decision.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import jsonPatch from "fast-json-patch";
import { PromotionRules, diffWorkspaces, filterContent, manifest } from "promotion-rules";
import { ada, dana, omar } from "./helpers.mjs";

const { applyPatch, deepClone } = jsonPatch;
const SEED = Number(process.env.FC_SEED ?? 20251125);
const runs = { numRuns: 1000, seed: SEED, endOnFailure: true };
const KEY = "sk-abcdefghijklmnopqrstuvwx";

const engine = (inlineSecrets) =>
  new PromotionRules({
    roles: {
      developer: { dev: ["edit", "sync"] },
      devops: { staging: ["sync"], production: ["publish"] },
      admin: { production: ["publish", "hotfix"] },
    },
    noSelfPromotion: ["test", "production"],
    inlineSecrets,
  });
const blocking = engine("block");
const warning = engine("warn");

const item = fc.record(
  {
    id: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("a", "b", "c", "x/y") }, { weight: 1, arbitrary: fc.constant(KEY) }),
    token: fc.constantFrom(KEY, "{{secrets.K}}", "friendly"),
    updatedBy: fc.constantFrom("dana", "omar"),
    uses: fc.array(fc.record({ kind: fc.constantFrom("agents", "workflows", "variables"), id: fc.constantFrom("a", "b", "A") }), { maxLength: 2 }),
    v: fc.nat(2),
  },
  { requiredKeys: ["id"] },
);
const variable = fc.record(
  {
    name: fc.constantFrom("A", "B", "C"),
    type: fc.constantFrom("string", "json"),
    usage: fc.constantFrom([], ["a"], ["a", "b"]),
    defaultValue: fc.constantFrom("x", KEY),
  },
  { requiredKeys: ["name", "type"] },
);
const workspace = fc
  .record(
    {
      agents: fc.uniqueArray(item, { selector: (i) => i.id, maxLength: 3 }),
      workflows: fc.uniqueArray(item, { selector: (i) => i.id, maxLength: 3 }),
      knowledgeBase: fc.uniqueArray(item, { selector: (i) => i.id, maxLength: 2 }),
      integrations: fc.uniqueArray(item, { selector: (i) => i.id, maxLength: 2 }),
      channels: fc.uniqueArray(item, { selector: (i) => i.id, maxLength: 2 }),
      variables: fc.uniqueArray(variable, { selector: (v) => v.name, maxLength: 3 }),
      secrets: fc.constant([{ name: "K" }]),
      conversations: fc.array(fc.nat(), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .map((w) => JSON.parse(JSON.stringify(w))); // plain objects, as JSON.parse makes them

const patched = (before, patch) => applyPatch(deepClone(before), patch, true, false).newDocument;

function withoutEmptyUsage(w) {
  const copy = deepClone(w);
  for (const v of copy.variables ?? []) if (Array.isArray(v.usage) && v.usage.length === 0) delete v.usage;
  return copy;
}

function syncRequest(source, target, previous, intoProduction) {
  const [actor, from, to] = intoProduction ? [omar(), "staging", "production"] : [dana(), "dev", "test"];
  return { actor, from, to, source, target, base: manifest(previous), acknowledge: ["agents/a"] };
}

/** Every issue as "code path violation?", INLINE_SECRET's severity left out, sorted. */
function judged(plan) {
  const all = [
    ...plan.violations.map((i) => `${i.code} ${i.path ?? ""} ${i.code !== "INLINE_SECRET"}`),
    ...plan.warnings.map((i) => `${i.code} ${i.path ?? ""} false`),
  ];
  return all.sort();
}

describe("every patch applies to the document as given (fast-json-patch)", () => {
  test("diffWorkspaces, checkEdit, planSync and planPublish", () => {
    fc.assert(
      fc.property(workspace, workspace, workspace, fc.boolean(), (before, after, previous, intoProduction) => {
        assert.deepStrictEqual(patched(before, diffWorkspaces(before, after).patch), after);
        const edit = warning.checkEdit({ actor: dana(), environment: "dev", before, after });
        assert.deepStrictEqual(patched(before, edit.changes.patch), after);
        const plan = warning.planSync(syncRequest(after, before, previous, intoProduction));
        assert.deepStrictEqual(patched(filterContent(before).payload, plan.changes.patch), plan.payload);
        const publish = warning.planPublish({ actor: ada(), workspace: after, live: before, base: manifest(previous) });
        assert.deepStrictEqual(patched(before, publish.changes.patch), after);
      }),
      runs,
    );
  });
});

describe("decisions read the content as sent", () => {
  test("redaction never changes a decision", () => {
    fc.assert(
      fc.property(workspace, workspace, workspace, fc.boolean(), (source, target, previous, intoProduction) => {
        const request = syncRequest(source, target, previous, intoProduction);
        const blocked = blocking.planSync(request);
        const warned = warning.planSync(request);
        assert.deepStrictEqual(judged(blocked), judged(warned));
        const secrets = warned.warnings.filter((i) => i.code === "INLINE_SECRET").length;
        assert.equal(blocked.allowed, warned.allowed && secrets === 0);
        assert.ok(!JSON.stringify([blocked.payload, blocked.manifest]).includes(KEY));
      }),
      runs,
    );
  });

  test("a store that drops empty usage arrays changes no manifest entry and no decision", () => {
    fc.assert(
      fc.property(workspace, workspace, workspace, fc.boolean(), (source, target, previous, intoProduction) => {
        assert.deepStrictEqual(manifest(withoutEmptyUsage(target)), manifest(target));
        const plan = warning.planSync(syncRequest(source, target, previous, intoProduction));
        const stored = warning.planSync(syncRequest(source, withoutEmptyUsage(target), withoutEmptyUsage(previous), intoProduction));
        assert.deepStrictEqual(judged(stored), judged(plan));
        assert.deepStrictEqual(stored.manifest, plan.manifest);
        const synced = warning.planSync(syncRequest(source, target, previous, true));
        const live = { ...target, ...synced.payload };
        for (const w of [live, withoutEmptyUsage(live)]) {
          const publish = warning.planPublish({ actor: ada(), workspace: w, base: synced.manifest });
          assert.deepStrictEqual(publish.violations, []);
        }
        for (const environment of ["staging", "production"]) {
          const edit = warning.checkEdit({ actor: omar(), environment, before: live, after: withoutEmptyUsage(live) });
          assert.deepStrictEqual(edit.violations.filter((i) => i.code === "VARIABLE_STRUCTURE_LOCKED"), []);
        }
      }),
      runs,
    );
  });
});

describe("the examples of the report", () => {
  test("a variable stored without usage is no drift; a blocked secret deleted in place would be reverted", () => {
    const rules = new PromotionRules();
    const synced = rules.planSync({ actor: omar(), from: "staging", to: "production", source: { variables: [{ name: "V", type: "string", usage: [] }] } });
    const again = rules.planSync({
      actor: omar(), from: "staging", to: "production",
      source: { variables: [{ name: "V", type: "string", usage: [] }] },
      target: { variables: [{ name: "V", type: "string" }] }, base: synced.manifest,
    });
    assert.deepStrictEqual([again.allowed, again.violations], [true, []]);
    const source = { agents: [{ id: "bot", token: KEY }] };
    const plan = rules.planSync({ actor: omar(), from: "staging", to: "production", source, target: {}, base: manifest(source) });
    assert.deepStrictEqual(plan.violations.map((i) => i.code), ["INLINE_SECRET", "WOULD_REVERT_HOTFIX"]);
  });

  test("checkEdit's patch from {} adds the kind; removing the kind removes it", () => {
    for (const [before, after] of [[{}, { channels: [{ id: "c" }] }], [{ channels: [{ id: "c" }] }, {}]]) {
      const edit = warning.checkEdit({ actor: dana(), environment: "dev", before, after });
      assert.deepStrictEqual(patched(before, edit.changes.patch), after);
      assert.deepStrictEqual(edit.changes, diffWorkspaces(before, after));
    }
  });
});


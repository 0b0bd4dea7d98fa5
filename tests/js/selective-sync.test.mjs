// Selective sync (SPEC §5) against the installed package. User story: dana promotes only the work
// that is ready; what it depends on comes along (and the plan says why), nothing else in the target
// moves — and selecting everything is exactly the full sync.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import canonicalize from "canonicalize";
import fc from "fast-check";
import { PromotionRules, manifest } from "promotion-rules";
import { dana, jcsFingerprint, sample, throwsPromotionRulesError } from "./helpers.mjs";

const rules = new PromotionRules();
const PROMOTED = ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"];
const idOf = (kind, item) => (kind === "variables" ? item.name : item.id);

function everyItem(...workspaces) {
  const labels = new Set();
  for (const w of workspaces) for (const kind of PROMOTED) for (const item of w[kind] ?? []) labels.add(`${kind}/${idOf(kind, item)}`);
  return [...labels].sort();
}

const request = (select, extra = {}) => ({ actor: dana(), from: "dev", to: "test", source: sample("dev"), target: sample("test"), select, ...extra });

describe("selective sync", () => {
  test("selecting every item of both sides is the full sync: same payload, fingerprint and manifest", () => {
    const full = rules.planSync({ actor: dana(), from: "dev", to: "test", source: sample("dev"), target: sample("test") });
    const selective = rules.planSync(request(everyItem(sample("dev"), sample("test")).reverse()));
    assert.equal(canonicalize(selective.payload), canonicalize(full.payload));
    assert.equal(selective.fingerprint, full.fingerprint);
    assert.deepEqual(selective.manifest, full.manifest);
    const { selection, ...rest } = selective;
    assert.deepEqual(rest, full);
    assert.deepEqual(selection.pulledIn, []);
  });

  test("every single item selected alone: unselected test items stay byte-identical, the manifest is the payload's", () => {
    const test_ = sample("test");
    for (const label of everyItem(sample("dev"), test_)) {
      const plan = rules.planSync(request([label]));
      const moved = new Set([...plan.selection.requested, ...plan.selection.pulledIn.map((p) => p.item)]);
      for (const kind of PROMOTED) {
        for (const item of test_[kind] ?? []) {
          if (moved.has(`${kind}/${idOf(kind, item)}`)) continue;
          const copy = plan.payload[kind].find((p) => idOf(kind, p) === idOf(kind, item));
          assert.equal(canonicalize(copy), canonicalize(item), `${label}: ${kind}/${idOf(kind, item)}`);
        }
      }
      assert.deepEqual(plan.manifest, manifest(plan.payload), label);
      assert.equal(plan.fingerprint, jcsFingerprint(plan.payload), label);
      for (const pulled of plan.selection.pulledIn) assert.ok(moved.has(pulled.because) || everyItem(sample("dev"), test_).includes(pulled.because));
    }
  });

  test("random selections never leave a reference dangling that the full sync does not (fast-check)", () => {
    const all = everyItem(sample("dev"), sample("test"));
    const dangling = (payload) => {
      const held = new Set(everyItem(payload));
      const found = new Set();
      for (const kind of PROMOTED) for (const item of payload[kind]) for (const ref of item.uses ?? []) {
        if (PROMOTED.includes(ref.kind) && !held.has(`${ref.kind}/${ref.id}`)) found.add(`${kind}/${idOf(kind, item)} → ${ref.kind}/${ref.id}`);
      }
      return found;
    };
    const full = rules.planSync({ actor: dana(), from: "dev", to: "test", source: sample("dev"), target: sample("test") });
    const allowed = new Set([...dangling(full.payload), ...dangling(sample("test"))]);
    fc.assert(
      fc.property(fc.subarray(all), (chosen) => {
        const plan = rules.planSync(request(chosen));
        for (const d of dangling(plan.payload)) assert.ok(allowed.has(d), `${chosen}: ${d}`);
      }),
      { numRuns: 150 },
    );
  });

  test("closure: refuse reports DEPENDENCY_NOT_SELECTED; bad selections throw at their path", () => {
    const dev = sample("dev");
    const needing = everyItem(dev).find((label) => {
      const plan = rules.planSync(request([label], { closure: "refuse" }));
      return plan.violations.some((v) => v.code === "DEPENDENCY_NOT_SELECTED");
    });
    assert.ok(needing, "an item of dev needs another");
    const pulled = rules.planSync(request([needing])).selection.pulledIn;
    const refused = rules.planSync(request([needing], { closure: "refuse" }));
    assert.equal(refused.violations.filter((v) => v.code === "DEPENDENCY_NOT_SELECTED").length, pulled.length);
    throwsPromotionRulesError(() => rules.planSync(request(["agents/nobody"])), "INVALID_INPUT", "/select/0");
    throwsPromotionRulesError(() => rules.planSync(request(["agents/nobody"], { closure: "refuse" })), "INVALID_INPUT", "/select/0");
    throwsPromotionRulesError(() => rules.planSync(JSON.stringify(request([], { closure: "both" }))), "INVALID_INPUT", "/closure");
  });
});

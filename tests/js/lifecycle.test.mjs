// The module under stress and the life cycle of an instance: 10,000 calls that each throw do not
// wear it out, and free() / Symbol.dispose release an instance without harming the others.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PromotionRules, filterContent, fingerprint } from "promotion-rules";
import { dana, jcsFingerprint, ownerOf, sample } from "./helpers.mjs";

test("the same instance still answers after 10,000 calls that each throw", () => {
  const rules = new PromotionRules();
  const request = { actor: dana(), from: "dev", to: "test", source: sample("dev"), target: sample("test") };
  const expected = rules.planSync(request);
  const bad = [
    () => rules.planSync("{not json"),
    () => rules.planSync('{"actor":{"id":"a","roles":[]},"from":"dev","to":"moon","source":{}}'),
    () => rules.authorize(dana(), "sync", "moon"),
    () => rules.checkEdit({ actor: dana(), environment: "dev", before: {}, after: { analytics: NaN } }),
    () => rules.planPublish({ actor: dana(), workspace: { agents: [{ id: "a", n: NaN }] } }),
    () => rules.nextEnvironment("nowhere"),
    () => filterContent('{"a":1,"a":2}'),
    () => fingerprint({ n: NaN }),
  ];
  const seen = {};
  for (let i = 0; i < 10_000; i++) {
    let error;
    try {
      bad[i % bad.length]();
    } catch (caught) {
      error = caught;
    }
    assert.ok(error, `call ${i} did not throw`);
    if (error.name !== "PromotionRulesError") assert.fail(`call ${i} threw ${error.name}: ${error.message}`);
    seen[error.code] = (seen[error.code] ?? 0) + 1;
  }
  assert.deepEqual(seen, { INVALID_INPUT: 10_000 });
  assert.deepStrictEqual(rules.planSync(request), expected);
  assert.equal(rules.authorize({ id: "ada", roles: ["admin"] }, "hotfix", "PRODUCTION").allowed, true);
  assert.equal(rules.nextEnvironment("uat"), "staging");
  assert.equal(fingerprint(sample("uat")), jcsFingerprint(sample("uat")));
});

test("many instances and big answers do not exhaust the memory", () => {
  const source = sample("dev");
  const target = sample("test");
  for (let i = 0; i < 300; i++) {
    const rules = new PromotionRules(i % 2 ? undefined : { roles: { developer: { dev: ["sync"] } } });
    assert.equal(rules.planSync({ actor: ownerOf("dev"), from: "dev", to: "test", source, target }).allowed, true);
    rules.free();
  }
});

test("free() and Symbol.dispose exist; a freed instance throws; a new one works", () => {
  assert.equal(typeof PromotionRules.prototype.free, "function");
  assert.equal(typeof Symbol.dispose, "symbol");
  assert.equal(typeof PromotionRules.prototype[Symbol.dispose], "function");

  const rules = new PromotionRules();
  assert.equal(rules.nextEnvironment("dev"), "test");
  rules.free();
  assert.throws(() => rules.nextEnvironment("dev"), Error);
  assert.throws(() => rules.authorize(dana(), "sync", "dev"), Error);
  assert.throws(() => rules.environments, Error);

  const disposed = new PromotionRules();
  disposed[Symbol.dispose]();
  // Releasing twice (a `using` block around an explicit free()) is a no-op, not an error.
  assert.doesNotThrow(() => disposed.free());
  assert.doesNotThrow(() => rules[Symbol.dispose]());
  assert.throws(() => disposed.planSync({ actor: dana(), from: "dev", to: "test", source: {} }), Error);

  const fresh = new PromotionRules();
  assert.equal(fresh.authorize(dana(), "sync", "dev").allowed, true);
  assert.deepEqual(fresh.environments, ["dev", "test", "uat", "staging", "production"]);
});

test("freeing one instance leaves the others working", () => {
  const a = new PromotionRules();
  const b = new PromotionRules({ environments: ["dev", "production"], roles: {} });
  a.free();
  assert.deepEqual(b.environments, ["dev", "production"]);
  assert.equal(b.nextEnvironment("dev"), "production");
});

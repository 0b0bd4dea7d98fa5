// CommonJS: require("promotion-rules") of the installed package gives the same answers as
// import (and the same errors), as a Node user with a CommonJS project would get them.
const assert = require("node:assert/strict");
const { test } = require("node:test");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const cjs = require("promotion-rules");
const sample = (env) => JSON.parse(readFileSync(join(__dirname, "samples", `${env}.json`), "utf8"));
const API = ["PromotionRules", "defaultPolicy", "diffWorkspaces", "filterContent", "fingerprint", "manifest", "verifyAuditChain"];

/** The same calls, run against one module. */
function answers(m) {
  const rules = new m.PromotionRules();
  const custom = new m.PromotionRules({ environments: ["dev", "uat", "production"], roles: { r: { dev: ["sync"] } }, noSelfPromotion: ["uat"] });
  const dev = sample("dev");
  const test = sample("test");
  const production = sample("production");
  const dana = { id: "dana", roles: ["developer"] };
  const sync = rules.planSync({ actor: dana, from: "dev", to: "test", source: dev, target: test });
  return {
    defaultPolicy: m.defaultPolicy(),
    fingerprint: [m.fingerprint(dev), m.fingerprint("text"), m.fingerprint([1, 0.5, null])],
    filterContent: m.filterContent(dev),
    diffWorkspaces: m.diffWorkspaces(test, JSON.stringify(dev)),
    environments: [rules.environments, custom.environments],
    policy: [rules.policy, rules.policyFingerprint, custom.policy, custom.policyFingerprint],
    nextEnvironment: ["dev", "test", "uat", "staging", "production"].map((env) => rules.nextEnvironment(env)),
    authorize: [rules.authorize(dana, "sync", "dev"), rules.authorize(dana, "publish", "production")],
    checkEdit: rules.checkEdit({ actor: dana, environment: "test", before: test, after: dev }),
    planSync: sync,
    planPublish: rules.planPublish({ actor: { id: "ada", roles: ["admin"] }, workspace: production, live: sample("staging"), base: sync.manifest }),
    planRollback: rules.planRollback({ actor: { id: "omar", roles: ["devops"] }, environment: "production", workspace: production, version: sample("staging"), base: sync.manifest }),
    selective: rules.planSync({ actor: dana, from: "dev", to: "test", source: dev, target: test, select: ["agents/billing-agent"] }),
    verifyAuditChain: m.verifyAuditChain([sync.audit, { ...sync.audit, previous: m.fingerprint(sync.audit) }]),
    errors: [
      () => m.filterContent("{bad"),
      () => m.filterContent('{"a":1,"a":2}'),
      () => m.fingerprint({ x: NaN }),
      () => rules.planSync({ actor: dana, from: "dev", to: "moon", source: {} }),
      () => new m.PromotionRules({ roles: { r: { dev: ["fly"] } } }),
      () => m.diffWorkspaces({}, { agents: [{ id: "a" }, { id: "a" }] }),
      () => m.verifyAuditChain([1]),
      () => rules.planRollback({ actor: dana, environment: "production", workspace: {} }),
    ].map((call) => {
      try {
        call();
        return "returned";
      } catch (error) {
        return { name: error.name, code: error.code, path: error.path, message: error.message, isError: error instanceof Error };
      }
    }),
  };
}

test("require() gives the API of the spec", () => {
  assert.deepEqual(Object.keys(cjs).filter((key) => key !== "__esModule").sort(), API);
  assert.equal(typeof cjs.PromotionRules.prototype.free, "function");
  assert.equal(typeof cjs.PromotionRules.prototype[Symbol.dispose], "function");
});

test("import and require give the same answers and the same errors", async () => {
  const esm = await import("promotion-rules");
  assert.deepEqual(Object.keys(esm).sort(), API);
  assert.notEqual(esm.PromotionRules, cjs.PromotionRules, "two builds of the glue: CommonJS and ESM");
  const fromRequire = answers(cjs);
  const fromImport = answers(esm);
  assert.deepStrictEqual(fromRequire, fromImport);
  for (const error of fromRequire.errors) {
    assert.equal(error.name, "PromotionRulesError");
    assert.equal(error.isError, true);
    assert.match(error.code, /^(INVALID_INPUT|INVALID_POLICY|LIMIT_EXCEEDED)$/);
    assert.equal(typeof error.path, "string");
  }
  assert.deepEqual(fromRequire.nextEnvironment.slice(0, 4), ["test", "uat", "staging", "production"]);
});

test("the subpaths resolve from CommonJS", () => {
  assert.equal(require("promotion-rules/package.json").name, "promotion-rules");
  assert.equal(require("promotion-rules/node").fingerprint({}), cjs.fingerprint({}));
  assert.ok(require.resolve("promotion-rules/promotion_rules_bg.wasm").endsWith(".wasm"));
});

test("the CommonJS build reads the shared .wasm (no second copy in the package)", () => {
  const root = join(require.resolve("promotion-rules/package.json"), "..");
  const { readdirSync } = require("node:fs");
  const wasmFiles = [];
  (function walk(dir) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith(".wasm")) wasmFiles.push(entry.name);
    }
  })(root);
  assert.deepEqual(wasmFiles, ["promotion_rules_bg.wasm"]);
});

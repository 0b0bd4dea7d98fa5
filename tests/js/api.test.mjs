// Every function of the JS API (SPEC.md section 3), imported by name from the installed package.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PromotionRules, defaultPolicy, diffWorkspaces, filterContent, fingerprint, manifest } from "promotion-rules";
import * as api from "promotion-rules";
import {
  CHAIN,
  LOCAL,
  PROMOTED,
  ada,
  bea,
  codes,
  dana,
  indexOf,
  item,
  jcsFingerprint,
  omar,
  pairs,
  quinn,
  sample,
  throwsPromotionRulesError,
} from "./helpers.mjs";

const ACTIONS = ["edit", "editVariableDefault", "editLocal", "sync", "publish", "hotfix", "rollback"];
/** The table of SPEC.md §1 "defaultPolicy() follows the environments' owners". */
const OWNERS = {
  developer: { dev: ["edit", "editVariableDefault", "editLocal", "sync"] },
  qa: { test: ["editVariableDefault", "editLocal", "sync"] },
  business: { uat: ["editVariableDefault", "sync"] },
  devops: {
    staging: ["editVariableDefault", "editLocal", "sync", "rollback"],
    production: ["editVariableDefault", "editLocal", "publish", "rollback"],
  },
  admin: { production: ["publish", "hotfix", "rollback"] },
};
const sorted = (list) => [...list].sort();

test("the package exports exactly the API of the spec", () => {
  assert.deepEqual(Object.keys(api).sort(), ["PromotionRules", "defaultPolicy", "diffWorkspaces", "filterContent", "fingerprint", "manifest", "verifyAuditChain"]);
  for (const name of ["defaultPolicy", "fingerprint", "filterContent", "diffWorkspaces", "verifyAuditChain"]) assert.equal(typeof api[name], "function", name);
  assert.equal(typeof PromotionRules, "function");
});

describe("defaultPolicy()", () => {
  test("follows the environments' owners of the spec", () => {
    const policy = defaultPolicy();
    assert.deepEqual(policy.environments, CHAIN);
    assert.deepEqual(policy.noSelfPromotion, []);
    assert.equal(policy.inlineSecrets, "block");
    assert.deepEqual(sorted(Object.keys(policy.roles)), sorted(Object.keys(OWNERS)));
    for (const [role, grants] of Object.entries(OWNERS)) {
      assert.deepEqual(sorted(Object.keys(policy.roles[role])), sorted(Object.keys(grants)), role);
      for (const [env, actions] of Object.entries(grants)) assert.deepEqual(sorted(policy.roles[role][env]), sorted(actions), `${role} ${env}`);
    }
  });

  test("answers a fresh object each time", () => {
    const first = defaultPolicy();
    first.roles.admin.production.push("sync");
    first.environments.length = 0;
    assert.deepEqual(defaultPolicy().roles.admin.production, ["publish", "hotfix", "rollback"]);
    assert.deepEqual(defaultPolicy().environments, CHAIN);
  });

  test("is the policy of new PromotionRules(), with the same fingerprint", () => {
    const rules = new PromotionRules();
    assert.deepEqual(rules.policy, defaultPolicy());
    assert.equal(rules.policyFingerprint, fingerprint(defaultPolicy()));
    assert.equal(rules.policyFingerprint, jcsFingerprint(defaultPolicy()));
    assert.equal(new PromotionRules(defaultPolicy()).policyFingerprint, rules.policyFingerprint);
  });
});

describe("fingerprint()", () => {
  test("is sha256 of the RFC 8785 canonical JSON", () => {
    assert.equal(fingerprint({}), "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    assert.match(fingerprint(sample("dev")), /^sha256:[0-9a-f]{64}$/);
    assert.equal(fingerprint({ b: 1, a: [1e-7, 0.1, 12345.678e3, -5, "é"] }), fingerprint({ a: [1e-7, 0.1, 12345.678e3, -5, "é"], b: 1 }));
    assert.equal(fingerprint({ b: 1, a: [1e-7, 0.1, 12345.678e3, -5, "é"] }), jcsFingerprint({ a: [1e-7, 0.1, 12345.678e3, -5, "é"], b: 1 }));
    assert.notEqual(fingerprint({ a: 1 }), fingerprint({ a: "1" }));
  });

  test("hashes a string as a JSON string, not as JSON text", () => {
    assert.equal(fingerprint("{}"), jcsFingerprint("{}"));
    assert.notEqual(fingerprint("{}"), fingerprint({}));
    assert.equal(fingerprint(""), "sha256:" + "12ae32cb1ec02d01eda3581b127c1fee3b0dc53572ed6baf239721a03d82e126"); // sha256 of ""
  });

  test("hashes a long string with escapes at every offset as canonicalize and SHA-256 do", () => {
    // A string argument is hashed without JSON text in between, eight bytes at a time: escapes
    // and multi-byte characters at every position of a word, and long plain runs.
    const specials = ["\"", "\\", "\n", "\u0000", "\u001f", "é", "€", "😀", "\u2028", "/"];
    for (let length = 0; length < 40; length++) {
      for (const special of specials) {
        const value = "x".repeat(length) + special + "prose ".repeat(length);
        assert.equal(fingerprint(value), jcsFingerprint(value), JSON.stringify(value));
      }
    }
    const long = "The customer asked about the refund.\n".repeat(50_000);
    assert.equal(fingerprint(long), jcsFingerprint(long));
  });

  test("hashes scalars and null", () => {
    for (const value of [null, true, false, 0, 1, -1, 0.5, 123456789, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 5e-324, "", "a\u0000\n\"\\", "😀"]) {
      assert.equal(fingerprint(value), jcsFingerprint(value), JSON.stringify(value));
    }
  });

  test("refuses undefined with INVALID_INPUT", () => {
    throwsPromotionRulesError(() => fingerprint(undefined), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => fingerprint(), "INVALID_INPUT", "");
  });
});

describe("filterContent()", () => {
  test("keeps the six promoted kinds and counts what stays behind", () => {
    const dev = sample("dev");
    const { payload, excluded, warnings } = filterContent(dev);
    assert.deepEqual(sorted(Object.keys(payload)), sorted(PROMOTED));
    for (const kind of PROMOTED) assert.deepEqual(payload[kind], dev[kind], kind);
    const expected = {};
    for (const kind of [...LOCAL, "experiments"]) expected[kind] = Array.isArray(dev[kind]) ? dev[kind].length : 1;
    assert.deepEqual(excluded, expected);
    assert.deepEqual(pairs(warnings), [["UNKNOWN_CONTENT_KIND", "/experiments"]]);
    assert.ok(warnings[0].message.includes("experiments"));
  });

  test("an empty workspace has all six keys, empty", () => {
    const { payload, excluded, warnings } = filterContent({});
    assert.deepEqual(payload, { agents: [], workflows: [], knowledgeBase: [], integrations: [], channels: [], variables: [] });
    assert.deepEqual(excluded, {});
    assert.deepEqual(warnings, []);
  });

  test("never carries a local kind, whatever its shape", () => {
    const { payload, excluded } = filterContent({ secrets: { CRM: "hunter2" }, analytics: 7, issues: [1, 2, 3] });
    assert.equal(JSON.stringify(payload).includes("hunter2"), false);
    assert.deepEqual(excluded, { secrets: 1, analytics: 1, issues: 3 });
  });

  test("refuses bad workspaces with a path", () => {
    throwsPromotionRulesError(() => filterContent({ agents: "x" }), "INVALID_INPUT", "/agents");
    throwsPromotionRulesError(() => filterContent({ agents: [{ id: 5 }] }), "INVALID_INPUT", "/agents/0/id");
    throwsPromotionRulesError(() => filterContent({ workflows: [{ id: "a" }, { id: "a" }] }), "INVALID_INPUT", "/workflows/1/id");
    throwsPromotionRulesError(() => filterContent({ variables: [{ name: "X", type: "colour" }] }), "INVALID_INPUT", "/variables/0/type");
    throwsPromotionRulesError(() => filterContent([]), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => filterContent(null), "INVALID_INPUT", "");
  });
});

describe("diffWorkspaces()", () => {
  test("lists the changes from test to dev by kind", () => {
    const test = sample("test");
    const dev = sample("dev");
    const changes = diffWorkspaces(test, dev);
    assert.deepEqual(sorted(Object.keys(changes)), ["kinds", "local", "patch", "summary"]);
    assert.deepEqual(sorted(Object.keys(changes.kinds)), sorted(PROMOTED));
    const { agents, workflows, knowledgeBase, variables } = changes.kinds;
    assert.deepEqual(agents.modified.map((m) => m.id), ["billing-agent"]);
    assert.ok(agents.modified[0].fields.includes("/tone"), JSON.stringify(agents.modified[0]));
    assert.ok(agents.modified[0].fields.includes("/instructions"));
    assert.deepEqual(workflows.added, ["wf-payment-arrangement"]);
    assert.deepEqual(knowledgeBase.removed, ["kb-legacy-dsl-plans"]);
    assert.deepEqual(variables.added, ["ARRANGEMENT_QUEUE"]);
    assert.deepEqual(variables.defaultsKept, []);
    assert.deepEqual(variables.defaultsReset, []);
    // The summary sums the kinds.
    for (const key of ["added", "modified", "removed", "unchanged"]) {
      const total = PROMOTED.reduce((sum, kind) => sum + (key === "unchanged" ? changes.kinds[kind].unchanged : changes.kinds[kind][key].length), 0);
      assert.equal(changes.summary[key], total, key);
    }
    // local names exactly the local kinds whose content differs.
    const differing = LOCAL.filter((kind) => jcsFingerprint(test[kind] ?? null) !== jcsFingerprint(dev[kind] ?? null));
    assert.deepEqual(sorted(changes.local), sorted(differing));
    assert.ok(changes.patch.length > 0);
  });

  test("fields are JSON Pointers to the deepest changed member", () => {
    const before = { agents: [{ id: "a", behaviour: { temperature: 0.2, rules: { x: 1 } }, tone: "formal" }] };
    const after = { agents: [{ id: "a", behaviour: { temperature: 0.2, rules: { x: 2 } }, tone: "formal" }] };
    assert.deepEqual(diffWorkspaces(before, after).kinds.agents.modified, [{ id: "a", fields: ["/behaviour/rules/x"] }]);
  });

  test("identical workspaces differ in nothing", () => {
    const changes = diffWorkspaces(sample("uat"), sample("uat"));
    assert.deepEqual(changes.patch, []);
    assert.deepEqual(changes.local, []);
    assert.deepEqual({ ...changes.summary, unchanged: 0 }, { added: 0, modified: 0, removed: 0, unchanged: 0 });
    assert.ok(changes.summary.unchanged > 0);
  });

  test("error paths name the argument", () => {
    throwsPromotionRulesError(() => diffWorkspaces({ agents: "x" }, {}), "INVALID_INPUT", "/before/agents");
    throwsPromotionRulesError(() => diffWorkspaces({}, { agents: [{ id: "a" }, { id: "a" }] }), "INVALID_INPUT", "/after/agents/1/id");
    throwsPromotionRulesError(() => diffWorkspaces({}, "{not json"), "INVALID_INPUT", "/after");
    throwsPromotionRulesError(() => diffWorkspaces({}), "INVALID_INPUT", "/after");
  });
});

describe("new PromotionRules(policy?)", () => {
  test("without a policy: the default one, five environments", () => {
    for (const rules of [new PromotionRules(), new PromotionRules(undefined), new PromotionRules(null)]) {
      assert.deepEqual(rules.environments, CHAIN);
      assert.deepEqual(rules.policy, defaultPolicy());
    }
  });

  test("a custom policy: a shorter chain, names read case-insensitively and written lowercase", () => {
    const rules = new PromotionRules({
      environments: ["DEV", "Staging", "production"],
      roles: { builder: { Dev: ["sync", "edit"] }, ops: { staging: ["sync"], PRODUCTION: ["publish"], uat: ["sync"] } },
      noSelfPromotion: ["staging", "uat"],
      inlineSecrets: "warn",
    });
    assert.deepEqual(rules.environments, ["dev", "staging", "production"]);
    assert.equal(rules.nextEnvironment("dev"), "staging");
    assert.equal(rules.nextEnvironment("staging"), "production");
    const policy = rules.policy;
    assert.deepEqual(policy.environments, ["dev", "staging", "production"]);
    assert.deepEqual(sorted(policy.roles.builder.dev), ["edit", "sync"]);
    assert.equal(policy.roles.ops.uat, undefined, "grants for an environment the chain leaves out are ignored");
    assert.deepEqual(policy.noSelfPromotion, ["staging"]);
    assert.equal(policy.inlineSecrets, "warn");
    assert.equal(rules.policyFingerprint, jcsFingerprint(policy));
    assert.notEqual(rules.policyFingerprint, new PromotionRules().policyFingerprint);
    // An environment the chain leaves out is bad input in a request.
    throwsPromotionRulesError(() => rules.nextEnvironment("test"), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => rules.authorize({ id: "b", roles: ["builder"] }, "sync", "uat"), "INVALID_INPUT", "/environment");
    assert.equal(rules.authorize({ id: "b", roles: ["builder"] }, "sync", "DEV").allowed, true);
    const plan = rules.planSync({ actor: { id: "o", roles: ["ops"] }, from: "staging", to: "production", source: {} });
    assert.equal(plan.allowed, true);
    assert.equal(plan.policyFingerprint, rules.policyFingerprint);
  });

  test("the same policy in another key order has the same fingerprint", () => {
    const a = new PromotionRules({ roles: { x: { dev: ["edit", "sync"] }, y: { test: ["sync"] } }, inlineSecrets: "block" });
    const b = new PromotionRules({ inlineSecrets: "block", roles: { y: { TEST: ["sync"] }, x: { dev: ["sync", "edit"] } } });
    assert.equal(a.policyFingerprint, b.policyFingerprint);
    assert.deepEqual(a.policy, b.policy);
  });

  test("an invalid policy throws INVALID_POLICY with the path of the fault", () => {
    const cases = [
      [{ roles: { dev: { dev: ["fly"] } } }, "/roles/dev/dev/0"],
      [{ roles: { a: { moon: ["edit"] } } }, "/roles/a/moon"],
      [{ environments: ["dev", "moon", "production"], roles: {} }, "/environments/1"],
      [{ environments: ["dev", "production", "staging"], roles: {} }, "/environments/2"],
      [{ roles: {}, inlineSecrets: "maybe" }, "/inlineSecrets"],
      [{ roles: {}, role: {} }, "/role"],
      [{ roles: [] }, "/roles"],
      [5, ""],
      ['{"roles":{},"roles":{}}', "/roles"],
      ["{not json", ""],
    ];
    for (const [policy, path] of cases) {
      const error = throwsPromotionRulesError(() => new PromotionRules(policy), "INVALID_POLICY", path);
      assert.ok(error.message.length > 10, error.message);
    }
  });

  test("a policy without roles is valid and denies everything", () => {
    const rules = new PromotionRules({});
    assert.deepEqual(rules.policy.roles, {});
    assert.deepEqual(rules.environments, CHAIN);
    assert.equal(rules.authorize({ id: "a", roles: ["developer"] }, "edit", "dev").allowed, false);
  });

  test("environments is the chain, a fresh array each time", () => {
    const rules = new PromotionRules();
    rules.environments.pop();
    assert.deepEqual(rules.environments, CHAIN);
  });
});

describe(".nextEnvironment(env)", () => {
  const rules = new PromotionRules();
  test("walks the chain, case-insensitively", () => {
    assert.deepEqual(CHAIN.slice(0, 4).map((env) => rules.nextEnvironment(env)), CHAIN.slice(1));
    assert.equal(rules.nextEnvironment("UAT"), "staging");
    assert.equal(rules.nextEnvironment("Dev"), "test");
  });
  test("answers null (not undefined) after production", () => {
    assert.strictEqual(rules.nextEnvironment("production"), null);
    assert.strictEqual(rules.nextEnvironment("PRODUCTION"), null);
  });
  test("refuses unknown names and non-strings", () => {
    throwsPromotionRulesError(() => rules.nextEnvironment("moon"), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => rules.nextEnvironment("prod"), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => rules.nextEnvironment(5), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => rules.nextEnvironment(), "INVALID_INPUT", "");
  });
});

describe(".authorize(actor, action, environment)", () => {
  const rules = new PromotionRules();
  test("the whole table of the default policy (5 roles × 5 environments × 6 actions)", () => {
    for (const role of Object.keys(OWNERS)) {
      for (const env of CHAIN) {
        for (const action of ACTIONS) {
          const decision = rules.authorize({ id: "someone", roles: [role] }, action, env);
          const granted = (OWNERS[role][env] ?? []).includes(action);
          assert.equal(decision.allowed, granted, `${role} ${action} ${env}`);
          assert.deepEqual(decision.warnings, []);
          if (granted) assert.deepEqual(decision.violations, []);
          else {
            assert.deepEqual(pairs(decision.violations), [["FORBIDDEN", "/actor"]], `${role} ${action} ${env}`);
            assert.ok(decision.violations[0].message.length > 0);
          }
        }
      }
    }
  });
  test("an actor holds the union of its roles; an unknown role grants nothing", () => {
    const both = { id: "pat", roles: ["developer", "qa"] };
    assert.equal(rules.authorize(both, "sync", "dev").allowed, true);
    assert.equal(rules.authorize(both, "sync", "test").allowed, true);
    assert.equal(rules.authorize(both, "sync", "uat").allowed, false);
    assert.equal(rules.authorize({ id: "x", roles: ["superuser"] }, "edit", "dev").allowed, false);
    assert.equal(rules.authorize({ id: "x", roles: [] }, "edit", "dev").allowed, false);
  });
  test("names are read case-insensitively", () => {
    assert.equal(rules.authorize(ada(), "hotfix", "PRODUCTION").allowed, true);
  });
  test("bad arguments throw with the path of the argument", () => {
    throwsPromotionRulesError(() => rules.authorize(dana(), "sync", "moon"), "INVALID_INPUT", "/environment");
    throwsPromotionRulesError(() => rules.authorize(dana(), "fly", "dev"), "INVALID_INPUT", "/action");
    throwsPromotionRulesError(() => rules.authorize(dana(), 5, "dev"), "INVALID_INPUT", "/action");
    throwsPromotionRulesError(() => rules.authorize(dana(), "sync", 5), "INVALID_INPUT", "/environment");
    throwsPromotionRulesError(() => rules.authorize({ id: 5, roles: [] }, "sync", "dev"), "INVALID_INPUT", "/actor/id");
    throwsPromotionRulesError(() => rules.authorize({ id: "x" }, "sync", "dev"), "INVALID_INPUT", "/actor/roles");
    throwsPromotionRulesError(() => rules.authorize(undefined, "sync", "dev"), "INVALID_INPUT", "/actor");
  });
});

describe(".checkEdit({ actor, environment, before, after, hotfix? })", () => {
  const rules = new PromotionRules();
  const edited = (workspace, change) => {
    const after = structuredClone(workspace);
    change(after);
    return after;
  };

  test("dana edits content in dev", () => {
    const before = sample("dev");
    const after = edited(before, (w) => (item(w, "agents", "tech-support-agent").tone = "reassuring"));
    const check = rules.checkEdit({ actor: dana(), environment: "dev", before, after });
    assert.equal(check.allowed, true);
    assert.deepEqual(check.violations, []);
    assert.deepEqual(check.changes.kinds.agents.modified, [{ id: "tech-support-agent", fields: ["/tone"] }]);
    assert.deepEqual(check.audit, {
      event: "workspace.edit",
      actor: "dana",
      environment: "dev",
      allowed: true,
      codes: ["UNKNOWN_CONTENT_KIND"],
      fingerprint: jcsFingerprint(after), // the edited content: the whole "after" workspace
    });
  });

  test("content is read-only outside dev", () => {
    const before = sample("test");
    const after = edited(before, (w) => (w.agents[0].tone = "grumpy"));
    const check = rules.checkEdit({ actor: quinn(), environment: "test", before, after });
    assert.equal(check.allowed, false);
    assert.deepEqual(pairs(check.violations), [["READ_ONLY_ENVIRONMENT", "/after/agents/0"]]);
    assert.deepEqual(check.audit.codes, ["READ_ONLY_ENVIRONMENT"]);
    assert.equal(check.audit.allowed, false);
  });

  test("default values are local; structure is locked outside dev", () => {
    const before = sample("test");
    const i = indexOf(before, "variables", "CRM_URL");
    const ok = rules.checkEdit({ actor: quinn(), environment: "test", before, after: edited(before, (w) => (w.variables[i].defaultValue = "https://crm.qa.example/")) });
    assert.equal(ok.allowed, true, JSON.stringify(ok.violations));
    const wrongType = rules.checkEdit({ actor: quinn(), environment: "test", before, after: edited(before, (w) => (w.variables[i].defaultValue = 5)) });
    assert.deepEqual(pairs(wrongType.violations), [["INVALID_VARIABLE_VALUE", `/after/variables/${i}/defaultValue`]]);
    const notUrl = rules.checkEdit({ actor: quinn(), environment: "test", before, after: edited(before, (w) => (w.variables[i].defaultValue = "ftp://x.example")) });
    assert.deepEqual(codes(notUrl.violations), ["INVALID_VARIABLE_VALUE"]);
    const structure = rules.checkEdit({ actor: quinn(), environment: "test", before, after: edited(before, (w) => (w.variables[i].description = "x")) });
    assert.deepEqual(pairs(structure.violations), [["VARIABLE_STRUCTURE_LOCKED", `/after/variables/${i}`]]);
    const byDana = rules.checkEdit({ actor: dana(), environment: "test", before, after: edited(before, (w) => (w.variables[i].defaultValue = "https://crm.qa.example/")) });
    assert.deepEqual(codes(byDana.violations), ["FORBIDDEN"]);
  });

  test("local kinds need editLocal", () => {
    const before = sample("uat");
    const after = edited(before, (w) => w.issues.push({ id: "UAT-1", title: "typo" }));
    assert.deepEqual(codes(rules.checkEdit({ actor: bea(), environment: "uat", before, after }).violations), ["FORBIDDEN"]);
    const stagingBefore = sample("staging");
    const stagingAfter = edited(stagingBefore, (w) => w.issues.push({ id: "OPS-1" }));
    const check = rules.checkEdit({ actor: omar(), environment: "staging", before: stagingBefore, after: stagingAfter });
    assert.equal(check.allowed, true);
    assert.deepEqual(check.changes.local, ["issues"]);
  });

  test("a production hotfix needs a declaration and the hotfix action", () => {
    const before = sample("production");
    const after = edited(before, (w) => (item(w, "agents", "tech-support-agent").tone = "reassuring"));
    const i = indexOf(before, "agents", "tech-support-agent");
    const reason = "Outage in the north";
    assert.deepEqual(pairs(rules.checkEdit({ actor: ada(), environment: "production", before, after }).violations), [["READ_ONLY_ENVIRONMENT", `/after/agents/${i}`]]);
    assert.deepEqual(pairs(rules.checkEdit({ actor: omar(), environment: "production", before, after, hotfix: { reason } }).violations), [["FORBIDDEN", "/actor"]]);
    const allowed = rules.checkEdit({ actor: ada(), environment: "production", before, after, hotfix: { reason } });
    assert.equal(allowed.allowed, true, JSON.stringify(allowed.violations));
    assert.equal(allowed.audit.environment, "production");
    throwsPromotionRulesError(() => rules.checkEdit({ actor: ada(), environment: "production", before, after, hotfix: { reason: "" } }), "INVALID_INPUT", "/hotfix/reason");
  });

  test("bad requests throw", () => {
    throwsPromotionRulesError(() => rules.checkEdit({ actor: dana(), environment: "moon", before: {}, after: {} }), "INVALID_INPUT", "/environment");
    throwsPromotionRulesError(() => rules.checkEdit({ actor: dana(), environment: "dev", before: {}, after: { agents: 1 } }), "INVALID_INPUT", "/after/agents");
  });
});

describe(".planSync({ actor, from, to, source, target?, base?, acknowledge? })", () => {
  const rules = new PromotionRules();

  test("dana syncs dev → test: payload, changes, manifest, fingerprints and audit", () => {
    const dev = sample("dev");
    const test = sample("test");
    const plan = rules.planSync({ actor: dana(), from: "DEV", to: "test", source: dev, target: test });
    assert.equal(plan.allowed, true);
    assert.deepEqual(plan.violations, []);
    assert.equal(plan.from, "dev");
    assert.equal(plan.to, "test");
    assert.deepEqual(codes(plan.warnings), ["UNKNOWN_CONTENT_KIND", "VARIABLE_DEFAULT_RESET", "MISSING_SECRET"]);
    const missing = plan.warnings.find((w) => w.code === "MISSING_SECRET");
    assert.ok(missing.message.includes("TICKETING_SIGNING_SECRET"), missing.message);
    assert.deepEqual(sorted(Object.keys(plan.payload)), sorted(PROMOTED));
    for (const kind of PROMOTED.slice(0, 5)) assert.deepEqual(plan.payload[kind], dev[kind], kind);
    // Variables: structure from dev, defaults kept from test, MAX_TURNS reset, ARRANGEMENT_QUEUE new.
    assert.equal(item(plan.payload, "variables", "CRM_URL").defaultValue, item(test, "variables", "CRM_URL").defaultValue);
    assert.equal(item(plan.payload, "variables", "MAX_TURNS").defaultValue, 20);
    assert.equal(item(plan.payload, "variables", "ARRANGEMENT_QUEUE").defaultValue, "billing-arrangements-dev");
    assert.deepEqual(sorted(plan.changes.kinds.variables.defaultsKept), sorted(["BUSINESS_HOURS", "CRM_URL", "REFUND_AUTO_APPROVE_LIMIT", "SURVEY_ENABLED"]));
    assert.deepEqual(plan.changes.kinds.variables.defaultsReset, ["MAX_TURNS"]);
    assert.deepEqual(plan.changes.kinds.workflows.added, ["wf-payment-arrangement"]);
    assert.deepEqual(plan.changes.kinds.knowledgeBase.removed, ["kb-legacy-dsl-plans"]);
    assert.deepEqual(plan.changes.local, [], "the target's local kinds stay as they are");
    assert.equal(plan.excluded.experiments, 2);
    assert.equal(plan.excluded.secrets, dev.secrets.length);
    assert.equal(JSON.stringify(plan.payload).includes("experiments"), false);
    // Manifest: every payload item by id (variables by name), fingerprints of the items.
    for (const kind of PROMOTED) {
      const key = kind === "variables" ? "name" : "id";
      assert.deepEqual(sorted(Object.keys(plan.manifest[kind])), sorted(plan.payload[kind].map((x) => x[key])), kind);
    }
    // Fingerprints.
    assert.equal(plan.fingerprint, jcsFingerprint(plan.payload));
    assert.equal(plan.sourceFingerprint, jcsFingerprint(filterContent(dev).payload));
    assert.equal(plan.targetFingerprint, jcsFingerprint(filterContent(test).payload));
    assert.equal(plan.policyFingerprint, rules.policyFingerprint);
    assert.deepEqual(plan.audit, {
      event: "workspace.sync",
      actor: "dana",
      from: "dev",
      to: "test",
      allowed: true,
      codes: ["UNKNOWN_CONTENT_KIND", "VARIABLE_DEFAULT_RESET", "MISSING_SECRET"],
      fingerprint: plan.fingerprint,
    });
  });

  test("without a target the payload is all additions", () => {
    const plan = rules.planSync({ actor: dana(), from: "dev", to: "test", source: sample("dev") });
    assert.equal(plan.allowed, true);
    assert.equal(plan.changes.summary.modified + plan.changes.summary.removed + plan.changes.summary.unchanged, 0);
    assert.equal(plan.targetFingerprint, jcsFingerprint(filterContent({}).payload));
  });

  test("only to the next environment, and not out of production", () => {
    assert.deepEqual(pairs(rules.planSync({ actor: dana(), from: "dev", to: "uat", source: {} }).violations), [["NOT_NEXT_ENVIRONMENT", "/to"]]);
    const last = rules.planSync({ actor: ada(), from: "production", to: "production", source: {} });
    assert.equal(last.allowed, false);
    assert.ok(codes(last.violations).includes("NO_NEXT_ENVIRONMENT"));
  });

  test("inline secrets are blocked (or warned with inlineSecrets: warn)", () => {
    const source = { integrations: [{ id: "crm", apiKey: "abc123" }, { id: "ok", headers: { Authorization: "Bearer {{secrets.CRM}}" } }, { id: "gh", note: "ghp_" + "a".repeat(36) }] };
    const blocked = rules.planSync({ actor: dana(), from: "dev", to: "test", source });
    assert.deepEqual(pairs(blocked.violations), [["INLINE_SECRET", "/source/integrations/0/apiKey"], ["INLINE_SECRET", "/source/integrations/2/note"]]);
    const warn = new PromotionRules({ ...defaultPolicy(), inlineSecrets: "warn" }).planSync({ actor: dana(), from: "dev", to: "test", source });
    assert.equal(warn.allowed, true);
    assert.deepEqual(codes(warn.warnings), ["INLINE_SECRET", "INLINE_SECRET"]);
  });

  test("references must resolve", () => {
    const plan = rules.planSync({ actor: dana(), from: "dev", to: "test", source: { agents: [{ id: "x", uses: [{ kind: "workflows", id: "nope" }] }] } });
    assert.deepEqual(pairs(plan.violations), [["DANGLING_REFERENCE", "/source/agents/0/uses/0"]]);
  });

  test("noSelfPromotion refuses quinn promoting her own change into uat", () => {
    const rules = new PromotionRules({ ...defaultPolicy(), noSelfPromotion: ["uat"] });
    const plan = rules.planSync({ actor: quinn(), from: "test", to: "uat", source: sample("test"), target: sample("uat") });
    assert.equal(plan.allowed, false);
    assert.deepEqual(codes(plan.violations), ["SELF_PROMOTION"]);
    const bySomeoneElse = rules.planSync({ actor: { id: "quincy", roles: ["qa"] }, from: "test", to: "uat", source: sample("test"), target: sample("uat") });
    assert.equal(bySomeoneElse.allowed, true);
  });

  test("bad requests throw with the path into the request", () => {
    throwsPromotionRulesError(() => rules.planSync({ actor: dana(), from: "dev", to: "prod", source: {} }), "INVALID_INPUT", "/to");
    throwsPromotionRulesError(() => rules.planSync({ actor: dana(), from: "dev", to: "test", source: { agents: [{ id: "a" }, { id: "a" }] } }), "INVALID_INPUT", "/source/agents/1/id");
    throwsPromotionRulesError(() => rules.planSync({ actor: dana(), from: "dev", to: "test", source: {}, acknowledge: [5] }), "INVALID_INPUT", "/acknowledge/0");
    throwsPromotionRulesError(() => rules.planSync({ actor: dana(), from: "dev", to: "test", source: {}, base: { agents: { a: 5 } } }), "INVALID_INPUT", "/base/agents/a");
    throwsPromotionRulesError(() => rules.planSync([]), "INVALID_INPUT", "");
  });
});

describe(".planPublish({ actor, workspace, live?, base?, hotfix? })", () => {
  const rules = new PromotionRules();
  test("without base: a go-live with NO_BASE_MANIFEST", () => {
    const production = sample("production");
    const plan = rules.planPublish({ actor: ada(), workspace: production });
    assert.equal(plan.allowed, true);
    assert.equal(plan.mode, "goLive");
    assert.deepEqual(pairs(plan.warnings), [["NO_BASE_MANIFEST", "/base"]]);
    assert.deepEqual(plan.hotfixes, []);
    assert.equal("changes" in plan, false, "no changes without live");
    assert.equal(plan.fingerprint, jcsFingerprint(filterContent(production).payload));
    assert.deepEqual(plan.audit, {
      event: "workspace.publish",
      actor: "ada",
      environment: "production",
      allowed: true,
      codes: ["NO_BASE_MANIFEST"],
      fingerprint: plan.fingerprint,
    });
  });
  test("needs publish in production", () => {
    const plan = rules.planPublish({ actor: dana(), workspace: sample("production") });
    assert.equal(plan.allowed, false);
    assert.deepEqual(pairs(plan.violations), [["FORBIDDEN", "/actor"]]);
    assert.equal(rules.planPublish({ actor: omar(), workspace: sample("production") }).allowed, true);
  });
  test("with live: the changes live → workspace", () => {
    const live = sample("production");
    const workspace = structuredClone(live);
    workspace.knowledgeBase.push({ id: "kb-new", title: "New" });
    const plan = rules.planPublish({ actor: ada(), workspace, live });
    assert.deepEqual(plan.changes.kinds.knowledgeBase.added, ["kb-new"]);
  });
  test("an empty hotfix reason is bad input", () => {
    throwsPromotionRulesError(() => rules.planPublish({ actor: ada(), workspace: {}, hotfix: { reason: "" } }), "INVALID_INPUT", "/hotfix/reason");
    throwsPromotionRulesError(() => rules.planPublish({ actor: ada() }), "INVALID_INPUT", "/workspace");
  });
});

test("manifest(workspace) is the manifest a sync into that workspace answers", () => {
  const rules = new PromotionRules();
  const plan = rules.planSync({ actor: { id: "dana", roles: ["developer"] }, from: "dev", to: "test", source: sample("dev"), target: sample("test") });
  const target = { ...sample("test"), ...plan.payload };
  assert.deepEqual(manifest(target), plan.manifest);
  assert.deepEqual(manifest(JSON.stringify(target)), plan.manifest);
  // Variables by structure: a default changed in place leaves the manifest as it is.
  const edited = structuredClone(target);
  edited.variables[0].defaultValue = edited.variables[0].type === "number" ? 1 : "x";
  assert.deepEqual(manifest(edited).variables, plan.manifest.variables);
  assert.throws(() => manifest({ agents: [{ id: "a" }, { id: "a" }] }), (e) => e.name === "PromotionRulesError" && e.code === "INVALID_INPUT" && e.path === "/agents/1/id");
});

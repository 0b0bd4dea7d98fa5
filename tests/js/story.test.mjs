// The sample story through the installed package: Northwind's release 2 travels
// dev → test → uat → staging → production with the people who own each environment (dana, quinn,
// bea, omar), ada takes it live, hot-fixes production, and a later sync would revert the hotfix.
// Each allowed sync is applied the way a back end would: the payload replaces the target's
// promoted content, and the plan's manifest is fed back as the next `base` of that target.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PromotionRules, filterContent } from "promotion-rules";
import {
  CHAIN,
  LOCAL,
  PEOPLE,
  ada,
  afterSync,
  codes,
  dana,
  indexOf,
  item,
  jcsFingerprint,
  omar,
  ownerOf,
  pairs,
  sample,
} from "./helpers.mjs";

const REASON = "Outage in the north: Tech Support must reassure customers first";
const rules = new PromotionRules();

class Deployment {
  constructor() {
    this.workspaces = Object.fromEntries(CHAIN.map((env) => [env, sample(env)]));
    this.bases = {};
  }

  sync(from, to, acknowledge = []) {
    const request = { actor: ownerOf(from), from, to, source: this.workspaces[from], target: this.workspaces[to], acknowledge };
    if (this.bases[to]) request.base = this.bases[to];
    const plan = rules.planSync(request);
    if (plan.allowed) {
      this.workspaces[to] = afterSync(this.workspaces[to], plan.payload);
      this.bases[to] = plan.manifest;
    }
    return plan;
  }

  promoteEverywhere() {
    return CHAIN.slice(0, 4).map((from, i) => this.sync(from, CHAIN[i + 1]));
  }

  publish(actor, hotfix) {
    const request = { actor, workspace: this.workspaces.production, base: this.bases.production };
    if (hotfix) request.hotfix = { reason: hotfix };
    return rules.planPublish(request);
  }

  techSupport(env) {
    return item(this.workspaces[env], "agents", "tech-support-agent");
  }

  /** dana changes the Tech Support agent's tone in dev, checked as an edit. */
  editToneInDev(tone) {
    const before = this.workspaces.dev;
    const after = structuredClone(before);
    item(after, "agents", "tech-support-agent").tone = tone;
    const check = rules.checkEdit({ actor: dana(), environment: "dev", before, after });
    assert.equal(check.allowed, true, JSON.stringify(check.violations));
    assert.deepEqual(check.changes.kinds.agents.modified, [{ id: "tech-support-agent", fields: ["/tone"] }]);
    this.workspaces.dev = after;
  }
}

function releaseTwoLive() {
  const deployment = new Deployment();
  for (const plan of deployment.promoteEverywhere()) assert.equal(plan.allowed, true, `${plan.from} → ${plan.to}: ${JSON.stringify(plan.violations)}`);
  const goLive = deployment.publish(ada());
  assert.equal(goLive.allowed, true, JSON.stringify(goLive.violations));
  return deployment;
}

function hotfixed() {
  const deployment = releaseTwoLive();
  deployment.techSupport("production").tone = "reassuring";
  const published = deployment.publish(ada(), REASON);
  assert.equal(published.mode, "hotfix");
  return deployment;
}

describe("the release travels dev → test → uat → staging → production", () => {
  test("each step by the owner of its source, with the warnings of the story", () => {
    const deployment = new Deployment();
    const plans = deployment.promoteEverywhere();
    assert.deepEqual(
      plans.map((plan) => [plan.from, plan.to, plan.audit.actor, plan.allowed, codes(plan.warnings)]),
      [
        ["dev", "test", "dana", true, ["UNKNOWN_CONTENT_KIND", "VARIABLE_DEFAULT_RESET", "MISSING_SECRET"]],
        ["test", "uat", "quinn", true, ["VARIABLE_DEFAULT_RESET"]],
        ["uat", "staging", "bea", true, ["VARIABLE_DEFAULT_RESET"]],
        ["staging", "production", "omar", true, ["VARIABLE_DEFAULT_RESET", "NO_BASE_MANIFEST"]],
      ],
    );
    const dev = sample("dev");
    for (const env of CHAIN) {
      assert.deepEqual(deployment.workspaces[env].agents, dev.agents, env);
      assert.deepEqual(deployment.workspaces[env].workflows, dev.workflows, env);
      assert.equal("experiments" in deployment.workspaces[env], env === "dev", env);
    }
    for (const plan of plans) {
      assert.deepEqual(deployment.bases[plan.to], plan.manifest);
      assert.equal(plan.fingerprint, jcsFingerprint(plan.payload));
      assert.equal(plan.audit.fingerprint, plan.fingerprint);
    }
    // uat → staging carries release 2's new agent and doc; staging → production the eSIM doc too.
    assert.deepEqual(plans[2].changes.kinds.agents.added, ["retention-agent"]);
    assert.ok(plans[3].changes.kinds.knowledgeBase.added.includes("kb-retention-offers"));
  });

  test("a second round with the manifests as base is clean: nothing changed in place", () => {
    const deployment = new Deployment();
    deployment.promoteEverywhere();
    const again = deployment.promoteEverywhere();
    for (const plan of again) {
      assert.equal(plan.allowed, true);
      assert.deepEqual(plan.violations, []);
      assert.equal(codes(plan.warnings).includes("NO_BASE_MANIFEST"), false);
      assert.equal(plan.changes.summary.added + plan.changes.summary.modified + plan.changes.summary.removed, 0, `${plan.from} → ${plan.to}`);
      assert.deepEqual(plan.changes.patch, []);
    }
  });

  test("the wrong person cannot take any step of the chain", () => {
    const deployment = new Deployment();
    for (const [i, from] of CHAIN.slice(0, 4).entries()) {
      for (const [name, person] of Object.entries(PEOPLE)) {
        const plan = rules.planSync({ actor: person(), from, to: CHAIN[i + 1], source: deployment.workspaces[from], target: deployment.workspaces[CHAIN[i + 1]] });
        const owner = ownerOf(from).id === name;
        assert.equal(plan.allowed, owner, `${name} ${from}`);
        assert.equal(codes(plan.violations).includes("FORBIDDEN"), !owner, `${name} ${from}`);
      }
    }
  });

  test("every environment keeps its own defaults and local kinds", () => {
    const deployment = releaseTwoLive();
    for (const env of CHAIN) {
      const original = sample(env);
      assert.deepEqual(item(deployment.workspaces[env], "variables", "CRM_URL").defaultValue, item(original, "variables", "CRM_URL").defaultValue, env);
      assert.equal(item(deployment.workspaces[env], "variables", "MAX_TURNS").defaultValue, 20, env);
      for (const kind of LOCAL) assert.deepEqual(deployment.workspaces[env][kind], original[kind], `${env} ${kind}`);
    }
    assert.equal(item(deployment.workspaces.production, "variables", "ARRANGEMENT_QUEUE").defaultValue, "billing-arrangements-dev");
  });
});

describe("publish", () => {
  test("ada takes the release live with the manifest of the last sync", () => {
    const deployment = new Deployment();
    deployment.promoteEverywhere();
    const goLive = rules.planPublish({ actor: ada(), workspace: deployment.workspaces.production, live: sample("production"), base: deployment.bases.production });
    assert.equal(goLive.allowed, true);
    assert.deepEqual(goLive.warnings, []);
    assert.equal(goLive.mode, "goLive");
    assert.deepEqual(goLive.hotfixes, []);
    assert.deepEqual(goLive.changes.kinds.agents.added, ["retention-agent"]);
    assert.deepEqual(goLive.changes.kinds.knowledgeBase.removed, ["kb-legacy-dsl-plans"]);
    assert.deepEqual(goLive.changes.kinds.workflows.added, ["wf-payment-arrangement"]);
    assert.equal(goLive.fingerprint, jcsFingerprint(filterContent(deployment.workspaces.production).payload));
    assert.equal(goLive.audit.fingerprint, goLive.fingerprint);
    assert.deepEqual(goLive.audit.codes, []);
  });

  test("a production hotfix is an edit only an admin may declare", () => {
    const deployment = releaseTwoLive();
    const before = deployment.workspaces.production;
    const after = structuredClone(before);
    item(after, "agents", "tech-support-agent").tone = "reassuring";
    const i = indexOf(after, "agents", "tech-support-agent");
    const edit = (actor, reason) => rules.checkEdit({ actor, environment: "production", before, after, ...(reason ? { hotfix: { reason } } : {}) });
    assert.deepEqual(pairs(edit(ada()).violations), [["READ_ONLY_ENVIRONMENT", `/after/agents/${i}`]]);
    assert.deepEqual(pairs(edit(omar(), REASON).violations), [["FORBIDDEN", "/actor"]]);
    const allowed = edit(ada(), REASON);
    assert.equal(allowed.allowed, true);
    assert.equal(allowed.audit.environment, "production");
  });

  test("the hotfix is published by declaration and listed", () => {
    const deployment = hotfixed();
    const i = indexOf(deployment.workspaces.production, "agents", "tech-support-agent");
    const undeclared = deployment.publish(ada());
    assert.equal(undeclared.allowed, false);
    assert.deepEqual(pairs(undeclared.violations), [["UNDECLARED_HOTFIX", `/workspace/agents/${i}`]]);
    const byOmar = deployment.publish(omar(), REASON);
    assert.equal(byOmar.allowed, false);
    assert.ok(codes(byOmar.violations).includes("FORBIDDEN"));
    const declared = deployment.publish(ada(), REASON);
    assert.equal(declared.allowed, true);
    assert.equal(declared.mode, "hotfix");
    assert.deepEqual(declared.hotfixes, [
      { kind: "agents", id: "tech-support-agent", fingerprint: jcsFingerprint(deployment.techSupport("production")), reason: REASON },
    ]);
    assert.deepEqual(declared.audit.codes, []);
    assert.equal(declared.audit.event, "workspace.publish");
  });

  test("a hotfix that deletes an item is listed with a null fingerprint", () => {
    const deployment = releaseTwoLive();
    const production = deployment.workspaces.production;
    production.knowledgeBase.splice(indexOf(production, "knowledgeBase", "kb-esim-activation"), 1);
    const declared = deployment.publish(ada(), REASON);
    assert.equal(declared.allowed, true);
    assert.deepEqual(declared.hotfixes, [{ kind: "knowledgeBase", id: "kb-esim-activation", fingerprint: null, reason: REASON }]);
  });
});

describe("after a hotfix", () => {
  test("a later sync that does not recreate it would revert it: WOULD_REVERT_HOTFIX, then acknowledged", () => {
    const deployment = hotfixed();
    const i = indexOf(deployment.workspaces.production, "agents", "tech-support-agent");
    const refused = deployment.sync("staging", "production");
    assert.equal(refused.allowed, false);
    assert.deepEqual(pairs(refused.violations), [["WOULD_REVERT_HOTFIX", `/target/agents/${i}`]]);
    assert.ok(refused.violations[0].message.includes("agents/tech-support-agent"), refused.violations[0].message);
    assert.deepEqual(refused.audit.codes, ["WOULD_REVERT_HOTFIX"]);
    assert.equal(refused.audit.allowed, false);
    assert.equal(deployment.techSupport("production").tone, "reassuring");

    const accepted = deployment.sync("staging", "production", ["agents/tech-support-agent"]);
    assert.equal(accepted.allowed, true);
    assert.deepEqual(pairs(accepted.warnings), [["WOULD_REVERT_HOTFIX", `/target/agents/${i}`]]);
    assert.deepEqual(accepted.audit.codes, ["WOULD_REVERT_HOTFIX"]);
    assert.equal(deployment.techSupport("production").tone, "patient");
  });

  test("an acknowledgement of nothing is reported", () => {
    const deployment = releaseTwoLive();
    const plan = deployment.sync("staging", "production", ["agents/billing-agent"]);
    assert.equal(plan.allowed, true);
    assert.deepEqual(codes(plan.warnings), ["UNUSED_ACKNOWLEDGEMENT"]);
  });

  test("recreating the hotfix in dev and promoting it again is clean", () => {
    const deployment = hotfixed();
    deployment.editToneInDev("reassuring");
    const plans = deployment.promoteEverywhere();
    for (const plan of plans) {
      assert.equal(plan.allowed, true, `${plan.from} → ${plan.to}: ${JSON.stringify(plan.violations)}`);
      assert.equal(codes(plan.warnings).includes("WOULD_REVERT_HOTFIX"), false);
      assert.equal(codes(plan.warnings).includes("CONFLICT"), false);
    }
    const intoProduction = plans[3];
    assert.deepEqual(intoProduction.warnings, []);
    assert.deepEqual(intoProduction.changes.patch, []);
    assert.equal(intoProduction.changes.summary.modified, 0);
    assert.deepEqual(plans.slice(0, 3).map((plan) => plan.changes.kinds.agents.modified.map((m) => m.id)), [["tech-support-agent"], ["tech-support-agent"], ["tech-support-agent"]]);
    for (const env of CHAIN) assert.equal(deployment.techSupport(env).tone, "reassuring", env);
    const goLive = deployment.publish(ada());
    assert.equal(goLive.allowed, true);
    assert.deepEqual(goLive.warnings, []);
    assert.equal(goLive.mode, "goLive");
    const nothing = deployment.publish(ada(), REASON);
    assert.deepEqual(pairs(nothing.warnings), [["NOTHING_TO_HOTFIX", "/hotfix"]]);
    assert.equal(nothing.mode, "goLive");
  });

  test("a different change upstream conflicts with the hotfix", () => {
    const deployment = hotfixed();
    deployment.editToneInDev("cheerful");
    for (const [i, from] of CHAIN.slice(0, 3).entries()) assert.equal(deployment.sync(from, CHAIN[i + 1]).allowed, true);
    const i = indexOf(deployment.workspaces.production, "agents", "tech-support-agent");
    const plan = deployment.sync("staging", "production");
    assert.equal(plan.allowed, false);
    assert.deepEqual(pairs(plan.violations), [["CONFLICT", `/target/agents/${i}`]]);
    const resolved = deployment.sync("staging", "production", ["agents/tech-support-agent"]);
    assert.equal(resolved.allowed, true);
    assert.deepEqual(pairs(resolved.warnings), [["CONFLICT", `/target/agents/${i}`]]);
    assert.equal(deployment.techSupport("production").tone, "cheerful");
  });
});

describe("rollback: publish v1, publish v2, hotfix in production, roll back to v1", () => {
  const rollback = (deployment, actor, version, acknowledge = []) => {
    const plan = rules.planRollback({ actor, environment: "production", workspace: deployment.workspaces.production, version, base: deployment.bases.production, acknowledge });
    if (plan.allowed) {
      deployment.workspaces.production = afterSync(deployment.workspaces.production, plan.payload);
      deployment.bases.production = plan.manifest;
    }
    return plan;
  };
  const twoVersions = () => {
    const deployment = releaseTwoLive();
    const v1 = structuredClone(deployment.workspaces.production);
    deployment.editToneInDev("cheerful");
    for (const plan of deployment.promoteEverywhere()) assert.equal(plan.allowed, true);
    assert.equal(deployment.publish(ada()).mode, "goLive");
    return { deployment, v1 };
  };

  test("omar rolls production back to v1: a preview of the change, then v1 is live again", () => {
    const { deployment, v1 } = twoVersions();
    const plan = rollback(deployment, omar(), v1);
    assert.equal(plan.allowed, true, JSON.stringify(plan.violations));
    assert.equal(plan.mode, "rollback");
    assert.equal(plan.audit.event, "workspace.rollback");
    assert.deepEqual(plan.changes.kinds.agents.modified, [{ id: "tech-support-agent", fields: ["/tone"] }]);
    assert.equal(plan.fingerprint, jcsFingerprint(plan.payload));
    assert.equal(deployment.techSupport("production").tone, "patient");
    assert.equal(deployment.publish(ada()).mode, "goLive");
  });

  test("a hotfix made since the last sync is warned about; acknowledged, the rollback is allowed", () => {
    const { deployment, v1 } = twoVersions();
    deployment.techSupport("production").tone = "reassuring";
    assert.equal(deployment.publish(ada(), REASON).mode, "hotfix");
    const i = indexOf(deployment.workspaces.production, "agents", "tech-support-agent");
    const warned = rollback(deployment, omar(), v1);
    assert.equal(warned.allowed, false);
    assert.deepEqual(codes(warned.violations), ["WOULD_REVERT_HOTFIX"]);
    assert.equal(warned.violations[0].path, `/workspace/agents/${i}`);
    assert.equal(deployment.techSupport("production").tone, "reassuring");
    const acknowledged = rollback(deployment, omar(), v1, ["agents/tech-support-agent"]);
    assert.equal(acknowledged.allowed, true);
    assert.deepEqual(codes(acknowledged.warnings), ["WOULD_REVERT_HOTFIX"]);
    assert.equal(deployment.techSupport("production").tone, "patient");
  });

  test("only devops and admins may roll back; authorize knows the action", () => {
    const { deployment, v1 } = twoVersions();
    for (const person of [dana, PEOPLE.quinn, PEOPLE.bea]) {
      assert.deepEqual(codes(rollback(deployment, person(), v1).violations), ["FORBIDDEN"]);
    }
    assert.equal(rules.authorize(omar(), "rollback", "staging").allowed, true);
    assert.equal(rules.authorize(ada(), "rollback", "production").allowed, true);
    assert.equal(rules.authorize(dana(), "rollback", "dev").allowed, false);
  });
});

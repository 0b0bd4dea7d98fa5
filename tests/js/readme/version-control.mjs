import { PromotionRules, fingerprint, verifyAuditChain } from "promotion-rules";

const rules = new PromotionRules();
const dana = { id: "dana", roles: ["developer"] };
const omar = { id: "omar", roles: ["devops"] };

// Selective sync: promote the billing agent only; the workflow it uses comes along.
const dev = {
  agents: [
    { id: "billing", tone: "warm", uses: [{ kind: "workflows", id: "refund" }] },
    { id: "support", tone: "half-done" },
  ],
  workflows: [{ id: "refund", steps: ["check", "refund"] }],
};
const test = { agents: [{ id: "billing", tone: "formal" }, { id: "support", tone: "calm" }] };
const plan = rules.planSync({ actor: dana, from: "dev", to: "test", source: dev, target: test, select: ["agents/billing"] });
console.log(plan.allowed, plan.selection.pulledIn, plan.payload.agents.map((a) => a.tone));
// true [ { item: 'workflows/refund', because: 'agents/billing' } ] [ 'warm', 'calm' ]
const strict = rules.planSync({ actor: dana, from: "dev", to: "test", source: dev, target: test, select: ["agents/billing"], closure: "refuse" });
console.log(strict.allowed, strict.violations.map((v) => v.code).join());
// false DANGLING_REFERENCE,DEPENDENCY_NOT_SELECTED

// Rollback: production back to the version published before, a hotfix made since protected.
const v1 = { agents: [{ id: "billing", tone: "formal" }] };
const v2 = { agents: [{ id: "billing", tone: "cheerful" }] };
const base = { agents: { billing: fingerprint(v2.agents[0]) } }; // the manifest of the last sync into production
const hotfixed = { agents: [{ id: "billing", tone: "reassuring" }] };
const rollback = rules.planRollback({ actor: omar, environment: "production", workspace: hotfixed, version: v1, base });
console.log(rollback.mode, rollback.allowed, rollback.violations.map((v) => v.code));
// rollback false [ 'WOULD_REVERT_HOTFIX' ]
const accepted = rules.planRollback({ actor: omar, environment: "production", workspace: hotfixed, version: v1, base, acknowledge: ["agents/billing"] });
console.log(accepted.allowed, accepted.audit.event);
// true workspace.rollback

// The audit chain: each request names the fingerprint of the last stored record.
const log = [plan.audit];
log.push(rules.planRollback({ actor: omar, environment: "production", workspace: hotfixed, version: v1, base, acknowledge: ["agents/billing"], previousAudit: fingerprint(log[0]) }).audit);
console.log(verifyAuditChain(log).valid, verifyAuditChain(log).head === fingerprint(log[1]));
// true true
log[0].actor = "mallory";
console.log(verifyAuditChain(log).brokenAt);
// 1

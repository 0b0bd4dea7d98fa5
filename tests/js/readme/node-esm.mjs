import { PromotionRules, fingerprint } from "promotion-rules";

const rules = new PromotionRules(); // the default policy; or new PromotionRules(myPolicy)

const plan = rules.planSync({
  actor: { id: "dana", roles: ["developer"] },
  from: "dev",
  to: "test",
  source: { agents: [{ id: "triage-agent", tone: "friendly" }] }, // the dev workspace
  target: { agents: [{ id: "triage-agent", tone: "formal" }] }, // the test workspace
});
console.log(plan.allowed, plan.changes.patch);
// true [ { op: 'replace', path: '/agents/0/tone', value: 'friendly' } ]
console.log(plan.fingerprint === fingerprint(plan.payload)); // true

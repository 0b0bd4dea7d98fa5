// Node, CommonJS: `node node-cjs.cjs` after `npm install promotion-rules`.
const { PromotionRules } = require("promotion-rules");

const rules = new PromotionRules();
const plan = rules.planSync({
  actor: { id: "dana", roles: ["developer"] },
  from: "dev",
  to: "test",
  source: { agents: [{ id: "support-bot", tone: "friendly", updatedBy: "dana" }] },
});
console.log(`allowed=${plan.allowed} fingerprint=${plan.fingerprint}`);

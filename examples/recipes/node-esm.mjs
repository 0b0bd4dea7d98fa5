// Node, ES modules: `node node-esm.mjs` after `npm install promotion-rules`.
// `import` resolves to the package's Node entry, which loads the .wasm synchronously: no await.
import { PromotionRules } from "promotion-rules";

const rules = new PromotionRules(); // the default policy; pass your own policy object or JSON text
const plan = rules.planSync({
  actor: { id: "dana", roles: ["developer"] },
  from: "dev",
  to: "test",
  source: { agents: [{ id: "support-bot", tone: "friendly", updatedBy: "dana" }] },
});
console.log(`allowed=${plan.allowed} fingerprint=${plan.fingerprint}`);

try {
  rules.planSync({ actor: { id: "dana", roles: ["developer"] }, from: "dev", to: "qa", source: {} });
} catch (error) {
  // Bad input throws; a denial never does (it is `allowed: false` with violations).
  console.log(`${error.name} ${error.code} at ${error.path}`);
}

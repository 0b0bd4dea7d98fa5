// Deno: `deno run main.ts` — no permission needed: the package imports its .wasm as a module.
import { PromotionRules } from "promotion-rules";

const plan = new PromotionRules().planSync({
  actor: { id: "dana", roles: ["developer"] },
  from: "dev",
  to: "test",
  source: { agents: [{ id: "support-bot", tone: "friendly", updatedBy: "dana" }] },
});
console.log(`allowed=${plan.allowed} fingerprint=${plan.fingerprint}`);

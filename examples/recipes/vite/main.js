// Vite (or any bundler): import the package by name; the bundler emits the .wasm as an asset.
import { PromotionRules } from "promotion-rules";

const plan = new PromotionRules().planSync({
  actor: { id: "dana", roles: ["developer"] },
  from: "dev",
  to: "test",
  source: { agents: [{ id: "support-bot", tone: "friendly", updatedBy: "dana" }] },
});
document.querySelector("#result").textContent = `allowed=${plan.allowed} fingerprint=${plan.fingerprint}`;

import init, { PromotionRules, fingerprint } from "promotion-rules/web";

await init(); // fetches promotion_rules_bg.wasm from next to the module

const rules = new PromotionRules();
const decision = rules.authorize({ id: "dana", roles: ["developer"] }, "sync", "dev");
document.querySelector("#out").textContent =
  `${decision.allowed} ${rules.nextEnvironment("uat")} ${fingerprint({})}`;

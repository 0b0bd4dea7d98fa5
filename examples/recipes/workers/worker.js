// Cloudflare Workers: `wrangler dev` / `wrangler deploy` with wrangler.toml beside this file.
// wrangler resolves the package through its `workerd` export and uploads the .wasm as a module.
import { PromotionRules } from "promotion-rules";

const rules = new PromotionRules(); // compiled once per isolate

export default {
  async fetch(request) {
    try {
      const plan = rules.planSync(await request.text()); // JSON text goes straight to the engine
      return Response.json(plan, { status: plan.allowed ? 200 : 403 });
    } catch (error) {
      if (error.name !== "PromotionRulesError") throw error;
      return Response.json({ code: error.code, message: error.message, path: error.path }, { status: 400 });
    }
  },
};

// `deno test main_test.ts` (no permission needed)
import { fingerprint, PromotionRules } from "promotion-rules";

Deno.test("Deno answers a sync plan with the package", () => {
  const rules = new PromotionRules();
  const plan = rules.planSync({
    actor: { id: "dana", roles: ["developer"] },
    from: "dev",
    to: "test",
    source: { agents: [{ id: "support-bot", tone: "friendly", updatedBy: "dana" }], conversations: [{}] },
  });
  if (!plan.allowed) throw new Error(`refused: ${JSON.stringify(plan.violations)}`);
  if (plan.fingerprint !== fingerprint(plan.payload)) throw new Error("the plan's fingerprint is not its payload's");
  if (plan.excluded.conversations !== 1) throw new Error("conversations must stay behind");
  if (plan.policyFingerprint !== rules.policyFingerprint) throw new Error("policy fingerprints differ");
});

Deno.test("bad input throws PromotionRulesError", () => {
  try {
    new PromotionRules().planSync("{");
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "PromotionRulesError") throw error;
    return;
  }
  throw new Error("no error thrown");
});

// A CommonJS TypeScript project (`import x = require(...)`): the `require` condition must give
// declarations that CommonJS can load (node.d.cts). Checked by tsc with module node16, which is
// also how `nodenext` behaves before TypeScript 5.8. Never run.
import promotionRules = require("promotion-rules");

const rules: promotionRules.PromotionRules = new promotionRules.PromotionRules(promotionRules.defaultPolicy());
const actor: promotionRules.Actor = { id: "dana", roles: ["developer"] };
const plan: promotionRules.SyncPlan = rules.planSync({ actor, from: "dev", to: "test", source: {} });
const codes: promotionRules.IssueCode[] = plan.audit.codes;
const next: promotionRules.Environment | null = rules.nextEnvironment("dev");
const digest: string = promotionRules.fingerprint(plan.payload);
const changes: promotionRules.ChangeSet = promotionRules.diffWorkspaces({}, promotionRules.filterContent({}).payload);
rules[Symbol.dispose]();

export = { codes, next, digest, changes };

// Deliberate mistakes: `tsc --noEmit` must reject every line marked WRONG (and nothing else), so
// the type gate of api.ts is real. scripts/test-js.mjs checks the line numbers of the errors.
import { PromotionRules, diffWorkspaces, filterContent, verifyAuditChain, type Environment, type LocalKind, type Policy, type PromotionRulesError, type Variable } from "promotion-rules";
import { PromotionRulez } from "promotion-rules"; // WRONG: no such export
import init, { initSync } from "promotion-rules/web";

const rules = new PromotionRules();
const dana = { id: "dana", roles: ["developer"] };
const plan = rules.planSync({ actor: dana, from: "dev", to: "test", source: {} });
const published = rules.planPublish({ actor: dana, workspace: {} });

export const misspeltAnswerField: boolean = plan.alowed; // WRONG: allowed
export const misspeltIssueField = plan.violations.map((issue) => issue.mesage); // WRONG: message
export const unknownCode = plan.warnings.some((issue) => issue.code === "FORBIDEN"); // WRONG: not an IssueCode
export const unknownEvent = plan.audit.event === "workspace.deploy"; // WRONG: not an audit event
export const nextIsNullable: Environment = rules.nextEnvironment("dev"); // WRONG: null after production
export const nextMayBeNull = rules.nextEnvironment("dev").toUpperCase(); // WRONG: possibly null
export const missingSource = rules.planSync({ actor: dana, from: "dev", to: "test" }); // WRONG: source is required
export const badAction = new PromotionRules({ roles: { dev: { dev: ["fly"] } } }); // WRONG: not an Action
export const badInlineSecrets: Policy = { roles: {}, inlineSecrets: "allow" }; // WRONG: block | warn
export const badVariableType: Variable = { name: "X", type: "date" }; // WRONG: not a variable type
export const badMode: "live" = published.mode; // WRONG: goLive | hotfix
export const noSecretsInPayload = plan.payload.secrets; // WRONG: a payload has the six promoted kinds only
export const noSecretsInChanges = plan.changes.kinds.secrets; // WRONG: kinds covers the promoted kinds
export const changesMayBeAbsent = published.changes.patch; // WRONG: changes only when live is given
export const hotfixFingerprintMayBeNull = published.hotfixes.map((fix) => fix.fingerprint.length); // WRONG: null for a deletion
export const badHotfix = rules.checkEdit({ actor: dana, environment: "dev", before: {}, after: {}, hotfix: { why: "x" } }); // WRONG: reason
export const oneArgument = diffWorkspaces({}); // WRONG: before and after
export const notLocal: LocalKind = "agents"; // WRONG: agents is promoted
export const readonlyChain = rules.environments.push("prod"); // WRONG: not an Environment
export const excludedMayBeAbsent: number = filterContent({}).excluded["experiments"]; // WRONG: possibly undefined
export const initIsAsync: string = init(); // WRONG: a Promise
export const initSyncNeedsTheModule = initSync(); // WRONG: bytes or a module
export function badErrorCode(error: PromotionRulesError): boolean {
  return error.code === "INVALID_JSON"; // WRONG: not an ErrorCode
}
export const badClosure = rules.planSync({ actor: dana, from: "dev", to: "test", source: {}, select: [], closure: "all" }); // WRONG: pull | refuse
export const selectIsAList = rules.planSync({ actor: dana, from: "dev", to: "test", source: {}, select: "agents/a" }); // WRONG: string[]
export const selectionMayBeAbsent = plan.selection.pulledIn; // WRONG: only for a selective sync
export const rollbackNeedsAVersion = rules.planRollback({ actor: dana, environment: "production", workspace: {} }); // WRONG: version is required
export const rollbackMode: "goLive" = rules.planRollback({ actor: dana, environment: "production", workspace: {}, version: {} }).mode; // WRONG: "rollback"
export const headMayBeNull: string = verifyAuditChain([]).head; // WRONG: null for an empty log
export const previousIsAString = rules.planSync({ actor: dana, from: "dev", to: "test", source: {}, previousAudit: 1 }); // WRONG: a fingerprint string
export const gatesMayBeNull = plan.gates.environment; // WRONG: null without a gate
export const badDecision = rules.planSync({ actor: dana, from: "dev", to: "test", source: {}, approvals: [{ actor: dana, environment: "test", fingerprint: plan.fingerprint, decision: "maybe" }] }); // WRONG: approve | reject
export const badWeekday: Policy = { gates: { test: { windows: { timeZone: "UTC", allow: [{ days: ["funday"], from: "09:00", to: "17:00" }] } } } }; // WRONG: not a Weekday
export const nextAllowedMayBeAbsent: string = published.gates?.window?.nextAllowedAt; // WRONG: possibly undefined
export const unused = PromotionRulez;

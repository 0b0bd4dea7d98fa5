// The whole API as a TypeScript user writes it (checked by `tsc --noEmit`, strict, nodenext, against
// the installed package; never run). Every function, class member, request and answer type is used,
// IssueCode and ErrorCode are narrowed exhaustively, and PromotionRulesError is caught and narrowed.
import {
  PromotionRules,
  defaultPolicy,
  diffWorkspaces,
  filterContent,
  fingerprint,
  manifest,
  verifyAuditChain,
  type Action,
  type Actor,
  type Audit,
  type AuditChainVerdict,
  type AuditRecord,
  type ChangeSet,
  type Decision,
  type EditCheck,
  type EditRequest,
  type Environment,
  type ErrorCode,
  type FilterResult,
  type FullManifest,
  type Approval,
  type DenyWindow,
  type Gate,
  type GateAnswer,
  type GateFields,
  type PromotionWindows,
  type UncountedCode,
  type WeeklyWindow,
  type Weekday,
  type Hotfix,
  type HotfixDeclaration,
  type Issue,
  type IssueCode,
  type Item,
  type Json,
  type Kind,
  type KindChanges,
  type LocalKind,
  type Manifest,
  type NormalisedPolicy,
  type Payload,
  type Policy,
  type PromotedKind,
  type PromotionRulesError,
  type PublishPlan,
  type PublishRequest,
  type PulledIn,
  type RollbackPlan,
  type RollbackRequest,
  type Selection,
  type Reference,
  type Rfc6902Operation,
  type SyncPlan,
  type SyncRequest,
  type Variable,
  type VariableChanges,
  type Workspace,
} from "promotion-rules";
import init, { initSync, PromotionRules as WebPromotionRules, fingerprint as webFingerprint, type InitInput } from "promotion-rules/web";

// ---- Types of the domain -------------------------------------------------------------------
const chain: Environment[] = ["dev", "test", "uat", "staging", "production"];
const actions: Action[] = ["edit", "editVariableDefault", "editLocal", "sync", "publish", "hotfix", "rollback"];
const promoted: PromotedKind[] = ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"];
const local: LocalKind[] = ["conversations", "analytics", "evaluators", "guardrails", "issues", "secrets"];
const kinds: Kind[] = [...promoted, ...local];
const anyJson: Json = { a: [1, "two", true, null, { b: 2.5 }] };

const policy: Policy = {
  environments: ["dev", "staging", "production"],
  roles: { developer: { dev: ["edit", "sync"] }, devops: { staging: ["sync"], production: ["publish", "hotfix"] } },
  noSelfPromotion: ["staging"],
  inlineSecrets: "warn",
};
const dana: Actor = { id: "dana", roles: ["developer"] };
const ada: Actor = { id: "ada", roles: ["admin"], team: "ops" };
const reference: Reference = { kind: "secrets", id: "CRM_API_KEY" };
const agent: Item = { id: "triage-agent", tone: "friendly", updatedBy: "dana", uses: [reference, { kind: "workflows", id: "wf" }], behaviour: { temperature: 0.3 } };
const variable: Variable = { name: "CRM_URL", type: "url", defaultValue: "https://crm.example/", usage: ["wf"], description: "CRM" };
const source: Workspace = { agents: [agent], workflows: [{ id: "wf" }], variables: [variable], secrets: [{ name: "CRM_API_KEY" }], experiments: { on: true } };
const target: Workspace = { agents: [{ ...agent, tone: "formal" }] };
const hotfix: HotfixDeclaration = { reason: "outage" };

// ---- Functions ------------------------------------------------------------------------------
const normalised: NormalisedPolicy = defaultPolicy();
const chainOfDefault: Environment[] = normalised.environments;
const inline: "block" | "warn" = normalised.inlineSecrets;
const digest: string = fingerprint(anyJson);
const filtered: FilterResult = filterContent(source);
const recorded: FullManifest = manifest(source);
const recordedAgents: { [id: string]: string } = manifest(JSON.stringify(source)).agents;
const payload: Payload = filtered.payload;
const agents: Item[] = payload.agents;
const variables: Variable[] = payload.variables;
const excludedCount: number | undefined = filtered.excluded["experiments"];
const filterWarnings: Issue[] = filterContent(JSON.stringify(source)).warnings;
const changeSet: ChangeSet = diffWorkspaces(target, source);
const fromText: ChangeSet = diffWorkspaces(JSON.stringify(target), "{}");
const agentChanges: KindChanges = changeSet.kinds.agents;
const variableChanges: VariableChanges = changeSet.kinds.variables;
const kept: string[] = [...variableChanges.defaultsKept, ...variableChanges.defaultsReset];
const modifiedFields: string[] = agentChanges.modified.flatMap((m) => [m.id, ...m.fields]);
const counts: number = changeSet.summary.added + changeSet.summary.modified + changeSet.summary.removed + changeSet.summary.unchanged;
const localChanged: LocalKind[] = changeSet.local;
const added: string[] = [...agentChanges.added, ...agentChanges.removed];
const unchanged: number = agentChanges.unchanged;

function describeOperation(operation: Rfc6902Operation): string {
  switch (operation.op) {
    case "add":
    case "replace":
    case "test":
      return `${operation.op} ${operation.path} ${JSON.stringify(operation.value)}`;
    case "remove":
      return `remove ${operation.path}`;
    case "move":
    case "copy":
      return `${operation.op} ${operation.from} → ${operation.path}`;
    default: {
      const never: never = operation;
      return never;
    }
  }
}
const described: string[] = changeSet.patch.map(describeOperation);

// ---- The class ------------------------------------------------------------------------------
const rules = new PromotionRules();
const custom = new PromotionRules(policy);
const fromJson = new PromotionRules(JSON.stringify(policy));
const withNull = new PromotionRules(null);
const environments: Environment[] = rules.environments;
const itsPolicy: NormalisedPolicy = custom.policy;
const policyDigest: string = fromJson.policyFingerprint;
const next: Environment | null = rules.nextEnvironment("dev");
const afterProduction: Environment | null = withNull.nextEnvironment("PRODUCTION");
if (next !== null) {
  const nextNext: Environment | null = rules.nextEnvironment(next);
  void nextNext;
}

const decision: Decision = rules.authorize(dana, "sync", "dev");
const decisionFromText: Decision = rules.authorize(JSON.stringify(dana), "publish" satisfies Action, "production");
const allowed: boolean = decision.allowed && decisionFromText.allowed;

/** What a UI shows for each issue code: the switch must name every code (exhaustive). */
function advice(code: IssueCode): string {
  switch (code) {
    case "NOT_NEXT_ENVIRONMENT":
    case "NO_NEXT_ENVIRONMENT":
      return "sync along the chain";
    case "FORBIDDEN":
      return "ask the owner";
    case "INLINE_SECRET":
    case "MISSING_SECRET":
      return "use {{secrets.NAME}}";
    case "DANGLING_REFERENCE":
      return "fix the reference";
    case "WOULD_REVERT_HOTFIX":
    case "CONFLICT":
      return "recreate the hotfix in dev, or acknowledge";
    case "NO_BASE_MANIFEST":
      return "send the base manifest";
    case "SELF_PROMOTION":
      return "ask a colleague";
    case "READ_ONLY_ENVIRONMENT":
    case "VARIABLE_STRUCTURE_LOCKED":
      return "change it in dev";
    case "INVALID_VARIABLE_VALUE":
    case "VARIABLE_DEFAULT_RESET":
      return "check the default";
    case "UNKNOWN_CONTENT_KIND":
      return "rename the key";
    case "UNDECLARED_HOTFIX":
    case "NOTHING_TO_HOTFIX":
      return "declare (or drop) the hotfix";
    case "UNUSED_ACKNOWLEDGEMENT":
      return "drop the acknowledgement";
    case "DEPENDENCY_NOT_SELECTED":
      return "select the dependency too";
    case "APPROVALS_MISSING":
    case "APPROVAL_REJECTED":
      return "ask for reviews of this plan";
    case "STALE_APPROVAL":
    case "INELIGIBLE_APPROVER":
    case "SELF_APPROVAL":
      return "this review does not count";
    case "SOAK_NOT_MET":
      return "wait for the soak time";
    case "OUTSIDE_PROMOTION_WINDOW":
    case "WINDOW_BYPASSED":
      return "mind the promotion window";
    default: {
      const never: never = code;
      return never;
    }
  }
}

function show(d: Decision): string[] {
  const lines = [...d.violations, ...d.warnings].map((issue: Issue) => {
    const where: string = issue.path ?? "(request)";
    return `${issue.code} at ${where}: ${issue.message} (${advice(issue.code)})`;
  });
  const reverting = d.violations.filter((issue) => issue.code === "WOULD_REVERT_HOTFIX");
  const first = reverting[0];
  if (first !== undefined) {
    const code: "WOULD_REVERT_HOTFIX" = first.code as "WOULD_REVERT_HOTFIX";
    lines.push(code);
  }
  return lines;
}

function auditLine(audit: Audit): string {
  const where: Environment | undefined = audit.environment ?? audit.to;
  const from: Environment | undefined = audit.from;
  const event: "workspace.sync" | "workspace.publish" | "workspace.edit" | "workspace.rollback" = audit.event;
  const previous: string | undefined = audit.previous;
  void previous;
  const codes: IssueCode[] = audit.codes;
  return `${event} by ${audit.actor} ${from ?? ""}→${where ?? ""} ${audit.allowed} ${codes.join(",")} ${audit.fingerprint}`;
}

const editRequest: EditRequest = { actor: dana, environment: "dev", before: target, after: source };
const hotfixEdit: EditRequest = { actor: ada, environment: "PRODUCTION", before: target, after: source, hotfix };
const edit: EditCheck = rules.checkEdit(editRequest);
const editText: EditCheck = rules.checkEdit(JSON.stringify(hotfixEdit));
const editChanges: ChangeSet = edit.changes;
const editAudit: string = auditLine(editText.audit);

const syncRequest: SyncRequest = { actor: dana, from: "dev", to: "test", source, target, acknowledge: ["agents/triage-agent"] };
const plan: SyncPlan = rules.planSync(syncRequest);
const full: FullManifest = plan.manifest;
const base: Manifest = full;
const allKinds: number = Object.keys(full.agents).length + Object.keys(full.variables).length;
const agentFingerprints: { [id: string]: string } | undefined = base.agents;
const second: SyncPlan = rules.planSync({ ...syncRequest, base });
const planFields: string[] = [
  plan.from,
  plan.to,
  plan.fingerprint,
  plan.sourceFingerprint,
  plan.targetFingerprint,
  plan.policyFingerprint,
  String(plan.excluded["secrets"] ?? 0),
  auditLine(plan.audit),
  ...show(second),
];
const syncedPayload: Payload = plan.payload;
// Answers go back in as arguments: a payload is a workspace, a manifest is a base.
const payloadDiff: ChangeSet = diffWorkspaces(filterContent(target).payload, syncedPayload);
const fromPayload: SyncPlan = rules.planSync({ actor: dana, from: "dev", to: "test", source: syncedPayload, base: plan.manifest });
const syncPatch: Rfc6902Operation[] = plan.changes.patch;

const publishRequest: PublishRequest = { actor: ada, workspace: source, live: target, base, hotfix };
const published: PublishPlan = rules.planPublish(publishRequest);
const publishedText: PublishPlan = rules.planPublish(JSON.stringify({ actor: ada, workspace: source }));
const mode: "goLive" | "hotfix" = published.mode;
const liveChanges: ChangeSet | undefined = published.changes;
const hotfixes: Hotfix[] = published.hotfixes;
for (const fix of hotfixes) {
  const kind: PromotedKind = fix.kind;
  const digestOrNull: string | null = fix.fingerprint;
  const why: string = fix.reason;
  void [kind, digestOrNull, why, fix.id];
}
const publishedFingerprint: string = published.fingerprint + publishedText.audit.fingerprint;

// ---- Selective sync and rollback ----------------------------------------------------------
const selective: SyncPlan = rules.planSync({ ...syncRequest, select: ["agents/triage-agent", "variables/CRM_URL"], closure: "pull" });
const selection: Selection | undefined = selective.selection;
const pulled: PulledIn[] = selection?.pulledIn ?? [];
const whyPulled: string[] = pulled.map((p) => `${p.item} because of ${p.because}`);
const requested: string[] = selection?.requested ?? [];
const refusing: SyncPlan = rules.planSync({ ...syncRequest, select: [], closure: "refuse" });
const rollbackRequest: RollbackRequest = { actor: ada, environment: "production", workspace: source, version: target, base, acknowledge: ["agents/triage-agent"] };
const rollback: RollbackPlan = rules.planRollback(rollbackRequest);
const rollbackText: RollbackPlan = rules.planRollback(JSON.stringify({ ...rollbackRequest, previousAudit: rollback.audit.fingerprint }));
const rollbackMode: "rollback" = rollback.mode;
const rollbackFields: string[] = [
  rollback.environment,
  rollback.fingerprint,
  rollback.versionFingerprint,
  rollback.workspaceFingerprint,
  rollback.policyFingerprint,
  auditLine(rollbackText.audit),
  String(rollback.changes.summary.modified),
  ...Object.keys(rollback.manifest.agents),
  ...rollback.payload.agents.map((a) => a.id),
];
const versionControl = [whyPulled, requested, refusing.allowed, rollbackMode, rollbackFields];

// ---- The audit chain -----------------------------------------------------------------------
const log: AuditRecord[] = [plan.audit, { ...published.audit, previous: fingerprint(plan.audit), storedAt: "2026-11-26T10:00:00Z" }];
const verdict: AuditChainVerdict = verifyAuditChain(log);
const verdictFromText: AuditChainVerdict = verifyAuditChain(JSON.stringify(log));
const head: string | null = verdict.head;
const brokenAt: number | undefined = verdictFromText.brokenAt;
const chained: SyncPlan = rules.planSync(head === null ? syncRequest : { ...syncRequest, previousAudit: head });
const chainedPublish: PublishPlan = rules.planPublish({ ...publishRequest, previousAudit: chained.audit.fingerprint });
const chainedEdit: EditCheck = rules.checkEdit({ ...editRequest, previousAudit: fingerprint(chainedPublish.audit) });
const chainFields = [verdict.valid, verdict.count, brokenAt, chainedEdit.audit.previous];

// ---- Errors ---------------------------------------------------------------------------------
function isPromotionRulesError(error: unknown): error is PromotionRulesError {
  return error instanceof Error && error.name === "PromotionRulesError";
}

function tryPlan(request: SyncRequest | string): SyncPlan | string {
  try {
    return rules.planSync(request);
  } catch (error) {
    if (!isPromotionRulesError(error)) throw error;
    const code: ErrorCode = error.code;
    const path: string = error.path;
    const name: "PromotionRulesError" = error.name;
    switch (code) {
      case "INVALID_INPUT":
        return `fix the request at ${path} (${name}: ${error.message})`;
      case "INVALID_POLICY":
        return `fix the policy at ${path}`;
      case "LIMIT_EXCEEDED":
        return `send less at ${path}`;
      default: {
        const never: never = code;
        return never;
      }
    }
  }
}
const outcome: SyncPlan | string = tryPlan("{not json");

// ---- Gates ----------------------------------------------------------------------------------
const weekdays: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const officeHours: WeeklyWindow = { days: ["mon", "tue", "wed", "thu"], from: "09:00", to: "17:00" };
const freeze: DenyWindow = { from: "2026-12-20T00:00:00+01:00", to: "2027-01-07T00:00:00+01:00", reason: "year-end freeze" };
const fridays: DenyWindow = { days: ["fri"], from: "12:00", to: "00:00", reason: "no Friday afternoon deploys" };
const rome: PromotionWindows = { timeZone: "Europe/Rome", allow: [officeHours], deny: [freeze, fridays] };
const productionGate: Gate = { approvals: { required: 1, roles: ["admin", "devops"] }, minSoak: "PT24H", windows: rome, hotfixBypassesWindows: true };
const gated = new PromotionRules({ ...policy, gates: { uat: { approvals: { required: 2, roles: ["business"] } }, production: productionGate } });
const normalisedGates = gated.policy.gates?.["production"]?.hotfixBypassesWindows;
const preview: SyncPlan = gated.planSync({ actor: dana, from: "dev", to: "staging", source });
const review: Approval = { actor: ada, environment: "staging", fingerprint: preview.fingerprint, decision: "approve", at: "2026-11-24T10:00:00+01:00", comment: "ok" };
const gateFields: GateFields = { approvals: [review], now: "2026-11-24T09:00:00Z", sourceSince: "2026-11-23T09:00:00Z" };
const gatedPlan: SyncPlan = gated.planSync({ actor: dana, from: "dev", to: "staging", source, ...gateFields });
const gatedPublish: PublishPlan = gated.planPublish({ actor: ada, workspace: source, hotfix, now: "2026-11-28T20:00:00Z", approvals: [review] });
function gateLines(answer: GateAnswer | null): string[] {
  if (answer === null) return ["no gate"];
  const lines: string[] = [answer.environment];
  if (answer.approvals) {
    const { required, roles, counted, missing, rejected, notCounted } = answer.approvals;
    const why: UncountedCode[] = notCounted.map((entry) => entry.code);
    lines.push(`${counted.length}/${required} from ${roles.join("|")}, ${missing} missing, ${rejected.length} rejected, ${why.join(",")}`);
  }
  if (answer.soak) lines.push(`${answer.soak.required} since ${answer.soak.since} met at ${answer.soak.metAt}: ${answer.soak.met}`);
  if (answer.window) {
    const next: string | undefined = answer.window.nextAllowedAt;
    lines.push(`${answer.window.open} ${answer.window.timeZone} ${next ?? ""} ${answer.window.reason ?? ""} ${answer.window.bypassed} ${answer.tzdb ?? ""}`);
  }
  return lines;
}
const gateReport = [...gateLines(gatedPlan.gates), ...gateLines(gatedPublish.gates), gatedPlan.audit.approvers?.join(",") ?? "", weekdays, normalisedGates];

// ---- Life cycle -----------------------------------------------------------------------------
const shortLived = new PromotionRules(defaultPolicy());
shortLived.free();
const disposable = new PromotionRules();
disposable[Symbol.dispose]();

// ---- The web entry --------------------------------------------------------------------------
async function inTheBrowser(wasmUrl: URL, bytes: Uint8Array, module: WebAssembly.Module): Promise<string> {
  await init();
  await init({ module_or_path: wasmUrl });
  const input: InitInput = wasmUrl;
  await init(input);
  initSync({ module: bytes });
  initSync(module);
  const webRules = new WebPromotionRules();
  const env: Environment | null = webRules.nextEnvironment("uat");
  return `${env} ${webFingerprint({})}`;
}

export const used = [
  chain, actions, kinds, dana, ada, chainOfDefault, inline, digest, agents, variables, excludedCount, filterWarnings,
  fromText, kept, modifiedFields, counts, localChanged, added, unchanged, described, environments, itsPolicy,
  policyDigest, afterProduction, allowed, editChanges, editAudit, agentFingerprints, planFields, syncedPayload,
  syncPatch, mode, liveChanges, publishedFingerprint, outcome, inTheBrowser, payloadDiff, fromPayload, allKinds,
  chainFields, versionControl, gateReport,
];

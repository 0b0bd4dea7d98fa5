// TypeScript declarations of promotion-rules: every function, request and answer of the spec.

declare global {
  interface SymbolConstructor {
    /**
     * The well-known symbol of explicit resource management (`using`), declared here as
     * lib.esnext.disposable and @types/node do, so that projects whose `lib` predates it still
     * type-check these declarations.
     */
    readonly dispose: unique symbol;
  }
}

/** The five environments, lowercase. Names are read case-insensitively. */
export type Environment = "dev" | "test" | "uat" | "staging" | "production";

/** What an actor may do in an environment. */
export type Action = "edit" | "editVariableDefault" | "editLocal" | "sync" | "publish" | "hotfix" | "rollback";

/** The promoted kinds: carried by sync and publish. */
export type PromotedKind = "agents" | "workflows" | "knowledgeBase" | "integrations" | "channels" | "variables";

/** The environment-local kinds: never promoted, only counted. */
export type LocalKind = "conversations" | "analytics" | "evaluators" | "guardrails" | "issues" | "secrets";

/** The twelve content kinds of a workspace. */
export type Kind = PromotedKind | LocalKind;

/** Stable codes of violations and warnings. */
export type IssueCode =
  | "NOT_NEXT_ENVIRONMENT"
  | "NO_NEXT_ENVIRONMENT"
  | "FORBIDDEN"
  | "INLINE_SECRET"
  | "DANGLING_REFERENCE"
  | "MISSING_SECRET"
  | "WOULD_REVERT_HOTFIX"
  | "CONFLICT"
  | "NO_BASE_MANIFEST"
  | "SELF_PROMOTION"
  | "READ_ONLY_ENVIRONMENT"
  | "VARIABLE_STRUCTURE_LOCKED"
  | "INVALID_VARIABLE_VALUE"
  | "VARIABLE_DEFAULT_RESET"
  | "UNKNOWN_CONTENT_KIND"
  | "UNDECLARED_HOTFIX"
  | "NOTHING_TO_HOTFIX"
  | "UNUSED_ACKNOWLEDGEMENT"
  | "DEPENDENCY_NOT_SELECTED"
  | "APPROVALS_MISSING"
  | "APPROVAL_REJECTED"
  | "STALE_APPROVAL"
  | "INELIGIBLE_APPROVER"
  | "SELF_APPROVAL"
  | "SOAK_NOT_MET"
  | "OUTSIDE_PROMOTION_WINDOW"
  | "WINDOW_BYPASSED";

/** Stable codes of thrown errors (bad input). */
export type ErrorCode = "INVALID_INPUT" | "INVALID_POLICY" | "LIMIT_EXCEEDED";

/** What every bad input throws. A denial never throws. */
export interface PromotionRulesError extends Error {
  name: "PromotionRulesError";
  code: ErrorCode;
  /** JSON Pointer (RFC 6901) into the argument; "" is the argument itself. */
  path: string;
}

/**
 * Any JSON value. A member whose value is `undefined` counts as absent (as in the API's arguments),
 * which also lets items and workspaces with optional fields be JSON.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

/** A policy: roles → environment → actions. Deny by default. */
export interface Policy {
  /** The chain: starts with dev, ends with production, canonical order (default: all five). */
  environments?: Environment[];
  /** Role → environment → actions. Absent: no roles, which denies everything. */
  roles?: { [role: string]: { [environment: string]: Action[] } };
  /** Environments a sync into which refuses items last edited by the acting actor. */
  noSelfPromotion?: Environment[];
  /** What an inline secret in promoted content is (default "block"). */
  inlineSecrets?: "block" | "warn";
  /** Approval quorums, soak times and promotion windows, per environment (SPEC §4). */
  gates?: { [environment: string]: Gate };
}

/** A day of a weekly window. Read case-insensitively. */
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/** A local time of day, "HH:MM" from "00:00" to "23:59". */
export type LocalTime = string;

/** An RFC 3339 instant with an offset, e.g. "2026-11-26T09:00:00+01:00". */
export type Rfc3339 = string;

/**
 * A weekly window: the days, and the local times in the windows' zone. `to` ≤ `from` runs past
 * midnight (it belongs to the day it starts); `to` = `from` is 24 hours.
 */
export interface WeeklyWindow {
  days: Weekday[];
  from: LocalTime;
  to: LocalTime;
}

/** A weekly deny window, or an absolute one: half-open [from, to). */
export type DenyWindow =
  | (WeeklyWindow & { reason?: string })
  | { from: Rfc3339; to: Rfc3339; reason?: string };

/** When promotions into an environment may happen. Deny wins over allow. */
export interface PromotionWindows {
  /** An IANA zone name, e.g. "Europe/Rome". */
  timeZone: string;
  /** Weekly allow windows; absent allows every time (an empty list is refused). */
  allow?: WeeklyWindow[];
  deny?: DenyWindow[];
}

/** The gate of one environment: it judges a sync into it and, for production, a publish. */
export interface Gate {
  /** Counted approvals needed, and the roles whose holders may approve. */
  approvals?: { required: number; roles: string[] };
  /** ISO 8601 duration of elapsed time (PT30M, PT24H, P2D, P1W): syncs only. */
  minSoak?: string;
  windows?: PromotionWindows;
  /** Whether a declared hotfix publish passes a closed window (warning WINDOW_BYPASSED). */
  hotfixBypassesWindows?: boolean;
}

/** A review of a plan, bound to what it promotes (the plan's `fingerprint`) and to the gated environment. */
export interface Approval {
  actor: Actor;
  environment: Environment | string;
  fingerprint: string;
  decision: "approve" | "reject";
  at?: Rfc3339;
  comment?: string;
}

/** The gate fields of sync and publish requests. The library has no clock. */
export interface GateFields {
  /** Reviews so far, oldest first: an actor's last entry for an environment stands. */
  approvals?: Approval[];
  /** The current instant, needed when the gate has windows or a soak time. */
  now?: Rfc3339;
  /** When the source environment received its current content, needed for a soak time. */
  sourceSince?: Rfc3339;
}

/** Why an approval did not count. */
export type UncountedCode = "STALE_APPROVAL" | "INELIGIBLE_APPROVER" | "SELF_APPROVAL";

/** The `gates` member of sync and publish plans: what the gate requires and what is still missing. */
export interface GateAnswer {
  environment: Environment;
  approvals?: {
    required: number;
    roles: string[];
    /** Approvers whose approval counts, in the order of their standing entries. */
    counted: string[];
    /** How many more counted approvals are needed. */
    missing: number;
    /** Counted reviewers who rejected the plan. */
    rejected: string[];
    notCounted: { actor: string; code: UncountedCode }[];
  };
  /** Syncs only. */
  soak?: { required: string; since: Rfc3339; metAt: Rfc3339; met: boolean };
  window?: {
    open: boolean;
    timeZone: string;
    /** When closed: the first allowed instant at or after `now`, in the zone's offset. */
    nextAllowedAt?: Rfc3339;
    /** The reason of the deny window that closes it. */
    reason?: string;
    /** Whether a declared hotfix passed the closed window. */
    bypassed: boolean;
  };
  /** The IANA time-zone database version used, present whenever `window` is. */
  tzdb?: string;
}

/** A policy as answered: normalised, every field present. */
export interface NormalisedPolicy extends Policy {
  environments: Environment[];
  roles: { [role: string]: { [environment: string]: Action[] } };
  noSelfPromotion: Environment[];
  inlineSecrets: "block" | "warn";
  /** Present only when some environment has a gate; normalised (canonical zone, PT… durations, UTC instants). */
  gates?: { [environment: string]: Required<Pick<Gate, "hotfixBypassesWindows">> & Gate };
}

/** Who acts. */
export interface Actor {
  id: string;
  roles: string[];
  [other: string]: Json | undefined;
}

/** A dependency of an item. For variables and secrets the id is the name. */
export type Reference = {
  kind: PromotedKind | "secrets" | "guardrails" | "evaluators";
  id: string;
};

/** An item of a promoted content kind: any object with a unique string id. */
export interface Item {
  id: string;
  updatedBy?: string;
  uses?: Reference[];
  [field: string]: Json | undefined;
}

/** A variable: structure promoted, default value local. */
export interface Variable {
  name: string;
  type: "string" | "number" | "boolean" | "url" | "json";
  defaultValue?: Json;
  usage?: string[];
  updatedBy?: string;
  uses?: Reference[];
  [field: string]: Json | undefined;
}

/** A workspace of one environment. Unknown keys are excluded and reported. */
export interface Workspace {
  agents?: Item[];
  workflows?: Item[];
  knowledgeBase?: Item[];
  integrations?: Item[];
  channels?: Item[];
  variables?: Variable[];
  conversations?: Json;
  analytics?: Json;
  evaluators?: Json;
  guardrails?: Json;
  issues?: Json;
  secrets?: Json;
  [unknownKind: string]: Json | undefined;
}

/** The promoted content: always all six keys. */
export type Payload = {
  agents: Item[];
  workflows: Item[];
  knowledgeBase: Item[];
  integrations: Item[];
  channels: Item[];
  variables: Variable[];
};

/** `{kind: {id: fingerprint}}`; variables by structure only. Store it as the next `base`. */
export type Manifest = { [K in PromotedKind]?: { [id: string]: string } };

/** The manifest a sync answers: every promoted kind present. */
export type FullManifest = { [K in PromotedKind]: { [id: string]: string } };

/** A violation or a warning. */
export interface Issue {
  code: IssueCode;
  /** What happened and what to do, in one sentence. */
  message: string;
  /** JSON Pointer into the request, where one applies. */
  path?: string;
}

/** What every decision carries. `allowed` is true exactly when `violations` is empty. */
export interface Decision {
  allowed: boolean;
  violations: Issue[];
  warnings: Issue[];
}

/** One RFC 6902 operation. */
export type Rfc6902Operation =
  | { op: "add"; path: string; value: Json }
  | { op: "remove"; path: string }
  | { op: "replace"; path: string; value: Json }
  | { op: "move"; from: string; path: string }
  | { op: "copy"; from: string; path: string }
  | { op: "test"; path: string; value: Json };

export interface KindChanges {
  added: string[];
  modified: { id: string; fields: string[] }[];
  removed: string[];
  unchanged: number;
}

export interface VariableChanges extends KindChanges {
  /** Names whose target default was kept (empty outside a sync). */
  defaultsKept: string[];
  /** Names whose type changed, so the target default was reset (empty outside a sync). */
  defaultsReset: string[];
}

/** The changes from one workspace to another. */
export interface ChangeSet {
  summary: { added: number; modified: number; removed: number; unchanged: number };
  kinds: {
    agents: KindChanges;
    workflows: KindChanges;
    knowledgeBase: KindChanges;
    integrations: KindChanges;
    channels: KindChanges;
    variables: VariableChanges;
  };
  /** Environment-local kinds that changed. */
  local: LocalKind[];
  /** Applying it to "before" yields "after". */
  patch: Rfc6902Operation[];
}

export interface Audit {
  event: "workspace.sync" | "workspace.publish" | "workspace.edit" | "workspace.rollback";
  actor: string;
  from?: Environment;
  to?: Environment;
  environment?: Environment;
  allowed: boolean;
  codes: IssueCode[];
  fingerprint: string;
  /** The request's `previousAudit`: the fingerprint of the record before this one in the log. */
  previous?: string;
  /** The approvers counted by the gate, when it requires approvals. */
  approvers?: string[];
}

/**
 * The answer of `verifyAuditChain`. Record 0 must carry no `previous`; every later record's
 * `previous` must be the fingerprint of the record before it.
 */
export interface AuditChainVerdict {
  valid: boolean;
  count: number;
  /** Fingerprint of the last record (send it as the next `previousAudit`); null for an empty log. */
  head: string | null;
  /** Index of the first record whose link does not hold; absent when valid. */
  brokenAt?: number;
}

/** A stored audit record: an answer's `audit`, possibly with fields the host added. */
export type AuditRecord = Audit | { [field: string]: Json | undefined };

export interface FilterResult {
  payload: Payload;
  /** What stays behind, by kind: array length, or 1 for any other value. */
  excluded: { [kind: string]: number };
  warnings: Issue[];
}

export interface EditRequest {
  actor: Actor;
  environment: Environment | string;
  before: Workspace;
  after: Workspace;
  hotfix?: HotfixDeclaration;
  /** Fingerprint of the last audit record of the log (`sha256:<64 hex>`), answered as `audit.previous`. */
  previousAudit?: string;
}

export interface EditCheck extends Decision {
  changes: ChangeSet;
  audit: Audit;
}

export interface SyncRequest extends GateFields {
  actor: Actor;
  from: Environment | string;
  to: Environment | string;
  source: Workspace;
  target?: Workspace;
  base?: Manifest;
  /** `"kind/id"` entries whose drift the actor accepts. */
  acknowledge?: string[];
  /** Fingerprint of the last audit record of the log (`sha256:<64 hex>`), answered as `audit.previous`. */
  previousAudit?: string;
  /**
   * A selective sync: `"kind/id"` of the items to promote (`"variables/NAME"` for a variable). The
   * payload is the target with these items taken from the source (added, replaced or removed).
   */
  select?: string[];
  /** What a selective sync does with a dependency left out: pull it in (default) or refuse. */
  closure?: "pull" | "refuse";
}

/** An item a selective sync pulled in, and the item whose `uses` (or removal) needed it. */
export interface PulledIn {
  /** `"kind/id"` of the pulled-in item. */
  item: string;
  /** `"kind/id"` of the item that needed it. */
  because: string;
}

/** What a selective sync promotes. */
export interface Selection {
  /** The selected `"kind/id"` entries, in request order, each once. */
  requested: string[];
  /** Dependencies pulled in (empty under `closure: "refuse"`). */
  pulledIn: PulledIn[];
}

export interface SyncPlan extends Decision {
  from: Environment;
  to: Environment;
  payload: Payload;
  changes: ChangeSet;
  excluded: { [kind: string]: number };
  manifest: FullManifest;
  fingerprint: string;
  sourceFingerprint: string;
  targetFingerprint: string;
  policyFingerprint: string;
  /** The gate of the target; null without one. */
  gates: GateAnswer | null;
  audit: Audit;
  /** Present for a selective sync (a request with `select`). */
  selection?: Selection;
}

export interface RollbackRequest {
  actor: Actor;
  /** Where to roll back (the actor needs `rollback` there). */
  environment: Environment | string;
  /** The environment's workspace as it is now. */
  workspace: Workspace;
  /** The version to restore: a workspace as it was (e.g. a published snapshot). */
  version: Workspace;
  /** The manifest of the last sync into the environment: in-place changes since are protected. */
  base?: Manifest;
  /** `"kind/id"` of in-place changes the actor accepts to drop. */
  acknowledge?: string[];
  /** Fingerprint of the last audit record of the log (`sha256:<64 hex>`), answered as `audit.previous`. */
  previousAudit?: string;
}

export interface RollbackPlan extends Decision {
  mode: "rollback";
  environment: Environment;
  /** The version's promoted content with the environment's variable defaults kept. */
  payload: Payload;
  /** From the workspace's promoted content to the payload. */
  changes: ChangeSet;
  /** The manifest of the payload: the environment's next `base`. */
  manifest: FullManifest;
  fingerprint: string;
  versionFingerprint: string;
  workspaceFingerprint: string;
  policyFingerprint: string;
  audit: Audit;
}

/** A hotfix declaration: the reason must be non-empty. */
export interface HotfixDeclaration {
  reason: string;
}

export interface PublishRequest extends GateFields {
  actor: Actor;
  workspace: Workspace;
  live?: Workspace;
  base?: Manifest;
  hotfix?: HotfixDeclaration;
  /** Fingerprint of the last audit record of the log (`sha256:<64 hex>`), answered as `audit.previous`. */
  previousAudit?: string;
}

export interface Hotfix {
  kind: PromotedKind;
  id: string;
  /** The published copy's fingerprint; null when the hotfix deletes the item. */
  fingerprint: string | null;
  reason: string;
}

export interface PublishPlan extends Decision {
  mode: "goLive" | "hotfix";
  /** The published content: the promoted kinds of live → of workspace, when live is given. */
  changes?: ChangeSet;
  /** Items published by hotfix: recreate them in dev and promote them. */
  hotfixes: Hotfix[];
  fingerprint: string;
  /** The gate of production; null without one. */
  gates: GateAnswer | null;
  audit: Audit;
}

/** The default policy of the spec. */
export function defaultPolicy(): NormalisedPolicy;
/** "sha256:" + hex SHA-256 of the RFC 8785 (JCS) canonical JSON of the value (a string is a JSON string). */
export function fingerprint(value: unknown): string;
/** The promoted content, what stays behind, and unknown kinds. */
export function filterContent(workspace: Workspace | string): FilterResult;
/**
 * `{kind: {id: fingerprint}}` of a workspace's promoted content, as a sync into it would answer
 * (variables by structure): e.g. to record what an environment holds now as its `base`.
 */
export function manifest(workspace: Workspace | string): FullManifest;
/**
 * Verifies a log of audit records, oldest first (an array, or its JSON text), in linear time:
 * `head` is the fingerprint of the last record, `brokenAt` the first record whose `previous` is not
 * the fingerprint of the record before it (record 0: that carries a `previous` at all).
 */
export function verifyAuditChain(records: AuditRecord[] | string): AuditChainVerdict;
/** The change set from one workspace to another. */
export function diffWorkspaces(before: Workspace | string, after: Workspace | string): ChangeSet;

/** The rules engine: validates and compiles a policy once. */
export class PromotionRules {
  /** Throws PromotionRulesError (INVALID_POLICY) on an invalid policy; the default policy when absent. */
  constructor(policy?: Policy | string | null);
  /** The chain, in order. */
  readonly environments: Environment[];
  /** The normalised policy. */
  readonly policy: NormalisedPolicy;
  /** Fingerprint of the normalised policy. */
  readonly policyFingerprint: string;
  /** The next environment of the chain, or null after production. */
  nextEnvironment(environment: Environment | string): Environment | null;
  authorize(actor: Actor | string, action: Action | string, environment: Environment | string): Decision;
  checkEdit(request: EditRequest | string): EditCheck;
  planSync(request: SyncRequest | string): SyncPlan;
  planPublish(request: PublishRequest | string): PublishPlan;
  /** Plans restoring an earlier version in an environment, with a preview of what changes. */
  planRollback(request: RollbackRequest | string): RollbackPlan;
  /** Releases the WebAssembly memory of this instance (also `using`, and a FinalizationRegistry). */
  free(): void;
  [Symbol.dispose](): void;
}

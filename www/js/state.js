// The app's state and a tiny change bus. Workspaces are plain objects; every rule answer comes from the package.

export const PROMOTED = ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"];
export const LOCAL = ["conversations", "analytics", "evaluators", "guardrails", "issues", "secrets"];
export const CANONICAL = ["dev", "test", "uat", "staging", "production"];

export const KIND_LABEL = {
  agents: "Agents",
  workflows: "Workflows",
  knowledgeBase: "Knowledge base",
  integrations: "Integrations",
  channels: "Channels",
  variables: "Variables",
  conversations: "Conversations",
  analytics: "Analytics",
  evaluators: "Evaluators",
  guardrails: "Guardrails",
  issues: "Issues",
  secrets: "Secrets",
};
export const KIND_SHORT = {
  agents: "Agents",
  workflows: "Workflows",
  knowledgeBase: "KB docs",
  integrations: "Integrations",
  channels: "Channels",
  variables: "Variables",
};

export const ACTION_LABEL = {
  edit: "edit content",
  editVariableDefault: "edit variable defaults",
  editLocal: "edit local data",
  sync: "sync",
  publish: "publish",
  hotfix: "hotfix",
  rollback: "roll back",
};
export const ACTIONS = ["edit", "editVariableDefault", "editLocal", "sync", "publish", "hotfix", "rollback"];

/** The people of the sample story (tests/fixtures/samples/README.md). */
export const PEOPLE = [
  { id: "dana", roles: ["developer"], title: "developer" },
  { id: "quinn", roles: ["qa"], title: "QA" },
  { id: "bea", roles: ["business"], title: "business owner" },
  { id: "omar", roles: ["devops"], title: "devops" },
  { id: "ada", roles: ["admin"], title: "admin" },
];

export const envLabel = (env) => String(env).toUpperCase();
export const keyOf = (kind) => (kind === "variables" ? "name" : "id");

export const state = {
  mod: null, // the package's exports
  rules: null, // PromotionRules of the current policy
  policy: null, // normalised policy
  policyText: "", // JSON text sent to the worker ("" = default policy)
  policyOrigin: "default policy",
  chain: [],
  samples: {}, // env -> workspace object, as fetched
  workspaces: {}, // env -> current workspace
  origin: {}, // env -> where the workspace came from
  bases: {}, // env -> manifest | null
  baseOrigin: {},
  live: null, // what production serves (last published)
  liveOrigin: "",
  drift: {}, // env -> [{kind, id, how}] against its base
  hotfixes: [], // published hotfix records
  log: [], // audit records of applied actions, newest first: the audit chain (each links to the one before)
  versions: [], // production versions published since the page was opened: { at, by, mode, workspace, fingerprint }
  actor: { id: "dana", roles: ["developer"] },
  approvals: [], // reviews given in this session (gates), oldest first
  now: "", // what-if instant for the gates ("" = the browser's clock)
  since: {}, // env -> when it received its current content (RFC 3339)
  sync: { from: "dev", to: "test", acknowledge: [], select: null, closure: "pull" },
};

const listeners = [];
let queued = null;

/** on(["actor", "policy"], fn): fn(topics) once per batch of changes. */
export function on(topics, fn) {
  listeners.push({ topics: new Set(topics), fn });
}

export function emit(...topics) {
  if (!queued) {
    queued = new Set();
    queueMicrotask(() => {
      const batch = queued;
      queued = null;
      for (const { topics: wanted, fn } of listeners) {
        if ([...batch].some((t) => wanted.has(t) || wanted.has("*"))) fn(batch);
      }
    });
  }
  for (const t of topics) queued.add(t);
}

export function clone(value) {
  return value === undefined ? undefined : structuredClone(value);
}

export function actorProblem() {
  if (!state.actor.id.trim()) return "Enter an actor id: who is acting?";
  return null;
}

/** authorize() of the current actor; a denial with a message when the actor is incomplete. */
export function authorize(action, env) {
  const problem = actorProblem();
  if (problem) return { allowed: false, violations: [{ code: "INVALID_INPUT", message: problem }], warnings: [] };
  try {
    return state.rules.authorize(state.actor, action, env);
  } catch (error) {
    return { allowed: false, violations: [{ code: error.code ?? "ERROR", message: error.message, path: error.path }], warnings: [] };
  }
}

export function nextEnv(env) {
  // nextEnvironment answers `undefined` (not the documented `null`) after production: treat both alike.
  return state.rules.nextEnvironment(env) ?? null;
}

export function prevEnv(env) {
  const i = state.chain.indexOf(env);
  return i > 0 ? state.chain[i - 1] : null;
}

export function findItem(workspace, kind, id) {
  const list = workspace?.[kind];
  if (!Array.isArray(list)) return undefined;
  const key = keyOf(kind);
  return list.find((item) => item && item[key] === id);
}

export function itemTitle(item, kind) {
  if (!item || typeof item !== "object" || kind === "variables") return "";
  for (const k of ["name", "title", "description"]) if (typeof item[k] === "string" && item[k] !== item.id) return item[k];
  return "";
}

/** Counts of a workspace, without calling the engine: promoted kinds, local kinds, unknown keys. */
export function summarize(workspace) {
  const promoted = {};
  const local = {};
  const unknown = [];
  for (const kind of PROMOTED) promoted[kind] = Array.isArray(workspace?.[kind]) ? workspace[kind].length : 0;
  for (const [key, value] of Object.entries(workspace ?? {})) {
    if (PROMOTED.includes(key)) continue;
    const n = Array.isArray(value) ? value.length : 1;
    if (LOCAL.includes(key)) local[key] = n;
    else unknown.push(key);
  }
  return { promoted, local, unknown, localTotal: Object.values(local).reduce((a, b) => a + b, 0) };
}

/** Stores an applied plan's audit record (with the time and a summary) at the head of the log. */
export function record(audit, extra = {}) {
  state.log.unshift({ ...audit, at: new Date().toISOString(), ...extra });
  emit("log");
}

/** The fingerprint of the newest stored audit record: what the next request sends as previousAudit. */
export function auditHead() {
  return state.log.length ? state.mod.fingerprint(state.log[0]) : undefined;
}

/** The request with `previousAudit` set to the head of the log, so that its audit record links to it. */
export function chained(request) {
  const head = auditHead();
  if (head) request.previousAudit = head;
  return request;
}

/** Roles of the policy that hold any action in env. */
export function rolesActingIn(env) {
  return Object.entries(state.policy?.roles ?? {})
    .filter(([, grants]) => (grants[env] ?? []).length)
    .map(([role]) => role);
}

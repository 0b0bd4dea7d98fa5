// promotion-rules at the edge: a Workers module (Cloudflare Workers, workerd) that answers the very
// decisions the front end previewed, with the same package, for a caller it has authenticated,
// with the approvals their approvers recorded and an audit chain it keeps. See examples/edge/README.md.
//
//   GET  /v1/policy        the active policy, its fingerprint and where it came from (no token needed)
//   POST /v1/plan/sync     planSync(body); `expect: {targetFingerprint, policyFingerprint}` → 409 STALE_PLAN
//   POST /v1/plan/publish  planPublish(body)
//   POST /v1/plan/rollback planRollback(body)
//   POST /v1/check/edit    checkEdit(body)
//   POST /v1/authorize     authorize(actor, body.action, body.environment)
//   POST /v1/approvals     record an approval (or rejection) by the token's actor → 201
//   GET  /v1/approvals     the recorded approvals (?environment=&fingerprint=)
//   GET  /v1/audit         the stored audit chain, oldest first (?after=SEQ&limit=N)
//   GET  /v1/audit/verify  verifyAuditChain of the stored chain
//   POST /v1/audit/verify  verifyAuditChain(body): the body is a log, an array of audit records
//
// Identity: every endpoint but GET /v1/policy needs `Authorization: Bearer <JWT>`, verified with
// `jose` against the JWKS of the AUTH_JWKS binding (AUTH_ISSUER, AUTH_AUDIENCE, AUTH_ROLES_CLAIM).
// The actor is the token's: a body actor that differs answers 403 ACTOR_MISMATCH.
//
// The server owns `now` (its clock), the approvals (D1, binding DB) and the audit chain (D1): a body
// with `now`, `approvals` or `previousAudit` answers 400. Gates read `now` from this server's clock.
// A plan refused by a closed promotion window answers 409 OUTSIDE_PROMOTION_WINDOW with
// `nextAllowedAt` (and Retry-After). The `CLOCK` binding (an RFC 3339 instant) pins the clock for
// tests and replays; leave it unset in production.
//
// The package is imported through its `workerd` export: the .wasm arrives as a compiled module and
// is instantiated synchronously (workerd forbids compiling WebAssembly from bytes at run time).
import { PromotionRules, defaultPolicy, fingerprint, verifyAuditChain } from "promotion-rules";
import { createLocalJWKSet, errors as joseErrors, jwtVerify } from "jose";

/** Largest request body, in bytes, unless the `MAX_BODY_BYTES` binding says otherwise. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Per path, per method: `operation` (an engine call), `route` (a handler here), `public` (no token). */
const ENDPOINTS = {
  "/v1/policy": { GET: { public: true }, HEAD: { public: true } },
  "/v1/plan/sync": { POST: { operation: "planSync", plan: true } },
  "/v1/plan/publish": { POST: { operation: "planPublish", plan: true } },
  "/v1/plan/rollback": { POST: { operation: "planRollback", plan: true } },
  "/v1/check/edit": { POST: { operation: "checkEdit" } },
  "/v1/authorize": { POST: { operation: "authorize" } },
  "/v1/approvals": { GET: { route: "listApprovals" }, POST: { route: "recordApproval" } },
  "/v1/audit": { GET: { route: "listAudit" } },
  "/v1/audit/verify": { GET: { route: "verifyStoredChain" }, POST: { operation: "verifyAuditChain" } },
};
const ENDPOINT_LIST = Object.entries(ENDPOINTS)
  .flatMap(([path, methods]) => Object.keys(methods).filter((m) => m !== "HEAD").map((m) => `${m} ${path}`))
  .join(", ");
const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;

/** An HTTP answer that is not an engine answer: `{code, message, path?}` and a status. */
class HttpError extends Error {
  constructor(status, code, message, { path, headers, extra } = {}) {
    super(message);
    this.status = status;
    this.body = { code, message, ...(path === undefined ? {} : { path }), ...extra };
    this.headers = headers;
  }
}

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...headers,
    },
  });
}

function isPromotionRulesError(error) {
  return error instanceof Error && error.name === "PromotionRulesError";
}

// ---------------------------------------------------------------------------------------------
// The policy: the `POLICY` binding (JSON text, or an object from a JSON `vars` entry), compiled
// once per isolate; the default policy when the binding is absent. An invalid binding fails
// closed: every request answers 500 INVALID_POLICY until it is fixed.

let compiled = { key: undefined, rules: undefined, error: undefined };

function policyRules(env) {
  const binding = env.POLICY;
  const key = typeof binding === "string" || binding === undefined ? binding : JSON.stringify(binding);
  if (compiled.key !== key || (compiled.rules === undefined && compiled.error === undefined)) {
    compiled.rules?.free();
    compiled = { key, rules: undefined, error: undefined };
    try {
      compiled.rules = binding === undefined || binding === null ? new PromotionRules() : new PromotionRules(binding);
    } catch (error) {
      if (!isPromotionRulesError(error)) throw error;
      console.error(`promotion-rules edge: the POLICY binding is invalid: ${error.code} at "${error.path}": ${error.message}`);
      compiled.error = new HttpError(500, error.code, error.message, {
        path: error.path,
        extra: { binding: "POLICY" },
      });
    }
  }
  if (compiled.error) throw compiled.error;
  return compiled.rules;
}

/** `GET /v1/policy`: the normalised policy; its fingerprint is every plan's `policyFingerprint`. */
function policyAnswer(env) {
  const rules = policyRules(env);
  const fromBinding = env.POLICY !== undefined && env.POLICY !== null;
  const policy = fromBinding ? rules.policy : defaultPolicy();
  return { policy, fingerprint: fingerprint(policy), environments: rules.environments, source: fromBinding ? "binding" : "default" };
}

// ---------------------------------------------------------------------------------------------
// Request checks: method, content type, size.

function maxBodyBytes(env) {
  if (env.MAX_BODY_BYTES === undefined) return MAX_BODY_BYTES;
  const limit = Number(env.MAX_BODY_BYTES);
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new Error("MAX_BODY_BYTES must be a positive integer");
  return limit;
}

function requireJson(request) {
  const type = request.headers.get("content-type");
  const [essence, ...parameters] = (type ?? "").split(";").map((part) => part.trim().toLowerCase());
  const charset = parameters.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  if (essence !== "application/json" || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
    throw new HttpError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `The body must be JSON sent as "content-type: application/json" (UTF-8); got ${type ? `"${type}"` : "no content type"}.`,
      { headers: { "accept-post": "application/json" } },
    );
  }
}

function tooLarge(limit) {
  return new HttpError(413, "PAYLOAD_TOO_LARGE", `The body is larger than the limit of ${limit} bytes; send less content at once.`);
}

/** The body as text: refused past the limit, by its content-length first, then while it streams in. */
async function readBody(request, limit) {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) {
    throw tooLarge(limit);
  }
  const chunks = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "INVALID_INPUT", "The body is not valid UTF-8 text; send JSON encoded as UTF-8.", { path: "" });
  }
}

/** `JSON.parse`, or undefined: the engine then reads the text itself and names the mistake. */
function tryParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// The operations. Bodies go to the engine as the text received, so that the engine is the one
// JSON reader (duplicate keys refused, the documented limits, its own error messages and paths).

// ---------------------------------------------------------------------------------------------
// The clock: gates judge `now`, and at the edge `now` is the server's, never the client's.

/** The current instant as RFC 3339: the `CLOCK` binding when set (tests, replays), else Date.now(). */
function clockNow(env) {
  if (typeof env.CLOCK === "string" && env.CLOCK !== "") return env.CLOCK;
  return new Date().toISOString();
}

/**
 * The request text with the server's members added (`now`, the token's `actor` when the body has
 * none, the stored `approvals`, `previousAudit`): each is added as a first member of the object, so
 * the rest of the text reaches the engine exactly as received (duplicate keys, numbers, limits).
 * The caller has made sure the body does not hold any of them.
 */
function withMembers(text, parsed, members) {
  const entries = Object.entries(members).filter(([, value]) => value !== undefined);
  if (!isObject(parsed) || entries.length === 0) return text;
  if (Object.keys(parsed).length === 0) return JSON.stringify(Object.fromEntries(entries));
  const prefix = entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)},`).join("");
  return text.replace(/^(\s*)\{/, (_, space) => `${space}{${prefix}`);
}

/** A plan refused by a closed promotion window: 409 with the next allowed instant. */
function closedWindow(answer, now = Date.now()) {
  const issue = answer?.violations?.find((v) => v.code === "OUTSIDE_PROMOTION_WINDOW");
  if (!issue) return undefined;
  const nextAllowedAt = answer.gates?.window?.nextAllowedAt;
  const headers = {};
  if (nextAllowedAt !== undefined) {
    const wait = Math.ceil((Date.parse(nextAllowedAt) - now) / 1000);
    if (Number.isFinite(wait)) headers["retry-after"] = String(Math.max(0, wait));
  }
  return json(
    409,
    { code: issue.code, message: issue.message, path: issue.path, ...(nextAllowedAt === undefined ? {} : { nextAllowedAt }), plan: answer },
    headers,
  );
}

function planSync(rules, text) {
  const parsed = tryParse(text);
  if (!isObject(parsed) || !Object.hasOwn(parsed, "expect")) {
    return { answer: rules.planSync(text) };
  }
  // `expect` is this API's field, not the engine's: the engine refuses it as unknown, exactly at
  // "/expect", once it has read the whole text. Any other refusal is the client's mistake.
  try {
    rules.planSync(text);
  } catch (error) {
    if (!(isPromotionRulesError(error) && error.code === "INVALID_INPUT" && error.path === "/expect")) throw error;
  }
  const { expect, ...request } = parsed;
  const expected = readExpect(expect);
  const answer = rules.planSync(JSON.stringify(request));
  for (const [field, what, hint] of [
    ["policyFingerprint", "The policy", "reload the policy (GET /v1/policy) and preview again"],
    ["targetFingerprint", `The ${answer.to} workspace`, "preview the sync again against its current content"],
  ]) {
    if (expected[field] !== answer[field]) {
      throw new HttpError(
        409,
        "STALE_PLAN",
        `${what} changed since the preview (previewed ${expected[field]}, now ${answer[field]}); ${hint}.`,
        { path: `/expect/${field}` },
      );
    }
  }
  return { answer };
}

function readExpect(expect) {
  if (!isObject(expect)) {
    throw new HttpError(400, "INVALID_INPUT", "Expected expect as an object { targetFingerprint, policyFingerprint } taken from the previewed plan.", { path: "/expect" });
  }
  for (const key of Object.keys(expect)) {
    if (key !== "targetFingerprint" && key !== "policyFingerprint") {
      throw new HttpError(400, "INVALID_INPUT", `expect has no field "${key}"; the fields are targetFingerprint, policyFingerprint.`, { path: `/expect/${key.replace(/~/g, "~0").replace(/\//g, "~1")}` });
    }
  }
  for (const key of ["targetFingerprint", "policyFingerprint"]) {
    if (typeof expect[key] !== "string" || !FINGERPRINT.test(expect[key])) {
      throw new HttpError(400, "INVALID_INPUT", `Expected expect.${key} as a fingerprint ("sha256:" and 64 lowercase hex digits) from the previewed plan.`, { path: `/expect/${key}` });
    }
  }
  return expect;
}

function authorize(rules, text) {
  const parsed = tryParse(text);
  if (parsed === undefined) {
    throw new HttpError(400, "INVALID_INPUT", "The body is not valid JSON; send { actor, action, environment }.", { path: "" });
  }
  if (!isObject(parsed)) {
    throw new HttpError(400, "INVALID_INPUT", "Expected the authorize request as an object { actor, action, environment }.", { path: "" });
  }
  for (const key of Object.keys(parsed)) {
    if (key !== "actor" && key !== "action" && key !== "environment") {
      throw new HttpError(400, "INVALID_INPUT", `An authorize request has no field "${key}"; the fields are actor, action, environment.`, { path: `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}` });
    }
  }
  return { answer: rules.authorize(parsed.actor, parsed.action, parsed.environment) };
}

const OPERATIONS = {
  planSync,
  planPublish: (rules, text) => ({ answer: rules.planPublish(text) }),
  planRollback: (rules, text) => ({ answer: rules.planRollback(text) }),
  // Needs no policy, but answers under an invalid POLICY binding too (500, as every endpoint).
  verifyAuditChain: (_rules, text) => ({ answer: verifyAuditChain(text) }),
  checkEdit: (rules, text) => ({ answer: rules.checkEdit(text) }),
  authorize,
};


// ---------------------------------------------------------------------------------------------
// Identity: a bearer JWT verified with `jose` against the AUTH_JWKS binding. The actor is
// `{ id: sub, roles: <AUTH_ROLES_CLAIM> }`; a token without the roles claim has no roles.

/** The signature algorithms accepted: RSA (RS256), P-256 (ES256) and Ed25519 (EdDSA). */
const ALGORITHMS = ["RS256", "ES256", "EdDSA", "Ed25519"];
const CHALLENGE = { "www-authenticate": 'Bearer realm="promotion-rules", error="invalid_token"' };

let keySet = { text: undefined, jwks: undefined };

function unauthenticated(message) {
  return new HttpError(401, "UNAUTHENTICATED", message, { headers: CHALLENGE });
}

/** The identity bindings, checked: without them every endpoint but GET /v1/policy answers 500. */
function authConfig(env) {
  const text = typeof env.AUTH_JWKS === "string" ? env.AUTH_JWKS : isObject(env.AUTH_JWKS) ? JSON.stringify(env.AUTH_JWKS) : undefined;
  const missing = [
    ["AUTH_JWKS", text],
    ["AUTH_ISSUER", env.AUTH_ISSUER],
    ["AUTH_AUDIENCE", env.AUTH_AUDIENCE],
  ].filter(([, value]) => typeof value !== "string" || value === "");
  if (missing.length > 0) {
    throw new HttpError(500, "AUTH_NOT_CONFIGURED", `The server has no ${missing.map(([name]) => name).join(", ")} binding; it refuses every request until its identity provider is configured.`);
  }
  if (keySet.text !== text) {
    let jwks;
    try {
      jwks = createLocalJWKSet(JSON.parse(text));
    } catch (error) {
      throw new HttpError(500, "AUTH_NOT_CONFIGURED", `The AUTH_JWKS binding is not a JSON Web Key Set (${error.message}).`);
    }
    keySet = { text, jwks };
  }
  return { jwks: keySet.jwks, issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, rolesClaim: env.AUTH_ROLES_CLAIM || "roles" };
}

/** The instant of the worker's clock as a Date (the CLOCK binding when set); an invalid CLOCK fails closed. */
function clockDate(env) {
  const date = new Date(clockNow(env));
  if (Number.isNaN(date.getTime())) throw new HttpError(500, "CLOCK_INVALID", "The CLOCK binding is not an RFC 3339 instant.");
  return date;
}

/** A claim by name, or by a dotted path (`realm_access.roles`) when no claim has that very name. */
function claimValue(payload, name) {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value = payload;
  for (const part of name.split(".")) {
    if (!isObject(value) || !Object.hasOwn(value, part)) return undefined;
    value = value[part];
  }
  return value;
}

const JOSE_MESSAGES = {
  ERR_JWT_EXPIRED: "The token has expired; get a new one.",
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "The token's signature does not verify against the server's keys.",
  ERR_JWKS_NO_MATCHING_KEY: "No key of the server's key set matches the token (kid, kty, alg).",
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: "Several keys of the server's key set match the token; give it a kid.",
  ERR_JOSE_ALG_NOT_ALLOWED: "The token's algorithm is not accepted; sign with RS256, ES256 or EdDSA.",
  ERR_JOSE_NOT_SUPPORTED: "The token's algorithm is not accepted; sign with RS256, ES256 or EdDSA.",
  ERR_JWS_INVALID: "The token is not a well-formed signed JWT.",
  ERR_JWT_INVALID: "The token is not a well-formed JWT.",
};

/** The actor of the request's bearer token, or 401. */
async function authenticate(request, env) {
  const config = authConfig(env);
  const header = request.headers.get("authorization");
  if (header === null) throw unauthenticated('This endpoint needs "Authorization: Bearer <token>" (a JWT from the identity provider).');
  const match = /^Bearer[ ]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)[ ]*$/i.exec(header);
  if (!match) throw unauthenticated('The Authorization header is not "Bearer <JWT>".');
  let payload;
  try {
    ({ payload } = await jwtVerify(match[1], config.jwks, {
      algorithms: ALGORITHMS,
      issuer: config.issuer,
      audience: config.audience,
      currentDate: clockDate(env),
      requiredClaims: ["sub", "exp"],
    }));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (!(error instanceof joseErrors.JOSEError)) throw unauthenticated("The token could not be read.");
    if (error.code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
      throw unauthenticated(`The token's "${error.claim}" claim is not accepted (${error.reason === "missing" ? "missing" : error.reason === "check_failed" ? "wrong value" : error.reason}).`);
    }
    throw unauthenticated(JOSE_MESSAGES[error.code] ?? "The token could not be verified.");
  }
  if (typeof payload.sub !== "string" || payload.sub === "") throw unauthenticated('The token\'s "sub" claim is not a non-empty string.');
  const roles = claimValue(payload, config.rolesClaim) ?? [];
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === "string")) {
    throw unauthenticated(`The token's "${config.rolesClaim}" claim is not a list of role names.`);
  }
  return { id: payload.sub, roles: [...new Set(roles)] };
}

function sameRoles(a, b) {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((role) => right.has(role));
}

/**
 * Whether the body has an actor; 403 when it is a well-formed actor other than the token's (id, or
 * roles as sets). A malformed body actor goes on to the engine, which refuses it (400).
 */
function checkActor(parsed, actor) {
  if (!Object.hasOwn(parsed, "actor")) return false;
  const body = parsed.actor;
  if (typeof body === "string") {
    // The engine's authorize reads a string as the JSON text of an actor: never let one past the check.
    throw new HttpError(400, "INVALID_INPUT", "Expected actor as an object { id, roles } (or leave it out: the server acts as the token's actor).", { path: "/actor" });
  }
  if (isObject(body) && typeof body.id === "string" && Array.isArray(body.roles) && body.roles.every((r) => typeof r === "string")) {
    if (body.id !== actor.id || !sameRoles(body.roles, actor.roles)) {
      throw new HttpError(
        403,
        "ACTOR_MISMATCH",
        `The body's actor (${body.id}: ${body.roles.join(", ") || "no roles"}) is not the token's (${actor.id}: ${actor.roles.join(", ") || "no roles"}); leave actor out, the server acts as the token's.`,
        { path: "/actor" },
      );
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// D1 (binding DB): approvals and the audit chain. Schema: examples/edge/migrations/.

function database(env) {
  if (env.DB === undefined || typeof env.DB.prepare !== "function") {
    throw new HttpError(500, "DATABASE_NOT_CONFIGURED", "The server has no DB binding (D1); it cannot record approvals or the audit chain.");
  }
  return env.DB;
}

const SERVER_FIELDS = {
  now: "now is the server's clock; leave it out",
  approvals: "approvals are recorded with POST /v1/approvals",
  previousAudit: "previousAudit is the head of the server's audit chain; leave it out",
};

function approvalFromRow(row) {
  return {
    id: row.id,
    actor: { id: row.actor_id, roles: JSON.parse(row.actor_roles) },
    environment: row.environment,
    fingerprint: row.fingerprint,
    decision: row.decision,
    at: row.at,
    ...(row.comment === null ? {} : { comment: row.comment }),
  };
}

async function loadApprovals(db, environment) {
  const { results } = await db.prepare("SELECT * FROM approvals WHERE environment = ?1 ORDER BY id").bind(environment).all();
  return results.map(approvalFromRow).map(({ id: _id, ...approval }) => approval);
}

/** The environment whose gates a plan judges: the sync's `to`, production, the rollback's environment. */
function targetOf(operation, parsed) {
  const target = operation === "planSync" ? parsed.to : operation === "planPublish" ? "production" : parsed.environment;
  return typeof target === "string" ? target : undefined;
}

const MAX_APPEND_ATTEMPTS = 200;

// Plans of one isolate append one after the other (a promise queue), so that they do not race each
// other for the same sequence number; plans of other isolates (other machines, other locations)
// still can, and the conditional INSERT below is what keeps the chain from forking then.
let appendQueue = Promise.resolve();
function oneAtATime(task) {
  const run = appendQueue.then(task, task);
  appendQueue = run.catch(() => {});
  return run;
}

/**
 * A plan: the token's actor, the server's clock, the stored approvals of the target environment
 * and the stored head of the audit chain go into the request; the answer's audit record is then
 * appended as sequence number head + 1, only if no record took that number meanwhile (primary key,
 * and a conditional INSERT): a concurrent plan that lost the race plans again on the new head.
 */
async function answerPlan(env, operation, actor, received, mode) {
  const rules = policyRules(env);
  const parsed = tryParse(received);
  if (!isObject(parsed)) {
    // Not a JSON object: the engine names the mistake (it refuses anything that is not one).
    OPERATIONS[operation](rules, received);
    throw new HttpError(400, "INVALID_INPUT", "Expected the request as a JSON object.", { path: "" });
  }
  for (const [field, message] of Object.entries(SERVER_FIELDS)) {
    if (Object.hasOwn(parsed, field)) throw new HttpError(400, "INVALID_INPUT", `${message[0].toUpperCase()}${message.slice(1)}.`, { path: `/${field}` });
  }
  const hasActor = checkActor(parsed, actor);
  const db = database(env);
  const now = clockNow(env);
  const target = targetOf(operation, parsed);
  const approvals = target === undefined ? [] : await loadApprovals(db, target);
  return oneAtATime(() => appendPlan({ db, rules, operation, received, parsed, hasActor, actor, now, approvals, mode }));
}

/** Plans on the stored head and appends the record; on a lost race, plans again on the new head. */
async function appendPlan({ db, rules, operation, received, parsed, hasActor, actor, now, approvals, mode }) {
  for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
    const head = await db.prepare("SELECT seq, fingerprint FROM audit ORDER BY seq DESC LIMIT 1").first();
    const text = withMembers(received, parsed, {
      now,
      actor: hasActor ? undefined : actor,
      approvals: approvals.length > 0 ? approvals : undefined,
      previousAudit: head?.fingerprint ?? undefined,
    });
    const { answer } = OPERATIONS[operation](rules, text);
    const record = answer.audit;
    const seq = (head?.seq ?? 0) + 1;
    if (isObject(record)) {
      let changes = 0;
      try {
        const result = await db
          .prepare(
            "INSERT INTO audit (seq, fingerprint, previous, record, recorded_at) SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM audit WHERE seq >= ?1)",
          )
          .bind(seq, fingerprint(record), record.previous ?? null, JSON.stringify(record), now)
          .run();
        changes = result.meta.changes;
      } catch (error) {
        if (!/UNIQUE|constraint/i.test(String(error?.message))) throw error;
      }
      if (changes !== 1) {
        // Another plan took this sequence number: plan again on the new head, after a short pause.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 * (attempt + 1))));
        continue;
      }
    }
    const headers = isObject(record) ? { "audit-sequence": String(seq) } : {};
    const refused = closedWindow(answer, Date.parse(now));
    if (refused) {
      for (const [name, value] of Object.entries(headers)) refused.headers.set(name, value);
      return refused;
    }
    return json(mode === "strict" && answer.allowed === false ? 403 : 200, answer, headers);
  }
  throw new HttpError(503, "BUSY", "The audit chain is too busy to append this plan; try again.", { headers: { "retry-after": "1" } });
}

/** checkEdit and authorize: the token's actor, nothing recorded. */
function answerCheck(env, operation, actor, received, mode) {
  const rules = policyRules(env);
  const parsed = tryParse(received);
  if (!isObject(parsed)) {
    OPERATIONS[operation](rules, received);
    throw new HttpError(400, "INVALID_INPUT", "Expected the request as a JSON object.", { path: "" });
  }
  if (operation === "checkEdit" && Object.hasOwn(parsed, "previousAudit")) {
    // Edit checks are previews, not recorded: their audit record links to nothing the server keeps.
    throw new HttpError(400, "INVALID_INPUT", "PreviousAudit is the head of the server's audit chain, which records plans, not edit checks; leave it out.", { path: "/previousAudit" });
  }
  const hasActor = checkActor(parsed, actor);
  const text = withMembers(received, parsed, { actor: hasActor ? undefined : actor });
  const { answer } = OPERATIONS[operation](rules, text);
  return json(mode === "strict" && answer.allowed === false ? 403 : 200, answer);
}

const DECISIONS = ["approve", "reject"];
const MAX_COMMENT = 2000;

/** POST /v1/approvals: `{ environment, fingerprint, decision, comment? }` by the token's actor → 201. */
async function recordApproval(env, actor, received) {
  const rules = policyRules(env);
  const body = tryParse(received);
  if (!isObject(body)) throw new HttpError(400, "INVALID_INPUT", "Expected an approval as a JSON object { environment, fingerprint, decision, comment? }.", { path: "" });
  for (const key of Object.keys(body)) {
    if (!["environment", "fingerprint", "decision", "comment", "actor"].includes(key)) {
      const hint = key === "at" ? " (at is the server's clock)" : "";
      throw new HttpError(400, "INVALID_INPUT", `An approval has no field "${key}"${hint}; the fields are environment, fingerprint, decision, comment.`, { path: `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}` });
    }
  }
  if (checkActor(body, actor) && !(isObject(body.actor) && typeof body.actor.id === "string")) {
    throw new HttpError(400, "INVALID_INPUT", "Leave actor out: the approver is the token's actor.", { path: "/actor" });
  }
  if (typeof body.environment !== "string" || !rules.environments.includes(body.environment)) {
    throw new HttpError(400, "INVALID_INPUT", `Expected environment as one of ${rules.environments.join(", ")}.`, { path: "/environment" });
  }
  if (typeof body.fingerprint !== "string" || !FINGERPRINT.test(body.fingerprint)) {
    throw new HttpError(400, "INVALID_INPUT", 'Expected fingerprint as the reviewed plan\'s fingerprint ("sha256:" and 64 lowercase hex digits).', { path: "/fingerprint" });
  }
  if (!DECISIONS.includes(body.decision)) {
    throw new HttpError(400, "INVALID_INPUT", 'Expected decision as "approve" or "reject".', { path: "/decision" });
  }
  if (body.comment !== undefined && (typeof body.comment !== "string" || body.comment.length > MAX_COMMENT)) {
    throw new HttpError(400, "INVALID_INPUT", `Expected comment as text of at most ${MAX_COMMENT} characters.`, { path: "/comment" });
  }
  const at = clockNow(env);
  const row = await database(env)
    .prepare("INSERT INTO approvals (actor_id, actor_roles, environment, fingerprint, decision, at, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING *")
    .bind(actor.id, JSON.stringify(actor.roles), body.environment, body.fingerprint, body.decision, at, body.comment ?? null)
    .first();
  const approval = approvalFromRow(row);
  return json(201, approval, { location: `/v1/approvals?environment=${encodeURIComponent(approval.environment)}&fingerprint=${encodeURIComponent(approval.fingerprint)}` });
}

function queryParameters(url, allowed) {
  for (const key of url.searchParams.keys()) {
    if (!allowed.includes(key)) throw new HttpError(400, "INVALID_QUERY", `Unknown query parameter "${key}"; use ${allowed.join(", ")}.`, { path: "" });
  }
}

/** GET /v1/approvals?environment=&fingerprint=: the recorded approvals, oldest first. */
async function listApprovals(env, url) {
  queryParameters(url, ["environment", "fingerprint"]);
  const environment = url.searchParams.get("environment");
  const fingerprintValue = url.searchParams.get("fingerprint");
  const { results } = await database(env)
    .prepare("SELECT * FROM approvals WHERE (?1 IS NULL OR environment = ?1) AND (?2 IS NULL OR fingerprint = ?2) ORDER BY id LIMIT 1000")
    .bind(environment, fingerprintValue)
    .all();
  return json(200, { approvals: results.map(approvalFromRow) });
}

function integerParameter(url, name, fallback, max) {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) > max) throw new HttpError(400, "INVALID_QUERY", `Expected ${name} as an integer from 0 to ${max}.`, { path: "" });
  return Number(raw);
}

/** GET /v1/audit?after=SEQ&limit=N: the stored chain, oldest first, from sequence number after + 1. */
async function listAudit(env, url) {
  queryParameters(url, ["after", "limit"]);
  const after = integerParameter(url, "after", 0, Number.MAX_SAFE_INTEGER);
  const limit = Math.max(1, integerParameter(url, "limit", 100, 1000));
  const { results } = await database(env)
    .prepare("SELECT seq, fingerprint, record, recorded_at FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2")
    .bind(after, limit + 1)
    .all();
  const page = results.slice(0, limit);
  const records = page.map((row) => ({ seq: row.seq, fingerprint: row.fingerprint, recordedAt: row.recorded_at, record: JSON.parse(row.record) }));
  return json(200, { records, ...(results.length > limit ? { next: page.at(-1).seq } : {}) });
}

/** GET /v1/audit/verify: verifyAuditChain of the stored records (their stored text), oldest first. */
async function verifyStoredChain(env) {
  const { results } = await database(env).prepare("SELECT seq, fingerprint, record FROM audit ORDER BY seq").all();
  let answer;
  try {
    answer = verifyAuditChain(`[${results.map((row) => row.record).join(",")}]`);
  } catch (error) {
    if (!isPromotionRulesError(error)) throw error;
    // A stored record that is no longer a record: the chain is broken there.
    const index = Number(/^\/(\d+)/.exec(error.path)?.[1] ?? 0);
    return json(200, { valid: false, count: results.length, brokenAt: index, reason: error.message });
  }
  // The sequence numbers run 1, 2, 3…, and the last record is the one the chain's head names.
  const gap = results.findIndex((row, i) => row.seq !== i + 1);
  if (answer.valid && gap !== -1) return json(200, { ...answer, valid: false, brokenAt: gap });
  const last = results.at(-1);
  if (answer.valid && last !== undefined && last.fingerprint !== answer.head) {
    return json(200, { ...answer, valid: false, brokenAt: results.length - 1 });
  }
  return json(200, answer);
}

// ---------------------------------------------------------------------------------------------
// CORS: the origins of the ALLOWED_ORIGINS binding (comma- or space-separated, or a JSON array),
// each echoed exactly (never "*"), with credentials; a request from any other origin is refused.

function allowedOrigins(env) {
  const binding = env.ALLOWED_ORIGINS;
  if (binding === undefined || binding === null || binding === "") return [];
  const list = Array.isArray(binding) ? binding : String(binding).trim().startsWith("[") ? JSON.parse(binding) : String(binding).split(/[\s,]+/);
  return list.filter((origin) => typeof origin === "string" && origin !== "" && origin !== "*");
}

function corsHeaders(origin) {
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": "audit-sequence, retry-after",
    vary: "Origin",
  };
}

// ---------------------------------------------------------------------------------------------

async function handle(request, env) {
  const url = new URL(request.url);
  const endpoint = Object.hasOwn(ENDPOINTS, url.pathname) ? ENDPOINTS[url.pathname] : undefined;
  if (endpoint === undefined) {
    throw new HttpError(404, "NOT_FOUND", `There is no endpoint at ${url.pathname}; the endpoints are ${ENDPOINT_LIST}.`);
  }
  const allow = Object.keys(endpoint).join(", ");
  const origin = request.headers.get("origin");
  if (origin !== null && !allowedOrigins(env).includes(origin)) {
    throw new HttpError(403, "ORIGIN_NOT_ALLOWED", `Requests from ${origin} are not allowed; the server's ALLOWED_ORIGINS binding lists the front ends it answers.`);
  }
  if (request.method === "OPTIONS") {
    if (origin === null) return new Response(null, { status: 204, headers: { allow } });
    const method = request.headers.get("access-control-request-method");
    if (method !== null && !Object.hasOwn(endpoint, method)) {
      throw new HttpError(405, "METHOD_NOT_ALLOWED", `${url.pathname} answers ${allow}, not ${method}.`, { headers: { allow } });
    }
    return new Response(null, {
      status: 204,
      headers: {
        allow,
        ...corsHeaders(origin),
        "access-control-allow-methods": allow,
        "access-control-allow-headers": "authorization, content-type",
        "access-control-max-age": "600",
      },
    });
  }
  if (!Object.hasOwn(endpoint, request.method)) {
    throw new HttpError(405, "METHOD_NOT_ALLOWED", `${url.pathname} answers ${allow}, not ${request.method}.`, { headers: { allow } });
  }
  const route = endpoint[request.method];
  const mode = url.searchParams.get("mode");
  if (route.operation !== undefined) {
    if (mode !== null && mode !== "strict") {
      throw new HttpError(400, "INVALID_QUERY", `Unknown mode "${mode}"; use ?mode=strict (a denial answers 403) or leave it out (a denial answers 200).`, { path: "" });
    }
  }
  if (route.public) {
    const response = json(200, policyAnswer(env));
    return request.method === "HEAD" ? new Response(null, { status: 200, headers: response.headers }) : response;
  }
  const actor = await authenticate(request, env);
  if (route.route === "listApprovals") return listApprovals(env, url);
  if (route.route === "listAudit") return listAudit(env, url);
  if (route.route === "verifyStoredChain") return verifyStoredChain(env);
  requireJson(request);
  const limit = maxBodyBytes(env);
  policyRules(env);
  const received = await readBody(request, limit);
  if (route.route === "recordApproval") return recordApproval(env, actor, received);
  if (route.plan) return answerPlan(env, route.operation, actor, received, mode);
  if (route.operation === "verifyAuditChain") return json(200, verifyAuditChain(received));
  return answerCheck(env, route.operation, actor, received, mode);
}

export default {
  async fetch(request, env) {
    let response;
    try {
      response = await handle(request, env ?? {});
    } catch (error) {
      if (error instanceof HttpError) response = json(error.status, error.body, error.headers);
      else if (isPromotionRulesError(error)) response = json(400, { code: error.code, message: error.message, path: error.path });
      else {
        console.error("promotion-rules edge: internal error", error);
        response = json(500, { code: "INTERNAL", message: "The server could not answer this request; the error was logged." });
      }
    }
    // CORS headers on every answer to an allowed origin (errors included, so the front end reads them).
    const origin = request.headers.get("origin");
    if (origin !== null && !response.headers.has("access-control-allow-origin") && allowedOrigins(env ?? {}).includes(origin)) {
      response = new Response(response.body, response);
      for (const [name, value] of Object.entries(corsHeaders(origin))) response.headers.set(name, value);
    }
    return response;
  },
};

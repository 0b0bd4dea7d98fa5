// promotion-rules at the edge: a Workers module (Cloudflare Workers, workerd) that answers the very
// decisions the front end previewed, with the same package. See examples/edge/README.md.
//
//   GET  /v1/policy        the active policy, its fingerprint and where it came from
//   POST /v1/plan/sync     planSync(body); `expect: {targetFingerprint, policyFingerprint}` → 409 STALE_PLAN
//   POST /v1/plan/publish  planPublish(body)
//   POST /v1/plan/rollback planRollback(body)
//   POST /v1/check/edit    checkEdit(body)
//   POST /v1/authorize     authorize(body.actor, body.action, body.environment)
//   POST /v1/audit/verify  verifyAuditChain(body): the body is the log, an array of audit records
//
// Gates (promotion windows, soak times) read `now` from this server's clock: a `now` sent by the
// client is ignored and replaced. A plan refused by a closed promotion window answers 409
// OUTSIDE_PROMOTION_WINDOW with `nextAllowedAt` (and Retry-After). The `CLOCK` binding (an RFC 3339
// instant) pins the clock for tests and replays; leave it unset in production.
//
// The package is imported through its `workerd` export: the .wasm arrives as a compiled module and
// is instantiated synchronously (workerd forbids compiling WebAssembly from bytes at run time).
import { PromotionRules, defaultPolicy, fingerprint, verifyAuditChain } from "promotion-rules";

/** Largest request body, in bytes, unless the `MAX_BODY_BYTES` binding says otherwise. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const ENDPOINTS = {
  "/v1/policy": { methods: ["GET", "HEAD"] },
  "/v1/plan/sync": { methods: ["POST"], operation: "planSync" },
  "/v1/plan/publish": { methods: ["POST"], operation: "planPublish" },
  "/v1/plan/rollback": { methods: ["POST"], operation: "planRollback" },
  "/v1/check/edit": { methods: ["POST"], operation: "checkEdit" },
  "/v1/authorize": { methods: ["POST"], operation: "authorize" },
  "/v1/audit/verify": { methods: ["POST"], operation: "verifyAuditChain" },
};
const ENDPOINT_LIST =
  "GET /v1/policy, POST /v1/plan/sync, POST /v1/plan/publish, POST /v1/plan/rollback, POST /v1/check/edit, POST /v1/authorize, POST /v1/audit/verify";
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
 * The request text with `now` set to the server's clock. A body without `now` keeps its exact text
 * (the engine still reads it: duplicate keys, numbers, limits) with `now` added as its first
 * member; a body with `now` is re-serialised without the client's value. Anything but a JSON
 * object goes to the engine untouched, which names the mistake.
 */
function withServerClock(text, now) {
  const parsed = tryParse(text);
  if (!isObject(parsed)) return text;
  if (Object.hasOwn(parsed, "now") || Object.keys(parsed).length === 0) {
    return JSON.stringify({ ...parsed, now });
  }
  return text.replace(/^(\s*)\{/, (_, space) => `${space}{"now":${JSON.stringify(now)},`);
}

/** A plan refused by a closed promotion window: 409 with the next allowed instant. */
function closedWindow(answer) {
  const issue = answer?.violations?.find((v) => v.code === "OUTSIDE_PROMOTION_WINDOW");
  if (!issue) return undefined;
  const nextAllowedAt = answer.gates?.window?.nextAllowedAt;
  const headers = {};
  if (nextAllowedAt !== undefined) {
    const wait = Math.ceil((Date.parse(nextAllowedAt) - Date.now()) / 1000);
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

async function handle(request, env) {
  const url = new URL(request.url);
  const endpoint = Object.hasOwn(ENDPOINTS, url.pathname) ? ENDPOINTS[url.pathname] : undefined;
  if (endpoint === undefined) {
    throw new HttpError(404, "NOT_FOUND", `There is no endpoint at ${url.pathname}; the endpoints are ${ENDPOINT_LIST}.`);
  }
  const allow = endpoint.methods.join(", ");
  if (request.method === "OPTIONS") {
    return new Response(null, { status: 204, headers: { allow } });
  }
  if (!endpoint.methods.includes(request.method)) {
    throw new HttpError(405, "METHOD_NOT_ALLOWED", `${url.pathname} answers ${allow}, not ${request.method}.`, { headers: { allow } });
  }
  const mode = url.searchParams.get("mode");
  if (mode !== null && mode !== "strict") {
    throw new HttpError(400, "INVALID_QUERY", `Unknown mode "${mode}"; use ?mode=strict (a denial answers 403) or leave it out (a denial answers 200).`, { path: "" });
  }
  if (endpoint.operation === undefined) {
    const response = json(200, policyAnswer(env));
    return request.method === "HEAD" ? new Response(null, { status: 200, headers: response.headers }) : response;
  }
  requireJson(request);
  const limit = maxBodyBytes(env);
  const rules = policyRules(env);
  const received = await readBody(request, limit);
  const gated = endpoint.operation === "planSync" || endpoint.operation === "planPublish";
  const text = gated ? withServerClock(received, clockNow(env)) : received;
  const { answer } = OPERATIONS[endpoint.operation](rules, text);
  if (gated) {
    const refused = closedWindow(answer);
    if (refused) return refused;
  }
  return json(mode === "strict" && answer.allowed === false ? 403 : 200, answer);
}

export default {
  async fetch(request, env) {
    try {
      return await handle(request, env ?? {});
    } catch (error) {
      if (error instanceof HttpError) return json(error.status, error.body, error.headers);
      if (isPromotionRulesError(error)) {
        return json(400, { code: error.code, message: error.message, path: error.path });
      }
      console.error("promotion-rules edge: internal error", error);
      return json(500, { code: "INTERNAL", message: "The server could not answer this request; the error was logged." });
    }
  },
};

// The edge worker's security model, in real workerd: who may call (bearer JWTs), who acts (the
// token's actor), who approved (approvals recorded by their approvers in D1), what was decided (the
// audit chain in D1), and from where (CORS). Run by `make test-edge` (node --test tests/edge/).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { SignJWT, generateKeyPair } from "jose";
import { call, mintToken, startEdge } from "./harness.mjs";

const CLOCK = "2026-11-30T10:00:00+01:00";
const NOW = new Date(CLOCK);
const SYNC = JSON.parse(readFileSync(new URL("../../examples/edge/requests/sync.json", import.meta.url), "utf8"));
const ORIGIN = "https://release.example.com";

/** The default policy with a uat gate: two approvals from qa, business or admin people. */
async function gatedPolicy() {
  const { defaultPolicy } = await import("../../pkg/node.mjs").catch(() => import("promotion-rules"));
  return { ...defaultPolicy(), gates: { uat: { approvals: { required: 2, roles: ["qa", "business", "admin"] } } } };
}

let edge;
const tokens = {};
const token = (id) => tokens[id];
const people = { dana: ["developer"], quinn: ["qa"], bea: ["business"], ben: ["business"], omar: ["devops"], ada: ["admin"] };

before(async () => {
  const policy = await gatedPolicy();
  edge = await startEdge([
    { name: "main", clock: CLOCK, policy },
    { name: "audit", clock: CLOCK },
    // Two workers (two isolates) on one D1 database: their plans race for the same chain.
    { name: "race", clock: CLOCK, database: "race" },
    { name: "race2", clock: CLOCK, database: "race" },
    { name: "cors", clock: CLOCK, allowedOrigins: [ORIGIN, "http://127.0.0.1:8080"] },
    { name: "unconfigured", clock: CLOCK, auth: undefined },
  ]);
  for (const [id, roles] of Object.entries(people)) tokens[id] = await mintToken(edge.keySet.keys.ES256, { sub: id, roles, now: NOW });
});
after(async () => edge?.stop());

const plan = (worker, tokenValue, body, path = "/v1/plan/sync") => call(edge.base, { method: "POST", path, worker, token: tokenValue, body });
const auditRows = async (worker) => (await (await edge.mf.getD1Database("DB", worker)).prepare("SELECT * FROM audit ORDER BY seq").all()).results;

/** A sync test → uat of one agent whose tone is `tone` (quinn, qa, may sync out of test). */
const uatSync = (tone) => ({
  from: "test",
  to: "uat",
  source: { agents: [{ id: "support-bot", tone, updatedBy: "dana" }] },
  target: { agents: [{ id: "support-bot", tone: "formal", updatedBy: "dana" }] },
});

function assertUnauthenticated(res, what) {
  assert.equal(res.status, 401, `${what}: status ${res.status} ${res.text}`);
  assert.equal(res.json?.code, "UNAUTHENTICATED", what);
  assert.equal(typeof res.json.message, "string");
  assert.match(String(res.headers["www-authenticate"]), /^Bearer /);
}

describe("identity: every endpoint but GET /v1/policy needs a verified bearer token", () => {
  const endpoints = [
    ["POST", "/v1/plan/sync", SYNC],
    ["POST", "/v1/plan/publish", {}],
    ["POST", "/v1/plan/rollback", {}],
    ["POST", "/v1/check/edit", {}],
    ["POST", "/v1/authorize", { action: "sync", environment: "dev" }],
    ["POST", "/v1/approvals", {}],
    ["GET", "/v1/approvals"],
    ["GET", "/v1/audit"],
    ["GET", "/v1/audit/verify"],
    ["POST", "/v1/audit/verify", []],
  ];

  test("GET /v1/policy answers without a token", async () => {
    const res = await call(edge.base, { path: "/v1/policy" });
    assert.equal(res.status, 200);
  });

  test("a worker without AUTH_JWKS, AUTH_ISSUER and AUTH_AUDIENCE fails closed (500), whatever the token", async () => {
    const res = await call(edge.base, { method: "POST", path: "/v1/authorize", worker: "unconfigured", token: token("ada"), body: { action: "sync", environment: "dev" } });
    assert.equal(res.status, 500);
    assert.equal(res.json.code, "AUTH_NOT_CONFIGURED");
    assert.match(res.json.message, /AUTH_JWKS, AUTH_ISSUER, AUTH_AUDIENCE/);
    assert.equal((await call(edge.base, { path: "/v1/policy", worker: "unconfigured" })).status, 200);
  });

  test("a request without Authorization answers 401 on every other endpoint", async () => {
    for (const [method, path, body] of endpoints) assertUnauthenticated(await call(edge.base, { method, path, body }), `${method} ${path}`);
  });

  test("a malformed Authorization header answers 401", async () => {
    for (const header of ["Basic ZGFuYTpzZWNyZXQ=", "Bearer", "Bearer not-a-jwt", `Bearer ${token("dana")} extra`, token("dana")]) {
      const res = await call(edge.base, { method: "POST", path: "/v1/authorize", headers: { authorization: header }, body: { action: "sync", environment: "dev" } });
      assertUnauthenticated(res, header.slice(0, 20));
    }
  });

  const forged = async (build) => {
    const res = await call(edge.base, { method: "POST", path: "/v1/authorize", headers: { authorization: `Bearer ${await build()}` }, body: { action: "sync", environment: "dev" } });
    return res;
  };
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = () => ({ sub: "ada", roles: ["admin"], iss: "https://identity.promotion-rules.localhost", aud: "promotion-rules-edge", iat: Math.floor(NOW / 1000), exp: Math.floor(NOW / 1000) + 600 });

  test("an unsigned token (alg none) answers 401", async () => {
    assertUnauthenticated(await forged(() => `${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}.`), "alg none");
    assertUnauthenticated(await forged(() => `${b64({ alg: "none", kid: edge.keySet.keys.ES256.kid })}.${b64(claims())}.`), "alg none with a kid");
  });

  test("a token signed by another key, even under a known kid, answers 401", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    const kid = edge.keySet.keys.ES256.kid;
    assertUnauthenticated(await forged(() => new SignJWT(claims()).setProtectedHeader({ alg: "ES256", kid }).sign(privateKey)), "foreign key");
    assertUnauthenticated(await forged(() => mintToken({ alg: "ES256", kid: "unknown", privateKey }, { sub: "ada", roles: ["admin"], now: NOW })), "unknown kid");
  });

  test("a token whose payload was changed after signing answers 401", async () => {
    const [header, , signature] = token("dana").split(".");
    assertUnauthenticated(await forged(() => `${header}.${b64({ ...claims(), sub: "dana", roles: ["admin"] })}.${signature}`), "edited payload");
  });

  test("an HMAC token made with the public key as its secret answers 401", async () => {
    const jwk = edge.keySet.jwks.keys[0];
    const secret = new TextEncoder().encode(JSON.stringify(jwk));
    assertUnauthenticated(await forged(() => new SignJWT(claims()).setProtectedHeader({ alg: "HS256", kid: jwk.kid }).sign(secret)), "HS256");
  });

  test("an expired token, and one not valid yet, answer 401 by the worker's clock", async () => {
    const key = edge.keySet.keys.RS256;
    const expired = await mintToken(key, { sub: "dana", roles: ["developer"], now: new Date(NOW - 7200_000), expiresIn: 3600 });
    const res = await call(edge.base, { method: "POST", path: "/v1/authorize", token: expired, body: { action: "sync", environment: "dev" } });
    assertUnauthenticated(res, "expired");
    assert.match(res.json.message, /expired/);
    const early = await mintToken(key, { sub: "dana", roles: ["developer"], now: NOW, notBefore: new Date(+NOW + 600_000) });
    assertUnauthenticated(await call(edge.base, { method: "POST", path: "/v1/authorize", token: early, body: { action: "sync", environment: "dev" } }), "nbf");
    // Valid by the real clock (2026-11-30 is the worker's pinned clock, not today): the worker's clock decides.
    const fresh = await mintToken(key, { sub: "dana", roles: ["developer"], now: new Date(), expiresIn: 600 });
    const judged = await call(edge.base, { method: "POST", path: "/v1/authorize", token: fresh, body: { action: "sync", environment: "dev" } });
    assert.equal(judged.status, Date.now() < +NOW - 600_000 ? 401 : judged.status);
  });

  test("a token without exp or sub answers 401", async () => {
    const key = edge.keySet.keys.EdDSA;
    assertUnauthenticated(await forged(() => mintToken(key, { sub: "dana", roles: [], now: NOW, expiresIn: null })), "no exp");
    assertUnauthenticated(await forged(() => mintToken(key, { sub: undefined, roles: [], now: NOW })), "no sub");
  });

  test("a token of another issuer or audience answers 401", async () => {
    const key = edge.keySet.keys.ES256;
    const wrongIssuer = await forged(() => mintToken(key, { sub: "dana", roles: ["developer"], now: NOW, issuer: "https://evil.example" }));
    assertUnauthenticated(wrongIssuer, "iss");
    assert.match(wrongIssuer.json.message, /"iss"/);
    const wrongAudience = await forged(() => mintToken(key, { sub: "dana", roles: ["developer"], now: NOW, audience: "another-api" }));
    assertUnauthenticated(wrongAudience, "aud");
    assert.match(wrongAudience.json.message, /"aud"/);
  });

  test("RS256, ES256 and EdDSA tokens are accepted", async () => {
    for (const alg of ["RS256", "ES256", "EdDSA"]) {
      const t = await mintToken(edge.keySet.keys[alg], { sub: "dana", roles: ["developer"], now: NOW });
      const res = await call(edge.base, { method: "POST", path: "/v1/authorize", token: t, body: { action: "sync", environment: "dev" } });
      assert.equal(res.status, 200, `${alg}: ${res.text}`);
      assert.equal(res.json.allowed, true);
    }
  });

  test("a token without the roles claim is an actor with no roles: denied, not 401", async () => {
    const t = await mintToken(edge.keySet.keys.ES256, { sub: "dana", roles: undefined, now: NOW });
    const res = await call(edge.base, { method: "POST", path: "/v1/authorize", token: t, body: { action: "sync", environment: "dev" } });
    assert.equal(res.status, 200);
    assert.equal(res.json.allowed, false);
    assert.equal(res.json.violations[0].code, "FORBIDDEN");
  });

  test("a roles claim that is not a list of names answers 401", async () => {
    assertUnauthenticated(await forged(() => mintToken(edge.keySet.keys.ES256, { sub: "dana", roles: "admin", now: NOW })), "roles as a string");
  });
});

describe("the actor is the token's", () => {
  test("a body actor with another id answers 403 ACTOR_MISMATCH", async () => {
    const res = await plan("main", token("dana"), { ...SYNC, actor: { id: "ada", roles: ["developer"] } });
    assert.equal(res.status, 403);
    assert.equal(res.json.code, "ACTOR_MISMATCH");
    assert.equal(res.json.path, "/actor");
  });

  test("role spoofing: dana claiming admin in the body answers 403 on every endpoint with an actor", async () => {
    const spoof = { id: "dana", roles: ["developer", "admin"] };
    for (const [path, body] of [
      ["/v1/plan/sync", { ...SYNC, actor: spoof }],
      ["/v1/plan/publish", { actor: spoof }],
      ["/v1/plan/rollback", { actor: spoof }],
      ["/v1/check/edit", { actor: spoof }],
      ["/v1/authorize", { actor: spoof, action: "publish", environment: "production" }],
    ]) {
      const res = await plan("main", token("dana"), body, path);
      assert.equal(res.status, 403, `${path}: ${res.text}`);
      assert.equal(res.json.code, "ACTOR_MISMATCH", path);
    }
    const rows = await auditRows("main");
    assert.ok(!rows.some((row) => JSON.parse(row.record).actor === "dana" && row.record.includes("publish")), "a refused spoof was recorded");
  });

  test("an actor sent as JSON text (which authorize would read) is refused, never compared loosely", async () => {
    const text = JSON.stringify({ id: "ada", roles: ["admin"] });
    const res = await plan("main", token("dana"), { actor: text, action: "publish", environment: "production" }, "/v1/authorize");
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.path, "/actor");
    const same = await plan("main", token("dana"), { actor: JSON.stringify({ id: "dana", roles: ["developer"] }), action: "sync", environment: "dev" }, "/v1/authorize");
    assert.equal(same.status, 400);
  });

  test("the same roles in another order are the token's actor", async () => {
    const both = await mintToken(edge.keySet.keys.ES256, { sub: "omar", roles: ["devops", "qa"], now: NOW });
    const res = await plan("main", both, { actor: { id: "omar", roles: ["qa", "devops", "qa"] }, action: "sync", environment: "test" }, "/v1/authorize");
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.allowed, true);
  });

  test("without a body actor the plan is the token's actor's", async () => {
    const { actor: _actor, ...body } = SYNC;
    const res = await plan("main", token("dana"), body);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.audit.actor, "dana");
    const denied = await plan("main", token("quinn"), body);
    assert.equal(denied.json.allowed, false);
    assert.equal(denied.json.violations[0].code, "FORBIDDEN");
  });

  test("a malformed body actor is the engine's 400, not a way around the token", async () => {
    const res = await plan("main", token("dana"), { ...SYNC, actor: { id: "ada" } });
    assert.equal(res.status, 400);
    assert.equal(res.json.path, "/actor/roles");
  });
});

describe("the server owns now, approvals and the audit chain's head", () => {
  for (const [field, value, message] of [
    ["approvals", [], /POST \/v1\/approvals/],
    ["now", "2026-11-30T10:00:00Z", /clock/],
    ["previousAudit", "sha256:" + "0".repeat(64), /audit chain/],
  ]) {
    test(`a body ${field} answers 400 INVALID_INPUT at /${field}, and nothing is recorded`, async () => {
      const before = (await auditRows("main")).length;
      const res = await plan("main", token("dana"), { ...SYNC, [field]: value });
      assert.equal(res.status, 400);
      assert.equal(res.json.code, "INVALID_INPUT");
      assert.equal(res.json.path, `/${field}`);
      assert.match(res.json.message, message);
      assert.equal((await auditRows("main")).length, before);
    });
  }
});

describe("approvals recorded by their approvers", () => {
  const approve = (who, fingerprint, decision = "approve", extra = {}) =>
    call(edge.base, { method: "POST", path: "/v1/approvals", worker: "main", token: token(who), body: { environment: "uat", fingerprint, decision, ...extra } });

  test("a quorum is reached only by approvals posted with the approvers' own tokens", async () => {
    const first = await plan("main", token("quinn"), uatSync("warm"));
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.allowed, false);
    assert.ok(first.json.violations.some((v) => v.code === "APPROVALS_MISSING"));
    const fingerprint = first.json.fingerprint;

    // quinn asks for the sync and approves it herself: recorded, reported, not counted.
    const self = await approve("quinn", fingerprint, "approve", { comment: "looks good to me" });
    assert.equal(self.status, 201, self.text);
    assert.deepEqual(self.json.actor, { id: "quinn", roles: ["qa"] });
    assert.equal(self.json.at, CLOCK);
    assert.equal(self.json.comment, "looks good to me");
    let res = await plan("main", token("quinn"), uatSync("warm"));
    assert.ok(res.json.warnings.some((w) => w.code === "SELF_APPROVAL" && w.message.includes("quinn")), JSON.stringify(res.json.warnings));
    assert.equal(res.json.allowed, false);

    // omar (devops) approves: ineligible. ben approves: one of two.
    await approve("omar", fingerprint);
    await approve("ben", fingerprint);
    res = await plan("main", token("quinn"), uatSync("warm"));
    assert.ok(res.json.warnings.some((w) => w.code === "INELIGIBLE_APPROVER"));
    assert.deepEqual(res.json.gates.approvals.counted, ["ben"]);
    assert.equal(res.json.allowed, false);

    // An approval in the plan's body is refused: only recorded ones count.
    const smuggled = await plan("main", token("quinn"), { ...uatSync("warm"), approvals: [{ actor: { id: "ada", roles: ["admin"] }, environment: "uat", fingerprint, decision: "approve" }] });
    assert.equal(smuggled.status, 400);

    // ada approves with her own token: the quorum is reached.
    await approve("ada", fingerprint);
    res = await plan("main", token("quinn"), uatSync("warm"));
    assert.equal(res.json.allowed, true, JSON.stringify(res.json.violations));
    assert.deepEqual([...res.json.gates.approvals.counted].sort(), ["ada", "ben"]);
    assert.deepEqual([...res.json.audit.approvers].sort(), ["ada", "ben"]);

    const listed = await call(edge.base, { path: `/v1/approvals?environment=uat&fingerprint=${fingerprint}`, worker: "main", token: token("dana") });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json.approvals.map((a) => a.actor.id), ["quinn", "omar", "ben", "ada"]);
  });

  test("an approval goes stale when the source changes after the review", async () => {
    const reviewed = await plan("main", token("quinn"), uatSync("cheerful"));
    await approve("ben", reviewed.json.fingerprint);
    await approve("ada", reviewed.json.fingerprint);
    let res = await plan("main", token("quinn"), uatSync("cheerful"));
    assert.equal(res.json.allowed, true);
    res = await plan("main", token("quinn"), uatSync("cheerful, and brief"));
    assert.notEqual(res.json.fingerprint, reviewed.json.fingerprint);
    assert.equal(res.json.allowed, false);
    const stale = res.json.warnings.filter((w) => w.code === "STALE_APPROVAL").map((w) => w.message);
    assert.ok(stale.some((m) => m.includes("ben")) && stale.some((m) => m.includes("ada")), JSON.stringify(res.json.warnings));
  });

  test("a recorded rejection is counted against the plan", async () => {
    const reviewed = await plan("main", token("quinn"), uatSync("stern"));
    await approve("ben", reviewed.json.fingerprint, "reject", { comment: "too stern" });
    const res = await plan("main", token("quinn"), uatSync("stern"));
    assert.ok(res.json.violations.some((v) => v.code === "APPROVAL_REJECTED"));
  });

  test("an approval names no actor or instant, and only known environments and fingerprints", async () => {
    const fingerprint = "sha256:" + "a".repeat(64);
    for (const [body, path] of [
      [{ environment: "uat", fingerprint, decision: "approve", at: CLOCK }, "/at"],
      [{ environment: "qa", fingerprint, decision: "approve" }, "/environment"],
      [{ environment: "uat", fingerprint: "abc", decision: "approve" }, "/fingerprint"],
      [{ environment: "uat", fingerprint, decision: "maybe" }, "/decision"],
      [{ environment: "uat", fingerprint, decision: "approve", comment: 7 }, "/comment"],
    ]) {
      const res = await call(edge.base, { method: "POST", path: "/v1/approvals", worker: "main", token: token("ben"), body });
      assert.equal(res.status, 400, `${path}: ${res.text}`);
      assert.equal(res.json.path, path);
    }
    const spoof = await call(edge.base, { method: "POST", path: "/v1/approvals", worker: "main", token: token("dana"), body: { actor: { id: "ada", roles: ["admin"] }, environment: "uat", fingerprint, decision: "approve" } });
    assert.equal(spoof.status, 403);
    assert.equal(spoof.json.code, "ACTOR_MISMATCH");
  });
});

describe("the audit chain kept in D1", () => {
  test("100 plans (allowed and refused) chain, page oldest first and verify; a row edited in D1 breaks it", async () => {
    const { actor: _actor, ...body } = SYNC;
    for (let i = 0; i < 100; i++) {
      const res = await plan("audit", token(i % 4 === 0 ? "quinn" : "dana"), body);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers["audit-sequence"], String(i + 1));
    }
    // 4xx before planning are not recorded.
    await plan("audit", token("dana"), { ...body, now: CLOCK });
    await plan("audit", undefined, body);
    let res = await call(edge.base, { path: "/v1/audit/verify", worker: "audit", token: token("dana") });
    assert.deepEqual({ valid: res.json.valid, count: res.json.count }, { valid: true, count: 100 }, res.text);

    const seen = [];
    let after = 0;
    for (;;) {
      const page = await call(edge.base, { path: `/v1/audit?after=${after}&limit=30`, worker: "audit", token: token("dana") });
      assert.equal(page.status, 200, page.text);
      seen.push(...page.json.records);
      if (page.json.next === undefined) break;
      after = page.json.next;
    }
    assert.deepEqual(seen.map((r) => r.seq), Array.from({ length: 100 }, (_, i) => i + 1));
    assert.equal(seen.filter((r) => r.record.allowed === false).length, 25, "refused plans are recorded");
    assert.equal(seen[0].record.previous, undefined);
    for (let i = 1; i < seen.length; i++) assert.equal(seen[i].record.previous, seen[i - 1].fingerprint);
    assert.equal(res.json.head, seen.at(-1).fingerprint);

    const db = await edge.mf.getD1Database("DB", "audit");
    await db.prepare(`UPDATE audit SET record = replace(record, '"actor":"quinn"', '"actor":"dana"') WHERE seq = 41`).run();
    res = await call(edge.base, { path: "/v1/audit/verify", worker: "audit", token: token("dana") });
    assert.equal(res.json.valid, false, res.text);
    assert.equal(res.json.brokenAt, 41);
  });

  test("50 concurrent plans, through two isolates sharing the database, never fork the chain", async () => {
    const { actor: _actor, ...body } = SYNC;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => plan(i % 2 ? "race2" : "race", token("dana"), body)));
    for (const res of answers) assert.equal(res.status, 200, res.text);
    assert.deepEqual(answers.map((r) => Number(r.headers["audit-sequence"])).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
    const rows = await auditRows("race");
    assert.equal(rows.length, 50);
    const previous = rows.map((row) => JSON.parse(row.record).previous);
    assert.equal(new Set(previous).size, 50, "two records name the same previous: a fork");
    for (let i = 1; i < rows.length; i++) assert.equal(previous[i], rows[i - 1].fingerprint);
    const res = await call(edge.base, { path: "/v1/audit/verify", worker: "race", token: token("dana") });
    assert.deepEqual({ valid: res.json.valid, count: res.json.count }, { valid: true, count: 50 });
  });
});

describe("CORS: the origins of ALLOWED_ORIGINS, and no other", () => {
  test("a preflight from an allowed origin answers 204 with that origin (never *) and credentials", async () => {
    const res = await call(edge.base, {
      method: "OPTIONS",
      path: "/v1/plan/sync",
      worker: "cors",
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers["access-control-allow-origin"], ORIGIN);
    assert.equal(res.headers["access-control-allow-credentials"], "true");
    assert.match(res.headers["access-control-allow-headers"], /authorization/);
    assert.match(res.headers["access-control-allow-methods"], /POST/);
    assert.match(res.headers.vary, /Origin/);
  });

  test("a request from an allowed origin carries the CORS headers, errors included", async () => {
    const ok = await call(edge.base, { method: "POST", path: "/v1/authorize", worker: "cors", token: token("dana"), headers: { origin: ORIGIN }, body: { action: "sync", environment: "dev" } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers["access-control-allow-origin"], ORIGIN);
    const unauthenticated = await call(edge.base, { method: "POST", path: "/v1/authorize", worker: "cors", headers: { origin: ORIGIN }, body: {} });
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.headers["access-control-allow-origin"], ORIGIN);
  });

  test("any other origin is refused, preflight or not, and gets no CORS header", async () => {
    for (const origin of ["https://evil.example", "null", "https://release.example.com.evil.example"]) {
      for (const res of [
        await call(edge.base, { method: "OPTIONS", path: "/v1/plan/sync", worker: "cors", headers: { origin, "access-control-request-method": "POST" } }),
        await call(edge.base, { method: "POST", path: "/v1/authorize", worker: "cors", token: token("dana"), headers: { origin }, body: { action: "sync", environment: "dev" } }),
      ]) {
        assert.equal(res.status, 403, `${origin}: ${res.status}`);
        assert.equal(res.json.code, "ORIGIN_NOT_ALLOWED");
        assert.equal(res.headers["access-control-allow-origin"], undefined);
      }
    }
    // A worker without ALLOWED_ORIGINS answers no cross-origin request at all.
    const none = await call(edge.base, { path: "/v1/policy", worker: "audit", headers: { origin: ORIGIN } });
    assert.equal(none.status, 403);
  });
});

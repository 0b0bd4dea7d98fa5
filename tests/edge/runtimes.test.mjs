// make test-edge (with tests/edge/*.test.mjs): the package at the edge and on servers, run as
// users run it. A node:test file: each part below is one test.
//
//  1. Packs pkg/ (`npm pack ./pkg`) and installs the tarball into target/corpus-node/, as a user
//     would: every runtime below loads THAT copy, through the package's own `exports` map.
//  2. Golden corpus parity (tests/corpus/, see tests/corpus.rs): every case answered by
//     Node ESM (objects, and JSON text), Node CommonJS, headless Chromium (web.js), workerd (through
//     the HTTP API of examples/edge/worker.js) and Deno, compared with NAME.expected.json after
//     RFC 8785 canonicalisation. Native Rust answers the same corpus in `cargo test --test corpus`.
//  3. The workerd HTTP suite: examples/edge/worker.js in real workerd (npm `workerd`, through
//     miniflare's API) on 127.0.0.1: statuses, limits, stale plans, the POLICY binding, curl files.
//  4. Deno: `deno test` of examples/recipes/deno/main_test.ts, and which permission the package needs.
//  5. The README recipes of examples/recipes/, each executed: Node ESM and CommonJS, browser ESM and
//     a Vite build in Chromium, Deno, and a Workers module in workerd.
//
// Prints a table of runtime × cases passed; each test fails on any mismatch of its part. Every
// server listens on 127.0.0.1 only and everything it starts stops by itself (a watchdog ends the
// run after 4 minutes). EDGE_ONLY=corpus,http,deno,recipes runs some parts only.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, createReadStream, statSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import canonicalize from "canonicalize";
import { createHash as createJcsHash } from "node:crypto";
import { Miniflare } from "miniflare";
import { chromium } from "playwright-core";
import { applyMigrations, workerModules, workerOptions } from "../../examples/edge/workerd-modules.mjs";
import { DEV_AUDIENCE, DEV_ISSUER, createKeySet, mintToken } from "../../examples/edge/dev-keys.mjs";
import { send } from "./harness.mjs";
import { CHROMIUM, CHROMIUM_ARGS } from "../chromium.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PKG = join(ROOT, "pkg");
const WORK = join(ROOT, "target", "edge-test");
const PROJECT = join(ROOT, "target", "corpus-node");
const CORPUS = join(ROOT, "tests", "corpus");
const RECIPES = join(ROOT, "examples", "recipes");
const EDGE = join(ROOT, "examples", "edge");
const DENO = join(ROOT, "node_modules", ".bin", "deno");
const VITE_VERSION = "7.3.8";
const WATCHDOG_MS = 240_000;
const started = Date.now();

const only = process.env.EDGE_ONLY?.split(",");
const wants = (part) => only === undefined || only.includes(part);

// ---------------------------------------------------------------------------------------------
// Bookkeeping: rows of the final table, failures with details, things to stop at the end.

const rows = [];
const failures = [];
const cleanups = [];

function row(name, entry, passed, failed, note = "") {
  rows.push({ name, entry, passed, failed, note });
}

function fail(suite, what, detail = "") {
  failures.push(`[${suite}] ${what}${detail ? `\n      ${String(detail).replace(/\n/g, "\n      ")}` : ""}`);
}

async function cleanup() {
  while (cleanups.length) {
    const stop = cleanups.pop();
    await Promise.race([Promise.resolve().then(stop).catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }
}

const watchdog = setTimeout(() => {
  console.error(`test-edge: still running after ${WATCHDOG_MS / 1000} s; stopping everything.`);
  cleanup().finally(() => process.exit(2));
}, WATCHDOG_MS);
watchdog.unref();

function log(message) {
  console.log(`[test-edge ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

/** Runs a command; resolves { code, stdout, stderr } (never rejects on a non-zero exit). */
function run(command, args, { cwd = ROOT, input, env, timeout = 120_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        code: signal ? `signal ${signal}` : code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
}

async function runOk(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.code}\n${result.stderr.slice(-3000)}${result.stdout.slice(-2000)}`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// 1. The package, packed and installed as a user installs it.

async function installPackage() {
  // Someone may be rebuilding pkg/ (build-pkg.sh removes it first): wait for it to come back.
  for (let i = 0; i < 30 && !existsSync(join(PKG, "package.json")); i++) await new Promise((r) => setTimeout(r, 2000));
  if (!existsSync(join(PKG, "package.json"))) throw new Error("no pkg/package.json: run `make pkg` first");
  rmSync(WORK, { recursive: true, force: true });
  rmSync(PROJECT, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  mkdirSync(PROJECT, { recursive: true });
  // `npm pack pkg` would fetch the registry package named "pkg": the path must say ./pkg.
  const packed = await runOk("npm", ["pack", "./pkg", "--pack-destination", WORK, "--json", "--loglevel=error"]);
  const tarball = join(WORK, JSON.parse(packed.stdout)[0].filename);
  writeFileSync(
    join(PROJECT, "package.json"),
    JSON.stringify({ name: "corpus-node", private: true, type: "module", dependencies: { "promotion-rules": `file:${tarball}` } }, null, 2),
  );
  writeFileSync(join(PROJECT, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }, null, 2));
  await runOk("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: PROJECT });
  const packageDir = join(PROJECT, "node_modules", "promotion-rules");
  const version = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version;
  log(`packed and installed promotion-rules@${version} into ${PROJECT}`);
  return { tarball, packageDir };
}

// ---------------------------------------------------------------------------------------------
// 2. The corpus and the one function every JS runtime answers it with.

function loadCorpus() {
  const names = readdirSync(CORPUS)
    .filter((f) => f.endsWith(".request.json"))
    .map((f) => f.slice(0, -".request.json".length))
    .sort();
  return names.map((name) => {
    const expectedPath = join(CORPUS, `${name}.expected.json`);
    return {
      name,
      case: JSON.parse(readFileSync(join(CORPUS, `${name}.request.json`), "utf8")),
      expected: existsSync(expectedPath) ? JSON.parse(readFileSync(expectedPath, "utf8")) : undefined,
    };
  });
}

// Serialised into each runtime (Node, Deno, the browser): self-contained, no closures.
function runCase(api, c, asText) {
  const text = (value) => (asText && value !== undefined ? JSON.stringify(value) : value);
  let rules;
  try {
    rules = "policy" in c ? new api.PromotionRules(text(c.policy)) : new api.PromotionRules();
    const request = "requestText" in c ? c.requestText : text(c.request);
    let answer;
    if (c.operation === "planSync") answer = rules.planSync(request);
    else if (c.operation === "planPublish") answer = rules.planPublish(request);
    else if (c.operation === "planRollback") answer = rules.planRollback(request);
    else if (c.operation === "verifyAuditChain") answer = api.verifyAuditChain(request);
    else if (c.operation === "checkEdit") answer = rules.checkEdit(request);
    else if (c.operation === "authorize") answer = rules.authorize(text(c.request.actor), c.request.action, c.request.environment);
    else throw new Error(`unknown operation ${c.operation}`);
    return { answer };
  } catch (error) {
    if (error && error.name === "PromotionRulesError") {
      return { error: { code: error.code, message: error.message, path: error.path } };
    }
    return { crash: String((error && error.stack) || error) };
  } finally {
    if (rules) rules.free();
  }
}

function short(value) {
  const text = typeof value === "string" ? value : canonicalize(value);
  return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} chars)` : text;
}

/** Compares a runtime's answers with the expected files; one table row. */
function compare(runtime, entry, corpus, answers, note = "") {
  let passed = 0;
  let failed = 0;
  corpus.forEach((item, i) => {
    const actual = answers[i];
    if (item.expected === undefined) {
      failed++;
      fail(runtime, `${item.name}: no expected file; run \`make corpus-update\``);
    } else if (actual === undefined || actual.crash !== undefined) {
      failed++;
      fail(runtime, `${item.name}: no answer`, actual?.crash ?? "missing");
    } else if (canonicalize(actual) !== canonicalize(item.expected)) {
      failed++;
      fail(runtime, `${item.name}: differs from the expected file`, `expected ${short(item.expected)}\nactual   ${short(actual)}`);
    } else {
      passed++;
    }
  });
  row(runtime, entry, passed, failed, note);
}

function basename(path) {
  return String(path).split(/[\\/]/).pop();
}

async function nodeCorpus(corpus) {
  const cases = corpus.map((c) => c.case);
  const esm = `import { readFileSync } from "node:fs";\nimport * as api from "promotion-rules";\nconst runCase = ${runCase};\nconst input = JSON.parse(readFileSync(0, "utf8"));\nprocess.stdout.write(JSON.stringify({ entry: import.meta.resolve("promotion-rules"), answers: input.cases.map((c) => runCase(api, c, input.asText)) }));\n`;
  const cjs = `const { readFileSync } = require("node:fs");\nconst api = require("promotion-rules");\nconst runCase = ${runCase};\nconst input = JSON.parse(readFileSync(0, "utf8"));\nprocess.stdout.write(JSON.stringify({ entry: require.resolve("promotion-rules"), answers: input.cases.map((c) => runCase(api, c, input.asText)) }));\n`;
  writeFileSync(join(PROJECT, "run-corpus.mjs"), esm);
  writeFileSync(join(PROJECT, "run-corpus.cjs"), cjs);
  for (const [name, file, asText] of [
    ["Node ESM (objects)", "run-corpus.mjs", false],
    ["Node ESM (JSON text)", "run-corpus.mjs", true],
    ["Node CommonJS", "run-corpus.cjs", false],
  ]) {
    const result = await run(process.execPath, [file], { cwd: PROJECT, input: JSON.stringify({ cases, asText }) });
    if (result.code !== 0) {
      row(name, "?", 0, corpus.length);
      fail(name, `the runner exited ${result.code}`, result.stderr.slice(-2000));
      continue;
    }
    const { entry, answers } = JSON.parse(result.stdout);
    compare(name, basename(entry), corpus, answers);
  }
}

async function denoCorpus(corpus) {
  const name = "Deno";
  const script = `import * as api from "promotion-rules";\nconst runCase = ${runCase};\nconst input = JSON.parse(await new Response(Deno.stdin.readable).text());\nconsole.log(JSON.stringify({ entry: import.meta.resolve("promotion-rules"), answers: input.cases.map((c) => runCase(api, c, input.asText)) }));\n`;
  writeFileSync(join(PROJECT, "run-corpus-deno.js"), script);
  const result = await run(DENO, ["run", "--allow-read=node_modules/promotion-rules", "run-corpus-deno.js"], {
    cwd: PROJECT,
    input: JSON.stringify({ cases: corpus.map((c) => c.case), asText: false }),
    env: denoEnv(),
  });
  if (result.code !== 0) {
    row(name, "?", 0, corpus.length);
    fail(name, `deno exited ${result.code}`, result.stderr.slice(-2000));
    return;
  }
  const { entry, answers } = JSON.parse(result.stdout);
  if (basename(entry) !== "deno.js") fail(name, `Deno resolved promotion-rules to ${entry}, not the package's deno export`);
  compare(name, basename(entry), corpus, answers);
}

function denoEnv() {
  return { DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", NO_COLOR: "1", DENO_DIR: join(WORK, "deno-dir") };
}

// ---------------------------------------------------------------------------------------------
// Static files on 127.0.0.1 for Chromium.

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css", ".svg": "image/svg+xml" };

async function serveStatic(dir) {
  const root = resolve(dir);
  const server = http.createServer((req, res) => {
    const path = resolve(root, "." + decodeURIComponent(new URL(req.url, "http://x").pathname));
    const file = path.endsWith(sep) || path === root ? join(path, "index.html") : path;
    if (!(file === root || file.startsWith(root + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  server.closeIdleConnections?.();
  return `http://127.0.0.1:${server.address().port}`;
}

let browserPromise;
function browser() {
  browserPromise ??= chromium
    .launch({
      executablePath: CHROMIUM,
      headless: true,
      chromiumSandbox: false,
      args: CHROMIUM_ARGS,
    })
    .then((b) => {
      cleanups.push(() => b.close());
      return b;
    });
  return browserPromise;
}

/** Opens a page, collecting its errors; the page closes at the end of the run. */
async function openPage(url) {
  const page = await (await browser()).newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(url);
  return { page, errors };
}

async function chromiumCorpus(corpus, base) {
  const name = "Chromium (headless)";
  writeFileSync(
    join(PROJECT, "corpus.html"),
    `<!doctype html><meta charset="utf-8"><title>corpus</title>\n<script type="module">\nimport init, * as api from "./node_modules/promotion-rules/web.js";\ntry { await init(); window.api = api; window.ready = "ok"; } catch (e) { window.ready = "error: " + e; }\n</script>\n`,
  );
  const { page, errors } = await openPage(`${base}/corpus.html`);
  await page.waitForFunction(() => window.ready !== undefined, null, { timeout: 20_000 });
  const ready = await page.evaluate(() => window.ready);
  if (ready !== "ok") {
    row(name, "web.js", 0, corpus.length);
    fail(name, `web.js did not initialise: ${ready}`, errors.join("\n"));
    return;
  }
  const answers = JSON.parse(
    await page.evaluate(
      ({ cases, source }) => {
        const runCase = (0, eval)(`(${source})`);
        return JSON.stringify(cases.map((c) => runCase(window.api, c, false)));
      },
      { cases: corpus.map((c) => c.case), source: runCase.toString() },
    ),
  );
  const version = (await browser()).version();
  compare(name, "web.js", corpus, answers, `Chromium ${version}`);
  await page.close();
}

// ---------------------------------------------------------------------------------------------
// workerd: the edge worker through its HTTP API.

/** One HTTP request to workerd; `host` picks the worker (miniflare routes), `chunks` streams the body. */
function request(base, { host, headers = {}, ...rest }) {
  // Every endpoint but GET /v1/policy needs a bearer token: dana's unless the caller gives one.
  if (identity !== undefined && !("authorization" in headers)) headers = { authorization: `Bearer ${identity.defaultToken}`, ...headers };
  return send(base, { ...rest, headers: { ...(host ? { host } : {}), ...headers } });
}

async function post(base, path, body, { host, contentType = "application/json", headers = {} } = {}) {
  const bytes = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  // The token of the body's actor (the worker refuses a body actor that is not the token's).
  if (identity !== undefined && !("authorization" in headers)) {
    let actor;
    try {
      actor = JSON.parse(bytes).actor;
    } catch {
      actor = undefined;
    }
    if (isActor(actor)) headers = { authorization: `Bearer ${await tokenFor(actor)}`, ...headers };
  }
  return request(base, {
    method: "POST",
    path,
    host,
    body: bytes,
    headers: { ...(contentType ? { "content-type": contentType } : {}), "content-length": Buffer.byteLength(bytes), ...headers },
  });
}

// ---------------------------------------------------------------------------------------------
// Identity for the edge worker: one development key (examples/edge/dev-keys.mjs), its JWKS in every
// worker's AUTH_JWKS binding, and a token per actor. The tokens are valid from 2000 for 200 years, so
// that every pinned CLOCK of the corpus lies inside them.

let identity;
const TOKEN_EPOCH = new Date("2000-01-01T00:00:00Z");
const TOKEN_LIFETIME = 200 * 365 * 24 * 3600;

async function setUpIdentity() {
  const { jwks, keys } = await createKeySet(["ES256"]);
  identity = { auth: { jwks, issuer: DEV_ISSUER, audience: DEV_AUDIENCE }, key: keys.ES256, tokens: new Map() };
  identity.defaultToken = await tokenFor({ id: "dana", roles: ["developer"] });
}

function isActor(value) {
  return typeof value === "object" && value !== null && typeof value.id === "string" && Array.isArray(value.roles) && value.roles.every((r) => typeof r === "string");
}

async function tokenFor(actor) {
  const key = JSON.stringify([actor.id, [...new Set(actor.roles)].sort()]);
  if (!identity.tokens.has(key)) {
    identity.tokens.set(key, await mintToken(identity.key, { sub: actor.id, roles: actor.roles, now: TOKEN_EPOCH, expiresIn: TOKEN_LIFETIME }));
  }
  return identity.tokens.get(key);
}

/** workerOptions with the identity bindings; each worker has its own local D1 (migrated at start). */
function edgeWorker(options) {
  return workerOptions({ ...options, auth: identity.auth });
}

/** The independent fingerprint: SHA-256 of the RFC 8785 text written by `canonicalize`. */
const jcs = (value) => "sha256:" + createJcsHash("sha256").update(canonicalize(value)).digest("hex");

const ENDPOINT = {
  planSync: "/v1/plan/sync",
  planPublish: "/v1/plan/publish",
  planRollback: "/v1/plan/rollback",
  checkEdit: "/v1/check/edit",
  authorize: "/v1/authorize",
  verifyAuditChain: "/v1/audit/verify",
};

async function startMiniflare(workers) {
  const logs = [];
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    workers,
    handleRuntimeStdio(stdout, stderr) {
      stdout.on("data", (d) => logs.push(String(d)));
      stderr.on("data", (d) => logs.push(String(d)));
    },
  });
  cleanups.push(() => mf.dispose());
  const url = await mf.ready;
  // The D1 schema of examples/edge/migrations, in every worker's database.
  for (const worker of workers) if (worker.d1Databases?.DB !== undefined) await applyMigrations(await mf.getD1Database("DB", worker.name));
  return { mf, base: String(url), logs };
}

/** The request fields the edge server owns: refused in a body (400), supplied by the server. */
const SERVER_FIELDS = ["now", "approvals", "previousAudit"];
const PLAN_OPERATIONS = ["planSync", "planPublish", "planRollback"];

/**
 * How workerd answers a corpus case through the edge API, whose server owns the clock, the approvals
 * and the audit chain: `now` becomes the worker's CLOCK binding, each approval is posted with
 * POST /v1/approvals and its approver's own token, and `previousAudit` is the stored head (the
 * chain is emptied before each case, so the record has no `previous`). A case whose expected answer
 * is an error about one of those fields cannot be sent that way: its body, as it is, must answer
 * 400 INVALID_INPUT at the field (the edge refuses it), and is counted apart.
 */
function edgeForm(c, expected) {
  const request = "requestText" in c ? undefined : c.request;
  const fields = isObjectValue(request) ? SERVER_FIELDS.filter((f) => Object.hasOwn(request, f)) : [];
  const errorPath = expected?.error?.path;
  const aboutServerField = typeof errorPath === "string" && SERVER_FIELDS.some((f) => errorPath === `/${f}` || errorPath.startsWith(`/${f}/`));
  const notChained = c.operation === "checkEdit" && fields.includes("previousAudit");
  if (fields.length > 0 && (aboutServerField || notChained)) return { refused: fields[0] };
  if (fields.length === 0) return { body: "requestText" in c ? c.requestText : JSON.stringify(c.request), expected };
  const body = Object.fromEntries(Object.entries(request).filter(([key]) => !SERVER_FIELDS.includes(key)));
  let adjusted = expected;
  if (fields.includes("previousAudit") && expected?.answer?.audit !== undefined) {
    const { previous: _previous, ...audit } = expected.answer.audit;
    adjusted = { ...expected, answer: { ...expected.answer, audit } };
  }
  return { body: JSON.stringify(body), approvals: request.approvals ?? [], expected: adjusted };
}

function isObjectValue(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function workerdCorpus(corpus, packageDir) {
  const name = "workerd (HTTP API)";
  // One worker per distinct policy (its POLICY binding); miniflare routes by host name.
  // The worker sets `now` from its own clock: a case with `now` runs on a worker whose CLOCK
  // binding is that instant (one worker per policy and clock). Each worker has its own D1.
  const policies = new Map();
  const workerKey = (c) => JSON.stringify([c.policy, c.request?.now]);
  for (const item of corpus) {
    const c = item.case;
    if (!("policy" in c) && c.request?.now === undefined) continue;
    const key = workerKey(c);
    if (!policies.has(key)) policies.set(key, { host: `p${policies.size + 1}.corpus.test`, policy: c.policy, clock: c.request?.now });
  }
  const workers = [edgeWorker({ packageDir, name: "default" })];
  for (const { host, policy, clock } of policies.values()) {
    workers.push(edgeWorker({ packageDir, name: host.split(".")[0], policy, clock, routes: [`${host}/*`] }));
  }
  const { mf, base, logs } = await startMiniflare(workers);
  const answers = [];
  const expressed = [];
  const refused = [];
  for (const item of corpus) {
    const c = item.case;
    const target = policies.get(workerKey(c));
    const host = target?.host;
    const form = edgeForm(c, item.expected);
    if (form.refused !== undefined) {
      // The body as it is: the edge refuses the field the server owns.
      const res = await post(base, ENDPOINT[c.operation], JSON.stringify(c.request), { host });
      const ok = res.status === 400 && res.json?.code === "INVALID_INPUT" && res.json.path === `/${form.refused}`;
      refused.push(ok);
      if (!ok) fail(name, `${item.name}: a body ${form.refused} should answer 400 at /${form.refused}`, `HTTP ${res.status}: ${res.text.slice(0, 300)}`);
      continue;
    }
    // A fresh chain and no approvals, then this case's approvals, each by its approver.
    const db = await mf.getD1Database("DB", target ? host.split(".")[0] : "default");
    await db.batch([db.prepare("DELETE FROM approvals"), db.prepare("DELETE FROM audit")]);
    let answer;
    for (const approval of form.approvals ?? []) {
      const { actor, at: _at, ...fields } = approval;
      const res = await post(base, "/v1/approvals", { ...fields, actor }, { host });
      if (res.status !== 201) answer = { crash: `POST /v1/approvals for ${JSON.stringify(approval)}: HTTP ${res.status} ${res.text.slice(0, 300)}` };
    }
    expressed.push({ ...item, expected: form.expected });
    if (answer) {
      answers.push(answer);
      continue;
    }
    let res;
    try {
      res = await post(base, ENDPOINT[c.operation], form.body, { host });
    } catch (error) {
      answers.push({ crash: `HTTP request failed: ${error.message}` });
      continue;
    }
    if (res.status === 200 && res.json) {
      answers.push({ answer: res.json });
      if (PLAN_OPERATIONS.includes(c.operation) && res.json.audit !== undefined) {
        // The answer's audit record is the one stored, as sequence number 1 of the emptied chain.
        const stored = await db.prepare("SELECT seq, record FROM audit").all();
        if (stored.results.length !== 1 || canonicalize(JSON.parse(stored.results[0].record)) !== canonicalize(res.json.audit)) {
          fail(name, `${item.name}: the stored audit record differs from the answer's`, JSON.stringify(stored.results));
        }
      }
    } else if (res.status === 409 && res.json?.code === "OUTSIDE_PROMOTION_WINDOW" && res.json.plan) {
      // A closed window answers 409 with the plan; its nextAllowedAt is the plan's.
      const agrees = res.json.nextAllowedAt === res.json.plan.gates?.window?.nextAllowedAt;
      answers.push(agrees ? { answer: res.json.plan } : { crash: `409 nextAllowedAt ${res.json.nextAllowedAt} differs from the plan's` });
    }
    else if (res.status === 400 && res.json) answers.push({ error: res.json });
    else if (res.status === 500 && res.json?.code === "INVALID_POLICY" && res.json.binding === "POLICY") {
      answers.push({ error: { code: res.json.code, message: res.json.message, path: res.json.path } });
    } else answers.push({ crash: `HTTP ${res.status}: ${res.text.slice(0, 500)}` });
  }
  compare(name, "workerd.js", expressed, answers, `${workers.length} workers (one per policy and clock)`);
  if (rows.at(-1).failed) fail(name, "workerd log", logs.join("").slice(-3000));
  const refusedOk = refused.filter(Boolean).length;
  row("workerd: server-owned fields", "worker.js", refusedOk, refused.length - refusedOk, "bodies with now/approvals/previousAudit whose case is an error about them: 400 at the edge");
}

/** The default policy with a gate on test: Monday 09:00–17:00 in Rome. */
function gatedPolicy(api) {
  return { ...api.defaultPolicy(), gates: { test: { windows: { timeZone: "Europe/Rome", allow: [{ days: ["mon"], from: "09:00", to: "17:00" }] } } } };
}

// The HTTP behaviour of examples/edge/worker.js: statuses, limits, stale plans, the POLICY binding.
async function workerdHttpSuite(packageDir, api) {
  const suite = "workerd HTTP suite";
  const limit = 8 * 1024 * 1024;
  const custom = { environments: ["dev", "test", "production"], roles: { developer: { dev: ["sync"] }, qa: { test: ["sync"] } } };
  const { base, logs } = await startMiniflare([
    edgeWorker({ packageDir, name: "default" }),
    edgeWorker({ packageDir, name: "custom", policy: custom, routes: ["custom.test/*"] }),
    edgeWorker({ packageDir, name: "invalid", policy: '{"environments": ["dev", "qa", "production"]}', routes: ["invalid.test/*"] }),
    edgeWorker({ packageDir, name: "broken", policy: "{not json", routes: ["broken.test/*"] }),
    edgeWorker({ packageDir, name: "small", maxBodyBytes: 1024, routes: ["small.test/*"] }),
    edgeWorker({ packageDir, name: "misconfigured", maxBodyBytes: "lots", routes: ["misconfigured.test/*"] }),
    // wrangler's `[vars]` may hold the policy as a JSON object rather than text.
    (() => { const w = edgeWorker({ packageDir, name: "object", routes: ["object.test/*"] }); return { ...w, bindings: { ...w.bindings, POLICY: custom } }; })(),
    // Gates: Monday 09:00–17:00 in Rome; a pinned clock on Friday, another on Monday, none (real time).
    edgeWorker({ packageDir, name: "friday", policy: gatedPolicy(api), clock: "2026-11-27T10:00:00+01:00", routes: ["friday.test/*"] }),
    edgeWorker({ packageDir, name: "monday", policy: gatedPolicy(api), clock: "2026-11-30T10:00:00+01:00", routes: ["monday.test/*"] }),
    edgeWorker({ packageDir, name: "realtime", policy: gatedPolicy(api), routes: ["realtime.test/*"] }),
  ]);
  const file = (name) => readFileSync(join(EDGE, "requests", name), "utf8");
  let passed = 0;
  let failed = 0;
  const check = async (what, fn) => {
    try {
      await fn();
      passed++;
    } catch (error) {
      failed++;
      fail(suite, what, error && error.message);
    }
  };
  const expect = (condition, message) => {
    if (!condition) throw new Error(message);
  };
  const isJsonError = (res, status, code) => {
    expect(res.status === status, `status ${res.status}, expected ${status}: ${res.text.slice(0, 300)}`);
    expect(String(res.headers["content-type"]).startsWith("application/json"), `content-type ${res.headers["content-type"]}`);
    expect(res.json && res.json.code === code, `code ${res.json?.code}, expected ${code}`);
    expect(typeof res.json.message === "string" && !/\n\s+at /.test(res.json.message) && !("stack" in res.json), "a stack trace in the body");
  };
  const rules = new api.PromotionRules();
  // The worker links each plan's audit record to the head of its stored chain (audit.previous):
  // plans are compared with the package's answer apart from that link.
  const unlinked = (plan) => (plan?.audit === undefined ? plan : { ...plan, audit: Object.fromEntries(Object.entries(plan.audit).filter(([k]) => k !== "previous")) });
  const samePlan = (a, b) => canonicalize(unlinked(a)) === canonicalize(unlinked(b));
  const defaultFingerprint = api.fingerprint(api.defaultPolicy());
  const syncRequest = JSON.parse(file("sync.json"));
  const syncPlan = rules.planSync(syncRequest);

  await check("GET /v1/policy answers the default policy and its fingerprint", async () => {
    const res = await request(base, { path: "/v1/policy" });
    expect(res.status === 200, `status ${res.status}`);
    expect(res.json.source === "default", `source ${res.json.source}`);
    expect(res.json.fingerprint === defaultFingerprint && res.json.fingerprint === syncPlan.policyFingerprint, "fingerprint differs from the package's");
    expect(canonicalize(res.json.policy) === canonicalize(api.defaultPolicy()), "policy differs from defaultPolicy()");
    expect(res.headers["cache-control"] === "no-store", "no cache-control: no-store");
  });
  await check("HEAD /v1/policy answers 200 without a body", async () => {
    const res = await request(base, { method: "HEAD", path: "/v1/policy" });
    expect(res.status === 200 && res.text === "", `status ${res.status}, body ${res.text.length} bytes`);
  });
  await check("GET /v1/policy of a POLICY binding answers that policy", async () => {
    const res = await request(base, { path: "/v1/policy", host: "custom.test" });
    expect(res.status === 200 && res.json.source === "binding", `status ${res.status} source ${res.json?.source}`);
    expect(res.json.fingerprint === new api.PromotionRules(custom).policyFingerprint, "fingerprint differs");
    expect(res.json.environments.join() === "dev,test,production", `chain ${res.json.environments}`);
    const object = await request(base, { path: "/v1/policy", host: "object.test" });
    expect(object.status === 200 && object.json.fingerprint === res.json.fingerprint, `a JSON-object binding: status ${object.status}`);
  });
  await check("curl: requests/sync.json answers the package's plan (200)", async () => {
    const res = await post(base, "/v1/plan/sync", file("sync.json"));
    expect(res.status === 200, `status ${res.status}`);
    expect(samePlan(res.json, syncPlan), "the plan differs from the package's own answer");
  });
  await check("curl: requests/sync-expect.json (fresh preview) answers 200 and the same plan", async () => {
    const res = await post(base, "/v1/plan/sync", file("sync-expect.json"));
    expect(res.status === 200, `status ${res.status}: ${res.text.slice(0, 300)}`);
    expect(samePlan(res.json, syncPlan), "the plan differs");
  });
  await check("curl: requests/sync-stale.json answers 409 STALE_PLAN at /expect/targetFingerprint", async () => {
    const res = await post(base, "/v1/plan/sync", file("sync-stale.json"));
    isJsonError(res, 409, "STALE_PLAN");
    expect(res.json.path === "/expect/targetFingerprint", `path ${res.json.path}`);
    expect(Object.keys(res.json).sort().join() === "code,message,path", `fields ${Object.keys(res.json)}`);
  });
  await check("a preview made under another policy answers 409 STALE_PLAN at /expect/policyFingerprint", async () => {
    const req = { ...syncRequest, expect: { targetFingerprint: syncPlan.targetFingerprint, policyFingerprint: syncPlan.policyFingerprint } };
    const res = await post(base, "/v1/plan/sync", req, { host: "custom.test" });
    isJsonError(res, 409, "STALE_PLAN");
    expect(res.json.path === "/expect/policyFingerprint", `path ${res.json.path}`);
  });
  await check("a malformed expect answers 400 at its path", async () => {
    for (const [expectValue, path] of [
      [42, "/expect"],
      [{ targetFingerprint: syncPlan.targetFingerprint }, "/expect/policyFingerprint"],
      [{ targetFingerprint: "sha256:ABC", policyFingerprint: syncPlan.policyFingerprint }, "/expect/targetFingerprint"],
      [{ targetFingerprint: syncPlan.targetFingerprint, policyFingerprint: syncPlan.policyFingerprint, at: 1 }, "/expect/at"],
    ]) {
      const res = await post(base, "/v1/plan/sync", { ...syncRequest, expect: expectValue });
      isJsonError(res, 400, "INVALID_INPUT");
      expect(res.json.path === path, `path ${res.json.path}, expected ${path}`);
    }
  });
  await check("with expect, the engine still reads the body (duplicate keys, bad input: 400 before 409)", async () => {
    const stale = JSON.parse(file("sync-stale.json"));
    const duplicate = file("sync-stale.json").replace('"from": "dev"', '"from": "dev", "from": "dev"');
    let res = await post(base, "/v1/plan/sync", duplicate);
    isJsonError(res, 400, "INVALID_INPUT");
    expect(res.json.path === "/from", `path ${res.json.path}`);
    res = await post(base, "/v1/plan/sync", { ...stale, to: "qa" });
    isJsonError(res, 400, "INVALID_INPUT");
    expect(res.json.path === "/to", `path ${res.json.path}`);
    res = await post(base, "/v1/plan/sync", { ...stale, extra: 1 });
    isJsonError(res, 400, "INVALID_INPUT");
    expect(res.json.path === "/extra", `path ${res.json.path}`);
  });
  await check("curl: a denial answers 200 allowed:false, and 403 with ?mode=strict", async () => {
    let res = await post(base, "/v1/plan/sync", file("sync-denied.json"));
    expect(res.status === 200 && res.json.allowed === false && res.json.violations[0].code === "FORBIDDEN", `status ${res.status}`);
    res = await post(base, "/v1/plan/sync?mode=strict", file("sync-denied.json"));
    expect(res.status === 403 && res.json.allowed === false, `strict status ${res.status}`);
    res = await post(base, "/v1/plan/sync?mode=strict", file("sync.json"));
    expect(res.status === 200 && res.json.allowed === true, `strict allowed status ${res.status}`);
    res = await post(base, "/v1/plan/sync?mode=lenient", file("sync.json"));
    isJsonError(res, 400, "INVALID_QUERY");
  });
  await check("curl: requests/edit.json answers 200 READ_ONLY_ENVIRONMENT", async () => {
    const res = await post(base, "/v1/check/edit", file("edit.json"));
    expect(res.status === 200 && res.json.allowed === false && res.json.violations[0].code === "READ_ONLY_ENVIRONMENT", `status ${res.status}`);
    expect(samePlan(res.json, rules.checkEdit(file("edit.json"))), "differs from the package");
  });
  await check("curl: requests/publish.json answers 200 hotfix", async () => {
    const res = await post(base, "/v1/plan/publish", file("publish.json"));
    expect(res.status === 200 && res.json.allowed === true && res.json.mode === "hotfix", `status ${res.status} mode ${res.json?.mode}`);
    expect(samePlan(res.json, rules.planPublish(file("publish.json"))), "differs from the package");
  });
  await check("curl: POST /v1/authorize answers a decision; a denial is 200 allowed:false", async () => {
    const dana = { id: "dana", roles: ["developer"] };
    let res = await post(base, "/v1/authorize", { actor: dana, action: "sync", environment: "dev" });
    expect(res.status === 200 && res.json.allowed === true, `status ${res.status}`);
    res = await post(base, "/v1/authorize", { actor: dana, action: "publish", environment: "production" });
    expect(res.status === 200 && res.json.allowed === false, `status ${res.status}`);
    res = await post(base, "/v1/authorize?mode=strict", { actor: dana, action: "publish", environment: "production" });
    expect(res.status === 403, `strict status ${res.status}`);
  });
  await check("bad authorize bodies answer 400 with a path", async () => {
    for (const [body, path] of [
      ["{", ""],
      ["[]", ""],
      [JSON.stringify({ actor: { id: "dana", roles: [] }, action: "sync", environment: "dev", role: "x" }), "/role"],
      [JSON.stringify({ actor: { id: "dana", roles: [] }, action: "deploy", environment: "dev" }), "/action"],
      [JSON.stringify({ actor: { id: "dana" }, action: "sync", environment: "dev" }), "/actor/roles"],
      [JSON.stringify({ actor: { id: "dana", roles: [] }, action: "sync" }), "/environment"],
    ]) {
      const res = await post(base, "/v1/authorize", body);
      isJsonError(res, 400, "INVALID_INPUT");
      expect(res.json.path === path, `path ${res.json.path}, expected ${path} for ${body}`);
    }
  });
  await check("malformed JSON answers 400 with the engine's message", async () => {
    const res = await post(base, "/v1/plan/publish", '{"actor": ');
    isJsonError(res, 400, "INVALID_INPUT");
    let thrown;
    try {
      rules.planPublish('{"actor": ');
    } catch (error) {
      thrown = error;
    }
    expect(res.json.message === thrown.message && res.json.path === thrown.path, "differs from the package's error");
  });
  await check("a body that is not UTF-8 answers 400", async () => {
    const res = await post(base, "/v1/check/edit", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    isJsonError(res, 400, "INVALID_INPUT");
  });
  await check("a wrong method answers 405 with Allow", async () => {
    let res = await request(base, { method: "PUT", path: "/v1/plan/sync" });
    isJsonError(res, 405, "METHOD_NOT_ALLOWED");
    expect(res.headers.allow === "POST", `allow ${res.headers.allow}`);
    res = await request(base, { method: "GET", path: "/v1/authorize" });
    isJsonError(res, 405, "METHOD_NOT_ALLOWED");
    res = await post(base, "/v1/policy", "{}");
    isJsonError(res, 405, "METHOD_NOT_ALLOWED");
    expect(res.headers.allow === "GET, HEAD", `allow ${res.headers.allow}`);
    res = await request(base, { method: "OPTIONS", path: "/v1/check/edit" });
    expect(res.status === 204 && res.headers.allow === "POST", `OPTIONS: status ${res.status} allow ${res.headers.allow}`);
  });
  await check("a body that is not declared as JSON answers 415", async () => {
    for (const contentType of [null, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"]) {
      const res = await post(base, "/v1/plan/sync", file("sync.json"), { contentType });
      isJsonError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    }
    const res = await post(base, "/v1/plan/sync", file("sync.json"), { contentType: "Application/JSON; charset=UTF-8" });
    expect(res.status === 200, `application/json with charset: status ${res.status}`);
  });
  await check("an unknown path answers 404", async () => {
    for (const path of ["/", "/v1", "/v1/plan/sync/", "/v2/plan/sync", "/v1/plan/sync/extra"]) {
      const res = await request(base, { path });
      isJsonError(res, 404, "NOT_FOUND");
    }
  });
  await check("curl: requests/rollback.json answers the package's rollback plan (200); a denial is 403 in strict mode", async () => {
    const res = await post(base, "/v1/plan/rollback", file("rollback.json"));
    expect(res.status === 200, `status ${res.status}: ${res.text.slice(0, 300)}`);
    const expected = rules.planRollback(file("rollback.json"));
    expect(samePlan(res.json, expected), "the plan differs from the package's own answer");
    expect(res.json.mode === "rollback" && res.json.allowed === true && res.json.audit.event === "workspace.rollback", `mode ${res.json.mode}`);
    const denied = { ...JSON.parse(file("rollback.json")), actor: { id: "dana", roles: ["developer"] } };
    const strict = await post(base, "/v1/plan/rollback?mode=strict", denied);
    expect(strict.status === 403 && strict.json.violations[0].code === "FORBIDDEN", `status ${strict.status}`);
    const bad = await post(base, "/v1/plan/rollback", { ...denied, version: undefined, to: "production" });
    isJsonError(bad, 400, "INVALID_INPUT");
    expect(bad.json.path === "/to", `path ${bad.json.path}`);
  });
  await check("a rollback under a POLICY binding is judged by that policy", async () => {
    const res = await post(base, "/v1/plan/rollback", file("rollback.json"), { host: "custom.test" });
    expect(res.status === 200 && res.json.allowed === false, `status ${res.status} allowed ${res.json?.allowed}`);
    expect(res.json.policyFingerprint === new api.PromotionRules(custom).policyFingerprint, "policy fingerprint");
  });
  await check("curl: requests/audit-log.json verifies (200, valid, head); the tampered log is broken at 2", async () => {
    const res = await post(base, "/v1/audit/verify", file("audit-log.json"));
    expect(res.status === 200, `status ${res.status}: ${res.text.slice(0, 300)}`);
    const log = JSON.parse(file("audit-log.json"));
    expect(res.json.valid === true && res.json.count === log.length, JSON.stringify(res.json));
    expect(res.json.head === jcs(log.at(-1)), "the head is not the fingerprint of the last record (canonicalize + node:crypto)");
    const tampered = await post(base, "/v1/audit/verify", file("audit-log-tampered.json"));
    expect(tampered.status === 200 && tampered.json.valid === false && tampered.json.brokenAt === 2, JSON.stringify(tampered.json));
    for (const [body, path] of [["{}", ""], ["[{}, 7]", "/1"], ['[{"a": 1, "a": 2}]', "/0/a"]]) {
      const bad = await post(base, "/v1/audit/verify", body);
      isJsonError(bad, 400, "INVALID_INPUT");
      expect(bad.json.path === path, `path ${bad.json.path}, expected ${path}`);
    }
    const put = await request(base, { method: "PUT", path: "/v1/audit/verify" });
    isJsonError(put, 405, "METHOD_NOT_ALLOWED");
    expect(put.headers.allow === "GET, POST", `allow ${put.headers.allow}`);
  });
  await check(`a body of exactly ${limit} bytes is read (the limit is inclusive)`, async () => {
    const text = file("sync.json");
    const res = await post(base, "/v1/plan/sync", text + " ".repeat(limit - Buffer.byteLength(text)));
    expect(res.status === 200 && res.json.allowed === true, `status ${res.status}`);
  });
  await check(`a content-length past ${limit} bytes answers 413`, async () => {
    const body = " ".repeat(limit + 1);
    const res = await request(base, {
      method: "POST",
      path: "/v1/plan/sync",
      headers: { "content-type": "application/json", "content-length": body.length, expect: "100-continue" },
      body,
      expectContinue: true,
    });
    isJsonError(res, 413, "PAYLOAD_TOO_LARGE");
  });
  await check("a chunked body past the limit answers 413 while it streams in", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const chunks = Array.from({ length: limit / chunk.length + 2 }, () => chunk);
    const res = await request(base, { method: "POST", path: "/v1/plan/sync", headers: { "content-type": "application/json", "transfer-encoding": "chunked" }, chunks });
    isJsonError(res, 413, "PAYLOAD_TOO_LARGE");
  });
  await check("the MAX_BODY_BYTES binding sets the limit", async () => {
    let res = await post(base, "/v1/authorize", " ".repeat(1025), { host: "small.test" });
    isJsonError(res, 413, "PAYLOAD_TOO_LARGE");
    expect(res.json.message.includes("1024"), res.json.message);
    res = await post(base, "/v1/authorize", JSON.stringify({ actor: { id: "a", roles: [] }, action: "sync", environment: "dev" }), { host: "small.test" });
    expect(res.status === 200, `status ${res.status}`);
  });
  await check("an invalid POLICY binding answers 500 INVALID_POLICY, with the engine's path, on every request", async () => {
    for (const res of [
      await request(base, { path: "/v1/policy", host: "invalid.test" }),
      await post(base, "/v1/plan/sync", file("sync.json"), { host: "invalid.test" }),
    ]) {
      isJsonError(res, 500, "INVALID_POLICY");
      expect(res.json.binding === "POLICY" && res.json.path === "/environments/1", `binding ${res.json.binding} path ${res.json.path}`);
    }
    const res = await request(base, { path: "/v1/policy", host: "broken.test" });
    isJsonError(res, 500, "INVALID_POLICY");
  });
  await check("an unexpected failure answers 500 INTERNAL without a stack trace", async () => {
    const res = await post(base, "/v1/plan/sync", file("sync.json"), { host: "misconfigured.test" });
    isJsonError(res, 500, "INTERNAL");
    expect(Object.keys(res.json).sort().join() === "code,message", `fields ${Object.keys(res.json)}`);
    expect(!res.text.includes("MAX_BODY_BYTES") && !res.text.includes("worker.js"), `leaks internals: ${res.text}`);
  });
  const gatedSync = (now) => JSON.stringify({ actor: { id: "dana", roles: ["developer"] }, from: "dev", to: "test", source: { agents: [{ id: "bot" }] }, ...(now ? { now } : {}) });
  await check("a closed promotion window answers 409 with nextAllowedAt, Retry-After and the plan, by the server's clock", async () => {
    // The server's clock says Friday; the window opens on Monday.
    const res = await post(base, "/v1/plan/sync", gatedSync(undefined), { host: "friday.test" });
    isJsonError(res, 409, "OUTSIDE_PROMOTION_WINDOW");
    expect(res.json.nextAllowedAt === "2026-11-30T09:00:00+01:00", `nextAllowedAt ${res.json.nextAllowedAt}`);
    expect(res.json.path === "/now" && res.json.plan?.gates?.window?.open === false, "the plan's window is not closed");
    expect(/^\d+$/.test(String(res.headers["retry-after"])), `retry-after ${res.headers["retry-after"]}`);
  });
  await check("a client's now answers 400 at /now (the server's clock decides); without it an open window answers 200", async () => {
    for (const now of ["2026-11-30T10:00:00+01:00", "not even a date"]) {
      const res = await post(base, "/v1/plan/sync", gatedSync(now), { host: "friday.test" });
      isJsonError(res, 400, "INVALID_INPUT");
      expect(res.json.path === "/now", `path ${res.json.path}`);
    }
    const res = await post(base, "/v1/plan/sync", gatedSync(undefined), { host: "monday.test" });
    expect(res.status === 200 && res.json.allowed === true, `status ${res.status} ${res.text.slice(0, 200)}`);
    expect(res.json.gates.window.open === true && typeof res.json.gates.tzdb === "string", "no window answer");
  });
  await check("without a pinned clock the worker judges the gate at its own current time", async () => {
    const res = await post(base, "/v1/plan/sync", gatedSync(undefined), { host: "realtime.test" });
    expect(res.status === 200 || res.status === 409, `status ${res.status}: ${res.text.slice(0, 200)}`);
    const plan = res.status === 200 ? res.json : res.json.plan;
    expect(plan.gates?.window?.timeZone === "Europe/Rome", "no window in the answer");
    const local = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Rome", weekday: "short", hour: "numeric", hourCycle: "h23" }).formatToParts(Date.now());
    const [weekday, hour] = [local.find((p) => p.type === "weekday").value, Number(local.find((p) => p.type === "hour").value)];
    const openNow = weekday === "Mon" && hour >= 9 && hour < 17;
    // A minute's margin at the edges of the window is not worth a flaky test.
    if (!(weekday === "Mon" && (hour === 8 || hour === 9 || hour === 16 || hour === 17))) {
      expect(plan.gates.window.open === openNow, `open ${plan.gates.window.open} at ${weekday} ${hour}h in Rome`);
    }
  });
  row(suite, "worker.js", passed, failed, "examples/edge/worker.js");
  if (failed) fail(suite, "workerd log", logs.join("").slice(-3000));
}

// ---------------------------------------------------------------------------------------------
// Deno and the recipes.

const RESULT_LINE = /^allowed=true fingerprint=sha256:[0-9a-f]{64}$/;
// The request every recipe plans (written out in each recipe file).
const RECIPE_REQUEST = {
  actor: { id: "dana", roles: ["developer"] },
  from: "dev",
  to: "test",
  source: { agents: [{ id: "support-bot", tone: "friendly", updatedBy: "dana" }] },
};

async function denoSuite() {
  const suite = "Deno tests (deno test)";
  cpSync(join(RECIPES, "deno", "main_test.ts"), join(PROJECT, "main_test.ts"));
  // No permission flags: the deno export imports its .wasm as a module (no file read at run time).
  const result = await run(DENO, ["test", "main_test.ts"], { cwd: PROJECT, env: denoEnv() });
  const summary = result.stdout.match(/(ok|FAILED) \| (\d+) passed[^|]*\| (\d+) failed/);
  const passed = summary ? Number(summary[2]) : 0;
  const failed = summary ? Number(summary[3]) : 1;
  if (result.code !== 0 || !summary || passed === 0) fail(suite, `deno test exited ${result.code}`, (result.stdout + result.stderr).slice(-2500));
  // The deno export must need no permission at all (pkg/deno.js: `import source` of the .wasm).
  writeFileSync(join(PROJECT, "probe-deno.js"), 'import { PromotionRules } from "promotion-rules";\nconsole.log(new PromotionRules().policyFingerprint);\n');
  const bare = await run(DENO, ["run", "probe-deno.js"], { cwd: PROJECT, env: denoEnv() });
  const needsRead = bare.code !== 0 && /Requires read access/.test(bare.stderr);
  if (bare.code !== 0) fail(suite, needsRead ? "the deno export needs --allow-read" : "deno run (no permissions) failed", bare.stderr.slice(-1500));
  row(suite, "deno.js", passed, failed, needsRead ? "the deno export needs --allow-read" : "no permission needed");
  return needsRead;
}

/**
 * Deno's own npm resolution (`npm:promotion-rules`, no node_modules): the tarball served by a
 * minimal npm registry on 127.0.0.1, as if published. Prints the recipe line.
 */
async function denoNpmSpecifier(tarball, packageDir, reference) {
  const suite = "Deno npm: specifier";
  const bytes = readFileSync(tarball);
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  const { createHash } = await import("node:crypto");
  const dist = { shasum: createHash("sha1").update(bytes).digest("hex"), integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}` };
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${server.address().port}`;
    if (req.url === `/${manifest.name}`) {
      const version = { ...manifest, dist: { ...dist, tarball: `${base}/${manifest.name}/-/${basename(tarball)}` } };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name: manifest.name, "dist-tags": { latest: manifest.version }, versions: { [manifest.version]: version } }));
    } else if (req.url === `/${manifest.name}/-/${basename(tarball)}`) {
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(bytes);
    } else {
      res.writeHead(404, { "content-type": "application/json" }).end("{}");
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  const dir = join(WORK, "deno-npm");
  mkdirSync(dir, { recursive: true });
  // Its own config: no node_modules (the repository's package.json is further up).
  writeFileSync(join(dir, "deno.json"), JSON.stringify({ nodeModulesDir: "none" }, null, 2));
  writeFileSync(
    join(dir, "main.ts"),
    readFileSync(join(RECIPES, "deno", "main.ts"), "utf8").replace(/from "promotion-rules"/, `from "npm:promotion-rules@${manifest.version}"`),
  );
  const env = { ...denoEnv(), DENO_DIR: join(WORK, "deno-npm-dir"), NPM_CONFIG_REGISTRY: `http://127.0.0.1:${server.address().port}/` };
  const result = await run(DENO, ["run", "--allow-read", "main.ts"], { cwd: dir, env });
  const ok = result.code === 0 && result.stdout.trim() === reference;
  if (!ok) fail(suite, `deno run --allow-read main.ts (npm:promotion-rules) exited ${result.code}`, (result.stdout + result.stderr).slice(-2000));
  const bare = await run(DENO, ["run", "main.ts"], { cwd: dir, env });
  row(suite, "deno.js", ok ? 1 : 0, ok ? 0 : 1, bare.code === 0 ? "no permission needed" : "needs --allow-read (the .wasm is in DENO_DIR)");
}

async function recipes(packageDir, reference, staticBase) {
  const suite = "README recipes";
  let passed = 0;
  let failed = 0;
  const check = async (what, fn) => {
    try {
      const line = (await fn()).trim();
      if (line !== reference) throw new Error(`printed ${JSON.stringify(line)}, expected ${JSON.stringify(reference)}`);
      passed++;
    } catch (error) {
      failed++;
      fail(suite, what, error && error.message);
    }
  };
  await check("Node ESM (examples/recipes/node-esm.mjs)", async () => {
    cpSync(join(RECIPES, "node-esm.mjs"), join(PROJECT, "node-esm.mjs"));
    const r = await runOk(process.execPath, ["node-esm.mjs"], { cwd: PROJECT });
    const [first, second] = r.stdout.trim().split("\n");
    if (second !== "PromotionRulesError INVALID_INPUT at /to") throw new Error(`second line ${second}`);
    return first;
  });
  await check("Node CommonJS (examples/recipes/node-cjs.cjs)", async () => {
    cpSync(join(RECIPES, "node-cjs.cjs"), join(PROJECT, "node-cjs.cjs"));
    return (await runOk(process.execPath, ["node-cjs.cjs"], { cwd: PROJECT })).stdout;
  });
  await check("browser ESM with an import map (examples/recipes/browser-esm.html) in Chromium", async () => {
    cpSync(join(RECIPES, "browser-esm.html"), join(PROJECT, "browser-esm.html"));
    return pageResult(`${staticBase}/browser-esm.html`);
  });
  let viteVersion = VITE_VERSION;
  await check("Vite build (examples/recipes/vite/) in Chromium", async () => {
    const app = join(WORK, "vite-app");
    rmSync(app, { recursive: true, force: true });
    cpSync(join(RECIPES, "vite"), app, { recursive: true });
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "vite-recipe", private: true, type: "module" }, null, 2));
    const tarball = JSON.parse(readFileSync(join(PROJECT, "package.json"), "utf8")).dependencies["promotion-rules"].slice("file:".length);
    // vite from the repository's devDependencies if it is there (found from the app's folder too),
    // else from the npm registry into the app, as a user installs it.
    const rootVite = join(ROOT, "node_modules", "vite", "bin", "vite.js");
    const useRootVite = existsSync(rootVite);
    const install = useRootVite ? [tarball] : [tarball, `vite@${VITE_VERSION}`];
    await runOk("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...install], { cwd: app, timeout: 180_000 });
    const vite = useRootVite ? rootVite : join(app, "node_modules", "vite", "bin", "vite.js");
    viteVersion = JSON.parse(readFileSync(join(vite, "..", "..", "package.json"), "utf8")).version;
    await runOk(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: app });
    const assets = readdirSync(join(app, "dist", "assets"));
    if (!assets.some((f) => f.endsWith(".wasm"))) throw new Error(`no .wasm among the built assets: ${assets.join(", ")}`);
    const base = await serveStatic(join(app, "dist"));
    return pageResult(`${base}/`);
  });
  await check("Deno (examples/recipes/deno/main.ts, `deno run --allow-read main.ts`)", async () => {
    cpSync(join(RECIPES, "deno", "main.ts"), join(PROJECT, "main.ts"));
    return (await runOk(DENO, ["run", "--allow-read", "main.ts"], { cwd: PROJECT, env: denoEnv() })).stdout;
  });
  await check("Cloudflare Workers (examples/recipes/workers/worker.js) in workerd", async () => {
    const { base } = await startMiniflare([
      { name: "recipe", ...workerModules({ packageDir, workerPath: join(RECIPES, "workers", "worker.js") }), compatibilityDate: "2026-04-01" },
    ]);
    const bad = await post(base, "/", "{");
    if (bad.status !== 400 || bad.json?.code !== "INVALID_INPUT") throw new Error(`bad input: status ${bad.status}`);
    const res = await post(base, "/", RECIPE_REQUEST);
    if (res.status !== 200) throw new Error(`status ${res.status}: ${res.text.slice(0, 300)}`);
    return `allowed=${res.json.allowed} fingerprint=${res.json.fingerprint}`;
  });
  row(suite, "", passed, failed, `node-esm, node-cjs, browser-esm, vite ${viteVersion}, deno, workers`);
}

async function pageResult(url) {
  const { page, errors } = await openPage(url);
  try {
    await page.waitForFunction(() => document.querySelector("#result")?.textContent.startsWith("allowed="), null, { timeout: 20_000 });
    return await page.evaluate(() => document.querySelector("#result").textContent);
  } catch {
    throw new Error(`the page never showed a result; errors: ${errors.join(" | ") || "none"}`);
  } finally {
    await page.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------

/** The failures recorded since `mark`, for one test's assertion. */
function failuresSince(mark) {
  return failures.slice(mark);
}

let shared;

before(async () => {
  const { tarball, packageDir } = await installPackage();
  await setUpIdentity();
  const api = createRequire(join(PROJECT, "index.js"))("promotion-rules");
  const reference = (() => {
    const plan = new api.PromotionRules().planSync(RECIPE_REQUEST);
    return `allowed=${plan.allowed} fingerprint=${plan.fingerprint}`;
  })();
  if (!RESULT_LINE.test(reference)) throw new Error(`unexpected reference line ${reference}`);
  const staticBase = await serveStatic(PROJECT);
  shared = { tarball, packageDir, api, reference, staticBase };
});

test("the golden corpus answers alike in Node (ESM, CJS), Chromium, workerd and Deno", { skip: !wants("corpus") }, async () => {
  const mark = failures.length;
  const corpus = loadCorpus();
  log(`corpus: ${corpus.length} cases`);
  await nodeCorpus(corpus);
  log("corpus: Node done");
  await chromiumCorpus(corpus, shared.staticBase);
  log("corpus: Chromium done");
  await workerdCorpus(corpus, shared.packageDir);
  log("corpus: workerd done");
  await denoCorpus(corpus);
  log("corpus: Deno done");
  assert.deepEqual(failuresSince(mark), []);
});

test("the Workers handler over HTTP in workerd", { skip: !wants("http") }, async () => {
  const mark = failures.length;
  await workerdHttpSuite(shared.packageDir, shared.api);
  log("workerd HTTP suite done");
  assert.deepEqual(failuresSince(mark), []);
});

let needsRead;
test("Deno: deno test and the npm: specifier, without permissions", { skip: !wants("deno") }, async () => {
  const mark = failures.length;
  needsRead = await denoSuite();
  await denoNpmSpecifier(shared.tarball, shared.packageDir, shared.reference);
  log("deno test done");
  assert.deepEqual(failuresSince(mark), []);
});

test("the README's loading recipes, each run", { skip: !wants("recipes") }, async () => {
  const mark = failures.length;
  await recipes(shared.packageDir, shared.reference, shared.staticBase);
  log("recipes done");
  assert.deepEqual(failuresSince(mark), []);
});

after(async () => {
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  console.log("");
  console.log(`${"runtime / suite".padEnd(width)}  ${"entry".padEnd(11)}  passed  failed  notes`);
  console.log(`${"-".repeat(width)}  ${"-".repeat(11)}  ------  ------  -----`);
  if (wants("corpus")) console.log(`${"native Rust".padEnd(width)}  ${"(rlib)".padEnd(11)}  ${"—".padStart(6)}  ${"—".padStart(6)}  answered by \`cargo test --test corpus\``);
  for (const r of rows) {
    console.log(`${r.name.padEnd(width)}  ${r.entry.padEnd(11)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${r.note}`);
  }
  if (needsRead) console.log("\nnote: the package's deno export reads its .wasm with Deno.readFile, so Deno needs --allow-read.");
  if (failures.length) {
    console.log(`\n${failures.length} failure(s):`);
    for (const f of failures.slice(0, 40)) console.log(`  ${f}`);
    if (failures.length > 40) console.log(`  … and ${failures.length - 40} more`);
  }
  const passed = rows.reduce((n, r) => n + r.passed, 0);
  const failed = rows.reduce((n, r) => n + r.failed, 0);
  console.log(`\nedge runtimes: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  await cleanup();
  clearTimeout(watchdog);
});

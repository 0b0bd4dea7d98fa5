#!/usr/bin/env node
// `make edge`: runs examples/edge/worker.js in workerd (npm `workerd`, driven by miniflare's API)
// with the package built in pkg/, on 127.0.0.1, with a local D1 database under target/edge/ (schema:
// examples/edge/migrations/), and prints the curl lines to try it, with a token for each sample person.
//
//   node examples/edge/serve.mjs [--host 127.0.0.1] [--port 8787] [--policy FILE] [--package DIR]
//        [--jwks FILE --issuer S --audience S] [--roles-claim S] [--allowed-origins LIST] [--state DIR]
//
// --policy FILE       a policy JSON file, the worker's POLICY binding (default: none, so the worker
//                     uses defaultPolicy()).                                        env EDGE_POLICY
// --jwks FILE         the public JSON Web Key Set of your identity provider (AUTH_JWKS). Without it,
//                     a development key pair is generated and tokens for the sample people are
//                     printed.                                                      env EDGE_JWKS
// --issuer S          the tokens' issuer (AUTH_ISSUER; required with --jwks).       env EDGE_ISSUER
// --audience S        the tokens' audience (AUTH_AUDIENCE; required with --jwks).   env EDGE_AUDIENCE
// --roles-claim S     the claim holding the roles (AUTH_ROLES_CLAIM; default roles, a dotted path
//                     such as realm_access.roles works too).                        env EDGE_ROLES_CLAIM
// --allowed-origins   front ends allowed to call it cross-origin, comma-separated (ALLOWED_ORIGINS).
//                                                                                   env EDGE_ALLOWED_ORIGINS
// --state DIR         where the local D1 database lives (default target/edge/state). env EDGE_STATE
// --port N, --host H                                                                env EDGE_PORT, EDGE_HOST
// --package DIR       the package to run (default: pkg/, built by `make pkg`).
//
// Flags win over the environment.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";
import { DEV_AUDIENCE, DEV_ISSUER, SAMPLE_PEOPLE, createKeySet, mintToken } from "./dev-keys.mjs";
import { applyMigrations, exportTarget, workerOptions } from "./workerd-modules.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const env = process.env;
const { values } = parseArgs({
  options: {
    host: { type: "string", default: env.EDGE_HOST || "127.0.0.1" },
    port: { type: "string", default: env.EDGE_PORT || "8787" },
    policy: { type: "string", default: env.EDGE_POLICY || undefined },
    package: { type: "string", default: resolve(root, "pkg") },
    jwks: { type: "string", default: env.EDGE_JWKS || undefined },
    issuer: { type: "string", default: env.EDGE_ISSUER || undefined },
    audience: { type: "string", default: env.EDGE_AUDIENCE || undefined },
    "roles-claim": { type: "string", default: env.EDGE_ROLES_CLAIM || undefined },
    "allowed-origins": { type: "string", default: env.EDGE_ALLOWED_ORIGINS || undefined },
    state: { type: "string", default: env.EDGE_STATE || resolve(root, "target", "edge", "state") },
  },
});

function die(message) {
  console.error(`edge: ${message}`);
  process.exit(1);
}

const packageDir = resolve(values.package);
if (!existsSync(resolve(packageDir, "package.json"))) die(`no package at ${packageDir}; run \`make pkg\` first.`);
exportTarget(packageDir, "workerd"); // fails early, and clearly, if the package has no workerd entry
const policy = values.policy === undefined ? undefined : readFileSync(values.policy, "utf8");
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) die(`--port ${values.port} is not a port number.`);

// The identity provider: the operator's JWKS, or a development key pair made now.
let auth;
let devKeys;
if (values.jwks !== undefined) {
  let jwks;
  try {
    jwks = JSON.parse(readFileSync(values.jwks, "utf8"));
  } catch (error) {
    die(`--jwks ${values.jwks}: ${error.message}`);
  }
  if (!Array.isArray(jwks?.keys)) die(`--jwks ${values.jwks} is not a JSON Web Key Set ({"keys": [...]}).`);
  if (jwks.keys.some((key) => "d" in key)) die(`--jwks ${values.jwks} holds a private key; give the public key set only.`);
  if (values.issuer === undefined || values.audience === undefined) die("--jwks needs --issuer and --audience (or EDGE_ISSUER, EDGE_AUDIENCE): the claims your identity provider puts in its tokens.");
  auth = { jwks, issuer: values.issuer, audience: values.audience, rolesClaim: values["roles-claim"] };
} else {
  devKeys = await createKeySet(["ES256"]);
  auth = { jwks: devKeys.jwks, issuer: values.issuer ?? DEV_ISSUER, audience: values.audience ?? DEV_AUDIENCE, rolesClaim: values["roles-claim"] };
}

// A clear message, rather than workerd's, when the port is taken.
if (port !== 0) {
  const probe = createServer();
  const free = await new Promise((done) => {
    probe.once("error", (error) => done(error));
    probe.listen(port, values.host, () => probe.close(() => done(true)));
  });
  if (free !== true) die(`cannot listen on ${values.host}:${port} (${free.code ?? free.message}); pick another port with --port N (or EDGE_PORT=N).`);
}

mkdirSync(values.state, { recursive: true });
const mf = new Miniflare({
  host: values.host,
  port,
  d1Persist: resolve(values.state, "d1"),
  ...workerOptions({ packageDir, name: "edge", policy, auth, allowedOrigins: values["allowed-origins"], database: "promotion-rules-edge" }),
});
let url;
try {
  url = await mf.ready;
  await applyMigrations(await mf.getD1Database("DB"));
} catch (error) {
  await mf.dispose().catch(() => {});
  die(`workerd could not start on ${values.host}:${port}: ${error.message}`);
}

// The answer to GET /v1/policy tells whether the policy is usable before anyone tries a request.
const check = await fetch(new URL("/v1/policy", url));
const policyAnswer = await check.json();
const base = String(url).replace(/\/$/, "");
const requests = relative(process.cwd(), fileURLToPath(new URL("./requests", import.meta.url))) || ".";
const json = "-H 'content-type: application/json'";
const bearer = (id) => `-H "authorization: Bearer $${id.toUpperCase()}"`;
console.log(`promotion-rules edge API (workerd) on ${base}`);
if (check.ok) {
  console.log(`policy: ${policyAnswer.source} ${policyAnswer.fingerprint} (chain ${policyAnswer.environments.join(" → ")})`);
} else {
  console.log(`policy: INVALID (${policyAnswer.code} at "${policyAnswer.path}": ${policyAnswer.message}); every request answers 500 until it is fixed`);
}
console.log(`D1 (approvals, audit chain): ${relative(process.cwd(), resolve(values.state, "d1")) || "."}`);
console.log(`tokens: issuer ${auth.issuer}, audience ${auth.audience}, roles claim ${auth.rolesClaim ?? "roles"}${values["allowed-origins"] ? `; CORS for ${values["allowed-origins"]}` : ""}`);

if (devKeys !== undefined) {
  console.log("\nDevelopment tokens (a key pair made at start, valid 12 hours; paste these into your shell):");
  for (const person of SAMPLE_PEOPLE) {
    const token = await mintToken(devKeys.keys.ES256, { sub: person.id, roles: person.roles, issuer: auth.issuer, audience: auth.audience, rolesClaim: auth.rolesClaim, expiresIn: 12 * 3600 });
    console.log(`  export ${person.id.toUpperCase()}='${token}'   # ${person.id}, ${person.about}`);
  }
} else {
  console.log(`\nTokens come from your identity provider (keys: ${values.jwks}); export DANA=…, QUINN=…, OMAR=…, ADA=…, BEN=… before the lines below.`);
}
console.log(`
Try it:
  curl -s ${base}/v1/policy
  curl -s ${base}/v1/authorize ${bearer("dana")} ${json} -d '{"action":"sync","environment":"dev"}'
  curl -s ${base}/v1/plan/sync ${bearer("dana")} ${json} --data-binary @${requests}/sync.json
  curl -s ${base}/v1/plan/sync ${bearer("dana")} ${json} --data-binary @${requests}/sync-expect.json
  curl -s -i ${base}/v1/plan/sync ${bearer("dana")} ${json} --data-binary @${requests}/sync-stale.json
  curl -s -i '${base}/v1/plan/sync?mode=strict' ${bearer("quinn")} ${json} --data-binary @${requests}/sync-denied.json
  curl -s ${base}/v1/check/edit ${bearer("omar")} ${json} --data-binary @${requests}/edit.json
  curl -s ${base}/v1/plan/publish ${bearer("ada")} ${json} --data-binary @${requests}/publish.json
  curl -s ${base}/v1/plan/rollback ${bearer("omar")} ${json} --data-binary @${requests}/rollback.json
  curl -s -i ${base}/v1/plan/sync ${bearer("dana")} ${json} --data-binary @${requests}/sync.json -H 'origin: https://evil.example'
  curl -s -i ${base}/v1/plan/publish ${bearer("dana")} ${json} --data-binary @${requests}/publish.json
  curl -s -i ${base}/v1/plan/sync ${json} --data-binary @${requests}/sync.json
Approvals (the fingerprint is the reviewed plan's "fingerprint"), then the audit chain:
  curl -s ${base}/v1/approvals ${bearer("ben")} ${json} -d '{"environment":"uat","fingerprint":"sha256:<the plan fingerprint>","decision":"approve","comment":"reviewed"}'
  curl -s '${base}/v1/approvals?environment=uat' ${bearer("dana")}
  curl -s '${base}/v1/audit?after=0&limit=10' ${bearer("dana")}
  curl -s ${base}/v1/audit/verify ${bearer("dana")}
  curl -s ${base}/v1/audit/verify ${bearer("dana")} ${json} --data-binary @${requests}/audit-log-tampered.json

Ctrl-C stops it.`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await mf.dispose().catch(() => {});
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

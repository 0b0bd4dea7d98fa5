// `make edge` (examples/edge/serve.mjs) as an operator runs it: development tokens that work, or the
// operator's own JWKS, issuer and audience, from flags or the environment (flags win).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { createKeySet, mintToken } from "../../examples/edge/dev-keys.mjs";
import { PACKAGE_DIR, call } from "./harness.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WORK = join(ROOT, "target", "edge-serve-test");

/** Starts serve.mjs; resolves { base, output, stop } once it printed its curl lines. */
function serve(args, env = {}) {
  const child = spawn(process.execPath, [join(ROOT, "examples", "edge", "serve.mjs"), "--port", "0", "--package", PACKAGE_DIR, ...args], {
    env: { ...process.env, EDGE_JWKS: "", EDGE_ISSUER: "", EDGE_AUDIENCE: "", EDGE_ROLES_CLAIM: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const stop = () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once("exit", resolve), child.kill("SIGTERM"))));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (stop(), reject(new Error(`serve.mjs printed no curl lines in 60 s:\n${output}`))), 60_000);
    const read = (d) => {
      output += d;
      if (output.includes("Ctrl-C stops it.")) {
        clearTimeout(timer);
        resolve({ base: new URL(/on (http:\/\/\S+)/.exec(output)[1]), output, stop });
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.mjs exited ${code}:\n${output}`));
    });
  });
}

test("make edge prints a working token for each sample person, and keeps its D1 under the state folder", async () => {
  const state = join(WORK, "dev");
  rmSync(state, { recursive: true, force: true });
  const edge = await serve(["--state", state]);
  try {
    const tokens = Object.fromEntries([...edge.output.matchAll(/export (\w+)='([^']+)'/g)].map(([, name, token]) => [name.toLowerCase(), token]));
    assert.deepEqual(Object.keys(tokens), ["dana", "quinn", "bea", "ben", "omar", "ada"]);
    const publish = readFileSync(join(ROOT, "examples", "edge", "requests", "publish.json"), "utf8");
    const byAda = await call(edge.base, { method: "POST", path: "/v1/plan/publish", token: tokens.ada, body: publish });
    assert.equal(byAda.status, 200, byAda.text);
    assert.equal(byAda.json.allowed, true);
    const byDana = await call(edge.base, { method: "POST", path: "/v1/plan/publish", token: tokens.dana, body: publish });
    assert.equal(byDana.status, 403);
    const verify = await call(edge.base, { path: "/v1/audit/verify", token: tokens.dana });
    assert.deepEqual({ valid: verify.json.valid, count: verify.json.count }, { valid: true, count: 1 });
    assert.match(edge.output, /curl -s .*\/v1\/approvals -H "authorization: Bearer \$BEN"/);
  } finally {
    await edge.stop();
  }
});

test("an operator's JWKS, issuer and audience come from the environment, and flags win over it", async () => {
  mkdirSync(WORK, { recursive: true });
  const { jwks, keys } = await createKeySet(["RS256"]);
  const file = join(WORK, "jwks.json");
  writeFileSync(file, JSON.stringify(jwks));
  const edge = await serve(["--state", join(WORK, "operator"), "--issuer", "https://flag.example", "--roles-claim", "realm_access.roles"], {
    EDGE_JWKS: file,
    EDGE_ISSUER: "https://env.example",
    EDGE_AUDIENCE: "env-audience",
  });
  try {
    assert.doesNotMatch(edge.output, /export DANA='/, "no development tokens with the operator's keys");
    const token = (issuer, claims) => mintToken(keys.RS256, { sub: "quinn", roles: undefined, issuer, audience: "env-audience", claims });
    const body = { action: "sync", environment: "test" };
    const byFlag = await call(edge.base, { method: "POST", path: "/v1/authorize", token: await token("https://flag.example", { realm_access: { roles: ["qa"] } }), body });
    assert.equal(byFlag.status, 200, byFlag.text);
    assert.equal(byFlag.json.allowed, true, "the roles of the realm_access.roles claim");
    const byEnv = await call(edge.base, { method: "POST", path: "/v1/authorize", token: await token("https://env.example", {}), body });
    assert.equal(byEnv.status, 401);
  } finally {
    await edge.stop();
  }
});

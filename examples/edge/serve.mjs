#!/usr/bin/env node
// `make edge`: runs examples/edge/worker.js in workerd (npm `workerd`, driven by miniflare's API)
// with the package built in pkg/, on 127.0.0.1, and prints the curl lines to try it.
//
//   node examples/edge/serve.mjs [--host 127.0.0.1] [--port 8787] [--policy FILE] [--package DIR]
//
// --policy FILE   a policy JSON file, given to the worker as its POLICY binding (default: none,
//                 so the worker uses defaultPolicy()).
// --package DIR   the package to run (default: pkg/, built by `make pkg`).
import { readFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";
import { workerOptions, exportTarget } from "./workerd-modules.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const { values } = parseArgs({
  options: {
    host: { type: "string", default: process.env.EDGE_HOST ?? "127.0.0.1" },
    port: { type: "string", default: process.env.EDGE_PORT ?? "8787" },
    policy: { type: "string" },
    package: { type: "string", default: resolve(root, "pkg") },
  },
});
const packageDir = resolve(values.package);
if (!existsSync(resolve(packageDir, "package.json"))) {
  console.error(`edge: no package at ${packageDir}; run \`make pkg\` first.`);
  process.exit(1);
}
exportTarget(packageDir, "workerd"); // fails early, and clearly, if the package has no workerd entry
const policy = values.policy === undefined ? undefined : readFileSync(values.policy, "utf8");
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`edge: --port ${values.port} is not a port number.`);
  process.exit(1);
}

// A clear message, rather than workerd's, when the port is taken.
if (port !== 0) {
  const probe = createServer();
  const free = await new Promise((done) => {
    probe.once("error", (error) => done(error));
    probe.listen(port, values.host, () => probe.close(() => done(true)));
  });
  if (free !== true) {
    console.error(`edge: cannot listen on ${values.host}:${port} (${free.code ?? free.message}); pick another port with --port N (or EDGE_PORT=N).`);
    process.exit(1);
  }
}

const mf = new Miniflare({
  host: values.host,
  port,
  ...workerOptions({ packageDir, policy }),
});
let url;
try {
  url = await mf.ready;
} catch (error) {
  console.error(`edge: workerd could not start on ${values.host}:${port}: ${error.message}`);
  process.exit(1);
}

// The answer to GET /v1/policy tells whether the policy is usable before anyone tries a request.
const check = await fetch(new URL("/v1/policy", url));
const policyAnswer = await check.json();
const base = String(url).replace(/\/$/, "");
const requests = relative(process.cwd(), fileURLToPath(new URL("./requests", import.meta.url))) || ".";
const json = "-H 'content-type: application/json'";
console.log(`promotion-rules edge API (workerd) on ${base}`);
if (check.ok) {
  console.log(`policy: ${policyAnswer.source} ${policyAnswer.fingerprint} (chain ${policyAnswer.environments.join(" → ")})`);
} else {
  console.log(`policy: INVALID (${policyAnswer.code} at "${policyAnswer.path}": ${policyAnswer.message}); every request answers 500 until it is fixed`);
}
console.log(`
Try it:
  curl -s ${base}/v1/policy
  curl -s ${base}/v1/authorize ${json} -d '{"actor":{"id":"dana","roles":["developer"]},"action":"sync","environment":"dev"}'
  curl -s ${base}/v1/plan/sync ${json} --data-binary @${requests}/sync.json
  curl -s ${base}/v1/plan/sync ${json} --data-binary @${requests}/sync-expect.json
  curl -s -i ${base}/v1/plan/sync ${json} --data-binary @${requests}/sync-stale.json
  curl -s -i '${base}/v1/plan/sync?mode=strict' ${json} --data-binary @${requests}/sync-denied.json
  curl -s ${base}/v1/check/edit ${json} --data-binary @${requests}/edit.json
  curl -s ${base}/v1/plan/publish ${json} --data-binary @${requests}/publish.json
  curl -s ${base}/v1/plan/rollback ${json} --data-binary @${requests}/rollback.json
  curl -s ${base}/v1/audit/verify ${json} --data-binary @${requests}/audit-log.json
  curl -s ${base}/v1/audit/verify ${json} --data-binary @${requests}/audit-log-tampered.json

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

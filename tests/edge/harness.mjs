// The edge worker in real workerd (npm `workerd`, through miniflare's API) for the node:test files
// of tests/edge/: workers with their own local D1 (migrated from examples/edge/migrations), keys and
// tokens from examples/edge/dev-keys.mjs, and HTTP requests on 127.0.0.1 picking a worker by host.
import http from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { applyMigrations, workerOptions } from "../../examples/edge/workerd-modules.mjs";
import { DEV_AUDIENCE, DEV_ISSUER, createKeySet, mintToken } from "../../examples/edge/dev-keys.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const PACKAGE_DIR = process.env.EDGE_PACKAGE_DIR ?? join(ROOT, "pkg");
export { DEV_AUDIENCE, DEV_ISSUER, mintToken };

/**
 * Starts workerd with `workers` (each `{ name, ...workerOptions }`, the first the default one, the
 * others routed by host `<name>.test`), all sharing one identity provider (`keySet`), on `port`
 * (0: a free one).
 */
export async function startEdge(workers, { port = 0 } = {}) {
  const keySet = await createKeySet();
  const auth = { jwks: keySet.jwks, issuer: DEV_ISSUER, audience: DEV_AUDIENCE };
  const logs = [];
  const mf = new Miniflare({
    host: "127.0.0.1",
    port,
    workers: workers.map(({ name, ...options }, i) =>
      workerOptions({ packageDir: PACKAGE_DIR, name, auth, ...options, ...(i === 0 ? {} : { routes: [`${name}.test/*`] }) }),
    ),
    handleRuntimeStdio(stdout, stderr) {
      stdout.on("data", (d) => logs.push(String(d)));
      stderr.on("data", (d) => logs.push(String(d)));
    },
  });
  const base = new URL(await mf.ready);
  for (const { name } of workers) await applyMigrations(await mf.getD1Database("DB", name));
  return { mf, base, keySet, logs, stop: () => mf.dispose() };
}

/**
 * One HTTP request on a fresh connection (workerd closes one whose request body it did not read:
 * 413, 500): `{ status, headers, text, json }`. `body` is sent whole; `chunks` streams it instead;
 * `expectContinue` sends it only once the server asks for it, as curl does for large bodies.
 */
export function send(base, { method = "GET", path = "/", headers = {}, body, chunks, expectContinue = false }) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, agent: false, headers }, (res) => {
      const parts = [];
      res.on("data", (d) => parts.push(d));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (expectContinue) {
      req.on("continue", () => req.end(body));
    } else if (chunks) {
      (async () => {
        for (const chunk of chunks) {
          if (req.destroyed) return;
          if (!req.write(chunk)) {
            await new Promise((r) => {
              const done = () => {
                req.off("drain", done);
                req.off("close", done);
                r();
              };
              req.on("drain", done);
              req.on("close", done);
            });
          }
        }
        req.end();
      })().catch(() => {});
    } else {
      req.end(body);
    }
  });
}

/** One request to the edge worker: `worker` picks the worker by host, `token` is the bearer. */
export function call(base, { method = "GET", path, worker, token, body, headers = {} }) {
  const bytes = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return send(base, {
    method,
    path,
    body: bytes,
    headers: {
      ...(worker ? { host: `${worker}.test` } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(bytes === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(bytes) }),
      ...headers,
    },
  });
}

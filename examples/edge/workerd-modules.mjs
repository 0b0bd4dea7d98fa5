// The module list that runs examples/edge/worker.js in workerd (through miniflare's API), with the
// package files as they are: nothing rewritten, nothing bundled.
//
// workerd resolves `import … from "promotion-rules"` in the worker to the module named
// "promotion-rules"; that module is the file the package's `exports` map names under the `workerd`
// condition (workerd.js), and its own relative imports resolve inside the package
// (web/promotion_rules.js, its snippet under web/snippets/, and web/promotion_rules_bg.wasm, which
// must be a CompiledWasm module: workerd refuses to compile WebAssembly from bytes at run time).
// This is what a bundler with the `workerd` condition (wrangler) produces, minus the bundling.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** examples/edge/worker.js */
export const WORKER_PATH = fileURLToPath(new URL("./worker.js", import.meta.url));
/** The compatibility date the example is tested with (workerd from npm, 1.20260426.x). */
export const COMPATIBILITY_DATE = "2026-04-01";

/** The file that `exports["."]` names under `condition` in the package at `packageDir`. */
export function exportTarget(packageDir, condition) {
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  const root = manifest.exports?.["."];
  const target = root?.[condition];
  if (typeof target !== "string") {
    throw new Error(`${join(packageDir, "package.json")}: exports["."] has no "${condition}" condition`);
  }
  return join(packageDir, target);
}

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

/**
 * Miniflare's `modulesRoot` and `modules` for the worker and the package at `packageDir` (pkg/, or
 * node_modules/promotion-rules of an installed tarball).
 */
export function workerModules({ packageDir, workerPath = WORKER_PATH }) {
  const modules = [
    // The worker, as the main module "worker.js".
    { type: "ESModule", path: join(packageDir, "worker.js"), contents: readFileSync(workerPath, "utf8") },
    // The package's workerd entry, under the name the worker imports.
    { type: "ESModule", path: join(packageDir, "promotion-rules"), contents: readFileSync(exportTarget(packageDir, "workerd"), "utf8") },
  ];
  // Everything the entry imports lives under web/: the glue, its snippets and the .wasm.
  for (const path of files(join(packageDir, "web"))) {
    if (/\.m?js$/.test(path)) modules.push({ type: "ESModule", path });
    else if (path.endsWith(".wasm")) modules.push({ type: "CompiledWasm", path });
  }
  return { modulesRoot: packageDir, modules };
}

/** Module names as workerd sees them, for messages. */
export function moduleNames({ modulesRoot, modules }) {
  return modules.map((m) => `${relative(modulesRoot, m.path).split(sep).join("/")} (${m.type})`);
}

/**
 * The options of one worker: the modules, the compatibility date and the bindings
 * (`POLICY`: policy JSON text; `MAX_BODY_BYTES`: the body limit).
 */
export function workerOptions({ packageDir, workerPath, name, policy, maxBodyBytes, routes, clock }) {
  const bindings = {};
  // A pinned clock (RFC 3339) for the gates: tests and replays only.
  if (clock !== undefined) bindings.CLOCK = clock;
  if (policy !== undefined) bindings.POLICY = typeof policy === "string" ? policy : JSON.stringify(policy);
  if (maxBodyBytes !== undefined) bindings.MAX_BODY_BYTES = String(maxBodyBytes);
  return {
    ...(name === undefined ? {} : { name }),
    ...workerModules({ packageDir, workerPath }),
    compatibilityDate: COMPATIBILITY_DATE,
    bindings,
    ...(routes === undefined ? {} : { routes }),
  };
}

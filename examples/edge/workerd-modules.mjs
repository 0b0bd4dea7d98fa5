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
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** examples/edge/worker.js */
export const WORKER_PATH = fileURLToPath(new URL("./worker.js", import.meta.url));
/** examples/edge/migrations: the D1 schema, applied in file-name order. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations", import.meta.url));
/** The folder of `jose`'s Web API build (the one the `import` condition resolves to). */
export const JOSE_DIR = dirname(fileURLToPath(import.meta.resolve("jose")));

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
  // `jose` (npm), as its Web API build: the module "jose" re-exports its entry, whose relative
  // imports resolve among its own files, given under vendor/jose/.
  modules.push({ type: "ESModule", path: join(packageDir, "jose"), contents: 'export * from "./vendor/jose/index.js";\n' });
  for (const path of files(JOSE_DIR)) {
    if (path.endsWith(".js")) modules.push({ type: "ESModule", path: join(packageDir, "vendor", "jose", relative(JOSE_DIR, path)), contents: readFileSync(path, "utf8") });
  }
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
 * (`POLICY`: policy JSON text; `MAX_BODY_BYTES`: the body limit; `CLOCK`: a pinned clock;
 * `AUTH_JWKS`, `AUTH_ISSUER`, `AUTH_AUDIENCE`, `AUTH_ROLES_CLAIM`: the identity provider;
 * `ALLOWED_ORIGINS`: CORS; `DB`: a local D1 database, `database` naming it).
 */
export function workerOptions({ packageDir, workerPath, name, policy, maxBodyBytes, routes, clock, auth, allowedOrigins, database }) {
  const bindings = {};
  // A pinned clock (RFC 3339) for the gates and the token times: tests and replays only.
  if (clock !== undefined) bindings.CLOCK = clock;
  if (policy !== undefined) bindings.POLICY = typeof policy === "string" ? policy : JSON.stringify(policy);
  if (maxBodyBytes !== undefined) bindings.MAX_BODY_BYTES = String(maxBodyBytes);
  if (auth !== undefined) {
    bindings.AUTH_JWKS = typeof auth.jwks === "string" ? auth.jwks : JSON.stringify(auth.jwks);
    bindings.AUTH_ISSUER = auth.issuer;
    bindings.AUTH_AUDIENCE = auth.audience;
    if (auth.rolesClaim !== undefined) bindings.AUTH_ROLES_CLAIM = auth.rolesClaim;
  }
  if (allowedOrigins !== undefined) bindings.ALLOWED_ORIGINS = Array.isArray(allowedOrigins) ? allowedOrigins.join(",") : allowedOrigins;
  return {
    ...(name === undefined ? {} : { name }),
    ...workerModules({ packageDir, workerPath }),
    compatibilityDate: COMPATIBILITY_DATE,
    bindings,
    d1Databases: { DB: database ?? `promotion-rules-${name ?? "edge"}` },
    ...(routes === undefined ? {} : { routes }),
  };
}

/** The migration files (examples/edge/migrations/*.sql), in order: [{ name, sql }]. */
export function migrations(dir = MIGRATIONS_DIR) {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), "utf8") }));
}

/** The statements of a migration file (`;`-separated; `--` comments dropped). */
function statements(sql) {
  return sql
    .split("\n")
    .map((line) => line.replace(/--.*$/, ""))
    .join("\n")
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/**
 * Applies the migrations not applied yet to a D1 database (miniflare's `getD1Database`), recording
 * each in `d1_migrations` as wrangler does; each file runs as one batch (one transaction).
 */
export async function applyMigrations(db, dir = MIGRATIONS_DIR) {
  await db.prepare("CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)").run();
  const { results } = await db.prepare("SELECT name FROM d1_migrations").all();
  const done = new Set(results.map((row) => row.name));
  const applied = [];
  for (const { name, sql } of migrations(dir)) {
    if (done.has(name)) continue;
    await db.batch([...statements(sql).map((s) => db.prepare(s)), db.prepare("INSERT INTO d1_migrations (name) VALUES (?1)").bind(name)]);
    applied.push(name);
  }
  return applied;
}

// make test-hostile: the hostile-input, property, memory and size suites of tests/js/hostile-*.test.mjs
// against the npm package as a user installs it. Packs pkg/, installs the tarball into a fresh
// project (target/js-hostile/app), copies the suites, tests/js/helpers.mjs and the samples there,
// and runs them with `node --expose-gc --test`, one file at a time (the timings and the memory
// readings must not share the CPU with another suite), with HOSTILE_FULL=1: the full sizes
// (100,000 planSync calls, 100,000 items, 10 MB strings, the 256 MiB limit).
//
// scripts/test-js.mjs also runs these files (every tests/js/*.test.mjs), without HOSTILE_FULL:
// there the heavy tests run at a reduced size so that its time budget holds.
//
// Usage: node scripts/test-hostile.mjs [file-filter]     (after make pkg). Exit code 1 on failure.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkgDir = join(root, "pkg");
const testsDir = join(root, "tests", "js");
const work = join(root, "target", "js-hostile");
const app = join(work, "app");
const filter = process.argv[2] ?? "";
const started = Date.now();

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, timeout: 120_000, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? "");
    process.stderr.write(result.stderr ?? "");
    throw new Error(`${command} ${args.join(" ")} failed (exit code ${result.status})`);
  }
  return result;
}

if (!existsSync(join(pkgDir, "package.json"))) {
  console.error("test-hostile: pkg/ is missing: run `make pkg` first");
  process.exit(1);
}

// 1. Pack and install, as a user gets the package.
rmSync(work, { recursive: true, force: true });
mkdirSync(app, { recursive: true });
const [info] = JSON.parse(run("npm", ["pack", pkgDir, "--json", "--pack-destination", work], { cwd: work }).stdout);
writeFileSync(
  join(app, "package.json"),
  JSON.stringify({ name: "promotion-rules-hostile", version: "0.0.0", private: true, type: "module", dependencies: { "promotion-rules": `file:../${info.filename}` } }, null, 2) + "\n",
);
run("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--offline", "--loglevel=error"], { cwd: app });
console.log(`test-hostile: installed ${info.filename} into target/js-hostile/app`);

// 2. The suites, their helpers and the samples. fast-check, fast-json-patch and canonicalize
// resolve from the repository's node_modules (the app folder is inside the repository).
const files = readdirSync(testsDir).filter((name) => /^hostile-.*\.test\.(mjs|cjs)$/.test(name) && name.includes(filter)).sort();
if (files.length === 0) {
  console.error(`test-hostile: no tests/js/hostile-*.test.mjs file matches "${filter}"`);
  process.exit(1);
}
for (const name of [...files, "helpers.mjs"]) cpSync(join(testsDir, name), join(app, name));
mkdirSync(join(app, "samples"), { recursive: true });
for (const name of readdirSync(join(root, "tests", "fixtures", "samples"))) {
  if (name.endsWith(".json")) cpSync(join(root, "www", "samples", name), join(app, "samples", name));
}

// 3. node --expose-gc --test, one file at a time.
console.log(`test-hostile: node --expose-gc --test ${files.join(" ")}`);
const child = spawn(
  process.execPath,
  ["--expose-gc", "--test", "--test-reporter=spec", "--test-concurrency=1", "--test-timeout=600000", ...files],
  { cwd: app, stdio: "inherit", env: { ...process.env, HOSTILE_FULL: "1" } },
);
const status = await new Promise((resolve) => child.on("close", resolve));
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (status !== 0) {
  console.error(`test-hostile: FAILED (exit code ${status}) in ${seconds} s`);
  process.exit(1);
}
console.log(`test-hostile: all passed in ${seconds} s`);

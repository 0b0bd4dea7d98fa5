// make test-js: the npm package as a user gets it. Packs pkg/, installs the tarball into a fresh
// project (target/js-e2e/app), then
//   1. runs the node --test suites of tests/js (ESM and CommonJS) against the installed package,
//   2. type-checks tests/js/api.ts (strict, nodenext) and tests/js/api-cjs.cts (a CommonJS
//      consumer, node16) with tsc, and checks that tsc rejects tests/js/api-wrong.ts at every line
//      marked `// WRONG` (and nowhere else),
//   3. runs the README snippets of tests/js/readme: the Node ones in the app folder, the browser
//      one in headless Chromium (playwright-core) from a static server on 127.0.0.1.
// Fails (exit code 1) on any failure. Usage: node scripts/test-js.mjs (after make pkg).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { extname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CHROMIUM, CHROMIUM_ARGS } from "../tests/chromium.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkgDir = join(root, "pkg");
const testsDir = join(root, "tests", "js");
const e2e = join(root, "target", "js-e2e");
const app = join(e2e, "app");
const started = Date.now();
const failures = [];

// A watchdog: whatever hangs, the script ends. Synchronous commands have their own timeout, the
// streamed child is killed here, and Chromium by playwright's exit handlers.
const children = new Set();
const watchdog = setTimeout(() => {
  console.error("test-js: timed out after 170 s");
  for (const child of children) child.kill("SIGKILL");
  process.exit(1);
}, 170_000);
watchdog.unref();

function step(title) {
  console.log(`\n== ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function fail(message) {
  failures.push(message);
  console.error(`FAIL: ${message}`);
}

/** Runs a command to completion; returns { status, stdout, stderr }. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, timeout: 120_000, killSignal: "SIGKILL", ...options });
  if (result.error) throw result.error;
  return result;
}

function must(result, what) {
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? "");
    process.stderr.write(result.stderr ?? "");
    throw new Error(`${what} failed (exit code ${result.status})`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// 1. Pack and install.
function packAndInstall() {
  step("npm pack pkg/ and install the tarball into target/js-e2e/app");
  if (!existsSync(join(pkgDir, "package.json"))) throw new Error("pkg/ is missing: run `make pkg` first");
  rmSync(e2e, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  const packed = must(run("npm", ["pack", pkgDir, "--json", "--pack-destination", e2e], { cwd: e2e }), "npm pack");
  const [info] = JSON.parse(packed.stdout);
  const tarball = join(e2e, info.filename);
  console.log(`${info.filename}: ${info.entryCount} files, ${info.size} B packed, ${info.unpackedSize} B unpacked`);

  // Every target of the exports map (and main/module/types) must be in the tarball.
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const inTarball = new Set(info.files.map((file) => file.path));
  const targets = new Set([manifest.main, manifest.module, manifest.types].filter(Boolean));
  (function collect(node) {
    if (typeof node === "string") targets.add(node);
    else if (node && typeof node === "object") Object.values(node).forEach(collect);
  })(manifest.exports);
  for (const target of targets) {
    const path = target.replace(/^\.\//, "");
    if (!inTarball.has(path)) fail(`package.json points at ${target}, which the tarball does not contain`);
  }

  writeFileSync(
    join(app, "package.json"),
    JSON.stringify(
      {
        name: "promotion-rules-e2e",
        version: "0.0.0",
        private: true,
        type: "module",
        description: "A fresh project that installs the packed promotion-rules tarball (made by scripts/test-js.mjs).",
        dependencies: { "promotion-rules": `file:../${info.filename}` },
      },
      null,
      2,
    ) + "\n",
  );
  must(
    run("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--offline", "--loglevel=error"], { cwd: app }),
    "npm install of the tarball",
  );
  const installed = join(app, "node_modules", "promotion-rules");
  if (!existsSync(join(installed, "package.json"))) throw new Error("npm install did not install promotion-rules");
  console.log(`installed ${relative(root, tarball)} into ${relative(root, installed)}`);

  // The test libraries come from the repo's node_modules (the app folder is inside the repo);
  // the package itself must come from the app's own node_modules, never from anywhere else.
  const requireFromApp = createRequire(join(app, "resolve-check.cjs"));
  const libraries = ["fast-json-patch", "canonicalize", "fast-check", "playwright-core"];
  for (const library of libraries) {
    if (!canResolve(library)) {
      const from = join(root, "node_modules", library);
      if (!existsSync(from)) throw new Error(`${library} is not installed in ${root}node_modules: run make setup`);
      symlinkSync(from, join(app, "node_modules", library), "dir");
      console.log(`symlinked node_modules/${library} (it did not resolve from the app folder)`);
    }
  }
  const check = must(
    run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `for (const name of ${JSON.stringify(["promotion-rules", "promotion-rules/web", ...libraries])}) console.log(name + " " + import.meta.resolve(name));`,
      ],
      { cwd: app },
    ),
    "resolving the packages from the app folder",
  );
  const resolved = Object.fromEntries(check.stdout.trim().split("\n").map((line) => line.split(" ")));
  const expectedPrefix = pathToFileURL(installed).href + "/";
  for (const name of ["promotion-rules", "promotion-rules/web"]) {
    if (!resolved[name]?.startsWith(expectedPrefix)) fail(`${name} resolves to ${resolved[name]}, not into ${expectedPrefix}`);
  }
  const cjsPath = requireFromApp.resolve("promotion-rules");
  if (!cjsPath.startsWith(installed + sep)) fail(`require("promotion-rules") resolves to ${cjsPath}, outside the installed package`);
  console.log(`resolved: ${Object.entries(resolved).map(([name, url]) => `${name} → ${relative(root, fileURLToPath(url))}`).join(", ")}`);
  console.log(`          require("promotion-rules") → ${relative(root, cjsPath)}`);

  function canResolve(name) {
    try {
      requireFromApp.resolve(name);
      return true;
    } catch {
      // ESM-only packages (canonicalize) have no "require" condition: look for the folder.
      let dir = app;
      for (;;) {
        if (existsSync(join(dir, "node_modules", name, "package.json"))) return true;
        const parent = join(dir, "..");
        if (parent === dir) return false;
        dir = parent;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 2. node --test.
function copyTests() {
  cpSync(testsDir, app, { recursive: true });
  mkdirSync(join(app, "samples"), { recursive: true });
  for (const name of readdirSync(join(root, "tests", "fixtures", "samples"))) {
    if (name.endsWith(".json")) cpSync(join(root, "tests", "fixtures", "samples", name), join(app, "samples", name));
  }
}

async function nodeTests() {
  step("node --test (tests/js/*.test.mjs, *.test.cjs) against the installed package");
  const files = readdirSync(app).filter((name) => /\.test\.(mjs|cjs)$/.test(name)).sort();
  if (files.length === 0) throw new Error("no test files in tests/js");
  console.log(`files: ${files.join(", ")}`);
  const { status, output } = await runStreaming(
    process.execPath,
    ["--test", "--test-reporter=spec", "--test-concurrency=2", "--test-timeout=60000", ...files],
    { cwd: app },
  );
  const count = (label) => Number(output.match(new RegExp(`^ℹ ${label} (\\d+)$`, "m"))?.[1] ?? NaN);
  const totals = { tests: count("tests"), pass: count("pass"), fail: count("fail"), cancelled: count("cancelled") };
  console.log(`node --test: ${totals.tests} tests, ${totals.pass} passed, ${totals.fail} failed, ${totals.cancelled} cancelled`);
  if (status !== 0 || !(totals.fail === 0 && totals.cancelled === 0 && totals.pass > 0)) {
    fail(`node --test: exit code ${status}, ${totals.fail} failed, ${totals.cancelled} cancelled`);
  }
}

/** Runs a command, streaming its output through, and returns its exit code and output. */
function runStreaming(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (status) => {
      children.delete(child);
      resolve({ status, output });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// 3. TypeScript.
function typeCheck() {
  step("tsc --noEmit: api.ts and api-cjs.cts must pass, api-wrong.ts must fail at every // WRONG line");
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  // Strict, and without lib.esnext.disposable: the declarations must stand on their own.
  const compilerOptions = {
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "es2022",
    lib: ["es2022", "dom"],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
  };
  const config = (files, options = {}) => JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, files }, null, 2) + "\n";
  const gates = [
    ["api.ts", "tsconfig.json", config(["api.ts"])],
    // CommonJS consumers: module node16 is also how nodenext resolves before TypeScript 5.8.
    ["api-cjs.cts", "tsconfig.cjs.json", config(["api-cjs.cts"], { module: "node16", moduleResolution: "node16" })],
  ];
  for (const [file, name, text] of gates) {
    writeFileSync(join(app, name), text);
    const result = run(process.execPath, [tsc, "-p", name, "--pretty", "false"], { cwd: app });
    if (result.status === 0) console.log(`${file}: tsc passed (0 errors)`);
    else {
      process.stdout.write(result.stdout);
      fail(`tsc rejects tests/js/${file} (${name}; exit code ${result.status})`);
    }
  }

  writeFileSync(join(app, "tsconfig.wrong.json"), config(["api-wrong.ts"]));
  const wrong = run(process.execPath, [tsc, "-p", "tsconfig.wrong.json", "--pretty", "false"], { cwd: app });
  const source = readFileSync(join(app, "api-wrong.ts"), "utf8").split("\n");
  const marked = source.flatMap((line, i) => (/\/\/ WRONG\b/.test(line) ? [i + 1] : []));
  const errorLines = new Set([...wrong.stdout.matchAll(/^api-wrong\.ts\((\d+),\d+\): error/gm)].map((m) => Number(m[1])));
  const missed = marked.filter((line) => !errorLines.has(line));
  const unexpected = [...errorLines].filter((line) => !marked.includes(line));
  const elsewhere = wrong.stdout.split("\n").filter((line) => /^\S.*\(\d+,\d+\): error/.test(line) && !line.startsWith("api-wrong.ts("));
  if (wrong.status === 0) fail("tsc accepts tests/js/api-wrong.ts: the type gate is not real");
  if (marked.length === 0) fail("tests/js/api-wrong.ts marks no line with // WRONG");
  if (missed.length > 0) fail(`tsc does not reject api-wrong.ts at lines ${missed.join(", ")}: ${missed.map((n) => source[n - 1].trim()).join(" | ")}`);
  if (unexpected.length > 0 || elsewhere.length > 0) {
    process.stdout.write(wrong.stdout);
    fail(`tsc rejects api-wrong.ts at unmarked lines ${unexpected.join(", ")} ${elsewhere.join(" ")}`);
  }
  if (wrong.status !== 0 && missed.length === 0 && unexpected.length === 0 && elsewhere.length === 0) {
    console.log(`api-wrong.ts: tsc rejects all ${marked.length} deliberate mistakes (and nothing else)`);
  }
}

// ---------------------------------------------------------------------------------------------
// 4. The README snippets.
function nodeSnippets() {
  step("README snippets in Node (tests/js/readme/node-esm.mjs, node-cjs.cjs, version-control.mjs)");
  const canonical = (value) => "sha256:" + createHash("sha256").update(value).digest("hex");
  const expected = {
    "node-esm.mjs": [
      `true [ { op: 'replace', path: '/agents/0/tone', value: 'friendly' } ]`,
      `true`,
    ].join("\n"),
    "node-cjs.cjs": [
      `false [ 'FORBIDDEN' ]`,
      `test`,
      canonical(`{"a":[1,2],"b":"ü"}`),
    ].join("\n"),
    "version-control.mjs": [
      `true [ { item: 'workflows/refund', because: 'agents/billing' } ] [ 'warm', 'calm' ]`,
      `false DANGLING_REFERENCE,DEPENDENCY_NOT_SELECTED`,
      `rollback false [ 'WOULD_REVERT_HOTFIX' ]`,
      `true workspace.rollback`,
      `true true`,
      `1`,
    ].join("\n"),
  };
  for (const [file, want] of Object.entries(expected)) {
    const result = run(process.execPath, [join("readme", file)], { cwd: app });
    const got = result.stdout.trim();
    if (result.status !== 0 || got !== want || result.stderr.trim() !== "") {
      fail(`readme/${file}: exit code ${result.status}\n--- expected\n${want}\n--- got\n${got}\n--- stderr\n${result.stderr}`);
    } else {
      console.log(`readme/${file}: ok\n  ${got.split("\n").join("\n  ")}`);
    }
  }
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".css": "text/css",
};

/** A static server of the app folder on 127.0.0.1, port 0. */
function startServer(dir) {
  const served = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://localhost").pathname);
    const file = normalize(join(dir, path));
    served.push(path);
    if (path === "/favicon.ico") {
      response.writeHead(204).end(); // the browser asks for it on its own
      return;
    }
    if (!file.startsWith(dir + sep) || !existsSync(file) || extname(file) === "") {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const type = TYPES[extname(file)] ?? "application/octet-stream";
    response.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => resolve({ server, served, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}

async function browserSnippet() {
  step("README snippet in headless Chromium (tests/js/readme/browser.html + browser.mjs)");
  const { chromium } = await import(pathToFileURL(join(root, "node_modules", "playwright-core", "index.mjs")).href);
  const { server, served, origin } = await startServer(app);
  const userDataDir = mkdtempSync(join(tmpdir(), "promotion-rules-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: CHROMIUM_ARGS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    const logs = [];
    page.on("console", (message) => {
      logs.push(`${message.type()}: ${message.text()}`);
      if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });

    await page.goto(`${origin}/readme/browser.html`, { waitUntil: "load", timeout: 20_000 });
    const out = page.locator("#out");
    await out.filter({ hasText: /\S/ }).waitFor({ timeout: 20_000 }).catch(() => {});
    const text = (await out.textContent())?.trim() ?? "";
    const want = "true staging sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    if (text !== want) fail(`browser.html printed ${JSON.stringify(text)}, expected ${JSON.stringify(want)}`);
    else console.log(`browser.html printed: ${text}`);
    const wasmRequests = served.filter((path) => path.endsWith(".wasm"));
    if (wasmRequests.length !== 1) fail(`the page fetched the .wasm ${wasmRequests.length} times`);

    // The "." entry (what bundlers and browsers get by default) also loads in the browser:
    // index.js initialises itself with top-level await.
    const viaIndex = await page.evaluate(async () => {
      const m = await import("/node_modules/promotion-rules/index.js");
      return [m.fingerprint({}), new m.PromotionRules().nextEnvironment("dev")].join(" ");
    });
    const wantIndex = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a test";
    if (viaIndex !== wantIndex) fail(`index.js in the browser answered ${JSON.stringify(viaIndex)}, expected ${JSON.stringify(wantIndex)}`);
    else console.log(`index.js (the "." browser entry) in the same page: ${viaIndex}`);

    if (problems.length > 0) fail(`the browser page reported problems:\n  ${problems.join("\n  ")}`);
    else console.log(`no console errors or warnings, no failed requests (${served.length} requests: ${[...new Set(served)].join(", ")})`);
    if (logs.length > 0) console.log(`console: ${logs.join(" | ")}`);
  } finally {
    await context?.close().catch(() => {});
    await new Promise((resolve) => server.close(resolve));
    server.closeAllConnections?.();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
try {
  packAndInstall();
  copyTests();
  await nodeTests();
  typeCheck();
  nodeSnippets();
  await browserSnippet();
} catch (error) {
  fail(error && error.stack ? error.stack : String(error));
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.error(`\ntest-js: ${failures.length} failure(s) in ${seconds} s:\n- ${failures.map((f) => f.split("\n")[0]).join("\n- ")}`);
  process.exit(1);
}
console.log(`\ntest-js: all passed in ${seconds} s`);

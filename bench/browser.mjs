// The package in headless Chromium (Debian's, driven by playwright-core): `fingerprint` of a long
// string, for bench/run.mjs (issue 10: ≥ 120 MB/s in the browser).
//
//   node bench/browser.mjs [--mb 9] [--rounds 9]      prints the median MB/s on its own
//
// A static server on 127.0.0.1 (port 0) serves pkg/; the page imports pkg/web.js, as an app would.

import { createServer } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, CHROMIUM_ARGS } from "../tests/chromium.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

/** Whether this machine can run the browser benchmark. */
export function browserAvailable(pkgDir = join(root, "pkg")) {
  return existsSync(CHROMIUM) && existsSync(join(pkgDir, "web.js"));
}

function serve(pkgDir) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://127.0.0.1").pathname;
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>bench</title>");
      return;
    }
    const file = normalize(join(pkgDir, path.replace(/^\/pkg\//, "/")));
    if (!path.startsWith("/pkg/") || !file.startsWith(pkgDir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

/**
 * Median milliseconds of `fingerprint(text)` in Chromium over `rounds` calls (after two warm-up
 * calls), and the fingerprint, to check against Node's.
 */
export async function browserFingerprint(text, rounds = 9, pkgDir = join(root, "pkg")) {
  const { chromium } = await import("playwright-core");
  const server = await serve(resolve(pkgDir));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    return await page.evaluate(
      async ({ text, rounds }) => {
        const pkg = await import("/pkg/web.js");
        await pkg.default();
        let print = "";
        for (let i = 0; i < 2; i++) print = pkg.fingerprint(text);
        const times = [];
        for (let i = 0; i < rounds; i++) {
          const t = performance.now();
          pkg.fingerprint(text);
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        return { median_ms: times[Math.floor(times.length / 2)], p25_ms: times[Math.floor(times.length / 4)], p75_ms: times[Math.floor((3 * times.length) / 4)], fingerprint: print, userAgent: navigator.userAgent };
      },
      { text, rounds },
    );
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const option = (name, fallback) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  const bytes = option("--mb", 9) * 1e6;
  const words = "the customer account balance refund invoice network outage engineer appointment tariff".split(" ");
  let text = "";
  for (let i = 0; text.length < bytes; i++) text += words[(i * 7) % words.length] + (i % 17 === 16 ? ".\n" : " ");
  text = text.slice(0, bytes);
  const result = await browserFingerprint(text, option("--rounds", 9));
  console.log(`Chromium fingerprint of a ${(bytes / 1e6).toFixed(0)} MB string: ${(bytes / 1e6 / (result.median_ms / 1e3)).toFixed(0)} MB/s (median ${result.median_ms.toFixed(1)} ms; ${result.userAgent})`);
}

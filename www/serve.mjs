#!/usr/bin/env node
// The preview app's static server: www/ at "/", the built npm package pkg/ at "/pkg/".
// Loopback only. `--port 0` picks a free port; the URL is printed on stdout.
//   node www/serve.mjs [--host 127.0.0.1] [--port 8080] [--edge URL]
// --edge URL (or WWW_EDGE): an edge service (examples/edge, `make edge`) the page may call to ask for
// the server's decision; its origin joins the page's connect-src (the page calls nothing else).
import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat, readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
// The sample workspaces are the tests' fixtures: the app reads them from tests/fixtures/samples.
const roots = { www: here, pkg: path.resolve(here, "..", "pkg"), samples: path.resolve(here, "..", "tests", "fixtures", "samples") };

function usage(message) {
  if (message) console.error(`serve: ${message}`);
  console.error("usage: node www/serve.mjs [--host 127.0.0.1] [--port 8080] [--edge URL]   (--port 0 picks a free port)");
  process.exit(2);
}

const options = { host: "127.0.0.1", port: 8080, edge: process.env.WWW_EDGE || undefined };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const [flag, inline] = argv[i].split("=", 2);
  const value = inline ?? argv[++i];
  if (flag === "--host") options.host = value;
  else if (flag === "--port") options.port = Number(value);
  else if (flag === "--edge") options.edge = value;
  else if (flag === "--help" || flag === "-h") usage();
  else usage(`unknown argument ${argv[i]}`);
  if (value === undefined) usage(`${flag} needs a value`);
}
if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) usage("--port must be 0..65535");
let edgeOrigin;
if (options.edge !== undefined) {
  try {
    edgeOrigin = new URL(options.edge).origin;
  } catch {
    usage(`--edge ${options.edge} is not a URL`);
  }
  if (!/^https?:/.test(edgeOrigin)) usage(`--edge ${options.edge} is not an http(s) URL`);
}
// Bound to loopback only: the page is a local preview tool, not a service.
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);
if (!LOOPBACK.has(options.host)) usage(`refusing to listen on ${options.host}: this server binds to 127.0.0.1 (or ::1) only`);
if (options.host === "localhost") options.host = "127.0.0.1";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".md": "text/markdown; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".cts": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

// The page's only inline script is its import map; allow exactly that one by hash.
async function contentSecurityPolicy() {
  const html = await readFile(path.join(roots.www, "index.html"), "utf8").catch(() => "");
  const hashes = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash("sha256").update(m[1]).digest("base64")}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}`.trim(),
    "worker-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${edgeOrigin ? ` ${edgeOrigin}` : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function resolveFile(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  let root = roots.www;
  let rest = decoded;
  if (decoded === "/pkg" || decoded.startsWith("/pkg/")) {
    root = roots.pkg;
    rest = decoded.slice(4) || "/";
  } else if (decoded.startsWith("/samples/")) {
    root = roots.samples;
    rest = decoded.slice(8);
  }
  if (rest.endsWith("/")) rest += "index.html";
  const file = path.resolve(root, "." + path.posix.normalize(rest));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

function send(res, status, text) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(text + "\n");
}

const server = createServer(async (req, res) => {
  const started = Date.now();
  res.on("finish", () => {
    if (process.env.SERVE_LOG) console.log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`);
  });
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    return send(res, 405, "method not allowed");
  }
  const url = new URL(req.url, "http://localhost");
  const file = resolveFile(url.pathname);
  if (!file) return send(res, 400, "bad path");
  let info;
  try {
    info = await stat(file);
  } catch {
    const hint = file.startsWith(roots.pkg) ? " (is pkg/ built? run `make pkg`)" : "";
    return send(res, 404, `not found: ${url.pathname}${hint}`);
  }
  if (info.isDirectory()) {
    res.writeHead(301, { location: url.pathname + "/" });
    return res.end();
  }
  const headers = {
    "content-type": TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": info.size,
    // pkg/ may be rebuilt at any time: never cache.
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
  if (headers["content-type"].startsWith("text/html")) headers["content-security-policy"] = await contentSecurityPolicy();
  res.writeHead(200, headers);
  if (req.method === "HEAD") return res.end();
  createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
});

server.on("error", (error) => {
  console.error(`serve: ${error.code === "EADDRINUSE" ? `port ${options.port} is in use; try PORT=0 or another port` : error.message}`);
  process.exit(1);
});

server.listen(options.port, options.host, () => {
  const { address, port } = server.address();
  const host = address.includes(":") ? `[${address}]` : address;
  console.log(`promotion-rules preview: http://${host}:${port}/`);
  if (edgeOrigin) console.log(`the page may ask the edge service at ${edgeOrigin} (Sync → Server decision)`);
  console.log("Press Ctrl+C to stop.");
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}

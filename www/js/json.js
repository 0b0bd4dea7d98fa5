// JSON helpers: JSON Pointers (RFC 6901), a request inspector that highlights one path, a word diff.

export function parsePointer(pointer) {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function escapeToken(token) {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

/** { found, value } at a pointer. */
export function getAt(root, pointer) {
  let value = root;
  for (const token of Array.isArray(pointer) ? pointer : parsePointer(pointer)) {
    if (value !== null && typeof value === "object" && hasOwn(value, token)) value = value[token];
    else return { found: false, value: undefined };
  }
  return { found: true, value };
}

/** "source › integrations › ticketing-webhook › uses › 1": array indexes named by the item's id or name. */
export function describePointer(root, pointer) {
  const parts = [];
  let value = root;
  for (const token of parsePointer(pointer)) {
    let label = token;
    if (Array.isArray(value) && value[token] && typeof value[token] === "object") {
      const item = value[token];
      if (typeof item.id === "string") label = item.id;
      else if (typeof item.name === "string") label = item.name;
    }
    parts.push(label);
    value = value !== null && typeof value === "object" && hasOwn(value, token) ? value[token] : undefined;
  }
  return parts.length ? parts.join(" › ") : "(the whole request)";
}

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function truncate(s, n) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** One-line summary of a value, for siblings of the highlighted path. */
export function compact(value, max = 90) {
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    return typeof value === "string" ? JSON.stringify(truncate(value, max - 2)) : text;
  }
  const text = JSON.stringify(value);
  if (text.length <= max) return text;
  if (Array.isArray(value)) return `[… ${value.length} item${value.length === 1 ? "" : "s"}]`;
  const label = typeof value.id === "string" ? ["id", value.id] : typeof value.name === "string" ? ["name", value.name] : null;
  const keys = Object.keys(value).length;
  return label ? `{ "${label[0]}": ${JSON.stringify(truncate(label[1], 50))}, … }` : `{… ${keys} key${keys === 1 ? "" : "s"}}`;
}

const WINDOW = 3;
const MAX_TARGET_LINES = 400;

/**
 * HTML (escaped) of `root` pretty-printed around `pointer`: ancestors open, siblings folded,
 * the target in full inside <mark id=markId>. Returns { html, found, foundPointer }.
 */
export function inspectorHtml(root, pointer, markId) {
  const tokens = parsePointer(pointer);
  let depth = 0;
  let cursor = root;
  for (const t of tokens) {
    if (cursor !== null && typeof cursor === "object" && hasOwn(cursor, t)) {
      cursor = cursor[t];
      depth += 1;
    } else break;
  }
  const target = tokens.slice(0, depth);
  const out = [];
  const pad = (n) => "  ".repeat(n);

  function writeTarget(value, indent, prefix, comma) {
    let lines = JSON.stringify(value, null, 2).split("\n");
    let more = 0;
    if (lines.length > MAX_TARGET_LINES) {
      more = lines.length - MAX_TARGET_LINES;
      lines = lines.slice(0, MAX_TARGET_LINES);
    }
    const text = lines.map((line, i) => (i === 0 ? pad(indent) + prefix + line : pad(indent) + line)).join("\n");
    out.push(`<mark id="${markId}">${escapeHtml(text)}${more ? "" : escapeHtml(comma)}</mark>`);
    if (more) out.push(`\n${pad(indent + 1)}<span class="fold">… ${more} more lines</span>`);
    out.push("\n");
  }

  function write(value, level, key, last) {
    const onPath = level <= target.length;
    const prefix = key === null ? "" : `${JSON.stringify(key)}: `;
    const comma = last ? "" : ",";
    if (onPath && level === target.length) return writeTarget(value, level, prefix, comma);
    if (!onPath) {
      const folded = compact(value);
      const cls = value !== null && typeof value === "object" ? ' class="fold"' : "";
      out.push(`${pad(level)}${escapeHtml(prefix)}<span${cls}>${escapeHtml(folded)}</span>${comma}\n`);
      return;
    }
    const isArray = Array.isArray(value);
    out.push(`${pad(level)}${escapeHtml(prefix)}${isArray ? "[" : "{"}\n`);
    const keys = isArray ? value.map((_, i) => String(i)) : Object.keys(value);
    const at = keys.indexOf(target[level]);
    let skipped = 0;
    keys.forEach((k, i) => {
      const far = keys.length > 2 * WINDOW + 4 && Math.abs(i - at) > WINDOW && i !== 0 && i !== keys.length - 1;
      if (far) {
        skipped += 1;
        return;
      }
      if (skipped) {
        out.push(`${pad(level + 1)}<span class="fold">… ${skipped} more</span>\n`);
        skipped = 0;
      }
      if (k === target[level]) write(value[isArray ? i : k], level + 1, isArray ? null : k, i === keys.length - 1);
      else writeSibling(value[isArray ? i : k], level + 1, isArray ? null : k, i === keys.length - 1);
    });
    out.push(`${pad(level)}${isArray ? "]" : "}"}${comma}\n`);
  }

  function writeSibling(value, level, key, last) {
    const prefix = key === null ? "" : `${JSON.stringify(key)}: `;
    const folded = compact(value);
    const cls = value !== null && typeof value === "object" && folded.includes("…") ? ' class="fold"' : "";
    out.push(`${pad(level)}${escapeHtml(prefix)}<span${cls}>${escapeHtml(folded)}</span>${last ? "" : ","}\n`);
  }

  write(root, 0, null, true);
  const foundPointer = target.length ? `/${target.map(escapeToken).join("/")}` : "";
  return { html: out.join(""), found: depth === tokens.length, foundPointer };
}

/** Word-level diff of two strings: [{ type: "same" | "del" | "ins", text }]. Null when too large to diff. */
export function wordDiff(a, b) {
  const x = a.split(/(\s+)/);
  const y = b.split(/(\s+)/);
  const n = x.length;
  const m = y.length;
  if (n * m > 400_000) return null;
  const dp = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i][j] = x[i] === y[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const parts = [];
  const push = (type, text) => {
    const last = parts[parts.length - 1];
    if (last && last.type === type) last.text += text;
    else parts.push({ type, text });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      push("same", x[i]);
      i += 1;
      j += 1;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) {
      push("del", x[i++]);
    } else {
      push("ins", y[j++]);
    }
  }
  while (i < n) push("del", x[i++]);
  while (j < m) push("ins", y[j++]);
  return parts;
}

/** Line and column (1-based) named in a JSON syntax error message, if any. */
export function lineColumnOf(message, text) {
  let match = /line (\d+) column (\d+)/i.exec(message);
  if (match) return { line: Number(match[1]), column: Number(match[2]) };
  match = /position (\d+)/i.exec(message);
  if (match && typeof text === "string") {
    const pos = Number(match[1]);
    const before = text.slice(0, pos).split("\n");
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }
  return null;
}

/** Character offset of a 1-based line and column in text. */
export function offsetOf(text, line, column) {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}

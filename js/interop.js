// The one JavaScript file of the WebAssembly layer: it turns a JS argument into JSON text under the
// documented limits, and builds the errors the module throws. Rust parses the text with its own
// reader (src/json.rs), so object and JSON-string arguments go through the very same reader.

/** The error every bad input throws: `name` "PromotionRulesError", a stable `code` and a JSON Pointer `path`. */
export function promotionRulesError(code, message, path) {
  const error = new Error(message);
  error.name = "PromotionRulesError";
  error.code = code;
  error.path = path;
  return error;
}

function escapeToken(token) {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

// The code of a JS value that is not JSON: INVALID_INPUT, or INVALID_POLICY while a policy is read.
let invalidCode = "INVALID_INPUT";

function invalid(path, message) {
  return promotionRulesError(invalidCode, message, path);
}

const hasWellFormed = typeof String.prototype.isWellFormed === "function";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkString(s, path) {
  if (hasWellFormed ? !s.isWellFormed() : LONE_SURROGATE.test(s)) {
    throw invalid(path, "The string holds a lone UTF-16 surrogate, which is not valid Unicode; fix the text.");
  }
}

function describe(value) {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const proto = Object.getPrototypeOf(value);
  const name = proto && proto.constructor && proto.constructor.name;
  return name ? `a ${name}` : "an exotic object";
}

const encoder = new TextEncoder();

// The text being handed to Rust: `argumentToJson` or `stringValue` sets it, and `argumentWrite`
// copies it into WebAssembly memory, then lets go of it.
let held = "";
let heldAt = 0;

function hold(text) {
  held = text;
  heldAt = 0;
  return text.length;
}

/**
 * Takes the JSON text of a JS argument (see `argumentText`) for `argumentWrite`, and answers its
 * length in UTF-16 units. The text crosses as UTF-8 that `TextEncoder.encodeInto` writes straight
 * into WebAssembly memory: handing a string to Rust would copy it one character at a time in
 * JavaScript, and `encode` would first build a copy outside it. `code` is the code of a value
 * that is not JSON (INVALID_INPUT, or INVALID_POLICY for a policy).
 */
export function argumentToJson(value, stringIsValue, maxDepth, maxBytes, code) {
  invalidCode = code;
  try {
    return hold(argumentText(value, stringIsValue, maxDepth, maxBytes));
  } finally {
    invalidCode = "INVALID_INPUT";
  }
}

/**
 * Writes the held text's UTF-8 bytes, from where the last call stopped, into `memory` at
 * [`at`, `at + capacity`), never splitting a character. Answers the bytes written: 0 once the
 * whole text is written (a capacity of 4 bytes always takes one more character).
 */
export function argumentWrite(memory, at, capacity) {
  if (heldAt === held.length) {
    hold("");
    return 0;
  }
  const rest = heldAt === 0 ? held : held.slice(heldAt);
  const { read, written } = encoder.encodeInto(rest, new Uint8Array(memory.buffer, at, capacity));
  heldAt += read;
  return written;
}

/**
 * Takes a string argument that `fingerprint` hashes as a JSON string value, checked as
 * `argumentText` checks it (lone surrogates, the size limit), for `argumentWrite`, and answers
 * its length; -1 for any other value, which takes the JSON-text path. A long string then skips
 * `JSON.stringify` and the reader.
 */
export function stringValue(value, maxBytes) {
  if (typeof value !== "string") return -1;
  checkString(value, "");
  if (value.length > maxBytes) {
    throw promotionRulesError("LIMIT_EXCEEDED", "The input holds more string content than the limit; send less content at once.", "");
  }
  return hold(value);
}

/**
 * JSON text of a JS argument. A string is taken as JSON text itself (checked for lone surrogates)
 * unless `stringIsValue` (fingerprint hashes the string as a value). Throws PromotionRulesError.
 */
function argumentText(value, stringIsValue, maxDepth, maxBytes) {
  if (typeof value === "string" && !stringIsValue) {
    checkString(value, "");
    if (value.length > maxBytes) {
      throw promotionRulesError("LIMIT_EXCEEDED", `The input is ${value.length} characters, more than the limit of ${maxBytes}; send less content at once.`, "");
    }
    return value;
  }
  if (value === undefined) {
    throw invalid("", "The argument is missing (undefined); pass an object or a JSON string.");
  }
  // Fast path: a walk that only checks, then the engine's own JSON.stringify. When the check
  // passes, `write` below would succeed and write the very same text; when it does not, `write`
  // runs and throws the precise error with its path.
  if (typeof value === "object" && value !== null) {
    let plain = false;
    try {
      plain = isPlainJson(value, 0, maxDepth, { left: maxBytes });
    } catch {
      plain = false;
    }
    if (plain) {
      try {
        return JSON.stringify(value);
      } catch {
        // A getter or Proxy that answered differently on this second read (a BigInt, a cycle,
        // a throw): the precise path reads it again and throws a PromotionRulesError.
      }
    }
  }
  const budget = { left: maxBytes };
  const ancestors = new Set();
  return write(value, "", 0, maxDepth, budget, ancestors);
}

function isWellFormedString(s) {
  return hasWellFormed ? s.isWellFormed() : !LONE_SURROGATE.test(s);
}

/**
 * Whether `write` would accept `value` and write exactly `JSON.stringify(value)`: finite
 * numbers (written as `String(value)` does: `1e+21`, and `-0` as `0`), well-formed strings within the budget, dense arrays, plain objects,
 * no `undefined` array item, no callable `toJSON`, nothing nested past `maxDepth` (which also
 * ends a cycle). Conservative: `false` merely sends the value down the precise path.
 */
function isPlainJson(value, depth, maxDepth, budget) {
  switch (typeof value) {
    case "string":
      budget.left -= value.length;
      return budget.left >= 0 && isWellFormedString(value);
    case "number":
      return Number.isFinite(value);
    case "boolean":
      return true;
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth + 1 > maxDepth || typeof value.toJSON === "function") return false;
  if (Array.isArray(value)) {
    // The length is read once and counted (see writeContainer): a Proxy may claim any length.
    const length = value.length >>> 0;
    budget.left -= length;
    if (budget.left < 0) return false;
    for (let i = 0; i < length; i++) {
      if (!(i in value)) return false;
      const item = value[i];
      if (item === undefined || !isPlainJson(item, depth + 1, maxDepth, budget)) return false;
    }
    return true;
  }
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) {
    const member = value[key];
    if (member === undefined) continue;
    budget.left -= key.length;
    if (budget.left < 0 || !isWellFormedString(key) || !isPlainJson(member, depth + 1, maxDepth, budget)) return false;
  }
  return true;
}

function write(value, path, depth, maxDepth, budget, ancestors) {
  switch (typeof value) {
    case "string":
      checkString(value, path);
      budget.left -= value.length;
      if (budget.left < 0) {
        throw promotionRulesError("LIMIT_EXCEEDED", "The input holds more string content than the limit; send less content at once.", path);
      }
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw invalid(path, `${value} is not a JSON number; send a finite number.`);
      }
      // Every finite number, as JSON.stringify writes it (`-0` as `0`, `1e21` as `1e+21`).
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    case "undefined":
      throw invalid(path, "undefined is not a JSON value; leave the member out or use null.");
    default:
      throw invalid(path, `A ${typeof value} is not a JSON value; send plain data.`);
  }
  if (value === null) return "null";
  if (depth + 1 > maxDepth) {
    throw promotionRulesError("LIMIT_EXCEEDED", `The input nests arrays and objects deeper than ${maxDepth} levels; flatten it.`, path);
  }
  if (ancestors.has(value)) {
    throw invalid(path, "The value contains itself (a cycle), which JSON cannot express; send a tree.");
  }
  ancestors.add(value);
  let out;
  try {
    out = writeContainer(value, path, depth, maxDepth, budget, ancestors);
  } catch (error) {
    if (error && error.name === "PromotionRulesError") throw error;
    throw invalid(path, `Reading this value threw (${error && error.message ? error.message : String(error)}); send plain data.`);
  } finally {
    ancestors.delete(value);
  }
  return out;
}

function isPlainObject(value) {
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return true;
  // A plain object of another realm (an iframe, a vm context) has that realm's Object.prototype.
  return Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(value) === "[object Object]";
}

function writeContainer(value, path, depth, maxDepth, budget, ancestors) {
  let out;
  {
    if (Array.isArray(value)) {
      // Read once (a Proxy may answer a different length on each read, or claim billions of
      // items it does not hold), and counted: every item takes at least one byte of JSON text,
      // so the input limit bounds the walk.
      const length = value.length >>> 0; // an array's length is a uint32; a Proxy's may be anything
      budget.left -= length;
      if (budget.left < 0) {
        throw promotionRulesError("LIMIT_EXCEEDED", `The array has ${length} items, more than the input limit allows; send less content at once.`, path);
      }
      const parts = new Array(length);
      for (let i = 0; i < length; i++) {
        const itemPath = `${path}/${i}`;
        if (!(i in value)) {
          throw invalid(itemPath, "The array has a hole here (a sparse array); fill it or use null.");
        }
        parts[i] = write(read(value, i, itemPath), itemPath, depth + 1, maxDepth, budget, ancestors);
      }
      out = `[${parts.join(",")}]`;
    } else {
      if (!isPlainObject(value)) {
        throw invalid(path, `${describe(value)} is not a plain object; send plain data (convert dates and maps first).`);
      }
      const parts = [];
      for (const key of Object.keys(value)) {
        const memberPath = `${path}/${escapeToken(key)}`;
        const member = read(value, key, memberPath);
        if (member === undefined) continue; // an undefined property counts as absent
        checkString(key, memberPath);
        budget.left -= key.length;
        parts.push(`${JSON.stringify(key)}:${write(member, memberPath, depth + 1, maxDepth, budget, ancestors)}`);
      }
      out = `{${parts.join(",")}}`;
    }
  }
  return out;
}

function read(container, key, path) {
  try {
    return container[key];
  } catch (error) {
    throw invalid(path, `Reading this property threw (${error && error.message ? error.message : String(error)}); send plain data.`);
  }
}

// ---- authorize: the fast path -------------------------------------------------------------------

function isPackable(s) {
  return typeof s === "string" && !s.includes("\0") && isWellFormedString(s);
}

/**
 * `{ packed: "action \0 environment \0 id \0 role \0 …", id, roles }` when `actor` is a plain
 * object with exactly the members `id` (a non-empty string) and `roles` (a dense array of
 * strings), and the names are strings: then the general path would read exactly this. Anything
 * else (or a NUL inside a name) gives `null`, and the general path runs and throws whatever error
 * is due.
 */
function packAuthorization(actor, action, environment, maxBytes) {
  try {
    if (!isPackable(action) || !isPackable(environment)) return null;
    if (typeof actor !== "object" || actor === null || !isPlainObject(actor)) return null;
    const keys = Object.keys(actor);
    if (keys.length !== 2 || !((keys[0] === "id" && keys[1] === "roles") || (keys[0] === "roles" && keys[1] === "id"))) return null;
    const id = actor.id, roles = actor.roles;
    if (!isPackable(id) || id.length === 0 || !Array.isArray(roles) || Object.getPrototypeOf(roles) !== Array.prototype) return null;
    // Each member is read once: what is packed is what is kept (a getter may answer differently).
    const names = new Array(roles.length);
    let size = id.length + 7;
    for (let i = 0; i < roles.length; i++) {
      if (!(i in roles)) return null;
      const role = roles[i];
      if (!isPackable(role)) return null;
      names[i] = role;
      size += role.length;
    }
    if (size > maxBytes) return null;
    const packed = names.length === 0 ? `${action}\0${environment}\0${id}` : `${action}\0${environment}\0${id}\0${names.join("\0")}`;
    return { packed, id, roles: names };
  } catch {
    return null;
  }
}

// Decisions already made, by engine and request: a decision is a function of the engine's policy
// (fixed when it is built) and of the request, so a repeated request is answered from here, as a
// fresh object. Nested maps keyed by the caller's own strings (whose hashes the engine caches):
// engine → action → environment → actor id (or actor JSON text) → [{ roles, template }].
// Bounded: emptied when it holds DECISIONS_MAX decisions.
const DECISIONS_MAX = 4096;
const decisions = new Map(); // actors as objects, by id
const textDecisions = new Map(); // actors as JSON text, by the text
let decisionCount = 0;

function decisionObject(template) {
  if (template.code === undefined) return { allowed: template.allowed, violations: [], warnings: [] };
  const issue = template.hasPath
    ? { code: template.code, message: template.message, path: template.path }
    : { code: template.code, message: template.message };
  return { allowed: false, violations: [issue], warnings: [] };
}

/** The entries kept in `root` for (engine, action, environment, who), or undefined. */
function entriesOf(root, engine, action, environment, who) {
  return root.get(engine)?.get(action)?.get(environment)?.get(who);
}

/** The template kept for an actor `{ id, roles }` of exactly that shape, or undefined. */
function knownDecision(engine, actor, action, environment) {
  // The shapes `packAuthorization` accepts, so that whatever was kept is found again.
  if (typeof actor !== "object" || actor === null || !isPlainObject(actor)) return undefined;
  const keys = Object.keys(actor);
  if (keys.length !== 2 || !((keys[0] === "id" && keys[1] === "roles") || (keys[0] === "roles" && keys[1] === "id"))) return undefined;
  const id = actor.id, roles = actor.roles;
  if (typeof id !== "string" || !Array.isArray(roles) || Object.getPrototypeOf(roles) !== Array.prototype) return undefined;
  const entries = entriesOf(decisions, engine, action, environment, id);
  if (entries === undefined) return undefined;
  // Equal strings to the ones of a request that was checked are as good as checked.
  next: for (const entry of entries) {
    if (entry.roles.length !== roles.length) continue;
    for (let i = 0; i < roles.length; i++) if (entry.roles[i] !== roles[i]) continue next;
    return entry.template;
  }
  return undefined;
}

/**
 * For `authorize`: the answer when the engine `engine` has decided this very request before.
 * Otherwise: the packed request (a non-empty string) for the engine's fast path; `""` when the
 * actor is JSON text (the engine reads it on the general path); after either the engine calls
 * `rememberDecision` with its decision. `null` when the request is neither: the general path
 * runs and nothing is kept.
 */
export function authorizeCached(engine, actor, action, environment, maxBytes) {
  if (typeof actor === "string") {
    // An actor as JSON text decides the same way every time it is the same text.
    if (!isPackable(action) || !isPackable(environment) || actor.length > 4096) return null;
    const entries = entriesOf(textDecisions, engine, action, environment, actor);
    if (entries !== undefined) return decisionObject(entries[0].template);
    pending = { root: textDecisions, engine, action, environment, who: actor, roles: null };
    return "";
  }
  try {
    const known = knownDecision(engine, actor, action, environment);
    if (known !== undefined) return decisionObject(known);
  } catch {
    // A throwing getter: the general path reports it.
  }
  const request = packAuthorization(actor, action, environment, maxBytes);
  if (request === null) return null;
  pending = { root: decisions, engine, action, environment, who: request.id, roles: request.roles };
  return request.packed;
}

// The request `authorizeCached` just handed to the engine: the engine decides it synchronously
// and calls `rememberDecision` next, so the request need not cross back.
let pending = null;

function keep(request, template) {
  if (decisionCount >= DECISIONS_MAX) {
    decisions.clear();
    textDecisions.clear();
    decisionCount = 0;
  }
  const level = (map, key) => {
    let inner = map.get(key);
    if (inner === undefined) map.set(key, (inner = new Map()));
    return inner;
  };
  const byActor = level(level(level(request.root, request.engine), request.action), request.environment);
  let entries = byActor.get(request.who);
  if (entries === undefined) byActor.set(request.who, (entries = []));
  entries.push({ roles: request.roles, template });
  decisionCount++;
}

/** Keeps the decision of the pending request and answers it: `packed` is `code \0 path \0 message` or "". */
export function rememberDecision(allowed, packed, hasPath) {
  let template;
  if (packed === "") {
    template = { allowed };
  } else {
    const a = packed.indexOf("\0");
    const b = packed.indexOf("\0", a + 1);
    template = { allowed: false, code: packed.slice(0, a), path: packed.slice(a + 1, b), message: packed.slice(b + 1), hasPath };
  }
  if (pending !== null) {
    keep(pending, template);
    pending = null;
  }
  return decisionObject(template);
}

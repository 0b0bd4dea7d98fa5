// The one JavaScript file of the WebAssembly layer: it turns a JS argument into JSON text under the
// documented limits, and builds the errors the module throws. Rust parses the text with serde_json,
// so object and JSON-string arguments go through the very same reader.

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

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

function invalid(path, message) {
  return promotionRulesError("INVALID_INPUT", message, path);
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

/**
 * JSON text of a JS argument. A string is taken as JSON text itself (checked for lone surrogates)
 * unless `stringIsValue` (fingerprint hashes the string as a value). Throws PromotionRulesError.
 */
export function argumentToJson(value, stringIsValue, maxDepth, maxBytes) {
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
  const budget = { left: maxBytes };
  const ancestors = new Set();
  return write(value, "", 0, maxDepth, budget, ancestors);
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
      if (Object.is(value, -0)) {
        throw invalid(path, "-0 has no JSON form distinct from 0; send 0.");
      }
      if (Math.abs(value) > MAX_SAFE) {
        throw invalid(path, `The number ${value} is beyond ±(2^53 − 1), where a JavaScript number is no longer exact; send it as a string.`);
      }
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
      const parts = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
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

// Shared helpers of the JS end-to-end suites: the sample workspaces, the people of their story,
// and short ways to assert errors and plain answers. Copied next to the tests by scripts/test-js.mjs.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import canonicalize from "canonicalize";

export const CHAIN = ["dev", "test", "uat", "staging", "production"];
export const PROMOTED = ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"];
export const LOCAL = ["conversations", "analytics", "evaluators", "guardrails", "issues", "secrets"];

/** The JSON text of a sample workspace (tests/fixtures/samples/<env>.json, copied into ./samples). */
export function sampleText(env) {
  return readFileSync(new URL(`./samples/${env}.json`, import.meta.url), "utf8");
}

/** A fresh copy of a sample workspace. */
export function sample(env) {
  return JSON.parse(sampleText(env));
}

export const dana = () => ({ id: "dana", roles: ["developer"] });
export const quinn = () => ({ id: "quinn", roles: ["qa"] });
export const bea = () => ({ id: "bea", roles: ["business"] });
export const omar = () => ({ id: "omar", roles: ["devops"] });
export const ada = () => ({ id: "ada", roles: ["admin"] });
export const PEOPLE = { dana, quinn, bea, omar, ada };

/** Who syncs out of an environment under the default policy. */
export function ownerOf(env) {
  return { dev: dana, test: quinn, uat: bea, staging: omar }[env]();
}

/** The independent fingerprint: "sha256:" + hex SHA-256 of the RFC 8785 canonical JSON. */
export function jcsFingerprint(value) {
  return "sha256:" + createHash("sha256").update(canonicalize(value)).digest("hex");
}

/** The error a call throws; asserts it is a PromotionRulesError with this code and path. */
export function throwsPromotionRulesError(call, code, path) {
  let error;
  try {
    call();
  } catch (caught) {
    error = caught;
  }
  assert.ok(error !== undefined, `expected ${code} at ${JSON.stringify(path)}, but the call returned`);
  assert.ok(error instanceof Error, "the error is an Error");
  assert.equal(error.name, "PromotionRulesError", `name of ${error}`);
  assert.equal(error.code, code, `code of ${error.message}`);
  if (path !== undefined) assert.equal(error.path, path, `path of ${error.message}`);
  assert.equal(typeof error.message, "string");
  assert.ok(error.message.length > 0, "the error has a message");
  return error;
}

/** code and path of what a call throws (or "returned" when it does not throw). */
export function outcome(call) {
  try {
    return { returned: call() };
  } catch (error) {
    return { name: error.name, code: error.code, path: error.path, isError: error instanceof Error };
  }
}

/** Asserts a value is plain JSON data: plain prototypes, no Map/Set/undefined, JSON round trip. */
export function assertPlain(value, where = "") {
  assert.deepStrictEqual(JSON.parse(JSON.stringify(value)), value, `JSON round trip at ${where}`);
  assert.deepStrictEqual(structuredClone(value), value, `structuredClone at ${where}`);
  (function walk(v, path) {
    if (v === null) return;
    switch (typeof v) {
      case "string":
      case "boolean":
        return;
      case "number":
        assert.ok(Number.isFinite(v) && !Object.is(v, -0), `finite number at ${path}`);
        return;
      case "object":
        break;
      default:
        assert.fail(`${typeof v} at ${path}`);
    }
    assert.ok(!(v instanceof Map) && !(v instanceof Set), `Map/Set at ${path}`);
    if (Array.isArray(v)) {
      assert.equal(Object.getPrototypeOf(v), Array.prototype, `array prototype at ${path}`);
      v.forEach((item, i) => walk(item, `${path}/${i}`));
    } else {
      assert.equal(Object.getPrototypeOf(v), Object.prototype, `object prototype at ${path}`);
      assert.deepEqual(Object.getOwnPropertySymbols(v), [], `symbol keys at ${path}`);
      for (const key of Object.keys(v)) {
        const descriptor = Object.getOwnPropertyDescriptor(v, key);
        assert.ok("value" in descriptor, `accessor at ${path}/${key}`);
        walk(v[key], `${path}/${key}`);
      }
    }
  })(value, where);
}

/** The index of an item (variables and secrets by name). */
export function indexOf(workspace, kind, id) {
  const key = kind === "variables" || kind === "secrets" ? "name" : "id";
  const i = workspace[kind].findIndex((item) => item[key] === id);
  assert.ok(i >= 0, `no ${kind}/${id}`);
  return i;
}

export function item(workspace, kind, id) {
  return workspace[kind][indexOf(workspace, kind, id)];
}

/** The target after an allowed sync: the payload's promoted kinds, its own local kinds. */
export function afterSync(target, payload) {
  const next = structuredClone(target);
  for (const kind of PROMOTED) next[kind] = structuredClone(payload[kind]);
  return next;
}

export const codes = (issues) => issues.map((issue) => issue.code);
export const pairs = (issues) => issues.map((issue) => [issue.code, issue.path]);

// What crosses the boundary: JSON strings and objects give the same answers (and the same errors),
// answers are plain data, bad input throws a PromotionRulesError with a code and a path, hostile
// JS values are refused, the depth limit is 128, and a denial never throws.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { PromotionRules, defaultPolicy, diffWorkspaces, filterContent, fingerprint } from "promotion-rules";
import { ada, assertPlain, bea, dana, jcsFingerprint, omar, outcome, quinn, sample, sampleText, throwsPromotionRulesError } from "./helpers.mjs";

const rules = new PromotionRules();
const text = JSON.stringify;

/** Every method, with its object arguments: [name, args, call(args)]. */
function calls() {
  const dev = sample("dev");
  const test = sample("test");
  const production = sample("production");
  const hotfixed = structuredClone(production);
  hotfixed.agents[2].tone = "reassuring";
  const edited = structuredClone(dev);
  edited.agents[0].tone = "cheerful";
  const base = rules.planSync({ actor: omar(), from: "staging", to: "production", source: sample("staging"), target: production }).manifest;
  return [
    ["filterContent", [dev], (w) => filterContent(w)],
    ["diffWorkspaces", [test, dev], (a, b) => diffWorkspaces(a, b)],
    ["authorize (allowed)", [dana()], (actor) => rules.authorize(actor, "sync", "dev")],
    ["authorize (denied)", [quinn()], (actor) => rules.authorize(actor, "publish", "production")],
    ["checkEdit", [{ actor: dana(), environment: "dev", before: dev, after: edited }], (r) => rules.checkEdit(r)],
    ["checkEdit (denied)", [{ actor: bea(), environment: "dev", before: dev, after: edited }], (r) => rules.checkEdit(r)],
    ["planSync", [{ actor: dana(), from: "dev", to: "test", source: dev, target: test }], (r) => rules.planSync(r)],
    ["planSync (denied)", [{ actor: quinn(), from: "dev", to: "uat", source: dev, target: test, acknowledge: ["agents/x"] }], (r) => rules.planSync(r)],
    ["planPublish (go-live)", [{ actor: ada(), workspace: production, live: sample("staging"), base }], (r) => rules.planPublish(r)],
    ["planPublish (hotfix)", [{ actor: ada(), workspace: hotfixed, base, hotfix: { reason: "outage" } }], (r) => rules.planPublish(r)],
    ["planPublish (undeclared)", [{ actor: ada(), workspace: hotfixed, base }], (r) => rules.planPublish(r)],
  ];
}

/** Every combination of object / JSON-string forms of the arguments. */
function forms(args) {
  let all = [[]];
  for (const arg of args) all = all.flatMap((prefix) => [[...prefix, arg], [...prefix, text(arg)]]);
  return all;
}

describe("a JSON string and an object give the same answer", () => {
  for (const [name, args, call] of calls()) {
    test(name, () => {
      const [objects, ...others] = forms(args);
      const expected = call(...objects);
      for (const form of others) assert.deepStrictEqual(call(...form), expected, `${name} with ${form.map((a) => typeof a).join(", ")}`);
    });
  }

  test("new PromotionRules(policy)", () => {
    const policy = { environments: ["dev", "uat", "production"], roles: { r: { UAT: ["sync"], dev: ["edit", "sync"] } }, noSelfPromotion: ["uat"] };
    const fromObject = new PromotionRules(policy);
    const fromText = new PromotionRules(text(policy));
    assert.deepStrictEqual(fromText.policy, fromObject.policy);
    assert.equal(fromText.policyFingerprint, fromObject.policyFingerprint);
    assert.deepStrictEqual(fromText.environments, fromObject.environments);
    const request = { actor: { id: "r", roles: ["r"] }, from: "dev", to: "uat", source: sample("dev") };
    assert.deepStrictEqual(fromText.planSync(request), fromObject.planSync(request));
  });

  test("a sample read as text and as an object", () => {
    assert.deepStrictEqual(filterContent(sampleText("uat")), filterContent(sample("uat")));
  });
});

describe("the same errors from a JSON string and an object (code and path)", () => {
  let deep = 0;
  for (let i = 0; i < 127; i++) deep = [deep]; // the workspace is level 1, analytics 2: 2 + 127 = 129
  /** [name, call(arg), argument as an object, expected code, expected path] */
  const cases = [
    ["wrong type of a kind", filterContent, { agents: "x" }, "INVALID_INPUT", "/agents"],
    ["wrong type of an id", filterContent, { agents: [{ id: 7 }] }, "INVALID_INPUT", "/agents/0/id"],
    ["duplicate item ids", filterContent, { channels: [{ id: "w" }, { id: "w" }] }, "INVALID_INPUT", "/channels/1/id"],
    ["duplicate variable names", filterContent, { variables: [{ name: "A", type: "string" }, { name: "A", type: "string" }] }, "INVALID_INPUT", "/variables/1/name"],
    ["not an object", filterContent, [1, 2], "INVALID_INPUT", ""],
    ["depth 129", filterContent, { analytics: [deep] }, "LIMIT_EXCEEDED", "/analytics/0" + "/0".repeat(126)],
    ["unknown environment", (r) => rules.planSync(r), { actor: dana(), from: "dev", to: "moon", source: {} }, "INVALID_INPUT", "/to"],
    ["unknown environment of an edit", (r) => rules.checkEdit(r), { actor: dana(), environment: "prod", before: {}, after: {} }, "INVALID_INPUT", "/environment"],
    ["missing actor", (r) => rules.planPublish(r), { workspace: {} }, "INVALID_INPUT", "/actor"],
    ["roles not a list", (r) => rules.planPublish(r), { actor: { id: "a", roles: "admin" }, workspace: {} }, "INVALID_INPUT", "/actor/roles"],
    ["duplicate ids in a sync target", (r) => rules.planSync(r), { actor: dana(), from: "dev", to: "test", source: {}, target: { agents: [{ id: "a" }, { id: "a" }] } }, "INVALID_INPUT", "/target/agents/1/id"],
    ["a bad uses kind", (r) => rules.planSync(r), { actor: dana(), from: "dev", to: "test", source: { agents: [{ id: "a", uses: [{ kind: "conversations", id: "c" }] }] } }, "INVALID_INPUT", "/source/agents/0/uses/0/kind"],
    ["an actor of authorize", (actor) => rules.authorize(actor, "sync", "dev"), { id: "a", roles: [5] }, "INVALID_INPUT", "/actor/roles/0"],
    ["an invalid policy", (p) => new PromotionRules(p), { roles: { r: { dev: ["teleport"] } } }, "INVALID_POLICY", "/roles/r/dev/0"],
    ["before of a diff", (w) => diffWorkspaces(w, {}), { workflows: {} }, "INVALID_INPUT", "/before/workflows"],
    ["after of a diff", (w) => diffWorkspaces({}, w), { workflows: [{}] }, "INVALID_INPUT", "/after/workflows/0/id"],
  ];
  for (const [name, call, arg, code, path] of cases) {
    test(name, () => {
      const fromObject = throwsPromotionRulesError(() => call(arg), code, path);
      const fromText = throwsPromotionRulesError(() => call(text(arg)), code, path);
      assert.equal(fromText.code, fromObject.code);
      assert.equal(fromText.path, fromObject.path);
    });
  }

  test("a number that JSON.parse reads as Infinity is refused; 2^53 + 1 is read as JSON.parse reads it", () => {
    throwsPromotionRulesError(() => filterContent('{"analytics":[1e400]}'), "INVALID_INPUT", "/analytics/0");
    const text = '{"agents":[{"id":"a","n":9007199254740993}]}';
    assert.deepStrictEqual(filterContent(text), filterContent(JSON.parse(text)));
    assert.equal(filterContent(text).payload.agents[0].n, 2 ** 53);
  });

  test("-0 in JSON text reads as 0: answers never hold -0", () => {
    const fromText = filterContent('{"agents":[{"id":"a","x":-0,"y":-0.0,"z":-0e5}]}');
    assert.deepStrictEqual(fromText, filterContent({ agents: [{ id: "a", x: 0, y: 0, z: 0 }] }));
    assertPlain(fromText);
  });

  test("the largest safe integers are fine", () => {
    for (const n of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      assert.deepEqual(filterContent({ analytics: { n } }).excluded, { analytics: 1 });
      assert.deepEqual(filterContent(`{"analytics":{"n":${n}}}`).excluded, { analytics: 1 });
    }
  });
});

describe("answers are plain data", () => {
  test("every method", () => {
    assertPlain(defaultPolicy(), "defaultPolicy");
    assertPlain(rules.policy, "policy");
    assertPlain(rules.environments, "environments");
    for (const [name, args, call] of calls()) assertPlain(call(...args), name);
  });

  test("an answer is not shared: changing it changes nothing else", () => {
    const first = filterContent(sample("dev"));
    first.payload.agents.length = 0;
    assert.ok(filterContent(sample("dev")).payload.agents.length > 0);
  });
});

describe("bad input throws a PromotionRulesError", () => {
  const hostile = (value) => ({ agents: [{ id: "a", value }] });
  test("malformed JSON", () => {
    for (const bad of ["{not json", "", "{", '{"a":1,}', "[1,2", "nul", '{"a":1} trailing', "'single'"]) {
      throwsPromotionRulesError(() => filterContent(bad), "INVALID_INPUT", "");
      throwsPromotionRulesError(() => rules.planSync(bad), "INVALID_INPUT", "");
    }
  });

  test("duplicate keys in a JSON string, at any depth (I-JSON)", () => {
    throwsPromotionRulesError(() => filterContent('{"agents":[],"agents":[]}'), "INVALID_INPUT", "/agents");
    throwsPromotionRulesError(() => filterContent('{"agents":[{"id":"a","x":{"k":1,"k":2}}]}'), "INVALID_INPUT", "/agents/0/x/k");
    throwsPromotionRulesError(() => rules.planSync('{"actor":{"id":"a","id":"b","roles":[]},"from":"dev","to":"test","source":{}}'), "INVALID_INPUT", "/actor/id");
    throwsPromotionRulesError(() => rules.authorize('{"id":"a","roles":[],"roles":[]}', "sync", "dev"), "INVALID_INPUT", "/actor/roles");
    // Escapes do not hide a duplicate.
    throwsPromotionRulesError(() => filterContent('{"analytics":{"a":1,"\\u0061":2}}'), "INVALID_INPUT");
  });

  test("wrong types", () => {
    throwsPromotionRulesError(() => rules.planSync({ actor: dana(), from: 1, to: "test", source: {} }), "INVALID_INPUT", "/from");
    throwsPromotionRulesError(() => rules.planSync({ actor: dana(), from: "dev", to: "test", source: "{}" }), "INVALID_INPUT", "/source");
    throwsPromotionRulesError(() => rules.checkEdit({ actor: dana(), environment: "dev", before: {}, after: {}, hotfix: "yes" }), "INVALID_INPUT", "/hotfix");
    throwsPromotionRulesError(() => filterContent({ variables: [{ name: "A", type: "number", usage: "x" }] }), "INVALID_INPUT", "/variables/0/usage");
    throwsPromotionRulesError(() => filterContent(42), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => filterContent(true), "INVALID_INPUT", "");
  });

  test("unknown environment", () => {
    throwsPromotionRulesError(() => rules.authorize(dana(), "sync", "qa"), "INVALID_INPUT", "/environment");
    throwsPromotionRulesError(() => rules.planSync({ actor: dana(), from: "development", to: "test", source: {} }), "INVALID_INPUT", "/from");
  });

  test("duplicate item ids", () => {
    throwsPromotionRulesError(() => rules.planSync({ actor: dana(), from: "dev", to: "test", source: { knowledgeBase: [{ id: "k" }, { id: "x" }, { id: "k" }] } }), "INVALID_INPUT", "/source/knowledgeBase/2/id");
  });

  const values = [
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["-Infinity", -Infinity],
    ["BigInt", 10n],
    ["a function", () => 1],
    ["a symbol", Symbol("s")],
    ["a Date", new Date(0)],
    ["a Map", new Map([["a", 1]])],
    ["a Set", new Set([1])],
    ["a RegExp", /x/],
    ["a boxed string", Object("s")],
    ["a typed array", new Uint8Array(2)],
    ["a class instance", new (class Point { x = 1; })()],
  ];
  for (const [name, value] of values) {
    test(`${name} in an object argument is INVALID_INPUT at its path`, () => {
      throwsPromotionRulesError(() => filterContent(hostile(value)), "INVALID_INPUT", "/agents/0/value");
      throwsPromotionRulesError(() => rules.planSync({ actor: dana(), from: "dev", to: "test", source: hostile(value) }), "INVALID_INPUT", "/source/agents/0/value");
      throwsPromotionRulesError(() => diffWorkspaces({}, hostile(value)), "INVALID_INPUT", "/after/agents/0/value");
      throwsPromotionRulesError(() => fingerprint(hostile(value)), "INVALID_INPUT", "/agents/0/value");
    });
  }

  test("a cycle", () => {
    const workspace = { agents: [{ id: "a", child: {} }] };
    workspace.agents[0].child.parent = workspace;
    throwsPromotionRulesError(() => filterContent(workspace), "INVALID_INPUT", "/agents/0/child/parent");
    const list = [];
    list.push(list);
    throwsPromotionRulesError(() => fingerprint(list), "INVALID_INPUT", "/0");
    // A shared (not cyclic) object is fine.
    const shared = { id: "s" };
    assert.deepEqual(fingerprint({ a: shared, b: shared }), fingerprint({ a: { id: "s" }, b: { id: "s" } }));
  });

  test("a sparse array", () => {
    // eslint-disable-next-line no-sparse-arrays
    throwsPromotionRulesError(() => filterContent({ agents: [{ id: "a" }, , { id: "b" }] }), "INVALID_INPUT", "/agents/1");
    throwsPromotionRulesError(() => fingerprint(new Array(3)), "INVALID_INPUT", "/0");
  });

  test("a getter that throws", () => {
    const item = { id: "a" };
    Object.defineProperty(item, "tone", { enumerable: true, get() { throw new Error("boom"); } });
    const error = throwsPromotionRulesError(() => filterContent({ agents: [item] }), "INVALID_INPUT", "/agents/0/tone");
    assert.ok(error.message.includes("boom"));
    const proxy = new Proxy({}, { ownKeys() { throw new Error("no keys"); } });
    throwsPromotionRulesError(() => filterContent({ analytics: proxy }), "INVALID_INPUT", "/analytics");
  });

  test("undefined: in an array it is refused, as a property it counts as absent", () => {
    throwsPromotionRulesError(() => filterContent({ agents: [{ id: "a" }, undefined] }), "INVALID_INPUT", "/agents/1");
    throwsPromotionRulesError(() => fingerprint([1, undefined]), "INVALID_INPUT", "/1");
    assert.deepEqual(filterContent({ agents: [{ id: "a", tone: undefined }], channels: undefined }), filterContent({ agents: [{ id: "a" }] }));
    assert.equal(fingerprint({ a: 1, b: undefined }), fingerprint({ a: 1 }));
    const plan = rules.planSync({ actor: dana(), from: "dev", to: "test", source: {}, target: undefined, base: undefined });
    assert.equal(plan.allowed, true);
  });

  test("a missing argument", () => {
    throwsPromotionRulesError(() => filterContent(), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => rules.planSync(), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => rules.checkEdit(), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => rules.planPublish(), "INVALID_INPUT", "");
  });

  test("a lone surrogate", () => {
    throwsPromotionRulesError(() => filterContent({ agents: [{ id: "a", name: "\uD800" }] }), "INVALID_INPUT", "/agents/0/name");
    throwsPromotionRulesError(() => fingerprint({ ["\uDC00"]: 1 }), "INVALID_INPUT");
  });
});

describe("nesting depth: 128 levels pass, 129 throw LIMIT_EXCEEDED", () => {
  const nest = (levels) => {
    let value = 0;
    for (let i = 0; i < levels; i++) value = i % 2 ? { d: value } : [value];
    return value;
  };
  test("fingerprint (the argument's root counts)", () => {
    assert.match(fingerprint(nest(128)), /^sha256:/);
    const error = throwsPromotionRulesError(() => fingerprint(nest(129)), "LIMIT_EXCEEDED");
    assert.equal(error.path.split("/").length - 1, 128);
    assert.equal(fingerprint(nest(128)), fingerprint(JSON.parse(text(nest(128)))));
  });
  test("filterContent, as an object and as JSON text", () => {
    // The workspace is level 1, analytics level 2.
    const ok = { analytics: nest(127) };
    const tooDeep = { analytics: nest(128) };
    assert.deepEqual(filterContent(ok).excluded, { analytics: 1 });
    assert.deepEqual(filterContent(text(ok)).excluded, { analytics: 1 });
    const fromObject = throwsPromotionRulesError(() => filterContent(tooDeep), "LIMIT_EXCEEDED");
    const fromText = throwsPromotionRulesError(() => filterContent(text(tooDeep)), "LIMIT_EXCEEDED");
    assert.equal(fromText.path, fromObject.path);
    assert.ok(fromObject.path.startsWith("/analytics/"));
  });
  test("a request counts from its root", () => {
    const request = (levels) => ({ actor: dana(), from: "dev", to: "test", source: { analytics: nest(levels) } });
    assert.equal(rules.planSync(request(126)).allowed, true);
    throwsPromotionRulesError(() => rules.planSync(request(127)), "LIMIT_EXCEEDED");
    throwsPromotionRulesError(() => rules.planSync(text(request(127))), "LIMIT_EXCEEDED");
  });
  test("very deep input neither crashes nor traps", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    throwsPromotionRulesError(() => filterContent(`{"analytics":${deep}}`), "LIMIT_EXCEEDED");
    let value = 1;
    for (let i = 0; i < 50_000; i++) value = [value];
    throwsPromotionRulesError(() => fingerprint(value), "LIMIT_EXCEEDED");
    assert.equal(rules.authorize(dana(), "sync", "dev").allowed, true);
  });
});

describe("__proto__ keys are plain data", () => {
  test("from a JSON string and from an object, without polluting Object.prototype", () => {
    const textual = '{"__proto__":{"polluted":true},"agents":[{"id":"a","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}]}';
    const object = JSON.parse(textual); // JSON.parse makes own "__proto__" properties
    assert.ok(Object.hasOwn(object, "__proto__"));
    for (const arg of [textual, object]) {
      const { payload, excluded, warnings } = filterContent(arg);
      assert.equal({}.polluted, undefined);
      assert.equal(Object.prototype.polluted, undefined);
      assert.ok(Object.hasOwn(excluded, "__proto__"), "the unknown kind is counted as an own key");
      assert.equal(excluded.__proto__, 1);
      assert.equal(Object.getPrototypeOf(excluded), Object.prototype);
      assert.deepEqual(warnings.map((w) => w.path), ["/__proto__"]);
      const agent = payload.agents[0];
      assert.ok(Object.hasOwn(agent, "__proto__"), "the item keeps its __proto__ member as data");
      assert.equal(Object.getPrototypeOf(agent), Object.prototype);
      assert.deepEqual(Object.getOwnPropertyDescriptor(agent, "__proto__").value, JSON.parse('{"polluted":true}'));
      assert.equal(agent.polluted, undefined);
    }
    const plan = rules.planSync({ actor: dana(), from: "dev", to: "test", source: object });
    assert.equal({}.polluted, undefined);
    assert.ok(Object.hasOwn(plan.payload.agents[0], "__proto__"));
    assert.equal(fingerprint(object), jcsFingerprint(object));
  });

  test("a __proto__ key is hashed like any other key", () => {
    const withProto = JSON.parse('{"__proto__":1,"a":2}');
    assert.equal(fingerprint(withProto), "sha256:" + createHash("sha256").update('{"__proto__":1,"a":2}').digest("hex"));
    assert.equal(fingerprint(withProto), jcsFingerprint(withProto));
  });
});

describe("a denial never throws", () => {
  test("every kind of denial is an answer with code, message and path", () => {
    const production = sample("production");
    const hotfixed = structuredClone(production);
    hotfixed.agents[0].tone = "x";
    const denials = [
      rules.authorize(quinn(), "sync", "dev"),
      rules.authorize({ id: "nobody", roles: [] }, "edit", "dev"),
      rules.planSync({ actor: quinn(), from: "dev", to: "test", source: sample("dev") }),
      rules.planSync({ actor: dana(), from: "dev", to: "uat", source: {} }),
      rules.planSync({ actor: dana(), from: "dev", to: "test", source: { integrations: [{ id: "i", password: "hunter2" }] } }),
      rules.checkEdit({ actor: quinn(), environment: "test", before: sample("test"), after: sample("dev") }),
      rules.planPublish({ actor: dana(), workspace: production }),
      rules.planPublish({ actor: ada(), workspace: hotfixed, base: rules.planSync({ actor: omar(), from: "staging", to: "production", source: sample("production"), target: production }).manifest }),
    ];
    for (const decision of denials) {
      assert.equal(decision.allowed, false);
      assert.ok(decision.violations.length > 0);
      for (const violation of decision.violations) {
        assert.match(violation.code, /^[A-Z_]+$/);
        assert.equal(typeof violation.message, "string");
        assert.ok(violation.message.length > 10, violation.message);
        assert.equal(typeof violation.path, "string");
        assert.ok(violation.path === "" || violation.path.startsWith("/"), violation.path);
      }
      assert.ok(Array.isArray(decision.warnings));
      if (decision.audit) {
        assert.equal(decision.audit.allowed, false);
        for (const code of decision.violations.map((v) => v.code)) assert.ok(decision.audit.codes.includes(code));
      }
    }
  });

  test("outcome() of a denial is an answer, of bad input an error", () => {
    assert.ok("returned" in outcome(() => rules.authorize(quinn(), "sync", "dev")));
    assert.equal(outcome(() => rules.authorize(quinn(), "sync", "mars")).code, "INVALID_INPUT");
  });
});

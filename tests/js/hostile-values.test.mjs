// Hostile JavaScript values at every entry point that takes an object, each with its expected
// error (code and JSON Pointer path); Proxy objects (throwing traps, transparent, revoked, lying);
// integers beyond 2^53 and duplicate keys in JSON text at every entry point; keys __proto__,
// constructor and prototype as plain data in every kind of answer.
//
// input.test.mjs covers the basic cases for filterContent / planSync source / diffWorkspaces after /
// fingerprint; this file puts every hostile value at every other place an object enters (a request's
// target, base, before/after, workspace/live, an actor, a policy) and adds what it does not cover.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import vm from "node:vm";
import { PromotionRules, diffWorkspaces, filterContent, fingerprint } from "promotion-rules";
import { ada, assertPlain, dana, jcsFingerprint, omar, sample, throwsPromotionRulesError } from "./helpers.mjs";

const rules = new PromotionRules();
const text = JSON.stringify;

/**
 * Every place an object enters the module: [name, call(hole), path of the hole, error code].
 * `call` builds an argument with `hole` as one member (named "v") somewhere inside it.
 */
const PLACES = [
  ["filterContent(workspace)", (v) => filterContent({ channels: [{ id: "c", v }] }), "/channels/0/v", "INVALID_INPUT"],
  ["fingerprint(value)", (v) => fingerprint({ a: [1, { v }] }), "/a/1/v", "INVALID_INPUT"],
  ["diffWorkspaces(before)", (v) => diffWorkspaces({ analytics: { v } }, {}), "/before/analytics/v", "INVALID_INPUT"],
  ["planSync target", (v) => rules.planSync({ actor: dana(), from: "dev", to: "test", source: {}, target: { workflows: [{ id: "w", v }] } }), "/target/workflows/0/v", "INVALID_INPUT"],
  ["planSync base", (v) => rules.planSync({ actor: dana(), from: "dev", to: "test", source: {}, base: { agents: { v } } }), "/base/agents/v", "INVALID_INPUT"],
  ["planSync actor", (v) => rules.planSync({ actor: { ...dana(), v }, from: "dev", to: "test", source: {} }), "/actor/v", "INVALID_INPUT"],
  ["checkEdit before", (v) => rules.checkEdit({ actor: dana(), environment: "dev", before: { issues: [{ v }] }, after: {} }), "/before/issues/0/v", "INVALID_INPUT"],
  ["checkEdit after", (v) => rules.checkEdit({ actor: dana(), environment: "dev", before: {}, after: { variables: [{ name: "A", type: "json", defaultValue: { v } }] } }), "/after/variables/0/defaultValue/v", "INVALID_INPUT"],
  ["planPublish workspace", (v) => rules.planPublish({ actor: ada(), workspace: { integrations: [{ id: "i", v }] } }), "/workspace/integrations/0/v", "INVALID_INPUT"],
  ["planPublish live", (v) => rules.planPublish({ actor: ada(), workspace: {}, live: { secrets: [{ name: "S", v }] } }), "/live/secrets/0/v", "INVALID_INPUT"],
  ["planPublish hotfix", (v) => rules.planPublish({ actor: ada(), workspace: {}, hotfix: { reason: "outage", v } }), "/hotfix/v", "INVALID_INPUT"],
  ["authorize(actor)", (v) => rules.authorize({ id: "x", roles: ["admin"], v }, "hotfix", "production"), "/actor/v", "INVALID_INPUT"],
  // A policy's bad input is INVALID_POLICY (LIMIT_EXCEEDED stays what it is).
  ["new PromotionRules(policy)", (v) => new PromotionRules({ roles: { r: { dev: ["sync"] } }, v }), "/v", "INVALID_POLICY"],
];

/** A getter that throws, on a plain object. */
function throwingGetter() {
  const o = { before: 1 };
  Object.defineProperty(o, "g", { enumerable: true, get() { throw new Error("boom"); } });
  return o;
}

/**
 * Hostile values: [name, make() → the value to put in the hole, path suffix inside it, message pattern].
 * The expected error is INVALID_INPUT (INVALID_POLICY in a policy) at place path + suffix.
 */
const HOSTILE = [
  ["NaN", () => NaN, "", /not a JSON number/],
  ["Infinity", () => Infinity, "", /not a JSON number/],
  ["-Infinity", () => -Infinity, "", /not a JSON number/],
  ["a BigInt", () => 12n, "", /bigint/],
  ["a symbol", () => Symbol("s"), "", /symbol/],
  ["a function", () => function f() {}, "", /function/],
  ["an arrow function inside an array", () => [1, () => 2], "/1", /function/],
  ["undefined in an array", () => [1, undefined, 3], "/1", /undefined/],
  ["a sparse array (a hole)", () => [1, , 3], "/1", /hole/], // eslint-disable-line no-sparse-arrays
  ["an array made with new Array(2)", () => new Array(2), "/0", /hole/],
  ["a cycle (the value contains itself)", () => { const o = { a: { b: null } }; o.a.b = o; return o; }, "/a/b", /cycle/],
  ["a cycle through an array", () => { const a = [0]; a.push({ back: a }); return a; }, "/1/back", /cycle/],
  ["a getter that throws", throwingGetter, "/g", /boom/],
  ["a getter that throws on an array index", () => { const a = [1, 2]; Object.defineProperty(a, 1, { enumerable: true, get() { throw new Error("boom"); } }); return a; }, "/1", /boom/],
  ["a Proxy whose get trap throws", () => new Proxy({ k: 1 }, { get() { throw new Error("trap"); } }), "/k", /trap/],
  ["a Proxy whose ownKeys trap throws", () => new Proxy({ k: 1 }, { ownKeys() { throw new Error("trap"); } }), "", /trap/],
  ["a Proxy whose getPrototypeOf trap throws", () => new Proxy({ k: 1 }, { getPrototypeOf() { throw new Error("trap"); } }), "", /trap/],
  ["a Proxy whose getOwnPropertyDescriptor trap throws", () => new Proxy({ k: 1 }, { getOwnPropertyDescriptor() { throw new Error("trap"); } }), "", /trap/],
  ["a Proxy of an array whose has trap throws", () => new Proxy([1, 2], { has() { throw new Error("trap"); } }), "", /trap/],
  ["a revoked Proxy", () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; }, "", /revoked/],
  ["a lone surrogate in a string", () => "ab\uD800", "", /surrogate/],
  ["a lone low surrogate in a string", () => ["ok", "\uDC00x"], "/1", /surrogate/],
  ["a lone surrogate in a key", () => ({ ["k\uDBFF"]: 1 }), "/k\uDBFF", /surrogate/],
  ["a Date (not a plain object)", () => new Date(0), "", /not a plain object/],
  ["a class instance", () => new (class Widget { a = 1; })(), "", /Widget/],
  ["an object with a toJSON method (a function member)", () => ({ a: 1, toJSON() { return "x"; } }), "/toJSON", /function/],
  ["an Error", () => new Error("x"), "", /not a plain object/],
  ["a WeakMap", () => new WeakMap(), "", /not a plain object/],
  ["a Promise", () => Promise.resolve(1), "", /not a plain object/],
  ["an ArrayBuffer", () => new ArrayBuffer(4), "", /not a plain object/],
  ["a boxed number", () => Object(1), "", /not a plain object/],
];

describe("hostile JS values at every place an object enters: code and path", () => {
  for (const [place, call, base, code] of PLACES) {
    test(place, () => {
      for (const [name, make, suffix, message] of HOSTILE) {
        const error = throwsPromotionRulesError(() => call(make()), code, base + suffix);
        assert.match(error.message, message, `${name} at ${place}: ${error.message}`);
      }
    });
  }

  test("a valid value in the same hole goes through (the holes are real)", () => {
    // Where the hole is opaque content; a manifest member must be a fingerprint, and a hotfix
    // declaration and a policy have no member "v".
    const print = `sha256:${"0".repeat(64)}`;
    for (const [place, call] of PLACES) {
      const valid = place === "planSync base" ? print : "plain";
      if (place === "planPublish hotfix" || place.startsWith("new PromotionRules")) {
        throwsPromotionRulesError(() => call(valid), place.startsWith("new") ? "INVALID_POLICY" : "INVALID_INPUT", place.startsWith("new") ? "/v" : "/hotfix/v");
      } else {
        assert.doesNotThrow(() => call(valid), place);
      }
    }
  });

  test("undefined as a member counts as absent everywhere, as a whole argument it is refused", () => {
    for (const [place, call] of PLACES) assert.doesNotThrow(() => call(undefined), place);
    throwsPromotionRulesError(() => rules.checkEdit(undefined), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => rules.authorize(undefined, "sync", "dev"), "INVALID_INPUT", "/actor");
    throwsPromotionRulesError(() => diffWorkspaces({}, undefined), "INVALID_INPUT", "/after");
  });

  test("authorize's string arguments: hostile values are INVALID_INPUT at /action and /environment", () => {
    for (const bad of [NaN, 1n, Symbol("sync"), () => "sync", ["sync"], null, undefined]) {
      throwsPromotionRulesError(() => rules.authorize(dana(), bad, "dev"), "INVALID_INPUT", "/action");
      throwsPromotionRulesError(() => rules.authorize(dana(), "sync", bad), "INVALID_INPUT", "/environment");
    }
    // An object is read as JSON to say what it is: its function member is named.
    throwsPromotionRulesError(() => rules.authorize(dana(), { toString: () => "sync" }, "dev"), "INVALID_INPUT", "/action/toString");
    throwsPromotionRulesError(() => rules.nextEnvironment(new String("dev")), "INVALID_INPUT", "");
  });

  test("a getter that throws a non-Error (a string, undefined) is still INVALID_INPUT", () => {
    for (const thrown of ["just a string", undefined, null, 42, Symbol("s")]) {
      const o = {};
      Object.defineProperty(o, "g", { enumerable: true, get() { throw thrown; } });
      throwsPromotionRulesError(() => filterContent({ analytics: o }), "INVALID_INPUT", "/analytics/g");
    }
  });
});

describe("what is not refused, and why", () => {
  test("symbol-keyed and non-enumerable properties are not JSON members: ignored (as by JSON.stringify)", () => {
    const item = { id: "a", tone: "x", [Symbol("hidden")]: NaN };
    Object.defineProperty(item, "secretive", { enumerable: false, value: NaN });
    const plain = { id: "a", tone: "x" };
    assert.deepStrictEqual(filterContent({ agents: [item] }), filterContent({ agents: [plain] }));
    assert.equal(fingerprint(item), fingerprint(plain));
  });

  test("extra non-index properties of an array are ignored", () => {
    const agents = [{ id: "a" }];
    agents.extra = NaN;
    assert.deepStrictEqual(filterContent({ agents }), filterContent({ agents: [{ id: "a" }] }));
  });

  test("objects without a prototype and plain objects of another realm are plain data", () => {
    const bare = Object.assign(Object.create(null), { id: "a", tone: "x" });
    const foreign = vm.runInNewContext('({ agents: [{ id: "a", tone: "x" }], analytics: new Array(1, 2) })');
    assert.ok(!(foreign instanceof Object), "the object comes from another realm");
    const expected = filterContent({ agents: [{ id: "a", tone: "x" }], analytics: [1, 2] });
    assert.deepStrictEqual(filterContent({ agents: [bare], analytics: [1, 2] }), expected);
    assert.deepStrictEqual(filterContent(foreign), expected);
    // A Date of another realm is still not plain.
    throwsPromotionRulesError(() => filterContent({ analytics: vm.runInNewContext("new Date(0)") }), "INVALID_INPUT", "/analytics");
  });

  test("a getter that answers is read like a value; the answer is plain data", () => {
    const item = { id: "a" };
    Object.defineProperty(item, "tone", { enumerable: true, get: () => "computed" });
    const { payload } = filterContent({ agents: [item] });
    assert.deepStrictEqual(payload.agents, [{ id: "a", tone: "computed" }]);
    assertPlain(payload);
  });

  test("a transparent Proxy of a plain object or array reads as its target: the same answer", () => {
    // Documented: a Proxy cannot be told apart from its target in JavaScript; with no trap (or
    // traps that forward) it is read through its traps like the plain object it wraps.
    const source = sample("dev");
    const proxied = {
      ...source,
      agents: new Proxy(source.agents.map((agent) => new Proxy(agent, {})), {}),
      variables: new Proxy(source.variables, { get: (t, k, r) => Reflect.get(t, k, r) }),
    };
    const request = (src) => ({ actor: dana(), from: "dev", to: "test", source: src, target: sample("test") });
    const expected = rules.planSync(request(source));
    assert.deepStrictEqual(rules.planSync(request(proxied)), expected);
    assert.deepStrictEqual(rules.planSync(new Proxy(request(source), {})), expected);
    assert.equal(fingerprint(new Proxy(source, {})), fingerprint(source));
    assertPlain(rules.planSync(request(proxied)));
  });

  test("a Proxy that lies about its length is read as the length it claims, within the limits", () => {
    // length 3 over a one-item target: the missing indexes are holes.
    const liar = new Proxy([{ id: "a" }], { get: (t, k) => (k === "length" ? 3 : Reflect.get(t, k)) });
    throwsPromotionRulesError(() => filterContent({ agents: liar }), "INVALID_INPUT", "/agents/1");
    // A Proxy claiming billions of items (has/get answer for any index) cannot make the walk
    // run for billions of steps: every item counts against the input limit.
    const endless = new Proxy([], {
      get: (t, k) => (k === "length" ? 2 ** 32 - 1 : typeof k === "string" && /^\d+$/.test(k) ? 0 : Reflect.get(t, k)),
      has: (t, k) => (typeof k === "string" && /^\d+$/.test(k) ? true : Reflect.has(t, k)),
    });
    const started = performance.now();
    throwsPromotionRulesError(() => filterContent({ analytics: endless }), "LIMIT_EXCEEDED", "/analytics");
    throwsPromotionRulesError(() => fingerprint(endless), "LIMIT_EXCEEDED", "");
    assert.ok(performance.now() - started < 5_000, "refused at once, not after walking the claimed items");
  });

  test("a Proxy or getter whose answers change between reads: a PromotionRulesError or an answer, never another exception", () => {
    // Values that are fine on the first read and hostile on later ones (BigInt, a throw, a
    // cycle, deep nesting): whatever is read, the module throws only PromotionRulesError.
    const laters = [
      () => 10n,
      () => { throw new Error("second read"); },
      () => { const o = {}; o.o = o; return o; },
      () => { let d = 0; for (let i = 0; i < 200_000; i++) d = [d]; return d; },
      () => Symbol("s"),
      () => undefined,
    ];
    for (const [i, later] of laters.entries()) {
      for (const flavour of ["getter", "proxy"]) {
        let reads = 0;
        const read = () => (reads++ === 0 ? 1 : later());
        const holder = flavour === "getter"
          ? Object.defineProperty({ id: "a" }, "x", { enumerable: true, get: read })
          : new Proxy({ id: "a", x: 1 }, { get: (t, k) => (k === "x" ? read() : Reflect.get(t, k)) });
        try {
          const answer = filterContent({ agents: [holder] });
          assertPlain(answer);
        } catch (error) {
          assert.equal(error?.name, "PromotionRulesError", `case ${i} (${flavour}) threw ${error?.name}: ${error?.message}`);
          assert.ok(["INVALID_INPUT", "LIMIT_EXCEEDED"].includes(error.code), error.code);
        }
      }
    }
  });

  test("a getter is called on its own object", () => {
    const seen = [];
    const item = { id: "a" };
    Object.defineProperty(item, "x", { enumerable: true, get() { seen.push(this); return 1; } });
    filterContent({ agents: [item] });
    assert.ok(seen.length >= 1 && seen.every((self) => self === item));
  });
});

describe("numbers of every size read as JSON.parse reads them, and duplicate keys in JSON text refused, at every entry point", () => {
  /** Each place as JSON text: [name, call(text), text with the hole marked "@", path of the hole, code]. */
  const TEXT_PLACES = [
    ["filterContent", (t) => filterContent(t), '{"agents":[{"id":"a","v":@}]}', "/agents/0/v", "INVALID_INPUT"],
    ["fingerprint (a string argument is a value: only objects)", null, null, null, null],
    ["diffWorkspaces after", (t) => diffWorkspaces("{}", t), '{"channels":[{"id":"c","v":@}]}', "/after/channels/0/v", "INVALID_INPUT"],
    ["planSync", (t) => rules.planSync(t), `{"actor":${text(dana())},"from":"dev","to":"test","source":{"analytics":{"v":@}}}`, "/source/analytics/v", "INVALID_INPUT"],
    ["planSync base", (t) => rules.planSync(t), `{"actor":${text(dana())},"from":"dev","to":"test","source":{},"base":{"agents":{"v":@}}}`, "/base/agents/v", "INVALID_INPUT"],
    ["checkEdit", (t) => rules.checkEdit(t), `{"actor":${text(dana())},"environment":"dev","before":{},"after":{"issues":[@]}}`, "/after/issues/0", "INVALID_INPUT"],
    ["planPublish", (t) => rules.planPublish(t), `{"actor":${text(ada())},"workspace":{"variables":[{"name":"N","type":"number","defaultValue":@}]}}`, "/workspace/variables/0/defaultValue", "INVALID_INPUT"],
    ["authorize actor", (t) => rules.authorize(t, "sync", "dev"), '{"id":"a","roles":[],"v":@}', "/actor/v", "INVALID_INPUT"],
    ["new PromotionRules", (t) => new PromotionRules(t), '{"roles":{},"v":@}', "/v", "INVALID_POLICY"],
  ].filter(([, call]) => call);

  test("every finite number is accepted at every place, in both forms; Infinity in text is refused", () => {
    for (const [name, call, template, path, code] of TEXT_PLACES) {
      if (code === "INVALID_POLICY" || name === "planSync base") continue; // no member "v" / a fingerprint
      for (const big of ["9007199254740993", "-9007199254740993", "18446744073709551616", "1e21", "1.5e300", "5e-324", "123456789012345678901234567890"]) {
        assert.doesNotThrow(() => call(template.replace("@", big)), `${name} ${big}`);
      }
      const error = throwsPromotionRulesError(() => call(template.replace("@", "-1e400")), code, path);
      assert.match(error.message, /Infinity/, name);
    }
    // Object form: the same numbers, as JS numbers.
    assert.equal(rules.planSync({ actor: dana(), from: "dev", to: "test", source: { analytics: { v: 2 ** 53 } } }).allowed, true);
    assert.equal(rules.authorize({ id: "a", roles: [], v: Number.MAX_VALUE }, "sync", "dev").allowed, false);
  });

  test("a duplicate key, at any depth and in every argument", () => {
    for (const [name, call, template, path, code] of TEXT_PLACES) {
      const error = throwsPromotionRulesError(() => call(template.replace("@", '{"k":1,"z":0,"k":2}')), code, `${path}/k`);
      assert.match(error.message, /twice/, name);
      // A key written with escapes is the same key.
      throwsPromotionRulesError(() => call(template.replace("@", '{"k":1,"\\u006b":2}')), code, `${path}/k`);
    }
    // The request's own members.
    throwsPromotionRulesError(() => rules.planSync(`{"actor":${text(dana())},"from":"dev","from":"dev","to":"test","source":{}}`), "INVALID_INPUT", "/from");
    throwsPromotionRulesError(() => new PromotionRules('{"roles":{"r":{"dev":["sync"],"DEV":["edit"],"dev":[]}}}'), "INVALID_POLICY", "/roles/r/dev");
  });

  test("lone surrogates in JSON text: escaped ones at their path, raw ones at the root", () => {
    // \ud800 written as an escape is read by the Rust reader, which names the value.
    throwsPromotionRulesError(() => rules.planSync(`{"actor":${text(dana())},"from":"dev","to":"test","source":{"agents":[{"id":"a","x":"\\ud800"}]}}`), "INVALID_INPUT", "/source/agents/0/x");
    throwsPromotionRulesError(() => filterContent('{"analytics":{"\\udc00":1}}'), "INVALID_INPUT", "/analytics");
    // A raw lone surrogate makes the whole text invalid Unicode: refused before reading, at "".
    throwsPromotionRulesError(() => filterContent('{"agents":[{"id":"a","x":"\uD800"}]}'), "INVALID_INPUT", "");
    // fingerprint hashes a string as a value: its lone surrogate is refused at the root.
    throwsPromotionRulesError(() => fingerprint("\uDFFF"), "INVALID_INPUT", "");
    // A well-formed pair is fine in both forms.
    assert.equal(fingerprint({ s: "😀" }), fingerprint(JSON.parse('{"s":"\\ud83d\\ude00"}')));
  });
});

describe("__proto__, constructor and prototype are plain data in every answer", () => {
  // JSON.parse creates own "__proto__" members (an object literal would set the prototype).
  const KEYS = ["__proto__", "constructor", "prototype"];
  const evil = () => JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}');

  /** An own data member, whatever its name (an assignment to __proto__ would set the prototype). */
  const own = (object, key, value) => Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });

  function workspace(tone) {
    const w = {
      agents: KEYS.map((id) => ({ id, tone, uses: [{ kind: "variables", id }] })),
      workflows: [{ id: "w", steps: [evil()] }],
      variables: KEYS.map((name) => ({ name, type: "json", defaultValue: evil(), usage: ["w"] })),
      secrets: KEYS.map((name) => ({ name })),
    };
    for (const key of KEYS) own(w.agents[0], key, evil()[key]); // item members named like them
    own(w, "__proto__", 1); // an unknown top-level kind
    return w;
  }

  /** Every object of an answer has Object.prototype as prototype, and nothing is polluted. */
  function assertClean(answer, where) {
    assert.equal({}.polluted, undefined, `Object.prototype polluted after ${where}`);
    assert.equal(Object.prototype.polluted, undefined);
    assert.equal([].polluted, undefined);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    assertPlain(answer, where);
  }

  test("items, ids, variable names, kinds and content named __proto__ / constructor / prototype", () => {
    const source = workspace("friendly");
    const target = workspace("formal");
    assert.ok(Object.hasOwn(source, "__proto__") && Object.hasOwn(source.agents[0], "__proto__"));

    const filtered = filterContent(source);
    assertClean(filtered, "filterContent");
    assert.ok(Object.hasOwn(filtered.excluded, "__proto__"));
    const agent = filtered.payload.agents[0];
    assert.equal(Object.getPrototypeOf(agent), Object.prototype);
    assert.ok(Object.hasOwn(agent, "__proto__"), "the key survives as data");
    assert.deepStrictEqual(Object.getOwnPropertyDescriptor(agent, "__proto__").value, { polluted: "yes" });
    assert.equal(agent.polluted, undefined);

    const plan = rules.planSync({ actor: dana(), from: "dev", to: "test", source, target });
    assertClean(plan, "planSync");
    assert.equal(plan.allowed, true, text(plan.violations));
    assert.equal(Object.getPrototypeOf(plan.payload.agents[0]), Object.prototype);
    assert.ok(Object.hasOwn(plan.payload.agents[0], "__proto__"));
    for (const key of KEYS) {
      assert.ok(Object.hasOwn(plan.manifest.agents, key), `manifest.agents has own ${key}`);
      assert.ok(Object.hasOwn(plan.manifest.variables, key), `manifest.variables has own ${key}`);
      assert.match(plan.manifest.agents[key], /^sha256:/);
    }
    assert.deepStrictEqual(plan.changes.kinds.agents.modified.map((m) => m.id), KEYS);
    assert.deepStrictEqual(plan.changes.kinds.variables.defaultsKept, [...KEYS].sort());
    // The manifest goes back as base, in both forms, and matches.
    const again = rules.planSync({ actor: dana(), from: "dev", to: "test", source, target: { ...target, ...plan.payload }, base: plan.manifest });
    assertClean(again, "planSync with base");
    assert.equal(again.allowed, true);
    assert.deepStrictEqual(rules.planSync(text({ actor: dana(), from: "dev", to: "test", source, target: { ...target, ...plan.payload }, base: plan.manifest })), again);

    const edit = rules.checkEdit({ actor: dana(), environment: "dev", before: target, after: source });
    assertClean(edit, "checkEdit");
    assert.deepStrictEqual(edit.changes.kinds.agents.modified.map((m) => m.id), KEYS);

    const hotfixed = workspace("reassuring");
    const publish = rules.planPublish({ actor: ada(), workspace: hotfixed, base: plan.manifest, live: source, hotfix: { reason: "outage" } });
    assertClean(publish, "planPublish");
    assert.equal(publish.mode, "hotfix");
    assert.deepStrictEqual(publish.hotfixes.map((h) => h.id), KEYS);

    const diff = diffWorkspaces(target, source);
    assertClean(diff, "diffWorkspaces");
    for (const op of diff.patch) if ("value" in op && op.value && typeof op.value === "object") assert.equal(Object.getPrototypeOf(op.value), Object.prototype);

    assert.equal(fingerprint(source), jcsFingerprint(source));
    assertClean(rules.authorize(JSON.parse('{"id":"__proto__","roles":["__proto__","constructor","developer"],"__proto__":{"roles":["admin"]}}'), "sync", "dev"), "authorize");
  });

  test("roles named __proto__ / constructor / prototype grant only what the policy says", () => {
    const policy = JSON.parse('{"roles":{"__proto__":{"dev":["sync"]},"constructor":{"production":["publish"]},"prototype":{}}}');
    const custom = new PromotionRules(policy);
    assertClean(custom.policy, "policy");
    assert.ok(Object.hasOwn(custom.policy.roles, "__proto__"));
    assert.deepStrictEqual(Object.keys(custom.policy.roles).sort(), ["__proto__", "constructor"]);
    assert.equal(custom.authorize({ id: "p", roles: ["__proto__"] }, "sync", "dev").allowed, true);
    assert.equal(custom.authorize({ id: "p", roles: ["__proto__"] }, "edit", "dev").allowed, false);
    assert.equal(custom.authorize({ id: "c", roles: ["constructor"] }, "publish", "production").allowed, true);
    assert.equal(custom.authorize({ id: "t", roles: ["prototype", "toString", "hasOwnProperty"] }, "sync", "dev").allowed, false);
    // The default policy has no such roles: inherited names grant nothing.
    for (const role of ["__proto__", "constructor", "prototype", "toString", "valueOf"]) {
      assert.equal(rules.authorize({ id: "x", roles: [role] }, "sync", "dev").allowed, false, role);
    }
    assertClean(new PromotionRules(text(policy)).policy, "policy from text");
  });

  test("an object literal __proto__ sets the prototype, it is no member: such an object is not plain", () => {
    // { __proto__: x } in JS source is not a key: the object inherits from x and is refused.
    throwsPromotionRulesError(() => filterContent({ agents: [{ id: "a", __proto__: { tone: "x" } }] }), "INVALID_INPUT", "/agents/0");
    // __proto__: null gives a prototype-less object, which is plain data.
    assert.deepEqual(filterContent({ agents: [{ id: "a", __proto__: null }] }).payload.agents, [{ id: "a" }]);
    assertClean({}, "literals");
  });

  test("the answers' own keys never include inherited names by accident", () => {
    const plan = rules.planSync({ actor: omar(), from: "staging", to: "production", source: sample("staging"), target: sample("production") });
    for (const key of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      assert.ok(!Object.hasOwn(plan.payload, key));
      assert.ok(!Object.hasOwn(plan.manifest, key));
      assert.ok(!Object.hasOwn(plan.excluded, key));
    }
  });
});

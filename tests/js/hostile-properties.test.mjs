// Properties over random policies, actors, chains and workspaces (fast-check), checked against
// independent JS oracles:
//   - a plan's payload holds exactly the six promoted kinds: never an excluded or unknown kind;
//   - under inlineSecrets "block", no value the rules of the spec flag as an inline secret travels
//     (an independent JS implementation of those rules walks the payload), and no planted secret
//     appears anywhere in the answer; under "warn" they travel, as warnings;
//   - deny by default: authorize allows exactly what a role of the actor grants in the policy as
//     written, and no plan is allowed without the grants it needs;
//   - a sync is allowed only to the next environment of the chain;
//   - the object and the JSON-string forms of every argument give the same answers and errors;
//   - the RFC 6902 patch of a plan (applied with fast-json-patch) turns the target's promoted
//     content into the payload.
// Seed: FC_SEED (default below); runs: FC_RUNS (default 200 per property).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import jsonPatch from "fast-json-patch";
import { PromotionRules, diffWorkspaces, filterContent } from "promotion-rules";

const SEED = Number(process.env.FC_SEED ?? 7_2025_11);
const RUNS = Number(process.env.FC_RUNS ?? 200);
const params = (numRuns = RUNS) => ({ numRuns, seed: SEED, endOnFailure: true });

const CHAIN = ["dev", "test", "uat", "staging", "production"];
const ACTIONS = ["edit", "editVariableDefault", "editLocal", "sync", "publish", "hotfix", "rollback"];
const PROMOTED = ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"];
const CONTENT = PROMOTED.slice(0, 5);
const LOCAL = ["conversations", "analytics", "evaluators", "guardrails", "issues", "secrets"];
const UNKNOWN = ["experiments", "Agents", "notes", "drafts"];
const ROLES = ["developer", "qa", "r0", "r1", "r2"];
const REDACTED = "[redacted: inline secret]";

// ---------------------------------------------------------------------------------------------
// The inline-secret rules of the spec, written again in JS (the oracle).
const SUFFIXES = ["password", "secret", "token", "apikey", "authorization", "privatekey", "clientsecret"];
function isSecretKey(key) {
  const folded = key.replace(/[-_]/g, "").replace(/[A-Z]/g, (c) => c.toLowerCase());
  return SUFFIXES.some((suffix) => folded.endsWith(suffix));
}
const REFERENCE = /\{\{[ \t\n\f\r]*secrets\.[A-Za-z0-9_.-]+[ \t\n\f\r]*\}\}/;
const CREDENTIALS = [
  /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{20,}/,
  /(?<![A-Za-z0-9])AKIA[0-9A-Z]{16}/,
  /(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{30,}/,
  /(?<![A-Za-z0-9])xox[bp]-[A-Za-z0-9-]{10,}/,
  /(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{7,}\.eyJ[A-Za-z0-9_-]{7,}\.[A-Za-z0-9_-]/,
];
function flagged(s, underSecretKey) {
  if (CREDENTIALS.some((re) => re.test(s))) return true;
  return underSecretKey && s !== "" && !REFERENCE.test(s);
}
/** [pointer, string] of every string the spec flags in a value (context inherited downwards). */
function inlineSecrets(value, path = "", under = false, out = []) {
  if (typeof value === "string") {
    if (flagged(value, under)) out.push([path, value]);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => inlineSecrets(item, `${path}/${i}`, under, out));
  } else if (value && typeof value === "object") {
    for (const [key, member] of Object.entries(value)) {
      inlineSecrets(member, `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, under || isSecretKey(key), out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Generators.
const token = (alphabet, min, max) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const ALNUM = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"];
const UPPER_DIGITS = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"];
/** Credential-shaped tokens: flagged wherever they are (each made unique enough to grep for). */
const credential = fc.oneof(
  token(ALNUM, 24, 40).map((t) => `sk-${t}`),
  token(UPPER_DIGITS, 16, 16).map((t) => `AKIA${t}`),
  token(ALNUM, 32, 40).map((t) => `ghp_${t}`),
  token(ALNUM, 12, 20).map((t) => `xoxb-${t}`),
  token(ALNUM, 8, 16).map((t) => `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI${t}.c2ln${t}`),
);
/** Strings for content: benign text, references, near-misses, credentials inside sentences. */
const text = fc.oneof(
  { arbitrary: fc.constantFrom("friendly", "formal", "", " ", "Route billing questions.", "{{secrets.CRM}}", "Bearer {{secrets.CRM}}", "{{ secrets.db.main }}", "{{secrets.}}", "ask-abcdefghijklmnopqrstuvwxyz", "sk-short", "https://crm.example.com/x"), weight: 6 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 2 },
  { arbitrary: credential, weight: 1 },
  { arbitrary: credential.map((c) => `key=${c} (rotate me)`), weight: 1 },
);
const SECRET_KEYS = ["password", "apiKey", "client_secret", "X-Api-Token", "authorization", "privateKey", "db_PASSWORD"];
const PLAIN_KEYS = ["tone", "steps", "note", "tokenizer", "secretName", "passwordPolicy", "key"];
const leaf = fc.oneof(text, fc.integer({ min: -1000, max: 1000 }), fc.boolean(), fc.constant(null));
const content = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom(...SECRET_KEYS, ...PLAIN_KEYS), tie("value"), { maxKeys: 3 }),
})).value;

// An id and a variable name that are credentials: redacted as inline secrets, they must not come
// back through the manifest, the change lists or a message either.
const IDS = ["a", "b", "c", "d", "x/y~z", "sk-ID0123456789abcdefghijkl"];
const VARIABLE_NAMES = ["A", "B", "C", "AKIA0123456789ABCDEF"];
/** Mostly plain names, now and then the credential one. */
const oneOf = (names) => fc.oneof({ arbitrary: fc.constantFrom(...names.slice(0, -1)), weight: 12 }, { arbitrary: fc.constant(names.at(-1)), weight: 1 });
const REFERABLE = [...PROMOTED, "secrets", "guardrails", "evaluators"];
const reference = fc.constantFrom(...REFERABLE).chain((kind) =>
  (kind === "variables" ? oneOf(VARIABLE_NAMES) : kind === "secrets" ? fc.constantFrom("CRM", "DB") : oneOf(IDS)).map((id) => ({ kind, id })),
);
const benign = fc.constantFrom("friendly", "formal", "Route billing questions.", "Bearer {{secrets.CRM}}");
const item = fc.record(
  {
    id: oneOf(IDS),
    tone: text,
    body: content,
    headers: fc.dictionary(fc.constantFrom(...SECRET_KEYS, ...PLAIN_KEYS), text, { maxKeys: 2 }),
    uses: fc.array(reference, { maxLength: 1 }),
    updatedBy: fc.constantFrom("dana", "quinn", "someone"),
  },
  { requiredKeys: ["id"] },
);
const items = fc.uniqueArray(item, { selector: (i) => i.id, maxLength: 4 });
const variable = fc.oneof(
  fc.record({ name: oneOf(VARIABLE_NAMES), type: fc.constant("string"), defaultValue: text, usage: fc.array(oneOf(IDS), { maxLength: 2 }) }, { requiredKeys: ["name", "type"] }),
  fc.record({ name: fc.constantFrom(...VARIABLE_NAMES), type: fc.constant("json"), defaultValue: content, description: text }, { requiredKeys: ["name", "type"] }),
  fc.record({ name: fc.constantFrom(...VARIABLE_NAMES), type: fc.constant("number"), defaultValue: fc.integer() }, { requiredKeys: ["name", "type"] }),
  fc.record({ name: fc.constantFrom(...VARIABLE_NAMES), type: fc.constant("url"), defaultValue: fc.constantFrom("https://a.example", "http://b.example/x") }, { requiredKeys: ["name", "type"] }),
);
const workspace = fc
  .record(
    {
      ...Object.fromEntries(CONTENT.map((kind) => [kind, items])),
      variables: fc.uniqueArray(variable, { selector: (v) => v.name, maxLength: 3 }),
      secrets: fc.uniqueArray(fc.record({ name: fc.constantFrom("CRM", "DB") }), { selector: (s) => s.name }),
      guardrails: fc.uniqueArray(fc.record({ id: fc.constantFrom(...IDS) }), { selector: (g) => g.id }),
      conversations: content,
      analytics: content,
      issues: fc.array(content, { maxLength: 2 }),
      experiments: content,
      Agents: items,
      notes: text,
    },
    { requiredKeys: [] },
  )
  .map((w) => JSON.parse(JSON.stringify(w))); // plain objects (fast-check makes null-prototype ones)

/** A workspace without inline secrets (so that some plans are allowed). */
const cleanWorkspace = fc
  .record(
    {
      agents: fc.uniqueArray(fc.record({ id: fc.constantFrom("a", "b", "c"), tone: benign, uses: fc.constant([{ kind: "secrets", id: "CRM" }]) }), { selector: (i) => i.id, maxLength: 3 }),
      workflows: fc.uniqueArray(fc.record({ id: fc.constantFrom("a", "w"), steps: fc.array(benign, { maxLength: 2 }) }), { selector: (i) => i.id, maxLength: 2 }),
      variables: fc.uniqueArray(fc.record({ name: fc.constantFrom("A", "B"), type: fc.constant("string"), defaultValue: benign }), { selector: (v) => v.name, maxLength: 2 }),
      secrets: fc.constant([{ name: "CRM" }]),
      conversations: content,
      experiments: content,
    },
    { requiredKeys: [] },
  )
  .map((w) => JSON.parse(JSON.stringify(w)));

/** A chain: dev, some of test/uat/staging, production. */
const chain = fc.subarray(["test", "uat", "staging"]).map((middle) => ["dev", ...middle, "production"]);
const envName = (env) => fc.constantFrom(env, env.toUpperCase(), env[0].toUpperCase() + env.slice(1));
/** A valid policy as written (names in any case), with its chain. */
const policy = chain.chain((envs) =>
  fc.record(
    {
      environments: fc.constant(envs),
      roles: fc.dictionary(
        fc.constantFrom(...ROLES),
        fc.array(
          fc.constantFrom(...CHAIN).chain((env) =>
            fc.tuple(envName(env), fc.subarray(env === "production" ? ACTIONS : ACTIONS.filter((a) => a !== "publish" && a !== "hotfix"))),
          ),
          { maxLength: 4 },
        ).map((grants) => {
          const out = {};
          for (const [env, actions] of grants) out[env] = [...(out[env] ?? []), ...actions];
          return out;
        }),
        { maxKeys: 4 },
      ),
      noSelfPromotion: fc.subarray(CHAIN),
      inlineSecrets: fc.constantFrom("block", "warn"),
    },
    { requiredKeys: ["environments", "roles"] },
  ).map((p) => JSON.parse(JSON.stringify(p))),
);
const actor = fc.record({ id: fc.constantFrom("dana", "quinn", "someone"), roles: fc.subarray([...ROLES, "ghost", "admin"], { minLength: 1 }) });

/** Whether the policy as written grants `action` in `env` to one of the actor's roles (the oracle). */
function grants(policy, actor, action, env) {
  if (!policy.environments.includes(env)) return false;
  return actor.roles.some((role) =>
    Object.entries(policy.roles[role] && Object.hasOwn(policy.roles, role) ? policy.roles[role] : {}).some(
      ([name, actions]) => name.toLowerCase() === env && actions.includes(action),
    ),
  );
}

const { applyPatch, deepClone } = jsonPatch;
const patched = (before, patch) => applyPatch(deepClone(before), patch, true, false).newDocument;
const plain = (value) => JSON.parse(JSON.stringify(value));

/** The outcome of a call: { answer } or { error: {name, code, path} }. */
function outcome(call) {
  try {
    return { answer: call() };
  } catch (error) {
    return { error: { name: error?.name, code: error?.code, path: error?.path } };
  }
}

// ---------------------------------------------------------------------------------------------
describe("random policies, actors, chains and workspaces", () => {
  test("the payload: the six promoted kinds only; inline secrets never travel when the policy blocks them", () => {
    const seen = { plans: 0, allowed: 0, blocked: 0, warned: 0, redacted: 0, excluded: 0 };
    fc.assert(
      fc.property(policy, actor, fc.oneof(workspace, cleanWorkspace), fc.option(fc.oneof(workspace, cleanWorkspace), { nil: undefined }), fc.nat(), fc.boolean(), (written, who, source, target, pick, open) => {
        if (open) {
          // A role that syncs everywhere, held by the actor: the plan can be allowed. (Copies:
          // fast-check may use the generated values again while shrinking.)
          written = { ...written, roles: { ...written.roles, everyone: Object.fromEntries(written.environments.map((env) => [env, ["sync"]])) } };
          who = { ...who, roles: [...who.roles, "everyone"] };
        }
        const rules = new PromotionRules(written);
        const envs = written.environments;
        const i = pick % (envs.length - 1);
        const plan = rules.planSync({ actor: who, from: envs[i], to: envs[i + 1], source, target });

        // Exactly the six promoted kinds, each an array; what stays behind is counted.
        assert.deepEqual(Object.keys(plan.payload).sort(), [...PROMOTED].sort());
        for (const kind of PROMOTED) assert.ok(Array.isArray(plan.payload[kind]));
        const behind = Object.keys(source).filter((key) => !PROMOTED.includes(key)).sort();
        assert.deepEqual(Object.keys(plan.excluded).sort(), behind);
        for (const key of [...LOCAL, ...UNKNOWN]) assert.ok(!Object.hasOwn(plan.payload, key), key);

        const found = inlineSecrets(plan.payload);
        // The credentials that could travel: the source's promoted content, the target's variable
        // defaults (a sync keeps them). (The target's own ids may come back in the change lists.)
        const targetDefaults = (target?.variables ?? []).map((v) => v.defaultValue ?? null);
        const planted = [...inlineSecrets(filterContent(source).payload), ...inlineSecrets(targetDefaults)]
          .map(([, s]) => s)
          .filter((s) => CREDENTIALS.some((re) => re.test(s)));
        const secretPaths = (issues) => issues.filter((issue) => issue.code === "INLINE_SECRET").map((issue) => issue.path);
        // The oracle and the module flag the same values of the content kinds (variables are
        // merged with the target, so their paths may point into it).
        const inContent = (path) => CONTENT.some((kind) => path.startsWith(`/source/${kind}/`));
        const expected = inlineSecrets(filterContent(source).payload).map(([path]) => `/source${path}`).filter(inContent).sort();
        const block = (written.inlineSecrets ?? "block") === "block";
        const reported = secretPaths(block ? plan.violations : plan.warnings);
        seen.plans++;
        seen.allowed += plan.allowed ? 1 : 0;
        seen[block ? "blocked" : "warned"] += reported.length > 0 ? 1 : 0;
        seen.redacted += found.length > 0 ? 1 : 0;
        seen.excluded += behind.length > 0 ? 1 : 0;
        assert.deepEqual(reported.filter(inContent).sort(), expected, "the module flags what the spec flags");
        if (block) {
          // Every flagged string of the payload is the redaction mark; no credential of the
          // source or the target appears anywhere in the answer (payload, changes, messages).
          for (const [path, value] of found) assert.equal(value, REDACTED, `an inline secret travels at ${path}`);
          const answer = JSON.stringify(plan);
          for (const secret of planted) assert.ok(!answer.includes(secret), `the answer carries ${secret}`);
          if (reported.length > 0) assert.equal(plan.allowed, false);
          assert.deepEqual(secretPaths(plan.warnings), []);
        } else {
          // warn: the values travel unchanged, as warnings; never a violation.
          assert.deepEqual(secretPaths(plan.violations), []);
          for (const kind of CONTENT) assert.deepStrictEqual(plan.payload[kind], filterContent(source).payload[kind]);
        }

        // The patch turns the target's promoted content into the payload (fast-json-patch).
        assert.deepStrictEqual(patched(filterContent(target ?? {}).payload, plan.changes.patch), plan.payload);
      }),
      params(),
    );
    console.log(`payload property: ${JSON.stringify(seen)}`);
    assert.ok(seen.allowed > 0 && seen.blocked > 0 && seen.warned > 0 && seen.redacted > 0 && seen.excluded > 0, "the generators reach every case");
  });

  test("deny by default: authorize allows exactly what the policy grants; no plan is allowed without its grants", () => {
    fc.assert(
      fc.property(policy, actor, workspace, workspace, fc.boolean(), (written, who, before, after, declare) => {
        const rules = new PromotionRules(written);
        for (const env of CHAIN) {
          for (const action of ACTIONS) {
            const result = outcome(() => rules.authorize(who, action, env));
            if (!written.environments.includes(env)) {
              assert.deepEqual(result.error, { name: "PromotionRulesError", code: "INVALID_INPUT", path: "/environment" });
              continue;
            }
            const expected = grants(written, who, action, env);
            assert.equal(result.answer.allowed, expected, `${who.roles} ${action} in ${env}`);
            assert.deepEqual(result.answer.violations.map((v) => v.code), expected ? [] : ["FORBIDDEN"]);
          }
        }
        const hotfix = declare ? { reason: "outage" } : undefined;
        const publish = rules.planPublish({ actor: who, workspace: after, live: before, hotfix });
        if (publish.allowed) {
          assert.ok(grants(written, who, "publish", "production"), "a publish allowed without publish");
          if (publish.mode === "hotfix") assert.ok(grants(written, who, "hotfix", "production"), "a hotfix allowed without hotfix");
        }
        for (const env of written.environments) {
          const edit = rules.checkEdit({ actor: who, environment: env, before, after, hotfix: env === "production" ? hotfix : undefined });
          const contentChanged = CONTENT.some((kind) => JSON.stringify(before[kind] ?? []) !== JSON.stringify(after[kind] ?? []));
          if (edit.allowed && contentChanged) {
            const byEdit = env === "dev" && grants(written, who, "edit", "dev");
            const byHotfix = env === "production" && declare && grants(written, who, "hotfix", "production");
            assert.ok(byEdit || byHotfix, `a content change in ${env} allowed without edit or a declared hotfix`);
          }
          if (!edit.allowed) assert.ok(edit.violations.length > 0);
        }
      }),
      params(Math.max(20, RUNS / 4)),
    );
  });

  test("a sync is allowed only to the next environment of the chain, and only with sync there", () => {
    let allowed = 0;
    fc.assert(
      fc.property(policy, actor, fc.constantFrom(...CHAIN), fc.constantFrom(...CHAIN), (written, who, from, to) => {
        const rules = new PromotionRules(written);
        const envs = written.environments;
        const result = outcome(() => rules.planSync({ actor: who, from, to, source: {}, base: {} }));
        if (!envs.includes(from) || !envs.includes(to)) {
          assert.equal(result.error?.code, "INVALID_INPUT");
          assert.equal(result.error.path, envs.includes(from) ? "/to" : "/from");
          return;
        }
        const plan = result.answer;
        const next = envs[envs.indexOf(from) + 1];
        const codes = plan.violations.map((v) => v.code);
        assert.equal(codes.includes("NO_NEXT_ENVIRONMENT"), next === undefined);
        assert.equal(codes.includes("NOT_NEXT_ENVIRONMENT"), next !== undefined && next !== to);
        assert.equal(plan.allowed, next === to && grants(written, who, "sync", from));
        assert.equal(rules.nextEnvironment(from), next ?? null);
        allowed += plan.allowed ? 1 : 0;
      }),
      params(RUNS * 2),
    );
    assert.ok(allowed > 0, "some syncs are allowed");
  });

  test("object and JSON-string forms give the same answers and the same errors", () => {
    const anything = fc.oneof(workspace, fc.jsonValue({ maxDepth: 2 }).map(plain));
    fc.assert(
      fc.property(policy, actor, workspace, workspace, anything, fc.constantFrom(...CHAIN), fc.constantFrom(...CHAIN), (written, who, a, b, odd, from, to) => {
        const fromObject = new PromotionRules(written);
        const fromText = new PromotionRules(JSON.stringify(written));
        assert.deepStrictEqual(fromText.policy, fromObject.policy);
        assert.equal(fromText.policyFingerprint, fromObject.policyFingerprint);
        const rules = fromObject;
        const same = (call, arg, name) => {
          const o = outcome(() => call(arg));
          const t = outcome(() => call(JSON.stringify(arg)));
          assert.deepStrictEqual(t, o, name);
        };
        same((r) => rules.planSync(r), { actor: who, from, to, source: a, target: b }, "planSync");
        same((r) => rules.planSync(r), { actor: who, from, to, source: odd }, "planSync of any JSON");
        same((r) => rules.checkEdit(r), { actor: who, environment: from, before: a, after: b }, "checkEdit");
        same((r) => rules.planPublish(r), { actor: who, workspace: b, live: a, hotfix: { reason: "r" } }, "planPublish");
        same((w) => filterContent(w), odd, "filterContent");
        same((w) => diffWorkspaces(a, w), odd, "diffWorkspaces");
        same((x) => rules.authorize(x, "sync", from), who, "authorize");
        same((p) => new PromotionRules(p).policy, odd, "new PromotionRules");
      }),
      params(),
    );
  });
});

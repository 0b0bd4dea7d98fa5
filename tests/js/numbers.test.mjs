// Numbers (SPEC §3): every finite number that JSON.parse accepts is accepted in both argument
// forms, read as the nearest double, written and fingerprinted in its RFC 8785 form — checked
// against canonicalize + node:crypto, and the JSON text and object forms give the same answers.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { PromotionRules, diffWorkspaces, filterContent, fingerprint, manifest } from "promotion-rules";
import { dana, jcsFingerprint, throwsPromotionRulesError } from "./helpers.mjs";

const rules = new PromotionRules();
const SEED = Number(process.env.FC_SEED ?? 20251125);

/** The numbers of the report, as JSON text, and what JSON.stringify writes for each. */
const NUMBERS = [
  ["1e21", "1e+21"],
  ["1.5e300", "1.5e+300"],
  ["5e-324", "5e-324"],
  ["12345678901234567890", "12345678901234567000"],
  ["-9007199254740993", "-9007199254740992"],
  ["1.0", "1"],
  ["-0", "0"],
  ["1E-7", "1e-7"],
  ["0.1e1", "1"],
];

const requestText = (literal) =>
  `{"actor":${JSON.stringify(dana())},"from":"dev","to":"test","source":{"agents":[{"id":"n","v":${literal},"list":[${literal}]}],"variables":[{"name":"N","type":"number","defaultValue":${literal}}]}}`;

describe("numbers JSON.parse accepts, in both argument forms", () => {
  for (const [literal, written] of NUMBERS) {
    test(`${literal} is read as JSON.parse reads it and written as ${written}`, () => {
      const text = requestText(literal);
      const fromText = rules.planSync(text);
      const fromObject = rules.planSync(JSON.parse(text));
      assert.deepStrictEqual(fromText, fromObject);
      assert.equal(fromText.allowed, true);
      const value = fromText.payload.agents[0].v;
      assert.ok(Object.is(value, JSON.parse(written)) || (value === 0 && written === "0"));
      assert.equal(JSON.stringify(value), written);
      // The fingerprints are RFC 8785 + SHA-256 of the documents as JS holds them.
      assert.equal(fromText.fingerprint, jcsFingerprint(fromText.payload));
      assert.equal(fromText.fingerprint, fingerprint(fromText.payload));
      const source = JSON.parse(text).source;
      assert.equal(fromText.sourceFingerprint, jcsFingerprint(filterContent(source).payload));
      assert.equal(fromText.manifest.agents.n, jcsFingerprint(source.agents[0]));
      assert.deepStrictEqual(manifest(JSON.stringify(source)), manifest(source));
      assert.equal(fingerprint(JSON.parse(literal)), jcsFingerprint(JSON.parse(literal)));
    });
  }

  test("a number JSON.parse reads as Infinity is INVALID_INPUT at its path, in every call", () => {
    for (const literal of ["1e400", "-1e400", "1e309"]) {
      throwsPromotionRulesError(() => rules.planSync(requestText(literal)), "INVALID_INPUT", "/source/agents/0/v");
      throwsPromotionRulesError(() => filterContent(`{"analytics":{"x":${literal}}}`), "INVALID_INPUT", "/analytics/x");
    }
  });

  test("generated doubles: text and object forms give the same answers and the canonicalize fingerprints", () => {
    const number = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(Number),
      fc.integer(),
    );
    fc.assert(
      fc.property(fc.array(number, { maxLength: 6 }), (numbers) => {
        const before = { agents: [{ id: "a", numbers: numbers.map(() => 0) }] };
        const after = { agents: [{ id: "a", numbers }] };
        const fromText = diffWorkspaces(JSON.stringify(before), JSON.stringify(after));
        assert.deepStrictEqual(fromText, diffWorkspaces(before, after));
        assert.equal(fingerprint(after), jcsFingerprint(after));
        assert.equal(manifest(JSON.stringify(after)).agents.a, jcsFingerprint(after.agents[0]));
      }),
      { numRuns: 1000, seed: SEED, endOnFailure: true },
    );
  });
});

// The audit chain (SPEC §6) against the installed package. User story: an auditor recomputes the
// release log with nothing but a JCS library and SHA-256 — `canonicalize` and node:crypto here —
// and finds the first record that was tampered with.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import canonicalize from "canonicalize";
import { PromotionRules, fingerprint, verifyAuditChain } from "promotion-rules";
import { ada, dana, ownerOf, sample, throwsPromotionRulesError } from "./helpers.mjs";

/** The auditor's own fingerprint: no code of the package involved. */
const sha = (value) => "sha256:" + createHash("sha256").update(canonicalize(value)).digest("hex");

/** The host's loop: each plan's audit record is stored with a time and linked to the last one. */
function releaseLog() {
  const rules = new PromotionRules();
  const log = [];
  const link = (request) => (log.length ? { ...request, previousAudit: sha(log.at(-1)) } : request);
  const store = (audit) => log.push({ ...audit, storedAt: `2026-11-26T0${log.length}:00:00Z` });
  for (const [from, to] of [["dev", "test"], ["test", "uat"], ["uat", "staging"], ["staging", "production"]]) {
    store(rules.planSync(link({ actor: ownerOf(from), from, to, source: sample(from), target: sample(to) })).audit);
  }
  store(rules.planPublish(link({ actor: ada(), workspace: sample("production") })).audit);
  store(rules.checkEdit(link({ actor: dana(), environment: "dev", before: sample("dev"), after: sample("dev") })).audit);
  rules.free();
  return log;
}

describe("the audit chain", () => {
  test("a log of real audit records links, and its head is reproduced by canonicalize + node:crypto", () => {
    const log = releaseLog();
    assert.equal(log.length, 6);
    assert.equal(log[0].previous, undefined, "the first record starts the chain");
    for (let i = 1; i < log.length; i++) assert.equal(log[i].previous, sha(log[i - 1]));
    const verdict = verifyAuditChain(log);
    assert.deepEqual(verdict, { valid: true, count: 6, head: sha(log.at(-1)) });
    assert.equal(verdict.head, fingerprint(log.at(-1)));
    assert.deepEqual(verifyAuditChain(JSON.stringify(log)), verdict, "JSON text answers the same");
  });

  test("a changed, removed, reordered or inserted record is found at the right index", () => {
    const log = releaseLog();
    const changed = structuredClone(log);
    changed[2].actor = "mallory";
    assert.equal(verifyAuditChain(changed).brokenAt, 3);
    const removed = log.filter((_, i) => i !== 2);
    assert.equal(verifyAuditChain(removed).brokenAt, 2);
    const reordered = [log[0], log[2], log[1], ...log.slice(3)];
    assert.equal(verifyAuditChain(reordered).brokenAt, 1);
    const forged = { event: "workspace.publish", actor: "mallory", allowed: true, codes: [], fingerprint: sha({}), previous: sha(log[3]) };
    const inserted = [...log.slice(0, 4), forged, ...log.slice(4)];
    const verdict = verifyAuditChain(inserted);
    assert.equal(verdict.valid, false);
    assert.equal(verdict.brokenAt, 5);
    assert.equal(verdict.head, sha(inserted.at(-1)));
    assert.equal(verifyAuditChain(log.slice(1)).brokenAt, 0, "a log cut at its start");
  });

  test("an empty log is valid with a null head; what is no array of objects is bad input", () => {
    assert.deepEqual(verifyAuditChain([]), { valid: true, count: 0, head: null });
    assert.deepEqual(verifyAuditChain("[]"), { valid: true, count: 0, head: null });
    throwsPromotionRulesError(() => verifyAuditChain({}), "INVALID_INPUT", "");
    throwsPromotionRulesError(() => verifyAuditChain([{}, "x"]), "INVALID_INPUT", "/1");
    throwsPromotionRulesError(() => verifyAuditChain("[{}, {}"), "INVALID_INPUT");
  });

  test("previousAudit must be a fingerprint, at /previousAudit", () => {
    const rules = new PromotionRules();
    const request = { actor: dana(), from: "dev", to: "test", source: sample("dev"), previousAudit: "sha256:1234" };
    throwsPromotionRulesError(() => rules.planSync(request), "INVALID_INPUT", "/previousAudit");
    throwsPromotionRulesError(() => rules.planSync(JSON.stringify({ ...request, previousAudit: 1 })), "INVALID_INPUT", "/previousAudit");
    assert.equal("previous" in rules.planSync({ ...request, previousAudit: undefined }).audit, false);
    rules.free();
  });

  test("100,000 records verify in linear time (ten times the records, about ten times the time)", () => {
    const build = (n) => {
      const log = [];
      for (let i = 0; i < n; i++) {
        const record = { event: "workspace.sync", actor: `a${i % 9}`, allowed: true, codes: [], fingerprint: `sha256:${String(i).padStart(64, "0")}` };
        if (i > 0) record.previous = sha(log[i - 1]);
        log.push(record);
      }
      return JSON.stringify(log);
    };
    const best = (text) => {
      let best = Infinity;
      for (let round = 0; round < 3; round++) {
        const started = performance.now();
        assert.equal(verifyAuditChain(text).valid, true);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    const small = build(10_000);
    const large = build(100_000);
    const ratio = best(large) / best(small);
    assert.ok(ratio < 25, `100,000 records took ${ratio.toFixed(1)} times as long as 10,000`);
  });
});

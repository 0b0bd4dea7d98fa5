// Gates through the installed package, and promotion windows checked against a second time-zone
// source: the JS engine's own IANA database, through `Intl.DateTimeFormat` with the zone.
// For generated windows, zones and instants, the package's `window.open` and `nextAllowedAt`
// must agree with the wall clock Intl reads: `now` is closed, `nextAllowedAt` is open, carries
// the zone's offset at that instant, and no minute in between is open.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { PromotionRules, defaultPolicy } from "promotion-rules";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const ZONES = [
  "Europe/Rome",
  "America/New_York",
  "Australia/Lord_Howe",
  "Australia/Sydney",
  "Asia/Kolkata",
  "America/St_Johns",
  "Pacific/Chatham",
  "Europe/London",
  "America/Santiago",
  "UTC",
];

const formatters = new Map();
/** The wall clock of `zone` at instant `ms`, read by Intl: day count, weekday (0 = Monday), minute. */
function wallClock(zone, ms) {
  if (!formatters.has(zone)) {
    formatters.set(
      zone,
      new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        weekday: "short",
        timeZoneName: "longOffset",
      }),
    );
  }
  const parts = Object.fromEntries(formatters.get(zone).formatToParts(ms).map((p) => [p.type, p.value]));
  const day = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) / 86_400_000;
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
  const offset = parts.timeZoneName === "GMT" ? "+00:00" : parts.timeZoneName.slice(3);
  return { day, weekday, minute: Number(parts.hour) * 60 + Number(parts.minute), offset };
}

const minutes = (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** The spec's rule, on Intl's wall clock: in an allow window and in no deny window. */
function openAt(windows, ms) {
  const { weekday, minute } = wallClock(windows.timeZone, ms);
  const inWindow = (w) => {
    const [from, to] = [minutes(w.from), minutes(w.to)];
    const on = (d) => w.days.includes(DAYS[(d + 7) % 7]);
    return from < to ? on(weekday) && from <= minute && minute < to : (on(weekday) && minute >= from) || (on(weekday - 1) && minute < to);
  };
  const denied = (windows.deny ?? []).some((d) =>
    "days" in d ? inWindow(d) : Date.parse(d.from) <= ms && ms < Date.parse(d.to),
  );
  return !denied && (windows.allow === undefined || windows.allow.some(inWindow));
}

function engine(windows) {
  return new PromotionRules({ ...defaultPolicy(), gates: { test: { windows } } });
}

const dana = { id: "dana", roles: ["developer"] };
function windowAt(rules, now) {
  const plan = rules.planSync({ actor: dana, from: "dev", to: "test", source: {}, now });
  return plan;
}

const clock = (m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const weekly = fc
  .record({ days: fc.subarray(DAYS, { minLength: 1 }), from: fc.integer({ min: 0, max: 1439 }), to: fc.integer({ min: 0, max: 1439 }) })
  .map(({ days, from, to }) => ({ days, from: clock(from), to: clock(to) }));

describe("promotion windows agree with Intl's time zones", () => {
  test("open, nextAllowedAt and every minute in between, over generated zones, windows and instants", () => {
    let closed = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.array(weekly, { minLength: 1, maxLength: 2 }),
        fc.array(weekly, { maxLength: 1 }),
        // 2025 … 2030, any second.
        fc.integer({ min: 1_735_689_600, max: 1_924_991_999 }),
        (timeZone, allow, deny, seconds) => {
          const windows = { timeZone, allow, deny };
          const rules = engine(windows);
          try {
            const now = new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
            const plan = windowAt(rules, now);
            const window = plan.gates.window;
            assert.equal(window.timeZone, timeZone);
            assert.equal(typeof plan.gates.tzdb, "string");
            assert.equal(window.open, openAt(windows, seconds * 1000), `open at ${now} in ${timeZone}`);
            if (window.open || window.nextAllowedAt === undefined) return;
            closed += 1;
            const next = Date.parse(window.nextAllowedAt);
            assert.ok(next >= seconds * 1000);
            assert.ok(openAt(windows, next), `${window.nextAllowedAt} is closed by Intl's clock`);
            const written = window.nextAllowedAt.endsWith("Z") ? "+00:00" : window.nextAllowedAt.slice(-6);
            assert.equal(written, wallClock(timeZone, next).offset, `the offset of ${window.nextAllowedAt} in ${timeZone}`);
            // No open minute between now and nextAllowedAt (checked up to 8 days).
            const end = Math.min(next, seconds * 1000 + 8 * 86_400_000);
            for (let t = Math.ceil((seconds * 1000 + 1) / 60_000) * 60_000; t < end; t += 60_000) {
              assert.ok(!openAt(windows, t), `${new Date(t).toISOString()} is open before ${window.nextAllowedAt}`);
            }
          } finally {
            rules.free();
          }
        },
      ),
      { numRuns: 60, seed: 11 },
    );
    assert.ok(closed > 10, `only ${closed} closed cases`);
  });

  test("the daylight-saving days of Rome, New York and Lord Howe", () => {
    const cases = [
      ["Europe/Rome", [{ days: ["sun"], from: "02:30", to: "04:00" }], "2026-03-29T00:30:00Z", "2026-03-29T03:00:00+02:00"],
      ["Europe/Rome", [{ days: ["mon"], from: "09:00", to: "17:00" }], "2026-10-23T16:00:00Z", "2026-10-26T09:00:00+01:00"],
      ["America/New_York", [{ days: ["sun"], from: "02:30", to: "04:00" }], "2026-03-08T05:00:00Z", "2026-03-08T03:00:00-04:00"],
      ["America/New_York", [{ days: ["mon"], from: "09:00", to: "17:00" }], "2026-10-30T22:00:00Z", "2026-11-02T09:00:00-05:00"],
      ["Australia/Lord_Howe", [{ days: ["sun"], from: "02:00", to: "02:30" }], "2026-10-03T14:30:00Z", "2026-10-11T02:00:00+11:00"],
    ];
    for (const [timeZone, allow, now, expected] of cases) {
      const rules = engine({ timeZone, allow });
      const window = windowAt(rules, now).gates.window;
      rules.free();
      assert.equal(window.nextAllowedAt, expected, `${timeZone} from ${now}`);
      assert.ok(openAt({ timeZone, allow }, Date.parse(expected)));
    }
  });
});

describe("approvals through the package", () => {
  const policy = { ...defaultPolicy(), gates: { uat: { approvals: { required: 2, roles: ["business"] } } } };
  const quinn = { id: "quinn", roles: ["qa"] };
  const source = { agents: [{ id: "support-bot", tone: "friendly", updatedBy: "dana" }] };
  const review = (id, fingerprint, decision = "approve") => ({ actor: { id, roles: ["business"] }, environment: "uat", fingerprint, decision });

  test("a quorum bound to the plan's fingerprint; an edit makes every approval stale", () => {
    const rules = new PromotionRules(policy);
    const preview = rules.planSync({ actor: quinn, from: "test", to: "uat", source });
    assert.deepEqual(preview.gates.approvals.missing, 2);
    const approvals = [review("bea", preview.fingerprint), review("bo", preview.fingerprint)];
    const approved = rules.planSync(JSON.stringify({ actor: quinn, from: "test", to: "uat", source, approvals }));
    assert.equal(approved.allowed, true);
    assert.deepEqual(approved.audit.approvers, ["bea", "bo"]);
    const edited = { agents: [{ ...source.agents[0], tone: "formal" }] };
    const stale = rules.planSync({ actor: quinn, from: "test", to: "uat", source: edited, approvals });
    assert.deepEqual(stale.violations.map((v) => v.code), ["APPROVALS_MISSING"]);
    assert.deepEqual(stale.warnings.map((w) => [w.code, w.path]), [
      ["STALE_APPROVAL", "/approvals/0/fingerprint"],
      ["STALE_APPROVAL", "/approvals/1/fingerprint"],
    ]);
    rules.free();
  });

  test("a gate that needs the clock refuses a request without now", () => {
    const rules = new PromotionRules({ ...defaultPolicy(), gates: { test: { windows: { timeZone: "UTC" } } } });
    assert.throws(
      () => rules.planSync({ actor: dana, from: "dev", to: "test", source: {} }),
      (error) => error.name === "PromotionRulesError" && error.code === "INVALID_INPUT" && error.path === "/now",
    );
    rules.free();
  });
});

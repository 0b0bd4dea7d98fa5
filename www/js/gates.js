// Gates in the previews: the approvals, soak time and promotion windows of the target, as the
// package answers them (plan.gates), with what is still missing; reviews given as the person acting
// (the actor picker); and a what-if "now". The page's clock is the browser's; a back end would use
// its own.
import { h } from "./dom.js";
import { state, emit, clone, envLabel } from "./state.js";

/** When the sample environments received their content (the samples' "as of" date). */
export const SAMPLE_SINCE = "2025-11-03T00:00:00Z";

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The instant the gates judge: the what-if "now", else the browser's clock. */
export function gateNow() {
  return state.now || new Date().toISOString();
}

/** Adds the gate fields to a sync or publish request: reviews, now, and (sync) when the source got its content. */
export function withGateFields(request, { source } = {}) {
  const approvals = state.approvals.filter((a) => state.chain.includes(a.environment));
  if (approvals.length) request.approvals = clone(approvals);
  request.now = gateNow();
  if (source) request.sourceSince = state.since[source] ?? SAMPLE_SINCE;
  return request;
}

/** "2 approvals (business) · soak PT24H · windows Europe/Rome" for a pipeline card, or null. */
export function gateSummary(env) {
  const gate = state.policy?.gates?.[env];
  if (!gate) return null;
  const parts = [];
  if (gate.approvals) parts.push(`${gate.approvals.required} approval${gate.approvals.required === 1 ? "" : "s"} (${gate.approvals.roles.join(" or ")})`);
  if (gate.minSoak) parts.push(`soak ${gate.minSoak}`);
  if (gate.windows) parts.push(`windows ${gate.windows.timeZone}${gate.windows.deny?.length ? `, ${gate.windows.deny.length} deny` : ""}`);
  return h("p", { class: "env-gate small", "data-gate": env }, h("strong", {}, "Gate: "), parts.join(" · "));
}

function when(instant, timeZone) {
  const date = new Date(instant);
  const opts = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  const zoned = timeZone ? `${new Intl.DateTimeFormat("en-GB", { ...opts, timeZone }).format(date)} ${timeZone}` : null;
  const local = `${new Intl.DateTimeFormat("en-GB", opts).format(date)} your time`;
  return zoned ? `${zoned} (${local})` : local;
}

const WHY = {
  STALE_APPROVAL: "stale: the plan changed after the review",
  INELIGIBLE_APPROVER: "holds none of the roles that may approve",
  SELF_APPROVAL: "the actor or an author of the change",
};

function review(decision, env, fingerprint, comment) {
  state.approvals = [
    ...state.approvals,
    { actor: clone(state.actor), environment: env, fingerprint, decision, at: gateNow(), ...(comment ? { comment } : {}) },
  ];
  emit("gates");
}

/** The card of a plan's gate (null when the target has none). `id` prefixes the element ids. */
export function gatePanel(plan, { id }) {
  const gate = plan.gates;
  if (!gate) return null;
  const env = gate.environment;
  const blocks = [];
  if (gate.approvals) {
    const a = gate.approvals;
    const status = new Map();
    for (const who of a.counted) status.set(who, ["counted", "approved: counted"]);
    for (const who of a.rejected) status.set(who, ["rejected", "rejected"]);
    for (const { actor, code } of a.notCounted) status.set(actor, [code, `not counted: ${WHY[code] ?? code}`]);
    const comment = h("input", { type: "text", id: `${id}-comment`, placeholder: "optional", autocomplete: "off" });
    blocks.push(
      h(
        "div",
        { class: "gate-block", id: `${id}-approvals`, "data-missing": String(a.missing) },
        h("h4", {}, "Approvals"),
        h(
          "p",
          {},
          `${a.counted.length} of ${a.required} counted, from ${a.roles.join(" or ")}: `,
          h("strong", {}, a.missing ? `${a.missing} more needed` : "quorum reached"),
          ".",
        ),
        status.size
          ? h(
              "ul",
              { class: "gate-reviews" },
              [...status].map(([who, [code, text]]) => h("li", { "data-approver": who, "data-status": code }, h("strong", {}, who), ` ${text}`)),
            )
          : h("p", { class: "none" }, "No review for this plan yet."),
        h(
          "div",
          { class: "row" },
          h("label", { class: "field" }, h("span", { class: "field-label" }, "Comment"), comment),
          h("button", { type: "button", class: "btn btn-small", id: `${id}-approve`, onClick: () => review("approve", env, plan.fingerprint, comment.value.trim()) }, `Approve as ${state.actor.id}`),
          h("button", { type: "button", class: "btn btn-small", id: `${id}-reject`, onClick: () => review("reject", env, plan.fingerprint, comment.value.trim()) }, `Reject as ${state.actor.id}`),
          state.approvals.length
            ? h("button", { type: "button", class: "link-btn", id: `${id}-clear`, onClick: () => { state.approvals = []; emit("gates"); } }, "Clear all reviews")
            : null,
        ),
        h("p", { class: "small muted" }, `A review approves this plan's fingerprint (${plan.fingerprint.slice(0, 19)}…): any change of what it promotes makes it stale. Pick another person above to review as them.`),
      ),
    );
  }
  if (gate.soak) {
    const s = gate.soak;
    blocks.push(
      h(
        "div",
        { class: "gate-block", id: `${id}-soak`, "data-met": String(s.met) },
        h("h4", {}, "Soak time"),
        h("p", {}, `${s.required} in the source, which holds its content since ${when(s.since)}: `, h("strong", {}, s.met ? "met" : `met at ${when(s.metAt)}`), "."),
      ),
    );
  }
  if (gate.window) {
    const w = gate.window;
    const state_ = w.open ? "open now" : w.bypassed ? "closed, bypassed by the declared hotfix" : "closed";
    blocks.push(
      h(
        "div",
        { class: "gate-block", id: `${id}-window`, "data-open": String(w.open) },
        h("h4", {}, "Promotion window"),
        h("p", {}, `${envLabel(env)} (${w.timeZone}) is `, h("strong", {}, state_), w.reason ? ` — ${w.reason}` : "", "."),
        w.nextAllowedAt
          ? h("p", { id: `${id}-next`, "data-next": w.nextAllowedAt }, "Next allowed: ", h("strong", {}, when(w.nextAllowedAt, w.timeZone)), ".")
          : w.open
            ? null
            : h("p", {}, "No allowed time in the next 400 days."),
        h("p", { class: "small muted" }, `Time zones: IANA ${gate.tzdb}.`),
      ),
    );
  }
  return h("section", { class: "card gate", id, "aria-label": `Gate of ${envLabel(env)}` }, h("h3", {}, `Gate of ${envLabel(env)}`), blocks);
}

/** The what-if "now" control: an RFC 3339 instant, or the browser's clock. */
export function nowControl(id) {
  const input = h("input", { type: "text", id, value: state.now, placeholder: "the clock", autocomplete: "off", spellcheck: "false", "aria-describedby": `${id}-error` });
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const apply = () => {
    const value = input.value.trim();
    if (value && !(RFC3339.test(value) && !Number.isNaN(Date.parse(value)))) {
      error.textContent = "Write an RFC 3339 instant with an offset, e.g. 2026-12-21T10:00:00+01:00.";
      error.hidden = false;
      return;
    }
    error.hidden = true;
    if (value !== state.now) {
      state.now = value;
      emit("gates");
    }
  };
  input.addEventListener("change", apply);
  return h(
    "div",
    { class: "input-chip gate-now" },
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Now, for the gates (what-if)"), input),
    h("div", { class: "row" }, h("button", { type: "button", class: "link-btn", id: `${id}-clock`, onClick: () => { input.value = ""; apply(); } }, "Use the clock")),
    error,
  );
}

// Activity: the audit log of what was applied in this session (syncs, edits, publishes, rollbacks).
// The log is an audit chain: every request sent `previousAudit` — the fingerprint of the newest
// stored record — so each record names the one before it, and `verifyAuditChain` proves that no
// record was changed, removed, reordered or slipped in afterwards.
import { h, clear, fmtTime, download } from "./dom.js";
import { state, on, emit, envLabel } from "./state.js";

let verdict = null; // the last verifyAuditChain answer, until the log changes

export function initActivity(panel) {
  const body = h("div", { id: "activity-body" });
  panel.append(
    h(
      "div",
      { class: "panel-head" },
      h("h2", {}, "Activity"),
      h(
        "p",
        { class: "muted" },
        "The audit record the engine answered for every sync, edit, publish and rollback applied in this session, newest first. Each one names the fingerprint of the record before it (an audit chain): Verify recomputes the links.",
      ),
    ),
    body,
  );
  on(["log"], (topics) => {
    if (!topics.has("verified")) verdict = null;
    render(body);
  });
}

/** The log oldest first: the order of the chain. */
const chain = () => [...state.log].reverse();

function verify() {
  try {
    verdict = state.mod.verifyAuditChain(chain());
  } catch (error) {
    verdict = { error: `${error.code ?? "Error"}: ${error.message}` };
  }
  emit("log", "verified");
}

/** A demo of what Verify catches: someone edits the oldest record after the fact. */
function tamper() {
  const oldest = state.log.at(-1);
  if (oldest) oldest.actor = `${oldest.actor}-edited`;
  emit("log");
}

function verdictBox() {
  if (!verdict) return null;
  if (verdict.error) return h("div", { class: "error-box", id: "chain-verdict", role: "status" }, verdict.error);
  if (verdict.valid) {
    return h(
      "div",
      { class: "ok-box", id: "chain-verdict", role: "status", "data-valid": "true" },
      h("span", {}, h("strong", {}, `Chain intact: ${verdict.count} record${verdict.count === 1 ? "" : "s"}. `), "Head ", h("code", { class: "small" }, verdict.head ?? "—"), " — keep it elsewhere to detect records removed at the end."),
    );
  }
  const position = verdict.brokenAt + 1;
  return h(
    "div",
    { class: "error-box", id: "chain-verdict", role: "status", "data-valid": "false", "data-broken-at": String(verdict.brokenAt) },
    h("strong", {}, `Chain broken at record ${position} of ${verdict.count}. `),
    verdict.brokenAt === 0
      ? "The oldest record names a record before it: the log was cut at its start."
      : `Its previous does not match the fingerprint of record ${position - 1}: that record was changed, or records were removed, reordered or inserted.`,
  );
}

function render(body) {
  const badge = document.getElementById("activity-count");
  badge.hidden = !state.log.length;
  badge.textContent = String(state.log.length);
  if (!state.log.length) {
    clear(body, h("section", { class: "card" }, h("p", { class: "none" }, "Nothing applied yet. Apply a sync, save an edit, publish or roll back, and its audit record appears here.")));
    return;
  }
  const ordered = chain();
  const brokenAt = verdict && !verdict.valid ? verdict.brokenAt : -1;
  clear(
    body,
    h(
      "section",
      { class: "card" },
      h(
        "div",
        { class: "card-head" },
        h("h3", {}, `${state.log.length} record${state.log.length === 1 ? "" : "s"}`),
        h(
          "div",
          { class: "row" },
          h("button", { type: "button", class: "btn btn-small btn-primary", id: "verify-chain", onClick: verify }, "Verify the chain"),
          h(
            "button",
            { type: "button", class: "btn btn-small", id: "tamper-chain", title: "Changes the actor of the oldest record, as someone editing the log afterwards would", onClick: tamper },
            "Simulate tampering",
          ),
          h("button", { type: "button", class: "btn btn-small", onClick: () => download(JSON.stringify(ordered, null, 2), "audit-log.json") }, "Download audit log"),
        ),
      ),
      verdictBox(),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "data-table", id: "activity-table" },
          h(
            "thead",
            {},
            h("tr", {}, ["#", "Time", "Event", "Actor", "Where", "Outcome", "Codes", "Fingerprint", "Previous record"].map((t) => h("th", { scope: "col" }, t))),
          ),
          h(
            "tbody",
            {},
            state.log.map((r, i) => {
              const index = state.log.length - 1 - i; // position in the chain, oldest = 0
              return h(
                "tr",
                { "data-index": String(index), class: index === brokenAt ? "broken" : "" },
                h("td", {}, String(index + 1)),
                h("td", {}, fmtTime(new Date(r.at))),
                h("td", {}, h("code", {}, r.event), r.summary ? h("div", { class: "small muted" }, r.summary) : null),
                h("td", {}, r.actor),
                h("td", {}, r.from ? `${envLabel(r.from)} → ${envLabel(r.to)}` : envLabel(r.environment ?? "")),
                h("td", {}, r.allowed ? "✓ allowed" : "✕ refused"),
                h("td", {}, r.codes.length ? r.codes.map((c) => h("code", { class: "code" }, c)) : h("span", { class: "muted" }, "—")),
                h("td", {}, h("code", { class: "small" }, r.fingerprint)),
                h("td", {}, r.previous ? h("code", { class: "small", title: r.previous }, `${r.previous.slice(0, 19)}…`) : h("span", { class: "muted" }, "— (first)")),
              );
            }),
          ),
        ),
      ),
    ),
  );
}

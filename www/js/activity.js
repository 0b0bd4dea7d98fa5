// Activity: the audit records of what was applied in this session (syncs, edits, publishes).
import { h, clear, fmtTime, download } from "./dom.js";
import { state, on, envLabel } from "./state.js";

export function initActivity(panel) {
  const body = h("div", { id: "activity-body" });
  panel.append(
    h(
      "div",
      { class: "panel-head" },
      h("h2", {}, "Activity"),
      h("p", { class: "muted" }, "The audit record the engine answered for every sync, edit and publish applied in this session, newest first."),
    ),
    body,
  );
  on(["log"], () => {
    const badge = document.getElementById("activity-count");
    badge.hidden = !state.log.length;
    badge.textContent = String(state.log.length);
    if (!state.log.length) {
      clear(body, h("section", { class: "card" }, h("p", { class: "none" }, "Nothing applied yet. Apply a sync, save an edit or publish, and its audit record appears here.")));
      return;
    }
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
            "button",
            { type: "button", class: "btn btn-small", onClick: () => download(JSON.stringify(state.log, null, 2), "audit-log.json") },
            "Download audit log",
          ),
        ),
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "data-table" },
            h(
              "thead",
              {},
              h("tr", {}, ["Time", "Event", "Actor", "Where", "Outcome", "Codes", "Fingerprint"].map((t) => h("th", { scope: "col" }, t))),
            ),
            h(
              "tbody",
              {},
              state.log.map((r) =>
                h(
                  "tr",
                  {},
                  h("td", {}, fmtTime(r.at)),
                  h("td", {}, h("code", {}, r.event), r.summary ? h("div", { class: "small muted" }, r.summary) : null),
                  h("td", {}, r.actor),
                  h("td", {}, r.from ? `${envLabel(r.from)} → ${envLabel(r.to)}` : envLabel(r.environment ?? "")),
                  h("td", {}, r.allowed ? "✓ allowed" : "✕ refused"),
                  h("td", {}, r.codes.length ? r.codes.map((c) => h("code", { class: "code" }, c)) : h("span", { class: "muted" }, "—")),
                  h("td", {}, h("code", { class: "small" }, r.fingerprint)),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  });
}

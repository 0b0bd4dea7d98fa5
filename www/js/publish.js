// Publish and hotfix: planPublish in the worker (go-live or hotfix), the hotfix records and their
// instruction to recreate them in the first environment.
import { gatePanel, nowControl, withGateFields } from "./gates.js";
import { h, clear, icon, n, fmtTime, plural, toast, debounce } from "./dom.js";
import { actionButton, banner, issueList, showInspector, changeSet, fingerprints, exportButtons, errorBox, callout, suggestPeople } from "./components.js";
import { rememberVersion } from "./rollback.js";
import { state, on, emit, clone, chained, actorProblem, envLabel, record, findItem, itemTitle } from "./state.js";

let app;
let els;
let current = null;
let mode = "goLive";
let notice = null;

const prod = () => state.chain[state.chain.length - 1];
const first = () => state.chain[0];

export function setHotfixReason(reason) {
  mode = "hotfix";
  els.reason.value = reason;
  els.modeHotfix.checked = true;
  renderMode();
  emit("publish");
}

export function initPublish(panel, appContext) {
  app = appContext;
  const modeGoLive = h("input", { type: "radio", name: "publish-mode", value: "goLive", checked: true, id: "mode-golive" });
  const modeHotfix = h("input", { type: "radio", name: "publish-mode", value: "hotfix", id: "mode-hotfix" });
  const reason = h("textarea", { id: "hotfix-reason", rows: "2", "aria-describedby": "hotfix-reason-help", placeholder: "e.g. Customers complain the front desk sounds curt; soften the tone now." });
  reason.classList.add("reason-input");
  els = {
    modeGoLive,
    modeHotfix,
    reason,
    reasonField: h(
      "label",
      { class: "field", id: "hotfix-reason-field" },
      h("span", { class: "field-label" }, "Reason for the hotfix (required)"),
      reason,
      h("span", { class: "small muted", id: "hotfix-reason-help" }, "Recorded with every item published as a hotfix."),
    ),
    context: h("div", { class: "inputs-line flush" }),
    status: h("div", { class: "status" }),
    live: h("p", { class: "sr-only", role: "status", "aria-live": "polite" }),
    notice: h("div", { id: "publish-notice" }),
    result: h("div", { class: "result", id: "publish-result" }),
    records: h("section", { class: "card", id: "hotfix-records", "aria-label": "Hotfix records" }),
    title: h("h2", {}, "Publish"),
  };
  for (const radio of [modeGoLive, modeHotfix]) {
    radio.addEventListener("change", () => {
      mode = radio.value;
      renderMode();
      emit("publish");
    });
  }
  reason.addEventListener("input", debounce(() => emit("publish"), 250));

  panel.append(
    h(
      "div",
      { class: "panel-head" },
      els.title,
      h(
        "p",
        { class: "muted" },
        "Publishing makes the production workspace live. A go-live publishes exactly what was synced in; a hotfix publishes changes made in production itself, which must then be recreated upstream.",
      ),
    ),
    h(
      "section",
      { class: "card stack", "aria-label": "How to publish" },
      els.context,
      h(
        "fieldset",
        { class: "radio-cards" },
        h("legend", { class: "sr-only" }, "Publish mode"),
        h(
          "label",
          { class: "radio-card" },
          modeGoLive,
          h("span", {}, h("strong", {}, "Go-live"), h("span", {}, "Publish what the last sync put into production. Any in-place change blocks it.")),
        ),
        h(
          "label",
          { class: "radio-card" },
          modeHotfix,
          h("span", {}, h("strong", {}, "Hotfix"), h("span", {}, "Publish changes made in production now, with a reason. Needs the hotfix action.")),
        ),
      ),
      els.reasonField,
      h(
        "div",
        { class: "row" },
        h(
          "button",
          {
            type: "button",
            class: "btn",
            id: "edit-in-place",
            onClick: () => app.openEdit({ env: prod(), hotfix: true, reason: els.reason.value }),
          },
          icon("wrench"),
          "Edit production in place…",
        ),
        h("span", { class: "small muted" }, "Make a hotfix (e.g. change an agent's tone), check it, then publish it here."),
      ),
    ),
    els.notice,
    els.status,
    els.live,
    els.result,
    els.records,
  );
  renderMode();
  on(["policy", "workspace", "base", "live", "gates"], renderContext);
  on(["policy", "actor", "workspace", "base", "live", "publish", "gates", "log"], replan);
  on(["policy", "hotfixes", "workspace", "actor"], renderRecords);
}

function renderMode() {
  const hotfix = mode === "hotfix";
  els.reasonField.hidden = !hotfix;
  els.reason.required = hotfix;
}

function renderContext() {
  const env = prod();
  els.title.textContent = `Publish ${envLabel(env)}`;
  const base = state.bases[env];
  const drift = base ? state.drift[env] : null;
  clear(
    els.context,
    h("div", { class: "input-chip" }, h("span", { class: "label" }, "Live now"), h("span", { class: "value" }, state.liveOrigin)),
    h(
      "div",
      { class: "input-chip" },
      h("span", { class: "label" }, `${envLabel(env)} workspace`),
      h("span", { class: "value" }, state.origin[env]),
      drift && drift.length ? h("span", { class: "small" }, `⚠ ${plural(drift.length, "item")} changed in place`) : null,
    ),
    h(
      "div",
      { class: "input-chip" },
      h("span", { class: "label" }, "Base manifest"),
      h("span", { class: "value" }, base ? "Recorded" : "None"),
      h("span", { class: "small muted" }, base ? state.baseOrigin[env] : "Without a base the engine cannot tell a go-live from a hotfix."),
      h("div", { class: "row" }, h("button", { type: "button", class: "link-btn", onClick: () => app.openData(`base:${env}`) }, "Load or paste…")),
    ),
    state.policy?.gates?.[env] ? nowControl("publish-now") : null,
  );
}

let busyTimer = 0;
function setBusy(busy) {
  clearTimeout(busyTimer);
  els.result.setAttribute("aria-busy", String(busy));
  els.result.inert = busy;
  els.result.classList.toggle("stale", busy);
  if (busy) busyTimer = setTimeout(() => clear(els.status, h("span", { class: "spinner", "aria-hidden": "true" }), "Computing the publish plan…"), 120);
  else clear(els.status);
}

async function replan() {
  clear(els.notice, notice ?? []);
  const env = prod();
  const problem = actorProblem();
  if (problem) {
    current = null;
    clear(els.result, banner({ neutral: true, title: "Who is acting?", detail: problem }));
    return;
  }
  const reason = els.reason.value.trim();
  if (mode === "hotfix" && !reason) {
    current = null;
    clear(
      els.result,
      banner({
        neutral: true,
        title: "A hotfix needs a reason",
        detail: "Say why production must change now; the preview appears as soon as there is a reason.",
        action: actionButton({ label: `Publish ${envLabel(env)}`, iconName: "rocket", primary: true, allowed: false, reason: "Enter the reason for the hotfix first.", id: "publish-button", onClick: () => {} }),
      }),
    );
    return;
  }
  const request = { actor: clone(state.actor), workspace: state.workspaces[env], live: state.live };
  if (state.bases[env]) request.base = state.bases[env];
  if (mode === "hotfix") request.hotfix = { reason };
  withGateFields(request);
  chained(request);
  setBusy(true);
  const answer = await app.engine.run("publish", "planPublish", state.policyText, JSON.stringify(request));
  if (answer.stale) return;
  setBusy(false);
  if (answer.error) {
    current = null;
    clear(els.result, errorBox(answer.error, { title: answer.error.code ? "The request was refused as bad input" : "The rules engine could not answer (is pkg/ being rebuilt? reload the page)" }));
    return;
  }
  current = { plan: answer.result, request };
  render();
}

function render() {
  const { plan, request } = current;
  const env = envLabel(prod());
  const inspector = h("div", { id: "publish-inspector" });
  const violations = plan.violations.length;
  const modeLabel = plan.mode === "hotfix" ? "Hotfix" : "Go-live";
  const nothing = plan.changes && !plan.changes.summary.added && !plan.changes.summary.modified && !plan.changes.summary.removed && !plan.changes.local.length;
  const publish = actionButton({
    label: plan.mode === "hotfix" ? `Publish hotfix to ${env}` : `Publish ${env} (go-live)`,
    iconName: "rocket",
    primary: true,
    allowed: plan.allowed && !nothing,
    reason: violations
      ? `Blocked: ${plan.violations[0].message}${violations > 1 ? ` (and ${violations - 1} more)` : ""}`
      : nothing
        ? "The workspace is what is live already."
        : null,
    id: "publish-button",
    onClick: () => doPublish(),
  });
  const s = plan.changes?.summary;
  const upToDate = s && !s.added && !s.modified && !s.removed && !plan.changes.local.length;
  const title = upToDate
    ? `Nothing to publish: ${env} is live as it is`
    : plan.allowed
      ? `Allowed: ${modeLabel.toLowerCase()} by ${state.actor.id}`
      : `Blocked: this ${modeLabel.toLowerCase()} cannot be published`;
  const detail = [
    `Mode: ${modeLabel}`,
    s ? ` · versus live: ${n(s.added)} added, ${n(s.modified)} modified, ${n(s.removed)} removed` : "",
    plan.hotfixes.length ? ` · ${plural(plan.hotfixes.length, "item")} published as hotfix` : "",
    violations ? ` · ${plural(violations, "violation")}: ${[...new Set(plan.violations.map((v) => v.code))].join(", ")}` : "",
    plan.warnings.length ? ` · ${plural(plan.warnings.length, "warning")}` : "",
  ].join("");

  els.live.textContent = `Publish preview updated. ${title}. ${detail}.`;
  const hotfixes = plan.hotfixes.length
    ? h(
        "section",
        { class: "card", id: "plan-hotfixes", "aria-label": "Items published as hotfix" },
        h("h3", {}, `Published as hotfix (${plan.hotfixes.length})`),
        callout(`These changes go live now but are not propagated: recreate each one in ${envLabel(first())} and promote it through the chain, or the next sync into ${env} will flag it (WOULD_REVERT_HOTFIX).`, "warn"),
        hotfixTable(plan.hotfixes.map((x) => ({ ...x }))),
      )
    : null;

  clear(
    els.result,
    banner({ allowed: plan.allowed, neutral: upToDate, title, detail, action: publish, id: "publish-banner" }),
    issueList(plan, {
      request,
      onShow: (path) => showInspector(inspector, request, path, "Publish request"),
      idPrefix: "publish-issue",
      extra: (issue) => (issue.code === "FORBIDDEN" ? suggestPeople(request.hotfix ? "hotfix" : "publish", prod(), app.actAs) : null),
    }),
    gatePanel(plan, { id: "publish-gate" }),
    inspector,
    hotfixes,
    h(
      "div",
      { class: "layout-2" },
      plan.changes
        ? changeSet(plan.changes, { before: request.live, after: request.workspace, title: "What goes live", beforeLabel: "live now", afterLabel: "after publishing", idPrefix: "publish-changes" })
        : h("section", { class: "card" }, h("p", { class: "muted" }, "No live workspace to compare with.")),
      h(
        "div",
        { class: "side" },
        fingerprints([["Published content", plan.fingerprint, "published"]]),
        exportButtons([
          ["Audit record", () => JSON.stringify(plan.audit, null, 2), `audit-publish-${plan.mode}.json`],
          ["Hotfix records", () => JSON.stringify(plan.hotfixes, null, 2), "hotfixes.json"],
        ]),
      ),
    ),
  );
}

function hotfixTable(rows, { withStatus = false } = {}) {
  const dev = state.workspaces[first()];
  const body = h("tbody");
  for (const r of rows) {
    const devItem = findItem(dev, r.kind, r.id);
    const prodItem = findItem(state.workspaces[prod()], r.kind, r.id);
    let status = null;
    if (withStatus) {
      let same = false;
      if (r.fingerprint === null) same = devItem === undefined;
      else if (devItem) {
        let value = devItem;
        if (r.kind === "variables") {
          const { defaultValue, ...structure } = devItem;
          value = structure;
        }
        same = state.mod.fingerprint(value) === r.fingerprint;
      }
      status = h(
        "td",
        {},
        same
          ? h("span", { class: "tag tag-ok" }, icon("ok"), `In ${envLabel(first())}`)
          : h("span", { class: "tag tag-warn" }, icon("warning"), `Not yet in ${envLabel(first())}`),
        same
          ? null
          : h(
              "div",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: "link-btn small",
                  onClick: () => app.openEdit({ env: first(), kind: r.kind, id: r.id, draft: prodItem ?? null }),
                },
                `Recreate in ${envLabel(first())}…`,
              ),
            ),
      );
    }
    body.append(
      h(
        "tr",
        { "data-hotfix": `${r.kind}/${r.id}` },
        h("td", {}, h("code", {}, `${r.kind}/${r.id}`), h("div", { class: "item-name" }, itemTitle(prodItem, r.kind))),
        h("td", {}, r.reason),
        withStatus ? h("td", {}, `${r.by}, ${fmtTime(r.at)}`) : null,
        h("td", {}, r.fingerprint ? h("code", { class: "small" }, r.fingerprint) : h("span", { class: "absent" }, "deleted")),
        status,
      ),
    );
  }
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Item"),
          h("th", { scope: "col" }, "Reason"),
          withStatus ? h("th", { scope: "col" }, "Published") : null,
          h("th", { scope: "col" }, "Fingerprint"),
          withStatus ? h("th", { scope: "col" }, `Recreated in ${envLabel(first())}?`) : null,
        ),
      ),
      body,
    ),
  );
}

function renderRecords() {
  clear(els.records, h("h3", {}, `Hotfix records (${state.hotfixes.length})`));
  if (!state.hotfixes.length) {
    els.records.append(h("p", { class: "none" }, "No hotfix has been published in this session."));
    return;
  }
  els.records.append(
    callout(
      `Each hotfix lives only in ${envLabel(prod())}. Recreate it in ${envLabel(first())} and promote it normally; until then a sync into ${envLabel(prod())} reports WOULD_REVERT_HOTFIX.`,
      "warn",
    ),
    hotfixTable(state.hotfixes, { withStatus: true }),
  );
}

function doPublish() {
  if (!current?.plan.allowed) return;
  const { plan, request } = current;
  const env = prod();
  const when = new Date();
  state.live = clone(request.workspace);
  state.liveOrigin = `${plan.mode === "hotfix" ? "hotfix" : "go-live"} published by ${request.actor.id} at ${fmtTime(when)}`;
  for (const x of plan.hotfixes) state.hotfixes.push({ ...x, by: request.actor.id, at: when });
  rememberVersion({ label: `${plan.mode === "hotfix" ? "hotfix" : "go-live"} published by ${request.actor.id}`, workspace: request.workspace, at: when });
  record(plan.audit, { summary: plan.mode === "hotfix" ? `hotfix: ${plan.hotfixes.map((x) => `${x.kind}/${x.id}`).join(", ")}` : "go-live" });
  notice = h(
    "div",
    { class: "ok-box", role: "status", id: "publish-done" },
    icon("ok"),
    h(
      "span",
      {},
      h("strong", {}, `Published ${envLabel(env)} (${plan.mode === "hotfix" ? "hotfix" : "go-live"}).`),
      plan.hotfixes.length
        ? ` ${plural(plan.hotfixes.length, "hotfix record", "hotfix records")} added below: recreate ${plan.hotfixes.length === 1 ? "it" : "them"} in ${envLabel(first())}.`
        : " Customers now see what was synced in.",
    ),
  );
  if (mode === "hotfix") {
    mode = "goLive";
    els.modeGoLive.checked = true;
    els.reason.value = "";
    renderMode();
  }
  toast(`Published ${envLabel(env)}.`);
  emit("live", "hotfixes", "publish");
}


// Sync preview: planSync in the worker, its decision, issues, change set, what stays behind, exports, Apply.
import { h, clear, icon, n, fmtTime, plural, toast } from "./dom.js";
import { parsePointer } from "./json.js";
import {
  actionButton,
  banner,
  issueList,
  showInspector,
  changeSet,
  variableDefaults,
  fingerprints,
  exportButtons,
  errorBox,
  suggestPeople,
} from "./components.js";
import { gatePanel, nowControl, withGateFields } from "./gates.js";
import { serverCheck } from "./server.js";
import { state, on, emit, clone, chained, actorProblem, nextEnv, prevEnv, summarize, envLabel, record, rolesActingIn, PROMOTED, KIND_LABEL, LOCAL, keyOf } from "./state.js";

let app;
let els;
let current = null; // { plan, request }
let notice = null; // message after an applied sync
let server; // the server's decision next to the local one (server.js)

export function selectSync(from, to) {
  const same = from === state.sync.from && to === state.sync.to;
  state.sync = same ? { ...state.sync, from, to } : { from, to, acknowledge: [], select: null, closure: "pull" };
  notice = null;
  emit("sync");
}

export function initSync(panel, appContext) {
  app = appContext;
  const from = h("select", { id: "sync-from" });
  const to = h("select", { id: "sync-to" });
  from.addEventListener("change", () => {
    const n = nextEnv(from.value);
    selectSync(from.value, state.sync.to === from.value || !n ? state.sync.to : n);
  });
  to.addEventListener("change", () => selectSync(state.sync.from, to.value));
  server = serverCheck(() => current);
  els = {
    from,
    to,
    inputs: h("div", { class: "inputs-line" }),
    ack: h("div", { class: "row", id: "sync-ack" }),
    status: h("div", { class: "status", id: "sync-status" }),
    live: h("p", { class: "sr-only", role: "status", "aria-live": "polite" }),
    notice: h("div", { id: "sync-notice" }),
    result: h("div", { class: "result", id: "sync-result", "aria-live": "off" }),
  };
  panel.append(
    h(
      "div",
      { class: "panel-head" },
      h("h2", {}, "Sync preview"),
      h("p", { class: "muted" }, "What a sync would do, decided by the rules engine before anything is sent: is it allowed, what changes, what stays behind, what would break."),
    ),
    h(
      "section",
      { class: "card", "aria-label": "What to sync" },
      h(
        "div",
        { class: "controls" },
        h("label", { class: "field" }, h("span", { class: "field-label" }, "From (source)"), from),
        h("span", { class: "arrow", "aria-hidden": "true" }, "→"),
        h("label", { class: "field" }, h("span", { class: "field-label" }, "To (target)"), to),
      ),
      els.inputs,
      els.ack,
    ),
    els.notice,
    els.status,
    els.live,
    els.result,
    server.element,
  );
  on(["policy"], fillSelects);
  on(["policy", "sync", "workspace", "base", "gates"], renderInputs);
  on(["policy", "actor", "sync", "workspace", "base", "gates", "log"], replan);
}

function fillSelects() {
  for (const select of [els.from, els.to]) {
    clear(select, state.chain.map((env) => h("option", { value: env }, envLabel(env))));
  }
  if (!state.chain.includes(state.sync.from) || !state.chain.includes(state.sync.to)) {
    state.sync = { from: state.chain[0], to: state.chain[1], acknowledge: [], select: null, closure: "pull" };
    emit("sync");
  }
}

function renderInputs() {
  const { from, to, acknowledge } = state.sync;
  els.from.value = from;
  els.to.value = to;
  const src = summarize(state.workspaces[from]);
  const tgt = summarize(state.workspaces[to]);
  const count = (s) => `${PROMOTED.reduce((n, k) => n + s.promoted[k], 0).toLocaleString("en")} promoted items`;
  const base = state.bases[to];
  clear(
    els.inputs,
    h(
      "div",
      { class: "input-chip" },
      h("span", { class: "label" }, "Source"),
      h("span", { class: "value" }, `${envLabel(from)} workspace`),
      h("span", { class: "small muted" }, `${state.origin[from]} · ${count(src)}`),
      h("div", { class: "row" }, h("button", { type: "button", class: "link-btn", onClick: () => app.openData(`ws:${from}`) }, "Load or paste JSON…")),
    ),
    h(
      "div",
      { class: "input-chip" },
      h("span", { class: "label" }, "Target"),
      h("span", { class: "value" }, `${envLabel(to)} workspace`),
      h("span", { class: "small muted" }, `${state.origin[to]} · ${count(tgt)}`),
      h("div", { class: "row" }, h("button", { type: "button", class: "link-btn", onClick: () => app.openData(`ws:${to}`) }, "Load or paste JSON…")),
    ),
    h(
      "div",
      { class: "input-chip", id: "sync-base" },
      h("span", { class: "label" }, `Base manifest of ${envLabel(to)}`),
      h("span", { class: "value" }, base ? "Recorded" : "None — drift check off"),
      h("span", { class: "small muted" }, base ? state.baseOrigin[to] : "What the last sync put into the target; it detects in-place changes (hotfixes)."),
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", class: "link-btn", id: "record-base", onClick: () => recordBase(to) }, `Use ${envLabel(to)}'s current content`),
        h("button", { type: "button", class: "link-btn", onClick: () => app.openData(`base:${to}`) }, "Load or paste…"),
        base ? h("button", { type: "button", class: "link-btn", onClick: () => setBase(to, null, "") }, "Remove") : null,
      ),
    ),
    state.policy?.gates?.[to] ? nowControl("sync-now") : null,
  );
  clear(
    els.ack,
    acknowledge.length
      ? [
          h("span", { class: "small" }, h("strong", {}, "Acknowledged drift: ")),
          acknowledge.map((entry) =>
            h(
              "span",
              { class: "tag tag-warn", "data-ack": entry },
              entry,
              h(
                "button",
                {
                  type: "button",
                  class: "link-btn small",
                  "aria-label": `Withdraw the acknowledgement of ${entry}`,
                  onClick: () => {
                    state.sync.acknowledge = state.sync.acknowledge.filter((x) => x !== entry);
                    emit("sync");
                  },
                },
                "withdraw",
              ),
            ),
          ),
        ]
      : [],
  );
}

function setBase(env, manifest, origin) {
  state.bases[env] = manifest;
  state.baseOrigin[env] = origin;
  emit("base");
}

async function recordBase(env) {
  const prev = prevEnv(env);
  if (!prev) return toast(`${envLabel(env)} is the first environment: nothing syncs into it, so it has no base.`);
  const request = withGateFields({ actor: { id: state.actor.id || "preview", roles: [] }, from: prev, to: env, source: state.workspaces[env], target: state.workspaces[env] }, { source: prev });
  const answer = await app.engine.run(`base:${env}`, "planSync", state.policyText, JSON.stringify(request));
  if (answer.stale) return;
  if (answer.error) return toast(`Could not compute the manifest: ${answer.error.message}`);
  setBase(env, answer.result.manifest, `${envLabel(env)}'s content at ${fmtTime(new Date())}`);
  toast(`Recorded ${envLabel(env)}'s current content as its base manifest.`);
}

let busyTimer = 0;
function setBusy(busy) {
  clearTimeout(busyTimer);
  els.result.setAttribute("aria-busy", String(busy));
  els.result.inert = busy;
  els.result.classList.toggle("stale", busy);
  if (busy) {
    busyTimer = setTimeout(() => clear(els.status, h("span", { class: "spinner", "aria-hidden": "true" }), "Computing the sync plan…"), 120);
  } else clear(els.status);
}

async function replan() {
  const { from, to, acknowledge, select, closure } = state.sync;
  renderNotice();
  const problem = actorProblem();
  if (problem) {
    clear(els.result, banner({ neutral: true, title: "Who is acting?", detail: problem }));
    return;
  }
  const request = { actor: clone(state.actor), from, to, source: state.workspaces[from], target: state.workspaces[to] };
  if (state.bases[to]) request.base = state.bases[to];
  if (acknowledge.length) request.acknowledge = [...acknowledge];
  withGateFields(request, { source: from });
  chained(request);
  setBusy(true);
  // A selective sync picks among what the full sync would change: plan that too, for the list.
  let candidates = null;
  if (select) {
    const full = await app.engine.run("sync-full", "planSync", state.policyText, JSON.stringify(request));
    if (full.stale) return;
    candidates = full.result ? changedItems(full.result.changes) : [];
    request.select = [...select];
    if (closure === "refuse") request.closure = "refuse";
  }
  const answer = await app.engine.run("sync", "planSync", state.policyText, JSON.stringify(request));
  if (answer.stale) return;
  setBusy(false);
  if (answer.error) {
    current = null;
    clear(els.result, errorBox(answer.error, { title: answer.error.code ? "The request was refused as bad input" : "The rules engine could not answer (is pkg/ being rebuilt? reload the page)" }));
    return;
  }
  current = { plan: answer.result, request, ms: answer.ms, candidates: candidates ?? changedItems(answer.result.changes) };
  server.reset();
  render();
}

/** Every item a change set adds, modifies or removes: `{ item: "kind/id", how }`. */
function changedItems(changes) {
  const items = [];
  for (const kind of PROMOTED) {
    const k = changes.kinds?.[kind];
    if (!k) continue;
    for (const id of k.added) items.push({ item: `${kind}/${id}`, how: "added" });
    for (const m of k.modified) items.push({ item: `${kind}/${m.id}`, how: "modified" });
    for (const id of k.removed) items.push({ item: `${kind}/${id}`, how: "removed" });
  }
  return items;
}

/** The checkboxes of a selective sync: what to promote, and what the engine pulled in (and why). */
function selectionCard(plan, candidates) {
  const { select, closure } = state.sync;
  const selective = select !== null;
  const pulled = new Map((plan.selection?.pulledIn ?? []).map((p) => [p.item, p.because]));
  const set = (next) => {
    state.sync = { ...state.sync, ...next };
    emit("sync");
  };
  const toggle = h("input", {
    type: "checkbox",
    id: "sync-selective",
    checked: selective,
    onChange: (e) => set({ select: e.target.checked ? [] : null, closure: "pull" }),
  });
  const refuse = h("input", {
    type: "checkbox",
    id: "sync-closure-refuse",
    checked: closure === "refuse",
    disabled: !selective,
    onChange: (e) => set({ closure: e.target.checked ? "refuse" : "pull" }),
  });
  const rows = candidates.map(({ item, how }, i) => {
    const requested = selective && select.includes(item);
    const because = pulled.get(item);
    const id = `sync-pick-${i}`;
    const box = h("input", {
      type: "checkbox",
      id,
      checked: !selective || requested || because !== undefined,
      disabled: !selective || because !== undefined,
      onChange: (e) => set({ select: e.target.checked ? [...select, item] : select.filter((x) => x !== item) }),
    });
    return h(
      "li",
      { "data-item": item, "data-pulled": because === undefined ? null : "true", "data-requested": requested ? "true" : null },
      box,
      h("label", { for: id }, h("code", {}, item), " ", h("span", { class: "small muted" }, how)),
      because === undefined
        ? null
        : h(
            "span",
            { class: "tag tag-warn", title: "A selected item uses it, or it uses an item the selection removes: the engine adds it so that no reference is left dangling." },
            `pulled in with ${because}`,
          ),
    );
  });
  return h(
    "section",
    { class: "card", id: "sync-selection", "aria-label": "What to promote" },
    h("div", { class: "card-head" }, h("h3", {}, "What to promote")),
    h("label", { class: "check" }, toggle, " Promote only the items I select (selective sync)"),
    selective
      ? h(
          "p",
          { class: "small muted" },
          `${select.length} selected${pulled.size ? `, ${pulled.size} pulled in as dependencies` : ""}. Everything else in ${envLabel(plan.to)} stays exactly as it is.`,
        )
      : h("p", { class: "small muted" }, "Every change below travels (a full sync). Tick the box to pick items; what they use comes along."),
    candidates.length ? h("ul", { class: "pick-list", id: "sync-picks" }, rows) : h("p", { class: "none" }, "Nothing to pick: the sync changes nothing."),
    h("label", { class: "check small" }, refuse, " Refuse instead of pulling dependencies in (closure: refuse)"),
  );
}

function renderNotice() {
  clear(els.notice, notice ? notice : []);
}

/** "kind/id" of a drift issue: from its path into the request (e.g. /target/agents/0), else from its message. */
function driftKey(issue, request) {
  const [doc, kind, index] = parsePointer(issue.path ?? "");
  if ((doc === "target" || doc === "source") && PROMOTED.includes(kind) && index !== undefined) {
    const item = request[doc]?.[kind]?.[Number(index)];
    const id = item?.[keyOf(kind)];
    if (typeof id === "string") return `${kind}/${id}`;
  }
  const match = /"([A-Za-z]+\/[^"]+)"/.exec(issue.message);
  return match ? match[1] : null;
}

function render() {
  const { plan, request } = current;
  const from = envLabel(plan.from);
  const to = envLabel(plan.to);
  const s = plan.changes.summary;
  const inspector = h("div", { id: "sync-inspector" });
  const onShow = (path) => showInspector(inspector, request, path, "Sync request");

  const violations = plan.violations.length;
  const applyReason = violations
    ? `Blocked: ${plan.violations[0].message}${violations > 1 ? ` (and ${violations - 1} more)` : ""}`
    : null;
  const apply = actionButton({
    label: `Apply sync ${from} → ${to}`,
    iconName: "arrow",
    primary: true,
    allowed: plan.allowed,
    reason: applyReason,
    id: "apply-sync",
    onClick: () => applySync(),
  });

  const headline = plan.allowed
    ? `Allowed: ${state.actor.id} may sync ${from} → ${to}`
    : `Blocked: this sync ${from} → ${to} cannot be applied`;
  const detail = [
    `${n(s.added)} added · ${n(s.modified)} modified · ${n(s.removed)} removed · ${n(s.unchanged)} unchanged`,
    violations ? ` · ${plural(violations, "violation")}: ${[...new Set(plan.violations.map((v) => v.code))].join(", ")}` : "",
    plan.warnings.length ? ` · ${plural(plan.warnings.length, "warning")} to read` : "",
  ].join("");

  const extra = (issue) => {
    if (issue.code === "FORBIDDEN") return suggestPeople("sync", plan.from, app.actAs);
    if (issue.code !== "WOULD_REVERT_HOTFIX" && issue.code !== "CONFLICT") return null;
    const key = driftKey(issue, request);
    if (!key) return null;
    if (state.sync.acknowledge.includes(key)) {
      return h(
        "div",
        { class: "row" },
        h("span", { class: "tag tag-warn" }, icon("warning"), `Acknowledged: ${key}`),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            onClick: () => {
              state.sync.acknowledge = state.sync.acknowledge.filter((x) => x !== key);
              emit("sync");
            },
          },
          "Withdraw",
        ),
      );
    }
    const undo = issue.code === "WOULD_REVERT_HOTFIX" ? "this sync will undo the in-place change" : "the source's version will replace the target's";
    return h(
      "div",
      { class: "row" },
      h(
        "button",
        {
          type: "button",
          class: "btn btn-small",
          "data-acknowledge": key,
          onClick: () => {
            state.sync.acknowledge = [...new Set([...state.sync.acknowledge, key])];
            emit("sync");
            afterRender = () => document.getElementById("sync-banner")?.focus();
          },
        },
        `Acknowledge ${key}`,
      ),
      h("span", { class: "small muted" }, `Accepts it: ${undo}. Better: recreate the change in ${envLabel(state.chain[0])} and promote it.`),
    );
  };

  const excludedKinds = Object.entries(plan.excluded ?? {});
  const targetLocal = summarize(request.target).local;
  const stays = h(
    "section",
    { class: "card", "aria-label": "What stays behind", id: "sync-excluded" },
    h("h3", {}, "What stays behind"),
    h("p", { class: "small muted" }, `Never sent from ${from}:`),
    excludedKinds.length
      ? h(
          "dl",
          { class: "kv" },
          excludedKinds.map(([kind, n]) => [
            h("dt", {}, KIND_LABEL[kind] ?? kind, LOCAL.includes(kind) ? "" : h("span", { class: "tag tag-warn" }, "unknown kind")),
            h("dd", { "data-excluded": kind }, n.toLocaleString("en")),
          ]),
        )
      : h("p", { class: "none" }, "Nothing: the source holds only promoted content."),
    h(
      "p",
      { class: "small muted" },
      `${to} keeps its own local data: `,
      Object.entries(targetLocal)
        .map(([k, n]) => `${KIND_LABEL[k]} ${n}`)
        .join(", ") || "none",
      ". Secrets travel by name only; values are never sent.",
    ),
  );

  const file = `${plan.from}-to-${plan.to}`;
  const side = h(
    "div",
    { class: "side" },
    stays,
    fingerprints([
      ["Payload", plan.fingerprint, "payload"],
      [`Source (${from})`, plan.sourceFingerprint, "source"],
      [`Target now (${to})`, plan.targetFingerprint, "target"],
      ["Policy", plan.policyFingerprint, "policy"],
    ]),
    exportButtons([
      ["Payload", () => JSON.stringify(plan.payload, null, 2), `payload-${file}.json`],
      ["Patch (RFC 6902)", () => JSON.stringify(plan.changes.patch, null, 2), `patch-${file}.json`],
      ["Manifest", () => JSON.stringify(plan.manifest, null, 2), `manifest-${file}.json`],
      ["Audit record", () => JSON.stringify(plan.audit, null, 2), `audit-${file}.json`],
    ]),
  );

  els.live.textContent = `Sync preview updated. ${headline}. ${detail}.`;
  clear(
    els.result,
    banner({ allowed: plan.allowed, title: headline, detail, action: apply, id: "sync-banner" }),
    h(
      "p",
      { class: "small muted" },
      `Apply is simulated: ${to}'s promoted content becomes the payload, its local kinds stay, and the plan's manifest is stored as ${to}'s base. `,
      current.ms !== undefined ? `Computed in ${Math.round(current.ms)} ms, off the main thread.` : "",
    ),
    issueList(plan, { request, onShow, extra, idPrefix: "sync-issue" }),
    gatePanel(plan, { id: "sync-gate" }),
    inspector,
    h(
      "div",
      { class: "layout-2" },
      h(
        "div",
        { class: "stack" },
        selectionCard(plan, current.candidates),
        changeSet(plan.changes, {
          before: request.target,
          after: plan.payload,
          title: `Changes to ${to}`,
          beforeLabel: `${to} now`,
          afterLabel: `${to} after the sync`,
          idPrefix: "sync-changes",
        }),
        variableDefaults(plan, request.target, { to }),
      ),
      side,
    ),
  );
  if (afterRender) {
    const fn = afterRender;
    afterRender = null;
    fn();
  }
}

let afterRender = null;

function applySync() {
  if (!current || !current.plan.allowed) return;
  const { plan, request } = current;
  const to = plan.to;
  const target = state.workspaces[to];
  const next = clone(plan.payload);
  for (const [key, value] of Object.entries(target)) if (!PROMOTED.includes(key)) next[key] = value;
  const when = fmtTime(new Date());
  state.workspaces[to] = next;
  state.origin[to] = `synced from ${envLabel(plan.from)} by ${request.actor.id} at ${when}`;
  state.bases[to] = clone(plan.manifest);
  state.since[to] = request.now;
  state.baseOrigin[to] = `manifest of sync ${envLabel(plan.from)} → ${envLabel(to)} (${when})`;
  const selected = plan.selection ? `selective (${plan.selection.requested.length} selected, ${plan.selection.pulledIn.length} pulled in): ` : "";
  record(plan.audit, { summary: `${selected}${plan.changes.summary.added} added, ${plan.changes.summary.modified} modified, ${plan.changes.summary.removed} removed` });

  const after = nextEnv(to);
  const nextStep = after
    ? h(
        "span",
        {},
        ` Next step: sync ${envLabel(to)} → ${envLabel(after)}`,
        rolesActingIn(to).length ? ` (owners of ${envLabel(to)}: ${rolesActingIn(to).join(", ")})` : "",
        " — the preview below shows it.",
      )
    : h(
        "span",
        {},
        ` Next step: publish ${envLabel(to)}. `,
        h("button", { type: "button", class: "link-btn", onClick: () => app.showTab("publish", { focus: true }) }, "Open Publish & hotfix"),
      );
  notice = h(
    "div",
    { class: "ok-box", role: "status", id: "sync-applied" },
    icon("ok"),
    h("span", {}, h("strong", {}, `Applied ${envLabel(plan.from)} → ${envLabel(to)}.`), ` ${envLabel(to)} now holds the payload (${plan.fingerprint.slice(0, 19)}…); its base is the plan's manifest.`, nextStep),
  );
  if (after) state.sync = { from: to, to: after, acknowledge: [], select: null, closure: "pull" };
  else state.sync = { ...state.sync, acknowledge: [], select: null, closure: "pull" };
  toast(`Applied sync ${envLabel(plan.from)} → ${envLabel(to)}.`);
  emit("workspace", "base", "sync");
}


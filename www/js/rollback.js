// Roll back: restore a production version published since the page was opened. planRollback runs in
// the worker and is previewed like a sync (decision, issues, change set); Apply is simulated.
import { h, clear, icon, n, fmtTime, toast } from "./dom.js";
import { actionButton, banner, issueList, showInspector, changeSet, errorBox } from "./components.js";
import { state, on, emit, clone, chained, actorProblem, envLabel, record, PROMOTED, keyOf } from "./state.js";
import { parsePointer } from "./json.js";
import { gatePanel, withGateFields } from "./gates.js";

let app;
let els;
let chosen = null; // index into state.versions
let acknowledge = [];
let current = null; // { plan, request }

const prod = () => state.chain[state.chain.length - 1];

/** Remembers a published version of production (also the one live when the page opened). */
export function rememberVersion({ label, workspace, at = new Date() }) {
  state.versions.push({ at, label, workspace: clone(workspace), fingerprint: state.mod.fingerprint(state.mod.filterContent(workspace).payload) });
  emit("versions");
}

/** Shows the rollback card, with a version picked if given. */
export function openRollback(index) {
  if (index !== undefined) pick(index);
  els.card.scrollIntoView({ block: "start" });
  els.card.focus({ preventScroll: true });
}

function pick(index) {
  chosen = index;
  acknowledge = [];
  current = null;
  emit("rollback");
}

export function initRollback(panel, appContext) {
  app = appContext;
  els = {
    card: h("section", { class: "card stack", id: "rollback-card", tabindex: "-1", "aria-label": "Roll back production" }),
    versions: h("fieldset", { class: "radio-cards", id: "rollback-versions" }),
    result: h("div", { class: "result", id: "rollback-result" }),
    notice: h("div", { id: "rollback-notice" }),
  };
  els.card.append(
    h("div", { class: "card-head" }, h("h3", {}, "Roll back production")),
    h(
      "p",
      { class: "small muted" },
      "Restore a version published since this page was opened. The preview shows what changes; production keeps its own variable defaults, and anything changed in place since the last sync is protected (WOULD_REVERT_HOTFIX) until you acknowledge it.",
    ),
    els.versions,
    els.notice,
    els.result,
  );
  panel.append(els.card);
  on(["versions", "policy", "workspace", "live", "rollback"], renderVersions);
  on(["rollback", "policy", "actor", "workspace", "base", "versions", "log", "gates"], replan);
}

function renderVersions() {
  const versions = state.versions;
  clear(
    els.versions,
    h("legend", {}, `Versions of ${envLabel(prod())}`),
    versions.length
      ? versions.map((v, i) =>
          h(
            "label",
            { class: "radio-card", "data-version": String(i) },
            h("input", { type: "radio", name: "rollback-version", id: `rollback-version-${i}`, value: String(i), checked: chosen === i, onChange: () => pick(i) }),
            h(
              "span",
              {},
              h("strong", {}, `Version ${i + 1}`, i === versions.length - 1 ? " (live now)" : ""),
              h("span", {}, `${v.label}, ${fmtTime(v.at)} · `, h("code", { class: "small" }, `${v.fingerprint.slice(0, 19)}…`)),
            ),
          ),
        )
      : h("p", { class: "none" }, "No version published yet."),
  );
}

/** "kind/id" of a drift issue, from its path into the request (e.g. /workspace/agents/0 or /base/agents/x). */
function driftKey(issue, request) {
  const [doc, kind, index] = parsePointer(issue.path ?? "");
  if (!PROMOTED.includes(kind) || index === undefined) return null;
  if (doc === "base") return `${kind}/${index}`;
  const id = request[doc]?.[kind]?.[Number(index)]?.[keyOf(kind)];
  return typeof id === "string" ? `${kind}/${id}` : null;
}

async function replan() {
  const version = chosen === null ? undefined : state.versions[chosen];
  if (!version) {
    clear(els.result, banner({ neutral: true, title: "Pick a version to preview its rollback", detail: "Publish at least once, then roll back to any version listed here." }));
    return;
  }
  const problem = actorProblem();
  if (problem) {
    clear(els.result, banner({ neutral: true, title: "Who is acting?", detail: problem }));
    return;
  }
  const env = prod();
  const request = { actor: clone(state.actor), environment: env, workspace: state.workspaces[env], version: version.workspace };
  if (state.bases[env]) request.base = state.bases[env];
  if (acknowledge.length) request.acknowledge = [...acknowledge];
  withGateFields(request); // the environment's gate judges a rollback too
  chained(request);
  els.result.classList.add("stale");
  const answer = await app.engine.run("rollback", "planRollback", state.policyText, JSON.stringify(request));
  if (answer.stale) return;
  els.result.classList.remove("stale");
  if (answer.error) {
    current = null;
    clear(els.result, errorBox(answer.error, { title: "The rollback request was refused as bad input" }));
    return;
  }
  current = { plan: answer.result, request };
  render();
}

function render() {
  const { plan, request } = current;
  const env = envLabel(plan.environment);
  const s = plan.changes.summary;
  const inspector = h("div", { id: "rollback-inspector" });
  const nv = plan.violations.length;
  const apply = actionButton({
    label: `Roll back ${env} to version ${chosen + 1}`,
    iconName: "arrow",
    primary: true,
    allowed: plan.allowed,
    reason: nv ? `Blocked: ${plan.violations[0].message}${nv > 1 ? ` (and ${nv - 1} more)` : ""}` : null,
    id: "apply-rollback",
    onClick: () => applyRollback(),
  });
  const extra = (issue) => {
    if (issue.code !== "WOULD_REVERT_HOTFIX") return null;
    const key = driftKey(issue, request);
    if (!key || acknowledge.includes(key)) return key ? h("span", { class: "tag tag-warn" }, icon("warning"), `Acknowledged: ${key}`) : null;
    return h(
      "div",
      { class: "row" },
      h(
        "button",
        {
          type: "button",
          class: "btn btn-small",
          "data-rollback-acknowledge": key,
          onClick: () => {
            acknowledge = [...new Set([...acknowledge, key])];
            emit("rollback");
          },
        },
        `Acknowledge ${key}`,
      ),
      h("span", { class: "small muted" }, "Accepts that the rollback drops this in-place change. Better: recreate it in DEV and promote it after the rollback."),
    );
  };
  clear(
    els.result,
    banner({
      allowed: plan.allowed,
      id: "rollback-banner",
      title: plan.allowed ? `Allowed: ${state.actor.id} may roll ${env} back to version ${chosen + 1}` : `Blocked: this rollback of ${env} cannot be applied`,
      detail: `${n(s.added)} added · ${n(s.modified)} modified · ${n(s.removed)} removed · ${n(s.unchanged)} unchanged${nv ? ` · ${nv} violation${nv > 1 ? "s" : ""}: ${[...new Set(plan.violations.map((v) => v.code))].join(", ")}` : ""}`,
      action: apply,
    }),
    issueList(plan, { request, onShow: (path) => showInspector(inspector, request, path, "Rollback request"), extra, idPrefix: "rollback-issue" }),
    inspector,
    gatePanel(plan, { id: "rollback-gate" }),
    changeSet(plan.changes, {
      before: request.workspace,
      after: plan.payload,
      title: `What the rollback changes in ${env}`,
      beforeLabel: `${env} now`,
      afterLabel: `${env} at version ${chosen + 1}`,
      idPrefix: "rollback-changes",
    }),
  );
}

function applyRollback() {
  if (!current?.plan.allowed) return;
  const { plan, request } = current;
  const env = plan.environment;
  const next = clone(plan.payload);
  for (const [key, value] of Object.entries(state.workspaces[env])) if (!PROMOTED.includes(key)) next[key] = value;
  const when = fmtTime(new Date());
  const target = chosen + 1;
  state.workspaces[env] = next;
  state.origin[env] = `rolled back to version ${target} by ${request.actor.id} at ${when}`;
  state.bases[env] = clone(plan.manifest);
  state.baseOrigin[env] = `manifest of the rollback to version ${target} (${when})`;
  record(plan.audit, { summary: `rollback to version ${target}: ${plan.changes.summary.added} added, ${plan.changes.summary.modified} modified, ${plan.changes.summary.removed} removed` });
  clear(
    els.notice,
    h(
      "div",
      { class: "ok-box", role: "status", id: "rollback-applied" },
      icon("ok"),
      h("span", {}, h("strong", {}, `Rolled ${envLabel(env)} back to version ${target}.`), " Publish it to make it live; its base is the rollback's manifest."),
    ),
  );
  chosen = null;
  acknowledge = [];
  current = null;
  toast(`Rolled ${envLabel(env)} back to version ${target}.`);
  emit("workspace", "base", "rollback");
}

// Edit check: change an item in any environment and ask checkEdit whether it is allowed, and why.
// Saving applies the edit to the simulated workspace (in production, with a hotfix declaration).
import { h, clear, icon, n, fmtTime, toast } from "./dom.js";
import { lineColumnOf, offsetOf } from "./json.js";
import { actionButton, banner, issueList, showInspector, changeSet, errorBox } from "./components.js";
import { state, on, emit, clone, chained, actorProblem, envLabel, record, keyOf, itemTitle, PROMOTED, KIND_LABEL } from "./state.js";
import { setHotfixReason } from "./publish.js";

let app;
let els;
const drafts = new Map(); // "env/kind/id" -> text the user typed
let sel = { env: "test", kind: "agents", id: "billing-agent" };
let current = null; // { check, request, draftText, key }

const prodEnv = () => state.chain[state.chain.length - 1];
const draftKey = () => `${sel.env}/${sel.kind}/${sel.id}`;

function itemsOf(env, kind) {
  const list = state.workspaces[env]?.[kind];
  return Array.isArray(list) ? list : [];
}

function currentItem() {
  return itemsOf(sel.env, sel.kind).find((x) => x?.[keyOf(sel.kind)] === sel.id);
}

export function openEdit({ env, kind, id, draft, hotfix, reason } = {}) {
  if (env) sel.env = env;
  if (kind) sel.kind = kind;
  if (id) sel.id = id;
  if (!itemsOf(sel.env, sel.kind).some((x) => x?.[keyOf(sel.kind)] === sel.id)) {
    sel.id = itemsOf(sel.env, sel.kind)[0]?.[keyOf(sel.kind)] ?? "";
  }
  if (draft) drafts.set(draftKey(), JSON.stringify(draft, null, 2));
  if (hotfix !== undefined) els.hotfix.checked = hotfix && sel.env === prodEnv();
  if (reason) els.reason.value = reason;
  fillSelectors();
  loadDraft();
  app.showTab("edit", { focus: true });
  els.draft.focus({ preventScroll: true });
}

export function initEdit(panel, appContext) {
  app = appContext;
  els = {
    env: h("select", { id: "edit-env" }),
    kind: h("select", { id: "edit-kind" }),
    item: h("select", { id: "edit-item" }),
    field: h("select", { id: "edit-field" }),
    value: h("input", { type: "text", id: "edit-value", autocomplete: "off", spellcheck: "false" }),
    draft: h("textarea", { id: "edit-draft", rows: "16", spellcheck: "false", "aria-describedby": "edit-draft-help" }),
    draftError: h("div", { id: "edit-draft-error" }),
    hotfix: h("input", { type: "checkbox", id: "edit-hotfix" }),
    reason: h("input", { type: "text", id: "edit-reason", autocomplete: "off", placeholder: "Why must production change now?" }),
    hotfixNote: h("p", { class: "small muted" }),
    status: h("div", { class: "status" }),
    live: h("p", { class: "sr-only", role: "status", "aria-live": "polite" }),
    result: h("div", { class: "result", id: "edit-result" }),
  };
  els.env.addEventListener("change", () => {
    sel.env = els.env.value;
    if (sel.env !== prodEnv()) els.hotfix.checked = false;
    fillSelectors();
    loadDraft();
  });
  els.kind.addEventListener("change", () => {
    sel.kind = els.kind.value;
    sel.id = itemsOf(sel.env, sel.kind)[0]?.[keyOf(sel.kind)] ?? "";
    fillSelectors();
    loadDraft();
  });
  els.item.addEventListener("change", () => {
    sel.id = els.item.value;
    loadDraft();
  });
  els.field.addEventListener("change", fillValue);
  els.draft.addEventListener("input", () => {
    drafts.set(draftKey(), els.draft.value);
    markStale();
    fillFields(false);
  });
  els.hotfix.addEventListener("change", () => {
    renderHotfix();
    markStale();
  });
  els.reason.addEventListener("input", () => markStale());

  const setField = () => {
    let item;
    try {
      item = JSON.parse(els.draft.value);
    } catch {
      return showDraftError();
    }
    const field = els.field.value;
    const old = item[field];
    let value = els.value.value;
    if (typeof old !== "string") {
      try {
        value = JSON.parse(value);
      } catch {
        /* keep the text: a string */
      }
    }
    item[field] = value;
    els.draft.value = JSON.stringify(item, null, 2);
    drafts.set(draftKey(), els.draft.value);
    check();
  };
  els.value.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      setField();
    }
  });

  const example = (label, opts) =>
    h(
      "button",
      {
        type: "button",
        class: "btn btn-small",
        onClick: () => {
          sel = { env: opts.env, kind: opts.kind, id: opts.id };
          if (opts.env !== prodEnv()) els.hotfix.checked = false;
          fillSelectors();
          loadDraft();
          els.field.value = opts.field;
          els.value.value = opts.value;
          if (opts.hotfix) {
            els.hotfix.checked = true;
            if (!els.reason.value) els.reason.value = opts.reason;
            renderHotfix();
          }
          setField();
        },
      },
      label,
    );

  panel.append(
    h(
      "div",
      { class: "panel-head" },
      h("h2", {}, "Edit check"),
      h(
        "p",
        { class: "muted" },
        "Outside the first environment promoted content is read-only and variable structure is locked; default values and local data follow the roles. Try a change and see what is allowed, and why.",
      ),
    ),
    h(
      "section",
      { class: "card stack", "aria-label": "The edit to check" },
      h(
        "div",
        { class: "examples" },
        h("span", { class: "small muted" }, "Try:"),
        example("Agent tone in TEST", { env: "test", kind: "agents", id: "billing-agent", field: "tone", value: "friendly" }),
        example("Variable default in TEST", { env: "test", kind: "variables", id: "REFUND_AUTO_APPROVE_LIMIT", field: "defaultValue", value: "40" }),
        example("Variable type in UAT", { env: "uat", kind: "variables", id: "SURVEY_ENABLED", field: "type", value: "string" }),
        example("Hotfix a tone in PRODUCTION", {
          env: "production",
          kind: "agents",
          id: "triage-agent",
          field: "tone",
          value: "warm",
          hotfix: true,
          reason: "Customers find the front desk curt; soften the tone today.",
        }),
      ),
      h(
        "div",
        { class: "form-grid" },
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Environment"), els.env),
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Kind"), els.kind),
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Item"), els.item),
      ),
      h(
        "div",
        { class: "controls" },
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Field"), els.field),
        h("label", { class: "field" }, h("span", { class: "field-label" }, "New value"), els.value),
        h("button", { type: "button", class: "btn", id: "edit-set", onClick: setField }, "Set and check"),
      ),
      h(
        "label",
        { class: "field" },
        h("span", { class: "field-label" }, "Item JSON (edit freely)"),
        els.draftError,
        els.draft,
        h("span", { class: "small muted", id: "edit-draft-help" }, "The edit replaces this item in the environment's workspace; everything else stays as it is."),
      ),
      h(
        "fieldset",
        { class: "card", id: "edit-hotfix-box" },
        h("legend", { class: "field-label" }, "Hotfix (production only)"),
        h("label", { class: "row" }, els.hotfix, "Declare a hotfix: this change must go live in production now"),
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Reason"), els.reason),
        els.hotfixNote,
      ),
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", class: "btn btn-primary", id: "edit-check", onClick: check }, "Check edit"),
        h("button", { type: "button", class: "btn", onClick: () => { drafts.delete(draftKey()); loadDraft(); } }, "Discard changes"),
      ),
    ),
    els.status,
    els.live,
    els.result,
  );
  on(["policy", "workspace"], () => {
    fillSelectors();
    if (!drafts.has(draftKey())) refreshDraftText();
  });
  on(["actor", "workspace", "policy", "log"], () => markStale(false));
  renderHotfix();
}

function fillSelectors() {
  if (!state.chain.includes(sel.env)) sel.env = state.chain[1] ?? state.chain[0];
  clear(els.env, state.chain.map((env) => h("option", { value: env }, envLabel(env))));
  els.env.value = sel.env;
  clear(els.kind, PROMOTED.map((k) => h("option", { value: k }, KIND_LABEL[k])));
  els.kind.value = sel.kind;
  const items = itemsOf(sel.env, sel.kind);
  const key = keyOf(sel.kind);
  if (!items.some((x) => x?.[key] === sel.id)) sel.id = items[0]?.[key] ?? "";
  clear(
    els.item,
    items.length
      ? items.slice(0, 2000).map((x) => h("option", { value: x[key] }, itemTitle(x, sel.kind) ? `${x[key]} — ${itemTitle(x, sel.kind)}` : x[key]))
      : h("option", { value: "" }, "(no items of this kind)"),
  );
  els.item.value = sel.id;
  renderHotfix();
}

function renderHotfix() {
  const inProd = sel.env === prodEnv();
  els.hotfix.disabled = !inProd;
  if (!inProd) els.hotfix.checked = false;
  els.reason.disabled = !inProd || !els.hotfix.checked;
  els.hotfixNote.textContent = inProd
    ? "A declared hotfix with a reason lets an actor holding the hotfix action change promoted content here. It never unlocks variable structure."
    : `Hotfixes exist only in ${envLabel(prodEnv())}; here promoted content changes in ${envLabel(state.chain[0])} and is promoted.`;
}

function refreshDraftText() {
  const item = currentItem();
  els.draft.value = drafts.get(draftKey()) ?? (item ? JSON.stringify(item, null, 2) : "");
  clear(els.draftError);
  fillFields(true);
}

function loadDraft() {
  refreshDraftText();
  markStale(true);
}

function fillFields(resetChoice) {
  let item;
  try {
    item = JSON.parse(els.draft.value);
  } catch {
    return;
  }
  if (!item || typeof item !== "object" || Array.isArray(item)) return;
  const previous = els.field.value;
  const keys = Object.keys(item).filter((k) => k !== "uses");
  if (sel.kind === "variables" && !keys.includes("defaultValue")) keys.push("defaultValue");
  clear(els.field, keys.map((k) => h("option", { value: k }, k)));
  const preferred = ["tone", "defaultValue", "title", "name"].find((k) => keys.includes(k));
  els.field.value = !resetChoice && keys.includes(previous) ? previous : preferred ?? keys[0];
  fillValue();
}

function fillValue() {
  let item;
  try {
    item = JSON.parse(els.draft.value);
  } catch {
    return;
  }
  const v = item?.[els.field.value];
  els.value.value = v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
}

function showDraftError() {
  try {
    JSON.parse(els.draft.value);
    clear(els.draftError);
    return false;
  } catch (error) {
    const at = lineColumnOf(error.message, els.draft.value);
    clear(
      els.draftError,
      errorBox(
        { message: `The item is not valid JSON: ${error.message}` },
        {
          title: "Fix the item JSON",
          extra: at
            ? h(
                "button",
                {
                  type: "button",
                  class: "btn btn-small",
                  onClick: () => {
                    const pos = offsetOf(els.draft.value, at.line, at.column);
                    els.draft.focus();
                    els.draft.setSelectionRange(pos, Math.min(els.draft.value.length, pos + 1));
                  },
                },
                `Go to line ${at.line}, column ${at.column}`,
              )
            : null,
        },
      ),
    );
    return true;
  }
}

function markStale(reset = false) {
  if (!reset && !current && els.result.querySelector("#edit-saved")) return;
  if (reset === true || !current) {
    current = null;
    clear(els.result, banner({ neutral: true, title: "Not checked yet", detail: "Change the item, then press Check edit (or Set and check)." }));
    return;
  }
  current.stale = true;
  els.result.classList.add("stale");
  const save = els.result.querySelector("#edit-save");
  if (save) {
    save.setAttribute("aria-disabled", "true");
    const wrap = save.parentElement;
    if (!wrap.querySelector(".reason")) wrap.append(h("p", { class: "reason pending" }, icon("info"), "Something changed since the check (the edit, the actor, a workspace or the policy): press Check edit again."));
  }
}

async function check() {
  if (showDraftError()) return;
  const problem = actorProblem();
  if (problem) {
    clear(els.result, banner({ neutral: true, title: "Who is acting?", detail: problem }));
    return;
  }
  const item = JSON.parse(els.draft.value);
  const before = state.workspaces[sel.env];
  const after = { ...before };
  const list = itemsOf(sel.env, sel.kind).slice();
  const index = list.findIndex((x) => x?.[keyOf(sel.kind)] === sel.id);
  if (index >= 0) list[index] = item;
  else list.push(item);
  after[sel.kind] = list;
  const request = chained({ actor: clone(state.actor), environment: sel.env, before, after });
  if (els.hotfix.checked) {
    const reason = els.reason.value.trim();
    if (!reason) {
      clear(els.result, banner({ neutral: true, title: "A hotfix needs a reason", detail: "Enter the reason for the hotfix, or untick Declare a hotfix." }));
      els.reason.focus();
      return;
    }
    request.hotfix = { reason };
  }
  els.result.classList.add("stale");
  clear(els.status, h("span", { class: "spinner", "aria-hidden": "true" }), "Checking the edit…");
  const answer = await app.engine.run("edit", "checkEdit", state.policyText, JSON.stringify(request));
  if (answer.stale) return;
  clear(els.status);
  els.result.classList.remove("stale");
  if (answer.error) {
    current = null;
    clear(els.result, errorBox(answer.error, { title: answer.error.code ? "The edit was refused as bad input" : "The rules engine could not answer (is pkg/ being rebuilt? reload the page)" }));
    return;
  }
  current = { check: answer.result, request, key: draftKey(), stale: false };
  render();
  document.getElementById("edit-banner")?.focus({ preventScroll: false });
}

function render() {
  const { check: c, request } = current;
  const env = envLabel(request.environment);
  const inspector = h("div", { id: "edit-inspector" });
  const nv = c.violations.length;
  const save = actionButton({
    label: `Save edit to ${env}`,
    iconName: "edit",
    primary: true,
    allowed: c.allowed,
    reason: nv ? `Refused: ${c.violations[0].message}${nv > 1 ? ` (and ${nv - 1} more)` : ""}` : null,
    id: "edit-save",
    onClick: () => save_(),
  });
  const s = c.changes.summary;
  els.live.textContent = c.allowed ? `Edit check: allowed in ${env}.` : `Edit check: refused in ${env}. ${c.violations.map((v) => `${v.code}: ${v.message}`).join(" ")}`;
  const nothing = c.allowed && !s.added && !s.modified && !s.removed && !c.changes.local.length;
  clear(
    els.result,
    banner({
      allowed: c.allowed,
      neutral: nothing,
      id: "edit-banner",
      title: nothing
        ? "Nothing changes: the edited item equals the current one"
        : c.allowed
          ? `Allowed: ${state.actor.id} may make this edit in ${env}${request.hotfix ? " (hotfix)" : ""}`
          : `Refused: this edit is not allowed in ${env}`,
      detail: `${n(s.added)} added · ${n(s.modified)} modified · ${n(s.removed)} removed${nv ? ` · ${nv} violation${nv > 1 ? "s" : ""}: ${[...new Set(c.violations.map((v) => v.code))].join(", ")}` : ""}`,
      action: save,
    }),
    issueList(c, { request, onShow: (path) => showInspector(inspector, request, path, "Edit request"), idPrefix: "edit-issue" }),
    inspector,
    changeSet(c.changes, { before: request.before, after: request.after, title: `What this edit changes in ${env}`, beforeLabel: `${env} now`, afterLabel: "after the edit", idPrefix: "edit-changes" }),
  );
}

function save_() {
  if (!current || current.stale || !current.check.allowed) return;
  const { check: c, request } = current;
  const env = request.environment;
  state.workspaces[env] = request.after;
  state.origin[env] = `edited in place by ${request.actor.id} at ${fmtTime(new Date())}`;
  drafts.delete(current.key);
  record(c.audit, { summary: request.hotfix ? `hotfix edit: ${request.hotfix.reason}` : "edit" });
  const hotfix = request.hotfix;
  current = null;
  emit("workspace");
  refreshDraftText();
  clear(
    els.result,
    h(
      "div",
      { class: "ok-box", role: "status", id: "edit-saved" },
      icon("ok"),
      h(
        "span",
        {},
        h("strong", {}, `Saved to ${envLabel(env)}.`),
        hotfix
          ? [
              " Production now differs from what was synced in: publish it as a hotfix. ",
              h(
                "button",
                {
                  type: "button",
                  class: "link-btn",
                  id: "goto-publish-hotfix",
                  onClick: () => {
                    setHotfixReason(hotfix.reason);
                    app.showTab("publish", { focus: true });
                  },
                },
                "Publish as hotfix…",
              ),
            ]
          : " The pipeline and the previews now use the edited workspace.",
      ),
    ),
  );
  if (hotfix) setHotfixReason(hotfix.reason);
  toast(`Saved the edit to ${envLabel(env)}.`);
}


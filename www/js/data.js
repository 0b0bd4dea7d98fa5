// Workspaces & policy: load your own JSON (file picker or paste) for every workspace, base manifest and
// the policy. The engine validates it; an error shows its code, message and path next to the input, and
// nothing typed is lost (the text stays in the editor until it is applied or discarded).
import { h, clear, icon, toast, fmtTime, plural } from "./dom.js";
import { lineColumnOf, offsetOf } from "./json.js";
import { errorBox } from "./components.js";
import { state, on, emit, clone, envLabel, prevEnv, summarize, PROMOTED, CANONICAL } from "./state.js";

let app;
let els;
let selected = "ws:dev";
const drafts = new Map(); // key -> text not yet applied
const feedback = new Map(); // key -> { error } | { ok, warnings }

function describe(key) {
  const [type, env] = key.split(":");
  if (type === "policy") {
    return {
      title: "Policy",
      origin: state.policyOrigin,
      help: "Roles → environment → actions, the chain, noSelfPromotion and inlineSecrets. Empty text means the default policy.",
      current: () => JSON.stringify(state.policy, null, 2),
    };
  }
  if (type === "ws") {
    return {
      title: `${envLabel(env)} workspace`,
      origin: state.origin[env],
      help: `Used as the source of a sync from ${envLabel(env)} and as the target of a sync into it. Unknown top-level keys are allowed but never promoted.`,
      current: () => JSON.stringify(state.workspaces[env], null, 2),
    };
  }
  return {
    title: `${envLabel(env)} base manifest`,
    origin: state.bases[env] ? state.baseOrigin[env] : "none",
    help: `What the last sync put into ${envLabel(env)}: {kind: {id: fingerprint}}, as a sync plan answers it in "manifest". It drives the drift check (hotfixes, conflicts). Empty text removes it.`,
    current: () => (state.bases[env] ? JSON.stringify(state.bases[env], null, 2) : ""),
  };
}

export function openData(key) {
  selected = key;
  renderNav();
  renderEditor();
  app.showTab("data");
  els.text.focus();
}

export function initData(panel, appContext) {
  app = appContext;
  app.openData = openData;
  const file = h("input", { type: "file", accept: ".json,application/json", id: "editor-file", "aria-label": "Load a JSON file into this input" });
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (!f) return;
    const text = await f.text();
    file.value = "";
    els.text.value = text;
    drafts.set(selected, text);
    applySelected(`file ${f.name}`);
  });
  els = {
    nav: h("nav", { class: "input-nav", "aria-label": "Inputs" }),
    title: h("h3", { id: "editor-title" }),
    origin: h("span", { class: "small muted", id: "editor-origin" }),
    help: h("p", { class: "small muted" }),
    feedback: h("div", { id: "editor-feedback", "aria-live": "polite" }),
    text: h("textarea", { id: "editor-text", rows: "22", spellcheck: "false", "aria-labelledby": "editor-text-label", "aria-describedby": "editor-feedback" }),
    extra: h("span", { class: "row" }),
    file,
  };
  els.text.addEventListener("input", () => {
    drafts.set(selected, els.text.value);
    renderNav();
  });
  els.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      applySelected("pasted or typed JSON");
    }
  });

  panel.append(
    h(
      "div",
      { class: "panel-head" },
      h("h2", {}, "Workspaces & policy"),
      h("p", { class: "muted" }, "Load your own JSON for any input: choose a file, or paste and apply. The samples (Northwind Telecom) are loaded at start."),
    ),
    h(
      "div",
      { class: "data-layout" },
      els.nav,
      h(
        "section",
        { class: "card editor stack", "aria-labelledby": "editor-title" },
        h("div", { class: "card-head" }, els.title, els.origin),
        els.help,
        h(
          "div",
          { class: "row" },
          h("span", { class: "file-input" }, h("span", { class: "btn", "aria-hidden": "true" }, icon("upload"), "Choose file…"), file),
          h("button", { type: "button", class: "btn btn-primary", id: "editor-apply", onClick: () => applySelected("pasted or typed JSON") }, "Apply"),
          h("button", { type: "button", class: "btn", id: "editor-format", onClick: format }, "Format"),
          h("button", { type: "button", class: "btn", id: "editor-discard", onClick: discard }, "Discard edits"),
          els.extra,
        ),
        els.feedback,
        h("label", { id: "editor-text-label", for: "editor-text", class: "field-label" }, "JSON — paste or type, then Apply (Ctrl+Enter)"),
        els.text,
      ),
    ),
    h(
      "section",
      { class: "card", "aria-label": "Session" },
      h("h3", {}, "Session"),
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", class: "btn", id: "stress-dev", onClick: stress }, "Add 5,000 generated documents to DEV (large-workspace test)"),
        h("button", { type: "button", class: "btn", id: "reset-session", onClick: resetSession }, "Start over with the samples"),
      ),
      h("p", { class: "small muted" }, "Plans run in a Web Worker, so the page stays responsive with thousands of items."),
    ),
  );
  // The editor may hold megabytes of JSON: refresh it only while the panel is visible.
  let pending = false;
  on(["policy", "workspace", "base"], () => {
    renderNav();
    if (panel.hidden) pending = true;
    else renderEditor(false);
  });
  app.onShow.data = () => {
    if (pending) {
      pending = false;
      renderEditor(false);
    }
  };
}

function stateOf(key) {
  if (feedback.get(key)?.error) return { text: "error", bad: true };
  if (drafts.has(key)) return { text: "unapplied edits", bad: false };
  const [type, env] = key.split(":");
  if (type === "policy") return { text: state.policyOrigin === "default policy" ? "default" : "loaded" };
  if (type === "base") return { text: state.bases[env] ? "recorded" : "none" };
  return { text: state.origin[env] === "sample" ? "sample" : "changed" };
}

function renderNav() {
  const item = (key, label) => {
    const st = stateOf(key);
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          "aria-current": key === selected ? "true" : "false",
          "data-input": key,
          onClick: () => {
            selected = key;
            renderNav();
            renderEditor();
          },
        },
        h("span", {}, label),
        h("span", { class: `state${st.bad ? " bad" : ""}` }, st.text),
      ),
    );
  };
  if (!state.chain.includes(selected.split(":")[1]) && selected !== "policy") selected = `ws:${state.chain[0]}`;
  clear(
    els.nav,
    h("div", {}, h("h3", {}, "Policy"), h("ul", {}, item("policy", "Policy"))),
    h("div", {}, h("h3", {}, "Workspaces"), h("ul", {}, state.chain.map((env) => item(`ws:${env}`, envLabel(env))))),
    h("div", {}, h("h3", {}, "Base manifests"), h("ul", {}, state.chain.slice(1).map((env) => item(`base:${env}`, envLabel(env))))),
  );
}

function renderEditor(full = true) {
  const d = describe(selected);
  els.title.textContent = d.title;
  els.origin.textContent = d.origin;
  els.help.textContent = d.help;
  if (full || !drafts.has(selected)) {
    const text = drafts.get(selected) ?? d.current();
    if (els.text.value !== text) els.text.value = text;
  }
  const [type, env] = selected.split(":");
  const extra = [];
  if (type === "policy") {
    extra.push(
      h("button", { type: "button", class: "btn", onClick: () => loadPolicy(null, "default policy") }, "Default policy"),
      h("button", { type: "button", class: "btn", id: "policy-sample-sod", onClick: () => loadPolicy("/samples/policy-separation-of-duties.json", "sample: separation of duties") }, "Sample: separation of duties"),
      h("button", { type: "button", class: "btn", id: "policy-sample-short", onClick: () => loadPolicy("/samples/policy-three-environments.json", "sample: 3-environment chain") }, "Sample: 3 environments"),
      h("button", { type: "button", class: "btn", id: "policy-sample-gates", onClick: () => loadPolicy("/samples/policy-gates.json", "sample: gates") }, "Sample: gates"),
    );
  } else if (type === "ws") {
    extra.push(h("button", { type: "button", class: "btn", onClick: () => resetWorkspace(env) }, "Reset to sample"));
  } else {
    extra.push(h("button", { type: "button", class: "btn", onClick: () => { els.text.value = ""; drafts.set(selected, ""); applySelected("removed"); } }, "Remove base"));
  }
  clear(els.extra, extra);
  renderFeedback();
}

function renderFeedback() {
  const fb = feedback.get(selected);
  if (!fb) return clear(els.feedback);
  if (fb.error) {
    const at = fb.at;
    clear(
      els.feedback,
      errorBox(fb.error, {
        title: "Not applied: the engine refused this JSON",
        extra: h(
          "div",
          { class: "row" },
          at
            ? h(
                "button",
                {
                  type: "button",
                  class: "btn btn-small",
                  id: "editor-goto",
                  onClick: () => {
                    const pos = offsetOf(els.text.value, at.line, at.column);
                    els.text.focus();
                    els.text.setSelectionRange(pos, Math.min(els.text.value.length, pos + 1));
                  },
                },
                `Go to line ${at.line}, column ${at.column}`,
              )
            : null,
          h("span", { class: "small" }, "Your text is kept below: fix it and apply again, or discard the edits."),
        ),
      }),
    );
    return;
  }
  clear(
    els.feedback,
    h(
      "div",
      { class: "ok-box", role: "status" },
      icon("ok"),
      h("span", {}, fb.ok, fb.warnings?.length ? h("span", {}, " Note: ", fb.warnings.map((w) => `${w.code} — ${w.message}`).join(" ")) : null),
    ),
  );
}

function errorAt(error, text, columnShift = 0) {
  const at = lineColumnOf(error.message ?? "", text);
  if (at && at.line === 1) at.column = Math.max(1, at.column - columnShift);
  return at;
}

function applySelected(origin) {
  const text = els.text.value;
  const [type, env] = selected.split(":");
  let result;
  if (type === "policy") result = applyPolicy(text, origin);
  else if (type === "ws") result = applyWorkspace(env, text, origin);
  else result = applyBase(env, text, origin);
  if (result.error) {
    feedback.set(selected, result);
    drafts.set(selected, text);
    renderNav();
    renderFeedback();
    els.feedback.querySelector(".error-box")?.scrollIntoView({ block: "nearest" });
    return;
  }
  drafts.delete(selected);
  feedback.set(selected, result);
  renderNav();
  renderFeedback();
  toast(result.ok);
}

function applyPolicy(text, origin) {
  let rules;
  try {
    rules = text.trim() ? new state.mod.PromotionRules(text) : new state.mod.PromotionRules();
  } catch (error) {
    return { error: plainError(error), at: errorAt(error, text) };
  }
  installPolicy(rules, text.trim() ? origin : "default policy");
  return { ok: `Applied the policy: ${rules.environments.map(envLabel).join(" → ")}, ${plural(Object.keys(rules.policy.roles).length, "role")}.` };
}

function installPolicy(rules, origin) {
  state.rules?.free();
  state.rules = rules;
  state.policy = rules.policy;
  state.policyText = JSON.stringify(rules.policy);
  state.chain = rules.environments;
  state.policyOrigin = origin;
  emit("policy");
}

async function loadPolicy(url, origin) {
  selected = "policy";
  if (!url) {
    drafts.delete("policy");
    installPolicy(new state.mod.PromotionRules(), "default policy");
    feedback.set("policy", { ok: "Applied the default policy." });
    renderNav();
    renderEditor();
    return toast("Applied the default policy.");
  }
  const response = await fetch(url);
  const text = await response.text();
  els.text.value = text;
  drafts.set("policy", text);
  applySelected(origin);
  renderEditor();
}

function plainError(error) {
  return { code: error.code ?? null, message: error.message ?? String(error), path: error.path ?? null };
}

function applyWorkspace(env, text, origin) {
  let warnings;
  try {
    warnings = state.mod.filterContent(text).warnings;
  } catch (error) {
    return { error: plainError(error), at: errorAt(error, text) };
  }
  const ws = JSON.parse(text);
  state.workspaces[env] = ws;
  state.origin[env] = `${origin}, ${fmtTime(new Date())}`;
  emit("workspace");
  const s = summarize(ws);
  const n = PROMOTED.reduce((a, k) => a + s.promoted[k], 0);
  return { ok: `Applied the ${envLabel(env)} workspace: ${plural(n, "promoted item")}, ${plural(s.localTotal, "local item")}.`, warnings };
}

function applyBase(env, text, origin) {
  if (!text.trim()) {
    state.bases[env] = null;
    state.baseOrigin[env] = "";
    emit("base");
    return { ok: `Removed the base manifest of ${envLabel(env)}: the drift check is off for syncs into it.` };
  }
  // The engine checks a manifest as the `base` of a sync request. The text goes in verbatim (so
  // duplicate keys and syntax errors are caught as the engine reads them), first on line 1.
  const prefix = '{"base":';
  const request = `${prefix}${text}\n,"actor":{"id":"manifest-check","roles":[]},"from":"${prevEnv(env)}","to":"${env}","source":{}}`;
  try {
    state.rules.planSync(request);
  } catch (error) {
    const e = plainError(error);
    if (typeof e.path === "string" && e.path.startsWith("/base")) e.path = e.path.slice(5);
    const at = errorAt(error, text, prefix.length);
    // Positions in the engine's message count from the start of the request; point them into the text.
    e.message = e.message.replace(/line 1 column (\d+)/, (_, c) => `line 1 column ${Math.max(1, Number(c) - prefix.length)}`);
    return { error: e, at };
  }
  state.bases[env] = JSON.parse(text);
  state.baseOrigin[env] = `${origin}, ${fmtTime(new Date())}`;
  emit("base");
  const n = Object.values(state.bases[env]).reduce((a, m) => a + Object.keys(m ?? {}).length, 0);
  return { ok: `Applied the base manifest of ${envLabel(env)}: ${plural(n, "entry", "entries")}.` };
}

function format() {
  try {
    els.text.value = JSON.stringify(JSON.parse(els.text.value), null, 2);
    drafts.set(selected, els.text.value);
    renderNav();
  } catch (error) {
    toast(`Cannot format: ${error.message}`);
  }
}

function discard() {
  drafts.delete(selected);
  feedback.delete(selected);
  els.text.value = describe(selected).current();
  renderNav();
  renderFeedback();
}

function resetWorkspace(env) {
  state.workspaces[env] = clone(state.samples[env]);
  state.origin[env] = "sample";
  drafts.delete(`ws:${env}`);
  feedback.delete(`ws:${env}`);
  emit("workspace");
  renderEditor();
  toast(`${envLabel(env)} is back to its sample workspace.`);
}

function stress() {
  const env = state.chain[0];
  const ws = clone(state.workspaces[env]);
  ws.knowledgeBase = Array.isArray(ws.knowledgeBase) ? ws.knowledgeBase : [];
  const start = ws.knowledgeBase.length;
  for (let i = 0; i < 5000; i++) {
    ws.knowledgeBase.push({
      id: `kb-generated-${start + i}`,
      title: `Generated article ${start + i + 1}`,
      content: [`Generated paragraph ${i} for the large-workspace test. `.repeat(6)],
      tags: ["generated", `batch-${Math.floor(i / 500)}`],
      updatedBy: "dana",
    });
  }
  state.workspaces[env] = ws;
  state.origin[env] = `${state.origin[env]} + 5,000 generated docs`;
  emit("workspace");
  app.selectSync(env, state.chain[1]);
  app.showTab("sync", { focus: true });
  toast(`Added 5,000 documents to ${envLabel(env)}; the sync preview is computing in the worker.`);
}

function resetSession() {
  for (const env of CANONICAL) {
    state.workspaces[env] = clone(state.samples[env]);
    state.origin[env] = "sample";
    state.bases[env] = null;
    state.baseOrigin[env] = "";
  }
  state.live = clone(state.samples.production);
  state.liveOrigin = "release 1, as it is live (sample)";
  state.hotfixes = [];
  state.approvals = [];
  state.now = "";
  state.since = {};
  drafts.clear();
  feedback.clear();
  emit("workspace", "base", "live", "hotfixes", "gates");
  app.selectSync(state.chain[0], state.chain[1]);
  renderEditor();
  toast("Started over: every workspace is back to its sample; no base, no hotfix.");
}

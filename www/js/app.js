// The release preview app. It uses the npm package `promotion-rules` exactly as a user's front end would:
// an import map names "promotion-rules/web" → /pkg/web.js, then `await init()`.
import init, { PromotionRules, defaultPolicy, fingerprint, filterContent, diffWorkspaces, verifyAuditChain } from "promotion-rules/web";
import { h, clear, icon, plural } from "./dom.js";
import { gateSummary } from "./gates.js";
import { actionButton } from "./components.js";
import { EngineWorker } from "./engine.js";
import {
  state,
  on,
  emit,
  clone,
  authorize,
  actorProblem,
  nextEnv,
  summarize,
  envLabel,
  rolesActingIn,
  PEOPLE,
  PROMOTED,
  KIND_SHORT,
  CANONICAL,
  ACTIONS,
  ACTION_LABEL,
} from "./state.js";
import { initSync, selectSync } from "./sync.js";
import { initPublish } from "./publish.js";
import { initEdit, openEdit } from "./edit.js";
import { initData } from "./data.js";
import { initActivity } from "./activity.js";
import { initRollback, openRollback, rememberVersion } from "./rollback.js";

const $ = (id) => document.getElementById(id);

export async function start() {
  await init();
  state.mod = { PromotionRules, defaultPolicy, fingerprint, filterContent, diffWorkspaces, verifyAuditChain };
  state.rules = new PromotionRules();
  state.policy = state.rules.policy;
  state.policyText = JSON.stringify(state.policy);
  state.chain = state.rules.environments;

  const texts = await Promise.all(
    CANONICAL.map(async (env) => {
      const response = await fetch(`/samples/${env}.json`);
      if (!response.ok) throw new Error(`/samples/${env}.json answered ${response.status}`);
      return response.text();
    }),
  );
  CANONICAL.forEach((env, i) => {
    filterContent(texts[i]); // the samples must be valid content: throws PromotionRulesError otherwise
    state.samples[env] = JSON.parse(texts[i]);
    state.workspaces[env] = JSON.parse(texts[i]);
    state.origin[env] = "sample";
    state.bases[env] = null;
    state.baseOrigin[env] = "";
  });
  state.live = clone(state.workspaces.production);
  state.liveOrigin = "release 1, as it is live (sample)";

  const engine = new EngineWorker("/js/worker.js");
  const app = {
    engine,
    showTab,
    onShow,
    openEdit: (opts) => openEdit(opts),
    selectSync: (from, to) => selectSync(from, to),
    openRollback: (index) => {
      showTab("publish");
      openRollback(index);
    },
  };

  initActor(app);
  initTabs();
  initSync($("panel-sync"), app);
  initPublish($("panel-publish"), app);
  initRollback($("panel-publish"), app);
  rememberVersion({ label: "live when the page was opened", workspace: state.live });
  initEdit($("panel-edit"), app);
  initData($("panel-data"), app);
  initActivity($("panel-activity"));
  initPipeline(app);
  initDrift(engine);

  $("boot").hidden = true;
  $("main").hidden = false;
  emit("policy", "actor", "workspace", "base", "sync", "live", "hotfixes", "log");
  document.documentElement.dataset.ready = "true";
}

/* ---------------- Who is acting ---------------- */

function initActor(app) {
  const person = $("actor-person");
  const idInput = $("actor-id");
  const error = $("actor-id-error");

  function fillPeople() {
    clear(
      person,
      PEOPLE.map((p) => h("option", { value: p.id }, `${p.id} (${p.roles.join(", ")})`)),
      h("option", { value: "" }, "Someone else…"),
    );
    syncPerson();
  }
  function syncPerson() {
    const match = PEOPLE.find((p) => p.id === state.actor.id && p.roles.join() === [...state.actor.roles].sort().join());
    person.value = match ? match.id : "";
  }
  function renderRoles() {
    const roles = [...new Set([...Object.keys(state.policy.roles), ...state.actor.roles])].sort();
    clear(
      $("actor-roles"),
      roles.map((role) =>
        h(
          "label",
          { class: "role-chip" },
          h("input", {
            type: "checkbox",
            value: role,
            checked: state.actor.roles.includes(role),
            onChange: (event) => {
              const set = new Set(state.actor.roles);
              if (event.target.checked) set.add(role);
              else set.delete(role);
              state.actor = { ...state.actor, roles: [...set].sort() };
              syncPerson();
              emit("actor");
            },
          }),
          role,
          state.policy.roles[role] ? null : h("span", { class: "note" }, "(not in policy)"),
        ),
      ),
    );
  }
  person.addEventListener("change", () => {
    const p = PEOPLE.find((x) => x.id === person.value);
    if (p) {
      state.actor = { id: p.id, roles: [...p.roles] };
      idInput.value = p.id;
    } else {
      idInput.focus();
      idInput.select();
      return;
    }
    renderRoles();
    emit("actor");
  });
  idInput.addEventListener("input", () => {
    state.actor = { ...state.actor, id: idInput.value.trim() };
    syncPerson();
    emit("actor");
  });
  on(["actor", "policy"], (topics) => {
    const problem = actorProblem();
    error.hidden = !problem;
    error.textContent = problem ?? "";
    idInput.setAttribute("aria-invalid", problem ? "true" : "false");
    if (topics.has("policy")) renderRoles();
  });
  idInput.value = state.actor.id;
  fillPeople();
  renderRoles();
  app.actAs = (p) => {
    state.actor = { id: p.id, roles: [...p.roles] };
    idInput.value = p.id;
    syncPerson();
    renderRoles();
    emit("actor");
  };
}

/* ---------------- Tabs ---------------- */

const TABS = ["sync", "publish", "edit", "data", "activity"];

const onShow = {};

function showTab(name, { focus = false } = {}) {
  onShow[name]?.();
  for (const t of TABS) {
    const tab = $(`tab-${t}`);
    const selected = t === name;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(`panel-${t}`).hidden = !selected;
  }
  if (focus) $(`panel-${name}`).focus({ preventScroll: true });
  $(`tab-${name}`).scrollIntoView({ block: "nearest", inline: "nearest" });
}

function initTabs() {
  for (const t of TABS) {
    const tab = $(`tab-${t}`);
    tab.addEventListener("click", () => showTab(t));
    tab.addEventListener("keydown", (event) => {
      const i = TABS.indexOf(t);
      let next = null;
      if (event.key === "ArrowRight") next = TABS[(i + 1) % TABS.length];
      else if (event.key === "ArrowLeft") next = TABS[(i - 1 + TABS.length) % TABS.length];
      else if (event.key === "Home") next = TABS[0];
      else if (event.key === "End") next = TABS[TABS.length - 1];
      if (next) {
        event.preventDefault();
        showTab(next);
        $(`tab-${next}`).focus();
      }
    });
  }
}

/* ---------------- Pipeline ---------------- */

function initPipeline(app) {
  const list = $("pipeline");
  const render = () => {
    list.style.setProperty("--n", String(state.chain.length));
    const p = state.policy;
    clear(
      $("policy-line"),
      `Policy: ${state.policyOrigin} · ${state.chain.map(envLabel).join(" → ")}`,
      p.noSelfPromotion.length ? ` · no self-promotion into ${p.noSelfPromotion.map(envLabel).join(", ")}` : "",
      ` · inline secrets: ${p.inlineSecrets}`,
    );
    clear(list, state.chain.map((env, i) => envCard(env, i, app)));
  };
  on(["policy", "actor", "workspace", "base", "sync", "live", "hotfixes", "drift", "versions"], render);
}

function envCard(env, index, app) {
  const ws = state.workspaces[env];
  const s = summarize(ws);
  const isSource = state.sync.from === env;
  const isTarget = state.sync.to === env;
  const last = index === state.chain.length - 1;
  const next = nextEnv(env);
  const roles = rolesActingIn(env);

  const tags = h("span", { class: "row" });
  if (isSource) tags.append(h("span", { class: "tag" }, "Source"));
  if (isTarget) tags.append(h("span", { class: "tag" }, "Target"));

  const counts = h(
    "dl",
    { class: "counts", "aria-label": `${envLabel(env)} promoted content` },
    PROMOTED.map((kind) => h("div", {}, h("dt", { title: kind }, KIND_SHORT[kind]), h("dd", {}, s.promoted[kind].toLocaleString("en")))),
  );

  const meta = h("div", { class: "env-meta" });
  meta.append(
    h("span", {}, "Workspace: ", h("strong", {}, state.origin[env])),
    h(
      "span",
      {},
      `Stays here: ${plural(s.localTotal, "local item")}`,
      s.unknown.length ? `, ${plural(s.unknown.length, "unknown key")} (${s.unknown.join(", ")})` : "",
    ),
  );
  if (index > 0) {
    meta.append(h("span", {}, "Base: ", h("strong", {}, state.bases[env] ? state.baseOrigin[env] : "none — drift check off")));
    const drift = state.bases[env] ? state.drift[env] : null;
    if (drift && drift.length) {
      meta.append(
        h(
          "span",
          { class: "drift" },
          `⚠ ${plural(drift.length, "item")} changed in place since the base: `,
          drift
            .slice(0, 3)
            .map((d) => `${d.kind}/${d.id}`)
            .join(", "),
          drift.length > 3 ? "…" : "",
        ),
      );
    }
  }
  if (last) {
    meta.append(h("span", {}, "Live: ", h("strong", {}, state.liveOrigin)));
    const pending = state.hotfixes.length;
    if (pending) meta.append(h("span", { class: "drift" }, `⚠ ${plural(pending, "hotfix", "hotfixes")} to recreate in ${envLabel(state.chain[0])}`));
  }

  const granted = ACTIONS.filter((a) => !actorProblem() && authorize(a, env).allowed);
  const you = h(
    "p",
    { class: "env-you" },
    h("strong", {}, `${state.actor.id || "(no actor)"} may: `),
    granted.length ? granted.map((a) => ACTION_LABEL[a]).join(", ") : h("span", { class: "muted" }, "nothing here"),
  );

  const actions = h("div", { class: "env-actions" });
  if (next) {
    const d = authorize("sync", env);
    actions.append(
      actionButton({
        label: `Sync to ${envLabel(next)}`,
        iconName: "arrow",
        primary: d.allowed,
        allowed: d.allowed,
        reason: d.violations[0]?.message,
        id: `sync-${env}`,
        onClick: () => {
          selectSync(env, next);
          app.showTab("sync", { focus: true });
        },
      }),
    );
  } else {
    const d = authorize("publish", env);
    actions.append(
      actionButton({
        label: `Publish ${envLabel(env)}`,
        iconName: "rocket",
        primary: true,
        allowed: d.allowed,
        reason: d.violations[0]?.message,
        id: `publish-${env}`,
        onClick: () => app.showTab("publish", { focus: true }),
      }),
    );
    const r = authorize("rollback", env);
    actions.append(
      actionButton({
        label: `Roll back… (${plural(state.versions.length, "version")})`,
        iconName: "arrow",
        small: true,
        allowed: r.allowed,
        reason: r.violations[0]?.message,
        id: `rollback-${env}`,
        onClick: () => app.openRollback(),
      }),
    );
  }
  actions.append(
    h(
      "button",
      { type: "button", class: "btn btn-small", id: `try-edit-${env}`, "aria-label": `Try an edit in ${envLabel(env)}`, onClick: () => app.openEdit({ env }) },
      icon("edit"),
      "Try an edit",
    ),
  );

  return h(
    "li",
    { class: `env-card${isSource ? " is-source" : ""}${isTarget ? " is-target" : ""}`, "data-env": env, "aria-label": `${envLabel(env)}, step ${index + 1} of ${state.chain.length}` },
    h("div", { class: "env-head" }, h("h3", { class: "env-name" }, h("span", { class: "env-step", "aria-hidden": "true" }, String(index + 1)), envLabel(env)), tags),
    h("p", { class: "env-role" }, roles.length ? `Owners: ${roles.join(", ")}` : "No role acts here"),
    gateSummary(env),
    counts,
    meta,
    you,
    actions,
  );
}

/* ---------------- Drift against each base ---------------- */

function initDrift(engine) {
  on(["workspace", "base", "policy"], async () => {
    for (const env of state.chain) {
      const base = state.bases[env];
      if (!base) {
        if (state.drift[env]) {
          delete state.drift[env];
          emit("drift");
        }
        continue;
      }
      const answer = await engine.run(`drift:${env}`, "drift", "", { workspace: state.workspaces[env], base });
      if (answer.stale || answer.error) continue;
      state.drift[env] = answer.result;
      emit("drift");
    }
  });
}

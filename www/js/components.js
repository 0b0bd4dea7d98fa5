// Shared renderers: banners, issue lists, the change set with field-level before/after, the request
// inspector, disabled-with-reason buttons, fingerprints, export buttons and error boxes.
import { h, icon, nextId, copyText, download, plural } from "./dom.js";
import { describePointer, inspectorHtml, parsePointer, getAt, wordDiff } from "./json.js";
import { PROMOTED, KIND_LABEL, PEOPLE, state, findItem, itemTitle, keyOf, envLabel } from "./state.js";

/** A button that stays focusable when not allowed (aria-disabled) and says why, next to it. */
export function actionButton({ label, iconName, allowed, reason, onClick, primary = false, id, small = false, pending = false }) {
  const reasonId = nextId("reason");
  const button = h(
    "button",
    {
      type: "button",
      id,
      class: `btn${primary ? " btn-primary" : ""}${small ? " btn-small" : ""}`,
      "aria-disabled": allowed ? null : "true",
      "aria-describedby": allowed ? null : reasonId,
      onClick: (event) => {
        if (!allowed) {
          event.preventDefault();
          return;
        }
        onClick(event);
      },
    },
    iconName ? icon(iconName) : null,
    label,
  );
  const wrap = h("div", { class: "action" }, button);
  if (!allowed && reason) {
    wrap.append(
      h("p", { class: `reason${pending ? " pending" : ""}`, id: reasonId }, pending ? h("span", { class: "spinner" }) : icon("lock"), h("span", {}, reason)),
    );
  }
  return wrap;
}

export function banner({ allowed, title, detail, action, neutral = false, id }) {
  const kind = neutral ? "neutral" : allowed ? "ok" : "bad";
  return h(
    "div",
    { class: `banner ${kind}`, id, tabindex: "-1", role: "group", "aria-label": title },
    icon(neutral ? "info" : allowed ? "ok" : "blocked", "banner-icon"),
    h("div", {}, h("p", { class: "banner-title" }, title), detail ? h("p", { class: "banner-detail" }, detail) : null),
    action ? h("div", { class: "banner-action" }, action) : null,
  );
}

/**
 * Violations and warnings, each with code, message and a link to its path in the request.
 * onShow(path) opens the inspector; extra(issue, kind) may add buttons (e.g. acknowledge).
 */
export function issueList(decision, { request, onShow, extra, idPrefix = "issue" }) {
  const section = h("section", { class: "issues", "aria-label": "Violations and warnings" });
  const groups = [
    ["violation", "Violations", decision.violations ?? [], "blocked"],
    ["warning", "Warnings", decision.warnings ?? [], "warning"],
  ];
  for (const [kind, title, issues, iconName] of groups) {
    section.append(h("h3", {}, `${title} (${issues.length})`));
    if (!issues.length) {
      section.append(h("p", { class: "none" }, icon("ok"), kind === "violation" ? "No violations." : "No warnings."));
      continue;
    }
    const list = h("ul", { class: "issue-list" });
    issues.forEach((issue, i) => {
      const body = h("div", { class: "issue-body" }, h("p", {}, issue.message));
      if (issue.path !== undefined && issue.path !== null) {
        body.append(
          h(
            "p",
            { class: "issue-path" },
            h("span", { class: "muted" }, "At"),
            h(
              "button",
              {
                type: "button",
                class: "link-btn",
                "data-path": issue.path,
                onClick: () => onShow(issue.path),
                "aria-label": `Show ${issue.path || "the request"} in the request`,
              },
              describePointer(request, issue.path),
            ),
            h("code", { class: "muted" }, issue.path || '""'),
          ),
        );
      }
      const more = extra?.(issue, kind);
      if (more) body.append(more);
      list.append(
        h(
          "li",
          { class: `issue ${kind}`, id: `${idPrefix}-${kind}-${i}`, "data-code": issue.code },
          icon(iconName),
          h("div", { class: "issue-head" }, h("span", { class: "issue-kind" }, kind === "violation" ? "Violation" : "Warning"), h("code", { class: "code" }, issue.code)),
          body,
        ),
      );
    });
    section.append(list);
  }
  return section;
}

/** The request inspector: shows `request` around `path`, highlighted and scrolled into view. */
export function showInspector(container, request, path, title = "Request") {
  const markId = nextId("mark");
  const { html, found, foundPointer } = inspectorHtml(request, path, markId);
  const pre = h("pre", { class: "json-view", tabindex: "0", "aria-label": `${title} around ${path || "the root"}` });
  pre.innerHTML = html;
  const panel = h(
    "section",
    { class: "inspector", tabindex: "-1", "aria-label": `${title}: ${path}` },
    h(
      "div",
      { class: "inspector-head" },
      h("h3", {}, `${title}`, " · ", h("span", { class: "crumbs" }, describePointer(request, path))),
      h("button", { type: "button", class: "btn btn-small", onClick: () => container.replaceChildren() }, "Close"),
    ),
    h("p", { class: "small muted" }, "Path ", h("code", {}, path || '""'), found ? " — highlighted below." : ` — not present in the request; the nearest part (${foundPointer || "the root"}) is highlighted.`),
    pre,
  );
  container.replaceChildren(panel);
  const mark = pre.querySelector(`#${markId}`);
  panel.scrollIntoView({ block: "nearest" });
  if (mark) pre.scrollTop = Math.max(0, mark.offsetTop - pre.clientHeight / 3);
  panel.focus({ preventScroll: true });
}

function valueCell(found, value, parts, side) {
  if (!found) return h("td", {}, h("span", { class: "absent" }, "(absent)"));
  if (parts) {
    return h(
      "td",
      {},
      h(
        "div",
        { class: "val" },
        parts.filter((p) => p.type === "same" || p.type === side).map((p) => (p.type === "same" ? p.text : h(side, {}, p.text))),
      ),
    );
  }
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return h("td", {}, h("div", { class: "val" }, typeof value === "string" ? `“${text}”` : text));
}

function fieldTable(beforeItem, afterItem, fields) {
  const table = h(
    "table",
    { class: "field-table" },
    h("colgroup", {}, h("col", { class: "c-field" }), h("col"), h("col")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Before"), h("th", { scope: "col" }, "After"))),
  );
  const body = h("tbody");
  for (const pointer of fields) {
    const before = getAt(beforeItem, pointer);
    const after = getAt(afterItem, pointer);
    let parts = null;
    if (before.found && after.found && typeof before.value === "string" && typeof after.value === "string" && (before.value.length > 24 || after.value.length > 24)) {
      parts = wordDiff(before.value, after.value);
    }
    body.append(
      h(
        "tr",
        {},
        h("th", { scope: "row" }, h("code", { title: pointer }, parsePointer(pointer).join(" › ") || "(whole item)")),
        valueCell(before.found, before.value, parts, "del"),
        valueCell(after.found, after.value, parts, "ins"),
      ),
    );
  }
  table.append(body);
  return table;
}

const LIST_CAP = 25;

function cappedList(items, render, className = "id-list") {
  const list = h("ul", { class: className });
  const show = (n) => {
    list.replaceChildren(...items.slice(0, n).map(render));
    if (items.length > n) {
      const rest = items.length - n;
      list.append(
        h(
          "li",
          {},
          h("button", { type: "button", class: "btn btn-small more-btn", onClick: () => show(items.length) }, `Show ${rest.toLocaleString("en")} more`),
        ),
      );
    }
  };
  show(LIST_CAP);
  return list;
}

function symbol(kind) {
  const char = { added: "+", modified: "~", removed: "−" }[kind];
  return h("span", { class: `sym sym-${kind}`, "aria-hidden": "true" }, char);
}

export function summaryPills(summary) {
  return h(
    "ul",
    { class: "summary-pills", "aria-label": "Summary of changes" },
    h("li", { class: "pill" }, symbol("added"), h("strong", {}, summary.added.toLocaleString("en")), "added"),
    h("li", { class: "pill" }, symbol("modified"), h("strong", {}, summary.modified.toLocaleString("en")), "modified"),
    h("li", { class: "pill" }, symbol("removed"), h("strong", {}, summary.removed.toLocaleString("en")), "removed"),
    h("li", { class: "pill" }, h("span", { class: "sym", "aria-hidden": "true" }, "="), h("strong", {}, summary.unchanged.toLocaleString("en")), "unchanged"),
  );
}

/**
 * The change set by kind. `before` / `after` are the documents the change set compares (for a sync:
 * the target workspace and the payload), used to show each modified field before and after.
 */
export function changeSet(changes, { before, after, title = "Changes", beforeLabel = "before", afterLabel = "after", idPrefix = "changes" }) {
  const card = h("section", { class: "card changes", id: idPrefix, "aria-label": title });
  card.append(h("div", { class: "card-head" }, h("h3", {}, title), h("p", { class: "small muted" }, `${beforeLabel} → ${afterLabel}`)));
  card.append(summaryPills(changes.summary));
  const openAll = changes.summary.modified <= 4;
  for (const kind of PROMOTED) {
    const k = changes.kinds?.[kind];
    if (!k) continue;
    const n = k.added.length + k.modified.length + k.removed.length;
    const counts = `${k.added.length} added · ${k.modified.length} modified · ${k.removed.length} removed · ${k.unchanged.toLocaleString("en")} unchanged`;
    const section = h(
      "section",
      { class: `kind${n ? "" : " quiet"}`, "data-kind": kind, "aria-label": `${KIND_LABEL[kind]}: ${counts}` },
      h("div", { class: "kind-head" }, h("h4", {}, KIND_LABEL[kind]), h("p", { class: "kind-counts" }, n ? counts : `No changes · ${k.unchanged.toLocaleString("en")} unchanged`)),
    );
    if (k.added.length) {
      section.append(
        cappedList(k.added, (id) =>
          h("li", { "data-change": "added" }, symbol("added"), h("span", { class: "sr-only" }, "Added: "), h("span", { class: "id" }, id), h("span", { class: "item-name" }, itemTitle(findItem(after, kind, id), kind))),
        ),
      );
    }
    if (k.removed.length) {
      section.append(
        cappedList(k.removed, (id) =>
          h("li", { "data-change": "removed" }, symbol("removed"), h("span", { class: "sr-only" }, "Removed: "), h("span", { class: "id" }, id), h("span", { class: "item-name" }, itemTitle(findItem(before, kind, id), kind))),
        ),
      );
    }
    if (k.modified.length) {
      section.append(
        cappedList(k.modified, ({ id, fields }) => {
          const beforeItem = findItem(before, kind, id);
          const afterItem = findItem(after, kind, id);
          const names = [...new Set(fields.map((f) => parsePointer(f)[0] ?? ""))].filter(Boolean);
          return h(
            "li",
            { "data-change": "modified" },
            h(
              "details",
              { class: "mod-item", "data-id": id, open: openAll },
              h(
                "summary",
                {},
                symbol("modified"),
                h("span", { class: "sr-only" }, "Modified: "),
                h("span", { class: "id" }, id),
                h("span", { class: "item-name" }, itemTitle(afterItem ?? beforeItem, kind)),
                h("span", { class: "fields-count" }, `· ${plural(fields.length, "field")} changed: ${names.join(", ")}`),
              ),
              fieldTable(beforeItem, afterItem, fields),
            ),
          );
        }),
      );
    }
    card.append(section);
  }
  if (changes.local?.length) {
    card.append(h("p", { class: "small" }, h("strong", {}, "Environment-local kinds changed: "), changes.local.map((k) => KIND_LABEL[k] ?? k).join(", ")));
  }
  return card;
}

/** Variables of a sync: whose default is kept, reset or new, with the value the target will hold. */
export function variableDefaults(plan, target, { to = "target" } = {}) {
  const card = h("section", { class: "card", "aria-label": "Variable defaults", id: "sync-variables" }, h("h3", {}, "Variable defaults"));
  const vars = plan.payload?.variables ?? [];
  const kinds = plan.changes.kinds.variables;
  const kept = new Set(kinds.defaultsKept ?? []);
  const reset = new Set(kinds.defaultsReset ?? []);
  const added = new Set(kinds.added ?? []);
  card.append(h("p", { class: "small muted" }, `Structure travels with the sync; the default value is local to each environment, so ${to} keeps its own unless the type changed.`));
  if (!vars.length) {
    card.append(h("p", { class: "none" }, "No variables in the payload."));
    return card;
  }
  const show = (v) => (v === undefined ? h("span", { class: "absent" }, "(none)") : h("code", {}, JSON.stringify(v)));
  const body = h("tbody");
  for (const v of vars) {
    const old = findItem(target, "variables", v.name);
    let status;
    let before = show(old?.defaultValue);
    if (reset.has(v.name)) status = h("span", { class: "tag tag-warn" }, icon("warning"), `Reset: type ${old?.type ?? "?"} → ${v.type}`);
    else if (kept.has(v.name)) status = h("span", { class: "tag tag-ok" }, icon("ok"), "Kept");
    else if (added.has(v.name)) {
      status = h("span", { class: "tag" }, "New: source default");
      before = h("span", { class: "absent" }, "(new variable)");
    } else status = h("span", { class: "muted" }, "—");
    body.append(
      h(
        "tr",
        { "data-variable": v.name },
        h("th", { scope: "row" }, h("code", {}, v.name), h("div", { class: "small muted" }, v.type)),
        h("td", {}, status),
        h("td", {}, before),
        h("td", {}, show(v.defaultValue)),
      ),
    );
  }
  card.append(
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "var-table" },
        h(
          "thead",
          {},
          h("tr", {}, h("th", { scope: "col" }, "Variable"), h("th", { scope: "col" }, "Default"), h("th", { scope: "col" }, `${to} now`), h("th", { scope: "col" }, "After the sync")),
        ),
        body,
      ),
    ),
  );
  return card;
}

export function fingerprints(rows, title = "Fingerprints") {
  return h(
    "section",
    { class: "card", "aria-label": title },
    h("h3", {}, title),
    rows.map(([label, value, testid]) => h("div", { class: "fp", "data-fp": testid }, h("span", { class: "fp-label" }, label), h("code", {}, value ?? "—"))),
  );
}

/** Copy / download rows: [label, text-producing fn, filename]. */
export function exportButtons(rows, title = "Export") {
  const grid = h("div", { class: "export-grid" });
  for (const [label, text, filename] of rows) {
    grid.append(
      h("span", {}, label),
      h("button", { type: "button", class: "btn btn-small", "aria-label": `Copy ${label}`, onClick: () => copyText(text(), label.toLowerCase()) }, icon("copy"), "Copy"),
      h("button", { type: "button", class: "btn btn-small", "aria-label": `Download ${label}`, onClick: () => download(text(), filename) }, icon("download"), "Download"),
    );
  }
  return h("section", { class: "card", "aria-label": title }, h("h3", {}, title), grid);
}

/** A thrown PromotionRulesError (or any error) shown with its code, message and path. */
export function errorBox(error, { title = "The engine refused the input", extra } = {}) {
  return h(
    "div",
    { class: "error-box", role: "alert" },
    h("div", { class: "issue-head" }, icon("blocked"), h("strong", {}, title), error.code ? h("code", { class: "code", "data-error-code": error.code }, error.code) : null),
    h("p", { "data-error-message": "" }, error.message),
    error.path !== undefined && error.path !== null
      ? h("p", { class: "small" }, "Path: ", h("code", { "data-error-path": error.path }, error.path === "" ? '"" (the whole input)' : error.path))
      : null,
    extra ?? null,
  );
}

export function callout(text, kind = "info") {
  return h("p", { class: `callout${kind === "warn" ? " warn" : ""}` }, icon(kind === "warn" ? "warning" : "info"), h("span", {}, text));
}

export { keyOf };

/** For a FORBIDDEN answer: the sample people whose roles grant `action` in `env`, as "Act as …" buttons. */
export function suggestPeople(action, env, actAs) {
  const who = PEOPLE.filter((p) => p.id !== state.actor.id && state.rules.authorize({ id: p.id, roles: p.roles }, action, env).allowed);
  if (!who.length) return null;
  return h(
    "div",
    { class: "row" },
    h("span", { class: "small muted" }, `Who may ${action} in ${envLabel(env)}:`),
    who.map((p) =>
      h("button", { type: "button", class: "btn btn-small", "data-act-as": p.id, onClick: () => actAs(p) }, `Act as ${p.id} (${p.roles.join(", ")})`),
    ),
  );
}

// The server's decision next to the local one: a setting with the URL of an edge service
// (examples/edge, `make edge`) and a bearer token; "Ask the server" sends the previewed sync to
// POST /v1/plan/sync and shows what the server decided, for the token's actor, with the approvals it
// recorded and its own clock. The server records every plan it answers in its audit chain, so it is
// asked on demand, never on every keystroke. The URL is kept in localStorage, the token only in
// sessionStorage (gone when the tab closes).
import { h, clear, icon } from "./dom.js";

const URL_KEY = "promotion-rules.edge.url";
const TOKEN_KEY = "promotion-rules.edge.token";
/** Fields the server owns: it refuses them in a body (actor comes from the token). */
const SERVER_FIELDS = ["actor", "now", "approvals", "previousAudit"];

function stored(storage, key) {
  try {
    return storage.getItem(key) ?? "";
  } catch {
    return "";
  }
}

function store(storage, key, value) {
  try {
    if (value) storage.setItem(key, value);
    else storage.removeItem(key);
  } catch {
    // Storage refused (private mode): the setting lasts as long as the page.
  }
}

const codesOf = (decision) => [...new Set((decision.violations ?? []).map((v) => v.code))].sort();

/**
 * The "Server decision" card. `current()` answers `{ plan, request }` of the local preview (or null);
 * call `.reset()` when the local preview changes: the server's last answer no longer matches it.
 */
export function serverCheck(current) {
  const url = h("input", { id: "server-url", type: "url", placeholder: "http://127.0.0.1:8787", autocomplete: "off", spellcheck: "false", value: stored(localStorage, URL_KEY) });
  const token = h("input", { id: "server-token", type: "password", autocomplete: "off", spellcheck: "false", placeholder: "eyJ…", value: stored(sessionStorage, TOKEN_KEY) });
  const out = h("div", { id: "server-decision", "aria-live": "polite" });
  const ask = h("button", { type: "button", class: "btn btn-small", id: "server-ask", onClick: () => run() }, "Ask the server");
  url.addEventListener("change", () => store(localStorage, URL_KEY, url.value.trim()));
  token.addEventListener("change", () => store(sessionStorage, TOKEN_KEY, token.value.trim()));
  const card = h(
    "details",
    { class: "card server-check", id: "server-check", open: Boolean(url.value) },
    h("summary", {}, h("strong", {}, "Server decision"), h("span", { class: "small muted" }, " — the edge service re-checks this sync for your token")),
    h(
      "div",
      { class: "controls" },
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Service URL"), url),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Bearer token"), token),
      ask,
    ),
    h("p", { class: "small muted" }, "The server acts as the token's person, with the approvals recorded on it and its own clock, and records each answer in its audit chain. The token stays in this tab only."),
    out,
  );

  function show(kind, title, detail) {
    clear(out, h("div", { class: `banner ${kind}`, role: "group", "aria-label": title }, icon(kind === "ok" ? "ok" : kind === "bad" ? "blocked" : "info", "banner-icon"), h("div", {}, h("p", { class: "banner-title" }, title), detail ? h("p", { class: "banner-detail" }, detail) : null)));
  }

  async function run() {
    const local = current();
    const base = url.value.trim();
    if (!local) return show("neutral", "Nothing to compare yet", "The local preview has no plan to send.");
    if (!base || !token.value.trim()) return show("neutral", "Set the service URL and a token first", "make edge prints both.");
    store(localStorage, URL_KEY, base);
    store(sessionStorage, TOKEN_KEY, token.value.trim());
    const body = Object.fromEntries(Object.entries(local.request).filter(([key]) => !SERVER_FIELDS.includes(key)));
    ask.disabled = true;
    show("neutral", "Asking the server…");
    let res;
    let answer;
    try {
      res = await fetch(new URL("/v1/plan/sync", base), {
        method: "POST",
        headers: { authorization: `Bearer ${token.value.trim()}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      answer = await res.json().catch(() => null);
    } catch (error) {
      return show("bad", "The server could not be reached", `${base}: ${error.message}. Is it running, and does its ALLOWED_ORIGINS list ${location.origin}?`);
    } finally {
      ask.disabled = false;
    }
    const plan = res.status === 409 && answer?.plan ? answer.plan : res.ok ? answer : null;
    if (!plan) {
      return show("bad", `The server refused the request: ${answer?.code ?? `HTTP ${res.status}`}`, answer?.message ?? "");
    }
    const who = plan.audit?.actor ?? "the token's actor";
    const serverCodes = codesOf(plan);
    const localCodes = codesOf(local.plan);
    const agrees = plan.allowed === local.plan.allowed && serverCodes.join() === localCodes.join();
    const seq = res.headers.get("audit-sequence");
    const verdict = plan.allowed ? `Allowed by the server for ${who}` : `Blocked by the server for ${who}`;
    const parts = [
      serverCodes.length ? `violations: ${serverCodes.join(", ")}` : "no violations",
      agrees ? "agrees with the local preview" : `differs from the local preview (${local.plan.allowed ? "allowed" : "blocked"}${localCodes.length ? `: ${localCodes.join(", ")}` : ""})`,
      seq ? `audit record #${seq}` : "",
    ].filter(Boolean);
    show(plan.allowed ? "ok" : "bad", verdict, parts.join(" · "));
    out.firstChild.dataset.allowed = String(plan.allowed);
    out.firstChild.dataset.agrees = String(agrees);
  }

  return {
    element: card,
    reset() {
      if (out.firstChild) clear(out, h("p", { class: "small muted" }, "The preview changed: ask the server again to compare."));
    },
  };
}

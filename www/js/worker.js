// The engine worker: planSync, planPublish, planRollback and checkEdit run here, off the main thread, so that large
// workspaces (thousands of items) never freeze the page. It loads the package exactly as a front end would.
import init, { PromotionRules, fingerprint } from "/pkg/web.js";

const ready = init();
let compiled = { policy: null, rules: null };

function rulesFor(policy) {
  if (compiled.policy !== policy) {
    compiled.rules?.free();
    compiled = { policy, rules: new PromotionRules(policy || undefined) };
  }
  return compiled.rules;
}

const PROMOTED = ["agents", "workflows", "knowledgeBase", "integrations", "channels", "variables"];

/** Which promoted items differ from a base manifest (changed, added or deleted in place). */
function drift({ workspace, base }) {
  const changed = [];
  for (const kind of PROMOTED) {
    const key = kind === "variables" ? "name" : "id";
    const items = Array.isArray(workspace?.[kind]) ? workspace[kind] : [];
    const recorded = base?.[kind] ?? {};
    const seen = new Set();
    for (const item of items) {
      const id = item?.[key];
      if (typeof id !== "string") continue;
      seen.add(id);
      let value = item;
      if (kind === "variables") {
        const { defaultValue, ...structure } = item;
        value = structure;
      }
      if (!(id in recorded)) changed.push({ kind, id, how: "added" });
      else if (recorded[id] !== fingerprint(value)) changed.push({ kind, id, how: "modified" });
    }
    for (const id of Object.keys(recorded)) if (!seen.has(id)) changed.push({ kind, id, how: "removed" });
  }
  return changed;
}

self.onmessage = async (event) => {
  const { id, op, policy, request } = event.data;
  const started = performance.now();
  try {
    await ready;
    let result;
    if (op === "drift") result = drift(request);
    else if (op === "planSync" || op === "planPublish" || op === "planRollback" || op === "checkEdit") result = rulesFor(policy)[op](request);
    else throw new Error(`unknown operation ${op}`);
    self.postMessage({ id, ok: true, result, ms: performance.now() - started });
  } catch (error) {
    self.postMessage({
      id,
      ok: false,
      error: { name: error?.name ?? "Error", code: error?.code ?? null, message: String(error?.message ?? error), path: error?.path ?? null },
    });
  }
};

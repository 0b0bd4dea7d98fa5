// The module graph of src/: for each module, the modules it uses (any `crate::<module>` path in its
// code, tests of the file left out), then every import cycle. Exits 1 when there is a cycle.
//   node scripts/module-graph.mjs          # the graph, one line per module, and the verdict
// `make check` runs it. A module is a file of src/ (src/rules/sync.rs is `rules::sync`, a folder's
// mod.rs is the folder); `crate::rules::sync::x` counts as a use of `rules::sync`.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL("../src", import.meta.url));

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith(".rs") ? [path] : [];
  });
}

function moduleOf(path) {
  const parts = relative(src, path).replace(/\.rs$/, "").split("/");
  if (parts.at(-1) === "mod" || parts.at(-1) === "lib") parts.pop();
  return parts.join("::") || "crate";
}

// A module's tests (`src/diff/tests.rs`) are not part of the graph.
const modules = new Map(files(src).filter((path) => !path.endsWith("/tests.rs")).map((path) => [moduleOf(path), path]));
// A file's own inline tests (`#[cfg(test)] mod tests { … }` to the end of the file) are not its code.
// Comments (`//`, `///`, `//!`) name modules without using them.
const code = (text) => text.split(/#\[cfg\((?:all\()?test[,)]/)[0].replace(/\/\/.*$/gm, "");

const graph = new Map();
for (const [name, path] of modules) {
  const uses = new Set();
  const text = code(readFileSync(path, "utf8"));
  // `use crate::{a, b::c}` groups and plain `crate::a::b` paths.
  for (const match of text.matchAll(/crate::\{([^}]*)\}/g)) {
    for (const part of match[1].split(",")) uses.add(part.trim().split("::")[0]);
  }
  for (const match of text.matchAll(/crate::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)/g)) {
    const segments = match[1].split("::");
    // The longest prefix that is a module.
    for (let n = segments.length; n > 0; n--) {
      const candidate = segments.slice(0, n).join("::");
      if (modules.has(candidate)) {
        uses.add(candidate);
        break;
      }
    }
  }
  // `super::x` inside a folder module.
  for (const match of text.matchAll(/super::([a-z_][a-z0-9_]*)/g)) {
    const parent = name.includes("::") ? name.split("::").slice(0, -1).join("::") : "";
    const candidate = parent ? `${parent}::${match[1]}` : match[1];
    uses.add(modules.has(candidate) ? candidate : parent || "crate");
  }
  uses.delete(name);
  uses.delete("");
  graph.set(name, [...uses].filter((use) => modules.has(use) || use === "crate").sort());
}

for (const [name, uses] of [...graph].sort()) console.log(`${name.padEnd(18)} → ${uses.join(", ") || "(nothing)"}`);

// Cycles: Tarjan's strongly connected components; a component of two or more modules is a cycle.
// `crate` (lib.rs, the re-exports) and `wasm` (the binding) sit on top and are left out.
const top = new Set(["crate", "wasm"]);
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function visit(v) {
  state.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (top.has(w)) continue;
    if (!state.has(w)) {
      visit(w);
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
    } else if (state.get(w).onStack) {
      state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
    }
  }
  if (state.get(v).low === state.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const name of graph.keys()) if (!top.has(name) && !state.has(name)) visit(name);

if (cycles.length === 0) {
  console.log("\nno import cycle in src/");
} else {
  for (const cycle of cycles) console.log(`\ncycle: ${cycle.join(" ↔ ")}`);
  process.exitCode = 1;
}

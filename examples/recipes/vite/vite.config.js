import { defineConfig } from "vite";

export default defineConfig({
  // The dev server pre-bundles dependencies into .vite/deps/, away from the package's .wasm:
  // keep the package out of it so that `new URL("…_bg.wasm", import.meta.url)` still finds it.
  optimizeDeps: { exclude: ["promotion-rules"] },
});

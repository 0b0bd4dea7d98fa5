#!/usr/bin/env bash
# Builds pkg/: the npm package `promotion-rules` (one .wasm, ESM + CommonJS glue, typed entries).
#   cargo (wasm32, release) → wasm-bindgen (web + nodejs glue; the .wasm is identical) →
#   wasm-opt -Oz (npm binaryen, never Debian's) → scripts/assemble-pkg.mjs
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

out=target/pkg-build
rm -rf "$out" pkg
mkdir -p "$out"
cargo build --quiet --lib --target wasm32-unknown-unknown --release
wasm=target/wasm32-unknown-unknown/release/promotion_rules.wasm
wasm-bindgen --target web --out-dir "$out/web" "$wasm"
wasm-bindgen --target nodejs --out-dir "$out/node" "$wasm"
cmp -s "$out/web/promotion_rules_bg.wasm" "$out/node/promotion_rules_bg.wasm" \
  || { echo "build-pkg: web and nodejs .wasm differ; cannot share one file" >&2; exit 1; }
case "$(command -v wasm-opt)" in
  "$PWD"/node_modules/.bin/*) ;;
  *) echo "build-pkg: wasm-opt must be npm binaryen's (run scripts/setup.sh)" >&2; exit 1 ;;
esac
# No memory-packing: it splits the embedded time-zone table at runs of zeros into many data
# segments, which gzip then compresses worse.
optimize() {
  wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --skip-pass memory-packing --strip-debug --strip-producers "$1" -o "$2"
}
optimize "$out/web/promotion_rules_bg.wasm" "$out/promotion_rules_bg.wasm"
# What optimising for speed costs (Cargo.toml: the crate at opt-level "s", SHA-256 at 3): the same
# build with everything at opt-level "z", in its own target dir so that neither build invalidates
# the other; assemble-pkg.mjs prints the difference.
CARGO_TARGET_DIR=target/size-only cargo build --quiet --lib --target wasm32-unknown-unknown --release \
  --config 'profile.release.opt-level="z"' --config 'profile.release.package.sha2.opt-level="z"'
wasm-bindgen --target web --out-dir "$out/size-only" target/size-only/wasm32-unknown-unknown/release/promotion_rules.wasm
optimize "$out/size-only/promotion_rules_bg.wasm" "$out/size-only.wasm"
# The zone table build.rs packed (names, index, rules), so that assemble-pkg can print what the
# time zones cost.
tzdir="$(dirname "$(ls -t target/wasm32-unknown-unknown/release/build/promotion-rules-*/out/tz_table.bin | head -1)")"
TZDB_FILES="$tzdir/tz_table.bin:$tzdir/tz_names.txt:$tzdir/tz_index.bin" TZDB_VERSION="$(cat "$tzdir/tz_version.txt")" \
node scripts/assemble-pkg.mjs "$out" pkg

# promotion-rules — every command does its own set-up on a fresh machine (scripts/setup.sh is idempotent).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
PORT ?= 8080
FUZZ_SECONDS ?= 60
export FUZZ_SECONDS
EDGE_PORT ?= 8787
HOST ?= 127.0.0.1

.PHONY: help setup demo edge test check modules pkg lint test-rust test-wasm test-wasm-node test-wasm-browser test-js \
	test-edge test-www corpus-update bench bench-smoke bench-native fuzz fuzz-smoke test-hostile clean

## make help: every target, one line each.
help:
	@grep -E '^## make ' $(MAKEFILE_LIST) | sed -E 's/^## make ([^:]+): /\1\t/' | awk -F'\t' '{ printf "  make %-18s %s\n", $$1, $$2 }'

## make setup: install the toolchain (Rust wasm target, wasm-bindgen-cli, wasm-pack, Chromium, npm tools).
setup:
	@scripts/setup.sh

## make pkg: build pkg/, the npm package `promotion-rules`.
pkg: setup
	scripts/build-pkg.sh

## make demo: build the package and serve the preview app on http://$(HOST):$(PORT).
demo: pkg
	WWW_EDGE="$${WWW_EDGE:-http://$(HOST):$(EDGE_PORT)}" node www/serve.mjs --host $(HOST) --port $(PORT)

## make edge: the Workers handler in real workerd with a local D1 on http://$(HOST):$(EDGE_PORT); prints tokens and curl lines (the demo's origin may call it).
edge: pkg
	EDGE_ALLOWED_ORIGINS="$${EDGE_ALLOWED_ORIGINS:-http://$(HOST):$(PORT)}" node examples/edge/serve.mjs --host $(HOST) --port $(EDGE_PORT)

## make corpus-update: rewrite tests/corpus/*.expected.json from the native engine (after a deliberate change).
corpus-update:
	UPDATE_CORPUS=1 cargo test --test corpus

## make test: every test — lints, native tests, wasm in Node and Chromium, the packed npm package.
test: setup lint test-rust pkg test-wasm test-js test-hostile test-edge test-www bench-smoke fuzz-smoke
	@echo "make test: all suites passed"

## make check: the fast loop — fmt, clippy (native and wasm32), the module graph, native tests (PROPTEST_CASES=64).
check:
	cargo fmt --check
	cargo clippy --quiet --all-targets -- -D warnings
	cargo clippy --quiet --lib --target wasm32-unknown-unknown -- -D warnings
	node scripts/module-graph.mjs > /dev/null
	PROPTEST_CASES=64 cargo test --quiet

## make modules: the module graph of src/ (what each module imports) and its import cycles (none).
modules:
	node scripts/module-graph.mjs

## make lint: fmt and clippy -D warnings (native, wasm32, fuzz crate) and the module graph without cycles.
lint:
	cargo fmt --check
	cd fuzz && cargo fmt --check
	cargo clippy --quiet --all-targets -- -D warnings
	cargo clippy --quiet --lib --target wasm32-unknown-unknown -- -D warnings
	node scripts/module-graph.mjs

## make test-rust: the native tests (scenarios, properties, the golden corpus, doctests).
test-rust:
	cargo test --quiet

## make test-wasm: wasm-bindgen tests in Node and headless Chromium.
test-wasm: test-wasm-node test-wasm-browser

## make test-wasm-node: wasm-bindgen tests in Node.

test-wasm-node:
	wasm-pack test --node -- --test wasm 2>&1 | tee target/wasm-node.log
	grep -Eq "test result: ok\. [1-9][0-9]* passed" target/wasm-node.log

## make test-wasm-browser: wasm-bindgen tests in headless Chromium (the count of tests run is checked).
# Without WASM_BINDGEN_USE_BROWSER the browser run silently runs nothing: check the count.
test-wasm-browser:
	WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --test wasm 2>&1 | tee target/wasm-browser.log
	grep -Eq "test result: ok\. [1-9][0-9]* passed" target/wasm-browser.log

## make test-js: the packed npm package in a fresh project: node --test suites, the tsc gate, README snippets.
test-js: pkg
	node scripts/test-js.mjs

## make test-www: the preview app end to end in headless Chromium (screenshots in target/screenshots/).
test-www: pkg
	node tests/www/app.test.mjs

## make test-edge: the golden corpus in Node, Chromium, workerd (HTTP) and Deno; the Workers API and its security (tests/edge/); the recipes.
test-edge: pkg
	node --test --test-reporter=spec --test-concurrency=1 tests/edge/

## make bench: the package against its peers on generated S/M/L workspaces and the text-heavy pair T (~2 min): table + target/bench/summary.json.
bench: pkg
	node bench/run.mjs

## make bench-smoke: the benchmark harness on S, 2 rounds: every summary key present, answers agree with the peers.
bench-smoke: pkg
	node bench/run.mjs --smoke

## make bench-native: divan benchmarks of the core (parse, plan_sync, diff, fingerprint) on S and M.
bench-native:
	node bench/generate.mjs S M T
	cargo bench --bench core

## make fuzz: every cargo-fuzz target for FUZZ_SECONDS each (nightly toolchain + cargo-fuzz, installed by setup).
fuzz:
	scripts/setup.sh --fuzz
	scripts/fuzz.sh

## make fuzz-smoke: a few seconds per fuzz target (FUZZ_SMOKE_SECONDS, default 3), after one fuzz build.
fuzz-smoke:
	scripts/setup.sh --fuzz
	scripts/fuzz.sh --smoke

## make test-hostile: hostile JS values, limits, fast-check properties, memory and pathological sizes (as ratios).
test-hostile: pkg
	node scripts/test-hostile.mjs

## make clean: remove build output (target/, pkg/, node_modules/).
clean:
	cargo clean
	rm -rf pkg node_modules

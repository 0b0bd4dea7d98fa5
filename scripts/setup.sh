#!/usr/bin/env bash
# Idempotent set-up of everything `make test` / `make demo` need on a fresh
# machine of this project's kind (Debian, rustup, Node 20, registries only).
# Each step is skipped when already satisfied; a second run takes < 2 s.
#
#   scripts/setup.sh          # Rust wasm target, wasm-bindgen-cli, wasm-pack,
#                             # Chromium + chromedriver, npm devDependencies
#   scripts/setup.sh --fuzz   # also cargo-fuzz (nightly toolchain assumed)
#
# Why each version and flag is what it is: the "Toolchain" section of the README.
set -euo pipefail

WASM_PACK_VERSION="0.15.1"
FALLBACK_WASM_BINDGEN_VERSION="0.2.130"   # the `=` pin in Cargo.toml

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

WANT_FUZZ=0
for arg in "$@"; do
  case "$arg" in
    --fuzz) WANT_FUZZ=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log()  { printf '[setup] %s\n' "$*"; }
warn() { printf '[setup] WARNING: %s\n' "$*" >&2; }
die()  { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

command -v cargo  >/dev/null 2>&1 || die "cargo not found (install rustup first)"
command -v rustup >/dev/null 2>&1 || die "rustup not found"
command -v npm    >/dev/null 2>&1 || die "npm not found (Node 20+ required)"

# Root runs commands directly; otherwise use sudo when there is one.
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="__none__"; fi
fi

# ---------------------------------------------------------------- rust target
if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  log "rust target wasm32-unknown-unknown: present"
else
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# ------------------------------------------------------------ wasm-bindgen-cli
lock_wasm_bindgen_version() {
  [ -f Cargo.lock ] || return 0
  awk '
    /^\[\[package\]\]/ { inpkg = 0 }
    /^name = "wasm-bindgen"$/ { inpkg = 1; next }
    inpkg && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.lock
}

if [ ! -f Cargo.lock ]; then
  log "no Cargo.lock yet: trying cargo generate-lockfile"
  cargo generate-lockfile >/dev/null 2>&1 || warn "cargo generate-lockfile failed; using the Cargo.toml pin"
fi
WASM_BINDGEN_VERSION="$(lock_wasm_bindgen_version)"
if [ -z "$WASM_BINDGEN_VERSION" ]; then
  WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen *= *"=\([0-9][0-9.]*\)".*/\1/p' Cargo.toml | head -n1)"
fi
WASM_BINDGEN_VERSION="${WASM_BINDGEN_VERSION:-$FALLBACK_WASM_BINDGEN_VERSION}"

have_wbg=""
if command -v wasm-bindgen >/dev/null 2>&1; then
  have_wbg="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
fi
if [ "$have_wbg" = "$WASM_BINDGEN_VERSION" ]; then
  log "wasm-bindgen-cli $WASM_BINDGEN_VERSION: present"
else
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (have: ${have_wbg:-none}; takes ~2 min)"
  # No --locked: the crate's own lockfile wants a version the index lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# ------------------------------------------------------------------- wasm-pack
have_wp=""
if command -v wasm-pack >/dev/null 2>&1; then
  have_wp="$(wasm-pack --version 2>/dev/null | awk '{print $2}')"
fi
if [ "$have_wp" = "$WASM_PACK_VERSION" ]; then
  log "wasm-pack $WASM_PACK_VERSION: present"
else
  log "installing wasm-pack $WASM_PACK_VERSION (have: ${have_wp:-none}; takes ~2 min)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force
fi

# ------------------------------------------------------- chromium + driver
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  log "chromium + chromedriver: present"
else
  [ "$SUDO" = "__none__" ] && die "need root or sudo to apt-get install chromium chromium-driver"
  log "installing Debian chromium + chromium-driver (~1 min)"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver
fi

# ------------------------------------------------------------------ wasm-opt
# Debian's binaryen (108) produces modules that fail at load time; wasm-pack
# would pick /usr/bin/wasm-opt up silently. npm binaryen@132 is ours; the
# Makefile puts node_modules/.bin first on PATH.
if [ -e /usr/bin/wasm-opt ]; then
  warn "/usr/bin/wasm-opt (Debian binaryen) is installed; never use it."
  warn "Run wasm-pack with node_modules/.bin first on PATH (the Makefile does), or: apt-get remove binaryen"
fi

# ------------------------------------------------------------ npm devDeps
NPM_STAMP="node_modules/.setup-stamp"
if [ ! -f package.json ]; then
  warn "no package.json: skipping npm ci"
elif [ ! -f package-lock.json ]; then
  die "package.json without package-lock.json; run npm install and commit the lockfile"
elif { [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; } \
     || { [ -f "$NPM_STAMP" ] && [ "$NPM_STAMP" -nt package-lock.json ]; }; then
  log "node_modules: up to date"
else
  log "npm ci"
  # --ignore-scripts: nothing here needs an install script (deno, workerd and
  # sharp find their prebuilt binaries in optional npm packages at run time),
  # and no postinstall may try a download from outside the registry in CI.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  touch "$NPM_STAMP"
fi

# -------------------------------------------------------------- cargo-fuzz
if [ "$WANT_FUZZ" -eq 1 ]; then
  if command -v cargo-fuzz >/dev/null 2>&1; then
    log "cargo-fuzz: present"
  else
    log "installing cargo-fuzz (takes a few minutes)"
    cargo install cargo-fuzz --locked
  fi
  rustup toolchain list | grep -q '^nightly' || warn "no nightly toolchain: cargo fuzz needs one (rustup toolchain install nightly)"
fi

# ----------------------------------------------------------------- summary
ver() { "$@" 2>/dev/null | head -n1 | tr -d '\r' || true; }
wasm_opt_v="missing"
[ -x node_modules/.bin/wasm-opt ] && wasm_opt_v="$(ver node_modules/.bin/wasm-opt --version)"
chromium_v="$(ver /usr/bin/chromium --version)"
chromedriver_v="$(ver /usr/bin/chromedriver --version | awk '{print $1, $2}')"
summary="rustc $(rustc --version | awk '{print $2}'); wasm-bindgen $(ver wasm-bindgen --version | awk '{print $2}'); wasm-pack $(ver wasm-pack --version | awk '{print $2}'); wasm-opt(npm) ${wasm_opt_v#wasm-opt }; node $(node --version); ${chromium_v:-chromium missing}; ${chromedriver_v:-chromedriver missing}"
if [ "$WANT_FUZZ" -eq 1 ]; then summary="$summary; $(ver cargo fuzz --version)"; fi
log "ok: $summary"

#!/usr/bin/env bash
# Fuzzes every entry point that takes JSON text (cargo fuzz, nightly toolchain): the targets of
# fuzz/Cargo.toml, one after the other, each for FUZZ_SECONDS, from the seed corpora that
# fuzz/seed-corpus.mjs builds out of tests/fixtures/samples (fuzz/corpus is git-ignored and grows between runs).
#
#   scripts/fuzz.sh                  every target, FUZZ_SECONDS each (default 60)         (make fuzz)
#   scripts/fuzz.sh --smoke          every target, FUZZ_SMOKE_SECONDS each (default 3)    (make test)
#   scripts/fuzz.sh plan_sync diff   only these targets
#
# Environment: FUZZ_SECONDS, FUZZ_SMOKE_SECONDS, FUZZ_SANITIZER (none | address; default none:
# the crate forbids unsafe code, and without ASan a target runs about twice as fast),
# FUZZ_MAX_LEN (default 131072 bytes), FUZZ_TIMEOUT (seconds for one input, default 10),
# FUZZ_ARGS (more libFuzzer flags).
#
# Builds are release with debug assertions and overflow checks (cargo fuzz's default). Any panic,
# failed invariant, stack overflow, out-of-memory (2 GiB) or slow input (FUZZ_TIMEOUT) is a
# finding: its input is saved under fuzz/artifacts/<target>/ and the script exits 1.
# Logs: target/fuzz-logs/<target>.log; a summary (executions, cov, ft, corpus) is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

seconds="${FUZZ_SECONDS:-60}"
if [[ "${1:-}" == "--smoke" ]]; then
  seconds="${FUZZ_SMOKE_SECONDS:-3}"
  shift
fi
sanitizer="${FUZZ_SANITIZER:-none}"
max_len="${FUZZ_MAX_LEN:-131072}"
timeout="${FUZZ_TIMEOUT:-10}"

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: the nightly toolchain is missing (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is missing (cargo install cargo-fuzz)" >&2
  exit 1
fi

mapfile -t all < <(cd fuzz && cargo +nightly fuzz list)
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=("${all[@]}"); fi

node fuzz/seed-corpus.mjs fuzz/corpus
cargo +nightly fuzz build --sanitizer "$sanitizer"

logs=target/fuzz-logs
mkdir -p "$logs"
summary=()
failed=()
for target in "${targets[@]}"; do
  dict=()
  [[ "$target" != structured_* ]] && dict=(-dict=fuzz/json.dict)
  echo "== fuzz $target for ${seconds} s"
  log="$logs/$target.log"
  status=0
  # shellcheck disable=SC2086
  cargo +nightly fuzz run --sanitizer "$sanitizer" "$target" "fuzz/corpus/$target" -- \
    "${dict[@]}" -max_total_time="$seconds" -max_len="$max_len" -timeout="$timeout" \
    -rss_limit_mb=2048 -print_final_stats=1 ${FUZZ_ARGS:-} >"$log" 2>&1 || status=$?
  # The last status line (#N DONE/pulse/NEW … cov: … ft: … corp: …) and the final stats.
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  stat() { grep -Eo "stat::$1: +[0-9]+" "$log" | grep -Eo '[0-9]+$' || true; }
  runs=$(stat number_of_executed_units)
  speed=$(stat average_exec_per_sec)
  slowest=$(stat slowest_unit_time_sec)
  rss=$(stat peak_rss_mb)
  cov=$(grep -Eo 'cov: [0-9]+' <<<"$last" | grep -Eo '[0-9]+' || true)
  ft=$(grep -Eo 'ft: [0-9]+' <<<"$last" | grep -Eo '[0-9]+' || true)
  corp=$(grep -Eo 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<<"$last" | cut -d' ' -f2 || true)
  line=$(printf '%-21s runs %10s  exec/s %6s  cov %5s  ft %6s  corpus %-12s slowest %ss  rss %s MB' \
    "$target" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${slowest:-?}" "${rss:-?}")
  if [[ $status -ne 0 ]]; then
    failed+=("$target")
    line="$line  FINDING (exit $status, see $log and fuzz/artifacts/$target/)"
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -n 8 || true
  fi
  echo "$line"
  summary+=("$line")
done

echo
echo "fuzz summary (${seconds} s per target, sanitizer $sanitizer):"
printf '  %s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings"

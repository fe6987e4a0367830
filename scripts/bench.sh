#!/usr/bin/env bash
# Every benchmark, on this machine, in one run, then one table (docs/performance.md is a copy of it):
#   1. native: cargo bench --bench engine (benches/engine.rs: peak loops, linear regression,
#      MNIST, the breakdown sweep);
#   2. wasm32 + simd128 in headless Chromium: the same code (tests/wasm_bench.rs);
#   3. NumPy: scripts/bench_numpy.py times the NumPy version of the same iteration, reads the two
#      outputs above and prints the table.
# Nothing here asserts a speed. Optional: BENCH_TARGET_CPU_NATIVE=1 also runs the native peak and
# MNIST benchmarks built with -C target-cpu=native (not the shipped build; one more full build).
source "$(dirname "$0")/common.sh"
OUT="${BENCH_OUT:-$ROOT/target/bench}"
mkdir -p "$OUT"

say "native benchmarks: cargo bench --bench engine"
cargo bench --quiet --bench engine | tee "$OUT/native.txt"

if [ "${BENCH_TARGET_CPU_NATIVE:-0}" = 1 ]; then
  say "native benchmarks built with -C target-cpu=native (for reference only)"
  RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/cpu-native" \
    cargo bench --quiet --bench engine -- peak mnist | sed 's/^BENCH native /BENCH cpunative /' | tee "$OUT/cpu-native.txt"
fi

say "wasm benchmarks in headless Chromium: cargo test --target wasm32-unknown-unknown --test wasm_bench"
ensure_wasm_target
ensure_wasm_bindgen  # provides wasm-bindgen-test-runner
apt_install chromium chromium-driver
rm -f "$OUT/wasm.txt"
if CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/tests/webdriver.json" \
   WASM_BINDGEN_TEST_TIMEOUT=900 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
   cargo test --release --target wasm32-unknown-unknown --test wasm_bench -- --nocapture | tee "$OUT/wasm.txt"; then
  :
else
  echo "the wasm benchmarks failed; the table shows n/a for wasm" >&2
fi

say "NumPy reference and the table"
EXTRA=()
[ -f "$OUT/cpu-native.txt" ] && [ "${BENCH_TARGET_CPU_NATIVE:-0}" = 1 ] && EXTRA=(--cpu-native "$OUT/cpu-native.txt")
python3 "$ROOT/scripts/bench_numpy.py" --native "$OUT/native.txt" --wasm "$OUT/wasm.txt" "${EXTRA[@]}" | tee "$OUT/table.md"
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"

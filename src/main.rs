//! The web app's entry point (built by Trunk for wasm32).
#[cfg(target_arch = "wasm32")]
fn main() {
    // The same module runs in the page and in its compute workers, which start their side
    // themselves (static/worker.js calls `worker_start`).
    if !byzlab::app::worker::in_worker() {
        byzlab::app::start();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("byzlab is a web app: run `bash scripts/serve.sh` (or `trunk serve`) and open http://127.0.0.1:8080.");
    eprintln!("For the command line, use `cargo run --release --bin byzlab-cli -- --help`.");
}

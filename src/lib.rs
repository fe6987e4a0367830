pub mod engine;
pub mod lab;
pub mod plots;
#[cfg(target_arch = "wasm32")]
pub mod app;

#[cfg(target_arch = "wasm32")]
pub mod app;
pub mod engine;
pub mod lab;
pub mod plots;

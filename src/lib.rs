#[cfg(target_arch = "wasm32")]
pub mod app;
pub use byzlab_engine as engine;
pub mod export;
pub mod lab;
pub mod plots;

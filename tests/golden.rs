//! Native half of the determinism check (see tests/support/golden.rs).
#![cfg(not(target_arch = "wasm32"))] // native: files, processes and the data on disk
#[path = "support/golden.rs"]
mod golden;

use byzlab::engine::data::{DataSource, Datasets};

#[test]
fn native_traces_match_the_committed_fixture() {
    let data = Datasets::load(&[DataSource::Subset, DataSource::Spambase]).unwrap();
    let ours = golden::traces(&data);
    // Twice in one process: bit-identical.
    assert_eq!(ours, golden::traces(&data));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden.csv");
    if std::env::var_os("BYZLAB_BLESS").is_some() {
        std::fs::write(&path, &ours).unwrap();
    }
    let fixture = std::fs::read_to_string(&path).expect("tests/fixtures/golden.csv (BYZLAB_BLESS=1 writes it)");
    golden::compare(&ours, &fixture).unwrap();
}

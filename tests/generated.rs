//! The committed completions and man pages match what the code generates.
//! Regenerate with `cargo run -- generate .` when this fails.

#[test]
fn committed_completions_and_man_pages_are_fresh() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = hookcap::generated_files().unwrap();
    assert!(files.len() >= 6);
    for (rel, bytes) in files {
        let committed = std::fs::read(root.join(&rel)).unwrap_or_default();
        assert!(
            committed == bytes,
            "{rel} is stale: run `cargo run -- generate .`"
        );
    }
}

//! Shared by the chain test binaries.
#![allow(dead_code)] // each test binary uses a subset

use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A contract package named `probe` (Scarb layout) whose `src/lib.cairo` is `lib`.
pub fn package(lib: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Scarb.toml"),
        "[package]\nname = \"probe\"\nversion = \"0.1.0\"\nedition = \"2024_07\"\n\n[dependencies]\nstarknet = \">=2.12.0\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.cairo"), lib).unwrap();
    dir
}

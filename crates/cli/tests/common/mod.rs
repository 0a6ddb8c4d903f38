//! Helpers shared by the CLI test binaries.
#![allow(dead_code)] // each test binary uses a subset

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `cairn` binary.
pub fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Builds the named models of scripts/models/make_models.py into `dir`.
pub fn make_models(dir: &Path, names: &[&str]) {
    make_models_with("make_models.py", dir, names)
}

/// Builds the named models of `scripts/models/<script>` into `dir`.
pub fn make_models_with(script: &str, dir: &Path, names: &[&str]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts/models")
        .join(script);
    let status = Command::new("python3")
        .arg(&script)
        .arg(dir)
        .args(names)
        .status()
        .unwrap();
    assert!(status.success(), "{} failed", script.display());
}

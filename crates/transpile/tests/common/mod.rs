//! Shared by the model test binaries: models built by a script of scripts/models.
#![allow(dead_code)] // each test binary uses a subset

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `scripts/models/<script> DIR` into a fresh temporary folder (make setup installs what
/// the scripts import).
pub fn build_models(script: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(repo().join("scripts/models").join(script))
        .arg(dir.path())
        .status()
        .unwrap_or_else(|e| panic!("python3 {script}: {e}"));
    assert!(status.success(), "{script} failed");
    dir
}

/// One model transpiled and run: its plan and metadata, the Rust reference's outputs, the VM run
/// and the outputs decoded from it.
pub struct Ran {
    pub plan: transpile::Plan,
    pub meta: transpile::Metadata,
    pub reference: Vec<fixed::Tensor>,
    pub run: runner::Execution,
    pub outputs: Vec<fixed::Tensor>,
}

/// Transpiles `dir/model.onnx`, runs it on `dir/input.json` with the reference and in the VM.
pub fn transpile_and_run(dir: &Path, opts: &transpile::Options) -> Ran {
    let model = dir.join("model.onnx");
    let plan =
        transpile::plan_model(&model, opts).unwrap_or_else(|e| panic!("{}: {e}", model.display()));
    let out_dir = tempfile::tempdir().unwrap();
    let pkg = out_dir.path().join("model_cairo");
    let meta =
        transpile::write_package(&plan, &model, &pkg, &transpile::default_tensor_lib()).unwrap();
    let input = transpile::read_input_json(&dir.join("input.json")).unwrap();
    let raw = transpile::quantize_inputs(plan.q, &plan.inputs, &input).unwrap();
    let reference = plan.run(&raw).unwrap();
    let program = runner::compile_package(&pkg).unwrap();
    let run = runner::execute(&program, &transpile::executable_args(&raw, None)).unwrap();
    let outputs = transpile::decode_claim(&meta, &run.output)
        .unwrap()
        .output
        .unwrap();
    Ran {
        plan,
        meta,
        reference,
        run,
        outputs,
    }
}

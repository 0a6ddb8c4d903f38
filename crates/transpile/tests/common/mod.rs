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
    build_some_models(script, &[])
}

/// Like [`build_models`], only the models named (all when `names` is empty).
pub fn build_some_models(script: &str, names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(repo().join("scripts/models").join(script))
        .arg(dir.path())
        .args(names)
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

/// onnxruntime's run of a model built by a scripts/models script (`expected.json`).
pub struct Expected {
    /// The graph input and the sample's shape.
    pub input: String,
    pub shape: Vec<usize>,
    /// Outputs in graph order: (name, flat values).
    pub outputs: Vec<(String, Vec<f64>)>,
}

pub fn expected(dir: &Path) -> Expected {
    let text = std::fs::read_to_string(dir.join("expected.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let outputs = v["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let n = n.as_str().unwrap().to_string();
            let values = v["outputs"][&n]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            (n, values)
        })
        .collect();
    Expected {
        input: v["input"].as_str().unwrap().to_string(),
        shape: v["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect(),
        outputs,
    }
}

/// What `check_against_onnxruntime` saw.
pub struct Checked {
    /// The plan's ONNX op types.
    pub ops: Vec<String>,
    pub steps: usize,
    /// Largest score difference from onnxruntime.
    pub max_error: f64,
}

/// Transpiles and runs the model of `dir` on its sample (batch as in `expected.json`); every
/// output must equal the Rust reference's exactly, labels (index outputs) onnxruntime's exactly,
/// scores onnxruntime's within `tolerance`.
pub fn check_against_onnxruntime(dir: &Path, tolerance: f64) -> Checked {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let expected = expected(dir);
    let mut opts = transpile::Options::default();
    opts.input_shapes
        .insert(expected.input.clone(), expected.shape.clone());
    let Ran {
        plan,
        meta,
        reference,
        run,
        outputs,
    } = transpile_and_run(dir, &opts);
    assert_eq!(
        outputs.len(),
        expected.outputs.len(),
        "{name}: output count"
    );
    let mut max_error: f64 = 0.0;
    for (((vm, reference), info), (ort_name, ort)) in outputs
        .iter()
        .zip(&reference)
        .zip(&meta.outputs)
        .zip(&expected.outputs)
    {
        assert_eq!(
            vm, reference,
            "{name}/{ort_name}: VM differs from the reference"
        );
        assert_eq!(&info.name, ort_name, "{name}: output order");
        if info.index {
            let labels: Vec<f64> = vm.data.iter().map(|&v| v as f64).collect();
            assert_eq!(&labels, ort, "{name}/{ort_name}: labels");
        } else {
            let got: Vec<f64> = vm.data.iter().map(|&v| plan.q.to_f64(v)).collect();
            assert_eq!(got.len(), ort.len(), "{name}/{ort_name}: length");
            let err = got
                .iter()
                .zip(ort)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            assert!(err <= tolerance, "{name}/{ort_name}: {got:?} vs {ort:?}");
            eprintln!(
                "{name}/{ort_name}: max abs error {err:.2e}, {} steps",
                run.steps
            );
            max_error = max_error.max(err);
        }
    }
    Checked {
        ops: meta.ops,
        steps: run.steps,
        max_error,
    }
}

//! Real models end to end: build them with onnx (scripts/models/make_models.py), transpile, run the
//! generated Cairo in the VM, and require (1) exactly the Rust reference's raw output and (2) the
//! onnxruntime output within a stated tolerance.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The generated models, built once per test process.
fn models() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| common::build_models("make_models.py"))
        .path()
}

fn expected(name: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(models().join(name).join("expected.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["output_data"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Transpiles, runs in the VM, checks bit-exactness; returns (dequantized output, steps, MACs).
fn run_model(name: &str, opts: &transpile::Options) -> (Vec<f64>, usize, usize) {
    let common::Ran {
        plan,
        meta,
        reference,
        run,
        mut outputs,
    } = common::transpile_and_run(&models().join(name), opts);
    assert_eq!(outputs.len(), 1, "one output tensor");
    let vm = outputs.remove(0);
    assert_eq!(
        vm, reference[0],
        "{name}: the Cairo VM output differs from the Rust reference"
    );
    assert_eq!(vm.shape, meta.outputs[0].shape);
    (
        vm.data.iter().map(|&v| plan.q.to_f64(v)).collect(),
        run.steps,
        plan.macs,
    )
}

fn max_err(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// Tolerances against onnxruntime at scale 2^16: inputs and weights are rounded to 2^-17, so a
/// layer of K products adds up to about K * 2^-17 * (|x| + |w|); these bounds hold with margin.
#[test]
fn linear_mlp_and_cnns_match_reference_and_onnxruntime() {
    let opts = transpile::Options::default();
    for (name, tol) in [
        ("linear", 1e-4),
        ("mlp", 2e-3),
        ("tiny_cnn", 1e-3),
        ("lenet", 5e-3),
    ] {
        let (out, steps, macs) = run_model(name, &opts);
        let err = max_err(&out, &expected(name));
        println!("{name}: max abs error {err:.2e} vs onnxruntime, {steps} steps, {macs} MACs");
        assert!(err <= tol, "{name}: error {err} above {tol}");
    }
}

#[test]
fn calibration_picks_a_finer_scale_and_stays_exact() {
    let sample = transpile::read_input_json(&models().join("mlp/input.json")).unwrap();
    let opts = transpile::Options {
        calibrate: Some(sample),
        ..Default::default()
    };
    let plan = transpile::plan_model(&models().join("mlp/model.onnx"), &opts).unwrap();
    assert!(
        plan.q.bits() > 16,
        "calibrated scale {} should beat the default",
        plan.q.bits()
    );
    assert!(plan.max_abs <= fixed::MAX_ABS / transpile::CALIBRATION_HEADROOM);
    let (out, _, _) = run_model("mlp", &opts);
    assert!(max_err(&out, &expected("mlp")) <= 1e-4);
}

fn write_model(dir: &Path, script: &str) -> PathBuf {
    let path = dir.join("m.onnx");
    let code = format!(
        "import onnx\nfrom onnx import helper, TensorProto as T\n{script}\nonnx.save(m, r'{}')\n",
        path.display()
    );
    let status = Command::new("python3")
        .arg("-c")
        .arg(code)
        .status()
        .unwrap();
    assert!(status.success());
    path
}

#[test]
fn unsupported_op_names_node_and_lists_supported_ops() {
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(
        dir.path(),
        "g = helper.make_graph([helper.make_node('Cos', ['x'], ['y'], name='wave')], 'g',\n  \
         [helper.make_tensor_value_info('x', T.FLOAT, [1, 4])], [helper.make_tensor_value_info('y', T.FLOAT, [1, 4])])\n\
         m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])",
    );
    let err = transpile::plan_model(&model, &Default::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("wave") && err.contains("Cos") && err.contains("Gemm"),
        "{err}"
    );
}

#[test]
fn bad_files_and_outputs_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.onnx");
    std::fs::write(&junk, b"not a model").unwrap();
    let err = transpile::plan_model(&junk, &Default::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("junk.onnx"), "{err}");
    let missing = transpile::plan_model(&dir.path().join("none.onnx"), &Default::default())
        .unwrap_err()
        .to_string();
    assert!(missing.contains("no such file"), "{missing}");

    // An existing folder that is not ours is never overwritten.
    let model = models().join("linear/model.onnx");
    let plan = transpile::plan_model(&model, &Default::default()).unwrap();
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("keep.txt"), "x").unwrap();
    let err = transpile::write_package(&plan, &model, &theirs, &transpile::default_tensor_lib())
        .unwrap_err()
        .to_string();
    assert!(err.contains("refusing"), "{err}");
    assert!(theirs.join("keep.txt").exists());

    // A weight too large for the scale names the node.
    let big = write_model(
        dir.path(),
        "w = helper.make_tensor('w', T.FLOAT, [1], [1e30])\n\
         g = helper.make_graph([helper.make_node('Mul', ['x', 'w'], ['y'], name='scale_up')], 'g',\n  \
         [helper.make_tensor_value_info('x', T.FLOAT, [1, 1])], [helper.make_tensor_value_info('y', T.FLOAT, [1, 1])], [w])\n\
         m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])",
    );
    let err = transpile::plan_model(&big, &Default::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("scale_up") && err.contains("does not fit"),
        "{err}"
    );
}

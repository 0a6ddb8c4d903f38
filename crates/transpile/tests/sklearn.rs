//! scikit-learn models as users export them (skl2onnx, ONNX-ML operators; built by
//! scripts/models/make_sklearn_models.py): transpiled, run in the Cairo VM, every output exactly
//! the Rust reference's, labels equal to onnxruntime's and scores within 2e-3 of them (scale
//! 2^16; the sigmoid, softmax and division are fixed-point approximations).

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

const TOLERANCE: f64 = 2e-3;

fn models() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| common::build_models("make_sklearn_models.py"))
        .path()
}

/// onnxruntime's outputs, in graph order: (name, flat values).
fn expected(name: &str) -> Vec<(String, Vec<f64>)> {
    let text = std::fs::read_to_string(models().join(name).join("expected.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["order"]
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
        .collect()
}

/// Transpiles and runs `name` in the VM; checks every output against the reference (exactly) and
/// onnxruntime; returns the plan's op types.
fn check(name: &str) -> Vec<String> {
    let common::Ran {
        plan,
        meta,
        reference,
        run,
        outputs,
    } = common::transpile_and_run(&models().join(name), &transpile::Options::default());
    let expected = expected(name);
    assert_eq!(outputs.len(), expected.len(), "{name}: output count");
    for (((vm, reference), info), (ort_name, ort)) in outputs
        .iter()
        .zip(&reference)
        .zip(&meta.outputs)
        .zip(&expected)
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
            let err = got
                .iter()
                .zip(ort)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            assert_eq!(got.len(), ort.len(), "{name}/{ort_name}: length");
            assert!(err <= TOLERANCE, "{name}/{ort_name}: {got:?} vs {ort:?}");
            eprintln!(
                "{name}/{ort_name}: max abs error {err:.2e}, {} steps",
                run.steps
            );
        }
    }
    meta.ops
}

#[test]
fn linear_regression() {
    assert!(check("linear_regression").contains(&"LinearRegressor".to_string()));
}

#[test]
fn normalizer_then_ridge() {
    let ops = check("normalizer_ridge");
    assert!(ops.contains(&"Normalizer".to_string()), "{ops:?}");
}

#[test]
fn logistic_regression_binary() {
    assert!(check("logistic_binary").contains(&"LinearClassifier".to_string()));
}

#[test]
fn standard_scaler_then_multiclass_logistic_regression() {
    let ops = check("scaler_logistic_multiclass");
    for op in ["Scaler", "LinearClassifier", "Normalizer"] {
        assert!(ops.contains(&op.to_string()), "{ops:?}");
    }
}

#[test]
fn linear_svc_scores_and_label() {
    check("linear_svc");
}

#[test]
fn standard_scaler_then_mlp_classifier() {
    // The label: ArgMax, then skl2onnx's class lookup (ArrayFeatureExtractor over the classes
    // 0..n, no code), Reshape and Cast; checked against onnxruntime's label in `check`.
    let ops = check("scaler_mlp_classifier");
    assert!(ops.contains(&"ArgMax".to_string()), "{ops:?}");
}

#[test]
fn minmax_scaler_then_mlp_regressor() {
    check("minmax_mlp_regressor");
}

#[test]
fn zipmap_is_refused_with_the_export_option() {
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
import sys, numpy as np
from sklearn.linear_model import LogisticRegression
from skl2onnx import to_onnx
x = np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32)
m = LogisticRegression().fit(x, (x[:, 0] > 0).astype(np.int64))
open(sys.argv[1], "wb").write(to_onnx(m, x[:1]).SerializeToString())
"#;
    let model = dir.path().join("zipmap.onnx");
    let status = Command::new("python3")
        .args(["-c", script, model.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let err = transpile::plan_model(&model, &transpile::Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ZipMap") && err.contains("'zipmap': False"),
        "{err}"
    );
}

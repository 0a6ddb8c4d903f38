//! scikit-learn models as users export them (skl2onnx, ONNX-ML operators; built by
//! scripts/models/make_sklearn_models.py): transpiled, run in the Cairo VM, every output exactly
//! the Rust reference's, labels equal to onnxruntime's and scores within `TOLERANCE` of them.
//! Tree ensembles (scikit-learn, XGBoost, LightGBM) are in `trees.rs`.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

fn models() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| common::build_some_models("make_sklearn_models.py", MODELS))
        .path()
}

const MODELS: &[&str] = &[
    "linear_regression",
    "normalizer_ridge",
    "logistic_binary",
    "scaler_logistic_multiclass",
    "linear_svc",
    "scaler_mlp_classifier",
    "minmax_mlp_regressor",
];

fn check(name: &str) -> Vec<String> {
    common::check_against_onnxruntime(&models().join(name), TOLERANCE).ops
}

/// Scores within this of onnxruntime's (scale 2^16; the sigmoid, softmax and division are
/// fixed-point approximations).
const TOLERANCE: f64 = 2e-3;

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

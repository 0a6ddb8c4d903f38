//! Tree ensembles as users export them: scikit-learn through skl2onnx, XGBoost and LightGBM
//! through onnxmltools (scripts/models/make_sklearn_models.py, a batch of 8 samples each).
//! Transpiled to the library's tree walk, run in the Cairo VM: every output exactly the Rust
//! reference's, labels exactly onnxruntime's (the samples lie on the fixed-point grid, so every
//! tree takes onnxruntime's path), scores within `TOLERANCE` of onnxruntime's.

mod common;

use std::path::Path;
use std::sync::OnceLock;

/// Leaf values are rounded to 2^-16 (one half-ulp per tree at most) and the sigmoid and
/// softmax are fixed-point approximations.
const TOLERANCE: f64 = 2e-3;

const MODELS: &[&str] = &[
    "decision_tree_regressor",
    "random_forest_regressor",
    "random_forest_binary",
    "random_forest_multiclass",
    "gradient_boosting_regressor",
    "gradient_boosting_binary",
    "gradient_boosting_multiclass",
    "xgboost_regressor",
    "xgboost_binary",
    "xgboost_multiclass",
    "lightgbm_regressor",
    "lightgbm_binary",
    "lightgbm_multiclass",
];

fn models() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| common::build_some_models("make_sklearn_models.py", MODELS))
        .path()
}

/// Checks `name` and that it went through the tree walk (`op` is the ONNX-ML operator).
fn check(name: &str, op: &str) {
    let c = common::check_against_onnxruntime(&models().join(name), TOLERANCE);
    assert!(c.ops.contains(&op.to_string()), "{name}: {:?}", c.ops);
}

const REGRESSOR: &str = "TreeEnsembleRegressor";
const CLASSIFIER: &str = "TreeEnsembleClassifier";

#[test]
fn decision_tree_regressor() {
    check("decision_tree_regressor", REGRESSOR);
}

#[test]
fn random_forest_regressor() {
    check("random_forest_regressor", REGRESSOR);
}

#[test]
fn random_forest_binary_classifier() {
    check("random_forest_binary", CLASSIFIER);
}

#[test]
fn random_forest_multiclass_classifier() {
    check("random_forest_multiclass", CLASSIFIER);
}

#[test]
fn gradient_boosting_regressor() {
    check("gradient_boosting_regressor", REGRESSOR);
}

#[test]
fn gradient_boosting_binary_classifier() {
    check("gradient_boosting_binary", CLASSIFIER);
}

#[test]
fn gradient_boosting_multiclass_classifier() {
    check("gradient_boosting_multiclass", CLASSIFIER);
}

#[test]
fn xgboost_regressor() {
    check("xgboost_regressor", REGRESSOR);
}

#[test]
fn xgboost_binary_classifier() {
    check("xgboost_binary", CLASSIFIER);
}

#[test]
fn xgboost_multiclass_classifier() {
    check("xgboost_multiclass", CLASSIFIER);
}

#[test]
fn lightgbm_regressor() {
    check("lightgbm_regressor", REGRESSOR);
}

#[test]
fn lightgbm_binary_classifier() {
    check("lightgbm_binary", CLASSIFIER);
}

#[test]
fn lightgbm_multiclass_classifier() {
    check("lightgbm_multiclass", CLASSIFIER);
}

/// Hand-built ensembles (scripts/models/make_tree_cases.py): every branch mode at a threshold on
/// the grid and one between grid points, with inputs at and one step either side, each tree
/// voting for its own target so every decision is compared with onnxruntime's.
fn cases() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| common::build_models("make_tree_cases.py"))
        .path()
}

#[test]
fn every_branch_mode_decides_as_onnxruntime() {
    // Exact: every vote is +-1 and the inputs are on the grid.
    let c = common::check_against_onnxruntime(&cases().join("all_modes"), 0.0);
    assert!(c.ops.contains(&REGRESSOR.to_string()));
}

#[test]
fn sum_average_min_max_with_base_values() {
    for agg in ["sum", "average", "min", "max"] {
        // AVERAGE rounds a third to the grid: within half a step.
        let c = common::check_against_onnxruntime(
            &cases().join(format!("aggregate_{agg}")),
            1.0 / 131_072.0,
        );
        assert!(c.max_error <= 1.0 / 131_072.0, "{agg}");
    }
}

#[test]
fn softmax_zero_keeps_unvoted_classes_at_zero() {
    let c = common::check_against_onnxruntime(&cases().join("classifier_softmax_zero"), TOLERANCE);
    assert!(c.ops.contains(&CLASSIFIER.to_string()));
}

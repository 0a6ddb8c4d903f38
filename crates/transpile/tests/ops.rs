//! Small graphs for activations, reductions, run-time comparisons / Where, Einsum and ONNX-ML
//! Binarizer,
//! which the onnx package's PyTorch suites do not cover (scripts/models/make_op_cases.py): each runs in the Cairo VM equal to the Rust reference
//! and within `TOLERANCE` of onnxruntime.

mod common;

use std::path::Path;
use std::sync::OnceLock;

/// Scale 2^16; exp/log/tanh/softplus/sqrt are fixed-point approximations.
const TOLERANCE: f64 = 2e-3;

fn cases() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| common::build_models("make_op_cases.py"))
        .path()
}

#[test]
fn activations_and_reductions_match_onnxruntime() {
    for name in [
        "hard_sigmoid",
        "hard_swish",
        "softsign",
        "mish",
        "reduce_min",
        "reduce_l1",
        "reduce_l2",
        "reduce_sum_square",
        "reduce_log_sum_exp",
        "greater_where",
        "not_less_or_equal",
        "binarizer",
        "reduce_prod",
        "cumsum",
        "cumsum_exclusive_reverse",
        "top_k",
        "top_k_smallest",
        "einsum_bij_jk",
        "einsum_attention",
        "einsum_transpose_sum",
    ] {
        let c = common::check_against_onnxruntime(&cases().join(name), TOLERANCE);
        eprintln!("{name}: max error {:.1e}", c.max_error);
    }
}

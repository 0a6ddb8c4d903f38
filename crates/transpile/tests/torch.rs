//! PyTorch models as users export them (`torch.onnx.export`; built by
//! scripts/models/make_torch_models.py): a transformer encoder layer, GRU and LSTM sequence
//! models (one bidirectional), a LayerNorm MLP, a ResNet block, a convolutional autoencoder and a
//! grouped, dilated 1-D transposed convolution, a token classifier (embedding lookup of integer
//! inputs) and upsampling (nearest, bilinear, bilinear with aligned corners). Each is transpiled and run in
//! the Cairo VM: every output exactly the Rust reference's, and within `TOLERANCE` of
//! onnxruntime's.

mod common;

use std::path::Path;
use std::sync::OnceLock;

/// Scale 2^16; the nonlinear functions (softmax, sigmoid, tanh, sqrt, erf) are fixed-point
/// approximations and normalizations divide by small standard deviations.
const TOLERANCE: f64 = 2e-3;

fn models() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| common::build_models("make_torch_models.py"))
        .path()
}

fn check(name: &str, op: &str) {
    let c = common::check_against_onnxruntime(&models().join(name), TOLERANCE);
    assert!(c.ops.contains(&op.to_string()), "{name}: {:?}", c.ops);
    eprintln!("{name}: {} steps, max error {:.1e}", c.steps, c.max_error);
}

#[test]
fn transformer_encoder_layer() {
    check("transformer_encoder_layer", "LayerNormalization");
}

#[test]
fn gru_sequence_model() {
    check("gru", "GRU");
}

#[test]
fn lstm_sequence_model() {
    check("lstm", "LSTM");
}

#[test]
fn bidirectional_rnn() {
    check("rnn", "RNN");
}

#[test]
fn bidirectional_lstm() {
    check("bidirectional_lstm", "LSTM");
}

#[test]
fn layer_norm_mlp() {
    check("layer_norm_mlp", "LayerNormalization");
}

#[test]
fn resnet_block() {
    check("resnet_block", "Conv");
}

#[test]
fn conv_autoencoder() {
    check("conv_autoencoder", "ConvTranspose");
}

#[test]
fn conv_transpose_1d_groups_dilation_output_padding() {
    check("conv_transpose_1d_groups", "ConvTranspose");
}

#[test]
fn embedding_lookup_of_token_ids() {
    check("embedding_classifier", "Gather");
}

#[test]
fn upsample_nearest_and_bilinear() {
    for name in [
        "upsample_nearest",
        "upsample_bilinear",
        "upsample_bilinear_aligned",
    ] {
        check(name, "Resize");
    }
}

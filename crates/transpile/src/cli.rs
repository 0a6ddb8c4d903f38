//! The `transpile` command line, shared by the `transpile` binary and `cairn transpile`.

use std::path::PathBuf;

use clap::Args;

/// Turn an ONNX model into a Cairo package that computes it in fixed point.
#[derive(Args, Debug)]
pub struct TranspileArgs {
    /// The ONNX model.
    pub model: PathBuf,
    /// Output directory (default: <model file stem>_cairo in the current directory).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Fixed-point fractional bits (1..=32); default 16, or calibrated with --calibrate.
    #[arg(long)]
    pub scale_bits: Option<u32>,
    /// Fix a symbolic input shape: NAME=D0,D1,... (repeatable; a symbolic batch dim defaults to 1).
    #[arg(long = "input-shape", value_parser = crate::parse_input_shape)]
    pub input_shapes: Vec<(String, Vec<usize>)>,
    /// Choose the largest scale that keeps every intermediate of this sample input (EZKL's
    /// format: {"input_data": [[...]]}) at least 256x inside the fixed-point bound.
    #[arg(long)]
    pub calibrate: Option<PathBuf>,
    /// Input visibility: `public` (values in the proof's public output), `hashed` (only their
    /// Poseidon hash is public) or `private` (nothing about the input is in the public output).
    #[arg(long, value_enum, default_value_t)]
    pub input_visibility: crate::InputVisibility,
    /// Weights visibility: `public` (constants in the program; the program hash commits to them)
    /// or `hashed` (kept out of the program in weights.json, passed privately; only their
    /// Poseidon hash is public).
    #[arg(long, value_enum, default_value_t)]
    pub weights_visibility: crate::WeightsVisibility,
    /// Output visibility: `public` (the output tensors) or `hashed` (their Poseidon hash).
    #[arg(long, value_enum, default_value_t)]
    pub output_visibility: crate::OutputVisibility,
    /// The cairn_tensor library the package depends on (a path dependency).
    #[arg(long, default_value_os_t = crate::default_tensor_lib())]
    pub tensor_lib: PathBuf,
}

pub const LONG_ABOUT: &str = "Turn an ONNX model into a Cairo (Scarb) package that computes it with the \
cairn_tensor fixed-point library. The package's `predict` function can be imported by other Scarb \
projects; its #[executable] takes the input as felts and returns the outputs. `cairn.json` next to \
it records shapes, scale and ops for `cairn run` and `cairn prove`; the model is copied as \
model.onnx for float comparisons.\n\nExample:\n  transpile mnist.onnx -o mnist_cairo --calibrate input.json\n  \
cairn run mnist_cairo --input input.json --compare\n  cairn prove mnist_cairo --input input.json --proof mnist.proof\n\n\
Visibility (--input-visibility, --weights-visibility, --output-visibility) decides what the proof's \
public output shows; see docs/PRIVACY.md. Stwo proofs are NOT zero-knowledge: `private` and `hashed` \
keep values out of the public output, but the proof's trace openings still reveal some witness values.";

/// Transpiles as the arguments say and prints a summary.
pub fn run(a: TranspileArgs) -> crate::Result<crate::Metadata> {
    let opts = crate::Options {
        scale_bits: a.scale_bits,
        input_shapes: a.input_shapes.into_iter().collect(),
        calibrate: a
            .calibrate
            .as_deref()
            .map(crate::read_input_json)
            .transpose()?,
        visibility: crate::Visibility {
            input: a.input_visibility,
            weights: a.weights_visibility,
            output: a.output_visibility,
        },
    };
    let plan = crate::plan_model(&a.model, &opts)?;
    let out = a.output.unwrap_or_else(|| {
        let stem = a
            .model
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".into());
        PathBuf::from(format!("{stem}_cairo"))
    });
    let meta = crate::write_package(&plan, &a.model, &out, &a.tensor_lib)?;
    println!("wrote {} (package `{}`)", out.display(), meta.package);
    println!(
        "scale: 2^{}  ops: {}  weights: {}  MACs: {}",
        meta.scale_bits,
        meta.ops.len(),
        meta.weights,
        meta.macs
    );
    let v = meta.visibility;
    println!(
        "visibility: input {:?}, weights {:?}, output {:?}",
        v.input, v.weights, v.output
    );
    if let Some(c) = &meta.weights_commitment {
        println!(
            "weights commitment: {c} (weights in {})",
            crate::WEIGHTS_FILE
        );
    }
    for i in &meta.inputs {
        println!("input  {} {:?}", i.name, i.shape);
    }
    for o in &meta.outputs {
        println!(
            "output {} {:?}{}",
            o.name,
            o.shape,
            if o.index { " (indices)" } else { "" }
        );
    }
    Ok(meta)
}

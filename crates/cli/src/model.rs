//! Transpiled models in `cairn run` / `cairn prove`: float input → felts, output felts → tensors.

use std::path::Path;

use anyhow::{bail, Context, Result};
use fixed::{Tensor, Q};
use runner::Felt252;
use transpile::Metadata;

/// A transpiled model with a quantized input, ready to run.
pub struct ModelInput {
    pub meta: Metadata,
    pub q: Q,
    pub floats: Vec<Vec<f64>>,
    /// The quantized input.
    pub raw: Vec<Tensor>,
    /// The executable's arguments: the input array (length, then the values), then with hashed
    /// weights the weight array.
    pub args: Vec<Felt252>,
}

pub fn prepare(package: &Path, input: &Path) -> Result<ModelInput> {
    let meta = transpile::read_metadata(package)?;
    let q = Q::new(meta.scale_bits).map_err(|e| anyhow::anyhow!("cairn.json: {e}"))?;
    let floats = transpile::read_input_json(input)?;
    let raw = transpile::quantize_inputs(q, &meta.inputs, &floats)?;
    let weights = transpile::read_private_weights(package, &meta)?;
    let args = transpile::executable_args(&raw, weights.as_deref());
    Ok(ModelInput {
        meta,
        q,
        floats,
        raw,
        args,
    })
}

/// Output values in real units (index outputs stay integers).
pub fn dequantize(meta: &Metadata, q: Q, outputs: &[Tensor]) -> Vec<Vec<f64>> {
    outputs
        .iter()
        .zip(&meta.outputs)
        .map(|(t, o)| {
            t.data
                .iter()
                .map(|&v| if o.index { v as f64 } else { q.to_f64(v) })
                .collect()
        })
        .collect()
}

/// Writes out.json: dequantized `output_data`, raw fixed values, shapes and steps.
pub fn write_output_json(
    path: &Path,
    meta: &Metadata,
    q: Q,
    outputs: &[Tensor],
    steps: usize,
) -> Result<()> {
    let json = serde_json::json!({
        "output_data": dequantize(meta, q, outputs),
        "raw": outputs.iter().map(|t| t.data.clone()).collect::<Vec<_>>(),
        "shapes": outputs.iter().map(|t| t.shape.clone()).collect::<Vec<_>>(),
        "scale_bits": meta.scale_bits,
        "steps": steps,
    });
    std::fs::write(path, serde_json::to_string_pretty(&json)? + "\n")
        .with_context(|| format!("writing {}", path.display()))
}

/// Max abs error of the fixed-point outputs against a float run of the source model.
pub fn compare(package: &Path, m: &ModelInput, outputs: &[Tensor]) -> Result<f64> {
    let float = transpile::float_run(&package.join(&m.meta.model), &m.meta.inputs, &m.floats)?;
    let fixed = dequantize(&m.meta, m.q, outputs);
    let mut worst = 0f64;
    for (a, b) in fixed.iter().zip(&float) {
        if a.len() != b.len() {
            bail!(
                "float run returned {} values where the fixed run has {}",
                b.len(),
                a.len()
            );
        }
        for (x, y) in a.iter().zip(b) {
            worst = worst.max((x - y).abs());
        }
    }
    Ok(worst)
}

/// Cairo steps per layer of a transpiled model: each `let vN = ...;` line of the generated
/// `predict` is one ONNX node (named by the comment above it); the rest is input handling.
pub fn layer_profile(
    package: &Path,
    program: &runner::CompiledProgram,
    execution: &runner::Execution,
) -> Result<Vec<(String, usize)>> {
    let source = std::fs::read_to_string(package.join("src/lib.cairo"))?;
    let lines: Vec<&str> = source.lines().collect();
    let mut names = std::collections::BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        if l.trim_start().starts_with("let v") && i > 0 {
            if let Some(comment) = lines[i - 1].trim_start().strip_prefix("// ") {
                names.insert(i as u32 + 1, comment.to_string());
            }
        }
    }
    let keys = names.keys().copied().collect();
    let profile = runner::line_profile(program, execution, &keys)?;
    let mut out = vec![(
        "input checks and output".to_string(),
        profile.get(&0).copied().unwrap_or(0),
    )];
    for (line, name) in names {
        out.push((name, profile.get(&line).copied().unwrap_or(0)));
    }
    Ok(out)
}

/// The outputs of a run whose output is hashed: recomputed with the bit-exact Rust reference
/// (re-planning the package's model copy at its scale) and checked against the proven hash.
pub fn reference_outputs(
    package: &Path,
    m: &ModelInput,
    commitment: Felt252,
) -> Result<Vec<Tensor>> {
    let opts = transpile::Options {
        scale_bits: Some(m.meta.scale_bits),
        input_shapes: m
            .meta
            .inputs
            .iter()
            .map(|i| (i.name.clone(), i.shape.clone()))
            .collect(),
        calibrate: None,
        visibility: m.meta.visibility,
    };
    let plan = transpile::plan_model(&package.join(&m.meta.model), &opts)?;
    let outputs = plan.run(&m.raw)?;
    let got = transpile::privacy::output_commitment(&outputs);
    if got != commitment {
        bail!(
            "the Rust reference's outputs hash to {got:#x}, the program's to {commitment:#x}: \
             does model.onnx still match the package?"
        );
    }
    Ok(outputs)
}

/// Raw outputs from an out.json written by `cairn run --output`.
pub fn read_output_json(path: &Path) -> Result<Vec<Tensor>> {
    #[derive(serde::Deserialize)]
    struct OutFile {
        raw: Vec<Vec<i64>>,
        shapes: Vec<Vec<usize>>,
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let f: OutFile = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: expected `raw` and `shapes` as written by `cairn run --output`",
            path.display()
        )
    })?;
    if f.raw.len() != f.shapes.len() {
        bail!(
            "{}: {} raw outputs but {} shapes",
            path.display(),
            f.raw.len(),
            f.shapes.len()
        );
    }
    f.raw
        .into_iter()
        .zip(f.shapes)
        .map(|(data, shape)| {
            Tensor::new(shape, data).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        })
        .collect()
}

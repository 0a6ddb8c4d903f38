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
    /// The executable's arguments: the input array (length, then the values).
    pub args: Vec<Felt252>,
}

pub fn prepare(package: &Path, input: &Path) -> Result<ModelInput> {
    let meta = transpile::read_metadata(package)?;
    let q = Q::new(meta.scale_bits).map_err(|e| anyhow::anyhow!("cairn.json: {e}"))?;
    let floats = transpile::read_input_json(input)?;
    let raw = transpile::quantize_inputs(q, &meta.inputs, &floats)?;
    let args: Vec<Felt252> = transpile::executable_args(&raw)
        .into_iter()
        .map(Felt252::from)
        .collect();
    Ok(ModelInput {
        meta,
        q,
        floats,
        args,
    })
}

fn to_i64(f: &Felt252) -> Result<i64> {
    runner::felt_to_i64(f).with_context(|| format!("output felt {f:#x} is not a fixed-point value"))
}

/// Decodes the executable's output (`Array<Tensor>`) and checks it against the metadata.
pub fn decode_outputs(meta: &Metadata, felts: &[Felt252]) -> Result<Vec<Tensor>> {
    let v: Vec<i64> = felts.iter().map(to_i64).collect::<Result<_>>()?;
    let out = transpile::decode_outputs(&v)?;
    if out.len() != meta.outputs.len() {
        bail!(
            "the program returned {} tensors, cairn.json lists {}",
            out.len(),
            meta.outputs.len()
        );
    }
    for (t, o) in out.iter().zip(&meta.outputs) {
        if t.shape != o.shape {
            bail!(
                "output {} has shape {:?}, cairn.json says {:?}",
                o.name,
                t.shape,
                o.shape
            );
        }
    }
    Ok(out)
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

//! ONNX → Cairo: turns a model into a Scarb package that computes it with the `cairn_tensor`
//! fixed-point library, plus `cairn.json` metadata for running and proving it.
//!
//! Pipeline: [`load`] (tract-onnx protobuf, fixed input shapes) → [`plan`] (quantize weights,
//! fold constant shape arithmetic, run the bit-exact Rust reference for shapes and calibration)
//! → [`codegen`] (Cairo source) → [`write_package`].

pub mod cli;
pub mod codegen;
pub mod error;
pub mod load;
pub mod plan;
pub mod privacy;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use fixed::{Tensor, Q};
use serde::{Deserialize, Serialize};

pub use error::{Result, TranspileError};
pub use load::Input;
pub use plan::{supported_ops, Plan, SUPPORTED_OPS};
pub use privacy::{Claim, InputVisibility, OutputVisibility, Visibility, WeightsVisibility};
use starknet_types_core::felt::Felt;

/// The tensor library bundled with this checkout.
pub fn default_tensor_lib() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cairo/tensor")
}

/// What `cairn.json` records about a transpiled model.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Metadata {
    pub format: String,
    pub name: String,
    pub package: String,
    pub scale_bits: u32,
    pub tensor_library: String,
    pub inputs: Vec<Input>,
    pub outputs: Vec<OutputInfo>,
    /// ONNX op types in execution order.
    pub ops: Vec<String>,
    pub macs: usize,
    pub weights: usize,
    /// The source model, copied next to the package for float comparisons.
    pub model: String,
    /// What the program makes public (absent in packages from before visibility existed).
    #[serde(default)]
    pub visibility: Visibility,
    /// `poseidon(weights)` as 0x-hex when weights are hashed (they are then in [`WEIGHTS_FILE`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights_commitment: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OutputInfo {
    pub name: String,
    pub shape: Vec<usize>,
    /// True for integer outputs (ArgMax indices), which are not dequantized.
    pub index: bool,
}

pub const METADATA_FILE: &str = "cairn.json";
pub const MODEL_FILE: &str = "model.onnx";
/// With hashed weights: the weight values (private; the prover passes them as an argument).
pub const WEIGHTS_FILE: &str = "weights.json";
const FORMAT: &str = "cairn-model/1";

/// How to transpile.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Fixed-point fractional bits; None: 16, or calibrated when `calibrate` is given.
    pub scale_bits: Option<u32>,
    /// Shapes for inputs with symbolic dims.
    pub input_shapes: HashMap<String, Vec<usize>>,
    /// A sample input (one flat list per model input) to choose the scale from.
    pub calibrate: Option<Vec<Vec<f64>>>,
    /// What the program makes public.
    pub visibility: Visibility,
}

/// Quantizes float inputs (one flat list per model input) at scale `q`; integer inputs (token
/// ids, indices) are taken as they are and must be whole numbers.
pub fn quantize_inputs(q: Q, inputs: &[Input], data: &[Vec<f64>]) -> Result<Vec<Tensor>> {
    if data.len() != inputs.len() {
        return Err(TranspileError::Other(format!(
            "the model takes {} input(s), the data has {}",
            inputs.len(),
            data.len()
        )));
    }
    inputs
        .iter()
        .zip(data)
        .map(|(inp, d)| {
            let n: usize = inp.shape.iter().product();
            if d.len() != n {
                return Err(TranspileError::Input {
                    input: inp.name.clone(),
                    reason: format!(
                        "expected {n} values for shape {:?}, got {}",
                        inp.shape,
                        d.len()
                    ),
                });
            }
            let raw = d
                .iter()
                .map(|&x| {
                    if inp.index {
                        return if x.fract() == 0.0 && x.abs() <= fixed::MAX_ABS as f64 {
                            Ok(x as i64)
                        } else {
                            Err(TranspileError::Input {
                                input: inp.name.clone(),
                                reason: format!(
                                    "value {x} is not an integer (the input holds indices)"
                                ),
                            })
                        };
                    }
                    q.from_f64(x).map_err(|_| TranspileError::Input {
                        input: inp.name.clone(),
                        reason: format!(
                            "value {x:e} does not fit the fixed-point range at scale 2^{}",
                            q.bits()
                        ),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Tensor {
                shape: inp.shape.clone(),
                data: raw,
            })
        })
        .collect()
}

/// The executable's arguments for quantized inputs: the input array as `scarb execute` passes it
/// (its length, then every value of every input in order).
pub fn executable_args(raw: &[Tensor], weights: Option<&[i64]>) -> Vec<Felt> {
    let values: Vec<i64> = raw.iter().flat_map(|t| t.data.iter().copied()).collect();
    let mut args = vec![Felt::from(values.len())];
    args.extend(values.into_iter().map(Felt::from));
    if let Some(w) = weights {
        args.push(Felt::from(w.len()));
        args.extend(w.iter().map(|&v| Felt::from(v)));
    }
    args
}

/// The weights of a package with hashed weights (from [`WEIGHTS_FILE`]), checked against the
/// commitment in `cairn.json`; `None` for public weights.
pub fn read_private_weights(dir: &Path, meta: &Metadata) -> Result<Option<Vec<i64>>> {
    if meta.visibility.weights != WeightsVisibility::Hashed {
        return Ok(None);
    }
    let path = dir.join(WEIGHTS_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        TranspileError::Other(format!(
            "{}: {e} (hashed weights are kept there, outside the program)",
            path.display()
        ))
    })?;
    let values: Vec<i64> = serde_json::from_str(&text)
        .map_err(|e| TranspileError::Other(format!("{}: {e}", path.display())))?;
    let got = format!("{:#x}", privacy::weights_commitment(&values));
    if meta.weights_commitment.as_deref() != Some(got.as_str()) {
        return Err(TranspileError::Other(format!(
            "{}: the weights hash to {got}, cairn.json records {}",
            path.display(),
            meta.weights_commitment
                .as_deref()
                .unwrap_or("no commitment")
        )));
    }
    Ok(Some(values))
}

/// Reads EZKL's input format: `{"input_data": [[floats...], ...]}`.
pub fn read_input_json(path: &Path) -> Result<Vec<Vec<f64>>> {
    #[derive(Deserialize)]
    struct InputFile {
        input_data: Vec<Vec<f64>>,
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| TranspileError::Other(format!("cannot read {}: {e}", path.display())))?;
    let f: InputFile = serde_json::from_str(&text).map_err(|e| {
        TranspileError::Other(format!(
            "{}: expected {{\"input_data\": [[numbers...]]}}: {e}",
            path.display()
        ))
    })?;
    Ok(f.input_data)
}

fn zeros(inputs: &[Input]) -> Vec<Tensor> {
    inputs
        .iter()
        .map(|i| Tensor {
            shape: i.shape.clone(),
            data: vec![0; i.shape.iter().product()],
        })
        .collect()
}

/// Loads and plans a model.
pub fn plan_model(model: &Path, opts: &Options) -> Result<Plan> {
    let mut plan = plan_scaled(model, opts)?;
    plan.visibility = opts.visibility;
    Ok(plan)
}

fn plan_scaled(model: &Path, opts: &Options) -> Result<Plan> {
    let graph = load::load(model, &opts.input_shapes)?;
    let bad_scale = |b: u32| TranspileError::Other(format!("--scale-bits {b}: must be in 1..=32"));
    match (&opts.calibrate, opts.scale_bits) {
        (Some(sample), None) => calibrate(&graph, sample),
        (sample, bits) => {
            let bits = bits.unwrap_or(16);
            let q = Q::new(bits).map_err(|_| bad_scale(bits))?;
            let inputs = match sample {
                Some(s) => quantize_inputs(q, &graph.inputs, s)?,
                None => zeros(&graph.inputs),
            };
            Ok(plan::plan(&graph, q, &inputs)?.0)
        }
    }
}

/// Headroom kept by calibration: intermediates stay below the bound divided by this.
pub const CALIBRATION_HEADROOM: i64 = 1 << 8;

/// The largest scale (most precision) at which the sample runs with every intermediate at least
/// [`CALIBRATION_HEADROOM`] times inside the bound.
fn calibrate(graph: &load::Graph, sample: &[Vec<f64>]) -> Result<Plan> {
    let mut last_err = None;
    for bits in (4..=28).rev() {
        let q = Q::new(bits).expect("valid scale");
        let attempt = quantize_inputs(q, &graph.inputs, sample)
            .and_then(|inputs| plan::plan(graph, q, &inputs));
        match attempt {
            Ok((p, _)) if p.max_abs <= fixed::MAX_ABS / CALIBRATION_HEADROOM => {
                tracing::info!(bits, max_abs = p.max_abs, "calibrated scale");
                return Ok(p);
            }
            Ok(_) => {}
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| {
        TranspileError::Other("no scale in 4..=28 keeps the sample within bounds".into())
    }))
}

/// `to` relative to directory `from` (both made absolute).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let abs = |p: &Path| {
        std::fs::canonicalize(p)
            .unwrap_or_else(|_| std::env::current_dir().unwrap_or_default().join(p))
    };
    let (from, to) = (abs(from), abs(to));
    let f: Vec<Component> = from.components().collect();
    let t: Vec<Component> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    out
}

/// Writes the Scarb package, `cairn.json` and a copy of the model to `out`, atomically: files
/// go to a temporary sibling first, so a failure leaves nothing half-written. An existing `out`
/// is replaced only if it is a previous transpiler output (holds `cairn.json`).
pub fn write_package(plan: &Plan, model: &Path, out: &Path, tensor_lib: &Path) -> Result<Metadata> {
    let io = |what: &str, e: std::io::Error| TranspileError::Other(format!("{what}: {e}"));
    if out.exists() && !out.join(METADATA_FILE).is_file() {
        return Err(TranspileError::Other(format!(
            "{} exists and is not a cairn package; refusing to overwrite it",
            out.display()
        )));
    }
    if !tensor_lib.join("Scarb.toml").is_file() {
        return Err(TranspileError::Other(format!(
            "tensor library not found at {}",
            tensor_lib.display()
        )));
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io("create output parent", e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".cairn-transpile-")
        .tempdir_in(parent)
        .map_err(|e| io("temporary dir", e))?;
    let package = codegen::package_name(&plan.name);
    // The path dependency is written relative to the final location.
    let final_abs = std::fs::canonicalize(parent)
        .map_err(|e| io("output parent", e))?
        .join(out.file_name().unwrap_or_default());
    let lib_rel = relative(&final_abs, tensor_lib);
    std::fs::write(
        tmp.path().join("Scarb.toml"),
        codegen::scarb_toml(&package, &lib_rel.to_string_lossy()),
    )
    .map_err(|e| io("write Scarb.toml", e))?;
    std::fs::create_dir(tmp.path().join("src")).map_err(|e| io("create src", e))?;
    let source = model
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::write(
        tmp.path().join("src/lib.cairo"),
        codegen::lib_cairo(plan, &source),
    )
    .map_err(|e| io("write lib.cairo", e))?;
    std::fs::copy(model, tmp.path().join(MODEL_FILE)).map_err(|e| io("copy model", e))?;
    let weights_commitment = if plan.visibility.weights == WeightsVisibility::Hashed {
        let flat = plan.flat_weights();
        let json = serde_json::to_string(&flat).expect("weights serialize");
        std::fs::write(tmp.path().join(WEIGHTS_FILE), json + "\n")
            .map_err(|e| io("write weights.json", e))?;
        Some(format!("{:#x}", privacy::weights_commitment(&flat)))
    } else {
        None
    };
    let meta = Metadata {
        format: FORMAT.into(),
        name: plan.name.clone(),
        package,
        scale_bits: plan.q.bits(),
        tensor_library: format!("cairn_tensor {}", env!("CARGO_PKG_VERSION")),
        inputs: plan.inputs.clone(),
        outputs: plan
            .outputs
            .iter()
            .map(|&o| OutputInfo {
                name: plan.values[o].name.clone(),
                shape: plan.values[o].shape.clone(),
                index: plan.values[o].index,
            })
            .collect(),
        ops: plan.steps.iter().map(|s| s.op_type.clone()).collect(),
        macs: plan.macs,
        weights: plan.weights.iter().map(|w| w.tensor.data.len()).sum(),
        model: MODEL_FILE.into(),
        visibility: plan.visibility,
        weights_commitment,
    };
    let json = serde_json::to_string_pretty(&meta).expect("metadata serializes");
    std::fs::write(tmp.path().join(METADATA_FILE), json + "\n")
        .map_err(|e| io("write cairn.json", e))?;
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| io("replace previous output", e))?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, out).map_err(|e| io("move package into place", e))?;
    Ok(meta)
}

/// Reads `cairn.json` from a transpiled package.
pub fn read_metadata(dir: &Path) -> Result<Metadata> {
    let path = dir.join(METADATA_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        TranspileError::Other(format!(
            "{}: {e} (is this a transpiled model directory?)",
            path.display()
        ))
    })?;
    serde_json::from_str(&text)
        .map_err(|e| TranspileError::Other(format!("{}: {e}", path.display())))
}

/// Parses `NAME=D0,D1,...`.
pub fn parse_input_shape(s: &str) -> std::result::Result<(String, Vec<usize>), String> {
    let (name, dims) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: expected NAME=D0,D1,..."))?;
    let dims = dims
        .split(',')
        .map(|d| {
            d.trim()
                .parse::<usize>()
                .map_err(|_| format!("`{s}`: `{d}` is not a dimension"))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok((name.to_string(), dims))
}

/// Runs the source model in floats with tract (the comparison baseline of `cairn run --compare`).
pub fn float_run(model: &Path, inputs: &[Input], data: &[Vec<f64>]) -> Result<Vec<Vec<f64>>> {
    use tract_onnx::prelude::*;
    let err = |e: anyhow::Error| {
        TranspileError::Other(format!(
            "float run of {} with tract: {e:#}",
            model.display()
        ))
    };
    let mut m = tract_onnx::onnx().model_for_path(model).map_err(err)?;
    for (i, inp) in inputs.iter().enumerate() {
        m = m
            .with_input_fact(
                i,
                InferenceFact::dt_shape(f32::datum_type(), inp.shape.clone()),
            )
            .map_err(err)?;
    }
    let runnable = m
        .into_optimized()
        .map_err(err)?
        .into_runnable()
        .map_err(err)?;
    let mut values: TVec<TValue> = tvec!();
    for (inp, d) in inputs.iter().zip(data) {
        let v: Vec<f32> = d.iter().map(|&x| x as f32).collect();
        values.push(
            tract_onnx::prelude::Tensor::from_shape(&inp.shape, &v)
                .map_err(err)?
                .into(),
        );
    }
    let outs = runnable.run(values).map_err(err)?;
    outs.iter()
        .map(|t| load::tensor_values(t).map_err(err))
        .collect()
}

/// Decodes a transpiled package's public output into its sections (see [`privacy`]) and checks
/// the tensors against the metadata's shapes.
pub fn decode_claim(meta: &Metadata, felts: &[Felt]) -> Result<Claim> {
    let claim = Claim::decode(&meta.visibility, felts)?;
    let check = |what: &str, got: &[Tensor], want: Vec<(&str, &[usize])>| {
        if got.len() != want.len() {
            return Err(TranspileError::Other(format!(
                "the program returned {} {what} tensors, cairn.json lists {}",
                got.len(),
                want.len()
            )));
        }
        for (t, (name, shape)) in got.iter().zip(want) {
            if t.shape != shape {
                return Err(TranspileError::Other(format!(
                    "{what} {name} has shape {:?}, cairn.json says {shape:?}",
                    t.shape
                )));
            }
        }
        Ok(())
    };
    if let Some(out) = &claim.output {
        let want = meta
            .outputs
            .iter()
            .map(|o| (o.name.as_str(), o.shape.as_slice()));
        check("output", out, want.collect())?;
    }
    if let Some(inp) = &claim.input {
        let want = meta
            .inputs
            .iter()
            .map(|i| (i.name.as_str(), i.shape.as_slice()));
        check("input", inp, want.collect())?;
    }
    Ok(claim)
}

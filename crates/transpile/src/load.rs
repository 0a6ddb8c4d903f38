//! Reading an ONNX file (through tract-onnx's protobuf types) into a plain graph with constants
//! decoded and input shapes fixed.

use std::collections::HashMap;
use std::path::Path;

use tract_onnx::data_resolver::FopenDataResolver;
use tract_onnx::pb;
use tract_onnx::pb::tensor_shape_proto::dimension::Value as Dim;
use tract_onnx::prelude::{Datum, DatumType, Framework};

use crate::error::{Result, TranspileError};

/// A constant tensor: floats for weights, integers for shapes, axes and indices.
#[derive(Clone, Debug, PartialEq)]
pub struct Const {
    pub shape: Vec<usize>,
    pub data: ConstData,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ConstData {
    Float(Vec<f64>),
    Int(Vec<i64>),
}

impl Const {
    pub fn ints(&self) -> Vec<i64> {
        match &self.data {
            ConstData::Int(v) => v.clone(),
            ConstData::Float(v) => v.iter().map(|&x| x as i64).collect(),
        }
    }

    pub fn floats(&self) -> Vec<f64> {
        match &self.data {
            ConstData::Float(v) => v.clone(),
            ConstData::Int(v) => v.iter().map(|&x| x as f64).collect(),
        }
    }

    pub fn is_int(&self) -> bool {
        matches!(self.data, ConstData::Int(_))
    }
}

/// A graph input the caller provides at run time.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Input {
    pub name: String,
    pub shape: Vec<usize>,
    /// Integer data (token ids, indices): passed as plain integers, not fixed point.
    #[serde(default)]
    pub index: bool,
}

/// The parts of an ONNX model Cairn uses.
pub struct Graph {
    pub name: String,
    pub opset: i64,
    pub inputs: Vec<Input>,
    pub outputs: Vec<String>,
    pub consts: HashMap<String, Const>,
    pub nodes: Vec<pb::NodeProto>,
}

/// The values of a tract tensor, converted to `T`.
pub(crate) fn tensor_values<T: Datum + Copy>(
    t: &tract_onnx::prelude::Tensor,
) -> tract_onnx::prelude::TractResult<Vec<T>> {
    Ok(t.cast_to::<T>()?
        .to_plain_array_view::<T>()?
        .iter()
        .copied()
        .collect())
}

/// Decodes an ONNX tensor into a constant.
pub fn decode_tensor(t: &pb::TensorProto, what: &str) -> Result<Const> {
    let bad = |reason: String| TranspileError::Other(format!("tensor `{what}`: {reason}"));
    let tensor = tract_onnx::tensor::load_tensor(&FopenDataResolver, t, None)
        .map_err(|e| bad(format!("{e:#}")))?;
    let shape = tensor.shape().to_vec();
    let data = match tensor.datum_type() {
        DatumType::F16 | DatumType::F32 | DatumType::F64 => {
            ConstData::Float(tensor_values(&tensor).map_err(|e| bad(e.to_string()))?)
        }
        DatumType::Bool
        | DatumType::I8
        | DatumType::I16
        | DatumType::I32
        | DatumType::I64
        | DatumType::U8
        | DatumType::U16
        | DatumType::U32
        | DatumType::U64 => ConstData::Int(tensor_values(&tensor).map_err(|e| bad(e.to_string()))?),
        other => return Err(bad(format!("unsupported data type {other:?}"))),
    };
    Ok(Const { shape, data })
}

/// Loads `path`, fixing symbolic input dims from `overrides` (input name -> shape), else a
/// leading symbolic dim becomes 1 (batch 1).
pub fn load(path: &Path, overrides: &HashMap<String, Vec<usize>>) -> Result<Graph> {
    let fail = |reason: String| TranspileError::Load {
        path: path.display().to_string(),
        reason,
    };
    if !path.is_file() {
        return Err(fail("no such file".into()));
    }
    let proto = tract_onnx::onnx()
        .proto_model_for_path(path)
        .map_err(|e| fail(format!("{e:#}")))?;
    let graph = proto
        .graph
        .as_ref()
        .ok_or_else(|| fail("the file holds no graph".into()))?;
    let opset = proto
        .opset_import
        .iter()
        .find(|o| o.domain.is_empty() || o.domain == "ai.onnx")
        .map_or(1, |o| o.version);
    let mut consts = HashMap::new();
    for t in &graph.initializer {
        consts.insert(t.name.clone(), decode_tensor(t, &t.name)?);
    }
    let mut inputs = Vec::new();
    for vi in &graph.input {
        if consts.contains_key(&vi.name) {
            continue;
        }
        let shape = match overrides.get(&vi.name) {
            Some(s) => s.clone(),
            None => input_shape(vi)?,
        };
        inputs.push(Input {
            name: vi.name.clone(),
            shape,
            index: is_integer_input(vi),
        });
    }
    for name in overrides.keys() {
        if !inputs.iter().any(|i| &i.name == name) {
            return Err(TranspileError::Input {
                input: name.clone(),
                reason: format!(
                    "--input-shape names an input the model does not have (inputs: {})",
                    inputs
                        .iter()
                        .map(|i| i.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    Ok(Graph {
        name: if graph.name.is_empty() {
            "model".into()
        } else {
            graph.name.clone()
        },
        opset,
        inputs,
        outputs: graph.output.iter().map(|o| o.name.clone()).collect(),
        consts,
        nodes: graph.node.clone(),
    })
}

/// Whether an input holds integers (ONNX element types INT8..INT64, UINT8..UINT64, BOOL).
fn is_integer_input(vi: &pb::ValueInfoProto) -> bool {
    match vi.r#type.as_ref().and_then(|t| t.value.as_ref()) {
        Some(pb::type_proto::Value::TensorType(t)) => {
            matches!(t.elem_type, 2..=7 | 9 | 12 | 13)
        }
        _ => false,
    }
}

fn input_shape(vi: &pb::ValueInfoProto) -> Result<Vec<usize>> {
    let err = |reason: &str| TranspileError::Input {
        input: vi.name.clone(),
        reason: reason.into(),
    };
    let tensor = match vi.r#type.as_ref().and_then(|t| t.value.as_ref()) {
        Some(pb::type_proto::Value::TensorType(t)) => t,
        _ => return Err(err("not a tensor input")),
    };
    let shape = tensor
        .shape
        .as_ref()
        .ok_or_else(|| err("no shape; pass --input-shape"))?;
    shape
        .dim
        .iter()
        .enumerate()
        .map(|(i, d)| match &d.value {
            Some(Dim::DimValue(v)) if *v > 0 => Ok(*v as usize),
            Some(Dim::DimParam(_)) | None if i == 0 => Ok(1),
            _ => Err(err(&format!(
                "dimension {i} is symbolic; pass --input-shape {}=d0,d1,...",
                vi.name
            ))),
        })
        .collect()
}

pub use tract_onnx::pb::TensorProto;

/// Parses a serialized `TensorProto` (the `.pb` files of ONNX test data).
pub fn tensor_proto_from_bytes(bytes: &[u8]) -> Result<TensorProto> {
    tract_onnx::tensor::proto_from_reader(bytes)
        .map_err(|e| TranspileError::Other(format!("tensor file: {e:#}")))
}

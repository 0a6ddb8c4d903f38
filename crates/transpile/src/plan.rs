//! From an ONNX graph to a plan: the sequence of tensor-library calls with quantized weights.
//!
//! Planning executes the graph once with the Rust fixed-point reference (on the sample input, or
//! zeros), which gives every intermediate shape, folds constant subgraphs (shape arithmetic of
//! exported models), and checks that the weights and intermediates fit the chosen scale.

use std::collections::{HashMap, HashSet};

use fixed::{FixedError, Tensor, Window, Q};
use tract_onnx::pb;

use crate::error::{Result, TranspileError};
use crate::load::{decode_tensor, Const, ConstData, Graph, Input};

mod fold;
mod linalg;
mod math;
mod ml;
mod nn;
mod resize;
mod tree;
pub use ml::ML_OPS;

/// Every default-domain op the planner takes: the core list and the families' (sorted).
pub fn supported_ops() -> Vec<&'static str> {
    let mut all: Vec<&str> = SUPPORTED_OPS
        .iter()
        .chain(nn::NN_OPS)
        .chain(math::MATH_OPS)
        .chain(resize::RESIZE_OPS)
        .chain(linalg::LINALG_OPS)
        .copied()
        .collect();
    all.sort_by_key(|op| op.to_ascii_lowercase());
    all
}

/// Core ops the transpiler maps to the tensor library (the op families add theirs:
/// [`supported_ops`]; constant-only shape ops are folded).
pub const SUPPORTED_OPS: &[&str] = &[
    "Abs",
    "Add",
    "ArgMax",
    "AveragePool",
    "BatchNormalization",
    "Cast",
    "Clip",
    "Concat",
    "Constant",
    "Conv",
    "Div",
    "Dropout",
    "Elu",
    "Erf",
    "Exp",
    "Flatten",
    "Gather",
    "Gelu",
    "Gemm",
    "GlobalAveragePool",
    "Identity",
    "LeakyRelu",
    "Log",
    "LogSoftmax",
    "MatMul",
    "Max",
    "MaxPool",
    "Min",
    "Mul",
    "Neg",
    "Pad",
    "Pow",
    "PRelu",
    "ReduceMax",
    "ReduceMean",
    "ReduceSum",
    "Relu",
    "Reshape",
    "Selu",
    "Shape",
    "Sigmoid",
    "Slice",
    "Softmax",
    "Softplus",
    "Split",
    "Sqrt",
    "Squeeze",
    "Sub",
    "Sum",
    "Tanh",
    "Tile",
    "Transpose",
    "Unsqueeze",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Max,
    Min,
    /// Comparisons: integers 0 / 1 (index values).
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Equal,
}

impl Binary {
    /// The reference's comparison for a comparison op.
    pub fn comparison(self) -> Option<fixed::Comparison> {
        use fixed::Comparison as C;
        Some(match self {
            Binary::Greater => C::Greater,
            Binary::GreaterOrEqual => C::GreaterOrEqual,
            Binary::Less => C::Less,
            Binary::LessOrEqual => C::LessOrEqual,
            Binary::Equal => C::Equal,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unary {
    Neg,
    Abs,
    Relu,
    Exp,
    Log,
    Sqrt,
    Sigmoid,
    Tanh,
    Softplus,
    Erf,
    Gelu,
    /// An integer `n` as the fixed-point `n * 2^k` (Cast of indices to float).
    ToFixed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReduceKind {
    Sum,
    Mean,
    Max,
}

/// One library call with its attributes (raw fixed-point values where they are numbers).
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Binary(Binary),
    Unary(Unary),
    LeakyRelu {
        alpha: i64,
    },
    Clip {
        lo: i64,
        hi: i64,
    },
    Softmax {
        axis: i64,
        log: bool,
    },
    MatMul,
    /// `A * B` with B stored transposed (`[n, k]`).
    MatMulNt,
    Gemm {
        alpha: i64,
        beta: i64,
        trans_a: bool,
        trans_b: bool,
    },
    Conv {
        window: Window,
        group: usize,
    },
    MaxPool {
        window: Window,
    },
    AveragePool {
        window: Window,
        count_include_pad: bool,
    },
    GlobalAveragePool,
    BatchNorm {
        eps: i64,
    },
    Reduce {
        kind: ReduceKind,
        axes: Vec<i64>,
        keepdims: bool,
    },
    ArgMax {
        axis: i64,
        keepdims: bool,
        select_last: bool,
    },
    Reshape {
        shape: Vec<i64>,
    },
    Flatten {
        axis: i64,
    },
    Squeeze {
        axes: Vec<i64>,
    },
    Unsqueeze {
        axes: Vec<i64>,
    },
    Transpose {
        perm: Vec<i64>,
    },
    Concat {
        axis: i64,
    },
    Slice {
        starts: Vec<i64>,
        ends: Vec<i64>,
        axes: Vec<i64>,
        steps: Vec<i64>,
    },
    Gather {
        axis: i64,
        indices: Vec<i64>,
        indices_shape: Vec<usize>,
    },
    Pad {
        pads: Vec<usize>,
        value: i64,
    },
    /// `Gather` with run-time indices (input 1, an index value): embedding lookups.
    Take {
        axis: i64,
    },
    /// Inputs: x `[N, F]`, then the forest's nodes, roots and leaves (crates/fixed/src/tree.rs).
    TreeEnsemble {
        aggregate: fixed::Aggregate,
    },
}

/// Where a step reads a tensor from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A runtime value (graph input or an earlier step's output), by index in `Plan::values`.
    Value(usize),
    /// A quantized constant, by index in `Plan::weights`.
    Weight(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub node: String,
    pub op_type: String,
    pub op: Op,
    pub inputs: Vec<Operand>,
    /// Index of the produced value.
    pub output: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Weight {
    pub name: String,
    pub tensor: Tensor,
}

/// A runtime value: its ONNX name, shape, and whether it holds indices rather than fixed point.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueInfo {
    pub name: String,
    pub shape: Vec<usize>,
    pub index: bool,
}

/// The transpiled model.
#[derive(Clone, Debug)]
pub struct Plan {
    pub name: String,
    pub q: Q,
    pub inputs: Vec<Input>,
    /// Value indices of the graph outputs.
    pub outputs: Vec<usize>,
    pub values: Vec<ValueInfo>,
    pub steps: Vec<Step>,
    pub weights: Vec<Weight>,
    /// Multiply-accumulates of one inference.
    pub macs: usize,
    /// Largest magnitude of any intermediate in the planning run (calibration headroom).
    pub max_abs: i64,
    /// What the generated program makes public (input, weights, output).
    pub visibility: crate::privacy::Visibility,
}

/// A planning-time value.
#[derive(Clone, Debug)]
enum Val {
    Runtime(usize, Tensor),
    Const(Const),
}

struct Planner<'g> {
    graph: &'g Graph,
    q: Q,
    vals: HashMap<String, Val>,
    plan: Plan,
    weight_ids: HashMap<String, usize>,
    index_values: HashSet<usize>,
}

fn attr<'a>(node: &'a pb::NodeProto, name: &str) -> Option<&'a pb::AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}

fn attr_i(node: &pb::NodeProto, name: &str, default: i64) -> i64 {
    attr(node, name).map_or(default, |a| a.i)
}

fn attr_f(node: &pb::NodeProto, name: &str, default: f64) -> f64 {
    attr(node, name).map_or(default, |a| a.f as f64)
}

fn attr_ints(node: &pb::NodeProto, name: &str) -> Option<Vec<i64>> {
    attr(node, name).map(|a| a.ints.clone())
}

fn attr_s(node: &pb::NodeProto, name: &str) -> Option<String> {
    attr(node, name).map(|a| String::from_utf8_lossy(&a.s).into_owned())
}

impl<'g> Planner<'g> {
    fn err(&self, node: &pb::NodeProto, reason: impl Into<String>) -> TranspileError {
        TranspileError::Node {
            node: node_name(node),
            op: node.op_type.clone(),
            reason: reason.into(),
        }
    }

    fn get(&self, node: &pb::NodeProto, i: usize) -> Result<Option<&Val>> {
        match node.input.get(i) {
            None => Ok(None),
            Some(name) if name.is_empty() => Ok(None),
            Some(name) => self.vals.get(name).map(Some).ok_or_else(|| {
                self.err(
                    node,
                    format!("input `{name}` is not produced by any earlier node"),
                )
            }),
        }
    }

    fn need(&self, node: &pb::NodeProto, i: usize) -> Result<&Val> {
        self.get(node, i)?
            .ok_or_else(|| self.err(node, format!("missing input {i}")))
    }

    /// A constant input (shapes, axes, pads...), or an error naming the input.
    fn need_const(&self, node: &pb::NodeProto, i: usize) -> Result<Const> {
        match self.need(node, i)? {
            Val::Const(c) => Ok(c.clone()),
            Val::Runtime(..) => Err(self.err(
                node,
                format!("input {i} must be a constant (computed at run time here)"),
            )),
        }
    }

    fn opt_ints(&self, node: &pb::NodeProto, i: usize) -> Result<Option<Vec<i64>>> {
        match self.get(node, i)? {
            None => Ok(None),
            Some(Val::Const(c)) => Ok(Some(c.ints())),
            Some(Val::Runtime(..)) => Err(self.err(node, format!("input {i} must be a constant"))),
        }
    }

    fn quantize(&self, node: &pb::NodeProto, x: f64) -> Result<i64> {
        self.q.from_f64(x).map_err(|_| {
            self.err(
                node,
                format!(
                    "constant {x} does not fit the fixed-point bound at scale 2^{}",
                    self.q.bits()
                ),
            )
        })
    }

    /// The operand for input `i`: a runtime value, or a constant quantized into a weight.
    fn operand(&mut self, node: &pb::NodeProto, i: usize) -> Result<(Operand, Tensor)> {
        let name = node.input[i].clone();
        match self.need(node, i)?.clone() {
            Val::Runtime(id, t) => Ok((Operand::Value(id), t)),
            Val::Const(c) => self.weight(node, &name, &c),
        }
    }

    fn weight(&mut self, node: &pb::NodeProto, name: &str, c: &Const) -> Result<(Operand, Tensor)> {
        if let Some(&id) = self.weight_ids.get(name) {
            return Ok((Operand::Weight(id), self.plan.weights[id].tensor.clone()));
        }
        let data = c
            .floats()
            .iter()
            .map(|&x| self.quantize(node, x))
            .collect::<Result<Vec<_>>>()?;
        let tensor = Tensor {
            shape: c.shape.clone(),
            data,
        };
        let id = self.plan.weights.len();
        self.plan.weights.push(Weight {
            name: name.to_string(),
            tensor: tensor.clone(),
        });
        self.weight_ids.insert(name.to_string(), id);
        Ok((Operand::Weight(id), tensor))
    }

    /// A weight of raw integers (indices, tree tables, integer constants): no quantization.
    fn raw_weight(&mut self, name: &str, tensor: Tensor) -> (Operand, Tensor) {
        let id = self.plan.weights.len();
        self.plan.weights.push(Weight {
            name: name.to_string(),
            tensor: tensor.clone(),
        });
        self.weight_ids.insert(name.to_string(), id);
        (Operand::Weight(id), tensor)
    }

    /// Adds a step, runs it with the reference to learn its output, and records the output.
    fn step(&mut self, node: &pb::NodeProto, op: Op, inputs: Vec<(Operand, Tensor)>) -> Result<()> {
        self.emit(node, op, inputs, &node.output[0].clone())
            .map(|_| ())
    }

    /// Adds a step producing value `out` (a node output, or an intermediate of a node that maps
    /// to several library calls), runs it with the reference and returns the new operand.
    fn emit(
        &mut self,
        node: &pb::NodeProto,
        op: Op,
        inputs: Vec<(Operand, Tensor)>,
        out_name: &str,
    ) -> Result<(Operand, Tensor)> {
        // Integers (indices, token ids) only move through layout ops, index lookups and ArgMax:
        // fixed-point arithmetic would read them as multiples of 2^-k.
        let is_index =
            |o: &Operand| matches!(o, Operand::Value(v) if self.index_values.contains(v));
        let integer_ok = |k: usize| {
            is_layout(&op)
                || matches!(op, Op::ArgMax { .. })
                || (matches!(op, Op::Take { .. }) && k == 1)
                || matches!(op, Op::Unary(Unary::ToFixed))
                || matches!(op, Op::Binary(b) if b.comparison().is_some())
        };
        if let Some(k) = (0..inputs.len()).find(|&k| is_index(&inputs[k].0) && !integer_ok(k)) {
            return Err(self.err(
                node,
                format!(
                    "input {k} holds integers; arithmetic on run-time integers is not supported \
                     (cast them to float first)"
                ),
            ));
        }
        let tensors: Vec<&Tensor> = inputs.iter().map(|(_, t)| t).collect();
        let out = execute(self.q, &op, &tensors).map_err(|source| TranspileError::Fixed {
            node: node_name(node),
            op: node.op_type.clone(),
            source,
        })?;
        self.plan.macs += macs(&op, &tensors, &out);
        self.plan.max_abs = out
            .data
            .iter()
            .fold(self.plan.max_abs, |m, v| m.max(v.abs()));
        let index = matches!(op, Op::ArgMax { .. })
            || matches!(op, Op::Binary(b) if b.comparison().is_some())
            || (!inputs.is_empty()
                && is_layout(&op)
                && matches!(inputs[0].0, Operand::Value(v) if self.index_values.contains(&v)));
        let id = self.plan.values.len();
        self.plan.values.push(ValueInfo {
            name: out_name.to_string(),
            shape: out.shape.clone(),
            index,
        });
        if index {
            self.index_values.insert(id);
        }
        self.plan.steps.push(Step {
            node: node_name(node),
            op_type: node.op_type.clone(),
            op,
            inputs: inputs.into_iter().map(|(o, _)| o).collect(),
            output: id,
        });
        self.vals
            .insert(out_name.to_string(), Val::Runtime(id, out.clone()));
        Ok((Operand::Value(id), out))
    }

    /// A scalar constant as a weight (for ops composed of library calls).
    fn scalar(&mut self, node: &pb::NodeProto, x: f64) -> Result<(Operand, Tensor)> {
        let c = Const {
            shape: vec![],
            data: ConstData::Float(vec![x]),
        };
        self.weight(node, &format!("{}/const {x}", node_name(node)), &c)
    }

    /// ONNX ops the library has no single call for, written as several calls (the reference runs
    /// the same calls, so the composition is what is bit-exact).
    fn composite(&mut self, node: &pb::NodeProto) -> Result<bool> {
        let out = node.output[0].clone();
        let tmp = |k: &str| format!("{out}/{k}");
        match node.op_type.as_str() {
            "PRelu" | "Elu" | "Selu" => {
                // max(x, 0) + f(min(x, 0)): f = slope * n (PRelu), alpha * (exp(n) - 1) (Elu),
                // and Selu is gamma * Elu.
                let x = self.operand(node, 0)?;
                let zero = self.scalar(node, 0.0)?;
                let pos = self.emit(node, Op::Unary(Unary::Relu), vec![x.clone()], &tmp("pos"))?;
                let neg = self.emit(node, Op::Binary(Binary::Min), vec![x, zero], &tmp("neg"))?;
                let scaled = if node.op_type == "PRelu" {
                    let rank = neg.1.rank();
                    let slope = match self.need(node, 1)?.clone() {
                        // Opset < 7: a 1-D slope is per channel (dim 1), not numpy-broadcast.
                        Val::Const(c)
                            if self.graph.opset < 7
                                && c.shape.len() == 1
                                && rank >= 3
                                && c.shape[0] == neg.1.shape[1] =>
                        {
                            let mut shape = vec![c.shape[0]];
                            shape.resize(rank - 1, 1);
                            let c = Const {
                                shape,
                                data: c.data,
                            };
                            self.weight(node, &format!("{}/per-channel", node.input[1]), &c)?
                        }
                        _ => self.operand(node, 1)?,
                    };
                    self.emit(
                        node,
                        Op::Binary(Binary::Mul),
                        vec![neg, slope],
                        &tmp("scaled"),
                    )?
                } else {
                    let (alpha, default) = if node.op_type == "Elu" {
                        ("alpha", 1.0)
                    } else {
                        ("alpha", 1.673_263_192_176_818_8)
                    };
                    let a = self.scalar(node, attr_f(node, alpha, default))?;
                    let one = self.scalar(node, 1.0)?;
                    let e = self.emit(node, Op::Unary(Unary::Exp), vec![neg], &tmp("exp"))?;
                    let em1 =
                        self.emit(node, Op::Binary(Binary::Sub), vec![e, one], &tmp("expm1"))?;
                    self.emit(node, Op::Binary(Binary::Mul), vec![em1, a], &tmp("scaled"))?
                };
                if node.op_type == "Selu" {
                    let y = self.emit(
                        node,
                        Op::Binary(Binary::Add),
                        vec![pos, scaled],
                        &tmp("elu"),
                    )?;
                    let g = self.scalar(node, attr_f(node, "gamma", 1.050_700_987_355_480_5))?;
                    self.emit(node, Op::Binary(Binary::Mul), vec![y, g], &out)?;
                } else {
                    self.emit(node, Op::Binary(Binary::Add), vec![pos, scaled], &out)?;
                }
            }
            "Sum" if node.input.len() > 2 => {
                let mut acc = self.operand(node, 0)?;
                for i in 1..node.input.len() {
                    let x = self.operand(node, i)?;
                    let name = if i + 1 == node.input.len() {
                        out.clone()
                    } else {
                        tmp(&format!("sum{i}"))
                    };
                    acc = self.emit(node, Op::Binary(Binary::Add), vec![acc, x], &name)?;
                }
            }
            "Split" => {
                let x = self.operand(node, 0)?;
                let rank = x.1.rank() as i64;
                let axis = attr_i(node, "axis", 0);
                let a = crate::plan::norm_axis(axis, rank)
                    .ok_or_else(|| self.err(node, "axis out of range"))?;
                let dim = x.1.shape[a] as i64;
                let n = node.output.len() as i64;
                let sizes = match (attr_ints(node, "split"), self.opt_ints(node, 1)?) {
                    (Some(s), _) | (None, Some(s)) if !s.is_empty() => s,
                    _ if dim % n == 0 => vec![dim / n; n as usize],
                    _ => {
                        return Err(
                            self.err(node, format!("cannot split {dim} into {n} equal parts"))
                        )
                    }
                };
                if sizes.len() != node.output.len() || sizes.iter().sum::<i64>() != dim {
                    return Err(self.err(
                        node,
                        format!("split sizes {sizes:?} do not add up to {dim}"),
                    ));
                }
                let mut start = 0;
                for (k, size) in sizes.iter().enumerate() {
                    let op = Op::Slice {
                        starts: vec![start],
                        ends: vec![start + size],
                        axes: vec![a as i64],
                        steps: vec![1],
                    };
                    let name = node.output[k].clone();
                    self.emit(node, op, vec![x.clone()], &name)?;
                    start += size;
                }
            }
            "Tile" => {
                let mut x = self.operand(node, 0)?;
                let reps = self.need_const(node, 1)?.ints();
                if reps.len() != x.1.rank() || reps.iter().any(|&r| r < 1) {
                    return Err(self.err(
                        node,
                        format!("repeats {reps:?} do not fit rank {}", x.1.rank()),
                    ));
                }
                let last = reps.iter().rposition(|&r| r > 1);
                for (axis, &r) in reps.iter().enumerate() {
                    if r == 1 {
                        continue;
                    }
                    let name = if Some(axis) == last {
                        out.clone()
                    } else {
                        tmp(&format!("tile{axis}"))
                    };
                    x = self.emit(
                        node,
                        Op::Concat { axis: axis as i64 },
                        vec![x; r as usize],
                        &name,
                    )?;
                }
                if last.is_none() {
                    return self.alias(node).map(|_| true);
                }
            }
            "Pow" => {
                let x = self.operand(node, 0)?;
                let e = match self.need(node, 1)? {
                    Val::Const(c) if c.floats().len() == 1 => c.floats()[0],
                    _ => return Err(self.err(node, "only a constant scalar exponent is supported")),
                };
                if e == 0.5 {
                    self.emit(node, Op::Unary(Unary::Sqrt), vec![x], &out)?;
                } else if e.fract() == 0.0 && (1.0..=8.0).contains(&e) {
                    let mut acc = x.clone();
                    for k in 1..e as usize {
                        let name = if k + 1 == e as usize {
                            out.clone()
                        } else {
                            tmp(&format!("pow{k}"))
                        };
                        acc =
                            self.emit(node, Op::Binary(Binary::Mul), vec![acc, x.clone()], &name)?;
                    }
                    if e == 1.0 {
                        return self.alias(node).map(|_| true);
                    }
                } else {
                    return Err(self.err(
                        node,
                        format!("exponent {e} is not supported (0.5 or an integer 1..=8)"),
                    ));
                }
            }
            "Pad"
                if matches!(
                    attr_s(node, "mode").as_deref(),
                    Some("reflect") | Some("edge")
                ) =>
            {
                let mode = attr_s(node, "mode").unwrap_or_default();
                let mut x = self.operand(node, 0)?;
                let pads = if self.graph.opset < 11 {
                    attr_ints(node, "pads").unwrap_or_default()
                } else {
                    self.need_const(node, 1)?.ints()
                };
                let r = x.1.rank();
                if pads.len() != 2 * r || pads.iter().any(|&p| p < 0) {
                    return Err(self.err(node, format!("pads {pads:?} do not fit rank {r}")));
                }
                let axes: Vec<usize> = (0..r).filter(|&d| pads[d] > 0 || pads[d + r] > 0).collect();
                for (k, &d) in axes.iter().enumerate() {
                    let n = x.1.shape[d] as i64;
                    let (b, e) = (pads[d], pads[d + r]);
                    if mode == "reflect" && (b >= n || e >= n) {
                        return Err(self.err(
                            node,
                            format!("reflect pads {b}/{e} need a dim larger than {n}"),
                        ));
                    }
                    let indices: Vec<i64> = (-b..n + e)
                        .map(|i| match (mode.as_str(), i) {
                            (_, i) if (0..n).contains(&i) => i,
                            ("reflect", i) if i < 0 => -i,
                            ("reflect", i) => 2 * (n - 1) - i,
                            (_, i) => i.clamp(0, n - 1),
                        })
                        .collect();
                    let op = Op::Gather {
                        axis: d as i64,
                        indices_shape: vec![indices.len()],
                        indices,
                    };
                    let name = if k + 1 == axes.len() {
                        out.clone()
                    } else {
                        tmp(&format!("pad{d}"))
                    };
                    x = self.emit(node, op, vec![x], &name)?;
                }
                if axes.is_empty() {
                    return self.alias(node).map(|_| true);
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn alias(&mut self, node: &pb::NodeProto) -> Result<()> {
        let v = self.need(node, 0)?.clone();
        self.vals.insert(node.output[0].clone(), v);
        Ok(())
    }

    fn all_const(&self, node: &pb::NodeProto) -> bool {
        node.input
            .iter()
            .filter(|n| !n.is_empty())
            .all(|n| matches!(self.vals.get(n), Some(Val::Const(_))))
    }

    fn node(&mut self, node: &pb::NodeProto) -> Result<()> {
        let op = node.op_type.as_str();
        if node.domain == "ai.onnx.ml" {
            return self.ml_node(node);
        }
        if !node.domain.is_empty() && node.domain != "ai.onnx" {
            return Err(self.unsupported(node));
        }
        match op {
            "Constant" => {
                let c = if let Some(t) = attr(node, "value").and_then(|a| a.t.as_ref()) {
                    decode_tensor(t, &node.output[0])?
                } else if let Some(a) = attr(node, "value_float") {
                    Const {
                        shape: vec![],
                        data: ConstData::Float(vec![a.f as f64]),
                    }
                } else if let Some(a) = attr(node, "value_floats") {
                    Const {
                        shape: vec![a.floats.len()],
                        data: ConstData::Float(a.floats.iter().map(|&f| f as f64).collect()),
                    }
                } else if let Some(a) = attr(node, "value_int") {
                    Const {
                        shape: vec![],
                        data: ConstData::Int(vec![a.i]),
                    }
                } else if let Some(a) = attr(node, "value_ints") {
                    Const {
                        shape: vec![a.ints.len()],
                        data: ConstData::Int(a.ints.clone()),
                    }
                } else {
                    return Err(self.err(node, "unsupported Constant attribute"));
                };
                self.vals.insert(node.output[0].clone(), Val::Const(c));
                return Ok(());
            }
            "Identity" | "Dropout" => return self.alias(node),
            "Shape" => {
                let shape = match self.need(node, 0)? {
                    Val::Runtime(_, t) => t.shape.clone(),
                    Val::Const(c) => c.shape.clone(),
                };
                let v: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
                self.vals.insert(
                    node.output[0].clone(),
                    Val::Const(Const {
                        shape: vec![v.len()],
                        data: ConstData::Int(v),
                    }),
                );
                return Ok(());
            }
            "Cast" => {
                let to = attr_i(node, "to", 1);
                return match self.need(node, 0)?.clone() {
                    Val::Const(c) => {
                        let data = match to {
                            1 | 10 | 11 | 16 => ConstData::Float(c.floats()),
                            _ => ConstData::Int(c.ints()),
                        };
                        self.vals.insert(
                            node.output[0].clone(),
                            Val::Const(Const {
                                shape: c.shape,
                                data,
                            }),
                        );
                        Ok(())
                    }
                    // An integer to fixed point: n -> n * 2^k, exactly (a product with the raw
                    // value 2^2k, rescaled once).
                    Val::Runtime(id, _)
                        if self.index_values.contains(&id) && matches!(to, 1 | 10 | 11 | 16) =>
                    {
                        let x = self.operand(node, 0)?;
                        self.step(node, Op::Unary(Unary::ToFixed), vec![x])
                    }
                    Val::Runtime(..) if matches!(to, 1 | 10 | 11 | 16) => self.alias(node),
                    // Indices (ArgMax, class labels) are integers already.
                    Val::Runtime(id, _) if self.index_values.contains(&id) => self.alias(node),
                    Val::Runtime(..) => Err(self.err(
                        node,
                        "casting a run-time tensor to an integer type is not supported",
                    )),
                };
            }
            _ => {}
        }
        if self.all_const(node) && !node.input.is_empty() {
            return self.fold(node);
        }
        if self.nn_node(node)?
            || self.math_node(node)?
            || self.resize_node(node)?
            || self.linalg_node(node)?
        {
            return Ok(());
        }
        if self.composite(node)? {
            return Ok(());
        }
        self.runtime(node)
    }

    fn unsupported(&self, node: &pb::NodeProto) -> TranspileError {
        if fold::FOLDED_OPS.contains(&node.op_type.as_str()) {
            return self.err(
                node,
                "supported on constant inputs only (shape arithmetic); here an input is computed \
                 at run time",
            );
        }
        TranspileError::Unsupported {
            node: node_name(node),
            op: node.op_type.clone(),
            supported: supported_ops().join(", "),
        }
    }

    /// Evaluates a node whose inputs are all constants, keeping the result as a constant.
    fn fold(&mut self, node: &pb::NodeProto) -> Result<()> {
        let ints = (0..node.input.len())
            .filter_map(|i| self.get(node, i).ok().flatten())
            .all(|v| matches!(v, Val::Const(c) if c.is_int()));
        // Integer constants (shape arithmetic) run through the reference at scale 2^0 semantics for
        // layout ops; float constants are planned like run-time tensors on quantized values.
        let layout = matches!(
            node.op_type.as_str(),
            "Reshape"
                | "Flatten"
                | "Squeeze"
                | "Unsqueeze"
                | "Transpose"
                | "Concat"
                | "Slice"
                | "Gather"
        );
        if layout {
            // Run the op on element indices and pick the source elements: exact for any type.
            let consts: Vec<Const> = (0..node.input.len())
                .filter(|&i| !node.input[i].is_empty())
                .map(|i| self.need_const(node, i))
                .collect::<Result<_>>()?;
            let op = self.layout_op(node)?;
            let data_inputs = if node.op_type == "Concat" {
                consts.len()
            } else {
                1
            };
            let mut offset = 0i64;
            let idx: Vec<Tensor> = consts[..data_inputs]
                .iter()
                .map(|c| {
                    let n = c.shape.iter().product::<usize>() as i64;
                    let t = Tensor {
                        shape: c.shape.clone(),
                        data: (offset..offset + n).collect(),
                    };
                    offset += n;
                    t
                })
                .collect();
            let refs: Vec<&Tensor> = idx.iter().collect();
            let picked = execute(self.q, &op, &refs).map_err(|e| self.err(node, e.to_string()))?;
            let all: Vec<Const> = consts[..data_inputs].to_vec();
            let data = if ints {
                let flat: Vec<i64> = all.iter().flat_map(|c| c.ints()).collect();
                ConstData::Int(picked.data.iter().map(|&i| flat[i as usize]).collect())
            } else {
                let flat: Vec<f64> = all.iter().flat_map(|c| c.floats()).collect();
                ConstData::Float(picked.data.iter().map(|&i| flat[i as usize]).collect())
            };
            self.vals.insert(
                node.output[0].clone(),
                Val::Const(Const {
                    shape: picked.shape,
                    data,
                }),
            );
            return Ok(());
        }
        let consts: Vec<Option<Const>> = (0..node.input.len())
            .map(|i| match self.get(node, i) {
                Ok(Some(Val::Const(c))) => Some(c.clone()),
                _ => None,
            })
            .collect();
        match fold::fold(node, &consts) {
            Some(Ok(c)) => {
                self.vals.insert(node.output[0].clone(), Val::Const(c));
                return Ok(());
            }
            Some(Err(reason)) => {
                return Err(self.err(node, format!("folding constant inputs: {reason}")))
            }
            None => {}
        }
        // Other ops on constants (a Gemm of two constants, say) run like any tensor.
        if self.composite(node)? {
            return Ok(());
        }
        self.runtime(node)
    }

    fn layout_op(&self, node: &pb::NodeProto) -> Result<Op> {
        let opset = self.graph.opset;
        Ok(match node.op_type.as_str() {
            "Reshape" => Op::Reshape {
                shape: match attr_ints(node, "shape") {
                    Some(s) if opset < 5 => s,
                    _ => self.need_const(node, 1)?.ints(),
                },
            },
            "Flatten" => Op::Flatten {
                axis: attr_i(node, "axis", 1),
            },
            "Squeeze" => Op::Squeeze {
                axes: if opset >= 13 {
                    self.opt_ints(node, 1)?.unwrap_or_default()
                } else {
                    attr_ints(node, "axes").unwrap_or_default()
                },
            },
            "Unsqueeze" => Op::Unsqueeze {
                axes: if opset >= 13 {
                    self.opt_ints(node, 1)?.unwrap_or_default()
                } else {
                    attr_ints(node, "axes").unwrap_or_default()
                },
            },
            "Transpose" => Op::Transpose {
                perm: attr_ints(node, "perm").unwrap_or_default(),
            },
            "Concat" => Op::Concat {
                axis: attr_i(node, "axis", 0),
            },
            "Slice" => {
                let (starts, ends, axes, steps) = if opset < 10 {
                    (
                        attr_ints(node, "starts").unwrap_or_default(),
                        attr_ints(node, "ends").unwrap_or_default(),
                        attr_ints(node, "axes").unwrap_or_default(),
                        vec![],
                    )
                } else {
                    (
                        self.need_const(node, 1)?.ints(),
                        self.need_const(node, 2)?.ints(),
                        self.opt_ints(node, 3)?.unwrap_or_default(),
                        self.opt_ints(node, 4)?.unwrap_or_default(),
                    )
                };
                // Clamp the huge sentinels exporters use (INT64_MAX) into the library's range.
                let c = |v: Vec<i64>| {
                    v.into_iter()
                        .map(|x| x.clamp(-(1 << 40), 1 << 40))
                        .collect()
                };
                let axes = if axes.is_empty() {
                    (0..starts.len() as i64).collect()
                } else {
                    axes
                };
                let steps = if steps.is_empty() {
                    vec![1; starts.len()]
                } else {
                    steps
                };
                Op::Slice {
                    starts: c(starts),
                    ends: c(ends),
                    axes,
                    steps,
                }
            }
            "Gather" => {
                let idx = self
                    .need_const(node, 1)
                    .map_err(|_| self.err(node, "indices must be constant"))?;
                Op::Gather {
                    axis: attr_i(node, "axis", 0),
                    indices: idx.ints(),
                    indices_shape: idx.shape.clone(),
                }
            }
            _ => return Err(self.unsupported(node)),
        })
    }

    /// A non-negative per-axis attribute (strides, pads, dilations) of `len` entries for a
    /// window over `spatial` axes, or `default` for each when absent.
    fn spatial_attr(
        &self,
        node: &pb::NodeProto,
        name: &str,
        default: usize,
        len: usize,
        spatial: usize,
    ) -> Result<Vec<usize>> {
        match attr_ints(node, name) {
            Some(v) if v.len() == len && v.iter().all(|&x| x >= 0) => {
                Ok(v.iter().map(|&x| x as usize).collect())
            }
            Some(v) => Err(self.err(
                node,
                format!("attribute {name}={v:?} does not fit {spatial} spatial dims"),
            )),
            None => Ok(vec![default; len]),
        }
    }

    /// Makes `name` refer to the run-time value `v` (an ONNX output that is an earlier step's
    /// result, unchanged).
    fn alias_value(&mut self, v: &(Operand, Tensor), name: &str) {
        if let Operand::Value(id) = v.0 {
            self.vals
                .insert(name.to_string(), Val::Runtime(id, v.1.clone()));
        }
    }

    fn window(&self, node: &pb::NodeProto, spatial: usize, kernel: Vec<usize>) -> Result<Window> {
        if !(1..=2).contains(&spatial) {
            return Err(self.err(
                node,
                format!("{spatial}-D windows are not supported (1-D and 2-D only)"),
            ));
        }
        if let Some(p) = attr_s(node, "auto_pad") {
            if p != "NOTSET" && p != "VALID" {
                return Err(self.err(
                    node,
                    format!("auto_pad={p} is not supported; export with explicit pads"),
                ));
            }
        }
        if attr_i(node, "ceil_mode", 0) != 0 {
            return Err(self.err(node, "ceil_mode=1 is not supported"));
        }
        let list = |name: &str, default: usize, len: usize| {
            self.spatial_attr(node, name, default, len, spatial)
        };
        Ok(Window {
            strides: list("strides", 1, spatial)?,
            pads: list("pads", 0, 2 * spatial)?,
            dilations: list("dilations", 1, spatial)?,
            kernel,
        })
    }

    fn runtime(&mut self, node: &pb::NodeProto) -> Result<()> {
        let opset = self.graph.opset;
        let bin = |b| Op::Binary(b);
        let op_type = node.op_type.as_str();
        let simple_binary = match op_type {
            "Add" | "Sum" => Some(Binary::Add),
            "Sub" => Some(Binary::Sub),
            "Mul" => Some(Binary::Mul),
            "Div" => Some(Binary::Div),
            "Max" => Some(Binary::Max),
            "Min" => Some(Binary::Min),
            _ => None,
        };
        if let Some(b) = simple_binary {
            let n = node.input.len();
            if n == 1 {
                return self.alias(node);
            }
            if n != 2 {
                return Err(self.err(node, "only two operands are supported"));
            }
            let a = self.operand(node, 0)?;
            let c = self.operand(node, 1)?;
            return self.step(node, bin(b), vec![a, c]);
        }
        let unary = match op_type {
            "Neg" => Some(Unary::Neg),
            "Abs" => Some(Unary::Abs),
            "Relu" => Some(Unary::Relu),
            "Exp" => Some(Unary::Exp),
            "Log" => Some(Unary::Log),
            "Sqrt" => Some(Unary::Sqrt),
            "Sigmoid" => Some(Unary::Sigmoid),
            "Tanh" => Some(Unary::Tanh),
            "Softplus" => Some(Unary::Softplus),
            "Erf" => Some(Unary::Erf),
            "Gelu" => match attr_s(node, "approximate").as_deref() {
                None | Some("none") => Some(Unary::Gelu),
                Some(other) => {
                    return Err(self.err(node, format!("approximate={other} is not supported")))
                }
            },
            _ => None,
        };
        if let Some(u) = unary {
            let a = self.operand(node, 0)?;
            return self.step(node, Op::Unary(u), vec![a]);
        }
        let op = match op_type {
            "LeakyRelu" => Op::LeakyRelu {
                alpha: self.quantize(node, attr_f(node, "alpha", 0.01))?,
            },
            "Clip" => {
                let (lo, hi) = if opset < 11 {
                    (attr_f(node, "min", f64::MIN), attr_f(node, "max", f64::MAX))
                } else {
                    let bound = |i: usize, d: f64| -> Result<f64> {
                        Ok(match self.get(node, i)? {
                            Some(Val::Const(c)) => c.floats()[0],
                            Some(_) => {
                                return Err(self.err(node, format!("input {i} must be a constant")))
                            }
                            None => d,
                        })
                    };
                    (bound(1, f64::MIN)?, bound(2, f64::MAX)?)
                };
                let lim = fixed::MAX_ABS as f64 / self.q.one() as f64;
                Op::Clip {
                    lo: self.quantize(node, lo.max(-lim))?,
                    hi: self.quantize(node, hi.min(lim))?,
                }
            }
            "Softmax" | "LogSoftmax" => {
                let log = op_type == "LogSoftmax";
                let x = self.operand(node, 0)?;
                let rank = x.1.rank() as i64;
                let axis = attr_i(node, "axis", if opset >= 13 { -1 } else { 1 });
                if opset < 13 {
                    // Older opsets normalize over all dims from `axis` on, as a 2-D matrix.
                    let a = if axis < 0 { axis + rank } else { axis };
                    if a != rank - 1 {
                        return Err(self.err(node, format!("opset {opset} softmax over dims {a}.. of a rank-{rank} tensor is not supported; export with opset >= 13")));
                    }
                }
                return self.step(node, Op::Softmax { axis, log }, vec![x]);
            }
            "MatMul" => {
                let a = self.operand(node, 0)?;
                if let (Some(Val::Const(c)), 2) = (self.get(node, 1)?.cloned(), a.1.rank()) {
                    if c.shape.len() == 2 {
                        // Store the weights transposed so each output is one contiguous dot product.
                        let t = transpose_const(&c);
                        let w = self.weight(node, &format!("{}^T", node.input[1]), &t)?;
                        return self.step(node, Op::MatMulNt, vec![a, w]);
                    }
                }
                let b = self.operand(node, 1)?;
                return self.step(node, Op::MatMul, vec![a, b]);
            }
            "Gemm" => {
                let alpha = self.quantize(node, attr_f(node, "alpha", 1.0))?;
                let beta = self.quantize(node, attr_f(node, "beta", 1.0))?;
                let trans_a = attr_i(node, "transA", 0) != 0;
                let mut trans_b = attr_i(node, "transB", 0) != 0;
                let a = self.operand(node, 0)?;
                let b = match self.need(node, 1)?.clone() {
                    Val::Const(c) if !trans_b && c.shape.len() == 2 => {
                        trans_b = true;
                        let t = transpose_const(&c);
                        self.weight(node, &format!("{}^T", node.input[1]), &t)?
                    }
                    _ => self.operand(node, 1)?,
                };
                let mut inputs = vec![a, b];
                if self.get(node, 2)?.is_some() {
                    inputs.push(self.operand(node, 2)?);
                }
                return self.step(
                    node,
                    Op::Gemm {
                        alpha,
                        beta,
                        trans_a,
                        trans_b,
                    },
                    inputs,
                );
            }
            "Conv" => {
                let x = self.operand(node, 0)?;
                let w = self.operand(node, 1)?;
                let spatial = w.1.rank().saturating_sub(2);
                let kernel = w.1.shape[2.min(w.1.rank())..].to_vec();
                let window = self.window(node, spatial, kernel)?;
                let group = attr_i(node, "group", 1) as usize;
                let mut inputs = vec![x, w];
                if self.get(node, 2)?.is_some() {
                    inputs.push(self.operand(node, 2)?);
                }
                return self.step(node, Op::Conv { window, group }, inputs);
            }
            "MaxPool" | "AveragePool" => {
                if node.output.len() > 1 && !node.output[1].is_empty() {
                    return Err(self.err(node, "the Indices output of MaxPool is not supported"));
                }
                let kernel: Vec<usize> = attr_ints(node, "kernel_shape")
                    .ok_or_else(|| self.err(node, "kernel_shape is required"))?
                    .iter()
                    .map(|&k| k as usize)
                    .collect();
                let window = self.window(node, kernel.len(), kernel)?;
                if op_type == "AveragePool" {
                    Op::AveragePool {
                        window,
                        count_include_pad: attr_i(node, "count_include_pad", 0) != 0,
                    }
                } else {
                    Op::MaxPool { window }
                }
            }
            "GlobalAveragePool" => Op::GlobalAveragePool,
            "BatchNormalization" => {
                if attr_i(node, "training_mode", 0) != 0 {
                    return Err(self.err(node, "training_mode=1 is not supported"));
                }
                let eps = self.quantize(node, attr_f(node, "epsilon", 1e-5))?;
                let inputs = (0..5)
                    .map(|i| self.operand(node, i))
                    .collect::<Result<Vec<_>>>()?;
                return self.step(node, Op::BatchNorm { eps }, inputs);
            }
            "ReduceSum" | "ReduceMean" | "ReduceMax" => {
                let kind = match op_type {
                    "ReduceSum" => ReduceKind::Sum,
                    "ReduceMean" => ReduceKind::Mean,
                    _ => ReduceKind::Max,
                };
                let axes_from_input = op_type == "ReduceSum" && opset >= 13 || opset >= 18;
                let axes = if axes_from_input {
                    self.opt_ints(node, 1)?.unwrap_or_default()
                } else {
                    attr_ints(node, "axes").unwrap_or_default()
                };
                if axes.is_empty() && attr_i(node, "noop_with_empty_axes", 0) != 0 {
                    return self.alias(node);
                }
                Op::Reduce {
                    kind,
                    axes,
                    keepdims: attr_i(node, "keepdims", 1) != 0,
                }
            }
            "ArgMax" => Op::ArgMax {
                axis: attr_i(node, "axis", 0),
                keepdims: attr_i(node, "keepdims", 1) != 0,
                select_last: attr_i(node, "select_last_index", 0) != 0,
            },
            "Pad" => {
                let mode = attr_s(node, "mode").unwrap_or_else(|| "constant".into());
                if mode != "constant" {
                    return Err(self.err(
                        node,
                        format!("mode={mode} is not supported (constant only)"),
                    ));
                }
                let (pads, value) = if opset < 11 {
                    (
                        attr_ints(node, "pads").unwrap_or_default(),
                        attr_f(node, "value", 0.0),
                    )
                } else {
                    let v = match self.get(node, 2)? {
                        Some(Val::Const(c)) => c.floats()[0],
                        Some(_) => return Err(self.err(node, "the pad value must be a constant")),
                        None => 0.0,
                    };
                    (self.need_const(node, 1)?.ints(), v)
                };
                if self.get(node, 3)?.is_some() {
                    return Err(self.err(node, "the axes input of Pad is not supported"));
                }
                if pads.iter().any(|&p| p < 0) {
                    return Err(self.err(node, "negative pads are not supported"));
                }
                Op::Pad {
                    pads: pads.iter().map(|&p| p as usize).collect(),
                    value: self.quantize(node, value)?,
                }
            }
            "Gather" if matches!(self.need(node, 1)?, Val::Runtime(..)) => {
                let idx = self.operand(node, 1)?;
                if !matches!(idx.0, Operand::Value(v) if self.index_values.contains(&v)) {
                    return Err(self.err(
                        node,
                        "run-time indices must be integers (an integer input or an ArgMax)",
                    ));
                }
                let data = self.operand(node, 0)?;
                let op = Op::Take {
                    axis: attr_i(node, "axis", 0),
                };
                return self.step(node, op, vec![data, idx]);
            }
            "Reshape" | "Flatten" | "Squeeze" | "Unsqueeze" | "Transpose" | "Slice" | "Gather" => {
                self.layout_op(node)?
            }
            "Concat" => {
                let op = self.layout_op(node)?;
                let inputs = (0..node.input.len())
                    .map(|i| self.operand(node, i))
                    .collect::<Result<Vec<_>>>()?;
                return self.step(node, op, inputs);
            }
            _ => return Err(self.unsupported(node)),
        };
        let x = self.operand(node, 0)?;
        self.step(node, op, vec![x])
    }
}

/// An ONNX axis in `[-rank, rank)` as an index.
pub(crate) fn norm_axis(axis: i64, rank: i64) -> Option<usize> {
    (-rank..rank)
        .contains(&axis)
        .then(|| if axis < 0 { axis + rank } else { axis } as usize)
}

fn is_layout(op: &Op) -> bool {
    matches!(
        op,
        Op::Reshape { .. }
            | Op::Flatten { .. }
            | Op::Squeeze { .. }
            | Op::Unsqueeze { .. }
            | Op::Transpose { .. }
            | Op::Concat { .. }
            | Op::Slice { .. }
            | Op::Gather { .. }
    )
}

fn node_name(node: &pb::NodeProto) -> String {
    if node.name.is_empty() {
        format!("<{}>", node.output.first().cloned().unwrap_or_default())
    } else {
        node.name.clone()
    }
}

fn transpose_const(c: &Const) -> Const {
    let (r, k) = (c.shape[0], c.shape[1]);
    let f = c.floats();
    let data = (0..k)
        .flat_map(|j| (0..r).map(move |i| (i, j)))
        .map(|(i, j)| f[i * k + j])
        .collect();
    Const {
        shape: vec![k, r],
        data: ConstData::Float(data),
    }
}

/// Multiply-accumulates of a dense op.
fn macs(op: &Op, inputs: &[&Tensor], out: &Tensor) -> usize {
    match op {
        Op::MatMul | Op::MatMulNt | Op::Gemm { .. } => {
            let k = if let Op::Gemm { trans_a: true, .. } = op {
                inputs[0].shape[0]
            } else {
                *inputs[0].shape.last().unwrap_or(&1)
            };
            out.len() * k
        }
        Op::Conv { .. } => out.len() * inputs[1].shape[1..].iter().product::<usize>(),
        _ => 0,
    }
}

/// Runs one op with the Rust reference.
pub fn execute(q: Q, op: &Op, t: &[&Tensor]) -> std::result::Result<Tensor, FixedError> {
    use fixed::*;
    Ok(match op {
        Op::Binary(b) => match b {
            Binary::Add => add(t[0], t[1])?,
            Binary::Sub => sub(t[0], t[1])?,
            Binary::Mul => mul(q, t[0], t[1])?,
            Binary::Div => div(q, t[0], t[1])?,
            Binary::Max => max(t[0], t[1])?,
            Binary::Min => min(t[0], t[1])?,
            c => compare(c.comparison().expect("a comparison"), t[0], t[1])?,
        },
        Op::Unary(u) => match u {
            Unary::Neg => neg(t[0]),
            Unary::Abs => abs(t[0]),
            Unary::Relu => relu(t[0]),
            Unary::Exp => exp(q, t[0])?,
            Unary::Log => log(q, t[0])?,
            Unary::Sqrt => sqrt(q, t[0])?,
            Unary::Sigmoid => sigmoid(q, t[0])?,
            Unary::Tanh => tanh(q, t[0])?,
            Unary::Softplus => softplus(q, t[0])?,
            Unary::Erf => erf(q, t[0])?,
            Unary::Gelu => gelu(q, t[0])?,
            Unary::ToFixed => to_fixed(q, t[0])?,
        },
        Op::LeakyRelu { alpha } => leaky_relu(q, t[0], *alpha)?,
        Op::Clip { lo, hi } => clip(t[0], *lo, *hi),
        Op::Softmax { axis, log: false } => softmax(q, t[0], *axis)?,
        Op::Softmax { axis, log: true } => log_softmax(q, t[0], *axis)?,
        Op::MatMul => matmul(q, t[0], t[1])?,
        Op::MatMulNt => matmul_nt(q, t[0], t[1])?,
        Op::Gemm {
            alpha,
            beta,
            trans_a,
            trans_b,
        } => gemm(
            q,
            t[0],
            t[1],
            t.get(2).copied(),
            *alpha,
            *beta,
            *trans_a,
            *trans_b,
        )?,
        Op::Conv { window, group } => conv(q, t[0], t[1], t.get(2).copied(), window, *group)?,
        Op::MaxPool { window } => max_pool(t[0], window)?,
        Op::AveragePool {
            window,
            count_include_pad,
        } => average_pool(t[0], window, *count_include_pad)?,
        Op::GlobalAveragePool => global_average_pool(t[0])?,
        Op::BatchNorm { eps } => batch_norm(q, t[0], t[1], t[2], t[3], t[4], *eps)?,
        Op::Reduce {
            kind,
            axes,
            keepdims,
        } => {
            let axes = (!axes.is_empty()).then_some(axes.as_slice());
            match kind {
                ReduceKind::Sum => reduce_sum(t[0], axes, *keepdims)?,
                ReduceKind::Mean => reduce_mean(t[0], axes, *keepdims)?,
                ReduceKind::Max => reduce_max(t[0], axes, *keepdims)?,
            }
        }
        Op::ArgMax {
            axis,
            keepdims,
            select_last,
        } => argmax(t[0], *axis, *keepdims, *select_last)?,
        Op::Reshape { shape } => reshape(t[0], shape)?,
        Op::Flatten { axis } => flatten(t[0], *axis)?,
        Op::Squeeze { axes } => squeeze(t[0], (!axes.is_empty()).then_some(axes.as_slice()))?,
        Op::Unsqueeze { axes } => unsqueeze(t[0], axes)?,
        Op::Transpose { perm } => transpose(t[0], (!perm.is_empty()).then_some(perm.as_slice()))?,
        Op::Concat { axis } => concat(t, *axis)?,
        Op::Slice {
            starts,
            ends,
            axes,
            steps,
        } => slice(t[0], starts, ends, Some(axes), Some(steps))?,
        Op::Gather {
            axis,
            indices,
            indices_shape,
        } => gather(t[0], indices, indices_shape, *axis)?,
        Op::Pad { pads, value } => pad(t[0], pads, *value)?,
        Op::Take { axis } => gather(t[0], &t[1].data, &t[1].shape, *axis)?,
        Op::TreeEnsemble { aggregate } => tree_ensemble(t[0], t[1], t[2], t[3], *aggregate)?,
    })
}

/// Plans `graph` at scale `q`, running the reference on `inputs` (raw values, one per graph input).
pub fn plan(graph: &Graph, q: Q, inputs: &[Tensor]) -> Result<(Plan, Vec<Tensor>)> {
    let mut p = Planner {
        graph,
        q,
        vals: HashMap::new(),
        plan: Plan {
            name: graph.name.clone(),
            q,
            inputs: graph.inputs.clone(),
            outputs: vec![],
            values: vec![],
            steps: vec![],
            weights: vec![],
            macs: 0,
            max_abs: 0,
            visibility: Default::default(),
        },
        weight_ids: HashMap::new(),
        index_values: HashSet::new(),
    };
    for (c_name, c) in &graph.consts {
        p.vals.insert(c_name.clone(), Val::Const(c.clone()));
    }
    for (i, input) in graph.inputs.iter().enumerate() {
        p.plan.values.push(ValueInfo {
            name: input.name.clone(),
            shape: input.shape.clone(),
            index: input.index,
        });
        if input.index {
            p.index_values.insert(i);
        }
        p.vals
            .insert(input.name.clone(), Val::Runtime(i, inputs[i].clone()));
    }
    for node in &graph.nodes {
        p.node(node)?;
    }
    let mut outs = Vec::new();
    for name in &graph.outputs {
        match p.vals.get(name) {
            Some(Val::Runtime(id, t)) => {
                // An output that aliases an earlier value (Identity, Cast) is known by its name.
                p.plan.values[*id].name = name.clone();
                p.plan.outputs.push(*id);
                outs.push(t.clone());
            }
            Some(Val::Const(_)) => {
                return Err(TranspileError::Other(format!(
                    "output `{name}` is a constant: nothing to prove"
                )))
            }
            None => {
                return Err(TranspileError::Other(format!(
                    "output `{name}` is not produced by any node"
                )))
            }
        }
    }
    p.plan.drop_dead_steps();
    Ok((p.plan, outs))
}

impl Plan {
    /// Removes steps whose results no output needs (a recurrent layer's final state that the
    /// graph ignores, say): they would cost steps and leave unused variables in the program.
    fn drop_dead_steps(&mut self) {
        let mut live: HashSet<usize> = self.outputs.iter().copied().collect();
        let mut keep = vec![false; self.steps.len()];
        for (k, step) in self.steps.iter().enumerate().rev() {
            if live.contains(&step.output) {
                keep[k] = true;
                live.extend(step.inputs.iter().filter_map(|o| match o {
                    Operand::Value(v) => Some(*v),
                    Operand::Weight(_) => None,
                }));
            }
        }
        let mut k = 0;
        self.steps.retain(|_| {
            k += 1;
            keep[k - 1]
        });
    }

    /// All weight values, flattened in weight order (the private argument of hashed weights).
    pub fn flat_weights(&self) -> Vec<i64> {
        self.weights
            .iter()
            .flat_map(|w| w.tensor.data.iter().copied())
            .collect()
    }

    /// Runs the plan with the Rust reference: exactly what the generated Cairo computes.
    pub fn run(&self, inputs: &[Tensor]) -> Result<Vec<Tensor>> {
        let mut vals: Vec<Option<Tensor>> = vec![None; self.values.len()];
        for (i, t) in inputs.iter().enumerate() {
            vals[i] = Some(t.clone());
        }
        for s in &self.steps {
            let ts: Vec<&Tensor> = s
                .inputs
                .iter()
                .map(|o| match o {
                    Operand::Value(v) => vals[*v].as_ref().expect("planned order"),
                    Operand::Weight(w) => &self.weights[*w].tensor,
                })
                .collect();
            let out = execute(self.q, &s.op, &ts).map_err(|source| TranspileError::Fixed {
                node: s.node.clone(),
                op: s.op_type.clone(),
                source,
            })?;
            vals[s.output] = Some(out);
        }
        Ok(self
            .outputs
            .iter()
            .map(|&o| vals[o].clone().expect("computed"))
            .collect())
    }
}

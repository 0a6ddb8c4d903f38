//! Layers PyTorch exports as single ONNX nodes, each written as tensor-library calls (the
//! reference runs the same calls, so the composition is what is bit-exact):
//! `LayerNormalization`, `InstanceNormalization`, the recurrent layers `RNN`, `GRU` and `LSTM`
//! (unrolled over the sequence, both directions, the exporter's gate layouts, initial states),
//! `ConvTranspose` (as a convolution of the zero-upsampled input with the flipped kernel), and
//! `Expand` of a run-time tensor.

use super::*;

/// The ops this family plans.
pub const NN_OPS: &[&str] = &[
    "ConvTranspose",
    "Expand",
    "GRU",
    "InstanceNormalization",
    "LayerNormalization",
    "LSTM",
    "RNN",
];

/// Slice `k` of a constant along axis 0 (a direction of a recurrent layer's weights).
fn const_row(c: &Const, k: usize) -> Const {
    let inner: usize = c.shape[1..].iter().product();
    let f = c.floats();
    Const {
        shape: c.shape[1..].to_vec(),
        data: ConstData::Float(f[k * inner..(k + 1) * inner].to_vec()),
    }
}

/// Rows `[from, to)` of a 2-D (or 1-D) constant.
fn const_rows(c: &Const, from: usize, to: usize) -> Const {
    let inner: usize = c.shape[1..].iter().product();
    let f = c.floats();
    let mut shape = c.shape.clone();
    shape[0] = to - from;
    Const {
        shape,
        data: ConstData::Float(f[from * inner..to * inner].to_vec()),
    }
}

/// `shape` with axis `axis + 1` (the inserted one) merged away: the shape to reshape to.
fn x_shape_with(shape: &[usize], axis: usize) -> Vec<i64> {
    let mut v: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
    v.remove(axis + 1);
    v
}

/// Which recurrent layer, and its gate count.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Rnn,
    Gru { linear_before_reset: bool },
    Lstm,
}

impl Cell {
    fn gates(self) -> usize {
        match self {
            Cell::Rnn => 1,
            Cell::Gru { .. } => 3,
            Cell::Lstm => 4,
        }
    }
}

impl Planner<'_> {
    /// An NN-family node, or Ok(false) when `node` is not one.
    pub(super) fn nn_node(&mut self, node: &pb::NodeProto) -> Result<bool> {
        match node.op_type.as_str() {
            "LayerNormalization" => self.layer_norm(node)?,
            "InstanceNormalization" => self.instance_norm(node)?,
            "Expand" => self.expand(node)?,
            "ConvTranspose" => self.conv_transpose(node)?,
            "Conv" | "MaxPool" | "AveragePool" if matches!(self.get(node, 0)?, Some(Val::Runtime(_, t)) if t.rank() == 5) => {
                self.window_3d(node)?
            }
            "RNN" => self.recurrent(node, Cell::Rnn)?,
            "GRU" => {
                let lbr = attr_i(node, "linear_before_reset", 0) != 0;
                self.recurrent(
                    node,
                    Cell::Gru {
                        linear_before_reset: lbr,
                    },
                )?
            }
            "LSTM" => self.recurrent(node, Cell::Lstm)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `(x - mean) / sqrt(var + eps)` over `axes` (kept as 1s for broadcasting).
    fn normalize(
        &mut self,
        node: &pb::NodeProto,
        x: (Operand, Tensor),
        axes: Vec<i64>,
        eps: f64,
    ) -> Result<(Operand, Tensor)> {
        let out = node.output[0].clone();
        let tmp = |k: &str| format!("{out}/{k}");
        let mean_op = Op::Reduce {
            kind: ReduceKind::Mean,
            axes,
            keepdims: true,
        };
        let mean = self.emit(node, mean_op.clone(), vec![x.clone()], &tmp("mean"))?;
        let d = self.emit(
            node,
            Op::Binary(Binary::Sub),
            vec![x, mean],
            &tmp("centred"),
        )?;
        let sq = self.emit(
            node,
            Op::Binary(Binary::Mul),
            vec![d.clone(), d.clone()],
            &tmp("squared"),
        )?;
        let var = self.emit(node, mean_op, vec![sq], &tmp("variance"))?;
        let e = self.scalar(node, eps)?;
        let ve = self.emit(
            node,
            Op::Binary(Binary::Add),
            vec![var, e],
            &tmp("variance + eps"),
        )?;
        let sd = self.emit(node, Op::Unary(Unary::Sqrt), vec![ve], &tmp("std"))?;
        self.emit(
            node,
            Op::Binary(Binary::Div),
            vec![d, sd],
            &tmp("normalized"),
        )
    }

    /// LayerNormalization over the axes from `axis` on, then `* scale + bias`.
    fn layer_norm(&mut self, node: &pb::NodeProto) -> Result<()> {
        if node.output.iter().skip(1).any(|o| !o.is_empty()) {
            return Err(self.err(node, "the Mean and InvStdDev outputs are not supported"));
        }
        let x = self.operand(node, 0)?;
        let rank = x.1.rank() as i64;
        let axis = norm_axis(attr_i(node, "axis", -1), rank)
            .ok_or_else(|| self.err(node, "axis out of range"))? as i64;
        let eps = attr_f(node, "epsilon", 1e-5);
        let y = self.normalize(node, x, (axis..rank).collect(), eps)?;
        self.scale_and_shift(node, y, |_, c| c)
    }

    /// `y * input 1 (+ input 2)`, the constants reshaped by `shape` first.
    fn scale_and_shift(
        &mut self,
        node: &pb::NodeProto,
        y: (Operand, Tensor),
        shape: impl Fn(&Self, Const) -> Const,
    ) -> Result<()> {
        let out = node.output[0].clone();
        let mut parts = vec![];
        for i in 1..3 {
            parts.push(match self.get(node, i)?.cloned() {
                None => None,
                Some(Val::Const(c)) => {
                    let c = shape(self, c);
                    Some(self.weight(node, &format!("{}/shaped", node.input[i]), &c)?)
                }
                Some(Val::Runtime(..)) => Some(self.operand(node, i)?),
            });
        }
        let bias = parts.pop().unwrap();
        let scale = parts.pop().unwrap();
        let scaled_name = if bias.is_some() {
            format!("{out}/scaled")
        } else {
            out.clone()
        };
        let y = match scale {
            Some(s) => self.emit(node, Op::Binary(Binary::Mul), vec![y, s], &scaled_name)?,
            None => y,
        };
        match bias {
            Some(b) => self.emit(node, Op::Binary(Binary::Add), vec![y, b], &out)?,
            None if scaled_name == out => y,
            None => {
                self.alias_value(&y, &out);
                y
            }
        };
        Ok(())
    }

    /// InstanceNormalization on `[N, C, ...]`: per sample and channel over the spatial axes,
    /// then the per-channel scale and bias.
    fn instance_norm(&mut self, node: &pb::NodeProto) -> Result<()> {
        let x = self.operand(node, 0)?;
        let rank = x.1.rank();
        if rank < 3 {
            return Err(self.err(node, format!("expects [N, C, ...], got {:?}", x.1.shape)));
        }
        let eps = attr_f(node, "epsilon", 1e-5);
        let y = self.normalize(node, x, (2..rank as i64).collect(), eps)?;
        self.scale_and_shift(node, y, |_, c| {
            let mut shape = c.shape.clone();
            shape.resize(rank - 1, 1);
            Const {
                shape,
                data: c.data,
            }
        })
    }

    /// Expand of a run-time tensor: leading 1s added, then every axis of size 1 that grows is
    /// repeated by concatenation (copies, no arithmetic).
    fn expand(&mut self, node: &pb::NodeProto) -> Result<()> {
        let mut x = self.operand(node, 0)?;
        let shape: Vec<usize> = self
            .need_const(node, 1)?
            .ints()
            .iter()
            .map(|&d| usize::try_from(d).map_err(|_| self.err(node, format!("negative dim {d}"))))
            .collect::<Result<_>>()?;
        let out_shape = fixed::broadcast_shape("expand", &x.1.shape, &shape).map_err(|_| {
            self.err(
                node,
                format!("{:?} does not expand to {shape:?}", x.1.shape),
            )
        })?;
        let out = node.output[0].clone();
        let rank = out_shape.len();
        if x.1.rank() < rank {
            let mut s = vec![1i64; rank - x.1.rank()];
            s.extend(x.1.shape.iter().map(|&d| d as i64));
            x = self.emit(
                node,
                Op::Reshape { shape: s },
                vec![x],
                &format!("{out}/ranked"),
            )?;
        }
        let grow: Vec<usize> = (0..rank)
            .filter(|&a| x.1.shape[a] != out_shape[a])
            .collect();
        if grow.is_empty() {
            self.alias_value(&x, &out);
            return Ok(());
        }
        for (k, &a) in grow.iter().enumerate() {
            let name = if k + 1 == grow.len() {
                out.clone()
            } else {
                format!("{out}/axis{a}")
            };
            x = self.emit(
                node,
                Op::Concat { axis: a as i64 },
                vec![x; out_shape[a]],
                &name,
            )?;
        }
        Ok(())
    }

    /// A 3-D Conv, MaxPool or AveragePool as 2-D ones: the depth axis (padded first) is folded
    /// into the batch once per kernel depth (a Gather of the input depths that kernel depth
    /// reads), each slice runs the 2-D op, and the results are combined (Add for Conv, Max for
    /// MaxPool, Add then a division by the kernel depth for AveragePool).
    fn window_3d(&mut self, node: &pb::NodeProto) -> Result<()> {
        let op_type = node.op_type.as_str();
        let x = self.operand(node, 0)?;
        let (n, c, d) = (x.1.shape[0], x.1.shape[1], x.1.shape[2]);
        let (w, kernel): (Option<Const>, Vec<usize>) = if op_type == "Conv" {
            let w = self
                .need_const(node, 1)
                .map_err(|_| self.err(node, "a 3-D kernel must be a constant"))?;
            let k = w.shape[2..].to_vec();
            (Some(w), k)
        } else {
            let k = attr_ints(node, "kernel_shape")
                .ok_or_else(|| self.err(node, "kernel_shape is required"))?;
            (None, k.iter().map(|&v| v as usize).collect())
        };
        if kernel.len() != 3 {
            return Err(self.err(node, format!("kernel {kernel:?} is not 3-D")));
        }
        if let Some(p) = attr_s(node, "auto_pad").filter(|p| p != "NOTSET" && p != "VALID") {
            return Err(self.err(
                node,
                format!("auto_pad={p} is not supported; export with explicit pads"),
            ));
        }
        if attr_i(node, "ceil_mode", 0) != 0 {
            return Err(self.err(node, "ceil_mode=1 is not supported"));
        }
        if node.output.len() > 1 && !node.output[1].is_empty() {
            return Err(self.err(node, "the Indices output of MaxPool is not supported"));
        }
        let list =
            |name: &str, default: usize, len: usize| self.spatial_attr(node, name, default, len, 3);
        let strides = list("strides", 1, 3)?;
        let pads = list("pads", 0, 6)?;
        let dilations = list("dilations", 1, 3)?;
        let include_pad = attr_i(node, "count_include_pad", 0) != 0;
        if op_type == "AveragePool" && !include_pad && pads.iter().any(|&p| p > 0) {
            return Err(self.err(
                node,
                "3-D AveragePool with padding needs count_include_pad=1",
            ));
        }
        let out = node.output[0].clone();
        let tmp = |k: &str| format!("{out}/{k}");
        // Depth first: [N, D, C, H, W], the depth padded (zeros, or the lowest value for MaxPool).
        let mut xt = self.emit(
            node,
            Op::Transpose {
                perm: vec![0, 2, 1, 3, 4],
            },
            vec![x],
            &tmp("depth major"),
        )?;
        if pads[0] + pads[3] > 0 {
            let value = if op_type == "MaxPool" {
                -fixed::MAX_ABS
            } else {
                0
            };
            let mut p = vec![0; 10];
            p[1] = pads[0];
            p[6] = pads[3];
            xt = self.emit(
                node,
                Op::Pad { pads: p, value },
                vec![xt],
                &tmp("depth padded"),
            )?;
        }
        let dp = d + pads[0] + pads[3];
        let reach = dilations[0] * (kernel[0] - 1) + 1;
        if dp < reach {
            return Err(self.err(
                node,
                format!("depth {d} is smaller than the kernel's reach {reach}"),
            ));
        }
        let od = (dp - reach) / strides[0] + 1;
        let window = Window {
            kernel: kernel[1..].to_vec(),
            strides: strides[1..].to_vec(),
            pads: vec![pads[1], pads[2], pads[4], pads[5]],
            dilations: dilations[1..].to_vec(),
        };
        let (h, wd) = (xt.1.shape[3], xt.1.shape[4]);
        let group = attr_i(node, "group", 1).max(1) as usize;
        let mut acc: Option<(Operand, Tensor)> = None;
        for kd in 0..kernel[0] {
            let kn = |k: &str| tmp(&format!("kd{kd}/{k}"));
            let indices: Vec<i64> = (0..od)
                .map(|o| (o * strides[0] + kd * dilations[0]) as i64)
                .collect();
            let slices = self.emit(
                node,
                Op::Gather {
                    axis: 1,
                    indices_shape: vec![od],
                    indices,
                },
                vec![xt.clone()],
                &kn("depths"),
            )?;
            let flat = self.emit(
                node,
                Op::Reshape {
                    shape: vec![(n * od) as i64, c as i64, h as i64, wd as i64],
                },
                vec![slices],
                &kn("as batch"),
            )?;
            let y = match op_type {
                "Conv" => {
                    let w = w.as_ref().expect("conv kernel");
                    let (m, cg) = (w.shape[0], w.shape[1]);
                    let taps = kernel[1] * kernel[2];
                    let f = w.floats();
                    let mut data = Vec::with_capacity(m * cg * taps);
                    for o in 0..m {
                        for i in 0..cg {
                            let at = ((o * cg + i) * kernel[0] + kd) * taps;
                            data.extend_from_slice(&f[at..at + taps]);
                        }
                    }
                    let wk = Const {
                        shape: vec![m, cg, kernel[1], kernel[2]],
                        data: ConstData::Float(data),
                    };
                    let wk = self.weight(node, &format!("{}/depth {kd}", node.input[1]), &wk)?;
                    self.emit(
                        node,
                        Op::Conv {
                            window: window.clone(),
                            group,
                        },
                        vec![flat, wk],
                        &kn("conv"),
                    )?
                }
                "MaxPool" => self.emit(
                    node,
                    Op::MaxPool {
                        window: window.clone(),
                    },
                    vec![flat],
                    &kn("pool"),
                )?,
                _ => self.emit(
                    node,
                    Op::AveragePool {
                        window: window.clone(),
                        count_include_pad: include_pad,
                    },
                    vec![flat],
                    &kn("pool"),
                )?,
            };
            acc = Some(match acc {
                None => y,
                Some(prev) => {
                    let b = if op_type == "MaxPool" {
                        Binary::Max
                    } else {
                        Binary::Add
                    };
                    self.emit(node, Op::Binary(b), vec![prev, y], &kn("combined"))?
                }
            });
        }
        let mut y = acc.expect("a kernel depth");
        if op_type == "AveragePool" && kernel[0] > 1 {
            let k = self.scalar(node, kernel[0] as f64)?;
            y = self.emit(
                node,
                Op::Binary(Binary::Div),
                vec![y, k],
                &tmp("average over depth"),
            )?;
        }
        let (m, oh, ow) = (y.1.shape[1], y.1.shape[2], y.1.shape[3]);
        let y = self.emit(
            node,
            Op::Reshape {
                shape: vec![n as i64, od as i64, m as i64, oh as i64, ow as i64],
            },
            vec![y],
            &tmp("depth back"),
        )?;
        let has_bias = op_type == "Conv" && self.get(node, 2)?.is_some();
        let name = if has_bias {
            tmp("no bias")
        } else {
            out.clone()
        };
        let y = self.emit(
            node,
            Op::Transpose {
                perm: vec![0, 2, 1, 3, 4],
            },
            vec![y],
            &name,
        )?;
        if has_bias {
            let b = self.need_const(node, 2)?;
            let b = Const {
                shape: vec![b.shape[0], 1, 1, 1],
                data: b.data,
            };
            let b = self.weight(node, &format!("{}/per channel", node.input[2]), &b)?;
            self.emit(node, Op::Binary(Binary::Add), vec![y, b], &out)?;
        }
        Ok(())
    }

    /// ConvTranspose (1-D, 2-D) as Conv: zeros inserted between input elements (stride), the
    /// border padded by `dilation * (k - 1) - pad` (plus output_padding at the end; cropped where
    /// negative), then a stride-1 convolution with the kernel flipped and its in/out channels
    /// swapped per group. Exact as a composition: the zeros add nothing.
    fn conv_transpose(&mut self, node: &pb::NodeProto) -> Result<()> {
        let mut x = self.operand(node, 0)?;
        let w = self
            .need_const(node, 1)
            .map_err(|_| self.err(node, "the kernel must be a constant"))?;
        let rank = x.1.rank();
        if !(3..=4).contains(&rank) || w.shape.len() != rank {
            return Err(self.err(
                node,
                format!("1-D and 2-D only: X {:?}, W {:?}", x.1.shape, w.shape),
            ));
        }
        if let Some(p) = attr_s(node, "auto_pad").filter(|p| p != "NOTSET") {
            return Err(self.err(
                node,
                format!("auto_pad={p} is not supported; export with explicit pads"),
            ));
        }
        if attr(node, "output_shape").is_some() {
            return Err(self.err(
                node,
                "output_shape is not supported; export with pads and output_padding",
            ));
        }
        let spatial = rank - 2;
        let group = attr_i(node, "group", 1).max(1) as usize;
        let list = |name: &str, default: i64, len: usize| -> Result<Vec<i64>> {
            match attr_ints(node, name) {
                Some(v) if v.len() == len => Ok(v),
                Some(v) => Err(self.err(
                    node,
                    format!("{name}={v:?} does not fit {spatial} spatial dims"),
                )),
                None => Ok(vec![default; len]),
            }
        };
        let strides = list("strides", 1, spatial)?;
        let dilations = list("dilations", 1, spatial)?;
        let pads = list("pads", 0, 2 * spatial)?;
        let extra = list("output_padding", 0, spatial)?;
        let (c_in, c_out_g) = (w.shape[0], w.shape[1]);
        let kernel: Vec<usize> = w.shape[2..].to_vec();
        if x.1.shape[1] != c_in || c_in % group != 0 {
            return Err(self.err(
                node,
                format!(
                    "X has {} channels, W {:?} with group {group}",
                    x.1.shape[1], w.shape
                ),
            ));
        }
        let out = node.output[0].clone();
        let tmp = |k: &str| format!("{out}/{k}");
        for a in 0..spatial {
            let axis = 2 + a;
            let (n, s) = (x.1.shape[axis], strides[a]);
            if s > 1 && n > 1 {
                // [.., n, ..] -> [.., n, s, ..] with zeros after each element -> [.., n * s, ..],
                // then the trailing zeros dropped: (n - 1) * s + 1.
                let u = self.emit(
                    node,
                    Op::Unsqueeze {
                        axes: vec![axis as i64 + 1],
                    },
                    vec![x],
                    &tmp(&format!("axis{a} unsqueezed")),
                )?;
                let mut pad = vec![0usize; 2 * (rank + 1)];
                pad[rank + 1 + axis + 1] = s as usize - 1;
                let z = self.emit(
                    node,
                    Op::Pad {
                        pads: pad,
                        value: 0,
                    },
                    vec![u],
                    &tmp(&format!("axis{a} zeros")),
                )?;
                let mut shape: Vec<i64> = x_shape_with(&z.1.shape, axis);
                shape[axis] = (n as i64) * s;
                let r = self.emit(
                    node,
                    Op::Reshape { shape },
                    vec![z],
                    &tmp(&format!("axis{a} interleaved")),
                )?;
                x = self.emit(
                    node,
                    Op::Slice {
                        starts: vec![0],
                        ends: vec![(n as i64 - 1) * s + 1],
                        axes: vec![axis as i64],
                        steps: vec![1],
                    },
                    vec![r],
                    &tmp(&format!("axis{a} upsampled")),
                )?;
            }
            let reach = dilations[a] * (kernel[a] as i64 - 1);
            let (begin, end) = (reach - pads[a], reach - pads[a + spatial] + extra[a]);
            if begin < 0 || end < 0 {
                let len = x.1.shape[axis] as i64;
                let op = Op::Slice {
                    starts: vec![(-begin).max(0)],
                    ends: vec![len - (-end).max(0)],
                    axes: vec![axis as i64],
                    steps: vec![1],
                };
                x = self.emit(node, op, vec![x], &tmp(&format!("axis{a} cropped")))?;
            }
            if begin > 0 || end > 0 {
                let mut pad = vec![0usize; 2 * rank];
                pad[axis] = begin.max(0) as usize;
                pad[rank + axis] = end.max(0) as usize;
                x = self.emit(
                    node,
                    Op::Pad {
                        pads: pad,
                        value: 0,
                    },
                    vec![x],
                    &tmp(&format!("axis{a} padded")),
                )?;
            }
        }
        // W [c_in, c_out / g, k...] -> W' [c_out, c_in / g, k...], flipped spatially.
        let taps: usize = kernel.iter().product();
        let c_in_g = c_in / group;
        let wf = w.floats();
        let mut data = vec![0.0; wf.len()];
        for gi in 0..group {
            for co in 0..c_out_g {
                for ci in 0..c_in_g {
                    for t in 0..taps {
                        let src = ((gi * c_in_g + ci) * c_out_g + co) * taps + t;
                        let dst = ((gi * c_out_g + co) * c_in_g + ci) * taps + (taps - 1 - t);
                        data[dst] = wf[src];
                    }
                }
            }
        }
        let mut shape = vec![c_out_g * group, c_in_g];
        shape.extend(&kernel);
        let wt = self.weight(
            node,
            &format!("{}/as conv", node.input[1]),
            &Const {
                shape,
                data: ConstData::Float(data),
            },
        )?;
        let mut inputs = vec![x, wt];
        if self.get(node, 2)?.is_some() {
            inputs.push(self.operand(node, 2)?);
        }
        let window = Window {
            kernel,
            strides: vec![1; spatial],
            pads: vec![0; 2 * spatial],
            dilations: dilations.iter().map(|&d| d as usize).collect(),
        };
        self.emit(node, Op::Conv { window, group }, inputs, &out)?;
        Ok(())
    }

    /// RNN / GRU / LSTM unrolled over the sequence. `X W^T + Wb` is one product for all time
    /// steps; each step adds `H R^T + Rb` and applies the gates (ONNX's equations, default
    /// activations).
    fn recurrent(&mut self, node: &pb::NodeProto, cell: Cell) -> Result<()> {
        let hidden = attr_i(node, "hidden_size", 0) as usize;
        let direction = attr_s(node, "direction").unwrap_or_else(|| "forward".into());
        let dirs: Vec<bool> = match direction.as_str() {
            "forward" => vec![false],
            "reverse" => vec![true],
            "bidirectional" => vec![false, true],
            other => return Err(self.err(node, format!("direction={other} is not supported"))),
        };
        if attr(node, "activations").is_some_and(|a| {
            let default: &[&str] = match cell {
                Cell::Rnn => &["Tanh"],
                Cell::Gru { .. } => &["Sigmoid", "Tanh"],
                Cell::Lstm => &["Sigmoid", "Tanh", "Tanh"],
            };
            a.strings
                .iter()
                .enumerate()
                .any(|(i, s)| !s.eq_ignore_ascii_case(default[i % default.len()].as_bytes()))
        }) {
            return Err(self.err(node, "only the default activations are supported"));
        }
        if attr(node, "clip").is_some() {
            return Err(self.err(node, "the clip attribute is not supported"));
        }
        if attr_i(node, "input_forget", 0) != 0 {
            return Err(self.err(node, "input_forget=1 is not supported"));
        }
        if self.get(node, 4)?.is_some() {
            // sequence_lens: fine when every sequence is full length.
            let lens = self.need_const(node, 4)?.ints();
            let x = self.operand(node, 0)?;
            let seq = x.1.shape[if attr_i(node, "layout", 0) == 0 { 0 } else { 1 }] as i64;
            if lens.iter().any(|&l| l != seq) {
                return Err(self.err(
                    node,
                    "sequence_lens shorter than the sequence are not supported",
                ));
            }
        }
        if cell == Cell::Lstm && self.get(node, 7)?.is_some() {
            let p = self.need_const(node, 7)?;
            if p.floats().iter().any(|&v| v != 0.0) {
                return Err(self.err(node, "peephole weights (P) are not supported"));
            }
        }
        let tmp = |k: &str| format!("{}/{k}", node_name(node));
        let mut x = self.operand(node, 0)?;
        if x.1.rank() != 3 {
            return Err(self.err(node, format!("X must be rank 3, got {:?}", x.1.shape)));
        }
        let layout = attr_i(node, "layout", 0);
        if layout != 0 {
            x = self.emit(
                node,
                Op::Transpose {
                    perm: vec![1, 0, 2],
                },
                vec![x],
                &tmp("X seq-major"),
            )?;
        }
        let (seq, batch, input) = (x.1.shape[0], x.1.shape[1], x.1.shape[2]);
        let g = cell.gates();
        let w = self.need_const(node, 1)?;
        let r = self.need_const(node, 2)?;
        let b = match self.get(node, 3)? {
            Some(_) => Some(self.need_const(node, 3)?),
            None => None,
        };
        if w.shape != [dirs.len(), g * hidden, input] || r.shape != [dirs.len(), g * hidden, hidden]
        {
            return Err(self.err(
                node,
                format!(
                    "W {:?} / R {:?} do not fit {} direction(s), {g} gates, hidden {hidden}, input {input}",
                    w.shape,
                    r.shape,
                    dirs.len()
                ),
            ));
        }
        let initial = |p: &mut Self, i: usize| -> Result<Option<(Operand, Tensor)>> {
            match p.get(node, i)? {
                None => Ok(None),
                Some(_) => {
                    let mut v = p.operand(node, i)?;
                    if layout != 0 {
                        v = p.emit(
                            node,
                            Op::Transpose {
                                perm: vec![1, 0, 2],
                            },
                            vec![v],
                            &format!("{}/initial{i}", node_name(node)),
                        )?;
                    }
                    Ok(Some(v))
                }
            }
        };
        let h0 = initial(self, 5)?;
        let c0 = if cell == Cell::Lstm {
            initial(self, 6)?
        } else {
            None
        };
        let flat = self.emit(
            node,
            Op::Reshape {
                shape: vec![(seq * batch) as i64, input as i64],
            },
            vec![x],
            &tmp("X rows"),
        )?;
        let mut ys: Vec<Vec<(Operand, Tensor)>> = vec![];
        let (mut hs, mut cs) = (vec![], vec![]);
        for (d, &reverse) in dirs.iter().enumerate() {
            let dn = |k: &str| tmp(&format!("dir{d}/{k}"));
            let wd = self.weight(node, &dn("W"), &const_row(&w, d))?;
            let rd = const_row(&r, d);
            let bd = b.as_ref().map(|b| const_row(b, d));
            let wb = bd.as_ref().map(|b| const_rows(b, 0, g * hidden));
            let rb = bd
                .as_ref()
                .map(|b| const_rows(b, g * hidden, 2 * g * hidden));
            // All time steps' input products at once: [seq * batch, g * hidden].
            let mut xw = self.emit(node, Op::MatMulNt, vec![flat.clone(), wd], &dn("XW"))?;
            if let Some(wb) = &wb {
                let bw = self.weight(node, &dn("Wb"), wb)?;
                xw = self.emit(node, Op::Binary(Binary::Add), vec![xw, bw], &dn("XW + Wb"))?;
            }
            // The recurrent product, per gate group that needs it separately.
            let (r_all, r_h) = match cell {
                Cell::Gru {
                    linear_before_reset: false,
                } => (
                    self.weight(node, &dn("R zr"), &const_rows(&rd, 0, 2 * hidden))?,
                    Some(self.weight(
                        node,
                        &dn("R h"),
                        &const_rows(&rd, 2 * hidden, 3 * hidden),
                    )?),
                ),
                _ => (self.weight(node, &dn("R"), &rd)?, None),
            };
            let rb_all = match (&rb, cell) {
                (
                    Some(rb),
                    Cell::Gru {
                        linear_before_reset: false,
                    },
                ) => Some(self.weight(node, &dn("Rb zr"), &const_rows(rb, 0, 2 * hidden))?),
                (Some(rb), _) => Some(self.weight(node, &dn("Rb"), rb)?),
                (None, _) => None,
            };
            let rb_h = match (&rb, cell) {
                (
                    Some(rb),
                    Cell::Gru {
                        linear_before_reset: false,
                    },
                ) => {
                    Some(self.weight(node, &dn("Rb h"), &const_rows(rb, 2 * hidden, 3 * hidden))?)
                }
                _ => None,
            };
            let state = |p: &mut Self,
                         init: &Option<(Operand, Tensor)>,
                         what: &str|
             -> Result<(Operand, Tensor)> {
                match init {
                    Some(v) => {
                        let op = Op::Slice {
                            starts: vec![d as i64],
                            ends: vec![d as i64 + 1],
                            axes: vec![0],
                            steps: vec![1],
                        };
                        let s =
                            p.emit(node, op, vec![v.clone()], &dn(&format!("{what}0 slice")))?;
                        p.emit(
                            node,
                            Op::Reshape {
                                shape: vec![batch as i64, hidden as i64],
                            },
                            vec![s],
                            &dn(&format!("{what}0")),
                        )
                    }
                    None => {
                        let zeros = Const {
                            shape: vec![batch, hidden],
                            data: ConstData::Float(vec![0.0; batch * hidden]),
                        };
                        p.weight(node, &dn(&format!("{what}0 zeros")), &zeros)
                    }
                }
            };
            let mut h = state(self, &h0, "h")?;
            let mut c = if cell == Cell::Lstm {
                Some(state(self, &c0, "c")?)
            } else {
                None
            };
            let mut outs = vec![None; seq];
            let order: Vec<usize> = if reverse {
                (0..seq).rev().collect()
            } else {
                (0..seq).collect()
            };
            for &t in &order {
                let tn = |k: &str| dn(&format!("t{t}/{k}"));
                let cols = |p: &mut Self, v: &(Operand, Tensor), gate: usize, name: &str| {
                    let op = Op::Slice {
                        starts: vec![(gate * hidden) as i64],
                        ends: vec![((gate + 1) * hidden) as i64],
                        axes: vec![1],
                        steps: vec![1],
                    };
                    p.emit(node, op, vec![v.clone()], name)
                };
                let rows = Op::Slice {
                    starts: vec![(t * batch) as i64],
                    ends: vec![((t + 1) * batch) as i64],
                    axes: vec![0],
                    steps: vec![1],
                };
                let xt = self.emit(node, rows, vec![xw.clone()], &tn("XW"))?;
                let mut hr = self.emit(
                    node,
                    Op::MatMulNt,
                    vec![h.clone(), r_all.clone()],
                    &tn("HR"),
                )?;
                if let Some(rb) = &rb_all {
                    hr = self.emit(
                        node,
                        Op::Binary(Binary::Add),
                        vec![hr, rb.clone()],
                        &tn("HR + Rb"),
                    )?;
                }
                let add = |p: &mut Self, a, b, name: &str| {
                    p.emit(node, Op::Binary(Binary::Add), vec![a, b], name)
                };
                let mul = |p: &mut Self, a, b, name: &str| {
                    p.emit(node, Op::Binary(Binary::Mul), vec![a, b], name)
                };
                let act = |p: &mut Self, u: Unary, a, name: &str| {
                    p.emit(node, Op::Unary(u), vec![a], name)
                };
                let (new_h, new_c) = match cell {
                    Cell::Rnn => {
                        let s = add(self, xt, hr, &tn("pre"))?;
                        (act(self, Unary::Tanh, s, &tn("H"))?, None)
                    }
                    Cell::Gru {
                        linear_before_reset,
                    } => {
                        let gate =
                            |p: &mut Self, k: usize, name: &str| -> Result<(Operand, Tensor)> {
                                let a = cols(p, &xt, k, &tn(&format!("{name} x")))?;
                                let b = cols(p, &hr, k, &tn(&format!("{name} h")))?;
                                let s = add(p, a, b, &tn(&format!("{name} pre")))?;
                                act(p, Unary::Sigmoid, s, &tn(name))
                            };
                        let z = gate(self, 0, "z")?;
                        let rg = gate(self, 1, "r")?;
                        let xh = cols(self, &xt, 2, &tn("h x"))?;
                        let inner = if linear_before_reset {
                            let hh = cols(self, &hr, 2, &tn("h h"))?;
                            mul(self, rg, hh, &tn("r * (H Rh + Rbh)"))?
                        } else {
                            let rh = mul(self, rg, h.clone(), &tn("r * H"))?;
                            let p = self.emit(
                                node,
                                Op::MatMulNt,
                                vec![rh, r_h.clone().expect("split R")],
                                &tn("(r * H) Rh"),
                            )?;
                            match &rb_h {
                                Some(b) => add(self, p, b.clone(), &tn("(r * H) Rh + Rbh"))?,
                                None => p,
                            }
                        };
                        let s = add(self, xh, inner, &tn("h pre"))?;
                        let cand = act(self, Unary::Tanh, s, &tn("h~"))?;
                        // H = (1 - z) * h~ + z * H = h~ + z * (H - h~).
                        let diff = self.emit(
                            node,
                            Op::Binary(Binary::Sub),
                            vec![h.clone(), cand.clone()],
                            &tn("H - h~"),
                        )?;
                        let zd = mul(self, z, diff, &tn("z * (H - h~)"))?;
                        (add(self, cand, zd, &tn("H"))?, None)
                    }
                    Cell::Lstm => {
                        let pre = add(self, xt, hr, &tn("pre"))?;
                        let gate = |p: &mut Self,
                                    k: usize,
                                    u: Unary,
                                    name: &str|
                         -> Result<(Operand, Tensor)> {
                            let s = cols(p, &pre, k, &tn(&format!("{name} pre")))?;
                            act(p, u, s, &tn(name))
                        };
                        let i = gate(self, 0, Unary::Sigmoid, "i")?;
                        let o = gate(self, 1, Unary::Sigmoid, "o")?;
                        let f = gate(self, 2, Unary::Sigmoid, "f")?;
                        let cc = gate(self, 3, Unary::Tanh, "c~")?;
                        let fc = mul(self, f, c.clone().expect("LSTM state"), &tn("f * C"))?;
                        let ic = mul(self, i, cc, &tn("i * c~"))?;
                        let new_c = add(self, fc, ic, &tn("C"))?;
                        let tc = act(self, Unary::Tanh, new_c.clone(), &tn("tanh C"))?;
                        (mul(self, o, tc, &tn("H"))?, Some(new_c))
                    }
                };
                h = new_h;
                c = new_c;
                outs[t] = Some(h.clone());
            }
            ys.push(outs.into_iter().map(|o| o.expect("every step")).collect());
            hs.push(h);
            cs.extend(c);
        }
        // Y: [seq, dirs, batch, hidden]; Y_h / Y_c: [dirs, batch, hidden] (layout 0).
        let stack = |p: &mut Self,
                     parts: Vec<(Operand, Tensor)>,
                     axis: i64,
                     shape: Vec<i64>,
                     name: &str|
         -> Result<(Operand, Tensor)> {
            let shaped = parts
                .into_iter()
                .enumerate()
                .map(|(k, v)| {
                    p.emit(
                        node,
                        Op::Reshape {
                            shape: shape.clone(),
                        },
                        vec![v],
                        &format!("{name}/part{k}"),
                    )
                })
                .collect::<Result<Vec<_>>>()?;
            p.emit(node, Op::Concat { axis }, shaped, name)
        };
        let (b, hd, nd) = (batch as i64, hidden as i64, dirs.len() as i64);
        let wanted = |i: usize| node.output.get(i).filter(|n| !n.is_empty()).cloned();
        if let Some(name) = wanted(0) {
            let per_step: Vec<(Operand, Tensor)> = (0..seq)
                .map(|t| {
                    let parts: Vec<_> = ys.iter().map(|y| y[t].clone()).collect();
                    stack(self, parts, 0, vec![1, b, hd], &tmp(&format!("Y t{t}")))
                })
                .collect::<Result<_>>()?;
            let y_name = if layout == 0 {
                name.clone()
            } else {
                tmp("Y seq-major")
            };
            let y = stack(self, per_step, 0, vec![1, nd, b, hd], &y_name)?;
            if layout != 0 {
                self.emit(
                    node,
                    Op::Transpose {
                        perm: vec![2, 0, 1, 3],
                    },
                    vec![y],
                    &name,
                )?;
            }
        }
        for (i, states) in [(1, hs), (2, cs)] {
            if let Some(name) = wanted(i) {
                let s_name = if layout == 0 {
                    name.clone()
                } else {
                    tmp(&format!("state{i}"))
                };
                let s = stack(self, states, 0, vec![1, b, hd], &s_name)?;
                if layout != 0 {
                    self.emit(
                        node,
                        Op::Transpose {
                            perm: vec![1, 0, 2],
                        },
                        vec![s],
                        &name,
                    )?;
                }
            }
        }
        Ok(())
    }
}

//! `Resize` (opset 10+) and `Upsample` (opset 7-9) with constant scales or sizes, axis by axis:
//! `nearest` is a Gather of the source indices (exact), `linear` two Gathers weighted by
//! constants and added (separable, so bilinear is linear on one axis, then the other). The
//! source coordinates follow ONNX's `coordinate_transformation_mode` and `nearest_mode`.

use super::*;

/// The ops this family plans.
pub const RESIZE_OPS: &[&str] = &["Resize", "Upsample"];

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Nearest,
    Linear,
}

impl Planner<'_> {
    /// A resize-family node, or Ok(false).
    pub(super) fn resize_node(&mut self, node: &pb::NodeProto) -> Result<bool> {
        if !RESIZE_OPS.contains(&node.op_type.as_str()) {
            return Ok(false);
        }
        let x = self.operand(node, 0)?;
        let rank = x.1.rank();
        let upsample = node.op_type == "Upsample";
        let opset = self.graph.opset;
        let mode = match attr_s(node, "mode").as_deref().unwrap_or("nearest") {
            "nearest" => Mode::Nearest,
            "linear" | "bilinear" => Mode::Linear,
            other => {
                return Err(self.err(
                    node,
                    format!("mode={other} is not supported (nearest, linear)"),
                ))
            }
        };
        // Opset 10 Resize and Upsample: asymmetric coordinates, floor for nearest.
        let legacy = upsample || opset < 11;
        let transform = if legacy {
            "asymmetric".to_string()
        } else {
            attr_s(node, "coordinate_transformation_mode").unwrap_or_else(|| "half_pixel".into())
        };
        let nearest_mode = if legacy {
            "floor".to_string()
        } else {
            attr_s(node, "nearest_mode").unwrap_or_else(|| "round_prefer_floor".into())
        };
        if attr_i(node, "exclude_outside", 0) != 0
            || attr(node, "antialias").is_some_and(|a| a.i != 0)
        {
            return Err(self.err(node, "exclude_outside and antialias are not supported"));
        }
        if attr(node, "axes").is_some() {
            return Err(self.err(node, "the axes attribute is not supported"));
        }
        let consts = |p: &Self, i: usize| -> Result<Option<Vec<f64>>> {
            match p.get(node, i)? {
                None => Ok(None),
                Some(Val::Const(c)) if c.shape.iter().product::<usize>() == 0 => Ok(None),
                Some(Val::Const(c)) => Ok(Some(c.floats())),
                Some(Val::Runtime(..)) => Err(p.err(node, format!("input {i} must be a constant"))),
            }
        };
        let (scales, sizes) = if upsample {
            let s = match attr(node, "scales") {
                Some(a) => a.floats.iter().map(|&f| f as f64).collect(),
                None => consts(self, 1)?.ok_or_else(|| self.err(node, "scales are required"))?,
            };
            (Some(s), None)
        } else if opset < 11 {
            (consts(self, 1)?, None)
        } else {
            (consts(self, 2)?, consts(self, 3)?)
        };
        let out_shape: Vec<usize> = match (&sizes, &scales) {
            (Some(s), _) => s.iter().map(|&d| d as usize).collect(),
            (None, Some(s)) => {
                x.1.shape
                    .iter()
                    .zip(s)
                    .map(|(&d, &k)| (d as f64 * k).floor() as usize)
                    .collect()
            }
            (None, None) => return Err(self.err(node, "needs constant scales or sizes")),
        };
        if out_shape.len() != rank || scales.as_ref().is_some_and(|s| s.len() != rank) {
            return Err(self.err(node, format!("scales/sizes do not fit rank {rank}")));
        }
        let out = node.output[0].clone();
        let axes: Vec<usize> = (0..rank)
            .filter(|&a| out_shape[a] != x.1.shape[a])
            .collect();
        if axes.is_empty() {
            return self.alias(node).map(|_| true);
        }
        let mut y = x;
        for (k, &a) in axes.iter().enumerate() {
            let (i, o) = (y.1.shape[a], out_shape[a]);
            let scale = match (&sizes, &scales) {
                (None, Some(s)) => s[a],
                _ => o as f64 / i as f64,
            };
            let source = |xr: f64| -> f64 {
                match transform.as_str() {
                    "align_corners" if o > 1 => xr * (i as f64 - 1.0) / (o as f64 - 1.0),
                    "align_corners" => 0.0,
                    "asymmetric" => xr / scale,
                    "pytorch_half_pixel" if o <= 1 => 0.0,
                    "tf_half_pixel_for_nn" => (xr + 0.5) / scale,
                    _ => (xr + 0.5) / scale - 0.5,
                }
            };
            if ![
                "half_pixel",
                "pytorch_half_pixel",
                "align_corners",
                "asymmetric",
                "tf_half_pixel_for_nn",
            ]
            .contains(&transform.as_str())
            {
                return Err(self.err(
                    node,
                    format!("coordinate_transformation_mode={transform} is not supported"),
                ));
            }
            let last = k + 1 == axes.len();
            let name = |what: &str| {
                if last {
                    out.clone()
                } else {
                    format!("{out}/axis{a} {what}")
                }
            };
            let clamp = |v: i64| v.clamp(0, i as i64 - 1);
            let gather = |p: &mut Self, src: (Operand, Tensor), idx: Vec<i64>, n: &str| {
                let op = Op::Gather {
                    axis: a as i64,
                    indices_shape: vec![idx.len()],
                    indices: idx,
                };
                p.emit(node, op, vec![src], n)
            };
            match mode {
                Mode::Nearest => {
                    let idx: Vec<i64> = (0..o)
                        .map(|xr| {
                            let s = source(xr as f64);
                            let r = match nearest_mode.as_str() {
                                "floor" => s.floor(),
                                "ceil" => s.ceil(),
                                "round_prefer_ceil" => (s + 0.5).floor(),
                                // round_prefer_floor: halves go down.
                                _ => (s - 0.5).ceil(),
                            };
                            clamp(r as i64)
                        })
                        .collect();
                    y = gather(self, y, idx, &name("nearest"))?;
                }
                Mode::Linear => {
                    let (mut lo, mut hi, mut w) = (vec![], vec![], vec![]);
                    for xr in 0..o {
                        let s = source(xr as f64).clamp(0.0, i as f64 - 1.0);
                        let f = s.floor();
                        lo.push(clamp(f as i64));
                        hi.push(clamp(f as i64 + 1));
                        w.push(s - f);
                    }
                    // Weights shaped to broadcast along axis `a`.
                    let mut wshape = vec![1; rank - a];
                    wshape[0] = o;
                    let weight = |p: &mut Self, v: Vec<f64>, tag: &str| {
                        let c = Const {
                            shape: wshape.clone(),
                            data: ConstData::Float(v),
                        };
                        p.weight(node, &format!("{out}/axis{a} {tag}"), &c)
                    };
                    let w1 = weight(self, w.clone(), "w1")?;
                    let w0 = weight(self, w.iter().map(|v| 1.0 - v).collect(), "w0")?;
                    let tag = |t: &str| format!("{out}/axis{a} {t}");
                    let g0 = gather(self, y.clone(), lo, &tag("lo"))?;
                    let g1 = gather(self, y, hi, &tag("hi"))?;
                    let p0 =
                        self.emit(node, Op::Binary(Binary::Mul), vec![g0, w0], &tag("lo * w0"))?;
                    let p1 =
                        self.emit(node, Op::Binary(Binary::Mul), vec![g1, w1], &tag("hi * w1"))?;
                    y = self.emit(node, Op::Binary(Binary::Add), vec![p0, p1], &name("linear"))?;
                }
            }
        }
        Ok(true)
    }
}

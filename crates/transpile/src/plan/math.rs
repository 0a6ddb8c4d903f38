//! Activations and reductions exporters emit that the library has no single call for, written as
//! its calls: `HardSigmoid`, `HardSwish`, `Softsign`, `Mish`, `ReduceMin`, `ReduceL1`, `ReduceL2`,
//! `ReduceSumSquare`, `ReduceLogSumExp`; comparisons on run-time tensors (integers 0/1), `Not`,
//! `Where` as `b + cond * (a - b)` (exact: the condition is 0 or 1), `CumSum` as running Adds of
//! slices, `ReduceProd` as Muls of slices, and `TopK` as K rounds of ArgMax / ReduceMax with the
//! chosen element masked out.

use super::*;

/// The ops this family plans.
pub const MATH_OPS: &[&str] = &[
    "CumSum",
    "Equal",
    "Greater",
    "GreaterOrEqual",
    "HardSigmoid",
    "HardSwish",
    "Less",
    "LessOrEqual",
    "Mish",
    "Not",
    "ReduceL1",
    "ReduceL2",
    "ReduceLogSumExp",
    "ReduceMin",
    "ReduceProd",
    "ReduceSumSquare",
    "Softsign",
    "TopK",
    "Where",
];

impl Planner<'_> {
    /// Operands `i` and `j` for a comparison, in one representation: two fixed-point values, or
    /// two integers (a constant beside an integer tensor is taken as raw integers).
    fn comparable(
        &mut self,
        node: &pb::NodeProto,
        i: usize,
        j: usize,
    ) -> Result<((Operand, Tensor), (Operand, Tensor))> {
        let is_int = |p: &Self, k: usize| matches!(p.get(node, k), Ok(Some(Val::Runtime(id, _))) if p.index_values.contains(id));
        let (ii, ji) = (is_int(self, i), is_int(self, j));
        let side = |p: &mut Self, k: usize, int: bool| -> Result<(Operand, Tensor)> {
            match p.need(node, k)?.clone() {
                Val::Const(c) if int => {
                    let t = Tensor {
                        shape: c.shape.clone(),
                        data: c.ints(),
                    };
                    Ok(p.raw_weight(&format!("{}/raw", node.input[k]), t))
                }
                _ => p.operand(node, k),
            }
        };
        let x = side(self, i, ji)?;
        let y = side(self, j, ii)?;
        let runtime_int = |p: &Self, k: usize| matches!(p.get(node, k), Ok(Some(Val::Runtime(..))));
        if (ii && runtime_int(self, j) && !ji) || (ji && runtime_int(self, i) && !ii) {
            return Err(self.err(
                node,
                "compares integers with fixed-point values; cast the integers to float first",
            ));
        }
        Ok((x, y))
    }

    /// CumSum along a constant axis: running sums of the slices (inclusive or exclusive, forward
    /// or reverse), concatenated back.
    fn cumsum(&mut self, node: &pb::NodeProto) -> Result<()> {
        let x = self.operand(node, 0)?;
        let rank = x.1.rank() as i64;
        let axis = self
            .need_const(node, 1)?
            .ints()
            .first()
            .copied()
            .unwrap_or(0);
        let a = norm_axis(axis, rank).ok_or_else(|| self.err(node, "axis out of range"))?;
        let (exclusive, reverse) = (
            attr_i(node, "exclusive", 0) != 0,
            attr_i(node, "reverse", 0) != 0,
        );
        let out = node.output[0].clone();
        let tmp = |k: &str| format!("{out}/{k}");
        let n = x.1.shape[a];
        let order: Vec<usize> = if reverse {
            (0..n).rev().collect()
        } else {
            (0..n).collect()
        };
        let mut outs: Vec<Option<(Operand, Tensor)>> = vec![None; n];
        let mut acc: Option<(Operand, Tensor)> = None;
        for &j in &order {
            let op = Op::Slice {
                starts: vec![j as i64],
                ends: vec![j as i64 + 1],
                axes: vec![a as i64],
                steps: vec![1],
            };
            let s = self.emit(node, op, vec![x.clone()], &tmp(&format!("slice{j}")))?;
            let next = match &acc {
                None => s.clone(),
                Some(p) => self.emit(
                    node,
                    Op::Binary(Binary::Add),
                    vec![p.clone(), s.clone()],
                    &tmp(&format!("sum{j}")),
                )?,
            };
            outs[j] = Some(if exclusive {
                match &acc {
                    Some(p) => p.clone(),
                    None => {
                        let zeros = Const {
                            shape: s.1.shape.clone(),
                            data: ConstData::Float(vec![0.0; s.1.len()]),
                        };
                        self.weight(node, &tmp("zeros"), &zeros)?
                    }
                }
            } else {
                next.clone()
            });
            acc = Some(next);
        }
        let parts: Vec<_> = outs.into_iter().map(|o| o.expect("every slice")).collect();
        self.emit(node, Op::Concat { axis: a as i64 }, parts, &out)?;
        Ok(())
    }

    /// TopK with a constant K: K rounds of (ArgMax, ReduceMax) along the axis, the chosen element
    /// replaced by a value below every input before the next round (ties: the lower index first,
    /// as ONNX orders them). `largest = 0` runs on the negated input.
    fn top_k(&mut self, node: &pb::NodeProto) -> Result<()> {
        let x = self.operand(node, 0)?;
        let k = self
            .need_const(node, 1)?
            .ints()
            .first()
            .copied()
            .unwrap_or(0);
        let rank = x.1.rank() as i64;
        let a = norm_axis(attr_i(node, "axis", -1), rank)
            .ok_or_else(|| self.err(node, "axis out of range"))?;
        let n = x.1.shape[a] as i64;
        if !(1..=n).contains(&k) {
            return Err(self.err(node, format!("K = {k} is not in 1..={n}")));
        }
        let largest = attr_i(node, "largest", 1) != 0;
        let name = |i: usize| node.output.get(i).filter(|s| !s.is_empty()).cloned();
        let base = node_name(node);
        let tmp = |t: &str| format!("{base}/{t}");
        let mut cur = if largest {
            x
        } else {
            self.emit(node, Op::Unary(Unary::Neg), vec![x], &tmp("negated"))?
        };
        // Positions along the axis, shaped to broadcast: [n, 1, ..., 1] from the axis on.
        let mut pshape = vec![1usize; rank as usize - a];
        pshape[0] = n as usize;
        let positions = self.raw_weight(
            &tmp("positions"),
            Tensor {
                shape: pshape,
                data: (0..n).collect(),
            },
        );
        // Below every stored value the rounds can see (inputs are within 2^62 in practice;
        // beyond, the subtraction in Where fails loudly as an overflow).
        let floor = self.raw_weight(&tmp("floor"), Tensor::scalar(-(1i64 << 62)));
        let (mut values, mut indices) = (vec![], vec![]);
        for r in 0..k {
            let t = |what: &str| tmp(&format!("round{r} {what}"));
            let idx = self.emit(
                node,
                Op::ArgMax {
                    axis: a as i64,
                    keepdims: true,
                    select_last: false,
                },
                vec![cur.clone()],
                &t("index"),
            )?;
            let val = self.emit(
                node,
                Op::Reduce {
                    kind: ReduceKind::Max,
                    axes: vec![a as i64],
                    keepdims: true,
                },
                vec![cur.clone()],
                &t("value"),
            )?;
            values.push(val);
            indices.push(idx.clone());
            if r + 1 < k {
                let hit = self.emit(
                    node,
                    Op::Binary(Binary::Equal),
                    vec![positions.clone(), idx],
                    &t("chosen"),
                )?;
                let hit = self.emit(
                    node,
                    Op::Unary(Unary::ToFixed),
                    vec![hit],
                    &t("chosen as fixed"),
                )?;
                let d = self.emit(
                    node,
                    Op::Binary(Binary::Sub),
                    vec![floor.clone(), cur.clone()],
                    &t("floor - x"),
                )?;
                let m = self.emit(
                    node,
                    Op::Binary(Binary::Mul),
                    vec![hit, d],
                    &t("masked delta"),
                )?;
                cur = self.emit(node, Op::Binary(Binary::Add), vec![cur, m], &t("masked"))?;
            }
        }
        if let Some(out) = name(0) {
            let v_name = if largest {
                out.clone()
            } else {
                tmp("values negated")
            };
            let v = self.emit(node, Op::Concat { axis: a as i64 }, values, &v_name)?;
            if !largest {
                self.emit(node, Op::Unary(Unary::Neg), vec![v], &out)?;
            }
        }
        if let Some(out) = name(1) {
            self.emit(node, Op::Concat { axis: a as i64 }, indices, &out)?;
        }
        Ok(())
    }

    /// `Where(cond, a, b)` as `b + float(cond) * (a - b)`.
    fn where_(&mut self, node: &pb::NodeProto) -> Result<()> {
        let out = node.output[0].clone();
        let tmp = |k: &str| format!("{out}/{k}");
        let cond = match self.need(node, 0)?.clone() {
            Val::Runtime(id, _) if self.index_values.contains(&id) => {
                let c = self.operand(node, 0)?;
                self.emit(node, Op::Unary(Unary::ToFixed), vec![c], &tmp("condition"))?
            }
            Val::Runtime(..) => return Err(self.err(node, "the condition must be boolean")),
            Val::Const(_) => self.operand(node, 0)?,
        };
        let a = self.operand(node, 1)?;
        let b = self.operand(node, 2)?;
        let d = self.emit(
            node,
            Op::Binary(Binary::Sub),
            vec![a, b.clone()],
            &tmp("a - b"),
        )?;
        let m = self.emit(
            node,
            Op::Binary(Binary::Mul),
            vec![cond, d],
            &tmp("cond * (a - b)"),
        )?;
        self.emit(node, Op::Binary(Binary::Add), vec![b, m], &out)?;
        Ok(())
    }

    /// A math-family node, or Ok(false) when `node` is not one.
    pub(super) fn math_node(&mut self, node: &pb::NodeProto) -> Result<bool> {
        let op = node.op_type.as_str();
        if !MATH_OPS.contains(&op) {
            return Ok(false);
        }
        let out = node.output[0].clone();
        let tmp = |k: &str| format!("{out}/{k}");
        let cmp = match op {
            "Greater" => Some(Binary::Greater),
            "GreaterOrEqual" => Some(Binary::GreaterOrEqual),
            "Less" => Some(Binary::Less),
            "LessOrEqual" => Some(Binary::LessOrEqual),
            "Equal" => Some(Binary::Equal),
            _ => None,
        };
        if let Some(b) = cmp {
            let (x, y) = self.comparable(node, 0, 1)?;
            self.emit(node, Op::Binary(b), vec![x, y], &out)?;
            return Ok(true);
        }
        if op == "Not" {
            let c = self.operand(node, 0)?;
            let zero = self.raw_weight(&format!("{}/0", node_name(node)), Tensor::scalar(0));
            self.emit(node, Op::Binary(Binary::Equal), vec![c, zero], &out)?;
            return Ok(true);
        }
        if op == "Where" {
            return self.where_(node).map(|_| true);
        }
        if op == "CumSum" {
            return self.cumsum(node).map(|_| true);
        }
        if op == "TopK" {
            return self.top_k(node).map(|_| true);
        }
        let x = self.operand(node, 0)?;
        match op {
            "HardSigmoid" | "HardSwish" => {
                // max(0, min(1, alpha x + beta)), times x for HardSwish (alpha 1/6, beta 1/2).
                let (alpha, beta) = if op == "HardSwish" {
                    (1.0 / 6.0, 0.5)
                } else {
                    (attr_f(node, "alpha", 0.2), attr_f(node, "beta", 0.5))
                };
                let a = self.scalar(node, alpha)?;
                let b = self.scalar(node, beta)?;
                let ax = self.emit(
                    node,
                    Op::Binary(Binary::Mul),
                    vec![x.clone(), a],
                    &tmp("alpha x"),
                )?;
                let lin = self.emit(node, Op::Binary(Binary::Add), vec![ax, b], &tmp("+ beta"))?;
                let clip = Op::Clip {
                    lo: 0,
                    hi: self.q.one(),
                };
                if op == "HardSigmoid" {
                    self.emit(node, clip, vec![lin], &out)?;
                } else {
                    let h = self.emit(node, clip, vec![lin], &tmp("hard sigmoid"))?;
                    self.emit(node, Op::Binary(Binary::Mul), vec![x, h], &out)?;
                }
            }
            "Softsign" => {
                // x / (1 + |x|)
                let one = self.scalar(node, 1.0)?;
                let a = self.emit(node, Op::Unary(Unary::Abs), vec![x.clone()], &tmp("|x|"))?;
                let d = self.emit(node, Op::Binary(Binary::Add), vec![a, one], &tmp("1 + |x|"))?;
                self.emit(node, Op::Binary(Binary::Div), vec![x, d], &out)?;
            }
            "Mish" => {
                // x * tanh(softplus(x))
                let sp = self.emit(
                    node,
                    Op::Unary(Unary::Softplus),
                    vec![x.clone()],
                    &tmp("softplus"),
                )?;
                let t = self.emit(node, Op::Unary(Unary::Tanh), vec![sp], &tmp("tanh"))?;
                self.emit(node, Op::Binary(Binary::Mul), vec![x, t], &out)?;
            }
            _ => {
                // Reductions: axes from the attribute (opset < 18) or input 1.
                let axes = if self.graph.opset >= 18 {
                    self.opt_ints(node, 1)?.unwrap_or_default()
                } else {
                    attr_ints(node, "axes").unwrap_or_default()
                };
                if axes.is_empty() && attr_i(node, "noop_with_empty_axes", 0) != 0 {
                    return self.alias(node).map(|_| true);
                }
                let keepdims = attr_i(node, "keepdims", 1) != 0;
                let reduce = |kind| Op::Reduce {
                    kind,
                    axes: axes.clone(),
                    keepdims,
                };
                match op {
                    "ReduceProd" => {
                        let rank = x.1.rank() as i64;
                        let all: Vec<i64> = if axes.is_empty() {
                            (0..rank).collect()
                        } else {
                            axes.clone()
                        };
                        let mut y = x;
                        for &ax in &all {
                            let a = norm_axis(ax, rank)
                                .ok_or_else(|| self.err(node, "axis out of range"))?;
                            let n = y.1.shape[a] as i64;
                            let mut acc: Option<(Operand, Tensor)> = None;
                            for j in 0..n {
                                let op = Op::Slice {
                                    starts: vec![j],
                                    ends: vec![j + 1],
                                    axes: vec![a as i64],
                                    steps: vec![1],
                                };
                                let s = self.emit(
                                    node,
                                    op,
                                    vec![y.clone()],
                                    &tmp(&format!("axis{a} slice{j}")),
                                )?;
                                acc = Some(match acc {
                                    None => s,
                                    Some(p) => self.emit(
                                        node,
                                        Op::Binary(Binary::Mul),
                                        vec![p, s],
                                        &tmp(&format!("axis{a} product{j}")),
                                    )?,
                                });
                            }
                            y =
                                acc.ok_or_else(|| self.err(node, "a product over an empty axis"))?;
                        }
                        let shape: Vec<i64> = if keepdims {
                            y.1.shape.iter().map(|&d| d as i64).collect()
                        } else {
                            (0..rank as usize)
                                .filter(|d| !all.iter().any(|&a| norm_axis(a, rank) == Some(*d)))
                                .map(|d| y.1.shape[d] as i64)
                                .collect()
                        };
                        self.emit(node, Op::Reshape { shape }, vec![y], &out)?;
                    }
                    "ReduceMin" => {
                        // -max(-x)
                        let n = self.emit(node, Op::Unary(Unary::Neg), vec![x], &tmp("-x"))?;
                        let m =
                            self.emit(node, reduce(ReduceKind::Max), vec![n], &tmp("max(-x)"))?;
                        self.emit(node, Op::Unary(Unary::Neg), vec![m], &out)?;
                    }
                    "ReduceL1" => {
                        let a = self.emit(node, Op::Unary(Unary::Abs), vec![x], &tmp("|x|"))?;
                        self.emit(node, reduce(ReduceKind::Sum), vec![a], &out)?;
                    }
                    "ReduceL2" | "ReduceSumSquare" => {
                        let sq = self.emit(
                            node,
                            Op::Binary(Binary::Mul),
                            vec![x.clone(), x],
                            &tmp("x^2"),
                        )?;
                        if op == "ReduceL2" {
                            let s =
                                self.emit(node, reduce(ReduceKind::Sum), vec![sq], &tmp("sum"))?;
                            self.emit(node, Op::Unary(Unary::Sqrt), vec![s], &out)?;
                        } else {
                            self.emit(node, reduce(ReduceKind::Sum), vec![sq], &out)?;
                        }
                    }
                    _ => {
                        // log(sum(exp(x - max))) + max: stable like the softmax.
                        let keep = Op::Reduce {
                            kind: ReduceKind::Max,
                            axes: axes.clone(),
                            keepdims: true,
                        };
                        let m = self.emit(node, keep, vec![x.clone()], &tmp("max"))?;
                        let d = self.emit(
                            node,
                            Op::Binary(Binary::Sub),
                            vec![x, m.clone()],
                            &tmp("x - max"),
                        )?;
                        let e = self.emit(node, Op::Unary(Unary::Exp), vec![d], &tmp("exp"))?;
                        let s = self.emit(node, reduce(ReduceKind::Sum), vec![e], &tmp("sum"))?;
                        let l = self.emit(node, Op::Unary(Unary::Log), vec![s], &tmp("log"))?;
                        let m = if keepdims {
                            m
                        } else {
                            let squeeze = Op::Reduce {
                                kind: ReduceKind::Max,
                                axes,
                                keepdims: false,
                            };
                            self.emit(node, squeeze, vec![m], &tmp("max, reduced"))?
                        };
                        self.emit(node, Op::Binary(Binary::Add), vec![l, m], &out)?;
                    }
                }
            }
        }
        Ok(true)
    }
}

//! The ONNX-ML operators (domain `ai.onnx.ml`) that scikit-learn's exporter (skl2onnx) writes for
//! linear models, preprocessing and label outputs, each as tensor-library calls: `Scaler`,
//! `Binarizer`,
//! `Normalizer`, `LinearRegressor`, `LinearClassifier` (label and scores), and
//! `ArrayFeatureExtractor`. `ZipMap` (probabilities as a list of maps) is refused with the export
//! option that leaves it out.

use super::*;

/// The `ai.onnx.ml` operators the planner takes.
pub const ML_OPS: &[&str] = &[
    "ArrayFeatureExtractor",
    "Binarizer",
    "LinearClassifier",
    "LinearRegressor",
    "Normalizer",
    "Scaler",
    "TreeEnsembleClassifier",
    "TreeEnsembleRegressor",
];

fn attr_floats(node: &pb::NodeProto, name: &str) -> Option<Vec<f64>> {
    attr(node, name).map(|a| a.floats.iter().map(|&f| f as f64).collect())
}

impl Planner<'_> {
    /// An `ai.onnx.ml` node.
    pub(super) fn ml_node(&mut self, node: &pb::NodeProto) -> Result<()> {
        match node.op_type.as_str() {
            "Scaler" => self.scaler(node),
            "Binarizer" => self.binarizer(node),
            "Normalizer" => self.normalizer(node),
            "LinearRegressor" => self.linear_regressor(node),
            "LinearClassifier" => self.linear_classifier(node),
            "ArrayFeatureExtractor" => self.array_feature_extractor(node),
            "TreeEnsembleRegressor" => self.tree_ensemble_regressor(node),
            "TreeEnsembleClassifier" => self.tree_ensemble_classifier(node),
            "ZipMap" => Err(self.err(
                node,
                "ZipMap turns probabilities into a list of maps, which a proof cannot carry; \
                 export without it: skl2onnx `to_onnx(model, X, options={id(model): \
                 {'zipmap': False}})` (in a pipeline, the classifier's id)",
            )),
            _ => Err(self.err(
                node,
                format!(
                    "this ai.onnx.ml operator is not supported (supported: {}; ZipMap refused)",
                    ML_OPS.join(", ")
                ),
            )),
        }
    }

    /// A rank-2 `[batch, features]` operand (what the ONNX-ML linear operators take).
    pub(super) fn features(&mut self, node: &pb::NodeProto) -> Result<((Operand, Tensor), usize)> {
        let x = self.operand(node, 0)?;
        if x.1.rank() != 2 {
            return Err(self.err(
                node,
                format!(
                    "expects a [batch, features] input, got shape {:?}",
                    x.1.shape
                ),
            ));
        }
        let n = x.1.shape[1];
        Ok((x, n))
    }

    /// A float-list attribute as a weight of `shape`, its length checked.
    fn attr_weight(
        &mut self,
        node: &pb::NodeProto,
        name: &str,
        shape: Vec<usize>,
    ) -> Result<(Operand, Tensor)> {
        let values = attr_floats(node, name).unwrap_or_default();
        let len: usize = shape.iter().product();
        if values.len() != len {
            return Err(self.err(
                node,
                format!(
                    "attribute {name} has {} values, expected {len} (shape {shape:?})",
                    values.len()
                ),
            ));
        }
        let c = Const {
            shape,
            data: ConstData::Float(values),
        };
        self.weight(node, &format!("{}/{name}", node_name(node)), &c)
    }

    /// `(x - offset) * scale`, per feature or for all.
    fn scaler(&mut self, node: &pb::NodeProto) -> Result<()> {
        let (x, n) = self.features(node)?;
        let mut parts = vec![];
        for name in ["offset", "scale"] {
            let len = attr_floats(node, name).map_or(0, |v| v.len());
            let shape = if len == 1 { vec![] } else { vec![n] };
            parts.push(self.attr_weight(node, name, shape)?);
        }
        let scale = parts.pop().unwrap();
        let offset = parts.pop().unwrap();
        let out = node.output[0].clone();
        let centred = self.emit(
            node,
            Op::Binary(Binary::Sub),
            vec![x, offset],
            &format!("{out}/centred"),
        )?;
        self.step(node, Op::Binary(Binary::Mul), vec![centred, scale])
    }

    /// 1 where `x > threshold`, else 0 (fixed point).
    fn binarizer(&mut self, node: &pb::NodeProto) -> Result<()> {
        let x = self.operand(node, 0)?;
        let t = self.scalar(node, attr_f(node, "threshold", 0.0))?;
        let out = node.output[0].clone();
        let above = self.emit(
            node,
            Op::Binary(Binary::Greater),
            vec![x, t],
            &format!("{out}/above"),
        )?;
        self.step(node, Op::Unary(Unary::ToFixed), vec![above])
    }

    /// Each row divided by its max (MAX), its sum of magnitudes (L1) or its Euclidean norm (L2).
    fn normalizer(&mut self, node: &pb::NodeProto) -> Result<()> {
        let (x, _) = self.features(node)?;
        let out = node.output[0].clone();
        let tmp = |k: &str| format!("{out}/{k}");
        let row = |kind| Op::Reduce {
            kind,
            axes: vec![1],
            keepdims: true,
        };
        let norm = match attr_s(node, "norm").as_deref().unwrap_or("MAX") {
            "MAX" => self.emit(node, row(ReduceKind::Max), vec![x.clone()], &tmp("max"))?,
            "L1" => {
                let abs = self.emit(node, Op::Unary(Unary::Abs), vec![x.clone()], &tmp("abs"))?;
                let l1 = self.emit(node, row(ReduceKind::Sum), vec![abs], &tmp("l1"))?;
                self.nonzero(node, l1, &tmp("l1 > 0"))?
            }
            "L2" => {
                let sq = self.emit(
                    node,
                    Op::Binary(Binary::Mul),
                    vec![x.clone(), x.clone()],
                    &tmp("square"),
                )?;
                let sum = self.emit(node, row(ReduceKind::Sum), vec![sq], &tmp("sum"))?;
                let l2 = self.emit(node, Op::Unary(Unary::Sqrt), vec![sum], &tmp("l2"))?;
                self.nonzero(node, l2, &tmp("l2 > 0"))?
            }
            other => return Err(self.err(node, format!("norm={other} is not MAX, L1 or L2"))),
        };
        self.step(node, Op::Binary(Binary::Div), vec![x, norm])
    }

    /// A non-negative norm raised to at least one unit in the last place: a zero row stays zero
    /// (as scikit-learn's `normalize` leaves it) instead of dividing by zero.
    fn nonzero(
        &mut self,
        node: &pb::NodeProto,
        norm: (Operand, Tensor),
        name: &str,
    ) -> Result<(Operand, Tensor)> {
        let ulp = self.scalar(node, 1.0 / self.q.one() as f64)?;
        self.emit(node, Op::Binary(Binary::Max), vec![norm, ulp], name)
    }

    /// `x W^T + b` for `targets` outputs.
    fn linear_regressor(&mut self, node: &pb::NodeProto) -> Result<()> {
        if let Some(p) = attr_s(node, "post_transform").filter(|p| p != "NONE") {
            return Err(self.err(node, format!("post_transform={p} is not supported (NONE)")));
        }
        let (x, n) = self.features(node)?;
        let targets = attr_i(node, "targets", 1).max(1) as usize;
        let w = self.attr_weight(node, "coefficients", vec![targets, n])?;
        let out = node.output[0].clone();
        if attr(node, "intercepts").is_none() {
            return self.step(node, Op::MatMulNt, vec![x, w]);
        }
        let y = self.emit(node, Op::MatMulNt, vec![x, w], &format!("{out}/product"))?;
        let b = self.attr_weight(node, "intercepts", vec![targets])?;
        self.step(node, Op::Binary(Binary::Add), vec![y, b])
    }

    /// Scores `x W^T + b` (one row of W per class), post-transformed, and the label: the class of
    /// the highest score (the classes must be the integers 0..n, as scikit-learn numbers them).
    fn linear_classifier(&mut self, node: &pb::NodeProto) -> Result<()> {
        let classes = self.class_count(node)?;
        let (x, n) = self.features(node)?;
        let rows = attr_floats(node, "coefficients").map_or(0, |c| c.len()) / n.max(1);
        if rows != classes {
            return Err(self.err(
                node,
                format!("{rows} rows of coefficients for {classes} classes are not supported"),
            ));
        }
        let post = match attr_s(node, "post_transform").as_deref().unwrap_or("NONE") {
            "NONE" => None,
            "LOGISTIC" => Some(Op::Unary(Unary::Sigmoid)),
            "SOFTMAX" => Some(Op::Softmax {
                axis: -1,
                log: false,
            }),
            other => {
                return Err(self.err(
                    node,
                    format!("post_transform={other} is not supported (NONE, LOGISTIC, SOFTMAX)"),
                ))
            }
        };
        let w = self.attr_weight(node, "coefficients", vec![classes, n])?;
        let tmp = |k: &str| format!("{}/{k}", node.output[0]);
        // The raw scores are the scores output itself when nothing transforms them.
        let scores_name = match node.output.get(1).filter(|n| !n.is_empty()) {
            Some(name) if post.is_none() => name.clone(),
            _ => tmp("scores"),
        };
        let with_intercepts = attr(node, "intercepts").is_some();
        let product = if with_intercepts {
            tmp("product")
        } else {
            scores_name.clone()
        };
        let mut scores = self.emit(node, Op::MatMulNt, vec![x, w], &product)?;
        if with_intercepts {
            let b = self.attr_weight(node, "intercepts", vec![classes])?;
            scores = self.emit(node, Op::Binary(Binary::Add), vec![scores, b], &scores_name)?;
        }
        // Both transforms keep the order of the scores: the label is the raw scores' argmax.
        let argmax = Op::ArgMax {
            axis: 1,
            keepdims: false,
            select_last: false,
        };
        self.emit(node, argmax, vec![scores.clone()], &node.output[0].clone())?;
        match (post, node.output.get(1).filter(|n| !n.is_empty())) {
            (Some(op), Some(name)) => self.emit(node, op, vec![scores], &name.clone()).map(|_| ()),
            _ => Ok(()),
        }
    }

    /// The number of classes, which must be the integers 0..n (as scikit-learn numbers them,
    /// and the label output is the class index).
    pub(super) fn class_count(&self, node: &pb::NodeProto) -> Result<usize> {
        if attr(node, "classlabels_strings").is_some_and(|a| !a.strings.is_empty()) {
            return Err(self.err(
                node,
                "string class labels cannot be proven; train with integer labels 0..n",
            ));
        }
        let labels = attr_ints(node, "classlabels_ints")
            .or_else(|| attr_ints(node, "classlabels_int64s"))
            .unwrap_or_default();
        if labels.iter().enumerate().any(|(i, &l)| l != i as i64) {
            return Err(self.err(
                node,
                format!(
                    "class labels {labels:?} are not 0..{}; relabel them 0..n",
                    labels.len()
                ),
            ));
        }
        Ok(labels.len())
    }

    /// `X[..., indices]`. skl2onnx also uses it to map a class index to its label through the
    /// constant list of classes: with classes 0..n that is the index itself.
    fn array_feature_extractor(&mut self, node: &pb::NodeProto) -> Result<()> {
        match (self.need(node, 0)?.clone(), self.need(node, 1)?.clone()) {
            (Val::Runtime(..), Val::Const(idx)) => {
                let x = self.operand(node, 0)?;
                let axis = x.1.rank() as i64 - 1;
                let op = Op::Gather {
                    axis,
                    indices: idx.ints(),
                    indices_shape: idx.shape.clone(),
                };
                self.step(node, op, vec![x])
            }
            (Val::Const(classes), index @ Val::Runtime(id, _))
                if self.index_values.contains(&id)
                    && classes.is_int()
                    && classes
                        .ints()
                        .iter()
                        .enumerate()
                        .all(|(i, &c)| c == i as i64) =>
            {
                self.vals.insert(node.output[0].clone(), index);
                Ok(())
            }
            (Val::Const(classes), Val::Runtime(..)) => Err(self.err(
                node,
                format!(
                    "looking up run-time indices in {:?} is supported for the classes 0..n only",
                    classes.ints()
                ),
            )),
            _ => Err(self.err(node, "expects run-time data with constant indices")),
        }
    }
}

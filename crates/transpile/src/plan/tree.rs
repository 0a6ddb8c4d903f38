//! ONNX-ML `TreeEnsembleRegressor` and `TreeEnsembleClassifier` as the tensor library's tree walk
//! (`tree::ensemble`, layout in `crates/fixed/src/tree.rs`), followed by the library calls that
//! give the operators' outputs: base values, the post-transform and the label.
//!
//! Every ONNX branch mode becomes `x <= threshold` on the fixed-point input, exactly: for a raw
//! input `X` (the real `X / 2^k`) and a float threshold `t`, `X / 2^k <= t` iff `X <= floor(t 2^k)`,
//! `<` iff `X <= ceil(t 2^k) - 1`, `>` and `>=` are their negations (children swapped), `==` is two
//! such records and a branch whose outcome no stored value can change is folded away. So a tree
//! takes the path its float twin takes on the quantized input. Fixed point has no NaN, so the
//! missing-value tracks never apply.

use std::collections::{HashMap, HashSet};

use fixed::Aggregate;

use super::*;
use crate::codegen::MAX_CONST_LEN;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Leq,
    Lt,
    Gte,
    Gt,
    Eq,
    Neq,
    Leaf,
}

/// One ONNX node of a tree, children by node id.
struct Branch {
    mode: Mode,
    feature: i64,
    value: f64,
    yes: i64,
    no: i64,
}

/// One tree in the library's layout, offsets local to the tree (rebased when trees are joined).
#[derive(Default)]
struct Laid {
    records: Vec<[i64; 4]>,
    leaves: Vec<i64>,
    root: i64,
}

/// The attributes of a tree ensemble, checked and indexed.
struct Ensemble {
    /// Trees in ascending tree id: node id -> branch.
    trees: Vec<(i64, HashMap<i64, Branch>)>,
    /// (tree, node) -> value per target (several entries for one target add up).
    leaf_values: HashMap<(i64, i64), Vec<f64>>,
    targets: usize,
    /// Every leaf has a value for every target (MIN and MAX need it).
    complete: bool,
}

/// An attribute of floats, or its `_as_tensor` (double) form.
fn floats_attr(p: &Planner, node: &pb::NodeProto, name: &str) -> Result<Option<Vec<f64>>> {
    if let Some(a) = attr(node, name) {
        return Ok(Some(a.floats.iter().map(|&f| f as f64).collect()));
    }
    match attr(node, &format!("{name}_as_tensor")).and_then(|a| a.t.as_ref()) {
        Some(t) => Ok(Some(decode_tensor(t, name)?.floats())),
        None => Ok(None),
    }
    .map_err(|e: TranspileError| p.err(node, e.to_string()))
}

fn strings_attr(node: &pb::NodeProto, name: &str) -> Vec<String> {
    attr(node, name).map_or(vec![], |a| {
        a.strings
            .iter()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect()
    })
}

impl Planner<'_> {
    /// Reads and checks the node and leaf attributes (`prefix` is `target` or `class`).
    fn ensemble(
        &self,
        node: &pb::NodeProto,
        prefix: &str,
        targets: usize,
        features: usize,
    ) -> Result<Ensemble> {
        let ints = |name: &str| attr_ints(node, name).unwrap_or_default();
        let tree_ids = ints("nodes_treeids");
        let node_ids = ints("nodes_nodeids");
        let feature_ids = ints("nodes_featureids");
        let modes = strings_attr(node, "nodes_modes");
        let values = floats_attr(self, node, "nodes_values")?.unwrap_or_default();
        let yes = ints("nodes_truenodeids");
        let no = ints("nodes_falsenodeids");
        let n = tree_ids.len();
        if n == 0 {
            return Err(self.err(node, "the ensemble has no nodes"));
        }
        for (name, len) in [
            ("nodes_nodeids", node_ids.len()),
            ("nodes_featureids", feature_ids.len()),
            ("nodes_modes", modes.len()),
            ("nodes_values", values.len()),
            ("nodes_truenodeids", yes.len()),
            ("nodes_falsenodeids", no.len()),
        ] {
            if len != n {
                return Err(self.err(
                    node,
                    format!("{name} has {len} entries, nodes_treeids has {n}"),
                ));
            }
        }
        let mut trees: HashMap<i64, HashMap<i64, Branch>> = HashMap::new();
        for i in 0..n {
            let mode = match modes[i].as_str() {
                "BRANCH_LEQ" => Mode::Leq,
                "BRANCH_LT" => Mode::Lt,
                "BRANCH_GTE" => Mode::Gte,
                "BRANCH_GT" => Mode::Gt,
                "BRANCH_EQ" => Mode::Eq,
                "BRANCH_NEQ" => Mode::Neq,
                "LEAF" => Mode::Leaf,
                other => {
                    return Err(self.err(node, format!("node mode {other} is not an ONNX mode")))
                }
            };
            if mode != Mode::Leaf && !(0..features as i64).contains(&feature_ids[i]) {
                return Err(self.err(
                    node,
                    format!(
                        "tree {} node {} reads feature {} of {features}",
                        tree_ids[i], node_ids[i], feature_ids[i]
                    ),
                ));
            }
            let branch = Branch {
                mode,
                feature: feature_ids[i],
                value: values[i],
                yes: yes[i],
                no: no[i],
            };
            if trees
                .entry(tree_ids[i])
                .or_default()
                .insert(node_ids[i], branch)
                .is_some()
            {
                return Err(self.err(
                    node,
                    format!("tree {} has node {} twice", tree_ids[i], node_ids[i]),
                ));
            }
        }
        let leaf_trees = ints(&format!("{prefix}_treeids"));
        let leaf_nodes = ints(&format!("{prefix}_nodeids"));
        let leaf_targets = ints(&format!("{prefix}_ids"));
        let weights = floats_attr(self, node, &format!("{prefix}_weights"))?.unwrap_or_default();
        let m = leaf_trees.len();
        if [leaf_nodes.len(), leaf_targets.len(), weights.len()] != [m, m, m] {
            return Err(self.err(node, format!("the {prefix}_* attributes differ in length")));
        }
        let mut leaf_values: HashMap<(i64, i64), Vec<f64>> = HashMap::new();
        for i in 0..m {
            let key = (leaf_trees[i], leaf_nodes[i]);
            let is_leaf = trees
                .get(&key.0)
                .and_then(|t| t.get(&key.1))
                .is_some_and(|b| b.mode == Mode::Leaf);
            if !is_leaf {
                return Err(self.err(
                    node,
                    format!("a weight names tree {} node {}, not a leaf", key.0, key.1),
                ));
            }
            let target = leaf_targets[i];
            if !(0..targets as i64).contains(&target) {
                return Err(self.err(
                    node,
                    format!("{prefix}_ids has {target}, outside 0..{targets}"),
                ));
            }
            leaf_values.entry(key).or_insert_with(|| vec![0.0; targets])[target as usize] +=
                weights[i];
        }
        let leaves: usize = trees
            .values()
            .map(|t| t.values().filter(|b| b.mode == Mode::Leaf).count())
            .sum();
        let entries: HashSet<(i64, i64, i64)> = (0..m)
            .map(|i| (leaf_trees[i], leaf_nodes[i], leaf_targets[i]))
            .collect();
        let complete = entries.len() == leaves * targets;
        let mut trees: Vec<_> = trees.into_iter().collect();
        trees.sort_by_key(|(id, _)| *id);
        Ok(Ensemble {
            trees,
            leaf_values,
            targets,
            complete,
        })
    }

    /// Lays one tree out: its records and leaf rows, children as local offsets.
    fn lay_tree(
        &self,
        node: &pb::NodeProto,
        e: &Ensemble,
        tree: i64,
        branches: &HashMap<i64, Branch>,
    ) -> Result<Laid> {
        let children: HashSet<i64> = branches
            .values()
            .filter(|b| b.mode != Mode::Leaf)
            .flat_map(|b| [b.yes, b.no])
            .collect();
        let roots: Vec<i64> = branches
            .keys()
            .copied()
            .filter(|id| !children.contains(id))
            .collect();
        let [root] = roots[..] else {
            return Err(self.err(
                node,
                format!("tree {tree} has {} roots, expected one", roots.len()),
            ));
        };
        let mut laid = Laid::default();
        let mut seen = HashSet::new();
        laid.root = self.lay(node, e, tree, branches, root, &mut laid, &mut seen)?;
        Ok(laid)
    }

    /// The child code of node `id` of `tree`, laying out its subtree.
    #[allow(clippy::too_many_arguments)]
    fn lay(
        &self,
        node: &pb::NodeProto,
        e: &Ensemble,
        tree: i64,
        branches: &HashMap<i64, Branch>,
        id: i64,
        laid: &mut Laid,
        seen: &mut HashSet<i64>,
    ) -> Result<i64> {
        let b = branches.get(&id).ok_or_else(|| {
            self.err(
                node,
                format!("tree {tree} refers to node {id}, which it lacks"),
            )
        })?;
        if !seen.insert(id) {
            return Err(self.err(
                node,
                format!("tree {tree} reaches node {id} twice (not a tree)"),
            ));
        }
        if b.mode == Mode::Leaf {
            let values = e
                .leaf_values
                .get(&(tree, id))
                .cloned()
                .unwrap_or_else(|| vec![0.0; e.targets]);
            let at = laid.leaves.len() as i64;
            for v in values {
                laid.leaves.push(self.quantize(node, v)?);
            }
            return Ok(-1 - at);
        }
        let scaled = b.value * self.q.one() as f64;
        if !scaled.is_finite() {
            return Err(self.err(
                node,
                format!("tree {tree} node {id}: threshold {}", b.value),
            ));
        }
        // The largest raw X with X <= scaled (`floor`) and with X < scaled (`below`), or None
        // when no stored value qualifies; `always` when every stored value does.
        let bound = |r: f64| -> Threshold {
            if r >= fixed::MAX_ABS as f64 {
                Threshold::Always
            } else if r < -(fixed::MAX_ABS as f64) {
                Threshold::Never
            } else {
                Threshold::At(r as i64)
            }
        };
        let floor = bound(scaled.floor());
        let below = bound(scaled.ceil() - 1.0);
        // (threshold, taken-when-true child, taken-when-false child) of one `x <= threshold`.
        let (threshold, when_le, when_gt) = match b.mode {
            Mode::Leq => (floor, b.yes, b.no),
            Mode::Lt => (below, b.yes, b.no),
            Mode::Gt => (floor, b.no, b.yes),
            Mode::Gte => (below, b.no, b.yes),
            Mode::Eq | Mode::Neq => {
                let (eq, ne) = if b.mode == Mode::Eq {
                    (b.yes, b.no)
                } else {
                    (b.no, b.yes)
                };
                return match (scaled.fract() == 0.0, floor) {
                    // X == t: X <= t and not X <= t - 1.
                    (true, Threshold::At(t)) if t > -fixed::MAX_ABS => {
                        let first = self.record(laid, b.feature, t);
                        let second = self.record(laid, b.feature, t - 1);
                        let ne_code = self.lay(node, e, tree, branches, ne, laid, seen)?;
                        let eq_code = self.lay(node, e, tree, branches, eq, laid, seen)?;
                        laid.records[first] = [b.feature, t, 4 * second as i64, ne_code];
                        laid.records[second] = [b.feature, t - 1, ne_code, eq_code];
                        Ok(4 * first as i64)
                    }
                    // No stored value equals t.
                    _ => {
                        self.skip(branches, eq, seen);
                        self.lay(node, e, tree, branches, ne, laid, seen)
                    }
                };
            }
            Mode::Leaf => unreachable!(),
        };
        match threshold {
            Threshold::Always => {
                self.skip(branches, when_gt, seen);
                self.lay(node, e, tree, branches, when_le, laid, seen)
            }
            Threshold::Never => {
                self.skip(branches, when_le, seen);
                self.lay(node, e, tree, branches, when_gt, laid, seen)
            }
            Threshold::At(t) => {
                let at = self.record(laid, b.feature, t);
                let le = self.lay(node, e, tree, branches, when_le, laid, seen)?;
                let gt = self.lay(node, e, tree, branches, when_gt, laid, seen)?;
                laid.records[at] = [b.feature, t, le, gt];
                Ok(4 * at as i64)
            }
        }
    }

    /// Reserves a record (children filled in once laid out).
    fn record(&self, laid: &mut Laid, feature: i64, t: i64) -> usize {
        laid.records.push([feature, t, 0, 0]);
        laid.records.len() - 1
    }

    /// Marks a subtree no input can reach as seen (it is not laid out).
    fn skip(&self, branches: &HashMap<i64, Branch>, id: i64, seen: &mut HashSet<i64>) {
        let mut stack = vec![id];
        while let Some(id) = stack.pop() {
            if let Some(b) = branches.get(&id) {
                if seen.insert(id) && b.mode != Mode::Leaf {
                    stack.extend([b.yes, b.no]);
                }
            }
        }
    }

    /// The `[N, T]` aggregated tree values of `x`: one library call per group of trees whose
    /// tables fit a constant array (so public weights are used in place, never copied), the
    /// groups combined with Add / Min / Max and an AVERAGE divided once at the end.
    fn forest(
        &mut self,
        node: &pb::NodeProto,
        x: (Operand, Tensor),
        e: &Ensemble,
        aggregate: Aggregate,
    ) -> Result<(Operand, Tensor)> {
        if matches!(aggregate, Aggregate::Min | Aggregate::Max) && !e.complete {
            return Err(self.err(
                node,
                "MIN/MAX needs a value for every target at every leaf (onnxruntime skips the \
                 missing ones; a fixed table cannot)",
            ));
        }
        let mut groups: Vec<Vec<Laid>> = vec![vec![]];
        let mut size = (0, 0);
        for (id, branches) in &e.trees {
            let laid = self.lay_tree(node, e, *id, branches)?;
            let (r, l) = (4 * laid.records.len(), laid.leaves.len());
            if !groups.last().unwrap().is_empty()
                && (size.0 + r > MAX_CONST_LEN || size.1 + l > MAX_CONST_LEN)
            {
                groups.push(vec![]);
                size = (0, 0);
            }
            size = (size.0 + r, size.1 + l);
            groups.last_mut().unwrap().push(laid);
        }
        let out = node.output[0].clone();
        let single = groups.len() == 1;
        let kernel_agg = match aggregate {
            Aggregate::Average if !single => Aggregate::Sum,
            a => a,
        };
        let mut acc: Option<(Operand, Tensor)> = None;
        for (g, trees) in groups.into_iter().enumerate() {
            let tag = |k: &str| format!("{out}/trees{g}/{k}");
            let (mut records, mut leaves, mut roots) = (vec![], vec![], vec![]);
            for t in trees {
                let (rb, lb) = (4 * records.len() as i64, leaves.len() as i64);
                let rebase = |c: i64| if c >= 0 { c + rb } else { c - lb };
                roots.push(rebase(t.root));
                records.extend(
                    t.records
                        .iter()
                        .map(|r| [r[0], r[1], rebase(r[2]), rebase(r[3])]),
                );
                leaves.extend(t.leaves);
            }
            let tensor = |shape: Vec<usize>, data: Vec<i64>| Tensor { shape, data };
            let m = records.len();
            let nodes = self.raw_weight(
                &tag("nodes"),
                tensor(vec![m, 4], records.into_iter().flatten().collect()),
            );
            let roots = self.raw_weight(&tag("roots"), tensor(vec![roots.len()], roots));
            let l = leaves.len() / e.targets;
            let leaves = self.raw_weight(&tag("leaves"), tensor(vec![l, e.targets], leaves));
            let name = if single {
                format!("{out}/trees")
            } else {
                tag("sum")
            };
            let part = self.emit(
                node,
                Op::TreeEnsemble {
                    aggregate: kernel_agg,
                },
                vec![x.clone(), nodes, roots, leaves],
                &name,
            )?;
            acc = Some(match acc {
                None => part,
                Some(prev) => {
                    let b = match aggregate {
                        Aggregate::Min => Binary::Min,
                        Aggregate::Max => Binary::Max,
                        _ => Binary::Add,
                    };
                    self.emit(node, Op::Binary(b), vec![prev, part], &tag("combined"))?
                }
            });
        }
        let mut acc = acc.expect("at least one tree");
        if aggregate == Aggregate::Average && !single {
            let n = self.scalar(node, e.trees.len() as f64)?;
            acc = self.emit(
                node,
                Op::Binary(Binary::Div),
                vec![acc, n],
                &format!("{out}/average"),
            )?;
        }
        Ok(acc)
    }

    /// Adds the base values (one per target, or one for a single target), if any.
    fn base_values(
        &mut self,
        node: &pb::NodeProto,
        scores: (Operand, Tensor),
        targets: usize,
        name: &str,
    ) -> Result<(Operand, Tensor)> {
        let base = floats_attr(self, node, "base_values")?.unwrap_or_default();
        if base.is_empty() {
            return Ok(scores);
        }
        if base.len() != targets {
            return Err(self.err(
                node,
                format!(
                    "{} base values for {targets} targets are not supported",
                    base.len()
                ),
            ));
        }
        let c = Const {
            shape: vec![targets],
            data: ConstData::Float(base),
        };
        let b = self.weight(node, &format!("{}/base_values", node_name(node)), &c)?;
        self.emit(node, Op::Binary(Binary::Add), vec![scores, b], name)
    }

    pub(super) fn tree_ensemble_regressor(&mut self, node: &pb::NodeProto) -> Result<()> {
        if let Some(p) = attr_s(node, "post_transform").filter(|p| p != "NONE") {
            return Err(self.err(node, format!("post_transform={p} is not supported (NONE)")));
        }
        let aggregate = self.aggregate(node)?;
        let (x, features) = self.features(node)?;
        let targets = attr_i(node, "n_targets", 1).max(1) as usize;
        let e = self.ensemble(node, "target", targets, features)?;
        let out = node.output[0].clone();
        let has_base =
            attr(node, "base_values").is_some() || attr(node, "base_values_as_tensor").is_some();
        let forest = self.forest(node, x, &e, aggregate)?;
        if has_base {
            self.base_values(node, forest, targets, &out)?;
        } else {
            self.rename(forest, &out);
        }
        Ok(())
    }

    fn aggregate(&self, node: &pb::NodeProto) -> Result<Aggregate> {
        Ok(
            match attr_s(node, "aggregate_function")
                .as_deref()
                .unwrap_or("SUM")
            {
                "SUM" => Aggregate::Sum,
                "AVERAGE" => Aggregate::Average,
                "MIN" => Aggregate::Min,
                "MAX" => Aggregate::Max,
                other => {
                    return Err(self.err(
                        node,
                        format!("aggregate_function={other} is not SUM, AVERAGE, MIN or MAX"),
                    ))
                }
            },
        )
    }

    /// Gives the last emitted value the ONNX output name.
    fn rename(&mut self, v: (Operand, Tensor), name: &str) {
        if let Operand::Value(id) = v.0 {
            self.plan.values[id].name = name.to_string();
        }
        self.alias_value(&v, name);
    }

    /// The label (class index, as onnxruntime picks it) and the scores, post-transformed.
    pub(super) fn tree_ensemble_classifier(&mut self, node: &pb::NodeProto) -> Result<()> {
        let classes = self.class_count(node)?;
        let (x, features) = self.features(node)?;
        let class_ids: HashSet<i64> = attr_ints(node, "class_ids")
            .unwrap_or_default()
            .into_iter()
            .collect();
        let weights = floats_attr(self, node, "class_weights")?.unwrap_or_default();
        let post = attr_s(node, "post_transform").unwrap_or_else(|| "NONE".into());
        let label_name = node.output[0].clone();
        let scores_name = node.output.get(1).filter(|n| !n.is_empty()).cloned();
        let tmp = |k: &str| format!("{label_name}/{k}");
        let argmax = Op::ArgMax {
            axis: 1,
            keepdims: false,
            select_last: false,
        };
        if classes == 2 && class_ids.len() == 1 {
            // One column: the score s of the second class (onnxruntime's binary case).
            if !class_ids.contains(&0) {
                return Err(self.err(node, "a binary ensemble must vote with class id 0"));
            }
            let e = self.ensemble(node, "class", 1, features)?;
            let forest = self.forest(node, x, &e, Aggregate::Sum)?;
            let s = self.base_values(node, forest, 1, &tmp("score"))?;
            let all_positive = weights.iter().all(|&w| w >= 0.0);
            let (scores, label) = match (all_positive, post.as_str()) {
                // Probabilities [1 - s, s] (as onnxruntime writes them for either transform);
                // the label is 1 when s > 0.5, i.e. the larger of the two.
                (true, "NONE" | "LOGISTIC") => {
                    let one = self.scalar(node, 1.0)?;
                    let rest = self.emit(node, Op::Binary(Binary::Sub), vec![one, s.clone()], &tmp("1 - s"))?;
                    let pair = self.emit(node, Op::Concat { axis: 1 }, vec![rest, s], &tmp("pair"))?;
                    (pair.clone(), pair)
                }
                // Signed margins: the label is 1 when s > 0, the larger of -s and s.
                (false, "LOGISTIC" | "NONE") => {
                    let neg = self.emit(node, Op::Unary(Unary::Neg), vec![s.clone()], &tmp("-s"))?;
                    let pair = self.emit(node, Op::Concat { axis: 1 }, vec![neg, s.clone()], &tmp("pair"))?;
                    let scores = if post == "LOGISTIC" {
                        self.emit(node, Op::Unary(Unary::Sigmoid), vec![pair.clone()], &tmp("probabilities"))?
                    } else {
                        // onnxruntime writes [-|s|, |s|] here.
                        let a = self.emit(node, Op::Unary(Unary::Abs), vec![s], &tmp("|s|"))?;
                        let na = self.emit(node, Op::Unary(Unary::Neg), vec![a.clone()], &tmp("-|s|"))?;
                        self.emit(node, Op::Concat { axis: 1 }, vec![na, a], &tmp("margins"))?
                    };
                    (scores, pair)
                }
                (_, other) => {
                    return Err(self.err(
                        node,
                        format!("post_transform={other} is not supported for a binary ensemble (NONE, LOGISTIC)"),
                    ))
                }
            };
            self.emit(node, argmax, vec![label], &label_name)?;
            if let Some(name) = scores_name {
                self.rename(scores, &name);
            }
            return Ok(());
        }
        if classes == 2 {
            return Err(self.err(
                node,
                "two classes voted with a column each are not supported; export the binary model with one score column",
            ));
        }
        if let Some(c) = (0..classes as i64).find(|c| !class_ids.contains(c)) {
            if attr(node, "base_values").is_none() && attr(node, "base_values_as_tensor").is_none()
            {
                return Err(self.err(node, format!("class {c} gets no vote and no base value")));
            }
        }
        let softmax_zero = post == "SOFTMAX_ZERO";
        let transform = match post.as_str() {
            "NONE" | "SOFTMAX_ZERO" => None,
            "LOGISTIC" => Some(Op::Unary(Unary::Sigmoid)),
            "SOFTMAX" => Some(Op::Softmax {
                axis: -1,
                log: false,
            }),
            other => {
                return Err(self.err(
                    node,
                    format!(
                        "post_transform={other} is not supported (NONE, LOGISTIC, SOFTMAX, \
                         SOFTMAX_ZERO)"
                    ),
                ))
            }
        };
        let e = self.ensemble(node, "class", classes, features)?;
        let forest = self.forest(node, x, &e, Aggregate::Sum)?;
        let raw_name = match (&scores_name, &transform) {
            (Some(n), None) if !softmax_zero => n.clone(),
            _ => tmp("scores"),
        };
        let has_base =
            attr(node, "base_values").is_some() || attr(node, "base_values_as_tensor").is_some();
        let scores = if has_base {
            self.base_values(node, forest, classes, &raw_name)?
        } else {
            self.rename(forest.clone(), &raw_name);
            forest
        };
        // Both transforms keep the order: the label is the raw scores' argmax.
        self.emit(node, argmax, vec![scores.clone()], &label_name)?;
        if let (Some(op), Some(name)) = (transform, &scores_name) {
            self.emit(node, op, vec![scores.clone()], name)?;
        }
        if let (true, Some(name)) = (softmax_zero, &scores_name) {
            self.softmax_zero(node, scores, name)?;
        }
        Ok(())
    }

    /// onnxruntime's SOFTMAX_ZERO: a softmax over the non-zero scores of each row; zero scores
    /// stay 0. `exp(s - max) * [s != 0]`, divided by its row sum.
    fn softmax_zero(
        &mut self,
        node: &pb::NodeProto,
        s: (Operand, Tensor),
        name: &str,
    ) -> Result<()> {
        let tmp = |k: &str| format!("{name}/{k}");
        let row = |kind| Op::Reduce {
            kind,
            axes: vec![-1],
            keepdims: true,
        };
        let zero = self.raw_weight(&tmp("0"), Tensor::scalar(0));
        let is_zero = self.emit(
            node,
            Op::Binary(Binary::Equal),
            vec![s.clone(), zero.clone()],
            &tmp("== 0"),
        )?;
        let nonzero = self.emit(
            node,
            Op::Binary(Binary::Equal),
            vec![is_zero, zero],
            &tmp("!= 0"),
        )?;
        let mask = self.emit(node, Op::Unary(Unary::ToFixed), vec![nonzero], &tmp("mask"))?;
        let mx = self.emit(node, row(ReduceKind::Max), vec![s.clone()], &tmp("max"))?;
        let d = self.emit(node, Op::Binary(Binary::Sub), vec![s, mx], &tmp("s - max"))?;
        let e = self.emit(node, Op::Unary(Unary::Exp), vec![d], &tmp("exp"))?;
        let em = self.emit(
            node,
            Op::Binary(Binary::Mul),
            vec![e, mask],
            &tmp("exp, masked"),
        )?;
        let sum = self.emit(node, row(ReduceKind::Sum), vec![em.clone()], &tmp("sum"))?;
        self.emit(node, Op::Binary(Binary::Div), vec![em, sum], name)?;
        Ok(())
    }
}

enum Threshold {
    At(i64),
    Always,
    Never,
}

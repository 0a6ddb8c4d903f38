//! `Einsum` as the library's MatMul: operands transposed and reshaped to `[batch, free, contracted]`
//! and `[batch, contracted, free]`, multiplied, and the result laid out in the output's order.
//! Labels only one operand has and the output lacks are summed out first; one-operand equations
//! are a transpose and sums. Repeated labels within one operand (diagonals) are refused.

use super::*;

/// The ops this family plans.
pub const LINALG_OPS: &[&str] = &["Einsum"];

/// An Einsum equation: each input's labels and the output's.
fn parse(
    eq: &str,
    inputs: &[&[usize]],
) -> std::result::Result<(Vec<Vec<char>>, Vec<char>), String> {
    let eq: String = eq.chars().filter(|c| !c.is_whitespace()).collect();
    if eq.contains("...") {
        return Err("ellipsis (...) is not supported".into());
    }
    let (lhs, rhs) = match eq.split_once("->") {
        Some((l, r)) => (l.to_string(), Some(r.to_string())),
        None => (eq.clone(), None),
    };
    let terms: Vec<Vec<char>> = lhs.split(',').map(|t| t.chars().collect()).collect();
    if terms.len() != inputs.len() {
        return Err(format!("{} terms for {} inputs", terms.len(), inputs.len()));
    }
    for (t, s) in terms.iter().zip(inputs) {
        if t.len() != s.len() {
            return Err(format!(
                "term {} does not fit shape {s:?}",
                t.iter().collect::<String>()
            ));
        }
        let mut seen = t.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != t.len() {
            return Err("a label repeated within one operand (a diagonal) is not supported".into());
        }
    }
    let out = match rhs {
        Some(r) => r.chars().collect(),
        // Implicit output: labels that appear once, in alphabetical order.
        None => {
            let mut all: Vec<char> = terms.concat();
            all.sort();
            let mut once = vec![];
            for c in all.iter() {
                if all.iter().filter(|d| *d == c).count() == 1 {
                    once.push(*c);
                }
            }
            once
        }
    };
    Ok((terms, out))
}

impl Planner<'_> {
    /// A linalg-family node, or Ok(false).
    pub(super) fn linalg_node(&mut self, node: &pb::NodeProto) -> Result<bool> {
        if node.op_type != "Einsum" {
            return Ok(false);
        }
        let eq = attr_s(node, "equation").ok_or_else(|| self.err(node, "equation is required"))?;
        let operands = (0..node.input.len())
            .map(|i| self.operand(node, i))
            .collect::<Result<Vec<_>>>()?;
        let shapes: Vec<&[usize]> = operands.iter().map(|o| o.1.shape.as_slice()).collect();
        let (terms, out_labels) =
            parse(&eq, &shapes).map_err(|e| self.err(node, format!("equation `{eq}`: {e}")))?;
        if operands.len() > 2 {
            return Err(self.err(node, "Einsum of more than two operands is not supported"));
        }
        let mut sizes: std::collections::HashMap<char, usize> = Default::default();
        for (t, shape) in terms.iter().zip(&shapes) {
            for (&c, &d) in t.iter().zip(shape.iter()) {
                if *sizes.entry(c).or_insert(d) != d {
                    return Err(
                        self.err(node, format!("label {c} has sizes {} and {d}", sizes[&c]))
                    );
                }
            }
        }
        if let Some(c) = out_labels.iter().find(|c| !sizes.contains_key(c)) {
            return Err(self.err(node, format!("output label {c} is in no input")));
        }
        let out = node.output[0].clone();
        let tmp = |k: &str| format!("{out}/{k}");
        // Sum out the labels only one operand has and the output lacks.
        let mut ops = vec![];
        for (k, (mut v, mut t)) in operands.into_iter().zip(terms.clone()).enumerate() {
            let elsewhere = |c: &char| {
                out_labels.contains(c)
                    || terms
                        .iter()
                        .enumerate()
                        .any(|(j, u)| j != k && u.contains(c))
            };
            let lone: Vec<i64> = (0..t.len())
                .filter(|&d| !elsewhere(&t[d]))
                .map(|d| d as i64)
                .collect();
            if !lone.is_empty() {
                let op = Op::Reduce {
                    kind: ReduceKind::Sum,
                    axes: lone.clone(),
                    keepdims: false,
                };
                v = self.emit(node, op, vec![v], &tmp(&format!("operand {k} summed")))?;
                t = t
                    .into_iter()
                    .enumerate()
                    .filter(|(d, _)| !lone.contains(&(*d as i64)))
                    .map(|(_, c)| c)
                    .collect();
            }
            ops.push((v, t));
        }
        // Lays `v` (labels `t`) out in `order` (a transpose unless already there).
        let arrange =
            |p: &mut Self, v: (Operand, Tensor), t: &[char], order: &[char], name: &str| {
                let perm: Vec<i64> = order
                    .iter()
                    .map(|c| t.iter().position(|d| d == c).unwrap() as i64)
                    .collect();
                if perm.iter().enumerate().all(|(i, &q)| i as i64 == q) {
                    Ok(v)
                } else {
                    p.emit(node, Op::Transpose { perm }, vec![v], name)
                }
            };
        if ops.len() == 1 {
            let (v, t) = ops.pop().unwrap();
            let y = arrange(self, v, &t, &out_labels, &out)?;
            if !self.vals.contains_key(&out) {
                self.alias_value(&y, &out);
            }
            return Ok(true);
        }
        let (b, tb) = ops.pop().unwrap();
        let (a, ta) = ops.pop().unwrap();
        let batch: Vec<char> = ta
            .iter()
            .copied()
            .filter(|c| tb.contains(c) && out_labels.contains(c))
            .collect();
        let contracted: Vec<char> = ta
            .iter()
            .copied()
            .filter(|c| tb.contains(c) && !out_labels.contains(c))
            .collect();
        let free_a: Vec<char> = ta.iter().copied().filter(|c| !tb.contains(c)).collect();
        let free_b: Vec<char> = tb.iter().copied().filter(|c| !ta.contains(c)).collect();
        let size = |cs: &[char]| cs.iter().map(|c| sizes[c]).product::<usize>() as i64;
        let (nb, nc, nfa, nfb) = (
            size(&batch),
            size(&contracted),
            size(&free_a),
            size(&free_b),
        );
        let order_a: Vec<char> = [batch.clone(), free_a.clone(), contracted.clone()].concat();
        let order_b: Vec<char> = [batch.clone(), contracted.clone(), free_b.clone()].concat();
        let a = arrange(self, a, &ta, &order_a, &tmp("a arranged"))?;
        let b = arrange(self, b, &tb, &order_b, &tmp("b arranged"))?;
        let a = self.emit(
            node,
            Op::Reshape {
                shape: vec![nb, nfa, nc],
            },
            vec![a],
            &tmp("a as matrix"),
        )?;
        let b = self.emit(
            node,
            Op::Reshape {
                shape: vec![nb, nc, nfb],
            },
            vec![b],
            &tmp("b as matrix"),
        )?;
        let prod = self.emit(node, Op::MatMul, vec![a, b], &tmp("product"))?;
        let labels: Vec<char> = [batch, free_a, free_b].concat();
        let full: Vec<i64> = labels.iter().map(|c| sizes[c] as i64).collect();
        let shaped = self.emit(
            node,
            Op::Reshape { shape: full },
            vec![prod],
            &tmp("product shaped"),
        )?;
        let y = arrange(self, shaped, &labels, &out_labels, &out)?;
        if !self.vals.contains_key(&out) {
            self.alias_value(&y, &out);
        }
        Ok(true)
    }
}

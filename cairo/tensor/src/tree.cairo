//! Tree ensembles (ONNX-ML `TreeEnsembleRegressor` / `TreeEnsembleClassifier`): each tree is
//! walked from its root, one comparison and one branch per visited node; the trees' leaf values
//! are then combined per target. The forest is three integer tensors (the layout is documented
//! in the Rust reference, `crates/fixed/src/tree.rs`):
//! - `nodes` `[M, 4]`: `(feature, threshold, yes, no)`, taking `yes` when `x[feature] <= threshold`;
//!   a child `c >= 0` is a node record's offset, `-1 - o` the leaf starting at `leaves[o]`;
//! - `roots` `[trees]`: each tree's first child;
//! - `leaves` `[L, T]`: the value per target of each leaf.

use crate::fixed;
use crate::fixed::{INDEX, SHAPE, fail};
use crate::tensor::Tensor;

/// How the trees' values for one target combine.
#[derive(Copy, Drop, PartialEq)]
pub enum Aggregate {
    Sum,
    /// The sum divided by the number of trees, rounded half away from zero.
    Average,
    Min,
    Max,
}

const OP: felt252 = 'tree_ensemble';

fn index(v: felt252) -> usize {
    match v.try_into() {
        Some(i) => i,
        None => fail(OP, INDEX),
    }
}

/// `x <= t` for stored values: `t - x` is then a small non-negative felt, otherwise it wraps to
/// a felt far above 2^128.
fn le(x: felt252, t: felt252) -> bool {
    let d: u128 = (t - x + 0x10000000000000000).try_into().unwrap();
    d >= 0x10000000000000000
}

/// The leaf offset (into `leaves`) one tree sends `row` to. A child is a node record's offset,
/// or `-1 - o` for the leaf at `leaves[o]`: the failed conversion ends the walk, once per tree.
fn walk(nodes: Span<felt252>, row: Span<felt252>, root: felt252) -> usize {
    let mut next = root;
    while let Some(at) = next.try_into() {
        let rec: @Box<[felt252; 4]> = nodes.slice(at, 4).try_into().unwrap();
        let [f, t, yes, no] = (*rec).unbox();
        next = if le(*row[index(f)], t) {
            yes
        } else {
            no
        };
    }
    index(-1 - next)
}

/// `[N, T]` scores of `x` `[N, F]`: each tree's leaf values combined per target, checked against
/// the fixed-point bound.
pub fn ensemble(x: Tensor, nodes: Tensor, roots: Tensor, leaves: Tensor, aggregate: Aggregate) -> Tensor {
    if x.shape.len() != 2 || nodes.shape.len() != 2 || *nodes.shape[1] != 4 || leaves.shape.len() != 2
        || roots.data.len() == 0 {
        fail(OP, SHAPE);
    }
    let n = *x.shape[0];
    let f = *x.shape[1];
    let targets = *leaves.shape[1];
    let trees: u128 = roots.data.len().into();
    let trees: NonZero<u128> = trees.try_into().unwrap();
    let mut out: Array<felt252> = array![];
    let mut r = 0;
    while r != n {
        let row = x.data.slice(r * f, f);
        let mut hits: Array<usize> = array![];
        let mut rs = roots.data;
        while let Some(root) = rs.pop_front() {
            hits.append(walk(nodes.data, row, *root));
        }
        let hits = hits.span();
        let mut t = 0;
        while t != targets {
            let mut hs = hits;
            let mut acc = *leaves.data[*hs.pop_front().unwrap() + t];
            while let Some(h) = hs.pop_front() {
                let v = *leaves.data[*h + t];
                acc = match aggregate {
                    Aggregate::Sum | Aggregate::Average => acc + v,
                    Aggregate::Min => fixed::min(acc, v),
                    Aggregate::Max => fixed::max(acc, v),
                };
            }
            if aggregate == Aggregate::Average {
                acc = fixed::round_div(acc, trees, OP);
            }
            out.append(fixed::check(acc, OP));
            t += 1;
        }
        r += 1;
    }
    Tensor { shape: array![n, targets].span(), data: out.span() }
}

//! Tree ensembles (ONNX-ML `TreeEnsembleRegressor` / `TreeEnsembleClassifier`) as the Cairo
//! library walks them: one comparison and one branch per visited node.
//!
//! The forest is three integer tensors, so it can be public constants or hashed private weights
//! like any other weight:
//! - `nodes` `[M, 4]`: `(feature, threshold, yes, no)`. The branch goes to `yes` when
//!   `x[feature] <= threshold` (every ONNX mode is rewritten to this one by the transpiler).
//!   A child `c >= 0` is the offset of a node record (`4 * index`); a child `-1 - o` is a leaf
//!   whose values start at offset `o` of `leaves`.
//! - `roots` `[trees]`: each tree's first child, encoded the same way.
//! - `leaves` `[L, T]`: one fixed-point value per target (class) per leaf.

use crate::{check, round_div, FixedError, Reason, Tensor};

/// How the trees' values for one target combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    /// The sum divided by the number of trees, rounded half away from zero.
    Average,
    Min,
    Max,
}

const OP: &str = "tree_ensemble";

fn index(v: i64) -> Result<usize, FixedError> {
    usize::try_from(v).map_err(|_| FixedError::new(OP, Reason::Index))
}

/// The leaf offset one tree sends `row` to.
fn walk(nodes: &[i64], row: &[i64], root: i64) -> Result<usize, FixedError> {
    let mut next = root;
    // An acyclic table visits at most one record per node.
    for _ in 0..=nodes.len() / 4 {
        if next < 0 {
            return index(-1 - next);
        }
        let at = index(next)?;
        let rec = nodes
            .get(at..at + 4)
            .ok_or(FixedError::new(OP, Reason::Index))?;
        let x = *row
            .get(index(rec[0])?)
            .ok_or(FixedError::new(OP, Reason::Index))?;
        next = if x <= rec[1] { rec[2] } else { rec[3] };
    }
    Err(FixedError::new(OP, Reason::Index))
}

/// `[N, T]` scores of `x` `[N, F]`: each tree's leaf values combined per target.
pub fn tree_ensemble(
    x: &Tensor,
    nodes: &Tensor,
    roots: &Tensor,
    leaves: &Tensor,
    aggregate: Aggregate,
) -> Result<Tensor, FixedError> {
    let shape_err = FixedError::new(OP, Reason::Shape);
    if x.rank() != 2 || nodes.rank() != 2 || nodes.shape[1] != 4 || leaves.rank() != 2 {
        return Err(shape_err);
    }
    if roots.is_empty() {
        return Err(shape_err);
    }
    let (n, f) = (x.shape[0], x.shape[1]);
    let targets = leaves.shape[1];
    let trees = roots.len();
    let mut data = Vec::with_capacity(n * targets);
    for r in 0..n {
        let row = &x.data[r * f..(r + 1) * f];
        let hits = roots
            .data
            .iter()
            .map(|&root| walk(&nodes.data, row, root))
            .collect::<Result<Vec<_>, _>>()?;
        for t in 0..targets {
            let mut values = hits.iter().map(|&h| {
                leaves
                    .data
                    .get(h + t)
                    .copied()
                    .ok_or(FixedError::new(OP, Reason::Index))
            });
            let first = i128::from(values.next().expect("at least one tree")?);
            let v = values.try_fold(first, |acc, v| {
                let v = i128::from(v?);
                Ok::<_, FixedError>(match aggregate {
                    Aggregate::Sum | Aggregate::Average => acc + v,
                    Aggregate::Min => acc.min(v),
                    Aggregate::Max => acc.max(v),
                })
            })?;
            let v = match aggregate {
                Aggregate::Average => round_div(v, trees as u128),
                _ => v,
            };
            data.push(check(OP, v)?);
        }
    }
    Ok(Tensor {
        shape: vec![n, targets],
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two stumps on feature 0 and 1, two targets.
    fn forest() -> (Tensor, Tensor, Tensor) {
        // Node 0: x0 <= 5 ? leaf 0 : leaf 1. Node 1: x1 <= -3 ? leaf 2 : node 2.
        // Node 2: x0 <= 0 ? leaf 3 : leaf 0.
        let leaf = |l: i64| -1 - 2 * l;
        let nodes = Tensor {
            shape: vec![3, 4],
            data: vec![
                0,
                5,
                leaf(0),
                leaf(1),
                1,
                -3,
                leaf(2),
                8,
                0,
                0,
                leaf(3),
                leaf(0),
            ],
        };
        let roots = Tensor {
            shape: vec![2],
            data: vec![0, 4],
        };
        let leaves = Tensor {
            shape: vec![4, 2],
            data: vec![10, 1, 20, 2, 30, 3, 40, 4],
        };
        (nodes, roots, leaves)
    }

    #[test]
    fn walks_each_tree_to_its_leaf_and_aggregates() {
        let (nodes, roots, leaves) = forest();
        let x = Tensor {
            shape: vec![3, 2],
            data: vec![5, -3, 6, 0, -1, 7],
        };
        let sum = tree_ensemble(&x, &nodes, &roots, &leaves, Aggregate::Sum).unwrap();
        // Row 0: leaf 0 + leaf 2; row 1: leaf 1 + (x0 > 0) leaf 0; row 2: leaf 0 + leaf 3.
        assert_eq!(sum.data, vec![40, 4, 30, 3, 50, 5]);
        let avg = tree_ensemble(&x, &nodes, &roots, &leaves, Aggregate::Average).unwrap();
        assert_eq!(avg.data, vec![20, 2, 15, 2, 25, 3]);
        let min = tree_ensemble(&x, &nodes, &roots, &leaves, Aggregate::Min).unwrap();
        assert_eq!(min.data, vec![10, 1, 10, 1, 10, 1]);
        let max = tree_ensemble(&x, &nodes, &roots, &leaves, Aggregate::Max).unwrap();
        assert_eq!(max.data, vec![30, 3, 20, 2, 40, 4]);
    }

    #[test]
    fn a_cycle_or_a_bad_index_is_an_error() {
        let (mut nodes, roots, leaves) = forest();
        let x = Tensor {
            shape: vec![1, 2],
            data: vec![9, 9],
        };
        nodes.data[7] = 4; // node 1 points at itself
        let err = tree_ensemble(&x, &nodes, &roots, &leaves, Aggregate::Sum).unwrap_err();
        assert_eq!(err.reason, Reason::Index);
        let (mut nodes, roots, leaves) = forest();
        nodes.data[4] = 2; // feature 2 of a 2-feature row
        let err = tree_ensemble(&x, &nodes, &roots, &leaves, Aggregate::Sum).unwrap_err();
        assert_eq!(err.reason, Reason::Index);
    }
}

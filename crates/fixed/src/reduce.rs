//! Reductions over axes, ArgMax, and BatchNormalization (inference).

use crate::elementwise::{add, div_scalar, mul_scalar, sub};
use crate::math::{groups, sqrt_scalar};
use crate::shape::transpose;
use crate::tensor::axis;
use crate::{check, round_div, FixedError, Reason, Tensor, Q};

/// Moves the reduced axes last; returns (moved tensor, kept shape with keepdims applied, group size).
fn reduce_layout(
    op: &'static str,
    x: &Tensor,
    axes: Option<&[i64]>,
    keepdims: bool,
) -> Result<(Tensor, Vec<usize>, usize), FixedError> {
    let r = x.rank();
    let mut reduced = vec![false; r];
    match axes {
        Some(list) if !list.is_empty() => {
            for &a in list {
                let a = axis(op, a, r)?;
                if reduced[a] {
                    return Err(FixedError::new(op, Reason::Axis));
                }
                reduced[a] = true;
            }
        }
        _ => reduced.iter_mut().for_each(|f| *f = true),
    }
    let perm: Vec<i64> = (0..r)
        .filter(|&i| !reduced[i])
        .chain((0..r).filter(|&i| reduced[i]))
        .map(|i| i as i64)
        .collect();
    let moved = transpose(x, Some(&perm))?;
    let group: usize = (0..r).filter(|&i| reduced[i]).map(|i| x.shape[i]).product();
    let shape = (0..r)
        .filter_map(|i| match (reduced[i], keepdims) {
            (false, _) => Some(x.shape[i]),
            (true, true) => Some(1),
            (true, false) => None,
        })
        .collect();
    if group == 0 {
        return Err(FixedError::new(op, Reason::Shape));
    }
    Ok((moved, shape, group))
}

fn reduce(
    op: &'static str,
    x: &Tensor,
    axes: Option<&[i64]>,
    keepdims: bool,
    f: impl Fn(&[i64]) -> Result<i64, FixedError>,
) -> Result<Tensor, FixedError> {
    let (moved, shape, group) = reduce_layout(op, x, axes, keepdims)?;
    let data = moved.data.chunks(group).map(f).collect::<Result<_, _>>()?;
    Ok(Tensor { shape, data })
}

fn sum(v: &[i64]) -> i128 {
    v.iter().map(|&x| i128::from(x)).sum()
}

pub fn reduce_sum(x: &Tensor, axes: Option<&[i64]>, keepdims: bool) -> Result<Tensor, FixedError> {
    reduce("reduce_sum", x, axes, keepdims, |v| {
        check("reduce_sum", sum(v))
    })
}

pub fn reduce_mean(x: &Tensor, axes: Option<&[i64]>, keepdims: bool) -> Result<Tensor, FixedError> {
    reduce("reduce_mean", x, axes, keepdims, |v| {
        check("reduce_mean", round_div(sum(v), v.len() as u128))
    })
}

pub fn reduce_max(x: &Tensor, axes: Option<&[i64]>, keepdims: bool) -> Result<Tensor, FixedError> {
    reduce("reduce_max", x, axes, keepdims, |v| {
        Ok(*v.iter().max().expect("non-empty group"))
    })
}

/// ONNX ArgMax: plain integer indices (not fixed point); ties go to the first (or last) index.
pub fn argmax(
    x: &Tensor,
    ax: i64,
    keepdims: bool,
    select_last: bool,
) -> Result<Tensor, FixedError> {
    let (outer, len, inner) = groups("argmax", x, ax)?;
    if len == 0 {
        return Err(FixedError::new("argmax", Reason::Shape));
    }
    let mut data = Vec::with_capacity(outer * inner);
    for o in 0..outer {
        for i in 0..inner {
            let mut best = 0;
            for j in 1..len {
                let (v, b) = (
                    x.data[(o * len + j) * inner + i],
                    x.data[(o * len + best) * inner + i],
                );
                if v > b || (select_last && v == b) {
                    best = j;
                }
            }
            data.push(best as i64);
        }
    }
    let a = axis("argmax", ax, x.rank())?;
    let mut shape = x.shape.clone();
    if keepdims {
        shape[a] = 1;
    } else {
        shape.remove(a);
    }
    Ok(Tensor { shape, data })
}

/// BatchNormalization (inference) on [N, C, ...]: `(x - mean) * s + bias` with
/// `s = scale / sqrt(var + eps)`, each step one fixed-point op.
pub fn batch_norm(
    q: Q,
    x: &Tensor,
    scale: &Tensor,
    bias: &Tensor,
    mean: &Tensor,
    var: &Tensor,
    eps: i64,
) -> Result<Tensor, FixedError> {
    let op = "batch_norm";
    if x.rank() < 2 {
        return Err(FixedError::new(op, Reason::Shape));
    }
    let c = x.shape[1];
    for p in [scale, bias, mean, var] {
        if p.shape != [c] {
            return Err(FixedError::new(op, Reason::Shape));
        }
    }
    let mut s = Vec::with_capacity(c);
    for i in 0..c {
        let ve = check(op, i128::from(var.data[i]) + i128::from(eps))?;
        if ve < 0 {
            return Err(FixedError::new(op, Reason::SqrtNegative));
        }
        let sd = sqrt_scalar(q, ve)?;
        s.push(div_scalar(q, op, scale.data[i], sd)?);
    }
    let mut shape = vec![c];
    shape.extend(std::iter::repeat_n(1, x.rank() - 2));
    let per_channel = |v: Vec<i64>| Tensor {
        shape: shape.clone(),
        data: v,
    };
    let centered =
        sub(x, &per_channel(mean.data.clone())).map_err(|e| FixedError::new(op, e.reason))?;
    let sv = per_channel(s);
    let mut scaled = centered.clone();
    let (_, _, inner) = groups(op, x, 1)?;
    for (i, v) in scaled.data.iter_mut().enumerate() {
        *v = mul_scalar(q, op, *v, sv.data[(i / inner) % c])?;
    }
    add(&scaled, &per_channel(bias.data.clone())).map_err(|e| FixedError::new(op, e.reason))
}

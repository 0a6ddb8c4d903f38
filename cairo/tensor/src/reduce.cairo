//! Reductions over axes, ArgMax, and BatchNormalization (inference).

use crate::fixed;
use crate::fixed::{AXIS, Q, SHAPE, SQRT_NEGATIVE, fail};
use crate::math::{groups, sqrt};
use crate::shape::transpose;
use crate::tensor::{Tensor, axis};

#[derive(Copy, Drop, PartialEq)]
pub enum Reduce {
    Sum,
    Mean,
    Max,
}

/// ONNX ReduceSum/Mean/Max over `axes` (empty: all axes), keeping reduced dims as 1 on request.
pub fn reduce(x: Tensor, axes: Span<felt252>, keepdims: bool, kind: Reduce) -> Tensor {
    let op = match kind {
        Reduce::Sum => 'reduce_sum',
        Reduce::Mean => 'reduce_mean',
        Reduce::Max => 'reduce_max',
    };
    let r = x.shape.len();
    let mut flags: Array<bool> = array![];
    let mut d = 0;
    while d != r {
        let mut hit = axes.len() == 0;
        let mut i = 0;
        while i != axes.len() {
            let a = axis(*axes[i], r, op);
            if a == d {
                if hit {
                    fail(op, AXIS);
                }
                hit = true;
            }
            i += 1;
        }
        flags.append(hit);
        d += 1;
    }
    let flags = flags.span();
    // Kept axes first, reduced axes last: each output is one contiguous group.
    let mut perm: Array<felt252> = array![];
    let mut shape: Array<usize> = array![];
    let mut group: usize = 1;
    d = 0;
    while d != r {
        if !*flags[d] {
            perm.append(d.into());
            shape.append(*x.shape[d]);
        } else {
            group *= *x.shape[d];
            if keepdims {
                shape.append(1);
            }
        }
        d += 1;
    }
    d = 0;
    while d != r {
        if *flags[d] {
            perm.append(d.into());
        }
        d += 1;
    }
    if group == 0 {
        fail(op, SHAPE);
    }
    let mut data = transpose(x, perm.span()).data;
    let n: u128 = group.into();
    let nz: NonZero<u128> = n.try_into().unwrap();
    let mut out: Array<felt252> = array![];
    while data.len() != 0 {
        let mut acc = *data.pop_front().unwrap();
        let mut i = 1;
        while i != group {
            let v = *data.pop_front().unwrap();
            acc = if kind == Reduce::Max {
                fixed::max(acc, v)
            } else {
                acc + v
            };
            i += 1;
        }
        out
            .append(
                match kind {
                    Reduce::Sum => fixed::check(acc, op),
                    Reduce::Mean => fixed::check(fixed::round_div(acc, nz, op), op),
                    Reduce::Max => acc,
                },
            );
    }
    Tensor { shape: shape.span(), data: out.span() }
}

pub fn reduce_sum(x: Tensor, axes: Span<felt252>, keepdims: bool) -> Tensor {
    reduce(x, axes, keepdims, Reduce::Sum)
}

pub fn reduce_mean(x: Tensor, axes: Span<felt252>, keepdims: bool) -> Tensor {
    reduce(x, axes, keepdims, Reduce::Mean)
}

pub fn reduce_max(x: Tensor, axes: Span<felt252>, keepdims: bool) -> Tensor {
    reduce(x, axes, keepdims, Reduce::Max)
}

/// ONNX ArgMax: plain integer indices (not fixed point); ties go to the first (or last) index.
pub fn argmax(x: Tensor, ax: felt252, keepdims: bool, select_last: bool) -> Tensor {
    let op = 'argmax';
    let (outer, len, inner) = groups(x, ax, op);
    if len == 0 {
        fail(op, SHAPE);
    }
    let mut out: Array<felt252> = array![];
    let mut o = 0;
    while o != outer {
        let mut i = 0;
        while i != inner {
            let base = o * len * inner + i;
            let mut best = 0;
            let mut bv = *x.data[base];
            let mut j = 1;
            while j != len {
                let v = *x.data[base + j * inner];
                if fixed::lt(bv, v) || (select_last && v == bv) {
                    best = j;
                    bv = v;
                }
                j += 1;
            }
            out.append(best.into());
            i += 1;
        }
        o += 1;
    }
    let a = axis(ax, x.shape.len(), op);
    let mut shape: Array<usize> = array![];
    let mut d = 0;
    while d != x.shape.len() {
        if d != a {
            shape.append(*x.shape[d]);
        } else if keepdims {
            shape.append(1);
        }
        d += 1;
    }
    Tensor { shape: shape.span(), data: out.span() }
}

/// BatchNormalization (inference) on [N, C, ...]: `(x - mean) * s + bias` with
/// `s = scale / sqrt(var + eps)`, each step one checked fixed-point op.
pub fn batch_norm(x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, var: Tensor, eps: felt252, q: Q) -> Tensor {
    let op = 'batch_norm';
    if x.shape.len() < 2 {
        fail(op, SHAPE);
    }
    let c = *x.shape[1];
    let cs = array![c].span();
    if scale.shape != cs || bias.shape != cs || mean.shape != cs || var.shape != cs {
        fail(op, SHAPE);
    }
    let mut s: Array<felt252> = array![];
    let mut i = 0;
    while i != c {
        let ve = fixed::check(*var.data[i] + eps, op);
        if fixed::is_negative(ve) {
            fail(op, SQRT_NEGATIVE);
        }
        s.append(fixed::div(*scale.data[i], sqrt(ve, q), q, op));
        i += 1;
    }
    let s = s.span();
    let (_, _, inner) = groups(x, 1, op);
    let mut out: Array<felt252> = array![];
    let mut data = x.data;
    while data.len() != 0 {
        let mut ch = 0;
        while ch != c {
            let mut k = 0;
            while k != inner {
                let v = *data.pop_front().unwrap();
                let centered = fixed::check(v - *mean.data[ch], op);
                out.append(fixed::check(fixed::mul(centered, *s[ch], q, op) + *bias.data[ch], op));
                k += 1;
            }
            ch += 1;
        }
    }
    Tensor { shape: x.shape, data: out.span() }
}

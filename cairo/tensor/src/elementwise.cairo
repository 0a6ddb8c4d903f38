//! Elementwise ops with ONNX (numpy) broadcasting.

use crate::fixed;
use crate::fixed::{Q, SHAPE, fail};
use crate::tensor::{Tensor, strides};

/// The binary ops that broadcast. The comparisons give integers 0 or 1 (index values).
#[derive(Copy, Drop, PartialEq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Max,
    Min,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Equal,
}

fn name(op: BinOp) -> felt252 {
    match op {
        BinOp::Add => 'add',
        BinOp::Sub => 'sub',
        BinOp::Mul => 'mul',
        BinOp::Div => 'div',
        BinOp::Max => 'max',
        BinOp::Min => 'min',
        BinOp::Greater => 'greater',
        BinOp::GreaterOrEqual => 'greater_or_equal',
        BinOp::Less => 'less',
        BinOp::LessOrEqual => 'less_or_equal',
        BinOp::Equal => 'equal',
    }
}

fn flag(b: bool) -> felt252 {
    if b {
        1
    } else {
        0
    }
}

fn apply(op: BinOp, x: felt252, y: felt252, q: Q) -> felt252 {
    match op {
        BinOp::Add => fixed::check(x + y, 'add'),
        BinOp::Sub => fixed::check(x - y, 'sub'),
        BinOp::Mul => fixed::mul(x, y, q, 'mul'),
        BinOp::Div => fixed::div(x, y, q, 'div'),
        BinOp::Max => fixed::max(x, y),
        BinOp::Min => fixed::min(x, y),
        BinOp::Greater => flag(fixed::lt(y, x)),
        BinOp::GreaterOrEqual => flag(!fixed::lt(x, y)),
        BinOp::Less => flag(fixed::lt(x, y)),
        BinOp::LessOrEqual => flag(!fixed::lt(y, x)),
        BinOp::Equal => flag(x == y),
    }
}

/// The ONNX multidirectional broadcast of two shapes.
pub fn broadcast_shape(a: Span<usize>, b: Span<usize>, op: felt252) -> Span<usize> {
    let rank = if a.len() > b.len() {
        a.len()
    } else {
        b.len()
    };
    let mut out: Array<usize> = array![];
    let mut i = 0;
    while i != rank {
        let x = dim_from_right(a, rank, i);
        let y = dim_from_right(b, rank, i);
        out.append(if x == y {
            x
        } else if x == 1 {
            y
        } else if y == 1 {
            x
        } else {
            fail(op, SHAPE)
        });
        i += 1;
    }
    out.span()
}

fn dim_from_right(s: Span<usize>, rank: usize, i: usize) -> usize {
    if i + s.len() < rank {
        1
    } else {
        *s[i + s.len() - rank]
    }
}

/// Offsets into data of `shape` for every index of `out` (`shape` broadcast to `out`).
pub fn broadcast_offsets(shape: Span<usize>, out: Span<usize>) -> Span<usize> {
    let pad = out.len() - shape.len();
    let st = strides(shape);
    let mut offsets: Array<usize> = array![0];
    let mut d = 0;
    while d != out.len() {
        let step = if d < pad {
            0
        } else if *shape[d - pad] == 1 {
            0
        } else {
            *st[d - pad]
        };
        let n = *out[d];
        let mut next: Array<usize> = array![];
        let mut prev = offsets.span();
        while let Some(o) = prev.pop_front() {
            let mut j = 0;
            let mut at = *o;
            while j != n {
                next.append(at);
                at += step;
                j += 1;
            }
        }
        offsets = next;
        d += 1;
    }
    offsets.span()
}

/// `op` applied elementwise after broadcasting `a` and `b`.
pub fn binary(op: BinOp, a: Tensor, b: Tensor, q: Q) -> Tensor {
    let mut out: Array<felt252> = array![];
    if a.shape == b.shape {
        let mut x = a.data;
        let mut y = b.data;
        // The commonest ops get their own loop: no dispatch per element.
        if op == BinOp::Add {
            while let Some(v) = x.pop_front() {
                out.append(fixed::check(*v + *y.pop_front().unwrap(), 'add'));
            }
        } else if op == BinOp::Mul {
            while let Some(v) = x.pop_front() {
                out.append(fixed::mul(*v, *y.pop_front().unwrap(), q, 'mul'));
            }
        } else if op == BinOp::Sub {
            while let Some(v) = x.pop_front() {
                out.append(fixed::check(*v - *y.pop_front().unwrap(), 'sub'));
            }
        } else if op == BinOp::Max {
            while let Some(v) = x.pop_front() {
                out.append(fixed::max(*v, *y.pop_front().unwrap()));
            }
        } else {
            while let Some(v) = x.pop_front() {
                out.append(apply(op, *v, *y.pop_front().unwrap(), q));
            }
        }
        return Tensor { shape: a.shape, data: out.span() };
    }
    let shape = broadcast_shape(a.shape, b.shape, name(op));
    // One operand a single value (a scalar weight, say): no offset tables.
    if b.data.len() == 1 && shape == a.shape {
        let y = *b.data[0];
        let mut x = a.data;
        while let Some(v) = x.pop_front() {
            out.append(apply(op, *v, y, q));
        }
        return Tensor { shape, data: out.span() };
    }
    if a.data.len() == 1 && shape == b.shape {
        let x = *a.data[0];
        let mut y = b.data;
        while let Some(v) = y.pop_front() {
            out.append(apply(op, x, *v, q));
        }
        return Tensor { shape, data: out.span() };
    }
    let mut oa = broadcast_offsets(a.shape, shape);
    let mut ob = broadcast_offsets(b.shape, shape);
    while let Some(i) = oa.pop_front() {
        let j = *ob.pop_front().unwrap();
        out.append(apply(op, *a.data[*i], *b.data[j], q));
    }
    Tensor { shape, data: out.span() }
}

pub fn add(a: Tensor, b: Tensor, q: Q) -> Tensor {
    binary(BinOp::Add, a, b, q)
}

pub fn sub(a: Tensor, b: Tensor, q: Q) -> Tensor {
    binary(BinOp::Sub, a, b, q)
}

pub fn mul(a: Tensor, b: Tensor, q: Q) -> Tensor {
    binary(BinOp::Mul, a, b, q)
}

pub fn div(a: Tensor, b: Tensor, q: Q) -> Tensor {
    binary(BinOp::Div, a, b, q)
}

pub fn max(a: Tensor, b: Tensor, q: Q) -> Tensor {
    binary(BinOp::Max, a, b, q)
}

pub fn min(a: Tensor, b: Tensor, q: Q) -> Tensor {
    binary(BinOp::Min, a, b, q)
}

/// The unary ops without parameters beyond the format.
#[derive(Copy, Drop, PartialEq)]
pub enum UnOp {
    Neg,
    Abs,
    Relu,
    Exp,
    Log,
    Sqrt,
    Sigmoid,
    Tanh,
    Softplus,
    Erf,
    Gelu,
    /// An integer `n` as the fixed-point value `n * 2^k` (a Cast of indices to float).
    ToFixed,
}

fn apply_unary(op: UnOp, x: felt252, q: Q) -> felt252 {
    match op {
        UnOp::Neg => -x,
        UnOp::Abs => fixed::abs(x),
        UnOp::Relu => if fixed::is_negative(x) {
            0
        } else {
            x
        },
        UnOp::Exp => crate::math::exp(x, q),
        UnOp::Log => crate::math::log(x, q),
        UnOp::Sqrt => crate::math::sqrt(x, q),
        UnOp::Sigmoid => crate::math::sigmoid(x, q),
        UnOp::Tanh => crate::math::tanh(x, q),
        UnOp::Softplus => crate::math::softplus(x, q),
        UnOp::Erf => crate::math::erf(x, q),
        UnOp::Gelu => crate::math::gelu(x, q),
        UnOp::ToFixed => fixed::check(x * q.one_felt, 'to_fixed'),
    }
}

/// `op` applied to every element.
pub fn unary(op: UnOp, a: Tensor, q: Q) -> Tensor {
    let mut out: Array<felt252> = array![];
    let mut x = a.data;
    while let Some(v) = x.pop_front() {
        out.append(apply_unary(op, *v, q));
    }
    Tensor { shape: a.shape, data: out.span() }
}

pub fn neg(a: Tensor, q: Q) -> Tensor {
    unary(UnOp::Neg, a, q)
}

pub fn abs(a: Tensor, q: Q) -> Tensor {
    unary(UnOp::Abs, a, q)
}

pub fn relu(a: Tensor, q: Q) -> Tensor {
    unary(UnOp::Relu, a, q)
}

/// `x` for `x >= 0`, else `round(alpha * x / 2^k)`.
pub fn leaky_relu(a: Tensor, alpha: felt252, q: Q) -> Tensor {
    let mut out: Array<felt252> = array![];
    let mut x = a.data;
    while let Some(v) = x.pop_front() {
        out.append(if fixed::is_negative(*v) {
            fixed::mul(alpha, *v, q, 'leaky_relu')
        } else {
            *v
        });
    }
    Tensor { shape: a.shape, data: out.span() }
}

/// `min(max(x, lo), hi)`.
pub fn clip(a: Tensor, lo: felt252, hi: felt252) -> Tensor {
    let mut out: Array<felt252> = array![];
    let mut x = a.data;
    while let Some(v) = x.pop_front() {
        out.append(fixed::min(fixed::max(*v, lo), hi));
    }
    Tensor { shape: a.shape, data: out.span() }
}

//! Elementwise ops with ONNX (numpy) broadcasting.

use crate::tensor::strides;
use crate::{check, round_div, FixedError, Reason, Tensor, Wide, Q};

/// The ONNX multidirectional broadcast of two shapes.
pub fn broadcast_shape(
    op: &'static str,
    a: &[usize],
    b: &[usize],
) -> Result<Vec<usize>, FixedError> {
    let rank = a.len().max(b.len());
    let dim = |s: &[usize], i: usize| {
        if i + s.len() < rank {
            1
        } else {
            s[i + s.len() - rank]
        }
    };
    (0..rank)
        .map(|i| match (dim(a, i), dim(b, i)) {
            (x, y) if x == y => Ok(x),
            (1, y) => Ok(y),
            (x, 1) => Ok(x),
            _ => Err(FixedError::new(op, Reason::Shape)),
        })
        .collect()
}

/// Offsets into `shape`'s data for every index of `out` (shape broadcast to `out`).
pub(crate) fn broadcast_offsets(shape: &[usize], out: &[usize]) -> Vec<usize> {
    let pad = out.len() - shape.len();
    let st = strides(shape);
    let mut bst = vec![0; out.len()];
    for i in 0..shape.len() {
        if shape[i] != 1 {
            bst[pad + i] = st[i];
        }
    }
    let mut offsets = vec![0usize];
    for (d, &n) in out.iter().enumerate() {
        let mut next = Vec::with_capacity(offsets.len() * n);
        for &o in &offsets {
            for j in 0..n {
                next.push(o + j * bst[d]);
            }
        }
        offsets = next;
    }
    offsets
}

fn binary(
    op: &'static str,
    a: &Tensor,
    b: &Tensor,
    f: impl Fn(i64, i64) -> Result<i64, FixedError>,
) -> Result<Tensor, FixedError> {
    let shape = broadcast_shape(op, &a.shape, &b.shape)?;
    let oa = broadcast_offsets(&a.shape, &shape);
    let ob = broadcast_offsets(&b.shape, &shape);
    let data = oa
        .iter()
        .zip(&ob)
        .map(|(&i, &j)| f(a.data[i], b.data[j]))
        .collect::<Result<_, _>>()?;
    Ok(Tensor { shape, data })
}

pub fn add(a: &Tensor, b: &Tensor) -> Result<Tensor, FixedError> {
    binary("add", a, b, |x, y| {
        check("add", i128::from(x) + i128::from(y))
    })
}

pub fn sub(a: &Tensor, b: &Tensor) -> Result<Tensor, FixedError> {
    binary("sub", a, b, |x, y| {
        check("sub", i128::from(x) - i128::from(y))
    })
}

pub fn mul(q: Q, a: &Tensor, b: &Tensor) -> Result<Tensor, FixedError> {
    binary("mul", a, b, |x, y| mul_scalar(q, "mul", x, y))
}

/// `round(x * y / 2^k)` checked.
pub fn mul_scalar(q: Q, op: &'static str, x: i64, y: i64) -> Result<i64, FixedError> {
    q.rescale(op, Wide::new(i128::from(x) * i128::from(y)))
}

pub fn div(q: Q, a: &Tensor, b: &Tensor) -> Result<Tensor, FixedError> {
    binary("div", a, b, |x, y| div_scalar(q, "div", x, y))
}

/// `round(x * 2^k / y)` checked; fails on `y == 0`.
pub fn div_scalar(q: Q, op: &'static str, x: i64, y: i64) -> Result<i64, FixedError> {
    if y == 0 {
        return Err(FixedError::new(op, Reason::DivisionByZero));
    }
    let n = i128::from(x) << q.bits();
    let r = round_div(n, y.unsigned_abs() as u128);
    check(op, if y < 0 { -r } else { r })
}

pub fn max(a: &Tensor, b: &Tensor) -> Result<Tensor, FixedError> {
    binary("max", a, b, |x, y| Ok(x.max(y)))
}

pub fn min(a: &Tensor, b: &Tensor) -> Result<Tensor, FixedError> {
    binary("min", a, b, |x, y| Ok(x.min(y)))
}

/// A comparison, elementwise with broadcasting: integers 1 (true) or 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Equal,
}

impl Comparison {
    fn name(self) -> &'static str {
        match self {
            Comparison::Greater => "greater",
            Comparison::GreaterOrEqual => "greater_or_equal",
            Comparison::Less => "less",
            Comparison::LessOrEqual => "less_or_equal",
            Comparison::Equal => "equal",
        }
    }
}

pub fn compare(c: Comparison, a: &Tensor, b: &Tensor) -> Result<Tensor, FixedError> {
    binary(c.name(), a, b, |x, y| {
        Ok(i64::from(match c {
            Comparison::Greater => x > y,
            Comparison::GreaterOrEqual => x >= y,
            Comparison::Less => x < y,
            Comparison::LessOrEqual => x <= y,
            Comparison::Equal => x == y,
        }))
    })
}

/// Integers `n` as fixed-point values `n * 2^k`, checked.
pub fn to_fixed(q: Q, a: &Tensor) -> Result<Tensor, FixedError> {
    unary(a, |x| check("to_fixed", i128::from(x) << q.bits()))
}

fn unary(a: &Tensor, f: impl Fn(i64) -> Result<i64, FixedError>) -> Result<Tensor, FixedError> {
    let data = a.data.iter().map(|&x| f(x)).collect::<Result<_, _>>()?;
    Ok(Tensor {
        shape: a.shape.clone(),
        data,
    })
}

pub fn neg(a: &Tensor) -> Tensor {
    Tensor {
        shape: a.shape.clone(),
        data: a.data.iter().map(|x| -x).collect(),
    }
}

pub fn abs(a: &Tensor) -> Tensor {
    Tensor {
        shape: a.shape.clone(),
        data: a.data.iter().map(|x| x.abs()).collect(),
    }
}

pub fn relu(a: &Tensor) -> Tensor {
    Tensor {
        shape: a.shape.clone(),
        data: a.data.iter().map(|&x| x.max(0)).collect(),
    }
}

/// `x` for `x >= 0`, else `round(alpha * x / 2^k)`.
pub fn leaky_relu(q: Q, a: &Tensor, alpha: i64) -> Result<Tensor, FixedError> {
    unary(a, |x| {
        if x >= 0 {
            Ok(x)
        } else {
            mul_scalar(q, "leaky_relu", alpha, x)
        }
    })
}

/// `min(max(x, lo), hi)`.
pub fn clip(a: &Tensor, lo: i64, hi: i64) -> Tensor {
    Tensor {
        shape: a.shape.clone(),
        data: a.data.iter().map(|&x| x.max(lo).min(hi)).collect(),
    }
}

pub(crate) fn map(
    a: &Tensor,
    f: impl Fn(i64) -> Result<i64, FixedError>,
) -> Result<Tensor, FixedError> {
    unary(a, f)
}

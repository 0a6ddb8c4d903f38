//! The tensor type and shape helpers.

use crate::fixed::{AXIS, SHAPE, fail};

/// A dense row-major tensor of fixed-point values (integers for index tensors such as ArgMax's).
#[derive(Copy, Drop, Serde, PartialEq)]
pub struct Tensor {
    pub shape: Span<usize>,
    pub data: Span<felt252>,
}

/// Felts passed to an executable as `Array<felt252>` (length, then the values), taken without
/// copying: `Array`'s own deserialization appends element by element (~12 steps per felt, which
/// dominated models with hashed weights). Serializes as `Array<felt252>` does.
#[derive(Copy, Drop)]
pub struct Felts {
    pub data: Span<felt252>,
}

impl FeltsSerde of Serde<Felts> {
    fn serialize(self: @Felts, ref output: Array<felt252>) {
        self.data.serialize(ref output);
    }

    fn deserialize(ref serialized: Span<felt252>) -> Option<Felts> {
        let len: usize = (*serialized.pop_front()?).try_into()?;
        if len > serialized.len() {
            return None;
        }
        let data = serialized.slice(0, len);
        serialized = serialized.slice(len, serialized.len() - len);
        Some(Felts { data })
    }
}

/// A tensor, checking that the data fills the shape.
pub fn tensor(shape: Span<usize>, data: Span<felt252>) -> Tensor {
    if numel(shape) != data.len() {
        fail('tensor', SHAPE);
    }
    Tensor { shape, data }
}

/// The number of elements of a shape.
pub fn numel(mut shape: Span<usize>) -> usize {
    let mut n = 1;
    while let Some(d) = shape.pop_front() {
        n *= *d;
    }
    n
}

/// Row-major strides of a shape.
pub fn strides(shape: Span<usize>) -> Span<usize> {
    let mut rev: Array<usize> = array![];
    let mut acc = 1;
    let mut s = shape;
    while let Some(d) = s.pop_back() {
        rev.append(acc);
        acc *= *d;
    }
    reverse(rev.span())
}

pub fn reverse(mut s: Span<usize>) -> Span<usize> {
    let mut out: Array<usize> = array![];
    while let Some(v) = s.pop_back() {
        out.append(*v);
    }
    out.span()
}

/// Normalizes an ONNX axis (negative counts from the end) given as a felt (e.g. -1 as p - 1).
pub fn axis(a: felt252, rank: usize, op: felt252) -> usize {
    let r: felt252 = rank.into();
    let v: i64 = match a.try_into() {
        Some(v) => v,
        None => fail(op, AXIS),
    };
    let ri: i64 = rank.into();
    if v < -ri || v >= ri {
        fail(op, AXIS);
    }
    let n: felt252 = if v < 0 {
        a + r
    } else {
        a
    };
    n.try_into().unwrap()
}

/// Product of `shape[from..to]`.
pub fn prod(shape: Span<usize>, from: usize, to: usize) -> usize {
    numel(shape.slice(from, to - from))
}

/// Appends every element of `s` to `out`.
pub fn extend<T, +Copy<T>, +Drop<T>>(ref out: Array<T>, mut s: Span<T>) {
    while let Some(v) = s.pop_front() {
        out.append(*v);
    }
}

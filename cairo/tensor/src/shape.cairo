//! Layout ops: values move, never change.

use crate::fixed::{AXIS, INDEX, SHAPE, fail};
use crate::tensor::{Tensor, axis, extend, numel, prod, strides};

/// Marks a padding position in an offset list.
const PAD: usize = 0xffffffff;

/// Copies `data` through one offset list per output dim (`PAD` entries produce `fill`).
pub fn gather_offsets(data: Span<felt252>, lists: Span<Span<usize>>, fill: felt252) -> Span<felt252> {
    let mut out: Array<felt252> = array![];
    if lists.len() == 0 {
        out.append(*data[0]);
    } else {
        walk(data, lists, 0, fill, ref out);
    }
    out.span()
}

fn walk(data: Span<felt252>, lists: Span<Span<usize>>, base: usize, fill: felt252, ref out: Array<felt252>) {
    let mut first = *lists[0];
    if lists.len() == 1 {
        while let Some(o) = first.pop_front() {
            out.append(if *o == PAD {
                fill
            } else {
                *data[base + *o]
            });
        }
        return;
    }
    let rest = lists.slice(1, lists.len() - 1);
    while let Some(o) = first.pop_front() {
        if *o == PAD {
            let mut n = sizes(rest);
            while n != 0 {
                out.append(fill);
                n -= 1;
            }
        } else {
            walk(data, rest, base + *o, fill, ref out);
        }
    }
}

fn sizes(mut lists: Span<Span<usize>>) -> usize {
    let mut n = 1;
    while let Some(l) = lists.pop_front() {
        n *= (*l).len();
    }
    n
}

/// `[0, s, 2s, ..., (n-1)s]`.
fn range(n: usize, s: usize) -> Span<usize> {
    let mut out: Array<usize> = array![];
    let mut i = 0;
    while i != n {
        out.append(i * s);
        i += 1;
    }
    out.span()
}

fn lens(mut lists: Span<Span<usize>>) -> Span<usize> {
    let mut out: Array<usize> = array![];
    while let Some(l) = lists.pop_front() {
        out.append((*l).len());
    }
    out.span()
}

/// One identity offset list per dim of `x`.
fn identity_lists(x: Tensor) -> Array<Span<usize>> {
    let st = strides(x.shape);
    let mut lists: Array<Span<usize>> = array![];
    let mut d = 0;
    while d != x.shape.len() {
        lists.append(range(*x.shape[d], *st[d]));
        d += 1;
    }
    lists
}

/// `lists` with entry `at` replaced.
fn replace(lists: Span<Span<usize>>, at: usize, with: Span<usize>) -> Span<Span<usize>> {
    let mut out: Array<Span<usize>> = array![];
    let mut d = 0;
    while d != lists.len() {
        out.append(if d == at {
            with
        } else {
            *lists[d]
        });
        d += 1;
    }
    out.span()
}

/// ONNX Transpose; `perm` (felts, negative allowed) empty means reversing the dims.
pub fn transpose(x: Tensor, perm: Span<felt252>) -> Tensor {
    let r = x.shape.len();
    let mut p: Array<usize> = array![];
    if perm.len() == 0 {
        let mut i = r;
        while i != 0 {
            i -= 1;
            p.append(i);
        }
    } else {
        if perm.len() != r {
            fail('transpose', AXIS);
        }
        let mut i = 0;
        while i != r {
            p.append(axis(*perm[i], r, 'transpose'));
            i += 1;
        }
    }
    let p = p.span();
    let st = strides(x.shape);
    let mut lists: Array<Span<usize>> = array![];
    let mut shape: Array<usize> = array![];
    let mut i = 0;
    while i != r {
        let a = *p[i];
        let mut j = i + 1;
        while j != r {
            if *p[j] == a {
                fail('transpose', AXIS);
            }
            j += 1;
        }
        lists.append(range(*x.shape[a], *st[a]));
        shape.append(*x.shape[a]);
        i += 1;
    }
    Tensor { shape: shape.span(), data: gather_offsets(x.data, lists.span(), 0) }
}

/// ONNX Reshape (allowzero = 0): 0 copies the input dim, one -1 is inferred.
pub fn reshape(x: Tensor, shape: Span<felt252>) -> Tensor {
    let op = 'reshape';
    let mut out: Array<usize> = array![];
    let mut infer: Option<usize> = None;
    let mut known: usize = 1;
    let mut i = 0;
    while i != shape.len() {
        let d = *shape[i];
        if d == -1 && infer.is_none() {
            infer = Some(i);
            out.append(1);
        } else if d == 0 {
            if i >= x.shape.len() {
                fail(op, SHAPE);
            }
            out.append(*x.shape[i]);
            known *= *x.shape[i];
        } else {
            let v: usize = match d.try_into() {
                Some(v) => v,
                None => fail(op, SHAPE),
            };
            out.append(v);
            known *= v;
        }
        i += 1;
    }
    let n = x.data.len();
    let out = match infer {
        Some(at) => {
            if known == 0 || n % known != 0 {
                fail(op, SHAPE);
            }
            let mut fixed_shape: Array<usize> = array![];
            let mut j = 0;
            while j != out.len() {
                fixed_shape.append(if j == at {
                    n / known
                } else {
                    *out[j]
                });
                j += 1;
            }
            fixed_shape.span()
        },
        None => out.span(),
    };
    if numel(out) != n {
        fail(op, SHAPE);
    }
    Tensor { shape: out, data: x.data }
}

/// ONNX Flatten: `[prod(dims[..axis]), prod(dims[axis..])]`, axis in [-rank, rank].
pub fn flatten(x: Tensor, ax: felt252) -> Tensor {
    let r = x.shape.len();
    let ri: i64 = r.into();
    let v: i64 = match ax.try_into() {
        Some(v) => v,
        None => fail('flatten', AXIS),
    };
    if v < -ri || v > ri {
        fail('flatten', AXIS);
    }
    let a: usize = (if v < 0 {
        v + ri
    } else {
        v
    }).try_into().unwrap();
    Tensor { shape: array![prod(x.shape, 0, a), prod(x.shape, a, r)].span(), data: x.data }
}

/// ONNX Squeeze: drops the listed size-1 dims, or every size-1 dim when `axes` is empty.
pub fn squeeze(x: Tensor, axes: Span<felt252>) -> Tensor {
    let r = x.shape.len();
    let mut drop: Array<bool> = array![];
    let mut d = 0;
    while d != r {
        drop.append(axes.len() == 0 && *x.shape[d] == 1);
        d += 1;
    }
    let mut drop = drop.span();
    let mut i = 0;
    while i != axes.len() {
        let a = axis(*axes[i], r, 'squeeze');
        if *x.shape[a] != 1 {
            fail('squeeze', SHAPE);
        }
        drop = replace_bool(drop, a);
        i += 1;
    }
    let mut shape: Array<usize> = array![];
    d = 0;
    while d != r {
        if !*drop[d] {
            shape.append(*x.shape[d]);
        }
        d += 1;
    }
    Tensor { shape: shape.span(), data: x.data }
}

fn replace_bool(s: Span<bool>, at: usize) -> Span<bool> {
    let mut out: Array<bool> = array![];
    let mut i = 0;
    while i != s.len() {
        out.append(i == at || *s[i]);
        i += 1;
    }
    out.span()
}

/// ONNX Unsqueeze: inserts size-1 dims at the listed positions of the output.
pub fn unsqueeze(x: Tensor, axes: Span<felt252>) -> Tensor {
    let r = x.shape.len() + axes.len();
    let mut init: Array<bool> = array![];
    let mut d = 0;
    while d != r {
        init.append(false);
        d += 1;
    }
    let mut ones = init.span();
    let mut i = 0;
    while i != axes.len() {
        let a = axis(*axes[i], r, 'unsqueeze');
        if *ones[a] {
            fail('unsqueeze', AXIS);
        }
        ones = replace_bool(ones, a);
        i += 1;
    }
    let mut shape: Array<usize> = array![];
    let mut dims = x.shape;
    d = 0;
    while d != r {
        shape.append(if *ones[d] {
            1
        } else {
            *dims.pop_front().unwrap()
        });
        d += 1;
    }
    Tensor { shape: shape.span(), data: x.data }
}

/// ONNX Concat along `axis`; all other dims must match.
pub fn concat(xs: Span<Tensor>, ax: felt252) -> Tensor {
    let op = 'concat';
    if xs.len() == 0 {
        fail(op, SHAPE);
    }
    let first = *xs[0];
    let r = first.shape.len();
    let a = axis(ax, r, op);
    let mut total = 0;
    let mut t = 0;
    while t != xs.len() {
        let x = *xs[t];
        if x.shape.len() != r {
            fail(op, SHAPE);
        }
        let mut d = 0;
        while d != r {
            if d != a && *x.shape[d] != *first.shape[d] {
                fail(op, SHAPE);
            }
            d += 1;
        }
        total += *x.shape[a];
        t += 1;
    }
    let outer = prod(first.shape, 0, a);
    let mut data: Array<felt252> = array![];
    let mut o = 0;
    while o != outer {
        let mut t = 0;
        while t != xs.len() {
            let x = *xs[t];
            let block = prod(x.shape, a, r);
            extend(ref data, x.data.slice(o * block, block));
            t += 1;
        }
        o += 1;
    }
    let mut shape: Array<usize> = array![];
    let mut d = 0;
    while d != r {
        shape.append(if d == a {
            total
        } else {
            *first.shape[d]
        });
        d += 1;
    }
    Tensor { shape: shape.span(), data: data.span() }
}

fn to_i64(v: felt252, op: felt252) -> i64 {
    match v.try_into() {
        Some(v) => v,
        None => fail(op, INDEX),
    }
}

fn clamp(v: i64, lo: i64, hi: i64) -> i64 {
    if v < lo {
        lo
    } else if v > hi {
        hi
    } else {
        v
    }
}

/// ONNX Slice: starts/ends/axes/steps as felts (negative values count from the end; clamped).
/// Empty `axes` means 0..n, empty `steps` means all 1.
pub fn slice(x: Tensor, starts: Span<felt252>, ends: Span<felt252>, axes: Span<felt252>, steps: Span<felt252>) -> Tensor {
    let op = 'slice';
    let n = starts.len();
    if ends.len() != n || (axes.len() != 0 && axes.len() != n) || (steps.len() != 0 && steps.len() != n) {
        fail(op, SHAPE);
    }
    let r = x.shape.len();
    let st = strides(x.shape);
    let mut lists = identity_lists(x).span();
    let mut d = 0;
    let mut init: Array<bool> = array![];
    while d != r {
        init.append(false);
        d += 1;
    }
    let mut touched = init.span();
    let mut i = 0;
    while i != n {
        let a = if axes.len() == 0 {
            if i >= r {
                fail(op, AXIS)
            } else {
                i
            }
        } else {
            axis(*axes[i], r, op)
        };
        let step = if steps.len() == 0 {
            1
        } else {
            to_i64(*steps[i], op)
        };
        if *touched[a] || step == 0 {
            fail(op, AXIS);
        }
        touched = replace_bool(touched, a);
        let dim: i64 = (*x.shape[a]).into();
        let mut s = to_i64(*starts[i], op);
        let mut e = to_i64(*ends[i], op);
        if s < 0 {
            s += dim;
        }
        if e < 0 {
            e += dim;
        }
        let (s, e) = if step > 0 {
            (clamp(s, 0, dim), clamp(e, 0, dim))
        } else {
            (clamp(s, 0, dim - 1), clamp(e, -1, dim - 1))
        };
        let stride: i64 = (*st[a]).into();
        let mut idx: Array<usize> = array![];
        let mut j = s;
        while (step > 0 && j < e) || (step < 0 && j > e) {
            idx.append((j * stride).try_into().unwrap());
            j += step;
        }
        lists = replace(lists, a, idx.span());
        i += 1;
    }
    Tensor { shape: lens(lists), data: gather_offsets(x.data, lists, 0) }
}

/// ONNX Gather along `axis`; `indices` (shape `indices_shape`) are integers, negative from the end.
pub fn gather(x: Tensor, indices: Span<felt252>, indices_shape: Span<usize>, ax: felt252) -> Tensor {
    let op = 'gather';
    let r = x.shape.len();
    let a = axis(ax, r, op);
    if numel(indices_shape) != indices.len() {
        fail(op, SHAPE);
    }
    let dim: i64 = (*x.shape[a]).into();
    let stride = *strides(x.shape)[a];
    let mut picked: Array<usize> = array![];
    let mut it = indices;
    while let Some(v) = it.pop_front() {
        let mut j = to_i64(*v, op);
        if j < 0 {
            j += dim;
        }
        if j < 0 || j >= dim {
            fail(op, INDEX);
        }
        let j: usize = j.try_into().unwrap();
        picked.append(j * stride);
    }
    let lists = replace(identity_lists(x).span(), a, picked.span());
    let mut shape: Array<usize> = array![];
    extend(ref shape, x.shape.slice(0, a));
    extend(ref shape, indices_shape);
    extend(ref shape, x.shape.slice(a + 1, r - a - 1));
    Tensor { shape: shape.span(), data: gather_offsets(x.data, lists, 0) }
}

/// ONNX Pad, constant mode, non-negative pads `[begin..., end...]`.
pub fn pad(x: Tensor, pads: Span<usize>, value: felt252) -> Tensor {
    let r = x.shape.len();
    if pads.len() != 2 * r {
        fail('pad', SHAPE);
    }
    let st = strides(x.shape);
    let mut lists: Array<Span<usize>> = array![];
    let mut d = 0;
    while d != r {
        let mut l: Array<usize> = array![];
        let mut i = 0;
        while i != *pads[d] {
            l.append(PAD);
            i += 1;
        }
        extend(ref l, range(*x.shape[d], *st[d]));
        i = 0;
        while i != *pads[d + r] {
            l.append(PAD);
            i += 1;
        }
        lists.append(l.span());
        d += 1;
    }
    let lists = lists.span();
    Tensor { shape: lens(lists), data: gather_offsets(x.data, lists, value) }
}

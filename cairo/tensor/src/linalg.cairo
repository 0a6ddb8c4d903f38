//! Dense ops. Products accumulate exactly in felt252 and are rescaled once per output element.

use crate::elementwise::{broadcast_offsets, broadcast_shape};
use crate::fixed::{Q, SHAPE, fail, rescale};
use crate::shape::pad;
use crate::tensor::{Tensor, extend};

/// `acc + sum(a[i] * b[i])` over the length of `a` (`b` at least as long). Sixteen products per
/// loop turn share the loop overhead; an eight-wide step shortens the tail (Conv's 5x5 = 25 taps).
pub fn dot(mut a: Span<felt252>, mut b: Span<felt252>, acc: felt252) -> felt252 {
    let mut acc = acc;
    while let Some(x) = a.multi_pop_front::<16>() {
        let y = b.multi_pop_front::<16>().unwrap();
        let [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15] = (*x).unbox();
        let [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15] = (*y).unbox();
        acc = acc
            + a0 * b0
            + a1 * b1
            + a2 * b2
            + a3 * b3
            + a4 * b4
            + a5 * b5
            + a6 * b6
            + a7 * b7
            + a8 * b8
            + a9 * b9
            + a10 * b10
            + a11 * b11
            + a12 * b12
            + a13 * b13
            + a14 * b14
            + a15 * b15;
    }
    if let Some(x) = a.multi_pop_front::<8>() {
        let y = b.multi_pop_front::<8>().unwrap();
        let [a0, a1, a2, a3, a4, a5, a6, a7] = (*x).unbox();
        let [b0, b1, b2, b3, b4, b5, b6, b7] = (*y).unbox();
        acc = acc + a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3 + a4 * b4 + a5 * b5 + a6 * b6 + a7 * b7;
    }
    if let Some(x) = a.multi_pop_front::<4>() {
        let y = b.multi_pop_front::<4>().unwrap();
        let [a0, a1, a2, a3] = (*x).unbox();
        let [b0, b1, b2, b3] = (*y).unbox();
        acc = acc + a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3;
    }
    while let Some(x) = a.pop_front() {
        acc += *x * *b.pop_front().unwrap();
    }
    acc
}

/// Row-major `[rows, cols]` matrix at `data[start..]`, transposed into a new span.
fn transposed(data: Span<felt252>, start: usize, rows: usize, cols: usize) -> Span<felt252> {
    let mut out: Array<felt252> = array![];
    let mut c = 0;
    while c != cols {
        let mut at = start + c;
        let mut r = 0;
        while r != rows {
            out.append(*data[at]);
            at += cols;
            r += 1;
        }
        c += 1;
    }
    out.span()
}

/// `out += rescale(bias_j * 2^k + A[m, k] * Bt[n, k]^T)`, `Bt` given with rows of length k.
fn matmul_rows(
    ref out: Array<felt252>, a: Span<felt252>, bt: Span<felt252>, m: usize, k: usize, n: usize, q: Q,
    op: felt252,
) {
    let mut i = 0;
    while i != m {
        let row = a.slice(i * k, k);
        let mut j = 0;
        while j != n {
            out.append(rescale(dot(row, bt.slice(j * k, k), 0), q, op));
            j += 1;
        }
        i += 1;
    }
}

/// `A[m, k] * B[k, n]` given `B` transposed (`[n, k]`): the fast path for weights a transpiler
/// stores pre-transposed.
pub fn matmul_nt(a: Tensor, bt: Tensor, q: Q) -> Tensor {
    if a.shape.len() != 2 || bt.shape.len() != 2 || *a.shape[1] != *bt.shape[1] {
        fail('matmul', SHAPE);
    }
    let (m, k, n) = (*a.shape[0], *a.shape[1], *bt.shape[0]);
    let mut out: Array<felt252> = array![];
    matmul_rows(ref out, a.data, bt.data, m, k, n, q, 'matmul');
    Tensor { shape: array![m, n].span(), data: out.span() }
}

/// ONNX MatMul (numpy semantics: 1-D operands promoted, batch dims broadcast).
pub fn matmul(a: Tensor, b: Tensor, q: Q) -> Tensor {
    let op = 'matmul';
    let (ra, rb) = (a.shape.len(), b.shape.len());
    if ra == 0 || rb == 0 {
        fail(op, SHAPE);
    }
    let sa = if ra == 1 {
        array![1, *a.shape[0]].span()
    } else {
        a.shape
    };
    let sb = if rb == 1 {
        array![*b.shape[0], 1].span()
    } else {
        b.shape
    };
    let (m, k) = (*sa[sa.len() - 2], *sa[sa.len() - 1]);
    let (k2, n) = (*sb[sb.len() - 2], *sb[sb.len() - 1]);
    if k != k2 {
        fail(op, SHAPE);
    }
    let ba = sa.slice(0, sa.len() - 2);
    let bb = sb.slice(0, sb.len() - 2);
    let batch = broadcast_shape(ba, bb, op);
    let mut oa = broadcast_offsets(ba, batch);
    let mut ob = broadcast_offsets(bb, batch);
    let mut out: Array<felt252> = array![];
    while let Some(ia) = oa.pop_front() {
        let ib = *ob.pop_front().unwrap();
        let bt = transposed(b.data, ib * k * n, k, n);
        matmul_rows(ref out, a.data.slice(*ia * m * k, m * k), bt, m, k, n, q, op);
    }
    let mut shape: Array<usize> = array![];
    extend(ref shape, batch);
    if ra > 1 {
        shape.append(m);
    }
    if rb > 1 {
        shape.append(n);
    }
    Tensor { shape: shape.span(), data: out.span() }
}

/// ONNX Gemm: `alpha * A' * B' + beta * C` (`C` broadcast to `[M, N]`); alpha and beta are raw
/// fixed-point values. With alpha = 1.0 the product is rescaled once together with `beta * C`.
pub fn gemm(
    a: Tensor, b: Tensor, c: Option<Tensor>, alpha: felt252, beta: felt252, trans_a: bool,
    trans_b: bool, q: Q,
) -> Tensor {
    let op = 'gemm';
    if a.shape.len() != 2 || b.shape.len() != 2 {
        fail(op, SHAPE);
    }
    let (m, k) = if trans_a {
        (*a.shape[1], *a.shape[0])
    } else {
        (*a.shape[0], *a.shape[1])
    };
    let (k2, n) = if trans_b {
        (*b.shape[1], *b.shape[0])
    } else {
        (*b.shape[0], *b.shape[1])
    };
    if k != k2 {
        fail(op, SHAPE);
    }
    let shape = array![m, n].span();
    let ad = if trans_a {
        transposed(a.data, 0, k, m)
    } else {
        a.data
    };
    let bt = if trans_b {
        b.data
    } else {
        transposed(b.data, 0, k, n)
    };
    let (cdata, mut oc) = match c {
        Some(c) => {
            if broadcast_shape(c.shape, shape, op) != shape {
                fail(op, SHAPE);
            }
            (c.data, broadcast_offsets(c.shape, shape))
        },
        None => (array![].span(), array![].span()),
    };
    let one = q.one_felt;
    let mut out: Array<felt252> = array![];
    let mut i = 0;
    while i != m {
        let row = ad.slice(i * k, k);
        let mut j = 0;
        while j != n {
            let mut acc = dot(row, bt.slice(j * k, k), 0);
            if alpha != one {
                acc = rescale(acc, q, op) * alpha;
            }
            if let Some(at) = oc.pop_front() {
                acc += *cdata[*at] * beta;
            }
            out.append(rescale(acc, q, op));
            j += 1;
        }
        i += 1;
    }
    Tensor { shape, data: out.span() }
}

/// Kernel, strides, pads (`[begin..., end...]`, ONNX order) and dilations for 1 or 2 spatial dims.
#[derive(Copy, Drop, Serde)]
pub struct Window {
    pub kernel: Span<usize>,
    pub strides: Span<usize>,
    pub pads: Span<usize>,
    pub dilations: Span<usize>,
}

/// One spatial axis of a window, normalized so 1-D ops run as 2-D with height 1.
#[derive(Copy, Drop)]
pub struct Axis2 {
    pub input: usize,
    pub kernel: usize,
    pub stride: usize,
    pub pad: usize,
    pub pad_end: usize,
    pub dilation: usize,
    pub out: usize,
}

const UNIT: Axis2 = Axis2 { input: 1, kernel: 1, stride: 1, pad: 0, pad_end: 0, dilation: 1, out: 1 };

/// The (height, width) axes of `w` over `spatial` (1 or 2 dims).
pub fn window_axes(spatial: Span<usize>, w: Window, op: felt252) -> (Axis2, Axis2) {
    let d = spatial.len();
    if d == 0
        || d > 2
        || w.kernel.len() != d
        || w.strides.len() != d
        || w.dilations.len() != d
        || w.pads.len() != 2 * d {
        fail(op, SHAPE);
    }
    let last = one_axis(spatial, w, d - 1, op);
    if d == 1 {
        (UNIT, last)
    } else {
        (one_axis(spatial, w, 0, op), last)
    }
}

fn one_axis(spatial: Span<usize>, w: Window, i: usize, op: felt252) -> Axis2 {
    let d = spatial.len();
    let (k, s, dl) = (*w.kernel[i], *w.strides[i], *w.dilations[i]);
    if k == 0 || s == 0 || dl == 0 {
        fail(op, SHAPE);
    }
    let span = dl * (k - 1) + 1;
    let padded = *spatial[i] + *w.pads[i] + *w.pads[i + d];
    if padded < span {
        fail(op, SHAPE);
    }
    Axis2 {
        input: *spatial[i], kernel: k, stride: s, pad: *w.pads[i], pad_end: *w.pads[i + d],
        dilation: dl,
        out: (padded - span) / s + 1,
    }
}

/// ONNX Conv (1-D or 2-D, explicit pads, groups). The padded input is unrolled into one patch row
/// per output position (im2col), so each output element is a single dot product with a kernel.
pub fn conv(x: Tensor, w: Tensor, bias: Option<Tensor>, win: Window, group: usize, q: Q) -> Tensor {
    let op = 'conv';
    let rank = x.shape.len();
    if rank < 3 || rank > 4 || rank != w.shape.len() || group == 0 {
        fail(op, SHAPE);
    }
    let (batch, c) = (*x.shape[0], *x.shape[1]);
    let (m, cg) = (*w.shape[0], *w.shape[1]);
    if c != cg * group || m % group != 0 || w.shape.slice(2, rank - 2) != win.kernel {
        fail(op, SHAPE);
    }
    let bias_data = match bias {
        Some(b) => {
            if b.shape != array![m].span() {
                fail(op, SHAPE);
            }
            b.data
        },
        None => array![].span(),
    };
    let (h, wd) = window_axes(x.shape.slice(2, rank - 2), win, op);
    // Zero padding contributes nothing to a sum, so pad once and index without bounds tests.
    let mut pads: Array<usize> = array![0, 0];
    if rank == 4 {
        pads.append(h.pad);
    }
    pads.append(wd.pad);
    pads.append(0);
    pads.append(0);
    if rank == 4 {
        pads.append(h.pad_end);
    }
    pads.append(wd.pad_end);
    let (ih_pad, iw_pad) = (h.input + h.pad + h.pad_end, wd.input + wd.pad + wd.pad_end);
    let xp = pad(x, pads.span(), 0).data;
    let plane = ih_pad * iw_pad;
    let kernel = cg * h.kernel * wd.kernel;
    let mg = m / group;
    let one = q.one_felt;
    let mut out: Array<felt252> = array![];
    // out is [batch, m, oh, ow]; patches are built per (batch, group) and reused by its mg kernels.
    let mut per_group: Array<Span<felt252>> = array![];
    let mut nb = 0;
    while nb != batch {
        let mut g = 0;
        while g != group {
            per_group.append(patches(xp, (nb * c + g * cg) * plane, cg, plane, iw_pad, h, wd));
            g += 1;
        }
        let mut oc = 0;
        while oc != m {
            let ps = *per_group[nb * group + oc / mg];
            let kw = w.data.slice(oc * kernel, kernel);
            let b0 = if bias_data.len() == 0 {
                0
            } else {
                *bias_data[oc] * one
            };
            let mut p = 0;
            let npos = h.out * wd.out;
            while p != npos {
                out.append(rescale(dot(kw, ps.slice(p * kernel, kernel), b0), q, op));
                p += 1;
            }
            oc += 1;
        }
        nb += 1;
    }
    let mut shape: Array<usize> = array![batch, m];
    if rank == 4 {
        shape.append(h.out);
    }
    shape.append(wd.out);
    Tensor { shape: shape.span(), data: out.span() }
}

/// im2col of `cg` padded planes from `start`: one row of `cg * kh * kw` taps per output position.
fn patches(
    xp: Span<felt252>, start: usize, cg: usize, plane: usize, row_len: usize, h: Axis2, w: Axis2,
) -> Span<felt252> {
    let mut out: Array<felt252> = array![];
    let mut oy = 0;
    while oy != h.out {
        let mut ox = 0;
        while ox != w.out {
            let mut ci = 0;
            while ci != cg {
                let mut ky = 0;
                while ky != h.kernel {
                    let row = start + ci * plane + (oy * h.stride + ky * h.dilation) * row_len;
                    let x0 = row + ox * w.stride;
                    if w.dilation == 1 {
                        extend(ref out, xp.slice(x0, w.kernel));
                    } else {
                        let mut kx = 0;
                        while kx != w.kernel {
                            out.append(*xp[x0 + kx * w.dilation]);
                            kx += 1;
                        }
                    }
                    ky += 1;
                }
                ci += 1;
            }
            ox += 1;
        }
        oy += 1;
    }
    out.span()
}

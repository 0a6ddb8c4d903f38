//! Pooling over 1 or 2 spatial dims; padded positions never count as values.

use crate::fixed;
use crate::fixed::{SHAPE, fail};
use crate::linalg::{Axis2, Window, window_axes};
use crate::tensor::{Tensor, prod};

/// Input index for output position `o` and kernel tap `t`, or None inside the padding.
fn tap(a: Axis2, o: usize, t: usize) -> Option<usize> {
    let i = o * a.stride + t * a.dilation;
    if i < a.pad || i - a.pad >= a.input {
        None
    } else {
        Some(i - a.pad)
    }
}

#[derive(Copy, Drop, PartialEq)]
enum Kind {
    Max,
    Average: bool,
}

fn pool(x: Tensor, win: Window, kind: Kind, op: felt252) -> Tensor {
    let rank = x.shape.len();
    if rank < 3 || rank > 4 {
        fail(op, SHAPE);
    }
    let (h, w) = window_axes(x.shape.slice(2, rank - 2), win, op);
    let planes = *x.shape[0] * *x.shape[1];
    if kind == Kind::Max && h.pad + h.pad_end + w.pad + w.pad_end == 0 && w.dilation == 1 {
        return max_pool_unpadded(x, h, w, planes, rank);
    }
    let full: felt252 = (h.kernel * w.kernel).into();
    let mut out: Array<felt252> = array![];
    let mut p = 0;
    while p != planes {
        let mut oy = 0;
        while oy != h.out {
            let mut ox = 0;
            while ox != w.out {
                let mut count: usize = 0;
                let mut acc: felt252 = 0;
                let mut ky = 0;
                while ky != h.kernel {
                    if let Some(iy) = tap(h, oy, ky) {
                        let mut kx = 0;
                        while kx != w.kernel {
                            if let Some(ix) = tap(w, ox, kx) {
                                let v = *x.data[(p * h.input + iy) * w.input + ix];
                                acc =
                                    if kind == Kind::Max && count != 0 {
                                        fixed::max(acc, v)
                                    } else if kind == Kind::Max {
                                        v
                                    } else {
                                        acc + v
                                    };
                                count += 1;
                            }
                            kx += 1;
                        }
                    }
                    ky += 1;
                }
                if count == 0 {
                    fail(op, SHAPE);
                }
                out
                    .append(
                        match kind {
                            Kind::Max => acc,
                            Kind::Average(include_pad) => {
                                let n: u128 = if include_pad {
                                    full.try_into().unwrap()
                                } else {
                                    count.into()
                                };
                                fixed::check(fixed::round_div(acc, n.try_into().unwrap(), op), op)
                            },
                        },
                    );
                ox += 1;
            }
            oy += 1;
        }
        p += 1;
    }
    let mut shape: Array<usize> = array![*x.shape[0], *x.shape[1]];
    if rank == 4 {
        shape.append(h.out);
    }
    shape.append(w.out);
    Tensor { shape: shape.span(), data: out.span() }
}

/// MaxPool without padding and with contiguous kernel rows: every tap is valid, so each kernel
/// row is one slice and values are compared as integers once each.
fn max_pool_unpadded(x: Tensor, h: Axis2, w: Axis2, planes: usize, rank: usize) -> Tensor {
    let mut out: Array<felt252> = array![];
    let mut p = 0;
    while p != planes {
        let mut oy = 0;
        while oy != h.out {
            let mut ox = 0;
            while ox != w.out {
                let mut best_value = 0;
                let mut best: i64 = 0;
                let mut first = true;
                let mut ky = 0;
                while ky != h.kernel {
                    let iy = oy * h.stride + ky * h.dilation;
                    let mut row = x.data.slice((p * h.input + iy) * w.input + ox * w.stride, w.kernel);
                    while let Some(v) = row.pop_front() {
                        let s = fixed::signed(*v, 'max_pool');
                        if first || s > best {
                            best = s;
                            best_value = *v;
                            first = false;
                        }
                    }
                    ky += 1;
                }
                out.append(best_value);
                ox += 1;
            }
            oy += 1;
        }
        p += 1;
    }
    let mut shape: Array<usize> = array![*x.shape[0], *x.shape[1]];
    if rank == 4 {
        shape.append(h.out);
    }
    shape.append(w.out);
    Tensor { shape: shape.span(), data: out.span() }
}

/// ONNX MaxPool (ceil_mode 0). A window entirely inside the padding is rejected.
pub fn max_pool(x: Tensor, win: Window) -> Tensor {
    pool(x, win, Kind::Max, 'max_pool')
}

/// ONNX AveragePool (ceil_mode 0): the sum over the window size (`count_include_pad`) or over the
/// number of real values, rounded half away from zero.
pub fn average_pool(x: Tensor, win: Window, count_include_pad: bool) -> Tensor {
    pool(x, win, Kind::Average(count_include_pad), 'average_pool')
}

/// ONNX GlobalAveragePool: the mean of each plane, kept as size-1 spatial dims.
pub fn global_average_pool(x: Tensor) -> Tensor {
    let op = 'global_average_pool';
    let rank = x.shape.len();
    if rank < 3 {
        fail(op, SHAPE);
    }
    let plane = prod(x.shape, 2, rank);
    if plane == 0 {
        fail(op, SHAPE);
    }
    let n: u128 = plane.into();
    let nz: NonZero<u128> = n.try_into().unwrap();
    let mut out: Array<felt252> = array![];
    let mut data = x.data;
    while data.len() != 0 {
        let mut s: felt252 = 0;
        let mut i = 0;
        while i != plane {
            s += *data.pop_front().unwrap();
            i += 1;
        }
        out.append(fixed::check(fixed::round_div(s, nz, op), op));
    }
    let mut shape: Array<usize> = array![*x.shape[0], *x.shape[1]];
    let mut i = 2;
    while i != rank {
        shape.append(1);
        i += 1;
    }
    Tensor { shape: shape.span(), data: out.span() }
}

//! Dense ops: products accumulate exactly and are rescaled once per output element.

use crate::elementwise::{broadcast_offsets, broadcast_shape};
use crate::{FixedError, Reason, Tensor, Wide, Q};

/// ONNX MatMul (numpy semantics: 1-D operands promoted, batch dimensions broadcast).
pub fn matmul(q: Q, a: &Tensor, b: &Tensor) -> Result<Tensor, FixedError> {
    let op = "matmul";
    if a.rank() == 0 || b.rank() == 0 {
        return Err(FixedError::new(op, Reason::Shape));
    }
    let mut sa = a.shape.clone();
    let mut sb = b.shape.clone();
    if sa.len() == 1 {
        sa.insert(0, 1);
    }
    if sb.len() == 1 {
        sb.push(1);
    }
    let (m, k) = (sa[sa.len() - 2], sa[sa.len() - 1]);
    let (k2, n) = (sb[sb.len() - 2], sb[sb.len() - 1]);
    if k != k2 {
        return Err(FixedError::new(op, Reason::Shape));
    }
    let batch = broadcast_shape(op, &sa[..sa.len() - 2], &sb[..sb.len() - 2])?;
    let oa = broadcast_offsets(&sa[..sa.len() - 2], &batch);
    let ob = broadcast_offsets(&sb[..sb.len() - 2], &batch);
    let mut data = Vec::with_capacity(oa.len() * m * n);
    for (&ba, &bb) in oa.iter().zip(&ob) {
        for i in 0..m {
            for j in 0..n {
                let mut acc = Wide::default();
                for t in 0..k {
                    acc.mac(
                        a.data[ba * m * k + i * k + t],
                        b.data[bb * k * n + t * n + j],
                    );
                }
                data.push(q.rescale(op, acc)?);
            }
        }
    }
    let mut shape = batch;
    if a.rank() > 1 {
        shape.push(m);
    }
    if b.rank() > 1 {
        shape.push(n);
    }
    Ok(Tensor { shape, data })
}

/// ONNX Gemm: `alpha * A' * B' + beta * C`, `C` broadcast to `[M, N]`; alpha and beta are raw
/// fixed-point values. With alpha = 1.0 the product is rescaled once together with `beta * C`.
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    q: Q,
    a: &Tensor,
    b: &Tensor,
    c: Option<&Tensor>,
    alpha: i64,
    beta: i64,
    trans_a: bool,
    trans_b: bool,
) -> Result<Tensor, FixedError> {
    let op = "gemm";
    if a.rank() != 2 || b.rank() != 2 {
        return Err(FixedError::new(op, Reason::Shape));
    }
    let (m, k) = if trans_a {
        (a.shape[1], a.shape[0])
    } else {
        (a.shape[0], a.shape[1])
    };
    let (k2, n) = if trans_b {
        (b.shape[1], b.shape[0])
    } else {
        (b.shape[0], b.shape[1])
    };
    if k != k2 {
        return Err(FixedError::new(op, Reason::Shape));
    }
    let out = vec![m, n];
    let oc = match c {
        Some(c) => {
            if broadcast_shape(op, &c.shape, &out)? != out {
                return Err(FixedError::new(op, Reason::Shape));
            }
            Some(broadcast_offsets(&c.shape, &out))
        }
        None => None,
    };
    let one = q.one();
    let mut data = Vec::with_capacity(m * n);
    for i in 0..m {
        for j in 0..n {
            let mut acc = Wide::default();
            for t in 0..k {
                let x = if trans_a {
                    a.data[t * m + i]
                } else {
                    a.data[i * k + t]
                };
                let y = if trans_b {
                    b.data[j * k + t]
                } else {
                    b.data[t * n + j]
                };
                acc.mac(x, y);
            }
            if alpha != one {
                let p = q.rescale(op, acc)?;
                acc = Wide::new(i128::from(p) * i128::from(alpha));
            }
            if let (Some(c), Some(oc)) = (c, &oc) {
                acc.add(i128::from(c.data[oc[i * n + j]]) * i128::from(beta));
            }
            data.push(q.rescale(op, acc)?);
        }
    }
    Ok(Tensor { shape: out, data })
}

/// Attributes shared by Conv and the pools, for 1 or 2 spatial dimensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    pub kernel: Vec<usize>,
    pub strides: Vec<usize>,
    /// Begin pads of every spatial dim, then end pads (ONNX order).
    pub pads: Vec<usize>,
    pub dilations: Vec<usize>,
}

/// A window normalized to two spatial dims: (in, kernel, stride, pad begin, pad end, dilation, out).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Axis2 {
    pub input: usize,
    pub kernel: usize,
    pub stride: usize,
    pub pad: usize,
    pub dilation: usize,
    pub out: usize,
}

/// Normalizes `w` against spatial input dims (1 or 2) to two axes (height, width).
pub(crate) fn window_axes(
    op: &'static str,
    spatial: &[usize],
    w: &Window,
) -> Result<[Axis2; 2], FixedError> {
    let d = spatial.len();
    let bad = || FixedError::new(op, Reason::Shape);
    if !(1..=2).contains(&d)
        || w.kernel.len() != d
        || w.strides.len() != d
        || w.dilations.len() != d
        || w.pads.len() != 2 * d
    {
        return Err(bad());
    }
    let mut axes = [Axis2 {
        input: 1,
        kernel: 1,
        stride: 1,
        pad: 0,
        dilation: 1,
        out: 1,
    }; 2];
    for i in 0..d {
        let (k, s, dl) = (w.kernel[i], w.strides[i], w.dilations[i]);
        if k == 0 || s == 0 || dl == 0 {
            return Err(bad());
        }
        let span = dl * (k - 1) + 1;
        let padded = spatial[i] + w.pads[i] + w.pads[i + d];
        if padded < span {
            return Err(bad());
        }
        axes[2 - d + i] = Axis2 {
            input: spatial[i],
            kernel: k,
            stride: s,
            pad: w.pads[i],
            dilation: dl,
            out: (padded - span) / s + 1,
        };
    }
    Ok(axes)
}

/// Input index for output position `o` and kernel tap `t`, or None inside the padding.
pub(crate) fn tap(a: &Axis2, o: usize, t: usize) -> Option<usize> {
    (o * a.stride + t * a.dilation)
        .checked_sub(a.pad)
        .filter(|&i| i < a.input)
}

/// ONNX Conv (1-D or 2-D, explicit pads, groups); bias added before the single rescale.
pub fn conv(
    q: Q,
    x: &Tensor,
    w: &Tensor,
    bias: Option<&Tensor>,
    win: &Window,
    group: usize,
) -> Result<Tensor, FixedError> {
    let op = "conv";
    let bad = || FixedError::new(op, Reason::Shape);
    if x.rank() < 3 || x.rank() != w.rank() || group == 0 {
        return Err(bad());
    }
    let (batch, c) = (x.shape[0], x.shape[1]);
    let (m, cg) = (w.shape[0], w.shape[1]);
    if c != cg * group || m % group != 0 || w.shape[2..] != win.kernel[..] {
        return Err(bad());
    }
    if let Some(b) = bias {
        if b.shape != [m] {
            return Err(bad());
        }
    }
    let [h, wd] = window_axes(op, &x.shape[2..], win)?;
    let (ih, iw) = (h.input, wd.input);
    let mg = m / group;
    let mut data = Vec::with_capacity(batch * m * h.out * wd.out);
    for nb in 0..batch {
        for oc in 0..m {
            let g = oc / mg;
            for oy in 0..h.out {
                for ox in 0..wd.out {
                    let mut acc = Wide::new(bias.map_or(0, |b| i128::from(b.data[oc]) << q.bits()));
                    for ci in 0..cg {
                        let ch = g * cg + ci;
                        for ky in 0..h.kernel {
                            let Some(iy) = tap(&h, oy, ky) else { continue };
                            for kx in 0..wd.kernel {
                                let Some(ix) = tap(&wd, ox, kx) else { continue };
                                let xv = x.data[((nb * c + ch) * ih + iy) * iw + ix];
                                let wv = w.data[((oc * cg + ci) * h.kernel + ky) * wd.kernel + kx];
                                acc.mac(xv, wv);
                            }
                        }
                    }
                    data.push(q.rescale(op, acc)?);
                }
            }
        }
    }
    let mut shape = vec![batch, m];
    if x.rank() == 4 {
        shape.push(h.out);
    }
    shape.push(wd.out);
    Ok(Tensor { shape, data })
}

/// `A[m, k] * B[k, n]` with `B` given transposed (`[n, k]`): the fast path for stored weights.
pub fn matmul_nt(q: Q, a: &Tensor, bt: &Tensor) -> Result<Tensor, FixedError> {
    if a.rank() != 2 || bt.rank() != 2 || a.shape[1] != bt.shape[1] {
        return Err(FixedError::new("matmul", Reason::Shape));
    }
    let (m, k, n) = (a.shape[0], a.shape[1], bt.shape[0]);
    let mut data = Vec::with_capacity(m * n);
    for i in 0..m {
        for j in 0..n {
            let mut acc = Wide::default();
            for t in 0..k {
                acc.mac(a.data[i * k + t], bt.data[j * k + t]);
            }
            data.push(q.rescale("matmul", acc)?);
        }
    }
    Ok(Tensor {
        shape: vec![m, n],
        data,
    })
}

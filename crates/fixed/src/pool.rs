//! Pooling over 1 or 2 spatial dims; padded positions never count as values.

use crate::linalg::{tap, window_axes, Window};
use crate::{check, round_div, FixedError, Reason, Tensor};

fn pool(
    op: &'static str,
    x: &Tensor,
    win: &Window,
    f: impl Fn(&[i64], usize) -> Result<i64, FixedError>,
) -> Result<Tensor, FixedError> {
    if x.rank() < 3 {
        return Err(FixedError::new(op, Reason::Shape));
    }
    let [h, w] = window_axes(op, &x.shape[2..], win)?;
    let planes = x.shape[0] * x.shape[1];
    let mut data = Vec::with_capacity(planes * h.out * w.out);
    let mut taken = Vec::with_capacity(h.kernel * w.kernel);
    for p in 0..planes {
        for oy in 0..h.out {
            for ox in 0..w.out {
                taken.clear();
                for ky in 0..h.kernel {
                    let Some(iy) = tap(&h, oy, ky) else { continue };
                    for kx in 0..w.kernel {
                        let Some(ix) = tap(&w, ox, kx) else { continue };
                        taken.push(x.data[(p * h.input + iy) * w.input + ix]);
                    }
                }
                data.push(f(&taken, h.kernel * w.kernel)?);
            }
        }
    }
    let mut shape = x.shape[..2].to_vec();
    if x.rank() == 4 {
        shape.push(h.out);
    }
    shape.push(w.out);
    Ok(Tensor { shape, data })
}

/// ONNX MaxPool (ceil_mode 0). A window entirely inside the padding is rejected.
pub fn max_pool(x: &Tensor, win: &Window) -> Result<Tensor, FixedError> {
    pool("max_pool", x, win, |v, _| {
        v.iter()
            .copied()
            .max()
            .ok_or(FixedError::new("max_pool", Reason::Shape))
    })
}

/// ONNX AveragePool (ceil_mode 0): the sum divided by the window size (`count_include_pad`) or by
/// the number of real values, rounded half away from zero.
pub fn average_pool(
    x: &Tensor,
    win: &Window,
    count_include_pad: bool,
) -> Result<Tensor, FixedError> {
    pool("average_pool", x, win, |v, full| {
        let n = if count_include_pad { full } else { v.len() };
        if v.is_empty() {
            return Err(FixedError::new("average_pool", Reason::Shape));
        }
        let s: i128 = v.iter().map(|&x| i128::from(x)).sum();
        check("average_pool", round_div(s, n as u128))
    })
}

/// ONNX GlobalAveragePool: mean over all spatial positions, keeping them as size-1 dims.
pub fn global_average_pool(x: &Tensor) -> Result<Tensor, FixedError> {
    if x.rank() < 3 {
        return Err(FixedError::new("global_average_pool", Reason::Shape));
    }
    let plane: usize = x.shape[2..].iter().product();
    if plane == 0 {
        return Err(FixedError::new("global_average_pool", Reason::Shape));
    }
    let data = x
        .data
        .chunks(plane)
        .map(|c| {
            check(
                "global_average_pool",
                round_div(c.iter().map(|&v| i128::from(v)).sum(), plane as u128),
            )
        })
        .collect::<Result<_, _>>()?;
    let mut shape = x.shape[..2].to_vec();
    shape.extend(std::iter::repeat_n(1, x.rank() - 2));
    Ok(Tensor { shape, data })
}

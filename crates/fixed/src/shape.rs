//! Layout ops: values move, never change.

use crate::tensor::{axis, strides};
use crate::{FixedError, Reason, Tensor};

fn err(op: &'static str, reason: Reason) -> FixedError {
    FixedError::new(op, reason)
}

/// Copies `x` through per-output-dim offset lists (`None` = padding, filled with `fill`).
pub(crate) fn gather_offsets(x: &Tensor, lists: &[Vec<Option<usize>>], fill: i64) -> Vec<i64> {
    let mut out = Vec::with_capacity(lists.iter().map(Vec::len).product());
    fn walk(
        x: &Tensor,
        lists: &[Vec<Option<usize>>],
        base: Option<usize>,
        fill: i64,
        out: &mut Vec<i64>,
    ) {
        match lists.split_first() {
            None => out.push(base.map_or(fill, |b| x.data[b])),
            Some((first, rest)) => {
                for o in first {
                    walk(x, rest, base.zip(*o).map(|(b, o)| b + o), fill, out);
                }
            }
        }
    }
    walk(x, lists, Some(0), fill, &mut out);
    out
}

/// ONNX Transpose; `perm` defaults to reversing the dims.
pub fn transpose(x: &Tensor, perm: Option<&[i64]>) -> Result<Tensor, FixedError> {
    let r = x.rank();
    let perm: Vec<usize> = match perm {
        Some(p) => p
            .iter()
            .map(|&a| axis("transpose", a, r))
            .collect::<Result<_, _>>()?,
        None => (0..r).rev().collect(),
    };
    let mut seen = vec![false; r];
    if perm.len() != r || perm.iter().any(|&p| std::mem::replace(&mut seen[p], true)) {
        return Err(err("transpose", Reason::Axis));
    }
    let st = x.strides();
    let lists: Vec<_> = perm
        .iter()
        .map(|&p| (0..x.shape[p]).map(|i| Some(i * st[p])).collect())
        .collect();
    Ok(Tensor {
        shape: perm.iter().map(|&p| x.shape[p]).collect(),
        data: gather_offsets(x, &lists, 0),
    })
}

/// ONNX Reshape (allowzero = 0): 0 copies the input dim, one -1 is inferred.
pub fn reshape(x: &Tensor, shape: &[i64]) -> Result<Tensor, FixedError> {
    let op = "reshape";
    let mut out = Vec::with_capacity(shape.len());
    let mut infer = None;
    for (i, &d) in shape.iter().enumerate() {
        match d {
            -1 if infer.is_none() => {
                infer = Some(i);
                out.push(1);
            }
            0 => out.push(*x.shape.get(i).ok_or(err(op, Reason::Shape))?),
            d if d > 0 => out.push(d as usize),
            _ => return Err(err(op, Reason::Shape)),
        }
    }
    let known: usize = out.iter().product();
    if let Some(i) = infer {
        if known == 0 || !x.len().is_multiple_of(known) {
            return Err(err(op, Reason::Shape));
        }
        out[i] = x.len() / known;
    }
    if out.iter().product::<usize>() != x.len() {
        return Err(err(op, Reason::Shape));
    }
    Ok(Tensor {
        shape: out,
        data: x.data.clone(),
    })
}

/// ONNX Flatten: `[prod(dims[..axis]), prod(dims[axis..])]`.
pub fn flatten(x: &Tensor, ax: i64) -> Result<Tensor, FixedError> {
    let r = x.rank() as i64;
    if ax < -r || ax > r {
        return Err(err("flatten", Reason::Axis));
    }
    let a = if ax < 0 { ax + r } else { ax } as usize;
    let outer = x.shape[..a].iter().product();
    let inner = x.shape[a..].iter().product();
    Ok(Tensor {
        shape: vec![outer, inner],
        data: x.data.clone(),
    })
}

/// ONNX Squeeze: drops the listed size-1 dims, or every size-1 dim.
pub fn squeeze(x: &Tensor, axes: Option<&[i64]>) -> Result<Tensor, FixedError> {
    let r = x.rank();
    let mut drop = vec![false; r];
    match axes {
        Some(list) => {
            for &a in list {
                let a = axis("squeeze", a, r)?;
                if x.shape[a] != 1 {
                    return Err(err("squeeze", Reason::Shape));
                }
                drop[a] = true;
            }
        }
        None => (0..r).for_each(|i| drop[i] = x.shape[i] == 1),
    }
    let shape = (0..r).filter(|&i| !drop[i]).map(|i| x.shape[i]).collect();
    Ok(Tensor {
        shape,
        data: x.data.clone(),
    })
}

/// ONNX Unsqueeze: inserts size-1 dims at the listed positions of the output.
pub fn unsqueeze(x: &Tensor, axes: &[i64]) -> Result<Tensor, FixedError> {
    let r = x.rank() + axes.len();
    let mut ones = vec![false; r];
    for &a in axes {
        let a = axis("unsqueeze", a, r)?;
        if ones[a] {
            return Err(err("unsqueeze", Reason::Axis));
        }
        ones[a] = true;
    }
    let mut dims = x.shape.iter();
    let shape = ones
        .iter()
        .map(|&one| {
            if one {
                1
            } else {
                *dims.next().expect("rank adds up")
            }
        })
        .collect();
    Ok(Tensor {
        shape,
        data: x.data.clone(),
    })
}

/// ONNX Concat along `axis`; all other dims must match.
pub fn concat(xs: &[&Tensor], ax: i64) -> Result<Tensor, FixedError> {
    let op = "concat";
    let first = xs.first().ok_or(err(op, Reason::Shape))?;
    let a = axis(op, ax, first.rank())?;
    for x in xs {
        if x.rank() != first.rank() || (0..x.rank()).any(|i| i != a && x.shape[i] != first.shape[i])
        {
            return Err(err(op, Reason::Shape));
        }
    }
    let outer: usize = first.shape[..a].iter().product();
    let mut data = Vec::new();
    for o in 0..outer {
        for x in xs {
            let block = x.shape[a..].iter().product::<usize>();
            data.extend_from_slice(&x.data[o * block..(o + 1) * block]);
        }
    }
    let mut shape = first.shape.clone();
    shape[a] = xs.iter().map(|x| x.shape[a]).sum();
    Ok(Tensor { shape, data })
}

/// ONNX Slice with starts/ends/axes/steps (negative values count from the end; clamped).
pub fn slice(
    x: &Tensor,
    starts: &[i64],
    ends: &[i64],
    axes: Option<&[i64]>,
    steps: Option<&[i64]>,
) -> Result<Tensor, FixedError> {
    let op = "slice";
    let n = starts.len();
    let default_axes: Vec<i64> = (0..n as i64).collect();
    let axes = axes.unwrap_or(&default_axes);
    let ones = vec![1; n];
    let steps = steps.unwrap_or(&ones);
    if ends.len() != n || axes.len() != n || steps.len() != n {
        return Err(err(op, Reason::Shape));
    }
    let st = x.strides();
    let mut lists: Vec<Vec<Option<usize>>> = (0..x.rank())
        .map(|d| (0..x.shape[d]).map(|i| Some(i * st[d])).collect())
        .collect();
    let mut touched = vec![false; x.rank()];
    for i in 0..n {
        let a = axis(op, axes[i], x.rank())?;
        if std::mem::replace(&mut touched[a], true) || steps[i] == 0 {
            return Err(err(op, Reason::Axis));
        }
        let dim = x.shape[a] as i64;
        let norm = |v: i64| if v < 0 { v + dim } else { v };
        let step = steps[i];
        let (s, e) = if step > 0 {
            (norm(starts[i]).clamp(0, dim), norm(ends[i]).clamp(0, dim))
        } else {
            (
                norm(starts[i]).clamp(0, dim - 1),
                norm(ends[i]).clamp(-1, dim - 1),
            )
        };
        let mut idx = Vec::new();
        let mut j = s;
        while (step > 0 && j < e) || (step < 0 && j > e) {
            idx.push(Some(j as usize * st[a]));
            j += step;
        }
        lists[a] = idx;
    }
    let shape = lists.iter().map(Vec::len).collect();
    Ok(Tensor {
        shape,
        data: gather_offsets(x, &lists, 0),
    })
}

/// ONNX Gather along `axis`; `indices` are plain integers (negative count from the end).
pub fn gather(
    x: &Tensor,
    indices: &[i64],
    indices_shape: &[usize],
    ax: i64,
) -> Result<Tensor, FixedError> {
    let op = "gather";
    let a = axis(op, ax, x.rank())?;
    if indices_shape.iter().product::<usize>() != indices.len() {
        return Err(err(op, Reason::Shape));
    }
    let dim = x.shape[a] as i64;
    let st = x.strides();
    let mut lists: Vec<Vec<Option<usize>>> = (0..x.rank())
        .map(|d| (0..x.shape[d]).map(|i| Some(i * st[d])).collect())
        .collect();
    let picked = indices
        .iter()
        .map(|&i| {
            let j = if i < 0 { i + dim } else { i };
            if !(0..dim).contains(&j) {
                return Err(err(op, Reason::Index));
            }
            Ok(Some(j as usize * st[a]))
        })
        .collect::<Result<Vec<_>, _>>()?;
    lists[a] = picked;
    let flat = Tensor {
        shape: lists.iter().map(Vec::len).collect(),
        data: gather_offsets(x, &lists, 0),
    };
    let mut shape = x.shape[..a].to_vec();
    shape.extend_from_slice(indices_shape);
    shape.extend_from_slice(&x.shape[a + 1..]);
    Ok(Tensor {
        shape,
        data: flat.data,
    })
}

/// ONNX Pad, constant mode, non-negative pads `[begin..., end...]`.
pub fn pad(x: &Tensor, pads: &[usize], value: i64) -> Result<Tensor, FixedError> {
    let r = x.rank();
    if pads.len() != 2 * r {
        return Err(err("pad", Reason::Shape));
    }
    let st = strides(&x.shape);
    let lists: Vec<Vec<Option<usize>>> = (0..r)
        .map(|d| {
            let mut l = vec![None; pads[d]];
            l.extend((0..x.shape[d]).map(|i| Some(i * st[d])));
            l.extend(std::iter::repeat_n(None, pads[d + r]));
            l
        })
        .collect();
    Ok(Tensor {
        shape: lists.iter().map(Vec::len).collect(),
        data: gather_offsets(x, &lists, value),
    })
}

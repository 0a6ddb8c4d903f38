use crate::{FixedError, Reason};

/// A dense row-major tensor of raw fixed-point values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<i64>,
}

impl Tensor {
    pub fn new(shape: Vec<usize>, data: Vec<i64>) -> Result<Tensor, FixedError> {
        if shape.iter().product::<usize>() != data.len() {
            return Err(FixedError::new("tensor", Reason::Shape));
        }
        Ok(Tensor { shape, data })
    }

    pub fn scalar(v: i64) -> Tensor {
        Tensor {
            shape: vec![],
            data: vec![v],
        }
    }

    pub fn rank(&self) -> usize {
        self.shape.len()
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Row-major strides.
    pub fn strides(&self) -> Vec<usize> {
        strides(&self.shape)
    }
}

pub(crate) fn strides(shape: &[usize]) -> Vec<usize> {
    let mut out = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        out[i] = out[i + 1] * shape[i + 1];
    }
    out
}

/// Normalizes an ONNX axis (negative counts from the end) for a tensor of `rank`.
pub fn axis(op: &'static str, axis: i64, rank: usize) -> Result<usize, FixedError> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        return Err(FixedError::new(op, Reason::Axis));
    }
    Ok(if axis < 0 { axis + r } else { axis } as usize)
}

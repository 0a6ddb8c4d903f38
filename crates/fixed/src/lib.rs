//! Bit-exact Rust reference of Cairn's Cairo fixed-point tensor library (`cairo/tensor`).
//!
//! A real number `x` is held as the integer `X = round(x * 2^k)`, `1 <= k <= 32`, with
//! `|X| <= 2^63 - 1`. Every function here computes exactly what its Cairo counterpart computes,
//! including which inputs fail and why; `docs/NUMERICS.md` states the rules.

mod elementwise;
mod error;
mod linalg;
mod math;
mod pool;
mod reduce;
mod shape;
mod tensor;
mod tree;

pub use elementwise::*;
pub use error::{FixedError, Reason};
pub use linalg::*;
pub use math::*;
pub use pool::*;
pub use reduce::*;
pub use shape::*;
pub use tensor::Tensor;
pub use tree::{tree_ensemble, Aggregate};

/// Largest magnitude a stored value may have.
pub const MAX_ABS: i64 = i64::MAX;

/// Internal precision (bits) of the nonlinear functions.
pub const INTERNAL_BITS: u32 = 32;

/// The fixed-point format: values are integers scaled by `2^bits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Q {
    bits: u32,
}

impl Q {
    /// A format with `bits` fractional bits (1..=32).
    pub fn new(bits: u32) -> Result<Q, FixedError> {
        if !(1..=INTERNAL_BITS).contains(&bits) {
            return Err(FixedError::new("fixed", Reason::BadScale));
        }
        Ok(Q { bits })
    }

    pub fn bits(self) -> u32 {
        self.bits
    }

    /// The raw value of 1.0.
    pub fn one(self) -> i64 {
        1 << self.bits
    }

    /// The nearest fixed-point value of `x` (half away from zero), or an overflow error.
    pub fn from_f64(self, x: f64) -> Result<i64, FixedError> {
        let scaled = (x * self.one() as f64).round();
        if !scaled.is_finite() || scaled.abs() > MAX_ABS as f64 {
            return Err(FixedError::new("quantize", Reason::Overflow));
        }
        Ok(scaled as i64)
    }

    pub fn to_f64(self, raw: i64) -> f64 {
        raw as f64 / self.one() as f64
    }

    /// `round(acc / 2^bits)`, half away from zero, checked against the bound.
    pub fn rescale(self, op: &'static str, acc: Wide) -> Result<i64, FixedError> {
        let exact = acc.exact().ok_or(FixedError::new(op, Reason::Overflow))?;
        check(op, round_div(exact, 1u128 << self.bits))
    }
}

/// Checks a result against the bound.
pub fn check(op: &'static str, v: i128) -> Result<i64, FixedError> {
    if v.unsigned_abs() > MAX_ABS as u128 {
        return Err(FixedError::new(op, Reason::Overflow));
    }
    Ok(v as i64)
}

/// `n / d` rounded half away from zero (`d > 0`).
pub fn round_div(n: i128, d: u128) -> i128 {
    let q = (n.unsigned_abs() / d + u128::from(n.unsigned_abs() % d >= d - d / 2)) as i128;
    if n < 0 {
        -q
    } else {
        q
    }
}

/// A sum of products as the Cairo code keeps it: exact in felt252. Tracks wrap-arounds of i128 so
/// a sum whose magnitude reaches 2^127 is reported as overflow, like the Cairo conversion does.
#[derive(Clone, Copy, Debug, Default)]
pub struct Wide {
    low: i128,
    wraps: i64,
}

impl Wide {
    pub fn new(v: i128) -> Wide {
        Wide { low: v, wraps: 0 }
    }

    pub fn add(&mut self, v: i128) {
        let (sum, overflowed) = self.low.overflowing_add(v);
        if overflowed {
            self.wraps += if v > 0 { 1 } else { -1 };
        }
        self.low = sum;
    }

    pub fn mac(&mut self, a: i64, b: i64) {
        self.add(i128::from(a) * i128::from(b));
    }

    /// The exact value when it fits i128 (otherwise it is far beyond any bound).
    pub fn exact(self) -> Option<i128> {
        (self.wraps == 0).then_some(self.low)
    }
}

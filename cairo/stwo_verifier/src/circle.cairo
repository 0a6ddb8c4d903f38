//! The circle group x^2 + y^2 = 1 over M31 and over QM31 (stwo 2.3.0 `core::circle`): the domain
//! points of the polynomial commitments and the out-of-domain sample points.

use core::num::traits::Zero;
use crate::bits::pow2_u64;
use crate::fields::{M31, M31Trait, QM31, QM31Trait, m31, qm31};

#[derive(Copy, Drop, Debug, PartialEq, Serde)]
pub struct CirclePoint<F> {
    pub x: F,
    pub y: F,
}

/// The constants the group law needs from a field.
pub trait CircleField<F> {
    fn one() -> F;
    fn zero() -> F;
}

impl M31CircleField of CircleField<M31> {
    fn one() -> M31 {
        M31Trait::one()
    }
    fn zero() -> M31 {
        Zero::zero()
    }
}

impl QM31CircleField of CircleField<QM31> {
    fn one() -> QM31 {
        QM31Trait::one()
    }
    fn zero() -> QM31 {
        QM31Trait::zero()
    }
}

/// log2 of the order of the M31 circle group.
pub const M31_CIRCLE_LOG_ORDER: u32 = 31;

/// The generator of the M31 circle group (order 2^31).
pub fn m31_circle_gen() -> CirclePoint<M31> {
    CirclePoint { x: m31(2), y: m31(1268011823) }
}

/// A generator of the circle group over QM31 (order P^4 - 1).
pub fn secure_circle_gen() -> CirclePoint<QM31> {
    CirclePoint {
        x: qm31(1, 0, 478637715, 513582971), y: qm31(992285211, 649143431, 740191619, 1186584352),
    }
}

#[generate_trait]
pub impl CirclePointImpl<
    F, +Add<F>, +Sub<F>, +Mul<F>, +Neg<F>, +Copy<F>, +Drop<F>, +CircleField<F>,
> of CirclePointTrait<F> {
    /// The identity (1, 0).
    fn identity() -> CirclePoint<F> {
        CirclePoint { x: CircleField::<F>::one(), y: CircleField::<F>::zero() }
    }

    /// The group law: rotation composition.
    fn add(self: CirclePoint<F>, rhs: CirclePoint<F>) -> CirclePoint<F> {
        CirclePoint { x: self.x * rhs.x - self.y * rhs.y, y: self.x * rhs.y + self.y * rhs.x }
    }

    fn double(self: CirclePoint<F>) -> CirclePoint<F> {
        self.add(self)
    }

    fn repeated_double(self: CirclePoint<F>, n: u32) -> CirclePoint<F> {
        let mut p = self;
        for _ in 0..n {
            p = p.double();
        }
        p
    }

    /// `scalar * self` by double-and-add, low bits first.
    fn mul(self: CirclePoint<F>, scalar: u128) -> CirclePoint<F> {
        let mut res = Self::identity();
        let mut cur = self;
        let mut s = scalar;
        while s != 0 {
            if s % 2 == 1 {
                res = res.add(cur);
            }
            cur = cur.double();
            s = s / 2;
        }
        res
    }

    /// The inverse: (x, -y).
    fn conjugate(self: CirclePoint<F>) -> CirclePoint<F> {
        CirclePoint { x: self.x, y: -self.y }
    }

    /// (-x, -y): self plus the point of order 2.
    fn antipode(self: CirclePoint<F>) -> CirclePoint<F> {
        CirclePoint { x: -self.x, y: -self.y }
    }
}

/// The M31 point `index * generator` (index taken mod 2^31).
pub fn index_to_point(index: u32) -> CirclePoint<M31> {
    let reduced: u128 = (index % 0x80000000).into();
    m31_circle_gen().mul(reduced)
}

/// The point of index `i` of the canonic coset of size 2^log_size (stwo's `CanonicCoset::at`,
/// natural order): index 2^(30 - log_size) + i * 2^(31 - log_size).
pub fn canonic_coset_at(log_size: u32, i: u32) -> CirclePoint<M31> {
    assert(log_size >= 1 && log_size <= 30, 'circle: coset log size');
    let step: u64 = pow2_u64(M31_CIRCLE_LOG_ORDER - log_size);
    let initial: u64 = step / 2;
    let index = (initial + i.into() * step) % 0x80000000;
    index_to_point(index.try_into().unwrap())
}

/// An M31 point as a QM31 point.
pub fn into_secure(p: CirclePoint<M31>) -> CirclePoint<QM31> {
    CirclePoint { x: QM31Trait::from_m31(p.x), y: QM31Trait::from_m31(p.y) }
}


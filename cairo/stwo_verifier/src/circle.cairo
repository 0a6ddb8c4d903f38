//! The circle group x^2 + y^2 = 1 over M31 and over QM31 (stwo 2.3.0 `core::circle`): the domain
//! points of the polynomial commitments and the out-of-domain sample points.

use core::num::traits::Zero;
use crate::bits::pow2_u64;
use crate::fields::{M31, M31Trait, QM31, QM31Trait, m31, m31_from_felt, qm31};

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

/// The M31 generator doubled k times, k = 0..30 (checked against stwo through `index_to_point`).
const DOUBLINGS: [(u32, u32); 31] = [
    (2, 1268011823),
    (7, 777079998),
    (97, 141701737),
    (18817, 1720333214),
    (708158977, 683185920),
    (334835419, 1444967316),
    (2042371533, 1362265296),
    (212706801, 1223819887),
    (421007138, 256177860),
    (6346213, 905523693),
    (1022251061, 788094511),
    (1633461177, 574296567),
    (595037635, 2111542451),
    (1799120754, 343598868),
    (438833264, 1327019128),
    (1389168750, 838891026),
    (1543902459, 1632329423),
    (1330239767, 1446369578),
    (1420207432, 2023238517),
    (2015554631, 1088093947),
    (996212859, 1140996376),
    (1434706457, 1835793811),
    (13610297, 1064696601),
    (785043271, 1260750973),
    (838195206, 1774253895),
    (579625837, 1690787918),
    (1179735656, 1241207368),
    (590768354, 978592373),
    (32768, 2147450879),
    (0, 2147483646),
    (2147483646, 0),
];

/// The M31 point `index * generator` (index taken mod 2^31): the sum of the doublings for the
/// index's bits, each sum's coordinates reduced once.
pub fn index_to_point(index: u32) -> CirclePoint<M31> {
    let mut rest = index % 0x80000000;
    let mut point = CirclePointImpl::<M31>::identity();
    let mut doublings = DOUBLINGS.span();
    while rest != 0 {
        let (dx, dy) = *doublings.pop_front().unwrap();
        let (half, bit) = DivRem::div_rem(rest, 2);
        if bit == 1 {
            let (x, y): (felt252, felt252) = (point.x.v.into(), point.y.v.into());
            let (dx, dy): (felt252, felt252) = (dx.into(), dy.into());
            point =
                CirclePoint {
                    x: m31_from_felt(x * dx - y * dy), y: m31_from_felt(x * dy + y * dx),
                };
        }
        rest = half;
    }
    point
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


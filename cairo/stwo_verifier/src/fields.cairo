//! The Stwo fields: M31 (integers mod 2^31 - 1), CM31 = M31[i]/(i^2 + 1) and the secure field
//! QM31 = CM31[u]/(u^2 - (2 + i)). Values are kept canonical (< P), so equality is ==.

use core::num::traits::Zero;

/// The Mersenne prime 2^31 - 1.
pub const P: u32 = 0x7fffffff;
const P64: u64 = 0x7fffffff;
const P_U256: NonZero<u256> = 0x7fffffff;

#[derive(Copy, Drop, Debug, PartialEq)]
pub struct M31 {
    pub v: u32,
}

/// One felt; deserializing a value >= P fails, so proof values read from calldata are canonical.
pub impl M31Serde of Serde<M31> {
    fn serialize(self: @M31, ref output: Array<felt252>) {
        output.append((*self.v).into());
    }

    fn deserialize(ref serialized: Span<felt252>) -> Option<M31> {
        let v: u32 = (*serialized.pop_front()?).try_into()?;
        if v >= P {
            return Option::None;
        }
        Option::Some(M31 { v })
    }
}

/// `v mod P` (any u32).
pub fn m31(v: u32) -> M31 {
    if v >= P {
        let r = v - P;
        if r >= P {
            M31 { v: r - P }
        } else {
            M31 { v: r }
        }
    } else {
        M31 { v }
    }
}

/// `v mod P` for a product or sum below 2^64.
pub fn m31_from_u64(v: u64) -> M31 {
    let (_, r) = DivRem::div_rem(v, P64.try_into().unwrap());
    M31 { v: r.try_into().unwrap() }
}

pub impl M31Add of Add<M31> {
    fn add(lhs: M31, rhs: M31) -> M31 {
        let s = lhs.v + rhs.v;
        if s >= P {
            M31 { v: s - P }
        } else {
            M31 { v: s }
        }
    }
}

pub impl M31Sub of Sub<M31> {
    fn sub(lhs: M31, rhs: M31) -> M31 {
        if lhs.v >= rhs.v {
            M31 { v: lhs.v - rhs.v }
        } else {
            M31 { v: lhs.v + (P - rhs.v) }
        }
    }
}

pub impl M31Mul of Mul<M31> {
    fn mul(lhs: M31, rhs: M31) -> M31 {
        let a: u64 = lhs.v.into();
        let b: u64 = rhs.v.into();
        m31_from_u64(a * b)
    }
}

pub impl M31Neg of Neg<M31> {
    fn neg(a: M31) -> M31 {
        if a.v == 0 {
            a
        } else {
            M31 { v: P - a.v }
        }
    }
}

pub impl M31Zero of Zero<M31> {
    fn zero() -> M31 {
        M31 { v: 0 }
    }
    fn is_zero(self: @M31) -> bool {
        *self.v == 0
    }
    fn is_non_zero(self: @M31) -> bool {
        *self.v != 0
    }
}

#[generate_trait]
pub impl M31Impl of M31Trait {
    fn one() -> M31 {
        M31 { v: 1 }
    }

    fn square(self: M31) -> M31 {
        self * self
    }

    /// `self^e`.
    fn pow(self: M31, mut e: u32) -> M31 {
        let mut base = self;
        let mut acc = Self::one();
        while e != 0 {
            if e % 2 == 1 {
                acc = acc * base;
            }
            base = base * base;
            e = e / 2;
        }
        acc
    }

    /// `1 / self`; panics on zero. The inverse comes from a hint that the libfunc checks with
    /// one product (tens of steps; Fermat's self^(P - 2) took ~1,800).
    fn inverse(self: M31) -> M31 {
        assert(self.v != 0, 'M31: inverse of zero');
        let inv = core::math::u256_inv_mod(self.v.into(), P_U256).expect('M31: inverse of zero');
        let inv: u256 = inv.into();
        // Below P by the libfunc's guarantee; m31 keeps the value canonical regardless.
        m31(inv.low.try_into().unwrap())
    }
}

/// `a + b i`.
#[derive(Copy, Drop, Debug, PartialEq, Serde)]
pub struct CM31 {
    pub a: M31,
    pub b: M31,
}

pub impl CM31Add of Add<CM31> {
    fn add(lhs: CM31, rhs: CM31) -> CM31 {
        CM31 { a: lhs.a + rhs.a, b: lhs.b + rhs.b }
    }
}

pub impl CM31Sub of Sub<CM31> {
    fn sub(lhs: CM31, rhs: CM31) -> CM31 {
        CM31 { a: lhs.a - rhs.a, b: lhs.b - rhs.b }
    }
}

pub impl CM31Mul of Mul<CM31> {
    fn mul(lhs: CM31, rhs: CM31) -> CM31 {
        // (a + bi)(c + di) = (ac - bd) + (ad + bc)i
        CM31 { a: lhs.a * rhs.a - lhs.b * rhs.b, b: lhs.a * rhs.b + lhs.b * rhs.a }
    }
}

pub impl CM31Neg of Neg<CM31> {
    fn neg(a: CM31) -> CM31 {
        CM31 { a: -a.a, b: -a.b }
    }
}

#[generate_trait]
pub impl CM31Impl of CM31Trait {
    fn zero() -> CM31 {
        CM31 { a: Zero::zero(), b: Zero::zero() }
    }

    fn is_zero(self: CM31) -> bool {
        self.a.v == 0 && self.b.v == 0
    }

    fn mul_m31(self: CM31, k: M31) -> CM31 {
        CM31 { a: self.a * k, b: self.b * k }
    }

    /// a - b i.
    fn complex_conjugate(self: CM31) -> CM31 {
        CM31 { a: self.a, b: -self.b }
    }

    /// `1 / (a + bi) = (a - bi) / (a^2 + b^2)`; panics on zero.
    fn inverse(self: CM31) -> CM31 {
        let norm = self.a * self.a + self.b * self.b;
        let inv = norm.inverse();
        CM31 { a: self.a * inv, b: -self.b * inv }
    }
}

/// `a + b u` with `u^2 = 2 + i`: the secure field of Stwo's 96-bit (and up) security.
#[derive(Copy, Drop, Debug, PartialEq, Serde)]
pub struct QM31 {
    pub a: CM31,
    pub b: CM31,
}

/// A multiple of P near 2^65, added before reducing so that signed sums of products are
/// non-negative.
const REDUCE_OFFSET: felt252 = 0x7fffffff * 0x400000000;

/// `x mod P` for an integer `-2^64.9 < x < 2^127` given as a felt252: lazy sums of products of
/// 31-bit numbers, reduced once.
pub fn m31_from_felt(x: felt252) -> M31 {
    let x: u128 = (x + REDUCE_OFFSET).try_into().unwrap();
    let (_, r) = DivRem::div_rem(x, 0x7fffffff);
    M31 { v: r.try_into().unwrap() }
}

/// `(2 + i) x`.
fn mul_by_r(x: CM31) -> CM31 {
    // (2 + i)(x0 + x1 i) = (2 x0 - x1) + (x0 + 2 x1) i
    CM31 { a: x.a + x.a - x.b, b: x.a + x.b + x.b }
}

pub fn qm31(a: u32, b: u32, c: u32, d: u32) -> QM31 {
    QM31 { a: CM31 { a: m31(a), b: m31(b) }, b: CM31 { a: m31(c), b: m31(d) } }
}

pub impl QM31Add of Add<QM31> {
    fn add(lhs: QM31, rhs: QM31) -> QM31 {
        QM31 { a: lhs.a + rhs.a, b: lhs.b + rhs.b }
    }
}

pub impl QM31Sub of Sub<QM31> {
    fn sub(lhs: QM31, rhs: QM31) -> QM31 {
        QM31 { a: lhs.a - rhs.a, b: lhs.b - rhs.b }
    }
}

pub impl QM31Mul of Mul<QM31> {
    fn mul(lhs: QM31, rhs: QM31) -> QM31 {
        // (a + bu)(c + du) = (ac + (2 + i) bd) + (ad + bc) u, each coordinate summed in felt252
        // (products are below 2^62) and reduced once.
        let (a0, a1): (felt252, felt252) = (lhs.a.a.v.into(), lhs.a.b.v.into());
        let (b0, b1): (felt252, felt252) = (lhs.b.a.v.into(), lhs.b.b.v.into());
        let (c0, c1): (felt252, felt252) = (rhs.a.a.v.into(), rhs.a.b.v.into());
        let (d0, d1): (felt252, felt252) = (rhs.b.a.v.into(), rhs.b.b.v.into());
        let bd_re = b0 * d0 - b1 * d1;
        let bd_im = b0 * d1 + b1 * d0;
        QM31 {
            a: CM31 {
                a: m31_from_felt(a0 * c0 - a1 * c1 + bd_re + bd_re - bd_im),
                b: m31_from_felt(a0 * c1 + a1 * c0 + bd_re + bd_im + bd_im),
            },
            b: CM31 {
                a: m31_from_felt(a0 * d0 - a1 * d1 + b0 * c0 - b1 * c1),
                b: m31_from_felt(a0 * d1 + a1 * d0 + b0 * c1 + b1 * c0),
            },
        }
    }
}

pub impl QM31Neg of Neg<QM31> {
    fn neg(a: QM31) -> QM31 {
        QM31 { a: -a.a, b: -a.b }
    }
}

#[generate_trait]
pub impl QM31Impl of QM31Trait {
    fn zero() -> QM31 {
        QM31 { a: CM31Trait::zero(), b: CM31Trait::zero() }
    }

    fn one() -> QM31 {
        qm31(1, 0, 0, 0)
    }

    fn from_m31(x: M31) -> QM31 {
        QM31 { a: CM31 { a: x, b: Zero::zero() }, b: CM31Trait::zero() }
    }

    /// `[a.a, a.b, b.a, b.b]`, Stwo's `to_m31_array` order.
    fn to_m31_array(self: QM31) -> [M31; 4] {
        [self.a.a, self.a.b, self.b.a, self.b.b]
    }

    fn from_m31_array(x: [M31; 4]) -> QM31 {
        let [a, b, c, d] = x;
        QM31 { a: CM31 { a, b }, b: CM31 { a: c, b: d } }
    }

    fn mul_m31(self: QM31, k: M31) -> QM31 {
        QM31 { a: self.a.mul_m31(k), b: self.b.mul_m31(k) }
    }

    /// a - b u (stwo's `ComplexConjugate` for QM31 over CM31).
    fn complex_conjugate(self: QM31) -> QM31 {
        QM31 { a: self.a, b: -self.b }
    }

    fn mul_cm31(self: QM31, k: CM31) -> QM31 {
        QM31 { a: self.a * k, b: self.b * k }
    }

    /// `1 / (a + bu) = (a - bu) / (a^2 - (2 + i) b^2)`; panics on zero.
    fn inverse(self: QM31) -> QM31 {
        let denom = self.a * self.a - mul_by_r(self.b * self.b);
        let inv = denom.inverse();
        QM31 { a: self.a * inv, b: -self.b * inv }
    }
}

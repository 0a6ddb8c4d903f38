//! The fixed-point format and its checked primitives.
//!
//! A real `x` is the integer `X = round(x * 2^k)` (1 <= k <= 32) held in a felt252, negatives as
//! `p - |X|`, with `|X| <= 2^63 - 1`. Products and sums are exact in felt252; every rescale rounds
//! half away from zero and checks the bound. Failures panic with `[op, reason]`.

use crate::pow2::pow2;

/// Largest magnitude a stored value may have: 2^63 - 1.
pub const MAX_ABS: felt252 = 0x7fffffffffffffff;
const U64_MAX: u64 = 0xffffffffffffffff;

/// Panic reasons (the Rust reference uses the same strings).
pub const OVERFLOW: felt252 = 'fixed-point overflow';
pub const DIV_BY_ZERO: felt252 = 'division by zero';
pub const LOG_NON_POSITIVE: felt252 = 'log of non-positive';
pub const SQRT_NEGATIVE: felt252 = 'sqrt of negative';
pub const SHAPE: felt252 = 'shape mismatch';
pub const AXIS: felt252 = 'axis out of range';
pub const INDEX: felt252 = 'index out of range';
pub const BAD_SCALE: felt252 = 'scale bits not in 1..32';

/// Stops the program naming the op and the reason.
pub fn fail(op: felt252, reason: felt252) -> core::never {
    core::panics::panic(array![op, reason])
}

/// A fixed-point format: `bits` fractional bits plus constants derived once.
#[derive(Copy, Drop)]
pub struct Q {
    pub bits: u32,
    /// 2^bits.
    pub one: NonZero<u128>,
    pub one_felt: felt252,
    /// 2^(bits - 1).
    pub half: u128,
    /// 2^(127 - bits): the offset of `rescale`'s quotient.
    pub offset_q: felt252,
    /// 2^(32 - bits): the step from the tensor's scale to the internal precision of `math`.
    pub down: NonZero<u128>,
    pub down_felt: felt252,
}

/// The format with `bits` fractional bits (1..=32).
pub fn q(bits: u32) -> Q {
    if bits == 0 || bits > 32 {
        fail('fixed', BAD_SCALE);
    }
    let one = pow2(bits);
    let down = pow2(32 - bits);
    Q {
        bits,
        one: one.try_into().unwrap(),
        one_felt: one.into(),
        half: one / 2,
        offset_q: pow2(127 - bits).into(),
        down: down.try_into().unwrap(),
        down_felt: down.into(),
    }
}

/// Sign and magnitude of an exact integer; fails when |x| >= 2^128.
pub fn split(x: felt252, op: felt252) -> (bool, u128) {
    match x.try_into() {
        Some(m) => (false, m),
        None => match (-x).try_into() {
            Some(m) => (true, m),
            None => fail(op, OVERFLOW),
        },
    }
}

/// The signed felt of a sign and magnitude.
pub fn join(negative: bool, m: u128) -> felt252 {
    let v: felt252 = m.into();
    if negative {
        -v
    } else {
        v
    }
}

/// Fails unless |x| <= 2^63 - 1; returns x.
pub fn check(x: felt252, op: felt252) -> felt252 {
    let shifted: u64 = match (x + MAX_ABS).try_into() {
        Some(v) => v,
        None => fail(op, OVERFLOW),
    };
    if shifted == U64_MAX {
        fail(op, OVERFLOW);
    }
    x
}

/// The value as i64 (stored values always fit).
pub fn signed(x: felt252, op: felt252) -> i64 {
    match x.try_into() {
        Some(v) => v,
        None => fail(op, OVERFLOW),
    }
}

/// `n / d` rounded half away from zero, as a signed felt (not bound-checked).
pub fn round_div(n: felt252, d: NonZero<u128>, op: felt252) -> felt252 {
    let (negative, m) = split(n, op);
    join(negative, round_div_u(m, d))
}

/// `m / d` rounded half up for unsigned `m`.
pub fn round_div_u(m: u128, d: NonZero<u128>) -> u128 {
    let (q, r) = DivRem::div_rem(m, d);
    let dv: u128 = d.into();
    if r >= dv - dv / 2 {
        q + 1
    } else {
        q
    }
}

const OFFSET: felt252 = 0x80000000000000000000000000000000;
const OFFSET_U: u128 = 0x80000000000000000000000000000000;

/// `round(acc / 2^k)`, half away from zero, checked against the bound. The sum is shifted by
/// 2^127 (a multiple of 2^k) so one unsigned conversion and one division do the work.
pub fn rescale(acc: felt252, q: Q, op: felt252) -> felt252 {
    let u: u128 = match (acc + OFFSET).try_into() {
        Some(u) => u,
        None => fail(op, OVERFLOW),
    };
    let (floor, r) = DivRem::div_rem(u, q.one);
    // floor - 2^(127-k) is floor(acc / 2^k); a tie rounds up only for acc >= 0.
    let up = r > q.half || (r == q.half && u >= OFFSET_U);
    let f: felt252 = floor.into();
    check(if up {
        f + 1 - q.offset_q
    } else {
        f - q.offset_q
    }, op)
}

/// `round(x * y / 2^k)`, checked.
pub fn mul(x: felt252, y: felt252, q: Q, op: felt252) -> felt252 {
    rescale(x * y, q, op)
}

/// `round(x * 2^k / y)`, checked; fails on `y == 0`.
pub fn div(x: felt252, y: felt252, q: Q, op: felt252) -> felt252 {
    if y == 0 {
        fail(op, DIV_BY_ZERO);
    }
    let (ny, my) = split(y, op);
    let r = round_div(x * q.one_felt, my.try_into().unwrap(), op);
    check(if ny {
        -r
    } else {
        r
    }, op)
}

const TWO_64: felt252 = 0x10000000000000000;
const TWO_64_U: u128 = 0x10000000000000000;

/// x < y for stored values (|x|, |y| < 2^63): `y - x - 1 + 2^64` lies in [0, 2^65) and reaches
/// 2^64 exactly when y > x; one u128 conversion and one comparison.
pub fn lt(x: felt252, y: felt252) -> bool {
    let d: u128 = match (y - x - 1 + TWO_64).try_into() {
        Some(d) => d,
        None => fail('compare', OVERFLOW),
    };
    d >= TWO_64_U
}

pub fn max(x: felt252, y: felt252) -> felt252 {
    if lt(x, y) {
        y
    } else {
        x
    }
}

pub fn min(x: felt252, y: felt252) -> felt252 {
    if lt(y, x) {
        y
    } else {
        x
    }
}

pub fn is_negative(x: felt252) -> bool {
    signed(x, 'compare') < 0
}

pub fn abs(x: felt252) -> felt252 {
    if is_negative(x) {
        -x
    } else {
        x
    }
}

/// Checks every value of `data` against the bound (inputs entering a model).
pub fn check_all(mut data: Span<felt252>, op: felt252) {
    while let Some(v) = data.pop_front() {
        check(*v, op);
    }
}

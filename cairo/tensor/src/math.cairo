//! Nonlinear functions: range reduction plus polynomials at 32 fractional bits ("internal
//! precision"), then one rounding to the tensor's scale. The Rust reference (crates/fixed,
//! math.rs) performs the same integer steps; docs/NUMERICS.md gives the error bounds.

use core::num::traits::Sqrt;
use crate::fixed;
use crate::fixed::{LOG_NON_POSITIVE, OVERFLOW, Q, SQRT_NEGATIVE, fail, split};
use crate::pow2::pow2;
use crate::tensor::{Tensor, axis, prod};

const ONE_P: u128 = 0x100000000;
const TWO32: NonZero<u128> = 0x100000000;
const TWO33: NonZero<u128> = 0x200000000;
/// round(ln 2 * 2^32)
const LN2_P: u128 = 2977044472;
const LN2_NZ: NonZero<u128> = 2977044472;
/// round(2^32 / sqrt 2)
const INV_SQRT2_P: u128 = 3037000500;
/// Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7), coefficients * 2^32.
const ERF_P: u128 = 1406993061;

fn shr32(v: u128) -> u128 {
    let (q, _) = DivRem::div_rem(v, TWO32);
    q
}

/// floor(v / d) for a signed v.
fn floor_div(v: felt252, d: NonZero<u128>) -> felt252 {
    let (negative, m) = split(v, 'math');
    let (q, r) = DivRem::div_rem(m, d);
    if negative {
        if r == 0 {
            -(q.into())
        } else {
            -((q + 1).into())
        }
    } else {
        q.into()
    }
}

/// floor(y * t / 2^32) for a signed y.
fn fmul(y: felt252, t: u128) -> felt252 {
    floor_div(y * t.into(), TWO32)
}

/// exp(r / 2^32) * 2^32 for 0 <= r < ln 2 * 2^32: Taylor to degree 10, Horner, truncating.
fn exp_poly(r: u128) -> u128 {
    let mut y: u128 = 1184;
    y = 11836 + shr32(y * r);
    y = 106522 + shr32(y * r);
    y = 852176 + shr32(y * r);
    y = 5965232 + shr32(y * r);
    y = 35791394 + shr32(y * r);
    y = 178956971 + shr32(y * r);
    y = 715827883 + shr32(y * r);
    y = 2147483648 + shr32(y * r);
    y = 4294967296 + shr32(y * r);
    4294967296 + shr32(y * r)
}

/// exp(-a / 2^32) * 2^32 rounded half up, for a >= 0.
pub fn exp_neg_p(a: u128) -> u128 {
    let (k, rem) = DivRem::div_rem(a, LN2_NZ);
    let (n, r) = if rem == 0 {
        (k, 0)
    } else {
        (k + 1, LN2_P - rem)
    };
    if n >= 40 {
        return 0;
    }
    let er = exp_poly(r);
    let d = pow2(n.try_into().unwrap());
    (er + d / 2) / d
}

/// floor(log2(v)) for v > 0.
fn log2_floor(v: u128) -> u32 {
    let mut m: u32 = 0;
    let mut x = v;
    if x >= 0x10000000000000000 {
        x = x / 0x10000000000000000;
        m += 64;
    }
    if x >= 0x100000000 {
        x = x / 0x100000000;
        m += 32;
    }
    if x >= 0x10000 {
        x = x / 0x10000;
        m += 16;
    }
    if x >= 0x100 {
        x = x / 0x100;
        m += 8;
    }
    if x >= 0x10 {
        x = x / 0x10;
        m += 4;
    }
    if x >= 4 {
        x = x / 4;
        m += 2;
    }
    if x >= 2 {
        m += 1;
    }
    m
}

/// ln(v / 2^32) * 2^32 for 0 < v < 2^96: ln t = 2 atanh((t-1)/(t+1)) on t = v / 2^m in [1, 2).
pub fn ln_p(v: u128) -> felt252 {
    let m = log2_floor(v);
    let t = (v * ONE_P) / pow2(m);
    let s = ((t - ONE_P) * ONE_P) / (t + ONE_P);
    let s2 = shr32(s * s);
    let mut term = s;
    let mut sum = s;
    let mut j: u128 = 1;
    while j != 8 {
        term = shr32(term * s2);
        sum += term / (2 * j + 1);
        j += 1;
    }
    let mf: felt252 = m.into();
    let sum_f: felt252 = sum.into();
    let ln2: felt252 = LN2_P.into();
    2 * sum_f + (mf - 32) * ln2
}

fn widen(x: felt252, q: Q) -> felt252 {
    x * q.down_felt
}

fn narrow(v: felt252, q: Q, op: felt252) -> felt252 {
    fixed::check(fixed::round_div(v, q.down, op), op)
}

/// (num * 2^32) / d rounded half up.
fn recip_p(num: u128, d: u128) -> u128 {
    (num * ONE_P + d / 2) / d
}

pub fn exp(x: felt252, q: Q) -> felt252 {
    let (negative, a) = split(widen(x, q), 'exp');
    if negative || a == 0 {
        return narrow(exp_neg_p(a).into(), q, 'exp');
    }
    let (n, r) = DivRem::div_rem(a, LN2_NZ);
    if n > 62 {
        fail('exp', OVERFLOW);
    }
    let er = exp_poly(r);
    let n: u32 = n.try_into().unwrap();
    if n + q.bits >= 32 {
        fixed::check((er * pow2(n + q.bits - 32)).into(), 'exp')
    } else {
        fixed::check(fixed::round_div_u(er, pow2(32 - q.bits - n).try_into().unwrap()).into(), 'exp')
    }
}

pub fn log(x: felt252, q: Q) -> felt252 {
    if x == 0 || fixed::is_negative(x) {
        fail('log', LOG_NON_POSITIVE);
    }
    narrow(ln_p(widen(x, q).try_into().unwrap()), q, 'log')
}

/// Square root rounded to nearest.
pub fn sqrt(x: felt252, q: Q) -> felt252 {
    if fixed::is_negative(x) {
        fail('sqrt', SQRT_NEGATIVE);
    }
    let xv: u128 = x.try_into().unwrap();
    let one: u128 = q.one.into();
    let n = xv * one;
    let r: u128 = n.sqrt().into();
    if n - r * r > r {
        (r + 1).into()
    } else {
        r.into()
    }
}

pub fn sigmoid(x: felt252, q: Q) -> felt252 {
    let (negative, a) = split(widen(x, q), 'sigmoid');
    let e = exp_neg_p(a);
    let mut y = recip_p(ONE_P, ONE_P + e);
    if negative {
        y = ONE_P - y;
    }
    narrow(y.into(), q, 'sigmoid')
}

pub fn tanh(x: felt252, q: Q) -> felt252 {
    let (negative, a) = split(widen(x, q), 'tanh');
    let e = exp_neg_p(2 * a);
    let y = recip_p(ONE_P - e, ONE_P + e);
    narrow(fixed::join(negative, y), q, 'tanh')
}

/// ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|).
pub fn softplus(x: felt252, q: Q) -> felt252 {
    let xp = widen(x, q);
    let (negative, a) = split(xp, 'softplus');
    let e = exp_neg_p(a);
    let base = if negative {
        0
    } else {
        xp
    };
    narrow(base + ln_p(ONE_P + e), q, 'softplus')
}

/// erf(u / 2^32) * 2^32.
fn erf_p(u: felt252) -> felt252 {
    let (negative, a) = split(u, 'erf');
    let r: felt252 = if a >= 6 * ONE_P {
        ONE_P.into()
    } else {
        let t = recip_p(ONE_P, ONE_P + shr32(ERF_P * a));
        let mut y: felt252 = 4558701605;
        y = -6241240432 + fmul(y, t);
        y = 6104925532 + fmul(y, t);
        y = -1221904177 + fmul(y, t);
        y = 1094484764 + fmul(y, t);
        y = fmul(y, t);
        let one: felt252 = ONE_P.into();
        one - fmul(y, exp_neg_p(shr32(a * a)))
    };
    if negative {
        -r
    } else {
        r
    }
}

pub fn erf(x: felt252, q: Q) -> felt252 {
    narrow(erf_p(widen(x, q)), q, 'erf')
}

/// x * (1 + erf(x / sqrt 2)) / 2.
pub fn gelu(x: felt252, q: Q) -> felt252 {
    let xp = widen(x, q);
    let ef = erf_p(fmul(xp, INV_SQRT2_P));
    let one: felt252 = ONE_P.into();
    let g = if ef == one {
        xp
    } else if ef == -one {
        0
    } else {
        floor_div(xp * (one + ef), TWO33)
    };
    narrow(g, q, 'gelu')
}

/// (outer, len, inner) of `a` along `axis`: element (o, j, i) is at (o * len + j) * inner + i.
pub fn groups(a: Tensor, ax: felt252, op: felt252) -> (usize, usize, usize) {
    let r = a.shape.len();
    let ax = axis(ax, r, op);
    (prod(a.shape, 0, ax), *a.shape[ax], prod(a.shape, ax + 1, r))
}

fn softmax_like(a: Tensor, ax: felt252, q: Q, log: bool) -> Tensor {
    let op = if log {
        'log_softmax'
    } else {
        'softmax'
    };
    let (outer, len, inner) = groups(a, ax, op);
    // Results grouped as [outer][inner][len]; emitted in the tensor's order below.
    let mut grouped: Array<felt252> = array![];
    let mut o = 0;
    while o != outer {
        let mut i = 0;
        while i != inner {
            let base = o * len * inner + i;
            let mut m = *a.data[base];
            let mut j = 1;
            while j != len {
                m = fixed::max(m, *a.data[base + j * inner]);
                j += 1;
            }
            let mut e: Array<u128> = array![];
            let mut s: u128 = 0;
            j = 0;
            while j != len {
                let d: u128 = widen(m - *a.data[base + j * inner], q).try_into().unwrap();
                let ej = exp_neg_p(d);
                e.append(ej);
                s += ej;
                j += 1;
            }
            let one: u128 = q.one.into();
            let ln_s = if log {
                ln_p(s)
            } else {
                0
            };
            j = 0;
            while j != len {
                grouped
                    .append(
                        if log {
                            narrow(widen(*a.data[base + j * inner] - m, q) - ln_s, q, op)
                        } else {
                            ((*e[j] * one + s / 2) / s).into()
                        },
                    );
                j += 1;
            }
            i += 1;
        }
        o += 1;
    }
    let mut out: Array<felt252> = array![];
    o = 0;
    while o != outer {
        let mut j = 0;
        while j != len {
            let mut i = 0;
            while i != inner {
                out.append(*grouped[(o * inner + i) * len + j]);
                i += 1;
            }
            j += 1;
        }
        o += 1;
    }
    Tensor { shape: a.shape, data: out.span() }
}

/// e_j / sum(e) with e_j = exp(x_j - max x), rounded half up.
pub fn softmax(a: Tensor, ax: felt252, q: Q) -> Tensor {
    softmax_like(a, ax, q, false)
}

/// x_j - max x - ln(sum e).
pub fn log_softmax(a: Tensor, ax: felt252, q: Q) -> Tensor {
    softmax_like(a, ax, q, true)
}

//! Nonlinear functions: range reduction plus polynomials at 32 fractional bits, then one rounding
//! to the tensor's scale. Every step is an integer operation the Cairo code repeats exactly.

use crate::elementwise::map;
use crate::{check, round_div, FixedError, Reason, Tensor, Q};

const ONE_P: u128 = 1 << 32;
/// round(ln 2 * 2^32)
const LN2_P: u128 = 2_977_044_472;
/// round(2^32 / sqrt 2)
const INV_SQRT2_P: u128 = 3_037_000_500;
/// round(2^32 / i!) for i = 0..=10: Taylor coefficients of exp on [0, ln 2).
const EXP_C: [u128; 11] = [
    4_294_967_296,
    4_294_967_296,
    2_147_483_648,
    715_827_883,
    178_956_971,
    35_791_394,
    5_965_232,
    852_176,
    106_522,
    11_836,
    1_184,
];
/// Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7), coefficients * 2^32.
const ERF_P: u128 = 1_406_993_061;
const ERF_A: [i128; 5] = [
    1_094_484_764,
    -1_221_904_177,
    6_104_925_532,
    -6_241_240_432,
    4_558_701_605,
];

/// `floor(y * t / 2^32)` for signed `y`.
fn fmul(y: i128, t: u128) -> i128 {
    (y * t as i128).div_euclid(ONE_P as i128)
}

/// exp(r / 2^32) * 2^32 for 0 <= r < ln 2 * 2^32 (Horner, truncating).
fn exp_poly(r: u128) -> u128 {
    let mut y = EXP_C[10];
    for c in EXP_C[..10].iter().rev() {
        y = c + ((y * r) >> 32);
    }
    y
}

/// exp(-a / 2^32) * 2^32 rounded half up, for a >= 0.
pub fn exp_neg_p(a: u128) -> u128 {
    let k = a / LN2_P;
    let rem = a - k * LN2_P;
    let (n, r) = if rem == 0 {
        (k, 0)
    } else {
        (k + 1, LN2_P - rem)
    };
    if n >= 40 {
        return 0;
    }
    let er = exp_poly(r);
    (er + ((1u128 << n) >> 1)) >> n
}

/// ln(v / 2^32) * 2^32 for 0 < v < 2^96, via ln t = 2 atanh((t-1)/(t+1)) on t in [1, 2).
pub fn ln_p(v: u128) -> i128 {
    let m = 127 - v.leading_zeros();
    let t = (v << 32) >> m;
    let s = ((t - ONE_P) << 32) / (t + ONE_P);
    let s2 = (s * s) >> 32;
    let mut term = s;
    let mut sum = s;
    for j in 1..=7u128 {
        term = (term * s2) >> 32;
        sum += term / (2 * j + 1);
    }
    2 * sum as i128 + (i128::from(m) - 32) * LN2_P as i128
}

/// X * 2^(32-k): the value at internal precision.
fn widen(q: Q, x: i64) -> i128 {
    i128::from(x) << (32 - q.bits())
}

/// Back from internal precision to the tensor's scale (half away from zero), checked.
fn narrow(q: Q, op: &'static str, v: i128) -> Result<i64, FixedError> {
    check(op, round_div(v, 1u128 << (32 - q.bits())))
}

pub fn exp_scalar(q: Q, x: i64) -> Result<i64, FixedError> {
    let xp = widen(q, x);
    if xp <= 0 {
        return narrow(q, "exp", exp_neg_p(xp.unsigned_abs()) as i128);
    }
    let xp = xp as u128;
    let n = xp / LN2_P;
    if n > 62 {
        return Err(FixedError::new("exp", Reason::Overflow));
    }
    let er = exp_poly(xp - n * LN2_P);
    let shift = n as i32 + q.bits() as i32 - 32;
    if shift >= 0 {
        check("exp", (er << shift) as i128)
    } else {
        check("exp", round_div(er as i128, 1u128 << -shift))
    }
}

pub fn log_scalar(q: Q, x: i64) -> Result<i64, FixedError> {
    if x <= 0 {
        return Err(FixedError::new("log", Reason::LogNonPositive));
    }
    narrow(q, "log", ln_p(widen(q, x) as u128))
}

/// Square root rounded to nearest (ties cannot occur for integers).
pub fn sqrt_scalar(q: Q, x: i64) -> Result<i64, FixedError> {
    if x < 0 {
        return Err(FixedError::new("sqrt", Reason::SqrtNegative));
    }
    let n = (x as u128) << q.bits();
    let mut r = n.isqrt();
    if n - r * r > r {
        r += 1;
    }
    Ok(r as i64)
}

/// 2^64 / d rounded half up: 1 / (d / 2^32) at internal precision.
fn recip_p(num: u128, d: u128) -> u128 {
    ((num << 32) + d / 2) / d
}

pub fn sigmoid_scalar(q: Q, x: i64) -> Result<i64, FixedError> {
    let xp = widen(q, x);
    let e = exp_neg_p(xp.unsigned_abs());
    let mut y = recip_p(ONE_P, ONE_P + e);
    if xp < 0 {
        y = ONE_P - y;
    }
    narrow(q, "sigmoid", y as i128)
}

pub fn tanh_scalar(q: Q, x: i64) -> Result<i64, FixedError> {
    let xp = widen(q, x);
    let e = exp_neg_p(2 * xp.unsigned_abs());
    let y = recip_p(ONE_P - e, ONE_P + e) as i128;
    narrow(q, "tanh", if xp < 0 { -y } else { y })
}

/// ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|).
pub fn softplus_scalar(q: Q, x: i64) -> Result<i64, FixedError> {
    let xp = widen(q, x);
    let e = exp_neg_p(xp.unsigned_abs());
    narrow(q, "softplus", xp.max(0) + ln_p(ONE_P + e))
}

/// erf(u / 2^32) * 2^32.
fn erf_p(u: i128) -> i128 {
    let a = u.unsigned_abs();
    let r = if a >= 6 * ONE_P {
        ONE_P as i128
    } else {
        let t = recip_p(ONE_P, ONE_P + ((ERF_P * a) >> 32));
        let mut y = ERF_A[4];
        for c in ERF_A[..4].iter().rev() {
            y = c + fmul(y, t);
        }
        let y = fmul(y, t);
        ONE_P as i128 - fmul(y, exp_neg_p((a * a) >> 32))
    };
    if u < 0 {
        -r
    } else {
        r
    }
}

pub fn erf_scalar(q: Q, x: i64) -> Result<i64, FixedError> {
    narrow(q, "erf", erf_p(widen(q, x)))
}

/// x * (1 + erf(x / sqrt 2)) / 2.
pub fn gelu_scalar(q: Q, x: i64) -> Result<i64, FixedError> {
    let xp = widen(q, x);
    let ef = erf_p(fmul(xp, INV_SQRT2_P));
    let g = if ef == ONE_P as i128 {
        xp
    } else if ef == -(ONE_P as i128) {
        0
    } else {
        (xp * (ONE_P as i128 + ef)).div_euclid(2 * ONE_P as i128)
    };
    narrow(q, "gelu", g)
}

macro_rules! tensor_fn {
    ($($name:ident => $scalar:ident),* $(,)?) => {$(
        pub fn $name(q: Q, a: &Tensor) -> Result<Tensor, FixedError> {
            map(a, |x| $scalar(q, x))
        }
    )*};
}

tensor_fn! {
    exp => exp_scalar,
    log => log_scalar,
    sqrt => sqrt_scalar,
    sigmoid => sigmoid_scalar,
    tanh => tanh_scalar,
    softplus => softplus_scalar,
    erf => erf_scalar,
    gelu => gelu_scalar,
}

/// Groups of `a` along `axis`: (outer, len, inner) so element (o, j, i) is at (o*len + j)*inner + i.
pub(crate) fn groups(
    op: &'static str,
    a: &Tensor,
    ax: i64,
) -> Result<(usize, usize, usize), FixedError> {
    let ax = crate::tensor::axis(op, ax, a.rank())?;
    let outer = a.shape[..ax].iter().product();
    let inner = a.shape[ax + 1..].iter().product();
    Ok((outer, a.shape[ax], inner))
}

fn softmax_like(
    q: Q,
    op: &'static str,
    a: &Tensor,
    ax: i64,
    f: impl Fn(i128, u128, u128) -> Result<i64, FixedError>,
) -> Result<Tensor, FixedError> {
    let (outer, len, inner) = groups(op, a, ax)?;
    let mut data = vec![0; a.len()];
    for o in 0..outer {
        for i in 0..inner {
            let at = |j: usize| (o * len + j) * inner + i;
            let m = (0..len).map(|j| widen(q, a.data[at(j)])).max().unwrap_or(0);
            let e: Vec<u128> = (0..len)
                .map(|j| exp_neg_p((m - widen(q, a.data[at(j)])) as u128))
                .collect();
            let s: u128 = e.iter().sum();
            for j in 0..len {
                data[at(j)] = f(widen(q, a.data[at(j)]) - m, e[j], s)?;
            }
        }
    }
    Ok(Tensor {
        shape: a.shape.clone(),
        data,
    })
}

/// e_j / sum(e), e_j = exp(x_j - max x), rounded half up.
pub fn softmax(q: Q, a: &Tensor, axis: i64) -> Result<Tensor, FixedError> {
    softmax_like(q, "softmax", a, axis, |_, e, s| {
        Ok((((e << q.bits()) + s / 2) / s) as i64)
    })
}

/// x_j - max x - ln(sum e).
pub fn log_softmax(q: Q, a: &Tensor, axis: i64) -> Result<Tensor, FixedError> {
    softmax_like(q, "log_softmax", a, axis, |d, _, s| {
        narrow(q, "log_softmax", d - ln_p(s))
    })
}

//! Line polynomials (stwo 2.3.0 `LinePoly`): coefficients in bit-reversed order over the basis
//! 1, x, pi(x), x pi(x), ... with pi(x) = 2x^2 - 1; FRI's last layer is one of these.

use crate::fields::{QM31, QM31Trait};

/// `sum` over the FFT basis: values halved recursively, the right half scaled by the first factor.
pub fn fold(values: Span<QM31>, factors: Span<QM31>) -> QM31 {
    let n = values.len();
    if n == 1 {
        return *values.at(0);
    }
    assert(factors.len() > 0, 'poly: too few factors');
    let half = n / 2;
    let rest = factors.slice(1, factors.len() - 1);
    let lhs = fold(values.slice(0, half), rest);
    let rhs = fold(values.slice(half, half), rest);
    lhs + rhs * *factors.at(0)
}

/// The x-coordinate doubling map pi(x) = 2x^2 - 1.
pub fn double_x(x: QM31) -> QM31 {
    let sq = x * x;
    sq + sq - QM31Trait::one()
}

/// The line polynomial with bit-reversed `coeffs` (a power-of-two count) at `x`.
pub fn eval_line_poly(coeffs: Span<QM31>, x: QM31) -> QM31 {
    let mut doublings = array![];
    let mut cur = x;
    let mut n = coeffs.len();
    assert(n > 0, 'poly: no coefficients');
    while n > 1 {
        assert(n % 2 == 0, 'poly: size not a power of 2');
        doublings.append(cur);
        cur = double_x(cur);
        n /= 2;
    }
    fold(coeffs, doublings.span())
}

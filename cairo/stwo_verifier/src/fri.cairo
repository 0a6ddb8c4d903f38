//! FRI folding (stwo 2.3.0 `core::fri`): evaluations on a circle domain fold into a line, and
//! line evaluations fold in half, each pair combined with a random `alpha`. `fri_verifier`
//! builds on these.

use crate::circle::{CirclePoint, index_to_point};
use crate::fields::{M31, M31Trait, QM31, QM31Trait};

const ORDER: u64 = 0x80000000;

/// The points `initial + i * step` (as indices of the M31 circle generator), 2^log_size of them.
#[derive(Copy, Drop, Debug, PartialEq, Serde)]
pub struct Coset {
    pub initial_index: u32,
    pub step_index: u32,
    pub log_size: u32,
}

#[generate_trait]
pub impl CosetImpl of CosetTrait {
    fn new(initial_index: u32, log_size: u32) -> Coset {
        assert(log_size <= 31, 'fri: coset log size');
        Coset { initial_index, step_index: subgroup_gen(log_size), log_size }
    }

    /// Stwo's `Coset::half_odds`: the half coset of a canonic circle domain of size 2^(log+1).
    fn half_odds(log_size: u32) -> Coset {
        Self::new(subgroup_gen(log_size + 2), log_size)
    }

    fn index_at(self: @Coset, i: u32) -> u32 {
        let idx: u64 = ((*self.initial_index).into() + (*self.step_index).into() * i.into()) % ORDER;
        idx.try_into().unwrap()
    }

    fn at(self: @Coset, i: u32) -> CirclePoint<M31> {
        index_to_point(self.index_at(i))
    }

    fn repeated_double(self: @Coset, n: u32) -> Coset {
        let mut c = *self;
        for _ in 0..n {
            c = c.double();
        }
        c
    }

    fn double(self: @Coset) -> Coset {
        assert(*self.log_size > 0, 'fri: double of a point');
        Coset {
            initial_index: double_index(*self.initial_index),
            step_index: double_index(*self.step_index),
            log_size: *self.log_size - 1,
        }
    }
}

/// `1 << (31 - log_size)`: the index step of the subgroup of size 2^log_size.
fn subgroup_gen(log_size: u32) -> u32 {
    pow2(31 - log_size)
}

fn double_index(i: u32) -> u32 {
    let d: u64 = (i.into() * 2_u64) % ORDER;
    d.try_into().unwrap()
}

fn negate_index(i: u32) -> u32 {
    let n: u64 = (ORDER - i.into()) % ORDER;
    n.try_into().unwrap()
}

/// Index of point `i` of the circle domain with this half coset: the half coset, then its
/// conjugate.
pub fn circle_domain_index_at(half_coset: @Coset, i: u32) -> u32 {
    let half: u32 = pow2(*half_coset.log_size);
    if i < half {
        half_coset.index_at(i)
    } else {
        negate_index(half_coset.index_at(i - half))
    }
}

/// Point `i` of the circle domain with this half coset.
pub fn circle_domain_at(half_coset: @Coset, i: u32) -> CirclePoint<M31> {
    index_to_point(circle_domain_index_at(half_coset, i))
}

/// `i` with its low `log_size` bits reversed.
pub fn bit_reverse_index(i: u32, log_size: u32) -> u32 {
    let mut x = i;
    let mut r: u32 = 0;
    for _ in 0..log_size {
        r = r * 2 + x % 2;
        x = x / 2;
    }
    r
}

/// Stwo's inverse butterfly: (v0 + v1, (v0 - v1) * itwid).
pub fn ibutterfly(v0: QM31, v1: QM31, itwid: M31) -> (QM31, QM31) {
    (v0 + v1, (v0 - v1).mul_m31(itwid))
}

/// One line fold: `f(x)` and `f(-x)` at `x` → `f0 + alpha f1`.
pub fn fold_line_pair(f_x: QM31, f_neg_x: QM31, x: M31, alpha: QM31) -> QM31 {
    let (f0, f1) = ibutterfly(f_x, f_neg_x, x.inverse());
    f0 + alpha * f1
}

/// One circle-to-line fold: `f(p)` and `f(-p)` at `p` → `f0 + alpha f1` where
/// `2 f(p) = f0(p.x) + p.y f1(p.x)`.
pub fn fold_circle_pair(f_p: QM31, f_neg_p: QM31, p_y: M31, alpha: QM31) -> QM31 {
    let (f0, f1) = ibutterfly(f_p, f_neg_p, p_y.inverse());
    alpha * f1 + f0
}

/// Folds a line evaluation (bit-reversed order) on the line domain of `coset` in half.
pub fn fold_line(eval: Span<QM31>, coset: @Coset, alpha: QM31) -> Array<QM31> {
    assert(eval.len() >= 2, 'fri: evaluation too small');
    let mut out = array![];
    let mut i = 0;
    while 2 * i + 1 < eval.len() {
        let x = coset.at(bit_reverse_index(2 * i, *coset.log_size)).x;
        out.append(fold_line_pair(*eval.at(2 * i), *eval.at(2 * i + 1), x, alpha));
        i += 1;
    }
    out
}

/// Folds a circle evaluation (bit-reversed order) on the domain with `half_coset` into a line
/// evaluation of half the size.
pub fn fold_circle_into_line(src: Span<QM31>, half_coset: @Coset, alpha: QM31) -> Array<QM31> {
    let log_size = *half_coset.log_size + 1;
    let mut out = array![];
    let mut i = 0;
    while 2 * i + 1 < src.len() {
        let p = circle_domain_at(half_coset, bit_reverse_index(2 * i, log_size));
        out.append(fold_circle_pair(*src.at(2 * i), *src.at(2 * i + 1), p.y, alpha));
        i += 1;
    }
    out
}

/// Folds a line evaluation on `coset` (2^log_size values, bit-reversed) down to one value,
/// squaring `alpha` at each step (stwo's `fold_coset`).
pub fn fold_coset(eval: Span<QM31>, coset: Coset, alpha: QM31) -> QM31 {
    let mut values = eval;
    let mut domain = coset;
    let mut a = alpha;
    for _ in 0..coset.log_size {
        values = fold_line(values, @domain, a).span();
        a = a * a;
        domain = domain.double();
    }
    let folded = *values.at(0);
    folded
}

fn pow2(n: u32) -> u32 {
    crate::bits::pow2(n).try_into().unwrap()
}

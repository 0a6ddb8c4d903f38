//! Error bounds of the fixed-point functions against f64, at the default scale (k = 16) and the
//! finest (k = 32). The bounds are the ones stated in docs/NUMERICS.md.

use fixed::*;

/// Max abs error of `f` against `reference` over `xs` at scale `bits`, with an optional relative
/// part: each error is divided by `max(1, |reference|)` when `relative`.
fn max_error(
    bits: u32,
    xs: &[f64],
    f: fn(Q, i64) -> Result<i64, FixedError>,
    reference: fn(f64) -> f64,
    relative: bool,
) -> f64 {
    let q = Q::new(bits).unwrap();
    xs.iter()
        .map(|&x| {
            let raw = q.from_f64(x).unwrap();
            let exact = reference(q.to_f64(raw));
            let got = q.to_f64(f(q, raw).unwrap());
            let err = (got - exact).abs();
            if relative {
                err / exact.abs().max(1.0)
            } else {
                err
            }
        })
        .fold(0.0, f64::max)
}

fn grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (0..=n)
        .map(|i| lo + (hi - lo) * i as f64 / n as f64)
        .collect()
}

fn erf_f64(x: f64) -> f64 {
    // Composite Simpson on 2/sqrt(pi) * exp(-t^2): error far below the bounds checked here.
    let n = 20_000;
    let h = x.clamp(-7.0, 7.0) / n as f64;
    let f = |t: f64| (-t * t).exp();
    let mut s = f(0.0) + f(h * n as f64);
    for i in 1..n {
        s += f(h * i as f64) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * h / 3.0 * 2.0 / std::f64::consts::PI.sqrt()
}

/// (name, f, reference, domain, relative?, bound at k = 16, bound at k = 32)
type Case = (
    &'static str,
    fn(Q, i64) -> Result<i64, FixedError>,
    fn(f64) -> f64,
    (f64, f64),
    bool,
    f64,
    f64,
);

const CASES: [Case; 8] = [
    ("exp", exp_scalar, f64::exp, (-20.0, 20.0), true, 1e-5, 1e-8),
    (
        "log",
        log_scalar,
        f64::ln,
        (0.01, 1000.0),
        false,
        1e-5,
        1e-8,
    ),
    (
        "sqrt",
        sqrt_scalar,
        f64::sqrt,
        (0.0, 1000.0),
        false,
        8e-6,
        2e-10,
    ),
    (
        "sigmoid",
        sigmoid_scalar,
        |x| 1.0 / (1.0 + (-x).exp()),
        (-30.0, 30.0),
        false,
        8e-6,
        1e-9,
    ),
    (
        "tanh",
        tanh_scalar,
        f64::tanh,
        (-20.0, 20.0),
        false,
        8e-6,
        1e-9,
    ),
    (
        "softplus",
        softplus_scalar,
        |x| x.max(0.0) + (-x.abs()).exp().ln_1p(),
        (-30.0, 30.0),
        false,
        8e-6,
        1e-8,
    ),
    ("erf", erf_scalar, erf_f64, (-8.0, 8.0), false, 8e-6, 2e-7),
    (
        "gelu",
        gelu_scalar,
        |x| 0.5 * x * (1.0 + erf_f64(x / std::f64::consts::SQRT_2)),
        (-10.0, 10.0),
        false,
        9e-6,
        1e-6,
    ),
];

#[test]
fn nonlinear_functions_within_stated_bounds() {
    for (name, f, reference, (lo, hi), relative, b16, b32) in CASES {
        let xs = grid(
            lo,
            hi,
            if name == "erf" || name == "gelu" {
                2_000
            } else {
                20_000
            },
        );
        for (bits, bound) in [(16, b16), (32, b32)] {
            let err = max_error(bits, &xs, f, reference, relative);
            println!(
                "{name:9} k={bits:2}: max {} error {err:.3e} (bound {bound:.0e})",
                if relative { "rel" } else { "abs" }
            );
            assert!(
                err <= bound,
                "{name} at k={bits}: error {err:e} above the stated bound {bound:e}"
            );
        }
    }
}

#[test]
fn rescale_rounds_half_away_from_zero() {
    let q = Q::new(16).unwrap();
    assert_eq!(q.rescale("t", Wide::new(32768)).unwrap(), 1);
    assert_eq!(q.rescale("t", Wide::new(32767)).unwrap(), 0);
    assert_eq!(q.rescale("t", Wide::new(-32768)).unwrap(), -1);
    assert_eq!(q.rescale("t", Wide::new(-32767)).unwrap(), 0);
    assert_eq!(
        q.rescale("dense", Wide::new((i128::from(i64::MAX) + 1) << 16))
            .unwrap_err(),
        FixedError::new("dense", Reason::Overflow)
    );
    assert_eq!(
        q.rescale("dense", Wide::new(i128::from(i64::MAX) << 16))
            .unwrap(),
        i64::MAX
    );
    // A sum that passes 2^127 is an overflow, not a wrap.
    let mut w = Wide::default();
    for _ in 0..4 {
        w.mac(i64::MAX, i64::MAX);
    }
    assert_eq!(q.rescale("dense", w).unwrap_err().reason, Reason::Overflow);
}

#[test]
fn softmax_sums_to_one_and_matches_f64() {
    let q = Q::new(16).unwrap();
    let xs = [-3.5, 0.25, 2.0, 7.75, -12.0];
    let t = Tensor::new(
        vec![5],
        xs.iter().map(|&x| q.from_f64(x).unwrap()).collect(),
    )
    .unwrap();
    let y = softmax(q, &t, -1).unwrap();
    let m = xs.iter().cloned().fold(f64::MIN, f64::max);
    let s: f64 = xs.iter().map(|x| (x - m).exp()).sum();
    for (raw, x) in y.data.iter().zip(xs) {
        assert!((q.to_f64(*raw) - (x - m).exp() / s).abs() <= 2e-5);
    }
    let total: i64 = y.data.iter().sum();
    assert!((total - q.one()).abs() <= 3, "softmax total {total}");
    let l = log_softmax(q, &t, 0).unwrap();
    for (raw, x) in l.data.iter().zip(xs) {
        assert!((q.to_f64(*raw) - (x - m - s.ln())).abs() <= 2e-5);
    }
}

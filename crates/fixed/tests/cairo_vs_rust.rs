//! Every op of the Cairo tensor library, run in the Cairo VM on random tensors, must return exactly
//! what the Rust reference returns: the same raw values, or the same failure (`[op, reason]`).

#[path = "harness/client.rs"]
mod client;

use client::cairo;
use fixed::*;

thread_local! {
    /// (successes, failures) compared by `same` in this test's thread.
    static TALLY: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
}

/// Guards against a test that only ever compares two failures: most cases must succeed, and the
/// failure paths must be exercised too.
fn assert_tally(min_failures: usize) {
    let (ok, failed) = TALLY.with(|t| t.get());
    assert!(
        ok >= 2 * failed,
        "only {ok} successful cases against {failed} failures"
    );
    assert!(
        failed >= min_failures,
        "expected at least {min_failures} failure cases, saw {failed}"
    );
}

/// Asserts the VM result equals the reference result; returns the step count when it succeeded.
fn same(
    what: &str,
    code: i64,
    bits: u32,
    attrs: &[i64],
    tensors: &[&Tensor],
    reference: Result<Tensor, FixedError>,
) -> usize {
    let vm = cairo(code, bits, attrs, tensors);
    match (vm, reference) {
        (Ok((got, steps)), Ok(want)) => {
            assert_eq!(got, want, "{what}: VM and reference differ for inputs {tensors:?} attrs {attrs:?}");
            TALLY.with(|t| t.set((t.get().0 + 1, t.get().1)));
            steps
        }
        (Err(msg), Err(e)) => {
            assert_eq!(msg, format!("'{}', '{}'", e.op, e.reason.cairo()), "{what}: failures differ");
            TALLY.with(|t| t.set((t.get().0, t.get().1 + 1)));
            0
        }
        (vm, reference) => panic!("{what}: VM gave {vm:?}, reference gave {reference:?}, inputs {tensors:?} attrs {attrs:?}"),
    }
}

/// xorshift64*: deterministic test data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn shape(&mut self, max_rank: usize, max_dim: usize) -> Vec<usize> {
        let rank = self.below(max_rank as u64 + 1) as usize;
        (0..rank)
            .map(|_| 1 + self.below(max_dim as u64) as usize)
            .collect()
    }
    fn tensor(&mut self, shape: Vec<usize>, mag: i64) -> Tensor {
        let n = shape.iter().product();
        Tensor {
            shape,
            data: (0..n).map(|_| self.range(-mag, mag)).collect(),
        }
    }
    /// A shape that broadcasts with `s`: leading dims dropped, some dims set to 1.
    fn partner(&mut self, s: &[usize]) -> Vec<usize> {
        let drop = self.below(s.len() as u64 + 1) as usize;
        s[drop..]
            .iter()
            .map(|&d| if self.below(3) == 0 { 1 } else { d })
            .collect()
    }
}

const BITS: [u32; 5] = [8, 12, 16, 24, 32];

#[test]
fn binary_ops_broadcast_bit_exact() {
    let mut rng = Rng(0x5eed_0001);
    for case in 0..60 {
        let bits = BITS[case % BITS.len()];
        let q = Q::new(bits).unwrap();
        let s = rng.shape(3, 4);
        let p = rng.partner(&s);
        // Large magnitudes sometimes, so overflow paths are exercised too.
        let mag = if case % 7 == 0 {
            i64::MAX / 2
        } else {
            8 << bits
        };
        let (a, b) = if case % 2 == 0 {
            (rng.tensor(s, mag), rng.tensor(p, mag))
        } else {
            (rng.tensor(p, mag), rng.tensor(s, mag))
        };
        same("add", 1, bits, &[], &[&a, &b], add(&a, &b));
        same("sub", 2, bits, &[], &[&a, &b], sub(&a, &b));
        same("mul", 3, bits, &[], &[&a, &b], mul(q, &a, &b));
        same("div", 4, bits, &[], &[&a, &b], div(q, &a, &b));
        same("max", 5, bits, &[], &[&a, &b], max(&a, &b));
        same("min", 6, bits, &[], &[&a, &b], min(&a, &b));
        // Comparisons on a small range, so equal values occur.
        let (c, d) = (
            rng.tensor(a.shape.clone(), 2),
            rng.tensor(b.shape.clone(), 2),
        );
        for (name, code, cmp) in [
            ("greater", 7, Comparison::Greater),
            ("greater_or_equal", 8, Comparison::GreaterOrEqual),
            ("less", 9, Comparison::Less),
            ("less_or_equal", 71, Comparison::LessOrEqual),
            ("equal", 72, Comparison::Equal),
        ] {
            same(name, code, bits, &[], &[&c, &d], compare(cmp, &c, &d));
        }
        let ints = rng.tensor(
            a.shape.clone(),
            if case % 7 == 0 { i64::MAX / 2 } else { 100 },
        );
        same("to_fixed", 25, bits, &[], &[&ints], to_fixed(q, &ints));
    }
    // Exact ties (x.5 ULP) in both signs: the rounding rule itself.
    for bits in [1, 16, 32] {
        let q = Q::new(bits).unwrap();
        let a = Tensor::new(vec![4], vec![1, -1, 3, -3]).unwrap();
        let half = Tensor::new(vec![1], vec![1 << (bits - 1)]).unwrap();
        same("mul tie", 3, bits, &[], &[&a, &half], mul(q, &a, &half));
        let two = Tensor::new(vec![1], vec![2 << bits]).unwrap();
        same("div tie", 4, bits, &[], &[&a, &two], div(q, &a, &two));
        let row = Tensor::new(vec![1, 4], vec![1, -1, 3, -3]).unwrap();
        let col = Tensor::new(vec![4, 1], vec![1 << (bits - 1); 4]).unwrap();
        same(
            "matmul tie",
            30,
            bits,
            &[],
            &[&row, &col],
            matmul(q, &row, &col),
        );
        let col = Tensor::new(vec![1, 4], vec![1 << (bits - 1), 0, 0, 0]).unwrap();
        same(
            "matmul_nt tie",
            33,
            bits,
            &[],
            &[&row, &col],
            matmul_nt(q, &row, &col),
        );
    }
    // Incompatible shapes, division by zero, and an exact overflow boundary.
    let q = Q::new(16).unwrap();
    let a = Tensor::new(vec![2, 3], vec![1, 2, 3, 4, 5, 6]).unwrap();
    let b = Tensor::new(vec![2], vec![1, 2]).unwrap();
    same("add shapes", 1, 16, &[], &[&a, &b], add(&a, &b));
    let z = Tensor::new(vec![3], vec![1, 0, 2]).unwrap();
    same("div zero", 4, 16, &[], &[&a, &z], div(q, &a, &z));
    let m = Tensor::new(vec![1], vec![i64::MAX]).unwrap();
    let one = Tensor::new(vec![1], vec![1]).unwrap();
    same("add overflow", 1, 16, &[], &[&m, &one], add(&m, &one));
    same("sub at bound", 2, 16, &[], &[&m, &one], sub(&m, &one));
    assert_tally(3);
}

#[test]
fn unary_and_nonlinear_bit_exact() {
    let mut rng = Rng(0x5eed_0002);
    type UnaryOp = fn(Q, &Tensor) -> Result<Tensor, FixedError>;
    let ops: [(i64, &str, UnaryOp); 11] = [
        (10, "neg", |_, a| Ok(neg(a))),
        (11, "abs", |_, a| Ok(abs(a))),
        (12, "relu", |_, a| Ok(relu(a))),
        (13, "exp", exp),
        (14, "log", log),
        (15, "sqrt", sqrt),
        (16, "sigmoid", sigmoid),
        (17, "tanh", tanh),
        (18, "softplus", softplus),
        (19, "erf", erf),
        (20, "gelu", gelu),
    ];
    for case in 0..12 {
        let bits = BITS[case % BITS.len()];
        let q = Q::new(bits).unwrap();
        let mag = match case % 4 {
            0 => 1 << bits,
            1 => 12 << bits,
            2 => 50 << bits,
            _ => i64::MAX >> 8,
        };
        let len = 1 + rng.below(12) as usize;
        let a = rng.tensor(vec![len], mag);
        for (code, name, f) in ops {
            same(name, code, bits, &[], &[&a], f(q, &a));
        }
        let pos = Tensor {
            shape: a.shape.clone(),
            data: a
                .data
                .iter()
                .map(|v| v.unsigned_abs().max(1) as i64)
                .collect(),
        };
        same("log positive", 14, bits, &[], &[&pos], log(q, &pos));
        same("sqrt positive", 15, bits, &[], &[&pos], sqrt(q, &pos));
        let alpha = rng.range(-(1 << bits), 1 << bits);
        same(
            "leaky_relu",
            21,
            bits,
            &[alpha],
            &[&a],
            leaky_relu(q, &a, alpha),
        );
        let (lo, hi) = (rng.range(-mag, 0), rng.range(0, mag));
        same("clip", 22, bits, &[lo, hi], &[&a], Ok(clip(&a, lo, hi)));
    }
    // Edges: zero, exact powers, the extremes of the bound.
    for bits in [1, 16, 32] {
        let q = Q::new(bits).unwrap();
        let a = Tensor::new(
            vec![7],
            vec![0, 1, -1, 1 << bits, -(1 << bits), i64::MAX, -i64::MAX],
        )
        .unwrap();
        for (code, name, f) in ops {
            same(name, code, bits, &[], &[&a], f(q, &a));
        }
    }
    assert_tally(3);
}

#[test]
fn softmax_bit_exact() {
    let mut rng = Rng(0x5eed_0003);
    for case in 0..16 {
        let bits = BITS[case % BITS.len()];
        let q = Q::new(bits).unwrap();
        let s = {
            let mut s = rng.shape(3, 4);
            if s.is_empty() {
                s.push(3)
            };
            s
        };
        let axis = rng.range(-(s.len() as i64), s.len() as i64 - 1);
        let a = rng.tensor(s, 10 << bits);
        same("softmax", 23, bits, &[axis], &[&a], softmax(q, &a, axis));
        same(
            "log_softmax",
            24,
            bits,
            &[axis],
            &[&a],
            log_softmax(q, &a, axis),
        );
    }
    assert_tally(0);
}

#[test]
fn matmul_and_gemm_bit_exact() {
    let mut rng = Rng(0x5eed_0004);
    for case in 0..30 {
        let bits = BITS[case % BITS.len()];
        let q = Q::new(bits).unwrap();
        let (m, k, n) = (
            1 + rng.below(4) as usize,
            1 + rng.below(20) as usize,
            1 + rng.below(4) as usize,
        );
        let mag = if case % 9 == 0 { 1 << 62 } else { 4 << bits };
        let batch = rng.shape(2, 3);
        let mut sa = batch.clone();
        sa.extend([m, k]);
        let mut sb = rng.partner(&batch);
        sb.extend([k, n]);
        let (a, b) = (rng.tensor(sa, mag), rng.tensor(sb, mag));
        same("matmul", 30, bits, &[], &[&a, &b], matmul(q, &a, &b));
        let v = rng.tensor(vec![k], mag);
        let bm = rng.tensor(vec![k, n], mag);
        same("matmul vec", 30, bits, &[], &[&v, &bm], matmul(q, &v, &bm));
        let (ta, tb) = (case % 2 == 1, case % 3 == 1);
        let ga = rng.tensor(if ta { vec![k, m] } else { vec![m, k] }, mag);
        let gb = rng.tensor(if tb { vec![n, k] } else { vec![k, n] }, mag);
        let c = rng.tensor(if case % 2 == 0 { vec![n] } else { vec![m, n] }, mag);
        let (alpha, beta) = if case % 4 == 0 {
            (1 << bits, 1 << bits)
        } else {
            (
                rng.range(-(2 << bits), 2 << bits),
                rng.range(-(2 << bits), 2 << bits),
            )
        };
        let attrs = [alpha, beta, ta as i64, tb as i64];
        same(
            "gemm",
            31,
            bits,
            &attrs,
            &[&ga, &gb, &c],
            gemm(q, &ga, &gb, Some(&c), alpha, beta, ta, tb),
        );
        same(
            "gemm no c",
            31,
            bits,
            &attrs,
            &[&ga, &gb],
            gemm(q, &ga, &gb, None, alpha, beta, ta, tb),
        );
        let bt = rng.tensor(vec![n, k], mag);
        let a2 = rng.tensor(vec![m, k], mag);
        same(
            "matmul_nt",
            33,
            bits,
            &[],
            &[&a2, &bt],
            matmul_nt(q, &a2, &bt),
        );
        if let Ok(t) = matmul_nt(q, &a2, &bt) {
            assert_eq!(
                Ok(t),
                gemm(q, &a2, &bt, None, 1 << bits, 0, false, true),
                "matmul_nt is Gemm with transB"
            );
        }
    }
    let q = Q::new(16).unwrap();
    let a = Tensor::new(vec![2, 3], vec![0; 6]).unwrap();
    same("matmul shapes", 30, 16, &[], &[&a, &a], matmul(q, &a, &a));
    assert_tally(2);
}

fn random_window(rng: &mut Rng, spatial: &[usize], max_kernel: u64) -> Window {
    let d = spatial.len();
    let kernel: Vec<usize> = spatial
        .iter()
        .map(|&s| 1 + rng.below(max_kernel.min(s as u64)) as usize)
        .collect();
    let pads: Vec<usize> = (0..2 * d)
        .map(|i| rng.below(kernel[i % d] as u64) as usize)
        .collect();
    Window {
        strides: (0..d).map(|_| 1 + rng.below(2) as usize).collect(),
        dilations: (0..d)
            .map(|i| {
                if kernel[i] > 1 && rng.below(4) == 0 {
                    2
                } else {
                    1
                }
            })
            .collect(),
        kernel,
        pads,
    }
}

#[test]
fn conv_bit_exact() {
    let mut rng = Rng(0x5eed_0005);
    for case in 0..24 {
        let bits = BITS[case % BITS.len()];
        let q = Q::new(bits).unwrap();
        let two_d = case % 3 != 0;
        let group = if case % 4 == 3 { 2 } else { 1 };
        let cg = 1 + rng.below(2) as usize;
        let m = group * (1 + rng.below(3) as usize);
        let spatial: Vec<usize> = (0..if two_d { 2 } else { 1 })
            .map(|_| 3 + rng.below(5) as usize)
            .collect();
        let win = random_window(&mut rng, &spatial, 4);
        let mut xs = vec![1 + rng.below(2) as usize, cg * group];
        xs.extend(&spatial);
        let mut ws = vec![m, cg];
        ws.extend(&win.kernel);
        let mag = if case % 11 == 5 { 1 << 62 } else { 4 << bits };
        let (x, w, b) = (
            rng.tensor(xs, mag),
            rng.tensor(ws, mag),
            rng.tensor(vec![m], mag),
        );
        let mut attrs = vec![group as i64];
        attrs.extend(client::window_attrs(&win));
        same(
            "conv",
            32,
            bits,
            &attrs,
            &[&x, &w, &b],
            conv(q, &x, &w, Some(&b), &win, group),
        );
        same(
            "conv no bias",
            32,
            bits,
            &attrs,
            &[&x, &w],
            conv(q, &x, &w, None, &win, group),
        );
    }
    assert_tally(1);
}

#[test]
fn pools_bit_exact() {
    let mut rng = Rng(0x5eed_0006);
    for case in 0..24 {
        let bits = BITS[case % BITS.len()];
        let two_d = case % 3 != 0;
        let spatial: Vec<usize> = (0..if two_d { 2 } else { 1 })
            .map(|_| 2 + rng.below(5) as usize)
            .collect();
        let mut win = random_window(&mut rng, &spatial, 3);
        let mut xs = vec![1 + rng.below(2) as usize, 1 + rng.below(3) as usize];
        xs.extend(&spatial);
        let x = rng.tensor(xs, 8 << bits);
        same(
            "max_pool",
            40,
            bits,
            &client::window_attrs(&win),
            &[&x],
            max_pool(&x, &win),
        );
        win.dilations.iter_mut().for_each(|d| *d = 1);
        let include = case % 2 == 0;
        let mut attrs = vec![include as i64];
        attrs.extend(client::window_attrs(&win));
        same(
            "average_pool",
            41,
            bits,
            &attrs,
            &[&x],
            average_pool(&x, &win, include),
        );
        same(
            "global_average_pool",
            42,
            bits,
            &[],
            &[&x],
            global_average_pool(&x),
        );
    }
    // The unpadded fast path of MaxPool (LeNet's 2x2 stride 2, and 3x3 stride 1 with dilation 2
    // in height only).
    for (kernel, strides, dilations) in [([2, 2], [2, 2], [1, 1]), ([3, 3], [1, 1], [2, 1])] {
        let win = Window {
            kernel: kernel.to_vec(),
            strides: strides.to_vec(),
            pads: vec![0; 4],
            dilations: dilations.to_vec(),
        };
        let x = rng.tensor(vec![1, 3, 8, 9], 8 << 16);
        same(
            "max_pool unpadded",
            40,
            16,
            &client::window_attrs(&win),
            &[&x],
            max_pool(&x, &win),
        );
    }
    assert_tally(0);
}

#[test]
fn reductions_and_batch_norm_bit_exact() {
    let mut rng = Rng(0x5eed_0007);
    for case in 0..30 {
        let bits = BITS[case % BITS.len()];
        let q = Q::new(bits).unwrap();
        let s = {
            let mut s = rng.shape(4, 4);
            if s.is_empty() {
                s.push(2)
            };
            s
        };
        let r = s.len() as i64;
        let x = rng.tensor(
            s.clone(),
            if case % 8 == 0 {
                i64::MAX / 3
            } else {
                8 << bits
            },
        );
        let mut axes: Vec<i64> = Vec::new();
        for a in 0..r {
            match rng.below(3) {
                0 => axes.push(a),
                1 => axes.push(a - r),
                _ => {}
            }
        }
        if case % 5 == 0 {
            axes.clear();
        }
        let keep = case % 2 == 0;
        let mut attrs = vec![keep as i64];
        attrs.extend(&axes);
        let ax = (!axes.is_empty()).then_some(axes.as_slice());
        same(
            "reduce_sum",
            50,
            bits,
            &attrs,
            &[&x],
            reduce_sum(&x, ax, keep),
        );
        same(
            "reduce_mean",
            51,
            bits,
            &attrs,
            &[&x],
            reduce_mean(&x, ax, keep),
        );
        same(
            "reduce_max",
            52,
            bits,
            &attrs,
            &[&x],
            reduce_max(&x, ax, keep),
        );
        let axis = rng.range(-r, r - 1);
        // Small value range so ties occur.
        let xt = rng.tensor(s.clone(), 3);
        let last = case % 3 == 0;
        same(
            "argmax",
            53,
            bits,
            &[axis, keep as i64, last as i64],
            &[&xt],
            argmax(&xt, axis, keep, last),
        );
        if s.len() >= 2 {
            let c = s[1];
            let p = |rng: &mut Rng, lo: i64, hi: i64| Tensor {
                shape: vec![c],
                data: (0..c).map(|_| rng.range(lo, hi)).collect(),
            };
            let (sc, bi, mean) = (
                p(&mut rng, -(2 << bits), 2 << bits),
                p(&mut rng, -(2 << bits), 2 << bits),
                p(&mut rng, -(1 << bits), 1 << bits),
            );
            let var = p(
                &mut rng,
                if case % 7 == 0 { -(1 << bits) } else { 0 },
                4 << bits,
            );
            let eps = rng.range(0, 3);
            same(
                "batch_norm",
                54,
                bits,
                &[eps],
                &[&x, &sc, &bi, &mean, &var],
                batch_norm(q, &x, &sc, &bi, &mean, &var, eps),
            );
        }
    }
    assert_tally(1);
}

#[test]
fn layout_ops_bit_exact() {
    let mut rng = Rng(0x5eed_0008);
    for case in 0..40 {
        let s = {
            let mut s = rng.shape(4, 4);
            if s.is_empty() {
                s.push(3)
            };
            s
        };
        let r = s.len() as i64;
        let x = rng.tensor(s.clone(), 1000);
        // Reshape: a random regrouping with one inferred and one copied dim.
        let target: Vec<i64> = match case % 3 {
            0 => vec![-1],
            1 => {
                let mut t: Vec<i64> = s.iter().map(|&d| d as i64).collect();
                t[0] = 0;
                if t.len() > 1 {
                    t[1] = -1
                };
                t
            }
            _ => vec![x.len() as i64, 1],
        };
        same("reshape", 60, 16, &target, &[&x], reshape(&x, &target));
        let fa = rng.range(-r, r);
        same("flatten", 61, 16, &[fa], &[&x], flatten(&x, fa));
        let sq_axes: Vec<i64> = (0..r)
            .filter(|&a| s[a as usize] == 1 && rng.below(2) == 0)
            .collect();
        let listed: &[i64] = if case % 4 != 0 { &sq_axes } else { &[] };
        same(
            "squeeze",
            62,
            16,
            listed,
            &[&x],
            squeeze(&x, (!listed.is_empty()).then_some(listed)),
        );
        let un = [0, r + 1, -1];
        let un = &un[..1 + case % 3];
        same("unsqueeze", 63, 16, un, &[&x], unsqueeze(&x, un));
        let mut perm: Vec<i64> = (0..r).collect();
        for i in (1..perm.len()).rev() {
            perm.swap(i, rng.below(i as u64 + 1) as usize);
        }
        same(
            "transpose",
            64,
            16,
            &perm,
            &[&x],
            transpose(&x, Some(&perm)),
        );
        same("transpose default", 64, 16, &[], &[&x], transpose(&x, None));
        let ax = rng.range(-r, r - 1);
        let au = if ax < 0 { ax + r } else { ax } as usize;
        let mut s2 = s.clone();
        s2[au] = 1 + rng.below(3) as usize;
        let y = rng.tensor(s2, 1000);
        same(
            "concat",
            65,
            16,
            &[ax],
            &[&x, &y, &x],
            concat(&[&x, &y, &x], ax),
        );
        // Slice on a random subset of axes with random (possibly negative) starts/ends/steps.
        let axes: Vec<i64> = (0..r).filter(|_| rng.below(2) == 0).collect();
        let starts: Vec<i64> = axes.iter().map(|_| rng.range(-6, 6)).collect();
        let ends: Vec<i64> = axes.iter().map(|_| rng.range(-6, 6)).collect();
        let steps: Vec<i64> = axes
            .iter()
            .map(|_| [1, 2, -1, -2][rng.below(4) as usize])
            .collect();
        let mut attrs = vec![starts.len() as i64];
        attrs.extend(&starts);
        attrs.push(ends.len() as i64);
        attrs.extend(&ends);
        attrs.push(axes.len() as i64);
        attrs.extend(&axes);
        attrs.push(steps.len() as i64);
        attrs.extend(&steps);
        same(
            "slice",
            66,
            16,
            &attrs,
            &[&x],
            slice(&x, &starts, &ends, Some(&axes), Some(&steps)),
        );
        let dim = s[au] as i64;
        let ishape = rng.shape(2, 3);
        let n: usize = ishape.iter().product();
        let idx: Vec<i64> = (0..n)
            .map(|_| rng.range(-dim, if case % 9 == 0 { dim } else { dim - 1 }))
            .collect();
        let mut attrs = vec![ax, idx.len() as i64];
        attrs.extend(&idx);
        attrs.push(ishape.len() as i64);
        attrs.extend(ishape.iter().map(|&d| d as i64));
        same(
            "gather",
            67,
            16,
            &attrs,
            &[&x],
            gather(&x, &idx, &ishape, ax),
        );
        let pads: Vec<usize> = (0..2 * s.len()).map(|_| rng.below(3) as usize).collect();
        let value = rng.range(-5, 5);
        let mut attrs = vec![value, pads.len() as i64];
        attrs.extend(pads.iter().map(|&p| p as i64));
        same("pad", 68, 16, &attrs, &[&x], pad(&x, &pads, value));
    }
    assert_tally(1);
}

/// A forest in the library's layout (crates/fixed/src/tree.rs).
struct Forest {
    nodes: Tensor,
    roots: Tensor,
    leaves: Tensor,
}

fn random_forest(rng: &mut Rng, features: usize, trees: usize, targets: usize, mag: i64) -> Forest {
    // Grow every tree as (feature, threshold, left, right) with children as node/leaf ids, then
    // lay the records out with the final offsets.
    enum Child {
        Node(usize),
        Leaf(usize),
    }
    let mut recs: Vec<(i64, i64, Child, Child)> = Vec::new();
    let mut leaf_count = 0;
    let mut roots = Vec::new();
    fn grow(
        rng: &mut Rng,
        depth: u64,
        features: usize,
        recs: &mut Vec<(i64, i64, Child, Child)>,
        leaf_count: &mut usize,
    ) -> Child {
        if depth == 0 || rng.below(4) == 0 {
            *leaf_count += 1;
            return Child::Leaf(*leaf_count - 1);
        }
        let at = recs.len();
        let feature = rng.below(features as u64) as i64;
        let threshold = rng.range(-40, 40);
        recs.push((feature, threshold, Child::Leaf(0), Child::Leaf(0)));
        let yes = grow(rng, depth - 1, features, recs, leaf_count);
        let no = grow(rng, depth - 1, features, recs, leaf_count);
        recs[at].2 = yes;
        recs[at].3 = no;
        Child::Node(at)
    }
    for _ in 0..trees {
        let depth = 1 + rng.below(5);
        roots.push(grow(rng, depth, features, &mut recs, &mut leaf_count));
    }
    let code = |c: &Child| match c {
        Child::Node(i) => 4 * *i as i64,
        Child::Leaf(l) => -1 - (*l * targets) as i64,
    };
    let nodes = recs
        .iter()
        .flat_map(|(f, t, yes, no)| [*f, *t, code(yes), code(no)])
        .collect();
    Forest {
        nodes: Tensor {
            shape: vec![recs.len(), 4],
            data: nodes,
        },
        roots: Tensor {
            shape: vec![trees],
            data: roots.iter().map(code).collect(),
        },
        leaves: rng.tensor(vec![leaf_count, targets], mag),
    }
}

#[test]
fn tree_ensembles_bit_exact() {
    let mut rng = Rng(0x5eed_0070);
    let aggregates = [
        Aggregate::Sum,
        Aggregate::Average,
        Aggregate::Min,
        Aggregate::Max,
    ];
    for case in 0..24 {
        let features = 1 + rng.below(5) as usize;
        let (trees, targets) = (2 + rng.below(5) as usize, 1 + rng.below(3) as usize);
        let mut forest = random_forest(&mut rng, features, trees, targets, 1 << 20);
        let rows = 1 + rng.below(4) as usize;
        let x = rng.tensor(vec![rows, features], 50);
        let mut agg = case % 4;
        // Every sixth case: leaf values past half the bound, so any sum of two overflows.
        if case % 6 == 5 {
            forest
                .leaves
                .data
                .iter_mut()
                .for_each(|v| *v = i64::MAX / 2 + 1);
            agg = 0;
        }
        let Forest {
            nodes,
            roots,
            leaves,
        } = &forest;
        same(
            "tree_ensemble",
            70,
            16,
            &[agg as i64],
            &[&x, nodes, roots, leaves],
            tree_ensemble(&x, nodes, roots, leaves, aggregates[agg]),
        );
    }
    assert_tally(1);
}

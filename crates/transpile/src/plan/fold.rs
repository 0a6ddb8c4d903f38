//! Constant folding: nodes whose inputs are all constants are evaluated at transpile time, in
//! exact integers (shape arithmetic of exported graphs: `Mod`, `Range`, `Equal`, `Where`, …) or in
//! f64 (scales such as `1 / sqrt(head_dim)`), and become constants. Nothing here reaches the
//! proven program except as a constant, so it needs no Cairo counterpart.

use super::*;

/// Ops folded here (layout ops on constants are folded by `Planner::fold` through the library's
/// own index arithmetic).
pub const FOLDED_OPS: &[&str] = &[
    "And",
    "ConstantOfShape",
    "Ceil",
    "Expand",
    "Floor",
    "Mod",
    "Or",
    "Range",
    "Reciprocal",
    "Round",
    "Sign",
    "Size",
];

/// A numpy-broadcast of `shapes`, or None when they do not broadcast.
fn broadcast(shapes: &[&[usize]]) -> Option<Vec<usize>> {
    let rank = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    (0..rank)
        .map(|i| {
            let mut d = 1;
            for s in shapes {
                let k = (i + s.len()).checked_sub(rank);
                let x = k.map_or(1, |k| s[k]);
                if x != 1 {
                    if d != 1 && d != x {
                        return None;
                    }
                    d = x;
                }
            }
            Some(d)
        })
        .collect()
}

/// For every element of `out`, the flat index into a tensor of `shape` broadcast to it.
fn sources(shape: &[usize], out: &[usize]) -> Vec<usize> {
    let n: usize = out.iter().product();
    let pad = out.len() - shape.len();
    let mut strides = vec![0; out.len()];
    let mut acc = 1;
    for i in (0..shape.len()).rev() {
        if shape[i] != 1 {
            strides[pad + i] = acc;
        }
        acc *= shape[i];
    }
    (0..n)
        .map(|mut flat| {
            let mut at = 0;
            for d in (0..out.len()).rev() {
                at += (flat % out[d]) * strides[d];
                flat /= out[d];
            }
            at
        })
        .collect()
}

#[derive(Clone, Copy)]
enum Num {
    I(i64),
    F(f64),
}

impl Num {
    fn f(self) -> f64 {
        match self {
            Num::I(v) => v as f64,
            Num::F(v) => v,
        }
    }
}

fn values(c: &Const) -> Vec<Num> {
    match &c.data {
        ConstData::Int(v) => v.iter().map(|&x| Num::I(x)).collect(),
        ConstData::Float(v) => v.iter().map(|&x| Num::F(x)).collect(),
    }
}

fn constant(shape: Vec<usize>, v: Vec<Num>, int: bool) -> Const {
    let data = if int {
        ConstData::Int(
            v.iter()
                .map(|n| match *n {
                    Num::I(x) => x,
                    Num::F(x) => x as i64,
                })
                .collect(),
        )
    } else {
        ConstData::Float(v.iter().map(|n| n.f()).collect())
    };
    Const { shape, data }
}

/// Elementwise over broadcast inputs; integer result when `int`.
fn map(
    inputs: &[Const],
    int: bool,
    f: impl Fn(&[Num]) -> std::result::Result<Num, String>,
) -> std::result::Result<Const, String> {
    let shapes: Vec<&[usize]> = inputs.iter().map(|c| c.shape.as_slice()).collect();
    let out = broadcast(&shapes).ok_or_else(|| format!("shapes {shapes:?} do not broadcast"))?;
    let vals: Vec<Vec<Num>> = inputs.iter().map(values).collect();
    let idx: Vec<Vec<usize>> = inputs.iter().map(|c| sources(&c.shape, &out)).collect();
    let n: usize = out.iter().product();
    let mut res = Vec::with_capacity(n);
    for e in 0..n {
        let args: Vec<Num> = (0..inputs.len()).map(|k| vals[k][idx[k][e]]).collect();
        res.push(f(&args)?);
    }
    Ok(constant(out, res, int))
}

fn bool_num(b: bool) -> Num {
    Num::I(b as i64)
}

/// Folds `node` on constant inputs `c` (empty optional inputs are None), or returns None when
/// this module does not fold the op.
pub(super) fn fold(
    node: &pb::NodeProto,
    c: &[Option<Const>],
) -> Option<std::result::Result<Const, String>> {
    let given: Vec<Const> = c.iter().flatten().cloned().collect();
    let all_int = given.iter().all(Const::is_int);
    let num = |k: usize| -> std::result::Result<&Const, String> {
        c.get(k)
            .and_then(|v| v.as_ref())
            .ok_or_else(|| format!("missing input {k}"))
    };
    let arith = |f: fn(i64, i64) -> Option<i64>, g: fn(f64, f64) -> f64| {
        map(&given, all_int, move |a| match (a[0], a[1]) {
            (Num::I(x), Num::I(y)) => f(x, y)
                .map(Num::I)
                .ok_or_else(|| format!("integer {x} and {y}: undefined or overflow")),
            (x, y) => Ok(Num::F(g(x.f(), y.f()))),
        })
    };
    let compare =
        |f: fn(f64, f64) -> bool| map(&given, true, move |a| Ok(bool_num(f(a[0].f(), a[1].f()))));
    let unary_f = |f: fn(f64) -> f64| map(&given, false, move |a| Ok(Num::F(f(a[0].f()))));
    let rounding = |f: fn(f64) -> f64| {
        map(&given, all_int, move |a| {
            Ok(match a[0] {
                Num::I(x) => Num::I(x),
                Num::F(x) => Num::F(f(x)),
            })
        })
    };
    Some(match node.op_type.as_str() {
        "Add" => arith(i64::checked_add, |x, y| x + y),
        "Sub" => arith(i64::checked_sub, |x, y| x - y),
        "Mul" => arith(i64::checked_mul, |x, y| x * y),
        // Integer Div truncates (as onnxruntime's C++ division does).
        "Div" => arith(i64::checked_div, |x, y| x / y),
        "Mod" => {
            let fmod = attr_i(node, "fmod", 0) != 0;
            if fmod {
                arith(i64::checked_rem, |x, y| x % y)
            } else {
                // The result takes the divisor's sign (Python's %).
                arith(
                    |x, y| {
                        x.checked_rem(y).map(|r| {
                            if r != 0 && (r < 0) != (y < 0) {
                                r + y
                            } else {
                                r
                            }
                        })
                    },
                    |x, y| x - y * (x / y).floor(),
                )
            }
        }
        "Pow" => arith(
            |x, y| u32::try_from(y).ok().and_then(|y| x.checked_pow(y)),
            f64::powf,
        ),
        "Max" | "Min" if given.len() == 2 => {
            let max = node.op_type == "Max";
            map(&given, all_int, move |a| {
                let pick_first = (a[0].f() >= a[1].f()) == max;
                Ok(if pick_first { a[0] } else { a[1] })
            })
        }
        "Equal" => compare(|x, y| x == y),
        "Less" => compare(|x, y| x < y),
        "LessOrEqual" => compare(|x, y| x <= y),
        "Greater" => compare(|x, y| x > y),
        "GreaterOrEqual" => compare(|x, y| x >= y),
        "And" => compare(|x, y| x != 0.0 && y != 0.0),
        "Or" => compare(|x, y| x != 0.0 || y != 0.0),
        "Not" => map(&given, true, |a| Ok(bool_num(a[0].f() == 0.0))),
        "Neg" => map(&given, all_int, |a| {
            Ok(match a[0] {
                Num::I(x) => Num::I(-x),
                Num::F(x) => Num::F(-x),
            })
        }),
        "Abs" => map(&given, all_int, |a| {
            Ok(match a[0] {
                Num::I(x) => Num::I(x.abs()),
                Num::F(x) => Num::F(x.abs()),
            })
        }),
        "Sign" => map(&given, all_int, |a| {
            let s = a[0].f().signum() * (a[0].f() != 0.0) as i64 as f64;
            Ok(match a[0] {
                Num::I(_) => Num::I(s as i64),
                Num::F(_) => Num::F(s),
            })
        }),
        "Sqrt" => unary_f(f64::sqrt),
        "Exp" => unary_f(f64::exp),
        "Log" => unary_f(f64::ln),
        "Reciprocal" => unary_f(|x| 1.0 / x),
        "Floor" => rounding(f64::floor),
        "Ceil" => rounding(f64::ceil),
        // ONNX Round: half to even.
        "Round" => rounding(f64::round_ties_even),
        "Where" => {
            if given.len() != 3 {
                return Some(Err("Where takes three inputs".into()));
            }
            let int = given[1].is_int() && given[2].is_int();
            map(&given, int, |a| {
                Ok(if a[0].f() != 0.0 { a[1] } else { a[2] })
            })
        }
        "Expand" => (|| {
            let x = num(0)?;
            let shape: Vec<usize> = num(1)?
                .ints()
                .iter()
                .map(|&d| usize::try_from(d).map_err(|_| format!("negative dim {d}")))
                .collect::<std::result::Result<_, _>>()?;
            let target = Const {
                shape: broadcast(&[&x.shape, &shape])
                    .ok_or_else(|| format!("{:?} does not expand to {shape:?}", x.shape))?,
                data: ConstData::Int(vec![]),
            };
            let out = target.shape;
            let src = sources(&x.shape, &out);
            let v = values(x);
            Ok(constant(
                out,
                src.iter().map(|&i| v[i]).collect(),
                x.is_int(),
            ))
        })(),
        "ConstantOfShape" => (|| {
            let shape: Vec<usize> = num(0)?
                .ints()
                .iter()
                .map(|&d| usize::try_from(d).map_err(|_| format!("negative dim {d}")))
                .collect::<std::result::Result<_, _>>()?;
            let n: usize = shape.iter().product();
            let value = match attr(node, "value").and_then(|a| a.t.as_ref()) {
                Some(t) => decode_tensor(t, "value").map_err(|e| e.to_string())?,
                None => Const {
                    shape: vec![1],
                    data: ConstData::Float(vec![0.0]),
                },
            };
            let v = values(&value).first().copied().unwrap_or(Num::F(0.0));
            Ok(constant(shape, vec![v; n], value.is_int()))
        })(),
        "Range" => (|| {
            let (start, limit, delta) = (num(0)?, num(1)?, num(2)?);
            let int = start.is_int() && limit.is_int() && delta.is_int();
            let (s, l, d) = (start.floats()[0], limit.floats()[0], delta.floats()[0]);
            if d == 0.0 {
                return Err("Range with delta 0".into());
            }
            let n = ((l - s) / d).ceil().max(0.0) as usize;
            let v = (0..n).map(|i| Num::F(s + i as f64 * d)).collect();
            Ok(constant(vec![n], v, int))
        })(),
        "Size" => Ok(Const {
            shape: vec![],
            data: ConstData::Int(vec![given[0].shape.iter().product::<usize>() as i64]),
        }),
        "ReduceProd" if given.len() == 1 && attr(node, "axes").is_none() => {
            let p = values(&given[0])
                .iter()
                .fold(Num::I(1), |acc, &x| match (acc, x) {
                    (Num::I(a), Num::I(b)) => Num::I(a * b),
                    (a, b) => Num::F(a.f() * b.f()),
                });
            let keep = attr_i(node, "keepdims", 1) != 0;
            let shape = if keep {
                vec![1; given[0].shape.len()]
            } else {
                vec![]
            };
            Ok(constant(shape, vec![p], all_int))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(op: &str) -> pb::NodeProto {
        pb::NodeProto {
            op_type: op.into(),
            ..Default::default()
        }
    }

    fn ints(shape: Vec<usize>, v: Vec<i64>) -> Option<Const> {
        Some(Const {
            shape,
            data: ConstData::Int(v),
        })
    }

    #[test]
    fn integer_shape_arithmetic() {
        let m = fold(
            &node("Mod"),
            &[ints(vec![2], vec![-7, 7]), ints(vec![], vec![3])],
        )
        .unwrap()
        .unwrap();
        assert_eq!(m.ints(), vec![2, 1]);
        let d = fold(
            &node("Div"),
            &[ints(vec![], vec![-7]), ints(vec![], vec![2])],
        )
        .unwrap()
        .unwrap();
        assert_eq!(d.ints(), vec![-3]);
        let w = fold(
            &node("Where"),
            &[
                ints(vec![3], vec![1, 0, 1]),
                ints(vec![3], vec![4, 5, 6]),
                ints(vec![], vec![-1]),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(w.ints(), vec![4, -1, 6]);
        let e = fold(
            &node("Expand"),
            &[ints(vec![2, 1], vec![1, 2]), ints(vec![2], vec![2, 3])],
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (e.shape.clone(), e.ints()),
            (vec![2, 3], vec![1, 1, 1, 2, 2, 2])
        );
        let r = fold(
            &node("Range"),
            &[
                ints(vec![], vec![1]),
                ints(vec![], vec![8]),
                ints(vec![], vec![3]),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.ints(), vec![1, 4, 7]);
        let q = fold(
            &node("Equal"),
            &[ints(vec![2], vec![3, 4]), ints(vec![], vec![4])],
        )
        .unwrap()
        .unwrap();
        assert_eq!(q.ints(), vec![0, 1]);
        assert!(fold(
            &node("Div"),
            &[ints(vec![], vec![1]), ints(vec![], vec![0])]
        )
        .unwrap()
        .is_err());
    }
}

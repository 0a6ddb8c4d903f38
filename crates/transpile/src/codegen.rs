//! Emitting the Cairo package for a plan.

use std::collections::HashMap;
use std::fmt::Write;

use fixed::{Tensor, Window};

use crate::plan::{Binary, Op, Operand, Plan, ReduceKind, Unary};
use crate::privacy::{self, InputVisibility, OutputVisibility, WeightsVisibility};

/// Sierra type sizes are `i16`, so one constant array holds at most this many felts.
pub const MAX_CONST_LEN: usize = 32_767;

/// How a weight is stored: one constant array, or row blocks along axis 0 (each a constant array),
/// or flat pieces when a single row is already too long.
enum Storage {
    Whole,
    Rows(Vec<(usize, usize)>),
    Flat(Vec<(usize, usize)>),
}

fn storage(t: &Tensor) -> Storage {
    if t.data.len() <= MAX_CONST_LEN {
        return Storage::Whole;
    }
    let row = t.data.len() / t.shape[0];
    if row <= MAX_CONST_LEN {
        let per = MAX_CONST_LEN / row;
        Storage::Rows(
            (0..t.shape[0])
                .step_by(per)
                .map(|r| (r, (r + per).min(t.shape[0])))
                .collect(),
        )
    } else {
        Storage::Flat(
            (0..t.data.len())
                .step_by(MAX_CONST_LEN)
                .map(|e| (e, (e + MAX_CONST_LEN).min(t.data.len())))
                .collect(),
        )
    }
}

fn const_array(s: &mut String, name: &str, data: &[i64]) {
    let _ = write!(s, "const {name}: [felt252; {}] = [", data.len());
    for (j, v) in data.iter().enumerate() {
        s.push_str(if j % 16 == 0 { "\n    " } else { " " });
        let _ = write!(s, "{v},");
    }
    s.push_str("\n];\n\n");
}

/// Weight constants and their accessor functions `w{i}()` (and `w{i}_{k}()` per row block).
fn weights(s: &mut String, plan: &Plan) -> HashMap<usize, Vec<(usize, usize)>> {
    let mut rows = HashMap::new();
    for (i, w) in plan.weights.iter().enumerate() {
        let t = &w.tensor;
        let _ = writeln!(s, "// {} {:?}", w.name, t.shape);
        match storage(t) {
            Storage::Whole => {
                const_array(s, &format!("W{i}"), &t.data);
                let _ = writeln!(
                    s,
                    "fn w{i}() -> Tensor {{\n    Tensor {{ shape: {}, data: W{i}.span() }}\n}}\n",
                    usizes(&t.shape)
                );
            }
            Storage::Rows(blocks) => {
                let row = t.data.len() / t.shape[0];
                let mut parts = Vec::new();
                for (k, &(r0, r1)) in blocks.iter().enumerate() {
                    const_array(s, &format!("W{i}_{k}"), &t.data[r0 * row..r1 * row]);
                    let mut shape = t.shape.clone();
                    shape[0] = r1 - r0;
                    let _ = writeln!(s, "fn w{i}_{k}() -> Tensor {{\n    Tensor {{ shape: {}, data: W{i}_{k}.span() }}\n}}\n", usizes(&shape));
                    parts.push(format!("w{i}_{k}()"));
                }
                let _ = writeln!(s, "/// Copies the blocks together (dense ops use the blocks directly).\nfn w{i}() -> Tensor {{\n    shape::concat(array![{}].span(), 0)\n}}\n", parts.join(", "));
                rows.insert(i, blocks);
            }
            Storage::Flat(pieces) => {
                let mut parts = Vec::new();
                for (k, &(e0, e1)) in pieces.iter().enumerate() {
                    const_array(s, &format!("W{i}_{k}"), &t.data[e0..e1]);
                    parts.push(format!(
                        "Tensor {{ shape: array![{}].span(), data: W{i}_{k}.span() }}",
                        e1 - e0
                    ));
                }
                let shape: Vec<i64> = t.shape.iter().map(|&d| d as i64).collect();
                let _ = writeln!(s, "fn w{i}() -> Tensor {{\n    shape::reshape(shape::concat(array![{}].span(), 0), {})\n}}\n", parts.join(", "), felts(&shape));
            }
        }
    }
    rows
}

/// A dense op whose weight is stored in row blocks runs once per block (each block's outputs are
/// a contiguous range of output channels) and the results are concatenated: no weight copies.
fn blocked_call(
    op: &Op,
    i: &[Operand],
    plan: &Plan,
    rows: &HashMap<usize, Vec<(usize, usize)>>,
) -> Option<String> {
    let Operand::Weight(w) = i.get(1)? else {
        return None;
    };
    let blocks = rows.get(w)?;
    // A bias operand, sliced per block, if it is a 1-D weight stored whole.
    let bias = |k: usize| -> Option<Option<String>> {
        match i.get(2) {
            None => Some(None),
            Some(Operand::Weight(b))
                if plan.weights[*b].tensor.rank() == 1
                    && !rows.contains_key(b)
                    && plan.weights[*b].tensor.data.len() <= MAX_CONST_LEN =>
            {
                let (r0, r1) = blocks[k];
                Some(Some(format!("Some(Tensor {{ shape: array![{}].span(), data: W{b}.span().slice({r0}, {}) }})", r1 - r0, r1 - r0)))
            }
            Some(_) => None,
        }
    };
    let a = operand(&i[0]);
    let (parts, axis): (Vec<String>, i64) = match op {
        Op::MatMulNt => (
            (0..blocks.len())
                .map(|k| format!("linalg::matmul_nt({a}, w{w}_{k}(), q)"))
                .collect(),
            -1,
        ),
        Op::Gemm {
            alpha,
            beta,
            trans_a,
            trans_b: true,
        } => {
            let parts = (0..blocks.len())
                .map(|k| bias(k).map(|c| format!("linalg::gemm({a}, w{w}_{k}(), {}, {alpha}, {beta}, {trans_a}, true, q)", c.unwrap_or("None".into()))))
                .collect::<Option<Vec<_>>>()?;
            (parts, -1)
        }
        Op::Conv {
            window: win,
            group: 1,
        } => {
            let parts = (0..blocks.len())
                .map(|k| {
                    bias(k).map(|c| {
                        format!(
                            "linalg::conv({a}, w{w}_{k}(), {}, {}, 1, q)",
                            c.unwrap_or("None".into()),
                            window(win)
                        )
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            (parts, 1)
        }
        _ => return None,
    };
    Some(format!(
        "shape::concat(array![{}].span(), {axis})",
        parts.join(", ")
    ))
}

/// A Cairo package name from a model name (lowercase identifier).
pub fn package_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        s.insert_str(0, "model_");
    }
    s
}

pub fn scarb_toml(package: &str, tensor_lib: &str) -> String {
    format!(
        "# Generated by cairn transpile.\n[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2024_07\"\n\n\
         [dependencies]\ncairn_tensor = {{ path = \"{tensor_lib}\" }}\ncairo_execute = \"2.12.0\"\n\n\
         [executable]\n\n[cairo]\nenable-gas = false\n"
    )
}

/// A Cairo span literal of numbers.
fn span_of<T: ToString>(v: &[T]) -> String {
    let items: Vec<String> = v.iter().map(T::to_string).collect();
    format!("array![{}].span()", items.join(", "))
}

fn felts(v: &[i64]) -> String {
    span_of(v)
}

fn usizes(v: &[usize]) -> String {
    span_of(v)
}

fn window(w: &Window) -> String {
    format!(
        "Window {{ kernel: {}, strides: {}, pads: {}, dilations: {} }}",
        usizes(&w.kernel),
        usizes(&w.strides),
        usizes(&w.pads),
        usizes(&w.dilations)
    )
}

fn operand(o: &Operand) -> String {
    match o {
        Operand::Value(v) => format!("v{v}"),
        Operand::Weight(w) => format!("w{w}()"),
    }
}

fn opt(o: Option<&Operand>) -> String {
    o.map_or("None".into(), |o| format!("Some({})", operand(o)))
}

fn call(op: &Op, i: &[Operand]) -> String {
    let a = || operand(&i[0]);
    let b = || operand(&i[1]);
    match op {
        Op::Binary(k) => {
            let k = match k {
                Binary::Add => "Add",
                Binary::Sub => "Sub",
                Binary::Mul => "Mul",
                Binary::Div => "Div",
                Binary::Max => "Max",
                Binary::Min => "Min",
                Binary::Greater => "Greater",
                Binary::GreaterOrEqual => "GreaterOrEqual",
                Binary::Less => "Less",
                Binary::LessOrEqual => "LessOrEqual",
                Binary::Equal => "Equal",
            };
            format!("elementwise::binary(BinOp::{k}, {}, {}, q)", a(), b())
        }
        Op::Unary(k) => {
            let k = match k {
                Unary::Neg => "Neg",
                Unary::Abs => "Abs",
                Unary::Relu => "Relu",
                Unary::Exp => "Exp",
                Unary::Log => "Log",
                Unary::Sqrt => "Sqrt",
                Unary::Sigmoid => "Sigmoid",
                Unary::Tanh => "Tanh",
                Unary::Softplus => "Softplus",
                Unary::Erf => "Erf",
                Unary::Gelu => "Gelu",
                Unary::ToFixed => "ToFixed",
            };
            format!("elementwise::unary(UnOp::{k}, {}, q)", a())
        }
        Op::LeakyRelu { alpha } => format!("elementwise::leaky_relu({}, {alpha}, q)", a()),
        Op::Clip { lo, hi } => format!("elementwise::clip({}, {lo}, {hi})", a()),
        Op::Softmax { axis, log } => {
            format!(
                "math::{}({}, {axis}, q)",
                if *log { "log_softmax" } else { "softmax" },
                a()
            )
        }
        Op::MatMul => format!("linalg::matmul({}, {}, q)", a(), b()),
        Op::MatMulNt => format!("linalg::matmul_nt({}, {}, q)", a(), b()),
        Op::Gemm {
            alpha,
            beta,
            trans_a,
            trans_b,
        } => {
            format!(
                "linalg::gemm({}, {}, {}, {alpha}, {beta}, {trans_a}, {trans_b}, q)",
                a(),
                b(),
                opt(i.get(2))
            )
        }
        Op::Conv { window: w, group } => {
            format!(
                "linalg::conv({}, {}, {}, {}, {group}, q)",
                a(),
                b(),
                opt(i.get(2)),
                window(w)
            )
        }
        Op::MaxPool { window: w } => format!("pool::max_pool({}, {})", a(), window(w)),
        Op::AveragePool {
            window: w,
            count_include_pad,
        } => {
            format!(
                "pool::average_pool({}, {}, {count_include_pad})",
                a(),
                window(w)
            )
        }
        Op::GlobalAveragePool => format!("pool::global_average_pool({})", a()),
        Op::BatchNorm { eps } => format!(
            "reduce::batch_norm({}, {}, {}, {}, {}, {eps}, q)",
            a(),
            b(),
            operand(&i[2]),
            operand(&i[3]),
            operand(&i[4])
        ),
        Op::Reduce {
            kind,
            axes,
            keepdims,
        } => {
            let k = match kind {
                ReduceKind::Sum => "Sum",
                ReduceKind::Mean => "Mean",
                ReduceKind::Max => "Max",
            };
            format!(
                "reduce::reduce({}, {}, {keepdims}, Reduce::{k})",
                a(),
                felts(axes)
            )
        }
        Op::ArgMax {
            axis,
            keepdims,
            select_last,
        } => {
            format!("reduce::argmax({}, {axis}, {keepdims}, {select_last})", a())
        }
        Op::Reshape { shape } => format!("shape::reshape({}, {})", a(), felts(shape)),
        Op::Flatten { axis } => format!("shape::flatten({}, {axis})", a()),
        Op::Squeeze { axes } => format!("shape::squeeze({}, {})", a(), felts(axes)),
        Op::Unsqueeze { axes } => format!("shape::unsqueeze({}, {})", a(), felts(axes)),
        Op::Transpose { perm } => format!("shape::transpose({}, {})", a(), felts(perm)),
        Op::Concat { axis } => {
            let all: Vec<String> = i.iter().map(operand).collect();
            format!("shape::concat(array![{}].span(), {axis})", all.join(", "))
        }
        Op::Slice {
            starts,
            ends,
            axes,
            steps,
        } => {
            format!(
                "shape::slice({}, {}, {}, {}, {})",
                a(),
                felts(starts),
                felts(ends),
                felts(axes),
                felts(steps)
            )
        }
        Op::Gather {
            axis,
            indices,
            indices_shape,
        } => {
            format!(
                "shape::gather({}, {}, {}, {axis})",
                a(),
                felts(indices),
                usizes(indices_shape)
            )
        }
        Op::Pad { pads, value } => format!("shape::pad({}, {}, {value})", a(), usizes(pads)),
        Op::Take { axis } => {
            let idx = b();
            format!("shape::gather({}, {idx}.data, {idx}.shape, {axis})", a())
        }
        Op::TreeEnsemble { aggregate } => format!(
            "tree::ensemble({}, {}, {}, {}, Aggregate::{aggregate:?})",
            a(),
            b(),
            operand(&i[2]),
            operand(&i[3])
        ),
    }
}

/// `src/lib.cairo` of the generated package.
pub fn lib_cairo(plan: &Plan, source: &str) -> String {
    let mut s = String::new();
    let bits = plan.q.bits();
    let _ = writeln!(
        s,
        "//! `{}` transpiled by cairn from {source}: fixed point at scale 2^{bits}.",
        plan.name
    );
    let _ = writeln!(s, "//! Generated code; regenerate instead of editing.\n");
    let hashed_weights = plan.visibility.weights == WeightsVisibility::Hashed;
    let mut consts = String::new();
    let calls: Vec<String> = if hashed_weights {
        // Weights are locals sliced from the private argument: `w3`, not the constant `w3()`.
        plan.steps
            .iter()
            .map(|st| {
                let mut c = call(&st.op, &st.inputs);
                for w in 0..plan.weights.len() {
                    c = c.replace(&format!("w{w}()"), &format!("w{w}"));
                }
                c
            })
            .collect()
    } else {
        let rows = weights(&mut consts, plan);
        plan.steps
            .iter()
            .map(|st| {
                blocked_call(&st.op, &st.inputs, plan, &rows)
                    .unwrap_or_else(|| call(&st.op, &st.inputs))
            })
            .collect()
    };
    let used = |prefix: &str| calls.iter().any(|c| c.contains(prefix)) || consts.contains(prefix);
    s.push_str("use cairn_tensor::Tensor;\n");
    for (prefix, import) in [
        ("BinOp::", "use cairn_tensor::elementwise::BinOp;"),
        ("UnOp::", "use cairn_tensor::elementwise::UnOp;"),
        ("Window {", "use cairn_tensor::linalg::Window;"),
        ("Reduce::", "use cairn_tensor::reduce::Reduce;"),
        ("Aggregate::", "use cairn_tensor::tree::Aggregate;"),
    ] {
        if used(prefix) {
            let _ = writeln!(s, "{import}");
        }
    }
    let modules: Vec<&str> = [
        "elementwise",
        "linalg",
        "math",
        "pool",
        "reduce",
        "shape",
        "tree",
    ]
    .into_iter()
    .filter(|m| used(&format!("{m}::")))
    .collect();
    if !modules.is_empty() {
        let _ = writeln!(s, "use cairn_tensor::{{{}}};", modules.join(", "));
    }
    s.push('\n');
    s.push_str(&consts);
    let mut params: Vec<String> = (0..plan.inputs.len())
        .map(|i| format!("v{i}: Tensor"))
        .collect();
    if hashed_weights {
        params.push("weights: Span<felt252>".into());
    }
    let _ = writeln!(
        s,
        "/// The model on fixed-point inputs (scale 2^{bits}); one tensor per model output."
    );
    let _ = writeln!(
        s,
        "pub fn predict({}) -> Array<Tensor> {{",
        params.join(", ")
    );
    if calls.iter().any(|c| c.ends_with(", q)")) {
        let _ = writeln!(s, "    let q = cairn_tensor::q({bits});");
    }
    if hashed_weights {
        let mut at = 0;
        for (i, w) in plan.weights.iter().enumerate() {
            let n = w.tensor.data.len();
            let _ = writeln!(
                s,
                "    let w{i} = Tensor {{ shape: {}, data: weights.slice({at}, {n}) }}; // {}",
                usizes(&w.tensor.shape),
                w.name.replace('\n', " ")
            );
            at += n;
        }
    }
    for (step, c) in plan.steps.iter().zip(&calls) {
        let _ = writeln!(
            s,
            "    // {} ({})",
            step.node.replace('\n', " "),
            step.op_type
        );
        let _ = writeln!(s, "    let v{} = {c};", step.output);
    }
    let outs: Vec<String> = plan.outputs.iter().map(|o| format!("v{o}")).collect();
    let _ = writeln!(s, "    array![{}]\n}}\n", outs.join(", "));
    let total: usize = plan
        .inputs
        .iter()
        .map(|i| i.shape.iter().product::<usize>())
        .sum();
    s.push_str(&main_fn(plan, total));
    s
}

/// The `#[executable]` entry: checks and slices the input (and private weights), runs `predict`
/// and returns the public sections that the visibility asks for (layout in [`privacy`]).
fn main_fn(plan: &Plan, total_inputs: usize) -> String {
    let vis = plan.visibility;
    let hashed_weights = vis.weights == WeightsVisibility::Hashed;
    let mut s = String::from(
        "/// Inputs as felts (all model inputs, flattened, in order); returns the public sections.\n",
    );
    s.push_str("#[executable]\nfn main(input: cairn_tensor::Felts");
    if hashed_weights {
        s.push_str(", weights: cairn_tensor::Felts");
    }
    s.push_str(") -> Array<felt252> {\n");
    s.push_str("    let data = input.data;\n");
    let _ = writeln!(s, "    if data.len() != {total_inputs} {{\n        core::panics::panic(array!['input', 'wrong number of values']);\n    }}");
    s.push_str("    cairn_tensor::fixed::check_all(data, 'input');\n");
    let mut args = Vec::new();
    let mut at = 0;
    for (i, inp) in plan.inputs.iter().enumerate() {
        let n: usize = inp.shape.iter().product();
        let _ = writeln!(
            s,
            "    let v{i} = Tensor {{ shape: {}, data: data.slice({at}, {n}) }};",
            usizes(&inp.shape)
        );
        args.push(format!("v{i}"));
        at += n;
    }
    let inputs = args.join(", ");
    if hashed_weights {
        let n: usize = plan.weights.iter().map(|w| w.tensor.data.len()).sum();
        // No range check: the weight commitment binds them to the transpiler's (in-range) values.
        s.push_str("    let weights = weights.data;\n");
        let _ = writeln!(s, "    if weights.len() != {n} {{\n        core::panics::panic(array!['weights', 'wrong number of values']);\n    }}");
        args.push("weights".into());
    }
    let _ = writeln!(s, "    let outputs = predict({});", args.join(", "));
    s.push_str("    let mut public: Array<felt252> = array![];\n");
    let tag = |s: &mut String, t: &str| {
        let _ = writeln!(s, "    public.append('{t}');");
    };
    match vis.input {
        InputVisibility::Public => {
            tag(&mut s, privacy::TAG_INPUT);
            let _ = writeln!(s, "    array![{inputs}].serialize(ref public);");
        }
        InputVisibility::Hashed => {
            tag(&mut s, privacy::TAG_INPUT_HASH);
            s.push_str("    public.append(cairn_tensor::commit::hash_span(data));\n");
        }
        InputVisibility::Private => {}
    }
    if hashed_weights {
        tag(&mut s, privacy::TAG_WEIGHTS_HASH);
        s.push_str("    public.append(cairn_tensor::commit::hash_span(weights));\n");
    }
    match vis.output {
        OutputVisibility::Public => {
            tag(&mut s, privacy::TAG_OUTPUT);
            s.push_str("    outputs.serialize(ref public);\n");
        }
        OutputVisibility::Hashed => {
            s.push_str("    let mut serialized: Array<felt252> = array![];\n    outputs.serialize(ref serialized);\n");
            tag(&mut s, privacy::TAG_OUTPUT_HASH);
            s.push_str("    public.append(cairn_tensor::commit::hash_span(serialized.span()));\n");
        }
    }
    s.push_str("    public\n}\n");
    s
}

//! Cairo steps of the tensor library's ops, measured in the VM through the test harness.
//!
//! Each figure is the step count of the op minus that of the harness's no-op on the same request
//! (decoding the inputs costs the same in both), divided by the op's multiply-accumulates or output
//! elements. `cargo run --release -p cairn-bench --bin tensor-steps`

#[path = "../../../fixed/tests/harness/client.rs"]
mod client;

use fixed::{Tensor, Window};

fn tensor(shape: Vec<usize>, seed: i64) -> Tensor {
    let n: usize = shape.iter().product();
    let data = (0..n as i64)
        .map(|i| ((i * 7919 + seed * 104_729) % 131_071) - 65_535)
        .collect();
    Tensor { shape, data }
}

/// Steps of `code` on `inputs` net of decoding them.
fn net_steps(code: i64, attrs: &[i64], inputs: &[&Tensor]) -> usize {
    let (_, op) = client::cairo(code, 16, attrs, inputs).expect("op runs");
    let (_, base) = client::cairo(0, 16, attrs, inputs).expect("no-op runs");
    op - base
}

fn row(op: &str, shape: &str, units: usize, unit: &str, steps: usize) {
    println!(
        "| {op} | {shape} | {units} {unit}s | {steps} | {:.2} |",
        steps as f64 / units as f64
    );
}

fn main() {
    println!("| op | shape | work | net steps | steps per unit |");
    println!("|---|---|---|---|---|");
    let one = 1 << 16;
    for (m, k, n) in [(1, 784, 64), (1, 64, 10), (16, 64, 64)] {
        let a = tensor(vec![m, k], 1);
        let bt = tensor(vec![n, k], 2);
        let b = tensor(vec![k, n], 3);
        let c = tensor(vec![n], 4);
        let macs = m * k * n;
        let shape = format!("[{m},{k}]x[{k},{n}]");
        row(
            "MatMul, B pre-transposed",
            &shape,
            macs,
            "MAC",
            net_steps(33, &[], &[&a, &bt]),
        );
        row("MatMul", &shape, macs, "MAC", net_steps(30, &[], &[&a, &b]));
        row(
            "Gemm transB=1 + C",
            &shape,
            macs,
            "MAC",
            net_steps(31, &[one, one, 0, 1], &[&a, &bt, &c]),
        );
    }
    for (c, hw, m, kk) in [(1, 28, 6, 5), (6, 12, 16, 5), (8, 16, 8, 3)] {
        let x = tensor(vec![1, c, hw, hw], 5);
        let w = tensor(vec![m, c, kk, kk], 6);
        let b = tensor(vec![m], 7);
        let win = Window {
            kernel: vec![kk, kk],
            strides: vec![1, 1],
            pads: vec![0; 4],
            dilations: vec![1, 1],
        };
        let mut attrs = vec![1];
        attrs.extend(client::window_attrs(&win));
        let out = hw - kk + 1;
        let macs = m * out * out * c * kk * kk;
        let shape = format!("[1,{c},{hw},{hw}] * [{m},{c},{kk},{kk}]");
        row(
            "Conv 2-D",
            &shape,
            macs,
            "MAC",
            net_steps(32, &attrs, &[&x, &w, &b]),
        );
    }
    let n = 1024;
    let a = tensor(vec![n], 8);
    // Divisors kept away from zero.
    let b = Tensor {
        shape: vec![n],
        data: tensor(vec![n], 9).data.iter().map(|v| v | 1).collect(),
    };
    let shape = format!("[{n}]");
    for (name, code) in [("Add", 1), ("Mul", 3), ("Div", 4), ("Max", 5)] {
        row(name, &shape, n, "element", net_steps(code, &[], &[&a, &b]));
    }
    let scalar = tensor(vec![1], 10);
    row(
        "Add, broadcast [1]",
        &shape,
        n,
        "element",
        net_steps(1, &[], &[&a, &scalar]),
    );
    let small = Tensor {
        shape: vec![n],
        data: a.data.iter().map(|v| v / 16).collect(),
    };
    let positive = Tensor {
        shape: vec![n],
        data: a.data.iter().map(|v| v.abs() + 1).collect(),
    };
    for (name, code, t) in [
        ("Relu", 12, &a),
        ("Exp", 13, &small),
        ("Log", 14, &positive),
        ("Sqrt", 15, &positive),
        ("Sigmoid", 16, &a),
        ("Tanh", 17, &a),
        ("Softplus", 18, &a),
        ("Erf", 19, &a),
        ("Gelu", 20, &a),
    ] {
        row(name, &shape, n, "element", net_steps(code, &[], &[t]));
    }
    let s = tensor(vec![16, 64], 11);
    row(
        "Softmax, axis -1",
        "[16,64]",
        1024,
        "element",
        net_steps(23, &[-1], &[&s]),
    );
    let x = tensor(vec![1, 6, 24, 24], 12);
    let win = Window {
        kernel: vec![2, 2],
        strides: vec![2, 2],
        pads: vec![0; 4],
        dilations: vec![1, 1],
    };
    row(
        "MaxPool 2x2 stride 2",
        "[1,6,24,24]",
        6 * 12 * 12,
        "output",
        net_steps(40, &client::window_attrs(&win), &[&x]),
    );
    let mut attrs = vec![0];
    attrs.extend(client::window_attrs(&win));
    row(
        "AveragePool 2x2 stride 2",
        "[1,6,24,24]",
        6 * 12 * 12,
        "output",
        net_steps(41, &attrs, &[&x]),
    );
    row(
        "Transpose 0,2,3,1",
        "[1,6,24,24]",
        x.len(),
        "element",
        net_steps(64, &[0, 2, 3, 1], &[&x]),
    );
    row(
        "ReduceSum axis 1",
        "[1,6,24,24]",
        x.len(),
        "element",
        net_steps(50, &[0, 1], &[&x]),
    );
    // Full binary trees: every walk reads exactly `depth` node records. Two depths separate the
    // cost per visited node from the cost per tree (walk call, leaf lookup, sum).
    let (trees, features, rows) = (10, 8, 4);
    let forest_steps = |depth: usize| {
        let (nodes, roots, leaves) = full_forest(trees, depth, features);
        let x = tensor(vec![rows, features], 14);
        net_steps(70, &[0], &[&x, &nodes, &roots, &leaves])
    };
    let (deep, shallow) = (forest_steps(6), forest_steps(2));
    row(
        "TreeEnsemble, 10 trees of depth 6, SUM",
        "[4,8]",
        rows * trees * 6,
        "visited node",
        deep,
    );
    row(
        "TreeEnsemble, depth 6 minus depth 2",
        "[4,8]",
        rows * trees * 4,
        "visited node",
        deep - shallow,
    );
}

/// `trees` full binary trees of `depth` over `features` in the library's layout.
fn full_forest(trees: usize, depth: usize, features: usize) -> (Tensor, Tensor, Tensor) {
    let per_tree = (1 << depth) - 1;
    let mut nodes = Vec::new();
    for t in 0..trees {
        for i in 0..per_tree {
            let child = |c: usize| {
                if c < per_tree {
                    4 * (t * per_tree + c) as i64
                } else {
                    -1 - (t * (per_tree + 1) + c - per_tree) as i64
                }
            };
            let threshold = (i as i64 % 7 - 3) << 14;
            nodes.extend([
                (i % features) as i64,
                threshold,
                child(2 * i + 1),
                child(2 * i + 2),
            ]);
        }
    }
    let nodes = Tensor {
        shape: vec![trees * per_tree, 4],
        data: nodes,
    };
    let roots = Tensor {
        shape: vec![trees],
        data: (0..trees).map(|t| 4 * (t * per_tree) as i64).collect(),
    };
    (nodes, roots, tensor(vec![trees * (per_tree + 1), 1], 13))
}

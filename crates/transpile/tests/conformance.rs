//! ONNX conformance: the PyTorch-exported layer tests shipped with the `onnx` Python package
//! (`onnx/backend/test/data/pytorch-converted` and `pytorch-operator`). Every case is transpiled;
//! those using only supported ops run in the Cairo VM and must match (1) the Rust reference bit for
//! bit and (2) the expected outputs within `|got - want| <= 2e-3 * max(1, |want|)` at scale 2^16.
//! The pass table is docs/OPS.md; this test fails if the table and the results disagree
//! (`CAIRN_UPDATE_DOCS=1` rewrites it).

use std::path::{Path, PathBuf};
use std::process::Command;

const TOLERANCE: f64 = 2e-3;

fn onnx_data_dir() -> PathBuf {
    let out = Command::new("python3")
        .args(["-c", "import onnx, os; print(os.path.join(os.path.dirname(onnx.__file__), 'backend', 'test', 'data'))"])
        .output()
        .expect("python3 with onnx (installed by make setup)");
    assert!(out.status.success(), "import onnx failed");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

fn read_pb(path: &Path) -> transpile::load::Const {
    let bytes = std::fs::read(path).unwrap();
    let t = transpile::load::tensor_proto_from_bytes(&bytes).unwrap();
    transpile::load::decode_tensor(&t, &path.display().to_string()).unwrap()
}

/// Cases with larger inputs need hundreds of millions of VM steps: listed, not run, in CI.
const MAX_INPUT_VALUES: usize = 50_000;

enum Outcome {
    Pass { err: f64, steps: usize },
    Unsupported(String),
    Skipped(String),
    Fail(String),
}

fn run_case(dir: &Path) -> Outcome {
    let model = dir.join("model.onnx");
    let data = dir.join("test_data_set_0");
    let inputs: Vec<_> = (0..)
        .map(|i| data.join(format!("input_{i}.pb")))
        .take_while(|p| p.exists())
        .map(|p| read_pb(&p))
        .collect();
    let outputs: Vec<_> = (0..)
        .map(|i| data.join(format!("output_{i}.pb")))
        .take_while(|p| p.exists())
        .map(|p| read_pb(&p))
        .collect();
    let values: usize = inputs
        .iter()
        .map(|c| c.shape.iter().product::<usize>())
        .sum();
    if values > MAX_INPUT_VALUES {
        return Outcome::Skipped(format!(
            "input of {values} values (above the CI budget of {MAX_INPUT_VALUES})"
        ));
    }
    let floats: Vec<Vec<f64>> = inputs.iter().map(|c| c.floats()).collect();
    let shapes = match transpile::load::load(&model, &Default::default()) {
        Ok(g) => g
            .inputs
            .iter()
            .zip(&inputs)
            .map(|(i, c)| (i.name.clone(), c.shape.clone()))
            .collect(),
        Err(e) => return Outcome::Unsupported(e.to_string()),
    };
    let opts = transpile::Options {
        scale_bits: Some(16),
        input_shapes: shapes,
        calibrate: Some(floats.clone()),
        ..Default::default()
    };
    let expects_nan = outputs
        .iter()
        .any(|c| c.floats().iter().any(|v| v.is_nan()));
    let plan = match transpile::plan_model(&model, &opts) {
        Ok(p) => p,
        Err(e @ transpile::TranspileError::Fixed { .. }) if expects_nan => {
            return Outcome::Unsupported(format!(
                "expects NaN outputs; fixed point rejects the input instead ({e})"
            ));
        }
        Err(e @ transpile::TranspileError::Fixed { .. }) => return Outcome::Fail(e.to_string()),
        Err(e) => return Outcome::Unsupported(e.to_string()),
    };
    let raw = transpile::quantize_inputs(plan.q, &plan.inputs, &floats).unwrap();
    let reference = plan.run(&raw).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("pkg");
    transpile::write_package(&plan, &model, &pkg, &transpile::default_tensor_lib()).unwrap();
    let program = match runner::compile_package(&pkg) {
        Ok(p) => p,
        Err(e) => return Outcome::Fail(format!("generated Cairo does not compile: {e}")),
    };
    let args = transpile::executable_args(&raw, None);
    let run = match runner::execute(&program, &args) {
        Ok(r) => r,
        Err(e) => return Outcome::Fail(format!("VM: {e}")),
    };
    let got_all = match transpile::Claim::decode(&plan.visibility, &run.output) {
        Ok(transpile::Claim {
            output: Some(t), ..
        }) if t.len() == outputs.len() => t,
        Ok(c) => return Outcome::Fail(format!("unexpected claim {c:?}")),
        Err(e) => return Outcome::Fail(e.to_string()),
    };
    let mut worst = 0f64;
    for (k, (want, got)) in outputs.iter().zip(got_all).enumerate() {
        if got != reference[k] {
            return Outcome::Fail("VM output differs from the Rust reference".into());
        }
        let w = want.floats();
        if got.data.len() != w.len() {
            return Outcome::Fail(format!(
                "output {k}: {} values, expected {}",
                got.data.len(),
                w.len()
            ));
        }
        for (g, e) in got.data.iter().zip(&w) {
            let err = (plan.q.to_f64(*g) - e).abs() / e.abs().max(1.0);
            worst = worst.max(err);
        }
    }
    if worst > TOLERANCE {
        return Outcome::Fail(format!("error {worst:.2e} above {TOLERANCE:e}"));
    }
    Outcome::Pass {
        err: worst,
        steps: run.steps,
    }
}

#[test]
fn pytorch_layer_tests() {
    let root = onnx_data_dir();
    let mut cases = Vec::new();
    for suite in ["pytorch-converted", "pytorch-operator"] {
        let mut names: Vec<_> = std::fs::read_dir(root.join(suite))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        cases.extend(names.into_iter().map(|n| (suite, n)));
    }
    // CAIRN_CONFORMANCE_ONLY=substring runs matching cases only (for debugging; docs not checked).
    let only = std::env::var("CAIRN_CONFORMANCE_ONLY").ok();
    if let Some(f) = &only {
        cases.retain(|(_, n)| n.contains(f.as_str()));
    }
    // Two workers: the cases are independent and the CI machine has two cores.
    let results: Vec<(usize, Outcome)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|w| {
                let cases = &cases;
                let root = &root;
                s.spawn(move || {
                    cases
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % 2 == w)
                        .map(|(i, (suite, name))| {
                            let t = std::time::Instant::now();
                            let outcome = run_case(&root.join(suite).join(name));
                            eprintln!("{suite}/{name}: {:.1}s", t.elapsed().as_secs_f64());
                            (i, outcome)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<_> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        all.sort_by_key(|(i, _)| *i);
        all
    });
    let mut table = String::from(
        "| suite | case | result | max error | Cairo steps |\n|---|---|---|---|---|\n",
    );
    let (mut pass, mut unsupported, mut skipped, mut failures) = (0, 0, 0, Vec::new());
    for (i, outcome) in &results {
        let (suite, name) = &cases[*i];
        let row = match outcome {
            Outcome::Pass { err, steps } => {
                pass += 1;
                format!("pass | {err:.1e} | {steps}")
            }
            Outcome::Unsupported(why) => {
                unsupported += 1;
                let short: String = why
                    .split(". Supported ops")
                    .next()
                    .unwrap_or(why)
                    .chars()
                    .take(110)
                    .collect();
                format!("unsupported: {} | | ", short.replace('|', "/"))
            }
            Outcome::Skipped(why) => {
                skipped += 1;
                format!("skipped: {why} | | ")
            }
            Outcome::Fail(why) => {
                failures.push(format!("{suite}/{name}: {why}"));
                format!("FAIL: {} | | ", why.replace('|', "/"))
            }
        };
        table.push_str(&format!("| {suite} | {name} | {row} |\n"));
    }
    let summary = format!(
        "{pass} pass, {unsupported} unsupported, {skipped} skipped, {} fail (of {})",
        failures.len(),
        cases.len()
    );
    println!("{summary}\n{table}");
    assert!(
        failures.is_empty(),
        "conformance failures:\n{}",
        failures.join("\n")
    );
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/OPS.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    let marker =
        "<!-- conformance table (generated by crates/transpile/tests/conformance.rs) -->\n";
    let generated = format!("{marker}{summary}\n\n{table}");
    if only.is_some() {
        return;
    }
    if std::env::var_os("CAIRN_UPDATE_DOCS").is_some() {
        let head = doc.split(marker).next().unwrap_or("").to_string();
        std::fs::write(&doc_path, head + &generated).unwrap();
    } else {
        assert!(
            doc.contains(&generated),
            "docs/OPS.md is out of date: rerun this test with CAIRN_UPDATE_DOCS=1"
        );
    }
}

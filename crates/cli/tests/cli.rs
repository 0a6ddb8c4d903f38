//! The `cairn` binary end to end: exit codes and what it prints.

use std::path::{Path, PathBuf};
mod common;

use common::{cairn, make_models, make_models_with, stderr, stdout};

const ARGS: &str = "3,98304,-131072,16384,3,262144,32768,-524288";

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

#[test]
fn run_prints_output_and_steps() {
    let dir = example("dot_product");
    let o = cairn(&["run", dir.to_str().unwrap(), "--args", ARGS]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("output: [196608]"), "{out}");
    assert!(out.contains("steps: "), "{out}");

    let o = cairn(&[
        "run",
        dir.to_str().unwrap(),
        "--args",
        ARGS,
        "--profile",
        "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("steps by function"))
        .skip(2)
        .take_while(|l| !l.starts_with("builtins:"))
        .collect();
    // The entry code runs everything; the executable's wrapper next.
    assert_eq!(table.len(), 2, "{out}");
    assert!(table[0].ends_with("<entry code>"), "{out}");
    assert!(table[1].contains("dot_product::"), "{out}");
}

#[test]
fn prove_then_verify_and_reject_tampering() {
    let tmp = tempfile::tempdir().unwrap();
    let proof = tmp.path().join("dot.proof");
    let dir = example("dot_product");
    let o = cairn(&[
        "prove",
        dir.to_str().unwrap(),
        "--args",
        ARGS,
        "--proof",
        proof.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    let o = cairn(&[
        "verify",
        proof.to_str().unwrap(),
        "--program",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("valid proof") && out.contains("output: [196608]"),
        "{out}"
    );
    assert!(out.contains("program hash: 0x"), "{out}");

    let o = cairn(&["verify", proof.to_str().unwrap(), "--expect-output", "1"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("invalid proof"), "{}", stderr(&o));

    let other = example("dot_product_unrolled");
    let o = cairn(&[
        "verify",
        proof.to_str().unwrap(),
        "--program",
        other.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("program hash"), "{}", stderr(&o));

    let mut bytes = std::fs::read(&proof).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    let tampered = tmp.path().join("tampered.proof");
    std::fs::write(&tampered, bytes).unwrap();
    let o = cairn(&["verify", tampered.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("invalid proof"), "{}", stderr(&o));
}

#[test]
fn bad_inputs_fail_with_a_reason() {
    let o = cairn(&["run", "/nonexistent/package"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("Scarb.toml"), "{}", stderr(&o));

    let dir = example("dot_product");
    let o = cairn(&["run", dir.to_str().unwrap(), "--args", "1,x"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("`x` is not a felt"), "{}", stderr(&o));

    let o = cairn(&["run", dir.to_str().unwrap(), "--args", "2,1,2,1,5"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("dot: length mismatch") && err.contains("lib.cairo:"),
        "{err}"
    );

    let o = cairn(&[
        "prove",
        dir.to_str().unwrap(),
        "--args",
        "2,1,2,1,5",
        "--proof",
        "/tmp/cairn-never-written.proof",
    ]);
    assert!(!o.status.success());
    assert!(
        !Path::new("/tmp/cairn-never-written.proof").exists(),
        "no half-written proof"
    );
}

/// Proves a transpiled model on its input and verifies the proof against the package (the
/// verified output must be the proven one); returns the `output: [...]` line of the proving run.
fn prove_and_verify(pkg: &Path, input: &Path, proof: &Path) -> String {
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let o = cairn(&["prove", &s(pkg), "--input", &s(input), "--proof", &s(proof)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let proven = stdout(&o)
        .lines()
        .find(|l| l.starts_with("output: ["))
        .unwrap()
        .to_string();
    let o = cairn(&["verify", &s(proof), "--program", &s(pkg)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&proven),
        "verified output differs from the run's"
    );
    proven
}

/// The README's path on a real model: transpile → run --compare → prove → verify, and the proof
/// must not pass for another model's package or with a flipped byte.
#[test]
fn onnx_model_transpile_run_prove_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    make_models(t, &["tiny_cnn", "linear"]);
    let model = t.join("tiny_cnn/model.onnx");
    let input = t.join("tiny_cnn/input.json");
    let pkg = t.join("tiny_cnn_cairo");
    let s = |p: &Path| p.to_str().unwrap().to_string();

    let o = cairn(&["transpile", &s(&model), "-o", &s(&pkg)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(pkg.join("cairn.json").is_file() && pkg.join("src/lib.cairo").is_file());

    let out_json = t.join("out.json");
    let o = cairn(&[
        "run",
        &s(&pkg),
        "--input",
        &s(&input),
        "--output",
        &s(&out_json),
        "--compare",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("max abs error vs float (tract)"),
        "{}",
        stdout(&o)
    );
    let out: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_json).unwrap()).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.join("tiny_cnn/expected.json")).unwrap())
            .unwrap();
    for (g, e) in out["output_data"][0]
        .as_array()
        .unwrap()
        .iter()
        .zip(expected["output_data"][0].as_array().unwrap())
    {
        assert!((g.as_f64().unwrap() - e.as_f64().unwrap()).abs() < 1e-3);
    }
    assert!(out["steps"].as_u64().unwrap() > 0);

    let proof = t.join("m.proof");
    prove_and_verify(&pkg, &input, &proof);

    // Another model's package is another program.
    let other = t.join("linear_cairo");
    let o = cairn(&[
        "transpile",
        &s(&t.join("linear/model.onnx")),
        "-o",
        &s(&other),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cairn(&["verify", &s(&proof), "--program", &s(&other)]);
    assert!(
        !o.status.success(),
        "a proof of tiny_cnn verified as the linear model"
    );

    let mut bytes = std::fs::read(&proof).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    let bad = t.join("bad.proof");
    std::fs::write(&bad, bytes).unwrap();
    let o = cairn(&["verify", &s(&bad)]);
    assert!(!o.status.success(), "a tampered proof verified");

    // Wrong input size and a non-model folder fail with a reason.
    std::fs::write(t.join("short.json"), r#"{"input_data": [[1.0, 2.0]]}"#).unwrap();
    let o = cairn(&["run", &s(&pkg), "--input", &s(&t.join("short.json"))]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("expected 36 values"), "{}", stderr(&o));
}

/// The MNIST-sized MLP (784-64-10, ~300k Cairo steps) is proven and verified too, and the verified
/// output is the one the proving run printed.
#[test]
fn mlp_proves_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    make_models(t, &["mlp"]);
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let pkg = t.join("mlp_cairo");
    let input = t.join("mlp/input.json");
    let o = cairn(&["transpile", &s(&t.join("mlp/model.onnx")), "-o", &s(&pkg)]);
    assert!(o.status.success(), "{}", stderr(&o));
    prove_and_verify(&pkg, &input, &t.join("mlp.proof"));
}

/// A tree ensemble users bring (XGBoost binary classifier through onnxmltools, batch of 8) with
/// its forest kept out of the program (hashed weights): proven and verified against its package;
/// a wrong output claim and the public-weights package of the same model are rejected.
#[test]
fn tree_ensemble_proves_and_verifies_with_hashed_weights() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    make_models_with("make_sklearn_models.py", t, &["xgboost_binary"]);
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let model = s(&t.join("xgboost_binary/model.onnx"));
    let input = t.join("xgboost_binary/input.json");
    let pkg = t.join("xgb_cairo");
    let transpile = |out: &Path, weights: &str| {
        let o = cairn(&[
            "transpile",
            &model,
            "-o",
            &s(out),
            "--input-shape",
            "input=8,4",
            "--weights-visibility",
            weights,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    transpile(&pkg, "hashed");
    let proof = t.join("xgb.proof");
    let proven = prove_and_verify(&pkg, &input, &proof);
    let o = cairn(&["verify", &s(&proof), "--program", &s(&pkg)]);
    assert!(
        stdout(&o).contains("weights commitment: 0x"),
        "{}",
        stdout(&o)
    );

    // A claim of another output.
    let o = cairn(&["verify", &s(&proof), "--expect-output", "0"]);
    assert!(!o.status.success(), "accepted a wrong output claim");
    assert!(stderr(&o).contains("invalid proof"), "{}", stderr(&o));

    let public = t.join("xgb_public_cairo");
    transpile(&public, "public");
    let o = cairn(&["verify", &s(&proof), "--program", &s(&public)]);
    assert!(
        !o.status.success(),
        "a hashed-weights proof verified as the public-weights program ({proven})"
    );
}

/// A PyTorch transformer encoder layer (torch.onnx.export; ~840k Cairo steps) proves and
/// verifies; the proof is rejected as another model's program (a LayerNorm MLP) and tampered.
#[test]
fn transformer_layer_proves_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    make_models_with(
        "make_torch_models.py",
        t,
        &["transformer_encoder_layer", "layer_norm_mlp"],
    );
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let transpile = |name: &str| {
        let pkg = t.join(format!("{name}_cairo"));
        let o = cairn(&[
            "transpile",
            &s(&t.join(name).join("model.onnx")),
            "-o",
            &s(&pkg),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        pkg
    };
    let pkg = transpile("transformer_encoder_layer");
    let proof = t.join("encoder.proof");
    prove_and_verify(
        &pkg,
        &t.join("transformer_encoder_layer/input.json"),
        &proof,
    );
    let other = transpile("layer_norm_mlp");
    let o = cairn(&["verify", &s(&proof), "--program", &s(&other)]);
    assert!(!o.status.success(), "verified as another model");
    assert!(stderr(&o).contains("program hash"), "{}", stderr(&o));
    let mut bytes = std::fs::read(&proof).unwrap();
    let at = bytes.len() / 3;
    bytes[at] ^= 0x10;
    let bad = t.join("bad.proof");
    std::fs::write(&bad, bytes).unwrap();
    let o = cairn(&["verify", &s(&bad), "--program", &s(&pkg)]);
    assert!(!o.status.success(), "a tampered proof verified");
}

/// `cairn prove` with `--input` repeated proves each input in one process: one proof per input
/// in the `--proof` folder, each verifying with its own output.
#[test]
fn prove_several_inputs_in_one_process() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    make_models(t, &["linear"]);
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let pkg = t.join("linear_cairo");
    let o = cairn(&[
        "transpile",
        &s(&t.join("linear/model.onnx")),
        "-o",
        &s(&pkg),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = t.join("linear/input.json");
    let text = std::fs::read_to_string(&first).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let doubled: Vec<f64> = v["input_data"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| 2.0 * x.as_f64().unwrap())
        .collect();
    let second = t.join("second.json");
    std::fs::write(
        &second,
        serde_json::json!({ "input_data": [doubled] }).to_string(),
    )
    .unwrap();
    let out = t.join("proofs");
    let o = cairn(&[
        "prove",
        &s(&pkg),
        "--input",
        &s(&first),
        "--input",
        &s(&second),
        "--proof",
        &s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("2 proofs in"), "{}", stdout(&o));
    let mut outputs = vec![];
    for name in ["input", "second"] {
        let o = cairn(&[
            "verify",
            &s(&out.join(format!("{name}.proof"))),
            "--program",
            &s(&pkg),
        ]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let line = stdout(&o)
            .lines()
            .find(|l| l.starts_with("output: ["))
            .unwrap()
            .to_string();
        outputs.push(line);
    }
    assert_ne!(outputs[0], outputs[1], "two inputs, two outputs");
}

//! Visibility end to end: every combination of input / weights / output visibility is transpiled,
//! proven and verified; commitments in the proof equal the Rust-side hashes; values that are not
//! public are absent from the proof's public data (and present when public: the control).

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{cairn, make_models};
use runner::Felt252;
use transpile::privacy;

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn line_value(out: &str, prefix: &str) -> Option<String> {
    out.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .map(|v| v.trim().to_string())
}

/// Values distinctive enough that finding one in public data is not a coincidence.
fn distinctive(values: &[i64]) -> Vec<Felt252> {
    let v: Vec<Felt252> = values
        .iter()
        .filter(|v| v.unsigned_abs() >= 1 << 10)
        .map(|&v| Felt252::from(v))
        .collect();
    assert!(!v.is_empty(), "no distinctive values in {values:?}");
    v
}

/// Asserts that all (`public`) or none (otherwise) of `values` occur in `public_data`.
fn check_disclosure(what: &str, values: &[Felt252], public_data: &[Felt252], public: bool) {
    let found = values.iter().filter(|v| public_data.contains(v)).count();
    if public {
        assert_eq!(
            found,
            values.len(),
            "{what}: public values missing from the public data"
        );
    } else {
        assert_eq!(
            found, 0,
            "{what}: non-public values found in the proof's public data"
        );
    }
}

#[test]
fn every_visibility_proves_verifies_and_discloses_only_what_it_says() {
    use transpile::{InputVisibility as I, OutputVisibility as O, WeightsVisibility as W};
    let tmp = tempfile::tempdir().unwrap();
    make_models(tmp.path(), &["linear", "linear_b"]);
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let model = tmp.path().join("linear/model.onnx");
    let other_model = tmp.path().join("linear_b/model.onnx");
    let input = tmp.path().join("linear/input.json");

    // The Rust side of every commitment: quantized input, weights, reference outputs.
    let plan = transpile::plan_model(&model, &Default::default()).unwrap();
    let floats = transpile::read_input_json(&input).unwrap();
    let raw = transpile::quantize_inputs(plan.q, &plan.inputs, &floats).unwrap();
    let outputs = plan.run(&raw).unwrap();
    let weights = plan.flat_weights();
    let input_values = distinctive(&raw[0].data);
    let weight_values = distinctive(&weights);
    let output_values = distinctive(&outputs[0].data);

    let mut program_hashes = std::collections::HashMap::new();
    for input_vis in [I::Public, I::Hashed, I::Private] {
        for weights_vis in [W::Public, W::Hashed] {
            for output_vis in [O::Public, O::Hashed] {
                let tag = format!("{input_vis:?}-{weights_vis:?}-{output_vis:?}").to_lowercase();
                let flags = |v: String| -> Vec<String> {
                    v.split('-')
                        .zip([
                            "--input-visibility",
                            "--weights-visibility",
                            "--output-visibility",
                        ])
                        .flat_map(|(value, flag)| [flag.to_string(), value.to_string()])
                        .collect()
                };
                let pkg: PathBuf = tmp.path().join(&tag);
                let mut args = vec!["transpile".to_string(), s(&model), "-o".into(), s(&pkg)];
                args.extend(flags(tag.clone()));
                ok(&cairn(&args.iter().map(String::as_str).collect::<Vec<_>>()));

                let proof = tmp.path().join(format!("{tag}.proof"));
                ok(&cairn(&[
                    "prove",
                    &s(&pkg),
                    "--input",
                    &s(&input),
                    "--proof",
                    &s(&proof),
                ]));
                let verified = ok(&cairn(&["verify", &s(&proof), "--program", &s(&pkg)]));
                assert!(verified.contains("valid proof"), "{tag}: {verified}");

                // Commitments printed by the verifier equal the Rust-side hashes.
                let hex = |f: Felt252| format!("{f:#x}");
                let expect = |name: &str, value: Option<Felt252>| {
                    assert_eq!(
                        line_value(&verified, &format!("{name} commitment:")),
                        value.map(hex),
                        "{tag}: {name} commitment\n{verified}"
                    );
                };
                expect(
                    "input",
                    (input_vis == I::Hashed).then(|| privacy::input_commitment(&raw)),
                );
                expect(
                    "weights",
                    (weights_vis == W::Hashed).then(|| privacy::weights_commitment(&weights)),
                );
                expect(
                    "output",
                    (output_vis == O::Hashed).then(|| privacy::output_commitment(&outputs)),
                );
                assert_eq!(
                    verified.contains("public input"),
                    input_vis == I::Public,
                    "{tag}: {verified}"
                );

                // What the proof's public data holds.
                let public_data = prover::public_values(&prover::read_proof(&proof).unwrap());
                check_disclosure(&tag, &input_values, &public_data, input_vis == I::Public);
                check_disclosure(&tag, &weight_values, &public_data, weights_vis == W::Public);
                check_disclosure(&tag, &output_values, &public_data, output_vis == O::Public);

                let hash = line_value(&verified, "program hash:").unwrap();
                program_hashes.insert(tag.clone(), hash.clone());

                if weights_vis == W::Hashed {
                    // Same architecture, other weights: same program, and the proof must still
                    // be rejected for that package.
                    let other = tmp.path().join(format!("{tag}-b"));
                    let mut args = vec![
                        "transpile".to_string(),
                        s(&other_model),
                        "-o".into(),
                        s(&other),
                    ];
                    args.extend(flags(tag.clone()));
                    ok(&cairn(&args.iter().map(String::as_str).collect::<Vec<_>>()));
                    let o = cairn(&["verify", &s(&proof), "--program", &s(&other)]);
                    assert!(!o.status.success(), "{tag}: accepted for other weights");
                    let err = String::from_utf8_lossy(&o.stderr);
                    assert!(err.contains("commits to weights"), "{tag}: {err}");
                }
                // `cairn commit` prints the same input commitment a hashed-input proof carries.
                if input_vis == I::Hashed {
                    let c = ok(&cairn(&["commit", &s(&pkg), "--input", &s(&input)]));
                    assert_eq!(
                        line_value(&c, "input commitment:"),
                        line_value(&verified, "input commitment:")
                    );
                }
            }
        }
    }
    // Hashed weights leave the weights out of the program: one program for both weight sets,
    // unlike public weights.
    assert_ne!(
        program_hashes["private-public-public"],
        program_hashes["private-hashed-public"]
    );
}

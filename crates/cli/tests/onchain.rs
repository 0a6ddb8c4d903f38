//! `cairn devnet` and `cairn deploy` as a user runs them: a devnet in the background, the
//! registry deployed with the printed account, and a clear failure for a wrong key.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{stderr, stdout};

/// Stops `cairn devnet` the way a user does (Ctrl-C), so it stops its devnet too.
struct Background(std::process::Child);

impl Drop for Background {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

#[test]
fn devnet_then_deploy_registry() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["devnet", "--accounts", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let _guard = Background(child);
    // The `export ...` line names the node and account for the next commands.
    let mut env = Vec::new();
    for line in BufReader::new(out).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("export ") {
            env = rest
                .split_whitespace()
                .map(|kv| kv.split_once('=').unwrap())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            break;
        }
    }
    assert_eq!(env.len(), 3, "no export line from cairn devnet");
    let account = env
        .iter()
        .find(|(k, _)| k == "STARKNET_ACCOUNT")
        .unwrap()
        .1
        .clone();
    let registry = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contracts/registry");

    let deploy = |extra_env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cairn"));
        cmd.args([
            "deploy",
            registry.to_str().unwrap(),
            "--constructor",
            &account,
        ]);
        cmd.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd.envs(extra_env.iter().copied());
        cmd.output().unwrap()
    };
    let o = deploy(&[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("declared cairn_registry::Registry class 0x"),
        "{text}"
    );
    assert!(text.contains("deployed at 0x"), "{text}");

    // Same class again: not declared twice; a new salt gives a second instance.
    let o = deploy(&[]);
    assert!(
        !o.status.success(),
        "same salt and arguments must collide: {}",
        stdout(&o)
    );
    let o = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "deploy",
            registry.to_str().unwrap(),
            "--constructor",
            &account,
            "--salt",
            "1",
        ])
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("already declared"), "{}", stdout(&o));

    // A wrong key: rejected by the account's validation, named as such.
    let o = deploy(&[("STARKNET_PRIVATE_KEY", "0x1234")]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("error:") && err.to_lowercase().contains("valid"),
        "{err}"
    );

    // A constructor argument that is not a felt names the flag.
    let o = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "deploy",
            registry.to_str().unwrap(),
            "--constructor",
            "0xZZ",
        ])
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--constructor"), "{}", stderr(&o));
}

/// `cairn devnet` in the background; its `export` line as environment variables.
fn devnet() -> (Background, Vec<(String, String)>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["devnet", "--accounts", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let guard = Background(child);
    for line in BufReader::new(out).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("export ") {
            let env = rest
                .split_whitespace()
                .map(|kv| kv.split_once('=').unwrap())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            return (guard, env);
        }
    }
    panic!("no export line from cairn devnet");
}

/// The value after `label` on its line of `text`.
fn field<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label:?} in {text}"))
        .trim()
}

/// A change to a proof.
type Tamper = Box<dyn FnOnce(&mut prover::PoseidonProof)>;

/// A copy of the chain proof at `from`, changed by `tamper`, written to `to`.
fn tampered(from: &Path, to: &Path, tamper: impl FnOnce(&mut prover::PoseidonProof)) {
    let mut proof = prover::read_chain_proof(from).unwrap();
    tamper(&mut proof);
    prover::write_chain_proof(&proof, to, prover::ProofFormat::Binary).unwrap();
}

/// Stage C end to end: an ONNX model (a linear layer with a hashed input) is transpiled, proven
/// for the chain, the verifier deployed on a devnet and the proof verified there stage by
/// stage; the registered fact names the program (Poseidon of its bytecode, recomputed here) and
/// the output (from the run). Tampered proofs are rejected on
/// chain with the verifier's reason; a session cannot be replayed; a stage fed data its session
/// did not see is refused; a lookup over other cells than the transcript's is refused.
#[test]
fn model_proof_verified_on_chain_and_tampered_ones_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    common::make_models(t, &["linear"]);
    let package = t.join("linear_cairo");
    let input = t.join("linear/input.json");
    let (package_s, input_s) = (package.to_str().unwrap(), input.to_str().unwrap());
    let model = t.join("linear/model.onnx");
    let o = common::cairn(&[
        "transpile",
        model.to_str().unwrap(),
        "-o",
        package_s,
        "--calibrate",
        input_s,
        // A hashed input: the proof uses the Poseidon builtin's components too.
        "--input-visibility",
        "hashed",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let proof = t.join("linear.proof");
    let o = common::cairn(&[
        "prove",
        package_s,
        "--input",
        input_s,
        "--proof",
        proof.to_str().unwrap(),
        "--for-chain",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let proved = stdout(&o);
    // A Blake2s proof is refused by name before anything is sent.
    let blake = t.join("blake.proof");
    let o = common::cairn(&[
        "prove",
        package_s,
        "--input",
        input_s,
        "--proof",
        blake.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    // `cairn verify` checks a proof made for the chain too, against its package.
    let o = common::cairn(&["verify", proof.to_str().unwrap(), "--program", package_s]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("valid proof"), "{}", stdout(&o));

    let (_devnet, env) = devnet();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(args)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .unwrap()
    };
    let o = run(&["deploy"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let deployed = stdout(&o);
    let verifier = field(&deployed, "verifier:").to_string();
    let registry = field(&deployed, "registry:").to_string();
    // `cairn submit PROOF` to the verifier, in session `nonce` (the default without one).
    let submit = |proof: &Path, nonce: Option<&str>| {
        let mut args = vec!["submit", proof.to_str().unwrap(), "--contract", &verifier];
        args.extend(nonce.map(|n| ["--nonce", n]).into_iter().flatten());
        run(&args)
    };

    let o = submit(&blake, None);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--for-chain"), "{}", stderr(&o));

    let o = submit(&proof, None);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let submitted = stdout(&o);
    eprintln!("{submitted}");
    let fact = field(&submitted, "fact:").to_string();
    // Every transaction within Starknet's 5,000 calldata felts.
    for line in submitted.lines().filter(|l| l.contains(" tx 0x")) {
        let felts: usize = line
            .split("calldata")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no calldata in {line}"));
        assert!(felts <= 5_000, "{line}");
    }

    // What the fact names, recomputed: the program's bytecode and the run's output.
    let program = runner::compile_package(&package).unwrap();
    let bytecode: Vec<chain::Felt> = program
        .bytecode
        .iter()
        .map(|v| chain::Felt::from_dec_str(&v.to_string()).unwrap())
        .collect();
    let output: Vec<chain::Felt> = field(&proved, "output:")
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|v| chain::Felt::from_dec_str(v.trim()).unwrap())
        .collect();
    let program_hash = chain::section_hash(&bytecode);
    let output_hash = chain::section_hash(&output);
    assert_eq!(
        field(&submitted, "program hash (Poseidon of the bytecode):"),
        format!("{program_hash:#x}")
    );
    assert_eq!(
        field(&submitted, "output hash (Poseidon of the output):"),
        format!("{output_hash:#x}")
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let var = |name: &str| &env.iter().find(|(k, _)| k == name).unwrap().1;
    let key = chain::AccountKey {
        address: chain::Felt::from_hex(var("STARKNET_ACCOUNT")).unwrap(),
        private_key: chain::Felt::from_hex(var("STARKNET_PRIVATE_KEY")).unwrap(),
    };
    let url = var("STARKNET_RPC").parse().unwrap();
    let chain = rt.block_on(chain::Chain::connect(url, &key)).unwrap();
    let registry = chain::Felt::from_hex(&registry).unwrap();
    let fact = chain::Felt::from_hex(&fact).unwrap();
    let is_verified = |f: chain::Felt| {
        rt.block_on(chain.call(registry, "is_verified", vec![f]))
            .unwrap()
    };
    assert_eq!(is_verified(fact), vec![chain::Felt::ONE]);
    assert_eq!(fact, chain::section_hash(&[program_hash, output_hash]));
    assert_eq!(
        is_verified(fact + chain::Felt::ONE),
        vec![chain::Felt::ZERO]
    );

    // A finished session is not submitted again (the contract refuses it too: below).
    let o = submit(&proof, None);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("is finished"), "{}", stderr(&o));

    // A proof with a component the on-chain verifier has no constraints for is refused before
    // anything is sent.
    let unsupported = t.join("unsupported.proof");
    tampered(&proof, &unsupported, |p| {
        p.claim.generic_opcode = Some(cairo_air::components::generic_opcode::Claim { log_size: 4 });
    });
    let o = submit(&unsupported, Some("100"));
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("generic_opcode") && err.contains("Nothing was sent"),
        "{err}"
    );

    // Tampered proofs: each rejected on chain by the stage that checks what was changed.
    let cases: [(&str, &str, Tamper); 3] = [
        (
            "another output",
            "cairo_air: interaction pow",
            Box::new(|p| {
                p.claim.public_data.public_memory.output[0].1[0] ^= 1;
            }),
        ),
        (
            "a queried trace value",
            "merkle: root mismatch",
            Box::new(|p| {
                let v = &mut p.stark_proof.0.queried_values[1][5][20];
                v.0 = (v.0 + 1) % 0x7fff_ffff;
            }),
        ),
        (
            "a FRI witness value",
            "fri: inner layer commitment",
            Box::new(|p| {
                let w = &mut p.stark_proof.0.fri_proof.inner_layers[1].fri_witness[0];
                w.0 .0 .0 = (w.0 .0 .0 + 1) % 0x7fff_ffff;
            }),
        ),
    ];
    for (i, (what, reason, tamper)) in cases.into_iter().enumerate() {
        let bad = t.join(format!("tampered{i}.proof"));
        tampered(&proof, &bad, tamper);
        let nonce = (i + 1).to_string();
        let o = submit(&bad, Some(&nonce));
        assert!(!o.status.success(), "{what} was accepted: {}", stdout(&o));
        let err = stderr(&o);
        eprintln!("{what}: {err}");
        assert!(err.contains(reason), "{what}: {err}");
    }

    // A dishonest prover's proof (crates/forge): the dot product run with its output segment
    // moved away from final_ap and fake cells claimed as its output (1000.0 for 3.0). A valid
    // STARK proof that stwo-cairo 1.3.0's own verifier accepts; the contract's first stage
    // refuses it (the verifiers' own tests: crates/cli/tests/forgery.rs, statement.rs).
    let (_, run) = forge::dot_product_run();
    let fake = forge::fake_result(&run.output);
    let forged = forge::shared_chain_proof(&run, &forge::Forgery::OutputMoved(fake)).unwrap();
    cairo_air::verifier::verify_cairo::<prover::Poseidon252MerkleChannel>(forged.clone())
        .expect("stwo-cairo accepts the forgery");
    let forged_path = t.join("forged.proof");
    prover::write_chain_proof(&forged, &forged_path, prover::ProofFormat::Binary).unwrap();
    let o = submit(&forged_path, Some("20"));
    assert!(
        !o.status.success(),
        "the forgery was accepted: {}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("cairo_air: output segment"),
        "{}",
        stderr(&o)
    );

    // Stages outside an open session, or fed data the session did not see, are refused.
    use verifier::stages::{Progress, Stage};
    let honest = prover::read_chain_proof(&proof).unwrap();
    let sections = verifier::ProofSections::new(&honest).unwrap();
    assert!(
        sections.components.iter().any(|c| c == "poseidon_builtin"),
        "the hashed input is proven with the Poseidon builtin: {:?}",
        sections.components
    );
    let verifier_address = chain::Felt::from_hex(&verifier).unwrap();
    // Sends `stage` of session `nonce` with `inputs`: its output, or the revert reason.
    let send = |nonce: u64, stage: Stage, inputs: &[Vec<verifier::FieldElement>]| {
        rt.block_on(chain::send_stage(
            &chain,
            verifier_address,
            chain::Felt::from(nonce),
            stage,
            inputs,
        ))
        .map(|(_, output)| output)
        .map_err(|e| e.to_string())
    };
    let refused = |nonce: u64, stage: Stage, inputs: &[Vec<verifier::FieldElement>]| {
        send(nonce, stage, inputs).expect_err("accepted")
    };
    let begin_inputs = sections
        .stage_inputs(Stage::Begin, &Progress::default())
        .unwrap();
    // Lookup inputs: the statement, a transcript and a state (any: the session is checked
    // first).
    let one = vec![verifier::FieldElement::ONE];
    let lookup = [sections.statement.clone(), one.clone(), one.clone()];
    let err = refused(0, Stage::Lookup, &lookup);
    assert!(err.contains("verifier: session finished"), "{err}");
    let err = refused(77, Stage::Lookup, &lookup);
    assert!(err.contains("verifier: no such session"), "{err}");
    let err = refused(0, Stage::Begin, &begin_inputs);
    assert!(err.contains("verifier: session exists"), "{err}");

    // Session 9 begun by hand, with its first range of program cells.
    let mut progress = Progress::default();
    let first_range = Stage::Program {
        first: 0,
        count: chain::PROGRAM_CELLS_PER_TX,
    };
    for stage in [Stage::Begin, first_range] {
        let inputs = sections.stage_inputs(stage, &progress).unwrap();
        let output = send(9, stage, &inputs).unwrap();
        progress.record(stage, &output).unwrap();
    }
    let err = refused(9, Stage::Lookup, &lookup);
    assert!(err.contains("verifier: no transcript yet"), "{err}");
    // A program state other than the session's.
    let second_range = progress.remaining(&sections, chain::STAGE_SIZES)[0];
    let mut inputs = sections.stage_inputs(second_range, &progress).unwrap();
    inputs[0][3] += verifier::FieldElement::ONE;
    let err = refused(9, second_range, &inputs);
    assert!(err.contains("verifier: section mismatch"), "{err}");

    // `cairn submit` resumes session 9: the same fact, from the second range of cells.
    let o = submit(&proof, Some("9"));
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let resumed = stdout(&o);
    assert_eq!(field(&resumed, "fact:"), format!("{fact:#x}"));
    for skipped in ["begin ", &format!("{} ", first_range.name())] {
        assert!(
            !resumed.lines().any(|l| l.starts_with(skipped)),
            "{resumed}"
        );
    }
    assert!(
        resumed
            .lines()
            .any(|l| l.starts_with(&format!("{} ", second_range.name()))),
        "{resumed}"
    );

    // The lookup sum over other cells than the transcript's (a cell of the first range
    // changed) is refused when the lookup is checked: session 10.
    let mut other = honest.clone();
    other.claim.public_data.public_memory.program[100].1[0] ^= 1;
    let other = verifier::ProofSections::new(&other).unwrap();
    let mut progress = Progress::default();
    loop {
        let plan = progress.remaining(&sections, chain::STAGE_SIZES);
        let Some(&stage) = plan.first() else { break };
        if stage == Stage::Lookup {
            break;
        }
        let fed = match stage {
            Stage::LookupCells { first: 0, .. } => &other,
            _ => &sections,
        };
        let inputs = fed.stage_inputs(stage, &progress).unwrap();
        let output = send(10, stage, &inputs).unwrap();
        progress.record(stage, &output).unwrap();
    }
    let inputs = sections.stage_inputs(Stage::Lookup, &progress).unwrap();
    let err = refused(10, Stage::Lookup, &inputs);
    assert!(err.contains("verifier: program mismatch"), "{err}");

    // A session begun with another proof is not resumed: session 1 began with another output
    // and failed at the transcript. (Session 3 failed on a FRI witness, which no stored hash
    // covers: the Merkle roots do; resumed with the right witness it would pass.)
    let o = submit(&proof, Some("1"));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("another proof"), "{}", stderr(&o));
}

//! Soundness against a dishonest prover, on the Rust path (`prover::verify`, `cairn verify`).
//! Each forgery doctors an honest run of the dot product (`forge`) and is proven with the real
//! stwo-cairo prover: stwo-cairo 1.3.0's own `verify_cairo` accepts every one (each is a valid
//! STARK proof of the statement it claims, so none of these tests can pass by a broken proof),
//! and Cairn's verifier must reject each, naming why. The Cairo verifier's side is in
//! crates/verifier/tests/statement.rs.

mod common;

use common::{cairn, stderr, stdout};
use forge::Forgery;
use prover::{Blake2sMerkleChannel, VerifierProof};
use runner::Felt252;

/// The forgeries, each with what Cairn's rejection must say.
fn forgeries(honest: &[Felt252]) -> Vec<(&'static str, Forgery, &'static str)> {
    vec![
        (
            "the output segment moved away from final_ap, fake cells claimed",
            Forgery::OutputMoved(forge::fake_result(honest)),
            "output segment",
        ),
        (
            "the output truncated by one cell",
            Forgery::OutputTruncated,
            "output segment",
        ),
        (
            "the output extended by one cell",
            Forgery::OutputExtended(Felt252::from(7)),
            "output segment",
        ),
        (
            "an output value with bits above 251 set",
            Forgery::NonCanonicalOutput {
                cell: honest.len() - 1,
            },
            "not a field element",
        ),
        (
            "a builtin claim on an empty segment",
            Forgery::UnusedBuiltinClaim,
            "empty segment",
        ),
    ]
}

/// The output a proof claims, as `get_verification_output` decodes it (all 256 bits).
fn claimed_output(proof: &VerifierProof) -> Vec<Felt252> {
    let out = cairo_air::utils::get_verification_output(&proof.claim.public_data.public_memory);
    out.output
        .iter()
        .map(|f| Felt252::from_bytes_be(&f.to_bytes_be()))
        .collect()
}

#[test]
fn forged_proofs_pass_stwo_cairo_but_not_cairn() {
    let (program, run) = &forge::dot_product_run();
    let program_hash = prover::program_hash(&program.bytecode);
    let tmp = tempfile::tempdir().unwrap();
    for (i, (what, forgery, reason)) in forgeries(&run.output).into_iter().enumerate() {
        let proof = forge::prove::<Blake2sMerkleChannel>(run, &forgery)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let path = tmp.path().join(format!("forged{i}.proof"));
        prover::write_proof(&proof, &path, prover::ProofFormat::Binary).unwrap();
        let proof: VerifierProof = proof.into();
        let claimed = claimed_output(&proof);
        if !matches!(forgery, Forgery::UnusedBuiltinClaim) {
            assert_ne!(
                claimed, run.output,
                "{what}: the forgery claims the real output"
            );
        }

        // A valid STARK proof: stwo-cairo's verifier (claim checks, transcript, lookup, STARK)
        // accepts it.
        cairo_air::verifier::verify_cairo::<Blake2sMerkleChannel>(proof.clone())
            .unwrap_or_else(|e| panic!("{what}: stwo-cairo rejects the forgery: {e}"));

        // Cairn's verifier does not.
        let err = prover::verify_expecting(proof, Some(program_hash), Some(&claimed))
            .expect_err(what)
            .to_string();
        assert!(err.contains(reason), "{what}: {err}");

        // Neither does `cairn verify`, asked for the program and the claimed output.
        let expect = claimed
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let o = cairn(&[
            "verify",
            path.to_str().unwrap(),
            "--program",
            forge::dot_product_package().to_str().unwrap(),
            "--expect-output",
            &expect,
        ]);
        assert_eq!(o.status.code(), Some(1), "{what}: {}", stdout(&o));
        assert!(stderr(&o).contains(reason), "{what}: {}", stderr(&o));
        eprintln!("{what}: rejected: {}", stderr(&o).trim());
    }
}

/// Claims stwo-cairo's verifier asserts on instead of returning an error: `cairn verify` turns
/// each into a rejection (exit 1, a reason), never a crash or a panic message.
#[test]
fn cairn_verify_never_panics_on_a_malformed_claim() {
    let (_, run) = forge::dot_product_run();
    let honest: VerifierProof = prover::prove(&run, |_| {}).unwrap().into();
    let tmp = tempfile::tempdir().unwrap();
    type Mutation = Box<dyn Fn(&mut VerifierProof)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "the entry code's call instruction",
            Box::new(|p| p.claim.public_data.public_memory.program[2].1[0] ^= 1),
        ),
        (
            "a non-empty ECDSA segment",
            Box::new(|p| {
                let ecdsa = p
                    .claim
                    .public_data
                    .public_memory
                    .public_segments
                    .ecdsa
                    .as_mut();
                ecdsa.unwrap().stop_ptr.value += 2;
            }),
        ),
        (
            "an output pointer past 2^31",
            Box::new(|p| {
                let output = &mut p.claim.public_data.public_memory.public_segments.output;
                output.stop_ptr.value = u32::MAX;
            }),
        ),
        (
            "a component so large its relation uses wrap",
            Box::new(|p| {
                let c = p.claim.verify_instruction.as_mut().unwrap();
                c.log_size = 31;
            }),
        ),
        (
            "no memory_id_to_big",
            Box::new(|p| p.interaction_claim.memory_id_to_big = None),
        ),
    ];
    for (i, (what, mutate)) in cases.iter().enumerate() {
        let mut proof = honest.clone();
        mutate(&mut proof);
        let path = tmp.path().join(format!("malformed{i}.proof"));
        std::fs::write(&path, serde_json::to_vec(&proof).unwrap()).unwrap();
        let o = cairn(&["verify", path.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{what}: {}{err}", stdout(&o));
        assert!(err.starts_with("invalid proof: "), "{what}: {err}");
        assert!(!err.contains("panicked"), "{what}: {err}");
    }
}

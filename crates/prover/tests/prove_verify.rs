//! End to end: compile the sample dot product, run it, prove it, verify it — and make sure the
//! verifier rejects tampered proofs, altered outputs and proofs of another program.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use prover::{Statement, VerifierProof, VerifyError};
use runner::Felt252;

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

/// a = [1.5, -2.0, 0.25], b = [4.0, 0.5, -8.0] at scale 2^16 -> 3.0.
const ARGS: &str = "3,98304,-131072,16384,3,262144,32768,-524288";

struct Fixture {
    program_hash: Felt252,
    binary: Vec<u8>,
    output: Vec<Felt252>,
}

/// One proof for the whole test binary: proving is the expensive part.
fn fixture() -> &'static Fixture {
    static CELL: OnceLock<Fixture> = OnceLock::new();
    CELL.get_or_init(|| {
        let program = runner::compile_package(&example("dot_product")).unwrap();
        let execution = runner::execute(&program, &runner::parse_args(ARGS).unwrap()).unwrap();
        let proof = prover::prove(&execution, |_| {}).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dot.proof");
        prover::write_proof(&proof, &path, prover::ProofFormat::Binary).unwrap();
        Fixture {
            program_hash: prover::program_hash(&program.bytecode),
            binary: std::fs::read(&path).unwrap(),
            output: execution.output.clone(),
        }
    })
}

fn decode(bytes: &[u8]) -> VerifierProof {
    prover::decode_proof(bytes).unwrap()
}

fn raw_bincode(bytes: &[u8]) -> Vec<u8> {
    let mut raw = Vec::new();
    bzip2::read::BzDecoder::new(bytes)
        .read_to_end(&mut raw)
        .unwrap();
    raw
}

#[test]
fn valid_proof_states_program_and_output() {
    let f = fixture();
    assert_eq!(
        f.output,
        vec![Felt252::from(3 * 65536)],
        "3.0 at scale 2^16"
    );
    let statement = prover::verify(decode(&f.binary)).expect("honest proof must verify");
    assert_eq!(
        statement,
        Statement {
            program_hash: f.program_hash,
            output: f.output.clone()
        }
    );
    prover::verify_expecting(decode(&f.binary), Some(f.program_hash), Some(&f.output)).unwrap();
}

#[test]
fn json_and_binary_encodings_agree() {
    let f = fixture();
    let proof = decode(&f.binary);
    let json = serde_json::to_vec(&proof).unwrap();
    let statement = prover::verify(decode(&json)).unwrap();
    assert_eq!(statement.output, f.output);
}

#[test]
fn flipped_bytes_in_the_file_are_rejected() {
    let f = fixture();
    let n = f.binary.len();
    for pos in [0, 7, n / 3, n / 2, 2 * n / 3, n - 2] {
        let mut bytes = f.binary.clone();
        bytes[pos] ^= 0x01;
        let rejected = match prover::decode_proof(&bytes) {
            Err(_) => true,
            Ok(p) => prover::verify(p).is_err(),
        };
        assert!(rejected, "flipping byte {pos} of {n} was accepted");
    }
}

#[test]
fn flipped_bytes_inside_the_proof_are_rejected() {
    // Past the compression layer: the verifier itself must catch these.
    let f = fixture();
    let raw = raw_bincode(&f.binary);
    let n = raw.len();
    let mut checked = 0;
    for i in 1..24 {
        let pos = n * i / 24;
        let mut bytes = raw.clone();
        bytes[pos] ^= 0x10;
        let Ok(proof) = bincode::deserialize::<VerifierProof>(&bytes) else {
            continue; // a structural byte: the file no longer parses, which is a rejection too
        };
        checked += 1;
        assert!(
            prover::verify(proof).is_err(),
            "flipping byte {pos} of the serialized proof was accepted"
        );
    }
    assert!(
        checked >= 12,
        "too few flips reached the verifier ({checked})"
    );
}

#[test]
fn altered_public_output_is_rejected() {
    let f = fixture();
    let mut proof = decode(&f.binary);
    let output = &mut proof.claim.public_data.public_memory.output;
    assert!(!output.is_empty());
    output[0].1[0] ^= 1; // 3.0 becomes another number
    let err = prover::verify(proof).expect_err("altered output must be rejected");
    assert!(matches!(err, VerifyError::Stark(_)), "{err}");
}

#[test]
fn wrong_output_claim_is_rejected() {
    let f = fixture();
    let wrong = vec![Felt252::from(4 * 65536)];
    let err = prover::verify_expecting(decode(&f.binary), None, Some(&wrong)).unwrap_err();
    assert!(matches!(err, VerifyError::WrongOutput { .. }), "{err}");
}

#[test]
fn proof_of_one_program_is_rejected_for_another() {
    let f = fixture();
    // Program B: the same computation, compiled from a different package.
    let other = runner::compile_package(&example("dot_product_unrolled")).unwrap();
    let other_hash = prover::program_hash(&other.bytecode);
    assert_ne!(other_hash, f.program_hash);
    let err = prover::verify_expecting(decode(&f.binary), Some(other_hash), None).unwrap_err();
    assert!(matches!(err, VerifyError::WrongProgram { .. }), "{err}");
}

#[test]
fn altered_program_in_public_memory_is_rejected() {
    // Claiming the run was of different bytecode must break the proof, not just the hash check.
    let f = fixture();
    let mut proof = decode(&f.binary);
    let program = &mut proof.claim.public_data.public_memory.program;
    let last = program.len() - 1;
    program[last].1[0] ^= 1;
    assert!(prover::verify(proof).is_err());
}

#[test]
fn weaker_parameters_are_rejected() {
    let f = fixture();
    let mut proof = decode(&f.binary);
    proof.stark_proof.0.config.fri_config.n_queries = 3;
    let err = prover::verify(proof).unwrap_err();
    assert!(matches!(err, VerifyError::Parameters(_)), "{err}");
}

#[test]
fn memory_total_must_be_the_sum_of_its_parts() {
    // stwo-cairo 1.3.0 itself would only see an unbalanced lookup sum here; a forged total that
    // cancels a forged trace's imbalance would pass it. Cairn checks the total first.
    let f = fixture();
    let mut proof = decode(&f.binary);
    let memory = proof.interaction_claim.memory_id_to_big.as_mut().unwrap();
    memory.claimed_sum += memory.claimed_sum;
    let err = prover::verify(proof).unwrap_err();
    assert!(matches!(err, VerifyError::Claim(_)), "{err}");
}

#[test]
fn claim_words_at_or_above_p_are_rejected_by_name() {
    // Ids and pointers enter the transcript and the lookup as M31 elements: k + P is not k.
    const P: u32 = (1 << 31) - 1;
    let f = fixture();
    type Mutation = Box<dyn Fn(&mut VerifierProof)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "a segment pointer",
            Box::new(|p| {
                let segments = &mut p.claim.public_data.public_memory.public_segments;
                segments.range_check_128.as_mut().unwrap().start_ptr.value += P;
            }),
        ),
        (
            "a safe-call id",
            Box::new(|p| p.claim.public_data.public_memory.safe_call_ids[0] += P),
        ),
        (
            "an output cell's id",
            Box::new(|p| p.claim.public_data.public_memory.output[0].0 += P),
        ),
        (
            "a program cell's id",
            Box::new(|p| p.claim.public_data.public_memory.program[7].0 += P),
        ),
    ];
    for (what, mutate) in cases {
        let mut proof = decode(&f.binary);
        mutate(&mut proof);
        let err = prover::verify(proof).expect_err(what);
        assert!(
            matches!(&err, VerifyError::PublicData(m) if m.contains("not below 2^31 - 1")),
            "{what}: {err}"
        );
    }
}

#[test]
fn program_values_must_be_field_elements() {
    // The transcript and the lookup read 252 bits of a value; the program hash reads all 256.
    let f = fixture();
    let mut proof = decode(&f.binary);
    let last = proof.claim.public_data.public_memory.program.len() - 1;
    proof.claim.public_data.public_memory.program[last].1[7] |= 0xf000_0000;
    let err = prover::verify(proof).unwrap_err();
    assert!(
        matches!(&err, VerifyError::PublicData(m) if m.contains("not a field element")),
        "{err}"
    );
}

#[test]
fn a_commitment_past_the_composition_tree_is_rejected() {
    // stwo's verifier reads the first four trees and would ignore a fifth.
    let f = fixture();
    let mut proof = decode(&f.binary);
    let extra = proof.stark_proof.0.commitments[3];
    proof.stark_proof.0.commitments.push(extra);
    let err = prover::verify(proof).unwrap_err();
    assert!(
        matches!(&err, VerifyError::Claim(m) if m.contains("5 commitments")),
        "{err}"
    );
}

//! Prove a finished cairo-vm run with stwo-cairo (96-bit parameters) and verify proofs, reporting
//! what was proven: the program hash and the public output.
//!
//! The stock `verify_cairo` checks the STARK only; a proof could pick its own (weaker) parameters,
//! its own preprocessed trace, or any program. [`verify`] also pins the parameters and the
//! preprocessed-trace commitment, and reports the program hash so callers can pin the program.

mod params;
mod proof_file;
mod public_data;
mod tree_cache;

use std::panic::{catch_unwind, AssertUnwindSafe};

use cairo_air::utils::{construct_f252, encode_and_hash_memory_section, get_verification_output};
use cairo_air::verifier::verify_cairo;
use cairo_air::CairoProofForRustVerifier;
use runner::{Execution, Felt252};
use stwo::core::fields::qm31::SecureField;
use stwo::core::vcs_lifted::blake2_merkle::Blake2sMerkleHasher;
use stwo::core::vcs_lifted::poseidon252_merkle::Poseidon252MerkleHasher;
use stwo::prover::backend::simd::SimdBackend;
use stwo::prover::backend::BackendForChannel;
use stwo_cairo_prover::prover::prove_cairo_with_precompute;
use stwo_cairo_prover::stwo::core::utils::MaybeOwned;

pub use params::{prover_parameters, ProofChannel, SECURITY_BITS};
pub use proof_file::{
    decode_proof, read_any_proof, read_chain_proof, read_proof, write_chain_proof, write_proof,
    AnyProof, ProofFormat,
};
pub use stwo::core::vcs_lifted::blake2_merkle::Blake2sMerkleChannel;
pub use stwo::core::vcs_lifted::poseidon252_merkle::Poseidon252MerkleChannel;

/// A Stwo proof of a Cairo run (Blake2s channel).
pub type Proof = cairo_air::CairoProof<Blake2sMerkleHasher>;
/// The proof as the verifier reads it (the file format).
pub type VerifierProof = CairoProofForRustVerifier<Blake2sMerkleHasher>;
/// A proof made for the Cairo verifier (Poseidon252 channel: cheap to replay in Cairo).
pub type PoseidonProof = CairoProofForRustVerifier<Poseidon252MerkleHasher>;

/// What a valid proof establishes: this program produced this output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Blake2s hash of the program bytecode (as stwo-cairo computes it), as a felt.
    pub program_hash: Felt252,
    /// The public output segment.
    pub output: Vec<Felt252>,
}

/// Why proving failed.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error("adapting the VM run for the prover: {0}")]
    Adapt(String),
    #[error("stwo prover: {0}")]
    Prover(String),
}

/// Why a proof was rejected.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("proof uses parameters other than Cairn's {SECURITY_BITS}-bit ones: {0}")]
    Parameters(String),
    #[error("preprocessed-trace commitment differs from the canonical one")]
    PreprocessedTrace,
    #[error("inconsistent claim: {0}")]
    Claim(String),
    #[error("public data: {0}")]
    PublicData(String),
    #[error("STARK verification failed: {0}")]
    Stark(String),
    #[error("proof is for program hash {found:#x}, expected {expected:#x}")]
    WrongProgram { expected: Felt252, found: Felt252 },
    #[error("proof's public output {found:?} differs from the expected {expected:?}")]
    WrongOutput {
        expected: Vec<Felt252>,
        found: Vec<Felt252>,
    },
}

fn to_felt(f: starknet_ff::FieldElement) -> Felt252 {
    Felt252::from_bytes_be(&f.to_bytes_be())
}

/// The program hash stwo-cairo reports for this bytecode (Blake2s over the program section).
pub fn program_hash(bytecode: &[num_bigint::BigInt]) -> Felt252 {
    let section: Vec<(u32, [u32; 8])> = bytecode
        .iter()
        .map(|v| {
            let felt = Felt252::from(v);
            let bytes = felt.to_bytes_le();
            let limbs: [u32; 8] = std::array::from_fn(|i| {
                u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap())
            });
            (0, limbs)
        })
        .collect();
    to_felt(construct_f252(&encode_and_hash_memory_section(&section)))
}

/// Proves a finished run with the Blake2s channel. `on_stage` hears the stage names.
pub fn prove(execution: &Execution, on_stage: impl FnMut(&str)) -> Result<Proof, ProveError> {
    prove_with::<Blake2sMerkleChannel>(execution, on_stage)
}

/// Proves a finished run with channel `MC`. `on_stage` hears the stage names (for progress).
pub fn prove_with<MC: ProofChannel>(
    execution: &Execution,
    mut on_stage: impl FnMut(&str),
) -> Result<cairo_air::CairoProof<MC::H>, ProveError>
where
    SimdBackend: BackendForChannel<MC>,
{
    on_stage("adapting the run");
    let input = stwo_cairo_adapter::adapter::adapt(&execution.runner)
        .map_err(|e| ProveError::Adapt(format!("{e:#}")))?;
    on_stage("committing to the preprocessed trace");
    let setup = proving_setup::<MC>();
    on_stage("proving");
    prove_cairo_with_precompute::<MC>(
        setup.pool,
        setup.twiddles,
        setup.trace.clone(),
        MaybeOwned::Borrowed(setup.tree),
        input,
        setup.parameters,
    )
    .map_err(|e| ProveError::Prover(format!("{e:?}")))
}

/// What every proof with channel `MC` shares, built once per process: Cairn's parameters, the
/// preprocessed trace, its commitment, twiddles and the column pool. For callers that drive
/// stwo-cairo's prover themselves (the soundness tests' dishonest prover).
pub struct ProvingSetup<MC: ProofChannel>
where
    SimdBackend: BackendForChannel<MC>,
{
    pub parameters: stwo_cairo_prover::prover::ProverParameters,
    pub pool: &'static stwo::prover::mempool::BaseColumnPool<SimdBackend>,
    pub twiddles: &'static stwo::prover::poly::twiddles::TwiddleTree<SimdBackend>,
    pub trace: std::sync::Arc<
        stwo_cairo_common::preprocessed_columns::preprocessed_trace::PreProcessedTrace,
    >,
    pub tree: &'static stwo::prover::CommitmentTreeProver<SimdBackend, MC>,
}

/// The shared part of proving with channel `MC`, built on first use (2 cores: 0.3 s with
/// Blake2s; with Poseidon252 1 s more, or ~37 s when its tree is not in the user's cache).
pub fn proving_setup<MC: ProofChannel>() -> ProvingSetup<MC>
where
    SimdBackend: BackendForChannel<MC>,
{
    let pre = params::preprocessed();
    ProvingSetup {
        parameters: params::parameters_for(MC::HASH),
        pool: &pre.pool,
        twiddles: &pre.twiddles,
        trace: pre.trace.clone(),
        tree: params::preprocessed_tree::<MC>(),
    }
}

/// Verifies a Blake2s `proof` and returns what it proves. Never panics on malformed proofs.
pub fn verify(proof: VerifierProof) -> Result<Statement, VerifyError> {
    verify_with::<Blake2sMerkleChannel>(proof)
}

/// Verifies a proof made with channel `MC` and returns what it proves.
pub fn verify_with<MC: ProofChannel>(
    proof: CairoProofForRustVerifier<MC::H>,
) -> Result<Statement, VerifyError> {
    params::check_parameters(&proof)?;
    if proof.stark_proof.commitments.first() != Some(&MC::preprocessed_root()) {
        return Err(VerifyError::PreprocessedTrace);
    }
    // stwo's verifier ignores commitments past the composition tree's; Cairn's take exactly 4.
    let n = proof.stark_proof.commitments.len();
    if n != 4 {
        return Err(VerifyError::Claim(format!(
            "{n} commitments, expected 4 (preprocessed, trace, interaction, composition)"
        )));
    }
    check_memory_claimed_sum(&proof)?;
    public_data::check(&proof.claim)?;
    let public_memory = proof.claim.public_data.public_memory.clone();
    // `verify_cairo` and `get_verification_output` assert on some malformed claims instead of
    // returning an error.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        verify_cairo::<MC>(proof).map(|()| get_verification_output(&public_memory))
    }));
    let out = match outcome {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => return Err(VerifyError::Stark(e.to_string())),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "verifier panicked".into());
            return Err(VerifyError::Stark(msg));
        }
    };
    Ok(Statement {
        program_hash: to_felt(out.program_hash),
        output: out.output.into_iter().map(to_felt).collect(),
    })
}

/// stwo-cairo 1.3.0's `lookup_sum` adds memory_id_to_big's total `claimed_sum`, while the
/// components are checked against the per-part `big_claimed_sums` and nothing ties the two: a
/// prover could pick the total that cancels an unbalanced lookup. (Upstream removed the field
/// later.) Cairn requires the total to be the sum of the parts.
fn check_memory_claimed_sum<H: stwo::core::vcs_lifted::MerkleHasherLifted>(
    proof: &CairoProofForRustVerifier<H>,
) -> Result<(), VerifyError> {
    let Some(memory) = &proof.interaction_claim.memory_id_to_big else {
        return Err(VerifyError::Claim("memory_id_to_big is missing".into()));
    };
    let parts: SecureField = memory.big_claimed_sums.iter().copied().sum();
    if parts != memory.claimed_sum {
        return Err(VerifyError::Claim(format!(
            "memory_id_to_big claimed_sum {} is not the sum of its {} parts ({parts})",
            memory.claimed_sum,
            memory.big_claimed_sums.len()
        )));
    }
    Ok(())
}

/// The values a proof's public data carries: the program section (the bytecode, with every
/// constant of the program) and the output section. The rest of the public data is segment
/// pointers and register values. (Trace openings are not covered here: see docs/PRIVACY.md.)
pub fn public_values(proof: &VerifierProof) -> Vec<Felt252> {
    let memory = &proof.claim.public_data.public_memory;
    memory
        .program
        .iter()
        .chain(&memory.output)
        .map(|(_, limbs)| to_felt(construct_f252(limbs)))
        .collect()
}

/// Verifies and additionally requires the given program hash and/or output.
pub fn verify_expecting(
    proof: VerifierProof,
    program_hash: Option<Felt252>,
    output: Option<&[Felt252]>,
) -> Result<Statement, VerifyError> {
    expecting(verify(proof)?, program_hash, output)
}

/// [`verify_expecting`] for a proof made for the chain (Poseidon252 channel).
pub fn verify_chain_expecting(
    proof: PoseidonProof,
    program_hash: Option<Felt252>,
    output: Option<&[Felt252]>,
) -> Result<Statement, VerifyError> {
    expecting(
        verify_with::<Poseidon252MerkleChannel>(proof)?,
        program_hash,
        output,
    )
}

fn expecting(
    statement: Statement,
    program_hash: Option<Felt252>,
    output: Option<&[Felt252]>,
) -> Result<Statement, VerifyError> {
    if let Some(expected) = program_hash {
        if statement.program_hash != expected {
            return Err(VerifyError::WrongProgram {
                expected,
                found: statement.program_hash,
            });
        }
    }
    if let Some(expected) = output {
        if statement.output != expected {
            return Err(VerifyError::WrongOutput {
                expected: expected.to_vec(),
                found: statement.output.clone(),
            });
        }
    }
    Ok(statement)
}

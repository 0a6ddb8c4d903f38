//! Shared by the verifier's test binaries: a Cairo executable over `cairn_stwo_verifier`.
#![allow(dead_code)] // each test binary uses a subset

/// Compiles an executable package whose `src/lib.cairo` is `body`, depending on the verifier
/// library.
pub fn program(body: &str) -> runner::CompiledProgram {
    program_with_modules(body, &[])
}

/// As [`program`], with more source files `src/<name>.cairo` (declared by `body`).
pub fn program_with_modules(body: &str, modules: &[(&str, &str)]) -> runner::CompiledProgram {
    let dir = tempfile::tempdir().unwrap();
    verifier::write_probe_package(dir.path(), "probe", body, modules).unwrap();
    runner::compile_package(dir.path()).unwrap_or_else(|e| panic!("{e}"))
}

/// A Poseidon252 channel (stwo's) that has mixed `seed`: each test's transcript start.
pub fn channel(seed: u64) -> stwo::core::channel::Poseidon252Channel {
    use stwo::core::channel::Channel;
    let mut channel = stwo::core::channel::Poseidon252Channel::default();
    channel.mix_u64(seed);
    channel
}

use starknet_ff::FieldElement;
use starknet_types_core::felt::Felt;

const P: u64 = (1 << 31) - 1;

/// `n` deterministic M31 values (xorshift from `seed`, reduced mod 2^31 - 1).
pub fn random_m31s(n: usize, seed: u64) -> Vec<u32> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % P) as u32
        })
        .collect()
}

/// A Cairo `Array` argument: the length, then the items.
pub fn list<T: Copy + Into<Felt>>(xs: &[T]) -> Vec<Felt> {
    let mut v = vec![Felt::from(xs.len())];
    v.extend(xs.iter().map(|&x| x.into()));
    v
}

/// A starknet-ff felt (stwo's Poseidon252 type) as the runner's felt.
pub fn felt(f: FieldElement) -> Felt {
    Felt::from_bytes_be(&f.to_bytes_be())
}

/// A Cairo short string.
pub fn short_string(s: &str) -> Felt {
    Felt::from_bytes_be_slice(s.as_bytes())
}

/// The Cairo verifier's error for a stwo FRI error (one per variant).
pub fn fri_error(e: &stwo::core::fri::FriVerificationError) -> Felt {
    use stwo::core::fri::FriVerificationError as E;
    short_string(match e {
        E::InvalidNumFriLayers => "fri: invalid number of layers",
        E::FirstLayerEvaluationsInvalid => "fri: first layer evaluations",
        E::FirstLayerCommitmentInvalid { .. } => "fri: first layer commitment",
        E::InnerLayerCommitmentInvalid { .. } => "fri: inner layer commitment",
        E::InnerLayerEvaluationsInvalid { .. } => "fri: inner layer evaluations",
        E::LastLayerDegreeInvalid => "fri: last layer degree",
        E::LastLayerEvaluationsInvalid => "fri: last layer evaluations",
    })
}

/// The Cairo verifier's error for a stwo commitment-scheme error.
pub fn pcs_error(e: &stwo::core::verifier::VerificationError) -> Felt {
    use stwo::core::vcs_lifted::verifier::MerkleVerificationError as M;
    use stwo::core::verifier::VerificationError as E;
    match e {
        E::Fri(e) => fri_error(e),
        E::ProofOfWork => short_string("pcs: proof of work"),
        E::Merkle(M::WitnessTooShort) => short_string("merkle: witness too short"),
        E::Merkle(M::WitnessTooLong) => short_string("merkle: witness too long"),
        E::Merkle(M::RootMismatch) => short_string("merkle: root mismatch"),
        other => panic!("no Cairo counterpart for {other:?}"),
    }
}

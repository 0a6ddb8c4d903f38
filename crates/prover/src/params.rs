//! Cairn's proving parameters and the preprocessed trace they imply.

use std::sync::{Arc, OnceLock};

use stwo::core::channel::MerkleChannel;
use stwo::core::vcs_lifted::poseidon252_merkle::Poseidon252MerkleChannel;
use stwo::core::vcs_lifted::MerkleHasherLifted;

use stwo::core::fri::FriConfig;
use stwo::core::pcs::PcsConfig;
use stwo::core::poly::circle::CanonicCoset;
use stwo::core::vcs::blake2_hash::Blake2sHash;
use stwo::core::vcs_lifted::blake2_merkle::Blake2sMerkleChannel;
use stwo::prover::backend::simd::SimdBackend;
use stwo::prover::backend::BackendForChannel;
use stwo::prover::mempool::BaseColumnPool;
use stwo::prover::poly::circle::{CircleCoefficients, PolyOps};
use stwo::prover::poly::twiddles::TwiddleTree;
use stwo::prover::CommitmentTreeProver;
use stwo_cairo_common::preprocessed_columns::preprocessed_trace::{
    PreProcessedTrace, PreProcessedTraceVariant,
};
use stwo_cairo_prover::prover::{ChannelHash, ProverParameters};
use stwo_cairo_prover::witness::preprocessed_trace::gen_trace;

use crate::VerifyError;

/// Conjectured security of the parameters: `pow_bits + log_blowup_factor * n_queries`.
pub const SECURITY_BITS: u32 = POW_BITS + LOG_BLOWUP * N_QUERIES;
const POW_BITS: u32 = 20;
pub(crate) const LOG_BLOWUP: u32 = 1;
const N_QUERIES: u32 = 76;
/// The small canonical preprocessed trace: all builtins Cairn programs can use, without the
/// large Pedersen tables.
const VARIANT: PreProcessedTraceVariant = PreProcessedTraceVariant::CanonicalSmall;
/// Twiddles cover traces up to 2^LOG_MAX_TRACE rows (×2 for the blowup): about 4M Cairo steps.
const LOG_MAX_DOMAIN: u32 = 23;

fn pcs_config() -> PcsConfig {
    PcsConfig {
        pow_bits: POW_BITS,
        fri_config: FriConfig {
            log_last_layer_degree_bound: 0,
            log_blowup_factor: LOG_BLOWUP,
            n_queries: N_QUERIES as usize,
            fold_step: 1,
        },
        lifting_log_size: None,
    }
}

/// The stwo-cairo 1.3.0 production defaults (96-bit), with the small preprocessed trace.
pub fn prover_parameters() -> ProverParameters {
    parameters_for(ChannelHash::Blake2s)
}

pub(crate) fn parameters_for(channel_hash: ChannelHash) -> ProverParameters {
    ProverParameters {
        channel_hash,
        channel_salt: 0,
        pcs_config: pcs_config(),
        preprocessed_trace: VARIANT,
        store_polynomials_coefficients: false,
        include_all_preprocessed_columns: false,
    }
}

/// The channel a proof is made with, and what Cairn pins for it. Blake2s is fastest to prove and
/// to check natively; Poseidon252 is the one the Cairo verifier (on chain) can hash cheaply.
pub trait ProofChannel: MerkleChannel + Sized + 'static {
    const HASH: ChannelHash;
    /// The Merkle root every honest proof commits to for the preprocessed trace. A constant, so
    /// that verifying does not rebuild the trace (≈0.5 s); a test recomputes it from stwo-cairo.
    fn preprocessed_root() -> <Self::H as MerkleHasherLifted>::Hash;
    #[doc(hidden)]
    fn tree_cell() -> &'static OnceLock<CommitmentTreeProver<SimdBackend, Self>>
    where
        SimdBackend: BackendForChannel<Self>;
    /// The commitment to the preprocessed trace's polynomials.
    #[doc(hidden)]
    fn commit_preprocessed(
        coefficients: Coefficients,
        twiddles: &TwiddleTree<SimdBackend>,
        pool: &BaseColumnPool<SimdBackend>,
    ) -> CommitmentTreeProver<SimdBackend, Self>
    where
        SimdBackend: BackendForChannel<Self>,
    {
        CommitmentTreeProver::new(coefficients, LOG_BLOWUP, twiddles, false, None, pool)
    }
}

/// The preprocessed trace's columns as polynomials.
pub type Coefficients = stwo::core::ColumnVec<CircleCoefficients<SimdBackend>>;

impl ProofChannel for Blake2sMerkleChannel {
    const HASH: ChannelHash = ChannelHash::Blake2s;
    fn preprocessed_root() -> Blake2sHash {
        Blake2sHash([
            6, 141, 17, 102, 201, 249, 240, 236, 36, 118, 65, 202, 57, 30, 232, 57, 97, 112, 230,
            147, 67, 223, 202, 204, 99, 47, 150, 56, 103, 13, 43, 236,
        ])
    }
    fn tree_cell() -> &'static OnceLock<CommitmentTreeProver<SimdBackend, Self>> {
        static CELL: OnceLock<CommitmentTreeProver<SimdBackend, Blake2sMerkleChannel>> =
            OnceLock::new();
        &CELL
    }
}

impl ProofChannel for Poseidon252MerkleChannel {
    const HASH: ChannelHash = ChannelHash::Poseidon252;
    fn preprocessed_root() -> starknet_ff::FieldElement {
        starknet_ff::FieldElement::from_hex_be(POSEIDON_PREPROCESSED_ROOT).expect("constant")
    }
    fn tree_cell() -> &'static OnceLock<CommitmentTreeProver<SimdBackend, Self>> {
        static CELL: OnceLock<CommitmentTreeProver<SimdBackend, Poseidon252MerkleChannel>> =
            OnceLock::new();
        &CELL
    }
    /// Hashing it takes ~40 s: cached on disk (`tree_cache`).
    fn commit_preprocessed(
        coefficients: Coefficients,
        twiddles: &TwiddleTree<SimdBackend>,
        pool: &BaseColumnPool<SimdBackend>,
    ) -> CommitmentTreeProver<SimdBackend, Self> {
        crate::tree_cache::poseidon_tree(coefficients, twiddles, pool)
    }
}

const POSEIDON_PREPROCESSED_ROOT: &str =
    "0x05d30b4449ab831e534acb873ea09821c1f47668a44a577cc8c6949d7f3798c2";

/// The channel-independent part of proving: the preprocessed trace and twiddles.
pub(crate) struct Preprocessed {
    pub pool: BaseColumnPool<SimdBackend>,
    pub twiddles: TwiddleTree<SimdBackend>,
    pub trace: Arc<PreProcessedTrace>,
}

impl Preprocessed {
    /// The preprocessed trace's columns interpolated: what its commitment is over.
    pub(crate) fn coefficients(&self) -> Coefficients {
        SimdBackend::interpolate_columns(gen_trace(self.trace.clone()), &self.twiddles)
    }
}

/// Twiddles and the preprocessed trace, built once per process.
pub(crate) fn preprocessed() -> &'static Preprocessed {
    static CELL: OnceLock<Preprocessed> = OnceLock::new();
    CELL.get_or_init(|| {
        let trace = Arc::new(VARIANT.to_preprocessed_trace());
        let log_domain = LOG_MAX_DOMAIN.max(VARIANT.max_log_trace_size() + LOG_BLOWUP);
        let twiddles = SimdBackend::precompute_twiddles(
            CanonicCoset::new(log_domain).circle_domain().half_coset,
        );
        Preprocessed {
            pool: BaseColumnPool::new(),
            twiddles,
            trace,
        }
    })
}

/// The preprocessed-trace commitment under channel `MC`, built once per process.
pub(crate) fn preprocessed_tree<MC: ProofChannel>() -> &'static CommitmentTreeProver<SimdBackend, MC>
where
    SimdBackend: BackendForChannel<MC>,
{
    MC::tree_cell().get_or_init(|| {
        let pre = preprocessed();
        MC::commit_preprocessed(pre.coefficients(), &pre.twiddles, &pre.pool)
    })
}

pub(crate) fn check_parameters<H: MerkleHasherLifted>(
    proof: &cairo_air::CairoProofForRustVerifier<H>,
) -> Result<(), VerifyError> {
    let config = proof.stark_proof.config;
    let expected = pcs_config();
    if config.pow_bits != expected.pow_bits
        || config.fri_config != expected.fri_config
        || config.lifting_log_size != expected.lifting_log_size
    {
        return Err(VerifyError::Parameters(format!("{config:?}")));
    }
    if proof.preprocessed_trace_variant != VARIANT {
        return Err(VerifyError::Parameters(format!(
            "preprocessed trace {:?}",
            proof.preprocessed_trace_variant
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built afresh (not through `preprocessed_tree`, which may read a cached tree).
    fn root_matches<MC: ProofChannel>()
    where
        SimdBackend: BackendForChannel<MC>,
    {
        let pre = preprocessed();
        let tree = CommitmentTreeProver::<SimdBackend, MC>::new(
            pre.coefficients(),
            LOG_BLOWUP,
            &pre.twiddles,
            false,
            None,
            &pre.pool,
        );
        assert_eq!(
            tree.commitment.root(),
            MC::preprocessed_root(),
            "the preprocessed trace changed (new stwo-cairo?): update preprocessed_root"
        );
    }

    #[test]
    fn blake2s_preprocessed_root_matches_the_trace() {
        root_matches::<Blake2sMerkleChannel>();
    }

    /// Poseidon252 hashing of the preprocessed trace takes ~40 s on 2 cores; crates/verifier's
    /// `statement` test fails too (PreprocessedTrace) when this constant is stale.
    #[test]
    #[ignore = "~40 s; run after a stwo-cairo upgrade"]
    fn poseidon252_preprocessed_root_matches_the_trace() {
        root_matches::<Poseidon252MerkleChannel>();
    }
}

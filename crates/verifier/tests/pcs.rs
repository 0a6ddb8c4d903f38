//! `cairn_stwo_verifier::pcs` against stwo 2.3.0's `CommitmentSchemeVerifier` on proofs from
//! stwo's `CommitmentSchemeProver` (Poseidon252 channel): three trees of columns of mixed sizes
//! (a smaller "preprocessed" first tree, columns sampled at zero, one or two points), the same
//! verdict on the honest proof and on every tampering.

mod common;

use starknet_ff::FieldElement;
use starknet_types_core::felt::Felt;
use stwo::core::channel::{Channel, Poseidon252Channel};
use stwo::core::circle::CirclePoint;
use stwo::core::fields::m31::BaseField;
use stwo::core::fields::qm31::SecureField;
use stwo::core::fri::FriConfig;
use stwo::core::pcs::quotients::CommitmentSchemeProof;
use stwo::core::pcs::{CommitmentSchemeVerifier, PcsConfig, TreeVec};
use stwo::core::poly::circle::CanonicCoset;
use stwo::core::vcs_lifted::poseidon252_merkle::{
    Poseidon252MerkleChannel, Poseidon252MerkleHasher,
};
use stwo::core::verifier::VerificationError;
use stwo::prover::backend::cpu::CpuCirclePoly;
use stwo::prover::backend::CpuBackend;
use stwo::prover::poly::circle::PolyOps;
use stwo::prover::CommitmentSchemeProver;
use stwo_cairo_serialize::CairoSerialize;

const MAIN: &str = r#"
use cairn_stwo_verifier::channel::ChannelTrait;
use cairn_stwo_verifier::circle::CirclePoint;
use cairn_stwo_verifier::fields::QM31;
use cairn_stwo_verifier::pcs::{CommitmentSchemeProof, CommitmentSchemeVerifierTrait, PcsConfig};

#[executable]
fn main(
    seed: u64,
    config: PcsConfig,
    log_sizes: Array<Array<u32>>,
    points: Array<Array<Array<CirclePoint<QM31>>>>,
    proof: CommitmentSchemeProof,
) -> felt252 {
    let mut channel = ChannelTrait::new();
    channel.mix_u64(seed);
    let mut verifier = CommitmentSchemeVerifierTrait::new(config);
    for t in 0..log_sizes.len() {
        verifier.commit(*proof.commitments.at(t), log_sizes.at(t).span(), ref channel);
    }
    let mut tree_points = array![];
    for tree in points.span() {
        let mut cols = array![];
        for col in tree.span() {
            cols.append(col.span());
        }
        tree_points.append(cols.span());
    }
    match verifier.verify_values(tree_points.span(), proof, ref channel) {
        Result::Ok(()) => 'ok',
        Result::Err(e) => e,
    }
}
"#;

const SEED: u64 = 0x9c5;
const LOG_BLOWUP: u32 = 1;

type Proof = CommitmentSchemeProof<Poseidon252MerkleHasher>;
type Points = TreeVec<Vec<Vec<CirclePoint<SecureField>>>>;

fn config() -> PcsConfig {
    PcsConfig {
        pow_bits: 4,
        fri_config: FriConfig::new(0, LOG_BLOWUP, 8, 1),
        lifting_log_size: None,
    }
}

fn channel() -> Poseidon252Channel {
    common::channel(SEED)
}

/// Column log sizes per tree: a small first (preprocessed-like) tree, then the lifting size.
fn log_sizes() -> Vec<Vec<u32>> {
    vec![vec![3, 5], vec![4, 6, 6, 2], vec![6, 6]]
}

/// Sample points: per column none, the out-of-domain point, or it and a shifted point (the mask
/// of a constraint reading the previous row).
fn points(sizes: &[Vec<u32>]) -> Points {
    let mut ch = Poseidon252Channel::default();
    ch.mix_u64(7);
    let oods = CirclePoint::<SecureField>::get_random_point(&mut ch);
    let mut k = 0;
    TreeVec(
        sizes
            .iter()
            .map(|tree| {
                tree.iter()
                    .map(|&log_size| {
                        k += 1;
                        match k % 3 {
                            0 => vec![],
                            1 => vec![oods],
                            _ => {
                                let prev = CanonicCoset::new(log_size).step().conjugate();
                                vec![oods + prev.into_ef(), oods]
                            }
                        }
                    })
                    .collect()
            })
            .collect(),
    )
}

fn prove() -> Proof {
    let sizes = log_sizes();
    let twiddles = CpuBackend::precompute_twiddles(
        CanonicCoset::new(6 + LOG_BLOWUP + 1)
            .circle_domain()
            .half_coset,
    );
    let mut ch = channel();
    let mut scheme =
        CommitmentSchemeProver::<CpuBackend, Poseidon252MerkleChannel>::new(config(), &twiddles);
    for (t, tree) in sizes.iter().enumerate() {
        let polys = tree.iter().enumerate().map(|(c, &log_size)| {
            let coeffs = common::random_m31s(1 << log_size, 1000 * t as u64 + c as u64 + 1)
                .into_iter()
                .map(BaseField::from_u32_unchecked)
                .collect();
            CpuCirclePoly::new(coeffs)
        });
        let mut builder = scheme.tree_builder();
        builder.extend_polys(polys);
        builder.commit(&mut ch);
    }
    scheme.prove_values(points(&sizes), &mut ch).proof
}

fn stwo_verdict(proof: &Proof, points: &Points) -> Result<(), VerificationError> {
    let mut ch = channel();
    let mut verifier = CommitmentSchemeVerifier::<Poseidon252MerkleChannel>::new(config());
    for (root, sizes) in proof.commitments.iter().zip(log_sizes()) {
        verifier.commit(*root, &sizes, &mut ch);
    }
    verifier.verify_values(points.clone(), proof.clone(), &mut ch)
}

fn cairo_verdict(program: &runner::CompiledProgram, proof: &Proof, points: &Points) -> Felt {
    let mut felts: Vec<FieldElement> = vec![];
    SEED.serialize(&mut felts);
    config().serialize(&mut felts);
    log_sizes().serialize(&mut felts);
    felts.push(points.len().into());
    for tree in points.iter() {
        felts.push(tree.len().into());
        for col in tree {
            felts.push(col.len().into());
            for p in col {
                p.x.serialize(&mut felts);
                p.y.serialize(&mut felts);
            }
        }
    }
    felts.extend(verifier::stark_proof_felts(proof));
    let args: Vec<Felt> = felts.into_iter().map(common::felt).collect();
    let run = runner::execute(program, &args).unwrap_or_else(|e| panic!("{e}"));
    run.output[0]
}

/// Both verdicts on `proof`, asserted equal; returns stwo's. Where stwo panics (it asserts
/// that repeated first-tree positions carry equal values), Cairo must reject with some error.
fn agree(program: &runner::CompiledProgram, proof: &Proof, points: &Points) -> Result<(), String> {
    let cairo = cairo_verdict(program, proof, points);
    let verdict = match std::panic::catch_unwind(|| stwo_verdict(proof, points)) {
        Ok(verdict) => verdict,
        Err(_) => {
            assert_ne!(
                cairo,
                common::short_string("ok"),
                "stwo panics, Cairo accepts"
            );
            return Err("stwo panicked".into());
        }
    };
    let want = match &verdict {
        Ok(()) => common::short_string("ok"),
        Err(e) => common::pcs_error(e),
    };
    assert_eq!(cairo, want, "stwo: {verdict:?}");
    verdict.map_err(|e| e.to_string())
}

#[test]
fn honest_proof_is_accepted_like_stwo() {
    let program = common::program(MAIN);
    let proof = prove();
    let verdict = agree(&program, &proof, &points(&log_sizes()));
    assert!(
        verdict.is_ok(),
        "stwo rejects the honest proof: {verdict:?}"
    );
}

#[test]
fn tampered_proofs_are_rejected_like_stwo() {
    let program = common::program(MAIN);
    let honest = prove();
    let pts = points(&log_sizes());
    let one = SecureField::from(BaseField::from(1));
    let mut cases: Vec<(&str, Proof, Points)> = vec![];

    let mut p = honest.clone();
    p.sampled_values[1][1][0] += one;
    cases.push(("a claimed out-of-domain value", p, pts.clone()));

    let mut p = honest.clone();
    p.sampled_values[2][1][0] += one;
    cases.push(("a claimed value of the last tree", p, pts.clone()));

    let mut p = honest.clone();
    p.queried_values[1][2][3] += BaseField::from(1);
    cases.push(("a queried value", p, pts.clone()));

    // Every value of the column: the first tree's positions may repeat, and stwo panics on
    // repeats that differ.
    let mut p = honest.clone();
    for v in p.queried_values[0][1].iter_mut() {
        *v += BaseField::from(1);
    }
    cases.push(("a column of the first tree", p, pts.clone()));

    let mut p = honest.clone();
    p.decommitments[2].hash_witness[0] += FieldElement::ONE;
    cases.push(("a Merkle sibling", p, pts.clone()));

    let mut p = honest.clone();
    p.decommitments[1].hash_witness.pop();
    cases.push(("a Merkle witness too short", p, pts.clone()));

    let mut p = honest.clone();
    p.decommitments[0].hash_witness.push(FieldElement::ONE);
    cases.push(("a Merkle witness too long", p, pts.clone()));

    let mut p = honest.clone();
    p.commitments[1] += FieldElement::ONE;
    cases.push(("a tree root", p, pts.clone()));

    let mut p = honest.clone();
    p.proof_of_work += 1;
    cases.push(("the proof-of-work nonce", p, pts.clone()));

    let mut p = honest.clone();
    p.fri_proof.first_layer.fri_witness[0] += one;
    cases.push(("a FRI witness value", p, pts.clone()));

    // The verifier asks about another point than the one proven.
    let mut other = pts.clone();
    other[1][1][0] = other[1][1][0] + CanonicCoset::new(3).step().into_ef();
    cases.push(("values claimed at another point", honest.clone(), other));

    for (what, proof, points) in &cases {
        let verdict = agree(&program, proof, points);
        assert!(verdict.is_err(), "stwo accepts {what}");
    }
}

#[test]
fn malformed_proofs_are_rejected() {
    // Shapes stwo's verifier panics on: the Cairo verifier returns an error instead.
    let program = common::program(MAIN);
    let honest = prove();
    let pts = points(&log_sizes());
    let shape = common::short_string("pcs: proof shape");

    let mut p = honest.clone();
    p.queried_values[1][0].pop();
    assert_eq!(
        cairo_verdict(&program, &p, &pts),
        shape,
        "a column with a missing value"
    );

    let mut p = honest.clone();
    p.sampled_values[1][1].push(SecureField::from(BaseField::from(1)));
    assert_eq!(
        cairo_verdict(&program, &p, &pts),
        shape,
        "an extra claimed value"
    );

    let mut p = honest.clone();
    p.queried_values[2].pop();
    assert_eq!(cairo_verdict(&program, &p, &pts), shape, "a missing column");

    let mut p = honest;
    p.config.pow_bits += 1;
    assert_eq!(
        cairo_verdict(&program, &p, &pts),
        common::short_string("pcs: config mismatch"),
        "another configuration"
    );
}

//! The STARK verifier (stwo 2.3.0 `core::verifier::verify`): commits the composition polynomial,
//! draws the out-of-domain point, checks that the AIR's constraints evaluated on the sampled mask
//! values equal the composition polynomial's sampled value, then hands every sample to the
//! commitment scheme. The AIR is a trait: `crates/air-codegen` generates its implementations.

use crate::channel::{Channel, ChannelTrait};
use crate::circle::{CirclePoint, CirclePointTrait, index_to_point, into_secure};
use crate::fields::{QM31, QM31Trait, qm31};
use crate::fri_verifier::{FriProof, FriVerifier};
use crate::pcs::{
    CommitmentSchemeProof, CommitmentSchemeVerifier, CommitmentSchemeVerifierTrait, ERR_CONFIG,
    same_shape,
};
use crate::poly::double_x;

pub const ERR_OODS: felt252 = 'stark: oods values mismatch';
pub const ERR_STRUCTURE: felt252 = 'stark: proof structure';

/// The composition polynomial is split in two halves of half the degree.
pub const COMPOSITION_LOG_SPLIT: u32 = 1;

/// What the verifier needs from an AIR (stwo's `Components`).
pub trait Air<T> {
    /// log2 of the composition polynomial's degree bound (the components' maximum).
    fn composition_log_degree_bound(self: @T) -> u32;

    /// Per tree (preprocessed, trace, interaction), per column: the points its constraints read.
    fn mask_points(
        self: @T, point: CirclePoint<QM31>, max_log_degree_bound: u32,
    ) -> Array<Array<Span<CirclePoint<QM31>>>>;

    /// The constraint quotients at `point`, combined with powers of `random_coeff`.
    fn eval_composition_at_point(
        self: @T,
        point: CirclePoint<QM31>,
        mask_values: Span<Array<Array<QM31>>>,
        random_coeff: QM31,
        max_log_degree_bound: u32,
    ) -> QM31;
}

/// What the STARK's transcript fixed: the composition's random coefficient, the out-of-domain
/// point, the quotients' random coefficient and FRI's folding randomness and query positions
/// (in `fri`). Everything after it checks values against these.
#[derive(Drop)]
pub struct StarkTranscript {
    pub composition_coeff: QM31,
    pub oods_point: CirclePoint<QM31>,
    pub quotient_coeff: QM31,
    pub fri: FriVerifier,
}

/// Verifies `proof` for `air`: the caller has committed the preprocessed, trace and interaction
/// trees (drawing its lookup randomness in between), as the prover did.
pub fn verify<T, +Air<T>>(
    air: @T,
    ref channel: Channel,
    ref scheme: CommitmentSchemeVerifier,
    proof: CommitmentSchemeProof,
) -> Result<(), felt252> {
    let CommitmentSchemeProof {
        config, commitments, sampled_values, decommitments, queried_values, proof_of_work,
        fri_proof,
    } = proof;
    if config != scheme.config {
        return Result::Err(ERR_CONFIG);
    }
    let sampled_values = sampled_values.span();
    // stwo's order: the composition check comes before the claimed values enter the channel.
    let (composition_coeff, oods_point) = draw_oods_point(
        air, ref channel, ref scheme, commitments.span(),
    )?;
    let points = sample_points(air, oods_point);
    check_composition(air, oods_point, composition_coeff, points.span(), sampled_values)?;
    let (quotient_coeff, fri) = scheme
        .mix_values(points.span(), sampled_values, proof_of_work, fri_proof, ref channel)?;
    scheme
        .check_values(
            points.span(),
            sampled_values,
            queried_values.span(),
            decommitments.span(),
            quotient_coeff,
            fri,
        )
}

/// The composition polynomial's log degree bound per half (it is split in two).
pub fn composition_half_bound<T, +Air<T>>(air: @T) -> Result<u32, felt252> {
    let bound = air.composition_log_degree_bound();
    if bound < COMPOSITION_LOG_SPLIT + 1 {
        return Result::Err(ERR_STRUCTURE);
    }
    Result::Ok(bound - COMPOSITION_LOG_SPLIT)
}

/// The STARK's Fiat-Shamir transcript after the AIR's trees: commits the composition tree,
/// draws the out-of-domain point, then the commitment scheme's transcript (claimed values, FRI
/// commitments, proof of work, query positions). Checks only what the transcript needs: the
/// composition check (`check_composition`) and the openings are left to the caller.
pub fn transcript<T, +Air<T>>(
    air: @T,
    ref channel: Channel,
    ref scheme: CommitmentSchemeVerifier,
    commitments: Span<felt252>,
    sampled_values: Span<Array<Array<QM31>>>,
    proof_of_work: u64,
    fri_proof: FriProof,
) -> Result<StarkTranscript, felt252> {
    let (composition_coeff, oods_point) = draw_oods_point(air, ref channel, ref scheme, commitments)?;
    let points = sample_points(air, oods_point);
    let (quotient_coeff, fri) = scheme
        .mix_values(points.span(), sampled_values, proof_of_work, fri_proof, ref channel)?;
    Result::Ok(StarkTranscript { composition_coeff, oods_point, quotient_coeff, fri })
}

/// Draws the composition's random coefficient, commits the composition tree (the last of
/// `commitments`) and draws the out-of-domain point.
fn draw_oods_point<T, +Air<T>>(
    air: @T,
    ref channel: Channel,
    ref scheme: CommitmentSchemeVerifier,
    commitments: Span<felt252>,
) -> Result<(QM31, CirclePoint<QM31>), felt252> {
    let max_log_degree_bound = composition_half_bound(air)?;
    let composition_coeff = channel.draw_secure_felt();
    if commitments.len() == 0 {
        return Result::Err(ERR_STRUCTURE);
    }
    let composition_root = *commitments.at(commitments.len() - 1);
    scheme.commit(composition_root, composition_sizes(max_log_degree_bound), ref channel);
    Result::Ok((composition_coeff, random_point(ref channel)))
}

/// The composition tree's columns: 8 (two halves of 4 coordinates) of the half bound.
pub fn composition_sizes(max_log_degree_bound: u32) -> Span<u32> {
    let mut sizes = array![];
    for _ in 0..8_u32 {
        sizes.append(max_log_degree_bound);
    }
    sizes.span()
}

/// Per tree, per column, the points the proof claims values at: the AIR's mask points at the
/// out-of-domain point, then the composition columns at the point itself.
pub fn sample_points<T, +Air<T>>(
    air: @T, oods_point: CirclePoint<QM31>,
) -> Array<Span<Span<CirclePoint<QM31>>>> {
    let max_log_degree_bound = air.composition_log_degree_bound() - COMPOSITION_LOG_SPLIT;
    let mut points = array![];
    for tree in air.mask_points(oods_point, max_log_degree_bound) {
        points.append(tree.span());
    }
    let mut composition = array![];
    for _ in 0..8_u32 {
        composition.append(array![oods_point].span());
    }
    points.append(composition.span());
    points
}

/// The AIR's constraints on the claimed mask values at the out-of-domain point must equal the
/// composition polynomial's claimed value there: left + pi^(max - 1)(x) * right. `points` are
/// `sample_points(air, oods_point)`.
pub fn check_composition<T, +Air<T>>(
    air: @T,
    oods_point: CirclePoint<QM31>,
    composition_coeff: QM31,
    points: Span<Span<Span<CirclePoint<QM31>>>>,
    sampled_values: Span<Array<Array<QM31>>>,
) -> Result<(), felt252> {
    let max_log_degree_bound = composition_half_bound(air)?;
    if !same_shape(sampled_values, points) {
        return Result::Err(ERR_STRUCTURE);
    }
    let last = sampled_values.at(sampled_values.len() - 1).span();
    let mut coords = array![];
    for col in last {
        coords.append(*col.at(0));
    }
    let left = from_partial_evals(coords.span().slice(0, 4));
    let right = from_partial_evals(coords.span().slice(4, 4));
    let mut x = oods_point.x;
    for _ in 1..max_log_degree_bound {
        x = double_x(x);
    }
    let composition = left + x * right;
    let trees = sampled_values.slice(0, sampled_values.len() - 1);
    if composition != air
        .eval_composition_at_point(oods_point, trees, composition_coeff, max_log_degree_bound) {
        return Result::Err(ERR_OODS);
    }
    Result::Ok(())
}

/// A random point of the circle over QM31: ((1 - t^2) / (1 + t^2), 2t / (1 + t^2)).
pub fn random_point(ref channel: Channel) -> CirclePoint<QM31> {
    let t = channel.draw_secure_felt();
    let t2 = t * t;
    let inv = (t2 + QM31Trait::one()).inverse();
    CirclePoint { x: (QM31Trait::one() - t2) * inv, y: (t + t) * inv }
}

/// `sum evals[i] * e_i` for the basis 1, i, u, iu of QM31 over M31.
pub fn from_partial_evals(evals: Span<QM31>) -> QM31 {
    *evals.at(0)
        + *evals.at(1) * qm31(0, 1, 0, 0)
        + *evals.at(2) * qm31(0, 0, 1, 0)
        + *evals.at(3) * qm31(0, 0, 0, 1)
}

/// The polynomial vanishing on the canonic coset of size 2^log_size, at `p`: the x coordinate of
/// p doubled log_size - 1 times.
pub fn canonic_coset_vanishing(log_size: u32, p: CirclePoint<QM31>) -> QM31 {
    let mut x = p.x;
    for _ in 1..log_size {
        x = double_x(x);
    }
    x
}

/// `point` shifted by `offset` rows of the trace domain of size 2^log_size (stwo's
/// `point + CanonicCoset::new(log_size).step().mul_signed(offset)`).
pub fn mask_point(point: CirclePoint<QM31>, log_size: u32, offset: i32) -> CirclePoint<QM31> {
    if offset == 0 {
        return point;
    }
    let step: u64 = crate::bits::pow2(31 - log_size).try_into().unwrap();
    let order: u64 = 0x80000000;
    let index = if offset > 0 {
        let k: u64 = offset.try_into().unwrap();
        (step * k) % order
    } else {
        let k: u64 = (-offset).try_into().unwrap();
        (order - (step * k) % order) % order
    };
    point.add(into_secure(index_to_point(index.try_into().unwrap())))
}

//! The STARK verifier (stwo 2.3.0 `core::verifier::verify`): commits the composition polynomial,
//! draws the out-of-domain point, checks that the AIR's constraints evaluated on the sampled mask
//! values equal the composition polynomial's sampled value, then hands every sample to the
//! commitment scheme. The AIR is a trait: `crates/air-codegen` generates its implementations.

use crate::channel::{Channel, ChannelTrait};
use crate::circle::{CirclePoint, CirclePointTrait, index_to_point, into_secure};
use crate::fields::{QM31, QM31Trait, qm31};
use crate::pcs::{
    CommitmentSchemeProof, CommitmentSchemeVerifier, CommitmentSchemeVerifierTrait, same_shape,
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

/// Verifies `proof` for `air`: the caller has committed the preprocessed, trace and interaction
/// trees (drawing its lookup randomness in between), as the prover did.
pub fn verify<T, +Air<T>>(
    air: @T,
    ref channel: Channel,
    ref scheme: CommitmentSchemeVerifier,
    proof: CommitmentSchemeProof,
) -> Result<(), felt252> {
    let bound = air.composition_log_degree_bound();
    if bound < COMPOSITION_LOG_SPLIT + 1 {
        return Result::Err(ERR_STRUCTURE);
    }
    let max_log_degree_bound = bound - COMPOSITION_LOG_SPLIT;
    let random_coeff = channel.draw_secure_felt();

    let n_trees = proof.commitments.len();
    if n_trees == 0 {
        return Result::Err(ERR_STRUCTURE);
    }
    let composition_root = *proof.commitments.at(n_trees - 1);
    let mut sizes = array![];
    for _ in 0..8_u32 {
        sizes.append(max_log_degree_bound);
    }
    scheme.commit(composition_root, sizes.span(), ref channel);

    let oods_point = random_point(ref channel);
    let mut sample_points = air.mask_points(oods_point, max_log_degree_bound);
    let mut composition_points = array![];
    for _ in 0..8_u32 {
        composition_points.append(array![oods_point].span());
    }
    sample_points.append(composition_points);

    // The composition polynomial's value: left + pi^(max - 1)(x) * right.
    let values = proof.sampled_values.span();
    if values.len() == 0 {
        return Result::Err(ERR_STRUCTURE);
    }
    let last = values.at(values.len() - 1).span();
    if last.len() != 8 {
        return Result::Err(ERR_STRUCTURE);
    }
    let mut coords = array![];
    for col in last {
        if col.len() != 1 {
            return Result::Err(ERR_STRUCTURE);
        }
        coords.append(*col.at(0));
    }
    let left = from_partial_evals(coords.span().slice(0, 4));
    let right = from_partial_evals(coords.span().slice(4, 4));
    let mut x = oods_point.x;
    for _ in 1..max_log_degree_bound {
        x = double_x(x);
    }
    let composition = left + x * right;

    // The mask values must have the shape of the mask points before the AIR reads them.
    let mut points = array![];
    for tree in sample_points {
        points.append(tree.span());
    }
    if !same_shape(values, points.span()) {
        return Result::Err(ERR_STRUCTURE);
    }
    let trees = values.slice(0, values.len() - 1);
    if composition != air
        .eval_composition_at_point(oods_point, trees, random_coeff, max_log_degree_bound) {
        return Result::Err(ERR_OODS);
    }
    scheme.verify_values(points.span(), proof, ref channel)
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

//! The FRI verifier (stwo 2.3.0 `core::fri::FriVerifier`): the commit phase replays the layer
//! roots and folding randomness through the channel; the decommit phase checks, at the sampled
//! queries, every layer's Merkle decommitment and that each layer folds into the next, down to
//! the last layer's polynomial. Proof layout is stwo-cairo-serialize's (`Serde` here).

use crate::channel::{Channel, ChannelTrait};
use crate::fields::{M31, QM31, QM31Trait};
use crate::fri::{
    Coset, CosetTrait, bit_reverse_index, circle_domain_index_at, fold_circle_into_line, fold_coset,
};
use crate::poly::eval_line_poly;
use crate::{merkle, queries};

/// Leaves hold 2^LOG_PACKED_LEAF_SIZE consecutive values when layers fold more than once.
pub const LOG_PACKED_LEAF_SIZE: u32 = 2;

// Errors, one per stwo `FriVerificationError` variant.
pub const ERR_LAYER_COUNT: felt252 = 'fri: invalid number of layers';
pub const ERR_FIRST_EVALS: felt252 = 'fri: first layer evaluations';
pub const ERR_FIRST_COMMITMENT: felt252 = 'fri: first layer commitment';
pub const ERR_INNER_EVALS: felt252 = 'fri: inner layer evaluations';
pub const ERR_INNER_COMMITMENT: felt252 = 'fri: inner layer commitment';
pub const ERR_LAST_DEGREE: felt252 = 'fri: last layer degree';
pub const ERR_LAST_EVALS: felt252 = 'fri: last layer evaluations';
pub const ERR_LAYER_RANGE: felt252 = 'fri: layer range';

#[derive(Copy, Drop, Debug, PartialEq, Serde)]
pub struct FriConfig {
    pub log_blowup_factor: u32,
    pub log_last_layer_degree_bound: u32,
    pub n_queries: u32,
    pub fold_step: u32,
}

#[derive(Drop, Debug, Serde)]
pub struct FriLayerProof {
    /// Values of the decommitted subsets that are not query values, in position order.
    pub fri_witness: Array<QM31>,
    /// Merkle sibling hashes.
    pub decommitment: Array<felt252>,
    pub commitment: felt252,
}

/// Coefficients in bit-reversed order, then log2 of their count.
#[derive(Drop, Debug, Serde)]
pub struct LinePoly {
    pub coeffs: Array<QM31>,
    pub log_size: u32,
}

#[derive(Drop, Debug, Serde)]
pub struct FriProof {
    pub first_layer: FriLayerProof,
    pub inner_layers: Array<FriLayerProof>,
    pub last_layer_poly: LinePoly,
}

#[derive(Drop)]
struct InnerLayer {
    /// The line domain's coset.
    coset: Coset,
    alpha: QM31,
    fold_step: u32,
    proof: FriLayerProof,
}

#[derive(Drop)]
pub struct FriVerifier {
    config: FriConfig,
    /// The first layer is a circle evaluation on the canonic domain of this log size.
    first_log_size: u32,
    first_alpha: QM31,
    first_layer: FriLayerProof,
    inner_layers: Array<InnerLayer>,
    last_coset: Coset,
    last_coeffs: Span<QM31>,
    queries: Option<Span<u32>>,
}

#[generate_trait]
pub impl FriVerifierImpl of FriVerifierTrait {
    /// The commit phase for a circle polynomial of degree < 2^column_log_degree_bound: mixes
    /// each layer's root and draws its folding randomness, then mixes the last layer polynomial.
    fn commit(
        ref channel: Channel, config: FriConfig, proof: FriProof, column_log_degree_bound: u32,
    ) -> Result<FriVerifier, felt252> {
        channel.mix_root(proof.first_layer.commitment);
        let mut alphas = array![channel.draw_secure_felt()];
        for layer in proof.inner_layers.span() {
            channel.mix_root(*layer.commitment);
            alphas.append(channel.draw_secure_felt());
        }
        let verifier = Self::build(config, proof, column_log_degree_bound, alphas.span())?;
        channel.mix_felts(verifier.last_coeffs);
        Result::Ok(verifier)
    }

    /// The verifier after the commit phase, from the folding randomness `commit` drew (first
    /// layer, then each inner layer): checks the proof's layer structure.
    fn build(
        config: FriConfig, proof: FriProof, column_log_degree_bound: u32, alphas: Span<QM31>,
    ) -> Result<FriVerifier, felt252> {
        let FriProof { first_layer, inner_layers, last_layer_poly } = proof;
        let n_inner = inner_layers.len();
        if alphas.len() != n_inner + 1 || column_log_degree_bound < config.fold_step {
            return Result::Err(ERR_LAYER_COUNT);
        }
        let first_alpha = *alphas.at(0);
        let mut bound = column_log_degree_bound - config.fold_step;
        let mut coset = CosetTrait::half_odds(bound + config.log_blowup_factor);
        let mut layers = array![];
        for proof in inner_layers {
            let fold_step = if layers.len() + 1 < n_inner {
                config.fold_step
            } else {
                // The last inner layer folds exactly down to the last layer's bound.
                if bound < config.log_last_layer_degree_bound {
                    return Result::Err(ERR_LAYER_COUNT);
                }
                let rest = bound - config.log_last_layer_degree_bound;
                if rest < 1 || rest > config.fold_step {
                    return Result::Err(ERR_LAYER_COUNT);
                }
                rest
            };
            if bound < fold_step {
                return Result::Err(ERR_LAYER_COUNT);
            }
            let alpha = *alphas.at(layers.len() + 1);
            layers.append(InnerLayer { coset, alpha, fold_step, proof });
            bound -= fold_step;
            coset = coset.repeated_double(fold_step);
        }
        if bound != config.log_last_layer_degree_bound {
            return Result::Err(ERR_LAYER_COUNT);
        }

        let LinePoly { coeffs, log_size } = last_layer_poly;
        if log_size > config.log_last_layer_degree_bound
            || coeffs.len().into() != crate::bits::pow2(log_size) {
            return Result::Err(ERR_LAST_DEGREE);
        }

        Result::Ok(
            FriVerifier {
                config,
                first_log_size: column_log_degree_bound + config.log_blowup_factor,
                first_alpha,
                first_layer,
                inner_layers: layers,
                last_coset: coset,
                last_coeffs: coeffs.span(),
                queries: Option::None,
            },
        )
    }

    /// The folding randomness, first layer then inner layers (what `build` takes).
    fn alphas(self: @FriVerifier) -> Array<QM31> {
        let mut alphas = array![*self.first_alpha];
        for layer in self.inner_layers.span() {
            alphas.append(*layer.alpha);
        }
        alphas
    }

    /// The query positions drawn (empty before `sample_query_positions`).
    fn queries(self: @FriVerifier) -> Span<u32> {
        match *self.queries {
            Option::Some(q) => q,
            Option::None => array![].span(),
        }
    }

    /// Sets the query positions `sample_query_positions` drew earlier.
    fn set_queries(ref self: FriVerifier, positions: Span<u32>) {
        self.queries = Option::Some(positions);
    }

    /// Draws the query positions on the first layer's domain (sorted, deduplicated): the PCS
    /// opens its columns at these.
    fn sample_query_positions(ref self: FriVerifier, ref channel: Channel) -> Span<u32> {
        let raw = queries::draw_queries(ref channel, self.first_log_size, self.config.n_queries);
        let positions = queries::sorted_unique(raw.span()).span();
        self.queries = Option::Some(positions);
        positions
    }

    /// The decommit phase, given the first layer's values at the sampled positions.
    fn decommit(self: FriVerifier, first_layer_query_evals: Span<QM31>) -> Result<(), felt252> {
        let layers = self.inner_layers.len() + 1;
        let _ = self.decommit_layers(0, layers, first_layer_query_evals)?;
        Result::Ok(())
    }

    /// Layers `first .. first + count` of the decommit phase (0 the first layer, then the inner
    /// ones), given the values at layer `first`'s query positions; a range that ends with the
    /// last inner layer checks the last layer's polynomial too and returns `None`, any other the
    /// values layer `first + count` must hold at its positions. Only the range's layers'
    /// witnesses and decommitments are read.
    fn decommit_layers(
        self: FriVerifier, first: u32, count: u32, query_evals: Span<QM31>,
    ) -> Result<Option<Array<QM31>>, felt252> {
        let FriVerifier {
            config, first_log_size, first_alpha, first_layer, inner_layers, last_coset, last_coeffs,
            queries,
        } = self;
        let n_inner = inner_layers.len();
        let end = first + count;
        if count == 0 || end > n_inner + 1 {
            return Result::Err(ERR_LAYER_RANGE);
        }
        let mut positions = queries.expect('fri: queries not sampled');
        let fold_step = config.fold_step;
        let mut evals = array![];
        evals.append_span(query_evals);

        // First layer: circle evaluation, folded into a line then fold_step - 1 more times.
        if first == 0 {
            let subsets = match open_layer(
                @first_layer, positions, evals.span(), first_log_size, fold_step,
            ) {
                Result::Ok(subsets) => subsets,
                Result::Err(LayerError::Evaluations) => { return Result::Err(ERR_FIRST_EVALS); },
                Result::Err(LayerError::Commitment) => {
                    return Result::Err(ERR_FIRST_COMMITMENT);
                },
            };
            let half = CosetTrait::half_odds(first_log_size - 1);
            evals = array![];
            for subset in subsets {
                let initial = circle_domain_index_at(@half, subset.initial_index);
                let fold_half = CosetTrait::new(initial, fold_step - 1);
                let line = fold_circle_into_line(subset.values, @fold_half, first_alpha);
                evals
                    .append(
                        if fold_step == 1 {
                            *line.at(0)
                        } else {
                            fold_coset(line.span(), fold_half, first_alpha * first_alpha)
                        },
                    );
            }
        }
        positions = queries::fold(positions, fold_step).span();

        // Inner layers: line evaluations folded fold_step times each; those before the range
        // only fold the positions.
        let mut i = 1;
        for layer in inner_layers.span() {
            if i >= end {
                break;
            }
            if i >= first {
                let subsets = match open_layer(
                    layer.proof, positions, evals.span(), *layer.coset.log_size, *layer.fold_step,
                ) {
                    Result::Ok(subsets) => subsets,
                    Result::Err(LayerError::Evaluations) => {
                        return Result::Err(ERR_INNER_EVALS);
                    },
                    Result::Err(LayerError::Commitment) => {
                        return Result::Err(ERR_INNER_COMMITMENT);
                    },
                };
                evals = array![];
                for subset in subsets {
                    let initial = layer.coset.index_at(subset.initial_index);
                    evals
                        .append(
                            fold_coset(
                                subset.values,
                                CosetTrait::new(initial, *layer.fold_step),
                                *layer.alpha,
                            ),
                        );
                }
            }
            positions = queries::fold(positions, *layer.fold_step).span();
            i += 1;
        }
        if end <= n_inner {
            return Result::Ok(Option::Some(evals));
        }

        // Last layer: each folded value is the last layer polynomial at its point.
        for i in 0..positions.len() {
            let index = bit_reverse_index(*positions.at(i), last_coset.log_size);
            let x: M31 = last_coset.at(index).x;
            if eval_line_poly(last_coeffs, QM31Trait::from_m31(x)) != *evals.at(i) {
                return Result::Err(ERR_LAST_EVALS);
            }
        }
        Result::Ok(Option::None)
    }
}

/// The 2^fold_step values around a group of queries: the group's first position, and its
/// bit-reversed domain index.
#[derive(Drop)]
struct Subset {
    values: Span<QM31>,
    start: u32,
    initial_index: u32,
}

#[derive(Drop)]
enum LayerError {
    Evaluations,
    Commitment,
}

/// Rebuilds the subsets at `positions` (sorted, unique, on a domain of 2^log_size) from the query
/// values and the layer's witness, and checks them against the layer's Merkle root.
fn open_layer(
    proof: @FriLayerProof,
    positions: Span<u32>,
    query_evals: Span<QM31>,
    log_size: u32,
    fold_step: u32,
) -> Result<Array<Subset>, LayerError> {
    let size: u32 = crate::bits::pow2(fold_step).try_into().unwrap();
    let mut witness = proof.fri_witness.span();
    let mut evals = query_evals;
    let mut subsets = array![];
    let mut i = 0;
    while i < positions.len() {
        let start = (*positions.at(i) / size) * size;
        let mut values = array![];
        for k in 0..size {
            let take_query = i < positions.len() && *positions.at(i) == start + k;
            let next = if take_query {
                i += 1;
                evals.pop_front()
            } else {
                witness.pop_front()
            };
            match next {
                Option::Some(v) => values.append(*v),
                Option::None => { return Result::Err(LayerError::Evaluations); },
            }
        }
        subsets
            .append(
                Subset {
                    values: values.span(), start, initial_index: bit_reverse_index(start, log_size),
                },
            );
    }
    if !witness.is_empty() || !evals.is_empty() {
        return Result::Err(LayerError::Evaluations);
    }

    // Merkle leaves: one value each, or 2^LOG_PACKED_LEAF_SIZE consecutive ones when packed.
    let leaf_log = if log_size >= LOG_PACKED_LEAF_SIZE && fold_step > 1 {
        LOG_PACKED_LEAF_SIZE
    } else {
        0
    };
    let leaf: u32 = crate::bits::pow2(leaf_log).try_into().unwrap();
    let mut leaf_positions = array![];
    let mut rows: Array<Span<M31>> = array![];
    for subset in subsets.span() {
        let values = *subset.values;
        let mut k = 0;
        while k < size {
            leaf_positions.append((*subset.start + k) / leaf);
            let mut row = array![];
            for j in 0..leaf {
                let [a, b, c, d] = (*values.at(k + j)).to_m31_array();
                row.append(a);
                row.append(b);
                row.append(c);
                row.append(d);
            }
            rows.append(row.span());
            k += leaf;
        }
    }
    match merkle::verify(
        *proof.commitment,
        log_size - leaf_log,
        leaf_positions.span(),
        rows.span(),
        proof.decommitment.span(),
    ) {
        Result::Ok(()) => Result::Ok(subsets),
        Result::Err(_) => Result::Err(LayerError::Commitment),
    }
}

//! The verifier of stwo's polynomial commitment scheme (stwo 2.3.0 `core::pcs`): Merkle trees of
//! columns (lifted to one domain), values claimed at out-of-domain points, and one FRI proof that
//! the quotients `(column - claimed line) / vanishing` are all low-degree. Proof layout is
//! stwo-cairo-serialize's (`Serde` here).

use crate::channel::{Channel, ChannelTrait};
use crate::circle::{CirclePoint, CirclePointTrait, index_to_point, into_secure};
use crate::fields::{CM31, CM31Trait, M31, QM31, QM31Trait, m31_from_felt};
use crate::fri::{CosetTrait, bit_reverse_index, circle_domain_at};
use crate::fri_verifier::{FriConfig, FriProof, FriVerifier, FriVerifierTrait};
use crate::merkle;
use crate::packed;
use crate::queries::sorted_unique;

pub const ERR_SHAPE: felt252 = 'pcs: proof shape';
pub const ERR_CONFIG: felt252 = 'pcs: config mismatch';
pub const ERR_POW: felt252 = 'pcs: proof of work';
pub const ERR_DUPLICATE: felt252 = 'pcs: duplicate query differs';

#[derive(Copy, Drop, Debug, PartialEq, Serde)]
pub struct PcsConfig {
    pub pow_bits: u32,
    pub fri_config: FriConfig,
}

/// Per tree, per column: the values at the column's sample points; the columns' values at the
/// query positions; each tree's Merkle siblings.
#[derive(Drop, Debug)]
pub struct CommitmentSchemeProof {
    pub config: PcsConfig,
    pub commitments: Array<felt252>,
    pub sampled_values: Array<Array<Array<QM31>>>,
    pub decommitments: Array<Array<felt252>>,
    pub queried_values: Array<Array<Array<M31>>>,
    pub proof_of_work: u64,
    pub fri_proof: FriProof,
}

/// stwo-cairo-serialize's layout, except the claimed and the queried values: packed (`packed`).
pub impl CommitmentSchemeProofSerde of Serde<CommitmentSchemeProof> {
    fn serialize(self: @CommitmentSchemeProof, ref output: Array<felt252>) {
        self.config.serialize(ref output);
        self.commitments.serialize(ref output);
        packed::write_sampled(self.sampled_values, ref output);
        self.decommitments.serialize(ref output);
        packed::write_trees(self.queried_values, ref output);
        self.proof_of_work.serialize(ref output);
        self.fri_proof.serialize(ref output);
    }

    fn deserialize(ref serialized: Span<felt252>) -> Option<CommitmentSchemeProof> {
        Option::Some(
            CommitmentSchemeProof {
                config: Serde::deserialize(ref serialized)?,
                commitments: Serde::deserialize(ref serialized)?,
                sampled_values: packed::read_sampled(ref serialized)?,
                decommitments: Serde::deserialize(ref serialized)?,
                queried_values: packed::read_trees(ref serialized)?,
                proof_of_work: Serde::deserialize(ref serialized)?,
                fri_proof: Serde::deserialize(ref serialized)?,
            },
        )
    }
}

#[derive(Drop, Copy)]
struct Tree {
    root: felt252,
    /// Column log sizes on the evaluation domain (trace log size + log blowup).
    log_sizes: Span<u32>,
    height: u32,
}

#[derive(Drop)]
pub struct CommitmentSchemeVerifier {
    pub config: PcsConfig,
    trees: Array<Tree>,
}

/// One claimed value of a flattened column, with its power of the random coefficient.
#[derive(Drop, Copy)]
struct Sample {
    point: CirclePoint<QM31>,
    column: u32,
    value: QM31,
    coeff: QM31,
}

/// The samples at one point: per column its index and the coordinates of its line coefficient
/// `c` (felts, for lazy sums), and the sums of the columns' `a` and `b` (they do not depend on
/// the column's value).
#[derive(Drop)]
struct Batch {
    point: CirclePoint<QM31>,
    /// conj(y) - y of the point: each column's coefficient is d k, applied once per row.
    d: QM31,
    /// Per column, its sample's coefficient k (coordinates).
    columns: Span<(u32, felt252, felt252, felt252, felt252)>,
    a_sum: QM31,
    b_sum: QM31,
}

#[generate_trait]
pub impl CommitmentSchemeVerifierImpl of CommitmentSchemeVerifierTrait {
    fn new(config: PcsConfig) -> CommitmentSchemeVerifier {
        CommitmentSchemeVerifier { config, trees: array![] }
    }

    /// Records a tree of columns of these (trace) log sizes and mixes its root into the channel.
    fn commit(
        ref self: CommitmentSchemeVerifier, root: felt252, log_sizes: Span<u32>,
        ref channel: Channel,
    ) {
        channel.mix_root(root);
        self.add_tree(root, log_sizes);
    }

    /// Records a tree whose root the channel has already seen (a later verification stage).
    fn add_tree(ref self: CommitmentSchemeVerifier, root: felt252, log_sizes: Span<u32>) {
        let blowup = self.config.fri_config.log_blowup_factor;
        let mut extended = array![];
        let mut height = 0;
        for s in log_sizes {
            let e = *s + blowup;
            extended.append(e);
            if e > height {
                height = e;
            }
        }
        self.trees.append(Tree { root, log_sizes: extended.span(), height });
    }

    /// Checks the proof's values at `sampled_points` (per tree, per column, the points where the
    /// proof claims values) against the committed trees.
    fn verify_values(
        self: @CommitmentSchemeVerifier,
        sampled_points: Span<Span<Span<CirclePoint<QM31>>>>,
        proof: CommitmentSchemeProof,
        ref channel: Channel,
    ) -> Result<(), felt252> {
        let CommitmentSchemeProof {
            config, commitments: _, sampled_values, decommitments, queried_values, proof_of_work,
            fri_proof,
        } = proof;
        if config != *self.config {
            return Result::Err(ERR_CONFIG);
        }
        let sampled_values = sampled_values.span();
        let (random_coeff, fri) = self
            .mix_values(sampled_points, sampled_values, proof_of_work, fri_proof, ref channel)?;
        self
            .check_values(
                sampled_points,
                sampled_values,
                queried_values.span(),
                decommitments.span(),
                random_coeff,
                fri,
            )
    }

    /// What follows the transcript: each tree opened at the query positions, the quotients
    /// there, and FRI's decommitment of them.
    fn check_values(
        self: @CommitmentSchemeVerifier,
        sampled_points: Span<Span<Span<CirclePoint<QM31>>>>,
        sampled_values: Span<Array<Array<QM31>>>,
        queried_values: Span<Array<Array<M31>>>,
        decommitments: Span<Array<felt252>>,
        random_coeff: QM31,
        fri: FriVerifier,
    ) -> Result<(), felt252> {
        let positions = fri.queries();
        if decommitments.len() != self.trees.len() || queried_values.len() != self.trees.len() {
            return Result::Err(ERR_SHAPE);
        }
        for t in 0..self.trees.len() {
            self.open(t, positions, queried_values.at(t).span(), decommitments.at(t).span())?;
        }
        let answers = self
            .quotients(
                sampled_points,
                sampled_values,
                queried_values,
                random_coeff,
                positions,
                0,
                positions.len(),
            )?;
        fri.decommit(answers.span())
    }

    /// The transcript part of `verify_values`: mixes the claimed values, draws the quotients'
    /// random coefficient, runs FRI's commit phase, checks the proof of work and draws the query
    /// positions (set in the returned FRI verifier).
    fn mix_values(
        self: @CommitmentSchemeVerifier,
        sampled_points: Span<Span<Span<CirclePoint<QM31>>>>,
        sampled_values: Span<Array<Array<QM31>>>,
        proof_of_work: u64,
        fri_proof: FriProof,
        ref channel: Channel,
    ) -> Result<(QM31, FriVerifier), felt252> {
        let trees = self.trees.span();
        let n_trees = trees.len();
        if n_trees == 0 || sampled_values.len() != n_trees || sampled_points.len() != n_trees {
            return Result::Err(ERR_SHAPE);
        }
        if !same_shape(sampled_values, sampled_points) {
            return Result::Err(ERR_SHAPE);
        }
        // The claimed values, flattened in channel order.
        let mut flat_values = array![];
        for t in 0..n_trees {
            if (*sampled_points.at(t)).len() != (*trees.at(t).log_sizes).len() {
                return Result::Err(ERR_SHAPE);
            }
            for column in sampled_values.at(t) {
                for v in column.span() {
                    flat_values.append(*v);
                }
            }
        }
        channel.mix_felts(flat_values.span());
        let random_coeff = channel.draw_secure_felt();
        let mut fri = FriVerifierTrait::commit(
            ref channel, *self.config.fri_config, fri_proof, self.fri_log_degree_bound()?,
        )?;
        if !channel.verify_pow_nonce(*self.config.pow_bits, proof_of_work) {
            return Result::Err(ERR_POW);
        }
        channel.mix_u64(proof_of_work);
        fri.sample_query_positions(ref channel);
        Result::Ok((random_coeff, fri))
    }

    /// The degree bound of FRI's first layer: the lifting domain's size before blowup.
    fn fri_log_degree_bound(self: @CommitmentSchemeVerifier) -> Result<u32, felt252> {
        let n_trees = self.trees.len();
        if n_trees == 0 {
            return Result::Err(ERR_SHAPE);
        }
        let lifting_log_size = *self.trees.at(n_trees - 1).height;
        let blowup = *self.config.fri_config.log_blowup_factor;
        if lifting_log_size < blowup {
            return Result::Err(ERR_SHAPE);
        }
        Result::Ok(lifting_log_size - blowup)
    }

    /// Opens tree `t`'s columns at the query positions (the preprocessed tree at its own):
    /// `values` per column, one per query; `witness` the Merkle siblings.
    fn open(
        self: @CommitmentSchemeVerifier,
        t: u32,
        positions: Span<u32>,
        values: Span<Array<M31>>,
        witness: Span<felt252>,
    ) -> Result<(), felt252> {
        let leaves = self.tree_leaves(t, values, positions.len())?;
        self.open_leaves(t, positions, leaves.span(), witness)
    }

    /// The leaf hashes of tree `t`'s rows at `count` queries (`values` per column, one per
    /// query): what `open_leaves` checks.
    fn tree_leaves(
        self: @CommitmentSchemeVerifier, t: u32, values: Span<Array<M31>>, count: u32,
    ) -> Result<Array<felt252>, felt252> {
        let trees = self.trees.span();
        if t >= trees.len() {
            return Result::Err(ERR_SHAPE);
        }
        let tree = *trees.at(t);
        check_columns(tree, values, count)?;
        let order = sort_by_key(tree.log_sizes);
        let mut leaves = array![];
        for q in 0..count {
            let mut row = array![];
            for c in order {
                row.append(*values.at(*c).at(q));
            }
            leaves.append(merkle::hash_leaf(row.span()));
        }
        Result::Ok(leaves)
    }

    /// Tree `t`'s decommitment at the query positions, given each query's leaf hash (in query
    /// order; queries at one tree position must have equal leaves).
    fn open_leaves(
        self: @CommitmentSchemeVerifier,
        t: u32,
        positions: Span<u32>,
        leaves: Span<felt252>,
        witness: Span<felt252>,
    ) -> Result<(), felt252> {
        let trees = self.trees.span();
        if t >= trees.len() || leaves.len() != positions.len() {
            return Result::Err(ERR_SHAPE);
        }
        let tree = *trees.at(t);
        if tree.height == 0 {
            return Result::Ok(());
        }
        let tree_positions = if t == 0 {
            let lifting_log_size = *trees.at(trees.len() - 1).height;
            preprocessed_positions(positions, lifting_log_size, tree.height)
        } else {
            positions
        };
        let by_position = sort_by_key(tree_positions);
        let mut unique = array![];
        let mut unique_leaves = array![];
        let mut prev: Option<u32> = Option::None;
        for q in by_position {
            let pos = *tree_positions.at(*q);
            if let Option::Some(p) = prev {
                if pos == *tree_positions.at(p) {
                    if *leaves.at(*q) != *leaves.at(p) {
                        return Result::Err(ERR_DUPLICATE);
                    }
                    continue;
                }
            }
            prev = Option::Some(*q);
            unique.append(pos);
            unique_leaves.append(*leaves.at(*q));
        }
        merkle::verify_leaves(tree.root, tree.height, unique.span(), unique_leaves.span(), witness)
    }

    /// What FRI's first layer must hold at queries `first .. first + count`: each row's
    /// quotients `(column - claimed line) / vanishing`, combined with powers of `random_coeff`.
    /// `queried_values` are those queries' values only (per tree, per column, `count` values).
    fn quotients(
        self: @CommitmentSchemeVerifier,
        sampled_points: Span<Span<Span<CirclePoint<QM31>>>>,
        sampled_values: Span<Array<Array<QM31>>>,
        queried_values: Span<Array<Array<M31>>>,
        random_coeff: QM31,
        positions: Span<u32>,
        first: u32,
        count: u32,
    ) -> Result<Array<QM31>, felt252> {
        let trees = self.trees.span();
        let n_trees = trees.len();
        if n_trees == 0 || queried_values.len() != n_trees || sampled_values.len() != n_trees
            || sampled_points.len() != n_trees || !same_shape(sampled_values, sampled_points)
            || first + count > positions.len() {
            return Result::Err(ERR_SHAPE);
        }
        let mut columns: Array<Span<M31>> = array![];
        for t in 0..n_trees {
            if (*sampled_points.at(t)).len() != (*trees.at(t).log_sizes).len() {
                return Result::Err(ERR_SHAPE);
            }
            let values = queried_values.at(t).span();
            check_columns(*trees.at(t), values, count)?;
            for col in values {
                columns.append(col.span());
            }
        }
        let lifting_log_size = *trees.at(n_trees - 1).height;
        let batches = sample_batches(
            trees, sampled_points, sampled_values, lifting_log_size, random_coeff,
        );
        let half = CosetTrait::half_odds(lifting_log_size - 1);
        let mut answers = array![];
        for row in 0..count {
            let domain_point = circle_domain_at(
                @half, bit_reverse_index(*positions.at(first + row), lifting_log_size),
            );
            answers.append(row_quotient(batches.span(), columns.span(), row, domain_point));
        }
        Result::Ok(answers)
    }
}

/// One column of values per committed column, one value per query.
fn check_columns(tree: Tree, values: Span<Array<M31>>, n_queries: u32) -> Result<(), felt252> {
    if values.len() != tree.log_sizes.len() {
        return Result::Err(ERR_SHAPE);
    }
    for col in values {
        if col.len() != n_queries {
            return Result::Err(ERR_SHAPE);
        }
    }
    Result::Ok(())
}

/// Whether there is one claimed value per sample point: per tree, per column.
pub fn same_shape(
    values: Span<Array<Array<QM31>>>, points: Span<Span<Span<CirclePoint<QM31>>>>,
) -> bool {
    if values.len() != points.len() {
        return false;
    }
    for t in 0..values.len() {
        let tree_values = values.at(t);
        let tree_points = *points.at(t);
        if tree_values.len() != tree_points.len() {
            return false;
        }
        for c in 0..tree_values.len() {
            if tree_values.at(c).len() != (*tree_points.at(c)).len() {
                return false;
            }
        }
    }
    true
}

/// The preprocessed tree's positions for the lifted query positions (stwo's
/// `prepare_preprocessed_query_positions`): may repeat.
fn preprocessed_positions(positions: Span<u32>, lifting: u32, pp_height: u32) -> Span<u32> {
    if pp_height == 0 {
        return array![].span();
    }
    let mut out = array![];
    for p in positions {
        let p = *p;
        let low = p % 2;
        let q = if lifting < pp_height {
            (p / 2) * pow2(pp_height - lifting + 1)
        } else {
            (p / pow2(lifting - pp_height + 1)) * 2
        };
        out.append(q + low);
    }
    out.span()
}

/// Indices of `keys` stably sorted by key. Keys come in runs (a component's columns share a
/// log size, consecutive samples mostly a point): one sweep over the runs per distinct key.
fn sort_by_key(keys: Span<u32>) -> Span<u32> {
    let mut runs: Array<(u32, u32, u32)> = array![];
    let mut start = 0;
    for i in 1..keys.len() + 1 {
        if i == keys.len() || *keys.at(i) != *keys.at(start) {
            runs.append((*keys.at(start), start, i));
            start = i;
        }
    }
    let mut sorted: Array<u32> = array![];
    for key in sorted_unique(keys) {
        for run in runs.span() {
            let (k, first, end) = *run;
            if k == key {
                for i in first..end {
                    sorted.append(i);
                }
            }
        }
    }
    sorted.span()
}

/// Samples grouped by point in first-seen order (stwo's `ColumnSampleBatch::new_vec`), with
/// powers of `random_coeff` in flattened column order; a column sampled at two points also gets
/// the second point shifted by its lifting period.
fn sample_batches(
    trees: Span<Tree>,
    sampled_points: Span<Span<Span<CirclePoint<QM31>>>>,
    sampled_values: Span<Array<Array<QM31>>>,
    lifting_log_size: u32,
    random_coeff: QM31,
) -> Array<Batch> {
    let mut samples: Array<Sample> = array![];
    let mut coeff = QM31Trait::one();
    let mut column = 0;
    // The last shifted point and what it came from: a component's columns share both.
    let mut shifted: Option<(CirclePoint<QM31>, u32, CirclePoint<QM31>)> = Option::None;
    for t in 0..trees.len() {
        let sizes = *trees.at(t).log_sizes;
        let points = *sampled_points.at(t);
        let values = sampled_values.at(t);
        for c in 0..points.len() {
            let ps = *points.at(c);
            let vs = values.at(c).span();
            if ps.len() == 2 {
                let (p, size) = (*ps.at(1), *sizes.at(c));
                let mut point = p;
                let mut reused = false;
                if let Option::Some((q, s, r)) = shifted {
                    if s == size && q == p {
                        point = r;
                        reused = true;
                    }
                }
                if !reused {
                    point = p.add(into_secure(period_generator(lifting_log_size, size)));
                    shifted = Option::Some((p, size, point));
                }
                samples.append(Sample { point, column, value: *vs.at(1), coeff });
                coeff = coeff * random_coeff;
            }
            for i in 0..ps.len() {
                samples.append(Sample { point: *ps.at(i), column, value: *vs.at(i), coeff });
                coeff = coeff * random_coeff;
            }
            column += 1;
        }
    }

    // Each sample's batch: the index of its point among the distinct points, first-seen order
    // (a handful of points, and consecutive samples mostly share one).
    let samples = samples.span();
    let mut points: Array<CirclePoint<QM31>> = array![];
    let mut batch_of: Array<u32> = array![];
    let mut last: u32 = 0;
    for s in samples {
        let point = *s.point;
        if points.len() > 0 && *points.at(last) == point {
            batch_of.append(last);
            continue;
        }
        let mut found = points.len();
        for i in 0..points.len() {
            if *points.at(i) == point {
                found = i;
                break;
            }
        }
        if found == points.len() {
            points.append(point);
        }
        last = found;
        batch_of.append(found);
    }

    // Per batch, with d = conj(y) - y of its point and k each sample's coefficient: c = k d per
    // column (row_quotient applies d to the row's sum); a_sum = sum k (conj(v) - v);
    // b_sum = sum k (v d - (conj(v) - v) y) = d sum k v - y a_sum (stwo's
    // `complex_conjugate_line_coeffs`, summed).
    let mut batches = array![];
    let mut order = sort_by_key(batch_of.span());
    for b in 0..points.len() {
        let point = *points.at(b);
        let d = point.y.complex_conjugate() - point.y;
        let mut columns = array![];
        let (mut kv, mut k_conj_v) = (QM31Trait::zero(), QM31Trait::zero());
        while let Option::Some(i) = order.get(0) {
            let i = *i.unbox();
            if *batch_of.at(i) != b {
                break;
            }
            order = order.slice(1, order.len() - 1);
            let s = samples.at(i);
            let k = *s.coeff;
            kv = kv + k * *s.value;
            k_conj_v = k_conj_v + k * (*s.value).complex_conjugate();
            columns.append((*s.column, k.a.a.v.into(), k.a.b.v.into(), k.b.a.v.into(), k.b.b.v.into()));
        }
        let a_sum = k_conj_v - kv;
        let b_sum = d * kv - point.y * a_sum;
        batches.append(Batch { point, d, columns: columns.span(), a_sum, b_sum });
    }
    batches
}

/// The generator of the lifting domain doubled `log_size` times: a column of that size repeats
/// with this period on the lifted domain.
fn period_generator(lifting_log_size: u32, log_size: u32) -> CirclePoint<M31> {
    let shift = 31 - lifting_log_size + log_size;
    if shift >= 31 {
        return index_to_point(0);
    }
    index_to_point(pow2(shift))
}

/// Sum over batches of (sum of c * value - (a * y + b)) / vanishing(point, domain point).
fn row_quotient(
    batches: Span<Batch>, columns: Span<Span<M31>>, row: u32, domain_point: CirclePoint<M31>,
) -> QM31 {
    let mut acc = QM31Trait::zero();
    for batch in batches {
        let p = *batch.point;
        // (Re(p.x) - x) Im(p.y) - (Re(p.y) - y) Im(p.x), a CM31.
        let dx = CM31 { a: p.x.a.a - domain_point.x, b: p.x.a.b };
        let dy = CM31 { a: p.y.a.a - domain_point.y, b: p.y.a.b };
        let denominator = dx * p.y.b - dy * p.x.b;
        // sum k * value coordinate-wise in felt252: ~2^62 per product, reduced once; times d.
        let (mut s0, mut s1, mut s2, mut s3) = (0, 0, 0, 0);
        for entry in *batch.columns {
            let (column, k0, k1, k2, k3) = *entry;
            let value: felt252 = (*(*columns.at(column)).at(row)).v.into();
            s0 += k0 * value;
            s1 += k1 * value;
            s2 += k2 * value;
            s3 += k3 * value;
        }
        let c_value = *batch.d
            * QM31 {
                a: CM31 { a: m31_from_felt(s0), b: m31_from_felt(s1) },
                b: CM31 { a: m31_from_felt(s2), b: m31_from_felt(s3) },
            };
        let numerator = c_value - ((*batch.a_sum).mul_m31(domain_point.y) + *batch.b_sum);
        acc = acc + numerator.mul_cm31(denominator.inverse());
    }
    acc
}

fn pow2(n: u32) -> u32 {
    crate::bits::pow2(n).try_into().unwrap()
}

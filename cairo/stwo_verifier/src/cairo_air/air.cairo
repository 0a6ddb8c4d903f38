//! The Cairo AIR of a claim, for the STARK step: the components present in the claim (each
//! a generated constraint function from `components`), their trees' column sizes, their mask
//! points and the composition value at the out-of-domain point.

use crate::bits::pow2_u64;
use crate::circle::CirclePoint;
use crate::fields::{QM31, QM31Trait, m31};
use crate::queries::sorted_unique;
use crate::stark::{Air, canonic_coset_vanishing, mask_point};
use super::claim::{CairoClaim, InteractionClaim, SlotKind};
use crate::constraints::{evaluate_constraints, program_inputs};
use super::components::{component_data, preprocessed_log_sizes, program, seq_column};
use super::layout;
use super::lookup::LookupElements;

/// A column of the preprocessed trace a component reads.
#[derive(Drop, Copy, Debug)]
pub enum PreprocessedColumn {
    /// This column of the tree.
    Fixed: u32,
    /// `seq_<log size>` of the component's own log size.
    Seq,
}

/// A value a component's constraints take besides the mask.
#[derive(Drop, Copy, Debug)]
pub enum Param {
    /// The lookup elements' z.
    Z,
    /// alpha^i.
    Alpha: u32,
    /// The component's claimed lookup sum.
    ClaimedSum,
    /// 2^log_size.
    ColumnSize,
    /// A builtin's segment start, or memory_id_to_big's first id offset.
    ClaimValue,
}

/// What a component's constraints read: per trace / interaction column, the row offsets.
#[derive(Drop, Copy)]
pub struct ComponentInfo {
    pub trace: Span<Span<i32>>,
    pub interaction: Span<Span<i32>>,
    pub preprocessed: Span<PreprocessedColumn>,
    pub params: Span<Param>,
}

/// What slot `slot`'s constraints read; None if the verifier does not support it. Decodes the
/// generated `component_data`: per tree (trace, interaction) runs of equal columns (count,
/// offset count, offsets), then the preprocessed columns (an index, or -1 for `Seq`), then the
/// parameters (i for alpha^i, -1 z, -2 the claimed sum, -3 the column size, -4 the claim value).
pub fn component_info(slot: u32) -> Option<ComponentInfo> {
    let mut data = component_data(slot)?;
    let trace = read_columns(ref data);
    let interaction = read_columns(ref data);
    let mut preprocessed = array![];
    for _ in 0..read_count(ref data) {
        let v = *data.pop_front().unwrap();
        preprocessed
            .append(
                if v == -1 {
                    PreprocessedColumn::Seq
                } else {
                    PreprocessedColumn::Fixed(v.try_into().unwrap())
                },
            );
    }
    let mut params = array![];
    for _ in 0..read_count(ref data) {
        let v = *data.pop_front().unwrap();
        params
            .append(
                if v >= 0 {
                    Param::Alpha(v.try_into().unwrap())
                } else if v == -1 {
                    Param::Z
                } else if v == -2 {
                    Param::ClaimedSum
                } else if v == -3 {
                    Param::ColumnSize
                } else {
                    assert(v == -4, 'cairo_air: component data');
                    Param::ClaimValue
                },
            );
    }
    assert(data.is_empty(), 'cairo_air: component data');
    Option::Some(
        ComponentInfo {
            trace, interaction, preprocessed: preprocessed.span(), params: params.span(),
        },
    )
}

fn read_count(ref data: Span<i32>) -> u32 {
    (*data.pop_front().expect('cairo_air: component data')).try_into().unwrap()
}

fn read_columns(ref data: Span<i32>) -> Span<Span<i32>> {
    let mut columns = array![];
    for _ in 0..read_count(ref data) {
        let count = read_count(ref data);
        let n_offsets = read_count(ref data);
        let offsets = data.slice(0, n_offsets);
        data = data.slice(n_offsets, data.len() - n_offsets);
        for _ in 0..count {
            columns.append(offsets);
        }
    }
    columns.span()
}

/// One component of the proof.
#[derive(Drop, Copy)]
struct Present {
    slot: u32,
    log_size: u32,
    info: ComponentInfo,
    /// Indices of the preprocessed columns read, in the function's order.
    preprocessed: Span<u32>,
    claim_value: u32,
}

#[derive(Drop)]
pub struct CairoAir {
    components: Array<Present>,
    /// Parameter values per component (set once the lookup elements are drawn).
    params: Array<Span<QM31>>,
}

/// The components of `claim` in proving order (memory_id_to_big's parts in its place); an
/// error for a component this verifier does not support.
pub fn air_for_claim(claim: @CairoClaim) -> Result<CairoAir, felt252> {
    let slots = layout::slots();
    let mut components = array![];
    for slot in 0..slots.len() {
        let kind = *slots.at(slot).kind;
        let mut parts = array![];
        if kind == SlotKind::MemoryBig {
            // Each part holds the next 2^log_size ids.
            let mut offset: u32 = 0;
            for log_size in claim.memory_big_log_sizes.span() {
                parts.append((*log_size, offset));
                offset += pow2_u64(*log_size).try_into().unwrap();
            }
        } else if let Option::Some(c) = *claim.components.at(slot) {
            parts.append((c.log_size, c.segment_start));
        }
        for (log_size, claim_value) in parts {
            let info = match component_info(slot) {
                Option::Some(info) => info,
                Option::None => { return Result::Err('cairo_air: unsupported comp'); },
            };
            let mut preprocessed = array![];
            for column in info.preprocessed {
                preprocessed
                    .append(
                        match column {
                            PreprocessedColumn::Fixed(i) => *i,
                            PreprocessedColumn::Seq => match seq_column(log_size) {
                                Option::Some(i) => i,
                                Option::None => { return Result::Err('cairo_air: component size'); },
                            },
                        },
                    );
            }
            components
                .append(
                    Present { slot, log_size, info, preprocessed: preprocessed.span(), claim_value },
                );
        }
    }
    Result::Ok(CairoAir { components, params: array![] })
}

#[generate_trait]
pub impl CairoAirImpl of CairoAirTrait {
    /// Column log sizes of the preprocessed, trace and interaction trees.
    fn tree_log_sizes(self: @CairoAir) -> Array<Span<u32>> {
        let mut trace = array![];
        let mut interaction = array![];
        for c in self.components.span() {
            for _ in 0..(*c.info.trace).len() {
                trace.append(*c.log_size);
            }
            for _ in 0..(*c.info.interaction).len() {
                interaction.append(*c.log_size);
            }
        }
        array![preprocessed_log_sizes(), trace.span(), interaction.span()]
    }

    /// Sets each component's parameters: lookup elements, claimed sums, sizes, claim values.
    fn set_params(
        ref self: CairoAir, elements: @LookupElements, interaction: @InteractionClaim,
    ) -> Result<(), felt252> {
        let mut params = array![];
        let mut big_sums = interaction.memory_big_claimed_sums.span();
        for c in self.components.span() {
            let claimed_sum = if *c.slot == layout::MEMORY_ID_TO_BIG_SLOT {
                *big_sums.pop_front().unwrap()
            } else {
                (*interaction.claimed_sums.at(*c.slot)).unwrap()
            };
            let mut values = array![];
            for p in *c.info.params {
                let v = match p {
                    Param::Z => *elements.z,
                    Param::Alpha(i) => *elements.alpha_powers.at(*i),
                    Param::ClaimedSum => claimed_sum,
                    Param::ColumnSize => QM31Trait::from_m31(
                        m31(pow2_u64(*c.log_size).try_into().unwrap()),
                    ),
                    Param::ClaimValue => QM31Trait::from_m31(m31(*c.claim_value)),
                };
                values.append(v);
            }
            params.append(values.span());
        }
        self.params = params;
        Result::Ok(())
    }
}

pub impl CairoAirAir of Air<CairoAir> {
    fn composition_log_degree_bound(self: @CairoAir) -> u32 {
        // Every component's constraints have degree 2: bound log_size + 1.
        let mut bound = 0;
        for c in self.components.span() {
            if *c.log_size + 1 > bound {
                bound = *c.log_size + 1;
            }
        }
        bound
    }

    fn mask_points(
        self: @CairoAir, point: CirclePoint<QM31>, max_log_degree_bound: u32,
    ) -> Array<Array<Span<CirclePoint<QM31>>>> {
        // Preprocessed columns are sampled at the point where some component reads them.
        let mut read = array![];
        for c in self.components.span() {
            for i in *c.preprocessed {
                read.append(*i);
            }
        }
        let read = sorted_unique(read.span());
        let mut next = 0;
        let mut preprocessed = array![];
        for i in 0..preprocessed_log_sizes().len() {
            if next < read.len() && *read.at(next) == i {
                next += 1;
                preprocessed.append(array![point].span());
            } else {
                preprocessed.append(array![].span());
            }
        }
        let mut trace = array![];
        let mut interaction = array![];
        for c in self.components.span() {
            append_points(ref trace, *c.info.trace, point, max_log_degree_bound);
            append_points(ref interaction, *c.info.interaction, point, max_log_degree_bound);
        }
        array![preprocessed, trace, interaction]
    }

    fn eval_composition_at_point(
        self: @CairoAir,
        point: CirclePoint<QM31>,
        mask_values: Span<Array<Array<QM31>>>,
        random_coeff: QM31,
        max_log_degree_bound: u32,
    ) -> QM31 {
        let denom_inverse = canonic_coset_vanishing(max_log_degree_bound, point).inverse();
        let mut acc = QM31Trait::zero();
        let (mut trace_start, mut interaction_start) = (0, 0);
        let preprocessed_values = mask_values.at(0);
        for k in 0..self.components.len() {
            let c = self.components.at(k);
            let mut preprocessed = array![];
            for i in *c.preprocessed {
                preprocessed.append(*preprocessed_values.at(*i).at(0));
            }
            let inputs = program_inputs(
                preprocessed.span(),
                *self.params.at(k),
                mask_values,
                array![0, trace_start, interaction_start].span(),
                array![0, (*c.info.trace).len(), (*c.info.interaction).len()].span(),
            );
            evaluate_constraints(program(*c.slot), inputs, denom_inverse, random_coeff, ref acc);
            trace_start += (*c.info.trace).len();
            interaction_start += (*c.info.interaction).len();
        }
        acc
    }
}

fn append_points(
    ref tree: Array<Span<CirclePoint<QM31>>>,
    columns: Span<Span<i32>>,
    point: CirclePoint<QM31>,
    max_log_degree_bound: u32,
) {
    for offsets in columns {
        let mut points = array![];
        for o in *offsets {
            points.append(mask_point(point, max_log_degree_bound, *o));
        }
        tree.append(points.span());
    }
}

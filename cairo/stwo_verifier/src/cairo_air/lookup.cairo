//! The lookup argument around the STARK: the common lookup elements drawn from the channel,
//! the public data's own lookup terms (public memory, initial and final registers) and the
//! balance of all lookup sums (cairo-air's `CommonLookupElements`, `PublicData::logup_sum`,
//! `lookup_sum`).

use crate::channel::{Channel, ChannelTrait};
use crate::fields::{CM31, M31, QM31, QM31Trait, m31, m31_from_felt};
use super::claim::{CairoClaim, InteractionClaim, N_SEGMENTS, PublicData, felt_words};
use super::layout;

/// Powers of alpha drawn: the widest relation's tuple fits.
pub const N_ALPHA_POWERS: u32 = 128;

#[derive(Drop, Debug)]
pub struct LookupElements {
    pub z: QM31,
    pub alpha: QM31,
    /// `alpha^0 .. alpha^(N_ALPHA_POWERS - 1)`.
    pub alpha_powers: Array<QM31>,
}

#[generate_trait]
pub impl LookupElementsImpl of LookupElementsTrait {
    fn draw(ref channel: Channel) -> LookupElements {
        let drawn = channel.draw_secure_felts(2);
        Self::new(*drawn.at(0), *drawn.at(1))
    }

    /// The elements for a drawn `z` and `alpha`.
    fn new(z: QM31, alpha: QM31) -> LookupElements {
        let mut alpha_powers = array![];
        let mut power = QM31Trait::one();
        for _ in 0..N_ALPHA_POWERS {
            alpha_powers.append(power);
            power = power * alpha;
        }
        LookupElements { z, alpha, alpha_powers }
    }

    /// `sum(alpha^i values[i]) - z`: a tuple's denominator. Each coordinate is summed in
    /// felt252 (128 products of 31-bit numbers stay below 2^69) and reduced once.
    fn combine(self: @LookupElements, mut values: Span<M31>) -> QM31 {
        let (mut a, mut b, mut c, mut d): (felt252, felt252, felt252, felt252) = (0, 0, 0, 0);
        let mut powers = self.alpha_powers.span();
        while let Option::Some(v) = values.pop_front() {
            let power = powers.pop_front().unwrap();
            let v: felt252 = (*v.v).into();
            a += (*power.a.a.v).into() * v;
            b += (*power.a.b.v).into() * v;
            c += (*power.b.a.v).into() * v;
            d += (*power.b.b.v).into() * v;
        }
        QM31 {
            a: CM31 { a: m31_from_felt(a), b: m31_from_felt(b) },
            b: CM31 { a: m31_from_felt(c), b: m31_from_felt(d) },
        }
            - *self.z
    }
}

/// A sum of fractions kept as one fraction: a single inversion at the end.
#[derive(Drop, Copy, Serde, Debug, PartialEq)]
pub struct Fraction {
    num: QM31,
    den: QM31,
}

/// `f + sign / den` with sign = ±1.
fn add_unit(f: Fraction, den: QM31, negative: bool) -> Fraction {
    let scaled = f.num * den;
    let num = if negative {
        scaled - f.den
    } else {
        scaled + f.den
    };
    Fraction { num, den: f.den * den }
}

/// Uses of one public memory cell: (address, id) in memory_address_to_id and (id, value words)
/// in memory_id_to_big.
fn add_memory_cell(
    f: Fraction, elements: @LookupElements, address: u32, id: u32, value: @[u32; 8],
) -> Fraction {
    let address_to_id = elements
        .combine(
            array![m31(layout::MEMORY_ADDRESS_TO_ID_RELATION_ID), m31(address), m31(id)].span(),
        );
    let mut tuple = array![m31(layout::MEMORY_ID_TO_BIG_RELATION_ID), m31(id)];
    felt_words(value, ref tuple);
    add_two_units(f, address_to_id, elements.combine(tuple.span()))
}

/// `f + 1 / a + 1 / b` with four products instead of `add_unit`'s six.
fn add_two_units(f: Fraction, a: QM31, b: QM31) -> Fraction {
    let ab = a * b;
    Fraction { num: f.num * ab + f.den * (a + b), den: f.den * ab }
}

fn small(value: u32) -> [u32; 8] {
    [value, 0, 0, 0, 0, 0, 0, 0]
}

/// The lookup sum's program part part way: cells `0 .. next` are in.
#[derive(Drop, Copy, Serde, Debug, PartialEq)]
pub struct LookupState {
    pub next: u32,
    pub sum: Fraction,
}

/// Before the program's first cell.
pub fn lookup_start() -> LookupState {
    LookupState { next: 0, sum: Fraction { num: QM31Trait::zero(), den: QM31Trait::one() } }
}

/// Takes in the next program cells, the program's first cell at address `pc`.
pub fn add_program_cells(
    ref state: LookupState, elements: @LookupElements, pc: u32, cells: Span<(u32, [u32; 8])>,
) {
    let mut f = state.sum;
    let mut address = pc + state.next;
    for (id, value) in cells {
        f = add_memory_cell(f, elements, address, *id, value);
        address += 1;
    }
    state = LookupState { next: state.next + cells.len(), sum: f };
}

/// The public data's lookup sum: the public memory (program, safe-call frame, segment pointers,
/// output) and the final state, minus the initial state.
pub fn public_logup_sum(data: @PublicData, elements: @LookupElements) -> Result<QM31, felt252> {
    let mut program = lookup_start();
    add_program_cells(ref program, elements, *data.initial_state.pc.v, data.public_memory.program.span());
    public_logup_sum_after(data, elements, program.sum)
}

/// `public_logup_sum` given its program part.
pub fn public_logup_sum_after(
    data: @PublicData, elements: @LookupElements, program: Fraction,
) -> Result<QM31, felt252> {
    let memory = data.public_memory;
    let ap = *data.initial_state.ap.v;
    let final_ap = *data.final_state.ap.v;
    let mut f = program;
    let [id0, id1] = *memory.safe_call_ids;
    f = add_memory_cell(f, elements, ap - 2, id0, @small(ap));
    f = add_memory_cell(f, elements, ap - 1, id1, @small(0));
    let mut i = 0;
    for s in memory.public_segments.span() {
        f = add_memory_cell(f, elements, ap + i, *s.start_ptr.id, @small(*s.start_ptr.value));
        f =
            add_memory_cell(
                f, elements, final_ap - N_SEGMENTS + i, *s.stop_ptr.id, @small(*s.stop_ptr.value),
            );
        i += 1;
    }
    let mut i = 0;
    for (id, value) in memory.output.span() {
        f = add_memory_cell(f, elements, final_ap + i, *id, value);
        i += 1;
    }
    let opcodes = m31(layout::OPCODES_RELATION_ID);
    let last = *data.final_state;
    let first = *data.initial_state;
    f = add_unit(f, elements.combine(array![opcodes, last.pc, last.ap, last.fp].span()), false);
    f = add_unit(f, elements.combine(array![opcodes, first.pc, first.ap, first.fp].span()), true);
    if f.den == QM31Trait::zero() {
        return Result::Err('cairo_air: lookup sum');
    }
    Result::Ok(f.num * f.den.inverse())
}

/// The whole lookup sum: public data plus every component's claimed sum. Zero for a valid
/// proof.
pub fn lookup_sum(
    claim: @CairoClaim, elements: @LookupElements, interaction: @InteractionClaim,
) -> Result<QM31, felt252> {
    let sum = public_logup_sum(claim.public_data, elements)?;
    Result::Ok(sum + claimed_sums(interaction))
}

/// Every component's claimed sum, memory_id_to_big's parts included.
pub fn claimed_sums(interaction: @InteractionClaim) -> QM31 {
    let mut sum = QM31Trait::zero();
    for s in interaction.claimed_sums.span() {
        if let Option::Some(x) = s {
            sum = sum + *x;
        }
    }
    for s in interaction.memory_big_claimed_sums.span() {
        sum = sum + *s;
    }
    sum
}

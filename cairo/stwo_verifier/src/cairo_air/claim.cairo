//! stwo-cairo's `CairoClaim` and `CairoInteractionClaim`: reading them (the layout of
//! stwo-cairo-serialize), the claim's own checks (`verify_claim`) and mixing both into the
//! channel. Components are addressed by slot, in `CairoClaim` field order (`layout::slots`).

use crate::bits::pow2_u64;
use crate::channel::{Channel, ChannelTrait};
use crate::fields::{M31, QM31, m31, qm31};
use crate::merkle::hash_leaf;
use super::layout;
use super::program::{Packing, SpongeTrait, WordSponge, WordSpongeTrait};

#[derive(Drop, Copy, PartialEq, Debug)]
pub enum SlotKind {
    /// The claim is `{ log_size }`.
    Sized,
    /// The claim is `{}`; the size is `fixed_log_size`.
    Fixed,
    /// The claim is `{ log_size, segment_start }`; the builtin's segment is `segment` (index in
    /// `PublicSegmentRanges`), each instance `cells` memory cells.
    Builtin,
    /// memory_id_to_big: `{ big_log_sizes: Array<u32> }`.
    MemoryBig,
}

/// One component slot: its kind and its relation uses per row `(relation, uses)`.
#[derive(Drop, Copy)]
pub struct Slot {
    pub kind: SlotKind,
    pub fixed_log_size: u32,
    pub segment: u32,
    pub cells: u32,
    pub uses: Span<(u32, u64)>,
}

#[derive(Drop, Copy, Serde, Debug, PartialEq)]
pub struct MemorySmallValue {
    pub id: u32,
    pub value: u32,
}

#[derive(Drop, Copy, Serde, Debug, PartialEq)]
pub struct SegmentRange {
    pub start_ptr: MemorySmallValue,
    pub stop_ptr: MemorySmallValue,
}

/// Number of builtin segments; all are present in the serialized claim.
pub const N_SEGMENTS: u32 = 11;
const OUTPUT: u32 = 0;
const ECDSA: u32 = 3;
const KECCAK: u32 = 6;

/// Serialized with each memory section compact (`MemorySectionSerde`).
#[derive(Drop, Debug)]
pub struct PublicMemory {
    pub program: Array<(u32, [u32; 8])>,
    /// output, pedersen, range_check_128, ecdsa, bitwise, ec_op, keccak, poseidon,
    /// range_check_96, add_mod, mul_mod.
    pub public_segments: [SegmentRange; 11],
    pub output: Array<(u32, [u32; 8])>,
    pub safe_call_ids: [u32; 2],
}

pub impl PublicMemorySerde of Serde<PublicMemory> {
    fn serialize(self: @PublicMemory, ref output: Array<felt252>) {
        write_section(self.program.span(), ref output);
        self.public_segments.serialize(ref output);
        write_section(self.output.span(), ref output);
        self.safe_call_ids.serialize(ref output);
    }

    fn deserialize(ref serialized: Span<felt252>) -> Option<PublicMemory> {
        let program = read_section(ref serialized)?;
        let public_segments = Serde::deserialize(ref serialized)?;
        let output = read_section(ref serialized)?;
        let safe_call_ids = Serde::deserialize(ref serialized)?;
        Option::Some(PublicMemory { program, public_segments, output, safe_call_ids })
    }
}

const TWO_POW_32: u128 = 0x100000000;

/// A memory section compact: its length, then per cell its id and its value as one felt (the
/// little-endian u32 limbs `cairo-air` keeps, 9 felts a cell in its own serialization). A
/// Cairo memory value is a field element, so the limbs always fit one felt.
pub fn read_section(ref serialized: Span<felt252>) -> Option<Array<(u32, [u32; 8])>> {
    let n: u32 = Serde::deserialize(ref serialized)?;
    let mut cells = array![];
    for _ in 0..n {
        let id: u32 = Serde::deserialize(ref serialized)?;
        let value: u256 = (*serialized.pop_front()?).into();
        let [a, b, c, d] = limbs(value.low);
        let [e, f, g, h] = limbs(value.high);
        cells.append((id, [a, b, c, d, e, f, g, h]));
    }
    Option::Some(cells)
}

/// The four u32 limbs of `x`, least significant first.
fn limbs(x: u128) -> [u32; 4] {
    let (x, a) = DivRem::div_rem(x, TWO_POW_32.try_into().unwrap());
    let (x, b) = DivRem::div_rem(x, TWO_POW_32.try_into().unwrap());
    let (d, c) = DivRem::div_rem(x, TWO_POW_32.try_into().unwrap());
    [a.try_into().unwrap(), b.try_into().unwrap(), c.try_into().unwrap(), d.try_into().unwrap()]
}

/// `limbs`' inverse.
fn joined(limbs: [u32; 4]) -> u128 {
    let [a, b, c, d] = limbs;
    a.into()
        + b.into() * TWO_POW_32
        + c.into() * TWO_POW_32 * TWO_POW_32
        + d.into() * TWO_POW_32 * TWO_POW_32 * TWO_POW_32
}

fn write_section(cells: Span<(u32, [u32; 8])>, ref output: Array<felt252>) {
    output.append(cells.len().into());
    for cell in cells {
        let (id, value) = *cell;
        output.append(id.into());
        output.append(cell_value(value));
    }
}

/// A memory cell's value as the felt it is.
pub fn cell_value(limbs: [u32; 8]) -> felt252 {
    let [a, b, c, d, e, f, g, h] = limbs;
    let (low, high) = (joined([a, b, c, d]), joined([e, f, g, h]));
    u256 { low, high }.try_into().expect('claim: value above P')
}

/// Poseidon hash of a memory section's values in address order: how the chain names a program
/// (its bytecode) and an output.
pub fn section_hash(cells: Span<(u32, [u32; 8])>) -> felt252 {
    let mut values = array![];
    for cell in cells {
        let (_, value) = *cell;
        values.append(cell_value(value));
    }
    core::poseidon::poseidon_hash_span(values.span())
}

#[derive(Drop, Copy, Serde, Debug)]
pub struct CasmState {
    pub pc: M31,
    pub ap: M31,
    pub fp: M31,
}

#[derive(Drop, Serde, Debug)]
pub struct PublicData {
    pub public_memory: PublicMemory,
    pub initial_state: CasmState,
    pub final_state: CasmState,
}

/// A present component's claim (`segment_start` is 0 but for builtins).
#[derive(Drop, Copy, Debug)]
pub struct ComponentClaim {
    pub log_size: u32,
    pub segment_start: u32,
}

#[derive(Drop, Debug)]
pub struct CairoClaim {
    pub public_data: PublicData,
    /// Per slot: the component's claim if present (None for memory_id_to_big's slot).
    pub components: Array<Option<ComponentClaim>>,
    /// memory_id_to_big's part sizes.
    pub memory_big_log_sizes: Array<u32>,
}

#[derive(Drop, Debug)]
pub struct InteractionClaim {
    /// Per slot: the component's claimed lookup sum if present (None for memory_id_to_big).
    pub claimed_sums: Array<Option<QM31>>,
    /// memory_id_to_big's parts' sums, and their stated total.
    pub memory_big_claimed_sums: Array<QM31>,
    pub memory_big_total: QM31,
}

/// An `Option` tag: Some is 0, None is 1.
fn read_present(ref data: Span<felt252>) -> Option<bool> {
    let tag = *data.pop_front()?;
    if tag == 0 {
        Option::Some(true)
    } else if tag == 1 {
        Option::Some(false)
    } else {
        Option::None
    }
}

/// Reads a claim; None if malformed (memory_id_to_big must be present).
pub fn read_claim(ref data: Span<felt252>) -> Option<CairoClaim> {
    let public_data: PublicData = Serde::deserialize(ref data)?;
    let mut components = array![];
    let mut memory_big_log_sizes = Option::None;
    for slot in layout::slots() {
        let present = read_present(ref data)?;
        if slot.kind == SlotKind::MemoryBig {
            if !present {
                return Option::None;
            }
            let sizes: Array<u32> = Serde::deserialize(ref data)?;
            memory_big_log_sizes = Option::Some(sizes);
            components.append(Option::None);
            continue;
        }
        if !present {
            components.append(Option::None);
            continue;
        }
        let claim = match slot.kind {
            SlotKind::Fixed => ComponentClaim { log_size: slot.fixed_log_size, segment_start: 0 },
            SlotKind::Builtin => {
                let log_size = Serde::deserialize(ref data)?;
                ComponentClaim { log_size, segment_start: Serde::deserialize(ref data)? }
            },
            _ => ComponentClaim { log_size: Serde::deserialize(ref data)?, segment_start: 0 },
        };
        components.append(Option::Some(claim));
    }
    Option::Some(CairoClaim { public_data, components, memory_big_log_sizes: memory_big_log_sizes? })
}

/// Reads an interaction claim; None if malformed.
pub fn read_interaction_claim(ref data: Span<felt252>) -> Option<InteractionClaim> {
    let mut claimed_sums = array![];
    let mut memory = Option::None;
    for slot in layout::slots() {
        let present = read_present(ref data)?;
        if slot.kind == SlotKind::MemoryBig {
            if !present {
                return Option::None;
            }
            let parts: Array<QM31> = Serde::deserialize(ref data)?;
            let total: QM31 = Serde::deserialize(ref data)?;
            memory = Option::Some((parts, total));
            claimed_sums.append(Option::None);
        } else if present {
            claimed_sums.append(Option::Some(Serde::deserialize(ref data)?));
        } else {
            claimed_sums.append(Option::None);
        }
    }
    let (memory_big_claimed_sums, memory_big_total) = memory?;
    Option::Some(InteractionClaim { claimed_sums, memory_big_claimed_sums, memory_big_total })
}

/// cairo-air's `verify_claim` and the checks `verify_cairo_ex` makes before the transcript, plus
/// one it lacks: memory_id_to_big's stated total must be the sum of its parts (cairo-air 1.3.0's
/// lookup sum reads the total while the components are checked against the parts).
pub fn verify_claim(claim: @CairoClaim, interaction: @InteractionClaim) -> Result<(), felt252> {
    let slots = layout::slots();
    if claim.components.len() != slots.len() || interaction.claimed_sums.len() != slots.len() {
        return Result::Err('cairo_air: claim shape');
    }
    // Each component has a claimed sum exactly when it has a claim.
    for i in 0..slots.len() {
        if claim.components.at(i).is_some() != interaction.claimed_sums.at(i).is_some() {
            return Result::Err('cairo_air: claim shape');
        }
    }
    let big = claim.memory_big_log_sizes.span();
    if big.len() != interaction.memory_big_claimed_sums.len()
        || big.len() > layout::MEMORY_ADDRESS_TO_ID_SPLIT {
        return Result::Err('cairo_air: claim shape');
    }
    let mut total = crate::fields::QM31Trait::zero();
    for s in interaction.memory_big_claimed_sums.span() {
        total = total + *s;
    }
    if total != *interaction.memory_big_total {
        return Result::Err('cairo_air: memory total');
    }
    // memory_address_to_id stays within the address space.
    match slot_claim(claim, layout::MEMORY_ADDRESS_TO_ID_SLOT) {
        Option::Some(c) => {
            if c.log_size > 32
                || pow2_u64(c.log_size)
                    * layout::MEMORY_ADDRESS_TO_ID_SPLIT.into() > pow2_u64(
                        layout::LOG_MEMORY_ADDRESS_BOUND,
                    ) {
                return Result::Err('cairo_air: address to id size');
            }
        },
        Option::None => { return Result::Err('cairo_air: claim shape'); },
    }
    verify_words(claim.public_data)?;
    verify_builtins(claim)?;
    verify_registers(claim.public_data)?;
    verify_relation_uses(claim, slots.span())?;
    // Large value ids lie in [LARGE_MEMORY_VALUE_ID_BASE, P).
    let mut n_ids: u64 = 0;
    for log_size in big {
        if *log_size > 31 {
            return Result::Err('cairo_air: memory ids');
        }
        n_ids += pow2_u64(*log_size);
    }
    if n_ids == 0 || n_ids - 1 + layout::LARGE_MEMORY_VALUE_ID_BASE.into() >= 0x7fffffff {
        return Result::Err('cairo_air: memory ids');
    }
    Result::Ok(())
}

pub const ERR_WORD: felt252 = 'cairo_air: claim word';

/// Pointers and ids enter the transcript and the lookup as M31 elements, where `k` and `k + P`
/// are the same: each must be below P. (Registers are M31s when read; the program's ids are
/// checked as they are absorbed.)
fn verify_words(data: @PublicData) -> Result<(), felt252> {
    let memory = data.public_memory;
    let mut words = array![];
    for s in memory.public_segments.span() {
        words.append(*s.start_ptr.id);
        words.append(*s.start_ptr.value);
        words.append(*s.stop_ptr.id);
        words.append(*s.stop_ptr.value);
    }
    let [id0, id1] = *memory.safe_call_ids;
    words.append(id0);
    words.append(id1);
    for (id, _) in memory.output.span() {
        words.append(*id);
    }
    for w in words {
        if w >= crate::fields::P {
            return Result::Err(ERR_WORD);
        }
    }
    Result::Ok(())
}

fn slot_claim(claim: @CairoClaim, slot: u32) -> Option<ComponentClaim> {
    *claim.components.at(slot)
}

fn verify_builtins(claim: @CairoClaim) -> Result<(), felt252> {
    let segments = claim.public_data.public_memory.public_segments.span();
    let ecdsa = segments.at(ECDSA);
    let keccak = segments.at(KECCAK);
    if ecdsa.start_ptr.value != ecdsa.stop_ptr.value {
        return Result::Err('cairo_air: ecdsa segment');
    }
    if keccak.start_ptr.value != keccak.stop_ptr.value {
        return Result::Err('cairo_air: keccak segment');
    }
    // The output section is the output segment: the lookup puts output cell i at final_ap + i,
    // the program's pointers say the segment is [start, stop).
    let output = segments.at(OUTPUT);
    let (start, stop) = (*output.start_ptr.value, *output.stop_ptr.value);
    let cells = claim.public_data.public_memory.output.len();
    if start != *claim.public_data.final_state.ap.v || stop < start || stop - start != cells {
        return Result::Err('cairo_air: output segment');
    }
    // Every other segment against the builtin component(s) serving it.
    let slots = layout::slots();
    for s in 0..N_SEGMENTS {
        if s == OUTPUT || s == ECDSA || s == KECCAK {
            continue;
        }
        let mut found: Option<(ComponentClaim, u32)> = Option::None;
        let mut seen = false;
        for i in 0..slots.len() {
            let slot = *slots.at(i);
            if slot.kind != SlotKind::Builtin || slot.segment != s {
                continue;
            }
            seen = true;
            if let Option::Some(c) = slot_claim(claim, i) {
                if found.is_some() {
                    return Result::Err('cairo_air: two builtin claims');
                }
                found = Option::Some((c, slot.cells));
            }
        }
        assert!(seen, "layout: a segment without a builtin");
        check_builtin(found, *segments.at(s))?;
    }
    Result::Ok(())
}

fn check_builtin(claim: Option<(ComponentClaim, u32)>, range: SegmentRange) -> Result<(), felt252> {
    let start: u64 = range.start_ptr.value.into();
    let stop: u64 = range.stop_ptr.value.into();
    // A component over an empty segment would be checked against nothing.
    if start == stop {
        return if claim.is_some() {
            Result::Err('cairo_air: unused builtin claim')
        } else {
            Result::Ok(())
        };
    }
    let (c, cells) = match claim {
        Option::Some(x) => x,
        Option::None => { return Result::Err('cairo_air: builtin claim'); },
    };
    if stop < start || c.segment_start.into() != start || c.log_size > 31 {
        return Result::Err('cairo_air: builtin segment');
    }
    let cells: u64 = cells.into();
    let end = start + pow2_u64(c.log_size) * cells;
    if (stop - start) % cells != 0 || stop > end || end >= 0x80000000 {
        return Result::Err('cairo_air: builtin segment');
    }
    Result::Ok(())
}

/// The entry code the compiler puts before a Cairo executable's main.
pub fn verify_program(program: Span<(u32, [u32; 8])>) -> Result<(), felt252> {
    if program.len() < 6 {
        return Result::Err('cairo_air: program prologue');
    }
    let expected: [(u32, u32, u32); 5] = [
        (0, 0x7fff7fff, 0x4078001), // ap += n_builtins
        (1, N_SEGMENTS, 0), // its immediate
        (2, 0x80018000, 0x11048001), // call rel
        (4, 0x7fff7fff, 0x1078001), // jmp rel 0
        (5, 0, 0) // its immediate
    ];
    for (i, lo, hi) in expected.span() {
        let (_, value) = program.at(*i);
        let [a, b, c, d, e, f, g, h] = *value;
        if a != *lo || b != *hi || c != 0 || d != 0 || e != 0 || f != 0 || g != 0 || h != 0 {
            return Result::Err('cairo_air: program prologue');
        }
    }
    Result::Ok(())
}

fn verify_registers(data: @PublicData) -> Result<(), felt252> {
    let initial = *data.initial_state;
    let last = *data.final_state;
    if initial.pc.v != 1
        || (initial.pc + m31(2)).v >= initial.ap.v
        || initial.fp != last.fp
        || initial.fp != initial.ap
        || last.pc.v != 5
        || initial.ap.v > last.ap.v
        || last.ap.v < N_SEGMENTS {
        return Result::Err('cairo_air: registers');
    }
    Result::Ok(())
}

/// Each relation is used fewer than P times in all (its multiplicities must not wrap).
fn verify_relation_uses(claim: @CairoClaim, slots: Span<Slot>) -> Result<(), felt252> {
    // Every (relation, rows * uses) term, then one total per relation.
    let mut terms: Array<(u32, u128)> = array![];
    for i in 0..slots.len() {
        let slot = *slots.at(i);
        if slot.kind == SlotKind::Fixed {
            continue;
        }
        let mut sizes = array![];
        if slot.kind == SlotKind::MemoryBig {
            sizes = claim.memory_big_log_sizes.clone();
        } else if let Option::Some(c) = slot_claim(claim, i) {
            sizes.append(c.log_size);
        }
        for log_size in sizes.span() {
            if *log_size > 31 {
                return Result::Err('cairo_air: relation uses');
            }
            let rows: u128 = pow2_u64(*log_size).into();
            for (relation, uses) in slot.uses {
                terms.append((*relation, rows * (*uses).into()));
            }
        }
    }
    for r in 0..layout::N_RELATIONS {
        let mut total: u128 = 0;
        for (relation, n) in terms.span() {
            if *relation == r {
                total += *n;
            }
        }
        if total >= 0x7fffffff {
            return Result::Err('cairo_air: relation uses');
        }
    }
    Result::Ok(())
}

/// Words as secure-field elements, four per element (cairo-air's `pack_into_secure_felts`).
fn mix_u32s_as_felts(ref channel: Channel, words: Span<u32>) {
    let mut felts = array![];
    let mut i = 0;
    let n = words.len();
    while i < n {
        let mut chunk = array![];
        for k in 0..4_u32 {
            chunk.append(if i + k < n {
                *words.at(i + k)
            } else {
                0
            });
        }
        felts.append(qm31(*chunk.at(0), *chunk.at(1), *chunk.at(2), *chunk.at(3)));
        i += 4;
    }
    channel.mix_felts(felts.span());
}

/// The 28 nine-bit words of a felt given as eight little-endian u32 limbs (its low 252 bits).
/// Straight-line: a bit buffer takes one limb at a time and gives whole words.
pub fn felt_words(limbs: @[u32; 8], ref out: Array<M31>) {
    let [l0, l1, l2, l3, l4, l5, l6, l7] = *limbs;
    let mut buffer: u64 = l0.into();
    take_words(ref buffer, ref out, 3); // 5 bits left
    buffer += l1.into() * 32;
    take_words(ref buffer, ref out, 4); // 1
    buffer += l2.into() * 2;
    take_words(ref buffer, ref out, 3); // 6
    buffer += l3.into() * 64;
    take_words(ref buffer, ref out, 4); // 2
    buffer += l4.into() * 4;
    take_words(ref buffer, ref out, 3); // 7
    buffer += l5.into() * 128;
    take_words(ref buffer, ref out, 4); // 3
    buffer += l6.into() * 8;
    take_words(ref buffer, ref out, 3); // 8
    buffer += l7.into() * 256;
    take_words(ref buffer, ref out, 4); // the top 4 bits are not part of the felt
}

/// Appends the low `n` 9-bit words of `buffer` (3 or 4), as M31s, and drops them.
fn take_words(ref buffer: u64, ref out: Array<M31>, n: u32) {
    let (rest, w) = DivRem::div_rem(buffer, 512);
    out.append(word(w));
    let (rest, w) = DivRem::div_rem(rest, 512);
    out.append(word(w));
    let (rest, w) = DivRem::div_rem(rest, 512);
    out.append(word(w));
    if n == 4 {
        let (rest, w) = DivRem::div_rem(rest, 512);
        out.append(word(w));
        buffer = rest;
    } else {
        buffer = rest;
    }
}

/// A 9-bit word is its own M31.
fn word(w: u64) -> M31 {
    M31 { v: w.try_into().unwrap() }
}

fn section_words(section: Span<(u32, [u32; 8])>) -> Array<M31> {
    let mut out = array![];
    for (_, value) in section {
        felt_words(value, ref out);
    }
    out
}

/// cairo-air's `FlatClaim::mix_into` up to the program's cells, for a program of
/// `program_cells` cells: enable bits, log sizes, program length, then the word stream of the
/// public data up to the program's ids, which it returns part way (`program::ProgramState`
/// takes in the ids). `mix_claim_values` ends it.
pub fn claim_words(claim: @CairoClaim, program_cells: u32, ref channel: Channel) -> WordSponge {
    let slots = layout::slots();
    let mut bits = array![];
    let mut log_sizes = array![];
    for i in 0..slots.len() {
        if slots.at(i).kind == @SlotKind::MemoryBig {
            for s in claim.memory_big_log_sizes.span() {
                bits.append(1);
                log_sizes.append(*s);
            }
            for _ in claim.memory_big_log_sizes.len()..layout::MEMORY_ADDRESS_TO_ID_SPLIT {
                bits.append(0);
            }
        } else if let Option::Some(c) = slot_claim(claim, i) {
            bits.append(1);
            log_sizes.append(c.log_size);
        } else {
            bits.append(0);
        }
    }
    mix_u32s_as_felts(ref channel, array![bits.len()].span());
    mix_u32s_as_felts(ref channel, bits.span());
    mix_u32s_as_felts(ref channel, log_sizes.span());
    let data = claim.public_data;
    let memory = data.public_memory;
    mix_u32s_as_felts(ref channel, array![program_cells].span());

    // Registers, segments, safe-call ids, the ids of the output cells, then (in `ProgramState`)
    // those of the program cells: one `mix_felts`.
    let (init, last) = (*data.initial_state, *data.final_state);
    let mut words = array![init.pc, init.ap, init.fp, last.pc, last.ap, last.fp];
    for s in memory.public_segments.span() {
        words.append(m31(*s.start_ptr.id));
        words.append(m31(*s.start_ptr.value));
        words.append(m31(*s.stop_ptr.id));
        words.append(m31(*s.stop_ptr.value));
    }
    let [id0, id1] = *memory.safe_call_ids;
    words.append(m31(id0));
    words.append(m31(id1));
    for (id, _) in memory.output.span() {
        words.append(m31(*id));
    }
    let mut sponge = SpongeTrait::new();
    sponge.absorb(channel.digest);
    let mut ids = WordSpongeTrait::new(Packing::Channel, sponge);
    ids.absorb_words(words.span());
    ids
}

/// The rest of `FlatClaim::mix_into` once the word stream's digest is in the channel: the
/// output's and the program's values, each hashed as one Merkle leaf.
pub fn mix_claim_values(claim: @CairoClaim, program_leaf: felt252, ref channel: Channel) {
    channel.mix_root(hash_leaf(section_words(claim.public_data.public_memory.output.span()).span()));
    channel.mix_root(program_leaf);
}

#[generate_trait]
pub impl InteractionClaimImpl of InteractionClaimTrait {
    /// cairo-air's `CairoInteractionClaim::mix_into`: the present components' sums in slot order,
    /// memory_id_to_big's parts in its place.
    fn mix_into(self: @InteractionClaim, ref channel: Channel) {
        let slots = layout::slots();
        let mut sums = array![];
        for i in 0..slots.len() {
            if slots.at(i).kind == @SlotKind::MemoryBig {
                for s in self.memory_big_claimed_sums.span() {
                    sums.append(*s);
                }
            } else if let Option::Some(s) = *self.claimed_sums.at(i) {
                sums.append(s);
            }
        }
        channel.mix_felts(sums.span());
    }
}

//! The shape of stwo-cairo's `CairoClaim` for the Cairo verifier: its component slots in field
//! order, what each slot's claim holds, and the relation uses per row that bound each relation's
//! multiplicity. Emitted as a Cairo table (`cairo_air/layout.cairo`) so the Cairo side reads,
//! mixes and checks claims exactly as cairo-air 1.3.0 does.

use std::collections::BTreeMap;
use std::fmt::Write;

use cairo_air::components as c;
use cairo_air::relations;
use cairo_air::verifier::RelationUse;
use stwo_cairo_common::builtins;

/// Segment order of `PublicSegmentRanges`: output, pedersen, range_check_128, ecdsa, bitwise,
/// ec_op, keccak, poseidon, range_check_96, add_mod, mul_mod.
pub const SEGMENTS: [&str; 11] = [
    "output",
    "pedersen",
    "range_check_128",
    "ecdsa",
    "bitwise",
    "ec_op",
    "keccak",
    "poseidon",
    "range_check_96",
    "add_mod",
    "mul_mod",
];

/// What one slot's claim serializes to after its `Option` tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotKind {
    /// `{ log_size }`.
    Sized,
    /// `{}`: the component's size is this constant.
    Fixed(u32),
    /// `{ log_size, segment_start }`: a builtin's component, serving segment `segment`
    /// (index in `PublicSegmentRanges`) with `cells` memory cells per instance.
    Builtin { segment: u32, cells: usize },
    /// `{ big_log_sizes: Array<u32> }`: memory_id_to_big's parts.
    MemoryBig,
}

/// One component slot of `CairoClaim` (and of `CairoInteractionClaim`, same order).
#[derive(Clone)]
pub struct Slot {
    pub name: &'static str,
    pub kind: SlotKind,
    /// Relation uses per row, counted by the verifier (empty where cairo-air counts none).
    pub uses: &'static [RelationUse],
}

fn segment_index(name: &str) -> u32 {
    SEGMENTS
        .iter()
        .position(|s| *s == name)
        .expect("a segment name") as u32
}

macro_rules! slot {
    ($name:ident, sized) => {
        Slot {
            name: stringify!($name),
            kind: SlotKind::Sized,
            uses: &c::$name::RELATION_USES_PER_ROW,
        }
    };
    ($name:ident, builtin($segment:literal, $cells:ident)) => {
        Slot {
            name: stringify!($name),
            kind: SlotKind::Builtin {
                segment: segment_index($segment),
                cells: builtins::$cells,
            },
            uses: &c::$name::RELATION_USES_PER_ROW,
        }
    };
    ($name:ident, fixed) => {
        Slot {
            name: stringify!($name),
            kind: SlotKind::Fixed(c::$name::LOG_SIZE),
            uses: &[],
        }
    };
    ($name:ident, memory_big) => {
        Slot {
            name: stringify!($name),
            kind: SlotKind::MemoryBig,
            uses: &c::$name::RELATION_USES_PER_ROW,
        }
    };
}

/// `CairoClaim`'s component slots in field order (a test checks the order against the claim's
/// own serialization).
pub fn claim_slots() -> Vec<Slot> {
    vec![
        slot!(add_opcode, sized),
        slot!(add_opcode_small, sized),
        slot!(add_ap_opcode, sized),
        slot!(assert_eq_opcode, sized),
        slot!(assert_eq_opcode_imm, sized),
        slot!(assert_eq_opcode_double_deref, sized),
        slot!(blake_compress_opcode, sized),
        slot!(call_opcode_abs, sized),
        slot!(call_opcode_rel_imm, sized),
        slot!(generic_opcode, sized),
        slot!(jnz_opcode_non_taken, sized),
        slot!(jnz_opcode_taken, sized),
        slot!(jump_opcode_abs, sized),
        slot!(jump_opcode_double_deref, sized),
        slot!(jump_opcode_rel, sized),
        slot!(jump_opcode_rel_imm, sized),
        slot!(mul_opcode, sized),
        slot!(mul_opcode_small, sized),
        slot!(qm_31_add_mul_opcode, sized),
        slot!(ret_opcode, sized),
        slot!(verify_instruction, sized),
        slot!(blake_round, sized),
        slot!(blake_g, sized),
        slot!(blake_round_sigma, fixed),
        slot!(triple_xor_32, sized),
        slot!(verify_bitwise_xor_12, fixed),
        slot!(
            add_mod_builtin,
            builtin("add_mod", ADD_MOD_BUILTIN_MEMORY_CELLS)
        ),
        slot!(
            bitwise_builtin,
            builtin("bitwise", BITWISE_BUILTIN_MEMORY_CELLS)
        ),
        slot!(
            mul_mod_builtin,
            builtin("mul_mod", MUL_MOD_BUILTIN_MEMORY_CELLS)
        ),
        slot!(
            pedersen_builtin,
            builtin("pedersen", PEDERSEN_BUILTIN_MEMORY_CELLS)
        ),
        slot!(
            pedersen_builtin_narrow_windows,
            builtin("pedersen", PEDERSEN_BUILTIN_NARROW_WINDOWS_MEMORY_CELLS)
        ),
        slot!(
            poseidon_builtin,
            builtin("poseidon", POSEIDON_BUILTIN_MEMORY_CELLS)
        ),
        slot!(
            range_check96_builtin,
            builtin("range_check_96", RANGE_CHECK_96_BUILTIN_MEMORY_CELLS)
        ),
        slot!(
            range_check_builtin,
            builtin("range_check_128", RANGE_CHECK_BUILTIN_MEMORY_CELLS)
        ),
        slot!(ec_op_builtin, builtin("ec_op", EC_OP_BUILTIN_MEMORY_CELLS)),
        slot!(partial_ec_mul_generic, sized),
        slot!(pedersen_aggregator_window_bits_18, sized),
        slot!(partial_ec_mul_window_bits_18, sized),
        slot!(pedersen_points_table_window_bits_18, fixed),
        slot!(pedersen_aggregator_window_bits_9, sized),
        slot!(partial_ec_mul_window_bits_9, sized),
        slot!(pedersen_points_table_window_bits_9, fixed),
        slot!(poseidon_aggregator, sized),
        slot!(poseidon_3_partial_rounds_chain, sized),
        slot!(poseidon_full_round_chain, sized),
        slot!(cube_252, sized),
        slot!(poseidon_round_keys, fixed),
        slot!(range_check_252_width_27, sized),
        slot!(memory_address_to_id, sized),
        slot!(memory_id_to_big, memory_big),
        slot!(memory_id_to_small, sized),
        slot!(range_check_6, fixed),
        slot!(range_check_8, fixed),
        slot!(range_check_11, fixed),
        slot!(range_check_12, fixed),
        slot!(range_check_18, fixed),
        slot!(range_check_20, fixed),
        slot!(range_check_4_3, fixed),
        slot!(range_check_4_4, fixed),
        slot!(range_check_9_9, fixed),
        slot!(range_check_7_2_5, fixed),
        slot!(range_check_3_6_6_3, fixed),
        slot!(range_check_4_4_4_4, fixed),
        slot!(range_check_3_3_3_3_3, fixed),
        slot!(verify_bitwise_xor_4, fixed),
        slot!(verify_bitwise_xor_7, fixed),
        slot!(verify_bitwise_xor_8, fixed),
        slot!(verify_bitwise_xor_9, fixed),
    ]
}

/// The Cairo table `cairo_air/layout.cairo`.
pub fn claim_layout_module() -> String {
    let slots = claim_slots();
    let mut relations = BTreeMap::new();
    for slot in &slots {
        for u in slot.uses {
            let next = relations.len();
            relations.entry(u.relation_id).or_insert(next);
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! Generated by cairn-air-codegen (`cargo run -p cairn-air-codegen --bin cairo-air-layout`)\n\
         //! from cairo-air 1.3.0: `CairoClaim`'s component slots in field order. Do not edit; a\n\
         //! test fails when this file is stale.\n\n\
         use super::claim::{{Slot, SlotKind}};\n\n\
         pub const N_SLOTS: u32 = {};\n\
         /// Relations whose uses are counted (indices in `Slot::uses`).\n\
         pub const N_RELATIONS: u32 = {};\n\
         /// memory_id_to_big's parts: at most this many.\n\
         pub const MEMORY_ADDRESS_TO_ID_SPLIT: u32 = {};\n\
         /// memory_id_to_big's ids start here.\n\
         pub const LARGE_MEMORY_VALUE_ID_BASE: u32 = {};\n\
         pub const LOG_MEMORY_ADDRESS_BOUND: u32 = {};\n\
         pub const MEMORY_ADDRESS_TO_ID_SLOT: u32 = {};\n\
         pub const MEMORY_ADDRESS_TO_ID_RELATION_ID: u32 = {};\n\
         pub const MEMORY_ID_TO_BIG_RELATION_ID: u32 = {};\n\
         pub const OPCODES_RELATION_ID: u32 = {};\n",
        slots.len(),
        relations.len(),
        c::memory_address_to_id::MEMORY_ADDRESS_TO_ID_SPLIT,
        stwo_cairo_common::memory::LARGE_MEMORY_VALUE_ID_BASE,
        stwo_cairo_common::memory::LOG_MEMORY_ADDRESS_BOUND,
        slots
            .iter()
            .position(|s| s.name == "memory_address_to_id")
            .expect("memory_address_to_id slot"),
        relations::MEMORY_ADDRESS_TO_ID_RELATION_ID.0,
        relations::MEMORY_ID_TO_BIG_RELATION_ID.0,
        relations::OPCODES_RELATION_ID.0,
    );
    let mut by_index: Vec<_> = relations.iter().collect();
    by_index.sort_by_key(|(_, &i)| i);
    out.push_str("// Relations:");
    for (name, i) in by_index {
        let _ = write!(out, " {i} {name};");
    }
    out.push_str("\n\npub fn slots() -> Array<Slot> {\n    array![\n");
    for slot in &slots {
        let (kind, fixed, segment, cells) = match slot.kind {
            SlotKind::Sized => ("Sized", 0, 0, 0),
            SlotKind::Fixed(log_size) => ("Fixed", log_size, 0, 0),
            SlotKind::Builtin { segment, cells } => ("Builtin", 0, segment, cells),
            SlotKind::MemoryBig => ("MemoryBig", 0, 0, 0),
        };
        let uses: Vec<String> = slot
            .uses
            .iter()
            .map(|u| format!("({}, {})", relations[u.relation_id], u.uses))
            .collect();
        let _ = writeln!(
            out,
            "        // {}\n        Slot {{\n            kind: SlotKind::{kind}, fixed_log_size: {fixed}, segment: {segment}, cells: {cells},\n            uses: array![{}].span(),\n        }},",
            slot.name,
            uses.join(", ")
        );
    }
    out.push_str("    ]\n}\n");
    out
}

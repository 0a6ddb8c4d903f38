//! The shape of stwo-cairo's `CairoClaim` for the Cairo verifier: its component slots in field
//! order, what each slot's claim holds, and the relation uses per row that bound each relation's
//! multiplicity. Emitted as a Cairo table (`cairo_air/layout.cairo`) so the Cairo side reads,
//! mixes and checks claims exactly as cairo-air 1.3.0 does.

use std::collections::BTreeMap;
use std::fmt::Write;

use cairo_air::components as c;
use cairo_air::relations::{self, CommonLookupElements};
use cairo_air::verifier::RelationUse;
use stwo_cairo_common::builtins;
use stwo_cairo_common::preprocessed_columns::preprocessed_trace::PreProcessedTraceVariant;

use crate::{CodegenError, Component};

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
    /// The component's constraints as Cairo for a log size (a builtin's segment start and
    /// memory_id_to_big's id offset become the parameters `segment_start` / `offset`).
    pub generate: fn(u32) -> Result<Component, CodegenError>,
}

fn elements() -> CommonLookupElements {
    CommonLookupElements::dummy()
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
            generate: |log_size| {
                let claim = c::$name::Claim { log_size };
                let eval = c::$name::Eval {
                    claim,
                    common_lookup_elements: elements(),
                };
                Component::new(stringify!($name), &eval)
            },
        }
    };
    ($name:ident, sized_by_column_size) => {
        Slot {
            name: stringify!($name),
            kind: SlotKind::Sized,
            uses: &c::$name::RELATION_USES_PER_ROW,
            generate: |log_size| {
                Component::with_column_size_parameter(stringify!($name), log_size, |log_size| {
                    let claim = c::$name::Claim { log_size };
                    c::$name::Eval {
                        claim,
                        common_lookup_elements: elements(),
                    }
                })
            },
        }
    };
    ($name:ident, builtin($segment:literal, $cells:ident, $start:ident)) => {
        Slot {
            name: stringify!($name),
            kind: SlotKind::Builtin {
                segment: segment_index($segment),
                cells: builtins::$cells,
            },
            uses: &c::$name::RELATION_USES_PER_ROW,
            generate: |log_size| {
                Component::with_claim_parameter(stringify!($name), "segment_start", |start| {
                    let claim = c::$name::Claim {
                        log_size,
                        $start: start,
                    };
                    c::$name::Eval {
                        claim,
                        common_lookup_elements: elements(),
                    }
                })
            },
        }
    };
    ($name:ident, fixed) => {
        Slot {
            name: stringify!($name),
            kind: SlotKind::Fixed(c::$name::LOG_SIZE),
            uses: &[],
            generate: |_| {
                let eval = c::$name::Eval {
                    claim: c::$name::Claim {},
                    common_lookup_elements: elements(),
                };
                Component::new(stringify!($name), &eval)
            },
        }
    };
    ($name:ident, memory_big) => {
        Slot {
            name: stringify!($name),
            kind: SlotKind::MemoryBig,
            uses: &c::$name::RELATION_USES_PER_ROW,
            generate: |log_size| {
                Component::with_claim_parameter(stringify!($name), "offset", |offset| {
                    c::$name::BigEval::new(log_size, offset, elements())
                })
            },
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
            builtin(
                "add_mod",
                ADD_MOD_BUILTIN_MEMORY_CELLS,
                add_mod_builtin_segment_start
            )
        ),
        slot!(
            bitwise_builtin,
            builtin(
                "bitwise",
                BITWISE_BUILTIN_MEMORY_CELLS,
                bitwise_builtin_segment_start
            )
        ),
        slot!(
            mul_mod_builtin,
            builtin(
                "mul_mod",
                MUL_MOD_BUILTIN_MEMORY_CELLS,
                mul_mod_builtin_segment_start
            )
        ),
        slot!(
            pedersen_builtin,
            builtin(
                "pedersen",
                PEDERSEN_BUILTIN_MEMORY_CELLS,
                pedersen_builtin_segment_start
            )
        ),
        slot!(
            pedersen_builtin_narrow_windows,
            builtin(
                "pedersen",
                PEDERSEN_BUILTIN_NARROW_WINDOWS_MEMORY_CELLS,
                pedersen_builtin_segment_start
            )
        ),
        slot!(
            poseidon_builtin,
            builtin(
                "poseidon",
                POSEIDON_BUILTIN_MEMORY_CELLS,
                poseidon_builtin_segment_start
            )
        ),
        slot!(
            range_check96_builtin,
            builtin(
                "range_check_96",
                RANGE_CHECK_96_BUILTIN_MEMORY_CELLS,
                range_check96_builtin_segment_start
            )
        ),
        slot!(
            range_check_builtin,
            builtin(
                "range_check_128",
                RANGE_CHECK_BUILTIN_MEMORY_CELLS,
                range_check_builtin_segment_start
            )
        ),
        slot!(
            ec_op_builtin,
            builtin(
                "ec_op",
                EC_OP_BUILTIN_MEMORY_CELLS,
                ec_op_builtin_segment_start
            )
        ),
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
        slot!(memory_address_to_id, sized_by_column_size),
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
         pub const MEMORY_ID_TO_BIG_SLOT: u32 = {};\n\
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
        slots
            .iter()
            .position(|s| s.name == "memory_id_to_big")
            .expect("memory_id_to_big slot"),
        relations::MEMORY_ADDRESS_TO_ID_RELATION_ID.0,
        relations::MEMORY_ID_TO_BIG_RELATION_ID.0,
        relations::OPCODES_RELATION_ID.0,
    );
    let params = prover::prover_parameters().pcs_config;
    let root = <prover::Poseidon252MerkleChannel as prover::ProofChannel>::preprocessed_root();
    let _ = writeln!(
        out,
        "\n/// Cairn's proving parameters (crates/prover) and its Poseidon252 preprocessed-trace root:\n\
         /// the verifier accepts no other.\n\
         pub const POW_BITS: u32 = {};\n\
         pub const LOG_BLOWUP_FACTOR: u32 = {};\n\
         pub const N_QUERIES: u32 = {};\n\
         pub const LOG_LAST_LAYER_DEGREE_BOUND: u32 = {};\n\
         pub const FOLD_STEP: u32 = {};\n\
         pub const PREPROCESSED_ROOT: felt252 = {:#x};\n",
        params.pow_bits,
        params.fri_config.log_blowup_factor,
        params.fri_config.n_queries,
        params.fri_config.log_last_layer_degree_bound,
        params.fri_config.fold_step,
        root,
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

/// What the generated Cairo AIR can verify: the components Cairn's programs use (every opcode
/// but `generic_opcode` and Blake's, the memory, the range-check and XOR tables, the
/// range-check and bitwise builtins, and the Poseidon builtin with its tables, for hashed
/// inputs and weights). A proof with any other component is rejected as
/// unsupported: every component's program is checked against stwo (`tests/cairo_air.rs`), but
/// only these are exercised by an end-to-end proof.
pub const SUPPORTED: &[&str] = &[
    "add_opcode",
    "add_opcode_small",
    "add_ap_opcode",
    "assert_eq_opcode",
    "assert_eq_opcode_imm",
    "assert_eq_opcode_double_deref",
    "call_opcode_abs",
    "call_opcode_rel_imm",
    "jnz_opcode_non_taken",
    "jnz_opcode_taken",
    "jump_opcode_abs",
    "jump_opcode_double_deref",
    "jump_opcode_rel",
    "jump_opcode_rel_imm",
    "mul_opcode",
    "mul_opcode_small",
    "qm_31_add_mul_opcode",
    "ret_opcode",
    "verify_instruction",
    "range_check_builtin",
    "range_check96_builtin",
    "bitwise_builtin",
    "memory_address_to_id",
    "memory_id_to_big",
    "memory_id_to_small",
    "range_check_6",
    "range_check_8",
    "range_check_11",
    "range_check_12",
    "range_check_18",
    "range_check_20",
    "range_check_4_3",
    "range_check_4_4",
    "range_check_9_9",
    "range_check_7_2_5",
    "range_check_3_6_6_3",
    "range_check_4_4_4_4",
    "range_check_3_3_3_3_3",
    "verify_bitwise_xor_4",
    "verify_bitwise_xor_7",
    "verify_bitwise_xor_8",
    "verify_bitwise_xor_9",
    "verify_bitwise_xor_12",
    "poseidon_builtin",
    "poseidon_aggregator",
    "poseidon_3_partial_rounds_chain",
    "poseidon_full_round_chain",
    "cube_252",
    "poseidon_round_keys",
    "range_check_252_width_27",
];

/// The preprocessed trace Cairn proves against (see `prover`'s parameters).
pub const PREPROCESSED: PreProcessedTraceVariant = PreProcessedTraceVariant::CanonicalSmall;

/// Codes of `component_data`'s preprocessed columns and parameters that are not an index (an
/// index: the preprocessed column, `alpha^i`); `air::component_info` reads them.
const INFO_SEQ: i64 = -1;
const INFO_Z: i64 = -1;
const INFO_CLAIMED_SUM: i64 = -2;
const INFO_COLUMN_SIZE: i64 = -3;
const INFO_CLAIM_VALUE: i64 = -4;

/// The two log sizes each component is generated with: what differs between them depends on
/// the log size (only the `seq_<log size>` preprocessed column may).
const PROBE_LOG_SIZES: (u32, u32) = (10, 11);

fn air_error(what: impl Into<String>) -> CodegenError {
    CodegenError::Air(what.into())
}

/// The Cairo module `cairo_air/components.cairo`: the preprocessed tree's shape, per supported
/// slot what its constraints read (`component_info`), a dispatch to its constraint function
/// (`evaluate`), and the functions.
pub fn air_components_module(supported: &[&str]) -> Result<String, CodegenError> {
    let slots = claim_slots();
    let trace = PREPROCESSED.to_preprocessed_trace();
    let ids: Vec<String> = trace.ids().into_iter().map(|c| c.id).collect();
    let log_sizes = trace.log_sizes();
    for name in supported {
        if !slots.iter().any(|s| s.name == *name) {
            return Err(air_error(format!("`{name}` is not a slot of the claim")));
        }
    }

    let mut infos = String::new();
    let mut dispatch = String::new();
    let mut functions = String::new();
    for (index, slot) in slots.iter().enumerate() {
        if !supported.contains(&slot.name) {
            continue;
        }
        let a = (slot.generate)(PROBE_LOG_SIZES.0)?;
        let b = (slot.generate)(PROBE_LOG_SIZES.1)?;
        let fail = |what: &str| air_error(format!("`{}`: {what}", slot.name));
        if a.program != b.program || a.mask_offsets != b.mask_offsets || a.params != b.params {
            return Err(fail("its constraints depend on the log size"));
        }
        if a.max_constraint_log_degree_bound != a.log_size + 1 {
            return Err(fail(
                "constraint degree is not 2 (the AIR's lifting assumes it)",
            ));
        }
        // The info as data (see `air::component_info` in the Cairo verifier): code that builds
        // arrays costs bytecode in every class that builds the AIR.
        let mut info: Vec<i64> = vec![];
        for tree in 1..=2 {
            let columns = a.mask_offsets.get(tree).map(Vec::as_slice).unwrap_or(&[]);
            let runs: Vec<(usize, &Vec<isize>)> = columns
                .chunk_by(|x, y| x == y)
                .map(|run| (run.len(), &run[0]))
                .collect();
            info.push(runs.len() as i64);
            for (count, offsets) in runs {
                info.push(count as i64);
                info.push(offsets.len() as i64);
                info.extend(offsets.iter().map(|&o| o as i64));
            }
        }
        info.push(a.preprocessed.len() as i64);
        for (x, y) in a.preprocessed.iter().zip(&b.preprocessed) {
            if x == y {
                let i = ids.iter().position(|id| id == x).ok_or_else(|| {
                    fail(&format!("preprocessed column `{x}` is not in the trace"))
                })?;
                info.push(i as i64);
            } else if *x == format!("seq_{}", PROBE_LOG_SIZES.0)
                && *y == format!("seq_{}", PROBE_LOG_SIZES.1)
            {
                info.push(INFO_SEQ);
            } else {
                return Err(fail(&format!(
                    "preprocessed column `{x}` depends on the log size"
                )));
            }
        }
        info.push(a.params.len() as i64);
        for p in &a.params {
            info.push(match p.as_str() {
                "CommonLookupElements_z" => INFO_Z,
                "claimed_sum" => INFO_CLAIMED_SUM,
                "column_size" => INFO_COLUMN_SIZE,
                "segment_start" | "offset" => INFO_CLAIM_VALUE,
                other => match other
                    .strip_prefix("CommonLookupElements_alpha")
                    .and_then(|i| i.parse::<i64>().ok())
                {
                    Some(i) => i,
                    None => return Err(fail(&format!("unknown parameter `{other}`"))),
                },
            });
        }
        let info_name = format!("INFO_{}", slot.name.to_uppercase());
        let _ = writeln!(
            infos,
            "    if slot == {index} {{\n        return Option::Some({info_name}.span());\n    }}",
        );
        let _ = writeln!(
            functions,
            "pub const {info_name}: [i32; {}] = [{}];",
            info.len(),
            info.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(
            dispatch,
            "    if slot == {index} {{\n        return {};\n    }}",
            a.cairo_program()
        );
        functions.push_str(&a.cairo_consts());
    }

    let mut m = String::new();
    let _ = writeln!(
        m,
        "//! Generated by cairn-air-codegen (`cargo run -p cairn-air-codegen --bin cairo-air-layout`)\n\
         //! from cairo-air 1.3.0: the supported components' constraint programs (run by\n\
         //! `crate::constraints`). Do not edit; a test fails when this file is stale.\n\n\
         use crate::constraints::unpack_words;\n\n\
         /// Log sizes of the preprocessed columns ({:?}), in tree order.\n\
         pub fn preprocessed_log_sizes() -> Span<u32> {{\n    array![{}].span()\n}}\n",
        PREPROCESSED,
        log_sizes.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", "),
    );
    m.push_str("/// The preprocessed column `seq_<log_size>`, if the trace has one.\npub fn seq_column(log_size: u32) -> Option<u32> {\n");
    for (i, id) in ids.iter().enumerate() {
        if let Some(n) = id.strip_prefix("seq_").and_then(|n| n.parse::<u32>().ok()) {
            let _ = writeln!(
                m,
                "    if log_size == {n} {{\n        return Option::Some({i});\n    }}"
            );
        }
    }
    m.push_str("    Option::None\n}\n\n");
    m.push_str("/// What slot `slot`'s constraints read, as `air::component_info` reads it; None if the\n/// verifier does not support the slot.\npub fn component_data(slot: u32) -> Option<Span<i32>> {\n");
    m.push_str(&infos);
    m.push_str("    Option::None\n}\n\n");
    m.push_str(
        "/// Slot `slot`'s constraint program (a supported slot).\npub fn program(slot: u32) -> Span<Span<u32>> {\n",
    );
    m.push_str(&dispatch);
    m.push_str("    panic!(\"unsupported slot\")\n}\n\n");
    m.push_str(&functions);
    Ok(m)
}

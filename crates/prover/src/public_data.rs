//! Checks of a proof's public data that stwo-cairo 1.3.0's `verify_cairo` does not make, and
//! without which a valid STARK proof can state something the program never did:
//!
//! - The output section is the output segment. The AIR puts output cell i at `final_ap + i`;
//!   the segment is `[start, stop)` as the program's own pointers say. Unless `start == final_ap`
//!   and `stop - start` is the section's length, a prover lists cells the program never wrote
//!   (upstream fixed this after 1.3.0: "validate output segment start and length").
//! - Every program and output value is a field element. The transcript and the lookup read a
//!   value's low 252 bits; its top 4 bits would change the decoded felt unseen.
//! - Ids, pointers and registers are below 2^31 - 1: they enter the transcript and the lookup
//!   as M31 elements, where `k` and `k + P` are the same.
//! - A builtin component is claimed only for a builtin segment the program used: a component
//!   over an empty segment is checked against nothing.
//!
//! The Cairo verifier makes the same checks (`cairo_air::claim::verify_claim`).

use cairo_air::air::{PublicData, SegmentRange};
use cairo_air::claims::CairoClaim;

use crate::VerifyError;

/// 2^31 - 1.
const M31_P: u32 = 0x7fff_ffff;
/// The Stark prime's u32 limbs, least significant first: 2^251 + 17 * 2^192 + 1.
const STARK_P: [u32; 8] = [1, 0, 0, 0, 0, 0, 17, 0x0800_0000];

fn invalid(message: String) -> VerifyError {
    VerifyError::PublicData(message)
}

/// All of the module's checks.
pub(crate) fn check(claim: &CairoClaim) -> Result<(), VerifyError> {
    let data = &claim.public_data;
    check_words(data)?;
    check_values(data)?;
    check_output_segment(data)?;
    check_builtin_claims(claim)
}

fn check_words(data: &PublicData) -> Result<(), VerifyError> {
    let below_p = |what: &str, v: u32| {
        if v < M31_P {
            Ok(())
        } else {
            Err(invalid(format!("{what} {v} is not below 2^31 - 1")))
        }
    };
    for (what, state) in [
        ("initial", &data.initial_state),
        ("final", &data.final_state),
    ] {
        for (register, v) in [("pc", state.pc), ("ap", state.ap), ("fp", state.fp)] {
            below_p(&format!("{what} {register}"), v.0)?;
        }
    }
    let memory = &data.public_memory;
    for (i, range) in memory.public_segments.present_segments().iter().enumerate() {
        for (end, v) in [("start", range.start_ptr), ("stop", range.stop_ptr)] {
            below_p(&format!("segment {i}'s {end} pointer"), v.value)?;
            below_p(&format!("segment {i}'s {end} pointer id"), v.id)?;
        }
    }
    for id in memory.safe_call_ids {
        below_p("safe-call id", id)?;
    }
    for (section, cells) in [("program", &memory.program), ("output", &memory.output)] {
        for (i, (id, _)) in cells.iter().enumerate() {
            below_p(&format!("{section} cell {i}'s id"), *id)?;
        }
    }
    Ok(())
}

fn check_values(data: &PublicData) -> Result<(), VerifyError> {
    let memory = &data.public_memory;
    for (section, cells) in [("program", &memory.program), ("output", &memory.output)] {
        for (i, (_, limbs)) in cells.iter().enumerate() {
            // Compared from the most significant limb.
            if limbs.iter().rev().cmp(STARK_P.iter().rev()) != std::cmp::Ordering::Less {
                return Err(invalid(format!(
                    "{section} cell {i}: {limbs:?} is not a field element (at least P)"
                )));
            }
        }
    }
    Ok(())
}

fn check_output_segment(data: &PublicData) -> Result<(), VerifyError> {
    let SegmentRange {
        start_ptr,
        stop_ptr,
    } = data.public_memory.public_segments.output;
    let (start, stop) = (start_ptr.value, stop_ptr.value);
    let final_ap = data.final_state.ap.0;
    if start != final_ap {
        return Err(invalid(format!(
            "the output segment starts at {start}, the output section at final_ap {final_ap}"
        )));
    }
    let cells = data.public_memory.output.len();
    if stop < start || (stop - start) as usize != cells {
        return Err(invalid(format!(
            "the output segment [{start}, {stop}) is not the output section's {cells} cells"
        )));
    }
    Ok(())
}

fn check_builtin_claims(claim: &CairoClaim) -> Result<(), VerifyError> {
    let s = &claim.public_data.public_memory.public_segments;
    let claimed = [
        (
            "pedersen",
            claim.pedersen_builtin.is_some() || claim.pedersen_builtin_narrow_windows.is_some(),
            s.pedersen,
        ),
        (
            "range_check",
            claim.range_check_builtin.is_some(),
            s.range_check_128,
        ),
        ("bitwise", claim.bitwise_builtin.is_some(), s.bitwise),
        ("ec_op", claim.ec_op_builtin.is_some(), s.ec_op),
        ("poseidon", claim.poseidon_builtin.is_some(), s.poseidon),
        (
            "range_check96",
            claim.range_check96_builtin.is_some(),
            s.range_check_96,
        ),
        ("add_mod", claim.add_mod_builtin.is_some(), s.add_mod),
        ("mul_mod", claim.mul_mod_builtin.is_some(), s.mul_mod),
    ];
    for (name, present, segment) in claimed {
        if present && segment.is_none_or(|r| r.is_empty()) {
            return Err(invalid(format!(
                "a {name} builtin component is claimed for an empty segment"
            )));
        }
    }
    Ok(())
}

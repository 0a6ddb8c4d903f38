//! A Cairn proof's verification in stages, for a verifier that cannot run it in one go (a
//! Starknet transaction stops at 10M Cairo steps; the whole verification is ~29M, more with a
//! large program).
//!
//! The Fiat-Shamir transcript runs in three: `begin` (the statement's checks, the transcript up
//! to the program's cells), `program` over ranges of cells in order (`program::ProgramState`
//! carries from one to the next) and `transcript`, which returns what the transcript drew
//! ([`Transcript`]). Every later stage checks part of the proof against those values and changes
//! no randomness, so the checks may run in any order, each in its own transaction, given the
//! same statement and proof: the lookup sum (its program part over ranges of cells in order,
//! `lookup::LookupState` carrying, then the rest), the composition at the out-of-domain point,
//! each tree's opening, the quotients over all queries (in ranges) and FRI on those quotients.
//! The proof is valid when the transcript and every check pass. `verify_cairo` (the one-go
//! verifier) runs the same pieces.

use crate::circle::CirclePoint;
use crate::fields::{M31, QM31, QM31Trait};
use crate::fri_verifier::{FriLayerProof, FriProof, FriVerifierTrait};
use crate::packed::{read_rows, read_sampled};
use crate::pcs::{CommitmentSchemeVerifier, CommitmentSchemeVerifierTrait, PcsConfig};
use crate::stark::{
    StarkTranscript, check_composition, composition_half_bound, composition_sizes, sample_points,
};
use super::air::{CairoAir, CairoAirTrait, air_for_claim};
use super::claim::{read_section, section_hash};
use super::lookup::{
    LookupElements, LookupElementsTrait, LookupState, add_program_cells, claimed_sums,
    lookup_start, public_logup_sum_after,
};
use super::program::{ERR_CELLS, ProgramState, absorb_compact};
use super::{CairoStatement, CheckedStatement, transcript_head, transcript_tail};

pub const ERR_TRANSCRIPT: felt252 = 'stages: transcript shape';

/// Everything the transcript drew that a check needs.
#[derive(Drop, Serde, Debug, PartialEq)]
pub struct Transcript {
    /// The lookup elements.
    pub z: QM31,
    pub alpha: QM31,
    /// The composition's random coefficient and the out-of-domain point.
    pub composition_coeff: QM31,
    pub oods_point: CirclePoint<QM31>,
    /// The quotients' random coefficient.
    pub quotient_coeff: QM31,
    /// FRI's folding randomness: first layer, then inner layers.
    pub fri_alphas: Array<QM31>,
    /// The query positions (sorted, distinct).
    pub positions: Array<u32>,
    /// The program's cells: the lookup stages take in that many.
    pub program_cells: u32,
}

/// The transcript after the program's cells (`state`, all of them in), and the program's hash.
/// `commitments` are the proof's four tree roots.
pub fn transcript(
    statement: @CairoStatement,
    config: PcsConfig,
    commitments: Span<felt252>,
    state: ProgramState,
    sampled_values: Span<Array<Array<QM31>>>,
    proof_of_work: u64,
    fri_proof: FriProof,
) -> Result<(Transcript, felt252), felt252> {
    let program_cells = state.cells;
    let (CheckedStatement { air, elements, mut channel, mut scheme }, program_hash) =
        transcript_tail(
        statement, config, commitments, state,
    )?;
    let StarkTranscript { composition_coeff, oods_point, quotient_coeff, fri } =
        crate::stark::transcript(
        @air, ref channel, ref scheme, commitments, sampled_values, proof_of_work, fri_proof,
    )?;
    let mut positions = array![];
    for p in fri.queries() {
        positions.append(*p);
    }
    let t = Transcript {
        z: elements.z,
        alpha: elements.alpha,
        composition_coeff,
        oods_point,
        quotient_coeff,
        fri_alphas: fri.alphas(),
        positions,
        program_cells,
    };
    Result::Ok((t, program_hash))
}

/// The lookup argument balances under the drawn elements, given its program part (`state`,
/// every cell in).
pub fn check_lookup(
    statement: @CairoStatement, transcript: @Transcript, state: LookupState,
) -> Result<(), felt252> {
    if state.next != *transcript.program_cells {
        return Result::Err(ERR_CELLS);
    }
    let elements = LookupElementsTrait::new(*transcript.z, *transcript.alpha);
    let public = public_logup_sum_after(statement.claim.public_data, @elements, state.sum)?;
    if public + claimed_sums(statement.interaction_claim) != QM31Trait::zero() {
        return Result::Err('cairo_air: lookup sum');
    }
    Result::Ok(())
}

/// The AIR's constraints at the out-of-domain point equal the composition's claimed value.
pub fn check_oods(
    statement: @CairoStatement,
    transcript: @Transcript,
    sampled_values: Span<Array<Array<QM31>>>,
) -> Result<(), felt252> {
    let air = air_with_params(statement, transcript)?;
    let points = sample_points(@air, *transcript.oods_point);
    check_composition(
        @air, *transcript.oods_point, *transcript.composition_coeff, points.span(), sampled_values,
    )
}

/// Tree `t`'s decommitment at the query positions (0 preprocessed, 1 trace, 2 interaction,
/// 3 composition), given each query's leaf hash (`leaves`, in query order: what the quotient
/// ranges computed from the values they read).
pub fn check_tree(
    statement: @CairoStatement,
    transcript: @Transcript,
    config: PcsConfig,
    commitments: Span<felt252>,
    t: u32,
    leaves: Span<felt252>,
    decommitment: Span<felt252>,
) -> Result<(), felt252> {
    let (_, scheme) = scheme_of(statement, config, commitments)?;
    scheme.open_leaves(t, transcript.positions.span(), leaves, decommitment)
}

/// What FRI's first layer must hold at queries `first .. first + count` (the quotients), from
/// those queries' values (per tree, per column, `count` values), and per tree those queries'
/// leaf hashes (what the tree stages check).
pub fn quotients(
    statement: @CairoStatement,
    transcript: @Transcript,
    config: PcsConfig,
    commitments: Span<felt252>,
    sampled_values: Span<Array<Array<QM31>>>,
    queried_values: Span<Array<Array<M31>>>,
    first: u32,
    count: u32,
) -> Result<(Array<QM31>, Array<Array<felt252>>), felt252> {
    let (air, scheme) = scheme_of(statement, config, commitments)?;
    let points = sample_points(@air, *transcript.oods_point);
    let answers = scheme
        .quotients(
            points.span(),
            sampled_values,
            queried_values,
            *transcript.quotient_coeff,
            transcript.positions.span(),
            first,
            count,
        )?;
    let mut leaves = array![];
    for tree in 0..queried_values.len() {
        leaves.append(scheme.tree_leaves(tree, queried_values.at(tree).span(), count)?);
    }
    Result::Ok((answers, leaves))
}

/// FRI's decommitment of layers `first ..` (as many as `fri_proof` has decommitments for; 0
/// the first layer), given the values at layer `first`'s queries: the quotients at all queries
/// (in position order) for the first layer, else what the range before returned. `None` once
/// the last layer is checked, else the values the next layer must hold.
pub fn check_fri_layers(
    statement: @CairoStatement,
    transcript: @Transcript,
    config: PcsConfig,
    commitments: Span<felt252>,
    fri_proof: FriProof,
    first: u32,
    count: u32,
    evals: Span<QM31>,
) -> Result<Option<Array<QM31>>, felt252> {
    let (_, scheme) = scheme_of(statement, config, commitments)?;
    let mut fri = FriVerifierTrait::build(
        config.fri_config, fri_proof, scheme.fri_log_degree_bound()?, transcript.fri_alphas.span(),
    )?;
    fri.set_queries(transcript.positions.span());
    fri.decommit_layers(first, count, evals)
}

/// The claim's AIR (without lookup parameters) and the commitment scheme's four trees.
fn scheme_of(
    statement: @CairoStatement, config: PcsConfig, commitments: Span<felt252>,
) -> Result<(CairoAir, CommitmentSchemeVerifier), felt252> {
    if commitments.len() != 4 {
        return Result::Err(ERR_TRANSCRIPT);
    }
    let air = air_for_claim(statement.claim)?;
    let mut scheme = CommitmentSchemeVerifierTrait::new(config);
    let sizes = air.tree_log_sizes();
    for t in 0..3_u32 {
        scheme.add_tree(*commitments.at(t), *sizes.at(t));
    }
    scheme.add_tree(*commitments.at(3), composition_sizes(composition_half_bound(@air)?));
    Result::Ok((air, scheme))
}

/// The claim's AIR with its lookup parameters under the drawn elements.
fn air_with_params(
    statement: @CairoStatement, transcript: @Transcript,
) -> Result<CairoAir, felt252> {
    let mut air = air_for_claim(statement.claim)?;
    let elements: LookupElements = LookupElementsTrait::new(*transcript.z, *transcript.alpha);
    air.set_params(@elements, statement.interaction_claim)?;
    Result::Ok(air)
}

// Entry points over felts: what a stage's executable or contract class runs. Each takes its
// inputs as a list of sections, one serialized input per section (a section must hold exactly
// its input: no felt can move from one input to the next), and replies `['ok', output...]` or
// `[reason]`.

/// The statement section of every stage holds an empty program section: the program's cells
/// (compact, `claim::read_section`) come in ranges, to the `program` and `lookup_cells` stages.

/// Sections: statement, config, commitments, the program's cell count. Output: the
/// `ProgramState` before the first cell.
pub fn run_begin(inputs: Span<Span<felt252>>) -> Array<felt252> {
    reply(begin_entry(inputs))
}

/// Sections: the `ProgramState` so far, the next cells. Output: the new `ProgramState`.
pub fn run_program(inputs: Span<Span<felt252>>) -> Array<felt252> {
    reply(program_entry(inputs))
}

/// Sections: statement, config, commitments, sampled values (`packed::read_sampled`), proof of
/// work, FRI proof, the `ProgramState` after the last cell. Output: the `Transcript`, then the
/// Poseidon hashes of the program's bytecode and of the output (`claim::section_hash`): what
/// the proof states, as the chain names it.
pub fn run_transcript(inputs: Span<Span<felt252>>) -> Array<felt252> {
    reply(transcript_entry(inputs))
}

/// Sections: statement, transcript, the `LookupState` so far (empty before the first cell), the
/// next cells. Output: the new `LookupState`.
pub fn run_lookup_cells(inputs: Span<Span<felt252>>) -> Array<felt252> {
    reply(lookup_cells_entry(inputs))
}

/// Sections: statement, transcript, the `LookupState` after the last cell.
pub fn run_lookup(inputs: Span<Span<felt252>>) -> Array<felt252> {
    reply(lookup_entry(inputs))
}

/// Sections: statement, transcript, sampled values.
pub fn run_oods(inputs: Span<Span<felt252>>) -> Array<felt252> {
    reply(oods_entry(inputs))
}

/// Sections: statement, transcript, config, commitments, the tree's index, its leaf hashes at
/// every query (an array, in query order), its decommitment.
pub fn run_tree(inputs: Span<Span<felt252>>) -> Array<felt252> {
    reply(tree_entry(inputs))
}

/// Sections: statement, transcript, config, commitments, sampled values, first, count, then the
/// four trees' values at queries `first .. first + count` (`packed::read_rows` each). Output:
/// the quotients (an array), then each tree's leaf hashes at those queries (an array each):
/// the tree stages check the leaves against the roots, so the values the quotients come from
/// are the committed ones.
pub fn run_quotients(inputs: Span<Span<felt252>>) -> Array<felt252> {
    reply(quotients_entry(inputs))
}

/// Sections: statement, transcript, config, commitments, FRI proof without its layers'
/// witnesses and decommitments (what the transcript read), the first layer of the range (0: FRI's
/// first layer), the range's layers' witnesses and decommitments ([`FriDecommitment`] each), the
/// values at the range's first layer (the quotients at all queries for layer 0). Output:
/// whether the last layer is checked, then the values the next range takes (an array, empty
/// after the last layer).
pub fn run_fri(inputs: Span<Span<felt252>>) -> Array<felt252> {
    reply(fri_entry(inputs))
}

pub const ERR_INPUT: felt252 = 'stages: malformed input';

fn begin_entry(mut inputs: Span<Span<felt252>>) -> Result<Array<felt252>, felt252> {
    let statement: CairoStatement = read(ref inputs)?;
    let config: PcsConfig = read(ref inputs)?;
    let commitments: Array<felt252> = read(ref inputs)?;
    let cells: u32 = read(ref inputs)?;
    done(inputs)?;
    no_program(@statement)?;
    let state = transcript_head(@statement, config, commitments.span(), cells)?;
    let mut out = array![];
    state.serialize(ref out);
    Result::Ok(out)
}

fn program_entry(mut inputs: Span<Span<felt252>>) -> Result<Array<felt252>, felt252> {
    let mut state: ProgramState = read(ref inputs)?;
    let cells = next(ref inputs)?;
    done(inputs)?;
    absorb_compact(ref state, cells).ok_or(ERR_INPUT)??;
    let mut out = array![];
    state.serialize(ref out);
    Result::Ok(out)
}

fn transcript_entry(mut inputs: Span<Span<felt252>>) -> Result<Array<felt252>, felt252> {
    let statement: CairoStatement = read(ref inputs)?;
    let config: PcsConfig = read(ref inputs)?;
    let commitments: Array<felt252> = read(ref inputs)?;
    let mut section = next(ref inputs)?;
    let sampled = read_sampled(ref section).ok_or(ERR_INPUT)?;
    done(section)?;
    let pow: u64 = read(ref inputs)?;
    let fri: FriProof = read(ref inputs)?;
    let state: ProgramState = read(ref inputs)?;
    done(inputs)?;
    no_program(@statement)?;
    let (t, program_hash) = transcript(
        @statement, config, commitments.span(), state, sampled.span(), pow, fri,
    )?;
    let mut out = array![];
    t.serialize(ref out);
    out.append(program_hash);
    out.append(section_hash(statement.claim.public_data.public_memory.output.span()));
    Result::Ok(out)
}

fn lookup_cells_entry(mut inputs: Span<Span<felt252>>) -> Result<Array<felt252>, felt252> {
    let statement: CairoStatement = read(ref inputs)?;
    let t: Transcript = read(ref inputs)?;
    let section = next(ref inputs)?;
    let mut state = if section.is_empty() {
        lookup_start()
    } else {
        let mut section = section;
        let state: LookupState = Serde::deserialize(ref section).ok_or(ERR_INPUT)?;
        done(section)?;
        state
    };
    let cells = read_cells(ref inputs)?;
    done(inputs)?;
    if cells.len() > t.program_cells - state.next {
        return Result::Err(ERR_CELLS);
    }
    let elements = LookupElementsTrait::new(t.z, t.alpha);
    let pc = statement.claim.public_data.initial_state.pc.v;
    add_program_cells(ref state, @elements, pc, cells.span());
    let mut out = array![];
    state.serialize(ref out);
    Result::Ok(out)
}

fn lookup_entry(mut inputs: Span<Span<felt252>>) -> Result<Array<felt252>, felt252> {
    let statement: CairoStatement = read(ref inputs)?;
    let t: Transcript = read(ref inputs)?;
    let state: LookupState = read(ref inputs)?;
    done(inputs)?;
    check_lookup(@statement, @t, state)?;
    Result::Ok(array![])
}

fn oods_entry(mut inputs: Span<Span<felt252>>) -> Result<Array<felt252>, felt252> {
    let statement: CairoStatement = read(ref inputs)?;
    let t: Transcript = read(ref inputs)?;
    let mut section = next(ref inputs)?;
    let sampled = read_sampled(ref section).ok_or(ERR_INPUT)?;
    done(section)?;
    done(inputs)?;
    check_oods(@statement, @t, sampled.span())?;
    Result::Ok(array![])
}

fn tree_entry(mut inputs: Span<Span<felt252>>) -> Result<Array<felt252>, felt252> {
    let statement: CairoStatement = read(ref inputs)?;
    let t: Transcript = read(ref inputs)?;
    let config: PcsConfig = read(ref inputs)?;
    let commitments: Array<felt252> = read(ref inputs)?;
    let tree: u32 = read(ref inputs)?;
    let leaves: Array<felt252> = read(ref inputs)?;
    let witness: Array<felt252> = read(ref inputs)?;
    done(inputs)?;
    check_tree(@statement, @t, config, commitments.span(), tree, leaves.span(), witness.span())?;
    Result::Ok(array![])
}

fn quotients_entry(mut inputs: Span<Span<felt252>>) -> Result<Array<felt252>, felt252> {
    let statement: CairoStatement = read(ref inputs)?;
    let t: Transcript = read(ref inputs)?;
    let config: PcsConfig = read(ref inputs)?;
    let commitments: Array<felt252> = read(ref inputs)?;
    let mut section = next(ref inputs)?;
    let sampled = read_sampled(ref section).ok_or(ERR_INPUT)?;
    done(section)?;
    let first: u32 = read(ref inputs)?;
    let count: u32 = read(ref inputs)?;
    let mut trees: Array<Array<Array<M31>>> = array![];
    for _ in 0..4_u32 {
        let mut section = next(ref inputs)?;
        trees.append(read_rows(ref section).ok_or(ERR_INPUT)?);
        done(section)?;
    }
    done(inputs)?;
    let (answers, leaves) = quotients(
        @statement, @t, config, commitments.span(), sampled.span(), trees.span(), first, count,
    )?;
    let mut out = array![];
    answers.serialize(ref out);
    for tree_leaves in leaves {
        tree_leaves.serialize(ref out);
    }
    Result::Ok(out)
}

fn fri_entry(mut inputs: Span<Span<felt252>>) -> Result<Array<felt252>, felt252> {
    let statement: CairoStatement = read(ref inputs)?;
    let t: Transcript = read(ref inputs)?;
    let config: PcsConfig = read(ref inputs)?;
    let commitments: Array<felt252> = read(ref inputs)?;
    let fri: FriProof = read(ref inputs)?;
    let first: u32 = read(ref inputs)?;
    let decommitments: Array<FriDecommitment> = read(ref inputs)?;
    let count = decommitments.len();
    let fri = with_decommitments(fri, first, decommitments)?;
    let evals: Array<QM31> = read(ref inputs)?;
    done(inputs)?;
    let next = check_fri_layers(
        @statement, @t, config, commitments.span(), fri, first, count, evals.span(),
    )?;
    let mut out = array![];
    match next {
        Option::Some(values) => {
            out.append(0);
            values.serialize(ref out);
        },
        Option::None => {
            out.append(1);
            out.append(0);
        },
    }
    Result::Ok(out)
}

/// Deserializes the next section, which must hold exactly one `T`.
fn read<T, +Serde<T>, +Drop<T>>(ref inputs: Span<Span<felt252>>) -> Result<T, felt252> {
    let mut section = next(ref inputs)?;
    let value = Serde::deserialize(ref section).ok_or(ERR_INPUT)?;
    done(section)?;
    Result::Ok(value)
}

/// One FRI layer's witness and decommitment: the part of `FriLayerProof` only FRI's check reads
/// (the transcript reads the roots and the last layer, a fraction of the proof).
#[derive(Drop, Serde, Debug)]
pub struct FriDecommitment {
    pub fri_witness: Array<QM31>,
    pub decommitment: Array<felt252>,
}

/// `fri` (whose layers' witnesses and decommitments must be empty) with `decommitments` for
/// layers `first ..` (0 the first layer, then the inner ones).
fn with_decommitments(
    fri: FriProof, first: u32, decommitments: Array<FriDecommitment>,
) -> Result<FriProof, felt252> {
    let FriProof { first_layer, inner_layers, last_layer_poly } = fri;
    let end = first + decommitments.len();
    if decommitments.len() == 0 || end > inner_layers.len() + 1 {
        return Result::Err(ERR_INPUT);
    }
    let mut parts = decommitments.span();
    let first_layer = if first == 0 {
        with_decommitment(first_layer, parts.pop_front().unwrap())?
    } else {
        empty_layer(first_layer)?
    };
    let mut layers = array![];
    let mut i = 1;
    for layer in inner_layers {
        layers
            .append(
                if i >= first && i < end {
                    with_decommitment(layer, parts.pop_front().unwrap())?
                } else {
                    empty_layer(layer)?
                },
            );
        i += 1;
    }
    Result::Ok(FriProof { first_layer, inner_layers: layers, last_layer_poly })
}

/// A layer as the transcript reads it: its root only.
fn empty_layer(layer: FriLayerProof) -> Result<FriLayerProof, felt252> {
    if layer.fri_witness.len() != 0 || layer.decommitment.len() != 0 {
        return Result::Err(ERR_INPUT);
    }
    Result::Ok(layer)
}

fn with_decommitment(
    layer: FriLayerProof, part: @FriDecommitment,
) -> Result<FriLayerProof, felt252> {
    let layer = empty_layer(layer)?;
    let mut fri_witness = array![];
    fri_witness.append_span(part.fri_witness.span());
    let mut decommitment = array![];
    decommitment.append_span(part.decommitment.span());
    Result::Ok(FriLayerProof { fri_witness, decommitment, commitment: layer.commitment })
}

/// A range of program cells (compact, `claim::read_section`), the whole section.
fn read_cells(ref inputs: Span<Span<felt252>>) -> Result<Array<(u32, [u32; 8])>, felt252> {
    let mut section = next(ref inputs)?;
    let cells = read_section(ref section).ok_or(ERR_INPUT)?;
    done(section)?;
    Result::Ok(cells)
}

/// The statement section comes without the program's cells (they come in ranges).
fn no_program(statement: @CairoStatement) -> Result<(), felt252> {
    if statement.claim.public_data.public_memory.program.len() != 0 {
        return Result::Err(ERR_INPUT);
    }
    Result::Ok(())
}

/// The next section.
fn next(ref inputs: Span<Span<felt252>>) -> Result<Span<felt252>, felt252> {
    Result::Ok(*inputs.pop_front().ok_or(ERR_INPUT)?)
}

/// Nothing may follow the last input.
fn done<T, +Drop<T>>(rest: Span<T>) -> Result<(), felt252> {
    if rest.is_empty() {
        Result::Ok(())
    } else {
        Result::Err(ERR_INPUT)
    }
}

/// `['ok', output...]` or `[reason]`.
fn reply(result: Result<Array<felt252>, felt252>) -> Array<felt252> {
    match result {
        Result::Ok(output) => {
            let mut out = array!['ok'];
            out.append_span(output.span());
            out
        },
        Result::Err(e) => array![e],
    }
}

//! The Cairo AIR's own checks around the STARK, as stwo-cairo's `verify_cairo_ex` (cairo-air
//! 1.3.0) does them: the claim (public data, builtin segments, relation-use bounds), the Fiat-
//! Shamir transcript before the trace commitments are opened (salt, configuration, claim,
//! interaction proof of work, lookup elements, interaction claim) and the lookup argument's
//! balance, public memory included — then the STARK over the Cairo AIR of the claim
//! (`verify_cairo`), with the constraints `cairn-air-codegen` generated for the components this
//! verifier supports (`components.cairo`).

pub mod air;
pub mod claim;
pub mod components;
pub mod layout;
pub mod lookup;
pub mod program;
pub mod stages;

use crate::channel::{Channel, ChannelTrait};
use crate::fields::{QM31Trait, qm31};
use crate::pcs::{
    CommitmentSchemeProof, CommitmentSchemeVerifier, CommitmentSchemeVerifierTrait, PcsConfig,
};
use air::{CairoAir, CairoAirTrait, air_for_claim};
use claim::{
    CairoClaim, InteractionClaim, InteractionClaimTrait, claim_words, mix_claim_values, verify_claim,
};
use lookup::{LookupElements, LookupElementsTrait, lookup_sum};
use program::{ProgramState, absorb_cells};

/// Bits of proof of work before the lookup elements are drawn (cairo-air's
/// `INTERACTION_POW_BITS`).
pub const INTERACTION_POW_BITS: u32 = 24;

/// What a Cairo proof states besides its STARK proof, in Cairn's serialization order.
#[derive(Drop, Debug)]
pub struct CairoStatement {
    pub claim: CairoClaim,
    pub interaction_pow: u64,
    pub interaction_claim: InteractionClaim,
    pub channel_salt: u32,
}

pub impl CairoStatementSerde of Serde<CairoStatement> {
    fn serialize(self: @CairoStatement, ref output: Array<felt252>) {
        panic!("a statement is only read")
    }

    fn deserialize(ref serialized: Span<felt252>) -> Option<CairoStatement> {
        let claim = claim::read_claim(ref serialized)?;
        let interaction_pow = Serde::deserialize(ref serialized)?;
        let interaction_claim = claim::read_interaction_claim(ref serialized)?;
        let channel_salt = Serde::deserialize(ref serialized)?;
        Option::Some(CairoStatement { claim, interaction_pow, interaction_claim, channel_salt })
    }
}

/// Verifies a Cairn proof: the statement's checks, then the STARK over the Cairo AIR of its
/// claim. `Ok` means the claim's program ran to its final state with this public memory
/// (program and output) — under Cairn's parameters and preprocessed trace only.
pub fn verify_cairo(statement: @CairoStatement, proof: CommitmentSchemeProof) -> Result<(), felt252> {
    let CheckedStatement { air, elements: _, mut channel, mut scheme } = check_statement(
        statement, proof.config, proof.commitments.span(),
    )?;
    crate::stark::verify(@air, ref channel, ref scheme, proof)
}

/// A statement that passed its checks, with the transcript after the interaction commitment.
#[derive(Drop)]
pub struct CheckedStatement {
    pub air: CairoAir,
    pub elements: LookupElements,
    pub channel: Channel,
    pub scheme: CommitmentSchemeVerifier,
}

/// stwo-cairo's `verify_cairo_ex` up to (and including) the interaction-trace commitment:
/// Cairn's parameters and preprocessed root, the claim, the AIR it implies, the transcript, the
/// interaction proof of work and the lookup sum. `roots` are the proof's commitments.
pub fn check_statement(
    statement: @CairoStatement, config: PcsConfig, roots: Span<felt252>,
) -> Result<CheckedStatement, felt252> {
    let checked = statement_transcript(statement, config, roots)?;
    check_lookup_sum(statement, @checked.elements)?;
    Result::Ok(checked)
}

/// The lookup argument balances: public memory, registers and every claimed sum add up to 0.
pub fn check_lookup_sum(
    statement: @CairoStatement, elements: @LookupElements,
) -> Result<(), felt252> {
    if lookup_sum(statement.claim, elements, statement.interaction_claim)? != QM31Trait::zero() {
        return Result::Err('cairo_air: lookup sum');
    }
    Result::Ok(())
}

/// `check_statement` but the lookup sum (which the transcript does not depend on): the
/// transcript's head, the program's cells, its tail.
pub fn statement_transcript(
    statement: @CairoStatement, config: PcsConfig, roots: Span<felt252>,
) -> Result<CheckedStatement, felt252> {
    let program = statement.claim.public_data.public_memory.program.span();
    let mut state = transcript_head(statement, config, roots, program.len())?;
    absorb_cells(ref state, program)?;
    let (checked, _) = transcript_tail(statement, config, roots, state)?;
    Result::Ok(checked)
}

/// The statement's checks and the transcript up to the program's cells, for a program of
/// `program_cells` cells (the statement's own program section is not read): the state that
/// takes in the cells (`program::absorb_cells`).
pub fn transcript_head(
    statement: @CairoStatement, config: PcsConfig, roots: Span<felt252>, program_cells: u32,
) -> Result<ProgramState, felt252> {
    check_parameters(config, roots)?;
    verify_claim(statement.claim, statement.interaction_claim)?;
    if program_cells < 6 {
        return Result::Err('cairo_air: program prologue');
    }
    // The claim must make an AIR (the tail builds it again).
    air_for_claim(statement.claim)?;
    let fri = config.fri_config;
    let mut channel = ChannelTrait::new();
    channel.mix_felts(array![qm31(*statement.channel_salt, 0, 0, 0)].span());
    channel
        .mix_felts(
            array![
                qm31(
                    config.pow_bits,
                    fri.log_blowup_factor,
                    fri.n_queries,
                    fri.log_last_layer_degree_bound,
                ),
                qm31(fri.fold_step, 0, 0, 0),
            ]
                .span(),
        );
    // The preprocessed tree's commitment; the tail gives the scheme its sizes.
    channel.mix_root(*roots.at(0));
    let ids = claim_words(statement.claim, program_cells, ref channel);
    Result::Ok(program::start(program_cells, ids))
}

/// The transcript after the program's cells (all of `state`'s) up to the interaction
/// commitment, and the program's hash (`claim::section_hash`).
pub fn transcript_tail(
    statement: @CairoStatement, config: PcsConfig, roots: Span<felt252>, state: ProgramState,
) -> Result<(CheckedStatement, felt252), felt252> {
    check_parameters(config, roots)?;
    let (digest, program_leaf, program_hash) = program::finish(state)?;
    let mut air = air_for_claim(statement.claim)?;
    let sizes = air.tree_log_sizes();
    let mut channel = ChannelTrait::new();
    channel.update_digest(digest);
    mix_claim_values(statement.claim, program_leaf, ref channel);
    let mut scheme = CommitmentSchemeVerifierTrait::new(config);
    scheme.add_tree(*roots.at(0), *sizes.at(0));
    scheme.commit(*roots.at(1), *sizes.at(1), ref channel);
    if !channel.verify_pow_nonce(INTERACTION_POW_BITS, *statement.interaction_pow) {
        return Result::Err('cairo_air: interaction pow');
    }
    channel.mix_u64(*statement.interaction_pow);
    let elements = LookupElementsTrait::draw(ref channel);
    statement.interaction_claim.mix_into(ref channel);
    scheme.commit(*roots.at(2), *sizes.at(2), ref channel);
    air.set_params(@elements, statement.interaction_claim)?;
    Result::Ok((CheckedStatement { air, elements, channel, scheme }, program_hash))
}

/// Cairn's parameters and preprocessed root.
fn check_parameters(config: PcsConfig, roots: Span<felt252>) -> Result<(), felt252> {
    let fri = config.fri_config;
    if config.pow_bits != layout::POW_BITS
        || fri.log_blowup_factor != layout::LOG_BLOWUP_FACTOR
        || fri.n_queries != layout::N_QUERIES
        || fri.log_last_layer_degree_bound != layout::LOG_LAST_LAYER_DEGREE_BOUND
        || fri.fold_step != layout::FOLD_STEP {
        return Result::Err('cairo_air: parameters');
    }
    // Preprocessed, trace, interaction and composition trees: exactly.
    if roots.len() != 4 {
        return Result::Err('cairo_air: commitments');
    }
    if *roots.at(0) != layout::PREPROCESSED_ROOT {
        return Result::Err('cairo_air: preprocessed trace');
    }
    Result::Ok(())
}

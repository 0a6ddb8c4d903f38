//! The Cairo AIR's own checks around the STARK, as stwo-cairo's `verify_cairo_ex` (cairo-air
//! 1.3.0) does them: the claim (public data, builtin segments, relation-use bounds), the Fiat-
//! Shamir transcript before the trace commitments are opened (salt, configuration, claim,
//! interaction proof of work, lookup elements, interaction claim) and the lookup argument's
//! balance, public memory included. The STARK step over the generated AIR comes after.

pub mod claim;
pub mod layout;
pub mod lookup;

use crate::channel::{Channel, ChannelTrait};
use crate::fields::{QM31Trait, qm31};
use crate::pcs::PcsConfig;
use claim::{CairoClaim, InteractionClaim, InteractionClaimTrait, mix_claim, verify_claim};
use lookup::{LookupElements, LookupElementsTrait, lookup_sum};

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

/// Replays `verify_cairo_ex` from a fresh channel up to (and including) the interaction-trace
/// commitment, checking the claim, the interaction proof of work and the lookup sum on the way.
/// `roots` are the preprocessed, trace and interaction-trace Merkle roots. Returns the lookup
/// elements the AIR's constraints use.
pub fn verify_statement(
    statement: @CairoStatement, config: @PcsConfig, roots: Span<felt252>, ref channel: Channel,
) -> Result<LookupElements, felt252> {
    verify_claim(statement.claim, statement.interaction_claim)?;
    if roots.len() < 3 {
        return Result::Err('cairo_air: commitments');
    }
    channel.mix_felts(array![qm31(*statement.channel_salt, 0, 0, 0)].span());
    let fri = config.fri_config;
    channel
        .mix_felts(
            array![
                qm31(*config.pow_bits, *fri.log_blowup_factor, *fri.n_queries, *fri.log_last_layer_degree_bound),
                qm31(*fri.fold_step, 0, 0, 0),
            ]
                .span(),
        );
    channel.mix_root(*roots.at(0));
    mix_claim(statement.claim, ref channel);
    channel.mix_root(*roots.at(1));
    if !channel.verify_pow_nonce(INTERACTION_POW_BITS, *statement.interaction_pow) {
        return Result::Err('cairo_air: interaction pow');
    }
    channel.mix_u64(*statement.interaction_pow);
    let elements = LookupElementsTrait::draw(ref channel);
    if lookup_sum(statement.claim, @elements, statement.interaction_claim)? != QM31Trait::zero() {
        return Result::Err('cairo_air: lookup sum');
    }
    statement.interaction_claim.mix_into(ref channel);
    channel.mix_root(*roots.at(2));
    Result::Ok(elements)
}

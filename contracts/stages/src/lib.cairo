//! The verification stages of `cairn_stwo_verifier::cairo_air::stages` as Starknet classes, one
//! per Scarb feature (`scarb build --features tree`): a class holds at most 81,920 CASM felts and
//! the whole verifier needs more. Each class has one entry point, `run`, which takes the step
//! (the transcript class runs `begin` 0, `program` 1 and `transcript` 2; the lookup class
//! `lookup_cells` 0 and `lookup` 1; the others 0) and its inputs as sections, and replies
//! `['ok', output...]` or `[reason]`; the verifier contract (`contracts/verifier`) runs them by
//! library call, so they need no deployment.

#[starknet::interface]
pub trait IStage<T> {
    fn run(self: @T, step: u32, inputs: Span<Span<felt252>>) -> Array<felt252>;
}

pub const NO_SUCH_STEP: felt252 = 'stages: no such step';

#[cfg(feature: 'transcript')]
#[starknet::contract]
pub mod TranscriptStage {
    use cairn_stwo_verifier::cairo_air::stages::{run_begin, run_program, run_transcript};

    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl Stage of super::IStage<ContractState> {
        fn run(self: @ContractState, step: u32, inputs: Span<Span<felt252>>) -> Array<felt252> {
            match step {
                0 => run_begin(inputs),
                1 => run_program(inputs),
                2 => run_transcript(inputs),
                _ => array![super::NO_SUCH_STEP],
            }
        }
    }
}

#[cfg(feature: 'lookup')]
#[starknet::contract]
pub mod LookupStage {
    use cairn_stwo_verifier::cairo_air::stages::{run_lookup, run_lookup_cells};

    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl Stage of super::IStage<ContractState> {
        fn run(self: @ContractState, step: u32, inputs: Span<Span<felt252>>) -> Array<felt252> {
            match step {
                0 => run_lookup_cells(inputs),
                1 => run_lookup(inputs),
                _ => array![super::NO_SUCH_STEP],
            }
        }
    }
}

#[cfg(feature: 'oods')]
#[starknet::contract]
pub mod OodsStage {
    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl Stage of super::IStage<ContractState> {
        fn run(self: @ContractState, step: u32, inputs: Span<Span<felt252>>) -> Array<felt252> {
            if step != 0 {
                return array![super::NO_SUCH_STEP];
            }
            cairn_stwo_verifier::cairo_air::stages::run_oods(inputs)
        }
    }
}

#[cfg(feature: 'tree')]
#[starknet::contract]
pub mod TreeStage {
    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl Stage of super::IStage<ContractState> {
        fn run(self: @ContractState, step: u32, inputs: Span<Span<felt252>>) -> Array<felt252> {
            if step != 0 {
                return array![super::NO_SUCH_STEP];
            }
            cairn_stwo_verifier::cairo_air::stages::run_tree(inputs)
        }
    }
}

#[cfg(feature: 'quotients')]
#[starknet::contract]
pub mod QuotientsStage {
    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl Stage of super::IStage<ContractState> {
        fn run(self: @ContractState, step: u32, inputs: Span<Span<felt252>>) -> Array<felt252> {
            if step != 0 {
                return array![super::NO_SUCH_STEP];
            }
            cairn_stwo_verifier::cairo_air::stages::run_quotients(inputs)
        }
    }
}

#[cfg(feature: 'fri')]
#[starknet::contract]
pub mod FriStage {
    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl Stage of super::IStage<ContractState> {
        fn run(self: @ContractState, step: u32, inputs: Span<Span<felt252>>) -> Array<felt252> {
            if step != 0 {
                return array![super::NO_SUCH_STEP];
            }
            cairn_stwo_verifier::cairo_air::stages::run_fri(inputs)
        }
    }
}

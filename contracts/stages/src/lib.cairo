//! The verification stages of `cairn_stwo_verifier::cairo_air::stages` as Starknet classes, one
//! per Scarb feature (`scarb build --features tree`): a class holds at most 81,920 CASM felts and
//! the whole verifier needs more. Each class has one entry point, `run`, which takes the stage's
//! inputs as sections and replies `['ok', output...]` or `[reason]`; the verifier contract
//! (`contracts/verifier`) runs them by library call, so they need no deployment.

#[starknet::interface]
pub trait IStage<T> {
    fn run(self: @T, inputs: Span<Span<felt252>>) -> Array<felt252>;
}

#[cfg(feature: 'transcript')]
#[starknet::contract]
pub mod TranscriptStage {
    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl Stage of super::IStage<ContractState> {
        fn run(self: @ContractState, inputs: Span<Span<felt252>>) -> Array<felt252> {
            cairn_stwo_verifier::cairo_air::stages::run_transcript(inputs)
        }
    }
}

#[cfg(feature: 'lookup')]
#[starknet::contract]
pub mod LookupStage {
    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl Stage of super::IStage<ContractState> {
        fn run(self: @ContractState, inputs: Span<Span<felt252>>) -> Array<felt252> {
            cairn_stwo_verifier::cairo_air::stages::run_lookup(inputs)
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
        fn run(self: @ContractState, inputs: Span<Span<felt252>>) -> Array<felt252> {
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
        fn run(self: @ContractState, inputs: Span<Span<felt252>>) -> Array<felt252> {
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
        fn run(self: @ContractState, inputs: Span<Span<felt252>>) -> Array<felt252> {
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
        fn run(self: @ContractState, inputs: Span<Span<felt252>>) -> Array<felt252> {
            cairn_stwo_verifier::cairo_air::stages::run_fri(inputs)
        }
    }
}

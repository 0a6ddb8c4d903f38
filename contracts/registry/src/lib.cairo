//! Registry of verified inference facts.
//!
//! A fact is `poseidon(program_hash, output_hash)`: "the program with this hash produced this output".
//! Only the verifier account or contract named at deployment may register facts; anyone may read them.
//!
//! Models name programs for dapps: `register_model(name, program_hash)` creates the model id
//! `poseidon(caller, name)` (`model_id`), bound to that program for good. Nobody else can create
//! that id (it holds its owner's address) and nobody can re-point it (not even its owner: a new
//! program is a new name, e.g. 'credit-v2'), so a dapp that trusts an id trusts one program.
//! `model_produced(id, output_hash)` then asks "did model M produce output Y" without program
//! hashes.

#[derive(Copy, Drop, Serde, starknet::Store, PartialEq, Debug)]
pub struct Model {
    pub program_hash: felt252,
    pub owner: starknet::ContractAddress,
    pub name: felt252,
}

#[derive(Copy, Drop, Serde, starknet::Store, PartialEq, Debug)]
pub struct Fact {
    pub program_hash: felt252,
    pub output_hash: felt252,
    pub block_number: u64,
}

#[starknet::interface]
pub trait IRegistry<TState> {
    /// Creates the model `model_id(caller, name)` for `program_hash` and returns its id. An id
    /// is registered once: it names that program for good.
    fn register_model(ref self: TState, name: felt252, program_hash: felt252) -> felt252;
    /// The id `owner` gets for `name`: `poseidon(owner, name)`.
    fn model_id(self: @TState, owner: starknet::ContractAddress, name: felt252) -> felt252;
    /// Records a verified fact; only the verifier may call this. Returns the fact hash.
    fn register_fact(ref self: TState, program_hash: felt252, output_hash: felt252) -> felt252;
    fn is_verified(self: @TState, fact: felt252) -> bool;
    fn get_fact(self: @TState, fact: felt252) -> Option<Fact>;
    fn get_model(self: @TState, model_id: felt252) -> Option<Model>;
    /// True when a verified fact says `model_id`'s program produced the output with this hash.
    fn model_produced(self: @TState, model_id: felt252, output_hash: felt252) -> bool;
    fn fact_count(self: @TState) -> u64;
    /// The `index`-th registered fact hash, oldest first.
    fn fact_at(self: @TState, index: u64) -> felt252;
    fn verifier(self: @TState) -> starknet::ContractAddress;
}

/// `poseidon(owner, name)`, the id of a model registered by `owner` under `name`.
pub fn model_id(owner: starknet::ContractAddress, name: felt252) -> felt252 {
    core::poseidon::poseidon_hash_span([owner.into(), name].span())
}

/// `poseidon(program_hash, output_hash)`, the identifier of a fact.
pub fn fact_hash(program_hash: felt252, output_hash: felt252) -> felt252 {
    core::poseidon::poseidon_hash_span([program_hash, output_hash].span())
}

#[starknet::contract]
pub mod Registry {
    use core::num::traits::Zero;
    use starknet::storage::{
        Map, MutableVecTrait, StorageMapReadAccess, StorageMapWriteAccess, StoragePathEntry,
        StoragePointerReadAccess, StoragePointerWriteAccess, Vec, VecTrait,
    };
    use starknet::{ContractAddress, get_block_number, get_caller_address};
    use super::{Fact, Model, fact_hash, model_id};

    #[storage]
    struct Storage {
        verifier: ContractAddress,
        facts: Map<felt252, Fact>,
        fact_list: Vec<felt252>,
        models: Map<felt252, Model>,
        /// Facts by (program hash, output hash), for `model_produced`.
        produced: Map<felt252, Map<felt252, bool>>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        ModelRegistered: ModelRegistered,
        FactRegistered: FactRegistered,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ModelRegistered {
        #[key]
        pub model_id: felt252,
        pub program_hash: felt252,
        pub owner: ContractAddress,
        pub name: felt252,
    }

    #[derive(Drop, starknet::Event)]
    pub struct FactRegistered {
        #[key]
        pub fact: felt252,
        #[key]
        pub program_hash: felt252,
        pub output_hash: felt252,
    }

    #[constructor]
    fn constructor(ref self: ContractState, verifier: ContractAddress) {
        assert(!verifier.is_zero(), 'verifier is zero');
        self.verifier.write(verifier);
    }

    #[abi(embed_v0)]
    impl RegistryImpl of super::IRegistry<ContractState> {
        fn register_model(
            ref self: ContractState, name: felt252, program_hash: felt252,
        ) -> felt252 {
            assert(program_hash != 0, 'program hash is zero');
            let owner = get_caller_address();
            let id = model_id(owner, name);
            assert(self.models.entry(id).program_hash.read() == 0, 'model id taken');
            self.models.write(id, Model { program_hash, owner, name });
            self.emit(ModelRegistered { model_id: id, program_hash, owner, name });
            id
        }

        fn model_id(self: @ContractState, owner: ContractAddress, name: felt252) -> felt252 {
            model_id(owner, name)
        }

        fn register_fact(
            ref self: ContractState, program_hash: felt252, output_hash: felt252,
        ) -> felt252 {
            assert(get_caller_address() == self.verifier.read(), 'caller is not the verifier');
            let fact = fact_hash(program_hash, output_hash);
            if self.facts.entry(fact).program_hash.read() == 0 {
                self
                    .facts
                    .write(
                        fact, Fact { program_hash, output_hash, block_number: get_block_number() },
                    );
                self.fact_list.push(fact);
                self.produced.entry(program_hash).entry(output_hash).write(true);
                self.emit(FactRegistered { fact, program_hash, output_hash });
            }
            fact
        }

        fn is_verified(self: @ContractState, fact: felt252) -> bool {
            self.facts.entry(fact).program_hash.read() != 0
        }

        fn get_fact(self: @ContractState, fact: felt252) -> Option<Fact> {
            let stored = self.facts.read(fact);
            if stored.program_hash == 0 {
                Option::None
            } else {
                Option::Some(stored)
            }
        }

        fn get_model(self: @ContractState, model_id: felt252) -> Option<Model> {
            let stored = self.models.read(model_id);
            if stored.program_hash == 0 {
                Option::None
            } else {
                Option::Some(stored)
            }
        }

        fn model_produced(self: @ContractState, model_id: felt252, output_hash: felt252) -> bool {
            let program_hash = self.models.entry(model_id).program_hash.read();
            program_hash != 0 && self.produced.entry(program_hash).read(output_hash)
        }

        fn fact_count(self: @ContractState) -> u64 {
            self.fact_list.len()
        }

        fn fact_at(self: @ContractState, index: u64) -> felt252 {
            self.fact_list.at(index).read()
        }

        fn verifier(self: @ContractState) -> ContractAddress {
            self.verifier.read()
        }
    }
}

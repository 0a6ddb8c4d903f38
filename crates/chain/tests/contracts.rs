//! The contracts in `contracts/` compile with our toolchain (cairo-lang crates + our corelib).

mod common;

use common::{package, repo};

#[test]
fn registry_compiles_with_maps_vec_and_events() {
    let c = chain::compile_contract(&repo().join("contracts/registry"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.name, "cairn_registry::Registry");
    let abi = serde_json::to_string(&c.sierra.abi).unwrap();
    for item in [
        "register_fact",
        "model_id",
        "model_produced",
        "FactRegistered",
        "ModelRegistered",
    ] {
        assert!(abi.contains(item), "ABI lacks {item}: {abi}");
    }
    assert_eq!(c.sierra.entry_points_by_type.constructor.len(), 1);
    assert!(!c.casm.bytecode.is_empty());
}

#[test]
fn storage_vec_nested_map_and_substructs_compile() {
    // Exercises what the registry does not: iteration, pop, index syntax, nested vecs in maps,
    // storage nodes, u256 keys.
    let dir = package(
        r#"
#[starknet::storage_node]
struct Account { balance: u256, history: starknet::storage::Vec<u128> }

#[starknet::contract]
mod Probe {
    use starknet::storage::{
        IntoIterRange, Map, MutableVecTrait, StoragePathEntry, StoragePointerReadAccess,
        StoragePointerWriteAccess, Vec, VecTrait,
    };
    #[storage]
    struct Storage { accounts: Map<u256, super::Account>, stack: Vec<felt252>, total: u128 }

    #[external(v0)]
    fn deposit(ref self: ContractState, who: u256, amount: u128) {
        let account = self.accounts.entry(who);
        account.balance.write(account.balance.read() + amount.into());
        account.history.push(amount);
        self.total.write(self.total.read() + amount);
        self.stack.push(who.low.into());
        let _ = self.stack.pop();
    }

    #[external(v0)]
    fn history_sum(self: @ContractState, who: u256) -> u128 {
        let mut sum = 0;
        for item in self.accounts.entry(who).history.into_iter_full_range() {
            sum += item.read();
        }
        let first = self.accounts.entry(who).history[0].read();
        sum + first - first
    }
}
"#,
    );
    let c = chain::compile_contract(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.name, "probe::Probe");
    assert_eq!(c.sierra.entry_points_by_type.external.len(), 2);
}

#[test]
fn errors_name_the_cause() {
    let dir = package("fn f() -> felt252 { 1 }\n");
    let err = chain::compile_contract(dir.path()).unwrap_err().to_string();
    assert!(err.contains("no #[starknet::contract] module"), "{err}");

    let dir = package(
        "#[starknet::contract]\nmod C {\n    #[storage]\n    struct Storage { x: felt252 }\n    #[external(v0)]\n    fn f(self: @ContractState) -> u8 { self.x.read() }\n}\n",
    );
    let err = chain::compile_contract(dir.path()).unwrap_err().to_string();
    assert!(err.contains("lib.cairo:6"), "no location in: {err}");
}

/// The verifier and its six stage classes compile, each under Starknet's class size cap (the
/// whole Cairo verifier in one class exceeds it).
#[test]
fn verifier_and_stage_classes_fit_the_class_size_cap() {
    let classes =
        chain::VerifierClasses::compile(&chain::contracts_dir()).unwrap_or_else(|e| panic!("{e}"));
    for c in classes.all() {
        eprintln!(
            "{}: {} Sierra felts, {} CASM felts",
            c.name,
            c.sierra.sierra_program.len(),
            c.casm.bytecode.len()
        );
        assert!(
            c.casm.bytecode.len() < chain::MAX_BYTECODE_FELTS,
            "{}",
            c.name
        );
    }
    let names: Vec<&str> = classes.stages.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "cairn_stages::TranscriptStage",
            "cairn_stages::LookupStage",
            "cairn_stages::OodsStage",
            "cairn_stages::TreeStage",
            "cairn_stages::QuotientsStage",
            "cairn_stages::FriStage",
        ]
    );
    assert_eq!(classes.verifier.name, "cairn_verifier::Verifier");
}

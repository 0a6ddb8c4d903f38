//! Real transactions on a local starknet-devnet: the registry contract declared, deployed and
//! used, with storage read back slot by slot to check that our corelib's `starknet::storage`
//! (maps, nested maps, vecs) lays data out where Starknet's standard layout puts it.

mod common;

use chain::{Chain, ChainError, CompiledContract, Devnet, DevnetOptions, Felt};
use common::{package, repo};
use starknet::core::utils::{get_selector_from_name, get_storage_var_address};
use starknet_types_core::hash::{Poseidon, StarkHash};

fn felt(n: u64) -> Felt {
    Felt::from(n)
}

fn var(name: &str, keys: &[Felt]) -> Felt {
    get_storage_var_address(name, keys).unwrap()
}

/// Declares `contract` with the hash the sequencer checks; a failure shows the devnet's log.
async fn declare(chain: &Chain, devnet: &Devnet, contract: &CompiledContract) -> chain::Declared {
    let compiled = chain::sequencer_compiled_class_hash(contract).unwrap();
    chain
        .declare(contract, compiled)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", devnet.log()))
}

async fn view(chain: &Chain, at: Felt, f: &str, args: &[Felt]) -> Vec<Felt> {
    chain
        .call(at, f, args.to_vec())
        .await
        .unwrap_or_else(|e| panic!("{f}: {e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn registry_on_devnet() {
    let contract = chain::compile_contract(&repo().join("contracts/registry")).unwrap();
    let devnet = Devnet::start(&DevnetOptions::default()).await.unwrap();
    let verifier = Chain::connect(devnet.rpc_url(), &devnet.accounts()[0].key())
        .await
        .unwrap();
    let stranger = Chain::connect(devnet.rpc_url(), &devnet.accounts()[1].key())
        .await
        .unwrap();

    let declared = declare(&verifier, &devnet, &contract).await;
    assert_eq!(declared.class_hash, contract.class_hash().unwrap());
    assert!(declared.tx.is_some());
    // Declaring again is a no-op, not a failing transaction.
    assert!(declare(&verifier, &devnet, &contract).await.tx.is_none());

    let registry = verifier
        .deploy(declared.class_hash, vec![verifier.address()], felt(7))
        .await
        .unwrap()
        .address;
    assert_eq!(
        verifier
            .storage_at(registry, var("verifier", &[]))
            .await
            .unwrap(),
        verifier.address()
    );

    // A model (its id: poseidon(owner, name)), then a fact for its program.
    let (name, program, output) = (felt(0x6d6f64656c), felt(0xabc), felt(0x123456));
    verifier
        .invoke(registry, "register_model", vec![name, program])
        .await
        .unwrap();
    let model = Poseidon::hash_array(&[verifier.address(), name]);
    assert_eq!(
        view(&verifier, registry, "model_id", &[verifier.address(), name]).await,
        vec![model]
    );
    let tx = verifier
        .invoke(registry, "register_fact", vec![program, output])
        .await
        .unwrap();
    let fact = Poseidon::hash_array(&[program, output]);

    // The event: keys [selector, fact, program_hash], data [output_hash].
    let event = tx
        .events
        .iter()
        .find(|e| e.from_address == registry)
        .expect("FactRegistered event");
    assert_eq!(
        event.keys,
        vec![
            get_selector_from_name("FactRegistered").unwrap(),
            fact,
            program
        ]
    );
    assert_eq!(event.data, vec![output]);
    let events = verifier.events(registry).await.unwrap();
    assert_eq!(events.len(), 2, "ModelRegistered + FactRegistered");

    // Views.
    assert_eq!(
        view(&verifier, registry, "is_verified", &[fact]).await,
        vec![felt(1)]
    );
    assert_eq!(
        view(&verifier, registry, "is_verified", &[fact + felt(1)]).await,
        vec![felt(0)]
    );
    assert_eq!(
        view(&verifier, registry, "fact_count", &[]).await,
        vec![felt(1)]
    );
    assert_eq!(
        view(&verifier, registry, "fact_at", &[felt(0)]).await,
        vec![fact]
    );
    assert_eq!(
        view(&verifier, registry, "model_produced", &[model, output]).await,
        vec![felt(1)]
    );
    assert_eq!(
        view(
            &verifier,
            registry,
            "model_produced",
            &[model, output + felt(1)]
        )
        .await,
        vec![felt(0)]
    );
    let got = view(&verifier, registry, "get_fact", &[fact]).await;
    assert_eq!(
        &got[..3],
        &[felt(0), program, output],
        "Option::Some(Fact {{ .. }})"
    );

    // The standard layout, slot by slot: a map value (a Store struct: consecutive slots) at
    // pedersen(sn_keccak(var), key), a vec's length at its base and element i at pedersen(base, i),
    // a nested map at pedersen(pedersen(base, k1), k2).
    let slot = |s| verifier.storage_at(registry, s);
    assert_eq!(slot(var("facts", &[fact])).await.unwrap(), program);
    assert_eq!(slot(var("facts", &[fact]) + felt(1)).await.unwrap(), output);
    assert_ne!(
        slot(var("facts", &[fact]) + felt(2)).await.unwrap(),
        felt(0),
        "block number"
    );
    assert_eq!(slot(var("fact_list", &[])).await.unwrap(), felt(1));
    assert_eq!(slot(var("fact_list", &[felt(0)])).await.unwrap(), fact);
    assert_eq!(
        slot(var("produced", &[program, output])).await.unwrap(),
        felt(1)
    );
    assert_eq!(slot(var("models", &[model])).await.unwrap(), program);
    assert_eq!(
        slot(var("models", &[model]) + felt(1)).await.unwrap(),
        verifier.address()
    );
    assert_eq!(slot(var("models", &[model]) + felt(2)).await.unwrap(), name);

    // Registering the same fact twice keeps one entry.
    verifier
        .invoke(registry, "register_fact", vec![program, output])
        .await
        .unwrap();
    assert_eq!(
        view(&verifier, registry, "fact_count", &[]).await,
        vec![felt(1)]
    );

    // Only the verifier registers facts.
    let err = stranger
        .invoke(registry, "register_fact", vec![program, output + felt(1)])
        .await
        .unwrap_err();
    assert!(
        matches!(err, ChainError::Transaction { .. })
            && err.to_string().contains("caller is not the verifier"),
        "{err}"
    );
    // A model id names its program for good: not even its owner re-points it.
    let err = verifier
        .invoke(registry, "register_model", vec![name, felt(0xdef)])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("model id taken"), "{err}");
    // A stranger registering the same name gets their own id, which names their program only.
    stranger
        .invoke(registry, "register_model", vec![name, felt(0xdef)])
        .await
        .unwrap();
    let squatted = Poseidon::hash_array(&[stranger.address(), name]);
    assert_ne!(squatted, model);
    assert_eq!(
        view(&verifier, registry, "model_produced", &[squatted, output]).await,
        vec![felt(0)]
    );
    assert_eq!(
        view(&verifier, registry, "model_produced", &[model, output]).await,
        vec![felt(1)]
    );
    let got = view(&verifier, registry, "get_model", &[model]).await;
    assert_eq!(
        got,
        vec![felt(0), program, verifier.address(), name],
        "Option::Some(Model {{ .. }})"
    );
    assert_eq!(
        view(&verifier, registry, "fact_count", &[]).await,
        vec![felt(1)]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn storage_vecs_in_maps_of_nodes_on_devnet() {
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
        self.stack.push(amount.into());
        assert(self.stack.pop() == Option::Some(amount.into()), 'pop');
    }

    #[external(v0)]
    fn history(self: @ContractState, who: u256) -> Array<u128> {
        let mut out = array![];
        for item in self.accounts.entry(who).history.into_iter_full_range() {
            out.append(item.read());
        }
        out
    }

    #[external(v0)]
    fn last(self: @ContractState, who: u256) -> u128 {
        let history = self.accounts.entry(who).history;
        history[history.len() - 1].read()
    }
}
"#,
    );
    let contract = chain::compile_contract(dir.path()).unwrap();
    let devnet = Devnet::start(&DevnetOptions::default()).await.unwrap();
    let chain = Chain::connect(devnet.rpc_url(), &devnet.accounts()[0].key())
        .await
        .unwrap();
    let class = declare(&chain, &devnet, &contract).await.class_hash;
    let probe = chain.deploy(class, vec![], felt(1)).await.unwrap().address;

    // u256 key (low, high) = (5, 1); deposits 10, 20, 30.
    let (low, high) = (felt(5), felt(1));
    for amount in [10, 20, 30] {
        chain
            .invoke(probe, "deposit", vec![low, high, felt(amount)])
            .await
            .unwrap();
    }
    assert_eq!(
        view(&chain, probe, "history", &[low, high]).await,
        vec![felt(3), felt(10), felt(20), felt(30)]
    );
    assert_eq!(
        view(&chain, probe, "last", &[low, high]).await,
        vec![felt(30)]
    );
    assert_eq!(
        view(&chain, probe, "history", &[low, felt(0)]).await,
        vec![felt(0)],
        "another key is empty"
    );

    let slot = |s| chain.storage_at(probe, s);
    // Plain value and vec of felts: length at the base, elements at pedersen(base, i); pop
    // shortened the length.
    assert_eq!(slot(var("total", &[])).await.unwrap(), felt(60));
    assert_eq!(slot(var("stack", &[])).await.unwrap(), felt(3));
    for i in 0..3 {
        assert_eq!(slot(var("stack", &[felt(i)])).await.unwrap(), low);
    }
    // A storage node's member sits at pedersen(node, sn_keccak(member)); a u256 key hashes low
    // then high.
    let node = var("accounts", &[low, high]);
    let member = |name: &str| {
        starknet::core::crypto::pedersen_hash(
            &node,
            &starknet::core::utils::starknet_keccak(name.as_bytes()),
        )
    };
    assert_eq!(slot(member("balance")).await.unwrap(), felt(60), "u256 low");
    assert_eq!(
        slot(member("balance") + felt(1)).await.unwrap(),
        felt(0),
        "u256 high"
    );
    let history = member("history");
    assert_eq!(slot(history).await.unwrap(), felt(3));
    assert_eq!(
        slot(starknet::core::crypto::pedersen_hash(&history, &felt(2)))
            .await
            .unwrap(),
        felt(30)
    );
}

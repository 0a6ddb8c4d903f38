//! Per-transaction limits of the local devnet, measured with real transactions: how many loop
//! turns (felt arithmetic, Poseidon) one invoke may run, how many storage slots it may read or
//! write and how many calldata felts it may carry, with the L2 gas each costs. Results feed docs/BENCHMARKS.md ("On chain").
//!
//! `make bench-chain` (or `cargo build --release --workspace && target/release/chain-limits`)

use std::future::Future;
use std::time::Instant;

use anyhow::Result;
use chain::{Bounds, Chain, ChainError, Devnet, DevnetOptions, Felt};

const PROBE: &str = r#"
#[starknet::contract]
mod Limits {
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    #[storage]
    struct Storage { sink: felt252, slots: Map<u32, felt252> }

    /// n storage reads.
    #[external(v0)]
    fn reads(ref self: ContractState, n: u32) {
        let mut acc: felt252 = 0;
        let mut i = 0;
        while i != n {
            acc += self.slots.read(i);
            i += 1;
        };
        self.sink.write(acc);
    }

    /// n storage writes (fresh slots the first time).
    #[external(v0)]
    fn writes(ref self: ContractState, n: u32, salt: u32) {
        let mut i = 0;
        while i != n {
            self.slots.write(salt * 1000000 + i, 7);
            i += 1;
        };
    }

    /// n turns of felt arithmetic.
    #[external(v0)]
    fn arith(ref self: ContractState, n: u32) {
        let mut acc: felt252 = 1;
        let mut i = 0;
        while i != n {
            acc = acc * 3 + 7;
            i += 1;
        };
        self.sink.write(acc);
    }

    /// n Poseidon permutations.
    #[external(v0)]
    fn poseidon(ref self: ContractState, n: u32) {
        let mut acc: felt252 = 1;
        let mut i = 0;
        while i != n {
            acc = core::poseidon::poseidon_hash_span([acc, 7].span());
            i += 1;
        };
        self.sink.write(acc);
    }

    /// Takes a calldata array and keeps its sum.
    #[external(v0)]
    fn take(ref self: ContractState, data: Array<felt252>) {
        let mut acc = 0;
        for x in data {
            acc += x;
        };
        self.sink.write(acc);
    }
}
"#;

/// What an invoke did: its L2 gas, or the reason it failed.
type Outcome = std::result::Result<u64, String>;

async fn attempt(
    fut: impl Future<Output = std::result::Result<chain::TxOutcome, ChainError>>,
) -> Outcome {
    fut.await.map(|tx| tx.l2_gas).map_err(|e| e.to_string())
}

/// Largest n in [lo, hi] for which `ok(n)` succeeds (ok(lo) must succeed), by bisection.
async fn largest<F, Fut>(mut lo: u64, mut hi: u64, mut ok: F) -> (u64, u64, String)
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let mut gas = ok(lo).await.expect("lower bound must pass");
    let mut why = String::from("upper bound of the search passed");
    while hi > lo + (lo / 100).max(1) {
        let mid = lo + (hi - lo) / 2;
        match ok(mid).await {
            Ok(g) => {
                lo = mid;
                gas = g;
            }
            Err(e) => {
                hi = mid;
                why = e;
            }
        }
    }
    (lo, gas, why)
}

#[tokio::main]
async fn main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("Scarb.toml"),
        "[package]\nname = \"limits\"\nversion = \"0.1.0\"\nedition = \"2024_07\"\n\n[dependencies]\nstarknet = \">=2.12.0\"\n",
    )?;
    std::fs::create_dir(dir.path().join("src"))?;
    std::fs::write(dir.path().join("src/lib.cairo"), PROBE)?;
    let contract = chain::compile_contract(dir.path())?;
    let devnet = Devnet::start(&DevnetOptions::default()).await?;
    let chain = Chain::connect(devnet.rpc_url(), &devnet.accounts()[0].key()).await?;
    let compiled = chain::sequencer_compiled_class_hash(&contract)?;
    let declared = chain.declare(&contract, compiled).await?;
    let declare_gas = declared.tx.as_ref().map(|t| t.l2_gas).unwrap_or(0);
    let deployed = chain
        .deploy(declared.class_hash, vec![], Felt::ZERO)
        .await?;
    let at = deployed.address;
    println!(
        "declare: {declare_gas} L2 gas ({} Sierra felts); deploy: {} L2 gas",
        contract.sierra.sierra_program.len(),
        deployed.tx.l2_gas
    );

    // Far above any per-transaction cap, so the transaction's own bound is never what stops it.
    let bounds = Bounds {
        l2_gas: 20_000_000_000,
        l1_data_gas: 100_000_000,
    };
    let t = Instant::now();
    for (function, hi) in [("arith", 20_000_000u64), ("poseidon", 5_000_000)] {
        let (n, gas, why) = largest(1, hi, |n| {
            attempt(chain.invoke_bounded(at, function, vec![Felt::from(n)], bounds))
        })
        .await;
        report(&format!("{function}: {n} turns"), "turn", (n, gas, why));
    }
    let (n, gas, why) = largest(1, 2_000_000, |n| {
        attempt(chain.invoke_bounded(at, "reads", vec![Felt::from(n)], bounds))
    })
    .await;
    report(&format!("storage reads: {n}"), "read", (n, gas, why));
    // Each attempt writes fresh slots (its own salt), as an upload would.
    let mut salt = 0u64;
    let (n, gas, why) = largest(1, 1_000_000, |n| {
        salt += 1;
        let calldata = vec![Felt::from(n), Felt::from(salt)];
        attempt(chain.invoke_bounded(at, "writes", calldata, bounds))
    })
    .await;
    report(
        &format!("storage writes: {n} fresh slots"),
        "write",
        (n, gas, why),
    );
    let (n, gas, why) = largest(1, 2_000_000, |n| {
        let mut calldata = vec![Felt::from(n)];
        calldata.extend((0..n).map(Felt::from));
        attempt(chain.invoke_bounded(at, "take", calldata, bounds))
    })
    .await;
    report(&format!("calldata: {n} felts"), "felt", (n, gas, why));
    println!("measured in {:.0} s", t.elapsed().as_secs_f64());
    drop(devnet);
    Ok(())
}

/// One line per limit: `what` fits in one invoke, its L2 gas per `unit`, and why one more fails.
fn report(what: &str, unit: &str, (n, gas, why): (u64, u64, String)) {
    println!(
        "{what} fit in one invoke ({gas} L2 gas, {:.0} gas/{unit}); one more fails: {}",
        gas as f64 / n as f64,
        innermost(&why)
    );
}

/// The innermost reason of a failure (the last line of the sequencer's trace).
fn innermost(s: &str) -> String {
    let line = s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim().chars().take(400).collect()
}

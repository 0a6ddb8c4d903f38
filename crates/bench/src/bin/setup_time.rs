//! The fixed part of proving, per channel: what `prover::proving_setup` costs a process before
//! its first proof (preprocessed trace, twiddles, the preprocessed commitment). With Poseidon252
//! the commitment's Merkle tree is read from the user's cache when it is there: run once with
//! `CAIRN_CACHE_DIR` pointing at an empty folder (cold) and once without (cached).
//!
//!     cargo run --release -p cairn-bench --bin setup-time

use std::time::Instant;

use prover::{Blake2sMerkleChannel, Poseidon252MerkleChannel};

fn main() {
    let t = Instant::now();
    let _ = prover::proving_setup::<Blake2sMerkleChannel>();
    println!("Blake2s setup: {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let _ = prover::proving_setup::<Poseidon252MerkleChannel>();
    println!(
        "Poseidon252 commitment (after the shared trace and twiddles): {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

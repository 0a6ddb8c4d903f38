//! Shared by the verifier's test binaries: a Cairo executable over `cairn_stwo_verifier`.
#![allow(dead_code)] // each test binary uses a subset

/// Compiles an executable package whose `src/lib.cairo` is `body`, depending on the verifier
/// library.
pub fn program(body: &str) -> runner::CompiledProgram {
    let dir = tempfile::tempdir().unwrap();
    let lib = verifier::cairo_package().canonicalize().unwrap();
    std::fs::write(
        dir.path().join("Scarb.toml"),
        format!(
            "[package]\nname = \"probe\"\nversion = \"0.1.0\"\nedition = \"2024_07\"\n\n\
             [dependencies]\ncairn_stwo_verifier = {{ path = \"{}\" }}\n\n[executable]\n",
            lib.display()
        ),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.cairo"), body).unwrap();
    runner::compile_package(dir.path()).unwrap_or_else(|e| panic!("{e}"))
}

use starknet_ff::FieldElement;
use starknet_types_core::felt::Felt;

const P: u64 = (1 << 31) - 1;

/// `n` deterministic M31 values (xorshift from `seed`, reduced mod 2^31 - 1).
pub fn random_m31s(n: usize, seed: u64) -> Vec<u32> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % P) as u32
        })
        .collect()
}

/// A Cairo `Array` argument: the length, then the items.
pub fn list<T: Copy + Into<Felt>>(xs: &[T]) -> Vec<Felt> {
    let mut v = vec![Felt::from(xs.len())];
    v.extend(xs.iter().map(|&x| x.into()));
    v
}

/// A starknet-ff felt (stwo's Poseidon252 type) as the runner's felt.
pub fn felt(f: FieldElement) -> Felt {
    Felt::from_bytes_be(&f.to_bytes_be())
}

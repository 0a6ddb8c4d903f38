//! The program-side commitment (`cairn_tensor::commit::hash_span`) equals the corelib's
//! `poseidon_hash_span` and the Rust side (`transpile::privacy::commitment`) for every length class
//! of its loops (0..=19 covers the 8-wide, pair and odd tails; 1000 a long input).

use starknet_types_core::felt::Felt;

#[test]
fn hash_span_matches_poseidon_hash_span_and_rust() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = transpile::default_tensor_lib().canonicalize().unwrap();
    std::fs::write(
        tmp.path().join("Scarb.toml"),
        format!(
            "[package]\nname = \"probe\"\nversion = \"0.1.0\"\nedition = \"2024_07\"\n\n\
             [dependencies]\ncairn_tensor = {{ path = \"{}\" }}\n\n[executable]\n",
            lib.display()
        ),
    )
    .unwrap();
    std::fs::create_dir(tmp.path().join("src")).unwrap();
    std::fs::write(
        tmp.path().join("src/lib.cairo"),
        "#[executable]\nfn main(x: Array<felt252>) -> (felt252, felt252) {\n    \
         (cairn_tensor::commit::hash_span(x.span()), core::poseidon::poseidon_hash_span(x.span()))\n}\n",
    )
    .unwrap();
    let program = runner::compile_package(tmp.path()).unwrap();
    let lengths: Vec<usize> = (0..20).chain([1000]).collect();
    for n in lengths {
        // Values of every size, including negatives (p - x).
        let values: Vec<i64> = (0..n as i64)
            .map(|i| ((i * 7919 - 500) * if i % 3 == 0 { -1 } else { 1 }) << (i % 40))
            .collect();
        let mut args = vec![Felt::from(n)];
        args.extend(values.iter().map(|&v| Felt::from(v)));
        let run = runner::execute(&program, &args).unwrap();
        let want = transpile::privacy::commitment(&values);
        assert_eq!(run.output, vec![want, want], "length {n}");
    }
}

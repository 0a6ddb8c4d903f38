//! `cairn_stwo_verifier::queries` against stwo 2.3.0's `draw_queries` and `Queries`.

mod common;

use starknet_types_core::felt::Felt;
use stwo::core::channel::{Channel, Poseidon252Channel};
use stwo::core::queries::{draw_queries, Queries};

const MAIN: &str = r#"
use cairn_stwo_verifier::channel::ChannelTrait;
use cairn_stwo_verifier::queries::{draw_queries, fold, sorted_unique};

#[executable]
fn main(seed: u64, log_size: u32, n_queries: u32, n_folds: u32) -> Array<u32> {
    let mut channel = ChannelTrait::new();
    channel.mix_u64(seed);
    let raw = draw_queries(ref channel, log_size, n_queries);
    let sorted = sorted_unique(raw.span());
    let folded = fold(sorted.span(), n_folds);
    let mut out = raw;
    out.append(0xffffffff);
    out.append_span(sorted.span());
    out.append(0xffffffff);
    out.append_span(folded.span());
    out
}
"#;

#[test]
fn queries_match_stwo() {
    let program = common::program(MAIN);
    // Small domains force duplicates; 70 queries need ten draws.
    for (seed, log_size, n_queries, n_folds) in [
        (1u64, 3u32, 20usize, 1u32),
        (7, 10, 70, 4),
        (42, 20, 13, 19),
    ] {
        let mut channel = Poseidon252Channel::default();
        channel.mix_u64(seed);
        let raw = draw_queries(&mut channel, log_size, n_queries);
        let queries = Queries::new(&raw, log_size);
        let folded = queries.fold(n_folds);
        let mut want: Vec<Felt> = raw.iter().map(|&q| Felt::from(q)).collect();
        want.push(Felt::from(u32::MAX));
        want.extend(queries.positions.iter().map(|&q| Felt::from(q)));
        want.push(Felt::from(u32::MAX));
        want.extend(folded.positions.iter().map(|&q| Felt::from(q)));
        want.insert(0, Felt::from(want.len()));

        let args = [seed, log_size as u64, n_queries as u64, n_folds as u64].map(Felt::from);
        let run = runner::execute(&program, &args).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(run.output, want, "seed {seed}, log size {log_size}");
    }
}

#[test]
fn powers_of_two_are_exact() {
    let program = common::program(
        r#"
use cairn_stwo_verifier::bits::pow2;

#[executable]
fn main() -> Array<felt252> {
    let mut out = array![];
    for n in 0..128_u32 {
        out.append(pow2(n).into());
    }
    out
}
"#,
    );
    let run = runner::execute(&program, &[]).unwrap_or_else(|e| panic!("{e}"));
    let mut want = vec![Felt::from(128)];
    want.extend((0..128).map(|n| Felt::from(1u128 << n)));
    assert_eq!(run.output, want);
}

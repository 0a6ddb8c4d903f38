//! Queried values travel packed seven M31s to a felt (`cairn_stwo_verifier::packed`): Cairo reads
//! what `verifier::stark_proof_felts` packs, writes the same felts back, and rejects encodings that
//! are not canonical (a value equal to P, bits beyond the last value, a missing felt).

mod common;

use starknet_types_core::felt::Felt;
use stwo::core::fields::m31::BaseField;

const MAIN: &str = r#"
use cairn_stwo_verifier::packed::{read_trees, write_trees};

#[executable]
fn main(data: Array<felt252>) -> Array<felt252> {
    let mut input = data.span();
    let mut out = array![];
    match read_trees(ref input) {
        Option::Some(trees) => {
            if input.len() != 0 {
                return array!['trailing data'];
            }
            out.append('ok');
            write_trees(@trees, ref out);
            for tree in trees.span() {
                for column in tree.span() {
                    for v in column.span() {
                        out.append((*v.v).into());
                    }
                }
            }
        },
        Option::None => out.append('rejected'),
    }
    out
}
"#;

/// The packed felts of one tree with these columns (the layout `stark_proof_felts` writes).
fn packed(columns: &[Vec<u32>]) -> Vec<Felt> {
    let mut felts = vec![Felt::from(1u32), Felt::from(columns.len())];
    for column in columns {
        felts.push(Felt::from(column.len()));
        for chunk in column.chunks(verifier::M31S_PER_FELT) {
            let half = |part: &[u32]| part.iter().rev().fold(0u128, |a, &v| (a << 31) | v as u128);
            let (low, high) = chunk.split_at(chunk.len().min(4));
            felts.push(
                Felt::from(half(high)) * Felt::from(1u128 << 64) * Felt::from(1u128 << 64)
                    + Felt::from(half(low)),
            );
        }
    }
    felts
}

fn run(program: &runner::CompiledProgram, data: &[Felt]) -> Vec<Felt> {
    run_after(program, &[], data)
}

/// The program's output (without its length) on `leading` arguments, then `data` as an array.
fn run_after(program: &runner::CompiledProgram, leading: &[Felt], data: &[Felt]) -> Vec<Felt> {
    let mut args = leading.to_vec();
    args.push(Felt::from(data.len()));
    args.extend_from_slice(data);
    let out = runner::execute(program, &args)
        .unwrap_or_else(|e| panic!("{e}"))
        .output;
    out[1..].to_vec()
}

#[test]
fn packed_columns_round_trip_and_reject_non_canonical_encodings() {
    let program = common::program(MAIN);
    let p = (1u32 << 31) - 1;
    // Lengths around the felt boundaries (0, 1, 4, 6, 7, 8, 14, 15) and the extreme values.
    let columns: Vec<Vec<u32>> = [0usize, 1, 4, 6, 7, 8, 14, 15]
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            (0..n)
                .map(|j| match (i + j) % 3 {
                    0 => p - 1,
                    1 => 0,
                    _ => common::random_m31s(1, (i * 31 + j) as u64)[0],
                })
                .collect()
        })
        .collect();
    let data = packed(&columns);
    let out = run(&program, &data);
    assert_eq!(out[0], common::short_string("ok"));
    let n_packed = data.len();
    assert_eq!(
        &out[1..1 + n_packed],
        &data[..],
        "Cairo writes back the same felts"
    );
    let flat: Vec<Felt> = columns.iter().flatten().map(|&v| Felt::from(v)).collect();
    assert_eq!(&out[1 + n_packed..], &flat[..], "values read");

    let rejected = |data: &[Felt]| run(&program, data) == vec![common::short_string("rejected")];
    // A value equal to P (not canonical: 0 in M31 twice encoded).
    assert!(rejected(&packed(&[vec![5, p, 7]])));
    assert!(rejected(&packed(&[vec![1, 2, 3, 4, p]])));
    // Bits beyond the last value of a felt, in the low and in the high half.
    let mut d = packed(&[vec![5, 6]]);
    let last = d.len() - 1;
    d[last] += Felt::from(1u128 << 62);
    assert!(rejected(&d));
    let mut d = packed(&[vec![1, 2, 3, 4, 5]]);
    let last = d.len() - 1;
    d[last] += Felt::from(1u128 << 64) * Felt::from(1u128 << 64) * Felt::from(1u128 << 31);
    assert!(rejected(&d));
    // The same in a full felt (seven values, read straight-line).
    assert!(rejected(&packed(&[vec![1, 2, 3, 4, 5, 6, p]])));
    assert!(rejected(&packed(&[vec![p, 2, 3, 4, 5, 6, 7, 8]])));
    let mut d = packed(&[vec![1, 2, 3, 4, 5, 6, 7]]);
    let last = d.len() - 1;
    d[last] += Felt::from(1u128 << 64) * Felt::from(1u128 << 64) * Felt::from(1u128 << 93);
    assert!(rejected(&d));
    let mut d = packed(&[vec![1, 2, 3, 4, 5, 6, 7]]);
    d[3] += Felt::from(1u128 << 124);
    assert!(rejected(&d));
    // A length that claims more values than the felts hold.
    let mut d = packed(&[vec![1, 2, 3]]);
    d[2] = Felt::from(8u32);
    assert!(rejected(&d));
}

#[test]
fn proofs_pack_columns_in_the_layout_cairo_reads() {
    for n in [0, 1, 4, 7, 15] {
        let column: Vec<u32> = common::random_m31s(n, n as u64);
        let values: Vec<BaseField> = column.iter().map(|&v| v.into()).collect();
        let mine: Vec<Felt> = verifier::packed_column(&values)
            .into_iter()
            .map(common::felt)
            .collect();
        // `packed` adds the tree's header: one tree, one column.
        assert_eq!(mine, packed(&[column])[2..], "{n} values");
    }
}

const ROWS_MAIN: &str = r#"
use cairn_stwo_verifier::packed::read_rows;

#[executable]
fn main(data: Array<felt252>) -> Array<felt252> {
    let mut input = data.span();
    match read_rows(ref input) {
        Option::Some(columns) => {
            let mut out = array!['ok', input.len().into(), columns.len().into()];
            for column in columns.span() {
                for v in column.span() {
                    out.append((*v.v).into());
                }
            }
            out
        },
        Option::None => array!['rejected'],
    }
}
"#;

/// A query range's values row by row (`verifier::packed_rows`, what the quotient stages read):
/// Cairo gets back each column's values at those queries, for ranges inside and across felts,
/// at the ends and empty; values that do not make whole rows are refused.
#[test]
fn query_ranges_travel_row_by_row() {
    let program = common::program(ROWS_MAIN);
    let columns: Vec<Vec<u32>> = (0..3).map(|i| common::random_m31s(23, i)).collect();
    let values: Vec<Vec<BaseField>> = columns
        .iter()
        .map(|c| c.iter().map(|&v| v.into()).collect())
        .collect();
    let rows = |first: usize, count: usize| -> Vec<Felt> {
        verifier::packed_rows(&values, first, count)
            .unwrap()
            .into_iter()
            .map(common::felt)
            .collect()
    };
    for (first, count) in [
        (0, 23),
        (0, 0),
        (3, 2),
        (5, 9),
        (6, 1),
        (7, 7),
        (20, 3),
        (22, 1),
    ] {
        let mut want = vec![
            common::short_string("ok"),
            Felt::from(0u32),
            Felt::from(3u32),
        ];
        for column in &columns {
            want.extend(column[first..first + count].iter().map(|&v| Felt::from(v)));
        }
        assert_eq!(
            run_after(&program, &[], &rows(first, count)),
            want,
            "range {first}..{}",
            first + count
        );
    }
    assert!(verifier::packed_rows(&values, 20, 4).is_none());
    // Seven values cannot be rows of three columns.
    let mut data = rows(0, 3);
    data[1] = Felt::from(7u32);
    assert_eq!(
        run_after(&program, &[], &data),
        vec![common::short_string("rejected")]
    );
}

const SAMPLED_MAIN: &str = r#"
use cairn_stwo_verifier::packed::{read_sampled, write_sampled};

#[executable]
fn main(data: Array<felt252>) -> Array<felt252> {
    let mut input = data.span();
    match read_sampled(ref input) {
        Option::Some(trees) => {
            let mut out = array!['ok', input.len().into()];
            write_sampled(@trees, ref out);
            for tree in trees.span() {
                for column in tree.span() {
                    for v in column.span() {
                        v.serialize(ref out);
                    }
                }
            }
            out
        },
        Option::None => array!['rejected'],
    }
}
"#;

/// Claimed values travel as two packed columns (counts, coordinates): Cairo reads what
/// `verifier::packed_sampled` writes (coordinates in stwo's order), writes the same felts back,
/// and rejects a coordinate equal to P and counts that disagree with the coordinates.
#[test]
fn claimed_values_travel_packed() {
    use stwo::core::fields::qm31::SecureField;
    let program = common::program(SAMPLED_MAIN);
    let p = (1u32 << 31) - 1;
    let m = common::random_m31s(12, 5);
    let q = |i: usize| SecureField::from_u32_unchecked(m[i], m[i + 1], m[i + 2], m[i + 3]);
    let edge = SecureField::from_u32_unchecked(p - 1, 0, p - 1, 1);
    let trees = vec![vec![vec![q(0)], vec![q(4), edge]], vec![], vec![vec![]]];
    let data: Vec<Felt> = verifier::packed_sampled(&trees)
        .into_iter()
        .map(common::felt)
        .collect();
    let out = run(&program, &data);
    assert_eq!(out[..2], [common::short_string("ok"), Felt::from(0u32)]);
    assert_eq!(&out[2..2 + data.len()], &data[..], "written back");
    let coordinates: Vec<Felt> = [q(0), q(4), edge]
        .iter()
        .flat_map(|v| v.to_m31_array().map(|c| Felt::from(c.0)))
        .collect();
    assert_eq!(&out[2 + data.len()..], &coordinates[..], "values read");
    // The tree count and 3 widths; 3 counts (length, 1 felt); 12 coordinates (length, 2 felts).
    assert_eq!(data.len(), 4 + 2 + 3);

    // One tree, one column of one value: its four coordinates in a packed column.
    let one = |count: u32, coordinates: &[u32]| {
        let mut d = vec![Felt::from(1u32), Felt::from(1u32)];
        let pack = |values: &[u32]| {
            let values: Vec<_> = values
                .iter()
                .map(|&v| BaseField::from_u32_unchecked(v))
                .collect();
            verifier::packed_column(&values)
                .into_iter()
                .map(common::felt)
        };
        d.extend(pack(&[count]));
        d.extend(pack(coordinates));
        d
    };
    let rejected = |d: &[Felt]| run(&program, d) == vec![common::short_string("rejected")];
    assert!(
        !rejected(&one(1, &[p - 1, 0, 1, 2])),
        "every coordinate below P"
    );
    assert!(rejected(&one(1, &[p, 0, 1, 2])), "a coordinate equal to P");
    assert!(rejected(&one(1, &[1, 2, 3])), "too few coordinates");
    assert!(
        rejected(&one(1, &[1, 2, 3, 4, 5, 6, 7, 8])),
        "coordinates left over"
    );
    assert!(
        rejected(&one(2, &[1, 2, 3, 4])),
        "a count beyond the coordinates"
    );
}

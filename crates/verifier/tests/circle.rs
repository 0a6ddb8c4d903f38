//! `cairn_stwo_verifier::circle` against stwo 2.3.0's circle group: points by index, the secure
//! generator's multiples, doublings, antipodes and canonic coset points.

mod common;

use starknet_types_core::felt::Felt;
use stwo::core::circle::{CirclePoint, CirclePointIndex, SECURE_FIELD_CIRCLE_GEN};
use stwo::core::fields::m31::M31;
use stwo::core::fields::qm31::QM31;
use stwo::core::poly::circle::CanonicCoset;

const MAIN: &str = r#"
use cairn_stwo_verifier::circle::{
    CirclePoint, CirclePointTrait, canonic_coset_at, index_to_point, secure_circle_gen,
};
use cairn_stwo_verifier::fields::{M31, QM31, QM31Trait};

fn push_m31(ref out: Array<felt252>, p: CirclePoint<M31>) {
    out.append(p.x.v.into());
    out.append(p.y.v.into());
}

fn push_qm31(ref out: Array<felt252>, p: CirclePoint<QM31>) {
    for c in array![p.x, p.y] {
        let [a, b, x, y] = c.to_m31_array();
        out.append(a.v.into());
        out.append(b.v.into());
        out.append(x.v.into());
        out.append(y.v.into());
    }
}

#[executable]
fn main(indices: Array<u32>, scalars: Array<u128>, cosets: Array<u32>) -> Array<felt252> {
    let mut out = array![];
    let mut prev = index_to_point(0);
    for i in indices {
        let p = index_to_point(i);
        push_m31(ref out, p);
        push_m31(ref out, p.add(prev).antipode());
        prev = p;
    }
    for s in scalars {
        let q = secure_circle_gen().mul(s);
        push_qm31(ref out, q);
        push_qm31(ref out, q.repeated_double(3).conjugate());
    }
    let mut k = 0;
    while k + 2 <= cosets.len() {
        push_m31(ref out, canonic_coset_at(*cosets.at(k), *cosets.at(k + 1)));
        k += 2;
    }
    out
}
"#;

fn push_m31(out: &mut Vec<Felt>, p: CirclePoint<M31>) {
    out.push(Felt::from(p.x.0));
    out.push(Felt::from(p.y.0));
}

fn push_qm31(out: &mut Vec<Felt>, p: CirclePoint<QM31>) {
    for c in [p.x, p.y] {
        out.extend(c.to_m31_array().iter().map(|m| Felt::from(m.0)));
    }
}

#[test]
fn circle_group_matches_stwo() {
    let program = common::program(MAIN);

    let indices: Vec<u32> = vec![
        0,
        1,
        2,
        3,
        1 << 29,
        1 << 30,
        (1 << 31) - 1,
        1 << 31,
        123_456_789,
        u32::MAX,
    ];
    let scalars: Vec<u128> = vec![0, 1, 2, 7, 1 << 40, (1u128 << 124) - 3];
    let cosets: Vec<(u32, u32)> = vec![
        (1, 0),
        (1, 1),
        (3, 5),
        (10, 0),
        (10, 1023),
        (20, 777_777),
        (30, 5),
    ];

    let mut want = Vec::new();
    let mut prev = CirclePointIndex(0).to_point();
    for &i in &indices {
        let p = CirclePointIndex(i as usize).reduce().to_point();
        push_m31(&mut want, p);
        push_m31(&mut want, (p + prev).antipode());
        prev = p;
    }
    for &s in &scalars {
        let q = SECURE_FIELD_CIRCLE_GEN.mul(s);
        push_qm31(&mut want, q);
        push_qm31(&mut want, q.repeated_double(3).conjugate());
    }
    for &(log, i) in &cosets {
        push_m31(&mut want, CanonicCoset::new(log).at(i as usize));
    }

    let mut args = common::list(&indices);
    args.extend(common::list(&scalars));
    let flat: Vec<u32> = cosets.iter().flat_map(|&(l, i)| [l, i]).collect();
    args.extend(common::list(&flat));
    let run = runner::execute(&program, &args).unwrap_or_else(|e| panic!("{e}"));
    let mut want_out = vec![Felt::from(want.len())];
    want_out.extend(want);
    assert_eq!(run.output.len(), want_out.len());
    for (k, (got, want)) in run.output.iter().zip(&want_out).enumerate() {
        assert_eq!(got, want, "output word {k}");
    }
}

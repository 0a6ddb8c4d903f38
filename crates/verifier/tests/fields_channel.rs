//! `cairn_stwo_verifier`'s fields and Poseidon252 channel, run in the Cairo VM, against stwo 2.3.0.

mod common;

use starknet_ff::FieldElement;
use starknet_types_core::felt::Felt;
use stwo::core::channel::{Channel, MerkleChannel, Poseidon252Channel};
use stwo::core::fields::m31::M31;
use stwo::core::fields::qm31::QM31;
use stwo::core::fields::FieldExpOps;
use stwo::core::vcs_lifted::poseidon252_merkle::Poseidon252MerkleChannel;

const P: u32 = (1 << 31) - 1;

/// Deterministic test values: edges first, then xorshift.
fn words(n: usize) -> Vec<u32> {
    let mut out = vec![0, 1, 2, P - 1, P - 2, 1 << 30, (1 << 30) + 1, 12345];
    out.extend(common::random_m31s(
        n.saturating_sub(out.len()),
        0x9e3779b97f4a7c15,
    ));
    out.truncate(n);
    out
}

fn qm31(w: &[u32]) -> QM31 {
    QM31::from_u32_unchecked(w[0], w[1], w[2], w[3])
}

fn push_qm31(out: &mut Vec<Felt>, x: QM31) {
    out.extend(x.to_m31_array().iter().map(|m| Felt::from(m.0)));
}

#[test]
fn qm31_arithmetic_matches_stwo() {
    let program = common::program(
        r#"
use cairn_stwo_verifier::fields::{QM31Trait, qm31};

#[executable]
fn main(w: Array<u32>) -> Array<u32> {
    let mut out = array![];
    let mut i = 0;
    while i + 8 <= w.len() {
        let a = qm31(*w[i], *w[i + 1], *w[i + 2], *w[i + 3]);
        let b = qm31(*w[i + 4], *w[i + 5], *w[i + 6], *w[i + 7]);
        let zero = QM31Trait::zero();
        let inv = if a == zero { zero } else { a.inverse() };
        for x in array![a + b, a - b, a * b, -a, inv] {
            let [p, q, r, s] = x.to_m31_array();
            out.append(p.v);
            out.append(q.v);
            out.append(r.v);
            out.append(s.v);
        }
        i += 8;
    }
    out
}
"#,
    );
    // Pairs over the edge values (zero included) and random ones.
    let ws = words(8 * 64);
    let run = runner::execute(&program, &common::list(&ws)).unwrap();
    let mut want = vec![Felt::from(ws.len() / 8 * 20)];
    for pair in ws.chunks(8) {
        let (a, b) = (qm31(&pair[..4]), qm31(&pair[4..]));
        let inv = if a == QM31::from(M31::from(0)) {
            a
        } else {
            a.inverse()
        };
        for x in [a + b, a - b, a * b, -a, inv] {
            push_qm31(&mut want, x);
        }
    }
    assert_eq!(run.output.len(), want.len());
    for (k, (got, want)) in run.output.iter().zip(&want).enumerate() {
        assert_eq!(
            got,
            want,
            "output word {k} (pair {}, op {})",
            (k.max(1) - 1) / 20,
            ((k.max(1) - 1) % 20) / 4
        );
    }
}

#[test]
fn poseidon252_channel_matches_stwo() {
    let program = common::program(
        r#"
use cairn_stwo_verifier::channel::ChannelTrait;
use cairn_stwo_verifier::fields::{QM31, QM31Trait, qm31};

fn push(ref out: Array<felt252>, x: QM31) {
    let [p, q, r, s] = x.to_m31_array();
    out.append(p.v.into());
    out.append(q.v.into());
    out.append(r.v.into());
    out.append(s.v.into());
}

#[executable]
fn main(w: Array<u32>, root: felt252, pow_bits: u32, nonces: Array<u64>) -> Array<felt252> {
    let mut out = array![];
    let mut ch = ChannelTrait::new();
    ch.mix_u64(0xfedcba9876543210);
    out.append(ch.digest);
    let mut felts = array![];
    for k in 0..5_u32 {
        ch.mix_felts(felts.span());
        out.append(ch.digest);
        felts.append(qm31(*w[4 * k], *w[4 * k + 1], *w[4 * k + 2], *w[4 * k + 3]));
    }
    for len in 0..16_u32 {
        ch.mix_u32s(w.span().slice(0, len));
        out.append(ch.digest);
    }
    push(ref out, ch.draw_secure_felt());
    for x in ch.draw_secure_felts(3) {
        push(ref out, x);
    }
    for x in ch.draw_u32s() {
        out.append(x.into());
    }
    out.append(ch.n_draws.into());
    ch.mix_root(root);
    out.append(ch.digest);
    for nonce in nonces {
        out.append(if ch.verify_pow_nonce(pow_bits, nonce) { 1 } else { 0 });
    }
    out
}
"#,
    );
    let ws = words(32);
    let root = FieldElement::from_hex_be(
        "0x5a209eea586d9dfc36b36d7cf537db84439d7c7ef93f9160729db160ce0f6b0",
    )
    .unwrap();

    let mut ch = Poseidon252Channel::default();
    let mut want = Vec::new();
    ch.mix_u64(0xfedcba9876543210);
    want.push(common::felt(ch.digest()));
    let qs: Vec<QM31> = ws.chunks(4).map(qm31).collect();
    for k in 0..5 {
        ch.mix_felts(&qs[..k]);
        want.push(common::felt(ch.digest()));
    }
    for len in 0..16 {
        ch.mix_u32s(&ws[..len]);
        want.push(common::felt(ch.digest()));
    }
    push_qm31(&mut want, ch.draw_secure_felt());
    for x in ch.draw_secure_felts(3) {
        push_qm31(&mut want, x);
    }
    want.extend(ch.draw_u32s().into_iter().map(Felt::from));
    want.push(Felt::from(4u32)); // draws so far: 1 + 2 (12 base felts) + 1
    Poseidon252MerkleChannel::mix_root(&mut ch, root);
    want.push(common::felt(ch.digest()));

    // Nonces around the first one that passes 10 bits, so both answers occur.
    let bits = 10;
    let good = (0..).find(|&n| ch.verify_pow_nonce(bits, n)).unwrap();
    let nonces: Vec<u64> = (good.saturating_sub(3)..=good + 3).collect();
    let verdicts: Vec<bool> = nonces
        .iter()
        .map(|&n| ch.verify_pow_nonce(bits, n))
        .collect();
    assert!(verdicts.contains(&true) && verdicts.contains(&false));
    want.extend(verdicts.iter().map(|&v| Felt::from(v as u8)));

    let mut a = common::list(&ws);
    a.push(common::felt(root));
    a.push(Felt::from(bits));
    a.push(Felt::from(nonces.len()));
    a.extend(nonces.iter().map(|&n| Felt::from(n)));
    let run = runner::execute(&program, &a).unwrap();
    let mut want_out = vec![Felt::from(want.len())];
    want_out.extend(want);
    assert_eq!(run.output.len(), want_out.len());
    for (k, (got, want)) in run.output.iter().zip(&want_out).enumerate() {
        assert_eq!(got, want, "output word {k}");
    }
}

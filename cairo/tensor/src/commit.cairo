//! Poseidon commitments to spans of felts: the same value as `core::poseidon::poseidon_hash_span`
//! (Starknet's array hash: a sponge over pairs, padded with 1), with eight values absorbed per loop
//! turn instead of a recursive call per pair.

use core::poseidon::hades_permutation;

/// `poseidon_hash_span(data)`.
pub fn hash_span(mut data: Span<felt252>) -> felt252 {
    let (mut s0, mut s1, mut s2) = (0, 0, 0);
    while let Some(x) = data.multi_pop_front::<8>() {
        let [a, b, c, d, e, f, g, h] = (*x).unbox();
        let (t0, t1, t2) = hades_permutation(s0 + a, s1 + b, s2);
        let (t0, t1, t2) = hades_permutation(t0 + c, t1 + d, t2);
        let (t0, t1, t2) = hades_permutation(t0 + e, t1 + f, t2);
        let (t0, t1, t2) = hades_permutation(t0 + g, t1 + h, t2);
        s0 = t0;
        s1 = t1;
        s2 = t2;
    }
    while let Some(x) = data.multi_pop_front::<2>() {
        let [a, b] = (*x).unbox();
        let (t0, t1, t2) = hades_permutation(s0 + a, s1 + b, s2);
        s0 = t0;
        s1 = t1;
        s2 = t2;
    }
    let (r, _, _) = match data.pop_front() {
        Some(x) => hades_permutation(s0 + *x, s1 + 1, s2),
        None => hades_permutation(s0 + 1, s1, s2),
    };
    r
}

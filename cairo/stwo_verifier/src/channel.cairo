//! Stwo's Poseidon252 Fiat-Shamir channel (stwo 2.3.0 `Poseidon252Channel`): the transcript is a
//! felt252 digest; mixing hashes data into it, drawing permutes (digest, draw counter, 3).

use core::poseidon::{hades_permutation, poseidon_hash_span};
use crate::fields::{M31, QM31, QM31Trait, m31};

/// Prefix of the proof-of-work hash.
pub const POW_PREFIX: felt252 = 0x12345678;

const TWO_POW_31: u256 = 0x80000000;
const TWO_POW_32: u256 = 0x100000000;
const TWO_POW_31_FELT: felt252 = 0x80000000;
const TWO_POW_32_FELT: felt252 = 0x100000000;
/// 2^248: where the number of packed words goes in a length-padded last felt.
const TWO_POW_248: felt252 = 0x100000000000000000000000000000000000000000000000000000000000000;

#[derive(Copy, Drop, Debug, PartialEq, Serde)]
pub struct Channel {
    pub digest: felt252,
    pub n_draws: u32,
}

#[generate_trait]
pub impl ChannelImpl of ChannelTrait {
    fn new() -> Channel {
        Channel { digest: 0, n_draws: 0 }
    }

    fn update_digest(ref self: Channel, digest: felt252) {
        self.digest = digest;
        self.n_draws = 0;
    }

    /// Mixes secure-field elements, packed two per felt (8 M31 words after a leading 1).
    fn mix_felts(ref self: Channel, mut felts: Span<QM31>) {
        let mut data = array![self.digest];
        loop {
            let first = match felts.pop_front() {
                Option::Some(x) => *x,
                Option::None => { break; },
            };
            let mut packed = pack_m31s(1, first.to_m31_array().span());
            if let Option::Some(second) = felts.pop_front() {
                packed = pack_m31s(packed, (*second).to_m31_array().span());
            }
            data.append(packed);
        }
        self.update_digest(poseidon_hash_span(data.span()));
    }

    /// Mixes u32 words, seven per felt, big endian; a short last felt carries its word count at
    /// bit 248.
    fn mix_u32s(ref self: Channel, data: Span<u32>) {
        let mut felts = array![self.digest];
        let mut i = 0;
        let n = data.len();
        while i < n {
            let mut word: felt252 = 0;
            let mut k = 0;
            while k < 7 {
                let x: felt252 = if i + k < n {
                    (*data.at(i + k)).into()
                } else {
                    0
                };
                word = word * TWO_POW_32_FELT + x;
                k += 1;
            }
            let packed = if n - i < 7 {
                let count: felt252 = (n - i).into();
                word + count * TWO_POW_248
            } else {
                word
            };
            felts.append(packed);
            i += 7;
        }
        self.update_digest(poseidon_hash_span(felts.span()));
    }

    fn mix_u64(ref self: Channel, value: u64) {
        let (h, _, _) = hades_permutation(self.digest, value.into(), 2);
        self.update_digest(h);
    }

    /// Mixes a Merkle root (a felt252 for the Poseidon252 Merkle hasher).
    fn mix_root(ref self: Channel, root: felt252) {
        let (h, _, _) = hades_permutation(self.digest, root, 2);
        self.update_digest(h);
    }

    fn draw_secure_felt252(ref self: Channel) -> felt252 {
        let (res, _, _) = hades_permutation(self.digest, self.n_draws.into(), 3);
        self.n_draws += 1;
        res
    }

    /// Eight base-field elements from one draw: 31-bit limbs, least significant first.
    fn draw_base_felts(ref self: Channel) -> [M31; 8] {
        let mut cur: u256 = self.draw_secure_felt252().into();
        let a = next_limb(ref cur);
        let b = next_limb(ref cur);
        let c = next_limb(ref cur);
        let d = next_limb(ref cur);
        let e = next_limb(ref cur);
        let f = next_limb(ref cur);
        let g = next_limb(ref cur);
        let h = next_limb(ref cur);
        [a, b, c, d, e, f, g, h]
    }

    fn draw_secure_felt(ref self: Channel) -> QM31 {
        let [a, b, c, d, _, _, _, _] = self.draw_base_felts();
        QM31Trait::from_m31_array([a, b, c, d])
    }

    /// `n` secure-field elements, two per draw.
    fn draw_secure_felts(ref self: Channel, n: u32) -> Array<QM31> {
        let mut out = array![];
        while out.len() < n {
            let [a, b, c, d, e, f, g, h] = self.draw_base_felts();
            out.append(QM31Trait::from_m31_array([a, b, c, d]));
            if out.len() < n {
                out.append(QM31Trait::from_m31_array([e, f, g, h]));
            }
        }
        out
    }

    /// Seven u32 words from one draw, least significant first.
    fn draw_u32s(ref self: Channel) -> Array<u32> {
        let mut cur: u256 = self.draw_secure_felt252().into();
        let mut out = array![];
        for _ in 0..7_u32 {
            let (next, word) = DivRem::div_rem(cur, TWO_POW_32.try_into().unwrap());
            out.append(word.try_into().unwrap());
            cur = next;
        }
        out
    }

    /// Whether `poseidon(poseidon(POW_PREFIX, digest, n_bits), nonce)` has `n_bits` trailing
    /// zeros in its low 128 bits.
    fn verify_pow_nonce(self: @Channel, n_bits: u32, nonce: u64) -> bool {
        let prefixed = poseidon_hash_span([POW_PREFIX, *self.digest, n_bits.into()].span());
        let (hash, _, _) = hades_permutation(prefixed, nonce.into(), 2);
        let low: u128 = Into::<felt252, u256>::into(hash).low;
        if n_bits >= 128 {
            return low == 0;
        }
        let (_, rem) = DivRem::div_rem(low, crate::bits::pow2(n_bits).try_into().unwrap());
        rem == 0
    }
}

/// The low 31 bits of `cur` as an M31 (reduced), shifting them out.
fn next_limb(ref cur: u256) -> M31 {
    let (next, limb) = DivRem::div_rem(cur, TWO_POW_31.try_into().unwrap());
    cur = next;
    m31(limb.try_into().unwrap())
}

/// `acc * 2^(31 k) + words...` for the words of a secure-field element.
pub fn pack_m31s(mut acc: felt252, words: Span<M31>) -> felt252 {
    for w in words {
        acc = acc * TWO_POW_31_FELT + (*w.v).into();
    }
    acc
}

//! Stwo's lifted Merkle commitment with the Poseidon252 hasher (stwo 2.3.0
//! `MerkleVerifierLifted<Poseidon252MerkleHasher>`): a leaf hashes one row of M31 values (every
//! column at that position, columns in ascending log-size order), packed eight per felt; inner
//! nodes are `poseidon(left, right)`.

use core::poseidon::hades_permutation;
use crate::bits::pow2_u64;
use crate::fields::M31;

const TWO_POW_31: felt252 = 0x80000000;
/// A short block carries its word count at bit 248.
const TWO_POW_248: felt252 = 0x100000000000000000000000000000000000000000000000000000000000000;

/// Up to eight M31s as one felt, most significant first.
pub fn pack_block(words: Span<M31>) -> felt252 {
    let mut acc: felt252 = 0;
    for w in words {
        acc = acc * TWO_POW_31 + (*w.v).into();
    }
    if words.len() < 8 {
        let n: felt252 = words.len().into();
        acc + n * TWO_POW_248
    } else {
        acc
    }
}

/// The hash of a leaf holding `row`.
pub fn hash_leaf(row: Span<M31>) -> felt252 {
    let (mut s0, mut s1, mut s2) = (0, 0, 0);
    let n = row.len();
    let mut i = 0;
    // Full 16-word chunks: two blocks absorbed per permutation.
    while i + 16 <= n {
        let (a, b, c) = hades_permutation(
            s0 + pack_block(row.slice(i, 8)), s1 + pack_block(row.slice(i + 8, 8)), s2,
        );
        s0 = a;
        s1 = b;
        s2 = c;
        i += 16;
    }
    // The rest: zero, one or two blocks, then the sponge padding (a 1 after the last block).
    let rest = n - i;
    let (root, _, _) = if rest == 0 {
        hades_permutation(s0 + 1, s1, s2)
    } else if rest <= 8 {
        hades_permutation(s0 + pack_block(row.slice(i, rest)), s1 + 1, s2)
    } else {
        let (x, y, z) = hades_permutation(
            s0 + pack_block(row.slice(i, 8)), s1 + pack_block(row.slice(i + 8, rest - 8)), s2,
        );
        hades_permutation(x + 1, y, z)
    };
    root
}

pub fn hash_children(left: felt252, right: felt252) -> felt252 {
    let (h, _, _) = hades_permutation(left, right, 2);
    h
}

/// Checks that the rows at `positions` (strictly increasing, each below 2^height) belong to the
/// tree with `root`, using the sibling hashes of `witness` in the order the prover emitted them.
pub fn verify(
    root: felt252,
    height: u32,
    positions: Span<u32>,
    rows: Span<Span<M31>>,
    witness: Span<felt252>,
) -> Result<(), felt252> {
    if positions.len() != rows.len() {
        return Result::Err('merkle: rows != positions');
    }
    let mut leaves = array![];
    for row in rows {
        leaves.append(hash_leaf(*row));
    }
    verify_leaves(root, height, positions, leaves.span(), witness)
}

/// `verify` given the rows' leaf hashes.
pub fn verify_leaves(
    root: felt252,
    height: u32,
    positions: Span<u32>,
    leaves: Span<felt252>,
    mut witness: Span<felt252>,
) -> Result<(), felt252> {
    if positions.len() != leaves.len() {
        return Result::Err('merkle: rows != positions');
    }
    if positions.is_empty() {
        return Result::Err('merkle: no queries');
    }
    let size: u64 = pow2_u64(height);
    let mut layer: Array<(u32, felt252)> = array![];
    let mut prev: u64 = 0;
    for k in 0..positions.len() {
        let pos = *positions.at(k);
        let pos64: u64 = pos.into();
        if pos64 >= size {
            return Result::Err('merkle: position out of range');
        }
        if k > 0 && pos64 <= prev {
            return Result::Err('merkle: positions not sorted');
        }
        prev = pos64;
        layer.append((pos, *leaves.at(k)));
    }
    for _ in 0..height {
        let mut next: Array<(u32, felt252)> = array![];
        let nodes = layer.span();
        let mut i = 0;
        while i < nodes.len() {
            let (idx, hash) = *nodes.at(i);
            let mut sibling_known = false;
            if i + 1 < nodes.len() {
                let (other, _) = *nodes.at(i + 1);
                sibling_known = idx % 2 == 0 && other == idx + 1;
            }
            let parent = if sibling_known {
                let (_, other_hash) = *nodes.at(i + 1);
                i += 2;
                hash_children(hash, other_hash)
            } else {
                let w = match witness.pop_front() {
                    Option::Some(w) => *w,
                    Option::None => { return Result::Err('merkle: witness too short'); },
                };
                i += 1;
                if idx % 2 == 0 {
                    hash_children(hash, w)
                } else {
                    hash_children(w, hash)
                }
            };
            next.append((idx / 2, parent));
        }
        layer = next;
    }
    if !witness.is_empty() {
        return Result::Err('merkle: witness too long');
    }
    let (_, computed) = *layer.at(0);
    if computed != root {
        return Result::Err('merkle: root mismatch');
    }
    Result::Ok(())
}


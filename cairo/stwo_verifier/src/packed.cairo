//! Columns of M31 values packed seven to a felt: the queried values are ~77% of a Cairn proof,
//! and calldata is what a Starknet transaction is short of. A felt holds values 0-3 in its low
//! 128 bits and 4-6 in its high 128 bits, 31 bits each from the bottom; unused bits are zero.
//! Layout of one column: its length, then ceil(length / 7) felts.

use crate::fields::{M31, P, QM31, QM31Trait};

pub const PER_FELT: u32 = 7;
const SHIFT: u128 = 0x80000000;

/// Reads one packed column; `None` if a value is not below P, a felt has bits beyond its
/// values, or the data ends early.
pub fn read_column(ref serialized: Span<felt252>) -> Option<Array<M31>> {
    let n: u32 = Serde::deserialize(ref serialized)?;
    let mut out = array![];
    let mut left = n;
    while left >= PER_FELT {
        // A full felt, straight-line (a loop per value cost ~10 steps more each).
        let word: u256 = (*serialized.pop_front()?).into();
        let (q, r0) = split(word.low)?;
        let (q, r1) = split(q)?;
        let (q, r2) = split(q)?;
        let (q, r3) = split(q)?;
        let (q2, r4) = split(word.high)?;
        let (q2, r5) = split(q2)?;
        let (q2, r6) = split(q2)?;
        if q != 0 || q2 != 0 {
            return Option::None;
        }
        out.append(r0);
        out.append(r1);
        out.append(r2);
        out.append(r3);
        out.append(r4);
        out.append(r5);
        out.append(r6);
        left -= PER_FELT;
    }
    if left != 0 {
        unpack_felt(*serialized.pop_front()?, left, ref out)?;
    }
    Option::Some(out)
}

/// The `count` (at most 7) values of one felt: up to four low, the rest high.
fn unpack_felt(felt: felt252, count: u32, ref out: Array<M31>) -> Option<()> {
    let word: u256 = felt.into();
    let low = if count < 4 {
        count
    } else {
        4
    };
    unpack(word.low, low, ref out)?;
    unpack(word.high, count - low, ref out)
}

/// The claimed values at the sample points: the tree count, each tree's column count, each
/// column's value count (one packed column over all trees), then all values' coordinates
/// (one packed column). `None` if the counts and coordinates disagree.
pub fn read_sampled(ref serialized: Span<felt252>) -> Option<Array<Array<Array<QM31>>>> {
    let n_trees: u32 = Serde::deserialize(ref serialized)?;
    let mut widths = array![];
    for _ in 0..n_trees {
        let n: u32 = Serde::deserialize(ref serialized)?;
        widths.append(n);
    }
    let counts = read_column(ref serialized)?;
    let coordinates = read_column(ref serialized)?;
    let (mut counts, mut coordinates) = (counts.span(), coordinates.span());
    let mut trees = array![];
    for n in widths {
        let mut columns = array![];
        for _ in 0..n {
            let mut values = array![];
            for _ in 0..(*counts.pop_front()?).v {
                let a = *coordinates.pop_front()?;
                let b = *coordinates.pop_front()?;
                let c = *coordinates.pop_front()?;
                let d = *coordinates.pop_front()?;
                values.append(QM31Trait::from_m31_array([a, b, c, d]));
            }
            columns.append(values);
        }
        trees.append(columns);
    }
    if !counts.is_empty() || !coordinates.is_empty() {
        return Option::None;
    }
    Option::Some(trees)
}

/// Writes claimed values in `read_sampled`'s layout.
pub fn write_sampled(trees: @Array<Array<Array<QM31>>>, ref output: Array<felt252>) {
    output.append(trees.len().into());
    let (mut counts, mut coordinates) = (array![], array![]);
    for tree in trees.span() {
        output.append(tree.len().into());
        for column in tree.span() {
            counts.append(M31 { v: column.len() });
            for v in column.span() {
                let [a, b, c, d] = (*v).to_m31_array();
                coordinates.append(a);
                coordinates.append(b);
                coordinates.append(c);
                coordinates.append(d);
            }
        }
    }
    write_column(counts.span(), ref output);
    write_column(coordinates.span(), ref output);
}

/// The low 31 bits of `word` as an M31 (`None` if they are P) and the bits above.
fn split(word: u128) -> Option<(u128, M31)> {
    let (q, r) = DivRem::div_rem(word, SHIFT.try_into().unwrap());
    let v: u32 = r.try_into().unwrap();
    if v >= P {
        return Option::None;
    }
    Option::Some((q, M31 { v }))
}

fn unpack(word: u128, count: u32, ref out: Array<M31>) -> Option<()> {
    let mut rest = word;
    for _ in 0..count {
        let (q, v) = split(rest)?;
        out.append(v);
        rest = q;
    }
    if rest != 0 {
        return Option::None;
    }
    Option::Some(())
}

/// Writes one column in the packed layout (`read_column`'s inverse).
pub fn write_column(values: Span<M31>, ref output: Array<felt252>) {
    output.append(values.len().into());
    let mut i = 0;
    while i < values.len() {
        let (mut low, mut high): (u128, u128) = (0, 0);
        let (mut k, mut scale): (u32, u128) = (0, 1);
        while k < PER_FELT && i + k < values.len() {
            if k == 4 {
                scale = 1;
            }
            let v: u128 = (*values.at(i + k)).v.into();
            if k < 4 {
                low += v * scale;
            } else {
                high += v * scale;
            }
            scale *= SHIFT;
            k += 1;
        }
        output.append(u256 { low, high }.try_into().unwrap());
        i += k;
    }
}

/// Per tree, per column, packed.
pub fn read_trees(ref serialized: Span<felt252>) -> Option<Array<Array<Array<M31>>>> {
    let n_trees: u32 = Serde::deserialize(ref serialized)?;
    let mut trees = array![];
    for _ in 0..n_trees {
        trees.append(read_tree(ref serialized)?);
    }
    Option::Some(trees)
}

/// One tree: its column count, then each column packed.
pub fn read_tree(ref serialized: Span<felt252>) -> Option<Array<Array<M31>>> {
    let n_columns: u32 = Serde::deserialize(ref serialized)?;
    let mut columns = array![];
    for _ in 0..n_columns {
        columns.append(read_column(ref serialized)?);
    }
    Option::Some(columns)
}

/// A tree's values at a range of queries, row by row: its column count, then the rows' values
/// (each row all columns) as one packed column. Returns them per column, as `read_tree`.
pub fn read_rows(ref serialized: Span<felt252>) -> Option<Array<Array<M31>>> {
    let n_columns: u32 = Serde::deserialize(ref serialized)?;
    let flat = read_column(ref serialized)?;
    if n_columns == 0 {
        return if flat.is_empty() {
            Option::Some(array![])
        } else {
            Option::None
        };
    }
    let (n_rows, rest) = DivRem::div_rem(flat.len(), n_columns.try_into().unwrap());
    if rest != 0 {
        return Option::None;
    }
    let flat = flat.span();
    let mut columns = array![];
    for c in 0..n_columns {
        let mut column = array![];
        for r in 0..n_rows {
            column.append(*flat.at(r * n_columns + c));
        }
        columns.append(column);
    }
    Option::Some(columns)
}

pub fn write_trees(trees: @Array<Array<Array<M31>>>, ref output: Array<felt252>) {
    output.append(trees.len().into());
    for tree in trees.span() {
        output.append(tree.len().into());
        for column in tree.span() {
            write_column(column.span(), ref output);
        }
    }
}

//! Fixed-point dot product: the Foundation's sample program.
//!
//! Values are signed fixed point at scale 2^16 (1.0 = 65536), passed as felts (negatives as
//! p - |x|). Products accumulate exactly in felt252 and are rescaled once, rounding half away
//! from zero; a result outside i64 fails instead of wrapping.

const SCALE: u128 = 0x10000;
const HALF: u128 = 0x8000;

/// `round(acc / 2^16)` for a signed accumulator, half away from zero.
fn rescale(acc: felt252) -> felt252 {
    let signed: i128 = acc.try_into().expect('dot: accumulator overflow');
    let negative = signed < 0;
    let magnitude: u128 = if negative {
        (-signed).try_into().unwrap()
    } else {
        signed.try_into().unwrap()
    };
    let (q, r) = DivRem::div_rem(magnitude, SCALE.try_into().unwrap());
    let rounded = if r >= HALF {
        q + 1
    } else {
        q
    };
    let result: i64 = rounded.try_into().expect('dot: result overflow');
    let result: felt252 = result.into();
    if negative {
        -result
    } else {
        result
    }
}

/// The dot product of two fixed-point vectors of equal length.
pub fn dot(a: Span<felt252>, b: Span<felt252>) -> felt252 {
    assert(a.len() == b.len(), 'dot: length mismatch');
    let mut acc: felt252 = 0;
    let mut i = 0;
    while i != a.len() {
        acc += *a[i] * *b[i];
        i += 1;
    }
    rescale(acc)
}

#[executable]
fn main(a: Array<felt252>, b: Array<felt252>) -> felt252 {
    dot(a.span(), b.span())
}

//! A second program for the prover's "wrong program" test: the dot product of 3-vectors without a
//! loop. Same inputs and outputs as `dot_product`, different bytecode.

const SCALE: u128 = 0x10000;
const HALF: u128 = 0x8000;

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

#[executable]
fn main(a: Array<felt252>, b: Array<felt252>) -> felt252 {
    assert(a.len() == 3 && b.len() == 3, 'dot3: needs 3-vectors');
    rescale(*a[0] * *b[0] + *a[1] * *b[1] + *a[2] * *b[2])
}

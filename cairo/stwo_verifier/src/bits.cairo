//! Small integer helpers shared by the verifier's modules.

/// `2^n` for `n < 128`.
pub fn pow2(n: u32) -> u128 {
    assert(n < 128, 'pow2: exponent too large');
    let mut r: u128 = 1;
    for _ in 0..n {
        r *= 2;
    }
    r
}

/// `2^n` as a u64, for `n < 64`.
pub fn pow2_u64(n: u32) -> u64 {
    pow2(n).try_into().unwrap()
}

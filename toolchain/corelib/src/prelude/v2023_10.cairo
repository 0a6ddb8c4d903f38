//! What every crate of edition 2023_10/2023_11 sees without `use`: the 2024_07 prelude plus the
//! older operator traits and the top-level modules.

pub use super::v2024_07::*;
#[feature("deprecated-index-traits")]
#[feature("deprecated-op-assign-traits")]
pub use crate::traits::{
    AddEq, BitAnd, BitNot, BitOr, BitXor, DivEq, Index, IndexView, MulEq, RemEq, SubEq,
};
pub use crate::{
    array, box, byte_array, bytes_31, clone, dict, ec, ecdsa, felt_252, gas, hash, integer, keccak,
    math, nullable, option, panics, pedersen, poseidon, result, serde, string, testing, to_byte_array,
    traits, zeroable,
};
pub use crate::integer::{u128_sqrt, u256_sqrt};
pub use crate::panic_with_felt252;

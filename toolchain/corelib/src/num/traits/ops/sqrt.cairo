//! Integer square root (rounded down), on the Sierra `*_sqrt` libfuncs.

#[feature("corelib-internal-use")]
use crate::integer::{u128_sqrt, u16_sqrt, u256_sqrt, u32_sqrt, u64_sqrt, u8_sqrt};

/// The integer square root.
pub trait Sqrt<T> {
    /// The result type (half the width of `T`).
    type Target;
    fn sqrt(self: T) -> Self::Target;
}

impl U8Sqrt of Sqrt<u8> {
    type Target = u8;
    fn sqrt(self: u8) -> u8 {
        u8_sqrt(self)
    }
}
impl U16Sqrt of Sqrt<u16> {
    type Target = u8;
    fn sqrt(self: u16) -> u8 {
        u16_sqrt(self)
    }
}
impl U32Sqrt of Sqrt<u32> {
    type Target = u16;
    fn sqrt(self: u32) -> u16 {
        u32_sqrt(self)
    }
}
impl U64Sqrt of Sqrt<u64> {
    type Target = u32;
    fn sqrt(self: u64) -> u32 {
        u64_sqrt(self)
    }
}
impl U128Sqrt of Sqrt<u128> {
    type Target = u64;
    fn sqrt(self: u128) -> u64 {
        u128_sqrt(self)
    }
}
impl U256Sqrt of Sqrt<u256> {
    type Target = u128;
    fn sqrt(self: u256) -> u128 {
        u256_sqrt(self)
    }
}

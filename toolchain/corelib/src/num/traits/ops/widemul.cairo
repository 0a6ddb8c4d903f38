//! Multiplication into a type wide enough that it never overflows.

#[feature("corelib-internal-use")]
use crate::integer::{
    i16_wide_mul, i32_wide_mul, i64_wide_mul, i8_wide_mul, u128_wide_mul, u16_wide_mul,
    u256_wide_mul, u32_wide_mul, u512, u64_wide_mul, u8_wide_mul,
};

/// Full-width multiplication.
pub trait WideMul<Lhs, Rhs> {
    /// The product type.
    type Target;
    fn wide_mul(self: Lhs, other: Rhs) -> Self::Target;
}

impl U8WideMul of WideMul<u8, u8> {
    type Target = u16;
    fn wide_mul(self: u8, other: u8) -> u16 {
        u8_wide_mul(self, other)
    }
}
impl U16WideMul of WideMul<u16, u16> {
    type Target = u32;
    fn wide_mul(self: u16, other: u16) -> u32 {
        u16_wide_mul(self, other)
    }
}
impl U32WideMul of WideMul<u32, u32> {
    type Target = u64;
    fn wide_mul(self: u32, other: u32) -> u64 {
        u32_wide_mul(self, other)
    }
}
impl U64WideMul of WideMul<u64, u64> {
    type Target = u128;
    fn wide_mul(self: u64, other: u64) -> u128 {
        u64_wide_mul(self, other)
    }
}
impl U128WideMul of WideMul<u128, u128> {
    type Target = u256;
    fn wide_mul(self: u128, other: u128) -> u256 {
        let (high, low) = u128_wide_mul(self, other);
        u256 { low, high }
    }
}
impl U256WideMul of WideMul<u256, u256> {
    type Target = u512;
    fn wide_mul(self: u256, other: u256) -> u512 {
        u256_wide_mul(self, other)
    }
}
impl I8WideMul of WideMul<i8, i8> {
    type Target = i16;
    fn wide_mul(self: i8, other: i8) -> i16 {
        i8_wide_mul(self, other)
    }
}
impl I16WideMul of WideMul<i16, i16> {
    type Target = i32;
    fn wide_mul(self: i16, other: i16) -> i32 {
        i16_wide_mul(self, other)
    }
}
impl I32WideMul of WideMul<i32, i32> {
    type Target = i64;
    fn wide_mul(self: i32, other: i32) -> i64 {
        i32_wide_mul(self, other)
    }
}
impl I64WideMul of WideMul<i64, i64> {
    type Target = i128;
    fn wide_mul(self: i64, other: i64) -> i128 {
        i64_wide_mul(self, other)
    }
}

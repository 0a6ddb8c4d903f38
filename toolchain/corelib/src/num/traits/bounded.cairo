/// Types with a smallest and a largest value.
pub trait Bounded<T> {
    /// The smallest value of `T`.
    const MIN: T;
    /// The largest value of `T`.
    const MAX: T;
}

impl U8Bounded of Bounded<u8> {
    const MIN: u8 = 0;
    const MAX: u8 = 0xff;
}
impl U16Bounded of Bounded<u16> {
    const MIN: u16 = 0;
    const MAX: u16 = 0xffff;
}
impl U32Bounded of Bounded<u32> {
    const MIN: u32 = 0;
    const MAX: u32 = 0xffffffff;
}
impl U64Bounded of Bounded<u64> {
    const MIN: u64 = 0;
    const MAX: u64 = 0xffffffffffffffff;
}
impl U128Bounded of Bounded<u128> {
    const MIN: u128 = 0;
    const MAX: u128 = 0xffffffffffffffffffffffffffffffff;
}
impl U256Bounded of Bounded<u256> {
    const MIN: u256 = 0;
    const MAX: u256 = u256 {
        low: 0xffffffffffffffffffffffffffffffff, high: 0xffffffffffffffffffffffffffffffff,
    };
}
impl I8Bounded of Bounded<i8> {
    const MIN: i8 = -0x80;
    const MAX: i8 = 0x7f;
}
impl I16Bounded of Bounded<i16> {
    const MIN: i16 = -0x8000;
    const MAX: i16 = 0x7fff;
}
impl I32Bounded of Bounded<i32> {
    const MIN: i32 = -0x80000000;
    const MAX: i32 = 0x7fffffff;
}
impl I64Bounded of Bounded<i64> {
    const MIN: i64 = -0x8000000000000000;
    const MAX: i64 = 0x7fffffffffffffff;
}
impl I128Bounded of Bounded<i128> {
    const MIN: i128 = -0x80000000000000000000000000000000;
    const MAX: i128 = 0x7fffffffffffffffffffffffffffffff;
}

//! `x + 1` and `x - 1` without a general addition: the compiler's constant folding replaces
//! `x + 1` / `x - 1` by calls to these, so they must return the same enums as the
//! `*_overflowing_add` / `*_overflowing_sub` libfuncs (wrapped value on overflow).

use crate::integer::{SignedIntegerResult, upcast};
use crate::internal::bounded_int::{
    AddHelper, BoundedInt, ConstrainHelper, SubHelper, UnitInt, add, constrain, sub,
};

impl U8IncSplit of ConstrainHelper<u8, 0xff> {
    type LowT = BoundedInt<0, 0xfe>;
    type HighT = UnitInt<0xff>;
}
impl U8IncAdd of AddHelper<BoundedInt<0, 0xfe>, UnitInt<1>> {
    type Result = BoundedInt<1, 0xff>;
}
impl U8DecSplit of ConstrainHelper<u8, 1> {
    type LowT = UnitInt<0>;
    type HighT = BoundedInt<1, 0xff>;
}
impl U8DecSub of SubHelper<BoundedInt<1, 0xff>, UnitInt<1>> {
    type Result = BoundedInt<0, 0xfe>;
}

pub fn u8_inc(value: u8) -> Result<u8, u8> nopanic {
    match constrain::<u8, 0xff>(value) {
        Ok(below_max) => Ok(upcast(add(below_max, 1))),
        Err(_) => Err(0),
    }
}

pub fn u8_dec(value: u8) -> Result<u8, u8> nopanic {
    match constrain::<u8, 1>(value) {
        Ok(_) => Err(0xff),
        Err(positive) => Ok(upcast(sub(positive, 1))),
    }
}

impl U16IncSplit of ConstrainHelper<u16, 0xffff> {
    type LowT = BoundedInt<0, 0xfffe>;
    type HighT = UnitInt<0xffff>;
}
impl U16IncAdd of AddHelper<BoundedInt<0, 0xfffe>, UnitInt<1>> {
    type Result = BoundedInt<1, 0xffff>;
}
impl U16DecSplit of ConstrainHelper<u16, 1> {
    type LowT = UnitInt<0>;
    type HighT = BoundedInt<1, 0xffff>;
}
impl U16DecSub of SubHelper<BoundedInt<1, 0xffff>, UnitInt<1>> {
    type Result = BoundedInt<0, 0xfffe>;
}

pub fn u16_inc(value: u16) -> Result<u16, u16> nopanic {
    match constrain::<u16, 0xffff>(value) {
        Ok(below_max) => Ok(upcast(add(below_max, 1))),
        Err(_) => Err(0),
    }
}

pub fn u16_dec(value: u16) -> Result<u16, u16> nopanic {
    match constrain::<u16, 1>(value) {
        Ok(_) => Err(0xffff),
        Err(positive) => Ok(upcast(sub(positive, 1))),
    }
}

impl U32IncSplit of ConstrainHelper<u32, 0xffffffff> {
    type LowT = BoundedInt<0, 0xfffffffe>;
    type HighT = UnitInt<0xffffffff>;
}
impl U32IncAdd of AddHelper<BoundedInt<0, 0xfffffffe>, UnitInt<1>> {
    type Result = BoundedInt<1, 0xffffffff>;
}
impl U32DecSplit of ConstrainHelper<u32, 1> {
    type LowT = UnitInt<0>;
    type HighT = BoundedInt<1, 0xffffffff>;
}
impl U32DecSub of SubHelper<BoundedInt<1, 0xffffffff>, UnitInt<1>> {
    type Result = BoundedInt<0, 0xfffffffe>;
}

pub fn u32_inc(value: u32) -> Result<u32, u32> nopanic {
    match constrain::<u32, 0xffffffff>(value) {
        Ok(below_max) => Ok(upcast(add(below_max, 1))),
        Err(_) => Err(0),
    }
}

pub fn u32_dec(value: u32) -> Result<u32, u32> nopanic {
    match constrain::<u32, 1>(value) {
        Ok(_) => Err(0xffffffff),
        Err(positive) => Ok(upcast(sub(positive, 1))),
    }
}

impl U64IncSplit of ConstrainHelper<u64, 0xffffffffffffffff> {
    type LowT = BoundedInt<0, 0xfffffffffffffffe>;
    type HighT = UnitInt<0xffffffffffffffff>;
}
impl U64IncAdd of AddHelper<BoundedInt<0, 0xfffffffffffffffe>, UnitInt<1>> {
    type Result = BoundedInt<1, 0xffffffffffffffff>;
}
impl U64DecSplit of ConstrainHelper<u64, 1> {
    type LowT = UnitInt<0>;
    type HighT = BoundedInt<1, 0xffffffffffffffff>;
}
impl U64DecSub of SubHelper<BoundedInt<1, 0xffffffffffffffff>, UnitInt<1>> {
    type Result = BoundedInt<0, 0xfffffffffffffffe>;
}

pub fn u64_inc(value: u64) -> Result<u64, u64> nopanic {
    match constrain::<u64, 0xffffffffffffffff>(value) {
        Ok(below_max) => Ok(upcast(add(below_max, 1))),
        Err(_) => Err(0),
    }
}

pub fn u64_dec(value: u64) -> Result<u64, u64> nopanic {
    match constrain::<u64, 1>(value) {
        Ok(_) => Err(0xffffffffffffffff),
        Err(positive) => Ok(upcast(sub(positive, 1))),
    }
}

impl U128IncSplit of ConstrainHelper<u128, 0xffffffffffffffffffffffffffffffff> {
    type LowT = BoundedInt<0, 0xfffffffffffffffffffffffffffffffe>;
    type HighT = UnitInt<0xffffffffffffffffffffffffffffffff>;
}
impl U128IncAdd of AddHelper<BoundedInt<0, 0xfffffffffffffffffffffffffffffffe>, UnitInt<1>> {
    type Result = BoundedInt<1, 0xffffffffffffffffffffffffffffffff>;
}
impl U128DecSplit of ConstrainHelper<u128, 1> {
    type LowT = UnitInt<0>;
    type HighT = BoundedInt<1, 0xffffffffffffffffffffffffffffffff>;
}
impl U128DecSub of SubHelper<BoundedInt<1, 0xffffffffffffffffffffffffffffffff>, UnitInt<1>> {
    type Result = BoundedInt<0, 0xfffffffffffffffffffffffffffffffe>;
}

pub fn u128_inc(value: u128) -> Result<u128, u128> nopanic {
    match constrain::<u128, 0xffffffffffffffffffffffffffffffff>(value) {
        Ok(below_max) => Ok(upcast(add(below_max, 1))),
        Err(_) => Err(0),
    }
}

pub fn u128_dec(value: u128) -> Result<u128, u128> nopanic {
    match constrain::<u128, 1>(value) {
        Ok(_) => Err(0xffffffffffffffffffffffffffffffff),
        Err(positive) => Ok(upcast(sub(positive, 1))),
    }
}

impl I8IncSplit of ConstrainHelper<i8, 0x7f> {
    type LowT = BoundedInt<-0x80, 0x7e>;
    type HighT = UnitInt<0x7f>;
}
impl I8IncAdd of AddHelper<BoundedInt<-0x80, 0x7e>, UnitInt<1>> {
    type Result = BoundedInt<-0x7f, 0x7f>;
}
impl I8DecSplit of ConstrainHelper<i8, -0x7f> {
    type LowT = UnitInt<-0x80>;
    type HighT = BoundedInt<-0x7f, 0x7f>;
}
impl I8DecSub of SubHelper<BoundedInt<-0x7f, 0x7f>, UnitInt<1>> {
    type Result = BoundedInt<-0x80, 0x7e>;
}

pub fn i8_inc(value: i8) -> SignedIntegerResult<i8> nopanic {
    match constrain::<i8, 0x7f>(value) {
        Ok(below_max) => SignedIntegerResult::InRange(upcast(add(below_max, 1))),
        Err(_) => SignedIntegerResult::Overflow(-0x80),
    }
}

pub fn i8_dec(value: i8) -> SignedIntegerResult<i8> nopanic {
    match constrain::<i8, -0x7f>(value) {
        Ok(_) => SignedIntegerResult::Underflow(0x7f),
        Err(above_min) => SignedIntegerResult::InRange(upcast(sub(above_min, 1))),
    }
}

impl I16IncSplit of ConstrainHelper<i16, 0x7fff> {
    type LowT = BoundedInt<-0x8000, 0x7ffe>;
    type HighT = UnitInt<0x7fff>;
}
impl I16IncAdd of AddHelper<BoundedInt<-0x8000, 0x7ffe>, UnitInt<1>> {
    type Result = BoundedInt<-0x7fff, 0x7fff>;
}
impl I16DecSplit of ConstrainHelper<i16, -0x7fff> {
    type LowT = UnitInt<-0x8000>;
    type HighT = BoundedInt<-0x7fff, 0x7fff>;
}
impl I16DecSub of SubHelper<BoundedInt<-0x7fff, 0x7fff>, UnitInt<1>> {
    type Result = BoundedInt<-0x8000, 0x7ffe>;
}

pub fn i16_inc(value: i16) -> SignedIntegerResult<i16> nopanic {
    match constrain::<i16, 0x7fff>(value) {
        Ok(below_max) => SignedIntegerResult::InRange(upcast(add(below_max, 1))),
        Err(_) => SignedIntegerResult::Overflow(-0x8000),
    }
}

pub fn i16_dec(value: i16) -> SignedIntegerResult<i16> nopanic {
    match constrain::<i16, -0x7fff>(value) {
        Ok(_) => SignedIntegerResult::Underflow(0x7fff),
        Err(above_min) => SignedIntegerResult::InRange(upcast(sub(above_min, 1))),
    }
}

impl I32IncSplit of ConstrainHelper<i32, 0x7fffffff> {
    type LowT = BoundedInt<-0x80000000, 0x7ffffffe>;
    type HighT = UnitInt<0x7fffffff>;
}
impl I32IncAdd of AddHelper<BoundedInt<-0x80000000, 0x7ffffffe>, UnitInt<1>> {
    type Result = BoundedInt<-0x7fffffff, 0x7fffffff>;
}
impl I32DecSplit of ConstrainHelper<i32, -0x7fffffff> {
    type LowT = UnitInt<-0x80000000>;
    type HighT = BoundedInt<-0x7fffffff, 0x7fffffff>;
}
impl I32DecSub of SubHelper<BoundedInt<-0x7fffffff, 0x7fffffff>, UnitInt<1>> {
    type Result = BoundedInt<-0x80000000, 0x7ffffffe>;
}

pub fn i32_inc(value: i32) -> SignedIntegerResult<i32> nopanic {
    match constrain::<i32, 0x7fffffff>(value) {
        Ok(below_max) => SignedIntegerResult::InRange(upcast(add(below_max, 1))),
        Err(_) => SignedIntegerResult::Overflow(-0x80000000),
    }
}

pub fn i32_dec(value: i32) -> SignedIntegerResult<i32> nopanic {
    match constrain::<i32, -0x7fffffff>(value) {
        Ok(_) => SignedIntegerResult::Underflow(0x7fffffff),
        Err(above_min) => SignedIntegerResult::InRange(upcast(sub(above_min, 1))),
    }
}

impl I64IncSplit of ConstrainHelper<i64, 0x7fffffffffffffff> {
    type LowT = BoundedInt<-0x8000000000000000, 0x7ffffffffffffffe>;
    type HighT = UnitInt<0x7fffffffffffffff>;
}
impl I64IncAdd of AddHelper<BoundedInt<-0x8000000000000000, 0x7ffffffffffffffe>, UnitInt<1>> {
    type Result = BoundedInt<-0x7fffffffffffffff, 0x7fffffffffffffff>;
}
impl I64DecSplit of ConstrainHelper<i64, -0x7fffffffffffffff> {
    type LowT = UnitInt<-0x8000000000000000>;
    type HighT = BoundedInt<-0x7fffffffffffffff, 0x7fffffffffffffff>;
}
impl I64DecSub of SubHelper<BoundedInt<-0x7fffffffffffffff, 0x7fffffffffffffff>, UnitInt<1>> {
    type Result = BoundedInt<-0x8000000000000000, 0x7ffffffffffffffe>;
}

pub fn i64_inc(value: i64) -> SignedIntegerResult<i64> nopanic {
    match constrain::<i64, 0x7fffffffffffffff>(value) {
        Ok(below_max) => SignedIntegerResult::InRange(upcast(add(below_max, 1))),
        Err(_) => SignedIntegerResult::Overflow(-0x8000000000000000),
    }
}

pub fn i64_dec(value: i64) -> SignedIntegerResult<i64> nopanic {
    match constrain::<i64, -0x7fffffffffffffff>(value) {
        Ok(_) => SignedIntegerResult::Underflow(0x7fffffffffffffff),
        Err(above_min) => SignedIntegerResult::InRange(upcast(sub(above_min, 1))),
    }
}

impl I128IncSplit of ConstrainHelper<i128, 0x7fffffffffffffffffffffffffffffff> {
    type LowT = BoundedInt<-0x80000000000000000000000000000000, 0x7ffffffffffffffffffffffffffffffe>;
    type HighT = UnitInt<0x7fffffffffffffffffffffffffffffff>;
}
impl I128IncAdd of AddHelper<BoundedInt<-0x80000000000000000000000000000000, 0x7ffffffffffffffffffffffffffffffe>, UnitInt<1>> {
    type Result = BoundedInt<-0x7fffffffffffffffffffffffffffffff, 0x7fffffffffffffffffffffffffffffff>;
}
impl I128DecSplit of ConstrainHelper<i128, -0x7fffffffffffffffffffffffffffffff> {
    type LowT = UnitInt<-0x80000000000000000000000000000000>;
    type HighT = BoundedInt<-0x7fffffffffffffffffffffffffffffff, 0x7fffffffffffffffffffffffffffffff>;
}
impl I128DecSub of SubHelper<BoundedInt<-0x7fffffffffffffffffffffffffffffff, 0x7fffffffffffffffffffffffffffffff>, UnitInt<1>> {
    type Result = BoundedInt<-0x80000000000000000000000000000000, 0x7ffffffffffffffffffffffffffffffe>;
}

pub fn i128_inc(value: i128) -> SignedIntegerResult<i128> nopanic {
    match constrain::<i128, 0x7fffffffffffffffffffffffffffffff>(value) {
        Ok(below_max) => SignedIntegerResult::InRange(upcast(add(below_max, 1))),
        Err(_) => SignedIntegerResult::Overflow(-0x80000000000000000000000000000000),
    }
}

pub fn i128_dec(value: i128) -> SignedIntegerResult<i128> nopanic {
    match constrain::<i128, -0x7fffffffffffffffffffffffffffffff>(value) {
        Ok(_) => SignedIntegerResult::Underflow(0x7fffffffffffffffffffffffffffffff),
        Err(above_min) => SignedIntegerResult::InRange(upcast(sub(above_min, 1))),
    }
}

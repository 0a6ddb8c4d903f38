//! Integers with compile-time bounds, on the Sierra `bounded_int_*` libfuncs.
//!
//! The libfuncs compute result bounds themselves; the helper traits below only name those result
//! types so Cairo code can spell them. Sierra rejects a helper whose bounds do not match, so a
//! wrong impl here fails at compile time, never at run time.

use crate::RangeCheck;
use crate::internal::OptionRev;
use crate::zeroable::IsZeroResult;

/// An integer in `[MIN, MAX]`.
pub(crate) extern type BoundedInt<const MIN: felt252, const MAX: felt252>;
impl BoundedIntCopy<const MIN: felt252, const MAX: felt252> of Copy<BoundedInt<MIN, MAX>>;
impl BoundedIntDrop<const MIN: felt252, const MAX: felt252> of Drop<BoundedInt<MIN, MAX>>;
impl NumericLiteralBoundedInt<
    const MIN: felt252, const MAX: felt252,
> of crate::integer::NumericLiteral<BoundedInt<MIN, MAX>>;

impl BoundedIntIntoFelt252<
    const MIN: felt252, const MAX: felt252,
> of Into<BoundedInt<MIN, MAX>, felt252> {
    fn into(self: BoundedInt<MIN, MAX>) -> felt252 {
        crate::integer::upcast(self)
    }
}

impl BoundedIntPartialEq<
    const MIN: felt252, const MAX: felt252,
> of PartialEq<BoundedInt<MIN, MAX>> {
    #[inline]
    fn eq(lhs: @BoundedInt<MIN, MAX>, rhs: @BoundedInt<MIN, MAX>) -> bool {
        Into::<_, felt252>::into(*lhs) == (*rhs).into()
    }
}

impl BoundedIntDebug<
    const MIN: felt252, const MAX: felt252,
> of crate::fmt::Debug<BoundedInt<MIN, MAX>> {
    fn fmt(
        self: @BoundedInt<MIN, MAX>, ref f: crate::fmt::Formatter,
    ) -> Result<(), crate::fmt::Error> {
        let as_felt: felt252 = (*self).into();
        crate::fmt::Debug::fmt(@as_felt, ref f)
    }
}

/// The single value `VALUE`, as a type.
pub(crate) type UnitInt<const VALUE: felt252> = BoundedInt<VALUE, VALUE>;

/// Names the result type of `bounded_int_add`.
pub(crate) trait AddHelper<Lhs, Rhs> {
    type Result;
}

/// Names the result type of `bounded_int_sub`.
pub(crate) trait SubHelper<Lhs, Rhs> {
    type Result;
}

/// Names the result type of `bounded_int_mul`.
pub(crate) trait MulHelper<Lhs, Rhs> {
    type Result;
}

/// Names the quotient and remainder types of `bounded_int_div_rem`.
pub(crate) trait DivRemHelper<Lhs, Rhs> {
    type DivT;
    type RemT;
}

/// Names the two halves `[MIN, BOUNDARY)` and `[BOUNDARY, MAX]` of `bounded_int_constrain`.
pub(crate) trait ConstrainHelper<T, const BOUNDARY: felt252> {
    type LowT;
    type HighT;
}

/// Names the type left after `bounded_int_trim_min` removes the minimum.
pub(crate) trait TrimMinHelper<T> {
    type Target;
}

/// Names the type left after `bounded_int_trim_max` removes the maximum.
pub(crate) trait TrimMaxHelper<T> {
    type Target;
}

/// Widens a value to a type whose range contains the source range (checked by Sierra).
pub(crate) extern const fn upcast<FromType, ToType>(x: FromType) -> ToType nopanic;

/// Narrows a value; `None` when it does not fit the target range.
pub(crate) extern const fn downcast<FromType, ToType>(
    x: FromType,
) -> Option<ToType> implicits(RangeCheck) nopanic;

extern fn bounded_int_add<Lhs, Rhs, impl H: AddHelper<Lhs, Rhs>>(
    lhs: Lhs, rhs: Rhs,
) -> H::Result nopanic;
extern fn bounded_int_sub<Lhs, Rhs, impl H: SubHelper<Lhs, Rhs>>(
    lhs: Lhs, rhs: Rhs,
) -> H::Result nopanic;
extern fn bounded_int_mul<Lhs, Rhs, impl H: MulHelper<Lhs, Rhs>>(
    lhs: Lhs, rhs: Rhs,
) -> H::Result nopanic;
extern fn bounded_int_div_rem<Lhs, Rhs, impl H: DivRemHelper<Lhs, Rhs>>(
    lhs: Lhs, rhs: NonZero<Rhs>,
) -> (H::DivT, H::RemT) implicits(RangeCheck) nopanic;
extern fn bounded_int_constrain<T, const BOUNDARY: felt252, impl H: ConstrainHelper<T, BOUNDARY>>(
    value: T,
) -> Result<H::LowT, H::HighT> implicits(RangeCheck) nopanic;
extern fn bounded_int_trim_min<T, impl H: TrimMinHelper<T>>(
    value: T,
) -> OptionRev<H::Target> nopanic;
extern fn bounded_int_trim_max<T, impl H: TrimMaxHelper<T>>(
    value: T,
) -> OptionRev<H::Target> nopanic;
extern fn bounded_int_is_zero<T>(value: T) -> IsZeroResult<T> implicits() nopanic;
extern fn bounded_int_wrap_non_zero<T>(value: T) -> NonZero<T> nopanic;

pub(crate) use bounded_int_add as add;
pub(crate) use bounded_int_constrain as constrain;
pub(crate) use bounded_int_div_rem as div_rem;
pub(crate) use bounded_int_is_zero as is_zero;
pub(crate) use bounded_int_mul as mul;
pub(crate) use bounded_int_sub as sub;
pub(crate) use bounded_int_trim_max as trim_max;
pub(crate) use bounded_int_trim_min as trim_min;

/// `-value`, as a bounded int.
pub(crate) trait NegateHelper<T> {
    type Result;
    fn negate(self: T) -> Self::Result;
}

impl MulMinusOneNegateHelper<T, impl H: MulHelper<T, UnitInt<-1>>> of NegateHelper<T> {
    type Result = H::Result;
    #[inline]
    fn negate(self: T) -> H::Result {
        bounded_int_mul(self, -1)
    }
}

impl NonZeroNegateHelper<
    T, impl H: MulHelper<T, UnitInt<-1>>,
> of NegateHelper<NonZero<T>> {
    type Result = NonZero<H::Result>;
    #[inline]
    fn negate(self: NonZero<T>) -> NonZero<H::Result> {
        let minus_one: NonZero<UnitInt<-1>> = bounded_int_wrap_non_zero(-1);
        bounded_int_mul(self, minus_one)
    }
}

impl NonZeroMulHelper<
    Lhs, Rhs, impl H: MulHelper<Lhs, Rhs>,
> of MulHelper<NonZero<Lhs>, NonZero<Rhs>> {
    type Result = NonZero<H::Result>;
}

impl NonZeroConstrainHelper<
    T, const BOUNDARY: felt252, impl H: ConstrainHelper<T, BOUNDARY>,
> of ConstrainHelper<NonZero<T>, BOUNDARY> {
    type LowT = NonZero<H::LowT>;
    type HighT = NonZero<H::HighT>;
}

// Carry sums used by `u256` wide multiplication.
impl AddBit0To1 of AddHelper<BoundedInt<0, 1>, BoundedInt<0, 1>> {
    type Result = BoundedInt<0, 2>;
}
impl AddBit0To2 of AddHelper<BoundedInt<0, 2>, BoundedInt<0, 1>> {
    type Result = BoundedInt<0, 3>;
}

// `i8`: sign split at 0 and the negations signed division needs.
impl I8Constrain0 of ConstrainHelper<i8, 0> {
    type LowT = BoundedInt<-0x80, -1>;
    type HighT = BoundedInt<0, 0x7f>;
}
impl I8NegNeg of MulHelper<BoundedInt<-0x80, -1>, UnitInt<-1>> {
    type Result = BoundedInt<1, 0x80>;
}
impl I8NegPos of MulHelper<BoundedInt<0, 0x7f>, UnitInt<-1>> {
    type Result = BoundedInt<-0x7f, 0>;
}
impl I8NegAbsMin of MulHelper<BoundedInt<0, 0x80>, UnitInt<-1>> {
    type Result = BoundedInt<-0x80, 0>;
}
impl I8NegPosRem of MulHelper<BoundedInt<0, 0x7e>, UnitInt<-1>> {
    type Result = BoundedInt<-0x7e, 0>;
}
impl I8NegNegNz of MulHelper<BoundedInt<1, 0x80>, UnitInt<-1>> {
    type Result = BoundedInt<-0x80, -1>;
}

// `i16`: sign split at 0 and the negations signed division needs.
impl I16Constrain0 of ConstrainHelper<i16, 0> {
    type LowT = BoundedInt<-0x8000, -1>;
    type HighT = BoundedInt<0, 0x7fff>;
}
impl I16NegNeg of MulHelper<BoundedInt<-0x8000, -1>, UnitInt<-1>> {
    type Result = BoundedInt<1, 0x8000>;
}
impl I16NegPos of MulHelper<BoundedInt<0, 0x7fff>, UnitInt<-1>> {
    type Result = BoundedInt<-0x7fff, 0>;
}
impl I16NegAbsMin of MulHelper<BoundedInt<0, 0x8000>, UnitInt<-1>> {
    type Result = BoundedInt<-0x8000, 0>;
}
impl I16NegPosRem of MulHelper<BoundedInt<0, 0x7ffe>, UnitInt<-1>> {
    type Result = BoundedInt<-0x7ffe, 0>;
}
impl I16NegNegNz of MulHelper<BoundedInt<1, 0x8000>, UnitInt<-1>> {
    type Result = BoundedInt<-0x8000, -1>;
}

// `i32`: sign split at 0 and the negations signed division needs.
impl I32Constrain0 of ConstrainHelper<i32, 0> {
    type LowT = BoundedInt<-0x80000000, -1>;
    type HighT = BoundedInt<0, 0x7fffffff>;
}
impl I32NegNeg of MulHelper<BoundedInt<-0x80000000, -1>, UnitInt<-1>> {
    type Result = BoundedInt<1, 0x80000000>;
}
impl I32NegPos of MulHelper<BoundedInt<0, 0x7fffffff>, UnitInt<-1>> {
    type Result = BoundedInt<-0x7fffffff, 0>;
}
impl I32NegAbsMin of MulHelper<BoundedInt<0, 0x80000000>, UnitInt<-1>> {
    type Result = BoundedInt<-0x80000000, 0>;
}
impl I32NegPosRem of MulHelper<BoundedInt<0, 0x7ffffffe>, UnitInt<-1>> {
    type Result = BoundedInt<-0x7ffffffe, 0>;
}
impl I32NegNegNz of MulHelper<BoundedInt<1, 0x80000000>, UnitInt<-1>> {
    type Result = BoundedInt<-0x80000000, -1>;
}

// `i64`: sign split at 0 and the negations signed division needs.
impl I64Constrain0 of ConstrainHelper<i64, 0> {
    type LowT = BoundedInt<-0x8000000000000000, -1>;
    type HighT = BoundedInt<0, 0x7fffffffffffffff>;
}
impl I64NegNeg of MulHelper<BoundedInt<-0x8000000000000000, -1>, UnitInt<-1>> {
    type Result = BoundedInt<1, 0x8000000000000000>;
}
impl I64NegPos of MulHelper<BoundedInt<0, 0x7fffffffffffffff>, UnitInt<-1>> {
    type Result = BoundedInt<-0x7fffffffffffffff, 0>;
}
impl I64NegAbsMin of MulHelper<BoundedInt<0, 0x8000000000000000>, UnitInt<-1>> {
    type Result = BoundedInt<-0x8000000000000000, 0>;
}
impl I64NegPosRem of MulHelper<BoundedInt<0, 0x7ffffffffffffffe>, UnitInt<-1>> {
    type Result = BoundedInt<-0x7ffffffffffffffe, 0>;
}
impl I64NegNegNz of MulHelper<BoundedInt<1, 0x8000000000000000>, UnitInt<-1>> {
    type Result = BoundedInt<-0x8000000000000000, -1>;
}

// `i128`: sign split at 0 and the negations signed division needs.
impl I128Constrain0 of ConstrainHelper<i128, 0> {
    type LowT = BoundedInt<-0x80000000000000000000000000000000, -1>;
    type HighT = BoundedInt<0, 0x7fffffffffffffffffffffffffffffff>;
}
impl I128NegNeg of MulHelper<BoundedInt<-0x80000000000000000000000000000000, -1>, UnitInt<-1>> {
    type Result = BoundedInt<1, 0x80000000000000000000000000000000>;
}
impl I128NegPos of MulHelper<BoundedInt<0, 0x7fffffffffffffffffffffffffffffff>, UnitInt<-1>> {
    type Result = BoundedInt<-0x7fffffffffffffffffffffffffffffff, 0>;
}
impl I128NegAbsMin of MulHelper<BoundedInt<0, 0x80000000000000000000000000000000>, UnitInt<-1>> {
    type Result = BoundedInt<-0x80000000000000000000000000000000, 0>;
}
impl I128NegPosRem of MulHelper<BoundedInt<0, 0x7ffffffffffffffffffffffffffffffe>, UnitInt<-1>> {
    type Result = BoundedInt<-0x7ffffffffffffffffffffffffffffffe, 0>;
}
impl I128NegNegNz of MulHelper<BoundedInt<1, 0x80000000000000000000000000000000>, UnitInt<-1>> {
    type Result = BoundedInt<-0x80000000000000000000000000000000, -1>;
}

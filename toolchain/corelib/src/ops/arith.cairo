//! Compound assignment operators (`+=`, `-=`, `*=`, `/=`, `%=`).
//!
//! Types that only implement the older `core::traits::{AddEq, ...}` traits get these through the
//! bridging impls below, so both spellings work.

#[feature("deprecated-op-assign-traits")]
use crate::traits::{AddEq, DivEq, MulEq, RemEq, SubEq};

/// `lhs += rhs`.
pub trait AddAssign<Lhs, Rhs> {
    fn add_assign(ref self: Lhs, rhs: Rhs);
}

/// `lhs -= rhs`.
pub trait SubAssign<Lhs, Rhs> {
    fn sub_assign(ref self: Lhs, rhs: Rhs);
}

/// `lhs *= rhs`.
pub trait MulAssign<Lhs, Rhs> {
    fn mul_assign(ref self: Lhs, rhs: Rhs);
}

/// `lhs /= rhs`.
pub trait DivAssign<Lhs, Rhs> {
    fn div_assign(ref self: Lhs, rhs: Rhs);
}

/// `lhs %= rhs`.
pub trait RemAssign<Lhs, Rhs> {
    fn rem_assign(ref self: Lhs, rhs: Rhs);
}

impl AddAssignFromAddEq<T, impl E: AddEq<T>> of AddAssign<T, T> {
    #[inline]
    fn add_assign(ref self: T, rhs: T) {
        E::add_eq(ref self, rhs)
    }
}

impl SubAssignFromSubEq<T, impl E: SubEq<T>> of SubAssign<T, T> {
    #[inline]
    fn sub_assign(ref self: T, rhs: T) {
        E::sub_eq(ref self, rhs)
    }
}

impl MulAssignFromMulEq<T, impl E: MulEq<T>> of MulAssign<T, T> {
    #[inline]
    fn mul_assign(ref self: T, rhs: T) {
        E::mul_eq(ref self, rhs)
    }
}

impl DivAssignFromDivEq<T, impl E: DivEq<T>> of DivAssign<T, T> {
    #[inline]
    fn div_assign(ref self: T, rhs: T) {
        E::div_eq(ref self, rhs)
    }
}

impl RemAssignFromRemEq<T, impl E: RemEq<T>> of RemAssign<T, T> {
    #[inline]
    fn rem_assign(ref self: T, rhs: T) {
        E::rem_eq(ref self, rhs)
    }
}

/// Addition clamped to the type's bounds.
pub trait SaturatingAdd<T> {
    fn saturating_add(self: T, other: T) -> T;
}

/// Subtraction clamped to the type's bounds.
pub trait SaturatingSub<T> {
    fn saturating_sub(self: T, other: T) -> T;
}

/// Multiplication clamped to the type's bounds.
pub trait SaturatingMul<T> {
    fn saturating_mul(self: T, other: T) -> T;
}

/// Saturating ops for unsigned types, derived from the overflowing ones: an overflowing add or
/// mul clamps to `MAX`, an overflowing sub to `MIN`.
pub(crate) mod overflow_based {
    use crate::num::traits::{Bounded, OverflowingAdd, OverflowingMul, OverflowingSub};

    pub(crate) impl TSaturatingAdd<
        T, +Drop<T>, +Bounded<T>, +OverflowingAdd<T>,
    > of super::SaturatingAdd<T> {
        fn saturating_add(self: T, other: T) -> T {
            let (result, overflow) = self.overflowing_add(other);
            if overflow {
                Bounded::MAX
            } else {
                result
            }
        }
    }

    pub(crate) impl TSaturatingSub<
        T, +Drop<T>, +Bounded<T>, +OverflowingSub<T>,
    > of super::SaturatingSub<T> {
        fn saturating_sub(self: T, other: T) -> T {
            let (result, overflow) = self.overflowing_sub(other);
            if overflow {
                Bounded::MIN
            } else {
                result
            }
        }
    }

    pub(crate) impl TSaturatingMul<
        T, +Drop<T>, +Bounded<T>, +OverflowingMul<T>,
    > of super::SaturatingMul<T> {
        fn saturating_mul(self: T, other: T) -> T {
            let (result, overflow) = self.overflowing_mul(other);
            if overflow {
                Bounded::MAX
            } else {
                result
            }
        }
    }
}

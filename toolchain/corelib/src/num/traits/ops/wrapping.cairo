/// Addition modulo the type's range.
pub trait WrappingAdd<T> {
    fn wrapping_add(self: T, v: T) -> T;
}

/// Subtraction modulo the type's range.
pub trait WrappingSub<T> {
    fn wrapping_sub(self: T, v: T) -> T;
}

/// Multiplication modulo the type's range.
pub trait WrappingMul<T> {
    fn wrapping_mul(self: T, v: T) -> T;
}

/// Wrapping ops derived from the overflowing ones (the wrapped value is the result).
pub(crate) mod overflow_based {
    use crate::num::traits::{OverflowingAdd, OverflowingMul, OverflowingSub};

    pub(crate) impl TWrappingAdd<T, +Drop<T>, +OverflowingAdd<T>> of super::WrappingAdd<T> {
        fn wrapping_add(self: T, v: T) -> T {
            let (result, _) = self.overflowing_add(v);
            result
        }
    }

    pub(crate) impl TWrappingSub<T, +Drop<T>, +OverflowingSub<T>> of super::WrappingSub<T> {
        fn wrapping_sub(self: T, v: T) -> T {
            let (result, _) = self.overflowing_sub(v);
            result
        }
    }

    pub(crate) impl TWrappingMul<T, +Drop<T>, +OverflowingMul<T>> of super::WrappingMul<T> {
        fn wrapping_mul(self: T, v: T) -> T {
            let (result, _) = self.overflowing_mul(v);
            result
        }
    }
}

/// Addition that returns `None` on overflow.
pub trait CheckedAdd<T> {
    fn checked_add(self: T, v: T) -> Option<T>;
}

/// Subtraction that returns `None` on overflow.
pub trait CheckedSub<T> {
    fn checked_sub(self: T, v: T) -> Option<T>;
}

/// Multiplication that returns `None` on overflow.
pub trait CheckedMul<T> {
    fn checked_mul(self: T, v: T) -> Option<T>;
}

/// Checked ops derived from the overflowing ones.
pub(crate) mod overflow_based {
    use crate::num::traits::{OverflowingAdd, OverflowingMul, OverflowingSub};

    pub(crate) impl TCheckedAdd<T, +Drop<T>, +OverflowingAdd<T>> of super::CheckedAdd<T> {
        fn checked_add(self: T, v: T) -> Option<T> {
            let (result, overflow) = self.overflowing_add(v);
            if overflow {
                None
            } else {
                Some(result)
            }
        }
    }

    pub(crate) impl TCheckedSub<T, +Drop<T>, +OverflowingSub<T>> of super::CheckedSub<T> {
        fn checked_sub(self: T, v: T) -> Option<T> {
            let (result, overflow) = self.overflowing_sub(v);
            if overflow {
                None
            } else {
                Some(result)
            }
        }
    }

    pub(crate) impl TCheckedMul<T, +Drop<T>, +OverflowingMul<T>> of super::CheckedMul<T> {
        fn checked_mul(self: T, v: T) -> Option<T> {
            let (result, overflow) = self.overflowing_mul(v);
            if overflow {
                None
            } else {
                Some(result)
            }
        }
    }
}

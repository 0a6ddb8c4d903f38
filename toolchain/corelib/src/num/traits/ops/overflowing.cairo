/// Addition returning the wrapped result and whether it overflowed.
pub trait OverflowingAdd<T> {
    fn overflowing_add(self: T, v: T) -> (T, bool);
}

/// Subtraction returning the wrapped result and whether it overflowed.
pub trait OverflowingSub<T> {
    fn overflowing_sub(self: T, v: T) -> (T, bool);
}

/// Multiplication returning the wrapped result and whether it overflowed.
pub trait OverflowingMul<T> {
    fn overflowing_mul(self: T, v: T) -> (T, bool);
}

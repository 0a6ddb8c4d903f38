/// The additive identity.
pub trait Zero<T> {
    /// Returns the additive identity.
    fn zero() -> T;
    /// Whether `self` equals the additive identity.
    fn is_zero(self: @T) -> bool;
    /// Whether `self` differs from the additive identity.
    fn is_non_zero(self: @T) -> bool;
}

/// The multiplicative identity.
pub trait One<T> {
    /// Returns the multiplicative identity.
    fn one() -> T;
    /// Whether `self` equals the multiplicative identity.
    fn is_one(self: @T) -> bool;
    /// Whether `self` differs from the multiplicative identity.
    fn is_non_one(self: @T) -> bool;
}

/// The size of a type in bits.
pub trait BitSize<T> {
    /// Returns the number of bits of `T`.
    fn bits() -> usize;
}

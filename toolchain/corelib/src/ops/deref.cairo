//! `*` and automatic dereference (Cairn implementation; the compiler looks these traits up by name).

/// Converts a value of type `T` into its target, used by `*value` and by member access.
pub trait Deref<T> {
    /// The type produced by dereferencing.
    type Target;
    /// Returns the dereferenced value.
    fn deref(self: T) -> Self::Target;
}

/// Dereference through a `ref` binding.
pub trait DerefMut<T> {
    /// The type produced by dereferencing.
    type Target;
    /// Returns the dereferenced value.
    fn deref_mut(ref self: T) -> Self::Target;
}

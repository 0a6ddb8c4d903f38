//! The `[]` operator. `IndexView` reads through a snapshot, `Index` through a reference.
//! Types implementing the older three-parameter traits in `core::traits` are bridged here.

#[feature("deprecated-index-traits")]
use crate::traits::{Index as DeprecatedIndex, IndexView as DeprecatedIndexView};

/// `container[index]` for a snapshot of the container.
pub trait IndexView<C, I> {
    /// The type of the indexed element.
    type Target;
    /// Returns the element at `index`.
    fn index(self: @C, index: I) -> Self::Target;
}

/// `container[index]` for a mutable container.
pub trait Index<C, I> {
    /// The type of the indexed element.
    type Target;
    /// Returns the element at `index`.
    fn index(ref self: C, index: I) -> Self::Target;
}

impl IndexViewFromDeprecated<C, I, V, impl D: DeprecatedIndexView<C, I, V>> of IndexView<C, I> {
    type Target = V;
    #[inline]
    fn index(self: @C, index: I) -> V {
        D::index(self, index)
    }
}

impl IndexFromDeprecated<C, I, V, impl D: DeprecatedIndex<C, I, V>> of Index<C, I> {
    type Target = V;
    #[inline]
    fn index(ref self: C, index: I) -> V {
        D::index(ref self, index)
    }
}

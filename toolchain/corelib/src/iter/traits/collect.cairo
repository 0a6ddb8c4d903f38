//! Conversions into and out of iterators (`for` loops call `IntoIterator::into_iter`).

use crate::metaprogramming::TypeEqual;
use super::iterator::Iterator;

/// Conversion into an iterator.
pub trait IntoIterator<T> {
    /// The iterator produced.
    type IntoIter;
    /// The iterator implementation of `IntoIter`.
    impl Iterator: Iterator<Self::IntoIter>;
    /// Creates the iterator.
    fn into_iter(self: T) -> Self::IntoIter;
}

/// Every iterator is its own `IntoIterator`.
pub impl IteratorIntoIterator<T, impl I: Iterator<T>> of IntoIterator<T> {
    type IntoIter = T;
    #[inline]
    fn into_iter(self: T) -> T {
        self
    }
}

/// Building a collection `T` from items of type `A`.
pub trait FromIterator<T, A> {
    /// Collects every item of `iter`.
    fn from_iter<
        I,
        impl IntoIter: IntoIterator<I>,
        +TypeEqual<IntoIter::Iterator::Item, A>,
        +Destruct<IntoIter::IntoIter>,
        +Destruct<I>,
    >(
        iter: I,
    ) -> T;
}

/// Extending a collection `T` with items of type `A`.
pub trait Extend<T, A> {
    /// Appends every item of `iter`.
    fn extend<
        I,
        impl IntoIter: IntoIterator<I>,
        +TypeEqual<IntoIter::Iterator::Item, A>,
        +Destruct<IntoIter::IntoIter>,
        +Destruct<I>,
    >(
        ref self: T, iter: I,
    );
}

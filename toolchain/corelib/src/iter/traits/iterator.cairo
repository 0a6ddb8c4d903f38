//! The `Iterator` trait (`for` loops call `Iterator::next`) and its provided methods.

use crate::iter::adapters::{
    Enumerate, Filter, Map, Peekable, Take, Zip, enumerated_iterator, filter_iterator,
    mapped_iterator, peekable_iterator, take_iterator, zipped_iterator,
};
use super::collect::{FromIterator, IntoIterator};

/// A source of values, produced one by one by `next`.
pub trait Iterator<T> {
    /// The type of the produced values.
    type Item;

    /// Advances the iterator; `None` once it is exhausted.
    fn next(ref self: T) -> Option<Self::Item>;

    /// Consumes the iterator and counts its items.
    fn count<+Destruct<T>, +Destruct<Self::Item>>(self: T) -> usize {
        let mut self = self;
        let mut n = 0;
        while let Some(_) = Self::next(ref self) {
            n += 1;
        }
        n
    }

    /// Consumes the iterator and returns its last item.
    fn last<+Destruct<T>, +Drop<Self::Item>>(self: T) -> Option<Self::Item> {
        let mut self = self;
        let mut last = None;
        while let Some(x) = Self::next(ref self) {
            last = Some(x);
        }
        last
    }

    /// Skips `n` items; `Err(k)` with the number of items still missing when it ran out.
    fn advance_by<+Destruct<T>, +Drop<Self::Item>>(
        ref self: T, n: usize,
    ) -> Result<(), NonZero<usize>> {
        let mut left = n;
        loop {
            match left.try_into() {
                None => { break Ok(()); },
                Some(nz) => {
                    if Self::next(ref self).is_none() {
                        break Err(nz);
                    }
                    left -= 1;
                },
            }
        }
    }

    /// Returns the `n`-th item (0-based), consuming the ones before it.
    fn nth<+Destruct<T>, +Drop<Self::Item>>(ref self: T, n: usize) -> Option<Self::Item> {
        if Self::advance_by(ref self, n).is_err() {
            return None;
        }
        Self::next(ref self)
    }

    /// Applies `f` to every item.
    fn map<B, F, +core::ops::Fn<F, (Self::Item,)>[Output: B], +Drop<T>, +Drop<F>>(
        self: T, f: F,
    ) -> Map<T, F> {
        mapped_iterator(self, f)
    }

    /// Pairs every item with its index.
    fn enumerate(self: T) -> Enumerate<T> {
        enumerated_iterator(self)
    }

    /// Keeps the items for which `predicate` holds.
    fn filter<
        P,
        +core::ops::Fn<P, (@Self::Item,)>[Output: bool],
        +Destruct<P>,
        +Destruct<T>,
        +Destruct<Self::Item>,
    >(
        self: T, predicate: P,
    ) -> Filter<T, P> {
        filter_iterator(self, predicate)
    }

    /// Walks two iterators in lockstep.
    fn zip<U, +IntoIterator<U>, +Destruct<T>>(self: T, other: U) -> Zip<T, IntoIterator::<U>::IntoIter> {
        zipped_iterator(self, other.into_iter())
    }

    /// Builds a collection from the items.
    fn collect<B, +FromIterator<B, Self::Item>, +Destruct<T>>(self: T) -> B {
        FromIterator::<
            B, Self::Item,
        >::from_iter::<T, crate::iter::traits::collect::IteratorIntoIterator<T, Self>>(self)
    }

    /// Folds every item into an accumulator.
    fn fold<
        B, F, +core::ops::Fn<F, (B, Self::Item)>[Output: B], +Destruct<T>, +Destruct<F>, +Destruct<B>,
    >(
        ref self: T, init: B, f: F,
    ) -> B {
        let mut acc = init;
        while let Some(x) = Self::next(ref self) {
            acc = f(acc, x);
        }
        acc
    }

    /// Whether `predicate` holds for some item (stops at the first).
    fn any<P, +core::ops::Fn<P, (Self::Item,)>[Output: bool], +Destruct<P>, +Destruct<T>>(
        ref self: T, predicate: P,
    ) -> bool {
        loop {
            match Self::next(ref self) {
                None => { break false; },
                Some(x) => { if predicate(x) {
                    break true;
                } },
            }
        }
    }

    /// Whether `predicate` holds for every item (stops at the first failure).
    fn all<P, +core::ops::Fn<P, (Self::Item,)>[Output: bool], +Destruct<P>, +Destruct<T>>(
        ref self: T, predicate: P,
    ) -> bool {
        loop {
            match Self::next(ref self) {
                None => { break true; },
                Some(x) => { if !predicate(x) {
                    break false;
                } },
            }
        }
    }

    /// The first item for which `predicate` holds.
    fn find<
        P,
        +core::ops::Fn<P, (@Self::Item,)>[Output: bool],
        +Destruct<P>,
        +Destruct<Self::Item>,
        +Destruct<T>,
    >(
        ref self: T, predicate: P,
    ) -> Option<Self::Item> {
        loop {
            match Self::next(ref self) {
                None => { break None; },
                Some(x) => { if predicate(@x) {
                    break Some(x);
                } },
            }
        }
    }

    /// At most the first `n` items.
    fn take(self: T, n: usize) -> Take<T> {
        take_iterator(self, n)
    }

    /// An iterator that can look at its next item without consuming it.
    fn peekable(self: T) -> Peekable<T, Self::Item> {
        peekable_iterator(self)
    }
}

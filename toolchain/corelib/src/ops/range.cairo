//! Ranges: `start..end` (half open) and `start..=end` (closed), and their iterators.
//!
//! Iteration steps by `One::one()` while the cursor is below the end, so an empty or reversed
//! range yields nothing.

use crate::iter::{IntoIterator, Iterator};
use crate::num::traits::One;

/// The half-open range `start..end`.
#[derive(Clone, Drop, PartialEq)]
pub struct Range<T> {
    /// The first value in the range.
    pub start: T,
    /// One past the last value in the range.
    pub end: T,
}

impl RangeDebug<T, +crate::fmt::Debug<T>> of crate::fmt::Debug<Range<T>> {
    fn fmt(self: @Range<T>, ref f: crate::fmt::Formatter) -> Result<(), crate::fmt::Error> {
        self.start.fmt(ref f)?;
        write!(f, "..")?;
        self.end.fmt(ref f)
    }
}

/// Builds a `Range` from the `..` operator (used by the compiler).
pub trait RangeOp<T> {
    fn range(start: T, end: T) -> Range<T>;
}

impl RangeOpImpl<T> of RangeOp<T> {
    #[inline]
    fn range(start: T, end: T) -> Range<T> {
        Range { start, end }
    }
}

/// Queries on a `Range`.
pub trait RangeTrait<T, +PartialOrd<@T>> {
    /// Whether `item` lies in `start..end`.
    fn contains(self: @Range<T>, item: @T) -> bool;
    /// Whether the range holds no value.
    fn is_empty(self: @Range<T>) -> bool;
}

impl RangeTraitImpl<T, +PartialOrd<@T>> of RangeTrait<T> {
    #[inline]
    fn contains(self: @Range<T>, item: @T) -> bool {
        self.start <= item && item < self.end
    }

    #[inline]
    fn is_empty(self: @Range<T>) -> bool {
        !(self.start < self.end)
    }
}

/// Iterator over a `Range`.
#[derive(Clone, Drop)]
pub struct RangeIterator<T> {
    cur: T,
    end: T,
}

impl RangeIteratorImpl<
    T, +One<T>, +Add<T>, +Copy<T>, +Drop<T>, +PartialOrd<T>,
> of Iterator<RangeIterator<T>> {
    type Item = T;

    fn next(ref self: RangeIterator<T>) -> Option<T> {
        if self.cur < self.end {
            let value = self.cur;
            self.cur = value + One::one();
            Some(value)
        } else {
            None
        }
    }
}

impl RangeIntoIterator<
    T, +One<T>, +Add<T>, +Copy<T>, +Drop<T>, +PartialOrd<T>,
> of IntoIterator<Range<T>> {
    type IntoIter = RangeIterator<T>;

    #[inline]
    fn into_iter(self: Range<T>) -> RangeIterator<T> {
        RangeIterator { cur: self.start, end: self.end }
    }
}

/// The closed range `start..=end`.
#[derive(Clone, Drop, PartialEq)]
pub struct RangeInclusive<T> {
    /// The first value in the range.
    pub start: T,
    /// The last value in the range.
    pub end: T,
}

/// Builds a `RangeInclusive` from the `..=` operator (used by the compiler).
pub trait RangeInclusiveOp<T> {
    fn range_inclusive(start: T, end: T) -> RangeInclusive<T>;
}

impl RangeInclusiveOpImpl<T> of RangeInclusiveOp<T> {
    #[inline]
    fn range_inclusive(start: T, end: T) -> RangeInclusive<T> {
        RangeInclusive { start, end }
    }
}

/// Queries on a `RangeInclusive`.
pub trait RangeInclusiveTrait<T, +PartialOrd<@T>> {
    /// Whether `item` lies in `start..=end`.
    fn contains(self: @RangeInclusive<T>, item: @T) -> bool;
    /// Whether the range holds no value.
    fn is_empty(self: @RangeInclusive<T>) -> bool;
}

impl RangeInclusiveTraitImpl<T, +PartialOrd<@T>> of RangeInclusiveTrait<T> {
    #[inline]
    fn contains(self: @RangeInclusive<T>, item: @T) -> bool {
        self.start <= item && item <= self.end
    }

    #[inline]
    fn is_empty(self: @RangeInclusive<T>) -> bool {
        self.start > self.end
    }
}

/// Iterator over a `RangeInclusive`; `exhausted` avoids stepping past the type's maximum.
#[derive(Clone, Drop)]
pub struct RangeInclusiveIterator<T> {
    cur: T,
    end: T,
    exhausted: bool,
}

impl RangeInclusiveIteratorImpl<
    T, +One<T>, +Add<T>, +Copy<T>, +Drop<T>, +PartialOrd<T>,
> of Iterator<RangeInclusiveIterator<T>> {
    type Item = T;

    fn next(ref self: RangeInclusiveIterator<T>) -> Option<T> {
        if self.exhausted || self.cur > self.end {
            return None;
        }
        let value = self.cur;
        if value < self.end {
            self.cur = value + One::one();
        } else {
            self.exhausted = true;
        }
        Some(value)
    }
}

impl RangeInclusiveIntoIterator<
    T, +One<T>, +Add<T>, +Copy<T>, +Drop<T>, +PartialOrd<T>,
> of IntoIterator<RangeInclusive<T>> {
    type IntoIter = RangeInclusiveIterator<T>;

    #[inline]
    fn into_iter(self: RangeInclusive<T>) -> RangeInclusiveIterator<T> {
        RangeInclusiveIterator { cur: self.start, end: self.end, exhausted: false }
    }
}

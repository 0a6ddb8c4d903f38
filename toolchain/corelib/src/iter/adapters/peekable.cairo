/// An iterator that can return its next item without consuming it.
#[must_use]
#[derive(Drop, Clone)]
pub struct Peekable<I, R> {
    iter: I,
    /// `Some(item)` once peeked; the inner `Option` is what the iterator returned.
    peeked: Option<Option<R>>,
}

pub fn peekable_iterator<I, R>(iter: I) -> Peekable<I, R> {
    Peekable { iter, peeked: None }
}

impl PeekableIterator<
    I, impl TIter: Iterator<I>, +Destruct<I>, +Drop<TIter::Item>,
> of Iterator<Peekable<I, TIter::Item>> {
    type Item = TIter::Item;

    fn next(ref self: Peekable<I, TIter::Item>) -> Option<TIter::Item> {
        let peeked = self.peeked;
        self.peeked = None;
        match peeked {
            Some(v) => v,
            None => self.iter.next(),
        }
    }
}

/// Looking ahead in a `Peekable`.
pub trait PeekableTrait<T> {
    type Item;
    /// The next item (a copy) without advancing the iterator.
    fn peek(ref self: T) -> Option<Self::Item>;
}

impl PeekableTraitImpl<
    I, impl TIter: Iterator<I>, +Copy<TIter::Item>, +Drop<TIter::Item>,
> of PeekableTrait<Peekable<I, TIter::Item>> {
    type Item = TIter::Item;

    fn peek(ref self: Peekable<I, TIter::Item>) -> Option<TIter::Item> {
        match self.peeked {
            Some(v) => v,
            None => {
                let v = self.iter.next();
                self.peeked = Some(v);
                v
            },
        }
    }
}

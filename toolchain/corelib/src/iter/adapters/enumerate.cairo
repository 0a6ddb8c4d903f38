/// Pairs each item of the wrapped iterator with its 0-based index.
#[must_use]
#[derive(Drop, Clone)]
pub struct Enumerate<I> {
    iter: I,
    count: usize,
}

pub fn enumerated_iterator<I>(iter: I) -> Enumerate<I> {
    Enumerate { iter, count: 0 }
}

impl EnumerateIterator<
    I, impl TIter: Iterator<I>, +Destruct<I>, +Destruct<TIter::Item>,
> of Iterator<Enumerate<I>> {
    type Item = (usize, TIter::Item);

    fn next(ref self: Enumerate<I>) -> Option<(usize, TIter::Item)> {
        let item = self.iter.next()?;
        let index = self.count;
        self.count += 1;
        Some((index, item))
    }
}

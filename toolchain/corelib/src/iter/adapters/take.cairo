/// Yields at most `n` items of the wrapped iterator.
#[must_use]
#[derive(Drop, Clone)]
pub struct Take<I> {
    iter: I,
    n: usize,
}

pub fn take_iterator<I>(iter: I, n: usize) -> Take<I> {
    Take { iter, n }
}

impl TakeIterator<I, impl TIter: Iterator<I>, +Destruct<I>> of Iterator<Take<I>> {
    type Item = TIter::Item;

    fn next(ref self: Take<I>) -> Option<TIter::Item> {
        if self.n == 0 {
            return None;
        }
        self.n -= 1;
        self.iter.next()
    }
}

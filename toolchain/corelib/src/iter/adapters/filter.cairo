/// Keeps the items of the wrapped iterator that satisfy a predicate.
#[must_use]
#[derive(Drop, Clone)]
pub struct Filter<I, P> {
    iter: I,
    predicate: P,
}

pub fn filter_iterator<I, P>(iter: I, predicate: P) -> Filter<I, P> {
    Filter { iter, predicate }
}

impl FilterIterator<
    I,
    P,
    impl TIter: Iterator<I>,
    impl Pred: core::ops::Fn<P, (@TIter::Item,)>[Output: bool],
    +Destruct<I>,
    +Destruct<P>,
    +Destruct<TIter::Item>,
> of Iterator<Filter<I, P>> {
    type Item = TIter::Item;

    fn next(ref self: Filter<I, P>) -> Option<TIter::Item> {
        loop {
            match self.iter.next() {
                None => { break None; },
                Some(x) => {
                    let keep: bool = Pred::call(@self.predicate, (@x,));
                    if keep {
                        break Some(x);
                    }
                },
            }
        }
    }
}

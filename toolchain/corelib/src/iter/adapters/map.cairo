/// Applies a function to each item of the wrapped iterator.
#[must_use]
#[derive(Drop, Clone)]
pub struct Map<I, F> {
    iter: I,
    f: F,
}

pub fn mapped_iterator<I, F>(iter: I, f: F) -> Map<I, F> {
    Map { iter, f }
}

impl MapIterator<
    I,
    F,
    impl TIter: Iterator<I>,
    impl Func: core::ops::Fn<F, (TIter::Item,)>,
    +Destruct<I>,
    +Destruct<F>,
> of Iterator<Map<I, F>> {
    type Item = Func::Output;

    fn next(ref self: Map<I, F>) -> Option<Func::Output> {
        match self.iter.next() {
            Some(x) => Some(Func::call(@self.f, (x,))),
            None => None,
        }
    }
}

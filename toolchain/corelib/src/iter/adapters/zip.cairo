/// Walks two iterators in lockstep; stops when either ends.
#[must_use]
#[derive(Drop, Clone)]
pub struct Zip<A, B> {
    a: A,
    b: B,
}

pub fn zipped_iterator<A, B>(a: A, b: B) -> Zip<A, B> {
    Zip { a, b }
}

impl ZipIterator<
    A,
    B,
    impl IterA: Iterator<A>,
    impl IterB: Iterator<B>,
    +Destruct<A>,
    +Destruct<B>,
    +Destruct<IterA::Item>,
    +Destruct<IterB::Item>,
> of Iterator<Zip<A, B>> {
    type Item = (IterA::Item, IterB::Item);

    fn next(ref self: Zip<A, B>) -> Option<(IterA::Item, IterB::Item)> {
        let a = self.a.next()?;
        let b = self.b.next()?;
        Some((a, b))
    }
}

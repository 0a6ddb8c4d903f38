/// Raising to a power.
pub trait Pow<Base, Exp> {
    /// The result type.
    type Output;
    fn pow(self: Base, exp: Exp) -> Self::Output;
}

/// Square-and-multiply for any type with `*` and a `One`; overflow follows the type's `Mul`.
impl PowByUsize<
    T, +Mul<T>, +Copy<T>, +Drop<T>, +crate::num::traits::One<T>,
> of Pow<T, usize> {
    type Output = T;

    fn pow(self: T, exp: usize) -> T {
        let mut result = crate::num::traits::One::one();
        let mut base = self;
        let mut e = exp;
        while e != 0 {
            if e % 2 == 1 {
                result = result * base;
            }
            e = e / 2;
            if e != 0 {
                base = base * base;
            }
        }
        result
    }
}

//! Call traits; the compiler implements them for closures.

/// A callable that may consume itself.
pub trait FnOnce<T, Args> {
    /// The returned type.
    type Output;
    /// Performs the call.
    fn call(self: T, args: Args) -> Self::Output;
}

/// A callable that can be called repeatedly through a snapshot.
pub trait Fn<T, Args> {
    /// The returned type.
    type Output;
    /// Performs the call.
    fn call(self: @T, args: Args) -> Self::Output;
}

impl FnOnceFromFn<T, Args, +Destruct<T>, impl F: Fn<T, Args>> of FnOnce<T, Args> {
    type Output = F::Output;
    fn call(self: T, args: Args) -> F::Output {
        F::call(@self, args)
    }
}

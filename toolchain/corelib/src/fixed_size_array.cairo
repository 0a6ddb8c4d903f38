//! The home module of fixed-size array types (`[T; N]`). See `tuple.cairo`: the impls live next
//! to their traits in the PyPI files; the compiler only requires this module to exist.

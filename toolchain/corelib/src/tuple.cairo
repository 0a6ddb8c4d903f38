//! The home module of tuple types. Compiler 2.12.3 searches a type's module for impls; the
//! PyPI corelib keeps tuple impls next to their traits (`traits.cairo`, `serde.cairo`, ...),
//! where they are found through the trait, so this module only needs to exist.

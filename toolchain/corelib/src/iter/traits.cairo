pub mod collect;
pub mod iterator;
pub use collect::{Extend, FromIterator, IntoIterator};
pub use iterator::Iterator;

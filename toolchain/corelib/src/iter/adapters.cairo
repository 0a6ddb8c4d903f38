//! Iterator adapters returned by the provided methods of `Iterator`.

mod enumerate;
pub use enumerate::{Enumerate, enumerated_iterator};
mod filter;
pub use filter::{Filter, filter_iterator};
mod map;
pub use map::{Map, mapped_iterator};
mod peekable;
pub use peekable::{Peekable, PeekableTrait, peekable_iterator};
mod take;
pub use take::{Take, take_iterator};
mod zip;
pub use zip::{Zip, zipped_iterator};

//! Numeric traits shared by the integer types (Cairn implementation of the standard API).

pub mod zero;
pub use zero::Zero;
pub mod one;
pub use one::One;
pub mod bit_size;
pub use bit_size::BitSize;
pub mod bounded;
pub use bounded::Bounded;
pub mod ops;
pub use ops::checked::{CheckedAdd, CheckedMul, CheckedSub};
pub use ops::overflowing::{OverflowingAdd, OverflowingMul, OverflowingSub};
pub use ops::pow::Pow;
pub use ops::saturating::{SaturatingAdd, SaturatingMul, SaturatingSub};
pub use ops::sqrt::Sqrt;
pub use ops::widemul::WideMul;
pub use ops::wrapping::{WrappingAdd, WrappingMul, WrappingSub};

//! Arithmetic with explicit overflow behaviour, plus `pow`, `sqrt` and widening multiplication.

pub mod checked;
pub mod overflowing;
pub mod pow;
pub mod saturating;
pub mod sqrt;
pub mod widemul;
pub mod wrapping;

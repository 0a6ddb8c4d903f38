//! cairn_tensor: fixed-point tensors for verifiable inference.
//!
//! Values are signed fixed point at scale 2^k held in felt252 (see docs/NUMERICS.md). Products
//! accumulate exactly and are rescaled once per output; every rescale is range-checked and a
//! failure panics with `[op, reason]`. The Rust crate `cairn-fixed` is the bit-exact reference.

pub mod commit;
pub mod elementwise;
pub mod fixed;
pub mod linalg;
pub mod math;
pub mod pool;
mod pow2;
pub mod reduce;
pub mod shape;
pub mod tensor;
pub mod tree;

pub use fixed::{Q, q};
pub use linalg::Window;
pub use tensor::{Felts, Tensor};

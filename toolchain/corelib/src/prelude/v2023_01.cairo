//! What every crate of edition 2023_01 sees without `use`: the 2023_10 prelude plus the
//! older free functions.

pub use super::v2023_10::*;
pub use crate::dict::Felt252Dict;
pub use crate::ec::{EcOp, EcPoint, EcState};
pub use crate::gas::{BuiltinCosts, GasBuiltin, get_builtin_costs};
pub use crate::poseidon::Poseidon;
pub use crate::pedersen::Pedersen;
pub use crate::{felt252_div, panic_with_felt252};

//! The Starknet side of Cairn: contracts from `contracts/` compiled to the Sierra contract class
//! (what is declared on chain) and its CASM (what the sequencer runs), with the cairo-lang crates.
//!
//! ```no_run
//! let contract = chain::compile_contract(std::path::Path::new("contracts/registry"))?;
//! println!("{}: {} Sierra felts", contract.name, contract.sierra.sierra_program.len());
//! # Ok::<(), chain::ChainError>(())
//! ```

mod contract;
mod error;

pub use contract::{compile_contract, CompiledContract};
pub use error::ChainError;

//! The Starknet side of Cairn: contracts from `contracts/` compiled to the Sierra contract class
//! (what is declared on chain) and its CASM (what the sequencer runs) with the cairo-lang crates,
//! a local starknet-devnet, and an account client (starknet-rs) that declares, deploys, invokes,
//! calls and reads storage and events.
//!
//! ```no_run
//! # async fn demo() -> Result<(), chain::ChainError> {
//! let contract = chain::compile_contract(std::path::Path::new("contracts/registry"))?;
//! let devnet = chain::Devnet::start(&chain::DevnetOptions::default()).await?;
//! let chain = chain::Chain::connect(devnet.rpc_url(), &devnet.accounts()[0].key()).await?;
//! let hash = chain::sequencer_compiled_class_hash(&contract)?;
//! let declared = chain.declare(&contract, hash).await?;
//! # Ok(()) }
//! ```

mod class_hash;
mod client;
mod contract;
mod devnet;
mod error;
mod proofs;
mod tools;

pub use class_hash::sequencer_compiled_class_hash;
pub use client::{selector, AccountKey, Bounds, Chain, Declared, Deployed, TxOutcome};
pub use contract::{
    compile_contract, compile_contract_with_features, CompiledContract, MAX_BYTECODE_FELTS,
};
pub use devnet::{Devnet, DevnetOptions, PredeployedAccount};
pub use error::ChainError;
pub use proofs::{
    contracts_dir, deploy_verifier, planned_stages, section_hash, send_stage, stage_calldata,
    submit_proof, unsupported_components, StageTx, Submission, VerifierClasses, VerifierDeployment,
    FRI_FELTS_PER_TX, PROGRAM_CELLS_PER_TX, QUOTIENTS_PER_TX, QUOTIENT_CALLDATA, STAGE_BOUNDS,
    STAGE_FEATURES, STAGE_SIZES,
};
pub use starknet::core::types::Felt;

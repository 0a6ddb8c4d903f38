/// Why a Starknet operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Runner(#[from] runner::RunnerError),
    #[error("contract compilation failed:\n{0}")]
    Compile(String),
    #[error("package {package}: {reason}")]
    Contract { package: String, reason: String },
    #[error("{0}")]
    Tool(String),
    #[error("devnet: {0}")]
    Devnet(String),
    #[error("JSON-RPC: {0}")]
    Rpc(String),
    #[error("{action} failed: {reason}")]
    Transaction { action: String, reason: String },
    #[error("transaction {hash:#x} reverted: {reason}")]
    Reverted {
        hash: starknet::core::types::Felt,
        reason: String,
    },
}

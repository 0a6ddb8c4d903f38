/// Why a Starknet operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Runner(#[from] runner::RunnerError),
    #[error("contract compilation failed:\n{0}")]
    Compile(String),
    #[error("package {package}: {reason}")]
    Contract { package: String, reason: String },
}

use thiserror::Error;

/// Why a model cannot be transpiled or run; names the node, op, input or field concerned.
#[derive(Debug, Error)]
pub enum TranspileError {
    #[error("cannot read ONNX model {path}: {reason}")]
    Load { path: String, reason: String },
    #[error("node `{node}` ({op}): unsupported op. Supported ops: {supported}")]
    Unsupported {
        node: String,
        op: String,
        supported: String,
    },
    #[error("node `{node}` ({op}): {reason}")]
    Node {
        node: String,
        op: String,
        reason: String,
    },
    #[error("input `{input}`: {reason}")]
    Input { input: String, reason: String },
    #[error("fixed-point reference failed at node `{node}` ({op}): {source}")]
    Fixed {
        node: String,
        op: String,
        source: fixed::FixedError,
    },
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = TranspileError> = std::result::Result<T, E>;

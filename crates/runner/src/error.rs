use std::path::PathBuf;

/// Why compiling or running a Cairo package failed.
#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    #[error("package {path}: {reason}")]
    Package { path: PathBuf, reason: String },
    #[error("corelib not found at {0} (run `make setup`, or set CAIRN_CORELIB to a corelib `src` folder)")]
    CorelibMissing(PathBuf),
    #[error("Cairo compilation failed:\n{0}")]
    Compile(String),
    #[error("bad argument: {0}")]
    Argument(String),
    #[error("Cairo program panicked: {message}{}", location.as_ref().map(|l| format!("\n  at {l}")).unwrap_or_default())]
    Panic {
        message: String,
        data: Vec<String>,
        location: Option<String>,
    },
    #[error("Cairo VM error: {0}")]
    Vm(String),
}

//! Where the external programs Cairn drives live: `starknet-devnet` and
//! `cairn-compiled-class-hash`, both built by `scripts/setup.sh` into `build/tools/bin`.

use std::path::PathBuf;

use crate::error::ChainError;

/// The starknet-devnet binary (`CAIRN_DEVNET` overrides).
pub(crate) fn devnet() -> Result<PathBuf, ChainError> {
    find("starknet-devnet", "CAIRN_DEVNET")
}

/// The compiled-class-hash helper (`CAIRN_COMPILED_CLASS_HASH` overrides).
pub(crate) fn compiled_class_hash() -> Result<PathBuf, ChainError> {
    find("cairn-compiled-class-hash", "CAIRN_COMPILED_CLASS_HASH")
}

/// `$VAR`, then this checkout's `build/tools/bin`, then `PATH`.
fn find(name: &str, var: &str) -> Result<PathBuf, ChainError> {
    if let Some(path) = std::env::var_os(var) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(ChainError::Tool(format!(
                "{var}={} is not a file",
                path.display()
            )))
        };
    }
    let checkout = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../build/tools/bin")
        .join(name);
    if checkout.is_file() {
        return Ok(checkout);
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            ChainError::Tool(format!(
                "`{name}` not found (looked at ${var}, build/tools/bin and PATH); \
                 run scripts/setup.sh (or `make setup`) to build it"
            ))
        })
}

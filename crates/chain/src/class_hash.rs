//! The compiled class hash a declare transaction must carry.

use std::process::Command;

use starknet::core::types::Felt;

use crate::contract::CompiledContract;
use crate::error::ChainError;
use crate::tools;

/// The Blake2s compiled class hash (Starknet >= 0.14.1) of the CASM that the sequencer compiles
/// from `contract`'s Sierra. The sequencer recompiles with its own compiler (cairo-lang 2.19.4 in
/// starknet-devnet 0.10.1), whose CASM can differ from ours, so the hash comes from
/// `cairn-compiled-class-hash`, built against that compiler (tools/compiled-class-hash).
pub fn sequencer_compiled_class_hash(contract: &CompiledContract) -> Result<Felt, ChainError> {
    let tool = tools::compiled_class_hash()?;
    let mut file =
        tempfile::NamedTempFile::new().map_err(|e| ChainError::Tool(format!("temp file: {e}")))?;
    serde_json::to_writer(&mut file, &contract.sierra)
        .map_err(|e| ChainError::Tool(format!("writing the Sierra class: {e}")))?;
    let out = Command::new(&tool)
        .arg(file.path())
        .output()
        .map_err(|e| ChainError::Tool(format!("cannot run {}: {e}", tool.display())))?;
    if !out.status.success() {
        return Err(ChainError::Tool(format!(
            "{} failed for {}: {}",
            tool.display(),
            contract.name,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let line: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| ChainError::Tool(format!("{}: unexpected output: {e}", tool.display())))?;
    line["compiled_class_hash"]
        .as_str()
        .and_then(|h| Felt::from_hex(h).ok())
        .ok_or_else(|| {
            ChainError::Tool(format!(
                "{}: no compiled_class_hash in {line}",
                tool.display()
            ))
        })
}

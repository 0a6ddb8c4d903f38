//! Proof files: bzip2-compressed bincode (stwo-cairo's `Binary` format) by default, JSON on request.

use std::io::{Read, Write};
use std::path::Path;

use crate::{Proof, VerifierProof};

/// The on-disk encoding of a proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofFormat {
    /// Compact: bincode, bzip2-compressed (~650 KB).
    Binary,
    /// Human-readable JSON (~9 MB).
    Json,
}

/// Writes the proof to `path` atomically (a temporary file renamed into place).
pub fn write_proof(proof: &Proof, path: &Path, format: ProofFormat) -> anyhow::Result<u64> {
    let for_verifier: VerifierProof = proof.clone().into();
    let bytes = match format {
        ProofFormat::Json => serde_json::to_vec(&for_verifier)?,
        ProofFormat::Binary => {
            let raw = bincode::serialize(&for_verifier)?;
            let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
            enc.write_all(&raw)?;
            enc.finish()?
        }
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&bytes)?;
    tmp.persist(path)?;
    Ok(bytes.len() as u64)
}

/// Reads a proof written by [`write_proof`], detecting the format.
pub fn read_proof(path: &Path) -> anyhow::Result<VerifierProof> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("cannot read proof {}: {e}", path.display()))?;
    decode_proof(&bytes)
}

/// Decodes proof bytes (binary or JSON).
pub fn decode_proof(bytes: &[u8]) -> anyhow::Result<VerifierProof> {
    if bytes.first() == Some(&b'{') {
        return serde_json::from_slice(bytes)
            .map_err(|e| anyhow::anyhow!("malformed JSON proof: {e}"));
    }
    let mut raw = Vec::new();
    bzip2::read::BzDecoder::new(bytes)
        .read_to_end(&mut raw)
        .map_err(|e| anyhow::anyhow!("malformed binary proof (bzip2): {e}"))?;
    bincode::deserialize(&raw).map_err(|e| anyhow::anyhow!("malformed binary proof: {e}"))
}

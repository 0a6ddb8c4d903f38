//! Proof files: bzip2-compressed bincode (stwo-cairo's `Binary` format) by default, JSON on request.

use std::io::{Read, Write};
use std::path::Path;

use serde::Serialize;

use crate::params::ProofChannel;
use crate::{Poseidon252MerkleChannel, PoseidonProof, Proof, VerifierProof};

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
    write_encoded(&for_verifier, path, format)
}

/// Writes a proof made for the chain (Poseidon252 channel) like [`write_proof`];
/// [`read_chain_proof`] reads it.
pub fn write_chain_proof(
    proof: &PoseidonProof,
    path: &Path,
    format: ProofFormat,
) -> anyhow::Result<u64> {
    write_encoded(proof, path, format)
}

fn write_encoded(proof: &impl Serialize, path: &Path, format: ProofFormat) -> anyhow::Result<u64> {
    let bytes = match format {
        ProofFormat::Json => serde_json::to_vec(proof)?,
        ProofFormat::Binary => {
            let raw = bincode::serialize(proof)?;
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
    decode_proof(&read_bytes(path)?)
}

/// A proof file of either kind.
pub enum AnyProof {
    /// For the Rust verifier (Blake2s channel): [`write_proof`].
    Rust(VerifierProof),
    /// For the chain (Poseidon252 channel): [`write_chain_proof`].
    Chain(PoseidonProof),
}

/// Reads a proof file of either kind, told apart by its preprocessed-trace root.
pub fn read_any_proof(path: &Path) -> anyhow::Result<AnyProof> {
    classify(&read_bytes(path)?)
}

/// Reads a proof written by [`write_chain_proof`]; a proof made for the Rust verifier (Blake2s
/// channel) is refused by name.
pub fn read_chain_proof(path: &Path) -> anyhow::Result<PoseidonProof> {
    match classify(&read_bytes(path)?) {
        Ok(AnyProof::Chain(p)) => Ok(p),
        Ok(AnyProof::Rust(_)) => anyhow::bail!(
            "{} is a proof for the Rust verifier (Blake2s channel); the chain verifies proofs \
             made with `cairn prove --for-chain` (Poseidon252 channel)",
            path.display()
        ),
        Err(_) => anyhow::bail!("{} is not a Cairn proof made for the chain", path.display()),
    }
}

fn read_bytes(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read proof {}: {e}", path.display()))
}

/// Both kinds share one layout (32-byte hashes); only a chain proof commits to the Poseidon252
/// preprocessed root.
fn classify(bytes: &[u8]) -> anyhow::Result<AnyProof> {
    match decode::<PoseidonProof>(bytes) {
        Ok(p)
            if p.stark_proof.commitments.first()
                == Some(&Poseidon252MerkleChannel::preprocessed_root()) =>
        {
            Ok(AnyProof::Chain(p))
        }
        _ => Ok(AnyProof::Rust(decode_proof(bytes)?)),
    }
}

/// Decodes proof bytes (binary or JSON).
pub fn decode_proof(bytes: &[u8]) -> anyhow::Result<VerifierProof> {
    decode(bytes)
}

fn decode<P: serde::de::DeserializeOwned>(bytes: &[u8]) -> anyhow::Result<P> {
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

//! The Poseidon252 Merkle tree over the preprocessed trace, cached on disk. Hashing it takes
//! ~40 s on 2 cores, every process that proves for the chain needs it, and it depends on nothing
//! but the trace and the hashing scheme — both fixed by the crate versions and named by the
//! tree's root, which keys the file. A file is used only when its checksum and its root are
//! right; otherwise the tree is built and the file rewritten. The polynomials and their
//! evaluations (a second or so) are not cached.

use std::io::{Read, Write};
use std::path::PathBuf;

use starknet_ff::FieldElement;
use stwo::core::vcs::blake2_hash::Blake2sHasher;
use stwo::core::vcs_lifted::poseidon252_merkle::{
    Poseidon252MerkleChannel, Poseidon252MerkleHasher,
};
use stwo::prover::backend::simd::SimdBackend;
use stwo::prover::mempool::BaseColumnPool;
use stwo::prover::poly::circle::PolyOps;
use stwo::prover::poly::twiddles::TwiddleTree;
use stwo::prover::vcs_lifted::prover::MerkleProverLifted;
use stwo::prover::CommitmentTreeProver;

use crate::params::{Coefficients, ProofChannel, LOG_BLOWUP};

const MAGIC: &[u8; 8] = b"cairnpt1";

/// The commitment to the preprocessed trace with the Poseidon252 channel, its Merkle layers read
/// from the cache when a valid file is there.
pub(crate) fn poseidon_tree(
    coefficients: Coefficients,
    twiddles: &TwiddleTree<SimdBackend>,
    pool: &BaseColumnPool<SimdBackend>,
) -> CommitmentTreeProver<SimdBackend, Poseidon252MerkleChannel> {
    let polynomials =
        SimdBackend::evaluate_polynomials(coefficients, LOG_BLOWUP, twiddles, false, pool);
    let root = Poseidon252MerkleChannel::preprocessed_root();
    let path = cache_path(root);
    let cached = path.as_ref().and_then(|p| read_layers(p).ok());
    let commitment = match cached {
        Some(layers) if layers.first().and_then(|l| l.first()) == Some(&root) => {
            tracing::debug!("preprocessed tree read from {}", path.unwrap().display());
            MerkleProverLifted { layers }
        }
        _ => {
            let lifting_log_size = polynomials
                .iter()
                .map(|p| p.evals.domain.log_size())
                .max()
                .unwrap_or_default();
            let columns = polynomials.iter().map(|p| &p.evals.values).collect();
            let tree = MerkleProverLifted::<SimdBackend, Poseidon252MerkleHasher>::commit(
                columns,
                lifting_log_size,
                0,
            );
            // A tree for another root (a changed trace) is not stored under this root's name.
            if let Some(path) = path.filter(|_| tree.layers[0].first() == Some(&root)) {
                if let Err(e) = write_layers(&path, &tree.layers) {
                    tracing::warn!("could not cache the preprocessed tree: {e}");
                }
            }
            tree
        }
    };
    CommitmentTreeProver {
        polynomials,
        commitment,
    }
}

/// `$CAIRN_CACHE_DIR`, else `$XDG_CACHE_HOME/cairn`, else `~/.cache/cairn`; None without any.
fn cache_path(root: FieldElement) -> Option<PathBuf> {
    let dir = std::env::var_os("CAIRN_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("cairn")))
        .or_else(|| std::env::var_os("HOME").map(|d| PathBuf::from(d).join(".cache/cairn")))?;
    Some(dir.join(format!("preprocessed-tree-poseidon252-{root:x}.bin")))
}

/// Layout: magic, layer count, each layer's length (u64 LE), the hashes (32 bytes big-endian),
/// then the Blake2s hash of everything before it.
fn write_layers(path: &PathBuf, layers: &[Vec<FieldElement>]) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(32 * layers.iter().map(Vec::len).sum::<usize>() + 64);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&(layers.len() as u64).to_le_bytes());
    for layer in layers {
        bytes.extend_from_slice(&(layer.len() as u64).to_le_bytes());
    }
    for hash in layers.iter().flatten() {
        bytes.extend_from_slice(&hash.to_bytes_be());
    }
    let checksum = checksum(&bytes);
    bytes.extend_from_slice(&checksum);
    let dir = path.parent().expect("a file in a folder");
    std::fs::create_dir_all(dir)?;
    // Written aside, then renamed: a reader never sees half a file.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn read_layers(path: &PathBuf) -> Result<Vec<Vec<FieldElement>>, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    let body_len = bytes.len().checked_sub(32).ok_or("too short")?;
    let (body, sum) = bytes.split_at(body_len);
    if body.get(..8) != Some(MAGIC) || checksum(body) != sum {
        return Err("not a preprocessed tree, or corrupt".into());
    }
    let word = |i: usize| -> Result<usize, String> {
        let b = body.get(i..i + 8).ok_or("truncated")?;
        Ok(u64::from_le_bytes(b.try_into().unwrap()) as usize)
    };
    let n_layers = word(8)?;
    let lengths = (0..n_layers)
        .map(|i| word(16 + 8 * i))
        .collect::<Result<Vec<_>, _>>()?;
    let mut hashes = body.get(16 + 8 * n_layers..).ok_or("truncated")?;
    if hashes.len() != 32 * lengths.iter().sum::<usize>() {
        return Err("wrong length".into());
    }
    let mut layers = Vec::with_capacity(n_layers);
    for len in lengths {
        let (layer, rest) = hashes.split_at(32 * len);
        hashes = rest;
        layers.push(
            layer
                .chunks_exact(32)
                .map(|c| FieldElement::from_bytes_be(c.try_into().unwrap()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| "a hash is not a field element")?,
        );
    }
    Ok(layers)
}

fn checksum(bytes: &[u8]) -> [u8; 32] {
    let mut hasher = Blake2sHasher::new();
    hasher.update(bytes);
    hasher.finalize().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_round_trip_and_a_corrupt_file_is_refused() {
        let layers: Vec<Vec<FieldElement>> = (0..4)
            .map(|l| {
                (0..1u64 << l)
                    .map(|i| FieldElement::from(1000 * l + i))
                    .collect()
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tree.bin");
        write_layers(&path, &layers).unwrap();
        assert_eq!(read_layers(&path).unwrap(), layers);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[40] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert!(read_layers(&path).is_err());
        std::fs::write(&path, &bytes[..20]).unwrap();
        assert!(read_layers(&path).is_err());
    }
}

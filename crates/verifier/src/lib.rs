//! The Cairo verifier of Stwo proofs lives in `cairo/stwo_verifier` (Scarb package
//! `cairn_stwo_verifier`). This crate locates it; its tests run it in the Cairo VM and compare every
//! result with stwo's own Rust code (fields, the Poseidon252 channel, the lifted Poseidon252 Merkle
//! decommitment, the circle group, FRI folds), bit for bit, including the tampered inputs stwo
//! rejects.
//!
//! Status (issue #5, stage B): those pieces only. The FRI verifier proper, the PCS/OODS check,
//! proof serialization and the generated Cairo AIR are not written yet, so nothing here verifies a
//! proof.

use std::path::PathBuf;

/// The `cairn_stwo_verifier` package folder.
pub fn cairo_package() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../cairo/stwo_verifier")
}

//! The Cairo verifier of Stwo proofs lives in `cairo/stwo_verifier` (Scarb package
//! `cairn_stwo_verifier`). This crate locates it; its tests run it in the Cairo VM and compare every
//! result with stwo's own Rust code (fields, the Poseidon252 channel), bit for bit.
//!
//! Status (issue #5, stage B): fields and channel only. Merkle decommitment, FRI, the OODS check and
//! the generated Cairo AIR are not written yet, so nothing here verifies a proof.

use std::path::PathBuf;

/// The `cairn_stwo_verifier` package folder.
pub fn cairo_package() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../cairo/stwo_verifier")
}

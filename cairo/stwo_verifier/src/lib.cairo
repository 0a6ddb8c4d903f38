//! A verifier of Stwo proofs written in Cairo, checked bit for bit against the Rust verifier
//! (stwo 2.3.0) by `crates/verifier`'s tests. Built bottom-up: fields, the Fiat-Shamir channel,
//! Merkle decommitments, the circle group, FRI folds, the FRI verifier, the commitment scheme and
//! the STARK verifier over an `Air` trait; the Cairo AIR's checks around the STARK (`cairo_air`).
//! Proofs arrive in stwo-cairo-serialize's layout, queried values packed (`packed`).

pub mod bits;
pub mod cairo_air;
pub mod channel;
pub mod circle;
pub mod constraints;
pub mod fields;
pub mod fri;
pub mod fri_verifier;
pub mod merkle;
pub mod packed;
pub mod pcs;
pub mod poly;
pub mod queries;
pub mod stark;

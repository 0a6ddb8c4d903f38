//! A verifier of Stwo proofs written in Cairo, checked bit for bit against the Rust verifier
//! (stwo 2.3.0) by `crates/verifier`'s tests. Built bottom-up: fields, the Fiat-Shamir channel, Merkle
//! decommitments, the circle group, FRI folds; the FRI and PCS verifiers and the AIR are to come.

mod bits;
pub mod channel;
pub mod circle;
pub mod fields;
pub mod fri;
pub mod merkle;
pub mod poly;
pub mod queries;

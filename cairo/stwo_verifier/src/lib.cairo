//! A verifier of Stwo proofs written in Cairo, checked bit for bit against the Rust verifier
//! (stwo 2.3.0) by `crates/verifier`'s tests. Built bottom-up: fields, then the Fiat-Shamir channel.

pub mod channel;
pub mod fields;
pub mod merkle;

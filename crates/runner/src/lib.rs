//! Compile a Scarb-layout Cairo package with the cairo-lang crates and run its `#[executable]` in
//! cairo-vm proof mode (layout `all_cairo_stwo`), ready for the Stwo prover.
//!
//! ```no_run
//! let program = runner::compile_package(std::path::Path::new("examples/dot"))?;
//! let run = runner::execute(&program, &runner::parse_args("1,2,3")?)?;
//! println!("output {:?} in {} steps", run.output, run.steps);
//! # Ok::<(), runner::RunnerError>(())
//! ```

mod cache;
mod compile;
mod error;
mod execute;
mod hints;
mod package;
mod panic;

pub use cache::{compile_cached, compile_key, CacheUse};
pub use cairo_vm::Felt252;
pub use compile::{
    compile_package, corelib_dir, package_db, reported_crates, CompiledProgram, FunctionSpan,
    PanicSite, SourceLines, STWO_BUILTINS,
};
pub use error::RunnerError;
pub use execute::{execute, function_profile, line_profile, vm_program, Execution, FunctionSteps};
pub use package::Package;
pub use panic::{describe_panic, short_string};

/// Parses comma-separated felts (decimal, `0x` hex, or negative decimal for `p - x`).
pub fn parse_args(text: &str) -> Result<Vec<Felt252>, RunnerError> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_felt)
        .collect()
}

/// Parses one felt: decimal, `0x` hex, or `-decimal` (taken modulo the field prime).
pub fn parse_felt(s: &str) -> Result<Felt252, RunnerError> {
    let bad =
        || RunnerError::Argument(format!("`{s}` is not a felt (decimal, 0x-hex or -decimal)"));
    if let Some(hex) = s.strip_prefix("0x") {
        if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) || hex.len() > 63 {
            return Err(bad());
        }
        return Felt252::from_hex(s).map_err(|_| bad());
    }
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let value = num_bigint::BigUint::parse_bytes(digits.as_bytes(), 10).ok_or_else(bad)?;
    let prime = num_bigint::BigUint::parse_bytes(
        b"800000000000011000000000000000000000000000000000000000000000001",
        16,
    )
    .expect("prime literal");
    if value >= prime {
        return Err(RunnerError::Argument(format!(
            "`{s}` is not below the field prime"
        )));
    }
    let felt = Felt252::from(&num_bigint::BigInt::from(value));
    Ok(if neg { -felt } else { felt })
}

/// A felt as a signed 64-bit integer (`p - x` is `-x`), if it is one.
pub fn felt_to_i64(f: &Felt252) -> Option<i64> {
    let pos = f.to_biguint();
    if pos.bits() <= 63 {
        return i64::try_from(pos).ok();
    }
    let neg = (-*f).to_biguint();
    (neg.bits() <= 63).then(|| -i64::try_from(neg).expect("63 bits fit"))
}

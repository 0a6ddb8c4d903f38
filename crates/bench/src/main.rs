//! Prover benchmark: proves the sample fixed-point dot product at sizes chosen to reach about
//! 2^15, 2^17 and 2^19 Cairo steps, and reports prove time, verify time, proof size and peak
//! memory. Each size runs in a fresh child process so that peak RSS is per size.
//!
//! `cargo run --release -p cairn-bench -- [--log-steps 15,17,19]`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;
use serde::{Deserialize, Serialize};

#[derive(Parser)]
#[command(about = "Prove/verify benchmark by Cairo step count")]
struct Cli {
    /// Target sizes as log2 of the Cairo step count.
    #[arg(long, value_delimiter = ',', default_value = "15,17,19")]
    log_steps: Vec<u32>,
    /// Internal: measure one dot product of this length and print JSON.
    #[arg(long, hide = true)]
    one: Option<usize>,
}

#[derive(Serialize, Deserialize)]
struct Measurement {
    length: usize,
    steps: usize,
    prove_secs: f64,
    verify_secs: f64,
    proof_bytes: u64,
    peak_rss_mb: f64,
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/dot_product")
}

fn args_for(length: usize) -> Vec<runner::Felt252> {
    let mut args = Vec::with_capacity(2 * length + 2);
    for _ in 0..2 {
        args.push(runner::Felt252::from(length));
        args.extend((0..length).map(|i| runner::Felt252::from((i % 7 + 1) * 65536)));
    }
    args
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn measure_one(length: usize) -> Result<Measurement> {
    let program = runner::compile_package(&example())?;
    let execution = runner::execute(&program, &args_for(length))?;
    let t = Instant::now();
    let proof = prover::prove(&execution, |_| {})?;
    let prove_secs = t.elapsed().as_secs_f64();
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.proof");
    let proof_bytes = prover::write_proof(&proof, &path, prover::ProofFormat::Binary)?;
    let t = Instant::now();
    let statement = prover::verify(prover::read_proof(&path)?)?;
    let verify_secs = t.elapsed().as_secs_f64();
    if statement.output != execution.output {
        bail!("verified output differs from the run's output");
    }
    Ok(Measurement {
        length,
        steps: execution.steps,
        prove_secs,
        verify_secs,
        proof_bytes,
        peak_rss_mb: peak_rss_mb(),
    })
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    if let Some(length) = cli.one {
        println!("{}", serde_json::to_string(&measure_one(length)?)?);
        return Ok(());
    }
    // Steps grow linearly with the length: calibrate on two small runs.
    let program = runner::compile_package(&example())?;
    let steps = |n| runner::execute(&program, &args_for(n)).map(|e| e.steps);
    let (s1, s2) = (steps(100)?, steps(1100)?);
    let per_element = (s2 - s1) as f64 / 1000.0;
    let fixed = s1 as f64 - 100.0 * per_element;
    eprintln!("dot product: {per_element:.1} steps per element + {fixed:.0}");

    println!(
        "| target | length | Cairo steps | prove (s) | verify (s) | proof (KB) | peak RSS (MB) |"
    );
    println!("|---|---|---|---|---|---|---|");
    let exe = std::env::current_exe()?;
    for log in cli.log_steps {
        let length = (((1u64 << log) as f64 - fixed) / per_element).max(1.0) as usize;
        let out = Command::new(&exe)
            .args(["--one", &length.to_string()])
            .output()
            .context("running the measurement child")?;
        if !out.status.success() {
            bail!(
                "size 2^{log} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let m: Measurement = serde_json::from_slice(&out.stdout)?;
        println!(
            "| 2^{log} | {} | {} | {:.2} | {:.3} | {} | {:.0} |",
            m.length,
            m.steps,
            m.prove_secs,
            m.verify_secs,
            m.proof_bytes / 1024,
            m.peak_rss_mb
        );
    }
    Ok(())
}

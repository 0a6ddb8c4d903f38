//! Cairo steps of each on-chain verification stage for a proof made with
//! `cairn prove --for-chain`, run in the Cairo VM (a Starknet transaction stops at 10M steps).
//!
//! `stage-steps PROOF [--profile N]` prints one line per stage and, with `--profile`, the N
//! functions that take most steps in the largest stage.

use anyhow::{anyhow, bail, Context, Result};
use clap::Parser;
use runner::Felt252;
use verifier::stages::{self, Stage};
use verifier::FieldElement;

#[derive(Parser)]
struct Args {
    /// A proof made with `cairn prove --for-chain`.
    proof: std::path::PathBuf,
    /// Print the N functions with the most steps (callees included) of the largest stage.
    #[arg(long, value_name = "N")]
    profile: Option<usize>,
    /// Profile this stage (as printed: `transcript`, `tree 1`, ...) instead of the largest.
    #[arg(long, requires = "profile")]
    stage: Option<String>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let proof = prover::read_chain_proof(&args.proof)?;
    let sections = verifier::ProofSections::new(&proof).map_err(|e| anyhow!(e))?;
    let dir = tempfile::tempdir()?;
    verifier::write_probe_package(dir.path(), "stages", stages::STAGES_EXECUTABLE, &[])?;
    let program = runner::compile_package(dir.path())?;
    println!(
        "proof: {} felts (statement {}, program {} cells)",
        sections.concat().len(),
        sections.statement.len(),
        sections.program_cells()
    );
    let profiled = |name: &str, steps: usize, best: usize| match &args.stage {
        Some(wanted) => wanted == name,
        None => steps > best,
    };
    let mut largest = (0, None);
    let mut progress = stages::Progress::default();
    // Runs `stage`, prints its steps, records its output.
    let mut run = |stage: Stage, progress: &mut stages::Progress| -> Result<()> {
        let inputs = sections
            .stage_inputs(stage, progress)
            .map_err(|e| anyhow!(e))?;
        let args: Vec<Felt252> = stages::executable_args(stage, &inputs)
            .iter()
            .map(|f| Felt252::from_bytes_be(&f.to_bytes_be()))
            .collect();
        let execution = runner::execute(&program, &args).with_context(|| stage.name())?;
        // The executable returns an array: its length, then the reply.
        let reply = &execution.output[1..];
        if reply.first() != Some(&Felt252::from_bytes_be_slice(b"ok")) {
            let reason = reply
                .first()
                .and_then(runner::short_string)
                .unwrap_or_default();
            bail!("{} rejected the proof: {reason}", stage.name());
        }
        let output: Vec<FieldElement> = reply[1..]
            .iter()
            .map(|f| FieldElement::from_bytes_be(&f.to_bytes_be()).expect("a felt"))
            .collect();
        progress.record(stage, &output).map_err(|e| anyhow!(e))?;
        let total: usize = inputs.iter().map(Vec::len).sum();
        println!(
            "{:<18} {:>11} steps  {:>6} felts in",
            stage.name(),
            execution.steps,
            total
        );
        if profiled(&stage.name(), execution.steps, largest.0) {
            largest = (execution.steps, Some(execution));
        }
        Ok(())
    };
    // Up to the transcript, then the checks it plans.
    loop {
        let plan = progress.remaining(&sections, chain::STAGE_SIZES);
        if plan.is_empty() {
            break;
        }
        for stage in plan {
            run(stage, &mut progress)?;
        }
    }
    if let (Some(n), Some(execution)) = (args.profile, &largest.1) {
        for f in runner::function_profile(&program, execution)?
            .iter()
            .take(n)
        {
            println!(
                "{:>11} total {:>11} own {:>9} calls  {}",
                f.total, f.own, f.calls, f.name
            );
        }
    }
    Ok(())
}

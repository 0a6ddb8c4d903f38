//! Cairo steps of each on-chain verification stage for a proof made with
//! `cairn prove --for-chain`, run in the Cairo VM (a Starknet transaction stops at 10M steps).
//!
//! `stage-steps PROOF [--profile N]` prints one line per stage and, with `--profile`, the N
//! functions that take most steps in the largest stage.

use anyhow::{anyhow, bail, Context, Result};
use clap::Parser;
use runner::Felt252;
use verifier::stages::{self, Stage, Transcript};
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
    let run =
        |stage: Stage, inputs: &[Vec<FieldElement>]| -> Result<(Vec<Felt252>, runner::Execution)> {
            let mut args = vec![Felt252::from(stage.index())];
            args.extend(
                stages::serialize_sections(inputs)
                    .iter()
                    .map(|f| Felt252::from_bytes_be(&f.to_bytes_be())),
            );
            let execution = runner::execute(&program, &args).with_context(|| stage.name())?;
            // The executable returns an array: its length, then the reply.
            let reply = execution.output[1..].to_vec();
            if reply.first() != Some(&Felt252::from_bytes_be_slice(b"ok")) {
                let reason = reply
                    .first()
                    .and_then(runner::short_string)
                    .unwrap_or_default();
                bail!("{} rejected the proof: {reason}", stage.name());
            }
            Ok((reply[1..].to_vec(), execution))
        };
    let to_ff = |f: &Felt252| FieldElement::from_bytes_be(&f.to_bytes_be()).expect("a felt");

    let inputs = sections
        .stage_inputs(Stage::Transcript, None, None)
        .map_err(|e| anyhow!(e))?;
    let (output, execution) = run(Stage::Transcript, &inputs)?;
    let steps0 = execution.steps;
    let transcript = Transcript::from_output(&output.iter().map(to_ff).collect::<Vec<_>>())
        .map_err(|e| anyhow!(e))?;
    let profiled = |name: &str, steps: usize, best: usize| match &args.stage {
        Some(wanted) => wanted == name,
        None => steps > best,
    };
    let mut largest = (0, None);
    if profiled("transcript", execution.steps, 0) {
        largest = (execution.steps, Some(execution));
    }
    println!(
        "{:<18} {:>11} steps  {:>6} felts in",
        "transcript",
        steps0,
        felts(&inputs)
    );
    let mut quotients = vec![];
    for stage in stages::all_stages(transcript.queries, chain::QUOTIENTS_PER_TX)
        .into_iter()
        .skip(1)
    {
        let answers = (stage == Stage::Fri)
            .then(|| stages::joined_answers(&quotients))
            .transpose()
            .map_err(|e| anyhow!(e))?;
        let inputs = sections
            .stage_inputs(stage, Some(&transcript), answers.as_deref())
            .map_err(|e| anyhow!(e))?;
        let (output, execution) = run(stage, &inputs)?;
        println!(
            "{:<18} {:>11} steps  {:>6} felts in",
            stage.name(),
            execution.steps,
            felts(&inputs)
        );
        if let Stage::Quotients { .. } = stage {
            quotients.push(output.iter().map(to_ff).collect());
        }
        if profiled(&stage.name(), execution.steps, largest.0) {
            largest = (execution.steps, Some(execution));
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

fn felts(sections: &[Vec<FieldElement>]) -> usize {
    sections.iter().map(Vec::len).sum()
}

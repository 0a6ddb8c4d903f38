//! `cairn`: transpile ONNX models to Cairo, run them, prove the runs with Stwo, verify proofs.

mod model;
mod onchain;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use runner::Felt252;

#[derive(Parser)]
#[command(
    name = "cairn",
    version,
    about = "Verifiable ML inference on Starknet: run a Cairo program, prove the run with Stwo, verify the proof.",
    long_about = "Cairn turns an ONNX model into a Cairo package that computes it with a fixed-point \
                  tensor library (`transpile`), compiles and runs Cairo packages in the Cairo VM in proof \
                  mode (`run`), proves the run with Stwo (stwo-cairo, 96-bit parameters; `prove`) and \
                  checks proofs, reporting the proven program hash and output (`verify`).\n\n\
                  An ONNX model:\n  cairn transpile model.onnx -o model_cairo\n  \
                  cairn run model_cairo --input input.json --compare\n  \
                  cairn prove model_cairo --input input.json --proof model.proof\n  \
                  cairn verify model.proof --program model_cairo\n\n\
                  A hand-written Cairo package:\n  cairn run examples/dot_product --args 3,1,2,3,3,4,5,6\n  \
                  cairn prove examples/dot_product --args 3,1,2,3,3,4,5,6 --proof dot.proof\n\n\
                  Set RUST_LOG=info for detailed logs."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Turn an ONNX model into a Cairo package (see `cairn transpile --help`).
    #[command(long_about = transpile::cli::LONG_ABOUT)]
    Transpile(transpile::cli::TranspileArgs),
    /// Compile and run a package; print its output and the Cairo step count.
    Run {
        /// Folder with Scarb.toml and src/lib.cairo (one #[executable] function).
        package: PathBuf,
        #[command(flatten)]
        args: ArgsOpt,
        /// Write the outputs (floats, raw fixed-point values, shapes, steps) as JSON (with --input).
        #[arg(long, requires = "input")]
        output: Option<PathBuf>,
        /// Also run the source model in floats (tract), print the max abs error and the Cairo
        /// steps of each layer (with --input).
        #[arg(long, requires = "input")]
        compare: bool,
        /// Print the N functions that take the most steps (callees included), with their own
        /// steps and call counts: where to optimize Cairo code. Loops show as `fn[span]`.
        #[arg(long, value_name = "N")]
        profile: Option<usize>,
    },
    /// Run a package and prove the run; write the proof file.
    Prove {
        /// Folder with Scarb.toml and src/lib.cairo (one #[executable] function).
        package: PathBuf,
        #[command(flatten)]
        args: RawArgs,
        /// For a transpiled model: the input in EZKL's format ({"input_data": [[floats...]]}).
        /// Repeat it to prove several inputs in one process (the program and the prover's
        /// fixed setup are built once); `--proof` is then a folder of `<input stem>.proof`.
        #[arg(long = "input", conflicts_with = "args")]
        inputs: Vec<PathBuf>,
        /// Where to write the proof (a folder when several inputs are given).
        #[arg(long)]
        proof: PathBuf,
        /// Proof encoding: compact binary (default) or JSON.
        #[arg(long, value_enum, default_value_t = Format::Binary)]
        format: Format,
        /// Prove for the on-chain verifier (`cairn submit`): Poseidon252 channel, cheap to
        /// check in Cairo but slow to prove (minutes, not seconds). `cairn verify` checks
        /// either kind.
        #[arg(long)]
        for_chain: bool,
    },
    /// Print the Poseidon commitments of an input, a model's weights or an output, to compare with
    /// a proof's public output (`--input-visibility hashed`, ...).
    ///
    /// The input is quantized at the package's scale first, so the hash is of exactly the
    /// values the program hashes. Weights: printed when the package's weights are hashed.
    Commit {
        /// A transpiled model's folder.
        package: PathBuf,
        /// Input in EZKL's format ({"input_data": [[floats...]]}).
        #[arg(long)]
        input: Option<PathBuf>,
        /// Outputs as written by `cairn run --output out.json`.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Verify a proof file; print the proven program hash and output. Exit code 1 if invalid.
    ///
    /// A valid proof says "the program with this hash produced this output". Pass --program to
    /// also require that the proof is for a given package, and --expect-output to require an
    /// output. For a transpiled model, --program also decodes the output (public tensors and
    /// commitments) and, with hashed weights, requires the package's weight commitment.
    ///
    /// Stwo proofs are not zero-knowledge (see docs/PRIVACY.md): besides the public output, a
    /// proof opens trace values at random positions.
    Verify {
        /// The proof file (binary or JSON).
        proof: PathBuf,
        /// Require the proof to be for this package (compiled here to get its program hash).
        #[arg(long)]
        program: Option<PathBuf>,
        /// Require this public output (comma-separated felts).
        #[arg(long, value_name = "FELTS")]
        expect_output: Option<String>,
    },
    /// Start a local Starknet devnet (starknet-devnet) and print its URL and funded accounts.
    ///
    /// Runs until Ctrl-C. The printed `export` line sets STARKNET_RPC, STARKNET_ACCOUNT and
    /// STARKNET_PRIVATE_KEY for `cairn deploy`.
    Devnet(onchain::DevnetArgs),
    /// Declare Cairn's verifier (or any contract package) and deploy it.
    ///
    /// Without a package: the verifier's six stage classes and the registry class are declared
    /// (unless known), the verifier deployed; it deploys its fact registry. Prints both
    /// addresses. With a package, e.g. the registry with account A as its verifier:
    ///   cairn deploy contracts/registry --constructor A
    Deploy(onchain::DeployArgs),
    /// Verify a proof on chain: one transaction per verification stage (about 13), then the
    /// fact (program hash, output hash) is in the registry.
    ///
    /// The proof must be made with `cairn prove --for-chain`. Prints each stage's transaction,
    /// L2 gas and calldata, and the fact. A stage the proof fails reverts with the verifier's
    /// reason and the command exits non-zero.
    Submit(onchain::SubmitArgs),
}

/// `--args` alone (commands that take their input files themselves).
#[derive(clap::Args)]
struct RawArgs {
    /// Arguments of the executable as comma-separated felts, serialized like `scarb execute
    /// --arguments` (an array is its length followed by its items; negatives mean p - x).
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    args: String,
}

#[derive(clap::Args)]
struct ArgsOpt {
    /// Arguments of the executable as comma-separated felts, serialized like `scarb execute
    /// --arguments` (an array is its length followed by its items; negatives mean p - x).
    #[arg(
        long,
        default_value = "",
        allow_hyphen_values = true,
        conflicts_with = "input"
    )]
    args: String,
    /// For a transpiled model: the input in EZKL's format ({"input_data": [[floats...]]}),
    /// quantized with the scale in cairn.json.
    #[arg(long)]
    input: Option<PathBuf>,
}

/// The executable's arguments, from --args or from a model input file.
fn arguments(package: &Path, a: &ArgsOpt) -> Result<(Vec<Felt252>, Option<model::ModelInput>)> {
    match &a.input {
        Some(input) => {
            let m = model::prepare(package, input)?;
            Ok((m.args.clone(), Some(m)))
        }
        None => Ok((runner::parse_args(&a.args)?, None)),
    }
}

/// Prints the public sections of a model run and returns its outputs: from the public output, or
/// when the output is hashed, recomputed by the Rust reference and checked against the hash.
fn report_model_run(
    package: &Path,
    m: &model::ModelInput,
    felts: &[Felt252],
) -> Result<Vec<fixed::Tensor>> {
    let claim = transpile::decode_claim(&m.meta, felts)?;
    print_claim(&claim);
    let (outputs, label) = match (&claim.output, claim.output_commitment) {
        (Some(o), _) => (o.clone(), "output"),
        (None, Some(h)) => (
            model::reference_outputs(package, m, h)?,
            "output (private; matches the proven hash)",
        ),
        (None, None) => anyhow::bail!("the program's output has no output section"),
    };
    for ((o, info), values) in outputs
        .iter()
        .zip(&m.meta.outputs)
        .zip(model::dequantize(&m.meta, m.q, &outputs))
    {
        let shown: Vec<String> = values.iter().map(|v| format!("{v:.6}")).collect();
        println!(
            "{label} {} {:?}: [{}]",
            info.name,
            o.shape,
            shown.join(", ")
        );
    }
    Ok(outputs)
}

/// Prints the commitments and public inputs of a claim (public outputs are printed by callers).
fn print_claim(claim: &transpile::Claim) {
    if let Some(inp) = &claim.input {
        for t in inp {
            println!("public input {:?}: {:?}", t.shape, t.data);
        }
    }
    for (name, h) in [
        ("input commitment", claim.input_commitment),
        ("weights commitment", claim.weights_commitment),
        ("output commitment", claim.output_commitment),
    ] {
        if let Some(h) = h {
            println!("{name}: {h:#x}");
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Binary,
    Json,
}

/// The claim of a model proof, required to carry the package's weight commitment when the
/// weights are hashed (the program hash alone does not identify those weights).
fn model_claim(
    meta: &transpile::Metadata,
    output: &[Felt252],
) -> std::result::Result<transpile::Claim, String> {
    let claim = transpile::decode_claim(meta, output).map_err(|e| e.to_string())?;
    if let Some(want) = &meta.weights_commitment {
        let got = claim
            .weights_commitment
            .map(|h| format!("{h:#x}"))
            .unwrap_or_else(|| "none".into());
        if &got != want {
            return Err(format!(
                "the proof commits to weights {got}, the package's weights are {want}"
            ));
        }
    }
    Ok(claim)
}

fn main() -> ExitCode {
    // `cairn verify ... | head` should end quietly when the reader stops, as Unix tools do, not
    // panic on the next print: restore the default SIGPIPE action Rust's runtime ignores.
    #[cfg(unix)]
    // SAFETY: called before any thread starts; SIG_DFL is a valid action for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // RUST_LOG=info shows each prover stage with its duration (span close events).
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(format!(
            "{filter},salsa=warn"
        )))
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn felts_to_string(felts: &[Felt252]) -> String {
    felts
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

/// Runs the package on `felts`, proves the run and writes the proof to `proof`.
fn prove_run(
    package: &Path,
    felts: &[Felt252],
    m: Option<&model::ModelInput>,
    proof: &Path,
    format: prover::ProofFormat,
    for_chain: bool,
) -> Result<()> {
    let (program, execution, compile_time, run_time) = compile_and_run(package, felts)?;
    println!("output: [{}]", felts_to_string(&execution.output));
    if let Some(m) = m {
        report_model_run(package, m, &execution.output)?;
    }
    println!("steps: {}", execution.steps);
    let bar = spinner();
    let t = Instant::now();
    let on_stage = |stage: &str| bar.set_message(stage.to_string());
    let written = if for_chain {
        let result = prover::prove_with::<prover::Poseidon252MerkleChannel>(&execution, on_stage);
        bar.finish_and_clear();
        let chain_proof: prover::PoseidonProof = result?.into();
        warn_if_not_verifiable_on_chain(&chain_proof);
        prover::write_chain_proof(&chain_proof, proof, format)
    } else {
        let result = prover::prove(&execution, on_stage);
        bar.finish_and_clear();
        prover::write_proof(&result?, proof, format)
    };
    let prove_time = t.elapsed();
    let size = written.with_context(|| format!("writing {}", proof.display()))?;
    println!(
        "program hash: {:#x}",
        prover::program_hash(&program.bytecode)
    );
    println!("proof: {} ({} bytes)", proof.display(), size);
    println!(
        "timings: compile {} run {} prove {}",
        compile_time,
        secs(run_time),
        secs(prove_time)
    );
    Ok(())
}

/// The package's program: from its compile cache (`target/cairn/`) when the sources are
/// unchanged, else compiled (and kept).
fn compile(package: &Path) -> Result<(runner::CompiledProgram, &'static str)> {
    let (program, used) = runner::compile_cached(package)?;
    Ok(match used {
        runner::CacheUse::Hit => (program, " (cached)"),
        runner::CacheUse::Compiled => (program, ""),
    })
}

/// Compiles (or reads the cached program) and runs; returns the compile time with a
/// " (cached)" note when the program came from the cache.
fn compile_and_run(
    package: &Path,
    args: &[Felt252],
) -> Result<(runner::CompiledProgram, runner::Execution, String, Duration)> {
    let t = Instant::now();
    let (program, note) = compile(package)?;
    let compile_time = format!("{}{note}", secs(t.elapsed()));
    let t = Instant::now();
    let execution = runner::execute(&program, args)?;
    Ok((program, execution, compile_time, t.elapsed()))
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Devnet(a) => {
            onchain::devnet(a)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Deploy(a) => {
            onchain::deploy(a)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Submit(a) => {
            onchain::submit(a)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Transpile(a) => {
            transpile::cli::run(a)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            package,
            args,
            output,
            compare,
            profile,
        } => {
            let (felts, m) = arguments(&package, &args)?;
            let (program, execution, compile_time, run_time) = compile_and_run(&package, &felts)?;
            println!("output: [{}]", felts_to_string(&execution.output));
            if let Some(m) = &m {
                let outputs = report_model_run(&package, m, &execution.output)?;
                if let Some(path) = &output {
                    model::write_output_json(path, &m.meta, m.q, &outputs, execution.steps)?;
                    println!("wrote {}", path.display());
                }
                if compare {
                    let err = model::compare(&package, m, &outputs)?;
                    println!("max abs error vs float (tract): {err:.3e}");
                    println!("steps by layer:");
                    for (layer, steps) in model::layer_profile(&package, &program, &execution)? {
                        println!(
                            "  {steps:>10}  {:5.1}%  {layer}",
                            100.0 * steps as f64 / execution.steps as f64
                        );
                    }
                }
                if m.meta.macs > 0 {
                    println!(
                        "MACs: {} ({:.2} steps per MAC overall)",
                        m.meta.macs,
                        execution.steps as f64 / m.meta.macs as f64
                    );
                }
            }
            println!("steps: {}", execution.steps);
            // The program section a proof makes public: what the on-chain stages pay per cell.
            println!("bytecode: {} felts", program.bytecode.len());
            if let Some(n) = profile {
                println!("steps by function (total = own + callees; largest {n}):");
                println!("{:>12} {:>12} {:>10}  function", "total", "own", "calls");
                for f in runner::function_profile(&program, &execution)?
                    .iter()
                    .take(n)
                {
                    println!("{:>12} {:>12} {:>10}  {}", f.total, f.own, f.calls, f.name);
                }
            }
            let builtins: Vec<String> = execution
                .builtins
                .iter()
                .map(|(b, n)| format!("{b}={n}"))
                .collect();
            println!("builtins: {}", builtins.join(" "));
            println!("timings: compile {} run {}", compile_time, secs(run_time));
            Ok(ExitCode::SUCCESS)
        }
        Command::Prove {
            package,
            args,
            inputs,
            proof,
            format,
            for_chain,
        } => {
            let format = match format {
                Format::Binary => prover::ProofFormat::Binary,
                Format::Json => prover::ProofFormat::Json,
            };
            if inputs.len() <= 1 {
                let a = ArgsOpt {
                    args: args.args,
                    input: inputs.first().cloned(),
                };
                let (felts, m) = arguments(&package, &a)?;
                prove_run(&package, &felts, m.as_ref(), &proof, format, for_chain)?;
                return Ok(ExitCode::SUCCESS);
            }
            // Several inputs: one process, so the program, the preprocessed trace and its
            // commitment are built once; `--proof` is a folder of `<input stem>.proof` files.
            std::fs::create_dir_all(&proof)
                .with_context(|| format!("creating {}", proof.display()))?;
            let t = Instant::now();
            for input in &inputs {
                let stem = input
                    .file_stem()
                    .map_or("input".into(), |s| s.to_string_lossy().into_owned());
                let path = proof.join(format!("{stem}.proof"));
                println!("== {} -> {}", input.display(), path.display());
                let m = model::prepare(&package, input)?;
                prove_run(&package, &m.args, Some(&m), &path, format, for_chain)?;
            }
            println!(
                "{} proofs in {} ({} per proof)",
                inputs.len(),
                secs(t.elapsed()),
                secs(t.elapsed() / inputs.len() as u32)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Commit {
            package,
            input,
            output,
        } => {
            let meta = transpile::read_metadata(&package)?;
            let q =
                fixed::Q::new(meta.scale_bits).map_err(|e| anyhow::anyhow!("cairn.json: {e}"))?;
            if let Some(path) = &input {
                let floats = transpile::read_input_json(path)?;
                let raw = transpile::quantize_inputs(q, &meta.inputs, &floats)?;
                println!(
                    "input commitment: {:#x}",
                    transpile::privacy::input_commitment(&raw)
                );
            }
            if let Some(w) = transpile::read_private_weights(&package, &meta)? {
                println!(
                    "weights commitment: {:#x}",
                    transpile::privacy::weights_commitment(&w)
                );
            }
            if let Some(path) = &output {
                let outputs = model::read_output_json(path)?;
                println!(
                    "output commitment: {:#x}",
                    transpile::privacy::output_commitment(&outputs)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify {
            proof,
            program,
            expect_output,
        } => {
            let expected_hash = match &program {
                Some(dir) => Some(prover::program_hash(&compile(dir)?.0.bytecode)),
                None => None,
            };
            // A transpiled model's package says how to read the output, and with hashed
            // weights which weights the proof must have used.
            let meta = match &program {
                Some(dir) if dir.join(transpile::METADATA_FILE).is_file() => {
                    Some(transpile::read_metadata(dir)?)
                }
                _ => None,
            };
            let expected_output = expect_output
                .as_deref()
                .map(runner::parse_args)
                .transpose()?;
            let t = Instant::now();
            let expected = (expected_hash, expected_output.as_deref());
            // stwo-cairo asserts on some malformed claims; the verifier turns those panics into
            // rejections, and the default hook would print them as if `cairn` had crashed.
            std::panic::set_hook(Box::new(|_| {}));
            // A proof made for the chain (`prove --for-chain`) is checked with its own channel.
            let outcome = match prover::read_any_proof(&proof) {
                Ok(prover::AnyProof::Chain(p)) => {
                    prover::verify_chain_expecting(p, expected.0, expected.1)
                        .map_err(|e| e.to_string())
                }
                Ok(prover::AnyProof::Rust(p)) => {
                    prover::verify_expecting(p, expected.0, expected.1).map_err(|e| e.to_string())
                }
                Err(e) => Err(e.to_string()),
            }
            .and_then(|statement| {
                let claim = match &meta {
                    Some(meta) => Some(model_claim(meta, &statement.output)?),
                    None => None,
                };
                Ok((statement, claim))
            });
            let _ = std::panic::take_hook();
            match outcome {
                Ok((statement, claim)) => {
                    println!("valid proof");
                    println!("program hash: {:#x}", statement.program_hash);
                    println!("output: [{}]", felts_to_string(&statement.output));
                    if let (Some(claim), Some(meta)) = (&claim, &meta) {
                        print_claim(claim);
                        if let Some(out) = &claim.output {
                            let q = fixed::Q::new(meta.scale_bits)
                                .map_err(|e| anyhow::anyhow!("cairn.json: {e}"))?;
                            for (t, values) in out.iter().zip(model::dequantize(meta, q, out)) {
                                println!("model output {:?}: {values:?}", t.shape);
                            }
                        }
                    }
                    println!("timings: verify {}", secs(t.elapsed()));
                    Ok(ExitCode::SUCCESS)
                }
                Err(reason) => {
                    eprintln!("invalid proof: {reason}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}

/// Says so when `cairn submit` would refuse the proof: better now than after minutes of proving
/// and a deployment.
fn warn_if_not_verifiable_on_chain(proof: &prover::PoseidonProof) {
    if let Ok(sections) = verifier::ProofSections::new(proof) {
        let missing = chain::unsupported_components(&sections);
        if !missing.is_empty() {
            eprintln!(
                "warning: the on-chain verifier has no constraints for {}: this proof \
                 verifies off chain (`cairn verify`) but `cairn submit` will refuse it",
                missing.join(", ")
            );
        }
    }
}

/// A spinner with the elapsed time and a message: long steps (proving, compiling).
fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("template"));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

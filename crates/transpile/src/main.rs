//! `transpile model.onnx [-o DIR]`: the ONNX → Cairo transpiler on its own
//! (`cairn transpile` is the same command inside the `cairn` CLI).

use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(name = "transpile", version, about = "Turn an ONNX model into a Cairo package that computes it in fixed point", long_about = transpile::cli::LONG_ABOUT)]
struct Cli {
    #[command(flatten)]
    args: transpile::cli::TranspileArgs,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match transpile::cli::run(Cli::parse().args) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

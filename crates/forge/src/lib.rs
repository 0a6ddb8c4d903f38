//! A dishonest prover, for Cairn's soundness tests. It takes an honest cairo-vm run, doctors
//! what a malicious prover controls — the relocated memory beyond what the program's execution
//! pins, which addresses count as public memory, and the public data it claims — and proves the
//! result with the real stwo-cairo prover and Cairn's parameters. Every forgery is a proof that
//! stwo-cairo's own `verify_cairo` accepts; the tests show which of Cairn's checks rejects it.
//!
//! The run is adapted as `stwo_cairo_adapter::adapter::adapt` does (pad, relocate, build the
//! memory and state transitions) with the doctoring in between, then proven as
//! `stwo_cairo_prover::prover::prove_cairo_with_precompute` does with the claimed public data
//! replaced before it is committed.

use std::collections::BTreeMap;

use cairo_air::cairo_components::CairoComponents;
use cairo_air::relations::CommonLookupElements;
use cairo_air::CairoProof;
use cairo_vm::types::builtin_name::BuiltinName;
use cairo_vm::types::relocatable::MaybeRelocatable;
use prover::{ProofChannel, ProvingSetup};
use runner::{Execution, Felt252};
use stwo::core::channel::Channel;
use stwo::core::proof_of_work::GrindOps;
use stwo::core::utils::MaybeOwned;
use stwo::prover::backend::simd::SimdBackend;
use stwo::prover::backend::BackendForChannel;
use stwo::prover::{prove_ex, CommitmentSchemeProver};
use stwo_cairo_adapter::builtins::BuiltinSegments;
use stwo_cairo_adapter::memory::{MemoryBuilder, MemoryConfig};
use stwo_cairo_adapter::opcodes::StateTransitions;
use stwo_cairo_adapter::relocator::Relocator;
use stwo_cairo_adapter::{ProverInput, PublicSegmentContext};
use stwo_cairo_prover::utils::cairo_provers;
use stwo_cairo_prover::witness::cairo::create_cairo_claim_generator;

/// A public memory section: (id, value limbs) per cell.
type Section = Vec<(u32, [u32; 8])>;

/// What the dishonest prover changes in an honest run.
#[derive(Debug, Clone)]
pub enum Forgery {
    /// The program's output segment starts `fake.len()` cells after `final_ap` (the program
    /// runs unchanged: its output pointer is relocated with the segment), and the cells it left
    /// free at `final_ap` hold `fake`, claimed as the output. `fake` must be as long as the
    /// program's output.
    OutputMoved(Vec<Felt252>),
    /// The output claimed without its last cell.
    OutputTruncated,
    /// The output claimed with one more cell, holding this value, after the segment's end.
    OutputExtended(Felt252),
    /// Output cell `cell` claimed with bits 252..255 set: the same cell to the transcript and
    /// the lookup (which read 252 bits), another felt to whoever decodes all 256.
    NonCanonicalOutput { cell: usize },
    /// A bitwise builtin component over 16 instances of zeros in the bitwise segment, which the
    /// program leaves empty (its public segment range stays empty).
    UnusedBuiltinClaim,
}

/// The program every soundness test forges: the sample dot product (a = [1.5, -2.0, 0.25],
/// b = [4.0, 0.5, -8.0] at scale 2^16; its output is 3.0).
pub fn dot_product_package() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/dot_product")
}

/// The dot product's arguments, as `cairn run --args` takes them.
pub const DOT_PRODUCT_ARGS: &str = "3,98304,-131072,16384,3,262144,32768,-524288";

/// The dot product compiled and run honestly.
pub fn dot_product_run() -> (runner::CompiledProgram, Execution) {
    let program = runner::compile_package(&dot_product_package()).expect("the example compiles");
    let args = runner::parse_args(DOT_PRODUCT_ARGS).expect("valid arguments");
    let run = runner::execute(&program, &args).expect("the example runs");
    (program, run)
}

/// An output as long as `honest` claiming another result: its last cell 1000.0 at scale 2^16.
pub fn fake_result(honest: &[Felt252]) -> Vec<Felt252> {
    let mut fake = honest.to_vec();
    *fake.last_mut().expect("an output") = Felt252::from(1000 * 65536);
    fake
}

/// Proves `execution` doctored by `forgery` with channel `MC` and Cairn's parameters.
pub fn prove<MC: ProofChannel>(
    execution: &Execution,
    forgery: &Forgery,
) -> Result<CairoProof<MC::H>, String>
where
    SimdBackend: BackendForChannel<MC>,
{
    let (input, output) = doctored_input(execution, forgery)?;
    prove_claiming::<MC>(input, output)
}

/// The run adapted for the prover with `forgery`'s memory and public addresses, and the output
/// section to claim (None: what the prover reads from the output segment).
fn doctored_input(
    execution: &Execution,
    forgery: &Forgery,
) -> Result<(ProverInput, Option<Section>), String> {
    let runner = &execution.runner;
    let trace = runner
        .get_relocatable_trace()
        .map_err(|e| format!("no trace: {e}"))?;
    let mut memory = runner.get_relocatable_memory();
    let mut public = runner.vm.segments.public_memory_offsets.clone();
    let builtins: BTreeMap<usize, BuiltinName> = runner.get_builtin_segments();
    let segment_of = |name: BuiltinName| {
        builtins
            .iter()
            .find(|(_, b)| **b == name)
            .map(|(i, _)| *i)
            .ok_or(format!("the run has no {name} segment"))
    };
    const EXECUTION: usize = 1;
    let output_segment = segment_of(BuiltinName::output)?;
    let n_output = memory[output_segment].len();
    // Offsets (within the execution segment) of final_ap: the trace's last entry.
    let final_ap = trace.last().ok_or("empty trace")?.ap;
    if memory[EXECUTION].len() != final_ap || output_segment != EXECUTION + 1 {
        return Err(format!(
            "expected the output segment right after the execution segment's {final_ap} cells"
        ));
    }
    if public.get(&output_segment).map_or(0, Vec::len) != n_output {
        return Err("the output cells are not all public".into());
    }
    let int = |f: &Felt252| Some(MaybeRelocatable::Int(*f));
    match forgery {
        Forgery::OutputMoved(fake) => {
            if fake.len() != n_output {
                return Err(format!(
                    "{} fake cells for {n_output} output cells",
                    fake.len()
                ));
            }
            // The execution segment grows over the cells the output segment starts at.
            memory[EXECUTION].extend(fake.iter().map(int));
            public.remove(&output_segment);
            public
                .entry(EXECUTION)
                .or_default()
                .extend((final_ap..final_ap + n_output).map(|o| (o, 0)));
        }
        Forgery::OutputTruncated => {
            public
                .get_mut(&output_segment)
                .unwrap()
                .retain(|(o, _)| *o + 1 != n_output);
        }
        Forgery::OutputExtended(extra) => {
            memory[output_segment].push(int(extra));
            public.get_mut(&output_segment).unwrap().push((n_output, 0));
        }
        Forgery::NonCanonicalOutput { .. } => {}
        Forgery::UnusedBuiltinClaim => {
            let bitwise = segment_of(BuiltinName::bitwise)?;
            if !memory[bitwise].is_empty() {
                return Err("the program uses the bitwise builtin".into());
            }
            let cells = 16 * 5;
            memory[bitwise] = vec![Some(MaybeRelocatable::Int(Felt252::ZERO)); cells];
        }
    }

    BuiltinSegments::pad_relocatble_builtin_segments(&mut memory, &builtins);
    let relocator = Relocator::new(&memory);
    let relocated = relocator.relocate_memory(&memory);
    let relocated_trace = relocator.relocate_trace(trace);
    let builtin_segments = relocator.relocate_builtin_segments(&builtins);
    let public_memory_addresses = relocator.relocate_public_addresses(&public);
    let builder = MemoryBuilder::from_iter(MemoryConfig::default(), relocated);
    let state_transitions = StateTransitions::from_slice_parallel(&relocated_trace, &builder);
    let (memory, inst_cache) = builder.build();

    // The output section to claim, read from the doctored memory.
    let cell = |addr: u32| (memory.get_raw_id(addr), memory.get(addr).as_u256());
    let start = state_transitions.final_state.ap.0;
    let n = n_output as u32;
    let output = match forgery {
        Forgery::OutputMoved(_) => Some((start..start + n).map(cell).collect()),
        Forgery::OutputTruncated => Some((start..start + n - 1).map(cell).collect()),
        Forgery::OutputExtended(_) => Some((start..start + n + 1).map(cell).collect()),
        Forgery::NonCanonicalOutput { cell: i } => {
            let mut cells: Vec<_> = (start..start + n).map(cell).collect();
            let target = cells
                .get_mut(*i)
                .ok_or(format!("no output cell {i} of {n}"))?;
            target.1[7] |= 0xf000_0000;
            Some(cells)
        }
        Forgery::UnusedBuiltinClaim => None,
    };
    let input = ProverInput {
        state_transitions,
        memory,
        pc_count: inst_cache.len(),
        public_memory_addresses,
        builtin_segments,
        public_segment_context: PublicSegmentContext::bootloader_context(),
    };
    Ok((input, output))
}

/// `prove_cairo_with_precompute` with Cairn's setup, the claimed output section replaced by
/// `output` (when given) before the claim enters the transcript.
fn prove_claiming<MC: ProofChannel>(
    input: ProverInput,
    output: Option<Section>,
) -> Result<CairoProof<MC::H>, String>
where
    SimdBackend: BackendForChannel<MC>,
{
    let ProvingSetup {
        parameters,
        pool,
        twiddles,
        trace,
        tree,
    } = prover::proving_setup::<MC>();
    let channel = &mut MC::C::default();
    channel.mix_felts(&[parameters.channel_salt.into()]);
    parameters.pcs_config.mix_into(channel);
    let mut scheme = CommitmentSchemeProver::<SimdBackend, MC>::with_memory_pool(
        parameters.pcs_config,
        twiddles,
        pool,
    );
    scheme.commit_tree(MaybeOwned::Borrowed(tree), channel);

    let mut generator = create_cairo_claim_generator(input, trace.clone());
    if let Some(output) = output {
        generator.public_data.public_memory.output = output;
    }
    let (trace_evals, claim, interaction_generator) = generator.write_trace();
    claim.mix_into::<MC>(channel);
    let mut builder = scheme.tree_builder();
    builder.extend_evals(trace_evals);
    builder.commit(channel);

    let interaction_pow = SimdBackend::grind(channel, cairo_air::verifier::INTERACTION_POW_BITS);
    channel.mix_u64(interaction_pow);
    let elements = CommonLookupElements::draw(channel);
    let (interaction_evals, interaction_claim) =
        interaction_generator.write_interaction_trace(&elements);
    interaction_claim.mix_into(channel);
    let mut builder = scheme.tree_builder();
    builder.extend_evals(interaction_evals);
    builder.commit(channel);

    let components = CairoComponents::new(&claim, &elements, &interaction_claim, &trace.ids());
    let proof = prove_ex::<SimdBackend, _>(
        &cairo_provers(&components),
        channel,
        scheme,
        parameters.include_all_preprocessed_columns,
    )
    .map_err(|e| format!("stwo prover: {e:?}"))?;
    Ok(CairoProof {
        claim,
        interaction_pow,
        interaction_claim,
        extended_stark_proof: proof,
        channel_salt: parameters.channel_salt,
        preprocessed_trace_variant: parameters.preprocessed_trace,
    })
}

/// [`prove`] with the Poseidon252 channel (a chain proof), shared by the test binaries of one
/// target directory: a Poseidon252 proof takes minutes, so the first test that needs a forgery
/// proves it and writes it under `target/forged-proofs`, and the others read it back. A stored
/// proof that stwo-cairo's verifier no longer accepts (other parameters, another prover) is
/// proven again.
pub fn shared_chain_proof(
    execution: &Execution,
    forgery: &Forgery,
) -> Result<prover::PoseidonProof, String> {
    use std::hash::{Hash, Hasher};
    type MC = prover::Poseidon252MerkleChannel;
    let mut key = std::hash::DefaultHasher::new();
    // What the proof depends on: the run (its memory holds program, arguments and every value
    // written), the forgery, the parameters, this file's format.
    (
        format!("{:?}", execution.runner.get_relocatable_memory()),
        execution.steps,
        format!("{forgery:?}"),
        format!("{:?}", prover::prover_parameters().pcs_config),
        1,
    )
        .hash(&mut key);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/forged-proofs");
    let path = dir.join(format!("{:016x}.proof", key.finish()));
    if let Ok(proof) = prover::read_chain_proof(&path) {
        if cairo_air::verifier::verify_cairo::<MC>(proof.clone()).is_ok() {
            return Ok(proof);
        }
    }
    let proof: prover::PoseidonProof = prove::<MC>(execution, forgery)?.into();
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    prover::write_chain_proof(&proof, &path, prover::ProofFormat::Binary)
        .map_err(|e| e.to_string())?;
    Ok(proof)
}

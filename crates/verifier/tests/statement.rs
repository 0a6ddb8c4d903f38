//! The Cairo AIR's checks around the STARK (`cairn_stwo_verifier::cairo_air`) on a real Cairn
//! proof (the dot-product example, Poseidon252 channel): the Cairo replay of stwo-cairo's
//! `verify_cairo_ex` transcript reaches the same channel digest and lookup elements as cairo-air's
//! own Rust functions, and tampered statements that the Rust verifier rejects are rejected in
//! Cairo for the same reason.

mod common;

use std::sync::OnceLock;

use cairo_air::relations::CommonLookupElements;
use cairo_air::verifier::INTERACTION_POW_BITS;
use prover::{Poseidon252MerkleChannel, PoseidonProof};
use starknet_types_core::felt::Felt;
use stwo::core::channel::{Channel, MerkleChannel, Poseidon252Channel};
use stwo::core::fields::m31::BaseField;
use stwo::core::fields::qm31::SecureField;
use verifier::stages::{self, Stage};

/// The statement checks, printing the transcript state after them.
const STATEMENT_MAIN: &str = r#"
use cairn_stwo_verifier::cairo_air::{CairoStatement, CheckedStatement, check_statement};
use cairn_stwo_verifier::pcs::CommitmentSchemeProof;

#[executable]
fn main(statement: CairoStatement, proof: CommitmentSchemeProof) -> Array<felt252> {
    match check_statement(@statement, proof.config, proof.commitments.span()) {
        Result::Ok(CheckedStatement { air: _, elements, channel, scheme: _ }) => {
            let mut out = array!['ok', channel.digest];
            elements.z.serialize(ref out);
            elements.alpha.serialize(ref out);
            out
        },
        Result::Err(e) => array![e],
    }
}
"#;

/// The whole verification.
const VERIFY_MAIN: &str = r#"
use cairn_stwo_verifier::cairo_air::{CairoStatement, verify_cairo};
use cairn_stwo_verifier::pcs::CommitmentSchemeProof;

#[executable]
fn main(statement: CairoStatement, proof: CommitmentSchemeProof) -> felt252 {
    match verify_cairo(@statement, proof) {
        Result::Ok(()) => 'ok',
        Result::Err(e) => e,
    }
}
"#;

/// The dot product's honest proof (`forge::dot_product_run`, the run the forgeries doctor).
fn proof() -> &'static PoseidonProof {
    static CELL: OnceLock<PoseidonProof> = OnceLock::new();
    CELL.get_or_init(|| {
        let (_, execution) = forge::dot_product_run();
        let started = std::time::Instant::now();
        let proof = prover::prove_with::<Poseidon252MerkleChannel>(&execution, |_| {})
            .unwrap()
            .into();
        eprintln!(
            "Poseidon252 proof in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        proof
    })
}

/// The statement checks (`full` false) or the whole verifier, compiled once per test binary.
fn cairo_program(full: bool) -> &'static runner::CompiledProgram {
    static STATEMENT: OnceLock<runner::CompiledProgram> = OnceLock::new();
    static FULL: OnceLock<runner::CompiledProgram> = OnceLock::new();
    if full {
        FULL.get_or_init(|| common::program(VERIFY_MAIN))
    } else {
        STATEMENT.get_or_init(|| common::program(STATEMENT_MAIN))
    }
}

fn cairo_run(full: bool, proof: &PoseidonProof) -> runner::Execution {
    let args: Vec<Felt> = verifier::proof_felts(proof)
        .unwrap()
        .into_iter()
        .map(common::felt)
        .collect();
    runner::execute(cairo_program(full), &args).unwrap_or_else(|e| panic!("{e}"))
}

fn qm31_felts(x: SecureField) -> Vec<Felt> {
    x.to_m31_array().iter().map(|m| Felt::from(m.0)).collect()
}

/// cairo-air 1.3.0's `verify_cairo_ex` up to the interaction-trace commitment, from its public
/// parts: `Ok([digest, z, alpha])` as the Cairo program prints them after 'ok', or the reason it
/// stops.
fn rust_replay(proof: &PoseidonProof) -> Result<Vec<Felt>, &'static str> {
    type MC = Poseidon252MerkleChannel;
    let commitments = &proof.stark_proof.commitments;
    let channel = &mut Poseidon252Channel::default();
    channel.mix_felts(&[proof.channel_salt.into()]);
    proof.stark_proof.config.mix_into(channel);
    MC::mix_root(channel, commitments[0]);
    proof.claim.mix_into::<MC>(channel);
    MC::mix_root(channel, commitments[1]);
    if !channel.verify_pow_nonce(INTERACTION_POW_BITS, proof.interaction_pow) {
        return Err("cairo_air: interaction pow");
    }
    channel.mix_u64(proof.interaction_pow);
    // The elements' fields are private: draw z and alpha again from a copy of the channel.
    let drawn = channel.clone().draw_secure_felts(2);
    let elements = CommonLookupElements::draw(channel);
    let sum = cairo_air::claims::lookup_sum(&proof.claim, &elements, &proof.interaction_claim);
    if sum != SecureField::from(BaseField::from(0)) {
        return Err("cairo_air: lookup sum");
    }
    proof.interaction_claim.mix_into(channel);
    MC::mix_root(channel, commitments[2]);
    let mut out = vec![common::felt(channel.digest())];
    out.extend(qm31_felts(drawn[0]));
    out.extend(qm31_felts(drawn[1]));
    Ok(out)
}

#[test]
fn cairo_replays_the_transcript_of_a_cairn_proof() {
    let proof = proof();
    prover::verify_with::<Poseidon252MerkleChannel>(proof.clone()).expect("honest proof");
    let expected = rust_replay(proof).expect("the Rust replay accepts the honest proof");
    let run = cairo_run(false, proof);
    // The output is the returned array: its length, then the items.
    assert_eq!(
        run.output[1],
        common::short_string("ok"),
        "{:?}",
        run.output
    );
    assert_eq!(run.output[2..], expected[..]);
    eprintln!(
        "Cairo statement checks: {} steps, builtins {:?}, {} proof felts",
        run.steps,
        run.builtins,
        verifier::proof_felts(proof).unwrap().len()
    );
}

/// Each tampering: what Rust says (its verifier must reject too) and the Cairo verdict.
#[test]
fn tampered_statements_are_rejected_for_the_same_reason() {
    let honest = proof();
    let one = SecureField::from(BaseField::from(1));
    let mut cases: Vec<(&str, PoseidonProof, &str)> = vec![];

    // The claim is mixed into the channel before the interaction proof of work: a changed claim
    // meets a proof of work ground for another transcript.
    let mut p = honest.clone();
    p.claim.public_data.public_memory.output[0].1[0] ^= 1;
    cases.push(("an output value", p, "cairo_air: interaction pow"));

    let mut p = honest.clone();
    let last = p.claim.public_data.public_memory.program.len() - 1;
    p.claim.public_data.public_memory.program[last].1[0] ^= 1;
    cases.push(("a program value", p, "cairo_air: interaction pow"));

    let mut p = honest.clone();
    p.claim.public_data.public_memory.program[0].1[1] ^= 1;
    cases.push(("the entry code", p, "cairo_air: program prologue"));

    let mut p = honest.clone();
    p.interaction_pow ^= 1;
    cases.push((
        "the interaction proof of work",
        p,
        "cairo_air: interaction pow",
    ));

    let mut p = honest.clone();
    p.interaction_claim
        .memory_address_to_id
        .as_mut()
        .unwrap()
        .claimed_sum += one;
    cases.push(("a component's claimed sum", p, "cairo_air: lookup sum"));

    let mut p = honest.clone();
    p.interaction_claim
        .memory_id_to_big
        .as_mut()
        .unwrap()
        .claimed_sum += one;
    cases.push(("memory_id_to_big's total", p, "cairo_air: memory total"));

    let mut p = honest.clone();
    p.claim.public_data.final_state.pc = BaseField::from(6);
    cases.push(("the final pc", p, "cairo_air: registers"));

    let mut p = honest.clone();
    p.claim.memory_address_to_id.as_mut().unwrap().log_size = 29;
    cases.push((
        "memory_address_to_id's size",
        p,
        "cairo_air: address to id size",
    ));

    let mut p = honest.clone();
    let rc = p.claim.range_check_builtin.as_mut();
    let segment = p
        .claim
        .public_data
        .public_memory
        .public_segments
        .range_check_128
        .unwrap();
    assert!(
        segment.start_ptr.value != segment.stop_ptr.value && rc.is_some(),
        "the example uses the range-check builtin"
    );
    rc.unwrap().range_check_builtin_segment_start += 1;
    cases.push(("a builtin's segment start", p, "cairo_air: builtin segment"));

    let mut p = honest.clone();
    p.claim
        .add_opcode
        .get_or_insert(cairo_air::components::add_opcode::Claim { log_size: 4 })
        .log_size = 31;
    if p.interaction_claim.add_opcode.is_none() {
        p.interaction_claim.add_opcode =
            Some(cairo_air::components::add_opcode::InteractionClaim { claimed_sum: one });
    }
    cases.push((
        "a component so large its relations wrap",
        p,
        "cairo_air: relation uses",
    ));

    // Ids and pointers enter the transcript and the lookup as M31s, where k + P is k.
    const P: u32 = (1 << 31) - 1;
    let mut p = honest.clone();
    p.claim.public_data.public_memory.safe_call_ids[0] += P;
    cases.push(("a safe-call id at or above P", p, "cairo_air: claim word"));

    let mut p = honest.clone();
    p.claim.public_data.public_memory.output[0].0 += P;
    cases.push(("an output id at or above P", p, "cairo_air: claim word"));

    // A component outside this verifier's generated AIR: rejected before the transcript.
    let mut p = honest.clone();
    p.claim.generic_opcode = Some(cairo_air::components::generic_opcode::Claim { log_size: 4 });
    p.interaction_claim.generic_opcode =
        Some(cairo_air::components::generic_opcode::InteractionClaim { claimed_sum: one });
    cases.push(("an unsupported component", p, "cairo_air: unsupported comp"));

    for (what, p, reason) in &cases {
        assert!(
            prover::verify_with::<Poseidon252MerkleChannel>(p.clone()).is_err(),
            "the Rust verifier accepts {what}"
        );
        // The replay covers the transcript checks; the claim checks are `verify_claim`'s.
        if reason.ends_with("pow") || reason.ends_with("lookup sum") {
            assert_eq!(rust_replay(p), Err(*reason), "{what}");
        }
        let run = cairo_run(false, p);
        assert_eq!(
            run.output,
            vec![1.into(), common::short_string(reason)],
            "{what}: expected {reason}"
        );
    }
}

/// The generated slot table follows `CairoClaim`'s and `CairoInteractionClaim`'s field order.
#[test]
fn slot_table_follows_the_claim_field_order() {
    let proof = proof();
    let names: Vec<&str> = air_codegen::cairo_claim::claim_slots()
        .iter()
        .map(|s| s.name)
        .collect();
    let claim_keys = top_level_keys(&serde_json::to_string(&proof.claim).unwrap());
    assert_eq!(claim_keys[0], "public_data");
    assert_eq!(claim_keys[1..], names[..]);
    let interaction_keys =
        top_level_keys(&serde_json::to_string(&proof.interaction_claim).unwrap());
    assert_eq!(interaction_keys, names);
}

/// The keys of a JSON object's top level, in written order.
fn top_level_keys(json: &str) -> Vec<String> {
    let mut keys = vec![];
    let (mut depth, mut in_string, mut escaped) = (0, false, false);
    let mut start = 0;
    let bytes = json.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => {
                    in_string = false;
                    if depth == 1 && bytes.get(i + 1) == Some(&b':') {
                        keys.push(json[start..i].to_string());
                    }
                }
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                start = i + 1;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            _ => {}
        }
    }
    keys
}

/// The committed generated Cairo is what the generator writes now.
#[test]
fn committed_generated_cairo_is_current() {
    use air_codegen::cairo_claim::{air_components_module, claim_layout_module, SUPPORTED};
    for (file, text) in [
        ("layout.cairo", claim_layout_module()),
        (
            "components.cairo",
            air_components_module(SUPPORTED).unwrap(),
        ),
    ] {
        let path = verifier::cairo_package().join("src/cairo_air").join(file);
        let committed = std::fs::read_to_string(&path).unwrap();
        assert!(
            committed == text,
            "{} is stale: run `cargo run --release -p cairn-air-codegen --bin cairo-air-layout`",
            path.display()
        );
    }
}

/// The whole proof: the STARK over the Cairo AIR's constraint programs after the statement
/// checks (compiles in ~8 s, runs ~29M steps in ~6 s; see docs/ONCHAIN.md), then tampered proofs.
#[test]
fn cairo_verifies_a_cairn_proof_and_rejects_tampered_ones() {
    let honest = proof();
    let started = std::time::Instant::now();
    let program = cairo_program(true);
    eprintln!(
        "compiled in {:.0} s: {} bytecode felts",
        started.elapsed().as_secs_f64(),
        program.bytecode.len()
    );
    let started = std::time::Instant::now();
    let run = cairo_run(true, honest);
    eprintln!("ran in {:.0} s", started.elapsed().as_secs_f64());
    assert_eq!(run.output, vec![common::short_string("ok")]);
    eprintln!(
        "Cairo verifier, whole Cairn proof: {} steps, builtins {:?}",
        run.steps, run.builtins
    );
    // Where the steps go (docs/ONCHAIN.md): the 40 largest totals.
    let profile = runner::function_profile(cairo_program(true), &run).unwrap();
    for f in profile.iter().take(40) {
        eprintln!(
            "{:>11} total {:>11} own {:>9} calls  {}",
            f.total, f.own, f.calls, f.name
        );
    }

    let cases = tampered_proofs(honest);
    for (what, p, reason) in &cases {
        assert!(
            prover::verify_with::<Poseidon252MerkleChannel>(p.clone()).is_err(),
            "the Rust verifier accepts {what}"
        );
        assert_eq!(
            cairo_run(true, p).output,
            vec![common::short_string(reason)],
            "{what}: expected {reason}"
        );
    }
}

/// Proofs with one part tampered, each rejected by the Rust verifier, and the reason the
/// one-go Cairo verifier gives.
fn tampered_proofs(honest: &PoseidonProof) -> Vec<(&'static str, PoseidonProof, &'static str)> {
    let one = SecureField::from(BaseField::from(1));
    let mut cases: Vec<(&'static str, PoseidonProof, &'static str)> = vec![];
    let mut p = honest.clone();
    p.stark_proof.0.sampled_values[1][0][0] += one;
    cases.push((
        "a trace value at the out-of-domain point",
        p,
        "stark: oods values mismatch",
    ));
    let mut p = honest.clone();
    p.stark_proof.0.sampled_values[2][3][0] += one;
    cases.push((
        "an interaction value at the out-of-domain point",
        p,
        "stark: oods values mismatch",
    ));
    let mut p = honest.clone();
    p.stark_proof.0.queried_values[1][0][0] += BaseField::from(1);
    cases.push(("a queried trace value", p, "merkle: root mismatch"));
    let mut p = honest.clone();
    p.stark_proof.0.proof_of_work ^= 1;
    cases.push(("the FRI proof of work", p, "pcs: proof of work"));
    let mut p = honest.clone();
    p.stark_proof.0.commitments[0] += starknet_ff::FieldElement::ONE;
    cases.push(("the preprocessed root", p, "cairo_air: preprocessed trace"));
    let mut p = honest.clone();
    p.stark_proof.0.config.fri_config.n_queries = 3;
    cases.push(("weaker parameters", p, "cairo_air: parameters"));
    let mut p = honest.clone();
    let extra = p.stark_proof.0.commitments[3];
    p.stark_proof.0.commitments.push(extra);
    cases.push(("a fifth commitment", p, "cairo_air: commitments"));
    cases
}

// The staged verifier (`cairo_air::stages`), one stage per run as the contract runs them
// (`verifier::stages::STAGES_EXECUTABLE`).

/// Stage sizes: a few program ranges of the dot product's bytecode, four quotient ranges,
/// several ranges of FRI layers.
const SIZES: stages::StageSizes = stages::StageSizes {
    cells: 150,
    queries: 8,
    quotient_calldata: 4_900,
    fri_felts: 2_000,
};

/// What one staged verification did: per stage run, its name, steps and reply.
struct StagedRun {
    runs: Vec<(String, usize, Vec<Felt>)>,
}

impl StagedRun {
    /// The first stage that did not reply 'ok', and its reason.
    fn rejection(&self) -> Option<(&str, Felt)> {
        let ok = common::short_string("ok");
        self.runs
            .iter()
            .find(|(_, _, reply)| reply[0] != ok)
            .map(|(name, _, reply)| (name.as_str(), reply[0]))
    }
}

/// Runs every stage on `proof` as a staged verifier would: the transcript (begin, program
/// ranges, transcript) first, then each check given the transcript (stopping at a stage that
/// fails).
fn run_stages(proof: &PoseidonProof) -> StagedRun {
    run_stages_from(&|_| proof)
}

/// As [`run_stages`], each stage reading its inputs from `proof_for(stage name)`: a check fed
/// other data than the transcript saw, as from a prover who found a transcript that passes.
fn run_stages_from<'a>(proof_for: &dyn Fn(&str) -> &'a PoseidonProof) -> StagedRun {
    static PROGRAM: OnceLock<runner::CompiledProgram> = OnceLock::new();
    let program = PROGRAM.get_or_init(|| common::program(stages::STAGES_EXECUTABLE));
    let mut runs = vec![];
    // Runs `stage` on its inputs and records its output; false when it rejects the proof.
    let mut run = |stage: Stage, progress: &mut stages::Progress| {
        let name = stage.name();
        let inputs = verifier::ProofSections::new(proof_for(&name))
            .unwrap()
            .stage_inputs(stage, progress)
            .unwrap();
        let args: Vec<Felt> = stages::executable_args(stage, &inputs)
            .into_iter()
            .map(common::felt)
            .collect();
        let execution = runner::execute(program, &args).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The executable returns an array: its length, then the reply.
        let reply = execution.output[1..].to_vec();
        runs.push((name, execution.steps, reply.clone()));
        let ok = reply[0] == common::short_string("ok");
        if ok {
            let output: Vec<_> = reply[1..]
                .iter()
                .map(|f| starknet_ff::FieldElement::from_bytes_be(&f.to_bytes_be()).unwrap())
                .collect();
            progress.record(stage, &output).unwrap();
        }
        ok
    };
    let mut progress = stages::Progress::default();
    // Up to the transcript, then the checks (planned once the transcript is known).
    let sections = verifier::ProofSections::new(proof_for("")).unwrap();
    'plan: loop {
        let plan = progress.remaining(&sections, SIZES);
        if plan.is_empty() {
            break;
        }
        for stage in plan {
            if !run(stage, &mut progress) {
                break 'plan;
            }
        }
    }
    StagedRun { runs }
}

/// The staged verifier accepts the honest proof with every stage well under a transaction's 10M
/// steps, and rejects every tampered proof the one-go verifier rejects.
#[test]
fn staged_verification_accepts_and_rejects_like_the_one_go_verifier() {
    let honest = proof();
    let staged = run_stages(honest);
    for (name, steps, _) in &staged.runs {
        eprintln!("stage {name}: {steps} steps");
    }
    assert_eq!(staged.rejection(), None, "the honest proof");
    let sections = verifier::ProofSections::new(honest).unwrap();
    let cells = sections.program_cells();
    let ranges = cells.div_ceil(SIZES.cells);
    assert!(ranges >= 2, "{cells} program cells: one range");
    let fri_ranges = sections.fri_ranges(0, SIZES.fri_felts);
    assert!(fri_ranges.len() >= 2, "FRI in one range: {fri_ranges:?}");
    let quotient_ranges = staged
        .runs
        .iter()
        .filter(|(name, _, _)| name.starts_with("quotients "))
        .count();
    assert!(quotient_ranges >= 9, "{quotient_ranges} quotient ranges");
    // begin, program ranges, transcript, lookup ranges, lookup, oods, quotients, trees, fri.
    assert_eq!(
        staged.runs.len(),
        1 + ranges + 1 + ranges + 1 + 1 + quotient_ranges + 4 + fri_ranges.len()
    );
    // The FRI range holding layer `layer`.
    let fri_stage = |layer: usize| {
        let (first, count) = *fri_ranges
            .iter()
            .find(|(first, count)| (*first..first + count).contains(&layer))
            .unwrap();
        Stage::Fri { first, count }.name()
    };
    for (name, steps, _) in &staged.runs {
        assert!(*steps < 8_000_000, "stage {name}: {steps} steps");
    }

    // Quotient ranges shrink to a calldata budget: with the calldata of 4 queries as the
    // budget, ranges of 4 queries (the last maybe fewer) covering every query.
    let (_, _, reply) = staged
        .runs
        .iter()
        .find(|(n, _, _)| n == "transcript")
        .unwrap();
    let output: Vec<_> = reply[1..]
        .iter()
        .map(|f| starknet_ff::FieldElement::from_bytes_be(&f.to_bytes_be()).unwrap())
        .collect();
    let mut planned = stages::Progress::default();
    planned.record(Stage::Transcript, &output).unwrap();
    let calldata = |stage: Stage| {
        let inputs = sections.stage_inputs(stage, &planned).unwrap();
        1 + stages::serialize_sections(&inputs).len()
    };
    let budget = calldata(Stage::Quotients { first: 0, count: 4 });
    assert!(budget < calldata(Stage::Quotients { first: 0, count: 5 }));
    let tight = stages::StageSizes {
        quotient_calldata: budget,
        ..SIZES
    };
    let queries = planned.transcript().unwrap().queries;
    let mut next = 0;
    for stage in planned.remaining(&sections, tight) {
        if let Stage::Quotients { first, count } = stage {
            assert_eq!((first, count), (next, 4.min(queries - next)), "{stage:?}");
            assert!(calldata(stage) <= budget, "{stage:?}");
            next += count;
        }
    }
    assert_eq!(next, queries);
    for (what, p, _) in tampered_proofs(honest) {
        let staged = run_stages(&p);
        let rejection = staged.rejection();
        eprintln!("{what}: rejected by {rejection:?}");
        assert!(rejection.is_some(), "the staged verifier accepts {what}");
    }

    // Each check catches data the transcript did not see (the transcript from the honest proof).
    let one = SecureField::from(BaseField::from(1));
    let mut sums = honest.clone();
    let sum = sums
        .interaction_claim
        .add_opcode
        .as_mut()
        .expect("add_opcode is used");
    sum.claimed_sum += one;
    let mut sampled = honest.clone();
    sampled.stark_proof.0.sampled_values[1][0][0] += one;
    let mut queried = honest.clone();
    queried.stark_proof.0.queried_values[2][5][20] += BaseField::from(1);
    let mut witness = honest.clone();
    witness.stark_proof.0.fri_proof.inner_layers[1].fri_witness[0] += one;
    let mut siblings = honest.clone();
    siblings.stark_proof.0.decommitments[2].hash_witness[0] += starknet_ff::FieldElement::ONE;
    // A cell of the second program range: the transcript over it, or the lookup sum over it.
    let mut cell = honest.clone();
    cell.claim.public_data.public_memory.program[SIZES.cells + 1].1[0] ^= 1;
    let second = SIZES.cells.min(cells - SIZES.cells);
    let program_range = Stage::Program {
        first: SIZES.cells,
        count: second,
    }
    .name();
    let lookup_range = Stage::LookupCells {
        first: SIZES.cells,
        count: second,
    }
    .name();
    let fri_inner = fri_stage(2);
    // The quotient range holding query 20.
    let range = Stage::Quotients {
        first: 16,
        count: 8,
    }
    .name();
    let cases: [(&str, &PoseidonProof, &str, &str); 7] = [
        (
            &program_range,
            &cell,
            "transcript",
            "cairo_air: interaction pow",
        ),
        (&lookup_range, &cell, "lookup", "cairo_air: lookup sum"),
        ("lookup", &sums, "lookup", "cairo_air: lookup sum"),
        ("oods", &sampled, "oods", "stark: oods values mismatch"),
        // Values other than the committed ones: their leaves are not the tree's.
        (&range, &queried, "tree 2", "merkle: root mismatch"),
        ("tree 2", &siblings, "tree 2", "merkle: root mismatch"),
        // Inner layer 1 is FRI's layer 2.
        (
            &fri_inner,
            &witness,
            &fri_inner,
            "fri: inner layer commitment",
        ),
    ];
    for (stage, tampered, failing, reason) in cases {
        let staged = run_stages_from(&|name| if name == stage { tampered } else { honest });
        assert_eq!(
            staged.rejection(),
            Some((failing, common::short_string(reason))),
            "{stage} fed tampered data"
        );
    }
}

/// A dishonest prover's forgeries of the dot product's statement (`forge`) against every
/// verifier of a chain proof: the Rust one, the Cairo statement checks, the one-go Cairo
/// verifier and the staged verifier (its `begin` stage, as the contract runs it). The output
/// segment moved away from final_ap with fake cells claimed is proven for real (Poseidon252,
/// minutes: shared with the on-chain test through target/forged-proofs), a valid STARK proof
/// that stwo-cairo 1.3.0's own verifier accepts. The others are the honest proof's claim
/// doctored the same way as their real proofs, which crates/cli/tests/forgery.rs proves and
/// shows valid on the Blake2s channel: every verifier stops at the claim, before the
/// transcript, and names it. (Before the checks, all four real Poseidon252 forgeries passed
/// every Cairo verifier: the issue #20 note.)
#[test]
fn forged_statements_are_rejected_by_every_verifier() {
    use cairo_air::components::bitwise_builtin;
    use forge::Forgery;
    let (_, run) = forge::dot_product_run();
    let fake = forge::fake_result(&run.output);
    let moved = forge::shared_chain_proof(&run, &Forgery::OutputMoved(fake)).unwrap();
    cairo_air::verifier::verify_cairo::<Poseidon252MerkleChannel>(moved.clone())
        .expect("stwo-cairo accepts the forgery");

    let honest = proof();
    let memory = &honest.claim.public_data.public_memory;
    let mut truncated = honest.clone();
    truncated.claim.public_data.public_memory.output.pop();
    let mut extended = honest.clone();
    let id = memory.output[0].0;
    extended
        .claim
        .public_data
        .public_memory
        .output
        .push((id, [7, 0, 0, 0, 0, 0, 0, 0]));
    let bitwise = memory.public_segments.bitwise.unwrap();
    assert!(bitwise.is_empty() && honest.claim.bitwise_builtin.is_none());
    let mut unused = honest.clone();
    unused.claim.bitwise_builtin = Some(bitwise_builtin::Claim {
        log_size: 4,
        bitwise_builtin_segment_start: bitwise.start_ptr.value,
    });
    unused.interaction_claim.bitwise_builtin = Some(bitwise_builtin::InteractionClaim {
        claimed_sum: SecureField::from(BaseField::from(0)),
    });
    let cases = [
        (
            "the output segment moved, fake cells claimed (proven)",
            &moved,
            "cairo_air: output segment",
            "output segment",
        ),
        (
            "the output truncated",
            &truncated,
            "cairo_air: output segment",
            "output segment",
        ),
        (
            "the output extended",
            &extended,
            "cairo_air: output segment",
            "output segment",
        ),
        (
            "a builtin claim on an empty segment",
            &unused,
            "cairo_air: unused builtin claim",
            "empty segment",
        ),
    ];
    for (what, proof, reason, rust_reason) in cases {
        let err = prover::verify_with::<Poseidon252MerkleChannel>(proof.clone())
            .expect_err(what)
            .to_string();
        assert!(err.contains(rust_reason), "{what}: {err}");
        let reason = common::short_string(reason);
        assert_eq!(
            cairo_run(false, proof).output,
            vec![1.into(), reason],
            "{what}"
        );
        assert_eq!(cairo_run(true, proof).output, vec![reason], "{what}");
        assert_eq!(
            run_stages(proof).rejection(),
            Some(("begin", reason)),
            "{what}"
        );
    }
}

//! The verifier contract (`contracts/verifier`): its classes, its deployment, and submitting a
//! proof to it stage by stage until the fact lands in the registry.

use std::path::{Path, PathBuf};

use starknet::core::types::{Event, Felt};
use starknet::core::utils::get_selector_from_name;
use verifier::stages::{self, Progress, Stage, StageSizes};
use verifier::{FieldElement, ProofSections};

use crate::client::{Bounds, Chain, TxOutcome};
use crate::contract::{compile_contract, compile_contract_with_features, CompiledContract};
use crate::error::ChainError;
use crate::sequencer_compiled_class_hash;

/// The stage classes, as features of `contracts/stages`, in the constructor's order.
pub const STAGE_FEATURES: [&str; 6] = ["transcript", "lookup", "oods", "tree", "quotients", "fri"];

/// Queries per quotients transaction at most: ~4M steps, then ~0.2-0.4M a query (with the
/// proof's columns; `stage-steps`) within 10M steps. Fewer where their values (a felt per ~7
/// columns a query), the claimed values, statement and transcript exceed
/// [`QUOTIENT_CALLDATA`].
pub const QUOTIENTS_PER_TX: usize = 8;

/// Calldata felts of a quotients transaction at most: Starknet takes 5,000, and the account's
/// `__execute__` adds the call's address, selector and length.
pub const QUOTIENT_CALLDATA: usize = 4_900;

/// Program cells per `absorb_program` and `lookup_cells` transaction: two felts of calldata a
/// cell (Starknet takes 5,000 a transaction), ~1,500 and ~2,600 steps a cell (`stage-steps`).
pub const PROGRAM_CELLS_PER_TX: usize = 1_800;

/// How the verifier contract's stages cut a proof.
pub const STAGE_SIZES: StageSizes = StageSizes {
    cells: PROGRAM_CELLS_PER_TX,
    queries: QUOTIENTS_PER_TX,
    quotient_calldata: QUOTIENT_CALLDATA,
    fri_felts: FRI_FELTS_PER_TX,
};

/// Felts of FRI layer decommitments per `check_fri` transaction: with the statement, the
/// transcript and FRI's commit part, under 5,000.
pub const FRI_FELTS_PER_TX: usize = 3_500;

/// Resource bounds of one stage: far above what a stage uses, so the 10M-step cap decides.
pub const STAGE_BOUNDS: Bounds = Bounds {
    l2_gas: 20_000_000_000,
    l1_data_gas: 100_000,
};

/// Cairn's contract packages (the repository's `contracts/`).
pub fn contracts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contracts")
}

/// Every class a verifier deployment declares.
pub struct VerifierClasses {
    pub registry: CompiledContract,
    /// In [`STAGE_FEATURES`] order.
    pub stages: Vec<CompiledContract>,
    pub verifier: CompiledContract,
}

impl VerifierClasses {
    /// Compiles the registry, the six stage classes and the verifier from `contracts`.
    pub fn compile(contracts: &Path) -> Result<Self, ChainError> {
        let stages = STAGE_FEATURES
            .iter()
            .map(|f| compile_contract_with_features(&contracts.join("stages"), &[f]))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(VerifierClasses {
            registry: compile_contract(&contracts.join("registry"))?,
            stages,
            verifier: compile_contract(&contracts.join("verifier"))?,
        })
    }

    /// Registry, stages, verifier: the order they are declared in.
    pub fn all(&self) -> Vec<&CompiledContract> {
        let mut all = vec![&self.registry];
        all.extend(&self.stages);
        all.push(&self.verifier);
        all
    }
}

/// A deployed verifier and the registry it deployed.
#[derive(Debug, Clone)]
pub struct VerifierDeployment {
    pub verifier: Felt,
    pub registry: Felt,
    /// Declarations (those not declared before) and the deployment, with their costs.
    pub txs: Vec<(String, TxOutcome)>,
}

/// Declares every class (skipping known ones) and deploys the verifier, which deploys its
/// registry. `on_step` hears each step's name before it runs.
pub async fn deploy_verifier(
    chain: &Chain,
    classes: &VerifierClasses,
    salt: Felt,
    mut on_step: impl FnMut(&str),
) -> Result<VerifierDeployment, ChainError> {
    let mut txs = vec![];
    let mut hashes = vec![];
    for class in classes.all() {
        on_step(&format!("declare {}", class.name));
        let declared = chain
            .declare(class, sequencer_compiled_class_hash(class)?)
            .await?;
        if let Some(tx) = declared.tx {
            txs.push((format!("declare {}", class.name), tx));
        }
        hashes.push(declared.class_hash);
    }
    on_step("deploy the verifier");
    // Constructor: the registry's class, then the stage classes.
    let verifier_class = hashes.pop().expect("the verifier class");
    let deployed = chain.deploy(verifier_class, hashes, salt).await?;
    txs.push(("deploy verifier".into(), deployed.tx));
    let registry = *chain
        .call(deployed.address, "registry", vec![])
        .await?
        .first()
        .ok_or_else(|| ChainError::Rpc("verifier.registry() returned nothing".into()))?;
    Ok(VerifierDeployment {
        verifier: deployed.address,
        registry,
        txs,
    })
}

/// One stage's transaction.
#[derive(Debug, Clone)]
pub struct StageTx {
    pub stage: String,
    pub calldata_felts: usize,
    pub tx: TxOutcome,
}

/// A proof verified on chain.
#[derive(Debug, Clone)]
pub struct Submission {
    /// `poseidon(program_hash, output_hash)`, registered in the registry.
    pub fact: Felt,
    pub program_hash: Felt,
    pub output_hash: Felt,
    pub txs: Vec<StageTx>,
}

/// Verifies `proof` on the verifier at `verifier` in session `nonce` of the chain's account:
/// the transcript (`begin`, the program's cells in ranges, `finish_transcript`), then every
/// check; the last one registers the fact. A session this account began with the same proof and
/// did not finish (a transaction lost, a node down) is resumed: the stages it passed are
/// skipped. `on_stage(done, total, name)` hears each stage before it is sent. A rejected stage
/// is [`ChainError::Reverted`] with the verifier's reason.
pub async fn submit_proof(
    chain: &Chain,
    verifier: Felt,
    proof: &ProofSections,
    nonce: Felt,
    mut on_stage: impl FnMut(usize, usize, &str),
) -> Result<Submission, ChainError> {
    let bad = |e: String| ChainError::Rpc(format!("proof sections: {e}"));
    check_components(proof)?;
    let mut progress = match Session::read(chain, verifier, nonce).await? {
        Some(session) => {
            session.check_resumable(nonce, proof)?;
            resumed_progress(chain, verifier, nonce, &session).await?
        }
        None => Progress::default(),
    };
    // An estimate until the transcript is drawn, then the plan itself.
    let mut total = planned_stages(proof);
    let mut done = 0;
    let mut txs = vec![];
    // Up to the transcript, then the checks it plans.
    loop {
        let plan = progress.remaining(proof, STAGE_SIZES);
        if plan.is_empty() {
            break;
        }
        if progress.transcript().is_some() {
            total = done + plan.len();
        }
        for stage in plan {
            on_stage(done, total, &stage.name());
            let inputs = proof.stage_inputs(stage, &progress).map_err(bad)?;
            let (tx, output) = send_stage(chain, verifier, nonce, stage, &inputs).await?;
            progress.record(stage, &output).map_err(bad)?;
            txs.push(tx);
            done += 1;
        }
    }
    on_stage(total, total, "done");
    let session = Session::read(chain, verifier, nonce)
        .await?
        .ok_or_else(|| ChainError::Rpc("the session vanished".into()))?;
    if !session.finished() {
        return Err(ChainError::Rpc(format!(
            "every stage passed but the session is not finished (passed = {:#x})",
            session.passed
        )));
    }
    let transcript = progress
        .transcript()
        .ok_or_else(|| ChainError::Rpc("no transcript recorded".into()))?;
    Ok(Submission {
        fact: session.fact,
        program_hash: to_felt(transcript.program_hash),
        output_hash: to_felt(transcript.output_hash),
        txs,
    })
}

/// Sends one stage of session `nonce` with its sections (`ProofSections::stage_inputs`): the
/// transaction, and the stage's output as the session's events carry it (what
/// `Progress::record` takes).
pub async fn send_stage(
    chain: &Chain,
    verifier: Felt,
    nonce: Felt,
    stage: Stage,
    inputs: &[Vec<FieldElement>],
) -> Result<(StageTx, Vec<FieldElement>), ChainError> {
    let calldata = stage_calldata(nonce, inputs);
    let calldata_felts = calldata.len();
    let tx = chain
        .invoke_bounded(verifier, entry_point(stage), calldata, STAGE_BOUNDS)
        .await?;
    let output = match stage {
        Stage::Begin | Stage::Program { .. } => span_data(event_data(&tx.events, "ProgramCells")?)?,
        Stage::Transcript => transcript_output(event_data(&tx.events, "TranscriptDrawn")?)?,
        Stage::LookupCells { .. } => span_data(event_data(&tx.events, "LookupCells")?)?,
        Stage::Quotients { .. } => quotients_output(event_data(&tx.events, "QuotientsComputed")?)?,
        Stage::Fri { .. } => fri_output(&tx.events)?,
        _ => vec![],
    };
    let tx = StageTx {
        stage: stage.name(),
        calldata_felts,
        tx,
    };
    Ok((tx, output))
}

/// The proof's components the on-chain verifier has no constraints for: it has them for the
/// components Cairn's models use, hashing included (`air_codegen::cairo_claim::SUPPORTED`); a
/// proof with others would revert at `begin`.
pub fn unsupported_components(proof: &ProofSections) -> Vec<&str> {
    let supported = air_codegen::cairo_claim::SUPPORTED;
    proof
        .components
        .iter()
        .map(String::as_str)
        .filter(|c| !supported.contains(c))
        .collect()
}

fn check_components(proof: &ProofSections) -> Result<(), ChainError> {
    let missing = unsupported_components(proof);
    if missing.is_empty() {
        return Ok(());
    }
    Err(ChainError::Rpc(format!(
        "the proof uses components the on-chain verifier has no constraints for: {} (it has \
         them for what Cairn's models use: docs/ONCHAIN.md, \"Limits\"). Nothing was sent.",
        missing.join(", ")
    )))
}

/// Transactions a whole submission takes, estimated before the transcript (ranges of
/// [`QUOTIENTS_PER_TX`] queries: a proof with many columns takes more): begin, the program
/// ranges, the transcript, the lookup ranges, the lookup, oods and tree checks, the quotient
/// ranges, FRI.
pub fn planned_stages(proof: &ProofSections) -> usize {
    let ranges = proof.program_cells().div_ceil(PROGRAM_CELLS_PER_TX);
    let fri = proof.fri_ranges(0, FRI_FELTS_PER_TX).len();
    1 + 2 * ranges + 1 + 1 + 1 + 4 + proof_queries(proof).div_ceil(QUOTIENTS_PER_TX) + fri
}

/// A session as the verifier's `session` view returns it (`Session`'s fields in order).
struct Session {
    /// statement, config, commitments (from `begin`), claimed values, FRI commitments (0 until
    /// the transcript is drawn).
    hashes: [Felt; 5],
    transcript: Felt,
    passed: u64,
    fact: Felt,
}

/// Bits of `Session::passed` (contracts/verifier).
const LOOKUP: u64 = 1;
const OODS: u64 = 2;
const TREE: u64 = 4;
const FRI: u64 = 64;
const FINISHED: u64 = 128;

impl Session {
    /// `None` when the session was never begun.
    async fn read(chain: &Chain, verifier: Felt, nonce: Felt) -> Result<Option<Self>, ChainError> {
        let felts = chain
            .call(verifier, "session", vec![chain.address(), nonce])
            .await?;
        let small = |f: &Felt| u64::try_from(*f).unwrap_or(u64::MAX);
        match felts.as_slice() {
            [statement, config, commitments, _program_state, _program_cells, sampled, fri, transcript, _program_hash, _output_hash, _queries, _next_query, _answers, _lookup_state, _lookup_cells, _fri_layer, _fri_evals, passed, fact] => {
                Ok((*statement != Felt::ZERO).then(|| Session {
                    hashes: [*statement, *config, *commitments, *sampled, *fri],
                    transcript: *transcript,
                    passed: small(passed),
                    fact: *fact,
                }))
            }
            _ => Err(ChainError::Rpc(format!(
                "verifier.session() returned {} felts, not a session",
                felts.len()
            ))),
        }
    }

    fn finished(&self) -> bool {
        self.passed & FINISHED != 0 && self.fact != Felt::ZERO
    }

    /// The checks passed, by their bits (FRI's apart: `resumed_progress`).
    fn checks(&self) -> Vec<Stage> {
        let mut checks = vec![];
        for (bit, check) in [(LOOKUP, Stage::Lookup), (OODS, Stage::Oods)] {
            if self.passed & bit != 0 {
                checks.push(check);
            }
        }
        checks.extend(
            (0..4)
                .filter(|t| self.passed & (TREE << t) != 0)
                .map(Stage::Tree),
        );
        checks
    }

    /// A finished session, or one begun with another proof, cannot be resumed.
    fn check_resumable(&self, nonce: Felt, proof: &ProofSections) -> Result<(), ChainError> {
        if self.finished() {
            return Err(ChainError::Rpc(format!(
                "session {nonce:#x} of this account is finished (fact {:#x}); pick another --nonce",
                self.fact
            )));
        }
        // The sections the session hashed, in `Session`'s order (the last two once the
        // transcript is drawn).
        let ours = [
            &proof.statement,
            &proof.stark.config,
            &proof.stark.commitments,
            &proof.stark.sampled_values,
            &proof.stark.fri_commitments,
        ]
        .map(|section| section_hash(&to_felts(section)));
        let same = ours
            .iter()
            .zip(&self.hashes)
            .all(|(ours, theirs)| *theirs == Felt::ZERO || ours == theirs);
        if !same {
            return Err(ChainError::Rpc(format!(
                "session {nonce:#x} of this account was begun with another proof; pick another \
                 --nonce"
            )));
        }
        Ok(())
    }
}

/// What an unfinished session's transactions emitted for this account and nonce, and the
/// checks it passed: the latest program state, the transcript, the latest lookup state, the
/// quotients computed so far (recorded in query order).
async fn resumed_progress(
    chain: &Chain,
    verifier: Felt,
    nonce: Felt,
    session: &Session,
) -> Result<Progress, ChainError> {
    let ours = |keys: &[Felt], name: &str| {
        keys.first() == Some(&get_selector_from_name(name).expect("ASCII"))
            && keys.get(1) == Some(&chain.address())
            && keys.get(2) == Some(&nonce)
    };
    let events = chain.events(verifier).await?;
    let latest = |name: &str| events.iter().rev().find(|e| ours(&e.keys, name));
    let mut progress = Progress::default();
    let bad = |e: String| ChainError::Rpc(format!("session events: {e}"));
    let program = latest("ProgramCells")
        .ok_or_else(|| ChainError::Rpc("no ProgramCells event for this session".into()))?;
    progress
        .record(Stage::Begin, &span_data(&program.data)?)
        .map_err(bad)?;
    if session.transcript == Felt::ZERO {
        return Ok(progress);
    }
    let drawn = latest("TranscriptDrawn")
        .ok_or_else(|| ChainError::Rpc("no TranscriptDrawn event for this session".into()))?;
    progress
        .record(Stage::Transcript, &transcript_output(&drawn.data)?)
        .map_err(bad)?;
    if let Some(lookup) = latest("LookupCells") {
        let state = span_data(&lookup.data)?;
        progress
            .record(Stage::LookupCells { first: 0, count: 0 }, &state)
            .map_err(bad)?;
    }
    let mut ranges: Vec<(u64, Vec<FieldElement>)> = vec![];
    for e in events.iter().filter(|e| ours(&e.keys, "QuotientsComputed")) {
        let first = e.data.first().and_then(|f| u64::try_from(*f).ok());
        ranges.push((first.unwrap_or(u64::MAX), quotients_output(&e.data)?));
    }
    ranges.sort_by_key(|(first, _)| *first);
    for (first, output) in ranges {
        // The range's count is not needed to record it.
        let range = Stage::Quotients {
            first: first as usize,
            count: 0,
        };
        progress.record(range, &output).map_err(bad)?;
    }
    if session.passed & FRI != 0 {
        let done = [FieldElement::ONE, FieldElement::ZERO];
        progress
            .record(Stage::Fri { first: 0, count: 0 }, &done)
            .map_err(bad)?;
    } else if let Some(last) = latest("FriLayersChecked") {
        // The parts of the last check that emitted values.
        let next = last.data.first();
        let parts: Vec<&[Felt]> = events
            .iter()
            .filter(|e| ours(&e.keys, "FriLayersChecked") && e.data.first() == next)
            .map(|e| &e.data[..])
            .collect();
        let (next_layer, evals) = fri_parts(&parts)?;
        let range = Stage::Fri {
            first: 0,
            count: next_layer,
        };
        let mut output = vec![FieldElement::ZERO];
        output.extend(evals);
        progress.record(range, &output).map_err(bad)?;
    }
    for check in session.checks() {
        progress.record(check, &[]).map_err(bad)?;
    }
    Ok(progress)
}

/// A verifier entry point's calldata: the session nonce, then the stage's sections.
pub fn stage_calldata(nonce: Felt, sections: &[Vec<FieldElement>]) -> Vec<Felt> {
    let mut calldata = vec![nonce];
    calldata.extend(to_felts(&stages::serialize_sections(sections)));
    calldata
}

fn entry_point(stage: Stage) -> &'static str {
    match stage {
        Stage::Begin => "begin",
        Stage::Program { .. } => "absorb_program",
        Stage::Transcript => "finish_transcript",
        Stage::LookupCells { .. } => "lookup_cells",
        Stage::Lookup => "check_lookup",
        Stage::Oods => "check_oods",
        Stage::Tree(_) => "check_tree",
        Stage::Quotients { .. } => "quotients",
        Stage::Fri { .. } => "check_fri",
    }
}

/// The configured query count (distinct positions may be fewer): for progress only.
fn proof_queries(proof: &ProofSections) -> usize {
    // PcsConfig: pow_bits, then FriConfig (log_blowup_factor, log_last_layer_degree_bound,
    // n_queries, fold_step).
    proof
        .stark
        .config
        .get(3)
        .and_then(|f| u64::try_from(*f).ok())
        .map_or(0, |n| n as usize)
}

/// A FRI range's output (`stages::run_fri`): not finished and the next range's values when it
/// emitted `FriLayersChecked` events, else finished.
fn fri_output(events: &[Event]) -> Result<Vec<FieldElement>, ChainError> {
    let key = get_selector_from_name("FriLayersChecked").expect("ASCII");
    let parts: Vec<&[Felt]> = events
        .iter()
        .filter(|e| e.keys.first() == Some(&key))
        .map(|e| &e.data[..])
        .collect();
    if parts.is_empty() {
        return Ok(vec![FieldElement::ONE, FieldElement::ZERO]);
    }
    let (_, evals) = fri_parts(&parts)?;
    let mut output = vec![FieldElement::ZERO];
    output.extend(evals);
    Ok(output)
}

/// The next layer and the values of one check's `FriLayersChecked` events (data: next layer,
/// part, the part's felts as a span), joined in part order.
fn fri_parts(parts: &[&[Felt]]) -> Result<(usize, Vec<FieldElement>), ChainError> {
    let malformed = || ChainError::Rpc("malformed FriLayersChecked event".into());
    let mut numbered = vec![];
    let mut next_layer = None;
    for data in parts {
        let small = |i: usize| {
            data.get(i)
                .and_then(|f| u64::try_from(*f).ok())
                .ok_or_else(malformed)
        };
        next_layer = Some(small(0)? as usize);
        numbered.push((small(1)?, span_data(data.get(2..).unwrap_or_default())?));
    }
    numbered.sort_by_key(|(part, _)| *part);
    let evals = numbered.into_iter().flat_map(|(_, felts)| felts).collect();
    Ok((next_layer.ok_or_else(malformed)?, evals))
}

/// An event's only data, a span: its felts after the length.
fn span_data(data: &[Felt]) -> Result<Vec<FieldElement>, ChainError> {
    match data.split_first() {
        Some((len, felts)) if *len == Felt::from(felts.len() as u64) => Ok(from_felts(felts)),
        _ => Err(ChainError::Rpc("malformed state event".into())),
    }
}

/// The transcript stage's output from `TranscriptDrawn`'s data: program hash, output hash, then
/// the drawn values as a span (the stage puts the two hashes last).
fn transcript_output(data: &[Felt]) -> Result<Vec<FieldElement>, ChainError> {
    let malformed = || ChainError::Rpc("malformed SessionStarted event".into());
    let (hashes, span) = (data.get(..2).ok_or_else(malformed)?, &data[2..]);
    let mut output = from_felts(span.get(1..).ok_or_else(malformed)?);
    output.extend(from_felts(hashes));
    Ok(output)
}

fn event_data<'a>(events: &'a [Event], name: &str) -> Result<&'a [Felt], ChainError> {
    let key = get_selector_from_name(name).expect("ASCII");
    events
        .iter()
        .find(|e| e.keys.first() == Some(&key))
        .map(|e| &e.data[..])
        .ok_or_else(|| ChainError::Rpc(format!("no {name} event in the receipt")))
}

/// A quotients stage's output from `QuotientsComputed`'s data (first, then the output as a
/// span): the quotients, then each tree's leaf hashes (`stages::run_quotients`).
fn quotients_output(data: &[Felt]) -> Result<Vec<FieldElement>, ChainError> {
    span_data(data.get(1..).unwrap_or_default())
}

/// Poseidon hash of felts, as the contracts name programs and outputs
/// (`claim::section_hash`).
pub fn section_hash(values: &[Felt]) -> Felt {
    use starknet_types_core::hash::StarkHash;
    starknet_types_core::hash::Poseidon::hash_array(values)
}

fn to_felt(f: FieldElement) -> Felt {
    Felt::from_bytes_be(&f.to_bytes_be())
}

fn to_felts(fs: &[FieldElement]) -> Vec<Felt> {
    fs.iter().copied().map(to_felt).collect()
}

fn from_felts(fs: &[Felt]) -> Vec<FieldElement> {
    fs.iter()
        .map(|f| FieldElement::from_bytes_be(&f.to_bytes_be()).expect("a felt"))
        .collect()
}

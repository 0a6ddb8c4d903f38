//! The verifier contract (`contracts/verifier`): its classes, its deployment, and submitting a
//! proof to it stage by stage until the fact lands in the registry.

use std::path::{Path, PathBuf};

use starknet::core::types::{Event, Felt};
use starknet::core::utils::get_selector_from_name;
use verifier::stages::{self, Progress, Stage};
use verifier::{FieldElement, ProofSections};

use crate::client::{Bounds, Chain, TxOutcome};
use crate::contract::{compile_contract, compile_contract_with_features, CompiledContract};
use crate::error::ChainError;
use crate::sequencer_compiled_class_hash;

/// The stage classes, as features of `contracts/stages`, in the constructor's order.
pub const STAGE_FEATURES: [&str; 6] = ["transcript", "lookup", "oods", "tree", "quotients", "fri"];

/// Queries per quotients transaction: 19 took 7.2-7.7M steps in the Cairo VM; a transaction
/// stops at 10M and the contract adds gas accounting and hashing.
pub const QUOTIENTS_PER_TX: usize = 19;

/// Most program cells the transcript and lookup stages handle within a transaction's 10M steps.
/// They cost ~1,300 and ~2,550 steps a cell (`stage-steps`); a linear model's 3,039 cells take
/// 7.9M steps in the lookup stage and pass on the devnet.
pub const MAX_PROGRAM_CELLS: usize = 3_100;

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
/// `begin`, then every check; the last one registers the fact. A session this account began
/// with the same proof and did not finish (a transaction lost, a node down) is resumed: the
/// checks it passed are skipped. `on_stage(done, total, name)` hears each stage before it is
/// sent. A rejected stage is [`ChainError::Reverted`] with the verifier's reason.
pub async fn submit_proof(
    chain: &Chain,
    verifier: Felt,
    proof: &ProofSections,
    nonce: Felt,
    mut on_stage: impl FnMut(usize, usize, &str),
) -> Result<Submission, ChainError> {
    let bad = |e: String| ChainError::Rpc(format!("proof sections: {e}"));
    let cells = proof.program_cells();
    if cells > MAX_PROGRAM_CELLS {
        return Err(ChainError::Rpc(format!(
            "the proven program has {cells} cells of bytecode; the on-chain stages handle at most \
             {MAX_PROGRAM_CELLS} (the transcript and lookup stages cost ~3,900 steps a cell \
             and a transaction stops at 10M; docs/ONCHAIN.md, \"Limits\"). Nothing was sent."
        )));
    }
    let mut txs = vec![];
    let send = |stage: Stage, inputs: Vec<Vec<FieldElement>>| {
        let calldata = stage_calldata(nonce, &inputs);
        let calldata_felts = calldata.len();
        async move {
            let tx = chain
                .invoke_bounded(verifier, entry_point(stage), calldata, STAGE_BOUNDS)
                .await?;
            Ok::<_, ChainError>((stage.name(), calldata_felts, tx))
        }
    };
    let earlier = Session::read(chain, verifier, nonce).await?;
    let mut progress = match &earlier {
        Some(session) => {
            session.check_resumable(nonce, proof)?;
            resumed_progress(chain, verifier, nonce).await?
        }
        None => {
            // The plan has 3 + 4 + quotient ranges + 1 stages after `begin`; the ranges are
            // known once the transcript is.
            let expected = 9 + proof_queries(proof).div_ceil(QUOTIENTS_PER_TX);
            on_stage(0, expected, "transcript");
            let mut progress = Progress::default();
            let inputs = proof
                .stage_inputs(Stage::Transcript, &progress)
                .map_err(bad)?;
            let (name, calldata_felts, tx) = send(Stage::Transcript, inputs).await?;
            let output = transcript_output(event_data(&tx.events, "SessionStarted")?)?;
            progress.record(Stage::Transcript, &output).map_err(bad)?;
            txs.push(StageTx {
                stage: name,
                calldata_felts,
                tx,
            });
            progress
        }
    };
    let plan = progress.later_stages(QUOTIENTS_PER_TX).map_err(bad)?;
    for (i, stage) in plan.iter().enumerate() {
        if earlier.as_ref().is_some_and(|s| s.passed(*stage)) {
            continue;
        }
        on_stage(i + 1, plan.len() + 1, &stage.name());
        let inputs = proof.stage_inputs(*stage, &progress).map_err(bad)?;
        let (name, calldata_felts, tx) = send(*stage, inputs).await?;
        if let Stage::Quotients { .. } = stage {
            let output = quotients_output(event_data(&tx.events, "QuotientsComputed")?)?;
            progress.record(*stage, &output).map_err(bad)?;
        }
        txs.push(StageTx {
            stage: name,
            calldata_felts,
            tx,
        });
    }
    on_stage(plan.len() + 1, plan.len() + 1, "done");
    let session = Session::read(chain, verifier, nonce)
        .await?
        .ok_or_else(|| ChainError::Rpc("the session vanished".into()))?;
    if !session.finished() {
        return Err(ChainError::Rpc(format!(
            "every stage passed but the session is not finished (passed = {:#x})",
            session.passed
        )));
    }
    let transcript = progress.transcript().expect("recorded before the plan");
    Ok(Submission {
        fact: session.fact,
        program_hash: to_felt(transcript.program_hash),
        output_hash: to_felt(transcript.output_hash),
        txs,
    })
}

/// A session as the verifier's `session` view returns it (`Session`'s fields in order).
struct Session {
    /// statement, program, config, commitments, claimed values, FRI proof.
    hashes: [Felt; 6],
    next_query: u64,
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
            [statement, program, config, commitments, sampled, fri, _transcript, _program_hash, _output_hash, _queries, next_query, _answers, passed, fact] => {
                Ok((*statement != Felt::ZERO).then(|| Session {
                    hashes: [*statement, *program, *config, *commitments, *sampled, *fri],
                    next_query: small(next_query),
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

    fn passed(&self, stage: Stage) -> bool {
        match stage {
            Stage::Transcript => true,
            Stage::Lookup => self.passed & LOOKUP != 0,
            Stage::Oods => self.passed & OODS != 0,
            Stage::Tree(t) => self.passed & (TREE << t) != 0,
            Stage::Quotients { first, .. } => (first as u64) < self.next_query,
            Stage::Fri => self.passed & FRI != 0,
        }
    }

    /// A finished session, or one begun with another proof, cannot be resumed.
    fn check_resumable(&self, nonce: Felt, proof: &ProofSections) -> Result<(), ChainError> {
        if self.finished() {
            return Err(ChainError::Rpc(format!(
                "session {nonce:#x} of this account is finished (fact {:#x}); pick another --nonce",
                self.fact
            )));
        }
        // The sections `begin` hashes, in `Session`'s order.
        let ours = [
            &proof.statement,
            &proof.program,
            &proof.stark.config,
            &proof.stark.commitments,
            &proof.stark.sampled_values,
            &proof.stark.fri_proof,
        ]
        .map(|section| section_hash(&to_felts(section)));
        if ours != self.hashes {
            return Err(ChainError::Rpc(format!(
                "session {nonce:#x} of this account was begun with another proof; pick another \
                 --nonce"
            )));
        }
        Ok(())
    }
}

/// What an unfinished session's transactions emitted for this account and nonce: the
/// transcript and the quotients computed so far (recorded in query order).
async fn resumed_progress(
    chain: &Chain,
    verifier: Felt,
    nonce: Felt,
) -> Result<Progress, ChainError> {
    let ours = |keys: &[Felt], name: &str| {
        keys.first() == Some(&get_selector_from_name(name).expect("ASCII"))
            && keys.get(1) == Some(&chain.address())
            && keys.get(2) == Some(&nonce)
    };
    let events = chain.events(verifier).await?;
    let started = events
        .iter()
        .rev()
        .find(|e| ours(&e.keys, "SessionStarted"))
        .ok_or_else(|| ChainError::Rpc("no SessionStarted event for this session".into()))?;
    let mut progress = Progress::default();
    let bad = |e: String| ChainError::Rpc(format!("session events: {e}"));
    progress
        .record(Stage::Transcript, &transcript_output(&started.data)?)
        .map_err(bad)?;
    let mut ranges: Vec<(u64, Vec<FieldElement>)> = vec![];
    for e in events.iter().filter(|e| ours(&e.keys, "QuotientsComputed")) {
        let first = e.data.first().and_then(|f| u64::try_from(*f).ok());
        ranges.push((first.unwrap_or(u64::MAX), quotients_output(&e.data)?));
    }
    ranges.sort_by_key(|(first, _)| *first);
    for (first, output) in ranges {
        let range = Stage::Quotients {
            first: first as usize,
            count: output.len() / 4,
        };
        progress.record(range, &output).map_err(bad)?;
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
        Stage::Transcript => "begin",
        Stage::Lookup => "check_lookup",
        Stage::Oods => "check_oods",
        Stage::Tree(_) => "check_tree",
        Stage::Quotients { .. } => "quotients",
        Stage::Fri => "check_fri",
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

/// The transcript stage's output from `SessionStarted`'s data: program hash, output hash, then
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

/// A quotients stage's output from `QuotientsComputed`'s data (first, then the values as a
/// span): their count, then four felts each.
fn quotients_output(data: &[Felt]) -> Result<Vec<FieldElement>, ChainError> {
    let values = data
        .get(1..)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ChainError::Rpc("malformed QuotientsComputed event".into()))?;
    let n = values.len() - 1;
    let mut out = vec![FieldElement::from((n / 4) as u64)];
    out.extend(from_felts(&values[1..]));
    Ok(out)
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

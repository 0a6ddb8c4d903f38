//! The inputs of each verification stage (`cairn_stwo_verifier::cairo_air::stages`), cut from a
//! proof's [`ProofSections`]: one list of sections per stage, each section one serialized input.
//! The same lists go to the stages run in the Cairo VM and to the verifier contract, which checks
//! every section another stage has seen against the hash it stored then.

use starknet_ff::FieldElement;

use crate::ProofSections;

/// `src/lib.cairo` of an executable that runs stage `stage` (its [`Stage::index`]) on its
/// sections ([`write_probe_package`](crate::write_probe_package) makes the package): the stages
/// in the Cairo VM, as tests and `stage-steps` run them.
pub const STAGES_EXECUTABLE: &str = r#"
use cairn_stwo_verifier::cairo_air::stages::{
    run_begin, run_fri, run_lookup, run_lookup_cells, run_oods, run_program, run_quotients,
    run_transcript, run_tree,
};

#[executable]
fn main(stage: u32, inputs: Array<Span<felt252>>) -> Array<felt252> {
    let inputs = inputs.span();
    match stage {
        0 => run_begin(inputs),
        1 => run_program(inputs),
        2 => run_transcript(inputs),
        3 => run_lookup_cells(inputs),
        4 => run_lookup(inputs),
        5 => run_oods(inputs),
        6 => run_tree(inputs),
        7 => run_quotients(inputs),
        _ => run_fri(inputs),
    }
}
"#;

/// One stage of a staged verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Statement checks and the transcript up to the program's cells; must come first.
    Begin,
    /// The transcript over program cells `first .. first + count` (ranges in order).
    Program { first: usize, count: usize },
    /// The rest of the Fiat-Shamir transcript, once every program cell is in.
    Transcript,
    /// The lookup sum's part of program cells `first .. first + count` (ranges in order).
    LookupCells { first: usize, count: usize },
    /// The whole lookup sum, once every program cell is in.
    Lookup,
    /// The composition at the out-of-domain point.
    Oods,
    /// Tree `t`'s opening at the queries (0 preprocessed, 1 trace, 2 interaction, 3 composition).
    Tree(usize),
    /// The quotients at queries `first .. first + count`, and those queries' leaf hashes in
    /// each tree (the tree stages check them).
    Quotients { first: usize, count: usize },
    /// FRI's layers `first .. first + count` (0 the first layer; ranges in order), the first
    /// range on the quotients of all queries, the last checking the last layer.
    Fri { first: usize, count: usize },
}

impl Stage {
    /// The index the stage executables in tests dispatch on, and the order of `run_begin ..
    /// run_fri`.
    pub fn index(self) -> usize {
        match self {
            Stage::Begin => 0,
            Stage::Program { .. } => 1,
            Stage::Transcript => 2,
            Stage::LookupCells { .. } => 3,
            Stage::Lookup => 4,
            Stage::Oods => 5,
            Stage::Tree(_) => 6,
            Stage::Quotients { .. } => 7,
            Stage::Fri { .. } => 8,
        }
    }

    pub fn name(self) -> String {
        match self {
            Stage::Begin => "begin".into(),
            Stage::Program { first, count } => format!("program {first}..{}", first + count),
            Stage::Transcript => "transcript".into(),
            Stage::LookupCells { first, count } => {
                format!("lookup cells {first}..{}", first + count)
            }
            Stage::Lookup => "lookup".into(),
            Stage::Oods => "oods".into(),
            Stage::Tree(t) => format!("tree {t}"),
            Stage::Quotients { first, count } => format!("quotients {first}..{}", first + count),
            Stage::Fri { first, count } => format!("fri layers {first}..{}", first + count),
        }
    }
}

/// How much of a proof one stage takes: a transaction's steps and calldata bound both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageSizes {
    /// Program cells per `Program` and `LookupCells` stage.
    pub cells: usize,
    /// Queries per `Quotients` stage at most (their steps grow with the count)...
    pub queries: usize,
    /// ... and fewer where the stage's calldata (the nonce and its sections serialized) would
    /// exceed this: a query's values are a felt per ~7 columns, and proofs differ in columns.
    pub quotient_calldata: usize,
    /// Felts of FRI layer decommitments per `Fri` stage (a layer more if one alone is larger).
    pub fri_felts: usize,
}

/// The transcript stage's output: the drawn values every later stage reads (the serialized
/// `stages::Transcript`, the program's cell count last), and what the proof states, as the
/// chain names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    pub felts: Vec<FieldElement>,
    /// Distinct query positions: the quotient stages cover `0 .. queries`.
    pub queries: usize,
    /// Poseidon hash of the program's bytecode (`claim::section_hash`).
    pub program_hash: FieldElement,
    /// Poseidon hash of the public output.
    pub output_hash: FieldElement,
}

/// QM31s are four felts; the transcript opens with z, alpha, the composition coefficient, the
/// out-of-domain point (two QM31s) and the quotient coefficient.
const TRANSCRIPT_HEAD: usize = 4 * 6;

impl Transcript {
    /// Reads the transcript stage's output (after its `'ok'`).
    pub fn from_output(output: &[FieldElement]) -> Result<Self, String> {
        let malformed = || format!("malformed transcript output ({} felts)", output.len());
        let small = |i: usize| -> Result<usize, String> {
            let f = output.get(i).ok_or_else(malformed)?;
            usize::try_from(u64::try_from(*f).map_err(|_| malformed())?).map_err(|_| malformed())
        };
        let alphas = small(TRANSCRIPT_HEAD)?;
        let positions_at = TRANSCRIPT_HEAD + 1 + 4 * alphas;
        let queries = small(positions_at)?;
        // Then the program's cell count.
        let end = positions_at + 1 + queries + 1;
        if output.len() != end + 2 {
            return Err(malformed());
        }
        Ok(Transcript {
            felts: output[..end].to_vec(),
            queries,
            program_hash: output[end],
            output_hash: output[end + 1],
        })
    }
}

/// Ranges of at most `per_stage` from `next` up to `end`, in order.
fn ranges(next: usize, end: usize, per_stage: usize) -> impl Iterator<Item = (usize, usize)> {
    let per_stage = per_stage.max(1);
    (next..end)
        .step_by(per_stage)
        .map(move |first| (first, per_stage.min(end - first)))
}

/// What a staged verification has done so far: the stages' outputs a later stage reads (the
/// program and lookup states carried from range to range, the transcript, the quotients FRI
/// joins) and the checks passed. Whoever runs the stages (the Cairo VM, the chain) records each
/// output here; [`Progress::remaining`] plans the rest and [`ProofSections::stage_inputs`]
/// derives each stage's inputs from it.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// The latest `program::ProgramState` (serialized; `next` first).
    program: Option<Vec<FieldElement>>,
    transcript: Option<Transcript>,
    /// The latest `lookup::LookupState` (serialized; `next` first).
    lookup: Option<Vec<FieldElement>>,
    /// Per quotient range: the quotients (four felts each), then per tree the queries' leaf
    /// hashes.
    quotients: Vec<(Vec<FieldElement>, Vec<Vec<FieldElement>>)>,
    /// FRI's next layer, and the values it must hold (serialized `Array<QM31>`) once the
    /// first range is checked.
    fri_next: usize,
    fri_evals: Option<Vec<FieldElement>>,
    fri_done: bool,
    /// Lookup, oods, the four trees.
    checks: Vec<Stage>,
}

impl Progress {
    pub fn transcript(&self) -> Option<&Transcript> {
        self.transcript.as_ref()
    }

    /// Records that `stage` passed with `output` (what follows its `'ok'`); ranges in order.
    pub fn record(&mut self, stage: Stage, output: &[FieldElement]) -> Result<(), String> {
        match stage {
            Stage::Begin | Stage::Program { .. } => self.program = Some(output.to_vec()),
            Stage::Transcript => self.transcript = Some(Transcript::from_output(output)?),
            Stage::LookupCells { .. } => self.lookup = Some(output.to_vec()),
            Stage::Quotients { .. } => self.quotients.push(parse_quotients(output)?),
            Stage::Fri { first, count } => {
                // Whether the last layer is checked, then the next range's values.
                let (finished, evals) = output.split_first().ok_or("empty fri output")?;
                if *finished == FieldElement::ONE {
                    self.fri_done = true;
                } else {
                    self.fri_next = first + count;
                    self.fri_evals = Some(evals.to_vec());
                }
            }
            check => self.checks.push(check),
        }
        Ok(())
    }

    /// The stages still to run, as far as they are known: up to the transcript before it is
    /// recorded (the query count comes from it), then every check. Ranges start where the
    /// recorded ones ended.
    pub fn remaining(&self, proof: &ProofSections, sizes: StageSizes) -> Vec<Stage> {
        let cells = proof.program_cells();
        let Some(transcript) = &self.transcript else {
            let mut stages = vec![];
            if self.program.is_none() {
                stages.push(Stage::Begin);
            }
            let next = state_next(self.program.as_deref());
            stages.extend(
                ranges(next, cells, sizes.cells)
                    .map(|(first, count)| Stage::Program { first, count }),
            );
            stages.push(Stage::Transcript);
            return stages;
        };
        let next = state_next(self.lookup.as_deref());
        let mut stages: Vec<Stage> = ranges(next, cells, sizes.cells)
            .map(|(first, count)| Stage::LookupCells { first, count })
            .collect();
        let checks = [Stage::Lookup, Stage::Oods];
        stages.extend(checks.into_iter().filter(|c| !self.checks.contains(c)));
        let mut first = self.answered();
        while first < transcript.queries {
            let mut count = sizes.queries.clamp(1, transcript.queries - first);
            while count > 1
                && self.calldata(proof, Stage::Quotients { first, count }) > sizes.quotient_calldata
            {
                count -= 1;
            }
            stages.push(Stage::Quotients { first, count });
            first += count;
        }
        // The trees check the leaf hashes the quotient ranges computed.
        let trees = (0..4).map(Stage::Tree);
        stages.extend(trees.filter(|c| !self.checks.contains(c)));
        if !self.fri_done {
            stages.extend(
                proof
                    .fri_ranges(self.fri_next, sizes.fri_felts)
                    .into_iter()
                    .map(|(first, count)| Stage::Fri { first, count }),
            );
        }
        stages
    }

    /// Calldata felts of `stage` (the session nonce, then its sections serialized); 0 if its
    /// inputs cannot be built yet (running it reports why).
    fn calldata(&self, proof: &ProofSections, stage: Stage) -> usize {
        proof
            .stage_inputs(stage, self)
            .map_or(0, |inputs| 1 + serialize_sections(&inputs).len())
    }

    /// Queries whose quotients are recorded.
    fn answered(&self) -> usize {
        self.quotients.iter().map(|(a, _)| a.len() / 4).sum()
    }

    /// Serialized `Array<QM31>` of the quotient stages' values, joined in query order: the
    /// first FRI stage's last input.
    fn joined_answers(&self) -> Result<Vec<FieldElement>, String> {
        let values: Vec<FieldElement> =
            self.quotients.iter().flat_map(|(a, _)| a.clone()).collect();
        let mut felts = vec![FieldElement::from((values.len() / 4) as u64)];
        felts.extend(values);
        Ok(felts)
    }

    /// Serialized `Array<felt252>` of tree `tree`'s leaf hashes at every query, from the
    /// quotient ranges: the tree stage's input.
    fn joined_leaves(&self, tree: usize) -> Result<Vec<FieldElement>, String> {
        let mut leaves: Vec<FieldElement> = vec![];
        for (_, trees) in &self.quotients {
            leaves.extend_from_slice(trees.get(tree).ok_or("quotients output without leaves")?);
        }
        let mut felts = vec![FieldElement::from(leaves.len() as u64)];
        felts.extend(leaves);
        Ok(felts)
    }
}

/// A quotient range's output: an `Array<QM31>` (length, four felts each), then four
/// `Array<felt252>` of leaf hashes.
fn parse_quotients(
    output: &[FieldElement],
) -> Result<(Vec<FieldElement>, Vec<Vec<FieldElement>>), String> {
    let malformed = || format!("malformed quotients output ({} felts)", output.len());
    let mut rest = output;
    let mut array = |width: usize| -> Result<Vec<FieldElement>, String> {
        let (len, tail) = rest.split_first().ok_or_else(malformed)?;
        let n = usize::try_from(u64::try_from(*len).map_err(|_| malformed())?)
            .map_err(|_| malformed())?
            * width;
        let items = tail.get(..n).ok_or_else(malformed)?.to_vec();
        rest = &tail[n..];
        Ok(items)
    };
    let answers = array(4)?;
    let leaves = (0..4).map(|_| array(1)).collect::<Result<Vec<_>, _>>()?;
    if !rest.is_empty() {
        return Err(malformed());
    }
    Ok((answers, leaves))
}

impl ProofSections {
    /// The sections `stage` reads, in its order. Later stages need the transcript stage's output
    /// recorded in `progress`; FRI also the quotients.
    pub fn stage_inputs(
        &self,
        stage: Stage,
        progress: &Progress,
    ) -> Result<Vec<Vec<FieldElement>>, String> {
        let s = &self.stark;
        let program_state = || {
            progress
                .program
                .clone()
                .ok_or_else(|| format!("{} needs the program state", stage.name()))
        };
        match stage {
            Stage::Begin => {
                return Ok(vec![
                    self.statement.clone(),
                    s.config.clone(),
                    s.commitments.clone(),
                    vec![FieldElement::from(self.program_cells() as u64)],
                ])
            }
            Stage::Program { first, count } => {
                return Ok(vec![program_state()?, self.program_range(first, count)?])
            }
            Stage::Transcript => {
                return Ok(vec![
                    self.statement.clone(),
                    s.config.clone(),
                    s.commitments.clone(),
                    s.sampled_values.clone(),
                    s.proof_of_work.clone(),
                    s.fri_commitments.clone(),
                    program_state()?,
                ])
            }
            _ => {}
        }
        let t = progress
            .transcript()
            .ok_or_else(|| format!("{} needs the transcript", stage.name()))?;
        let mut inputs = vec![self.statement.clone(), t.felts.clone()];
        let scheme = [s.config.clone(), s.commitments.clone()];
        match stage {
            Stage::Begin | Stage::Program { .. } | Stage::Transcript => {
                unreachable!("handled above")
            }
            Stage::LookupCells { first, count } => {
                inputs.push(progress.lookup.clone().unwrap_or_default());
                inputs.push(self.program_range(first, count)?);
            }
            Stage::Lookup => inputs.push(
                progress
                    .lookup
                    .clone()
                    .ok_or("lookup needs the lookup state")?,
            ),
            Stage::Oods => inputs.push(s.sampled_values.clone()),
            Stage::Tree(tree) => {
                let witness = s
                    .decommitments
                    .get(tree)
                    .ok_or_else(|| format!("the proof has no tree {tree}"))?;
                inputs.extend(scheme);
                inputs.extend([
                    vec![FieldElement::from(tree as u64)],
                    progress.joined_leaves(tree)?,
                    witness.clone(),
                ]);
            }
            Stage::Quotients { first, count } => {
                inputs.extend(scheme);
                inputs.extend([
                    s.sampled_values.clone(),
                    vec![FieldElement::from(first as u64)],
                    vec![FieldElement::from(count as u64)],
                ]);
                for tree in 0..s.queried_columns.len() {
                    inputs.push(s.queried_rows(tree, first, count).ok_or_else(|| {
                        format!("the proof has no queries {first}..{}", first + count)
                    })?);
                }
            }
            Stage::Fri { first, count } => {
                let layers = s.fri_layers.get(first..first + count).ok_or_else(|| {
                    format!("the proof has no FRI layers {first}..{}", first + count)
                })?;
                let mut decommitments = vec![FieldElement::from(count as u64)];
                layers.iter().for_each(|l| decommitments.extend(l));
                let evals = if first == 0 {
                    progress.joined_answers()?
                } else {
                    progress
                        .fri_evals
                        .clone()
                        .ok_or("fri layers need the values of the range before")?
                };
                inputs.extend(scheme);
                inputs.extend([
                    s.fri_commitments.clone(),
                    vec![FieldElement::from(first as u64)],
                    decommitments,
                    evals,
                ]);
            }
        }
        Ok(inputs)
    }
}

impl ProofSections {
    /// FRI's layers from `next` in ranges of at most `felts` felts of decommitments (at least
    /// one layer each).
    pub fn fri_ranges(&self, next: usize, felts: usize) -> Vec<(usize, usize)> {
        let layers = &self.stark.fri_layers;
        let mut ranges = vec![];
        let mut first = next;
        while first < layers.len() {
            let (mut count, mut size) = (1, layers[first].len());
            while first + count < layers.len() && size + layers[first + count].len() <= felts {
                size += layers[first + count].len();
                count += 1;
            }
            ranges.push((first, count));
            first += count;
        }
        ranges
    }

    /// Program cells `first .. first + count`, compact (`claim::read_section`).
    pub fn program_range(&self, first: usize, count: usize) -> Result<Vec<FieldElement>, String> {
        let cells = self
            .program
            .get(1 + 2 * first..1 + 2 * (first + count))
            .ok_or_else(|| {
                format!(
                    "program cells {first}..{} of {}",
                    first + count,
                    self.program_cells()
                )
            })?;
        let mut felts = vec![FieldElement::from(count as u64)];
        felts.extend_from_slice(cells);
        Ok(felts)
    }
}

/// The `next` a serialized program or lookup state opens with (0 before any).
fn state_next(state: Option<&[FieldElement]>) -> usize {
    state
        .and_then(|s| s.first())
        .and_then(|f| u64::try_from(*f).ok())
        .map_or(0, |n| n as usize)
}

/// The arguments of [`STAGES_EXECUTABLE`] for `stage` on `sections`.
pub fn executable_args(stage: Stage, sections: &[Vec<FieldElement>]) -> Vec<FieldElement> {
    let mut args = vec![FieldElement::from(stage.index() as u64)];
    args.extend(serialize_sections(sections));
    args
}

/// Sections as one `Span<Span<felt252>>` argument: their count, then each with its length.
pub fn serialize_sections(sections: &[Vec<FieldElement>]) -> Vec<FieldElement> {
    let mut felts = vec![FieldElement::from(sections.len() as u64)];
    for section in sections {
        felts.push(FieldElement::from(section.len() as u64));
        felts.extend_from_slice(section);
    }
    felts
}

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
    run_fri, run_lookup, run_oods, run_quotients, run_transcript, run_tree,
};

#[executable]
fn main(stage: u32, inputs: Array<Span<felt252>>) -> Array<felt252> {
    let inputs = inputs.span();
    match stage {
        0 => run_transcript(inputs),
        1 => run_lookup(inputs),
        2 => run_oods(inputs),
        3 => run_tree(inputs),
        4 => run_quotients(inputs),
        _ => run_fri(inputs),
    }
}
"#;

/// One stage of a staged verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Statement checks and the whole Fiat-Shamir transcript; must come first.
    Transcript,
    /// The lookup sum.
    Lookup,
    /// The composition at the out-of-domain point.
    Oods,
    /// Tree `t`'s opening at the queries (0 preprocessed, 1 trace, 2 interaction, 3 composition).
    Tree(usize),
    /// The quotients at queries `first .. first + count`.
    Quotients { first: usize, count: usize },
    /// FRI on the quotients of all queries.
    Fri,
}

impl Stage {
    /// The index the stage executables in tests dispatch on, and the order of
    /// `run_transcript .. run_fri`.
    pub fn index(self) -> usize {
        match self {
            Stage::Transcript => 0,
            Stage::Lookup => 1,
            Stage::Oods => 2,
            Stage::Tree(_) => 3,
            Stage::Quotients { .. } => 4,
            Stage::Fri => 5,
        }
    }

    pub fn name(self) -> String {
        match self {
            Stage::Transcript => "transcript".into(),
            Stage::Lookup => "lookup".into(),
            Stage::Oods => "oods".into(),
            Stage::Tree(t) => format!("tree {t}"),
            Stage::Quotients { first, count } => format!("quotients {first}..{}", first + count),
            Stage::Fri => "fri".into(),
        }
    }
}

/// The transcript stage's output: the drawn values every later stage reads (the serialized
/// `stages::Transcript`), and what the proof states, as the chain names it.
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
        let end = positions_at + 1 + queries;
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

/// Splits `queries` into ranges of at most `per_stage`, in order.
pub fn quotient_ranges(queries: usize, per_stage: usize) -> Vec<Stage> {
    (0..queries)
        .step_by(per_stage.max(1))
        .map(|first| Stage::Quotients {
            first,
            count: per_stage.max(1).min(queries - first),
        })
        .collect()
}

/// Every stage of a proof whose transcript has `queries` queries, in the order a verifier runs
/// them (the transcript first, FRI after the quotients it reads).
pub fn all_stages(queries: usize, quotients_per_stage: usize) -> Vec<Stage> {
    let mut stages = vec![Stage::Transcript, Stage::Lookup, Stage::Oods];
    stages.extend((0..4).map(Stage::Tree));
    stages.extend(quotient_ranges(queries, quotients_per_stage));
    stages.push(Stage::Fri);
    stages
}

/// What a staged verification has seen so far: the transcript stage's output, which every
/// later stage reads, and the quotient ranges' outputs, which FRI reads. Whoever runs the
/// stages (the Cairo VM, the chain) records each output here; [`ProofSections::stage_inputs`]
/// derives the next stage's inputs from it.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    transcript: Option<Transcript>,
    quotients: Vec<Vec<FieldElement>>,
}

impl Progress {
    pub fn transcript(&self) -> Option<&Transcript> {
        self.transcript.as_ref()
    }

    /// Records `stage`'s output (what follows its `'ok'`); quotient ranges in query order.
    pub fn record(&mut self, stage: Stage, output: &[FieldElement]) -> Result<(), String> {
        match stage {
            Stage::Transcript => self.transcript = Some(Transcript::from_output(output)?),
            Stage::Quotients { .. } => self.quotients.push(output.to_vec()),
            _ => {}
        }
        Ok(())
    }

    /// The stages after the transcript, once it is recorded (see [`all_stages`]).
    pub fn later_stages(&self, quotients_per_stage: usize) -> Result<Vec<Stage>, String> {
        let t = self.transcript.as_ref().ok_or("no transcript recorded")?;
        Ok(all_stages(t.queries, quotients_per_stage)[1..].to_vec())
    }

    /// Serialized `Array<QM31>` of the quotient stages' outputs (each an array: length, then
    /// four felts per value), joined in query order: the FRI stage's last input.
    fn joined_answers(&self) -> Result<Vec<FieldElement>, String> {
        let mut values = vec![];
        for output in &self.quotients {
            let (len, rest) = output.split_first().ok_or("empty quotients output")?;
            if FieldElement::from(rest.len() as u64) != *len * FieldElement::from(4u64) {
                return Err(format!(
                    "malformed quotients output ({} felts)",
                    output.len()
                ));
            }
            values.extend_from_slice(rest);
        }
        let mut felts = vec![FieldElement::from((values.len() / 4) as u64)];
        felts.extend(values);
        Ok(felts)
    }
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
        if stage == Stage::Transcript {
            return Ok(vec![
                self.statement.clone(),
                s.config.clone(),
                s.commitments.clone(),
                s.sampled_values.clone(),
                s.proof_of_work.clone(),
                s.fri_proof.clone(),
                self.program.clone(),
            ]);
        }
        let t = progress
            .transcript()
            .ok_or_else(|| format!("{} needs the transcript", stage.name()))?;
        let mut inputs = vec![self.statement.clone(), t.felts.clone()];
        let scheme = [s.config.clone(), s.commitments.clone()];
        match stage {
            Stage::Transcript => unreachable!("handled above"),
            Stage::Lookup => inputs.push(self.program.clone()),
            Stage::Oods => inputs.push(s.sampled_values.clone()),
            Stage::Tree(tree) => {
                let (values, witness) = s
                    .queried_values
                    .get(tree)
                    .zip(s.decommitments.get(tree))
                    .ok_or_else(|| format!("the proof has no tree {tree}"))?;
                inputs.extend(scheme);
                inputs.extend([
                    vec![FieldElement::from(tree as u64)],
                    values.clone(),
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
                inputs.extend(s.queried_values.iter().cloned());
            }
            Stage::Fri => {
                inputs.extend(scheme);
                inputs.extend([s.fri_proof.clone(), progress.joined_answers()?]);
            }
        }
        Ok(inputs)
    }
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

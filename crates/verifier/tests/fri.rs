//! `cairn_stwo_verifier::fri_verifier` against stwo 2.3.0's `FriVerifier` on proofs from stwo's
//! `FriProver` (Poseidon252 channel): the same query positions, the same verdict, and for every
//! tampering the same error. Proofs reach Cairo in stwo-cairo-serialize's layout.

mod common;

use starknet_types_core::felt::Felt;
use stwo::core::channel::MerkleChannel;
use stwo::core::channel::{Channel, Poseidon252Channel};
use stwo::core::fields::m31::BaseField;
use stwo::core::fields::qm31::SecureField;
use stwo::core::fri::{
    CirclePolyDegreeBound, FriConfig, FriProof, FriVerificationError, FriVerifier,
};
use stwo::core::poly::circle::CanonicCoset;
use stwo::core::poly::line::LinePoly;
use stwo::core::queries::{draw_queries, Queries};
use stwo::core::vcs_lifted::poseidon252_merkle::{
    Poseidon252MerkleChannel, Poseidon252MerkleHasher,
};
use stwo::prover::backend::cpu::CpuCirclePoly;
use stwo::prover::backend::CpuBackend;
use stwo::prover::fri::FriProver;
use stwo::prover::poly::circle::{PolyOps, SecureEvaluation};
use stwo::prover::poly::twiddles::TwiddleTree;
use stwo::prover::poly::BitReversedOrder;
use stwo::prover::secure_column::SecureColumnByCoords;
use stwo_cairo_serialize::CairoSerialize;

const MAIN: &str = r#"
use cairn_stwo_verifier::channel::ChannelTrait;
use cairn_stwo_verifier::fields::QM31;
use cairn_stwo_verifier::fri_verifier::{FriConfig, FriProof, FriVerifierTrait};

#[executable]
fn main(
    seed: u64, config: FriConfig, proof: FriProof, log_degree: u32, evals: Array<QM31>,
) -> Array<felt252> {
    let mut channel = ChannelTrait::new();
    channel.mix_u64(seed);
    let mut out = array![];
    match FriVerifierTrait::commit(ref channel, config, proof, log_degree) {
        Result::Ok(mut verifier) => {
            let positions = verifier.sample_query_positions(ref channel);
            for p in positions {
                out.append((*p).into());
            }
            match verifier.decommit(evals.span()) {
                Result::Ok(()) => out.append('ok'),
                Result::Err(e) => out.append(e),
            }
        },
        Result::Err(e) => out.append(e),
    }
    out
}
"#;

const SEED: u64 = 0xfa11;

type Proof = FriProof<Poseidon252MerkleHasher>;

/// A random circle polynomial of degree < 2^log_degree with secure-field values, evaluated
/// (bit-reversed) on the canonic domain 2^log_blowup times larger.
fn evaluation(
    log_degree: u32,
    log_blowup: u32,
    seed: u64,
) -> SecureEvaluation<CpuBackend, BitReversedOrder> {
    let domain = CanonicCoset::new(log_degree + log_blowup).circle_domain();
    let columns = std::array::from_fn(|c| {
        let coeffs = common::random_m31s(1 << log_degree, seed + c as u64)
            .into_iter()
            .map(BaseField::from_u32_unchecked)
            .collect();
        CpuCirclePoly::new(coeffs).evaluate(domain).values
    });
    SecureEvaluation::new(domain, SecureColumnByCoords { columns })
}

fn channel() -> Poseidon252Channel {
    common::channel(SEED)
}

struct Case {
    config: FriConfig,
    log_degree: u32,
    column: SecureEvaluation<CpuBackend, BitReversedOrder>,
    twiddles: TwiddleTree<CpuBackend>,
    proof: Proof,
}

impl Case {
    fn new(
        log_degree: u32,
        log_blowup: u32,
        log_last: u32,
        n_queries: usize,
        fold_step: u32,
    ) -> Self {
        let config = FriConfig::new(log_last, log_blowup, n_queries, fold_step);
        let column = evaluation(
            log_degree,
            log_blowup,
            log_degree as u64 * 31 + fold_step as u64,
        );
        let twiddles = CpuBackend::precompute_twiddles(column.domain.half_coset);
        // The prover's channel sees the same transcript as the verifiers' will.
        let mut prover_channel = channel();
        let prover = FriProver::<CpuBackend, Poseidon252MerkleChannel>::commit(
            &mut prover_channel,
            config,
            &column,
            &twiddles,
        );
        let proof = prover.decommit(&mut prover_channel).fri_proof.proof;
        Case {
            config,
            log_degree,
            column,
            twiddles,
            proof,
        }
    }

    /// A forger's proof: honest layers, a wrong last-layer polynomial, and decommitments at the
    /// queries the transcript with that polynomial draws, so only the last-layer check can
    /// catch it.
    fn with_forged_last_layer(&self) -> Proof {
        let honest = &self.proof;
        let mut coeffs = honest.last_layer_poly.to_vec();
        coeffs[0] += SecureField::from(BaseField::from(1));
        let mut ch = channel();
        Poseidon252MerkleChannel::mix_root(&mut ch, honest.first_layer.commitment);
        ch.draw_secure_felt();
        for layer in &honest.inner_layers {
            Poseidon252MerkleChannel::mix_root(&mut ch, layer.commitment);
            ch.draw_secure_felt();
        }
        ch.mix_felts(&coeffs);
        let log_size = self.column.domain.log_size();
        let queries = Queries::new(
            &draw_queries(&mut ch, log_size, self.config.n_queries),
            log_size,
        );
        let prover = FriProver::<CpuBackend, Poseidon252MerkleChannel>::commit(
            &mut channel(),
            self.config,
            &self.column,
            &self.twiddles,
        );
        let mut proof = prover.decommit_on_queries(&queries).proof;
        proof.last_layer_poly = LinePoly::new(coeffs);
        proof
    }

    /// stwo's verdict and the positions it sampled (none if commit failed), the first query
    /// value off by one if `tamper_values`; also the values it was given.
    fn stwo(
        &self,
        proof: &Proof,
        tamper_values: bool,
    ) -> (
        Vec<usize>,
        Vec<SecureField>,
        Result<(), FriVerificationError>,
    ) {
        let mut ch = channel();
        let bound = CirclePolyDegreeBound::new(self.log_degree);
        let mut verifier = match FriVerifier::<Poseidon252MerkleChannel>::commit(
            &mut ch,
            self.config,
            proof.clone(),
            bound,
        ) {
            Ok(v) => v,
            Err(e) => return (vec![], vec![], Err(e)),
        };
        let positions = verifier.sample_query_positions(&mut ch);
        let mut values = self.values_at(&positions);
        if tamper_values {
            values[0] += SecureField::from(BaseField::from(1));
        }
        let verdict = verifier.decommit(values.clone());
        (positions, values, verdict)
    }

    fn values_at(&self, positions: &[usize]) -> Vec<SecureField> {
        positions.iter().map(|&p| self.column.at(p)).collect()
    }

    fn cairo(
        &self,
        program: &runner::CompiledProgram,
        proof: &Proof,
        values: &[SecureField],
    ) -> Vec<Felt> {
        let mut felts = vec![];
        SEED.serialize(&mut felts);
        self.config.serialize(&mut felts);
        proof.serialize(&mut felts);
        self.log_degree.serialize(&mut felts);
        values.to_vec().serialize(&mut felts);
        let args: Vec<Felt> = felts.into_iter().map(common::felt).collect();
        let run = runner::execute(program, &args).unwrap_or_else(|e| panic!("{e}"));
        // The output is an Array<felt252>: its length, then the items.
        run.output[1..].to_vec()
    }
}

/// Runs both verifiers on `proof` (query values from the honest column unless `tamper_values`)
/// and checks they agree; returns stwo's verdict.
fn agree(
    program: &runner::CompiledProgram,
    case: &Case,
    proof: &Proof,
    tamper_values: bool,
) -> Result<(), FriVerificationError> {
    let (positions, sent, verdict) = case.stwo(proof, tamper_values);
    let out = case.cairo(program, proof, &sent);
    let (cairo_positions, last) = out.split_at(out.len() - 1);
    let want_positions: Vec<Felt> = positions.iter().map(|&p| Felt::from(p)).collect();
    assert_eq!(
        cairo_positions,
        want_positions.as_slice(),
        "query positions"
    );
    let want = match &verdict {
        Ok(()) => common::short_string("ok"),
        Err(e) => common::fri_error(e),
    };
    assert_eq!(last[0], want, "verdict (stwo: {verdict:?})");
    verdict
}

#[test]
fn honest_proofs_are_accepted_like_stwo() {
    let program = common::program(MAIN);
    // (log degree, log blowup, log last layer bound, queries, fold step): fold steps 1-3 cover
    // packed leaves and a short last fold; the first row is Cairn's production shape in small.
    for (log_degree, log_blowup, log_last, n_queries, fold_step) in [
        (6, 1, 0, 12, 1),
        (7, 2, 1, 5, 2),
        (8, 1, 0, 4, 3),
        (5, 1, 2, 3, 1),
        (4, 1, 0, 20, 2),
    ] {
        let case = Case::new(log_degree, log_blowup, log_last, n_queries, fold_step);
        let verdict = agree(&program, &case, &case.proof, false);
        assert!(verdict.is_ok(), "stwo rejects an honest proof: {verdict:?}");
    }
}

#[test]
fn tampered_proofs_are_rejected_like_stwo() {
    let program = common::program(MAIN);
    let one = SecureField::from(BaseField::from(1));
    for fold_step in [1, 2] {
        let case = Case::new(7, 1, 1, 6, fold_step);
        let honest = &case.proof;
        let mut tampered: Vec<(&str, Proof, bool)> = vec![];

        let mut p = honest.clone();
        p.first_layer.fri_witness[0] += one;
        tampered.push(("first layer witness value", p, false));

        let mut p = honest.clone();
        p.first_layer.fri_witness.pop();
        tampered.push(("first layer witness too short", p, false));

        let mut p = honest.clone();
        p.first_layer.fri_witness.push(one);
        tampered.push(("first layer witness too long", p, false));

        let mut p = honest.clone();
        p.first_layer.decommitment.hash_witness[0] += starknet_ff::FieldElement::ONE;
        tampered.push(("first layer Merkle sibling", p, false));

        let mut p = honest.clone();
        p.inner_layers[1].fri_witness[0] += one;
        tampered.push(("inner layer witness value", p, false));

        let mut p = honest.clone();
        p.inner_layers[0].fri_witness.pop();
        tampered.push(("inner layer witness too short", p, false));

        let mut p = honest.clone();
        p.inner_layers[1].commitment += starknet_ff::FieldElement::ONE;
        tampered.push(("inner layer root", p, false));

        let mut p = honest.clone();
        p.inner_layers.pop();
        tampered.push(("a layer removed", p, false));

        let mut p = honest.clone();
        let extra = p.inner_layers[0].clone();
        p.inner_layers.push(extra);
        tampered.push(("a layer added", p, false));

        let mut p = honest.clone();
        let mut coeffs = p.last_layer_poly.to_vec();
        coeffs[0] += one;
        p.last_layer_poly = LinePoly::new(coeffs);
        tampered.push(("last layer coefficient", p, false));

        let mut p = honest.clone();
        let mut coeffs = p.last_layer_poly.to_vec();
        coeffs.extend(coeffs.clone());
        p.last_layer_poly = LinePoly::new(coeffs);
        tampered.push(("last layer degree doubled", p, false));

        tampered.push(("query value", honest.clone(), true));

        tampered.push(("last layer forged", case.with_forged_last_layer(), false));

        for (what, proof, tamper_values) in &tampered {
            let verdict = agree(&program, &case, proof, *tamper_values);
            assert!(
                verdict.is_err(),
                "fold step {fold_step}: stwo accepts {what}"
            );
        }
        // The forgery gets as far as the last layer.
        let verdict = agree(&program, &case, &case.with_forged_last_layer(), false);
        assert!(
            matches!(
                verdict,
                Err(FriVerificationError::LastLayerEvaluationsInvalid)
            ),
            "{verdict:?}"
        );
    }
}

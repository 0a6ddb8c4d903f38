//! `cairn_stwo_verifier::merkle` against stwo 2.3.0's lifted Poseidon252 Merkle verifier: the same
//! decommitment is accepted by both, and every tampering that stwo rejects is rejected in Cairo.

mod common;

use starknet_ff::FieldElement;
use starknet_types_core::felt::Felt;
use stwo::core::fields::m31::BaseField;
use stwo::core::vcs_lifted::poseidon252_merkle::Poseidon252MerkleHasher;
use stwo::core::vcs_lifted::test_utils::prepare_merkle;
use stwo::core::vcs_lifted::verifier::MerkleDecommitmentLifted;

const MAIN: &str = r#"
use cairn_stwo_verifier::fields::{M31, m31};

#[executable]
fn main(
    root: felt252, height: u32, positions: Array<u32>, n_cols: u32, values: Array<u32>,
    witness: Array<felt252>,
) -> felt252 {
    let mut rows: Array<Span<M31>> = array![];
    let mut i = 0;
    while i < values.len() {
        let mut row = array![];
        for k in 0..n_cols {
            row.append(m31(*values.at(i + k)));
        }
        rows.append(row.span());
        i += n_cols;
    }
    match cairn_stwo_verifier::merkle::verify(root, height, positions.span(), rows.span(), witness.span()) {
        Result::Ok(()) => 'ok',
        Result::Err(e) => e,
    }
}
"#;

/// A decommitment in the shape both verifiers take.
#[derive(Clone)]
struct Case {
    root: FieldElement,
    log_sizes: Vec<u32>,
    height: u32,
    positions: Vec<usize>,
    /// Per column (in commitment order), one value per position.
    columns: Vec<Vec<BaseField>>,
    witness: Vec<FieldElement>,
}

impl Case {
    fn stwo_accepts(&self) -> bool {
        let verifier = stwo::core::vcs_lifted::verifier::MerkleVerifierLifted::<
            Poseidon252MerkleHasher,
        >::new(self.root, self.log_sizes.clone(), Some(self.height));
        verifier
            .verify(
                &self.positions,
                self.columns.clone(),
                MerkleDecommitmentLifted {
                    hash_witness: self.witness.clone(),
                },
            )
            .is_ok()
    }

    /// Arguments of MAIN: rows with columns in ascending log-size order (stable), as the
    /// commitment's leaves hold them.
    fn args(&self) -> Vec<Felt> {
        let mut order: Vec<usize> = (0..self.columns.len()).collect();
        order.sort_by_key(|&c| self.log_sizes[c]);
        let mut a = vec![
            common::felt(self.root),
            Felt::from(self.height),
            Felt::from(self.positions.len()),
        ];
        a.extend(self.positions.iter().map(|&p| Felt::from(p)));
        a.push(Felt::from(self.columns.len()));
        a.push(Felt::from(self.positions.len() * self.columns.len()));
        for q in 0..self.positions.len() {
            a.extend(order.iter().map(|&c| Felt::from(self.columns[c][q].0)));
        }
        a.push(Felt::from(self.witness.len()));
        a.extend(self.witness.iter().map(|&w| common::felt(w)));
        a
    }
}

/// A commitment of `n_cols` columns (log sizes cycling through 3..=6) made with stwo's prover,
/// decommitted at a sibling pair, lone nodes and the last leaf.
fn commit(n_cols: usize) -> Case {
    use stwo::prover::backend::CpuBackend;
    use stwo::prover::vcs_lifted::prover::MerkleProverLifted;
    let log_sizes: Vec<u32> = (0..n_cols).map(|c| 3 + (c as u32 * 5) % 4).collect();
    let mut x: u32 = 17;
    let cols: Vec<Vec<BaseField>> = log_sizes
        .iter()
        .map(|&l| {
            (0..1usize << l)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    BaseField::from(x >> 2)
                })
                .collect()
        })
        .collect();
    let height = *log_sizes.iter().max().unwrap();
    let size = 1usize << height;
    let queries: Vec<usize> = std::collections::BTreeSet::from([0, 1, 6, size / 2 + 3, size - 1])
        .into_iter()
        .collect();
    let queries = &queries[..];
    let merkle = MerkleProverLifted::<CpuBackend, Poseidon252MerkleHasher>::commit(
        cols.iter().collect(),
        height,
        0,
    );
    let (columns, decommitment) = merkle.decommit(queries, cols.iter().collect());
    Case {
        root: merkle.root(),
        log_sizes,
        height,
        positions: queries.to_vec(),
        columns,
        witness: decommitment.decommitment.hash_witness,
    }
}

fn cairo_verdict(program: &runner::CompiledProgram, case: &Case) -> String {
    let run = runner::execute(program, &case.args()).unwrap_or_else(|e| panic!("{e}"));
    let word = run.output[0].to_bytes_be();
    String::from_utf8_lossy(&word)
        .trim_start_matches('\0')
        .to_string()
}

#[test]
fn lifted_poseidon_merkle_matches_stwo() {
    let program = common::program(MAIN);

    // stwo's own fixture: 10 columns of log sizes 3..5, 4 queries, seed 0.
    let (positions, decommitment, columns, v) = prepare_merkle::<Poseidon252MerkleHasher>();
    let good = Case {
        root: v.root,
        log_sizes: v.column_log_sizes.clone(),
        height: v.height,
        positions,
        columns,
        witness: decommitment.hash_witness,
    };
    assert!(good.stwo_accepts());
    assert_eq!(cairo_verdict(&program, &good), "ok");

    let mut tampered: Vec<(&str, Case)> = Vec::new();
    let mut c = good.clone();
    c.root += FieldElement::ONE;
    tampered.push(("root", c));
    let mut c = good.clone();
    c.witness[0] += FieldElement::ONE;
    tampered.push(("witness hash", c));
    let mut c = good.clone();
    c.witness.pop();
    tampered.push(("witness too short", c));
    let mut c = good.clone();
    c.witness.push(FieldElement::ONE);
    tampered.push(("witness too long", c));
    let mut c = good.clone();
    c.columns[3][1] += BaseField::from(1);
    tampered.push(("a queried value", c));
    let mut c = good.clone();
    let last = c.columns.len() - 1;
    let q = c.positions.len() - 1;
    c.columns[last][q] += BaseField::from(1);
    tampered.push(("the last value", c));
    for (what, case) in tampered {
        assert!(!case.stwo_accepts(), "stwo accepted a tampered {what}");
        let verdict = cairo_verdict(&program, &case);
        assert!(
            verdict.starts_with("merkle: "),
            "Cairo verifier accepted a tampered {what}: {verdict}"
        );
    }

    // Rows of every length class of the leaf hash: one short block, exactly 8, one full + short
    // block, exactly 16, 16 + short; sibling pairs and lone nodes.
    for n_cols in [1, 5, 8, 13, 16, 21] {
        let case = commit(n_cols);
        assert!(case.stwo_accepts(), "{n_cols} columns");
        assert_eq!(cairo_verdict(&program, &case), "ok", "{n_cols} columns");
        let mut bad = case.clone();
        bad.columns[n_cols - 1][2] += BaseField::from(1);
        assert!(!bad.stwo_accepts());
        assert_eq!(
            cairo_verdict(&program, &bad),
            "merkle: root mismatch",
            "{n_cols} columns"
        );
    }

    // A claim about another position (same values) fails too.
    let mut c = good.clone();
    c.positions[0] ^= 1;
    if !c.positions.windows(2).any(|w| w[0] >= w[1]) {
        assert!(!c.stwo_accepts());
        assert!(cairo_verdict(&program, &c).starts_with("merkle: "));
    }
}

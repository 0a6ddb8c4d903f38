//! `cairn_stwo_verifier::poly` against stwo 2.3.0's `LinePoly::eval_at_point`.

mod common;

use starknet_types_core::felt::Felt;
use stwo::core::fields::qm31::QM31;
use stwo::core::poly::line::LinePoly;

const MAIN: &str = r#"
use cairn_stwo_verifier::fields::{QM31, QM31Trait, qm31};
use cairn_stwo_verifier::poly::eval_line_poly;

#[executable]
fn main(coeff_words: Array<u32>, x_words: Array<u32>) -> Array<u32> {
    let mut coeffs: Array<QM31> = array![];
    let mut i = 0;
    while i + 4 <= coeff_words.len() {
        coeffs.append(qm31(*coeff_words[i], *coeff_words[i + 1], *coeff_words[i + 2], *coeff_words[i + 3]));
        i += 4;
    }
    let x = qm31(*x_words[0], *x_words[1], *x_words[2], *x_words[3]);
    let [a, b, c, d] = eval_line_poly(coeffs.span(), x).to_m31_array();
    array![a.v, b.v, c.v, d.v]
}
"#;

#[test]
fn line_poly_eval_matches_stwo() {
    let program = common::program(MAIN);
    for (n, seed) in [(1usize, 3u64), (2, 5), (8, 7), (32, 11)] {
        let cw = common::random_m31s(4 * n, seed);
        let xw = common::random_m31s(4, seed + 100);
        let coeffs: Vec<QM31> = cw
            .chunks(4)
            .map(|c| QM31::from_u32_unchecked(c[0], c[1], c[2], c[3]))
            .collect();
        let x = QM31::from_u32_unchecked(xw[0], xw[1], xw[2], xw[3]);
        let y = LinePoly::new(coeffs).eval_at_point(x);
        let mut want = vec![Felt::from(4)];
        want.extend(y.to_m31_array().iter().map(|m| Felt::from(m.0)));

        let mut args = common::list(&cw);
        args.extend(common::list(&xw));
        let run = runner::execute(&program, &args).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(run.output, want, "{n} coefficients");
    }
}

//! `cairn_stwo_verifier::fri` folding against stwo 2.3.0's `fold_line` and
//! `fold_circle_into_line` on canonic domains.

mod common;

use starknet_types_core::felt::Felt;
use stwo::core::circle::Coset;
use stwo::core::fields::qm31::QM31;
use stwo::core::fri::{fold_circle_into_line, fold_line};
use stwo::core::poly::circle::CanonicCoset;
use stwo::core::poly::line::LineDomain;

const MAIN: &str = r#"
use cairn_stwo_verifier::fields::{QM31, QM31Trait, qm31};
use cairn_stwo_verifier::fri::{CosetTrait, fold_circle_into_line, fold_line};

fn read(w: Span<u32>) -> Array<QM31> {
    let mut out = array![];
    let mut i = 0;
    while i + 4 <= w.len() {
        out.append(qm31(*w[i], *w[i + 1], *w[i + 2], *w[i + 3]));
        i += 4;
    }
    out
}

#[executable]
fn main(words: Array<u32>, alpha: Array<u32>, log_size: u32) -> Array<u32> {
    let evals = read(words.span());
    let alpha = *read(alpha.span()).at(0);
    let coset = CosetTrait::half_odds(log_size);
    let line_len = evals.len() / 2;
    let mut out = array![];
    for x in fold_line(evals.span().slice(0, line_len), @coset, alpha) {
        let [a, b, c, d] = x.to_m31_array();
        out.append(a.v);
        out.append(b.v);
        out.append(c.v);
        out.append(d.v);
    }
    for x in fold_circle_into_line(evals.span(), @coset, alpha) {
        let [a, b, c, d] = x.to_m31_array();
        out.append(a.v);
        out.append(b.v);
        out.append(c.v);
        out.append(d.v);
    }
    out
}
"#;

fn qm31s(w: &[u32]) -> Vec<QM31> {
    w.chunks(4)
        .map(|c| QM31::from_u32_unchecked(c[0], c[1], c[2], c[3]))
        .collect()
}

#[test]
fn folds_match_stwo() {
    let program = common::program(MAIN);

    for log_size in [1u32, 2, 5] {
        // A line evaluation of 2^log_size values and a circle evaluation of twice that.
        let w = common::random_m31s(4 << (log_size + 1), 0x1234 + log_size as u64);
        let evals = qm31s(&w);
        let alpha_w = common::random_m31s(4, 99 + log_size as u64);
        let alpha = qm31s(&alpha_w)[0];
        let line = &evals[..evals.len() / 2];

        let (_, folded_line) = fold_line(line, LineDomain::new(Coset::half_odds(log_size)), alpha);
        let domain = CanonicCoset::new(log_size + 1).circle_domain();
        let folded_circle = fold_circle_into_line(&evals, domain, alpha);
        let mut want: Vec<Felt> = vec![Felt::from((folded_line.len() + folded_circle.len()) * 4)];
        for x in folded_line.iter().chain(&folded_circle) {
            want.extend(x.to_m31_array().iter().map(|m| Felt::from(m.0)));
        }

        let mut args = common::list(&w);
        args.extend(common::list(&alpha_w));
        args.push(Felt::from(log_size));
        let run = runner::execute(&program, &args).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(run.output, want, "log size {log_size}");
    }
}

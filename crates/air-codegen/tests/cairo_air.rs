//! Every component of the Cairo AIR (cairo-air 1.3.0) through the generator: each yields a
//! constraint program, and the Cairo interpreter (`cairn_stwo_verifier::constraints`) running it
//! computes what stwo's own `PointEvaluator` computes for that component on the same inputs.

use air_codegen::Component;
use cairo_air::components;
use cairo_air::relations::CommonLookupElements;
use starknet_types_core::felt::Felt;
use stwo::core::air::accumulation::PointEvaluationAccumulator;
use stwo::core::channel::{Channel, Poseidon252Channel};
use stwo::core::fields::qm31::SecureField;
use stwo::core::pcs::TreeVec;
use stwo_constraint_framework::{FrameworkEval, InfoEvaluator, PointEvaluator};

/// Component log size used here: constraints do not depend on it (the column size is a
/// parameter).
const LOG: u32 = 10;
const SEED: u64 = 0xa1b2;

fn seeded() -> Poseidon252Channel {
    let mut ch = Poseidon252Channel::default();
    ch.mix_u64(SEED);
    ch
}

fn lookup_elements() -> CommonLookupElements {
    CommonLookupElements::draw(&mut seeded())
}

/// `$f(name, eval)` for each listed component whose claim is its log size.
macro_rules! sized {
    ($f:ident; $($m:ident),* $(,)?) => {
        vec![$(
            $f(
                stringify!($m),
                components::$m::Eval {
                    claim: components::$m::Claim { log_size: LOG },
                    common_lookup_elements: lookup_elements(),
                },
            )
        ),*]
    };
}

/// `$f(name, eval)` for each listed component of fixed size.
macro_rules! fixed {
    ($f:ident; $($m:ident),* $(,)?) => {
        vec![$(
            $f(
                stringify!($m),
                components::$m::Eval {
                    claim: components::$m::Claim {},
                    common_lookup_elements: lookup_elements(),
                },
            )
        ),*]
    };
}

/// `$f(name, eval)` for every component except the builtins (their claims hold a segment
/// start) and memory_id_to_big (one component per size).
macro_rules! every_component {
    ($f:ident) => {{
        let mut v = sized![$f;
            add_ap_opcode, add_opcode, add_opcode_small, assert_eq_opcode,
            assert_eq_opcode_double_deref, assert_eq_opcode_imm, blake_compress_opcode, blake_g,
            blake_round, call_opcode_abs, call_opcode_rel_imm, cube_252, generic_opcode,
            jnz_opcode_non_taken, jnz_opcode_taken, jump_opcode_abs, jump_opcode_double_deref,
            jump_opcode_rel, jump_opcode_rel_imm, memory_address_to_id, memory_id_to_small,
            mul_opcode, mul_opcode_small, partial_ec_mul_generic, partial_ec_mul_window_bits_18,
            partial_ec_mul_window_bits_9, pedersen_aggregator_window_bits_18,
            pedersen_aggregator_window_bits_9, poseidon_3_partial_rounds_chain,
            poseidon_aggregator, poseidon_full_round_chain, qm_31_add_mul_opcode,
            range_check_252_width_27, ret_opcode, triple_xor_32, verify_instruction,
        ];
        v.extend(fixed![$f;
            blake_round_sigma, pedersen_points_table_window_bits_18,
            pedersen_points_table_window_bits_9, poseidon_round_keys, range_check_11,
            range_check_12, range_check_18, range_check_20, range_check_3_3_3_3_3,
            range_check_3_6_6_3, range_check_4_3, range_check_4_4, range_check_4_4_4_4,
            range_check_6, range_check_7_2_5, range_check_8, range_check_9_9,
            verify_bitwise_xor_12, verify_bitwise_xor_4, verify_bitwise_xor_7,
            verify_bitwise_xor_8, verify_bitwise_xor_9,
        ]);
        v
    }};
}

fn generate<E: FrameworkEval>(
    name: &'static str,
    eval: E,
) -> (&'static str, Result<Component, air_codegen::CodegenError>) {
    (name, Component::new(name, &eval))
}

fn all() -> Vec<(&'static str, Result<Component, air_codegen::CodegenError>)> {
    every_component!(generate)
}

#[test]
fn every_component_generates() {
    let mut failures = vec![];
    let mut total_words = 0;
    let mut total_ops = [0; 10];
    for (name, result) in all() {
        match result {
            Ok(c) => {
                total_words += c.program.len();
                let ops = air_codegen::program::op_counts(&c.program)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                total_ops.iter_mut().zip(ops).for_each(|(t, n)| *t += n);
                eprintln!(
                    "{name}: {} constraints, {} params, {} pp, {} words, ops {ops:?}",
                    c.n_constraints,
                    c.params.len(),
                    c.preprocessed.len(),
                    c.program.len(),
                );
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    eprintln!("total {total_words} words, ops {total_ops:?}");
    assert!(failures.is_empty(), "{failures:#?}");
}

const HEADER: &str =
    "use cairn_stwo_verifier::constraints::{evaluate_constraints, program_inputs, unpack_words};\n\
                      use cairn_stwo_verifier::fields::{QM31, QM31Trait};\n\n";

/// Compiles `lib` (an executable crate over `cairn_stwo_verifier`); warnings fail too.
fn compile_source(lib: &str) -> (runner::CompiledProgram, std::time::Duration) {
    let dir = tempfile::tempdir().unwrap();
    verifier::write_probe_package(dir.path(), "cairo_air_probe", lib, &[]).unwrap();
    let start = std::time::Instant::now();
    let program = runner::compile_package(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    (program, start.elapsed())
}

/// One component's program with random inputs, and what stwo's `PointEvaluator`
/// computes from the same inputs.
struct Probe {
    name: &'static str,
    component: Component,
    /// The Cairo `Args` (see `probe_program`), serialized.
    args: Vec<Felt>,
    expected: SecureField,
}

fn random_secure(n: usize, seed: u64) -> Vec<SecureField> {
    let mut x = seed | 1;
    let mut limb = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % ((1 << 31) - 1)) as u32
    };
    (0..n)
        .map(|_| SecureField::from_u32_unchecked(limb(), limb(), limb(), limb()))
        .collect()
}

fn push_secure(felts: &mut Vec<Felt>, v: SecureField) {
    felts.extend(v.to_m31_array().map(|m| Felt::from(m.0)));
}

fn push_secures(felts: &mut Vec<Felt>, vs: &[SecureField]) {
    felts.push(Felt::from(vs.len()));
    vs.iter().for_each(|&v| push_secure(felts, v));
}

fn probe<E: FrameworkEval>(name: &'static str, eval: E) -> Probe {
    let component = Component::new(name, &eval).unwrap_or_else(|e| panic!("{name}: {e}"));
    probe_component(name, eval, component, None)
}

/// As `probe`, for a component generated with its claim's `segment_start` as a parameter.
fn probe_component<E: FrameworkEval>(
    name: &'static str,
    eval: E,
    component: Component,
    segment_start: Option<u32>,
) -> Probe {
    let info = eval.evaluate(InfoEvaluator::new(LOG, vec![], SecureField::from(0)));
    let seed = name
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
    let mut rnd = random_secure(1 << 16, seed).into_iter();

    // Random values per tree, column and offset; one per preprocessed column id.
    let mut mask: Vec<Vec<Vec<SecureField>>> = info
        .mask_offsets
        .0
        .iter()
        .map(|tree| {
            tree.iter()
                .map(|offsets| offsets.iter().map(|_| rnd.next().unwrap()).collect())
                .collect()
        })
        .collect();
    let pp_values: Vec<SecureField> = component
        .preprocessed
        .iter()
        .map(|_| rnd.next().unwrap())
        .collect();
    let pp_value =
        |id: &str| pp_values[component.preprocessed.iter().position(|p| p == id).unwrap()];
    mask[0] = info
        .preprocessed_columns
        .iter()
        .map(|c| vec![pp_value(&c.id)])
        .collect();
    let claimed_sum = rnd.next().unwrap();
    let denom_inverse = rnd.next().unwrap();
    let random_coeff = rnd.next().unwrap();

    let mut acc = PointEvaluationAccumulator::new(random_coeff);
    let refs = TreeVec(mask.iter().map(|tree| tree.iter().collect()).collect());
    eval.evaluate(PointEvaluator::new(
        refs,
        &mut acc,
        denom_inverse,
        LOG,
        claimed_sum,
    ));
    let expected = acc.finalize();

    // The lookup elements as `CommonLookupElements::draw` draws them.
    let [z, alpha]: [SecureField; 2] = seeded().draw_secure_felts(2).try_into().unwrap();
    let params: Vec<SecureField> = component
        .params
        .iter()
        .map(|p| match p.as_str() {
            "CommonLookupElements_z" => z,
            "claimed_sum" => claimed_sum,
            "column_size" => SecureField::from(1u32 << LOG),
            "segment_start" => SecureField::from(segment_start.expect("a segment start")),
            other => {
                let i: u32 = other
                    .strip_prefix("CommonLookupElements_alpha")
                    .and_then(|i| i.parse().ok())
                    .unwrap_or_else(|| panic!("{name}: unknown parameter {other}"));
                (0..i).fold(SecureField::from(1), |a, _| a * alpha)
            }
        })
        .collect();

    // Args: the trees (tree 0 left empty: preprocessed values go on their own), the
    // preprocessed values, the parameters, denom_inverse, random_coeff.
    let mut args = vec![Felt::from(mask.len())];
    for (t, tree) in mask.iter().enumerate() {
        let tree: &[Vec<SecureField>] = if t == 0 { &[] } else { tree };
        args.push(Felt::from(tree.len()));
        for col in tree {
            push_secures(&mut args, col);
        }
    }
    push_secures(&mut args, &pp_values);
    push_secures(&mut args, &params);
    push_secure(&mut args, denom_inverse);
    push_secure(&mut args, random_coeff);
    Probe {
        name,
        component,
        args,
        expected,
    }
}

/// An executable running probe `which`'s program on its `Args`.
fn probe_program(probes: &[Probe]) -> String {
    let mut src = String::from(HEADER);
    for p in probes {
        src.push_str(&p.component.cairo_consts());
    }
    src.push_str(
        "\n#[derive(Drop, Serde)]\nstruct Args {\n    mask: Array<Array<Array<QM31>>>,\n    \
         preprocessed: Array<QM31>,\n    params: Array<QM31>,\n    denom_inverse: QM31,\n    \
         random_coeff: QM31,\n}\n\n#[executable]\nfn main(which: u32, args: Args) -> QM31 {\n    \
         let mut acc = QM31Trait::zero();\n    let mut starts = array![];\n    \
         let mut n_columns = array![];\n    for tree in args.mask.span() {\n        \
         starts.append(0);\n        n_columns.append(tree.len());\n    }\n    \
         let inputs = program_inputs(\n        args.preprocessed.span(), args.params.span(), \
         args.mask.span(), starts.span(), n_columns.span(),\n    );\n    let programs = array![",
    );
    let names: Vec<String> = probes.iter().map(|p| p.component.cairo_program()).collect();
    src.push_str(&names.join(", "));
    src.push_str(
        "];\n    evaluate_constraints(\n        *programs.at(which), inputs, args.denom_inverse, \
         args.random_coeff, ref acc,\n    );\n    acc\n}\n",
    );
    src
}

/// Every component of the Cairo AIR: its program, run by the Cairo interpreter, equals stwo's
/// evaluation at random mask values, lookup elements, claimed sum, vanishing inverse and
/// combination coefficient.
#[test]
fn generated_programs_equal_stwo_point_evaluation() {
    let probes: Vec<Probe> = every_component!(probe);
    let (program, took) = compile_source(&probe_program(&probes));
    eprintln!("{} components compiled in {took:?}", probes.len());
    for (i, p) in probes.iter().enumerate() {
        let mut args = vec![Felt::from(i)];
        args.extend(p.args.iter().cloned());
        let run = runner::execute(&program, &args).unwrap_or_else(|e| panic!("{}: {e}", p.name));
        assert_ne!(
            p.expected,
            SecureField::from(0),
            "{}: a trivial probe",
            p.name
        );
        let mut want = vec![];
        push_secure(&mut want, p.expected);
        assert_eq!(run.output, want, "{}", p.name);
        eprintln!("{}: {} steps", p.name, run.steps);
    }
}

/// A builtin component, generated with its segment start as the parameter `segment_start`, and
/// built with `start` for stwo's side.
macro_rules! builtin {
    ($m:ident, $field:ident, $start:expr) => {{
        let make = |v: u32| components::$m::Eval {
            claim: components::$m::Claim {
                log_size: LOG,
                $field: v,
            },
            common_lookup_elements: lookup_elements(),
        };
        let component = Component::with_claim_parameter(stringify!($m), "segment_start", make)
            .unwrap_or_else(|e| panic!("{e}"));
        (make($start), component)
    }};
}

/// Builtins' constraints contain their segment start: it becomes a parameter, and each
/// builtin's program then equals stwo's evaluation for a start it was not generated with.
#[test]
fn builtin_components_take_their_segment_start() {
    let start = 1 << 20;
    let (rc, rc_code) = builtin!(
        range_check_builtin,
        range_check_builtin_segment_start,
        start
    );
    let (rc96, rc96_code) = builtin!(
        range_check96_builtin,
        range_check96_builtin_segment_start,
        start
    );
    let (bw, bw_code) = builtin!(bitwise_builtin, bitwise_builtin_segment_start, start);
    for (name, code) in [
        ("range_check_builtin", &rc_code),
        ("bitwise_builtin", &bw_code),
    ] {
        assert!(
            code.params.iter().any(|p| p == "segment_start"),
            "{name}: no segment_start parameter"
        );
    }
    let (add_mod, add_mod_code) = builtin!(add_mod_builtin, add_mod_builtin_segment_start, start);
    let (mul_mod, mul_mod_code) = builtin!(mul_mod_builtin, mul_mod_builtin_segment_start, start);
    let (ec_op, ec_op_code) = builtin!(ec_op_builtin, ec_op_builtin_segment_start, start);
    let (pedersen, pedersen_code) =
        builtin!(pedersen_builtin, pedersen_builtin_segment_start, start);
    let (narrow, narrow_code) = builtin!(
        pedersen_builtin_narrow_windows,
        pedersen_builtin_segment_start,
        start
    );
    let (poseidon, poseidon_code) =
        builtin!(poseidon_builtin, poseidon_builtin_segment_start, start);

    let s = Some(start);
    let probes = vec![
        probe_component("range_check_builtin", rc, rc_code, s),
        probe_component("range_check96_builtin", rc96, rc96_code, s),
        probe_component("bitwise_builtin", bw, bw_code, s),
        probe_component("add_mod_builtin", add_mod, add_mod_code, s),
        probe_component("mul_mod_builtin", mul_mod, mul_mod_code, s),
        probe_component("ec_op_builtin", ec_op, ec_op_code, s),
        probe_component("pedersen_builtin", pedersen, pedersen_code, s),
        probe_component("pedersen_builtin_narrow_windows", narrow, narrow_code, s),
        probe_component("poseidon_builtin", poseidon, poseidon_code, s),
    ];
    let (program, _) = compile_source(&probe_program(&probes));
    for (i, p) in probes.iter().enumerate() {
        let mut args = vec![Felt::from(i)];
        args.extend(p.args.iter().cloned());
        let run = runner::execute(&program, &args).unwrap_or_else(|e| panic!("{}: {e}", p.name));
        let mut want = vec![];
        push_secure(&mut want, p.expected);
        assert_eq!(run.output, want, "{}", p.name);
    }
}

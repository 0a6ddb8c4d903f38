use std::path::{Path, PathBuf};

use runner::{Felt252, RunnerError};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn write_package(dir: &Path, name: &str, source: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Scarb.toml"),
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024_07\"\n"),
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.cairo"), source).unwrap();
}

#[test]
fn dot_product_matches_fixed_point_arithmetic() {
    let program = runner::compile_package(&example("dot_product")).unwrap();
    // [1.5, -2.0, 0.25] . [4.0, 0.5, -8.0] = 6 - 1 - 2 = 3.0
    let args = runner::parse_args("3,98304,-131072,16384,3,262144,32768,-524288").unwrap();
    let run = runner::execute(&program, &args).unwrap();
    assert_eq!(run.output, vec![Felt252::from(3 * 65536)]);
    assert!(run.steps > 100 && run.steps < 2000, "steps {}", run.steps);
    assert!(run.builtins.contains_key("range_check"));

    // Rounding half away from zero: 0.5 * 2^-16 -> rounds up in magnitude, both signs.
    let half_ulp = runner::parse_args("1,1,1,32768").unwrap(); // 1 * 32768 / 65536 = 0.5
    assert_eq!(
        runner::execute(&program, &half_ulp).unwrap().output,
        vec![Felt252::ONE]
    );
    let neg = runner::parse_args("1,-1,1,32768").unwrap();
    assert_eq!(
        runner::execute(&program, &neg).unwrap().output,
        vec![-Felt252::ONE]
    );
}

#[test]
fn panics_report_message_and_cairo_location() {
    let program = runner::compile_package(&example("dot_product")).unwrap();
    let args = runner::parse_args("2,1,2,1,5").unwrap();
    let err = runner::execute(&program, &args).unwrap_err();
    let RunnerError::Panic {
        message, location, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(message, "'dot: length mismatch'");
    let location = location.as_deref().unwrap();
    assert!(
        location.contains("dot_product/src/lib.cairo:"),
        "{location}"
    );
}

#[test]
fn overflow_is_an_error_not_a_wrap() {
    let program = runner::compile_package(&example("dot_product")).unwrap();
    // 2^80 * 2^80 does not fit the i128 accumulator check.
    let big = (Felt252::from(1u128 << 80)).to_string();
    let args = runner::parse_args(&format!("1,{big},1,{big}")).unwrap();
    let err = runner::execute(&program, &args).unwrap_err();
    assert!(err.to_string().contains("accumulator overflow"), "{err}");
}

#[test]
fn compile_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write_package(
        dir.path(),
        "broken",
        "#[executable]\nfn main(x: felt252) -> felt252 {\n    x + undefined_name\n}\n",
    );
    let err = runner::compile_package(dir.path()).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, RunnerError::Compile(_)));
    assert!(text.contains("undefined_name"), "{text}");
    assert!(text.contains("lib.cairo:3"), "{text}");
}

#[test]
fn path_dependencies_are_compiled() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("mathlib");
    write_package(
        &lib,
        "mathlib",
        "pub fn triple(x: felt252) -> felt252 {\n    3 * x\n}\n",
    );
    let app = dir.path().join("app");
    write_package(
        &app,
        "app",
        "#[executable]\nfn main(x: felt252) -> felt252 {\n    mathlib::triple(x) + 1\n}\n",
    );
    let manifest = std::fs::read_to_string(app.join("Scarb.toml")).unwrap();
    std::fs::write(
        app.join("Scarb.toml"),
        format!("{manifest}\n[dependencies]\nmathlib = {{ path = \"../mathlib\" }}\n"),
    )
    .unwrap();
    let program = runner::compile_package(&app).unwrap();
    let run = runner::execute(&program, &[Felt252::from(5)]).unwrap();
    assert_eq!(run.output, vec![Felt252::from(16)]);
}

#[test]
fn package_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let err = runner::compile_package(dir.path()).unwrap_err();
    assert!(err.to_string().contains("Scarb.toml"), "{err}");

    write_package(dir.path(), "x", "fn f() {}\n");
    std::fs::write(
        dir.path().join("Scarb.toml"),
        "[package]\nname = \"x\"\n[dependencies]\nalexandria = \"0.1\"\n",
    )
    .unwrap();
    let err = runner::compile_package(dir.path()).unwrap_err();
    assert!(err.to_string().contains("not a path dependency"), "{err}");
}

#[test]
fn felt_arguments_parse_strictly() {
    assert_eq!(
        runner::parse_args("1, 0x10,-1").unwrap(),
        vec![Felt252::ONE, Felt252::from(16), -Felt252::ONE]
    );
    assert!(runner::parse_args("1,abc").is_err());
    assert!(runner::parse_args("0x").is_err());
    let p = "3618502788666131213697322783095070105623107215331596699973092056135872020481";
    assert!(
        runner::parse_args(p).is_err(),
        "the prime itself is not a felt"
    );
}

#[test]
fn function_profile_charges_steps_to_callers_and_callees() {
    let dir = std::env::temp_dir().join(format!("cairn-profile-{}", std::process::id()));
    write_package(
        &dir,
        "profiled",
        "#[executable]\nfn main(n: u32) -> u32 {\n    let mut s = 0;\n    for i in 0..n {\n        s += work(i);\n    }\n    s\n}\n\n#[inline(never)]\nfn work(i: u32) -> u32 {\n    let mut a = i;\n    for _ in 0..10_u32 {\n        a = (a * 3 + 1) % 1000;\n    }\n    a\n}\n",
    );
    let program = runner::compile_package(&dir).unwrap();
    let profile_for = |n: u32| {
        let run = runner::execute(&program, &[Felt252::from(n)]).unwrap();
        let profile = runner::function_profile(&program, &run).unwrap();
        (run.steps, profile)
    };
    // Loops compile to recursive functions named after their span: match by prefix.
    let find = |p: &[runner::FunctionSteps], name: &str| {
        p.iter()
            .find(|f| match name.strip_suffix('[') {
                Some(_) => f.name.starts_with(name),
                None => f.name == name,
            })
            .unwrap_or_else(|| panic!("no {name} in {p:#?}"))
            .clone()
    };
    let (steps, profile) = profile_for(4);
    let (steps8, profile8) = profile_for(8);
    std::fs::remove_dir_all(&dir).unwrap();
    // Every step belongs to exactly one function's own code.
    assert_eq!(profile.iter().map(|f| f.own).sum::<usize>(), steps);
    assert_eq!(find(&profile, "<entry code>").total, steps);
    let work = find(&profile, "profiled::work");
    let (main_loop, work_loop) = (
        find(&profile, "profiled::main["),
        find(&profile, "profiled::work["),
    );
    let work8 = find(&profile8, "profiled::work");
    // One call per iteration, plus the one that ends the loop.
    assert_eq!((work.calls, work8.calls, main_loop.calls), (4, 8, 5));
    assert_eq!(work_loop.calls, 4 * 11);
    // Each call of `work` costs the same: twice the calls, twice the steps.
    assert_eq!(work8.total, 2 * work.total);
    // Callees' steps count in their callers' totals, once (recursion included).
    assert_eq!(work.total, work.own + work_loop.total);
    assert_eq!(main_loop.total, main_loop.own + work.total);
    assert!(steps8 > steps);
}

/// The compile cache returns exactly the compiled program, is used while the sources are
/// unchanged, and is not once a source changes or the stored file is damaged.
#[test]
fn compile_cache_is_exact_and_follows_the_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pkg");
    let source = "#[executable]\nfn main(x: felt252) -> felt252 {\n    x * x + 1\n}\n";
    write_package(&dir, "cached", source);
    let fresh = runner::compile_package(&dir).unwrap();
    let (first, used) = runner::compile_cached(&dir).unwrap();
    assert_eq!(used, runner::CacheUse::Compiled);
    let (second, used) = runner::compile_cached(&dir).unwrap();
    assert_eq!(used, runner::CacheUse::Hit);
    for p in [&first, &second] {
        assert_eq!(p.bytecode, fresh.bytecode);
        assert_eq!(format!("{:?}", p.hints), format!("{:?}", fresh.hints));
        assert_eq!(p.end_pc, fresh.end_pc);
        assert_eq!(p.used_builtins, fresh.used_builtins);
    }
    let args = [Felt252::from(3)];
    assert_eq!(
        runner::execute(&second, &args).unwrap().output,
        vec![Felt252::from(10)]
    );

    // Another source: compiled again, and the new program runs.
    std::fs::write(
        dir.join("src/lib.cairo"),
        source.replace("x * x + 1", "x * x + 2"),
    )
    .unwrap();
    let (changed, used) = runner::compile_cached(&dir).unwrap();
    assert_eq!(used, runner::CacheUse::Compiled);
    assert_eq!(
        runner::execute(&changed, &args).unwrap().output,
        vec![Felt252::from(11)]
    );

    // A damaged cache file is compiled over.
    let cache = dir.join("target/cairn");
    let file = std::fs::read_dir(&cache)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&file, b"{ not json").unwrap();
    let (_, used) = runner::compile_cached(&dir).unwrap();
    assert_eq!(used, runner::CacheUse::Compiled);
    assert_eq!(
        std::fs::read_dir(&cache).unwrap().count(),
        1,
        "one program kept"
    );
}

//! The `cairn` binary end to end: exit codes and what it prints.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ARGS: &str = "3,98304,-131072,16384,3,262144,32768,-524288";

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn run_prints_output_and_steps() {
    let dir = example("dot_product");
    let o = cairn(&["run", dir.to_str().unwrap(), "--args", ARGS]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("output: [196608]"), "{out}");
    assert!(out.contains("steps: "), "{out}");
}

#[test]
fn prove_then_verify_and_reject_tampering() {
    let tmp = tempfile::tempdir().unwrap();
    let proof = tmp.path().join("dot.proof");
    let dir = example("dot_product");
    let o = cairn(&[
        "prove",
        dir.to_str().unwrap(),
        "--args",
        ARGS,
        "--proof",
        proof.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    let o = cairn(&[
        "verify",
        proof.to_str().unwrap(),
        "--program",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("valid proof") && out.contains("output: [196608]"),
        "{out}"
    );
    assert!(out.contains("program hash: 0x"), "{out}");

    let o = cairn(&["verify", proof.to_str().unwrap(), "--expect-output", "1"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("invalid proof"), "{}", stderr(&o));

    let other = example("dot_product_unrolled");
    let o = cairn(&[
        "verify",
        proof.to_str().unwrap(),
        "--program",
        other.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("program hash"), "{}", stderr(&o));

    let mut bytes = std::fs::read(&proof).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    let tampered = tmp.path().join("tampered.proof");
    std::fs::write(&tampered, bytes).unwrap();
    let o = cairn(&["verify", tampered.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("invalid proof"), "{}", stderr(&o));
}

#[test]
fn bad_inputs_fail_with_a_reason() {
    let o = cairn(&["run", "/nonexistent/package"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("Scarb.toml"), "{}", stderr(&o));

    let dir = example("dot_product");
    let o = cairn(&["run", dir.to_str().unwrap(), "--args", "1,x"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("`x` is not a felt"), "{}", stderr(&o));

    let o = cairn(&["run", dir.to_str().unwrap(), "--args", "2,1,2,1,5"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("dot: length mismatch") && err.contains("lib.cairo:"),
        "{err}"
    );

    let o = cairn(&[
        "prove",
        dir.to_str().unwrap(),
        "--args",
        "2,1,2,1,5",
        "--proof",
        "/tmp/cairn-never-written.proof",
    ]);
    assert!(!o.status.success());
    assert!(
        !Path::new("/tmp/cairn-never-written.proof").exists(),
        "no half-written proof"
    );
}

//! Shared by the verifier's test binaries: a Cairo executable over `cairn_stwo_verifier`.

/// Compiles an executable package whose `src/lib.cairo` is `body`, depending on the verifier
/// library.
pub fn program(body: &str) -> runner::CompiledProgram {
    let dir = tempfile::tempdir().unwrap();
    let lib = verifier::cairo_package().canonicalize().unwrap();
    std::fs::write(
        dir.path().join("Scarb.toml"),
        format!(
            "[package]\nname = \"probe\"\nversion = \"0.1.0\"\nedition = \"2024_07\"\n\n\
             [dependencies]\ncairn_stwo_verifier = {{ path = \"{}\" }}\n\n[executable]\n",
            lib.display()
        ),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.cairo"), body).unwrap();
    runner::compile_package(dir.path()).unwrap_or_else(|e| panic!("{e}"))
}

//! Writes the Cairo verifier's generated claim table, `cairo/stwo_verifier/src/cairo_air/layout.cairo`.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../cairo/stwo_verifier/src/cairo_air/layout.cairo");
    std::fs::write(&path, air_codegen::cairo_claim::claim_layout_module())?;
    println!("wrote {}", path.display());
    Ok(())
}

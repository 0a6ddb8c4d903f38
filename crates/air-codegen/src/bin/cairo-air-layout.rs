//! Writes the Cairo verifier's generated Cairo AIR tables and constraints:
//! `cairo/stwo_verifier/src/cairo_air/{layout,components}.cairo`.

use std::path::PathBuf;

use air_codegen::cairo_claim::{air_components_module, claim_layout_module, SUPPORTED};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../cairo/stwo_verifier/src/cairo_air");
    for (file, text) in [
        ("layout.cairo", claim_layout_module()),
        ("components.cairo", air_components_module(SUPPORTED)?),
    ] {
        let path = dir.join(file);
        std::fs::write(&path, text)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

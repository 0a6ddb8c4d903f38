//! `cairn-compiled-class-hash CLASS.json...`: for each Sierra contract class (the JSON that
//! cairo-lang-starknet writes), compile it to CASM the way the sequencer does and print one JSON
//! line `{"compiled_class_hash": "0x…", "bytecode_felts": N}`.

use std::process::ExitCode;

use cairo_lang_starknet_classes::casm_contract_class::CasmContractClass;
use cairo_lang_starknet_classes::contract_class::ContractClass;

/// The sequencer's cap on a class's CASM bytecode (felts).
const MAX_BYTECODE_FELTS: usize = 81_920;

fn hash_class(path: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let class: ContractClass = serde_json::from_str(&text)
        .map_err(|e| format!("{path}: not a Sierra contract class: {e}"))?;
    let program = class
        .extract_sierra_program(false)
        .map_err(|e| format!("{path}: bad Sierra program: {e}"))?;
    let casm = CasmContractClass::from_contract_class(class, program, false, MAX_BYTECODE_FELTS)
        .map_err(|e| format!("{path}: Sierra to CASM: {e}"))?;
    Ok(serde_json::json!({
        "compiled_class_hash": format!("{:#x}", casm.compiled_class_hash()),
        "bytecode_felts": casm.bytecode.len(),
    })
    .to_string())
}

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() || paths.iter().any(|p| p == "--help" || p == "-h") {
        eprintln!("usage: cairn-compiled-class-hash CLASS.json...");
        return ExitCode::from(2);
    }
    for path in &paths {
        match hash_class(path) {
            Ok(line) => println!("{line}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

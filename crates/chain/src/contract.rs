//! Compiling the `#[starknet::contract]` module of a Scarb-layout package.

use std::path::Path;

use cairo_lang_compiler::diagnostics::DiagnosticsReporter;
use cairo_lang_compiler::CompilerConfig;
use cairo_lang_defs::ids::TopLevelLanguageElementId;
use cairo_lang_filesystem::cfg::{Cfg, CfgSet};
use cairo_lang_starknet::compile::compile_prepared_db;
use cairo_lang_starknet::contract::find_contracts;
use cairo_lang_starknet::starknet_plugin_suite;
use cairo_lang_starknet_classes::casm_contract_class::CasmContractClass;
use cairo_lang_starknet_classes::contract_class::ContractClass;
use runner::Package;
use starknet::core::types::contract::SierraClass;
use starknet::core::types::{Felt, FlattenedSierraClass};

use crate::error::ChainError;

/// Starknet's cap on a class's CASM bytecode (felts), as the sequencer enforces it.
pub const MAX_BYTECODE_FELTS: usize = 81_920;

/// One compiled contract: the Sierra class to declare and the CASM the sequencer will run.
#[derive(Debug, Clone)]
pub struct CompiledContract {
    /// Package name, then the contract module's path (`cairn_registry::Registry`).
    pub name: String,
    pub sierra: ContractClass,
    pub casm: CasmContractClass,
}

impl CompiledContract {
    /// The Sierra class in the form starknet-rs declares (ABI as a JSON string).
    pub fn flattened(&self) -> Result<FlattenedSierraClass, ChainError> {
        // cairo-lang's JSON is the format Scarb writes and starknet-rs reads.
        let json = serde_json::to_string(&self.sierra).map_err(|e| self.error(e))?;
        let class: SierraClass = serde_json::from_str(&json).map_err(|e| self.error(e))?;
        class.flatten().map_err(|e| self.error(e))
    }

    /// The class hash this contract gets when declared.
    pub fn class_hash(&self) -> Result<Felt, ChainError> {
        Ok(self.flattened()?.class_hash())
    }

    fn error(&self, e: impl std::fmt::Display) -> ChainError {
        ChainError::Contract {
            package: self.name.clone(),
            reason: format!("Sierra class: {e}"),
        }
    }
}

/// Compiles the single `#[starknet::contract]` module of the package in `dir`.
pub fn compile_contract(dir: &Path) -> Result<CompiledContract, ChainError> {
    compile_contract_with_features(dir, &[])
}

/// As [`compile_contract`], with Scarb features enabled (`#[cfg(feature: 'name')]`): a package
/// may hold several contracts, one per feature.
pub fn compile_contract_with_features(
    dir: &Path,
    features: &[&str],
) -> Result<CompiledContract, ChainError> {
    let package = Package::load(dir)?;
    let mut cfg = CfgSet::from_iter([Cfg::name("target"), Cfg::kv("target", "starknet-contract")]);
    for feature in features {
        cfg.insert(Cfg::kv("feature", *feature));
    }
    let (db, crate_ids) = runner::package_db(&package, starknet_plugin_suite(), cfg, true)?;
    let contracts = find_contracts(&db, &crate_ids[..1]);
    let contract = match contracts.as_slice() {
        [one] => one,
        [] => {
            return Err(ChainError::Contract {
                package: package.name,
                reason: "no #[starknet::contract] module in src/".into(),
            })
        }
        many => {
            return Err(ChainError::Contract {
                package: package.name,
                reason: format!(
                    "{} contract modules ({}); put each contract in its own package",
                    many.len(),
                    many.iter()
                        .map(|c| c.submodule_id.full_path(&db))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
        }
    };
    let name = contract.submodule_id.full_path(&db);

    let report_crates = runner::reported_crates(&db, &crate_ids);
    let mut diagnostics = String::new();
    let result = {
        let reporter = DiagnosticsReporter::write_to_string(&mut diagnostics)
            .with_crates(&report_crates)
            .allow_warnings();
        compile_prepared_db(
            &db,
            &[contract],
            CompilerConfig {
                diagnostics_reporter: reporter,
                replace_ids: true,
                ..CompilerConfig::default()
            },
        )
    };
    let mut classes = result.map_err(|e| {
        ChainError::Compile(if diagnostics.trim().is_empty() {
            format!("{e:#}")
        } else {
            format!("{}\n{e:#}", diagnostics.trim_end())
        })
    })?;
    if !diagnostics.trim().is_empty() {
        tracing::warn!("{name}: {}", diagnostics.trim_end());
    }
    let sierra = classes.remove(0);
    let casm = CasmContractClass::from_contract_class(sierra.clone(), false, MAX_BYTECODE_FELTS)
        .map_err(|e| ChainError::Contract {
            package: package.name.clone(),
            reason: format!("Sierra to CASM: {e}"),
        })?;
    tracing::info!(
        contract = %name,
        sierra_felts = sierra.sierra_program.len(),
        casm_felts = casm.bytecode.len(),
        "compiled contract"
    );
    Ok(CompiledContract { name, sierra, casm })
}

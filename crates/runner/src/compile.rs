//! Compiling a package's `#[executable]` with the cairo-lang crates into a program that the Stwo
//! prover accepts: every run must expose all 11 builtins of the `all_cairo_stwo` layout, so we wrap
//! the compiler's entry code in a small prologue that passes the used builtins through and returns
//! the unused ones untouched.

use std::path::{Path, PathBuf};

use cairo_lang_casm::hints::Hint;
use cairo_lang_casm::instructions::{
    AddApInstruction, AssertEqInstruction, CallInstruction, Instruction, InstructionBody,
    JumpInstruction, RetInstruction,
};
use cairo_lang_casm::operand::{CellRef, DerefOrImmediate, Register, ResOperand};
use cairo_lang_compiler::db::RootDatabase;
use cairo_lang_compiler::diagnostics::DiagnosticsReporter;
use cairo_lang_debug::debug::DebugWithDb;
use cairo_lang_executable::compile::{compile_executable_in_prepared_db, ExecutableConfig};
use cairo_lang_executable::plugin::executable_plugin_suite;
use cairo_lang_filesystem::cfg::{Cfg, CfgSet};
use cairo_lang_filesystem::db::{
    init_dev_corelib, CrateConfiguration, CrateSettings, DependencySettings, Edition, FilesGroup,
    FilesGroupEx,
};
use cairo_lang_filesystem::ids::{CrateId, Directory};
use cairo_lang_sierra::program::{GenericArg, Statement};
use cairo_lang_sierra_generator::replace_ids::DebugReplacer;
use cairo_lang_utils::bigint::BigIntAsHex;
use num_bigint::BigInt;

use crate::error::RunnerError;
use crate::package::Package;

/// The builtins of the `all_cairo_stwo` layout, in the order the Stwo adapter expects them.
pub const STWO_BUILTINS: [&str; 11] = [
    "output",
    "pedersen",
    "range_check",
    "ecdsa",
    "bitwise",
    "ec_op",
    "keccak",
    "poseidon",
    "range_check96",
    "add_mod",
    "mul_mod",
];

/// Where in the code a Cairo panic is created, for error messages.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PanicSite {
    /// Bytecode offsets `[start, end)` of the Sierra statement that builds the panic.
    pub start: usize,
    pub end: usize,
    /// `path:line:col` of the statement.
    pub location: String,
    /// Whether the location is in the compiled package (not the corelib).
    pub in_package: bool,
}

/// Bytecode offsets `[start, end)` of one Sierra statement and the lines of the package's
/// `src/lib.cairo` it comes from (the statement's own line, then the lines it was inlined into).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SourceLines {
    pub start: usize,
    pub end: usize,
    pub lines: Vec<u32>,
}

/// Bytecode offsets `[start, end)` of one Sierra function (with what the compiler inlined into it).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FunctionSpan {
    pub start: usize,
    pub end: usize,
    /// The function's path, e.g. `cairn_stwo_verifier::pcs::verify_values`.
    pub name: String,
}

/// A compiled executable, ready for the VM.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CompiledProgram {
    /// The package name.
    pub name: String,
    /// The bytecode: our prologue, the compiler's entry code, the Sierra-generated code.
    #[serde(skip)]
    pub bytecode: Vec<BigInt>,
    /// Hints by bytecode offset.
    pub hints: Vec<(usize, Vec<Hint>)>,
    /// The offset of the final `jmp rel 0`, where a proof-mode run ends.
    pub end_pc: usize,
    /// The builtins the Cairo code itself uses (a subset of [`STWO_BUILTINS`]).
    pub used_builtins: Vec<String>,
    /// Places where panics are created.
    pub panic_sites: Vec<PanicSite>,
    /// Code that comes from the package's `src/lib.cairo`, by statement (for step profiles).
    pub source_lines: Vec<SourceLines>,
    /// Every Sierra function's code, by increasing offset (for [`crate::function_profile`]).
    pub functions: Vec<FunctionSpan>,
}

/// The corelib folder: `$CAIRN_CORELIB`, else `build/corelib/src` of this repository.
pub fn corelib_dir() -> Result<PathBuf, RunnerError> {
    let path = match std::env::var_os("CAIRN_CORELIB") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../build/corelib/src"),
    };
    if path.join("lib.cairo").is_file() {
        Ok(path.canonicalize().unwrap_or(path))
    } else {
        Err(RunnerError::CorelibMissing(path))
    }
}

fn parse_edition(package: &Package) -> Result<Edition, RunnerError> {
    serde_json::from_value(serde_json::Value::String(package.edition.clone())).map_err(|_| {
        RunnerError::Package {
            path: package.root.join("Scarb.toml"),
            reason: format!("unknown edition `{}`", package.edition),
        }
    })
}

/// A compiler database holding the corelib and `package` with its path dependencies, built with
/// the given plugin suite and cfg set; returns it with the crate ids (the package's own first).
/// Shared by executables (here, no gas) and Starknet contracts (crate `cairn-chain`, which need
/// `gas`: the compiler then adds gas withdrawals to loops and recursion).
pub fn package_db(
    package: &Package,
    suite: cairo_lang_semantic::plugin::PluginSuite,
    cfg: CfgSet,
    gas: bool,
) -> Result<(RootDatabase, Vec<CrateId>), RunnerError> {
    let corelib = corelib_dir()?;
    let mut builder = RootDatabase::builder();
    if !gas {
        builder.skip_auto_withdraw_gas();
    }
    let mut db = builder
        .with_cfg(cfg)
        .with_default_plugin_suite(suite)
        .build()
        .map_err(|e| RunnerError::Compile(e.to_string()))?;
    init_dev_corelib(&mut db, corelib);
    let mut ids = Vec::new();
    for p in package.all() {
        let crate_id = CrateId::plain(&db, &p.name);
        let settings = CrateSettings {
            name: Some(p.name.as_str().into()),
            edition: parse_edition(p)?,
            version: None,
            cfg_set: None,
            dependencies: p
                .dependencies
                .keys()
                .map(|n| {
                    (
                        n.clone(),
                        DependencySettings {
                            discriminator: None,
                        },
                    )
                })
                .collect(),
            experimental_features: Default::default(),
        };
        db.set_crate_config(
            crate_id,
            Some(CrateConfiguration {
                root: Directory::Real(p.root.join("src")),
                settings,
                cache_file: None,
            }),
        );
        ids.push(crate_id);
    }
    Ok((db, ids))
}

/// The crates whose diagnostics a compile reports: `crate_ids`, plus the corelib when
/// `CAIRN_CORELIB_DIAGNOSTICS` is set (for work on toolchain/corelib).
pub fn reported_crates(db: &RootDatabase, crate_ids: &[CrateId]) -> Vec<CrateId> {
    let mut out = crate_ids.to_vec();
    if std::env::var_os("CAIRN_CORELIB_DIAGNOSTICS").is_some() {
        out.push(CrateId::core(db));
    }
    out
}

/// Compiles the single `#[executable]` function of the package in `dir`.
pub fn compile_package(dir: &Path) -> Result<CompiledProgram, RunnerError> {
    let package = Package::load(dir)?;
    let (db, crate_ids) = package_db(
        &package,
        executable_plugin_suite(),
        CfgSet::from_iter([Cfg::kv("gas", "disabled")]),
        false,
    )?;
    let report_crates = reported_crates(&db, &crate_ids);

    let mut diagnostics = String::new();
    let result = {
        let reporter =
            DiagnosticsReporter::write_to_string(&mut diagnostics).with_crates(&report_crates);
        compile_executable_in_prepared_db(
            &db,
            None,
            vec![crate_ids[0]],
            reporter,
            ExecutableConfig {
                allow_syscalls: false,
                unsafe_panic: false,
            },
        )
    };
    let compiled = result.map_err(|e| {
        RunnerError::Compile(if diagnostics.trim().is_empty() {
            format!("{e:#}")
        } else {
            format!("{}\n{e:#}", diagnostics.trim_end())
        })
    })?;

    let wrapper = &compiled.compiled_function.wrapper;
    let used_builtins: Vec<String> = wrapper.builtins.iter().map(|b| format!("{b:?}")).collect();
    for b in &used_builtins {
        if !STWO_BUILTINS.contains(&b.as_str()) {
            return Err(RunnerError::Compile(format!(
                "the program uses builtin `{b}`, which the all_cairo_stwo layout lacks"
            )));
        }
    }
    let (prologue, end_pc) = stwo_prologue(&used_builtins);
    let header_len: usize = prologue
        .iter()
        .chain(&wrapper.header)
        .map(|i| i.body.op_size())
        .sum();
    let assembled = compiled
        .compiled_function
        .program
        .assemble_ex(prologue.iter().chain(&wrapper.header), &wrapper.footer);

    let panic_sites = find_panic_sites(&db, &compiled, header_len, &crate_ids);
    let source_lines = find_source_lines(&db, &compiled, header_len, &dir.join("src/lib.cairo"));
    let functions = function_spans(&db, &compiled, header_len, assembled.bytecode.len());
    Ok(CompiledProgram {
        name: package.name.clone(),
        bytecode: assembled.bytecode,
        hints: assembled.hints,
        end_pc,
        used_builtins,
        panic_sites,
        source_lines,
        functions,
    })
}

fn fp(offset: i16) -> ResOperand {
    ResOperand::Deref(CellRef {
        register: Register::FP,
        offset,
    })
}

fn ap(offset: i16) -> ResOperand {
    ResOperand::Deref(CellRef {
        register: Register::AP,
        offset,
    })
}

fn imm(v: i64) -> BigIntAsHex {
    BigIntAsHex {
        value: BigInt::from(v),
    }
}

fn push(src: ResOperand) -> Instruction {
    Instruction::new(
        InstructionBody::AssertEq(AssertEqInstruction {
            a: CellRef {
                register: Register::AP,
                offset: 0,
            },
            b: src,
        }),
        true,
    )
}

/// The code before the compiler's entry code:
///
/// ```text
///   ap += 11; call MIDDLE; jmp rel 0;          // standalone start; the run ends at `jmp rel 0`
/// MIDDLE:                                      // all 11 builtin pointers at [fp-13 .. fp-3]
///   push the used builtins; call ENTRY;        // ENTRY is the compiler's entry code
///   push all 11 final pointers (used: returned by ENTRY, unused: unchanged); ret;
/// ```
fn stwo_prologue(used: &[String]) -> (Vec<Instruction>, usize) {
    let n = STWO_BUILTINS.len() as i16;
    let index_of = |name: &str| STWO_BUILTINS.iter().position(|b| *b == name).unwrap() as i16;
    let arg = |j: i16| fp(-3 - (n - 1 - j));

    let mut code = vec![
        Instruction::new(
            InstructionBody::AddAp(AddApInstruction {
                operand: ResOperand::Immediate(imm(n.into())),
            }),
            false,
        ),
        Instruction::new(
            InstructionBody::Call(CallInstruction {
                target: DerefOrImmediate::Immediate(imm(4)),
                relative: true,
            }),
            false,
        ),
        Instruction::new(
            InstructionBody::Jump(JumpInstruction {
                target: DerefOrImmediate::Immediate(imm(0)),
                relative: true,
            }),
            false,
        ),
    ];
    let end_pc = 4;
    for b in used {
        code.push(push(arg(index_of(b))));
    }
    // Skip the call itself (2), the 11 final pushes (1 each) and `ret` (1).
    let to_entry = 2 + STWO_BUILTINS.len() as i64 + 1;
    code.push(Instruction::new(
        InstructionBody::Call(CallInstruction {
            target: DerefOrImmediate::Immediate(imm(to_entry)),
            relative: true,
        }),
        false,
    ));
    let n_used = used.len() as i16;
    for (j, name) in STWO_BUILTINS.iter().enumerate() {
        let j = j as i16;
        let src = match used.iter().position(|u| u == name) {
            // ENTRY returned the used pointers in `used` order at [ap - n_used .. ap - 1];
            // j cells were pushed since.
            Some(k) => ap(-(j + n_used - k as i16)),
            None => arg(j),
        };
        code.push(push(src));
    }
    code.push(Instruction::new(
        InstructionBody::Ret(RetInstruction {}),
        false,
    ));
    (code, end_pc)
}

/// `path:line:col` of each location of a statement, innermost first.
fn statement_locations(
    db: &RootDatabase,
    compiled: &cairo_lang_executable::compile::CompileExecutableResult,
    idx: usize,
) -> Vec<String> {
    compiled
        .debug_info
        .statements_locations
        .locations
        .get(&cairo_lang_sierra::program::StatementIdx(idx))
        .map(|locs| {
            locs.iter()
                .map(|loc| {
                    let full = format!("{:?}", loc.diagnostic_location(db).debug(db));
                    full.lines().next().unwrap_or_default().trim().to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Maps code to lines of the package's main file, for attributing steps to source lines.
fn find_source_lines(
    db: &RootDatabase,
    compiled: &cairo_lang_executable::compile::CompileExecutableResult,
    header_len: usize,
    main_file: &Path,
) -> Vec<SourceLines> {
    let main = std::fs::canonicalize(main_file).unwrap_or_else(|_| main_file.to_path_buf());
    let prefix = format!("{}:", main.display());
    let casm_info = &compiled
        .builder
        .casm_program()
        .debug_info
        .sierra_statement_info;
    let mut out = Vec::new();
    for (idx, info) in casm_info.iter().enumerate() {
        if info.end_offset == info.start_offset {
            continue;
        }
        let lines: Vec<u32> = statement_locations(db, compiled, idx)
            .iter()
            .filter_map(|l| l.strip_prefix(&prefix))
            .filter_map(|rest| rest.split(':').next()?.parse().ok())
            .collect();
        if !lines.is_empty() {
            out.push(SourceLines {
                start: header_len + info.start_offset,
                end: header_len + info.end_offset,
                lines,
            });
        }
    }
    out
}

/// Each Sierra function's bytecode: from its entry statement to the next function's.
fn function_spans(
    db: &RootDatabase,
    compiled: &cairo_lang_executable::compile::CompileExecutableResult,
    header_len: usize,
    code_end: usize,
) -> Vec<FunctionSpan> {
    // The compiled program's function ids are bare numbers; names come from the database.
    let mut sierra = compiled.builder.sierra_program().clone();
    DebugReplacer { db }.enrich_function_names(&mut sierra);
    let info = &compiled
        .builder
        .casm_program()
        .debug_info
        .sierra_statement_info;
    let mut starts: Vec<(usize, String)> = sierra
        .funcs
        .iter()
        .filter_map(|f| {
            let start = info.get(f.entry_point.0)?.start_offset + header_len;
            let name =
                f.id.debug_name
                    .as_ref()
                    .map_or_else(|| format!("function {}", f.id.id), |n| n.to_string());
            Some((start, name))
        })
        .collect();
    starts.sort();
    let mut spans: Vec<FunctionSpan> = Vec::with_capacity(starts.len());
    for (i, (start, name)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(code_end, |next| next.0);
        spans.push(FunctionSpan {
            start: *start,
            end,
            name: name.clone(),
        });
    }
    spans
}

/// Finds the Sierra statements that create a `PanicResult::Err`, with their source locations.
fn find_panic_sites(
    db: &RootDatabase,
    compiled: &cairo_lang_executable::compile::CompileExecutableResult,
    header_len: usize,
    crate_ids: &[CrateId],
) -> Vec<PanicSite> {
    let sierra = compiled.builder.sierra_program();
    let casm_info = &compiled
        .builder
        .casm_program()
        .debug_info
        .sierra_statement_info;
    let is_panic_err_init = |libfunc_id: &cairo_lang_sierra::ids::ConcreteLibfuncId| {
        let Some(decl) = sierra
            .libfunc_declarations
            .iter()
            .find(|d| &d.id == libfunc_id)
        else {
            return false;
        };
        if decl.long_id.generic_id.0 != "enum_init" {
            return false;
        }
        let [GenericArg::Type(ty), GenericArg::Value(variant)] =
            decl.long_id.generic_args.as_slice()
        else {
            return false;
        };
        if *variant != BigInt::from(1) {
            return false;
        }
        sierra.type_declarations.iter().any(|t| {
            &t.id == ty
                && matches!(t.long_id.generic_args.first(),
                    Some(GenericArg::UserType(u)) if u.debug_name.as_ref()
                        .is_some_and(|n| n.starts_with("core::panics::PanicResult")))
        })
    };
    let roots: Vec<PathBuf> = crate_ids
        .iter()
        .filter_map(|c| match db.crate_config(*c).map(|c| c.root) {
            Some(Directory::Real(p)) => Some(p),
            _ => None,
        })
        .collect();
    let mut sites = Vec::new();
    for (idx, stmt) in sierra.statements.iter().enumerate() {
        let Statement::Invocation(inv) = stmt else {
            continue;
        };
        if !is_panic_err_init(&inv.libfunc_id) {
            continue;
        }
        // `enum_init` emits no code; the statement that stores the panic value right after it
        // does, and that is what an executed trace can hit.
        let Some(info) = casm_info[idx..]
            .iter()
            .find(|i| i.end_offset > i.start_offset)
        else {
            continue;
        };
        // The first location is the innermost (where the panic is written, even if inlined).
        let Some(location) = statement_locations(db, compiled, idx).into_iter().next() else {
            continue;
        };
        // Virtual files generated by plugins (e.g. `lib.cairo[executable]`) are not user code.
        let in_package = roots
            .iter()
            .any(|r| location.starts_with(&*r.to_string_lossy()))
            && !location.contains("][")
            && !location.contains(".cairo[");
        sites.push(PanicSite {
            start: header_len + info.start_offset,
            end: header_len + info.end_offset,
            location,
            in_package,
        });
    }
    sites
}

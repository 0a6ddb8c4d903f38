//! The compiled program kept with its package (`<package>/target/cairn/program-<key>.json`), so
//! `cairn run`, `prove` and `verify --program` compile a package once. The key is a Blake2s hash
//! of everything the compilation reads: every file under each package's `src/` and its
//! `Scarb.toml` (the package and its path dependencies), the corelib's files, the cairo-lang and
//! runner versions. A file that does not match its key, or does not parse, is compiled again.

use std::path::{Path, PathBuf};

use blake2::{Blake2s256, Digest};
use serde::{Deserialize, Serialize};

use crate::compile::{compile_package, corelib_dir, CompiledProgram};
use crate::error::RunnerError;
use crate::package::Package;

/// Bumped when the stored layout or the compilation wrapper changes.
const FORMAT: &str = "cairn-compiled-program-v1";

/// Whether [`compile_cached`] compiled or read the stored program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    Hit,
    Compiled,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: String,
    key: String,
    /// Bytecode words as hex.
    bytecode: Vec<String>,
    program: CompiledProgram,
}

/// Every file under `dir`, sorted, relative to `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The hash of everything the compilation of `package` reads.
pub fn compile_key(package: &Package) -> Result<String, RunnerError> {
    let mut h = Blake2s256::new();
    h.update(FORMAT);
    h.update(env!("CARGO_PKG_VERSION"));
    // The cairo-lang crates share one version.
    h.update(cairo_lang_filesystem::db::CORELIB_VERSION);
    let mut hash_dir = |label: &str, dir: &Path, extra: &[PathBuf]| {
        h.update(label);
        for f in extra.iter().cloned().chain(files(dir)) {
            let rel = f
                .strip_prefix(dir)
                .unwrap_or(&f)
                .to_string_lossy()
                .into_owned();
            h.update((rel.len() as u64).to_le_bytes());
            h.update(rel);
            let bytes = std::fs::read(&f).unwrap_or_default();
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
    };
    let mut packages = package.all();
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    for p in packages {
        hash_dir(&p.name, &p.root.join("src"), &[p.root.join("Scarb.toml")]);
    }
    hash_dir("corelib", &corelib_dir()?, &[]);
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn cache_dir(package: &Package) -> PathBuf {
    package.root.join("target").join("cairn")
}

/// The compiled program of the package in `dir`, read from its cache when the sources are
/// unchanged, else compiled and stored (a failure to store only costs the next compilation).
pub fn compile_cached(dir: &Path) -> Result<(CompiledProgram, CacheUse), RunnerError> {
    let package = Package::load(dir)?;
    let key = compile_key(&package)?;
    let path = cache_dir(&package).join(format!("program-{}.json", &key[..32]));
    if let Some(program) = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Stored>(&b).ok())
        .filter(|s| s.format == FORMAT && s.key == key)
        .and_then(|s| {
            let bytecode = s
                .bytecode
                .iter()
                .map(|w| num_bigint::BigInt::parse_bytes(w.as_bytes(), 16))
                .collect::<Option<Vec<_>>>()?;
            Some(CompiledProgram {
                bytecode,
                ..s.program
            })
        })
    {
        return Ok((program, CacheUse::Hit));
    }
    let program = compile_package(dir)?;
    let stored = Stored {
        format: FORMAT.into(),
        key: key.clone(),
        bytecode: program
            .bytecode
            .iter()
            .map(|w| w.to_str_radix(16))
            .collect(),
        program: CompiledProgram {
            bytecode: vec![],
            ..program.clone()
        },
    };
    if let Err(e) = store(&path, &stored) {
        tracing::warn!(
            "could not keep the compiled program at {}: {e}",
            path.display()
        );
    }
    Ok((program, CacheUse::Compiled))
}

/// Writes `stored` next to `path` and renames it into place; removes older programs.
fn store(path: &Path, stored: &Stored) -> std::io::Result<()> {
    let dir = path.parent().expect("a cache folder");
    std::fs::create_dir_all(dir)?;
    for old in std::fs::read_dir(dir)?.flatten() {
        let name = old.file_name().to_string_lossy().into_owned();
        if name.starts_with("program-") && old.path() != path {
            let _ = std::fs::remove_file(old.path());
        }
    }
    let tmp = dir.join(format!(".program-{}.tmp", std::process::id()));
    std::fs::write(
        &tmp,
        serde_json::to_vec(stored).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(&tmp, path)
}

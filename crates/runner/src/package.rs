//! Reading a Scarb-layout package: `Scarb.toml` (name, edition, path dependencies) and `src/lib.cairo`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::RunnerError;

/// Dependencies Scarb provides itself; our compiler has them built in (or does not need them).
const BUILTIN_DEPENDENCIES: &[&str] = &["cairo_execute", "starknet", "core", "assert_macros"];

/// One Cairo package and, recursively, its path dependencies.
#[derive(Debug, Clone)]
pub struct Package {
    /// The package name, which is also its crate name in Cairo code.
    pub name: String,
    /// The Cairo edition (`2024_07` unless `Scarb.toml` says otherwise).
    pub edition: String,
    /// The folder holding `Scarb.toml`.
    pub root: PathBuf,
    /// Path dependencies, by name.
    pub dependencies: BTreeMap<String, Package>,
}

#[derive(Deserialize)]
struct Manifest {
    package: Option<ManifestPackage>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct ManifestPackage {
    name: String,
    edition: Option<String>,
}

impl Package {
    /// Loads the package whose `Scarb.toml` is in `dir`.
    pub fn load(dir: &Path) -> Result<Package, RunnerError> {
        Self::load_inner(dir, &mut Vec::new())
    }

    fn load_inner(dir: &Path, stack: &mut Vec<PathBuf>) -> Result<Package, RunnerError> {
        let manifest_path = dir.join("Scarb.toml");
        let root = dir.canonicalize().map_err(|e| RunnerError::Package {
            path: manifest_path.clone(),
            reason: format!("cannot open package folder: {e}"),
        })?;
        if stack.contains(&root) {
            return Err(RunnerError::Package {
                path: manifest_path,
                reason: "dependency cycle".into(),
            });
        }
        let text = std::fs::read_to_string(&manifest_path).map_err(|e| RunnerError::Package {
            path: manifest_path.clone(),
            reason: format!("cannot read: {e}"),
        })?;
        let manifest: Manifest = toml::from_str(&text).map_err(|e| RunnerError::Package {
            path: manifest_path.clone(),
            reason: format!("invalid TOML: {e}"),
        })?;
        let Some(pkg) = manifest.package else {
            return Err(RunnerError::Package {
                path: manifest_path,
                reason: "no [package] section (a workspace root is not a package)".into(),
            });
        };
        if !root.join("src").join("lib.cairo").is_file() {
            return Err(RunnerError::Package {
                path: manifest_path,
                reason: "missing src/lib.cairo".into(),
            });
        }
        stack.push(root.clone());
        let mut dependencies = BTreeMap::new();
        for (name, spec) in manifest.dependencies {
            if BUILTIN_DEPENDENCIES.contains(&name.as_str()) {
                continue;
            }
            let path =
                spec.get("path")
                    .and_then(|p| p.as_str())
                    .ok_or_else(|| RunnerError::Package {
                        path: manifest_path.clone(),
                        reason: format!(
                        "dependency `{name}` is not a path dependency; only `{{ path = \"...\" }}` \
                         dependencies are supported"
                    ),
                    })?;
            let dep = Self::load_inner(&root.join(path), stack)?;
            if dep.name != name {
                return Err(RunnerError::Package {
                    path: manifest_path,
                    reason: format!("dependency `{name}` points at package `{}`", dep.name),
                });
            }
            dependencies.insert(name, dep);
        }
        stack.pop();
        Ok(Package {
            name: pkg.name,
            edition: pkg.edition.unwrap_or_else(|| "2024_07".into()),
            root,
            dependencies,
        })
    }

    /// This package and all its transitive dependencies, each once (first occurrence wins).
    pub fn all(&self) -> Vec<&Package> {
        let mut out: Vec<&Package> = Vec::new();
        let mut todo = vec![self];
        while let Some(p) = todo.pop() {
            if out.iter().any(|q| q.name == p.name) {
                continue;
            }
            out.push(p);
            todo.extend(p.dependencies.values());
        }
        out
    }
}

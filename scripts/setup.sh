#!/usr/bin/env bash
# One idempotent set-up for `make demo` and `make test`: everything comes from the registries and
# lands in ignored folders (build/) or the user's caches. Safe to run repeatedly.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

command -v cargo >/dev/null || { echo "setup: cargo not found (install Rust via rustup)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "setup: python3 not found" >&2; exit 1; }

# stwo-cairo-common 1.3.0 needs a one-call rename to build on today's toolchain.
scripts/patch-stwo-cairo-common.sh
# The Cairo corelib: PyPI's cairo-lang files completed by toolchain/corelib.
scripts/setup-corelib.sh
# starknet-devnet and the compiled-class-hash helper (build/tools/bin).
scripts/setup-chain-tools.sh
# Python packages for model building and float references (tests, transpiler examples).
if ! python3 -c 'import onnx, onnxruntime, numpy' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check onnx onnxruntime numpy
fi
# scikit-learn, XGBoost and LightGBM models as users export them (skl2onnx, onnxmltools):
# crates/transpile/tests/sklearn.rs and trees.rs.
if ! python3 -c 'import sklearn, skl2onnx, xgboost, lightgbm, onnxmltools' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check scikit-learn skl2onnx xgboost \
    lightgbm onnxmltools
fi
# PyTorch for models exported as users export them (torch.onnx.export): tests/torch.rs. pip keeps
# the wheels in its cache (~/.cache/pip), so a machine downloads them once.
if ! python3 -c 'import torch, onnxscript' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check torch onnxscript
fi

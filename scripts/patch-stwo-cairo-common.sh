#!/usr/bin/env bash
# Derives a build-fixed copy of stwo-cairo-common 1.3.0 from the crates.io copy.
# Why: its `prover` feature calls `Mask::to_int()`, which today's std::simd names `to_simd()`;
# no crates.io release carries the rename. We never commit the crate: this script fetches it
# through cargo and writes the fixed copy to an ignored folder that [patch.crates-io] points at.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/build/patched/stwo-cairo-common"
VERSION="1.3.0"
STAMP="$DEST/.cairn-patched-$VERSION"
[ -f "$STAMP" ] && exit 0

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/src"
cat > "$WORK/Cargo.toml" <<TOML
[package]
name = "fetch-stwo-cairo-common"
version = "0.0.0"
edition = "2021"
[dependencies]
stwo-cairo-common = "=$VERSION"
[workspace]
TOML
touch "$WORK/src/lib.rs"
(cd "$WORK" && cargo fetch --quiet)
SRC="$(cd "$WORK" && cargo metadata --format-version 1 --quiet \
  | python3 -c 'import json,sys; m=json.load(sys.stdin); print(next(p["manifest_path"] for p in m["packages"] if p["name"]=="stwo-cairo-common"))')"
SRC="$(dirname "$SRC")"

rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
cp -R "$SRC" "$DEST"
chmod -R u+w "$DEST"
TARGET="$DEST/src/prover_types/simd.rs"
grep -q '\.to_int()' "$TARGET" || { echo "patch-stwo-cairo-common: expected .to_int() in $TARGET" >&2; exit 1; }
sed -i 's/\.to_int()/.to_simd()/g' "$TARGET"
touch "$STAMP"
echo "patched stwo-cairo-common $VERSION -> $DEST"

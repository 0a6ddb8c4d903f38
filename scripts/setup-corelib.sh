#!/usr/bin/env bash
# Builds the Cairo corelib that our compiler crates need, into the ignored folder build/corelib.
# Source: the corelib top-level files in PyPI's cairo-lang 0.14.0.1 (compiler 2.12.0-dev.0), completed
# by this project's own modules in toolchain/corelib/src (see toolchain/corelib/README.md).
# Idempotent: skips when the stamp matches the overlay's content hash.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/build/corelib"
OVERLAY="$ROOT/toolchain/corelib/src"
PYPI_VERSION="0.14.0.1"
CACHE="${CAIRN_CACHE:-$HOME/.cache/cairn}"
ZIP="$CACHE/cairo-lang-$PYPI_VERSION.zip"

HASH="$( (cd "$OVERLAY" && find . -type f -print0 | sort -z | xargs -0 sha256sum; cat "$ROOT/scripts/setup-corelib.sh") | sha256sum | cut -c1-16)"
STAMP="$DEST/.cairn-corelib-$HASH"
[ -f "$STAMP" ] && exit 0

if [ ! -f "$ZIP" ]; then
  mkdir -p "$CACHE"
  TMP="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$TMP" "cairo-lang==$PYPI_VERSION"
  mv "$TMP/cairo-lang-$PYPI_VERSION.zip" "$ZIP"
  rm -rf "$TMP"
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PREFIX="cairo-lang-$PYPI_VERSION/starkware/starknet/compiler/v1/sierra-compiler-major-1/corelib/src"
python3 - "$ZIP" "$PREFIX" "$WORK/src" <<'PY'
import sys, zipfile, os
zip_path, prefix, out = sys.argv[1], sys.argv[2].rstrip("/") + "/", sys.argv[3]
with zipfile.ZipFile(zip_path) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and n.endswith(".cairo")]
    if not names:
        sys.exit(f"setup-corelib: no corelib files under {prefix} in {zip_path}")
    for n in names:
        target = os.path.join(out, n[len(prefix):])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(z.read(n))
PY

# Our modules go in; a PyPI file of the same name would be an upstream change to look at.
(cd "$OVERLAY" && find . -type f -name '*.cairo') | while read -r f; do
  if [ -e "$WORK/src/$f" ]; then
    echo "setup-corelib: $f exists in the PyPI corelib; refusing to overwrite it" >&2
    exit 1
  fi
done
cp -R "$OVERLAY/." "$WORK/src/"

# Edits to PyPI files, each needed by a module above:
# - internal.cairo lacks `mod num;` (the optimizer's `u8_inc`, ... live in internal/num.cairo).
grep -q '^pub(crate) mod bounded_int;' "$WORK/src/internal.cairo"
echo 'pub(crate) mod num;' >> "$WORK/src/internal.cairo"
# - compiler 2.12.3 expects `core::tuple` and `core::fixed_size_array` (the types' home modules).
printf '\npub mod tuple;\npub mod fixed_size_array;\n' >> "$WORK/src/lib.cairo"
# - internal/num.cairo returns SignedIntegerResult, private to integer.cairo.
grep -q '^enum SignedIntegerResult<T>' "$WORK/src/integer.cairo"
sed -i 's/^enum SignedIntegerResult<T>/pub(crate) enum SignedIntegerResult<T>/' "$WORK/src/integer.cairo"

# - the compiler looks up `upcast`/`downcast` in internal::bounded_int; integer.cairo re-exports them.
python3 - "$WORK/src/integer.cairo" <<'PY2'
import sys
path = sys.argv[1]
text = open(path).read()
old_up = "pub(crate) extern const fn upcast<FromType, ToType>(x: FromType) -> ToType nopanic;"
old_down = ("pub(crate) extern const fn downcast<FromType, ToType>(\n    x: FromType,\n"
            ") -> Option<ToType> implicits(RangeCheck) nopanic;")
for old in (old_up, old_down):
    if old not in text:
        sys.exit(f"setup-corelib: expected declaration not found in integer.cairo: {old[:60]}")
text = text.replace(old_up, "pub(crate) use crate::internal::bounded_int::upcast;")
text = text.replace(old_down, "pub(crate) use crate::internal::bounded_int::downcast;")
open(path, "w").write(text)
PY2

rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
mv "$WORK" "$DEST"
trap - EXIT
touch "$STAMP"
echo "corelib ready: $DEST/src ($(find "$DEST/src" -name '*.cairo' | wc -l) files)"

#!/usr/bin/env bash
# The end-to-end demo: compile the sample fixed-point dot product, run it, prove the run,
# verify the proof (and show that a tampered proof is rejected).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CAIRN="$ROOT/target/release/cairn"
OUT="$ROOT/build/demo"
mkdir -p "$OUT"
# a = [1.5, -2.0, 0.25], b = [4.0, 0.5, -8.0] at scale 2^16  ->  6 - 1 - 2 = 3.0 (196608)
ARGS="3,98304,-131072,16384,3,262144,32768,-524288"

echo "== run"
"$CAIRN" run "$ROOT/examples/dot_product" --args "$ARGS"
echo "== prove"
"$CAIRN" prove "$ROOT/examples/dot_product" --args "$ARGS" --proof "$OUT/dot_product.proof"
echo "== verify"
"$CAIRN" verify "$OUT/dot_product.proof" --program "$ROOT/examples/dot_product"
echo "== verify a tampered copy (must be rejected)"
python3 - "$OUT/dot_product.proof" "$OUT/tampered.proof" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0x01
open(sys.argv[2], "wb").write(data)
PY
if "$CAIRN" verify "$OUT/tampered.proof"; then
  echo "demo: a tampered proof was accepted" >&2
  exit 1
fi
echo "tampered proof rejected, as it must be"

#!/usr/bin/env bash
# The end-to-end demo: an ONNX model (a small CNN built with the onnx package) is transpiled to
# Cairo, run in the Cairo VM and compared with a float run, proven with Stwo, and the proof is
# verified (a tampered copy must be rejected). The on-chain step is issue #5.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CAIRN="$ROOT/target/release/cairn"
OUT="$ROOT/build/demo"
rm -rf "$OUT"
mkdir -p "$OUT"

echo "== build the model (onnx helper API) and a random input"
python3 "$ROOT/scripts/models/make_models.py" "$OUT" tiny_cnn
MODEL="$OUT/tiny_cnn"
echo "== transpile (the input stays private: only its Poseidon hash is public)"
"$CAIRN" transpile "$MODEL/model.onnx" -o "$OUT/tiny_cnn_cairo" --calibrate "$MODEL/input.json" \
  --input-visibility hashed
echo "== run (and compare with a float run)"
"$CAIRN" run "$OUT/tiny_cnn_cairo" --input "$MODEL/input.json" --output "$OUT/out.json" --compare
echo "== prove"
"$CAIRN" prove "$OUT/tiny_cnn_cairo" --input "$MODEL/input.json" --proof "$OUT/tiny_cnn.proof"
echo "== verify"
"$CAIRN" verify "$OUT/tiny_cnn.proof" --program "$OUT/tiny_cnn_cairo"
echo "== the data owner's commitment (equals the proven input commitment)"
"$CAIRN" commit "$OUT/tiny_cnn_cairo" --input "$MODEL/input.json"
echo "== verify a tampered copy (must be rejected)"
python3 - "$OUT/tiny_cnn.proof" "$OUT/tampered.proof" <<'PY'
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

#!/usr/bin/env bash
# The end-to-end demo: an ONNX model (a small CNN built with the onnx package) is transpiled to
# Cairo with its input kept private, run in the Cairo VM and compared with a float run, proven
# with Stwo for the chain, and the proof is verified off chain (a tampered copy must be rejected).
# Then on chain: Cairn's verifier is deployed on a local devnet and the same proof verified there,
# stage by stage, until its fact is in the registry.
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
echo "== prove (Poseidon252 channel, for the chain: minutes)"
"$CAIRN" prove "$OUT/tiny_cnn_cairo" --input "$MODEL/input.json" --proof "$OUT/tiny_cnn.proof" \
  --for-chain
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

echo "== start a local devnet"
"$CAIRN" devnet --accounts 1 > "$OUT/devnet.log" 2>&1 &
DEVNET=$!
trap 'kill -INT $DEVNET 2>/dev/null || true; wait $DEVNET 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  grep -q "export STARKNET_RPC" "$OUT/devnet.log" && break
  sleep 1
done
EXPORT="$(grep "export STARKNET_RPC" "$OUT/devnet.log")" || { cat "$OUT/devnet.log" >&2; exit 1; }
eval "$EXPORT"
echo "== deploy the verifier (declares its stage classes and registry)"
"$CAIRN" deploy | tee "$OUT/deploy.txt"
VERIFIER="$(sed -n 's/^verifier: //p' "$OUT/deploy.txt")"
echo "== submit the proof: one transaction per stage, then the fact is registered"
"$CAIRN" submit "$OUT/tiny_cnn.proof" --contract "$VERIFIER"
echo "== submit it again in the same, finished session (must be refused)"
if "$CAIRN" submit "$OUT/tiny_cnn.proof" --contract "$VERIFIER" 2> "$OUT/replay.txt"; then
  echo "demo: a replayed session was accepted" >&2
  exit 1
fi
grep -o "is finished" "$OUT/replay.txt"
echo "demo: done"

#!/usr/bin/env bash
# Builds the two external programs Cairn's chain side drives into build/tools/bin, once:
#  - starknet-devnet (crates.io, --locked), the local Starknet node for `cairn devnet` and the tests;
#  - cairn-compiled-class-hash (tools/compiled-class-hash), the compiled class hash the sequencer
#    checks on declare, from the compiler version the devnet runs.
# Both share one target dir and build profile, so the cairo-lang crates they share compile once.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="$ROOT/build/tools"
DEVNET_VERSION=0.10.1

# Build time matters more than speed here (devnet: 26 min at opt-level 1, ~14 min like this on
# 2 cores); only the crates that execute Cairo and hash felts are optimised.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0
export CARGO_PROFILE_RELEASE_DEBUG=0
export CARGO_PROFILE_RELEASE_INCREMENTAL=false
export CARGO_PROFILE_RELEASE_LTO=false
OPTIMISED=(cairo-vm blockifier starknet-types-core lambdaworks-math starknet-crypto num-bigint)
CONFIG=()
for crate in "${OPTIMISED[@]}"; do CONFIG+=(--config "profile.release.package.$crate.opt-level=2"); done

if ! "$TOOLS/bin/starknet-devnet" --version 2>/dev/null | grep -q " $DEVNET_VERSION\$"; then
  echo "setup: building starknet-devnet $DEVNET_VERSION into build/tools (once; ~15 min on 2 cores)" >&2
  cargo install starknet-devnet --version "$DEVNET_VERSION" --locked --quiet "${CONFIG[@]}" \
    --root "$TOOLS" --target-dir "$TOOLS/target"
fi

# cargo install --path rebuilds only what changed (same target dir).
cargo install --path "$ROOT/tools/compiled-class-hash" --locked --quiet --force "${CONFIG[@]}" \
  --root "$TOOLS" --target-dir "$TOOLS/target"

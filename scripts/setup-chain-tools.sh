#!/usr/bin/env bash
# Builds the two external programs Cairn's chain side drives, once per machine, and puts them in
# build/tools/bin:
#  - starknet-devnet (crates.io, --locked), the local Starknet node for `cairn devnet` and the tests;
#  - cairn-compiled-class-hash (tools/compiled-class-hash), the compiled class hash the sequencer
#    checks on declare, from the compiler version the devnet runs.
# Neither depends on this checkout but for the helper's few lines, so both build in the user's
# cache (keyed by the devnet's version; the helper's sources are fingerprinted by cargo), shared
# by every clone on the machine: a fresh clone (CI) reuses them instead of ~15 min of building.
# Both share one target dir and build profile, so the cairo-lang crates they share compile once.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="$ROOT/build/tools"
DEVNET_VERSION=0.10.1
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/cairn/chain-tools-devnet-$DEVNET_VERSION"

# Build time matters more than speed here (devnet: 26 min at opt-level 1, ~14 min like this on
# 2 cores); only the crates that execute Cairo and hash felts are optimised.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0
export CARGO_PROFILE_RELEASE_DEBUG=0
export CARGO_PROFILE_RELEASE_INCREMENTAL=false
export CARGO_PROFILE_RELEASE_LTO=false
OPTIMISED=(cairo-vm blockifier starknet-types-core lambdaworks-math starknet-crypto num-bigint)
CONFIG=()
for crate in "${OPTIMISED[@]}"; do CONFIG+=(--config "profile.release.package.$crate.opt-level=2"); done

mkdir -p "$CACHE" "$TOOLS/bin"
if ! "$CACHE/bin/starknet-devnet" --version 2>/dev/null | grep -q " $DEVNET_VERSION\$"; then
  echo "setup: building starknet-devnet $DEVNET_VERSION into $CACHE (once per machine; ~15 min on 2 cores)" >&2
  cargo install starknet-devnet --version "$DEVNET_VERSION" --locked --quiet "${CONFIG[@]}" \
    --root "$CACHE" --target-dir "$CACHE/target"
fi

# cargo install --path rebuilds only what changed (same target dir).
cargo install --path "$ROOT/tools/compiled-class-hash" --locked --quiet --force "${CONFIG[@]}" \
  --root "$CACHE" --target-dir "$CACHE/target"

# Copies, not links: a test may replace build/ while another clone rebuilds the cache.
for tool in starknet-devnet cairn-compiled-class-hash; do
  cp -f "$CACHE/bin/$tool" "$TOOLS/bin/$tool.tmp"
  mv -f "$TOOLS/bin/$tool.tmp" "$TOOLS/bin/$tool"
done

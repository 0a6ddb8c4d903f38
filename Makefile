# The two commands of the README: `make demo` and `make test`. Both run `make setup` first.
CARGO ?= cargo

.PHONY: setup build demo test bench bench-chain bench-ezkl lint

setup:
	@scripts/setup.sh

build: setup
	$(CARGO) build --release --workspace

demo: build
	@scripts/demo.sh

# Release mode: proving in debug builds is far too slow.
test: build
	$(CARGO) test --release --workspace

bench: build
	./target/release/cairn-bench

# Per-transaction limits of the local devnet (loop turns, calldata felts, L2 gas): docs/ONCHAIN.md.
bench-chain: build
	./target/release/chain-limits

# Cairn against EZKL on linear / MLP / LeNet; writes docs/BENCHMARKS.md and docs/bench/*.png.
# Slow (tens of minutes) and not part of `make test`.
bench-ezkl: build
	python3 -m pip install --quiet --disable-pip-version-check ezkl==23.0.5 matplotlib
	CAIRN_VIA_MAKE=1 python3 scripts/bench/ezkl_vs_cairn.py

lint: setup
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings

# The two commands of the README: `make demo` and `make test`. Both run `make setup` first.
CARGO ?= cargo

.PHONY: setup build demo test bench lint

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

lint: setup
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings

# make demo   build, start the emulator with the demo account, open the explorer
# make test   every check: format, lints, unit, snapshot, emulator and end-to-end tests
# make bench  performance numbers against the emulator's scale account

VENV := .venv
PYTHON := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
REQUIREMENTS := tests/emulator/requirements.txt

export AWS_EC2_METADATA_DISABLED := true
export CARGO_TERM_COLOR := never

.PHONY: all build demo test lint bench venv clean

all: build

$(VENV_STAMP): $(REQUIREMENTS)
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(REQUIREMENTS)
	touch $@

venv: $(VENV_STAMP)

build:
	cargo build --locked

demo: venv build
	tests/emulator/run-demo.sh

lint:
	cargo fmt --check
	cargo clippy --locked --all-targets -- -D warnings

test: venv lint
	$(PYTHON) tests/emulator/selfcheck.py
	cargo test --locked

bench: venv
	cargo bench --locked --bench explorer

clean:
	cargo clean
	rm -rf $(VENV)

# The two commands of the README, and the set-up they share.
# `make bench`: set up, then run the benchmark on the gold set and write the leaderboard.
# `make test`:  set up, then validate the gold and run the test suite.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup bench test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(STAMP)

bench: setup
	$(BIN)/harness run configs/bench.yaml
	$(BIN)/harness leaderboard

test: setup
	$(BIN)/harness validate
	$(BIN)/python -m pytest

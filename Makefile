# The two commands of the README, and the set-up they share.
# `make bench`: set up, install the LLM file if missing, run the benchmark on the gold set, write the leaderboard.
# `make test`:  set up, then validate the gold and run the test suite.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# llama.cpp is compiled for x86-64 with AVX2, not for the build CPU: a native
# build on these machines enables Intel AMX kernels, which crash (SIGSEGV in
# ggml_backend_amx_mul_mat) under this sandbox.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON

.PHONY: setup bench test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet -e '.[dev,llm]'
	touch $@

setup: $(STAMP)

bench: setup
	$(BIN)/harness models install
	$(BIN)/harness run configs/bench.yaml
	$(BIN)/harness leaderboard

test: setup
	$(BIN)/harness validate
	$(BIN)/python -m pytest

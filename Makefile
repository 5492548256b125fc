# privproxy — two commands do all the set-up on a fresh machine:
#   make demo   create .venv, install everything (llama-cpp-python, spaCy model, local model), run the demo
#   make test   the same install, then the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test bench bench-accuracy lint format clean

install: $(STAMP)

# llama-cpp-python builds from source on first install (several minutes on 2 cores). On x86-64 it is
# built for any CPU with AVX2, not for this one: llama.cpp 0.3.36 built with -march=native crashed
# (segmentation fault in decode) on prompts of a few hundred tokens on an AVX-512 machine. Not from pip's
# wheel cache, which may hold a native build from another machine. CMAKE_ARGS set by the caller wins.
LLAMA_CMAKE_ARGS := $(if $(filter x86_64,$(shell uname -m)),-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON,)
CMAKE_ARGS ?= $(LLAMA_CMAKE_ARGS)
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	CMAKE_ARGS="$(CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(PY) -m pip install --quiet --no-cache-dir -e '.[dev,proxy]'
	touch $(STAMP)

demo: install
	$(VENV)/bin/privproxy demo

test: install
	$(PY) -m pytest -q

# Speed next to stock Presidio (benchmarks/speed.py) → benchmarks/results/speed.md, then cold
# start-up of the CLI and the package (benchmarks/startup.py) → benchmarks/results/startup.md.
bench: install
	$(PY) benchmarks/speed.py
	$(PY) benchmarks/startup.py

# Detection accuracy next to stock Presidio (benchmarks/accuracy.py); writes benchmarks/results/accuracy.md.
bench-accuracy: install
	$(PY) benchmarks/accuracy.py

lint: install
	$(VENV)/bin/ruff check privproxy tests benchmarks
	$(VENV)/bin/ruff format --check privproxy tests benchmarks
	$(VENV)/bin/mypy privproxy

format: install
	$(VENV)/bin/ruff check --fix privproxy tests benchmarks
	$(VENV)/bin/ruff format privproxy tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

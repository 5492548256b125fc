#!/usr/bin/env bash
# GPU check for the local tier: build llama-cpp-python with CUDA, run the embedded SmolLM2 GGUF with
# full offload (n_gpu_layers=-1), and print tokens/s next to the CPU figure on the same machine.
#
#   benchmarks/gpu_check.sh                       # a CUDA machine with pip access
#   LLAMA_SDIST=/path/llama_cpp_python.tar.gz MODEL=/path/model.gguf benchmarks/gpu_check.sh   # offline
#
# Env: PYTHON (default python3), CUDA_ARCH (default native; 90 for H100/H200), GPU_OUT (default
# .gpu-out), SKIP_BUILD=1 to reuse a wheel already built there.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
SDIST=${LLAMA_SDIST:-llama-cpp-python==0.3.36}
OUT=${GPU_OUT:-.gpu-out}
ARCH=${CUDA_ARCH:-native}
mkdir -p "$OUT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building llama-cpp-python with CUDA (arch $ARCH) from $SDIST ..."
  start=$(date +%s)
  CMAKE_ARGS="-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=$ARCH" CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) \
    "$PY" -m pip wheel --no-deps --no-build-isolation -w "$OUT/wheel" "$SDIST"
  echo "build took $(( $(date +%s) - start )) s"
  "$PY" -m pip install --quiet --no-deps --target "$OUT/site" --upgrade "$OUT"/wheel/llama_cpp_python-*.whl ${EXTRA_WHEELS:-}
fi
MODEL=${MODEL:-$("$PY" -c 'from privproxy._resources import embedded_gguf_path as p; print(p())')}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
PYTHONPATH="$OUT/site${PYTHONPATH:+:$PYTHONPATH}" "$PY" benchmarks/local_tokens.py --model "$MODEL" --gpu --json "$OUT/gpu_check.json"

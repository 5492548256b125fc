"""Tokens per second of a GGUF through llama-cpp-python: CPU, and with --gpu full offload too.

Standalone on purpose (only llama-cpp-python needed), so it runs on a GPU machine that has none of
privproxy's other dependencies. Prints one table; --json writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

N_BATCH = int(os.environ.get("N_BATCH", "0"))  # e.g. 16: see the GPU note in benchmarks/results/gpu.md
PROMPT = "Write a detailed, multi-paragraph story about a lighthouse keeper who finds a message in a bottle."


def measure(
    model: str,
    n_gpu_layers: int,
    runs: int,
    max_tokens: int,
    n_threads: int | None,
    flash_attn: bool | None = None,
) -> dict[str, object]:
    import numpy as np
    from llama_cpp import Llama, LogitsProcessorList

    options: dict[str, object] = {} if flash_attn is None else {"flash_attn": flash_attn}
    if N_BATCH:
        options.update(n_batch=N_BATCH, n_ubatch=N_BATCH)
    started = time.perf_counter()
    llama = Llama(
        model_path=model,
        n_ctx=2048,
        n_gpu_layers=n_gpu_layers,
        n_threads=n_threads,
        verbose=False,
        seed=1,
        **options,
    )
    load_s = time.perf_counter() - started
    eos = llama.token_eos()

    def no_eos(_ids: object, scores: np.ndarray) -> np.ndarray:
        scores[eos] = -np.inf  # always generate exactly max_tokens, so runs compare like for like
        return scores

    sample = llama.create_completion(PROMPT, max_tokens=24, temperature=0.0)["choices"][0]["text"]
    rates, tokens = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = llama.create_completion(
            PROMPT, max_tokens=max_tokens, temperature=0.0, logits_processor=LogitsProcessorList([no_eos])
        )
        elapsed = time.perf_counter() - t0
        n = out["usage"]["completion_tokens"]
        tokens.append(n)
        rates.append(n / elapsed)
    llama.close()
    return {
        "n_gpu_layers": n_gpu_layers,
        "flash_attn": flash_attn,
        "n_batch": N_BATCH or 512,
        "load_s": round(load_s, 2),
        "sample": sample[:80],
        "tokens": tokens,
        "tokens_per_s_median": round(statistics.median(rates), 1),
        "tokens_per_s_runs": [round(r, 1) for r in rates],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--gpu", action="store_true", help="also measure n_gpu_layers=-1")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    import llama_cpp

    results = [measure(args.model, 0, args.runs, args.max_tokens, args.threads)]
    if args.gpu:
        if not llama_cpp.llama_supports_gpu_offload():
            raise SystemExit(
                "this llama-cpp-python build has no GPU offload; build it with CMAKE_ARGS=-DGGML_CUDA=on"
            )
        results.append(measure(args.model, -1, args.runs, args.max_tokens, args.threads))
        results.append(measure(args.model, -1, args.runs, args.max_tokens, args.threads, flash_attn=False))
    report = {
        "model": os.path.basename(args.model),
        "llama_cpp_python": llama_cpp.__version__,
        "gpu_offload_supported": bool(llama_cpp.llama_supports_gpu_offload()),
        "cpu": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
        "results": results,
    }
    print(f"{'config':<22}{'tokens/s (median)':>20}{'runs':>28}{'load s':>10}")
    for row in results:
        label = "CPU (n_gpu_layers=0)" if row["n_gpu_layers"] == 0 else "GPU (n_gpu_layers=-1)"
        if row["flash_attn"] is False:
            label = "GPU, flash_attn off"
        print(
            f"{label:<22}{row['tokens_per_s_median']:>20}{row['tokens_per_s_runs']!s:>28}{row['load_s']:>10}"
        )
        print(f"    sample: {row['sample']!r}")
    for row in results[1:]:
        speedup = row["tokens_per_s_median"] / results[0]["tokens_per_s_median"]  # type: ignore[operator]
        print(f"GPU{'' if row['flash_attn'] is None else ' (flash_attn off)'} / CPU: {speedup:.1f}x")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=2)


if __name__ == "__main__":
    main()

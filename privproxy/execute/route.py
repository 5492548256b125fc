"""Sending a prepared request: to the closed model the caller asked for, or to a trusted local target.

Closed calls raise litellm's own exceptions unchanged (privproxy is a drop-in for litellm, and callers
keep their retry logic); local calls raise LocalModelError and never fall back to a closed model.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # never fetch the cost map

import httpx
import litellm

from ..errors import LocalModelError
from ..policy.schema import LocalTarget
from . import local_tools
from .local import PROVIDER, provider, register_provider

# Sampling settings that mean the same on a local model; nothing else (keys, URLs, headers) goes there.
_LOCAL_PARAMS = (
    "stream",
    "stream_options",
    "max_tokens",
    "max_completion_tokens",
    "temperature",
    "top_p",
    "stop",
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "timeout",
    "tools",
    "tool_choice",
    "functions",
    "function_call",
    "response_format",
)


@dataclass(frozen=True)
class Route:
    """Where a request goes: the litellm kwargs to call with, and whether it stays local."""

    kwargs: dict[str, Any]
    local: bool
    target: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def local_route(name: str, target: LocalTarget, request: dict[str, Any]) -> Route:
    """Kwargs for a trusted local target: the original messages and tools plus sampling settings only."""
    call_kwargs = {key: request[key] for key in _LOCAL_PARAMS if key in request}
    messages = request["messages"]
    call_kwargs["messages"] = messages
    if target.kind == "server":
        assert target.api_base is not None
        check_server(name, target.api_base)
        call_kwargs["model"] = f"openai/{target.model or 'local'}"
        call_kwargs["api_base"] = target.api_base
        call_kwargs["api_key"] = os.environ.get("PRIVPROXY_LOCAL_API_KEY", "no-key")
    else:
        register_provider()
        call_kwargs["model"] = provider.register(name, target)
        # Load now and check the context: a missing model or a too-long prompt fails before any call.
        call_kwargs["messages"] = provider.fit(
            target, messages, request.get("max_tokens"), local_tools.offered(request)
        )
    return Route(kwargs=call_kwargs, local=True, target=name)


_healthy: dict[str, float] = {}
_HEALTH_TTL = 5.0


def check_server(name: str, api_base: str, timeout: float = 2.0) -> None:
    """A trusted llama.cpp server must answer GET /models; else LocalModelError (never a fallback)."""
    now = time.monotonic()
    if now - _healthy.get(api_base, -_HEALTH_TTL) < _HEALTH_TTL:
        return
    url = api_base.rstrip("/") + "/models"
    try:
        response = httpx.get(url, timeout=timeout)
    except httpx.HTTPError as exc:
        raise LocalModelError(
            f"trusted local server '{name}' at {api_base} is not reachable ({type(exc).__name__}); "
            "start it with `privproxy local serve` or fix targets.trusted"
        ) from None
    if response.status_code >= 400:
        raise LocalModelError(
            f"trusted local server '{name}' at {api_base} answered HTTP {response.status_code}"
        )
    _healthy[api_base] = now


def call(route: Route) -> Any:
    """Run the request synchronously; returns litellm's ModelResponse or stream."""
    if not route.local:
        return litellm.completion(**route.kwargs)
    try:
        response = litellm.completion(**route.kwargs)
    except LocalModelError:
        raise
    except Exception as exc:
        raise _local_error(exc, route) from exc
    if route.kwargs.get("stream"):
        return _guard_local_stream(response, route)
    return response


async def call_async(route: Route) -> Any:
    """Run the request on the event loop; returns litellm's ModelResponse or async stream."""
    if not route.local:
        return await litellm.acompletion(**route.kwargs)
    try:
        response = await litellm.acompletion(**route.kwargs)
    except LocalModelError:
        raise
    except Exception as exc:
        raise _local_error(exc, route) from exc
    if route.kwargs.get("stream"):
        return _guard_local_astream(response, route)
    return response


def _guard_local_stream(stream: Any, route: Route) -> Iterator[Any]:
    try:
        yield from stream
    except LocalModelError:
        raise
    except Exception as exc:
        raise _local_error(exc, route) from exc


async def _guard_local_astream(stream: Any, route: Route) -> AsyncIterator[Any]:
    try:
        async for chunk in stream:
            yield chunk
    except LocalModelError:
        raise
    except Exception as exc:
        raise _local_error(exc, route) from exc


def _local_error(exc: BaseException, route: Route) -> LocalModelError:
    """litellm wraps our provider's errors; keep their message, drop litellm's prefix."""
    text = str(exc).split("\n", 1)[0]
    for prefix in ("litellm.APIConnectionError: ", "litellm.InternalServerError: ", "litellm.APIError: "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if route.kwargs.get("model", "").startswith(f"{PROVIDER}/") and text:
        return LocalModelError(
            text if "local model" in text else f"local model {route.target} failed: {text}"
        )
    return LocalModelError(f"local target {route.target} failed: {type(exc).__name__}")

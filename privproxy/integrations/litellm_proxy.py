"""privproxy as a LiteLLM Proxy guardrail: redact, route local, block, restore answers and streams.

Loaded from the proxy's config.yaml::

    guardrails:
      - guardrail_name: privproxy
        litellm_params:
          guardrail: privproxy.integrations.litellm_proxy.PrivacyGuardrail
          mode: [pre_call, post_call]
          default_on: true
          policy: policies/default.yaml      # optional; default: PRIVPROXY_POLICY or the embedded default
          audit_log: privproxy-audit.jsonl    # optional; default: PRIVPROXY_AUDIT_LOG

pre_call runs the same pipeline as `Guard.completion` (one policy snapshot per request): a "block"
decision is an HTTP 400 naming entity types and the request id; "redact" rewrites the request in
place; "local" points the request at the proxy deployment that serves the policy's trusted local
target (checked to really be that target). post_call puts real values back into answers, tool-call
arguments and streams (chunk by chunk). Any failure inside the guardrail refuses the request: it is
never forwarded unredacted. The placeholder mapping stays in this process's memory; it is never put
into the request's metadata, where LiteLLM's loggers would see it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException
from litellm.integrations.custom_guardrail import CustomGuardrail
from litellm.types.guardrails import GuardrailEventHooks
from pydantic import BaseModel

from ..errors import Blocked, LocalModelError, PrivProxyError, RequestError
from ..execute import Route
from ..execute.local import PROVIDER, provider, register_provider
from ..guard import Guard, Prepared
from ..policy import Action
from ..policy.schema import LocalTarget
from ..transform.restore import restore_text
from ..transform.stream import AsyncRestoringStream
from .events import AnthropicEvents, ResponsesEvents

log = logging.getLogger("privproxy.proxy")

_PENDING_MAX = 10_000
_PENDING_TTL_S = 3600.0
_ID_KEY = "privproxy_request_id"

# The LiteLLM Proxy's call types, by the request model privproxy reads them with.
KIND_OF = {
    "completion": "chat",
    "acompletion": "chat",
    "text_completion": "text",
    "atext_completion": "text",
    "embedding": "embedding",
    "aembedding": "embedding",
    "responses": "responses",
    "aresponses": "responses",
    "anthropic_messages": "anthropic",
    "aanthropic_messages": "anthropic",
}
# Keys the proxy itself puts into a request (auth, logging, routing; also any `litellm_*`,
# `_litellm*` and `user_api_key*` key); litellm never sends them to the provider. Everything else in
# the request is the client's and is read against privproxy's model.
PROXY_KEYS = frozenset(
    {
        "metadata",
        "proxy_server_request",
        "secret_fields",
        "guardrails",
        "tags",
        "mock_testing_fallbacks",
        "ttl",
    }
)


@dataclass
class _Pending:
    prepared: Prepared
    route: Route
    kind: str
    created: float


class PrivacyGuardrail(CustomGuardrail):
    """The LiteLLM Proxy guardrail: `guardrail: privproxy.integrations.litellm_proxy.PrivacyGuardrail`."""

    def __init__(
        self,
        policy: str | None = None,
        audit_log: str | None = None,
        guard: Guard | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("guardrail_name", "privproxy")
        kwargs.setdefault("event_hook", [GuardrailEventHooks.pre_call, GuardrailEventHooks.post_call])
        kwargs.setdefault("default_on", True)
        super().__init__(
            supported_event_hooks=[GuardrailEventHooks.pre_call, GuardrailEventHooks.post_call], **kwargs
        )
        self.guard = guard or Guard(policy=policy, audit_log=audit_log)
        self._pending: OrderedDict[str, _Pending] = OrderedDict()
        self._lock = threading.Lock()
        hooks = self.event_hook if isinstance(self.event_hook, list) else [self.event_hook]
        self._restores = any(str(getattr(h, "value", h)) == "post_call" for h in hooks)
        if not self._restores:
            log.warning(
                "privproxy guardrail runs without post_call: redacted answers will keep their placeholders"
            )
        self.guard.detector.analyze("Warm-up for John Smith, jane@example.org")  # load spaCy before traffic
        register_provider()
        for name, target in self.guard.policy.targets.trusted.items():
            if target.kind == "llama_cpp":
                provider.register(name, target)

    # -- pre_call -----------------------------------------------------------------------------
    async def async_pre_call_hook(
        self, user_api_key_dict: Any, cache: Any, data: dict, call_type: Any
    ) -> dict[str, Any]:
        try:
            return await asyncio.to_thread(self._pre_call, user_api_key_dict, data, str(call_type))
        except HTTPException:
            raise
        except Blocked as exc:
            raise _http(400, "privproxy_blocked", str(exc), exc.request_id, list(exc.entity_types)) from None
        except RequestError as exc:
            raise _http(400, "privproxy_invalid_request", str(exc)) from None
        except LocalModelError as exc:
            raise _http(503, "privproxy_local_unavailable", str(exc)) from None
        except PrivProxyError as exc:
            raise _http(500, "privproxy_error", f"the request was not sent: {exc}") from None
        except Exception as exc:  # fail closed: a fault in the guardrail never forwards the request
            log.error("privproxy guardrail failed (%s); request refused", type(exc).__name__)
            raise _http(
                500, "privproxy_error", f"the privacy guardrail failed ({type(exc).__name__}); not sent"
            ) from None

    def _pre_call(self, user_api_key_dict: Any, data: dict[str, Any], call_type: str) -> dict[str, Any]:
        guard = self.guard
        call_type = call_type.rsplit(".", 1)[-1]
        model = data.get("model")
        identity: dict[str, Any] = {"metadata": _context(user_api_key_dict, data)}
        if model is not None:
            identity["model"] = model
        context = guard.request_context(identity)
        if data.get("user") and context.user == str(data["user"]):
            context = dataclasses.replace(context, user_from_request=True)
        kind = KIND_OF.get(call_type)
        if kind is None:
            error = RequestError(
                f"privproxy cannot inspect '{call_type}' requests, so they are refused; "
                "supported: chat/completions, completions, embeddings, responses, messages"
            )
            guard.record_refusal(
                guard.snapshot, f"pp-{uuid.uuid4().hex}", context, time.perf_counter(), error
            )
            raise error
        skip = {
            key
            for key in data
            if key in PROXY_KEYS or key.startswith(("user_api_key", "litellm_", "_litellm"))
        }
        prepared = guard.prepare(
            data, kind=kind, skip=skip, context=context
        )  # Blocked / RequestError: audited
        guard.audit.check_writable()  # per request (one open/close): a broken audit path refuses before sending
        route = self._route(prepared, kind, data, skip)
        if self._restores:
            self._remember(prepared, route, kind, data)
        else:
            guard.record(prepared, route, outcome="forwarded")
        return data

    def _route(self, prepared: Prepared, kind: str, data: dict[str, Any], skip: set[str]) -> Route:
        decision = prepared.decision
        policy = prepared.snapshot.loaded.policy
        addressed_local = decision.target is not None and decision.target in policy.targets.trusted
        if decision.action is Action.local or addressed_local:
            name = decision.target or policy.targets.local
            route = Route(kwargs={}, local=True, target=name)
            try:
                if kind != "chat":
                    raise LocalModelError(
                        f"the policy sends this request to the local target '{name}', which serves chat "
                        "completions only; send it to /v1/chat/completions"
                    )
                data["model"] = self._deployment_for(name, policy.targets.trusted[name])
            except LocalModelError as exc:
                self.guard.record(prepared, route, outcome="error", error=exc)
                raise
            return route
        assert prepared.sanitized is not None  # allow / redact always have it
        # What is forwarded is the request rebuilt from what was scanned; the proxy's own keys stay.
        for key in [key for key in data if key not in skip]:
            if key in prepared.sanitized:
                data[key] = prepared.sanitized[key]
            else:
                del data[key]
        original = data.get("proxy_server_request")
        if isinstance(original, dict) and "body" in original:  # the proxy's loggers see this copy
            original["body"] = {**prepared.sanitized, "model": data.get("model")}
        return Route(kwargs={}, local=False, target=str(data.get("model")))

    def _deployment_for(self, name: str, target: LocalTarget) -> str:
        """The proxy model_name whose deployment really is the trusted target; else LocalModelError."""
        from litellm.proxy import proxy_server

        router = getattr(proxy_server, "llm_router", None)
        deployments = router.get_model_list() if router is not None else None
        if target.kind == "llama_cpp":
            wanted = provider.register(name, target)
            for deployment in deployments or []:
                params = deployment.get("litellm_params") or {}
                if params.get("model") == wanted:
                    return str(deployment["model_name"])
            raise LocalModelError(
                f"no proxy deployment serves the local target '{name}'; add to model_list: "
                f"{{model_name: {name}, litellm_params: {{model: {wanted}}}}} and register the provider "
                f"in custom_provider_map: [{{provider: {PROVIDER}, custom_handler: "
                "privproxy.execute.local.provider}]"
            )
        base = (target.api_base or "").rstrip("/")
        for deployment in deployments or []:
            params = deployment.get("litellm_params") or {}
            if str(params.get("api_base") or "").rstrip("/") == base:
                from ..execute.route import check_server

                check_server(name, base)
                return str(deployment["model_name"])
        raise LocalModelError(
            f"no proxy deployment points at the trusted local server '{name}' ({base}); add a model_list "
            f"entry with litellm_params.api_base: {base}"
        )

    # -- post_call ----------------------------------------------------------------------------
    async def async_post_call_success_hook(self, data: dict, user_api_key_dict: Any, response: Any) -> Any:
        pending = self._take(data)
        if pending is None:
            return response
        try:
            await asyncio.to_thread(self._finish, pending, response)
        except Blocked as exc:
            raise _http(400, "privproxy_blocked", str(exc), exc.request_id, list(exc.entity_types)) from None
        except Exception as exc:  # never hand back an answer we could not check
            log.error("privproxy could not restore an answer (%s)", type(exc).__name__)
            raise _http(500, "privproxy_error", f"answer handling failed ({type(exc).__name__})") from None
        return response

    def _finish(self, pending: _Pending, response: Any) -> None:
        if pending.kind == "chat" and hasattr(response, "choices"):
            self.guard.finish(pending.prepared, pending.route, response)
            return
        mapping = pending.prepared.redaction.mapping
        if mapping:
            restore_any(response, mapping)
        self.guard.record(pending.prepared, pending.route, outcome="ok")

    async def async_post_call_streaming_iterator_hook(
        self, user_api_key_dict: Any, response: Any, request_data: dict
    ) -> AsyncGenerator[Any, None]:
        pending = self._take(request_data)
        if pending is None:
            async for item in response:
                yield item
            return
        done = self.guard.stream_done(pending.prepared, pending.route)
        if pending.kind in ("responses", "anthropic"):
            async for item in self._events(pending, response, done):
                yield item
            return
        stream = AsyncRestoringStream(
            response, pending.prepared.redaction.mapping, done, pending.prepared.json_mode
        )
        async for chunk in stream:
            yield chunk

    async def _events(self, pending: _Pending, response: Any, done: Any) -> AsyncGenerator[Any, None]:
        """Responses API events (objects) or Anthropic SSE (bytes), restored block by block."""
        mapping = pending.prepared.redaction.mapping
        restorer: ResponsesEvents | AnthropicEvents
        restorer = (
            ResponsesEvents(mapping, restore_any)
            if pending.kind == "responses"
            else AnthropicEvents(mapping, restore_any)
        )
        error: BaseException | None = None
        try:
            async for item in response:
                if isinstance(restorer, AnthropicEvents) and isinstance(item, (bytes, bytearray, str)):
                    data = item.encode() if isinstance(item, str) else bytes(item)
                    out = restorer.feed(data)
                    if out:
                        yield out if isinstance(item, (bytes, bytearray)) else out.decode()
                elif isinstance(restorer, ResponsesEvents):
                    for event in restorer.feed(item):
                        yield event
                else:
                    restore_any(item, mapping)
                    yield item
            if isinstance(restorer, AnthropicEvents):
                tail = restorer.flush()
                if tail:
                    yield tail
            else:
                for event in restorer.flush():
                    yield event
        except BaseException as exc:
            error = exc
            raise
        finally:
            done(None if isinstance(error, GeneratorExit) else error, "".join(restorer.raw))

    async def async_post_call_failure_hook(
        self,
        request_data: dict,
        original_exception: Exception,
        user_api_key_dict: Any,
        traceback_str: str | None = None,
    ) -> None:
        pending = self._take(request_data)
        if pending is not None:
            await asyncio.to_thread(
                self.guard.record, pending.prepared, pending.route, "error", original_exception
            )
        return None

    # -- the in-memory request table -----------------------------------------------------------
    def _remember(self, prepared: Prepared, route: Route, kind: str, data: dict[str, Any]) -> None:
        for key in ("metadata", "litellm_metadata"):
            if isinstance(data.get(key), dict):
                data[key][_ID_KEY] = prepared.request_id
        if not any(isinstance(data.get(key), dict) for key in ("metadata", "litellm_metadata")):
            data["metadata"] = {_ID_KEY: prepared.request_id}
        now = time.monotonic()
        expired: list[_Pending] = []
        with self._lock:
            self._pending[prepared.request_id] = _Pending(prepared, route, kind, now)
            while self._pending:
                oldest = next(iter(self._pending.values()))
                if len(self._pending) <= _PENDING_MAX and now - oldest.created < _PENDING_TTL_S:
                    break
                expired.append(self._pending.popitem(last=False)[1])
        for item in expired:  # the proxy never reported back on these: record that, not silence
            self.guard.record(item.prepared, item.route, outcome="abandoned")

    def _take(self, data: Mapping[str, Any] | None) -> _Pending | None:
        request_id = None
        for key in ("metadata", "litellm_metadata"):
            section = (data or {}).get(key)
            if isinstance(section, Mapping) and section.get(_ID_KEY):
                request_id = section[_ID_KEY]
        if request_id is None:
            return None
        with self._lock:
            return self._pending.pop(request_id, None)


def restore_any(value: Any, mapping: Mapping[str, str]) -> None:
    """Restore placeholders in every text field of a response or event (dicts, lists, pydantic models)."""
    if isinstance(value, list):
        for item in value:
            restore_any(item, mapping)
        return
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, BaseModel):
        names = list(type(value).model_fields) + list(value.model_extra or {})
        items = [(name, getattr(value, name, None)) for name in names]
    else:
        return
    for key, item in items:
        if isinstance(item, str) and key in _TEXT_FIELDS:
            restored = restore_text(item, mapping, json_escape=key in ("arguments", "partial_json"))
            if restored == item:
                continue
            if isinstance(value, dict):
                value[key] = restored
            else:
                setattr(value, key, restored)
        elif key == "input" and isinstance(item, dict):
            _restore_leaves(item, mapping)
        elif isinstance(item, (dict, list, BaseModel)):
            restore_any(item, mapping)


_TEXT_FIELDS = frozenset({"text", "content", "arguments", "delta", "output_text", "thinking", "partial_json"})


def _restore_leaves(document: Any, mapping: Mapping[str, str]) -> Any:
    if isinstance(document, str):
        return restore_text(document, mapping)
    if isinstance(document, dict):
        for key, item in document.items():
            document[key] = _restore_leaves(item, mapping)
    elif isinstance(document, list):
        for index, item in enumerate(document):
            document[index] = _restore_leaves(item, mapping)
    return document


def _context(user_api_key_dict: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """Principal, team, key alias, tags and session from LiteLLM's key auth and request metadata."""
    metadata: dict[str, Any] = {}
    for key in ("metadata", "litellm_metadata"):
        section = data.get(key)
        if isinstance(section, Mapping):
            metadata.update({k: v for k, v in section.items() if isinstance(v, (str, int, bool, list))})
    context: dict[str, Any] = {
        k: v
        for k, v in metadata.items()
        if k in ("tags", "session", "team", "key_alias") or k.startswith("x_")
    }
    tags = data.get("tags") or metadata.get("tags")
    if isinstance(tags, list):
        context["tags"] = [str(tag) for tag in tags]
    session = metadata.get("session_id") or data.get("litellm_session_id")
    if session:
        context["session"] = str(session)
    user = getattr(user_api_key_dict, "user_id", None) or data.get("user")
    if user:
        context["user"] = str(user)
    team = getattr(user_api_key_dict, "team_alias", None) or getattr(user_api_key_dict, "team_id", None)
    if team:
        context["team"] = str(team)
    alias = getattr(user_api_key_dict, "key_alias", None)
    if alias:
        context["key_alias"] = str(alias)
    return context


def _http(
    status: int,
    kind: str,
    message: str,
    request_id: str | None = None,
    entity_types: list[str] | None = None,
) -> HTTPException:
    error: dict[str, Any] = {"type": kind, "message": message}
    if request_id:
        error["request_id"] = request_id
    if entity_types is not None:
        error["entity_types"] = entity_types
    return HTTPException(status_code=status, detail={"error": error})

"""The local route: real tokens from SmolLM2 through llama.cpp, sync, async and streaming; never a fallback."""

from __future__ import annotations

import json
from pathlib import Path

import litellm
import pytest
from conftest import audit_records, closed, write_policy

from privproxy import Guard, LocalModelError
from privproxy.testing import StandIn

pytestmark = pytest.mark.slow

HEALTH = "Patient has type 2 diabetes. Name one healthy breakfast."


def test_health_prompt_is_answered_locally(guard: Guard, upstream: StandIn, audit_path: Path) -> None:
    response = guard.completion(
        messages=[{"role": "user", "content": HEALTH}], max_tokens=24, **closed(upstream)
    )
    assert isinstance(response, litellm.ModelResponse)
    assert response.choices[0].message.content.strip()
    assert response.usage.completion_tokens > 0, "llama.cpp generated no tokens"
    assert upstream.requests == [], "a local request reached the closed upstream"
    [record] = audit_records(audit_path)
    assert (record["action"], record["route"], record["target"]) == (
        "local",
        "local",
        "privproxy-local/smollm2",
    )


def test_local_stream_yields_tokens_as_they_are_generated(guard: Guard, upstream: StandIn) -> None:
    stream = guard.completion(
        messages=[{"role": "user", "content": HEALTH}], max_tokens=16, stream=True, **closed(upstream)
    )
    pieces = [c.choices[0].delta.content for c in stream if c.choices and c.choices[0].delta.content]
    assert len(pieces) >= 3, "expected several token chunks"
    assert upstream.requests == []


async def test_local_async_and_async_stream(guard: Guard, upstream: StandIn) -> None:
    response = await guard.acompletion(
        messages=[{"role": "user", "content": HEALTH}], max_tokens=12, **closed(upstream)
    )
    assert response.choices[0].message.content.strip()
    stream = await guard.acompletion(
        messages=[{"role": "user", "content": HEALTH}], max_tokens=12, stream=True, **closed(upstream)
    )
    pieces = [c.choices[0].delta.content async for c in stream if c.choices and c.choices[0].delta.content]
    assert pieces
    assert upstream.requests == []


DEAD_MODEL = """
version: 1
name: dead-local
targets:
  local: privproxy-local/missing
  trusted:
    privproxy-local/missing: {kind: llama_cpp, model_path: /nonexistent/model.gguf}
actions: {default: redact, MEDICAL_CONDITION: local}
"""


def test_dead_local_model_raises_and_never_falls_back(tmp_path: Path, upstream: StandIn) -> None:
    audit_path = tmp_path / "audit.jsonl"
    guard = Guard(policy=write_policy(tmp_path, DEAD_MODEL), audit_log=audit_path)
    with pytest.raises(LocalModelError, match="not found"):
        guard.completion(messages=[{"role": "user", "content": HEALTH}], **closed(upstream))
    assert upstream.requests == []
    record = audit_records(audit_path)[-1]
    assert record["outcome"] == {"status": "error", "error": "LocalModelError"}


def test_prompt_too_long_for_local_context_is_refused(tmp_path: Path, upstream: StandIn) -> None:
    policy = DEAD_MODEL.replace("/nonexistent/model.gguf", "embedded, n_ctx: 256").replace("missing", "tiny")
    guard = Guard(policy=write_policy(tmp_path, policy), audit_log=tmp_path / "a.jsonl")
    long_prompt = HEALTH + " Details: " + "the patient reports feeling tired after meals. " * 80
    with pytest.raises(LocalModelError, match="too long"):
        guard.completion(messages=[{"role": "user", "content": long_prompt}], **closed(upstream))
    assert upstream.requests == []


WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
TOOL_TURNS = [
    {"role": "user", "content": "Patient has type 2 diabetes. Is it warm enough in Paris for a walk?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "c1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
            }
        ],
    },
    {"role": "tool", "tool_call_id": "c1", "content": "Sunny, 21C"},
]


def _answer_or_call(message: object) -> None:
    calls = getattr(message, "tool_calls", None) or []
    if calls:  # a tool call in litellm's shape, for a function that was offered, with JSON arguments
        assert calls[0].function.name == "get_weather" and isinstance(
            json.loads(calls[0].function.arguments), dict
        )
    else:
        assert (getattr(message, "content", "") or "").strip(), "neither an answer nor a tool call"


def test_tool_conversation_runs_on_the_local_route(guard: Guard, upstream: StandIn, audit_path: Path) -> None:
    response = guard.completion(messages=TOOL_TURNS, tools=[WEATHER], max_tokens=40, **closed(upstream))
    _answer_or_call(response.choices[0].message)
    assert upstream.requests == []
    assert audit_records(audit_path)[-1]["route"] == "local"
    stream = guard.completion(
        messages=TOOL_TURNS, tools=[WEATHER], max_tokens=40, stream=True, **closed(upstream)
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    calls = [t for c in chunks if c.choices for t in (c.choices[0].delta.tool_calls or [])]
    assert text.strip() or (calls and calls[0].function.name == "get_weather")


def test_the_local_fallback_reads_a_call_only_for_an_offered_function() -> None:
    from privproxy.execute import local_tools

    offered = local_tools.offered({"tools": [WEATHER]})
    call = local_tools.parse_call(
        '```json\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n```', offered
    )
    assert call is not None and json.loads(call["function"]["arguments"]) == {"city": "Oslo"}
    assert local_tools.parse_call('{"name": "rm_rf", "arguments": {}}', offered) is None
    assert local_tools.parse_call("It is sunny in Oslo.", offered) is None
    assert local_tools.offered({"tools": [WEATHER], "tool_choice": "none"}) == []
    rendered = local_tools.render(TOOL_TURNS, offered)
    assert [m["role"] for m in rendered] == ["system", "user", "assistant", "user"]
    assert all(isinstance(m["content"], str) for m in rendered)
    assert (
        "get_weather" in rendered[0]["content"] and "Result of get_weather: Sunny" in rendered[3]["content"]
    )

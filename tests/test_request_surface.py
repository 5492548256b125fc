"""What leaves is what was scanned: every field of every request is scanned, rewritten or refused.

Real litellm calls against the real OpenAI-compatible stand-in on 127.0.0.1, which records every
body, header and URL it receives; the canary must never be in any of them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import audit_records, closed, write_policy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privproxy import Blocked, Guard, RequestError
from privproxy.request import read_request
from privproxy.testing import StandIn

CANARY = "maria.garcia@example.com"
USER = {"role": "user", "content": "Summarise the attached notes, please."}


def tool_turns(arguments: str, name: str = "send_mail", call_id: str = "c") -> list[dict[str, Any]]:
    """A user turn, an assistant tool call with these arguments, and the tool's result."""
    call = {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
    return [
        USER,
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call_id, "content": "ok"},
    ]


def sent(upstream: StandIn) -> str:
    return upstream.received_everything()


def call(guard: Guard, upstream: StandIn, **request: Any) -> Any:
    request.setdefault("messages", [USER])
    return guard.completion(**closed(upstream), **request)


def refused_or_absent(guard: Guard, upstream: StandIn, audit: Path, **request: Any) -> str:
    """Send one request; the canary is refused or absent upstream, and the audit record says which."""
    before = len(audit_records(audit)) if audit.exists() else 0
    try:
        call(guard, upstream, **request)
        outcome = "sent"
    except RequestError:
        outcome = "refused"
    except Blocked:
        outcome = "blocked"
    assert CANARY not in sent(upstream)
    record = audit_records(audit)[before]
    if outcome == "refused":
        assert record["outcome"] == {"status": "error", "error": "RequestError"} and record["route"] == "none"
    elif outcome == "blocked":
        assert record["outcome"]["status"] == "blocked"
    else:
        assert record["action"] == "redact" and "EMAIL_ADDRESS" in record["findings"]
    assert CANARY not in json.dumps(record)
    return outcome


# -- the fields the issue listed, one by one (SDK) ----------------------------------------------
TOOL = {
    "type": "function",
    "function": {
        "name": "send_mail",
        "description": "Send mail",
        "parameters": {
            "type": "object",
            "properties": {"to": {"type": "string", "description": "recipient"}},
        },
    },
}


def with_tool(**change: Any) -> dict[str, Any]:
    tool = copy.deepcopy(TOOL)
    tool["function"].update(change)
    return tool


CASES: dict[str, dict[str, Any]] = {
    "tool description": {"tools": [with_tool(description=f"Mail {CANARY} by default")]},
    "schema description": {
        "tools": [
            with_tool(parameters={"type": "object", "properties": {"to": {"description": f"e.g. {CANARY}"}}})
        ]
    },
    "schema default": {
        "tools": [with_tool(parameters={"type": "object", "properties": {"to": {"default": CANARY}}})]
    },
    "schema enum": {
        "tools": [with_tool(parameters={"type": "object", "properties": {"to": {"enum": [CANARY, "x"]}}})]
    },
    "schema key": {
        "tools": [with_tool(parameters={"type": "object", "properties": {CANARY: {"type": "string"}}})]
    },
    "legacy functions": {"functions": [{"name": "send", "description": f"to {CANARY}", "parameters": {}}]},
    "tool name": {"tools": [with_tool(name=CANARY)]},
    "response_format schema": {
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": "contact",
                "schema": {
                    "type": "object",
                    "properties": {"email": {"examples": [CANARY], "description": CANARY}},
                },
            },
        }
    },
    "prediction": {"prediction": {"type": "content", "content": f"Dear {CANARY}"}},
    "user": {"user": CANARY},
    "message name": {"messages": [{"role": "user", "content": "hi", "name": CANARY}]},
    "assistant refusal": {
        "messages": [USER, {"role": "assistant", "content": None, "refusal": f"not for {CANARY}"}, USER]
    },
    "assistant reasoning": {
        "messages": [
            USER,
            {"role": "assistant", "content": "ok", "reasoning_content": f"mail {CANARY}"},
            USER,
        ]
    },
    "tool_call_id": {
        "messages": [
            USER,
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": CANARY, "type": "function", "function": {"name": "send_mail", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": CANARY, "content": "sent"},
        ]
    },
    "function_call as a string": {
        "messages": [USER, {"role": "assistant", "content": None, "function_call": CANARY}, USER]
    },
    "unknown message key": {"messages": [{"role": "user", "content": "hi", "note": CANARY}]},
    "unknown part key": {
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi", "note": CANARY}]}]
    },
    "audio transcript": {
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "input_audio",
                        "input_audio": {"data": "UklGRg==", "format": "wav", "transcript": f"I am {CANARY}"},
                    }
                ],
            }
        ]
    },
    "image url query": {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": {"url": f"https://img.example.net/a.png?u={CANARY}"}}
                ],
            }
        ]
    },
    "file name": {
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "file",
                        "file": {
                            "file_data": "data:application/pdf;base64,JVBERi0=",
                            "filename": f"{CANARY} notes.pdf",
                        },
                    }
                ],
            }
        ]
    },
    "extra_body messages": {"extra_body": {"messages": [{"role": "user", "content": CANARY}]}},
    "extra_body unknown": {"extra_body": {"note": CANARY}},
    "extra_headers content": {"extra_headers": {"X-Note": CANARY}},
    "unknown top-level": {"notes": CANARY},
    "duplicated argument key": {"messages": tool_turns(f'{{"email": "{CANARY}", "email": "none"}}')},
    "argument key": {"messages": tool_turns(json.dumps({CANARY: 1}), name="f")},
    "stop sequence": {"stop": [CANARY]},
    "web search location": {
        "web_search_options": {"user_location": {"type": "approximate", "approximate": {"city": CANARY}}}
    },
}

REFUSED = {
    "function_call as a string",
    "unknown message key",
    "unknown part key",
    "extra_body messages",
    "extra_body unknown",
    "extra_headers content",
    "unknown top-level",
    "duplicated argument key",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_canary_in_any_field_is_refused_or_redacted(
    case: str, guard: Guard, upstream: StandIn, audit_path: Path
) -> None:
    outcome = refused_or_absent(guard, upstream, audit_path, **copy.deepcopy(CASES[case]))
    assert outcome == ("refused" if case in REFUSED else "sent"), outcome
    if outcome == "refused":
        assert upstream.requests == []
        assert audit_records(audit_path)[-1]["refused"] or case in {
            "function_call as a string",
            "duplicated argument key",
        }


def test_refusal_names_the_field_never_the_value(guard: Guard, upstream: StandIn) -> None:
    with pytest.raises(RequestError) as refused:
        call(guard, upstream, extra_body={"messages": [{"role": "user", "content": CANARY}]})
    message = str(refused.value)
    assert "extra_body.messages" in message and CANARY not in message
    assert refused.value.refused == ["extra_body.messages"]


def test_a_policy_can_pass_or_scan_extra_fields(tmp_path: Path, upstream: StandIn) -> None:
    policy = write_policy(
        tmp_path,
        "version: 1\nname: extended\nactions: {default: redact}\n"
        "request:\n  pass: [extra_body.guided_choice]\n  scan: ['messages[].x_note']\n",
    )
    guard = Guard(policy=policy, audit_log=tmp_path / "a.jsonl", reload_interval=None)
    guard.completion(
        **closed(upstream),
        messages=[{"role": "user", "content": "hi", "x_note": f"from {CANARY}"}],
        extra_body={"guided_choice": ["yes", "no"]},
    )
    body = upstream.requests[-1]
    assert body["guided_choice"] == ["yes", "no"]
    assert body["messages"][0]["x_note"].startswith("from <EMAIL_ADDRESS_")


def test_json_arguments_are_scanned_with_their_keys_and_reserialised(guard: Guard, upstream: StandIn) -> None:
    with pytest.raises(Blocked):
        call(guard, upstream, messages=tool_turns(json.dumps({"password": "hunter2Xq!9zz"}), name="login"))
    assert upstream.requests == []
    call(guard, upstream, messages=tool_turns('{"to":   "' + CANARY + '", "n": 1.50}', name="f"))
    arguments = upstream.requests[-1]["messages"][1]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(arguments)["to"].startswith("<EMAIL_ADDRESS_") and '"n": 1.50' in arguments


def test_user_field_is_scanned_and_fingerprinted_in_the_audit(
    guard: Guard, upstream: StandIn, audit_path: Path
) -> None:
    call(guard, upstream, user=CANARY)
    assert upstream.requests[-1]["user"].startswith("<EMAIL_ADDRESS_")
    record = audit_records(audit_path)[-1]
    assert record["principal"]["user"].startswith("fp:") and CANARY not in json.dumps(record)
    assert record["scanned"]["user"] == 1 and record["scanned"]["content"] == 1


def test_metadata_is_read_not_forwarded(guard: Guard, upstream: StandIn, audit_path: Path) -> None:
    call(guard, upstream, metadata={"team": "support", "note": "internal"})
    assert "metadata" not in upstream.requests[-1] and "internal" not in sent(upstream)
    assert audit_records(audit_path)[-1]["principal"] == {"team": "support"}


# -- the canary property test: every kind, any path, any depth ---------------------------------
BASES: dict[str, dict[str, Any]] = {
    "chat": {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "hello"},
                    {"type": "image_url", "image_url": {"url": "https://e.net/a.png"}},
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "lookup", "arguments": '{"q": "x", "n": [1]}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "found"},
        ],
        "tools": [TOOL],
        "tool_choice": {"type": "function", "function": {"name": "send_mail"}},
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "r", "schema": {"type": "object"}},
        },
        "temperature": 0.2,
        "max_tokens": 20,
        "user": "u-1",
        "stop": ["END"],
    },
    "text": {"prompt": ["one", "two"], "suffix": "end", "max_tokens": 5},
    "embedding": {"input": ["alpha", "beta"], "dimensions": 8},
    "responses": {
        "instructions": "Be brief.",
        "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "hi"}]},
            {"type": "function_call", "call_id": "c1", "name": "lookup", "arguments": '{"q": "x"}'},
            {"type": "function_call_output", "call_id": "c1", "output": "done"},
        ],
        "tools": [{"type": "function", "name": "lookup", "parameters": {"type": "object"}}],
    },
    "anthropic": {
        "system": "Be brief.",
        "max_tokens": 10,
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "hi"}]},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "t1", "name": "lookup", "input": {"q": "x"}}],
            },
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "found"}]},
        ],
    },
}
SETTINGS = {
    "model",
    "api_key",
    "api_base",
    "base_url",
    "api_version",
    "organization",
    "custom_llm_provider",
    "deployment_id",
}


def _containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if isinstance(value, (dict, list)) else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _containers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _containers(item, (*path, index))
    return found


def _strings(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [path]
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        found += _strings(item, (*path, key))
    return found


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


@st.composite
def planted(draw: st.DrawFn) -> tuple[str, dict[str, Any], str]:
    """A valid request of some kind with the canary put somewhere: replacing a string, or in a new field."""
    kind = draw(st.sampled_from(sorted(BASES)))
    request = copy.deepcopy(BASES[kind])
    how = draw(st.sampled_from(["replace", "embed", "new key", "new nested key"]))
    strings = [p for p in _strings(request) if p and p[0] not in SETTINGS]
    if how in ("replace", "embed") and strings:
        path = draw(st.sampled_from(strings))
        parent = _at(request, path[:-1])
        parent[path[-1]] = CANARY if how == "replace" else f"{parent[path[-1]]} {CANARY}"
    else:
        containers = [p for p in _containers(request) if isinstance(_at(request, p), dict)]
        path = draw(st.sampled_from(containers))
        key = draw(st.sampled_from(["note", "extra_body", "metadata_x", "x_custom", "description", "input"]))
        value: Any = CANARY if how == "new key" else {"inner": [CANARY]}
        _at(request, path)[key] = value
    return kind, request, how


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(planted())
def test_the_canary_is_refused_or_never_leaves_every_kind(
    guard: Guard, upstream: StandIn, planted: tuple[str, dict[str, Any], str]
) -> None:
    kind, request, _ = planted
    if kind == "chat":  # the SDK: a real litellm call against the stand-in
        before = len(upstream.requests)
        try:
            guard.completion(**closed(upstream), **request)
        except (RequestError, Blocked):
            assert len(upstream.requests) == before
        assert CANARY not in sent(upstream)
        return
    # The proxy's other request kinds go through the same prepare(); what it would forward is rebuilt.
    try:
        prepared = guard.prepare({**request, "model": "gpt-4o"}, kind=kind, dry_run=True)
    except (RequestError, Blocked):
        return
    assert prepared.sanitized is None or CANARY not in json.dumps(prepared.sanitized)


def test_reading_and_rebuilding_unchanged_is_the_identity() -> None:
    for kind, base in BASES.items():
        request = copy.deepcopy(base)
        assert read_request(kind, request).rebuild() == request, kind

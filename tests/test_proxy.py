"""The LiteLLM Proxy guardrail, end to end with real processes.

One real `privproxy serve` (the stock LiteLLM Proxy plus privproxy's guardrail and local model)
runs on 127.0.0.1 for the module, in front of a real OpenAI-compatible stand-in that records every
request it receives. Clients are the official `openai` package and raw HTTP (httpx).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from conftest import MASTER_KEY, REPO, audit_records, privproxy_serve
from hypothesis import HealthCheck, given, settings
from test_request_surface import planted

from privproxy.policy.loader import portable_policy_text
from privproxy.testing import StandIn

pytestmark = pytest.mark.timeout(300)

EMAIL = "jane.doe@example.org"
PHONE = "+1 415 555 0132"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq0\n-----END RSA PRIVATE KEY-----"

POLICY = portable_policy_text(
    REPO / "policies" / "default.yaml"
).replace(  # the copy lives in a temporary folder
    "rules: []",
    """rules:
  - id: legal-names-local
    when: {tags: [legal]}
    actions: {PERSON: local}""",
)
POLICY = POLICY.replace("  min_score: 0.4\n", "  min_score: 0.4\n  max_chars: 6000\n")


class Proxy:
    def __init__(self, url: str, upstream: StandIn, audit: Path, log: Path) -> None:
        self.url = url
        self.upstream = upstream
        self.audit = audit
        self.log = log

    def client(self) -> openai.OpenAI:
        return openai.OpenAI(base_url=f"{self.url}/v1", api_key=MASTER_KEY, max_retries=0, timeout=120)

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(
            f"{self.url}{path}", json=body, headers={"Authorization": f"Bearer {MASTER_KEY}"}, timeout=120
        )

    def sent(self) -> str:
        """Everything the upstream (the 'closed API') has received, as one string."""
        return self.upstream.received_text()


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    work = tmp_path_factory.mktemp("proxy")
    with StandIn(chunk_size=3) as upstream:
        (work / "policy.yaml").write_text(POLICY)
        base = {
            "model_list": [
                {
                    "model_name": name,
                    "litellm_params": {
                        "model": f"openai/{name}",
                        "api_base": upstream.api_base,
                        "api_key": "sk-stand-in",
                    },
                }
                for name in ("gpt-4o", "text-embedding-3-small")
            ]
        }
        serve_args = ["--policy", str(work / "policy.yaml"), "--audit-log", str(work / "audit.jsonl")]
        with privproxy_serve(work, base["model_list"], *serve_args) as (url, _, log):
            yield Proxy(url, upstream, work / "audit.jsonl", log)


@pytest.fixture
def fresh(proxy: Proxy) -> Proxy:
    proxy.upstream.requests.clear()
    proxy.upstream.chunk_delay = 0.0
    return proxy


def test_chat_is_redacted_for_the_upstream_and_restored_for_the_client(fresh: Proxy) -> None:
    answer = fresh.client().chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": f"Escalations go to {EMAIL}."},
            {"role": "user", "content": f"Draft a note asking the customer to call {PHONE}."},
        ],
    )
    sent = fresh.sent()
    assert len(fresh.upstream.requests) == 1
    assert EMAIL not in sent and "555 0132" not in sent
    assert "<EMAIL_ADDRESS_" in sent and "<PHONE_NUMBER_" in sent
    assert answer.choices[0].message.content == f"You said: Draft a note asking the customer to call {PHONE}."


def test_stream_is_restored_chunk_by_chunk_before_the_upstream_finishes(fresh: Proxy) -> None:
    warm = fresh.client().chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "warm up"}], stream=True
    )
    assert "".join(c.choices[0].delta.content or "" for c in warm if c.choices) == "You said: warm up"
    fresh.upstream.chunk_delay = 0.05  # 3 characters every 50 ms: the whole answer takes ~2 s
    prompt = f"Please forward the quarterly summary and all attached figures to {EMAIL} before Friday noon."
    started = time.monotonic()
    first_at = None
    pieces = []
    stream = fresh.client().chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": prompt}], stream=True
    )
    for chunk in stream:
        text = chunk.choices[0].delta.content if chunk.choices else None
        if text:
            first_at = first_at or time.monotonic() - started
            pieces.append(text)
    total = time.monotonic() - started
    assert "".join(pieces) == f"You said: {prompt}"
    assert EMAIL not in fresh.sent()
    assert first_at is not None and first_at < total / 3, (first_at, total)
    assert len(pieces) > 20  # not buffered into one block


def test_tool_calls_both_ways(fresh: Proxy) -> None:
    tools = [{"type": "function", "function": {"name": "send", "parameters": {"type": "object"}}}]
    messages = [
        {"role": "user", "content": "Who handles escalations?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "lookup", "arguments": json.dumps({"email": EMAIL})},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": f"Phone on file: {PHONE}"},
        {"role": "user", "content": f"Send it to {EMAIL}"},
    ]
    for stream in (False, True):
        fresh.upstream.requests.clear()
        if stream:
            arguments = ""
            for chunk in fresh.client().chat.completions.create(
                model="gpt-4o", messages=messages, tools=tools, stream=True
            ):
                for call in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
                    arguments += call.function.arguments or ""
        else:
            answer = fresh.client().chat.completions.create(model="gpt-4o", messages=messages, tools=tools)
            arguments = answer.choices[0].message.tool_calls[0].function.arguments
        assert json.loads(arguments) == {"text": f"Send it to {EMAIL}"}
        sent = fresh.sent()
        assert EMAIL not in sent and "555 0132" not in sent


def test_one_value_one_placeholder_across_messages_and_turns(fresh: Proxy) -> None:
    client = fresh.client()
    for turn in range(2):
        client.chat.completions.create(
            model="gpt-4o",
            messages=[
                {"role": "user", "content": f"My address is {EMAIL}"},
                {"role": "assistant", "content": "Noted."},
                {"role": "user", "content": f"Repeat {EMAIL} back" + " please" * turn},
            ],
        )
    placeholders = {
        token
        for body in fresh.upstream.requests
        for message in body["messages"]
        for token in message["content"].split()
        if token.startswith("<EMAIL_ADDRESS_")
    }
    assert len(placeholders) == 1  # the same token in every message of both turns


def test_embeddings_input_is_redacted(fresh: Proxy) -> None:
    result = fresh.client().embeddings.create(
        model="text-embedding-3-small", input=[f"Contact {EMAIL}", "hello"]
    )
    assert len(result.data) == 2
    body = fresh.upstream.requests[-1]
    assert EMAIL not in json.dumps(body) and body["input"][0].startswith("Contact <EMAIL_ADDRESS_")


@pytest.mark.parametrize("stream", [False, True])
def test_completions_responses_and_messages_endpoints(fresh: Proxy, stream: bool) -> None:
    prompt = f"Write to {EMAIL}"
    expected = f"You said: {prompt}"
    text = fresh.client().completions.create(model="gpt-4o", prompt=prompt, stream=stream)
    got = "".join(c.choices[0].text or "" for c in text if c.choices) if stream else text.choices[0].text
    assert got == expected
    response = fresh.client().responses.create(model="gpt-4o", input=prompt, stream=stream)
    if stream:
        got = "".join(e.delta for e in response if e.type == "response.output_text.delta")
    else:
        got = response.output_text
    assert got == expected
    messages = fresh.post(
        "/v1/messages",
        {
            "model": "gpt-4o",
            "max_tokens": 64,
            "stream": stream,
            "messages": [{"role": "user", "content": prompt}],
        },
    )
    assert messages.status_code == 200, messages.text
    if stream:
        deltas = [
            json.loads(line[5:])["delta"]
            for line in messages.text.splitlines()
            if line.startswith("data:") and '"content_block_delta"' in line
        ]
        got = "".join(d.get("text", "") for d in deltas)
    else:
        got = "".join(b["text"] for b in messages.json()["content"] if b["type"] == "text")
    assert got == expected
    assert len(fresh.upstream.requests) == 3
    assert EMAIL not in fresh.sent()


def test_blocked_request_gets_400_with_types_and_request_id_but_no_values(fresh: Proxy) -> None:
    response = fresh.post(
        "/v1/chat/completions",
        {"model": "gpt-4o", "messages": [{"role": "user", "content": f"Why does this fail?\n{PEM}"}]},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    detail = error.get("provider_specific_fields", {}).get("error") or error
    assert detail["type"] == "privproxy_blocked"
    assert detail["entity_types"] == ["PRIVATE_KEY"]
    assert detail["request_id"].startswith("pp-")
    assert "MIIEowIBAAKCAQEA7bq0" not in response.text
    assert fresh.upstream.requests == []
    record = next(r for r in audit_records(fresh.audit) if r["request_id"] == detail["request_id"])
    assert record["action"] == "block" and record["route"] == "none"


def test_health_data_is_answered_by_the_local_model_and_never_reaches_the_upstream(fresh: Proxy) -> None:
    answer = fresh.client().chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "The patient has type 2 diabetes. Say one word."}],
        max_tokens=8,
    )
    assert answer.choices[0].message.content.strip()
    assert answer.usage.completion_tokens > 0  # real tokens from SmolLM2
    assert fresh.upstream.requests == []
    record = audit_records(fresh.audit)[-1]
    assert record["route"] == "local" and record["target"] == "privproxy-local/smollm2"
    assert record["principal"]  # who asked: LiteLLM's key auth
    assert "MEDICAL_CONDITION" in record["findings"]


def test_scoped_rule_by_tag_routes_local(fresh: Proxy) -> None:
    prompt = "Summarise the complaint John Smith sent us yesterday, in one word."
    fresh.client().chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=8,
        extra_body={"metadata": {"tags": ["legal"]}},
    )
    assert fresh.upstream.requests == []
    assert audit_records(fresh.audit)[-1]["rules"] == ["legal-names-local"]
    fresh.client().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
    assert len(fresh.upstream.requests) == 1 and "John Smith" not in fresh.sent()


def test_uninspectable_requests_are_refused(fresh: Proxy) -> None:
    image = fresh.post("/v1/images/generations", {"model": "gpt-4o", "prompt": f"A card for {EMAIL}"})
    assert image.status_code >= 400
    parts = fresh.post(
        "/v1/chat/completions",
        {"model": "gpt-4o", "messages": [{"role": "user", "content": [{"type": "hologram", "data": EMAIL}]}]},
    )
    assert parts.status_code == 400 and "hologram" in parts.text
    tokens = fresh.post("/v1/completions", {"model": "gpt-4o", "prompt": [[1, 2, 3]]})
    assert tokens.status_code == 400
    assert fresh.upstream.requests == []
    assert EMAIL not in parts.text


CANARY = "maria.garcia@example.com"
_CHAT = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Summarise the notes."}]}
_TOOL = {"type": "function", "function": {"name": "send_mail", "description": "Send mail", "parameters": {}}}
PROXY_CASES: dict[str, tuple[dict[str, Any], bool]] = {  # request, refused?
    "top-level extra_body messages": (
        {**_CHAT, "extra_body": {"messages": [{"role": "user", "content": CANARY}]}},
        True,
    ),
    "unknown top-level field": ({**_CHAT, "note": CANARY}, True),
    "unknown message key": (
        {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi", "note": CANARY}]},
        True,
    ),
    "duplicated argument key": (
        {
            "model": "gpt-4o",
            "messages": [
                {"role": "user", "content": "send it"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c",
                            "type": "function",
                            "function": {
                                "name": "send_mail",
                                "arguments": f'{{"to": "{CANARY}", "to": "x"}}',
                            },
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "c", "content": "ok"},
            ],
        },
        True,
    ),
    "tool description": (
        {**_CHAT, "tools": [{**_TOOL, "function": {**_TOOL["function"], "description": f"to {CANARY}"}}]},
        False,
    ),
    "schema enum": (
        {
            **_CHAT,
            "tools": [
                {
                    **_TOOL,
                    "function": {
                        **_TOOL["function"],
                        "parameters": {"properties": {"to": {"enum": [CANARY]}}},
                    },
                }
            ],
        },
        False,
    ),
    "user": ({**_CHAT, "user": CANARY}, False),
    "message name": (
        {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi", "name": CANARY}]},
        False,
    ),
    "response_format": (
        {
            **_CHAT,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "r", "schema": {"properties": {"e": {"description": CANARY}}}},
            },
        },
        False,
    ),
}


@pytest.mark.parametrize("case", sorted(PROXY_CASES))
def test_every_field_is_scanned_or_refused_through_the_proxy(fresh: Proxy, case: str) -> None:
    body, refused = PROXY_CASES[case]
    response = fresh.post("/v1/chat/completions", body)
    assert CANARY not in fresh.upstream.received_everything()
    record = audit_records(fresh.audit)[-1]
    assert CANARY not in json.dumps(record)
    if refused:
        assert response.status_code == 400, response.text
        assert (
            response.json()["error"]["type"].endswith("privproxy_invalid_request")
            or "privproxy" in response.text
        )
        assert CANARY not in response.text
        assert fresh.upstream.requests == []
        assert record["outcome"] == {"status": "error", "error": "RequestError"}
    else:
        assert response.status_code == 200, response.text
        assert len(fresh.upstream.requests) == 1 and "<EMAIL_ADDRESS_" in fresh.sent()
        assert "EMAIL_ADDRESS" in record["findings"]


_ENDPOINTS = {
    "chat": "/v1/chat/completions",
    "text": "/v1/completions",
    "embedding": "/v1/embeddings",
    "responses": "/v1/responses",
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(planted())
def test_the_canary_is_refused_or_never_leaves_through_the_proxy(
    fresh: Proxy, planted: tuple[str, dict[str, Any], str]
) -> None:
    kind, request, _ = planted
    if kind not in _ENDPOINTS:
        return  # Anthropic Messages go to an Anthropic upstream, which the stand-in is not
    for key in ("api_key", "api_base", "base_url"):
        request.pop(key, None)
    model = "text-embedding-3-small" if kind == "embedding" else "gpt-4o"
    before = len(fresh.upstream.requests)
    response = fresh.post(_ENDPOINTS[kind], {**request, "model": model})
    assert CANARY not in fresh.upstream.received_everything()
    if response.status_code >= 400:
        assert len(fresh.upstream.requests) == before
    record = audit_records(fresh.audit)[-1]
    assert CANARY not in json.dumps(record)


def test_guardrail_faults_never_leak_and_the_proxy_keeps_serving(fresh: Proxy) -> None:
    too_long = f"Contact {EMAIL}. " + "Lorem ipsum dolor sit amet. " * 300  # over detection.max_chars
    response = fresh.post(
        "/v1/chat/completions", {"model": "gpt-4o", "messages": [{"role": "user", "content": too_long}]}
    )
    assert response.status_code >= 400 and EMAIL not in response.text
    assert fresh.upstream.requests == []
    # The audit log becomes unwritable (a directory where the file was): refuse before sending.
    backup = fresh.audit.with_suffix(".bak")
    shutil.move(fresh.audit, backup)
    fresh.audit.mkdir()
    try:
        broken = fresh.post(
            "/v1/chat/completions",
            {"model": "gpt-4o", "messages": [{"role": "user", "content": f"Mail {EMAIL}"}]},
        )
        assert broken.status_code == 500 and "privproxy" in broken.text and EMAIL not in broken.text
        assert fresh.upstream.requests == []
    finally:
        fresh.audit.rmdir()
        shutil.move(backup, fresh.audit)
    ok = fresh.client().chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": f"Mail {EMAIL}"}]
    )
    assert ok.choices[0].message.content == f"You said: Mail {EMAIL}"
    assert EMAIL not in fresh.sent()


def test_proxy_audit_log_is_intact_and_value_free(proxy: Proxy) -> None:
    text = proxy.audit.read_text()
    assert EMAIL not in text and "555 0132" not in text and "John Smith" not in text
    result = subprocess.run(
        [str(Path(sys.executable).with_name("privproxy")), "audit", "verify", str(proxy.audit)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    log = proxy.log.read_text()
    assert EMAIL not in log and "MIIEowIBAAKCAQEA7bq0" not in log

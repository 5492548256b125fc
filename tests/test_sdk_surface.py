"""The developer's front door: module-level completion, scoped rules, trusted server targets, TTFT."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import audit_records, closed, write_policy

import privproxy
from privproxy import Guard
from privproxy.testing import StandIn

PROMPT = "Write to Maria Garcia at maria.garcia@example.com about the refund."


def test_module_level_completion_uses_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = write_policy(
        tmp_path, "version: 1\nname: from-env\nactions: {default: redact, EMAIL_ADDRESS: block}\n"
    )
    audit_path = tmp_path / "env-audit.jsonl"
    monkeypatch.setenv("PRIVPROXY_POLICY", str(policy))
    monkeypatch.setenv("PRIVPROXY_AUDIT_LOG", str(audit_path))
    monkeypatch.setattr(privproxy, "_default_guard", None)
    with StandIn() as upstream:
        with pytest.raises(privproxy.Blocked) as blocked:
            privproxy.completion(messages=[{"role": "user", "content": PROMPT}], **closed(upstream))
        assert upstream.requests == []
        answer = privproxy.completion(
            messages=[{"role": "user", "content": "Call John Smith"}], **closed(upstream)
        )
        assert answer.choices[0].message.content == "You said: Call John Smith"
    assert "EMAIL_ADDRESS" in blocked.value.entity_types
    records = audit_records(audit_path)
    assert [r["policy"]["name"] for r in records] == ["from-env", "from-env"]


async def test_module_level_acompletion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVPROXY_AUDIT_LOG", str(tmp_path / "a.jsonl"))
    monkeypatch.delenv("PRIVPROXY_POLICY", raising=False)
    monkeypatch.setattr(privproxy, "_default_guard", None)
    with StandIn() as upstream:
        answer = await privproxy.acompletion(
            messages=[{"role": "user", "content": PROMPT}], **closed(upstream)
        )
        assert "maria.garcia@example.com" not in upstream.received_text()
    assert answer.choices[0].message.content == f"You said: {PROMPT}"


SCOPED = """
version: 1
name: scoped
targets:
  local: privproxy-local/smollm2
  trusted:
    privproxy-local/smollm2: {kind: llama_cpp}
    lab-server/llama: {kind: server, api_base: "%s", model: llama}
actions: {default: redact}
rules:
  - id: legal-person-local
    when: {team: legal}
    actions: {PERSON: local}
  - id: gpt-no-email
    when: {model: "*/gpt-*"}
    actions: {EMAIL_ADDRESS: block}
"""


def test_scoped_rules_match_team_and_model_glob(tmp_path: Path) -> None:
    guard = Guard(
        policy=write_policy(tmp_path, SCOPED % "http://127.0.0.1:9/v1"), audit_log=tmp_path / "a.jsonl"
    )
    by_team = guard.inspect("Call John Smith tomorrow", team="legal", model="anthropic/claude-x")
    assert by_team.action == "local" and by_team.decision.rules == ("legal-person-local",)
    other_team = guard.inspect("Call John Smith tomorrow", team="sales", model="anthropic/claude-x")
    assert other_team.action == "redact" and other_team.decision.rules == ()
    gpt = guard.inspect("mail jane@example.org", model="openai/gpt-4o")
    assert gpt.action == "block" and gpt.decision.rules == ("gpt-no-email",)


def test_trusted_server_target_receives_local_requests(tmp_path: Path) -> None:
    # The stand-in plays a llama.cpp server inside the environment; the closed upstream must see nothing.
    with StandIn() as local_server, StandIn() as upstream:
        policy = SCOPED % local_server.api_base
        policy = policy.replace("local: privproxy-local/smollm2", "local: lab-server/llama")
        guard = Guard(policy=write_policy(tmp_path, policy), audit_log=tmp_path / "a.jsonl")
        answer = guard.completion(
            messages=[{"role": "user", "content": "Call John Smith"}],
            metadata={"team": "legal"},
            **closed(upstream),
        )
        assert upstream.requests == []
        assert local_server.requests[0]["messages"][0]["content"] == "Call John Smith"
        assert local_server.requests[0]["model"] == "llama"
        assert answer.choices[0].message.content == "You said: Call John Smith"
    [record] = audit_records(tmp_path / "a.jsonl")
    assert (record["route"], record["target"]) == ("local", "lab-server/llama")


def test_first_restored_chunk_arrives_before_the_upstream_finishes(guard: Guard) -> None:
    # Order, not wall time: the first restored piece must reach the caller while the upstream is
    # still writing its stream (a guard that buffered the whole answer would hand it over only
    # after the last event). Timing bounds failed on a loaded CI machine; this cannot.
    prompt = "Please confirm the booking for Maria Garcia. " + "Thanks a lot for the help. " * 6
    with StandIn(chunk_size=4, chunk_delay=0.04) as upstream:
        stream = guard.completion(
            messages=[{"role": "user", "content": prompt}], stream=True, **closed(upstream)
        )
        finished_at_first: int | None = None
        pieces = []
        for chunk in stream:
            content = chunk.choices[0].delta.content if chunk.choices else None
            if content and finished_at_first is None:
                finished_at_first = upstream.streams_finished
            pieces.append(content or "")
        finished_at_end = upstream.streams_finished
    assert "".join(pieces) == f"You said: {prompt}"
    assert finished_at_first == 0 and finished_at_end == 1, (finished_at_first, finished_at_end)

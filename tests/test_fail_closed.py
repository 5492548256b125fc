"""Fail closed: when detection, the policy or the audit log fails, nothing reaches the closed upstream."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from conftest import audit_records, closed, write_policy

from privproxy import AuditError, DetectionError, Guard, PolicyError, RequestError
from privproxy.testing import StandIn

PROMPT = "Write to Maria Garcia at maria.garcia@example.com about the refund."


def _explode(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("recognizer crashed")


def test_detection_error_blocks_by_default(
    guard: Guard, upstream: StandIn, audit_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(guard.detector.analyzer, "analyze", _explode)
    with pytest.raises(DetectionError):
        guard.completion(messages=[{"role": "user", "content": PROMPT}], **closed(upstream))
    assert upstream.requests == []
    [record] = audit_records(audit_path)
    assert record["action"] == "block"
    assert record["outcome"] == {"status": "error", "error": "DetectionError"}
    assert "Maria" not in audit_path.read_text()


@pytest.mark.slow
def test_detection_error_goes_local_when_policy_says_so(
    tmp_path: Path, upstream: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = write_policy(tmp_path, "version: 1\nname: to-local\non_error: local\n")
    audit_path = tmp_path / "audit.jsonl"
    guard = Guard(policy=policy, audit_log=audit_path)
    monkeypatch.setattr(guard.detector.analyzer, "analyze", _explode)
    response = guard.completion(
        messages=[{"role": "user", "content": PROMPT}], max_tokens=8, **closed(upstream)
    )
    assert response.choices[0].message.content is not None
    assert upstream.requests == []
    [record] = audit_records(audit_path)
    assert record["route"] == "local" and record["rules"] == ["on_error"]
    assert record["outcome"]["detection_error"] == "DetectionError"


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("version: 1\nname: x\nactions:\n  default: redact\n  PERSON: shred\n", 5, "PERSON"),
        ("version: 1\nname: x\nactions:\n  default: redact\n PERSON: local\n", 5, "YAML"),
        ("version: 1\nname: x\ndetection:\n  min_scor: 0.3\n", 4, "unknown key 'min_scor'"),
        (
            "version: 1\nname: x\nactions:\n  default: redact\n  NOT_A_TYPE: block\n",
            5,
            "unknown entity type 'NOT_A_TYPE'",
        ),
        ("version: 1\nname: x\ntargets:\n  local: elsewhere/model\n", 3, "not listed under targets.trusted"),
        ("- just\n- a list\n", 1, "mapping"),
    ],
)
def test_broken_policy_names_file_and_line(tmp_path: Path, text: str, line: int, needle: str) -> None:
    path = write_policy(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        Guard(policy=path, audit_log=tmp_path / "a.jsonl")
    error = caught.value
    assert error.file == str(path)
    assert error.line == line, str(error)
    assert needle in str(error)
    assert str(error).startswith(f"{path}:{line}")


def test_missing_policy_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="policy file not found"):
        Guard(policy=tmp_path / "nope.yaml", audit_log=tmp_path / "a.jsonl")


def test_unwritable_audit_log_refuses_before_sending(tmp_path: Path, upstream: StandIn) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the audit folder should be")
    guard = Guard(audit_log=blocker / "audit.jsonl")
    with pytest.raises(AuditError):
        guard.completion(messages=[{"role": "user", "content": PROMPT}], **closed(upstream))
    assert upstream.requests == []


MALFORMED: list[tuple[dict[str, Any], str]] = [
    ({}, "no 'messages'"),
    ({"messages": "hello"}, "must be a list"),
    ({"messages": []}, "empty"),
    ({"messages": ["hello"]}, r"messages\[0\] must be an object"),
    ({"messages": [{"role": "wizard", "content": "x"}]}, r"messages\[0\].role"),
    ({"messages": [{"role": "user", "content": 42}]}, r"messages\[0\].content must be a string or a list"),
    (
        {"messages": [{"role": "user", "content": [{"type": "hologram", "data": "x"}]}]},
        "unknown content part type 'hologram'",
    ),
    (
        {"messages": [{"role": "user", "content": [{"type": "text", "text": 3}]}]},
        r"content\[0\].text must be a string",
    ),
    ({"messages": [{"role": "assistant", "tool_calls": {"id": 1}}]}, "tool_calls must be a list"),
    (
        {"messages": [{"role": "assistant", "tool_calls": [{"function": {"arguments": {"a": 1}}}]}]},
        "JSON string",
    ),
]


@pytest.mark.parametrize(("kwargs", "message"), MALFORMED)
def test_malformed_requests_fail_before_any_network_call(
    guard: Guard, upstream: StandIn, kwargs: dict[str, Any], message: str
) -> None:
    target = closed(upstream)
    with pytest.raises(RequestError, match=message):
        guard.completion(**{**target, **kwargs})
    assert upstream.requests == []


def test_request_errors_never_echo_free_text(guard: Guard, upstream: StandIn) -> None:
    secret = "Maria Garcia maria.garcia@example.com"
    for message in ({"role": secret, "content": "x"}, {"role": "user", "content": [{"type": secret}]}):
        with pytest.raises(RequestError) as caught:
            guard.completion(messages=[message], **closed(upstream))
        assert "Maria" not in str(caught.value) and "not shown" in str(caught.value)
    assert upstream.requests == []


def test_missing_model_is_a_request_error(guard: Guard, upstream: StandIn) -> None:
    with pytest.raises(RequestError, match="no 'model'"):
        guard.completion(messages=[{"role": "user", "content": "hi"}], api_base=upstream.api_base)
    assert upstream.requests == []


def test_oversized_request_is_refused_before_detection(tmp_path: Path, upstream: StandIn) -> None:
    policy = write_policy(tmp_path, "version: 1\nname: small\ndetection: {max_chars: 200}\n")
    audit_path = tmp_path / "a.jsonl"
    guard = Guard(policy=policy, audit_log=audit_path)
    with pytest.raises(DetectionError, match="max_chars"):
        guard.completion(messages=[{"role": "user", "content": "x " * 150}], **closed(upstream))
    assert upstream.requests == []
    assert audit_records(audit_path)[-1]["outcome"] == {"status": "error", "error": "DetectionError"}


def test_detection_timeout_fails_closed(
    tmp_path: Path, upstream: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = write_policy(tmp_path, "version: 1\nname: quick\ndetection: {timeout_s: 0.3}\n")
    guard = Guard(policy=policy, audit_log=tmp_path / "a.jsonl")
    real = guard.detector.analyzer.analyze

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.5)  # stands in for a pathological input that makes a recognizer crawl
        return real(*args, **kwargs)

    monkeypatch.setattr(guard.detector.analyzer, "analyze", slow)
    started = time.perf_counter()
    with pytest.raises(DetectionError, match=r"longer than 0\.3 s"):
        guard.completion(
            messages=[{"role": "user", "content": PROMPT + " Details follow." * 80}], **closed(upstream)
        )
    assert time.perf_counter() - started < 1.2
    assert upstream.requests == []


def test_key_files_must_be_private_and_keys_never_appear_in_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "hmac.key"
    key_file.write_bytes(b"0123456789abcdef0123456789abcdef")
    key_file.chmod(0o644)
    monkeypatch.setenv("PRIVPROXY_HMAC_KEY_FILE", str(key_file))
    with pytest.raises(PolicyError, match="chmod 600") as caught:
        Guard(audit_log=tmp_path / "a.jsonl")
    assert "0123456789abcdef" not in str(caught.value)
    key_file.chmod(0o600)
    Guard(audit_log=tmp_path / "a.jsonl")  # private: accepted
    monkeypatch.delenv("PRIVPROXY_HMAC_KEY_FILE")
    monkeypatch.setenv("PRIVPROXY_HMAC_KEY", "not-hex-secret-value")
    with pytest.raises(PolicyError, match="must be hex") as caught:
        Guard(audit_log=tmp_path / "a.jsonl")
    assert "not-hex-secret-value" not in str(caught.value)


def test_a_key_file_and_the_variable_hold_the_same_hex_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "5e" * 32  # as `openssl rand -hex 32` prints it
    monkeypatch.setenv("PRIVPROXY_HMAC_KEY", key)
    from_variable = Guard(audit_log=tmp_path / "a.jsonl", reload_interval=None).inspect(PROMPT).sanitized
    monkeypatch.delenv("PRIVPROXY_HMAC_KEY")
    key_file = tmp_path / "hmac.key"
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    monkeypatch.setenv("PRIVPROXY_HMAC_KEY_FILE", str(key_file))
    from_file = Guard(audit_log=tmp_path / "a.jsonl", reload_interval=None).inspect(PROMPT).sanitized
    assert from_file == from_variable  # the same placeholders: one key, written either way


def test_upstream_timeout_is_an_error_with_an_audit_record(guard: Guard, audit_path: Path) -> None:
    with StandIn() as upstream:
        upstream.delay = 3.0
        with pytest.raises(Exception) as caught:
            guard.completion(messages=[{"role": "user", "content": PROMPT}], timeout=1, **closed(upstream))
        sent = upstream.received_text()
    assert "Timeout" in type(caught.value).__name__ or "timed out" in str(caught.value).lower()
    assert "maria.garcia@example.com" not in sent  # what did leave was redacted
    record = audit_records(audit_path)[-1]
    assert record["outcome"]["status"] == "error" and record["route"] == "closed"


def test_malformed_sse_ends_the_stream_with_an_error_and_an_audit_record(
    guard: Guard, audit_path: Path
) -> None:
    with StandIn() as upstream:
        upstream.malformed_stream = True
        with pytest.raises(Exception) as caught:  # litellm's own error for a broken stream; never a hang
            for _ in guard.completion(
                messages=[{"role": "user", "content": PROMPT}], stream=True, timeout=10, **closed(upstream)
            ):
                pass
    assert not isinstance(caught.value, AssertionError)
    [record] = audit_records(audit_path)
    assert record["outcome"]["status"] == "error"


def test_local_model_crash_mid_stream_is_a_local_error_never_a_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from privproxy.errors import LocalModelError
    from privproxy.execute.local import provider

    guard = Guard(audit_log=tmp_path / "a.jsonl")
    health = "The patient has type 2 diabetes; summarise."
    with StandIn() as upstream:
        guard.completion(messages=[{"role": "user", "content": health}], max_tokens=2, **closed(upstream))
        loaded = next(iter(provider.pool._models.values()))

        def crash(*args: Any, **kwargs: Any) -> Any:
            yield {"choices": [{"delta": {"content": "Hel"}, "finish_reason": None}]}
            raise RuntimeError("ggml abort")

        monkeypatch.setattr(loaded.llama, "create_chat_completion", crash)
        with pytest.raises(LocalModelError):
            for _ in guard.completion(
                messages=[{"role": "user", "content": health}], stream=True, **closed(upstream)
            ):
                pass
        assert upstream.requests == []
    assert audit_records(tmp_path / "a.jsonl")[-1]["outcome"]["status"] == "error"


def test_disk_full_withholds_the_answer_and_recovers(tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    guard = Guard(audit_log=audit)
    with StandIn() as upstream:
        guard.completion(messages=[{"role": "user", "content": "hello"}], **closed(upstream))
        kept = tmp_path / "kept.jsonl"
        audit.rename(kept)
        audit.symlink_to("/dev/full")  # every write now fails with ENOSPC
        with pytest.raises(AuditError, match="No space left"):
            guard.completion(messages=[{"role": "user", "content": PROMPT}], **closed(upstream))
        assert "maria.garcia@example.com" not in upstream.received_text()
        audit.unlink()
        kept.rename(audit)
        answer = guard.completion(messages=[{"role": "user", "content": PROMPT}], **closed(upstream))
    assert answer.choices[0].message.content == f"You said: {PROMPT}"

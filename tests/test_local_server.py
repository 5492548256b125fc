"""The local tier as a shared llama.cpp server: `privproxy local serve` started for real on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import audit_records, closed, write_policy

from privproxy import Guard, LocalModelError
from privproxy.testing import StandIn

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent / "privproxy"
HEALTH = "Patient has type 2 diabetes. Name one healthy breakfast."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path_factory.mktemp("server") / "server.log").open("wb")  # a pipe would fill and stall it
    process = subprocess.Popen(
        [str(BIN), "local", "serve", "--port", str(port), "--n-ctx", "512", "--alias", "smol"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api_base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api_base}/models", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
        if process.poll() is not None:
            raise RuntimeError(Path(log.name).read_text()[-2000:])
    else:
        process.kill()
        raise RuntimeError("llama.cpp server did not come up in 90 s")
    yield api_base
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(20)
    log.close()


def _policy(tmp_path: Path, api_base: str) -> Path:
    return write_policy(
        tmp_path,
        "version: 1\nname: server-local\n"
        "targets:\n  local: local-server/smol\n  trusted:\n"
        f"    local-server/smol: {{kind: server, api_base: '{api_base}', model: smol, max_tokens: 64}}\n"
        "actions: {default: redact, MEDICAL_CONDITION: local}\n",
    )


def test_health_prompt_is_answered_by_the_server(tmp_path: Path, local_server: str) -> None:
    guard = Guard(policy=_policy(tmp_path, local_server), audit_log=tmp_path / "a.jsonl")
    with StandIn() as upstream:
        answer = guard.completion(
            messages=[{"role": "user", "content": HEALTH}], max_tokens=24, **closed(upstream)
        )
        stream = guard.completion(
            messages=[{"role": "user", "content": HEALTH}], max_tokens=16, stream=True, **closed(upstream)
        )
        pieces = [c.choices[0].delta.content for c in stream if c.choices and c.choices[0].delta.content]
        assert upstream.requests == [], "a local request reached the closed upstream"
    assert answer.choices[0].message.content.strip() and answer.usage.completion_tokens > 0
    assert len(pieces) >= 2
    records = audit_records(tmp_path / "a.jsonl")
    assert [(r["route"], r["target"]) for r in records] == [("local", "local-server/smol")] * 2


def test_prompt_too_long_for_the_server_context_is_refused(tmp_path: Path, local_server: str) -> None:
    guard = Guard(policy=_policy(tmp_path, local_server), audit_log=tmp_path / "a.jsonl")
    long_prompt = HEALTH + " Notes: " + "the patient reports feeling tired after meals and at night. " * 60
    with StandIn() as upstream, pytest.raises(LocalModelError):
        guard.completion(
            messages=[{"role": "user", "content": long_prompt}], max_tokens=16, **closed(upstream)
        )
    assert upstream.requests == []


def test_server_down_fails_closed(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{_free_port()}/v1"
    audit_path = tmp_path / "a.jsonl"
    guard = Guard(policy=_policy(tmp_path, dead), audit_log=audit_path)
    with StandIn() as upstream:
        with pytest.raises(LocalModelError, match="not reachable"):
            guard.completion(messages=[{"role": "user", "content": HEALTH}], **closed(upstream))
        assert upstream.requests == [], "a down local server must never mean a closed model"
    record = audit_records(audit_path)[-1]
    assert record["outcome"] == {"status": "error", "error": "LocalModelError"}
    assert record["target"] == "local-server/smol"


def test_models_command_reports_server_and_embedded(tmp_path: Path, local_server: str) -> None:
    policy = _policy(tmp_path, local_server)
    text = policy.read_text().replace(
        "    local-server/smol:", "    privproxy-local/smollm2: {kind: llama_cpp}\n    local-server/smol:"
    )
    policy.write_text(text)
    result = subprocess.run(
        [str(BIN), "models", "--policy", str(policy), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    reports = {r["name"]: r for r in json.loads(result.stdout)}
    assert reports["local-server/smol"]["loads"] and reports["local-server/smol"]["tokens_per_s"] > 0
    embedded = reports["privproxy-local/smollm2"]
    assert embedded["loads"] and embedded["quantization"] == "Q4_1" and embedded["n_ctx_train"] == 8192
    # Generation rate after the first token, and the wait for that token, measured separately.
    assert embedded["tokens_per_s"] > 0 and embedded["first_token_ms"] > 0
    assert reports["local-server/smol"]["first_token_ms"] > 0


def test_truncate_history_drops_old_turns_to_fit(tmp_path: Path) -> None:
    policy = write_policy(
        tmp_path,
        "version: 1\nname: trunc\ntargets:\n  local: privproxy-local/tiny\n  trusted:\n"
        "    privproxy-local/tiny: {kind: llama_cpp, n_ctx: 256, max_tokens: 16, on_too_long: truncate_history}\n"
        "actions: {default: redact, MEDICAL_CONDITION: local}\n",
    )
    guard = Guard(policy=policy, audit_log=tmp_path / "a.jsonl")
    old = [
        {"role": "user", "content": "Earlier: " + "we talked about the weather at length. " * 20},
        {"role": "assistant", "content": "Yes."},
    ]
    with StandIn() as upstream:
        answer = guard.completion(
            messages=[*old, {"role": "user", "content": HEALTH}], max_tokens=16, **closed(upstream)
        )
        assert upstream.requests == []
    assert answer.choices[0].message.content is not None

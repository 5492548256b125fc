"""Shared fixtures: real Guards on the embedded defaults, and a real OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from privproxy import Guard
from privproxy.testing import StandIn

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def upstream() -> Iterator[StandIn]:
    with StandIn(chunk_size=3) as server:
        yield server


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.jsonl"


@pytest.fixture
def guard(audit_path: Path) -> Guard:
    return Guard(audit_log=audit_path, hmac_key=b"k" * 32)


def closed(upstream: StandIn) -> dict[str, Any]:
    """litellm kwargs that address the stand-in as if it were a closed provider."""
    return {"model": "openai/gpt-4o-mini", "api_base": upstream.api_base, "api_key": "sk-test-not-a-secret"}


def audit_records(path: Path, event: str | None = "request") -> list[dict[str, Any]]:
    """The audit records of one kind (default: request records; None: every record)."""
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in records if event is None or r.get("event") == event]


def write_policy(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


MASTER_KEY = "sk-privproxy-test-" + "0123456789abcdef" * 2


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def privproxy_serve(
    work: Path, models: list[dict[str, Any]], *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """A real `privproxy serve` (LiteLLM Proxy + guardrail) on 127.0.0.1 in front of `models`."""
    (work / "config.yaml").write_text(json.dumps({"model_list": models}))
    port = free_port()
    log = work / "proxy.log"
    command = [
        str(Path(sys.executable).with_name("privproxy")),
        "serve",
        "--config",
        str(work / "config.yaml"),
    ]
    command += [*args, "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=work,
            env=dict(os.environ, LITELLM_MASTER_KEY=MASTER_KEY, **(env or {})),
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the proxy exited:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/health/liveliness", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail(f"the proxy did not start:\n{log.read_text()[-3000:]}")
        yield url, process, log
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()

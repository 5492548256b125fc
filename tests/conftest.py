"""Shared fixtures: real Guards on the embedded defaults, and a real OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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

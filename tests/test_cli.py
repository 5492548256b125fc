"""The `privproxy` command as a user runs it: a real subprocess of the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

BIN = Path(sys.executable).parent / "privproxy"


def run(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "PRIVPROXY_AUDIT_LOG": str(cwd / "audit.jsonl"), **(env or {})}
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env, input=stdin
    )


def test_scan_json(tmp_path: Path) -> None:
    result = run("scan", "--json", "Email jane.doe@example.org about the invoice", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["action"] == "redact"
    emails = [f for f in data["findings"] if f["entity_type"] == "EMAIL_ADDRESS"]
    assert emails and set(emails[0]) == {"entity_type", "start", "end", "score", "detector"}
    assert "jane.doe@example.org" not in data["sanitized"] and "<EMAIL_ADDRESS_" in data["sanitized"]


def test_scan_table_shows_decision(tmp_path: Path) -> None:
    result = run("scan", "Patient has type 2 diabetes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "action: local" in result.stdout and "MEDICAL_CONDITION" in result.stdout
    assert "privproxy-local/smollm2" in result.stdout


def test_batch_scan_writes_one_line_per_input_line(tmp_path: Path) -> None:
    rows = [
        {"id": 1, "text": "Email jane.doe@example.org about the invoice"},
        {"id": 2, "text": "Summarise the plot of Hamlet."},
        {"id": 3, "text": "Patient has type 2 diabetes"},
        {"id": 4, "text": "key -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = run("scan", "--input", str(source), "--output", str(tmp_path / "out.jsonl"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [o["id"] for o in out] == [1, 2, 3, 4]
    assert [o["action"] for o in out] == ["redact", "allow", "local", "block"]
    assert out[1]["sanitized"] == rows[1]["text"]
    assert out[2]["sanitized"] is None and out[3]["sanitized"] is None
    assert all({"findings", "action", "sanitized", "text"} <= set(o) for o in out)


def test_batch_scan_reports_bad_lines_without_losing_them(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "hello"}\nnot json\n{"no_text": 1}\n')
    result = run("scan", "-i", str(source), "-o", str(tmp_path / "out.jsonl"), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{source}:2:" in result.stderr and f"{source}:3:" in result.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(out) == 3 and out[0]["action"] == "allow" and out[1]["line"] == 2 and "error" in out[2]


def test_scan_with_broken_policy_names_file_and_line(tmp_path: Path) -> None:
    policy = tmp_path / "bad.yaml"
    policy.write_text("version: 1\nname: bad\nactions:\n  EMAIL_ADDRESS: obliterate\n")
    result = run("scan", "--policy", str(policy), "hello", cwd=tmp_path)
    assert result.returncode == 1
    assert f"{policy}:4:" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_demo_shows_all_four_outcomes(tmp_path: Path) -> None:
    result = run("demo", "--policy", str(REPO / "policies" / "default.yaml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    for outcome in ("clean → allow", "identifiers → redact", "health → local", "secret → block"):
        assert outcome in result.stdout
    assert "audit chain: intact (5 records" in result.stdout  # policy_loaded + four requests
    # The stand-in's view of the redacted prompt never contains the person's email.
    received = result.stdout.split("what the closed model received")[2].split("answer")[0]
    assert "maria.garcia@example.com" not in received


def test_version_matches_the_package(tmp_path: Path) -> None:
    import privproxy

    result = run("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"privproxy {privproxy.__version__}"

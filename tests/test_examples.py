"""The runnable examples stay runnable: each is run as a user would run it, and its output checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRIVPROXY_")}
    env.pop("OPENAI_API_KEY", None)  # the examples then use the stand-in on 127.0.0.1
    env["COLUMNS"] = "200"
    return env


def test_sdk_example(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "examples" / "sdk" / "basic.py")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=_env(),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    assert "maria@example.com" not in lines["what left the machine"]
    assert "<EMAIL_ADDRESS_" in lines["what left the machine"]
    assert lines["local model"].strip(), "the local model answered"
    assert "API_KEY" in lines["blocked"] and "sk-proj" not in result.stdout


def test_compliance_walkthrough(tmp_path: Path) -> None:
    work = tmp_path / "review"
    env = {**_env(), "PRIVPROXY": str(Path(sys.executable).with_name("privproxy"))}
    result = subprocess.run(
        ["bash", str(REPO / "examples" / "compliance" / "walkthrough.sh"), str(work)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    steps = result.stdout.split("\n== ")
    step = {int(text.split(".", 1)[0]): text for text in steps[1:]}
    assert "audit.jsonl: OK, 5 records, 1 signed checkpoints verified" in step[3]
    assert "0 matching records" in result.stderr.splitlines()[0]  # no health data reached a closed model
    assert ",local,privproxy-local/smollm2,local,MEDICAL_CONDITION" in step[5]
    assert ",closed,openai/stand-in,redact," in step[6]  # the address was in a request, redacted
    assert "EDITED: record seq 4" in step[8] and "tampering caught" in step[8]
    assert "TRUNCATED" in step[9] and "truncation caught" in step[9]
    assert (work / "report.html").stat().st_size > 5_000
    assert "maria.garcia@example.com" not in (work / "audit.jsonl").read_text()

"""Load: thousands of mixed requests from 16 concurrent clients through the real LiteLLM Proxy with
the guardrail (2 workers), against a loopback stand-in. Zero leaks, zero unintended errors, one
audit record per request, an intact chain, and proxy memory that levels off.

Marked `load` (CI runs it: `make test` runs every marker). PRIVPROXY_LOAD_REQUESTS sets the count
(default 4,000: enough for the memory curve to level off; CI time stays under its budget).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from conftest import MASTER_KEY, REPO, audit_records, privproxy_serve

from privproxy.testing import StandIn

pytestmark = [pytest.mark.load, pytest.mark.timeout(1500)]

REQUESTS = int(os.environ.get("PRIVPROXY_LOAD_REQUESTS", "4000"))
CLIENTS = 16


def _rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants (the proxy's workers), in KB."""
    total = 0
    pids = [root]
    while pids:
        pid = pids.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except (OSError, StopIteration):
            continue
        pids.extend(int(child) for child in children)
    return total


def _request(index: int) -> tuple[str, dict[str, object], list[str]]:
    """(kind, body, planted values that must never reach the upstream)."""
    rng = random.Random(index)
    number = f"{rng.randrange(1000, 9999)}"
    email = f"user{index}.{number}@example.org"
    kind = rng.choices(["redact", "clean", "block", "local"], weights=[60, 25, 10, 5])[0]
    if kind == "redact":
        text = f"Please email {email} and confirm the order {index} before noon."
        return kind, {"messages": [{"role": "user", "content": text}]}, [email]
    if kind == "clean":
        return (
            kind,
            {"messages": [{"role": "user", "content": f"Summarise chapter {index % 40} of the handbook."}]},
            [],
        )
    if kind == "block":
        token = f"ghp_{number}{'A' * 32}"[:40]
        text = f"Why is my token rejected? -----BEGIN RSA PRIVATE KEY-----\nMIIE{number}\n-----END RSA PRIVATE KEY----- {token}"
        return kind, {"messages": [{"role": "user", "content": text}]}, [f"MIIE{number}"]
    text = f"Patient {number} was diagnosed with type 2 diabetes; reply with one word."
    return kind, {"messages": [{"role": "user", "content": text}], "max_tokens": 3}, [f"Patient {number}"]


def test_mixed_load_through_the_proxy(tmp_path: Path) -> None:
    with StandIn(chunk_size=16) as upstream:
        model = {
            "model_name": "gpt-4o",
            "litellm_params": {"model": "openai/gpt-4o", "api_base": upstream.api_base, "api_key": "sk-x"},
        }
        audit = tmp_path / "audit.jsonl"
        policy = {"PRIVPROXY_POLICY": str(REPO / "policies" / "default.yaml")}
        serve_args = ["--audit-log", str(audit), "--num-workers", "2"]
        with privproxy_serve(tmp_path, [model], *serve_args, env=policy) as (url, process, _):
            outcomes: Counter[str] = Counter()
            unexpected: list[str] = []
            planted: list[str] = []
            lock = threading.Lock()
            memory: list[int] = []
            started = time.monotonic()

            def one(index: int, client: httpx.Client) -> None:
                kind, body, values = _request(index)
                response = client.post(
                    f"{url}/v1/chat/completions",
                    json={"model": "gpt-4o", **body},
                    headers={"Authorization": f"Bearer {MASTER_KEY}"},
                )
                expected = 400 if kind == "block" else 200
                with lock:
                    planted.extend(values)
                    outcomes[f"{kind}:{response.status_code}"] += 1
                    if response.status_code != expected and len(unexpected) < 5:
                        unexpected.append(f"{kind} → HTTP {response.status_code}: {response.text[:200]}")
                    if kind == "redact" and response.status_code == 200:
                        assert values[0] in response.json()["choices"][0]["message"]["content"]  # restored
                if index % (REQUESTS // 10 or 1) == 0:
                    memory.append(_rss_kb(process.pid))

            limits = httpx.Limits(max_connections=CLIENTS)
            with httpx.Client(timeout=120, limits=limits) as client, ThreadPoolExecutor(CLIENTS) as pool:
                list(pool.map(lambda i: one(i, client), range(REQUESTS)))
            elapsed = time.monotonic() - started

        print(
            f"\n{REQUESTS} requests in {elapsed:.0f} s ({REQUESTS / elapsed:.1f}/s); {dict(outcomes)}; RSS KB {memory}"
        )
        assert not unexpected, unexpected
        sent = upstream.received_text()
        leaked = [value for value in planted if value in sent]
        assert not leaked, f"{len(leaked)} planted values reached the upstream"
        kinds = Counter(key.split(":")[0] for key in outcomes.elements())
        assert len(upstream.requests) == kinds["redact"] + kinds["clean"]  # blocked and local never left
        records = audit_records(audit)
        assert len(records) == REQUESTS  # exactly one record per request
        assert Counter(r["action"] for r in records)["block"] == kinds["block"]
        verify = subprocess.run(
            [str(Path(sys.executable).with_name("privproxy")), "audit", "verify", str(audit)],
            capture_output=True,
            text=True,
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr
        # Memory levels off: the second half of the run grows far less than the warm-up did.
        assert memory[-1] < memory[len(memory) // 2] * 1.25, memory

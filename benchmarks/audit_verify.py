"""How long `privproxy audit verify`, `query` and `report` take on a big log of N realistic records.

.venv/bin/python benchmarks/audit_verify.py [N]      (default 1,000,000)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from privproxy.audit.query import Filters, iter_records, matches
from privproxy.audit.record import GENESIS, canonical_json, now_rfc3339, record_hash
from privproxy.audit.report import render_report
from privproxy.audit.verify import verify_store


def write_log(path: Path, n: int) -> None:
    prev = GENESIS
    template = {
        "event": "request",
        "session": None,
        "principal": {"user": "alice", "team": "support"},
        "policy": {"name": "default", "revision": "9" * 64},
        "detectors": {"revision": "d" * 64},
        "model_requested": "openai/gpt-4o-mini",
        "target": "openai/gpt-4o-mini",
        "route": "closed",
        "action": "redact",
        "rules": [],
        "attachments": {},
        "findings": {
            "EMAIL_ADDRESS": {
                "count": 1,
                "detectors": ["OfflineEmailRecognizer"],
                "max_score": 1.0,
                "operator": "placeholder",
            },
            "PERSON": {
                "count": 2,
                "detectors": ["SpacyRecognizer"],
                "max_score": 0.85,
                "operator": "placeholder",
            },
        },
        "outcome": {"status": "ok"},
        "latency_ms": {"detect": 12.5, "total": 340.1},
    }
    with path.open("w") as handle:
        for seq in range(n):
            record = {
                "seq": seq,
                "ts": "2026-11-26T10:00:00.000Z",
                "request_id": f"pp-{seq:032x}",
                **template,
                "prev": prev,
            }
            record["hash"] = prev = record_hash(record)
            handle.write(canonical_json(record) + "\n")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "audit.jsonl"
        started = time.perf_counter()
        write_log(path, n)
        written = time.perf_counter() - started
        size_mb = os.path.getsize(path) / 1e6
        started = time.perf_counter()
        result = verify_store(path)
        elapsed = time.perf_counter() - started
        assert result.ok and result.records == n, result
        # "Did a person's name ever reach a closed model in clear?": a full pass, no match.
        started = time.perf_counter()
        wanted = Filters(entity="PERSON", reached_closed=True)
        found = sum(1 for record in iter_records(path) if matches(record, wanted))
        queried = time.perf_counter() - started
        assert found == 0
        started = time.perf_counter()
        html = render_report(path, result, now_rfc3339())
        reported = time.perf_counter() - started
        assert f"<b>{n}</b>requests" in html
    print("| records | log size | verify | query (full pass) | report |\n|---:|---:|---:|---:|---:|")
    print(
        f"| {n:,} | {size_mb:,.0f} MB | {elapsed:.1f} s ({n / elapsed:,.0f} records/s) "
        f"| {queried:.1f} s | {reported:.1f} s |"
    )
    print(f"(writing the test log took {written:.1f} s; machine: {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()

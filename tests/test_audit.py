"""The audit log: one hash-chained record per request, no raw values, tampering detected."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest
from conftest import audit_records, closed

from privproxy import Blocked, Guard
from privproxy.audit import AuditLog
from privproxy.audit.verify import verify_file
from privproxy.testing import StandIn

SECRETS = [
    "Maria Garcia",
    "maria.garcia@example.com",
    "4539 1488 0343 6467",
    "type 2 diabetes",
    "MIIEowIBAAKCAQEA",
]

REQUIRED = {
    "seq",
    "ts",
    "request_id",
    "session",
    "principal",
    "policy",
    "detectors",
    "model_requested",
    "target",
    "action",
    "rules",
    "findings",
    "outcome",
    "latency_ms",
    "prev",
    "hash",
}


def _fill(path: Path, n: int = 5) -> None:
    log = AuditLog(path)
    for i in range(n):
        log.append({"request_id": f"r{i}", "action": "allow"})


def test_records_have_the_design_fields_and_no_raw_values(
    guard: Guard, upstream: StandIn, audit_path: Path
) -> None:
    target = closed(upstream)
    meta = {"user": "alice", "team": "support", "session": "s-1"}
    guard.completion(
        messages=[{"role": "user", "content": "Card 4539 1488 0343 6467 for Maria Garcia"}],
        metadata=meta,
        **target,
    )
    guard.completion(
        messages=[{"role": "user", "content": "mail maria.garcia@example.com"}], stream=True, **target
    ).close()
    with pytest.raises(Blocked) as blocked:
        guard.completion(
            messages=[
                {
                    "role": "user",
                    "content": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
                }
            ],
            **target,
        )
    assert "MIIE" not in str(blocked.value) and blocked.value.entity_types == ["PRIVATE_KEY"]
    records = audit_records(audit_path)
    assert len(records) == 3
    for record in records:
        assert set(record) >= REQUIRED, REQUIRED - set(record)
        assert len(record["policy"]["revision"]) == 64
    assert records[0]["principal"] == {"user": "alice", "team": "support"} and records[0]["session"] == "s-1"
    assert records[0]["findings"]["CREDIT_CARD"]["count"] == 1
    assert records[2]["request_id"] == blocked.value.request_id
    text = audit_path.read_text()
    for value in SECRETS:
        assert value not in text
    assert verify_file(audit_path).ok


def test_verify_accepts_an_intact_chain(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    _fill(path, 10)
    result = verify_file(path)
    assert result.ok and result.records == 10


@pytest.mark.parametrize(
    ("damage", "kind", "line"),
    [
        ("edit", "edited", 3),
        ("delete", "missing", 3),
        ("swap", "reordered", 3),
        ("torn", "torn", 5),
    ],
)
def test_verify_names_the_first_bad_record(tmp_path: Path, damage: str, kind: str, line: int) -> None:
    path = tmp_path / "a.jsonl"
    _fill(path, 5)
    lines = path.read_text().splitlines(keepends=True)
    if damage == "edit":
        record = json.loads(lines[2])
        record["action"] = "block"
        lines[2] = json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"
    elif damage == "delete":
        del lines[2]
    elif damage == "swap":
        lines[2], lines[3] = lines[3], lines[2]
    elif damage == "torn":
        lines[4] = lines[4][: len(lines[4]) // 2]
    path.write_text("".join(lines))
    result = verify_file(path)
    assert not result.ok
    assert (result.kind, result.line) == (kind, line), result


def test_writer_continues_the_chain_after_a_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    _fill(path, 3)
    with path.open("a") as handle:
        handle.write('{"seq": 3, "half a rec')  # a crash mid-write
    AuditLog(path).append({"request_id": "after-crash", "action": "allow"})
    result = verify_file(path)
    assert result.ok, result
    assert result.records == 4


def test_threads_share_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    log = AuditLog(path, fsync=False)
    threads = [
        threading.Thread(target=lambda: [log.append({"action": "allow"}) for _ in range(50)])
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = verify_file(path)
    assert result.ok and result.records == 400


def _append_many(path: str) -> None:
    log = AuditLog(path, fsync=False)
    for _ in range(50):
        log.append({"action": "allow"})


def test_processes_share_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_many, args=(str(path),)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert all(w.exitcode == 0 for w in workers)
    result = verify_file(path)
    assert result.ok and result.records == 200


def test_audit_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    _fill(path, 1)
    assert path.stat().st_mode & 0o077 == 0

"""What compliance relies on: signed checkpoints, rotation, crashes, sinks, query and the HTML report."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from conftest import closed
from test_cli import run

from privproxy import AuditError, Guard
from privproxy.audit import AuditLog
from privproxy.audit.record import GENESIS, canonical_json, record_hash
from privproxy.audit.signing import keygen, load_signer
from privproxy.audit.verify import verify_store
from privproxy.testing import StandIn

PG_DSN = os.environ.get("PRIVPROXY_TEST_POSTGRES_DSN")


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    private, public = tmp_path / "signing.key", tmp_path / "signing.pub"
    keygen(private, public)
    return private, public


def _signed_log(tmp_path: Path, private: Path, n: int = 12) -> Path:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, signer=load_signer(private), checkpoint_every=5)
    for i in range(n):
        log.append({"event": "request", "action": "allow", "request_id": f"r{i}"})
    log.close()
    return path


def test_signed_checkpoints_verify(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    path = _signed_log(tmp_path, keys[0])
    result = verify_store(path, keys[1])
    assert result.ok and result.records == 12 and result.checkpoints == 3  # at 5, 10 and at close (12)


def test_truncated_tail_is_caught_by_the_checkpoint(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    path = _signed_log(tmp_path, keys[0])
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:9]))  # a clean prefix: the chain alone cannot tell
    assert verify_store(path).ok
    result = verify_store(path, keys[1])
    assert (result.ok, result.kind) == (False, "truncated")


def test_wholesale_rewrite_is_caught_by_the_checkpoint(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    path = _signed_log(tmp_path, keys[0])
    prev, rewritten = GENESIS, []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        record["action"] = "block"  # rewrite history, then rebuild a perfectly valid chain
        record["prev"] = prev
        record["hash"] = prev = record_hash(record)
        rewritten.append(canonical_json(record) + "\n")
    path.write_text("".join(rewritten))
    assert verify_store(path).ok
    result = verify_store(path, keys[1])
    assert (result.ok, result.kind) == (False, "rewritten")


def test_forged_checkpoint_and_wrong_key_are_bad_signatures(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    path = _signed_log(tmp_path, keys[0])
    other_private, other_public = tmp_path / "other.key", tmp_path / "other.pub"
    keygen(other_private, other_public)
    assert verify_store(path, other_public).kind == "bad signature"
    checkpoints = path.with_name(path.name + ".checkpoints")
    entries = [json.loads(line) for line in checkpoints.read_text().splitlines()]
    entries[-1]["count"] = 3
    checkpoints.write_text("".join(json.dumps(e) + "\n" for e in entries))
    assert verify_store(path, keys[1]).kind == "bad signature"


def test_signing_key_readable_by_others_is_refused(keys: tuple[Path, Path]) -> None:
    os.chmod(keys[0], 0o644)
    with pytest.raises(AuditError, match="chmod 600"):
        load_signer(keys[0])


def test_rotation_keeps_one_chain_across_files(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, fsync=False, max_bytes=1500)
    for i in range(40):
        log.append({"event": "request", "action": "allow", "request_id": f"r{i}"})
    files = sorted(tmp_path.glob("audit.jsonl*"))
    assert len(files) > 3, files
    result = verify_store(path)
    assert result.ok and result.records == 40
    rotated = sorted(tmp_path.glob("audit.jsonl.*.jsonl"))
    rotated[1].unlink()  # losing a whole rotated file is caught
    assert verify_store(path).kind == "missing"


def test_time_based_rotation(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, fsync=False, max_age_s=3600)
    log.append({"event": "request", "action": "allow", "ts": "2020-01-01T00:00:00.000Z"})  # an old live file
    log.append({"event": "request", "action": "allow"})
    log.append({"event": "request", "action": "allow"})
    assert len(sorted(tmp_path.glob("audit.jsonl.*.jsonl"))) == 1
    result = verify_store(path)
    assert result.ok and result.records == 3


WRITER = """
import sys
from privproxy.audit import AuditLog
log = AuditLog(sys.argv[1])
i = 0
while True:
    log.append({"event": "request", "action": "allow", "request_id": "r%d" % i, "pad": "x" * 2000})
    i += 1
"""


def test_kill_9_mid_write_loses_at_most_one_record_and_is_not_called_tampering(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    for round_ in range(3):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)])
        deadline = time.monotonic() + 120
        start_size = path.stat().st_size if path.exists() else 0
        while (
            not path.exists() or path.stat().st_size < start_size + 50_000
        ) and time.monotonic() < deadline:
            time.sleep(0.05)  # wait until it is busy writing (its imports take a few seconds)
        time.sleep(0.1 * round_)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        result = verify_store(path)
        assert result.ok or result.kind == "torn", result
        assert result.records > 0
    AuditLog(path).append({"event": "request", "action": "allow"})  # the writer continues the chain
    assert verify_store(path).ok


def _append_many(target: str) -> None:
    log = AuditLog(target, fsync=False)
    for _ in range(25):
        log.append({"event": "request", "action": "allow"})


def _concurrent(target: str, workers: int = 4) -> None:
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_append_many, args=(target,)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert all(p.exitcode == 0 for p in processes)


def test_sqlite_sink_one_chain_for_several_processes(tmp_path: Path, upstream: StandIn) -> None:
    target = f"sqlite:///{tmp_path / 'audit.db'}"
    guard = Guard(audit_log=target)
    guard.completion(
        messages=[{"role": "user", "content": "mail maria.garcia@example.com"}], **closed(upstream)
    )
    _concurrent(target)
    result = verify_store(target)
    assert result.ok and result.records == 102  # policy_loaded + 1 request + 4 x 25
    assert "maria.garcia" not in (tmp_path / "audit.db").read_bytes().decode("latin-1")


@pytest.mark.skipif(not PG_DSN and not os.environ.get("CI"), reason="needs PostgreSQL (.ci/run starts one)")
def test_postgres_sink_one_chain_for_a_fleet(tmp_path: Path) -> None:
    assert PG_DSN, "CI must provide PRIVPROXY_TEST_POSTGRES_DSN"
    with psycopg.connect(PG_DSN, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS privproxy_audit")
    _concurrent(PG_DSN)
    result = verify_store(PG_DSN)
    assert result.ok and result.records == 100
    with psycopg.connect(PG_DSN, autocommit=True) as connection:
        connection.execute(
            "UPDATE privproxy_audit SET record = replace(record, '\"allow\"', '\"block\"') WHERE seq = 7"
        )
    assert verify_store(PG_DSN).kind == "edited"


def test_stdout_stream_mirrors_each_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = AuditLog(tmp_path / "a.jsonl", stream="stdout")
    written = [log.append({"event": "request", "action": "allow"}) for _ in range(3)]
    streamed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert streamed == written


def test_query_answers_compliance_questions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "ab" * 32
    monkeypatch.setenv("PRIVPROXY_AUDIT_KEY", key)
    audit = tmp_path / "audit.jsonl"
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\nname: q\nactions: {default: redact, CREDIT_CARD: allow}\n")
    guard = Guard(policy=policy, audit_log=audit)
    with StandIn() as upstream:
        guard.completion(
            messages=[{"role": "user", "content": "Card 4539 1488 0343 6467 please"}],
            metadata={"team": "billing"},
            **closed(upstream),
        )
        guard.completion(
            messages=[{"role": "user", "content": "Call John Smith"}],
            metadata={"team": "sales"},
            **closed(upstream),
        )
    text = audit.read_text()  # the card in any form; a bare "4539" can occur inside a random hash
    assert "4539 1488 0343 6467" not in text and "4539148803436467" not in text
    env_run = lambda *args: run("audit", "query", str(audit), *args, cwd=tmp_path)  # noqa: E731
    os.environ["PRIVPROXY_AUDIT_KEY"] = key
    try:
        reached = env_run("--entity", "CREDIT_CARD", "--reached-closed", "--format", "jsonl")
        assert [json.loads(line)["principal"]["team"] for line in reached.stdout.splitlines()] == ["billing"]
        assert (
            env_run("--entity", "PERSON", "--reached-closed", "--format", "jsonl").stdout == ""
        )  # redacted, not in clear
        found = env_run("--entity", "CREDIT_CARD", "--value", "4539-1488-0343-6467", "--format", "jsonl")
        assert len(found.stdout.splitlines()) == 1, "the fingerprint finds the card whatever its formatting"
        assert (
            env_run("--entity", "CREDIT_CARD", "--value", "4000 0000 0000 0002", "--format", "jsonl").stdout
            == ""
        )
        table = env_run("--principal", "sales", "--format", "csv")
        assert (
            table.stdout.splitlines()[0].startswith("seq,ts,request_id")
            and len(table.stdout.splitlines()) == 2
        )
        assert env_run("--since", "2999-01-01", "--format", "jsonl").stdout == ""
        # The value can come on stdin, out of shell history and the process list.
        piped = run(
            "audit", "query", str(audit), "--entity", "CREDIT_CARD", "--value", "-", "--format", "jsonl",
            cwd=tmp_path, stdin="4539 1488 0343 6467\n",
        )  # fmt: skip
        assert len(piped.stdout.splitlines()) == 1, piped.stderr
    finally:
        del os.environ["PRIVPROXY_AUDIT_KEY"]
    # Bad input is an error, never an empty answer that reads as "no".
    assert env_run("--action", "sent").returncode == 2
    missing = run("audit", "query", str(tmp_path / "no-such.jsonl"), cwd=tmp_path)
    assert missing.returncode == 1 and "no such audit log" in missing.stderr
    with audit.open("a") as handle:
        handle.write('{"seq": 99, "torn\n')
    damaged = env_run("--format", "csv")
    assert len(damaged.stdout.splitlines()) == 3 and "1 line(s) of the log are not readable" in damaged.stderr


def test_verify_cli_names_the_damage(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    path = _signed_log(tmp_path, keys[0])
    assert run("audit", "verify", str(path), "--public-key", str(keys[1]), cwd=tmp_path).returncode == 0
    lines = path.read_text().splitlines(keepends=True)
    del lines[4]
    path.write_text("".join(lines))
    result = run("audit", "verify", str(path), cwd=tmp_path)
    assert result.returncode == 1 and f"{path}:5: MISSING" in result.stdout


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    not _chromium() and not os.environ.get("CI"), reason="needs Chromium (.ci/run installs it)"
)
def test_report_renders_with_charts_in_chromium(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    browser = _chromium()
    assert browser, "CI must have Chromium"
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, signer=load_signer(keys[0]), checkpoint_every=10)
    routes = {"allow": "closed", "redact": "closed", "local": "local", "block": "none"}
    for i in range(30):
        action = ["allow", "redact", "local", "block"][i % 4]
        log.append(
            {
                "event": "request",
                "ts": f"2026-11-{20 + i % 3}T10:00:00.000Z",
                "action": action,
                "route": routes[action],
                "principal": {"team": ["legal", "sales"][i % 2]},
                "rules": ["r1"] if i % 3 else [],
                "findings": {"PERSON": {"count": 1, "operator": "placeholder"}} if action != "allow" else {},
                "latency_ms": {"detect": 5.0 + i, "total": 100.0 + i},
            }
        )
    log.close()
    html_path = tmp_path / "report.html"
    result = run(
        "audit", "report", str(path), "-o", str(html_path), "--public-key", str(keys[1]), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    page = html_path.read_text()
    cleaned = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in cleaned and "https://" not in cleaned and "<script" not in cleaned, (
        "self-contained"
    )
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", html_path.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert (
        "Integrity: intact." in dom.stdout and "4 signed checkpoints verified" in dom.stdout
    )  # 10, 20, 30, close
    assert dom.stdout.count('class="bar"') >= 3, "charts were not drawn"
    # Where PERSON went, per request: never in clear; redacted 8, local 7, blocked 7 of the 30.
    cells = re.search(r"<tr><td>PERSON</td>(.*?)</tr>", page)
    assert cells and re.findall(r">(\d+)<", cells.group(1)) == ["0", "8", "7", "7"]
    shot = tmp_path / "report.png"
    subprocess.run(
        [browser, *flags, "--window-size=1200,1600", f"--screenshot={shot}", html_path.as_uri()],
        capture_output=True,
        timeout=120,
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, "the screenshot is blank"

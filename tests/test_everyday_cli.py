"""The tools people touch every day, through the real `privproxy` command: no false "no" from an
audit query, every policy mistake in one run, errors that say what to do, pipes and progress."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import write_policy
from test_cli import BIN, run

from privproxy.audit import AuditLog
from privproxy.audit.record import fingerprints
from privproxy.audit.signing import keygen, load_signer

KEY = b"k" * 32
OTHER_KEY = b"j" * 32


def _log(tmp_path: Path, n: int = 6, signer_key: Path | None = None) -> Path:
    """A small real log: closed / redacted records for team sales (user ana), with fingerprints."""
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, signer=load_signer(signer_key) if signer_key else None, checkpoint_every=3)
    now = datetime.now(timezone.utc)
    for i in range(n):
        log.append(
            {
                "event": "request",
                "ts": (now - timedelta(days=10 - i, hours=-12))
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
                "request_id": f"pp-{i:032x}",
                "principal": {"user": "ana", "team": "sales" if i % 2 else "legal"},
                "model_requested": "openai/gpt-4o-mini",
                "route": "closed",
                "target": "openai/gpt-4o-mini",
                "action": "redact",
                "findings": {
                    "EMAIL_ADDRESS": {"count": 2, "operator": "placeholder"},
                    "PERSON": {"count": 1},
                },
                "fingerprints": fingerprints(KEY, [("EMAIL_ADDRESS", f"ana{i}@example.org")]),
                "outcome": {"status": "ok"},
            }
        )
    log.close()
    return path


def query(log: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run("audit", "query", str(log), *args, cwd=log.parent, env=env)


# -- compliance: a query never answers "no" by mistake ------------------------------------------


def test_a_mistyped_entity_type_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    log = _log(tmp_path)
    for typo in ("EMAIL_ADRESS", "EMAIL", "email_address_"):
        result = query(log, "--entity", typo)
        assert result.returncode == 2, (typo, result.stderr)
        assert "did you mean 'EMAIL_ADDRESS'" in result.stderr and "0 matching" not in result.stderr
    # A real type that was never found is the true answer "no", not an error.
    absent = query(log, "--entity", "US_SSN")
    assert absent.returncode == 0 and "0 matching records" in absent.stderr
    assert query(log, "--entity", "EMAIL_ADDRESS", "--format", "jsonl").stdout.count("\n") == 6


def test_a_fingerprint_key_that_wrote_none_of_the_log_is_refused(tmp_path: Path) -> None:
    log = _log(tmp_path)
    text = log.read_text()
    assert KEY.hex() not in text and "key_id" in text, "records name the key by id, never hold it"
    args = ("--entity", "EMAIL_ADDRESS", "--value", "ana3@example.org", "--format", "jsonl")
    wrong = query(log, *args, env={"PRIVPROXY_AUDIT_KEY": OTHER_KEY.hex()})
    assert wrong.returncode == 2 and "fingerprinted none of the 6" in wrong.stderr, wrong.stderr
    assert "ana3@example.org" not in wrong.stderr + wrong.stdout
    right = query(log, *args, env={"PRIVPROXY_AUDIT_KEY": KEY.hex()})
    assert right.returncode == 0 and [json.loads(line)["seq"] for line in right.stdout.splitlines()] == [3]


def test_principal_in_the_form_the_output_prints(tmp_path: Path) -> None:
    log = _log(tmp_path)
    for form in ("sales", "team=sales", "user=ana,team=sales"):
        result = query(log, "--principal", form, "--format", "jsonl")
        assert result.returncode == 0 and len(result.stdout.splitlines()) == 3, (form, result.stderr)
    csv_principal = query(log, "--format", "csv").stdout.splitlines()[2].split('"')[1]
    assert set(csv_principal.split(",")) == {"user=ana", "team=sales"}  # what it prints, it accepts
    assert len(query(log, "--principal", csv_principal, "--format", "jsonl").stdout.splitlines()) == 3
    typo = query(log, "--principal", "tem=sales")
    assert typo.returncode == 2 and "did you mean 'team'" in typo.stderr


def test_relative_times_and_times_shown_with_their_zone(tmp_path: Path) -> None:
    log = _log(tmp_path)  # records 9.5, 8.5, ... 4.5 days old
    week = query(log, "--since", "7d", "--format", "jsonl")
    assert week.returncode == 0 and len(week.stdout.splitlines()) == 3, week.stderr
    assert re.search(r"since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", week.stderr), week.stderr
    assert len(query(log, "--since", "last week", "--format", "jsonl").stdout.splitlines()) == 3
    assert len(query(log, "--until", "6 days ago", "--format", "jsonl").stdout.splitlines()) == 4
    bad = query(log, "--since", "a week ago-ish")
    assert (
        bad.returncode == 2 and "7d" in bad.stderr and "last week" in bad.stderr and "RFC 3339" in bad.stderr
    )


def test_json_output_and_a_table_that_fits_80_columns(tmp_path: Path) -> None:
    log = _log(tmp_path)
    as_json = query(log, "--format", "json")
    assert [r["seq"] for r in json.loads(as_json.stdout)] == [0, 1, 2, 3, 4, 5]
    env = {**os.environ, "COLUMNS": "80", "PRIVPROXY_AUDIT_LOG": str(tmp_path / "x.jsonl")}
    table = subprocess.run(
        [str(BIN), "audit", "query", str(log)], capture_output=True, text=True, env=env, timeout=60
    )
    lines = table.stdout.splitlines()
    assert table.returncode == 0 and lines and all(len(line) <= 80 for line in lines), table.stdout
    rows = [line for line in lines if re.match(r"^\d+\s+\d\d-\d\d ", line)]
    assert len(rows) == 6, "one line per record"
    assert all("00000000" in row for row in rows), "the request id is there, shortened"


def test_verify_takes_the_checkpoints_kept_elsewhere(tmp_path: Path) -> None:
    private, public = tmp_path / "k.key", tmp_path / "k.pub"
    keygen(private, public)
    log = _log(tmp_path, signer_key=private)
    shipped = tmp_path / "worm" / "audit.checkpoints"
    shipped.parent.mkdir()
    (tmp_path / "audit.jsonl.checkpoints").rename(shipped)
    missing = run("audit", "verify", str(log), "--public-key", str(public), cwd=tmp_path)
    assert (
        missing.returncode == 1
        and "NO CHECKPOINTS" in missing.stdout
        and "BAD SIGNATURE" not in missing.stdout
    )
    assert "--checkpoints" in missing.stdout
    ok = run(
        "audit", "verify", str(log), "--public-key", str(public), "--checkpoints", str(shipped), cwd=tmp_path
    )
    assert ok.returncode == 0 and "signed checkpoints verified" in ok.stdout, ok.stdout + ok.stderr


def test_a_junk_tail_is_not_explained_as_a_crash(tmp_path: Path) -> None:
    log = _log(tmp_path)
    intact = log.read_bytes()
    log.write_bytes(intact + b"hello from another program\n")
    junk = run("audit", "verify", str(log), cwd=tmp_path)
    assert junk.returncode == 1 and "UNREADABLE TAIL" in junk.stdout and "TORN" not in junk.stdout
    log.write_bytes(intact + intact.splitlines()[0][:70])  # a record cut off mid-write
    torn = run("audit", "verify", str(log), cwd=tmp_path)
    assert torn.returncode == 1 and "TORN" in torn.stdout


def test_report_on_a_tampered_log_exits_1_and_still_writes_the_page(tmp_path: Path) -> None:
    log = _log(tmp_path)
    page = tmp_path / "report.html"
    assert run("audit", "report", str(log), "-o", str(page), cwd=tmp_path).returncode == 0
    log.write_text(log.read_text().replace('"action":"redact"', '"action":"allow"', 1))
    page.unlink()
    tampered = run("audit", "report", str(log), "-o", str(page), cwd=tmp_path)
    assert tampered.returncode == 1 and "EDITED" in tampered.stderr
    assert "Integrity: FAILED" in page.read_text()


def test_audit_commands_and_help_load_no_pipeline(tmp_path: Path) -> None:
    """What makes them start at once: neither litellm nor Presidio nor spaCy is imported."""
    log = _log(tmp_path)
    script = (
        "import sys\nfrom privproxy.cli import app\n"
        "for args in (['--help'], ['audit', 'verify', sys.argv[1]], ['audit', 'query', sys.argv[1]],"
        " ['audit', 'report', sys.argv[1], '-o', sys.argv[2]]):\n"
        "    try:\n        app(args)\n    except SystemExit:\n        pass\n"
        "heavy = [m for m in ('litellm', 'presidio_analyzer', 'spacy', 'privproxy.guard') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(log), str(tmp_path / "r.html")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "HEAVY []" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    lazy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, privproxy; print('litellm' in sys.modules, privproxy.Guard.__name__)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert lazy.stdout.split() == ["False", "Guard"], lazy.stderr


def test_help_shows_no_type_noise(tmp_path: Path) -> None:
    for command in ([], ["scan"], ["audit", "query"], ["policy", "validate"], ["serve"]):
        result = run(*command, "--help", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert not re.search(r"<(bool|str|int|Path|float)>", result.stdout), result.stdout


# -- security engineer: one run shows every mistake ------------------------------------------------

PACK = """name: team
recognizers:
  - name: Tickets
    supported_entity: TICKET
    patterns:
      - {name: t, regex: 'TCK-(\\d+', score: 0.9}
    examples: {match: ['TCK-1']}
  - name: Codes
    supported_entity: CODE
    patterns:
      - {name: c, regex: 'CODE-\\d{4}', score: 0.9}
    examples: {match: ['CODE-12'], no_match: ['CODE-1234']}
"""

POLICY = """version: 1
name: sloppy
detection: {packs: [builtin, team.yaml]}
actions:
  PERSON: local
actions:
  EMAIL_ADRESS: block
rule:
  - id: x
on_error: explode
"""


def test_validate_shows_every_mistake_of_every_file_at_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "team.yaml").write_text(PACK)
    (folder / "sloppy.yaml").write_text(POLICY)
    result = run("policy", "validate", str(folder), cwd=tmp_path)  # a folder, like `policy test`
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = result.stdout.splitlines()
    pack, policy = str(folder / "team.yaml"), str(folder / "sloppy.yaml")

    def line(prefix: str, text: str) -> str:
        found = [entry for entry in lines if entry.startswith(prefix) and text in entry]
        assert found, f"{prefix} ... {text} not in:\n" + "\n".join(lines)
        return found[0]

    # The invalid regex: at its file:line:col, in the regex engine's words.
    assert "missing )" in line(f"{pack}:6:26:", "invalid regular expression")
    # The duplicated key: an error at the second block, naming both lines.
    assert "lines 4 and 6" in line(f"{policy}:6:1:", "written twice")
    assert "did you mean 'rules'" in line(f"{policy}:8:1:", "unknown key 'rule'")
    assert "'block' or 'local'" in line(f"{policy}:10:1:", "on_error")
    # Meaning errors still show next to schema errors, and the other detector's examples are checked.
    assert "did you mean 'EMAIL_ADDRESS'" in line(f"{policy}:7:3:", "unknown entity type 'EMAIL_ADRESS'")
    line(f"{pack}:12:", "detector 'Codes' does not find its own example")
    line(f"{pack}:12:", "detector 'Codes' finds its own no_match example")
    assert "CODE-12" not in result.stdout, "examples are pointed at, not echoed"


@pytest.mark.parametrize(
    ("regex", "says"),
    [
        ("'TCK-(\\d+'", "invalid regular expression"),  # as written in PACK: a missing )
        ("'TCK-\\d+|'", "can match empty text"),  # an empty alternative finds nothing, everywhere
    ],
)
def test_a_bad_regex_stops_a_guard_with_a_policy_error_at_its_line(
    tmp_path: Path, regex: str, says: str
) -> None:
    from privproxy import Guard, PolicyError

    (tmp_path / "team.yaml").write_text(PACK.replace("'TCK-(\\d+'", regex))
    policy = write_policy(tmp_path, "version: 1\nname: p\ndetection: {packs: [team.yaml]}\n")
    with pytest.raises(PolicyError) as caught:
        Guard(policy=policy, audit_log=tmp_path / "a.jsonl")
    assert (Path(caught.value.file or "").name, caught.value.line) == ("team.yaml", 6)
    assert says in caught.value.message


def test_policy_tests_use_a_fixed_key_and_show_expected_vs_actual(tmp_path: Path) -> None:
    policy = write_policy(
        tmp_path,
        "version: 1\nname: t\ntests:\n  - name: email\n    prompt: 'Email jane.doe@example.org now'\n"
        "    context: {team: support, metadata: {region: eu}}\n"
        "    expect: {action: redact, sanitized: 'Email <EMAIL_ADDRESS_0000> now'}\n",
    )
    first = run("policy", "test", str(policy), cwd=tmp_path)
    assert first.returncode == 1 and "FAIL" in first.stdout
    flat = " ".join(first.stdout.split())  # the table may fold the detail over lines
    match = re.search(
        r"got 'Email (<EMAIL_ADDRESS_[0-9a-f]+>) now'", flat.replace("│ ", "").replace(" │", "")
    )
    assert match and "expected 'Email <EMAIL_ADDRESS_0000> now'" in flat.replace("│ ", "").replace(" │", "")
    policy.write_text(policy.read_text().replace("<EMAIL_ADDRESS_0000>", match.group(1)))
    again = run("policy", "test", str(policy), cwd=tmp_path)  # another process: the same placeholder
    assert again.returncode == 0, again.stdout
    assert "detector examples" in again.stdout, "every pack's examples are checked too"


# -- developer: errors in privproxy's own words --------------------------------------------------


def test_inspect_and_audit_paths_fail_with_what_to_do(tmp_path: Path) -> None:
    from privproxy import AuditError, Guard, RequestError

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    guard = Guard(audit_log=blocker / "audit.jsonl", hmac_key=KEY)
    with pytest.raises(RequestError, match="inspect\\(\\) takes a prompt"):
        guard.inspect(42)  # type: ignore[arg-type]
    with pytest.raises(RequestError, match=r"messages\[0\] needs a 'role' \(one of: "):
        guard.inspect([{"content": "hello"}])
    with pytest.raises(AuditError, match="is a file, not a folder") as caught:
        guard.audit.check_writable()
    assert "PRIVPROXY_AUDIT_LOG" in str(caught.value)


def test_a_missing_policy_file_points_at_the_path_given(tmp_path: Path) -> None:
    result = run("scan", "--policy", str(tmp_path / "nope.yaml"), "hello", cwd=tmp_path)
    assert result.returncode == 1 and "policy file not found" in result.stderr
    assert "PRIVPROXY_POLICY" not in result.stderr and "check the path" in result.stderr
    env = {"PRIVPROXY_POLICY": str(tmp_path / "gone.yaml")}
    from_env = run("scan", "hello", cwd=tmp_path, env=env)
    assert from_env.returncode == 1 and "PRIVPROXY_POLICY names this file" in from_env.stderr


# -- everyone: pipes, stdin, one context shape, progress -------------------------------------------

CONTEXT_POLICY = """version: 1
name: ctx
actions: {default: redact}
rules:
  - id: legal-local
    when: {team: legal}
    actions: {PERSON: local}
  - id: ci-block
    when: {key_alias: ci, tags: [batch], metadata: {region: eu}}
    actions: {PERSON: block}
"""


def test_scan_pipes_stdin_stdout_and_the_request_context(tmp_path: Path) -> None:
    policy = write_policy(tmp_path, CONTEXT_POLICY)
    lines = [
        {"id": 1, "text": "Call John Smith", "context": {"team": "legal"}},
        {"id": 2, "text": "Call John Smith", "team": "legal"},  # the older top-level form
        {
            "id": 3,
            "text": "Call John Smith",
            "context": {"key_alias": "ci", "tags": ["batch"], "metadata": {"region": "eu"}},
        },
        {"id": 4, "text": "Call John Smith"},
    ]
    batch = "".join(json.dumps(line) + "\n" for line in lines)
    piped = run("scan", "--policy", str(policy), "-i", "-", "-o", "-", cwd=tmp_path, stdin=batch)
    assert piped.returncode == 0, piped.stderr
    assert not (tmp_path / "-").exists(), "'-' is stdout, not a file"
    assert piped.stderr == "", "nothing extra when piped"
    assert [json.loads(line)["action"] for line in piped.stdout.splitlines()] == [
        "local",
        "local",
        "block",
        "redact",
    ]
    single = run(
        "scan", "--policy", str(policy), "--json", "--key-alias", "ci", "--tags", "batch",
        "--metadata", "region=eu", cwd=tmp_path, stdin="Call John Smith\n",
    )  # fmt: skip
    assert single.returncode == 0 and json.loads(single.stdout)["action"] == "block", single.stderr
    lonely = run("scan", "--policy", str(policy), "-o", str(tmp_path / "out.jsonl"), "hello", cwd=tmp_path)
    assert lonely.returncode == 2 and "--input" in lonely.stderr


def test_a_batch_on_a_terminal_ends_with_a_summary(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "hello"}\n{"text": "Email jane.doe@example.org"}\n')
    leader, follower = pty.openpty()
    env = {**os.environ, "PRIVPROXY_AUDIT_LOG": str(tmp_path / "a.jsonl"), "COLUMNS": "120"}
    done = subprocess.run(
        [str(BIN), "scan", "-i", str(source), "-o", str(tmp_path / "out.jsonl")],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        timeout=300,
    )
    os.close(follower)
    seen = b""
    try:
        while chunk := os.read(leader, 65536):
            seen += chunk
    except OSError:
        pass
    os.close(leader)
    assert done.returncode == 0
    assert re.search(rb"scanned 2 prompts \(1 allow, 1 redact; 0 errors\) .*out\.jsonl in [\d.]+ s", seen), (
        seen[-500:]
    )


def test_policy_diff_reads_the_same_context_shape(tmp_path: Path) -> None:
    new = write_policy(tmp_path, CONTEXT_POLICY, "new.yaml")
    old = write_policy(tmp_path, "version: 1\nname: old\nactions: {default: redact}\n", "old.yaml")
    corpus = tmp_path / "corpus.jsonl"
    lines = [
        {"text": "Call John Smith", "context": {"team": "legal"}},
        {
            "text": "Call John Smith",
            "context": {"key_alias": "ci", "tags": ["batch"], "metadata": {"region": "eu"}},
        },
        {"text": "Call John Smith", "context": {"team": "sales"}},
    ]
    corpus.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = run("policy", "diff", str(old), str(new), "--corpus", str(corpus), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 of 3 prompts get a different decision" in result.stdout, result.stdout


def test_known_entity_types_cover_what_the_detectors_produce(guard: object) -> None:
    """`audit query --entity` knows types without loading Presidio; this keeps that list honest."""
    from privproxy.entity_types import known_entity_types

    supported = set(guard.detector.supported_entities)  # type: ignore[attr-defined]
    transformers_only = {"EMAIL", "ID", "AGE"}  # Presidio's transformers NER; privproxy runs spaCy
    assert not supported - transformers_only - known_entity_types()

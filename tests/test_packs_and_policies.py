"""Every detector proves itself with its own examples; every shipped policy passes its own tests."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

import pytest
from conftest import REPO

from privproxy import Guard
from privproxy.detect.normalize import as_scanned
from privproxy.detect.packs import build_recognizers, load_pack
from privproxy.errors import PolicyError
from privproxy.policy import load_policy
from privproxy.policy.fixtures import POLICY_TEST_KEY, run_policy_tests

PACKS = sorted((REPO / "detectors").glob("*.yaml"))
POLICIES = sorted((REPO / "policies").glob("*.yaml"))
PACK_DIR = REPO / "detectors"


@pytest.fixture(scope="module")
def detector_guard(tmp_path_factory: pytest.TempPathFactory) -> Guard:
    return Guard(audit_log=tmp_path_factory.mktemp("audit") / "a.jsonl")


def _examples() -> list[tuple[str, str, str, bool]]:
    cases = []
    for path in PACKS:
        pack = load_pack(path, ["en"])
        for recognizer in pack.spec.recognizers:
            for text in recognizer.examples.match:
                cases.append((path.name, recognizer.name, text, True))
            for text in recognizer.examples.no_match:
                cases.append((path.name, recognizer.name, text, False))
    return cases


@pytest.mark.parametrize(("pack", "detector", "text", "should_match"), _examples())
def test_detector_examples(
    detector_guard: Guard, pack: str, detector: str, text: str, should_match: bool
) -> None:
    spec = next(r for r in load_pack(PACK_DIR / pack, ["en"]).spec.recognizers if r.name == detector)
    if spec.kind in ("fields", "record_names"):
        # A field detector needs no NLP or context, and where a specific detector finds the same value
        # the analyzer keeps that one's finding: run it on its own to see what it finds.
        [recognizer] = build_recognizers(spec, ["en"])
        results = recognizer.analyze(text, [spec.supported_entity])
        counted = [r for r in results if r.score >= detector_guard.policy.detection.min_score]
    else:
        # as `policy validate` checks them: an example proves what its detector finds, so a health
        # word counts here even where the policy lets those that concern nobody through
        findings = [
            f for f in detector_guard.detector.analyze(text, every_health_word=True) if f.detector == detector
        ]
        counted = [f for f in findings if f.score >= detector_guard.policy.detection.min_score]
    if should_match:
        assert counted, f"{pack}: {detector} misses its own example"
    else:
        assert not counted, f"{pack}: {detector} matches its own no_match example"


def test_every_pack_has_examples_for_every_detector() -> None:
    assert PACKS, "no detector packs found"
    for path in PACKS:
        for recognizer in load_pack(path, ["en"]).spec.recognizers:
            assert recognizer.examples.match, f"{path.name}: {recognizer.name} has no match examples"


@pytest.mark.parametrize("path", POLICIES, ids=[p.name for p in POLICIES])
def test_shipped_policy_passes_its_tests(tmp_path: Path, path: Path) -> None:
    loaded = load_policy(path)
    assert loaded.policy.tests, f"{path.name} has no tests"
    guard = Guard(policy=path, audit_log=tmp_path / "a.jsonl", hmac_key=POLICY_TEST_KEY)
    failures = [r for r in run_policy_tests(guard) if not r.passed]
    assert not failures, failures


def test_a_wrong_expectation_fails(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: t\ntests:\n  - prompt: 'Email jane.doe@example.org'\n    expect: {action: allow}\n"
    )
    [result] = run_policy_tests(Guard(policy=policy, audit_log=tmp_path / "a.jsonl"))
    assert not result.passed and "action redact, expected allow" in result.problems[0]


def test_a_pack_can_enable_a_presidio_recognizer_by_name(tmp_path: Path) -> None:
    pack = tmp_path / "uk.yaml"
    pack.write_text(
        "name: uk\nrecognizers:\n  - name: UkPassports\n    supported_entity: UK_PASSPORT\n"
        "    kind: presidio\n    recognizer: NoSuchRecognizer\n    examples: {match: ['x']}\n"
    )
    with pytest.raises(PolicyError, match=r"NoSuchRecognizer.*UkNinoRecognizer") as caught:
        load_pack(pack, ["en"])
    assert caught.value.file == str(pack)
    pack.write_text(pack.read_text().replace("NoSuchRecognizer", "UkNinoRecognizer"))
    [recognizer] = load_pack(pack, ["en"]).recognizers
    assert recognizer.name == "UkPassports" and recognizer.supported_entities == ["UK_PASSPORT"]


def test_a_broken_pack_names_each_mistake_at_its_line(tmp_path: Path) -> None:
    from privproxy.policy.validate import validate_file

    (tmp_path / "team.yaml").write_text(
        "name: team\nrecognizers:\n"
        "  - name: Tickets\n    supported_entity: TICKET\n"
        "    patterns: [{name: t, regex: 'TCK-\\d+', score: 1.5}]\n    examples: {match: ['TCK-1']}\n"
        "  - name: Codes\n    supported_entity: CODE\n    patern: []\n    examples: {match: ['x']}\n"
    )
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\nname: p\ndetection: {packs: [builtin, team.yaml]}\n")
    problems = validate_file(policy)
    assert [(Path(p.file or "").name, p.line) for p in problems] == [("team.yaml", 5), ("team.yaml", 9)]
    assert "less than or equal to 1" in problems[0].message and "unknown key 'patern'" in problems[1].message


def test_pack_words_and_patterns_are_read_as_the_scanned_text_is(tmp_path: Path) -> None:
    # Detection scans NFKC text: Thai SARA AM splits in two, "nº" reads "no". A pack written with
    # the characters people type must still match what is scanned.
    from privproxy.detect.normalize import normalize_for_detection

    pack = tmp_path / "th.yaml"
    pack.write_text(
        "name: th\nrecognizers:\n  - name: ThaiMember\n    supported_entity: MEMBER_NUMBER\n"
        "    patterns: [{name: m, regex: '(?:เลขสมาชิกประจำตัว|nº socio)\\s*\\K\\d{7}', score: 0.9}]\n"
        "    context: [ประจำปี]\n    examples: {match: ['x']}\n",
        encoding="utf-8",
    )
    [recognizer] = load_pack(pack, ["en"]).recognizers
    assert recognizer.context == [unicodedata.normalize("NFKC", "ประจำปี")]
    for text in ("เลขสมาชิกประจำตัว 4417302", "Nº socio 4417302"):
        scanned = normalize_for_detection(text).text
        assert scanned != text
        [found] = recognizer.analyze(scanned, ["MEMBER_NUMBER"])
        assert scanned[found.start : found.end] == "4417302"


def test_detection_literals_are_written_as_the_scanned_text_reads() -> None:
    # A string in the detection code holding a letter NFKC rewrites ("º", "µ", Thai "ำ") can never
    # match the scanned text; write what the scan reads ("o", "μ"). normalize.py names such
    # characters on purpose; docstrings are prose.
    stale = []
    for path in sorted((REPO / "privproxy").rglob("*.py")):
        if path.name == "normalize.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(owner.body[0].value)
            for owner in ast.walk(tree)
            if isinstance(owner, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and owner.body
            and isinstance(owner.body[0], ast.Expr)
        }
        stale += [
            f"{path.relative_to(REPO)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and as_scanned(node.value) != node.value
        ]
    assert not stale, stale


def test_a_second_guard_runs_the_patterns_the_first_compiled(guard: Guard, tmp_path: Path) -> None:
    """Building detectors again (another Guard, a policy reload) reuses each pattern Presidio has
    compiled: the `regex` module's own cache holds fewer patterns than the packs, so without this
    every new Guard compiled all of them again (seconds each, once per test)."""
    guard.inspect(
        "Write to Jan Kowalski at jan.kowalski@poczta.example or +48 601 234 567, PESEL 44051401458."
    )
    again = Guard(audit_log=tmp_path / "again.jsonl", hmac_key=b"k" * 32)

    def patterns(one: Guard) -> list[object]:
        return [
            p for pack in one.detector.packs for r in pack.recognizers for p in getattr(r, "patterns", [])
        ]

    first, second = patterns(guard), patterns(again)
    assert len(second) == len(first) > 100
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert sum(p.compiled_regex is not None for p in second) > 0  # type: ignore[attr-defined]
    # and both find the same
    text = "PESEL 44051401458, jan.kowalski@poczta.example"
    assert guard.inspect(text).findings == again.inspect(text).findings != []

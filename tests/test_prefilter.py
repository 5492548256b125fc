"""The one-pass pattern prefilter (detect.engine) skips work only: findings are the same as when every
pattern detector scans every text, on every pack's examples and on a sample of every corpus."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import REPO
from presidio_analyzer import Pattern, PatternRecognizer

from privproxy import Guard
from privproxy.detect import prefilter as prefilter_module
from privproxy.detect.analyzer import Detector
from privproxy.detect.engine import _MAY_MATCH, every_pattern_detector
from privproxy.detect.prefilter import PatternPrefilter
from privproxy.policy.validate import validate_file

HOLDOUT = REPO / "benchmarks" / "accuracy" / "holdout"


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> Detector:
    guard = Guard(
        audit_log=tmp_path_factory.mktemp("pf") / "a.jsonl", hmac_key=b"k" * 32, reload_interval=None
    )
    return guard.detector


def _findings(detector: Detector, text: str) -> list[tuple[str, int, int, float, str]]:
    results = detector.analyzer.analyze(text=text, language=detector.language)
    return sorted(
        (r.entity_type, r.start, r.end, round(r.score, 6), r.recognition_metadata.get("recognizer_name", ""))
        for r in results
    )


def _sample_texts() -> list[str]:
    texts = [
        json.loads(line)["text"]
        for name in ("credentials_ids", "structured", "benign")
        for line in (HOLDOUT / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    faker = [
        json.loads(line)["text"]
        for line in (REPO / "benchmarks" / "accuracy" / "faker_2000.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()[:400]
    ]
    return random.Random(7).sample(texts, 60) + random.Random(7).sample(faker, 20)


def test_every_pattern_is_prefiltered(detector: Detector) -> None:
    # A pattern the prefilter cannot take would scan every text; none of the shipped packs has one.
    assert detector.unfiltered_patterns == []
    assert (
        detector.analyzer.registry.prefilter is not None
        and len(detector.analyzer.registry.prefilter.gated) > 100
    )


def test_pack_examples_give_the_same_findings_with_and_without_the_prefilter(detector: Detector) -> None:
    examples = [
        text
        for pack in detector.packs
        for spec in pack.spec.recognizers
        for text in (*spec.examples.match, *spec.examples.no_match)
    ]
    assert len(examples) > 300
    for text in examples:
        fast = _findings(detector, text)
        with every_pattern_detector():
            assert _findings(detector, text) == fast, "the prefilter changed a finding on a pack example"


def test_corpus_texts_give_the_same_findings_with_and_without_the_prefilter(detector: Detector) -> None:
    prefilter = detector.analyzer.registry.prefilter
    assert prefilter is not None
    # The prefilter is shared with the detector that runs every pack (for `explain`): its detectors.
    every = detector._every_detector.registry.recognizers
    patterns = {id(r): len(r.patterns) for r in every if id(r) in prefilter.gated}
    skipped_detectors = skipped_patterns = 0
    for text in _sample_texts():
        fast = _findings(detector, text)
        with every_pattern_detector():
            slow = _findings(detector, text)
        assert slow == fast, "the prefilter changed a finding on a corpus text"
        may_match = prefilter.may_match(text)
        assert may_match is not None
        skipped_detectors += len(prefilter.gated - may_match.keys())
        skipped_patterns += sum(patterns[owner] - len(indexes) for owner, indexes in may_match.items())
    assert skipped_detectors > 0, "the prefilter must actually skip detectors that cannot match"
    assert skipped_patterns > 0, "within a detector that runs, patterns that cannot match must be skipped"


def test_a_detector_runs_only_its_patterns_that_may_match(detector: Detector) -> None:
    # "PIN" alone: the security-code detector runs, but not its patterns that need an e-mail or a
    # key word; outside an analysis its pattern list is whole again.
    prefilter = detector.analyzer.registry.prefilter
    assert prefilter is not None
    recognizer = next(
        r for r in detector.analyzer.registry.recognizers if r.name == "SecretAFewWordsAfterItsWordRecognizer"
    )
    whole = list(recognizer.patterns)
    may_match = prefilter.may_match("Die PIN der Karte ist 4831.")
    assert may_match is not None and id(recognizer) in may_match
    token = _MAY_MATCH.set(may_match)
    try:
        running = list(recognizer.patterns)
    finally:
        _MAY_MATCH.reset(token)
    assert 0 < len(running) < len(whole) and list(recognizer.patterns) == whole
    assert all(pattern in whole for pattern in running)
    assert [
        r.entity_type for r in detector.analyzer.analyze("Die PIN der Karte ist 4831.", language="en")
    ].count("SECRET") >= 1


def test_a_text_hyperscan_cannot_read_runs_every_detector(detector: Detector) -> None:
    # A lone surrogate cannot be encoded as UTF-8: the prefilter answers "unknown" and every pattern
    # detector is handed the text (what then fails downstream fails closed, as any detection error).
    prefilter = detector.analyzer.registry.prefilter
    assert prefilter is not None and prefilter.may_match("Mail anna@example.de \ud800 now") is None
    token = _MAY_MATCH.set(None)
    try:
        assert detector.analyzer.registry.get_recognizers(
            language=detector.language, all_fields=True
        ) == list(detector.analyzer.registry.recognizers)
    finally:
        _MAY_MATCH.reset(token)


def test_a_pattern_the_prefilter_cannot_take_still_runs_and_is_noted(tmp_path: Path) -> None:
    # `\P{L}` (not a letter) has no superset the rewrite knows: the detector scans every text, its
    # examples still pass, and `policy validate` says so.
    pack = tmp_path / "tickets.yaml"
    pack.write_text(
        "name: tickets\ndescription: test pack\nrecognizers:\n"
        "  - name: TicketNumber\n    supported_entity: TICKET\n    description: a ticket number\n"
        "    patterns:\n      - name: number then a non-letter\n        regex: '\\bTCK-\\d{4}\\P{L}'\n"
        "        score: 0.9\n    examples:\n      match: ['TCK-1234 ']\n      no_match: ['TCK-12']\n",
        encoding="utf-8",
    )
    notes: list[str] = []
    assert validate_file(pack, notes=notes) == []
    assert len(notes) == 1 and "TicketNumber" in notes[0] and "scans every text" in notes[0]


def _ticket_detector(regex: str) -> PatternRecognizer:
    return PatternRecognizer(
        supported_entity="TICKET", name="TicketNumber", patterns=[Pattern("ticket", regex, 0.9)]
    )


def test_a_detector_hyperscan_refuses_to_compile_runs_on_every_text() -> None:
    # Hyperscan refuses an expression over its length limit; that happens on the compile thread, and
    # the detector is then noted and left ungated (it scans every text) rather than lost.
    words = "|".join(f"w{i}xyz" for i in range(2000))
    refused, accepted = _ticket_detector(rf"\b(?:{words})\b"), _ticket_detector(r"\bTCK-\d{4}\b")
    prefilter = PatternPrefilter([refused, accepted])
    prefilter.finish()
    assert [u.detector for u in prefilter.unfiltered] == ["TicketNumber"]
    assert "length" in prefilter.unfiltered[0].reason
    assert prefilter.gated == frozenset({id(accepted)})
    assert prefilter.may_match("nothing here") == {}
    assert prefilter.may_match("see TCK-1234") == {id(accepted): frozenset({0})}


def test_an_error_while_compiling_stops_detection_from_starting(monkeypatch: pytest.MonkeyPatch) -> None:
    # Anything but Hyperscan's own refusal is not swallowed on the compile thread: the first use of the
    # prefilter raises it, so a detector (and a Guard) built over it fails to start: fail closed.
    def broken(expressions: object) -> None:
        raise MemoryError("out of memory while compiling")

    monkeypatch.setattr(prefilter_module, "_database", broken)
    prefilter = PatternPrefilter([_ticket_detector(r"\bTCK-\d{4}\b")])
    with pytest.raises(MemoryError):
        prefilter.finish()
    with pytest.raises(MemoryError):
        prefilter.may_match("see TCK-1234")

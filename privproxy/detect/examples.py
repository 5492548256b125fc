"""Every detector proves itself: its `examples.match` must be found and its `examples.no_match` not,
by the detectors of the policy that loads the pack (`policy validate` and `policy test` run this)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import PolicyError
from .packs import Pack, RecognizerSpec, build_recognizers

if TYPE_CHECKING:
    from ..policy.schema import Detection
    from .analyzer import Detector


def example_problems(
    detector: Detector,
    detection: Detection,
    packs: list[Pack] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[PolicyError]:
    """One PolicyError, at the example's file:line, per example its detector gets wrong (values not echoed)."""
    problems: list[PolicyError] = []
    for pack in detector.packs if packs is None else packs:
        for number, spec in enumerate(pack.spec.recognizers):
            index = pack.positions[number] if pack.positions is not None else number
            threshold = detection.scores.get(spec.supported_entity, detection.min_score)
            finds = _finder(detector, spec, threshold)
            for kind, texts in (("match", spec.examples.match), ("no_match", spec.examples.no_match)):
                for position, text in enumerate(texts):
                    found = finds(text)
                    if progress is not None:
                        progress(1)
                    if found == (kind == "match"):
                        continue
                    what = (
                        "does not find its own example"
                        if kind == "match"
                        else "finds its own no_match example"
                    )
                    problems.append(
                        _error(
                            pack,
                            ("recognizers", index, "examples", kind, position),
                            f"detector '{spec.name}' {what} (examples.{kind}[{position}])",
                        )
                    )
    return problems


def _finder(detector: Detector, spec: RecognizerSpec, threshold: float) -> Callable[[str], bool]:
    """Whether the detector finds an example: through the whole analyzer, as a request would be
    scanned; a `kind: fields` detector on its own (it needs no NLP, and where a more specific detector
    finds the same value the analyzer keeps that finding instead)."""
    if spec.kind == "fields":
        recognizers: list[Any] = build_recognizers(spec, [detector.language])  # FieldRecognizer: no NLP

        def alone(text: str) -> bool:
            return any(
                result.score >= threshold
                for recognizer in recognizers
                for result in recognizer.analyze(text, [spec.supported_entity])
            )

        return alone

    def analyzed(text: str) -> bool:
        found = detector.analyze(text, every_health_word=True)
        return any(f.detector == spec.name and f.score >= threshold for f in found)

    return analyzed


def example_count(packs: list[Pack]) -> int:
    return sum(
        len(spec.examples.match) + len(spec.examples.no_match)
        for pack in packs
        for spec in pack.spec.recognizers
    )


def _error(pack: Pack, path: tuple[str | int, ...], message: str) -> PolicyError:
    hint = (
        "fix the pattern (its regex, score or context words) or the example; "
        "`privproxy scan --explain` on the example shows what is found and why"
    )
    mark = pack.located.locate(path) if pack.located is not None else None
    if mark is None:
        return PolicyError(message, file=pack.source, hint=hint)
    return PolicyError(message, file=mark[0], line=mark[1], column=mark[2], hint=hint)

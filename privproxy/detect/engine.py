"""Presidio's AnalyzerEngine, with work skipped where it cannot change a finding.

- **One pass for every pattern.** Presidio runs each pattern detector's regexes over the whole text
  (about 160 passes per request with our packs). Here one Hyperscan pass tells which detectors may
  match (detect.prefilter); only those run, and only the patterns that may match, so findings are
  exactly Presidio's.
- **Context per detector, grouped once.** Presidio's `_enhance_using_context` scans every finding
  once per detector (two list comprehensions for each of ~130 detectors); here findings are grouped by
  detector first, and only detectors with their own context logic are handed the other findings.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer import RecognizerResult as Result

from .prefilter import MAY_MATCH as _MAY_MATCH
from .prefilter import PatternPrefilter

# _MAY_MATCH: the detectors that may match the text being analysed (ids of recognizer objects, each
# with the indexes of its patterns that may); None: all run.
_PREFILTER_ON: contextvars.ContextVar[bool] = contextvars.ContextVar("prefilter_on", default=True)


@contextlib.contextmanager
def every_pattern_detector() -> Iterator[None]:
    """Within this block every pattern detector runs on every text, as in stock Presidio (to compare)."""
    token = _PREFILTER_ON.set(False)
    try:
        yield
    finally:
        _PREFILTER_ON.reset(token)


class GatedRegistry(RecognizerRegistry):
    """A registry that, during an analysis, leaves out pattern detectors that cannot match its text."""

    prefilter: PatternPrefilter | None = None

    def get_recognizers(self, *args: Any, **kwargs: Any) -> list[EntityRecognizer]:
        recognizers = super().get_recognizers(*args, **kwargs)
        may_match = _MAY_MATCH.get()
        if self.prefilter is None or may_match is None:
            return recognizers
        gated = self.prefilter.gated
        return [r for r in recognizers if id(r) not in gated or id(r) in may_match]


class Engine(AnalyzerEngine):
    """AnalyzerEngine over a GatedRegistry, with context enhancement grouped by detector."""

    registry: GatedRegistry

    def __init__(
        self, registry: GatedRegistry, prefilter: PatternPrefilter | None = None, **kwargs: Any
    ) -> None:
        """`prefilter`: one built for a registry holding all of this one's detectors (it is shared).
        A new one starts compiling before Presidio's engine loads the spaCy models, so the two overlap."""
        registry.prefilter = prefilter or PatternPrefilter(registry.recognizers)
        super().__init__(registry=registry, **kwargs)

    def analyze(self, text: str, language: str, **kwargs: Any) -> list[Result]:  # type: ignore[override]
        prefilter = self.registry.prefilter if _PREFILTER_ON.get() else None
        token = _MAY_MATCH.set(prefilter.may_match(text) if prefilter is not None else None)
        try:
            return super().analyze(text, language, **kwargs)
        finally:
            _MAY_MATCH.reset(token)

    def _enhance_using_context(
        self,
        text: str,
        raw_results: list[Result],
        nlp_artifacts: Any,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[Result]:
        by_detector: dict[str, list[Result]] = {}
        for result in raw_results:
            by_detector.setdefault(result.recognition_metadata[Result.RECOGNIZER_IDENTIFIER_KEY], []).append(
                result
            )
        results: list[Result] = []
        for recognizer in recognizers:
            own = by_detector.get(recognizer.id, [])
            if type(recognizer).enhance_using_context is EntityRecognizer.enhance_using_context:
                results.extend(own)  # Presidio's default returns the detector's own findings unchanged
                continue
            others = [
                r
                for r in raw_results
                if r.recognition_metadata[Result.RECOGNIZER_IDENTIFIER_KEY] != recognizer.id
            ]
            results.extend(
                recognizer.enhance_using_context(
                    text=text,
                    raw_recognizer_results=own,
                    other_raw_recognizer_results=others,
                    nlp_artifacts=nlp_artifacts,
                    context=context,
                )
            )
        return self.context_aware_enhancer.enhance_using_context(  # type: ignore[no-any-return]
            text=text,
            raw_results=results,
            nlp_artifacts=nlp_artifacts,
            recognizers=recognizers,
            context=context,
        )

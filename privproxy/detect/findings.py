"""What detection returns: typed spans with a score and the detector that found them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Finding:
    """One sensitive span in one piece of text; holds offsets, never the value itself."""

    start: int
    end: int
    entity_type: str
    score: float
    detector: str

    def to_dict(self) -> dict[str, Any]:
        return {  # by hand: dataclasses.asdict deep-copies and cost 3 µs per finding on long chats
            "start": self.start,
            "end": self.end,
            "entity_type": self.entity_type,
            "score": round(self.score, 4),
            "detector": self.detector,
        }


def recognizer_result(
    entity_type: str,
    start: int,
    end: int,
    score: float,
    recognizer: str,
    why: str,
    identifier: str | None = None,
) -> Any:
    """A Presidio RecognizerResult from one of our own recognizers, with its explanation and name."""
    from presidio_analyzer import AnalysisExplanation, RecognizerResult

    metadata: dict[str, Any] = {RecognizerResult.RECOGNIZER_NAME_KEY: recognizer}
    if identifier is not None:
        metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] = identifier
    explanation = AnalysisExplanation(recognizer=recognizer, original_score=score, textual_explanation=why)
    return RecognizerResult(
        entity_type=entity_type,
        start=start,
        end=end,
        score=score,
        analysis_explanation=explanation,
        recognition_metadata=metadata,
    )

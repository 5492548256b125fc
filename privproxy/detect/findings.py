"""What detection returns: typed spans with a score and the detector that found them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
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
        data = asdict(self)
        data["score"] = round(self.score, 4)
        return data

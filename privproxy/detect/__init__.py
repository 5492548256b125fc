"""Detection: Presidio + spaCy + detector packs, offline, cached per segment text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .findings import Finding

if TYPE_CHECKING:
    from .analyzer import Detector


def __getattr__(name: str) -> Any:
    """`Detector` imports Presidio and spaCy (seconds): only when a detector is wanted."""
    if name == "Detector":
        from .analyzer import Detector

        return Detector
    raise AttributeError(f"module 'privproxy.detect' has no attribute {name!r}")


__all__ = ["Detector", "Finding"]
